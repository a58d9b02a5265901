//! `API.txt`: one line per public item of a generated crate (types, fields with their Rust
//! type and nullability, enum members, variants; the client's root, builders, methods
//! with their signatures and field enums), sorted, for review and for the change report
//! ([`changes`]).

use std::collections::BTreeMap;

use crate::emit::models::{field_type_text, has_file};
use crate::ir::client::{BuilderRef, FilterIr, OperationIr, ParamIr, Pass, RefsIr, ReturnIr, TyIr};
use crate::ir::{CrateIr, ItemKind};
use crate::naming;

/// The lines of `API.txt`, in any order: each formatted in one reused buffer, then kept
/// in chunks of [`Lines::CHUNK`] bytes (72,000 lines for whole Graph: a `String` each,
/// or one buffer grown to 16 MiB by doubling, each time into fresh memory, cost more
/// than the rest of the file).
#[derive(Default)]
struct Lines {
    chunks: Vec<String>,
    /// Where each line is: chunk, start, end.
    spans: Vec<(u32, u32, u32)>,
    scratch: String,
}

impl Lines {
    const CHUNK: usize = 1 << 20;

    fn line(&mut self, line: std::fmt::Arguments<'_>) {
        use std::fmt::Write;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let _ = scratch.write_fmt(line);
        self.insert(&scratch);
        self.scratch = scratch;
    }

    fn insert(&mut self, line: &str) {
        let full = self
            .chunks
            .last()
            .is_none_or(|c| c.capacity() - c.len() < line.len());
        if full {
            self.chunks
                .push(String::with_capacity(Self::CHUNK.max(line.len())));
        }
        let n = self.chunks.len() - 1;
        let chunk = &mut self.chunks[n];
        let start = chunk.len();
        chunk.push_str(line);
        self.spans
            .push((n as u32, start as u32, chunk.len() as u32));
    }

    /// The lines sorted and without duplicates (as a `BTreeSet` would give them), each
    /// ended by a newline, after `out`.
    fn finish(self, mut out: String) -> String {
        let Lines {
            chunks, mut spans, ..
        } = self;
        let text = |&(c, s, e): &(u32, u32, u32)| &chunks[c as usize][s as usize..e as usize];
        spans.sort_unstable_by(|a, b| text(a).cmp(text(b)));
        spans.dedup_by(|a, b| text(a) == text(b));
        out.reserve(spans.iter().map(|s| text(s).len() + 1).sum());
        for s in &spans {
            out.push_str(text(s));
            out.push('\n');
        }
        out
    }
}

/// Renders `API.txt`.
pub fn api_txt(ir: &CrateIr) -> String {
    let mut lines = Lines::default();
    for (m, module) in &ir.modules {
        for item in module.items.values() {
            if !has_file(item) {
                continue;
            }
            let n = &ir.names[&item.id];
            let q = &naming::plain(&item.qualified);
            match &item.kind {
                ItemKind::Structured(s) => {
                    let kind = if s.entity { "entity" } else { "complex" };
                    if !s.is_abstract {
                        lines.line(format_args!("type {m}::{} = {kind} {q}", n.name));
                        for f in &s.fields {
                            let ty = field_type_text(ir, &f.ty);
                            let null = if f.navigation {
                                "navigation"
                            } else if f.ty.collection {
                                "collection"
                            } else if f.nullable {
                                "nullable"
                            } else {
                                "not-null"
                            };
                            let ro = if f.read_only && !f.navigation {
                                " read-only"
                            } else {
                                ""
                            };
                            lines.line(format_args!(
                                "field {m}::{}.{}: {ty} ({null}{ro}) = {q}/{}",
                                n.name,
                                f.name,
                                naming::plain(&f.wire)
                            ));
                        }
                    }
                    if let (Some(any), Some(p)) = (&n.any, &s.poly) {
                        lines.line(format_args!("type {m}::{any} = polymorphic {q}"));
                        for v in &p.variants {
                            lines.line(format_args!(
                                "variant {m}::{any}::{} = {}",
                                v.name,
                                naming::plain(&v.wire[0])
                            ));
                        }
                    }
                    for shape in [&n.create, &n.update].into_iter().flatten() {
                        lines.line(format_args!("type {m}::{shape} = write shape {q}"));
                    }
                }
                ItemKind::Enum(e) => {
                    let kind = if e.flags { "flags enum" } else { "enum" };
                    lines.line(format_args!("type {m}::{} = {kind} {q}", n.name));
                    for mem in &e.members {
                        lines.line(format_args!(
                            "member {m}::{}::{} = {}",
                            n.name,
                            mem.name,
                            naming::plain(&mem.wire)
                        ));
                    }
                }
                ItemKind::Definition(ty) => {
                    let inner = field_type_text(ir, ty);
                    lines.line(format_args!(
                        "type {m}::{} = definition {q}: {inner}",
                        n.name
                    ));
                }
            }
        }
    }
    client_lines(ir, &mut lines);
    let head = format!(
        "# Public API of {} (generated from {}). One line per item.\n",
        ir.package,
        naming::plain(&ir.sources)
    );
    lines.finish(head)
}

/// A client type as `API.txt` shows it (`microsoft_graph::User`, `Vec<String>`).
fn ty_text(t: &TyIr) -> String {
    match t {
        TyIr::Model(m, n) => format!("{m}::{n}"),
        TyIr::Path(p) => p
            .trim_start_matches("crate::runtime::")
            .trim_start_matches("::std::string::")
            .to_string(),
        TyIr::Flags(e) => format!("Flags<{}>", ty_text(e)),
        TyIr::Vec(e) => format!("Vec<{}>", ty_text(e)),
    }
}

fn param_text(p: &ParamIr) -> String {
    let t = ty_text(&p.ty);
    let sig = match (p.collection, p.pass) {
        (true, _) => format!("&[{t}]"),
        (false, Pass::Value) => t,
        (false, Pass::Str) => "&str".into(),
        (false, Pass::Ref) => format!("&{t}"),
    };
    if p.optional {
        format!("{}: Option<{sig}>", p.rust)
    } else {
        format!("{}: {sig}", p.rust)
    }
}

fn builder_text(b: &BuilderRef) -> String {
    format!("client::{}::{}", b.module, b.name)
}

fn operation_line(owner: &str, op: &OperationIr) -> String {
    let params: Vec<String> = op.params.iter().map(param_text).collect();
    let ret = match &op.ret {
        ReturnIr::Unit => "()".to_string(),
        ReturnIr::Object(t) | ReturnIr::Value(t) => format!("Option<{}>", ty_text(t)),
        ReturnIr::Pager(t) => format!("Pager<{}>", ty_text(t)),
        ReturnIr::Stream => "Download".to_string(),
        ReturnIr::UploadSession => "UploadSession".to_string(),
        ReturnIr::Delta { item, .. } => format!("DeltaRequest<{}>", ty_text(item)),
    };
    let kind = if op.is_action { "action" } else { "function" };
    let via = op
        .import
        .as_deref()
        .map(|i| format!(" via import {}", naming::plain(i)))
        .unwrap_or_default();
    format!(
        "method {owner}.{}: ({}) -> {ret} = {kind} {}{via}",
        op.method,
        params.join(", "),
        naming::plain(&op.qualified)
    )
}

/// The client's lines: root client, builders and their methods, field and navigation
/// enums, roots.
fn client_lines(ir: &CrateIr, lines: &mut Lines) {
    let c = &ir.client;
    let root = &c.root.name;
    lines.line(format_args!(
        "client {root} = container {}",
        naming::plain(c.root.container.as_deref().unwrap_or(""))
    ));
    for s in &c.root.steps {
        lines.line(format_args!(
            "method {root}.{}: () -> {} = /{}",
            s.method,
            builder_text(&s.target),
            naming::plain(&s.wire)
        ));
    }
    for op in &c.root.operations {
        lines.insert(&operation_line(root, op));
    }
    if let Some(url) = &c.service_root {
        lines.line(format_args!("const SERVICE_ROOT = {url}"));
    }
    for (name, url) in &c.service_roots {
        lines.line(format_args!("const service_roots::{name} = {url}"));
    }
    for (m, module) in &c.modules {
        for file in module.files.values() {
            if let Some(f) = &file.field {
                let q = naming::plain(&f.qualified);
                lines.line(format_args!(
                    "type client::{m}::{} = field enum {q}",
                    f.name
                ));
                for v in &f.variants {
                    lines.line(format_args!(
                        "variant client::{m}::{}::{} = {}",
                        f.name,
                        v.name,
                        naming::plain(&v.wire)
                    ));
                    if let Some((c, filter)) = &v.filter {
                        let ty = match filter {
                            FilterIr::Value(t) => format!("Operand<{}>", ty_text(t)),
                            FilterIr::Values(t) => format!("CollectionOperand<{}>", ty_text(t)),
                            FilterIr::Enum(t, _) => format!("EnumOperand<{}>", ty_text(t)),
                            FilterIr::Flags(t, _) => format!("FlagsOperand<{}>", ty_text(t)),
                            FilterIr::Enums(t, _) => {
                                format!("EnumCollectionOperand<{}>", ty_text(t))
                            }
                        };
                        lines.line(format_args!("const client::{m}::{}::{c}: {ty}", f.name));
                    }
                }
            }
            if let Some(n) = &file.nav {
                let q = naming::plain(&n.qualified);
                lines.line(format_args!(
                    "type client::{m}::{} = navigation enum {q}",
                    n.name
                ));
                for v in &n.variants {
                    let kind = if v.collection { "Many" } else { "One" };
                    lines.line(format_args!(
                        "variant client::{m}::{}::{} = {}",
                        n.name,
                        v.name,
                        naming::plain(&v.wire)
                    ));
                    lines.line(format_args!(
                        "method client::{m}::{}.{}: () -> Expand<{}, {}::{}, {kind}>",
                        n.name, v.method, n.field, v.target.module, v.target.name
                    ));
                }
            }
            for b in &file.builders {
                let owner = format!("client::{m}::{}", b.name);
                let what = if b.collection { "collection" } else { "one" };
                lines.line(format_args!(
                    "type {owner} = builder {what} {}",
                    naming::plain(&b.qualified)
                ));
                let read = ty_text(&b.read);
                let field = b.field.as_deref().unwrap_or("NoField");
                let mut method = |name: &str, sig: String| {
                    lines.line(format_args!("method {owner}.{name}: {sig}"));
                };
                if let Some(k) = &b.key {
                    let name = if k.parts.len() == 1 {
                        "by_id"
                    } else {
                        "by_key"
                    };
                    let params: Vec<String> = k.parts.iter().map(param_text).collect();
                    method(
                        name,
                        format!("({}) -> {}", params.join(", "), builder_text(&k.item)),
                    );
                }
                if b.list {
                    method("list", format!("() -> ListRequest<{read}, {field}>"));
                }
                if let Some(t) = &b.create {
                    method("create", format!("(&{}) -> Option<{read}>", ty_text(t)));
                }
                if b.get {
                    method("get", format!("() -> GetRequest<{read}, {field}>"));
                }
                if let Some(t) = &b.update {
                    method("update", format!("(&{}) -> Option<{read}>", ty_text(t)));
                }
                if let Some(t) = &b.replace {
                    method("replace", format!("(&{}) -> Option<{read}>", ty_text(t)));
                }
                if let Some(t) = &b.upsert {
                    method("upsert", format!("(&{}) -> Option<{read}>", ty_text(t)));
                }
                if b.delete {
                    method("delete", "() -> ()".into());
                }
                if b.count {
                    method("count", "() -> u64".into());
                }
                for alt in &b.alternate_keys {
                    let params: Vec<String> = alt.parts.iter().map(param_text).collect();
                    let item = b
                        .key
                        .as_ref()
                        .map(|k| builder_text(&k.item))
                        .unwrap_or_default();
                    method(&alt.method, format!("({}) -> {item}", params.join(", ")));
                }
                let (verb, key) = match &b.refs {
                    Some(RefsIr::Collection(k)) => {
                        method("refs", "() -> ListRequest<Reference>".into());
                        ("add", k)
                    }
                    Some(RefsIr::Single(k)) => {
                        method("get_ref", "() -> Option<Reference>".into());
                        method("remove_ref", "() -> ()".into());
                        ("set", k)
                    }
                    Some(RefsIr::Item) => {
                        method("remove_ref", "() -> ()".into());
                        ("", &None)
                    }
                    None => ("", &None),
                };
                if !verb.is_empty() {
                    method(&format!("{verb}_ref_at"), "(&Builder) -> ()".into());
                }
                if let Some(k) = key {
                    let params: Vec<String> = k.parts.iter().map(param_text).collect();
                    let name = if k.parts.len() == 1 { "id" } else { "key" };
                    method(
                        &format!("{verb}_ref_by_{name}"),
                        format!("({}) -> () = {}", params.join(", "), naming::plain(&k.set)),
                    );
                }
                for s in &b.casts {
                    method(
                        &s.method,
                        format!(
                            "() -> {} = …/{}",
                            builder_text(&s.target),
                            naming::plain(&s.wire)
                        ),
                    );
                }
                for st in &b.streams {
                    let mut sig = format!("() -> StreamRequest = …/{}", naming::plain(&st.wire));
                    if let Some(t) = &st.media_type {
                        sig.push_str(&format!(" as {}", naming::plain(t)));
                    }
                    if !st.acceptable.is_empty() {
                        let list: Vec<String> =
                            st.acceptable.iter().map(|a| naming::plain(a)).collect();
                        sig.push_str(&format!(" accepting {}", list.join(" ")));
                    }
                    method(&st.method, sig);
                }
                for s in &b.nav {
                    method(
                        &s.method,
                        format!(
                            "() -> {} = …/{}",
                            builder_text(&s.target),
                            naming::plain(&s.wire)
                        ),
                    );
                }
                for op in &b.operations {
                    lines.insert(&operation_line(&owner, op));
                }
            }
        }
    }
}

/// One API difference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Whether Rust users' code may stop compiling or behave differently.
    pub breaking: bool,
    /// What changed.
    pub text: String,
}

/// Parses `API.txt` into (item key → full line).
fn items(api: &str) -> BTreeMap<String, String> {
    api.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let key = match l.split_once(" = ") {
                Some((k, _)) => k.split(": ").next().unwrap_or(k).to_string(),
                None => l.to_string(),
            };
            (key, l.to_string())
        })
        .collect()
}

/// Compares two `API.txt` texts.
pub fn changes(old: &str, new: &str) -> Vec<Change> {
    let old = items(old);
    let new = items(new);
    let mut out = Vec::new();
    for (k, line) in &new {
        match old.get(k) {
            None => {
                let breaking = false;
                let what = if k.starts_with("method ") {
                    "new method"
                } else if k.starts_with("variant ") {
                    "new subtype"
                } else if k.starts_with("member ") {
                    "new enum member"
                } else if k.starts_with("field ") {
                    "new property"
                } else {
                    "new type"
                };
                out.push(Change {
                    breaking,
                    text: format!("added ({what}): `{line}`"),
                });
            }
            Some(o) if o != line => {
                out.push(Change {
                    breaking: true,
                    text: format!("changed: `{o}` → `{line}`"),
                });
            }
            _ => {}
        }
    }
    for (k, line) in &old {
        if !new.contains_key(k) {
            out.push(Change {
                breaking: true,
                text: format!("removed: `{line}`"),
            });
        }
    }
    out.sort();
    out
}

/// Renders `CHANGES.md` from the API before and after.
pub fn changes_md(package: &str, old: &str, new: &str) -> Option<String> {
    let list = changes(old, new);
    if list.is_empty() {
        return None;
    }
    let breaking = list.iter().filter(|c| c.breaking).count();
    let mut s = format!(
        "# Changes to the public API of {package}\n\nCompared with the crate as it stood before this regeneration: {} change(s), {breaking} breaking.\n\n",
        list.len()
    );
    for c in list.iter().filter(|c| c.breaking) {
        s.push_str(&format!("- **breaking** {}\n", c.text));
    }
    for c in list.iter().filter(|c| !c.breaking) {
        s.push_str(&format!("- {}\n", c.text));
    }
    Some(s)
}
