//! JSON text in one pass: [`Decoder`] reads a document from bytes without building a
//! tree, [`Encoder`] writes one into a byte buffer.
//!
//! They are what [`FromJson`](super::json::FromJson) and [`ToJson`](super::json::ToJson)
//! are written with: a page of a thousand entities is decoded member by member into the
//! generated structs (no `Value` per member, no map per object) and encoded straight into
//! the request body. The reader accepts exactly RFC 8259 JSON, as `serde_json` does (the
//! tests compare the two on random documents): UTF-8 only, no trailing commas or
//! characters, no lone surrogates, nesting limited to [`MAX_DEPTH`]. A syntax error is a
//! [`DecodeError`] at the JSON path where it was met, with its line and column.

use std::borrow::Cow;
use std::fmt;

use super::json::{DecodeError, Map, Number, Path, Value};

/// How deeply arrays and objects may nest (as with `serde_json`): deeper input is an
/// error, never a stack overflow.
pub const MAX_DEPTH: usize = 127;

/// Reads one JSON document from bytes, value by value.
///
/// Each `read`-like method consumes one value at the current position or returns an
/// error located at the `path` it is given. Objects and arrays are walked with
/// [`Decoder::object`] and [`Decoder::array`], which call back once per member or item;
/// the callback must consume that value (decode it or [`Decoder::skip`] it).
pub struct Decoder<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Decoder<'a> {
    /// A decoder of `input`, which must be UTF-8 (checked here, once).
    pub fn new(input: &'a [u8]) -> Result<Decoder<'a>, DecodeError> {
        match std::str::from_utf8(input) {
            Ok(text) => Ok(Decoder {
                text,
                pos: 0,
                depth: 0,
            }),
            Err(e) => {
                let (line, column) = line_col(input, e.valid_up_to());
                Err(DecodeError::new(
                    &Path::ROOT,
                    format!("invalid JSON: invalid UTF-8 at line {line} column {column}"),
                ))
            }
        }
    }

    /// Where the decoder is, as a byte offset into the input.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// A place to come back to with [`Decoder::rewind`], to read a value again another
    /// way (after a failed attempt too).
    pub fn mark(&mut self) -> Mark {
        Mark {
            pos: self.pos,
            depth: self.depth,
        }
    }

    /// Go back to `mark`, taken on this decoder.
    pub fn rewind(&mut self, mark: Mark) {
        self.pos = mark.pos.min(self.text.len());
        self.depth = mark.depth;
    }

    /// After the document: only whitespace may follow.
    pub fn finish(&mut self, path: &Path<'_>) -> Result<(), DecodeError> {
        if self.peek().is_some() {
            return Err(self.syntax(path, "trailing characters"));
        }
        Ok(())
    }

    /// A syntax error at the current position.
    fn syntax(&self, path: &Path<'_>, what: &str) -> DecodeError {
        let (line, column) = line_col(self.text.as_bytes(), self.pos);
        DecodeError::new(
            path,
            format!("invalid JSON: {what} at line {line} column {column}"),
        )
    }

    #[inline]
    fn skip_ws(&mut self) {
        let b = self.text.as_bytes();
        while let Some(&c) = b.get(self.pos) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// The first byte of the next value (after whitespace), without consuming it.
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Consumes a `null` if one is next; `false` (nothing consumed) otherwise.
    #[inline]
    pub fn null(&mut self) -> bool {
        if self.peek() == Some(b'n') && self.text.as_bytes()[self.pos..].starts_with(b"null") {
            self.pos += 4;
            true
        } else {
            false
        }
    }

    /// The error for a value that is not `expected`: `expected {expected}, found …`,
    /// describing the value found (which is read for that).
    pub fn unexpected(&mut self, path: &Path<'_>, expected: &str) -> DecodeError {
        match self.value(path) {
            Ok(found) => DecodeError::expected(path, expected, &found),
            Err(e) => e,
        }
    }

    fn literal(&mut self, path: &Path<'_>, word: &str) -> Result<(), DecodeError> {
        if self.text.as_bytes()[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.syntax(path, "expected value"))
        }
    }

    /// A `true` or `false`.
    pub fn boolean(&mut self, path: &Path<'_>, expected: &str) -> Result<bool, DecodeError> {
        match self.peek() {
            Some(b't') => self.literal(path, "true").map(|()| true),
            Some(b'f') => self.literal(path, "false").map(|()| false),
            _ => Err(self.unexpected(path, expected)),
        }
    }

    /// A string, borrowed from the input when it has no escapes.
    #[inline]
    pub fn string(&mut self, path: &Path<'_>, expected: &str) -> Result<Cow<'a, str>, DecodeError> {
        if self.peek() == Some(b'"') {
            self.string_here(path)
        } else {
            Err(self.unexpected(path, expected))
        }
    }

    /// The text of a number (JSON grammar checked), e.g. `-12.5e3`.
    pub fn number(&mut self, path: &Path<'_>, expected: &str) -> Result<&'a str, DecodeError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number_here(path),
            _ => Err(self.unexpected(path, expected)),
        }
    }

    /// The string starting at the current `"`.
    fn string_here(&mut self, path: &Path<'_>) -> Result<Cow<'a, str>, DecodeError> {
        let b = self.text.as_bytes();
        let start = self.pos + 1;
        // Eight bytes at a time while none is `"`, `\\` or a control character.
        let mut i = special_at(b, start);
        loop {
            match b.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(&self.text[start..i]));
                }
                Some(b'\\') => break,
                Some(&c) if c >= 0x20 => i += 1,
                Some(_) => {
                    self.pos = i;
                    return Err(self.syntax(
                        path,
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                None => {
                    self.pos = i;
                    return Err(self.syntax(path, "EOF while parsing a string"));
                }
            }
        }
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(&self.text[start..i]);
        loop {
            match b.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    let c = match b.get(i + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos = i;
                            let (c, next) = self.unicode_escape(path, i)?;
                            out.push(c);
                            i = next;
                            continue;
                        }
                        _ => {
                            self.pos = i;
                            return Err(self.syntax(path, "invalid escape"));
                        }
                    };
                    out.push(c);
                    i += 2;
                }
                Some(&c) if c >= 0x20 => {
                    let run = i;
                    while let Some(&c) = b.get(i) {
                        if c == b'"' || c == b'\\' || c < 0x20 {
                            break;
                        }
                        i += 1;
                    }
                    out.push_str(&self.text[run..i]);
                }
                Some(_) => {
                    self.pos = i;
                    return Err(self.syntax(
                        path,
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                None => {
                    self.pos = i;
                    return Err(self.syntax(path, "EOF while parsing a string"));
                }
            }
        }
    }

    /// `\uXXXX` at `at` (the backslash), with a following low surrogate when it is a
    /// high one: the character and the offset after the escape(s).
    fn unicode_escape(&mut self, path: &Path<'_>, at: usize) -> Result<(char, usize), DecodeError> {
        let hex = |d: &Self, at: usize| -> Option<u32> {
            let digits = d.text.as_bytes().get(at + 2..at + 6)?;
            let mut v = 0;
            for &c in digits {
                v = v * 16 + (c as char).to_digit(16)?;
            }
            Some(v)
        };
        let Some(first) = hex(self, at) else {
            return Err(self.syntax(path, "invalid escape"));
        };
        match first {
            0xD800..=0xDBFF => {
                let b = self.text.as_bytes();
                let second = if b.get(at + 6) == Some(&b'\\') && b.get(at + 7) == Some(&b'u') {
                    hex(self, at + 6)
                } else {
                    None
                };
                match second {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        let c = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
                        match char::from_u32(c) {
                            Some(c) => Ok((c, at + 12)),
                            None => Err(self.syntax(path, "invalid unicode code point")),
                        }
                    }
                    _ => Err(self.syntax(path, "lone leading surrogate in hex escape")),
                }
            }
            0xDC00..=0xDFFF => Err(self.syntax(path, "lone trailing surrogate in hex escape")),
            c => match char::from_u32(c) {
                Some(c) => Ok((c, at + 6)),
                None => Err(self.syntax(path, "invalid unicode code point")),
            },
        }
    }

    fn number_here(&mut self, path: &Path<'_>) -> Result<&'a str, DecodeError> {
        let b = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        let digits = |i: &mut usize| {
            let s = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > s
        };
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => {
                self.pos = i;
                return Err(self.syntax(path, "invalid number"));
            }
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !digits(&mut i) {
                self.pos = i;
                return Err(self.syntax(path, "invalid number"));
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !digits(&mut i) {
                self.pos = i;
                return Err(self.syntax(path, "invalid number"));
            }
        }
        self.pos = i;
        Ok(&self.text[start..i])
    }

    fn enter(&mut self, path: &Path<'_>) -> Result<(), DecodeError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.syntax(path, "recursion limit exceeded"));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// Walks the object at the current position: `member(decoder, key, path of the
    /// member)` is called once per member, in document order, and must consume the
    /// member's value. Not an object: `expected {expected}, found …`.
    pub fn object(
        &mut self,
        path: &Path<'_>,
        expected: &str,
        member: &mut dyn FnMut(&mut Decoder<'a>, &str, &Path<'_>) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        self.enter_object(path, expected)?;
        let mut first = true;
        while let Some(key) = self.next_key(path, first)? {
            first = false;
            member(self, &key, &path.key(&key))?;
        }
        Ok(())
    }

    /// Starts reading the object at the current position (consumes its `{`); read its
    /// members with [`Decoder::next_key`]. Not an object: `expected {expected}, …`.
    pub fn enter_object(&mut self, path: &Path<'_>, expected: &str) -> Result<(), DecodeError> {
        if self.peek() != Some(b'{') {
            return Err(self.unexpected(path, expected));
        }
        self.enter(path)
    }

    /// The key of the next member of the object being read (its value must be read
    /// next), or `None` after its last member (its `}` consumed). `first`: no member
    /// was read yet.
    pub fn next_key(
        &mut self,
        path: &Path<'_>,
        first: bool,
    ) -> Result<Option<Cow<'a, str>>, DecodeError> {
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                return Ok(None);
            }
            Some(b',') if !first => {
                self.pos += 1;
                if self.peek() != Some(b'"') {
                    return Err(self.syntax(path, "key must be a string"));
                }
            }
            Some(b'"') if first => {}
            None => return Err(self.syntax(path, "EOF while parsing an object")),
            Some(_) if first => return Err(self.syntax(path, "key must be a string")),
            Some(_) => return Err(self.syntax(path, "expected `,` or `}`")),
        }
        let key = self.string_here(path)?;
        if self.peek() != Some(b':') {
            return Err(self.syntax(path, "expected `:`"));
        }
        self.pos += 1;
        Ok(Some(key))
    }

    /// Walks the array at the current position: `item(decoder, path of the item)` is
    /// called once per item and must consume it. Not an array: `expected {expected}, …`.
    pub fn array(
        &mut self,
        path: &Path<'_>,
        expected: &str,
        item: &mut dyn FnMut(&mut Decoder<'a>, &Path<'_>) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        if self.peek() != Some(b'[') {
            return Err(self.unexpected(path, expected));
        }
        self.enter(path)?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            item(self, &path.index(index))?;
            index += 1;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                None => return Err(self.syntax(path, "EOF while parsing a list")),
                Some(_) => return Err(self.syntax(path, "expected `,` or `]`")),
            }
        }
    }

    /// The value at the current position as a tree.
    pub fn value(&mut self, path: &Path<'_>) -> Result<Value, DecodeError> {
        match self.peek() {
            Some(b'n') => self.literal(path, "null").map(|()| Value::Null),
            Some(b't') => self.literal(path, "true").map(|()| Value::Bool(true)),
            Some(b'f') => self.literal(path, "false").map(|()| Value::Bool(false)),
            Some(b'"') => Ok(Value::String(self.string_here(path)?.into_owned())),
            Some(b'-' | b'0'..=b'9') => {
                let text = self.number_here(path)?;
                match number_value(text) {
                    Some(n) => Ok(Value::Number(n)),
                    None => Err(self.syntax(path, "number out of range")),
                }
            }
            Some(b'[') => {
                let mut items = Vec::new();
                self.array(path, "array", &mut |d, p| {
                    items.push(d.value(p)?);
                    Ok(())
                })?;
                Ok(Value::Array(items))
            }
            Some(b'{') => {
                let mut map = Map::new();
                self.object(path, "object", &mut |d, k, p| {
                    let v = d.value(p)?;
                    map.insert(k.to_owned(), v);
                    Ok(())
                })?;
                Ok(Value::Object(map))
            }
            Some(_) => Err(self.syntax(path, "expected value")),
            None => Err(self.syntax(path, "EOF while parsing a value")),
        }
    }

    /// Consumes the value at the current position (checking its syntax) without
    /// keeping it.
    pub fn skip(&mut self, path: &Path<'_>) -> Result<(), DecodeError> {
        match self.peek() {
            Some(b'n') => self.literal(path, "null"),
            Some(b't') => self.literal(path, "true"),
            Some(b'f') => self.literal(path, "false"),
            Some(b'"') => self.string_here(path).map(drop),
            Some(b'-' | b'0'..=b'9') => {
                let text = self.number_here(path)?;
                match number_value(text) {
                    Some(_) => Ok(()),
                    None => Err(self.syntax(path, "number out of range")),
                }
            }
            Some(b'[') => self.array(path, "array", &mut |d, p| d.skip(p)),
            Some(b'{') => self.object(path, "object", &mut |d, _, p| d.skip(p)),
            Some(_) => Err(self.syntax(path, "expected value")),
            None => Err(self.syntax(path, "EOF while parsing a value")),
        }
    }

    /// Looks into the object at the current position without consuming it: calls
    /// `member(key, decoder, path)` per member until it returns `Ok(true)`; a member it
    /// does not consume (it returns `Ok(false)` without reading) is skipped. The
    /// decoder is back where it was afterwards. Not an object: nothing is called.
    pub fn look_ahead(
        &mut self,
        path: &Path<'_>,
        member: &mut dyn FnMut(&str, &mut Decoder<'a>, &Path<'_>) -> Result<Look, DecodeError>,
    ) -> Result<(), DecodeError> {
        if self.peek() != Some(b'{') {
            return Ok(());
        }
        let (pos, depth) = (self.pos, self.depth);
        let result = self.look_members(path, member);
        self.pos = pos;
        self.depth = depth;
        result
    }

    fn look_members(
        &mut self,
        path: &Path<'_>,
        member: &mut dyn FnMut(&str, &mut Decoder<'a>, &Path<'_>) -> Result<Look, DecodeError>,
    ) -> Result<(), DecodeError> {
        self.enter(path)?;
        let mut first = true;
        while let Some(key) = self.next_key(path, first)? {
            first = false;
            let p = path.key(&key);
            match member(&key, self, &p)? {
                Look::Stop => return Ok(()),
                Look::Read => {}
                Look::Skip => self.skip(&p)?,
            }
        }
        Ok(())
    }
}

/// A place in the input ([`Decoder::mark`]).
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    pos: usize,
    depth: usize,
}

/// What a [`Decoder::look_ahead`] callback did with a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    /// Nothing: skip the value and go on.
    Skip,
    /// It read the value: go on.
    Read,
    /// Done: stop looking.
    Stop,
}

/// Where, from `from`, the first `"`, `\\` or control character of `b` may be: whole
/// eight-byte words holding none are skipped, and if fewer than eight bytes are left
/// and none of them is one, `b.len()`; otherwise the caller checks byte by byte.
fn special_at(b: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let x = u64::from_le_bytes(bytes);
        let special = zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH);
        if special != 0 {
            return i;
        }
        i += 8;
    }
    if b.get(i..)
        .is_some_and(|rest| rest.iter().all(|&c| ESCAPE[c as usize] == 0))
    {
        b.len()
    } else {
        i
    }
}

/// `serde_json`'s number for JSON number text: an integer in `u64`/`i64` range as
/// such, anything else (fractions, exponents, larger integers, `-0`) as `f64`. `None`
/// when the `f64` is infinite (`1e400`), which `serde_json` refuses too.
pub fn number_value(text: &str) -> Option<Number> {
    let integer = !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'));
    if integer && text != "-0" {
        if let Ok(u) = text.parse::<u64>() {
            return Some(Number::from(u));
        }
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::from(i));
        }
    }
    let f: f64 = text.parse().ok()?;
    Number::from_f64(f).filter(|_| f.is_finite())
}

/// 1-based line and column of byte `at`.
fn line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
    (line, column)
}

/// How `serde_json` escapes each byte of a string: 0 for none, `u` for `\u00XX`, else
/// the letter after the backslash.
const ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'\n' as usize] = b'n';
    t[b'\r' as usize] = b'r';
    t[b'\t' as usize] = b't';
    t[0x08] = b'b';
    t[0x0c] = b'f';
    t
};

/// Writes one JSON document into a byte buffer.
///
/// Values are appended as they come; [`Encoder::key`] and [`Encoder::item`] put the
/// separating commas. Strings are escaped as `serde_json` escapes them, and numbers
/// written as it writes them, so the bytes are the ones `serde_json` would write.
#[derive(Default)]
pub struct Encoder {
    out: Vec<u8>,
    /// `@odata.type` for the next generated struct written (see `json::tagged`).
    pub(super) tag: Option<&'static str>,
}

impl Encoder {
    /// An empty buffer.
    pub fn new() -> Encoder {
        Encoder::default()
    }

    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.out
    }

    /// The buffer itself, for the runtime's own writers of text that needs no escaping.
    pub(super) fn raw(&mut self) -> &mut Vec<u8> {
        &mut self.out
    }

    /// A member's key known to need no escaping (see `json::Shape`).
    pub(super) fn plain_key(&mut self, key: &str) {
        if self.out.last() != Some(&b'{') {
            self.out.push(b',');
        }
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    /// Whether `s` is written as it is between quotes.
    pub(super) fn is_plain(s: &str) -> bool {
        s.bytes().all(|c| ESCAPE[c as usize] == 0)
    }

    /// `null`.
    pub fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, b: bool) {
        self.out
            .extend_from_slice(if b { b"true" } else { b"false" });
    }

    /// An integer.
    pub fn int(&mut self, i: i64) {
        let mut buf = [0u8; 20];
        let mut n = i.unsigned_abs();
        let mut at = buf.len();
        loop {
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if i < 0 {
            self.out.push(b'-');
        }
        self.out.extend_from_slice(&buf[at..]);
    }

    /// A string, escaped.
    pub fn str(&mut self, s: &str) {
        self.out.push(b'"');
        self.escaped(s);
        self.out.push(b'"');
    }

    fn escaped(&mut self, s: &str) {
        let b = s.as_bytes();
        // Most strings need no escaping: find out eight bytes at a time.
        let clean = special_at(b, 0);
        if clean == b.len() {
            self.out.extend_from_slice(b);
            return;
        }
        self.out.reserve(b.len() + 8);
        let mut run = 0;
        for (i, &c) in b.iter().enumerate().skip(clean) {
            let esc = ESCAPE[c as usize];
            if esc == 0 {
                continue;
            }
            self.out.extend_from_slice(&b[run..i]);
            if esc == b'u' {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(c >> 4) as usize],
                    HEX[(c & 0xf) as usize],
                ]);
            } else {
                self.out.extend_from_slice(&[b'\\', esc]);
            }
            run = i + 1;
        }
        self.out.extend_from_slice(&b[run..]);
    }

    /// A string made of what `value` displays, escaped (no intermediate `String`).
    pub fn display(&mut self, value: &dyn fmt::Display) {
        struct Escaping<'e>(&'e mut Encoder);
        impl fmt::Write for Escaping<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0.escaped(s);
                Ok(())
            }
        }
        self.out.push(b'"');
        // Writing into a Vec cannot fail; a Display impl that reports an error leaves
        // what it wrote so far.
        let _ = fmt::write(&mut Escaping(self), format_args!("{value}"));
        self.out.push(b'"');
    }

    /// A JSON tree, as `serde_json` writes it.
    pub fn value(&mut self, value: &Value) {
        match value {
            Value::Null => self.null(),
            Value::Bool(b) => self.boolean(*b),
            // As serde_json writes it (ryu for floats), without an intermediate String;
            // writing into a Vec cannot fail.
            Value::Number(n) => {
                let _ = serde_json::to_writer(&mut self.out, n);
            }
            Value::String(s) => self.str(s),
            Value::Array(items) => {
                self.begin_array();
                for v in items {
                    self.item();
                    self.value(v);
                }
                self.end_array();
            }
            Value::Object(map) => {
                self.begin_object();
                for (k, v) in map {
                    self.key(k);
                    self.value(v);
                }
                self.end_object();
            }
        }
    }

    /// `{`.
    pub fn begin_object(&mut self) {
        self.out.push(b'{');
    }

    /// A member's key (after a comma unless it is the first): write its value next.
    pub fn key(&mut self, key: &str) {
        if self.out.last() != Some(&b'{') {
            self.out.push(b',');
        }
        self.str(key);
        self.out.push(b':');
    }

    /// `}`.
    pub fn end_object(&mut self) {
        self.out.push(b'}');
    }

    /// `[`.
    pub fn begin_array(&mut self) {
        self.out.push(b'[');
    }

    /// Before each item: a comma unless it is the first.
    pub fn item(&mut self) {
        if self.out.last() != Some(&b'[') {
            self.out.push(b',');
        }
    }

    /// `]`.
    pub fn end_array(&mut self) {
        self.out.push(b']');
    }
}
