//! `edmx:Reference`: local files found beside the schema, missing ones (a warning; a
//! type from one an error),
//! cycles, standard vocabularies (no file needed), errors in referenced files.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use csdl::model::Target;

fn doc(refs: &[(&str, &str, &str)], ns: &str, body: &str) -> String {
    let refs: String = refs
        .iter()
        .map(|(uri, ns, alias)| {
            format!("  <edmx:Reference Uri=\"{uri}\"><edmx:Include Namespace=\"{ns}\" Alias=\"{alias}\"/></edmx:Reference>\n")
        })
        .collect();
    format!(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n{refs}  <edmx:DataServices>\n    <Schema Namespace=\"{ns}\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n{body}\n    </Schema>\n  </edmx:DataServices>\n</edmx:Edmx>\n"
    )
}

struct Fs {
    files: HashMap<PathBuf, String>,
    reads: RefCell<Vec<PathBuf>>,
}

impl Fs {
    fn new(files: &[(&str, String)]) -> Fs {
        Fs {
            files: files
                .iter()
                .map(|(p, t)| (PathBuf::from(p), t.clone()))
                .collect(),
            reads: RefCell::new(Vec::new()),
        }
    }
    fn load(&self, main: &str) -> Result<csdl::model::Model, csdl::diag::Errors> {
        csdl::load_with(Path::new(main), &|p: &Path| {
            self.reads.borrow_mut().push(p.to_path_buf());
            self.files.get(p).cloned()
        })
    }
}

#[test]
fn local_references_are_found_by_relative_uri_then_last_segment() {
    let fs = Fs::new(&[
        (
            "dir/main.xml",
            doc(
                &[
                    ("sub/other.xml", "other", "o"),
                    ("https://example.com/v1/third.xml", "third", "th"),
                ],
                "main",
                r#"<ComplexType Name="M"><Property Name="a" Type="o.Thing"/><Property Name="b" Type="th.Other"/></ComplexType>"#,
            ),
        ),
        (
            "dir/sub/other.xml",
            doc(&[], "other", r#"<ComplexType Name="Thing"/>"#),
        ),
        (
            "dir/third.xml",
            doc(
                &[],
                "third",
                r#"<EnumType Name="Other"><Member Name="x"/></EnumType>"#,
            ),
        ),
    ]);
    let m = fs.load("dir/main.xml").unwrap();
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    assert_eq!(m.sources.files.len(), 3);
    let props = &m
        .ty(m.find_type("main.M").unwrap())
        .structured()
        .unwrap()
        .properties;
    assert_eq!(
        props[0].ty.target,
        Target::Named(m.find_type("other.Thing").unwrap())
    );
    assert_eq!(
        props[1].ty.target,
        Target::Named(m.find_type("third.Other").unwrap())
    );
}

#[test]
fn a_missing_reference_is_a_located_warning_and_a_type_from_it_an_error() {
    let fs = Fs::new(&[(
        "main.xml",
        doc(
            &[("gone.xml", "gone", "g")],
            "main",
            r#"<ComplexType Name="M"><Property Name="a" Type="g.X"/></ComplexType>"#,
        ),
    )]);
    let e = fs.load("main.xml").unwrap_err();
    assert_eq!(e.warnings.len(), 1);
    let w = e.warnings[0].to_string();
    assert!(
        w.starts_with("warning: referenced document `gone.xml` is not read: no file was found (looked for `gone.xml`)"),
        "{w}"
    );
    assert!(w.ends_with("--> main.xml:2:19"), "{w}");
    assert_eq!(e.errors.len(), 1);
    let err = e.errors[0].to_string();
    assert!(
        err.starts_with(
            "error: type `g.X` (at 5:42) is from namespace `gone`, which no document read declares"
        ),
        "{err}"
    );
    assert!(err.ends_with("--> main.xml:2:19"), "{err}");
}

#[test]
fn reference_cycles_terminate_and_read_each_file_once() {
    let fs = Fs::new(&[
        (
            "a.xml",
            doc(
                &[("b.xml", "b", "bb")],
                "a",
                r#"<ComplexType Name="A"><Property Name="b" Type="bb.B"/></ComplexType>"#,
            ),
        ),
        (
            "b.xml",
            doc(
                &[("a.xml", "a", "aa")],
                "b",
                r#"<ComplexType Name="B"><Property Name="a" Type="aa.A"/></ComplexType>"#,
            ),
        ),
    ]);
    let m = fs.load("a.xml").unwrap();
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    assert_eq!(m.sources.files.len(), 2);
    assert_eq!(fs.reads.borrow().len(), 2);
    assert!(m.find_type("a.A").is_some() && m.find_type("b.B").is_some());
}

#[test]
fn standard_vocabularies_need_no_file() {
    let fs = Fs::new(&[(
        "main.xml",
        doc(
            &[(
                "https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml",
                "Org.OData.Core.V1",
                "Core",
            )],
            "main",
            r#"<ComplexType Name="M"><Property Name="t" Type="Core.Tag"><Annotation Term="Core.Description" String="d"/></Property></ComplexType>"#,
        ),
    )]);
    let m = fs.load("main.xml").unwrap();
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    assert_eq!(fs.reads.borrow().as_slice(), [PathBuf::from("main.xml")]);
    let p = &m
        .ty(m.find_type("main.M").unwrap())
        .structured()
        .unwrap()
        .properties[0];
    assert_eq!(p.description.as_deref(), Some("d"));
    assert_eq!(
        m.annotations_of("main.M/t")[0].term,
        "Org.OData.Core.V1.Description"
    );
}

#[test]
fn errors_in_a_referenced_file_name_that_file() {
    let fs = Fs::new(&[
        (
            "main.xml",
            doc(
                &[("lib.xml", "lib", "l")],
                "main",
                r#"<ComplexType Name="M" BaseType="l.Base"/>"#,
            ),
        ),
        (
            "lib.xml",
            doc(
                &[],
                "lib",
                "<ComplexType Name=\"Base\">\n<Property Name=\"x\" Type=\"l.Nope\"/></ComplexType>",
            ),
        ),
    ]);
    let e = fs.load("main.xml").unwrap_err();
    assert_eq!(e.errors.len(), 1);
    assert_eq!(
        e.errors[0].to_string(),
        "error: unknown type `l.Nope`: no namespace or alias `l` is in scope\n --> lib.xml:5:20"
    );
}

#[test]
fn an_unreadable_main_file_is_an_error() {
    let fs = Fs::new(&[]);
    let e = fs.load("nope.xml").unwrap_err();
    assert_eq!(
        e.errors[0].to_string(),
        "error: cannot read `nope.xml`\n --> nope.xml:1:1"
    );
}

#[test]
fn an_include_of_a_namespace_the_reference_lacks_is_a_warning() {
    let fs = Fs::new(&[
        (
            "main.xml",
            doc(
                &[("lib.xml", "elsewhere", "e")],
                "main",
                r#"<ComplexType Name="M"/>"#,
            ),
        ),
        ("lib.xml", doc(&[], "lib", r#"<ComplexType Name="L"/>"#)),
    ]);
    let m = fs.load("main.xml").unwrap();
    let w: Vec<String> = m.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        w,
        [
            "warning: `edmx:Include` names namespace `elsewhere`, which `lib.xml` does not declare\n --> main.xml:2:19"
        ]
    );
}
