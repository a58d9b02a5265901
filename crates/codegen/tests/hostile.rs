//! Hostile schemas: random Unicode names and descriptions never run code, never panic
//! the generator and never reach rustdoc as markup (see `support/inert.rs` for the check).

#[path = "support/inert.rs"]
mod inert;

use inert::{DESCRIPTIONS, Outcome, document, read_and_generate};
use proptest::prelude::*;

/// Pieces that mean something to Markdown, HTML, rustdoc, rustc or the XML reader.
const HOSTILE: &[&str] = &[
    "\n",
    "\r\n",
    "\r",
    "    ",
    "\t",
    "```",
    "```rust\n",
    "~~~",
    "\n```\nstd::process::exit(1);\n```\n",
    "\n\n    panic!();\n",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!--",
    "-->",
    "<https://evil.example>",
    "&lt;",
    "&amp;",
    "&#60;",
    "[link](javascript:alert(1))",
    "[crate::x]",
    "[x]: https://evil.example",
    "[^n]",
    "![i](x)",
    "*/",
    "/*",
    "/**",
    "///",
    "//!",
    "\"",
    "\\",
    "'",
    "`",
    "#",
    "# ",
    "- ",
    "* ",
    "1. ",
    "> ",
    "|",
    "{",
    "}",
    "{{",
    "#[doc = \"x\"]",
    "\u{202E}",
    "\u{2066}",
    "\u{2069}",
    "\u{200B}",
    "\u{200F}",
    "\u{FEFF}",
    "\u{061C}",
    "\u{00A0}",
    "\u{2028}",
    "\u{0085}",
    "\u{0}",
    "\u{1B}[31m",
    "x²",
    "٣",
    "Straße",
    "naïve",
    "Ωμέγα",
    "Дом",
    "名前",
    "request-id",
    ".",
    "_",
    "-",
    "self",
    "type",
    "Self",
    "crate",
    "r#",
    "Option",
    "Unknown",
    "additional",
    "0",
    "9lives",
    // A list marker followed by tabs or no-break spaces (five make an indented code block
    // inside the list item).
    "-\t\t\t\t\t",
    "*\u{A0}\u{A0}\u{A0}\u{A0}\u{A0}",
    "1.\t\t\t\t\t",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(HOSTILE).prop_map(str::to_string),
        2 => "[a-zA-Z][a-zA-Z0-9_]{0,5}",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..max).prop_map(|v| v.concat())
}

/// A name: mostly a plain identifier with something hostile inside, so that many
/// documents get past the reader's validation and reach the generator.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => "[a-z][a-zA-Z]{0,6}",
        3 => ("[a-zA-Z]{1,4}", text(3)).prop_map(|(a, b)| format!("{a}{b}")),
        1 => text(4),
    ]
}

/// A name the reader accepts (letters and digits of any script, `_`, a `-` inside as in
/// Graph's `request-id`), so that whole documents reach the generator even where the
/// reader refuses hostile names.
fn accepted_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\\p{L}_][\\p{L}\\p{Nd}\\p{Mn}_]{0,10}",
        "[a-z]{1,4}-[a-z]{1,4}",
        proptest::sample::select(
            &[
                "Straße",
                "naïve",
                "Ωμέγα",
                "Дом",
                "名前",
                "request-id",
                "self",
                "type",
                "Unknown",
                "additional"
            ][..]
        )
        .prop_map(str::to_string),
    ]
}

/// Twelve names: all accepted ones, or any mix.
fn names() -> impl Strategy<Value = [String; 12]> {
    prop_oneof![
        proptest::array::uniform12(accepted_name()),
        proptest::array::uniform12(name()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn hostile_names_and_descriptions_are_inert(
        names in names(),
        descriptions in proptest::array::uniform5(text(12)),
    ) {
        let _ = DESCRIPTIONS;
        let xml = document(&names, &descriptions);
        if let Err(e) = read_and_generate(&xml) {
            prop_assert!(false, "{e}\n--- document ---\n{xml}");
        }
    }
}

fn plain_names() -> [String; 12] {
    [
        "hostile.ns",
        "color",
        "red",
        "green",
        "thing",
        "id",
        "value",
        "children",
        "detail",
        "service",
        "things",
        "act",
    ]
    .map(String::from)
}

#[test]
fn a_code_fence_in_a_description_is_no_doctest() {
    let descriptions = [
        "Runs:\n```rust\nstd::process::exit(1);\n```",
        "Indented:\n\n    panic!(\"doctest\");\n",
        "<script>alert(1)</script> <img src=x onerror=alert(1)> [l](javascript:alert(1)) [crate::x]",
        "bidi \u{202E}reversed\u{202C} and zero\u{200B}width, ends */ here",
        "~~~\nlet x = 1;\n~~~",
    ]
    .map(String::from);
    let xml = document(&plain_names(), &descriptions);
    assert_eq!(read_and_generate(&xml), Ok(Outcome::Generated));
    // A list item starting with indented code: the marker followed by tabs or no-break
    // spaces (written as spaces) ran `std::process::exit(3)` on `cargo test --doc`.
    let descriptions = [
        "Intro\n\n-\t\t\t\t\tstd::process::exit(3);",
        "*\u{A0}\u{A0}\u{A0}\u{A0}\u{A0}\u{A0}panic!();",
        "1.\t\t\t\t\t\tpanic!();",
        "+\t\t\t\t\tpanic!();\n|\t\t\t\t\tx",
        "12)\u{2003}\u{2003}\u{2003}\u{2003}\u{2003}panic!();",
    ]
    .map(String::from);
    let xml = document(&plain_names(), &descriptions);
    assert_eq!(read_and_generate(&xml), Ok(Outcome::Generated));
}

/// Names the reader may refuse: whatever it accepts must generate inert, compiling text.
#[test]
fn hostile_names_are_refused_or_inert() {
    let hostile = [
        "x\n```\nstd::process::exit(1);\n```",
        "a<b>c",
        "x\u{202E}y",
        "x²",
        "٣x",
        "Straße",
        "日本語",
        "request-id",
        "a`b",
        "a\"b\\c",
        "[crate::x]",
        "self",
    ];
    let long = "名".repeat(128);
    let hostile: Vec<&str> = hostile.into_iter().chain([long.as_str()]).collect();
    for (slot, _) in inert::NAMES.iter().enumerate() {
        for h in &hostile {
            let mut names = plain_names();
            names[slot] = h.to_string();
            let descriptions: [String; 5] = Default::default();
            let xml = document(&names, &descriptions);
            if let Err(e) = read_and_generate(&xml) {
                panic!("{} = {h:?}: {e}", inert::NAMES[slot]);
            }
        }
    }
}

/// The check itself finds what it looks for (else the tests above prove nothing).
#[test]
fn the_check_sees_code_blocks_html_and_links() {
    for doc in [
        "```\nstd::process::exit(1);\n```",
        "a\n\n    panic!();",
        "~~~\nx\n~~~",
        "<script>x</script>",
        "a <b>c</b>",
        "<!-- c -->",
        "[l](javascript:alert(1))",
        "[l]\n\n[l]: https://evil.example",
        "![i](x)",
        "<javascript:alert(1)>",
        "-     panic!();",
    ] {
        assert!(inert::check_doc("t.rs", doc, false).is_err(), "{doc:?}");
    }
    for doc in [
        "plain",
        "[`crate::models`]",
        "<https://example.com/a?b=c>",
        "`<b>`",
    ] {
        assert!(inert::check_doc("t.rs", doc, false).is_ok(), "{doc:?}");
    }
    assert!(inert::check_rs("t.rs", "/// a\u{202E}b\nstruct S;\n").is_err());
    assert!(inert::check_rs("t.rs", "/// ```\n/// x\n/// ```\nstruct S;\n").is_err());
    assert!(inert::check_rs("t.rs", "struct S {\n    #[doc = \"<b>\"]\n    x: u8,\n}\n").is_err());
    assert!(inert::check_rs("t.rs", "fn f( {}").is_err());
    assert!(inert::check_rs("t.rs", "/// fine\nstruct S;\n").is_ok());
}

/// The committed crates, the obstacle course's hostile section included, hold no doctest
/// but the generator's `no_run` example, no HTML and no foreign link (CI also builds,
/// clippies, documents and doc-tests them).
#[test]
fn committed_crates_are_inert() {
    fn walk(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs" || x == "md") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p, text));
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../generated");
    for krate in ["obstacle-course", "graph-v1", "graph-beta", "cap-partners"] {
        let mut files = Vec::new();
        walk(&root.join(krate).join("src"), &mut files);
        assert!(files.len() > 5, "{krate}");
        let result = inert::check_files_with(files.iter().map(|(p, t)| (p.as_path(), t)), true);
        assert_eq!(result, Ok(()), "{krate}");
    }
    let hostile = std::fs::read_to_string(
        root.join("obstacle-course/src/models/obstacle_course/hostile_text.rs"),
    )
    .unwrap();
    assert!(hostile.contains("std::process::exit(1);") && hostile.contains("\\u{202E}"));
}

/// The crate example calls the method the root client really has: an entity set whose
/// name is taken (`client`, or two names equal once ASCII) gets a suffixed method.
#[test]
fn the_crate_example_uses_the_claimed_method_names() {
    let mut names = plain_names();
    names[10] = "client".into();
    let descriptions: [String; 5] = Default::default();
    let model = csdl::load_str("hostile.xml", &document(&names, &descriptions)).unwrap();
    let mut config = codegen::Config::new(
        "hostile",
        "generated/hostile",
        vec![std::path::PathBuf::from("hostile.xml")],
    );
    config.all();
    let files = codegen::generate(&config, &model).unwrap();
    let lib = &files[std::path::Path::new("src/lib.rs")];
    assert!(lib.contains("service.client_2().list()"), "{lib}");
    let root = &files[std::path::Path::new("src/client/mod.rs")];
    assert!(root.contains("pub fn client_2(&self)"), "{root}");
}

/// The schema paths are file names, which may hold quotes and line breaks: they stay
/// inside their TOML comment and string in `Cargo.toml` (a `"` and a newline made a
/// `build = "…"` key: a build script run by `cargo build`), and on the first line of
/// `API.txt`. The package name is checked whatever built the config.
#[test]
fn hostile_schema_paths_and_package_names_stay_inert() {
    let xml = document(&plain_names(), &Default::default());
    let path = "dir/a\"b\\\nbuild = \"evil.rs\"\n\u{202E}#.xml";
    let model = csdl::load_str(path, &xml).unwrap();
    let mut config = codegen::Config::new("hostile", "out", vec![std::path::PathBuf::from(path)]);
    config.all();
    let files = codegen::generate(&config, &model).unwrap();
    let cargo = &files[std::path::Path::new("Cargo.toml")];
    let table: toml::Table = cargo.parse().unwrap_or_else(|e| panic!("{e}\n{cargo}"));
    assert_eq!(
        table.keys().collect::<Vec<_>>(),
        ["dependencies", "features", "lib", "package"],
        "{cargo}"
    );
    let package = table["package"].as_table().unwrap();
    assert!(!package.contains_key("build"), "{cargo}");
    assert_eq!(
        package["description"].as_str(),
        Some("OData models generated from dir/a\"b/\\u{A}build = \"evil.rs\"\\u{A}\\u{202E}#.xml.")
    );
    assert!(!cargo.contains('\u{202E}'));
    let api = &files[std::path::Path::new("API.txt")];
    let first = api.lines().next().unwrap();
    assert!(first.ends_with("#.xml). One line per item."), "{first}");
    assert!(inert::check_files(files.iter().map(|(p, t)| (p.as_path(), t))).is_ok());

    for name in ["evil\"\nbuild = \"x.rs", "self", "", "a b", "std"] {
        let config = codegen::Config::new(name, "out", vec!["hostile.xml".into()]);
        let e = codegen::generate(&config, &model).unwrap_err().to_string();
        assert!(e.contains("is not a package name"), "{name:?}: {e}");
        assert!(!e.contains('\n'), "{e}");
    }
}
