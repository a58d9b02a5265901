//! Renders model types: one file per CSDL type under `src/models/<namespace>/`.
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

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{docs, ident, path, render};
use crate::ir::{BaseTy, CrateIr, EnumIr, FieldIr, FieldTy, Item, ItemKind, StructIr, TypeNames};

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
                            item_file(ir, item).map(|t| (p.clone(), render(header, t)))
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

/// A model type as seen from a file of module `here`: `super::T` within the same
/// namespace, `crate::models::ns::T` across namespaces.
fn type_path(
    ir: &CrateIr,
    here: &str,
    id: csdl::model::TypeId,
    which: impl Fn(&TypeNames) -> &str,
) -> TokenStream {
    let n = names(ir, id);
    let t = ident(which(n));
    if n.module == here {
        quote!(super::#t)
    } else {
        let m = ident(&n.module);
        quote!(crate::models::#m::#t)
    }
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

/// The Rust type of a field's element, wrapped for collections and boxes.
///
/// Model files name std types by their prelude names: the naming module keeps every
/// generated type name off the prelude's.
pub fn field_type(ir: &CrateIr, here: &str, ty: &FieldTy) -> TokenStream {
    let base = match &ty.base {
        BaseTy::Path("::std::string::String") => quote!(String),
        BaseTy::Path(p) => path(p),
        BaseTy::Named(t) => type_path(ir, here, *t, |n| &n.name),
        BaseTy::Any(t) => type_path(ir, here, *t, |n| n.any.as_deref().unwrap_or(&n.name)),
        BaseTy::Flags(t) => {
            let e = type_path(ir, here, *t, |n| &n.name);
            quote!(crate::runtime::enums::Flags<#e>)
        }
    };
    if ty.collection {
        quote!(Vec<#base>)
    } else if ty.boxed {
        quote!(Box<#base>)
    } else {
        base
    }
}

fn item_file(ir: &CrateIr, item: &Item) -> Option<TokenStream> {
    if !has_file(item) {
        return None;
    }
    let n = names(ir, item.id);
    let body = match &item.kind {
        ItemKind::Structured(s) => structured(ir, item, n, s),
        ItemKind::Enum(e) => enumeration(item, n, e),
        ItemKind::Definition(ty) => definition(ir, item, n, ty),
    };
    Some(quote! {
        use crate::runtime::json;
        #body
    })
}

/// The serde bridge, behind the crate's `serde` feature.
fn serde_impls(name: &TokenStream) -> TokenStream {
    quote! {
        #[cfg(feature = "serde")]
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                json::serialize(self, serializer)
            }
        }
        #[cfg(feature = "serde")]
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                json::deserialize(deserializer)
            }
        }
    }
}

fn structured(ir: &CrateIr, item: &Item, n: &TypeNames, s: &StructIr) -> TokenStream {
    let mut out = TokenStream::new();
    let qualified = &item.qualified;
    if !s.is_abstract {
        out.extend(read_struct(ir, item, n, s));
    }
    if let Some(any) = &n.any {
        out.extend(any_enum(ir, &n.module, item, any, s));
    }
    if let Some(create) = &n.create {
        out.extend(write_shape(
            ir, &n.module, qualified, &n.name, create, s, false,
        ));
    }
    if let Some(update) = &n.update {
        out.extend(write_shape(
            ir, &n.module, qualified, &n.name, update, s, true,
        ));
    }
    out
}

fn read_struct(ir: &CrateIr, item: &Item, n: &TypeNames, s: &StructIr) -> TokenStream {
    let here = n.module.as_str();
    let name = ident(&n.name);
    let qualified = &item.qualified;
    let mut doc = item.doc.clone();
    doc.push(String::new());
    doc.push(format!(
        "Read shape of `{qualified}`: every property is optional, because the service may omit any of them (`$select`), and `null` reads as `None`."
    ));
    if s.open {
        doc.push("Open type: dynamic properties are kept in `additional`.".to_string());
    }
    let doc = docs(&doc);
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = field_type(ir, here, &f.ty);
        let d = docs(&field_doc(f));
        quote!(#d pub #fname: Option<#ty>,)
    });
    let takes = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let wire = &f.wire;
        quote!(#fname: reader.take(#wire)?,)
    });
    let puts = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let wire = &f.wire;
        quote!(writer.opt(#wire, &self.#fname);)
    });
    let entity_impl = s.key.as_ref().filter(|_| s.entity).map(|key| {
        let key_fields: Vec<&FieldIr> = key.iter().map(|i| &s.fields[*i]).collect();
        let (key_ty, key_expr) = if key_fields.len() == 1 {
            let f = ident(&key_fields[0].name);
            (
                field_type(ir, here, &key_fields[0].ty),
                quote!(self.#f.clone()),
            )
        } else {
            let tys = key_fields.iter().map(|f| field_type(ir, here, &f.ty));
            let vals = key_fields.iter().map(|f| {
                let f = ident(&f.name);
                quote!(self.#f.clone()?)
            });
            (quote!((#(#tys,)*)), quote!(Some((#(#vals,)*))))
        };
        quote! {
            impl crate::models::Entity for #name {
                type Key = #key_ty;
                const TYPE_NAME: &'static str = #qualified;
                #[allow(clippy::clone_on_copy)]
                fn key(&self) -> Option<Self::Key> {
                    #key_expr
                }
            }
        }
    });
    let serde = serde_impls(&quote!(#name));
    let reader = if s.fields.is_empty() {
        quote!(reader)
    } else {
        quote!(mut reader)
    };
    quote! {
        #doc
        #[derive(Debug, Clone, Default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// Members this type does not declare: instance annotations (`@odata.etag`,
            /// `prop@odata.type`), dynamic properties, and properties newer than this crate.
            /// Written back unchanged.
            pub additional: json::Map<String, json::Value>,
        }
        /// Equal when both write the same JSON.
        impl PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                json::eq_json(self, other)
            }
        }
        impl json::FromJson for #name {
            fn from_json(value: json::Value, path: &json::Path<'_>) -> Result<Self, json::DecodeError> {
                let #reader = json::ObjectReader::new(value, path, #qualified)?;
                Ok(Self {
                    #(#takes)*
                    additional: reader.rest(),
                })
            }
        }
        impl json::ToJson for #name {
            fn to_json(&self) -> json::Value {
                let mut writer = json::ObjectWriter::new();
                #(#puts)*
                writer.extend(&self.additional);
                writer.finish()
            }
        }
        #serde
        #entity_impl
    }
}

fn field_doc(f: &FieldIr) -> Vec<String> {
    let mut d = f.doc.clone();
    d.push(String::new());
    let mut facts = format!("Wire name `{}`", f.wire);
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

fn any_enum(ir: &CrateIr, here: &str, item: &Item, any: &str, s: &StructIr) -> TokenStream {
    let Some(poly) = &s.poly else {
        return TokenStream::new();
    };
    let name = ident(any);
    let qualified = &item.qualified;
    let doc = docs(&[
        format!("A `{qualified}` value of any known concrete type, chosen by `@odata.type`."),
        String::new(),
        "A value of a type this crate does not know is kept, whole, in `Unknown`.".to_string(),
    ]);
    let variants = poly.variants.iter().map(|v| {
        let vn = ident(&v.name);
        let ty = type_path(ir, here, v.id, |n| &n.name);
        let d = docs(&[format!("`{}`.", v.tag.trim_start_matches('#'))]);
        quote!(#d #vn(#ty),)
    });
    let default_type = poly
        .variants
        .iter()
        .find(|v| v.is_self)
        .map(|v| v.wire[0].clone())
        .unwrap_or_default();
    let arms = poly.variants.iter().map(|v| {
        let vn = ident(&v.name);
        let ty = type_path(ir, here, v.id, |n| &n.name);
        let pats = v.wire.iter().map(|w| quote!(#w));
        quote!(#(#pats)|* => Self::#vn(<#ty as json::FromJson>::from_json(value, path)?),)
    });
    let writes = poly.variants.iter().map(|v| {
        let vn = ident(&v.name);
        let tag = &v.tag;
        if v.is_self {
            quote!(Self::#vn(v) => json::ToJson::to_json(v),)
        } else {
            quote!(Self::#vn(v) => crate::models::odata_tagged(json::ToJson::to_json(v), #tag),)
        }
    });
    let type_names = poly.variants.iter().map(|v| {
        let vn = ident(&v.name);
        let w = &v.wire[0];
        quote!(Self::#vn(_) => Some(#w),)
    });
    let expected = format!("object {qualified}");
    let serde = serde_impls(&quote!(#name));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A type this crate does not know (or no `@odata.type` where one is needed):
            /// the raw JSON object, written back unchanged.
            Unknown(json::Value),
        }
        impl #name {
            /// The qualified type name: the variant's, or the `@odata.type` of an unknown value.
            pub fn type_name(&self) -> Option<&str> {
                match self {
                    #(#type_names)*
                    Self::Unknown(v) => json::odata_type(v),
                }
            }
        }
        impl json::FromJson for #name {
            fn from_json(value: json::Value, path: &json::Path<'_>) -> Result<Self, json::DecodeError> {
                if !value.is_object() {
                    return Err(json::DecodeError::expected(path, #expected, &value));
                }
                let ty = json::odata_type(&value).unwrap_or(#default_type).to_owned();
                Ok(match ty.as_str() {
                    #(#arms)*
                    _ => Self::Unknown(value),
                })
            }
        }
        impl json::ToJson for #name {
            fn to_json(&self) -> json::Value {
                match self {
                    #(#writes)*
                    Self::Unknown(v) => v.clone(),
                }
            }
        }
        #serde
    }
}

fn write_shape(
    ir: &CrateIr,
    here: &str,
    qualified: &str,
    read: &str,
    shape: &str,
    s: &StructIr,
    update: bool,
) -> TokenStream {
    let name = ident(shape);
    let kind = if update {
        "Update (PATCH)"
    } else {
        "Create (POST)"
    };
    let mut doc = vec![
        format!("{kind} body of `{qualified}` (see [`{read}`])."),
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
    let doc = docs(&doc);
    let members: Vec<&FieldIr> = s
        .fields
        .iter()
        .filter(|f| !(f.navigation || f.read_only || (update && f.immutable)))
        .collect();
    let patch = |f: &FieldIr| update && f.nullable;
    let fields = members.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = field_type(ir, here, &f.ty);
        // The full description is on the read shape; keep the write shapes small.
        let d = docs(&[format!(
            "`{}`: see [`{read}::{}`].",
            f.wire,
            f.name.trim_start_matches("r#")
        )]);
        if patch(f) {
            quote!(#d pub #fname: crate::runtime::patch::Patch<#ty>,)
        } else {
            quote!(#d pub #fname: Option<#ty>,)
        }
    });
    let puts = members.iter().map(|f| {
        let fname = ident(&f.name);
        let wire = &f.wire;
        if patch(f) {
            quote!(writer.patch(#wire, &self.#fname);)
        } else {
            quote!(writer.opt(#wire, &self.#fname);)
        }
    });
    let tag = format!("#{qualified}");
    // No `PartialEq`, and `Debug` prints the JSON sent: a body is compared by its JSON
    // (`to_json()`), and derived impls per write shape were a large share of a
    // whole-Graph crate's build.
    quote! {
        #doc
        #[derive(Clone, Default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// Extra members to send as they are (escape hatch for properties newer than this crate).
            pub additional: json::Map<String, json::Value>,
        }
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                json::debug_body(#shape, self, f)
            }
        }
        impl json::ToJson for #name {
            fn to_json(&self) -> json::Value {
                let mut writer = json::ObjectWriter::new();
                writer.odata_type(#tag);
                #(#puts)*
                writer.extend(&self.additional);
                writer.finish()
            }
        }
    }
}

fn enumeration(item: &Item, n: &TypeNames, e: &EnumIr) -> TokenStream {
    let name = ident(&n.name);
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
    let doc = docs(&doc);
    let variants = e.members.iter().map(|m| {
        let v = ident(&m.name);
        let d = docs(&m.doc);
        quote!(#d #v,)
    });
    let as_str = e.members.iter().map(|m| {
        let v = ident(&m.name);
        let w = &m.wire;
        quote!(Self::#v => #w,)
    });
    let from = e.members.iter().map(|m| {
        let v = ident(&m.name);
        let w = &m.wire;
        quote!(#w => Self::#v,)
    });
    // A member-less enum (Graph has some) has only `Unknown`: no single-arm matches.
    let (as_str_body, from_body) = if e.members.is_empty() {
        (
            quote!(let Self::Unknown(s) = self; s),
            quote!(Self::Unknown(s.to_owned())),
        )
    } else {
        (
            quote!(match self { #(#as_str)* Self::Unknown(s) => s, }),
            quote!(match s { #(#from)* other => Self::Unknown(other.to_owned()), }),
        )
    };
    let serde = serde_impls(&quote!(#name));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A member this crate does not know, as sent by the service.
            Unknown(String),
        }
        impl #name {
            /// The wire name.
            pub fn as_str(&self) -> &str {
                #as_str_body
            }
        }
        impl From<&str> for #name {
            fn from(s: &str) -> Self {
                #from_body
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl crate::runtime::enums::OpenEnum for #name {
            fn as_str(&self) -> &str {
                #name::as_str(self)
            }
            fn from_wire(s: &str) -> Self {
                Self::from(s)
            }
        }
        impl json::FromJson for #name {
            fn from_json(value: json::Value, path: &json::Path<'_>) -> Result<Self, json::DecodeError> {
                crate::runtime::enums::enum_from_json(value, path)
            }
        }
        impl json::ToJson for #name {
            fn to_json(&self) -> json::Value {
                crate::runtime::enums::enum_to_json(self)
            }
        }
        #serde
    }
}

fn definition(ir: &CrateIr, item: &Item, n: &TypeNames, ty: &FieldTy) -> TokenStream {
    let name = ident(&n.name);
    let here = n.module.as_str();
    let inner = field_type(ir, here, ty);
    let doc = docs(&item.doc);
    let serde = serde_impls(&quote!(#name));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name(pub #inner);
        impl json::FromJson for #name {
            fn from_json(value: json::Value, path: &json::Path<'_>) -> Result<Self, json::DecodeError> {
                <#inner as json::FromJson>::from_json(value, path).map(Self)
            }
        }
        impl json::ToJson for #name {
            fn to_json(&self) -> json::Value {
                json::ToJson::to_json(&self.0)
            }
        }
        #serde
    }
}
