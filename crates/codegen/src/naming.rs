//! Every Rust name the generator emits is decided here, and only here.
//!
//! Each function returns a Rust identifier for a CSDL name; the CSDL (wire) name is
//! always kept by the caller for (de)serialization, because heck's case conversion is
//! lossy (`iOSManagedAppProtection` → `IOsManagedAppProtection`).
//!
//! Rules, each pinned by a unit-test table below:
//! - casing with heck: types and variants `UpperCamelCase`, fields, modules and files
//!   `snake_case`;
//! - Rust keywords become raw identifiers (`r#type`), except `self`, `Self`, `super`,
//!   `crate` and `_`, which cannot be raw and get a `_` suffix;
//! - a leading digit gets a prefix (`_` for snake case, `V` for camel case);
//! - type names that would shadow the prelude (`Option`, `Result`, `Box`, `String`,
//!   `Vec`, `Some`, `None`, `Ok`, `Err`, …) get a `_` suffix;
//! - names reserved for the generated API (`additional` fields, the `Unknown`
//!   catch-all variant) get a `_value` / `Value` suffix;
//! - collisions after case conversion are resolved by [`Allocator`] with a numeric
//!   suffix, in a deterministic order, and reported.

use std::collections::BTreeSet;

/// Strict and reserved keywords of Rust 2024 (plus weak keywords that are unsafe as
/// identifiers in some positions). `self`, `Self`, `super`, `crate` are handled apart.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Identifiers that cannot be raw identifiers.
const NON_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type-namespace names of the Rust prelude (and common std names) that a generated
/// type must not shadow in a module a user glob-imports.
const PRELUDE_TYPES: &[&str] = &[
    "Option",
    "Result",
    "Box",
    "String",
    "Vec",
    "Some",
    "None",
    "Ok",
    "Err",
    "Copy",
    "Clone",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Default",
    "Debug",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "ToString",
    "ToOwned",
    "Into",
    "From",
    "AsRef",
    "AsMut",
    "Extend",
    "Unpin",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
];

/// Field names the generated structs use themselves.
const RESERVED_FIELDS: &[&str] = &["additional"];

/// Variant names the generated enums use themselves.
const RESERVED_VARIANTS: &[&str] = &["Unknown"];

/// Results of a case conversion per thread: a schema repeats its property and type
/// names (Graph's property names recur in many types), and heck's conversions are most of
/// the cost of naming.
type NameCache = std::cell::RefCell<std::collections::HashMap<Box<str>, Box<str>>>;

thread_local! {
    static TYPE_NAMES: NameCache = Default::default();
    static FIELD_NAMES: NameCache = Default::default();
    static VARIANT_NAMES: NameCache = Default::default();
}

/// `convert(name)`, remembered in `cache` (emptied when it holds many names: a long-lived
/// process generating many schemas keeps a bounded cache).
fn cached(
    cache: &'static std::thread::LocalKey<NameCache>,
    name: &str,
    convert: fn(&str) -> String,
) -> String {
    cache.with(|c| {
        if let Some(hit) = c.borrow().get(name) {
            return hit.to_string();
        }
        let rust = convert(name);
        let mut c = c.borrow_mut();
        if c.len() >= 100_000 {
            c.clear();
        }
        c.insert(name.into(), rust.as_str().into());
        rust
    })
}

/// `snake_case` as heck writes it (`displayName` → `display_name`).
fn snake(s: &str) -> String {
    if !s.is_ascii() {
        return heck::ToSnakeCase::to_snake_case(s);
    }
    let mut out = String::with_capacity(s.len() + 4);
    ascii_words(s, |word| {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
    });
    out
}

/// `UpperCamelCase` as heck writes it (`complianceManagementPartner` →
/// `ComplianceManagementPartner`).
fn upper_camel(s: &str) -> String {
    if !s.is_ascii() {
        return heck::ToUpperCamelCase::to_upper_camel_case(s);
    }
    let mut out = String::with_capacity(s.len());
    ascii_words(s, |word| {
        let mut bytes = word.bytes();
        if let Some(first) = bytes.next() {
            out.push(first.to_ascii_uppercase() as char);
            out.extend(bytes.map(|b| b.to_ascii_lowercase() as char));
        }
    });
    out
}

/// heck 0.5's words of an ASCII string (its `transform`, without a `Formatter` and a
/// `to_lowercase` per character, which were most of naming's time): words are split
/// at every character that is not a letter or digit, after a lower-case letter (or a
/// digit after one) followed by an upper-case one, and before the last of several
/// upper-case letters followed by a lower-case one (`HTTPServer` → `HTTP`, `Server`).
/// A test compares the two on every short string of a tricky alphabet.
fn ascii_words(s: &str, mut word: impl FnMut(&str)) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    for w in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        let b = w.as_bytes();
        let mut init = 0;
        let mut mode = Mode::Boundary;
        for i in 0..b.len() {
            let c = b[i];
            let Some(&next) = b.get(i + 1) else {
                word(&w[init..]);
                break;
            };
            let next_mode = if c.is_ascii_lowercase() {
                Mode::Lower
            } else if c.is_ascii_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_ascii_uppercase() {
                word(&w[init..=i]);
                init = i + 1;
                mode = Mode::Boundary;
            } else if mode == Mode::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                word(&w[init..i]);
                init = i;
                mode = Mode::Boundary;
            } else {
                mode = next_mode;
            }
        }
    }
}

/// Whether `s` is a Rust keyword that can be written as a raw identifier.
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Makes `s` (already cased) a valid identifier: keywords raw, `self` & co. suffixed,
/// empty or leading-digit names prefixed with `prefix` (`"V"` for camel case, `"_"` for
/// snake case).
///
/// Identifiers are ASCII: rustc warns about many non-ASCII ones (`uncommon_codepoints`,
/// `mixed_script_confusables`, `confusable_idents`) and normalises them (NFC), so two
/// distinct names could become one. Latin letters with diacritics are transliterated
/// (`Straße` → `Strasse`, `naïve` → `naive`); any other non-ASCII character becomes its
/// code point (`α` → `u03b1` in snake case, `U03b1` in camel case). Collisions this makes
/// are resolved and reported by [`Allocator`]; the wire name is kept by the caller.
fn finish(s: String, digit_prefix: &str) -> String {
    let mut s = if s.is_ascii() {
        s.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect()
    } else {
        ascii_ident(&s, digit_prefix == "V")
    };
    if s.is_empty() {
        s.push_str(digit_prefix);
        s.push_str("empty");
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, digit_prefix);
    }
    if NON_RAW.contains(&s.as_str()) {
        s.push('_');
    } else if is_keyword(&s) {
        s.insert_str(0, "r#");
    }
    s
}

/// Transliterations of U+00C0–U+017F (Latin-1 Supplement and Latin Extended-A) to
/// ASCII; `""` for the two that are not letters (`×`, `÷`).
const LATIN: [&str; 192] = [
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I", "D", "N", "O",
    "O", "O", "O", "O", "", "O", "U", "U", "U", "U", "Y", "TH", "ss", "a", "a", "a", "a", "a", "a",
    "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "", "o",
    "u", "u", "u", "u", "y", "th", "y", "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c",
    "C", "c", "D", "d", "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G",
    "g", "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i", "I", "i",
    "IJ", "ij", "J", "j", "K", "k", "k", "L", "l", "L", "l", "L", "l", "L", "l", "L", "l", "N",
    "n", "N", "n", "N", "n", "n", "N", "n", "O", "o", "O", "o", "O", "o", "OE", "oe", "R", "r",
    "R", "r", "R", "r", "S", "s", "S", "s", "S", "s", "S", "s", "T", "t", "T", "t", "T", "t", "U",
    "u", "U", "u", "U", "u", "U", "u", "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z",
    "z", "Z", "z", "s",
];

/// `s` with every non-ASCII character transliterated or spelled as its code point.
fn ascii_ident(s: &str, camel: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        let t = (c as usize)
            .checked_sub(0xC0)
            .and_then(|i| LATIN.get(i))
            .filter(|t| !t.is_empty());
        match t {
            _ if c.is_ascii_alphanumeric() || c == '_' => out.push(c),
            _ if c.is_ascii() => out.push('_'),
            Some(t) => out.push_str(t),
            // Lower-case hex digits: an all-capitals name would be an acronym to clippy.
            None => out.push_str(&format!(
                "{}{:04x}",
                if camel { 'U' } else { 'u' },
                c as u32
            )),
        }
    }
    out
}

/// Whether `s` is a valid Rust identifier as the generator writes them (raw ones as
/// `r#type`), by the XID rules rustc uses.
pub fn is_ident(s: &str) -> bool {
    let (raw, body) = match s.strip_prefix("r#") {
        Some(b) => (true, b),
        None => (false, s),
    };
    let mut chars = body.chars();
    let start_ok = chars
        .next()
        .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c));
    start_ok
        && chars.all(unicode_ident::is_xid_continue)
        && body != "_"
        && !(raw && NON_RAW.contains(&body))
}

/// Name of a struct, enum or newtype for a CSDL type name: `complianceManagementPartner`
/// → `ComplianceManagementPartner`, `Option` → `Option_`, `self` → `Self_`.
pub fn type_name(csdl: &str) -> String {
    cached(&TYPE_NAMES, csdl, type_name_uncached)
}

fn type_name_uncached(csdl: &str) -> String {
    let s = upper_camel(csdl);
    let mut s = finish(s, "V");
    if PRELUDE_TYPES.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// Name of a struct field (or a setter) for a property: `displayName` → `display_name`,
/// `type` → `r#type`, `self` → `self_`, `additional` → `additional_value`.
pub fn field_name(csdl: &str) -> String {
    cached(&FIELD_NAMES, csdl, field_name_uncached)
}

fn field_name_uncached(csdl: &str) -> String {
    let s = snake(csdl);
    if RESERVED_FIELDS.contains(&s.as_str()) {
        return format!("{s}_value");
    }
    finish(s, "_")
}

/// Name of a constant: `china` → `CHINA`, `usGov` → `US_GOV`.
pub fn const_name(name: &str) -> String {
    let s = field_name(name);
    let s = s.strip_prefix("r#").unwrap_or(&s);
    s.trim_end_matches('_').to_ascii_uppercase()
}

/// Name of an enum variant for an enum member or a subtype: `unavailable` →
/// `Unavailable`, `unknown` → `UnknownValue` (the catch-all is `Unknown`).
pub fn variant_name(csdl: &str) -> String {
    cached(&VARIANT_NAMES, csdl, variant_name_uncached)
}

fn variant_name_uncached(csdl: &str) -> String {
    let s = finish(upper_camel(csdl), "V");
    if RESERVED_VARIANTS.contains(&s.as_str()) {
        return format!("{s}Value");
    }
    s
}

/// Module name of a namespace: `microsoft.graph` → `microsoft_graph`,
/// `microsoft.management.services.api` → `microsoft_management_services_api`.
pub fn module_name(namespace: &str) -> String {
    file_stem(&namespace.replace('.', "_"))
}

/// File stem (and private module name) of a type's file: `snake_case`, never a raw
/// identifier (`type` → `type_`) nor a Windows device name (`con` → `con_`), so the file
/// name is plain everywhere.
///
/// At most [`MAX_FILE_STEM`] bytes, so that a file or folder name fits every file system
/// (255 bytes) even for a 128-character non-ASCII name spelled as code points: a longer
/// stem is cut (the callers' [`Allocator`] resolves the collisions this may cause).
pub fn file_stem(csdl: &str) -> String {
    let s = finish(snake(csdl), "_");
    let mut s = match s.strip_prefix("r#") {
        Some(k) => format!("{k}_"),
        None => s,
    };
    if s.len() > MAX_FILE_STEM {
        // ASCII: any byte index is a char boundary.
        s.truncate(MAX_FILE_STEM);
    }
    if is_windows_device(&s) {
        s.push('_');
    }
    s
}

/// Whether `stem` is a name Windows reserves for a device whatever the extension
/// (`con.rs`, `aux.rs`, `nul.rs`, `com1.rs`: such a file cannot be created or checked out
/// there). Stems are lower case.
fn is_windows_device(stem: &str) -> bool {
    matches!(stem, "con" | "prn" | "aux" | "nul")
        || (stem.len() == 4
            && (stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.as_bytes()[3].is_ascii_digit())
}

/// The longest file stem or module name [`file_stem`] returns, in bytes.
pub const MAX_FILE_STEM: usize = 120;

/// A name with a suffix appended, keeping it a valid identifier (`r#type` + `Create`
/// stays `r#type`-free: suffixing a raw keyword yields a plain name).
pub fn with_suffix(name: &str, suffix: &str) -> String {
    let base = name.strip_prefix("r#").unwrap_or(name);
    let base = base
        .strip_suffix('_')
        .filter(|b| PRELUDE_TYPES.contains(b) || NON_RAW.contains(b))
        .unwrap_or(base);
    let s = format!("{base}{suffix}");
    if PRELUDE_TYPES.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// A name with a prefix prepended (`Any` + `Target` → `AnyTarget`).
pub fn with_prefix(prefix: &str, name: &str) -> String {
    let base = name.strip_prefix("r#").unwrap_or(name);
    let base = base
        .strip_suffix('_')
        .filter(|b| PRELUDE_TYPES.contains(b) || NON_RAW.contains(b))
        .unwrap_or(base);
    format!("{prefix}{base}")
}

/// Hands out names in one scope (a module's types, a struct's fields, an enum's
/// variants), resolving collisions after case conversion with a numeric suffix.
///
/// Callers claim names in a deterministic order (see each use); the first claimant
/// keeps the plain name, later ones get `2`, `3`, … (`_2` for snake case).
#[derive(Debug, Default, Clone)]
pub struct Allocator {
    used: BTreeSet<String>,
    /// The suffix to try first for a base (with its separator): every smaller one is
    /// taken, and stays taken. Without it, `n` names colliding on one base cost `n²`
    /// tries (8,000 properties transliterating alike took 17 s, a 64 MiB schema days).
    next: std::collections::HashMap<String, u32>,
}

/// The result of claiming a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The identifier to use.
    pub name: String,
    /// `Some(wanted)` when `wanted` was taken and a suffix was added.
    pub collided_with: Option<String>,
}

impl Allocator {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks `name` as used without claiming it (names the generator itself emits).
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_string());
    }

    /// Whether `name` is already used.
    pub fn is_used(&self, name: &str) -> bool {
        self.used.contains(name)
    }

    /// Claims `wanted`, or `wanted` plus the first free numeric suffix.
    pub fn claim(&mut self, wanted: &str, snake: bool) -> Claimed {
        if self.used.insert(wanted.to_string()) {
            return Claimed {
                name: wanted.to_string(),
                collided_with: None,
            };
        }
        let base = wanted.strip_prefix("r#").unwrap_or(wanted);
        let base = base.trim_end_matches('_');
        let prefix = if snake {
            format!("{base}_")
        } else {
            base.to_string()
        };
        let mut n = self.next.get(&prefix).copied().unwrap_or(2);
        loop {
            let candidate = format!("{prefix}{n}");
            n += 1;
            if self.used.insert(candidate.clone()) {
                self.next.insert(prefix, n);
                return Claimed {
                    name: candidate,
                    collided_with: Some(wanted.to_string()),
                };
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Text: every schema string that reaches generated text.
//
// A schema is written by someone else. Its names and descriptions end up in doc comments
// (rendered by rustdoc, and run as doctests when they hold a code block), in Markdown
// files and in string literals. Everything it says goes through [`inert`] (prose: a
// description line, a name in a sentence) or [`code`] (a name or path shown as inline
// code), which share one rule for invisible characters ([`push_visible`]); string
// literals are written by `emit::text::lit`, which escapes the same characters
// (`char::escape_debug`, as `proc_macro2::Literal::string` does).

/// Renders a description as doc lines: one entry per line, each through [`inert`],
/// leading and trailing blank lines dropped and runs of blank lines collapsed.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        out.push(inert(raw));
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    // Collapse runs of blank lines.
    out.dedup_by(|a, b| a.is_empty() && b.is_empty());
    out
}

/// Makes schema text inert as one line of prose in a doc comment or Markdown file.
///
/// The result is a single line that rustdoc (CommonMark) renders as plain text:
/// - no block can start: leading whitespace is trimmed (no indented code block), a
///   leading `#`, `~`, list marker (`- `, `* `, `+ `, `1. `, `1) `) or table `|` is
///   backslash-escaped, `>` is an entity;
/// - no code span or fence: a backtick becomes `'`;
/// - no HTML (tags, comments, autolinks) and no entity: `<` and `>` become `&lt;` and
///   `&gt;`, an `&` that would start an entity becomes `&amp;`;
/// - no links (inline, reference, intra-doc, footnote): `[` and `]` are escaped; an
///   `http(s)://` URL becomes an autolink `<…>` of printable ASCII only;
/// - a backslash stays a backslash (`\\`), `*/` cannot close a block comment (`*\/`);
/// - line breaks, control, format and bidi characters (U+202E, U+2066, U+200B, U+FEFF,
///   …) are shown as `\u{202E}`, other spaces (no-break space, …) are plain spaces.
pub fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text.trim();
    // No Markdown lists or tables: a list item whose marker is followed by five spaces
    // starts with an indented code block (a doctest). The marker is escaped whatever
    // whitespace follows it: a tab, or a no-break space (written as a space below).
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let marker = match rest.as_bytes().first() {
        Some(b'-' | b'*' | b'+' | b'|') => Some(0),
        _ if digits > 0 && matches!(rest.as_bytes().get(digits), Some(b'.' | b')')) => Some(digits),
        _ => None,
    };
    if let Some(at) = marker
        && rest[at + 1..].starts_with(char::is_whitespace)
    {
        out.push_str(&rest[..at]);
        out.push('\\');
        out.push_str(&rest[at..at + 1]);
        rest = &rest[at + 1..];
    }
    while let Some(c) = rest.chars().next() {
        if let Some(url_len) = url_at(rest) {
            out.push('<');
            out.push_str(&rest[..url_len]);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        match c {
            '`' => out.push('\''),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' if entity_at(rest) => out.push_str("&amp;"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '*' if rest.starts_with("*/") => out.push_str("*\\"),
            '\\' => out.push_str("\\\\"),
            '#' | '~' if out.is_empty() => {
                out.push('\\');
                out.push(c);
            }
            c => push_visible(&mut out, c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A schema name or path as inline code in a doc comment or Markdown file:
/// `` `name` ``. Inside a code span nothing is markup; a backtick (which would end it)
/// becomes `'`, and invisible characters are shown as in [`inert`].
pub fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('`');
    if is_plain_ascii(text) {
        out.push_str(text);
        out.push('`');
        return out;
    }
    for c in text.chars() {
        match c {
            '`' => out.push('\''),
            c => push_visible(&mut out, c),
        }
    }
    out.push('`');
    out
}

/// A schema name or path in plain generated text (`API.txt`, warnings): one line,
/// no backtick, invisible characters shown as in [`inert`].
pub fn plain(text: &str) -> String {
    if is_plain_ascii(text) {
        return text.to_string();
    }
    let code = code(text);
    code[1..code.len() - 1].to_string()
}

/// Printable ASCII without a backtick: what [`code`] and [`plain`] keep as it is.
fn is_plain_ascii(text: &str) -> bool {
    text.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'`')
}

/// Pushes `c`, or a visible stand-in: `\u{…}` for line breaks, control, format, bidi,
/// private-use and unassigned characters (what `char::escape_debug` escapes, so a
/// generated file never holds a character rustc's `text_direction_codepoint_*` lints
/// deny), a plain space for other spaces, `' '` for a tab.
fn push_visible(out: &mut String, c: char) {
    if c == '\t' {
        out.push(' ');
    } else if c.is_ascii() {
        if c.is_ascii_control() {
            out.push_str(&format!("\\u{{{:X}}}", c as u32));
        } else {
            out.push(c);
        }
    } else if c.is_whitespace() && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') {
        out.push(' ');
    } else if is_printable(c) {
        out.push(c);
    } else {
        out.push_str(&format!("\\u{{{:X}}}", c as u32));
    }
}

/// Whether `c` is printable by Rust's own table (`escape_debug` leaves it as it is).
/// A combining mark counts as printable (escape_debug escapes it only at the start).
fn is_printable(c: char) -> bool {
    let mut buf = [0u8; 5];
    buf[0] = b'a';
    let len = 1 + c.encode_utf8(&mut buf[1..]).len();
    // `buf[..len]` is "a" followed by `c`: valid UTF-8.
    std::str::from_utf8(&buf[..len]).is_ok_and(|s| s.escape_debug().eq(s.chars()))
}

/// Whether `s` starts with an HTML entity reference (`&amp;`, `&#60;`, `&#x3C;`).
fn entity_at(s: &str) -> bool {
    let body = &s[1..];
    let end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
        .unwrap_or(body.len());
    end > 0 && body[end..].starts_with(';')
}

/// Length of an `http://` or `https://` URL at the start of `s`: printable ASCII up to
/// a space or a character that would end an autolink or a sentence.
fn url_at(s: &str) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return None;
    }
    let end = s
        .char_indices()
        .find(|(_, c)| {
            !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']' | '[' | '\\')
        })
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    // Trailing punctuation belongs to the sentence.
    let trimmed = s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    Some(trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversions_are_heck_s() {
        use heck::{ToSnakeCase, ToUpperCamelCase};
        // Every string of up to six characters of an alphabet with each kind of
        // character heck tells apart (lower, upper, digit, separators).
        let alphabet = ['a', 'b', 'A', 'B', '1', '_', '-', ' ', '.'];
        let mut strings = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..6 {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(last.iter().cloned());
        }
        strings.extend(
            [
                "HTTPServer",
                "getHTTPResponseCode",
                "ABCdef",
                "iOSApp",
                "v1Beta2",
                "x_y__z",
                "microsoft.graph.callRecords",
                "IPv6Address",
                "AAAa",
                "a1B",
                "A1b",
                "__a__",
                "Straße",
                "日本語Name",
                "ΣΑΣ",
                "naïveUser",
            ]
            .map(String::from),
        );
        for s in &strings {
            assert_eq!(snake(s), s.to_snake_case(), "{s:?}");
            assert_eq!(upper_camel(s), s.to_upper_camel_case(), "{s:?}");
        }
    }

    #[test]
    fn type_names() {
        let table = [
            ("complianceManagementPartner", "ComplianceManagementPartner"),
            (
                "deviceAndAppManagementAssignmentTarget",
                "DeviceAndAppManagementAssignmentTarget",
            ),
            ("iOSManagedAppProtection", "IOsManagedAppProtection"),
            ("Option", "Option_"),
            ("option", "Option_"),
            ("result", "Result_"),
            ("box", "Box_"),
            ("string", "String_"),
            ("vec", "Vec_"),
            ("Some", "Some_"),
            ("none", "None_"),
            ("ok", "Ok_"),
            ("err", "Err_"),
            ("self", "Self_"),
            ("Self", "Self_"),
            ("type", "Type"),
            ("1stThing", "V1stThing"),
            ("case", "Case"),
            ("a.b", "AB"),
            ("", "Vempty"),
        ];
        for (csdl, rust) in table {
            assert_eq!(type_name(csdl), rust, "type_name({csdl:?})");
        }
    }

    #[test]
    fn field_names() {
        let table = [
            ("displayName", "display_name"),
            ("queryString", "query_string"),
            ("query_string", "query_string"),
            ("type", "r#type"),
            ("move", "r#move"),
            ("final", "r#final"),
            ("async", "r#async"),
            ("gen", "r#gen"),
            ("self", "self_"),
            ("Self", "self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            ("_", "_empty"),
            ("2fa", "_2fa"),
            ("additional", "additional_value"),
            ("id", "id"),
            ("macOsOnboarded", "mac_os_onboarded"),
            ("@odata.type", "odata_type"),
        ];
        for (csdl, rust) in table {
            assert_eq!(field_name(csdl), rust, "field_name({csdl:?})");
        }
    }

    #[test]
    fn variant_names() {
        let table = [
            ("unknown", "UnknownValue"),
            ("unknownFutureValue", "UnknownFutureValue"),
            ("Box", "Box"),
            ("Loop", "Loop"),
            ("Override", "Override"),
            ("Enum", "Enum"),
            ("None", "None"),
            ("self", "Self_"),
            ("3d", "V3d"),
            ("iOS", "IOs"),
        ];
        for (csdl, rust) in table {
            assert_eq!(variant_name(csdl), rust, "variant_name({csdl:?})");
        }
    }

    #[test]
    fn module_and_file_names() {
        assert_eq!(module_name("microsoft.graph"), "microsoft_graph");
        assert_eq!(
            module_name("microsoft.management.services.api"),
            "microsoft_management_services_api"
        );
        assert_eq!(
            module_name("microsoft.graph.managedTenants"),
            "microsoft_graph_managed_tenants"
        );
        assert_eq!(module_name("type"), "type_");
        assert_eq!(
            file_stem("complianceManagementPartner"),
            "compliance_management_partner"
        );
        assert_eq!(file_stem("type"), "type_");
        assert_eq!(file_stem("self"), "self_");
        assert_eq!(file_stem("9lives"), "_9lives");
        for device in ["con", "Con", "PRN", "aux", "nul", "com1", "COM9", "lpt0"] {
            let stem = file_stem(device);
            assert_eq!(stem, format!("{}_", device.to_ascii_lowercase()));
            assert!(is_ident(&stem));
        }
        assert_eq!(file_stem("console"), "console");
        assert_eq!(file_stem("com10"), "com10");
        assert_eq!(module_name("aux"), "aux_");
        let long = file_stem(&"名".repeat(128));
        assert_eq!(long.len(), MAX_FILE_STEM);
        assert!(long.starts_with("u540du540d") && is_ident(&long));
        assert_eq!(module_name(&"a.".repeat(100)).len(), MAX_FILE_STEM);
    }

    #[test]
    fn suffixes_and_prefixes() {
        assert_eq!(
            with_suffix("ComplianceManagementPartner", "Create"),
            "ComplianceManagementPartnerCreate"
        );
        assert_eq!(with_suffix("Option_", "Update"), "OptionUpdate");
        assert_eq!(with_suffix("Self_", "Create"), "SelfCreate");
        assert_eq!(with_prefix("Any", "Result_"), "AnyResult");
        assert_eq!(with_prefix("Any", "Target"), "AnyTarget");
    }

    #[test]
    fn collisions_get_deterministic_suffixes() {
        let mut fields = Allocator::new();
        assert_eq!(fields.claim("query_string", true).name, "query_string");
        let second = fields.claim("query_string", true);
        assert_eq!(second.name, "query_string_2");
        assert_eq!(second.collided_with.as_deref(), Some("query_string"));
        assert_eq!(fields.claim("query_string", true).name, "query_string_3");

        let mut types = Allocator::new();
        types.reserve("FooCreate");
        assert_eq!(types.claim("FooCreate", false).name, "FooCreate2");
        let mut raw = Allocator::new();
        raw.claim("r#type", true);
        assert_eq!(raw.claim("r#type", true).name, "type_2");

        // A suffix taken by another name is skipped, and the order of claims decides as
        // before; many names on one base cost one try each.
        let mut a = Allocator::new();
        a.reserve("x_3");
        let got: Vec<String> = (0..5).map(|_| a.claim("x", true).name).collect();
        assert_eq!(got, ["x", "x_2", "x_4", "x_5", "x_6"]);
        assert_eq!(a.claim("x_5", true).name, "x_5_2");
        assert_eq!(a.claim("x", true).name, "x_7");
        let mut many = Allocator::new();
        for i in 0..100_000u32 {
            let c = many.claim("same", false);
            assert_eq!(
                c.name,
                if i == 0 {
                    "same".to_string()
                } else {
                    format!("same{}", i + 1)
                }
            );
        }
    }

    #[test]
    fn docs_are_neutralised() {
        assert_eq!(doc_lines("a\r\nb\n\n\nc\n"), ["a", "b", "", "c"]);
        assert_eq!(doc_lines("   indented code"), ["indented code"]);
        assert_eq!(doc_lines("```rust"), ["'''rust"]);
        assert_eq!(
            doc_lines("see [link] and <b>"),
            ["see \\[link\\] and &lt;b&gt;"]
        );
        assert_eq!(doc_lines("ends */ here"), ["ends *\\/ here"]);
        assert_eq!(
            doc_lines("See https://aka.ms/x. Or http://a.b/c?d=e"),
            ["See <https://aka.ms/x>. Or <http://a.b/c?d=e>"]
        );
        assert_eq!(doc_lines("# not a heading"), ["\\# not a heading"]);
        assert_eq!(doc_lines("- item\n  more"), ["\\- item", "more"]);
        assert_eq!(doc_lines("1. first"), ["1\\. first"]);
        // A marker followed by tabs or no-break spaces: no list item starting with code.
        assert_eq!(doc_lines("-\t\t\t\t\tcode"), ["\\-     code"]);
        assert_eq!(doc_lines("*\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}x"), ["\\*     x"]);
        assert_eq!(doc_lines("12)\t\t\t\t\tx"), ["12\\)     x"]);
        assert_eq!(doc_lines("|\tx"), ["\\| x"]);
        assert_eq!(doc_lines("-1 and 3.5"), ["-1 and 3.5"]);
        assert_eq!(doc_lines("quote \" and \\"), ["quote \" and \\\\"]);
        assert_eq!(doc_lines("a\n    fn main() {}"), ["a", "fn main() {}"]);
        assert_eq!(doc_lines("~~~rust\nx\n~~~"), ["\\~~~rust", "x", "\\~~~"]);
        assert_eq!(
            doc_lines("<script>alert(1)</script> <!-- c --> &lt;b&gt; &amp; & AT&T"),
            [
                "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- c --&gt; &amp;lt;b&amp;gt; &amp;amp; & AT&T"
            ]
        );
        assert_eq!(
            doc_lines("[x](javascript:alert(1)) [crate::x] [r]: http://e [^f]"),
            ["\\[x\\](javascript:alert(1)) \\[crate::x\\] \\[r\\]: <http://e> \\[^f\\]"]
        );
        assert_eq!(doc_lines("<https://a.b/c>"), ["&lt;<https://a.b/c>&gt;"]);
        assert_eq!(
            doc_lines("https://a.b/\u{202e}x"),
            ["<https://a.b/>\\u{202E}x"]
        );
    }

    #[test]
    fn invisible_characters_are_shown() {
        assert_eq!(inert("a\u{202e}b\u{2066}c"), "a\\u{202E}b\\u{2066}c");
        assert_eq!(
            inert("zero\u{200b}width\u{feff}\u{61c}"),
            "zero\\u{200B}width\\u{FEFF}\\u{61C}"
        );
        assert_eq!(
            inert("line\nbreak\r\u{85}\u{2028}end"),
            "line\\u{A}break\\u{D}\\u{85}\\u{2028}end"
        );
        assert_eq!(inert("no\u{a0}break\tspace"), "no break space");
        assert_eq!(
            inert("Straße naïve Ωμέγα 名前 x²"),
            "Straße naïve Ωμέγα 名前 x²"
        );
        assert_eq!(code("a`b\u{202e}"), "`a'b\\u{202E}`");
        assert_eq!(code("request-id"), "`request-id`");
        assert_eq!(plain("a\nb"), "a\\u{A}b");
    }

    #[test]
    fn non_ascii_names_become_ascii_identifiers() {
        let table = [
            ("Straße", "strasse", "Strasse"),
            ("naïve", "naive", "Naive"),
            (
                "Ωμέγα",
                "u03c9u03bcu03adu03b3u03b1",
                "U03a9U03bcU03adU03b3U03b1",
            ),
            ("名前", "u540du524d", "U540dU524d"),
            ("x²", "xu00b2", "XU00b2"),
            ("٣x", "u0663x", "U0663x"),
            ("request-id", "request_id", "RequestId"),
            ("a\u{202e}b", "a_b", "AB"),
        ];
        for (csdl, snake, camel) in table {
            assert_eq!(field_name(csdl), snake, "field_name({csdl:?})");
            assert_eq!(type_name(csdl), camel, "type_name({csdl:?})");
            assert!(is_ident(&variant_name(csdl)) && is_ident(&file_stem(csdl)));
        }
        for bad in ["", "_", "2a", "a-b", "x²", "r#self", "r#_"] {
            assert!(!is_ident(bad), "{bad:?}");
        }
        for good in ["a", "_a", "r#type", "A1", "Straße"] {
            assert!(is_ident(good), "{good:?}");
        }
    }
}
