//! The default transport uses the environment's proxies (`HTTP_PROXY`, `HTTPS_PROXY`, …),
//! as the runtime's README documents: an `http` request shows the proxy everything, the
//! token included; an `https` one only a `CONNECT` to the host. The client runs in a
//! child process (this test binary again), so the environment of the other tests stays
//! untouched.
#![cfg(feature = "reqwest")]

use std::sync::Arc;

use odata_runtime::json::Value;
use odata_runtime::{Client, RequestOptions, Resource};
use serde_json::json;

mod common;
use common::{Server, empty, reply};

const CHILD: &str = "ODATA_RUNTIME_PROXY_TEST_CHILD";

/// In the child: one `http` and one `https` request to hosts that do not exist; only a
/// proxy can answer them.
async fn child() {
    let c = Client::builder("http://service.invalid/svc")
        .bearer_token("t0ps3cret")
        .build()
        .unwrap();
    let v: Value = c
        .get(&Resource::new("items"), &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(v, json!({"via": "proxy"}));
    let c = Client::builder("https://service.invalid/svc")
        .bearer_token("t0ps3cret")
        .retry_policy(odata_runtime::RetryPolicy::none())
        .build()
        .unwrap();
    // The proxy refuses the tunnel: a transport error.
    let err = c
        .get::<Value>(&Resource::new("items"), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err, odata_runtime::Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn environment_proxies_are_used() {
    if std::env::var_os(CHILD).is_some() {
        return child().await;
    }
    let proxy = Server::start(Arc::new(|_, req, _| {
        if req.method == "CONNECT" {
            empty(403)
        } else {
            reply(200, json!({"via": "proxy"}))
        }
    }))
    .await;
    let base = proxy.base.clone();
    let status = tokio::task::spawn_blocking(move || {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "environment_proxies_are_used", "--nocapture"])
            .env(CHILD, "1")
            .env("HTTP_PROXY", &base)
            .env("HTTPS_PROXY", &base)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .status()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(status.success(), "the child failed: {status}");
    let seen = proxy.requests();
    assert_eq!(seen.len(), 2, "{seen:?}");
    // http: the whole request, absolute target and token included.
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].target, "http://service.invalid/svc/items");
    assert_eq!(seen[0].header("authorization"), Some("Bearer t0ps3cret"));
    // https: a tunnel to the host; the request itself, token included, would go inside.
    assert_eq!(seen[1].method, "CONNECT");
    assert_eq!(seen[1].target, "service.invalid:443");
    assert!(seen[1].header("authorization").is_none(), "{:?}", seen[1]);
}
