//! The library front end, `Config::generate_into`: the same output as `generate`, and the
//! same refusals as `cargo xtask codegen` (nothing written when a file is in the way).

use std::path::{Path, PathBuf};

/// A small Graph excerpt of this repository: users, groups, directory objects.
fn schema() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/graph-directory.xml")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("generate-into-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn config(schema: &Path) -> codegen::Config {
    let mut c = codegen::Config::for_crate("directory");
    c.schema(schema)
        .roots(["users"])
        .key_as_segment(true)
        .service_root("https://graph.microsoft.com/v1.0");
    c
}

#[test]
fn writes_what_generate_gives_then_nothing() {
    let dir = temp_dir("writes");
    let schema = schema();
    let out = dir.join("out");
    let c = config(&schema);
    let report = c.generate_into(&out).unwrap();
    let model = codegen::output::load(&c, Path::new(".")).unwrap();
    let files = codegen::generate(&c, &model).unwrap();
    for (p, text) in &files {
        assert_eq!(
            &std::fs::read_to_string(out.join(p)).unwrap(),
            text,
            "{p:?}"
        );
    }
    assert!(out.join(codegen::owned::MANIFEST).is_file());
    assert_eq!(report.written.len(), files.len() + 1);
    assert_eq!((report.unchanged, report.removed.len()), (0, 0));
    assert!(report.api_changes.is_none());
    let again = c.generate_into(&out).unwrap();
    assert!(again.written.is_empty(), "{:?}", again.written);
    assert_eq!(again.unchanged, files.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refuses_foreign_and_edited_files_and_writes_nothing() {
    let dir = temp_dir("refuses");
    let schema = schema();
    // A folder that is not a generated crate.
    let theirs = dir.join("theirs");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("notes.txt"), "mine").unwrap();
    let e = config(&schema)
        .generate_into(&theirs)
        .unwrap_err()
        .to_string();
    assert!(e.contains("nothing was written"), "{e}");
    assert_eq!(std::fs::read_dir(&theirs).unwrap().count(), 1);

    // A generated crate with a file edited by hand.
    let out = dir.join("out");
    config(&schema).generate_into(&out).unwrap();
    let lib = out.join("src/lib.rs");
    let edited = format!("{}// mine\n", std::fs::read_to_string(&lib).unwrap());
    std::fs::write(&lib, &edited).unwrap();
    let before = std::fs::read(out.join(codegen::owned::MANIFEST)).unwrap();
    let e = config(&schema).generate_into(&out).unwrap_err().to_string();
    assert!(e.contains("src/lib.rs` was changed by hand"), "{e}");
    assert!(e.ends_with("error: nothing was written"), "{e}");
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), edited);
    assert_eq!(
        std::fs::read(out.join(codegen::owned::MANIFEST)).unwrap(),
        before
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_input_is_an_error_before_any_write() {
    let dir = temp_dir("bad");
    let out = dir.join("out");
    let e = config(&dir.join("absent.xml"))
        .generate_into(&out)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("error: cannot read schema"), "{e}");
    let schema = schema();
    let mut c = config(&schema);
    c.service_root("javascript:alert(1)\"");
    let e = c.generate_into(&out).unwrap_err().to_string();
    assert!(e.contains("is not a service root URL"), "{e}");
    let mut c = config(&schema);
    c.roots(["microsoft.graph.nope"]);
    let e = c.generate_into(&out).unwrap_err().to_string();
    assert!(e.contains("microsoft.graph.nope"), "{e}");
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every file under `dir` with its bytes, leaving out `skip` (a folder).
fn snapshot(dir: &Path, skip: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    fn go(dir: &Path, skip: &Path, out: &mut std::collections::BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p == skip {
                continue;
            }
            if p.is_dir() {
                go(&p, skip, out);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    go(dir, skip, &mut out);
    out
}

/// A failure while files are being put in place (after every file was written) leaves
/// the crate folder exactly as it was: the replaced files come back, the removed ones
/// too, the new ones are gone.
#[test]
fn a_failure_part_way_through_putting_files_in_place_changes_nothing() {
    let dir = temp_dir("part-way");
    let schema = schema();
    let out = dir.join("out");
    let mut wide = config(&schema);
    wide.roots(["users", "groups"]);
    wide.generate_into(&out).unwrap();

    // Going back to `users` alone replaces some files and removes others; the other way
    // adds files.
    for (from_wide, fail_in) in [(true, "replace"), (true, "remove"), (false, "replace")] {
        let _ = std::fs::remove_dir_all(&out);
        let (before_cfg, after_cfg) = if from_wide {
            (wide.clone(), config(&schema))
        } else {
            (config(&schema), wide.clone())
        };
        before_cfg.generate_into(&out).unwrap();
        let model = codegen::output::load(&after_cfg, Path::new(".")).unwrap();
        let files = codegen::generate(&after_cfg, &model).unwrap();
        let plan = codegen::output::plan(&out, "directory", &files).unwrap();
        let replaced: Vec<_> = plan.existing.iter().collect();
        assert!(replaced.len() > 3, "{replaced:?}");
        if from_wide {
            assert!(plan.remove.len() >= 2, "{:?}", plan.remove);
        } else {
            assert!(plan.write.len() >= plan.existing.len() + 2, "new files too");
        }
        // The backup name of the last file to be replaced (or removed) is taken by a folder
        // with a file in it, which no rename can replace.
        let victim = match fail_in {
            "replace" => replaced.last().unwrap().to_path_buf(),
            _ => plan.remove.iter().last().unwrap().clone(),
        };
        let target = out.join(&victim);
        let blocker = target.with_file_name(format!(
            ".{}.codegen-old",
            target.file_name().unwrap().to_string_lossy()
        ));
        std::fs::create_dir_all(&blocker).unwrap();
        std::fs::write(blocker.join("keep"), "x").unwrap();
        let before = snapshot(&out, &blocker);

        let e = codegen::output::apply(&[(out.as_path(), &plan)]).unwrap_err();
        assert!(e.contains("nothing was changed"), "{e}");
        assert!(e.contains(&victim.display().to_string()), "{e}");
        let after = snapshot(&out, &blocker);
        let changed: std::collections::BTreeSet<_> = before
            .keys()
            .chain(after.keys())
            .filter(|p| before.get(*p) != after.get(*p))
            .collect();
        assert!(
            changed.is_empty(),
            "{fail_in}, from_wide {from_wide}: changed {changed:?}"
        );
        std::fs::remove_dir_all(&blocker).unwrap();

        // Without the obstacle the same plan goes through, and leaves no backup behind.
        codegen::output::apply(&[(out.as_path(), &plan)]).unwrap();
        for (p, text) in &files {
            assert_eq!(
                &std::fs::read_to_string(out.join(p)).unwrap(),
                text,
                "{p:?}"
            );
        }
        let left: Vec<_> = snapshot(&out, &blocker)
            .into_keys()
            .filter(|p| p.to_string_lossy().contains(".codegen-"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
