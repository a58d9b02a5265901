//! The nine OASIS vocabularies are embedded: a document referencing one (at its current
//! or older well-known URI) uses its types without a file, and each embedded vocabulary
//! loads on its own.

use std::path::{Path, PathBuf};

use csdl::model::{Model, Target, TypeKind};

const CURRENT: &str = "https://oasis-tcs.github.io/odata-vocabularies/vocabularies";
const OLDER: &str = "http://docs.oasis-open.org/odata/odata/v4.0/os/vocabularies";

fn service(base: &str) -> String {
    format!(
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="{base}/Org.OData.Capabilities.V1.xml">
    <edmx:Include Namespace="Org.OData.Capabilities.V1" Alias="Capabilities"/>
  </edmx:Reference>
  <edmx:Reference Uri="{base}/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/>
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="svc" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="MyRestriction" BaseType="Capabilities.NavigationPropertyRestriction">
        <Property Name="Note" Type="Edm.String"/>
      </ComplexType>
      <ComplexType Name="Holder">
        <Property Name="Tag" Type="Core.Tag"/>
        <Property Name="Level" Type="Org.OData.Capabilities.V1.IsolationLevel"/>
      </ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#
    )
}

/// Loads `text` as `main.xml`; every other read is recorded and fails.
fn load(text: &str) -> (Model, Vec<PathBuf>) {
    let reads = std::cell::RefCell::new(Vec::new());
    let m = csdl::load_with(Path::new("main.xml"), &|p: &Path| {
        reads.borrow_mut().push(p.to_path_buf());
        (p == Path::new("main.xml")).then(|| text.to_string())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    (m, reads.into_inner())
}

#[test]
fn vocabulary_types_resolve_from_current_and_older_uris_without_a_file() {
    for base in [CURRENT, OLDER] {
        let (m, reads) = load(&service(base));
        assert_eq!(reads, [PathBuf::from("main.xml")], "{base}");
        assert!(m.warnings.is_empty(), "{base}: {:?}", m.warnings);
        let mine = m.find_type("svc.MyRestriction").unwrap();
        let base_ty = m.ty(mine).structured().unwrap().base.unwrap();
        assert_eq!(
            m.ty(base_ty).qualified_name(),
            "Org.OData.Capabilities.V1.NavigationPropertyRestriction"
        );
        assert!(m.is_builtin(base_ty) && !m.is_builtin(mine));
        // Inherited properties of the vocabulary type are there, with their types.
        let inherited: Vec<&str> = m
            .all_properties(mine)
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert!(inherited.contains(&"NavigationProperty"), "{inherited:?}");
        assert_eq!(inherited.last(), Some(&"Note"));
        let holder = m
            .ty(m.find_type("svc.Holder").unwrap())
            .structured()
            .unwrap();
        let Target::Named(tag) = holder.properties[0].ty.target else {
            panic!("Core.Tag is a named type")
        };
        assert!(matches!(m.ty(tag).kind, TypeKind::Definition(_)));
        let Target::Named(level) = holder.properties[1].ty.target else {
            panic!("IsolationLevel is a named type")
        };
        assert!(matches!(m.ty(level).kind, TypeKind::Enum(_)));
        // Their terms are not the document's terms; their schemas are marked.
        assert!(m.terms.is_empty());
        assert!(
            m.schemas
                .iter()
                .filter(|s| s.namespace.starts_with("Org.OData."))
                .all(|s| s.builtin)
        );
        assert!(
            !m.schemas
                .iter()
                .find(|s| s.namespace == "svc")
                .unwrap()
                .builtin
        );
    }
}

#[test]
fn only_the_vocabularies_referenced_are_read() {
    let (m, _) = load(&service(CURRENT));
    let mut ns: Vec<&str> = m.schemas.iter().map(|s| s.namespace.as_str()).collect();
    ns.sort();
    // Capabilities references Authorization, Core and Validation; Core references Validation.
    assert_eq!(
        ns,
        [
            "Org.OData.Authorization.V1",
            "Org.OData.Capabilities.V1",
            "Org.OData.Core.V1",
            "Org.OData.Validation.V1",
            "svc"
        ]
    );
    let graph =
        csdl::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/graph-v1.0.xml"))
            .unwrap();
    assert!(
        graph.schemas.iter().all(|s| !s.builtin),
        "Graph references no vocabulary document"
    );
}

#[test]
fn a_document_declaring_a_standard_namespace_itself_wins() {
    // The Core file given by the user is read; Validation (which it references) comes
    // from the embedded copy, and Validation's reference back to Core is satisfied by
    // the user's file.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vocabularies");
    let m = csdl::load(&dir.join("Org.OData.Core.V1.xml")).unwrap();
    let core = m
        .schemas
        .iter()
        .find(|s| s.namespace == "Org.OData.Core.V1")
        .unwrap();
    assert!(!core.builtin);
    let validation = m
        .schemas
        .iter()
        .find(|s| s.namespace == "Org.OData.Validation.V1")
        .unwrap();
    assert!(validation.builtin);
    assert_eq!(m.sources.files.len(), 2);
    assert!(!m.terms.is_empty(), "Core's own terms are the document's");
}

/// Each embedded vocabulary, given as a file, loads without errors (Aggregation
/// derives from a Capabilities type, which only the embedded Capabilities provides).
#[test]
fn every_embedded_vocabulary_loads_on_its_own() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vocabularies");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "xml") {
            csdl::load(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            n += 1;
        }
    }
    assert_eq!(n, csdl::STANDARD_VOCABULARIES.len());
}
