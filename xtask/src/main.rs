//! `cargo xtask codegen`: generate the crates configured in `codegen.toml`, or one crate
//! from schema files given on the command line: a thin call into the `odata-codegen`
//! command's library (crates/cli), with the workspace root as the root of the paths.
//! `cargo xtask metadata` fetches a service's `$metadata` first. `cargo xtask
//! compile-cost` measures the compile cost of a big generated crate, old against new;
//! `cargo xtask bench-generate` times whole-Graph generation (and, with `--sap`, the SAP
//! Cloud SDK's generator on the same schema). `cargo xtask check-areas` lints a crate
//! with area features under each feature alone; `cargo xtask check-corpus` generates and
//! lints a crate for every CSDL document of a corpus of real schemas.
//!
//! Exit codes: 0 success; 1 a user error (schema, config, missing root, a file the run may
//! not overwrite or remove: see `codegen::owned`) or an I/O error; 2 a usage error (bad
//! flags); 3 `--check` found stale, missing, extra, edited or foreign files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use odata_codegen::{Args, Failure};

mod areas;
mod bench;
mod compile_cost;
mod corpus;
mod metadata;

// Generation allocates millions of small strings: against glibc's allocator mimalloc
// takes whole-Graph generation from ~318 to ~209 ms. Its v2 line (the `v2` feature)
// runs as fast as v3 and peaks a fifth lower (153 vs 192 MB RSS); fresh memory is
// expensive on the 2-core VM (`crates/codegen/README.md`, "Generation speed").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const METADATA_USAGE: &str = "
       cargo xtask metadata URL --schema FILE [--json] [--token-env VAR | --azure] [--config FILE]

  metadata        fetch URL's $metadata (URL: the service root or the $metadata URL),
                  store it as FILE only if it reads as CSDL (unchanged otherwise), then
                  regenerate every crate of the config and report API changes
  --json          ask for CSDL JSON ($format=json)
  --token-env VAR send the bearer token held in the environment variable VAR (never
                  given on the command line); it goes to the service's origin only
  --azure         get the token from the developer tools (`az login`, `azd auth login`)
                  for the scope {origin}/.default of URL (e.g.
                  https://graph.microsoft.com/.default); it goes to that origin only";

fn usage() -> String {
    let codegen = odata_codegen::usage("cargo xtask codegen");
    // The metadata task's lines go before the exit codes.
    match codegen.rsplit_once("\n\nexit codes:") {
        Some((flags, codes)) => format!(
            "{flags}\n{METADATA_USAGE}\n{}\n{}\n{}\n{}\n\nexit codes:{codes}",
            bench::USAGE,
            compile_cost::USAGE,
            areas::USAGE,
            corpus::USAGE
        ),
        None => format!(
            "{codegen}\n{METADATA_USAGE}\n{}\n{}\n{}\n{}",
            bench::USAGE,
            compile_cost::USAGE,
            areas::USAGE,
            corpus::USAGE
        ),
    }
}

fn main() -> ExitCode {
    let mut it = std::env::args().skip(1);
    let result = match it.next().as_deref() {
        Some("codegen") => {
            odata_codegen::parse_args(it).and_then(|a| odata_codegen::run(&a, &workspace_root()))
        }
        Some("metadata") => parse_metadata(it).and_then(|(a, m)| {
            let line = metadata::fetch_and_store(&m).map_err(Failure::User)?;
            eprintln!("{line}");
            odata_codegen::run(&a, &workspace_root())
        }),
        Some("bench-generate") => bench::parse(it).map_err(Failure::Usage).and_then(|a| {
            bench::run(&a, &workspace_root()).map_err(|e| Failure::User(format!("error: {e}")))
        }),
        Some("compile-cost") => compile_cost::parse(it)
            .map_err(Failure::Usage)
            .and_then(|a| {
                compile_cost::run(&a, &workspace_root())
                    .map_err(|e| Failure::User(format!("error: {e}")))
            }),
        Some("check-areas") => areas::parse(it).map_err(Failure::Usage).and_then(|a| {
            areas::run(&a, &workspace_root()).map_err(|e| Failure::User(format!("error: {e}")))
        }),
        Some("check-corpus") => {
            let root = workspace_root();
            corpus::parse(it, &root)
                .map_err(Failure::Usage)
                .and_then(|dir| {
                    corpus::run(&dir, &root).map_err(|e| Failure::User(format!("error: {e}")))
                })
        }
        Some("-h" | "--help") | None => Err(Failure::Usage(String::new())),
        Some(other) => Err(Failure::Usage(format!(
            "unknown task `{other}` (expected `codegen`, `metadata`, `bench-generate`, `compile-cost`, `check-areas` or `check-corpus`)"
        ))),
    };
    odata_codegen::exit(result, &usage())
}

fn parse_metadata(
    mut it: impl Iterator<Item = String>,
) -> Result<(Args, metadata::MetadataArgs), Failure> {
    let mut m = metadata::MetadataArgs::default();
    let mut a = Args::default();
    let mut url = None;
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .ok_or_else(|| Failure::Usage(format!("`{flag}` needs a value")))
        };
        match arg.as_str() {
            "--schema" => m.schema = PathBuf::from(value("--schema")?),
            "--json" => m.json = true,
            "--token-env" => m.token_env = Some(value("--token-env")?),
            "--azure" => m.azure = true,
            "--config" => a.config = Some(PathBuf::from(value("--config")?)),
            "--verbose" | "-v" => a.verbose = true,
            "-h" | "--help" => return Err(Failure::Usage(String::new())),
            other if other.starts_with('-') => {
                return Err(Failure::Usage(format!("unknown flag `{other}`")));
            }
            other if url.is_none() => url = Some(other.to_string()),
            other => return Err(Failure::Usage(format!("unexpected `{other}`"))),
        }
    }
    let Some(url) = url else {
        return Err(Failure::Usage("`metadata` needs the service's URL".into()));
    };
    if m.schema.as_os_str().is_empty() {
        return Err(Failure::Usage(
            "`metadata` needs `--schema FILE`: where to store the document".into(),
        ));
    }
    if m.azure && m.token_env.is_some() {
        return Err(Failure::Usage(
            "`--azure` and `--token-env` both give the token: use one".into(),
        ));
    }
    m.url = url;
    Ok((a, m))
}

/// The workspace root (the parent of this crate's manifest directory).
fn workspace_root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().map(Path::to_path_buf).unwrap_or(dir)
}

/// Builds the release `odata-codegen` of the workspace at `dir` into the target folder
/// `target`, and returns the binary's path (`bench-generate`, `compile-cost`).
fn release_codegen(dir: &Path, target: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "odata-codegen"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "`cargo build --release -p odata-codegen` in {} failed",
            dir.display()
        ));
    }
    Ok(target.join("release/odata-codegen"))
}

/// Builds the release `odata-codegen` of git revision `rev` in a detached worktree under
/// `work` (removed afterwards; its target folder `work/rev-target` is kept for the next
/// run) and returns the binary (`bench-generate --against`, `compile-cost`).
fn release_codegen_at(root: &Path, rev: &str, work: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let tree = work.join("rev");
    let prune = || {
        let _ = std::process::Command::new("git")
            .args(["worktree", "prune"])
            .current_dir(root)
            .status();
    };
    if tree.exists() {
        // An earlier run's worktree: detach it (git forgets it when the folder is gone).
        let _ = std::fs::remove_dir_all(&tree);
        prune();
    }
    let added = std::process::Command::new("git")
        // A revision is never read as an option.
        .args(["worktree", "add", "--quiet", "--detach", "--"])
        .arg(&tree)
        .arg(rev)
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !added.success() {
        return Err(format!("`git worktree add … {rev}` failed"));
    }
    let built = release_codegen(&tree, &work.join("rev-target"));
    let _ = std::fs::remove_dir_all(&tree);
    prune();
    built
}

/// The median of measurements (the upper middle one of an even count).
fn median<T: PartialOrd + Copy>(mut v: Vec<T>) -> T {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[v.len() / 2]
}
