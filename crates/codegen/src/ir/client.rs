//! The client IR: every builder, method name, path segment, capability and operation
//! signature of the generated client, settled before rendering (`emit::client` only
//! renders it).
//!
//! Built from the [`Model`] and the model half of the [`CrateIr`] in passes:
//!
//! 1. walk: from the container's entity sets and singletons, breadth first over
//!    navigation, every builder ([`Key`]: entity type, collection or item, and the
//!    capabilities of the paths that reach it), with "shell" builders for unselected
//!    types that lead to selected ones through containment;
//! 2. names: client modules mirror the model modules; per module the field enums and
//!    builders are claimed in one [`Allocator`] that already holds every model type name
//!    of the namespace, so a builder never shares a name with a model type and every
//!    collision is a warning;
//! 3. methods: keys, requests, navigation and operations of each builder, with the
//!    operations that cannot be generated listed in [`ClientIr::left_out`] with a reason.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use csdl::model::{
    Capabilities, Model, NavigationProperty, Operation, OperationId, OperationKind, Primitive,
    Target, TypeId, TypeKind, TypeRef,
};
use csdl::vocab::{Navigability, NavigationRestrictions};

use super::{CrateIr, ItemKind, StructIr, primitive_path};
use crate::config::Config;
use crate::error::{Diagnostic, Warning};
use crate::naming::{self, Allocator};

/// The whole client.
#[derive(Debug, Clone, Default)]
pub struct ClientIr {
    /// The root client (the entity container).
    pub root: RootIr,
    /// Client modules by Rust module name (one per namespace with builders).
    pub modules: BTreeMap<String, ClientModuleIr>,
    /// The crate example: the shortest path to a listable collection.
    pub example: Option<ExampleIr>,
    /// The service root, when configured.
    pub service_root: Option<String>,
    /// Other named roots of the service: constant name and URL.
    pub service_roots: Vec<(String, String)>,
    /// Operations and navigation the client leaves out, with the reason.
    pub left_out: Vec<LeftOut>,
}

/// The root client.
#[derive(Debug, Clone, Default)]
pub struct RootIr {
    /// The struct's name (after the container, claimed among the crate root's names).
    pub name: String,
    /// The container's qualified name.
    pub container: Option<String>,
    /// One method per entity set and singleton.
    pub steps: Vec<NavIr>,
    /// Action and function imports.
    pub operations: Vec<OperationIr>,
}

/// One client module (a namespace).
#[derive(Debug, Clone)]
pub struct ClientModuleIr {
    /// The CSDL namespace.
    pub namespace: String,
    /// Files by stem (one per entity type).
    pub files: BTreeMap<String, ClientFileIr>,
}

/// One file: an entity type's field enum, `etag()` and builders.
#[derive(Debug, Clone)]
pub struct ClientFileIr {
    /// The field enum, for selected types.
    pub field: Option<FieldEnumIr>,
    /// The navigation enum, for selected types with navigation properties.
    pub nav: Option<NavEnumIr>,
    /// The read struct that gets an `etag()` accessor.
    pub etag: Option<TyIr>,
    /// Builders, in name order.
    pub builders: Vec<BuilderIr>,
    /// The `cfg` of the entity type, with area features (none for a shell's file).
    pub gate: Option<String>,
}

impl ClientFileIr {
    /// The public names the file declares.
    pub fn exports(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.field.iter().map(|f| f.name.as_str()).collect();
        out.extend(self.nav.iter().map(|n| n.name.as_str()));
        out.extend(self.builders.iter().map(|b| b.name.as_str()));
        out
    }
}

/// A `…Field` enum: the structural properties of an entity type by wire name.
#[derive(Debug, Clone)]
pub struct FieldEnumIr {
    /// Enum name.
    pub name: String,
    /// The entity type's qualified name.
    pub qualified: String,
    /// One variant per structural property.
    pub variants: Vec<FieldVariantIr>,
}

/// A `…Nav` enum: the navigation properties of an entity type whose targets have a
/// field enum, for typed `$expand`.
#[derive(Debug, Clone)]
pub struct NavEnumIr {
    /// Enum name.
    pub name: String,
    /// The entity type's qualified name.
    pub qualified: String,
    /// The entity type's field enum (the source marker of its `Expand` items).
    pub field: String,
    /// One variant per navigation property.
    pub variants: Vec<NavVariantIr>,
}

/// One navigation property in a `…Nav` enum.
#[derive(Debug, Clone)]
pub struct NavVariantIr {
    /// Variant name.
    pub name: String,
    /// The associated function returning an `Expand` item with options.
    pub method: String,
    /// Wire name.
    pub wire: String,
    /// First doc line of the property.
    pub doc: Option<String>,
    /// The target's field enum.
    pub target: BuilderRef,
    /// The target's qualified name.
    pub target_qualified: String,
    /// Collection-valued.
    pub collection: bool,
    /// The `cfg` the variant (and its arms) needs, with area features.
    pub gate: Option<String>,
}

/// One structural property in a field enum.
#[derive(Debug, Clone)]
pub struct FieldVariantIr {
    /// Variant name.
    pub name: String,
    /// Wire name.
    pub wire: String,
    /// First doc line of the property.
    pub doc: Option<String>,
    /// The `$filter` operand constant (`DISPLAY_NAME`), for properties a filter can
    /// compare.
    pub filter: Option<(String, FilterIr)>,
}

/// The typed `$filter` operand of a property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterIr {
    /// A primitive value: `Operand<T>`.
    Value(TyIr),
    /// An enumeration member: `EnumOperand<E>` of this qualified type.
    Enum(TyIr, String),
    /// A flags enumeration: `FlagsOperand<E>`.
    Flags(TyIr, String),
    /// A collection of primitive values: `CollectionOperand<T>`.
    Values(TyIr),
    /// A collection of enumeration members: `EnumCollectionOperand<E>`.
    Enums(TyIr, String),
}

/// Where a builder is: client module and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BuilderRef {
    /// Client module.
    pub module: String,
    /// Struct name.
    pub name: String,
}

/// A Rust type the client names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TyIr {
    /// A model type: module and name.
    Model(String, String),
    /// A Rust or runtime type by path (`bool`, `crate::runtime::edm::Date`).
    Path(&'static str),
    /// `Flags<E>` of a model enum.
    Flags(Box<TyIr>),
    /// `Vec<T>`.
    Vec(Box<TyIr>),
}

/// How a key part or parameter is passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// By value (`bool`, integers, floats).
    Value,
    /// `&str`.
    Str,
    /// By reference (`&T`; `&[T]` for collections).
    Ref,
}

/// How a function argument is written in the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgForm {
    /// An inline literal.
    Literal,
    /// An enumeration literal of this qualified type.
    Enum(String),
    /// A JSON value as a parameter alias.
    Json,
}

/// One key part or operation parameter.
#[derive(Debug, Clone)]
pub struct ParamIr {
    /// Wire name.
    pub wire: String,
    /// Rust argument name.
    pub rust: String,
    /// The (element) type.
    pub ty: TyIr,
    /// A collection: passed as `&[T]`.
    pub collection: bool,
    /// How it is passed.
    pub pass: Pass,
    /// How a function writes it.
    pub form: ArgForm,
    /// `Core.OptionalParameter`: an `Option`.
    pub optional: bool,
}

/// Addressing one entity of a collection by key.
#[derive(Debug, Clone)]
pub struct KeyIr {
    /// Key parts (one for a simple key).
    pub parts: Vec<ParamIr>,
    /// `…/{key}` rather than `…('key')`.
    pub as_segment: bool,
    /// The item builder it returns.
    pub item: BuilderRef,
}

/// A navigation (or entity set / singleton) method.
#[derive(Debug, Clone)]
pub struct NavIr {
    /// The path segment.
    pub wire: String,
    /// The method name.
    pub method: String,
    /// The builder it returns.
    pub target: BuilderRef,
    /// Doc lines.
    pub doc: Vec<String>,
    /// The `cfg` the method needs, with area features: the target's, or the area's
    /// feature for an entity set or singleton.
    pub gate: Option<String>,
}

/// What an operation returns and how it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnIr {
    /// Nothing (204).
    Unit,
    /// A structured value (entity or complex type).
    Object(TyIr),
    /// A primitive, enum or collection value (`{"value": …}`).
    Value(TyIr),
    /// A collection of entities, paged.
    Pager(TyIr),
    /// A delta function's changes (see [`is_delta`]): a typed delta request of `item`,
    /// with the field enum of the builder's file when `item` is the builder's read type.
    Delta {
        /// The read type of the changed entities.
        item: TyIr,
        /// The field enum for typed `$select`.
        field: Option<String>,
    },
    /// A stream (`Edm.Stream`): the response as a `Download` (read as it arrives).
    Stream,
    /// Microsoft Graph's upload session: an action named `createUploadSession` whose
    /// result is a complex type with `uploadUrl` and `nextExpectedRanges`; the method
    /// returns the runtime's `UploadSession`.
    UploadSession,
}

/// A stream of an item builder: a media entity's `$value` or a stream property
/// (`Edm.Stream`), read and written with the runtime's `StreamRequest`.
#[derive(Debug, Clone)]
pub struct StreamIr {
    /// The method name.
    pub method: String,
    /// The path segment: `$value` or the property's name.
    pub wire: String,
    /// `Core.MediaType` (a string value), sent when an upload names no type.
    pub media_type: Option<String>,
    /// `Core.AcceptableMediaTypes`: an upload naming another type is refused.
    pub acceptable: Vec<String>,
    /// Doc lines.
    pub doc: Vec<String>,
}

/// One action or function method.
#[derive(Debug, Clone)]
pub struct OperationIr {
    /// The method name.
    pub method: String,
    /// Action (POST) or function (GET).
    pub is_action: bool,
    /// `namespace.name`.
    pub qualified: String,
    /// The import name, for operations called through an action or function import.
    pub import: Option<String>,
    /// Parameters (the binding parameter excluded).
    pub params: Vec<ParamIr>,
    /// The result.
    pub ret: ReturnIr,
    /// Doc lines.
    pub doc: Vec<String>,
    /// The `cfg` the method needs, with area features: its parameter and result types'.
    pub gate: Option<String>,
}

/// One builder struct.
#[derive(Debug, Clone)]
pub struct BuilderIr {
    /// Struct name.
    pub name: String,
    /// The entity type's qualified name.
    pub qualified: String,
    /// A collection builder (vs one entity).
    pub collection: bool,
    /// The type is not selected: navigation towards selected types only.
    pub shell: bool,
    /// The capability restrictions of its paths, as in its name (`NoCreateNoDelete`).
    pub restricted: String,
    /// The entity set or singleton whose `NavigationRestrictions` limit navigation from
    /// its entities.
    pub nav_scope: Option<String>,
    /// What `get`/`list` read.
    pub read: TyIr,
    /// The field enum (same file), or none (`support::NoField`).
    pub field: Option<String>,
    /// `by_id`/`by_key`, on collections.
    pub key: Option<KeyIr>,
    /// `list()`.
    pub list: bool,
    /// `create(&TCreate)`.
    pub create: Option<TyIr>,
    /// `get()`.
    pub get: bool,
    /// `update(&TUpdate)`.
    pub update: Option<TyIr>,
    /// `delete()`.
    pub delete: bool,
    /// `replace(&TCreate)` (`PUT`), where the paths' `UpdateMethod` names `PUT`.
    pub replace: Option<TyIr>,
    /// `upsert(&TCreate)` (`PATCH` that creates a missing entity), where `Upsertable`.
    pub upsert: Option<TyIr>,
    /// `by_<alias>(…)` per `Core.AlternateKeys` key, on collections.
    pub alternate_keys: Vec<AlternateKeyIr>,
    /// `count()` (`…/$count`), on listable collections.
    pub count: bool,
    /// Reference (`$ref`) methods, on builders reached through a non-containment
    /// navigation property.
    pub refs: Option<RefsIr>,
    /// Navigation methods.
    pub nav: Vec<NavIr>,
    /// Casts to derived types (`as_user()`: `…/ns.user`).
    pub casts: Vec<NavIr>,
    /// Bound operations.
    pub operations: Vec<OperationIr>,
    /// Streams, on item builders: the media entity's `$value`, stream properties.
    pub streams: Vec<StreamIr>,
}

/// An alternate key (`Core.AlternateKeys`): `…(appId='…')`.
#[derive(Debug, Clone)]
pub struct AlternateKeyIr {
    /// The method (`by_app_id`).
    pub method: String,
    /// The parts, by alias.
    pub parts: Vec<ParamIr>,
}

/// The `$ref` methods of a builder reached through a non-containment navigation property.
#[derive(Debug, Clone)]
pub enum RefsIr {
    /// A collection: `add_ref_at`, `add_ref_by_id`/`by_key` (with a key), `refs()`.
    Collection(Option<RefKeyIr>),
    /// An entity of such a collection: `remove_ref()`.
    Item,
    /// A single-valued property: `set_ref_at`, `set_ref_by_id`/`by_key`, `get_ref()`,
    /// `remove_ref()`.
    Single(Option<RefKeyIr>),
}

/// A reference made from a key: `{root}/{set}/{key}`.
#[derive(Debug, Clone)]
pub struct RefKeyIr {
    /// The entity set holding the referenced entities.
    pub set: String,
    /// The key parts.
    pub parts: Vec<ParamIr>,
    /// `…/{key}` rather than `…('key')`.
    pub as_segment: bool,
}

/// The crate example's path.
#[derive(Debug, Clone)]
pub struct ExampleIr {
    /// Method names from the root client to the collection.
    pub chain: Vec<String>,
    /// The collection's field enum and its first variant: module, enum, variant.
    pub field: Option<(String, String, String)>,
    /// The collection's entity type.
    pub ty: TypeId,
}

/// Something of the schema the client does not offer, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LeftOut {
    /// What (`bound function microsoft.graph.delta on microsoft.graph.user`).
    pub what: String,
    /// Why, and what would bring it in.
    pub reason: String,
}

/// Names every crate root declares besides the root client: the root client takes
/// another name rather than shadow one of them.
pub const CRATE_ROOT_NAMES: [&str; 14] = [
    "models",
    "client",
    "runtime",
    "service_roots",
    "SERVICE_ROOT",
    "Client",
    "ClientBuilder",
    "Error",
    "ODataError",
    "Page",
    "Pager",
    "Patch",
    "Query",
    "RequestOptions",
];

/// Methods of the root client that are not entity sets, singletons or imports.
const ROOT_METHODS: [&str; 2] = ["new", "client"];

/// Methods of every builder that are not navigation or operations.
const BUILDER_METHODS: [&str; 24] = [
    "replace",
    "upsert",
    "from_builder",
    "builder",
    "header",
    "if_match",
    "return_minimal",
    "by_id",
    "by_key",
    "list",
    "get",
    "create",
    "update",
    "delete",
    "count",
    "refs",
    "add_ref_at",
    "add_ref_by_id",
    "add_ref_by_key",
    "set_ref_at",
    "set_ref_by_id",
    "set_ref_by_key",
    "get_ref",
    "remove_ref",
];

/// What the paths to a builder allow (annotation restrictions combined with what the
/// type's shapes make possible).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Caps {
    list: bool,
    create: bool,
    get: bool,
    update: bool,
    delete: bool,
    /// `PUT` (replace), where `UpdateRestrictions/UpdateMethod` names it.
    put: bool,
    /// Upsert, where `UpdateRestrictions/Upsertable` is true.
    upsert: bool,
}

impl Caps {
    const NONE: Caps = Caps {
        list: false,
        create: false,
        get: false,
        update: false,
        delete: false,
        put: false,
        upsert: false,
    };
}

/// How a builder's path reaches its entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Link {
    /// On their canonical path (entity set, singleton, containment).
    Canonical,
    /// Through a non-containment collection-valued navigation property (`…/members`):
    /// references are added (`$ref`) rather than entities deleted. The entity set that
    /// holds the targets, when known, lets a reference be made from a key.
    Collection(Option<u32>),
    /// An entity of such a collection (`…/members/{id}`): its reference is removed.
    Item,
    /// Through a non-containment single-valued navigation property (`…/manager`).
    Single(Option<u32>),
}

/// One builder to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    ty: TypeId,
    collection: bool,
    /// The entity set or singleton whose `NavigationRestrictions` limit the navigation
    /// from this builder's entities (an index into `Ctx::nav_scopes`), when it has any.
    from: Option<u32>,
    caps: Caps,
    link: Link,
}

/// What the walk found from one builder.
#[derive(Debug, Clone)]
struct Walked {
    /// Navigation properties.
    steps: Vec<Step>,
    /// Casts to derived types.
    casts: Vec<Step>,
}

/// A navigation step found by the walk (method names are claimed later).
#[derive(Debug, Clone)]
struct Step {
    wire: String,
    target: Key,
    doc: Vec<String>,
}

/// An entity set or singleton whose `NavigationRestrictions` restrict something.
struct NavScope {
    name: String,
    restrictions: NavigationRestrictions,
    /// Its navigation property bindings: (path, target set's name).
    bindings: Vec<(String, String)>,
}

struct Ctx<'a> {
    ir: &'a CrateIr,
    model: &'a Model,
    selected: BTreeSet<TypeId>,
    shells: BTreeSet<TypeId>,
    /// Bound operations by (binding type, collection).
    bound: BTreeMap<(TypeId, bool), Vec<OperationId>>,
    /// The container's entity sets (indices) by entity type.
    sets_of: BTreeMap<TypeId, Vec<u32>>,
    /// Entity sets and singletons with `NavigationRestrictions`.
    nav_scopes: Vec<NavScope>,
    warnings: Vec<Warning>,
    left_out: BTreeSet<LeftOut>,
}

/// Builds the client IR of a crate whose models are settled in `ir`.
pub fn build(ir: &CrateIr, config: &Config, model: &Model) -> (ClientIr, Vec<Warning>) {
    let mut ctx = Ctx::new(ir, model);
    let container = model.containers.first();
    let cname = container.map(|c| format!("{}.{}", c.namespace, c.name));

    // Pass 1: the walk.
    let mut root_steps: Vec<Step> = Vec::new();
    if let (Some(c), Some(cname)) = (container, &cname) {
        ctx.collect_nav_scopes(c, cname);
        for s in &c.entity_sets {
            if ctx.has_builder(s.entity_type) {
                let target = format!("{cname}/{}", s.name);
                let caps = ctx.caps(&target, s.entity_type, true, true);
                root_steps.push(Step {
                    wire: s.name.clone(),
                    target: Key {
                        from: ctx.nav_scope(&s.name),
                        ..ctx.key(s.entity_type, true, caps, Link::Canonical)
                    },
                    doc: step_doc(s.description.as_deref(), &s.name, "entity set"),
                });
            }
        }
        for s in &c.singletons {
            if ctx.has_builder(s.entity_type) {
                let target = format!("{cname}/{}", s.name);
                let mut caps = ctx.caps(&target, s.entity_type, false, true);
                caps.delete = false;
                root_steps.push(Step {
                    wire: s.name.clone(),
                    target: Key {
                        from: ctx.nav_scope(&s.name),
                        ..ctx.key(s.entity_type, false, caps, Link::Canonical)
                    },
                    doc: step_doc(s.description.as_deref(), &s.name, "singleton"),
                });
            }
        }
    }
    let (builders, paths) = ctx.walk(&root_steps);

    // Pass 2: names.
    let names = ctx.names(&builders);

    // Pass 3: methods.
    let mut root_alloc = Allocator::new();
    for r in ROOT_METHODS {
        root_alloc.reserve(r);
    }
    let root_nav: Vec<NavIr> = root_steps
        .iter()
        .map(|s| NavIr {
            wire: s.wire.clone(),
            method: ctx.claim_method(&mut root_alloc, &naming::field_name(&s.wire), "root client"),
            target: names.builder[&s.target].clone(),
            doc: s.doc.clone(),
            gate: ir.areas.as_ref().and_then(|a| {
                let singleton = !s.target.collection;
                a.list
                    .iter()
                    .find(|x| x.name == s.wire && x.singleton == singleton)
                    .map(|x| format!("feature = {:?}", x.feature))
            }),
        })
        .collect();
    let mut root_ops = Vec::new();
    if let Some(c) = container {
        let mut imports: Vec<(OperationId, Option<String>)> = Vec::new();
        for i in c.action_imports.iter().chain(&c.function_imports) {
            for o in &i.overloads {
                imports.push((*o, Some(i.name.clone())));
            }
        }
        root_ops = ctx.operations(&imports, &mut root_alloc, "the root client", None);
    }
    // Builders by entity type, once (a scan of every builder per file was quadratic).
    let mut by_type: BTreeMap<TypeId, Vec<Key>> = BTreeMap::new();
    for k in builders.keys() {
        by_type.entry(k.ty).or_default().push(*k);
    }
    let mut modules: BTreeMap<String, ClientModuleIr> = BTreeMap::new();
    for (t, (m, stem)) in &names.file {
        let module = modules.entry(m.clone()).or_insert_with(|| ClientModuleIr {
            namespace: model.ty(*t).namespace.clone(),
            files: BTreeMap::new(),
        });
        let field = names.field.get(t).map(|n| ctx.field_enum(*t, n));
        let nav = names.nav.get(t).map(|n| ctx.nav_enum(*t, n, &names));
        let etag = ctx
            .struct_ir(*t)
            .filter(|s| !s.is_abstract)
            .and_then(|_| ctx.model_ty(*t, |n| Some(&n.name)));
        let mut list: Vec<(&String, Key)> = by_type
            .get(t)
            .into_iter()
            .flatten()
            .map(|k| (&names.builder[k].name, *k))
            .collect();
        list.sort();
        let built: Vec<BuilderIr> = list
            .into_iter()
            .map(|(_, k)| ctx.builder(k, &builders[&k], &names))
            .collect();
        module.files.insert(
            stem.clone(),
            ClientFileIr {
                field,
                nav,
                etag,
                builders: built,
                gate: ir
                    .areas
                    .as_ref()
                    .and_then(|a| a.cfg_of(*t))
                    .map(str::to_string),
            },
        );
    }

    // The root client's name, among the crate root's names.
    let mut crate_root = Allocator::new();
    for n in CRATE_ROOT_NAMES {
        crate_root.reserve(n);
    }
    let wanted = naming::type_name(container.map(|c| c.name.as_str()).unwrap_or("Service"));
    let claimed = crate_root.claim(&wanted, false);
    if let Some(w) = &claimed.collided_with {
        ctx.warnings.push(Warning(Diagnostic::at(
            format!(
                "entity container {}: `{w}` is a name of the crate root, the root client is `{}`",
                naming::code(cname.as_deref().unwrap_or("")),
                claimed.name
            ),
            container.map(|c| model.sources.location(c.pos)),
        )));
    }

    let mut service_roots = Vec::new();
    let mut consts = Allocator::new();
    consts.reserve("SERVICE_ROOT");
    for (name, url) in &config.service_roots {
        let c = consts.claim(&naming::const_name(name), false);
        service_roots.push((c.name, url.clone()));
    }
    let mut client = ClientIr {
        root: RootIr {
            name: claimed.name,
            container: cname,
            steps: root_nav,
            operations: root_ops,
        },
        modules,
        example: None,
        service_root: config.service_root.clone(),
        service_roots,
        left_out: std::mem::take(&mut ctx.left_out).into_iter().collect(),
    };
    client.example = example(&client, &builders, &paths, &names);
    (client, ctx.warnings)
}

/// The crate example: the shortest key-free path to a listable collection of a
/// selected type, as the method names claimed along it.
fn example(
    client: &ClientIr,
    builders: &BTreeMap<Key, Walked>,
    paths: &BTreeMap<Key, Vec<Option<String>>>,
    names: &Names,
) -> Option<ExampleIr> {
    let best = builders
        .keys()
        .filter(|k| k.collection && k.caps.list && paths[*k].iter().all(Option::is_some))
        .min_by_key(|k| (paths[*k].len(), paths[*k].clone()))?;
    let by_ref: BTreeMap<(&str, &str), &BuilderIr> = client
        .modules
        .iter()
        .flat_map(|(m, module)| {
            module
                .files
                .values()
                .flat_map(|f| &f.builders)
                .map(move |b| ((m.as_str(), b.name.as_str()), b))
        })
        .collect();
    let mut chain = Vec::new();
    let mut nav: &[NavIr] = &client.root.steps;
    let mut casts: &[NavIr] = &[];
    for wire in paths[best].iter().flatten() {
        let step = nav.iter().chain(casts).find(|s| &s.wire == wire)?;
        chain.push(step.method.clone());
        let b = by_ref.get(&(step.target.module.as_str(), step.target.name.as_str()))?;
        nav = &b.nav;
        casts = &b.casts;
    }
    // The collection's field enum and its first variant, as claimed.
    let (m, stem) = &names.file[&best.ty];
    let field = client.modules[m].files[stem].field.as_ref().and_then(|f| {
        let first = f.variants.first()?;
        Some((m.clone(), f.name.clone(), first.name.clone()))
    });
    Some(ExampleIr {
        chain,
        field,
        ty: best.ty,
    })
}

/// `caps` limited by the `Insert`/`Update`/`Delete`/`ReadRestrictions` of a path (its
/// own annotations, or a `NavigationRestrictions` entry).
fn restrict(caps: Caps, r: Capabilities) -> Caps {
    let yes = |o: Option<bool>| o != Some(false);
    Caps {
        list: caps.list && yes(r.readable),
        create: caps.create && yes(r.insertable),
        get: caps.get && yes(r.readable_by_key.or(r.readable)),
        update: caps.update && yes(r.updatable),
        delete: caps.delete && yes(r.deletable),
        put: caps.put && yes(r.updatable),
        upsert: caps.upsert && yes(r.updatable),
    }
}

fn step_doc(description: Option<&str>, wire: &str, what: &str) -> Vec<String> {
    let mut d = Vec::new();
    if let Some(text) = description.filter(|t| !t.trim().is_empty()) {
        d.extend(naming::doc_lines(text));
        d.push(String::new());
    }
    d.push(format!(
        "The {} {what}: {}.",
        naming::code(wire),
        naming::code(&format!("…/{wire}"))
    ));
    d
}

/// Names settled in pass 2.
struct Names {
    /// Client module and file stem per entity type with builders.
    file: BTreeMap<TypeId, (String, String)>,
    /// Field enum per selected type.
    field: BTreeMap<TypeId, String>,
    /// Navigation enum per selected type with navigation properties to typed targets.
    nav: BTreeMap<TypeId, String>,
    /// Every builder.
    builder: BTreeMap<Key, BuilderRef>,
}

impl<'a> Ctx<'a> {
    fn new(ir: &'a CrateIr, model: &'a Model) -> Ctx<'a> {
        let selected: BTreeSet<TypeId> = ir.names.keys().copied().collect();
        let is_entity = |t: TypeId| matches!(model.ty(t).kind, TypeKind::Entity(_));
        // Shells: unselected entity types with a containment path to a selected type.
        let mut shells: BTreeSet<TypeId> = BTreeSet::new();
        let entities: Vec<TypeId> = (0..model.types.len() as u32)
            .map(TypeId)
            .filter(|t| is_entity(*t) && !selected.contains(t))
            .collect();
        loop {
            let mut changed = false;
            for t in &entities {
                if shells.contains(t) {
                    continue;
                }
                let leads = model.all_navigation(*t).iter().any(|n| {
                    n.contains_target
                        && matches!(n.ty.target, Target::Named(x) if selected.contains(&x) || shells.contains(&x))
                });
                if leads {
                    shells.insert(*t);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut bound: BTreeMap<(TypeId, bool), Vec<OperationId>> = BTreeMap::new();
        for (i, op) in model.operations.iter().enumerate() {
            if let Some(b) = &op.binding
                && let Target::Named(t) = b.target
            {
                bound
                    .entry((t, b.collection))
                    .or_default()
                    .push(OperationId(i as u32));
            }
        }
        let mut sets_of: BTreeMap<TypeId, Vec<u32>> = BTreeMap::new();
        if let Some(c) = model.containers.first() {
            for (i, set) in c.entity_sets.iter().enumerate() {
                sets_of.entry(set.entity_type).or_default().push(i as u32);
            }
        }
        Ctx {
            ir,
            model,
            selected,
            shells,
            bound,
            sets_of,
            nav_scopes: Vec::new(),
            warnings: Vec::new(),
            left_out: BTreeSet::new(),
        }
    }

    fn has_builder(&self, t: TypeId) -> bool {
        matches!(self.model.ty(t).kind, TypeKind::Entity(_))
            && (self.selected.contains(&t) || self.shells.contains(&t))
    }

    fn struct_ir(&self, t: TypeId) -> Option<&'a StructIr> {
        let n = self.ir.names.get(&t)?;
        match &self.ir.modules.get(&n.module)?.items.get(&n.file)?.kind {
            ItemKind::Structured(s) => Some(s),
            _ => None,
        }
    }

    /// What the shapes of `t` make possible at all.
    fn max_caps(&self, t: TypeId, collection: bool) -> Caps {
        if !self.selected.contains(&t) {
            return Caps::NONE;
        }
        let n = &self.ir.names[&t];
        Caps {
            list: collection,
            create: collection && n.create.is_some(),
            get: true,
            update: n.update.is_some(),
            delete: true,
            put: n.create.is_some(),
            upsert: n.create.is_some(),
        }
    }

    /// The scope of the `NavigationRestrictions` annotated on an entity set or singleton
    /// (`target` is its canonical path), if it restricts anything.
    fn nav_scope(&self, name: &str) -> Option<u32> {
        self.nav_scopes
            .iter()
            .position(|s| s.name == name)
            .map(|i| i as u32)
    }

    /// Collects the container's entity sets and singletons whose `NavigationRestrictions`
    /// restrict anything.
    fn collect_nav_scopes(&mut self, c: &csdl::model::Container, cname: &str) {
        let sets = c
            .entity_sets
            .iter()
            .map(|s| (&s.name, &s.navigation_bindings));
        let singletons = c
            .singletons
            .iter()
            .map(|s| (&s.name, &s.navigation_bindings));
        for (name, bindings) in sets.chain(singletons) {
            let Some(r) = self
                .model
                .navigation_restrictions(&format!("{cname}/{name}"))
            else {
                continue;
            };
            if r.navigability.is_none() && r.restricted.is_empty() {
                continue;
            }
            let bindings = bindings
                .iter()
                .map(|b| {
                    let set = b.target.rsplit('/').next().unwrap_or(&b.target);
                    (b.path.clone(), set.to_string())
                })
                .collect();
            self.nav_scopes.push(NavScope {
                name: name.clone(),
                restrictions: r,
                bindings,
            });
        }
    }

    /// Capabilities of a path, limited to what the type allows.
    fn caps(&self, target: &str, t: TypeId, collection: bool, delete: bool) -> Caps {
        let c = self.model.capabilities(target);
        let mut caps = restrict(self.max_caps(t, collection), c);
        // `UpdateMethod` naming only `PUT`: updates are replacements, `PATCH` is not offered.
        caps.update &= c.update_method.is_none_or(|m| m.patch || !m.put);
        caps.put &= c.update_method.is_some_and(|m| m.put);
        caps.upsert &= c.upsertable == Some(true);
        caps.delete &= delete;
        caps
    }

    fn key(&self, t: TypeId, collection: bool, caps: Caps, link: Link) -> Key {
        let mut caps = if self.selected.contains(&t) {
            caps
        } else {
            Caps::NONE
        };
        if !collection {
            caps.list = false;
            caps.create = false;
        }
        Key {
            ty: t,
            collection,
            from: None,
            caps,
            link,
        }
    }

    fn item_of(&self, k: Key) -> Key {
        let link = match k.link {
            Link::Collection(_) => Link::Item,
            _ => Link::Canonical,
        };
        Key {
            from: k.from,
            ..self.key(k.ty, false, k.caps, link)
        }
    }

    /// `NoCreate`, `NoDelete`, … for the operations the paths forbid (an entity reached
    /// through a link is never deleted there: that is by design, not a restriction).
    fn restricted(&self, k: Key) -> String {
        let mut max = self.max_caps(k.ty, k.collection);
        if k.link != Link::Canonical {
            max.delete = false;
        }
        let mut s = String::new();
        let mut no = |allowed: bool, possible: bool, what: &str| {
            if possible && !allowed {
                s.push_str("No");
                s.push_str(what);
            }
        };
        if k.collection {
            no(k.caps.list, max.list, "List");
            no(k.caps.create, max.create, "Create");
        }
        no(k.caps.get, max.get, "Get");
        no(k.caps.update, max.update, "Update");
        no(k.caps.delete, max.delete, "Delete");
        // Offered only where annotated: named when present.
        if k.caps.put {
            s.push_str("Put");
        }
        if k.caps.upsert {
            s.push_str("Upsert");
        }
        s
    }

    /// Navigation properties of `t`, with their declaring type, inherited first.
    fn navigation(&self, t: TypeId) -> Vec<(TypeId, &'a NavigationProperty)> {
        let mut chain: Vec<TypeId> = self.model.bases(t).collect();
        chain.reverse();
        chain.push(t);
        let mut out = Vec::new();
        for c in chain {
            if let Some(s) = self.model.ty(c).structured() {
                for n in &s.navigation {
                    out.push((c, n));
                }
            }
        }
        out
    }

    /// The navigation steps of an item builder.
    fn steps(&mut self, k: Key) -> Vec<Step> {
        if k.collection {
            return Vec::new();
        }
        let shell = !self.selected.contains(&k.ty);
        let mut out = Vec::new();
        for (decl, n) in self.navigation(k.ty) {
            let Target::Named(target) = n.ty.target else {
                continue;
            };
            if shell && !n.contains_target {
                continue;
            }
            if !self.has_builder(target) {
                if !shell {
                    self.left_out.insert(LeftOut {
                        what: format!(
                            "navigation property {} of {}",
                            naming::code(&n.name),
                            naming::code(&self.model.ty(decl).qualified_name())
                        ),
                        reason: format!(
                            "its type {} is not in this crate (add it to `roots`)",
                            naming::code(&self.model.ty(target).qualified_name())
                        ),
                    });
                }
                continue;
            }
            let declaring = self.model.ty(decl).qualified_name();
            let canonical = format!("{declaring}/{}", n.name);
            // `NavigationRestrictions` of the entity set the entities are in, else of the
            // navigation property itself: a property that cannot be followed has no method.
            let (navigability, restricted) = match k.from {
                Some(i) => self.nav_scopes[i as usize]
                    .restrictions
                    .of(&declaring, &n.name),
                None => (None, Capabilities::default()),
            };
            // Entities reached through a property bound to a restricted entity set are in
            // that set: its restrictions hold for them too.
            let bound_to = k.from.and_then(|i| {
                let cast = format!("{declaring}/{}", n.name);
                let (_, set) = self.nav_scopes[i as usize]
                    .bindings
                    .iter()
                    .find(|(p, _)| *p == n.name || *p == cast)?;
                self.nav_scope(set)
            });
            let navigability = navigability.or_else(|| {
                self.model
                    .navigation_restrictions(&canonical)
                    .and_then(|r| r.navigability)
            });
            if navigability == Some(Navigability::None) {
                if !shell {
                    let by = match k.from {
                        Some(i) => {
                            format!("of {}", naming::code(&self.nav_scopes[i as usize].name))
                        }
                        None => format!("of {}", naming::code(&canonical)),
                    };
                    self.left_out.insert(LeftOut {
                        what: format!(
                            "navigation property {} of {}",
                            naming::code(&n.name),
                            naming::code(&declaring)
                        ),
                        reason: format!(
                            "the service's `Capabilities.NavigationRestrictions` {by} say it cannot be followed"
                        ),
                    });
                }
                continue;
            }
            // Deleting an entity happens on its canonical path: through a non-containment
            // navigation property, `DELETE …/members/{id}` would delete the member itself
            // where a user means to remove the link (`…/members/{id}/$ref`).
            let caps = restrict(
                self.caps(&canonical, target, n.ty.collection, n.contains_target),
                restricted,
            );
            let mut doc = Vec::new();
            if let Some(d) = n.description.as_deref().filter(|d| !d.trim().is_empty()) {
                doc.extend(naming::doc_lines(d));
                doc.push(String::new());
            }
            doc.push(format!(
                "The {} navigation property{}: {}.",
                naming::code(&n.name),
                if n.contains_target {
                    " (contained)"
                } else {
                    ""
                },
                naming::code(&format!("…/{}", n.name))
            ));
            let link = match (n.contains_target, n.ty.collection) {
                (true, _) => Link::Canonical,
                (false, true) => Link::Collection(self.reference_set(target)),
                (false, false) => Link::Single(self.reference_set(target)),
            };
            out.push(Step {
                wire: n.name.clone(),
                target: Key {
                    from: bound_to,
                    ..self.key(target, n.ty.collection, caps, link)
                },
                doc,
            });
        }
        out
    }

    /// The entity set whose entities a reference to `t` points at: the container's only
    /// entity set of `t`, or else of its nearest base type that has one (an entity set
    /// holds entities of derived types too); `None` when that is ambiguous or there is none.
    fn reference_set(&self, t: TypeId) -> Option<u32> {
        for ty in std::iter::once(t).chain(self.model.bases(t)) {
            match self.sets_of.get(&ty).map(Vec::as_slice) {
                Some([only]) => return Some(*only),
                Some(_) => return None,
                None => {}
            }
        }
        None
    }

    /// Whether `t` stands for "any entity": abstract, declaring no property but its key,
    /// with no base type (Graph's `entity`, which every entity type derives from). Casts
    /// from it would offer every entity type of the service; its builder offers none
    /// (`builder().cast("ns.Type")` remains).
    fn is_placeholder(&self, t: TypeId) -> bool {
        let ty = self.model.ty(t);
        let Some(s) = ty.structured() else {
            return false;
        };
        s.is_abstract
            && s.base.is_none()
            && s.navigation.is_empty()
            && s.properties
                .iter()
                .all(|p| s.key.iter().any(|k| k.path == p.name))
    }

    /// Casts from a builder of `k.ty` to the builders of its selected derived entity
    /// types (`…/ns.Derived`), with the same path capabilities.
    fn casts(&self, k: Key) -> Vec<Step> {
        if !self.selected.contains(&k.ty) || self.is_placeholder(k.ty) {
            return Vec::new();
        }
        let mut derived: Vec<TypeId> = self
            .model
            .all_derived(k.ty)
            .into_iter()
            .filter(|d| self.selected.contains(d) && self.has_builder(*d))
            .collect();
        derived.sort_by_cached_key(|d| (self.model.ty(*d).qualified_name(), *d));
        derived.dedup();
        derived
            .into_iter()
            .map(|d| {
                // What the path allows (a capability the source type's shape lacks, such
                // as updating an abstract type, is not a restriction of the path), limited
                // to what the derived type's shapes make possible.
                let max = self.max_caps(d, k.collection);
                let from = self.max_caps(k.ty, k.collection);
                let path = |allowed: bool, possible: bool| allowed || !possible;
                let caps = Caps {
                    list: path(k.caps.list, from.list) && max.list,
                    create: path(k.caps.create, from.create) && max.create,
                    get: path(k.caps.get, from.get) && max.get,
                    update: path(k.caps.update, from.update) && max.update,
                    delete: path(k.caps.delete, from.delete) && max.delete,
                    put: k.caps.put && max.put,
                    upsert: k.caps.upsert && max.upsert,
                };
                let ty = self.model.ty(d);
                let q = ty.qualified_name();
                // References are made on the navigation property itself (`…/members/$ref`),
                // not through a cast: a cast builder reads and writes only, and, off its
                // canonical path, never deletes.
                let link = Link::Canonical;
                let caps = Caps {
                    delete: caps.delete && k.link == Link::Canonical,
                    ..caps
                };
                Step {
                    wire: q.clone(),
                    target: Key {
                        from: k.from,
                        ..self.key(d, k.collection, caps, link)
                    },
                    doc: vec![format!(
                        "{} cast to the derived type {}: {}.",
                        if k.collection {
                            "The collection"
                        } else {
                            "The entity"
                        },
                        naming::code(&q),
                        naming::code(&format!("…/{q}"))
                    )],
                }
            })
            .collect()
    }

    /// Every builder reached from the roots, with its steps, and the shortest path of
    /// steps (wire names; `None` for a key) to each.
    #[allow(clippy::type_complexity)]
    fn walk(
        &mut self,
        roots: &[Step],
    ) -> (BTreeMap<Key, Walked>, BTreeMap<Key, Vec<Option<String>>>) {
        let mut builders: BTreeMap<Key, Walked> = BTreeMap::new();
        let mut paths: BTreeMap<Key, Vec<Option<String>>> = BTreeMap::new();
        let mut queue: VecDeque<Key> = VecDeque::new();
        for s in roots {
            paths
                .entry(s.target)
                .or_insert_with(|| vec![Some(s.wire.clone())]);
            queue.push_back(s.target);
        }
        while let Some(k) = queue.pop_front() {
            if builders.contains_key(&k) {
                continue;
            }
            let steps = self.steps(k);
            let casts = self.casts(k);
            let here = paths.get(&k).cloned().unwrap_or_default();
            // An entity of the collection is reachable by key only (no key that a URL can
            // carry: no item builder).
            if k.collection && self.key_parts(k.ty).is_some() {
                let item = self.item_of(k);
                paths.entry(item).or_insert_with(|| {
                    let mut p = here.clone();
                    p.push(None);
                    p
                });
                queue.push_back(item);
            }
            for s in steps.iter().chain(&casts) {
                paths.entry(s.target).or_insert_with(|| {
                    let mut p = here.clone();
                    p.push(Some(s.wire.clone()));
                    p
                });
                queue.push_back(s.target);
            }
            builders.insert(k, Walked { steps, casts });
        }
        (builders, paths)
    }

    fn warn_collision(&mut self, what: String, wanted: &str, got: &str, scope: &str) {
        self.warnings.push(Warning(Diagnostic::at(
            format!("{what}: Rust name `{wanted}` is taken in {scope}, using `{got}`"),
            None,
        )));
    }

    /// Claims a method name in a builder's scope, warning on a collision.
    fn claim_method(&mut self, alloc: &mut Allocator, wanted: &str, scope: &str) -> String {
        let c = alloc.claim(wanted, true);
        if let Some(w) = &c.collided_with {
            self.warn_collision(format!("method `{w}`"), w, &c.name, scope);
        }
        c.name
    }

    fn names(&mut self, builders: &BTreeMap<Key, Walked>) -> Names {
        let model = self.model;
        // Client modules mirror the model modules; shells get module names of their own
        // namespace (claimed after the model's).
        let mut module_alloc = Allocator::new();
        let mut module_of_ns: BTreeMap<String, String> = BTreeMap::new();
        let mut scopes: BTreeMap<String, Allocator> = BTreeMap::new();
        for (m, module) in &self.ir.modules {
            module_alloc.reserve(m);
            module_of_ns.insert(module.namespace.clone(), m.clone());
            // Every model name of the namespace: builders and field enums never share one.
            let scope = scopes.entry(m.clone()).or_default();
            for item in module.items.values() {
                let n = &self.ir.names[&item.id];
                for name in [
                    Some(&n.name),
                    n.any.as_ref(),
                    n.create.as_ref(),
                    n.update.as_ref(),
                ]
                .into_iter()
                .flatten()
                {
                    scope.reserve(name);
                }
            }
        }
        let mut ordered: Vec<TypeId> = builders
            .keys()
            .map(|k| k.ty)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        ordered.sort_by_cached_key(|t| (model.ty(*t).qualified_name(), *t));
        for t in &ordered {
            let ns = &model.ty(*t).namespace;
            if !module_of_ns.contains_key(ns) {
                let c = module_alloc.claim(&naming::module_name(ns), true);
                module_of_ns.insert(ns.clone(), c.name);
            }
        }
        let mut file_allocs: BTreeMap<String, Allocator> = BTreeMap::new();
        let mut file: BTreeMap<TypeId, (String, String)> = BTreeMap::new();
        // Selected types keep their model file stems.
        for t in &ordered {
            if let Some(n) = self.ir.names.get(t) {
                let m = module_of_ns[&model.ty(*t).namespace].clone();
                file_allocs.entry(m.clone()).or_default().reserve(&n.file);
                file.insert(*t, (m, n.file.clone()));
            }
        }
        for t in &ordered {
            if !file.contains_key(t) {
                let m = module_of_ns[&model.ty(*t).namespace].clone();
                let f = file_allocs
                    .entry(m.clone())
                    .or_default()
                    .claim(&naming::file_stem(&model.ty(*t).name), true);
                file.insert(*t, (m, f.name));
            }
        }
        let base_name = |t: TypeId| -> String {
            self.ir
                .names
                .get(&t)
                .map(|n| n.name.clone())
                .unwrap_or_else(|| naming::type_name(&model.ty(t).name))
        };
        let mut field: BTreeMap<TypeId, String> = BTreeMap::new();
        for t in &ordered {
            if self.selected.contains(t) {
                let m = file[t].0.clone();
                let wanted = naming::with_suffix(&base_name(*t), "Field");
                let c = scopes.entry(m.clone()).or_default().claim(&wanted, false);
                if let Some(w) = &c.collided_with {
                    let what = format!(
                        "field enum of {}",
                        naming::code(&model.ty(*t).qualified_name())
                    );
                    self.warn_collision(what, w, &c.name, &format!("client module `{m}`"));
                }
                field.insert(*t, c.name);
            }
        }
        let mut builder: BTreeMap<Key, BuilderRef> = BTreeMap::new();
        let mut sorted: Vec<Key> = builders.keys().copied().collect();
        sorted.sort_by_cached_key(|k| (model.ty(k.ty).qualified_name(), *k));
        for k in &sorted {
            let m = file[&k.ty].0.clone();
            // `UserBuilder`, `UserCollectionBuilder`, `UserCollectionNoCreateBuilder`;
            // through a link: `UserLinkCollectionBuilder`, `UserLinkItemBuilder`,
            // `UserLinkBuilder` (single-valued).
            let kind = match (k.link, k.collection) {
                (Link::Canonical, true) => "Collection",
                (Link::Canonical, false) => "",
                (Link::Collection(_), _) => "LinkCollection",
                (Link::Item, _) => "LinkItem",
                (Link::Single(_), _) => "Link",
            };
            // Entities of a set whose `NavigationRestrictions` limit their navigation:
            // `PersonOfPeopleBuilder`.
            let origin = k.from.map_or(String::new(), |i| {
                format!("Of{}", naming::type_name(&self.nav_scopes[i as usize].name))
            });
            let wanted = format!(
                "{}{kind}{}{origin}Builder",
                naming::with_suffix(&base_name(k.ty), ""),
                self.restricted(*k)
            );
            let c = scopes.entry(m.clone()).or_default().claim(&wanted, false);
            if let Some(w) = &c.collided_with {
                let what = format!(
                    "builder of {}",
                    naming::code(&model.ty(k.ty).qualified_name())
                );
                self.warn_collision(what, w, &c.name, &format!("client module `{m}`"));
            }
            builder.insert(
                *k,
                BuilderRef {
                    module: m,
                    name: c.name,
                },
            );
        }
        // Claimed after the builders, so that adding them renamed no builder.
        let mut nav: BTreeMap<TypeId, String> = BTreeMap::new();
        for t in &ordered {
            if self.expandable(*t, &field).is_empty() {
                continue;
            }
            let m = file[t].0.clone();
            let wanted = naming::with_suffix(&base_name(*t), "Nav");
            let c = scopes.entry(m.clone()).or_default().claim(&wanted, false);
            if let Some(w) = &c.collided_with {
                let what = format!(
                    "navigation enum of {}",
                    naming::code(&model.ty(*t).qualified_name())
                );
                self.warn_collision(what, w, &c.name, &format!("client module `{m}`"));
            }
            nav.insert(*t, c.name);
        }
        Names {
            file,
            field,
            nav,
            builder,
        }
    }

    /// A model type of `t` chosen by `which` (name, `Any…`, create, update).
    fn model_ty(
        &self,
        t: TypeId,
        which: impl Fn(&super::TypeNames) -> Option<&String>,
    ) -> Option<TyIr> {
        let n = self.ir.names.get(&t)?;
        Some(TyIr::Model(n.module.clone(), which(n)?.clone()))
    }

    /// The read type of a selected named type, or `Value`.
    fn read_ty(&self, t: TypeId) -> TyIr {
        let value = TyIr::Path("crate::runtime::json::Value");
        let Some(n) = self.ir.names.get(&t) else {
            return value;
        };
        if let Some(any) = &n.any {
            return TyIr::Model(n.module.clone(), any.clone());
        }
        if self.struct_ir(t).is_some_and(|s| s.is_abstract) {
            return value;
        }
        TyIr::Model(n.module.clone(), n.name.clone())
    }

    fn field_enum(&self, t: TypeId, name: &str) -> FieldEnumIr {
        let mut alloc = Allocator::new();
        let variants = self
            .struct_ir(t)
            .map(|s| {
                s.fields
                    .iter()
                    .filter(|f| !f.navigation)
                    .map(|f| {
                        let v = alloc.claim(&naming::variant_name(&f.wire), false).name;
                        let first = f.doc.first().filter(|l| !l.is_empty()).cloned();
                        FieldVariantIr {
                            name: v,
                            wire: f.wire.clone(),
                            doc: first,
                            filter: self
                                .filter_ir(&f.ty)
                                .map(|ir| (naming::const_name(&f.name), ir)),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        FieldEnumIr {
            name: name.to_string(),
            qualified: self.model.ty(t).qualified_name(),
            variants,
        }
    }

    /// The navigation properties of `t` that `$expand` can type: those of its read
    /// shape whose target has a field enum, as (property, target).
    fn expandable(
        &self,
        t: TypeId,
        field: &BTreeMap<TypeId, String>,
    ) -> Vec<(&'a NavigationProperty, TypeId)> {
        let Some(s) = self.struct_ir(t) else {
            return Vec::new();
        };
        self.model
            .all_navigation(t)
            .into_iter()
            .filter(|n| s.fields.iter().any(|f| f.navigation && f.wire == n.name))
            .filter_map(|n| match n.ty.target {
                Target::Named(x) if field.contains_key(&x) => Some((n, x)),
                _ => None,
            })
            .collect()
    }

    fn nav_enum(&self, t: TypeId, name: &str, names: &Names) -> NavEnumIr {
        let mut variants_alloc = Allocator::new();
        let mut methods = Allocator::new();
        methods.reserve("wire_name");
        let variants = self
            .expandable(t, &names.field)
            .into_iter()
            .map(|(n, target)| {
                let doc = self
                    .struct_ir(t)
                    .and_then(|s| s.fields.iter().find(|f| f.navigation && f.wire == n.name))
                    .and_then(|f| f.doc.first())
                    .filter(|l| !l.is_empty())
                    .cloned();
                NavVariantIr {
                    name: variants_alloc
                        .claim(&naming::variant_name(&n.name), false)
                        .name,
                    method: methods.claim(&naming::field_name(&n.name), true).name,
                    wire: n.name.clone(),
                    doc,
                    target: BuilderRef {
                        module: names.file[&target].0.clone(),
                        name: names.field[&target].clone(),
                    },
                    target_qualified: self.model.ty(target).qualified_name(),
                    collection: n.ty.collection,
                    gate: self.gate(Some(t), [target]),
                }
            })
            .collect();
        NavEnumIr {
            name: name.to_string(),
            qualified: self.model.ty(t).qualified_name(),
            field: names.field[&t].clone(),
            variants,
        }
    }

    /// The `$filter` operand of a property of type `ty`, if a filter compares it
    /// (primitives a URL literal can carry, enumerations, and collections of them).
    fn filter_ir(&self, ty: &super::FieldTy) -> Option<FilterIr> {
        use super::BaseTy;
        let enum_of = |t: TypeId| -> Option<(TyIr, String)> {
            let n = self.ir.names.get(&t)?;
            Some((
                TyIr::Model(n.module.clone(), n.name.clone()),
                self.model.ty(t).qualified_name(),
            ))
        };
        Some(match (&ty.base, ty.collection) {
            (BaseTy::Path(p), collection) => {
                // Values without a URL literal form (JSON, geography) are not compared.
                if matches!(
                    *p,
                    "crate::runtime::json::Value" | "crate::runtime::edm::Geo"
                ) {
                    return None;
                }
                if collection {
                    FilterIr::Values(TyIr::Path(p))
                } else {
                    FilterIr::Value(TyIr::Path(p))
                }
            }
            (BaseTy::Named(t), collection)
                if matches!(self.model.ty(*t).kind, TypeKind::Enum(_)) =>
            {
                let (e, q) = enum_of(*t)?;
                if collection {
                    FilterIr::Enums(e, q)
                } else {
                    FilterIr::Enum(e, q)
                }
            }
            (BaseTy::Flags(t), false) => {
                let (e, q) = enum_of(*t)?;
                FilterIr::Flags(e, q)
            }
            _ => return None,
        })
    }

    /// The key parts of `t` (inherited keys included), or `None` when a part is not
    /// of a primitive type a URL can carry.
    fn key_parts(&self, t: TypeId) -> Option<Vec<ParamIr>> {
        let mut chain = vec![t];
        chain.extend(self.model.bases(t));
        let s = chain
            .iter()
            .filter_map(|c| self.model.ty(*c).structured())
            .find(|s| !s.key.is_empty())?;
        let mut alloc = Allocator::new();
        alloc.reserve("self");
        s.key
            .iter()
            .map(|k| {
                let Target::Primitive(p) = k.ty.target else {
                    return None;
                };
                let path = primitive_path(p)?;
                let wire = k.alias.clone().unwrap_or_else(|| k.path.clone());
                let rust = alloc.claim(&naming::field_name(&wire), true).name;
                Some(ParamIr {
                    wire,
                    rust,
                    ty: TyIr::Path(path),
                    collection: false,
                    pass: prim_pass(p),
                    form: ArgForm::Literal,
                    optional: false,
                })
            })
            .collect()
    }

    fn builder(&mut self, k: Key, walked: &Walked, names: &Names) -> BuilderIr {
        let me = names.builder[&k].clone();
        let scope = format!("`{}`", me.name);
        let shell = !self.selected.contains(&k.ty);
        let mut alloc = Allocator::new();
        for r in BUILDER_METHODS {
            alloc.reserve(r);
        }
        let key = if k.collection {
            self.key_parts(k.ty).map(|parts| KeyIr {
                parts,
                as_segment: self.ir.key_as_segment,
                item: names.builder[&self.item_of(k)].clone(),
            })
        } else {
            None
        };
        let nav: Vec<NavIr> = walked
            .steps
            .iter()
            .map(|s| NavIr {
                wire: s.wire.clone(),
                method: self.claim_method(&mut alloc, &naming::field_name(&s.wire), &scope),
                target: names.builder[&s.target].clone(),
                doc: s.doc.clone(),
                gate: self.gate(Some(k.ty), [s.target.ty]),
            })
            .collect();
        let casts: Vec<NavIr> = walked
            .casts
            .iter()
            .map(|s| {
                let name = &self.model.ty(s.target.ty).name;
                let wanted = naming::field_name(&format!(
                    "as_{}",
                    naming::field_name(name).trim_start_matches("r#")
                ));
                NavIr {
                    wire: s.wire.clone(),
                    method: self.claim_method(&mut alloc, &wanted, &scope),
                    target: names.builder[&s.target].clone(),
                    doc: s.doc.clone(),
                    gate: self.gate(Some(k.ty), [s.target.ty]),
                }
            })
            .collect();
        let refs = match k.link {
            Link::Canonical => None,
            Link::Collection(set) => Some(RefsIr::Collection(self.ref_key(k.ty, set))),
            Link::Item => Some(RefsIr::Item),
            Link::Single(set) => Some(RefsIr::Single(self.ref_key(k.ty, set))),
        };
        let count = k.collection && k.caps.list;
        let alternate_keys = match &key {
            Some(_) => self
                .alternate_keys(k.ty)
                .into_iter()
                .map(|parts| {
                    let names: Vec<String> = parts
                        .iter()
                        .map(|p| p.rust.trim_start_matches("r#").to_string())
                        .collect();
                    let wanted = naming::field_name(&format!("by_{}", names.join("_and_")));
                    AlternateKeyIr {
                        method: self.claim_method(&mut alloc, &wanted, &scope),
                        parts,
                    }
                })
                .collect(),
            None => Vec::new(),
        };
        let operations = if shell {
            Vec::new()
        } else {
            let ops = self.bound_operations(k.ty, k.collection);
            let ops: Vec<(OperationId, Option<String>)> =
                ops.into_iter().map(|o| (o, None)).collect();
            let mut ops = self.operations(&ops, &mut alloc, &scope, Some(k.ty));
            // A delta of the builder's own type selects with its field enum.
            let read = self.read_ty(k.ty);
            for op in &mut ops {
                if let ReturnIr::Delta { item, field } = &mut op.ret
                    && *item == read
                {
                    *field = names.field.get(&k.ty).cloned();
                }
            }
            ops
        };
        let streams = if shell || k.collection {
            Vec::new()
        } else {
            self.streams(k.ty, &mut alloc, &scope)
        };
        BuilderIr {
            name: me.name,
            qualified: self.model.ty(k.ty).qualified_name(),
            collection: k.collection,
            shell,
            restricted: self.restricted(k),
            nav_scope: k.from.map(|i| self.nav_scopes[i as usize].name.clone()),
            read: self.read_ty(k.ty),
            field: names.field.get(&k.ty).cloned(),
            key,
            list: k.collection && k.caps.list,
            create: if k.collection && k.caps.create {
                self.model_ty(k.ty, |n| n.create.as_ref())
            } else {
                None
            },
            get: !k.collection && k.caps.get,
            update: if !k.collection && k.caps.update {
                self.model_ty(k.ty, |n| n.update.as_ref())
            } else {
                None
            },
            delete: !k.collection && k.caps.delete,
            replace: if !k.collection && k.caps.put {
                self.model_ty(k.ty, |n| n.create.as_ref())
            } else {
                None
            },
            upsert: if !k.collection && k.caps.upsert {
                self.model_ty(k.ty, |n| n.create.as_ref())
            } else {
                None
            },
            alternate_keys,
            count,
            refs,
            nav,
            casts,
            operations,
            streams,
        }
    }

    /// The `Core.AlternateKeys` of `t` (or a base type) whose parts are primitive
    /// properties a URL can carry, each as its parameters (named by alias).
    fn alternate_keys(&self, t: TypeId) -> Vec<Vec<ParamIr>> {
        let mut out = Vec::new();
        for ty in std::iter::once(t).chain(self.model.bases(t)) {
            let target = self.model.ty(ty).qualified_name();
            for key in csdl::vocab::alternate_keys(self.model.annotations_of(&target)) {
                let mut alloc = Allocator::new();
                alloc.reserve("self");
                let parts: Option<Vec<ParamIr>> = key
                    .iter()
                    .map(|(alias, path)| {
                        let p = self
                            .model
                            .all_properties(t)
                            .into_iter()
                            .find(|p| &p.name == path)?;
                        let Target::Primitive(prim) = p.ty.target else {
                            return None;
                        };
                        if p.ty.collection {
                            return None;
                        }
                        Some(ParamIr {
                            wire: alias.clone(),
                            rust: alloc.claim(&naming::field_name(alias), true).name,
                            ty: TyIr::Path(primitive_path(prim)?),
                            collection: false,
                            pass: prim_pass(prim),
                            form: ArgForm::Literal,
                            optional: false,
                        })
                    })
                    .collect();
                out.extend(parts);
            }
        }
        out
    }

    /// Making a reference from a key: the entity set and the key parts.
    fn ref_key(&self, t: TypeId, set: Option<u32>) -> Option<RefKeyIr> {
        let c = self.model.containers.first()?;
        let set = c.entity_sets.get(set? as usize)?;
        Some(RefKeyIr {
            set: set.name.clone(),
            parts: self.key_parts(t)?,
            as_segment: self.ir.key_as_segment,
        })
    }

    /// Operations bound to `t` or a base type of it (collection-bound ones for a
    /// collection). An overload bound to a base type is hidden by one of the same name
    /// and parameters bound closer to `t`: the service calls the most specific one for
    /// the same URL.
    fn bound_operations(&self, t: TypeId, collection: bool) -> Vec<OperationId> {
        let mut chain = vec![t];
        chain.extend(self.model.bases(t));
        let mut seen: BTreeSet<(String, bool, Vec<String>)> = BTreeSet::new();
        let mut out = Vec::new();
        for c in chain {
            for o in self.bound.get(&(c, collection)).into_iter().flatten() {
                let op = self.model.operation(*o);
                let mut params: Vec<String> =
                    op.parameters.iter().map(|p| p.name.clone()).collect();
                params.sort();
                let signature = (
                    format!("{}.{}", op.namespace, op.name),
                    op.kind == OperationKind::Action,
                    params,
                );
                if seen.insert(signature) {
                    out.push(*o);
                }
            }
        }
        out
    }

    /// Operation methods (bound: import `None`; imports: the import name), their
    /// names claimed in `alloc`; those that cannot be generated go to `left_out`.
    fn operations(
        &mut self,
        ops: &[(OperationId, Option<String>)],
        alloc: &mut Allocator,
        scope: &str,
        within: Option<TypeId>,
    ) -> Vec<OperationIr> {
        let model = self.model;
        let mut list: Vec<(OperationId, Option<String>, &Operation)> = Vec::new();
        for (o, import) in ops {
            let op = model.operation(*o);
            match self.unsupported(op) {
                Some(reason) => {
                    let kind = if op.kind == OperationKind::Action {
                        "action"
                    } else {
                        "function"
                    };
                    let what = match (import, &op.binding) {
                        (Some(i), _) => format!("{kind} import {}", naming::code(i)),
                        (None, Some(b)) => {
                            let on = match b.target {
                                Target::Named(t) => model.ty(t).qualified_name(),
                                Target::Primitive(_) => String::new(),
                            };
                            format!(
                                "bound {kind} {} on {}{}",
                                naming::code(&format!("{}.{}", op.namespace, op.name)),
                                if b.collection { "a collection of " } else { "" },
                                naming::code(&on)
                            )
                        }
                        (None, None) => format!("{kind} {}", naming::code(&op.name)),
                    };
                    self.left_out.insert(LeftOut { what, reason });
                }
                None => list.push((*o, import.clone(), op)),
            }
        }
        // Deterministic order: by name, actions first, then by parameters.
        list.sort_by_cached_key(|(o, i, op)| {
            (
                i.clone().unwrap_or_else(|| op.name.clone()),
                op.kind == OperationKind::Function,
                op.parameters.len(),
                op.parameters
                    .iter()
                    .map(|p| p.name.clone())
                    .collect::<Vec<_>>(),
                op.namespace.clone(),
                *o,
            )
        });
        list.dedup_by_key(|(o, _, _)| *o);
        let mut groups: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
        for (_, i, op) in &list {
            groups
                .entry(i.clone().unwrap_or_else(|| op.name.clone()))
                .or_default()
                .push(op);
        }
        let mut out = Vec::new();
        for (_, import, op) in &list {
            let wire = import.clone().unwrap_or_else(|| op.name.clone());
            let wanted = overload_name(op, &groups[&wire], &self.ir.modules);
            let method = self.claim_method(alloc, &wanted, scope);
            out.push(self.operation(op, method, import.clone(), within));
        }
        out
    }

    /// Why an operation cannot be generated, if it cannot.
    fn unsupported(&self, op: &Operation) -> Option<String> {
        for p in &op.parameters {
            if let Err(why) = self.param_ty(&p.ty) {
                return Some(format!("parameter {}: {why}", naming::code(&p.name)));
            }
        }
        self.return_ty(op)
            .err()
            .map(|why| format!("return type: {why}"))
    }

    fn type_name(&self, r: &TypeRef) -> String {
        match r.target {
            Target::Primitive(p) => format!("Edm.{p:?}"),
            Target::Named(t) => self.model.ty(t).qualified_name(),
        }
    }

    fn not_selected(&self, r: &TypeRef) -> String {
        format!(
            "{} is not in this crate (add it to `roots`)",
            naming::code(&self.type_name(r))
        )
    }

    /// The parameter type of an operation parameter, or why it has none.
    fn param_ty(&self, r: &TypeRef) -> Result<(TyIr, Pass, ArgForm), String> {
        let (ty, pass, form) = match r.target {
            Target::Primitive(p) => {
                let path = primitive_path(p).ok_or_else(|| {
                    format!(
                        "{} parameters are not supported",
                        naming::code(&self.type_name(r))
                    )
                })?;
                let form = if path == "crate::runtime::json::Value"
                    || path == "crate::runtime::edm::Geo"
                {
                    ArgForm::Json
                } else {
                    ArgForm::Literal
                };
                (TyIr::Path(path), prim_pass(p), form)
            }
            Target::Named(t) => {
                if !self.selected.contains(&t) {
                    return Err(self.not_selected(r));
                }
                let n = &self.ir.names[&t];
                match &self.model.ty(t).kind {
                    TypeKind::Enum(e) => {
                        let ty = TyIr::Model(n.module.clone(), n.name.clone());
                        if e.is_flags {
                            (TyIr::Flags(Box::new(ty)), Pass::Ref, ArgForm::Json)
                        } else {
                            let q = self.model.ty(t).qualified_name();
                            (ty, Pass::Ref, ArgForm::Enum(q))
                        }
                    }
                    TypeKind::Definition(_) => (
                        TyIr::Model(n.module.clone(), n.name.clone()),
                        Pass::Ref,
                        ArgForm::Json,
                    ),
                    _ => (self.read_ty(t), Pass::Ref, ArgForm::Json),
                }
            }
        };
        if r.collection {
            let elem = match pass {
                Pass::Str => TyIr::Path("::std::string::String"),
                _ => ty,
            };
            return Ok((elem, Pass::Ref, ArgForm::Json));
        }
        Ok((ty, pass, form))
    }

    /// The result of an operation, or why it has none.
    fn return_ty(&self, op: &Operation) -> Result<ReturnIr, String> {
        let Some(rt) = &op.return_type else {
            return Ok(ReturnIr::Unit);
        };
        let (elem, structured, entity) = match rt.ty.target {
            Target::Primitive(Primitive::Stream) if !rt.ty.collection => {
                return Ok(ReturnIr::Stream);
            }
            Target::Named(t) if self.is_upload_session(op, t, rt.ty.collection) => {
                return Ok(ReturnIr::UploadSession);
            }
            Target::Primitive(p) => {
                let path = primitive_path(p).ok_or_else(|| {
                    format!(
                        "{} results are not supported yet",
                        naming::code(&self.type_name(&rt.ty))
                    )
                })?;
                (TyIr::Path(path), false, false)
            }
            Target::Named(t) => {
                if !self.selected.contains(&t) {
                    return Err(self.not_selected(&rt.ty));
                }
                let n = &self.ir.names[&t];
                match &self.model.ty(t).kind {
                    TypeKind::Enum(e) if e.is_flags => (
                        TyIr::Flags(Box::new(TyIr::Model(n.module.clone(), n.name.clone()))),
                        false,
                        false,
                    ),
                    TypeKind::Enum(_) | TypeKind::Definition(_) => {
                        (TyIr::Model(n.module.clone(), n.name.clone()), false, false)
                    }
                    TypeKind::Entity(_) => (self.read_ty(t), true, true),
                    TypeKind::Complex(_) => (self.read_ty(t), true, false),
                }
            }
        };
        Ok(match (rt.ty.collection, entity, structured) {
            (true, true, _) => ReturnIr::Pager(elem),
            (true, false, _) => ReturnIr::Value(TyIr::Vec(Box::new(elem))),
            (false, _, true) => ReturnIr::Object(elem),
            (false, _, false) => ReturnIr::Value(elem),
        })
    }

    /// Graph's upload session rule: an action named `createUploadSession` returning one
    /// complex value whose type has `uploadUrl` and `nextExpectedRanges` properties.
    fn is_upload_session(&self, op: &Operation, t: TypeId, collection: bool) -> bool {
        op.kind == OperationKind::Action
            && op.name == "createUploadSession"
            && !collection
            && matches!(self.model.ty(t).kind, TypeKind::Complex(_))
            && ["uploadUrl", "nextExpectedRanges"]
                .iter()
                .all(|name| self.model.all_properties(t).iter().any(|p| p.name == *name))
    }

    /// The streams of an item builder of entity type `t`: its stream properties
    /// (inherited ones included), then its media stream (`$value`, `HasStream` on it or
    /// a base) as `content`, or `media` when a stream property is named `content`.
    fn streams(&mut self, t: TypeId, alloc: &mut Allocator, scope: &str) -> Vec<StreamIr> {
        let mut chain: Vec<TypeId> = self.model.bases(t).collect();
        chain.reverse();
        chain.push(t);
        let mut found: Vec<(String, String, Vec<String>)> = Vec::new();
        let mut media = false;
        for ty in chain {
            let Some(s) = self.model.ty(ty).structured() else {
                continue;
            };
            media |= s.has_stream;
            let qualified = self.model.ty(ty).qualified_name();
            for p in &s.properties {
                if p.ty.target == Target::Primitive(Primitive::Stream) && !p.ty.collection {
                    let mut doc = Vec::new();
                    if let Some(d) = p.description.as_deref().filter(|d| !d.trim().is_empty()) {
                        doc.extend(naming::doc_lines(d));
                        doc.push(String::new());
                    }
                    doc.push(format!(
                        "The stream property {}: {} to download, {} to upload.",
                        naming::code(&p.name),
                        naming::code(&format!("GET …/{}", p.name)),
                        naming::code(&format!("PUT …/{}", p.name)),
                    ));
                    found.push((p.name.clone(), format!("{qualified}/{}", p.name), doc));
                }
            }
        }
        let mut out = Vec::new();
        let media_name = if found.iter().any(|(n, _, _)| n == "content") {
            "media"
        } else {
            "content"
        };
        for (name, target, doc) in &found {
            out.push(self.stream_ir(alloc, scope, name, name, target, doc.clone()));
        }
        if media {
            let target = self.model.ty(t).qualified_name();
            let doc = vec![format!(
                "The media stream of this entity ({}): {} to download, {} to upload.",
                naming::code("HasStream"),
                naming::code("GET …/$value"),
                naming::code("PUT …/$value"),
            )];
            out.push(self.stream_ir(alloc, scope, media_name, "$value", &target, doc));
        }
        out
    }

    fn stream_ir(
        &mut self,
        alloc: &mut Allocator,
        scope: &str,
        wanted: &str,
        wire: &str,
        target: &str,
        doc: Vec<String>,
    ) -> StreamIr {
        let annotations = self.model.annotations_of(target);
        let media_type = csdl::vocab::core_string(annotations, "MediaType");
        let acceptable = csdl::vocab::core_strings(annotations, "AcceptableMediaTypes");
        StreamIr {
            method: self.claim_method(alloc, &naming::field_name(wanted), scope),
            wire: wire.to_owned(),
            media_type,
            acceptable,
            doc,
        }
    }

    /// The `cfg` of code compiled wherever `within`'s builders are that names `needs`
    /// (area features).
    fn gate(
        &self,
        within: Option<TypeId>,
        needs: impl IntoIterator<Item = TypeId>,
    ) -> Option<String> {
        self.ir.areas.as_ref()?.gate(within, needs)
    }

    fn operation(
        &self,
        op: &Operation,
        method: String,
        import: Option<String>,
        within: Option<TypeId>,
    ) -> OperationIr {
        let mut palloc = Allocator::new();
        for r in ["self", "body", "args", "builder"] {
            palloc.reserve(r);
        }
        let params = op
            .parameters
            .iter()
            .filter_map(|p| {
                let (ty, pass, form) = self.param_ty(&p.ty).ok()?;
                Some(ParamIr {
                    wire: p.name.clone(),
                    rust: palloc.claim(&naming::field_name(&p.name), true).name,
                    ty,
                    collection: p.ty.collection,
                    pass,
                    form,
                    optional: p.optional,
                })
            })
            .collect();
        let is_action = op.kind == OperationKind::Action;
        let qualified = format!("{}.{}", op.namespace, op.name);
        let ret = match self.return_ty(op).unwrap_or(ReturnIr::Unit) {
            ReturnIr::Pager(item) if is_delta(op) => ReturnIr::Delta { item, field: None },
            ret => ret,
        };
        let mut doc = Vec::new();
        if let Some(d) = op.description.as_deref().filter(|d| !d.trim().is_empty()) {
            doc.extend(naming::doc_lines(d));
            doc.push(String::new());
        }
        let kind = if is_action { "action" } else { "function" };
        doc.push(match (&import, is_action) {
            (None, true) => format!(
                "Bound {kind} {}: {}.",
                naming::code(&qualified),
                naming::code(&format!("POST …/{qualified}"))
            ),
            (None, false) => format!(
                "Bound {kind} {}: {}.",
                naming::code(&qualified),
                naming::code(&format!("GET …/{qualified}(…)"))
            ),
            (Some(i), true) => format!(
                "Action import {} ({}): {}.",
                naming::code(i),
                naming::code(&qualified),
                naming::code(&format!("POST /{i}"))
            ),
            (Some(i), false) => format!(
                "Function import {} ({}): {}.",
                naming::code(i),
                naming::code(&qualified),
                naming::code(&format!("GET /{i}(…)"))
            ),
        });
        if matches!(ret, ReturnIr::Pager(_)) {
            doc.push(String::new());
            doc.push("The result is a stream of entities across pages.".into());
        }
        if matches!(ret, ReturnIr::Delta { .. }) {
            doc.push(String::new());
            doc.push(
                "Change tracking: `.stream()` gives the changes (upserted entities, removals) \
                 across pages, then the delta link to store; `.resume(&link)` gives the changes \
                 since a stored link."
                    .into(),
            );
        }
        let named = op
            .parameters
            .iter()
            .map(|p| p.ty.target)
            .chain(op.return_type.as_ref().map(|r| r.ty.target))
            .filter_map(|t| match t {
                Target::Named(t) => Some(t),
                Target::Primitive(_) => None,
            });
        OperationIr {
            method,
            is_action,
            qualified,
            import,
            params,
            ret,
            doc,
            gate: self.gate(within, named),
        }
    }
}

/// Whether an operation is a delta (change tracking) function, Microsoft Graph's
/// convention: a function named `delta`, bound to a collection of an entity type and
/// returning a collection of that same type. Its result is a typed delta request
/// (`support::DeltaRequest`) rather than a pager.
fn is_delta(op: &Operation) -> bool {
    let Some(binding) = &op.binding else {
        return false;
    };
    let Some(rt) = &op.return_type else {
        return false;
    };
    op.kind == OperationKind::Function
        && op.name == "delta"
        && binding.collection
        && rt.ty.collection
        && matches!(binding.target, Target::Named(_))
        && rt.ty.target == binding.target
}

/// The method name of an operation among the overloads sharing its name: the first
/// (actions first, then fewest parameters) keeps the plain name; others are named after
/// what distinguishes them: their parameters (`delta_with_token`), else their kind
/// (`go_function`), and their namespace when another overload has the same parameters
/// (`go_with_q_in_other_ns`). Never a number.
fn overload_name(
    op: &Operation,
    group: &[&Operation],
    modules: &BTreeMap<String, super::ModuleIr>,
) -> String {
    let base = naming::field_name(&op.name);
    let base = base.strip_prefix("r#").unwrap_or(&base).to_string();
    let first = group[0];
    if std::ptr::eq(first, op) {
        return naming::field_name(&base);
    }
    let params = |o: &Operation| {
        let mut p: Vec<String> = o.parameters.iter().map(|p| p.name.clone()).collect();
        p.sort();
        p
    };
    let mut name = if op.parameters.is_empty() {
        match op.kind {
            OperationKind::Action => format!("{base}_action"),
            OperationKind::Function => format!("{base}_function"),
        }
    } else {
        let ps: Vec<String> = op
            .parameters
            .iter()
            .map(|p| {
                let f = naming::field_name(&p.name);
                f.strip_prefix("r#").unwrap_or(&f).to_string()
            })
            .collect();
        format!("{base}_with_{}", ps.join("_"))
    };
    let twins = group
        .iter()
        .any(|o| !std::ptr::eq(*o, op) && o.kind == op.kind && params(o) == params(op));
    if twins {
        let m = modules
            .iter()
            .find(|(_, m)| m.namespace == op.namespace)
            .map(|(m, _)| m.clone())
            .unwrap_or_else(|| naming::module_name(&op.namespace));
        name = format!("{name}_in_{}", m.strip_prefix("r#").unwrap_or(&m));
    }
    naming::field_name(&name)
}

/// How a primitive key part or parameter is passed.
fn prim_pass(p: Primitive) -> Pass {
    match p {
        Primitive::String | Primitive::Path => Pass::Str,
        Primitive::Boolean
        | Primitive::Byte
        | Primitive::SByte
        | Primitive::Int16
        | Primitive::Int32
        | Primitive::Int64
        | Primitive::Single
        | Primitive::Double => Pass::Value,
        _ => Pass::Ref,
    }
}
