//! `AzureTokenProvider` with a fake `azure_core` credential (no network, no Azure):
//! the scope it asks for, caching and refresh before expiry on tokio's paused clock, a
//! failed refresh, one credential call for many concurrent requests, and the origin it
//! refuses on its own. Enabled by the runtime's dev-dependency on itself with the
//! `azure-identity` feature, so `cargo test --workspace` runs it.
#![cfg(feature = "azure-identity")]

use std::error::Error as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use azure_core::credentials::{self, TokenCredential, TokenRequestOptions};
use azure_core::error::ErrorKind;
use azure_core::time::OffsetDateTime;
use futures_util::StreamExt as _;
use odata_runtime::azure::{AzureTokenProvider, DEFAULT_REFRESH_MARGIN, default_scope};
use odata_runtime::{Client, Origin, RequestOptions, Resource, TokenProvider, TokenRequest};
use serde_json::json;

mod common;
use common::{Server, recording_sleeper, reply};

/// Hands out `secret-1`, `secret-2`, … each living `lifetime`, after `delay`; fails
/// (with an error whose text holds no token) from call `fail_from` on.
#[derive(Debug)]
struct Fake {
    calls: AtomicUsize,
    scopes: Mutex<Vec<String>>,
    lifetime: Duration,
    delay: Duration,
    fail_from: usize,
}

impl Fake {
    fn new(lifetime: Duration) -> Fake {
        Fake {
            calls: AtomicUsize::new(0),
            scopes: Mutex::new(Vec::new()),
            lifetime,
            delay: Duration::ZERO,
            fail_from: usize::MAX,
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl TokenCredential for Fake {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<credentials::AccessToken> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        self.scopes.lock().unwrap().push(scopes.join(" "));
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        if n >= self.fail_from {
            return Err(azure_core::Error::with_message(
                ErrorKind::Credential,
                "AADSTS7000215: invalid client secret",
            ));
        }
        let expires = OffsetDateTime::now_utc() + self.lifetime;
        Ok(credentials::AccessToken::new(
            format!("secret-{n}"),
            expires,
        ))
    }
}

const GRAPH: &str = "https://graph.microsoft.com/v1.0";
const HOUR: Duration = Duration::from_secs(3600);

fn provider(fake: &Arc<Fake>, root: &str) -> AzureTokenProvider {
    AzureTokenProvider::new(fake.clone(), root).unwrap()
}

async fn token_for(p: &AzureTokenProvider, url: &str) -> Result<String, odata_runtime::AuthError> {
    let origin = Origin::parse(url).unwrap();
    p.token(&TokenRequest::new(&origin, url))
        .await
        .map(|t| t.secret().to_owned())
}

#[test]
fn scope_is_the_origin_default_scope_in_every_cloud() {
    let fake = Arc::new(Fake::new(HOUR));
    for (root, scope) in [
        (GRAPH, "https://graph.microsoft.com/.default"),
        (
            "https://graph.microsoft.us/v1.0",
            "https://graph.microsoft.us/.default",
        ),
        (
            "https://dod-graph.microsoft.us/beta/",
            "https://dod-graph.microsoft.us/.default",
        ),
        (
            "https://microsoftgraph.chinacloudapi.cn/v1.0",
            "https://microsoftgraph.chinacloudapi.cn/.default",
        ),
        // Host case and the default port do not change the origin; another port does.
        (
            "HTTPS://Graph.Microsoft.com:443/v1.0",
            "https://graph.microsoft.com/.default",
        ),
        (
            "http://127.0.0.1:8080/odata",
            "http://127.0.0.1:8080/.default",
        ),
    ] {
        assert_eq!(provider(&fake, root).requested_scope(), scope, "{root}");
        assert_eq!(default_scope(&Origin::parse(root).unwrap()), scope);
    }
    assert_eq!(
        AzureTokenProvider::graph(fake.clone()).requested_scope(),
        "https://graph.microsoft.com/.default"
    );
    assert!(AzureTokenProvider::new(fake, "graph.microsoft.com/v1.0").is_err());
}

#[tokio::test(start_paused = true)]
async fn the_credential_is_asked_for_the_scope_once_per_token() {
    let fake = Arc::new(Fake::new(HOUR));
    let p = provider(&fake, "https://graph.microsoft.us/v1.0");
    for _ in 0..3 {
        let t = token_for(&p, "https://graph.microsoft.us/v1.0/users").await;
        assert_eq!(t.unwrap(), "secret-1");
    }
    assert_eq!(fake.calls(), 1);
    assert_eq!(
        *fake.scopes.lock().unwrap(),
        ["https://graph.microsoft.us/.default"]
    );

    let fake = Arc::new(Fake::new(HOUR));
    let p = provider(&fake, GRAPH).scope("api://my-app/.default");
    assert_eq!(p.get().await.unwrap().secret(), "secret-1");
    assert_eq!(*fake.scopes.lock().unwrap(), ["api://my-app/.default"]);
}

#[tokio::test(start_paused = true)]
async fn token_is_refreshed_the_margin_before_it_expires() {
    let fake = Arc::new(Fake::new(HOUR));
    let p = provider(&fake, GRAPH);
    assert_eq!(p.get().await.unwrap().secret(), "secret-1");
    // Fresh until 60 − 5 minutes.
    tokio::time::advance(HOUR - DEFAULT_REFRESH_MARGIN - Duration::from_secs(1)).await;
    assert_eq!(p.get().await.unwrap().secret(), "secret-1");
    assert_eq!(fake.calls(), 1);
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(p.get().await.unwrap().secret(), "secret-2");
    assert_eq!(fake.calls(), 2);
    // The new token is cached in turn.
    assert_eq!(p.get().await.unwrap().secret(), "secret-2");
    assert_eq!(fake.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn refresh_margin_is_configurable_and_short_tokens_refresh_at_half_life() {
    let fake = Arc::new(Fake::new(HOUR));
    let p = provider(&fake, GRAPH).refresh_margin(Duration::from_secs(60));
    p.get().await.unwrap();
    tokio::time::advance(HOUR - Duration::from_secs(61)).await;
    p.get().await.unwrap();
    assert_eq!(fake.calls(), 1);
    tokio::time::advance(Duration::from_secs(2)).await;
    p.get().await.unwrap();
    assert_eq!(fake.calls(), 2);

    // A 2-minute token with the 5-minute default margin: refreshed after 1 minute,
    // not on every request.
    let fake = Arc::new(Fake::new(Duration::from_secs(120)));
    let p = provider(&fake, GRAPH);
    p.get().await.unwrap();
    tokio::time::advance(Duration::from_secs(50)).await;
    p.get().await.unwrap();
    assert_eq!(fake.calls(), 1);
    tokio::time::advance(Duration::from_secs(15)).await;
    assert_eq!(p.get().await.unwrap().secret(), "secret-2");
}

#[tokio::test(start_paused = true)]
async fn expired_tokens_from_the_credential_are_refused() {
    let fake = Arc::new(Fake {
        lifetime: Duration::ZERO,
        ..Fake::new(HOUR)
    });
    let e = provider(&fake, GRAPH).get().await.unwrap_err();
    assert!(e.to_string().contains("expired token"), "{e}");
    assert!(!format!("{e} {e:?}").contains("secret-"), "{e:?}");
}

#[tokio::test(start_paused = true)]
async fn failed_refresh_keeps_the_valid_token_until_it_expires() {
    let fake = Arc::new(Fake {
        fail_from: 2,
        ..Fake::new(HOUR)
    });
    let p = provider(&fake, GRAPH);
    assert_eq!(p.get().await.unwrap().secret(), "secret-1");
    // In the margin: the refresh fails, the still valid token is used.
    tokio::time::advance(HOUR - Duration::from_secs(60)).await;
    assert_eq!(p.get().await.unwrap().secret(), "secret-1");
    assert_eq!(fake.calls(), 2);
    // Each request in the margin tries again.
    assert_eq!(p.get().await.unwrap().secret(), "secret-1");
    assert_eq!(fake.calls(), 3);
    // Expired: the error, never the expired token.
    tokio::time::advance(Duration::from_secs(61)).await;
    let e = p.get().await.unwrap_err();
    assert_eq!(fake.calls(), 4);
    assert_eq!(
        e.to_string(),
        "the Azure credential gave no token for scope `https://graph.microsoft.com/.default`"
    );
    let source = e.source().expect("the credential's error is kept");
    assert!(source.to_string().contains("AADSTS7000215"), "{source}");
    assert!(!format!("{e} {e:?} {p:?}").contains("secret-"), "{p:?}");
}

#[tokio::test(start_paused = true)]
async fn first_fetch_failing_is_an_auth_error() {
    let fake = Arc::new(Fake {
        fail_from: 1,
        ..Fake::new(HOUR)
    });
    let p = provider(&fake, GRAPH);
    assert!(token_for(&p, GRAPH).await.is_err());
    assert!(token_for(&p, GRAPH).await.is_err());
    assert_eq!(fake.calls(), 2, "a failure is not cached");
}

#[tokio::test(start_paused = true)]
async fn concurrent_requests_share_one_refresh() {
    let fake = Arc::new(Fake {
        delay: Duration::from_millis(200),
        ..Fake::new(HOUR)
    });
    let p = Arc::new(provider(&fake, GRAPH));
    let many = |p: Arc<AzureTokenProvider>| async move {
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(
                    async move { token_for(&p, "https://graph.microsoft.com/v1.0/me").await },
                )
            })
            .collect();
        let mut tokens = Vec::new();
        for t in tasks {
            tokens.push(t.await.unwrap().unwrap());
        }
        tokens
    };
    let tokens = many(p.clone()).await;
    assert_eq!(fake.calls(), 1);
    assert!(tokens.iter().all(|t| t == "secret-1"), "{tokens:?}");

    // Stale: again one call for all of them.
    tokio::time::advance(HOUR - Duration::from_secs(10)).await;
    let tokens = many(p.clone()).await;
    assert_eq!(fake.calls(), 2);
    assert!(tokens.iter().all(|t| t == "secret-2"), "{tokens:?}");
}

#[tokio::test(start_paused = true)]
async fn no_token_for_another_origin() {
    let fake = Arc::new(Fake::new(HOUR));
    let p = provider(&fake, GRAPH);
    for url in [
        "https://evil.example/v1.0/me",
        "http://graph.microsoft.com/v1.0/me",
        "https://graph.microsoft.com:8443/v1.0/me",
        "https://graph.microsoft.us/v1.0/me",
        "https://graph.microsoft.com.evil.example/v1.0/me",
    ] {
        let e = token_for(&p, url).await.unwrap_err();
        assert!(e.to_string().contains("is not given to"), "{url}: {e}");
    }
    assert_eq!(fake.calls(), 0, "the credential is not even asked");
    // The own origin, however the URL is written.
    assert_eq!(
        token_for(&p, "https://GRAPH.microsoft.com:443/beta/me")
            .await
            .unwrap(),
        "secret-1"
    );
}

/// Through the client on the wire: the root's origin gets the credential's token; an
/// origin the client allows but the provider was not built for gets none.
#[tokio::test]
async fn client_sends_the_token_to_its_origin_only() {
    let other = Server::start(Arc::new(|_, _, _| reply(200, json!({"value": [2]})))).await;
    let b = other.base.clone();
    let root = Server::start(Arc::new(move |_, _, _| {
        reply(
            200,
            json!({"value": [1], "@odata.nextLink": format!("{b}/items?$skiptoken=x")}),
        )
    }))
    .await;
    let fake = Arc::new(Fake::new(HOUR));
    let svc = format!("{}/svc", root.base);
    let (sleeper, _) = recording_sleeper();
    let c = Client::builder(svc.clone())
        .token_provider(AzureTokenProvider::new(fake.clone(), &svc).unwrap())
        .allow_origin(other.base.clone())
        .sleeper(sleeper)
        .build()
        .unwrap();
    let items: Vec<_> = c
        .pager::<i64>(&Resource::new("items"), &RequestOptions::new())
        .collect()
        .await;
    assert_eq!(*items[0].as_ref().unwrap(), 1);
    assert!(items[1].is_err(), "{items:?}");
    assert_eq!(
        root.requests()[0].header("authorization"),
        Some("Bearer secret-1")
    );
    assert!(
        other
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "{:?}",
        other.requests()
    );
    assert_eq!(
        *fake.scopes.lock().unwrap(),
        [format!("{}/.default", root.base)]
    );
}
