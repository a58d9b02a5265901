//! `cargo xtask compile-cost`: what the crate generated for a big schema costs to compile,
//! the generator of the work tree against the one of another revision, measured side by
//! side in one run (issue 12's figures).
//!
//! Both generators are built in release (`odata-codegen`; the other revision in a
//! detached `git worktree` under `target/compile-cost/`), each generates
//! `--schema FILE --all` into `target/compile-cost/{old,new}/graph-all` (one package name,
//! so the crates differ only in their code), both crates share one target folder whose
//! dependencies are built first (not timed), then the crates are checked (and with
//! `--build` built) alternately: `touch src/lib.rs && CARGO_INCREMENTAL=0 cargo check
//! --offline`, timed by `/usr/bin/time` (wall, user CPU, peak memory). User CPU time is
//! the steadier figure on a shared machine; the medians and the new/old ratios are
//! printed at the end.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const USAGE: &str = "
       cargo xtask compile-cost [--against REV] [--rounds N] [--build] [--schema FILE]
                                [--area FEATURE]

  compile-cost    generate --schema FILE (default schemas/graph-v1.0.xml) --all with this
                  work tree's generator and with REV's (default HEAD), then `cargo check`
                  both crates alternately N times (default 2; with --build also `cargo
                  build`), and print wall and user CPU time and peak memory, medians and
                  ratios (in target/compile-cost; needs git and /usr/bin/time); with
                  --area, this tree's crate has area features and compiles with
                  `--no-default-features --features reqwest,FEATURE`";

/// The flags of `compile-cost`.
#[derive(Debug, PartialEq)]
pub struct CostArgs {
    /// The revision whose generator is the baseline.
    pub against: String,
    /// Alternating rounds per command.
    pub rounds: usize,
    /// Time `cargo build` too.
    pub build: bool,
    /// The schema, relative to the workspace root.
    pub schema: String,
    /// The area feature this tree's crate is compiled with (generated with area
    /// features); the other crate compiles everything.
    pub area: Option<String>,
}

pub fn parse(mut it: impl Iterator<Item = String>) -> Result<CostArgs, String> {
    let mut a = CostArgs {
        against: "HEAD".into(),
        rounds: 2,
        build: false,
        schema: "schemas/graph-v1.0.xml".into(),
        area: None,
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--against" => a.against = value(&mut it, "--against")?,
            "--schema" => a.schema = value(&mut it, "--schema")?,
            "--rounds" => {
                a.rounds = value(&mut it, "--rounds")?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("`--rounds` needs a positive number")?
            }
            "--build" => a.build = true,
            "--area" => a.area = Some(value(&mut it, "--area")?),
            other => return Err(format!("unknown flag `{other}`")),
        }
    }
    // The revision goes to `git` as one argument: refuse what it would read as a flag.
    if a.against.starts_with('-') {
        return Err(format!("`--against {}`: not a revision", a.against));
    }
    Ok(a)
}

fn value(it: &mut impl Iterator<Item = String>, flag: &str) -> Result<String, String> {
    it.next()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("`{flag}` needs a value"))
}

/// One timed compile: wall and user CPU seconds, peak resident memory in KB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub wall: f64,
    pub user: f64,
    pub peak_kb: u64,
}

/// The `%e %U %M` line `/usr/bin/time -f` writes last on stderr.
pub fn parse_time_line(stderr: &str) -> Option<Sample> {
    let line = stderr.lines().rev().find(|l| !l.trim().is_empty())?;
    let mut parts = line.split_whitespace();
    let wall = parts.next()?.parse().ok()?;
    let user = parts.next()?.parse().ok()?;
    let peak_kb = parts.next()?.parse().ok()?;
    Some(Sample {
        wall,
        user,
        peak_kb,
    })
}

/// The summary lines of one command's samples, old against new.
pub fn summary(what: &str, old: &[Sample], new: &[Sample]) -> Vec<String> {
    let med = |s: &[Sample], f: fn(&Sample) -> f64| super::median(s.iter().map(f).collect());
    let (ow, nw) = (med(old, |s| s.wall), med(new, |s| s.wall));
    let (ou, nu) = (med(old, |s| s.user), med(new, |s| s.user));
    let (om, nm) = (
        med(old, |s| s.peak_kb as f64) / 1e6,
        med(new, |s| s.peak_kb as f64) / 1e6,
    );
    vec![
        format!("{what} (median of {} each):", old.len().min(new.len())),
        format!("  wall {ow:.1} s -> {nw:.1} s ({:.2}x)", nw / ow),
        format!("  user {ou:.1} s -> {nu:.1} s ({:.2}x)", nu / ou),
        format!("  peak {om:.2} GB -> {nm:.2} GB ({:.2}x)", nm / om),
    ]
}

fn run_ok(cmd: &mut Command, what: &str) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: {status}"))
    }
}

fn generate(
    codegen: &Path,
    root: &Path,
    schema: &str,
    out: &Path,
    areas: bool,
) -> Result<(), String> {
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    run_ok(
        Command::new(codegen)
            .current_dir(root)
            .args(["--schema", schema, "--all", "--out"])
            .arg(out)
            .args(areas.then_some("--area-features")),
        "generation",
    )
}

fn timed(
    krate: &Path,
    target: &Path,
    cargo_cmd: &str,
    area: Option<&str>,
) -> Result<Sample, String> {
    // A new modification time, so that cargo compiles the crate again.
    let lib = krate.join("src/lib.rs");
    let text = std::fs::read(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    std::fs::write(&lib, text).map_err(|e| format!("{}: {e}", lib.display()))?;
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %U %M", "cargo", cargo_cmd, "--offline", "--quiet"])
        .args(
            area.map(|f| format!("--no-default-features --features reqwest,{f}"))
                .iter()
                .flat_map(|a| a.split(' ')),
        )
        .current_dir(krate)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("/usr/bin/time: {e} (install GNU time)"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "cargo {cargo_cmd} in {}: {stderr}",
            krate.display()
        ));
    }
    parse_time_line(&stderr).ok_or_else(|| format!("no timing in: {stderr}"))
}

pub fn run(a: &CostArgs, root: &Path) -> Result<(), String> {
    let work = root.join("target/compile-cost");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    eprintln!("compile-cost: the generator of this work tree");
    let new_gen = super::release_codegen(root, &root.join("target"))?;

    eprintln!("compile-cost: the generator of {}", a.against);
    let old_gen = super::release_codegen_at(root, &a.against, &work)?;

    let krate = |which: &str| work.join(which).join("graph-all");
    let (old, new) = (krate("old"), krate("new"));
    generate(&old_gen, root, &a.schema, &old, false)?;
    generate(&new_gen, root, &a.schema, &new, a.area.is_some())?;
    let area = a.area.as_deref();

    let target: PathBuf = work.join("target");
    let mut commands = vec!["check"];
    if a.build {
        commands.push("build");
    }
    let mut report = Vec::new();
    for cmd in commands {
        eprintln!("compile-cost: dependencies for `cargo {cmd}` (not timed)");
        timed(&old, &target, cmd, None)?;
        timed(&new, &target, cmd, area)?;
        let (mut o, mut n) = (Vec::new(), Vec::new());
        for round in 1..=a.rounds {
            for (name, dir, f, into) in [("old", &old, None, &mut o), ("new", &new, area, &mut n)] {
                let s = timed(dir, &target, cmd, f)?;
                eprintln!(
                    "  cargo {cmd} {name} (round {round}): {:.1} s wall, {:.1} s user, {:.2} GB",
                    s.wall,
                    s.user,
                    s.peak_kb as f64 / 1e6
                );
                into.push(s);
            }
        }
        report.extend(summary(&format!("cargo {cmd}"), &o, &n));
    }
    let with = area.map_or(String::new(), |f| {
        format!(" (this tree's with area features, `--features reqwest,{f}`)")
    });
    println!(
        "{} ({}) against this work tree, --all{with}:",
        a.schema, a.against
    );
    for line in report {
        println!("{line}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<CostArgs, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let a = args(&["--against", "abc123", "--rounds", "3", "--build"]).unwrap();
        assert_eq!(a.against, "abc123");
        assert_eq!((a.rounds, a.build), (3, true));
        assert_eq!(a.schema, "schemas/graph-v1.0.xml");
        assert_eq!(args(&[]).unwrap().against, "HEAD");
        assert_eq!(
            args(&["--area", "users"]).unwrap().area.as_deref(),
            Some("users")
        );
        assert!(args(&[]).unwrap().area.is_none());
        for bad in [
            &["--rounds", "0"][..],
            &["--rounds"],
            &["--against"],
            &["--against", ""],
            &["--against", "--upload-pack=x"],
            &["--fast"],
        ] {
            assert!(args(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn time_lines_and_summary() {
        let s = parse_time_line("warning: x\n37.56 31.98 3437216\n").unwrap();
        assert_eq!(
            s,
            Sample {
                wall: 37.56,
                user: 31.98,
                peak_kb: 3437216
            }
        );
        assert_eq!(
            parse_time_line("Command exited with non-zero status 1"),
            None
        );
        let old = [
            Sample {
                wall: 40.0,
                user: 36.0,
                peak_kb: 3_700_000,
            },
            Sample {
                wall: 44.0,
                user: 38.0,
                peak_kb: 3_720_000,
            },
        ];
        let new = [
            Sample {
                wall: 36.0,
                user: 32.0,
                peak_kb: 3_400_000,
            },
            Sample {
                wall: 38.0,
                user: 32.0,
                peak_kb: 3_440_000,
            },
        ];
        let lines = summary("cargo check", &old, &new);
        assert_eq!(lines[0], "cargo check (median of 2 each):");
        // The upper median of two: 44 -> 38 wall, 38 -> 32 user.
        assert_eq!(lines[1], "  wall 44.0 s -> 38.0 s (0.86x)");
        assert_eq!(lines[2], "  user 38.0 s -> 32.0 s (0.84x)");
        assert_eq!(lines[3], "  peak 3.72 GB -> 3.44 GB (0.92x)");
    }
}
