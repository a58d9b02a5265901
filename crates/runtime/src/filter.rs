//! Typed `$filter` expressions (OData URL conventions 5.1.1).
//!
//! Generated crates give each entity type's `…Field` enum one constant per comparable
//! structural property holding a typed operand (`UserField::DISPLAY_NAME` is an
//! `Operand<String>`); comparing it with a value of another Edm type does not compile.
//! Values are written as OData literals ([`UrlLiteral`]: strings quoted with `'`
//! doubled, `duration'…'`, unquoted Guid and dates, enumeration members as
//! `Namespace.Type'member'`), and the whole expression is percent-encoded by
//! [`Query`](super::Query) like every query option: a value cannot change the query.
//!
//! For example `UserField::DISPLAY_NAME.starts_with("O'B") & (UserField::AGE.ge(18) |
//! UserField::AGE.is_null())` is `startswith(displayName,'O''B') and (age ge 18 or age
//! eq null)`: `&`, `|` and `!` are `and`, `or` and `not`, parenthesized as needed. The
//! runtime's `tests/filter.rs` shows every form.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use super::edm::{Date, DateTimeOffset, TimeOfDay};
use super::enums::{Flags, OpenEnum, enum_url_literal};
use super::url::UrlLiteral;

/// A boolean `$filter` expression. `&`, `|` and `!` combine expressions (`and`, `or`,
/// `not`) with the parentheses their precedence needs; `Display` gives the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    text: String,
    /// `or` at the top level: parenthesized when it becomes an operand of `and`/`not`.
    or: bool,
}

impl Filter {
    /// An expression written by hand (what the typed builder cannot say). It is kept as
    /// written, parenthesized when combined.
    pub fn raw(text: impl Into<String>) -> Filter {
        Filter {
            text: text.into(),
            or: true,
        }
    }

    fn atom(text: String) -> Filter {
        Filter { text, or: false }
    }

    fn grouped(&self) -> String {
        if self.or {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }

    /// `self and other`.
    pub fn and(self, other: Filter) -> Filter {
        Filter::atom(format!("{} and {}", self.grouped(), other.grouped()))
    }

    /// `self or other`.
    pub fn or(self, other: Filter) -> Filter {
        Filter {
            text: format!("{} or {}", self.text, other.text),
            or: true,
        }
    }

    /// `not (self)`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        Filter::atom(format!("not ({})", self.text))
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<Filter> for String {
    fn from(f: Filter) -> String {
        f.text
    }
}

impl std::ops::BitAnd for Filter {
    type Output = Filter;
    fn bitand(self, rhs: Filter) -> Filter {
        self.and(rhs)
    }
}

impl std::ops::BitOr for Filter {
    type Output = Filter;
    fn bitor(self, rhs: Filter) -> Filter {
        self.or(rhs)
    }
}

impl std::ops::Not for Filter {
    type Output = Filter;
    fn not(self) -> Filter {
        Filter::not(self)
    }
}

/// A value an operand of Edm type `T` compares with: a `T` (or `&str` for strings), or
/// another operand of the same type.
pub trait Comparable<T> {
    /// The literal (or operand) text.
    fn filter_text(&self) -> String;
}

impl<T: UrlLiteral> Comparable<T> for T {
    fn filter_text(&self) -> String {
        self.to_url_literal()
    }
}

impl Comparable<String> for &str {
    fn filter_text(&self) -> String {
        self.to_url_literal()
    }
}

impl<T> Comparable<T> for Operand<T> {
    fn filter_text(&self) -> String {
        self.text.to_string()
    }
}

/// A typed operand: a property (`displayName`), a lambda variable, or a function of
/// them (`tolower(displayName)`), of Edm type `T`.
pub struct Operand<T> {
    text: Cow<'static, str>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Operand<T> {
    fn clone(&self) -> Self {
        Operand {
            text: self.text.clone(),
            ty: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Operand<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<T> Operand<T> {
    /// A structural property by its wire name (what the generated `…Field` constants
    /// hold).
    pub const fn property(wire_name: &'static str) -> Operand<T> {
        Operand {
            text: Cow::Borrowed(wire_name),
            ty: PhantomData,
        }
    }

    /// A property path written at run time (`address/city`), as given.
    pub fn path(path: impl Into<String>) -> Operand<T> {
        Operand::raw(path.into())
    }

    fn raw(text: String) -> Operand<T> {
        Operand {
            text: Cow::Owned(text),
            ty: PhantomData,
        }
    }

    fn compare(&self, op: &str, value: &impl Comparable<T>) -> Filter {
        Filter::atom(format!("{} {op} {}", self.text, value.filter_text()))
    }

    /// `eq`.
    pub fn eq(&self, value: impl Comparable<T>) -> Filter {
        self.compare("eq", &value)
    }

    /// `ne`.
    pub fn ne(&self, value: impl Comparable<T>) -> Filter {
        self.compare("ne", &value)
    }

    /// `gt`.
    pub fn gt(&self, value: impl Comparable<T>) -> Filter {
        self.compare("gt", &value)
    }

    /// `ge`.
    pub fn ge(&self, value: impl Comparable<T>) -> Filter {
        self.compare("ge", &value)
    }

    /// `lt`.
    pub fn lt(&self, value: impl Comparable<T>) -> Filter {
        self.compare("lt", &value)
    }

    /// `le`.
    pub fn le(&self, value: impl Comparable<T>) -> Filter {
        self.compare("le", &value)
    }

    /// `eq null`.
    pub fn is_null(&self) -> Filter {
        Filter::atom(format!("{} eq null", self.text))
    }

    /// `ne null`.
    pub fn is_not_null(&self) -> Filter {
        Filter::atom(format!("{} ne null", self.text))
    }

    /// `in (v1,v2,…)` (OData 4.01; an empty list is `false`).
    pub fn is_in<V: Comparable<T>>(&self, values: impl IntoIterator<Item = V>) -> Filter {
        let list: Vec<String> = values.into_iter().map(|v| v.filter_text()).collect();
        if list.is_empty() {
            return Filter::atom("false".into());
        }
        Filter::atom(format!("{} in ({})", self.text, list.join(",")))
    }

    fn call<U>(&self, function: &str) -> Operand<U> {
        Operand::raw(format!("{function}({})", self.text))
    }
}

impl Operand<String> {
    /// `contains(p,'s')`.
    pub fn contains(&self, s: impl Comparable<String>) -> Filter {
        Filter::atom(format!("contains({},{})", self.text, s.filter_text()))
    }

    /// `startswith(p,'s')`.
    pub fn starts_with(&self, s: impl Comparable<String>) -> Filter {
        Filter::atom(format!("startswith({},{})", self.text, s.filter_text()))
    }

    /// `endswith(p,'s')`.
    pub fn ends_with(&self, s: impl Comparable<String>) -> Filter {
        Filter::atom(format!("endswith({},{})", self.text, s.filter_text()))
    }

    /// `length(p)`.
    pub fn length(&self) -> Operand<i32> {
        self.call("length")
    }

    /// `indexof(p,'s')`.
    pub fn index_of(&self, s: impl Comparable<String>) -> Operand<i32> {
        Operand::raw(format!("indexof({},{})", self.text, s.filter_text()))
    }

    /// `tolower(p)`.
    pub fn to_lower(&self) -> Operand<String> {
        self.call("tolower")
    }

    /// `toupper(p)`.
    pub fn to_upper(&self) -> Operand<String> {
        self.call("toupper")
    }

    /// `trim(p)`.
    pub fn trim(&self) -> Operand<String> {
        self.call("trim")
    }

    /// `substring(p,start)`.
    pub fn substring(&self, start: i32) -> Operand<String> {
        Operand::raw(format!("substring({},{start})", self.text))
    }

    /// `concat(p,'s')`.
    pub fn concat(&self, s: impl Comparable<String>) -> Operand<String> {
        Operand::raw(format!("concat({},{})", self.text, s.filter_text()))
    }
}

macro_rules! date_parts {
    ($($t:ty: $($name:ident = $f:literal),*;)*) => {$(
        impl Operand<$t> {$(
            #[doc = concat!("`", $f, "(p)`.")]
            pub fn $name(&self) -> Operand<i32> {
                self.call($f)
            }
        )*}
    )*};
}

date_parts! {
    DateTimeOffset: year = "year", month = "month", day = "day", hour = "hour",
        minute = "minute", second = "second";
    Date: year = "year", month = "month", day = "day";
    TimeOfDay: hour = "hour", minute = "minute", second = "second";
}

impl Operand<DateTimeOffset> {
    /// `date(p)`.
    pub fn date(&self) -> Operand<Date> {
        self.call("date")
    }

    /// `time(p)`.
    pub fn time(&self) -> Operand<TimeOfDay> {
        self.call("time")
    }
}

/// An operand of an enumeration type `E`: members are written `Namespace.Type'member'`.
pub struct EnumOperand<E> {
    text: Cow<'static, str>,
    type_name: &'static str,
    ty: PhantomData<fn() -> E>,
}

impl<E> EnumOperand<E> {
    /// A property of the enumeration type `type_name` (qualified: `ns.Color`).
    pub const fn property(wire_name: &'static str, type_name: &'static str) -> EnumOperand<E> {
        EnumOperand {
            text: Cow::Borrowed(wire_name),
            type_name,
            ty: PhantomData,
        }
    }

    fn variable(text: String, type_name: &'static str) -> EnumOperand<E> {
        EnumOperand {
            text: Cow::Owned(text),
            type_name,
            ty: PhantomData,
        }
    }
}

impl<E: OpenEnum> EnumOperand<E> {
    fn literal(&self, member: &E) -> String {
        enum_url_literal(self.type_name, member.as_str())
    }

    /// `eq ns.Type'member'`.
    pub fn eq(&self, member: E) -> Filter {
        Filter::atom(format!("{} eq {}", self.text, self.literal(&member)))
    }

    /// `ne ns.Type'member'`.
    pub fn ne(&self, member: E) -> Filter {
        Filter::atom(format!("{} ne {}", self.text, self.literal(&member)))
    }

    /// `in (…)`; an empty list is `false`.
    pub fn is_in(&self, members: impl IntoIterator<Item = E>) -> Filter {
        let list: Vec<String> = members.into_iter().map(|m| self.literal(&m)).collect();
        if list.is_empty() {
            return Filter::atom("false".into());
        }
        Filter::atom(format!("{} in ({})", self.text, list.join(",")))
    }

    /// `eq null`.
    pub fn is_null(&self) -> Filter {
        Filter::atom(format!("{} eq null", self.text))
    }

    /// `ne null`.
    pub fn is_not_null(&self) -> Filter {
        Filter::atom(format!("{} ne null", self.text))
    }
}

/// An operand of a flags enumeration (`IsFlags`): `has`.
pub struct FlagsOperand<E> {
    inner: EnumOperand<E>,
}

impl<E> FlagsOperand<E> {
    /// A property of the flags enumeration type `type_name`.
    pub const fn property(wire_name: &'static str, type_name: &'static str) -> FlagsOperand<E> {
        FlagsOperand {
            inner: EnumOperand::property(wire_name, type_name),
        }
    }
}

impl<E: OpenEnum> FlagsOperand<E> {
    /// `p has ns.Type'member'`.
    pub fn has(&self, member: E) -> Filter {
        Filter::atom(format!(
            "{} has {}",
            self.inner.text,
            self.inner.literal(&member)
        ))
    }

    /// `p eq ns.Type'a,b'`.
    pub fn eq(&self, flags: &Flags<E>) -> Filter {
        let text = flags.to_url_literal_for(self.inner.type_name);
        Filter::atom(format!("{} eq {text}", self.inner.text))
    }

    /// `eq null`.
    pub fn is_null(&self) -> Filter {
        self.inner.is_null()
    }
}

thread_local! {
    /// The nesting of `any`/`all` lambdas being built, for distinct variable names.
    static LAMBDA_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Restores the lambda depth even if the closure panics.
struct DepthGuard(u32);

impl Drop for DepthGuard {
    fn drop(&mut self) {
        LAMBDA_DEPTH.with(|d| d.set(self.0));
    }
}

fn lambda<O>(
    collection: &str,
    which: &str,
    element: impl FnOnce(String) -> O,
    body: impl FnOnce(O) -> Filter,
) -> Filter {
    let depth = LAMBDA_DEPTH.with(|d| d.get());
    let _guard = DepthGuard(depth);
    LAMBDA_DEPTH.with(|d| d.set(depth + 1));
    let var = format!("x{depth}");
    let inner = body(element(var.clone()));
    Filter::atom(format!("{collection}/{which}({var}:{inner})"))
}

/// A collection-valued property of primitive elements of type `T`.
pub struct CollectionOperand<T> {
    text: &'static str,
    ty: PhantomData<fn() -> T>,
}

impl<T> CollectionOperand<T> {
    /// A collection-valued property by its wire name.
    pub const fn property(wire_name: &'static str) -> CollectionOperand<T> {
        CollectionOperand {
            text: wire_name,
            ty: PhantomData,
        }
    }

    /// `p/any(x:…)`: some element satisfies the condition.
    pub fn any(&self, condition: impl FnOnce(Operand<T>) -> Filter) -> Filter {
        lambda(self.text, "any", Operand::raw, condition)
    }

    /// `p/all(x:…)`: every element satisfies the condition.
    pub fn all(&self, condition: impl FnOnce(Operand<T>) -> Filter) -> Filter {
        lambda(self.text, "all", Operand::raw, condition)
    }

    /// `p/any()`: the collection is not empty.
    pub fn is_not_empty(&self) -> Filter {
        Filter::atom(format!("{}/any()", self.text))
    }

    /// `p/$count`.
    pub fn count(&self) -> Operand<i64> {
        Operand::raw(format!("{}/$count", self.text))
    }
}

/// A collection-valued property of enumeration members.
pub struct EnumCollectionOperand<E> {
    text: &'static str,
    type_name: &'static str,
    ty: PhantomData<fn() -> E>,
}

impl<E> EnumCollectionOperand<E> {
    /// A collection of members of the enumeration type `type_name`.
    pub const fn property(
        wire_name: &'static str,
        type_name: &'static str,
    ) -> EnumCollectionOperand<E> {
        EnumCollectionOperand {
            text: wire_name,
            type_name,
            ty: PhantomData,
        }
    }
}

impl<E: OpenEnum> EnumCollectionOperand<E> {
    /// `p/any(x:…)`.
    pub fn any(&self, condition: impl FnOnce(EnumOperand<E>) -> Filter) -> Filter {
        let t = self.type_name;
        lambda(self.text, "any", |v| EnumOperand::variable(v, t), condition)
    }

    /// `p/all(x:…)`.
    pub fn all(&self, condition: impl FnOnce(EnumOperand<E>) -> Filter) -> Filter {
        let t = self.type_name;
        lambda(self.text, "all", |v| EnumOperand::variable(v, t), condition)
    }
}
