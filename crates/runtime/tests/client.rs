//! The client against a loopback HTTP/1.1 server (127.0.0.1, port chosen by the OS).
#![cfg(feature = "reqwest")]

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use odata_runtime::json::{
    DecodeError, Decoder, Encoder, FromJson, ObjectReader, ObjectWriter, Path, ToJson, Value,
};
use odata_runtime::{
    Client, Error, Map, Method, Patch, Query, RequestOptions, Resource, RetryPolicy,
    TransportErrorKind, ValueOf,
};
use serde_json::json;

mod common;
use common::{Reply, Server, client, empty, recording_sleeper, reply};

// ---- a "generated" entity ------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Default)]
struct Partner {
    id: Option<String>,
    display_name: Option<String>,
    android_onboarded: Option<bool>,
    extra: Map<String, Value>,
}

impl FromJson for Partner {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let value = d.value(path)?;
        Self::from_json(value, path)
    }
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let mut r = ObjectReader::new(value, path, "microsoft.graph.complianceManagementPartner")?;
        Ok(Partner {
            id: r.take("id")?,
            display_name: r.take("displayName")?,
            android_onboarded: r.take("androidOnboarded")?,
            extra: r.rest(),
        })
    }
}

impl ToJson for Partner {
    fn encode(&self, w: &mut Encoder) {
        w.value(&self.to_json());
    }
    fn to_json(&self) -> Value {
        let mut w = ObjectWriter::new();
        w.opt("id", &self.id)
            .opt("displayName", &self.display_name)
            .opt("androidOnboarded", &self.android_onboarded)
            .extend(&self.extra);
        w.finish()
    }
}

struct PartnerUpdate {
    display_name: Patch<String>,
}

impl ToJson for PartnerUpdate {
    fn encode(&self, w: &mut Encoder) {
        w.value(&self.to_json());
    }
    fn to_json(&self) -> Value {
        let mut w = ObjectWriter::new();
        w.patch("displayName", &self.display_name);
        w.finish()
    }
}

fn partners() -> Resource {
    Resource::new("complianceManagementPartners")
}

// ---- tests -----------------------------------------------------------------------------

#[tokio::test]
async fn get_sends_auth_and_standard_headers() {
    let server = Server::start(Arc::new(|_, _, _| {
        reply(
            200,
            json!({"id": "p/1", "displayName": "A", "@odata.etag": "W/\"7\""}),
        )
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let p: Partner = c
        .get(&partners().key_segment("p/1?#%"), &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(p.display_name.as_deref(), Some("A"));
    assert_eq!(odata_runtime::json::etag(&p.extra), Some("W/\"7\""));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, "/svc/complianceManagementPartners/p%2F1%3F%23%25");
    assert_eq!(r.header("authorization"), Some("Bearer t0ps3cret"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("content-type"), None);
    assert!(r.header("client-request-id").is_some());
    // The token never shows in Debug output.
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("t0ps3cret"), "{dbg}");
    assert!(dbg.contains("/svc"), "{dbg}");
}

#[tokio::test]
async fn query_options_are_encoded() {
    let server = Server::start(Arc::new(|_, _, _| reply(200, json!({"value": []})))).await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let q = Query::new()
        .select(["id", "displayName"])
        .filter("displayName eq 'R&D #1'")
        .top(5)
        .count(true);
    let page = c
        .get_page::<Partner>(&partners(), &RequestOptions::new().query(q))
        .await
        .unwrap();
    assert!(page.items.is_empty());
    // reqwest's URL parser writes `'` in a query as `%27` (same meaning once decoded).
    assert_eq!(
        server.requests()[0].target,
        "/svc/complianceManagementPartners?$select=id,displayName&$filter=displayName%20eq%20%27R%26D%20%231%27&$top=5&$count=true"
    );
}

#[tokio::test]
async fn create_201_and_204() {
    let server = Server::start(Arc::new(|_, req, _| {
        if req.header("prefer") == Some("return=minimal") {
            empty(204)
        } else {
            let mut body = req.json();
            body["id"] = json!("new-id");
            reply(201, body)
        }
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let input = Partner {
        display_name: Some("Contoso".to_owned()),
        ..Partner::default()
    };
    let created: Option<Partner> = c
        .create(&partners(), &input, &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(created.unwrap().id.as_deref(), Some("new-id"));
    let minimal: Option<Partner> = c
        .create(&partners(), &input, &RequestOptions::new().return_minimal())
        .await
        .unwrap();
    assert_eq!(minimal, None);
    let reqs = server.requests();
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].header("content-type"), Some("application/json"));
    assert_eq!(reqs[0].json(), json!({"displayName": "Contoso"}));
    assert_eq!(reqs[1].header("prefer"), Some("return=minimal"));
}

#[tokio::test]
async fn update_200_and_204_with_if_match() {
    let server = Server::start(Arc::new(|i, _, _| {
        if i == 0 {
            reply(200, json!({"id": "1", "displayName": null}))
        } else {
            empty(204)
        }
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let res = partners().key_segment("1");
    let clear = PartnerUpdate {
        display_name: Patch::Null,
    };
    let updated: Option<Partner> = c
        .update(&res, &clear, &RequestOptions::new().if_match("W/\"7\""))
        .await
        .unwrap();
    assert_eq!(updated.unwrap().display_name, None);
    let unchanged = PartnerUpdate {
        display_name: Patch::Unchanged,
    };
    let none: Option<Partner> = c
        .update(&res, &unchanged, &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(none, None);
    c.delete(&res, &RequestOptions::new().if_match("*"))
        .await
        .unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[0].method, "PATCH");
    assert_eq!(reqs[0].header("if-match"), Some("W/\"7\""));
    assert_eq!(reqs[0].json(), json!({"displayName": null}));
    assert_eq!(reqs[1].json(), json!({}));
    assert_eq!(reqs[1].header("if-match"), None);
    assert_eq!(reqs[2].method, "DELETE");
    assert_eq!(reqs[2].header("if-match"), Some("*"));
}

#[tokio::test]
async fn retry_after_429_then_success() {
    let server = Server::start(Arc::new(|i, _, _| {
        if i == 0 {
            let mut r = reply(
                429,
                json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
            );
            r.headers.push(("Retry-After", "2".to_owned()));
            r
        } else {
            reply(200, json!({"id": "1"}))
        }
    }))
    .await;
    let (sleeper, slept) = recording_sleeper();
    let c = client(&server, sleeper);
    let p: Partner = c
        .get(&partners().key_segment("1"), &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(p.id.as_deref(), Some("1"));
    assert_eq!(*slept.lock().unwrap(), vec![Duration::from_secs(2)]);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    // One logical request: the same client-request-id on every attempt.
    assert_eq!(
        reqs[0].header("client-request-id"),
        reqs[1].header("client-request-id")
    );
}

#[tokio::test]
async fn retry_503_even_for_post() {
    let server = Server::start(Arc::new(|i, _, _| {
        if i < 2 {
            empty(503)
        } else {
            reply(201, json!({"id": "x"}))
        }
    }))
    .await;
    let (sleeper, slept) = recording_sleeper();
    let c = client(&server, sleeper);
    let created: Option<Partner> = c
        .create(&partners(), &Partner::default(), &RequestOptions::new())
        .await
        .unwrap();
    assert!(created.is_some());
    assert_eq!(server.requests().len(), 3);
    let slept = slept.lock().unwrap().clone();
    assert_eq!(slept.len(), 2);
    let policy = RetryPolicy::default();
    // Jittered exponential backoff within [b/2, b).
    assert!(slept[0] >= policy.base_delay / 2 && slept[0] < policy.base_delay);
    assert!(slept[1] >= policy.base_delay && slept[1] < policy.base_delay * 2);
}

#[tokio::test]
async fn gateway_timeout_not_retried_for_post_but_for_get() {
    let server = Server::start(Arc::new(|_, _, _| empty(504))).await;
    let (sleeper, slept) = recording_sleeper();
    let c = client(&server, sleeper);
    let err = c
        .create::<_, Partner>(&partners(), &Partner::default(), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedStatus { status: 504, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);
    assert!(slept.lock().unwrap().is_empty());
    let err = c
        .get::<Partner>(&partners().key_segment("1"), &RequestOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(504));
    // GET: 4 attempts in all (the default cap).
    assert_eq!(server.requests().len(), 1 + 4);
    assert_eq!(slept.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn odata_error_body_is_typed() {
    let server = Server::start(Arc::new(|_, _, _| {
        reply(
            404,
            json!({"error": {
                "code": "Request_ResourceNotFound",
                "message": "Resource 'nope' does not exist.",
                "innererror": {"request-id": "r-1", "client-request-id": "c-1", "date": "2024-05-01T00:00:00"}
            }}),
        )
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let err = c
        .get::<Partner>(&partners().key_segment("nope"), &RequestOptions::new())
        .await
        .unwrap_err();
    let Error::Service { status, error } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*status, 404);
    assert_eq!(error.code, "Request_ResourceNotFound");
    let inner = error.inner_error.as_ref().unwrap();
    assert_eq!(inner.request_id.as_deref(), Some("r-1"));
    assert_eq!(inner.client_request_id.as_deref(), Some("c-1"));
    assert_eq!(inner.date.as_deref(), Some("2024-05-01T00:00:00"));
    assert!(err.is_not_found());
    assert_eq!(server.requests().len(), 1, "404 is not retried");
}

#[tokio::test]
async fn non_json_error_body() {
    let server = Server::start(Arc::new(|_, _, _| Reply {
        status: 502,
        headers: vec![("Content-Type", "text/html".to_owned())],
        body: "<html>Bad Gateway</html>".to_owned(),
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let err = c
        .get::<Partner>(&partners(), &RequestOptions::new())
        .await
        .unwrap_err();
    match err {
        Error::UnexpectedStatus { status, body } => {
            assert_eq!(status, 502);
            assert_eq!(body, "<html>Bad Gateway</html>");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn decode_error_names_the_path() {
    let server = Server::start(Arc::new(|_, _, _| {
        reply(
            200,
            json!({"value": [{"id": "1"}, {"id": "2", "androidOnboarded": "Boolean"}]}),
        )
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let err = c
        .get_page::<Partner>(&partners(), &RequestOptions::new())
        .await
        .unwrap_err();
    match &err {
        Error::Decode { status, error } => {
            assert_eq!(*status, 200);
            assert_eq!(error.path, "$.value[1].androidOnboarded");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "cannot decode the HTTP 200 response at $.value[1].androidOnboarded: expected Boolean, found string \"Boolean\""
    );
}

#[tokio::test]
async fn paging_across_three_pages() {
    let server = Server::start(Arc::new(|i, req, base| match i {
        0 => {
            assert_eq!(req.target, "/svc/complianceManagementPartners?$count=true");
            reply(
                200,
                json!({
                    "@odata.count": 5,
                    "value": [{"id": "1"}, null, {"id": "2"}],
                    // Absolute link, with characters a rebuilt URL would change.
                    "@odata.nextLink": format!("{base}/svc/complianceManagementPartners?$skiptoken=a%2Bb%3D%3D&$count=true")
                }),
            )
        }
        1 => {
            assert_eq!(
                req.target,
                "/svc/complianceManagementPartners?$skiptoken=a%2Bb%3D%3D&$count=true"
            );
            // Relative link, as SAP CAP sends it.
            reply(
                200,
                json!({"value": [{"id": "3"}, {"id": "4"}], "@odata.nextLink": "complianceManagementPartners?$skiptoken=3"}),
            )
        }
        _ => {
            assert_eq!(req.target, "/svc/complianceManagementPartners?$skiptoken=3");
            reply(200, json!({"value": [{"id": "5"}], "@odata.deltaLink": "https://delta/link"}))
        }
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let mut pager = c.pager::<Partner>(
        &partners(),
        &RequestOptions::new().query(Query::new().count(true)),
    );
    let mut ids = Vec::new();
    while let Some(item) = pager.next().await {
        ids.push(item.unwrap().id.unwrap());
    }
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(pager.total_count(), Some(5));
    assert_eq!(pager.delta_link(), Some("https://delta/link"));
    assert_eq!(pager.pages_read(), 3);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    // Headers (auth) go with every page request.
    assert!(
        reqs.iter()
            .all(|r| r.header("authorization") == Some("Bearer t0ps3cret"))
    );
}

#[tokio::test]
async fn repeated_next_link_stops() {
    let server = Server::start(Arc::new(|i, _, base| {
        let link = format!("{base}/svc/items?$skiptoken=same");
        reply(200, json!({"value": [i], "@odata.nextLink": link}))
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let items: Vec<i64> = c
        .pager::<i64>(&Resource::new("items"), &RequestOptions::new())
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(items, [0, 1]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn pager_reports_errors_and_ends() {
    let server = Server::start(Arc::new(|i, _, _| {
        if i == 0 {
            reply(
                200,
                json!({"value": [1], "@odata.nextLink": "items?$skiptoken=2"}),
            )
        } else {
            reply(
                400,
                json!({"error": {"code": "BadRequest", "message": "nope"}}),
            )
        }
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let mut pager = c.pager::<i64>(&Resource::new("items"), &RequestOptions::new());
    assert_eq!(pager.next().await.unwrap().unwrap(), 1);
    let err = pager.next().await.unwrap().unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(pager.next().await.is_none());
}

#[tokio::test]
async fn next_page_api() {
    let server = Server::start(Arc::new(|i, _, _| {
        if i == 0 {
            reply(
                200,
                json!({"value": [1, 2], "@odata.nextLink": "items?p=2"}),
            )
        } else {
            reply(200, json!({"value": [3]}))
        }
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let mut pager = c.pager::<i64>(&Resource::new("items"), &RequestOptions::new());
    let p1 = pager.next_page().await.unwrap().unwrap();
    assert_eq!(p1.items, [1, 2]);
    assert_eq!(p1.next_link.as_deref(), Some("items?p=2"));
    let p2 = pager.next_page().await.unwrap().unwrap();
    assert_eq!(p2.items, [3]);
    assert!(pager.next_page().await.is_none());
}

#[tokio::test]
async fn actions_and_functions() {
    let server = Server::start(Arc::new(|_, req, _| {
        if req.method == "POST" {
            reply(200, json!({"value": ["g1", "g2"]}))
        } else if req.target.contains("microsoft.graph.noContent") {
            empty(204)
        } else {
            reply(200, json!({"value": 42}))
        }
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let mut params = ObjectWriter::new();
    params.put("securityEnabledOnly", &true);
    let groups: Option<ValueOf<Vec<String>>> = c
        .invoke_action(
            &Resource::new("me").segment("microsoft.graph.getMemberGroups"),
            &params.finish(),
            &RequestOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(groups.unwrap().0, ["g1", "g2"]);
    let n: Option<ValueOf<i64>> = c
        .invoke_function(
            &Resource::new("reports")
                .function("microsoft.graph.count", &[("period", &"D'7"), ("n", &3i32)]),
            &RequestOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(n.unwrap().0, 42);
    let none: Option<ValueOf<i64>> = c
        .invoke_function(
            &Resource::new("x").function("microsoft.graph.noContent", &[]),
            &RequestOptions::new(),
        )
        .await
        .unwrap();
    assert!(none.is_none());
    let reqs = server.requests();
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].target, "/svc/me/microsoft.graph.getMemberGroups");
    assert_eq!(reqs[0].json(), json!({"securityEnabledOnly": true}));
    assert_eq!(reqs[1].method, "GET");
    assert_eq!(
        reqs[1].target,
        "/svc/reports/microsoft.graph.count(period='D''7',n=3)"
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_and_retried() {
    // Take a free port, then close it again.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (sleeper, slept) = recording_sleeper();
    let c = Client::builder(format!("http://127.0.0.1:{port}"))
        .sleeper(sleeper)
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let err = c
        .create::<_, Partner>(&partners(), &Partner::default(), &RequestOptions::new())
        .await
        .unwrap_err();
    match &err {
        Error::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Connect),
        other => panic!("{other:?}"),
    }
    // Nothing was sent, so even a POST is retried.
    assert_eq!(slept.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn custom_transport_and_invalid_root() {
    struct Fixed;
    impl odata_runtime::Transport for Fixed {
        fn send(
            &self,
            request: odata_runtime::Request,
        ) -> odata_runtime::BoxFuture<
            '_,
            Result<odata_runtime::Response, odata_runtime::TransportError>,
        > {
            Box::pin(async move {
                assert_eq!(request.method, Method::Get);
                Ok(odata_runtime::Response {
                    status: 200,
                    headers: vec![],
                    body: format!("{{\"value\":{:?}}}", request.url).into_bytes(),
                })
            })
        }
    }
    let c = Client::builder("https://example.test/odata")
        .transport(Fixed)
        .build()
        .unwrap();
    let v: ValueOf<String> = c
        .get(
            &Resource::new("People").key("O'Neil"),
            &RequestOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(v.0, "https://example.test/odata/People('O''Neil')");
    for bad in ["example.test", "ftp://x", "https://", "https://x/?a=1"] {
        assert!(
            matches!(
                Client::builder(bad).transport(Fixed).build(),
                Err(Error::InvalidRequest(_))
            ),
            "{bad}"
        );
    }
}

#[test]
fn client_and_futures_are_send() {
    fn send<T: Send>(_: &T) {}
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Client>();
    send_sync::<Error>();
    let c = Client::builder("https://example.test").build().unwrap();
    let res = partners();
    let opts = RequestOptions::new();
    let f = c.get::<Partner>(&res, &opts);
    send(&f);
    let p = c.pager::<Partner>(&res, &opts);
    send(&p);
    let u = c.update::<_, Partner>(
        &res,
        &PartnerUpdate {
            display_name: Patch::Unchanged,
        },
        &opts,
    );
    send(&u);
}

#[tokio::test]
async fn media_bytes() {
    let server = Server::start(Arc::new(|_, req, _| {
        if req.method == "GET" {
            Reply {
                status: 200,
                headers: vec![("Content-Type", "image/png".to_owned())],
                body: "PNGDATA".to_owned(),
            }
        } else {
            empty(204)
        }
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let photo = Resource::new("me").segment("photo").segment("$value");
    let resp = c.get_bytes(&photo, &RequestOptions::new()).await.unwrap();
    assert_eq!(resp.body, b"PNGDATA");
    assert_eq!(resp.header("content-type"), Some("image/png"));
    c.put_bytes(&photo, "image/png", b"NEW".to_vec(), &RequestOptions::new())
        .await
        .unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[0].target, "/svc/me/photo/$value");
    assert_eq!(reqs[0].header("accept"), Some("*/*"));
    assert_eq!(reqs[1].method, "PUT");
    assert_eq!(reqs[1].header("content-type"), Some("image/png"));
    assert_eq!(reqs[1].body, b"NEW");
}
