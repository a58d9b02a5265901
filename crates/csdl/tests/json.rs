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
    // With the standard vocabularies built in, those deriving from another vocabulary's
    // types (Aggregation) load too.
    assert_eq!(loaded, 9, "only {loaded} vocabularies load");
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

/// Loads a malformed document under the label `malformed/<name>.json`: the rendered
/// errors and warnings.
fn malformed(name: &str) -> (csdl::diag::Errors, String) {
    let path = here("tests/fixtures/json/malformed").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let errors = match csdl::load_str(&format!("malformed/{name}.json"), &text) {
        Ok(_) => panic!("{name}: loaded without error"),
        Err(e) => e,
    };
    let mut rendered = errors.to_string();
    for w in &errors.warnings {
        rendered.push_str(&format!("\n{w}"));
    }
    (errors, rendered)
}

/// Each malformed document (`tests/fixtures/json/malformed/<name>.json`) and the
/// `line:col` of each of its errors; the messages are pinned by insta snapshots.
const MALFORMED: &[(&str, &[&str])] = &[
    ("annotation_without_term", &["6:7"]),
    ("collection_not_boolean", &["8:32"]),
    ("duplicate_member", &["8:9"]),
    ("entity_set_missing_type", &["11:7"]),
    ("enum_member_not_number", &["6:14"]),
    ("include_missing_namespace", &["5:20"]),
    ("key_item_bad", &["6:16"]),
    ("key_missing_property", &["6:16"]),
    ("key_not_array", &["6:15"]),
    ("max_length_not_number", &["8:30"]),
    ("missing_kind", &["4:5"]),
    ("navigation_missing_type", &["8:7"]),
    ("nested_too_deep", &["4:253"]),
    ("not_an_object", &["1:1"]),
    ("nullable_not_boolean", &["8:29"]),
    ("operation_not_array", &["4:11"]),
    ("overload_bad_kind", &["5:17"]),
    ("overload_missing_kind", &["5:7"]),
    ("parameter_missing_name", &["7:24"]),
    ("property_not_object", &["8:15"]),
    ("scale_bad_word", &["8:51"]),
    ("schema_member_not_object", &["4:10"]),
    ("several_errors", &["7:27", "8:7", "11:16"]),
    ("singleton_missing_type", &["11:7"]),
    ("syntax_bad_escape", &["4:59"]),
    ("syntax_bad_number", &["4:55"]),
    ("syntax_bare_word", &["4:48"]),
    ("syntax_control_character", &["4:60"]),
    ("syntax_empty", &["2:1"]),
    ("syntax_lone_surrogate", &["4:57"]),
    ("syntax_missing_comma", &["3:3"]),
    ("syntax_trailing_characters", &["4:1"]),
    ("syntax_trailing_comma", &["4:1"]),
    ("syntax_unterminated_string", &["4:33"]),
    ("type_definition_missing_underlying", &["4:5"]),
    ("type_not_string", &["8:25"]),
    ("unknown_kind", &["5:16"]),
    ("unknown_member_kind", &["6:22"]),
    ("unknown_type", &["8:16"]),
    ("version_missing", &["1:1"]),
    ("version_not_a_string", &["2:15"]),
    ("version_v2", &["2:3"]),
];

#[test]
fn malformed_json_documents_fail_at_located_errors() {
    let dir = here("tests/fixtures/json/malformed");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = MALFORMED.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every malformed document is in the table");
    for (name, at) in MALFORMED {
        let (errors, rendered) = malformed(name);
        let got: Vec<String> = errors
            .errors
            .iter()
            .map(|d| format!("{}:{}", d.location.line, d.location.col))
            .collect();
        assert_eq!(got, *at, "{name}:\n{rendered}");
        for d in &errors.errors {
            assert_eq!(
                d.location.path,
                Path::new(&format!("malformed/{name}.json")),
                "{name}"
            );
        }
        insta::assert_snapshot!(format!("json_malformed__{name}"), rendered);
    }
}

#[test]
fn json_is_chosen_by_content_then_by_name() {
    let json = std::fs::read_to_string(here("tests/fixtures/json/showcase.json")).unwrap();
    let xml = std::fs::read_to_string(here("tests/fixtures/json/showcase.xml")).unwrap();
    let expected = normalized(&csdl::load_str("showcase.xml", &xml).unwrap());
    // `$metadata?$format=json` saved under any name, with a BOM and leading white space.
    for (label, text) in [
        ("metadata", json.clone()),
        ("metadata.xml", json.clone()),
        ("metadata", format!("\u{feff}\r\n  {json}")),
    ] {
        let m = csdl::load_str(label, &text).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(normalized(&m), expected, "{label}");
    }
    // XML named `.json` is still XML.
    let m = csdl::load_str("showcase.json", &xml).unwrap();
    assert_eq!(normalized(&m), expected);
    // Neither `{` nor `<`: the name decides.
    let e = csdl::load_str("x.json", "[]").unwrap_err().to_string();
    assert!(e.contains("not a CSDL JSON document"), "{e}");
    let e = csdl::load_str("x.xml", "[]").unwrap_err().to_string();
    assert!(!e.contains("JSON"), "{e}");
}

#[test]
fn a_json_document_may_reference_json_documents() {
    let main = r#"{
  "$Version": "4.01",
  "$Reference": {
    "base.json": { "$Include": [{ "$Namespace": "Base", "$Alias": "B" }] }
  },
  "Main": {
    "Derived": { "$Kind": "EntityType", "$BaseType": "B.Thing", "Extra": { "$Nullable": true } }
  }
}"#;
    let base = r#"{
  "$Version": "4.01",
  "Base": {
    "Thing": { "$Kind": "EntityType", "$Key": ["Id"], "Id": { "$Type": "Edm.Guid" } }
  }
}"#;
    let m = csdl::load_with(Path::new("dir/main.json"), &|p: &Path| match p.to_str()? {
        "dir/main.json" => Some(main.to_string()),
        "dir/base.json" => Some(base.to_string()),
        _ => None,
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let derived = m.find_type("Main.Derived").unwrap();
    let base = m.find_type("Base.Thing").unwrap();
    assert_eq!(m.bases(derived).collect::<Vec<_>>(), vec![base]);
    let key = &m.ty(derived).structured().unwrap().key;
    assert_eq!(key.len(), 1);
    assert_eq!(key[0].path, "Id");
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
}

#[test]
fn json_defaults_are_the_specifications() {
    use csdl::model::{Primitive, Target, TypeKind};
    let text = r#"{
  "$Version": "4.01",
  "D": {
    "E": {
      "$Kind": "EnumType",
      "A": 0,
      "B": 1
    },
    "T": {
      "$Kind": "EntityType",
      "$Key": ["Id"],
      "Id": {},
      "Names": { "$Collection": true },
      "Maybe": { "$Nullable": true },
      "Next": { "$Kind": "NavigationProperty", "$Type": "D.T" },
      "All": { "$Kind": "NavigationProperty", "$Type": "D.T", "$Collection": true }
    },
    "Op": [{ "$Kind": "Function", "$Parameter": [{ "$Name": "p" }], "$ReturnType": {} }]
  }
}"#;
    let m = csdl::load_str("defaults.json", text).unwrap_or_else(|e| panic!("{e}"));
    let t = m.ty(m.find_type("D.T").unwrap()).structured().unwrap();
    let p = |n: &str| t.properties.iter().find(|p| p.name == n).unwrap();
    // `$Type` absent: Edm.String; `$Nullable` absent: false.
    assert_eq!(p("Id").ty.target, Target::Primitive(Primitive::String));
    assert!(!p("Id").nullable);
    assert!(p("Names").ty.collection);
    assert!(!p("Names").nullable);
    assert!(p("Maybe").nullable);
    assert!(!t.navigation[0].nullable);
    assert!(t.navigation[1].ty.collection);
    // `$UnderlyingType` absent: Edm.Int32.
    let TypeKind::Enum(e) = &m.ty(m.find_type("D.E").unwrap()).kind else {
        panic!()
    };
    assert_eq!(e.underlying, Primitive::Int32);
    let op = &m.operations[0];
    assert_eq!(
        op.parameters[0].ty.target,
        Target::Primitive(Primitive::String)
    );
    assert!(!op.parameters[0].nullable);
    let r = op.return_type.as_ref().unwrap();
    assert_eq!(r.ty.target, Target::Primitive(Primitive::String));
    assert!(!r.nullable);
}

/// Every prefix of a real document, and the document with each byte replaced by a
/// character that breaks JSON: located errors, never a panic.
#[test]
fn truncated_and_corrupted_json_fails_cleanly() {
    let text = std::fs::read_to_string(here("tests/fixtures/json/showcase.json")).unwrap();
    let mut cuts = 0;
    let whole = text.trim_end().len();
    for end in (0..whole).filter(|i| text.is_char_boundary(*i)) {
        let r = csdl::load_str("cut.json", &text[..end]);
        let e = r
            .err()
            .unwrap_or_else(|| panic!("a prefix of {end} bytes loaded"));
        assert!(!e.errors.is_empty());
        let line_count = text[..end].lines().count().max(1) as u32;
        for d in &e.errors {
            assert!(d.location.line <= line_count + 1, "{d}");
        }
        cuts += 1;
    }
    assert!(cuts > 1000);
    for (i, c) in text.char_indices().step_by(7) {
        for bad in ["\"", "{", "]", ",", "\\", "\u{0}", "-"] {
            let mut t = String::with_capacity(text.len());
            t.push_str(&text[..i]);
            t.push_str(bad);
            t.push_str(&text[i + c.len_utf8()..]);
            if let Err(e) = csdl::load_str("bad.json", &t) {
                assert!(!e.errors.is_empty());
                let _ = e.to_string();
            }
        }
    }
}

#[test]
fn hostile_sizes_and_depths_are_refused_with_a_located_error() {
    // Nesting far beyond the cap: no stack overflow.
    let deep = format!(
        "{{\"$Version\":\"4.01\",\"S\":{{\"T\":{{\"$Kind\":\"ComplexType\",\"@Core.Description\":{}{}}}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = csdl::load_str("deep.json", &deep).unwrap_err().to_string();
    assert!(e.contains("nested more than 200 levels"), "{e}");
    // Nesting at the cap is fine.
    let ok = format!(
        "{{\"$Version\":\"4.01\",\"S\":{{\"T\":{{\"$Kind\":\"ComplexType\",\"@Core.Description\":{}{}}}}}}}",
        "[".repeat(190),
        "]".repeat(190)
    );
    csdl::load_str("ok.json", &ok).unwrap_or_else(|e| panic!("{e}"));
    // A string longer than the value cap.
    let long = format!(
        "{{\"$Version\":\"4.01\",\"S\":{{\"T\":{{\"$Kind\":\"ComplexType\",\"@Core.Description\":\"{}\"}}}}}}",
        "x".repeat(csdl::document::MAX_VALUE_LEN + 1)
    );
    let e = csdl::load_str("long.json", &long).unwrap_err().to_string();
    assert!(e.contains("longer than 1 MiB"), "{e}");
    assert!(e.contains("long.json:1:72"), "{e}");
    // A duplicate member in a large object (sorted, not compared pairwise).
    let mut dup = String::from("{\"$Version\":\"4.01\",\"S\":{\"E\":{\"$Kind\":\"EnumType\"");
    for i in 0..1000 {
        dup.push_str(&format!(",\"M{i}\":{i}"));
    }
    dup.push_str(",\"M500\":0}}}");
    let e = csdl::load_str("dup.json", &dup).unwrap_err();
    assert_eq!(e.errors.len(), 1);
    assert_eq!(
        e.errors[0].message,
        "duplicate member `M500` in one JSON object"
    );
    // At the second `"M500"`, the last member.
    assert_eq!(e.errors[0].location.col as usize, dup.len() - 10);
    // Annotations on annotations on annotations ...: each level is an element.
    let mut chain = String::from("{\"$Version\":\"4.01\",\"S\":{\"T\":{\"$Kind\":\"ComplexType\"");
    let mut key = String::new();
    for _ in 0..1000 {
        key.push_str("@S.A");
        chain.push_str(&format!(",\"{key}\":1"));
    }
    chain.push_str("}}}");
    let e = csdl::load_str("chain.json", &chain)
        .unwrap_err()
        .to_string();
    assert!(e.contains("nested more than 200 levels deep"), "{e}");
    // Many members and many annotations of one object are read (a linear index, not a
    // search per member).
    let mut many = String::from("{\"$Version\":\"4.01\",\"S\":{\"E\":{\"$Kind\":\"EnumType\"");
    for i in 0..20_000 {
        many.push_str(&format!(
            ",\"M{i}\":{i},\"M{i}@Org.OData.Core.V1.Description\":\"m\""
        ));
    }
    many.push_str("}}}");
    let m = csdl::load_str("many.json", &many).unwrap_or_else(|e| panic!("{e}"));
    let csdl::model::TypeKind::Enum(e) = &m.types[0].kind else {
        panic!()
    };
    assert_eq!(e.members.len(), 20_000);
    assert_eq!(e.members[19_999].description.as_deref(), Some("m"));
}

#[test]
fn an_xml_document_may_reference_a_json_document() {
    let main = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://example.org/base.json">
    <edmx:Include Namespace="Base" Alias="B"/>
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="Main" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="Derived" BaseType="B.Thing"/>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;
    let base = r#"{"$Version": "4.01", "Base": {"Thing": {"$Kind": "EntityType", "$Key": ["Id"], "Id": {}, "Bad": {"$Type": "Base.Nope"}}}}"#;
    let e = csdl::load_with(Path::new("main.xml"), &|p: &Path| match p.to_str()? {
        "main.xml" => Some(main.to_string()),
        "base.json" => Some(base.to_string()),
        _ => None,
    })
    .unwrap_err();
    // The error is located in the referenced JSON document.
    assert_eq!(e.errors.len(), 1, "{e}");
    assert_eq!(e.errors[0].message, "unknown type `Base.Nope`");
    assert_eq!(e.errors[0].location.to_string(), "base.json:1:98"); // the `"$Type"` member
}
