//! One small snapshot per CSDL construct and per client request shape: a tiny inline
//! schema each, and only the file(s) that show the construct. The committed crates
//! under `generated/` are checked whole by `cargo xtask codegen --check` and by
//! `generate.rs`'s `committed_crates_match_a_fresh_generation`; these snapshots are
//! the second view, where a change to one construct shows up as a small diff.

use std::path::{Path, PathBuf};

use codegen::{Config, Files};

/// Generates the crate `t` from a schema of namespace `T` whose body is `body`, with
/// `roots` (every type when empty).
fn generate(body: &str, roots: &[&str]) -> Files {
    let csdl = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="T" xmlns="http://docs.oasis-open.org/odata/ns/edm">
{body}
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#
    );
    let model = csdl::load_str("t.xml", &csdl).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("t", "generated/t", vec![PathBuf::from("t.xml")]);
    if roots.is_empty() {
        c.all();
    }
    for r in roots {
        c.root(*r);
    }
    let g = codegen::generate_full(&c, &model).unwrap_or_else(|e| panic!("{e}"));
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    g.files
}

fn file<'a>(files: &'a Files, path: &str) -> &'a str {
    files
        .get(Path::new(path))
        .unwrap_or_else(|| panic!("no {path}; files: {:?}", files.keys().collect::<Vec<_>>()))
}

/// Snapshots the model file of type `stem` (snake case) under `name`.
macro_rules! model_snapshot {
    ($name:literal, $files:expr, $stem:literal) => {{
        let path = concat!("src/models/t/", $stem, ".rs");
        insta::assert_snapshot!($name, file(&$files, path), path)
    }};
}

// ---------------------------------------------------------------------------
// Models: one CSDL construct each.

#[test]
fn entity_with_key() {
    let files = generate(
        r#"<EntityType Name="user">
  <Key><PropertyRef Name="id" /></Key>
  <Property Name="id" Type="Edm.String" Nullable="false" />
  <Property Name="displayName" Type="Edm.String">
    <Annotation Term="Core.Description" String="The name shown to people." />
  </Property>
  <Property Name="age" Type="Edm.Int32" Nullable="false" />
</EntityType>"#,
        &[],
    );
    model_snapshot!("model_entity_with_key", files, "user");
}

#[test]
fn compound_key() {
    let files = generate(
        r#"<EntityType Name="orderLine">
  <Key><PropertyRef Name="orderId" /><PropertyRef Name="line" /></Key>
  <Property Name="orderId" Type="Edm.Guid" Nullable="false" />
  <Property Name="line" Type="Edm.Int32" Nullable="false" />
</EntityType>"#,
        &[],
    );
    model_snapshot!("model_compound_key", files, "order_line");
}

#[test]
fn complex_type() {
    let files = generate(
        r#"<ComplexType Name="address">
  <Property Name="street" Type="Edm.String" />
  <Property Name="geo" Type="T.point" />
</ComplexType>
<ComplexType Name="point">
  <Property Name="lat" Type="Edm.Double" Nullable="false" />
  <Property Name="lon" Type="Edm.Double" Nullable="false" />
</ComplexType>"#,
        &[],
    );
    model_snapshot!("model_complex_type", files, "address");
}

#[test]
fn enum_and_flags_enum() {
    let files = generate(
        r#"<EnumType Name="color">
  <Member Name="red" />
  <Member Name="darkGreen" Value="5">
    <Annotation Term="Core.Description" String="Like a forest." />
  </Member>
</EnumType>
<EnumType Name="access" IsFlags="true">
  <Member Name="none" Value="0" />
  <Member Name="read" Value="1" />
  <Member Name="write" Value="2" />
</EnumType>"#,
        &[],
    );
    model_snapshot!("model_enum", files, "color");
    model_snapshot!("model_flags_enum", files, "access");
}

#[test]
fn type_definition() {
    let files = generate(
        r#"<TypeDefinition Name="money" UnderlyingType="Edm.Decimal" Precision="19" Scale="4" />"#,
        &[],
    );
    model_snapshot!("model_type_definition", files, "money");
}

#[test]
fn abstract_base_derived_types_and_polymorphic_slot() {
    let files = generate(
        r#"<ComplexType Name="shape" Abstract="true">
  <Property Name="label" Type="Edm.String" />
</ComplexType>
<ComplexType Name="circle" BaseType="T.shape">
  <Property Name="radius" Type="Edm.Double" Nullable="false" />
</ComplexType>
<ComplexType Name="square" BaseType="T.shape">
  <Property Name="side" Type="Edm.Double" Nullable="false" />
</ComplexType>
<ComplexType Name="drawing">
  <Property Name="main" Type="T.shape" />
</ComplexType>"#,
        &["T.drawing"],
    );
    // The abstract base: no struct, only the `AnyShape` enum over its subtypes.
    model_snapshot!("model_abstract_base_any", files, "shape");
    // A subtype: inherited fields first, `@odata.type` written.
    model_snapshot!("model_derived", files, "circle");
    // The slot holds `AnyShape`.
    model_snapshot!("model_polymorphic_slot", files, "drawing");
}

#[test]
fn open_type() {
    let files = generate(
        r#"<ComplexType Name="bag" OpenType="true">
  <Property Name="kind" Type="Edm.String" />
</ComplexType>"#,
        &[],
    );
    model_snapshot!("model_open_type", files, "bag");
}

#[test]
fn create_and_update_shapes() {
    let files = generate(
        r#"<EntityType Name="doc">
  <Key><PropertyRef Name="id" /></Key>
  <Property Name="id" Type="Edm.String" Nullable="false" />
  <Property Name="title" Type="Edm.String" Nullable="false" />
  <Property Name="note" Type="Edm.String" />
  <Property Name="created" Type="Edm.DateTimeOffset">
    <Annotation Term="Core.Computed" Bool="true" />
  </Property>
  <Property Name="owner" Type="Edm.String">
    <Annotation Term="Core.Permissions" EnumMember="Core.Permission/Read" />
  </Property>
  <Property Name="kind" Type="Edm.String">
    <Annotation Term="Core.Immutable" Bool="true" />
  </Property>
</EntityType>"#,
        &[],
    );
    // Create: no key, computed or read-only members; Update: no immutable one either.
    model_snapshot!("model_create_update", files, "doc");
}

#[test]
fn navigation_properties() {
    let files = generate(
        r#"<EntityType Name="team">
  <Key><PropertyRef Name="id" /></Key>
  <Property Name="id" Type="Edm.String" Nullable="false" />
  <NavigationProperty Name="lead" Type="T.person" />
  <NavigationProperty Name="members" Type="Collection(T.person)" />
</EntityType>
<EntityType Name="person">
  <Key><PropertyRef Name="id" /></Key>
  <Property Name="id" Type="Edm.String" Nullable="false" />
</EntityType>"#,
        &[],
    );
    model_snapshot!("model_navigation", files, "team");
}

/// A navigation property to a type outside the selection has no field; the doc of
/// `additional` names it and its target, where its expanded value is kept.
#[test]
fn navigation_to_a_type_outside_the_selection() {
    let files = generate(
        r#"<EntityType Name="team">
  <Key><PropertyRef Name="id" /></Key>
  <Property Name="id" Type="Edm.String" Nullable="false" />
  <NavigationProperty Name="lead" Type="T.person" />
</EntityType>
<EntityType Name="person">
  <Key><PropertyRef Name="id" /></Key>
  <Property Name="id" Type="Edm.String" Nullable="false" />
</EntityType>"#,
        &["T.team"],
    );
    let team = file(&files, "src/models/t/team.rs");
    assert!(!team.contains("pub lead:"), "{team}");
    assert!(
        team.contains("/// - `lead` (`T.person`)"),
        "the additional doc names the property and its target:\n{team}"
    );
}

#[test]
fn collections_nullable_and_not() {
    let files = generate(
        r#"<ComplexType Name="lists">
  <Property Name="tags" Type="Collection(Edm.String)" Nullable="false" />
  <Property Name="scores" Type="Collection(Edm.Int32)" Nullable="true" />
</ComplexType>"#,
        &[],
    );
    model_snapshot!("model_collections", files, "lists");
}

// ---------------------------------------------------------------------------
// Client: one request shape each (the root client and one builder file).

const SERVICE: &str = r#"<EntityType Name="item">
  <Key><PropertyRef Name="id" /></Key>
  <Property Name="id" Type="Edm.String" Nullable="false" />
  <NavigationProperty Name="parts" Type="Collection(T.part)" ContainsTarget="true" />
</EntityType>
<EntityType Name="part">
  <Key><PropertyRef Name="n" /></Key>
  <Property Name="n" Type="Edm.Int32" Nullable="false" />
</EntityType>
<EntityType Name="settings">
  <Key><PropertyRef Name="id" /></Key>
  <Property Name="id" Type="Edm.String" Nullable="false" />
</EntityType>
<Action Name="archive" IsBound="true">
  <Parameter Name="bp" Type="T.item" />
  <Parameter Name="reason" Type="Edm.String" />
</Action>
<Function Name="price" IsBound="true">
  <Parameter Name="bp" Type="T.item" />
  <Parameter Name="currency" Type="Edm.String" Nullable="false" />
  <Parameter Name="quantity" Type="Edm.Int32" Nullable="false" />
  <ReturnType Type="Edm.Decimal" />
</Function>
<EntityContainer Name="Svc">
  <EntitySet Name="items" EntityType="T.item" />
  <Singleton Name="settings" Type="T.settings" />
</EntityContainer>"#;

fn service() -> Files {
    generate(SERVICE, &[])
}

/// Every client method named `name` (`pub fn` or `pub async fn`), with its docs, under
/// a `// file` line: the request shape, whichever file the client emitter puts it in.
fn client_methods(files: &Files, name: &str) -> String {
    let mut out = Vec::new();
    for (path, text) in files.range(PathBuf::from("src/client")..) {
        if !path.starts_with("src/client") {
            break;
        }
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let code = line.trim_start();
            let indent = &line[..line.len() - code.len()];
            let is_it = [format!("pub fn {name}("), format!("pub async fn {name}(")]
                .iter()
                .any(|start| code.starts_with(start.as_str()));
            if !is_it {
                continue;
            }
            let mut first = i;
            while first > 0 && lines[first - 1].trim_start().starts_with("///") {
                first -= 1;
            }
            let close = format!("{indent}}}");
            let last = (i..lines.len())
                .find(|j| lines[*j] == close)
                .unwrap_or_else(|| panic!("{}: `{name}` does not end", path.display()));
            out.push(format!(
                "// {}\n{}",
                path.display(),
                lines[first..=last].join("\n")
            ));
        }
    }
    assert!(!out.is_empty(), "no client method `{name}`");
    out.join("\n\n")
}

#[test]
fn client_entity_set_with_key() {
    let files = service();
    let shape = [
        client_methods(&files, "items"),
        client_methods(&files, "by_id"),
    ];
    insta::assert_snapshot!(
        "client_entity_set_with_key",
        shape.join("\n\n"),
        "items, by_id"
    );
}

#[test]
fn client_singleton() {
    insta::assert_snapshot!(
        "client_singleton",
        client_methods(&service(), "settings"),
        "settings"
    );
}

#[test]
fn client_bound_action() {
    insta::assert_snapshot!(
        "client_bound_action",
        client_methods(&service(), "archive"),
        "archive"
    );
}

#[test]
fn client_function_with_parameters() {
    insta::assert_snapshot!(
        "client_function_with_parameters",
        client_methods(&service(), "price"),
        "price"
    );
}

#[test]
fn client_containment_navigation() {
    insta::assert_snapshot!(
        "client_containment_navigation",
        client_methods(&service(), "parts"),
        "parts"
    );
}
