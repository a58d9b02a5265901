//! The loopback HTTP/1.1 server of the wire tests (`e2e/src/http.rs`, one copy for the
//! whole repository), plus a client over it for the runtime's client test binaries.
#![allow(dead_code)]

#[path = "../../../../e2e/src/http.rs"]
mod http;

pub use http::*;
use odata_runtime::{Client, Sleeper};

pub fn client(server: &Server, sleeper: Sleeper) -> Client {
    Client::builder(format!("{}/svc/", server.base))
        .bearer_token("t0ps3cret")
        .sleeper(sleeper)
        .build()
        .unwrap()
}
