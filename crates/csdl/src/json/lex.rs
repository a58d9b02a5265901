//! The JSON layer of the CSDL JSON reader: a tree of values that remember their byte
//! offsets, from a bounded parser (nesting, value length, duplicate member names).

use crate::document::{MAX_DEPTH, MAX_VALUE_LEN};

/// A string: bytes of the source between the quotes, or an unescaped copy.
#[derive(Debug, Clone)]
pub(super) enum Str {
    Span(u32, u32),
    Owned(Box<str>),
}

#[derive(Debug)]
pub(super) enum V {
    Null,
    Bool(bool),
    /// The number as written: bytes of the source.
    Num(u32, u32),
    Str(Str),
    Arr(Vec<Node>),
    Obj(Vec<Member>),
}

/// A value and the offset of its first byte.
#[derive(Debug)]
pub(super) struct Node {
    pub(super) at: u32,
    pub(super) v: V,
}

/// An object member; `at` is the offset of the opening quote of its name.
#[derive(Debug)]
pub(super) struct Member {
    pub(super) at: u32,
    pub(super) key: Str,
    pub(super) val: Node,
}

pub(super) type LexResult<T> = Result<T, (String, usize)>;

pub(super) struct Lexer<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
}

fn shown(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("`{}`", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

impl<'a> Lexer<'a> {
    /// A lexer over `b`.
    pub(super) fn new(b: &'a [u8]) -> Self {
        Lexer { b, i: 0, depth: 0 }
    }

    /// The whole document: one value, white space around it.
    pub(super) fn document(&mut self) -> LexResult<Node> {
        if self.b.starts_with("\u{feff}".as_bytes()) {
            self.i = 3;
        }
        self.ws();
        if self.i >= self.b.len() {
            return Err(("malformed JSON: the document is empty".into(), self.b.len()));
        }
        let v = self.value()?;
        self.ws();
        if self.i < self.b.len() {
            return Err((
                format!(
                    "malformed JSON: {} after the end of the document",
                    shown(self.b[self.i])
                ),
                self.i,
            ));
        }
        Ok(v)
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn unexpected(&self, wanted: &str) -> (String, usize) {
        match self.b.get(self.i) {
            None => (
                format!("malformed JSON: unexpected end of document, expected {wanted}"),
                self.i,
            ),
            Some(b) => (
                format!("malformed JSON: expected {wanted}, found {}", shown(*b)),
                self.i,
            ),
        }
    }

    fn value(&mut self) -> LexResult<Node> {
        let at = self.i as u32;
        let v = match self.b.get(self.i) {
            Some(b'{') => self.nested(|l| l.object().map(V::Obj))?,
            Some(b'[') => self.nested(|l| l.array().map(V::Arr))?,
            Some(b'"') => V::Str(self.string()?),
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b't') => self.word("true", V::Bool(true))?,
            Some(b'f') => self.word("false", V::Bool(false))?,
            Some(b'n') => self.word("null", V::Null)?,
            _ => return Err(self.unexpected("a value")),
        };
        Ok(Node { at, v })
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self) -> LexResult<V>) -> LexResult<V> {
        if self.depth >= MAX_DEPTH {
            return Err((
                format!("JSON values are nested more than {MAX_DEPTH} levels deep"),
                self.i,
            ));
        }
        self.depth += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn word(&mut self, w: &str, v: V) -> LexResult<V> {
        if self.b[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            if self
                .b
                .get(self.i)
                .is_some_and(|b| b.is_ascii_alphanumeric())
            {
                return Err(self.unexpected("`,`, `]` or `}`"));
            }
            Ok(v)
        } else {
            Err(("malformed JSON: expected a value".into(), self.i))
        }
    }

    fn object(&mut self) -> LexResult<Vec<Member>> {
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(members);
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.unexpected("a member name (a string)"));
            }
            let at = self.i;
            let key = self.string()?;
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(self.unexpected("`:` after the member name"));
            }
            self.i += 1;
            self.ws();
            let val = self.value()?;
            members.push(Member {
                at: at as u32,
                key,
                val,
            });
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    self.unique(&members)?;
                    return Ok(members);
                }
                _ => return Err(self.unexpected("`,` or `}` after an object member")),
            }
        }
    }

    fn key<'k>(&'k self, key: &'k Str) -> &'k str {
        match key {
            Str::Span(a, b) => std::str::from_utf8(&self.b[*a as usize..*b as usize]).unwrap_or(""),
            Str::Owned(s) => s,
        }
    }

    /// An error at the second of two members of one object with the same name: small
    /// objects are compared pairwise, large ones sorted (no quadratic time).
    fn unique(&self, members: &[Member]) -> LexResult<()> {
        let dup = if members.len() <= 16 {
            (1..members.len()).find(|&j| {
                let k = self.key(&members[j].key);
                members[..j].iter().any(|m| self.key(&m.key) == k)
            })
        } else {
            let mut order: Vec<usize> = (0..members.len()).collect();
            order.sort_by(|&x, &y| {
                self.key(&members[x].key)
                    .cmp(self.key(&members[y].key))
                    .then(x.cmp(&y))
            });
            order
                .windows(2)
                .filter(|w| self.key(&members[w[0]].key) == self.key(&members[w[1]].key))
                .map(|w| w[1])
                .min()
        };
        match dup {
            None => Ok(()),
            Some(j) => Err((
                format!(
                    "duplicate member `{}` in one JSON object",
                    crate::names::escape(self.key(&members[j].key))
                ),
                members[j].at as usize,
            )),
        }
    }

    fn array(&mut self) -> LexResult<Vec<Node>> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(items);
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(items);
                }
                _ => return Err(self.unexpected("`,` or `]` after an array item")),
            }
        }
    }

    fn number(&mut self) -> LexResult<V> {
        let start = self.i;
        let bad = |i: usize| ("malformed JSON: invalid number".to_string(), i);
        let digits = |l: &mut Self| {
            let s = l.i;
            while l.b.get(l.i).is_some_and(u8::is_ascii_digit) {
                l.i += 1;
            }
            l.i > s
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(bad(start)),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return Err(bad(start));
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if !digits(self) {
                return Err(bad(start));
            }
        }
        if self
            .b
            .get(self.i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.')
        {
            return Err(bad(start));
        }
        if self.i - start > MAX_VALUE_LEN {
            return Err(too_long(start));
        }
        Ok(V::Num(start as u32, self.i as u32))
    }

    /// A string starting at the `"` at `self.i`.
    fn string(&mut self) -> LexResult<Str> {
        let open = self.i;
        self.i += 1;
        let start = self.i;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let Some(&b) = self.b.get(self.i) else {
                return Err(("malformed JSON: unterminated string".into(), open));
            };
            if self.i - start > MAX_VALUE_LEN {
                return Err(too_long(open));
            }
            match b {
                b'"' => {
                    let end = self.i;
                    self.i += 1;
                    return Ok(match owned {
                        None => Str::Span(start as u32, end as u32),
                        Some(mut s) => {
                            s.push_str(self.utf8(run, end)?);
                            Str::Owned(s.into_boxed_str())
                        }
                    });
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    let prefix = std::str::from_utf8(&self.b[run..self.i])
                        .map_err(|_| ("malformed JSON: invalid UTF-8".to_string(), run))?;
                    s.push_str(prefix);
                    let c = self.escape()?;
                    owned.as_mut().expect("set above").push(c);
                    run = self.i;
                }
                b'\n' | b'\r' => {
                    return Err((
                        "malformed JSON: line break in a string (a string left open, or a line break not written as `\\n`)".into(),
                        self.i,
                    ));
                }
                0x00..=0x1f => {
                    return Err((
                        format!(
                            "malformed JSON: control character U+{b:04X} in a string (write it as `\\u{b:04x}`)"
                        ),
                        self.i,
                    ));
                }
                _ => self.i += 1,
            }
        }
    }

    fn utf8(&self, a: usize, b: usize) -> LexResult<&str> {
        std::str::from_utf8(&self.b[a..b]).map_err(|_| ("malformed JSON: invalid UTF-8".into(), a))
    }

    /// An escape sequence starting at the `\` at `self.i`.
    fn escape(&mut self) -> LexResult<char> {
        let at = self.i;
        self.i += 1;
        let Some(&e) = self.b.get(self.i) else {
            return Err(("malformed JSON: unterminated string".into(), at));
        };
        self.i += 1;
        Ok(match e {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4(at)?;
                if (0xD800..0xDC00).contains(&hi) {
                    if self.b.get(self.i) != Some(&b'\\') || self.b.get(self.i + 1) != Some(&b'u') {
                        return Err(lone(at));
                    }
                    self.i += 2;
                    let lo = self.hex4(at)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(lone(at));
                    }
                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    char::from_u32(c).ok_or_else(|| lone(at))?
                } else {
                    char::from_u32(hi).ok_or_else(|| lone(at))?
                }
            }
            other => {
                return Err((
                    format!("malformed JSON: invalid escape `\\{}`", other as char),
                    at,
                ));
            }
        })
    }

    fn hex4(&mut self, at: usize) -> LexResult<u32> {
        let digits = self
            .b
            .get(self.i..self.i + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        match digits {
            Some(v) => {
                self.i += 4;
                Ok(v)
            }
            None => Err((
                "malformed JSON: `\\u` must be followed by four hexadecimal digits".into(),
                at,
            )),
        }
    }
}

fn lone(at: usize) -> (String, usize) {
    (
        "malformed JSON: a `\\u` escape names a lone surrogate (not a character)".into(),
        at,
    )
}

fn too_long(at: usize) -> (String, usize) {
    (
        format!(
            "a JSON value is longer than {} MiB ({MAX_VALUE_LEN} bytes), the most accepted",
            MAX_VALUE_LEN >> 20
        ),
        at,
    )
}
