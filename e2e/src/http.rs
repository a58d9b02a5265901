//! A tiny loopback HTTP/1.1 server (127.0.0.1:0) that records every request and answers
//! with what a handler returns. One copy for the repository: the wire tests use it, and the
//! runtime's client tests include it (`crates/runtime/tests/common/mod.rs`).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The method (`GET`, `POST`, …).
    pub method: String,
    /// The request target (path and query), as sent.
    pub target: String,
    /// Headers in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first header named `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The body as JSON (panics when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// What the handler answers.
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Response headers (`Content-Length` is added).
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: String,
}

/// A JSON reply with `status`.
pub fn reply(status: u16, body: Value) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", "application/json".to_owned())],
        body: body.to_string(),
    }
}

/// A reply with `status` and no body.
pub fn empty(status: u16) -> Reply {
    Reply {
        status,
        headers: vec![],
        body: String::new(),
    }
}

/// Answers request number `index` (from 0), given the request and the server's base URL.
pub type Handler = Arc<dyn Fn(usize, &Recorded, &str) -> Reply + Send + Sync>;

/// A handler that writes the raw response itself (endless bodies, stalls, lying
/// `Content-Length`): it gets the request's index, the request and the socket.
pub type RawHandler = Arc<
    dyn Fn(usize, Recorded, TcpStream) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync,
>;

/// A running server; it stops when the runtime that spawned it stops.
pub struct Server {
    /// `http://127.0.0.1:port`.
    pub base: String,
    /// Every request received, in order.
    pub requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    /// Serve `handler(index, request, base_url)` for each request.
    pub async fn start(handler: Handler) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let b = base.clone();
        let raw: RawHandler = Arc::new(move |index, req, mut sock| {
            let rep = handler(index, &req, &b);
            Box::pin(async move {
                let mut out = format!("HTTP/1.1 {} X\r\n", rep.status);
                for (k, v) in &rep.headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str(&format!(
                    "Content-Length: {}\r\nConnection: close\r\n\r\n",
                    rep.body.len()
                ));
                out.push_str(&rep.body);
                let _ = sock.write_all(out.as_bytes()).await;
                let _ = sock.shutdown().await;
            })
        });
        Self::serve(listener, base, raw)
    }

    /// Serve with a handler that writes the raw response on the socket.
    pub async fn start_raw(handler: RawHandler) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        Self::serve(listener, base, handler)
    }

    fn serve(listener: TcpListener, base: String, handler: RawHandler) -> Server {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let reqs = requests.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let handler = handler.clone();
                let reqs = reqs.clone();
                tokio::spawn(async move {
                    let Some(req) = read_request(&mut sock).await else {
                        return;
                    };
                    let index = {
                        let mut r = reqs.lock().unwrap();
                        r.push(req.clone());
                        r.len() - 1
                    };
                    handler(index, req, sock).await;
                });
            }
        });
        Server { base, requests }
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.base.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// A copy of every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

async fn read_request(sock: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

/// A sleeper (`Arc<dyn Fn(Duration) -> BoxFuture<()>>`, the runtime's `Sleeper` type in
/// every generated crate) that records the requested waits and returns at once.
pub type SleepLog = Arc<Mutex<Vec<Duration>>>;

/// The sleeper function and its log.
#[allow(clippy::type_complexity)]
pub fn recording_sleeper() -> (
    Arc<
        dyn Fn(Duration) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
            + Send
            + Sync,
    >,
    SleepLog,
) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    let sleeper = Arc::new(move |d| {
        l.lock().unwrap().push(d);
        Box::pin(async {}) as std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
    });
    (sleeper, log)
}
