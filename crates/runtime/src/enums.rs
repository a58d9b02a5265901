//! Open enumerations and `IsFlags` sets.
//!
//! Services add enum members all the time, so generated enums are *open*: every wire
//! string maps to a value (unknown ones to an `Unknown(UnknownMember)` variant) and back
//! unchanged.

use std::fmt;
use std::str::FromStr;

use super::json::{DecodeError, Decoder, Encoder, FromJson, Path, ToJson, Value};

/// An enumeration whose wire form is a member name and which keeps unknown members.
///
/// Generated enums implement this and call [`enum_decode`] (and write [`OpenEnum::as_str`]) from
/// their `FromJson` / `ToJson` impls.
pub trait OpenEnum: Sized {
    /// The wire name (`"intuneAosp"`), also for unknown members.
    fn as_str(&self) -> &str;
    /// The value for a wire name; never fails (unknown names are kept).
    fn from_wire(s: &str) -> Self;
}

/// The value of an open enum's `Unknown` variant: a member the crate does not know, kept
/// as the service sent it so that it is written back unchanged.
///
/// It is opaque: outside the crate nothing can build one or read its name from it. So
/// `Unknown` cannot be matched against a particular name (`Unknown(s) if s == "teal"`), a
/// test that would silently stop matching when a later schema adds the member `Teal`.
/// Compare the enum's `as_str()` instead: `color.as_str() == "teal"` holds for the
/// unknown member now and for `Teal` later. Build a value from its name with the enum's
/// `From<&str>`, which picks the known member when there is one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UnknownMember(Box<str>);

// Generated enums (in the crate this file is vendored into) are the only callers.
#[allow(dead_code)]
impl UnknownMember {
    /// The member named `wire`: for a generated enum's `From<&str>`, after the known
    /// members.
    pub(crate) fn new(wire: &str) -> UnknownMember {
        UnknownMember(wire.into())
    }

    /// The member's name, for the generated enum's `as_str()`.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// Decode an open enum from a JSON string (a JSON number is kept as its text, as
/// services may send a numeric value when no member matches).
pub fn enum_decode<E: OpenEnum>(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<E, DecodeError> {
    // One copy of this per enum: the reading is in `member`, which is not generic.
    match member(d, path) {
        Ok(wire) => Ok(E::from_wire(&wire)),
        Err(e) => Err(e),
    }
}

fn member<'a>(
    d: &mut Decoder<'a>,
    path: &Path<'_>,
) -> Result<std::borrow::Cow<'a, str>, DecodeError> {
    if d.peek() == Some(b'"') {
        return d.string(path, "enumeration member");
    }
    member_of(d.value(path)?, path).map(std::borrow::Cow::Owned)
}

/// [`enum_decode`] of a tree.
pub fn enum_from_json<E: OpenEnum>(value: Value, path: &Path<'_>) -> Result<E, DecodeError> {
    match member_of(value, path) {
        Ok(wire) => Ok(E::from_wire(&wire)),
        Err(e) => Err(e),
    }
}

fn member_of(value: Value, path: &Path<'_>) -> Result<String, DecodeError> {
    match value {
        Value::String(s) => Ok(s),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        other => Err(DecodeError::expected(path, "enumeration member", &other)),
    }
}

/// The URL literal of an enum value: `Ns.Type'Member'` (the 4.0 form, which 4.01
/// services accept too). `qualified_type` is the enum's qualified name.
pub fn enum_url_literal(qualified_type: &str, wire: &str) -> String {
    format!("{qualified_type}'{}'", wire.replace('\'', "''"))
}

/// A set of `IsFlags` enum members, serialized as `"a,b"`.
///
/// Parsing tolerates spaces around members, keeps unknown members and keeps the
/// order, so a value read from the wire is written back unchanged.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Flags<E> {
    members: Vec<E>,
}

impl<E> Default for Flags<E> {
    fn default() -> Self {
        Flags {
            members: Vec::new(),
        }
    }
}

impl<E> Flags<E> {
    /// The empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The members in wire order.
    pub fn iter(&self) -> std::slice::Iter<'_, E> {
        self.members.iter()
    }

    /// Whether no member is set.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// The members as a slice.
    pub fn as_slice(&self) -> &[E] {
        &self.members
    }
}

impl<E: OpenEnum> Flags<E> {
    /// Parse `"a,b"` (spaces around members are ignored, empty members skipped).
    pub fn parse(s: &str) -> Self {
        Flags {
            members: s
                .split(',')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(E::from_wire)
                .collect(),
        }
    }

    /// Whether `member` is in the set (compared by wire name).
    pub fn contains(&self, member: &E) -> bool {
        self.members.iter().any(|m| m.as_str() == member.as_str())
    }

    /// Add `member` at the end unless present. Returns whether it was added.
    pub fn insert(&mut self, member: E) -> bool {
        if self.contains(&member) {
            false
        } else {
            self.members.push(member);
            true
        }
    }

    /// Remove `member`. Returns whether it was present.
    pub fn remove(&mut self, member: &E) -> bool {
        let before = self.members.len();
        self.members.retain(|m| m.as_str() != member.as_str());
        before != self.members.len()
    }

    /// The URL literal `Ns.Type'a,b'`.
    pub fn to_url_literal_for(&self, qualified_type: &str) -> String {
        enum_url_literal(qualified_type, &self.to_string())
    }
}

impl<E> From<Vec<E>> for Flags<E> {
    fn from(members: Vec<E>) -> Self {
        Flags { members }
    }
}

impl<E> FromIterator<E> for Flags<E> {
    fn from_iter<I: IntoIterator<Item = E>>(iter: I) -> Self {
        Flags {
            members: iter.into_iter().collect(),
        }
    }
}

impl<'a, E> IntoIterator for &'a Flags<E> {
    type Item = &'a E;
    type IntoIter = std::slice::Iter<'a, E>;
    fn into_iter(self) -> Self::IntoIter {
        self.members.iter()
    }
}

impl<E: OpenEnum> fmt::Display for Flags<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.members.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(m.as_str())?;
        }
        Ok(())
    }
}

impl<E: OpenEnum> fmt::Debug for Flags<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Flags({:?})", self.to_string())
    }
}

impl<E: OpenEnum> FromStr for Flags<E> {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Flags::parse(s))
    }
}

impl<E: OpenEnum> FromJson for Flags<E> {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let value = d.value(path)?;
        Self::from_json(value, path)
    }
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::String(s) => Ok(Flags::parse(&s)),
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(Flags::parse(&n.to_string())),
            other => Err(DecodeError::expected(path, "flags string", &other)),
        }
    }
}

impl<E: OpenEnum> ToJson for Flags<E> {
    fn encode(&self, w: &mut Encoder) {
        w.display(self);
    }
}

impl<E: OpenEnum> serde::Serialize for Flags<E> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        super::json::serialize(self, s)
    }
}

impl<'de, E: OpenEnum> serde::Deserialize<'de> for Flags<E> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::json::deserialize(d)
    }
}
