//! Source positions and diagnostics, rendered rustc-style:
//!
//! ```text
//! error: unknown type `graph.nope`
//!  --> schemas/graph.xml:12:7
//! ```

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A position in one of the [`Sources`]: a file index and a byte offset.
/// Line and column are computed only when a diagnostic is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Pos {
    /// Index into [`Sources::files`].
    pub file: u32,
    /// Byte offset in that file's text.
    pub offset: u32,
}

/// A resolved location, 1-based line and column (column counts characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as given or as found for a reference.
    pub path: PathBuf,
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub col: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.col)
    }
}

/// One source file read.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as given (or as found for a reference), used verbatim in messages.
    pub path: PathBuf,
    /// The whole text.
    pub text: Arc<str>,
    /// Byte offsets at which each line starts.
    line_starts: Arc<[u32]>,
}

impl Source {
    /// A file read from `path`, with its line starts indexed.
    pub fn new(path: PathBuf, text: Arc<str>) -> Self {
        let mut starts = vec![0u32];
        starts.extend(memchr_iter(&text).map(|i| (i + 1) as u32));
        Source {
            path,
            text,
            line_starts: starts.into(),
        }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.text.len() as u32);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count() as u32 + 1;
        (line as u32 + 1, col)
    }
}

/// Offsets of every `\n` (`str::match_indices` with a `char` uses a fast byte search).
fn memchr_iter(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.match_indices('\n').map(|(i, _)| i)
}

/// The files of one load, indexed by [`Pos::file`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The files, in read order (the main document first).
    pub files: Vec<Source>,
}

impl Sources {
    /// Adds a file and returns its index.
    pub fn add(&mut self, path: PathBuf, text: Arc<str>) -> u32 {
        self.files.push(Source::new(path, text));
        (self.files.len() - 1) as u32
    }

    /// `file:line:col` of a position.
    pub fn location(&self, pos: Pos) -> Location {
        match self.files.get(pos.file as usize) {
            Some(src) => {
                let (line, col) = src.line_col(pos.offset);
                Location {
                    path: src.path.clone(),
                    line,
                    col,
                }
            }
            None => Location {
                path: PathBuf::from("<unknown>"),
                line: 0,
                col: 0,
            },
        }
    }
}

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The document cannot be used: no model is built.
    Error,
    /// Accepted, but possibly surprising.
    Warning,
}

/// A located message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, one line.
    pub message: String,
    /// Where (`file:line:col`).
    pub location: Location,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}\n --> {}", self.message, self.location)
    }
}

/// The errors of a failed load: every error found, in source order.
#[derive(Debug, Clone)]
pub struct Errors {
    /// The errors, at least one.
    pub errors: Vec<Diagnostic>,
    /// Warnings found before the failure.
    pub warnings: Vec<Diagnostic>,
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}
