//! Typed `$expand` items: a navigation property with nested query options typed for
//! the entity type it leads to.
//!
//! Generated crates give every entity type with navigation properties a `…Nav` enum
//! (`UserNav::Manager`, for a plain `$expand=manager`) whose associated functions
//! (`UserNav::manager()`) return an [`Expand`] item. Its options are typed for the
//! target: `$select` and `$orderby` take the target's field enum, a nested `$expand`
//! takes an item of the target's `…Nav`, and `$filter` an expression over the target's
//! operands. Options that only apply to collections (`$filter`, `$search`, `$orderby`,
//! `$top`, `$skip`, `$count`) exist only on items of collection-valued properties
//! ([`Many`]).
//!
//! For example `UserNav::member_of().select([DirectoryObjectField::Id]).top(5)`
//! is written `memberOf($select=id;$top=5)`.

use std::fmt;
use std::marker::PhantomData;

use super::request::Field;
use super::url::Query;

/// Marker of an [`Expand`] item of a single-valued navigation property.
#[derive(Clone, Copy, Debug)]
pub enum One {}

/// Marker of an [`Expand`] item of a collection-valued navigation property.
#[derive(Clone, Copy, Debug)]
pub enum Many {}

/// One `$expand` item: the navigation property of the entity type whose field enum is
/// `S`, leading to the entity type whose field enum is `T`, with nested options typed
/// for `T`. `K` is [`One`] or [`Many`].
pub struct Expand<S, T, K> {
    path: &'static str,
    options: Query,
    levels: Option<Levels>,
    _marker: PhantomData<Types<S, T, K>>,
}

/// The types an [`Expand`] is about, without owning any (`Send`, `Sync`, covariant).
type Types<S, T, K> = fn() -> (S, T, K);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Levels {
    Max,
    N(u32),
}

impl<S, T, K> Clone for Expand<S, T, K> {
    fn clone(&self) -> Self {
        Expand {
            path: self.path,
            options: self.options.clone(),
            levels: self.levels,
            _marker: PhantomData,
        }
    }
}

impl<S, T, K> fmt::Debug for Expand<S, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Expand").field(&self.to_string()).finish()
    }
}

/// `path` or `path(options)`, as it appears in `$expand` (before percent-encoding).
impl<S, T, K> fmt::Display for Expand<S, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path)?;
        let mut options = self.options.nested();
        if let Some(levels) = self.levels {
            if !options.is_empty() {
                options.push(';');
            }
            match levels {
                Levels::Max => options.push_str("$levels=max"),
                Levels::N(n) => options.push_str(&format!("$levels={n}")),
            }
        }
        if !options.is_empty() {
            write!(f, "({options})")?;
        }
        Ok(())
    }
}

impl<S, T: Field, K> Expand<S, T, K> {
    /// The item for the navigation property with this wire name. Generated `…Nav`
    /// functions call it; the name is not checked here.
    pub fn new(path: &'static str) -> Self {
        Expand {
            path,
            options: Query::new(),
            levels: None,
            _marker: PhantomData,
        }
    }

    /// Nested `$select` of the target's properties.
    pub fn select(mut self, fields: impl IntoIterator<Item = T>) -> Self {
        self.options = self
            .options
            .select(fields.into_iter().map(Field::wire_name));
        self
    }

    /// Nested `$select` of property paths given as text (`Ns.Derived/prop`, `*`).
    pub fn select_raw<I: Into<String>>(mut self, items: impl IntoIterator<Item = I>) -> Self {
        self.options = self.options.select(items);
        self
    }

    /// A nested `$expand` of one of the target's navigation properties (its `…Nav`
    /// variant, or an [`Expand`] item from its `…Nav` functions). Call again for more.
    pub fn expand(mut self, item: impl IntoExpand<T>) -> Self {
        self.options = self.options.expand([item.into_expand()]);
        self
    }

    /// Nested `$expand` items given as text.
    pub fn expand_raw<I: Into<String>>(mut self, items: impl IntoIterator<Item = I>) -> Self {
        self.options = self.options.expand(items);
        self
    }

    /// `$levels=n`: expand this recursive navigation property `n` levels deep.
    pub fn levels(mut self, n: u32) -> Self {
        self.levels = Some(Levels::N(n));
        self
    }

    /// `$levels=max`: expand this recursive navigation property as deep as the
    /// service allows.
    pub fn levels_max(mut self) -> Self {
        self.levels = Some(Levels::Max);
        self
    }
}

impl<S, T: Field> Expand<S, T, Many> {
    /// Nested `$filter` of the expanded collection: an expression over the target's
    /// operands (`DirectoryObjectField::ID.eq("x")`), or text.
    pub fn filter(mut self, expr: impl Into<String>) -> Self {
        self.options = self.options.filter(expr);
        self
    }

    /// Nested `$search` of the expanded collection.
    pub fn search(mut self, expr: impl Into<String>) -> Self {
        self.options = self.options.search(expr);
        self
    }

    /// Nested `$orderby` this property of the target, ascending (call again for
    /// further keys).
    pub fn orderby(mut self, field: T) -> Self {
        self.options = self.options.orderby([field.wire_name()]);
        self
    }

    /// Nested `$orderby` this property of the target, descending.
    pub fn orderby_desc(mut self, field: T) -> Self {
        self.options = self
            .options
            .orderby([format!("{} desc", field.wire_name())]);
        self
    }

    /// Nested `$top`.
    pub fn top(mut self, n: u64) -> Self {
        self.options = self.options.top(n);
        self
    }

    /// Nested `$skip`.
    pub fn skip(mut self, n: u64) -> Self {
        self.options = self.options.skip(n);
        self
    }

    /// Nested `$count=true|false`: the expanded collection's count is the
    /// `<name>@odata.count` annotation.
    pub fn count(mut self, yes: bool) -> Self {
        self.options = self.options.count(yes);
        self
    }
}

/// What a request's `expand` takes for the entity type whose field enum is `S`: a
/// `…Nav` variant (plain `$expand=nav`) or an [`Expand`] item with options.
pub trait IntoExpand<S> {
    /// The item's text in `$expand` (before percent-encoding).
    fn into_expand(self) -> String;
}

impl<S, T, K> IntoExpand<S> for Expand<S, T, K> {
    fn into_expand(self) -> String {
        self.to_string()
    }
}
