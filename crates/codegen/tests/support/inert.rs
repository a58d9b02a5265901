//! The check that generated text is inert, shared by `tests/hostile.rs` and the fuzz
//! target `fuzz/fuzz_targets/names.rs` (included there with `#[path]`).
//!
//! A generated `.rs` file passes when:
//! - it parses with `syn::parse_file`;
//! - it holds no character rustc refuses or warns about in source text: no control
//!   character but `\n`, no bidi control (`text_direction_codepoint_in_comment` /
//!   `_in_literal` are deny-by-default);
//! - the docs of every item (its `///` / `#[doc]` attributes, concatenated as rustdoc
//!   does), read by pulldown-cmark with rustdoc's options, hold no code block (no
//!   doctest), no HTML (block or inline), no image and no link but the generator's own:
//!   `http(s)` autolinks of printable ASCII, and intra-doc links to a Rust path.
//!
//! The one code block allowed is the generator's `no_run` example in `src/lib.rs`.

use proc_macro2::{TokenStream, TokenTree};
use pulldown_cmark::{BrokenLink, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag};

/// Checks every `.rs` and `.md` file of a generation but the ones copied verbatim
/// (the vendored runtime, checked once in the committed crates); `Err` names the file
/// and what is wrong.
pub fn check_files<'a>(
    files: impl IntoIterator<Item = (&'a std::path::Path, &'a String)>,
) -> Result<(), String> {
    check_files_with(files, false)
}

/// Like [`check_files`]; with `verbatim`, the copied files too.
pub fn check_files_with<'a>(
    files: impl IntoIterator<Item = (&'a std::path::Path, &'a String)>,
    verbatim: bool,
) -> Result<(), String> {
    for (path, text) in files {
        if let Some(c) = path.components().find(|c| c.as_os_str().len() > 255) {
            return Err(format!(
                "{}: a path component longer than 255 bytes: {c:?}",
                path.display()
            ));
        }
        let copied = path.starts_with("src/runtime");
        if copied && !verbatim {
            continue;
        }
        if path.extension().is_some_and(|e| e == "rs") {
            check_rs(&path.to_string_lossy(), text)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            check_doc(&path.to_string_lossy(), text, false)?;
        }
    }
    Ok(())
}

/// Checks one generated Rust file.
pub fn check_rs(path: &str, text: &str) -> Result<(), String> {
    syn::parse_file(text).map_err(|e| format!("{path}: does not parse: {e}"))?;
    if let Some(c) = text
        .chars()
        .find(|c| (c.is_control() && *c != '\n') || is_bidi(*c))
    {
        return Err(format!(
            "{path}: raw character U+{:04X} in the source",
            c as u32
        ));
    }
    let tokens: TokenStream = text
        .parse()
        .map_err(|e| format!("{path}: does not tokenize: {e}"))?;
    let mut docs = Vec::new();
    collect_docs(tokens, &mut docs);
    let lib = path.ends_with("lib.rs");
    for d in &docs {
        check_doc(path, d, lib)?;
    }
    Ok(())
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{200E}' | '\u{200F}')
}

/// The doc text of every item: runs of adjacent `#[doc = "…"]` / `#![doc = "…"]`
/// attributes (which is what `///` and `//!` comments tokenize to), joined by `\n`.
fn collect_docs(tokens: TokenStream, out: &mut Vec<String>) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut current: Option<String> = None;
    let mut i = 0;
    while i < tts.len() {
        // `#` [`!`] `[doc = "…"]`
        if let TokenTree::Punct(p) = &tts[i]
            && p.as_char() == '#'
        {
            let mut j = i + 1;
            if let Some(TokenTree::Punct(b)) = tts.get(j)
                && b.as_char() == '!'
            {
                j += 1;
            }
            if let Some(TokenTree::Group(g)) = tts.get(j)
                && let Some(line) = doc_value(g.stream())
            {
                let d = current.get_or_insert_with(String::new);
                if !d.is_empty() {
                    d.push('\n');
                }
                d.push_str(&line);
                i = j + 1;
                continue;
            }
        }
        if let Some(d) = current.take() {
            out.push(d);
        }
        if let TokenTree::Group(g) = &tts[i] {
            collect_docs(g.stream(), out);
        }
        i += 1;
    }
    if let Some(d) = current.take() {
        out.push(d);
    }
}

/// The value of `doc = "…"`.
fn doc_value(attr: TokenStream) -> Option<String> {
    let tts: Vec<TokenTree> = attr.into_iter().collect();
    match tts.as_slice() {
        [
            TokenTree::Ident(i),
            TokenTree::Punct(eq),
            TokenTree::Literal(l),
        ] if i == "doc" && eq.as_char() == '=' => syn::parse_str::<syn::LitStr>(&l.to_string())
            .ok()
            .map(|s| s.value()),
        _ => None,
    }
}

/// Whether a link target is one the generator writes: a Rust path (`crate::runtime::Client`).
fn rust_path(s: &str) -> bool {
    let s = s.trim_matches('`');
    !s.is_empty()
        && s.split("::").all(|seg| {
            !seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Checks one doc text (or Markdown file) with pulldown-cmark, as rustdoc reads it.
pub fn check_doc(path: &str, doc: &str, lib: bool) -> Result<(), String> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION;
    // rustdoc resolves `[x]` with no definition as an intra-doc link: see them all.
    let mut callback =
        |l: BrokenLink<'_>| Some((CowStr::from(l.reference.to_string()), CowStr::from("")));
    let parser = Parser::new_with_broken_link_callback(doc, options, Some(&mut callback));
    let mut in_example = false;
    for event in parser {
        let bad = match &event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let example =
                    lib && matches!(kind, CodeBlockKind::Fenced(info) if info.as_ref() == "no_run");
                in_example = example;
                !example
            }
            Event::Text(t) if in_example => {
                in_example = false;
                !t.starts_with("# async fn example()")
            }
            Event::Html(_) | Event::InlineHtml(_) => true,
            Event::Start(Tag::Image { .. }) => true,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => match link_type {
                LinkType::Autolink => {
                    !((dest_url.starts_with("https://") || dest_url.starts_with("http://"))
                        && dest_url.chars().all(|c| c.is_ascii_graphic()))
                }
                LinkType::Inline
                | LinkType::ShortcutUnknown
                | LinkType::CollapsedUnknown
                | LinkType::ReferenceUnknown => !rust_path(dest_url),
                _ => true,
            },
            _ => false,
        };
        if bad {
            return Err(format!("{path}: {event:?} in the doc text:\n{doc}"));
        }
    }
    Ok(())
}

/// Schema names used by [`document`], in this order.
pub const NAMES: [&str; 12] = [
    "namespace",
    "enum type",
    "enum member",
    "other enum member",
    "entity type",
    "key property",
    "property",
    "navigation property",
    "complex type",
    "entity container",
    "entity set",
    "bound action",
];

/// Number of descriptions used by [`document`].
pub const DESCRIPTIONS: usize = 5;

/// Escapes text for an XML attribute value (line breaks and tabs as character
/// references, so the reader sees them unchanged).
pub fn xml_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// A small CSDL document with `names` (see [`NAMES`]) and `descriptions` in every slot
/// that reaches generated text: types, members, properties, navigation, container,
/// set, operation and parameter.
pub fn document(names: &[String; 12], descriptions: &[String; DESCRIPTIONS]) -> String {
    let n: Vec<String> = names.iter().map(|s| xml_attr(s)).collect();
    let d: Vec<String> = descriptions.iter().map(|s| xml_attr(s)).collect();
    let ns = &n[0];
    let desc = |i: usize| {
        format!(
            "<Annotation Term=\"Org.OData.Core.V1.Description\" String=\"{}\" />\
             <Annotation Term=\"Org.OData.Core.V1.LongDescription\" String=\"{}\" />",
            d[i],
            d[(i + 1) % DESCRIPTIONS]
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="{ns}" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="{e}">{d0}
        <Member Name="{m1}" Value="0">{d1}</Member>
        <Member Name="{m2}" Value="1" />
      </EnumType>
      <ComplexType Name="{ct}">{d2}
        <Property Name="{p}" Type="{ns}.{e}">{d3}</Property>
      </ComplexType>
      <EntityType Name="{et}">{d4}
        <Key><PropertyRef Name="{k}" /></Key>
        <Property Name="{k}" Type="Edm.String" Nullable="false">{d0}</Property>
        <Property Name="{p}" Type="{ns}.{ct}">{d1}</Property>
        <NavigationProperty Name="{nav}" Type="Collection({ns}.{et})" ContainsTarget="true">{d2}</NavigationProperty>
      </EntityType>
      <Action Name="{act}" IsBound="true">{d3}
        <Parameter Name="bindingParameter" Type="{ns}.{et}" />
        <Parameter Name="{p}" Type="{ns}.{e}" />
      </Action>
      <EntityContainer Name="{c}">
        <EntitySet Name="{set}" EntityType="{ns}.{et}">{d4}</EntitySet>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#,
        e = n[1],
        m1 = n[2],
        m2 = n[3],
        et = n[4],
        k = n[5],
        p = n[6],
        nav = n[7],
        ct = n[8],
        c = n[9],
        set = n[10],
        act = n[11],
        d0 = desc(0),
        d1 = desc(1),
        d2 = desc(2),
        d3 = desc(3),
        d4 = desc(4),
    )
}

/// What became of one hostile document.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The reader refused it with located errors.
    Refused,
    /// The crate was generated, and every file is inert.
    Generated,
}

/// Reads `xml` and generates every type of it: the reader must answer with located
/// errors, or the generated files must pass [`check_files`]. A panic anywhere fails the
/// caller (a test or the fuzzer).
pub fn read_and_generate(xml: &str) -> Result<Outcome, String> {
    let model = match csdl::load_str("hostile.xml", xml) {
        Ok(m) => m,
        Err(e) => {
            if e.errors.is_empty() || !e.to_string().contains("hostile.xml:") {
                return Err(format!("refused without a located error: {e}"));
            }
            return Ok(Outcome::Refused);
        }
    };
    let mut config = codegen::Config::new(
        "hostile",
        "generated/hostile",
        vec![std::path::PathBuf::from("hostile.xml")],
    );
    config.all();
    match codegen::generate(&config, &model) {
        Ok(files) => {
            check_files(files.iter().map(|(p, t)| (p.as_path(), t)))?;
            Ok(Outcome::Generated)
        }
        // A located generation error (a root the closure cannot select) is an answer too.
        Err(e) => {
            let text = e.to_string();
            if text.is_empty() {
                return Err("generation failed without a message".into());
            }
            Ok(Outcome::Refused)
        }
    }
}
