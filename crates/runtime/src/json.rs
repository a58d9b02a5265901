//! JSON (de)serialization for OData payloads without serde derives.
//!
//! [`FromJson`] decodes in one pass from JSON text ([`Decoder`]) and [`ToJson`] encodes
//! straight into a byte buffer ([`Encoder`]): no tree per document. A generated struct
//! describes itself with a [`Shape`] (its wire names) and a `match` from field index to
//! field; the loops that decode and encode objects are written once, here
//! ([`MemberReader`], [`MemberWriter`]). Every decode error
//! carries the JSON path of the offending value ([`DecodeError`]).
//!
//! [`ObjectReader`] and [`ObjectWriter`] work on trees ([`Value`]), for hand-written
//! impls that are not on a hot path.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use super::codec::Look;
pub use super::codec::{Decoder, Encoder};
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

/// Decode a value from JSON text, in one pass. `path` is where the value sits in the
/// document (for error messages).
pub trait FromJson: Sized {
    /// Decode the value at the decoder's position (located at `path`).
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError>;

    /// Decode from a JSON tree (located at `path`). It writes the tree out and reads it
    /// back: meant for values already held as trees, not for hot paths.
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        let mut d = Decoder::new(&bytes)?;
        Self::decode(&mut d, path)
    }
}

/// Encode a value as JSON text.
pub trait ToJson {
    /// Write `self` at the encoder's position.
    fn encode(&self, w: &mut Encoder);

    /// The JSON tree of `self` (written out and read back: not for hot paths).
    ///
    /// (`Self: Sized` keeps it out of `dyn ToJson`'s vtable, which every generated type
    /// has for `Debug`/`PartialEq`: no copy of it per type unless it is called.)
    fn to_json(&self) -> Value
    where
        Self: Sized,
    {
        tree(self)
    }
}

/// The JSON tree of any encodable value, unsized ones included (`str`, slices):
/// [`ToJson::to_json`] for them.
pub fn tree<T: ToJson + ?Sized>(value: &T) -> Value {
    serde_json::from_slice(&to_vec(value)).unwrap_or(Value::Null)
}

/// Decode a `T` from JSON bytes (the whole input: only whitespace may follow).
pub fn from_slice<T: FromJson>(bytes: &[u8]) -> Result<T, DecodeError> {
    // Matches rather than `?`: this is instantiated once per decoded type.
    match Decoder::new(bytes) {
        Ok(mut d) => match T::decode(&mut d, &Path::ROOT) {
            Ok(value) => match d.finish(&Path::ROOT) {
                Ok(()) => Ok(value),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// Decode a `T` from JSON text.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, DecodeError> {
    from_slice(text.as_bytes())
}

/// Encode `value` as compact JSON bytes.
pub fn to_vec<T: ToJson + ?Sized>(value: &T) -> Vec<u8> {
    let mut w = Encoder::new();
    value.encode(&mut w);
    w.into_bytes()
}

/// Encode `value` as compact JSON text.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    // The encoder writes whole UTF-8 strings and ASCII syntax only.
    String::from_utf8(to_vec(value)).unwrap_or_default()
}

/// `PartialEq` of two model values by the JSON they write: one non-generic function for
/// every generated struct, instead of a field-by-field comparison each (it allocates:
/// meant for tests and change detection, not hot loops).
pub fn eq_json(a: &dyn ToJson, b: &dyn ToJson) -> bool {
    let (mut x, mut y) = (Encoder::new(), Encoder::new());
    a.encode(&mut x);
    b.encode(&mut y);
    x.as_bytes() == y.as_bytes()
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
    let mut w = Encoder::new();
    value.encode(&mut w);
    write!(f, "{name} {}", String::from_utf8_lossy(w.as_bytes()))
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
    Some(short_type(raw))
}

/// A type name without a leading `#` and without an absolute `…$metadata#` prefix.
fn short_type(raw: &str) -> &str {
    match raw.rfind('#') {
        Some(i) => &raw[i + 1..],
        None => raw,
    }
}

/// The `@odata.type` (or 4.01 `@type`) of the object at the decoder's position, read
/// ahead without consuming the object (as [`odata_type`] gives it for a tree). The
/// usual place, first in the object, is found without reading further.
pub fn peek_odata_type(
    d: &mut Decoder<'_>,
    path: &Path<'_>,
) -> Result<Option<String>, DecodeError> {
    scan_type(d, path, false)
}

/// The `@odata.type` of the object at the decoder's position if it is among the
/// object's leading control information (members named `@…` before the first property:
/// where services write it, and where OData requires it of streamed payloads), read
/// without consuming the object. `None` when it is not there: it may still come later
/// (see [`other_type`]). Not an object: `expected object {type_name}, found …`.
pub fn leading_type(
    d: &mut Decoder<'_>,
    path: &Path<'_>,
    type_name: &str,
) -> Result<Option<String>, DecodeError> {
    if d.peek() != Some(b'{') {
        return Err(d.unexpected(path, &format!("object {type_name}")));
    }
    scan_type(d, path, true)
}

/// Looks through the object at the decoder's position (only its leading `@…` members
/// when `leading`) for `@odata.type`, which wins over 4.01's `@type` as in
/// [`odata_type`]; stops at the first `@odata.type`. A type that is not a string is none.
fn scan_type(
    d: &mut Decoder<'_>,
    path: &Path<'_>,
    leading: bool,
) -> Result<Option<String>, DecodeError> {
    let (mut long, mut short) = (None, None);
    d.look_ahead(path, &mut |key, d, p| {
        let slot = match key {
            "@odata.type" => &mut long,
            "@type" if short.is_none() => &mut short,
            _ if leading && !key.starts_with('@') => return Ok(Look::Stop),
            _ => return Ok(Look::Skip),
        };
        *slot = Some(match d.peek() {
            Some(b'"') => Some(short_type(&d.string(p, "")?).to_owned()),
            _ => {
                d.skip(p)?;
                None
            }
        });
        Ok(if long.is_some() {
            Look::Stop
        } else {
            Look::Read
        })
    })?;
    Ok(long.or(short).flatten())
}

/// Whether the members a value kept in `additional` name a type other than `own`: a
/// value decoded as its declared type before its `@odata.type` was known must then be
/// read again as that type.
pub fn other_type(additional: &Map<String, Value>, own: &str) -> bool {
    (additional.contains_key("@odata.type") || additional.contains_key("@type"))
        && map_odata_type(additional) != Some(own)
}

/// The type of the object at the decoder's position, for a polymorphic value of
/// `type_name`: its `@odata.type` ([`peek_odata_type`]), or `default` (the base type's
/// own name, or empty for an abstract one) when it names none. Not an object:
/// `expected object {type_name}, found …`.
pub fn object_type(
    d: &mut Decoder<'_>,
    path: &Path<'_>,
    type_name: &str,
    default: &str,
) -> Result<String, DecodeError> {
    if d.peek() != Some(b'{') {
        return Err(d.unexpected(path, &format!("object {type_name}")));
    }
    Ok(peek_odata_type(d, path)?.unwrap_or_else(|| default.to_owned()))
}

/// The `@odata.etag` (or 4.01 `@etag`) control information of an entity, as found in
/// the unknown-members map returned by [`ObjectReader::rest`]. Send it back as `If-Match`.
pub fn etag(rest: &Map<String, Value>) -> Option<&str> {
    rest.get("@odata.etag")
        .or_else(|| rest.get("@etag"))
        .and_then(Value::as_str)
}

// ---- generated structs ------------------------------------------------------------

/// The JSON layout of a generated struct: its wire names, in declaration order. One
/// `static` per struct; [`MemberReader`] and [`MemberWriter`] walk the members, so a
/// struct's own code is a `match` from field index to field.
pub struct Shape {
    type_name: &'static str,
    /// A write shape: `@odata.type` is written, `#` + `type_name`.
    tagged: bool,
    names: &'static [&'static str],
    /// Built on first use (from `names`, so the generated code stays a plain list).
    layout: OnceLock<Layout>,
}

impl Shape {
    /// The layout of a read shape: `type_name` (e.g. `microsoft.graph.user`) names it
    /// in errors; `names` are the wire names of its fields, by field index.
    pub const fn new(type_name: &'static str, names: &'static [&'static str]) -> Shape {
        Shape {
            type_name,
            tagged: false,
            names,
            layout: OnceLock::new(),
        }
    }

    /// The layout of a write shape, which always writes `@odata.type`: `#` and
    /// `type_name`.
    pub const fn tagged(type_name: &'static str, names: &'static [&'static str]) -> Shape {
        Shape {
            type_name,
            tagged: true,
            names,
            layout: OnceLock::new(),
        }
    }

    fn layout(&'static self) -> &'static Layout {
        self.layout.get_or_init(|| {
            let mut sorted: Vec<u32> = (0..self.names.len() as u32).collect();
            sorted.sort_by_key(|&i| self.names[i as usize]);
            let plain = self.names.iter().all(|n| Encoder::is_plain(n));
            let size = (self.names.len() * 2).next_power_of_two().max(2);
            let mut table = vec![u32::MAX; size];
            for (i, name) in self.names.iter().enumerate() {
                let mut at = name_hash(name) & (size - 1);
                while table[at] != u32::MAX {
                    at = (at + 1) & (size - 1);
                }
                table[at] = i as u32;
            }
            Layout {
                sorted: sorted.into_boxed_slice(),
                plain,
                table: table.into_boxed_slice(),
            }
        })
    }

    /// The field index of wire name `key`; `hint` is tried first (the field after the
    /// previous member: services write members in a stable order), then a hash table.
    fn find(&'static self, key: &str, hint: usize) -> Option<usize> {
        if self.names.get(hint) == Some(&key) {
            return Some(hint);
        }
        let table = &self.layout().table;
        let mask = table.len() - 1;
        let mut at = name_hash(key) & mask;
        loop {
            let i = *table.get(at)? as usize;
            if self.names.get(i)? == &key {
                return Some(i);
            }
            at = (at + 1) & mask;
        }
    }
}

/// What a [`Shape`] derives from its names, once.
struct Layout {
    /// Name indices in key order: members are written in key order, merged with
    /// `additional`, as a JSON object map keeps them.
    sorted: Box<[u32]>,
    /// Every name is written as it is (no escaping).
    plain: bool,
    /// Open addressing, at most half full: name hash → name index (`u32::MAX` empty).
    table: Box<[u32]>,
}

/// FNV-1a of a member name (short ASCII strings; the table only needs a spread).
fn name_hash(name: &str) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (h ^ (h >> 32)) as usize
}

/// Reads the members of a generated struct's object: [`MemberReader::next`] gives the
/// field index of each declared member (decode it with [`MemberReader::read`]) and puts
/// every other member into `additional`. Errors are kept for [`MemberReader::finish`]
/// (no early return per field in the generated code, which keeps it cheap to compile).
/// A generated `decode` is `Self::default()`, a `while let Some(i) = o.next(..)` loop
/// around a `match` from index to `o.read(&mut v.field)`, then `o.finish()?; Ok(v)`.
pub struct MemberReader<'d, 'a, 'p> {
    d: &'d mut Decoder<'a>,
    path: &'p Path<'p>,
    shape: &'static Shape,
    key: Cow<'a, str>,
    first: bool,
    hint: usize,
    error: Option<DecodeError>,
}

impl<'d, 'a, 'p> MemberReader<'d, 'a, 'p> {
    /// Start reading the object at the decoder's position as a `shape`.
    pub fn new(d: &'d mut Decoder<'a>, path: &'p Path<'p>, shape: &'static Shape) -> Self {
        let error = if d.peek() == Some(b'{') {
            d.enter_object(path, "object").err()
        } else {
            Some(d.unexpected(path, &format!("object {}", shape.type_name)))
        };
        MemberReader {
            d,
            path,
            shape,
            key: Cow::Borrowed(""),
            first: true,
            hint: 0,
            error,
        }
    }

    /// The field index of the next declared member, whose value must be read next;
    /// members the shape does not declare go into `additional` on the way. `None` at
    /// the end of the object or after an error.
    pub fn next(&mut self, additional: &mut Map<String, Value>) -> Option<usize> {
        while self.error.is_none() {
            let key = match self.d.next_key(self.path, self.first) {
                Ok(Some(key)) => key,
                Ok(None) => return None,
                Err(e) => {
                    self.error = Some(e);
                    return None;
                }
            };
            self.first = false;
            if let Some(i) = self.shape.find(&key, self.hint) {
                self.hint = i + 1;
                self.key = key;
                return Some(i);
            }
            match self.d.value(&self.path.key(&key)) {
                Ok(v) => {
                    additional.insert(key.into_owned(), v);
                }
                Err(e) => self.error = Some(e),
            }
        }
        None
    }

    /// Decode the current member into `slot` (`null` as `None`).
    pub fn read<T: FromJson>(&mut self, slot: &mut Option<T>) {
        // Instantiated once per field type: kept to the decode call.
        if self.d.null() {
            *slot = None;
            return;
        }
        match T::decode(self.d, &self.path.key(&self.key)) {
            Ok(v) => *slot = Some(v),
            Err(e) => self.error = Some(e),
        }
    }

    /// Keep the current member in `additional`, as JSON: a declared member whose field
    /// this build leaves out (a crate's area features).
    pub fn keep(&mut self, additional: &mut Map<String, Value>) {
        match self.d.value(&self.path.key(&self.key)) {
            Ok(v) => {
                additional.insert(std::mem::take(&mut self.key).into_owned(), v);
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// Skip the current member.
    pub fn skip(&mut self) {
        let path = self.path.key(&self.key);
        if let Err(e) = self.d.skip(&path) {
            self.error = Some(e);
        }
    }

    /// The first error met, if any (not generic: the generated `decode` ends with
    /// `o.finish()?; Ok(v)`).
    pub fn finish(self) -> Result<(), DecodeError> {
        match self.error {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }
}

/// Writes the members of a generated struct's object in key order, merged with its
/// `additional` members (a field wins over an `additional` member of the same name):
/// [`MemberWriter::next`] gives the index of the next field to write, in key order;
/// the object is closed when it returns `None`. A generated `encode` is that loop around
/// a `match` from index to `o.write(&self.field)`.
pub struct MemberWriter<'w> {
    w: &'w mut Encoder,
    shape: &'static Shape,
    sorted: &'static [u32],
    plain: bool,
    extra: std::iter::Peekable<serde_json::map::Iter<'w>>,
    at: usize,
    name: &'static str,
}

impl Encoder {
    /// Start writing a generated struct of `shape` with these `additional` members; a
    /// write shape writes its `@odata.type` first, and so does a value written with
    /// [`tagged`] unless `additional` names a type already.
    pub fn members<'w>(
        &'w mut self,
        shape: &'static Shape,
        additional: &'w Map<String, Value>,
    ) -> MemberWriter<'w> {
        let given = self.tag.take();
        let written_type =
            additional.contains_key("@odata.type") || additional.contains_key("@type");
        let mut o = MemberWriter {
            w: self,
            shape,
            sorted: &shape.layout().sorted,
            plain: shape.layout().plain,
            extra: additional.iter().peekable(),
            at: 0,
            name: "",
        };
        o.w.begin_object();
        if shape.tagged || (given.is_some() && !written_type) {
            o.extra_before("@odata.type");
            o.name = "@odata.type";
            o.w.key("@odata.type");
            match given.filter(|_| !shape.tagged) {
                Some(t) => o.w.str(t),
                None => o.w.display(&format_args!("#{}", shape.type_name)),
            }
            o.written();
        }
        o
    }
}

/// Write `value` (a generated struct) as a value of the derived type `tag`
/// (`#ns.Type`): with `@odata.type` unless its `additional` names a type already.
pub fn tagged<T: ToJson + ?Sized>(w: &mut Encoder, value: &T, tag: &'static str) {
    w.tag = Some(tag);
    value.encode(w);
    w.tag = None;
}

impl MemberWriter<'_> {
    fn extra_before(&mut self, name: &str) {
        // Most keys differ in their first byte: decide there without a `memcmp` call.
        let before = |k: &str| match (k.as_bytes().first(), name.as_bytes().first()) {
            (Some(a), Some(b)) if a != b => a < b,
            _ => k < name,
        };
        while let Some((k, v)) = self.extra.next_if(|(k, _)| before(k)) {
            self.w.key(k);
            self.w.value(v);
        }
    }

    /// A field named `self.name` was written: an `additional` member of that name is not.
    fn written(&mut self) {
        let name = self.name;
        self.extra.next_if(|(k, _)| k.as_str() == name);
    }

    /// The index of the next field, in key order; `None` (the object closed) after the
    /// last one.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<usize> {
        match self.sorted.get(self.at) {
            Some(&i) => {
                self.at += 1;
                let name = self.shape.names[i as usize];
                self.extra_before(name);
                self.name = name;
                Some(i as usize)
            }
            None => {
                if self.at == self.sorted.len() {
                    self.at += 1;
                    for (k, v) in self.extra.by_ref() {
                        self.w.key(k);
                        self.w.value(v);
                    }
                    self.w.end_object();
                }
                None
            }
        }
    }

    fn key(&mut self) {
        if self.plain {
            self.w.plain_key(self.name);
        } else {
            self.w.key(self.name);
        }
    }

    /// Write the current field when it is `Some`.
    pub fn write<T: ToJson>(&mut self, value: &Option<T>) {
        if let Some(v) = value {
            self.key();
            v.encode(self.w);
            self.written();
        }
    }

    /// Write the current field of an update shape: `Set` as its value, `Null` as `null`,
    /// nothing for `Unchanged`.
    pub fn write_patch<T: ToJson>(&mut self, value: &super::patch::Patch<T>) {
        use super::patch::Patch;
        match value {
            Patch::Unchanged => return,
            Patch::Null => {
                self.key();
                self.w.null();
            }
            Patch::Set(v) => {
                self.key();
                v.encode(self.w);
            }
        }
        self.written();
    }
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
        self.map.insert(wire.to_owned(), tree(value));
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

/// The name under which serde_json hands a value over as its raw text (what its
/// `RawValue` asks for, with the `raw_value` feature the generated crate's `serde` feature
/// turns on). Only speed depends on it: a deserializer that does not know it (another
/// format, serde_json without the feature, or a future serde_json that names it otherwise)
/// calls [`visit_newtype_struct`](serde::de::Visitor::visit_newtype_struct) or gives the
/// value as it is, and [`deserialize`] reads it as a tree.
const SERDE_JSON_RAW: &str = "$serde_json::private::RawValue";

/// Serialize any [`ToJson`] value with serde: call it from a tiny
/// `impl serde::Serialize` block, or use it as `#[serde(serialize_with = …)]`.
///
/// The value is written by its own encoder, then that text is replayed into `serializer`
/// event by event (no tree), so any serde format gets the same members, in the same order,
/// with the same numbers as [`to_vec`].
pub fn serialize<T: ToJson + ?Sized, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    transcode(&to_vec(value), serializer)
}

/// Deserialize any [`FromJson`] value with serde; the message of a failure includes the
/// JSON path.
///
/// From serde_json (`from_slice`, `from_str`, `from_reader`, `from_value`, nested in the
/// caller's own derived types) the value arrives as its text and is decoded in one pass by
/// [`FromJson::decode`], as [`from_slice`] does; any other deserializer gives it as a tree
/// of serde events, read into a [`Value`] and decoded from that.
pub fn deserialize<'de, T: FromJson, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    // The visitor does not depend on `T`: one copy per deserializer, not per model type.
    let reader = serde_bridge::Reader;
    let read = match deserializer.deserialize_newtype_struct(SERDE_JSON_RAW, reader) {
        Ok(serde_bridge::Read::Text(text)) => from_slice(text.as_bytes()),
        Ok(serde_bridge::Read::Tree(value)) => T::from_json(value, &Path::ROOT),
        Err(e) => return Err(e),
    };
    read.map_err(<D::Error as serde::de::Error>::custom)
}

/// Replays the JSON text `json` (written by [`Encoder`]: valid, one value) into `serializer`.
fn transcode<S: serde::Serializer>(json: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    // Checked as UTF-8 once (the encoder writes nothing else), so that the parser does not
    // check each string again.
    let text = std::str::from_utf8(json).map_err(<S::Error as serde::ser::Error>::custom)?;
    let mut d = serde_json::Deserializer::from_str(text);
    serde_bridge::Replay::new(&mut d).serialize_into(serializer)
}

mod serde_bridge {
    //! The visitors behind [`deserialize`](super::deserialize) and
    //! [`serialize`](super::serialize).

    use std::borrow::Cow;
    use std::cell::Cell;
    use std::fmt;

    use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde::ser::{self, SerializeMap, SerializeSeq, Serializer};

    use super::{Map, SERDE_JSON_RAW, Value};

    /// What a deserializer gives: serde_json's raw text of the value (offered as a map of
    /// one entry keyed [`SERDE_JSON_RAW`]), or any other value as a tree.
    pub(super) enum Read<'de> {
        Text(Cow<'de, str>),
        Tree(Value),
    }

    /// The visitor that tells the two apart.
    pub(super) struct Reader;

    impl<'de> Visitor<'de> for Reader {
        type Value = Read<'de>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            Ok(Read::Tree(<Value as serde::Deserialize>::deserialize(d)?))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut object = Map::new();
            match map.next_key_seed(Key)? {
                None => {}
                Some(None) => return map.next_value_seed(Text).map(Read::Text),
                Some(Some(key)) => {
                    object.insert(key, map.next_value()?);
                }
            }
            while let Some((key, value)) = map.next_entry::<String, Value>()? {
                object.insert(key, value);
            }
            Ok(Read::Tree(Value::Object(object)))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element::<Value>()? {
                items.push(item);
            }
            Ok(Read::Tree(Value::Array(items)))
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Read::Tree(Value::Bool(v)))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Read::Tree(Value::from(v)))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Read::Tree(Value::from(v)))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Read::Tree(Value::from(v)))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Read::Tree(Value::String(v.to_owned())))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Read::Tree(Value::String(v)))
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Read::Tree(Value::Null))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Read::Tree(Value::Null))
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_newtype_struct(SERDE_JSON_RAW, self)
        }
    }

    /// A map's first key: `None` for serde_json's raw-text marker, else the key.
    struct Key;

    impl<'de> DeserializeSeed<'de> for Key {
        type Value = Option<String>;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }
    }

    impl<'de> Visitor<'de> for Key {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string key")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok((v != SERDE_JSON_RAW).then(|| v.to_owned()))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok((v != SERDE_JSON_RAW).then_some(v))
        }
    }

    /// serde_json's raw text of the value: borrowed from the input where it can be.
    struct Text;

    impl<'de> DeserializeSeed<'de> for Text {
        type Value = Cow<'de, str>;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }
    }

    impl<'de> Visitor<'de> for Text {
        type Value = Cow<'de, str>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the JSON text of a value")
        }

        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_owned()))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
    }

    /// A deserializer over JSON text, replayed into a serializer as serde events: one use
    /// (serde's `Serialize` takes `&self`, hence the `Cell`).
    pub(super) struct Replay<D>(Cell<Option<D>>);

    impl<'de, D: Deserializer<'de>> Replay<D> {
        pub(super) fn new(d: D) -> Self {
            Replay(Cell::new(Some(d)))
        }

        pub(super) fn serialize_into<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error> {
            ser::Serialize::serialize(&self, s)
        }
    }

    impl<'de, D: Deserializer<'de>> ser::Serialize for Replay<D> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let d = self
                .0
                .take()
                .ok_or_else(|| <S::Error as ser::Error>::custom("a value replayed twice"))?;
            match d.deserialize_any(Emit(s)) {
                Ok(done) => done,
                Err(e) => Err(<S::Error as ser::Error>::custom(e)),
            }
        }
    }

    /// Turns each deserializer event into the serializer's call. The serializer's own
    /// result travels as the visitor's value, so its error type is kept.
    struct Emit<S>(S);

    impl<'de, S: Serializer> Visitor<'de> for Emit<S> {
        type Value = Result<S::Ok, S::Error>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(self.0.serialize_unit())
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(self.0.serialize_bool(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(self.0.serialize_i64(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(self.0.serialize_u64(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(self.0.serialize_f64(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(self.0.serialize_str(v))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = match self.0.serialize_seq(seq.size_hint()) {
                Ok(out) => out,
                Err(e) => return Ok(Err(e)),
            };
            while let Some(done) = seq.next_element_seed(Element(&mut out))? {
                if let Err(e) = done {
                    return Ok(Err(e));
                }
            }
            Ok(out.end())
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = match self.0.serialize_map(map.size_hint()) {
                Ok(out) => out,
                Err(e) => return Ok(Err(e)),
            };
            while let Some(done) = map.next_key_seed(Entry::<_, true>(&mut out))? {
                let done = match done {
                    Ok(()) => map.next_value_seed(Entry::<_, false>(&mut out))?,
                    Err(e) => Err(e),
                };
                if let Err(e) = done {
                    return Ok(Err(e));
                }
            }
            Ok(out.end())
        }
    }

    /// One array element, replayed into the open sequence.
    struct Element<'a, Q>(&'a mut Q);

    impl<'de, Q: SerializeSeq> DeserializeSeed<'de> for Element<'_, Q> {
        type Value = Result<(), Q::Error>;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            Ok(self.0.serialize_element(&Replay::new(d)))
        }
    }

    /// One member's key (`KEY`) or value, replayed into the open map.
    struct Entry<'a, M, const KEY: bool>(&'a mut M);

    impl<'de, M: SerializeMap, const KEY: bool> DeserializeSeed<'de> for Entry<'_, M, KEY> {
        type Value = Result<(), M::Error>;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            let replay = Replay::new(d);
            Ok(if KEY {
                self.0.serialize_key(&replay)
            } else {
                self.0.serialize_value(&replay)
            })
        }
    }
}

// ---- primitive impls ------------------------------------------------------------

impl FromJson for Value {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        d.value(path)
    }
    fn from_json(value: Value, _path: &Path<'_>) -> Result<Self, DecodeError> {
        Ok(value)
    }
}

impl ToJson for Value {
    fn encode(&self, w: &mut Encoder) {
        w.value(self);
    }
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl FromJson for Map<String, Value> {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        if d.peek() != Some(b'{') {
            return Err(d.unexpected(path, "object"));
        }
        match d.value(path)? {
            Value::Object(m) => Ok(m),
            other => Err(DecodeError::expected(path, "object", &other)),
        }
    }
}

impl ToJson for Map<String, Value> {
    fn encode(&self, w: &mut Encoder) {
        w.begin_object();
        for (k, v) in self {
            w.key(k);
            w.value(v);
        }
        w.end_object();
    }
}

impl FromJson for bool {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        d.boolean(path, "Boolean")
    }
}

impl ToJson for bool {
    fn encode(&self, w: &mut Encoder) {
        w.boolean(*self);
    }
}

impl FromJson for String {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        d.string(path, "String").map(Cow::into_owned)
    }
}

impl ToJson for String {
    fn encode(&self, w: &mut Encoder) {
        w.str(self);
    }
}

impl ToJson for str {
    fn encode(&self, w: &mut Encoder) {
        w.str(self);
    }
}

/// Decode an integer of Edm type `edm` in `[min, max]` from a number or (with
/// `IEEE754Compatible=true`) a string: a plain in-range number directly, anything else
/// through [`int_from_json`] (for its error messages).
fn int_decode(
    d: &mut Decoder<'_>,
    path: &Path<'_>,
    edm: &str,
    min: i64,
    max: i64,
) -> Result<i64, DecodeError> {
    if let Some(b'-' | b'0'..=b'9') = d.peek() {
        let at = d.mark();
        let text = d.number(path, edm)?;
        // `-0` is a float to serde_json, so not an integer.
        match text.parse::<i64>() {
            Ok(i) if text != "-0" && (min..=max).contains(&i) => return Ok(i),
            _ => d.rewind(at),
        }
    }
    let value = d.value(path)?;
    int_from_json(value, path, edm, min, max)
}

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
            fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
                let i = int_decode(d, path, $edm, <$t>::MIN as i64, <$t>::MAX as i64)?;
                // In range by construction.
                Ok(i as $t)
            }
        }
        impl ToJson for $t {
            fn encode(&self, w: &mut Encoder) {
                w.int(*self as i64);
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
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let value = d.value(path)?;
        let parsed = match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => float_from_text(s),
            _ => None,
        };
        parsed.ok_or_else(|| DecodeError::expected(path, "Double", &value))
    }
}

impl ToJson for f64 {
    fn encode(&self, w: &mut Encoder) {
        w.value(&float_to_json(*self));
    }
}

impl FromJson for f32 {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let value = d.value(path)?;
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
    fn encode(&self, w: &mut Encoder) {
        let f = if self.is_finite() {
            // Go through the shortest decimal text so 0.1f32 is written as 0.1.
            self.to_string().parse::<f64>().unwrap_or(*self as f64)
        } else {
            *self as f64
        };
        w.value(&float_to_json(f));
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        if d.null() {
            Ok(None)
        } else {
            match T::decode(d, path) {
                Ok(v) => Ok(Some(v)),
                Err(e) => Err(e),
            }
        }
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn encode(&self, w: &mut Encoder) {
        match self {
            None => w.null(),
            Some(v) => v.encode(w),
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        T::decode(d, path).map(Box::new)
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn encode(&self, w: &mut Encoder) {
        (**self).encode(w);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn encode(&self, w: &mut Encoder) {
        (**self).encode(w);
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let mut out = Vec::new();
        d.array(path, "array", &mut |d, p| {
            out.push(T::decode(d, p)?);
            Ok(())
        })?;
        Ok(out)
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn encode(&self, w: &mut Encoder) {
        self.as_slice().encode(w);
    }
}

impl<T: ToJson> ToJson for [T] {
    fn encode(&self, w: &mut Encoder) {
        w.begin_array();
        for v in self {
            w.item();
            v.encode(w);
        }
        w.end_array();
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
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let mut value = None;
        d.object(path, "object value wrapper", &mut |d, key, p| {
            if key == "value" {
                value = Some(T::decode(d, p)?);
                Ok(())
            } else {
                d.skip(p)
            }
        })?;
        match value {
            Some(v) => Ok(ValueOf(v)),
            None => Err(DecodeError::new(
                path,
                "missing required property \"value\"",
            )),
        }
    }
}

impl<T: ToJson> ToJson for ValueOf<T> {
    fn encode(&self, w: &mut Encoder) {
        w.begin_object();
        w.key("value");
        self.0.encode(w);
        w.end_object();
    }
}
