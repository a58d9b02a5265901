//! The crate IR: every Rust name, module path, `Box` decision and shape settled, so the
//! emitters only render. Built from a [`Model`] and a [`Closure`] in passes:
//!
//! 1. names: modules per namespace, then per module the primary type names and file
//!    stems (in CSDL-name order), then derived names (`Any…`, `…Create`, `…Update`);
//! 2. shapes: fields (inherited first), polymorphic slots, create/update membership;
//! 3. boxing: strongly connected components over single-valued struct edges; a field is
//!    boxed when its target is in its own struct's component (collections never are).
//!
//! Everything is keyed by [`TypeId`] in `BTreeMap`s; no output depends on hash order.

use std::collections::{BTreeMap, BTreeSet};

use csdl::model::{
    EnumMember, EnumType, Model, NavigationProperty, Primitive, Property, Structured, Target, Type,
    TypeId, TypeKind, TypeRef,
};

use crate::closure::{Area, Closure};
use crate::config::Config;
use crate::error::{Diagnostic, Warning};
use crate::naming::{self, Allocator};

pub mod client;

/// The whole generated crate, before rendering.
#[derive(Debug, Clone)]
pub struct CrateIr {
    /// Package name (`graph-v1`).
    pub package: String,
    /// Schema files for the `@generated` header.
    pub sources: String,
    /// Modules by Rust module name.
    pub modules: BTreeMap<String, ModuleIr>,
    /// Rust names of every selected type.
    pub names: BTreeMap<TypeId, TypeNames>,
    /// Client key style.
    pub key_as_segment: bool,
    /// The client: builders, methods and operations, settled.
    pub client: client::ClientIr,
    /// Name collisions resolved with a suffix, and similar.
    pub warnings: Vec<Warning>,
    /// The area features (`area_features = true`).
    pub areas: Option<AreasIr>,
    /// The crate's `#![recursion_limit]`, when its types nest deeper than rustc's default
    /// allows ([`recursion_limit`]).
    pub recursion_limit: Option<usize>,
}

/// The area features of a crate: which `cfg` compiles each type (see [`Areas`]).
#[derive(Debug, Clone)]
pub struct AreasIr {
    /// The areas, one Cargo feature each.
    pub list: Vec<Area>,
    /// Per selected type: its `cfg` name (`has_<module>__<file>`), set by the crate's
    /// build script when a feature of one of these areas (or `full`) is on.
    pub gates: BTreeMap<TypeId, (String, BTreeSet<usize>)>,
}

impl AreasIr {
    /// The `cfg` predicate of code compiled wherever `within` is (`None`: always) that
    /// names the types `needs`: the gates of those not compiled wherever `within` is;
    /// `None` when nothing more is needed.
    pub fn gate(
        &self,
        within: Option<TypeId>,
        needs: impl IntoIterator<Item = TypeId>,
    ) -> Option<String> {
        let here = within.and_then(|w| self.gates.get(&w)).map(|(_, a)| a);
        let mut cfgs: BTreeSet<&str> = BTreeSet::new();
        for t in needs {
            let Some((cfg, areas)) = self.gates.get(&t) else {
                continue;
            };
            if within == Some(t) || here.is_some_and(|h| h.is_subset(areas)) {
                continue;
            }
            cfgs.insert(cfg);
        }
        match cfgs.len() {
            0 => None,
            1 => cfgs.pop_first().map(str::to_string),
            _ => Some(format!(
                "all({})",
                cfgs.into_iter().collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// The `cfg` name of a type, when it has one.
    pub fn cfg_of(&self, t: TypeId) -> Option<&str> {
        self.gates.get(&t).map(|(c, _)| c.as_str())
    }
}

/// The gate of a field type: its named element type's.
fn field_gate(areas: &AreasIr, within: TypeId, ty: &FieldTy) -> Option<String> {
    match ty.base {
        BaseTy::Named(t) | BaseTy::Any(t) | BaseTy::Flags(t) => areas.gate(Some(within), [t]),
        BaseTy::Path(_) => None,
    }
}

/// Settles the area features: each type's `cfg`, and the gates of fields and `Any…`
/// variants whose types are not compiled wherever their struct is.
fn build_areas(
    model: &Model,
    closure: &Closure,
    names: &BTreeMap<TypeId, TypeNames>,
    modules: &mut BTreeMap<String, ModuleIr>,
) -> AreasIr {
    let computed = crate::closure::areas(model, &closure.types);
    let gates = computed
        .of
        .into_iter()
        .filter_map(|(t, a)| {
            let n = names.get(&t)?;
            Some((t, (format!("has_{}__{}", n.module, n.file), a)))
        })
        .collect();
    let areas = AreasIr {
        list: computed.list,
        gates,
    };
    for module in modules.values_mut() {
        for item in module.items.values_mut() {
            let id = item.id;
            let ItemKind::Structured(s) = &mut item.kind else {
                continue;
            };
            for f in &mut s.fields {
                f.gate = field_gate(&areas, id, &f.ty);
            }
            if let Some(p) = &mut s.poly {
                for v in &mut p.variants {
                    v.gate = areas.gate(Some(id), [v.id]);
                }
            }
        }
    }
    areas
}

/// One namespace.
#[derive(Debug, Clone)]
pub struct ModuleIr {
    /// CSDL namespace.
    pub namespace: String,
    /// Items by file stem.
    pub items: BTreeMap<String, Item>,
}

/// Rust names of one CSDL type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeNames {
    /// Module (namespace) name.
    pub module: String,
    /// File stem.
    pub file: String,
    /// The struct, enum or newtype (for an abstract type: reserved, not emitted).
    pub name: String,
    /// `Any…` enum, for types used polymorphically.
    pub any: Option<String>,
    /// `…Create` shape, for concrete entity types.
    pub create: Option<String>,
    /// `…Update` shape, for concrete entity types.
    pub update: Option<String>,
}

/// One generated file's item.
#[derive(Debug, Clone)]
pub struct Item {
    /// The type.
    pub id: TypeId,
    /// The CSDL qualified name.
    pub qualified: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// What to emit.
    pub kind: ItemKind,
}

/// What an item is.
#[derive(Debug, Clone)]
pub enum ItemKind {
    /// Entity or complex type.
    Structured(StructIr),
    /// Enumeration.
    Enum(EnumIr),
    /// Type definition (newtype).
    Definition(FieldTy),
}

/// An entity or complex type.
#[derive(Debug, Clone)]
pub struct StructIr {
    /// Entity (vs complex) type.
    pub entity: bool,
    /// Abstract: no struct is emitted.
    pub is_abstract: bool,
    /// Open type.
    pub open: bool,
    /// All fields, inherited first, then navigation.
    pub fields: Vec<FieldIr>,
    /// Indices of key fields, in key order; `None` when the key cannot be expressed.
    pub key: Option<Vec<usize>>,
    /// The `Any…` enum over this type and its subtypes.
    pub poly: Option<PolyIr>,
    /// Navigation properties to types outside the crate's selection, as (wire name,
    /// target's qualified name): expanded, their values stay in `additional`.
    pub outside: Vec<(String, String)>,
}

/// A polymorphic slot's enum.
#[derive(Debug, Clone)]
pub struct PolyIr {
    /// Variants: the type itself (when concrete) and every selected concrete subtype.
    pub variants: Vec<VariantIr>,
    /// Accessors for the properties every variant shares (the declared type's):
    /// Rust field name and method name (`display_name()`).
    pub accessors: Vec<(String, String)>,
}

/// One `Any…` variant.
#[derive(Debug, Clone)]
pub struct VariantIr {
    /// Variant name.
    pub name: String,
    /// The concrete type.
    pub id: TypeId,
    /// `@odata.type` forms that select it (namespace- and alias-qualified).
    pub wire: Vec<String>,
    /// `#ns.Type`, written for subtypes.
    pub tag: String,
    /// Whether this is the declared type itself (no `@odata.type` written).
    pub is_self: bool,
    /// `as_…(&self) -> Option<&T>` and `into_…(self) -> Option<T>`.
    pub methods: (String, String),
    /// The `cfg` predicate the variant (and its arms) needs, with area features.
    pub gate: Option<String>,
}

/// One property.
#[derive(Debug, Clone)]
pub struct FieldIr {
    /// Wire (CSDL) name.
    pub wire: String,
    /// Rust field name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// Type.
    pub ty: FieldTy,
    /// `Nullable`.
    pub nullable: bool,
    /// Navigation property (read shape only).
    pub navigation: bool,
    /// Key, `Core.Computed` or read-only `Core.Permissions`: never sent.
    pub read_only: bool,
    /// `Core.Immutable`: sent on create only.
    pub immutable: bool,
    /// The `cfg` predicate the field (and its arms) needs, with area features: its
    /// type is not compiled wherever its struct is.
    pub gate: Option<String>,
}

/// A field's Rust type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldTy {
    /// The element type.
    pub base: BaseTy,
    /// `Vec<…>`.
    pub collection: bool,
    /// `Box<…>` (never with `collection`).
    pub boxed: bool,
}

/// An element type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseTy {
    /// A Rust or runtime type, by path (`bool`, `::std::string::String`,
    /// `crate::runtime::edm::Date`, `crate::runtime::json::Value`).
    Path(&'static str),
    /// A generated struct, enum or newtype.
    Named(TypeId),
    /// A generated `Any…` enum.
    Any(TypeId),
    /// `Flags<E>` of a generated enum.
    Flags(TypeId),
}

/// An enumeration.
#[derive(Debug, Clone)]
pub struct EnumIr {
    /// `IsFlags`.
    pub flags: bool,
    /// Members in declaration order.
    pub members: Vec<MemberIr>,
}

/// One enum member.
#[derive(Debug, Clone)]
pub struct MemberIr {
    /// Wire name.
    pub wire: String,
    /// Variant name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
}

/// The Rust path of an Edm primitive, or `None` when the property is not part of the
/// JSON body (`Edm.Stream`).
pub fn primitive_path(p: Primitive) -> Option<&'static str> {
    Some(match p {
        Primitive::Binary => "crate::runtime::edm::Binary",
        Primitive::Boolean => "bool",
        Primitive::Byte => "u8",
        Primitive::SByte => "i8",
        Primitive::Int16 => "i16",
        Primitive::Int32 => "i32",
        Primitive::Int64 => "i64",
        Primitive::Single => "f32",
        Primitive::Double => "f64",
        Primitive::Decimal => "crate::runtime::edm::Decimal",
        Primitive::Date => "crate::runtime::edm::Date",
        Primitive::DateTimeOffset => "crate::runtime::edm::DateTimeOffset",
        Primitive::Duration => "crate::runtime::edm::Duration",
        Primitive::TimeOfDay => "crate::runtime::edm::TimeOfDay",
        Primitive::Guid => "crate::runtime::edm::Guid",
        Primitive::String | Primitive::Path => "::std::string::String",
        Primitive::Geography(_) | Primitive::Geometry(_) => "crate::runtime::edm::Geo",
        Primitive::Untyped
        | Primitive::PrimitiveType
        | Primitive::AnyEntity
        | Primitive::AnyComplex => "crate::runtime::json::Value",
        Primitive::Stream => return None,
    })
}

fn doc_of(description: Option<&str>, long: Option<&str>, fallback: String) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
        lines.extend(naming::doc_lines(d));
    }
    if let Some(l) = long.filter(|d| !d.trim().is_empty()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(naming::doc_lines(l));
    }
    if lines.is_empty() {
        lines.push(fallback);
    }
    lines
}

/// Builds the IR: the models, then the client.
pub fn build(config: &Config, model: &Model, closure: &Closure) -> CrateIr {
    let mut ir = build_models(config, model, closure);
    let client = client::build(&ir, config, model);
    add_client(&mut ir, client);
    ir
}

/// Sets the client half of the IR ([`client::build`]'s result).
pub fn add_client(ir: &mut CrateIr, (client, warnings): (client::ClientIr, Vec<Warning>)) {
    ir.client = client;
    ir.warnings.extend(warnings);
}

/// Builds the model half of the IR (its client empty): everything the model files
/// need, so they can render while [`client::build`] runs.
pub fn build_models(config: &Config, model: &Model, closure: &Closure) -> CrateIr {
    let mut b = Builder {
        model,
        selected: &closure.types,
        poly: polymorphic_types(model, closure),
        warnings: Vec::new(),
    };
    // Pass 1: names.
    let module_of = b.module_names();
    let names = b.type_names(&module_of);
    // Pass 2: shapes.
    let mut modules = b.modules(&module_of, &names);
    // Pass 3: boxing.
    break_cycles(&mut modules);
    let recursion_limit = recursion_limit(&modules);
    poly_accessors(&mut modules);
    let areas = config
        .area_features
        .then(|| build_areas(model, closure, &names, &mut modules));

    CrateIr {
        package: config.name.clone(),
        sources: config.header_sources(),
        modules,
        names,
        key_as_segment: config.key_as_segment,
        client: client::ClientIr::default(),
        warnings: b.warnings,
        areas,
        recursion_limit,
    }
}

/// Names the methods of every `Any…` enum: `as_x()`/`into_x()` per variant, then one
/// accessor per property of the declared type (which every variant has).
fn poly_accessors(modules: &mut BTreeMap<String, ModuleIr>) {
    for module in modules.values_mut() {
        for item in module.items.values_mut() {
            let ItemKind::Structured(s) = &mut item.kind else {
                continue;
            };
            let Some(poly) = &mut s.poly else {
                continue;
            };
            let mut alloc = Allocator::new();
            for r in [
                "type_name",
                "clone",
                "fmt",
                "eq",
                "ne",
                "to_json",
                "from_json",
            ] {
                alloc.reserve(r);
            }
            for v in &mut poly.variants {
                let snake = naming::field_name(&v.name);
                let snake = snake.trim_start_matches("r#");
                let as_ = alloc.claim(&format!("as_{snake}"), true).name;
                let into = alloc.claim(&format!("into_{snake}"), true).name;
                v.methods = (as_, into);
            }
            poly.accessors = s
                .fields
                .iter()
                .map(|f| (f.name.clone(), alloc.claim(&f.name, true).name))
                .collect();
        }
    }
}

/// The types used polymorphically (they get an `Any…` enum): selected structural
/// property types (and explicit roots) that are abstract or have a selected concrete
/// subtype.
fn polymorphic_types(model: &Model, closure: &Closure) -> BTreeSet<TypeId> {
    let selected = &closure.types;
    let mut slot_types: BTreeSet<TypeId> = closure.roots.clone();
    for id in selected {
        if let Some(s) = model.ty(*id).structured() {
            for p in &s.properties {
                if let Target::Named(t) = p.ty.target {
                    slot_types.insert(t);
                }
            }
            // Navigation properties do not make a type polymorphic: an expanded value of
            // a type without an `Any…` enum reads as the declared struct (subtype members
            // land in `additional`), or as raw JSON for an abstract declared type.
        }
    }
    slot_types
        .into_iter()
        .filter(|t| selected.contains(t))
        .filter(|t| match model.ty(*t).structured() {
            Some(s) => {
                s.is_abstract
                    || model
                        .all_derived(*t)
                        .iter()
                        .any(|d| selected.contains(d) && is_concrete(model, *d))
            }
            None => false,
        })
        .collect()
}

fn is_concrete(model: &Model, id: TypeId) -> bool {
    model.ty(id).structured().is_some_and(|s| !s.is_abstract)
}

/// What a claimed name belongs to: says which collision warning to write, and where.
enum Owner<'a> {
    /// The module of a namespace.
    Module(&'a str),
    /// A Rust name (primary or derived) of a type, in a module.
    Type(&'a Type, &'a str),
    /// The field of a structural property of a type (qualified name).
    Property(&'a str, &'a Property),
    /// The field of a navigation property of a type (qualified name).
    Navigation(&'a str, &'a NavigationProperty),
    /// The variant of a member of an enumeration (qualified name).
    Member(&'a str, &'a EnumMember),
    /// The variant of a concrete type in the `Any…` enum of a type (qualified name).
    Variant(&'a str, &'a Type),
}

/// The state the passes share.
struct Builder<'m> {
    model: &'m Model,
    selected: &'m BTreeSet<TypeId>,
    /// See [`polymorphic_types`].
    poly: BTreeSet<TypeId>,
    warnings: Vec<Warning>,
}

impl<'m> Builder<'m> {
    /// Claims `wanted` in `scope` for `owner`. A collision resolved with a suffix is
    /// reported as a warning, located at the owner's declaration.
    fn claim(
        &mut self,
        scope: &mut Allocator,
        wanted: &str,
        snake: bool,
        owner: Owner<'_>,
    ) -> String {
        let c = scope.claim(wanted, snake);
        if let Some(w) = &c.collided_with {
            let got = &c.name;
            let loc = |pos| Some(self.model.sources.location(pos));
            let (message, location) = match owner {
                Owner::Module(ns) => (
                    format!(
                        "namespace {}: module name `{w}` is taken, using `{got}`",
                        naming::code(ns)
                    ),
                    None,
                ),
                Owner::Type(t, module) => (
                    format!(
                        "type {}: Rust name `{w}` is taken in module `{module}`, using `{got}`",
                        naming::code(&t.qualified_name())
                    ),
                    loc(t.pos),
                ),
                Owner::Property(qualified, p) => (
                    format!(
                        "property {}: field name `{w}` is taken, using `{got}`",
                        naming::code(&format!("{qualified}/{}", p.name))
                    ),
                    loc(p.pos),
                ),
                Owner::Navigation(qualified, nav) => (
                    format!(
                        "navigation property {}: field name `{w}` is taken, using `{got}`",
                        naming::code(&format!("{qualified}/{}", nav.name))
                    ),
                    loc(nav.pos),
                ),
                Owner::Member(qualified, m) => (
                    format!(
                        "member {}: variant name `{w}` is taken, using `{got}`",
                        naming::code(&format!("{qualified}/{}", m.name))
                    ),
                    loc(m.pos),
                ),
                Owner::Variant(base, t) => (
                    format!(
                        "type {}: variant name `{w}` is taken in the `Any…` enum of {}, using `{got}`",
                        naming::code(&t.qualified_name()),
                        naming::code(base)
                    ),
                    loc(t.pos),
                ),
            };
            self.warnings
                .push(Warning(Diagnostic::at(message, location)));
        }
        c.name
    }

    /// Warns that `qualified` declares `name` again (a base type or the type itself has a
    /// member of that name already); the later declaration is left out.
    fn duplicate_member(&mut self, qualified: &str, name: &str, pos: csdl::diag::Pos) {
        let message = format!(
            "{}: a member of this name is already declared (by a base type or earlier); \
             this declaration is left out",
            naming::code(&format!("{qualified}/{name}"))
        );
        let location = Some(self.model.sources.location(pos));
        self.warnings
            .push(Warning(Diagnostic::at(message, location)));
    }

    /// Pass 1a: one module per namespace, claimed in namespace order.
    fn module_names(&mut self) -> BTreeMap<&'m str, String> {
        let model = self.model;
        let namespaces: BTreeSet<&str> = self
            .selected
            .iter()
            .map(|id| model.ty(*id).namespace.as_str())
            .collect();
        let mut modules = Allocator::new();
        let mut module_of = BTreeMap::new();
        for ns in namespaces {
            let name = self.claim(
                &mut modules,
                &naming::module_name(ns),
                true,
                Owner::Module(ns),
            );
            module_of.insert(ns, name);
        }
        module_of
    }

    /// Pass 1b: per module, in CSDL-name order, each type's name and file stem; then
    /// its derived names (`Any…`, `…Create`, `…Update`), so a primary name always wins
    /// over a derived one.
    fn type_names(&mut self, module_of: &BTreeMap<&str, String>) -> BTreeMap<TypeId, TypeNames> {
        let model = self.model;
        let mut by_module: BTreeMap<&str, Vec<TypeId>> = BTreeMap::new();
        for id in self.selected {
            by_module
                .entry(&module_of[model.ty(*id).namespace.as_str()])
                .or_default()
                .push(*id);
        }
        let mut names: BTreeMap<TypeId, TypeNames> = BTreeMap::new();
        for (module, mut ids) in by_module {
            ids.sort_by(|a, b| model.ty(*a).name.cmp(&model.ty(*b).name).then(a.cmp(b)));
            let mut types = Allocator::new();
            let mut files = Allocator::new();
            for id in &ids {
                let t = model.ty(*id);
                let name = self.claim(
                    &mut types,
                    &naming::type_name(&t.name),
                    false,
                    Owner::Type(t, module),
                );
                let file = files.claim(&naming::file_stem(&t.name), true).name;
                names.insert(
                    *id,
                    TypeNames {
                        module: module.to_string(),
                        file,
                        name,
                        any: None,
                        create: None,
                        update: None,
                    },
                );
            }
            for id in &ids {
                let t = model.ty(*id);
                let base = names[id].name.clone();
                let wants_any = self.poly.contains(id);
                let entity_concrete =
                    matches!(t.kind, TypeKind::Entity(_)) && is_concrete(model, *id);
                let mut derived =
                    |wanted: String| self.claim(&mut types, &wanted, false, Owner::Type(t, module));
                let any = wants_any.then(|| derived(naming::with_prefix("Any", &base)));
                let create = entity_concrete.then(|| derived(naming::with_suffix(&base, "Create")));
                let update = entity_concrete.then(|| derived(naming::with_suffix(&base, "Update")));
                let n = names.get_mut(id).expect("named above");
                n.any = any;
                n.create = create;
                n.update = update;
            }
        }
        names
    }

    /// Pass 2: every selected type's item, in its module under its file stem.
    fn modules(
        &mut self,
        module_of: &BTreeMap<&str, String>,
        names: &BTreeMap<TypeId, TypeNames>,
    ) -> BTreeMap<String, ModuleIr> {
        let mut modules: BTreeMap<String, ModuleIr> = module_of
            .iter()
            .map(|(ns, m)| {
                let module = ModuleIr {
                    namespace: ns.to_string(),
                    items: BTreeMap::new(),
                };
                (m.clone(), module)
            })
            .collect();
        // The items on two threads (each type's item depends on the names of pass 1
        // only); warnings are joined in type order, so the order of work never shows.
        let ids: Vec<TypeId> = self.selected.iter().copied().collect();
        let (first, second) = ids.split_at(ids.len() / 2);
        let (model, selected, poly) = (self.model, self.selected, &self.poly);
        let items = |part: &[TypeId]| {
            let mut b = Builder {
                model,
                selected,
                poly: poly.clone(),
                warnings: Vec::new(),
            };
            let items: Vec<Item> = part
                .iter()
                .map(|id| b.item(*id, names[id].any.is_some()))
                .collect();
            (items, b.warnings)
        };
        let (a, b) = std::thread::scope(|s| {
            let b = s.spawn(|| items(second));
            let a = items(first);
            (a, crate::join(b))
        });
        for (items, warnings) in [a, b] {
            self.warnings.extend(warnings);
            for item in items {
                let n = &names[&item.id];
                modules
                    .get_mut(&n.module)
                    .expect("module named in pass 1")
                    .items
                    .insert(n.file.clone(), item);
            }
        }
        modules
    }

    fn item(&mut self, id: TypeId, any: bool) -> Item {
        let t = self.model.ty(id);
        let qualified = t.qualified_name();
        let (kind, what) = match &t.kind {
            TypeKind::Entity(s) => (
                ItemKind::Structured(self.structured(id, &qualified, s, true, any)),
                "entity type",
            ),
            TypeKind::Complex(s) => (
                ItemKind::Structured(self.structured(id, &qualified, s, false, any)),
                "complex type",
            ),
            TypeKind::Enum(e) => (
                ItemKind::Enum(self.enumeration(&qualified, e)),
                "enumeration",
            ),
            TypeKind::Definition(d) => {
                let base = primitive_path(d.underlying).unwrap_or("crate::runtime::json::Value");
                let ty = FieldTy {
                    base: BaseTy::Path(base),
                    collection: false,
                    boxed: false,
                };
                (ItemKind::Definition(ty), "type definition")
            }
        };
        let doc = doc_of(
            t.description.as_deref(),
            t.long_description.as_deref(),
            format!("The {} {what}.", naming::code(&qualified)),
        );
        Item {
            id,
            qualified,
            doc,
            kind,
        }
    }

    /// An entity or complex type: fields, key, and the `Any…` enum when `any`.
    fn structured(
        &mut self,
        id: TypeId,
        qualified: &str,
        s: &Structured,
        entity: bool,
        any: bool,
    ) -> StructIr {
        let fields = self.fields(id, qualified, s);
        let key = if entity && !s.key.is_empty() {
            s.key
                .iter()
                .map(|k| {
                    fields
                        .iter()
                        .position(|f| !f.navigation && f.wire == k.path)
                })
                .collect::<Option<Vec<usize>>>()
        } else {
            None
        };
        let outside = self
            .model
            .all_navigation(id)
            .into_iter()
            .filter(|n| self.nav_ty(&n.ty).is_none())
            .filter_map(|n| match n.ty.target {
                Target::Named(t) => Some((n.name.clone(), self.model.ty(t).qualified_name())),
                Target::Primitive(_) => None,
            })
            .collect();
        StructIr {
            entity,
            is_abstract: s.is_abstract,
            open: s.open,
            fields,
            key,
            poly: any.then(|| self.poly_ir(id)),
            outside,
        }
    }

    /// Structural properties (inherited first), then navigation properties; fields
    /// share one scope with the `additional` map of open and unknown members.
    fn fields(&mut self, id: TypeId, qualified: &str, s: &Structured) -> Vec<FieldIr> {
        let model = self.model;
        let mut scope = Allocator::new();
        scope.reserve("additional");
        let mut fields = Vec::new();
        // A member name a base type already declares (invalid CSDL, seen in the wild): one
        // field per wire name, the first declaration's, or the JSON would hold the name twice.
        let mut wires: BTreeSet<&str> = BTreeSet::new();
        for p in model.all_properties(id) {
            if !wires.insert(&p.name) {
                self.duplicate_member(qualified, &p.name, p.pos);
                continue;
            }
            let Some(ty) = self.field_ty(&p.ty) else {
                continue;
            };
            let name = self.claim(
                &mut scope,
                &naming::field_name(&p.name),
                true,
                Owner::Property(qualified, p),
            );
            let is_key = s.key.iter().any(|k| k.path == p.name);
            let read_only =
                is_key || p.computed || p.permissions.is_some_and(|x| x.read && !x.write);
            fields.push(FieldIr {
                wire: p.name.clone(),
                name,
                doc: doc_of(
                    p.description.as_deref(),
                    p.long_description.as_deref(),
                    format!("The {} property.", naming::code(&p.name)),
                ),
                ty,
                nullable: p.nullable && !p.ty.collection,
                navigation: false,
                read_only,
                immutable: p.immutable,
                gate: None,
            });
        }
        for nav in model.all_navigation(id) {
            if !wires.insert(&nav.name) {
                self.duplicate_member(qualified, &nav.name, nav.pos);
                continue;
            }
            let Some(ty) = self.nav_ty(&nav.ty) else {
                continue;
            };
            let name = self.claim(
                &mut scope,
                &naming::field_name(&nav.name),
                true,
                Owner::Navigation(qualified, nav),
            );
            let mut doc = doc_of(
                nav.description.as_deref(),
                nav.long_description.as_deref(),
                format!("The {} navigation property.", naming::code(&nav.name)),
            );
            doc.push(String::new());
            doc.push("Navigation property: present only when expanded (`$expand`).".to_string());
            fields.push(FieldIr {
                wire: nav.name.clone(),
                name,
                doc,
                ty,
                nullable: true,
                navigation: true,
                read_only: true,
                immutable: false,
                gate: None,
            });
        }
        fields
    }

    /// A structural property's type, or `None` when it is not part of the crate (an
    /// unselected type, `Edm.Stream`).
    fn field_ty(&self, r: &TypeRef) -> Option<FieldTy> {
        let base = match r.target {
            Target::Primitive(p) => BaseTy::Path(primitive_path(p)?),
            Target::Named(t) if !self.selected.contains(&t) => return None,
            Target::Named(t) => match &self.model.ty(t).kind {
                TypeKind::Enum(e) if e.is_flags => BaseTy::Flags(t),
                TypeKind::Entity(_) | TypeKind::Complex(_) if self.poly.contains(&t) => {
                    BaseTy::Any(t)
                }
                _ => BaseTy::Named(t),
            },
        };
        Some(FieldTy {
            base,
            collection: r.collection,
            boxed: false,
        })
    }

    /// A navigation property's type: as [`Self::field_ty`], but raw JSON for an
    /// abstract target without an `Any…` enum.
    fn nav_ty(&self, r: &TypeRef) -> Option<FieldTy> {
        let mut ty = self.field_ty(r)?;
        let abstract_target = matches!(ty.base, BaseTy::Named(t) if self.model.ty(t).structured().is_some_and(|s| s.is_abstract));
        if abstract_target {
            ty.base = BaseTy::Path("crate::runtime::json::Value");
        }
        Some(ty)
    }

    /// The `Any…` enum of `id`: the type itself when concrete, then its selected
    /// concrete subtypes by qualified name.
    fn poly_ir(&mut self, id: TypeId) -> PolyIr {
        let model = self.model;
        let mut members: Vec<TypeId> = Vec::new();
        if is_concrete(model, id) {
            members.push(id);
        }
        let mut subs: Vec<TypeId> = model
            .all_derived(id)
            .into_iter()
            .filter(|d| self.selected.contains(d) && is_concrete(model, *d))
            .collect();
        subs.sort_by_cached_key(|d| model.ty(*d).qualified_name());
        members.extend(subs);
        let mut scope = Allocator::new();
        scope.reserve("Unknown");
        let base = model.ty(id).qualified_name();
        let variants = members
            .into_iter()
            .map(|m| {
                let mt = model.ty(m);
                let wanted = naming::variant_name(&mt.name);
                let name = self.claim(&mut scope, &wanted, false, Owner::Variant(&base, mt));
                let mut wire = vec![mt.qualified_name()];
                for s in &model.schemas {
                    if let Some(a) = s.alias.as_ref().filter(|_| s.namespace == mt.namespace) {
                        let w = format!("{a}.{}", mt.name);
                        if !wire.contains(&w) {
                            wire.push(w);
                        }
                    }
                }
                VariantIr {
                    name,
                    id: m,
                    wire,
                    tag: format!("#{}", mt.qualified_name()),
                    is_self: m == id,
                    methods: Default::default(),
                    gate: None,
                }
            })
            .collect();
        PolyIr {
            variants,
            accessors: Vec::new(),
        }
    }

    /// An enumeration's members, in declaration order.
    fn enumeration(&mut self, qualified: &str, e: &EnumType) -> EnumIr {
        let mut scope = Allocator::new();
        scope.reserve("Unknown");
        let members = e
            .members
            .iter()
            .map(|m| MemberIr {
                wire: m.name.clone(),
                name: self.claim(
                    &mut scope,
                    &naming::variant_name(&m.name),
                    false,
                    Owner::Member(qualified, m),
                ),
                doc: doc_of(
                    m.description.as_deref(),
                    None,
                    format!("{}.", naming::code(&m.name)),
                ),
            })
            .collect();
        EnumIr {
            flags: e.is_flags,
            members,
        }
    }
}

/// Boxes single-valued fields that close a cycle of struct containment.
fn break_cycles(modules: &mut BTreeMap<String, ModuleIr>) {
    let boxed: BTreeSet<(TypeId, usize)> = {
        let items: BTreeMap<TypeId, &Item> = modules
            .values()
            .flat_map(|m| m.items.values())
            .map(|i| (i.id, i))
            .collect();
        // The variants of each `Any…` enum, once (Graph's `entity` has over a thousand).
        let variants: BTreeMap<TypeId, Vec<TypeId>> = items
            .iter()
            .filter_map(|(id, item)| match &item.kind {
                ItemKind::Structured(s) => s
                    .poly
                    .as_ref()
                    .map(|p| (*id, p.variants.iter().map(|v| v.id).collect())),
                _ => None,
            })
            .collect();
        // The concrete structs a single-valued field of `ty` stores inline.
        fn inline<'a>(
            ty: &'a FieldTy,
            items: &BTreeMap<TypeId, &Item>,
            variants: &'a BTreeMap<TypeId, Vec<TypeId>>,
        ) -> &'a [TypeId] {
            if ty.collection {
                return &[];
            }
            match &ty.base {
                BaseTy::Named(t) => match items.get(t).map(|i| &i.kind) {
                    Some(ItemKind::Structured(_)) => std::slice::from_ref(t),
                    _ => &[],
                },
                BaseTy::Any(t) => variants.get(t).map_or(&[], Vec::as_slice),
                _ => &[],
            }
        }
        let inline_targets = |ty| inline(ty, &items, &variants);
        let mut graph: BTreeMap<TypeId, Vec<TypeId>> = BTreeMap::new();
        for (id, item) in &items {
            if let ItemKind::Structured(s) = &item.kind {
                let mut out = Vec::new();
                for f in &s.fields {
                    out.extend_from_slice(inline_targets(&f.ty));
                }
                out.sort();
                out.dedup();
                graph.insert(*id, out);
            }
        }
        let scc = tarjan(&graph);
        let mut boxed = BTreeSet::new();
        for (id, item) in &items {
            if let ItemKind::Structured(s) = &item.kind {
                for (i, f) in s.fields.iter().enumerate() {
                    if inline_targets(&f.ty)
                        .iter()
                        .any(|t| scc.get(t) == scc.get(id))
                    {
                        boxed.insert((*id, i));
                    }
                }
            }
        }
        boxed
    };
    for m in modules.values_mut() {
        for item in m.items.values_mut() {
            let id = item.id;
            if let ItemKind::Structured(s) = &mut item.kind {
                for (i, f) in s.fields.iter_mut().enumerate() {
                    if boxed.contains(&(id, i)) {
                        f.ty.boxed = true;
                    }
                }
            }
        }
    }
}

/// The `#![recursion_limit]` a crate of these types needs, if above rustc's default (128).
///
/// Proving `T: Send` (every request future does) walks `T`'s fields, their types' fields
/// and so on until it meets a type already on its path: a navigation field
/// `Option<Vec<E1>>` costs about five levels (`Option`, `Vec`, `RawVec`, `Unique`, `E1`),
/// so a chain or a ring of about 24 entity types linked by navigation overflows the
/// default (E0275; Dataverse's `$metadata` does). The depth here is that of a walk over
/// every field's types (collections and `Any…` variants included) that stops at a type
/// on its path or already walked; six levels per step plus room for the request types
/// around, rounded up to a power of two.
fn recursion_limit(modules: &BTreeMap<String, ModuleIr>) -> Option<usize> {
    let items: BTreeMap<TypeId, &Item> = modules
        .values()
        .flat_map(|m| m.items.values())
        .map(|i| (i.id, i))
        .collect();
    let mut graph: BTreeMap<TypeId, Vec<TypeId>> = BTreeMap::new();
    for (id, item) in &items {
        if let ItemKind::Structured(s) = &item.kind {
            let mut out: Vec<TypeId> = Vec::new();
            if let Some(p) = &s.poly {
                out.extend(p.variants.iter().map(|v| v.id));
            }
            for f in &s.fields {
                match &f.ty.base {
                    BaseTy::Named(t) | BaseTy::Any(t) if items.contains_key(t) => out.push(*t),
                    _ => {}
                }
            }
            graph.insert(*id, out);
        }
    }
    // Iterative depth-first walks; `done` holds every type walked from an earlier start.
    let mut done: BTreeSet<TypeId> = BTreeSet::new();
    let mut on_path: BTreeSet<TypeId> = BTreeSet::new();
    let mut deepest = 0;
    for &start in graph.keys() {
        if done.contains(&start) {
            continue;
        }
        let mut path: Vec<(TypeId, usize)> = vec![(start, 0)];
        on_path.insert(start);
        while let Some((v, i)) = path.last_mut() {
            let succ = graph.get(v).map_or(&[][..], Vec::as_slice);
            if let Some(&w) = succ.get(*i) {
                *i += 1;
                if !done.contains(&w) && !on_path.contains(&w) && graph.contains_key(&w) {
                    on_path.insert(w);
                    path.push((w, 0));
                    deepest = deepest.max(path.len());
                }
            } else {
                let v = *v;
                on_path.remove(&v);
                done.insert(v);
                path.pop();
            }
        }
    }
    let needed = deepest * 6 + 64;
    (needed > 128).then(|| needed.next_power_of_two())
}

/// Strongly connected components: node → component index (deterministic for a
/// `BTreeMap` graph).
fn tarjan(graph: &BTreeMap<TypeId, Vec<TypeId>>) -> BTreeMap<TypeId, usize> {
    struct State<'g> {
        graph: &'g BTreeMap<TypeId, Vec<TypeId>>,
        index: BTreeMap<TypeId, usize>,
        low: BTreeMap<TypeId, usize>,
        on_stack: BTreeSet<TypeId>,
        stack: Vec<TypeId>,
        next: usize,
        comp: BTreeMap<TypeId, usize>,
        comps: usize,
    }
    // Iterative to be safe on deep graphs.
    fn run(st: &mut State<'_>, start: TypeId) {
        let mut work: Vec<(TypeId, usize)> = vec![(start, 0)];
        st.index.insert(start, st.next);
        st.low.insert(start, st.next);
        st.next += 1;
        st.stack.push(start);
        st.on_stack.insert(start);
        while let Some((v, i)) = work.pop() {
            let succ = st.graph.get(&v).map(Vec::as_slice).unwrap_or(&[]);
            if i < succ.len() {
                work.push((v, i + 1));
                let w = succ[i];
                if !st.index.contains_key(&w) {
                    st.index.insert(w, st.next);
                    st.low.insert(w, st.next);
                    st.next += 1;
                    st.stack.push(w);
                    st.on_stack.insert(w);
                    work.push((w, 0));
                } else if st.on_stack.contains(&w) {
                    let lw = st.index[&w];
                    let lv = st.low[&v];
                    st.low.insert(v, lv.min(lw));
                }
            } else {
                if st.low[&v] == st.index[&v] {
                    while let Some(w) = st.stack.pop() {
                        st.on_stack.remove(&w);
                        st.comp.insert(w, st.comps);
                        if w == v {
                            break;
                        }
                    }
                    st.comps += 1;
                }
                if let Some((parent, _)) = work.last() {
                    let lp = st.low[parent];
                    let lv = st.low[&v];
                    st.low.insert(*parent, lp.min(lv));
                }
            }
        }
    }
    let mut st = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on_stack: BTreeSet::new(),
        stack: Vec::new(),
        next: 0,
        comp: BTreeMap::new(),
        comps: 0,
    };
    for v in graph.keys() {
        if !st.index.contains_key(v) {
            run(&mut st, *v);
        }
    }
    // Self-loops: a node alone in its component is "in a cycle" only with an edge to itself;
    // callers compare components of the field's owner and target, which covers self-loops.
    st.comp
}
