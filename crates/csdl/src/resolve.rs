//! From [`Document`]s to a resolved [`Model`]: loading references, resolving names,
//! checking what CSDL requires, and merging annotations.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Errors, Pos, Severity, Sources};
use crate::document::{Document, ElemId, Kind};
use crate::model::*;

/// The most documents one load reads (the main file and its references).
pub const MAX_DOCUMENTS: usize = 256;

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

/// Reads and resolves the CSDL file at `path` and the documents it references
/// (see [`load_in`] for which references are opened).
pub fn load(path: &Path) -> Result<Model, Errors> {
    load_in(Path::new(""), &[path.to_path_buf()])
}

/// Reads and resolves `schemas[0]` and the documents it references; the paths are
/// relative to `base` and shown as given in diagnostics. The documents in `schemas`
/// are the user's explicit choice; a reference is opened only if it names one of them
/// or resolves (symbolic links followed) to a file inside the folder of the document
/// naming it. Every file opened must be a regular file of at most
/// [`MAX_DOCUMENT_SIZE`] bytes ([`read_document`]).
pub fn load_in(base: &Path, schemas: &[PathBuf]) -> Result<Model, Errors> {
    let main = schemas.first().cloned().unwrap_or_default();
    let explicit: HashSet<PathBuf> = schemas.iter().map(|p| normalize(p)).collect();
    let on_disk = |p: &Path| -> PathBuf {
        let full = base.join(p);
        if full.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            full
        }
    };
    load_impl(&main, &explicit, &|p: &Path, within: Option<&Path>| {
        let full = on_disk(p);
        if let Some(dir) = within {
            let inside = match (full.canonicalize(), on_disk(dir).canonicalize()) {
                (Ok(f), Ok(d)) => f.starts_with(&d),
                (Err(e), _) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(Unread::Missing(format!("`{}` not found", p.display())));
                }
                _ => false,
            };
            if !inside {
                return Err(Unread::Refused(format!(
                    "`{}` resolves (through a symbolic link) to a file outside the folder `{}`",
                    p.display(),
                    on_disk(dir).display()
                )));
            }
        }
        read_document(&full).map_err(|e| match e.kind {
            ReadErrorKind::NotFound => Unread::Missing(e.message),
            _ => Unread::Refused(e.message),
        })
    })
}

/// Why [`read_document`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// No such file.
    NotFound,
    /// A device, FIFO, socket or folder: only regular files are read.
    NotRegular,
    /// Larger than [`MAX_DOCUMENT_SIZE`].
    TooLarge,
    /// Not UTF-8.
    NotUtf8,
    /// Another I/O error (permissions, …).
    Io,
}

/// A file [`read_document`] did not read; the message names the path and echoes
/// nothing of the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// Why.
    pub kind: ReadErrorKind,
    /// The message: names the path, echoes nothing of the content.
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

/// Reads a CSDL document safely: only a regular file (symbolic links followed) of at
/// most [`MAX_DOCUMENT_SIZE`] bytes, in UTF-8. The type is checked before opening (a
/// FIFO would block the open, a device never ends) and again on the open file; the
/// read stops at the cap whatever the file claims.
pub fn read_document(path: &Path) -> Result<String, ReadError> {
    use std::io::Read;
    let fail = |kind, message: String| ReadError { kind, message };
    let io = |e: std::io::Error| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ReadErrorKind::NotFound
        } else {
            ReadErrorKind::Io
        };
        fail(kind, format!("cannot read `{}`: {e}", path.display()))
    };
    let check = |meta: &std::fs::Metadata| {
        if !meta.is_file() {
            return Err(fail(
                ReadErrorKind::NotRegular,
                format!(
                    "`{}` is not a regular file (a folder, device, FIFO or socket); only regular files are read",
                    path.display()
                ),
            ));
        }
        if meta.len() > MAX_DOCUMENT_SIZE {
            return Err(too_large(path, meta.len()));
        }
        Ok(())
    };
    check(&std::fs::metadata(path).map_err(io)?)?;
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    check(&meta)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_DOCUMENT_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_DOCUMENT_SIZE {
        return Err(too_large(path, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        fail(
            ReadErrorKind::NotUtf8,
            format!(
                "`{}` is not UTF-8 (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn too_large(path: &Path, len: u64) -> ReadError {
    ReadError {
        kind: ReadErrorKind::TooLarge,
        message: too_large_message(path, len),
    }
}

fn too_large_message(path: &Path, len: u64) -> String {
    format!(
        "`{}` is {len} bytes; documents larger than {} MiB are not read",
        path.display(),
        MAX_DOCUMENT_SIZE >> 20
    )
}

/// Reads and resolves CSDL text; `label` names it in diagnostics. References are
/// looked up nowhere (only the standard vocabularies are understood).
pub fn load_str(label: &str, text: &str) -> Result<Model, Errors> {
    let label_path = PathBuf::from(label);
    load_impl(&label_path, &HashSet::new(), &|p: &Path, _| {
        if p == label_path {
            Ok(text.to_owned())
        } else {
            Err(Unread::Missing(format!("cannot read `{}`", p.display())))
        }
    })
}

/// Reads and resolves the CSDL file at `path`, reading it and every referenced file
/// through `read` (which returns `None` for a file that does not exist). The same
/// rules as [`load_in`] apply to the paths asked for (none absolute, none outside the
/// folder of the naming document) and to the size of the texts returned; symbolic
/// links are `read`'s business (use [`read_document`] and check them, or [`load_in`]).
pub fn load_with(path: &Path, read: &dyn Fn(&Path) -> Option<String>) -> Result<Model, Errors> {
    load_impl(path, &HashSet::new(), &|p: &Path, _| {
        read(p).ok_or_else(|| Unread::Missing(format!("cannot read `{}`", p.display())))
    })
}

/// Why a document was not read.
enum Unread {
    /// It does not exist: another candidate may be tried.
    Missing(String),
    /// It exists but is not opened (outside the folder, not a regular file, too large).
    Refused(String),
}

/// Reads a document: `within` is the folder it must lie in (a reference), `None` for
/// a document the user named.
type ReadFn<'a> = dyn Fn(&Path, Option<&Path>) -> Result<String, Unread> + 'a;

type Raw = (Severity, String, Pos);

fn is_standard(ns: &str) -> bool {
    STANDARD_VOCABULARIES.contains(&ns)
}

/// Lexically normalises a path (`a/./b/../c` → `a/c`).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// The files a reference `uri` may denote, in the order tried, or why it is refused.
/// A URL (`https://…/x.xml`) is looked for by its last segment beside `base`; a
/// relative path must stay inside the folder of `base` unless it names one of the
/// `explicit` documents. Absolute paths and `file:` URIs are refused.
fn reference_candidates(
    base: &Path,
    uri: &str,
    explicit: &HashSet<PathBuf>,
) -> Result<Vec<(PathBuf, bool)>, String> {
    let dir = base.parent().unwrap_or(Path::new(""));
    let uri = uri.split(['#', '?']).next().unwrap_or("");
    let scheme = uri
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains(['/', '\\']));
    if scheme.is_some_and(|s| s.eq_ignore_ascii_case("file")) {
        return Err("a `file:` URI is never opened".into());
    }
    if uri.starts_with(['/', '\\']) || scheme.is_some_and(|s| s.len() == 1) {
        return Err("an absolute path is never opened".into());
    }
    if uri.contains('\\') {
        return Err("a path with `\\` is never opened".into());
    }
    let mut out: Vec<(PathBuf, bool)> = Vec::new();
    if scheme.is_none() && !uri.is_empty() {
        let p = normalize(&dir.join(uri));
        if explicit.contains(&p) {
            out.push((p, true));
        } else if normalize(Path::new(uri))
            .components()
            .next()
            .is_some_and(|c| c == Component::ParentDir)
        {
            return Err(
                "a path leaving the folder of the document naming it is never opened".into(),
            );
        } else {
            out.push((p, false));
        }
    }
    if let Some(last) = uri
        .rsplit(['/', ':'])
        .next()
        .filter(|s| !s.is_empty() && *s != "..")
    {
        let p = normalize(&dir.join(last));
        if !out.iter().any(|(c, _)| *c == p) {
            let is_explicit = explicit.contains(&p);
            out.push((p, is_explicit));
        }
    }
    Ok(out)
}

/// Reads through `read` and applies the size cap to whatever it returns.
fn fetch(read: &ReadFn<'_>, p: &Path, within: Option<&Path>) -> Result<String, Unread> {
    let text = read(p, within)?;
    if text.len() as u64 > MAX_DOCUMENT_SIZE {
        return Err(Unread::Refused(too_large_message(p, text.len() as u64)));
    }
    Ok(text)
}

fn load_impl(path: &Path, explicit: &HashSet<PathBuf>, read: &ReadFn<'_>) -> Result<Model, Errors> {
    let mut sources = Sources::default();
    let mut docs: Vec<Document> = Vec::new();
    let mut diags: Vec<Raw> = Vec::new();
    let mut unavailable: HashSet<String> = HashSet::new();
    // Namespaces of references not opened: namespace → (uri, position of `Uri`, why).
    let mut refused: HashMap<String, (String, Pos, String)> = HashMap::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    // Namespaces that found references promise: (namespace, uri, position).
    let mut expected: Vec<(String, String, Pos)> = Vec::new();

    let main = normalize(path);
    seen.insert(main.clone());
    match fetch(read, path, None) {
        Ok(text) => {
            let idx = sources.add(path.to_path_buf(), Arc::from(text));
            parse_into(&sources, idx, &mut docs, &mut diags);
        }
        Err(Unread::Missing(msg) | Unread::Refused(msg)) => {
            let idx = sources.add(path.to_path_buf(), Arc::from(""));
            diags.push((
                Severity::Error,
                msg,
                Pos {
                    file: idx,
                    offset: 0,
                },
            ));
        }
    }
    let mut next_doc = 0;
    while next_doc < docs.len() {
        let di = next_doc;
        next_doc += 1;
        let doc = &docs[di];
        let doc_path = sources.files[doc.file as usize].path.clone();
        let mut uris = HashSet::new();
        let mut refs: Vec<(String, Pos, Vec<String>)> = Vec::new();
        for r in doc.children_of(doc.root(), Kind::Reference) {
            let Some(uri) = doc.get(r, "Uri") else {
                diags.push((
                    Severity::Error,
                    "`edmx:Reference` is missing the required attribute `Uri`".into(),
                    doc.pos(r),
                ));
                continue;
            };
            let includes: Vec<String> = doc
                .children_of(r, Kind::Include)
                .filter_map(|i| doc.get(i, "Namespace"))
                .map(str::to_string)
                .collect();
            for i in doc.children_of(r, Kind::Include) {
                if doc.get(i, "Namespace").is_none() {
                    diags.push((
                        Severity::Error,
                        "`edmx:Include` is missing the required attribute `Namespace`".into(),
                        doc.pos(i),
                    ));
                }
            }
            for i in doc.children_of(r, Kind::IncludeAnnotations) {
                if doc.get(i, "TermNamespace").is_none() {
                    diags.push((
                        Severity::Error,
                        "`edmx:IncludeAnnotations` is missing the required attribute `TermNamespace`".into(),
                        doc.pos(i),
                    ));
                }
            }
            if !uris.insert(uri) {
                diags.push((
                    Severity::Warning,
                    format!("`{uri}` is referenced twice"),
                    doc.attr_pos(r, "Uri"),
                ));
                continue;
            }
            if !includes.is_empty() && includes.iter().all(|ns| is_standard(ns)) {
                continue; // understood without a file
            }
            refs.push((uri.to_string(), doc.attr_pos(r, "Uri"), includes));
        }
        for (uri, uri_pos, includes) in refs {
            let uri = uri.as_str();
            let cands = match reference_candidates(&doc_path, uri, explicit) {
                Ok(c) => c,
                Err(why) => {
                    refuse(
                        &mut diags,
                        &mut refused,
                        &mut unavailable,
                        uri,
                        uri_pos,
                        why,
                        includes,
                    );
                    continue;
                }
            };
            let dir = doc_path.parent().unwrap_or(Path::new(""));
            let mut found = None;
            let mut refusal = None;
            for (c, is_explicit) in &cands {
                if seen.contains(c) {
                    found = Some(None);
                    break;
                }
                match fetch(read, c, if *is_explicit { None } else { Some(dir) }) {
                    Ok(text) => {
                        found = Some(Some((c.clone(), text)));
                        break;
                    }
                    Err(Unread::Missing(_)) => {}
                    Err(Unread::Refused(why)) => {
                        refusal = Some(why);
                        break;
                    }
                }
            }
            if let Some(why) = refusal {
                refuse(
                    &mut diags,
                    &mut refused,
                    &mut unavailable,
                    uri,
                    uri_pos,
                    why,
                    includes,
                );
                continue;
            }
            match found {
                Some(Some((p, text))) => {
                    if seen.len() >= MAX_DOCUMENTS {
                        diags.push((
                            Severity::Error,
                            format!(
                                "too many referenced documents (at most {MAX_DOCUMENTS} are read)"
                            ),
                            uri_pos,
                        ));
                        continue;
                    }
                    seen.insert(p.clone());
                    let idx = sources.add(p, Arc::from(text));
                    parse_into(&sources, idx, &mut docs, &mut diags);
                    expected.extend(
                        includes
                            .iter()
                            .map(|ns| (ns.clone(), uri.to_string(), uri_pos)),
                    );
                }
                Some(None) => {
                    expected.extend(
                        includes
                            .iter()
                            .map(|ns| (ns.clone(), uri.to_string(), uri_pos)),
                    );
                }
                None => {
                    let looked: Vec<String> = cands
                        .iter()
                        .map(|(c, _)| format!("`{}`", c.display()))
                        .collect();
                    diags.push((
                        Severity::Warning,
                        format!(
                            "referenced document `{uri}` not found (looked for {}); its types are read as `Edm.Untyped` and its annotations are skipped",
                            if looked.is_empty() { "nothing".to_string() } else { looked.join(", ") }
                        ),
                        uri_pos,
                    ));
                    for ns in includes {
                        unavailable.insert(ns);
                    }
                }
            }
        }
    }

    let mut model = Model {
        sources: Sources::default(),
        schemas: Vec::new(),
        types: Vec::new(),
        operations: Vec::new(),
        containers: Vec::new(),
        terms: Vec::new(),
        annotations: HashMap::new(),
        type_index: HashMap::new(),
        operation_index: HashMap::new(),
        warnings: Vec::new(),
    };
    if !diags.iter().any(|d| d.0 == Severity::Error) {
        let mut r = Resolver::new(&docs, &sources, unavailable, &mut model, &mut diags);
        r.refused = refused;
        r.run(&expected);
    }
    model.sources = sources;
    finish(model, diags)
}

/// A reference not opened: a warning at its `Uri` (an error later if a type of its
/// namespaces is used). Nothing of the file is read, so nothing of it is shown.
fn refuse(
    diags: &mut Vec<Raw>,
    refused: &mut HashMap<String, (String, Pos, String)>,
    unavailable: &mut HashSet<String>,
    uri: &str,
    pos: Pos,
    why: String,
    includes: Vec<String>,
) {
    diags.push((
        Severity::Warning,
        format!(
            "referenced document `{}` is not read: {why}; its annotations are skipped",
            crate::names::escape(uri)
        ),
        pos,
    ));
    for ns in includes {
        unavailable.insert(ns.clone());
        refused.insert(ns, (uri.to_string(), pos, why.clone()));
    }
}

fn parse_into(sources: &Sources, idx: u32, docs: &mut Vec<Document>, diags: &mut Vec<Raw>) {
    let file = &sources.files[idx as usize];
    match crate::json::parse_any(idx, &file.path, file.text.clone()) {
        Ok(doc) => {
            check_envelope(&doc, diags);
            check_names(&doc, diags);
            docs.push(doc);
        }
        Err(errs) => diags.extend(
            errs.into_iter()
                .map(|e| (Severity::Error, e.message, e.pos)),
        ),
    }
}

fn check_envelope(doc: &Document, diags: &mut Vec<Raw>) {
    let root = doc.root();
    match doc.get(root, "Version") {
        None => diags.push((
            Severity::Error,
            "`edmx:Edmx` is missing the required attribute `Version`".into(),
            doc.pos(root),
        )),
        Some("4.0") | Some("4.01") => {}
        Some(v @ ("1.0" | "2.0" | "3.0")) => diags.push((
            Severity::Error,
            format!("this is an OData v2/v3 (EDMX {v}) document; only OData v4 CSDL is supported"),
            doc.attr_pos(root, "Version"),
        )),
        Some(v) => diags.push((
            Severity::Error,
            format!("unsupported CSDL version `{v}`: expected `4.0` or `4.01`"),
            doc.attr_pos(root, "Version"),
        )),
    }
    let ds: Vec<_> = doc.children_of(root, Kind::DataServices).collect();
    match ds.len() {
        0 => diags.push((
            Severity::Error,
            "`edmx:Edmx` has no `edmx:DataServices` element".into(),
            doc.pos(root),
        )),
        1 => {}
        _ => diags.push((
            Severity::Error,
            "`edmx:Edmx` has more than one `edmx:DataServices` element".into(),
            doc.pos(ds[1]),
        )),
    }
}

/// Checks every declared name, namespace and alias of a document ([`crate::names`]).
fn check_names(doc: &Document, diags: &mut Vec<Raw>) {
    use crate::names::{Place, Verdict, check_name, check_namespace};
    for (id, el) in doc.elements.iter().enumerate() {
        let id = id as ElemId;
        let checks: &[(&str, Option<Place>)] = match el.kind {
            Kind::EntityType
            | Kind::ComplexType
            | Kind::EnumType
            | Kind::TypeDefinition
            | Kind::Action
            | Kind::Function
            | Kind::Term
            | Kind::EntityContainer => &[("Name", Some(Place::SchemaLevel))],
            Kind::Member
            | Kind::Property
            | Kind::NavigationProperty
            | Kind::Parameter
            | Kind::EntitySet
            | Kind::Singleton
            | Kind::ActionImport
            | Kind::FunctionImport => &[("Name", Some(Place::Member))],
            Kind::Schema | Kind::Include => {
                &[("Namespace", None), ("Alias", Some(Place::SchemaLevel))]
            }
            _ => continue,
        };
        for (attr, place) in checks {
            let Some(a) = doc.attr(id, attr) else {
                continue;
            };
            let value = doc.value(a);
            let verdict = match place {
                Some(place) => check_name(value, *place),
                None => check_namespace(value),
            };
            match verdict {
                Verdict::Valid => {}
                Verdict::Warning(m) => diags.push((Severity::Warning, m, a.pos)),
                Verdict::Error(m) => diags.push((Severity::Error, m, a.pos)),
            }
        }
    }
}

fn finish(model: Model, diags: Vec<Raw>) -> Result<Model, Errors> {
    let mut diags = diags;
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
                    "referenced document `{}` is not read ({why}), but type `{}` (at {at}) comes from it",
                    crate::names::escape(&uri),
                    crate::names::escape(inner)
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

    fn collect_schemas(&mut self) {
        let docs = self.docs;
        for (d, doc) in docs.iter().enumerate() {
            let mut aliases: Map<&'d str, &'d str> = Map::default();
            let mut alias_pos: Map<&'d str, Pos> = Map::default();
            let mut add_alias = |this: &mut Self, alias: &'d str, ns: &'d str, pos: Pos| {
                if matches!(alias, "Edm" | "odata" | "System" | "Transient") {
                    this.err(
                        format!("`{alias}` is reserved and cannot be used as an alias"),
                        pos,
                    );
                    return;
                }
                if let Some(prev) = aliases.get(alias) {
                    if *prev != ns {
                        let at = this.at(alias_pos[alias]);
                        this.err(
                            format!("duplicate alias `{alias}` (first declared at {at})"),
                            pos,
                        );
                    }
                    return;
                }
                aliases.insert(alias, ns);
                alias_pos.insert(alias, pos);
            };
            for r in doc.children_of(doc.root(), Kind::Reference) {
                for i in doc.children_of(r, Kind::Include) {
                    if let (Some(ns), Some(alias)) = (doc.get(i, "Namespace"), doc.attr(i, "Alias"))
                    {
                        add_alias(self, doc.value(alias), ns, alias.pos);
                    }
                }
            }
            for s in self.schemas(d) {
                let Some(ns) = self.req(doc, s, "Namespace") else {
                    continue;
                };
                let pos = doc.attr_pos(s, "Namespace");
                if matches!(ns, "Edm" | "odata" | "System" | "Transient") {
                    self.err(
                        format!("`{ns}` is reserved and cannot be used as a namespace"),
                        pos,
                    );
                }
                if let Some(prev) = self.namespaces.get(ns) {
                    let at = self.at(*prev);
                    self.err(
                        format!("duplicate schema namespace `{ns}` (first declared at {at})"),
                        pos,
                    );
                    continue;
                }
                self.namespaces.insert(ns, pos);
                let alias = doc.attr(s, "Alias");
                if let Some(a) = alias {
                    add_alias(self, doc.value(a), ns, a.pos);
                }
                self.m.schemas.push(Schema {
                    namespace: ns.to_string(),
                    alias: alias.map(|a| doc.value(a).to_string()),
                    file: doc.file,
                    pos: doc.pos(s),
                });
            }
            for (alias, pos) in &alias_pos {
                if self.namespaces.contains_key(alias) {
                    let a = *alias;
                    self.err(format!("alias `{a}` is also the name of a namespace"), *pos);
                }
            }
            self.aliases.push(aliases);
        }
    }

    fn declare(&mut self, qname: String, what: Named, pos: Pos) -> bool {
        let Some((prev, prev_pos)) = self.names.get(&qname).copied() else {
            self.names.insert(qname, (what, pos));
            return true;
        };
        let is_op = |n: Named| matches!(n, Named::Action | Named::Function);
        if prev == what && is_op(what) {
            return true; // an overload
        }
        let at = self.at(prev_pos);
        if is_op(what) && (is_op(prev) || prev == Named::Type) {
            // Real documents do this: Graph declares `delta` both as an action and as a
            // function, and `image` both as a complex type and as a function.
            if self.clash_warned.insert(qname.clone()) {
                let (a, b) = (named_word(prev), named_word(what));
                self.warn(
                    format!("`{qname}` is declared both as {a} and as {b} (first at {at})"),
                    pos,
                );
            }
            return true;
        }
        self.err(
            format!("duplicate name `{qname}` (first declared at {at})"),
            pos,
        );
        false
    }

    /// Pass 1: a [`TypeId`] for every named type, names of everything else.
    fn register(&mut self) {
        let docs = self.docs;
        for (d, doc) in docs.iter().enumerate() {
            for s in self.schemas(d).collect::<Vec<_>>() {
                let Some(ns) = doc.get(s, "Namespace") else {
                    continue;
                };
                for c in doc.children(s).collect::<Vec<_>>() {
                    let kind = doc.kind(c);
                    let what = match kind {
                        Kind::EntityType
                        | Kind::ComplexType
                        | Kind::EnumType
                        | Kind::TypeDefinition => Named::Type,
                        Kind::Action => Named::Action,
                        Kind::Function => Named::Function,
                        Kind::Term => Named::Term,
                        Kind::EntityContainer => Named::Container,
                        _ => continue,
                    };
                    let Some(name) = self.req(doc, c, "Name") else {
                        continue;
                    };
                    let pos = doc.attr_pos(c, "Name");
                    let qname = format!("{ns}.{name}");
                    if !self.declare(qname.clone(), what, pos) {
                        continue;
                    }
                    let el = El {
                        doc: d as u32,
                        id: c,
                    };
                    match what {
                        Named::Type => {
                            let id = TypeId(self.m.types.len() as u32);
                            let kind = match kind {
                                Kind::EntityType => TypeKind::Entity(empty_structured()),
                                Kind::ComplexType => TypeKind::Complex(empty_structured()),
                                Kind::EnumType => TypeKind::Enum(EnumType {
                                    underlying: Primitive::Int32,
                                    is_flags: false,
                                    members: Vec::new(),
                                }),
                                _ => TypeKind::Definition(TypeDefinition {
                                    underlying: Primitive::String,
                                    facets: Facets::default(),
                                }),
                            };
                            self.m.types.push(Type {
                                namespace: ns.to_string(),
                                name: name.to_string(),
                                kind,
                                description: None,
                                long_description: None,
                                pos: doc.pos(c),
                            });
                            self.m.type_index.insert(qname, id);
                            self.types_by_parts.insert((ns, name), id);
                            self.type_el.push(el);
                            self.own_keys.push(None);
                        }
                        Named::Action | Named::Function => self.op_el.push(el),
                        Named::Container => {
                            self.container_index.insert(qname, self.container_el.len());
                            self.container_el.push(el);
                        }
                        Named::Term => {}
                    }
                }
            }
        }
    }

    fn facets(&mut self, doc: &'d Document, el: ElemId) -> Facets {
        let mut f = Facets::default();
        if let Some(a) = doc.attr(el, "MaxLength") {
            let v = doc.value(a).trim();
            if v.eq_ignore_ascii_case("max") {
                f.max_length = Some(None);
            } else {
                match v.parse::<u64>() {
                    Ok(n) if n > 0 => f.max_length = Some(Some(n)),
                    _ => self.err(
                        format!("invalid `MaxLength` `{v}`: expected a positive integer or `max`"),
                        a.pos,
                    ),
                }
            }
        }
        if let Some(a) = doc.attr(el, "Precision") {
            let v = doc.value(a).trim();
            match v.parse::<u32>() {
                Ok(n) => f.precision = Some(n),
                _ => self.err(
                    format!("invalid `Precision` `{v}`: expected a non-negative integer"),
                    a.pos,
                ),
            }
        }
        if let Some(a) = doc.attr(el, "Scale") {
            let v = doc.value(a).trim();
            if v.eq_ignore_ascii_case("variable") || v.eq_ignore_ascii_case("floating") {
                f.scale = Some(None);
            } else {
                match v.parse::<u32>() {
                    Ok(n) => {
                        f.scale = Some(Some(n));
                        if let Some(p) = f.precision
                            && n > p
                        {
                            self.err(format!("`Scale` {n} is greater than `Precision` {p}"), a.pos);
                        }
                    }
                    _ => self.err(
                        format!("invalid `Scale` `{v}`: expected a non-negative integer, `variable` or `floating`"),
                        a.pos,
                    ),
                }
            }
        }
        if let Some(a) = doc.attr(el, "SRID") {
            let v = doc.value(a).trim();
            if v.eq_ignore_ascii_case("variable") || v.parse::<u32>().is_ok() {
                f.srid = Some(v.to_string());
            } else {
                self.err(
                    format!("invalid `SRID` `{v}`: expected a non-negative integer or `variable`"),
                    a.pos,
                );
            }
        }
        if doc.attr(el, "Unicode").is_some() {
            f.unicode = Some(self.bool_attr(doc, el, "Unicode", true));
        }
        f
    }

    fn type_kind_of(&self, t: &TypeRef) -> Option<Kind> {
        match t.target {
            Target::Named(id) => Some(
                self.docs[self.type_el[id.0 as usize].doc as usize]
                    .kind(self.type_el[id.0 as usize].id),
            ),
            Target::Primitive(_) => None,
        }
    }

    /// Pass 2: members of every type.
    fn build_types(&mut self) {
        for i in 0..self.type_el.len() {
            let El { doc: d, id: el } = self.type_el[i];
            let doc: &'d Document = &self.docs[d as usize];
            let kind = match doc.kind(el) {
                Kind::EntityType | Kind::ComplexType => self.structured(i, d, el),
                Kind::EnumType => self.enum_type(d, el),
                _ => self.type_definition(d, el),
            };
            if let Some(kind) = kind {
                self.m.types[i].kind = kind;
            }
        }
    }

    fn structured(&mut self, i: usize, d: u32, el: ElemId) -> Option<TypeKind> {
        let doc: &'d Document = &self.docs[d as usize];
        let is_entity = doc.kind(el) == Kind::EntityType;
        let tname = self.m.types[i].qualified_name();
        let mut s = empty_structured();
        if let Some(a) = doc.attr(el, "BaseType") {
            let raw = doc.value(a);
            if let Some(t) = self.type_ref(d, raw, a.pos) {
                let want = if is_entity {
                    Kind::EntityType
                } else {
                    Kind::ComplexType
                };
                match (t.collection, t.target, self.type_kind_of(&t)) {
                    (false, Target::Named(id), Some(k)) if k == want => s.base = Some(id),
                    (_, _, k) => {
                        let what = if is_entity {
                            "entity type"
                        } else {
                            "complex type"
                        };
                        let found = match k {
                            Some(Kind::EntityType) => "entity type",
                            Some(Kind::ComplexType) => "complex type",
                            Some(Kind::EnumType) => "enumeration type",
                            Some(_) => "type definition",
                            None => "primitive type",
                        };
                        self.err(
                            format!("{what} `{tname}` cannot derive from {found} `{raw}`"),
                            a.pos,
                        );
                    }
                }
            }
        }
        s.is_abstract = self.bool_attr(doc, el, "Abstract", false);
        s.open = self.bool_attr(doc, el, "OpenType", false);
        if is_entity {
            s.has_stream = self.bool_attr(doc, el, "HasStream", false);
        } else if let Some(a) = doc.attr(el, "HasStream") {
            self.err(
                format!("`HasStream` is not allowed on complex type `{tname}`"),
                a.pos,
            );
        }
        let mut seen: Map<&'d str, Pos> = Map::default();
        let mut keys = 0;
        for c in doc.children(el) {
            match doc.kind(c) {
                Kind::Key if is_entity => {
                    keys += 1;
                    if keys > 1 {
                        self.err(
                            format!("entity type `{tname}` has more than one `Key`"),
                            doc.pos(c),
                        );
                        continue;
                    }
                    let mut parts = Vec::new();
                    for r in doc.children_of(c, Kind::PropertyRef) {
                        if let Some(name) = self.req(doc, r, "Name") {
                            parts.push((
                                name.to_string(),
                                doc.get(r, "Alias").map(str::to_string),
                                doc.attr_pos(r, "Name"),
                            ));
                        }
                    }
                    if parts.is_empty() {
                        self.err(
                            format!("the key of `{tname}` has no `PropertyRef`"),
                            doc.pos(c),
                        );
                    }
                    self.own_keys[i] = Some(parts);
                }
                Kind::Key => self.err(
                    format!("complex type `{tname}` cannot have a key"),
                    doc.pos(c),
                ),
                Kind::Property | Kind::NavigationProperty => {
                    let Some(name) = self.req(doc, c, "Name") else {
                        continue;
                    };
                    let pos = doc.attr_pos(c, "Name");
                    if let Some(prev) = seen.get(name) {
                        let at = self.at(*prev);
                        self.err(
                            format!(
                                "duplicate property `{name}` in `{tname}` (first declared at {at})"
                            ),
                            pos,
                        );
                        continue;
                    }
                    seen.insert(name, pos);
                    let Some(raw_ty) = self.req(doc, c, "Type") else {
                        continue;
                    };
                    let ty_pos = doc.attr_pos(c, "Type");
                    let Some(ty) = self.type_ref(d, raw_ty, ty_pos) else {
                        continue;
                    };
                    let nullable = self.bool_attr(doc, c, "Nullable", true);
                    if doc.kind(c) == Kind::Property {
                        if self.type_kind_of(&ty) == Some(Kind::EntityType) {
                            self.err(
                                format!("property `{name}` of `{tname}` has entity type `{raw_ty}`; use a `NavigationProperty`"),
                                ty_pos,
                            );
                            continue;
                        }
                        let facets = self.facets(doc, c);
                        s.properties.push(Property {
                            name: name.to_string(),
                            ty,
                            nullable,
                            facets,
                            default_value: doc.get(c, "DefaultValue").map(str::to_string),
                            description: None,
                            long_description: None,
                            computed: false,
                            immutable: false,
                            permissions: None,
                            pos: doc.pos(c),
                        });
                    } else {
                        let ok = matches!(
                            ty.target,
                            Target::Primitive(Primitive::AnyEntity | Primitive::Untyped)
                        ) || self.type_kind_of(&ty) == Some(Kind::EntityType);
                        if !ok {
                            self.err(
                                format!("navigation property `{name}` of `{tname}` must have an entity type, found `{raw_ty}`"),
                                ty_pos,
                            );
                            continue;
                        }
                        let mut constraints = Vec::new();
                        for rc in doc.children_of(c, Kind::ReferentialConstraint) {
                            if let (Some(p), Some(r)) = (
                                self.req(doc, rc, "Property"),
                                self.req(doc, rc, "ReferencedProperty"),
                            ) {
                                constraints.push(ReferentialConstraint {
                                    property: p.to_string(),
                                    referenced: r.to_string(),
                                });
                            }
                        }
                        let on_delete = match doc.child(c, Kind::OnDelete) {
                            Some(od) => match self.req(doc, od, "Action") {
                                Some(a @ ("Cascade" | "None" | "SetNull" | "SetDefault")) => {
                                    Some(a.to_string())
                                }
                                Some(a) => {
                                    self.err(
                                        format!("invalid `OnDelete` action `{a}`: expected `Cascade`, `None`, `SetNull` or `SetDefault`"),
                                        doc.attr_pos(od, "Action"),
                                    );
                                    None
                                }
                                None => None,
                            },
                            None => None,
                        };
                        s.navigation.push(NavigationProperty {
                            name: name.to_string(),
                            ty,
                            nullable,
                            partner: doc.get(c, "Partner").map(str::to_string),
                            contains_target: self.bool_attr(doc, c, "ContainsTarget", false),
                            description: None,
                            long_description: None,
                            pos: doc.pos(c),
                            referential_constraints: constraints,
                            on_delete,
                        });
                    }
                }
                _ => {}
            }
        }
        Some(if is_entity {
            TypeKind::Entity(s)
        } else {
            TypeKind::Complex(s)
        })
    }

    fn enum_type(&mut self, d: u32, el: ElemId) -> Option<TypeKind> {
        let doc: &'d Document = &self.docs[d as usize];
        let mut underlying = Primitive::Int32;
        if let Some(a) = doc.attr(el, "UnderlyingType") {
            let v = doc.value(a);
            match v.strip_prefix("Edm.").and_then(primitive) {
                Some(p @ (Primitive::Byte | Primitive::SByte | Primitive::Int16 | Primitive::Int32 | Primitive::Int64)) => {
                    underlying = p
                }
                _ => self.err(
                    format!("invalid enumeration underlying type `{v}`: expected `Edm.Byte`, `Edm.SByte`, `Edm.Int16`, `Edm.Int32` or `Edm.Int64`"),
                    a.pos,
                ),
            }
        }
        let is_flags = self.bool_attr(doc, el, "IsFlags", false);
        let (lo, hi) = range_of(underlying).unwrap_or((i64::MIN, i64::MAX));
        let mut members: Vec<EnumMember> = Vec::new();
        let mut seen: Map<&'d str, Pos> = Map::default();
        let mut next: Option<i64> = Some(0);
        for mel in doc.children_of(el, Kind::Member) {
            let Some(name) = self.req(doc, mel, "Name") else {
                continue;
            };
            let pos = doc.attr_pos(mel, "Name");
            if let Some(prev) = seen.get(name) {
                let at = self.at(*prev);
                self.err(
                    format!("duplicate enumeration member `{name}` (first declared at {at})"),
                    pos,
                );
                continue;
            }
            seen.insert(name, pos);
            let value = match doc.attr(mel, "Value") {
                Some(a) => {
                    let v = doc.value(a).trim();
                    match v.parse::<i64>() {
                        Ok(n) if n >= lo && n <= hi => n,
                        Ok(n) => {
                            self.err(format!("enumeration member value {n} is out of range for `Edm.{underlying:?}`"), a.pos);
                            continue;
                        }
                        Err(_) => {
                            self.err(
                                format!(
                                    "invalid enumeration member value `{v}`: expected an integer"
                                ),
                                a.pos,
                            );
                            continue;
                        }
                    }
                }
                None => match next {
                    Some(n) if n <= hi => n,
                    _ => {
                        self.err(
                            "implicit enumeration member value overflows the underlying type",
                            pos,
                        );
                        continue;
                    }
                },
            };
            next = value.checked_add(1);
            members.push(EnumMember {
                name: name.to_string(),
                value,
                description: None,
                pos: doc.pos(mel),
            });
        }
        Some(TypeKind::Enum(EnumType {
            underlying,
            is_flags,
            members,
        }))
    }

    fn type_definition(&mut self, d: u32, el: ElemId) -> Option<TypeKind> {
        let doc: &'d Document = &self.docs[d as usize];
        let raw = self.req(doc, el, "UnderlyingType")?;
        let pos = doc.attr_pos(el, "UnderlyingType");
        let underlying = match raw.strip_prefix("Edm.").and_then(primitive) {
            Some(p)
                if !matches!(
                    p,
                    Primitive::AnyEntity
                        | Primitive::AnyComplex
                        | Primitive::Untyped
                        | Primitive::Path
                ) =>
            {
                p
            }
            _ => {
                self.err(
                    format!(
                        "invalid type definition underlying type `{raw}`: expected a primitive type"
                    ),
                    pos,
                );
                return None;
            }
        };
        let facets = self.facets(doc, el);
        Some(TypeKind::Definition(TypeDefinition { underlying, facets }))
    }

    fn structured_mut(&mut self, id: TypeId) -> Option<&mut Structured> {
        match &mut self.m.types[id.0 as usize].kind {
            TypeKind::Entity(s) | TypeKind::Complex(s) => Some(s),
            _ => None,
        }
    }
    fn base_of(&self, id: TypeId) -> Option<TypeId> {
        self.m.types[id.0 as usize]
            .structured()
            .and_then(|s| s.base)
    }

    /// Pass 3: cycles, derived types, keys.
    fn check_inheritance(&mut self) {
        let n = self.m.types.len();
        // 0 = unvisited, 1 = on the current chain, 2 = done.
        let mut state = vec![0u8; n];
        for start in 0..n {
            let mut chain = Vec::new();
            let mut cur = Some(TypeId(start as u32));
            while let Some(t) = cur {
                match state[t.0 as usize] {
                    2 => break,
                    1 => {
                        let at = chain.iter().position(|c| *c == t).unwrap_or(0);
                        let mut names: Vec<String> = chain[at..]
                            .iter()
                            .map(|c: &TypeId| self.m.types[c.0 as usize].qualified_name())
                            .collect();
                        names.push(self.m.types[t.0 as usize].qualified_name());
                        let first = chain[at];
                        let pos = self.docs[self.type_el[first.0 as usize].doc as usize]
                            .attr_pos(self.type_el[first.0 as usize].id, "BaseType");
                        self.err(
                            format!(
                                "inheritance cycle: {}",
                                names
                                    .iter()
                                    .map(|s| format!("`{s}`"))
                                    .collect::<Vec<_>>()
                                    .join(" → ")
                            ),
                            pos,
                        );
                        if let Some(last) = chain.last().copied()
                            && let Some(s) = self.structured_mut(last)
                        {
                            s.base = None;
                        }
                        break;
                    }
                    _ => {
                        state[t.0 as usize] = 1;
                        chain.push(t);
                        cur = self.base_of(t);
                    }
                }
            }
            for c in chain {
                state[c.0 as usize] = 2;
            }
        }
        for i in 0..n {
            let id = TypeId(i as u32);
            if let Some(b) = self.base_of(id)
                && let Some(s) = self.structured_mut(b)
            {
                s.derived.push(id);
            }
        }
        for i in 0..n {
            let id = TypeId(i as u32);
            if let Some(b) = self.base_of(id) {
                let (this_abs, base_abs) = (
                    self.m.types[i].structured().is_some_and(|s| s.is_abstract),
                    self.m.types[b.0 as usize]
                        .structured()
                        .is_some_and(|s| s.is_abstract),
                );
                if this_abs && !base_abs {
                    let tn = self.m.types[i].qualified_name();
                    let bn = self.m.types[b.0 as usize].qualified_name();
                    self.warn(
                        format!("abstract type `{tn}` derives from the non-abstract type `{bn}`"),
                        self.m.types[i].pos,
                    );
                }
                if self.m.types[i].structured().is_some_and(|s| s.has_stream) {
                    let tn = self.m.types[i].qualified_name();
                    self.warn(
                        format!("`HasStream` on `{tn}`, which has a base type"),
                        self.m.types[i].pos,
                    );
                }
            }
        }
        self.check_partners();
        // Keys: resolve own keys, then inherit in base-first order.
        let mut resolved: Vec<Option<Vec<KeyPart>>> = vec![None; n];
        for (i, slot) in resolved.iter_mut().enumerate() {
            let Some(parts) = self.own_keys[i].take() else {
                continue;
            };
            let id = TypeId(i as u32);
            let tn = self.m.types[i].qualified_name();
            let inherited: Option<TypeId> = self.m.bases(id).find(|b| self.own_keys_declared(*b));
            if let Some(b) = inherited {
                let bn = self.m.types[b.0 as usize].qualified_name();
                self.err(
                    format!("entity type `{tn}` declares a key, but it inherits one from `{bn}`"),
                    self.m.types[i].pos,
                );
            }
            let mut key = Vec::new();
            for (path, alias, pos) in parts {
                if let Some(ty) = self.key_part_type(id, &path, pos) {
                    if path.contains('/') && alias.is_none() {
                        self.err(
                            format!("key part `{path}` is a path and needs an `Alias`"),
                            pos,
                        );
                    }
                    key.push(KeyPart { path, alias, ty });
                }
            }
            *slot = Some(key);
        }
        for i in 0..n {
            let id = TypeId(i as u32);
            if !matches!(self.m.types[i].kind, TypeKind::Entity(_)) {
                continue;
            }
            let key = std::iter::once(id)
                .chain(self.m.bases(id))
                .find_map(|t| resolved[t.0 as usize].clone());
            if let Some(key) = key
                && let Some(s) = self.structured_mut(id)
            {
                s.key = key;
            }
        }
    }

    /// A single-segment `Partner` must name a navigation property of the target type.
    fn check_partners(&mut self) {
        let mut found = Vec::new();
        for (i, t) in self.m.types.iter().enumerate() {
            let Some(s) = t.structured() else { continue };
            for n in &s.navigation {
                let (Some(p), Target::Named(target)) = (&n.partner, n.ty.target) else {
                    continue;
                };
                if p.contains('/') {
                    continue;
                }
                let ok = self.m.all_navigation(target).iter().any(|x| x.name == *p)
                    || self.m.all_derived(target).iter().any(|d| {
                        self.m
                            .ty(*d)
                            .structured()
                            .is_some_and(|ds| ds.navigation.iter().any(|x| x.name == *p))
                    });
                if !ok {
                    let tn = self.m.ty(target).qualified_name();
                    found.push((
                        format!(
                            "partner `{p}` of `{}/{}` is not a navigation property of `{tn}`",
                            self.m.types[i].qualified_name(),
                            n.name
                        ),
                        n.pos,
                    ));
                }
            }
        }
        for (msg, pos) in found {
            self.warn(msg, pos);
        }
    }

    fn own_keys_declared(&self, id: TypeId) -> bool {
        let el = self.type_el[id.0 as usize];
        self.docs[el.doc as usize].child(el.id, Kind::Key).is_some()
    }

    fn key_part_type(&mut self, id: TypeId, path: &str, pos: Pos) -> Option<TypeRef> {
        let tn = self.m.types[id.0 as usize].qualified_name();
        let mut cur = id;
        let segs: Vec<&str> = path.split('/').collect();
        for (i, seg) in segs.iter().enumerate() {
            let prop = self
                .m
                .all_properties(cur)
                .into_iter()
                .find(|p| p.name == *seg)
                .cloned();
            let Some(prop) = prop else {
                let is_nav = self.m.all_navigation(cur).iter().any(|n| n.name == *seg);
                if is_nav && i + 1 < segs.len() {
                    let nav = self
                        .m
                        .all_navigation(cur)
                        .into_iter()
                        .find(|n| n.name == *seg)
                        .cloned();
                    if let Some(nav) = nav
                        && let Target::Named(t) = nav.ty.target
                        && !nav.ty.collection
                    {
                        cur = t;
                        continue;
                    }
                }
                let on = self.m.types[cur.0 as usize].qualified_name();
                self.err(
                    format!("key property `{path}` of `{tn}` names no property of `{on}`"),
                    pos,
                );
                return None;
            };
            if prop.ty.collection {
                self.err(
                    format!("key property `{path}` of `{tn}` is a collection"),
                    pos,
                );
                return None;
            }
            if i + 1 < segs.len() {
                match prop.ty.target {
                    Target::Named(t)
                        if matches!(self.m.types[t.0 as usize].kind, TypeKind::Complex(_)) =>
                    {
                        cur = t
                    }
                    _ => {
                        self.err(
                            format!(
                                "key path `{path}` of `{tn}`: `{seg}` is not a complex property"
                            ),
                            pos,
                        );
                        return None;
                    }
                }
                continue;
            }
            let ok = match prop.ty.target {
                Target::Primitive(p) => match p {
                    Primitive::Boolean
                    | Primitive::Byte
                    | Primitive::Date
                    | Primitive::DateTimeOffset
                    | Primitive::Decimal
                    | Primitive::Duration
                    | Primitive::Guid
                    | Primitive::Int16
                    | Primitive::Int32
                    | Primitive::Int64
                    | Primitive::SByte
                    | Primitive::String
                    | Primitive::TimeOfDay => true,
                    Primitive::Single | Primitive::Double | Primitive::Binary => {
                        self.warn(format!("key property `{path}` of `{tn}` has type `Edm.{p:?}`, which is not an allowed key type"), pos);
                        true
                    }
                    _ => false,
                },
                Target::Named(t) => matches!(
                    self.m.types[t.0 as usize].kind,
                    TypeKind::Enum(_) | TypeKind::Definition(_)
                ),
            };
            if !ok {
                self.err(format!("key property `{path}` of `{tn}` must have a primitive, enumeration or type definition type"), pos);
                return None;
            }
            return Some(prop.ty);
        }
        None
    }

    fn build_operations(&mut self) {
        let mut sigs: Map<String, Pos> = Map::default();
        for i in 0..self.op_el.len() {
            let El { doc: d, id: el } = self.op_el[i];
            let doc: &'d Document = &self.docs[d as usize];
            let s = doc.parent(el);
            let ns = s.and_then(|s| doc.get(s, "Namespace")).unwrap_or("");
            let Some(name) = doc.get(el, "Name") else {
                continue;
            };
            let kind = if doc.kind(el) == Kind::Action {
                OperationKind::Action
            } else {
                OperationKind::Function
            };
            let qname = format!("{ns}.{name}");
            let is_bound = self.bool_attr(doc, el, "IsBound", false);
            let composable = self.bool_attr(doc, el, "IsComposable", false);
            if kind == OperationKind::Action && doc.attr(el, "IsComposable").is_some() {
                self.err(
                    format!("action `{qname}` cannot be composable"),
                    doc.attr_pos(el, "IsComposable"),
                );
            }
            let mut params = Vec::new();
            let mut raw_types = Vec::new();
            let mut seen: Map<&'d str, Pos> = Map::default();
            let mut ok = true;
            for p in doc.children_of(el, Kind::Parameter) {
                let (Some(pname), Some(pty)) = (self.req(doc, p, "Name"), self.req(doc, p, "Type"))
                else {
                    ok = false;
                    continue;
                };
                let pos = doc.attr_pos(p, "Name");
                if let Some(prev) = seen.get(pname) {
                    let at = self.at(*prev);
                    self.err(
                        format!(
                            "duplicate parameter `{pname}` of `{qname}` (first declared at {at})"
                        ),
                        pos,
                    );
                    ok = false;
                    continue;
                }
                seen.insert(pname, pos);
                raw_types.push(self.canonical_type(d, pty));
                let Some(ty) = self.type_ref(d, pty, doc.attr_pos(p, "Type")) else {
                    ok = false;
                    continue;
                };
                let nullable = self.bool_attr(doc, p, "Nullable", true);
                let facets = self.facets(doc, p);
                params.push(Parameter {
                    name: pname.to_string(),
                    ty,
                    nullable,
                    facets,
                    optional: false,
                    description: None,
                    pos: doc.pos(p),
                });
            }
            let mut return_type = None;
            let rts: Vec<_> = doc.children_of(el, Kind::ReturnType).collect();
            if rts.len() > 1 {
                self.err(
                    format!("`{qname}` has more than one `ReturnType`"),
                    doc.pos(rts[1]),
                );
            }
            if let Some(rt) = rts.first().copied()
                && let Some(raw) = self.req(doc, rt, "Type")
            {
                match self.type_ref(d, raw, doc.attr_pos(rt, "Type")) {
                    Some(ty) => {
                        let nullable = self.bool_attr(doc, rt, "Nullable", true);
                        return_type = Some(ReturnType { ty, nullable });
                    }
                    None => ok = false,
                }
            }
            if kind == OperationKind::Function && rts.is_empty() {
                self.err(
                    format!("function `{qname}` has no `ReturnType`"),
                    doc.pos(el),
                );
                ok = false;
            }
            let mut binding = None;
            if is_bound {
                if params.is_empty() && raw_types.is_empty() {
                    self.err(
                        format!("bound operation `{qname}` has no binding parameter"),
                        doc.attr_pos(el, "IsBound"),
                    );
                    ok = false;
                } else if !params.is_empty() {
                    binding = Some(params.remove(0).ty);
                }
            }
            let sig_types = if kind == OperationKind::Action {
                if is_bound {
                    raw_types.iter().take(1).cloned().collect::<Vec<_>>()
                } else {
                    Vec::new()
                }
            } else {
                raw_types.clone()
            };
            let target = format!("{qname}({})", sig_types.join(","));
            let kind_word = if kind == OperationKind::Action {
                "action"
            } else {
                "function"
            };
            let sig_key = format!("{kind_word} {target}");
            let pos = doc.attr_pos(el, "Name");
            if let Some(prev) = sigs.get(&sig_key) {
                let at = self.at(*prev);
                self.err(format!("duplicate overload `{target}` of {kind_word} `{qname}` (first declared at {at})"), pos);
                ok = false;
            }
            sigs.insert(sig_key, pos);
            if !ok {
                continue;
            }
            let id = OperationId(self.m.operations.len() as u32);
            self.op_built.insert((d, el), id.0 as usize);
            self.m.operations.push(Operation {
                kind,
                namespace: ns.to_string(),
                name: name.to_string(),
                binding,
                parameters: params,
                return_type,
                composable,
                entity_set_path: doc.get(el, "EntitySetPath").map(str::to_string),
                description: None,
                long_description: None,
                pos: doc.pos(el),
                annotation_target: target.clone(),
                parameter_types: raw_types,
            });
            self.op_targets.push(target);
            self.m.operation_index.entry(qname).or_default().push(id);
        }
    }

    fn build_terms(&mut self) {
        let docs = self.docs;
        for (d, doc) in docs.iter().enumerate() {
            for s in self.schemas(d).collect::<Vec<_>>() {
                let Some(ns) = doc.get(s, "Namespace") else {
                    continue;
                };
                for t in doc.children_of(s, Kind::Term).collect::<Vec<_>>() {
                    let (Some(name), Some(raw)) = (doc.get(t, "Name"), self.req(doc, t, "Type"))
                    else {
                        continue;
                    };
                    let Some(ty) = self.type_ref(d as u32, raw, doc.attr_pos(t, "Type")) else {
                        continue;
                    };
                    let nullable = self.bool_attr(doc, t, "Nullable", true);
                    let base_term = doc
                        .get(t, "BaseTerm")
                        .map(|b| self.qualify(d as u32, b).into_owned());
                    self.m.terms.push(Term {
                        namespace: ns.to_string(),
                        name: name.to_string(),
                        ty,
                        applies_to: doc
                            .get(t, "AppliesTo")
                            .map(|a| a.split_whitespace().map(str::to_string).collect())
                            .unwrap_or_default(),
                        pos: doc.pos(t),
                        base_term,
                        default_value: doc.get(t, "DefaultValue").map(str::to_string),
                        nullable,
                    });
                }
            }
        }
    }

    fn entity_type_attr(
        &mut self,
        d: u32,
        doc: &'d Document,
        el: ElemId,
        attr: &str,
        what: &str,
    ) -> Option<TypeId> {
        let raw = self.req(doc, el, attr)?;
        let pos = doc.attr_pos(el, attr);
        let ty = self.type_ref(d, raw, pos)?;
        match (ty.collection, ty.target, self.type_kind_of(&ty)) {
            (false, Target::Named(id), Some(Kind::EntityType)) => Some(id),
            _ => {
                self.err(
                    format!("{what} must have an entity type, found `{raw}`"),
                    pos,
                );
                None
            }
        }
    }

    fn build_containers(&mut self) {
        let mut raw_bindings: Vec<Vec<RawBinding>> = Vec::new();
        let mut extends: Vec<Option<(String, Pos)>> = Vec::new();
        for ci in 0..self.container_el.len() {
            let El { doc: d, id: el } = self.container_el[ci];
            let doc: &'d Document = &self.docs[d as usize];
            let ns = doc
                .parent(el)
                .and_then(|s| doc.get(s, "Namespace"))
                .unwrap_or("");
            let cname = doc.get(el, "Name").unwrap_or("");
            let mut c = Container {
                namespace: ns.to_string(),
                name: cname.to_string(),
                entity_sets: Vec::new(),
                singletons: Vec::new(),
                action_imports: Vec::new(),
                function_imports: Vec::new(),
                description: None,
                pos: doc.pos(el),
            };
            let mut bindings = Vec::new();
            let mut seen: Map<&'d str, Pos> = Map::default();
            for ch in doc.children(el) {
                let k = doc.kind(ch);
                if !matches!(
                    k,
                    Kind::EntitySet | Kind::Singleton | Kind::ActionImport | Kind::FunctionImport
                ) {
                    continue;
                }
                let Some(name) = self.req(doc, ch, "Name") else {
                    continue;
                };
                let pos = doc.attr_pos(ch, "Name");
                if let Some(prev) = seen.get(name) {
                    let at = self.at(*prev);
                    self.err(format!("duplicate name `{name}` in entity container `{ns}.{cname}` (first declared at {at})"), pos);
                    continue;
                }
                seen.insert(name, pos);
                match k {
                    Kind::EntitySet | Kind::Singleton => {
                        let attr = if k == Kind::EntitySet {
                            "EntityType"
                        } else {
                            "Type"
                        };
                        let what = format!(
                            "{} `{name}`",
                            if k == Kind::EntitySet {
                                "entity set"
                            } else {
                                "singleton"
                            }
                        );
                        let Some(et) = self.entity_type_attr(d, doc, ch, attr, &what) else {
                            continue;
                        };
                        let is_set = k == Kind::EntitySet;
                        let idx = if is_set {
                            c.entity_sets.len()
                        } else {
                            c.singletons.len()
                        };
                        for b in doc.children_of(ch, Kind::NavigationPropertyBinding) {
                            if let (Some(p), Some(t)) =
                                (self.req(doc, b, "Path"), self.req(doc, b, "Target"))
                            {
                                bindings.push((
                                    ci,
                                    is_set,
                                    idx,
                                    p.to_string(),
                                    t.to_string(),
                                    doc.pos(b),
                                ));
                            }
                        }
                        if is_set {
                            if et.0 as usize >= self.m.types.len()
                                || self.m.ty(et).structured().is_some_and(|s| s.key.is_empty())
                            {
                                let tn = self.m.ty(et).qualified_name();
                                self.warn(format!("entity set `{name}` has entity type `{tn}`, which has no key"), doc.attr_pos(ch, attr));
                            }
                            let incl = self.bool_attr(doc, ch, "IncludeInServiceDocument", true);
                            c.entity_sets.push(EntitySet {
                                name: name.to_string(),
                                entity_type: et,
                                navigation_bindings: Vec::new(),
                                include_in_service_document: incl,
                                description: None,
                                pos: doc.pos(ch),
                            });
                        } else {
                            let nullable = self.bool_attr(doc, ch, "Nullable", false);
                            c.singletons.push(Singleton {
                                name: name.to_string(),
                                entity_type: et,
                                nullable,
                                navigation_bindings: Vec::new(),
                                description: None,
                                pos: doc.pos(ch),
                            });
                        }
                    }
                    _ => {
                        let is_action = k == Kind::ActionImport;
                        let attr = if is_action { "Action" } else { "Function" };
                        let Some(raw) = self.req(doc, ch, attr) else {
                            continue;
                        };
                        let q = self.qualify(d, raw).into_owned();
                        let want = if is_action {
                            OperationKind::Action
                        } else {
                            OperationKind::Function
                        };
                        let overloads: Vec<OperationId> = self
                            .m
                            .operation_index
                            .get(&q)
                            .map(|v| {
                                v.iter()
                                    .copied()
                                    .filter(|o| {
                                        let op = self.m.operation(*o);
                                        op.kind == want && op.binding.is_none()
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        if overloads.is_empty() {
                            let w = if is_action { "action" } else { "function" };
                            self.err(
                                format!("`{name}` imports `{raw}`, which is not an unbound {w}"),
                                doc.attr_pos(ch, attr),
                            );
                            continue;
                        }
                        let default_incl = false;
                        let incl =
                            self.bool_attr(doc, ch, "IncludeInServiceDocument", default_incl);
                        let imp = OperationImport {
                            name: name.to_string(),
                            operation: q,
                            overloads,
                            entity_set: doc.get(ch, "EntitySet").map(str::to_string),
                            include_in_service_document: incl,
                            pos: doc.pos(ch),
                        };
                        if is_action {
                            c.action_imports.push(imp)
                        } else {
                            c.function_imports.push(imp)
                        }
                    }
                }
            }
            extends.push(
                doc.attr(el, "Extends")
                    .map(|a| (self.qualify(d, doc.value(a)).into_owned(), a.pos)),
            );
            raw_bindings.push(bindings);
            self.m.containers.push(c);
        }
        // Resolve `Extends` (transitively, cycle-safe): own children first, then inherited.
        let n = self.m.containers.len();
        let mut ext_idx: Vec<Option<usize>> = vec![None; n];
        for (i, e) in extends.iter().enumerate() {
            if let Some((q, pos)) = e {
                match self.container_index.get(q) {
                    Some(j) => ext_idx[i] = Some(*j),
                    None => self.err(format!("unknown entity container `{q}` in `Extends`"), *pos),
                }
            }
        }
        let originals: Vec<Container> = self.m.containers.clone();
        for i in 0..n {
            let mut visited = vec![i];
            let mut cur = ext_idx[i];
            while let Some(j) = cur {
                if visited.contains(&j) {
                    let cn = format!("{}.{}", originals[i].namespace, originals[i].name);
                    self.err(
                        format!("entity container `{cn}` extends itself (cycle in `Extends`)"),
                        originals[i].pos,
                    );
                    break;
                }
                visited.push(j);
                let src = &originals[j];
                let c = &mut self.m.containers[i];
                let names: HashSet<String> = c
                    .entity_sets
                    .iter()
                    .map(|x| x.name.clone())
                    .chain(c.singletons.iter().map(|x| x.name.clone()))
                    .chain(c.action_imports.iter().map(|x| x.name.clone()))
                    .chain(c.function_imports.iter().map(|x| x.name.clone()))
                    .collect();
                c.entity_sets.extend(
                    src.entity_sets
                        .iter()
                        .filter(|x| !names.contains(&x.name))
                        .cloned(),
                );
                c.singletons.extend(
                    src.singletons
                        .iter()
                        .filter(|x| !names.contains(&x.name))
                        .cloned(),
                );
                c.action_imports.extend(
                    src.action_imports
                        .iter()
                        .filter(|x| !names.contains(&x.name))
                        .cloned(),
                );
                c.function_imports.extend(
                    src.function_imports
                        .iter()
                        .filter(|x| !names.contains(&x.name))
                        .cloned(),
                );
                cur = ext_idx[j];
            }
        }
        // Navigation property bindings, on the container that declares them and any that extends it.
        for bindings in raw_bindings {
            for (ci, is_set, idx, path, target, pos) in bindings {
                let c = &originals[ci];
                let (et, owner) = if is_set {
                    (
                        c.entity_sets[idx].entity_type,
                        c.entity_sets[idx].name.clone(),
                    )
                } else {
                    (
                        c.singletons[idx].entity_type,
                        c.singletons[idx].name.clone(),
                    )
                };
                let d = self.container_el[ci].doc;
                let path_ok = self.follow_path(d, et, &path);
                let target_ok = self.binding_target_ok(d, ci, &target);
                if !path_ok {
                    let tn = self.m.ty(et).qualified_name();
                    self.warn(
                        format!("navigation property binding path `{path}` of `{owner}` cannot be followed from `{tn}`; kept unresolved"),
                        pos,
                    );
                } else if !target_ok {
                    self.warn(format!("navigation property binding target `{target}` of `{owner}` names nothing in the container; kept unresolved"), pos);
                }
                let nb = NavigationBinding {
                    path,
                    target,
                    resolved: path_ok && target_ok,
                };
                for (i, cont) in self.m.containers.iter_mut().enumerate() {
                    let inherits = i == ci || {
                        let mut cur = ext_idx[i];
                        let mut steps = 0;
                        let mut hit = false;
                        while let Some(j) = cur {
                            if j == ci {
                                hit = true;
                                break;
                            }
                            steps += 1;
                            if steps > n {
                                break;
                            }
                            cur = ext_idx[j];
                        }
                        hit
                    };
                    if !inherits {
                        continue;
                    }
                    let list = if is_set {
                        cont.entity_sets
                            .iter_mut()
                            .find(|s| s.name == owner)
                            .map(|s| &mut s.navigation_bindings)
                    } else {
                        cont.singletons
                            .iter_mut()
                            .find(|s| s.name == owner)
                            .map(|s| &mut s.navigation_bindings)
                    };
                    if let Some(list) = list {
                        list.push(nb.clone());
                    }
                }
            }
        }
    }

    /// Follows a navigation path (`Nav`, `Complex/Nav`, `ns.Derived/Nav`) from `start`.
    fn follow_path(&self, d: u32, start: TypeId, path: &str) -> bool {
        let mut cur = start;
        let mut last_nav = false;
        for seg in path.split('/') {
            if seg.is_empty() {
                return false;
            }
            if seg.contains('.') {
                match self.lookup_type(d, seg) {
                    Some(t) if t == cur || self.m.bases(t).any(|b| b == cur) => cur = t,
                    _ => return false,
                }
                continue;
            }
            if let Some(p) = self
                .m
                .all_properties(cur)
                .into_iter()
                .find(|p| p.name == seg)
            {
                match p.ty.target {
                    Target::Named(t) if self.m.ty(t).structured().is_some() => cur = t,
                    _ => return false,
                }
                last_nav = false;
            } else if let Some(n) = self
                .m
                .all_navigation(cur)
                .into_iter()
                .find(|n| n.name == seg)
            {
                match n.ty.target {
                    Target::Named(t) => cur = t,
                    _ => return false,
                }
                last_nav = true;
            } else {
                return false;
            }
        }
        last_nav
    }

    fn binding_target_ok(&self, d: u32, ci: usize, target: &str) -> bool {
        let mut segs = target.split('/');
        let first = segs.next().unwrap_or("");
        let has = |c: &Container, n: &str| {
            c.entity_sets.iter().any(|s| s.name == n) || c.singletons.iter().any(|s| s.name == n)
        };
        if first.contains('.') {
            let q = self.qualify(d, first);
            let Some(j) = self.container_index.get(q.as_ref()) else {
                return false;
            };
            return segs.next().is_some_and(|s| has(&self.m.containers[*j], s));
        }
        has(&self.m.containers[ci], first)
    }

    // ---- annotations ----------------------------------------------------------------

    /// Canonical form of an annotation target path.
    fn canonical_target(&self, d: u32, raw: &str) -> String {
        let raw = raw.trim();
        let mut out = String::with_capacity(raw.len() + 16);
        // The first segment may carry a parenthesised signature containing `/`-free types.
        let (first, rest) = match raw.find('(') {
            Some(p) if raw[..p].find('/').is_none() => {
                let close = raw[p..].find(')').map(|c| {
                    // `Collection(...)` nests one level.
                    let inner = &raw[p + 1..];
                    let mut depth = 1;
                    let mut end = p + c;
                    for (i, ch) in inner.char_indices() {
                        match ch {
                            '(' => depth += 1,
                            ')' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = p + 1 + i;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    end
                });
                match close {
                    Some(e) => (&raw[..=e], raw[e + 1..].strip_prefix('/')),
                    None => (raw, None),
                }
            }
            _ => match raw.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (raw, None),
            },
        };
        match first.split_once('(') {
            Some((name, args)) => {
                out.push_str(&self.qualify(d, name.trim()));
                out.push('(');
                let args = args.strip_suffix(')').unwrap_or(args);
                let mut depth = 0;
                let mut start = 0;
                let mut parts = Vec::new();
                for (i, ch) in args.char_indices() {
                    match ch {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        ',' if depth == 0 => {
                            parts.push(&args[start..i]);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                if !args.trim().is_empty() {
                    parts.push(&args[start..]);
                }
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&self.canonical_type(d, p.trim()));
                }
                out.push(')');
            }
            None => out.push_str(&self.qualify(d, first)),
        }
        if let Some(rest) = rest {
            for seg in rest.split('/') {
                out.push('/');
                if let Some(term) = seg.strip_prefix('@') {
                    out.push('@');
                    let (t, q) = match term.split_once('#') {
                        Some((t, q)) => (t, Some(q)),
                        None => (term, None),
                    };
                    out.push_str(&self.qualify(d, t));
                    if let Some(q) = q {
                        out.push('#');
                        out.push_str(q);
                    }
                } else if seg.contains('.') {
                    out.push_str(&self.qualify(d, seg));
                } else {
                    out.push_str(seg);
                }
            }
        }
        out
    }

    fn push_annotation(&mut self, target: String, a: Annotation) {
        self.ann.entry(target).or_default().push(a);
    }

    /// The inline annotations of `el` (and the annotations nested in them).
    fn inline(&mut self, d: u32, el: ElemId, target: &str) {
        let doc: &'d Document = &self.docs[d as usize];
        for a in doc.children_of(el, Kind::Annotation) {
            self.annotation(d, a, target, None);
        }
    }

    fn annotation(&mut self, d: u32, a: ElemId, target: &str, outer_qualifier: Option<&str>) {
        let doc: &'d Document = &self.docs[d as usize];
        let Some(raw_term) = self.req(doc, a, "Term") else {
            return;
        };
        let term = self.qualify(d, raw_term).into_owned();
        if let Some((prefix, _)) = term.rsplit_once('.')
            && !prefix.contains('.')
            && !self.namespace_known(prefix)
        {
            self.warn(format!("unknown namespace or alias `{prefix}` in term `{raw_term}`; the annotation is kept as written"), doc.attr_pos(a, "Term"));
        }
        let own_q = doc.get(a, "Qualifier");
        if own_q.is_some() && outer_qualifier.is_some() {
            self.warn("an annotation inside a qualified `Annotations` element must not have its own `Qualifier`", doc.attr_pos(a, "Qualifier"));
        }
        let qualifier = own_q.or(outer_qualifier).map(str::to_string);
        let value = self.expr_of(d, a);
        let nested = match &qualifier {
            Some(q) => format!("{target}/@{term}#{q}"),
            None => format!("{target}/@{term}"),
        };
        self.push_annotation(
            target.to_string(),
            Annotation {
                term,
                qualifier,
                value,
                pos: doc.pos(a),
            },
        );
        for n in doc.children_of(a, Kind::Annotation) {
            self.annotation(d, n, &nested, None);
        }
    }

    /// The value of an `Annotation` or `PropertyValue`: attribute notation or first child expression.
    fn expr_of(&mut self, d: u32, el: ElemId) -> Expr {
        let doc: &'d Document = &self.docs[d as usize];
        for attr in doc.attrs(el) {
            let name = doc.attr_name(attr);
            let v = doc.value(attr);
            if let Some(e) = self.constant(d, name, v, attr.pos) {
                return e;
            }
        }
        match doc.children(el).find(|c| doc.kind(*c).is_expression()) {
            Some(c) => self.expr(d, c),
            None => Expr::Default,
        }
    }

    fn constant(&mut self, d: u32, kind: &str, v: &str, pos: Pos) -> Option<Expr> {
        const LITERALS: &[&str] = &[
            "Binary",
            "Date",
            "DateTimeOffset",
            "Decimal",
            "Duration",
            "Float",
            "Guid",
            "TimeOfDay",
        ];
        const PATHS: &[&str] = &[
            "AnnotationPath",
            "ModelElementPath",
            "NavigationPropertyPath",
            "PropertyPath",
            "Path",
        ];
        Some(match kind {
            "String" => Expr::String(v.to_string()),
            "Bool" => match parse_bool(v) {
                Some(b) => Expr::Bool(b),
                None => {
                    self.warn(format!("invalid `Bool` value `{v}`; kept as written"), pos);
                    Expr::Literal {
                        kind: "Bool",
                        text: v.to_string(),
                    }
                }
            },
            "Int" => match v.trim().parse::<i64>() {
                Ok(n) => Expr::Int(n),
                Err(_) => {
                    self.warn(format!("invalid `Int` value `{v}`; kept as written"), pos);
                    Expr::Literal {
                        kind: "Int",
                        text: v.to_string(),
                    }
                }
            },
            "EnumMember" => Expr::EnumMember(
                v.split_whitespace()
                    .map(|m| match m.split_once('/') {
                        Some((t, mem)) => format!("{}/{mem}", self.qualify(d, t)),
                        None => m.to_string(),
                    })
                    .collect(),
            ),
            "UrlRef" => Expr::Dynamic {
                kind: "UrlRef".into(),
                children: vec![Expr::String(v.to_string())],
            },
            k => {
                if let Some(k) = LITERALS.iter().find(|l| **l == k) {
                    Expr::Literal {
                        kind: k,
                        text: v.to_string(),
                    }
                } else if let Some(k) = PATHS.iter().find(|l| **l == k) {
                    Expr::Path {
                        kind: k,
                        path: v.to_string(),
                    }
                } else {
                    return None;
                }
            }
        })
    }

    fn expr(&mut self, d: u32, el: ElemId) -> Expr {
        let doc: &'d Document = &self.docs[d as usize];
        let k = doc.kind(el);
        if k.has_text() && k != Kind::LabeledElementReference {
            let text = doc.text(el).unwrap_or("");
            let text = if k == Kind::String { text } else { text.trim() };
            return self
                .constant(d, k.name(), text, doc.pos(el))
                .unwrap_or(Expr::Null);
        }
        let children = |this: &mut Self| -> Vec<Expr> {
            doc.children(el)
                .filter(|c| doc.kind(*c).is_expression())
                .collect::<Vec<_>>()
                .into_iter()
                .map(|c| this.expr(d, c))
                .collect()
        };
        match k {
            Kind::Null => Expr::Null,
            Kind::Collection => Expr::Collection(children(self)),
            Kind::Record => {
                let ty = doc.get(el, "Type").map(|t| self.qualify(d, t).into_owned());
                let mut properties = Vec::new();
                for pv in doc.children_of(el, Kind::PropertyValue).collect::<Vec<_>>() {
                    let Some(p) = self.req(doc, pv, "Property") else {
                        continue;
                    };
                    let v = self.expr_of(d, pv);
                    properties.push((p.to_string(), v));
                }
                Expr::Record { ty, properties }
            }
            Kind::LabeledElementReference => Expr::Dynamic {
                kind: k.name().into(),
                children: vec![Expr::String(
                    self.qualify(d, doc.text(el).unwrap_or("").trim())
                        .into_owned(),
                )],
            },
            Kind::UrlRef => match doc.children(el).find(|c| doc.kind(*c).is_expression()) {
                Some(_) => Expr::Dynamic {
                    kind: "UrlRef".into(),
                    children: children(self),
                },
                None => Expr::Dynamic {
                    kind: "UrlRef".into(),
                    children: Vec::new(),
                },
            },
            _ => {
                // Leading attribute operands: `Apply/@Function`, `Cast/@Type`, `IsOf/@Type`, `LabeledElement/@Name`.
                let lead = match k {
                    Kind::Apply => doc
                        .get(el, "Function")
                        .map(|f| self.qualify(d, f).into_owned()),
                    Kind::Cast | Kind::IsOf => {
                        doc.get(el, "Type").map(|t| self.canonical_type(d, t))
                    }
                    Kind::LabeledElement => doc.get(el, "Name").map(str::to_string),
                    _ => None,
                };
                let mut ch: Vec<Expr> = lead.map(Expr::String).into_iter().collect();
                if k == Kind::LabeledElement {
                    let v = self.expr_of(d, el);
                    if v != Expr::Default {
                        ch.push(v);
                    }
                } else {
                    ch.extend(children(self));
                }
                Expr::Dynamic {
                    kind: k.name().into(),
                    children: ch,
                }
            }
        }
    }

    fn collect_annotations(&mut self) {
        let docs = self.docs;
        for (d, doc) in docs.iter().enumerate() {
            let d32 = d as u32;
            for s in self.schemas(d).collect::<Vec<_>>() {
                let Some(ns) = doc.get(s, "Namespace") else {
                    continue;
                };
                self.inline(d32, s, ns);
                for c in doc.children(s).collect::<Vec<_>>() {
                    let k = doc.kind(c);
                    if k == Kind::Annotations {
                        let Some(raw) = self.req(doc, c, "Target") else {
                            continue;
                        };
                        let target = self.canonical_target(d32, raw);
                        self.check_target(&target, doc.attr_pos(c, "Target"));
                        let q = doc.get(c, "Qualifier");
                        for a in doc.children_of(c, Kind::Annotation).collect::<Vec<_>>() {
                            self.annotation(d32, a, &target, q);
                        }
                        continue;
                    }
                    let Some(name) = doc.get(c, "Name") else {
                        continue;
                    };
                    let qn = format!("{ns}.{name}");
                    match k {
                        Kind::EntityType
                        | Kind::ComplexType
                        | Kind::EnumType
                        | Kind::TypeDefinition
                        | Kind::Term => {
                            self.inline(d32, c, &qn);
                            for m in doc.children(c).collect::<Vec<_>>() {
                                if matches!(
                                    doc.kind(m),
                                    Kind::Property | Kind::NavigationProperty | Kind::Member
                                ) && let Some(mn) = doc.get(m, "Name")
                                {
                                    self.inline(d32, m, &format!("{qn}/{mn}"));
                                }
                            }
                        }
                        Kind::Action | Kind::Function => {
                            // Operations that failed to build have no target; skip their annotations.
                            let Some(i) = self.op_built.get(&(d32, c)).copied() else {
                                continue;
                            };
                            let target = self.m.operations[i].annotation_target.clone();
                            self.inline(d32, c, &target);
                            for p in doc.children(c).collect::<Vec<_>>() {
                                match doc.kind(p) {
                                    Kind::Parameter => {
                                        if let Some(pn) = doc.get(p, "Name") {
                                            self.inline(d32, p, &format!("{target}/{pn}"));
                                        }
                                    }
                                    Kind::ReturnType => {
                                        self.inline(d32, p, &format!("{target}/$ReturnType"))
                                    }
                                    _ => {}
                                }
                            }
                        }
                        Kind::EntityContainer => {
                            self.inline(d32, c, &qn);
                            for m in doc.children(c).collect::<Vec<_>>() {
                                if matches!(
                                    doc.kind(m),
                                    Kind::EntitySet
                                        | Kind::Singleton
                                        | Kind::ActionImport
                                        | Kind::FunctionImport
                                ) && let Some(mn) = doc.get(m, "Name")
                                {
                                    self.inline(d32, m, &format!("{qn}/{mn}"));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    fn check_target(&mut self, target: &str, pos: Pos) {
        let first = target.split('/').next().unwrap_or("");
        let name = first.split('(').next().unwrap_or("");
        if self.names.contains_key(name) || self.namespaces.contains_key(name) {
            return;
        }
        let ns = name.rsplit_once('.').map(|(n, _)| n).unwrap_or("");
        if self.namespaces.contains_key(ns) {
            self.warn(
                format!("annotation target `{target}` names nothing in the model"),
                pos,
            );
        }
    }

    // ---- Core vocabulary -------------------------------------------------------------

    fn apply_core(&mut self) {
        use crate::vocab;
        let ann = std::mem::take(&mut self.ann);
        let get = |t: &str| ann.get(t).map(Vec::as_slice).unwrap_or(&[]);
        let mut key = String::new();
        let mut sub = |base: &str, name: &str| -> &[Annotation] {
            key.clear();
            key.push_str(base);
            key.push('/');
            key.push_str(name);
            ann.get(key.as_str()).map(Vec::as_slice).unwrap_or(&[])
        };
        for ty in &mut self.m.types {
            let qn = ty.qualified_name();
            let a = get(&qn);
            ty.description = vocab::core_string(a, "Description");
            ty.long_description = vocab::core_string(a, "LongDescription");
            match &mut ty.kind {
                TypeKind::Entity(s) | TypeKind::Complex(s) => {
                    s.optimistic_concurrency = vocab::optimistic_concurrency(a);
                    for p in &mut s.properties {
                        let a = sub(&qn, &p.name);
                        if a.is_empty() {
                            continue;
                        }
                        p.description = vocab::core_string(a, "Description");
                        p.long_description = vocab::core_string(a, "LongDescription");
                        p.computed = vocab::core_tag(a, "Computed");
                        p.immutable = vocab::core_tag(a, "Immutable");
                        p.permissions = vocab::permissions(a);
                    }
                    for n in &mut s.navigation {
                        let a = sub(&qn, &n.name);
                        n.description = vocab::core_string(a, "Description");
                        n.long_description = vocab::core_string(a, "LongDescription");
                    }
                }
                TypeKind::Enum(e) => {
                    for m in &mut e.members {
                        m.description = vocab::core_string(sub(&qn, &m.name), "Description");
                    }
                }
                TypeKind::Definition(_) => {}
            }
        }
        for op in &mut self.m.operations {
            let qn = format!("{}.{}", op.namespace, op.name);
            let all = format!("{qn}({})", op.parameter_types.join(","));
            let targets = [op.annotation_target.as_str(), all.as_str(), qn.as_str()];
            op.description = targets
                .iter()
                .find_map(|t| vocab::core_string(get(t), "Description"));
            op.long_description = targets
                .iter()
                .find_map(|t| vocab::core_string(get(t), "LongDescription"));
            for p in &mut op.parameters {
                for t in targets {
                    let a = sub(t, &p.name);
                    if p.description.is_none() {
                        p.description = vocab::core_string(a, "Description");
                    }
                    p.optional |= vocab::core_term(a, "OptionalParameter").is_some();
                }
            }
        }
        let mut concurrency: Vec<(TypeId, Vec<String>)> = Vec::new();
        for c in &mut self.m.containers {
            let qn = format!("{}.{}", c.namespace, c.name);
            c.description = vocab::core_string(get(&qn), "Description");
            for s in &mut c.entity_sets {
                let a = sub(&qn, &s.name);
                s.description = vocab::core_string(a, "Description");
                let oc = vocab::optimistic_concurrency(a);
                if !oc.is_empty() {
                    concurrency.push((s.entity_type, oc));
                }
            }
            for s in &mut c.singletons {
                s.description = vocab::core_string(sub(&qn, &s.name), "Description");
            }
        }
        for (t, paths) in concurrency {
            if let Some(s) = self.structured_mut(t) {
                for p in paths {
                    if !s.optimistic_concurrency.contains(&p) {
                        s.optimistic_concurrency.push(p);
                    }
                }
            }
        }
        let mut out = HashMap::with_capacity(ann.len());
        out.extend(ann);
        self.m.annotations = out;
    }
}

fn empty_structured() -> Structured {
    Structured {
        base: None,
        is_abstract: false,
        open: false,
        has_stream: false,
        key: Vec::new(),
        properties: Vec::new(),
        navigation: Vec::new(),
        derived: Vec::new(),
        optimistic_concurrency: Vec::new(),
    }
}
