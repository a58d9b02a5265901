//! Tracing output of the client: one span per attempt with method, path, attempt,
//! status and request-id; never the token or the query. Its own test binary, with a
//! global subscriber, so callsite interest caching across test threads cannot hide spans.
#![cfg(feature = "reqwest")]

use std::sync::Arc;

use odata_runtime::json::Value;
use odata_runtime::{Query, RequestOptions, Resource};
use serde_json::json;

mod common;
use common::{Server, client, empty, recording_sleeper, reply};

// ---- tracing: spans per request, never the token ------------------------------------

mod capture {
    use std::fmt::Write as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    /// Writes every span creation, span record and event as one text line.
    #[derive(Clone, Default)]
    pub struct Capture {
        pub lines: Arc<Mutex<Vec<String>>>,
        next: Arc<AtomicU64>,
    }

    struct Fields<'a>(&'a mut String);
    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, " {}={:?}", field.name(), value);
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut line = format!("span {}", span.metadata().name());
            span.record(&mut Fields(&mut line));
            self.lines.lock().unwrap().push(line);
            Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed) + 1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            let mut line = "record".to_owned();
            values.record(&mut Fields(&mut line));
            self.lines.lock().unwrap().push(line);
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut line = "event".to_owned();
            event.record(&mut Fields(&mut line));
            self.lines.lock().unwrap().push(line);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[tokio::test]
async fn tracing_spans_carry_request_facts_but_no_token() {
    let server = Server::start(Arc::new(|i, _, _| {
        if i == 0 {
            let mut r = empty(503);
            r.headers.push(("Retry-After", "0".to_owned()));
            r
        } else {
            let mut r = reply(200, json!({"id": "1"}));
            r.headers.push(("request-id", "rid-42".to_owned()));
            r
        }
    }))
    .await;
    let cap = capture::Capture::default();
    tracing::subscriber::set_global_default(cap.clone()).unwrap();
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let _: Value = c
        .get(
            &Resource::new("complianceManagementPartners").key_segment("1"),
            &RequestOptions::new().query(Query::new().filter("secret eq 'q'")),
        )
        .await
        .unwrap();
    let lines = cap.lines.lock().unwrap().join("\n");
    assert!(!lines.contains("t0ps3cret"), "{lines}");
    assert!(
        !lines.contains("secret eq"),
        "queries are not logged: {lines}"
    );
    let spans: Vec<&str> = lines
        .lines()
        .filter(|l| l.starts_with("span odata_request"))
        .collect();
    assert_eq!(spans.len(), 2, "{lines}");
    assert!(
        spans[0].contains("method=\"GET\"") || spans[0].contains("method=GET"),
        "{lines}"
    );
    assert!(
        spans[0].contains("/svc/complianceManagementPartners/1"),
        "{lines}"
    );
    assert!(
        spans[0].contains("attempt=1") && spans[1].contains("attempt=2"),
        "{lines}"
    );
    assert!(
        lines.contains("status=503") && lines.contains("status=200"),
        "{lines}"
    );
    assert!(lines.contains("rid-42"), "{lines}");

    // Secrets in queries, next links and redirect targets never reach the log, at any
    // level, on any path: retries after a transport error (INFO, with the error text),
    // redirects, next links, cross-origin sends.
    let server = Server::start(Arc::new(|i, req, base| {
        if req.target.starts_with("/svc/moved") {
            let mut r = empty(302);
            r.headers.push((
                "Location",
                format!("{base}/svc/items?$skiptoken=s3cr3tskip1&$filter=s3cr3tfilter1"),
            ));
            r
        } else {
            reply(
                200,
                json!({"value": [i], "@odata.nextLink": if i < 3 {
                    json!(format!("items?$skiptoken=s3cr3tskip2&n={i}"))
                } else {
                    Value::Null
                }}),
            )
        }
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    let secret_query = RequestOptions::new().query(
        Query::new()
            .filter("name eq 's3cr3tfilter0'")
            .custom("$skiptoken", "s3cr3tskip0"),
    );
    let _: Value = c.get(&Resource::new("moved"), &secret_query).await.unwrap();
    let mut pager = c.pager::<i64>(&Resource::new("items"), &secret_query);
    while let Some(item) = futures_util::StreamExt::next(&mut pager).await {
        item.unwrap();
    }
    // Connection refused: retried at INFO with the error text.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (sleeper, _) = recording_sleeper();
    let refused = odata_runtime::Client::builder(format!("http://127.0.0.1:{port}/svc"))
        .sleeper(sleeper)
        .build()
        .unwrap();
    let err = refused
        .get::<Value>(&Resource::new("items"), &secret_query)
        .await
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("s3cr3t"), "{err:?}");
    let lines = cap.lines.lock().unwrap().join("\n");
    assert!(lines.contains("retrying after transport error"), "{lines}");
    assert!(lines.contains("following redirect"), "{lines}");
    assert!(!lines.contains("s3cr3t"), "a secret was logged: {lines}");
    assert!(
        !lines.contains("skiptoken") && !lines.contains("filter"),
        "{lines}"
    );

    // Streams: a download's span names its path; an upload session's URL (its path
    // holds the session) is never logged, on success, failure or resume.
    let server = Server::start(Arc::new(|i, req, _| match (i, req.method.as_str()) {
        (1, "PUT") => empty(503),
        (_, "GET") if req.target.starts_with("/up/") => {
            reply(200, json!({"nextExpectedRanges": ["0-"]}))
        }
        (_, "PUT") => reply(201, json!({"id": "x"})),
        _ => reply(200, json!({})),
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = client(&server, sleeper);
    c.download(&Resource::new("report"), &RequestOptions::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let url = format!("{}/up/S3SS10N?tempauth=s3cr3tauth", server.base);
    let mut session = odata_runtime::UploadSession::new(&c, Some(&url), vec!["0-".into()]).unwrap();
    session
        .upload(&mut std::io::Cursor::new(vec![7u8; 10]), 10)
        .await
        .unwrap();
    let lines = cap.lines.lock().unwrap().join("\n");
    assert!(lines.contains("/svc/report"), "{lines}");
    assert!(lines.contains("(upload session URL)"), "{lines}");
    assert!(lines.contains("resuming upload"), "{lines}");
    assert!(
        !lines.contains("S3SS10N") && !lines.contains("s3cr3t"),
        "an upload URL was logged: {lines}"
    );

    // An independent check, everything captured at every level: bodies (success and
    // error), response headers other than request-id, a cross-origin hop, a link cycle,
    // the page cap, and a hostile error text never reach a field.
    let other = Server::start(Arc::new(|_, _, _| {
        reply(
            200,
            json!({"value": [1], "@odata.nextLink": "p?$skiptoken=s3cr3tskip3"}),
        )
    }))
    .await;
    let ob = other.base.clone();
    let server = Server::start(Arc::new(move |i, req, _| {
        if req.target.starts_with("/svc/away") {
            let mut r = empty(307);
            r.headers.push(("Location", format!("{ob}/p?$skiptoken=s3cr3tskip4")));
            r
        } else if req.target.starts_with("/svc/fail") {
            let mut r = reply(
                400,
                json!({"error": {"code": "s3cr3tcode", "message": "b0dys3cret\nforged line"}}),
            );
            r.headers.push(("WWW-Authenticate", "Bearer s3cr3tchallenge".to_owned()));
            r
        } else {
            let mut r = reply(
                200,
                json!({"value": [i], "note": "b0dys3cret", "@odata.nextLink": "items?$skiptoken=s3cr3tskip5"}),
            );
            r.headers.push(("Set-Cookie", "sid=s3cr3tcookie".to_owned()));
            r
        }
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = odata_runtime::Client::builder(format!("{}/svc", server.base))
        .bearer_token("t0ps3cret")
        .cross_origin(odata_runtime::CrossOrigin::WithoutCredentials)
        .max_pages(3)
        .sleeper(sleeper)
        .build()
        .unwrap();
    let before = cap.lines.lock().unwrap().len();
    let err = c
        .get::<Value>(&Resource::new("fail"), &RequestOptions::new())
        .await
        .unwrap_err();
    let shown = err.to_string();
    assert!(
        !shown.contains('\n') && shown.contains("b0dys3cret"),
        "{shown}"
    );
    // away → (307) the other origin's page → /svc/p → /svc/items?… : the cap of 3.
    let mut pager = c.pager::<i64>(&Resource::new("away"), &RequestOptions::new());
    let mut last = None;
    while let Some(item) = futures_util::StreamExt::next(&mut pager).await {
        last = Some(item);
    }
    assert!(
        matches!(
            last,
            Some(Err(odata_runtime::Error::TooManyPages { limit: 3 }))
        ),
        "{last:?}"
    );
    // items → items?… → the same link again: a cycle.
    let mut pager = c.pager::<i64>(&Resource::new("items"), &RequestOptions::new());
    while let Some(item) = futures_util::StreamExt::next(&mut pager).await {
        item.unwrap();
    }
    let lines = cap.lines.lock().unwrap()[before..].join("\n");
    assert!(lines.contains("sending without credentials"), "{lines}");
    assert!(lines.contains("repeats an earlier link"), "{lines}");
    assert!(lines.contains("error response"), "{lines}");
    for secret in ["s3cr3t", "b0dy", "forged", "sid=", "skiptoken"] {
        assert!(!lines.contains(secret), "{secret} was logged: {lines}");
    }
}
