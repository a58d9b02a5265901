//! Typed access to the vocabulary annotations later stages need (Core and Capabilities).
//!
//! Each helper reads the annotations of one canonical target (see
//! [`Model::annotations_of`](crate::model::Model::annotations_of)); terms are always
//! namespace-qualified there, so `Core.Description` is `Org.OData.Core.V1.Description`.

use crate::model::{Annotation, Capabilities, Expr, Model, Permissions, UpdateMethods};

/// Namespace of the Core vocabulary, with the trailing dot.
pub const CORE: &str = "Org.OData.Core.V1.";
/// Namespace of the Capabilities vocabulary, with the trailing dot.
pub const CAPABILITIES: &str = "Org.OData.Capabilities.V1.";

fn term_is(a: &Annotation, ns: &str, name: &str) -> bool {
    a.term.len() == ns.len() + name.len() && a.term.starts_with(ns) && a.term.ends_with(name)
}

/// The unqualified annotation of `Org.OData.Core.V1.<name>`, if any (the first one).
pub fn core_term<'a>(annotations: &'a [Annotation], name: &str) -> Option<&'a Annotation> {
    find(annotations, CORE, name)
}

/// The unqualified annotation of term `ns` + `name` (`ns` ends with a dot).
pub fn find<'a>(annotations: &'a [Annotation], ns: &str, name: &str) -> Option<&'a Annotation> {
    annotations
        .iter()
        .find(|a| a.qualifier.is_none() && term_is(a, ns, name))
}

/// A Core string term (`Description`, `LongDescription`, ...).
pub fn core_string(annotations: &[Annotation], name: &str) -> Option<String> {
    match &core_term(annotations, name)?.value {
        Expr::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// A Core term whose value is a collection of strings (`AcceptableMediaTypes`, …): the
/// strings, empty when absent or of another shape.
pub fn core_strings(annotations: &[Annotation], name: &str) -> Vec<String> {
    match core_term(annotations, name).map(|a| &a.value) {
        Some(Expr::Collection(items)) => items
            .iter()
            .filter_map(|e| match e {
                Expr::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A Core tag term (`Computed`, `Immutable`, ...): true when applied without a value or
/// with `true`.
pub fn core_tag(annotations: &[Annotation], name: &str) -> bool {
    matches!(
        core_term(annotations, name).map(|a| &a.value),
        Some(Expr::Default | Expr::Bool(true))
    )
}

/// `Core.Permissions` (`Read`, `Write`, `ReadWrite`, `Invoke`, `None`).
pub fn permissions(annotations: &[Annotation]) -> Option<Permissions> {
    let a = core_term(annotations, "Permissions")?;
    let members: Vec<&str> = match &a.value {
        Expr::EnumMember(m) => m
            .iter()
            .map(|s| s.rsplit('/').next().unwrap_or(s))
            .collect(),
        Expr::String(s) => s.split([',', ' ']).filter(|s| !s.is_empty()).collect(),
        _ => return None,
    };
    let mut p = Permissions::default();
    for m in members {
        match m {
            "Read" => p.read = true,
            "Write" => p.write = true,
            "ReadWrite" => {
                p.read = true;
                p.write = true
            }
            "Invoke" => p.invoke = true,
            _ => {}
        }
    }
    Some(p)
}

/// `Core.OptimisticConcurrency`: the property paths of the ETag.
pub fn optimistic_concurrency(annotations: &[Annotation]) -> Vec<String> {
    match core_term(annotations, "OptimisticConcurrency").map(|a| &a.value) {
        Some(Expr::Collection(items)) => items
            .iter()
            .filter_map(|e| match e {
                Expr::Path { path, .. } => Some(path.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The value of property `name` of a record expression.
pub fn record_field<'a>(value: &'a Expr, name: &str) -> Option<&'a Expr> {
    match value {
        Expr::Record { properties, .. } => {
            properties.iter().find(|(n, _)| n == name).map(|(_, v)| v)
        }
        _ => None,
    }
}

fn record_bool(value: &Expr, name: &str) -> Option<bool> {
    match record_field(value, name)? {
        Expr::Bool(b) => Some(*b),
        _ => None,
    }
}

/// Reads `Capabilities.{Insert,Update,Delete,Read}Restrictions` from annotations of one target.
pub fn capabilities(annotations: &[Annotation]) -> Capabilities {
    capabilities_of(|term| find(annotations, CAPABILITIES, term).map(|a| &a.value))
}

/// The restrictions given by `record(term)`: the value of the `…Restrictions` term, or
/// of the record field of that name (as nested in `NavigationRestrictions`).
fn capabilities_of<'a>(record: impl Fn(&str) -> Option<&'a Expr>) -> Capabilities {
    let get = |term: &str, field: &str| record(term).and_then(|v| record_bool(v, field));
    let read = record("ReadRestrictions");
    Capabilities {
        insertable: get("InsertRestrictions", "Insertable"),
        updatable: get("UpdateRestrictions", "Updatable"),
        deletable: get("DeleteRestrictions", "Deletable"),
        readable: read.and_then(|v| record_bool(v, "Readable")),
        readable_by_key: read
            .and_then(|v| record_field(v, "ReadByKeyRestrictions"))
            .and_then(|r| record_bool(r, "Readable")),
        update_method: record("UpdateRestrictions")
            .and_then(|v| record_field(v, "UpdateMethod"))
            .and_then(|e| {
                let names: Vec<&str> = match e {
                    Expr::EnumMember(m) => m
                        .iter()
                        .map(|s| s.rsplit('/').next().unwrap_or(s))
                        .collect(),
                    Expr::String(s) => s.split([',', ' ']).filter(|s| !s.is_empty()).collect(),
                    _ => return None,
                };
                Some(UpdateMethods {
                    patch: names.contains(&"PATCH"),
                    put: names.contains(&"PUT"),
                })
            }),
        upsertable: get("UpdateRestrictions", "Upsertable"),
    }
}

/// `Capabilities.NavigationType`: how far a navigation property may be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Navigability {
    /// Navigation and nested navigation are allowed.
    Recursive,
    /// Only this navigation step is allowed.
    Single,
    /// The navigation property cannot be followed.
    None,
}

/// `Capabilities.NavigationRestrictions` of one target (an entity set, singleton or
/// navigation property).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NavigationRestrictions {
    /// `Navigability`: the default for every navigation property of the target.
    pub navigability: Option<Navigability>,
    /// `RestrictedProperties`: per navigation property path.
    pub restricted: Vec<RestrictedNavigation>,
}

/// One entry of `NavigationRestrictions/RestrictedProperties`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictedNavigation {
    /// `NavigationProperty`: the path (`Friends`, `ns.Derived/Friends`).
    pub path: String,
    /// `Navigability` of this property.
    pub navigability: Option<Navigability>,
    /// The `Insert`/`Update`/`Delete`/`ReadRestrictions` nested in the entry.
    pub capabilities: Capabilities,
}

impl NavigationRestrictions {
    /// Whether the navigation property `name` (declared by `declaring`, qualified) may be
    /// followed, and the restrictions of its path: the entry naming it (by name or
    /// through a cast to its declaring type), else the target's default.
    pub fn of(&self, declaring: &str, name: &str) -> (Option<Navigability>, Capabilities) {
        let cast = format!("{declaring}/{name}");
        match self
            .restricted
            .iter()
            .find(|r| r.path == name || r.path == cast)
        {
            Some(r) => (r.navigability.or(self.navigability), r.capabilities),
            None => (self.navigability, Capabilities::default()),
        }
    }
}

fn navigability(value: &Expr) -> Option<Navigability> {
    let member = match record_field(value, "Navigability")? {
        Expr::EnumMember(m) => m.first()?.as_str(),
        Expr::String(s) => s.as_str(),
        _ => return None,
    };
    match member.rsplit('/').next().unwrap_or(member) {
        "Recursive" => Some(Navigability::Recursive),
        "Single" => Some(Navigability::Single),
        "None" => Some(Navigability::None),
        _ => None,
    }
}

/// Reads `Capabilities.NavigationRestrictions` from annotations of one target.
pub fn navigation_restrictions(annotations: &[Annotation]) -> Option<NavigationRestrictions> {
    let value = &find(annotations, CAPABILITIES, "NavigationRestrictions")?.value;
    let restricted = match record_field(value, "RestrictedProperties") {
        Some(Expr::Collection(items)) => items
            .iter()
            .filter_map(|item| {
                let path = match record_field(item, "NavigationProperty")? {
                    Expr::Path { path, .. } => path.clone(),
                    Expr::String(s) => s.clone(),
                    _ => return None,
                };
                Some(RestrictedNavigation {
                    path,
                    navigability: navigability(item),
                    capabilities: capabilities_of(|field| record_field(item, field)),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(NavigationRestrictions {
        navigability: navigability(value),
        restricted,
    })
}

/// `Core.AlternateKeys`: each alternate key as its parts (alias, property path), in order.
///
/// An alias is a name (`Core.SimpleIdentifier`) that becomes a parameter and a key name
/// in URLs: a key with an alias [`crate::names::check_name`] refuses (empty, over-long,
/// holding line breaks, markup or invisible characters) is left out.
pub fn alternate_keys(annotations: &[Annotation]) -> Vec<Vec<(String, String)>> {
    let Some(Expr::Collection(keys)) = core_term(annotations, "AlternateKeys").map(|a| &a.value)
    else {
        return Vec::new();
    };
    keys.iter()
        .filter_map(|key| match record_field(key, "Key")? {
            Expr::Collection(parts) => parts
                .iter()
                .map(|p| {
                    let name = match record_field(p, "Name")? {
                        Expr::Path { path, .. } => path.clone(),
                        Expr::String(s) => s.clone(),
                        _ => return None,
                    };
                    let alias = match record_field(p, "Alias") {
                        Some(Expr::String(s)) => s.clone(),
                        _ => name.clone(),
                    };
                    let refused = matches!(
                        crate::names::check_name(&alias, crate::names::Place::Member),
                        crate::names::Verdict::Error(_)
                    );
                    (!refused).then_some((alias, name))
                })
                .collect::<Option<Vec<_>>>()
                .filter(|parts| !parts.is_empty()),
            _ => None,
        })
        .collect()
}

impl Model {
    /// Capabilities restrictions on a canonical target path
    /// (`Container/entitySet`, `Type/navigationProperty`, ...).
    pub fn capabilities(&self, target: &str) -> Capabilities {
        capabilities(self.annotations_of(target))
    }

    /// `Capabilities.NavigationRestrictions` on a canonical target path
    /// (`Container/entitySet`, `Type/navigationProperty`), if annotated.
    pub fn navigation_restrictions(&self, target: &str) -> Option<NavigationRestrictions> {
        navigation_restrictions(self.annotations_of(target))
    }
}
