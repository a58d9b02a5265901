//! `cargo xtask codegen`: generate the crates configured in `codegen.toml`, or one crate
//! from schema files given on the command line.
//!
//! ```text
//! cargo xtask codegen [--check] [--explain] [--verbose] [--strict] [--config FILE]
//! cargo xtask codegen --schema FILE [--schema FILE ...] [--reference URI=FILE ...] --out DIR
//!                     (--all | --include NAME ...) [--key-as-segment] [--service-root URL]
//! ```
//!
//! Exit codes: 0 success; 1 a user error (schema, config, missing root, a file the run may
//! not overwrite or remove: see [`owned`]) or an I/O error; 2 a usage error (bad flags);
//! 3 `--check` found stale, missing, extra, edited or foreign files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use codegen::{Config, ConfigFile, Files};

mod metadata;
mod owned;

// Generation allocates millions of small token trees; glibc's allocator spends about a
// third of the run in malloc/free (perf), mimalloc roughly halves that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--explain] [--verbose] [--strict] [--config FILE]
       cargo xtask codegen --schema FILE [--schema FILE ...] [--reference URI=FILE ...]
                           --out DIR (--all | --include NAME ...) [--key-as-segment]
                           [--service-root URL]

  --check         write nothing; exit 3 naming every stale, missing or extra file
                  (and edited or foreign files the next run would refuse to touch)
  --explain       print the closure report: every type pulled in, and why
  --verbose       list every file written or removed, and warnings in full
  --strict        every warning of the CSDL reader is an error (as `strict = true`)
  --config FILE   the configuration (default: codegen.toml at the workspace root)
  --schema FILE   generate from this CSDL file instead of the config (repeatable; every
                  file given contributes its namespaces, whatever the references' URIs)
  --reference URI=FILE
                  the local FILE stands for the edmx:Reference URI (with --schema,
                  repeatable; FILE inside the folder of the first --schema)
  --out DIR       the crate folder to write (with --schema)
  --all           every type of the schema (with --schema)
  --include NAME  a root: a qualified type name, entity set, singleton or Container/path
                  (with --schema, repeatable)
  --key-as-segment
                  the client addresses entities as /set/{key} (Graph) instead of
                  /set('key') (with --schema; as `key_as_segment = true`)
  --service-root URL
                  the crate's SERVICE_ROOT and example root (with --schema)

Only files listed in the crate's GENERATED.txt and unchanged since are overwritten or
removed; --out must be absent, empty or a generated crate.

       cargo xtask metadata URL --schema FILE [--json] [--token-env VAR] [--config FILE]

  metadata        fetch URL's $metadata (URL: the service root or the $metadata URL),
                  store it as FILE only if it reads as CSDL (unchanged otherwise), then
                  regenerate every crate of the config and report API changes
  --json          ask for CSDL JSON ($format=json)
  --token-env VAR send the bearer token held in the environment variable VAR (never
                  given on the command line); it goes to the service's origin only

exit codes: 0 ok, 1 error in a schema, the config or a root, a file it may not touch
(or I/O), 2 usage, 3 --check found differences";

#[derive(Default)]
struct Args {
    check: bool,
    explain: bool,
    verbose: bool,
    strict: bool,
    key_as_segment: bool,
    service_root: Option<String>,
    config: Option<PathBuf>,
    schemas: Vec<PathBuf>,
    references: Vec<(String, PathBuf)>,
    out: Option<PathBuf>,
    all: bool,
    include: Vec<String>,
    metadata: Option<metadata::MetadataArgs>,
}

enum Failure {
    Usage(String),
    User(String),
    Stale,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, Failure> {
    match it.next().as_deref() {
        Some("codegen") => {}
        Some("metadata") => return parse_metadata(it),
        Some("-h" | "--help") | None => return Err(Failure::Usage(String::new())),
        Some(other) => {
            return Err(Failure::Usage(format!(
                "unknown task `{other}` (expected `codegen`)"
            )));
        }
    }
    let mut a = Args::default();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .ok_or_else(|| Failure::Usage(format!("`{flag}` needs a value")))
        };
        match arg.as_str() {
            "--check" => a.check = true,
            "--explain" => a.explain = true,
            "--verbose" | "-v" => a.verbose = true,
            "--strict" => a.strict = true,
            "--key-as-segment" => a.key_as_segment = true,
            "--service-root" => {
                let url = value("--service-root")?;
                codegen::config::check_service_root(&url).map_err(Failure::Usage)?;
                a.service_root = Some(url);
            }
            "--all" => a.all = true,
            "--config" => a.config = Some(PathBuf::from(value("--config")?)),
            "--schema" => a.schemas.push(PathBuf::from(value("--schema")?)),
            "--out" => {
                let out = value("--out")?;
                if out.is_empty() {
                    // `""` would be the current folder, by accident.
                    return Err(Failure::Usage(
                        "`--out` needs a folder (`.` for the current one)".into(),
                    ));
                }
                a.out = Some(PathBuf::from(out));
            }
            "--reference" => {
                let v = value("--reference")?;
                let Some((uri, file)) = v
                    .rsplit_once('=')
                    .filter(|(u, f)| !u.is_empty() && !f.is_empty())
                else {
                    return Err(Failure::Usage(format!(
                        "`--reference` takes URI=FILE, not `{v}`"
                    )));
                };
                a.references.push((uri.to_string(), PathBuf::from(file)));
            }
            "--include" => a.include.push(value("--include")?),
            "-h" | "--help" => return Err(Failure::Usage(String::new())),
            other => return Err(Failure::Usage(format!("unknown flag `{other}`"))),
        }
    }
    let adhoc = !a.schemas.is_empty()
        || a.out.is_some()
        || a.all
        || !a.include.is_empty()
        || !a.references.is_empty();
    if adhoc {
        if a.schemas.is_empty() || a.out.is_none() {
            return Err(Failure::Usage("`--schema` and `--out` go together".into()));
        }
        if a.all != a.include.is_empty() {
            return Err(Failure::Usage(
                "give either `--all` or at least one `--include`".into(),
            ));
        }
        if a.config.is_some() {
            return Err(Failure::Usage(
                "`--config` cannot be combined with `--schema`".into(),
            ));
        }
    }
    Ok(a)
}

fn parse_metadata(mut it: impl Iterator<Item = String>) -> Result<Args, Failure> {
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
    m.url = url;
    a.metadata = Some(m);
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(f) => return report(f),
    };
    if let Some(m) = &args.metadata {
        match metadata::fetch_and_store(m) {
            Ok(line) => eprintln!("{line}"),
            Err(msg) => return report(Failure::User(msg)),
        }
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => report(f),
    }
}

fn report(f: Failure) -> ExitCode {
    match f {
        Failure::Usage(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}\n");
            }
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
        Failure::User(msg) => {
            eprintln!("{msg}");
            ExitCode::from(1)
        }
        Failure::Stale => ExitCode::from(3),
    }
}

/// The workspace root (the parent of this crate's manifest directory).
fn workspace_root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().map(Path::to_path_buf).unwrap_or(dir)
}

/// One crate to produce: its config, and where its folder is on disk.
struct Job {
    config: Config,
    /// Folder on disk.
    dir: PathBuf,
    /// Base directory for the config's relative schema paths.
    base: PathBuf,
}

struct Done {
    job_index: usize,
    files: Files,
    summary: String,
}

fn run(args: &Args) -> Result<(), Failure> {
    let root = workspace_root();
    let jobs = jobs(args, &root)?;
    let done = generate_all(&jobs, args)?;
    let (plans, stale) = plan_all(&root, &jobs, &done, args)?;
    if args.check {
        return report_check(&done, &stale);
    }
    write_all(&root, &jobs, &done, &plans, args)?;
    remove_and_summarize(&root, &jobs, &done, &plans, args)
}

/// The crates to produce: one from `--schema`, or every `[[crate]]` of the config.
fn jobs(args: &Args, root: &Path) -> Result<Vec<Job>, Failure> {
    let root = root.to_path_buf();
    let mut jobs = if !args.schemas.is_empty() {
        let out = args.out.clone().unwrap_or_default();
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "generated".into());
        let mut config = Config::new(sanitize_package(&name), out.clone(), args.schemas.clone());
        config.references = args.references.clone();
        config.key_as_segment(args.key_as_segment);
        config.service_root = args.service_root.clone();
        if args.all {
            config.all();
        } else {
            for i in &args.include {
                config.root(i.clone());
            }
        }
        vec![Job {
            config,
            dir: out,
            base: PathBuf::from("."),
        }]
    } else {
        let path = args
            .config
            .clone()
            .unwrap_or_else(|| root.join("codegen.toml"));
        let shown = path
            .strip_prefix(&root)
            .map(Path::to_path_buf)
            .unwrap_or(path.clone());
        // As the schemas are read: a regular file of bounded size (a FIFO or `/dev/zero`
        // in its place would block or grow without end).
        let text = csdl::read_document(&path).map_err(|e| Failure::User(format!("error: {e}")))?;
        let file = ConfigFile::parse(&text, &shown).map_err(|e| Failure::User(e.to_string()))?;
        file.crates
            .into_iter()
            .map(|c| Job {
                dir: root.join(&c.out),
                base: root.clone(),
                config: c,
            })
            .collect()
    };
    for j in &mut jobs {
        j.config.strict |= args.strict;
    }
    Ok(jobs)
}

/// Generates every crate in memory: nothing is written unless all succeed.
fn generate_all(jobs: &[Job], args: &Args) -> Result<Vec<Done>, Failure> {
    let mut done = Vec::new();
    let mut errors = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let start = Instant::now();
        match generate_one(job, args) {
            Ok((files, line)) => {
                let ms = start.elapsed().as_millis();
                done.push(Done {
                    job_index: i,
                    files,
                    summary: format!("{line} ({ms} ms)"),
                });
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::User(format!(
            "{}\nerror: generation failed; nothing was written",
            errors.join("\n")
        )));
    }
    Ok(done)
}

/// Plans the writes: what each crate folder's manifest proves the generator may
/// overwrite or remove, and the files it must not touch; with `--check`, what is stale.
fn plan_all(
    root: &Path,
    jobs: &[Job],
    done: &[Done],
    args: &Args,
) -> Result<(Vec<owned::Plan>, Vec<String>), Failure> {
    let mut stale = Vec::new();
    let mut plans = Vec::new();
    let mut refused = Vec::new();
    for d in done {
        let job = &jobs[d.job_index];
        let changes = changes_md(&job.dir, &job.config.name, &d.files);
        let plan = owned::plan(&job.dir, &d.files, changes.as_deref())
            .map_err(|e| Failure::User(format!("error: {e}")))?;
        for c in &plan.conflicts {
            let p = show(root, &job.dir.join(&c.path));
            if args.check {
                stale.push(format!("{}: {p}", c.kind));
            } else {
                refused.push(format!("error: `{p}` {}", c.reason()));
            }
        }
        if args.check {
            for p in &plan.write {
                if p == Path::new(owned::CHANGES) {
                    continue;
                }
                let kind = if plan.existing.contains(p) {
                    "stale"
                } else {
                    "missing"
                };
                stale.push(format!("{kind}: {}", show(root, &job.dir.join(p))));
            }
            for p in &plan.remove {
                stale.push(format!("extra: {}", show(root, &job.dir.join(p))));
            }
        }
        plans.push(plan);
    }
    if !refused.is_empty() {
        return Err(Failure::User(format!(
            "{}\nerror: the generator overwrites or removes only files it wrote (listed in {}) and unchanged since; nothing was written",
            refused.join("\n"),
            owned::MANIFEST
        )));
    }
    Ok((plans, stale))
}

/// `--check`: the summaries, then every stale file (exit 3), or that all is up to date.
fn report_check(done: &[Done], stale: &[String]) -> Result<(), Failure> {
    for d in done {
        eprintln!("{}", d.summary);
    }
    if stale.is_empty() {
        eprintln!("codegen --check: all generated files are up to date");
        return Ok(());
    }
    for s in stale {
        eprintln!("{s}");
    }
    eprintln!(
        "error: {} generated file(s) out of date; run `cargo xtask codegen`",
        stale.len()
    );
    Err(Failure::Stale)
}

/// Writes the planned files: a file that exists is staged beside its target and renamed
/// over it once every write succeeded; a new file is created in place (nothing to lose;
/// never over a file that appeared meanwhile) and removed again if anything fails. Two
/// writers share the work.
fn write_all(
    root: &Path,
    jobs: &[Job],
    done: &[Done],
    plans: &[owned::Plan],
    args: &Args,
) -> Result<(), Failure> {
    let mut writes: Vec<Write> = Vec::new();
    for (d, plan) in done.iter().zip(plans) {
        let job = &jobs[d.job_index];
        for rel in &plan.write {
            let target = job.dir.join(rel);
            let staged = plan.existing.contains(rel).then(|| tmp_path(&target));
            writes.push(Write {
                dir: &job.dir,
                rel,
                target,
                staged,
                text: plan.texts[rel].as_str(),
            });
        }
    }
    let results: Vec<std::io::Result<()>> = std::thread::scope(|s| {
        let half = writes.len().div_ceil(2).max(1);
        let handles: Vec<_> = writes
            .chunks(half)
            .map(|part| s.spawn(move || part.iter().map(Write::write).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    // Only what this run created is undone.
    let undo = |writes: &[Write<'_>]| {
        for (w, r) in writes.iter().zip(&results) {
            if r.is_ok() {
                let _ = std::fs::remove_file(w.staged.as_ref().unwrap_or(&w.target));
            }
        }
    };
    if let Some((w, e)) = writes
        .iter()
        .zip(&results)
        .find_map(|(w, r)| r.as_ref().err().map(|e| (w, e)))
    {
        undo(&writes);
        return Err(Failure::User(format!(
            "error: cannot write `{}`: {e}; nothing was changed",
            w.staged.as_ref().unwrap_or(&w.target).display()
        )));
    }
    for w in &writes {
        if let Some(tmp) = &w.staged
            && let Err(e) = std::fs::rename(tmp, &w.target)
        {
            undo(&writes);
            return Err(Failure::User(format!(
                "error: cannot replace `{}`: {e}",
                w.target.display()
            )));
        }
        if args.verbose {
            eprintln!("  wrote {}", show(root, &w.target));
        }
    }
    Ok(())
}

/// Removes the files no longer generated, and prints each crate's summary.
fn remove_and_summarize(
    root: &Path,
    jobs: &[Job],
    done: &[Done],
    plans: &[owned::Plan],
    args: &Args,
) -> Result<(), Failure> {
    for (d, plan) in done.iter().zip(plans) {
        let job = &jobs[d.job_index];
        for rel in &plan.remove {
            let p = job.dir.join(rel);
            if !owned::parents_are_plain(&job.dir, rel) {
                return Err(Failure::User(format!(
                    "error: not removing `{}`: a folder on its path became a link",
                    p.display()
                )));
            }
            if let Err(e) = std::fs::remove_file(&p) {
                return Err(Failure::User(format!(
                    "error: cannot remove `{}`: {e}",
                    p.display()
                )));
            }
            if args.verbose {
                eprintln!("  removed {}", show(root, &p));
            }
            remove_empty_parents(&job.dir, &p);
        }
        let written = plan
            .write
            .iter()
            .filter(|p| d.files.contains_key(*p))
            .count();
        let manifest = if plan.write.contains(Path::new(owned::MANIFEST)) {
            format!(" ({} updated)", owned::MANIFEST)
        } else {
            String::new()
        };
        eprintln!(
            "{}; files: {written} written, {} unchanged, {} removed{manifest}",
            d.summary,
            d.files.len() - written,
            plan.remove.len()
        );
        if d.files.contains_key(Path::new("API.txt"))
            && plan.write.contains(&PathBuf::from("API.txt"))
            && plan.existing.contains(&PathBuf::from("API.txt"))
        {
            eprintln!(
                "  public API changed: see {}",
                show(root, &job.dir.join("CHANGES.md"))
            );
        }
    }

    Ok(())
}

fn sanitize_package(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    // Cut (ASCII: any index is a boundary) so that `odata-` still fits.
    let s = &s[..s
        .len()
        .min(codegen::config::MAX_PACKAGE_NAME - "odata-".len())];
    if codegen::config::check_package_name(s).is_ok() {
        s.to_string()
    } else {
        // A keyword (`self`), a standard crate (`std`) or a leading digit or `-`.
        format!("odata-{s}")
    }
}

fn show(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// One file to write: in place when `staged` is `None`, else to `staged` first.
struct Write<'a> {
    /// The crate folder, and the file's path inside it.
    dir: &'a Path,
    rel: &'a Path,
    target: PathBuf,
    staged: Option<PathBuf>,
    text: &'a str,
}

impl Write<'_> {
    /// Creates the file (new, never through a link: `create_new` neither follows a link
    /// nor replaces a file) after checking that no folder on the way is a link.
    fn write(&self) -> std::io::Result<()> {
        use std::io::Write as _;
        if !owned::parents_are_plain(self.dir, self.rel) {
            return Err(std::io::Error::other("a folder on its path is a link"));
        }
        if let Some(dir) = self.target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let path = self.staged.as_ref().unwrap_or(&self.target);
        if self.staged.is_some() && std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir()) {
            // A temporary file left by an interrupted run (or a link in its place).
            std::fs::remove_file(path)?;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        f.write_all(self.text.as_bytes())
    }
}

fn tmp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.codegen-tmp"))
}

fn remove_empty_parents(top: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == top || !d.starts_with(top) {
            break;
        }
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Loads the schema and generates one crate; returns the files and the summary line.
/// A progress line on a terminal (never in pipes or CI logs, which get the summary only).
fn progress(msg: std::fmt::Arguments<'_>) {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        eprintln!("  {msg}");
    }
}

fn generate_one(job: &Job, args: &Args) -> Result<(Files, String), String> {
    let start = Instant::now();
    let main = job.config.schemas.first().cloned().unwrap_or_default();
    progress(format_args!(
        "{}: reading {}",
        job.config.name,
        main.display()
    ));
    let path = if job.base == Path::new(".") {
        main.clone()
    } else {
        job.base.join(&main)
    };
    // Show paths as written in the config (relative to the workspace root).
    // Every file through csdl's safe opening (regular files, size cap, references
    // inside the naming document's folder or among the configured schemas).
    let model = csdl::load_in_with(&job.base, &job.config.schemas, &job.config.reader_options())
        .map_err(|e| {
            if path.exists() {
                e.to_string()
            } else {
                format!("error: cannot read schema `{}`", main.display())
            }
        })?;
    if args.verbose {
        for w in &model.warnings {
            eprintln!("{w}");
        }
    }
    let loaded = start.elapsed();
    progress(format_args!(
        "{}: generating ({} types read)",
        job.config.name,
        model.types.len()
    ));
    let g = codegen::generate_full(&job.config, &model).map_err(|e| e.to_string())?;
    if args.verbose {
        eprintln!(
            "{}: schema read in {} ms, generated in {} ms",
            job.config.name,
            loaded.as_millis(),
            (start.elapsed() - loaded).as_millis()
        );
    }
    if !g.warnings.is_empty() {
        if args.verbose {
            for w in &g.warnings {
                eprintln!("{w}");
            }
        } else {
            eprintln!(
                "warning: {}: {} name collision(s) resolved with a suffix (--verbose lists them)",
                job.config.name,
                g.warnings.len()
            );
        }
    }
    if args.explain {
        eprintln!(
            "{}: closure ({} types):\n{}",
            job.config.name,
            g.stats.structured + g.stats.enums + g.stats.definitions,
            g.explain
        );
    }
    let s = g.stats;
    // Not the embedded standard vocabularies: they are no file.
    let builtin: std::collections::BTreeSet<u32> = model
        .schemas
        .iter()
        .filter(|s| s.builtin)
        .map(|s| s.file)
        .collect();
    let files_read = model.sources.files.len() - builtin.len();
    let warnings = match model.warnings.len() {
        0 => String::new(),
        n if args.verbose => format!(", {n} reader warning(s)"),
        n => format!(", {n} reader warning(s) (--verbose lists them)"),
    };
    let line = format!(
        "{}: {} schema file(s) read, {} entity/complex types, {} enums, {} type definitions, {} operations{}{warnings}",
        job.config.name,
        files_read,
        s.structured,
        s.enums,
        s.definitions,
        s.operations,
        if s.left_out > 0 {
            format!(
                " ({} operations or navigation properties left out: --explain lists them)",
                s.left_out
            )
        } else {
            String::new()
        }
    );
    Ok((g.files, line))
}

/// `CHANGES.md` content when the public API (API.txt) changed against the crate on disk.
fn changes_md(dir: &Path, package: &str, files: &Files) -> Option<String> {
    let new = files.get(Path::new("API.txt"))?;
    // Never through a link, never a FIFO or device: what the plan would refuse anyway.
    let old = String::from_utf8(owned::plain_file(dir, Path::new("API.txt"))?).ok()?;
    codegen::manifest::changes_md(package, &old, new)
}
