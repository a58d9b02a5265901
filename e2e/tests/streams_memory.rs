//! 200 MB through the generated client with the process's memory measured: a download
//! (a drive item's `content`), a streamed upload (`PUT …/content` from a reader) and an
//! upload session (10 MiB chunks), each checked byte for byte by the other side.
//!
//! How memory is measured: this binary holds this one test, so nothing else runs in the
//! process. Before each transfer the kernel's peak RSS mark is reset (`5` written to
//! `/proc/self/clear_refs`) and the current RSS read (`VmRSS` in `/proc/self/status`);
//! after it, the peak (`VmHWM`). The growth, peak minus start, covers the client, the
//! loopback server (which streams too: it generates and checks the bytes as they pass)
//! and the runtime, so it is an upper bound of the client's share. It must stay under
//! 64 MiB while 200 MB pass. Run with `--nocapture` to see the figures.

use std::io::SeekFrom;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use graph_directory::models::microsoft_graph::DriveItemUploadableProperties;
use graph_directory::runtime::{CrossOrigin, Upload};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

const SIZE: u64 = 200_000_000;
const LIMIT: u64 = 64 << 20;

/// The content: byte `i` is `i % 251` (a prime, so chunks never line up with it).
fn byte_at(i: u64) -> u8 {
    (i % 251) as u8
}

fn fill(offset: u64, buf: &mut [u8]) {
    for (k, b) in buf.iter_mut().enumerate() {
        *b = byte_at(offset + k as u64);
    }
}

fn check(offset: u64, buf: &[u8]) -> bool {
    buf.iter()
        .enumerate()
        .all(|(k, b)| *b == byte_at(offset + k as u64))
}

/// A reader of the content, generated on the fly (seekable, for upload sessions).
struct Content {
    pos: u64,
    len: u64,
}

impl AsyncRead for Content {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let n = (self.len - self.pos).min(buf.remaining() as u64) as usize;
        let start = self.pos;
        fill(start, buf.initialize_unfilled_to(n));
        buf.advance(n);
        self.pos += n as u64;
        Poll::Ready(Ok(()))
    }
}

impl AsyncSeek for Content {
    fn start_seek(mut self: Pin<&mut Self>, pos: SeekFrom) -> std::io::Result<()> {
        match pos {
            SeekFrom::Start(p) => self.pos = p.min(self.len),
            _ => return Err(std::io::Error::other("only SeekFrom::Start")),
        }
        Ok(())
    }
    fn poll_complete(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<u64>> {
        Poll::Ready(Ok(self.pos))
    }
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("{field} not in /proc/self/status"));
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .unwrap()
}

/// Runs `f` and returns the growth of the peak RSS during it, in bytes.
async fn peak_growth<F: std::future::Future<Output = ()>>(what: &str, f: F) -> u64 {
    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the peak RSS mark");
    let start = status_kib("VmRSS:");
    f.await;
    let peak = status_kib("VmHWM:");
    let growth = peak.saturating_sub(start) * 1024;
    println!(
        "{what}: RSS at start {} MiB, peak {} MiB, growth {} MiB",
        start / 1024,
        peak / 1024,
        growth >> 20
    );
    growth
}

/// What the server saw: bytes checked per request kind.
#[derive(Default)]
struct Seen {
    uploaded: u64,
    session: u64,
    bad: bool,
}

async fn read_head(
    sock: &mut TcpStream,
) -> Option<(String, String, Vec<(String, String)>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..i]).into_owned();
            let rest = buf[i + 4..].to_vec();
            let mut lines = head.split("\r\n");
            let mut first = lines.next()?.split(' ');
            let method = first.next()?.to_owned();
            let target = first.next()?.to_owned();
            let headers = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            return Some((method, target, headers, rest));
        }
    }
}

/// Reads `len` body bytes (some already read), checking them from content offset
/// `offset`; whether they were all right.
async fn read_body(sock: &mut TcpStream, mut first: Vec<u8>, len: u64, offset: u64) -> bool {
    let mut ok = true;
    let mut done = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if !first.is_empty() {
            ok &= check(offset + done, &first);
            done += first.len() as u64;
            first.clear();
        }
        if done >= len {
            return ok && done == len;
        }
        let n = sock.read(&mut buf).await.unwrap();
        if n == 0 {
            return false;
        }
        ok &= check(offset + done, &buf[..n]);
        done += n as u64;
    }
}

async fn respond(sock: &mut TcpStream, status: u16, body: &str) {
    let out = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = sock.write_all(out.as_bytes()).await;
    let _ = sock.shutdown().await;
}

async fn serve(sock: &mut TcpStream, base: &str, seen: &Mutex<Seen>) {
    let Some((method, target, headers, rest)) = read_head(sock).await else {
        return;
    };
    let header = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    let len: u64 = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    match (method.as_str(), target.as_str()) {
        ("GET", "/v1.0/drives/d1/items/i1/content") => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {SIZE}\r\nConnection: close\r\n\r\n"
            );
            if sock.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let mut buf = vec![0u8; 64 * 1024];
            let mut sent = 0u64;
            while sent < SIZE {
                let n = (SIZE - sent).min(buf.len() as u64) as usize;
                fill(sent, &mut buf[..n]);
                if sock.write_all(&buf[..n]).await.is_err() {
                    return;
                }
                sent += n as u64;
            }
            let _ = sock.shutdown().await;
        }
        ("PUT", "/v1.0/drives/d1/items/i1/content") => {
            let ok = read_body(sock, rest, len, 0).await && len == SIZE;
            {
                let mut s = seen.lock().unwrap();
                s.uploaded += len;
                s.bad |= !ok;
            }
            respond(sock, if ok { 200 } else { 400 }, r#"{"id":"i1"}"#).await;
        }
        ("POST", "/v1.0/drives/d1/items/i1/microsoft.graph.createUploadSession") => {
            let body = format!(r#"{{"uploadUrl":"{base}/up/s1","nextExpectedRanges":["0-"]}}"#);
            respond(sock, 200, &body).await;
        }
        ("PUT", "/up/s1") => {
            let range = header("content-range").unwrap_or_default();
            let start: u64 = range
                .strip_prefix("bytes ")
                .and_then(|r| r.split_once('-'))
                .and_then(|(a, _)| a.parse().ok())
                .unwrap_or(u64::MAX);
            let expected = seen.lock().unwrap().session;
            let ok = start == expected && read_body(sock, rest, len, start).await;
            let received = {
                let mut s = seen.lock().unwrap();
                s.bad |= !ok;
                if ok {
                    s.session += len;
                }
                s.session
            };
            if !ok {
                respond(sock, 400, "{}").await;
            } else if received == SIZE {
                respond(sock, 201, r#"{"id":"new"}"#).await;
            } else {
                let body = format!(r#"{{"nextExpectedRanges":["{received}-"]}}"#);
                respond(sock, 202, &body).await;
            }
        }
        _ => respond(sock, 404, "{}").await,
    }
}

#[tokio::test]
async fn two_hundred_megabytes_each_way_in_bounded_memory() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Seen::default()));
    let (b, s) = (base.clone(), seen.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let (b, s) = (b.clone(), s.clone());
            tokio::spawn(async move { serve(&mut sock, &b, &s).await });
        }
    });
    let client = graph_directory::Client::builder(format!("{base}/v1.0"))
        .bearer_token("t")
        .cross_origin(CrossOrigin::WithoutCredentials)
        .build()
        .unwrap();
    let svc = graph_directory::GraphService::new(client);
    let item = svc.drives().by_id("d1").items().by_id("i1");

    // The instrument sees a buffer: 100 MiB held at once shows as at least that much.
    let control = peak_growth("control: a 100 MiB buffer", async {
        let buffer = vec![1u8; 100 << 20];
        assert_eq!(buffer.iter().map(|b| u64::from(*b)).sum::<u64>(), 100 << 20);
    })
    .await;
    assert!(
        control >= 95 << 20,
        "the measurement missed a 100 MiB buffer: {control}"
    );

    let download = peak_growth("download of 200 MB", async {
        let mut d = item.content().download().await.unwrap();
        assert_eq!(d.content_length(), Some(SIZE));
        let mut offset = 0u64;
        while let Some(chunk) = d.next_chunk().await.unwrap() {
            assert!(check(offset, &chunk), "content differs at {offset}");
            offset += chunk.len() as u64;
        }
        assert_eq!(offset, SIZE);
    })
    .await;

    let upload = peak_growth("streamed upload of 200 MB", async {
        let source = Content { pos: 0, len: SIZE };
        let resp = item
            .content()
            .upload(Upload::reader(source, Some(SIZE)))
            .await
            .unwrap();
        assert_eq!(resp.status, 200);
    })
    .await;

    let session = peak_growth("upload session of 200 MB (10 MiB chunks)", async {
        let mut session = item
            .create_upload_session(&DriveItemUploadableProperties::default())
            .await
            .unwrap();
        let mut source = Content { pos: 0, len: SIZE };
        let resp = session.upload(&mut source, SIZE).await.unwrap();
        assert_eq!(resp.status, 201);
    })
    .await;

    let s = seen.lock().unwrap();
    assert!(!s.bad, "the server saw wrong bytes");
    assert_eq!((s.uploaded, s.session), (SIZE, SIZE));
    for (what, growth) in [
        ("download", download),
        ("upload", upload),
        ("session", session),
    ] {
        assert!(growth < LIMIT, "{what}: peak RSS grew by {growth} bytes");
    }
}
