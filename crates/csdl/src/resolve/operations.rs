//! Actions, functions and terms.

use super::*;
use crate::diag::Pos;
use crate::document::{Document, Kind};

impl<'d> Resolver<'d, '_> {
    /// Every action and function overload: parameters, return type, binding, and its
    /// signature (two overloads with one signature are an error).
    pub(super) fn build_operations(&mut self) {
        let mut sigs: Map<String, Pos> = Map::default();
        for i in 0..self.op_el.len() {
            let El { doc: d, id: el } = self.op_el[i];
            let doc: &'d Document = &self.docs[d as usize];
            let s = doc.parent(el);
            let ns = s.and_then(|s| doc.get(s, "Namespace")).unwrap_or("");
            let Some(name) = doc.get(el, "Name") else {
                continue;
            };
            let kind = if doc.kind(el) == Kind::Action {
                OperationKind::Action
            } else {
                OperationKind::Function
            };
            let qname = format!("{ns}.{name}");
            let is_bound = self.bool_attr(doc, el, "IsBound", false);
            let composable = self.bool_attr(doc, el, "IsComposable", false);
            if kind == OperationKind::Action && doc.attr(el, "IsComposable").is_some() {
                self.err(
                    format!("action `{qname}` cannot be composable"),
                    doc.attr_pos(el, "IsComposable"),
                );
            }
            let (mut params, raw_types, mut ok) = self.parameters(d, el, &qname);
            let mut return_type = None;
            let rts: Vec<_> = doc.children_of(el, Kind::ReturnType).collect();
            if rts.len() > 1 {
                self.err(
                    format!("`{qname}` has more than one `ReturnType`"),
                    doc.pos(rts[1]),
                );
            }
            if let Some(rt) = rts.first().copied()
                && let Some(raw) = self.req(doc, rt, "Type")
            {
                match self.type_ref(d, raw, doc.attr_pos(rt, "Type")) {
                    Some(ty) => {
                        let nullable = self.bool_attr(doc, rt, "Nullable", true);
                        return_type = Some(ReturnType { ty, nullable });
                    }
                    None => ok = false,
                }
            }
            if kind == OperationKind::Function && rts.is_empty() {
                self.err(
                    format!("function `{qname}` has no `ReturnType`"),
                    doc.pos(el),
                );
                ok = false;
            }
            let mut binding = None;
            if is_bound {
                if params.is_empty() && raw_types.is_empty() {
                    self.err(
                        format!("bound operation `{qname}` has no binding parameter"),
                        doc.attr_pos(el, "IsBound"),
                    );
                    ok = false;
                } else if !params.is_empty() {
                    binding = Some(params.remove(0).ty);
                }
            }
            let sig_types = if kind == OperationKind::Action {
                if is_bound {
                    raw_types.iter().take(1).cloned().collect::<Vec<_>>()
                } else {
                    Vec::new()
                }
            } else {
                raw_types.clone()
            };
            let target = format!("{qname}({})", sig_types.join(","));
            let kind_word = if kind == OperationKind::Action {
                "action"
            } else {
                "function"
            };
            let sig_key = format!("{kind_word} {target}");
            let pos = doc.attr_pos(el, "Name");
            if let Some(prev) = sigs.get(&sig_key) {
                let at = self.at(*prev);
                self.err(format!("duplicate overload `{target}` of {kind_word} `{qname}` (first declared at {at})"), pos);
                ok = false;
            }
            sigs.insert(sig_key, pos);
            if !ok {
                continue;
            }
            let id = OperationId(self.m.operations.len() as u32);
            self.op_built.insert((d, el), id.0 as usize);
            self.m.operations.push(Operation {
                kind,
                namespace: ns.to_string(),
                name: name.to_string(),
                binding,
                parameters: params,
                return_type,
                composable,
                entity_set_path: doc.get(el, "EntitySetPath").map(str::to_string),
                description: None,
                long_description: None,
                pos: doc.pos(el),
                annotation_target: target.clone(),
                parameter_types: raw_types,
            });
            self.op_targets.push(target);
            self.m.operation_index.entry(qname).or_default().push(id);
        }
    }

    /// The parameters of operation `el` (binding parameter included), the canonical
    /// text of their types, and whether all resolved.
    fn parameters(
        &mut self,
        d: u32,
        el: ElemId,
        qname: &str,
    ) -> (Vec<Parameter>, Vec<String>, bool) {
        let doc: &'d Document = &self.docs[d as usize];
        let mut params = Vec::new();
        let mut raw_types = Vec::new();
        let mut seen: Map<&'d str, Pos> = Map::default();
        let mut ok = true;
        for p in doc.children_of(el, Kind::Parameter) {
            let (Some(pname), Some(pty)) = (self.req(doc, p, "Name"), self.req(doc, p, "Type"))
            else {
                ok = false;
                continue;
            };
            let pos = doc.attr_pos(p, "Name");
            if let Some(prev) = seen.get(pname) {
                let at = self.at(*prev);
                self.err(
                    format!("duplicate parameter `{pname}` of `{qname}` (first declared at {at})"),
                    pos,
                );
                ok = false;
                continue;
            }
            seen.insert(pname, pos);
            raw_types.push(self.canonical_type(d, pty));
            let Some(ty) = self.type_ref(d, pty, doc.attr_pos(p, "Type")) else {
                ok = false;
                continue;
            };
            let nullable = self.bool_attr(doc, p, "Nullable", true);
            let facets = self.facets(doc, p);
            params.push(Parameter {
                name: pname.to_string(),
                ty,
                nullable,
                facets,
                optional: false,
                description: None,
                pos: doc.pos(p),
            });
        }
        (params, raw_types, ok)
    }

    pub(super) fn build_terms(&mut self) {
        let docs = self.docs;
        for (d, doc) in docs.iter().enumerate() {
            if self.builtin.contains(&doc.file) {
                continue; // the standard vocabularies' terms are known by name
            }
            for s in self.schemas(d).collect::<Vec<_>>() {
                let Some(ns) = doc.get(s, "Namespace") else {
                    continue;
                };
                for t in doc.children_of(s, Kind::Term).collect::<Vec<_>>() {
                    let (Some(name), Some(raw)) = (doc.get(t, "Name"), self.req(doc, t, "Type"))
                    else {
                        continue;
                    };
                    let Some(ty) = self.type_ref(d as u32, raw, doc.attr_pos(t, "Type")) else {
                        continue;
                    };
                    let nullable = self.bool_attr(doc, t, "Nullable", true);
                    let base_term = doc
                        .get(t, "BaseTerm")
                        .map(|b| self.qualify(d as u32, b).into_owned());
                    self.m.terms.push(Term {
                        namespace: ns.to_string(),
                        name: name.to_string(),
                        ty,
                        applies_to: doc
                            .get(t, "AppliesTo")
                            .map(|a| a.split_whitespace().map(str::to_string).collect())
                            .unwrap_or_default(),
                        pos: doc.pos(t),
                        base_term,
                        default_value: doc.get(t, "DefaultValue").map(str::to_string),
                        nullable,
                    });
                }
            }
        }
    }
}
