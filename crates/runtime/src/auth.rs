//! The authentication seam: something that hands out bearer tokens.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use super::origin::Origin;

/// A boxed, `Send` future (no `async-trait` needed).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A bearer token. Its `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wrap a token string.
    pub fn new(token: impl Into<String>) -> AccessToken {
        AccessToken(token.into())
    }

    /// The secret itself, for the `Authorization` header.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Getting a token failed.
#[derive(Debug)]
pub struct AuthError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl AuthError {
    /// An error with a message (which must not contain secrets).
    pub fn new(message: impl Into<String>) -> AuthError {
        AuthError {
            message: message.into(),
            source: None,
        }
    }

    /// An error with a message and an underlying cause.
    pub fn with_source(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> AuthError {
        AuthError {
            message: message.into(),
            source: Some(source.into()),
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// What a token is asked for: the request about to be sent.
///
/// The client asks only for requests it will send the token with, that is requests to
/// the service root's origin or to an origin allowed with
/// [`ClientBuilder::allow_origin`](super::client::ClientBuilder::allow_origin), so a
/// provider serving several resources can pick the token (audience, scope) by
/// [`origin`](TokenRequest::origin).
#[derive(Clone, Copy)]
pub struct TokenRequest<'a> {
    origin: &'a Origin,
    url: &'a str,
}

impl<'a> TokenRequest<'a> {
    /// A request for a token for `url`, whose origin is `origin`.
    pub fn new(origin: &'a Origin, url: &'a str) -> TokenRequest<'a> {
        TokenRequest { origin, url }
    }

    /// The origin (scheme, host, port) the token will be sent to.
    pub fn origin(&self) -> &'a Origin {
        self.origin
    }

    /// The absolute URL of the request, query included.
    pub fn url(&self) -> &'a str {
        self.url
    }
}

impl fmt::Debug for TokenRequest<'_> {
    /// The origin and the URL without its query or fragment.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("origin", &self.origin)
            .field("url", &super::transport::without_query(self.url))
            .finish()
    }
}

/// Supplies the bearer token for each request attempt. Implementations should cache
/// and refresh tokens themselves; the client asks once per attempt (and per redirect
/// followed with credentials).
pub trait TokenProvider: Send + Sync {
    /// The token to send with `request`. Take from `request` what the future needs
    /// (e.g. `request.origin().clone()`): the future may not borrow it.
    fn token(&self, request: &TokenRequest<'_>) -> BoxFuture<'_, Result<AccessToken, AuthError>>;
}

/// A fixed token (tests, short scripts, tokens obtained elsewhere).
#[derive(Clone)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// Use `token` for every request.
    pub fn new(token: impl Into<String>) -> StaticToken {
        StaticToken(AccessToken::new(token))
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl TokenProvider for StaticToken {
    /// The same token for every request the client sends credentials with.
    fn token(&self, _request: &TokenRequest<'_>) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        let t = self.0.clone();
        Box::pin(async move { Ok(t) })
    }
}
