//! A nightly directory sync at scale, against a loopback server: `PAGES` pages of 100
//! users each (default 1000: 100,000 users), streamed as changes, then the delta link.
//! Memory holds one page at a time; compare the peak with different page counts:
//!
//! ```sh
//! cargo build --release -p e2e --example delta_sync
//! PAGES=100  /usr/bin/time -v target/release/examples/delta_sync   # "Maximum resident set size"
//! PAGES=1000 /usr/bin/time -v target/release/examples/delta_sync
//! ```

use std::sync::Arc;

use e2e::http::{Reply, Server};
use futures_util::StreamExt;
use graph_directory::runtime::Change;
use graph_directory::{Client, Error, GraphService};
use serde_json::json;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let pages: usize = std::env::var("PAGES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1000);
    let server = Server::start(Arc::new(move |_, req, base| {
        // The page number is in the link (the request log is cleared as the sync goes).
        let i: usize = req
            .target
            .split_once("$skiptoken=")
            .and_then(|(_, n)| n.parse().ok())
            .unwrap_or(0);
        let users: Vec<_> = (0..100)
            .map(|n| {
                let id = i * 100 + n;
                json!({"id": format!("{id:08}-0000-0000-0000-000000000000"),
                       "displayName": format!("User {id}"), "givenName": "Given",
                       "surname": "Surname", "mail": format!("user{id}@contoso.example"),
                       "userPrincipalName": format!("user{id}@contoso.example"),
                       "jobTitle": "Engineer", "accountEnabled": true})
            })
            .collect();
        let link = if i + 1 < pages {
            json!({"@odata.nextLink": format!("{base}/v1.0/users/delta()?$skiptoken={}", i + 1)})
        } else {
            json!({"@odata.deltaLink": format!("{base}/v1.0/users/delta()?$deltatoken=t")})
        };
        let mut body = link;
        body["value"] = json!(users);
        Reply {
            status: 200,
            headers: vec![("Content-Type", "application/json".to_owned())],
            body: body.to_string(),
        }
    }))
    .await;
    let client = Client::builder(format!("{}/v1.0", server.base))
        .bearer_token("t")
        .build()?;
    let graph = GraphService::new(client);
    let mut sync = graph.users().delta().stream();
    let (mut upserts, mut chars) = (0usize, 0usize);
    while let Some(change) = sync.next().await {
        // The loopback server logs every request; drop its log so only the client counts.
        server.requests.lock().unwrap().clear();
        if let Change::Upsert(user) = change? {
            upserts += 1;
            chars += user.display_name.map_or(0, |n| n.len());
        }
    }
    println!(
        "{upserts} users over {} pages ({chars} name chars), delta link: {}",
        sync.pages_read(),
        sync.delta_link().is_some()
    );
    Ok(())
}
