//! Renders model types: one file per CSDL type under `src/models/<namespace>/`, written
//! as text by [`super::text`] (in prettyplease's layout, checked by `tests/layout.rs`).
//!
//! Per entity or complex type `T` (file `t.rs`):
//! - `T`, the read shape: every property `Option<_>`, plus `additional` (everything the
//!   type does not declare), `FromJson`/`ToJson` through the runtime's object reader and
//!   writer, serde impls delegating to the runtime bridge, and `Entity` (the key);
//! - `AnyT` when `T` is used polymorphically: one variant per concrete type, dispatched
//!   on `@odata.type`, plus `Unknown(Value)`;
//! - `TCreate` / `TUpdate` for concrete entity types: the write shapes. They have no
//!   setters (a generic `impl Into` setter per property and shape was a fifth of the
//!   whole-Graph crate's compile memory): start from `default()` and assign the fields.

use std::collections::BTreeMap;

use crate::ir::{BaseTy, CrateIr, FieldTy, Item, ItemKind, TypeNames};

/// Renders every type file; keys are paths relative to the crate root.
pub fn emit_all(ir: &CrateIr) -> BTreeMap<String, String> {
    let header = super::header(&ir.sources);
    let items: Vec<(String, &Item)> = ir
        .modules
        .iter()
        .flat_map(|(m, module)| {
            module
                .items
                .iter()
                .map(move |(f, item)| (format!("src/models/{m}/{f}.rs"), item))
        })
        .collect();
    // Two workers at most: the output is collected into a BTreeMap, so the order in
    // which files are rendered never shows.
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    let chunk = items.len().div_ceil(threads).max(1);
    let mut out = BTreeMap::new();
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let header = &header;
                s.spawn(move || {
                    part.iter()
                        .filter_map(|(p, item)| {
                            super::text::item_file(ir, item)
                                .map(|t| (p.clone(), format!("{header}\n{t}")))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            if let Ok(v) = h.join() {
                out.extend(v);
            }
        }
    });
    out
}

/// Whether an item produces a file (an abstract type used only as a base does not).
pub fn has_file(item: &Item) -> bool {
    match &item.kind {
        ItemKind::Structured(s) => !s.is_abstract || s.poly.is_some(),
        _ => true,
    }
}

fn names(ir: &CrateIr, id: csdl::model::TypeId) -> &TypeNames {
    &ir.names[&id]
}

/// The Rust type of a field as text (for `API.txt`), e.g. `Vec<microsoft_graph::Foo>`.
pub fn field_type_text(ir: &CrateIr, ty: &FieldTy) -> String {
    let named = |id: csdl::model::TypeId, any: bool| {
        let n = names(ir, id);
        let t = if any {
            n.any.as_deref().unwrap_or(&n.name)
        } else {
            &n.name
        };
        format!("{}::{t}", n.module)
    };
    let base = match &ty.base {
        BaseTy::Path(p) => p
            .trim_start_matches("::std::string::")
            .trim_start_matches("crate::runtime::")
            .to_string(),
        BaseTy::Named(t) => named(*t, false),
        BaseTy::Any(t) => named(*t, true),
        BaseTy::Flags(t) => format!("Flags<{}>", named(*t, false)),
    };
    if ty.collection {
        format!("Vec<{base}>")
    } else if ty.boxed {
        format!("Box<{base}>")
    } else {
        base
    }
}
