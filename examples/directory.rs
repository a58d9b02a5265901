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
//! alternate key, an upsert, a user's photo downloaded as a stream (`…/photo/$value`), and
//! a `$batch` of three typed requests.

use std::sync::Arc;

use e2e::http::{Server, empty, reply};
use graph_directory::client::microsoft_graph::{DirectoryObjectField, UserField, UserNav};
use graph_directory::models::microsoft_graph::{ApplicationCreate, UserCreate};
use graph_directory::{Client, Error, GraphService};
use serde_json::json;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // A stand-in for https://graph.microsoft.com/v1.0: answers by method and path.
    let server = Server::start(Arc::new(|_, req, _| {
        let path = req.target.split('?').next().unwrap_or_default();
        match (req.method.as_str(), path) {
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

    for r in server.requests() {
        println!("{} {}", r.method, r.target);
    }
    Ok(())
}
