//! Reading and resolving Microsoft Graph v1.0 (3.4 MB, 1,182 entity types), and the
//! document layer of the CSDL XML and CSDL JSON readers on the same model.
//!
//! `cargo bench -p csdl --bench read`

use std::path::PathBuf;

fn graph_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/graph-v1.0.xml")
}

fn main() {
    divan::main();
}

/// The whole `csdl::load`: read the file, parse, resolve.
#[divan::bench(sample_count = 30)]
fn load_graph() -> csdl::model::Model {
    csdl::load(&graph_path()).unwrap()
}

/// Only the document layer (quick-xml → `Document`), from text in memory.
#[divan::bench(sample_count = 30)]
fn parse_graph(b: divan::Bencher) {
    let text: std::sync::Arc<str> = std::fs::read_to_string(graph_path()).unwrap().into();
    b.bench(|| csdl::document::parse(0, text.clone()).unwrap());
}

/// A bare quick-xml event scan, the floor for any reader.
#[divan::bench(sample_count = 30)]
fn quick_xml_scan(b: divan::Bencher) {
    let text = std::fs::read_to_string(graph_path()).unwrap();
    b.bench(|| {
        let mut r = quick_xml::Reader::from_str(&text);
        let mut n = 0usize;
        loop {
            match r.read_event().unwrap() {
                quick_xml::events::Event::Eof => break,
                _ => n += 1,
            }
        }
        n
    });
}

fn vocabulary(ext: &str) -> std::sync::Arc<str> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("vocabularies/Org.OData.Capabilities.V1.{ext}"));
    std::fs::read_to_string(p).unwrap().into()
}

/// The document layer for the same model in both notations: the Capabilities
/// vocabulary (80 KB of XML, 75 KB of JSON).
#[divan::bench(sample_count = 100)]
fn parse_capabilities_xml(b: divan::Bencher) {
    let text = vocabulary("xml");
    b.bench(|| csdl::document::parse(0, text.clone()).unwrap());
}

/// See [`parse_capabilities_xml`].
#[divan::bench(sample_count = 100)]
fn parse_capabilities_json(b: divan::Bencher) {
    let text = vocabulary("json");
    b.bench(|| csdl::json::parse(0, text.clone()).unwrap());
}

/// The cost of the embedded vocabularies: a small document referencing Capabilities
/// (which references Authorization, Core and Validation), all four parsed and resolved.
#[divan::bench(sample_count = 30)]
fn load_capabilities_user() -> csdl::model::Model {
    const TEXT: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml">
    <edmx:Include Namespace="Org.OData.Capabilities.V1" Alias="Capabilities"/>
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="svc" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="R" BaseType="Capabilities.NavigationPropertyRestriction"/>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;
    csdl::load_str("svc.xml", TEXT).unwrap()
}
