//! Reader for OData v4 CSDL XML (4.0 and 4.01).
//!
//! Two stages, each a named type:
//! - [`document::Document`]: the lossless, positioned image of one CSDL XML file;
//! - [`model::Model`]: the resolved semantic model of a file and its references.
//!
//! Entry points: [`load`] (a file and the local files it references), [`load_str`]
//! (text in memory) and [`load_with`] (files read through a callback, for tests and
//! fuzzing). Each returns the model, with its warnings, or [`diag::Errors`]: every
//! error of the run, located and rendered rustc-style:
//!
//! ```text
//! error: unknown type `t.Nope`
//!  --> schemas/service.xml:7:28
//! ```
//!
//! References to the standard OASIS vocabularies ([`STANDARD_VOCABULARIES`]) are
//! understood without a file; their terms are namespace-qualified in the model and
//! [`vocab`] reads the Core and Capabilities terms later stages need.

pub mod diag;
pub mod document;
pub mod model;
pub mod names;
mod resolve;
pub mod vocab;

pub use resolve::{
    MAX_DOCUMENT_SIZE, MAX_DOCUMENTS, ReadError, ReadErrorKind, STANDARD_VOCABULARIES, load,
    load_in, load_str, load_with, read_document,
};
