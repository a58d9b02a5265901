//! Runtime support for generated OData v4 clients.
//!
//! Every generated crate carries these files as `src/runtime/` (this file becomes
//! `runtime/mod.rs`): each is one `@generated` comment line followed by the file byte for
//! byte, from the code generator's explicit list (`codegen::emit::runtime::FILES`). So
//! modules refer to each other with `super::` and `self::`, never with the crate root
//! path, and no file holds its own tests (they are in `tests/`).
//!
//! - [`json`]: `FromJson`/`ToJson`, JSON paths and decode errors, the shapes of generated
//!   structs; [`codec`]: the one-pass JSON reader and writer they use.
//! - [`edm`]: `Decimal`, `Date`, `TimeOfDay`, `DateTimeOffset`, `Duration`, `Guid`,
//!   `Binary`, `Geo`; [`convert`]: to and from chrono, time, jiff, uuid, rust_decimal and
//!   bytes, behind cargo features.
//! - [`patch`], [`enums`]: `Patch<T>`, `OpenEnum`, `UnknownMember`, `Flags<E>`.
//! - [`url`]: key and parameter literals, resource paths, query options.
//! - [`filter`], [`expand`]: typed `$filter` expressions and `$expand` items.
//! - `azure` (feature `azure-identity`): `azure_identity` credentials as the token
//!   provider, cached and refreshed.
//! - [`client`], [`paging`], [`error`], [`retry`], [`auth`], [`transport`], [`origin`]:
//!   the async HTTP client.
//! - [`request`]: the generic requests the generated request builders delegate to.
//! - [`stream`]: downloads and uploads of media without holding them in memory, and
//!   resumable upload sessions.
//! - [`batch`]: `$batch`, typed requests sent together.
//! - [`delta`]: change tracking: a typed stream of changes and the delta link to resume
//!   from.
//!
//! The client sends the bearer token only to the service root's origin (scheme, host,
//! port) and to origins allowed with [`ClientBuilder::allow_origin`]; any other URL (a
//! next link, a redirect, a URL given to [`Client::execute`]) is refused or sent without
//! credentials ([`CrossOrigin`]). Responses are read up to a size limit, requests are
//! bounded in time, paging in pages; see [`ClientBuilder`] for the defaults.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
#[cfg(feature = "azure-identity")]
pub mod azure;
pub mod batch;
pub mod client;
pub mod codec;
pub mod convert;
pub mod delta;
pub mod edm;
pub mod enums;
pub mod error;
pub mod expand;
pub mod filter;
pub mod json;
pub mod origin;
pub mod paging;
pub mod patch;
pub mod request;
pub mod retry;
pub mod stream;
pub mod transport;
pub mod url;

pub use self::auth::{AccessToken, AuthError, BoxFuture, StaticToken, TokenProvider, TokenRequest};
pub use self::batch::{Batch, BatchFormat, BatchHandle, BatchResponse, GroupId, ItemId};
pub use self::client::{Client, ClientBuilder, CrossOrigin, RequestOptions, Sleeper};
pub use self::delta::{
    Change, DeltaLink, DeltaRequest, DeltaStream, LinkChange, Removed, RemovedReason,
};
pub use self::edm::{
    Binary, Date, DateTimeOffset, Decimal, Duration, Geo, GeoKind, Guid, ParseError, TimeOfDay,
    UtcOffset,
};
pub use self::enums::{Flags, OpenEnum, UnknownMember};
pub use self::error::{Error, InnerError, ODataError, ODataErrorDetail};
pub use self::json::{
    DecodeError, Decoder, Encoder, FromJson, Map, ObjectReader, ObjectWriter, Path, ToJson, Value,
    ValueOf,
};
pub use self::origin::{Origin, OriginError};
pub use self::paging::{Page, Pager};
pub use self::patch::Patch;
pub use self::retry::RetryPolicy;
pub use self::stream::{Download, StreamRequest, Upload, UploadSession};
pub use self::transport::{
    BodyStream, Method, Request, Response, StreamBody, StreamResponse, Transport, TransportError,
    TransportErrorKind,
};
pub use self::url::{Param, Query, RawLiteral, Resource, UrlLiteral};
