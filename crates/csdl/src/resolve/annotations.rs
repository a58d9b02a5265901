//! Annotations: targets, expressions, and the Core terms applied to the model.

use std::collections::HashMap;

use super::*;
use crate::diag::Pos;
use crate::document::{Document, ElemId, Kind};

impl<'d> Resolver<'d, '_> {
    // ---- annotations ----------------------------------------------------------------

    /// Canonical form of an annotation target path.
    pub(super) fn canonical_target(&self, d: u32, raw: &str) -> String {
        let raw = raw.trim();
        let mut out = String::with_capacity(raw.len() + 16);
        // The first segment may carry a parenthesised signature containing `/`-free types.
        let (first, rest) = match raw.find('(') {
            Some(p) if raw[..p].find('/').is_none() => {
                let close = raw[p..].find(')').map(|c| {
                    // `Collection(...)` nests one level.
                    let inner = &raw[p + 1..];
                    let mut depth = 1;
                    let mut end = p + c;
                    for (i, ch) in inner.char_indices() {
                        match ch {
                            '(' => depth += 1,
                            ')' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = p + 1 + i;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    end
                });
                match close {
                    Some(e) => (&raw[..=e], raw[e + 1..].strip_prefix('/')),
                    None => (raw, None),
                }
            }
            _ => match raw.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (raw, None),
            },
        };
        match first.split_once('(') {
            Some((name, args)) => {
                out.push_str(&self.qualify(d, name.trim()));
                out.push('(');
                let args = args.strip_suffix(')').unwrap_or(args);
                let mut depth = 0;
                let mut start = 0;
                let mut parts = Vec::new();
                for (i, ch) in args.char_indices() {
                    match ch {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        ',' if depth == 0 => {
                            parts.push(&args[start..i]);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                if !args.trim().is_empty() {
                    parts.push(&args[start..]);
                }
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&self.canonical_type(d, p.trim()));
                }
                out.push(')');
            }
            None => out.push_str(&self.qualify(d, first)),
        }
        if let Some(rest) = rest {
            for seg in rest.split('/') {
                out.push('/');
                if let Some(term) = seg.strip_prefix('@') {
                    out.push('@');
                    let (t, q) = match term.split_once('#') {
                        Some((t, q)) => (t, Some(q)),
                        None => (term, None),
                    };
                    out.push_str(&self.qualify(d, t));
                    if let Some(q) = q {
                        out.push('#');
                        out.push_str(q);
                    }
                } else if seg.contains('.') {
                    out.push_str(&self.qualify(d, seg));
                } else {
                    out.push_str(seg);
                }
            }
        }
        out
    }

    pub(super) fn push_annotation(&mut self, target: String, a: Annotation) {
        self.ann.entry(target).or_default().push(a);
    }

    /// The inline annotations of `el` (and the annotations nested in them).
    pub(super) fn inline(&mut self, d: u32, el: ElemId, target: &str) {
        let doc: &'d Document = &self.docs[d as usize];
        for a in doc.children_of(el, Kind::Annotation) {
            self.annotation(d, a, target, None);
        }
    }

    pub(super) fn annotation(
        &mut self,
        d: u32,
        a: ElemId,
        target: &str,
        outer_qualifier: Option<&str>,
    ) {
        let doc: &'d Document = &self.docs[d as usize];
        let Some(raw_term) = self.req(doc, a, "Term") else {
            return;
        };
        let term = self.qualify(d, raw_term).into_owned();
        if let Some((prefix, _)) = term.rsplit_once('.')
            && !prefix.contains('.')
            && !self.namespace_known(prefix)
        {
            self.warn(format!("unknown namespace or alias `{prefix}` in term `{raw_term}`; the annotation is kept as written"), doc.attr_pos(a, "Term"));
        }
        let own_q = doc.get(a, "Qualifier");
        if own_q.is_some() && outer_qualifier.is_some() {
            self.warn("an annotation inside a qualified `Annotations` element must not have its own `Qualifier`", doc.attr_pos(a, "Qualifier"));
        }
        let qualifier = own_q.or(outer_qualifier).map(str::to_string);
        let value = self.expr_of(d, a);
        let nested = match &qualifier {
            Some(q) => format!("{target}/@{term}#{q}"),
            None => format!("{target}/@{term}"),
        };
        self.push_annotation(
            target.to_string(),
            Annotation {
                term,
                qualifier,
                value,
                pos: doc.pos(a),
            },
        );
        for n in doc.children_of(a, Kind::Annotation) {
            self.annotation(d, n, &nested, None);
        }
    }

    /// The value of an `Annotation` or `PropertyValue`: attribute notation or first child expression.
    pub(super) fn expr_of(&mut self, d: u32, el: ElemId) -> Expr {
        let doc: &'d Document = &self.docs[d as usize];
        for attr in doc.attrs(el) {
            let name = doc.attr_name(attr);
            let v = doc.value(attr);
            if let Some(e) = self.constant(d, name, v, attr.pos) {
                return e;
            }
        }
        match doc.children(el).find(|c| doc.kind(*c).is_expression()) {
            Some(c) => self.expr(d, c),
            None => Expr::Default,
        }
    }

    pub(super) fn constant(&mut self, d: u32, kind: &str, v: &str, pos: Pos) -> Option<Expr> {
        const LITERALS: &[&str] = &[
            "Binary",
            "Date",
            "DateTimeOffset",
            "Decimal",
            "Duration",
            "Float",
            "Guid",
            "TimeOfDay",
        ];
        const PATHS: &[&str] = &[
            "AnnotationPath",
            "ModelElementPath",
            "NavigationPropertyPath",
            "PropertyPath",
            "Path",
        ];
        Some(match kind {
            "String" => Expr::String(v.to_string()),
            "Bool" => match parse_bool(v) {
                Some(b) => Expr::Bool(b),
                None => {
                    self.warn(format!("invalid `Bool` value `{v}`; kept as written"), pos);
                    Expr::Literal {
                        kind: "Bool",
                        text: v.to_string(),
                    }
                }
            },
            "Int" => match v.trim().parse::<i64>() {
                Ok(n) => Expr::Int(n),
                Err(_) => {
                    self.warn(format!("invalid `Int` value `{v}`; kept as written"), pos);
                    Expr::Literal {
                        kind: "Int",
                        text: v.to_string(),
                    }
                }
            },
            "EnumMember" => Expr::EnumMember(
                v.split_whitespace()
                    .map(|m| match m.split_once('/') {
                        Some((t, mem)) => format!("{}/{mem}", self.qualify(d, t)),
                        None => m.to_string(),
                    })
                    .collect(),
            ),
            "UrlRef" => Expr::Dynamic {
                kind: "UrlRef".into(),
                children: vec![Expr::String(v.to_string())],
            },
            k => {
                if let Some(k) = LITERALS.iter().find(|l| **l == k) {
                    Expr::Literal {
                        kind: k,
                        text: v.to_string(),
                    }
                } else if let Some(k) = PATHS.iter().find(|l| **l == k) {
                    Expr::Path {
                        kind: k,
                        path: v.to_string(),
                    }
                } else {
                    return None;
                }
            }
        })
    }

    pub(super) fn expr(&mut self, d: u32, el: ElemId) -> Expr {
        let doc: &'d Document = &self.docs[d as usize];
        let k = doc.kind(el);
        if k.has_text() && k != Kind::LabeledElementReference {
            let text = doc.text(el).unwrap_or("");
            let text = if k == Kind::String { text } else { text.trim() };
            return self
                .constant(d, k.name(), text, doc.pos(el))
                .unwrap_or(Expr::Null);
        }
        let children = |this: &mut Self| -> Vec<Expr> {
            doc.children(el)
                .filter(|c| doc.kind(*c).is_expression())
                .collect::<Vec<_>>()
                .into_iter()
                .map(|c| this.expr(d, c))
                .collect()
        };
        match k {
            Kind::Null => Expr::Null,
            Kind::Collection => Expr::Collection(children(self)),
            Kind::Record => {
                let ty = doc.get(el, "Type").map(|t| self.qualify(d, t).into_owned());
                let mut properties = Vec::new();
                for pv in doc.children_of(el, Kind::PropertyValue).collect::<Vec<_>>() {
                    let Some(p) = self.req(doc, pv, "Property") else {
                        continue;
                    };
                    let v = self.expr_of(d, pv);
                    properties.push((p.to_string(), v));
                }
                Expr::Record { ty, properties }
            }
            Kind::LabeledElementReference => Expr::Dynamic {
                kind: k.name().into(),
                children: vec![Expr::String(
                    self.qualify(d, doc.text(el).unwrap_or("").trim())
                        .into_owned(),
                )],
            },
            Kind::UrlRef => match doc.children(el).find(|c| doc.kind(*c).is_expression()) {
                Some(_) => Expr::Dynamic {
                    kind: "UrlRef".into(),
                    children: children(self),
                },
                None => Expr::Dynamic {
                    kind: "UrlRef".into(),
                    children: Vec::new(),
                },
            },
            _ => {
                // Leading attribute operands: `Apply/@Function`, `Cast/@Type`, `IsOf/@Type`, `LabeledElement/@Name`.
                let lead = match k {
                    Kind::Apply => doc
                        .get(el, "Function")
                        .map(|f| self.qualify(d, f).into_owned()),
                    Kind::Cast | Kind::IsOf => {
                        doc.get(el, "Type").map(|t| self.canonical_type(d, t))
                    }
                    Kind::LabeledElement => doc.get(el, "Name").map(str::to_string),
                    _ => None,
                };
                let mut ch: Vec<Expr> = lead.map(Expr::String).into_iter().collect();
                if k == Kind::LabeledElement {
                    let v = self.expr_of(d, el);
                    if v != Expr::Default {
                        ch.push(v);
                    }
                } else {
                    ch.extend(children(self));
                }
                Expr::Dynamic {
                    kind: k.name().into(),
                    children: ch,
                }
            }
        }
    }

    pub(super) fn collect_annotations(&mut self) {
        let docs = self.docs;
        for (d, doc) in docs.iter().enumerate() {
            let d32 = d as u32;
            for s in self.schemas(d).collect::<Vec<_>>() {
                let Some(ns) = doc.get(s, "Namespace") else {
                    continue;
                };
                self.inline(d32, s, ns);
                for c in doc.children(s).collect::<Vec<_>>() {
                    let k = doc.kind(c);
                    if k == Kind::Annotations {
                        let Some(raw) = self.req(doc, c, "Target") else {
                            continue;
                        };
                        let target = self.canonical_target(d32, raw);
                        self.check_target(&target, doc.attr_pos(c, "Target"));
                        let q = doc.get(c, "Qualifier");
                        for a in doc.children_of(c, Kind::Annotation).collect::<Vec<_>>() {
                            self.annotation(d32, a, &target, q);
                        }
                        continue;
                    }
                    let Some(name) = doc.get(c, "Name") else {
                        continue;
                    };
                    let qn = format!("{ns}.{name}");
                    match k {
                        Kind::EntityType
                        | Kind::ComplexType
                        | Kind::EnumType
                        | Kind::TypeDefinition
                        | Kind::Term => {
                            self.inline(d32, c, &qn);
                            for m in doc.children(c).collect::<Vec<_>>() {
                                if matches!(
                                    doc.kind(m),
                                    Kind::Property | Kind::NavigationProperty | Kind::Member
                                ) && let Some(mn) = doc.get(m, "Name")
                                {
                                    self.inline(d32, m, &format!("{qn}/{mn}"));
                                }
                            }
                        }
                        Kind::Action | Kind::Function => {
                            // Operations that failed to build have no target; skip their annotations.
                            let Some(i) = self.op_built.get(&(d32, c)).copied() else {
                                continue;
                            };
                            let target = self.m.operations[i].annotation_target.clone();
                            self.inline(d32, c, &target);
                            for p in doc.children(c).collect::<Vec<_>>() {
                                match doc.kind(p) {
                                    Kind::Parameter => {
                                        if let Some(pn) = doc.get(p, "Name") {
                                            self.inline(d32, p, &format!("{target}/{pn}"));
                                        }
                                    }
                                    Kind::ReturnType => {
                                        self.inline(d32, p, &format!("{target}/$ReturnType"))
                                    }
                                    _ => {}
                                }
                            }
                        }
                        Kind::EntityContainer => {
                            self.inline(d32, c, &qn);
                            for m in doc.children(c).collect::<Vec<_>>() {
                                if matches!(
                                    doc.kind(m),
                                    Kind::EntitySet
                                        | Kind::Singleton
                                        | Kind::ActionImport
                                        | Kind::FunctionImport
                                ) && let Some(mn) = doc.get(m, "Name")
                                {
                                    self.inline(d32, m, &format!("{qn}/{mn}"));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    pub(super) fn check_target(&mut self, target: &str, pos: Pos) {
        let first = target.split('/').next().unwrap_or("");
        let name = first.split('(').next().unwrap_or("");
        if self.names.contains_key(name) || self.namespaces.contains_key(name) {
            return;
        }
        let ns = name.rsplit_once('.').map(|(n, _)| n).unwrap_or("");
        if self.namespaces.contains_key(ns) {
            self.warn(
                format!("annotation target `{target}` names nothing in the model"),
                pos,
            );
        }
    }

    // ---- Core vocabulary -------------------------------------------------------------

    pub(super) fn apply_core(&mut self) {
        use crate::vocab;
        let ann = std::mem::take(&mut self.ann);
        let get = |t: &str| ann.get(t).map(Vec::as_slice).unwrap_or(&[]);
        let mut key = String::new();
        let mut sub = |base: &str, name: &str| -> &[Annotation] {
            key.clear();
            key.push_str(base);
            key.push('/');
            key.push_str(name);
            ann.get(key.as_str()).map(Vec::as_slice).unwrap_or(&[])
        };
        for ty in &mut self.m.types {
            let qn = ty.qualified_name();
            let a = get(&qn);
            ty.description = vocab::core_string(a, "Description");
            ty.long_description = vocab::core_string(a, "LongDescription");
            match &mut ty.kind {
                TypeKind::Entity(s) | TypeKind::Complex(s) => {
                    s.optimistic_concurrency = vocab::optimistic_concurrency(a);
                    for p in &mut s.properties {
                        let a = sub(&qn, &p.name);
                        if a.is_empty() {
                            continue;
                        }
                        p.description = vocab::core_string(a, "Description");
                        p.long_description = vocab::core_string(a, "LongDescription");
                        p.computed = vocab::core_tag(a, "Computed");
                        p.immutable = vocab::core_tag(a, "Immutable");
                        p.permissions = vocab::permissions(a);
                    }
                    for n in &mut s.navigation {
                        let a = sub(&qn, &n.name);
                        n.description = vocab::core_string(a, "Description");
                        n.long_description = vocab::core_string(a, "LongDescription");
                    }
                }
                TypeKind::Enum(e) => {
                    for m in &mut e.members {
                        m.description = vocab::core_string(sub(&qn, &m.name), "Description");
                    }
                }
                TypeKind::Definition(_) => {}
            }
        }
        for op in &mut self.m.operations {
            let qn = format!("{}.{}", op.namespace, op.name);
            let all = format!("{qn}({})", op.parameter_types.join(","));
            let targets = [op.annotation_target.as_str(), all.as_str(), qn.as_str()];
            op.description = targets
                .iter()
                .find_map(|t| vocab::core_string(get(t), "Description"));
            op.long_description = targets
                .iter()
                .find_map(|t| vocab::core_string(get(t), "LongDescription"));
            for p in &mut op.parameters {
                for t in targets {
                    let a = sub(t, &p.name);
                    if p.description.is_none() {
                        p.description = vocab::core_string(a, "Description");
                    }
                    p.optional |= vocab::core_term(a, "OptionalParameter").is_some();
                }
            }
        }
        let mut concurrency: Vec<(TypeId, Vec<String>)> = Vec::new();
        for c in &mut self.m.containers {
            let qn = format!("{}.{}", c.namespace, c.name);
            c.description = vocab::core_string(get(&qn), "Description");
            for s in &mut c.entity_sets {
                let a = sub(&qn, &s.name);
                s.description = vocab::core_string(a, "Description");
                let oc = vocab::optimistic_concurrency(a);
                if !oc.is_empty() {
                    concurrency.push((s.entity_type, oc));
                }
            }
            for s in &mut c.singletons {
                s.description = vocab::core_string(sub(&qn, &s.name), "Description");
            }
        }
        for (t, paths) in concurrency {
            if let Some(s) = self.structured_mut(t) {
                for p in paths {
                    if !s.optimistic_concurrency.contains(&p) {
                        s.optimistic_concurrency.push(p);
                    }
                }
            }
        }
        let mut out = HashMap::with_capacity(ann.len());
        out.extend(ann);
        self.m.annotations = out;
    }
}
