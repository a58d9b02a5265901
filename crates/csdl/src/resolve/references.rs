//! Loading the documents of a model: the main documents, their `edmx:Reference`s,
//! and the checks of each document's envelope and names.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::diag::{Errors, Pos, Severity, Sources};
use crate::document::{Document, ElemId, Kind};

/// A reference found in a document: its `Uri`, where, and the namespaces it includes.
struct Reference {
    uri: String,
    pos: Pos,
    includes: Vec<String>,
}

/// The documents of one load, read in order: the given ones, then what their references
/// name, breadth first.
struct Loader<'a> {
    read: &'a ReadFn<'a>,
    explicit: &'a HashSet<PathBuf>,
    /// Reference URI → the local file standing for it ([`Options::references`]).
    mapped: HashMap<&'a str, &'a Path>,
    /// The folder mapped files must lie in: that of the first given document.
    home: PathBuf,
    sources: Sources,
    docs: Vec<Document>,
    diags: Vec<Raw>,
    seen: HashSet<PathBuf>,
    /// Namespaces declared by the documents read so far.
    provided: HashSet<String>,
    /// Namespaces of references not read: namespace → (uri, position of `Uri`, why).
    unread: HashMap<String, (String, Pos, String)>,
    /// References whose files were not found: decided once every document is read
    /// (another document may declare their namespaces).
    pending: Vec<(Reference, String)>,
    /// Namespaces that found references promise: (namespace, uri, position).
    expected: Vec<(String, String, Pos)>,
    /// Files that are embedded standard vocabularies.
    builtin: HashSet<u32>,
    /// Bytes of text read so far, all documents together.
    read_bytes: u64,
}

pub(super) fn load_impl(
    given: &[PathBuf],
    explicit: &HashSet<PathBuf>,
    options: &Options,
    read: &ReadFn<'_>,
) -> Result<Model, Errors> {
    let home = given
        .first()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut l = Loader {
        read,
        explicit,
        mapped: options
            .references
            .iter()
            .map(|(u, p)| (u.as_str(), p.as_path()))
            .collect(),
        home,
        sources: Sources::default(),
        docs: Vec::new(),
        diags: Vec::new(),
        seen: HashSet::new(),
        provided: HashSet::new(),
        unread: HashMap::new(),
        pending: Vec::new(),
        expected: Vec::new(),
        builtin: HashSet::new(),
        read_bytes: 0,
    };
    for path in given {
        l.open_given(path);
    }
    let mut next_doc = 0;
    while next_doc < l.docs.len() {
        let refs = l.references_of(next_doc);
        let doc_path = l.sources.files[l.docs[next_doc].file as usize].path.clone();
        next_doc += 1;
        for r in refs {
            l.follow(&doc_path, r);
        }
    }
    l.settle_pending();
    let Loader {
        sources,
        docs,
        mut diags,
        unread,
        expected,
        builtin,
        ..
    } = l;
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
        let unavailable = unread.keys().cloned().collect();
        let mut r = Resolver::new(&docs, &sources, unavailable, &mut model, &mut diags);
        r.refused = unread;
        r.builtin = builtin.clone();
        r.run(&expected);
    }
    // The embedded vocabularies' own warnings are nobody's business.
    diags.retain(|d| d.0 == Severity::Error || !builtin.contains(&d.2.file));
    model.sources = sources;
    finish(model, diags, options.strict)
}

impl Loader<'_> {
    /// Reads a document the user gave (an error if it cannot be read).
    fn open_given(&mut self, path: &Path) {
        if !self.seen.insert(normalize(path)) {
            return;
        }
        match fetch(self.read, path, None) {
            Ok(text) => self.add(path.to_path_buf(), text),
            Err(Unread::Missing(msg) | Unread::Refused(msg)) => {
                let idx = self.sources.add(path.to_path_buf(), Arc::from(""));
                self.diags.push((
                    Severity::Error,
                    msg,
                    Pos {
                        file: idx,
                        offset: 0,
                    },
                ));
            }
        }
    }

    /// Parses a document read and notes the namespaces it declares.
    fn add(&mut self, path: PathBuf, text: String) {
        self.read_bytes += text.len() as u64;
        let idx = self.sources.add(path, Arc::from(text));
        let before = self.docs.len();
        parse_into(&self.sources, idx, &mut self.docs, &mut self.diags);
        if let Some(doc) = self.docs.get(before) {
            for ds in doc.children_of(doc.root(), Kind::DataServices) {
                for s in doc.children_of(ds, Kind::Schema) {
                    if let Some(ns) = doc.get(s, "Namespace") {
                        self.provided.insert(ns.to_string());
                    }
                }
            }
        }
    }

    /// The references of document `di`, checked (required attributes, duplicates).
    fn references_of(&mut self, di: usize) -> Vec<Reference> {
        let doc = &self.docs[di];
        let diags = &mut self.diags;
        let mut uris = HashSet::new();
        let mut refs = Vec::new();
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
            refs.push(Reference {
                uri: uri.to_string(),
                pos: doc.attr_pos(r, "Uri"),
                includes,
            });
        }
        refs
    }

    /// Whether every namespace `r` includes is declared by a document read (it
    /// includes at least one).
    fn satisfied(&self, r: &Reference) -> bool {
        !r.includes.is_empty() && r.includes.iter().all(|ns| self.provided.contains(ns))
    }

    /// Satisfies one reference: by a document already read that declares its namespaces,
    /// by the standard vocabularies, by the file the user mapped its URI to, or by a
    /// local file found from its URI.
    fn follow(&mut self, doc_path: &Path, r: Reference) {
        if self.satisfied(&r) {
            return;
        }
        if r.includes.is_empty() && vocabularies::namespace_of_uri(&r.uri).is_some() {
            return; // a standard vocabulary, for its annotations only
        }
        for ns in &r.includes {
            if is_standard(ns) && !self.provided.contains(ns) {
                self.open_vocabulary(ns);
            }
        }
        if self.satisfied(&r) {
            return;
        }
        if let Some(file) = self.mapped.get(r.uri.as_str()).copied() {
            self.open_mapped(r, file);
            return;
        }
        let cands = match reference_candidates(doc_path, &r.uri, self.explicit) {
            Ok(c) => c,
            Err(why) => return self.refuse(r, why),
        };
        let dir = doc_path.parent().unwrap_or(Path::new(""));
        for (c, is_explicit) in &cands {
            if self.seen.contains(c) {
                return self.expect(&r);
            }
            if self.over_budget(&r, 0) {
                return;
            }
            match fetch(self.read, c, if *is_explicit { None } else { Some(dir) }) {
                Ok(text) => return self.open_reference(r, c.clone(), text),
                Err(Unread::Missing(_)) => {}
                Err(Unread::Refused(why)) => return self.refuse(r, why),
            }
        }
        let looked: Vec<String> = cands
            .iter()
            .map(|(c, _)| format!("`{}`", c.display()))
            .collect();
        let looked = if looked.is_empty() {
            "nothing".to_string()
        } else {
            looked.join(", ")
        };
        self.pending
            .push((r, format!("no file was found (looked for {looked})")));
    }

    /// Reads the embedded standard vocabulary declaring `namespace`.
    fn open_vocabulary(&mut self, namespace: &str) {
        let Some((path, text)) = vocabularies::embedded(namespace) else {
            return;
        };
        if self.seen.insert(PathBuf::from(&path)) {
            self.builtin.insert(self.sources.files.len() as u32);
            self.add(PathBuf::from(path), text.to_string());
        }
    }

    /// Reads the file the user mapped a reference URI to: inside the folder of the first
    /// given document, or one of the given documents.
    fn open_mapped(&mut self, r: Reference, file: &Path) {
        let p = normalize(file);
        if self.seen.contains(&p) {
            return self.expect(&r);
        }
        if self.over_budget(&r, 0) {
            return;
        }
        let within = (!self.explicit.contains(&p)).then(|| self.home.clone());
        match fetch(self.read, &p, within.as_deref()) {
            Ok(text) => self.open_reference(r, p, text),
            Err(Unread::Refused(why)) => self.refuse(r, why),
            Err(Unread::Missing(_)) => self.diags.push((
                Severity::Error,
                format!(
                    "`{}` is mapped to the local file `{}`, which does not exist",
                    crate::names::escape(&r.uri),
                    p.display()
                ),
                r.pos,
            )),
        }
    }

    fn open_reference(&mut self, r: Reference, path: PathBuf, text: String) {
        if self.over_budget(&r, text.len() as u64) {
            return;
        }
        self.seen.insert(path.clone());
        self.add(path, text);
        self.expect(&r);
    }

    /// Whether reading `incoming` more bytes for `r` would pass the limits of one load
    /// ([`MAX_DOCUMENTS`], [`MAX_TOTAL_SIZE`]): then an error at its `Uri`. Asked before a
    /// file is read (with 0) and once its size is known.
    fn over_budget(&mut self, r: &Reference, incoming: u64) -> bool {
        let why = if self.seen.len() >= MAX_DOCUMENTS {
            format!("too many referenced documents (at most {MAX_DOCUMENTS} are read)")
        } else if self.read_bytes + incoming > MAX_TOTAL_SIZE
            || (incoming == 0 && self.read_bytes >= MAX_TOTAL_SIZE)
        {
            // Read all the same: counted, so that nothing more is read after it.
            self.read_bytes += incoming;
            format!(
                "the documents of this load would pass {} MiB together (the most one load reads)",
                MAX_TOTAL_SIZE >> 20
            )
        } else {
            return false;
        };
        self.diags.push((Severity::Error, why, r.pos));
        true
    }

    fn expect(&mut self, r: &Reference) {
        self.expected.extend(
            r.includes
                .iter()
                .map(|ns| (ns.clone(), r.uri.clone(), r.pos)),
        );
    }

    fn refuse(&mut self, r: Reference, why: String) {
        refuse(
            &mut self.diags,
            &mut self.unread,
            &r.uri,
            r.pos,
            why,
            r.includes,
        );
    }

    /// References whose files were not found: satisfied if the documents read declare
    /// their namespaces, else a warning (and an error where a type of theirs is used).
    fn settle_pending(&mut self) {
        for (r, why) in std::mem::take(&mut self.pending) {
            if self.satisfied(&r) {
                continue;
            }
            self.diags.push((
                Severity::Warning,
                format!(
                    "referenced document `{}` is not read: {why}; its annotations are skipped, and a type from it is an error",
                    crate::names::escape(&r.uri)
                ),
                r.pos,
            ));
            for ns in r.includes {
                if !self.provided.contains(&ns) {
                    self.unread.insert(ns, (r.uri.clone(), r.pos, why.clone()));
                }
            }
        }
    }
}

/// A reference not opened: a warning at its `Uri` (an error later if a type of its
/// namespaces is used). Nothing of the file is read, so nothing of it is shown.
pub(super) fn refuse(
    diags: &mut Vec<Raw>,
    refused: &mut HashMap<String, (String, Pos, String)>,
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
        refused.insert(ns, (uri.to_string(), pos, why.clone()));
    }
}

pub(super) fn parse_into(
    sources: &Sources,
    idx: u32,
    docs: &mut Vec<Document>,
    diags: &mut Vec<Raw>,
) {
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

pub(super) fn check_envelope(doc: &Document, diags: &mut Vec<Raw>) {
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
pub(super) fn check_names(doc: &Document, diags: &mut Vec<Raw>) {
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
            // A key part's alias becomes a parameter name and a URL key name.
            Kind::PropertyRef => &[("Alias", Some(Place::Member))],
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
