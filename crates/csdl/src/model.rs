//! The resolved semantic model: what later stages (naming, closure, emission) read.
//!
//! Every named thing lives in an arena and is addressed by a small copyable id
//! ([`TypeId`], [`OperationId`]). All names are resolved: aliases are gone, base types
//! are links, inherited keys are computed, and annotations are merged under canonical
//! targets (namespace-qualified, never alias-qualified).
//!
//! Iteration orders are stable: types are in document order (file order, then
//! position), members in declaration order.
//!
//! This module depends on no other stage (`crate::load` builds a model, and the typed
//! readings of vocabulary terms, [`Model::capabilities`], live in [`crate::vocab`]).

use std::collections::HashMap;

use crate::diag::{Diagnostic, Pos, Sources};

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
    /// Terms declared by the documents read (not the embedded standard vocabularies).
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
    /// `Namespace`.
    pub namespace: String,
    /// `Alias`, if declared.
    pub alias: Option<String>,
    /// Index into [`Sources`] of the file that declared it.
    pub file: u32,
    /// Where the `<Schema>` element starts.
    pub pos: Pos,
    /// Declared by an embedded standard vocabulary (`Org.OData.Core.V1`, …) that a
    /// document referenced, not by a file read.
    pub builtin: bool,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct Type {
    /// Namespace of the declaring schema (never its alias).
    pub namespace: String,
    /// Simple name as written in the CSDL.
    pub name: String,
    /// What kind of type, with its kind-specific parts.
    pub kind: TypeKind,
    /// `Core.Description`, if annotated.
    pub description: Option<String>,
    /// `Core.LongDescription`, if annotated.
    pub long_description: Option<String>,
    /// Where the declaring element starts.
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

/// The kind of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// `<EntityType>`.
    Entity(Structured),
    /// `<ComplexType>`.
    Complex(Structured),
    /// `<EnumType>`.
    Enum(EnumType),
    /// `<TypeDefinition>`.
    Definition(TypeDefinition),
}

/// An entity type or a complex type.
#[derive(Debug, Clone)]
pub struct Structured {
    /// `BaseType`, resolved.
    pub base: Option<TypeId>,
    /// `Abstract`.
    pub is_abstract: bool,
    /// `OpenType`: instances may carry dynamic properties.
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
    /// `Name`, as written.
    pub name: String,
    /// `Type`, resolved.
    pub ty: TypeRef,
    /// `Nullable` (default true). For a collection: whether its items may be null.
    pub nullable: bool,
    /// `MaxLength`, `Precision`, `Scale`, `SRID`, `Unicode`.
    pub facets: Facets,
    /// `DefaultValue`, as written.
    pub default_value: Option<String>,
    /// `Core.Description`, if annotated.
    pub description: Option<String>,
    /// `Core.LongDescription`, if annotated.
    pub long_description: Option<String>,
    /// `Core.Computed`.
    pub computed: bool,
    /// `Core.Immutable`.
    pub immutable: bool,
    /// `Core.Permissions`.
    pub permissions: Option<Permissions>,
    /// Where the `<Property>` element starts.
    pub pos: Pos,
}

/// `Core.Permissions` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Permissions {
    /// `Read`: the value may be read.
    pub read: bool,
    /// `Write`: the value may be written.
    pub write: bool,
    /// `Invoke`: the operation may be invoked (for operation-typed values).
    pub invoke: bool,
}

/// Property facets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// `MaxLength`: `None` unset, `Some(None)` = `max`.
    pub max_length: Option<Option<u64>>,
    /// `Precision`.
    pub precision: Option<u32>,
    /// `Scale`: `Some(None)` = `variable` (4.0) / `floating` (4.01).
    pub scale: Option<Option<u32>>,
    /// `SRID`, as written (a number or `variable`).
    pub srid: Option<String>,
    /// `Unicode`.
    pub unicode: Option<bool>,
}

/// A navigation property.
#[derive(Debug, Clone)]
pub struct NavigationProperty {
    /// `Name`, as written.
    pub name: String,
    /// Always names an entity type (possibly in a collection).
    pub ty: TypeRef,
    /// `Nullable` (default true; single-valued navigation only).
    pub nullable: bool,
    /// `Partner`: the path of the inverse navigation property.
    pub partner: Option<String>,
    /// `ContainsTarget`: the related entities are contained (addressed through this property).
    pub contains_target: bool,
    /// `Core.Description`, if annotated.
    pub description: Option<String>,
    /// `Core.LongDescription`, if annotated.
    pub long_description: Option<String>,
    /// Where the `<NavigationProperty>` element starts.
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
    /// `Collection(…)`.
    pub collection: bool,
    /// The element type.
    pub target: Target,
}

/// What a [`TypeRef`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An Edm primitive or built-in abstract type.
    Primitive(Primitive),
    /// A type of the model.
    Named(TypeId),
}

/// Edm primitive and built-in abstract types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    /// `Edm.Binary`.
    Binary,
    /// `Edm.Boolean`.
    Boolean,
    /// `Edm.Byte`.
    Byte,
    /// `Edm.Date`.
    Date,
    /// `Edm.DateTimeOffset`.
    DateTimeOffset,
    /// `Edm.Decimal`.
    Decimal,
    /// `Edm.Double`.
    Double,
    /// `Edm.Duration`.
    Duration,
    /// `Edm.Guid`.
    Guid,
    /// `Edm.Int16`.
    Int16,
    /// `Edm.Int32`.
    Int32,
    /// `Edm.Int64`.
    Int64,
    /// `Edm.SByte`.
    SByte,
    /// `Edm.Single`.
    Single,
    /// `Edm.Stream`.
    Stream,
    /// `Edm.String`.
    String,
    /// `Edm.TimeOfDay`.
    TimeOfDay,
    /// `Edm.Geography…` (`Edm.Geography` itself is [`Geo::Any`]).
    Geography(Geo),
    /// `Edm.Geometry…` (`Edm.Geometry` itself is [`Geo::Any`]).
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
    /// The abstract `Edm.Geography` / `Edm.Geometry`.
    Any,
    /// `…Point`.
    Point,
    /// `…LineString`.
    LineString,
    /// `…Polygon`.
    Polygon,
    /// `…MultiPoint`.
    MultiPoint,
    /// `…MultiLineString`.
    MultiLineString,
    /// `…MultiPolygon`.
    MultiPolygon,
    /// `…Collection`.
    Collection,
}

/// An enumeration type.
#[derive(Debug, Clone)]
pub struct EnumType {
    /// `UnderlyingType` (default `Edm.Int32`).
    pub underlying: Primitive,
    /// `IsFlags`: values combine members bitwise.
    pub is_flags: bool,
    /// Members in declaration order.
    pub members: Vec<EnumMember>,
}

/// One `<Member>` of an enumeration.
#[derive(Debug, Clone)]
pub struct EnumMember {
    /// `Name`, as written.
    pub name: String,
    /// Explicit or implicit (previous + 1, starting at 0) value.
    pub value: i64,
    /// `Core.Description`, if annotated.
    pub description: Option<String>,
    /// Where the `<Member>` element starts.
    pub pos: Pos,
}

/// A type definition.
#[derive(Debug, Clone)]
pub struct TypeDefinition {
    /// `UnderlyingType`: a primitive type.
    pub underlying: Primitive,
    /// Facets on the definition.
    pub facets: Facets,
}

/// One overload of an action or function.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Action or function.
    pub kind: OperationKind,
    /// Namespace of the declaring schema.
    pub namespace: String,
    /// `Name`, shared by the overloads.
    pub name: String,
    /// The binding parameter's type (first parameter) when `IsBound="true"`.
    pub binding: Option<TypeRef>,
    /// Parameters after the binding parameter, in order.
    pub parameters: Vec<Parameter>,
    /// `<ReturnType>`; `None` for an action without one.
    pub return_type: Option<ReturnType>,
    /// Functions only.
    pub composable: bool,
    /// `EntitySetPath`, as written.
    pub entity_set_path: Option<String>,
    /// `Core.Description`, if annotated.
    pub description: Option<String>,
    /// `Core.LongDescription`, if annotated.
    pub long_description: Option<String>,
    /// Where the declaring element starts.
    pub pos: Pos,
    /// The canonical annotation target of this overload as CSDL 14.2.2 spells it:
    /// `ns.Action(BindingType)` / `ns.Action()` for actions, `ns.Function(T1,T2)` for
    /// functions (namespace-qualified types, no spaces).
    pub annotation_target: String,
    /// Canonical type names of all parameters, binding parameter included, in order.
    pub parameter_types: Vec<String>,
}

/// Whether an [`Operation`] is an action or a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    /// `<Action>`: may have side effects (POST).
    Action,
    /// `<Function>`: no side effects (GET).
    Function,
}

/// One `<Parameter>` of an operation.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// `Name`, as written.
    pub name: String,
    /// `Type`, resolved.
    pub ty: TypeRef,
    /// `Nullable` (default true).
    pub nullable: bool,
    /// Facets on the parameter.
    pub facets: Facets,
    /// `Core.OptionalParameter`.
    pub optional: bool,
    /// `Core.Description`, if annotated.
    pub description: Option<String>,
    /// Where the `<Parameter>` element starts.
    pub pos: Pos,
}

/// The `<ReturnType>` of an operation.
#[derive(Debug, Clone)]
pub struct ReturnType {
    /// `Type`, resolved.
    pub ty: TypeRef,
    /// `Nullable` (default true).
    pub nullable: bool,
}

/// An entity container (with `Extends` merged: inherited children come after own ones).
#[derive(Debug, Clone)]
pub struct Container {
    /// Namespace of the declaring schema.
    pub namespace: String,
    /// `Name`.
    pub name: String,
    /// `<EntitySet>`s, in order.
    pub entity_sets: Vec<EntitySet>,
    /// `<Singleton>`s, in order.
    pub singletons: Vec<Singleton>,
    /// `<ActionImport>`s, in order.
    pub action_imports: Vec<OperationImport>,
    /// `<FunctionImport>`s, in order.
    pub function_imports: Vec<OperationImport>,
    /// `Core.Description`, if annotated.
    pub description: Option<String>,
    /// Where the `<EntityContainer>` element starts.
    pub pos: Pos,
}

/// An `<EntitySet>` of a container.
#[derive(Debug, Clone)]
pub struct EntitySet {
    /// `Name`: the URL segment.
    pub name: String,
    /// `EntityType`, resolved.
    pub entity_type: TypeId,
    /// `<NavigationPropertyBinding>`s, in order.
    pub navigation_bindings: Vec<NavigationBinding>,
    /// `IncludeInServiceDocument` (default true).
    pub include_in_service_document: bool,
    /// `Core.Description`, if annotated.
    pub description: Option<String>,
    /// Where the `<EntitySet>` element starts.
    pub pos: Pos,
}

/// A `<Singleton>` of a container.
#[derive(Debug, Clone)]
pub struct Singleton {
    /// `Name`: the URL segment.
    pub name: String,
    /// `Type`, resolved (an entity type).
    pub entity_type: TypeId,
    /// `Nullable` (4.01; default false).
    pub nullable: bool,
    /// `<NavigationPropertyBinding>`s, in order.
    pub navigation_bindings: Vec<NavigationBinding>,
    /// `Core.Description`, if annotated.
    pub description: Option<String>,
    /// Where the `<Singleton>` element starts.
    pub pos: Pos,
}

/// A `<NavigationPropertyBinding>`: where a navigation path leads in the container.
#[derive(Debug, Clone)]
pub struct NavigationBinding {
    /// `Path` of the navigation property (type casts and complex segments included).
    pub path: String,
    /// `Target`: an entity set or singleton, as written.
    pub target: String,
    /// False when the path could not be followed through the model (kept, with a warning).
    pub resolved: bool,
}

/// An `ActionImport` or `FunctionImport`.
#[derive(Debug, Clone)]
pub struct OperationImport {
    /// `Name`: the URL segment.
    pub name: String,
    /// Qualified name of the action or function (namespace form).
    pub operation: String,
    /// The unbound overloads it imports.
    pub overloads: Vec<OperationId>,
    /// `EntitySet` of the result, as written.
    pub entity_set: Option<String>,
    /// `IncludeInServiceDocument` (default false).
    pub include_in_service_document: bool,
    /// Where the declaring element starts.
    pub pos: Pos,
}

/// A `<Term>` declared in a document read.
#[derive(Debug, Clone)]
pub struct Term {
    /// Namespace of the declaring schema.
    pub namespace: String,
    /// `Name`.
    pub name: String,
    /// `Type`, resolved.
    pub ty: TypeRef,
    /// `AppliesTo`, split on whitespace.
    pub applies_to: Vec<String>,
    /// Where the `<Term>` element starts.
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
    /// The term, namespace-qualified.
    pub term: String,
    /// `Qualifier`, if any.
    pub qualifier: Option<String>,
    /// The value.
    pub value: Expr,
    /// Where the `<Annotation>` element starts.
    pub pos: Pos,
}

/// A constant or dynamic annotation expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// No value given: a Boolean term applied without a value means `true`.
    Default,
    /// `<Null>`.
    Null,
    /// `Bool`.
    Bool(bool),
    /// `Int`.
    Int(i64),
    /// Decimal, Float, Date, DateTimeOffset, Duration, Guid, TimeOfDay, Binary:
    /// kept as written, tagged with the expression's element name.
    Literal {
        /// The element or attribute name (`Decimal`, `Date`, …).
        kind: &'static str,
        /// The value as written.
        text: String,
    },
    /// `String`.
    String(String),
    /// Enum member expression, each member namespace-qualified (`Org.OData.Core.V1.Permission/Read`).
    EnumMember(Vec<String>),
    /// `Path`, `PropertyPath`, `NavigationPropertyPath`, `AnnotationPath`, `ModelElementPath`.
    Path {
        /// The element or attribute name (`Path`, `PropertyPath`, …).
        kind: &'static str,
        /// The path as written.
        path: String,
    },
    /// `<Collection>`: the items, in order.
    Collection(Vec<Expr>),
    /// `<Record>`.
    Record {
        /// `Type`, if given.
        ty: Option<String>,
        /// `<PropertyValue>`s: property name and value, in order.
        properties: Vec<(String, Expr)>,
    },
    /// Any other dynamic expression (`If`, `Apply`, `Eq`, ...), by element name, with children.
    Dynamic {
        /// The element name.
        kind: String,
        /// The child expressions, in order.
        children: Vec<Expr>,
    },
}

/// `Capabilities` restrictions on an entity set, singleton or navigation path.
/// `None` means unannotated (allowed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// `InsertRestrictions/Insertable`.
    pub insertable: Option<bool>,
    /// `UpdateRestrictions/Updatable`.
    pub updatable: Option<bool>,
    /// `DeleteRestrictions/Deletable`.
    pub deletable: Option<bool>,
    /// `ReadRestrictions/Readable`.
    pub readable: Option<bool>,
    /// `ReadRestrictions/ReadByKeyRestrictions/Readable`.
    pub readable_by_key: Option<bool>,
    /// `UpdateRestrictions/UpdateMethod`, when given: whether it names `PATCH` and `PUT`.
    pub update_method: Option<UpdateMethods>,
    /// `UpdateRestrictions/Upsertable`.
    pub upsertable: Option<bool>,
}

/// The HTTP methods of `Capabilities.UpdateRestrictions/UpdateMethod`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpdateMethods {
    /// `PATCH` is named.
    pub patch: bool,
    /// `PUT` is named.
    pub put: bool,
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
    /// Whether a type comes from an embedded standard vocabulary ([`Schema::builtin`]):
    /// generated only when a type of the documents read uses it.
    pub fn is_builtin(&self, id: TypeId) -> bool {
        let ns = &self.ty(id).namespace;
        self.schemas.iter().any(|s| s.builtin && s.namespace == *ns)
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
}
