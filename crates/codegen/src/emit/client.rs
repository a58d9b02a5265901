//! The client: renders the [`ClientIr`] (every name, path, capability and operation
//! shape is settled there; nothing here reads the CSDL model).
//!
//! Layout of the generated `src/client/`:
//!
//! - `mod.rs`: the root client (named after the container, `GraphService`), one method
//!   per entity set, singleton and operation import;
//! - `<module>/<type>.rs`: per entity type, its collection and item builders (one pair
//!   per distinct set of `Capabilities` restrictions on the paths that reach it), its
//!   `…Field` enum for `$select`/`$orderby`, and an `etag()` accessor.
//!
//! The generic requests the builders delegate to are the runtime's `request` module
//! (imported as `support`).

use std::collections::BTreeSet;
use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{docs, ident, path, render};
use crate::Files;
use crate::ir::client::{
    ArgForm, BuilderIr, BuilderRef, ClientFileIr, FieldEnumIr, FilterIr, NavEnumIr, NavIr,
    OperationIr, ParamIr, Pass, RefsIr, ReturnIr, StreamIr, TyIr,
};
use crate::ir::{BaseTy, CrateIr, FieldIr, ItemKind};
use crate::naming;
use csdl::model::TypeId;

/// Renders `src/client/**`.
pub fn emit(ir: &CrateIr, files: &mut Files) {
    let header = super::header(&ir.sources);
    let client = &ir.client;
    // Files on two workers (proc-macro2's tokens are not `Send`, so each worker builds
    // its own); every file lands in a `BTreeMap`, so the order never shows.
    let all: Vec<(&String, &String, &ClientFileIr)> = client
        .modules
        .iter()
        .flat_map(|(m, module)| module.files.iter().map(move |(f, file)| (m, f, file)))
        .collect();
    let half = all.len().div_ceil(2).max(1);
    let rendered: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = all
            .chunks(half)
            .map(|part| {
                let header = &header;
                s.spawn(move || {
                    part.iter()
                        .map(|(m, _, file)| render(header, client_file(m, file)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for ((m, f, _), text) in all.iter().zip(rendered) {
        files.insert(PathBuf::from(format!("src/client/{m}/{f}.rs")), text);
    }
    for (m, module) in &client.modules {
        let mods = module.files.keys().map(|f| {
            let f = ident(f);
            quote!(mod #f;)
        });
        let uses = module.files.iter().map(|(f, file)| {
            let f = ident(f);
            let ex = file.exports().into_iter().map(ident);
            quote!(pub use self::#f::{#(#ex),*};)
        });
        let inner = format!(
            " Request builders for the entity types of the {} namespace.",
            naming::code(&module.namespace)
        );
        let tokens = quote! {
            #![doc = #inner]
            #(#mods)*
            #(#uses)*
        };
        files.insert(
            PathBuf::from(format!("src/client/{m}/mod.rs")),
            render(&header, tokens),
        );
    }
    files.insert(
        PathBuf::from("src/client/mod.rs"),
        render(&header, root(ir)),
    );
}

/// Names types from client module `here`: model types of the same namespace by their
/// name (imported at the top of the file), others by path.
struct Scope<'a> {
    here: &'a str,
    imports: BTreeSet<String>,
}

impl Scope<'_> {
    fn ty(&mut self, t: &TyIr) -> TokenStream {
        match t {
            TyIr::Model(m, n) if m == self.here => {
                self.imports.insert(n.clone());
                let n = ident(n);
                quote!(#n)
            }
            TyIr::Model(m, n) => {
                let (m, n) = (ident(m), ident(n));
                quote!(crate::models::#m::#n)
            }
            TyIr::Path("::std::string::String") => quote!(String),
            TyIr::Path(p) => path(p),
            TyIr::Flags(e) => {
                let e = self.ty(e);
                quote!(crate::runtime::enums::Flags<#e>)
            }
            TyIr::Vec(e) => {
                let e = self.ty(e);
                quote!(Vec<#e>)
            }
        }
    }

    fn builder(&self, b: &BuilderRef) -> TokenStream {
        let n = ident(&b.name);
        if b.module == self.here {
            quote!(super::#n)
        } else {
            let m = ident(&b.module);
            quote!(crate::client::#m::#n)
        }
    }

    /// The signatures (`a: i32`) and the named key parts (`("a", &a as &dyn UrlLiteral)`)
    /// of a compound or alternate key.
    fn named_args(&mut self, parts: &[ParamIr]) -> (Vec<TokenStream>, Vec<TokenStream>) {
        parts
            .iter()
            .map(|p| {
                let (sig, _) = self.param(p);
                let a = ident(&p.rust);
                let wire = &p.wire;
                (
                    quote!(#a: #sig),
                    quote!((#wire, &#a as &dyn crate::runtime::UrlLiteral)),
                )
            })
            .unzip()
    }

    /// A parameter's signature type and the expression that passes it by reference.
    fn param(&mut self, p: &ParamIr) -> (TokenStream, TokenStream) {
        let t = self.ty(&p.ty);
        let a = ident(&p.rust);
        if p.collection {
            return (quote!(&[#t]), quote!(#a));
        }
        match p.pass {
            Pass::Value => (t, quote!(&#a)),
            Pass::Str => (quote!(&str), quote!(#a)),
            Pass::Ref => (quote!(&#t), quote!(#a)),
        }
    }
}

fn client_file(here: &str, file: &ClientFileIr) -> TokenStream {
    let mut scope = Scope {
        here,
        imports: BTreeSet::new(),
    };
    let mut items = Vec::new();
    if let Some(f) = &file.field {
        items.push(field_enum(&mut scope, f));
    }
    if let Some(n) = &file.nav {
        items.push(nav_enum(&scope, n));
    }
    if let Some(t) = &file.etag {
        let t = scope.ty(t);
        items.push(quote! {
            impl #t {
                /// The entity's ETag (`@odata.etag`), to send back as `If-Match` (the
                /// item builders' `if_match`).
                pub fn etag(&self) -> Option<&str> {
                    crate::runtime::json::etag(&self.additional)
                }
            }
        });
    }
    for b in &file.builders {
        items.push(builder(&mut scope, b));
    }
    let imports = scope.imports.iter().map(|n| ident(n));
    let m = ident(here);
    let models = if scope.imports.is_empty() {
        quote!()
    } else {
        quote!(use crate::models::#m::{#(#imports),*};)
    };
    let filter = if file
        .field
        .as_ref()
        .is_some_and(|f| f.variants.iter().any(|v| v.filter.is_some()))
    {
        quote!(
            use crate::runtime::filter;
        )
    } else {
        quote!()
    };
    quote! {
        use crate::runtime::request as support;
        #filter
        #models
        #(#items)*
    }
}

fn field_enum(scope: &mut Scope<'_>, f: &FieldEnumIr) -> TokenStream {
    let decl = f.variants.iter().map(|v| {
        let d = match &v.doc {
            Some(first) => format!("{}: {first}", naming::code(&v.wire)),
            None => format!("{}.", naming::code(&v.wire)),
        };
        let d = docs(&[d]);
        let n = ident(&v.name);
        quote!(#d #n,)
    });
    let arms = f.variants.iter().map(|v| {
        let n = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#n => #wire,)
    });
    let consts: Vec<TokenStream> = f
        .variants
        .iter()
        .filter_map(|v| {
            let (name, filter) = v.filter.as_ref()?;
            let c = ident(name);
            let wire = &v.wire;
            let d = docs(&[format!(
                "{} in `$filter` expressions.",
                naming::code(&v.wire)
            )]);
            let (ty, init) = match filter {
                FilterIr::Value(t) => {
                    let t = scope.ty(t);
                    (quote!(Operand<#t>), quote!(Operand::property(#wire)))
                }
                FilterIr::Values(t) => {
                    let t = scope.ty(t);
                    (
                        quote!(CollectionOperand<#t>),
                        quote!(CollectionOperand::property(#wire)),
                    )
                }
                FilterIr::Enum(t, q) => {
                    let t = scope.ty(t);
                    (
                        quote!(EnumOperand<#t>),
                        quote!(EnumOperand::property(#wire, #q)),
                    )
                }
                FilterIr::Flags(t, q) => {
                    let t = scope.ty(t);
                    (
                        quote!(FlagsOperand<#t>),
                        quote!(FlagsOperand::property(#wire, #q)),
                    )
                }
                FilterIr::Enums(t, q) => {
                    let t = scope.ty(t);
                    (
                        quote!(EnumCollectionOperand<#t>),
                        quote!(EnumCollectionOperand::property(#wire, #q)),
                    )
                }
            };
            Some(quote!(#d pub const #c: filter::#ty = filter::#init;))
        })
        .collect();
    let n = ident(&f.name);
    let doc = docs(&[
        format!(
            "The structural properties of {}, by wire name, for typed `$select` and `$orderby`;",
            naming::code(&f.qualified)
        ),
        "its constants are the typed operands of `$filter` expressions.".into(),
    ]);
    let filter_impl = if consts.is_empty() {
        quote!()
    } else {
        quote! {
            impl #n {
                #(#consts)*
            }
        }
    };
    quote! {
        #doc
        // `Debug` prints the wire name (like `Display`): one match per field enum, not two.
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #n {
            #(#decl)*
        }
        impl ::std::fmt::Debug for #n {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(support::Field::wire_name(*self))
            }
        }
        impl support::Field for #n {
            fn wire_name(self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }
        impl ::std::fmt::Display for #n {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(support::Field::wire_name(*self))
            }
        }
        #filter_impl
    }
}

/// A `…Nav` enum: a variant per navigation property for a plain `$expand`, and a
/// function per property for an item with nested options typed for its target.
fn nav_enum(scope: &Scope<'_>, n: &NavEnumIr) -> TokenStream {
    let name = ident(&n.name);
    let source = ident(&n.field);
    let decl = n.variants.iter().map(|v| {
        let d = match &v.doc {
            Some(first) => format!("{}: {first}", naming::code(&v.wire)),
            None => format!("{}.", naming::code(&v.wire)),
        };
        let d = docs(&[d]);
        let n = ident(&v.name);
        quote!(#d #n,)
    });
    let arms = n.variants.iter().map(|v| {
        let n = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#n => #wire,)
    });
    let fns = n.variants.iter().map(|v| {
        let m = ident(&v.method);
        let target = scope.builder(&v.target);
        let wire = &v.wire;
        let (kind, what) = if v.collection {
            (quote!(support::Many), "collection-valued")
        } else {
            (quote!(support::One), "single-valued")
        };
        let d = docs(&[format!(
            "`$expand` {} ({what}) with nested options typed for {}.",
            naming::code(&v.wire),
            naming::code(&v.target_qualified)
        )]);
        quote! {
            #d
            pub fn #m() -> support::Expand<#source, #target, #kind> {
                support::Expand::new(#wire)
            }
        }
    });
    let doc = docs(&[
        format!(
            "The navigation properties of {}, for typed `$expand`: a variant expands",
            naming::code(&n.qualified)
        ),
        "the property as it is; the function of the same name gives an item with nested".into(),
        "options typed for its target.".into(),
    ]);
    quote! {
        #doc
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#decl)*
        }
        impl #name {
            /// The property's wire name.
            pub fn wire_name(self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
            #(#fns)*
        }
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.wire_name())
            }
        }
        impl support::IntoExpand<#source> for #name {
            fn into_expand(self) -> String {
                self.wire_name().to_owned()
            }
        }
    }
}

/// A navigation method (an entity set or singleton on the root client).
fn nav_method(scope: &Scope<'_>, s: &NavIr, at_root: bool) -> TokenStream {
    let m = ident(&s.method);
    let ret = scope.builder(&s.target);
    let d = docs(&s.doc);
    let wire = &s.wire;
    let inner = if at_root {
        quote!(support::Builder::root(&self.client, #wire))
    } else {
        quote!(self.inner.nav(#wire))
    };
    quote! {
        #d
        pub fn #m(&self) -> #ret {
            #ret::from_builder(#inner)
        }
    }
}

fn builder(scope: &mut Scope<'_>, b: &BuilderIr) -> TokenStream {
    let n = ident(&b.name);
    let read = scope.ty(&b.read);
    let field_ty = match &b.field {
        Some(f) => {
            let f = ident(f);
            quote!(#f)
        }
        None => quote!(support::NoField),
    };
    let mut methods: Vec<TokenStream> = Vec::new();
    if let Some(key) = &b.key {
        let item = scope.builder(&key.item);
        let as_segment = key.as_segment;
        if let [part] = key.parts.as_slice() {
            let (sig, arg) = scope.param(part);
            let a = ident(&part.rust);
            let how = if as_segment {
                "as a path segment (`…/{key}`)"
            } else {
                "in parentheses (`…('key')`)"
            };
            let doc = docs(&[
                format!(
                    "One {} by its key {}, {how}.",
                    naming::code(&b.qualified),
                    naming::code(&part.wire)
                ),
                String::new(),
                "The value is quoted and percent-encoded: it cannot change the path.".into(),
            ]);
            methods.push(quote! {
                #doc
                pub fn by_id(&self, #a: #sig) -> #item {
                    #item::from_builder(self.inner.key(#arg, #as_segment))
                }
            });
        } else {
            let (sigs, pairs) = scope.named_args(&key.parts);
            let names: Vec<&str> = key.parts.iter().map(|p| p.wire.as_str()).collect();
            let listed: Vec<String> = names.iter().map(|n| naming::code(n)).collect();
            let form = if as_segment {
                format!(
                    "as path segments: {}",
                    naming::code(&format!(
                        "…/{}",
                        names
                            .iter()
                            .map(|n| format!("{{{n}}}"))
                            .collect::<Vec<_>>()
                            .join("/")
                    ))
                )
            } else {
                format!(
                    "named: {}",
                    naming::code(&format!("…({}=…)", names.join("=…,")))
                )
            };
            let doc = docs(&[format!(
                "One {} by its compound key ({}), {form}.",
                naming::code(&b.qualified),
                listed.join(", "),
            )]);
            let call = if as_segment {
                quote!(compound_key_segments)
            } else {
                quote!(compound_key)
            };
            methods.push(quote! {
                #doc
                pub fn by_key(&self, #(#sigs),*) -> #item {
                    #item::from_builder(self.inner.#call(&[#(#pairs),*]))
                }
            });
        }
    }
    if let Some(key) = &b.key {
        let item = scope.builder(&key.item);
        for alt in &b.alternate_keys {
            let m = ident(&alt.method);
            let (sigs, pairs) = scope.named_args(&alt.parts);
            let names: Vec<&str> = alt.parts.iter().map(|p| p.wire.as_str()).collect();
            let doc = docs(&[
                format!(
                    "One {} by its alternate key ({}): {}.",
                    naming::code(&b.qualified),
                    names
                        .iter()
                        .map(|n| naming::code(n))
                        .collect::<Vec<_>>()
                        .join(", "),
                    naming::code(&format!("…({}=…)", names.join("=…,")))
                ),
                String::new(),
                "The value is quoted and percent-encoded: it cannot change the path.".into(),
            ]);
            methods.push(quote! {
                #doc
                pub fn #m(&self, #(#sigs),*) -> #item {
                    #item::from_builder(self.inner.compound_key(&[#(#pairs),*]))
                }
            });
        }
    }
    if b.list {
        methods.push(quote! {
            /// `GET` the collection: `.await` for the first page, `.stream()` for every item, with query options.
            pub fn list(&self) -> support::ListRequest<#read, #field_ty> {
                support::ListRequest::new(&self.inner)
            }
        });
    }
    if let Some(create) = &b.create {
        let create = scope.ty(create);
        methods.push(quote! {
            /// `POST` a new entity: 201 gives `Some(created)`, 204 (after [`Self::return_minimal`]) `None`.
            pub fn create(&self, body: &#create) -> support::RequestFuture<Option<#read>> {
                self.inner.create(body)
            }
        });
    }
    if b.get {
        methods.push(quote! {
            /// `GET` the entity (`.await` it), optionally with `$select` and `$expand`.
            pub fn get(&self) -> support::GetRequest<#read, #field_ty> {
                support::GetRequest::new(&self.inner)
            }
        });
    }
    if let Some(update) = &b.update {
        let update = scope.ty(update);
        methods.push(quote! {
            /// `PATCH` the entity: 200 gives `Some(updated)`, 204 `None`. Send [`Self::if_match`] where the service uses ETags.
            pub fn update(&self, body: &#update) -> support::RequestFuture<Option<#read>> {
                self.inner.update(body)
            }
        });
    }
    if let Some(body) = &b.replace {
        let body = scope.ty(body);
        methods.push(quote! {
            /// `PUT` the entity: replaces it whole (properties left out are reset); 200 gives
            /// `Some(replaced)`, 204 `None`.
            pub fn replace(&self, body: &#body) -> support::RequestFuture<Option<#read>> {
                self.inner.replace(body)
            }
        });
    }
    if let Some(body) = &b.upsert {
        let body = scope.ty(body);
        methods.push(quote! {
            /// Upsert: `PATCH` that creates the entity when none has this key (201 gives
            /// `Some(created)`) and updates it otherwise (200 `Some`, 204 `None`).
            pub fn upsert(&self, body: &#body) -> support::RequestFuture<Option<#read>> {
                self.inner.update(body)
            }
        });
    }
    if b.delete {
        methods.push(quote! {
            /// `DELETE` the entity. Send [`Self::if_match`] where the service uses ETags.
            pub fn delete(&self) -> support::RequestFuture<()> {
                self.inner.delete()
            }
        });
    }
    if b.count {
        methods.push(quote! {
            /// `GET …/$count`: the number of entities (`.await` it), optionally with `$filter`
            /// and `$search`; add the headers a service asks for with `.header(name, value)`.
            pub fn count(&self) -> support::CountRequest {
                self.inner.count()
            }
        });
    }
    if let Some(refs) = &b.refs {
        methods.extend(ref_methods(scope, refs));
    }
    for s in &b.nav {
        methods.push(nav_method(scope, s, false));
    }
    for s in &b.casts {
        let m = ident(&s.method);
        let ret = scope.builder(&s.target);
        let d = docs(&s.doc);
        let wire = &s.wire;
        methods.push(quote! {
            #d
            pub fn #m(&self) -> #ret {
                #ret::from_builder(self.inner.cast(#wire))
            }
        });
    }
    for op in &b.operations {
        methods.push(operation(scope, op, false));
    }
    for st in &b.streams {
        methods.push(stream_method(st));
    }
    let what = if b.collection {
        "a collection of"
    } else {
        "one"
    };
    let mut doc = vec![format!(
        "Requests on {what} {}.",
        naming::code(&b.qualified)
    )];
    if b.shell {
        doc.push(String::new());
        doc.push(
            "This type is not part of this crate's models: only navigation towards the selected types is available.".into(),
        );
    }
    if !b.restricted.is_empty() {
        doc.push(String::new());
        doc.push(format!(
            "The service's Capabilities annotations restrict the paths to this builder ({}).",
            b.restricted
        ));
    }
    if let Some(set) = &b.nav_scope {
        doc.push(String::new());
        doc.push(format!(
            "Navigation from these entities follows the `Capabilities.NavigationRestrictions` of {}.",
            naming::code(set)
        ));
    }
    let doc = docs(&doc);
    let minimal = if b.collection || b.update.is_some() || b.replace.is_some() || b.upsert.is_some()
    {
        quote! {
            /// Sends `Prefer: return=minimal`: creates and updates answer 204 (`None`).
            pub fn return_minimal(self) -> Self {
                Self { inner: self.inner.with_return_minimal() }
            }
        }
    } else {
        quote!()
    };
    let if_match = if b.collection {
        quote!()
    } else {
        quote! {
            /// Sends `If-Match: etag` (from the entity's `etag()`, or `*`) with update, delete and actions.
            pub fn if_match(self, etag: &str) -> Self {
                Self { inner: self.inner.with_if_match(etag) }
            }
        }
    };
    quote! {
        #doc
        #[derive(Clone, Debug)]
        pub struct #n {
            inner: support::Builder,
        }
        impl #n {
            pub(crate) fn from_builder(inner: support::Builder) -> Self {
                Self { inner }
            }
            /// The request state: client, resource path and options.
            pub fn builder(&self) -> &support::Builder {
                &self.inner
            }
            /// Adds a request header to every request of this builder.
            pub fn header(self, name: &str, value: &str) -> Self {
                Self { inner: self.inner.with_header(name, value) }
            }
            #if_match
            #minimal
            #(#methods)*
        }
    }
}

/// `add_ref_*`/`set_ref_*`, `refs()`, `get_ref()`, `remove_ref()`.
fn ref_methods(scope: &mut Scope<'_>, refs: &RefsIr) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let (verb, key) = match refs {
        RefsIr::Collection(key) => {
            out.push(quote! {
                /// `GET …/$ref`: the references (entity URLs) this navigation property holds, paged.
                pub fn refs(&self) -> support::ListRequest<support::Reference, support::NoField> {
                    self.inner.refs()
                }
            });
            ("add", key)
        }
        RefsIr::Item => {
            out.push(quote! {
                /// `DELETE …/{key}/$ref`: removes this entity from the navigation property
                /// (the entity itself is not deleted).
                pub fn remove_ref(&self) -> support::RequestFuture<()> {
                    self.inner.remove_ref()
                }
            });
            return out;
        }
        RefsIr::Single(key) => {
            out.push(quote! {
                /// `GET …/$ref`: the entity this navigation property references (`None` on 204).
                pub fn get_ref(&self) -> support::RequestFuture<Option<support::Reference>> {
                    self.inner.get_ref()
                }
                /// `DELETE …/$ref`: clears the navigation property (the entity itself is not deleted).
                pub fn remove_ref(&self) -> support::RequestFuture<()> {
                    self.inner.remove_ref()
                }
            });
            ("set", key)
        }
    };
    let (http, doc_what) = if verb == "add" {
        ("POST", "Adds a reference to")
    } else {
        ("PUT", "Sets the reference to")
    };
    let send = ident(&format!("{verb}_ref"));
    let at = ident(&format!("{verb}_ref_at"));
    let at_doc = docs(&[
        format!(
            "`{http} …/$ref` with `{{\"@odata.id\": url}}`: {} the entity at `entity`",
            doc_what.to_lowercase()
        ),
        "(any builder of one entity: its canonical URL).".into(),
    ]);
    out.push(quote! {
        #at_doc
        pub fn #at(&self, entity: &support::Builder) -> support::RequestFuture<()> {
            self.inner.#send(entity)
        }
    });
    if let Some(key) = key {
        let set = &key.set;
        let as_segment = key.as_segment;
        let (sigs, target) = if let [part] = key.parts.as_slice() {
            let (sig, arg) = scope.param(part);
            let a = ident(&part.rust);
            (
                vec![quote!(#a: #sig)],
                quote!(self.inner.at_root(#set).key(#arg, #as_segment)),
            )
        } else {
            let (sigs, pairs) = scope.named_args(&key.parts);
            let target = if as_segment {
                quote!(self.inner.at_root(#set).compound_key_segments(&[#(#pairs),*]))
            } else {
                quote!(self.inner.at_root(#set).compound_key(&[#(#pairs),*]))
            };
            (sigs, target)
        };
        let name = ident(&format!(
            "{verb}_ref_by_{}",
            if key.parts.len() == 1 { "id" } else { "key" }
        ));
        let doc = docs(&[format!(
            "`{http} …/$ref` with `{{\"@odata.id\": \"…/{set}/{{key}}\"}}`: {} the entity of {} with this key.",
            doc_what.to_lowercase(),
            naming::code(set)
        )]);
        out.push(quote! {
            #doc
            pub fn #name(&self, #(#sigs),*) -> support::RequestFuture<()> {
                self.inner.#send(&#target)
            }
        });
    }
    out
}

/// A stream method: a media entity's `$value` or a stream property.
fn stream_method(st: &StreamIr) -> TokenStream {
    let m = ident(&st.method);
    let d = docs(&st.doc);
    let wire = &st.wire;
    let media = match &st.media_type {
        Some(t) => quote!(Some(#t)),
        None => quote!(None),
    };
    let acceptable = &st.acceptable;
    quote! {
        #d
        pub fn #m(&self) -> crate::runtime::StreamRequest {
            self.inner.nav(#wire).stream(#media, &[#(#acceptable),*])
        }
    }
}

/// An operation method: on a builder (bound), or on the root client (an import).
fn operation(scope: &mut Scope<'_>, op: &OperationIr, at_root: bool) -> TokenStream {
    let m = ident(&op.method);
    let mut sigs = Vec::new();
    let mut stmts = Vec::new();
    let mut required: Vec<TokenStream> = Vec::new();
    for p in &op.params {
        let (sig, r) = scope.param(p);
        let a = ident(&p.rust);
        let wire = &p.wire;
        let arg = match &p.form {
            ArgForm::Literal => quote!(support::lit(#r)),
            ArgForm::Enum(q) => quote!(support::enum_lit(#q, #r)),
            ArgForm::Json => quote!(support::json(#r)),
        };
        if p.optional {
            sigs.push(quote!(#a: Option<#sig>));
            if op.is_action {
                stmts.push(quote!(body.opt(#wire, &#a);));
            } else {
                stmts.push(quote!(if let Some(#a) = #a { args.push((#wire, #arg)); }));
            }
        } else {
            sigs.push(quote!(#a: #sig));
            if op.is_action {
                stmts.push(quote!(body.put(#wire, #r);));
            } else {
                required.push(quote!((#wire, #arg)));
            }
        }
    }
    let builder = match (at_root, op.is_action, &op.import) {
        (true, true, Some(name)) => quote!(support::Builder::root(&self.client, #name)),
        (true, _, _) => quote!(support::Builder::at(
            &self.client,
            crate::runtime::Resource::default()
        )),
        (false, _, _) => quote!(self.inner),
    };
    let qualified = &op.qualified;
    let fn_name = op.import.as_deref().unwrap_or(qualified);
    let action_name = if at_root {
        quote!(None)
    } else {
        quote!(Some(#qualified))
    };
    let prelude = if op.is_action {
        if op.params.is_empty() {
            quote!(let body = support::no_params();)
        } else {
            quote!(let mut body = crate::runtime::ObjectWriter::new(); #(#stmts)* let body = body.finish();)
        }
    } else if stmts.is_empty() {
        let n = required.len();
        quote!(let args: [(&str, support::FnArg); #n] = [#(#required),*];)
    } else {
        quote!(let mut args: Vec<(&str, support::FnArg)> = ::std::vec![#(#required),*]; #(#stmts)*)
    };
    let (sig_ret, call, is_async) = match (&op.ret, op.is_action) {
        (ReturnIr::Unit, true) => (
            quote!(Result<(), crate::runtime::Error>),
            quote!(#builder.action_unit(#action_name, &body).await),
            true,
        ),
        (ReturnIr::Unit, false) => (
            quote!(Result<(), crate::runtime::Error>),
            quote!(#builder.function::<crate::runtime::Value>(#fn_name, &args).await.map(|_| ())),
            true,
        ),
        (ReturnIr::Object(t), true) => {
            let t = scope.ty(t);
            (
                quote!(Result<Option<#t>, crate::runtime::Error>),
                quote!(#builder.action(#action_name, &body).await),
                true,
            )
        }
        (ReturnIr::Object(t), false) => {
            let t = scope.ty(t);
            (
                quote!(Result<Option<#t>, crate::runtime::Error>),
                quote!(#builder.function(#fn_name, &args).await),
                true,
            )
        }
        (ReturnIr::Value(t), true) => {
            let t = scope.ty(t);
            (
                quote!(Result<Option<#t>, crate::runtime::Error>),
                quote!(#builder.action_value(#action_name, &body).await),
                true,
            )
        }
        (ReturnIr::Value(t), false) => {
            let t = scope.ty(t);
            (
                quote!(Result<Option<#t>, crate::runtime::Error>),
                quote!(#builder.function_value(#fn_name, &args).await),
                true,
            )
        }
        (ReturnIr::Stream, true) => (
            quote!(Result<crate::runtime::Download, crate::runtime::Error>),
            quote!(#builder.action_download(#action_name, &body).await),
            true,
        ),
        (ReturnIr::Stream, false) => (
            quote!(Result<crate::runtime::Download, crate::runtime::Error>),
            quote!(#builder.function_download(#fn_name, &args).await),
            true,
        ),
        (ReturnIr::UploadSession, _) => (
            quote!(Result<crate::runtime::UploadSession, crate::runtime::Error>),
            quote!(#builder.action_upload_session(#action_name, &body).await),
            true,
        ),
        (ReturnIr::Pager(t), true) => {
            let t = scope.ty(t);
            (
                quote!(crate::runtime::Pager<#t>),
                quote!(#builder.action_pager(#action_name, &body)),
                false,
            )
        }
        (ReturnIr::Pager(t), false) => {
            let t = scope.ty(t);
            (
                quote!(crate::runtime::Pager<#t>),
                quote!(#builder.function_pager(#fn_name, &args)),
                false,
            )
        }
        (ReturnIr::Delta { item, field }, _) => {
            let t = scope.ty(item);
            let f = match field {
                Some(f) => {
                    let f = ident(f);
                    quote!(#f)
                }
                None => quote!(support::NoField),
            };
            (
                quote!(crate::runtime::delta::DeltaRequest<#t, #f>),
                quote!(#builder.delta(#fn_name, &args)),
                false,
            )
        }
    };
    let doc = docs(&op.doc);
    let asyncness = if is_async { quote!(async) } else { quote!() };
    // Parameters mirror the schema's: as many as it declares.
    let allow = if op.params.len() >= 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    quote! {
        #doc
        #allow
        pub #asyncness fn #m(&self #(, #sigs)*) -> #sig_ret {
            #prelude
            #call
        }
    }
}

/// `src/client/mod.rs`: the root client.
fn root(ir: &CrateIr) -> TokenStream {
    let client = &ir.client;
    let mut scope = Scope {
        here: "",
        imports: BTreeSet::new(),
    };
    let root_ident = ident(&client.root.name);
    let mut methods = Vec::new();
    for s in &client.root.steps {
        methods.push(nav_method(&scope, s, true));
    }
    for op in &client.root.operations {
        methods.push(operation(&mut scope, op, true));
    }
    let mod_names: Vec<_> = client.modules.keys().map(|m| ident(m)).collect();
    let mod_docs: Vec<_> = client
        .modules
        .values()
        .map(|m| {
            docs(&[format!(
                "Request builders of the {} namespace.",
                naming::code(&m.namespace)
            )])
        })
        .collect();
    let cdesc = client.root.container.as_deref().unwrap_or("service");
    let root_doc = docs(&[
        format!(
            "The {} entity container: the entry point of the typed requests.",
            naming::code(cdesc)
        ),
        String::new(),
        "Construct it from a runtime [`Client`](crate::runtime::Client) (cheap to clone);".into(),
        "every method returns a builder for one path of the service.".into(),
    ]);
    quote! {
        #![doc = " Typed request builders: the root client, and one module per namespace with"]
        #![doc = " each entity type's collection and item builders."]
        use crate::runtime::request as support;
        #( #mod_docs pub mod #mod_names; )*

        #root_doc
        #[derive(Clone, Debug)]
        pub struct #root_ident {
            client: crate::runtime::Client,
        }

        impl #root_ident {
            /// The root client over a runtime client (service root, auth, transport, retries).
            pub fn new(client: crate::runtime::Client) -> Self {
                #root_ident { client }
            }

            /// The runtime client.
            pub fn client(&self) -> &crate::runtime::Client {
                &self.client
            }

            #(#methods)*
        }
    }
}

/// The crate docs' "Using the client" section, with an example along the shortest path
/// to a listable collection.
pub fn example_docs(ir: &CrateIr) -> Vec<String> {
    let root = &ir.client.root.name;
    vec![
        "# Using the client".to_string(),
        String::new(),
        format!(
            "[`{root}`] is the entry point: one method per entity set and singleton, then one per"
        ),
        "navigation property, key (`by_id`), operation and request (`list`, `get`, `create`,"
            .into(),
        "`update`, `delete`). Builders are cheap to clone; they hold the runtime".into(),
        "[`Client`] (auth, retries, paging) and the path. The example at the top of this page"
            .into(),
        "shows the whole way from a client to a typed page of entities.".into(),
    ]
}

/// The example the crate's front page starts with, a doctest that compiles (`no_run`:
/// there is no network): build a client, list a few entities of the nearest entity set,
/// select and print one property. A crate without a listable collection decodes one of
/// its models from JSON instead; one without a structured type gets none. Every name
/// comes from the IR's identifiers, never from schema text.
pub fn front_example(ir: &CrateIr) -> Vec<String> {
    let krate = ir.package.replace('-', "_");
    let Some(ex) = &ir.client.example else {
        return decode_example(ir, &krate);
    };
    let client = &ir.client;
    let root = &client.root.name;
    let service_root = match &client.service_root {
        Some(_) => format!("{krate}::SERVICE_ROOT"),
        None => "\"https://services.example/odata/v4/service/\"".to_string(),
    };
    let through_any = ir.names.get(&ex.ty).is_some_and(|n| n.any.is_some());
    let shown = shown_field(ir, ex.ty, through_any);
    // The field enum's variant for the printed property, else its first one.
    let select = ex.field.as_ref().map(|(m, e, first)| {
        let variant = shown
            .as_ref()
            .and_then(|(wire, _)| {
                client.modules.get(m)?.files.values().find_map(|f| {
                    let f = f.field.as_ref().filter(|f| &f.name == e)?;
                    f.variants.iter().find(|v| &v.wire == wire)
                })
            })
            .map_or(first, |v| &v.name);
        (m, e, variant)
    });
    let chain: String = ex.chain.iter().map(|m| format!(".{m}()")).collect();
    let mut lines = vec![
        "```no_run".to_string(),
        format!("# async fn example() -> Result<(), {krate}::Error> {{"),
    ];
    if let Some((m, e, _)) = &select {
        lines.push(format!("use {krate}::client::{m}::{e};"));
        lines.push(String::new());
    }
    lines.extend([
        format!("let client = {krate}::Client::builder({service_root})"),
        "    .bearer_token(\"<access token>\")".into(),
        "    .build()?;".into(),
        format!("let service = {krate}::{root}::new(client);"),
    ]);
    lines.push(format!("let page = service{chain}.list()"));
    if let Some((_, e, v)) = &select {
        lines.push(format!("    .select([{e}::{v}])"));
        lines.push(format!("    .orderby({e}::{v})"));
    }
    lines.push("    .top(5)".into());
    lines.push("    .await?;".into());
    lines.push("for item in &page.items {".into());
    match &shown {
        Some((_, expr)) => lines.push(format!("    println!(\"{{:?}}\", item{expr});")),
        None => lines.push("    println!(\"{item:?}\");".into()),
    }
    lines.extend(["}".into(), "# Ok(())".into(), "# }".into(), "```".into()]);
    lines
}

/// The front page's example for a crate without a listable collection: a model decoded
/// from JSON (its first concrete structured type, in module and file order).
fn decode_example(ir: &CrateIr, krate: &str) -> Vec<String> {
    let found = ir
        .modules
        .values()
        .flat_map(|m| m.items.values())
        .find_map(|item| {
            let ItemKind::Structured(s) = &item.kind else {
                return None;
            };
            let n = ir.names.get(&item.id).filter(|_| !s.is_abstract)?;
            Some((
                n.module.clone(),
                n.name.clone(),
                shown_field(ir, item.id, false),
            ))
        });
    let Some((m, ty, shown)) = found else {
        return Vec::new();
    };
    let print = match shown {
        Some((_, expr)) => format!("println!(\"{{:?}}\", value{expr});"),
        None => "println!(\"{value:?}\");".into(),
    };
    vec![
        "```".into(),
        "# fn example() -> Result<(), Box<dyn std::error::Error>> {".into(),
        format!(
            "let value: {krate}::models::{m}::{ty} = {krate}::runtime::json::from_slice(b\"{{}}\")?;"
        ),
        print,
        "# Ok(())".into(),
        "# }".into(),
        "# example().unwrap();".into(),
        "```".into(),
    ]
}

/// The property the front page's example prints for items of type `ty`: its wire name
/// and the Rust access after the item (`.display_name`, or `.display_name()` through an
/// `Any…` enum's accessor). Preferred: `displayName`, `name` or `title`, then the first
/// single string property that is no key, then the first key property.
fn shown_field(ir: &CrateIr, ty: TypeId, through_any: bool) -> Option<(String, String)> {
    let n = ir.names.get(&ty)?;
    let ItemKind::Structured(s) = &ir.modules.get(&n.module)?.items.get(&n.file)?.kind else {
        return None;
    };
    let key: Vec<usize> = s.key.clone().unwrap_or_default();
    let plain = |f: &FieldIr| !f.navigation && !f.ty.collection;
    let string = |f: &FieldIr| f.ty.base == BaseTy::Path("::std::string::String");
    let candidates = s.fields.iter().enumerate().filter(|(_, f)| plain(f));
    let ranked = candidates.min_by_key(|(i, f)| {
        let named = ["displayName", "name", "title"]
            .iter()
            .position(|w| *w == f.wire);
        let rank = match named {
            Some(p) => p,
            None if string(f) && !key.contains(i) => 3,
            None if key.contains(i) => 4,
            None => 5,
        };
        (rank, *i)
    });
    let (_, f) = ranked?;
    if through_any {
        let (_, method) = s
            .poly
            .as_ref()?
            .accessors
            .iter()
            .find(|(field, _)| *field == f.name)?;
        return Some((f.wire.clone(), format!(".{method}()")));
    }
    if s.is_abstract {
        return None;
    }
    Some((f.wire.clone(), format!(".{}", f.name)))
}
