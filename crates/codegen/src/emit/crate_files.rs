//! The crate scaffolding: `Cargo.toml`, `src/lib.rs` (with the crate's documentation),
//! `src/models/mod.rs` and one `mod.rs` per namespace. The vendored runtime is
//! [`super::runtime`]'s.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

use super::models::has_file;
use super::tokens::{docs, ident, render};
use crate::Files;
use crate::ir::{CrateIr, ItemKind};
use crate::naming;

/// Adds the scaffolding files.
pub fn emit(ir: &CrateIr, files: &mut Files) {
    let header = super::header(&ir.sources);
    files.insert(PathBuf::from("Cargo.toml"), cargo_toml(ir));
    if let Some(b) = build_rs(ir) {
        files.insert(PathBuf::from("build.rs"), b);
    }
    files.insert(PathBuf::from("src/lib.rs"), render(&header, lib_rs(ir)));
    files.insert(
        PathBuf::from("src/models/mod.rs"),
        render(&header, models_mod(ir)),
    );
    for (m, module) in &ir.modules {
        if let Some(text) = namespace_mod_text(ir, m, module) {
            files.insert(
                PathBuf::from(format!("src/models/{m}/mod.rs")),
                format!("{header}\n{text}"),
            );
            continue;
        }
        let mut mods = Vec::new();
        let mut uses = Vec::new();
        for (file, item) in &module.items {
            if !has_file(item) {
                continue;
            }
            let f = ident(file);
            let cfg = type_cfg(ir, item.id);
            let inception = (file == m).then(|| quote!(#[allow(clippy::module_inception)]));
            mods.push(quote!(#cfg #inception mod #f;));
            let n = &ir.names[&item.id];
            let mut exported = Vec::new();
            let concrete = match &item.kind {
                ItemKind::Structured(s) => !s.is_abstract,
                _ => true,
            };
            if concrete {
                exported.push(ident(&n.name));
            }
            for extra in [&n.any, &n.create, &n.update].into_iter().flatten() {
                exported.push(ident(extra));
            }
            uses.push(quote!(#cfg pub use self::#f::{#(#exported),*};));
        }
        let inner = format!(
            " Types of the {} namespace.",
            naming::code(&module.namespace)
        );
        let tokens = quote! {
            #![doc = #inner]
            #(#mods)*
            #(#uses)*
        };
        files.insert(
            PathBuf::from(format!("src/models/{m}/mod.rs")),
            render(&header, tokens),
        );
    }
}

/// A namespace's `mod.rs` as text ([`super::text::mod_text`]), or `None` when a name
/// needs escaping: those take the token path.
fn namespace_mod_text(ir: &CrateIr, m: &str, module: &crate::ir::ModuleIr) -> Option<String> {
    let mut entries = Vec::new();
    for (file, item) in &module.items {
        if !has_file(item) {
            continue;
        }
        let n = &ir.names[&item.id];
        let concrete = match &item.kind {
            ItemKind::Structured(s) => !s.is_abstract,
            _ => true,
        };
        let names: Vec<&str> = concrete
            .then_some(n.name.as_str())
            .into_iter()
            .chain(
                [&n.any, &n.create, &n.update]
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
            )
            .collect();
        let cfg = ir.areas.as_ref().and_then(|a| a.cfg_of(item.id));
        entries.push((cfg, file.as_str(), names));
    }
    super::text::mod_text("Types of the", &module.namespace, m, &entries)
}

/// `#[cfg(has_…)]` of a type's file, with area features.
fn type_cfg(ir: &CrateIr, id: csdl::model::TypeId) -> Option<TokenStream> {
    let c = ir.areas.as_ref()?.cfg_of(id)?;
    let c = ident(c);
    Some(quote!(#[cfg(#c)]))
}

/// The `[features]` of the areas: `full` (on by default) and one per area.
fn area_features(ir: &CrateIr) -> String {
    let Some(areas) = &ir.areas else {
        return String::new();
    };
    let mut out = String::from(
        "# Area features: one per entity set and singleton, each compiling the models and\n\
         # builders that area needs; `full` (default) is all of them. See the crate docs.\n\
         full = [\n",
    );
    for a in &areas.list {
        out.push_str(&format!("    \"{}\",\n", a.feature));
    }
    out.push_str("]\n");
    for a in &areas.list {
        let kind = if a.singleton {
            "singleton"
        } else {
            "entity set"
        };
        out.push_str(&format!(
            "# The {kind} `{}`.\n{} = []\n",
            naming::plain(&a.name),
            a.feature
        ));
    }
    out
}

/// The build script of a crate with area features: sets `cfg(has_<module>__<file>)` for
/// every type an enabled feature needs.
fn build_rs(ir: &CrateIr) -> Option<String> {
    let areas = ir.areas.as_ref()?;
    let mut groups: Vec<&std::collections::BTreeSet<usize>> = Vec::new();
    let mut types = String::new();
    let mut by_cfg: Vec<(&str, usize)> = Vec::new();
    for (cfg, set) in areas.gates.values() {
        let g = match groups.iter().position(|x| *x == set) {
            Some(g) => g,
            None => {
                groups.push(set);
                groups.len() - 1
            }
        };
        by_cfg.push((cfg, g));
    }
    by_cfg.sort();
    for (cfg, g) in by_cfg {
        types.push_str(&format!("    ({cfg:?}, {g}),\n"));
    }
    let mut group_text = String::new();
    for set in groups {
        let names: Vec<String> = set
            .iter()
            .map(|i| format!("{:?}", areas.list[*i].feature))
            .collect();
        group_text.push_str(&format!("    &[{}],\n", names.join(", ")));
    }
    Some(format!(
        "{header}\n\
//! Area features: sets `cfg(has_<module>__<file>)` for each model type that an enabled\n\
//! feature needs (the crate documentation, \"Area features\", says what each one is).\n\
\n\
/// Groups of area features: a type of a group is compiled when one of them (or `full`) is on.\n\
#[rustfmt::skip]\n\
const GROUPS: &[&[&str]] = &[\n{group_text}];\n\
\n\
/// Each type's `cfg` and group.\n\
#[rustfmt::skip]\n\
const TYPES: &[(&str, usize)] = &[\n{types}];\n\
\n\
{BUILD_MAIN}",
        header = super::header(&ir.sources),
    ))
}

/// The build script's `main`, after its tables.
const BUILD_MAIN: &str = r#"fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let on = |f: &str| {
        let var = format!("CARGO_FEATURE_{}", f.to_ascii_uppercase().replace('-', "_"));
        std::env::var_os(var).is_some()
    };
    let full = on("full");
    let groups: Vec<bool> = GROUPS
        .iter()
        .map(|g| full || g.iter().any(|f| on(f)))
        .collect();
    for (cfg, group) in TYPES {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if groups[*group] {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
"#;

/// The crate docs' "Area features" section (with area features), then a blank line.
fn area_docs(ir: &CrateIr) -> Vec<String> {
    let Some(areas) = &ir.areas else {
        return Vec::new();
    };
    let mut lines: Vec<String> = vec![
        "# Area features".into(),
        String::new(),
        "One Cargo feature per entity set and singleton (table below) compiles the models and"
            .into(),
        "request builders of that area: its entity type and subtypes, their base types, the".into(),
        "types of their properties (with subtypes), what they contain, and the parameter and"
            .into(),
        "result types of their operations. `full`, on by default, is every area; to compile".into(),
        "only what you use, depend on the crate with".into(),
        format!(
            "`{} = {{ path = \"…\", default-features = false, features = [\"reqwest\", \"{}\"] }}`.",
            ir.package,
            areas.list.first().map_or("…", |a| a.feature.as_str())
        ),
        String::new(),
        "What names a type no enabled area needs is left out: a navigation property, an `Any…`"
            .into(),
        "variant, a cast or an operation. In a response, such a member stays in `additional` (an"
            .into(),
        "unknown subtype in `Unknown`) as JSON and is written back unchanged. The build script"
            .into(),
        "sets one `cfg(has_<module>__<file>)` per model type from the features.".into(),
        String::new(),
        "| Feature | Entity set or singleton |".into(),
        "|---|---|".into(),
    ];
    for a in &areas.list {
        let kind = if a.singleton {
            "singleton"
        } else {
            "entity set"
        };
        lines.push(format!(
            "| `{}` | {kind} {} |",
            a.feature,
            naming::code(&a.name)
        ));
    }
    lines.push(String::new());
    lines
}

fn cargo_toml(ir: &CrateIr) -> String {
    // The schema paths are the user's file names, which may hold any character: one
    // line for the comment, a TOML basic string's escapes for the description.
    let shown = naming::plain(&ir.sources);
    let quoted = shown.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "# @generated by `cargo xtask codegen` from {sources}. Do not edit.\n\
[package]\n\
name = \"{name}\"\n\
version = \"0.1.0\"\n\
edition = \"2024\"\n\
rust-version = \"{rust_version}\"\n\
description = \"OData models generated from {quoted}.\"\n\
license = \"MIT OR Apache-2.0\"\n\
publish = false\n\
\n\
[lib]\n\
path = \"src/lib.rs\"\n\
\n\
{deps}",
        sources = shown,
        quoted = quoted,
        name = ir.package,
        deps = match &ir.areas {
            Some(_) =>
                super::runtime::MANIFEST_SECTIONS.replace(
                    "default = [\"reqwest\"]",
                    "default = [\"reqwest\", \"full\"]"
                ) + &area_features(ir),
            None => super::runtime::MANIFEST_SECTIONS.to_string(),
        },
        rust_version = super::runtime::RUST_VERSION,
    )
}

fn lib_rs(ir: &CrateIr) -> TokenStream {
    let lines: Vec<String> = vec![
        format!(
            "OData models for `{}`, generated from {}.",
            ir.package,
            naming::inert(&ir.sources)
        ),
        String::new(),
    ];
    let mut lines = lines;
    let example = super::client::front_example(ir);
    if !example.is_empty() {
        lines.extend(example);
        lines.push(String::new());
    }
    lines.extend([
        "Every type is in [`models`], one module per CSDL namespace (`models::microsoft_graph`), one".into(),
        "file per type. The runtime these types use is vendored in [`runtime`], so this crate".into(),
        "builds on its own when copied out of the workspace.".into(),
        String::new(),
        "# Reading: every property is optional".into(),
        String::new(),
        "Each entity or complex type `T` has a read shape `T` in which **every property is an**".into(),
        "**`Option`**, whatever its `Nullable` facet says: the service may leave out any property".into(),
        "(`$select`, or a property it does not return by default), and an explicit `null` reads as".into(),
        "`None`. `Nullable=\"false\"` is documented on each field and enforced where it matters: in".into(),
        "the write shapes. Base type properties are flattened in. Everything a type does not declare".into(),
        "(instance annotations such as `@odata.etag`, dynamic properties of open types, properties".into(),
        "newer than this crate) is kept in the `additional` map and written back, so".into(),
        "GET → change → PATCH never drops data. Decoding errors name the JSON path (`$.a.b[0]`).".into(),
        String::new(),
        "# Writing: create and update shapes".into(),
        String::new(),
        "Each concrete entity type `T` has `TCreate` (POST) and `TUpdate` (PATCH) shapes. Keys,".into(),
        "`Core.Computed` and read-only (`Core.Permissions`) properties are absent from both, and".into(),
        "`Core.Immutable` ones from `TUpdate`, so they cannot be sent. In `TUpdate` a nullable".into(),
        "property is a `Patch<T>` (`Unchanged`, `Null` or `Set`), a non-nullable one an `Option<T>`".into(),
        "(`None` = unchanged), so `null` can only be sent where the schema allows it. Both shapes".into(),
        "write `@odata.type`. They have no setters: start from `TCreate::default()` and assign".into(),
        "the fields to send.".into(),
        String::new(),
        "# JSON and serde".into(),
        String::new(),
        "Every model type implements `runtime::json::FromJson` / `ToJson` (the exact OData JSON".into(),
        "wire format). With the `serde` feature they also implement `serde::Serialize` /".into(),
        "`Deserialize`, through the same wire format: from serde_json (`from_slice`, `from_str`,".into(),
        "`from_reader`, `from_value`, inside your own derived types) a value is decoded from its".into(),
        "text in one pass, as fast as `json::from_slice`; other formats go through a".into(),
        "`serde_json::Value`. Serializing replays the value's own JSON text into the serializer,".into(),
        "two to three times the time of `json::to_vec` / `json::to_string`, the fast way to".into(),
        "write JSON. Structs compare (`PartialEq`) and print (`Debug`) by that JSON:".into(),
        "`User {\"displayName\":\"Ada\"}`, absent properties left out.".into(),
        String::new(),
        "# Conversions".into(),
        String::new(),
        "The Edm types of `runtime::edm` keep the wire form exactly (7 fraction digits, offsets,".into(),
        "arbitrary-precision decimals). Features `chrono`, `time`, `jiff`, `uuid` and".into(),
        "`rust_decimal` (off by default) convert them to and from those crates' types, both ways".into(),
        "(and `Binary` to and from `bytes::Bytes`, always):".into(),
        "`From` where nothing can be lost, `TryFrom` with `runtime::convert::ConvertError` where".into(),
        "the target cannot hold the value. The table is in `runtime::convert`.".into(),
        String::new(),
        "# Microsoft Entra ID tokens".into(),
        String::new(),
        "With the `azure-identity` feature (off by default), `runtime::azure::AzureTokenProvider`".into(),
        "makes any `azure_identity` credential the client's token provider: scope".into(),
        "`{origin}/.default` of the service root, token cached and refreshed before it expires,".into(),
        "one refresh for concurrent requests, no token for another origin.".into(),
        String::new(),
        "# Polymorphism and enums".into(),
        String::new(),
        "A type used polymorphically gets an `AnyT` enum over its concrete types, chosen by".into(),
        "`@odata.type` (`#ns.T`, `ns.T` and alias-qualified forms); a type this crate does not know".into(),
        "is kept whole in `AnyT::Unknown`. `@odata.type` is written for a subtype in a base-typed".into(),
        "slot. Enums are open: an unknown member reads as `Unknown(_)` (opaque: test it with".into(),
        "`as_str()`) and round-trips;".into(),
        "`IsFlags` enums are used as `runtime::enums::Flags<E>`, serialized as `\"a,b\"`.".into(),
    ]);
    lines.push(String::new());
    if let Some(n) = ir.recursion_limit {
        lines.extend([
            "# Recursion limit".to_string(),
            String::new(),
            "This crate's types nest deeply (long chains of navigation properties), deeper than".into(),
            "rustc's default recursion limit lets it prove them `Send`, so the crate declares".into(),
            format!("`#![recursion_limit = \"{n}\"]`. A crate that needs one of its values or request"),
            "futures to be `Send` (`tokio::spawn` of a task that awaits a request) proves the same".into(),
            format!("and declares the same: `#![recursion_limit = \"{n}\"]` in its `lib.rs` or `main.rs`"),
            "(without it: error E0275, overflow evaluating the requirement `…: Send`).".into(),
            String::new(),
        ]);
    }
    lines.extend(area_docs(ir));
    lines.extend(super::client::example_docs(ir));
    let doc_attrs = lines.iter().map(|l| {
        let text = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #text])
    });
    let root = ident(&ir.client.root.name);
    let service_root = ir.client.service_root.as_ref().map(|url| {
        let d = docs(&[format!(
            "The service root this crate was generated for: {} (`service_root` in `codegen.toml`).",
            naming::code(url)
        )]);
        quote!(#d pub const SERVICE_ROOT: &str = #url;)
    });
    let service_roots = (!ir.client.service_roots.is_empty()).then(|| {
        let consts = ir.client.service_roots.iter().map(|(name, url)| {
            let d = docs(&[format!("{}.", naming::code(url))]);
            let n = ident(name);
            quote!(#d pub const #n: &str = #url;)
        });
        quote! {
            /// Other roots of the same service (`service_roots` in `codegen.toml`).
            pub mod service_roots {
                #(#consts)*
            }
        }
    });
    // Types that nest deeply (a long chain or ring of navigation) need a higher limit
    // for rustc to prove them `Send` (see `ir::recursion_limit`).
    let recursion_limit = ir.recursion_limit.map(|n| {
        let n = n.to_string();
        quote!(#![recursion_limit = #n])
    });
    quote! {
        #(#doc_attrs)*
        #recursion_limit
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        #![allow(clippy::large_enum_variant)]

        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod client;
        pub mod runtime;

        pub use crate::client::#root;
        pub use crate::runtime::{
            Client, ClientBuilder, Error, ODataError, Page, Pager, Patch, Query, RequestOptions,
        };
        #service_root
        #service_roots
    }
}

fn models_mod(ir: &CrateIr) -> TokenStream {
    let mods = ir
        .modules
        .iter()
        .filter(|(_, m)| m.items.values().any(has_file))
        .map(|(m, module)| {
            let d = docs(&[format!(
                "The {} namespace.",
                naming::code(&module.namespace)
            )]);
            let m = ident(m);
            quote!(#d pub mod #m;)
        });
    quote! {
        #![doc = " The model types, one module per CSDL namespace."]
        #(#mods)*

        /// An entity type: its qualified name and its key.
        pub trait Entity {
            /// The key: the key property's type, or a tuple of them for a compound key.
            type Key;
            /// The qualified CSDL name (`microsoft.graph.user`).
            const TYPE_NAME: &'static str;
            /// The key, when every key property is present.
            fn key(&self) -> ::std::option::Option<Self::Key>;
        }
    }
}
