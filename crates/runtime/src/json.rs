//! JSON (de)serialization for OData payloads without serde derives.
//!
//! Generated types implement [`FromJson`] and [`ToJson`] with bodies that call the
//! small, non-generic helpers here ([`ObjectReader`], [`ObjectWriter`]). Every decode
//! error carries the JSON path of the offending value ([`DecodeError`]).

use std::fmt;

pub use serde_json::{Map, Number, Value};

/// A location inside a JSON document: a cheap linked list of segments that lives on
/// the stack while a value is decoded. `Display` renders it as `$.a.b[0].c`.
#[derive(Clone, Copy)]
pub enum Path<'a> {
    /// The document root, `$`.
    Root,
    /// An object member of the parent location.
    Key(&'a Path<'a>, &'a str),
    /// An array element of the parent location.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The root location `$`.
    pub const ROOT: Path<'static> = Path::Root;

    /// The location of member `key` inside this location.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The location of element `index` inside this location.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    fn write_to(&self, out: &mut String) {
        match self {
            Path::Root => out.push('$'),
            Path::Key(parent, key) => {
                parent.write_to(out);
                if !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '@')
                {
                    out.push('.');
                    out.push_str(key);
                } else {
                    out.push_str("['");
                    for c in key.chars() {
                        if c == '\'' || c == '\\' {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                    out.push_str("']");
                }
            }
            Path::Index(parent, index) => {
                parent.write_to(out);
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_to(&mut s);
        f.write_str(&s)
    }
}

impl fmt::Debug for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A JSON value did not have the expected shape. `Display`: `at $.a.b: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Where the problem is, as rendered by [`Path`] (`$.value[3].id`).
    pub path: String,
    /// What is wrong, e.g. `expected Boolean, found string "Boolean"`.
    pub message: String,
}

impl DecodeError {
    /// An error at `path` with a free-form message.
    pub fn new(path: &Path<'_>, message: impl Into<String>) -> Self {
        DecodeError {
            path: path.to_string(),
            message: message.into(),
        }
    }

    /// `expected {expected}, found {what value is}`.
    pub fn expected(path: &Path<'_>, expected: &str, found: &Value) -> Self {
        DecodeError::new(
            path,
            format!("expected {expected}, found {}", describe(found)),
        )
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.path, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// A short description of a JSON value for error messages: `string "abc"`,
/// `number 1.5`, `null`, `object`, … Long strings are shortened.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => {
            const MAX: usize = 40;
            if s.chars().count() > MAX {
                let head: String = s.chars().take(MAX).collect();
                format!("string {:?}…", head)
            } else {
                format!("string {s:?}")
            }
        }
        Value::Array(a) => format!("array of {} items", a.len()),
        Value::Object(_) => "object".to_owned(),
    }
}

/// Decode a value from a JSON tree. `path` is where `value` sits in the document.
pub trait FromJson: Sized {
    /// Decode `value` (located at `path`).
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError>;
}

/// Encode a value as a JSON tree.
pub trait ToJson {
    /// The JSON representation of `self`.
    fn to_json(&self) -> Value;
}

/// Parse `bytes` as JSON and decode a `T` from it.
pub fn from_slice<T: FromJson>(bytes: &[u8]) -> Result<T, DecodeError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| DecodeError::new(&Path::ROOT, format!("invalid JSON: {e}")))?;
    T::from_json(value, &Path::ROOT)
}

/// Parse `text` as JSON and decode a `T` from it.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, DecodeError> {
    from_slice(text.as_bytes())
}

/// Encode `value` as compact JSON bytes.
pub fn to_vec<T: ToJson + ?Sized>(value: &T) -> Vec<u8> {
    value.to_json().to_string().into_bytes()
}

/// Encode `value` as compact JSON text.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    value.to_json().to_string()
}

/// `PartialEq` of two model values by the JSON they write: one non-generic function for
/// every generated struct, instead of a field-by-field comparison each (it allocates:
/// meant for tests and change detection, not hot loops).
pub fn eq_json(a: &dyn ToJson, b: &dyn ToJson) -> bool {
    a.to_json() == b.to_json()
}

/// `Debug` of a generated struct: its name and the JSON it writes (`User {"id":"1"}`).
/// It shows what a value holds without a line for every absent property (Graph types
/// have dozens), including what is kept in `additional`, and it is one non-generic
/// function for every struct instead of a derived `fmt` each.
pub fn debug_json(
    name: &str,
    value: &dyn ToJson,
    f: &mut std::fmt::Formatter<'_>,
) -> std::fmt::Result {
    write!(f, "{name} {}", value.to_json())
}

/// The `@odata.type` (or 4.01 `@type`) of an object, without a leading `#` and
/// without an absolute `…$metadata#` prefix. `None` for non-objects or when absent.
pub fn odata_type(value: &Value) -> Option<&str> {
    let map = value.as_object()?;
    map_odata_type(map)
}

fn map_odata_type(map: &Map<String, Value>) -> Option<&str> {
    let raw = map
        .get("@odata.type")
        .or_else(|| map.get("@type"))?
        .as_str()?;
    Some(match raw.rfind('#') {
        Some(i) => &raw[i + 1..],
        None => raw,
    })
}

/// The `@odata.etag` (or 4.01 `@etag`) control information of an entity, as found in
/// the unknown-members map returned by [`ObjectReader::rest`]. Send it back as `If-Match`.
pub fn etag(rest: &Map<String, Value>) -> Option<&str> {
    rest.get("@odata.etag")
        .or_else(|| rest.get("@etag"))
        .and_then(Value::as_str)
}

/// Reads the members of one JSON object, one property at a time.
///
/// Whatever is not taken ends up in [`ObjectReader::rest`]: unknown properties,
/// instance annotations (`@odata.etag`, `prop@odata.type`) and operation advertisements.
pub struct ObjectReader<'a> {
    map: Map<String, Value>,
    path: &'a Path<'a>,
    /// The first error met by [`ObjectReader::field`], reported by [`ObjectReader::finish`].
    error: Option<DecodeError>,
}

impl<'a> ObjectReader<'a> {
    /// Start reading `value`, which must be an object. `type_name` (e.g.
    /// `microsoft.graph.user`) is only used in the error message.
    pub fn new(value: Value, path: &'a Path<'a>, type_name: &str) -> Result<Self, DecodeError> {
        match value {
            Value::Object(map) => Ok(ObjectReader {
                map,
                path,
                error: None,
            }),
            other => Err(DecodeError::expected(
                path,
                &format!("object {type_name}"),
                &other,
            )),
        }
    }

    /// Wrap an already separated map.
    pub fn from_map(map: Map<String, Value>, path: &'a Path<'a>) -> Self {
        ObjectReader {
            map,
            path,
            error: None,
        }
    }

    /// Where the object sits in the document.
    pub fn path(&self) -> &Path<'a> {
        self.path
    }

    /// The object's `@odata.type`, normalised as by [`odata_type`].
    pub fn odata_type(&self) -> Option<&str> {
        map_odata_type(&self.map)
    }

    /// Remove and decode member `wire`. Absent or `null` gives `None`.
    pub fn take<T: FromJson>(&mut self, wire: &str) -> Result<Option<T>, DecodeError> {
        match self.map.remove(wire) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::from_json(v, &self.path.key(wire)).map(Some),
        }
    }

    /// Remove and decode member `wire` for a struct literal: absent or `null` gives
    /// `None`, and so does a member that does not decode, whose error is kept for
    /// [`ObjectReader::finish`] (the first one wins; later members are not decoded).
    ///
    /// Generated `from_json` bodies read every property this way and end with `finish`:
    /// one call per property and no early return in each of thousands of functions, which
    /// keeps them cheap to compile.
    pub fn field<T: FromJson>(&mut self, wire: &str) -> Option<T> {
        if self.error.is_some() {
            return None;
        }
        match self.take(wire) {
            Ok(v) => v,
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// `value`, or the first error met by [`ObjectReader::field`].
    pub fn finish<T>(self, value: T) -> Result<T, DecodeError> {
        match self.error {
            None => Ok(value),
            Some(e) => Err(e),
        }
    }

    /// Remove and decode member `wire`, which must be present and not `null`.
    pub fn take_required<T: FromJson>(&mut self, wire: &str) -> Result<T, DecodeError> {
        match self.map.remove(wire) {
            None => Err(DecodeError::new(
                self.path,
                format!("missing required property {wire:?}"),
            )),
            Some(Value::Null) => Err(DecodeError::new(
                &self.path.key(wire),
                "expected a value, found null",
            )),
            Some(v) => T::from_json(v, &self.path.key(wire)),
        }
    }

    /// Look at member `wire` without removing it.
    pub fn peek(&self, wire: &str) -> Option<&Value> {
        self.map.get(wire)
    }

    /// Everything not taken so far (unknown properties and instance annotations),
    /// leaving the reader empty.
    pub fn rest(&mut self) -> Map<String, Value> {
        std::mem::take(&mut self.map)
    }
}

/// Builds one JSON object. Members are written in key order (serde_json's map).
#[derive(Default, Debug, Clone)]
pub struct ObjectWriter {
    map: Map<String, Value>,
}

impl ObjectWriter {
    /// An empty object.
    pub fn new() -> Self {
        ObjectWriter { map: Map::new() }
    }

    /// Write `@odata.type`; `type_name` is written as given (e.g. `#microsoft.graph.user`).
    pub fn odata_type(&mut self, type_name: &str) -> &mut Self {
        self.map.insert(
            "@odata.type".to_owned(),
            Value::String(type_name.to_owned()),
        );
        self
    }

    /// Write `wire` only when `value` is `Some`.
    pub fn opt<T: ToJson>(&mut self, wire: &str, value: &Option<T>) -> &mut Self {
        if let Some(v) = value {
            self.map.insert(wire.to_owned(), v.to_json());
        }
        self
    }

    /// Always write `wire`.
    pub fn put<T: ToJson + ?Sized>(&mut self, wire: &str, value: &T) -> &mut Self {
        self.map.insert(wire.to_owned(), value.to_json());
        self
    }

    /// Copy members of `extra` that were not written already (typed members win).
    pub fn extend(&mut self, extra: &Map<String, Value>) -> &mut Self {
        for (k, v) in extra {
            if !self.map.contains_key(k) {
                self.map.insert(k.clone(), v.clone());
            }
        }
        self
    }

    /// The finished object.
    pub fn finish(self) -> Value {
        Value::Object(self.map)
    }
}

// ---- serde bridge -------------------------------------------------------------

/// Serialize any [`ToJson`] value with serde: call it from a tiny
/// `impl serde::Serialize` block, or use it as `#[serde(serialize_with = …)]`.
pub fn serialize<T: ToJson + ?Sized, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&value.to_json(), serializer)
}

/// Deserialize any [`FromJson`] value with serde (via a [`Value`]); the message of a
/// failure includes the JSON path.
pub fn deserialize<'de, T: FromJson, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    T::from_json(value, &Path::ROOT).map_err(<D::Error as serde::de::Error>::custom)
}

// ---- primitive impls ------------------------------------------------------------

impl FromJson for Value {
    fn from_json(value: Value, _path: &Path<'_>) -> Result<Self, DecodeError> {
        Ok(value)
    }
}

impl ToJson for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl FromJson for Map<String, Value> {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::Object(m) => Ok(m),
            other => Err(DecodeError::expected(path, "object", &other)),
        }
    }
}

impl ToJson for Map<String, Value> {
    fn to_json(&self) -> Value {
        Value::Object(self.clone())
    }
}

impl FromJson for bool {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(DecodeError::expected(path, "Boolean", &other)),
        }
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl FromJson for String {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(DecodeError::expected(path, "String", &other)),
        }
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for str {
    fn to_json(&self) -> Value {
        Value::String(self.to_owned())
    }
}

/// Decode an integer of Edm type `edm` in `[min, max]` from a number or (with
/// `IEEE754Compatible=true`) a string.
fn int_from_json(
    value: Value,
    path: &Path<'_>,
    edm: &str,
    min: i64,
    max: i64,
) -> Result<i64, DecodeError> {
    let parsed = match &value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => parse_int_text(s),
        _ => None,
    };
    match parsed {
        Some(i) if (min..=max).contains(&i) => Ok(i),
        Some(_) => Err(DecodeError::new(
            path,
            format!("expected {edm}, found {} (out of range)", describe(&value)),
        )),
        None => Err(DecodeError::expected(path, edm, &value)),
    }
}

/// Strict integer text: optional sign, then ASCII digits only.
fn parse_int_text(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

macro_rules! int_impls {
    ($($t:ty => $edm:literal),* $(,)?) => {$(
        impl FromJson for $t {
            fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
                let i = int_from_json(value, path, $edm, <$t>::MIN as i64, <$t>::MAX as i64)?;
                // In range by construction.
                Ok(i as $t)
            }
        }
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                Value::Number(Number::from(*self))
            }
        }
    )*};
}

int_impls!(i8 => "SByte", u8 => "Byte", i16 => "Int16", i32 => "Int32", i64 => "Int64");

/// `INF`, `-INF` and `NaN` as OData writes them; other strings must be JSON numbers.
fn float_from_text(s: &str) -> Option<f64> {
    match s {
        "INF" => Some(f64::INFINITY),
        "-INF" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ if is_json_number(s) => s.parse().ok(),
        _ => None,
    }
}

/// Whether `s` follows the JSON number grammar (`-?int frac? exp?`).
#[doc(hidden)]
pub fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_len = i - int_start;
    if int_len == 0 || (int_len > 1 && b[int_start] == b'0') {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    i == b.len()
}

fn float_to_json(f: f64) -> Value {
    if f.is_nan() {
        Value::String("NaN".to_owned())
    } else if f == f64::INFINITY {
        Value::String("INF".to_owned())
    } else if f == f64::NEG_INFINITY {
        Value::String("-INF".to_owned())
    } else {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

impl FromJson for f64 {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let parsed = match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => float_from_text(s),
            _ => None,
        };
        parsed.ok_or_else(|| DecodeError::expected(path, "Double", &value))
    }
}

impl ToJson for f64 {
    fn to_json(&self) -> Value {
        float_to_json(*self)
    }
}

impl FromJson for f32 {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let parsed = match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => float_from_text(s),
            _ => None,
        };
        match parsed {
            Some(f) if f.is_finite() && f.abs() > f32::MAX as f64 => Err(DecodeError::new(
                path,
                format!("expected Single, found {} (out of range)", describe(&value)),
            )),
            Some(f) => Ok(f as f32),
            None => Err(DecodeError::expected(path, "Single", &value)),
        }
    }
}

impl ToJson for f32 {
    fn to_json(&self) -> Value {
        if self.is_finite() {
            // Go through the shortest decimal text so 0.1f32 is written as 0.1.
            match self.to_string().parse::<f64>() {
                Ok(f) => float_to_json(f),
                Err(_) => float_to_json(*self as f64),
            }
        } else {
            float_to_json(*self as f64)
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_json(v, path).map(Some),
        }
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        match self {
            None => Value::Null,
            Some(v) => v.to_json(),
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        T::from_json(value, path).map(Box::new)
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    out.push(T::from_json(item, &path.index(i))?);
                }
                Ok(out)
            }
            other => Err(DecodeError::expected(path, "array", &other)),
        }
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        self.as_slice().to_json()
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

/// The `{"value": …}` wrapper OData uses for primitive and collection results of
/// properties, functions and actions. Decode with `ValueOf<T>` and take `.0`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ValueOf<T>(pub T);

impl<T> ValueOf<T> {
    /// The wrapped value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: FromJson> FromJson for ValueOf<T> {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let mut r = ObjectReader::new(value, path, "value wrapper")?;
        let v = match r.map.remove("value") {
            None => {
                return Err(DecodeError::new(
                    path,
                    "missing required property \"value\"",
                ));
            }
            Some(v) => v,
        };
        T::from_json(v, &path.key("value")).map(ValueOf)
    }
}

impl<T: ToJson> ToJson for ValueOf<T> {
    fn to_json(&self) -> Value {
        let mut w = ObjectWriter::new();
        w.put("value", &self.0);
        w.finish()
    }
}
