//! Malformed documents (`tests/malformed/*.xml`): each must fail with located errors.
//! A `<!-- expect -->` comment marks the line *before* each line an error must point
//! at; the messages are pinned by insta snapshots. Suspicious-but-valid documents
//! (`tests/valid/*.xml`) must load with no diagnostic at all.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    v.sort();
    v
}

/// Loads `path` under a short, stable label (`malformed/<name>.xml`).
fn load(
    path: &Path,
    dir: &str,
) -> (
    String,
    String,
    Result<csdl::model::Model, csdl::diag::Errors>,
) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let label = format!("{dir}/{name}");
    let text = std::fs::read_to_string(path).unwrap();
    let r = csdl::load_str(&label, &text);
    (name, text, r)
}

#[test]
fn malformed_documents_fail_at_the_marked_lines() {
    let all = files("malformed");
    assert!(all.len() >= 25, "only {} malformed documents", all.len());
    for path in all {
        let (name, text, r) = load(&path, "malformed");
        let errors = match r {
            Ok(_) => panic!("{name}: loaded without error"),
            Err(e) => e,
        };
        let expected: BTreeSet<u32> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("<!-- expect -->"))
            .map(|(i, _)| i as u32 + 2)
            .collect();
        assert!(!expected.is_empty(), "{name}: no `<!-- expect -->` marker");
        let got: BTreeSet<u32> = errors.errors.iter().map(|e| e.location.line).collect();
        assert_eq!(got, expected, "{name}: error lines\n{errors}");
        let mut rendered = errors.to_string();
        for w in &errors.warnings {
            rendered.push_str(&format!("\n{w}"));
        }
        let snap = name.trim_end_matches(".xml").to_string();
        insta::assert_snapshot!(snap, rendered);
    }
}

#[test]
fn suspicious_but_valid_documents_load_cleanly() {
    let all = files("valid");
    assert!(all.len() >= 5);
    for path in all {
        let (name, _, r) = load(&path, "valid");
        match r {
            Ok(m) => assert!(m.warnings.is_empty(), "{name}: warnings: {:?}", m.warnings),
            Err(e) => panic!("{name}:\n{e}"),
        }
    }
}

#[test]
fn all_errors_of_a_run_are_reported_together() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed/several_errors.xml");
    let (_, _, r) = load(&path, "malformed");
    assert_eq!(r.err().unwrap().errors.len(), 3);
}

#[test]
fn error_format_is_rustc_style() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed/unknown_type.xml");
    let (_, _, r) = load(&path, "malformed");
    let e = r.err().unwrap();
    assert_eq!(
        e.errors[0].to_string(),
        "error: unknown type `t.Nope`\n --> malformed/unknown_type.xml:7:28"
    );
}
