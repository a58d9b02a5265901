//! Schemas and aliases, and the first pass: every schema-level name declared.

use super::*;
use crate::diag::Pos;
use crate::document::Kind;

impl<'d> Resolver<'d, '_> {
    pub(super) fn collect_schemas(&mut self) {
        let docs = self.docs;
        for (d, doc) in docs.iter().enumerate() {
            let mut aliases: Map<&'d str, &'d str> = Map::default();
            let mut alias_pos: Map<&'d str, Pos> = Map::default();
            let mut add_alias = |this: &mut Self, alias: &'d str, ns: &'d str, pos: Pos| {
                if matches!(alias, "Edm" | "odata" | "System" | "Transient") {
                    this.err(
                        format!("`{alias}` is reserved and cannot be used as an alias"),
                        pos,
                    );
                    return;
                }
                if let Some(prev) = aliases.get(alias) {
                    if *prev != ns {
                        let at = this.at(alias_pos[alias]);
                        this.err(
                            format!("duplicate alias `{alias}` (first declared at {at})"),
                            pos,
                        );
                    }
                    return;
                }
                aliases.insert(alias, ns);
                alias_pos.insert(alias, pos);
            };
            for r in doc.children_of(doc.root(), Kind::Reference) {
                for i in doc.children_of(r, Kind::Include) {
                    if let (Some(ns), Some(alias)) = (doc.get(i, "Namespace"), doc.attr(i, "Alias"))
                    {
                        add_alias(self, doc.value(alias), ns, alias.pos);
                    }
                }
            }
            for s in self.schemas(d) {
                let Some(ns) = self.req(doc, s, "Namespace") else {
                    continue;
                };
                let pos = doc.attr_pos(s, "Namespace");
                if matches!(ns, "Edm" | "odata" | "System" | "Transient") {
                    self.err(
                        format!("`{ns}` is reserved and cannot be used as a namespace"),
                        pos,
                    );
                }
                if let Some(prev) = self.namespaces.get(ns) {
                    let at = self.at(*prev);
                    self.err(
                        format!("duplicate schema namespace `{ns}` (first declared at {at})"),
                        pos,
                    );
                    continue;
                }
                self.namespaces.insert(ns, pos);
                let alias = doc.attr(s, "Alias");
                if let Some(a) = alias {
                    add_alias(self, doc.value(a), ns, a.pos);
                }
                self.m.schemas.push(Schema {
                    namespace: ns.to_string(),
                    alias: alias.map(|a| doc.value(a).to_string()),
                    file: doc.file,
                    pos: doc.pos(s),
                    builtin: self.builtin.contains(&doc.file),
                });
            }
            for (alias, pos) in &alias_pos {
                if self.namespaces.contains_key(alias) {
                    let a = *alias;
                    self.err(format!("alias `{a}` is also the name of a namespace"), *pos);
                }
            }
            self.aliases.push(aliases);
        }
    }

    pub(super) fn declare(&mut self, qname: String, what: Named, pos: Pos) -> bool {
        let Some((prev, prev_pos)) = self.names.get(&qname).copied() else {
            self.names.insert(qname, (what, pos));
            return true;
        };
        let is_op = |n: Named| matches!(n, Named::Action | Named::Function);
        if prev == what && is_op(what) {
            return true; // an overload
        }
        let at = self.at(prev_pos);
        if is_op(what) && (is_op(prev) || prev == Named::Type) {
            // Real documents do this: Graph declares `delta` both as an action and as a
            // function, and `image` both as a complex type and as a function.
            if self.clash_warned.insert(qname.clone()) {
                let (a, b) = (named_word(prev), named_word(what));
                self.warn(
                    format!("`{qname}` is declared both as {a} and as {b} (first at {at})"),
                    pos,
                );
            }
            return true;
        }
        self.err(
            format!("duplicate name `{qname}` (first declared at {at})"),
            pos,
        );
        false
    }

    /// Pass 1: a [`TypeId`] for every named type, names of everything else.
    pub(super) fn register(&mut self) {
        let docs = self.docs;
        for (d, doc) in docs.iter().enumerate() {
            for s in self.schemas(d).collect::<Vec<_>>() {
                let Some(ns) = doc.get(s, "Namespace") else {
                    continue;
                };
                for c in doc.children(s).collect::<Vec<_>>() {
                    let kind = doc.kind(c);
                    let what = match kind {
                        Kind::EntityType
                        | Kind::ComplexType
                        | Kind::EnumType
                        | Kind::TypeDefinition => Named::Type,
                        Kind::Action => Named::Action,
                        Kind::Function => Named::Function,
                        Kind::Term => Named::Term,
                        Kind::EntityContainer => Named::Container,
                        _ => continue,
                    };
                    let Some(name) = self.req(doc, c, "Name") else {
                        continue;
                    };
                    let pos = doc.attr_pos(c, "Name");
                    let qname = format!("{ns}.{name}");
                    if !self.declare(qname.clone(), what, pos) {
                        continue;
                    }
                    let el = El {
                        doc: d as u32,
                        id: c,
                    };
                    match what {
                        Named::Type => {
                            let id = TypeId(self.m.types.len() as u32);
                            let kind = match kind {
                                Kind::EntityType => TypeKind::Entity(empty_structured()),
                                Kind::ComplexType => TypeKind::Complex(empty_structured()),
                                Kind::EnumType => TypeKind::Enum(EnumType {
                                    underlying: Primitive::Int32,
                                    is_flags: false,
                                    members: Vec::new(),
                                }),
                                _ => TypeKind::Definition(TypeDefinition {
                                    underlying: Primitive::String,
                                    facets: Facets::default(),
                                }),
                            };
                            self.m.types.push(Type {
                                namespace: ns.to_string(),
                                name: name.to_string(),
                                kind,
                                description: None,
                                long_description: None,
                                pos: doc.pos(c),
                            });
                            self.m.type_index.insert(qname, id);
                            self.types_by_parts.insert((ns, name), id);
                            self.type_el.push(el);
                            self.own_keys.push(None);
                        }
                        Named::Action | Named::Function => self.op_el.push(el),
                        Named::Container => {
                            self.container_index.insert(qname, self.container_el.len());
                            self.container_el.push(el);
                        }
                        Named::Term => {}
                    }
                }
            }
        }
    }
}
