//! URL building: literals for keys and parameters, resource paths, query options,
//! and resolution of relative links.
//!
//! Nothing a caller passes as a *value* can change the structure of a URL: values are
//! always percent-encoded so `/`, `?`, `#`, `%`, `(`, `)`, `&`, `=`, `+` and spaces
//! stay inside their segment or option.

use std::fmt::Write as _;

use super::json::Value;

/// The URL literal form of a primitive value (OData URL conventions 5.1.1.14.1).
///
/// The result is *not* percent-encoded yet; [`Resource`] and [`Query`] encode it.
pub trait UrlLiteral {
    /// The literal for keys in parentheses, function parameters and `$filter`:
    /// strings quoted with `'` doubled, Guid/Date/DateTimeOffset unquoted, `binary'…'`,
    /// `duration'…'`, `INF`/`-INF`/`NaN`.
    fn to_url_literal(&self) -> String;

    /// The raw value for key-as-segment URLs (`/users/{id}`): like
    /// [`to_url_literal`](UrlLiteral::to_url_literal) but strings are neither quoted
    /// nor doubled.
    fn to_segment_value(&self) -> String {
        self.to_url_literal()
    }
}

impl<T: UrlLiteral + ?Sized> UrlLiteral for &T {
    fn to_url_literal(&self) -> String {
        (**self).to_url_literal()
    }
    fn to_segment_value(&self) -> String {
        (**self).to_segment_value()
    }
}

impl UrlLiteral for str {
    fn to_url_literal(&self) -> String {
        format!("'{}'", self.replace('\'', "''"))
    }
    fn to_segment_value(&self) -> String {
        self.to_owned()
    }
}

impl UrlLiteral for String {
    fn to_url_literal(&self) -> String {
        self.as_str().to_url_literal()
    }
    fn to_segment_value(&self) -> String {
        self.clone()
    }
}

impl UrlLiteral for bool {
    fn to_url_literal(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
}

macro_rules! int_literal {
    ($($t:ty),*) => {$(
        impl UrlLiteral for $t {
            fn to_url_literal(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
int_literal!(i8, u8, i16, i32, i64);

fn float_literal(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_owned()
    } else if f == f64::INFINITY {
        "INF".to_owned()
    } else if f == f64::NEG_INFINITY {
        "-INF".to_owned()
    } else {
        f.to_string()
    }
}

impl UrlLiteral for f64 {
    fn to_url_literal(&self) -> String {
        float_literal(*self)
    }
}

impl UrlLiteral for f32 {
    fn to_url_literal(&self) -> String {
        if self.is_finite() {
            self.to_string()
        } else {
            float_literal(f64::from(*self))
        }
    }
}

impl<T: UrlLiteral> UrlLiteral for Option<T> {
    /// `null` for `None`.
    fn to_url_literal(&self) -> String {
        match self {
            None => "null".to_owned(),
            Some(v) => v.to_url_literal(),
        }
    }
    fn to_segment_value(&self) -> String {
        match self {
            None => "null".to_owned(),
            Some(v) => v.to_segment_value(),
        }
    }
}

/// A literal already rendered (e.g. an enum literal from
/// [`enum_url_literal`](super::enums::enum_url_literal) or a parameter alias `@p`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawLiteral(pub String);

impl UrlLiteral for RawLiteral {
    fn to_url_literal(&self) -> String {
        self.0.clone()
    }
}

// ---- percent-encoding ------------------------------------------------------------

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn encode_with(s: &str, keep: impl Fn(u8) -> bool, out: &mut String) {
    for &b in s.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// Percent-encode everything but RFC 3986 unreserved characters (for one path segment).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_with(s, is_unreserved, &mut out);
    out
}

/// Percent-encode a literal inside a path (key predicate, function parameter): keeps
/// unreserved characters and `'`.
pub fn encode_path_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_with(s, |b| is_unreserved(b) || b == b'\'', &mut out);
    out
}

/// Percent-encode a query option value: keeps unreserved characters and the
/// characters OData expressions use that are safe in a query value (`'`, `(`, `)`,
/// `,`, `/`, `:`, `@`, `$`, `*`, `!`, `;`, `=`; a value ends at `&` and only the first
/// `=` separates name and value). Encodes space as `%20`, and `+`, `&`, `#`, `%`, `"`
/// and everything else.
pub fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_with(
        s,
        |b| {
            is_unreserved(b)
                || matches!(
                    b,
                    b'\''
                        | b'('
                        | b')'
                        | b','
                        | b'/'
                        | b':'
                        | b'@'
                        | b'$'
                        | b'*'
                        | b'!'
                        | b';'
                        | b'='
                )
        },
        &mut out,
    );
    out
}

// ---- resource paths ------------------------------------------------------------------

/// A resource path relative to the service root plus its query, built by generated
/// request builders: `users/{id}/messages?$top=5`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Resource {
    path: String,
    aliases: Vec<(String, String)>,
}

impl Resource {
    /// Start at an entity set, singleton or operation import. `name` is a schema
    /// identifier; it is percent-encoded as a segment all the same.
    pub fn new(name: &str) -> Resource {
        Resource {
            path: encode_segment(name),
            aliases: Vec::new(),
        }
    }

    /// Start from an already encoded relative path (e.g. `me/drive`), used as is.
    pub fn from_encoded(path: impl Into<String>) -> Resource {
        Resource {
            path: path.into(),
            aliases: Vec::new(),
        }
    }

    /// Append `/segment` (a navigation or structural property, a type cast
    /// `ns.Type`, a bound action `ns.action`, `$value`, `$count`, `$ref`).
    pub fn segment(mut self, name: &str) -> Resource {
        self.push_slash();
        // `$` is kept for `$value`, `$count`, `$ref`.
        encode_with(name, |b| is_unreserved(b) || b == b'$', &mut self.path);
        self
    }

    /// Append a single-part key in parentheses: `('O''Neil')`, `(42)`.
    pub fn key<K: UrlLiteral + ?Sized>(mut self, key: &K) -> Resource {
        self.path.push('(');
        self.path
            .push_str(&encode_path_literal(&key.to_url_literal()));
        self.path.push(')');
        self
    }

    /// Append a compound key in parentheses, in metadata order: `(a=1,b='x')`.
    pub fn compound_key(mut self, parts: &[(&str, &dyn UrlLiteral)]) -> Resource {
        self.path.push('(');
        for (i, (name, value)) in parts.iter().enumerate() {
            if i > 0 {
                self.path.push(',');
            }
            self.path.push_str(&encode_segment(name));
            self.path.push('=');
            self.path
                .push_str(&encode_path_literal(&value.to_url_literal()));
        }
        self.path.push(')');
        self
    }

    /// Append a key as its own segment (`/complianceManagementPartners/{id}`), the
    /// style Microsoft Graph uses. The raw value is percent-encoded, `/`, `?`, `#` and
    /// `%` included. An empty, `.` or `..` value cannot be a segment without changing
    /// the path, so it is written in parentheses (`('..')`) instead.
    pub fn key_segment<K: UrlLiteral + ?Sized>(self, key: &K) -> Resource {
        let raw = key.to_segment_value();
        if raw.is_empty() || raw == "." || raw == ".." {
            return self.key(key);
        }
        let mut this = self;
        this.push_slash();
        encode_with(&raw, is_unreserved, &mut this.path);
        this
    }

    /// Append a function call with inline parameters: `/ns.f(a=1,b='x')` (or `/ns.f()`).
    /// Use [`Resource::function_alias`] for complex or collection arguments.
    pub fn function(self, name: &str, params: &[(&str, &dyn UrlLiteral)]) -> Resource {
        let mut this = self.segment(name);
        this.path.push('(');
        for (i, (pname, value)) in params.iter().enumerate() {
            if i > 0 {
                this.path.push(',');
            }
            this.path.push_str(&encode_segment(pname));
            this.path.push('=');
            this.path
                .push_str(&encode_path_literal(&value.to_url_literal()));
        }
        this.path.push(')');
        this
    }

    /// Append a function call whose parameters are all passed as aliases:
    /// `/ns.f(a=@a,b=@b)?@a=…&@b=…`. Each value is JSON (complex, collection) or a
    /// primitive literal given as [`Value::String`] holding the literal text — use
    /// [`Resource::function_params`] to mix.
    pub fn function_alias(self, name: &str, params: &[(&str, Value)]) -> Resource {
        let params: Vec<(&str, Param<'_>)> =
            params.iter().map(|(n, v)| (*n, Param::Json(v))).collect();
        self.function_params(name, &params)
    }

    /// Append a function call mixing inline literals and `@`-aliased JSON values.
    pub fn function_params(self, name: &str, params: &[(&str, Param<'_>)]) -> Resource {
        let mut this = self.segment(name);
        this.path.push('(');
        for (i, (pname, p)) in params.iter().enumerate() {
            if i > 0 {
                this.path.push(',');
            }
            this.path.push_str(&encode_segment(pname));
            this.path.push('=');
            match p {
                Param::Literal(l) => this
                    .path
                    .push_str(&encode_path_literal(&l.to_url_literal())),
                Param::Json(v) => {
                    let alias = format!("@{}", encode_segment(pname));
                    this.path.push_str(&alias);
                    this.aliases.push((alias, v.to_string()));
                }
            }
        }
        this.path.push(')');
        this
    }

    /// The encoded path (without query).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The parameter aliases (`@p` → JSON text) this resource needs in its query.
    pub fn aliases(&self) -> &[(String, String)] {
        &self.aliases
    }

    /// `path?query` with the given query options and this resource's aliases.
    pub fn to_relative(&self, query: &Query) -> String {
        let mut out = self.path.clone();
        let q = query.encode_with_aliases(&self.aliases);
        if !q.is_empty() {
            out.push('?');
            out.push_str(&q);
        }
        out
    }

    fn push_slash(&mut self) {
        if !self.path.is_empty() {
            self.path.push('/');
        }
    }
}

/// A function parameter for [`Resource::function_params`].
pub enum Param<'a> {
    /// Inline literal (primitive, enum).
    Literal(&'a dyn UrlLiteral),
    /// Passed as a parameter alias with a JSON value (complex, collection, entity).
    Json(&'a Value),
}

// ---- query options ------------------------------------------------------------------

/// System query options of one request. Written in a fixed order:
/// `$select`, `$expand`, `$filter`, `$search`, `$orderby`, `$top`, `$skip`, `$count`,
/// then custom options, then parameter aliases.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    select: Vec<String>,
    expand: Vec<String>,
    filter: Option<String>,
    search: Option<String>,
    orderby: Vec<String>,
    top: Option<u64>,
    skip: Option<u64>,
    count: Option<bool>,
    custom: Vec<(String, String)>,
}

impl Query {
    /// No options.
    pub fn new() -> Query {
        Query::default()
    }

    /// Add `$select` items (property paths).
    pub fn select<I, S>(mut self, items: I) -> Query
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.select.extend(items.into_iter().map(Into::into));
        self
    }

    /// Add `$expand` items (navigation paths, optionally with `(…;…)` options).
    pub fn expand<I, S>(mut self, items: I) -> Query
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.expand.extend(items.into_iter().map(Into::into));
        self
    }

    /// Set `$filter` (an expression; use [`UrlLiteral`] for values inside it).
    pub fn filter(mut self, expr: impl Into<String>) -> Query {
        self.filter = Some(expr.into());
        self
    }

    /// Set `$search`.
    pub fn search(mut self, expr: impl Into<String>) -> Query {
        self.search = Some(expr.into());
        self
    }

    /// Add `$orderby` items (`name desc`).
    pub fn orderby<I, S>(mut self, items: I) -> Query
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.orderby.extend(items.into_iter().map(Into::into));
        self
    }

    /// Set `$top`.
    pub fn top(mut self, n: u64) -> Query {
        self.top = Some(n);
        self
    }

    /// Set `$skip`.
    pub fn skip(mut self, n: u64) -> Query {
        self.skip = Some(n);
        self
    }

    /// Set `$count`.
    pub fn count(mut self, yes: bool) -> Query {
        self.count = Some(yes);
        self
    }

    /// Add a custom query option (its name must not start with `$` or `@`; such a
    /// name is prefixed with `_` rather than silently acting as a system option).
    pub fn custom(mut self, name: impl Into<String>, value: impl Into<String>) -> Query {
        let mut name = name.into();
        if name.starts_with('$') || name.starts_with('@') {
            name.insert(0, '_');
        }
        self.custom.push((name, value.into()));
        self
    }

    /// Whether no option is set.
    pub fn is_empty(&self) -> bool {
        *self == Query::default()
    }

    /// The encoded query string, without `?`.
    pub fn encode(&self) -> String {
        self.encode_with_aliases(&[])
    }

    /// The options as nested in an `$expand` item, `;`-separated and not
    /// percent-encoded (the enclosing `$expand` value is): `$select=id;$top=5`.
    /// Custom options have no nested form and are left out.
    pub fn nested(&self) -> String {
        let mut out = String::new();
        for (name, value) in self.system_options() {
            if !out.is_empty() {
                out.push(';');
            }
            out.push_str(name);
            out.push('=');
            out.push_str(&value);
        }
        out
    }

    /// The system options that are set, in their fixed order, with their values.
    fn system_options(&self) -> Vec<(&'static str, String)> {
        let mut parts = Vec::new();
        if !self.select.is_empty() {
            parts.push(("$select", self.select.join(",")));
        }
        if !self.expand.is_empty() {
            parts.push(("$expand", self.expand.join(",")));
        }
        if let Some(f) = &self.filter {
            parts.push(("$filter", f.clone()));
        }
        if let Some(s) = &self.search {
            parts.push(("$search", s.clone()));
        }
        if !self.orderby.is_empty() {
            parts.push(("$orderby", self.orderby.join(",")));
        }
        if let Some(t) = self.top {
            parts.push(("$top", t.to_string()));
        }
        if let Some(s) = self.skip {
            parts.push(("$skip", s.to_string()));
        }
        if let Some(c) = self.count {
            parts.push(("$count", if c { "true" } else { "false" }.to_string()));
        }
        parts
    }

    fn encode_with_aliases(&self, aliases: &[(String, String)]) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut push = |name: &str, value: &str| {
            parts.push(format!("{name}={}", encode_query_value(value)));
        };
        for (name, value) in self.system_options() {
            push(name, &value);
        }
        for (name, value) in &self.custom {
            let name = encode_segment(name);
            push(&name, value);
        }
        for (name, value) in aliases {
            push(name, value);
        }
        parts.join("&")
    }
}

// ---- link resolution -----------------------------------------------------------------

fn scheme_len(s: &str) -> Option<usize> {
    let i = s.find(':')?;
    let scheme = &s[..i];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(i)
}

/// Whether `s` is an absolute URL (has a scheme).
pub fn is_absolute(s: &str) -> bool {
    scheme_len(s).is_some()
}

fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segs: Vec<&str> = path.split('/').collect();
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        match *seg {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// Resolve `link` against the absolute URL `base` (RFC 3986 section 5.2). An absolute
/// `link` is returned unchanged, byte for byte.
pub fn resolve(base: &str, link: &str) -> String {
    if is_absolute(link) {
        return link.to_owned();
    }
    let Some(slen) = scheme_len(base) else {
        return link.to_owned();
    };
    let scheme = &base[..slen];
    let after_scheme = &base[slen + 1..];
    if let Some(rest) = link.strip_prefix("//") {
        return format!("{scheme}://{rest}");
    }
    // Split the base into authority, path and query.
    let (authority, path_and_more) = match after_scheme.strip_prefix("//") {
        Some(r) => {
            let end = r.find(['/', '?', '#']).unwrap_or(r.len());
            (format!("//{}", &r[..end]), &r[end..])
        }
        None => (String::new(), after_scheme),
    };
    let path_and_query = path_and_more.split('#').next().unwrap_or("");
    let (base_path, base_query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let origin = format!("{scheme}:{authority}");
    if link.is_empty() {
        return match base_query {
            Some(q) => format!("{origin}{base_path}?{q}"),
            None => format!("{origin}{base_path}"),
        };
    }
    if link.starts_with('?') || link.starts_with('#') {
        return format!("{origin}{base_path}{link}");
    }
    let (link_path, link_rest) = match link.find(['?', '#']) {
        Some(i) => (&link[..i], &link[i..]),
        None => (link, ""),
    };
    let merged = if link_path.starts_with('/') {
        link_path.to_owned()
    } else if base_path.is_empty() && !authority.is_empty() {
        format!("/{link_path}")
    } else {
        let dir = match base_path.rfind('/') {
            Some(i) => &base_path[..=i],
            None => "",
        };
        format!("{dir}{link_path}")
    };
    format!("{origin}{}{link_rest}", remove_dot_segments(&merged))
}
