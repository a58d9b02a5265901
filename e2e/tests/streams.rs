//! Streams through the generated client (`generated/graph-directory`'s drive excerpt), on
//! the loopback server: a drive item's `content` (302 to a pre-authenticated URL on a
//! second origin, which gets no credentials), a user's photo (a media entity's `$value`,
//! Content-Type checked against `Core.AcceptableMediaTypes`), `createUploadSession` and
//! its chunked upload (interrupted and resumed, cancelled, hostile upload URLs). The
//! 200 MB runs with their memory measurement are in `streams_memory.rs`.

use std::sync::{Arc, Mutex};

use e2e::http::{Reply, Server, empty, recording_sleeper, reply};
use graph_directory::models::microsoft_graph::DriveItemUploadableProperties;
use graph_directory::runtime::stream::UPLOAD_CHUNK_UNIT;
use graph_directory::runtime::{CrossOrigin, Error, Upload};
use serde_json::json;

fn service(server: &Server, cross: CrossOrigin) -> graph_directory::GraphService {
    let (sleeper, _) = recording_sleeper();
    let client = graph_directory::Client::builder(format!("{}/v1.0", server.base))
        .bearer_token("t0ps3cret")
        .cross_origin(cross)
        .sleeper(sleeper)
        .build()
        .unwrap();
    graph_directory::GraphService::new(client)
}

#[tokio::test]
async fn drive_item_content_follows_the_302_to_the_download_host_without_the_token() {
    let files = Server::start(Arc::new(|_, _, _| Reply {
        status: 200,
        headers: vec![("Content-Type", "text/csv".to_owned())],
        body: "a,b\n1,2\n".to_owned(),
    }))
    .await;
    let target = format!(
        "{}/personal/u1/_layouts/15/download.aspx?tempauth=xyz",
        files.base
    );
    let graph = Server::start(Arc::new(move |_, _, _| Reply {
        status: 302,
        headers: vec![("Location", target.clone())],
        body: String::new(),
    }))
    .await;
    let svc = service(&graph, CrossOrigin::WithoutCredentials);
    let item = svc.drives().by_id("d1").items().by_id("i1");
    let mut download = item.content().download().await.unwrap();
    assert_eq!(download.content_type(), Some("text/csv"));
    let mut got = Vec::new();
    while let Some(chunk) = download.next_chunk().await.unwrap() {
        got.extend_from_slice(&chunk);
    }
    assert_eq!(got, b"a,b\n1,2\n");

    let first = &graph.requests()[0];
    assert_eq!(first.method, "GET");
    assert_eq!(first.target, "/v1.0/drives/d1/items/i1/content");
    assert_eq!(first.header("authorization"), Some("Bearer t0ps3cret"));
    let second = &files.requests()[0];
    assert_eq!(
        second.target,
        "/personal/u1/_layouts/15/download.aspx?tempauth=xyz"
    );
    assert_eq!(second.header("authorization"), None);

    // The same with the default client: the other origin is refused, nothing sent.
    let svc = service(&graph, CrossOrigin::Refuse);
    let err = svc
        .drives()
        .by_id("d1")
        .items()
        .by_id("i1")
        .content()
        .bytes()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OriginNotAllowed { .. }), "{err}");
    assert_eq!(files.requests().len(), 1);
}

#[tokio::test]
async fn a_broken_drive_item_download_resumes_through_graph_without_the_token_on_the_host() {
    use tokio::io::AsyncWriteExt;
    // The download host breaks its first answer after 4 bytes; it supports ranges.
    let files = Server::start_raw(Arc::new(|i, req, mut sock| {
        Box::pin(async move {
            let body = b"0123456789";
            let head = if i == 0 {
                "HTTP/1.1 200 OK\r\nETag: \"q1\"\r\nAccept-Ranges: bytes\r\nContent-Length: 10\r\n\r\n"
                    .to_owned()
            } else {
                assert_eq!(req.header("range"), Some("bytes=4-"));
                assert_eq!(req.header("if-range"), Some("\"q1\""));
                "HTTP/1.1 206 Partial\r\nContent-Range: bytes 4-9/10\r\nContent-Length: 6\r\n\r\n"
                    .to_owned()
            };
            let part: &[u8] = if i == 0 { &body[..4] } else { &body[4..] };
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(part).await;
        })
    }))
    .await;
    let target = format!("{}/dl?tempauth=xyz", files.base);
    let graph = Server::start(Arc::new(move |_, _, _| Reply {
        status: 302,
        headers: vec![("Location", target.clone())],
        body: String::new(),
    }))
    .await;
    let svc = service(&graph, CrossOrigin::WithoutCredentials);
    let content = svc.drives().by_id("d1").items().by_id("i1").content();
    assert_eq!(content.bytes().await.unwrap(), b"0123456789");

    // The resume asked Graph again (with the token) and followed its 302 (without it).
    let asked = graph.requests();
    assert_eq!(asked.len(), 2);
    for r in &asked {
        assert_eq!(r.target, "/v1.0/drives/d1/items/i1/content");
        assert_eq!(r.header("authorization"), Some("Bearer t0ps3cret"));
    }
    assert_eq!(asked[1].header("range"), Some("bytes=4-"));
    let fetched = files.requests();
    assert_eq!(fetched.len(), 2);
    for r in &fetched {
        assert_eq!(r.target, "/dl?tempauth=xyz");
        assert_eq!(r.header("authorization"), None);
    }
}

#[tokio::test]
async fn user_photo_is_a_media_entity_with_acceptable_media_types() {
    let server = Server::start(Arc::new(|_, req, _| match req.method.as_str() {
        "GET" => Reply {
            status: 200,
            headers: vec![("Content-Type", "image/png".to_owned())],
            body: "PNG".to_owned(),
        },
        _ => empty(204),
    }))
    .await;
    let svc = service(&server, CrossOrigin::Refuse);
    let photo = svc.users().by_id("u1").photo().content();
    let dir = std::env::temp_dir().join(format!("e2e-streams-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("photo.png");
    assert_eq!(photo.save(&path).await.unwrap(), 3);
    assert_eq!(std::fs::read(&path).unwrap(), b"PNG");

    photo
        .upload(Upload::file(&path).await.unwrap().content_type("image/png"))
        .await
        .unwrap();
    let err = photo
        .upload(Upload::bytes(&b"GIF89a"[..]).content_type("image/gif"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("image/jpeg, image/png"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "the refused type is not sent");
    assert_eq!(
        (reqs[0].method.as_str(), reqs[0].target.as_str()),
        ("GET", "/v1.0/users/u1/photo/$value")
    );
    assert_eq!(reqs[0].header("accept"), Some("*/*"));
    assert_eq!(
        (reqs[1].method.as_str(), reqs[1].target.as_str()),
        ("PUT", "/v1.0/users/u1/photo/$value")
    );
    assert_eq!(reqs[1].header("content-type"), Some("image/png"));
    assert_eq!(reqs[1].header("content-length"), Some("3"));
    assert_eq!(reqs[1].body, b"PNG");
}

/// The upload host: a Graph-like session that fails the PUTs listed in `fail_puts` with
/// 503 and keeps what it received.
fn upload_host(fail_puts: &'static [usize], received: Arc<Mutex<Vec<u8>>>) -> e2e::http::Handler {
    let puts = Arc::new(Mutex::new(0usize));
    Arc::new(move |_, req, _| {
        let mut got = received.lock().unwrap();
        match req.method.as_str() {
            "GET" => reply(
                200,
                json!({"nextExpectedRanges": [format!("{}-", got.len())]}),
            ),
            "DELETE" => {
                got.clear();
                empty(204)
            }
            _ => {
                let n = {
                    let mut p = puts.lock().unwrap();
                    *p += 1;
                    *p - 1
                };
                if fail_puts.contains(&n) {
                    return empty(503);
                }
                let range = req.header("content-range").unwrap().to_owned();
                let (span, total) = range["bytes ".len()..].split_once('/').unwrap();
                let start: usize = span.split_once('-').unwrap().0.parse().unwrap();
                let total: usize = total.parse().unwrap();
                assert_eq!(start, got.len(), "{range}");
                got.extend_from_slice(&req.body);
                if got.len() == total {
                    reply(
                        201,
                        json!({"id": "new-item", "name": "report.bin", "size": total}),
                    )
                } else {
                    reply(
                        202,
                        json!({"nextExpectedRanges": [format!("{}-", got.len())]}),
                    )
                }
            }
        }
    })
}

#[tokio::test]
async fn create_upload_session_then_an_interrupted_chunked_upload_resumes() {
    let received = Arc::new(Mutex::new(Vec::new()));
    let host = Server::start(upload_host(&[1], received.clone())).await;
    let upload_url = format!("{}/up/abc?tempauth=sig", host.base);
    let graph = Server::start(Arc::new(move |_, _, _| {
        reply(
            200,
            json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession",
                "expirationDateTime": "2026-12-05T17:00:00Z",
                "nextExpectedRanges": ["0-"],
                "uploadUrl": upload_url,
            }),
        )
    }))
    .await;
    let svc = service(&graph, CrossOrigin::WithoutCredentials);
    let mut props = DriveItemUploadableProperties::default();
    props.name = Some("report.bin".into());
    let session = svc
        .drives()
        .by_id("d1")
        .items()
        .by_id("i1")
        .create_upload_session(&props)
        .await
        .unwrap();
    let data: Vec<u8> = (0..2 * UPLOAD_CHUNK_UNIT as usize + 777)
        .map(|i| (i % 251) as u8)
        .collect();
    let mut session = session.chunk_size(UPLOAD_CHUNK_UNIT);
    let resp = session
        .upload(&mut std::io::Cursor::new(data.clone()), data.len() as u64)
        .await
        .unwrap();
    assert_eq!(resp.status, 201);
    assert_eq!(*received.lock().unwrap(), data);

    let create = &graph.requests()[0];
    assert_eq!(create.method, "POST");
    assert_eq!(
        create.target,
        "/v1.0/drives/d1/items/i1/microsoft.graph.createUploadSession"
    );
    assert_eq!(create.json(), json!({"item": {"name": "report.bin"}}));
    assert_eq!(create.header("authorization"), Some("Bearer t0ps3cret"));
    let methods: Vec<String> = host.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["PUT", "PUT", "GET", "PUT", "PUT"]);
    assert!(
        host.requests()
            .iter()
            .all(|r| r.header("authorization").is_none())
    );
}

#[tokio::test]
async fn an_upload_session_is_cancelled_with_delete() {
    let received = Arc::new(Mutex::new(Vec::new()));
    let host = Server::start(upload_host(&[], received.clone())).await;
    let upload_url = format!("{}/up/abc", host.base);
    let graph = Server::start(Arc::new(move |_, _, _| {
        reply(
            200,
            json!({"nextExpectedRanges": ["0-"], "uploadUrl": upload_url}),
        )
    }))
    .await;
    let svc = service(&graph, CrossOrigin::WithoutCredentials);
    let session = svc
        .drives()
        .by_id("d1")
        .items()
        .by_id("i1")
        .create_upload_session(&DriveItemUploadableProperties::default())
        .await
        .unwrap();
    session.cancel().await.unwrap();
    let r = &host.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("DELETE", "/up/abc")
    );
    assert_eq!(r.header("authorization"), None);
}

#[tokio::test]
async fn a_hostile_upload_url_from_create_upload_session_is_refused() {
    for url in [
        json!("file:///etc/passwd"),
        json!("javascript:alert(1)"),
        json!("http://127.0.0.1:1@evil.example/"),
        json!(42),
        json!(null),
    ] {
        let body = json!({"nextExpectedRanges": ["0-"], "uploadUrl": url});
        let graph = Server::start(Arc::new(move |_, _, _| reply(200, body.clone()))).await;
        let svc = service(&graph, CrossOrigin::WithoutCredentials);
        let err = svc
            .drives()
            .by_id("d1")
            .items()
            .by_id("i1")
            .create_upload_session(&DriveItemUploadableProperties::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{url}: {err}");
    }
    // A plain http upload URL for an https service is a downgrade: refused.
    let client = graph_directory::Client::builder("https://graph.example/v1.0")
        .cross_origin(CrossOrigin::WithoutCredentials)
        .build()
        .unwrap();
    let err = graph_directory::runtime::UploadSession::new(
        &client,
        Some("http://upload.example/s"),
        vec![],
    )
    .unwrap_err();
    assert!(matches!(err, Error::OriginNotAllowed { .. }), "{err}");
}
