//! CSDL JSON input (`csdl::json`): the same model in XML and in JSON loads into an
//! equal [`Model`] (the nine OASIS vocabularies, a schema of our own covering every
//! construct, and the CAP service's `$metadata`), and malformed JSON documents fail with
//! located errors (`tests/fixtures/json/malformed/*.json`, messages pinned by insta).

use std::path::{Path, PathBuf};

use csdl::model::Model;

fn here(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Replaces every `Pos { file: N, offset: N }` (and `file: N` of schemas) by a mark:
/// positions differ between the two notations by nature.
fn strip_positions(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("Pos { file: ") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('}').expect("closing brace of Pos") + 1;
        out.push_str("Pos");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Everything a model says, positions and file names left out, in a stable order.
pub fn normalized(m: &Model) -> String {
    let mut s = String::new();
    for sc in &m.schemas {
        s.push_str(&format!("schema {} {:?}\n", sc.namespace, sc.alias));
    }
    for t in &m.types {
        s.push_str(&format!("{t:?}\n"));
    }
    for o in &m.operations {
        s.push_str(&format!("{o:?}\n"));
    }
    for c in &m.containers {
        s.push_str(&format!("{c:?}\n"));
    }
    for t in &m.terms {
        // A collection term without `Nullable` says nothing of its items in XML (CSDL
        // 7.2.1: "the client cannot assume any default"), `false` in JSON.
        let mut t = t.clone();
        if t.ty.collection {
            t.nullable = false;
        }
        s.push_str(&format!("{t:?}\n"));
    }
    // A value of a term typed `Edm.PrimitiveType` (`Validation.Minimum`) has the type
    // of what it annotates: XML spells it (`Decimal="100"`), JSON writes a number, read
    // as an `Int` when it has no fraction.
    // A record of the declared type may say its type (`Type` in XML, as CAP writes it)
    // or not (JSON's `@type` is written for a derived type): the type is erased here;
    // `record_types_are_kept` checks that a given one is read.
    fn integral_decimal(e: &mut csdl::model::Expr) {
        use csdl::model::Expr;
        match e {
            Expr::Literal {
                kind: "Decimal",
                text,
            } if text.parse::<i64>().is_ok() => *e = Expr::Int(text.parse().unwrap()),
            Expr::Collection(items) => items.iter_mut().for_each(integral_decimal),
            Expr::Record { properties, ty } => {
                *ty = None;
                properties.iter_mut().for_each(|(_, v)| integral_decimal(v))
            }
            _ => {}
        }
    }
    let mut targets: Vec<_> = m.annotations.keys().collect();
    targets.sort();
    for t in targets {
        // Each OASIS vocabulary links to its twin: the XML names the XML file as
        // `latest-version` and the JSON file as `alternate`, the JSON the other way round.
        let kept: Vec<_> = m.annotations[t]
            .iter()
            .filter(|a| {
                !(a.term == "Org.OData.Core.V1.Links"
                    && m.schemas.iter().any(|s| s.namespace == *t))
            })
            .cloned()
            .map(|mut a| {
                integral_decimal(&mut a.value);
                a
            })
            .collect();
        s.push_str(&format!("@ {t}: {kept:?}\n"));
    }
    // CSDL XML may apply a Boolean term without a value (`Expr::Default`, meaning
    // `true`); CSDL JSON always writes the value.
    // The XML reader keeps the line ends of attribute values as written (CR LF in the
    // OASIS XML files); the JSON twins spell them `\n`.
    strip_positions(&s)
        .replace("value: Default,", "value: Bool(true),")
        .replace("\\r\\n", "\\n")
}

/// Loads a document and the documents it references beside it: the normalized model,
/// or the messages of its errors (without their locations).
fn load(path: &Path) -> Result<String, String> {
    match csdl::load(path) {
        Ok(m) => Ok(normalized(&m)),
        Err(e) => Err(e
            .errors
            .iter()
            .map(|d| format!("error: {}\n", d.message))
            .collect()),
    }
}

/// The first line where two normalized models differ, for a readable failure. A
/// document the reader refuses must be refused in both notations with the same errors.
fn assert_same(xml: &Path, json: &Path) -> bool {
    let (a, b) = match (load(xml), load(json)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(a), Err(b)) => {
            assert_eq!(
                a,
                b,
                "{} and {} fail differently",
                xml.display(),
                json.display()
            );
            return false;
        }
        (a, b) => panic!(
            "{} and {} load differently:\nxml: {}\njson: {}",
            xml.display(),
            json.display(),
            a.err().unwrap_or_else(|| "loads".into()),
            b.err().unwrap_or_else(|| "loads".into())
        ),
    };
    if a != b {
        for (x, j) in a.lines().zip(b.lines()) {
            if x != j {
                panic!(
                    "{} and {} differ:\nxml:  {x}\njson: {j}",
                    xml.display(),
                    json.display()
                );
            }
        }
        panic!(
            "{} and {} differ in length: {} / {} lines",
            xml.display(),
            json.display(),
            a.lines().count(),
            b.lines().count()
        );
    }
    true
}

#[test]
fn every_oasis_vocabulary_reads_the_same_in_xml_and_json() {
    let dir = here("vocabularies");
    let (mut pairs, mut loaded) = (0, 0);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    names.sort();
    for xml in names {
        let json = xml.with_extension("json");
        if assert_same(&xml, &json) {
            loaded += 1;
        }
        pairs += 1;
    }
    assert_eq!(pairs, 9);
    // Until the standard vocabularies' types are built in (issue 13 item 2), those
    // deriving from another vocabulary's types fail, identically, in both notations.
    eprintln!("{loaded} of 9 vocabulary pairs load");
    assert!(loaded >= 6, "only {loaded} vocabularies load");
}

#[test]
fn the_showcase_schema_reads_the_same_in_xml_and_json() {
    let dir = here("tests/fixtures/json");
    assert!(assert_same(
        &dir.join("showcase.xml"),
        &dir.join("showcase.json")
    ));
    // Both load without a diagnostic.
    for f in ["showcase.xml", "showcase.json"] {
        let m = csdl::load(&dir.join(f)).unwrap();
        assert!(m.warnings.is_empty(), "{f}: {:?}", m.warnings);
    }
}

#[test]
fn the_cap_service_metadata_reads_the_same_in_xml_and_json() {
    // `schemas/cap-partners.json` is what `e2e/cap` serves at `$metadata?$format=json`.
    let dir = here("../../schemas");
    assert!(assert_same(
        &dir.join("cap-partners.xml"),
        &dir.join("cap-partners.json")
    ));
}

#[test]
fn record_types_are_kept() {
    use csdl::model::Expr;
    let m = csdl::load(&here("tests/fixtures/json/showcase.json")).unwrap();
    let deletable = m
        .annotations_of("Show.Case.Shop/Products")
        .iter()
        .find(|a| a.term == "Org.OData.Capabilities.V1.DeleteRestrictions")
        .expect("DeleteRestrictions on Products");
    let Expr::Record { ty, properties } = &deletable.value else {
        panic!("{:?}", deletable.value)
    };
    assert_eq!(
        ty.as_deref(),
        Some("Org.OData.Capabilities.V1.DeleteRestrictionsType")
    );
    assert_eq!(properties, &[("Deletable".to_string(), Expr::Bool(false))]);
    assert_eq!(
        m.capabilities("Show.Case.Shop/Products").deletable,
        Some(false)
    );
    assert_eq!(
        m.capabilities("Show.Case.Shop/Products").insertable,
        Some(false)
    );
}
