//! The HTTP seam: a minimal request/response model and the `Transport` trait, with a
//! default implementation on reqwest (cargo feature `reqwest`).

use std::fmt;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;

pub use super::auth::BoxFuture;

/// The HTTP methods OData uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PATCH`
    Patch,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Whether repeating the request has the same effect as sending it once.
    pub fn is_idempotent(&self) -> bool {
        matches!(self, Method::Get | Method::Put | Method::Delete)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One HTTP request as the transport sends it.
///
/// The client has already checked the URL (an absolute `http(s)` URL, see
/// [`Origin::parse`](super::origin::Origin::parse)) and the headers (valid names, no
/// CR, LF or other control characters in values).
#[derive(Clone)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The absolute URL, already encoded.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
    /// The most response body bytes the transport may read. A transport fails fast with
    /// [`TransportError::too_large`] when `Content-Length` announces more, and otherwise
    /// reads the body incrementally and stops as soon as it would exceed this (it never
    /// buffers more). The client's [`max_response_size`](super::client::ClientBuilder::max_response_size).
    pub max_response_size: usize,
    /// The time this exchange may take, body included: the client's request timeout,
    /// shortened to what is left of the total time limit. The client also stops waiting
    /// itself when it runs out (inside a tokio runtime), but a transport should honour
    /// it so that it can close the connection.
    pub timeout: Option<Duration>,
}

impl Request {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for Request {
    /// The values of `Authorization`, `Proxy-Authorization` and `Cookie` are redacted,
    /// and the URL's query is left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if is_credential_header(k) {
                    (k.as_str(), "<redacted>")
                } else {
                    (k.as_str(), v.as_str())
                }
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &without_query(&self.url))
            .field("headers", &headers)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .field("max_response_size", &self.max_response_size)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// One HTTP response, fully read.
#[derive(Clone, Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty when there was none).
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A body sent or received piece by piece (uploads from a file or reader, downloads).
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, TransportError>> + Send>>;

/// A request body streamed by [`Transport::send_streaming`], with its length when known
/// (sent as `Content-Length`; otherwise the transport may use chunked encoding).
pub struct StreamBody {
    /// The bytes, in order.
    pub stream: BodyStream,
    /// The total length, when known.
    pub length: Option<u64>,
}

impl fmt::Debug for StreamBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamBody")
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

/// A response whose head has arrived and whose body is read as it comes
/// ([`Transport::send_streaming`]).
pub struct StreamResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, not yet read.
    pub body: BodyStream,
}

impl StreamResponse {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for StreamResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// One chunk, then the end: a buffered body as a [`BodyStream`].
fn once(bytes: Vec<u8>) -> BodyStream {
    struct Once(Option<Bytes>);
    impl Stream for Once {
        type Item = Result<Bytes, TransportError>;
        fn poll_next(
            mut self: Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.take().filter(|b| !b.is_empty()).map(Ok))
        }
    }
    Box::pin(Once(Some(Bytes::from(bytes))))
}

/// Read all of `body` (the fallback of [`Transport::send_streaming`]).
async fn collect(mut body: BodyStream) -> Result<Vec<u8>, TransportError> {
    let mut all = Vec::new();
    while let Some(chunk) = std::future::poll_fn(|cx| body.as_mut().poll_next(cx)).await {
        all.extend_from_slice(&chunk?);
    }
    Ok(all)
}

/// `url` without its query and fragment (which may hold data: filters, skip tokens).
pub(super) fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// Whether a header carries credentials: `Authorization`, `Proxy-Authorization`,
/// `Cookie` (never sent to another origin, never shown).
pub(super) fn is_credential_header(name: &str) -> bool {
    ["authorization", "proxy-authorization", "cookie"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

pub(super) fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What went wrong below HTTP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made: the request was not sent, so it is safe to retry.
    Connect,
    /// The request timed out; it may or may not have reached the service.
    Timeout,
    /// The transport refused the request before sending it (a URL, header or body it
    /// cannot send). Never retried: it cannot succeed.
    InvalidRequest,
    /// The response body is larger than [`Request::max_response_size`]. Never retried.
    ResponseTooLarge,
    /// Anything else (I/O during the exchange, TLS, …).
    Other,
}

/// The transport could not complete the exchange.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A new error.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> TransportError {
        TransportError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attach the underlying cause.
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> TransportError {
        self.source = Some(source.into());
        self
    }

    /// A body larger than `limit` bytes: [`TransportErrorKind::ResponseTooLarge`].
    pub fn too_large(limit: usize) -> TransportError {
        TransportError::new(
            TransportErrorKind::ResponseTooLarge,
            format!("the response body is larger than the limit of {limit} bytes"),
        )
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            TransportErrorKind::Connect => "connect error",
            TransportErrorKind::Timeout => "timeout",
            TransportErrorKind::InvalidRequest => "request refused by the transport",
            TransportErrorKind::ResponseTooLarge => "response too large",
            TransportErrorKind::Other => "transport error",
        };
        write!(f, "{kind}: {}", self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Sends one HTTP request and reads the whole response. Implement it to plug in
/// another HTTP stack, a proxy, a recorder or a test double.
///
/// An implementation must
/// - not follow redirects itself: return the 3xx response, and the client follows it
///   under its origin rule (the token never goes to another origin);
/// - read at most [`Request::max_response_size`] body bytes, failing with
///   [`TransportError::too_large`] beyond (the client checks the length again, but
///   only after the transport has buffered it);
/// - honour [`Request::timeout`];
/// - report a request it cannot send (bad URL, header, body) as
///   [`TransportErrorKind::InvalidRequest`], which is not retried;
/// - keep the URL's query out of its error messages (they end up in logs).
pub trait Transport: Send + Sync {
    /// Send `request`.
    fn send(&self, request: Request) -> BoxFuture<'_, Result<Response, TransportError>>;

    /// Send `request`, with `body` (when given) streamed instead of `request.body`, and
    /// return as soon as the response head has arrived, its body unread: what downloads
    /// and uploads of media use, so that memory does not grow with the content.
    ///
    /// [`Request::timeout`] bounds the time until the response head only; the client
    /// bounds the body by its request timeout between two chunks, and
    /// [`Request::max_response_size`] does not apply. The same rules as for
    /// [`send`](Transport::send) hold otherwise (no redirects followed, …).
    ///
    /// The default implementation buffers: it reads `body` whole, calls
    /// [`send`](Transport::send) (so the response is limited to
    /// [`Request::max_response_size`]) and returns the body as one chunk. The reqwest
    /// transport streams both ways; a transport of your own should too.
    fn send_streaming(
        &self,
        request: Request,
        body: Option<StreamBody>,
    ) -> BoxFuture<'_, Result<StreamResponse, TransportError>> {
        Box::pin(async move {
            let mut request = request;
            if let Some(body) = body {
                request.body = Some(collect(body.stream).await?);
            }
            let resp = self.send(request).await?;
            Ok(StreamResponse {
                status: resp.status,
                headers: resp.headers,
                body: once(resp.body),
            })
        })
    }
}

#[cfg(feature = "reqwest")]
pub use self::reqwest_transport::ReqwestTransport;
#[cfg(feature = "reqwest")]
#[doc(hidden)]
pub use self::reqwest_transport::convert as convert_reqwest_error;

#[cfg(feature = "reqwest")]
mod reqwest_transport {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use bytes::Bytes;
    use futures_core::Stream;
    use http_body::{Body as HttpBody, Frame, SizeHint};

    use super::{
        BodyStream, BoxFuture, Method, Request, Response, StreamBody, StreamResponse, Transport,
        TransportError, TransportErrorKind,
    };

    /// How long reqwest may take over a streamed exchange, body included: a week. The
    /// client bounds the head by its request timeout and the body by the same timeout
    /// between two chunks; reqwest's own total timeout (100 s by default) must not cut a
    /// large download short.
    const STREAM_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

    /// A [`StreamBody`] as an HTTP body reqwest sends. reqwest wants a `Sync` body; the
    /// mutex makes it one without locking (it is only reached through `&mut`).
    struct Upload {
        stream: std::sync::Mutex<BodyStream>,
        length: Option<u64>,
    }

    impl HttpBody for Upload {
        type Data = Bytes;
        type Error = TransportError;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, TransportError>>> {
            let stream = self
                .stream
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            stream
                .as_mut()
                .poll_next(cx)
                .map(|c| c.map(|c| c.map(Frame::data)))
        }

        fn size_hint(&self) -> SizeHint {
            match self.length {
                Some(n) => SizeHint::with_exact(n),
                None => SizeHint::default(),
            }
        }
    }

    /// A reqwest response body as a [`BodyStream`] (trailers skipped).
    struct Download(reqwest::Body);

    impl Stream for Download {
        type Item = Result<Bytes, TransportError>;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            loop {
                let frame = match Pin::new(&mut self.0).poll_frame(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(None) => return Poll::Ready(None),
                    Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(convert(e)))),
                    Poll::Ready(Some(Ok(frame))) => frame,
                };
                if let Ok(data) = frame.into_data() {
                    return Poll::Ready(Some(Ok(data)));
                }
            }
        }
    }

    fn reqwest_method(method: Method) -> reqwest::Method {
        match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Patch => reqwest::Method::PATCH,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        }
    }

    fn header_list(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect()
    }

    /// The default transport: reqwest with rustls (ring provider, platform roots),
    /// redirects not followed (the client follows them under its origin rule).
    #[derive(Clone, Debug)]
    pub struct ReqwestTransport {
        pub(super) client: reqwest::Client,
    }

    impl ReqwestTransport {
        /// A transport with a 100 s request timeout (used when a request carries no
        /// [`Request::timeout`]) and a 30 s connect timeout.
        pub fn new() -> Result<ReqwestTransport, TransportError> {
            Self::with_connect_timeout(std::time::Duration::from_secs(30))
        }

        /// A transport with the given connect timeout (and a 100 s request timeout used
        /// when a request carries no [`Request::timeout`]).
        pub fn with_connect_timeout(
            connect: std::time::Duration,
        ) -> Result<ReqwestTransport, TransportError> {
            Self::from_builder(
                reqwest::Client::builder()
                    .timeout(std::time::Duration::from_secs(100))
                    .connect_timeout(connect),
            )
        }

        /// A transport from a configured reqwest builder; its redirect policy is set to
        /// [`reqwest::redirect::Policy::none`]. Installs rustls' ring crypto provider as
        /// the process default if no provider was installed yet.
        pub fn from_builder(
            builder: reqwest::ClientBuilder,
        ) -> Result<ReqwestTransport, TransportError> {
            if rustls::crypto::CryptoProvider::get_default().is_none() {
                // Losing a race with another installer is fine: a provider is set.
                let _ = rustls::crypto::ring::default_provider().install_default();
            }
            let client = builder
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| {
                    TransportError::new(TransportErrorKind::Other, "cannot build the HTTP client")
                        .with_source(e.without_url())
                })?;
            Ok(ReqwestTransport { client })
        }

        /// Wrap an existing reqwest client. Build it with
        /// `.redirect(reqwest::redirect::Policy::none())`: otherwise reqwest follows
        /// redirects itself, to any origin (it drops `Authorization` on a change of
        /// host, port or scheme, but the client's origin rule is bypassed).
        pub fn from_client(client: reqwest::Client) -> ReqwestTransport {
            ReqwestTransport { client }
        }
    }

    /// A reqwest error as a [`TransportError`] (no URL: it may hold a query).
    pub fn convert(e: reqwest::Error) -> TransportError {
        let kind = if e.is_builder() {
            TransportErrorKind::InvalidRequest
        } else if e.is_connect() {
            TransportErrorKind::Connect
        } else if e.is_timeout() {
            TransportErrorKind::Timeout
        } else {
            TransportErrorKind::Other
        };
        // reqwest's Display and Debug include the URL, query and all: drop it.
        let e = e.without_url();
        TransportError::new(kind, e.to_string()).with_source(e)
    }

    impl Transport for ReqwestTransport {
        fn send(&self, request: Request) -> BoxFuture<'_, Result<Response, TransportError>> {
            Box::pin(async move {
                let method = reqwest_method(request.method);
                let limit = request.max_response_size;
                let mut rb = self.client.request(method, request.url.as_str());
                for (k, v) in &request.headers {
                    rb = rb.header(k.as_str(), v.as_str());
                }
                if let Some(body) = request.body {
                    rb = rb.body(body);
                }
                if let Some(t) = request.timeout {
                    rb = rb.timeout(t);
                }
                let mut resp = rb.send().await.map_err(convert)?;
                let status = resp.status().as_u16();
                let headers = header_list(resp.headers());
                if resp
                    .content_length()
                    .is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX))
                {
                    return Err(TransportError::too_large(limit));
                }
                let mut body = Vec::new();
                while let Some(chunk) = resp.chunk().await.map_err(convert)? {
                    if chunk.len() > limit - body.len() {
                        // Dropping `resp` closes the connection: nothing more is read.
                        return Err(TransportError::too_large(limit));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(Response {
                    status,
                    headers,
                    body,
                })
            })
        }

        fn send_streaming(
            &self,
            request: Request,
            body: Option<StreamBody>,
        ) -> BoxFuture<'_, Result<StreamResponse, TransportError>> {
            Box::pin(async move {
                let mut rb = self
                    .client
                    .request(reqwest_method(request.method), request.url.as_str())
                    .timeout(STREAM_TIMEOUT);
                for (k, v) in &request.headers {
                    rb = rb.header(k.as_str(), v.as_str());
                }
                if let Some(body) = body {
                    rb = rb.body(reqwest::Body::wrap(Upload {
                        stream: std::sync::Mutex::new(body.stream),
                        length: body.length,
                    }));
                } else if let Some(body) = request.body {
                    rb = rb.body(body);
                }
                let send = rb.send();
                let resp = match request.timeout {
                    Some(t) => tokio::time::timeout(t, send).await.map_err(|_| {
                        TransportError::new(
                            TransportErrorKind::Timeout,
                            format!("no response head within {} ms", t.as_millis()),
                        )
                    })?,
                    None => send.await,
                }
                .map_err(convert)?;
                let status = resp.status().as_u16();
                let headers = header_list(resp.headers());
                let body: BodyStream = Box::pin(Download(reqwest::Body::from(resp)));
                Ok(StreamResponse {
                    status,
                    headers,
                    body,
                })
            })
        }
    }
}
