//! What the CSDL JSON converter knows of types, to type annotation values: the
//! declarations of the document converted and of the standard OASIS vocabularies.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::lex::{Lexer, Member, Node, Str, V};

/// A type reference, namespace-qualified.
#[derive(Debug, Clone)]
pub(super) struct TyRef {
    pub(super) name: String,
}

#[derive(Debug, Clone)]
enum TypeInfo {
    Enum,
    Definition(String),
    Structured {
        base: Option<String>,
        properties: HashMap<String, TyRef>,
    },
}

#[derive(Default)]
pub(super) struct Types {
    /// Alias → namespace, of the document converted.
    pub(super) aliases: HashMap<String, String>,
    types: HashMap<String, TypeInfo>,
    terms: HashMap<String, TyRef>,
}

/// The embedded standard vocabularies, by namespace.
const VOCABULARIES: &[(&str, &str)] = &[
    (
        "Org.OData.Aggregation.V1",
        include_str!("../../vocabularies/Org.OData.Aggregation.V1.json"),
    ),
    (
        "Org.OData.Authorization.V1",
        include_str!("../../vocabularies/Org.OData.Authorization.V1.json"),
    ),
    (
        "Org.OData.Capabilities.V1",
        include_str!("../../vocabularies/Org.OData.Capabilities.V1.json"),
    ),
    (
        "Org.OData.Core.V1",
        include_str!("../../vocabularies/Org.OData.Core.V1.json"),
    ),
    (
        "Org.OData.JSON.V1",
        include_str!("../../vocabularies/Org.OData.JSON.V1.json"),
    ),
    (
        "Org.OData.Measures.V1",
        include_str!("../../vocabularies/Org.OData.Measures.V1.json"),
    ),
    (
        "Org.OData.Repeatability.V1",
        include_str!("../../vocabularies/Org.OData.Repeatability.V1.json"),
    ),
    (
        "Org.OData.Temporal.V1",
        include_str!("../../vocabularies/Org.OData.Temporal.V1.json"),
    ),
    (
        "Org.OData.Validation.V1",
        include_str!("../../vocabularies/Org.OData.Validation.V1.json"),
    ),
];

pub(super) fn str_of<'s>(src: &'s str, s: &'s Str) -> &'s str {
    match s {
        Str::Span(a, b) => src.get(*a as usize..*b as usize).unwrap_or(""),
        Str::Owned(o) => o,
    }
}

pub(super) fn member<'m>(obj: &'m [Member], src: &str, name: &str) -> Option<&'m Member> {
    obj.iter().find(|m| str_of(src, &m.key) == name)
}

/// `Alias.Name` → `Namespace.Name` with `aliases`.
pub(super) fn canonical(aliases: &HashMap<String, String>, name: &str) -> String {
    match name.rsplit_once('.') {
        Some((prefix, simple)) => match aliases.get(prefix) {
            Some(ns) => format!("{ns}.{simple}"),
            None => name.to_string(),
        },
        None => name.to_string(),
    }
}

impl Types {
    /// Learns the types and terms declared in a document tree; its aliases are used to
    /// qualify the names it uses, and kept when `own` (the document converted).
    pub(super) fn learn(&mut self, src: &str, root: &Node, own: bool) {
        let V::Obj(doc) = &root.v else {
            return;
        };
        let mut aliases = HashMap::new();
        if let Some(V::Obj(refs)) = member(doc, src, "$Reference").map(|m| &m.val.v) {
            for r in refs {
                let V::Obj(r) = &r.val.v else { continue };
                let Some(V::Arr(incs)) = member(r, src, "$Include").map(|m| &m.val.v) else {
                    continue;
                };
                for inc in incs {
                    let V::Obj(inc) = &inc.v else { continue };
                    let (Some(ns), Some(alias)) = (
                        string_member(inc, src, "$Namespace"),
                        string_member(inc, src, "$Alias"),
                    ) else {
                        continue;
                    };
                    aliases.insert(alias.to_string(), ns.to_string());
                }
            }
        }
        for s in doc {
            let ns = str_of(src, &s.key);
            if ns.starts_with('$') || ns.contains('@') {
                continue;
            }
            if let V::Obj(schema) = &s.val.v
                && let Some(alias) = string_member(schema, src, "$Alias")
            {
                aliases.insert(alias.to_string(), ns.to_string());
            }
        }
        let tyref = |obj: &[Member], ty_member: &str| TyRef {
            name: canonical(
                &aliases,
                string_member(obj, src, ty_member).unwrap_or("Edm.String"),
            ),
        };
        for s in doc {
            let ns = str_of(src, &s.key);
            let V::Obj(schema) = &s.val.v else { continue };
            if ns.starts_with('$') || ns.contains('@') {
                continue;
            }
            for m in schema {
                let name = str_of(src, &m.key);
                let V::Obj(def) = &m.val.v else { continue };
                let qn = format!("{ns}.{name}");
                let info = match string_member(def, src, "$Kind") {
                    Some("Term") => {
                        self.terms.insert(qn, tyref(def, "$Type"));
                        continue;
                    }
                    Some("EnumType") => TypeInfo::Enum,
                    Some("TypeDefinition") => TypeInfo::Definition(canonical(
                        &aliases,
                        string_member(def, src, "$UnderlyingType").unwrap_or("Edm.String"),
                    )),
                    Some("ComplexType" | "EntityType") => TypeInfo::Structured {
                        base: string_member(def, src, "$BaseType").map(|b| canonical(&aliases, b)),
                        properties: def
                            .iter()
                            .filter(|p| {
                                let k = str_of(src, &p.key);
                                !k.starts_with('$') && !k.contains('@')
                            })
                            .filter_map(|p| match &p.val.v {
                                V::Obj(po) => {
                                    Some((str_of(src, &p.key).to_string(), tyref(po, "$Type")))
                                }
                                _ => None,
                            })
                            .collect(),
                    },
                    _ => continue,
                };
                self.types.insert(qn, info);
            }
        }
        if own {
            self.aliases = aliases;
        }
    }

    /// The types and terms of the embedded standard vocabularies, read once per process.
    fn standard() -> &'static Types {
        static STANDARD: OnceLock<Types> = OnceLock::new();
        STANDARD.get_or_init(|| {
            let mut all = Types::default();
            for (_, text) in VOCABULARIES {
                if let Ok(tree) = Lexer::new(text.as_bytes()).document() {
                    all.learn(text, &tree, false);
                }
            }
            all
        })
    }

    pub(super) fn term(&self, qn: &str) -> Option<TyRef> {
        self.terms
            .get(qn)
            .or_else(|| Self::standard().terms.get(qn))
            .cloned()
    }

    fn ty(&self, qn: &str) -> Option<TypeInfo> {
        self.types
            .get(qn)
            .or_else(|| Self::standard().types.get(qn))
            .cloned()
    }

    /// The type of property `prop` of structured type `qn` (or of one of its bases).
    pub(super) fn property(&self, qn: &str, prop: &str) -> Option<TyRef> {
        let mut cur = qn.to_string();
        for _ in 0..64 {
            let TypeInfo::Structured { base, properties } = self.ty(&cur)? else {
                return None;
            };
            if let Some(t) = properties.get(prop) {
                return Some(t.clone());
            }
            cur = base?;
        }
        None
    }

    /// The primitive type (`Edm.X`) or enumeration a type name stands for, type
    /// definitions followed.
    pub(super) fn scalar(&self, qn: &str) -> Scalar {
        let mut cur = qn.to_string();
        for _ in 0..64 {
            if let Some(p) = cur.strip_prefix("Edm.") {
                return Scalar::Primitive(p.to_string());
            }
            match self.ty(&cur) {
                Some(TypeInfo::Enum) => return Scalar::Enum(cur),
                Some(TypeInfo::Definition(u)) => cur = u,
                _ => return Scalar::Other,
            }
        }
        Scalar::Other
    }
}

pub(super) enum Scalar {
    Primitive(String),
    Enum(String),
    Other,
}

pub(super) fn string_member<'s>(obj: &'s [Member], src: &'s str, name: &str) -> Option<&'s str> {
    match &member(obj, src, name)?.val.v {
        V::Str(s) => Some(str_of(src, s)),
        _ => None,
    }
}
