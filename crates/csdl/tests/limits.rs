//! Reader limits with located errors: nesting, value lengths, document size; and the
//! names real services use that break `SimpleIdentifier` harmlessly (warnings).

const HEAD: &str = "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n<edmx:DataServices>\n<Schema Namespace=\"t\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n";
const TAIL: &str = "\n</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n";

fn errors(text: &str) -> csdl::diag::Errors {
    match csdl::load_str("big.xml", text) {
        Ok(_) => panic!("loaded without error"),
        Err(e) => e,
    }
}

/// Line and column (1-based, in characters) of byte `offset` of `text`.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() as u32 + 1)
}

fn assert_at(e: &csdl::diag::Errors, text: &str, offset: usize, needle: &str) {
    assert_eq!(e.errors.len(), 1, "{e}");
    let d = &e.errors[0];
    assert_eq!(
        (d.location.line, d.location.col),
        line_col(text, offset),
        "{d}"
    );
    assert!(d.message.contains(needle), "{d}");
    assert!(
        d.message.len() < 300,
        "message of {} bytes",
        d.message.len()
    );
}

#[test]
fn a_huge_name_is_a_located_error_echoing_nothing() {
    for len in [129, 100_000, 2 << 20] {
        let text = format!(
            "{HEAD}<ComplexType Name=\"C\">\n  <Property Name=\"{}\" Type=\"Edm.String\"/>\n</ComplexType>{TAIL}",
            "n".repeat(len)
        );
        let e = errors(&text);
        let at = text.find("Name=\"nnn").unwrap();
        let needle = if len > csdl::document::MAX_VALUE_LEN {
            "longer than 1 MiB"
        } else {
            "at most 128 characters"
        };
        assert_at(&e, &text, at, needle);
        assert!(!e.to_string().contains(&"n".repeat(100)), "value echoed");
    }
}

#[test]
fn long_values_and_contents_are_located_errors() {
    let big = "x".repeat(csdl::document::MAX_VALUE_LEN + 1);
    // An attribute of any name, even one the reader ignores.
    for attr in ["Description", "Type", "foo:bar"] {
        let text = format!(
            "{HEAD}<ComplexType Name=\"C\" xmlns:foo=\"urn:foo\"\n   {attr}=\"{big}\"/>{TAIL}"
        );
        let at = text.find(&format!("{attr}=")).unwrap();
        assert_at(&errors(&text), &text, at, "longer than 1 MiB");
    }
    // Character content, as text, CDATA or character references.
    for content in [
        big.clone(),
        format!("<![CDATA[{big}]]>"),
        "&#x41;".repeat(csdl::document::MAX_VALUE_LEN + 1),
        format!("{}&amp;{}", "y".repeat(1 << 19), "z".repeat(1 << 19)),
    ] {
        let text = format!(
            "{HEAD}<ComplexType Name=\"C\">\n <Annotation Term=\"Core.Description\">\n  <String>{content}</String></Annotation></ComplexType>{TAIL}"
        );
        let at = text.find("<String>").unwrap();
        assert_at(&errors(&text), &text, at, "content of `String`");
    }
    // At the limit: accepted.
    let ok = "x".repeat(csdl::document::MAX_VALUE_LEN);
    let text = format!("{HEAD}<ComplexType Name=\"C\" Description=\"{ok}\"/>{TAIL}");
    csdl::load_str("ok.xml", &text).unwrap();
}

#[test]
fn a_document_over_the_size_cap_is_refused_before_parsing() {
    let name = "n".repeat(csdl::MAX_DOCUMENT_SIZE as usize + 1);
    let text = format!("{HEAD}<ComplexType Name=\"{name}\"/>{TAIL}");
    let e = errors(&text);
    assert_eq!(e.errors.len(), 1);
    assert!(e.errors[0].message.contains("larger than 64 MiB"), "{e}");
    assert!(e.errors[0].message.len() < 200);
}

#[test]
fn nesting_errors_are_located_at_the_element() {
    let n = csdl::document::MAX_DEPTH + 5;
    // CSDL elements, elements the reader ignores, and both.
    let cases = [
        ("<Collection>\n", "</Collection>"),
        ("<Foo>\n", "</Foo>"),
        ("<x:Foo>\n", "</x:Foo>"),
    ];
    for (open, close) in cases {
        let text = format!(
            "{HEAD}<ComplexType Name=\"C\"><Annotation xmlns:x=\"urn:x\" Term=\"Core.Description\">\n{}{}</Annotation></ComplexType>{TAIL}",
            open.repeat(n),
            close.repeat(n)
        );
        let e = errors(&text);
        assert_eq!(e.errors.len(), 1, "{e}");
        let d = &e.errors[0];
        assert!(d.message.contains("nested more than"), "{d}");
        // Edmx, DataServices, Schema, ComplexType and Annotation open on lines 1 to 4,
        // one nested element per line follows: level MAX_DEPTH + 1 is on line
        // 4 + (MAX_DEPTH + 1 - 5).
        let first_line = csdl::document::MAX_DEPTH as u32;
        assert_eq!((d.location.line, d.location.col), (first_line, 1), "{d}");
    }
    // The XML reader's own limit on namespace bindings: located at the element too.
    let text = format!(
        "{HEAD}<ComplexType Name=\"C\">\n{}</ComplexType>{TAIL}",
        (0..200)
            .map(|i| format!("<x:A xmlns:x{i}=\"urn:{i}\" xmlns:x=\"u\">\n"))
            .collect::<String>()
    );
    let e = errors(&text);
    let d = &e.errors[0];
    assert!(d.location.line > 5, "{d}");
}

#[test]
fn dashes_in_names_are_accepted_with_a_located_warning() {
    let text = format!(
        "{HEAD}<ComplexType Name=\"InnerError\">\n  <Property Name=\"request-id\" Type=\"Edm.String\"/>\n  <Property Name=\"client.request\" Type=\"Edm.String\"/>\n</ComplexType>{TAIL}"
    );
    let m = csdl::load_str("w.xml", &text).unwrap();
    let got: Vec<_> = m
        .warnings
        .iter()
        .map(|w| (w.location.line, w.location.col))
        .collect();
    assert_eq!(got, [(5, 13), (6, 13)], "{:?}", m.warnings);
    assert!(m.warnings[0].message.contains("`request-id`"));
    let c = m.ty(m.find_type("t.InnerError").unwrap());
    let names: Vec<_> = c
        .structured()
        .unwrap()
        .properties
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["request-id", "client.request"], "wire names kept");
}

#[test]
fn hostile_values_in_other_messages_are_inert() {
    let text = format!(
        "{HEAD}<ComplexType Name=\"C\">\n  <Property Name=\"p\" Type=\"t.No&#x202E;pe&#xA;{}\"/>\n</ComplexType>{TAIL}",
        "z".repeat(5000)
    );
    let e = errors(&text);
    let s = e.to_string();
    assert!(!s.contains('\u{202E}'), "{s}");
    assert_eq!(s.lines().count(), 2, "{s}");
    assert!(s.len() < 1200, "{} bytes", s.len());
}

/// Aliases are names too: a key part's `Alias` becomes a parameter and a URL key name,
/// so it is held to the name rule (a located error); a `Core.AlternateKeys` key whose
/// alias is refused is left out (the alias is an annotation value, not an attribute).
#[test]
fn aliases_of_key_parts_are_checked_as_names() {
    for (alias, ok) in [
        ("city", true),
        ("city-name", true),
        ("", false),
        ("a&quot;b&#10;```", false),
        ("a b", false),
        ("a&#x202E;b", false),
        (&"n".repeat(129), false),
    ] {
        let text = format!(
            "{HEAD}<ComplexType Name=\"A\"><Property Name=\"city\" Type=\"Edm.String\" Nullable=\"false\"/></ComplexType>\n<EntityType Name=\"T\">\n  <Key><PropertyRef Name=\"id\"/><PropertyRef Name=\"a/city\" Alias=\"{alias}\"/></Key>\n  <Property Name=\"id\" Type=\"Edm.Int32\" Nullable=\"false\"/><Property Name=\"a\" Type=\"t.A\" Nullable=\"false\"/>\n</EntityType>{TAIL}"
        );
        match csdl::load_str("k.xml", &text) {
            Ok(_) => assert!(ok, "alias {alias:?} accepted"),
            Err(e) => {
                assert!(!ok, "alias {alias:?}: {e}");
                let at = text.find("Alias=").unwrap();
                assert_at(&e, &text, at, "name");
            }
        }
    }
    for (alias, kept) in [
        ("byCode", true),
        ("", false),
        ("a&quot;b&#10;```", false),
        (&"q".repeat(100_000), false),
    ] {
        let text = format!(
            "{HEAD}<EntityType Name=\"T\">\n  <Key><PropertyRef Name=\"id\"/></Key>\n  <Property Name=\"id\" Type=\"Edm.Int32\" Nullable=\"false\"/><Property Name=\"code\" Type=\"Edm.String\"/>\n  <Annotation Term=\"Org.OData.Core.V1.AlternateKeys\"><Collection><Record><PropertyValue Property=\"Key\"><Collection><Record><PropertyValue Property=\"Alias\" String=\"{alias}\"/><PropertyValue Property=\"Name\" PropertyPath=\"code\"/></Record></Collection></PropertyValue></Record></Collection></Annotation>\n</EntityType>{TAIL}"
        );
        let m = csdl::load_str("k.xml", &text).unwrap();
        let keys = csdl::vocab::alternate_keys(m.annotations_of("t.T"));
        assert_eq!(
            keys.len(),
            usize::from(kept),
            "alias {:.20?}: {keys:?}",
            alias
        );
    }
}
