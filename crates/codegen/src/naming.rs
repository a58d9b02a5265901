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

use heck::{ToSnakeCase, ToUpperCamelCase};

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

/// Whether `s` is a Rust keyword that can be written as a raw identifier.
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Makes `s` (already cased) a valid identifier: keywords raw, `self` & co. suffixed,
/// empty or leading-digit names prefixed with `prefix`.
fn finish(s: String, digit_prefix: &str) -> String {
    let mut s: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
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

/// Name of a struct, enum or newtype for a CSDL type name: `complianceManagementPartner`
/// → `ComplianceManagementPartner`, `Option` → `Option_`, `self` → `Self_`.
pub fn type_name(csdl: &str) -> String {
    let s = csdl.to_upper_camel_case();
    let mut s = finish(s, "V");
    if PRELUDE_TYPES.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// Name of a struct field (or a setter) for a property: `displayName` → `display_name`,
/// `type` → `r#type`, `self` → `self_`, `additional` → `additional_value`.
pub fn field_name(csdl: &str) -> String {
    let s = csdl.to_snake_case();
    if RESERVED_FIELDS.contains(&s.as_str()) {
        return format!("{s}_value");
    }
    finish(s, "_")
}

/// Name of an enum variant for an enum member or a subtype: `unavailable` →
/// `Unavailable`, `unknown` → `UnknownValue` (the catch-all is `Unknown`).
pub fn variant_name(csdl: &str) -> String {
    let s = finish(csdl.to_upper_camel_case(), "V");
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
/// identifier (`type` → `type_`), so the file name is plain.
pub fn file_stem(csdl: &str) -> String {
    let s = finish(csdl.to_snake_case(), "_");
    match s.strip_prefix("r#") {
        Some(k) => format!("{k}_"),
        None => s,
    }
}

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
        let mut n = 2u32;
        loop {
            let candidate = if snake {
                format!("{base}_{n}")
            } else {
                format!("{base}{n}")
            };
            if self.used.insert(candidate.clone()) {
                return Claimed {
                    name: candidate,
                    collided_with: Some(wanted.to_string()),
                };
            }
            n += 1;
        }
    }
}

/// Renders `s` as a Rust string-literal-safe doc line set: one entry per line, each
/// neutralised for rustdoc (no code blocks, no HTML, no broken links, no bare URLs).
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let line = raw.trim();
        out.push(sanitize_doc_line(line));
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

/// Neutralises one line of a description for rustdoc.
fn sanitize_doc_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    // No Markdown lists, block quotes or tables: their continuation rules need indentation
    // the descriptions do not have.
    if let Some(marker) = ["- ", "* ", "+ ", "| "]
        .iter()
        .find(|m| rest.starts_with(**m))
    {
        out.push('\\');
        out.push_str(marker);
        rest = &rest[marker.len()..];
    } else {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && (rest[digits..].starts_with(". ") || rest[digits..].starts_with(") ")) {
            out.push_str(&rest[..digits]);
            out.push('\\');
            rest = &rest[digits..];
        }
    }
    while !rest.is_empty() {
        if let Some(url_len) = url_at(rest) {
            out.push('<');
            out.push_str(&rest[..url_len]);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            '`' => out.push('\''),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '*' if rest.starts_with("*/") => out.push_str("*\u{200b}"),
            '\\' => out.push_str("\\\\"),
            '#' if out.is_empty() => out.push_str("\\#"),
            '\t' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    // Markdown list or heading markers at line start stay harmless; a leading `|`
    // could start a table, a leading `>` is already escaped.
    out
}

/// Length of an `http://` or `https://` URL at the start of `s`.
fn url_at(s: &str) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return None;
    }
    let end = s
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']' | '['))
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
        assert_eq!(doc_lines("ends */ here"), ["ends *\u{200b}/ here"]);
        assert_eq!(
            doc_lines("See https://aka.ms/x. Or http://a.b/c?d=e"),
            ["See <https://aka.ms/x>. Or <http://a.b/c?d=e>"]
        );
        assert_eq!(doc_lines("# not a heading"), ["\\# not a heading"]);
        assert_eq!(doc_lines("- item\n  more"), ["\\- item", "more"]);
        assert_eq!(doc_lines("1. first"), ["1\\. first"]);
        assert_eq!(doc_lines("quote \" and \\"), ["quote \" and \\\\"]);
    }
}
