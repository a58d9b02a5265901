//! Credentials stay home: the token goes only to the service root's origin (and the
//! allowed ones), whatever form a link or redirect takes. Two loopback listeners on
//! different ports are two origins; `localhost` and `127.0.0.1` are two more.
#![cfg(feature = "reqwest")]

use std::sync::{Arc, Mutex};

use futures_util::StreamExt as _;
use odata_runtime::json::Value;
use odata_runtime::{
    AccessToken, AuthError, BoxFuture, Client, CrossOrigin, Error, Method, RequestOptions,
    Resource, TokenProvider, TokenRequest,
};
use serde_json::json;

mod common;
use common::{Recorded, Reply, Server, empty, recording_sleeper, reply};

const TOKEN: &str = "t0ps3cret";

/// Records what each token was asked for.
#[derive(Clone, Default)]
struct Recording(Arc<Mutex<Vec<(String, String)>>>);

impl TokenProvider for Recording {
    fn token(&self, request: &TokenRequest<'_>) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        self.0
            .lock()
            .unwrap()
            .push((request.origin().to_string(), request.url().to_owned()));
        Box::pin(async { Ok(AccessToken::new(TOKEN)) })
    }
}

fn client_for(root: &str, policy: CrossOrigin) -> Client {
    let (sleeper, _) = recording_sleeper();
    Client::builder(root)
        .bearer_token(TOKEN)
        .default_header("x-api-key", "k3y")
        .cross_origin(policy)
        .sleeper(sleeper)
        .build()
        .unwrap()
}

/// Whether a request carried any credential the client holds.
fn has_credentials(r: &Recorded) -> bool {
    r.header("authorization").is_some() || r.header("x-api-key").is_some()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Another origin: refused, or sent without credentials to `B` / to A as `localhost`.
    OtherOrigin,
    /// Not a URL the client accepts: never sent, whatever the policy.
    Invalid,
}

#[tokio::test]
async fn next_links_never_carry_the_token_to_another_origin() {
    for policy in [CrossOrigin::Refuse, CrossOrigin::WithoutCredentials] {
        let other = Server::start(Arc::new(|_, _, _| reply(200, json!({"value": [99]})))).await;
        let pb = other.port();
        let link = Arc::new(Mutex::new(String::new()));
        let l = link.clone();
        let root = Server::start(Arc::new(move |_, req, _| {
            if req.target.contains("skiptoken") {
                // Reached as `localhost`: the same socket, another origin.
                reply(200, json!({"value": [98]}))
            } else {
                reply(
                    200,
                    json!({"value": [1], "@odata.nextLink": l.lock().unwrap().clone()}),
                )
            }
        }))
        .await;
        let pa = root.port();
        let forms = [
            (
                format!("http://127.0.0.1:{pb}/svc/items?$skiptoken=2"),
                Expect::OtherOrigin,
            ),
            (
                format!("//127.0.0.1:{pb}/svc/items?$skiptoken=2"),
                Expect::OtherOrigin,
            ),
            (
                format!("HTTP://127.0.0.1:{pb}/svc/items?$skiptoken=2"),
                Expect::OtherOrigin,
            ),
            (
                format!("http://localhost:{pa}/svc/items?$skiptoken=2"),
                Expect::OtherOrigin,
            ),
            (
                format!("http://127.0.0.1:{pa}@127.0.0.1:{pb}/svc/items"),
                Expect::Invalid,
            ),
            (
                format!("http://127.0.0.1:{pa}\\@127.0.0.1:{pb}/svc/items"),
                Expect::Invalid,
            ),
            (format!("http:/127.0.0.1:{pb}/svc/items"), Expect::Invalid),
            (format!("http:127.0.0.1:{pb}/svc/items"), Expect::Invalid),
            (
                format!("http://127.0.0.1:{pb}/svc/\r\nitems"),
                Expect::Invalid,
            ),
            (format!("\\\\127.0.0.1:{pb}/svc/items"), Expect::Invalid),
            (
                format!("http://%31%32%37.0.0.1:{pb}/svc/items"),
                Expect::Invalid,
            ),
            (format!("http://2130706433:{pb}/svc/items"), Expect::Invalid),
        ];
        for (form, expect) in forms {
            *link.lock().unwrap() = form.clone();
            let before_root = root.requests().len();
            let before_other = other.requests().len();
            let c = client_for(&format!("{}/svc", root.base), policy);
            let results: Vec<Result<i64, Error>> = c
                .pager::<i64>(&Resource::new("items"), &RequestOptions::new())
                .collect()
                .await;
            assert!(matches!(results[0], Ok(1)), "{form:?}: {results:?}");
            let new_root = &root.requests()[before_root..];
            let new_other = &other.requests()[before_other..];
            // The first page went to the root with the token.
            assert_eq!(
                new_root[0].header("authorization"),
                Some("Bearer t0ps3cret")
            );
            // Nothing after it carried a credential.
            for r in new_root[1..].iter().chain(new_other) {
                assert!(!has_credentials(r), "{form:?} ({policy:?}) leaked: {r:?}");
            }
            let followed = new_root.len() - 1 + new_other.len();
            match (expect, policy) {
                (Expect::Invalid, _) => {
                    assert!(
                        matches!(results[1], Err(Error::InvalidRequest(_))),
                        "{form:?}: {results:?}"
                    );
                    assert_eq!(followed, 0, "{form:?}");
                }
                (Expect::OtherOrigin, CrossOrigin::Refuse) => {
                    assert!(
                        matches!(results[1], Err(Error::OriginNotAllowed { .. })),
                        "{form:?}: {results:?}"
                    );
                    assert_eq!(followed, 0, "{form:?}");
                }
                (Expect::OtherOrigin, _) => {
                    assert_eq!(results.len(), 2, "{form:?}: {results:?}");
                    assert!(results[1].is_ok(), "{form:?}: {results:?}");
                    assert_eq!(followed, 1, "{form:?}");
                }
            }
            assert_eq!(results.len(), 2, "{form:?}: {results:?}");
        }
    }
}

#[tokio::test]
async fn same_origin_links_keep_the_token() {
    let root = Server::start(Arc::new(|i, _, base| {
        let link = match i {
            // Absolute, with the host in upper case and the port explicit.
            0 => json!(format!(
                "{}/svc/items?p=1",
                base.replace("http://", "HTTP://")
            )),
            // Relative to the page.
            1 => json!("items?p=2"),
            // Absolute path.
            2 => json!("/svc/items?p=3"),
            _ => Value::Null,
        };
        reply(200, json!({"value": [i], "@odata.nextLink": link}))
    }))
    .await;
    let c = client_for(&format!("{}/svc", root.base), CrossOrigin::Refuse);
    let items: Vec<i64> = c
        .pager::<i64>(&Resource::new("items"), &RequestOptions::new())
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(items, [0, 1, 2, 3]);
    let reqs = root.requests();
    assert_eq!(reqs.len(), 4);
    assert!(
        reqs.iter()
            .all(|r| r.header("authorization") == Some("Bearer t0ps3cret"))
    );
    assert_eq!(reqs[3].target, "/svc/items?p=3");
}

fn redirect(status: u16, location: String) -> Reply {
    let mut r = empty(status);
    r.headers.push(("Location", location));
    r
}

#[tokio::test]
async fn redirects_never_carry_the_token_off_origin() {
    let other = Server::start(Arc::new(|_, _, _| reply(200, json!({"value": 7})))).await;
    let b = other.base.clone();
    let root = Server::start(Arc::new(move |_, req, base| {
        let path = req.target.as_str();
        if let Some(status) = path.strip_prefix("/svc/away") {
            let status = status.parse().unwrap();
            redirect(status, format!("{b}/landing?$skiptoken=s3cr3tskip"))
        } else if path == "/svc/trick" {
            let port = b.rsplit(':').next().unwrap();
            redirect(302, format!("{base}@127.0.0.1:{port}/landing"))
        } else if path == "/svc/same" {
            redirect(307, "/svc/final".to_owned())
        } else if path == "/svc/loop" {
            redirect(302, "/svc/loop".to_owned())
        } else {
            reply(200, json!({"value": 1}))
        }
    }))
    .await;
    let root_url = format!("{}/svc", root.base);
    let res = |p: &str| Resource::new(p);

    // Default: refused, nothing reaches the other origin.
    let c = client_for(&root_url, CrossOrigin::Refuse);
    for status in [301, 302, 303, 307, 308] {
        let err = c
            .get::<Value>(&res(&format!("away{status}")), &RequestOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::OriginNotAllowed { .. }), "{err:?}");
        assert!(!err.to_string().contains("s3cr3tskip"), "{err}");
    }
    assert!(other.requests().is_empty());

    // Without credentials: followed, with neither the token nor the default headers.
    let c = client_for(&root_url, CrossOrigin::WithoutCredentials);
    for status in [301, 302, 303, 307, 308] {
        let v: Value = c
            .get(&res(&format!("away{status}")), &RequestOptions::new())
            .await
            .unwrap();
        assert_eq!(v, json!({"value": 7}));
    }
    // A POST keeps its method and body on 307/308, becomes a GET on 301/302/303.
    for status in [302, 307] {
        let _: Option<Value> = c
            .invoke_action(
                &res(&format!("away{status}")),
                &json!({"a": 1}),
                &RequestOptions::new(),
            )
            .await
            .unwrap();
    }
    let seen = other.requests();
    assert_eq!(seen.len(), 7);
    for r in &seen {
        assert!(!has_credentials(r), "{r:?}");
        assert_eq!(r.target, "/landing?$skiptoken=s3cr3tskip");
    }
    assert_eq!(seen[5].method, "GET");
    assert!(seen[5].body.is_empty());
    assert_eq!(seen[6].method, "POST");
    assert_eq!(seen[6].json(), json!({"a": 1}));

    // Userinfo in a Location: never sent anywhere.
    let before = root.requests().len();
    let err = c
        .get::<Value>(&res("trick"), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_eq!(root.requests().len(), before + 1);
    assert_eq!(other.requests().len(), 7);

    // Same origin: followed with the token.
    let before = root.requests().len();
    let _: Value = c.get(&res("same"), &RequestOptions::new()).await.unwrap();
    let reqs = root.requests();
    assert_eq!(reqs[before + 1].target, "/svc/final");
    assert_eq!(
        reqs[before + 1].header("authorization"),
        Some("Bearer t0ps3cret")
    );

    // A loop ends after the cap.
    let before = root.requests().len();
    let err = c
        .get::<Value>(&res("loop"), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::TooManyRedirects { limit: 10 }),
        "{err:?}"
    );
    assert_eq!(root.requests().len(), before + 11);
}

#[tokio::test]
async fn a_redirect_back_from_another_origin_carries_no_token() {
    // The root sends the client away; the foreign server picks a URL on the root's
    // origin and redirects back to it. That URL is the foreign server's choice: it must
    // not be sent with the token (a confused deputy), although it is on the root's origin.
    let root_base = Arc::new(Mutex::new(String::new()));
    let rb = root_base.clone();
    let other = Server::start(Arc::new(move |_, _, _| {
        redirect(302, format!("{}/svc/delete-everything", rb.lock().unwrap()))
    }))
    .await;
    let b = other.base.clone();
    let root = Server::start(Arc::new(move |_, req, _| {
        if req.target == "/svc/away" {
            redirect(302, format!("{b}/bounce"))
        } else {
            reply(200, json!({"value": 1}))
        }
    }))
    .await;
    *root_base.lock().unwrap() = root.base.clone();
    let c = client_for(
        &format!("{}/svc", root.base),
        CrossOrigin::WithoutCredentials,
    );
    let _: Value = c
        .get(&Resource::new("away"), &RequestOptions::new())
        .await
        .unwrap();
    let reqs = root.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[0].header("authorization"), Some("Bearer t0ps3cret"));
    assert_eq!(reqs[1].target, "/svc/delete-everything");
    assert!(!has_credentials(&reqs[1]), "{:?}", reqs[1]);
    assert!(!has_credentials(&other.requests()[0]));
}

#[tokio::test]
async fn allowed_origin_gets_the_token_and_the_provider_sees_the_url() {
    let other = Server::start(Arc::new(|_, _, _| reply(200, json!({"value": [2]})))).await;
    let b = other.base.clone();
    let root = Server::start(Arc::new(move |_, _, _| {
        reply(
            200,
            json!({"value": [1], "@odata.nextLink": format!("{b}/items?$skiptoken=x")}),
        )
    }))
    .await;
    let provider = Recording::default();
    let (sleeper, _) = recording_sleeper();
    let c = Client::builder(format!("{}/svc", root.base))
        .token_provider(provider.clone())
        .allow_origin(other.base.clone())
        .sleeper(sleeper)
        .build()
        .unwrap();
    let items: Vec<i64> = c
        .pager::<i64>(&Resource::new("items"), &RequestOptions::new())
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(items, [1, 2]);
    assert_eq!(
        other.requests()[0].header("authorization"),
        Some("Bearer t0ps3cret")
    );
    let asked = provider.0.lock().unwrap().clone();
    assert_eq!(
        asked,
        [
            (root.base.clone(), format!("{}/svc/items", root.base)),
            (
                other.base.clone(),
                format!("{}/items?$skiptoken=x", other.base)
            ),
        ]
    );
    // An allowed origin that does not parse fails the build.
    assert!(matches!(
        Client::builder("https://example.test")
            .allow_origin("https://user@example.test")
            .build(),
        Err(Error::InvalidRequest(_))
    ));
}

/// A transport that records requests and answers with a page linking to `next`.
struct Recorder {
    next: String,
    seen: Arc<Mutex<Vec<odata_runtime::Request>>>,
}

impl odata_runtime::Transport for Recorder {
    fn send(
        &self,
        request: odata_runtime::Request,
    ) -> BoxFuture<'_, Result<odata_runtime::Response, odata_runtime::TransportError>> {
        self.seen.lock().unwrap().push(request);
        let body = json!({"value": [1], "@odata.nextLink": self.next}).to_string();
        Box::pin(async move {
            Ok(odata_runtime::Response {
                status: 200,
                headers: vec![],
                body: body.into_bytes(),
            })
        })
    }
}

#[tokio::test]
async fn https_never_downgrades_to_http_with_or_without_the_token() {
    let cases: [(CrossOrigin, Option<&str>, &str, Option<bool>); 7] = [
        // (policy, allowed origin, next link, Some(token sent) / None = refused)
        (
            CrossOrigin::Refuse,
            None,
            "http://example.test/svc/items?p=2",
            None,
        ),
        (
            CrossOrigin::WithoutCredentials,
            None,
            "http://example.test/svc/items?p=2",
            None,
        ),
        (
            CrossOrigin::WithoutCredentials,
            Some("https://example.test:443"),
            "http://example.test:443/svc/items?p=2",
            None,
        ),
        (
            CrossOrigin::Refuse,
            Some("http://example.test"),
            "http://example.test/svc/items?p=2",
            Some(true),
        ),
        (
            CrossOrigin::Refuse,
            None,
            "https://EXAMPLE.test:443/svc/items?p=2",
            Some(true),
        ),
        (
            CrossOrigin::Refuse,
            None,
            "https://example.test:8443/svc/items?p=2",
            None,
        ),
        (
            CrossOrigin::WithoutCredentials,
            None,
            "https://example.test.:443/svc/items?p=2",
            Some(false),
        ),
    ];
    for (policy, allowed, next, expect) in cases {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut b = Client::builder("https://example.test/svc")
            .bearer_token(TOKEN)
            .cross_origin(policy)
            .transport(Recorder {
                next: next.to_owned(),
                seen: seen.clone(),
            });
        if let Some(a) = allowed {
            b = b.allow_origin(a);
        }
        let c = b.build().unwrap();
        let mut pager = c.pager::<i64>(&Resource::new("items"), &RequestOptions::new());
        pager.next_page().await.unwrap().unwrap();
        let second = pager.next_page().await.unwrap();
        let seen = seen.lock().unwrap();
        match expect {
            None => {
                assert!(
                    matches!(second, Err(Error::OriginNotAllowed { .. })),
                    "{next}: {second:?}"
                );
                assert_eq!(seen.len(), 1, "{next}");
            }
            Some(token) => {
                assert!(second.is_ok(), "{next}: {second:?}");
                assert_eq!(seen.len(), 2, "{next}");
                assert_eq!(seen[1].header("authorization").is_some(), token, "{next}");
            }
        }
    }
    // `execute` applies the same rule to any URL it is handed (upload URLs, media links).
    let c = Client::builder("https://example.test/svc")
        .bearer_token(TOKEN)
        .transport(Recorder {
            next: String::new(),
            seen: Arc::default(),
        })
        .build()
        .unwrap();
    let err = c
        .execute(
            Method::Put,
            "https://upload.example.test/session?tempauth=x".to_owned(),
            Some(vec![1]),
            &RequestOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OriginNotAllowed { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "refused to send a request to https://upload.example.test, another origin than the service root's (allow it with ClientBuilder::allow_origin, or follow such links without credentials with ClientBuilder::cross_origin)"
    );
}

/// A transport answering with `answer(request)` and recording every request.
struct Scripted<F> {
    answer: F,
    seen: Arc<Mutex<Vec<odata_runtime::Request>>>,
}

impl<F: Fn(&odata_runtime::Request) -> odata_runtime::Response + Send + Sync>
    odata_runtime::Transport for Scripted<F>
{
    fn send(
        &self,
        request: odata_runtime::Request,
    ) -> BoxFuture<'_, Result<odata_runtime::Response, odata_runtime::TransportError>> {
        let resp = (self.answer)(&request);
        self.seen.lock().unwrap().push(request);
        Box::pin(async move { Ok(resp) })
    }
}

/// Where a link or redirect target may go from `https://root.example/svc`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Goes {
    /// The root's origin: sent with the token.
    Home,
    /// Another https origin: refused, or sent without credentials.
    Away,
    /// Plain http from an https root: refused under every policy.
    Downgrade,
    /// Not a URL the client accepts: never sent.
    Invalid,
}

/// Link and `Location` forms beyond those of the tests above, from an independent
/// review: case, default and zero-padded ports, trailing dots, IPv6 and IPv4 forms of
/// other hosts, userinfo and percent tricks, backslashes, whitespace, other schemes,
/// delimiters before an `@`, relative forms.
const FORMS: &[(&str, Goes)] = &[
    ("HTTPS://ROOT.EXAMPLE/svc/p2", Goes::Home),
    ("https://root.example:443/svc/p2", Goes::Home),
    ("https://root.example:0443/svc/p2", Goes::Home),
    ("https://root.example?@evil.example/", Goes::Home),
    ("page2?$skiptoken=1", Goes::Home),
    ("../x?$skiptoken=1", Goes::Home),
    ("?$skiptoken=1", Goes::Home),
    ("/svc/p2#@evil.example", Goes::Home),
    ("https://root.example.:443/svc/p2", Goes::Away),
    ("https://Root.Example./svc/p2", Goes::Away),
    ("https://root.example:8443/svc/p2", Goes::Away),
    ("https://[::1]/svc/p2", Goes::Away),
    ("https://[::ffff:7f00:1]/svc/p2", Goes::Away),
    ("https://127.0.0.1/svc/p2", Goes::Away),
    ("https://localhost/svc/p2", Goes::Away),
    ("https://xn--rot-0na.example/svc/p2", Goes::Away),
    ("https://evil.example#@root.example/", Goes::Away),
    ("//evil.example/svc/p2", Goes::Away),
    ("http://root.example/svc/p2", Goes::Downgrade),
    ("http://root.example:443/svc/p2", Goes::Downgrade),
    ("//root.example:80/x", Goes::Away),
    ("https://root.example%2eevil.example/svc/p2", Goes::Invalid),
    ("https://root.example\\@evil.example/svc/p2", Goes::Invalid),
    ("https://root.example:443@evil.example/", Goes::Invalid),
    ("https://root.example\t.evil.example/", Goes::Invalid),
    ("https://root.exa\nmple/svc/p2", Goes::Invalid),
    ("https://evil .example/", Goes::Invalid),
    ("https:\\\\evil.example/x", Goes::Invalid),
    ("/\\evil.example/x", Goes::Invalid),
    ("\\\\evil.example\\x", Goes::Invalid),
    ("https:evil.example/x", Goes::Invalid),
    ("https://röot.example/svc/p2", Goes::Invalid),
    ("https://root.example:65536/", Goes::Invalid),
    ("https://root.example:/svc", Goes::Invalid),
    ("https://0x7f.1/x", Goes::Invalid),
    ("javascript:alert(1)", Goes::Invalid),
    ("file:///etc/passwd", Goes::Invalid),
    ("data:,x", Goes::Invalid),
];

/// Checks one form under one policy, given whether the second request was sent and
/// with which `Authorization`, and the error, if any.
fn check_form(
    form: &str,
    goes: Goes,
    policy: CrossOrigin,
    sent: Option<&odata_runtime::Request>,
    err: Option<&Error>,
) {
    let what = format!("{form:?} ({policy:?}): sent {sent:?}, error {err:?}");
    match (goes, policy) {
        (Goes::Home, _) => {
            let r = sent.unwrap_or_else(|| panic!("{what}"));
            assert_eq!(
                r.header("authorization"),
                Some("Bearer t0ps3cret"),
                "{what}"
            );
        }
        (Goes::Away, CrossOrigin::WithoutCredentials) => {
            let r = sent.unwrap_or_else(|| panic!("{what}"));
            assert!(r.header("authorization").is_none(), "{what}");
            assert!(r.header("x-api-key").is_none(), "{what}");
        }
        (Goes::Away | Goes::Downgrade, _) => {
            assert!(sent.is_none(), "{what}");
            assert!(
                matches!(err, Some(Error::OriginNotAllowed { .. })),
                "{what}"
            );
        }
        (Goes::Invalid, _) => {
            assert!(sent.is_none(), "{what}");
            assert!(matches!(err, Some(Error::InvalidRequest(_))), "{what}");
        }
    }
    if let Some(e) = err {
        // The error names an origin at most, never the link.
        let text = format!("{e} {e:?}");
        assert!(
            !text.contains("skiptoken") && !text.contains("/svc/p2"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn every_link_form_follows_the_origin_rule() {
    for policy in [CrossOrigin::Refuse, CrossOrigin::WithoutCredentials] {
        for &(form, goes) in FORMS {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let c = Client::builder("https://root.example/svc")
                .bearer_token(TOKEN)
                .default_header("x-api-key", "k3y")
                .cross_origin(policy)
                .transport(Recorder {
                    next: form.to_owned(),
                    seen: seen.clone(),
                })
                .build()
                .unwrap();
            let mut pager = c.pager::<i64>(&Resource::new("items"), &RequestOptions::new());
            pager.next_page().await.unwrap().unwrap();
            let second = pager.next_page().await;
            let seen = seen.lock().unwrap();
            assert!(seen.len() <= 2, "{form:?}");
            let err = match &second {
                Some(Err(e)) => Some(e),
                _ => None,
            };
            check_form(form, goes, policy, seen.get(1), err);
        }
    }
}

#[tokio::test]
async fn every_location_form_follows_the_origin_rule() {
    for policy in [CrossOrigin::Refuse, CrossOrigin::WithoutCredentials] {
        for &(form, goes) in FORMS {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let c = Client::builder("https://root.example/svc")
                .bearer_token(TOKEN)
                .default_header("x-api-key", "k3y")
                .cross_origin(policy)
                .transport(Scripted {
                    answer: move |r: &odata_runtime::Request| {
                        if r.url == "https://root.example/svc/items" {
                            odata_runtime::Response {
                                status: 307,
                                headers: vec![("location".to_owned(), form.to_owned())],
                                body: vec![],
                            }
                        } else {
                            odata_runtime::Response {
                                status: 200,
                                headers: vec![],
                                body: b"{}".to_vec(),
                            }
                        }
                    },
                    seen: seen.clone(),
                })
                .build()
                .unwrap();
            let result = c
                .invoke_action::<_, Value>(
                    &Resource::new("items"),
                    &json!({"a": 1}),
                    &RequestOptions::new(),
                )
                .await;
            let seen = seen.lock().unwrap();
            assert!(seen.len() <= 2, "{form:?}");
            if let Some(r) = seen.get(1) {
                // 307 keeps the method and the body.
                assert_eq!(
                    (r.method, r.body.as_deref()),
                    (Method::Post, Some(&b"{\"a\":1}"[..]))
                );
            }
            check_form(form, goes, policy, seen.get(1), result.as_ref().err());
        }
    }
}

#[tokio::test]
async fn a_page_from_another_origin_cannot_send_the_client_home_with_the_token() {
    // Page 1 (root) links to another origin; that server's page links back to a URL of
    // its choice on the root's origin. Before, that URL got the token (as a redirect
    // back would not).
    let root_base = Arc::new(Mutex::new(String::new()));
    let rb = root_base.clone();
    let other = Server::start(Arc::new(move |_, _, _| {
        reply(
            200,
            json!({"value": [2], "@odata.nextLink": format!("{}/svc/chosen-by-them", rb.lock().unwrap())}),
        )
    }))
    .await;
    let b = other.base.clone();
    let root = Server::start(Arc::new(move |i, _, _| {
        if i == 0 {
            reply(
                200,
                json!({"value": [1], "@odata.nextLink": format!("{b}/p2")}),
            )
        } else {
            reply(200, json!({"value": [3], "@odata.nextLink": "more"}))
        }
    }))
    .await;
    *root_base.lock().unwrap() = root.base.clone();
    let c = client_for(
        &format!("{}/svc", root.base),
        CrossOrigin::WithoutCredentials,
    );
    // Per-request headers go where the request goes (documented); credential headers
    // among them never leave the trusted origins.
    let opts = RequestOptions::new()
        .header("X-Trace", "t1")
        .header("Cookie", "sid=c00kie")
        .header("Proxy-Authorization", "Basic cHJveHk=");
    let items: Vec<i64> = c
        .pager::<i64>(&Resource::new("items"), &opts)
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(items, [1, 2, 3, 3]);
    let home = root.requests();
    assert_eq!(home.len(), 3, "{home:?}");
    assert_eq!(home[0].header("authorization"), Some("Bearer t0ps3cret"));
    assert_eq!(home[0].header("cookie"), Some("sid=c00kie"));
    assert_eq!(home[1].target, "/svc/chosen-by-them");
    // Its link `more` is relative to a URL the other server chose: still no token.
    assert_eq!(home[2].target, "/svc/more");
    let away = other.requests();
    for r in home[1..].iter().chain(&away) {
        assert!(!has_credentials(r), "{r:?}");
        assert!(r.header("cookie").is_none() && r.header("proxy-authorization").is_none());
        assert_eq!(r.header("x-trace"), Some("t1"));
    }
}

#[tokio::test]
async fn redirects_change_method_and_body_as_documented() {
    // (status, method) → whether the next hop is a GET without body or Content-Type.
    let statuses = [301, 302, 303, 307, 308];
    let methods = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];
    for status in statuses {
        for method in methods {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let c = Client::builder("https://root.example/svc")
                .bearer_token(TOKEN)
                .transport(Scripted {
                    answer: move |r: &odata_runtime::Request| odata_runtime::Response {
                        status: if r.url.ends_with("/from") {
                            status
                        } else {
                            204
                        },
                        headers: vec![("location".to_owned(), "to".to_owned())],
                        body: vec![],
                    },
                    seen: seen.clone(),
                })
                .build()
                .unwrap();
            let body = (method != Method::Get).then(|| b"{\"a\":1}".to_vec());
            c.execute(
                method,
                "https://root.example/svc/from".to_owned(),
                body.clone(),
                &RequestOptions::new(),
            )
            .await
            .unwrap();
            let seen = seen.lock().unwrap();
            let hop = &seen[1];
            assert_eq!(hop.url, "https://root.example/svc/to");
            let to_get = match status {
                303 => true,
                301 | 302 => method == Method::Post,
                _ => false,
            };
            let what = format!("{status} after {method}: {hop:?}");
            if to_get {
                assert_eq!(hop.method, Method::Get, "{what}");
                assert!(hop.body.is_none(), "{what}");
                assert!(hop.header("content-type").is_none(), "{what}");
            } else {
                assert_eq!(hop.method, method, "{what}");
                assert_eq!(hop.body, body, "{what}");
            }
            assert_eq!(hop.header("authorization"), Some("Bearer t0ps3cret"));
        }
    }
}
