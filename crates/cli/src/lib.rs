//! The `odata-codegen` command (and `cargo xtask codegen`, a thin call into it): generate
//! the crates configured in `codegen.toml`, or one crate from schema files given on the
//! command line. The files are written by [`codegen::output`], with its ownership rules.
//!
//! ```text
//! odata-codegen [--check] [--explain] [--verbose] [--strict] [--config FILE]
//! odata-codegen --schema FILE [--schema FILE ...] [--reference URI=FILE ...] --out DIR
//!               (--all | --include NAME ...) [--key-as-segment] [--area-features]
//!               [--service-root URL]
//! ```
//!
//! Exit codes: 0 success; 1 a user error (schema, config, missing root, a file the run may
//! not overwrite or remove: see [`codegen::owned`]) or an I/O error; 2 a usage error (bad
//! flags); 3 `--check` found stale, missing, extra, edited or foreign files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use codegen::{Config, ConfigFile, Files, output, owned};

/// The usage text, for the command `command` (`odata-codegen`, `cargo xtask codegen`).
pub fn usage(command: &str) -> String {
    let pad = " ".repeat(command.len());
    format!(
        "\
usage: {command} [--check] [--explain] [--verbose] [--strict] [--config FILE]
       {command} --schema FILE [--schema FILE ...] [--reference URI=FILE ...]
       {pad} --out DIR (--all | --include NAME ...) [--key-as-segment]
       {pad} [--area-features] [--service-root URL]

  --check         write nothing; exit 3 naming every stale, missing or extra file
                  (and edited or foreign files the next run would refuse to touch)
  --explain       print the closure report: every type pulled in, and why
  --verbose       list every file written or removed, and warnings in full
  --strict        every warning of the CSDL reader is an error (as `strict = true`)
  --config FILE   the configuration (default: codegen.toml in the root folder: the
                  workspace's for `cargo xtask`, else the current folder)
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
                  the client addresses entities as /set/{{key}} (Graph) instead of
                  /set('key') (with --schema; as `key_as_segment = true`)
  --area-features one Cargo feature per entity set and singleton, each compiling only
                  what it needs (with --schema; as `area_features = true`)
  --service-root URL
                  the crate's SERVICE_ROOT and example root (with --schema)

Only files listed in the crate's GENERATED.txt and unchanged since are overwritten or
removed; --out must be absent, empty or a generated crate.

exit codes: 0 ok, 1 error in a schema, the config or a root, a file it may not touch
(or I/O), 2 usage, 3 --check found differences"
    )
}

/// The command line of a generation.
#[derive(Debug, Default)]
pub struct Args {
    /// `--check`
    pub check: bool,
    /// `--explain`
    pub explain: bool,
    /// `--verbose`
    pub verbose: bool,
    /// `--strict`
    pub strict: bool,
    /// `--key-as-segment`
    pub key_as_segment: bool,
    /// `--area-features`
    pub area_features: bool,
    /// `--service-root`
    pub service_root: Option<String>,
    /// `--config`
    pub config: Option<PathBuf>,
    /// `--schema` (ad hoc generation of one crate)
    pub schemas: Vec<PathBuf>,
    /// `--reference`
    pub references: Vec<(String, PathBuf)>,
    /// `--out`
    pub out: Option<PathBuf>,
    /// `--all`
    pub all: bool,
    /// `--include`
    pub include: Vec<String>,
}

/// Why a run failed, which decides the exit code ([`exit`]).
#[derive(Debug)]
pub enum Failure {
    /// Bad flags (exit 2, with the usage).
    Usage(String),
    /// A schema, the config, a root, a file the run may not touch, I/O (exit 1).
    User(String),
    /// `--check` found differences (exit 3).
    Stale,
}

/// The exit code of a run's result, printing the failure (and the usage text `usage`
/// after a usage error) to stderr.
pub fn exit(result: Result<(), Failure>, usage: &str) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}\n");
            }
            eprintln!("{usage}");
            ExitCode::from(2)
        }
        Err(Failure::User(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(1)
        }
        Err(Failure::Stale) => ExitCode::from(3),
    }
}

/// Parses the flags (what follows `codegen` in `cargo xtask codegen`).
pub fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, Failure> {
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
            "--area-features" => a.area_features = true,
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

/// Runs a generation whose relative paths (the default `codegen.toml`, the paths inside
/// a config) are relative to `root`: every crate is generated in memory, checked against
/// its folder, and only then written (or, with `--check`, compared).
pub fn run(args: &Args, root: &Path) -> Result<(), Failure> {
    let jobs = jobs(args, root)?;
    let done = generate_all(&jobs, args)?;
    let (plans, stale) = plan_all(root, &jobs, &done, args)?;
    if args.check {
        return report_check(&done, &stale);
    }
    let dirs: Vec<(&Path, &owned::Plan)> = done
        .iter()
        .zip(&plans)
        .map(|(d, p)| (jobs[d.job_index].dir.as_path(), p))
        .collect();
    let applied = output::apply(&dirs).map_err(|e| Failure::User(format!("error: {e}")))?;
    summarize(root, &jobs, &done, &plans, &applied, args);
    Ok(())
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
        config.area_features(args.area_features);
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
        let plan = output::plan(&job.dir, &job.config.name, &d.files)
            .map_err(|e| Failure::User(format!("error: {e}")))?;
        if args.check {
            for (kind, p) in output::stale(&plan) {
                stale.push(format!("{kind}: {}", show(root, &job.dir.join(p))));
            }
        } else {
            for c in &plan.conflicts {
                let p = show(root, &job.dir.join(&c.path));
                refused.push(format!("error: `{p}` {}", c.reason()));
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
        "error: {} generated file(s) out of date; run the generator without `--check`",
        stale.len()
    );
    Err(Failure::Stale)
}

/// Prints what was written and removed (`--verbose`) and each crate's summary.
fn summarize(
    root: &Path,
    jobs: &[Job],
    done: &[Done],
    plans: &[owned::Plan],
    applied: &[output::Applied],
    args: &Args,
) {
    if args.verbose {
        for (d, a) in done.iter().zip(applied) {
            for p in &a.written {
                eprintln!("  wrote {}", show(root, &jobs[d.job_index].dir.join(p)));
            }
        }
    }
    for ((d, plan), a) in done.iter().zip(plans).zip(applied) {
        let job = &jobs[d.job_index];
        if args.verbose {
            for p in &a.removed {
                eprintln!("  removed {}", show(root, &job.dir.join(p)));
            }
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
    // Every file through csdl's safe opening (regular files, size cap, references
    // inside the naming document's folder or among the configured schemas).
    let model = output::load(&job.config, &job.base).map_err(|e| e.to_string())?;
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
    // Freed beside the writing of the files, as the generator frees its IR (dropped
    // here when no thread starts).
    let _ = std::thread::Builder::new().spawn(move || drop(model));
    Ok((g.files, line))
}
