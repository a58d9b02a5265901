//! Typed access to the vocabulary annotations later stages need.
//! (Core and Capabilities; to be completed by the reader.)

use crate::model::{Annotation, Capabilities};

/// Reads `Capabilities.{Insert,Update,Delete,Read}Restrictions` from annotations of one target.
pub fn capabilities(_annotations: &[Annotation]) -> Capabilities {
    Capabilities::default()
}
