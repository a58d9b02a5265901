//! Model and client files are written as text (`emit::text`), not through prettyplease:
//! every one of them must be exactly what `emit::tokens::layout` (prettyplease, a blank
//! line between items) prints for it, for the obstacle course (odd
//! names, docs with `*/`, quotes, newlines) and for the whole of Microsoft Graph v1.0.

use std::path::{Path, PathBuf};

use codegen::Config;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn generate_all(schema: &str, area_features: bool) -> codegen::Files {
    let root = workspace();
    let model = csdl::load_with(Path::new(schema), &move |p: &Path| {
        std::fs::read_to_string(root.join(p)).ok()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let mut config = Config::new("layout", "unused", vec![PathBuf::from(schema)]);
    config.all();
    config.area_features = area_features;
    codegen::generate(&config, &model).unwrap_or_else(|e| panic!("{e}"))
}

/// The files under `dir` (`src/models`, `src/client`, their `mod.rs` included) whose
/// text differs from prettyplease's layout of the same code.
fn misformatted(files: &codegen::Files, dir: &str) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut bad = Vec::new();
    for (path, text) in files {
        if !path.starts_with(dir) {
            continue;
        }
        checked += 1;
        let (header, body) = text.split_once("\n\n").expect("header, blank line, code");
        assert!(header.starts_with("// @generated"), "{}", path.display());
        let file = syn::parse_file(body).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let pretty = codegen::emit::tokens::layout(file);
        if pretty != body {
            let line = pretty
                .lines()
                .zip(body.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            bad.push(format!(
                "{} line {}: prettyplease {:?}, written {:?}",
                path.display(),
                line + 3,
                pretty.lines().nth(line).unwrap_or(""),
                body.lines().nth(line).unwrap_or("")
            ));
        }
    }
    (checked, bad)
}

#[test]
fn obstacle_course_models_and_client_are_in_prettyplease_layout() {
    // As committed: with area features (gates on items, fields, arms and `mod` lines).
    let files = generate_all("schemas/obstacle-course.xml", true);
    let (checked, bad) = misformatted(&files, "src/models");
    assert!(checked > 50, "{checked}");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    let (checked, bad) = misformatted(&files, "src/client");
    assert!(checked >= 20, "{checked}");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn whole_graph_models_and_client_are_in_prettyplease_layout() {
    // Without and with area features: gate lines as wide as Graph's longest type names.
    for areas in [false, true] {
        let files = generate_all("schemas/graph-v1.0.xml", areas);
        let (checked, bad) = misformatted(&files, "src/models");
        assert!(checked > 3_500, "{checked}");
        assert!(bad.is_empty(), "{} files:\n{}", bad.len(), bad.join("\n"));
        let (checked, bad) = misformatted(&files, "src/client");
        assert!(checked > 500, "{checked}");
        assert!(bad.is_empty(), "{} files:\n{}", bad.len(), bad.join("\n"));
    }
}
