//! The daily OData requests, typed, against a loopback server that answers like Microsoft
//! Graph's directory (`generated/graph-directory`, an excerpt of Graph v1.0), so it runs
//! offline and prints each request it sends:
//!
//! ```sh
//! cargo run -p e2e --example directory
//! ```
//!
//! Group membership by reference (`$ref`), a cast to the users among a group's members,
//! `$count`, a typed `$filter`, a typed `$expand` with nested options, a manager, an
//! alternate key, an upsert, a user's photo downloaded as a stream (`…/photo/$value`), a
//! `$batch` of three typed requests, and a delta sync whose link is stored and resumed.

use std::sync::Arc;

use e2e::http::{Server, empty, reply};
use futures_util::StreamExt;
use graph_directory::client::microsoft_graph::{DirectoryObjectField, UserField, UserNav};
use graph_directory::models::microsoft_graph::{ApplicationCreate, UserCreate};
use graph_directory::runtime::{Change, DeltaLink};
use graph_directory::{Client, Error, GraphService};
use serde_json::json;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // A stand-in for https://graph.microsoft.com/v1.0: answers by method and path.
    let server = Server::start(Arc::new(|_, req, base| {
        let path = req.target.split('?').next().unwrap_or_default();
        let query = req.target.split_once('?').map(|(_, q)| q).unwrap_or_default();
        match (req.method.as_str(), path) {
            // Delta: the first page, a second page, then changes since the stored link.
            ("GET", p) if p.ends_with("/microsoft.graph.delta()") => reply(
                200,
                json!({"value": [{"id": "u1", "displayName": "Ada Lovelace"}],
                       "@odata.nextLink": format!("{base}/v1.0/users/delta()?$skiptoken=2")}),
            ),
            ("GET", p) if p.ends_with("/delta()") && query.starts_with("$skiptoken") => reply(
                200,
                json!({"value": [{"id": "u2", "displayName": "Grace Hopper"}],
                       "@odata.deltaLink": format!("{base}/v1.0/users/delta()?$deltatoken=t1")}),
            ),
            ("GET", p) if p.ends_with("/delta()") => reply(
                200,
                json!({"value": [{"id": "u2", "@removed": {"reason": "deleted"}}],
                       "@odata.deltaLink": format!("{base}/v1.0/users/delta()?$deltatoken=t2")}),
            ),
            ("GET", p) if p.ends_with("/$count") => e2e::http::Reply {
                status: 200,
                headers: vec![("Content-Type", "text/plain".to_owned())],
                body: "2".into(),
            },
            ("GET", p) if p.ends_with("/members/$ref") => reply(
                200,
                json!({"value": [{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/u1"}]}),
            ),
            ("GET", p) if p.ends_with("/microsoft.graph.user") || p.ends_with("/users") => reply(
                200,
                json!({"value": [{"id": "u1", "displayName": "Ada Lovelace", "accountEnabled": true}]}),
            ),
            ("GET", "/v1.0/users/u1") => reply(
                200,
                json!({"id": "u1", "manager": {"id": "u2"}, "memberOf": [{"id": "g1"}]}),
            ),
            ("GET", p) if p.ends_with("/photo/$value") => e2e::http::Reply {
                status: 200,
                headers: vec![("Content-Type", "image/png".to_owned())],
                body: "\u{89}PNG...".into(),
            },
            ("PATCH", _) => reply(201, json!({"id": "a1", "uniqueName": "inventory", "displayName": "Inventory"})),
            // $batch: each item answered as Graph would, by method.
            ("POST", p) if p.ends_with("/$batch") => {
                let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
                let items = body["requests"].as_array().cloned().unwrap_or_default();
                let responses: Vec<_> = items
                    .iter()
                    .map(|q| match q["method"].as_str() {
                        Some("GET") => json!({"id": q["id"], "status": 200,
                            "body": {"id": "u1", "displayName": "Ada Lovelace"}}),
                        Some("POST") => json!({"id": q["id"], "status": 201,
                            "body": {"id": "u9", "displayName": "Grace Hopper"}}),
                        _ => json!({"id": q["id"], "status": 204}),
                    })
                    .collect();
                reply(200, json!({ "responses": responses }))
            }
            _ => empty(204),
        }
    }))
    .await;
    let client = Client::builder(format!("{}/v1.0", server.base))
        .bearer_token("<access token>")
        .build()?;
    let graph = GraphService::new(client);

    let group = graph.groups().by_id("g1");
    group.members().add_ref_by_id("u1").await?; // POST …/members/$ref
    let refs = group.members().refs().all().await?; // GET …/members/$ref
    println!("{} member reference(s): {}", refs.len(), refs[0].id);
    let users = group
        .members()
        .as_user() // …/members/microsoft.graph.user, typed as users
        .list()
        .select([UserField::DisplayName])
        .await?;
    println!("first member: {:?}", users.items[0].display_name);
    let n = graph
        .users()
        .count()
        .filter(UserField::ACCOUNT_ENABLED.eq(true))
        .header("ConsistencyLevel", "eventual")
        .await?;
    println!("{n} enabled user(s)");
    let found = graph
        .users()
        .list()
        .filter(UserField::DISPLAY_NAME.starts_with("Ada") & UserField::JOB_TITLE.is_null())
        .await?;
    println!(
        "{} user(s) named Ada without a job title",
        found.items.len()
    );
    let user = graph
        .users()
        .by_id("u1")
        .get()
        .expand(UserNav::manager().select([DirectoryObjectField::Id]))
        .expand(UserNav::member_of().top(5)) // …?$expand=manager($select=id),memberOf($top=5)
        .await?;
    println!(
        "manager: {:?}, {} group(s)",
        user.manager.and_then(|m| m.id),
        user.member_of.map_or(0, |g| g.len())
    );
    graph
        .users()
        .by_id("u1")
        .manager()
        .set_ref_by_id("u2")
        .await?; // PUT …/manager/$ref
    group.members().by_id("u1").remove_ref().await?; // DELETE …/members/u1/$ref
    let mut app = ApplicationCreate::default();
    app.display_name = Some("Inventory".into());
    let created = graph
        .applications()
        .by_unique_name("inventory") // …/applications(uniqueName='inventory')
        .upsert(&app)
        .await?;
    println!("upserted: {:?}", created.and_then(|a| a.id));
    let mut photo = graph
        .users()
        .by_id("u1")
        .photo()
        .content()
        .download()
        .await?; // GET …/photo/$value
    let mut size = 0;
    while let Some(chunk) = photo.next_chunk().await? {
        size += chunk.len(); // or .save(path), .write_to(writer), .bytes()
    }
    println!("photo: {size} bytes of {:?}", photo.content_type());

    // Three requests in one round trip: POST /v1.0/$batch.
    let mut batch = graph.client().batch();
    let ada = batch.add(
        graph
            .users()
            .by_id("u1")
            .get()
            .select([UserField::DisplayName]),
    );
    let mut grace = UserCreate::default();
    grace.display_name = Some("Grace Hopper".into());
    let created = batch.add(graph.users().create(&grace));
    let removed = batch.add_after(&[created.id()], group.members().by_id("u1").remove_ref());
    let mut response = batch.send().await;
    println!("batch: {:?}", response.take(ada)?.display_name);
    println!(
        "batch: created {:?}",
        response.take(created)?.and_then(|u| u.id)
    );
    response.take(removed)?;

    // Change tracking: a full sync, its delta link stored as text, then the changes since.
    let mut sync = graph
        .users()
        .delta()
        .select([UserField::Id, UserField::DisplayName])
        .stream();
    while let Some(change) = sync.next().await {
        if let Change::Upsert(user) = change? {
            println!("synced {:?}", user.display_name);
        }
    }
    let stored = sync
        .delta_link()
        .map(ToString::to_string)
        .unwrap_or_default();
    let link: DeltaLink = stored.parse().expect("a stored delta link");
    println!("stored {link:?}"); // Debug leaves the token out
    let mut sync = graph.users().delta().resume(&link);
    while let Some(change) = sync.next().await {
        match change? {
            Change::Upsert(user) => println!("changed {:?}", user.id),
            Change::Removed(removed) => println!("removed {:?} ({:?})", removed.id, removed.reason),
            other => println!("{other:?}"),
        }
    }

    for r in server.requests() {
        println!("{} {}", r.method, r.target);
    }
    Ok(())
}
