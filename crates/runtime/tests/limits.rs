//! Limits that hold: response size, time, retries of what cannot succeed, pages, and no
//! query string in error text. Loopback servers and in-process transports only; time
//! limits are checked on tokio's paused clock (virtual time), never on the wall clock.
#![cfg(feature = "reqwest")]

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt as _;
use odata_runtime::json::Value;
use odata_runtime::{
    AccessToken, AuthError, BoxFuture, Client, Error, Method, Query, Request, RequestOptions,
    Resource, Response, RetryPolicy, TokenProvider, TokenRequest, Transport, TransportError,
    TransportErrorKind,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

mod common;
use common::{RawHandler, Server, client, recording_sleeper, reply};

const LIMIT: usize = 1 << 20;

fn limited_client(server: &Server) -> Client {
    let (sleeper, _) = recording_sleeper();
    Client::builder(format!("{}/svc", server.base))
        .bearer_token("t0ps3cret")
        .max_response_size(LIMIT)
        .sleeper(sleeper)
        .build()
        .unwrap()
}

/// A server answering `status` with an endless chunked body; counts the body bytes it
/// managed to write and notifies once a write fails (the client closed the connection).
fn endless(status: u16, written: Arc<AtomicU64>, closed: Arc<Notify>) -> RawHandler {
    Arc::new(move |_, _, mut sock| {
        let written = written.clone();
        let closed = closed.clone();
        Box::pin(async move {
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            );
            if sock.write_all(head.as_bytes()).await.is_ok() {
                let data = "x".repeat(64 * 1024);
                let chunk = format!("{:x}\r\n{data}\r\n", data.len());
                while sock.write_all(chunk.as_bytes()).await.is_ok() {
                    written.fetch_add(data.len() as u64, Ordering::Relaxed);
                }
            }
            closed.notify_one();
        })
    })
}

#[tokio::test]
async fn endless_bodies_fail_fast_with_bounded_memory() {
    for status in [200, 500] {
        let written = Arc::new(AtomicU64::new(0));
        let closed = Arc::new(Notify::new());
        let server = Server::start_raw(endless(status, written.clone(), closed.clone())).await;
        let c = limited_client(&server);
        let err = c
            .get::<Value>(&Resource::new("items"), &RequestOptions::new())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::ResponseTooLarge { limit: LIMIT }),
            "{status}: {err:?}"
        );
        drop(c);
        // The server sees the connection closed: the client stopped reading.
        closed.notified().await;
        // It could write no more than the limit plus what the sockets' buffers hold.
        let w = written.load(Ordering::Relaxed);
        assert!(
            w < (LIMIT as u64) + (32 << 20),
            "{status}: {w} bytes written"
        );
        assert_eq!(server.requests().len(), 1, "not retried");
    }
}

#[tokio::test]
async fn a_huge_content_length_fails_before_reading() {
    let closed = Arc::new(Notify::new());
    let cl = closed.clone();
    let server = Server::start_raw(Arc::new(move |_, _, mut sock| {
        let closed = cl.clone();
        Box::pin(async move {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n[1,2,3";
            let _ = sock.write_all(head.as_bytes()).await;
            // Wait for the client to hang up (read returns 0 or fails).
            let mut buf = [0u8; 64];
            while matches!(sock.read(&mut buf).await, Ok(n) if n > 0) {}
            closed.notify_one();
        })
    }))
    .await;
    let c = limited_client(&server);
    let err = c
        .get::<Value>(&Resource::new("items"), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: LIMIT }),
        "{err:?}"
    );
    assert!(err.to_string().contains("1048576 bytes"), "{err}");
    drop(c);
    closed.notified().await;
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_transport_ignoring_the_limit_is_still_refused() {
    struct Big;
    impl Transport for Big {
        fn send(&self, request: Request) -> BoxFuture<'_, Result<Response, TransportError>> {
            assert_eq!(request.max_response_size, 100);
            Box::pin(async {
                Ok(Response {
                    status: 200,
                    headers: vec![],
                    body: vec![b' '; 101],
                })
            })
        }
    }
    let c = Client::builder("https://example.test")
        .transport(Big)
        .max_response_size(100)
        .build()
        .unwrap();
    let err = c
        .get::<Value>(&Resource::new("x"), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 100 }),
        "{err:?}"
    );
}

/// Never answers; records the timeout each request carried.
#[derive(Clone, Default)]
struct Stall(Arc<Mutex<Vec<Option<Duration>>>>);

impl Transport for Stall {
    fn send(&self, request: Request) -> BoxFuture<'_, Result<Response, TransportError>> {
        self.0.lock().unwrap().push(request.timeout);
        Box::pin(std::future::pending())
    }
}

#[tokio::test(start_paused = true)]
async fn a_stalled_request_never_outlasts_the_total_cap() {
    // Defaults: 100 s per attempt, 120 s in all. Before, this took 200 s.
    let stall = Stall::default();
    let c = Client::builder("https://example.test")
        .transport(stall.clone())
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let err = c
        .get::<Value>(&Resource::new("x"), &RequestOptions::new())
        .await
        .unwrap_err();
    let took = start.elapsed();
    match &err {
        Error::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Timeout),
        other => panic!("{other:?}"),
    }
    assert!(took <= Duration::from_secs(120), "{took:?} (virtual time)");
    let timeouts = stall.0.lock().unwrap().clone();
    assert_eq!(timeouts.len(), 2, "{timeouts:?}");
    assert_eq!(timeouts[0], Some(Duration::from_secs(100)));
    // The second attempt gets what is left after 100 s and the backoff wait.
    assert!(
        timeouts[1].unwrap() <= Duration::from_secs(20),
        "{timeouts:?}"
    );

    // A POST is not retried after a timeout.
    let stall = Stall::default();
    let c = Client::builder("https://example.test")
        .transport(stall.clone())
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    c.create::<_, Value>(&Resource::new("x"), &json!({}), &RequestOptions::new())
        .await
        .unwrap_err();
    assert_eq!(start.elapsed(), Duration::from_secs(100));
    assert_eq!(stall.0.lock().unwrap().len(), 1);

    // Settable timeouts: 5 s per attempt, 12 s in all.
    let stall = Stall::default();
    let c = Client::builder("https://example.test")
        .transport(stall.clone())
        .request_timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy {
            max_attempts: 100,
            ..RetryPolicy::default()
        })
        .total_timeout(Duration::from_secs(12))
        .build()
        .unwrap();
    assert_eq!(c.retry_policy().max_total, Duration::from_secs(12));
    let start = tokio::time::Instant::now();
    c.get::<Value>(&Resource::new("x"), &RequestOptions::new())
        .await
        .unwrap_err();
    let took = start.elapsed();
    assert!(took <= Duration::from_secs(12), "{took:?}");
    let timeouts = stall.0.lock().unwrap().clone();
    assert!(timeouts.len() >= 2, "{timeouts:?}");
    assert!(
        timeouts
            .iter()
            .all(|t| t.unwrap() <= Duration::from_secs(5)),
        "{timeouts:?}"
    );
    // No time at all: no attempt starts.
    let stall = Stall::default();
    let c = Client::builder("https://example.test")
        .transport(stall.clone())
        .total_timeout(Duration::ZERO)
        .build()
        .unwrap();
    let err = c
        .get::<Value>(&Resource::new("x"), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Transport(e) if e.kind() == TransportErrorKind::Timeout));
    assert!(stall.0.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_stalled_server_is_cut_off_by_the_default_transport() {
    let server = Server::start_raw(Arc::new(|_, _, mut sock| {
        Box::pin(async move {
            // Never answer; wait for the client to hang up.
            let mut buf = [0u8; 64];
            while matches!(sock.read(&mut buf).await, Ok(n) if n > 0) {}
        })
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = Client::builder(format!("{}/svc", server.base))
        .request_timeout(Duration::from_millis(200))
        .total_timeout(Duration::from_millis(500))
        .sleeper(sleeper)
        .build()
        .unwrap();
    let err = c
        .get::<Value>(
            &Resource::new("items"),
            &RequestOptions::new().query(Query::new().filter("name eq 's3cr3tfilter'")),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Timeout),
        other => panic!("{other:?}"),
    }
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains("s3cr3tfilter") && !text.contains("filter"),
        "{text}"
    );
    assert!(!server.requests().is_empty());
}

struct BadToken;
impl TokenProvider for BadToken {
    fn token(&self, _: &TokenRequest<'_>) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(async { Ok(AccessToken::new("s3cr3t\r\nX-Injected: 1")) })
    }
}

#[tokio::test]
async fn requests_that_cannot_succeed_are_never_sent() {
    let server = Server::start(Arc::new(|_, _, _| reply(200, json!({"value": 1})))).await;
    let (sleeper, slept) = recording_sleeper();
    let c = client(&server, sleeper.clone());
    let res = Resource::new("items");
    let bad_opts = [
        RequestOptions::new().header("X-Note", "a\r\nX-Injected: 1"),
        RequestOptions::new().header("X-Note", "a\nb"),
        RequestOptions::new().header("X-Note", "nul\0"),
        RequestOptions::new().header("Bad Name", "v"),
        RequestOptions::new().header("Bad:Name", "v"),
        RequestOptions::new().header("", "v"),
        RequestOptions::new().if_match("W/\"1\"\r\nX: y"),
        RequestOptions::new().prefer("return=minimal\n"),
    ];
    for opts in &bad_opts {
        let err = c.get::<Value>(&res, opts).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{opts:?}: {err:?}");
        assert!(!err.to_string().contains("Injected"), "{err}");
    }
    for url in [
        "items",
        "http://127.0.0.1:99999/x",
        "http://127.0.0.1:80:80/x",
        "http://[::1/x",
        "http://127.0.0.1/a b",
    ] {
        let err = c
            .execute(Method::Get, url.to_owned(), None, &RequestOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{url}: {err:?}");
    }
    // A token that cannot be a header value: an auth error that never quotes it.
    let c2 = Client::builder(format!("{}/svc", server.base))
        .token_provider(BadToken)
        .sleeper(sleeper)
        .build()
        .unwrap();
    let err = c2
        .get::<Value>(&res, &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("s3cr3t"), "{err:?}");
    assert!(server.requests().is_empty(), "nothing was sent");
    assert!(slept.lock().unwrap().is_empty(), "nothing was retried");
    // Bad default headers fail the build.
    for b in [
        Client::builder("https://example.test").default_header("X-A", "1\r\n"),
        Client::builder("https://example.test").default_header("X A", "1"),
        Client::builder("https://example.test").user_agent("ua\n"),
    ] {
        assert!(matches!(b.build(), Err(Error::InvalidRequest(_))));
    }
}

#[tokio::test]
async fn a_request_the_transport_refuses_is_tried_once() {
    struct Refuses(Arc<AtomicUsize>, TransportErrorKind);
    impl Transport for Refuses {
        fn send(&self, _: Request) -> BoxFuture<'_, Result<Response, TransportError>> {
            self.0.fetch_add(1, Ordering::Relaxed);
            let kind = self.1;
            Box::pin(async move { Err(TransportError::new(kind, "no")) })
        }
    }
    for (kind, tries) in [
        (TransportErrorKind::InvalidRequest, 1),
        (TransportErrorKind::ResponseTooLarge, 1),
        (TransportErrorKind::Other, 4),
    ] {
        let count = Arc::new(AtomicUsize::new(0));
        let (sleeper, _) = recording_sleeper();
        let c = Client::builder("https://example.test")
            .transport(Refuses(count.clone(), kind))
            .sleeper(sleeper)
            .build()
            .unwrap();
        c.get::<Value>(&Resource::new("x"), &RequestOptions::new())
            .await
            .unwrap_err();
        assert_eq!(count.load(Ordering::Relaxed), tries, "{kind:?}");
    }
}

#[tokio::test]
async fn endless_distinct_next_links_stop_at_the_page_cap() {
    let server = Server::start(Arc::new(|i, _, _| {
        reply(
            200,
            json!({"value": [i], "@odata.nextLink": format!("items?$skiptoken=s3cr3tskip&junk={i}")}),
        )
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = Client::builder(format!("{}/svc", server.base))
        .max_pages(5)
        .sleeper(sleeper)
        .build()
        .unwrap();
    assert_eq!(
        Client::builder("https://example.test")
            .build()
            .unwrap()
            .max_pages(),
        odata_runtime::client::DEFAULT_MAX_PAGES
    );
    let results: Vec<Result<i64, Error>> = c
        .pager::<i64>(&Resource::new("items"), &RequestOptions::new())
        .collect()
        .await;
    assert_eq!(results.len(), 6, "{results:?}");
    let items: Vec<i64> = results[..5].iter().map(|r| *r.as_ref().unwrap()).collect();
    assert_eq!(items, [0, 1, 2, 3, 4]);
    let err = results[5].as_ref().unwrap_err();
    assert!(matches!(err, Error::TooManyPages { limit: 5 }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("s3cr3tskip"));
    assert_eq!(server.requests().len(), 5);
    // The pager's Debug shows where it is without the query.
    let mut pager = c.pager::<i64>(&Resource::new("items"), &RequestOptions::new());
    pager.next_page().await.unwrap().unwrap();
    let dbg = format!("{pager:?}");
    assert!(
        dbg.contains("/svc/items") && !dbg.contains("s3cr3tskip"),
        "{dbg}"
    );
}

#[tokio::test]
async fn a_link_cycle_is_still_detected() {
    let server = Server::start(Arc::new(|i, _, _| {
        // items → p=1 → p=2 → p=1 (a cycle of two links)
        let link = if i % 2 == 0 { "items?p=1" } else { "items?p=2" };
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
    assert_eq!(items, [0, 1, 2]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn transport_errors_never_show_the_query() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (sleeper, _) = recording_sleeper();
    let c = Client::builder(format!("http://127.0.0.1:{port}/svc"))
        .sleeper(sleeper)
        .build()
        .unwrap();
    let err = c
        .execute(
            Method::Get,
            format!("http://127.0.0.1:{port}/svc/items?$skiptoken=s3cr3tskip&$filter=s3cr3tfilter"),
            None,
            &RequestOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains("s3cr3t") && !text.contains("skiptoken"),
        "{text}"
    );
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        let t = format!("{s} {s:?}");
        assert!(!t.contains("s3cr3t"), "{t}");
        source = s.source();
    }
}

/// Answers 503 with `Retry-After: retry_after` after `delay` (virtual time), recording
/// when each attempt started.
struct Unavailable {
    delay: Duration,
    retry_after: &'static str,
    started: Arc<Mutex<Vec<Duration>>>,
    clock: tokio::time::Instant,
}

impl Transport for Unavailable {
    fn send(&self, _: Request) -> BoxFuture<'_, Result<Response, TransportError>> {
        self.started.lock().unwrap().push(self.clock.elapsed());
        let (delay, retry_after) = (self.delay, self.retry_after);
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            Ok(Response {
                status: 503,
                headers: vec![("retry-after".to_owned(), retry_after.to_owned())],
                body: vec![],
            })
        })
    }
}

#[tokio::test(start_paused = true)]
async fn unavailable_services_never_hold_a_request_past_the_total_cap() {
    // (seconds before each 503, its Retry-After, attempts expected): slow answers and
    // long waits together, as a user of the default client would meet them.
    let cases = [
        (0, "119", 2),
        (50, "60", 2),
        (99, "20", 2),
        (0, "0", 4),
        (30, "Fri, 31 Dec 9999 23:59:59 GMT", 1),
        (0, "99999999999999999999", 1),
        (119, "0", 2),
    ];
    for (delay, retry_after, attempts) in cases {
        let started = Arc::new(Mutex::new(Vec::new()));
        let clock = tokio::time::Instant::now();
        let c = Client::builder("https://example.test")
            .transport(Unavailable {
                delay: Duration::from_secs(delay),
                retry_after,
                started: started.clone(),
                clock,
            })
            .build()
            .unwrap();
        let err = c
            .get::<Value>(&Resource::new("x"), &RequestOptions::new())
            .await
            .unwrap_err();
        let took = clock.elapsed();
        let what = format!("{delay} s, Retry-After {retry_after}: {err} after {took:?}");
        assert!(took <= Duration::from_secs(120), "{what}");
        assert!(
            matches!(
                err,
                Error::UnexpectedStatus { status: 503, .. } | Error::Transport(_)
            ),
            "{what}"
        );
        assert_eq!(started.lock().unwrap().len(), attempts, "{what}");
    }
}

#[tokio::test]
async fn a_slow_drip_is_cut_off_per_attempt_and_in_all() {
    // Slowloris: a header, then one body byte every 100 ms, forever.
    let server = Server::start_raw(Arc::new(|_, _, mut sock| {
        Box::pin(async move {
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                .await;
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if sock.write_all(b" ").await.is_err() {
                    return;
                }
            }
        })
    }))
    .await;
    let (sleeper, slept) = recording_sleeper();
    let c = Client::builder(format!("{}/svc", server.base))
        .request_timeout(Duration::from_millis(600))
        .total_timeout(Duration::from_secs(2))
        .sleeper(sleeper)
        .build()
        .unwrap();
    let err = c
        .get::<Value>(&Resource::new("x"), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(e) if e.kind() == TransportErrorKind::Timeout),
        "{err:?}"
    );
    // Each attempt is cut at 0.6 s; the waits (not slept: recorded) and the attempts
    // fit in 2 s, so at most 3 attempts run.
    let tries = server.requests().len();
    assert!((1..=3).contains(&tries), "{tries}");
    assert_eq!(slept.lock().unwrap().len(), tries - 1);
}

#[tokio::test]
async fn compressed_bodies_are_never_inflated() {
    // 8 KiB of gzip that would inflate to 8 MiB of JSON (limit: 1 MiB). The runtime
    // enables none of reqwest's decompression features: the client does not ask for
    // compression, and a compressed body is taken as the bytes it is (not JSON).
    let bomb = include_bytes!("fixtures/bomb-8MiB.json.gz");
    let server = Server::start_raw(Arc::new(move |_, _, mut sock| {
        Box::pin(async move {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                bomb.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(bomb).await;
        })
    }))
    .await;
    let c = limited_client(&server);
    let err = c
        .get::<Value>(&Resource::new("items"), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { status: 200, error } if error.message.starts_with("invalid JSON")),
        "{err:?}"
    );
    let req = &server.requests()[0];
    assert!(req.header("accept-encoding").is_none(), "{req:?}");
    // Raw bytes come back as sent, still compressed.
    let resp = c
        .get_bytes(&Resource::new("items"), &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(resp.body, bomb);
}

#[tokio::test]
async fn hostile_heads_and_lengths_are_bounded() {
    // A 6 MiB header line, and a Content-Length of 9 followed by endless bytes.
    let server = Server::start_raw(Arc::new(|i, _, mut sock| {
        Box::pin(async move {
            if i == 0 {
                let _ = sock.write_all(b"HTTP/1.1 200 OK\r\nX-Big: ").await;
                let line = vec![b'a'; 64 * 1024];
                for _ in 0..96 {
                    if sock.write_all(&line).await.is_err() {
                        return;
                    }
                }
            } else {
                let _ = sock
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n[1,2,3,4]")
                    .await;
                let more = vec![b'9'; 64 * 1024];
                while sock.write_all(&more).await.is_ok() {}
            }
        })
    }))
    .await;
    let (sleeper, _) = recording_sleeper();
    let c = Client::builder(format!("{}/svc", server.base))
        .retry_policy(RetryPolicy::none())
        .sleeper(sleeper)
        .build()
        .unwrap();
    let err = c
        .get::<Value>(&Resource::new("x"), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Transport(_)), "{err:?}");
    let v: Vec<i64> = c
        .get::<Value>(&Resource::new("x"), &RequestOptions::new())
        .await
        .map(|v| serde_json::from_value(v).unwrap())
        .unwrap();
    assert_eq!(v, [1, 2, 3, 4]);
}

/// Fails every token request.
struct NoToken;

impl TokenProvider for NoToken {
    fn token(&self, _: &TokenRequest<'_>) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(async { Err(AuthError::new("the identity provider said no")) })
    }
}

#[tokio::test]
async fn no_error_kind_shows_the_token_or_a_query() {
    let server = Server::start_raw(Arc::new(|_, req, mut sock| {
        Box::pin(async move {
            let path = req.target.split('?').next().unwrap_or("").to_owned();
            let (status, extra, body) = match path.as_str() {
                "/svc/service" => (
                    400,
                    "",
                    r#"{"error":{"code":"c","message":"m"}}"#.to_owned(),
                ),
                "/svc/status" => (502, "", "bad gateway".to_owned()),
                "/svc/decode" => (200, "", r#"{"value":"x"}"#.to_owned()),
                "/svc/big" => (200, "", "[".to_owned() + &"0,".repeat(1 << 20) + "0]"),
                "/svc/loop" => (
                    302,
                    "Location: /svc/loop?$skiptoken=s3cr3t\r\n",
                    String::new(),
                ),
                "/svc/pages" => (
                    200,
                    "",
                    r#"{"value":[],"@odata.nextLink":"pages?$skiptoken=s3cr3t&n=1"}"#
                        .replace("n=1", &format!("n={}", req.target.len())),
                ),
                _ => {
                    // Stall: the timeout case.
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    return;
                }
            };
            let head = format!(
                "HTTP/1.1 {status} X\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(body.as_bytes()).await;
        })
    }))
    .await;
    // Nothing listens there: connection refused.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (sleeper, _) = recording_sleeper();
    let build = |token: bool| {
        let b = Client::builder(format!("{}/svc", server.base))
            .allow_origin(format!("http://127.0.0.1:{port}"))
            .max_response_size(LIMIT)
            .request_timeout(Duration::from_millis(300))
            .retry_policy(RetryPolicy::none())
            .max_pages(2)
            .sleeper(sleeper.clone());
        if token {
            b.bearer_token("t0ps3cret")
        } else {
            b.token_provider(NoToken)
        }
        .build()
        .unwrap()
    };
    let c = build(true);
    let q = "?$skiptoken=s3cr3t&$filter=s3cr3t";
    let at = |p: &str| format!("{}/svc/{p}{q}", server.base);
    let get = |url: String| {
        let c = c.clone();
        async move {
            c.execute(Method::Get, url, None, &RequestOptions::new())
                .await
                .unwrap_err()
        }
    };
    let mut errors = vec![
        get(at("service")).await,
        get(at("status")).await,
        c.get_page_at::<i64>(&at("decode"), &RequestOptions::new())
            .await
            .unwrap_err(),
        get(at("big")).await,
        get(at("loop")).await,
        get(at("stall")).await,
        get(format!("http://127.0.0.1:{port}/svc/x{q}")).await,
        get(format!("https://evil.example/svc/x{q}")).await,
        get(format!("http://u:s3cr3t@127.0.0.1/svc/x{q}")).await,
        get(format!("{}/svc/a b{q}", server.base)).await,
        build(false)
            .execute(Method::Get, at("service"), None, &RequestOptions::new())
            .await
            .unwrap_err(),
    ];
    let mut pager = c.pager::<i64>(&Resource::new("pages"), &RequestOptions::new());
    while let Some(r) = pager.next().await {
        if let Err(e) = r {
            errors.push(e);
        }
    }
    let kinds: Vec<String> = errors
        .iter()
        .map(|e| {
            format!("{e:?}")
                .split([' ', '(', '{'])
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Service",
            "UnexpectedStatus",
            "Decode",
            "ResponseTooLarge",
            "TooManyRedirects",
            "Transport",
            "Transport",
            "OriginNotAllowed",
            "InvalidRequest",
            "InvalidRequest",
            "Auth",
            "TooManyPages"
        ]
    );
    for e in &errors {
        let mut text = format!("{e} {e:?}");
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text.push_str(&format!(" {s} {s:?}"));
            source = s.source();
        }
        assert!(
            !text.contains("s3cr3t") && !text.contains("skiptoken"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn unbounded_settings_mean_no_limit_and_never_panic() {
    // `Duration::MAX` as "no timeout": before, the first request panicked ("overflow
    // when adding duration to instant").
    let server = Server::start(Arc::new(|i, _, _| {
        if i == 0 {
            common::empty(503)
        } else {
            reply(200, json!({"value": 1}))
        }
    }))
    .await;
    let (sleeper, slept) = recording_sleeper();
    let c = Client::builder(format!("{}/svc", server.base))
        .connect_timeout(Duration::MAX)
        .request_timeout(Duration::MAX)
        .total_timeout(Duration::MAX)
        .retry_policy(RetryPolicy {
            max_attempts: u32::MAX,
            base_delay: Duration::MAX,
            max_delay: Duration::MAX,
            max_total: Duration::MAX,
            max_retry_after: Duration::MAX,
        })
        .max_response_size(usize::MAX)
        .max_pages(usize::MAX)
        .sleeper(sleeper)
        .build()
        .unwrap();
    let v: Value = c
        .get(&Resource::new("x"), &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(v, json!({"value": 1}));
    assert_eq!(slept.lock().unwrap().len(), 1);
    // The same settings for a streamed download (its own redirect loop).
    let body = c
        .download(&Resource::new("y"), &RequestOptions::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body, br#"{"value":1}"#);
}
