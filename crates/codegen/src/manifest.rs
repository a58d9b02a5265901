//! `API.txt`: one line per public item of a generated crate (types, fields with their Rust
//! type and nullability, enum members, variants), sorted, for review and for the change
//! report ([`changes`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::emit::models::{field_type_text, has_file};
use crate::ir::{CrateIr, ItemKind};
use crate::naming;

/// Renders `API.txt`.
pub fn api_txt(ir: &CrateIr) -> String {
    let mut lines = BTreeSet::new();
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
                        lines.insert(format!("type {m}::{} = {kind} {q}", n.name));
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
                            lines.insert(format!(
                                "field {m}::{}.{}: {ty} ({null}{ro}) = {q}/{}",
                                n.name,
                                f.name,
                                naming::plain(&f.wire)
                            ));
                        }
                    }
                    if let (Some(any), Some(p)) = (&n.any, &s.poly) {
                        lines.insert(format!("type {m}::{any} = polymorphic {q}"));
                        for v in &p.variants {
                            lines.insert(format!(
                                "variant {m}::{any}::{} = {}",
                                v.name,
                                naming::plain(&v.wire[0])
                            ));
                        }
                    }
                    for shape in [&n.create, &n.update].into_iter().flatten() {
                        lines.insert(format!("type {m}::{shape} = write shape {q}"));
                    }
                }
                ItemKind::Enum(e) => {
                    let kind = if e.flags { "flags enum" } else { "enum" };
                    lines.insert(format!("type {m}::{} = {kind} {q}", n.name));
                    for mem in &e.members {
                        lines.insert(format!(
                            "member {m}::{}::{} = {}",
                            n.name,
                            mem.name,
                            naming::plain(&mem.wire)
                        ));
                    }
                }
                ItemKind::Definition(ty) => {
                    let inner = field_type_text(ir, ty);
                    lines.insert(format!("type {m}::{} = definition {q}: {inner}", n.name));
                }
            }
        }
    }
    let mut out = format!(
        "# Public API of {} (generated from {}). One line per item.\n",
        ir.package, ir.sources
    );
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
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
                let what = if k.starts_with("variant ") {
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
