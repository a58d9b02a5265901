//! CSDL reader (in progress).
