//! Rust code written as text in prettyplease's layout, shared by the model and client
//! emitters: going through quote → syn → prettyplease for every item was most of the
//! time of a whole-Graph generation. A line wider than the margin is broken where
//! prettyplease breaks it, for the forms the emitters write (`Out::put`); an item with a
//! wide line of another form, or a doc line that cannot be a `///` comment, goes through
//! syn and prettyplease after all (`Out::finish`); `tests/layout.rs` checks the result.

/// prettyplease's line width.
pub const MARGIN: usize = 89;

/// One item (struct, enum or impl block) being written.
#[derive(Default)]
pub struct Out {
    text: String,
    /// A line is too wide or a doc line needs the attribute form: format with prettyplease.
    reformat: bool,
}

impl Out {
    /// Writes `s` as one line indented by `depth` levels; a line wider than the margin
    /// is broken where prettyplease would break it ([`Out::put`]).
    pub fn line(&mut self, depth: usize, s: &str) {
        // A second top-level item in the same `Out` starts after a blank line.
        if depth == 0 && self.text.ends_with("\n}\n") && s != "}" {
            self.text.push('\n');
        }
        self.put(depth, s);
    }

    /// Writes `s` at `depth`: as it is when it fits, else broken by the first rule of
    /// [`Out::break_wide`] that knows its form, else as it is, for prettyplease.
    fn put(&mut self, depth: usize, s: &str) {
        if fits(depth, s) || !s.is_ascii() || !self.break_wide(depth, s) {
            self.push(depth, s);
        }
    }

    /// Writes `s` at `depth` as one line, marking the item for prettyplease when it is
    /// too wide.
    fn push(&mut self, depth: usize, s: &str) {
        for _ in 0..depth {
            self.text.push_str("    ");
        }
        self.text.push_str(s);
        if !fits(depth, s) {
            self.reformat = true;
        }
        self.text.push('\n');
    }

    /// prettyplease's layout of a line too wide for the margin, for the forms the
    /// emitters write (each checked by `tests/layout.rs` on the whole of Graph and the
    /// obstacle course): `false` when `s` is none of them. A part that is still too
    /// wide goes through [`Out::put`] again.
    fn break_wide(&mut self, depth: usize, s: &str) -> bool {
        // Some callers indent the text themselves.
        let indent = s.len() - s.trim_start_matches(' ').len();
        if indent > 0 {
            return indent.is_multiple_of(4) && self.break_wide(depth + indent / 4, &s[indent..]);
        }
        // A gate (`#[cfg(has_…)]`): the name a level deeper, as wide as it is.
        if let Some(gate) = s.strip_prefix("#[cfg(").and_then(|g| g.strip_suffix(")]"))
            && is_ident(gate)
        {
            self.push(depth, "#[cfg(");
            self.push_wide(depth + 1, gate);
            self.push(depth, ")]");
            return true;
        }
        // A string constant: nothing to break.
        if let Some(rest) = s.strip_prefix("pub ").or(Some(s))
            && let Some(rest) = rest.strip_prefix("const ")
            && rest
                .split_once(": &'static str = \"")
                .is_some_and(|(n, _)| is_ident(n))
            && s.ends_with("\";")
        {
            self.push_wide(depth, s);
            return true;
        }
        // A string literal (an argument): nothing to break.
        if let Some(l) = s.strip_suffix(',').or(Some(s))
            && l.len() >= 2
            && l.starts_with('"')
            && l.ends_with('"')
            && find_outside_strings(l, " ").is_none()
        {
            self.push_wide(depth, s);
            return true;
        }
        // The rest of a broken signature: the return type's generic arguments broken.
        if let Some(ty) = s.strip_prefix(") -> ").and_then(|t| t.strip_suffix(" {"))
            && is_type_args(ty)
        {
            if !ty.contains('<') {
                self.push_wide(depth, s);
                return true;
            }
            return self.generic(depth, ") -> ", ty, " {");
        }
        // The head of a signature broken by the caller: nothing to break.
        if let Some(name) = s.strip_suffix('(')
            && let Some(name) = name.strip_prefix("pub ").or(Some(name))
            && name.strip_prefix("fn ").is_some_and(is_ident)
        {
            self.push_wide(depth, s);
            return true;
        }
        // The head of a generic type the caller broke, a place (`&self.x`): nothing to
        // break.
        if s.ends_with('<') && s.replace("()", "").find('(').is_none() {
            self.push_wide(depth, s);
            return true;
        }
        // A place (`&self.a`, an argument): its trailing comma may pass the margin,
        // else one field a line.
        let arg = s.strip_suffix(',').unwrap_or(s);
        if is_place(arg) {
            if fits(depth, arg) || !arg.contains('.') {
                self.push_wide(depth, s);
            } else {
                let links: Vec<&str> = arg.split('.').collect();
                self.push_wide(depth, links[0]);
                for (i, l) in links[1..].iter().enumerate() {
                    let tail = if i + 2 == links.len() {
                        &s[arg.len()..]
                    } else {
                        ""
                    };
                    self.push_wide(depth + 1, &format!(".{l}{tail}"));
                }
            }
            return true;
        }
        // A match arm whose body is an expression: the body goes into a block.
        if let Some(arm) = s.strip_suffix(',')
            && let Some(at) = find_outside_strings(arm, " => ")
            && !arm[at + 4..].starts_with('{')
        {
            // The trailing comma may pass the margin.
            if fits(depth, arm) {
                self.push_wide(depth, s);
                return true;
            }
            let pat = &arm[..at];
            let head = format!("{pat} => {{");
            let alternatives = split_top_level(pat, " | ");
            if alternatives.len() < 2 && pat.split("::").all(is_ident) {
                // A path: nothing to break.
                self.push_wide(depth, &head);
            } else if fits(depth, &head) || alternatives.len() < 2 {
                self.put(depth, &head);
            } else if fits(depth, &head[..head.len() - 2]) {
                // The block's `{` may pass the margin.
                self.push_wide(depth, &head);
            } else {
                // Too wide still: one alternative a line.
                let last = alternatives.len() - 1;
                for (i, a) in alternatives.iter().enumerate() {
                    let bar = if i == 0 { "" } else { "| " };
                    let end = if i == last { " => {" } else { "" };
                    self.put(depth, &format!("{bar}{a}{end}"));
                }
            }
            self.put(depth + 1, &arm[at + 4..]);
            self.put(depth, "}");
            return true;
        }
        // A method signature: the parameters (a lone receiver too) one a line, then the
        // return type (its generic arguments broken when still too wide); without
        // parameters, the return type's generic arguments.
        if let Some(sig) = s.strip_suffix(" {")
            && let Some((head, rest)) = sig.split_once('(')
            && head
                .strip_prefix("pub ")
                .unwrap_or(head)
                .strip_prefix("fn ")
                .is_some_and(is_ident)
            && let Some(close) = matching_paren(rest)
            && let ret = &rest[close + 1..]
            && (ret.is_empty() || ret.starts_with(" -> "))
        {
            let params = &rest[..close];
            if params.is_empty() {
                return match ret.strip_prefix(" -> ") {
                    Some(ty) if ty.contains('<') && is_type_args(ty) => {
                        self.generic(depth, &format!("{head}() -> "), ty, " {")
                    }
                    _ => {
                        self.push_wide(depth, s);
                        true
                    }
                };
            }
            self.put(depth, &format!("{head}("));
            for p in split_top_level(params, ", ") {
                self.put(depth + 1, &format!("{p},"));
            }
            self.put(depth, &format!("){ret} {{"));
            return true;
        }
        // An impl header: `for` starts the second line.
        if depth == 0
            && s.starts_with("impl")
            && s.ends_with(" {")
            && let Some(at) = s.find(" for ")
            && !s[at + 5..].contains(" for ")
        {
            self.put(0, &s[..at]);
            self.put(0, &s[at + 1..]);
            return true;
        }
        // A field, or a function parameter, with a generic type: `name: Type<Arg>,`.
        if let Some(field) = s.strip_suffix(',')
            && let Some((name, ty)) = field.split_once(": ")
            && is_ident(name.strip_prefix("pub ").unwrap_or(name))
            && is_type(ty)
        {
            // A parameter's trailing comma may pass the margin, a field's may not
            // (fields are at depth 1, the parameters of methods deeper).
            if depth > 1 && fits(depth, field) || !ty.contains('<') {
                self.push_wide(depth, s);
                return true;
            }
            return self.generic(depth, &format!("{name}: "), ty, ",");
        }
        // A tuple variant: `Name(Type),` (variants are at depth 1, calls deeper).
        if depth == 1
            && let Some(inner) = s.strip_suffix("),")
            && let Some((name, ty)) = inner.split_once('(')
            && is_ident(name)
            && is_type(ty)
        {
            self.put(depth, &format!("{name}("));
            self.put(depth + 1, &format!("{ty},"));
            self.put(depth, "),");
            return true;
        }
        // An argument, a call: its trailing comma may pass the margin.
        if let Some(arg) = s.strip_suffix(',')
            && call_parts(arg).is_some()
            && fits(depth, arg)
        {
            self.push_wide(depth, s);
            return true;
        }
        // A method call on a field (`self.inner.cast(…)`): the chain broken, one link
        // a line.
        // Only as an argument: at the start of a statement prettyplease keeps a short
        // receiver with the first link (`self.inner` / `.set_ref(…)`).
        if s.ends_with(',')
            && let Some((head, args, tail)) = call_parts(s)
            && let links = head.split('.').collect::<Vec<_>>()
            && links.len() > 2
            && links.iter().all(|l| is_ident(l))
        {
            self.put(depth, links[0]);
            for l in &links[1..links.len() - 1] {
                self.put(depth + 1, &format!(".{l}"));
            }
            self.put(
                depth + 1,
                &format!(".{}({args}){tail}", links[links.len() - 1]),
            );
            return true;
        }
        // An array literal (an argument): one element a line.
        if let Some((head, items, tail)) = array_parts(s)
            && matches!(head, "" | "&")
            && matches!(tail, "" | ",")
        {
            if tail == "," && fits(depth, &s[..s.len() - 1]) {
                self.push_wide(depth, s);
                return true;
            }
            self.put(depth, &format!("{head}["));
            for a in split_top_level(items, ", ") {
                if fits(depth + 1, a) {
                    self.push_wide(depth + 1, &format!("{a},"));
                } else {
                    self.put(depth + 1, &format!("{a},"));
                }
            }
            self.put(depth, &format!("]{tail}"));
            return true;
        }
        // A call ending the line: one argument a line.
        if let Some((head, args, tail)) = trailing_call(s) {
            self.put(depth, &format!("{head}("));
            for a in args {
                // The trailing comma may pass the margin.
                if fits(depth + 1, a) {
                    self.push_wide(depth + 1, &format!("{a},"));
                } else {
                    self.put(depth + 1, &format!("{a},"));
                }
            }
            self.put(depth, &format!("){tail}"));
            return true;
        }
        false
    }

    /// `head` `ty` `tail` with the generic arguments of `ty` broken (one argument
    /// only): `head Outer<`, the argument a level deeper, `>tail`.
    fn generic(&mut self, depth: usize, head: &str, ty: &str, tail: &str) -> bool {
        let Some(open) = ty.find('<') else {
            return false;
        };
        let Some(arg) = ty[open + 1..].strip_suffix('>') else {
            return false;
        };
        // Nothing before the `<` can break.
        self.push_wide(depth, &format!("{head}{}", &ty[..=open]));
        if top_level_comma(arg) {
            // Several arguments: one a line.
            for a in split_top_level(arg, ", ") {
                let line = format!("{a},");
                if fits(depth + 1, a) {
                    self.push_wide(depth + 1, &line);
                } else if !a.contains('<') || !self.generic(depth + 1, "", a, ",") {
                    self.push(depth + 1, &line);
                }
            }
            self.put(depth, &format!(">{tail}"));
            return true;
        }
        let line = format!("{arg},");
        // The trailing comma may pass the margin.
        if fits(depth + 1, arg) {
            self.push_wide(depth + 1, &line);
        } else if !self.generic(depth + 1, "", arg, ",") {
            self.push(depth + 1, &line);
        }
        self.put(depth, &format!(">{tail}"));
        true
    }

    /// A line prettyplease cannot break: written as it is.
    fn push_wide(&mut self, depth: usize, s: &str) {
        let reformat = self.reformat;
        self.push(depth, s);
        self.reformat = reformat;
    }

    /// Writes a line that prettyplease leaves wider than its margin (the caller knows
    /// it cannot break there).
    pub fn wide_line(&mut self, depth: usize, s: &str) {
        if depth == 0 && self.text.ends_with("\n}\n") && s != "}" {
            self.text.push('\n');
        }
        self.push_wide(depth, s);
    }

    /// Writes `#[cfg(gate)]` on its own line before a gated item, field, variant or arm
    /// (a crate's area features), nothing for `None`.
    pub fn cfg(&mut self, depth: usize, gate: &Option<String>) {
        if let Some(g) = gate {
            self.line(depth, &format!("#[cfg({g})]"));
        }
    }

    /// Writes doc comment lines (`///`), indented by `depth` levels.
    pub fn docs(&mut self, depth: usize, lines: &[String]) {
        if depth == 0 && self.text.ends_with("\n}\n") && !lines.is_empty() {
            self.text.push('\n');
        }
        for l in lines {
            for _ in 0..depth {
                self.text.push_str("    ");
            }
            let control = if l.is_ascii() {
                l.bytes().any(|b| (b < b' ' && b != b'\t') || b == 0x7f)
            } else {
                l.chars().any(|c| c.is_control() && c != '\t')
            };
            if control {
                // Not expressible as a `///` comment (a bare CR is an error there).
                self.text.push_str("#[doc = ");
                self.text.push_str(&lit(&format!(" {l}")));
                self.text.push_str("]\n");
                self.reformat = true;
            } else if l.is_empty() {
                self.text.push_str("///\n");
            } else {
                self.text.push_str("/// ");
                self.text.push_str(l.trim_end_matches(' '));
                self.text.push('\n');
            }
        }
    }

    /// Leaves the layout of this item to prettyplease.
    pub fn reformat(&mut self) {
        self.reformat = true;
    }

    /// The text as written.
    pub fn into_text(self) -> String {
        self.text
    }

    /// Appends the item to `file`, after a blank line (the layout of `tokens::layout`).
    pub fn finish(self, file: &mut String) {
        if !file.is_empty() {
            file.push('\n');
        }
        if !self.reformat {
            file.push_str(&self.text);
            return;
        }
        match syn::parse_file(&self.text) {
            Ok(f) => file.push_str(&super::tokens::layout(f)),
            // A generator bug: a compile error rather than a panic.
            Err(e) => file.push_str(&format!("compile_error!({:?});\n", e.to_string())),
        }
    }
}

/// Whether `s` at `depth` fits prettyplease's margin.
fn fits(depth: usize, s: &str) -> bool {
    4 * depth + s.len() <= MARGIN
}

/// A plain (or raw) identifier.
fn is_ident(s: &str) -> bool {
    let s = s.strip_prefix("r#").unwrap_or(s);
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A type path as the emitters write them: `a::B<c::D<E>>`, `&'static str`, `&T`.
/// A type whose generic arguments may be several or `()` (`Expand<A, B, C>`,
/// `RequestFuture<()>`).
fn is_type_args(s: &str) -> bool {
    is_type(&s.replace(", ", "").replace("()", ""))
}

fn is_type(s: &str) -> bool {
    let s = s
        .strip_prefix("&'static ")
        .or(s.strip_prefix('&'))
        .unwrap_or(s);
    !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '<' | '>' | '&' | '[' | ']')
        })
        && s.split(':')
            .all(|p| p.is_empty() || !p.starts_with(|c: char| c.is_ascii_digit()))
}

/// A place: `&self.a.b`, `&mut v.x`, `x.y`.
fn is_place(s: &str) -> bool {
    let s = s.strip_prefix("&mut ").or(s.strip_prefix('&')).unwrap_or(s);
    s.split('.').all(is_ident) && !s.starts_with("r#")
}

/// The index of the `)` closing a list that starts right before `s`.
fn matching_paren(s: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' if depth == 0 => return Some(i),
            ')' | ']' | '>' => depth -= 1,
            '"' => return None,
            _ => {}
        }
    }
    None
}

/// Whether `s` has a comma outside angle brackets.
fn top_level_comma(s: &str) -> bool {
    let mut depth = 0i32;
    s.chars().any(|c| {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            _ => {}
        }
        c == ',' && depth == 0
    })
}

/// `s` split at every `sep` outside string literals and brackets.
fn split_top_level<'a>(s: &'a str, sep: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut start = 0;
    scan(s, |i, depth| {
        if depth == 0 && s[i..].starts_with(sep) {
            parts.push(&s[start..i]);
            start = i + sep.len();
        }
        true
    });
    parts.push(&s[start..]);
    parts
}

/// Calls `f(i, depth)` for every byte offset `i` of `s` outside string and character
/// literals (depth: of `(`, `[`, `{` and `<` seen so far, before the byte at `i`);
/// stops when `f` returns `false`. `false` when the literals or brackets are not
/// closed.
fn scan(s: &str, mut f: impl FnMut(usize, usize) -> bool) -> bool {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if i >= b.len() {
                    return false;
                }
            }
            b'(' | b'[' | b'{' => {
                if !f(i, depth) {
                    return true;
                }
                depth += 1;
            }
            b')' | b']' | b'}' => {
                let Some(d) = depth.checked_sub(1) else {
                    return false;
                };
                depth = d;
                if !f(i, depth) {
                    return true;
                }
            }
            _ => {
                if !f(i, depth) {
                    return true;
                }
            }
        }
        i += 1;
    }
    depth == 0
}

/// `head(args)tail` when the line ends with a call that prettyplease breaks between its
/// arguments ([`call_parts`], but not a method call on a field: that chain breaks
/// first).
fn trailing_call(s: &str) -> Option<(&str, Vec<&str>, &str)> {
    let (head, args, tail) = call_parts(s)?;
    let args = split_top_level(args, ", ");
    if head.is_empty() {
        // A tuple (of two or more: `(x)` is no tuple), broken like arguments.
        return (args.len() > 1).then_some((head, args, tail));
    }
    if head[1..].matches('.').count() > usize::from(!head.starts_with('.'))
        || head
            .split_once('.')
            .is_some_and(|(r, _)| !r.is_empty() && !is_ident(r))
    {
        return None;
    }
    Some((head, args, tail))
}

/// `head(args)tail` when the line ends with a call or a tuple (`head` empty; `tail`:
/// nothing, `?`, `;`, `,`,
/// `?;` or `?,`) whose arguments are split at the top level.
fn call_parts(s: &str) -> Option<(&str, &str, &str)> {
    bracket_parts(s, b'(', b')')
}

/// `head[items]tail`, as [`call_parts`] for an array literal.
fn array_parts(s: &str) -> Option<(&str, &str, &str)> {
    bracket_parts(s, b'[', b']')
}

fn bracket_parts(s: &str, open_b: u8, close_b: u8) -> Option<(&str, &str, &str)> {
    let body = ["? {", "?;", "?,", "?", ";", ",", " {"]
        .iter()
        .find_map(|t| s.strip_suffix(t))
        .unwrap_or(s);
    let tail = &s[body.len()..];
    if !body.ends_with(close_b as char) {
        return None;
    }
    // The last bracket opened at depth 0 and the last one closed to depth 0: the
    // same pair when that is the last byte.
    let (mut open, mut close) = (None, None);
    let balanced = scan(body, |i, depth| {
        if depth == 0 {
            match body.as_bytes()[i] {
                b if b == open_b => open = Some(i),
                b')' | b']' | b'}' => close = Some(i),
                _ => {}
            }
        }
        true
    });
    if close != Some(body.len() - 1) {
        return None;
    }
    let open = open?;
    let head = &body[..open];
    let args = &body[open + 1..body.len() - 1];
    if !balanced
        || !head.is_empty()
            && !head.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '>')
            && open_b == b'('
        || args.is_empty()
        || !scan(args, |_, _| true)
    {
        return None;
    }
    Some((head, args, tail))
}

/// The byte offset of the first `pat` in `s` outside string literals.
fn find_outside_strings(s: &str, pat: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        if in_str {
            match b[i] {
                b'\\' => i += 1,
                b'"' => in_str = false,
                _ => {}
            }
        } else if b[i] == b'"' {
            in_str = true;
        } else if s[i..].starts_with(pat) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The attribute on a type's `mod` named like its namespace's module
/// (`models::media::media`): the schema chose both names, and the module is private.
pub const INCEPTION: &str = "#[allow(clippy::module_inception)]";

/// A namespace's `mod.rs` as text, in the layout prettyplease gives it: an inner doc
/// line (`what`, then the namespace as code), one `mod` line per file, then one `pub use`
/// per file of its names (`entries`: the file's `cfg`, its name, the names it exports),
/// a group's names filling lines of the margin. `None` when a name is not a plain
/// identifier (escaped, raw or a keyword) or a file exports nothing: such a file takes
/// syn and prettyplease. A file named like the namespace's own module (`module`: type
/// `Media` of namespace `Media`) is allowed `clippy::module_inception`
/// ([`INCEPTION`]).
pub fn mod_text(
    what: &str,
    namespace: &str,
    module: &str,
    entries: &[(Option<&str>, &str, Vec<&str>)],
) -> Option<String> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !s.starts_with(|c: char| c.is_ascii_digit())
            && !crate::naming::is_keyword(s)
    };
    if !namespace
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    {
        return None;
    }
    let mut mods = String::new();
    let mut uses = String::new();
    for (cfg, file, names) in entries {
        if !plain(file) || !names.iter().all(|x| plain(x)) {
            return None;
        }
        let cfg = cfg
            .map(|c| {
                let mut o = Out::default();
                o.cfg(0, &Some(c.to_string()));
                o.into_text()
            })
            .unwrap_or_default();
        mods.push_str(&cfg);
        if *file == module {
            mods.push_str(INCEPTION);
            mods.push('\n');
        }
        mods.push_str(&format!("mod {file};\n"));
        uses.push_str(&cfg);
        if names.is_empty() {
            return None;
        }
        use_group(&mut uses, &format!("pub use self::{file}::"), names);
    }
    let mut out = format!("//! {what} {} namespace.\n", crate::naming::code(namespace));
    for part in [mods, uses] {
        if !part.is_empty() {
            out.push('\n');
            out.push_str(&part);
        }
    }
    Some(out)
}

/// `{head}{names}` as a `use` line (`head` ends in `::`): one name bare, several in
/// braces, broken as prettyplease breaks a group too wide for the margin: the names
/// filling lines of the margin, one level deeper (the last one's comma aside).
pub fn use_group(out: &mut String, head: &str, names: &[&str]) {
    let one = match names {
        [single] => format!("{head}{single};"),
        _ => format!("{head}{{{}}};", names.join(", ")),
    };
    if names.len() < 2 || one.len() <= MARGIN {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    out.push_str(head);
    out.push_str("{\n");
    let mut line = String::from("   ");
    for (i, x) in names.iter().enumerate() {
        let last = i + 1 == names.len();
        let width = line.len() + 1 + x.len() + usize::from(!last);
        if width > MARGIN && !line.trim().is_empty() {
            out.push_str(&line);
            out.push('\n');
            line = format!("    {x},");
        } else {
            line.push(' ');
            line.push_str(x);
            line.push(',');
        }
    }
    out.push_str(&line);
    out.push_str("\n};\n");
}

/// A string literal as proc-macro2's `Literal::string` writes it, without its
/// per-character `escape_debug` for printable ASCII (3 % of a whole-Graph generation):
/// printable ASCII but `"` and `\` as it is; a NUL as `\0`, or `\x00` before an octal
/// digit; `'` as it is; every other character as `char::escape_debug` writes it (`\n`,
/// `\"`, `\u{202e}`, …), so a schema string can neither end the literal nor hide a
/// character in it. A test compares the two on hostile strings.
pub fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ' '..='~' if c != '"' && c != '\\' => out.push(c),
            '\'' => out.push(c),
            '\0' if chars
                .as_str()
                .starts_with(|n: char| ('0'..='7').contains(&n)) =>
            {
                out.push_str("\\x00")
            }
            '\0' => out.push_str("\\0"),
            c => out.extend(c.escape_debug()),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_written_as_proc_macro2_writes_them() {
        let hostile = [
            "",
            "plain text",
            "a \"quoted\" word",
            "back\\slash \\\" ends",
            "it's",
            "line\nbreak\rreturn\ttab",
            "nul\0 and nul\x007 and nul\x008 and \0",
            "\u{7f}\u{1b}[31m\u{85}",
            "bidi \u{202e}desrever\u{202c} and \u{2066}isolate\u{2069}",
            "zero\u{200b}width\u{feff}",
            "e\u{301} combining, \u{301} alone",
            "Straße 日本 🦀",
            "\u{e000} private, \u{10ffff} last",
            "\"; panic!(); \"",
            "\\\"#]",
        ];
        for s in hostile {
            assert_eq!(lit(s), proc_macro2::Literal::string(s).to_string(), "{s:?}");
        }
        for c in (0..=0x3000u32).filter_map(char::from_u32) {
            let s = format!("{c}0{c}");
            assert_eq!(
                lit(&s),
                proc_macro2::Literal::string(&s).to_string(),
                "{c:?}"
            );
        }
    }

    /// Writes `lines` (depth, text) as one item: it must not need prettyplease, and be
    /// exactly what prettyplease prints for it.
    fn same_as_prettyplease(lines: &[(usize, &str)]) {
        let mut o = Out::default();
        for (depth, l) in lines {
            o.line(*depth, l);
        }
        assert!(!o.reformat, "left to prettyplease:\n{}", o.text);
        let file = syn::parse_file(&o.text).unwrap_or_else(|e| panic!("{e}\n{}", o.text));
        assert_eq!(super::super::tokens::layout(file), o.text);
    }

    #[test]
    fn wide_lines_are_broken_as_prettyplease_breaks_them() {
        // A field whose generic argument goes a level deeper, twice.
        same_as_prettyplease(&[
            (0, "pub struct Shape {"),
            (
                1,
                "pub device_enrollment_configuration_assignments: Option<Vec<super::DeviceEnrollmentConfigurationAssignment>>,",
            ),
            (1, "pub tuple_field_fits_as_it_is: Option<super::Short>,"),
            (0, "}"),
        ]);
        // A tuple variant.
        same_as_prettyplease(&[
            (0, "pub enum AnyThing {"),
            (
                1,
                "AccessPackageUserDirectoryAttributeStoreWithALongName(super::AccessPackageUserDirectoryAttributeStore),",
            ),
            (0, "}"),
        ]);
        // An impl header, a signature taking `self`, arms into blocks, alternatives one
        // a line, a call one argument a line, a string that cannot break.
        same_as_prettyplease(&[
            (
                0,
                "impl crate::models::SomeLongTraitName<super::AnotherLongTypeName> for AccessPackageAssignment {",
            ),
            (
                1,
                "pub fn into_access_review_instance_decision_item_service_principal(self) -> Option<super::X> {",
            ),
            (2, "match self {"),
            (
                3,
                "Self::AccessReviewInstanceDecisionItemServicePrincipal(v) => json::tagged(w, v, \"#microsoft.graph.accessReviewInstanceDecisionItemServicePrincipal\"),",
            ),
            (
                3,
                "\"microsoft.graph.windowsUpdateActiveHoursInstall\" | \"graph.windowsUpdateActiveHoursInstall\" => Self::WindowsUpdateActiveHoursInstall(d),",
            ),
            (
                3,
                "Self::Other => \"a string literal far too long to fit on one line of eighty-nine columns\",",
            ),
            (3, "_ => None,"),
            (2, "}"),
            (1, "}"),
            (0, "}"),
        ]);
    }

    #[test]
    fn signatures_are_broken_as_prettyplease_breaks_them() {
        // Parameters one a line; the return type's generic arguments, one or several;
        // a return type that does not fit once the parameters are broken.
        same_as_prettyplease(&[
            (0, "impl SharePointMigrationJobDeletedEventBuilder {"),
            (
                1,
                "pub fn update(&self, body: &SharePointMigrationJobDeletedEventUpdate) -> support::RequestFuture<Option<SharePointMigrationJobDeletedEvent>> {",
            ),
            (2, "todo!()"),
            (1, "}"),
            (
                1,
                "pub fn access_packages_incompatible_with() -> support::Expand<AccessPackageField, super::AccessPackageField, support::Many> {",
            ),
            (2, "todo!()"),
            (1, "}"),
            (
                1,
                "pub fn get_member_groups(&self, security_enabled_only: bool) -> support::RequestFuture<Option<Vec<String>>> {",
            ),
            (2, "todo!()"),
            (1, "}"),
            (
                1,
                "pub fn assign(&self, assignments: &[crate::models::microsoft_graph::DeviceCompliancePolicyAssignment], other: i32) -> support::RequestFuture<Vec<crate::models::microsoft_graph::DeviceCompliancePolicyAssignment>> {",
            ),
            (2, "todo!()"),
            (1, "}"),
            (
                1,
                "pub fn by_app_id(&self, app_id: &str) -> super::AgentIdentityBlueprintPrincipalBuilder {",
            ),
            (2, "todo!()"),
            (1, "}"),
            (
                1,
                "pub fn validate_properties(&self, entity_type: &str, display_name: &str, mail_nickname: &str) -> support::RequestFuture<()> {",
            ),
            (2, "todo!()"),
            (1, "}"),
            (0, "}"),
        ]);
    }

    #[test]
    fn other_wide_lines_are_left_to_prettyplease() {
        let mut o = Out::default();
        o.line(0, "fn f() {");
        o.line(
            1,
            "let x = [(\"objectId\", &object_id as &dyn crate::runtime::UrlLiteral), (\"appId\", &app_id)];",
        );
        o.line(0, "}");
        assert!(o.reformat);
    }
}
