//! The rules for CSDL names (OData CSDL XML 4.01 §15.1, `SimpleIdentifier`).
//!
//! A name starts with a letter (Unicode `L`, `Nl`) or `_` and continues with letters,
//! digits (`Nd`), `_`, combining marks (`Mn`, `Mc`) and connector punctuation (`Pc`),
//! at most [`MAX_NAME_LEN`] characters: Unicode's `XID_Start` / `XID_Continue`, the
//! identifier classes of Rust itself. The spec also allows format characters (`Cf`);
//! they are refused here, since they are invisible (zero-width joiners, bidi controls)
//! and make generated code read differently from what it does.
//!
//! Real services break the rule in harmless ways: Graph v1.0's `InnerError` has
//! properties `request-id` and `client-request-id`; Dataverse's has a navigation
//! property whose name starts with `"`. A name that is a valid identifier once its `-`
//! (or, for names inside a type, container or operation, `.` and `"`) are replaced is
//! accepted with a warning; its wire name is kept as written (the generated code holds
//! it only in escaped string literals, URLs percent-encode it). Every other character
//! (control and format characters, whitespace, line breaks, punctuation such as `` ` ``
//! `<` `>` `'` `\` `{` `}` `[` `]` `(` `)` `*` `#` `!` `$` `&` `@` `/`, and `"` in a
//! schema-level name) is an error.

use std::fmt::Write;

/// The longest name accepted, in characters (the spec's limit).
pub const MAX_NAME_LEN: usize = 128;
/// The longest namespace accepted, in characters (the spec's limit).
pub const MAX_NAMESPACE_LEN: usize = 511;

/// The verdict on one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A `SimpleIdentifier`.
    Valid,
    /// Accepted, but not a `SimpleIdentifier`; the message says why.
    Warning(String),
    /// Refused; the message says why.
    Error(String),
}

/// Where a name appears: schema-level names form qualified names, so a `.` in them
/// is ambiguous and refused; names of members may hold one (with a warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A type, action, function, term or entity container, or an alias.
    SchemaLevel,
    /// A property, navigation property, enum member, parameter, entity set,
    /// singleton or import.
    Member,
}

/// Checks a `Name` (or alias).
pub fn check_name(name: &str, place: Place) -> Verdict {
    let len = name.chars().count();
    if len == 0 {
        return Verdict::Error("a name cannot be empty".into());
    }
    if len > MAX_NAME_LEN {
        return Verdict::Error(format!(
            "a name is at most {MAX_NAME_LEN} characters long (this one has {len})"
        ));
    }
    let mut tolerated: Vec<char> = Vec::new();
    for (i, c) in name.chars().enumerate() {
        let fine = if is_invisible(c) {
            false
        } else if i == 0 {
            c == '_' || unicode_ident::is_xid_start(c)
        } else {
            unicode_ident::is_xid_continue(c)
        };
        if fine {
            continue;
        }
        // A `"` in a member name: Dataverse's `$metadata` has a navigation property
        // `"msdyn_unifiedroutingrun_queueitem_targetobject` (written `&quot;…`).
        let harmless = (i > 0 && (c == '-' || (c == '.' && place == Place::Member)))
            || (c == '"' && place == Place::Member);
        if harmless {
            if !tolerated.contains(&c) {
                tolerated.push(c);
            }
            continue;
        }
        let what = if c == '.' && i > 0 {
            "holds `.`, which makes the qualified name of a schema element ambiguous".to_string()
        } else if i == 0 && c.is_numeric() {
            format!("starts with {}", describe(c))
        } else {
            format!("holds {}", describe(c))
        };
        return Verdict::Error(format!(
            "the name `{}` {what}; a name is letters, digits and `_`, starting with a letter or `_`",
            escape(name)
        ));
    }
    // What a `"` leaves must still start like a name.
    if tolerated.contains(&'"') {
        let mut rest = name.chars().filter(|c| *c != '"');
        if !rest
            .next()
            .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        {
            return Verdict::Error(format!(
                "the name `{}` is not a name once its `\"` are left out; a name is letters, digits and `_`, starting with a letter or `_`",
                escape(name)
            ));
        }
    }
    if tolerated.is_empty() {
        Verdict::Valid
    } else {
        let list: Vec<String> = tolerated.iter().map(|c| format!("`{c}`")).collect();
        Verdict::Warning(format!(
            "the name `{name}` is not an OData identifier (it holds {}); accepted, its wire name kept",
            list.join(" and ")
        ))
    }
}

/// Checks a schema namespace: dot-separated names, at most [`MAX_NAMESPACE_LEN`]
/// characters.
pub fn check_namespace(ns: &str) -> Verdict {
    let len = ns.chars().count();
    if len > MAX_NAMESPACE_LEN {
        return Verdict::Error(format!(
            "a namespace is at most {MAX_NAMESPACE_LEN} characters long (this one has {len})"
        ));
    }
    let mut warning = None;
    for part in ns.split('.') {
        match check_name(part, Place::SchemaLevel) {
            Verdict::Valid => {}
            Verdict::Warning(_) => {
                warning = Some(format!(
                    "the namespace `{ns}` is not an OData namespace (a part holds `-`); accepted"
                ))
            }
            Verdict::Error(_) if part.is_empty() => {
                return Verdict::Error(format!(
                    "the namespace `{}` has an empty part; a namespace is names separated by single dots",
                    escape(ns)
                ));
            }
            Verdict::Error(e) => {
                return Verdict::Error(format!("in namespace `{}`: {e}", escape(ns)));
            }
        }
    }
    match warning {
        Some(w) => Verdict::Warning(w),
        None => Verdict::Valid,
    }
}

/// A character as a message shows it: printable ones quoted, others by code point.
fn describe(c: char) -> String {
    if c.is_control() || c.is_whitespace() || is_invisible(c) {
        format!("the character U+{:04X}", c as u32)
    } else if c == '`' {
        "a backtick (U+0060)".to_string()
    } else if c.is_numeric() {
        format!("the digit `{c}` (U+{:04X})", c as u32)
    } else {
        format!("`{c}` (U+{:04X})", c as u32)
    }
}

/// Format and other invisible characters std does not classify: bidi controls,
/// zero-width characters, the BOM, soft hyphen, tags and variation selectors.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0xAD | 0x34F | 0x61C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFFB | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// A value made safe to show in a one-line message: control, format and invisible
/// characters as `\u{…}`, backticks and backslashes escaped, cut after 64 characters.
pub fn escape(s: &str) -> String {
    const SHOWN: usize = 64;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == SHOWN {
            let _ = write!(out, "…");
            break;
        }
        if c.is_control() || is_invisible(c) || (c.is_whitespace() && c != ' ') {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else if c == '`' || c == '\\' {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

/// A diagnostic message made safe for a terminal: control, format and invisible
/// characters (which a hostile value may carry into a quoted excerpt) as `\u{…}`, and
/// at most [`MAX_MESSAGE_LEN`] characters.
pub fn inert_message(m: &str) -> String {
    let mut out = String::with_capacity(m.len().min(MAX_MESSAGE_LEN + 8));
    for (i, c) in m.chars().enumerate() {
        if i == MAX_MESSAGE_LEN {
            out.push('…');
            break;
        }
        if c.is_control() || is_invisible(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// The longest diagnostic message shown, in characters.
pub const MAX_MESSAGE_LEN: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(name: &str) -> &'static str {
        match check_name(name, Place::Member) {
            Verdict::Valid => "ok",
            Verdict::Warning(_) => "warn",
            Verdict::Error(_) => "error",
        }
    }

    #[test]
    fn names_table() {
        let long = "a".repeat(MAX_NAME_LEN);
        let too_long = "a".repeat(MAX_NAME_LEN + 1);
        let table: &[(&str, &str)] = &[
            ("id", "ok"),
            ("_x", "ok"),
            ("Ünïcödé", "ok"),
            ("名前", "ok"),
            ("a1", "ok"),
            ("a_b", "ok"),
            ("e\u{301}", "ok"),   // combining acute (Mn)
            ("x\u{203F}y", "ok"), // undertie (Pc)
            ("Ⅻ", "ok"),          // Nl
            (&long, "ok"),
            ("request-id", "warn"),
            ("client-request-id", "warn"),
            ("a.b", "warn"),
            ("", "error"),
            (&too_long, "error"),
            ("1a", "error"),
            ("\u{663}abc", "error"), // Arabic-Indic digit first
            ("-a", "error"),
            (".a", "error"),
            ("a\u{b2}", "error"), // superscript two (No)
            ("a b", "error"),
            ("a\tb", "error"),
            ("a\nb", "error"),
            ("a\r", "error"),
            ("a\u{202E}b", "error"), // RLO
            ("a\u{2066}b", "error"), // LRI
            ("a\u{200B}b", "error"), // zero-width space
            ("a\u{200D}b", "error"), // zero-width joiner (Cf)
            ("a\u{FEFF}", "error"),
            ("a\u{0}", "error"),
            ("a`b", "error"),
            ("a<b", "error"),
            ("a>b", "error"),
            ("a\"b", "warn"),
            ("\"a", "warn"),
            ("\"", "error"),
            ("\"\"", "error"),
            ("\"1a", "error"),
            ("\"-a", "error"),
            ("a'b", "error"),
            ("a\\b", "error"),
            ("a{b", "error"),
            ("a}b", "error"),
            ("a[b", "error"),
            ("a]b", "error"),
            ("a(b", "error"),
            ("a)b", "error"),
            ("a*b", "error"),
            ("a#b", "error"),
            ("a!b", "error"),
            ("a$b", "error"),
            ("a&b", "error"),
            ("a@b", "error"),
            ("a/b", "error"),
            ("a:b", "error"),
            ("a;b", "error"),
            ("a|b", "error"),
            ("a~b", "error"),
            ("a+b", "error"),
            ("a=b", "error"),
            ("a%b", "error"),
            ("a\u{A0}b", "error"),
            ("a\u{E000}b", "error"), // private use
        ];
        for (name, want) in table {
            assert_eq!(verdict(name), *want, "{name:?}");
        }
    }

    #[test]
    fn a_quote_is_tolerated_in_member_names_only() {
        assert!(matches!(
            check_name("\"msdyn_x", Place::Member),
            Verdict::Warning(_)
        ));
        assert!(matches!(
            check_name("\"msdyn_x", Place::SchemaLevel),
            Verdict::Error(_)
        ));
        assert!(matches!(check_name("\"", Place::Member), Verdict::Error(_)));
    }

    #[test]
    fn a_dot_is_refused_in_schema_level_names() {
        assert!(matches!(
            check_name("a.b", Place::SchemaLevel),
            Verdict::Error(_)
        ));
        assert!(matches!(
            check_name("a-b", Place::SchemaLevel),
            Verdict::Warning(_)
        ));
    }

    #[test]
    fn namespaces() {
        assert_eq!(check_namespace("microsoft.graph"), Verdict::Valid);
        assert_eq!(check_namespace("a"), Verdict::Valid);
        assert!(matches!(check_namespace("my-co.x"), Verdict::Warning(_)));
        for bad in ["", ".a", "a.", "a..b", "a.1b", "a b", "a.\u{202E}"] {
            assert!(matches!(check_namespace(bad), Verdict::Error(_)), "{bad:?}");
        }
        let parts = vec!["abcdefgh"; 60].join(".");
        assert!(matches!(check_namespace(&parts), Verdict::Error(_)));
    }

    #[test]
    fn messages_echo_nothing_invisible_or_long() {
        let Verdict::Error(m) = check_name("a\u{202E}\nb`c", Place::Member) else {
            panic!()
        };
        assert!(!m.contains('\u{202E}') && !m.contains('\n'), "{m}");
        assert!(m.contains("\\u{202e}"), "{m}");
        let huge = format!("a{}", "\u{200B}".repeat(100_000));
        let Verdict::Error(m) = check_name(&huge, Place::Member) else {
            panic!()
        };
        assert!(m.len() < 200, "{m}");
        let huge = format!("a b{}", "c".repeat(100));
        let Verdict::Error(m) = check_name(&huge, Place::Member) else {
            panic!()
        };
        assert!(m.len() < 300, "{m}");
    }
}
