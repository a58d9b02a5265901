//! From [`Document`]s to a resolved [`Model`]: loading references, resolving names,
//! checking what CSDL requires, and merging annotations.
//!
//! One module per thing resolved: [`open`] (which files are read), [`references`] (the
//! documents of a load), [`schemas`] (namespaces, aliases, declared names), [`types`],
//! [`operations`] (and terms), [`containers`], [`annotations`]. This module holds the
//! [`Resolver`] they share and the order of its passes ([`Resolver::run`]).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Component;

use crate::diag::{Diagnostic, Errors, Pos, Severity, Sources};
use crate::document::{Document, ElemId, Kind};
use crate::model::*;

mod annotations;
mod containers;
mod open;
mod operations;
mod references;
mod schemas;
mod types;
mod vocabularies;

use open::*;
pub use open::{
    Options, ReadError, ReadErrorKind, load, load_all_with, load_in, load_in_with, load_str,
    load_with, read_document,
};
use references::*;
use types::empty_structured;

/// The most documents one load reads (the main file and its references).
pub const MAX_DOCUMENTS: usize = 256;

/// The most text one load reads, all documents together (each is at most
/// [`MAX_DOCUMENT_SIZE`]); a reference beyond it is an error at its `Uri`, not read.
pub const MAX_TOTAL_SIZE: u64 = 256 * 1024 * 1024;

/// Namespaces of the standard OASIS vocabularies, understood without reading a file.
pub const STANDARD_VOCABULARIES: &[&str] = &[
    "Org.OData.Aggregation.V1",
    "Org.OData.Authorization.V1",
    "Org.OData.Capabilities.V1",
    "Org.OData.Core.V1",
    "Org.OData.JSON.V1",
    "Org.OData.Measures.V1",
    "Org.OData.Repeatability.V1",
    "Org.OData.Temporal.V1",
    "Org.OData.Validation.V1",
];

/// The largest document read, in bytes (Graph v1.0, the largest real document known,
/// is 3.5 MB). Larger files are not opened, larger texts not parsed.
pub const MAX_DOCUMENT_SIZE: u64 = 64 * 1024 * 1024;
/// Sorts the diagnostics of a load: the model with its warnings, or every error.
/// Under `strict` every warning is an error.
fn finish(model: Model, diags: Vec<Raw>, strict: bool) -> Result<Model, Errors> {
    let mut diags = diags;
    if strict {
        for d in diags.iter_mut().filter(|d| d.0 == Severity::Warning) {
            d.0 = Severity::Error;
            d.1.push_str(" (an error under `strict`)");
        }
    }
    diags.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(&b.0)));
    diags.dedup();
    let render = |d: &Raw| Diagnostic {
        severity: d.0,
        message: crate::names::inert_message(&d.1),
        location: model.sources.location(d.2),
    };
    let errors: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| d.0 == Severity::Error)
        .map(render)
        .collect();
    let warnings: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| d.0 == Severity::Warning)
        .map(render)
        .collect();
    if errors.is_empty() {
        let mut model = model;
        model.warnings = warnings;
        Ok(model)
    } else {
        Err(Errors { errors, warnings })
    }
}

/// FxHash (rustc's hasher): the resolver's maps are keyed by short names, where SipHash
/// dominates the profile.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let mut tail = 0u64;
        for (i, b) in chunks.remainder().iter().enumerate() {
            tail |= (*b as u64) << (8 * i);
        }
        self.add(tail ^ (bytes.len() as u64) << 56);
    }
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64)
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64)
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i)
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64)
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A `PropertyRef` as written: path, alias, position.
type RawKeyPart = (String, Option<String>, Pos);

/// A `NavigationPropertyBinding` as written: container index, on an entity set (else a
/// singleton), index of the set or singleton, path, target, position.
type RawBinding = (usize, bool, usize, String, String, Pos);

/// An element of one of the documents.
#[derive(Clone, Copy)]
struct El {
    doc: u32,
    id: ElemId,
}

/// What a qualified schema-level name denotes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Named {
    Type,
    Action,
    Function,
    Term,
    Container,
}

struct Resolver<'d, 'm> {
    docs: &'d [Document],
    sources: &'d Sources,
    m: &'m mut Model,
    diags: &'m mut Vec<Raw>,
    /// Per document: alias → namespace.
    aliases: Vec<Map<&'d str, &'d str>>,
    /// Namespaces declared by a schema read.
    namespaces: Map<&'d str, Pos>,
    /// Namespaces that are referenced but not read (standard vocabularies, missing files).
    unavailable: HashSet<String>,
    /// Namespaces of references refused (outside the folder, not a regular file, too
    /// large): namespace → (uri, position of `Uri`, why). Using a type from one is an error.
    refused: HashMap<String, (String, Pos, String)>,
    /// Qualified name → what it is and where it was first declared.
    names: Map<String, (Named, Pos)>,
    type_el: Vec<El>,
    op_el: Vec<El>,
    container_el: Vec<El>,
    container_index: Map<String, usize>,
    /// Own key (path, alias, pos) of each type, if declared.
    own_keys: Vec<Option<Vec<RawKeyPart>>>,
    /// Inline annotation targets for each operation overload.
    op_targets: Vec<String>,
    /// Names already warned about for an action/function/type clash.
    clash_warned: HashSet<String>,
    /// (namespace, simple name) → type, for allocation-free lookups.
    types_by_parts: Map<(&'d str, &'d str), TypeId>,
    /// Annotations by canonical target, moved into the model at the end.
    ann: Map<String, Vec<Annotation>>,
    /// Files that are embedded standard vocabularies.
    builtin: HashSet<u32>,
    /// `op_el` index → operation built from it.
    op_built: Map<(u32, ElemId), usize>,
}

fn named_word(n: Named) -> &'static str {
    match n {
        Named::Type => "a type",
        Named::Action => "an action",
        Named::Function => "a function",
        Named::Term => "a term",
        Named::Container => "an entity container",
    }
}

fn err(diags: &mut Vec<Raw>, msg: impl Into<String>, pos: Pos) {
    diags.push((Severity::Error, msg.into(), pos));
}
fn warn(diags: &mut Vec<Raw>, msg: impl Into<String>, pos: Pos) {
    diags.push((Severity::Warning, msg.into(), pos));
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// Maps the part after `Edm.` to a primitive or built-in abstract type.
pub fn primitive(name: &str) -> Option<Primitive> {
    use Primitive as P;
    Some(match name {
        "Binary" => P::Binary,
        "Boolean" => P::Boolean,
        "Byte" => P::Byte,
        "Date" => P::Date,
        "DateTimeOffset" => P::DateTimeOffset,
        "Decimal" => P::Decimal,
        "Double" => P::Double,
        "Duration" => P::Duration,
        "Guid" => P::Guid,
        "Int16" => P::Int16,
        "Int32" => P::Int32,
        "Int64" => P::Int64,
        "SByte" => P::SByte,
        "Single" => P::Single,
        "Stream" => P::Stream,
        "String" => P::String,
        "TimeOfDay" => P::TimeOfDay,
        "Untyped" => P::Untyped,
        "PrimitiveType" => P::PrimitiveType,
        "EntityType" => P::AnyEntity,
        "ComplexType" => P::AnyComplex,
        "AnnotationPath"
        | "PropertyPath"
        | "NavigationPropertyPath"
        | "AnyPropertyPath"
        | "ModelElementPath" => P::Path,
        _ => {
            let (geo, shape) = if let Some(s) = name.strip_prefix("Geography") {
                (true, s)
            } else if let Some(s) = name.strip_prefix("Geometry") {
                (false, s)
            } else {
                return None;
            };
            let g = match shape {
                "" => Geo::Any,
                "Point" => Geo::Point,
                "LineString" => Geo::LineString,
                "Polygon" => Geo::Polygon,
                "MultiPoint" => Geo::MultiPoint,
                "MultiLineString" => Geo::MultiLineString,
                "MultiPolygon" => Geo::MultiPolygon,
                "Collection" => Geo::Collection,
                _ => return None,
            };
            if geo { P::Geography(g) } else { P::Geometry(g) }
        }
    })
}

fn split_collection(raw: &str) -> (bool, &str) {
    let t = raw.trim();
    match t
        .strip_prefix("Collection(")
        .and_then(|r| r.strip_suffix(')'))
    {
        Some(inner) => (true, inner.trim()),
        None => (false, t),
    }
}

fn range_of(p: Primitive) -> Option<(i64, i64)> {
    Some(match p {
        Primitive::Byte => (0, 255),
        Primitive::SByte => (-128, 127),
        Primitive::Int16 => (i16::MIN as i64, i16::MAX as i64),
        Primitive::Int32 => (i32::MIN as i64, i32::MAX as i64),
        Primitive::Int64 => (i64::MIN, i64::MAX),
        _ => return None,
    })
}

impl<'d, 'm> Resolver<'d, 'm> {
    fn new(
        docs: &'d [Document],
        sources: &'d Sources,
        unavailable: HashSet<String>,
        m: &'m mut Model,
        diags: &'m mut Vec<Raw>,
    ) -> Self {
        Resolver {
            docs,
            sources,
            m,
            diags,
            aliases: Vec::new(),
            namespaces: Map::default(),
            unavailable,
            refused: HashMap::new(),
            names: Map::default(),
            type_el: Vec::new(),
            op_el: Vec::new(),
            container_el: Vec::new(),
            container_index: Map::default(),
            own_keys: Vec::new(),
            op_targets: Vec::new(),
            clash_warned: HashSet::new(),
            op_built: Map::default(),
            builtin: HashSet::new(),
            types_by_parts: Map::default(),
            ann: Map::default(),
        }
    }

    fn err(&mut self, msg: impl Into<String>, pos: Pos) {
        err(self.diags, msg, pos)
    }
    fn warn(&mut self, msg: impl Into<String>, pos: Pos) {
        warn(self.diags, msg, pos)
    }
    fn at(&self, pos: Pos) -> String {
        let loc = self.sources.location(pos);
        if pos.file == 0 {
            format!("{}:{}", loc.line, loc.col)
        } else {
            loc.to_string()
        }
    }

    fn schemas(&self, d: usize) -> impl Iterator<Item = ElemId> + 'd {
        let doc: &'d Document = &self.docs[d];
        doc.children_of(doc.root(), Kind::DataServices)
            .flat_map(move |ds| doc.children_of(ds, Kind::Schema))
    }

    /// A required attribute, or an error.
    fn req(&mut self, doc: &'d Document, el: ElemId, name: &str) -> Option<&'d str> {
        match doc.get(el, name) {
            Some(v) => Some(v),
            None => {
                let k = doc.kind(el).name();
                self.err(
                    format!("`{k}` is missing the required attribute `{name}`"),
                    doc.pos(el),
                );
                None
            }
        }
    }

    fn bool_attr(&mut self, doc: &'d Document, el: ElemId, name: &str, default: bool) -> bool {
        match doc.attr(el, name) {
            None => default,
            Some(a) => match parse_bool(doc.value(a)) {
                Some(b) => b,
                None => {
                    let v = doc.value(a);
                    self.err(
                        format!("invalid value `{v}` for `{name}`: expected `true` or `false`"),
                        a.pos,
                    );
                    default
                }
            },
        }
    }

    /// Namespace form of a possibly alias-qualified name.
    fn qualify<'s>(&self, doc: u32, name: &'s str) -> Cow<'s, str> {
        if let Some((prefix, simple)) = name.rsplit_once('.')
            && let Some(ns) = self.aliases[doc as usize].get(prefix)
        {
            return Cow::Owned(format!("{ns}.{simple}"));
        }
        Cow::Borrowed(name)
    }

    /// Canonical text of a type name (`Collection(alias.T)` → `Collection(ns.T)`).
    fn canonical_type(&self, doc: u32, raw: &str) -> String {
        let (coll, inner) = split_collection(raw);
        let q = self.qualify(doc, inner);
        if coll {
            format!("Collection({q})")
        } else {
            q.into_owned()
        }
    }

    /// The type a possibly alias-qualified name denotes, without allocating.
    fn lookup_type(&self, doc: u32, name: &str) -> Option<TypeId> {
        let (prefix, simple) = name.rsplit_once('.')?;
        let ns = self.aliases[doc as usize]
            .get(prefix)
            .copied()
            .unwrap_or(prefix);
        self.types_by_parts.get(&(ns, simple)).copied()
    }

    fn namespace_known(&self, ns: &str) -> bool {
        self.namespaces.contains_key(ns)
    }

    /// Resolves a type reference; reports unknown types.
    fn type_ref(&mut self, doc: u32, raw: &str, pos: Pos) -> Option<TypeRef> {
        let (collection, inner) = split_collection(raw);
        if inner.is_empty() {
            self.err(format!("invalid type `{raw}`"), pos);
            return None;
        }
        if let Some(p) = inner.strip_prefix("Edm.") {
            return match primitive(p) {
                Some(p) => Some(TypeRef {
                    collection,
                    target: Target::Primitive(p),
                }),
                None => {
                    self.err(format!("unknown primitive type `{inner}`"), pos);
                    None
                }
            };
        }
        if let Some(id) = self.lookup_type(doc, inner) {
            return Some(TypeRef {
                collection,
                target: Target::Named(id),
            });
        }
        let q = self.qualify(doc, inner);
        let Some((ns, _)) = q.rsplit_once('.') else {
            self.err(format!("unknown type `{inner}`: a type name must be qualified with a namespace or alias"), pos);
            return None;
        };
        if let Some((uri, uri_pos, why)) = self.refused.remove(ns) {
            let at = self.at(pos);
            self.err(
                format!(
                    "type `{}` (at {at}) is from namespace `{}`, which no document read declares: the document `{}` that promised it is not read ({why}); give it with `--schema FILE`, or map the URI to a local file with `--reference URI=FILE` (`[references]` in codegen.toml)",
                    crate::names::escape(inner),
                    crate::names::escape(ns),
                    crate::names::escape(&uri),
                ),
                uri_pos,
            );
        }
        if self.unavailable.contains(ns) || (is_standard(ns) && !self.namespace_known(ns)) {
            return Some(TypeRef {
                collection,
                target: Target::Primitive(Primitive::Untyped),
            });
        }
        if self.namespace_known(ns) {
            self.err(format!("unknown type `{inner}`"), pos);
        } else {
            self.err(
                format!("unknown type `{inner}`: no namespace or alias `{ns}` is in scope"),
                pos,
            );
        }
        None
    }

    fn run(&mut self, expected: &[(String, String, Pos)]) {
        self.collect_schemas();
        for (ns, uri, pos) in expected {
            if !is_standard(ns) && !self.namespaces.contains_key(ns.as_str()) {
                self.warn(
                    format!(
                        "`edmx:Include` names namespace `{ns}`, which `{uri}` does not declare"
                    ),
                    *pos,
                );
            }
        }
        self.register();
        self.build_types();
        self.check_inheritance();
        self.build_operations();
        self.build_terms();
        self.build_containers();
        self.collect_annotations();
        self.apply_core();
    }
}
