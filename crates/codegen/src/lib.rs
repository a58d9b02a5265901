//! codegen (in progress).
