//! The client's error type and the OData error body.

use std::fmt;

use super::auth::AuthError;
use super::delta::DeltaLink;
use super::json::{DecodeError, Decoder, FromJson, Map, ObjectReader, Path, Value};
use super::origin::Origin;
use super::transport::TransportError;

/// Why a request failed.
///
/// No variant's `Display` or `Debug` holds a request URL's query or the token: URLs
/// appear as their origin (scheme, host, port) at most. Text from the service (an OData
/// error message, the start of a non-OData error body) is kept as received in the fields
/// and may quote the request; `Display` shows each piece of it inert (see [`Inert`]):
/// control, line-break and invisible format characters escaped, at most
/// [`Inert::MAX_CHARS`] characters, so a hostile service cannot forge log lines or
/// terminal output.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status and an OData error body.
    Service {
        /// The HTTP status.
        status: u16,
        /// The decoded `error` object.
        error: Box<ODataError>,
    },
    /// The service answered with an unexpected status and no OData error body.
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
        /// The start of the body (at most 1 KiB, lossily decoded).
        body: String,
    },
    /// The exchange failed below HTTP.
    Transport(TransportError),
    /// A successful response could not be decoded; `error` names the JSON path.
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// Where and why decoding failed.
        error: DecodeError,
    },
    /// No token could be obtained.
    Auth(AuthError),
    /// The request could not be built (e.g. a service root that is not an absolute URL,
    /// a header holding CR or LF); nothing was sent.
    InvalidRequest(String),
    /// The URL (a link, a redirect target, a URL given to `execute`) is on another
    /// origin than the service root's and was refused (see
    /// [`CrossOrigin`](super::client::CrossOrigin)); nothing was sent there.
    OriginNotAllowed {
        /// The refused origin.
        origin: Origin,
    },
    /// The response body was larger than the client's maximum response size; reading
    /// stopped there.
    ResponseTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A chain of redirects was longer than the limit.
    TooManyRedirects {
        /// The limit.
        limit: usize,
    },
    /// A pager read its maximum number of pages and the last one still had a next link.
    TooManyPages {
        /// The limit.
        limit: usize,
    },
    /// Reading an upload's source or writing a download failed (a file, a reader, a
    /// writer of the caller's).
    Io {
        /// What was being done (`"reading the upload"`, `"writing the download"`, …).
        context: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A delta request's link (a stored [`DeltaLink`] or a next link of the sync) is
    /// no longer valid: the service lost or expired its change-tracking state (HTTP 410
    /// Gone, or an error code such as `resyncRequired` or `syncStateNotFound`). Changes
    /// since the link cannot be had; start again with a full sync, from `restart` when
    /// the service named one, else with the delta function itself.
    ResyncRequired {
        /// The HTTP status (410, or 400 for Graph's expired directory tokens).
        status: u16,
        /// The OData error body, when there was one.
        error: Option<Box<ODataError>>,
        /// Where the service says a fresh sync starts (the `Location` of a 410), as a
        /// link to resume from ([`Client::resume_delta`](super::client::Client::resume_delta)).
        /// It is an initial sync: every entity again, then a new delta link.
        restart: Option<DeltaLink>,
    },
}

impl Error {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Decode { status, .. }
            | Error::ResyncRequired { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The OData error body, for `Service` errors.
    pub fn odata_error(&self) -> Option<&ODataError> {
        match self {
            Error::Service { error, .. } => Some(error),
            Error::ResyncRequired { error, .. } => error.as_deref(),
            _ => None,
        }
    }

    /// Whether the service said 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The service's `request-id` (from the error body's `innererror`), for support cases.
    pub fn request_id(&self) -> Option<&str> {
        self.odata_error()?
            .inner_error
            .as_ref()?
            .request_id
            .as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service { status, error } => {
                write!(f, "HTTP {status}: {error}")?;
                if let Some(t) = &error.target {
                    write!(f, " (target {})", Inert(t))?;
                }
                if let Some(id) = error
                    .inner_error
                    .as_ref()
                    .and_then(|i| i.request_id.as_ref())
                {
                    write!(f, " [request-id {}]", Inert(id))?;
                }
                Ok(())
            }
            Error::UnexpectedStatus { status, body } => {
                write!(f, "HTTP {status} without an OData error body")?;
                if !body.is_empty() {
                    write!(f, ": {}", Inert(body))?;
                }
                Ok(())
            }
            Error::Transport(e) => write!(f, "{e}"),
            Error::Decode { status, error } => {
                write!(f, "cannot decode the HTTP {status} response {error}")
            }
            Error::Auth(e) => write!(f, "authentication failed: {e}"),
            Error::InvalidRequest(m) => write!(f, "invalid request: {m}"),
            Error::OriginNotAllowed { origin } => write!(
                f,
                "refused to send a request to {origin}, another origin than the service root's \
                 (allow it with ClientBuilder::allow_origin, or follow such links without \
                 credentials with ClientBuilder::cross_origin)"
            ),
            Error::ResponseTooLarge { limit } => write!(
                f,
                "the response body is larger than the limit of {limit} bytes \
                 (ClientBuilder::max_response_size)"
            ),
            Error::TooManyRedirects { limit } => {
                write!(f, "more than {limit} redirects in a row")
            }
            Error::TooManyPages { limit } => write!(
                f,
                "paging stopped after {limit} pages while the service still sent a next link \
                 (ClientBuilder::max_pages)"
            ),
            Error::Io { context, source } => write!(f, "{context}: {source}"),
            Error::ResyncRequired { status, error, .. } => {
                write!(
                    f,
                    "HTTP {status}: the delta link is no longer valid; start a full sync again"
                )?;
                if let Some(e) = error {
                    write!(f, " ({e})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Decode { error, .. } => Some(error),
            Error::Auth(e) => Some(e),
            Error::Service { error, .. } => Some(error.as_ref()),
            Error::Io { source, .. } => Some(source),
            Error::ResyncRequired {
                error: Some(error), ..
            } => Some(error.as_ref()),
            _ => None,
        }
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Error::Transport(e)
    }
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        Error::Auth(e)
    }
}

/// The OData error body `{"error": {…}}` (OData JSON 21.1). Unknown members are kept.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ODataError {
    /// Service-defined error code, e.g. `Request_ResourceNotFound`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The target of the error (a property name, …).
    pub target: Option<String>,
    /// Further errors.
    pub details: Vec<ODataErrorDetail>,
    /// Service-defined diagnostics.
    pub inner_error: Option<InnerError>,
    /// Other members of the `error` object (instance annotations, …).
    pub extra: Map<String, Value>,
}

/// One item of `details`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ODataErrorDetail {
    /// Error code.
    pub code: String,
    /// Message.
    pub message: String,
    /// Target.
    pub target: Option<String>,
    /// Other members.
    pub extra: Map<String, Value>,
}

/// The `innererror` object; Microsoft Graph fills in the ids and date.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct InnerError {
    /// `request-id`.
    pub request_id: Option<String>,
    /// `client-request-id`.
    pub client_request_id: Option<String>,
    /// `date`.
    pub date: Option<String>,
    /// Other members (a nested `innererror`, `code`, …).
    pub extra: Map<String, Value>,
}

impl fmt::Display for ODataError {
    /// `code: message`, both [`Inert`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", Inert(&self.code), Inert(&self.message))
    }
}

/// Text from a service, displayed inert: control characters (line breaks, escape
/// sequences), Unicode format characters (bidi overrides and isolates, zero-width
/// characters, the BOM) and the line and paragraph separators are escaped as `\n`,
/// `\u{1b}`, `\u{202e}`; text longer than [`Inert::MAX_CHARS`] characters is cut there
/// and ends with `…`. Everything else (quotes, backslashes, any script, combining marks)
/// is shown as is.
#[derive(Clone, Copy, Debug)]
pub struct Inert<'a>(pub &'a str);

impl Inert<'_> {
    /// The most characters shown: 1024.
    pub const MAX_CHARS: usize = 1024;
}

impl fmt::Display for Inert<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        for (i, c) in self.0.chars().enumerate() {
            if i == Inert::MAX_CHARS {
                return f.write_char('…');
            }
            if is_invisible(c) {
                write!(f, "{}", c.escape_debug())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ODataError {}

/// Whether `c` is a control character, a Unicode format character (general category
/// Cf) or a line or paragraph separator: characters that move, hide or reorder text.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{600}'..='\u{605}'
                | '\u{61c}'
                | '\u{6dd}'
                | '\u{70f}'
                | '\u{890}'..='\u{891}'
                | '\u{8e2}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{110bd}'
                | '\u{110cd}'
                | '\u{13430}'..='\u{1343f}'
                | '\u{1bca0}'..='\u{1bca3}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0001}'
                | '\u{e0020}'..='\u{e007f}'
        )
}

/// A message: a string, or the OData v2/v3 `{"lang": …, "value": …}` form.
fn message_text(v: Option<Value>) -> String {
    match v {
        Some(Value::String(s)) => s,
        Some(Value::Object(m)) => m
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn lenient_string(v: Option<Value>) -> Option<String> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    }
}

impl FromJson for ODataErrorDetail {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let value = d.value(path)?;
        Self::from_json(value, path)
    }
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let mut r = ObjectReader::new(value, path, "error detail")?;
        let mut m = r.rest();
        Ok(ODataErrorDetail {
            code: lenient_string(m.remove("code")).unwrap_or_default(),
            message: message_text(m.remove("message")),
            target: lenient_string(m.remove("target")),
            extra: m,
        })
    }
}

impl FromJson for InnerError {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let value = d.value(path)?;
        Self::from_json(value, path)
    }
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let mut r = ObjectReader::new(value, path, "innererror")?;
        let mut m = r.rest();
        Ok(InnerError {
            request_id: lenient_string(m.remove("request-id")),
            client_request_id: lenient_string(m.remove("client-request-id")),
            date: lenient_string(m.remove("date")),
            extra: m,
        })
    }
}

impl FromJson for ODataError {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let value = d.value(path)?;
        Self::from_json(value, path)
    }
    /// Decode the whole body `{"error": {…}}`.
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let mut outer = ObjectReader::new(value, path, "OData error response")?;
        let err_path = path.key("error");
        let inner = match outer.peek("error") {
            Some(Value::Object(_)) => outer.take_required::<Value>("error")?,
            _ => return Err(DecodeError::new(path, "missing \"error\" object")),
        };
        let mut r = ObjectReader::new(inner, &err_path, "error")?;
        let mut m = r.rest();
        let details = match m.remove("details") {
            Some(Value::Array(items)) => {
                let dp = err_path.key("details");
                let mut out = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    if item.is_object() {
                        out.push(ODataErrorDetail::from_json(item, &dp.index(i))?);
                    }
                }
                out
            }
            _ => Vec::new(),
        };
        // The spec spells it `innererror`; Microsoft Graph sends `innerError`.
        let inner_key = if m.contains_key("innererror") {
            "innererror"
        } else {
            "innerError"
        };
        let inner_error = match m.remove(inner_key) {
            Some(v @ Value::Object(_)) => Some(InnerError::from_json(v, &err_path.key(inner_key))?),
            _ => None,
        };
        Ok(ODataError {
            code: lenient_string(m.remove("code")).unwrap_or_default(),
            message: message_text(m.remove("message")),
            target: lenient_string(m.remove("target")),
            details,
            inner_error,
            extra: m,
        })
    }
}
