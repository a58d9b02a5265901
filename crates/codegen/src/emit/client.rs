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
//!
//! Every file is written as text in prettyplease's layout (`super::text::Out`, as the
//! models are); an item with a line prettyplease would break differently goes through
//! syn and prettyplease. The few `mod.rs` files are written as text and laid out by
//! prettyplease whole.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::text::{MARGIN, Out, lit, use_group};
use crate::ir::client::{
    ArgForm, BuilderIr, BuilderRef, ClientFileIr, FieldEnumIr, FilterIr, NavEnumIr, NavIr,
    OperationIr, ParamIr, Pass, RefsIr, ReturnIr, StreamIr, TyIr,
};
use crate::ir::{BaseTy, CrateIr, FieldIr, ItemKind};
use crate::naming;
use csdl::model::TypeId;

/// Renders `src/client/**` (added to `files`, which becomes a [`crate::Files`]).
pub fn emit(ir: &CrateIr, files: &mut Vec<(PathBuf, String)>) {
    let header = super::header(&ir.sources);
    let client = &ir.client;
    // Files on two workers (the third thread writes `API.txt` meanwhile).
    let all: Vec<(&String, &String, &ClientFileIr)> = client
        .modules
        .iter()
        .flat_map(|(m, module)| module.files.iter().map(move |(f, file)| (m, f, file)))
        .collect();
    let rendered = super::render_all(&all, 2, |scratch, (m, _, file)| {
        client_file(scratch, &header, m, file, ir.areas.is_some())
    });
    for ((m, f, _), text) in all.iter().zip(rendered) {
        files.push((PathBuf::from(format!("src/client/{m}/{f}.rs")), text));
    }
    for (m, module) in &client.modules {
        let entries: Vec<_> = module
            .files
            .iter()
            .map(|(f, file)| (file.gate.as_deref(), f.as_str(), file.exports()))
            .collect();
        let what = "Request builders for the entity types of the";
        let text = match super::text::mod_text(what, &module.namespace, m, &entries) {
            Some(text) => format!("{header}\n{text}"),
            None => pretty(
                &header,
                &mod_tokens_text(what, &module.namespace, m, &entries),
            ),
        };
        files.push((PathBuf::from(format!("src/client/{m}/mod.rs")), text));
    }
    files.push((
        PathBuf::from("src/client/mod.rs"),
        pretty(&header, &root(ir)),
    ));
}

/// A namespace's `mod.rs` for syn and prettyplease, when a name needs escaping.
fn mod_tokens_text(
    what: &str,
    namespace: &str,
    module: &str,
    entries: &[(Option<&str>, &str, Vec<&str>)],
) -> String {
    let mut text = format!(
        "#![doc = {}]\n",
        lit(&format!(" {what} {} namespace.", naming::code(namespace)))
    );
    let cfg = |c: Option<&str>| c.map(|g| format!("#[cfg({g})]\n")).unwrap_or_default();
    for (c, f, _) in entries {
        let inception = if *f == module {
            format!("{}\n", super::text::INCEPTION)
        } else {
            String::new()
        };
        text.push_str(&format!("{}{inception}mod {};\n", cfg(*c), name(f)));
    }
    for (c, f, ex) in entries {
        let ex: Vec<String> = ex.iter().map(|x| name(x)).collect();
        text.push_str(&format!(
            "{}pub use self::{}::{{{}}};\n",
            cfg(*c),
            name(f),
            ex.join(", ")
        ));
    }
    text
}

/// A file written as text, laid out by prettyplease (`tokens::layout`).
fn pretty(header: &str, text: &str) -> String {
    match syn::parse_file(text) {
        Ok(file) => format!("{header}\n{}", super::tokens::layout(file)),
        // A generator bug: make it a compile error rather than panic.
        Err(e) => format!("{header}\ncompile_error!({:?});\n", e.to_string()),
    }
}

/// A name from [`naming`] as it is written in code; see [`super::tokens::ident`].
fn name(n: &str) -> String {
    if naming::is_ident(n) {
        n.to_string()
    } else {
        debug_assert!(false, "not an identifier: {n:?}");
        naming::file_stem(n)
    }
}

/// Names types from client module `here`: model types of the same namespace by their
/// name (imported at the top of the file), others by path.
struct Scope<'a> {
    here: &'a str,
    imports: BTreeSet<String>,
    /// The crate has area features: every model type is named by its path (a type of the
    /// namespace may not be compiled where the file is, so it is not imported at the
    /// top), and a builder no enabled area reaches is not dead code.
    areas: bool,
}

impl Scope<'_> {
    fn ty(&mut self, t: &TyIr) -> String {
        match t {
            TyIr::Model(m, n) if m == self.here && !self.areas => {
                self.imports.insert(n.clone());
                name(n)
            }
            TyIr::Model(m, n) => format!("crate::models::{}::{}", name(m), name(n)),
            TyIr::Path("::std::string::String") => "String".into(),
            TyIr::Path(p) => (*p).to_string(),
            TyIr::Flags(e) => format!("crate::runtime::enums::Flags<{}>", self.ty(e)),
            TyIr::Vec(e) => format!("Vec<{}>", self.ty(e)),
        }
    }

    fn builder(&self, b: &BuilderRef) -> String {
        if b.module == self.here {
            format!("super::{}", name(&b.name))
        } else {
            format!("crate::client::{}::{}", name(&b.module), name(&b.name))
        }
    }

    /// The signatures (`a: i32`) and the named key parts (`("a", &a as &dyn UrlLiteral)`)
    /// of a compound or alternate key.
    fn named_args(&mut self, parts: &[ParamIr]) -> (Vec<String>, Vec<String>) {
        parts
            .iter()
            .map(|p| {
                let (sig, _) = self.param(p);
                let a = name(&p.rust);
                (
                    format!("{a}: {sig}"),
                    format!(
                        "({}, &{a} as &dyn crate::runtime::UrlLiteral)",
                        lit(&p.wire)
                    ),
                )
            })
            .unzip()
    }

    /// A parameter's signature type and the expression that passes it by reference.
    fn param(&mut self, p: &ParamIr) -> (String, String) {
        let t = self.ty(&p.ty);
        let a = name(&p.rust);
        if p.collection {
            return (format!("&[{t}]"), a);
        }
        match p.pass {
            Pass::Value => (t, format!("&{a}")),
            Pass::Str => ("&str".into(), a),
            Pass::Ref => (format!("&{t}"), a),
        }
    }
}

/// A method being written into an impl block (depth 1).
struct Method {
    doc: Vec<String>,
    attrs: Vec<String>,
    /// `pub fn name`.
    head: String,
    params: Vec<String>,
    ret: Option<String>,
    /// Statement lines, each at depth 2 (nested blocks carry their own indent).
    body: Vec<String>,
    /// A construct whose layout is prettyplease's to choose.
    reformat: bool,
    /// The body line prettyplease leaves wider than its margin (a path it cannot break).
    wide: Option<usize>,
}

impl Method {
    fn new(doc: Vec<String>, head: String, params: Vec<String>, ret: Option<String>) -> Self {
        Method {
            doc,
            attrs: Vec::new(),
            head,
            params,
            ret,
            body: Vec::new(),
            reformat: false,
            wide: None,
        }
    }

    fn write(&self, o: &mut Out) {
        o.docs(1, &self.doc);
        for a in &self.attrs {
            o.line(1, a);
        }
        // Parameters mirror the schema's (a compound key's parts, an operation's
        // parameters): as many as it declares.
        if self.params.len() > 7 {
            o.line(1, "#[allow(clippy::too_many_arguments)]");
        }
        let ret = match &self.ret {
            Some(r) => format!(" -> {r}"),
            None => String::new(),
        };
        o.line(
            1,
            &format!("{}({}){ret} {{", self.head, self.params.join(", ")),
        );
        for (i, l) in self.body.iter().enumerate() {
            if self.wide == Some(i) {
                o.wide_line(2, l);
            } else {
                o.line(2, l);
            }
        }
        o.line(1, "}");
        if self.reformat {
            o.reformat();
        }
    }

    /// A tail call of a path (not a method) with one argument: `callee(arg)`, or the
    /// argument on its own line.
    fn call1(&mut self, callee: &str, arg: &str) {
        let one = format!("{callee}({arg})");
        if 8 + one.len() <= MARGIN {
            self.body.push(one);
        } else {
            // However wide: a path does not break.
            self.wide = Some(self.body.len());
            self.body.push(format!("{callee}("));
            self.body.push(format!("    {arg},"));
            self.body.push(")".into());
        }
    }
}

/// `.a(x).await` → `.a(x)`, `.await`: the steps of a method chain, split at the dots
/// outside brackets and string literals.
fn chain_steps(chain: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut string, mut escaped) = (0i32, 0, false, false);
    for (i, c) in chain.char_indices() {
        if string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => string = true,
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            '.' if depth == 0 && i > start => {
                out.push(&chain[start..i]);
                start = i;
            }
            _ => {}
        }
    }
    out.push(&chain[start..]);
    out
}

/// A client file, `header` first; its items are written in `items` (empty) first.
fn client_file(
    items: &mut String,
    header: &str,
    here: &str,
    file: &ClientFileIr,
    areas: bool,
) -> String {
    let mut scope = Scope {
        here,
        imports: BTreeSet::new(),
        areas,
    };
    if let Some(f) = &file.field {
        field_enum(&mut scope, f, items);
    }
    if let Some(n) = &file.nav {
        nav_enum(&scope, n, items);
    }
    if let Some(t) = &file.etag {
        let mut o = Out::default();
        o.line(0, &format!("impl {} {{", scope.ty(t)));
        o.docs(
            1,
            &[
                "The entity's ETag (`@odata.etag`), to send back as `If-Match` (the".into(),
                "item builders' `if_match`).".into(),
            ],
        );
        o.line(1, "pub fn etag(&self) -> Option<&str> {");
        o.line(2, "crate::runtime::json::etag(&self.additional)");
        o.line(1, "}");
        o.line(0, "}");
        o.finish(items);
    }
    for b in &file.builders {
        builder(&mut scope, b, items);
    }
    let mut out = String::with_capacity(header.len() + 512 + items.len());
    out.push_str(header);
    out.push_str("\nuse crate::runtime::request as support;\n");
    if file
        .field
        .as_ref()
        .is_some_and(|f| f.variants.iter().any(|v| v.filter.is_some()))
    {
        out.push_str("use crate::runtime::filter;\n");
    }
    if !scope.imports.is_empty() {
        let imports: Vec<String> = scope.imports.iter().map(|n| name(n)).collect();
        let imports: Vec<&str> = imports.iter().map(String::as_str).collect();
        use_group(
            &mut out,
            &format!("use crate::models::{}::", name(here)),
            &imports,
        );
    }
    if !items.is_empty() {
        out.push('\n');
        out.push_str(items);
    }
    out
}

/// `` `wire`: first doc line `` or `` `wire`. ``
fn variant_doc(wire: &str, doc: &Option<String>) -> Vec<String> {
    vec![match doc {
        Some(first) => format!("{}: {first}", naming::code(wire)),
        None => format!("{}.", naming::code(wire)),
    }]
}

fn field_enum(scope: &mut Scope<'_>, f: &FieldEnumIr, file: &mut String) {
    let n = name(&f.name);
    let mut o = Out::default();
    o.docs(
        0,
        &[
            format!(
                "The structural properties of {}, by wire name, for typed `$select` and `$orderby`;",
                naming::code(&f.qualified)
            ),
            "its constants are the typed operands of `$filter` expressions.".into(),
        ],
    );
    // `Debug` prints the wire name (like `Display`): one match per field enum, not two.
    o.line(0, "#[derive(Clone, Copy, PartialEq, Eq, Hash)]");
    if f.variants.is_empty() {
        o.line(0, &format!("pub enum {n} {{}}"));
    } else {
        o.line(0, &format!("pub enum {n} {{"));
        for v in &f.variants {
            o.docs(1, &variant_doc(&v.wire, &v.doc));
            o.line(1, &format!("{},", name(&v.name)));
        }
        o.line(0, "}");
    }
    o.finish(file);

    let mut o = Out::default();
    o.line(0, &format!("impl ::std::fmt::Debug for {n} {{"));
    o.line(
        1,
        "fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {",
    );
    o.line(2, "f.write_str(support::Field::wire_name(*self))");
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    o.line(0, &format!("impl support::Field for {n} {{"));
    o.line(1, "fn wire_name(self) -> &'static str {");
    if f.variants.is_empty() {
        o.line(2, "match self {}");
    } else {
        o.line(2, "match self {");
        for v in &f.variants {
            o.line(3, &format!("Self::{} => {},", name(&v.name), lit(&v.wire)));
        }
        o.line(2, "}");
    }
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    o.line(0, &format!("impl ::std::fmt::Display for {n} {{"));
    o.line(
        1,
        "fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {",
    );
    o.line(2, "f.write_str(support::Field::wire_name(*self))");
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    let mut any = false;
    for v in &f.variants {
        let Some((c, filter)) = &v.filter else {
            continue;
        };
        if !any {
            o.line(0, &format!("impl {n} {{"));
            any = true;
        }
        let wire = lit(&v.wire);
        let (t, callee, args) = match filter {
            FilterIr::Value(t) => (scope.ty(t), "Operand", vec![wire]),
            FilterIr::Values(t) => (scope.ty(t), "CollectionOperand", vec![wire]),
            FilterIr::Enum(t, q) => (scope.ty(t), "EnumOperand", vec![wire, lit(q)]),
            FilterIr::Flags(t, q) => (scope.ty(t), "FlagsOperand", vec![wire, lit(q)]),
            FilterIr::Enums(t, q) => (scope.ty(t), "EnumCollectionOperand", vec![wire, lit(q)]),
        };
        o.docs(
            1,
            &[format!(
                "{} in `$filter` expressions.",
                naming::code(&v.wire)
            )],
        );
        let c = name(c);
        let head = format!("pub const {c}: filter::{callee}<{t}> = filter::{callee}::property(");
        let one = format!("{head}{});", args.join(", "));
        let generic_end = format!("    pub const {c}: filter::{callee}<{t}>").len();
        if 4 + one.len() <= MARGIN {
            o.line(1, &one);
        } else if generic_end + " = ".len() > MARGIN {
            // prettyplease breaks the type's generic arguments first when they end
            // within ` = ` of the margin.
            o.line(1, &format!("pub const {c}: filter::{callee}<"));
            o.line(2, &format!("{t},"));
            o.line(
                1,
                &format!("> = filter::{callee}::property({});", args.join(", ")),
            );
        } else {
            // prettyplease breaks the arguments, however wide the rest of the line.
            o.wide_line(1, &head);
            for a in &args {
                o.line(2, &format!("{a},"));
            }
            o.line(1, ");");
        }
    }
    if any {
        o.line(0, "}");
        o.finish(file);
    }
}

/// A `…Nav` enum: a variant per navigation property for a plain `$expand`, and a
/// function per property for an item with nested options typed for its target.
/// Method names clippy's `should_implement_trait` reserves for std traits.
const TRAIT_METHODS: [&str; 30] = [
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

fn nav_enum(scope: &Scope<'_>, n: &NavEnumIr, file: &mut String) {
    let nm = name(&n.name);
    let source = name(&n.field);
    let mut o = Out::default();
    o.docs(
        0,
        &[
            format!(
                "The navigation properties of {}, for typed `$expand`: a variant expands",
                naming::code(&n.qualified)
            ),
            "the property as it is; the function of the same name gives an item with nested".into(),
            "options typed for its target.".into(),
        ],
    );
    o.line(0, "#[derive(Clone, Copy, PartialEq, Eq, Hash)]");
    o.line(0, &format!("pub enum {nm} {{"));
    for v in &n.variants {
        o.docs(1, &variant_doc(&v.wire, &v.doc));
        o.cfg(1, &v.gate);
        o.line(1, &format!("{},", name(&v.name)));
    }
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    // A property named like a std trait's method (`default`) keeps its name.
    if n.variants
        .iter()
        .any(|v| TRAIT_METHODS.contains(&v.method.as_str()))
    {
        o.line(0, "#[allow(clippy::should_implement_trait)]");
    }
    o.line(0, &format!("impl {nm} {{"));
    o.docs(1, &["The property's wire name.".into()]);
    o.line(1, "pub fn wire_name(self) -> &'static str {");
    o.line(2, "match self {");
    for v in &n.variants {
        o.cfg(3, &v.gate);
        o.line(3, &format!("Self::{} => {},", name(&v.name), lit(&v.wire)));
    }
    o.line(2, "}");
    o.line(1, "}");
    for v in &n.variants {
        let target = scope.builder(&v.target);
        let (kind, what) = if v.collection {
            ("support::Many", "collection-valued")
        } else {
            ("support::One", "single-valued")
        };
        let doc = vec![format!(
            "`$expand` {} ({what}) with nested options typed for {}.",
            naming::code(&v.wire),
            naming::code(&v.target_qualified)
        )];
        let mut m = Method::new(
            doc,
            format!("pub fn {}", name(&v.method)),
            Vec::new(),
            Some(format!("support::Expand<{source}, {target}, {kind}>")),
        );
        m.body
            .push(format!("support::Expand::new({})", lit(&v.wire)));
        m.attrs.extend(cfg_attr(&v.gate));
        m.write(&mut o);
    }
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    o.line(0, &format!("impl ::std::fmt::Debug for {nm} {{"));
    o.line(
        1,
        "fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {",
    );
    o.line(2, "f.write_str(self.wire_name())");
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    o.line(
        0,
        &format!("impl support::IntoExpand<{source}> for {nm} {{"),
    );
    o.line(1, "fn into_expand(self) -> String {");
    o.line(2, "self.wire_name().to_owned()");
    o.line(1, "}");
    o.line(0, "}");
    o.finish(file);
}

/// `#[cfg(…)]` of a gated item (area features).
fn cfg_attr(gate: &Option<String>) -> Option<String> {
    gate.as_ref().map(|g| format!("#[cfg({g})]"))
}

/// A navigation method (an entity set or singleton on the root client).
fn nav_method(scope: &Scope<'_>, s: &NavIr, at_root: bool) -> Method {
    let ret = scope.builder(&s.target);
    let wire = lit(&s.wire);
    let inner = if at_root {
        format!("support::Builder::root(&self.client, {wire})")
    } else {
        format!("self.inner.nav({wire})")
    };
    let mut m = Method::new(
        s.doc.clone(),
        format!("pub fn {}", name(&s.method)),
        vec!["&self".into()],
        Some(ret.clone()),
    );
    m.call1(&format!("{ret}::from_builder"), &inner);
    m.attrs.extend(cfg_attr(&s.gate));
    m
}

/// `Self { inner: expr }`, as prettyplease breaks it.
fn with_inner(m: &mut Method, expr: &str) {
    m.body.push("Self {".into());
    m.body.push(format!("    inner: {expr},"));
    m.body.push("}".into());
}

fn builder(scope: &mut Scope<'_>, b: &BuilderIr, file: &mut String) {
    let n = name(&b.name);
    let read = scope.ty(&b.read);
    let field_ty = match &b.field {
        Some(f) => name(f),
        None => "support::NoField".into(),
    };
    let mut methods: Vec<Method> = Vec::new();
    let simple = |doc: &str, head: &str, params: &[&str], ret: &str, body: &str| {
        let mut m = Method::new(
            vec![doc.to_string()],
            head.to_string(),
            params.iter().map(|p| p.to_string()).collect(),
            Some(ret.to_string()),
        );
        m.body.push(body.to_string());
        m
    };
    if let Some(key) = &b.key {
        let item = scope.builder(&key.item);
        let as_segment = key.as_segment;
        if let [part] = key.parts.as_slice() {
            let (sig, arg) = scope.param(part);
            let a = name(&part.rust);
            let how = if as_segment {
                "as a path segment (`…/{key}`)"
            } else {
                "in parentheses (`…('key')`)"
            };
            let doc = vec![
                format!(
                    "One {} by its key {}, {how}.",
                    naming::code(&b.qualified),
                    naming::code(&part.wire)
                ),
                String::new(),
                "The value is quoted and percent-encoded: it cannot change the path.".into(),
            ];
            let mut m = Method::new(
                doc,
                "pub fn by_id".into(),
                vec!["&self".into(), format!("{a}: {sig}")],
                Some(item.clone()),
            );
            m.call1(
                &format!("{item}::from_builder"),
                &format!("self.inner.key({arg}, {as_segment})"),
            );
            methods.push(m);
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
            let doc = vec![format!(
                "One {} by its compound key ({}), {form}.",
                naming::code(&b.qualified),
                listed.join(", "),
            )];
            let call = if as_segment {
                "compound_key_segments"
            } else {
                "compound_key"
            };
            let mut params = vec!["&self".to_string()];
            params.extend(sigs);
            let mut m = Method::new(doc, "pub fn by_key".into(), params, Some(item.clone()));
            m.call1(
                &format!("{item}::from_builder"),
                &format!("self.inner.{call}(&[{}])", pairs.join(", ")),
            );
            methods.push(m);
        }
    }
    if let Some(key) = &b.key {
        let item = scope.builder(&key.item);
        for alt in &b.alternate_keys {
            let (sigs, pairs) = scope.named_args(&alt.parts);
            let names: Vec<&str> = alt.parts.iter().map(|p| p.wire.as_str()).collect();
            let doc = vec![
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
            ];
            let mut params = vec!["&self".to_string()];
            params.extend(sigs);
            let mut m = Method::new(
                doc,
                format!("pub fn {}", name(&alt.method)),
                params,
                Some(item.clone()),
            );
            m.call1(
                &format!("{item}::from_builder"),
                &format!("self.inner.compound_key(&[{}])", pairs.join(", ")),
            );
            methods.push(m);
        }
    }
    if b.list {
        methods.push(simple(
            "`GET` the collection: `.await` for the first page, `.stream()` for every item, with query options.",
            "pub fn list",
            &["&self"],
            &format!("support::ListRequest<{read}, {field_ty}>"),
            "support::ListRequest::new(&self.inner)",
        ));
    }
    if let Some(create) = &b.create {
        let create = scope.ty(create);
        methods.push(simple(
            "`POST` a new entity: 201 gives `Some(created)`, 204 (after [`Self::return_minimal`]) `None`.",
            "pub fn create",
            &["&self", &format!("body: &{create}")],
            &format!("support::RequestFuture<Option<{read}>>"),
            "self.inner.create(body)",
        ));
    }
    if b.get {
        methods.push(simple(
            "`GET` the entity (`.await` it), optionally with `$select` and `$expand`.",
            "pub fn get",
            &["&self"],
            &format!("support::GetRequest<{read}, {field_ty}>"),
            "support::GetRequest::new(&self.inner)",
        ));
    }
    if let Some(update) = &b.update {
        let update = scope.ty(update);
        methods.push(simple(
            "`PATCH` the entity: 200 gives `Some(updated)`, 204 `None`. Send [`Self::if_match`] where the service uses ETags.",
            "pub fn update",
            &["&self", &format!("body: &{update}")],
            &format!("support::RequestFuture<Option<{read}>>"),
            "self.inner.update(body)",
        ));
    }
    if let Some(body) = &b.replace {
        let body = scope.ty(body);
        let mut m = simple(
            "`PUT` the entity: replaces it whole (properties left out are reset); 200 gives",
            "pub fn replace",
            &["&self", &format!("body: &{body}")],
            &format!("support::RequestFuture<Option<{read}>>"),
            "self.inner.replace(body)",
        );
        m.doc.push("`Some(replaced)`, 204 `None`.".into());
        methods.push(m);
    }
    if let Some(body) = &b.upsert {
        let body = scope.ty(body);
        let mut m = simple(
            "Upsert: `PATCH` that creates the entity when none has this key (201 gives",
            "pub fn upsert",
            &["&self", &format!("body: &{body}")],
            &format!("support::RequestFuture<Option<{read}>>"),
            "self.inner.update(body)",
        );
        m.doc
            .push("`Some(created)`) and updates it otherwise (200 `Some`, 204 `None`).".into());
        methods.push(m);
    }
    if b.delete {
        methods.push(simple(
            "`DELETE` the entity. Send [`Self::if_match`] where the service uses ETags.",
            "pub fn delete",
            &["&self"],
            "support::RequestFuture<()>",
            "self.inner.delete()",
        ));
    }
    if b.count {
        let mut m = simple(
            "`GET …/$count`: the number of entities (`.await` it), optionally with `$filter`",
            "pub fn count",
            &["&self"],
            "support::CountRequest",
            "self.inner.count()",
        );
        m.doc.push(
            "and `$search`; add the headers a service asks for with `.header(name, value)`.".into(),
        );
        methods.push(m);
    }
    if let Some(refs) = &b.refs {
        methods.extend(ref_methods(scope, refs));
    }
    for s in &b.nav {
        methods.push(nav_method(scope, s, false));
    }
    for s in &b.casts {
        let ret = scope.builder(&s.target);
        let mut m = Method::new(
            s.doc.clone(),
            format!("pub fn {}", name(&s.method)),
            vec!["&self".into()],
            Some(ret.clone()),
        );
        m.call1(
            &format!("{ret}::from_builder"),
            &format!("self.inner.cast({})", lit(&s.wire)),
        );
        m.attrs.extend(cfg_attr(&s.gate));
        methods.push(m);
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
    let mut o = Out::default();
    o.docs(0, &doc);
    o.line(0, "#[derive(Clone, Debug)]");
    o.line(0, &format!("pub struct {n} {{"));
    o.line(1, "inner: support::Builder,");
    o.line(0, "}");
    o.finish(file);

    let mut o = Out::default();
    o.line(0, &format!("impl {n} {{"));
    if scope.areas {
        o.line(1, "#[allow(dead_code)]");
    }
    o.line(
        1,
        "pub(crate) fn from_builder(inner: support::Builder) -> Self {",
    );
    o.line(2, "Self { inner }");
    o.line(1, "}");
    simple(
        "The request state: client, resource path and options.",
        "pub fn builder",
        &["&self"],
        "&support::Builder",
        "&self.inner",
    )
    .write(&mut o);
    let mut m = Method::new(
        vec!["Adds a request header to every request of this builder.".into()],
        "pub fn header".into(),
        vec!["self".into(), "name: &str".into(), "value: &str".into()],
        Some("Self".into()),
    );
    with_inner(&mut m, "self.inner.with_header(name, value)");
    m.write(&mut o);
    if !b.collection {
        let mut m = Method::new(
            vec!["Sends `If-Match: etag` (from the entity's `etag()`, or `*`) with update, delete and actions.".into()],
            "pub fn if_match".into(),
            vec!["self".into(), "etag: &str".into()],
            Some("Self".into()),
        );
        with_inner(&mut m, "self.inner.with_if_match(etag)");
        m.write(&mut o);
    }
    if b.collection || b.update.is_some() || b.replace.is_some() || b.upsert.is_some() {
        let mut m = Method::new(
            vec!["Sends `Prefer: return=minimal`: creates and updates answer 204 (`None`).".into()],
            "pub fn return_minimal".into(),
            vec!["self".into()],
            Some("Self".into()),
        );
        with_inner(&mut m, "self.inner.with_return_minimal()");
        m.write(&mut o);
    }
    for m in &methods {
        m.write(&mut o);
    }
    o.line(0, "}");
    o.finish(file);
}

/// `add_ref_*`/`set_ref_*`, `refs()`, `get_ref()`, `remove_ref()`.
fn ref_methods(scope: &mut Scope<'_>, refs: &RefsIr) -> Vec<Method> {
    let mut out = Vec::new();
    let one = |doc: Vec<String>, head: &str, ret: &str, body: &str| {
        let mut m = Method::new(doc, head.into(), vec!["&self".into()], Some(ret.into()));
        m.body.push(body.into());
        m
    };
    let remove_item = || {
        one(
            vec![
                "`DELETE …/{key}/$ref`: removes this entity from the navigation property".into(),
                "(the entity itself is not deleted).".into(),
            ],
            "pub fn remove_ref",
            "support::RequestFuture<()>",
            "self.inner.remove_ref()",
        )
    };
    let (verb, key) = match refs {
        RefsIr::Collection(key) => {
            out.push(one(
                vec!["`GET …/$ref`: the references (entity URLs) this navigation property holds, paged.".into()],
                "pub fn refs",
                "support::ListRequest<support::Reference, support::NoField>",
                "self.inner.refs()",
            ));
            ("add", key)
        }
        RefsIr::Item => {
            out.push(remove_item());
            return out;
        }
        RefsIr::Single(key) => {
            out.push(one(
                vec![
                    "`GET …/$ref`: the entity this navigation property references (`None` on 204)."
                        .into(),
                ],
                "pub fn get_ref",
                "support::RequestFuture<Option<support::Reference>>",
                "self.inner.get_ref()",
            ));
            out.push(one(
                vec!["`DELETE …/$ref`: clears the navigation property (the entity itself is not deleted).".into()],
                "pub fn remove_ref",
                "support::RequestFuture<()>",
                "self.inner.remove_ref()",
            ));
            ("set", key)
        }
    };
    let (http, doc_what) = if verb == "add" {
        ("POST", "Adds a reference to")
    } else {
        ("PUT", "Sets the reference to")
    };
    let send = format!("{verb}_ref");
    let mut m = Method::new(
        vec![
            format!(
                "`{http} …/$ref` with `{{\"@odata.id\": url}}`: {} the entity at `entity`",
                doc_what.to_lowercase()
            ),
            "(any builder of one entity: its canonical URL).".into(),
        ],
        format!("pub fn {verb}_ref_at"),
        vec!["&self".into(), "entity: &support::Builder".into()],
        Some("support::RequestFuture<()>".into()),
    );
    m.body.push(format!("self.inner.{send}(entity)"));
    out.push(m);
    if let Some(key) = key {
        let set = lit(&key.set);
        let as_segment = key.as_segment;
        let (sigs, target) = if let [part] = key.parts.as_slice() {
            let (sig, arg) = scope.param(part);
            let a = name(&part.rust);
            (
                vec![format!("{a}: {sig}")],
                format!("self.inner.at_root({set}).key({arg}, {as_segment})"),
            )
        } else {
            let (sigs, pairs) = scope.named_args(&key.parts);
            let call = if as_segment {
                "compound_key_segments"
            } else {
                "compound_key"
            };
            (
                sigs,
                format!("self.inner.at_root({set}).{call}(&[{}])", pairs.join(", ")),
            )
        };
        let which = if key.parts.len() == 1 { "id" } else { "key" };
        let doc = vec![format!(
            "`{http} …/$ref` with `{{\"@odata.id\": \"…/{}/{{key}}\"}}`: {} the entity of {} with this key.",
            key.set,
            doc_what.to_lowercase(),
            naming::code(&key.set)
        )];
        let mut params = vec!["&self".to_string()];
        params.extend(sigs);
        let mut m = Method::new(
            doc,
            format!("pub fn {verb}_ref_by_{which}"),
            params,
            Some("support::RequestFuture<()>".into()),
        );
        // A method call: prettyplease breaks the chain, not the arguments.
        m.body.push(format!("self.inner.{send}(&{target})"));
        out.push(m);
    }
    out
}

/// A stream method: a media entity's `$value` or a stream property.
fn stream_method(st: &StreamIr) -> Method {
    let media = match &st.media_type {
        Some(t) => format!("Some({})", lit(t)),
        None => "None".into(),
    };
    let acceptable: Vec<String> = st.acceptable.iter().map(|a| lit(a)).collect();
    let mut m = Method::new(
        st.doc.clone(),
        format!("pub fn {}", name(&st.method)),
        vec!["&self".into()],
        Some("crate::runtime::StreamRequest".into()),
    );
    m.body.push(format!(
        "self.inner.nav({}).stream({media}, &[{}])",
        lit(&st.wire),
        acceptable.join(", ")
    ));
    m
}

/// An operation method: on a builder (bound), or on the root client (an import).
fn operation(scope: &mut Scope<'_>, op: &OperationIr, at_root: bool) -> Method {
    let mut sigs = vec!["&self".to_string()];
    let mut stmts = Vec::new();
    let mut required: Vec<String> = Vec::new();
    for p in &op.params {
        let (sig, r) = scope.param(p);
        let a = name(&p.rust);
        let wire = lit(&p.wire);
        let arg = match &p.form {
            ArgForm::Literal => format!("support::lit({r})"),
            ArgForm::Enum(q) => format!("support::enum_lit({}, {r})", lit(q)),
            ArgForm::Json => format!("support::json({r})"),
        };
        if p.optional {
            sigs.push(format!("{a}: Option<{sig}>"));
            if op.is_action {
                stmts.push(format!("body.opt({wire}, &{a});"));
            } else {
                stmts.push(format!("if let Some({a}) = {a} {{"));
                stmts.push(format!("    args.push(({wire}, {arg}));"));
                stmts.push("}".into());
            }
        } else {
            sigs.push(format!("{a}: {sig}"));
            if op.is_action {
                stmts.push(format!("body.put({wire}, {r});"));
            } else {
                required.push(format!("({wire}, {arg})"));
            }
        }
    }
    let builder = match (at_root, op.is_action, &op.import) {
        (true, true, Some(import)) => {
            format!("support::Builder::root(&self.client, {})", lit(import))
        }
        (true, _, _) => {
            "support::Builder::at(&self.client, crate::runtime::Resource::default())".into()
        }
        (false, _, _) => "self.inner".into(),
    };
    let qualified = lit(&op.qualified);
    let fn_name = match &op.import {
        Some(import) => lit(import),
        None => qualified.clone(),
    };
    let action_name = if at_root {
        "None".to_string()
    } else {
        format!("Some({qualified})")
    };
    // Whether prettyplease lays the body out (a macro call).
    let mut reformat = false;
    let mut body = Vec::new();
    if op.is_action {
        if op.params.is_empty() {
            body.push("let body = support::no_params();".to_string());
        } else {
            body.push("let mut body = crate::runtime::ObjectWriter::new();".into());
            body.extend(stmts);
            body.push("let body = body.finish();".into());
        }
    } else if stmts.is_empty() {
        let head = format!(
            "let args: [(&str, support::FnArg); {}usize] = [",
            required.len()
        );
        let one = format!("{head}{}];", required.join(", "));
        if 8 + one.len() <= MARGIN {
            body.push(one);
        } else {
            // One element a line (an element too wide still goes through prettyplease).
            body.push(head);
            body.extend(required.iter().map(|r| format!("    {r},")));
            body.push("];".into());
        }
    } else {
        body.push(format!(
            "let mut args: Vec<(&str, support::FnArg)> = ::std::vec![{}];",
            required.join(", ")
        ));
        body.extend(stmts);
        reformat = true;
    }
    // Not `async fn`s: a future from the runtime, one state machine per result type
    // rather than one per operation (compile cost, see the codegen README).
    let fut = |t: String| format!("support::RequestFuture<{t}>");
    let (sig_ret, call) = match (&op.ret, op.is_action) {
        (ReturnIr::Unit, true) => (
            fut("()".into()),
            format!("{builder}.action_unit({action_name}, &body)"),
        ),
        (ReturnIr::Unit, false) => (
            fut("()".into()),
            format!("{builder}.function_unit({fn_name}, &args)"),
        ),
        (ReturnIr::Object(t), true) => (
            fut(format!("Option<{}>", scope.ty(t))),
            format!("{builder}.action({action_name}, &body)"),
        ),
        (ReturnIr::Object(t), false) => (
            fut(format!("Option<{}>", scope.ty(t))),
            format!("{builder}.function({fn_name}, &args)"),
        ),
        (ReturnIr::Value(t), true) => (
            fut(format!("Option<{}>", scope.ty(t))),
            format!("{builder}.action_value({action_name}, &body)"),
        ),
        (ReturnIr::Value(t), false) => (
            fut(format!("Option<{}>", scope.ty(t))),
            format!("{builder}.function_value({fn_name}, &args)"),
        ),
        (ReturnIr::Stream, true) => (
            fut("crate::runtime::Download".into()),
            format!("{builder}.action_download({action_name}, &body)"),
        ),
        (ReturnIr::Stream, false) => (
            fut("crate::runtime::Download".into()),
            format!("{builder}.function_download({fn_name}, &args)"),
        ),
        (ReturnIr::UploadSession, _) => (
            fut("crate::runtime::UploadSession".into()),
            format!("{builder}.action_upload_session({action_name}, &body)"),
        ),
        (ReturnIr::Pager(t), true) => (
            format!("crate::runtime::Pager<{}>", scope.ty(t)),
            format!("{builder}.action_pager({action_name}, &body)"),
        ),
        (ReturnIr::Pager(t), false) => (
            format!("crate::runtime::Pager<{}>", scope.ty(t)),
            format!("{builder}.function_pager({fn_name}, &args)"),
        ),
        (ReturnIr::Delta { item, field }, _) => {
            let f = match field {
                Some(f) => name(f),
                None => "support::NoField".into(),
            };
            (
                format!(
                    "crate::runtime::delta::DeltaRequest<{}, {f}>",
                    scope.ty(item)
                ),
                format!("{builder}.delta({fn_name}, &args)"),
            )
        }
    };
    match call.strip_prefix("self.inner") {
        // prettyplease puts each step of a method chain too wide for one line on its own.
        Some(chain) if 8 + call.len() > MARGIN => {
            body.push("self.inner".into());
            body.extend(chain_steps(chain).into_iter().map(|s| format!("    {s}")));
        }
        _ => body.push(call),
    }
    let mut m = Method::new(
        op.doc.clone(),
        format!("pub fn {}", name(&op.method)),
        sigs,
        Some(sig_ret),
    );
    m.attrs.extend(cfg_attr(&op.gate));
    m.body = body;
    m.reformat = reformat;
    m
}

/// `src/client/mod.rs`: the root client (laid out by prettyplease).
fn root(ir: &CrateIr) -> String {
    let client = &ir.client;
    let mut scope = Scope {
        here: "",
        imports: BTreeSet::new(),
        areas: false,
    };
    let root_name = name(&client.root.name);
    let mut o = Out::default();
    o.line(
        0,
        "#![doc = \" Typed request builders: the root client, and one module per namespace with\"]",
    );
    o.line(
        0,
        "#![doc = \" each entity type's collection and item builders.\"]",
    );
    // Entity sets, singletons and unbound operations return the runtime's types; a
    // container with none of them (a vocabulary) has no use for it.
    if !client.root.steps.is_empty() || !client.root.operations.is_empty() {
        if ir.areas.is_some() {
            // Unused when no area feature is on.
            o.line(0, "#[allow(unused_imports)]");
        }
        o.line(0, "use crate::runtime::request as support;");
    }
    for (m, module) in &client.modules {
        o.docs(
            0,
            &[format!(
                "Request builders of the {} namespace.",
                naming::code(&module.namespace)
            )],
        );
        o.line(0, &format!("pub mod {};", name(m)));
    }
    let cdesc = client.root.container.as_deref().unwrap_or("service");
    o.docs(
        0,
        &[
            format!(
                "The {} entity container: the entry point of the typed requests.",
                naming::code(cdesc)
            ),
            String::new(),
            "Construct it from a runtime [`Client`](crate::runtime::Client) (cheap to clone);"
                .into(),
            "every method returns a builder for one path of the service.".into(),
        ],
    );
    o.line(0, "#[derive(Clone, Debug)]");
    o.line(0, &format!("pub struct {root_name} {{"));
    o.line(1, "client: crate::runtime::Client,");
    o.line(0, "}");
    o.line(0, &format!("impl {root_name} {{"));
    let mut m = Method::new(
        vec![
            "The root client over a runtime client (service root, auth, transport, retries)."
                .into(),
        ],
        "pub fn new".into(),
        vec!["client: crate::runtime::Client".into()],
        Some("Self".into()),
    );
    m.body.push(format!("{root_name} {{ client }}"));
    m.write(&mut o);
    let mut m = Method::new(
        vec!["The runtime client.".into()],
        "pub fn client".into(),
        vec!["&self".into()],
        Some("&crate::runtime::Client".into()),
    );
    m.body.push("&self.client".into());
    m.write(&mut o);
    for s in &client.root.steps {
        nav_method(&scope, s, true).write(&mut o);
    }
    for op in &client.root.operations {
        operation(&mut scope, op, true).write(&mut o);
    }
    o.line(0, "}");
    o.into_text()
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
