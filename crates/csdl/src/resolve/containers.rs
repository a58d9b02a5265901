//! Entity containers: entity sets, singletons, imports, `Extends`, bindings.

use std::collections::HashSet;

use super::*;
use crate::diag::Pos;
use crate::document::{Document, ElemId, Kind};

impl<'d> Resolver<'d, '_> {
    pub(super) fn entity_type_attr(
        &mut self,
        d: u32,
        doc: &'d Document,
        el: ElemId,
        attr: &str,
        what: &str,
    ) -> Option<TypeId> {
        let raw = self.req(doc, el, attr)?;
        let pos = doc.attr_pos(el, attr);
        let ty = self.type_ref(d, raw, pos)?;
        match (ty.collection, ty.target, self.type_kind_of(&ty)) {
            (false, Target::Named(id), Some(Kind::EntityType)) => Some(id),
            _ => {
                self.err(
                    format!("{what} must have an entity type, found `{raw}`"),
                    pos,
                );
                None
            }
        }
    }

    /// Containers, in document order: their own children, then `Extends` merged in,
    /// then their navigation property bindings.
    pub(super) fn build_containers(&mut self) {
        let mut raw_bindings: Vec<Vec<RawBinding>> = Vec::new();
        let mut extends: Vec<Option<(String, Pos)>> = Vec::new();
        for ci in 0..self.container_el.len() {
            let (c, bindings, ext) = self.container(ci);
            extends.push(ext);
            raw_bindings.push(bindings);
            self.m.containers.push(c);
        }
        let originals: Vec<Container> = self.m.containers.clone();
        let ext_idx = self.merge_extends(&extends, &originals);
        self.bind_navigation(raw_bindings, &ext_idx, &originals);
    }

    /// One container's own children, its raw bindings and its `Extends` (qualified).
    fn container(&mut self, ci: usize) -> (Container, Vec<RawBinding>, Option<(String, Pos)>) {
        let El { doc: d, id: el } = self.container_el[ci];
        let doc: &'d Document = &self.docs[d as usize];
        let ns = doc
            .parent(el)
            .and_then(|s| doc.get(s, "Namespace"))
            .unwrap_or("");
        let cname = doc.get(el, "Name").unwrap_or("");
        let mut c = Container {
            namespace: ns.to_string(),
            name: cname.to_string(),
            entity_sets: Vec::new(),
            singletons: Vec::new(),
            action_imports: Vec::new(),
            function_imports: Vec::new(),
            description: None,
            pos: doc.pos(el),
        };
        let mut bindings = Vec::new();
        let mut seen: Map<&'d str, Pos> = Map::default();
        for ch in doc.children(el) {
            let k = doc.kind(ch);
            if !matches!(
                k,
                Kind::EntitySet | Kind::Singleton | Kind::ActionImport | Kind::FunctionImport
            ) {
                continue;
            }
            let Some(name) = self.req(doc, ch, "Name") else {
                continue;
            };
            let pos = doc.attr_pos(ch, "Name");
            if let Some(prev) = seen.get(name) {
                let at = self.at(*prev);
                self.err(format!("duplicate name `{name}` in entity container `{ns}.{cname}` (first declared at {at})"), pos);
                continue;
            }
            seen.insert(name, pos);
            if matches!(k, Kind::EntitySet | Kind::Singleton) {
                self.set_or_singleton(ci, &mut c, &mut bindings, ch, name);
            } else if let Some(imp) = self.operation_import(d, ch, name) {
                if k == Kind::ActionImport {
                    c.action_imports.push(imp)
                } else {
                    c.function_imports.push(imp)
                }
            }
        }
        let ext = doc
            .attr(el, "Extends")
            .map(|a| (self.qualify(d, doc.value(a)).into_owned(), a.pos));
        (c, bindings, ext)
    }

    /// An `EntitySet` or `Singleton` `ch` of container `ci`, added to `c`; its
    /// `NavigationPropertyBinding`s go to `bindings`.
    fn set_or_singleton(
        &mut self,
        ci: usize,
        c: &mut Container,
        bindings: &mut Vec<RawBinding>,
        ch: ElemId,
        name: &str,
    ) {
        let El { doc: d, .. } = self.container_el[ci];
        let doc: &'d Document = &self.docs[d as usize];
        let is_set = doc.kind(ch) == Kind::EntitySet;
        let attr = if is_set { "EntityType" } else { "Type" };
        let what = format!(
            "{} `{name}`",
            if is_set { "entity set" } else { "singleton" }
        );
        let Some(et) = self.entity_type_attr(d, doc, ch, attr, &what) else {
            return;
        };
        let idx = if is_set {
            c.entity_sets.len()
        } else {
            c.singletons.len()
        };
        for b in doc.children_of(ch, Kind::NavigationPropertyBinding) {
            if let (Some(p), Some(t)) = (self.req(doc, b, "Path"), self.req(doc, b, "Target")) {
                bindings.push((ci, is_set, idx, p.to_string(), t.to_string(), doc.pos(b)));
            }
        }
        if is_set {
            if et.0 as usize >= self.m.types.len()
                || self.m.ty(et).structured().is_some_and(|s| s.key.is_empty())
            {
                let tn = self.m.ty(et).qualified_name();
                self.warn(
                    format!("entity set `{name}` has entity type `{tn}`, which has no key"),
                    doc.attr_pos(ch, attr),
                );
            }
            let incl = self.bool_attr(doc, ch, "IncludeInServiceDocument", true);
            c.entity_sets.push(EntitySet {
                name: name.to_string(),
                entity_type: et,
                navigation_bindings: Vec::new(),
                include_in_service_document: incl,
                description: None,
                pos: doc.pos(ch),
            });
        } else {
            let nullable = self.bool_attr(doc, ch, "Nullable", false);
            c.singletons.push(Singleton {
                name: name.to_string(),
                entity_type: et,
                nullable,
                navigation_bindings: Vec::new(),
                description: None,
                pos: doc.pos(ch),
            });
        }
    }

    /// An `ActionImport` or `FunctionImport`: `None` (with a warning: the import is left
    /// out) when it names no unbound operation read.
    fn operation_import(&mut self, d: u32, ch: ElemId, name: &str) -> Option<OperationImport> {
        let doc: &'d Document = &self.docs[d as usize];
        let is_action = doc.kind(ch) == Kind::ActionImport;
        let attr = if is_action { "Action" } else { "Function" };
        let raw = self.req(doc, ch, attr)?;
        let q = self.qualify(d, raw).into_owned();
        let want = if is_action {
            OperationKind::Action
        } else {
            OperationKind::Function
        };
        let overloads: Vec<OperationId> = self
            .m
            .operation_index
            .get(&q)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|o| {
                        let op = self.m.operation(*o);
                        op.kind == want && op.binding.is_none()
                    })
                    .collect()
            })
            .unwrap_or_default();
        if overloads.is_empty() {
            // Often an operation of a document not available: left out.
            let w = if is_action { "action" } else { "function" };
            self.warn(
                format!(
                    "`{name}` imports `{raw}`, which is not an unbound {w}; the import is left out"
                ),
                doc.attr_pos(ch, attr),
            );
            return None;
        }
        let incl = self.bool_attr(doc, ch, "IncludeInServiceDocument", false);
        Some(OperationImport {
            name: name.to_string(),
            operation: q,
            overloads,
            entity_set: doc.get(ch, "EntitySet").map(str::to_string),
            include_in_service_document: incl,
            pos: doc.pos(ch),
        })
    }

    /// Resolves `Extends` (transitively, cycle-safe): own children first, then
    /// inherited. Returns the container each one extends.
    fn merge_extends(
        &mut self,
        extends: &[Option<(String, Pos)>],
        originals: &[Container],
    ) -> Vec<Option<usize>> {
        let n = self.m.containers.len();
        let mut ext_idx: Vec<Option<usize>> = vec![None; n];
        for (i, e) in extends.iter().enumerate() {
            if let Some((q, pos)) = e {
                match self.container_index.get(q) {
                    Some(j) => ext_idx[i] = Some(*j),
                    None => self.warn(
                        format!(
                            "unknown entity container `{q}` in `Extends`; nothing is inherited"
                        ),
                        *pos,
                    ),
                }
            }
        }
        for i in 0..n {
            let mut visited = vec![i];
            let mut cur = ext_idx[i];
            while let Some(j) = cur {
                if visited.contains(&j) {
                    let cn = format!("{}.{}", originals[i].namespace, originals[i].name);
                    self.err(
                        format!("entity container `{cn}` extends itself (cycle in `Extends`)"),
                        originals[i].pos,
                    );
                    break;
                }
                visited.push(j);
                let src = &originals[j];
                let c = &mut self.m.containers[i];
                let names: HashSet<String> = c
                    .entity_sets
                    .iter()
                    .map(|x| x.name.clone())
                    .chain(c.singletons.iter().map(|x| x.name.clone()))
                    .chain(c.action_imports.iter().map(|x| x.name.clone()))
                    .chain(c.function_imports.iter().map(|x| x.name.clone()))
                    .collect();
                c.entity_sets.extend(
                    src.entity_sets
                        .iter()
                        .filter(|x| !names.contains(&x.name))
                        .cloned(),
                );
                c.singletons.extend(
                    src.singletons
                        .iter()
                        .filter(|x| !names.contains(&x.name))
                        .cloned(),
                );
                c.action_imports.extend(
                    src.action_imports
                        .iter()
                        .filter(|x| !names.contains(&x.name))
                        .cloned(),
                );
                c.function_imports.extend(
                    src.function_imports
                        .iter()
                        .filter(|x| !names.contains(&x.name))
                        .cloned(),
                );
                cur = ext_idx[j];
            }
        }
        ext_idx
    }

    /// Navigation property bindings, on the container that declares them and any that
    /// extends it.
    fn bind_navigation(
        &mut self,
        raw_bindings: Vec<Vec<RawBinding>>,
        ext_idx: &[Option<usize>],
        originals: &[Container],
    ) {
        let n = self.m.containers.len();
        for bindings in raw_bindings {
            for (ci, is_set, idx, path, target, pos) in bindings {
                let c = &originals[ci];
                let (et, owner) = if is_set {
                    (
                        c.entity_sets[idx].entity_type,
                        c.entity_sets[idx].name.clone(),
                    )
                } else {
                    (
                        c.singletons[idx].entity_type,
                        c.singletons[idx].name.clone(),
                    )
                };
                let d = self.container_el[ci].doc;
                let path_ok = self.follow_path(d, et, &path);
                let target_ok = self.binding_target_ok(d, ci, &target);
                if !path_ok {
                    let tn = self.m.ty(et).qualified_name();
                    self.warn(
                        format!("navigation property binding path `{path}` of `{owner}` cannot be followed from `{tn}`; kept unresolved"),
                        pos,
                    );
                } else if !target_ok {
                    self.warn(format!("navigation property binding target `{target}` of `{owner}` names nothing in the container; kept unresolved"), pos);
                }
                let nb = NavigationBinding {
                    path,
                    target,
                    resolved: path_ok && target_ok,
                };
                for (i, cont) in self.m.containers.iter_mut().enumerate() {
                    let inherits = i == ci || {
                        let mut cur = ext_idx[i];
                        let mut steps = 0;
                        let mut hit = false;
                        while let Some(j) = cur {
                            if j == ci {
                                hit = true;
                                break;
                            }
                            steps += 1;
                            if steps > n {
                                break;
                            }
                            cur = ext_idx[j];
                        }
                        hit
                    };
                    if !inherits {
                        continue;
                    }
                    let list = if is_set {
                        cont.entity_sets
                            .iter_mut()
                            .find(|s| s.name == owner)
                            .map(|s| &mut s.navigation_bindings)
                    } else {
                        cont.singletons
                            .iter_mut()
                            .find(|s| s.name == owner)
                            .map(|s| &mut s.navigation_bindings)
                    };
                    if let Some(list) = list {
                        list.push(nb.clone());
                    }
                }
            }
        }
    }

    /// Follows a navigation path (`Nav`, `Complex/Nav`, `ns.Derived/Nav`) from `start`.
    pub(super) fn follow_path(&self, d: u32, start: TypeId, path: &str) -> bool {
        let mut cur = start;
        let mut last_nav = false;
        for seg in path.split('/') {
            if seg.is_empty() {
                return false;
            }
            if seg.contains('.') {
                match self.lookup_type(d, seg) {
                    Some(t) if t == cur || self.m.bases(t).any(|b| b == cur) => cur = t,
                    _ => return false,
                }
                continue;
            }
            if let Some(p) = self
                .m
                .all_properties(cur)
                .into_iter()
                .find(|p| p.name == seg)
            {
                match p.ty.target {
                    Target::Named(t) if self.m.ty(t).structured().is_some() => cur = t,
                    _ => return false,
                }
                last_nav = false;
            } else if let Some(n) = self
                .m
                .all_navigation(cur)
                .into_iter()
                .find(|n| n.name == seg)
            {
                match n.ty.target {
                    Target::Named(t) => cur = t,
                    _ => return false,
                }
                last_nav = true;
            } else {
                return false;
            }
        }
        last_nav
    }

    pub(super) fn binding_target_ok(&self, d: u32, ci: usize, target: &str) -> bool {
        let mut segs = target.split('/');
        let first = segs.next().unwrap_or("");
        let has = |c: &Container, n: &str| {
            c.entity_sets.iter().any(|s| s.name == n) || c.singletons.iter().any(|s| s.name == n)
        };
        if first.contains('.') {
            let q = self.qualify(d, first);
            let Some(j) = self.container_index.get(q.as_ref()) else {
                return false;
            };
            return segs.next().is_some_and(|s| has(&self.m.containers[*j], s));
        }
        has(&self.m.containers[ci], first)
    }
}
