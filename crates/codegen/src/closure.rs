//! Selection: which types a crate contains, and why.
//!
//! The closure of the roots follows base types, the types of structural properties, and
//! every (transitive) subtype of a type used polymorphically (a structural property's
//! type, or a root). Navigation properties are *not* followed; they are emitted only when
//! their target is selected anyway. The result is a set, so it does not depend on the
//! order of the roots; the reasons are computed breadth-first in [`TypeId`] order, so the
//! `--explain` report is deterministic too.

use std::collections::{BTreeMap, BTreeSet};

use csdl::model::{Model, Target, TypeId, TypeKind};

use crate::config::{Config, Root, Selection};
use crate::error::{Diagnostic, Error};
use crate::naming::{self, Allocator};

/// Why a type was selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Named in the config (the text of the root).
    Root(String),
    /// `--all` / `all = true`.
    All,
    /// Base type of a selected type.
    Base(TypeId),
    /// Type of a structural property of a selected type.
    Property(TypeId, String),
    /// Subtype of a type used polymorphically.
    Derived(TypeId),
}

/// The selected types.
#[derive(Debug, Clone)]
pub struct Closure {
    /// Every selected type.
    pub types: BTreeSet<TypeId>,
    /// The first reason found for each selected type.
    pub reasons: BTreeMap<TypeId, Reason>,
    /// Types given as roots (after resolving sets, singletons and paths).
    pub roots: BTreeSet<TypeId>,
}

impl Closure {
    /// The closure report: one line per type, grouped by reason, sorted by qualified name.
    pub fn explain(&self, model: &Model) -> String {
        // Names as plain text: a terminal never sees a schema's control characters.
        let q = |id: TypeId| naming::plain(&model.ty(id).qualified_name());
        let mut lines: Vec<(String, String)> = self
            .reasons
            .iter()
            .map(|(id, r)| {
                let why = match r {
                    Reason::Root(text) if text == &model.ty(*id).qualified_name() => {
                        "root".to_string()
                    }
                    Reason::Root(text) => format!("root (via {})", naming::code(text)),
                    Reason::All => "all".to_string(),
                    Reason::Base(of) => format!("base type of {}", q(*of)),
                    Reason::Property(of, p) => {
                        format!("type of property {}/{}", q(*of), naming::plain(p))
                    }
                    Reason::Derived(of) => {
                        format!("subtype of {} (used polymorphically)", q(*of))
                    }
                };
                (q(*id), why)
            })
            .collect();
        lines.sort();
        let mut out = String::new();
        for (name, why) in lines {
            out.push_str(&format!("  {name}: {why}\n"));
        }
        out
    }
}

/// Resolves a root to the types it names.
fn resolve_root(model: &Model, root: &Root) -> Result<TypeId, Diagnostic> {
    let text = root.name.trim();
    let not_found = |what: String| Diagnostic::at(what, root.location.clone());
    if !text.contains('/') {
        if let Some(id) = model.find_type(text) {
            return Ok(id);
        }
        // An entity set or singleton name of any container.
        for c in &model.containers {
            if let Some(s) = c.entity_sets.iter().find(|s| s.name == text) {
                return Ok(s.entity_type);
            }
            if let Some(s) = c.singletons.iter().find(|s| s.name == text) {
                return Ok(s.entity_type);
            }
        }
        return Err(not_found(format!(
            "root `{text}` does not exist in the schema (no type, entity set or singleton of that name)"
        )));
    }
    let mut segments = text.split('/').filter(|s| !s.is_empty());
    let first = segments.next().unwrap_or_default();
    // `Container/child/...`, the container namespace- or alias-qualified, or `child/...`.
    let container = model.containers.iter().find(|c| {
        first == format!("{}.{}", c.namespace, c.name)
            || first == c.name
            || model.schemas.iter().any(|s| {
                s.namespace == c.namespace
                    && s.alias
                        .as_deref()
                        .is_some_and(|a| first == format!("{a}.{}", c.name))
            })
    });
    let (container, child) = match container {
        Some(c) => (c, segments.next()),
        None => match model.containers.first() {
            Some(c) => (c, Some(first)),
            None => {
                return Err(not_found(format!(
                    "root `{text}`: the schema has no entity container"
                )));
            }
        },
    };
    let Some(child) = child else {
        return Err(not_found(format!(
            "root `{text}` names a container, not a type or path"
        )));
    };
    let mut current = container
        .entity_sets
        .iter()
        .find(|s| s.name == child)
        .map(|s| s.entity_type)
        .or_else(|| {
            container
                .singletons
                .iter()
                .find(|s| s.name == child)
                .map(|s| s.entity_type)
        })
        .ok_or_else(|| {
            not_found(format!(
                "root `{text}`: `{child}` is not an entity set or singleton of {}",
                container.name
            ))
        })?;
    for seg in segments {
        // A type-cast segment.
        if seg.contains('.') {
            current = model.find_type(seg).ok_or_else(|| {
                not_found(format!("root `{text}`: type cast `{seg}` does not exist"))
            })?;
            continue;
        }
        let nav = model
            .all_navigation(current)
            .into_iter()
            .find(|n| n.name == seg);
        let Some(nav) = nav else {
            return Err(not_found(format!(
                "root `{text}`: `{}` has no navigation property `{seg}`",
                model.ty(current).qualified_name()
            )));
        };
        match nav.ty.target {
            Target::Named(t) => current = t,
            Target::Primitive(_) => {
                return Err(not_found(format!(
                    "root `{text}`: `{seg}` is not typed with an entity type"
                )));
            }
        }
    }
    Ok(current)
}

/// Outgoing edges of a type: (target, reason), in declaration order.
fn edges(model: &Model, id: TypeId) -> Vec<(TypeId, Reason)> {
    let mut out = Vec::new();
    let Some(s) = model.ty(id).structured() else {
        return out;
    };
    if let Some(b) = s.base {
        out.push((b, Reason::Base(id)));
    }
    for p in &s.properties {
        if let Target::Named(t) = p.ty.target {
            out.push((t, Reason::Property(id, p.name.clone())));
            for d in model.all_derived(t) {
                out.push((d, Reason::Derived(t)));
            }
        }
    }
    out
}

/// Computes the closure of a config's selection.
pub fn closure(config: &Config, model: &Model) -> Result<Closure, Error> {
    let mut reasons = BTreeMap::new();
    let mut roots = BTreeSet::new();
    match &config.selection {
        Selection::All => {
            // Every type of the documents read; a type of an embedded standard
            // vocabulary only when one of them uses it (below).
            for i in 0..model.types.len() {
                let id = TypeId(i as u32);
                if !model.is_builtin(id) {
                    reasons.insert(id, Reason::All);
                }
            }
        }
        Selection::Roots(list) => {
            let mut errors = Vec::new();
            for r in list {
                match resolve_root(model, r) {
                    Ok(id) => {
                        roots.insert(id);
                        // The smallest root text for a type keeps the report independent of order.
                        let entry = reasons
                            .entry(id)
                            .or_insert_with(|| Reason::Root(r.name.clone()));
                        if let Reason::Root(t) = entry
                            && r.name < *t
                        {
                            *t = r.name.clone();
                        }
                    }
                    Err(d) => errors.push(d),
                }
            }
            if !errors.is_empty() {
                return Err(Error { errors });
            }
        }
    }
    // Breadth-first, each level in TypeId order.
    let mut frontier: BTreeSet<TypeId> = match config.selection {
        Selection::All => reasons.keys().copied().collect(),
        Selection::Roots(_) => roots.clone(),
    };
    for r in &roots {
        for d in model.all_derived(*r) {
            if let std::collections::btree_map::Entry::Vacant(e) = reasons.entry(d) {
                e.insert(Reason::Derived(*r));
                frontier.insert(d);
            }
        }
    }
    while !frontier.is_empty() {
        let mut next = BTreeSet::new();
        for id in &frontier {
            for (t, why) in edges(model, *id) {
                if let std::collections::btree_map::Entry::Vacant(e) = reasons.entry(t) {
                    e.insert(why);
                    next.insert(t);
                }
            }
        }
        frontier = next;
    }
    let types = reasons.keys().copied().collect();
    Ok(Closure {
        types,
        reasons,
        roots,
    })
}

/// Whether a type is an entity type.
pub fn is_entity(model: &Model, id: TypeId) -> bool {
    matches!(model.ty(id).kind, TypeKind::Entity(_))
}

/// The area features of a crate (`area_features = true`): one Cargo feature per entity
/// set and singleton of the first container, and for each selected type the areas that
/// need it.
///
/// An area needs its entity type and every subtype of it, then, transitively: base
/// types, the types of structural properties (with their subtypes), the targets of
/// containment navigation properties (with their subtypes when an entity type declares
/// the property: they are reached only through the area's paths), and the parameter and
/// result types of operations bound to a type it needs (without their subtypes). What
/// else refers to a type (a non-containment navigation property, an `Any…` variant, a
/// cast, an operation) is gated on that type by the emitters, so every combination of
/// features compiles. A selected type no area needs is compiled with `full` only.
#[derive(Debug, Clone, Default)]
pub struct Areas {
    /// The areas, in container order (entity sets, then singletons).
    pub list: Vec<Area>,
    /// The areas (indices into `list`) needing each selected type.
    pub of: BTreeMap<TypeId, BTreeSet<usize>>,
}

/// One area: an entity set or singleton and its Cargo feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    /// The Cargo feature (`users`, `device_management`).
    pub feature: String,
    /// The entity set or singleton's name.
    pub name: String,
    /// A singleton (vs an entity set).
    pub singleton: bool,
}

/// Feature names of every generated crate besides the areas (and the optional
/// dependencies, which a feature must not shadow).
pub const FIXED_FEATURES: [&str; 19] = [
    "default",
    "full",
    "reqwest",
    "serde",
    "chrono",
    "time",
    "jiff",
    "uuid",
    "rust_decimal",
    "azure-identity",
    "azure_identity",
    "serde_json",
    "futures-core",
    "futures_core",
    "bytes",
    "tokio",
    "tracing",
    "rustls",
    "http-body",
];

/// Computes the areas of the selected types (see [`Areas`]).
pub fn areas(model: &Model, selected: &BTreeSet<TypeId>) -> Areas {
    let Some(c) = model.containers.first() else {
        return Areas::default();
    };
    // Operations bound to each type (either binding form).
    let mut bound: BTreeMap<TypeId, Vec<&csdl::model::Operation>> = BTreeMap::new();
    for op in &model.operations {
        if let Some(Target::Named(t)) = op.binding.as_ref().map(|b| b.target) {
            bound.entry(t).or_default().push(op);
        }
    }
    let with_derived = |t: TypeId, out: &mut Vec<TypeId>| {
        out.push(t);
        out.extend(model.all_derived(t));
    };
    let needs = |id: TypeId| -> Vec<TypeId> {
        let mut out = Vec::new();
        if let Some(s) = model.ty(id).structured() {
            out.extend(s.base);
            for p in &s.properties {
                if let Target::Named(t) = p.ty.target {
                    with_derived(t, &mut out);
                }
            }
            // Subtypes of a containment target where the client walks it (an entity
            // type's navigation); a complex type's (Graph's `searchHit/resource`, of
            // type `entity`) brings the target only.
            let entity = matches!(model.ty(id).kind, TypeKind::Entity(_));
            for n in s.navigation.iter().filter(|n| n.contains_target) {
                if let Target::Named(t) = n.ty.target {
                    if entity {
                        with_derived(t, &mut out);
                    } else {
                        out.push(t);
                    }
                }
            }
        }
        for op in bound.get(&id).into_iter().flatten() {
            let types = op
                .parameters
                .iter()
                .map(|p| &p.ty)
                .chain(op.return_type.as_ref().map(|r| &r.ty));
            // Not their subtypes: a result's `Any…` variant of a subtype no area needs
            // reads as `Unknown` (the feature of an area that needs it types it).
            for r in types {
                if let Target::Named(t) = r.target {
                    out.push(t);
                }
            }
        }
        out
    };
    let mut features = Allocator::new();
    for f in FIXED_FEATURES {
        features.reserve(f);
    }
    let roots = c
        .entity_sets
        .iter()
        .map(|s| (&s.name, s.entity_type, false))
        .chain(c.singletons.iter().map(|s| (&s.name, s.entity_type, true)));
    let mut out = Areas::default();
    for (name, ty, singleton) in roots {
        if !selected.contains(&ty) {
            continue;
        }
        let index = out.list.len();
        let wanted = naming::field_name(name);
        out.list.push(Area {
            feature: features.claim(wanted.trim_start_matches("r#"), true).name,
            name: name.clone(),
            singleton,
        });
        let mut stack = Vec::new();
        with_derived(ty, &mut stack);
        while let Some(t) = stack.pop() {
            if !selected.contains(&t) {
                continue;
            }
            let areas = out.of.entry(t).or_default();
            if areas.insert(index) {
                stack.extend(needs(t));
            }
        }
    }
    for t in selected {
        out.of.entry(*t).or_default();
    }
    out
}
