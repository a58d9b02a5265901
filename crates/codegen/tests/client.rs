//! The client emitter on a small schema: shells for unselected types on the way to
//! selected ones, key styles by key type, Capabilities gating, overload names, and the
//! root client; plus the Graph seed crate's builder names.

use std::path::{Path, PathBuf};

use codegen::{Config, Files};

const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="T" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="root">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <NavigationProperty Name="items" Type="Collection(T.item)" ContainsTarget="true"/>
        <NavigationProperty Name="other" Type="T.unrelated" ContainsTarget="true"/>
      </EntityType>
      <EntityType Name="unrelated">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <EntityType Name="item">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.Guid" Nullable="false"/>
        <Property Name="name" Type="Edm.String"/>
      </EntityType>
      <EntityType Name="pair">
        <Key><PropertyRef Name="a"/><PropertyRef Name="b"/></Key>
        <Property Name="a" Type="Edm.Int32" Nullable="false"/>
        <Property Name="b" Type="Edm.String" Nullable="false"/>
        <NavigationProperty Name="links" Type="Collection(T.item)"/>
      </EntityType>
      <Action Name="go" IsBound="true">
        <Parameter Name="bp" Type="T.item"/>
        <Parameter Name="n" Type="Edm.Int32"/>
      </Action>
      <Function Name="go" IsBound="true">
        <Parameter Name="bp" Type="T.item"/>
        <ReturnType Type="Edm.String"/>
      </Function>
      <Function Name="go" IsBound="true">
        <Parameter Name="bp" Type="T.item"/>
        <Parameter Name="q" Type="Edm.String"/>
        <ReturnType Type="Collection(T.item)"/>
      </Function>
      <Action Name="uses_unselected" IsBound="true">
        <Parameter Name="bp" Type="T.item"/>
        <Parameter Name="u" Type="T.unrelated"/>
      </Action>
      <EntityContainer Name="Svc">
        <Singleton Name="root" Type="T.root"/>
        <EntitySet Name="items" EntityType="T.item"/>
        <EntitySet Name="pairs" EntityType="T.pair"/>
      </EntityContainer>
      <Annotations Target="T.Svc/pairs">
        <Annotation Term="Org.OData.Capabilities.V1.InsertRestrictions">
          <Record><PropertyValue Property="Insertable" Bool="false"/></Record>
        </Annotation>
        <Annotation Term="Org.OData.Capabilities.V1.DeleteRestrictions">
          <Record><PropertyValue Property="Deletable" Bool="false"/></Record>
        </Annotation>
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

fn generate(key_as_segment: bool) -> Files {
    let model = csdl::load_str("t.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("t", "generated/t", vec![PathBuf::from("t.xml")]);
    c.root("T.item")
        .root("T.pair")
        .key_as_segment(key_as_segment);
    codegen::generate(&c, &model).unwrap()
}

fn file<'a>(files: &'a Files, path: &str) -> &'a str {
    files
        .get(Path::new(path))
        .unwrap_or_else(|| panic!("no {path}; files: {:?}", files.keys().collect::<Vec<_>>()))
}

/// The text without whitespace, so assertions do not depend on line breaks.
fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

#[test]
fn root_client_shells_and_keys() {
    let files = generate(false);
    let root = squash(file(&files, "src/client/mod.rs"));
    assert!(
        root.contains("pubstructSvc{"),
        "root client named after the container"
    );
    for m in ["pubfnroot(&self)", "pubfnitems(&self)", "pubfnpairs(&self)"] {
        assert!(root.contains(m), "{m}");
    }
    // `root` is not selected but contains items: a shell with navigation only.
    let shell = squash(file(&files, "src/client/t/root.rs"));
    assert!(shell.contains("pubfnitems(&self)"));
    assert!(!shell.contains("pubfnother("), "no path to a selected type");
    assert!(
        !shell.contains("pubfnget("),
        "shells have navigation methods only"
    );
    assert!(!files.contains_key(Path::new("src/client/t/unrelated.rs")));
    // Keys: Guid unquoted in parentheses, compound keys named.
    let item = squash(file(&files, "src/client/t/item.rs"));
    assert!(
        item.contains("pubfnby_id(&self,id:&crate::runtime::edm::Guid)"),
        "{item}"
    );
    assert!(item.contains("self.inner.key(id,false)"));
    let pair = squash(file(&files, "src/client/t/pair.rs"));
    assert!(pair.contains("pubfnby_key(&self,a:i32,b:&str)"), "{pair}");
    assert!(pair.contains(r#"compound_key(&[("a",&aas&dyncrate::runtime::UrlLiteral),("b",&bas&dyncrate::runtime::UrlLiteral),"#), "{pair}");
    // Key as segment when configured.
    let seg = squash(file(&generate(true), "src/client/t/item.rs"));
    assert!(seg.contains("self.inner.key(id,true)"));
    let pair = squash(file(&generate(true), "src/client/t/pair.rs"));
    assert!(
        pair.contains(
            "self.inner.compound_key_segments(&[(\"a\",&aas&dyncrate::runtime::UrlLiteral)"
        ),
        "{pair}"
    );
}

/// A vocabulary has types and no entity container: the root client has nothing that
/// needs the runtime's request types, and imports none (an unused import is a warning).
#[test]
fn a_schema_without_a_container_gets_a_bare_root() {
    const VOCABULARY: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="V" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="restriction">
        <Property Name="allowed" Type="Edm.Boolean" Nullable="false"/>
      </ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let model = csdl::load_str("v.xml", VOCABULARY).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("v", "generated/v", vec![PathBuf::from("v.xml")]);
    c.all();
    let files = codegen::generate(&c, &model).unwrap();
    let root = file(&files, "src/client/mod.rs");
    assert!(root.contains("pub struct Service {"), "{root}");
    assert!(!root.contains("support"), "{root}");
    assert!(file(&files, "src/models/v/restriction.rs").contains("pub struct Restriction {"));
}

/// Entity types linked by navigation in a long chain nest too deep for rustc to prove
/// them `Send` under its default recursion limit (E0275, as with Dataverse's metadata):
/// the crate declares a limit sized from the depth of its types; a shallow crate keeps
/// the default. (The obstacle course compiles such a chain in CI.)
#[test]
fn a_long_navigation_chain_raises_the_recursion_limit() {
    let chain = |n: usize| {
        let mut types = String::new();
        for i in 0..n {
            let next = if i + 1 < n {
                format!(
                    r#"<NavigationProperty Name="next" Type="Collection(C.e{})"/>"#,
                    i + 1
                )
            } else {
                String::new()
            };
            types.push_str(&format!(
                r#"<EntityType Name="e{i}"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32" Nullable="false"/>{next}</EntityType>"#
            ));
        }
        let csdl = format!(
            r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="C" xmlns="http://docs.oasis-open.org/odata/ns/edm">{types}<EntityContainer Name="S"><EntitySet Name="es" EntityType="C.e0"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>"#
        );
        let model = csdl::load_str("c.xml", &csdl).unwrap_or_else(|e| panic!("{e}"));
        let mut c = Config::new("c", "generated/c", vec![PathBuf::from("c.xml")]);
        c.all();
        let files = codegen::generate(&c, &model).unwrap();
        file(&files, "src/lib.rs").to_string()
    };
    assert!(!chain(3).contains("recursion_limit"));
    // 40 steps of about five levels each, and room for the request types around them.
    assert!(chain(40).contains("#![recursion_limit = \"512\"]"));
    assert!(chain(100).contains("#![recursion_limit = \"1024\"]"));
}

#[test]
fn capabilities_gate_operations() {
    let files = generate(false);
    let pair = squash(file(&files, "src/client/t/pair.rs"));
    // Insertable=false and Deletable=false on `Svc/pairs`.
    assert!(
        pair.contains("pubstructPairCollectionNoCreateNoDeleteBuilder{"),
        "{pair}"
    );
    assert!(pair.contains("pubstructPairNoDeleteBuilder{"));
    assert!(pair.contains("pubfnlist(&self)"));
    assert!(!pair.contains("pubfncreate("));
    assert!(!pair.contains("pubfndelete("));
    assert!(pair.contains("pubfnupdate("));
    // Unannotated: everything.
    let item = squash(file(&files, "src/client/t/item.rs"));
    for m in [
        "pubfnlist(",
        "pubfncreate(",
        "pubfnget(",
        "pubfnupdate(",
        "pubfndelete(",
    ] {
        assert!(item.contains(m), "{m}");
    }
}

#[test]
fn no_entity_delete_through_non_containment_navigation() {
    let files = generate(false);
    let item = squash(file(&files, "src/client/t/item.rs"));
    let pair = squash(file(&files, "src/client/t/pair.rs"));
    // `pairs(..)/links` is not containment: `DELETE …/links/{id}` would delete the item
    // itself, so its items have no `delete()` but `remove_ref()`; reading and updating stay.
    assert!(
        pair.contains("pubfnlinks(&self)->super::ItemLinkCollectionBuilder"),
        "{pair}"
    );
    let builder = builder_text(&item, "ItemLinkItemBuilder");
    assert!(!builder.contains("pubfndelete("), "{builder}");
    assert!(builder.contains("pubfnget("), "{builder}");
    assert!(builder.contains("pubfnupdate("), "{builder}");
    assert!(
        builder.contains(
            "pubfnremove_ref(&self)->support::RequestFuture<()>{self.inner.remove_ref()}"
        ),
        "{builder}"
    );
    // The collection adds references, by key (the only entity set of `T.item`) or by
    // any entity builder, and lists them.
    let links = builder_text(&item, "ItemLinkCollectionBuilder");
    assert!(links.contains(r#"pubfnadd_ref_by_id(&self,id:&crate::runtime::edm::Guid,)->support::RequestFuture<()>{self.inner.add_ref(&self.inner.at_root("items").key(id,false))}"#), "{links}");
    assert!(
        links.contains(
            "pubfnadd_ref_at(&self,entity:&support::Builder)->support::RequestFuture<()>"
        ),
        "{links}"
    );
    assert!(
        links.contains(
            "pubfnrefs(&self)->support::ListRequest<support::Reference,support::NoField>"
        ),
        "{links}"
    );
    // The entity set and the containment path `root/items` keep delete, and offer no `$ref`.
    let canonical = builder_text(&item, "ItemBuilder");
    assert!(canonical.contains("pubfndelete("), "{canonical}");
    assert!(!canonical.contains("_ref"), "{canonical}");
    let root = squash(file(&files, "src/client/t/root.rs"));
    assert!(
        root.contains("pubfnitems(&self)->super::ItemCollectionBuilder{"),
        "{root}"
    );
}

/// The squashed text of one builder: from its struct to the next builder's.
fn builder_text(file: &str, name: &str) -> String {
    let start = file
        .find(&format!("pubstruct{name}{{"))
        .unwrap_or_else(|| panic!("no {name} in {file}"));
    let rest = &file[start + 1..];
    let end = rest.find("///Requestson").unwrap_or(rest.len());
    rest[..end].to_string()
}

#[test]
fn overloads_get_distinct_deterministic_names() {
    let files = generate(false);
    let item = squash(file(&files, "src/client/t/item.rs"));
    // The action keeps the name; the functions get `_function` / `_with_<params>`.
    assert!(
        item.contains("pubfngo(&self,n:i32)->support::RequestFuture<()>"),
        "{item}"
    );
    assert!(item.contains(r#"body.put("n",&n);"#));
    assert!(item.contains(r#"action_unit(Some("T.go"),&body)"#));
    assert!(
        item.contains("pubfngo_function(&self)->support::RequestFuture<Option<String>>"),
        "{item}"
    );
    assert!(item.contains(r#"function_value("T.go",&args)"#));
    // A function returning entities is a stream across pages.
    assert!(
        item.contains("pubfngo_with_q(&self,q:&str)->crate::runtime::Pager<Item>"),
        "{item}"
    );
    // An operation over a type this crate does not have is left out.
    assert!(!item.contains("uses_unselected"));
    assert_eq!(generate(false), files, "deterministic");
}

#[test]
fn field_enum_and_etag() {
    let files = generate(false);
    let item = squash(file(&files, "src/client/t/item.rs"));
    assert!(item.contains("pubenumItemField{"));
    assert!(item.contains(r#"Self::Name=>"name","#));
    // Typed `$filter` operands, one constant per comparable property.
    assert!(item.contains("usecrate::runtime::filter;"), "{item}");
    assert!(
        item.contains(r#"pubconstNAME:filter::Operand<String>=filter::Operand::property("name");"#),
        "{item}"
    );
    assert!(item.contains(r#"pubconstID:filter::Operand<crate::runtime::edm::Guid>=filter::Operand::property("id",);"#), "{item}");
    assert!(
        item.contains("usecrate::models::t::{Item,ItemCreate,ItemUpdate};")
            && item.contains("implItem{")
    );
    assert!(item.contains("crate::runtime::json::etag(&self.additional)"));
    let lib = file(&files, "src/lib.rs");
    assert!(lib.contains("pub mod client;"));
    assert!(lib.contains("pub use crate::client::Svc;"));
    assert!(
        lib.contains("//! ```no_run"),
        "a usage example in the crate docs"
    );
}

#[test]
fn operations_left_out_are_counted_and_explained() {
    let model = csdl::load_str("t.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("t", "generated/t", vec![PathBuf::from("t.xml")]);
    c.root("T.item").root("T.pair");
    let g = codegen::generate_full(&c, &model).unwrap();
    // `uses_unselected` takes a `T.unrelated`, which the crate does not have.
    assert_eq!(g.stats.left_out, 1, "{}", g.explain);
    assert!(
        g.explain.contains(
            "bound action `T.uses_unselected` on `T.item`: parameter `u`: `T.unrelated` is not in this crate (add it to `roots`)"
        ),
        "{}",
        g.explain
    );
    // go (action), go() and go(q): three operations.
    assert_eq!(g.stats.operations, 3);
    // With the type selected, it is generated and nothing is left out.
    c.root("T.unrelated");
    let g = codegen::generate_full(&c, &model).unwrap();
    assert_eq!(g.stats.left_out, 0, "{}", g.explain);
    let item = squash(file(&g.files, "src/client/t/item.rs"));
    assert!(
        item.contains("pubfnuses_unselected(&self,u:&Unrelated)"),
        "{item}"
    );
}

#[test]
fn api_txt_lists_the_client_surface() {
    let files = generate(false);
    let api = file(&files, "API.txt");
    for line in [
        "client Svc = container T.Svc",
        "method Svc.pairs: () -> client::t::PairCollectionNoCreateNoDeleteBuilder = /pairs",
        "type client::t::ItemBuilder = builder one T.item",
        "method client::t::ItemCollectionBuilder.by_id: (id: &edm::Guid) -> client::t::ItemBuilder",
        "method client::t::ItemBuilder.go: (n: i32) -> () = action T.go",
        "method client::t::ItemBuilder.go_function: () -> Option<String> = function T.go",
        "method client::t::ItemBuilder.go_with_q: (q: &str) -> Pager<t::Item> = function T.go",
        "method client::t::PairCollectionNoCreateNoDeleteBuilder.by_key: (a: i32, b: &str) -> client::t::PairNoDeleteBuilder",
        "variant client::t::ItemField::Name = name",
    ] {
        assert!(api.lines().any(|l| l == line), "missing {line:?} in\n{api}");
    }
    // A renamed builder is a breaking change in the report.
    let renamed = api.replace(
        "client::t::ItemBuilder.go_with_q",
        "client::t::ItemBuilder.go_q",
    );
    let changes = codegen::manifest::changes(api, &renamed);
    assert!(
        changes.iter().any(|c| c.breaking
            && c.text
                .starts_with("removed: `method client::t::ItemBuilder.go_with_q")),
        "{changes:?}"
    );
}

/// Graph declares `delta` on `directoryObject` collections and again on `user`
/// collections: the service calls the most specific one for the same URL, so a
/// collection of users offers one `delta`, typed for users, and no `delta_2`.
#[test]
fn an_overload_bound_to_a_base_type_is_hidden_by_the_derived_one() {
    const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="G" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="directoryObject">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <EntityType Name="user" BaseType="G.directoryObject">
        <Property Name="displayName" Type="Edm.String"/>
      </EntityType>
      <Function Name="delta" IsBound="true">
        <Parameter Name="bp" Type="Collection(G.directoryObject)"/>
        <ReturnType Type="Collection(G.directoryObject)"/>
      </Function>
      <Function Name="delta" IsBound="true">
        <Parameter Name="bp" Type="Collection(G.user)"/>
        <ReturnType Type="Collection(G.user)"/>
      </Function>
      <Function Name="delta" IsBound="true">
        <Parameter Name="bp" Type="Collection(G.user)"/>
        <Parameter Name="token" Type="Edm.String"/>
        <ReturnType Type="Collection(G.user)"/>
      </Function>
      <EntityContainer Name="Svc">
        <EntitySet Name="users" EntityType="G.user"/>
        <EntitySet Name="directoryObjects" EntityType="G.directoryObject"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let model = csdl::load_str("g.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("g", "generated/g", vec![PathBuf::from("g.xml")]);
    c.all();
    let files = codegen::generate(&c, &model).unwrap();
    let user = squash(file(&files, "src/client/g/user.rs"));
    assert!(
        user.contains("pubfndelta(&self)->crate::runtime::delta::DeltaRequest<User,UserField>"),
        "{user}"
    );
    assert!(
        user.contains(
            "pubfndelta_with_token(&self,token:&str,)->crate::runtime::delta::DeltaRequest<User,UserField>"
        ),
        "{user}"
    );
    assert_eq!(user.matches("fndelta").count(), 2, "{user}");
    let objects = squash(file(&files, "src/client/g/directory_object.rs"));
    assert!(
        objects.contains(
            "pubfndelta(&self,)->crate::runtime::delta::DeltaRequest<DirectoryObject,DirectoryObjectField>"
        ),
        "{objects}"
    );
}

/// The delta rule: a function named `delta`, bound to a collection, returning a
/// collection of the binding type. Anything else of that name stays a pager.
#[test]
fn only_graph_shaped_delta_functions_are_delta_requests() {
    const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="G" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="item">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <EntityType Name="other">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <Function Name="delta" IsBound="true">
        <Parameter Name="bp" Type="G.item"/>
        <ReturnType Type="Collection(G.item)"/>
      </Function>
      <Function Name="delta" IsBound="true">
        <Parameter Name="bp" Type="Collection(G.other)"/>
        <ReturnType Type="Collection(G.item)"/>
      </Function>
      <Function Name="changes" IsBound="true">
        <Parameter Name="bp" Type="Collection(G.item)"/>
        <ReturnType Type="Collection(G.item)"/>
      </Function>
      <Action Name="delta" IsBound="true">
        <Parameter Name="bp" Type="Collection(G.item)"/>
        <ReturnType Type="Collection(G.item)"/>
      </Action>
      <EntityContainer Name="Svc">
        <EntitySet Name="items" EntityType="G.item"/>
        <EntitySet Name="others" EntityType="G.other"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let model = csdl::load_str("g.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("g", "generated/g", vec![PathBuf::from("g.xml")]);
    c.all();
    let files = codegen::generate(&c, &model).unwrap();
    let item = squash(file(&files, "src/client/g/item.rs"));
    let other = squash(file(&files, "src/client/g/other.rs"));
    assert!(!item.contains("DeltaRequest"), "{item}");
    assert!(!other.contains("DeltaRequest"), "{other}");
    assert!(item.contains("crate::runtime::Pager<Item>"), "{item}");
}

#[test]
fn casts_and_counts() {
    const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="G" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="directoryObject">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <EntityType Name="user" BaseType="G.directoryObject">
        <Property Name="displayName" Type="Edm.String"/>
      </EntityType>
      <EntityType Name="group" BaseType="G.directoryObject">
        <NavigationProperty Name="members" Type="Collection(G.directoryObject)"/>
        <NavigationProperty Name="sponsor" Type="G.user"/>
      </EntityType>
      <EntityContainer Name="Svc">
        <EntitySet Name="directoryObjects" EntityType="G.directoryObject"/>
        <EntitySet Name="groups" EntityType="G.group"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let model = csdl::load_str("g.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("g", "generated/g", vec![PathBuf::from("g.xml")]);
    c.all().key_as_segment(true);
    let files = codegen::generate(&c, &model).unwrap();
    let objects = squash(file(&files, "src/client/g/directory_object.rs"));
    // `groups/{id}/members/microsoft.graph.user`: typed as users; references are made on
    // `members` itself, and an item off its canonical path has no delete.
    let members = builder_text(&objects, "DirectoryObjectLinkCollectionBuilder");
    assert!(members.contains(r#"pubfnas_user(&self)->super::UserCollectionNoDeleteBuilder{super::UserCollectionNoDeleteBuilder::from_builder(self.inner.cast("G.user"))}"#), "{members}");
    assert!(
        members.contains("pubfnas_group(&self)->super::GroupCollectionNoDeleteBuilder"),
        "{members}"
    );
    assert!(
        members.contains(
            r#"self.inner.add_ref(&self.inner.at_root("directoryObjects").key(id,true))"#
        ),
        "{members}"
    );
    let one = builder_text(&objects, "DirectoryObjectBuilder");
    assert!(one.contains(r#"pubfnas_user(&self)->super::UserBuilder{super::UserBuilder::from_builder(self.inner.cast("G.user"))}"#), "{one}");
    // `$count` on listable collections.
    let set = builder_text(&objects, "DirectoryObjectCollectionBuilder");
    assert!(
        set.contains("pubfncount(&self)->support::CountRequest{self.inner.count()}"),
        "{set}"
    );
    assert!(!one.contains("pubfncount("), "{one}");
    // No entity set of `G.user`: a reference to a user points into the set of its
    // nearest base type, `directoryObjects`.
    let user_file = squash(file(&files, "src/client/g/user.rs"));
    let sponsor = builder_text(&user_file, "UserLinkBuilder");
    assert!(
        sponsor.contains(
            r#"self.inner.set_ref(&self.inner.at_root("directoryObjects").key(id,true))"#
        ),
        "{sponsor}"
    );
    // The cast builders are typed as the derived type.
    let user = squash(file(&files, "src/client/g/user.rs"));
    let cast = builder_text(&user, "UserCollectionNoDeleteBuilder");
    assert!(
        cast.contains("pubfnlist(&self)->support::ListRequest<User,UserField>"),
        "{cast}"
    );
    assert!(!cast.contains("_ref"), "{cast}");
    assert!(!builder_text(&user, "UserNoDeleteBuilder").contains("pubfndelete("));
}

/// `Any…` enums read a variant without a `match` (`as_x`/`into_x`) and read the
/// properties every variant shares (the declared type's) directly.
#[test]
fn polymorphic_enums_have_variant_and_property_accessors() {
    const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="P" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="shape" Abstract="true">
        <Property Name="displayName" Type="Edm.String"/>
        <Property Name="next" Type="P.holder"/>
      </ComplexType>
      <ComplexType Name="circle" BaseType="P.shape"><Property Name="r" Type="Edm.Double"/></ComplexType>
      <ComplexType Name="square" BaseType="P.shape"/>
      <ComplexType Name="holder"><Property Name="shape" Type="P.shape"/></ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let model = csdl::load_str("p.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("p", "generated/p", vec![PathBuf::from("p.xml")]);
    c.all();
    let files = codegen::generate(&c, &model).unwrap();
    let shape = squash(file(&files, "src/models/p/shape.rs"));
    assert!(shape.contains("pubfnas_circle(&self)->Option<&super::Circle>{matchself{Self::Circle(v)=>Some(v),_=>None,}}"), "{shape}");
    assert!(
        shape.contains("pubfninto_square(self)->Option<super::Square>"),
        "{shape}"
    );
    assert!(shape.contains("pubfndisplay_name(&self)->Option<&String>{matchself{Self::Circle(v)=>v.display_name.as_ref(),Self::Square(v)=>v.display_name.as_ref(),Self::Unknown(_)=>None,}}"), "{shape}");
    // `next` closes a cycle (shape → holder → shape): boxed in the structs, not in the
    // accessor's type.
    assert!(
        shape.contains(
            "pubfnnext(&self)->Option<&super::Holder>{matchself{Self::Circle(v)=>v.next.as_deref(),"
        ),
        "{shape}"
    );
}

/// Graph's `entity` (abstract, only a key, the base of every entity type) stands for any
/// entity: a navigation property of that type offers no casts (they would list every
/// entity type of the service); a type with properties of its own does.
#[test]
fn no_casts_from_a_key_only_abstract_root() {
    const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="E" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <EntityType Name="item" BaseType="E.entity" Abstract="true">
        <Property Name="name" Type="Edm.String"/>
      </EntityType>
      <EntityType Name="file" BaseType="E.item"/>
      <EntityType Name="insight" BaseType="E.entity">
        <NavigationProperty Name="resource" Type="E.entity"/>
        <NavigationProperty Name="items" Type="Collection(E.item)"/>
      </EntityType>
      <EntityContainer Name="Svc">
        <EntitySet Name="insights" EntityType="E.insight"/>
        <EntitySet Name="files" EntityType="E.file"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let model = csdl::load_str("e.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("e", "generated/e", vec![PathBuf::from("e.xml")]);
    c.all();
    let files = codegen::generate(&c, &model).unwrap();
    let entity = squash(file(&files, "src/client/e/entity.rs"));
    assert!(!entity.contains("pubfnas_"), "{entity}");
    let item = squash(file(&files, "src/client/e/item.rs"));
    assert!(item.contains("pubfnas_file(&self)"), "{item}");
}

/// `UpdateRestrictions/UpdateMethod` naming only `PUT` (Graph's `team/schedule`): updates
/// are replacements; `Upsertable`: `upsert`; `Core.AlternateKeys`: `by_<alias>`.
#[test]
fn update_methods_upsert_and_alternate_keys() {
    const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="U" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="app">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="appId" Type="Edm.Guid"/>
        <Property Name="name" Type="Edm.String"/>
        <Annotation Term="Org.OData.Core.V1.AlternateKeys">
          <Collection><Record><PropertyValue Property="Key"><Collection>
            <Record><PropertyValue Property="Alias" String="appId"/><PropertyValue Property="Name" PropertyPath="appId"/></Record>
          </Collection></PropertyValue></Record></Collection>
        </Annotation>
      </EntityType>
      <EntityContainer Name="Svc">
        <EntitySet Name="apps" EntityType="U.app"/>
      </EntityContainer>
      <Annotations Target="U.Svc/apps">
        <Annotation Term="Org.OData.Capabilities.V1.UpdateRestrictions">
          <Record>
            <PropertyValue Property="UpdateMethod"><EnumMember>Org.OData.Capabilities.V1.HttpMethod/PUT</EnumMember></PropertyValue>
            <PropertyValue Property="Upsertable" Bool="true"/>
          </Record>
        </Annotation>
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let model = csdl::load_str("u.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("u", "generated/u", vec![PathBuf::from("u.xml")]);
    c.all();
    let files = codegen::generate(&c, &model).unwrap();
    let app = squash(file(&files, "src/client/u/app.rs"));
    let item = builder_text(&app, "AppNoUpdatePutUpsertBuilder");
    assert!(!item.contains("pubfnupdate("), "{item}");
    assert!(item.contains("pubfnreplace(&self,body:&AppCreate)->support::RequestFuture<Option<App>>{self.inner.replace(body)}"), "{item}");
    assert!(
        item.contains("pubfnupsert(&self,body:&AppCreate)"),
        "{item}"
    );
    let set = builder_text(&app, "AppCollectionNoUpdatePutUpsertBuilder");
    assert!(set.contains(r#"pubfnby_app_id(&self,app_id:&crate::runtime::edm::Guid,)->super::AppNoUpdatePutUpsertBuilder{super::AppNoUpdatePutUpsertBuilder::from_builder(self.inner.compound_key(&[("appId",&app_idas&dyncrate::runtime::UrlLiteral)]),)}"#), "{set}");
    // Without the annotations: PATCH only, no replace or upsert.
    let plain = CSDL.replace("<PropertyValue Property=\"UpdateMethod\"><EnumMember>Org.OData.Capabilities.V1.HttpMethod/PUT</EnumMember></PropertyValue>", "").replace("<PropertyValue Property=\"Upsertable\" Bool=\"true\"/>", "");
    let model = csdl::load_str("u.xml", &plain).unwrap_or_else(|e| panic!("{e}"));
    let app = squash(file(
        &codegen::generate(&c, &model).unwrap(),
        "src/client/u/app.rs",
    ));
    let item = builder_text(&app, "AppBuilder");
    assert!(item.contains("pubfnupdate("), "{item}");
    assert!(
        !item.contains("pubfnreplace(") && !item.contains("pubfnupsert("),
        "{item}"
    );
}

/// `Capabilities.NavigationRestrictions`: on an entity set (TripPin's `People`: nothing
/// navigable but `Friends`, whose inserts are refused), and on a navigation property
/// itself. A property that cannot be followed has no method and is explained.
#[test]
fn navigation_restrictions_of_sets_and_properties() {
    const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="P" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="person">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <NavigationProperty Name="friends" Type="Collection(P.person)"/>
        <NavigationProperty Name="trips" Type="Collection(P.trip)" ContainsTarget="true"/>
        <NavigationProperty Name="photo" Type="P.photo"/>
      </EntityType>
      <EntityType Name="trip">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.Int32" Nullable="false"/>
        <NavigationProperty Name="hidden" Type="P.photo">
          <Annotation Term="Org.OData.Capabilities.V1.NavigationRestrictions">
            <Record><PropertyValue Property="Navigability"><EnumMember>Org.OData.Capabilities.V1.NavigationType/None</EnumMember></PropertyValue></Record>
          </Annotation>
        </NavigationProperty>
        <NavigationProperty Name="shown" Type="P.photo"/>
      </EntityType>
      <EntityType Name="photo">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.Int64" Nullable="false"/>
      </EntityType>
      <EntityContainer Name="Svc">
        <EntitySet Name="people" EntityType="P.person">
          <NavigationPropertyBinding Path="friends" Target="people"/>
          <NavigationPropertyBinding Path="photo" Target="photos"/>
          <Annotation Term="Org.OData.Capabilities.V1.NavigationRestrictions">
            <Record>
              <PropertyValue Property="Navigability"><EnumMember>Org.OData.Capabilities.V1.NavigationType/None</EnumMember></PropertyValue>
              <PropertyValue Property="RestrictedProperties"><Collection>
                <Record>
                  <PropertyValue Property="NavigationProperty" NavigationPropertyPath="friends"/>
                  <PropertyValue Property="Navigability"><EnumMember>Org.OData.Capabilities.V1.NavigationType/Recursive</EnumMember></PropertyValue>
                  <PropertyValue Property="ReadRestrictions"><Record><PropertyValue Property="Readable" Bool="true"/></Record></PropertyValue>
                  <PropertyValue Property="InsertRestrictions"><Record><PropertyValue Property="Insertable" Bool="false"/></Record></PropertyValue>
                </Record>
              </Collection></PropertyValue>
            </Record>
          </Annotation>
        </EntitySet>
        <EntitySet Name="photos" EntityType="P.photo"/>
        <Singleton Name="me" Type="P.person"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let model = csdl::load_str("p.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("p", "generated/p", vec![PathBuf::from("p.xml")]);
    c.all();
    let g = codegen::generate_full(&c, &model).unwrap();
    let person = squash(file(&g.files, "src/client/p/person.rs"));
    // From `people`: only `friends`, named for the set, and no create through it.
    let item = builder_text(&person, "PersonOfPeopleBuilder");
    assert!(item.contains("pubfnfriends(&self)"), "{item}");
    assert!(
        !item.contains("pubfntrips(") && !item.contains("pubfnphoto("),
        "{item}"
    );
    assert!(
        person.contains("followsthe`Capabilities.NavigationRestrictions`of`people`.#[derive(Clone,Debug)]pubstructPersonOfPeopleBuilder"),
        "{person}"
    );
    // `friends` is bound to `people`: the friends are in `people`, under its restrictions.
    assert!(
        item.contains("pubfnfriends(&self)->super::PersonLinkCollectionNoCreateOfPeopleBuilder"),
        "{item}"
    );
    let friend = builder_text(&person, "PersonLinkItemOfPeopleBuilder");
    assert!(
        friend.contains("pubfnfriends(&self)") && !friend.contains("pubfntrips("),
        "{friend}"
    );
    // From the singleton `me`, unrestricted: every navigation property.
    let me = builder_text(&person, "PersonNoDeleteBuilder");
    for nav in ["friends", "trips", "photo"] {
        assert!(me.contains(&format!("pubfn{nav}(&self)")), "{nav}: {me}");
    }
    // A property whose own annotation says it cannot be followed.
    let trip = squash(file(&g.files, "src/client/p/trip.rs"));
    assert!(
        trip.contains("pubfnshown(&self)") && !trip.contains("pubfnhidden(&self)"),
        "{trip}"
    );
    // Explained, not dropped silently.
    let said = |nav: &str, by: &str| {
        g.explain.lines().any(|l| {
            l.contains(&format!("navigation property `{nav}`"))
                && l.contains("NavigationRestrictions")
                && l.contains(by)
        })
    };
    assert!(
        said("trips", "`people`") && said("photo", "`people`"),
        "{}",
        g.explain
    );
    assert!(said("hidden", "`P.trip/hidden`"), "{}", g.explain);
}

/// A derived type that declares a property its base already has (invalid CSDL, as in
/// odata-v4-server's test metadata): one field per wire name, the base's, and a located
/// warning; two fields would write the JSON member twice.
#[test]
fn a_redeclared_base_property_is_one_field() {
    const CSDL: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="D" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="base">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="mongoId" Type="Edm.String"/>
      </EntityType>
      <EntityType Name="meta" BaseType="D.base">
        <Property Name="mongoId" Type="Edm.Int32"/>
        <Property Name="note" Type="Edm.String"/>
      </EntityType>
      <EntityContainer Name="S"><EntitySet Name="metas" EntityType="D.meta"/></EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let model = csdl::load_str("d.xml", CSDL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Config::new("d", "generated/d", vec![PathBuf::from("d.xml")]);
    c.all();
    let g = codegen::generate_full(&c, &model).unwrap();
    let meta = file(&g.files, "src/models/d/meta.rs");
    let read = &meta[..meta.find("pub struct MetaCreate").unwrap()];
    assert_eq!(
        read.matches("pub mongo_id: Option<String>,").count(),
        1,
        "{read}"
    );
    assert!(!meta.contains("mongo_id_2"), "{meta}");
    let warnings: Vec<String> = g.warnings.iter().map(|w| w.to_string()).collect();
    let w = warnings
        .iter()
        .find(|w| w.contains("`D.meta/mongoId`"))
        .unwrap_or_else(|| panic!("{warnings:?}"));
    assert!(w.contains("d.xml:10:9"), "{w}");
}
