//! Documents that break a rule of the CSDL specification where code can still be
//! generated (`tests/lenient/*.xml`): each loads, with a located warning at every line
//! after a `<!-- warn -->` comment and its documented interpretation, and fails with
//! errors at the same lines under `strict`. The rules where no correct code is possible
//! (an unknown type, a key naming no property, a cycle of base types, OData v2) stay
//! errors: `tests/malformed/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use csdl::Options;
use csdl::model::Model;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lenient")
}

fn load(name: &str, strict: bool) -> Result<Model, csdl::diag::Errors> {
    let text = std::fs::read_to_string(dir().join(name)).unwrap();
    let label = PathBuf::from(format!("lenient/{name}"));
    let options = Options {
        strict,
        ..Options::default()
    };
    csdl::load_all_with(std::slice::from_ref(&label), &options, &|p: &Path| {
        (p == label).then(|| text.clone())
    })
}

#[test]
fn lenient_documents_warn_at_the_marked_lines_and_fail_under_strict() {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        let text = std::fs::read_to_string(dir().join(&name)).unwrap();
        let expected: BTreeSet<u32> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("<!-- warn -->"))
            .map(|(i, _)| i as u32 + 2)
            .collect();
        let m = load(&name, false).unwrap_or_else(|e| panic!("{name}:\n{e}"));
        let got: BTreeSet<u32> = m.warnings.iter().map(|w| w.location.line).collect();
        assert_eq!(got, expected, "{name}: warning lines {:?}", m.warnings);
        let e = load(&name, true).expect_err(&name);
        let got: BTreeSet<u32> = e.errors.iter().map(|w| w.location.line).collect();
        assert_eq!(got, expected, "{name} under strict:\n{e}");
        assert!(e.warnings.is_empty());
        let rendered: Vec<String> = m.warnings.iter().map(|w| w.to_string()).collect();
        insta::assert_snapshot!(
            name.trim_end_matches(".xml").to_string(),
            rendered.join("\n")
        );
    }
}

#[test]
fn a_redeclared_key_is_the_inherited_key() {
    let m = load("key_redeclared.xml", false).unwrap();
    let derived = m
        .ty(m.find_type("test.Derived").unwrap())
        .structured()
        .unwrap();
    assert_eq!(derived.key.len(), 1);
    assert_eq!(derived.key[0].path, "id");
}

#[test]
fn a_key_that_cannot_be_in_a_url_leaves_the_type_without_key() {
    let m = load("key_non_primitive.xml", false).unwrap();
    for t in ["test.Thing", "test.Tagged"] {
        let s = m.ty(m.find_type(t).unwrap()).structured().unwrap();
        assert!(s.key.is_empty(), "{t}: {:?}", s.key);
    }
    assert_eq!(m.containers[0].entity_sets.len(), 1, "the entity set stays");
}

#[test]
fn unresolvable_imports_and_extends_are_left_out() {
    let m = load("function_import_unknown.xml", false).unwrap();
    let names: Vec<&str> = m.containers[0]
        .function_imports
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(names, ["count"]);
    let m = load("import_unknown_action.xml", false).unwrap();
    assert!(m.containers[0].action_imports.is_empty());
    let m = load("extends_missing_document.xml", false).unwrap();
    let sets: Vec<&str> = m.containers[0]
        .entity_sets
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(sets, ["Things"]);
    let m = load("extends_unknown.xml", false).unwrap();
    assert!(m.containers[0].entity_sets.is_empty());
}
