//! Renders model types: one file per CSDL type under `src/models/<namespace>/`.
//!
//! Per entity or complex type `T` (file `t.rs`):
//! - `T`, the read shape: every property `Option<_>`, plus `additional` (everything the
//!   type does not declare), `FromJson`/`ToJson` through the runtime's object reader and
//!   writer, serde impls delegating to the runtime bridge, and `Entity` (the key);
//! - `AnyT` when `T` is used polymorphically: one variant per concrete type, dispatched
//!   on `@odata.type`, plus `Unknown(Value)`;
//! - `TCreate` / `TUpdate` for concrete entity types: the write shapes. They have no
//!   setters (a generic `impl Into` setter per property and shape costs compile memory
//!   on big schemas): start from `default()` and assign the fields.
//!
//! Rule for everything emitted per type: prefer one call into the runtime to generated
//! or derived code, because it is multiplied by thousands of types. The measurements
//! behind it are in this crate's README, "Compile time of big crates".
//!
//! Rendering every model through quote → syn → prettyplease was most of the time of a
//! whole-Graph generation. Model code is regular, so it is written here as text exactly
//! as prettyplease prints it; an item with a line prettyplease would break (wider than
//! its margin) or a doc line that cannot be a `///` comment goes through syn and
//! prettyplease after all. `tests/layout.rs` checks that every model file equals
//! prettyplease's output for it.

use std::collections::BTreeMap;

use super::text::{MARGIN, Out, lit};
use crate::ir::{BaseTy, CrateIr, EnumIr, FieldIr, FieldTy, Item, ItemKind, StructIr, TypeNames};
use crate::naming;

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
    // Up to four workers: the output is collected into a BTreeMap, so the order in which
    // files are rendered never shows.
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    super::render_all(&items, threads, |scratch, (p, item)| {
        item_file(scratch, &header, ir, item).map(|t| (p.clone(), t))
    })
    .into_iter()
    .flatten()
    .collect()
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

/// Where a type is named from.
#[derive(Clone, Copy)]
enum Seen<'a> {
    /// Code in the model module `here`: `super::T`, or `crate::models::ns::T`.
    From(&'a str),
    /// `API.txt`: `ns::T`, runtime types without `crate::runtime::`.
    Api,
}

fn type_path(ir: &CrateIr, seen: Seen<'_>, id: csdl::model::TypeId, any: bool) -> String {
    let n = names(ir, id);
    let t = if any {
        n.any.as_deref().unwrap_or(&n.name)
    } else {
        &n.name
    };
    match seen {
        Seen::From(here) if n.module == here => format!("super::{t}"),
        Seen::From(_) => format!("crate::models::{}::{t}", n.module),
        Seen::Api => format!("{}::{t}", n.module),
    }
}

fn type_text(ir: &CrateIr, seen: Seen<'_>, ty: &FieldTy) -> String {
    let base = match (&ty.base, seen) {
        (BaseTy::Path("::std::string::String"), _) => "String".to_string(),
        (BaseTy::Path(p), Seen::From(_)) => (*p).to_string(),
        (BaseTy::Path(p), Seen::Api) => p.trim_start_matches("crate::runtime::").to_string(),
        (BaseTy::Named(t), _) => type_path(ir, seen, *t, false),
        (BaseTy::Any(t), _) => type_path(ir, seen, *t, true),
        (BaseTy::Flags(t), Seen::From(_)) => format!(
            "crate::runtime::enums::Flags<{}>",
            type_path(ir, seen, *t, false)
        ),
        (BaseTy::Flags(t), Seen::Api) => format!("Flags<{}>", type_path(ir, seen, *t, false)),
    };
    if ty.collection {
        format!("Vec<{base}>")
    } else if ty.boxed {
        format!("Box<{base}>")
    } else {
        base
    }
}

/// The Rust type of a field in the code of model module `here`, with prelude names for
/// std types.
fn field_type(ir: &CrateIr, here: &str, ty: &FieldTy) -> String {
    type_text(ir, Seen::From(here), ty)
}

/// The Rust type of a field as `API.txt` shows it, e.g. `Vec<microsoft_graph::Foo>`.
pub fn field_type_text(ir: &CrateIr, ty: &FieldTy) -> String {
    type_text(ir, Seen::Api, ty)
}

/// A type's file, `header` first, written in `file` (empty) and copied out; `None` for a
/// type without one ([`has_file`]).
fn item_file(file: &mut String, header: &str, ir: &CrateIr, item: &Item) -> Option<String> {
    if !has_file(item) {
        return None;
    }
    let n = names(ir, item.id);
    file.push_str(header);
    file.push_str("\nuse crate::runtime::json;\n");
    match &item.kind {
        ItemKind::Structured(s) => structured(ir, item, n, s, file),
        ItemKind::Enum(e) => enumeration(item, n, e, file),
        ItemKind::Definition(ty) => definition(ir, item, n, ty, file),
    }
    Some(file.as_str().to_owned())
}

const DECODE_SIG: [&str; 4] = [
    "fn decode(",
    "    d: &mut json::Decoder<'_>,",
    "    path: &json::Path<'_>,",
    ") -> Result<Self, json::DecodeError> {",
];

/// `impl FromJson for {name}` whose `decode` body is `body` (one line).
fn decode_impl(name: &str, body: &str, o: &mut Out) {
    o.line(0, &format!("impl json::FromJson for {name} {{"));
    for l in DECODE_SIG {
        o.line(1, l);
    }
    o.line(2, body);
    o.line(1, "}");
    o.line(0, "}");
}

/// `impl ToJson for {name}` whose `encode` body is `body` (one statement).
fn encode_impl(name: &str, body: &str, o: &mut Out) {
    o.line(0, &format!("impl json::ToJson for {name} {{"));
    o.line(1, "fn encode(&self, w: &mut json::Encoder) {");
    o.line(2, body);
    o.line(1, "}");
    o.line(0, "}");
}

fn serde_impls(name: &str, file: &mut String) {
    let mut o = Out::default();
    o.line(0, "#[cfg(feature = \"serde\")]");
    o.line(0, &format!("impl ::serde::Serialize for {name} {{"));
    o.line(1, "fn serialize<S: ::serde::Serializer>(");
    o.line(2, "&self,");
    o.line(2, "serializer: S,");
    o.line(1, ") -> Result<S::Ok, S::Error> {");
    o.line(2, "json::serialize(self, serializer)");
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);
    let mut o = Out::default();
    o.line(0, "#[cfg(feature = \"serde\")]");
    o.line(
        0,
        &format!("impl<'de> ::serde::Deserialize<'de> for {name} {{"),
    );
    o.line(1, "fn deserialize<D: ::serde::Deserializer<'de>>(");
    o.line(2, "deserializer: D,");
    o.line(1, ") -> Result<Self, D::Error> {");
    o.line(2, "json::deserialize(deserializer)");
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);
}

fn structured(ir: &CrateIr, item: &Item, n: &TypeNames, s: &StructIr, file: &mut String) {
    if !s.is_abstract {
        read_struct(ir, item, n, s, file);
    }
    if let Some(any) = &n.any {
        any_enum(ir, &n.module, item, any, s, file);
    }
    if let Some(create) = &n.create {
        write_shape(
            ir,
            &n.module,
            &item.qualified,
            &n.name,
            create,
            s,
            false,
            file,
        );
    }
    if let Some(update) = &n.update {
        write_shape(
            ir,
            &n.module,
            &item.qualified,
            &n.name,
            update,
            s,
            true,
            file,
        );
    }
}

fn field_doc(f: &FieldIr) -> Vec<String> {
    let mut d = f.doc.clone();
    d.push(String::new());
    let mut facts = format!("Wire name {}", naming::code(&f.wire));
    if !f.navigation && !f.ty.collection {
        facts.push_str(if f.nullable {
            "; nullable"
        } else {
            "; not nullable"
        });
    }
    if f.read_only && !f.navigation {
        facts.push_str("; read-only");
    }
    if f.immutable {
        facts.push_str("; immutable");
    }
    facts.push('.');
    d.push(facts);
    d
}

/// `Debug` as the JSON the value writes (`json::debug_json`): one non-generic call
/// instead of a derived `fmt` per struct, and no line per absent property.
fn debug_json_impl(name: &str, file: &mut String) {
    let mut o = Out::default();
    o.line(0, &format!("impl ::std::fmt::Debug for {name} {{"));
    o.line(
        1,
        "fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {",
    );
    o.line(2, &format!("json::debug_json({}, self, f)", lit(name)));
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);
}

/// The JSON side of a read or write shape: a `static` `json::Shape` (the wire names, by
/// field index; `static_name` is `READ`, `CREATE` or `UPDATE`, one of each per file),
/// `ToJson` and, for a read shape, `FromJson`: a loop over the members in the runtime
/// (`MemberReader` / `MemberWriter`) and a `match` from field index to field. Everything
/// else is in the runtime, written once. A write shape (not `read`) writes `@odata.type`.
fn object_impls(
    name: &str,
    static_name: &str,
    qualified: &str,
    fields: &[&FieldIr],
    read: bool,
    patch: &dyn Fn(&FieldIr) -> bool,
    file: &mut String,
) {
    let mut o = Out::default();
    // As prettyplease lays it out: on one line if it fits, else one argument per line
    // and, if the list does not fit on its line, one name per line.
    let names: Vec<String> = fields.iter().map(|f| lit(&f.wire)).collect();
    // A write shape (not `read`) writes its `@odata.type`.
    let ctor = if read { "new" } else { "tagged" };
    let mut args = vec![lit(qualified)];
    let list = format!("&[{}]", names.join(", "));
    args.push(list.clone());
    let head = format!("static {static_name}: json::Shape = json::Shape::{ctor}(");
    let one_line = format!("{head}{});", args.join(", "));
    if one_line.len() <= MARGIN {
        o.line(0, &one_line);
    } else {
        o.line(0, &head);
        args.pop();
        for a in &args {
            o.line(1, &format!("{a},"));
        }
        if 4 + list.len() <= MARGIN {
            o.line(1, &format!("{list},"));
        } else {
            o.line(1, "&[");
            for n in &names {
                o.line(2, &format!("{n},"));
            }
            o.line(1, "],");
        }
        o.line(0, ");");
    }
    o.finish(file);

    let gated = fields.iter().any(|f| f.gate.is_some());
    let mut o = Out::default();
    if read {
        o.line(0, &format!("impl json::FromJson for {name} {{"));
        for l in DECODE_SIG {
            o.line(1, l);
        }
        o.line(2, "let mut v = Self::default();");
        o.line(
            2,
            &format!("let mut o = json::MemberReader::new(d, path, &{static_name});"),
        );
        if fields.is_empty() {
            o.line(2, "while o.next(&mut v.additional).is_some() {}");
        } else {
            o.line(2, "while let Some(i) = o.next(&mut v.additional) {");
            o.line(3, "match i {");
            for (i, f) in fields.iter().enumerate() {
                o.cfg(4, &f.gate);
                o.line(4, &format!("{i} => o.read(&mut v.{}),", f.name));
            }
            // A field left out of this build (area features) is kept as JSON.
            if gated {
                o.line(4, "_ => o.keep(&mut v.additional),");
            } else {
                o.line(4, "_ => o.skip(),");
            }
            o.line(3, "}");
            o.line(2, "}");
        }
        o.line(2, "o.finish()?;");
        o.line(2, "Ok(v)");
        o.line(1, "}");
        o.line(0, "}");
    }
    o.line(0, &format!("impl json::ToJson for {name} {{"));
    o.line(1, "fn encode(&self, w: &mut json::Encoder) {");
    o.line(
        2,
        &format!("let mut o = w.members(&{static_name}, &self.additional);"),
    );
    let write = |f: &FieldIr| {
        let how = if patch(f) { "write_patch" } else { "write" };
        format!("o.{how}(&self.{})", f.name)
    };
    match fields {
        [] => o.line(2, "while o.next().is_some() {}"),
        // A field left out of this build (area features) has no arm: its member, kept in
        // `additional`, is written from there.
        _ if gated => {
            o.line(2, "while let Some(i) = o.next() {");
            o.line(3, "match i {");
            for (i, f) in fields.iter().enumerate() {
                o.cfg(4, &f.gate);
                o.line(4, &format!("{i} => {},", write(f)));
            }
            o.line(4, "_ => {}");
            o.line(3, "}");
            o.line(2, "}");
        }
        [f] => {
            o.line(2, "while o.next().is_some() {");
            o.line(3, &format!("{};", write(f)));
            o.line(2, "}");
        }
        [init @ .., last] => {
            // The runtime gives indices of `fields` only: the last one is the `_` arm.
            o.line(2, "while let Some(i) = o.next() {");
            o.line(3, "match i {");
            for (i, f) in init.iter().enumerate() {
                o.line(4, &format!("{i} => {},", write(f)));
            }
            o.line(4, &format!("_ => {},", write(last)));
            o.line(3, "}");
            o.line(2, "}");
        }
    }
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);
}

fn read_struct(ir: &CrateIr, item: &Item, n: &TypeNames, s: &StructIr, file: &mut String) {
    let here = n.module.as_str();
    let name = &n.name;
    let qualified = &item.qualified;
    let mut doc = item.doc.clone();
    doc.push(String::new());
    doc.push(format!(
        "Read shape of {}: every property is optional, because the service may omit any of them (`$select`), and `null` reads as `None`.",
        naming::code(qualified)
    ));
    if s.open {
        doc.push("Open type: dynamic properties are kept in `additional`.".to_string());
    }
    let mut o = Out::default();
    o.docs(0, &doc);
    o.line(0, "#[derive(Clone, Default)]");
    o.line(0, "#[non_exhaustive]");
    o.line(0, &format!("pub struct {name} {{"));
    for f in &s.fields {
        o.docs(1, &field_doc(f));
        o.cfg(1, &f.gate);
        o.line(
            1,
            &format!("pub {}: Option<{}>,", f.name, field_type(ir, here, &f.ty)),
        );
    }
    let mut additional: Vec<String> = vec![
        "Members this type does not declare: instance annotations (`@odata.etag`,".into(),
        "`prop@odata.type`), dynamic properties, and properties newer than this crate.".into(),
        "Written back unchanged.".into(),
    ];
    if !s.outside.is_empty() {
        additional.push(String::new());
        additional.push(
            "Expanded navigation properties to types outside this crate are here too, as JSON"
                .into(),
        );
        additional.push("(add the type to the crate's `roots` to type them):".into());
        for (wire, target) in &s.outside {
            additional.push(format!(
                "- {} ({})",
                naming::code(wire),
                naming::code(target)
            ));
        }
    }
    o.docs(1, &additional);
    o.line(1, "pub additional: json::Map<String, json::Value>,");
    o.line(0, "}");
    o.finish(file);

    debug_json_impl(name, file);

    let mut o = Out::default();
    o.docs(0, &["Equal when both write the same JSON.".into()]);
    o.line(0, &format!("impl PartialEq for {name} {{"));
    o.line(1, "fn eq(&self, other: &Self) -> bool {");
    o.line(2, "json::eq_json(self, other)");
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);

    let fields: Vec<&FieldIr> = s.fields.iter().collect();
    object_impls(name, "READ", qualified, &fields, true, &|_| false, file);

    serde_impls(name, file);

    if let Some(key) = s.key.as_ref().filter(|_| s.entity) {
        let key_fields: Vec<&FieldIr> = key.iter().map(|i| &s.fields[*i]).collect();
        let (key_ty, key_expr) = if key_fields.len() == 1 {
            (
                field_type(ir, here, &key_fields[0].ty),
                format!("self.{}.clone()", key_fields[0].name),
            )
        } else {
            let tys: Vec<String> = key_fields
                .iter()
                .map(|f| field_type(ir, here, &f.ty))
                .collect();
            let vals: Vec<String> = key_fields
                .iter()
                .map(|f| format!("self.{}.clone()?", f.name))
                .collect();
            (
                format!("({})", tys.join(", ")),
                format!("Some(({}))", vals.join(", ")),
            )
        };
        let mut o = Out::default();
        o.line(0, &format!("impl crate::models::Entity for {name} {{"));
        o.line(1, &format!("type Key = {key_ty};"));
        o.line(
            1,
            &format!("const TYPE_NAME: &'static str = {};", lit(qualified)),
        );
        o.line(1, "#[allow(clippy::clone_on_copy)]");
        o.line(1, "fn key(&self) -> Option<Self::Key> {");
        o.line(2, &key_expr);
        o.line(1, "}");
        o.line(0, "}");
        o.finish(file);
    }
}

fn any_enum(ir: &CrateIr, here: &str, item: &Item, any: &str, s: &StructIr, file: &mut String) {
    let Some(poly) = &s.poly else {
        return;
    };
    let qualified = &item.qualified;
    let mut o = Out::default();
    o.docs(
        0,
        &[
            format!(
                "A {} value of any known concrete type, chosen by `@odata.type`.",
                naming::code(qualified)
            ),
            String::new(),
            "A value of a type this crate does not know is kept, whole, in `Unknown`.".to_string(),
        ],
    );
    o.line(0, "#[derive(Debug, Clone, PartialEq)]");
    o.line(0, "#[non_exhaustive]");
    o.line(0, &format!("pub enum {any} {{"));
    for v in &poly.variants {
        o.docs(
            1,
            &[format!("{}.", naming::code(v.tag.trim_start_matches('#')))],
        );
        o.cfg(1, &v.gate);
        o.line(
            1,
            &format!(
                "{}({}),",
                v.name,
                type_path(ir, Seen::From(here), v.id, false)
            ),
        );
    }
    o.docs(
        1,
        &[
            "A type this crate does not know (or no `@odata.type` where one is needed):".into(),
            "the raw JSON object, written back unchanged.".into(),
        ],
    );
    o.line(1, "Unknown(json::Value),");
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    o.line(0, &format!("impl {any} {{"));
    o.docs(
        1,
        &[
            "The qualified type name: the variant's, or the `@odata.type` of an unknown value."
                .into(),
        ],
    );
    o.line(1, "pub fn type_name(&self) -> Option<&str> {");
    o.line(2, "match self {");
    for v in &poly.variants {
        o.cfg(3, &v.gate);
        o.line(
            3,
            &format!("Self::{}(_) => Some({}),", v.name, lit(&v.wire[0])),
        );
    }
    o.line(3, "Self::Unknown(v) => json::odata_type(v),");
    o.line(2, "}");
    o.line(1, "}");
    for v in &poly.variants {
        let t = type_path(ir, Seen::From(here), v.id, false);
        let (as_, into) = &v.methods;
        let q = naming::code(v.tag.trim_start_matches('#'));
        o.docs(1, &[format!("The {q} value, if this is one.")]);
        o.cfg(1, &v.gate);
        o.line(1, &format!("pub fn {as_}(&self) -> Option<&{t}> {{"));
        o.line(2, "match self {");
        o.line(3, &format!("Self::{}(v) => Some(v),", v.name));
        o.line(3, "_ => None,");
        o.line(2, "}");
        o.line(1, "}");
        o.docs(1, &[format!("The {q} value, if this is one.")]);
        o.cfg(1, &v.gate);
        o.line(1, &format!("pub fn {into}(self) -> Option<{t}> {{"));
        o.line(2, "match self {");
        o.line(3, &format!("Self::{}(v) => Some(v),", v.name));
        o.line(3, "_ => None,");
        o.line(2, "}");
        o.line(1, "}");
    }
    for (field, method) in &poly.accessors {
        let Some(f) = s.fields.iter().find(|f| &f.name == field) else {
            continue;
        };
        let mut unboxed = f.ty.clone();
        unboxed.boxed = false;
        let ty = field_type(ir, here, &unboxed);
        o.docs(
            1,
            &[format!(
                "The {} property, whatever the variant (`None` for an unknown type).",
                naming::code(&f.wire)
            )],
        );
        o.cfg(1, &f.gate);
        o.line(1, &format!("pub fn {method}(&self) -> Option<&{ty}> {{"));
        o.line(2, "match self {");
        for v in &poly.variants {
            o.cfg(3, &v.gate);
            let boxed = variant_field(ir, v.id, &f.wire).is_some_and(|vf| vf.ty.boxed);
            let name = variant_field(ir, v.id, &f.wire).map(|vf| vf.name.clone());
            match name {
                Some(n) if boxed => o.line(3, &format!("Self::{}(v) => v.{n}.as_deref(),", v.name)),
                Some(n) => o.line(3, &format!("Self::{}(v) => v.{n}.as_ref(),", v.name)),
                None => o.line(3, &format!("Self::{}(_) => None,", v.name)),
            }
        }
        o.line(3, "Self::Unknown(_) => None,");
        o.line(2, "}");
        o.line(1, "}");
    }
    o.line(0, "}");
    o.finish(file);

    let default_type = poly
        .variants
        .iter()
        .find(|v| v.is_self)
        .map(|v| v.wire[0].clone())
        .unwrap_or_default();
    let mut o = Out::default();
    o.line(0, &format!("impl json::FromJson for {any} {{"));
    for l in DECODE_SIG {
        o.line(1, l);
    }
    match poly.variants.iter().find(|v| v.is_self) {
        // A value of the declared type itself (most of them, and seldom tagged): read
        // it as that type once, unless a type shows up among its members after all.
        Some(own) => {
            let t = type_path(ir, Seen::From(here), own.id, false);
            let q = lit(qualified);
            o.line(
                2,
                &format!("let ty = match json::leading_type(d, path, {q})? {{"),
            );
            o.line(3, "Some(ty) => ty,");
            o.line(3, "None => {");
            o.line(4, "let at = d.mark();");
            o.line(
                4,
                &format!("if let Ok(v) = <{t} as json::FromJson>::decode(d, path) {{"),
            );
            o.line(
                5,
                &format!(
                    "if !json::other_type(&v.additional, {}) {{",
                    lit(&default_type)
                ),
            );
            o.line(6, &format!("return Ok(Self::{}(v));", own.name));
            o.line(5, "}");
            o.line(4, "}");
            o.line(4, "d.rewind(at);");
            o.line(
                4,
                &format!("json::object_type(d, path, {q}, {})?", lit(&default_type)),
            );
            o.line(3, "}");
            o.line(2, "};");
        }
        None => o.line(
            2,
            &format!(
                "let ty = json::object_type(d, path, {}, {})?;",
                lit(qualified),
                lit(&default_type)
            ),
        ),
    }
    let arms: Vec<(String, &Option<String>)> = poly
        .variants
        .iter()
        .map(|v| {
            let pats: Vec<String> = v.wire.iter().map(|w| lit(w)).collect();
            let arm = format!(
                "{} => Self::{}(json::FromJson::decode(d, path)?),",
                pats.join(" | "),
                v.name,
            );
            (arm, &v.gate)
        })
        .collect();
    // prettyplease breaks the `Ok(` call open when an arm has to become a block (wider
    // than the margin at this depth, its comma aside).
    let open = arms.iter().any(|(a, _)| 4 * 3 + a.len() - 1 > MARGIN);
    let depth = if open {
        o.line(2, "Ok(");
        o.line(3, "match ty.as_str() {");
        4
    } else {
        o.line(2, "Ok(match ty.as_str() {");
        3
    };
    for (a, g) in &arms {
        o.cfg(depth, g);
        o.line(depth, a);
    }
    o.line(depth, "_ => Self::Unknown(d.value(path)?),");
    if open {
        o.line(3, "},");
        o.line(2, ")");
    } else {
        o.line(2, "})");
    }
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    o.line(0, &format!("impl json::ToJson for {any} {{"));
    o.line(1, "fn encode(&self, w: &mut json::Encoder) {");
    o.line(2, "match self {");
    for v in &poly.variants {
        o.cfg(3, &v.gate);
        if v.is_self {
            o.line(
                3,
                &format!("Self::{}(v) => json::ToJson::encode(v, w),", v.name),
            );
        } else {
            o.line(
                3,
                &format!(
                    "Self::{}(v) => json::tagged(w, v, {}),",
                    v.name,
                    lit(&v.tag)
                ),
            );
        }
    }
    o.line(3, "Self::Unknown(v) => w.value(v),");
    o.line(2, "}");
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);

    serde_impls(any, file);
}

/// The field of a variant's struct with this wire name.
fn variant_field<'a>(ir: &'a CrateIr, id: csdl::model::TypeId, wire: &str) -> Option<&'a FieldIr> {
    let n = ir.names.get(&id)?;
    match &ir.modules.get(&n.module)?.items.get(&n.file)?.kind {
        ItemKind::Structured(s) => s.fields.iter().find(|f| f.wire == wire),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn write_shape(
    ir: &CrateIr,
    here: &str,
    qualified: &str,
    read: &str,
    shape: &str,
    s: &StructIr,
    update: bool,
    file: &mut String,
) {
    let kind = if update {
        "Update (PATCH)"
    } else {
        "Create (POST)"
    };
    let mut doc = vec![
        format!(
            "{kind} body of {} (see [`{read}`]).",
            naming::code(qualified)
        ),
        String::new(),
    ];
    if update {
        doc.push("Only what is set is sent: `None` / `Patch::Unchanged` leave a property alone, `Patch::Null` clears a nullable one. Keys, computed, read-only and immutable properties are not part of this shape.".to_string());
    } else {
        doc.push("Only what is set is sent. Keys, computed and read-only properties are not part of this shape.".to_string());
    }
    doc.push(String::new());
    doc.push(format!(
        "Start from `{shape}::default()` and assign the fields to send."
    ));
    let members: Vec<&FieldIr> = s
        .fields
        .iter()
        .filter(|f| !(f.navigation || f.read_only || (update && f.immutable)))
        .collect();
    let patch = |f: &FieldIr| update && f.nullable;
    // No `PartialEq`, and `Debug` prints the JSON sent: a body is compared by its JSON
    // (`to_json()`), and no derived impls per write shape (compile cost).
    let mut o = Out::default();
    o.docs(0, &doc);
    o.line(0, "#[derive(Clone, Default)]");
    o.line(0, "#[non_exhaustive]");
    o.line(0, &format!("pub struct {shape} {{"));
    for f in &members {
        // The full description is on the read shape; keep the write shapes small.
        o.docs(
            1,
            &[format!(
                "{}: see [`{read}::{}`].",
                naming::code(&f.wire),
                f.name.trim_start_matches("r#")
            )],
        );
        let ty = field_type(ir, here, &f.ty);
        o.cfg(1, &f.gate);
        if patch(f) {
            o.line(
                1,
                &format!("pub {}: crate::runtime::patch::Patch<{ty}>,", f.name),
            );
        } else {
            o.line(1, &format!("pub {}: Option<{ty}>,", f.name));
        }
    }
    o.docs(
        1,
        &["Extra members to send as they are (escape hatch for properties newer than this crate)."
            .into()],
    );
    o.line(1, "pub additional: json::Map<String, json::Value>,");
    o.line(0, "}");
    o.finish(file);

    debug_json_impl(shape, file);

    let static_name = if update { "UPDATE" } else { "CREATE" };
    object_impls(shape, static_name, qualified, &members, false, &patch, file);
}

fn enumeration(item: &Item, n: &TypeNames, e: &EnumIr, file: &mut String) {
    let name = &n.name;
    let mut doc = item.doc.clone();
    doc.push(String::new());
    if e.flags {
        doc.push(
            "Members of a flags set: use it as `Flags<Self>`, serialized as `\"a,b\"`.".to_string(),
        );
        doc.push(String::new());
    }
    doc.push(
        "Open: a member this crate does not know reads as `Unknown` and is written back unchanged."
            .to_string(),
    );
    doc.push(
        "Test for such a member with `as_str()`, which still holds once a later schema adds it."
            .to_string(),
    );
    let mut o = Out::default();
    o.docs(0, &doc);
    o.line(0, "#[derive(Debug, Clone, PartialEq, Eq, Hash)]");
    o.line(0, "#[non_exhaustive]");
    o.line(0, &format!("pub enum {name} {{"));
    for m in &e.members {
        o.docs(1, &m.doc);
        o.line(1, &format!("{},", m.name));
    }
    o.docs(
        1,
        &["A member this crate does not know, as sent by the service.".into()],
    );
    o.line(1, "Unknown(crate::runtime::enums::UnknownMember),");
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    o.line(0, &format!("impl {name} {{"));
    o.docs(1, &["The wire name.".into()]);
    o.line(1, "pub fn as_str(&self) -> &str {");
    // A member-less enum (Graph has some) has only `Unknown`: no single-arm matches.
    if e.members.is_empty() {
        o.line(2, "let Self::Unknown(u) = self;");
        o.line(2, "u.as_str()");
    } else {
        o.line(2, "match self {");
        for m in &e.members {
            o.line(3, &format!("Self::{} => {},", m.name, lit(&m.wire)));
        }
        o.line(3, "Self::Unknown(u) => u.as_str(),");
        o.line(2, "}");
    }
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    o.line(0, &format!("impl From<&str> for {name} {{"));
    o.line(1, "fn from(s: &str) -> Self {");
    if e.members.is_empty() {
        o.line(
            2,
            "Self::Unknown(crate::runtime::enums::UnknownMember::new(s))",
        );
    } else {
        o.line(2, "match s {");
        for m in &e.members {
            o.line(3, &format!("{} => Self::{},", lit(&m.wire), m.name));
        }
        o.line(
            3,
            "other => Self::Unknown(crate::runtime::enums::UnknownMember::new(other)),",
        );
        o.line(2, "}");
    }
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    o.line(0, &format!("impl ::std::fmt::Display for {name} {{"));
    o.line(
        1,
        "fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {",
    );
    o.line(2, "f.write_str(self.as_str())");
    o.line(1, "}");
    o.line(0, "}");
    o.line(
        0,
        &format!("impl crate::runtime::enums::OpenEnum for {name} {{"),
    );
    o.line(1, "fn as_str(&self) -> &str {");
    o.line(2, &format!("{name}::as_str(self)"));
    o.line(1, "}");
    o.line(1, "fn from_wire(s: &str) -> Self {");
    o.line(2, "Self::from(s)");
    o.line(1, "}");
    o.line(0, "}");
    decode_impl(name, "crate::runtime::enums::enum_decode(d, path)", &mut o);
    encode_impl(name, "w.str(self.as_str());", &mut o);
    o.finish(file);

    serde_impls(name, file);
}

fn definition(ir: &CrateIr, item: &Item, n: &TypeNames, ty: &FieldTy, file: &mut String) {
    let name = &n.name;
    let inner = field_type(ir, &n.module, ty);
    let mut o = Out::default();
    o.docs(0, &item.doc);
    o.line(0, "#[derive(Debug, Clone, PartialEq)]");
    o.line(0, &format!("pub struct {name}(pub {inner});"));
    o.finish(file);
    let mut o = Out::default();
    decode_impl(
        name,
        &format!("<{inner} as json::FromJson>::decode(d, path).map(Self)"),
        &mut o,
    );
    encode_impl(name, "json::ToJson::encode(&self.0, w);", &mut o);
    o.finish(file);
    serde_impls(name, file);
}
