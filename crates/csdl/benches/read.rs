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
