//! Rust code written as text in prettyplease's layout, shared by the model and client
//! emitters: going through quote → syn → prettyplease for every item was most of the
//! time of a whole-Graph generation. An item with a line prettyplease would break (wider
//! than its margin) or a doc line that cannot be a `///` comment goes through syn and
//! prettyplease after all (`Out::finish`); `tests/layout.rs` checks the result.

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
    /// Writes `s` as one line indented by `depth` levels.
    pub fn line(&mut self, depth: usize, s: &str) {
        // A second top-level item in the same `Out` starts after a blank line.
        if depth == 0 && self.text.ends_with("\n}\n") && s != "}" {
            self.text.push('\n');
        }
        let start = self.text.len();
        for _ in 0..depth {
            self.text.push_str("    ");
        }
        self.text.push_str(s);
        if self.text.len() - start > MARGIN {
            self.reformat = true;
        }
        self.text.push('\n');
    }

    /// Writes a line that prettyplease leaves wider than its margin (the caller knows
    /// it cannot break there).
    pub fn wide_line(&mut self, depth: usize, s: &str) {
        let reformat = self.reformat;
        self.line(depth, s);
        self.reformat = reformat;
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
            if l.chars().any(|c| c.is_control() && c != '\t') {
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

/// A string literal as proc-macro2 writes it.
pub fn lit(s: &str) -> String {
    proc_macro2::Literal::string(s).to_string()
}
