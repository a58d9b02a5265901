//! `cargo xtask check-corpus`: every CSDL document of a folder of real schemas by others
//! (by default the shared corpora beside the repository, `../shared/corpora`: Graph,
//! TripPin, Northwind, the OASIS vocabularies in CSDL XML and CSDL JSON) generates a crate
//! that lints clean, so generality is checked on more than the repository's own
//! fixtures.
//!
//! Each `*.xml` / `*.json` document under the folder is generated `--all` into
//! `target/check-corpus/<name>` (with the workspace's `Cargo.lock`; one target folder for
//! all), then `cargo clippy --all-targets -- -D warnings` runs with the default features
//! and with `--all-features`; a document with entity sets or singletons is generated a
//! second time with `--area-features` and linted with no area feature. A folder that does
//! not exist is an error that says so: nothing here passes by skipping.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::areas::{area_features, clippy};

pub const USAGE: &str = "
       cargo xtask check-corpus [DIR]

  check-corpus    generate every CSDL document (*.xml, *.json) under DIR (default
                  ../shared/corpora) --all into target/check-corpus and lint each crate
                  (`cargo clippy --all-targets -- -D warnings`, default and all features;
                  with area features too when the document has entity sets)";

/// The folder `check-corpus` reads: the one argument, else the shared corpora.
pub fn parse(mut it: impl Iterator<Item = String>, root: &Path) -> Result<PathBuf, String> {
    let dir = match it.next() {
        Some(d) if d.starts_with('-') => return Err(format!("unknown flag `{d}`")),
        Some(d) => PathBuf::from(d),
        None => root.join("../shared/corpora"),
    };
    if let Some(extra) = it.next() {
        return Err(format!(
            "`check-corpus` takes one folder, not also `{extra}`"
        ));
    }
    Ok(dir)
}

/// The CSDL documents under `dir`, sorted: files ending in `.xml` or `.json` (the
/// corpora's READMEs and other files are not schemas).
pub fn documents(dir: &Path) -> Result<Vec<PathBuf>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for e in entries {
            let path = e.map_err(|e| format!("{}: {e}", dir.display()))?.path();
            // Not through links: a corpus is plain files.
            let meta =
                std::fs::symlink_metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if meta.is_dir() {
                walk(&path, out)?;
            } else if meta.is_file()
                && matches!(
                    path.extension().and_then(|x| x.to_str()),
                    Some("xml" | "json")
                )
            {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// A crate folder name for a document: its file name, lower case, anything but ASCII
/// letters and digits as `-` (`Org.OData.Core.V1.json` → `org-odata-core-v1-json`).
pub fn crate_dir_name(doc: &Path) -> String {
    let name = doc.file_name().and_then(|n| n.to_str()).unwrap_or("schema");
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

pub fn run(dir: &Path, root: &Path) -> Result<(), String> {
    if !dir.is_dir() {
        return Err(format!(
            "{} does not exist: the corpus-wide check needs a folder of CSDL documents (the \
             shared corpora are `shared/corpora` beside the repository); nothing was checked",
            dir.display()
        ));
    }
    let docs = documents(dir)?;
    if docs.is_empty() {
        return Err(format!(
            "{}: no CSDL documents (*.xml, *.json); nothing was checked",
            dir.display()
        ));
    }
    let base = root.join("target/check-corpus");
    let target = base.join("target");
    let started = Instant::now();
    let mut failed = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let name = crate_dir_name(doc);
        let shown = doc.strip_prefix(dir).unwrap_or(doc).display().to_string();
        let step = format!("[{}/{}] {shown}", i + 1, docs.len());
        match check(doc, &base.join(&name), &target, root) {
            Ok(what) => println!("{step}: ok ({what})"),
            Err(e) => {
                println!("{step}: FAILED\n{e}");
                failed.push(shown);
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    if failed.is_empty() {
        println!(
            "{}: {} documents generate crates that lint clean ({secs:.0} s)",
            dir.display(),
            docs.len()
        );
        Ok(())
    } else {
        Err(format!(
            "{} of {} documents failed: {}",
            failed.len(),
            docs.len(),
            failed.join(", ")
        ))
    }
}

/// Generates `doc` into `out` (again with area features when it has areas) and lints it;
/// what was checked, or the first failure.
fn check(doc: &Path, out: &Path, target: &Path, root: &Path) -> Result<String, String> {
    let generate = |out: &Path, area_features: bool| -> Result<(), String> {
        if out.exists() {
            std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
        let args = odata_codegen::Args {
            schemas: vec![doc.to_path_buf()],
            out: Some(out.to_path_buf()),
            all: true,
            area_features,
            ..Default::default()
        };
        // The command's own message (a located error) is already on stderr.
        odata_codegen::run(&args, root).map_err(|_| "generation failed".to_string())?;
        std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
            .map(drop)
            .map_err(|e| format!("Cargo.lock: {e}"))
    };
    let lint = |dir: &Path, args: &[&str]| {
        clippy(dir, None, Some(target), args).map_err(|e| format!("clippy {}: {e}", args.join(" ")))
    };
    generate(out, false)?;
    let mut secs = lint(out, &["--all-targets"])?;
    secs += lint(out, &["--all-targets", "--all-features"])?;
    let mut what = "default and all features".to_string();
    let areas = out.with_file_name(format!(
        "{}-areas",
        out.file_name().and_then(|n| n.to_str()).unwrap_or("crate")
    ));
    generate(&areas, true)?;
    let manifest = std::fs::read_to_string(areas.join("Cargo.toml"))
        .map_err(|e| format!("{}: {e}", areas.display()))?;
    if area_features(&manifest).is_empty() {
        std::fs::remove_dir_all(&areas).map_err(|e| format!("{}: {e}", areas.display()))?;
    } else {
        secs += lint(&areas, &["--all-targets", "--no-default-features"])?;
        what.push_str(", area features: none");
    }
    Ok(format!("{what}; {secs:.1} s"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_is_one_argument_or_the_shared_corpora() {
        let root = Path::new("/repo");
        let p = |s: &[&str]| parse(s.iter().map(|x| x.to_string()), root);
        assert_eq!(p(&[]), Ok(PathBuf::from("/repo/../shared/corpora")));
        assert_eq!(p(&["c"]), Ok(PathBuf::from("c")));
        assert!(p(&["--all"]).is_err());
        assert!(p(&["a", "b"]).is_err());
    }

    #[test]
    fn crate_folders_are_named_after_the_document() {
        assert_eq!(
            crate_dir_name(Path::new("x/Org.OData.Core.V1.json")),
            "org-odata-core-v1-json"
        );
        assert_eq!(crate_dir_name(Path::new("trippin.xml")), "trippin-xml");
    }

    #[test]
    fn documents_are_the_xml_and_json_files_and_a_missing_folder_says_so() {
        let dir = std::env::temp_dir().join(format!("check-corpus-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("voc")).unwrap();
        for f in ["b.xml", "README.md", "voc/a.json", "voc/a.xml"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let found: Vec<String> = documents(&dir)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["b.xml", "voc/a.json", "voc/a.xml"]);
        let missing = run(&dir.join("nope"), Path::new(".")).unwrap_err();
        assert!(missing.contains("does not exist"), "{missing}");
        assert!(missing.contains("nothing was checked"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
