//! `Patch<T>`: the tri-state value of a nullable property in an update (PATCH) body.

use super::json::{
    DecodeError, Decoder, FromJson, ObjectReader, ObjectWriter, Path, ToJson, Value,
};

/// A nullable property in an update body: leave it alone, set it to `null`, or set it.
///
/// `Unchanged` is omitted from the JSON body, `Null` is written as `null`, `Set(v)` as `v`
/// (see [`ObjectWriter::patch`](super::json::ObjectWriter::patch)).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not sent: the service keeps the current value.
    #[default]
    Unchanged,
    /// Sent as `null`: the service clears the value.
    Null,
    /// Sent as the given value.
    Set(T),
}

impl<T> Patch<T> {
    /// `Set(value)`.
    pub fn set(value: impl Into<T>) -> Self {
        Patch::Set(value.into())
    }

    /// `Null`.
    pub fn null() -> Self {
        Patch::Null
    }

    /// Whether nothing is sent.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Patch::Unchanged)
    }

    /// Whether `null` is sent.
    pub fn is_null(&self) -> bool {
        matches!(self, Patch::Null)
    }

    /// The value when `Set`.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(v) => Some(v),
            _ => None,
        }
    }

    /// Borrow the content.
    pub fn as_ref(&self) -> Patch<&T> {
        match self {
            Patch::Unchanged => Patch::Unchanged,
            Patch::Null => Patch::Null,
            Patch::Set(v) => Patch::Set(v),
        }
    }

    /// Transform the `Set` value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Patch::Unchanged => Patch::Unchanged,
            Patch::Null => Patch::Null,
            Patch::Set(v) => Patch::Set(f(v)),
        }
    }

    /// `None` for `Unchanged`, `Some(None)` for `Null`, `Some(Some(v))` for `Set(v)`.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Patch::Unchanged => None,
            Patch::Null => Some(None),
            Patch::Set(v) => Some(Some(v)),
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `None` clears the property (`Null`); `Some(v)` sets it.
    fn from(value: Option<T>) -> Self {
        match value {
            None => Patch::Null,
            Some(v) => Patch::Set(v),
        }
    }
}

impl<T: FromJson> FromJson for Patch<T> {
    /// A present value: `null` → `Null`, anything else → `Set`. Absence is handled by
    /// [`ObjectReader::take_patch`](super::json::ObjectReader::take_patch).
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        if d.null() {
            Ok(Patch::Null)
        } else {
            T::decode(d, path).map(Patch::Set)
        }
    }
}

impl ObjectReader<'_> {
    /// Remove member `wire` as a tri-state: absent → `Unchanged`, `null` → `Null`.
    pub fn take_patch<T: FromJson>(&mut self, wire: &str) -> Result<Patch<T>, DecodeError> {
        if self.peek(wire).is_none() {
            return Ok(Patch::Unchanged);
        }
        Ok(self.take(wire)?.map_or(Patch::Null, Patch::Set))
    }
}

impl ObjectWriter {
    /// Write `wire` for `Set` (the value) and `Null` (`null`); skip `Unchanged`.
    pub fn patch<T: ToJson>(&mut self, wire: &str, value: &Patch<T>) -> &mut Self {
        match value {
            Patch::Unchanged => self,
            Patch::Null => self.put(wire, &Value::Null),
            Patch::Set(v) => self.put(wire, v),
        }
    }
}
