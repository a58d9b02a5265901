//! Vendoring: `generated/graph-v1` copied alone outside the workspace builds with
//! dependencies from the registry only (offline, from the local cache).

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if name == "target" || name == "Cargo.lock" {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

#[test]
fn vendored_graph_v1_builds_alone() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::temp_dir().join(format!("vendor-graph-v1-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&workspace.join("generated/graph-v1"), &dir);
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("\n[workspace]\n");
    std::fs::write(&manifest, text).unwrap();
    // A target folder of its own (kept between runs, inside the workspace's target dir),
    // so nothing is shared with the workspace build except the registry cache.
    let target = workspace.join("target/vendor-test");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--offline", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "vendored build failed:\n{stderr}");
    assert!(
        !stderr.contains("warning"),
        "vendored build warned:\n{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A crate whose container is named `Client` and which has types named `Error`, `client`
/// and `Page`, and an operation named `ErrorBuilder`: the crate root re-exports the runtime's `Client` and `Error`, so the root
/// client takes another name (with a warning), and the model types live in their module.
#[test]
fn a_container_named_client_with_a_type_named_error_builds() {
    const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="N" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="Error">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <NavigationProperty Name="client" Type="N.client"/>
      </EntityType>
      <EntityType Name="client">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.Int64" Nullable="false"/>
        <Property Name="page" Type="N.Page"/>
      </EntityType>
      <ComplexType Name="Page"><Property Name="n" Type="Edm.Int32"/></ComplexType>
      <Function Name="ErrorBuilder" IsBound="true">
        <Parameter Name="e" Type="N.Error"/>
        <ReturnType Type="N.Error"/>
      </Function>
      <EntityContainer Name="Client">
        <EntitySet Name="Error" EntityType="N.Error"/>
        <EntitySet Name="clients" EntityType="N.client"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let model = csdl::load_str("client.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut config = codegen::Config::new("client-named", "out", vec!["client.xml".into()]);
    config.all();
    let g = codegen::generate_full(&config, &model).unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = g.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w
                .contains("`Client` is a name of the crate root, the root client is `Client2`")),
        "{warnings:?}"
    );
    let lib = &g.files[std::path::Path::new("src/lib.rs")];
    assert!(lib.contains("pub use crate::client::Client2;"), "{lib}");

    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::temp_dir().join(format!("client-named-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in &g.files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let text = if path == std::path::Path::new("Cargo.toml") {
            format!("{text}\n[workspace]\n")
        } else {
            text.clone()
        };
        std::fs::write(p, text).unwrap();
    }
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    // Uses every name that could collide.
    std::fs::write(
        dir.join("tests/names.rs"),
        "use client_named::{Client, Client2, Error};\n\
         #[test]\nfn names() {\n\
         let c = Client::builder(\"https://example.invalid/svc\").build().unwrap();\n\
         let root = Client2::new(c);\n\
         let _ = root.error().by_id(\"a\").client().get();\n\
         let _: Option<Error> = None;\n\
         let _ = client_named::models::n::Error::default();\n\
         let _ = client_named::client::n::ErrorBuilder::error_builder;\n}\n",
    )
    .unwrap();
    let target = workspace.join("target/vendor-test");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["test", "--offline", "--quiet", "--no-run"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "build failed:\n{stderr}");
    assert!(!stderr.contains("warning"), "build warned:\n{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Typed `$filter` and `$expand`: comparing a property with a value of another Edm
/// type, selecting a property of another type in an expanded item, collection options
/// on a single-valued item, or expanding another type's navigation property does not
/// compile, and the same expressions with the right types do.
#[test]
fn filters_and_expands_of_the_wrong_type_do_not_compile() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("filter-types-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let crate_dir = workspace.join("generated/graph-directory");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"filter-types\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\ngraph-directory = {{ path = {:?} }}\n\n[workspace]\n",
            crate_dir.display().to_string()
        ),
    )
    .unwrap();
    let target = workspace.join("target/vendor-test");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let check = |body: &str| {
        std::fs::write(
            dir.join("src/main.rs"),
            format!(
                "use graph_directory::client::microsoft_graph::*;\nfn main() {{\n    let f = {body};\n    println!(\"{{f:?}}\");\n}}\n"
            ),
        )
        .unwrap();
        let out = Command::new(&cargo)
            .args(["check", "--offline", "--quiet"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let groups = "graph_directory::GraphService::new(\
                  graph_directory::Client::builder(\"https://x.invalid/\").build().unwrap())\
                  .groups().list()";
    let (ok, stderr) = check(&format!(
        "(UserField::DISPLAY_NAME.eq(\"Ada\") & UserField::ACCOUNT_ENABLED.eq(true), \
         UserNav::member_of().select([DirectoryObjectField::Id]).top(1), \
         UserNav::manager().select([DirectoryObjectField::Id]).levels(2), \
         {groups}.expand(GroupNav::Owners).expand(GroupNav::members().top(2)))"
    ));
    assert!(
        ok,
        "the well-typed filter and expands must compile:\n{stderr}"
    );
    let groups_expand = format!("{groups}.expand(UserNav::Manager)");
    for (wrong, says) in [
        ("UserField::DISPLAY_NAME.eq(5)", "Comparable"),
        ("UserField::ACCOUNT_ENABLED.eq(\"true\")", "Comparable"),
        (
            "UserField::CREATED_DATE_TIME.ge(\"2024-01-01\")",
            "Comparable",
        ),
        (
            "UserField::DISPLAY_NAME.eq(UserField::ACCOUNT_ENABLED)",
            "Comparable",
        ),
        (
            "UserNav::member_of().select([UserField::Id])",
            "expected `DirectoryObjectField`, found `UserField`",
        ),
        ("UserNav::manager().top(1)", "no method named `top`"),
        (
            "UserNav::manager().orderby(DirectoryObjectField::Id)",
            "no method named `orderby`",
        ),
        (groups_expand.as_str(), "IntoExpand<GroupField>"),
    ] {
        let (ok, stderr) = check(wrong);
        assert!(!ok, "{wrong} compiled");
        assert!(stderr.contains(says), "{wrong}:\n{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
