//! The seed crates' client API, end to end against a loopback server that answers like
//! Microsoft Graph (the seed responses in `fixtures/seeds/`), so it runs offline:
//!
//! ```sh
//! cargo run -p e2e --example partners
//! ```
//!
//! Against the real service, build the client with
//! `Client::builder(graph_v1::SERVICE_ROOT).bearer_token(token)` (or your own `TokenProvider`,
//! which is asked per request with a `TokenRequest`: the origin and URL the token goes to;
//! the token only ever goes to the service root's origin and those allowed with
//! `ClientBuilder::allow_origin`).

use std::sync::Arc;

use e2e::http::{Server, empty, reply};
use graph_v1::client::microsoft_graph::ComplianceManagementPartnerField as Field;
use graph_v1::models::microsoft_graph::{
    ComplianceManagementPartnerCreate, ComplianceManagementPartnerUpdate,
    DeviceManagementPartnerTenantState,
};
use graph_v1::{Client, Error, GraphService};
use serde_json::json;

fn seed(name: &str) -> serde_json::Value {
    let path = e2e::repo_root().join("fixtures/seeds").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("seed file")).expect("seed JSON")
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // A stand-in for https://graph.microsoft.com/v1.0: answers by method and path.
    let created = seed("001-response.json");
    let server = Server::start(Arc::new(move |_, req, base| {
        let path = req.target.split('?').next().unwrap_or_default();
        match (req.method.as_str(), path) {
            ("POST", p) if p.ends_with("/complianceManagementPartners") => {
                reply(201, created.clone())
            }
            ("GET", p) if p.ends_with("/complianceManagementPartners") && !req.target.contains("skiptoken") => reply(
                200,
                json!({
                    "@odata.count": 3,
                    "@odata.nextLink": format!("{base}/v1.0/deviceManagement/complianceManagementPartners?$skiptoken=2"),
                    "value": [{"id": "a", "displayName": "Contoso"}, {"id": "b", "displayName": "Fabrikam"}]
                }),
            ),
            ("GET", p) if p.ends_with("/complianceManagementPartners") => {
                reply(200, json!({"value": [{"id": "c", "displayName": "Northwind"}]}))
            }
            ("GET", _) => reply(
                200,
                json!({"@odata.etag": "W/\"1\"", "id": "a", "displayName": "Contoso", "partnerState": "enabled"}),
            ),
            _ => empty(204),
        }
    }))
    .await;

    let client = Client::builder(format!("{}/v1.0", server.base))
        .bearer_token("<access token>")
        .build()?;
    let graph = GraphService::new(client);
    let partners = graph.device_management().compliance_management_partners();

    // POST /deviceManagement/complianceManagementPartners -> 201 with the entity.
    let mut new = ComplianceManagementPartnerCreate::default();
    new.display_name = Some("Display Name value".into());
    new.partner_state = Some(DeviceManagementPartnerTenantState::Unavailable);
    new.mac_os_onboarded = Some(true);
    if let Some(p) = partners.create(&new).await? {
        println!("created {:?} ({:?})", p.id, p.display_name);
    }

    // GET with typed $select/$orderby, raw $filter, $top and $count: the first page ...
    let page = partners
        .list()
        .select([Field::Id, Field::DisplayName])
        .orderby(Field::DisplayName)
        .filter("partnerState eq 'enabled'")
        .top(2)
        .count(true)
        .await?;
    println!(
        "first page: {} item(s) of {:?}",
        page.items.len(),
        page.count
    );
    // ... or every item across pages, following @odata.nextLink.
    let all = partners.list().all().await?;
    let names: Vec<_> = all.iter().filter_map(|p| p.display_name.clone()).collect();
    println!("all: {names:?}");

    // GET one by key, then PATCH it with the ETag it came with.
    let one = partners.by_id("a");
    let current = one.get().select([Field::DisplayName]).await?;
    let mut patch = ComplianceManagementPartnerUpdate::default();
    patch.display_name = graph_v1::Patch::Set("Contoso (renamed)".into());
    let etag = current.etag().unwrap_or("*").to_owned();
    let updated = one.clone().if_match(&etag).update(&patch).await?;
    println!(
        "update answered {}",
        if updated.is_some() { "200" } else { "204" }
    );

    // A bound action and a delete.
    graph
        .device_management()
        .device_management_partners()
        .by_id("dmp-1")
        .terminate()
        .await?;
    one.delete().await?;

    for r in server.requests() {
        println!("{} {}", r.method, r.target);
    }
    Ok(())
}
