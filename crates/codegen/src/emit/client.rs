//! The client: typed request builders rendered from the entity container, next to the
//! models of the same [`CrateIr`].
//!
//! Layout of the generated `src/client/`:
//!
//! - `mod.rs`: the root client (named after the container, `GraphService`), one method
//!   per entity set, singleton and operation import;
//! - `support.rs`: the generic requests every builder delegates to (copied verbatim);
//! - `<module>/<type>.rs`: per entity type, its collection and item builders (one pair
//!   per distinct set of `Capabilities` restrictions on the paths that reach it), its
//!   `…Field` enum for `$select`/`$orderby`, and an `etag()` accessor.
//!
//! Which builders exist is found by walking navigation from the container: every
//! selected entity type reached, plus "shell" builders for types that are not selected
//! but lead to selected ones through containment (navigation methods only). Everything
//! is keyed in `BTreeMap`s, so the output is deterministic.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;

use csdl::model::{
    Model, NavigationProperty, Operation, OperationId, OperationKind, Primitive, Target, TypeId,
    TypeKind, TypeRef,
};
use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{docs, ident, path, render};
use crate::Files;
use crate::ir::{CrateIr, ItemKind, StructIr, primitive_path};
use crate::naming::{self, Allocator};

/// The generic support module, copied into `src/client/support.rs`.
const SUPPORT: &str = include_str!("../../templates/client_support.rs");

/// What the paths to a builder allow (annotation restrictions combined with what the
/// type's shapes make possible).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Caps {
    list: bool,
    create: bool,
    get: bool,
    update: bool,
    delete: bool,
}

impl Caps {
    const NONE: Caps = Caps {
        list: false,
        create: false,
        get: false,
        update: false,
        delete: false,
    };
}

/// One generated builder type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    ty: TypeId,
    collection: bool,
    caps: Caps,
}

/// A navigation step: the method on a builder and the builder it returns.
#[derive(Debug, Clone)]
struct NavStep {
    wire: String,
    /// The method's name, claimed in the builder's (or root client's) scope.
    method: String,
    target: Key,
    doc: Vec<String>,
}

/// Methods of the root client that are not entity sets or singletons.
const ROOT_METHODS: [&str; 2] = ["new", "client"];

/// Methods of every builder that are not navigation or operations.
const BUILDER_METHODS: [&str; 12] = [
    "from_builder",
    "builder",
    "header",
    "if_match",
    "return_minimal",
    "by_id",
    "by_key",
    "list",
    "get",
    "create",
    "update",
    "delete",
];

struct Ctx<'a> {
    ir: &'a CrateIr,
    model: &'a Model,
    selected: BTreeSet<TypeId>,
    shells: BTreeSet<TypeId>,
    /// Bound operations by (binding type, collection).
    bound: BTreeMap<(TypeId, bool), Vec<OperationId>>,
}

/// Renders `src/client/**` and adds the client to `src/lib.rs`.
pub fn emit(ir: &CrateIr, model: &Model, files: &mut Files) {
    let header = super::header(&ir.sources);
    let ctx = Ctx::new(ir, model);
    let container = model.containers.first();

    // Roots, then a breadth-first walk over navigation.
    let mut root_steps: Vec<NavStep> = Vec::new();
    let mut root_alloc = Allocator::new();
    for r in ROOT_METHODS {
        root_alloc.reserve(r);
    }
    if let Some(c) = container {
        let cname = format!("{}.{}", c.namespace, c.name);
        for s in &c.entity_sets {
            if ctx.has_builder(s.entity_type) {
                let caps = ctx.caps(&format!("{cname}/{}", s.name), s.entity_type, true, true);
                root_steps.push(NavStep {
                    wire: s.name.clone(),
                    method: root_alloc.claim(&naming::field_name(&s.name), true).name,
                    target: ctx.key(s.entity_type, true, caps),
                    doc: step_doc(s.description.as_deref(), &s.name, "entity set"),
                });
            }
        }
        for s in &c.singletons {
            if ctx.has_builder(s.entity_type) {
                let mut caps = ctx.caps(&format!("{cname}/{}", s.name), s.entity_type, false, true);
                caps.delete = false;
                root_steps.push(NavStep {
                    wire: s.name.clone(),
                    method: root_alloc.claim(&naming::field_name(&s.name), true).name,
                    target: ctx.key(s.entity_type, false, caps),
                    doc: step_doc(s.description.as_deref(), &s.name, "singleton"),
                });
            }
        }
    }
    let mut builders: BTreeMap<Key, Vec<NavStep>> = BTreeMap::new();
    // The shortest method path to each builder, for the crate example: (wire, method).
    let mut paths: BTreeMap<Key, Vec<(String, String)>> = BTreeMap::new();
    let mut queue: VecDeque<Key> = VecDeque::new();
    for s in &root_steps {
        if let std::collections::btree_map::Entry::Vacant(e) = paths.entry(s.target) {
            e.insert(vec![(s.wire.clone(), s.method.clone())]);
            queue.push_back(s.target);
        }
    }
    while let Some(k) = queue.pop_front() {
        if builders.contains_key(&k) {
            continue;
        }
        let steps = ctx.nav_steps(k);
        let here = paths.get(&k).cloned().unwrap_or_default();
        if k.collection {
            let item = ctx.item_of(k);
            if let std::collections::btree_map::Entry::Vacant(e) = paths.entry(item) {
                let mut p = here.clone();
                p.push(("#key".into(), String::new()));
                e.insert(p);
            }
            queue.push_back(item);
        }
        for s in &steps {
            if let std::collections::btree_map::Entry::Vacant(e) = paths.entry(s.target) {
                let mut p = here.clone();
                p.push((s.wire.clone(), s.method.clone()));
                e.insert(p);
            }
            queue.push_back(s.target);
        }
        builders.insert(k, steps);
    }

    // Names: client modules mirror the model modules; shells get module names of their
    // own namespace (claimed after the model's).
    let mut module_alloc = Allocator::new();
    module_alloc.reserve("support");
    let mut module_of_ns: BTreeMap<String, String> = BTreeMap::new();
    for (m, module) in &ir.modules {
        module_alloc.reserve(m);
        module_of_ns.insert(module.namespace.clone(), m.clone());
    }
    let types: BTreeSet<TypeId> = builders.keys().map(|k| k.ty).collect();
    let mut ordered: Vec<TypeId> = types.iter().copied().collect();
    ordered.sort_by_key(|t| (model.ty(*t).qualified_name(), *t));
    for t in &ordered {
        let ns = &model.ty(*t).namespace;
        if !module_of_ns.contains_key(ns) {
            let c = module_alloc.claim(&naming::module_name(ns), true);
            module_of_ns.insert(ns.clone(), c.name);
        }
    }
    let mut file_allocs: BTreeMap<String, Allocator> = BTreeMap::new();
    let mut name_allocs: BTreeMap<String, Allocator> = BTreeMap::new();
    let mut type_file: BTreeMap<TypeId, (String, String)> = BTreeMap::new();
    let mut field_name: BTreeMap<TypeId, String> = BTreeMap::new();
    // Selected types keep their model file stems.
    for t in &ordered {
        if let Some(n) = ir.names.get(t) {
            let m = module_of_ns[&model.ty(*t).namespace].clone();
            file_allocs.entry(m.clone()).or_default().reserve(&n.file);
            type_file.insert(*t, (m, n.file.clone()));
        }
    }
    for t in &ordered {
        if !type_file.contains_key(t) {
            let m = module_of_ns[&model.ty(*t).namespace].clone();
            let f = file_allocs
                .entry(m.clone())
                .or_default()
                .claim(&naming::file_stem(&model.ty(*t).name), true);
            type_file.insert(*t, (m, f.name));
        }
    }
    let base_name = |t: TypeId| -> String {
        ir.names
            .get(&t)
            .map(|n| n.name.clone())
            .unwrap_or_else(|| naming::type_name(&model.ty(t).name))
    };
    for t in &ordered {
        if ctx.selected.contains(t) {
            let m = &type_file[t].0;
            let c = name_allocs
                .entry(m.clone())
                .or_default()
                .claim(&naming::with_suffix(&base_name(*t), "Field"), false);
            field_name.insert(*t, c.name);
        }
    }
    let mut builder_name: BTreeMap<Key, String> = BTreeMap::new();
    let mut sorted_keys: Vec<Key> = builders.keys().copied().collect();
    sorted_keys.sort_by_key(|k| (model.ty(k.ty).qualified_name(), *k));
    for k in &sorted_keys {
        let m = &type_file[&k.ty].0;
        let wanted = format!(
            "{}{}",
            naming::with_suffix(
                &base_name(k.ty),
                if k.collection { "Collection" } else { "Item" }
            ),
            ctx.suffix(*k)
        );
        let c = name_allocs
            .entry(m.clone())
            .or_default()
            .claim(&wanted, false);
        builder_name.insert(*k, c.name);
    }
    let builder_path = |k: Key| -> TokenStream {
        let (m, _) = &type_file[&k.ty];
        let m = ident(m);
        let n = ident(&builder_name[&k]);
        quote!(crate::client::#m::#n)
    };

    // One file per entity type: first what goes in each (names settled here, in order),
    // then the tokens and their formatting, on two workers (proc-macro2's tokens are not
    // `Send`, so each worker builds its own).
    enum Piece<'p> {
        Field(TypeId, &'p str),
        Etag(TypeId),
        Builder(Key, &'p str),
    }
    let mut per_file: BTreeMap<(String, String), Vec<Piece<'_>>> = BTreeMap::new();
    let mut exports: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for t in &ordered {
        let key = type_file[t].clone();
        let mut items = Vec::new();
        let mut names_here = Vec::new();
        if let Some(fname) = field_name.get(t) {
            items.push(Piece::Field(*t, fname));
            names_here.push(fname.clone());
            items.push(Piece::Etag(*t));
        }
        for k in sorted_keys.iter().filter(|k| k.ty == *t) {
            let name = &builder_name[k];
            names_here.push(name.clone());
            items.push(Piece::Builder(*k, name));
        }
        per_file.entry(key.clone()).or_default().extend(items);
        exports.entry(key).or_default().extend(names_here);
    }
    let per_file: Vec<((String, String), Vec<Piece<'_>>)> = per_file.into_iter().collect();
    let render_file = |pieces: &[Piece<'_>]| -> String {
        let items = pieces.iter().filter_map(|p| match p {
            Piece::Field(t, fname) => Some(ctx.field_enum(*t, fname)),
            Piece::Etag(t) => ctx.etag_impl(*t),
            Piece::Builder(k, name) => Some(ctx.builder(
                *k,
                name,
                &builders[k],
                &builder_path,
                field_name.get(&k.ty).map(String::as_str),
            )),
        });
        let tokens = quote! {
            use crate::client::support;
            #(#items)*
        };
        render(&header, tokens)
    };
    let half = per_file.len().div_ceil(2).max(1);
    let rendered: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = per_file
            .chunks(half)
            .map(|part| {
                let render_file = &render_file;
                s.spawn(move || part.iter().map(|(_, p)| render_file(p)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut modules: BTreeMap<String, Vec<(String, Vec<String>)>> = BTreeMap::new();
    for (((m, f), _), text) in per_file.iter().zip(rendered) {
        files.insert(PathBuf::from(format!("src/client/{m}/{f}.rs")), text);
        let ex = exports.remove(&(m.clone(), f.clone())).unwrap_or_default();
        modules.entry(m.clone()).or_default().push((f.clone(), ex));
    }
    for (m, fs) in &modules {
        let mods = fs.iter().map(|(f, _)| {
            let f = ident(f);
            quote!(mod #f;)
        });
        let uses = fs.iter().map(|(f, ex)| {
            let f = ident(f);
            let ex = ex.iter().map(|e| ident(e));
            quote!(pub use self::#f::{#(#ex),*};)
        });
        let ns = module_of_ns
            .iter()
            .find(|(_, v)| *v == m)
            .map(|(k, _)| k.clone())
            .unwrap_or_default();
        let inner = format!(
            " Request builders for the entity types of the {} namespace.",
            naming::code(&ns)
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

    // The root client.
    let root_name = naming::type_name(container.map(|c| c.name.as_str()).unwrap_or("Service"));
    let root_ident = ident(&root_name);
    let mut methods = Vec::new();
    for s in &root_steps {
        let m = ident(&s.method);
        let ret = builder_path(s.target);
        let d = docs(&s.doc);
        let wire = &s.wire;
        methods.push(quote! {
            #d
            pub fn #m(&self) -> #ret {
                #ret::from_builder(support::Builder::root(&self.client, #wire))
            }
        });
    }
    if let Some(c) = container {
        let mut imports: Vec<(OperationId, String, bool)> = Vec::new();
        for i in &c.action_imports {
            for o in &i.overloads {
                imports.push((*o, i.name.clone(), true));
            }
        }
        for i in &c.function_imports {
            for o in &i.overloads {
                imports.push((*o, i.name.clone(), false));
            }
        }
        let ops: Vec<(OperationId, Option<String>)> = imports
            .iter()
            .map(|(o, n, _)| (*o, Some(n.clone())))
            .collect();
        methods.extend(ctx.operations(&ops, &mut root_alloc, true));
    }
    let mod_names: Vec<_> = modules.keys().map(|m| ident(m)).collect();
    let mod_docs: Vec<_> = modules
        .keys()
        .map(|m| {
            let ns = module_of_ns
                .iter()
                .find(|(_, v)| *v == m)
                .map(|(k, _)| k.clone())
                .unwrap_or_default();
            docs(&[format!(
                "Request builders of the {} namespace.",
                naming::code(&ns)
            )])
        })
        .collect();
    let cdesc = container
        .map(|c| format!("{}.{}", c.namespace, c.name))
        .unwrap_or_else(|| "service".into());
    let root_doc = docs(&[
        format!(
            "The {} entity container: the entry point of the typed requests.",
            naming::code(&cdesc)
        ),
        String::new(),
        "Construct it from a runtime [`Client`](crate::runtime::Client) (cheap to clone);".into(),
        "every method returns a builder for one path of the service.".into(),
    ]);
    let support_doc = docs(&["Generic requests the builders delegate to.".into()]);
    let tokens = quote! {
        #![doc = " Typed request builders: the root client, and one module per namespace with"]
        #![doc = " each entity type's collection and item builders."]
        #support_doc
        pub mod support;
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
    };
    files.insert(PathBuf::from("src/client/mod.rs"), render(&header, tokens));
    files.insert(
        PathBuf::from("src/client/support.rs"),
        format!("{header}\n{SUPPORT}"),
    );

    // The crate root: docs with an example, the module and re-exports.
    let example = ctx.example(ir, &root_name, &builders, &paths);
    if let Some(lib) = files.get_mut(&PathBuf::from("src/lib.rs")) {
        *lib = patch_lib(lib, &example, &root_name);
    }
}

fn step_doc(description: Option<&str>, wire: &str, what: &str) -> Vec<String> {
    let mut d = Vec::new();
    if let Some(text) = description.filter(|t| !t.trim().is_empty()) {
        d.extend(naming::doc_lines(text));
        d.push(String::new());
    }
    d.push(format!(
        "The {} {what}: {}.",
        naming::code(wire),
        naming::code(&format!("…/{wire}"))
    ));
    d
}

/// Adds the client docs, module and re-exports to the rendered `src/lib.rs`.
fn patch_lib(lib: &str, example: &[String], root: &str) -> String {
    let mut doc = String::new();
    for l in example {
        if l.is_empty() {
            doc.push_str("//!\n");
        } else {
            doc.push_str("//! ");
            doc.push_str(l);
            doc.push('\n');
        }
    }
    let marker = "#![forbid(unsafe_code)]";
    let mut out = match lib.find(marker) {
        Some(i) => format!("{}//!\n{doc}{}", &lib[..i], &lib[i..]),
        None => lib.to_string(),
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("// Formatted by the generator (prettyplease), not by rustfmt.\n");
    out.push_str("#[rustfmt::skip]\npub mod client;\n");
    out.push_str(&format!("pub use crate::client::{root};\n"));
    out.push_str(
        "pub use crate::runtime::client::{GRAPH_BETA, GRAPH_V1, GraphCloud};\n\
         pub use crate::runtime::{\n    Client, ClientBuilder, Error, ODataError, Page, Pager, Patch, Query, RequestOptions,\n};\n",
    );
    out
}

/// How a parameter or key is passed.
enum Pass {
    /// By value (`bool`, integers, floats).
    Value,
    /// `&str`.
    Str,
    /// By reference (`&T`, `&[T]`).
    Ref,
}

/// How a function argument is rendered.
enum ArgForm {
    Literal,
    Enum(String),
    Json,
}

struct ParamTy {
    sig: TokenStream,
    pass: Pass,
    form: ArgForm,
}

impl<'a> Ctx<'a> {
    fn new(ir: &'a CrateIr, model: &'a Model) -> Ctx<'a> {
        let selected: BTreeSet<TypeId> = ir.names.keys().copied().collect();
        let is_entity = |t: TypeId| matches!(model.ty(t).kind, TypeKind::Entity(_));
        // Shells: unselected entity types with a containment path to a selected type.
        let mut shells: BTreeSet<TypeId> = BTreeSet::new();
        let entities: Vec<TypeId> = (0..model.types.len() as u32)
            .map(TypeId)
            .filter(|t| is_entity(*t) && !selected.contains(t))
            .collect();
        loop {
            let mut changed = false;
            for t in &entities {
                if shells.contains(t) {
                    continue;
                }
                let leads = model.all_navigation(*t).iter().any(|n| {
                    n.contains_target
                        && matches!(n.ty.target, Target::Named(x) if selected.contains(&x) || shells.contains(&x))
                });
                if leads {
                    shells.insert(*t);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut bound: BTreeMap<(TypeId, bool), Vec<OperationId>> = BTreeMap::new();
        for (i, op) in model.operations.iter().enumerate() {
            if let Some(b) = &op.binding
                && let Target::Named(t) = b.target
            {
                bound
                    .entry((t, b.collection))
                    .or_default()
                    .push(OperationId(i as u32));
            }
        }
        Ctx {
            ir,
            model,
            selected,
            shells,
            bound,
        }
    }

    fn has_builder(&self, t: TypeId) -> bool {
        matches!(self.model.ty(t).kind, TypeKind::Entity(_))
            && (self.selected.contains(&t) || self.shells.contains(&t))
    }

    fn struct_ir(&self, t: TypeId) -> Option<&'a StructIr> {
        let n = self.ir.names.get(&t)?;
        match &self.ir.modules.get(&n.module)?.items.get(&n.file)?.kind {
            ItemKind::Structured(s) => Some(s),
            _ => None,
        }
    }

    /// What the shapes of `t` make possible at all.
    fn max_caps(&self, t: TypeId, collection: bool) -> Caps {
        if !self.selected.contains(&t) {
            return Caps::NONE;
        }
        let n = &self.ir.names[&t];
        Caps {
            list: collection,
            create: collection && n.create.is_some(),
            get: true,
            update: n.update.is_some(),
            delete: true,
        }
    }

    /// Capabilities of a path, limited to what the type allows.
    fn caps(&self, target: &str, t: TypeId, collection: bool, delete: bool) -> Caps {
        let c = self.model.capabilities(target);
        let max = self.max_caps(t, collection);
        let yes = |o: Option<bool>| o != Some(false);
        Caps {
            list: max.list && yes(c.readable),
            create: max.create && yes(c.insertable),
            get: max.get && yes(c.readable_by_key.or(c.readable)),
            update: max.update && yes(c.updatable),
            delete: max.delete && delete && yes(c.deletable),
        }
    }

    fn key(&self, t: TypeId, collection: bool, caps: Caps) -> Key {
        let mut caps = if self.selected.contains(&t) {
            caps
        } else {
            Caps::NONE
        };
        if !collection {
            caps.list = false;
            caps.create = false;
        }
        Key {
            ty: t,
            collection,
            caps,
        }
    }

    fn item_of(&self, k: Key) -> Key {
        self.key(k.ty, false, k.caps)
    }

    /// `NoCreate`, `NoDelete`, … for the operations the paths forbid.
    fn suffix(&self, k: Key) -> String {
        let max = self.max_caps(k.ty, k.collection);
        let mut s = String::new();
        let mut no = |allowed: bool, possible: bool, what: &str| {
            if possible && !allowed {
                s.push_str("No");
                s.push_str(what);
            }
        };
        if k.collection {
            no(k.caps.list, max.list, "List");
            no(k.caps.create, max.create, "Create");
        }
        no(k.caps.get, max.get, "Get");
        no(k.caps.update, max.update, "Update");
        no(k.caps.delete, max.delete, "Delete");
        s
    }

    /// Navigation properties of `t`, with their declaring type, inherited first.
    fn navigation(&self, t: TypeId) -> Vec<(TypeId, &'a NavigationProperty)> {
        let mut chain: Vec<TypeId> = self.model.bases(t).collect();
        chain.reverse();
        chain.push(t);
        let mut out = Vec::new();
        for c in chain {
            if let Some(s) = self.model.ty(c).structured() {
                for n in &s.navigation {
                    out.push((c, n));
                }
            }
        }
        out
    }

    fn nav_steps(&self, k: Key) -> Vec<NavStep> {
        if k.collection {
            return Vec::new();
        }
        let shell = !self.selected.contains(&k.ty);
        let mut out = Vec::new();
        let mut alloc = Allocator::new();
        for r in BUILDER_METHODS {
            alloc.reserve(r);
        }
        for (decl, n) in self.navigation(k.ty) {
            let Target::Named(target) = n.ty.target else {
                continue;
            };
            if !self.has_builder(target) || (shell && !n.contains_target) {
                continue;
            }
            let canonical = format!("{}/{}", self.model.ty(decl).qualified_name(), n.name);
            // Deleting an entity happens on its canonical path: through a non-containment
            // navigation property, `DELETE …/members/{id}` would delete the member itself
            // where a user means to remove the link (`…/members/{id}/$ref`).
            let caps = self.caps(&canonical, target, n.ty.collection, n.contains_target);
            let mut doc = Vec::new();
            if let Some(d) = n.description.as_deref().filter(|d| !d.trim().is_empty()) {
                doc.extend(naming::doc_lines(d));
                doc.push(String::new());
            }
            doc.push(format!(
                "The {} navigation property{}: {}.",
                naming::code(&n.name),
                if n.contains_target {
                    " (contained)"
                } else {
                    ""
                },
                naming::code(&format!("…/{}", n.name))
            ));
            out.push(NavStep {
                wire: n.name.clone(),
                method: alloc.claim(&naming::field_name(&n.name), true).name,
                target: self.key(target, n.ty.collection, caps),
                doc,
            });
        }
        out
    }

    /// The read type of a selected named type, or `Value`.
    fn read_type(&self, t: TypeId) -> TokenStream {
        let Some(n) = self.ir.names.get(&t) else {
            return quote!(crate::runtime::json::Value);
        };
        let m = ident(&n.module);
        if let Some(any) = &n.any {
            let a = ident(any);
            return quote!(crate::models::#m::#a);
        }
        if self.struct_ir(t).is_some_and(|s| s.is_abstract) {
            return quote!(crate::runtime::json::Value);
        }
        let name = ident(&n.name);
        quote!(crate::models::#m::#name)
    }

    fn model_type(
        &self,
        t: TypeId,
        which: impl Fn(&crate::ir::TypeNames) -> Option<&String>,
    ) -> Option<TokenStream> {
        let n = self.ir.names.get(&t)?;
        let m = ident(&n.module);
        let name = ident(which(n)?);
        Some(quote!(crate::models::#m::#name))
    }

    fn field_enum(&self, t: TypeId, name: &str) -> TokenStream {
        let ty = self.model.ty(t);
        let fields: Vec<(String, Vec<String>)> = match self.struct_ir(t) {
            Some(s) => s
                .fields
                .iter()
                .filter(|f| !f.navigation)
                .map(|f| (f.wire.clone(), f.doc.clone()))
                .collect(),
            None => Vec::new(),
        };
        let mut alloc = Allocator::new();
        let variants: Vec<(proc_macro2::Ident, String, Vec<String>)> = fields
            .into_iter()
            .map(|(wire, doc)| {
                let v = alloc.claim(&naming::variant_name(&wire), false).name;
                (ident(&v), wire, doc)
            })
            .collect();
        let decl = variants.iter().map(|(v, wire, doc)| {
            let mut d = vec![format!("{}.", naming::code(wire))];
            if let Some(first) = doc.first().filter(|l| !l.is_empty()) {
                d = vec![format!("{}: {first}", naming::code(wire))];
            }
            let d = docs(&d);
            quote!(#d #v,)
        });
        let arms = variants
            .iter()
            .map(|(v, wire, _)| quote!(Self::#v => #wire,));
        let n = ident(name);
        let doc = docs(&[format!(
            "The structural properties of {}, by wire name, for typed `$select` and `$orderby`.",
            naming::code(&ty.qualified_name())
        )]);
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
        }
    }

    fn etag_impl(&self, t: TypeId) -> Option<TokenStream> {
        let s = self.struct_ir(t)?;
        if s.is_abstract {
            return None;
        }
        let ty = self.model_type(t, |n| Some(&n.name))?;
        Some(quote! {
            impl #ty {
                /// The entity's ETag (`@odata.etag`), to send back as `If-Match` (the
                /// item builders' `if_match`).
                pub fn etag(&self) -> Option<&str> {
                    crate::runtime::json::etag(&self.additional)
                }
            }
        })
    }

    /// The key parts of `t` (inherited keys included): wire name, Rust name, type.
    fn key_parts(&self, t: TypeId) -> Option<Vec<(String, String, Primitive)>> {
        let mut chain = vec![t];
        chain.extend(self.model.bases(t));
        let s = chain
            .iter()
            .filter_map(|c| self.model.ty(*c).structured())
            .find(|s| !s.key.is_empty())?;
        let mut alloc = Allocator::new();
        alloc.reserve("self");
        s.key
            .iter()
            .map(|k| {
                let Target::Primitive(p) = k.ty.target else {
                    return None;
                };
                primitive_path(p)?;
                let wire = k.alias.clone().unwrap_or_else(|| k.path.clone());
                let rust = alloc.claim(&naming::field_name(&wire), true).name;
                Some((wire, rust, p))
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn builder(
        &self,
        k: Key,
        name: &str,
        steps: &[NavStep],
        builder_path: &(dyn Fn(Key) -> TokenStream + Sync),
        field: Option<&str>,
    ) -> TokenStream {
        let ty = self.model.ty(k.ty);
        let qn = ty.qualified_name();
        let n = ident(name);
        let read = self.read_type(k.ty);
        let field_ty = match field {
            Some(f) => {
                let f = ident(f);
                quote!(#f)
            }
            None => quote!(support::NoField),
        };
        let mut alloc = Allocator::new();
        for r in BUILDER_METHODS {
            alloc.reserve(r);
        }
        for s in steps {
            alloc.reserve(&s.method);
        }
        let mut methods: Vec<TokenStream> = Vec::new();
        let shell = !self.selected.contains(&k.ty);
        if k.collection {
            if let Some(parts) = self.key_parts(k.ty) {
                let item = builder_path(self.item_of(k));
                let as_segment = self.ir.key_as_segment;
                if parts.len() == 1 {
                    let (wire, rust, p) = &parts[0];
                    let (sig, pass) = prim_param(*p);
                    let arg = ident(rust);
                    let r = match pass {
                        Pass::Value => quote!(&#arg),
                        _ => quote!(#arg),
                    };
                    let how = if as_segment {
                        "as a path segment (`…/{key}`)"
                    } else {
                        "in parentheses (`…('key')`)"
                    };
                    let doc = docs(&[
                        format!(
                            "One {} by its key {}, {how}.",
                            naming::code(&qn),
                            naming::code(wire)
                        ),
                        String::new(),
                        "The value is quoted and percent-encoded: it cannot change the path."
                            .into(),
                    ]);
                    methods.push(quote! {
                        #doc
                        pub fn by_id(&self, #arg: #sig) -> #item {
                            #item::from_builder(self.inner.key(#r, #as_segment))
                        }
                    });
                } else {
                    let mut sigs = Vec::new();
                    let mut pairs = Vec::new();
                    for (wire, rust, p) in &parts {
                        let (sig, pass) = prim_param(*p);
                        let arg = ident(rust);
                        sigs.push(quote!(#arg: #sig));
                        let r = match pass {
                            Pass::Value => quote!(&#arg),
                            _ => quote!(&#arg),
                        };
                        pairs.push(quote!((#wire, #r as &dyn crate::runtime::UrlLiteral)));
                    }
                    let names: Vec<String> = parts.iter().map(|p| p.0.clone()).collect();
                    let listed: Vec<String> = names.iter().map(|n| naming::code(n)).collect();
                    let doc = docs(&[format!(
                        "One {} by its compound key ({}), named: {}.",
                        naming::code(&qn),
                        listed.join(", "),
                        naming::code(&format!("…({}=…)", names.join("=…,")))
                    )]);
                    methods.push(quote! {
                        #doc
                        pub fn by_key(&self, #(#sigs),*) -> #item {
                            #item::from_builder(self.inner.compound_key(&[#(#pairs),*]))
                        }
                    });
                }
            }
            if k.caps.list {
                methods.push(quote! {
                    /// `GET` the collection: `.await` for the first page, `.stream()` for every item, with query options.
                    pub fn list(&self) -> support::ListRequest<#read, #field_ty> {
                        support::ListRequest::new(&self.inner)
                    }
                });
            }
            // create/update/delete return the support's future itself rather than
            // wrapping it in an `async fn`: one coroutine type fewer per builder method,
            // which is measurable on whole-Graph crates (thousands of builders).
            if k.caps.create
                && let Some(create) = self.model_type(k.ty, |n| n.create.as_ref())
            {
                methods.push(quote! {
                        /// `POST` a new entity: 201 gives `Some(created)`, 204 (after [`Self::return_minimal`]) `None`.
                        pub fn create(&self, body: &#create) -> impl ::std::future::Future<Output = Result<Option<#read>, crate::runtime::Error>> {
                            self.inner.create(body)
                        }
                    });
            }
        } else {
            if k.caps.get {
                methods.push(quote! {
                    /// `GET` the entity (`.await` it), optionally with `$select` and `$expand`.
                    pub fn get(&self) -> support::GetRequest<#read, #field_ty> {
                        support::GetRequest::new(&self.inner)
                    }
                });
            }
            if k.caps.update
                && let Some(update) = self.model_type(k.ty, |n| n.update.as_ref())
            {
                methods.push(quote! {
                        /// `PATCH` the entity: 200 gives `Some(updated)`, 204 `None`. Send [`Self::if_match`] where the service uses ETags.
                        pub fn update(&self, body: &#update) -> impl ::std::future::Future<Output = Result<Option<#read>, crate::runtime::Error>> {
                            self.inner.update(body)
                        }
                    });
            }
            if k.caps.delete {
                methods.push(quote! {
                    /// `DELETE` the entity. Send [`Self::if_match`] where the service uses ETags.
                    pub fn delete(&self) -> impl ::std::future::Future<Output = Result<(), crate::runtime::Error>> {
                        self.inner.delete()
                    }
                });
            }
            for s in steps {
                let m = ident(&s.method);
                let ret = builder_path(s.target);
                let d = docs(&s.doc);
                let wire = &s.wire;
                methods.push(quote! {
                    #d
                    pub fn #m(&self) -> #ret {
                        #ret::from_builder(self.inner.nav(#wire))
                    }
                });
            }
        }
        if !shell {
            let mut ops: Vec<(OperationId, Option<String>)> = Vec::new();
            let mut chain = vec![k.ty];
            chain.extend(self.model.bases(k.ty));
            for c in chain {
                if let Some(list) = self.bound.get(&(c, k.collection)) {
                    ops.extend(list.iter().map(|o| (*o, None)));
                }
            }
            methods.extend(self.operations(&ops, &mut alloc, false));
        }
        let what = if k.collection {
            "a collection of"
        } else {
            "one"
        };
        let mut doc = vec![format!("Requests on {what} {}.", naming::code(&qn))];
        if shell {
            doc.push(String::new());
            doc.push(
                "This type is not part of this crate's models: only navigation towards the selected types is available.".into(),
            );
        }
        let restricted = self.suffix(k);
        if !restricted.is_empty() {
            doc.push(String::new());
            doc.push(format!(
                "The service's Capabilities annotations restrict the paths to this builder ({restricted})."
            ));
        }
        let doc = docs(&doc);
        let minimal = if k.collection || k.caps.update {
            quote! {
                /// Sends `Prefer: return=minimal`: creates and updates answer 204 (`None`).
                pub fn return_minimal(self) -> Self {
                    Self { inner: self.inner.with_return_minimal() }
                }
            }
        } else {
            quote!()
        };
        let if_match = if k.collection {
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

    /// The Rust type of an operation parameter, or `None` when it is not expressible
    /// with this crate's types.
    fn param_ty(&self, r: &TypeRef) -> Option<ParamTy> {
        let (base, pass, form) = match r.target {
            Target::Primitive(p) => {
                let (sig, pass) = prim_param(p);
                primitive_path(p)?;
                let form = if matches!(
                    p,
                    Primitive::Untyped
                        | Primitive::AnyEntity
                        | Primitive::AnyComplex
                        | Primitive::PrimitiveType
                        | Primitive::Geography(_)
                        | Primitive::Geometry(_)
                ) {
                    ArgForm::Json
                } else {
                    ArgForm::Literal
                };
                (sig, pass, form)
            }
            Target::Named(t) => {
                if !self.selected.contains(&t) {
                    return None;
                }
                let n = &self.ir.names[&t];
                let m = ident(&n.module);
                match &self.model.ty(t).kind {
                    TypeKind::Enum(e) => {
                        let name = ident(&n.name);
                        if e.is_flags {
                            (
                                quote!(&crate::runtime::enums::Flags<crate::models::#m::#name>),
                                Pass::Ref,
                                ArgForm::Json,
                            )
                        } else {
                            (
                                quote!(&crate::models::#m::#name),
                                Pass::Ref,
                                ArgForm::Enum(self.model.ty(t).qualified_name()),
                            )
                        }
                    }
                    TypeKind::Definition(_) => {
                        let name = ident(&n.name);
                        (quote!(&crate::models::#m::#name), Pass::Ref, ArgForm::Json)
                    }
                    _ => {
                        let rt = self.read_type(t);
                        (quote!(&#rt), Pass::Ref, ArgForm::Json)
                    }
                }
            }
        };
        if r.collection {
            let elem = match pass {
                Pass::Str => quote!(String),
                Pass::Value => base,
                Pass::Ref => {
                    // Strip the leading `&`.
                    let text = base.to_string();
                    path(text.trim_start_matches('&').trim())
                }
            };
            return Some(ParamTy {
                sig: quote!(&[#elem]),
                pass: Pass::Ref,
                form: ArgForm::Json,
            });
        }
        Some(ParamTy {
            sig: base,
            pass,
            form,
        })
    }

    /// The Rust result type of an operation and how it is read.
    fn return_ty(&self, op: &Operation) -> Option<(TokenStream, Ret)> {
        let Some(rt) = &op.return_type else {
            return Some((quote!(()), Ret::Unit));
        };
        let (elem, structured) = match rt.ty.target {
            Target::Primitive(p) => (path(primitive_path(p)?), false),
            Target::Named(t) => {
                if !self.selected.contains(&t) {
                    return None;
                }
                match &self.model.ty(t).kind {
                    TypeKind::Enum(e) if e.is_flags => {
                        let e = self.model_type(t, |n| Some(&n.name))?;
                        (quote!(crate::runtime::enums::Flags<#e>), false)
                    }
                    TypeKind::Enum(_) | TypeKind::Definition(_) => {
                        (self.model_type(t, |n| Some(&n.name))?, false)
                    }
                    TypeKind::Entity(_) => (self.read_type(t), true),
                    TypeKind::Complex(_) => (self.read_type(t), true),
                }
            }
        };
        let entity = matches!(rt.ty.target, Target::Named(t) if matches!(self.model.ty(t).kind, TypeKind::Entity(_)));
        Some(if rt.ty.collection {
            if entity {
                (elem, Ret::Pager)
            } else {
                (quote!(Vec<#elem>), Ret::Value)
            }
        } else if structured {
            (elem, Ret::Object)
        } else {
            (elem, Ret::Value)
        })
    }

    /// Methods for operations (bound: `import` is `None`; imports: the import name).
    fn operations(
        &self,
        ops: &[(OperationId, Option<String>)],
        alloc: &mut Allocator,
        at_root: bool,
    ) -> Vec<TokenStream> {
        // Deterministic order: by name, actions first, then by parameter names.
        let mut list: Vec<(OperationId, Option<String>, &Operation)> = ops
            .iter()
            .map(|(o, i)| (*o, i.clone(), self.model.operation(*o)))
            .filter(|(_, _, op)| {
                op.parameters.iter().all(|p| self.param_ty(&p.ty).is_some())
                    && self.return_ty(op).is_some()
            })
            .collect();
        let sort_key = |(o, i, op): &(OperationId, Option<String>, &Operation)| {
            (
                i.clone().unwrap_or_else(|| op.name.clone()),
                op.kind == OperationKind::Function,
                op.parameters.len(),
                op.parameters
                    .iter()
                    .map(|p| p.name.clone())
                    .collect::<Vec<_>>(),
                op.namespace.clone(),
                *o,
            )
        };
        list.sort_by_key(sort_key);
        list.dedup_by_key(|(o, _, _)| *o);
        let mut groups: BTreeMap<String, usize> = BTreeMap::new();
        for (_, i, op) in &list {
            *groups
                .entry(i.clone().unwrap_or_else(|| op.name.clone()))
                .or_default() += 1;
        }
        let mut has_action: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::new();
        for (_, import, op) in list {
            let wire_name = import.clone().unwrap_or_else(|| op.name.clone());
            let base = naming::field_name(&wire_name);
            let base = base.strip_prefix("r#").unwrap_or(&base).to_string();
            let overloaded = groups.get(&wire_name).copied().unwrap_or(0) > 1;
            let wanted = if !overloaded {
                base.clone()
            } else if op.kind == OperationKind::Action {
                if has_action.insert(wire_name.clone()) {
                    base.clone()
                } else {
                    format!("{base}_action")
                }
            } else if op.parameters.is_empty() {
                format!("{base}_function")
            } else {
                let ps: Vec<String> = op
                    .parameters
                    .iter()
                    .map(|p| {
                        let f = naming::field_name(&p.name);
                        f.strip_prefix("r#").unwrap_or(&f).to_string()
                    })
                    .collect();
                format!("{base}_with_{}", ps.join("_"))
            };
            let wanted = naming::field_name(&wanted);
            let mname = alloc.claim(&wanted, true).name;
            if let Some(m) = self.operation_method(op, &mname, import.as_deref(), at_root) {
                out.push(m);
            }
        }
        out
    }

    fn operation_method(
        &self,
        op: &Operation,
        mname: &str,
        import: Option<&str>,
        at_root: bool,
    ) -> Option<TokenStream> {
        let (ret, how) = self.return_ty(op)?;
        let m = ident(mname);
        let mut palloc = Allocator::new();
        for r in ["self", "body", "args", "builder"] {
            palloc.reserve(r);
        }
        let mut sigs = Vec::new();
        let mut stmts = Vec::new();
        let mut required: Vec<TokenStream> = Vec::new();
        let is_action = op.kind == OperationKind::Action;
        for p in &op.parameters {
            let pt = self.param_ty(&p.ty)?;
            let rust = palloc.claim(&naming::field_name(&p.name), true).name;
            let a = ident(&rust);
            let wire = &p.name;
            let sig = &pt.sig;
            let r = match pt.pass {
                Pass::Value => quote!(&#a),
                _ => quote!(#a),
            };
            let arg = match &pt.form {
                ArgForm::Literal => quote!(support::lit(#r)),
                ArgForm::Enum(q) => quote!(support::enum_lit(#q, #r)),
                ArgForm::Json => quote!(support::json(#r)),
            };
            if p.optional {
                sigs.push(quote!(#a: Option<#sig>));
                if is_action {
                    stmts.push(quote!(body.opt(#wire, &#a);));
                } else {
                    stmts.push(quote!(if let Some(#a) = #a { args.push((#wire, #arg)); }));
                }
            } else {
                sigs.push(quote!(#a: #sig));
                if is_action {
                    stmts.push(quote!(body.put(#wire, #r);));
                } else {
                    required.push(quote!((#wire, #arg)));
                }
            }
        }
        let qualified = format!("{}.{}", op.namespace, op.name);
        let builder = if at_root {
            let name = import.unwrap_or(&op.name);
            if is_action {
                quote!(support::Builder::root(&self.client, #name))
            } else {
                quote!(support::Builder::at(
                    &self.client,
                    crate::runtime::Resource::default()
                ))
            }
        } else {
            quote!(self.inner)
        };
        let fn_name = if at_root {
            import.unwrap_or(&op.name).to_string()
        } else {
            qualified.clone()
        };
        let action_name = if at_root {
            quote!(None)
        } else {
            quote!(Some(#qualified))
        };
        let prelude = if is_action {
            if op.parameters.is_empty() {
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
        let err = quote!(crate::runtime::Error);
        let (sig_ret, call, is_async) = match (how, is_action) {
            (Ret::Unit, true) => (
                quote!(Result<(), #err>),
                quote!(#builder.action_unit(#action_name, &body).await),
                true,
            ),
            (Ret::Unit, false) => (
                quote!(Result<(), #err>),
                quote!(#builder.function::<crate::runtime::Value>(#fn_name, &args).await.map(|_| ())),
                true,
            ),
            (Ret::Object, true) => (
                quote!(Result<Option<#ret>, #err>),
                quote!(#builder.action(#action_name, &body).await),
                true,
            ),
            (Ret::Object, false) => (
                quote!(Result<Option<#ret>, #err>),
                quote!(#builder.function(#fn_name, &args).await),
                true,
            ),
            (Ret::Value, true) => (
                quote!(Result<Option<#ret>, #err>),
                quote!(#builder.action_value(#action_name, &body).await),
                true,
            ),
            (Ret::Value, false) => (
                quote!(Result<Option<#ret>, #err>),
                quote!(#builder.function_value(#fn_name, &args).await),
                true,
            ),
            (Ret::Pager, true) => (
                quote!(crate::runtime::Pager<#ret>),
                quote!(#builder.action_pager(#action_name, &body)),
                false,
            ),
            (Ret::Pager, false) => (
                quote!(crate::runtime::Pager<#ret>),
                quote!(#builder.function_pager(#fn_name, &args)),
                false,
            ),
        };
        let mut doc = Vec::new();
        if let Some(d) = op.description.as_deref().filter(|d| !d.trim().is_empty()) {
            doc.extend(naming::doc_lines(d));
            doc.push(String::new());
        }
        let kind = if is_action { "action" } else { "function" };
        let how_doc = match (at_root, is_action) {
            (false, true) => format!(
                "Bound {kind} {}: {}.",
                naming::code(&qualified),
                naming::code(&format!("POST …/{qualified}"))
            ),
            (false, false) => format!(
                "Bound {kind} {}: {}.",
                naming::code(&qualified),
                naming::code(&format!("GET …/{qualified}(…)"))
            ),
            (true, true) => {
                format!(
                    "Action import {} ({}): {}.",
                    naming::code(&fn_name),
                    naming::code(&qualified),
                    naming::code(&format!("POST /{fn_name}"))
                )
            }
            (true, false) => {
                format!(
                    "Function import {} ({}): {}.",
                    naming::code(&fn_name),
                    naming::code(&qualified),
                    naming::code(&format!("GET /{fn_name}(…)"))
                )
            }
        };
        doc.push(how_doc);
        if how == Ret::Pager {
            doc.push(String::new());
            doc.push("The result is a stream of entities across pages.".into());
        }
        let doc = docs(&doc);
        let asyncness = if is_async { quote!(async) } else { quote!() };
        // Parameters mirror the schema's: as many as it declares.
        let allow = if op.parameters.len() >= 7 {
            quote!(#[allow(clippy::too_many_arguments)])
        } else {
            quote!()
        };
        Some(quote! {
            #doc
            #allow
            pub #asyncness fn #m(&self #(, #sigs)*) -> #sig_ret {
                #prelude
                #call
            }
        })
    }

    /// The crate-level usage example.
    fn example(
        &self,
        ir: &CrateIr,
        root: &str,
        builders: &BTreeMap<Key, Vec<NavStep>>,
        paths: &BTreeMap<Key, Vec<(String, String)>>,
    ) -> Vec<String> {
        let krate = ir.package.replace('-', "_");
        let service_root = if ir.package.contains("beta") {
            format!("{krate}::GRAPH_BETA")
        } else if ir.key_as_segment {
            format!("{krate}::GRAPH_V1")
        } else {
            "\"https://services.example/odata/v4/service/\"".to_string()
        };
        // The shortest path to a listable collection of a selected type.
        let best = builders
            .keys()
            .filter(|k| k.collection && k.caps.list && !paths[*k].iter().any(|p| p.0 == "#key"))
            .min_by_key(|k| (paths[*k].len(), paths[*k].clone()));
        let mut lines = vec![
            "# Using the client".to_string(),
            String::new(),
            format!(
                "[`{root}`] is the entry point: one method per entity set and singleton, then one per"
            ),
            "navigation property, key (`by_id`), operation and request (`list`, `get`, `create`,"
                .into(),
            "`update`, `delete`). Builders are cheap to clone; they hold the runtime".into(),
            "[`Client`] (auth, retries, paging) and the path.".into(),
            String::new(),
            "```no_run".into(),
            format!("# async fn example() -> Result<(), {krate}::Error> {{"),
            format!("let client = {krate}::Client::builder({service_root})"),
            "    .bearer_token(\"<access token>\")".into(),
            "    .build()?;".into(),
            format!("let service = {krate}::{root}::new(client);"),
        ];
        if let Some(k) = best {
            let chain: Vec<String> = paths[k]
                .iter()
                .map(|(_, method)| format!(".{method}()"))
                .collect();
            let chain = chain.join("");
            let field = ir
                .names
                .get(&k.ty)
                .map(|n| naming::with_suffix(&n.name, "Field"));
            let m = ir
                .names
                .get(&k.ty)
                .map(|n| n.module.clone())
                .unwrap_or_default();
            lines.push(format!("let page = service{chain}.list().top(10).await?;"));
            lines.push("for item in &page.items {".into());
            lines.push("    println!(\"{item:?}\");".into());
            lines.push("}".into());
            if let (Some(f), Some(s)) = (field, self.struct_ir(k.ty))
                && let Some(first) = s.fields.iter().find(|f| !f.navigation)
            {
                let v = naming::variant_name(&first.wire);
                lines.push(format!("use {krate}::client::{m}::{f};"));
                lines.push(format!(
                        "let first = service{chain}.list().select([{f}::{v}]).orderby({f}::{v}).top(1).await?;"
                    ));
                lines.push("println!(\"{} item(s)\", first.items.len());".into());
            }
        } else {
            lines.push("let _ = service;".into());
        }
        lines.push("# Ok(())".into());
        lines.push("# }".into());
        lines.push("```".into());
        lines
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ret {
    Unit,
    Object,
    Value,
    Pager,
}

/// The parameter type of a primitive key or parameter.
fn prim_param(p: Primitive) -> (TokenStream, Pass) {
    match p {
        Primitive::String | Primitive::Path => (quote!(&str), Pass::Str),
        Primitive::Boolean
        | Primitive::Byte
        | Primitive::SByte
        | Primitive::Int16
        | Primitive::Int32
        | Primitive::Int64
        | Primitive::Single
        | Primitive::Double => {
            let t = path(primitive_path(p).unwrap_or("i64"));
            (t, Pass::Value)
        }
        _ => {
            let t = path(primitive_path(p).unwrap_or("crate::runtime::json::Value"));
            (quote!(&#t), Pass::Ref)
        }
    }
}
