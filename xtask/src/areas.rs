//! `cargo xtask check-areas`: a crate generated with area features (`area_features =
//! true`) compiles warning-free with each area feature alone and with none, so that no
//! combination a user picks hits a gate the generator got wrong.
//!
//! With `--crate NAME`, the workspace's generated crate NAME is linted in place; with
//! `--schema FILE`, FILE is generated `--all --area-features` into
//! `target/check-areas/crate` (with the workspace's `Cargo.lock`) and linted there, in
//! its own target folder. Each run is `cargo clippy --no-default-features [--features F]
//! -- -D warnings`; the time of each is printed, and the first failure stops the task
//! with its output.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub const USAGE: &str = "
       cargo xtask check-areas (--crate NAME | --schema FILE)

  check-areas     lint a crate with area features with each area feature alone and
                  with none (`cargo clippy --no-default-features --features F -- -D
                  warnings`): the workspace's generated crate NAME, or FILE generated
                  --all --area-features into target/check-areas";

/// What `check-areas` checks.
#[derive(Debug, PartialEq)]
pub enum AreaArgs {
    /// A generated crate of the workspace, by package name.
    Crate(String),
    /// A schema to generate with area features, relative to the workspace root.
    Schema(String),
}

pub fn parse(mut it: impl Iterator<Item = String>) -> Result<AreaArgs, String> {
    let mut out = None;
    while let Some(arg) = it.next() {
        let value = it
            .next()
            .filter(|v| !v.is_empty() && !v.starts_with('-'))
            .ok_or_else(|| format!("`{arg}` needs a value"));
        let a = match arg.as_str() {
            "--crate" => AreaArgs::Crate(value?),
            "--schema" => AreaArgs::Schema(value?),
            other => return Err(format!("unknown flag `{other}`")),
        };
        if out.replace(a).is_some() {
            return Err("give one of `--crate NAME` and `--schema FILE`".into());
        }
    }
    out.ok_or_else(|| "`check-areas` needs `--crate NAME` or `--schema FILE`".into())
}

/// The area features of a generated crate's `Cargo.toml`: the members of `full`.
pub fn area_features(manifest: &str) -> Vec<String> {
    let mut lines = manifest.lines().skip_while(|l| *l != "full = [").skip(1);
    let mut out = Vec::new();
    for l in lines.by_ref() {
        let l = l.trim();
        if l == "]" {
            break;
        }
        out.push(l.trim_end_matches(',').trim_matches('"').to_string());
    }
    out
}

pub fn run(a: &AreaArgs, root: &Path) -> Result<(), String> {
    let (dir, package, target): (PathBuf, Option<&str>, Option<PathBuf>) = match a {
        AreaArgs::Crate(name) => (generated_dir(root, name)?, Some(name), None),
        AreaArgs::Schema(schema) => {
            let base = root.join("target/check-areas");
            let out = base.join("crate");
            if out.exists() {
                std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
            }
            let args = odata_codegen::Args {
                schemas: vec![PathBuf::from(schema)],
                out: Some(out.clone()),
                all: true,
                area_features: true,
                ..Default::default()
            };
            odata_codegen::run(&args, root).map_err(|_| format!("generating {schema} failed"))?;
            std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
                .map_err(|e| format!("Cargo.lock: {e}"))?;
            (out, None, Some(base.join("target")))
        }
    };
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let features = area_features(&manifest);
    if features.is_empty() {
        return Err(format!(
            "{}: no area features (`area_features = true` generates them)",
            dir.display()
        ));
    }
    let runs = std::iter::once(None).chain(features.iter().map(Some));
    let count = features.len() + 1;
    let started = Instant::now();
    for (i, f) in runs.enumerate() {
        let mut args = vec!["--no-default-features"];
        if let Some(f) = f {
            args.extend(["--features", f]);
        }
        let what = f.map_or("(no area)".to_string(), |f| format!("--features {f}"));
        let secs = clippy(&dir, package, target.as_deref(), &args)
            .map_err(|e| format!("{}: {what}: {e}", dir.display()))?;
        println!("[{}/{count}] {what}: ok ({secs:.1} s)", i + 1);
    }
    println!(
        "{}: {count} area combinations lint clean ({:.0} s)",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `cargo clippy --quiet ARGS -- -D warnings` on the crate in `dir` (`-p package` for a
/// workspace member), in the target folder `target` when given: its time
/// in seconds, or its status and output when it failed or printed anything.
pub fn clippy(
    dir: &Path,
    package: Option<&str>,
    target: Option<&Path>,
    args: &[&str],
) -> Result<f64, String> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.arg("clippy").arg("--quiet");
    // In a workspace member's folder, cargo finds the workspace above it.
    cmd.current_dir(dir);
    if let Some(p) = package {
        cmd.args(["-p", p]);
    }
    if let Some(t) = target {
        cmd.env("CARGO_TARGET_DIR", t);
    }
    cmd.args(args).args(["--", "-D", "warnings"]);
    let t = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run cargo clippy: {e}"))?;
    let secs = t.elapsed().as_secs_f64();
    if !out.status.success() || !out.stderr.is_empty() {
        return Err(format!(
            "{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(secs)
}

/// The folder of the workspace's generated crate `name` (its `Cargo.toml` names it).
fn generated_dir(root: &Path, name: &str) -> Result<PathBuf, String> {
    let entries =
        std::fs::read_dir(root.join("generated")).map_err(|e| format!("generated/: {e}"))?;
    for e in entries.flatten() {
        let manifest = std::fs::read_to_string(e.path().join("Cargo.toml")).unwrap_or_default();
        if manifest.lines().any(|l| l == format!("name = \"{name}\"")) {
            return Ok(e.path());
        }
    }
    Err(format!(
        "no generated crate named `{name}` under generated/"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        let p = |s: &[&str]| parse(s.iter().map(|x| x.to_string()));
        assert_eq!(p(&["--crate", "a"]), Ok(AreaArgs::Crate("a".into())));
        assert_eq!(
            p(&["--schema", "s.xml"]),
            Ok(AreaArgs::Schema("s.xml".into()))
        );
        assert!(p(&[]).is_err());
        assert!(p(&["--crate"]).is_err());
        assert!(p(&["--crate", "--schema"]).is_err());
        assert!(p(&["--crate", "a", "--schema", "b"]).is_err());
        assert!(p(&["--other", "a"]).is_err());
    }

    #[test]
    fn features_are_the_members_of_full() {
        let manifest = "[features]\ndefault = [\"reqwest\", \"full\"]\nserde = []\n# c\nfull = [\n    \"users\",\n    \"self_\",\n]\n# The entity set `users`.\nusers = []\n";
        assert_eq!(area_features(manifest), ["users", "self_"]);
        assert!(area_features("[features]\nserde = []\n").is_empty());
    }
}
