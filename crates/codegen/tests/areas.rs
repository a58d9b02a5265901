//! Area features (`area_features = true`): which types each entity set or singleton
//! needs, and how the generated crate gates what names other types. That every feature
//! alone compiles warning-free is `cargo xtask check-areas` (run by CI on the obstacle
//! course and on the whole of Graph v1.0).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use codegen::Config;
use csdl::model::{Model, Target, TypeId};

fn load(schema: &str) -> Model {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    csdl::load_with(Path::new(schema), &move |p: &Path| {
        std::fs::read_to_string(root.join(p)).ok()
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

fn all(schema: &str) -> Config {
    let mut c = Config::new("x", "x", vec![PathBuf::from(schema)]);
    c.all();
    c
}

#[test]
fn an_area_needs_its_structure_and_containment_and_the_rest_is_gated() {
    let model = load("schemas/graph-v1.0.xml");
    let closure = codegen::closure::closure(&all("schemas/graph-v1.0.xml"), &model).unwrap();
    let areas = codegen::closure::areas(&model, &closure.types);
    let of = |t: TypeId| &areas.of[&t];
    let id = |q: &str| model.find_type(q).unwrap();
    // Whatever needs a type needs its base, its structural property types and the
    // targets of its containment navigation: the emitters rely on it to leave those
    // references ungated.
    for t in &closure.types {
        let Some(s) = model.ty(*t).structured() else {
            continue;
        };
        let mut needed: Vec<TypeId> = s.base.into_iter().collect();
        needed.extend(s.properties.iter().filter_map(|p| match p.ty.target {
            Target::Named(x) => Some(x),
            Target::Primitive(_) => None,
        }));
        needed.extend(
            s.navigation
                .iter()
                .filter(|n| n.contains_target)
                .filter_map(|n| match n.ty.target {
                    Target::Named(x) => Some(x),
                    Target::Primitive(_) => None,
                }),
        );
        for n in needed {
            assert!(
                of(*t).is_subset(of(n)),
                "{} is needed wherever {} is",
                model.ty(n).qualified_name(),
                model.ty(*t).qualified_name()
            );
        }
    }
    let users = areas
        .list
        .iter()
        .position(|a| a.feature == "users")
        .unwrap();
    let me = areas.list.iter().position(|a| a.feature == "me").unwrap();
    assert!(areas.list[me].singleton && !areas.list[users].singleton);
    // `users/{id}/messages` is contained: the area has messages and their subtypes.
    for q in [
        "microsoft.graph.user",
        "microsoft.graph.message",
        "microsoft.graph.eventMessage",
    ] {
        assert!(of(id(q)).contains(&users), "{q}");
    }
    // An area is a fraction of the schema: that is the point.
    let in_users = areas.of.values().filter(|a| a.contains(&users)).count();
    assert!(in_users * 4 < closure.types.len(), "{in_users}");
    // Feature names never shadow the crate's other features.
    let names: BTreeSet<&str> = areas.list.iter().map(|a| a.feature.as_str()).collect();
    assert_eq!(names.len(), areas.list.len());
    for f in codegen::closure::FIXED_FEATURES {
        assert!(!names.contains(f), "{f}");
    }
}

#[test]
fn the_crate_gates_what_names_a_type_another_area_may_leave_out() {
    let mut config = all("schemas/obstacle-course.xml");
    config.area_features(true);
    let model = load("schemas/obstacle-course.xml");
    let files = codegen::generate(&config, &model).unwrap();
    let file = |p: &str| files.get(Path::new(p)).unwrap_or_else(|| panic!("{p}"));
    let manifest = file("Cargo.toml");
    assert!(
        manifest.contains("default = [\"reqwest\", \"full\"]"),
        "{manifest}"
    );
    assert!(
        manifest.contains("full = [\n    \"widgets\",\n"),
        "{manifest}"
    );
    assert!(manifest.contains("# The entity set `widgets`.\nwidgets = []\n"));
    // The set `type` and the singleton `self` keep their names as features.
    assert!(manifest.contains("\ntype = []\n") && manifest.contains("\nself_ = []\n"));
    let build = file("build.rs");
    assert!(
        build.contains("(\"has_obstacle_course__widget\", "),
        "{build}"
    );
    assert!(build.contains("println!(\"cargo::rustc-cfg={cfg}\");"));
    // A type's file is compiled under its cfg; an entity set under its feature.
    let mods = file("src/models/obstacle_course/mod.rs");
    assert!(
        mods.contains("#[cfg(has_obstacle_course__widget)]\nmod widget;"),
        "{mods}"
    );
    let root = file("src/client/mod.rs");
    assert!(
        root.contains("    #[cfg(feature = \"widgets\")]\n    pub fn widgets("),
        "{root}"
    );
    // `Widget.lines` targets order lines, which the `widgets` area does not need: the
    // field, its arms and the navigation method are gated, and a member whose field is
    // left out is kept in `additional`.
    let widget = file("src/models/obstacle_course/widget.rs");
    assert!(
        widget.contains("    #[cfg(has_obstacle_course__order_line)]\n    pub "),
        "{widget}"
    );
    assert!(
        widget.contains("_ => o.keep(&mut v.additional),"),
        "{widget}"
    );
    assert!(widget.contains("_ => {}"), "{widget}");
    let builders = file("src/client/obstacle_course/widget.rs");
    assert!(
        builders.contains("#[cfg(has_obstacle_course__order_line)]"),
        "{builders}"
    );

    // Without the key, nothing of it.
    config.area_features(false);
    let plain = codegen::generate(&config, &model).unwrap();
    assert!(!plain.contains_key(Path::new("build.rs")));
    assert!(plain.values().all(|t| !t.contains("cfg(has_")));
}

/// Entity set and singleton names become Cargo feature names and the build script's
/// `CARGO_FEATURE_*` lookups: names that would shadow the crate's own features, clash
/// once in snake case, are keywords or are not ASCII still give distinct ASCII features
/// (which cargo's upper-casing and the build script's agree on), and every feature the
/// build script names is declared.
#[test]
fn hostile_set_names_give_distinct_ascii_features() {
    let mut sets = String::new();
    for name in [
        "serde", "full", "default", "reqwest", "tokio", "type", "fooBar", "foo_bar", "Straße",
        "strasse", "日本",
    ] {
        sets.push_str(&format!(
            "<EntitySet Name=\"{name}\" EntityType=\"t.ns.thing\"/>"
        ));
    }
    let xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="t.ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="thing"><Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
      <EntityContainer Name="svc">{sets}<Singleton Name="self" Type="t.ns.thing"/></EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#
    );
    let model = csdl::load_with(Path::new("s.xml"), &move |_: &Path| Some(xml.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut config = Config::new("x", "x", vec![PathBuf::from("s.xml")]);
    config.all().area_features(true);
    let files = codegen::generate(&config, &model).unwrap();
    let manifest = &files[Path::new("Cargo.toml")];
    let features: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.strip_suffix(" = []"))
        .filter(|f| *f != "serde")
        .collect();
    assert_eq!(features.len(), 12, "{manifest}");
    let distinct: BTreeSet<&str> = features.iter().copied().collect();
    assert_eq!(distinct.len(), features.len(), "{manifest}");
    for f in &features {
        assert!(
            f.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{f}"
        );
        assert!(!codegen::closure::FIXED_FEATURES.contains(f), "{f}");
    }
    // The manifest is TOML, and each area is a member of `full`.
    let parsed: toml::Table = toml::from_str(manifest).unwrap();
    let full = parsed["features"]["full"].as_array().unwrap();
    assert_eq!(full.len(), features.len());
    // Every feature the build script names is declared.
    let build = &files[Path::new("build.rs")];
    let groups = &build[build.find("const GROUPS").unwrap()..build.find("const TYPES").unwrap()];
    for quoted in groups.split('"').skip(1).step_by(2) {
        assert!(distinct.contains(quoted), "{quoted}");
    }
}
