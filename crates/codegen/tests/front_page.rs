//! The generated crate's front page starts with an example: a client and a typed list
//! (compiled as a doctest of every generated crate of the workspace), or, for a crate
//! without an entity set, a model decoded from JSON (run here as a doctest).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The first code block of `lib.rs`'s crate docs, without the `//! ` and `# ` markers.
fn front_example(lib: &str) -> String {
    let docs: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    let start = docs
        .iter()
        .position(|l| l.starts_with("```"))
        .expect("a code block");
    let first_text = docs.iter().position(|l| l.starts_with("Every type is in"));
    assert!(
        first_text.is_some_and(|t| t > start),
        "the example comes first:\n{lib}"
    );
    let len = docs[start + 1..]
        .iter()
        .position(|l| l.starts_with("```"))
        .unwrap();
    docs[start + 1..start + 1 + len]
        .iter()
        .map(|l| l.strip_prefix("# ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_hostile_crate_s_example_uses_its_identifiers_only() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("codegen.toml")).unwrap();
    let file = codegen::ConfigFile::parse(&text, Path::new("codegen.toml")).unwrap();
    let config = file
        .crates
        .iter()
        .find(|c| c.name == "obstacle-course")
        .unwrap();
    let model = codegen::output::load(config, &root).unwrap();
    let files = codegen::generate(config, &model).unwrap();
    let code = front_example(&files[Path::new("src/lib.rs")]);
    // Well-formed Rust (the doctest compiles it in `cargo test --workspace`) whose
    // names are the generated ones: the root client, a set, its field enum.
    syn::parse_file(&code).unwrap_or_else(|e| panic!("{e}:\n{code}"));
    for part in [
        "obstacle_course::ObstacleService::new(client)",
        ".hostile_texts().list()",
        "HostileTextField::",
        ".top(5)",
        "println!(\"{:?}\", item.",
    ] {
        assert!(code.contains(part), "{part} in:\n{code}");
    }
}

#[test]
fn a_crate_without_entity_sets_decodes_a_model_in_its_example() {
    const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Shapes.V1" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="point" Abstract="true"><Property Name="x" Type="Edm.Double"/></ComplexType>
      <ComplexType Name="labelled" BaseType="Shapes.V1.point">
        <Property Name="type" Type="Edm.String"/>
        <Property Name="name" Type="Edm.String"/>
      </ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let dir = std::env::temp_dir().join(format!("front-page-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("shapes.xml"), CSDL).unwrap();
    let out = dir.join("shapes");
    codegen::Config::for_crate("shapes")
        .schema(dir.join("shapes.xml"))
        .all()
        .generate_into(&out)
        .unwrap_or_else(|e| panic!("{e}"));
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    let code = front_example(&lib);
    assert!(
        code.contains("let value: shapes::models::shapes_v1::Labelled = shapes::runtime::json::from_slice(b\"{}\")?;"),
        "{code}"
    );
    assert!(code.contains("println!(\"{:?}\", value.name);"), "{code}");

    // It runs: `cargo test --doc` on the crate alone, offline.
    let manifest = out.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}\n[workspace]\n")).unwrap();
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/vendor-test");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = Command::new(cargo)
        .args(["test", "--doc", "--offline"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "doctest failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
