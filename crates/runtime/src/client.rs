//! The async OData client: service root, auth, transport, retries, and the request
//! helpers generated request builders call.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tracing::Instrument as _;

use super::auth::{AccessToken, AuthError, BoxFuture, StaticToken, TokenProvider, TokenRequest};
use super::edm::Guid;
use super::error::{Error, ODataError};
use super::json::{self, FromJson, ToJson};
use super::origin::Origin;
use super::paging::{Page, Pager};
use super::retry::{Outcome, RetryPolicy};
use super::transport::{
    Method, Request, Response, Transport, TransportError, TransportErrorKind, find_header,
    is_credential_header,
};
use super::url::{Query, Resource, is_absolute, resolve};

/// The default maximum response body size: 64 MiB. A Graph page of 999 large entities
/// is a few MiB; decoding JSON takes several times its size in memory, so much larger
/// bodies belong to streaming, not to this buffer.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 64 << 20;
/// The default connect timeout of the default transport: 30 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default timeout of one attempt, body included: 100 s (Microsoft Graph's SDKs use
/// the same).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(100);
/// The default maximum number of pages a [`Pager`] reads: 10 000 (ten million items at
/// Graph's largest page size, a hundred thousand at its default of ten for messages).
pub const DEFAULT_MAX_PAGES: usize = 10_000;
/// The most redirects followed for one attempt.
pub const MAX_REDIRECTS: usize = 10;

/// What the client does with a URL on another origin than the service root's (and not
/// allowed with [`ClientBuilder::allow_origin`]): a next or delta link, a media or
/// upload URL given to [`Client::execute`], a redirect target.
///
/// Whatever the choice, the token is never sent there, and a client whose root is
/// `https` never sends anything over plain `http` unless that `http` origin is allowed
/// explicitly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CrossOrigin {
    /// Send nothing and fail with [`Error::OriginNotAllowed`] (the default): a service,
    /// a proxy or a hostile link cannot make the client talk to another server.
    #[default]
    Refuse,
    /// Send the request without credentials: no `Authorization`, `Cookie` or
    /// `Proxy-Authorization` header from any source, and none of the client's default
    /// headers (they may hold API keys). Use it for pre-authenticated URLs on other
    /// hosts, such as Graph's upload sessions and drive item downloads (a 302 to a
    /// download URL).
    WithoutCredentials,
}

/// Waits for a duration; the default uses `tokio::time::sleep`.
pub type Sleeper = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

fn tokio_sleeper() -> Sleeper {
    Arc::new(|d| Box::pin(tokio::time::sleep(d)))
}

/// Per-request options: query options, conditional headers, preferences, headers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// System and custom query options (not applied to `@odata.nextLink` requests).
    pub query: Query,
    /// `If-Match` (an ETag from `@odata.etag`, or `*`).
    pub if_match: Option<String>,
    /// `If-None-Match`.
    pub if_none_match: Option<String>,
    /// `Prefer` preferences, joined with `, `.
    pub prefer: Vec<String>,
    /// Further headers; they replace client defaults of the same name.
    pub headers: Vec<(String, String)>,
}

impl RequestOptions {
    /// No options.
    pub fn new() -> RequestOptions {
        RequestOptions::default()
    }

    /// Set the query options.
    pub fn query(mut self, query: Query) -> RequestOptions {
        self.query = query;
        self
    }

    /// Send `If-Match: etag`.
    pub fn if_match(mut self, etag: impl Into<String>) -> RequestOptions {
        self.if_match = Some(etag.into());
        self
    }

    /// Send `If-None-Match: etag`.
    pub fn if_none_match(mut self, etag: impl Into<String>) -> RequestOptions {
        self.if_none_match = Some(etag.into());
        self
    }

    /// Add a `Prefer` preference.
    pub fn prefer(mut self, preference: impl Into<String>) -> RequestOptions {
        self.prefer.push(preference.into());
        self
    }

    /// `Prefer: return=minimal` (create/update answer 204 without a body).
    pub fn return_minimal(self) -> RequestOptions {
        self.prefer("return=minimal")
    }

    /// `Prefer: return=representation` (create/update answer with the entity).
    pub fn return_representation(self) -> RequestOptions {
        self.prefer("return=representation")
    }

    /// `Prefer: odata.maxpagesize=n`.
    pub fn max_page_size(self, n: u32) -> RequestOptions {
        self.prefer(format!("odata.maxpagesize={n}"))
    }

    /// Add a header (e.g. `ConsistencyLevel: eventual` for Graph `$search`/`$count`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> RequestOptions {
        self.headers.push((name.into(), value.into()));
        self
    }
}

pub(super) struct Inner {
    pub(super) root: String,
    pub(super) root_origin: Origin,
    pub(super) allowed: Vec<Origin>,
    pub(super) cross_origin: CrossOrigin,
    pub(super) max_response_size: usize,
    pub(super) request_timeout: Duration,
    pub(super) max_pages: usize,
    pub(super) token: Option<Arc<dyn TokenProvider>>,
    pub(super) transport: Arc<dyn Transport>,
    pub(super) retry: RetryPolicy,
    pub(super) sleeper: Sleeper,
    pub(super) default_headers: Vec<(String, String)>,
    pub(super) accept: String,
    pub(super) client_request_id: bool,
    pub(super) batch_limit: usize,
    pub(super) batch_format: super::batch::BatchFormat,
}

/// An OData service client. Cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    /// Shows the root and settings; never the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("root", &self.inner.root)
            .field("authenticated", &self.inner.token.is_some())
            .field("allowed_origins", &self.inner.allowed)
            .field("cross_origin", &self.inner.cross_origin)
            .field("max_response_size", &self.inner.max_response_size)
            .field("request_timeout", &self.inner.request_timeout)
            .field("max_pages", &self.inner.max_pages)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
///
/// Defaults: token sent to the root's origin only, other origins refused
/// ([`CrossOrigin::Refuse`]), responses up to [`DEFAULT_MAX_RESPONSE_SIZE`], connect
/// timeout [`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_REQUEST_TIMEOUT`] per attempt, 120 s in
/// all ([`RetryPolicy::max_total`]), [`DEFAULT_MAX_PAGES`] pages per pager.
pub struct ClientBuilder {
    root: String,
    allowed: Vec<String>,
    cross_origin: CrossOrigin,
    max_response_size: usize,
    connect_timeout: Duration,
    request_timeout: Duration,
    total_timeout: Option<Duration>,
    max_pages: usize,
    token: Option<Arc<dyn TokenProvider>>,
    transport: Option<Arc<dyn Transport>>,
    retry: RetryPolicy,
    sleeper: Option<Sleeper>,
    default_headers: Vec<(String, String)>,
    ieee754_compatible: bool,
    client_request_id: bool,
    user_agent: Option<String>,
    batch_limit: usize,
    batch_format: super::batch::BatchFormat,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not validated yet: a root or origin may hold userinfo or a query (secrets).
        let allowed: Vec<String> = self.allowed.iter().map(|o| url_for_debug(o)).collect();
        f.debug_struct("ClientBuilder")
            .field("root", &url_for_debug(&self.root))
            .field("authenticated", &self.token.is_some())
            .field("allowed_origins", &allowed)
            .field("cross_origin", &self.cross_origin)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Also send the token to `origin` (`https://host` or `https://host:port`; a full
    /// URL is accepted and only its origin kept). An `http` origin must be given as
    /// `http://…`: an `https` one never allows plain `http`. Like Kiota's allowed hosts.
    /// An origin that does not parse fails [`build`](ClientBuilder::build).
    pub fn allow_origin(mut self, origin: impl Into<String>) -> ClientBuilder {
        self.allowed.push(origin.into());
        self
    }

    /// What to do with URLs on other origins (default [`CrossOrigin::Refuse`]).
    pub fn cross_origin(mut self, policy: CrossOrigin) -> ClientBuilder {
        self.cross_origin = policy;
        self
    }

    /// The largest response body read, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_SIZE`]), for success and error responses alike. A larger
    /// body fails with [`Error::ResponseTooLarge`] as soon as `Content-Length` announces
    /// it or the bytes read pass the limit; the rest is not read.
    pub fn max_response_size(mut self, bytes: usize) -> ClientBuilder {
        self.max_response_size = bytes;
        self
    }

    /// The connect timeout of the default transport (default
    /// [`DEFAULT_CONNECT_TIMEOUT`]). A transport given with
    /// [`transport`](ClientBuilder::transport) has its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// The time one attempt may take, redirects and body included (default
    /// [`DEFAULT_REQUEST_TIMEOUT`]). An attempt is also cut off when the total time
    /// limit runs out.
    pub fn request_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.request_timeout = timeout;
        self
    }

    /// The time one request may take in all, attempts and waits between them included
    /// (default 120 s). Sets [`RetryPolicy::max_total`], whatever the order of this call
    /// and [`retry_policy`](ClientBuilder::retry_policy).
    pub fn total_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.total_timeout = Some(timeout);
        self
    }

    /// The most pages a [`Pager`] reads (default [`DEFAULT_MAX_PAGES`]); when the last
    /// of them still has a next link, the pager ends with [`Error::TooManyPages`].
    pub fn max_pages(mut self, pages: usize) -> ClientBuilder {
        self.max_pages = pages;
        self
    }

    /// Use `provider` for the `Authorization: Bearer` header.
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> ClientBuilder {
        self.token = Some(Arc::new(provider));
        self
    }

    /// Use a shared token provider.
    pub fn token_provider_arc(mut self, provider: Arc<dyn TokenProvider>) -> ClientBuilder {
        self.token = Some(provider);
        self
    }

    /// Use a fixed bearer token.
    pub fn bearer_token(self, token: impl Into<String>) -> ClientBuilder {
        self.token_provider(StaticToken::new(token))
    }

    /// Use `transport` instead of the default reqwest transport.
    pub fn transport(mut self, transport: impl Transport + 'static) -> ClientBuilder {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Use a shared transport.
    pub fn transport_arc(mut self, transport: Arc<dyn Transport>) -> ClientBuilder {
        self.transport = Some(transport);
        self
    }

    /// Set the retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> ClientBuilder {
        self.retry = policy;
        self
    }

    /// Replace the sleep function used between retries (another runtime, tests).
    pub fn sleeper(mut self, sleeper: Sleeper) -> ClientBuilder {
        self.sleeper = Some(sleeper);
        self
    }

    /// Send `name: value` on every request.
    pub fn default_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> ClientBuilder {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Ask for `Accept: application/json;IEEE754Compatible=true`, so Int64 and Decimal
    /// arrive as strings without precision loss (default off).
    pub fn ieee754_compatible(mut self, on: bool) -> ClientBuilder {
        self.ieee754_compatible = on;
        self
    }

    /// Send a fresh `client-request-id` GUID per logical request (kept across
    /// retries; default on). Graph echoes it in responses and error bodies.
    pub fn client_request_id(mut self, on: bool) -> ClientBuilder {
        self.client_request_id = on;
        self
    }

    /// Set the `User-Agent` header.
    pub fn user_agent(mut self, ua: impl Into<String>) -> ClientBuilder {
        self.user_agent = Some(ua.into());
        self
    }

    /// The most requests one `$batch` request carries (default
    /// [`DEFAULT_BATCH_LIMIT`](super::batch::DEFAULT_BATCH_LIMIT), Microsoft Graph's
    /// limit); a [`Batch`](super::batch::Batch) with more is split (0 counts as 1).
    pub fn batch_limit(mut self, requests: usize) -> ClientBuilder {
        self.batch_limit = requests.max(1);
        self
    }

    /// The wire format of `$batch` requests (default
    /// [`BatchFormat::Json`](super::batch::BatchFormat::Json); SAP services often need
    /// [`BatchFormat::Multipart`](super::batch::BatchFormat::Multipart)).
    pub fn batch_format(mut self, format: super::batch::BatchFormat) -> ClientBuilder {
        self.batch_format = format;
        self
    }

    /// Build the client. Fails when the root is not an absolute `http(s)` URL without
    /// userinfo, query or fragment (see [`Origin::parse`]), when an allowed origin does
    /// not parse, when a default header is not a valid header, or when no transport was
    /// given and the `reqwest` feature is off.
    pub fn build(self) -> Result<Client, Error> {
        let root = self.root.trim_end_matches('/').to_owned();
        let root_origin = Origin::parse(&root)
            .map_err(|e| Error::InvalidRequest(format!("service root: {e}")))?;
        if root.contains(['?', '#']) {
            return Err(Error::InvalidRequest(
                "service root: it has a query or fragment".to_owned(),
            ));
        }
        let allowed = self
            .allowed
            .iter()
            .map(|o| {
                Origin::parse(o).map_err(|e| Error::InvalidRequest(format!("allowed origin: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut default_headers = self.default_headers;
        if let Some(ua) = self.user_agent {
            default_headers.push(("User-Agent".to_owned(), ua));
        }
        for (name, value) in &default_headers {
            check_header(name, value)?;
        }
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport(self.connect_timeout)?,
        };
        let mut retry = self.retry;
        if let Some(total) = self.total_timeout {
            retry.max_total = total;
        }
        Ok(Client {
            inner: Arc::new(Inner {
                root,
                root_origin,
                allowed,
                cross_origin: self.cross_origin,
                max_response_size: self.max_response_size,
                request_timeout: self.request_timeout,
                max_pages: self.max_pages,
                token: self.token,
                transport,
                retry,
                sleeper: self.sleeper.unwrap_or_else(tokio_sleeper),
                default_headers,
                accept: if self.ieee754_compatible {
                    "application/json;IEEE754Compatible=true".to_owned()
                } else {
                    "application/json".to_owned()
                },
                client_request_id: self.client_request_id,
                batch_limit: self.batch_limit,
                batch_format: self.batch_format,
            }),
        })
    }
}

#[cfg(feature = "reqwest")]
fn default_transport(connect_timeout: Duration) -> Result<Arc<dyn Transport>, Error> {
    Ok(Arc::new(
        super::transport::ReqwestTransport::with_connect_timeout(connect_timeout)?,
    ))
}

#[cfg(not(feature = "reqwest"))]
fn default_transport(_connect_timeout: Duration) -> Result<Arc<dyn Transport>, Error> {
    Err(Error::InvalidRequest(
        "no transport: enable the `reqwest` feature or call ClientBuilder::transport".to_owned(),
    ))
}

/// A header the transport can send: a token name, a value without CR, LF or other
/// control characters (tab allowed). The error names the header, never its value.
pub(crate) fn check_header(name: &str, value: &str) -> Result<(), Error> {
    let name_ok = !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        });
    if !name_ok {
        return Err(Error::InvalidRequest(format!(
            "header name {:?} is not a valid HTTP header name",
            name.chars().take(64).collect::<String>()
        )));
    }
    if value.bytes().any(|b| (b < b' ' && b != b'\t') || b == 0x7f) {
        return Err(Error::InvalidRequest(format!(
            "the value of header {name} holds a line break or another control character"
        )));
    }
    Ok(())
}

/// Where a redirect answer leads.
pub(super) struct Redirect {
    /// The target, resolved against the URL that answered.
    pub(super) url: String,
    /// Its origin (the next hop is judged by it).
    pub(super) origin: Origin,
    /// The next hop is a `GET` without body (303 after anything but `GET`, 301/302
    /// after `POST`), as browsers and HTTP libraries do.
    pub(super) to_get: bool,
}

/// The next hop of a request that `url` answered with `status` and `location` (its
/// `Location` header): `None` when it is not a redirect (301, 302, 303, 307, 308 with a
/// `Location`). Counts the hop in `redirects`; more than [`MAX_REDIRECTS`], or a target
/// that is no URL the client accepts, is an error.
pub(super) fn redirect(
    status: u16,
    location: Option<&str>,
    url: &str,
    method: Method,
    redirects: &mut usize,
) -> Result<Option<Redirect>, Error> {
    let location = match status {
        301 | 302 | 303 | 307 | 308 => location,
        _ => None,
    };
    let Some(location) = location else {
        return Ok(None);
    };
    *redirects += 1;
    if *redirects > MAX_REDIRECTS {
        return Err(Error::TooManyRedirects {
            limit: MAX_REDIRECTS,
        });
    }
    let next = resolve(url, location.trim());
    let origin =
        Origin::parse(&next).map_err(|e| Error::InvalidRequest(format!("redirect target: {e}")))?;
    let to_get = match status {
        303 => method != Method::Get,
        301 | 302 => method == Method::Post,
        _ => false,
    };
    Ok(Some(Redirect {
        url: next,
        origin,
        to_get,
    }))
}

/// Run `fut` for at most `limit` (with tokio's timer, inside a tokio runtime; elsewhere
/// the transport's own [`Request::timeout`] is the only bound).
pub(super) async fn within<F: Future>(limit: Duration, fut: F) -> Option<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::time::timeout(limit, fut).await.ok()
    } else {
        Some(fut.await)
    }
}

/// How an attempt failed: a transport error (maybe retried) or a final error.
enum Failure {
    Transport(TransportError),
    Fatal(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Fatal(e)
    }
}

/// Set `name` in `headers`, replacing an existing value (case-insensitive).
#[doc(hidden)]
pub fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    headers.push((name.to_owned(), value));
}

/// `opts` plus header `name: value` unless `opts` already has one.
fn with_default_header(opts: &RequestOptions, name: &str, value: &str) -> RequestOptions {
    let mut opts = opts.clone();
    if find_header(&opts.headers, name).is_none() {
        opts.headers.push((name.to_owned(), value.to_owned()));
    }
    opts
}

/// The most bytes of a path [`log_path`] gives: a link is the service's choice, and a
/// megabyte of it in every log line would flood the log.
#[doc(hidden)]
pub const MAX_LOG_PATH: usize = 512;

/// The path part of a URL for logs (no scheme, host or query: queries may hold data),
/// cut at [`MAX_LOG_PATH`] bytes.
#[doc(hidden)]
pub fn log_path(url: &str) -> &str {
    let no_query = super::transport::without_query(url);
    let path = match no_query.find("://") {
        Some(i) => {
            let after = &no_query[i + 3..];
            match after.find('/') {
                Some(j) => &after[j..],
                None => "/",
            }
        }
        None => no_query,
    };
    let mut end = path.len().min(MAX_LOG_PATH);
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    &path[..end]
}

/// A URL for `Debug`: its origin and path when it is one the client accepts (never a
/// query, fragment or userinfo), a placeholder otherwise.
fn url_for_debug(url: &str) -> String {
    match Origin::parse(url) {
        Ok(origin) => format!("{origin}{}", log_path(url)),
        Err(_) => "<not a URL the client accepts>".to_owned(),
    }
}

fn body_snippet(body: &[u8]) -> String {
    const MAX: usize = 1024;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX)]).into_owned();
    text.trim().to_owned()
}

/// Map a non-2xx response to an [`Error`].
pub(crate) fn error_from_response(resp: &Response) -> Error {
    if let Ok(error) = json::from_slice::<ODataError>(&resp.body) {
        return Error::Service {
            status: resp.status,
            error: Box::new(error),
        };
    }
    Error::UnexpectedStatus {
        status: resp.status,
        body: body_snippet(&resp.body),
    }
}

fn has_body(resp: &Response) -> bool {
    resp.status != 204 && resp.body.iter().any(|b| !b.is_ascii_whitespace())
}

fn decode<T: FromJson>(resp: &Response) -> Result<T, Error> {
    if !has_body(resp) {
        return Err(Error::Decode {
            status: resp.status,
            error: json::DecodeError::new(&json::Path::ROOT, "expected a JSON body, found none"),
        });
    }
    match json::from_slice(&resp.body) {
        Ok(v) => Ok(v),
        Err(error) => Err(Error::Decode {
            status: resp.status,
            error,
        }),
    }
}

pub(super) fn decode_optional<T: FromJson>(resp: &Response) -> Result<Option<T>, Error> {
    if has_body(resp) {
        match decode(resp) {
            Ok(v) => Ok(Some(v)),
            Err(e) => Err(e),
        }
    } else {
        Ok(None)
    }
}

impl Client {
    /// A builder for a client of the service at `root` (a generated crate's
    /// `SERVICE_ROOT`, or any service root URL).
    pub fn builder(root: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            root: root.into(),
            allowed: Vec::new(),
            cross_origin: CrossOrigin::default(),
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            total_timeout: None,
            max_pages: DEFAULT_MAX_PAGES,
            token: None,
            transport: None,
            retry: RetryPolicy::default(),
            sleeper: None,
            default_headers: Vec::new(),
            ieee754_compatible: false,
            client_request_id: true,
            user_agent: None,
            batch_limit: super::batch::DEFAULT_BATCH_LIMIT,
            batch_format: super::batch::BatchFormat::Json,
        }
    }

    /// The service root, without a trailing `/`.
    pub fn root(&self) -> &str {
        &self.inner.root
    }

    /// The retry policy (its `max_total` is the total time limit).
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The origin of the service root.
    pub fn origin(&self) -> &Origin {
        &self.inner.root_origin
    }

    /// The maximum number of pages a [`Pager`] reads.
    pub fn max_pages(&self) -> usize {
        self.inner.max_pages
    }

    /// The most requests one `$batch` request carries ([`ClientBuilder::batch_limit`]).
    pub fn batch_limit(&self) -> usize {
        self.inner.batch_limit
    }

    /// The wire format of `$batch` requests ([`ClientBuilder::batch_format`]).
    pub fn batch_format(&self) -> super::batch::BatchFormat {
        self.inner.batch_format
    }

    /// A new, empty `$batch` of typed requests (see [`Batch`](super::batch::Batch)).
    pub fn batch(&self) -> super::batch::Batch {
        super::batch::Batch::new(self)
    }

    /// Waits `delay` with the client's sleeper (between retries).
    pub(crate) async fn sleep(&self, delay: Duration) {
        (self.inner.sleeper)(delay).await;
    }

    /// The absolute URL of `resource` with `query`.
    pub fn url(&self, resource: &Resource, query: &Query) -> String {
        format!("{}/{}", self.inner.root, resource.to_relative(query))
    }

    /// `GET` a single value: an entity, a complex value, or (with
    /// [`ValueOf`](super::json::ValueOf)) a primitive or collection property.
    pub async fn get<T: FromJson>(
        &self,
        resource: &Resource,
        opts: &RequestOptions,
    ) -> Result<T, Error> {
        let url = self.url(resource, &opts.query);
        let resp = self.execute(Method::Get, url, None, opts).await?;
        decode(&resp)
    }

    /// `GET` a value that may be absent: 204 (e.g. an unset single-valued navigation
    /// property) gives `None`.
    pub async fn get_optional<T: FromJson>(
        &self,
        resource: &Resource,
        opts: &RequestOptions,
    ) -> Result<Option<T>, Error> {
        let url = self.url(resource, &opts.query);
        let resp = self.execute(Method::Get, url, None, opts).await?;
        decode_optional(&resp)
    }

    /// `GET` raw bytes (media streams, `$value`), returning the whole response.
    /// Sends `Accept: */*` unless `opts` sets an `Accept` header.
    pub async fn get_bytes(
        &self,
        resource: &Resource,
        opts: &RequestOptions,
    ) -> Result<Response, Error> {
        let url = self.url(resource, &opts.query);
        let opts = with_default_header(opts, "Accept", "*/*");
        self.execute(Method::Get, url, None, &opts).await
    }

    /// `PUT` raw bytes (a media stream, `$value`) with the given `Content-Type`,
    /// returning the whole response.
    pub async fn put_bytes(
        &self,
        resource: &Resource,
        content_type: &str,
        bytes: Vec<u8>,
        opts: &RequestOptions,
    ) -> Result<Response, Error> {
        let url = self.url(resource, &opts.query);
        let opts = with_default_header(opts, "Content-Type", content_type);
        self.execute(Method::Put, url, Some(bytes), &opts).await
    }

    /// `POST` an entity to a collection. 201 with the entity gives `Some`; 204
    /// (`Prefer: return=minimal`) gives `None`.
    pub async fn create<B: ToJson + ?Sized, T: FromJson>(
        &self,
        resource: &Resource,
        body: &B,
        opts: &RequestOptions,
    ) -> Result<Option<T>, Error> {
        let url = self.url(resource, &opts.query);
        let resp = self
            .execute(Method::Post, url, Some(json::to_vec(body)), opts)
            .await?;
        decode_optional(&resp)
    }

    /// `PATCH` (merge) an entity. 200 with the entity gives `Some`, 204 gives `None`.
    /// Set [`RequestOptions::if_match`] for optimistic concurrency.
    pub async fn update<B: ToJson + ?Sized, T: FromJson>(
        &self,
        resource: &Resource,
        body: &B,
        opts: &RequestOptions,
    ) -> Result<Option<T>, Error> {
        let url = self.url(resource, &opts.query);
        let resp = self
            .execute(Method::Patch, url, Some(json::to_vec(body)), opts)
            .await?;
        decode_optional(&resp)
    }

    /// `PUT` (replace) an entity or property. 200 with a body gives `Some`, 204 `None`.
    pub async fn replace<B: ToJson + ?Sized, T: FromJson>(
        &self,
        resource: &Resource,
        body: &B,
        opts: &RequestOptions,
    ) -> Result<Option<T>, Error> {
        let url = self.url(resource, &opts.query);
        let resp = self
            .execute(Method::Put, url, Some(json::to_vec(body)), opts)
            .await?;
        decode_optional(&resp)
    }

    /// `DELETE` an entity (set [`RequestOptions::if_match`] to send `If-Match`).
    pub async fn delete(&self, resource: &Resource, opts: &RequestOptions) -> Result<(), Error> {
        let url = self.url(resource, &opts.query);
        self.execute(Method::Delete, url, None, opts).await?;
        Ok(())
    }

    /// Invoke an action: `POST` with the non-binding parameters as one JSON object
    /// (pass an empty object when there are none). A 204 or empty body gives `None`;
    /// decode primitive and collection results with [`ValueOf`](super::json::ValueOf).
    pub async fn invoke_action<B: ToJson + ?Sized, T: FromJson>(
        &self,
        resource: &Resource,
        params: &B,
        opts: &RequestOptions,
    ) -> Result<Option<T>, Error> {
        let url = self.url(resource, &opts.query);
        let resp = self
            .execute(Method::Post, url, Some(json::to_vec(params)), opts)
            .await?;
        decode_optional(&resp)
    }

    /// Invoke a function: `GET` with the parameters already in `resource` (see
    /// [`Resource::function`] and [`Resource::function_params`]). 204 gives `None`.
    pub async fn invoke_function<T: FromJson>(
        &self,
        resource: &Resource,
        opts: &RequestOptions,
    ) -> Result<Option<T>, Error> {
        let url = self.url(resource, &opts.query);
        let resp = self.execute(Method::Get, url, None, opts).await?;
        decode_optional(&resp)
    }

    /// `GET` one page of a collection.
    pub async fn get_page<T: FromJson>(
        &self,
        resource: &Resource,
        opts: &RequestOptions,
    ) -> Result<Page<T>, Error> {
        let url = self.url(resource, &opts.query);
        self.get_page_at(&url, opts).await
    }

    /// `GET` the page at `url`: an absolute URL such as a resolved `@odata.nextLink`,
    /// used verbatim (the query of `opts` is not applied; its headers are).
    pub async fn get_page_at<T: FromJson>(
        &self,
        url: &str,
        opts: &RequestOptions,
    ) -> Result<Page<T>, Error> {
        let url = if is_absolute(url) {
            url.to_owned()
        } else {
            super::url::resolve(&format!("{}/", self.inner.root), url)
        };
        let resp = self.execute(Method::Get, url, None, opts).await?;
        decode(&resp)
    }

    /// A stream of all items of a collection, following `@odata.nextLink`.
    pub fn pager<T: FromJson + Send + 'static>(
        &self,
        resource: &Resource,
        opts: &RequestOptions,
    ) -> Pager<T> {
        let url = self.url(resource, &opts.query);
        Pager::new(self.clone(), Method::Get, url, None, opts.clone())
    }

    /// A stream over the collection returned by an action (`POST`), following
    /// `@odata.nextLink` with `GET`.
    pub fn action_pager<B: ToJson + ?Sized, T: FromJson + Send + 'static>(
        &self,
        resource: &Resource,
        params: &B,
        opts: &RequestOptions,
    ) -> Pager<T> {
        let url = self.url(resource, &opts.query);
        Pager::new(
            self.clone(),
            Method::Post,
            url,
            Some(json::to_vec(params)),
            opts.clone(),
        )
    }

    /// Send one request with auth, standard headers, redirects and retries; returns the
    /// 2xx response or the error. `url` is absolute. The escape hatch for anything the
    /// typed helpers do not cover, and the single place every request goes through:
    ///
    /// - the URL must pass [`Origin::parse`], and header names must be HTTP tokens and
    ///   values free of CR, LF and other control characters, or
    ///   [`Error::InvalidRequest`] is returned and nothing is sent;
    /// - the token goes only to the root's origin and the allowed ones; other origins
    ///   are refused or sent without credentials ([`CrossOrigin`]), redirect targets
    ///   included (at most [`MAX_REDIRECTS`] per attempt);
    /// - every attempt is bounded by the request timeout and the time left of the
    ///   total limit; response bodies by the maximum response size.
    pub async fn execute(
        &self,
        method: Method,
        url: String,
        body: Option<Vec<u8>>,
        opts: &RequestOptions,
    ) -> Result<Response, Error> {
        let (resp, _) = self
            .execute_from(method, url, body, opts, true, &error_from_response)
            .await?;
        Ok(resp)
    }

    /// [`execute`](Client::execute) for a URL named by an earlier response. With
    /// `trusted` false (the response came from another origin, or over a redirect
    /// through one), the URL is that server's choice, so no hop carries credentials, even
    /// to the root's origin. Returns the response and whether it came over a chain that
    /// carried credentials throughout (links in it may be trusted). `map_error` turns
    /// the final error response into the error (delta requests read the `Location` of a
    /// 410 Gone).
    pub(super) async fn execute_from(
        &self,
        method: Method,
        url: String,
        body: Option<Vec<u8>>,
        opts: &RequestOptions,
        trusted: bool,
        map_error: &(dyn Fn(&Response) -> Error + Sync),
    ) -> Result<(Response, bool), Error> {
        if let Some(slot) = super::batch::capture_slot() {
            // Polled as an item of a `Batch`: the request goes into the batch (a second
            // request of the same item, such as a next page, fails there).
            let resp = super::batch::exchange(self, slot, method, url, body, opts).await?;
            return if resp.is_success() {
                Ok((resp, true))
            } else {
                Err(map_error(&resp))
            };
        }
        let inner = &self.inner;
        // Checked once before anything is sent (each attempt parses it again).
        Origin::parse(&url).map_err(|e| Error::InvalidRequest(format!("URL: {e}")))?;
        let correlation = inner.client_request_id.then(|| Guid::new_v4().to_string());
        let headers = self.headers(body.is_some(), opts, correlation.as_deref())?;
        let path = log_path(&url).to_owned();
        let started = Instant::now();
        let total = inner.retry.max_total;
        let mut attempts: u32 = 0;
        loop {
            attempts += 1;
            let span = tracing::debug_span!(
                "odata_request",
                method = method.as_str(),
                path = path.as_str(),
                attempt = attempts,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                client_request_id = correlation.as_deref().unwrap_or(""),
            );
            let limit = inner
                .request_timeout
                .min(total.saturating_sub(started.elapsed()));
            if limit.is_zero() {
                // The total limit is used up (a sleeper overslept, or a zero limit):
                // an attempt could not finish in time, so none starts.
                return Err(Error::Transport(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("total time limit of {} ms reached", total.as_millis()),
                )));
            }
            let attempt = self.attempt(method, &url, body.as_ref(), &headers, limit, trusted);
            let result = match within(limit, attempt.instrument(span.clone())).await {
                Some(r) => r,
                None => Err(Failure::Transport(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("no complete response within {} ms", limit.as_millis()),
                ))),
            };
            let (result, home) = match result {
                Ok((resp, home)) => (Ok(resp), home),
                Err(e) => (Err(e), false),
            };
            let result = match result {
                Ok(resp) => Ok(resp),
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Transport(e)) if e.kind() == TransportErrorKind::ResponseTooLarge => {
                    return Err(Error::ResponseTooLarge {
                        limit: inner.max_response_size,
                    });
                }
                Err(Failure::Transport(e)) => Err(e),
            };
            let outcome_delay = match &result {
                Ok(resp) => {
                    span.record("status", resp.status);
                    if let Some(id) = resp.header("request-id") {
                        span.record("request_id", id);
                    }
                    if resp.is_success() {
                        tracing::debug!(parent: &span, status = resp.status, "response");
                        return result.map(|r| (r, home)).map_err(Error::Transport);
                    }
                    let outcome = Outcome::Status {
                        status: resp.status,
                        retry_after: resp.header("retry-after"),
                    };
                    inner
                        .retry
                        .next_delay(method, &outcome, attempts, started.elapsed())
                }
                Err(e) => {
                    let outcome = Outcome::Transport(e.kind());
                    inner
                        .retry
                        .next_delay(method, &outcome, attempts, started.elapsed())
                }
            };
            match (result, outcome_delay) {
                (Ok(resp), Some(delay)) => {
                    tracing::info!(
                        parent: &span,
                        status = resp.status,
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    (inner.sleeper)(delay).await;
                }
                (Ok(resp), None) => {
                    let err = map_error(&resp);
                    tracing::debug!(parent: &span, status = resp.status, "error response");
                    return Err(err);
                }
                (Err(e), Some(delay)) => {
                    tracing::info!(
                        parent: &span,
                        error = %e,
                        delay_ms = delay.as_millis() as u64,
                        "retrying after transport error"
                    );
                    (inner.sleeper)(delay).await;
                }
                (Err(e), None) => return Err(Error::Transport(e)),
            }
        }
    }

    /// Whether a request to `origin` may be sent, and with credentials.
    pub(super) fn admit(&self, origin: &Origin) -> Result<bool, Error> {
        let inner = &self.inner;
        if *origin == inner.root_origin || inner.allowed.contains(origin) {
            return Ok(true);
        }
        let downgrade = inner.root_origin.is_https() && !origin.is_https();
        match inner.cross_origin {
            CrossOrigin::WithoutCredentials if !downgrade => Ok(false),
            _ => Err(Error::OriginNotAllowed {
                origin: origin.clone(),
            }),
        }
    }

    /// One attempt: send, and follow redirects under the origin rule. Returns the
    /// response and whether every hop carried credentials.
    async fn attempt(
        &self,
        method: Method,
        url: &str,
        body: Option<&Vec<u8>>,
        headers: &[(String, String)],
        limit: Duration,
        trusted: bool,
    ) -> Result<(Response, bool), Failure> {
        let inner = &self.inner;
        // Measured from the start rather than as a deadline: `now + limit` overflows for
        // a limit like `Duration::MAX` ("no timeout").
        let start = Instant::now();
        let mut method = method;
        let mut url = url.to_owned();
        let mut origin =
            Origin::parse(&url).map_err(|e| Error::InvalidRequest(format!("URL: {e}")))?;
        let mut body = body.cloned();
        let mut headers = headers.to_vec();
        let mut redirects = 0;
        // Once a redirect chain has left the trusted origins, a redirect back to them is
        // the foreign server's choice of URL: it is sent without credentials too. So is
        // a URL named by a response that came from another origin (`trusted` false).
        let mut left_home = !trusted;
        loop {
            let credentials = self.admit(&origin)? && !left_home;
            left_home |= !credentials;
            let hop_headers = self
                .hop_headers(&origin, &url, &headers, credentials)
                .await?;
            let request = Request {
                method,
                url: url.clone(),
                headers: hop_headers,
                body: body.clone(),
                max_response_size: inner.max_response_size,
                timeout: Some(limit.saturating_sub(start.elapsed())),
            };
            let resp = inner
                .transport
                .send(request)
                .await
                .map_err(Failure::Transport)?;
            if resp.body.len() > inner.max_response_size {
                return Err(Failure::Transport(TransportError::too_large(
                    inner.max_response_size,
                )));
            }
            let Some(next) = redirect(
                resp.status,
                resp.header("location"),
                &url,
                method,
                &mut redirects,
            )?
            else {
                return Ok((resp, !left_home));
            };
            if next.to_get {
                method = Method::Get;
                body = None;
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
            }
            tracing::debug!(
                status = resp.status,
                path = log_path(&next.url),
                same_origin = next.origin == inner.root_origin,
                "following redirect"
            );
            (url, origin) = (next.url, next.origin);
        }
    }

    /// The headers of one hop of a request: all of `headers` with the token where
    /// credentials go; elsewhere without credentials (`Authorization`, `Cookie`,
    /// `Proxy-Authorization`) and without the client's default headers.
    pub(super) async fn hop_headers(
        &self,
        origin: &Origin,
        url: &str,
        headers: &[(String, String)],
        credentials: bool,
    ) -> Result<Vec<(String, String)>, Error> {
        let inner = &self.inner;
        if !credentials {
            tracing::debug!(origin = %origin, "sending without credentials to another origin");
            return Ok(headers
                .iter()
                .filter(|(k, _)| {
                    !is_credential_header(k)
                        && !inner
                            .default_headers
                            .iter()
                            .any(|(d, _)| d.eq_ignore_ascii_case(k))
                })
                .cloned()
                .collect());
        }
        let mut out = headers.to_vec();
        if let Some(provider) = &inner.token {
            let token = provider
                .token(&TokenRequest::new(origin, url))
                .await
                .map_err(Error::Auth)?;
            set_header(&mut out, "Authorization", bearer(&token)?);
        }
        Ok(out)
    }

    /// The headers of every request: standard ones, defaults, options. Checked here,
    /// once, so that a bad one fails before anything is sent.
    pub(super) fn headers(
        &self,
        has_body: bool,
        opts: &RequestOptions,
        correlation: Option<&str>,
    ) -> Result<Vec<(String, String)>, Error> {
        let inner = &self.inner;
        let mut headers: Vec<(String, String)> = vec![
            ("Accept".to_owned(), inner.accept.clone()),
            ("OData-MaxVersion".to_owned(), "4.0".to_owned()),
            ("OData-Version".to_owned(), "4.0".to_owned()),
        ];
        if has_body {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        if let Some(id) = correlation {
            headers.push(("client-request-id".to_owned(), id.to_owned()));
        }
        for (k, v) in &inner.default_headers {
            set_header(&mut headers, k, v.clone());
        }
        if let Some(etag) = &opts.if_match {
            set_header(&mut headers, "If-Match", etag.clone());
        }
        if let Some(etag) = &opts.if_none_match {
            set_header(&mut headers, "If-None-Match", etag.clone());
        }
        if !opts.prefer.is_empty() {
            set_header(&mut headers, "Prefer", opts.prefer.join(", "));
        }
        for (k, v) in &opts.headers {
            set_header(&mut headers, k, v.clone());
        }
        for (k, v) in &headers {
            check_header(k, v)?;
        }
        Ok(headers)
    }
}

/// The `Authorization` value for `token`, refused (without quoting it) when it cannot
/// be a header value.
pub(super) fn bearer(token: &AccessToken) -> Result<String, Error> {
    let value = format!("Bearer {}", token.secret());
    if check_header("Authorization", &value).is_err() {
        return Err(Error::Auth(AuthError::new(
            "the token holds a line break or another control character",
        )));
    }
    Ok(value)
}

/// The `ETag` response header, if any (some services send it instead of `@odata.etag`).
pub fn etag_header(resp: &Response) -> Option<&str> {
    find_header(&resp.headers, "etag")
}
