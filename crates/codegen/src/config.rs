//! The generator's configuration: one [`Config`] per output crate, read from the
//! committed `codegen.toml` ([`ConfigFile::parse`]) or built in code.
//!
//! The keys of `codegen.toml` and their meaning are described once, in the
//! "Configuration reference" section of `crates/codegen/README.md`; the fields below
//! say how each is held.

use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Diagnostic, Error, Location};

/// What to generate for one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Package name of the generated crate (`graph-v1`).
    pub name: String,
    /// Output folder, relative to the workspace root (`generated/graph-v1`).
    pub out: PathBuf,
    /// Schema files as written in the config, relative to the workspace root. Every one
    /// is read and contributes its namespaces (the reader follows `edmx:Reference`s for
    /// the namespaces none declares); mapped references must lie in the first one's folder.
    pub schemas: Vec<PathBuf>,
    /// Which types to generate.
    pub selection: Selection,
    /// Whether the service addresses entities by key as a path segment (Graph does).
    pub key_as_segment: bool,
    /// The service root the crate's example and `SERVICE_ROOT` use
    /// (`https://graph.microsoft.com/v1.0`).
    pub service_root: Option<String>,
    /// Other roots of the same service (national clouds, staging), by name.
    pub service_roots: Vec<(String, String)>,
    /// Reference URI → local file standing for it, relative to the workspace root like
    /// `schemas` (`[crate.references]`, `--reference URI=FILE`).
    pub references: Vec<(String, PathBuf)>,
    /// Every warning of the CSDL reader is an error (`strict = true`, `--strict`).
    pub strict: bool,
    /// One Cargo feature per entity set and singleton, each compiling only the types
    /// and builders its area needs (`area_features = true`, `--area-features`).
    pub area_features: bool,
}

/// The roots of generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every type of every schema read.
    All,
    /// The closure of these roots.
    Roots(Vec<Root>),
}

/// One root, with where it was written (for errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// A qualified type name (`microsoft.graph.user`, alias forms accepted), an entity set
    /// or singleton name, or a `Container/segment/...` navigation path.
    pub name: String,
    /// Where the root was written, if it came from a file.
    pub location: Option<Location>,
}

impl Config {
    /// A config for `name` generating into `out` from `schemas`.
    pub fn new(name: impl Into<String>, out: impl Into<PathBuf>, schemas: Vec<PathBuf>) -> Self {
        Config {
            name: name.into(),
            out: out.into(),
            schemas,
            selection: Selection::Roots(Vec::new()),
            key_as_segment: false,
            service_root: None,
            service_roots: Vec::new(),
            references: Vec::new(),
            strict: false,
            area_features: false,
        }
    }

    /// A config for the crate `name` (its package name) with no schema and no root yet:
    /// the start of the builder chain that ends in
    /// [`generate_into`](Config::generate_into) (or [`generate`](crate::generate)).
    pub fn for_crate(name: impl Into<String>) -> Self {
        Config::new(name, PathBuf::new(), Vec::new())
    }

    /// Adds a schema file (CSDL XML or JSON). The first is the main document, whose
    /// folder holds the files its references are mapped to.
    pub fn schema(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.schemas.push(path.into());
        self
    }

    /// Adds roots: qualified type names, entity sets, singletons or `Container/path`s
    /// (as `roots = [...]` in `codegen.toml`).
    pub fn roots<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, names: I) -> &mut Self {
        for n in names {
            self.root(n);
        }
        self
    }

    /// Sets the service root: the crate's `SERVICE_ROOT` and the root of its examples
    /// (checked when generating, as [`check_service_root`]).
    pub fn service_root(&mut self, url: impl Into<String>) -> &mut Self {
        self.service_root = Some(url.into());
        self
    }

    /// Maps an `edmx:Reference` URI to a local file (as `[crate.references]`).
    pub fn reference(&mut self, uri: impl Into<String>, file: impl Into<PathBuf>) -> &mut Self {
        self.references.push((uri.into(), file.into()));
        self
    }

    /// Makes every warning of the CSDL reader an error (as `strict = true`).
    pub fn strict(&mut self, yes: bool) -> &mut Self {
        self.strict = yes;
        self
    }

    /// Adds a root (switching an [`Selection::All`] config back to roots).
    pub fn root(&mut self, name: impl Into<String>) -> &mut Self {
        let root = Root {
            name: name.into(),
            location: None,
        };
        match &mut self.selection {
            Selection::Roots(r) => r.push(root),
            Selection::All => self.selection = Selection::Roots(vec![root]),
        }
        self
    }

    /// Generates everything.
    pub fn all(&mut self) -> &mut Self {
        self.selection = Selection::All;
        self
    }

    /// One Cargo feature per entity set and singleton (as `area_features = true`).
    pub fn area_features(&mut self, yes: bool) -> &mut Self {
        self.area_features = yes;
        self
    }

    /// Sets the key style.
    pub fn key_as_segment(&mut self, yes: bool) -> &mut Self {
        self.key_as_segment = yes;
        self
    }

    /// What the CSDL reader needs beyond the schemas: the reference map, strictness.
    pub fn reader_options(&self) -> csdl::Options {
        csdl::Options {
            references: self.references.clone(),
            strict: self.strict,
        }
    }

    /// The schema files joined for the `@generated` header (`schemas/a.xml, schemas/b.xml`).
    pub fn header_sources(&self) -> String {
        let parts: Vec<String> = self
            .schemas
            .iter()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        parts.join(", ")
    }
}

/// The parsed `codegen.toml`: the crates to generate, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    /// One entry per `[[crate]]` table.
    pub crates: Vec<Config>,
}

/// Resolves byte offsets of the config text to `file:line:col`.
struct Locator<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Locator<'_> {
    fn at(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = self.text[line_start..offset].chars().count() as u32 + 1;
        Location {
            path: self.path.to_path_buf(),
            line,
            col,
        }
    }
    fn of<T>(&self, s: &Spanned<T>) -> Location {
        self.at(s.span().start)
    }
}

impl ConfigFile {
    /// Parses a config; `path` is used in error locations only.
    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, Error> {
        let loc = Locator { path, text };
        let doc = DeTable::parse(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| loc.at(s.start))
                .unwrap_or_else(|| loc.at(0));
            Error::new(format!("invalid TOML: {}", e.message()), Some(at))
        })?;
        let mut errors = Vec::new();
        let mut crates = Vec::new();
        let doc = doc.get_ref();
        for (key, value) in doc.iter() {
            if key.get_ref().as_ref() != "crate" {
                errors.push(Diagnostic::at(
                    format!(
                        "unknown key `{}` (expected `[[crate]]` tables)",
                        key.get_ref()
                    ),
                    Some(loc.of(key)),
                ));
                continue;
            }
            match value.get_ref() {
                DeValue::Array(items) => {
                    for item in items.iter() {
                        match item.get_ref() {
                            DeValue::Table(t) => {
                                if let Some(c) = parse_crate(t, &loc, &loc.of(item), &mut errors) {
                                    crates.push(c);
                                }
                            }
                            _ => errors.push(Diagnostic::at(
                                "`crate` must be an array of tables (`[[crate]]`)",
                                Some(loc.of(item)),
                            )),
                        }
                    }
                }
                _ => errors.push(Diagnostic::at(
                    "`crate` must be an array of tables (`[[crate]]`)",
                    Some(loc.of(value)),
                )),
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for c in &crates {
            if !seen.insert(c.name.clone()) {
                errors.push(Diagnostic::at(
                    format!("crate `{}` is configured twice", c.name),
                    None,
                ));
            }
        }
        if crates.is_empty() && errors.is_empty() {
            errors.push(Diagnostic::at("no `[[crate]]` configured", Some(loc.at(0))));
        }
        if errors.is_empty() {
            Ok(ConfigFile { crates })
        } else {
            Err(Error { errors })
        }
    }
}

fn string<'a>(
    v: &'a Spanned<DeValue<'_>>,
    what: &str,
    loc: &Locator<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<&'a str> {
    match v.get_ref() {
        DeValue::String(s) => Some(s.as_ref()),
        _ => {
            errors.push(Diagnostic::at(
                format!("`{what}` must be a string"),
                Some(loc.of(v)),
            ));
            None
        }
    }
}

fn parse_crate(
    t: &DeTable<'_>,
    loc: &Locator<'_>,
    table_loc: &Location,
    errors: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let before = errors.len();
    let mut name = None;
    let mut out = None;
    let mut schemas = Vec::new();
    let mut roots: Option<Vec<Root>> = None;
    let mut all = false;
    let mut key_as_segment = false;
    let mut service_root = None;
    let mut service_roots = Vec::new();
    let mut strict = false;
    let mut area_features = false;
    let mut references = Vec::new();
    for (key, value) in t.iter() {
        match key.get_ref().as_ref() {
            "name" => {
                name = string(value, "name", loc, errors).map(|n| {
                    if let Err(e) = check_package_name(n) {
                        errors.push(Diagnostic::at(e, Some(loc.of(value))));
                    }
                    n.to_string()
                })
            }
            "out" => out = string(value, "out", loc, errors).map(PathBuf::from),
            "schemas" | "roots" => {
                let k = key.get_ref().as_ref();
                let DeValue::Array(items) = value.get_ref() else {
                    errors.push(Diagnostic::at(format!("`{k}` must be an array of strings"), Some(loc.of(value))));
                    continue;
                };
                let mut list = Vec::new();
                for item in items.iter() {
                    if let Some(s) = string(item, k, loc, errors) {
                        list.push(Root { name: s.to_string(), location: Some(loc.of(item)) });
                    }
                }
                if k == "schemas" {
                    schemas = list.into_iter().map(|r| PathBuf::from(r.name)).collect();
                } else {
                    roots = Some(list);
                }
            }
            "all" | "key_as_segment" | "strict" | "area_features" => match value.get_ref() {
                DeValue::Boolean(b) => match key.get_ref().as_ref() {
                    "all" => all = *b,
                    "strict" => strict = *b,
                    "area_features" => area_features = *b,
                    _ => key_as_segment = *b,
                },
                _ => errors.push(Diagnostic::at(format!("`{}` must be true or false", key.get_ref()), Some(loc.of(value)))),
            },
            "service_root" => {
                service_root = string(value, "service_root", loc, errors)
                    .and_then(|u| service_url(u, &loc.of(value), errors));
            }
            "service_roots" => {
                let DeValue::Table(roots) = value.get_ref() else {
                    errors.push(Diagnostic::at("`service_roots` must be a table of name = \"URL\"", Some(loc.of(value))));
                    continue;
                };
                for (name, url) in roots.iter() {
                    let n = name.get_ref().as_ref();
                    if n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || n.starts_with(|c: char| c.is_ascii_digit()) {
                        errors.push(Diagnostic::at(
                            format!("service root name `{}` must be ASCII letters, digits and `_`", crate::naming::plain(n)),
                            Some(loc.of(name)),
                        ));
                        continue;
                    }
                    if let Some(u) = string(url, "service_roots", loc, errors)
                        .and_then(|u| service_url(u, &loc.of(url), errors))
                    {
                        service_roots.push((n.to_string(), u));
                    }
                }
            }
            "references" => references = parse_references(value, loc, errors),
            other => errors.push(Diagnostic::at(
                format!("unknown key `{other}` (expected name, out, schemas, roots, all, key_as_segment, area_features, strict, references, service_root, service_roots)"),
                Some(loc.of(key)),
            )),
        }
    }
    let missing = |k: &str, errors: &mut Vec<Diagnostic>| {
        errors.push(Diagnostic::at(
            format!("`[[crate]]` is missing `{k}`"),
            Some(table_loc.clone()),
        ))
    };
    if name.is_none() {
        missing("name", errors)
    }
    if out.is_none() {
        missing("out", errors)
    }
    if schemas.is_empty() {
        missing("schemas", errors)
    }
    let selection = match (all, roots) {
        (true, Some(_)) => {
            errors.push(Diagnostic::at(
                "give either `roots` or `all = true`, not both",
                Some(table_loc.clone()),
            ));
            Selection::All
        }
        (true, None) => Selection::All,
        (false, Some(r)) if !r.is_empty() => Selection::Roots(r),
        (false, _) => {
            errors.push(Diagnostic::at(
                "no roots: list `roots = [...]`, or set `all = true` to generate everything",
                Some(table_loc.clone()),
            ));
            Selection::All
        }
    };
    if errors.len() > before {
        return None;
    }
    Some(Config {
        name: name?,
        out: out?,
        schemas,
        selection,
        key_as_segment,
        service_root,
        service_roots,
        references,
        strict,
        area_features,
    })
}

/// The longest package name accepted, in bytes.
pub const MAX_PACKAGE_NAME: usize = 64;

/// Checks the package name of a generated crate: ASCII letters, digits, `-` and `_`,
/// starting with a letter, at most [`MAX_PACKAGE_NAME`] bytes, and, as a crate name
/// (`-` read as `_`), neither a Rust keyword nor a crate of the standard library. It
/// lands in `Cargo.toml`, in the crate's documentation and in its example's code.
pub fn check_package_name(name: &str) -> Result<(), String> {
    const RESERVED: &[&str] = &[
        "self",
        "Self",
        "super",
        "crate",
        "std",
        "core",
        "alloc",
        "proc_macro",
        "test",
    ];
    let krate = name.replace('-', "_");
    let chars_ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if chars_ok
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.len() <= MAX_PACKAGE_NAME
        && !crate::naming::is_keyword(&krate)
        && !RESERVED.contains(&krate.as_str())
    {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a package name for the generated crate (expected ASCII letters, digits, `-` and `_`, starting with a letter, at most {MAX_PACKAGE_NAME} bytes, not a Rust keyword or `std`, `core`, `alloc`, `proc_macro`, `test`)",
            crate::naming::plain(name)
        ))
    }
}

/// Checks a service root URL: `http(s)://host[:port]/path`, printable ASCII without quotes,
/// spaces, backslashes or angle brackets (it lands in a string constant and in docs), at
/// most 2,048 bytes. The error says what is expected.
pub fn check_service_root(url: &str) -> Result<(), String> {
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    let chars_ok = url
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '`' | '<' | '>'));
    let host = url.split("://").nth(1).unwrap_or("");
    if scheme_ok && chars_ok && !host.is_empty() && !host.starts_with('/') && url.len() <= 2048 {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a service root URL (expected `https://host/path`, printable ASCII)",
            crate::naming::plain(url)
        ))
    }
}

fn service_url(url: &str, at: &Location, errors: &mut Vec<Diagnostic>) -> Option<String> {
    match check_service_root(url) {
        Ok(()) => Some(url.to_string()),
        Err(e) => {
            errors.push(Diagnostic::at(e, Some(at.clone())));
            None
        }
    }
}

/// `[crate.references]`: a table of reference URI → local file.
fn parse_references(
    value: &Spanned<DeValue<'_>>,
    loc: &Locator<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let DeValue::Table(t) = value.get_ref() else {
        errors.push(Diagnostic::at(
            "`references` must be a table of reference URI = \"local file\"",
            Some(loc.of(value)),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (uri, file) in t.iter() {
        let what = format!("references.\"{}\"", uri.get_ref());
        if let Some(f) = string(file, &what, loc, errors) {
            out.push((uri.get_ref().to_string(), PathBuf::from(f)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_crates() {
        let text = r#"
[[crate]]
name = "a"
out = "generated/a"
schemas = ["schemas/a.xml"]
key_as_segment = true
roots = ["ns.t", "ns.u"]

[[crate]]
name = "b"
out = "generated/b"
schemas = ["schemas/b.xml"]
all = true
area_features = true
"#;
        let f = ConfigFile::parse(text, Path::new("codegen.toml")).unwrap();
        assert_eq!(f.crates.len(), 2);
        assert!(!f.crates[0].area_features && f.crates[1].area_features);
        let Selection::Roots(r) = &f.crates[0].selection else {
            panic!("roots")
        };
        assert_eq!(r[1].name, "ns.u");
        assert_eq!(
            r[1].location.as_ref().unwrap().to_string(),
            "codegen.toml:7:18"
        );
        assert!(f.crates[0].key_as_segment);
        assert_eq!(f.crates[1].selection, Selection::All);
        assert!(!f.crates[0].strict && f.crates[0].references.is_empty());
    }

    #[test]
    fn parses_references_and_strict() {
        let text = r#"
[[crate]]
name = "a"
out = "generated/a"
schemas = ["schemas/a.xml"]
all = true
strict = true

[crate.references]
"http://example.com/gps/$metadata" = "schemas/gps.xml"
"urn:x" = "schemas/sub/x.xml"
"#;
        let f = ConfigFile::parse(text, Path::new("codegen.toml")).unwrap();
        let c = &f.crates[0];
        assert!(c.strict);
        assert_eq!(
            c.references,
            [
                (
                    "http://example.com/gps/$metadata".to_string(),
                    PathBuf::from("schemas/gps.xml")
                ),
                ("urn:x".to_string(), PathBuf::from("schemas/sub/x.xml")),
            ]
        );
        assert_eq!(c.reader_options().references, c.references);
        let bad = "[[crate]]\nname = \"a\"\nout = \"o\"\nschemas = [\"s\"]\nall = true\nreferences = { u = 1 }\n";
        let e = ConfigFile::parse(bad, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("error: `references.\"u\"` must be a string\n --> c.toml:6:20"),
            "{e}"
        );
    }

    #[test]
    fn errors_are_located() {
        let text = "[[crate]]\nname = 1\nout = \"x\"\nschemas = [\"s\"]\nbogus = true\n";
        let e = ConfigFile::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("error: `name` must be a string\n --> c.toml:2:8"),
            "{e}"
        );
        assert!(e.contains("error: unknown key `bogus`"), "{e}");
        assert!(e.contains(" --> c.toml:5:1"), "{e}");
        assert!(e.contains("no roots"), "{e}");
    }

    #[test]
    fn package_names_are_checked_and_located() {
        for good in ["graph-v1", "a", "A_b-9", &"a".repeat(MAX_PACKAGE_NAME)] {
            assert_eq!(check_package_name(good), Ok(()), "{good}");
        }
        let too_long = "a".repeat(MAX_PACKAGE_NAME + 1);
        for bad in [
            "",
            "1a",
            "-a",
            "_a",
            "a b",
            "a\"b",
            "a\nb",
            "a.b",
            "a/b",
            "ä",
            "self",
            "Self",
            "crate",
            "super",
            "type",
            "std",
            "core",
            "test",
            "proc-macro",
            &too_long,
        ] {
            assert!(check_package_name(bad).is_err(), "{bad:?}");
        }
        let text = "[[crate]]\nname = \"evil\\\"\\nbuild = \\\"x.rs\"\nout = \"o\"\nschemas = [\"s\"]\nall = true\n";
        let e = ConfigFile::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("is not a package name"), "{e}");
        assert!(e.contains(" --> c.toml:2:8"), "{e}");
        assert_eq!(e.lines().count(), 2, "{e}");
    }

    #[test]
    fn bad_toml_is_located() {
        let e = ConfigFile::parse("[[crate]\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("error: invalid TOML"), "{e}");
        assert!(e.contains("--> c.toml:1:"), "{e}");
    }
}
