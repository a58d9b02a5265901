//! Reader for OData v4 CSDL XML (4.0 and 4.01).
//!
//! Two stages, each a named type:
//! - [`document::Document`]: the lossless, positioned image of one CSDL XML file;
//! - [`model::Model`]: the resolved semantic model of a file and its references.

pub mod diag;
pub mod document;
pub mod model;
mod resolve;
pub mod vocab;

pub use resolve::{MAX_DOCUMENTS, STANDARD_VOCABULARIES, load, load_str, load_with};
