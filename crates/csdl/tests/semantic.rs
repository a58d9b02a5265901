//! What the resolved model says about real documents (Graph, TripPin) and small
//! constructed ones: names, inheritance, keys, enums, aliases, overloads, annotations.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use csdl::model::*;

fn graph() -> &'static Model {
    static G: OnceLock<Model> = OnceLock::new();
    G.get_or_init(|| {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/graph-v1.0.xml");
        csdl::load(&p).unwrap()
    })
}

fn trippin() -> Model {
    csdl::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpora/trippin.xml"),
    )
    .unwrap()
}

fn id(m: &Model, q: &str) -> TypeId {
    m.find_type(q).unwrap_or_else(|| panic!("no type {q}"))
}

fn named(m: &Model, t: &TypeRef) -> String {
    let inner = match t.target {
        Target::Primitive(p) => format!("Edm.{p:?}"),
        Target::Named(id) => m.ty(id).qualified_name(),
    };
    if t.collection {
        format!("Collection({inner})")
    } else {
        inner
    }
}

#[test]
fn compliance_management_partner() {
    let m = graph();
    let t = id(m, "microsoft.graph.complianceManagementPartner");
    let ty = m.ty(t);
    assert_eq!(
        ty.description.as_deref(),
        Some("Compliance management partner for all platforms")
    );
    let TypeKind::Entity(s) = &ty.kind else {
        panic!("not an entity type")
    };
    assert_eq!(s.base, Some(id(m, "microsoft.graph.entity")));
    assert_eq!(s.key.len(), 1);
    assert_eq!(s.key[0].path, "id");
    assert_eq!(
        s.key[0].ty,
        TypeRef {
            collection: false,
            target: Target::Primitive(Primitive::String)
        }
    );
    let props: Vec<(String, String, bool)> = s
        .properties
        .iter()
        .map(|p| (p.name.clone(), named(m, &p.ty), p.nullable))
        .collect();
    let want = [
        (
            "androidEnrollmentAssignments",
            "Collection(microsoft.graph.complianceManagementPartnerAssignment)",
            true,
        ),
        ("androidOnboarded", "Edm.Boolean", false),
        ("displayName", "Edm.String", true),
        (
            "iosEnrollmentAssignments",
            "Collection(microsoft.graph.complianceManagementPartnerAssignment)",
            true,
        ),
        ("iosOnboarded", "Edm.Boolean", false),
        ("lastHeartbeatDateTime", "Edm.DateTimeOffset", false),
        (
            "macOsEnrollmentAssignments",
            "Collection(microsoft.graph.complianceManagementPartnerAssignment)",
            true,
        ),
        ("macOsOnboarded", "Edm.Boolean", false),
        (
            "partnerState",
            "microsoft.graph.deviceManagementPartnerTenantState",
            false,
        ),
    ];
    let want: Vec<(String, String, bool)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
        .collect();
    assert_eq!(props, want);
    assert_eq!(
        s.properties[2].description.as_deref(),
        Some("Partner display name")
    );
    // Inherited first: `id` from `entity`.
    let all: Vec<&str> = m
        .all_properties(t)
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(all[0], "id");
    assert_eq!(all.len(), 10);
    // Navigation to it is described on the container type (`deviceManagement`).
    let dm = id(m, "microsoft.graph.deviceManagement");
    let nav = m
        .ty(dm)
        .structured()
        .unwrap()
        .navigation
        .iter()
        .find(|n| n.name == "complianceManagementPartners")
        .unwrap();
    assert!(nav.contains_target);
    assert_eq!(
        named(m, &nav.ty),
        "Collection(microsoft.graph.complianceManagementPartner)"
    );
    assert_eq!(
        nav.description.as_deref(),
        Some("The list of Compliance Management Partners configured by the tenant.")
    );
}

#[test]
fn abstract_assignment_target_and_its_derived_types() {
    let m = graph();
    let t = id(m, "microsoft.graph.deviceAndAppManagementAssignmentTarget");
    let TypeKind::Complex(s) = &m.ty(t).kind else {
        panic!()
    };
    assert!(s.is_abstract);
    let direct: Vec<String> = s.derived.iter().map(|d| m.ty(*d).name.clone()).collect();
    assert_eq!(
        direct,
        [
            "allDevicesAssignmentTarget",
            "allLicensedUsersAssignmentTarget",
            "configurationManagerCollectionAssignmentTarget",
            "groupAssignmentTarget"
        ]
    );
    let all: Vec<String> = m
        .all_derived(t)
        .iter()
        .map(|d| m.ty(*d).name.clone())
        .collect();
    assert!(
        all.contains(&"exclusionGroupAssignmentTarget".to_string()),
        "{all:?}"
    );
    assert_eq!(all.len(), 5);
    let excl = id(m, "microsoft.graph.exclusionGroupAssignmentTarget");
    assert_eq!(
        m.bases(excl).collect::<Vec<_>>(),
        [id(m, "microsoft.graph.groupAssignmentTarget"), t]
    );
}

#[test]
fn partner_tenant_state_enum() {
    let m = graph();
    let TypeKind::Enum(e) = &m.ty(id(m, "graph.deviceManagementPartnerTenantState")).kind else {
        panic!()
    };
    assert_eq!(e.underlying, Primitive::Int32);
    assert!(!e.is_flags);
    let members: Vec<(&str, i64)> = e
        .members
        .iter()
        .map(|x| (x.name.as_str(), x.value))
        .collect();
    assert_eq!(
        members,
        [
            ("unknown", 0),
            ("unavailable", 1),
            ("enabled", 2),
            ("terminated", 3),
            ("rejected", 4),
            ("unresponsive", 5)
        ]
    );
}

#[test]
fn aliases_resolve_to_namespaces() {
    let m = graph();
    assert_eq!(
        m.find_type("graph.user"),
        m.find_type("microsoft.graph.user")
    );
    assert!(m.find_type("microsoft.graph.user").is_some());
    // `self` is the alias of microsoft.graph.security.
    assert_eq!(
        m.find_type("self.alert"),
        m.find_type("microsoft.graph.security.alert")
    );
    assert!(
        m.type_index
            .keys()
            .all(|k| !k.starts_with("graph.") && !k.starts_with("self."))
    );
    // Annotation targets are canonical, never alias-qualified.
    assert!(
        m.annotations
            .keys()
            .all(|k| !k.starts_with("graph.") && !k.starts_with("self."))
    );
    assert!(
        m.annotations
            .values()
            .flatten()
            .all(|a| !a.term.starts_with("Core."))
    );
}

#[test]
fn overloads_of_delta() {
    let m = graph();
    let ids = &m.operation_index["microsoft.graph.delta"];
    let functions = ids
        .iter()
        .filter(|i| m.operation(**i).kind == OperationKind::Function)
        .count();
    let actions = ids
        .iter()
        .filter(|i| m.operation(**i).kind == OperationKind::Action)
        .count();
    assert_eq!(functions, 32);
    assert!(actions >= 1);
    let bindings: std::collections::HashSet<String> = ids
        .iter()
        .filter(|i| m.operation(**i).kind == OperationKind::Function)
        .map(|i| named(m, m.operation(*i).binding.as_ref().unwrap()))
        .collect();
    // Two binding types (`driveItem`, `Collection(listItem)`) have a second overload with a `token` parameter.
    assert_eq!(bindings.len(), 30);
    let user_delta = ids
        .iter()
        .map(|i| m.operation(*i))
        .find(|o| {
            o.kind == OperationKind::Function
                && o.parameter_types == ["Collection(microsoft.graph.user)"]
        })
        .unwrap();
    assert_eq!(
        user_delta.annotation_target,
        "microsoft.graph.delta(Collection(microsoft.graph.user))"
    );
    assert!(!user_delta.composable);
    assert_eq!(
        named(m, &user_delta.return_type.as_ref().unwrap().ty),
        "Collection(microsoft.graph.user)"
    );
}

#[test]
fn graph_capabilities_and_descriptions() {
    let m = graph();
    let c = m.capabilities("microsoft.graph.GraphService/applicationTemplates");
    assert_eq!(c.insertable, Some(false));
    assert_eq!(c.updatable, Some(false));
    assert_eq!(c.deletable, Some(false));
    assert_eq!(c.readable, None);
    assert_eq!(
        m.capabilities("microsoft.graph.GraphService/places")
            .readable,
        Some(false)
    );
    assert_eq!(
        m.capabilities("microsoft.graph.GraphService/users"),
        Capabilities::default()
    );
    // Nav-path targets, external and inline.
    assert_eq!(
        m.capabilities("microsoft.graph.driveItem/children")
            .insertable,
        Some(true)
    );
    assert_eq!(
        m.capabilities("microsoft.graph.security.alert/comments")
            .insertable,
        Some(true)
    );
    let cal = m.capabilities("microsoft.graph.calendar/calendarView");
    assert_eq!(
        (cal.readable, cal.readable_by_key),
        (Some(true), Some(false))
    );
    // Operation annotations written with all parameter types (spaces removed).
    let op = m.operation_index["microsoft.graph.assignUserToDevice"][0];
    assert!(
        m.operation_annotations(op)
            .iter()
            .any(|a| a.term == "Org.OData.Core.V1.Description")
    );
    // Optional parameters come from Core.OptionalParameter.
    let optional = m
        .operations
        .iter()
        .flat_map(|o| &o.parameters)
        .filter(|p| p.optional)
        .count();
    assert!(optional > 100, "{optional}");
    // Computed/permissions made it onto properties.
    let computed = m
        .types
        .iter()
        .filter_map(|t| t.structured())
        .flat_map(|s| &s.properties)
        .filter(|p| p.computed)
        .count();
    assert!(computed > 100, "{computed}");
}

#[test]
fn trippin_semantics() {
    let m = trippin();
    let ns = "Microsoft.OData.SampleService.Models.TripPin";
    let person = id(&m, &format!("{ns}.Person"));
    let s = m.ty(person).structured().unwrap();
    assert!(s.open);
    assert_eq!(s.key[0].path, "UserName");
    let photo = m.ty(id(&m, &format!("{ns}.Photo"))).structured().unwrap();
    assert!(photo.has_stream);
    assert_eq!(photo.key[0].ty.target, Target::Primitive(Primitive::Int64));
    // Core.Permissions / Computed / Immutable / OptimisticConcurrency
    let props = &m
        .ty(id(&m, &format!("{ns}.Airline")))
        .structured()
        .unwrap()
        .properties;
    let _ = props;
    let all_props: Vec<&Property> = m
        .types
        .iter()
        .filter_map(|t| t.structured())
        .flat_map(|s| &s.properties)
        .collect();
    assert!(all_props.iter().any(|p| p.permissions
        == Some(Permissions {
            read: true,
            write: false,
            invoke: false
        })));
    assert!(all_props.iter().any(|p| p.immutable));
    assert!(all_props.iter().any(|p| p.computed));
    assert!(
        m.types
            .iter()
            .filter_map(|t| t.structured())
            .any(|s| !s.optimistic_concurrency.is_empty())
    );
    // Abbreviated binding paths are kept, unresolved.
    let c = &m.containers[0];
    let people = c.entity_sets.iter().find(|s| s.name == "People").unwrap();
    let flight_to = people
        .navigation_bindings
        .iter()
        .find(|b| b.path.ends_with("Flight/To"))
        .unwrap();
    assert!(!flight_to.resolved);
    assert!(
        people
            .navigation_bindings
            .iter()
            .find(|b| b.path == "Friends")
            .unwrap()
            .resolved
    );
    // Imports.
    assert_eq!(c.function_imports[0].name, "GetNearestAirport");
    assert!(c.function_imports[0].include_in_service_document);
    assert_eq!(c.action_imports[0].overloads.len(), 1);
    // Inheritance depth 2.
    let flight = id(&m, &format!("{ns}.Flight"));
    assert_eq!(m.bases(flight).count(), 2);
    assert_eq!(
        m.ty(flight).structured().unwrap().key,
        m.ty(id(&m, &format!("{ns}.PlanItem")))
            .structured()
            .unwrap()
            .key
    );
    // Container annotation target.
    assert!(
        !m.annotations_of(&format!("{ns}.DefaultContainer"))
            .is_empty()
    );
}

fn edmx(body: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<edmx:Edmx Version="4.01" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://example.com/Org.OData.Core.V1.xml"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>
  <edmx:Reference Uri="https://example.com/Org.OData.Capabilities.V1.xml"><edmx:Include Namespace="Org.OData.Capabilities.V1" Alias="Cap"/></edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="org.example" Alias="ex" xmlns="http://docs.oasis-open.org/odata/ns/edm">
{body}
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#
    )
}

#[test]
fn alias_forms_are_canonicalised_everywhere() {
    let text = edmx(
        r#"
      <EntityType Name="E"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
      <EnumType Name="Color"><Member Name="red"/><Member Name="green"/><Member Name="blue" Value="7"/></EnumType>
      <Action Name="act" IsBound="true"><Parameter Name="e" Type="ex.E"/><Parameter Name="n" Type="Edm.Int32"/></Action>
      <Function Name="fn"><Parameter Name="a" Type="Collection(ex.E)"/><Parameter Name="b" Type="ex.Color"/><ReturnType Type="Edm.String"/></Function>
      <EntityContainer Name="Svc"><EntitySet Name="es" EntityType="ex.E"/></EntityContainer>
      <Annotations Target="ex.E/id"><Annotation Term="Core.Computed"/></Annotations>
      <Annotations Target="ex.act(ex.E)"><Annotation Term="Core.Description" String="act on E"/></Annotations>
      <Annotations Target="ex.fn(Collection(ex.E), ex.Color)/b"><Annotation Term="Core.Description" String="param b"/></Annotations>
      <Annotations Target="ex.Svc/es"><Annotation Term="Cap.InsertRestrictions"><Record><PropertyValue Property="Insertable" Bool="false"/></Record></Annotation></Annotations>
      <Annotations Target="ex.E">
        <Annotation Term="Core.Description" String="an E"><Annotation Term="Core.Description" String="meta"/></Annotation>
        <Annotation Term="Core.Example"><EnumMember>ex.Color/red ex.Color/blue</EnumMember></Annotation>
      </Annotations>
"#,
    );
    let m = csdl::load_str("alias.xml", &text).unwrap();
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    let e = id(&m, "org.example.E");
    assert!(m.ty(e).structured().unwrap().properties[0].computed);
    assert_eq!(m.ty(e).description.as_deref(), Some("an E"));
    assert_eq!(
        m.annotations_of("org.example.E/@Org.OData.Core.V1.Description")
            .len(),
        1
    );
    let ex = &m.annotations_of("org.example.E")[1];
    assert_eq!(
        ex.value,
        Expr::EnumMember(vec![
            "org.example.Color/red".into(),
            "org.example.Color/blue".into()
        ])
    );
    assert_eq!(m.capabilities("org.example.Svc/es").insertable, Some(false));
    let act = m.operation_index["org.example.act"][0];
    assert_eq!(m.operation(act).description.as_deref(), Some("act on E"));
    let f = m.operation(m.operation_index["org.example.fn"][0]);
    assert_eq!(
        f.annotation_target,
        "org.example.fn(Collection(org.example.E),org.example.Color)"
    );
    assert_eq!(f.parameters[1].description.as_deref(), Some("param b"));
    let TypeKind::Enum(c) = &m.ty(id(&m, "ex.Color")).kind else {
        panic!()
    };
    assert_eq!(
        c.members.iter().map(|x| x.value).collect::<Vec<_>>(),
        [0, 1, 7]
    );
}

#[test]
fn expressions() {
    let text = edmx(
        r#"
      <ComplexType Name="C"/>
      <Annotations Target="ex.C">
        <Annotation Term="ex.a" Qualifier="q1" Int="42"/>
        <Annotation Term="ex.b"><Collection><String>x</String><Null/><Bool>true</Bool></Collection></Annotation>
        <Annotation Term="ex.c"><Cast Type="ex.C"><Path>p/q</Path></Cast></Annotation>
        <Annotation Term="ex.d"><Apply Function="odata.concat"><String>a</String><LabeledElementReference>ex.L</LabeledElementReference></Apply></Annotation>
        <Annotation Term="ex.e" Decimal="1.50"/>
        <Annotation Term="ex.f"><Record Type="ex.C"><PropertyValue Property="x" PropertyPath="a/b"/><PropertyValue Property="y"><UrlRef String="http://x"/></PropertyValue></Record></Annotation>
      </Annotations>
"#,
    );
    let m = csdl::load_str("expr.xml", &text).unwrap();
    let a = m.annotations_of("org.example.C");
    assert_eq!(a.len(), 6);
    assert_eq!(
        (a[0].qualifier.as_deref(), &a[0].value),
        (Some("q1"), &Expr::Int(42))
    );
    assert_eq!(
        a[1].value,
        Expr::Collection(vec![Expr::String("x".into()), Expr::Null, Expr::Bool(true)])
    );
    assert_eq!(
        a[2].value,
        Expr::Dynamic {
            kind: "Cast".into(),
            children: vec![
                Expr::String("org.example.C".into()),
                Expr::Path {
                    kind: "Path",
                    path: "p/q".into()
                }
            ]
        }
    );
    assert_eq!(
        a[3].value,
        Expr::Dynamic {
            kind: "Apply".into(),
            children: vec![
                Expr::String("odata.concat".into()),
                Expr::String("a".into()),
                Expr::Dynamic {
                    kind: "LabeledElementReference".into(),
                    children: vec![Expr::String("org.example.L".into())]
                }
            ]
        }
    );
    assert_eq!(
        a[4].value,
        Expr::Literal {
            kind: "Decimal",
            text: "1.50".into()
        }
    );
    let Expr::Record { ty, properties } = &a[5].value else {
        panic!()
    };
    assert_eq!(ty.as_deref(), Some("org.example.C"));
    assert_eq!(
        properties[0],
        (
            "x".into(),
            Expr::Path {
                kind: "PropertyPath",
                path: "a/b".into()
            }
        )
    );
}

#[test]
fn containers_extends_merge() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/valid/containers_extends_and_imports.xml"),
    )
    .unwrap();
    let m = csdl::load_str("c.xml", &text).unwrap();
    let svc = m.containers.iter().find(|c| c.name == "Service").unwrap();
    assert_eq!(svc.entity_sets.len(), 1, "inherited from Base");
    assert_eq!(svc.entity_sets[0].navigation_bindings.len(), 1);
    assert!(svc.entity_sets[0].navigation_bindings[0].resolved);
    assert!(svc.singletons[0].navigation_bindings[0].resolved);
    assert_eq!(
        svc.function_imports[0].overloads.len(),
        2,
        "both unbound overloads of top"
    );
}

#[test]
fn several_cycles_and_keyless_bases() {
    let text = edmx(
        r#"
      <EntityType Name="Root" Abstract="true"/>
      <EntityType Name="Mid" BaseType="ex.Root" Abstract="true"><Key><PropertyRef Name="k"/></Key><Property Name="k" Type="Edm.Int64" Nullable="false"/></EntityType>
      <EntityType Name="Leaf" BaseType="ex.Mid"/>
"#,
    );
    let m = csdl::load_str("k.xml", &text).unwrap();
    assert!(m.ty(id(&m, "ex.Root")).structured().unwrap().key.is_empty());
    assert_eq!(
        m.ty(id(&m, "ex.Leaf")).structured().unwrap().key[0].path,
        "k"
    );
}

#[test]
fn a_partner_that_names_nothing_is_a_warning() {
    let text = edmx(
        r#"
      <EntityType Name="E"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32" Nullable="false"/>
        <NavigationProperty Name="children" Type="Collection(ex.E)" Partner="parent"/>
        <NavigationProperty Name="parent" Type="ex.E" Partner="kids"/>
      </EntityType>
"#,
    );
    let m = csdl::load_str("p.xml", &text).unwrap();
    let w: Vec<String> = m.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        w,
        [
            "warning: partner `kids` of `org.example.E/parent` is not a navigation property of `org.example.E`\n --> p.xml:10:9"
        ]
    );
}
