//! `cargo xtask bench-generate`: whole-Graph generation timed as a user runs it, and with
//! `--sap` the SAP Cloud SDK's OData generator on the same schema in the same run, so
//! the ratio between the two is measured, not quoted.
//!
//! Ours: `target/release/odata-codegen --schema schemas/graph-v1.0.xml --out DIR --all`
//! (built first), each timed run right after an untimed one, DIR removed and the file
//! system synced (`sync`) before it: the wall time of the process (reading, generating,
//! hashing and writing 4,870 files), and the "generated in" figure it reports (reading
//! and generating, in memory). With `--against REV` the generator of that git revision
//! (built in a worktree under `target/bench-generate`) runs in turn with ours, each run
//! the same way, and the ratio of the medians is printed: a change's effect on
//! generation speed, measured side by side.
//!
//! SAP: `@sap-cloud-sdk/generator` at [`SAP_VERSION`], installed by npm into
//! `target/bench-generate/sap` (never globally), run as its documentation says
//! (`generate-odata-client --input … --outputDir …`) without transpiling, with
//! `--skipValidation` (Graph's duplicate names renamed instead of an error); it always
//! formats its output with prettier. It cannot read Graph v1.0 as it is (a
//! `NavigationPropertyBinding` whose target is a path into a singleton, such as
//! `policies/appManagementPolicies`, stops it with "Failed to find the entity from the
//! service"), so after one run on the file as it is, it runs on a copy without those
//! 42 bindings; it also needs a file name that is an identifier (`graph.xml`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The SAP generator's version (the newest whose dependencies the npm registry here
/// serves in full: 4.8.0 needs `@sap-cloud-sdk/generator-common@4.8.0`, absent).
pub const SAP_VERSION: &str = "4.5.1";

const SCHEMA: &str = "schemas/graph-v1.0.xml";

/// The flags of `bench-generate`.
#[derive(Debug)]
pub struct BenchArgs {
    /// Runs of our generator (median).
    pub runs: usize,
    /// Also time the SAP generator.
    pub sap: bool,
    /// Runs of the SAP generator (median; it is slow).
    pub sap_runs: usize,
    /// Also time the generator of this git revision, alternating with ours.
    pub against: Option<String>,
}

pub const USAGE: &str = "
       cargo xtask bench-generate [--runs N] [--against REV] [--sap [--sap-runs M]]

  bench-generate  time whole-Graph generation (schemas/graph-v1.0.xml --all) with the
                  release odata-codegen, N runs (default 7) into a temporary folder,
                  and print the medians; --against REV also builds the generator of
                  git revision REV (a worktree under target/bench-generate) and times
                  it in turn with ours; --sap also installs the SAP Cloud SDK OData
                  generator (npm, into target/bench-generate/sap), times M runs of it
                  (default 3) on the same schema and prints the ratio";

pub fn parse(mut it: impl Iterator<Item = String>) -> Result<BenchArgs, String> {
    let mut a = BenchArgs {
        runs: 7,
        sap: false,
        sap_runs: 3,
        against: None,
    };
    while let Some(arg) = it.next() {
        let mut count = |flag: &str| -> Result<usize, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("`{flag}` needs a positive number"))
        };
        match arg.as_str() {
            "--runs" => a.runs = count("--runs")?,
            "--sap-runs" => a.sap_runs = count("--sap-runs")?,
            "--sap" => a.sap = true,
            "--against" => {
                a.against = Some(
                    it.next()
                        .filter(|r| !r.starts_with('-'))
                        .ok_or("`--against` needs a git revision")?,
                )
            }
            other => return Err(format!("unknown flag `{other}`")),
        }
    }
    Ok(a)
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn list(v: &[Duration]) -> String {
    v.iter()
        .map(|d| format!("{:.3}", d.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Runs the benchmark from the workspace `root`; `Err` only when our generator fails
/// (the SAP side reports its own failures and never fails the command).
pub fn run(args: &BenchArgs, root: &Path) -> Result<(), String> {
    eprintln!("building the release odata-codegen …");
    let bin = super::release_codegen(root, &root.join("target"))?;
    let old = match &args.against {
        Some(rev) => {
            eprintln!("building the release odata-codegen of {rev} …");
            let work = root.join("target/bench-generate");
            Some((rev, super::release_codegen_at(root, rev, &work)?))
        }
        None => None,
    };
    let tmp = std::env::temp_dir().join(format!("bench-generate-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let result = compare(
        args,
        root,
        &bin,
        old.as_ref().map(|(r, b)| (r.as_str(), b.as_path())),
        &tmp,
    );
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// One generator's runs: process wall times and its own "(N ms)" figures.
#[derive(Default)]
struct Runs {
    wall: Vec<Duration>,
    reported: Vec<Duration>,
}

/// One timed run of `bin` into `out`, right after an untimed one.
fn timed_run(bin: &Path, root: &Path, out: &Path, runs: &mut Runs) -> Result<(), String> {
    let generate = || {
        Command::new(bin)
            .args(["--schema", SCHEMA, "--out"])
            .arg(out)
            .arg("--all")
            .current_dir(root)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", bin.display()))
    };
    // Each timed run right after an untimed one: this VM's CPUs are slow for a while
    // after idling (a run after 2 s of sleep took 300-440 ms in memory, back to back
    // 180-220 ms), which a 0.2 s run feels and a 20 s one does not.
    let _ = std::fs::remove_dir_all(out);
    generate()?;
    let _ = std::fs::remove_dir_all(out);
    // The previous run's 4,870 files and their removal written back first: a run that
    // starts while the kernel still flushes them measured up to twice its time.
    let _ = Command::new("sync").status();
    let start = Instant::now();
    let run = generate()?;
    runs.wall.push(start.elapsed());
    let stderr = String::from_utf8_lossy(&run.stderr);
    if !run.status.success() {
        return Err(format!("{} failed:\n{stderr}", bin.display()));
    }
    // The summary line ends in "(N ms); files: …".
    if let Some(ms) = stderr
        .rsplit_once(" ms); files:")
        .and_then(|(l, _)| l.rsplit_once('('))
        .and_then(|(_, n)| n.parse::<u64>().ok())
    {
        runs.reported.push(Duration::from_millis(ms));
    }
    Ok(())
}

fn print_runs(who: &str, count: usize, r: &Runs) {
    println!(
        "{who} {SCHEMA} --all, {count} runs: median {} wall (process: read, generate, write 4,870 files) [{}]",
        secs(super::median(r.wall.clone())),
        list(&r.wall)
    );
    if !r.reported.is_empty() {
        println!(
            "  of which read + generate in memory (its \"(N ms)\"): median {} [{}]",
            secs(super::median(r.reported.clone())),
            list(&r.reported)
        );
    }
}

fn compare(
    args: &BenchArgs,
    root: &Path,
    bin: &Path,
    old: Option<(&str, &Path)>,
    tmp: &Path,
) -> Result<(), String> {
    let out = tmp.join("graph-all");
    let (mut ours, mut theirs) = (Runs::default(), Runs::default());
    for _ in 0..args.runs {
        // In turn, so that both see the same machine.
        if let Some((_, old_bin)) = old {
            timed_run(old_bin, root, &out, &mut theirs)?;
        }
        timed_run(bin, root, &out, &mut ours)?;
    }
    if let Some((rev, _)) = old {
        print_runs(&format!("odata-codegen of {rev}:"), args.runs, &theirs);
        print_runs("odata-codegen of this tree:", args.runs, &ours);
        let ratio = |a: &[Duration], b: &[Duration]| {
            super::median(b.to_vec()).as_secs_f64() / super::median(a.to_vec()).as_secs_f64()
        };
        println!(
            "this tree / {rev}, medians: {:.2}x process wall{}",
            ratio(&theirs.wall, &ours.wall),
            if ours.reported.is_empty() || theirs.reported.is_empty() {
                String::new()
            } else {
                format!(
                    ", {:.2}x in memory",
                    ratio(&theirs.reported, &ours.reported)
                )
            }
        );
    } else {
        print_runs("odata-codegen", args.runs, &ours);
    }
    if !args.sap {
        return Ok(());
    }
    let (wall, reported) = (super::median(ours.wall), ours.reported);
    match sap(args, root, tmp) {
        Ok(sap_wall) => {
            println!(
                "ratio (SAP / odata-codegen, median wall of each process): {:.1}x",
                sap_wall.as_secs_f64() / wall.as_secs_f64()
            );
            if !reported.is_empty() {
                println!(
                    "ratio (SAP wall / odata-codegen read + generate in memory): {:.1}x",
                    sap_wall.as_secs_f64() / super::median(reported).as_secs_f64()
                );
            }
        }
        Err(why) => println!("SAP generator: not measured: {why}"),
    }
    Ok(())
}

/// Installs (once) and times the SAP generator; the median wall time.
fn sap(args: &BenchArgs, root: &Path, tmp: &Path) -> Result<Duration, String> {
    let dir = root.join("target/bench-generate/sap");
    let cli = dir.join("node_modules/.bin/generate-odata-client");
    let pinned = dir
        .join("node_modules/@sap-cloud-sdk/generator/package.json")
        .exists()
        && std::fs::read_to_string(dir.join("package.json"))
            .is_ok_and(|p| p.contains(&format!("\"{SAP_VERSION}\"")));
    if !pinned {
        eprintln!(
            "installing @sap-cloud-sdk/generator@{SAP_VERSION} into {} …",
            dir.display()
        );
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let npm = Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--save-exact",
                "--prefix",
            ])
            .arg(&dir)
            .arg(format!("@sap-cloud-sdk/generator@{SAP_VERSION}"))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("npm is not available ({e})"))?;
        if !npm.status.success() {
            let err = String::from_utf8_lossy(&npm.stderr);
            let last: Vec<&str> = err.lines().filter(|l| l.contains("ERR")).take(3).collect();
            return Err(format!(
                "`npm install @sap-cloud-sdk/generator@{SAP_VERSION}` failed: {}",
                last.join(" | ")
            ));
        }
    }
    if !cli.exists() {
        return Err(format!("{} is missing after the install", cli.display()));
    }
    let version = Command::new(&cli)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let schema = std::fs::read_to_string(root.join(SCHEMA))
        .map_err(|e| format!("cannot read {SCHEMA}: {e}"))?;
    let input = tmp.join("sap-in");
    let out = tmp.join("sap-out");
    std::fs::create_dir_all(&input).map_err(|e| e.to_string())?;
    let file = input.join("graph.xml");
    let generate = |label: &str| -> Result<Duration, String> {
        let _ = std::fs::remove_dir_all(&out);
        let _ = Command::new("sync").status();
        let start = Instant::now();
        let run = Command::new(&cli)
            .arg("--input")
            .arg(&file)
            .arg("--outputDir")
            .arg(&out)
            .args([
                "--skipValidation",
                "--overwrite",
                "--clearOutputDir",
                "--transpile=false",
                "--packageJson=false",
            ])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", cli.display()))?;
        let took = start.elapsed();
        if run.status.success() {
            return Ok(took);
        }
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        // Its error lines, without colours and without the service it dumps as JSON.
        let why: Vec<String> = text
            .lines()
            .filter(|l| l.contains("ERROR") || l.starts_with("Error"))
            .map(|l| {
                let l = l.split(": {").next().unwrap_or(l);
                let mut plain = String::new();
                let mut esc = false;
                for c in l.chars() {
                    match c {
                        '\u{1b}' => esc = true,
                        'm' if esc => esc = false,
                        c if !esc => plain.push(c),
                        _ => {}
                    }
                }
                plain
            })
            .take(2)
            .collect();
        Err(format!(
            "{label}: failed after {} ({})",
            secs(took),
            why.join(" | ")
        ))
    };
    std::fs::write(&file, &schema).map_err(|e| e.to_string())?;
    match generate("the schema as it is") {
        Ok(t) => println!(
            "SAP generator {version}: runs on {SCHEMA} as it is ({})",
            secs(t)
        ),
        Err(e) => println!("SAP generator {version}: {e}"),
    }
    // Without the bindings whose target is a path (`policies/appManagementPolicies`).
    let adapted: String = schema
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("<NavigationPropertyBinding ")
                && t.split("Target=\"").nth(1).is_some_and(|v| {
                    v.split('"')
                        .next()
                        .is_some_and(|target| target.contains('/'))
                }))
        })
        .flat_map(|l| [l, "\n"])
        .collect();
    let dropped = schema.lines().count() - adapted.lines().count();
    std::fs::write(&file, &adapted).map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    for i in 0..args.sap_runs {
        times.push(generate(&format!("run {}", i + 1))?);
    }
    let files = count_files(&out);
    let theirs = super::median(times.clone());
    println!(
        "SAP generator {version} on {SCHEMA} without its {dropped} path-target NavigationPropertyBindings, {} runs: median {} wall ({files} files) [{}]",
        args.sap_runs,
        secs(theirs),
        list(&times)
    );
    Ok(theirs)
}

fn count_files(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(_) => n += 1,
                Err(_) => {}
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<BenchArgs, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let a = args(&[]).unwrap();
        assert_eq!((a.runs, a.sap, a.sap_runs, a.against), (7, false, 3, None));
        let a = args(&[
            "--runs",
            "15",
            "--against",
            "HEAD~3",
            "--sap",
            "--sap-runs",
            "5",
        ])
        .unwrap();
        assert_eq!(
            (a.runs, a.sap, a.sap_runs, a.against.as_deref()),
            (15, true, 5, Some("HEAD~3"))
        );
        assert!(args(&["--against"]).unwrap_err().contains("git revision"));
        assert!(
            args(&["--against", "--sap"])
                .unwrap_err()
                .contains("git revision")
        );
        assert!(args(&["--runs", "0"]).unwrap_err().contains("positive"));
        assert!(args(&["--fast"]).unwrap_err().contains("unknown flag"));
    }
}
