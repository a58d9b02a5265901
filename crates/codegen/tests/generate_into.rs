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
