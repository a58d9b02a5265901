//! The resolved semantic model: what later stages (naming, closure, emission) read.
//!
//! Every named thing lives in an arena and is addressed by a small copyable id
//! ([`TypeId`], [`OperationId`]). All names are resolved: aliases are gone, base types
//! are links, inherited keys are computed, and annotations are merged under canonical
//! targets (namespace-qualified, never alias-qualified).
//!
//! Iteration orders are stable: types are in document order (file order, then
//! position), members in declaration order.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Pos, Sources};

pub use crate::resolve::{load, load_str, load_with};

/// A resolved CSDL model: one or more documents (the main file and its references).
#[derive(Debug, Clone)]
pub struct Model {
    /// The files read, for turning a [`Pos`] into `file:line:col`.
    pub sources: Sources,
    /// Every schema of every document read, in read order.
    pub schemas: Vec<Schema>,
    /// Every named type (entity, complex, enum, type definition), indexed by [`TypeId`].
    pub types: Vec<Type>,
    /// Every action and function overload, indexed by [`OperationId`].
    pub operations: Vec<Operation>,
    /// Entity containers, in document order; `Extends` already merged in.
    pub containers: Vec<Container>,
    /// Terms declared by the documents read (not the built-in vocabularies).
    pub terms: Vec<Term>,
    /// Annotations by canonical target path (e.g. `microsoft.graph.user`,
    /// `microsoft.graph.user/displayName`, `microsoft.graph.GraphService/users`,
    /// `microsoft.graph.deviceManagement/complianceManagementPartners`), inline and
    /// external merged, in document order.
    pub annotations: HashMap<String, Vec<Annotation>>,
    /// Qualified name (namespace form) → type.
    pub type_index: HashMap<String, TypeId>,
    /// Qualified name (namespace form) → overloads, in document order.
    pub operation_index: HashMap<String, Vec<OperationId>>,
    /// Warnings: things that were accepted but may be surprising. Errors never reach a model.
    pub warnings: Vec<Diagnostic>,
}

/// Index into [`Model::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

/// Index into [`Model::operations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OperationId(pub u32);

/// One `<Schema>`.
#[derive(Debug, Clone)]
pub struct Schema {
    pub namespace: String,
    pub alias: Option<String>,
    /// Index into [`Sources`] of the file that declared it.
    pub file: u32,
    pub pos: Pos,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct Type {
    pub namespace: String,
    /// Simple name as written in the CSDL.
    pub name: String,
    pub kind: TypeKind,
    /// `Core.Description`, if annotated.
    pub description: Option<String>,
    /// `Core.LongDescription`, if annotated.
    pub long_description: Option<String>,
    pub pos: Pos,
}

impl Type {
    /// `namespace.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }
    /// The structured part of an entity or complex type.
    pub fn structured(&self) -> Option<&Structured> {
        match &self.kind {
            TypeKind::Entity(s) | TypeKind::Complex(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Entity(Structured),
    Complex(Structured),
    Enum(EnumType),
    Definition(TypeDefinition),
}

/// An entity type or a complex type.
#[derive(Debug, Clone)]
pub struct Structured {
    pub base: Option<TypeId>,
    pub is_abstract: bool,
    pub open: bool,
    /// Entity types only.
    pub has_stream: bool,
    /// The effective key (own, or inherited from the nearest base that declares one),
    /// empty for complex types and for key-less abstract entity types.
    pub key: Vec<KeyPart>,
    /// Declared here, in order (not inherited).
    pub properties: Vec<Property>,
    /// Declared here, in order (not inherited).
    pub navigation: Vec<NavigationProperty>,
    /// Direct subtypes, in document order.
    pub derived: Vec<TypeId>,
    /// `Core.OptimisticConcurrency` property paths (entity types).
    pub optimistic_concurrency: Vec<String>,
}

/// One `<PropertyRef>` of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPart {
    /// Path of the key property, `/`-separated for a property of a complex property.
    pub path: String,
    /// `Alias` (required when the path has several segments).
    pub alias: Option<String>,
    /// The key property's primitive type (or enum / type definition).
    pub ty: TypeRef,
}

/// A structural property.
#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    pub ty: TypeRef,
    /// `Nullable` (default true). For a collection: whether its items may be null.
    pub nullable: bool,
    pub facets: Facets,
    pub default_value: Option<String>,
    pub description: Option<String>,
    pub long_description: Option<String>,
    /// `Core.Computed`.
    pub computed: bool,
    /// `Core.Immutable`.
    pub immutable: bool,
    /// `Core.Permissions`.
    pub permissions: Option<Permissions>,
    pub pos: Pos,
}

/// `Core.Permissions` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Permissions {
    pub read: bool,
    pub write: bool,
    pub invoke: bool,
}

/// Property facets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// `MaxLength`: `None` unset, `Some(None)` = `max`.
    pub max_length: Option<Option<u64>>,
    pub precision: Option<u32>,
    /// `Scale`: `Some(None)` = `variable` (4.0) / `floating` (4.01).
    pub scale: Option<Option<u32>>,
    pub srid: Option<String>,
    pub unicode: Option<bool>,
}

/// A navigation property.
#[derive(Debug, Clone)]
pub struct NavigationProperty {
    pub name: String,
    /// Always names an entity type (possibly in a collection).
    pub ty: TypeRef,
    pub nullable: bool,
    pub partner: Option<String>,
    pub contains_target: bool,
    pub description: Option<String>,
    pub long_description: Option<String>,
    pub pos: Pos,
    /// `ReferentialConstraint`s, in order.
    pub referential_constraints: Vec<ReferentialConstraint>,
    /// `OnDelete/@Action` (`Cascade`, `None`, `SetNull`, `SetDefault`).
    pub on_delete: Option<String>,
}

/// A `ReferentialConstraint` of a navigation property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferentialConstraint {
    /// Path of the dependent property (on the declaring type).
    pub property: String,
    /// Path of the principal property (on the target type).
    pub referenced: String,
}

/// A reference to a type, possibly a collection of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRef {
    pub collection: bool,
    pub target: Target,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Primitive(Primitive),
    Named(TypeId),
}

/// Edm primitive and built-in abstract types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    Binary,
    Boolean,
    Byte,
    Date,
    DateTimeOffset,
    Decimal,
    Double,
    Duration,
    Guid,
    Int16,
    Int32,
    Int64,
    SByte,
    Single,
    Stream,
    String,
    TimeOfDay,
    Geography(Geo),
    Geometry(Geo),
    /// `Edm.Untyped`, also used for types of vocabularies the reader could not load.
    Untyped,
    /// `Edm.PrimitiveType` (abstract).
    PrimitiveType,
    /// `Edm.EntityType` (abstract).
    AnyEntity,
    /// `Edm.ComplexType` (abstract).
    AnyComplex,
    /// `Edm.AnnotationPath`, `Edm.PropertyPath`, `Edm.NavigationPropertyPath`,
    /// `Edm.AnyPropertyPath`, `Edm.ModelElementPath`.
    Path,
}

/// The shape of a geography/geometry type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Geo {
    Any,
    Point,
    LineString,
    Polygon,
    MultiPoint,
    MultiLineString,
    MultiPolygon,
    Collection,
}

/// An enumeration type.
#[derive(Debug, Clone)]
pub struct EnumType {
    pub underlying: Primitive,
    pub is_flags: bool,
    pub members: Vec<EnumMember>,
}

#[derive(Debug, Clone)]
pub struct EnumMember {
    pub name: String,
    /// Explicit or implicit (previous + 1, starting at 0) value.
    pub value: i64,
    pub description: Option<String>,
    pub pos: Pos,
}

/// A type definition.
#[derive(Debug, Clone)]
pub struct TypeDefinition {
    pub underlying: Primitive,
    pub facets: Facets,
}

/// One overload of an action or function.
#[derive(Debug, Clone)]
pub struct Operation {
    pub kind: OperationKind,
    pub namespace: String,
    pub name: String,
    /// The binding parameter's type (first parameter) when `IsBound="true"`.
    pub binding: Option<TypeRef>,
    /// Parameters after the binding parameter, in order.
    pub parameters: Vec<Parameter>,
    pub return_type: Option<ReturnType>,
    /// Functions only.
    pub composable: bool,
    pub entity_set_path: Option<String>,
    pub description: Option<String>,
    pub long_description: Option<String>,
    pub pos: Pos,
    /// The canonical annotation target of this overload as CSDL 14.2.2 spells it:
    /// `ns.Action(BindingType)` / `ns.Action()` for actions, `ns.Function(T1,T2)` for
    /// functions (namespace-qualified types, no spaces).
    pub annotation_target: String,
    /// Canonical type names of all parameters, binding parameter included, in order.
    pub parameter_types: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Action,
    Function,
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub ty: TypeRef,
    pub nullable: bool,
    pub facets: Facets,
    /// `Core.OptionalParameter`.
    pub optional: bool,
    pub description: Option<String>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct ReturnType {
    pub ty: TypeRef,
    pub nullable: bool,
}

/// An entity container (with `Extends` merged: inherited children come after own ones).
#[derive(Debug, Clone)]
pub struct Container {
    pub namespace: String,
    pub name: String,
    pub entity_sets: Vec<EntitySet>,
    pub singletons: Vec<Singleton>,
    pub action_imports: Vec<OperationImport>,
    pub function_imports: Vec<OperationImport>,
    pub description: Option<String>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct EntitySet {
    pub name: String,
    pub entity_type: TypeId,
    pub navigation_bindings: Vec<NavigationBinding>,
    pub include_in_service_document: bool,
    pub description: Option<String>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Singleton {
    pub name: String,
    pub entity_type: TypeId,
    pub nullable: bool,
    pub navigation_bindings: Vec<NavigationBinding>,
    pub description: Option<String>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct NavigationBinding {
    pub path: String,
    pub target: String,
    /// False when the path could not be followed through the model (kept, with a warning).
    pub resolved: bool,
}

/// An `ActionImport` or `FunctionImport`.
#[derive(Debug, Clone)]
pub struct OperationImport {
    pub name: String,
    /// Qualified name of the action or function (namespace form).
    pub operation: String,
    /// The unbound overloads it imports.
    pub overloads: Vec<OperationId>,
    pub entity_set: Option<String>,
    pub include_in_service_document: bool,
    pub pos: Pos,
}

/// A `<Term>` declared in a document read.
#[derive(Debug, Clone)]
pub struct Term {
    pub namespace: String,
    pub name: String,
    pub ty: TypeRef,
    pub applies_to: Vec<String>,
    pub pos: Pos,
    /// `BaseTerm`, namespace-qualified.
    pub base_term: Option<String>,
    /// `DefaultValue`, as written.
    pub default_value: Option<String>,
    /// `Nullable` (default true).
    pub nullable: bool,
}

/// An annotation, with its term resolved to the namespace-qualified name
/// (e.g. `Org.OData.Core.V1.Description`).
#[derive(Debug, Clone)]
pub struct Annotation {
    pub term: String,
    pub qualifier: Option<String>,
    pub value: Expr,
    pub pos: Pos,
}

/// A constant or dynamic annotation expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// No value given: a Boolean term applied without a value means `true`.
    Default,
    Null,
    Bool(bool),
    Int(i64),
    /// Decimal, Float, Date, DateTimeOffset, Duration, Guid, TimeOfDay, Binary:
    /// kept as written, tagged with the expression's element name.
    Literal {
        kind: &'static str,
        text: String,
    },
    String(String),
    /// Enum member expression, each member namespace-qualified (`Org.OData.Core.V1.Permission/Read`).
    EnumMember(Vec<String>),
    /// `Path`, `PropertyPath`, `NavigationPropertyPath`, `AnnotationPath`, `ModelElementPath`.
    Path {
        kind: &'static str,
        path: String,
    },
    Collection(Vec<Expr>),
    Record {
        ty: Option<String>,
        properties: Vec<(String, Expr)>,
    },
    /// Any other dynamic expression (`If`, `Apply`, `Eq`, ...), by element name, with children.
    Dynamic {
        kind: String,
        children: Vec<Expr>,
    },
}

/// `Capabilities` restrictions on an entity set, singleton or navigation path.
/// `None` means unannotated (allowed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub insertable: Option<bool>,
    pub updatable: Option<bool>,
    pub deletable: Option<bool>,
    pub readable: Option<bool>,
    /// `ReadRestrictions/ReadByKeyRestrictions/Readable`.
    pub readable_by_key: Option<bool>,
}

impl Model {
    /// The type of `id`.
    pub fn ty(&self, id: TypeId) -> &Type {
        &self.types[id.0 as usize]
    }
    /// The operation of `id`.
    pub fn operation(&self, id: OperationId) -> &Operation {
        &self.operations[id.0 as usize]
    }
    /// Looks up a type by namespace- or alias-qualified name.
    pub fn find_type(&self, qualified: &str) -> Option<TypeId> {
        if let Some(id) = self.type_index.get(qualified) {
            return Some(*id);
        }
        let (prefix, name) = qualified.rsplit_once('.')?;
        let ns = self
            .schemas
            .iter()
            .find(|s| s.alias.as_deref() == Some(prefix))?;
        self.type_index
            .get(&format!("{}.{}", ns.namespace, name))
            .copied()
    }
    /// Annotations on a canonical target.
    pub fn annotations_of(&self, target: &str) -> &[Annotation] {
        self.annotations
            .get(target)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    /// The base chain of a structured type, nearest base first (not including `id`).
    pub fn bases(&self, id: TypeId) -> impl Iterator<Item = TypeId> + '_ {
        let mut next = self.ty(id).structured().and_then(|s| s.base);
        std::iter::from_fn(move || {
            let cur = next?;
            next = self.ty(cur).structured().and_then(|s| s.base);
            Some(cur)
        })
    }
    /// All structural properties of a type, inherited first (root base's first), then own.
    pub fn all_properties(&self, id: TypeId) -> Vec<&Property> {
        let mut chain: Vec<TypeId> = self.bases(id).collect();
        chain.reverse();
        chain.push(id);
        chain
            .into_iter()
            .filter_map(|t| self.ty(t).structured())
            .flat_map(|s| s.properties.iter())
            .collect()
    }
    /// All navigation properties of a type, inherited first.
    pub fn all_navigation(&self, id: TypeId) -> Vec<&NavigationProperty> {
        let mut chain: Vec<TypeId> = self.bases(id).collect();
        chain.reverse();
        chain.push(id);
        chain
            .into_iter()
            .filter_map(|t| self.ty(t).structured())
            .flat_map(|s| s.navigation.iter())
            .collect()
    }
    /// Every transitive subtype of `id`, in a stable (document) order.
    pub fn all_derived(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(t) = stack.pop() {
            if let Some(s) = self.ty(t).structured() {
                for d in s.derived.iter().rev() {
                    stack.push(*d);
                }
                if t != id {
                    out.push(t);
                }
            }
        }
        out.sort();
        out
    }
    /// Every annotation that applies to one overload: those on its own signature
    /// target (either spelling: binding type only, or all parameter types) and those on
    /// the bare name (all overloads), in that order.
    pub fn operation_annotations(&self, id: OperationId) -> Vec<&Annotation> {
        let op = self.operation(id);
        let qn = format!("{}.{}", op.namespace, op.name);
        let all = format!("{qn}({})", op.parameter_types.join(","));
        let mut targets = vec![op.annotation_target.clone()];
        if all != op.annotation_target {
            targets.push(all);
        }
        targets.push(qn);
        targets
            .iter()
            .flat_map(|t| self.annotations_of(t))
            .collect()
    }
    /// Capabilities restrictions on a canonical target path
    /// (`Container/entitySet`, `Type/navigationProperty`, ...).
    pub fn capabilities(&self, target: &str) -> Capabilities {
        crate::vocab::capabilities(self.annotations_of(target))
    }
}
