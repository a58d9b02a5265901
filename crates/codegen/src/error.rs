//! Generator errors and warnings, rendered like the reader's diagnostics:
//!
//! ```text
//! error: root `microsoft.graph.nope` does not exist in the schema
//!  --> codegen.toml:7:5
//! ```

use std::fmt;

pub use csdl::diag::Location;

/// One located (or unlocated) message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What went wrong, one line.
    pub message: String,
    /// Where, when known.
    pub location: Option<Location>,
}

impl Diagnostic {
    /// A message with a location.
    pub fn at(message: impl Into<String>, location: Option<Location>) -> Self {
        Diagnostic {
            message: message.into(),
            location,
        }
    }

    fn render(&self, label: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{label}: {}", self.message)?;
        if let Some(loc) = &self.location {
            write!(f, "\n --> {loc}")?;
        }
        Ok(())
    }
}

/// A warning: generation went on (e.g. a name collision resolved with a suffix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub Diagnostic);

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.render("warning", f)
    }
}

/// A failed generation: every error found, in a stable order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The errors, at least one.
    pub errors: Vec<Diagnostic>,
}

impl Error {
    /// A single error.
    pub fn new(message: impl Into<String>, location: Option<Location>) -> Self {
        Error {
            errors: vec![Diagnostic::at(message, location)],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            e.render("error", f)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
