//! Media streams: downloads read as they arrive ([`Download`]), uploads from bytes, a
//! stream, a reader or a file ([`Upload`]), and Microsoft Graph's resumable upload
//! sessions ([`UploadSession`]).
//!
//! Memory does not grow with the content: a download holds one chunk at a time (unless
//! its [`bytes`](Download::bytes) convenience is used, which is bounded by the client's
//! maximum response size), an upload reads its source as the transport sends it, an
//! upload session holds one chunk. What bounds a stream is time: the response head must
//! arrive within the client's request timeout, and then each chunk within the same
//! timeout of the one before (an idle timeout, not a total one: a large file may take
//! hours).
//!
//! The origin rule is the one of [`Client::execute`]: the token goes only to the
//! service root's origin and the allowed ones; a redirect to another origin (Graph's
//! `/content` answers 302 to a pre-authenticated download URL) is followed without
//! credentials when the client allows it
//! ([`CrossOrigin::WithoutCredentials`](super::client::CrossOrigin::WithoutCredentials))
//! and refused otherwise. An upload session's URL never gets credentials, whatever its
//! origin (it is pre-authenticated, and Graph says not to send a token there), and must
//! still pass the same rule.

use std::fmt;
use std::future::{Future as _, poll_fn};
use std::io::SeekFrom;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, Sleep};
use tracing::Instrument as _;

use super::client::{
    Client, RequestOptions, error_from_response, log_path, redirect, set_header, within,
};
use super::error::Error;
use super::json::{self, DecodeError, FromJson, Path, Value};
use super::origin::Origin;
use super::request::{Builder, FnArg, RequestFuture};
use super::retry::Outcome;
use super::transport::{
    BodyStream, Method, Request, Response, StreamBody, StreamResponse, TransportError,
    TransportErrorKind, find_header,
};
use super::url::{Query, Resource, is_absolute, resolve};

/// The unit of an upload session's chunk size: 320 KiB (Graph requires every chunk but
/// the last to be a multiple of it).
pub const UPLOAD_CHUNK_UNIT: u64 = 320 * 1024;
/// The default chunk size of an upload session: 10 MiB (32 × 320 KiB), the upper end of
/// what Graph recommends.
pub const DEFAULT_UPLOAD_CHUNK: u64 = 32 * UPLOAD_CHUNK_UNIT;
/// The largest chunk Graph accepts in one request: 60 MiB.
pub const MAX_UPLOAD_CHUNK: u64 = 192 * UPLOAD_CHUNK_UNIT;
/// The size of the pieces a reader or a file is read in for a streamed upload.
const READ_BUFFER: usize = 64 * 1024;

// ---------------------------------------------------------------------------------
// Downloads

/// A response whose body is read as it arrives: chunk by chunk with
/// [`next_chunk`](Download::next_chunk) or as a [`Stream`], or written to a file or
/// writer with [`save`](Download::save) / [`write_to`](Download::write_to).
///
/// Each chunk must arrive within the client's request timeout of the previous one.
///
/// A `GET` download whose connection breaks or stalls part-way is resumed where it
/// stopped, when the service allows it: the first answer was `200` with `Accept-Ranges:
/// bytes` and a validator (a strong `ETag`, else `Last-Modified`), and the request set no
/// `Range` itself. The same request is sent again (same URL, origin rule and
/// credentials) with `Range: bytes=N-` and `If-Range`; only a `206` whose `Content-Range`
/// starts at byte `N` of the same total continues the body. Anything else (the content
/// changed, a `200` from the start, another range) ends the download with an error
/// rather than splice two versions. At most the retry policy's `max_attempts - 1`
/// resumes per download.
pub struct Download {
    status: u16,
    headers: Vec<(String, String)>,
    body: BodyStream,
    idle: Duration,
    timer: Option<Pin<Box<Sleep>>>,
    max_bytes: usize,
    done: bool,
    resume: Option<Box<Resume>>,
}

/// A request under way for a stream's response.
type Opening = Pin<Box<dyn std::future::Future<Output = Result<StreamResponse, Error>> + Send>>;

/// What resuming a broken download needs, and its progress.
struct Resume {
    client: Client,
    url: String,
    opts: RequestOptions,
    /// `If-Range`'s value: the first answer's strong `ETag` or `Last-Modified`.
    validator: String,
    /// The whole length, from the first answer's `Content-Length`.
    total: Option<u64>,
    /// Bytes of the body handed out so far.
    received: u64,
    /// Resumes left.
    left: u32,
    /// The request for the rest, while it is under way.
    pending: Option<Opening>,
}

impl Resume {
    /// Resume data for `download` (just opened), when its answer allows it.
    fn for_answer(
        client: &Client,
        url: &str,
        opts: &RequestOptions,
        download: &Download,
    ) -> Option<Box<Resume>> {
        let left = client.inner.retry.max_attempts.saturating_sub(1);
        let ranges = download.header("accept-ranges")?;
        if download.status != 200
            || left == 0
            || find_header(&opts.headers, "range").is_some()
            || !ranges
                .split(',')
                .any(|u| u.trim().eq_ignore_ascii_case("bytes"))
        {
            return None;
        }
        let strong = |e: &&str| !e.trim_start().starts_with("W/");
        let etag = download.header("etag").filter(strong);
        let validator = etag.or_else(|| download.header("last-modified"))?;
        Some(Box::new(Resume {
            client: client.clone(),
            url: url.to_owned(),
            opts: opts.clone(),
            validator: validator.trim().to_owned(),
            total: download.content_length(),
            received: 0,
            left,
            pending: None,
        }))
    }

    /// Start asking for the rest after `why` broke the body; `false` when no resume is left.
    fn start(&mut self, why: &TransportError) -> bool {
        if self.left == 0 || self.total.is_some_and(|t| self.received >= t) {
            return false;
        }
        self.left -= 1;
        tracing::debug!(received = self.received, error = %why, "resuming the download");
        let mut opts = self.opts.clone();
        set_header(
            &mut opts.headers,
            "Range",
            format!("bytes={}-", self.received),
        );
        set_header(&mut opts.headers, "If-Range", self.validator.clone());
        let (client, url) = (self.client.clone(), self.url.clone());
        self.pending = Some(Box::pin(async move {
            client
                .open(Method::Get, url, Body::None, false, &opts, true)
                .await
        }));
        true
    }

    /// The rest's body, when `resp` is the `206` for exactly the bytes still missing.
    fn accept(&self, resp: StreamResponse) -> Result<BodyStream, String> {
        if resp.status != 206 {
            return Err(format!(
                "the service answered {} instead of the rest (206): the content may have changed",
                resp.status
            ));
        }
        let range = find_header(&resp.headers, "content-range").unwrap_or_default();
        let parsed = range
            .trim()
            .strip_prefix("bytes ")
            .and_then(|r| r.split_once('/'))
            .and_then(|(span, total)| {
                let (first, last) = span.split_once('-')?;
                let first: u64 = first.trim().parse().ok()?;
                let last: u64 = last.trim().parse().ok()?;
                let total = match total.trim() {
                    "*" => None,
                    t => Some(t.parse::<u64>().ok()?),
                };
                (first <= last).then_some((first, total))
            });
        match parsed {
            Some((first, total))
                if first == self.received
                    && (total.is_none() || self.total.is_none() || total == self.total) =>
            {
                Ok(resp.body)
            }
            _ => Err(format!(
                "the service sent the range {range:?}, not the rest from byte {}",
                self.received
            )),
        }
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

impl Download {
    fn new(resp: StreamResponse, idle: Duration, max_bytes: usize) -> Download {
        Download {
            status: resp.status,
            headers: resp.headers,
            body: resp.body,
            idle,
            timer: None,
            max_bytes,
            done: false,
            resume: None,
        }
    }

    /// Ends the download with `error`, or starts resuming it (`None`).
    fn broken(&mut self, error: TransportError) -> Option<Error> {
        if self.resume.as_mut().is_some_and(|r| r.start(&error)) {
            return None;
        }
        self.done = true;
        Some(Error::Transport(error))
    }

    /// The status code (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// The `Content-Length` header, when it is a number.
    pub fn content_length(&self) -> Option<u64> {
        self.header("content-length")?.trim().parse().ok()
    }

    /// The next chunk of the body, or `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// The whole body in memory, for small contents: at most the client's maximum
    /// response size ([`ClientBuilder::max_response_size`](super::client::ClientBuilder::max_response_size)),
    /// else [`Error::ResponseTooLarge`] (the rest is not read).
    pub async fn bytes(mut self) -> Result<Vec<u8>, Error> {
        let limit = self.max_bytes;
        if self
            .content_length()
            .is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX))
        {
            return Err(Error::ResponseTooLarge { limit });
        }
        let mut all = Vec::new();
        while let Some(chunk) = self.next_chunk().await? {
            if chunk.len() > limit - all.len() {
                return Err(Error::ResponseTooLarge { limit });
            }
            all.extend_from_slice(&chunk);
        }
        Ok(all)
    }

    /// Write the body to `writer`, chunk by chunk, and flush it; the number of bytes
    /// written.
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> Result<u64, Error> {
        let mut written = 0u64;
        while let Some(chunk) = self.next_chunk().await? {
            writer.write_all(&chunk).await.map_err(|e| Error::Io {
                context: "writing the download",
                source: e,
            })?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(|e| Error::Io {
            context: "writing the download",
            source: e,
        })?;
        Ok(written)
    }

    /// Write the body to the file at `path` (created or truncated); the number of
    /// bytes written. When the download fails, the partial file is removed.
    pub async fn save(self, path: impl AsRef<std::path::Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let mut file = tokio::fs::File::create(path).await.map_err(|e| Error::Io {
            context: "creating the download's file",
            source: e,
        })?;
        let result = self.write_to(&mut file).await;
        if result.is_err() {
            drop(file);
            let _ = tokio::fs::remove_file(path).await;
        }
        result
    }
}

impl Stream for Download {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            // A resume under way: its answer replaces the broken body.
            if let Some(r) = &mut this.resume
                && let Some(pending) = &mut r.pending
            {
                let answer = match pending.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(answer) => answer,
                };
                r.pending = None;
                let accepted = answer.map(|resp| r.accept(resp));
                match accepted {
                    Ok(Ok(body)) => {
                        this.body = body;
                        this.timer = None;
                    }
                    Ok(Err(why)) => {
                        this.done = true;
                        return Poll::Ready(Some(Err(Error::Transport(TransportError::new(
                            TransportErrorKind::Other,
                            format!(
                                "the download broke after {} bytes and could not be resumed: {why}",
                                r.received
                            ),
                        )))));
                    }
                    Err(e) => {
                        this.done = true;
                        return Poll::Ready(Some(Err(e)));
                    }
                }
            }
            match this.body.as_mut().poll_next(cx) {
                Poll::Ready(item) => {
                    // The idle timer restarts with the next poll that finds nothing.
                    this.timer = None;
                    match item {
                        None => {
                            this.done = true;
                            return Poll::Ready(None);
                        }
                        Some(Ok(chunk)) => {
                            if let Some(r) = &mut this.resume {
                                r.received += chunk.len() as u64;
                            }
                            return Poll::Ready(Some(Ok(chunk)));
                        }
                        Some(Err(e)) => match this.broken(e) {
                            Some(e) => return Poll::Ready(Some(Err(e))),
                            None => continue,
                        },
                    }
                }
                Poll::Pending => {
                    if tokio::runtime::Handle::try_current().is_err() {
                        return Poll::Pending;
                    }
                    let idle = this.idle;
                    let timer = this
                        .timer
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                    match timer.as_mut().poll(cx) {
                        Poll::Ready(()) => {
                            this.timer = None;
                            let stalled = TransportError::new(
                                TransportErrorKind::Timeout,
                                format!("no data for {} ms while downloading", idle.as_millis()),
                            );
                            match this.broken(stalled) {
                                Some(e) => return Poll::Ready(Some(Err(e))),
                                None => continue,
                            }
                        }
                        Poll::Pending => return Poll::Pending,
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Uploads

/// Content to upload: bytes, a stream, a reader or a file, with its media type.
///
/// The media type is sent as `Content-Type`: the one set with
/// [`content_type`](Upload::content_type), else the schema's (`Core.MediaType`, which
/// the generated builders pass), else `application/octet-stream`.
pub struct Upload {
    content_type: Option<String>,
    length: Option<u64>,
    body: UploadBody,
    /// Why the source failed, when it did: the transport only reports that sending
    /// failed.
    failure: SourceFailure,
}

type SourceFailure = Arc<Mutex<Option<Error>>>;

enum UploadBody {
    Bytes(Bytes),
    Stream(BodyStream),
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("content_type", &self.content_type)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl Upload {
    /// Upload `bytes` (held in memory).
    pub fn bytes(bytes: impl Into<Bytes>) -> Upload {
        let bytes = bytes.into();
        Upload {
            content_type: None,
            length: Some(bytes.len() as u64),
            body: UploadBody::Bytes(bytes),
            failure: SourceFailure::default(),
        }
    }

    /// Upload what `stream` yields. With `length`, it is sent as `Content-Length` and
    /// the stream must yield exactly that many bytes (else the upload fails); without,
    /// the body is sent with chunked transfer encoding (which not every service takes).
    pub fn stream<S>(stream: S, length: Option<u64>) -> Upload
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        let failure = SourceFailure::default();
        Upload {
            content_type: None,
            length,
            body: UploadBody::Stream(Box::pin(Checked {
                inner: Box::pin(stream),
                expected: length,
                seen: 0,
                failure: failure.clone(),
            })),
            failure,
        }
    }

    /// Upload what `reader` yields, read in 64 KiB pieces as they are sent; `length`
    /// as for [`stream`](Upload::stream).
    pub fn reader<R: AsyncRead + Send + 'static>(reader: R, length: Option<u64>) -> Upload {
        Upload::stream(
            ReaderStream {
                reader: Box::pin(reader),
                buf: vec![0; READ_BUFFER],
            },
            length,
        )
    }

    /// Upload the file at `path`, its length taken from the file system.
    pub async fn file(path: impl AsRef<std::path::Path>) -> Result<Upload, Error> {
        let file = tokio::fs::File::open(path.as_ref())
            .await
            .map_err(|e| Error::Io {
                context: "opening the upload's file",
                source: e,
            })?;
        let length = file
            .metadata()
            .await
            .map_err(|e| Error::Io {
                context: "reading the upload's file metadata",
                source: e,
            })?
            .len();
        Ok(Upload::reader(file, Some(length)))
    }

    /// Send `media_type` as `Content-Type`.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Upload {
        self.content_type = Some(media_type.into());
        self
    }

    /// The media type set with [`content_type`](Upload::content_type).
    pub fn media_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The length, when known.
    pub fn length(&self) -> Option<u64> {
        self.length
    }
}

/// A reader as a stream of chunks.
struct ReaderStream {
    reader: Pin<Box<dyn AsyncRead + Send>>,
    buf: Vec<u8>,
}

impl Stream for ReaderStream {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let mut buf = tokio::io::ReadBuf::new(&mut this.buf);
        match this.reader.as_mut().poll_read(cx, &mut buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
            Poll::Ready(Ok(())) if buf.filled().is_empty() => Poll::Ready(None),
            Poll::Ready(Ok(())) => Poll::Ready(Some(Ok(Bytes::copy_from_slice(buf.filled())))),
        }
    }
}

/// A caller's stream, its I/O errors as transport errors and its length checked
/// against the announced one.
struct Checked {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>,
    expected: Option<u64>,
    seen: u64,
    failure: SourceFailure,
}

impl Checked {
    /// Keep `error` for the caller and hand the transport a short one.
    fn fail(&self, error: Error) -> Poll<Option<Result<Bytes, TransportError>>> {
        let message = error.to_string();
        *self
            .failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(error);
        Poll::Ready(Some(Err(TransportError::new(
            TransportErrorKind::InvalidRequest,
            message,
        ))))
    }
}

impl Stream for Checked {
    type Item = Result<Bytes, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match this.inner.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Err(e))) => this.fail(Error::Io {
                context: "reading the upload's source",
                source: e,
            }),
            Poll::Ready(Some(Ok(chunk))) => {
                this.seen += chunk.len() as u64;
                match this.expected {
                    Some(n) if this.seen > n => this.fail(Error::InvalidRequest(format!(
                        "the upload's source holds more than the {n} bytes announced"
                    ))),
                    _ => Poll::Ready(Some(Ok(chunk))),
                }
            }
            Poll::Ready(None) => match this.expected {
                Some(n) if this.seen < n => this.fail(Error::InvalidRequest(format!(
                    "the upload's source ended after {} of the {n} bytes announced",
                    this.seen
                ))),
                _ => Poll::Ready(None),
            },
        }
    }
}

// ---------------------------------------------------------------------------------
// Sending

/// The body of a streamed exchange.
enum Body {
    None,
    Buffered(Vec<u8>),
    Streamed(StreamBody),
}

/// The body of a response read into memory, at most `limit` bytes.
async fn read_bounded(mut body: BodyStream, limit: usize) -> Result<Vec<u8>, Error> {
    let mut all = Vec::new();
    while let Some(chunk) = poll_fn(|cx| body.as_mut().poll_next(cx)).await {
        let chunk = chunk?;
        if chunk.len() > limit - all.len() {
            return Err(Error::ResponseTooLarge { limit });
        }
        all.extend_from_slice(&chunk);
    }
    Ok(all)
}

impl Client {
    /// `GET` `resource` as a [`Download`] (media streams, `$value`, stream properties).
    /// Sends `Accept: */*` unless `opts` sets an `Accept` header.
    pub async fn download(
        &self,
        resource: &Resource,
        opts: &RequestOptions,
    ) -> Result<Download, Error> {
        let url = self.url(resource, &opts.query);
        self.download_url(&url, opts).await
    }

    /// `GET` an absolute URL (such as Graph's `@microsoft.graph.downloadUrl`) or one
    /// relative to the service root, as a [`Download`]; the URL goes through the origin
    /// rule, like every other.
    pub async fn download_url(&self, url: &str, opts: &RequestOptions) -> Result<Download, Error> {
        let url = if is_absolute(url) {
            url.to_owned()
        } else {
            resolve(&format!("{}/", self.inner.root), url)
        };
        self.execute_download(Method::Get, url, None, opts).await
    }

    /// Send one request whose response is a stream (an action returning `Edm.Stream`
    /// is a `POST` with a JSON body), with the same auth, origin rule, redirects and
    /// retries as [`execute`](Client::execute); the 2xx response's body is not read.
    pub async fn execute_download(
        &self,
        method: Method,
        url: String,
        body: Option<Vec<u8>>,
        opts: &RequestOptions,
    ) -> Result<Download, Error> {
        let mut opts = opts.clone();
        if find_header(&opts.headers, "accept").is_none() {
            opts.headers.push(("Accept".to_owned(), "*/*".to_owned()));
        }
        let has_body = body.is_some();
        let resumable = method == Method::Get && !has_body;
        let body = body.map_or(Body::None, Body::Buffered);
        let resp = self
            .open(method, url.clone(), body, has_body, &opts, true)
            .await?;
        let mut download = Download::new(
            resp,
            self.inner.request_timeout,
            self.inner.max_response_size,
        );
        if resumable {
            download.resume = Resume::for_answer(self, &url, &opts, &download);
        }
        Ok(download)
    }

    /// Send `upload` to `resource` with `method` (`PUT` for a media stream or stream
    /// property, `POST` to create a media entity), streamed: the response, read up to
    /// the maximum response size. `media_type` is the `Content-Type` to send when the
    /// upload names none (the schema's); `application/octet-stream` when neither does.
    ///
    /// A streamed upload is sent once: it is not retried and not sent again on a
    /// redirect that keeps the body (307, 308, or 301/302 after a `PUT`), which fails
    /// with [`Error::InvalidRequest`]. An upload of [`Upload::bytes`] is retried like
    /// any request.
    pub async fn upload(
        &self,
        method: Method,
        resource: &Resource,
        upload: Upload,
        media_type: Option<&str>,
        opts: &RequestOptions,
    ) -> Result<Response, Error> {
        let url = self.url(resource, &opts.query);
        let content_type = upload
            .content_type
            .as_deref()
            .or(media_type)
            .unwrap_or("application/octet-stream");
        let mut opts = opts.clone();
        set_header(&mut opts.headers, "Content-Type", content_type.to_owned());
        let body = match upload.body {
            UploadBody::Bytes(b) => Body::Buffered(b.to_vec()),
            UploadBody::Stream(stream) => Body::Streamed(StreamBody {
                stream,
                length: upload.length,
            }),
        };
        let failure = upload.failure;
        let resp = match self.open(method, url, body, true, &opts, true).await {
            Ok(resp) => resp,
            Err(e) => {
                let source = failure
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take();
                return Err(source.unwrap_or(e));
            }
        };
        let body = read_bounded(resp.body, self.inner.max_response_size).await?;
        Ok(Response {
            status: resp.status,
            headers: resp.headers,
            body,
        })
    }

    /// One exchange with a streamed response: retries (when the body can be sent
    /// again), the per-attempt and total time limits, and the error of a non-2xx
    /// status (its body read up to the maximum response size). `credentials: false`
    /// sends no token and none of the client's default headers anywhere, and does not
    /// retry (an upload session resumes instead).
    async fn open(
        &self,
        method: Method,
        url: String,
        body: Body,
        has_body: bool,
        opts: &RequestOptions,
        credentials: bool,
    ) -> Result<StreamResponse, Error> {
        let inner = &self.inner;
        let origin = Origin::parse(&url).map_err(|e| Error::InvalidRequest(format!("URL: {e}")))?;
        let correlation = (credentials && inner.client_request_id)
            .then(|| super::edm::Guid::new_v4().to_string());
        let headers = if credentials {
            self.headers(has_body, opts, correlation.as_deref())?
        } else {
            let mut headers = Vec::new();
            for (k, v) in &opts.headers {
                set_header(&mut headers, k, v.clone());
            }
            headers
        };
        let (buffered, mut streamed) = match body {
            Body::None => (None, None),
            Body::Buffered(b) => (Some(b), None),
            Body::Streamed(s) => (None, Some(s)),
        };
        let replayable = streamed.is_none() && credentials;
        // An upload session's URL is a credential, its path included (Graph's holds the
        // session): logged as a placeholder.
        let path = if credentials {
            log_path(&url)
        } else {
            "(upload session URL)"
        };
        let started = Instant::now();
        let total = inner.retry.max_total;
        let mut attempts: u32 = 0;
        loop {
            attempts += 1;
            let limit = inner
                .request_timeout
                .min(total.saturating_sub(started.elapsed()));
            if limit.is_zero() {
                return Err(Error::Transport(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("total time limit of {} ms reached", total.as_millis()),
                )));
            }
            let hops = self.hops(
                method,
                &url,
                &origin,
                buffered.as_ref(),
                streamed.take(),
                &headers,
                limit,
                credentials,
            );
            let span = tracing::debug_span!(
                "odata_request",
                method = method.as_str(),
                path = path,
                attempt = attempts,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                client_request_id = correlation.as_deref().unwrap_or(""),
            );
            let result = match within(limit, hops.instrument(span.clone())).await {
                Some(r) => r,
                None => Err(Error::Transport(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("no response head within {} ms", limit.as_millis()),
                ))),
            };
            if let Ok(resp) = &result {
                span.record("status", resp.status);
                if let Some(id) = resp.header("request-id") {
                    span.record("request_id", id);
                }
            }
            let (outcome_delay, error) = match result {
                Ok(resp) if (200..300).contains(&resp.status) => {
                    tracing::debug!(parent: &span, status = resp.status, "response");
                    return Ok(resp);
                }
                Ok(resp) => {
                    let status = resp.status;
                    let headers = resp.headers;
                    let body = read_bounded(resp.body, inner.max_response_size.min(1 << 20))
                        .await
                        .unwrap_or_default();
                    let retry_after = find_header(&headers, "retry-after");
                    let delay = inner.retry.next_delay(
                        method,
                        &Outcome::Status {
                            status,
                            retry_after,
                        },
                        attempts,
                        started.elapsed(),
                    );
                    let full = Response {
                        status,
                        headers: headers.clone(),
                        body,
                    };
                    (delay, error_from_response(&full))
                }
                Err(Error::Transport(e)) => {
                    let delay = inner.retry.next_delay(
                        method,
                        &Outcome::Transport(e.kind()),
                        attempts,
                        started.elapsed(),
                    );
                    (delay, Error::Transport(e))
                }
                Err(e) => return Err(e),
            };
            match outcome_delay {
                Some(delay) if replayable => {
                    tracing::info!(
                        parent: &span,
                        error = %error,
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    (inner.sleeper)(delay).await;
                }
                _ => return Err(error),
            }
        }
    }

    /// One attempt: send, and follow redirects under the origin rule.
    #[allow(clippy::too_many_arguments)]
    async fn hops(
        &self,
        method: Method,
        url: &str,
        origin: &Origin,
        buffered: Option<&Vec<u8>>,
        streamed: Option<StreamBody>,
        headers: &[(String, String)],
        limit: Duration,
        allow_credentials: bool,
    ) -> Result<StreamResponse, Error> {
        let inner = &self.inner;
        // Measured from the start, as `attempt` does (`now + limit` overflows for a limit
        // like `Duration::MAX`, "no timeout").
        let start = Instant::now();
        let mut method = method;
        let mut url = url.to_owned();
        let mut origin = origin.clone();
        // Borrowed: each hop's request takes the one copy it needs.
        let mut buffered = buffered;
        let mut was_streamed = streamed.is_some();
        let mut streamed = streamed;
        let mut headers = headers.to_vec();
        let mut redirects = 0;
        let mut left_home = !allow_credentials;
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
                body: buffered.cloned(),
                max_response_size: inner.max_response_size,
                timeout: Some(limit.saturating_sub(start.elapsed())),
            };
            let resp = inner
                .transport
                .send_streaming(request, streamed.take())
                .await?;
            let Some(next) = redirect(
                resp.status,
                resp.header("location"),
                &url,
                method,
                &mut redirects,
            )?
            else {
                return Ok(resp);
            };
            if next.to_get {
                method = Method::Get;
                buffered = None;
                was_streamed = false;
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
            } else if was_streamed {
                return Err(Error::InvalidRequest(format!(
                    "the service answered {} to a streamed upload, whose body cannot be sent \
                     again",
                    resp.status
                )));
            }
            tracing::debug!(status = resp.status, "following redirect");
            (url, origin) = (next.url, next.origin);
        }
    }
}

// ---------------------------------------------------------------------------------
// Request builders

/// A stream of an entity or property (a media entity's `$value`, a stream property,
/// Graph's `driveItem/content`): what the generated builders return for them.
#[derive(Clone, Debug)]
pub struct StreamRequest {
    builder: Builder,
    media_type: Option<&'static str>,
    acceptable: &'static [&'static str],
}

impl StreamRequest {
    /// The stream at `builder`'s resource. `media_type` is the schema's
    /// `Core.MediaType` (sent when an upload names none), `acceptable` its
    /// `Core.AcceptableMediaTypes` (an upload naming another type is refused before
    /// anything is sent; empty allows any).
    pub fn new(
        builder: Builder,
        media_type: Option<&'static str>,
        acceptable: &'static [&'static str],
    ) -> StreamRequest {
        StreamRequest {
            builder,
            media_type,
            acceptable,
        }
    }

    /// The request builder (resource path and options).
    pub fn builder(&self) -> &Builder {
        &self.builder
    }

    /// The same request with one more header (e.g. `If-None-Match`, `Range`).
    pub fn header(mut self, name: &str, value: &str) -> StreamRequest {
        self.builder = self.builder.with_header(name, value);
        self
    }

    /// `GET` the stream as a [`Download`].
    pub fn download(&self) -> RequestFuture<Download> {
        let b = self.builder.clone();
        Box::pin(async move { b.client().download(b.resource(), b.options()).await })
    }

    /// `GET` the whole stream into memory (bounded by the client's maximum response
    /// size; use [`download`](StreamRequest::download) for large contents).
    pub fn bytes(&self) -> RequestFuture<Vec<u8>> {
        let d = self.download();
        Box::pin(async move { d.await?.bytes().await })
    }

    /// `GET` the stream into the file at `path`; the number of bytes written.
    pub fn save(&self, path: impl Into<std::path::PathBuf>) -> RequestFuture<u64> {
        let d = self.download();
        let path = path.into();
        Box::pin(async move { d.await?.save(path).await })
    }

    /// `PUT` new content (see [`Client::upload`] for the `Content-Type` sent).
    pub fn upload(&self, upload: Upload) -> RequestFuture<Response> {
        let b = self.builder.clone();
        let (media_type, acceptable) = (self.media_type, self.acceptable);
        Box::pin(async move {
            if let Some(given) = upload.media_type() {
                if !acceptable.is_empty() && !acceptable.iter().any(|a| media_matches(a, given)) {
                    return Err(Error::InvalidRequest(format!(
                        "media type {given:?} is not one the schema accepts here ({})",
                        acceptable.join(", ")
                    )));
                }
            }
            b.client()
                .upload(Method::Put, b.resource(), upload, media_type, b.options())
                .await
        })
    }
}

/// Whether `given` (maybe with parameters) matches `accepted` (maybe `type/*`).
fn media_matches(accepted: &str, given: &str) -> bool {
    let given = given.split(';').next().unwrap_or("").trim();
    let accepted = accepted.trim();
    if accepted == "*/*" || accepted.eq_ignore_ascii_case(given) {
        return true;
    }
    match accepted.strip_suffix("/*") {
        Some(prefix) => given
            .split_once('/')
            .is_some_and(|(t, _)| t.eq_ignore_ascii_case(prefix)),
        None => false,
    }
}

impl Builder {
    /// The stream at this resource (see [`StreamRequest::new`]).
    pub fn stream(
        &self,
        media_type: Option<&'static str>,
        acceptable: &'static [&'static str],
    ) -> StreamRequest {
        StreamRequest::new(self.clone(), media_type, acceptable)
    }

    /// Invoke an action whose result is a stream (`Edm.Stream`), as a [`Download`].
    ///
    /// The parameters are encoded now; the request is sent when the future is polled.
    pub fn action_download(
        &self,
        name: Option<&str>,
        params: &dyn super::json::ToJson,
    ) -> RequestFuture<Download> {
        let (this, resource, body) = (
            self.clone(),
            self.operation_resource(name),
            json::to_vec(params),
        );
        Box::pin(async move {
            let url = this.client().url(&resource, &Query::new());
            this.client()
                .execute_download(Method::Post, url, Some(body), this.options())
                .await
        })
    }

    /// Invoke an action creating an upload session (Graph's `createUploadSession`): the
    /// [`UploadSession`] of the `uploadUrl` and `nextExpectedRanges` it returns.
    ///
    /// The parameters are encoded now; the request is sent when the future is polled.
    pub fn action_upload_session(
        &self,
        name: Option<&str>,
        params: &dyn super::json::ToJson,
    ) -> RequestFuture<UploadSession> {
        let (client, sent) = (self.client().clone(), self.action::<Value>(name, params));
        Box::pin(async move {
            let value = sent.await?;
            let value = value.unwrap_or(Value::Null);
            let url = value.get("uploadUrl").and_then(Value::as_str);
            let path = Path::ROOT.key("nextExpectedRanges");
            let ranges = match value.get("nextExpectedRanges") {
                None | Some(Value::Null) => Vec::new(),
                Some(v) => Vec::<String>::from_json(v.clone(), &path)
                    .map_err(|error| Error::Decode { status: 200, error })?,
            };
            UploadSession::new(&client, url, ranges)
        })
    }

    /// Invoke a function whose result is a stream (`Edm.Stream`), as a [`Download`].
    ///
    /// The URL is built now; the request is sent when the future is polled.
    pub fn function_download(&self, name: &str, args: &[(&str, FnArg)]) -> RequestFuture<Download> {
        let (this, resource) = (self.clone(), self.function_resource(name, args));
        Box::pin(async move { this.client().download(&resource, this.options()).await })
    }
}

// ---------------------------------------------------------------------------------
// Upload sessions

/// A resumable upload session as Microsoft Graph defines it: the `uploadUrl` and
/// `nextExpectedRanges` of an `uploadSession` (what `createUploadSession` returns),
/// then `PUT`s of consecutive chunks with `Content-Range` to that pre-authenticated URL,
/// `GET` on it for the ranges still expected, `DELETE` to cancel.
///
/// Requests to the upload URL never carry the token or the client's default headers,
/// whatever its origin; the URL must still pass the client's origin rule (so Graph's
/// upload hosts need [`CrossOrigin::WithoutCredentials`](super::client::CrossOrigin::WithoutCredentials)
/// or [`ClientBuilder::allow_origin`](super::client::ClientBuilder::allow_origin)).
///
/// [`upload`](UploadSession::upload) sends chunks of [`DEFAULT_UPLOAD_CHUNK`] bytes (a
/// multiple of [`UPLOAD_CHUNK_UNIT`]; see [`chunk_size`](UploadSession::chunk_size)),
/// holding one chunk in memory. When a chunk fails (a transport error, 5xx, 429), it
/// waits as the client's retry policy says, asks the service which ranges it still
/// expects and resumes from there; a session that has failed for good can be resumed
/// later, even by another process, from its URL ([`UploadSession::resume`]).
///
/// Hostile answers are bounded: an upload URL that is not an absolute `http(s)` URL is
/// refused, ranges outside the content or not moving forward after an accepted chunk
/// fail with [`Error::Decode`], and the number of requests is bounded by twice the
/// number of chunks plus the retry policy's attempts.
#[derive(Clone)]
pub struct UploadSession {
    client: Client,
    url: String,
    next_expected_ranges: Vec<String>,
    chunk_size: u64,
}

impl fmt::Debug for UploadSession {
    /// The upload URL holds its credentials: only its origin is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadSession")
            .field(
                "origin",
                &Origin::parse(&self.url).map(|o| o.to_string()).ok(),
            )
            .field("next_expected_ranges", &self.next_expected_ranges)
            .field("chunk_size", &self.chunk_size)
            .finish()
    }
}

/// One range the service expects: `start` to `end` inclusive (`None`: to the end).
type Range = (u64, Option<u64>);

impl UploadSession {
    /// A session from the `uploadUrl` and `nextExpectedRanges` the service returned.
    /// Fails with [`Error::InvalidRequest`] when the URL is missing or not an absolute
    /// `http(s)` URL, and with [`Error::OriginNotAllowed`] when the client's origin rule
    /// refuses its origin.
    pub fn new(
        client: &Client,
        upload_url: Option<&str>,
        next_expected_ranges: Vec<String>,
    ) -> Result<UploadSession, Error> {
        let url = upload_url.ok_or_else(|| {
            Error::InvalidRequest("the upload session has no uploadUrl".to_owned())
        })?;
        let origin = Origin::parse(url)
            .map_err(|e| Error::InvalidRequest(format!("the session's uploadUrl: {e}")))?;
        client.admit(&origin)?;
        Ok(UploadSession {
            client: client.clone(),
            url: url.to_owned(),
            next_expected_ranges,
            chunk_size: DEFAULT_UPLOAD_CHUNK,
        })
    }

    /// A session known by its URL only (saved from an earlier run): asks the service
    /// which ranges it still expects.
    pub async fn resume(client: &Client, upload_url: &str) -> Result<UploadSession, Error> {
        let mut session = UploadSession::new(client, Some(upload_url), Vec::new())?;
        session.refresh().await?;
        Ok(session)
    }

    /// The upload URL (it grants write access: keep it secret).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The ranges the service expects next, as it wrote them (`"start-"`,
    /// `"start-end"`).
    pub fn next_expected_ranges(&self) -> &[String] {
        &self.next_expected_ranges
    }

    /// Send chunks of `bytes`, rounded down to a multiple of [`UPLOAD_CHUNK_UNIT`] and
    /// kept between one unit and [`MAX_UPLOAD_CHUNK`].
    pub fn chunk_size(mut self, bytes: u64) -> UploadSession {
        self.chunk_size = (bytes / UPLOAD_CHUNK_UNIT)
            .clamp(1, MAX_UPLOAD_CHUNK / UPLOAD_CHUNK_UNIT)
            * UPLOAD_CHUNK_UNIT;
        self
    }

    /// `GET` the upload URL: the ranges the service still expects.
    pub async fn refresh(&mut self) -> Result<(), Error> {
        let resp = self.send(Method::Get, None, Vec::new()).await?;
        let status = SessionStatus::decode(&resp)?;
        self.next_expected_ranges = status.next_expected_ranges;
        Ok(())
    }

    /// `DELETE` the upload URL: the service drops what it received.
    pub async fn cancel(self) -> Result<(), Error> {
        self.send(Method::Delete, None, Vec::new()).await?;
        Ok(())
    }

    /// Upload the file at `path` (see [`upload`](UploadSession::upload)).
    pub async fn upload_file(
        &mut self,
        path: impl AsRef<std::path::Path>,
    ) -> Result<Response, Error> {
        let io = |context| move |e| Error::Io { context, source: e };
        let mut file = tokio::fs::File::open(path.as_ref())
            .await
            .map_err(io("opening the upload's file"))?;
        let length = file
            .metadata()
            .await
            .map_err(io("reading the upload's file metadata"))?
            .len();
        self.upload(&mut file, length).await
    }

    /// Upload the `length` bytes of `source` from the ranges the service expects
    /// (its `nextExpectedRanges`, all of it for a new session), seeking in `source`
    /// for each chunk. Returns the final response (200 or 201, with the created item
    /// in Graph's case).
    pub async fn upload<R>(&mut self, source: &mut R, length: u64) -> Result<Response, Error>
    where
        R: AsyncRead + AsyncSeek + Unpin + Send + ?Sized,
    {
        let chunks = length.div_ceil(self.chunk_size).max(1);
        let retry = self.client.inner.retry.clone();
        let max_requests = chunks.saturating_mul(2) + u64::from(retry.max_attempts);
        let mut ranges = parse_ranges(&self.next_expected_ranges, length, 0)?;
        if ranges.is_empty() {
            ranges.push((0, None));
        }
        let mut requests = 0u64;
        let mut failures = 0u32;
        let mut failing_since = Instant::now();
        loop {
            let (start, end) = ranges[0];
            let range_end = end.map_or(length, |e| e + 1);
            let chunk_end = range_end.min(start + self.chunk_size);
            requests += 1;
            if requests > max_requests {
                return Err(session_error(
                    0,
                    format!(
                        "the service still expects more after {max_requests} requests for \
                         {chunks} chunks"
                    ),
                ));
            }
            let chunk = read_chunk(source, start, chunk_end - start).await?;
            let content_range = if length == 0 {
                "bytes */0".to_owned()
            } else {
                format!("bytes {start}-{}/{length}", chunk_end - 1)
            };
            let headers = vec![("Content-Range".to_owned(), content_range)];
            let result = self.send(Method::Put, Some(chunk), headers).await;
            let outcome_status = match result {
                Ok(resp) if resp.status == 202 => {
                    let status = SessionStatus::decode(&resp)?;
                    let next = parse_ranges(&status.next_expected_ranges, length, resp.status)?;
                    match next.first() {
                        None => {
                            return Err(session_error(
                                resp.status,
                                "the service accepted a chunk and expects nothing more, but \
                                 did not complete the upload"
                                    .to_owned(),
                            ));
                        }
                        Some(&(s, _)) if s <= start => {
                            return Err(session_error(
                                resp.status,
                                format!(
                                    "after accepting bytes {start}-{}, the service expects \
                                     bytes from {s} again",
                                    chunk_end - 1
                                ),
                            ));
                        }
                        Some(_) => {}
                    }
                    self.next_expected_ranges = status.next_expected_ranges;
                    ranges = next;
                    failures = 0;
                    continue;
                }
                Ok(resp) => return Ok(resp),
                Err(Error::Transport(e)) if e.kind() != TransportErrorKind::InvalidRequest => (
                    Outcome::Transport(TransportErrorKind::Connect),
                    Error::Transport(e),
                ),
                Err(e) => match e.status() {
                    Some(s) if s == 429 || s >= 500 => (
                        Outcome::Status {
                            status: 503,
                            retry_after: None,
                        },
                        e,
                    ),
                    _ => return Err(e),
                },
            };
            let (outcome, error) = outcome_status;
            if failures == 0 {
                failing_since = Instant::now();
            }
            failures += 1;
            let Some(delay) =
                retry.next_delay(Method::Put, &outcome, failures, failing_since.elapsed())
            else {
                return Err(error);
            };
            tracing::info!(error = %error, delay_ms = delay.as_millis() as u64, "resuming upload");
            (self.client.inner.sleeper)(delay).await;
            if let Err(e) = self.refresh().await {
                if matches!(e, Error::Decode { .. }) {
                    return Err(e);
                }
                continue;
            }
            ranges = parse_ranges(&self.next_expected_ranges, length, 200)?;
            if ranges.is_empty() {
                return Err(session_error(
                    200,
                    "the service expects no more bytes but did not complete the upload".to_owned(),
                ));
            }
        }
    }

    /// One request to the upload URL, without credentials; the 2xx response.
    async fn send(
        &self,
        method: Method,
        body: Option<Vec<u8>>,
        headers: Vec<(String, String)>,
    ) -> Result<Response, Error> {
        let opts = RequestOptions {
            headers,
            ..RequestOptions::default()
        };
        let has_body = body.is_some();
        let body = body.map_or(Body::None, Body::Buffered);
        let client = &self.client;
        let resp = client
            .open(method, self.url.clone(), body, has_body, &opts, false)
            .await?;
        let body = read_bounded(resp.body, client.inner.max_response_size).await?;
        Ok(Response {
            status: resp.status,
            headers: resp.headers,
            body,
        })
    }
}

/// `length` bytes of `source` from `start`.
async fn read_chunk<R>(source: &mut R, start: u64, length: u64) -> Result<Vec<u8>, Error>
where
    R: AsyncRead + AsyncSeek + Unpin + Send + ?Sized,
{
    let io = |e| Error::Io {
        context: "reading the upload's source",
        source: e,
    };
    source.seek(SeekFrom::Start(start)).await.map_err(io)?;
    let mut chunk = vec![0; usize::try_from(length).unwrap_or(usize::MAX)];
    source.read_exact(&mut chunk).await.map_err(io)?;
    Ok(chunk)
}

/// An error in what an upload session's service answered.
fn session_error(status: u16, message: String) -> Error {
    Error::Decode {
        status,
        error: DecodeError::new(&Path::ROOT.key("nextExpectedRanges"), message),
    }
}

/// The ranges of `texts`, checked against the content's `length`.
fn parse_ranges(texts: &[String], length: u64, status: u16) -> Result<Vec<Range>, Error> {
    let root = Path::ROOT.key("nextExpectedRanges");
    let mut ranges = Vec::with_capacity(texts.len());
    for (i, text) in texts.iter().enumerate() {
        let bad = |why: &str| Error::Decode {
            status,
            error: DecodeError::new(
                &root.index(i),
                format!(
                    "{why}: {:?} (content of {length} bytes)",
                    text.chars().take(40).collect::<String>()
                ),
            ),
        };
        let number = |s: &str| -> Option<u64> {
            (!s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let (a, b) = text
            .trim()
            .split_once('-')
            .ok_or_else(|| bad("not a range"))?;
        let start = number(a).ok_or_else(|| bad("not a range"))?;
        let end = match b {
            "" => None,
            b => Some(number(b).ok_or_else(|| bad("not a range"))?),
        };
        if start >= length.max(1) || end.is_some_and(|e| e < start || e >= length) {
            return Err(bad("a range outside the content"));
        }
        ranges.push((start, end));
    }
    ranges.sort_unstable();
    Ok(ranges)
}

/// The members of an upload session status that matter here.
struct SessionStatus {
    next_expected_ranges: Vec<String>,
}

impl SessionStatus {
    fn decode(resp: &Response) -> Result<SessionStatus, Error> {
        let value: Value = json::from_slice(&resp.body).map_err(|error| Error::Decode {
            status: resp.status,
            error,
        })?;
        let path = Path::ROOT.key("nextExpectedRanges");
        let ranges = match value.get("nextExpectedRanges") {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => {
                Vec::<String>::from_json(v.clone(), &path).map_err(|error| Error::Decode {
                    status: resp.status,
                    error,
                })?
            }
        };
        Ok(SessionStatus {
            next_expected_ranges: ranges,
        })
    }
}
