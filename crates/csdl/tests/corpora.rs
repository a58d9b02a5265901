//! Every corpus document reads and resolves, and the model's counts match those taken
//! independently by `fixtures/corpora/count.py` (Python ElementTree) into `counts.json`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use csdl::document::{self, Kind};
use csdl::model::{Model, TypeKind};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where corpus document `name` is (Graph v1.0 lives in `schemas/`).
pub fn corpus_path(name: &str) -> PathBuf {
    if name == "graph-v1.0.xml" {
        manifest().join("../../schemas/graph-v1.0.xml")
    } else {
        manifest().join("tests/fixtures/corpora").join(name)
    }
}

fn expected() -> BTreeMap<String, BTreeMap<String, u64>> {
    let text =
        std::fs::read_to_string(manifest().join("tests/fixtures/corpora/counts.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn model_counts(m: &Model, path: &std::path::Path) -> BTreeMap<String, u64> {
    let mut c: BTreeMap<String, u64> = BTreeMap::new();
    let mut add = |k: &str, n: usize| *c.entry(k.to_string()).or_default() += n as u64;
    // The document's own: not the embedded standard vocabularies it references.
    let builtin_files: Vec<u32> = m
        .schemas
        .iter()
        .filter(|s| s.builtin)
        .map(|s| s.file)
        .collect();
    let own_ns = |ns: &str| m.schemas.iter().any(|s| !s.builtin && s.namespace == ns);
    add("schemas", m.schemas.iter().filter(|s| !s.builtin).count());
    for t in m.types.iter().filter(|t| own_ns(&t.namespace)) {
        match &t.kind {
            TypeKind::Entity(_) => add("entity_types", 1),
            TypeKind::Complex(_) => add("complex_types", 1),
            TypeKind::Enum(e) => {
                add("enum_types", 1);
                add("flags_enums", e.is_flags as usize);
                add("enum_members", e.members.len());
            }
            TypeKind::Definition(_) => add("type_definitions", 1),
        }
        if let Some(s) = t.structured() {
            add("properties", s.properties.len());
            add(
                "collection_properties",
                s.properties.iter().filter(|p| p.ty.collection).count(),
            );
            add("navigation_properties", s.navigation.len());
            add(
                "contained_navigation_properties",
                s.navigation.iter().filter(|n| n.contains_target).count(),
            );
            add("derived_types", s.base.is_some() as usize);
            add("abstract_types", s.is_abstract as usize);
            add("open_types", s.open as usize);
            add("media_types", s.has_stream as usize);
            // A key declared here (not inherited): the base has none or a different one.
            let own = !s.key.is_empty()
                && s.base
                    .is_none_or(|b| m.ty(b).structured().is_none_or(|bs| bs.key.is_empty()));
            if own {
                add("keys", 1);
                add("key_parts", s.key.len());
            }
        }
    }
    for op in m.operations.iter().filter(|o| own_ns(&o.namespace)) {
        match op.kind {
            csdl::model::OperationKind::Action => add("actions", 1),
            csdl::model::OperationKind::Function => add("functions", 1),
        }
        add("bound_operations", op.binding.is_some() as usize);
        add("parameters", op.parameters.len());
    }
    add("terms", m.terms.len());
    add("entity_containers", m.containers.len());
    for ct in &m.containers {
        add("entity_sets", ct.entity_sets.len());
        add("singletons", ct.singletons.len());
        add("action_imports", ct.action_imports.len());
        add("function_imports", ct.function_imports.len());
        add(
            "navigation_property_bindings",
            ct.entity_sets
                .iter()
                .map(|s| s.navigation_bindings.len())
                .sum::<usize>()
                + ct.singletons
                    .iter()
                    .map(|s| s.navigation_bindings.len())
                    .sum::<usize>(),
        );
    }
    add(
        "annotations",
        m.annotations
            .values()
            .flatten()
            .filter(|a| !builtin_files.contains(&a.pos.file))
            .count(),
    );
    // From the document layer: `Annotations` elements.
    let text = std::fs::read_to_string(path).unwrap();
    let doc = document::parse(0, text.into()).unwrap();
    add(
        "external_annotations",
        doc.elements
            .iter()
            .filter(|e| e.kind == Kind::Annotations)
            .count(),
    );
    c
}

#[test]
fn corpora_counts_match_count_py() {
    for (name, want) in expected() {
        let path = corpus_path(&name);
        let m = csdl::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = model_counts(&m, &path);
        for (k, v) in &want {
            assert_eq!(got.get(k).copied().unwrap_or(0), *v, "{name}: count of {k}");
        }
        for k in got.keys() {
            assert!(
                want.contains_key(k),
                "{name}: {k} is not counted by count.py"
            );
        }
    }
}

fn warnings_of(name: &str) -> String {
    let m = csdl::load(&corpus_path(name)).unwrap();
    m.warnings
        .iter()
        .map(|w| format!("{}:{} {}", w.location.line, w.location.col, w.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn graph_warnings() {
    insta::assert_snapshot!(warnings_of("graph-v1.0.xml"));
}

#[test]
fn small_corpora_warnings() {
    let all: Vec<String> = [
        "northwind-v4.xml",
        "trippin.xml",
        "oasis-core-v1.xml",
        "oasis-capabilities-v1.xml",
    ]
    .iter()
    .map(|n| format!("== {n}\n{}", warnings_of(n)))
    .collect();
    insta::assert_snapshot!(all.join("\n"));
}

#[test]
fn every_prefix_of_trippin_is_handled() {
    let text = std::fs::read_to_string(corpus_path("trippin.xml")).unwrap();
    let complete = text.trim_end().len();
    let mut ok = 0;
    for end in 0..=text.len() {
        if !text.is_char_boundary(end) {
            continue;
        }
        let r = csdl::load_str("trippin.xml", &text[..end]);
        if end < complete {
            // A strict prefix is never a complete document (the root is unclosed).
            let e = r
                .err()
                .unwrap_or_else(|| panic!("prefix of {end} bytes loaded"));
            assert!(!e.errors.is_empty());
            for d in &e.errors {
                assert!(d.location.line >= 1, "{d}");
            }
        } else {
            r.unwrap();
            ok += 1;
        }
    }
    assert_eq!(ok, text.len() - complete + 1);
}
