//! Entity, complex and enumeration types, type definitions, inheritance and keys.

use super::*;
use crate::diag::Pos;
use crate::document::{Document, ElemId, Kind};

impl<'d> Resolver<'d, '_> {
    pub(super) fn facets(&mut self, doc: &'d Document, el: ElemId) -> Facets {
        let mut f = Facets::default();
        if let Some(a) = doc.attr(el, "MaxLength") {
            let v = doc.value(a).trim();
            if v.eq_ignore_ascii_case("max") {
                f.max_length = Some(None);
            } else {
                match v.parse::<u64>() {
                    Ok(n) if n > 0 => f.max_length = Some(Some(n)),
                    _ => self.err(
                        format!("invalid `MaxLength` `{v}`: expected a positive integer or `max`"),
                        a.pos,
                    ),
                }
            }
        }
        if let Some(a) = doc.attr(el, "Precision") {
            let v = doc.value(a).trim();
            match v.parse::<u32>() {
                Ok(n) => f.precision = Some(n),
                _ => self.err(
                    format!("invalid `Precision` `{v}`: expected a non-negative integer"),
                    a.pos,
                ),
            }
        }
        if let Some(a) = doc.attr(el, "Scale") {
            let v = doc.value(a).trim();
            if v.eq_ignore_ascii_case("variable") || v.eq_ignore_ascii_case("floating") {
                f.scale = Some(None);
            } else {
                match v.parse::<u32>() {
                    Ok(n) => {
                        f.scale = Some(Some(n));
                        if let Some(p) = f.precision
                            && n > p
                        {
                            self.err(format!("`Scale` {n} is greater than `Precision` {p}"), a.pos);
                        }
                    }
                    _ => self.err(
                        format!("invalid `Scale` `{v}`: expected a non-negative integer, `variable` or `floating`"),
                        a.pos,
                    ),
                }
            }
        }
        if let Some(a) = doc.attr(el, "SRID") {
            let v = doc.value(a).trim();
            if v.eq_ignore_ascii_case("variable") || v.parse::<u32>().is_ok() {
                f.srid = Some(v.to_string());
            } else {
                self.err(
                    format!("invalid `SRID` `{v}`: expected a non-negative integer or `variable`"),
                    a.pos,
                );
            }
        }
        if doc.attr(el, "Unicode").is_some() {
            f.unicode = Some(self.bool_attr(doc, el, "Unicode", true));
        }
        f
    }

    pub(super) fn type_kind_of(&self, t: &TypeRef) -> Option<Kind> {
        match t.target {
            Target::Named(id) => Some(
                self.docs[self.type_el[id.0 as usize].doc as usize]
                    .kind(self.type_el[id.0 as usize].id),
            ),
            Target::Primitive(_) => None,
        }
    }

    /// Pass 2: members of every type.
    pub(super) fn build_types(&mut self) {
        for i in 0..self.type_el.len() {
            let El { doc: d, id: el } = self.type_el[i];
            let doc: &'d Document = &self.docs[d as usize];
            let kind = match doc.kind(el) {
                Kind::EntityType | Kind::ComplexType => self.structured(i, d, el),
                Kind::EnumType => self.enum_type(d, el),
                _ => self.type_definition(d, el),
            };
            if let Some(kind) = kind {
                self.m.types[i].kind = kind;
            }
        }
    }

    /// An entity or complex type: base type, flags, key (kept raw until every type is
    /// built), properties and navigation properties.
    pub(super) fn structured(&mut self, i: usize, d: u32, el: ElemId) -> Option<TypeKind> {
        let doc: &'d Document = &self.docs[d as usize];
        let is_entity = doc.kind(el) == Kind::EntityType;
        let tname = self.m.types[i].qualified_name();
        let mut s = empty_structured();
        s.base = self.base_type(d, el, is_entity, &tname);
        s.is_abstract = self.bool_attr(doc, el, "Abstract", false);
        s.open = self.bool_attr(doc, el, "OpenType", false);
        if is_entity {
            s.has_stream = self.bool_attr(doc, el, "HasStream", false);
        } else if let Some(a) = doc.attr(el, "HasStream") {
            self.err(
                format!("`HasStream` is not allowed on complex type `{tname}`"),
                a.pos,
            );
        }
        let mut seen: Map<&'d str, Pos> = Map::default();
        let mut keys = 0;
        for c in doc.children(el) {
            match doc.kind(c) {
                Kind::Key if is_entity => {
                    keys += 1;
                    if keys > 1 {
                        self.err(
                            format!("entity type `{tname}` has more than one `Key`"),
                            doc.pos(c),
                        );
                        continue;
                    }
                    self.own_keys[i] = Some(self.key(doc, c, &tname));
                }
                Kind::Key => self.err(
                    format!("complex type `{tname}` cannot have a key"),
                    doc.pos(c),
                ),
                Kind::Property | Kind::NavigationProperty => {
                    let Some(name) = self.req(doc, c, "Name") else {
                        continue;
                    };
                    let pos = doc.attr_pos(c, "Name");
                    if let Some(prev) = seen.get(name) {
                        let at = self.at(*prev);
                        self.err(
                            format!(
                                "duplicate property `{name}` in `{tname}` (first declared at {at})"
                            ),
                            pos,
                        );
                        continue;
                    }
                    seen.insert(name, pos);
                    if doc.kind(c) == Kind::Property {
                        s.properties.extend(self.property(d, c, name, &tname));
                    } else {
                        s.navigation
                            .extend(self.navigation_property(d, c, name, &tname));
                    }
                }
                _ => {}
            }
        }
        Some(if is_entity {
            TypeKind::Entity(s)
        } else {
            TypeKind::Complex(s)
        })
    }

    /// The `BaseType` of `el`: a type of the same kind.
    fn base_type(&mut self, d: u32, el: ElemId, is_entity: bool, tname: &str) -> Option<TypeId> {
        let doc: &'d Document = &self.docs[d as usize];
        let a = doc.attr(el, "BaseType")?;
        let raw = doc.value(a);
        let t = self.type_ref(d, raw, a.pos)?;
        let want = if is_entity {
            Kind::EntityType
        } else {
            Kind::ComplexType
        };
        match (t.collection, t.target, self.type_kind_of(&t)) {
            (false, Target::Named(id), Some(k)) if k == want => Some(id),
            (_, _, k) => {
                let what = if is_entity {
                    "entity type"
                } else {
                    "complex type"
                };
                let found = match k {
                    Some(Kind::EntityType) => "entity type",
                    Some(Kind::ComplexType) => "complex type",
                    Some(Kind::EnumType) => "enumeration type",
                    Some(_) => "type definition",
                    None => "primitive type",
                };
                self.err(
                    format!("{what} `{tname}` cannot derive from {found} `{raw}`"),
                    a.pos,
                );
                None
            }
        }
    }

    /// The `PropertyRef`s of a `Key`, as written.
    fn key(&mut self, doc: &'d Document, key: ElemId, tname: &str) -> Vec<RawKeyPart> {
        let mut parts = Vec::new();
        for r in doc.children_of(key, Kind::PropertyRef) {
            if let Some(name) = self.req(doc, r, "Name") {
                parts.push((
                    name.to_string(),
                    doc.get(r, "Alias").map(str::to_string),
                    doc.attr_pos(r, "Name"),
                ));
            }
        }
        if parts.is_empty() {
            self.err(
                format!("the key of `{tname}` has no `PropertyRef`"),
                doc.pos(key),
            );
        }
        parts
    }

    /// A structural `Property` named `name` of type `tname`.
    fn property(&mut self, d: u32, c: ElemId, name: &str, tname: &str) -> Option<Property> {
        let doc: &'d Document = &self.docs[d as usize];
        let raw_ty = self.req(doc, c, "Type")?;
        let ty_pos = doc.attr_pos(c, "Type");
        let ty = self.type_ref(d, raw_ty, ty_pos)?;
        let nullable = self.bool_attr(doc, c, "Nullable", true);
        if self.type_kind_of(&ty) == Some(Kind::EntityType) {
            self.err(
                format!("property `{name}` of `{tname}` has entity type `{raw_ty}`; use a `NavigationProperty`"),
                ty_pos,
            );
            return None;
        }
        let facets = self.facets(doc, c);
        Some(Property {
            name: name.to_string(),
            ty,
            nullable,
            facets,
            default_value: doc.get(c, "DefaultValue").map(str::to_string),
            description: None,
            long_description: None,
            computed: false,
            immutable: false,
            permissions: None,
            pos: doc.pos(c),
        })
    }

    /// A `NavigationProperty` named `name` of type `tname`: to an entity type, with its
    /// referential constraints and `OnDelete`.
    fn navigation_property(
        &mut self,
        d: u32,
        c: ElemId,
        name: &str,
        tname: &str,
    ) -> Option<NavigationProperty> {
        let doc: &'d Document = &self.docs[d as usize];
        let raw_ty = self.req(doc, c, "Type")?;
        let ty_pos = doc.attr_pos(c, "Type");
        let ty = self.type_ref(d, raw_ty, ty_pos)?;
        let nullable = self.bool_attr(doc, c, "Nullable", true);
        let ok = matches!(
            ty.target,
            Target::Primitive(Primitive::AnyEntity | Primitive::Untyped)
        ) || self.type_kind_of(&ty) == Some(Kind::EntityType);
        if !ok {
            self.err(
                format!("navigation property `{name}` of `{tname}` must have an entity type, found `{raw_ty}`"),
                ty_pos,
            );
            return None;
        }
        let mut constraints = Vec::new();
        for rc in doc.children_of(c, Kind::ReferentialConstraint) {
            if let (Some(p), Some(r)) = (
                self.req(doc, rc, "Property"),
                self.req(doc, rc, "ReferencedProperty"),
            ) {
                constraints.push(ReferentialConstraint {
                    property: p.to_string(),
                    referenced: r.to_string(),
                });
            }
        }
        let on_delete = match doc.child(c, Kind::OnDelete) {
            Some(od) => match self.req(doc, od, "Action") {
                Some(a @ ("Cascade" | "None" | "SetNull" | "SetDefault")) => Some(a.to_string()),
                Some(a) => {
                    self.err(
                        format!("invalid `OnDelete` action `{a}`: expected `Cascade`, `None`, `SetNull` or `SetDefault`"),
                        doc.attr_pos(od, "Action"),
                    );
                    None
                }
                None => None,
            },
            None => None,
        };
        Some(NavigationProperty {
            name: name.to_string(),
            ty,
            nullable,
            partner: doc.get(c, "Partner").map(str::to_string),
            contains_target: self.bool_attr(doc, c, "ContainsTarget", false),
            description: None,
            long_description: None,
            pos: doc.pos(c),
            referential_constraints: constraints,
            on_delete,
        })
    }

    pub(super) fn enum_type(&mut self, d: u32, el: ElemId) -> Option<TypeKind> {
        let doc: &'d Document = &self.docs[d as usize];
        let mut underlying = Primitive::Int32;
        if let Some(a) = doc.attr(el, "UnderlyingType") {
            let v = doc.value(a);
            match v.strip_prefix("Edm.").and_then(primitive) {
                Some(p @ (Primitive::Byte | Primitive::SByte | Primitive::Int16 | Primitive::Int32 | Primitive::Int64)) => {
                    underlying = p
                }
                _ => self.err(
                    format!("invalid enumeration underlying type `{v}`: expected `Edm.Byte`, `Edm.SByte`, `Edm.Int16`, `Edm.Int32` or `Edm.Int64`"),
                    a.pos,
                ),
            }
        }
        let is_flags = self.bool_attr(doc, el, "IsFlags", false);
        let (lo, hi) = range_of(underlying).unwrap_or((i64::MIN, i64::MAX));
        let mut members: Vec<EnumMember> = Vec::new();
        let mut seen: Map<&'d str, Pos> = Map::default();
        let mut next: Option<i64> = Some(0);
        for mel in doc.children_of(el, Kind::Member) {
            let Some(name) = self.req(doc, mel, "Name") else {
                continue;
            };
            let pos = doc.attr_pos(mel, "Name");
            if let Some(prev) = seen.get(name) {
                let at = self.at(*prev);
                self.err(
                    format!("duplicate enumeration member `{name}` (first declared at {at})"),
                    pos,
                );
                continue;
            }
            seen.insert(name, pos);
            let value = match doc.attr(mel, "Value") {
                Some(a) => {
                    let v = doc.value(a).trim();
                    match v.parse::<i64>() {
                        Ok(n) if n >= lo && n <= hi => n,
                        Ok(n) => {
                            self.err(format!("enumeration member value {n} is out of range for `Edm.{underlying:?}`"), a.pos);
                            continue;
                        }
                        Err(_) => {
                            self.err(
                                format!(
                                    "invalid enumeration member value `{v}`: expected an integer"
                                ),
                                a.pos,
                            );
                            continue;
                        }
                    }
                }
                None => match next {
                    Some(n) if n <= hi => n,
                    _ => {
                        self.err(
                            "implicit enumeration member value overflows the underlying type",
                            pos,
                        );
                        continue;
                    }
                },
            };
            next = value.checked_add(1);
            members.push(EnumMember {
                name: name.to_string(),
                value,
                description: None,
                pos: doc.pos(mel),
            });
        }
        Some(TypeKind::Enum(EnumType {
            underlying,
            is_flags,
            members,
        }))
    }

    pub(super) fn type_definition(&mut self, d: u32, el: ElemId) -> Option<TypeKind> {
        let doc: &'d Document = &self.docs[d as usize];
        let raw = self.req(doc, el, "UnderlyingType")?;
        let pos = doc.attr_pos(el, "UnderlyingType");
        let underlying = match raw.strip_prefix("Edm.").and_then(primitive) {
            Some(p)
                if !matches!(
                    p,
                    Primitive::AnyEntity
                        | Primitive::AnyComplex
                        | Primitive::Untyped
                        | Primitive::Path
                ) =>
            {
                p
            }
            _ => {
                self.err(
                    format!(
                        "invalid type definition underlying type `{raw}`: expected a primitive type"
                    ),
                    pos,
                );
                return None;
            }
        };
        let facets = self.facets(doc, el);
        Some(TypeKind::Definition(TypeDefinition { underlying, facets }))
    }

    pub(super) fn structured_mut(&mut self, id: TypeId) -> Option<&mut Structured> {
        match &mut self.m.types[id.0 as usize].kind {
            TypeKind::Entity(s) | TypeKind::Complex(s) => Some(s),
            _ => None,
        }
    }
    pub(super) fn base_of(&self, id: TypeId) -> Option<TypeId> {
        self.m.types[id.0 as usize]
            .structured()
            .and_then(|s| s.base)
    }

    /// Pass 3: cycles, derived types, keys.
    pub(super) fn check_inheritance(&mut self) {
        self.break_cycles();
        let n = self.m.types.len();
        for i in 0..n {
            let id = TypeId(i as u32);
            if let Some(b) = self.base_of(id)
                && let Some(s) = self.structured_mut(b)
            {
                s.derived.push(id);
            }
        }
        for i in 0..n {
            let id = TypeId(i as u32);
            if let Some(b) = self.base_of(id) {
                let (this_abs, base_abs) = (
                    self.m.types[i].structured().is_some_and(|s| s.is_abstract),
                    self.m.types[b.0 as usize]
                        .structured()
                        .is_some_and(|s| s.is_abstract),
                );
                if this_abs && !base_abs {
                    let tn = self.m.types[i].qualified_name();
                    let bn = self.m.types[b.0 as usize].qualified_name();
                    self.warn(
                        format!("abstract type `{tn}` derives from the non-abstract type `{bn}`"),
                        self.m.types[i].pos,
                    );
                }
                if self.m.types[i].structured().is_some_and(|s| s.has_stream) {
                    let tn = self.m.types[i].qualified_name();
                    self.warn(
                        format!("`HasStream` on `{tn}`, which has a base type"),
                        self.m.types[i].pos,
                    );
                }
            }
        }
        self.check_partners();
        self.inherit_keys();
    }

    /// A cycle of base types is an error; the cycle is cut so later passes terminate.
    fn break_cycles(&mut self) {
        let n = self.m.types.len();
        // 0 = unvisited, 1 = on the current chain, 2 = done.
        let mut state = vec![0u8; n];
        for start in 0..n {
            let mut chain = Vec::new();
            let mut cur = Some(TypeId(start as u32));
            while let Some(t) = cur {
                match state[t.0 as usize] {
                    2 => break,
                    1 => {
                        let at = chain.iter().position(|c| *c == t).unwrap_or(0);
                        let mut names: Vec<String> = chain[at..]
                            .iter()
                            .map(|c: &TypeId| self.m.types[c.0 as usize].qualified_name())
                            .collect();
                        names.push(self.m.types[t.0 as usize].qualified_name());
                        let first = chain[at];
                        let pos = self.docs[self.type_el[first.0 as usize].doc as usize]
                            .attr_pos(self.type_el[first.0 as usize].id, "BaseType");
                        self.err(
                            format!(
                                "inheritance cycle: {}",
                                names
                                    .iter()
                                    .map(|s| format!("`{s}`"))
                                    .collect::<Vec<_>>()
                                    .join(" → ")
                            ),
                            pos,
                        );
                        if let Some(last) = chain.last().copied()
                            && let Some(s) = self.structured_mut(last)
                        {
                            s.base = None;
                        }
                        break;
                    }
                    _ => {
                        state[t.0 as usize] = 1;
                        chain.push(t);
                        cur = self.base_of(t);
                    }
                }
            }
            for c in chain {
                state[c.0 as usize] = 2;
            }
        }
    }

    /// Resolves every declared key, then gives each entity type its effective key
    /// (its own, or the nearest base's).
    fn inherit_keys(&mut self) {
        let n = self.m.types.len();
        let mut resolved: Vec<Option<Vec<KeyPart>>> = vec![None; n];
        for (i, slot) in resolved.iter_mut().enumerate() {
            let Some(parts) = self.own_keys[i].take() else {
                continue;
            };
            let id = TypeId(i as u32);
            let tn = self.m.types[i].qualified_name();
            let inherited: Option<TypeId> = self.m.bases(id).find(|b| self.own_keys_declared(*b));
            if let Some(b) = inherited {
                // OData's .NET library loads such documents: the base key wins.
                let bn = self.m.types[b.0 as usize].qualified_name();
                self.warn(
                    format!("entity type `{tn}` declares a key, but it inherits one from `{bn}`; the inherited key is used"),
                    self.m.types[i].pos,
                );
                continue;
            }
            let mut key = Vec::new();
            let mut usable = true;
            for (path, alias, pos) in parts {
                match self.key_part_type(id, &path, pos) {
                    KeyPartType::Usable(ty) => {
                        if path.contains('/') && alias.is_none() {
                            self.err(
                                format!("key part `{path}` is a path and needs an `Alias`"),
                                pos,
                            );
                        }
                        key.push(KeyPart { path, alias, ty });
                    }
                    KeyPartType::Unusable => usable = false,
                    KeyPartType::Wrong => {}
                }
            }
            // A key that cannot be written in a URL: the type is not addressed by key.
            *slot = Some(if usable { key } else { Vec::new() });
        }
        for i in 0..n {
            let id = TypeId(i as u32);
            if !matches!(self.m.types[i].kind, TypeKind::Entity(_)) {
                continue;
            }
            let key = std::iter::once(id)
                .chain(self.m.bases(id))
                .find_map(|t| resolved[t.0 as usize].clone());
            if let Some(key) = key
                && let Some(s) = self.structured_mut(id)
            {
                s.key = key;
            }
        }
    }

    /// A single-segment `Partner` must name a navigation property of the target type.
    pub(super) fn check_partners(&mut self) {
        let mut found = Vec::new();
        for (i, t) in self.m.types.iter().enumerate() {
            let Some(s) = t.structured() else { continue };
            for n in &s.navigation {
                let (Some(p), Target::Named(target)) = (&n.partner, n.ty.target) else {
                    continue;
                };
                if p.contains('/') {
                    continue;
                }
                let ok = self.m.all_navigation(target).iter().any(|x| x.name == *p)
                    || self.m.all_derived(target).iter().any(|d| {
                        self.m
                            .ty(*d)
                            .structured()
                            .is_some_and(|ds| ds.navigation.iter().any(|x| x.name == *p))
                    });
                if !ok {
                    let tn = self.m.ty(target).qualified_name();
                    found.push((
                        format!(
                            "partner `{p}` of `{}/{}` is not a navigation property of `{tn}`",
                            self.m.types[i].qualified_name(),
                            n.name
                        ),
                        n.pos,
                    ));
                }
            }
        }
        for (msg, pos) in found {
            self.warn(msg, pos);
        }
    }

    pub(super) fn own_keys_declared(&self, id: TypeId) -> bool {
        let el = self.type_el[id.0 as usize];
        self.docs[el.doc as usize].child(el.id, Kind::Key).is_some()
    }

    /// The type of one key part: an error when the path names nothing (no correct
    /// code possible), a warning when the property cannot be a key (a collection, a
    /// complex or untyped value: the type gets no key-addressed builders).
    pub(super) fn key_part_type(&mut self, id: TypeId, path: &str, pos: Pos) -> KeyPartType {
        let tn = self.m.types[id.0 as usize].qualified_name();
        let mut cur = id;
        let segs: Vec<&str> = path.split('/').collect();
        for (i, seg) in segs.iter().enumerate() {
            let prop = self
                .m
                .all_properties(cur)
                .into_iter()
                .find(|p| p.name == *seg)
                .cloned();
            let Some(prop) = prop else {
                let is_nav = self.m.all_navigation(cur).iter().any(|n| n.name == *seg);
                if is_nav && i + 1 < segs.len() {
                    let nav = self
                        .m
                        .all_navigation(cur)
                        .into_iter()
                        .find(|n| n.name == *seg)
                        .cloned();
                    if let Some(nav) = nav
                        && let Target::Named(t) = nav.ty.target
                        && !nav.ty.collection
                    {
                        cur = t;
                        continue;
                    }
                }
                let on = self.m.types[cur.0 as usize].qualified_name();
                self.err(
                    format!("key property `{path}` of `{tn}` names no property of `{on}`"),
                    pos,
                );
                return KeyPartType::Wrong;
            };
            if prop.ty.collection {
                self.warn(
                    format!("key property `{path}` of `{tn}` is a collection; `{tn}` is not addressed by key"),
                    pos,
                );
                return KeyPartType::Unusable;
            }
            if i + 1 < segs.len() {
                match prop.ty.target {
                    Target::Named(t)
                        if matches!(self.m.types[t.0 as usize].kind, TypeKind::Complex(_)) =>
                    {
                        cur = t
                    }
                    _ => {
                        self.err(
                            format!(
                                "key path `{path}` of `{tn}`: `{seg}` is not a complex property"
                            ),
                            pos,
                        );
                        return KeyPartType::Wrong;
                    }
                }
                continue;
            }
            let ok = match prop.ty.target {
                Target::Primitive(p) => match p {
                    Primitive::Boolean
                    | Primitive::Byte
                    | Primitive::Date
                    | Primitive::DateTimeOffset
                    | Primitive::Decimal
                    | Primitive::Duration
                    | Primitive::Guid
                    | Primitive::Int16
                    | Primitive::Int32
                    | Primitive::Int64
                    | Primitive::SByte
                    | Primitive::String
                    | Primitive::TimeOfDay => true,
                    Primitive::Single | Primitive::Double | Primitive::Binary => {
                        self.warn(format!("key property `{path}` of `{tn}` has type `Edm.{p:?}`, which is not an allowed key type"), pos);
                        true
                    }
                    _ => false,
                },
                Target::Named(t) => matches!(
                    self.m.types[t.0 as usize].kind,
                    TypeKind::Enum(_) | TypeKind::Definition(_)
                ),
            };
            if !ok {
                self.warn(format!("key property `{path}` of `{tn}` must have a primitive, enumeration or type definition type; `{tn}` is not addressed by key"), pos);
                return KeyPartType::Unusable;
            }
            return KeyPartType::Usable(prop.ty);
        }
        KeyPartType::Wrong
    }
}

pub(super) fn empty_structured() -> Structured {
    Structured {
        base: None,
        is_abstract: false,
        open: false,
        has_stream: false,
        key: Vec::new(),
        properties: Vec::new(),
        navigation: Vec::new(),
        derived: Vec::new(),
        optimistic_concurrency: Vec::new(),
    }
}

/// What [`Resolver::key_part_type`] found.
pub(super) enum KeyPartType {
    /// A property that can be a key, of this type.
    Usable(TypeRef),
    /// A property that cannot be a key (warned).
    Unusable,
    /// No such property (an error).
    Wrong,
}
