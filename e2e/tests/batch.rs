//! `$batch` on the wire with Graph's directory (`generated/graph-directory`): the typed
//! requests of the generated builders sent as OData JSON batches. Each test asserts the
//! exact `$batch` request bodies the loopback server received and the typed result or
//! error each handle gives: mixed GET/POST/PATCH/DELETE, a 429 item retried in a later
//! batch after its `Retry-After`, a failing item, 45 requests split in three batches,
//! `dependsOn` and atomicity groups kept together, and hostile batch responses.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use e2e::http::{Recorded, Reply, Server, reply};
use graph_directory::client::microsoft_graph::UserField;
use graph_directory::models::microsoft_graph::{User, UserCreate, UserUpdate};
use graph_directory::runtime::{Error, Page, RequestOptions, RetryPolicy, Sleeper};
use graph_directory::{GraphService, Patch};
use serde_json::{Value, json};

/// A client on the server's `/v1.0` whose waits are recorded, not slept.
fn service_with(
    server: &Server,
    configure: impl FnOnce(graph_directory::ClientBuilder) -> graph_directory::ClientBuilder,
) -> (GraphService, Arc<Mutex<Vec<Duration>>>) {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let w = waits.clone();
    let sleeper: Sleeper = Arc::new(move |d| {
        w.lock().unwrap().push(d);
        Box::pin(async {})
    });
    let builder = graph_directory::Client::builder(format!("{}/v1.0", server.base))
        .bearer_token("t")
        .sleeper(sleeper);
    let client = configure(builder).build().unwrap();
    (GraphService::new(client), waits)
}

fn service(server: &Server) -> GraphService {
    service_with(server, |b| b).0
}

/// The `requests` of a recorded `$batch` request, after checking its request line.
fn batch_requests(r: &Recorded) -> Vec<Value> {
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/v1.0/$batch")
    );
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.header("Authorization"), Some("Bearer t"));
    r.json()["requests"].as_array().unwrap().clone()
}

fn ids(r: &Recorded) -> Vec<String> {
    batch_requests(r)
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A handler answering every item of every `$batch` with `answer(id, item)`.
fn answering(answer: fn(&str, &Value) -> Value) -> e2e::http::Handler {
    Arc::new(move |_, r, _| {
        let responses: Vec<Value> = r.json()["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| answer(q["id"].as_str().unwrap(), q))
            .collect();
        reply(200, json!({ "responses": responses }))
    })
}

fn user(id: &str) -> Value {
    json!({"id": id, "displayName": format!("User {id}")})
}

#[tokio::test]
async fn mixed_get_post_patch_delete_count() {
    let server = Server::start(Arc::new(|_, _, _| {
        // Answers out of order, as Graph may.
        reply(
            200,
            json!({"responses": [
                {"id": "4", "status": 204, "headers": {}},
                {"id": "2", "status": 201, "headers": {"Content-Type": "application/json"},
                 "body": {"id": "new", "displayName": "Ada"}},
                {"id": "1", "status": 200, "headers": {"content-type": "application/json"},
                 "body": {"id": "u1", "displayName": "User u1"}},
                {"id": "5", "status": 200, "headers": {"Content-Type": "text/plain"}, "body": "42"},
                {"id": "3", "status": 204}
            ]}),
        )
    }))
    .await;
    let svc = service(&server);
    let mut batch = svc.client().batch();
    let get = batch.add(
        svc.users()
            .by_id("u1")
            .get()
            .select([UserField::Id, UserField::DisplayName]),
    );
    let mut ada = UserCreate::default();
    ada.display_name = Some("Ada".into());
    let created = batch.add(svc.users().create(&ada));
    let mut rename = UserUpdate::default();
    rename.display_name = Patch::Set("Grace".into());
    let updated = batch.add(svc.users().by_id("u2").if_match("W/\"7\"").update(&rename));
    let deleted = batch.add(svc.users().by_id("u/3").delete());
    let count = batch.add(svc.users().count().header("ConsistencyLevel", "eventual"));
    // The batch can be sent from a spawned task.
    let mut response = tokio::spawn(batch.send()).await.unwrap();

    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        recorded[0].json(),
        json!({"requests": [
            {"id": "1", "method": "GET", "url": "/users/u1?$select=id,displayName"},
            {"id": "2", "method": "POST", "url": "/users",
             "headers": {"content-type": "application/json"},
             "body": {"@odata.type": "#microsoft.graph.user", "displayName": "Ada"}},
            {"id": "3", "method": "PATCH", "url": "/users/u2",
             "headers": {"content-type": "application/json", "if-match": "W/\"7\""},
             "body": {"@odata.type": "#microsoft.graph.user", "displayName": "Grace"}},
            {"id": "4", "method": "DELETE", "url": "/users/u%2F3"},
            {"id": "5", "method": "GET", "url": "/users/$count",
             "headers": {"accept": "*/*", "consistencylevel": "eventual"}}
        ]})
    );
    batch_requests(&recorded[0]);
    let got: User = response.take(get).unwrap();
    assert_eq!(got.display_name.as_deref(), Some("User u1"));
    let created = response.take(created).unwrap().unwrap();
    assert_eq!(created.id.as_deref(), Some("new"));
    assert!(response.take(updated).unwrap().is_none());
    response.take(deleted).unwrap();
    assert_eq!(response.take(count).unwrap(), 42);
    assert_eq!(response.batches_sent(), 1);
}

#[tokio::test]
async fn a_throttled_item_is_retried_in_a_later_batch_after_its_retry_after() {
    let server = Server::start(Arc::new(|index, r, _| {
        let requests = r.json()["requests"].as_array().unwrap().clone();
        let responses: Vec<Value> = requests
            .iter()
            .map(|q| {
                let id = q["id"].as_str().unwrap();
                if index == 0 && id == "2" {
                    json!({"id": "2", "status": 429, "headers": {"Retry-After": "7"},
                           "body": {"error": {"code": "TooManyRequests", "message": "slow down"}}})
                } else {
                    json!({"id": id, "status": 200, "body": user(id)})
                }
            })
            .collect();
        reply(200, json!({ "responses": responses }))
    }))
    .await;
    let (svc, waits) = service_with(&server, |b| b);
    let mut batch = svc.client().batch();
    let handles: Vec<_> = ["1", "2", "3"]
        .iter()
        .map(|id| batch.add(svc.users().by_id(id).get()))
        .collect();
    let mut response = batch.send().await;
    let recorded = server.requests();
    assert_eq!(recorded.len(), 2);
    assert_eq!(ids(&recorded[0]), ["1", "2", "3"]);
    assert_eq!(ids(&recorded[1]), ["2"]);
    assert_eq!(
        batch_requests(&recorded[1]),
        [json!({"id": "2", "method": "GET", "url": "/users/2"})]
    );
    assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(7)]);
    for (h, id) in handles.into_iter().zip(["1", "2", "3"]) {
        assert_eq!(response.take(h).unwrap().id.as_deref(), Some(id));
    }
    assert_eq!(response.batches_sent(), 2);
}

#[tokio::test]
async fn throttling_ends_at_the_retry_policys_bounds_with_a_typed_error() {
    let server = Server::start(answering(|id, _| {
        json!({"id": id, "status": 503, "headers": {"retry-after": "1"},
               "body": {"error": {"code": "ServiceUnavailable", "message": "busy"}}})
    }))
    .await;
    let policy = RetryPolicy {
        max_attempts: 3,
        ..RetryPolicy::default()
    };
    let (svc, waits) = service_with(&server, |b| b.retry_policy(policy));
    let mut batch = svc.client().batch();
    let h = batch.add(svc.users().by_id("u1").delete());
    let mut response = batch.send().await;
    assert_eq!(
        server.requests().len(),
        3,
        "max_attempts bounds the batches"
    );
    assert_eq!(waits.lock().unwrap().len(), 2);
    match response.take(h) {
        Err(Error::Service { status: 503, error }) => assert_eq!(error.code, "ServiceUnavailable"),
        other => panic!("{other:?}"),
    }

    // A Retry-After beyond the total time limit is not waited for.
    let server = Server::start(answering(
        |id, _| json!({"id": id, "status": 429, "headers": {"Retry-After": "3600"}}),
    ))
    .await;
    let (svc, waits) = service_with(&server, |b| b.total_timeout(Duration::from_secs(60)));
    let mut batch = svc.client().batch();
    let h = batch.add(svc.users().by_id("u1").get());
    let mut response = batch.send().await;
    assert_eq!(server.requests().len(), 1);
    assert!(waits.lock().unwrap().is_empty());
    assert_eq!(response.take(h).unwrap_err().status(), Some(429));
}

#[tokio::test]
async fn a_failing_item_gives_its_typed_error_while_the_others_succeed() {
    let server = Server::start(answering(|id, _| {
        if id == "2" {
            json!({"id": "2", "status": 404, "headers": {"Content-Type": "application/json"},
                   "body": {"error": {"code": "Request_ResourceNotFound",
                                      "message": "Resource 'nobody' does not exist.",
                                      "innerError": {"request-id": "r-2"}}}})
        } else {
            json!({"id": id, "status": 200, "body": user(id)})
        }
    }))
    .await;
    let svc = service(&server);
    let mut batch = svc.client().batch();
    let one = batch.add(svc.users().by_id("1").get());
    let two = batch.add(svc.users().by_id("nobody").get());
    let three = batch.add(svc.users().by_id("3").get());
    let mut response = batch.send().await;
    assert_eq!(response.take(one).unwrap().id.as_deref(), Some("1"));
    let err = response.take(two).unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.odata_error().unwrap().code, "Request_ResourceNotFound");
    assert_eq!(err.request_id(), Some("r-2"));
    assert_eq!(response.take(three).unwrap().id.as_deref(), Some("3"));

    // An item that decodes badly fails alone, with the JSON path of the problem.
    let server = Server::start(answering(
        |id, _| json!({"id": id, "status": 200, "body": {"id": 5}}),
    ))
    .await;
    let svc = service(&server);
    let mut batch = svc.client().batch();
    let h = batch.add(svc.users().by_id("1").get());
    match batch.send().await.take(h) {
        Err(Error::Decode { status: 200, error }) => assert_eq!(error.path, "$.id"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn forty_five_requests_go_in_three_batches() {
    let server = Server::start(answering(
        |id, _| json!({"id": id, "status": 200, "body": user(id)}),
    ))
    .await;
    let svc = service(&server);
    let mut batch = svc.client().batch();
    let handles: Vec<_> = (0..45)
        .map(|n| batch.add(svc.users().by_id(&format!("u{n}")).get()))
        .collect();
    assert_eq!(batch.len(), 45);
    let mut response = batch.send().await;
    let recorded = server.requests();
    let sizes: Vec<usize> = recorded.iter().map(|r| batch_requests(r).len()).collect();
    assert_eq!(sizes, [20, 20, 5]);
    assert_eq!(ids(&recorded[2]), ["41", "42", "43", "44", "45"]);
    assert_eq!(batch_requests(&recorded[2])[4]["url"], "/users/u44");
    for (n, h) in handles.into_iter().enumerate() {
        let id = (n + 1).to_string();
        assert_eq!(response.take(h).unwrap().id, Some(id));
    }
    assert_eq!(response.batches_sent(), 3);

    // The limit is the client's (or the batch's) setting.
    let server = Server::start(answering(|id, _| json!({"id": id, "status": 204}))).await;
    let (svc, _) = service_with(&server, |b| b.batch_limit(4));
    let mut batch = svc.client().batch();
    for n in 0..9 {
        batch.add(svc.users().by_id(&n.to_string()).delete());
    }
    batch.send().await;
    let sizes: Vec<usize> = server
        .requests()
        .iter()
        .map(|r| batch_requests(r).len())
        .collect();
    assert_eq!(sizes, [4, 4, 1]);
}

#[tokio::test]
async fn depends_on_and_atomicity_groups_travel_together() {
    let server = Server::start(answering(|id, _| json!({"id": id, "status": 204}))).await;
    let svc = service(&server);
    let mut batch = svc.client().batch().limit(3);
    let x1 = batch.add(svc.users().by_id("x1").delete());
    let x2 = batch.add(svc.users().by_id("x2").delete());
    let a = batch.add(svc.users().by_id("a").delete());
    let b = batch.add_after(&[a.id()], svc.users().by_id("b").delete());
    let g = batch.atomic_group();
    let c = batch.add_in(g, &[], svc.users().by_id("c").delete());
    let d = batch.add_in(g, &[c.id()], svc.users().by_id("d").delete());
    let mut response = batch.send().await;
    let recorded = server.requests();
    let batches: Vec<Vec<String>> = recorded.iter().map(ids).collect();
    assert_eq!(batches, [vec!["1", "2"], vec!["3", "4"], vec!["5", "6"]]);
    assert_eq!(
        batch_requests(&recorded[1])[1],
        json!({"id": "4", "method": "DELETE", "url": "/users/b", "dependsOn": ["3"]})
    );
    assert_eq!(
        batch_requests(&recorded[2]),
        [
            json!({"id": "5", "method": "DELETE", "url": "/users/c", "atomicityGroup": "g1"}),
            json!({"id": "6", "method": "DELETE", "url": "/users/d", "atomicityGroup": "g1",
                   "dependsOn": ["5"]}),
        ]
    );
    for h in [x1, x2, a, b, c, d] {
        response.take(h).unwrap();
    }

    // Tied requests over the limit are refused without being sent.
    let server = Server::start(answering(|id, _| json!({"id": id, "status": 204}))).await;
    let svc = service(&server);
    let mut batch = svc.client().batch().limit(2);
    let a = batch.add(svc.users().by_id("a").delete());
    let b = batch.add_after(&[a.id()], svc.users().by_id("b").delete());
    let c = batch.add_after(&[b.id()], svc.users().by_id("c").delete());
    let free = batch.add(svc.users().by_id("free").delete());
    let mut response = batch.send().await;
    for h in [a, b, c] {
        match response.take(h) {
            Err(Error::InvalidRequest(m)) => assert!(m.contains("3 requests tied"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
    response.take(free).unwrap();
    assert_eq!(ids(&server.requests()[0]), ["4"]);
}

#[tokio::test]
async fn a_dependency_throttled_takes_its_failed_dependents_along() {
    let server = Server::start(Arc::new(|index, r, _| {
        let requests = r.json()["requests"].as_array().unwrap().clone();
        let responses: Vec<Value> = requests
            .iter()
            .map(|q| match (index, q["id"].as_str().unwrap()) {
                (0, "1") => json!({"id": "1", "status": 429, "headers": {"Retry-After": "2"}}),
                (0, "2") => json!({"id": "2", "status": 424}),
                (_, id) => json!({"id": id, "status": 204}),
            })
            .collect();
        reply(200, json!({ "responses": responses }))
    }))
    .await;
    let (svc, waits) = service_with(&server, |b| b);
    let mut batch = svc.client().batch();
    let a = batch.add(svc.users().by_id("a").delete());
    let b = batch.add_after(&[a.id()], svc.users().by_id("b").delete());
    let c = batch.add(svc.users().by_id("c").delete());
    let mut response = batch.send().await;
    let recorded = server.requests();
    assert_eq!(recorded.len(), 2);
    assert_eq!(
        batch_requests(&recorded[1]),
        [
            json!({"id": "1", "method": "DELETE", "url": "/users/a"}),
            json!({"id": "2", "method": "DELETE", "url": "/users/b", "dependsOn": ["1"]}),
        ]
    );
    assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(2)]);
    for h in [a, b, c] {
        response.take(h).unwrap();
    }
}

/// Sends two GETs and answers the `$batch` with `body` (raw text): the two results.
async fn answered_with(
    status: u16,
    body: &'static str,
) -> (Result<User, Error>, Result<User, Error>) {
    let server = Server::start(Arc::new(move |_, _, _| Reply {
        status,
        headers: vec![("Content-Type", "application/json".to_owned())],
        body: body.to_owned(),
    }))
    .await;
    let svc = service(&server);
    let mut batch = svc.client().batch();
    let one = batch.add(svc.users().by_id("1").get());
    let two = batch.add(svc.users().by_id("2").get());
    let mut response = batch.send().await;
    (response.take(one), response.take(two))
}

fn decode_error(r: Result<User, Error>) -> (String, String) {
    match r {
        Err(Error::Decode { error, .. }) => (error.path, error.message),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn hostile_batch_responses_give_located_errors() {
    // An answer without an id: nothing can be matched, every request fails.
    let (a, b) = answered_with(
        200,
        r#"{"responses":[{"status":200,"body":{}},{"id":"2","status":200,"body":{}}]}"#,
    )
    .await;
    assert_eq!(decode_error(a).0, "$.responses[0].id");
    assert_eq!(decode_error(b).0, "$.responses[0].id");

    // The same id twice.
    let (a, b) = answered_with(
        200,
        r#"{"responses":[{"id":"1","status":200,"body":{"id":"1"}},{"id":"1","status":200,"body":{"id":"evil"}}]}"#,
    )
    .await;
    let (path, message) = decode_error(a);
    assert_eq!(path, "$.responses[1].id");
    assert!(message.contains("second time"), "{message}");
    decode_error(b);

    // An id that was not sent.
    let (a, b) = answered_with(
        200,
        r#"{"responses":[{"id":"1","status":200,"body":{}},{"id":"99","status":200,"body":{}}]}"#,
    )
    .await;
    let (path, message) = decode_error(a);
    assert_eq!(path, "$.responses[1].id");
    assert!(message.contains("not sent"), "{message}");
    decode_error(b);

    // A body that is not JSON.
    let (a, b) = answered_with(200, "<html>proxy error</html>").await;
    let (path, message) = decode_error(a);
    assert_eq!(path, "$");
    assert!(message.contains("not JSON"), "{message}");
    decode_error(b);

    // Not a batch response.
    let (a, _) = answered_with(200, r#"{"value":[]}"#).await;
    assert_eq!(decode_error(a).0, "$.responses");

    // A status out of range fails that answer only.
    let (a, b) = answered_with(
        200,
        r#"{"responses":[{"id":"1","status":1000},{"id":"2","status":200,"body":{"id":"2"}}]}"#,
    )
    .await;
    let (path, message) = decode_error(a);
    assert_eq!(path, "$.responses[0].status");
    assert!(message.contains("100 to 599"), "{message}");
    assert_eq!(b.unwrap().id.as_deref(), Some("2"));
    let (a, _) = answered_with(200, r#"{"responses":[{"id":"1","status":"200"}]}"#).await;
    assert_eq!(decode_error(a).0, "$.responses[0].status");

    // A request left unanswered fails alone.
    let (a, b) = answered_with(
        200,
        r#"{"responses":[{"id":"2","status":200,"body":{"id":"2"}}]}"#,
    )
    .await;
    let (path, message) = decode_error(a);
    assert_eq!(path, "$.responses");
    assert!(message.contains("no answer to request \"1\""), "{message}");
    assert_eq!(b.unwrap().id.as_deref(), Some("2"));

    // Far more answers than requests: refused as a whole.
    let many: String = {
        let items: Vec<String> = (1..=5000)
            .map(|n| format!(r#"{{"id":"{n}","status":200,"body":{{}}}}"#))
            .collect();
        format!(r#"{{"responses":[{}]}}"#, items.join(","))
    };
    let many: &'static str = Box::leak(many.into_boxed_str());
    let (a, b) = answered_with(200, many).await;
    let (path, message) = decode_error(a);
    assert_eq!(path, "$.responses");
    assert!(
        message.contains("5000 answers to a $batch request of 2"),
        "{message}"
    );
    decode_error(b);

    // The $batch request failing as a whole fails each request with its error.
    let (a, b) = answered_with(
        400,
        r#"{"error":{"code":"BadRequest","message":"Invalid batch payload format."}}"#,
    )
    .await;
    for r in [a, b] {
        match r {
            Err(Error::Service { status: 400, error }) => assert_eq!(error.code, "BadRequest"),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn a_batch_response_is_bounded_like_any_response() {
    let server = Server::start(answering(|id, _| {
        json!({"id": id, "status": 200, "body": {"id": id, "displayName": "x".repeat(4096)}})
    }))
    .await;
    let (svc, _) = service_with(&server, |b| b.max_response_size(2048));
    let mut batch = svc.client().batch();
    let h = batch.add(svc.users().by_id("1").get());
    match batch.send().await.take(h) {
        Err(Error::ResponseTooLarge { limit: 2048 }) => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn only_requests_under_the_service_root_go_in_a_batch() {
    let server = Server::start(answering(
        |id, _| json!({"id": id, "status": 200, "body": {"value": []}}),
    ))
    .await;
    let svc = service(&server);
    let client = svc.client().clone();
    let mut batch = svc.client().batch();
    let c = client.clone();
    let elsewhere = batch.add(async move {
        c.get_page_at::<User>("http://evil.example/v1.0/users", &RequestOptions::new())
            .await
    });
    let c = client.clone();
    let base = server.base.clone();
    let outside_root = batch.add(async move {
        c.get_page_at::<User>(&format!("{base}/beta/users"), &RequestOptions::new())
            .await
    });
    let c = client.clone();
    let base = server.base.clone();
    let inside: graph_directory::runtime::BatchHandle<Page<User>> = batch.add(async move {
        c.get_page_at::<User>(&format!("{base}/v1.0/users?$top=1"), &RequestOptions::new())
            .await
    });
    let mut response = batch.send().await;
    match response.take(elsewhere) {
        Err(Error::OriginNotAllowed { origin }) => assert_eq!(origin.host(), "evil.example"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        response.take(outside_root),
        Err(Error::InvalidRequest(_))
    ));
    assert!(response.take(inside).unwrap().items.is_empty());
    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        batch_requests(&recorded[0]),
        [json!({"id": "3", "method": "GET", "url": "/users?$top=1"})]
    );
}

#[tokio::test]
async fn a_request_needing_a_second_request_fails_at_it() {
    let server = Server::start(answering(|id, _| {
        json!({"id": id, "status": 200, "body": {"value": [{"id": "a"}],
               "@odata.nextLink": "https://graph.example/next"}})
    }))
    .await;
    let svc = service(&server);
    let mut batch = svc.client().batch();
    let all = batch.add(svc.users().list().all());
    let page = batch.add(svc.users().list());
    let mut response = batch.send().await;
    match response.take(all) {
        Err(Error::InvalidRequest(m)) => assert!(m.contains("one request"), "{m}"),
        other => panic!("{other:?}"),
    }
    let page = response.take(page).unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_atomicity_group_fails_as_a_whole() {
    // As SAP CAP answers a group whose second create failed: 201 for the rolled-back one.
    let server = Server::start(answering(|id, _| match id {
        "1" => json!({"id": "1", "atomicityGroup": "g1", "status": 201, "body": user("a")}),
        "2" => json!({"id": "2", "atomicityGroup": "g1", "status": 400,
                      "body": {"error": {"code": "ASSERT_ENUM", "message": "bad value"}}}),
        _ => json!({"id": id, "status": 201, "body": user("c")}),
    }))
    .await;
    let svc = service(&server);
    let mut batch = svc.client().batch();
    let g = batch.atomic_group();
    let a = batch.add_in(g, &[], svc.users().create(&UserCreate::default()));
    let b = batch.add_in(g, &[], svc.users().create(&UserCreate::default()));
    let c = batch.add(svc.users().create(&UserCreate::default()));
    let mut response = batch.send().await;
    for h in [a, b] {
        match response.take(h) {
            Err(Error::Service { status: 400, error }) => assert_eq!(error.code, "ASSERT_ENUM"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(response.take(c).unwrap().unwrap().id.as_deref(), Some("c"));
    assert_eq!(
        batch_requests(&server.requests()[0])[1]["atomicityGroup"],
        "g1"
    );
}

// ---- Multipart (OData 4.0) $batch.

/// The recorded multipart body with its random boundaries replaced by `B` and `C1`, `C2`…
fn multipart_text(r: &Recorded) -> String {
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/v1.0/$batch")
    );
    assert_eq!(r.header("Accept"), Some("multipart/mixed"));
    assert_eq!(r.header("Prefer"), Some("odata.continue-on-error"));
    let ct = r.header("Content-Type").unwrap();
    let boundary = ct.strip_prefix("multipart/mixed;boundary=").unwrap();
    let mut text = String::from_utf8(r.body.clone())
        .unwrap()
        .replace(boundary, "B");
    let mut n = 0;
    while let Some(at) = text.find("changeset_") {
        n += 1;
        let id = text[at..at + "changeset_".len() + 36].to_owned();
        text = text.replace(&id, &format!("C{n}"));
    }
    text
}

fn multipart_reply(body: &str) -> Reply {
    Reply {
        status: 200,
        headers: vec![("Content-Type", "multipart/mixed; boundary=resp".to_owned())],
        body: body.replace('\n', "\r\n"),
    }
}

#[tokio::test]
async fn a_multipart_batch_with_a_change_set() {
    let server = Server::start(Arc::new(|_, _, _| {
        multipart_reply(
            "--resp
Content-Type: application/http

HTTP/1.1 200 OK
Content-Type: application/json

{\"id\":\"u1\",\"displayName\":\"User u1\"}
--resp
Content-Type: multipart/mixed; boundary=cs

--cs
Content-Type: application/http
Content-ID: 3

HTTP/1.1 204 No Content


--cs
Content-Type: application/http
Content-ID: 2

HTTP/1.1 201 Created
Content-Type: application/json

{\"id\":\"new\"}
--cs--
--resp
Content-Type: application/http

HTTP/1.1 404 Not Found
Content-Type: application/json

{\"error\":{\"code\":\"NotFound\",\"message\":\"no such user\"}}
--resp--
",
        )
    }))
    .await;
    let (svc, _) = service_with(&server, |b| {
        b.batch_format(graph_directory::runtime::BatchFormat::Multipart)
    });
    let mut batch = svc.client().batch();
    let get = batch.add(
        svc.users()
            .by_id("u1")
            .get()
            .select([UserField::DisplayName]),
    );
    let g = batch.atomic_group();
    let mut ada = UserCreate::default();
    ada.display_name = Some("Ada".into());
    let created = batch.add_in(g, &[], svc.users().create(&ada));
    let deleted = batch.add_in(
        g,
        &[created.id()],
        svc.users().by_id("x").if_match("*").delete(),
    );
    let missing = batch.add(svc.users().by_id("nobody").get());
    let mut response = batch.send().await;
    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        multipart_text(&recorded[0]),
        "--B\r
Content-Type: application/http\r
Content-Transfer-Encoding: binary\r
Content-ID: 1\r
\r
GET users/u1?$select=displayName HTTP/1.1\r
Accept: application/json\r
\r
\r
--B\r
Content-Type: multipart/mixed;boundary=C1\r
\r
--C1\r
Content-Type: application/http\r
Content-Transfer-Encoding: binary\r
Content-ID: 2\r
\r
POST users HTTP/1.1\r
Accept: application/json\r
Content-Type: application/json\r
\r
{\"@odata.type\":\"#microsoft.graph.user\",\"displayName\":\"Ada\"}\r
--C1\r
Content-Type: application/http\r
Content-Transfer-Encoding: binary\r
Content-ID: 3\r
\r
DELETE users/x HTTP/1.1\r
Accept: application/json\r
If-Match: *\r
\r
\r
--C1--\r
--B\r
Content-Type: application/http\r
Content-Transfer-Encoding: binary\r
Content-ID: 4\r
\r
GET users/nobody HTTP/1.1\r
Accept: application/json\r
\r
\r
--B--\r
"
    );
    assert_eq!(
        response.take(get).unwrap().display_name.as_deref(),
        Some("User u1")
    );
    assert_eq!(
        response.take(created).unwrap().unwrap().id.as_deref(),
        Some("new")
    );
    response.take(deleted).unwrap();
    let err = response.take(missing).unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.odata_error().unwrap().code, "NotFound");
}

#[tokio::test]
async fn a_multipart_batch_refuses_what_it_cannot_express_and_hostile_answers() {
    // dependsOn outside one atomicity group cannot be said in a multipart batch.
    let server = Server::start(Arc::new(|_, _, _| {
        multipart_reply(
            "--resp\nContent-Type: application/http\n\nHTTP/1.1 204 No Content\n\n\n--resp--\n",
        )
    }))
    .await;
    let svc = service(&server);
    let mut batch = svc
        .client()
        .batch()
        .format(graph_directory::runtime::BatchFormat::Multipart);
    let a = batch.add(svc.users().by_id("a").delete());
    let b = batch.add_after(&[a.id()], svc.users().by_id("b").delete());
    let mut response = batch.send().await;
    response.take(a).unwrap();
    match response.take(b) {
        Err(Error::InvalidRequest(m)) => {
            assert!(m.contains("only inside one atomicity group"), "{m}")
        }
        other => panic!("{other:?}"),
    }

    for (body, wanted) in [
        (
            "--resp\nContent-Type: application/http\n\nHTTP/1.1 204 No Content\n\n",
            "closing delimiter",
        ),
        ("no parts at all", "no part delimiter"),
        (
            "--resp\nContent-Type: application/http\n\nHTTP/1.1 999 Odd\n\n\n--resp--\n",
            "from 100 to 599",
        ),
        (
            "--resp\nContent-Type: application/http\n\nHTTP/1.1 204 No Content\n\n\n--resp\nContent-Type: application/http\n\nHTTP/1.1 204 No Content\n\n\n--resp--\n",
            "2 parts answer a $batch request of 1",
        ),
        (
            "--resp\nContent-Type: multipart/mixed; boundary=cs\n\n--cs\nContent-Type: application/http\nContent-ID: 77\n\nHTTP/1.1 204 No Content\n\n\n--cs--\n--resp--\n",
            "Content-ID \"77\", which was not sent",
        ),
    ] {
        let server = Server::start(Arc::new(move |_, _, _| multipart_reply(body))).await;
        let svc = service(&server);
        let mut batch = svc
            .client()
            .batch()
            .format(graph_directory::runtime::BatchFormat::Multipart);
        let g = batch.atomic_group();
        let h = batch.add_in(g, &[], svc.users().by_id("a").delete());
        match batch.send().await.take(h) {
            Err(Error::Decode { error, .. }) => {
                assert!(
                    error.message.contains(wanted),
                    "{wanted}: {}",
                    error.message
                )
            }
            other => panic!("{wanted}: {other:?}"),
        }
    }

    // A JSON answer to a multipart request is not taken for one.
    let server = Server::start(Arc::new(|_, _, _| {
        reply(200, json!({"responses": [{"id": "1", "status": 204}]}))
    }))
    .await;
    let svc = service(&server);
    let mut batch = svc
        .client()
        .batch()
        .format(graph_directory::runtime::BatchFormat::Multipart);
    let h = batch.add(svc.users().by_id("a").delete());
    match batch.send().await.take(h) {
        Err(Error::Decode { error, .. }) => assert!(error.message.contains("not multipart/mixed")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_throttled_multipart_item_is_retried() {
    let server = Server::start(Arc::new(|index, _, _| {
        if index == 0 {
            multipart_reply("--resp\nContent-Type: application/http\n\nHTTP/1.1 429 Too Many Requests\nRetry-After: 5\n\n\n--resp\nContent-Type: application/http\n\nHTTP/1.1 204 No Content\n\n\n--resp--\n")
        } else {
            multipart_reply("--resp\nContent-Type: application/http\n\nHTTP/1.1 204 No Content\n\n\n--resp--\n")
        }
    }))
    .await;
    let (svc, waits) = service_with(&server, |b| {
        b.batch_format(graph_directory::runtime::BatchFormat::Multipart)
    });
    let mut batch = svc.client().batch();
    let a = batch.add(svc.users().by_id("a").delete());
    let b = batch.add(svc.users().by_id("b").delete());
    let mut response = batch.send().await;
    response.take(a).unwrap();
    response.take(b).unwrap();
    assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(5)]);
    let recorded = server.requests();
    assert_eq!(recorded.len(), 2);
    let second = multipart_text(&recorded[1]);
    assert!(
        second.contains("DELETE users/a HTTP/1.1") && !second.contains("users/b"),
        "{second}"
    );
}
