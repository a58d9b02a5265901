//! Runtime support for generated OData v4 clients.
//!
//! These files are copied verbatim into every generated crate as `src/runtime/` (this
//! file becomes `runtime/mod.rs`), so modules refer to each other with `super::` and
//! `self::`, never with the crate root path.
//!
//! - [`json`]: `FromJson`/`ToJson`, JSON paths and decode errors, object reader/writer.
//! - [`edm`]: `Decimal`, `Date`, `TimeOfDay`, `DateTimeOffset`, `Duration`, `Guid`,
//!   `Binary`, `Geo`.
//! - [`patch`], [`enums`]: `Patch<T>`, `OpenEnum`, `Flags<E>`.
//! - [`url`]: key and parameter literals, resource paths, query options.
//! - [`client`], [`paging`], [`error`], [`retry`], [`auth`], [`transport`]: the async
//!   HTTP client.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod client;
pub mod edm;
pub mod enums;
pub mod error;
pub mod json;
pub mod paging;
pub mod patch;
pub mod retry;
pub mod transport;
pub mod url;

pub use self::auth::{AccessToken, AuthError, BoxFuture, StaticToken, TokenProvider};
pub use self::client::{Client, ClientBuilder, GraphCloud, RequestOptions, Sleeper};
pub use self::edm::{
    Binary, Date, DateTimeOffset, Decimal, Duration, Geo, GeoKind, Guid, ParseError, TimeOfDay,
    UtcOffset,
};
pub use self::enums::{Flags, OpenEnum};
pub use self::error::{Error, InnerError, ODataError, ODataErrorDetail};
pub use self::json::{
    DecodeError, FromJson, Map, ObjectReader, ObjectWriter, Path, ToJson, Value, ValueOf,
};
pub use self::paging::{Page, Pager};
pub use self::patch::Patch;
pub use self::retry::RetryPolicy;
pub use self::transport::{
    Method, Request, Response, Transport, TransportError, TransportErrorKind,
};
pub use self::url::{Param, Query, RawLiteral, Resource, UrlLiteral};
