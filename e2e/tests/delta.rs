//! Change tracking (delta) on the wire, as a user syncs Graph's directory
//! (`generated/graph-directory`): Graph's documented delta responses (an initial sync
//! over several pages, the stored link, a resume with removals, `members@delta` on
//! groups, `$deltatoken=latest`, 410 Gone), the standard OData delta payload (deleted
//! entities and links), next links to another origin, and hostile payloads.

use std::sync::Arc;

use e2e::http::{Recorded, Reply, Server, reply};
use futures_util::StreamExt;
use graph_directory::client::microsoft_graph::UserField;
use graph_directory::models::microsoft_graph::{DirectoryObject, User};
use graph_directory::runtime::{
    Change, CrossOrigin, DeltaLink, DeltaStream, Error, LinkChange, RemovedReason,
};
use serde_json::{Value, json};

fn service_with(
    server: &Server,
    f: impl FnOnce(graph_directory::runtime::ClientBuilder) -> graph_directory::runtime::ClientBuilder,
) -> graph_directory::GraphService {
    let builder =
        graph_directory::Client::builder(format!("{}/v1.0", server.base)).bearer_token("t");
    graph_directory::GraphService::new(f(builder).build().unwrap())
}

fn service(server: &Server) -> graph_directory::GraphService {
    service_with(server, |b| b)
}

/// Every change until the end of the stream, or the first error.
async fn drain<T: graph_directory::runtime::FromJson + Send + 'static>(
    stream: &mut DeltaStream<T>,
) -> Result<Vec<Change<T>>, Error> {
    let mut out = Vec::new();
    while let Some(change) = stream.next().await {
        out.push(change?);
    }
    Ok(out)
}

fn targets(server: &Server) -> Vec<String> {
    server.requests().iter().map(|r| r.target.clone()).collect()
}

fn auth(r: &Recorded) -> Option<&str> {
    r.header("authorization")
}

fn upserted_ids(changes: &[Change<User>]) -> Vec<String> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Upsert(u) => u.id.clone(),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn initial_sync_over_three_pages_then_resume_with_removals() {
    let server = Server::start(Arc::new(|i, _, base| match i {
        // Graph's first page: absolute next link with a skip token.
        0 => reply(
            200,
            json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(displayName)",
                "@odata.nextLink": format!("{base}/v1.0/users/delta()?$skiptoken=p2"),
                "value": [
                    {"displayName": "Ada", "id": "u1"},
                    {"displayName": "Bob", "id": "u2"}
                ]
            }),
        ),
        // A relative next link, resolved against the page that carried it.
        1 => reply(
            200,
            json!({
                "@odata.nextLink": "delta()?$skiptoken=p3",
                "value": [{"displayName": "Cy", "id": "u3"}]
            }),
        ),
        2 => reply(
            200,
            json!({
                "@odata.deltaLink": format!("{base}/v1.0/users/delta()?$deltatoken=tok1"),
                "value": []
            }),
        ),
        // The resume: a change, a soft delete and a hard delete.
        3 => reply(
            200,
            json!({
                "@odata.deltaLink": format!("{base}/v1.0/users/delta()?$deltatoken=tok2"),
                "value": [
                    {"displayName": "Ada L.", "id": "u1"},
                    {"@odata.type": "#microsoft.graph.user", "id": "u2",
                     "@removed": {"reason": "changed"}},
                    {"id": "u3", "@removed": {"reason": "deleted"}}
                ]
            }),
        ),
        _ => reply(500, json!({})),
    }))
    .await;
    let svc = service(&server);
    let mut sync = svc
        .users()
        .delta()
        .select([UserField::DisplayName, UserField::Id])
        .stream();
    let changes = drain(&mut sync).await.unwrap();
    assert_eq!(upserted_ids(&changes), ["u1", "u2", "u3"]);
    assert_eq!(sync.pages_read(), 3);
    let link = sync
        .into_delta_link()
        .expect("a finished sync has a delta link");
    assert_eq!(
        link.to_string(),
        format!("{}/v1.0/users/delta()?$deltatoken=tok1", server.base)
    );

    // Stored as text, read back, resumed.
    let stored = link.to_string();
    let link: DeltaLink = stored.parse().unwrap();
    let mut sync = svc.users().delta().resume(&link);
    let changes = drain(&mut sync).await.unwrap();
    assert_eq!(changes.len(), 3);
    match &changes[0] {
        Change::Upsert(u) => assert_eq!(u.display_name.as_deref(), Some("Ada L.")),
        other => panic!("{other:?}"),
    }
    match &changes[1] {
        Change::Removed(r) => {
            assert_eq!(r.id.as_deref(), Some("u2"));
            assert_eq!(r.reason, Some(RemovedReason::Changed));
            assert_eq!(r.other["@odata.type"], json!("#microsoft.graph.user"));
        }
        other => panic!("{other:?}"),
    }
    match &changes[2] {
        Change::Removed(r) => {
            assert_eq!(r.id.as_deref(), Some("u3"));
            assert_eq!(r.reason, Some(RemovedReason::Deleted));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        sync.delta_link()
            .unwrap()
            .as_str()
            .ends_with("$deltatoken=tok2")
    );

    assert_eq!(
        targets(&server),
        [
            "/v1.0/users/microsoft.graph.delta()?$select=displayName,id",
            "/v1.0/users/delta()?$skiptoken=p2",
            "/v1.0/users/delta()?$skiptoken=p3",
            "/v1.0/users/delta()?$deltatoken=tok1",
        ]
    );
    for r in server.requests() {
        assert_eq!(auth(&r), Some("Bearer t"), "{}", r.target);
    }
}

#[tokio::test]
async fn the_client_resumes_a_link_without_a_builder() {
    let server = Server::start(Arc::new(|_, _, base| {
        reply(
            200,
            json!({"@odata.deltaLink": format!("{base}/v1.0/users/delta()?$deltatoken=b"),
                   "value": [{"id": "u9"}]}),
        )
    }))
    .await;
    let svc = service(&server);
    let link: DeltaLink = format!("{}/v1.0/users/delta()?$deltatoken=a", server.base)
        .parse()
        .unwrap();
    let mut sync = svc.client().resume_delta::<User>(&link);
    let changes = drain(&mut sync).await.unwrap();
    assert_eq!(upserted_ids(&changes), ["u9"]);
    assert_eq!(targets(&server), ["/v1.0/users/delta()?$deltatoken=a"]);
}

#[tokio::test]
async fn group_members_delta_is_typed() {
    let server = Server::start(Arc::new(|_, _, base| {
        reply(
            200,
            json!({
                "@odata.deltaLink": format!("{base}/v1.0/groups/delta()?$deltatoken=g"),
                "value": [{
                    "id": "g1",
                    "displayName": "Sales",
                    "members@delta": [
                        {"@odata.type": "#microsoft.graph.user", "id": "u1"},
                        {"@odata.type": "#microsoft.graph.user", "id": "u2",
                         "@removed": {"reason": "deleted"}}
                    ]
                }]
            }),
        )
    }))
    .await;
    let svc = service(&server);
    let mut sync = svc
        .groups()
        .delta()
        .select_raw(["displayName", "members"])
        .stream();
    let changes = drain(&mut sync).await.unwrap();
    let Change::Upsert(group) = &changes[0] else {
        panic!("{changes:?}")
    };
    assert_eq!(group.display_name.as_deref(), Some("Sales"));
    let members = Change::<DirectoryObject>::nested(&group.additional, "members")
        .unwrap()
        .expect("members@delta is kept");
    match &members[..] {
        [Change::Upsert(added), Change::Removed(removed)] => {
            assert_eq!(added.id.as_deref(), Some("u1"));
            assert_eq!(removed.id.as_deref(), Some("u2"));
            assert_eq!(removed.reason, Some(RemovedReason::Deleted));
        }
        other => panic!("{other:?}"),
    }
    // Absent: None, not an error.
    assert_eq!(
        Change::<DirectoryObject>::nested(&group.additional, "owners").unwrap(),
        None
    );
    assert_eq!(
        targets(&server),
        ["/v1.0/groups/microsoft.graph.delta()?$select=displayName,members"]
    );
}

#[tokio::test]
async fn deltatoken_latest_starts_from_now() {
    let server = Server::start(Arc::new(|_, _, base| {
        reply(
            200,
            json!({"@odata.deltaLink": format!("{base}/v1.0/users/delta()?$deltatoken=now"),
                   "value": []}),
        )
    }))
    .await;
    let svc = service(&server);
    let mut sync = svc
        .users()
        .delta()
        .select([UserField::Id])
        .latest()
        .stream();
    assert!(drain(&mut sync).await.unwrap().is_empty());
    assert!(sync.delta_link().unwrap().as_str().ends_with("=now"));
    assert_eq!(
        targets(&server),
        ["/v1.0/users/microsoft.graph.delta()?$select=id&$deltatoken=latest"]
    );
}

#[tokio::test]
async fn gone_is_a_typed_resync_with_the_restart_link() {
    let server = Server::start(Arc::new(|i, _, base| match i {
        0 => Reply {
            status: 410,
            headers: vec![
                ("Content-Type", "application/json".to_owned()),
                // Relative: resolved against the request.
                ("Location", "delta()?$skiptoken=fresh".to_owned()),
            ],
            body: json!({"error": {"code": "resyncRequired",
                                   "message": "Resync required."}})
            .to_string(),
        },
        1 => reply(
            200,
            json!({"@odata.deltaLink": format!("{base}/v1.0/users/delta()?$deltatoken=new"),
                   "value": [{"id": "u1"}]}),
        ),
        // Graph's expired directory token: 400 with syncStateNotFound, no Location.
        _ => reply(
            400,
            json!({"error": {"code": "syncStateNotFound",
                             "message": "The delta token is expired."}}),
        ),
    }))
    .await;
    let svc = service(&server);
    let old: DeltaLink = format!("{}/v1.0/users/delta()?$deltatoken=old", server.base)
        .parse()
        .unwrap();
    let mut sync = svc.users().delta().resume(&old);
    let err = drain(&mut sync).await.unwrap_err();
    let Error::ResyncRequired {
        status,
        error,
        restart,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(status, 410);
    assert_eq!(error.unwrap().code, "resyncRequired");
    let restart = restart.expect("the Location is the restart link");
    assert_eq!(
        restart.to_string(),
        format!("{}/v1.0/users/delta()?$skiptoken=fresh", server.base)
    );
    // The fresh start is an initial sync ending with a new link.
    let mut sync = svc.users().delta().resume(&restart);
    assert_eq!(upserted_ids(&drain(&mut sync).await.unwrap()), ["u1"]);
    assert!(sync.delta_link().is_some());

    let mut sync = svc.users().delta().resume(&old);
    let err = drain(&mut sync).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::ResyncRequired {
                status: 400,
                restart: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.odata_error().unwrap().code, "syncStateNotFound");
    // The message never quotes the link or its token.
    assert!(!err.to_string().contains("old"), "{err}");
}

#[tokio::test]
async fn standard_odata_delta_payload() {
    let server = Server::start(Arc::new(|_, _, base| {
        reply(
            200,
            json!({
                "@odata.context": format!("{base}/v1.0/$metadata#users/$delta"),
                "@odata.deltaLink": format!("{base}/v1.0/users?$deltatoken=s2"),
                "value": [
                    {"id": "u1", "displayName": "Ada"},
                    // OData 4.0 deleted entity.
                    {"@odata.context": format!("{base}/v1.0/$metadata#users/$deletedEntity"),
                     "id": "users('u3')", "reason": "deleted"},
                    // 4.0 prefixed `removed`, identified by `@odata.id`.
                    {"@odata.removed": {"reason": "changed"}, "@odata.id": "users('u4')"},
                    // 4.01: `@removed` with key properties only, no reason.
                    {"@removed": {}, "userPrincipalName": "x@y"},
                    {"@odata.context": "#users/$link", "source": "groups('g1')",
                     "relationship": "members", "target": "users('u1')"},
                    {"@context": "#users/$deletedLink", "source": "groups('g1')",
                     "relationship": "members", "target": "users('u2')"}
                ]
            }),
        )
    }))
    .await;
    let svc = service(&server);
    // A set that supports change tracking: `Prefer: odata.track-changes` on the list.
    let mut sync = svc
        .users()
        .builder()
        .track_changes::<User, UserField>()
        .select([UserField::Id])
        .stream();
    let changes = drain(&mut sync).await.unwrap();
    assert_eq!(changes.len(), 6, "{changes:?}");
    assert!(matches!(&changes[0], Change::Upsert(u) if u.id.as_deref() == Some("u1")));
    match &changes[1] {
        Change::Removed(r) => {
            assert_eq!(r.id.as_deref(), Some("users('u3')"));
            assert_eq!(r.reason, Some(RemovedReason::Deleted));
            assert!(r.other.is_empty(), "{r:?}");
        }
        other => panic!("{other:?}"),
    }
    match &changes[2] {
        Change::Removed(r) => {
            assert_eq!(r.id.as_deref(), Some("users('u4')"));
            assert_eq!(r.reason, Some(RemovedReason::Changed));
        }
        other => panic!("{other:?}"),
    }
    match &changes[3] {
        Change::Removed(r) => {
            assert_eq!(r.id, None);
            assert_eq!(r.reason, None);
            assert_eq!(r.other["userPrincipalName"], json!("x@y"));
        }
        other => panic!("{other:?}"),
    }
    let link = |target: &str| LinkChange {
        source: "groups('g1')".into(),
        relationship: "members".into(),
        target: target.into(),
    };
    assert_eq!(changes[4], Change::Linked(link("users('u1')")));
    assert_eq!(changes[5], Change::Unlinked(link("users('u2')")));
    let r = &server.requests()[0];
    assert_eq!(r.target, "/v1.0/users?$select=id");
    assert_eq!(r.header("prefer"), Some("odata.track-changes"));
}

/// A home server whose first page links to `foreign`.
async fn linking_to(foreign: &Server) -> Server {
    let next = format!("{}/v1.0/users/delta()?$skiptoken=x", foreign.base);
    Server::start(Arc::new(move |_, _, _| {
        reply(
            200,
            json!({"@odata.nextLink": next, "value": [{"id": "u1"}]}),
        )
    }))
    .await
}

#[tokio::test]
async fn a_next_link_to_another_origin_never_gets_the_token() {
    let foreign = Server::start(Arc::new(|_, _, base| {
        reply(
            200,
            json!({"@odata.deltaLink": format!("{base}/d?$deltatoken=f"), "value": [{"id": "u2"}]}),
        )
    }))
    .await;
    // Default: refused, nothing sent there.
    let home = linking_to(&foreign).await;
    let mut sync = service(&home).users().delta().stream();
    assert!(matches!(sync.next().await, Some(Ok(Change::Upsert(_)))));
    let err = sync.next().await.unwrap().unwrap_err();
    assert!(matches!(err, Error::OriginNotAllowed { .. }), "{err:?}");
    assert!(sync.next().await.is_none());
    assert!(sync.delta_link().is_none());
    assert!(foreign.requests().is_empty());

    // Without credentials: followed, but no Authorization header goes there.
    let home = linking_to(&foreign).await;
    let svc = service_with(&home, |b| b.cross_origin(CrossOrigin::WithoutCredentials));
    let mut sync = svc.users().delta().stream();
    let changes = drain(&mut sync).await.unwrap();
    assert_eq!(upserted_ids(&changes), ["u1", "u2"]);
    let sent = foreign.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(auth(&sent[0]), None);
    assert_eq!(auth(&home.requests()[0]), Some("Bearer t"));
}

/// The error a sync over `pages` (served in order, the last repeated) ends with, after
/// reading every change before it.
async fn sync_error(pages: Vec<Value>, max_pages: Option<usize>) -> (Vec<Change<User>>, Error) {
    let pages = Arc::new(pages);
    let server = Server::start(Arc::new(move |i, _, _| {
        reply(200, pages[i.min(pages.len() - 1)].clone())
    }))
    .await;
    let svc = service_with(&server, |b| match max_pages {
        Some(n) => b.max_pages(n),
        None => b,
    });
    let mut sync = svc.users().delta().stream();
    let mut changes = Vec::new();
    loop {
        match sync.next().await {
            Some(Ok(c)) => changes.push(c),
            Some(Err(e)) => {
                assert!(
                    sync.next().await.is_none(),
                    "the stream ends after an error"
                );
                assert!(sync.delta_link().is_none());
                return (changes, e);
            }
            None => panic!("the sync ended without an error: {changes:?}"),
        }
    }
}

#[tokio::test]
async fn hostile_payloads_fail_with_located_errors() {
    // The last page has no delta link: an error, not a silent end.
    let (changes, err) = sync_error(vec![json!({"value": [{"id": "u1"}]})], None).await;
    assert_eq!(changes.len(), 1);
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("deltaLink"), "{err}");

    // A removed entity without any identity.
    let (_, err) = sync_error(
        vec![
            json!({"value": [{"id": "u1"}, {"@removed": {"reason": "deleted"}}],
                    "@odata.deltaLink": "delta()?$deltatoken=z"}),
        ],
        None,
    )
    .await;
    assert!(err.to_string().contains("$.value[1]"), "{err}");
    assert!(err.to_string().contains("removed entity"), "{err}");

    // `@removed` that is not an object; an id that is not a string.
    for item in [
        json!({"id": "u1", "@removed": "deleted"}),
        json!({"@id": 7, "@removed": {}}),
        json!({"@odata.context": "#users/$deletedLink", "source": "a", "target": "b"}),
    ] {
        let (_, err) = sync_error(
            vec![json!({"value": [item], "@odata.deltaLink": "delta()?$deltatoken=z"})],
            None,
        )
        .await;
        assert!(
            matches!(&err, Error::Decode { .. }) && err.to_string().contains("$.value[0]"),
            "{err}"
        );
    }

    // A delta link that is no http(s) URL the client accepts.
    for link in [
        "javascript:alert(1)",
        "https://graph.microsoft.com@evil.example/d",
    ] {
        let (_, err) = sync_error(vec![json!({"value": [], "@odata.deltaLink": link})], None).await;
        assert!(err.to_string().contains("@odata.deltaLink"), "{err}");
        assert!(!err.to_string().contains("evil"), "{err}");
    }

    // A next link that repeats forever.
    let (changes, err) = sync_error(
        vec![json!({"value": [{"id": "u1"}], "@odata.nextLink": "delta()?$skiptoken=same"})],
        None,
    )
    .await;
    assert_eq!(changes.len(), 2);
    assert!(err.to_string().contains("repeats"), "{err}");

    // A next link that changes forever: stopped by the page cap.
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = counter.clone();
    let server = Server::start(Arc::new(move |i, _, _| {
        c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        reply(
            200,
            json!({"value": [], "@odata.nextLink": format!("delta()?$skiptoken={i}")}),
        )
    }))
    .await;
    let svc = service_with(&server, |b| b.max_pages(3));
    let mut sync = svc.users().delta().stream();
    let err = drain(&mut sync).await.unwrap_err();
    assert!(matches!(err, Error::TooManyPages { limit: 3 }), "{err:?}");
    assert_eq!(counter.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_sync_can_be_applied_a_page_at_a_time() {
    let server = Server::start(Arc::new(|i, _, _| match i {
        0 => reply(
            200,
            json!({"value": [{"id": "u1"}, {"id": "u2"}], "@odata.nextLink": "delta()?$skiptoken=2"}),
        ),
        _ => reply(
            200,
            json!({"value": [{"id": "u3", "@removed": {"reason": "deleted"}}],
                   "@odata.deltaLink": "delta()?$deltatoken=d"}),
        ),
    }))
    .await;
    let svc = service(&server);
    let mut sync = svc.users().delta().stream();
    let mut sizes = Vec::new();
    while let Some(page) = sync.next_page().await {
        sizes.push(page.unwrap().len());
    }
    assert_eq!(sizes, [2, 1]);
    assert_eq!(
        sync.delta_link().unwrap().to_string(),
        format!("{}/v1.0/users/delta()?$deltatoken=d", server.base)
    );
}

#[tokio::test]
async fn a_stored_link_to_another_origin_is_refused() {
    let home = Server::start(Arc::new(|_, _, _| reply(500, json!({})))).await;
    let foreign = Server::start(Arc::new(|_, _, _| reply(500, json!({})))).await;
    // A tampered store: the link now points elsewhere. Nothing is sent there.
    let link: DeltaLink = format!("{}/v1.0/users/delta()?$deltatoken=t", foreign.base)
        .parse()
        .unwrap();
    let mut sync = service(&home).users().delta().resume(&link);
    let err = drain(&mut sync).await.unwrap_err();
    assert!(matches!(err, Error::OriginNotAllowed { .. }), "{err:?}");
    assert!(foreign.requests().is_empty());
    assert!(home.requests().is_empty());
}
