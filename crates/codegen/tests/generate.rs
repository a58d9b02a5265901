//! Generation as a pure function: snapshots of the seed types' files, determinism, root
//! errors, naming collisions, boxing.

use std::path::{Path, PathBuf};

use codegen::{Config, Files};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(schema: &str) -> csdl::model::Model {
    let root = workspace();
    csdl::load_with(Path::new(schema), &move |p: &Path| {
        std::fs::read_to_string(root.join(p)).ok()
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

const V1_ROOTS: &[&str] = &[
    "microsoft.graph.complianceManagementPartner",
    "microsoft.graph.deviceManagementPartner",
    "microsoft.graph.complianceManagementPartnerAssignment",
    "microsoft.graph.deviceAndAppManagementAssignmentTarget",
    "microsoft.graph.deviceManagementPartnerTenantState",
    "microsoft.graph.deviceManagementPartnerAppType",
];

fn v1_config(roots: &[&str]) -> Config {
    let mut c = Config::new(
        "graph-v1",
        "generated/graph-v1",
        vec![PathBuf::from("schemas/graph-v1.0.xml")],
    );
    for r in roots {
        c.root(*r);
    }
    c.key_as_segment(true);
    c
}

fn model_v1() -> &'static csdl::model::Model {
    static MODEL: std::sync::OnceLock<csdl::model::Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| load("schemas/graph-v1.0.xml"))
}

fn file<'a>(files: &'a Files, path: &str) -> &'a str {
    files
        .get(Path::new(path))
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no {path}"))
}

#[test]
fn seed_type_snapshots() {
    let files = codegen::generate(&v1_config(V1_ROOTS), model_v1()).unwrap();
    for name in [
        "compliance_management_partner",
        "compliance_management_partner_assignment",
        "device_and_app_management_assignment_target",
        "configuration_manager_collection_assignment_target",
        "device_management_partner",
        "device_management_partner_tenant_state",
        "device_management_partner_app_type",
    ] {
        let text = file(&files, &format!("src/models/microsoft_graph/{name}.rs"));
        insta::assert_snapshot!(format!("v1_{name}"), text);
    }
    let beta = load("schemas/graph-beta-intune.xml");
    let mut c = Config::new(
        "graph-beta",
        "generated/graph-beta",
        vec![PathBuf::from("schemas/graph-beta-intune.xml")],
    );
    c.root("microsoft.management.services.api.managedDeviceCompliance");
    let files = codegen::generate(&c, &beta).unwrap();
    insta::assert_snapshot!(
        "beta_managed_device_compliance",
        file(
            &files,
            "src/models/microsoft_management_services_api/managed_device_compliance.rs"
        )
    );
}

#[test]
fn closure_follows_structure_not_navigation() {
    let files = codegen::generate(&v1_config(V1_ROOTS), model_v1()).unwrap();
    let types: Vec<&str> = files
        .keys()
        .filter_map(|p| p.to_str())
        .filter_map(|p| p.strip_prefix("src/models/microsoft_graph/"))
        .collect();
    // Every subtype of the abstract target came along; deviceManagement did not.
    for t in [
        "all_devices_assignment_target.rs",
        "all_licensed_users_assignment_target.rs",
        "configuration_manager_collection_assignment_target.rs",
        "group_assignment_target.rs",
        "exclusion_group_assignment_target.rs",
        "device_management_partner_assignment.rs",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    assert!(!types.contains(&"device_management.rs"), "{types:?}");
    // `entity` is only a base type: flattened in, no file of its own.
    assert!(!types.contains(&"entity.rs"), "{types:?}");
    let g = codegen::generate_full(&v1_config(V1_ROOTS), model_v1()).unwrap();
    assert!(
        g.explain
            .contains("microsoft.graph.entity: base type of microsoft.graph."),
        "{}",
        g.explain
    );
    assert!(g.explain.contains(
        "microsoft.graph.exclusionGroupAssignmentTarget: subtype of microsoft.graph.deviceAndAppManagementAssignmentTarget (used polymorphically)"
    ));
}

#[test]
fn generation_is_deterministic_in_any_root_order() {
    let a = codegen::generate_full(&v1_config(V1_ROOTS), model_v1()).unwrap();
    let b = codegen::generate_full(&v1_config(V1_ROOTS), model_v1()).unwrap();
    let reversed: Vec<&str> = V1_ROOTS.iter().rev().copied().collect();
    let c = codegen::generate_full(&v1_config(&reversed), model_v1()).unwrap();
    assert_eq!(a.files, b.files);
    assert_eq!(a.files, c.files);
    assert_eq!(a.explain, c.explain);
    // Reloading the schema gives the same files too.
    let again = load("schemas/graph-v1.0.xml");
    assert_eq!(
        codegen::generate(&v1_config(V1_ROOTS), &again).unwrap(),
        a.files
    );
}

#[test]
fn committed_crates_match_a_fresh_generation() {
    // The same check as `cargo xtask codegen --check`, for graph-v1 as configured.
    let path = workspace().join("codegen.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let file = codegen::ConfigFile::parse(&text, &path).unwrap();
    let config = file.crates.iter().find(|c| c.name == "graph-v1").unwrap();
    let files = codegen::generate(config, model_v1()).unwrap();
    let dir = workspace().join("generated/graph-v1");
    for (rel, text) in &files {
        let on_disk = std::fs::read_to_string(dir.join(rel)).unwrap_or_default();
        assert!(
            on_disk == *text,
            "generated/graph-v1/{} is stale: run `cargo xtask codegen`",
            rel.display()
        );
    }
}

#[test]
fn every_file_starts_with_the_header() {
    let files = codegen::generate(&v1_config(V1_ROOTS), model_v1()).unwrap();
    for (path, text) in &files {
        let first = text.lines().next().unwrap_or_default();
        let expected =
            "@generated by `cargo xtask codegen` from schemas/graph-v1.0.xml. Do not edit.";
        let ok = if path.extension().is_some_and(|e| e == "rs") {
            first == format!("// {expected}")
        } else if path.ends_with("Cargo.toml") {
            first == format!("# {expected}")
        } else {
            first.starts_with('#')
        };
        assert!(ok, "{}: {first}", path.display());
    }
}

#[test]
fn missing_roots_are_located_errors() {
    let text = "[[crate]]\nname = \"x\"\nout = \"o\"\nschemas = [\"schemas/graph-v1.0.xml\"]\nroots = [\n  \"microsoft.graph.user\",\n  \"microsoft.graph.nope\",\n  \"GraphService/deviceManagement/nope\",\n]\n";
    let cfg = codegen::ConfigFile::parse(text, Path::new("codegen.toml")).unwrap();
    let err = codegen::generate(&cfg.crates[0], model_v1())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "error: root `microsoft.graph.nope` does not exist in the schema (no type, entity set or singleton of that name)\n --> codegen.toml:7:3\n\
         error: root `GraphService/deviceManagement/nope`: `microsoft.graph.deviceManagement` has no navigation property `nope`\n --> codegen.toml:8:3"
    );
}

#[test]
fn roots_may_be_sets_singletons_and_paths() {
    let by_path = codegen::generate(
        &v1_config(&["GraphService/deviceManagement/complianceManagementPartners"]),
        model_v1(),
    )
    .unwrap();
    let by_type = codegen::generate(
        &v1_config(&["microsoft.graph.complianceManagementPartner"]),
        model_v1(),
    )
    .unwrap();
    assert_eq!(by_path, by_type);
    let by_alias = codegen::generate(
        &v1_config(&["graph.complianceManagementPartner"]),
        model_v1(),
    )
    .unwrap();
    assert_eq!(by_alias, by_type);
}

const OBSTACLE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="my.ns" Alias="m" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="node">
        <Property Name="queryString" Type="Edm.String" />
        <Property Name="query_string" Type="Edm.String" />
        <Property Name="type" Type="Edm.String" />
        <Property Name="self" Type="Edm.String" />
        <Property Name="next" Type="m.node" />
        <Property Name="children" Type="Collection(m.node)" />
        <Property Name="other" Type="m.other" />
      </ComplexType>
      <ComplexType Name="other">
        <Property Name="back" Type="m.node" />
        <Property Name="leaf" Type="m.Option" />
      </ComplexType>
      <ComplexType Name="Option">
        <Property Name="x" Type="Edm.Int32" />
      </ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

#[test]
fn collisions_are_suffixed_and_reported_and_cycles_boxed() {
    let model = csdl::load_str("obstacle.xml", OBSTACLE).unwrap();
    let mut c = Config::new("o", "o", vec![PathBuf::from("obstacle.xml")]);
    c.all();
    let g = codegen::generate_full(&c, &model).unwrap();
    let node = file(&g.files, "src/models/my_ns/node.rs");
    assert!(node.contains("pub query_string: "), "{node}");
    assert!(node.contains("pub query_string_2: "), "{node}");
    assert!(node.contains("pub r#type: "), "{node}");
    assert!(node.contains("pub self_: "), "{node}");
    assert!(
        node.contains("reader.field(\"query_string\")"),
        "wire names kept"
    );
    // Direct and mutual recursion are boxed; the collection is not; the leaf is not.
    assert!(
        node.contains("pub next: Option<Box<super::Node>>"),
        "{node}"
    );
    assert!(
        node.contains("pub other: Option<Box<super::Other>>"),
        "{node}"
    );
    assert!(
        node.contains("pub children: Option<Vec<super::Node>>"),
        "{node}"
    );
    let other = file(&g.files, "src/models/my_ns/other.rs");
    assert!(
        other.contains("pub back: Option<Box<super::Node>>"),
        "{other}"
    );
    assert!(
        other.contains("pub leaf: Option<super::Option_>"),
        "{other}"
    );
    assert_eq!(g.warnings.len(), 1, "{:?}", g.warnings);
    let w = g.warnings[0].to_string();
    assert!(w.starts_with("warning: property `my.ns.node/query_string`: field name `query_string` is taken, using `query_string_2`"), "{w}");
    assert!(w.contains("--> obstacle.xml:7:"), "{w}");
}

#[test]
fn change_report_between_v1_and_beta_shapes_of_compliance_management_partner() {
    let root = ["microsoft.graph.complianceManagementPartner"];
    let v1 = codegen::generate(&v1_config(&root), model_v1()).unwrap();
    let beta_model = load("schemas/graph-beta-intune.xml");
    let mut c = Config::new(
        "graph-v1",
        "generated/graph-v1",
        vec![PathBuf::from("schemas/graph-beta-intune.xml")],
    );
    c.root(root[0]);
    let beta = codegen::generate(&c, &beta_model).unwrap();
    let (old, new) = (file(&v1, "API.txt"), file(&beta, "API.txt"));
    let changes = codegen::manifest::changes(old, new);
    let text: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {}", if c.breaking { "B" } else { "-" }, c.text))
        .collect();
    assert!(
        text.iter().any(|t| t.starts_with("- added (new property): `field microsoft_graph::ComplianceManagementPartner.windows_onboarded: bool (not-null)")),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|t| t.starts_with(
            "- added (new property): `field microsoft_graph::ComplianceManagementPartner.windows_enrollment_assignments: Vec<microsoft_graph::ComplianceManagementPartnerAssignment> (collection)"
        )),
        "{text:#?}"
    );
    // Going back from beta to v1.0 removes them: breaking.
    let back = codegen::manifest::changes(new, old);
    assert!(
        back.iter().any(|c| c.breaking
            && c.text.contains(
                "removed: `field microsoft_graph::ComplianceManagementPartner.windows_onboarded"
            )),
        "{back:#?}"
    );
    let md = codegen::manifest::changes_md("graph-v1", new, old).unwrap();
    assert!(md.contains("breaking"), "{md}");
    assert_eq!(codegen::manifest::changes_md("graph-v1", old, old), None);
}
