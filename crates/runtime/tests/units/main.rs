//! The runtime's unit tests, one module per source file. They live here rather than in
//! `#[cfg(test)] mod tests` because `src/` is copied verbatim into every generated crate.

mod auth;
mod client;
mod edm;
mod enums;
mod error;
mod expand;
mod json;
mod origin;
mod paging;
mod patch;
mod request;
mod retry;
mod transport;
mod url;
