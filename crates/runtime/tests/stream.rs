//! Streams on the wire (loopback): downloads (redirects to another origin, idle
//! timeout, bounded `bytes()`), uploads (Content-Type, announced length), upload
//! sessions (resume, cancel, hostile answers). The 200 MB runs are in
//! `e2e/tests/streams.rs`.
#![cfg(feature = "reqwest")]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use odata_runtime::stream::{StreamRequest, UPLOAD_CHUNK_UNIT};
use odata_runtime::{
    Client, CrossOrigin, Error, Resource, Upload, UploadSession, request::Builder,
};
use serde_json::json;
use tokio::io::AsyncWriteExt;

fn text(status: u16, content_type: &str, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", content_type.to_owned())],
        body: body.to_owned(),
    }
}

fn client_with(server: &Server, cross: CrossOrigin) -> Client {
    let (sleeper, _) = recording_sleeper();
    Client::builder(format!("{}/svc", server.base))
        .bearer_token("t0ps3cret")
        .default_header("X-Api-Key", "k3y")
        .cross_origin(cross)
        .sleeper(sleeper)
        .build()
        .unwrap()
}

#[tokio::test]
async fn download_follows_a_302_to_another_origin_without_credentials() {
    let files = Server::start(Arc::new(|_, _, _| text(200, "image/jpeg", "JPEGDATA"))).await;
    let target = format!("{}/dl/photo.jpg?sig=abc", files.base);
    let api = Server::start(Arc::new(move |_, _, _| Reply {
        status: 302,
        headers: vec![("Location", target.clone())],
        body: String::new(),
    }))
    .await;
    let c = client_with(&api, CrossOrigin::WithoutCredentials);
    let res = Resource::new("me").segment("photo").segment("$value");
    let d = c.download(&res, &Default::default()).await.unwrap();
    assert_eq!(d.content_type(), Some("image/jpeg"));
    assert_eq!(d.bytes().await.unwrap(), b"JPEGDATA");

    let first = &api.requests()[0];
    assert_eq!(first.target, "/svc/me/photo/$value");
    assert_eq!(first.header("authorization"), Some("Bearer t0ps3cret"));
    assert_eq!(first.header("accept"), Some("*/*"));
    let second = &files.requests()[0];
    assert_eq!(second.target, "/dl/photo.jpg?sig=abc");
    assert_eq!(second.header("authorization"), None);
    assert_eq!(
        second.header("x-api-key"),
        None,
        "default headers stay home"
    );
}

#[tokio::test]
async fn download_302_to_another_origin_is_refused_by_default() {
    let files = Server::start(Arc::new(|_, _, _| text(200, "image/jpeg", "JPEGDATA"))).await;
    let target = format!("{}/dl", files.base);
    let api = Server::start(Arc::new(move |_, _, _| Reply {
        status: 302,
        headers: vec![("Location", target.clone())],
        body: String::new(),
    }))
    .await;
    let c = client_with(&api, CrossOrigin::Refuse);
    let err = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OriginNotAllowed { .. }), "{err}");
    assert!(files.requests().is_empty());
}

#[tokio::test]
async fn download_errors_are_typed_and_bytes_are_bounded() {
    let server = Server::start(Arc::new(|i, _, _| match i {
        0 => reply(
            404,
            json!({"error": {"code": "itemNotFound", "message": "gone"}}),
        ),
        _ => text(200, "application/octet-stream", &"x".repeat(100)),
    }))
    .await;
    let c = Client::builder(format!("{}/svc", server.base))
        .max_response_size(50)
        .build()
        .unwrap();
    let err = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.odata_error().unwrap().code, "itemNotFound");
    // The stream itself is not bounded by the maximum response size…
    let mut d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    let mut n = 0;
    while let Some(chunk) = d.next_chunk().await.unwrap() {
        n += chunk.len();
    }
    assert_eq!(n, 100);
    // … but the in-memory convenience is.
    let d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    assert!(matches!(
        d.bytes().await,
        Err(Error::ResponseTooLarge { limit: 50 })
    ));
}

#[tokio::test]
async fn a_stalled_download_ends_with_a_timeout_and_save_leaves_no_partial_file() {
    let server = Server::start_raw(Arc::new(|_, _, mut sock| {
        Box::pin(async move {
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst";
            let _ = sock.write_all(head.as_bytes()).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        })
    }))
    .await;
    let c = Client::builder(format!("{}/svc", server.base))
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let mut d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    assert_eq!(&d.next_chunk().await.unwrap().unwrap()[..], b"first");
    let err = d.next_chunk().await.unwrap_err();
    assert!(err.to_string().contains("no data for 300 ms"), "{err}");

    let dir = std::env::temp_dir().join(format!("odata-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("partial.bin");
    let d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    assert!(d.save(&path).await.is_err());
    assert!(!path.exists(), "the partial file is removed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn uploads_send_the_schema_media_type_or_the_given_one() {
    let server = Server::start(Arc::new(|_, _, _| empty(204))).await;
    let c = client_with(&server, CrossOrigin::Refuse);
    let photo = Builder::at(&c, Resource::new("me").segment("photo").segment("$value"));
    let stream = StreamRequest::new(photo, Some("image/jpeg"), &["image/jpeg", "image/png"]);

    let reader: &'static [u8] = b"abcdef";
    stream
        .upload(Upload::reader(reader, Some(6)))
        .await
        .unwrap();
    stream
        .upload(Upload::bytes(&b"png!"[..]).content_type("image/png"))
        .await
        .unwrap();
    let err = stream
        .upload(Upload::bytes(&b"<svg/>"[..]).content_type("image/svg+xml"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    // A source shorter than announced fails; the service never sees a whole body.
    let short: &'static [u8] = b"abc";
    let err = stream
        .upload(Upload::reader(short, Some(6)))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("ended after 3 of the 6 bytes"),
        "{err}"
    );

    let reqs = server.requests();
    assert_eq!(reqs[0].method, "PUT");
    assert_eq!(reqs[0].target, "/svc/me/photo/$value");
    assert_eq!(reqs[0].header("content-type"), Some("image/jpeg"));
    assert_eq!(reqs[0].header("authorization"), Some("Bearer t0ps3cret"));
    assert_eq!(reqs[0].body, b"abcdef");
    assert_eq!(reqs[1].header("content-type"), Some("image/png"));
    assert_eq!(reqs[1].body, b"png!");
    assert!(reqs.len() <= 3, "nothing sent for the refused media type");

    // Without a schema type or a given one: application/octet-stream.
    let plain = Builder::at(&c, Resource::new("blob")).stream(None, &[]);
    plain.upload(Upload::bytes(&b"z"[..])).await.unwrap();
    let last = server.requests().pop().unwrap();
    assert_eq!(
        last.header("content-type"),
        Some("application/octet-stream")
    );
}

/// A Graph-like upload session on its own server: the received bytes, and which PUTs
/// (by index among PUTs) to fail with 500.
struct Session {
    server: Server,
    received: Arc<Mutex<Vec<u8>>>,
}

async fn session_server(fail_puts: &'static [usize]) -> Session {
    let received = Arc::new(Mutex::new(Vec::new()));
    let puts = Arc::new(Mutex::new(0usize));
    let r = received.clone();
    let server = Server::start(Arc::new(move |_, req, _| {
        let mut got = r.lock().unwrap();
        match req.method.as_str() {
            "GET" => reply(
                200,
                json!({"nextExpectedRanges": [format!("{}-", got.len())]}),
            ),
            "DELETE" => {
                got.clear();
                empty(204)
            }
            "PUT" => {
                let n = {
                    let mut p = puts.lock().unwrap();
                    *p += 1;
                    *p - 1
                };
                if fail_puts.contains(&n) {
                    return reply(
                        500,
                        json!({"error": {"code": "generalException", "message": "x"}}),
                    );
                }
                let range = req.header("content-range").unwrap();
                let (span, total) = range
                    .strip_prefix("bytes ")
                    .unwrap()
                    .split_once('/')
                    .unwrap();
                let (a, _) = span.split_once('-').unwrap();
                let (a, total): (usize, usize) = (a.parse().unwrap(), total.parse().unwrap());
                if a != got.len() {
                    return reply(
                        416,
                        json!({"error": {"code": "invalidRange", "message": "x"}}),
                    );
                }
                got.extend_from_slice(&req.body);
                if got.len() == total {
                    reply(201, json!({"id": "item1", "size": total}))
                } else {
                    reply(
                        202,
                        json!({"nextExpectedRanges": [format!("{}-", got.len())]}),
                    )
                }
            }
            _ => empty(405),
        }
    }))
    .await;
    Session { server, received }
}

fn content(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
}

#[tokio::test]
async fn an_interrupted_upload_session_resumes_from_next_expected_ranges() {
    let session = session_server(&[2]).await;
    let api = Server::start(Arc::new(|_, _, _| empty(500))).await;
    let (sleeper, sleeps) = recording_sleeper();
    let c = Client::builder(format!("{}/svc", api.base))
        .bearer_token("t0ps3cret")
        .default_header("X-Api-Key", "k3y")
        .cross_origin(CrossOrigin::WithoutCredentials)
        .sleeper(sleeper)
        .build()
        .unwrap();
    let url = format!("{}/up/s1?tempauth=sig", session.server.base);
    let data = content(3 * UPLOAD_CHUNK_UNIT as usize + 1000);
    let mut s = UploadSession::new(&c, Some(&url), vec!["0-".to_owned()])
        .unwrap()
        .chunk_size(UPLOAD_CHUNK_UNIT + 5);
    let resp = s
        .upload(&mut std::io::Cursor::new(data.clone()), data.len() as u64)
        .await
        .unwrap();
    assert_eq!(resp.status, 201);
    assert_eq!(*session.received.lock().unwrap(), data);
    assert_eq!(sleeps.lock().unwrap().len(), 1, "one wait before resuming");

    let reqs = session.server.requests();
    let seen: Vec<(String, Option<String>)> = reqs
        .iter()
        .map(|r| {
            (
                r.method.clone(),
                r.header("content-range").map(str::to_owned),
            )
        })
        .collect();
    let unit = UPLOAD_CHUNK_UNIT;
    let total = data.len();
    assert_eq!(
        seen,
        vec![
            ("PUT".into(), Some(format!("bytes 0-{}/{total}", unit - 1))),
            (
                "PUT".into(),
                Some(format!("bytes {unit}-{}/{total}", 2 * unit - 1))
            ),
            (
                "PUT".into(),
                Some(format!("bytes {}-{}/{total}", 2 * unit, 3 * unit - 1))
            ),
            ("GET".into(), None),
            (
                "PUT".into(),
                Some(format!("bytes {}-{}/{total}", 2 * unit, 3 * unit - 1))
            ),
            (
                "PUT".into(),
                Some(format!("bytes {}-{}/{total}", 3 * unit, total - 1))
            ),
        ]
    );
    for r in &reqs {
        assert_eq!(r.header("authorization"), None, "{} {}", r.method, r.target);
        assert_eq!(r.header("x-api-key"), None);
        assert_eq!(r.target, "/up/s1?tempauth=sig");
    }
    assert!(api.requests().is_empty());
}

#[tokio::test]
async fn an_upload_session_resumes_from_its_url_in_a_later_run_and_cancels() {
    let session = session_server(&[]).await;
    let c = client_with(&session.server, CrossOrigin::Refuse);
    let url = format!("{}/up/s2", session.server.base);
    let data = content(2 * UPLOAD_CHUNK_UNIT as usize);
    // A first run sends one chunk and stops (the process dies).
    session
        .received
        .lock()
        .unwrap()
        .extend_from_slice(&data[..UPLOAD_CHUNK_UNIT as usize]);
    let mut s = UploadSession::resume(&c, &url)
        .await
        .unwrap()
        .chunk_size(UPLOAD_CHUNK_UNIT);
    assert_eq!(s.next_expected_ranges(), [format!("{UPLOAD_CHUNK_UNIT}-")]);
    let resp = s
        .upload(&mut std::io::Cursor::new(data.clone()), data.len() as u64)
        .await
        .unwrap();
    assert_eq!(resp.status, 201);
    assert_eq!(*session.received.lock().unwrap(), data);
    // Same origin as the service root, and still no token: it is pre-authenticated.
    assert!(
        session
            .server
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none())
    );

    s.cancel().await.unwrap();
    let last = session.server.requests().pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.target.as_str()),
        ("DELETE", "/up/s2")
    );
    assert_eq!(last.header("authorization"), None);
}

#[tokio::test]
async fn hostile_upload_urls_are_refused_before_anything_is_sent() {
    let server = Server::start(Arc::new(|_, _, _| empty(204))).await;
    let c = client_with(&server, CrossOrigin::Refuse);
    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://files.example/x",
        "https://graph.microsoft.com@evil.example/up",
        "//evil.example/up",
    ] {
        let err = UploadSession::new(&c, Some(bad), vec![]).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{bad}: {err}");
    }
    assert!(matches!(
        UploadSession::new(&c, None, vec![]),
        Err(Error::InvalidRequest(_))
    ));
    let err = UploadSession::new(&c, Some("https://upload.example/s"), vec![]).unwrap_err();
    assert!(matches!(err, Error::OriginNotAllowed { .. }), "{err}");
    assert!(server.requests().is_empty());
}

/// A session server that answers every PUT 202 with `ranges(put_index)`.
async fn scripted(ranges: fn(usize) -> serde_json::Value) -> Server {
    Server::start(Arc::new(move |i, _, _| {
        reply(202, json!({"nextExpectedRanges": ranges(i)}))
    }))
    .await
}

async fn upload_to(server: &Server, initial: Vec<String>, len: usize) -> Result<(), Error> {
    let c = client_with(server, CrossOrigin::Refuse);
    let mut s = UploadSession::new(&c, Some(&format!("{}/up", server.base)), initial)?
        .chunk_size(UPLOAD_CHUNK_UNIT);
    s.upload(&mut std::io::Cursor::new(content(len)), len as u64)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn hostile_ranges_fail_with_a_located_error() {
    let len = 2 * UPLOAD_CHUNK_UNIT as usize;
    // Out of bounds, in the session's own ranges and in an answer.
    let server = scripted(|_| json!(["0-"])).await;
    let err = upload_to(&server, vec![format!("{len}-")], len)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("$.nextExpectedRanges[0]"), "{err}");
    assert!(err.to_string().contains("outside the content"), "{err}");
    assert!(server.requests().is_empty());
    let server = scripted(|_| json!(["5-99999999999"])).await;
    let err = upload_to(&server, vec![], len).await.unwrap_err();
    assert!(err.to_string().contains("outside the content"), "{err}");
    let server = scripted(|_| json!(["-5"])).await;
    let err = upload_to(&server, vec![], len).await.unwrap_err();
    assert!(err.to_string().contains("not a range"), "{err}");
    // Going backwards after an accepted chunk.
    let server = scripted(|_| json!(["0-"])).await;
    let err = upload_to(&server, vec![], len).await.unwrap_err();
    assert!(
        err.to_string().contains("expects bytes from 0 again"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 1);
    // Accepting everything and never completing.
    let server = scripted(|_| json!([])).await;
    let err = upload_to(&server, vec![], len).await.unwrap_err();
    assert!(err.to_string().contains("did not complete"), "{err}");
}

#[tokio::test]
async fn an_endless_next_expected_ranges_loop_is_bounded() {
    // Each answer moves forward by one byte: the upload would take 655 360 requests.
    let len = 2 * UPLOAD_CHUNK_UNIT as usize;
    let server = scripted(|i| json!([format!("{}-", i + 1)])).await;
    let err = upload_to(&server, vec![], len).await.unwrap_err();
    assert!(err.to_string().contains("still expects more"), "{err}");
    let sent = server.requests().len();
    assert!(sent <= 8, "{sent} requests");
}

/// A transport of the caller's that implements `send` only: streams fall back to
/// buffering through it.
struct Buffering(Arc<Mutex<Vec<odata_runtime::Request>>>);

impl odata_runtime::Transport for Buffering {
    fn send(
        &self,
        request: odata_runtime::Request,
    ) -> odata_runtime::BoxFuture<'_, Result<odata_runtime::Response, odata_runtime::TransportError>>
    {
        self.0.lock().unwrap().push(request);
        Box::pin(async {
            Ok(odata_runtime::Response {
                status: 200,
                headers: vec![("Content-Type".into(), "text/plain".into())],
                body: b"whole body".to_vec(),
            })
        })
    }
}

#[tokio::test]
async fn a_transport_without_streaming_gets_buffered_streams() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let c = Client::builder("https://svc.example/odata")
        .transport(Buffering(seen.clone()))
        .build()
        .unwrap();
    let d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    assert_eq!(d.bytes().await.unwrap(), b"whole body");
    let parts: Vec<Result<bytes::Bytes, std::io::Error>> = vec![
        Ok(bytes::Bytes::from_static(b"ab")),
        Ok(bytes::Bytes::from_static(b"cd")),
    ];
    let stream = futures_util::stream::iter(parts);
    c.upload(
        odata_runtime::Method::Put,
        &Resource::new("f"),
        Upload::stream(stream, Some(4)),
        Some("text/plain"),
        &Default::default(),
    )
    .await
    .unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen[1].body.as_deref(), Some(&b"abcd"[..]));
    assert_eq!(seen[1].header("content-type"), Some("text/plain"));
}

/// A file server that closes each answer's connection after `cuts[i]` bytes of its body
/// (the whole rest once the list runs out) and answers `Range: bytes=N-` with a 206 of
/// the rest, unless `ignore_ranges`. `head` adds headers (validators, `Accept-Ranges`).
fn breaking_file(
    content: Arc<Vec<u8>>,
    cuts: &'static [usize],
    head: &'static str,
    ignore_ranges: bool,
) -> RawHandler {
    Arc::new(move |i, req, mut sock| {
        let content = content.clone();
        Box::pin(async move {
            let start = req
                .header("range")
                .and_then(|r| r.strip_prefix("bytes="))
                .and_then(|r| r.strip_suffix('-'))
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|_| !ignore_ranges)
                .unwrap_or(0);
            let rest = &content[start..];
            let status = if start > 0 {
                format!(
                    "206 Partial Content\r\nContent-Range: bytes {start}-{}/{}",
                    content.len() - 1,
                    content.len()
                )
            } else {
                "200 OK".to_owned()
            };
            let head = format!(
                "HTTP/1.1 {status}\r\n{head}Content-Length: {}\r\nConnection: close\r\n\r\n",
                rest.len()
            );
            let n = cuts.get(i).copied().unwrap_or(rest.len()).min(rest.len());
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(&rest[..n]).await;
            let _ = sock.flush().await;
        })
    })
}

fn file_content() -> Arc<Vec<u8>> {
    Arc::new((0..10_000u32).map(|i| (i * 7 % 251) as u8).collect())
}

const RESUMABLE: &str = "ETag: \"v1\"\r\nAccept-Ranges: bytes\r\n";

/// Reads chunks until the end or the first error; what arrived, and the error.
async fn read_all(mut d: odata_runtime::stream::Download) -> (Vec<u8>, Option<Error>) {
    let mut got = Vec::new();
    loop {
        match d.next_chunk().await {
            Ok(Some(chunk)) => got.extend_from_slice(&chunk),
            Ok(None) => return (got, None),
            Err(e) => return (got, Some(e)),
        }
    }
}

#[tokio::test]
async fn a_broken_download_resumes_where_it_stopped() {
    let content = file_content();
    let server = Server::start_raw(breaking_file(
        content.clone(),
        &[3000, 2500],
        RESUMABLE,
        false,
    ))
    .await;
    let c = client_with(&server, CrossOrigin::Refuse);
    let d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    assert_eq!(d.content_length(), Some(10_000));
    assert_eq!(d.bytes().await.unwrap(), *content);

    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].header("range"), None);
    assert_eq!(reqs[1].header("range"), Some("bytes=3000-"));
    assert_eq!(reqs[1].header("if-range"), Some("\"v1\""));
    assert_eq!(reqs[2].header("range"), Some("bytes=5500-"));
    for r in &reqs {
        assert_eq!(r.target, "/svc/f");
        assert_eq!(r.header("authorization"), Some("Bearer t0ps3cret"));
    }

    // `save` writes the whole file across the breaks.
    let server = Server::start_raw(breaking_file(content.clone(), &[1], RESUMABLE, false)).await;
    let c = client_with(&server, CrossOrigin::Refuse);
    let dir = std::env::temp_dir().join(format!("odata-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("file.bin");
    let d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    assert_eq!(d.save(&path).await.unwrap(), 10_000);
    assert_eq!(std::fs::read(&path).unwrap(), *content);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_download_resumes_only_when_the_service_allows_it() {
    let content = file_content();
    // Without `Accept-Ranges`, with only a weak ETag, or with no validator: one request,
    // the break is the error.
    for head in [
        "ETag: \"v1\"\r\n",
        "ETag: W/\"v1\"\r\nAccept-Ranges: bytes\r\n",
        "Accept-Ranges: bytes\r\n",
        "ETag: \"v1\"\r\nAccept-Ranges: none\r\n",
    ] {
        let server = Server::start_raw(breaking_file(content.clone(), &[3000], head, false)).await;
        let c = client_with(&server, CrossOrigin::Refuse);
        let d = c
            .download(&Resource::new("f"), &Default::default())
            .await
            .unwrap();
        let (got, err) = read_all(d).await;
        assert!(matches!(err, Some(Error::Transport(_))), "{head}: {err:?}");
        assert_eq!(got, content[..3000], "{head}");
        assert_eq!(server.requests().len(), 1, "{head}");
    }

    // `Last-Modified` is a validator too.
    let head = "Last-Modified: Tue, 01 Dec 2026 10:00:00 GMT\r\nAccept-Ranges: bytes\r\n";
    let server = Server::start_raw(breaking_file(content.clone(), &[3000], head, false)).await;
    let c = client_with(&server, CrossOrigin::Refuse);
    let d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    assert_eq!(d.bytes().await.unwrap(), *content);
    assert_eq!(
        server.requests()[1].header("if-range"),
        Some("Tue, 01 Dec 2026 10:00:00 GMT")
    );

    // A request that asks for a range itself is not resumed by the client.
    let server = Server::start_raw(breaking_file(content.clone(), &[3000], RESUMABLE, false)).await;
    let c = client_with(&server, CrossOrigin::Refuse);
    let mut opts = odata_runtime::RequestOptions::default();
    opts.headers
        .push(("Range".to_owned(), "bytes=0-".to_owned()));
    let d = c.download(&Resource::new("f"), &opts).await.unwrap();
    assert!(read_all(d).await.1.is_some());
    assert_eq!(server.requests().len(), 1);

    // Nor is any download when the retry policy allows one attempt only.
    let server = Server::start_raw(breaking_file(content.clone(), &[3000], RESUMABLE, false)).await;
    let c = Client::builder(format!("{}/svc", server.base))
        .retry_policy(odata_runtime::RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        })
        .build()
        .unwrap();
    let d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    assert!(read_all(d).await.1.is_some());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_resume_never_splices_another_version_and_is_bounded() {
    let content = file_content();
    // The service answers the range request with the whole content (200): it may have
    // changed, so the download ends; nothing is duplicated.
    let server = Server::start_raw(breaking_file(content.clone(), &[3000], RESUMABLE, true)).await;
    let c = client_with(&server, CrossOrigin::Refuse);
    let d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    let (got, err) = read_all(d).await;
    let err = err.unwrap().to_string();
    assert!(
        err.contains("after 3000 bytes and could not be resumed"),
        "{err}"
    );
    assert!(err.contains("answered 200"), "{err}");
    assert_eq!(got, content[..3000]);
    assert_eq!(server.requests().len(), 2);

    // A 206 that does not start where the body stopped, or of another total.
    for range in [
        "bytes 2999-9999/10000",
        "bytes 3000-9999/20000",
        "bytes */10000",
        "junk",
    ] {
        let server = Server::start_raw(Arc::new(move |i, _, mut sock| {
            Box::pin(async move {
                let head = if i == 0 {
                    format!("HTTP/1.1 200 OK\r\n{RESUMABLE}Content-Length: 10000\r\n\r\n")
                } else {
                    format!("HTTP/1.1 206 Partial\r\nContent-Range: {range}\r\nContent-Length: 5\r\n\r\n")
                };
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&[b'x'; 5]).await;
            })
        }))
        .await;
        let c = client_with(&server, CrossOrigin::Refuse);
        let d = c
            .download(&Resource::new("f"), &Default::default())
            .await
            .unwrap();
        let (got, err) = read_all(d).await;
        let err = err.unwrap().to_string();
        assert!(err.contains("not the rest from byte 5"), "{range}: {err}");
        assert_eq!(got, b"xxxxx", "{range}");
    }

    // A service that breaks every answer: the default policy's 4 attempts, then the error.
    let server = Server::start_raw(breaking_file(
        content.clone(),
        &[100, 100, 100, 100, 100, 100],
        RESUMABLE,
        false,
    ))
    .await;
    let c = client_with(&server, CrossOrigin::Refuse);
    let d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    let (got, err) = read_all(d).await;
    assert!(matches!(err, Some(Error::Transport(_))), "{err:?}");
    assert_eq!(got, content[..400]);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn a_stalled_download_is_resumed_too() {
    let content = file_content();
    let body = content.clone();
    let server = Server::start_raw(Arc::new(move |i, req, mut sock| {
        let body = body.clone();
        Box::pin(async move {
            if i == 0 {
                let head = format!("HTTP/1.1 200 OK\r\n{RESUMABLE}Content-Length: 10000\r\n\r\n");
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body[..1000]).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            } else {
                assert_eq!(req.header("range"), Some("bytes=1000-"));
                let head = "HTTP/1.1 206 Partial\r\nContent-Range: bytes 1000-9999/10000\r\nContent-Length: 9000\r\n\r\n";
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body[1000..]).await;
            }
        })
    }))
    .await;
    let c = Client::builder(format!("{}/svc", server.base))
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let d = c
        .download(&Resource::new("f"), &Default::default())
        .await
        .unwrap();
    assert_eq!(d.bytes().await.unwrap(), *content);
    assert_eq!(server.requests().len(), 2);
}
