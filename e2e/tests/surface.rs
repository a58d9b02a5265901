//! The daily OData surface on the wire, as a user writes it against Graph's directory
//! (`generated/graph-directory`, an excerpt of Graph v1.0): references (`$ref`) to add,
//! list and remove group members and to set a manager, type casts, `$count`, typed
//! `$filter` with each literal kind, typed `$expand` with nested options, delta, and operations bound to a base type. Each test
//! asserts the exact request line and body the loopback server received.

use std::sync::Arc;

use e2e::http::{Recorded, Reply, Server, empty, reply};
use graph_directory::client::microsoft_graph::{
    DirectoryObjectField, GroupField, GroupNav, UserField, UserNav,
};
use graph_directory::runtime::{DateTimeOffset, Error};
use serde_json::json;

fn service(server: &Server) -> graph_directory::GraphService {
    let client = graph_directory::Client::builder(format!("{}/v1.0", server.base))
        .bearer_token("t")
        .build()
        .unwrap();
    graph_directory::GraphService::new(client)
}

/// The request target with its query percent-decoded (what a service reads).
fn decoded(r: &Recorded) -> String {
    let bytes = r.target.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn only(server: &Server) -> Recorded {
    let r = server.requests();
    assert_eq!(r.len(), 1, "{r:?}");
    r[0].clone()
}

fn text(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", "text/plain".to_owned())],
        body: body.to_owned(),
    }
}

#[tokio::test]
async fn add_a_member_by_id_and_by_builder() {
    let server = Server::start(Arc::new(|_, _, _| empty(204))).await;
    let svc = service(&server);
    svc.groups()
        .by_id("g1")
        .members()
        .add_ref_by_id("u1")
        .await
        .unwrap();
    let r = only(&server);
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/v1.0/groups/g1/members/$ref")
    );
    assert_eq!(
        r.json(),
        json!({"@odata.id": format!("{}/v1.0/directoryObjects/u1", server.base)})
    );
    assert_eq!(r.header("Content-Type"), Some("application/json"));

    // Any entity builder: its canonical URL.
    let server = Server::start(Arc::new(|_, _, _| empty(204))).await;
    let svc = service(&server);
    let user = svc.users().by_id("u/2?");
    svc.groups()
        .by_id("g1")
        .owners()
        .add_ref_at(user.builder())
        .await
        .unwrap();
    let r = only(&server);
    assert_eq!(r.target, "/v1.0/groups/g1/owners/$ref");
    assert_eq!(
        r.json(),
        json!({"@odata.id": format!("{}/v1.0/users/u%2F2%3F", server.base)})
    );
}

#[tokio::test]
async fn remove_a_member_removes_the_link_not_the_user() {
    let server = Server::start(Arc::new(|_, _, _| empty(204))).await;
    service(&server)
        .groups()
        .by_id("g1")
        .members()
        .by_id("u1")
        .remove_ref()
        .await
        .unwrap();
    let r = only(&server);
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("DELETE", "/v1.0/groups/g1/members/u1/$ref")
    );
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn list_member_references_across_pages() {
    let server = Server::start(Arc::new(|i, _, base| match i {
        0 => reply(
            200,
            json!({
                "value": [{"@odata.id": "https://graph.microsoft.com/v2/directoryObjects/u1"}],
                "@odata.nextLink": format!("{base}/v1.0/groups/g1/members/$ref?$skiptoken=2"),
            }),
        ),
        _ => reply(200, json!({"value": [{"@id": "directoryObjects/u2"}]})),
    }))
    .await;
    let refs = service(&server)
        .groups()
        .by_id("g1")
        .members()
        .refs()
        .all()
        .await
        .unwrap();
    let ids: Vec<&str> = refs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://graph.microsoft.com/v2/directoryObjects/u1",
            "directoryObjects/u2"
        ]
    );
    let r = server.requests();
    assert_eq!(r[0].target, "/v1.0/groups/g1/members/$ref");
    assert_eq!(r[1].target, "/v1.0/groups/g1/members/$ref?$skiptoken=2");
}

#[tokio::test]
async fn set_get_and_clear_a_manager() {
    let server = Server::start(Arc::new(|i, _, _| match i {
        1 => reply(
            200,
            json!({"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/u2"}),
        ),
        _ => empty(204),
    }))
    .await;
    let svc = service(&server);
    let manager = svc.users().by_id("u1").manager();
    manager.set_ref_by_id("u2").await.unwrap();
    let got = manager.get_ref().await.unwrap().unwrap();
    assert_eq!(
        got.id,
        "https://graph.microsoft.com/v1.0/directoryObjects/u2"
    );
    manager.remove_ref().await.unwrap();
    let r = server.requests();
    assert_eq!(
        (r[0].method.as_str(), r[0].target.as_str()),
        ("PUT", "/v1.0/users/u1/manager/$ref")
    );
    assert_eq!(
        r[0].json(),
        json!({"@odata.id": format!("{}/v1.0/directoryObjects/u2", server.base)})
    );
    assert_eq!(
        (r[1].method.as_str(), r[1].target.as_str()),
        ("GET", "/v1.0/users/u1/manager/$ref")
    );
    assert_eq!(
        (r[2].method.as_str(), r[2].target.as_str()),
        ("DELETE", "/v1.0/users/u1/manager/$ref")
    );
}

#[tokio::test]
async fn only_the_users_among_a_groups_members() {
    let server = Server::start(Arc::new(|_, _, _| {
        reply(
            200,
            json!({"value": [{"@odata.type": "#microsoft.graph.user", "id": "u1", "displayName": "Ada", "accountEnabled": true}]}),
        )
    }))
    .await;
    let page = service(&server)
        .groups()
        .by_id("g1")
        .members()
        .as_user()
        .list()
        .select([UserField::DisplayName, UserField::AccountEnabled])
        .top(5)
        .await
        .unwrap();
    // Typed as users.
    assert_eq!(page.items[0].display_name.as_deref(), Some("Ada"));
    assert_eq!(page.items[0].account_enabled, Some(true));
    let r = only(&server);
    assert_eq!(
        decoded(&r),
        "/v1.0/groups/g1/members/microsoft.graph.user?$select=displayName,accountEnabled&$top=5"
    );
}

#[tokio::test]
async fn expand_with_nested_options_typed_for_the_target() {
    let server = Server::start(Arc::new(|_, _, _| {
        reply(
            200,
            json!({
                "id": "u1",
                "manager": {"id": "m1", "deletedDateTime": null},
                "memberOf": [{"id": "g1"}, {"id": "g2"}],
                "memberOf@odata.count": 2
            }),
        )
    }))
    .await;
    let user = service(&server)
        .users()
        .by_id("u1")
        .get()
        .select([UserField::Id])
        .expand(UserNav::manager().select([DirectoryObjectField::Id]))
        .expand(
            UserNav::member_of()
                .filter(DirectoryObjectField::ID.starts_with("g'1;)"))
                .orderby_desc(DirectoryObjectField::Id)
                .top(2)
                .count(true)
                .expand_raw(["microsoft.graph.group/owners"]),
        )
        .await
        .unwrap();
    // The expanded values land in the read shape's typed navigation fields.
    let manager = user.manager.as_ref().unwrap();
    assert_eq!(manager.id.as_deref(), Some("m1"));
    let ids: Vec<_> = user
        .member_of
        .iter()
        .flatten()
        .map(|g| g.id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["g1", "g2"]);
    let r = only(&server);
    assert_eq!(
        decoded(&r),
        "/v1.0/users/u1?$select=id&$expand=manager($select=id),memberOf($expand=microsoft.graph.group/owners;\
         $filter=startswith(id,'g''1;)');$orderby=id desc;$top=2;$count=true)"
    );
    // One value in the query: the quote is doubled, the `;` and `)` inside the literal
    // stay inside it, and nothing of it leaks out as another query option.
    assert_eq!(r.target.matches('&').count(), 1, "{}", r.target);

    // A plain expand of a list, with a nested `$levels`.
    let server = Server::start(Arc::new(|_, _, _| reply(200, json!({"value": []})))).await;
    service(&server)
        .groups()
        .list()
        .expand(GroupNav::Owners)
        .expand(GroupNav::members().levels(2))
        .await
        .unwrap();
    assert_eq!(
        decoded(&only(&server)),
        "/v1.0/groups?$expand=owners,members($levels=2)"
    );
}

#[tokio::test]
async fn count_with_consistency_level() {
    let server = Server::start(Arc::new(|_, _, _| text(200, "\u{feff}42"))).await;
    let n = service(&server)
        .users()
        .count()
        .filter(UserField::ACCOUNT_ENABLED.eq(true))
        .header("ConsistencyLevel", "eventual")
        .await
        .unwrap();
    assert_eq!(n, 42);
    let r = only(&server);
    assert_eq!(
        decoded(&r),
        "/v1.0/users/$count?$filter=accountEnabled eq true"
    );
    assert_eq!(r.header("ConsistencyLevel"), Some("eventual"));

    // A body that is not a count is a decode error, not a panic or a zero.
    let server = Server::start(Arc::new(|_, _, _| text(200, "<html>"))).await;
    let e = service(&server).groups().count().await.unwrap_err();
    assert!(matches!(e, Error::Decode { status: 200, .. }), "{e:?}");
}

#[tokio::test]
async fn typed_filters_with_each_literal_kind() {
    let server = Server::start(Arc::new(|_, _, _| reply(200, json!({"value": []})))).await;
    let svc = service(&server);
    let since: DateTimeOffset = "2024-02-29T23:59:59.1234567-08:00".parse().unwrap();
    svc.users()
        .list()
        .filter(
            UserField::DISPLAY_NAME.starts_with("O'Brien")
                & UserField::CREATED_DATE_TIME.ge(since)
                & (UserField::JOB_TITLE.is_null() | UserField::DEPARTMENT.is_in(["R&D", "Ops"]))
                & UserField::BUSINESS_PHONES.any(|p| p.starts_with("+1")),
        )
        .orderby_desc(UserField::CreatedDateTime)
        .await
        .unwrap();
    svc.groups()
        .list()
        .filter(
            !GroupField::SECURITY_ENABLED.eq(false)
                & GroupField::GROUP_TYPES.any(|t| t.eq("Unified")),
        )
        .await
        .unwrap();
    // Still available: a raw filter for what the builder cannot say.
    svc.groups().list().filter("mail ne null").await.unwrap();
    let r = server.requests();
    assert_eq!(
        decoded(&r[0]),
        "/v1.0/users?$filter=startswith(displayName,'O''Brien') and createdDateTime ge 2024-02-29T23:59:59.1234567-08:00 and (jobTitle eq null or department in ('R&D','Ops')) and businessPhones/any(x0:startswith(x0,'+1'))&$orderby=createdDateTime desc"
    );
    // The `&` inside a value is encoded: the service sees one `$filter` option.
    assert!(r[0].target.contains("R%26D"), "{}", r[0].target);
    assert_eq!(
        decoded(&r[1]),
        "/v1.0/groups?$filter=not (securityEnabled eq false) and groupTypes/any(x0:x0 eq 'Unified')"
    );
    assert_eq!(decoded(&r[2]), "/v1.0/groups?$filter=mail ne null");
}

#[tokio::test]
async fn delta_and_operations_bound_to_a_base_type() {
    let server = Server::start(Arc::new(|i, _, _| match i {
        0 => reply(
            200,
            json!({"value": [{"id": "u1", "displayName": "Ada"}], "@odata.deltaLink": "x"}),
        ),
        _ => reply(200, json!({"value": ["g1"]})),
    }))
    .await;
    let svc = service(&server);
    // `delta` bound to users is the one offered on users (typed), not the
    // directoryObject overload.
    let mut changes = svc.users().delta().stream();
    let page = changes.next_page().await.unwrap().unwrap();
    match &page[0] {
        graph_directory::runtime::Change::Upsert(user) => {
            assert_eq!(user.display_name.as_deref(), Some("Ada"))
        }
        other => panic!("{other:?}"),
    }
    // `checkMemberGroups` is bound to directoryObject: offered on users too.
    let groups = svc
        .users()
        .by_id("u1")
        .check_member_groups(&["g1".to_owned(), "g2".to_owned()])
        .await
        .unwrap();
    assert_eq!(groups, Some(vec!["g1".to_owned()]));
    let r = server.requests();
    assert_eq!(
        (r[0].method.as_str(), r[0].target.as_str()),
        ("GET", "/v1.0/users/microsoft.graph.delta()")
    );
    assert_eq!(
        (r[1].method.as_str(), r[1].target.as_str()),
        ("POST", "/v1.0/users/u1/microsoft.graph.checkMemberGroups")
    );
    assert_eq!(r[1].json(), json!({"groupIds": ["g1", "g2"]}));
}

#[tokio::test]
async fn a_user_is_deleted_on_its_canonical_path() {
    // `members().by_id(..)` has no `delete()` (crates/codegen/tests/client.rs checks the
    // builder); the entity is deleted on its canonical path.
    let server = Server::start(Arc::new(|_, _, _| empty(204))).await;
    service(&server).users().by_id("u1").delete().await.unwrap();
    let r = only(&server);
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("DELETE", "/v1.0/users/u1")
    );
}

#[tokio::test]
async fn alternate_key_replace_and_upsert() {
    use graph_directory::models::microsoft_graph::ApplicationCreate;
    let server = Server::start(Arc::new(|i, _, _| match i {
        0 => reply(200, json!({"id": "a1", "appId": "x", "displayName": "App"})),
        1 => empty(204),
        _ => reply(
            201,
            json!({"id": "a2", "uniqueName": "it's", "displayName": "New"}),
        ),
    }))
    .await;
    let svc = service(&server);
    // `Core.AlternateKeys`: `applications(appId='…')`, quoted and encoded.
    let app = svc.applications().by_app_id("x").get().await.unwrap();
    assert_eq!(app.display_name.as_deref(), Some("App"));
    // `UpdateMethod` names PUT: `replace` sends the whole entity.
    let mut body = ApplicationCreate::default();
    body.display_name = Some("App 2".into());
    let replaced = svc.applications().by_id("a1").replace(&body).await.unwrap();
    assert_eq!(replaced, None);
    // `Upsertable`: PATCH by an alternate key creates a missing entity (201).
    body.display_name = Some("New".into());
    let created = svc
        .applications()
        .by_unique_name("it's")
        .upsert(&body)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.id.as_deref(), Some("a2"));
    let r = server.requests();
    assert_eq!(
        (r[0].method.as_str(), r[0].target.as_str()),
        ("GET", "/v1.0/applications(appId='x')")
    );
    assert_eq!(
        (r[1].method.as_str(), r[1].target.as_str()),
        ("PUT", "/v1.0/applications/a1")
    );
    assert_eq!(
        r[1].json(),
        json!({"@odata.type": "#microsoft.graph.application", "displayName": "App 2"})
    );
    assert_eq!(
        (r[2].method.as_str(), decoded(&r[2]).as_str()),
        ("PATCH", "/v1.0/applications(uniqueName='it''s')")
    );
    assert_eq!(r[2].json()["displayName"], json!("New"));
}
