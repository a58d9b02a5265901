//! Loading the documents of a model: the main documents, their `edmx:Reference`s,
//! and the checks of each document's envelope and names.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::diag::{Errors, Pos, Severity, Sources};
use crate::document::{Document, ElemId, Kind};

pub(super) fn load_impl(
    path: &Path,
    explicit: &HashSet<PathBuf>,
    read: &ReadFn<'_>,
) -> Result<Model, Errors> {
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
pub(super) fn refuse(
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
