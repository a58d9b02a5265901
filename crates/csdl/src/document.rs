//! The lossless, positioned image of one CSDL XML file.
//!
//! A [`Document`] is a flat arena of [`Element`]s in document order. Each element
//! records its CSDL [`Kind`], its position, its unprefixed attributes (as spans into
//! the source text, unescaped only when they contain a reference) and, for the
//! expression elements that carry one, its character content.
//!
//! Parsing is tolerant where CSDL requires it (unknown elements, attributes in foreign
//! namespaces and elements in foreign namespaces are ignored) and strict where the
//! input is wrong (malformed XML, a DOCTYPE, an OData v2/v3 document).

use std::borrow::Cow;
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::diag::Pos;

/// The EDMX namespace of CSDL 4.0 and 4.01.
pub const EDMX_NS: &str = "http://docs.oasis-open.org/odata/ns/edmx";
/// The EDM namespace of CSDL 4.0 and 4.01.
pub const EDM_NS: &str = "http://docs.oasis-open.org/odata/ns/edm";

/// Index of an element in [`Document::elements`].
pub type ElemId = u32;

const NONE: u32 = u32::MAX;

macro_rules! kinds {
    ($( $(#[$m:meta])* $v:ident = $s:literal, )*) => {
        /// The CSDL elements a [`Document`] records.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind {
            $( $(#[$m])* $v, )*
        }
        impl Kind {
            /// The element's local name as written in CSDL XML.
            pub fn name(self) -> &'static str {
                match self { $( Kind::$v => $s, )* }
            }
            fn edm(local: &str) -> Option<Kind> {
                match local { $( $s => Some(Kind::$v), )* _ => None }
            }
        }
    };
}

kinds! {
    /// `edmx:Edmx`.
    Edmx = "Edmx",
    /// `edmx:Reference`.
    Reference = "Reference",
    /// `edmx:Include`.
    Include = "Include",
    /// `edmx:IncludeAnnotations`.
    IncludeAnnotations = "IncludeAnnotations",
    /// `edmx:DataServices`.
    DataServices = "DataServices",
    /// `Schema`.
    Schema = "Schema",
    /// `EntityType`.
    EntityType = "EntityType",
    /// `Key`.
    Key = "Key",
    /// `PropertyRef`.
    PropertyRef = "PropertyRef",
    /// `ComplexType`.
    ComplexType = "ComplexType",
    /// `Property`.
    Property = "Property",
    /// `NavigationProperty`.
    NavigationProperty = "NavigationProperty",
    /// `ReferentialConstraint`.
    ReferentialConstraint = "ReferentialConstraint",
    /// `OnDelete`.
    OnDelete = "OnDelete",
    /// `EnumType`.
    EnumType = "EnumType",
    /// Enum `Member`.
    Member = "Member",
    /// `TypeDefinition`.
    TypeDefinition = "TypeDefinition",
    /// `Action`.
    Action = "Action",
    /// `Function`.
    Function = "Function",
    /// `Parameter`.
    Parameter = "Parameter",
    /// `ReturnType`.
    ReturnType = "ReturnType",
    /// `EntityContainer`.
    EntityContainer = "EntityContainer",
    /// `EntitySet`.
    EntitySet = "EntitySet",
    /// `Singleton`.
    Singleton = "Singleton",
    /// `NavigationPropertyBinding`.
    NavigationPropertyBinding = "NavigationPropertyBinding",
    /// `ActionImport`.
    ActionImport = "ActionImport",
    /// `FunctionImport`.
    FunctionImport = "FunctionImport",
    /// `Term`.
    Term = "Term",
    /// `Annotations` (external targeting).
    Annotations = "Annotations",
    /// `Annotation`.
    Annotation = "Annotation",
    /// Constant expression `Binary`.
    Binary = "Binary",
    /// Constant expression `Bool`.
    Bool = "Bool",
    /// Constant expression `Date`.
    Date = "Date",
    /// Constant expression `DateTimeOffset`.
    DateTimeOffset = "DateTimeOffset",
    /// Constant expression `Decimal`.
    Decimal = "Decimal",
    /// Constant expression `Duration`.
    Duration = "Duration",
    /// Constant expression `EnumMember`.
    EnumMember = "EnumMember",
    /// Constant expression `Float`.
    Float = "Float",
    /// Constant expression `Guid`.
    Guid = "Guid",
    /// Constant expression `Int`.
    Int = "Int",
    /// Constant expression `String`.
    String = "String",
    /// Constant expression `TimeOfDay`.
    TimeOfDay = "TimeOfDay",
    /// `AnnotationPath`.
    AnnotationPath = "AnnotationPath",
    /// `ModelElementPath`.
    ModelElementPath = "ModelElementPath",
    /// `NavigationPropertyPath`.
    NavigationPropertyPath = "NavigationPropertyPath",
    /// `PropertyPath`.
    PropertyPath = "PropertyPath",
    /// `Path`.
    Path = "Path",
    /// `And`.
    And = "And",
    /// `Or`.
    Or = "Or",
    /// `Not`.
    Not = "Not",
    /// `Eq`.
    Eq = "Eq",
    /// `Ne`.
    Ne = "Ne",
    /// `Gt`.
    Gt = "Gt",
    /// `Ge`.
    Ge = "Ge",
    /// `Lt`.
    Lt = "Lt",
    /// `Le`.
    Le = "Le",
    /// `Has`.
    Has = "Has",
    /// `In`.
    In = "In",
    /// `Add`.
    Add = "Add",
    /// `Sub`.
    Sub = "Sub",
    /// `Neg`.
    Neg = "Neg",
    /// `Mul`.
    Mul = "Mul",
    /// `Div`.
    Div = "Div",
    /// `DivBy`.
    DivBy = "DivBy",
    /// `Mod`.
    Mod = "Mod",
    /// `Apply`.
    Apply = "Apply",
    /// `Cast`.
    Cast = "Cast",
    /// `Collection`.
    Collection = "Collection",
    /// `If`.
    If = "If",
    /// `IsOf`.
    IsOf = "IsOf",
    /// `LabeledElement`.
    LabeledElement = "LabeledElement",
    /// `LabeledElementReference`.
    LabeledElementReference = "LabeledElementReference",
    /// `Null`.
    Null = "Null",
    /// `Record`.
    Record = "Record",
    /// `PropertyValue`.
    PropertyValue = "PropertyValue",
    /// `UrlRef`.
    UrlRef = "UrlRef",
}

impl Kind {
    /// Whether this element is a constant or path expression whose value is its text.
    pub fn has_text(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Binary
                | Bool
                | Date
                | DateTimeOffset
                | Decimal
                | Duration
                | EnumMember
                | Float
                | Guid
                | Int
                | String
                | TimeOfDay
                | AnnotationPath
                | ModelElementPath
                | NavigationPropertyPath
                | PropertyPath
                | Path
                | LabeledElementReference
        )
    }
    /// Whether this element is an annotation expression.
    pub fn is_expression(self) -> bool {
        use Kind::*;
        self.has_text()
            || matches!(
                self,
                And | Or
                    | Not
                    | Eq
                    | Ne
                    | Gt
                    | Ge
                    | Lt
                    | Le
                    | Has
                    | In
                    | Add
                    | Sub
                    | Neg
                    | Mul
                    | Div
                    | DivBy
                    | Mod
                    | Apply
                    | Cast
                    | Collection
                    | If
                    | IsOf
                    | LabeledElement
                    | Null
                    | Record
                    | UrlRef
            )
    }
    fn edmx(local: &[u8]) -> Option<Kind> {
        Some(match local {
            b"Edmx" => Kind::Edmx,
            b"Reference" => Kind::Reference,
            b"Include" => Kind::Include,
            b"IncludeAnnotations" => Kind::IncludeAnnotations,
            b"DataServices" => Kind::DataServices,
            _ => return None,
        })
    }
}

/// Text held by a document: a span of the source, or an unescaped copy.
#[derive(Debug, Clone)]
pub enum Text {
    /// Bytes `start..end` of the source, verbatim.
    Span(u32, u32),
    /// Unescaped text (the source contained character or entity references).
    Owned(Box<str>),
}

/// One unprefixed attribute.
#[derive(Debug, Clone)]
pub struct Attr {
    name: (u32, u32),
    value: Text,
    /// Position of the attribute's name.
    pub pos: Pos,
}

/// One CSDL element.
#[derive(Debug, Clone)]
pub struct Element {
    /// What it is.
    pub kind: Kind,
    /// Position of its `<`.
    pub pos: Pos,
    /// Parent element, `None` for the root.
    pub parent: Option<ElemId>,
    first_child: u32,
    next_sibling: u32,
    attrs: (u32, u32),
    /// Character content (only for [`Kind::has_text`] elements), trimmed of nothing.
    text: Option<Text>,
}

/// The lossless image of one CSDL XML file.
#[derive(Debug, Clone)]
pub struct Document {
    /// Index of the file in [`crate::diag::Sources`].
    pub file: u32,
    /// The source text.
    pub text: Arc<str>,
    /// The elements, in document order; element 0 is the `edmx:Edmx` root.
    pub elements: Vec<Element>,
    attrs: Vec<Attr>,
}

/// A located error found while reading a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub pos: Pos,
}

impl Document {
    /// The root element (`edmx:Edmx`).
    pub fn root(&self) -> ElemId {
        0
    }
    /// The element of `id`.
    pub fn element(&self, id: ElemId) -> &Element {
        &self.elements[id as usize]
    }
    /// The kind of `id`.
    pub fn kind(&self, id: ElemId) -> Kind {
        self.elements[id as usize].kind
    }
    /// The parent of `id`.
    pub fn parent(&self, id: ElemId) -> Option<ElemId> {
        self.elements[id as usize].parent
    }
    /// The position of `id`.
    pub fn pos(&self, id: ElemId) -> Pos {
        self.elements[id as usize].pos
    }
    /// The children of `id`, in document order.
    pub fn children(&self, id: ElemId) -> Children<'_> {
        Children {
            doc: self,
            next: self.elements[id as usize].first_child,
        }
    }
    /// The children of `id` of one kind.
    pub fn children_of(&self, id: ElemId, kind: Kind) -> impl Iterator<Item = ElemId> + '_ {
        self.children(id).filter(move |c| self.kind(*c) == kind)
    }
    /// The first child of `id` of one kind.
    pub fn child(&self, id: ElemId, kind: Kind) -> Option<ElemId> {
        self.children_of(id, kind).next()
    }
    /// The unprefixed attributes of `id`, in document order.
    pub fn attrs(&self, id: ElemId) -> &[Attr] {
        let (a, b) = self.elements[id as usize].attrs;
        &self.attrs[a as usize..b as usize]
    }
    /// The attribute `name` of `id`.
    pub fn attr(&self, id: ElemId, name: &str) -> Option<&Attr> {
        self.attrs(id).iter().find(|a| self.attr_name(a) == name)
    }
    /// The value of attribute `name` of `id`.
    pub fn get(&self, id: ElemId, name: &str) -> Option<&str> {
        self.attr(id, name).map(|a| self.value(a))
    }
    /// An attribute's name.
    pub fn attr_name(&self, attr: &Attr) -> &str {
        match attr.name {
            (STATIC_NAME, i) => NAMES[i as usize],
            (a, b) => &self.text[a as usize..b as usize],
        }
    }
    /// An attribute's (unescaped) value.
    pub fn value<'s>(&'s self, attr: &'s Attr) -> &'s str {
        self.text_of(&attr.value)
    }
    /// The character content of an expression element, if it has one.
    pub fn text(&self, id: ElemId) -> Option<&str> {
        self.elements[id as usize]
            .text
            .as_ref()
            .map(|t| self.text_of(t))
    }
    fn text_of<'s>(&'s self, t: &'s Text) -> &'s str {
        match t {
            Text::Span(a, b) => &self.text[*a as usize..*b as usize],
            Text::Owned(s) => s,
        }
    }
    /// Position of attribute `name` of `id`, or of the element when it is absent.
    pub fn attr_pos(&self, id: ElemId, name: &str) -> Pos {
        self.attr(id, name)
            .map(|a| a.pos)
            .unwrap_or_else(|| self.pos(id))
    }
}

/// Iterator over an element's children.
pub struct Children<'d> {
    doc: &'d Document,
    next: u32,
}

impl Iterator for Children<'_> {
    type Item = ElemId;
    fn next(&mut self) -> Option<ElemId> {
        if self.next == NONE {
            return None;
        }
        let cur = self.next;
        self.next = self.doc.elements[cur as usize].next_sibling;
        Some(cur)
    }
}

/// The deepest element nesting accepted, counting elements the reader ignores (CSDL
/// needs about a dozen levels; the limit keeps later recursive stages within their
/// stack). Deeper nesting is an error at the element that exceeds it.
pub const MAX_DEPTH: usize = 200;

/// The longest attribute value, and the longest character content of an expression
/// element, accepted (in bytes, as written). Real documents stay under 2 KB (Graph's
/// longest description is 849 characters); a longer value is an error at its
/// attribute or element. Names are held to 128 characters ([`crate::names`]).
pub const MAX_VALUE_LEN: usize = 1024 * 1024;

/// Marks an attribute name given by [`Builder::attr`] (an index into [`NAMES`])
/// rather than a span of the source.
const STATIC_NAME: u32 = u32::MAX;

/// The attribute names a [`Builder`] may give (those the resolver reads).
const NAMES: &[&str] = &[
    "Abstract",
    "Action",
    "Alias",
    "AppliesTo",
    "BaseTerm",
    "BaseType",
    "ContainsTarget",
    "DefaultValue",
    "EntitySet",
    "EntitySetPath",
    "EntityType",
    "Extends",
    "Function",
    "HasStream",
    "IncludeInServiceDocument",
    "IsBound",
    "IsComposable",
    "IsFlags",
    "MaxLength",
    "Name",
    "Namespace",
    "Nullable",
    "OpenType",
    "Partner",
    "Path",
    "Precision",
    "Property",
    "Qualifier",
    "ReferencedProperty",
    "SRID",
    "Scale",
    "Target",
    "TargetNamespace",
    "Term",
    "TermNamespace",
    "Type",
    "UnderlyingType",
    "Unicode",
    "Uri",
    "Value",
    "Version",
];

/// Builds a [`Document`] element by element, for readers of other notations of CSDL
/// (the JSON reader, [`crate::json`]): the same positioned image, so that resolution
/// has one path. Elements are opened as children of the innermost open element.
pub(crate) struct Builder {
    file: u32,
    elements: Vec<Element>,
    attrs: Vec<Attr>,
    stack: Vec<Open>,
}

impl Builder {
    pub(crate) fn new(file: u32) -> Self {
        Builder {
            file,
            elements: Vec::new(),
            attrs: Vec::new(),
            stack: Vec::new(),
        }
    }
    /// Opens an element at byte `offset`, as the last child of the innermost open one.
    pub(crate) fn open(&mut self, kind: Kind, offset: u32) -> ElemId {
        let id = self.elements.len() as u32;
        let parent = self.stack.last().map(|o| o.id);
        let start = self.attrs.len() as u32;
        self.elements.push(Element {
            kind,
            pos: Pos {
                file: self.file,
                offset,
            },
            parent,
            first_child: NONE,
            next_sibling: NONE,
            attrs: (start, start),
            text: None,
        });
        if let Some(open) = self.stack.last_mut() {
            if open.last_child == NONE {
                self.elements[open.id as usize].first_child = id;
            } else {
                self.elements[open.last_child as usize].next_sibling = id;
            }
            open.last_child = id;
        }
        self.stack.push(Open {
            id,
            last_child: NONE,
        });
        id
    }
    /// How many elements are open.
    pub(crate) fn depth(&self) -> usize {
        self.stack.len()
    }
    /// Closes the innermost open element.
    pub(crate) fn close(&mut self) {
        self.stack.pop();
    }
    /// Gives the innermost open element (which has no children yet) an attribute
    /// named `name` (one of [`NAMES`]), named at byte `offset`.
    pub(crate) fn attr(&mut self, name: &'static str, value: Text, offset: u32) {
        let Some(open) = self.stack.last() else {
            return;
        };
        let i = NAMES
            .iter()
            .position(|n| *n == name)
            .expect("attribute name listed in NAMES");
        self.attrs.push(Attr {
            name: (STATIC_NAME, i as u32),
            value,
            pos: Pos {
                file: self.file,
                offset,
            },
        });
        self.elements[open.id as usize].attrs.1 = self.attrs.len() as u32;
    }
    /// Sets the character content of the innermost open element.
    pub(crate) fn text(&mut self, value: Text) {
        if let Some(open) = self.stack.last() {
            self.elements[open.id as usize].text = Some(value);
        }
    }
    /// The document, whose element 0 is the first element opened.
    pub(crate) fn finish(self, text: Arc<str>) -> Document {
        Document {
            file: self.file,
            text,
            elements: self.elements,
            attrs: self.attrs,
        }
    }
}

const LEGACY_V2V3: &str =
    "this is an OData v2/v3 (EDMX 1.0) document; only OData v4 CSDL is supported";

fn is_legacy_ns(ns: &[u8]) -> bool {
    ns.starts_with(b"http://schemas.microsoft.com/ado/")
}

/// Reads one CSDL XML document. `file` is the index given to its [`Pos`]itions.
pub fn parse(file: u32, text: Arc<str>) -> Result<Document, Vec<ParseError>> {
    let mut p = Parser {
        file,
        base: text.as_ptr() as usize,
        len: text.len(),
        elements: Vec::with_capacity(text.len() / 64),
        attrs: Vec::with_capacity(text.len() / 40),
        stack: Vec::with_capacity(32),
        skip: 0,
        errors: Vec::new(),
        text_buf: None,
    };
    p.run(&text);
    if !p.errors.is_empty() {
        return Err(p.errors);
    }
    Ok(Document {
        file,
        text,
        elements: p.elements,
        attrs: p.attrs,
    })
}

struct Open {
    id: u32,
    last_child: u32,
}

struct Parser {
    file: u32,
    base: usize,
    len: usize,
    elements: Vec<Element>,
    attrs: Vec<Attr>,
    stack: Vec<Open>,
    /// Depth of an ignored subtree being skipped (0 = not skipping).
    skip: u32,
    errors: Vec<ParseError>,
    /// Accumulated text of the innermost text-bearing element, when it has several parts.
    text_buf: Option<(u32, String)>,
}

impl Parser {
    fn pos(&self, offset: usize) -> Pos {
        Pos {
            file: self.file,
            offset: offset.min(u32::MAX as usize) as u32,
        }
    }
    fn offset_of<T: AsRef<[u8]> + ?Sized>(&self, s: &T) -> usize {
        let p = s.as_ref().as_ptr() as usize;
        if p >= self.base && p <= self.base + self.len {
            p - self.base
        } else {
            0
        }
    }
    fn error(&mut self, message: impl Into<String>, offset: usize) {
        let pos = self.pos(offset);
        self.errors.push(ParseError {
            message: message.into(),
            pos,
        });
    }

    fn run(&mut self, text: &str) {
        let mut reader = NsReader::from_str(text);
        reader.config_mut().check_end_names = true;
        let mut root_seen = false;
        loop {
            let before = reader.buffer_position() as usize;
            let ev = reader.read_resolved_event();
            let (ns, ev) = match ev {
                Ok((ns, ev)) => (ns_class(&ns), ev),
                Err(e) => {
                    // Limits of the XML reader (nesting, namespace bindings) leave the
                    // error position unset: the event began at `before`.
                    let at = (reader.error_position() as usize).max(before);
                    self.error(format!("malformed XML: {e}"), at);
                    return;
                }
            };
            match ev {
                Event::Start(e) if !self.start(text, ns, &e, &mut root_seen, false) => return,
                Event::Empty(e) if !self.start(text, ns, &e, &mut root_seen, true) => return,
                Event::Start(_) | Event::Empty(_) => {}
                Event::End(_) => {
                    if self.skip > 0 {
                        self.skip -= 1;
                    } else {
                        self.end();
                    }
                }
                Event::Text(t) if self.wants_text() => {
                    let raw: &str = &t;
                    let start = self.offset_of(raw.as_bytes());
                    if !self.text_fits(raw.len()) {
                        return;
                    }
                    let content = t.xml10_content();
                    self.push_text(text, start, start + raw.len(), content);
                }
                Event::CData(t) if self.wants_text() => {
                    let raw: &str = &t;
                    let start = self.offset_of(raw.as_bytes());
                    if !self.text_fits(raw.len()) {
                        return;
                    }
                    let s = raw.to_owned();
                    self.push_text(text, start, start + raw.len(), Cow::Owned(s));
                }
                Event::GeneralRef(r) => {
                    let raw: &str = &r;
                    let at = self.offset_of(raw.as_bytes()).saturating_sub(1);
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        Ok(None) => match raw {
                            "lt" => Some("<".into()),
                            "gt" => Some(">".into()),
                            "amp" => Some("&".into()),
                            "apos" => Some("'".into()),
                            "quot" => Some("\"".into()),
                            _ => None,
                        },
                        Err(_) => None,
                    };
                    match resolved {
                        Some(s) => {
                            if self.wants_text() {
                                if !self.text_fits(s.len()) {
                                    return;
                                }
                                self.push_text(text, at, at, Cow::Owned(s));
                            }
                        }
                        None => {
                            let name = crate::names::escape(raw);
                            self.error(
                                format!("malformed XML: unknown entity reference `&{name};`"),
                                at,
                            );
                            return;
                        }
                    }
                }
                Event::DocType(_) => {
                    self.error(
                        "a DOCTYPE is not allowed in a CSDL document (entity declarations are not expanded)",
                        before,
                    );
                    return;
                }
                Event::Eof => {
                    if !self.stack.is_empty() {
                        self.error(
                            "malformed XML: unexpected end of document (unclosed element)",
                            text.len(),
                        );
                    } else if !root_seen {
                        self.error("not a CSDL document: no `edmx:Edmx` root element", 0);
                    }
                    return;
                }
                _ => {}
            }
        }
    }

    fn wants_text(&self) -> bool {
        self.skip == 0
            && self
                .stack
                .last()
                .is_some_and(|o| self.elements[o.id as usize].kind.has_text())
    }

    /// Whether `more` bytes of text still fit the innermost element's content; else
    /// an error at the element.
    fn text_fits(&mut self, more: usize) -> bool {
        let Some(open) = self.stack.last() else {
            return true;
        };
        let id = open.id;
        let el = &self.elements[id as usize];
        let have = match (&self.text_buf, &el.text) {
            (Some((owner, buf)), _) if *owner == id => buf.len(),
            (_, Some(Text::Span(a, b))) => (b - a) as usize,
            (_, Some(Text::Owned(o))) => o.len(),
            (_, None) => 0,
        };
        if have + more <= MAX_VALUE_LEN {
            return true;
        }
        let (kind, pos) = (el.kind.name(), el.pos.offset as usize);
        self.error(
            format!(
                "the content of `{kind}` is longer than {} MiB ({MAX_VALUE_LEN} bytes), the most accepted",
                MAX_VALUE_LEN >> 20
            ),
            pos,
        );
        false
    }

    fn push_text(&mut self, text: &str, start: usize, end: usize, content: Cow<'_, str>) {
        let Some(open) = self.stack.last() else {
            return;
        };
        let id = open.id;
        if let Some((owner, buf)) = &mut self.text_buf
            && *owner == id
        {
            buf.push_str(&content);
            return;
        }
        self.flush_text();
        let el = &mut self.elements[id as usize];
        let verbatim = matches!(content, Cow::Borrowed(_)) && end - start == content.len();
        match &el.text {
            None => {
                el.text = Some(if verbatim {
                    Text::Span(start as u32, end as u32)
                } else {
                    Text::Owned(content.into())
                });
            }
            Some(prev) => {
                let mut s = String::new();
                match prev {
                    Text::Span(a, b) => s.push_str(&text[*a as usize..*b as usize]),
                    Text::Owned(o) => s.push_str(o),
                }
                s.push_str(&content);
                self.text_buf = Some((id, s));
            }
        }
    }

    fn flush_text(&mut self) {
        if let Some((owner, buf)) = self.text_buf.take() {
            self.elements[owner as usize].text = Some(Text::Owned(buf.into_boxed_str()));
        }
    }

    /// Returns false when parsing must stop.
    fn start(
        &mut self,
        text: &str,
        ns: Ns,
        e: &BytesStart<'_>,
        root_seen: &mut bool,
        empty: bool,
    ) -> bool {
        let qname = e.name();
        let raw_name = qname.as_ref().as_bytes();
        let offset = self.offset_of(raw_name).saturating_sub(1);
        if self.skip > 0 {
            if !empty {
                if self.stack.len() + self.skip as usize >= MAX_DEPTH {
                    self.error(
                        format!("elements are nested more than {MAX_DEPTH} levels deep"),
                        offset,
                    );
                    return false;
                }
                self.skip += 1;
            }
            return true;
        }
        let local_name = e.local_name();
        let local_str: &str = local_name.as_ref();
        let local = local_str.as_bytes();
        if self.stack.is_empty() {
            if *root_seen {
                self.error("malformed XML: more than one root element", offset);
                return false;
            }
            *root_seen = true;
            if local == b"Edmx" {
                if let Ns::Legacy = ns {
                    self.error(LEGACY_V2V3, offset);
                    return false;
                }
                if let Ns::Edmx = ns {
                } else {
                    self.error(
                        format!("the root element `edmx:Edmx` must be in namespace `{EDMX_NS}`"),
                        offset,
                    );
                    return false;
                }
            } else {
                self.error(
                    format!(
                        "not a CSDL document: the root element is `{}`, expected `edmx:Edmx`",
                        crate::names::escape(&String::from_utf8_lossy(raw_name))
                    ),
                    offset,
                );
                return false;
            }
        }
        let kind = match ns {
            Ns::Edmx => Kind::edmx(local),
            Ns::Edm => Kind::edm(local_str).filter(|k| {
                !matches!(
                    k,
                    Kind::Edmx
                        | Kind::Reference
                        | Kind::Include
                        | Kind::IncludeAnnotations
                        | Kind::DataServices
                )
            }),
            Ns::Legacy if local == b"Schema" => {
                self.error(LEGACY_V2V3, offset);
                return false;
            }
            _ => None,
        };
        let Some(kind) = kind else {
            if !empty {
                self.skip = 1;
            }
            return true;
        };
        if self.stack.len() >= MAX_DEPTH {
            self.error(
                format!("elements are nested more than {MAX_DEPTH} levels deep"),
                offset,
            );
            return false;
        }
        let id = self.elements.len() as u32;
        let attr_start = self.attrs.len() as u32;
        for a in e.attributes().with_checks(true) {
            let a = match a {
                Ok(a) => a,
                Err(err) => {
                    use quick_xml::events::attributes::AttrError as A;
                    let (msg, at) = match err {
                        A::ExpectedEq(p) => {
                            ("an attribute name must be followed by `=`".to_string(), p)
                        }
                        A::ExpectedValue(p) => (
                            "`=` must be followed by a quoted attribute value".to_string(),
                            p,
                        ),
                        A::UnquotedValue(p) => ("attribute values must be quoted".to_string(), p),
                        A::ExpectedQuote(p, q) => (
                            format!("missing closing quote `{}` in attribute value", q as char),
                            p,
                        ),
                        A::Duplicated(p, _) => ("duplicate attribute".to_string(), p),
                    };
                    self.error(format!("malformed XML: {msg}"), offset + 1 + at);
                    return false;
                }
            };
            let key = a.key.as_ref().as_bytes();
            let raw: &str = a.value.as_ref();
            if raw.len() > MAX_VALUE_LEN {
                let at = self.offset_of(key);
                self.error(
                    format!(
                        "the value of attribute `{}` is longer than {} MiB ({MAX_VALUE_LEN} bytes), the most accepted",
                        crate::names::escape(&String::from_utf8_lossy(key)),
                        MAX_VALUE_LEN >> 20
                    ),
                    at,
                );
                return false;
            }
            if key.contains(&b':') || key == b"xmlns" {
                continue; // foreign-namespace attribute or namespace declaration
            }
            let kstart = self.offset_of(key);
            let vstart = self.offset_of(raw);
            let inside = text
                .get(vstart..vstart + raw.len())
                .is_some_and(|t| std::ptr::eq(t, raw));
            let value = if raw.contains('&') {
                match quick_xml::escape::unescape(raw) {
                    Ok(v) => Text::Owned(v.into_owned().into_boxed_str()),
                    Err(err) => {
                        let (msg, at) = match err {
                            quick_xml::escape::EscapeError::UnrecognizedEntity(r, name) => (
                                format!("unknown entity reference `&{name};`"),
                                vstart + r.start.saturating_sub(1),
                            ),
                            other => (other.to_string(), vstart),
                        };
                        self.error(format!("malformed XML: {msg}"), at);
                        return false;
                    }
                }
            } else if inside {
                Text::Span(vstart as u32, (vstart + raw.len()) as u32)
            } else {
                Text::Owned(raw.into())
            };
            self.attrs.push(Attr {
                name: (kstart as u32, (kstart + key.len()) as u32),
                value,
                pos: self.pos(kstart),
            });
        }
        let parent = self.stack.last().map(|o| o.id);
        self.elements.push(Element {
            kind,
            pos: self.pos(offset),
            parent,
            first_child: NONE,
            next_sibling: NONE,
            attrs: (attr_start, self.attrs.len() as u32),
            text: None,
        });
        if let Some(open) = self.stack.last_mut() {
            if open.last_child == NONE {
                self.elements[open.id as usize].first_child = id;
            } else {
                self.elements[open.last_child as usize].next_sibling = id;
            }
            open.last_child = id;
        }
        if !empty {
            self.stack.push(Open {
                id,
                last_child: NONE,
            });
        }
        true
    }

    fn end(&mut self) {
        if let Some(open) = self.stack.pop()
            && self
                .text_buf
                .as_ref()
                .is_some_and(|(owner, _)| *owner == open.id)
        {
            self.flush_text();
        }
    }
}

#[derive(Clone, Copy)]
enum Ns {
    Edmx,
    Edm,
    Legacy,
    Other,
}

fn ns_class(r: &ResolveResult<'_>) -> Ns {
    match r {
        ResolveResult::Bound(ns) => {
            let n = ns.as_ref().as_bytes();
            if n == EDMX_NS.as_bytes() {
                Ns::Edmx
            } else if n == EDM_NS.as_bytes() {
                Ns::Edm
            } else if is_legacy_ns(n) {
                Ns::Legacy
            } else {
                Ns::Other
            }
        }
        _ => Ns::Other,
    }
}
