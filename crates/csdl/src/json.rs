//! Reader for CSDL JSON (OData CSDL JSON Format Version 4.01): the same positioned
//! [`Document`] the XML reader produces, so that resolution has one path.
//!
//! A document is read in two steps: a small parser turns the bytes into a tree of JSON
//! values that remember their byte offsets (bounded: [`MAX_DEPTH`] levels of nesting,
//! strings and numbers of at most [`MAX_VALUE_LEN`](crate::document::MAX_VALUE_LEN)
//! bytes, no duplicate member names, documents of at most
//! [`MAX_DOCUMENT_SIZE`](crate::MAX_DOCUMENT_SIZE)),
//! and a converter maps each CSDL JSON construct onto the element and attributes CSDL
//! XML spells it with. Every error is located (`file:line:col` of the offending value
//! or member name).
//!
//! What the JSON format leaves implicit is made explicit, as the specification says:
//! - `$Kind` absent on a member of a structured type: a structural property;
//! - `$Type` absent: `Edm.String` (properties, parameters, return types, terms);
//! - `$Nullable` absent: `false` (CSDL XML's default is `true`, so the converted
//!   element says `Nullable="false"`), except on collection-valued navigation
//!   properties, which have no nullability;
//! - `$Collection: true` with `$Type: "T"`: `Collection(T)`;
//! - an entity container's members: `$Collection` → entity set, `$Action` → action
//!   import, `$Function` → function import, anything else → singleton.
//!
//! Annotation values in JSON do not say their type (`"Read"` may be a string or an
//! enumeration member, `"2024-01-01"` a string or a date). The converter types them by
//! the term: its declaration in the document itself, or in one of the standard OASIS
//! vocabularies (embedded, see `vocabularies/`), following complex types for record
//! members. A value of a term it does not know is read as JSON says: string, number,
//! boolean, null, collection or record. Paths are read in both spellings: an object
//! (`{"$PropertyPath": "ETag"}`) and, for a term or property of a path type, a string.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::document::{Builder, Document, Kind, MAX_DEPTH, ParseError, Text};

mod lex;
mod terms;

use lex::{Lexer, Member, Node, Str, V};
use terms::{Scalar, TyRef, Types, canonical, member, str_of};

/// Whether a document is CSDL JSON: its text starts with `{` (after white space and a
/// byte order mark), as `$metadata?$format=json` answers; or, when its text starts
/// with neither `{` nor `<`, its name ends in `.json`.
pub fn is_json(path: &Path, text: &str) -> bool {
    let start = text
        .trim_start_matches('\u{feff}')
        .trim_start_matches([' ', '\t', '\r', '\n']);
    match start.as_bytes().first() {
        Some(b'{') => true,
        Some(b'<') => false,
        _ => path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json")),
    }
}

/// Reads one CSDL document, JSON ([`is_json`]) or XML. `file` is the index given to
/// its positions.
pub fn parse_any(file: u32, path: &Path, text: Arc<str>) -> Result<Document, Vec<ParseError>> {
    if is_json(path, &text) {
        parse(file, text)
    } else {
        crate::document::parse(file, text)
    }
}

/// Reads one CSDL JSON document. `file` is the index given to its positions.
pub fn parse(file: u32, text: Arc<str>) -> Result<Document, Vec<ParseError>> {
    let at = |offset: usize| crate::diag::Pos {
        file,
        offset: offset.min(u32::MAX as usize) as u32,
    };
    if text.len() as u64 > crate::MAX_DOCUMENT_SIZE {
        return Err(vec![ParseError {
            message: format!(
                "the document is larger than {} MiB, the most read",
                crate::MAX_DOCUMENT_SIZE >> 20
            ),
            pos: at(0),
        }]);
    }
    let tree = match Lexer::new(text.as_bytes()).document() {
        Ok(t) => t,
        Err((message, offset)) => {
            return Err(vec![ParseError {
                message,
                pos: at(offset),
            }]);
        }
    };
    let mut c = Conv {
        src: &text,
        b: Builder::new(file),
        errors: Vec::new(),
        file,
        types: Types::default(),
        indexes: HashMap::new(),
    };
    c.document(&tree);
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let b = c.b;
    Ok(b.finish(text))
}

struct Conv<'s> {
    src: &'s str,
    b: Builder,
    errors: Vec<ParseError>,
    file: u32,
    types: Types,
    /// Annotation indexes of the objects seen, by address.
    indexes: HashMap<usize, Arc<AnnIndex<'s>>>,
}

/// The annotation members of one object.
#[derive(Default)]
struct AnnIndex<'s> {
    /// `target@Term#Q` members, by `target` (empty: the object itself).
    on: HashMap<&'s str, Vec<usize>>,
    /// `host@Term#Q` members annotating another annotation, by `host` (its whole key).
    nested: HashMap<&'s str, Vec<usize>>,
}

/// What kind of JSON value a member must have, for messages.
fn what(v: &V) -> &'static str {
    match v {
        V::Null => "null",
        V::Bool(_) => "a boolean",
        V::Num(..) => "a number",
        V::Str(_) => "a string",
        V::Arr(_) => "an array",
        V::Obj(_) => "an object",
    }
}

/// The JSON keywords of dynamic expressions with their CSDL XML element.
const OPERATORS: &[(&str, Kind)] = &[
    ("$And", Kind::And),
    ("$Or", Kind::Or),
    ("$Not", Kind::Not),
    ("$Eq", Kind::Eq),
    ("$Ne", Kind::Ne),
    ("$Gt", Kind::Gt),
    ("$Ge", Kind::Ge),
    ("$Lt", Kind::Lt),
    ("$Le", Kind::Le),
    ("$Has", Kind::Has),
    ("$In", Kind::In),
    ("$Add", Kind::Add),
    ("$Sub", Kind::Sub),
    ("$Neg", Kind::Neg),
    ("$Mul", Kind::Mul),
    ("$Div", Kind::Div),
    ("$DivBy", Kind::DivBy),
    ("$Mod", Kind::Mod),
    ("$Apply", Kind::Apply),
    ("$Cast", Kind::Cast),
    ("$If", Kind::If),
    ("$IsOf", Kind::IsOf),
    ("$LabeledElement", Kind::LabeledElement),
    ("$UrlRef", Kind::UrlRef),
];

const PATHS: &[(&str, Kind)] = &[
    ("$Path", Kind::Path),
    ("$PropertyPath", Kind::PropertyPath),
    ("$NavigationPropertyPath", Kind::NavigationPropertyPath),
    ("$AnnotationPath", Kind::AnnotationPath),
    ("$ModelElementPath", Kind::ModelElementPath),
    ("$LabeledElementReference", Kind::LabeledElementReference),
];

impl<'s> Conv<'s> {
    fn error(&mut self, message: impl Into<String>, offset: u32) {
        self.errors.push(ParseError {
            message: message.into(),
            pos: crate::diag::Pos {
                file: self.file,
                offset,
            },
        });
    }

    fn key(&self, m: &'s Member) -> &'s str {
        str_of(self.src, &m.key)
    }

    fn text(s: &Str) -> Text {
        match s {
            Str::Span(a, b) => Text::Span(*a, *b),
            Str::Owned(o) => Text::Owned(o.clone()),
        }
    }

    fn owned(s: impl Into<String>) -> Text {
        Text::Owned(s.into().into_boxed_str())
    }

    /// The member `name` of `obj`, which must be a string; an error when it is another
    /// kind of value.
    fn string(&mut self, obj: &'s [Member], name: &str) -> Option<(&'s Member, &'s Str)> {
        let m = member(obj, self.src, name)?;
        match &m.val.v {
            V::Str(s) => Some((m, s)),
            other => {
                self.error(
                    format!("`{name}` must be a string, not {}", what(other)),
                    m.val.at,
                );
                None
            }
        }
    }

    /// The member `name` of `obj` when it is `true` or `false` (its text: the literal).
    fn boolean(&mut self, obj: &'s [Member], name: &str) -> Option<(&'s Member, bool)> {
        let m = member(obj, self.src, name)?;
        match &m.val.v {
            V::Bool(b) => Some((m, *b)),
            other => {
                self.error(
                    format!("`{name}` must be `true` or `false`, not {}", what(other)),
                    m.val.at,
                );
                None
            }
        }
    }

    fn bool_text(b: bool) -> Text {
        Self::owned(if b { "true" } else { "false" })
    }

    /// Copies a string member as attribute `attr`.
    fn string_attr(&mut self, obj: &'s [Member], name: &str, attr: &'static str) {
        if let Some((m, s)) = self.string(obj, name) {
            self.b.attr(attr, Self::text(s), m.at);
        }
    }

    /// Copies a boolean member as attribute `attr`.
    fn bool_attr(&mut self, obj: &'s [Member], name: &str, attr: &'static str) {
        if let Some((m, b)) = self.boolean(obj, name) {
            self.b.attr(attr, Self::bool_text(b), m.at);
        }
    }

    /// Copies a facet (a number, or one of the symbolic `words`) as attribute `attr`.
    fn facet(&mut self, obj: &'s [Member], name: &str, attr: &'static str, words: &[&str]) {
        let Some(m) = member(obj, self.src, name) else {
            return;
        };
        match &m.val.v {
            V::Num(a, b) => self.b.attr(attr, Text::Span(*a, *b), m.at),
            V::Str(s) if words.contains(&str_of(self.src, s)) => {
                self.b.attr(attr, Self::text(s), m.at)
            }
            other => {
                let also = words
                    .iter()
                    .map(|w| format!(" or `\"{w}\"`"))
                    .collect::<String>();
                self.error(
                    format!("`{name}` must be a number{also}, not {}", what(other)),
                    m.val.at,
                )
            }
        }
    }

    /// The object a member's value must be.
    fn object(&mut self, m: &'s Member, what_: &str) -> Option<&'s [Member]> {
        match &m.val.v {
            V::Obj(o) => Some(o),
            other => {
                let name = crate::names::escape(self.key(m));
                self.error(
                    format!(
                        "{what_} `{name}` must be a JSON object, not {}",
                        what(other)
                    ),
                    m.val.at,
                );
                None
            }
        }
    }

    /// `Type`, with `$Collection` and the default `Edm.String`; `required` when the
    /// JSON format has no default.
    fn type_attr(&mut self, obj: &'s [Member], at: u32, required: Option<&str>) -> bool {
        let collection = self.boolean(obj, "$Collection").is_some_and(|(_, c)| c);
        let (ty, ty_at) = match self.string(obj, "$Type") {
            Some((m, s)) => (Some(s), m.at),
            None if member(obj, self.src, "$Type").is_some() => return collection,
            None => {
                if let Some(what_) = required {
                    self.error(format!("{what_} is missing `$Type`"), at);
                    return collection;
                }
                (None, at)
            }
        };
        let text = match (ty, collection) {
            (Some(s), false) => Self::text(s),
            (Some(s), true) => Self::owned(format!("Collection({})", str_of(self.src, s))),
            (None, false) => Self::owned("Edm.String"),
            (None, true) => Self::owned("Collection(Edm.String)"),
        };
        self.b.attr("Type", text, ty_at);
        collection
    }

    /// `Nullable`: as given, else `false` (the JSON default; XML's is `true`). A
    /// collection of entities (`nav_collection`) has none.
    fn nullable_attr(&mut self, obj: &'s [Member], at: u32, nav_collection: bool) {
        match self.boolean(obj, "$Nullable") {
            Some((m, b)) => self.b.attr("Nullable", Self::bool_text(b), m.at),
            None if nav_collection || member(obj, self.src, "$Nullable").is_some() => {}
            None => self.b.attr("Nullable", Self::owned("false"), at),
        }
    }

    fn facets(&mut self, obj: &'s [Member]) {
        self.facet(obj, "$MaxLength", "MaxLength", &["max"]);
        self.facet(obj, "$Precision", "Precision", &[]);
        self.facet(obj, "$Scale", "Scale", &["variable", "floating"]);
        self.facet(obj, "$SRID", "SRID", &["variable"]);
        self.bool_attr(obj, "$Unicode", "Unicode");
    }

    fn default_value(&mut self, obj: &'s [Member]) {
        let Some(m) = member(obj, self.src, "$DefaultValue") else {
            return;
        };
        match &m.val.v {
            V::Str(s) => self.b.attr("DefaultValue", Self::text(s), m.at),
            V::Num(a, b) => self.b.attr("DefaultValue", Text::Span(*a, *b), m.at),
            V::Bool(b) => self.b.attr("DefaultValue", Self::bool_text(*b), m.at),
            other => self.error(
                format!(
                    "`$DefaultValue` must be a string, number or boolean, not {}",
                    what(other)
                ),
                m.val.at,
            ),
        }
    }

    // -- the document -------------------------------------------------------------

    fn document(&mut self, root: &'s Node) {
        let V::Obj(doc) = &root.v else {
            self.error(
                format!(
                    "not a CSDL JSON document: the document is {}, expected an object with `$Version`",
                    what(&root.v)
                ),
                root.at,
            );
            return;
        };
        self.types.learn(self.src, root, true);
        self.b.open(Kind::Edmx, root.at);
        match self.string(doc, "$Version") {
            Some((m, v)) => self.b.attr("Version", Self::text(v), m.at),
            None if member(doc, self.src, "$Version").is_some() => {}
            None => self.error(
                "not a CSDL JSON document: the document has no `$Version` member",
                root.at,
            ),
        }
        if let Some(m) = member(doc, self.src, "$Reference") {
            self.references(m);
        }
        // `$EntityContainer` names the container that CSDL XML marks by its place.
        let _ = self.string(doc, "$EntityContainer");
        self.b.open(Kind::DataServices, root.at);
        for m in doc {
            let key = self.key(m);
            if key.starts_with('$') || key.starts_with('@') {
                continue;
            }
            if let Some(schema) = self.object(m, "schema") {
                self.schema(m, schema);
            }
        }
        self.b.close();
        self.b.close();
    }

    fn references(&mut self, m: &'s Member) {
        let Some(refs) = self.object(m, "member") else {
            return;
        };
        for r in refs {
            if self.key(r).starts_with('@') {
                continue;
            }
            let Some(body) = self.object(r, "reference") else {
                continue;
            };
            self.b.open(Kind::Reference, r.at);
            self.b.attr("Uri", Self::text(&r.key), r.at);
            if let Some(incs) = self.array_member(body, "$Include") {
                for inc in incs {
                    let Some(inc_obj) = self.array_object(inc, "`$Include` item") else {
                        continue;
                    };
                    self.b.open(Kind::Include, inc.at);
                    match self.string(inc_obj, "$Namespace") {
                        Some((m, s)) => self.b.attr("Namespace", Self::text(s), m.at),
                        None if member(inc_obj, self.src, "$Namespace").is_some() => {}
                        None => self.error("an `$Include` item is missing `$Namespace`", inc.at),
                    }
                    self.string_attr(inc_obj, "$Alias", "Alias");
                    self.annotations(inc_obj, "");
                    self.b.close();
                }
            }
            if let Some(incs) = self.array_member(body, "$IncludeAnnotations") {
                for inc in incs {
                    let Some(inc_obj) = self.array_object(inc, "`$IncludeAnnotations` item") else {
                        continue;
                    };
                    self.b.open(Kind::IncludeAnnotations, inc.at);
                    match self.string(inc_obj, "$TermNamespace") {
                        Some((m, s)) => self.b.attr("TermNamespace", Self::text(s), m.at),
                        None if member(inc_obj, self.src, "$TermNamespace").is_some() => {}
                        None => self.error(
                            "an `$IncludeAnnotations` item is missing `$TermNamespace`",
                            inc.at,
                        ),
                    }
                    self.string_attr(inc_obj, "$Qualifier", "Qualifier");
                    self.string_attr(inc_obj, "$TargetNamespace", "TargetNamespace");
                    self.b.close();
                }
            }
            self.annotations(body, "");
            self.b.close();
        }
    }

    fn array_member(&mut self, obj: &'s [Member], name: &str) -> Option<&'s [Node]> {
        let m = member(obj, self.src, name)?;
        match &m.val.v {
            V::Arr(a) => Some(a),
            other => {
                self.error(
                    format!("`{name}` must be an array, not {}", what(other)),
                    m.val.at,
                );
                None
            }
        }
    }

    fn array_object(&mut self, n: &'s Node, what_: &str) -> Option<&'s [Member]> {
        match &n.v {
            V::Obj(o) => Some(o),
            other => {
                self.error(
                    format!("{what_} must be a JSON object, not {}", what(other)),
                    n.at,
                );
                None
            }
        }
    }

    fn schema(&mut self, m: &'s Member, schema: &'s [Member]) {
        self.b.open(Kind::Schema, m.at);
        self.b.attr("Namespace", Self::text(&m.key), m.at);
        self.string_attr(schema, "$Alias", "Alias");
        self.annotations(schema, "");
        for c in schema {
            let key = self.key(c);
            if key == "$Annotations" {
                self.external_annotations(c);
                continue;
            }
            if key.starts_with('$') || key.contains('@') {
                continue;
            }
            match &c.val.v {
                V::Arr(overloads) => self.operation(c, overloads),
                V::Obj(def) => self.schema_element(c, def),
                other => self.error(
                    format!(
                        "schema member `{}` must be a JSON object (or an array of operation overloads), not {}",
                        crate::names::escape(key),
                        what(other)
                    ),
                    c.val.at,
                ),
            }
        }
        self.b.close();
    }

    fn schema_element(&mut self, m: &'s Member, def: &'s [Member]) {
        let name = crate::names::escape(self.key(m));
        let kind = match self.string(def, "$Kind") {
            Some((_, k)) => str_of(self.src, k),
            None => {
                if member(def, self.src, "$Kind").is_none() {
                    self.error(
                        format!("schema member `{name}` has no `$Kind` (expected `EntityType`, `ComplexType`, `EnumType`, `TypeDefinition`, `Term` or `EntityContainer`)"),
                        m.at,
                    );
                }
                return;
            }
        };
        match kind {
            "EntityType" => self.structured(m, def, Kind::EntityType),
            "ComplexType" => self.structured(m, def, Kind::ComplexType),
            "EnumType" => self.enum_type(m, def),
            "TypeDefinition" => self.type_definition(m, def),
            "Term" => self.term(m, def),
            "EntityContainer" => self.container(m, def),
            "Action" | "Function" => self.error(
                format!(
                    "`{name}` is an {}: its value must be an array of overloads",
                    kind.to_lowercase()
                ),
                m.val.at,
            ),
            other => {
                let at = member(def, self.src, "$Kind").map_or(m.at, |k| k.val.at);
                self.error(
                    format!(
                        "unknown `$Kind` `{}` of schema member `{name}` (expected `EntityType`, `ComplexType`, `EnumType`, `TypeDefinition`, `Term` or `EntityContainer`)",
                        crate::names::escape(other)
                    ),
                    at,
                )
            }
        }
    }

    fn named(&mut self, kind: Kind, m: &'s Member) {
        self.b.open(kind, m.at);
        self.b.attr("Name", Self::text(&m.key), m.at);
    }

    fn structured(&mut self, m: &'s Member, def: &'s [Member], kind: Kind) {
        self.named(kind, m);
        self.string_attr(def, "$BaseType", "BaseType");
        self.bool_attr(def, "$Abstract", "Abstract");
        self.bool_attr(def, "$OpenType", "OpenType");
        self.bool_attr(def, "$HasStream", "HasStream");
        if let Some(keys) = self.array_member(def, "$Key") {
            let key_at = member(def, self.src, "$Key").map_or(m.at, |k| k.at);
            self.b.open(Kind::Key, key_at);
            for k in keys {
                match &k.v {
                    V::Str(s) => {
                        self.b.open(Kind::PropertyRef, k.at);
                        self.b.attr("Name", Self::text(s), k.at);
                        self.b.close();
                    }
                    V::Obj(o) if o.len() == 1 => {
                        let (alias, path) = (&o[0].key, &o[0].val);
                        let V::Str(path) = &path.v else {
                            self.error(
                                "a key alias must map to a property path (a string)",
                                path.at,
                            );
                            continue;
                        };
                        self.b.open(Kind::PropertyRef, k.at);
                        self.b.attr("Name", Self::text(path), o[0].val.at);
                        self.b.attr("Alias", Self::text(alias), o[0].at);
                        self.b.close();
                    }
                    other => self.error(
                        format!(
                            "a `$Key` item must be a property path (a string) or an object with one member (alias: path), not {}",
                            what(other)
                        ),
                        k.at,
                    ),
                }
            }
            self.b.close();
        }
        self.annotations(def, "");
        for p in def {
            let key = self.key(p);
            if key.starts_with('$') || key.contains('@') {
                continue;
            }
            let Some(body) = self.object(p, "property") else {
                continue;
            };
            match self.string(body, "$Kind").map(|(_, k)| str_of(self.src, k)) {
                None if member(body, self.src, "$Kind").is_some() => {}
                None | Some("Property") => self.property(p, body),
                Some("NavigationProperty") => self.navigation(p, body),
                Some(other) => {
                    let at = member(body, self.src, "$Kind").map_or(p.at, |k| k.val.at);
                    self.error(
                        format!(
                            "unknown `$Kind` `{}` of member `{}` of a structured type (expected `Property` or `NavigationProperty`)",
                            crate::names::escape(other),
                            crate::names::escape(key)
                        ),
                        at,
                    )
                }
            }
        }
        self.b.close();
    }

    fn property(&mut self, m: &'s Member, body: &'s [Member]) {
        self.named(Kind::Property, m);
        self.type_attr(body, m.at, None);
        self.nullable_attr(body, m.at, false);
        self.facets(body);
        self.default_value(body);
        self.annotations(body, "");
        self.b.close();
    }

    fn navigation(&mut self, m: &'s Member, body: &'s [Member]) {
        self.named(Kind::NavigationProperty, m);
        let name = crate::names::escape(self.key(m));
        let collection = self.type_attr(body, m.at, Some(&format!("navigation property `{name}`")));
        self.nullable_attr(body, m.at, collection);
        self.string_attr(body, "$Partner", "Partner");
        self.bool_attr(body, "$ContainsTarget", "ContainsTarget");
        if let Some(rc) = member(body, self.src, "$ReferentialConstraint")
            && let Some(pairs) = self.object(rc, "member")
        {
            for p in pairs {
                let key = self.key(p);
                if key.contains('@') {
                    continue;
                }
                let V::Str(referenced) = &p.val.v else {
                    self.error(
                        format!(
                            "referential constraint `{}` must name the referenced property (a string), not {}",
                            crate::names::escape(key),
                            what(&p.val.v)
                        ),
                        p.val.at,
                    );
                    continue;
                };
                self.b.open(Kind::ReferentialConstraint, p.at);
                self.b.attr("Property", Self::text(&p.key), p.at);
                self.b
                    .attr("ReferencedProperty", Self::text(referenced), p.val.at);
                self.annotations(pairs, key);
                self.b.close();
            }
        }
        if let Some((m, action)) = self.string(body, "$OnDelete") {
            self.b.open(Kind::OnDelete, m.at);
            self.b.attr("Action", Self::text(action), m.val.at);
            self.annotations(body, "$OnDelete");
            self.b.close();
        }
        self.annotations(body, "");
        self.b.close();
    }

    fn enum_type(&mut self, m: &'s Member, def: &'s [Member]) {
        self.named(Kind::EnumType, m);
        self.string_attr(def, "$UnderlyingType", "UnderlyingType");
        self.bool_attr(def, "$IsFlags", "IsFlags");
        self.annotations(def, "");
        for e in def {
            let key = self.key(e);
            if key.starts_with('$') || key.contains('@') {
                continue;
            }
            let value = match &e.val.v {
                V::Num(a, b) => Text::Span(*a, *b),
                V::Str(s) => Self::text(s),
                other => {
                    self.error(
                        format!(
                            "enumeration member `{}` must have a number as its value, not {}",
                            crate::names::escape(key),
                            what(other)
                        ),
                        e.val.at,
                    );
                    continue;
                }
            };
            self.named(Kind::Member, e);
            self.b.attr("Value", value, e.val.at);
            self.annotations(def, key);
            self.b.close();
        }
        self.b.close();
    }

    fn type_definition(&mut self, m: &'s Member, def: &'s [Member]) {
        self.named(Kind::TypeDefinition, m);
        match self.string(def, "$UnderlyingType") {
            Some((u, s)) => self.b.attr("UnderlyingType", Self::text(s), u.at),
            None if member(def, self.src, "$UnderlyingType").is_some() => {}
            None => self.error(
                format!(
                    "type definition `{}` is missing `$UnderlyingType`",
                    crate::names::escape(self.key(m))
                ),
                m.at,
            ),
        }
        self.facets(def);
        self.annotations(def, "");
        self.b.close();
    }

    fn term(&mut self, m: &'s Member, def: &'s [Member]) {
        self.named(Kind::Term, m);
        self.type_attr(def, m.at, None);
        self.nullable_attr(def, m.at, false);
        self.string_attr(def, "$BaseTerm", "BaseTerm");
        self.default_value(def);
        if let Some(applies) = self.array_member(def, "$AppliesTo") {
            let mut words = Vec::new();
            for a in applies {
                match &a.v {
                    V::Str(s) => words.push(str_of(self.src, s)),
                    other => self.error(
                        format!("an `$AppliesTo` item must be a string, not {}", what(other)),
                        a.at,
                    ),
                }
            }
            let at = member(def, self.src, "$AppliesTo").map_or(m.at, |a| a.at);
            self.b.attr("AppliesTo", Self::owned(words.join(" ")), at);
        }
        self.facets(def);
        self.annotations(def, "");
        self.b.close();
    }

    fn operation(&mut self, m: &'s Member, overloads: &'s [Node]) {
        let name = crate::names::escape(self.key(m));
        for o in overloads {
            let Some(body) = self.array_object(o, &format!("an overload of `{name}`")) else {
                continue;
            };
            let kind = match self.string(body, "$Kind").map(|(_, k)| str_of(self.src, k)) {
                Some("Action") => Kind::Action,
                Some("Function") => Kind::Function,
                None if member(body, self.src, "$Kind").is_some() => continue,
                None => {
                    self.error(
                        format!("an overload of `{name}` has no `$Kind` (expected `Action` or `Function`)"),
                        o.at,
                    );
                    continue;
                }
                Some(other) => {
                    let at = member(body, self.src, "$Kind").map_or(o.at, |k| k.val.at);
                    self.error(
                        format!(
                            "unknown `$Kind` `{}` of an overload of `{name}` (expected `Action` or `Function`)",
                            crate::names::escape(other)
                        ),
                        at,
                    );
                    continue;
                }
            };
            self.b.open(kind, o.at);
            self.b.attr("Name", Self::text(&m.key), m.at);
            self.bool_attr(body, "$IsBound", "IsBound");
            self.string_attr(body, "$EntitySetPath", "EntitySetPath");
            self.bool_attr(body, "$IsComposable", "IsComposable");
            if let Some(params) = self.array_member(body, "$Parameter") {
                for p in params {
                    let Some(pb) = self.array_object(p, "a `$Parameter` item") else {
                        continue;
                    };
                    self.b.open(Kind::Parameter, p.at);
                    match self.string(pb, "$Name") {
                        Some((n, s)) => self.b.attr("Name", Self::text(s), n.at),
                        None if member(pb, self.src, "$Name").is_some() => {}
                        None => {
                            self.error(format!("a parameter of `{name}` is missing `$Name`"), p.at)
                        }
                    }
                    self.type_attr(pb, p.at, None);
                    self.nullable_attr(pb, p.at, false);
                    self.facets(pb);
                    self.annotations(pb, "");
                    self.b.close();
                }
            }
            if let Some(r) = member(body, self.src, "$ReturnType")
                && let Some(rb) = self.object(r, "member")
            {
                self.b.open(Kind::ReturnType, r.at);
                self.type_attr(rb, r.at, None);
                self.nullable_attr(rb, r.at, false);
                self.facets(rb);
                self.annotations(rb, "");
                self.b.close();
            }
            self.annotations(body, "");
            self.b.close();
        }
    }

    fn container(&mut self, m: &'s Member, def: &'s [Member]) {
        self.named(Kind::EntityContainer, m);
        self.string_attr(def, "$Extends", "Extends");
        self.annotations(def, "");
        for c in def {
            let key = self.key(c);
            if key.starts_with('$') || key.contains('@') {
                continue;
            }
            let Some(body) = self.object(c, "entity container member") else {
                continue;
            };
            let name = crate::names::escape(key);
            if member(body, self.src, "$Action").is_some() {
                self.named(Kind::ActionImport, c);
                self.string_attr(body, "$Action", "Action");
                self.string_attr(body, "$EntitySet", "EntitySet");
            } else if member(body, self.src, "$Function").is_some() {
                self.named(Kind::FunctionImport, c);
                self.string_attr(body, "$Function", "Function");
                self.string_attr(body, "$EntitySet", "EntitySet");
                self.bool_attr(
                    body,
                    "$IncludeInServiceDocument",
                    "IncludeInServiceDocument",
                );
            } else if self.boolean(body, "$Collection").is_some_and(|(_, c)| c) {
                self.named(Kind::EntitySet, c);
                match self.string(body, "$Type") {
                    Some((t, s)) => self.b.attr("EntityType", Self::text(s), t.at),
                    None if member(body, self.src, "$Type").is_some() => {}
                    None => self.error(format!("entity set `{name}` is missing `$Type`"), c.at),
                }
                self.bool_attr(
                    body,
                    "$IncludeInServiceDocument",
                    "IncludeInServiceDocument",
                );
                self.bindings(body);
            } else {
                self.named(Kind::Singleton, c);
                match self.string(body, "$Type") {
                    Some((t, s)) => self.b.attr("Type", Self::text(s), t.at),
                    None if member(body, self.src, "$Type").is_some() => {}
                    None => self.error(
                        format!("singleton `{name}` is missing `$Type` (an entity set needs `\"$Collection\": true`)"),
                        c.at,
                    ),
                }
                self.bool_attr(body, "$Nullable", "Nullable");
                self.bindings(body);
            }
            self.annotations(body, "");
            self.b.close();
        }
        self.b.close();
    }

    fn bindings(&mut self, body: &'s [Member]) {
        let Some(m) = member(body, self.src, "$NavigationPropertyBinding") else {
            return;
        };
        let Some(pairs) = self.object(m, "member") else {
            return;
        };
        for p in pairs {
            let V::Str(target) = &p.val.v else {
                self.error(
                    format!(
                        "navigation property binding `{}` must name its target (a string), not {}",
                        crate::names::escape(self.key(p)),
                        what(&p.val.v)
                    ),
                    p.val.at,
                );
                continue;
            };
            self.b.open(Kind::NavigationPropertyBinding, p.at);
            self.b.attr("Path", Self::text(&p.key), p.at);
            self.b.attr("Target", Self::text(target), p.val.at);
            self.b.close();
        }
    }

    fn external_annotations(&mut self, m: &'s Member) {
        let Some(targets) = self.object(m, "member") else {
            return;
        };
        for t in targets {
            let Some(body) = self.object(t, "annotation target") else {
                continue;
            };
            self.b.open(Kind::Annotations, t.at);
            self.b.attr("Target", Self::text(&t.key), t.at);
            self.annotations(body, "");
            self.b.close();
        }
    }

    // -- annotations --------------------------------------------------------------

    /// The annotations of `obj` on `target`: members `target@Term#Qualifier`
    /// (`target` empty: on the object itself), each with the annotations on it
    /// (`target@Term@Other`).
    fn annotations(&mut self, obj: &'s [Member], target: &str) {
        let index = self.index(obj);
        let Some(found) = index.on.get(target) else {
            return;
        };
        for &i in found {
            let a = &obj[i];
            let key = self.key(a);
            let term_q = &key[target.len() + 1..];
            self.annotation(obj, a, key, term_q);
        }
    }

    /// Where the annotations of an object are, by what they annotate (built once per
    /// object, so that an object with many members is read in linear time).
    fn index(&mut self, obj: &'s [Member]) -> Arc<AnnIndex<'s>> {
        let id = obj.as_ptr() as usize;
        if let Some(i) = self.indexes.get(&id) {
            return i.clone();
        }
        let mut index = AnnIndex::default();
        for (i, m) in obj.iter().enumerate() {
            let key = self.key(m);
            let Some((target, rest)) = key.split_once('@') else {
                continue;
            };
            match key.rfind('@') {
                Some(last) if rest.contains('@') => {
                    index.nested.entry(&key[..last]).or_default().push(i)
                }
                _ => index.on.entry(target).or_default().push(i),
            }
        }
        let index = Arc::new(index);
        self.indexes.insert(id, index.clone());
        index
    }

    /// Whether the element about to be opened would be nested deeper than
    /// [`MAX_DEPTH`] (the XML reader's limit, which keeps the recursive stages after it
    /// within their stack); an error at `at` if so.
    fn too_deep(&mut self, at: u32) -> bool {
        if self.b.depth() < MAX_DEPTH {
            return false;
        }
        self.error(
            format!("annotations and their values are nested more than {MAX_DEPTH} levels deep"),
            at,
        );
        true
    }

    fn annotation(&mut self, obj: &'s [Member], a: &'s Member, key: &str, term_q: &str) {
        if self.too_deep(a.at) {
            return;
        }
        let (term, qualifier) = match term_q.split_once('#') {
            Some((t, q)) => (t, Some(q)),
            None => (term_q, None),
        };
        if term.is_empty() {
            self.error(
                format!("annotation `{}` names no term", crate::names::escape(key)),
                a.at,
            );
            return;
        }
        self.b.open(Kind::Annotation, a.at);
        self.b.attr("Term", Self::owned(term), a.at);
        if let Some(q) = qualifier {
            self.b.attr("Qualifier", Self::owned(q), a.at);
        }
        let canonical_term = canonical(&self.types.aliases, term);
        let ty = self.types.term(&canonical_term);
        self.expr(&a.val, ty.as_ref());
        // Annotations on this annotation: `key@Other`.
        let index = self.index(obj);
        for &i in index.nested.get(key).map(Vec::as_slice).unwrap_or(&[]) {
            let n = &obj[i];
            let nk = self.key(n);
            self.annotation(obj, n, nk, &nk[key.len() + 1..]);
        }
        self.b.close();
    }

    /// A value expression, typed by `ty` when known.
    fn expr(&mut self, n: &'s Node, ty: Option<&TyRef>) {
        if self.too_deep(n.at) {
            return;
        }
        match &n.v {
            V::Null => {
                self.b.open(Kind::Null, n.at);
                self.b.close();
            }
            V::Bool(b) => self.leaf(Kind::Bool, n.at, Self::bool_text(*b)),
            V::Num(a, b) => {
                let text = &self.src[*a as usize..*b as usize];
                let integral = !text.contains(['.', 'e', 'E']);
                let kind = match ty.map(|t| self.types.scalar(&t.name)) {
                    Some(Scalar::Primitive(p)) => match p.as_str() {
                        "Decimal" => Kind::Decimal,
                        "Double" | "Single" => Kind::Float,
                        _ if integral => Kind::Int,
                        _ => Kind::Decimal,
                    },
                    _ if integral => Kind::Int,
                    _ if text.contains(['e', 'E']) => Kind::Float,
                    _ => Kind::Decimal,
                };
                self.leaf(kind, n.at, Text::Span(*a, *b));
            }
            V::Str(s) => self.string_expr(n, s, ty),
            V::Arr(items) => {
                self.b.open(Kind::Collection, n.at);
                for i in items {
                    self.expr(i, ty);
                }
                self.b.close();
            }
            V::Obj(o) => self.object_expr(n, o, ty),
        }
    }

    fn leaf(&mut self, kind: Kind, at: u32, text: Text) {
        self.b.open(kind, at);
        self.b.text(text);
        self.b.close();
    }

    fn string_expr(&mut self, n: &'s Node, s: &'s Str, ty: Option<&TyRef>) {
        let value = str_of(self.src, s);
        let scalar = ty.map(|t| self.types.scalar(&t.name));
        let kind = match &scalar {
            Some(Scalar::Enum(enum_ty)) => {
                let members: Vec<String> = value
                    .split([',', ' '])
                    .filter(|m| !m.is_empty())
                    .map(|m| {
                        if m.contains('/') {
                            m.to_string()
                        } else {
                            format!("{enum_ty}/{m}")
                        }
                    })
                    .collect();
                return self.leaf(Kind::EnumMember, n.at, Self::owned(members.join(" ")));
            }
            Some(Scalar::Primitive(p)) => match p.as_str() {
                "Binary" => Kind::Binary,
                "Date" => Kind::Date,
                "DateTimeOffset" => Kind::DateTimeOffset,
                "Decimal" => Kind::Decimal,
                "Duration" => Kind::Duration,
                "Guid" => Kind::Guid,
                "TimeOfDay" => Kind::TimeOfDay,
                "Double" | "Single" => Kind::Float,
                "Int64" | "Int32" | "Int16" | "Byte" | "SByte" => Kind::Int,
                "AnnotationPath" => Kind::AnnotationPath,
                "ModelElementPath" => Kind::ModelElementPath,
                "NavigationPropertyPath" => Kind::NavigationPropertyPath,
                "PropertyPath" | "AnyPropertyPath" => Kind::PropertyPath,
                _ => Kind::String,
            },
            _ => Kind::String,
        };
        self.leaf(kind, n.at, Self::text(s));
    }

    fn object_expr(&mut self, n: &'s Node, o: &'s [Member], ty: Option<&TyRef>) {
        for (word, kind) in PATHS {
            if let Some(m) = member(o, self.src, word) {
                match &m.val.v {
                    V::Str(s) => self.leaf(*kind, n.at, Self::text(s)),
                    other => self.error(
                        format!("`{word}` must be a string, not {}", what(other)),
                        m.val.at,
                    ),
                }
                return;
            }
        }
        for (word, kind) in OPERATORS {
            let Some(m) = member(o, self.src, word) else {
                continue;
            };
            self.b.open(*kind, n.at);
            match kind {
                Kind::Apply => self.string_attr(o, "$Function", "Function"),
                Kind::Cast | Kind::IsOf => {
                    self.type_attr(o, n.at, Some(&format!("`{word}`")));
                    self.facets(o);
                }
                Kind::LabeledElement => self.string_attr(o, "$Name", "Name"),
                _ => {}
            }
            self.annotations(o, "");
            match (&m.val.v, kind) {
                (
                    V::Arr(args),
                    Kind::Apply
                    | Kind::If
                    | Kind::And
                    | Kind::Or
                    | Kind::Eq
                    | Kind::Ne
                    | Kind::Gt
                    | Kind::Ge
                    | Kind::Lt
                    | Kind::Le
                    | Kind::Has
                    | Kind::In
                    | Kind::Add
                    | Kind::Sub
                    | Kind::Mul
                    | Kind::Div
                    | Kind::DivBy
                    | Kind::Mod,
                ) => {
                    for a in args {
                        self.expr(a, None);
                    }
                }
                (
                    _,
                    Kind::Cast
                    | Kind::IsOf
                    | Kind::LabeledElement
                    | Kind::UrlRef
                    | Kind::Not
                    | Kind::Neg,
                ) => self.expr(&m.val, None),
                (other, _) => self.error(
                    format!("`{word}` must be an array of operands, not {}", what(other)),
                    m.val.at,
                ),
            }
            self.b.close();
            return;
        }
        self.record(n, o, ty);
    }

    fn record(&mut self, n: &'s Node, o: &'s [Member], ty: Option<&TyRef>) {
        self.b.open(Kind::Record, n.at);
        let mut record_ty = ty.map(|t| t.name.clone());
        for word in ["@type", "@odata.type"] {
            if let Some((m, s)) = self.string(o, word) {
                let raw = str_of(self.src, s);
                let name = raw.rsplit_once('#').map_or(raw, |(_, n)| n);
                let name = canonical(&self.types.aliases, name);
                self.b.attr("Type", Self::owned(name.clone()), m.at);
                record_ty = Some(name);
            }
        }
        let index = self.index(o);
        for &i in index.on.get("").map(Vec::as_slice).unwrap_or(&[]) {
            let a = &o[i];
            let key = self.key(a);
            if key != "@type" && key != "@odata.type" {
                self.annotation(o, a, key, &key[1..]);
            }
        }
        for p in o {
            let key = self.key(p);
            if key.contains('@') || key.starts_with('$') {
                continue;
            }
            let pty = record_ty
                .as_deref()
                .and_then(|t| self.types.property(t, key));
            self.b.open(Kind::PropertyValue, p.at);
            self.b.attr("Property", Self::text(&p.key), p.at);
            self.expr(&p.val, pty.as_ref());
            self.annotations(o, key);
            self.b.close();
        }
        self.b.close();
    }
}
