//! Microsoft Entra ID tokens from `azure_identity` (cargo feature `azure-identity`).
//!
//! [`AzureTokenProvider`] makes any `azure_core` [`TokenCredential`] (the credentials of
//! the `azure_identity` crate: client secret, certificate, managed identity, workload
//! identity, developer tools, …) the client's [`TokenProvider`]:
//!
//! - **Scope.** `{origin}/.default` of the service root it is built for, so
//!   `https://graph.microsoft.com/v1.0` asks for `https://graph.microsoft.com/.default`
//!   and the national clouds get their own audience (`https://graph.microsoft.us/.default`,
//!   `https://dod-graph.microsoft.us/.default`,
//!   `https://microsoftgraph.chinacloudapi.cn/.default`). `azure_core`'s
//!   `cloud::CloudConfiguration` names the clouds but holds no Graph audience, so the
//!   scope is derived from the URL; [`scope`](AzureTokenProvider::scope) sets it
//!   explicitly. The credential itself must sign in against the same cloud (its
//!   `ClientOptions::cloud`).
//! - **Cache.** The token is kept until [`refresh_margin`](AzureTokenProvider::refresh_margin)
//!   (default 5 minutes) before it expires, then fetched again. Concurrent requests that
//!   find it stale wait for one refresh (single flight): the credential is asked once.
//!   If a refresh fails while the old token is still valid, the old token is used and
//!   the next request tries again; once it has expired, the error is returned.
//! - **Origin.** It hands out a token only for requests to the origin it was built for:
//!   the client already sends tokens only to the service root's origin and the allowed
//!   ones, and the provider refuses any other on its own (a token for Graph is not given
//!   to another server even if that server was allowed).
//! - **Errors.** A credential's failure becomes an [`AuthError`] whose message names the
//!   scope and whose [`source`](std::error::Error::source) is the `azure_core` error;
//!   no token appears in any message or `Debug` output.
//!
//! Use: `Client::builder(root).token_provider(AzureTokenProvider::new(credential, root)?)`
//! with `credential` an `Arc<dyn TokenCredential>` such as
//! `azure_identity::DeveloperToolsCredential::new(None)?` (the example
//! `examples/azure_graph.rs` of the repository shows it with the client-secret and
//! developer-tools credentials).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::TokenCredential;
use azure_core::time::OffsetDateTime;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::auth::{AccessToken, AuthError, BoxFuture, TokenProvider, TokenRequest};
use super::origin::{Origin, OriginError};

/// The root of Microsoft Graph in the global cloud.
pub const GRAPH_ROOT: &str = "https://graph.microsoft.com/v1.0";

/// How long before its expiry a token is refreshed, unless set otherwise.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The `.default` scope of `origin`: `{origin}/.default`, e.g.
/// `https://graph.microsoft.com/.default` (the port is written only when it is not the
/// scheme's default).
pub fn default_scope(origin: &Origin) -> String {
    format!("{origin}/.default")
}

/// An `azure_core` credential as a cached, refreshed [`TokenProvider`] for one origin
/// (see the [module docs](self)).
pub struct AzureTokenProvider {
    credential: Arc<dyn TokenCredential>,
    origin: Origin,
    scope: String,
    margin: Duration,
    cache: Mutex<Option<Cached>>,
}

/// A token and the instants (on tokio's clock) at which to refresh it and after which
/// it is no longer sent.
struct Cached {
    token: AccessToken,
    refresh_at: Instant,
    expires_at: Instant,
}

impl AzureTokenProvider {
    /// Tokens from `credential` for the origin of `service_root` (the URL given to
    /// [`Client::builder`](super::client::Client::builder)), with the scope
    /// [`default_scope`] of that origin.
    pub fn new(
        credential: Arc<dyn TokenCredential>,
        service_root: &str,
    ) -> Result<AzureTokenProvider, OriginError> {
        let origin = Origin::parse(service_root)?;
        Ok(AzureTokenProvider {
            credential,
            scope: default_scope(&origin),
            origin,
            margin: DEFAULT_REFRESH_MARGIN,
            cache: Mutex::new(None),
        })
    }

    /// Tokens from `credential` for Microsoft Graph in the global cloud ([`GRAPH_ROOT`],
    /// scope `https://graph.microsoft.com/.default`).
    pub fn graph(credential: Arc<dyn TokenCredential>) -> AzureTokenProvider {
        AzureTokenProvider::new(credential, GRAPH_ROOT).expect("GRAPH_ROOT is a valid URL")
    }

    /// Ask for `scope` instead of `{origin}/.default` (e.g. an application ID URI such as
    /// `api://my-app/.default`). The token is still given only to the origin.
    pub fn scope(mut self, scope: impl Into<String>) -> AzureTokenProvider {
        self.scope = scope.into();
        self.cache = Mutex::new(None);
        self
    }

    /// Refresh a token this long before it expires (default [`DEFAULT_REFRESH_MARGIN`]).
    /// A token that lives less than twice the margin is refreshed at half its life.
    pub fn refresh_margin(mut self, margin: Duration) -> AzureTokenProvider {
        self.margin = margin;
        self
    }

    /// The scope tokens are asked for.
    pub fn requested_scope(&self) -> &str {
        &self.scope
    }

    /// The origin tokens are handed out for.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The token for the provider's origin: the cached one while it is fresh, otherwise a
    /// new one from the credential (one call however many requests wait for it).
    pub async fn get(&self) -> Result<AccessToken, AuthError> {
        // Callers that find the token stale queue on this lock: the first refreshes, the
        // others then find the new token.
        let mut cache = self.cache.lock().await;
        if let Some(c) = cache.as_ref().filter(|c| Instant::now() < c.refresh_at) {
            return Ok(c.token.clone());
        }
        match self.fetch().await {
            Ok(c) => {
                let token = c.token.clone();
                *cache = Some(c);
                Ok(token)
            }
            // Refreshing early failed: the old token still works until it expires.
            Err(e) => match cache.as_ref() {
                Some(c) if Instant::now() < c.expires_at => {
                    tracing::warn!(scope = %self.scope, error = %e, "token refresh failed; using the current token until it expires");
                    Ok(c.token.clone())
                }
                _ => {
                    *cache = None;
                    Err(e)
                }
            },
        }
    }

    async fn fetch(&self) -> Result<Cached, AuthError> {
        let token = self
            .credential
            .get_token(&[self.scope.as_str()], None)
            .await
            .map_err(|e| {
                AuthError::with_source(
                    format!(
                        "the Azure credential gave no token for scope `{}`",
                        self.scope
                    ),
                    e,
                )
            })?;
        // The expiry is wall-clock time; the cache keeps it on tokio's monotonic clock.
        let left = token.expires_on - OffsetDateTime::now_utc();
        let left = Duration::try_from(left).unwrap_or(Duration::ZERO);
        if left.is_zero() {
            return Err(AuthError::new(format!(
                "the Azure credential gave an expired token for scope `{}`",
                self.scope
            )));
        }
        let now = Instant::now();
        let early = self.margin.min(left / 2);
        Ok(Cached {
            token: AccessToken::new(token.token.secret()),
            refresh_at: now + (left - early),
            expires_at: now + left,
        })
    }
}

impl TokenProvider for AzureTokenProvider {
    /// Refuses any origin but the provider's own, then [`get`](AzureTokenProvider::get).
    fn token(&self, request: &TokenRequest<'_>) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        let refused = (request.origin() != &self.origin).then(|| {
            AuthError::new(format!(
                "the Azure token for `{}` is not given to `{}`",
                self.origin,
                request.origin()
            ))
        });
        Box::pin(async move {
            match refused {
                Some(e) => Err(e),
                None => self.get().await,
            }
        })
    }
}

impl fmt::Debug for AzureTokenProvider {
    /// The origin, scope and margin; never the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureTokenProvider")
            .field("credential", &self.credential)
            .field("origin", &self.origin)
            .field("scope", &self.scope)
            .field("refresh_margin", &self.margin)
            .finish_non_exhaustive()
    }
}
