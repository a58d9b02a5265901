//! Unit tests of `request`, the generic requests of the generated builders. A recording
//! transport stands in for the network: each test checks the exact request sent (method,
//! URL, headers, body) and how the canned response is read.

use std::sync::{Arc, Mutex};

use odata_runtime::enums::OpenEnum;
use odata_runtime::request::*;
use odata_runtime::transport::{BoxFuture, Method, Request, Response, Transport, TransportError};
use odata_runtime::url::Resource;
use odata_runtime::{Client, Page, Value};
use serde_json::json;

/// Records every request and answers each with the next canned response.
#[derive(Clone, Default)]
struct Recorder {
    sent: Arc<Mutex<Vec<Request>>>,
    answers: Arc<Mutex<Vec<Response>>>,
}

impl Recorder {
    fn answering(answers: Vec<(u16, &str)>) -> Recorder {
        let answers = answers
            .into_iter()
            .rev()
            .map(|(status, body)| Response {
                status,
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: body.as_bytes().to_vec(),
            })
            .collect();
        Recorder {
            sent: Arc::default(),
            answers: Arc::new(Mutex::new(answers)),
        }
    }

    fn client(&self) -> Client {
        Client::builder("https://svc.example/v1")
            .transport(self.clone())
            .bearer_token("t0k3n")
            .build()
            .unwrap()
    }

    fn sent(&self) -> Vec<Request> {
        self.sent.lock().unwrap().clone()
    }
}

impl Transport for Recorder {
    fn send(&self, request: Request) -> BoxFuture<'_, Result<Response, TransportError>> {
        self.sent.lock().unwrap().push(request);
        let answer = self.answers.lock().unwrap().pop().expect("an answer left");
        Box::pin(async move { Ok(answer) })
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Size {
    Small,
    Large,
}

impl OpenEnum for Size {
    fn as_str(&self) -> &str {
        match self {
            Size::Small => "small",
            Size::Large => "it's large",
        }
    }
    fn from_wire(s: &str) -> Self {
        if s == "small" {
            Size::Small
        } else {
            Size::Large
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum UserField {
    DisplayName,
    Mail,
}

impl Field for UserField {
    fn wire_name(self) -> &'static str {
        match self {
            UserField::DisplayName => "displayName",
            UserField::Mail => "mail",
        }
    }
}

#[test]
fn argument_forms() {
    assert_eq!(lit(&42i32), FnArg::Literal("42".into()));
    assert_eq!(lit("O'Neil"), FnArg::Literal("'O''Neil'".into()));
    assert_eq!(lit(&true), FnArg::Literal("true".into()));
    assert_eq!(
        enum_lit("ns.Size", &Size::Small),
        FnArg::Literal("ns.Size'small'".into())
    );
    // A quote in a member name is doubled: it cannot end the literal.
    assert_eq!(
        enum_lit("ns.Size", &Size::Large),
        FnArg::Literal("ns.Size'it''s large'".into())
    );
    assert_eq!(json(&vec![1, 2]), FnArg::Json(json!([1, 2])));
    assert_eq!(json("a"), FnArg::Json(json!("a")));
    assert!(no_params().is_empty());
}

#[test]
fn builder_paths() {
    let c = Recorder::default().client();
    let users = Builder::root(&c, "users");
    assert_eq!(users.resource().path(), "users");
    assert_eq!(
        users.key("a/b?c#d", true).resource().path(),
        "users/a%2Fb%3Fc%23d"
    );
    assert_eq!(users.key("..", true).resource().path(), "users('..')");
    assert_eq!(
        users.key("O'Neil", false).resource().path(),
        "users('O''Neil')"
    );
    assert_eq!(
        users.key(&7i64, false).nav("manager").resource().path(),
        "users(7)/manager"
    );
    assert_eq!(
        users
            .compound_key(&[("a", &1i32), ("b", &"x y")])
            .resource()
            .path(),
        "users(a=1,b='x%20y')"
    );
    // Key-as-segment compound keys: one segment per part, in key order, values raw and
    // encoded; an unusable segment value puts the whole key in parentheses.
    assert_eq!(
        users
            .compound_key_segments(&[("a", &1i32), ("b", &"x/y'z")])
            .resource()
            .path(),
        "users/1/x%2Fy%27z"
    );
    assert_eq!(
        users
            .compound_key_segments(&[("a", &1i32), ("b", &"..")])
            .resource()
            .path(),
        "users(a=1,b='..')"
    );
    // A key part's name comes from the schema (a key alias, an alternate key's alias):
    // it is percent-encoded like a value and cannot change the path either.
    assert_eq!(
        users.compound_key(&[("a)/../x(", &1i32)]).resource().path(),
        "users(a%29%2F..%2Fx%28=1)"
    );
    let at = Builder::at(&c, Resource::from_encoded("me/drive"));
    assert_eq!(at.resource().path(), "me/drive");
    assert_eq!(at.client().root(), c.root());
}

#[test]
fn options_are_per_builder() {
    let c = Recorder::default().client();
    let b = Builder::root(&c, "users")
        .with_if_match("W/\"1\"")
        .with_return_minimal()
        .with_header("X-Trace", "1");
    assert_eq!(b.options().if_match.as_deref(), Some("W/\"1\""));
    assert_eq!(b.options().prefer, ["return=minimal"]);
    assert_eq!(b.options().headers, [("X-Trace".into(), "1".into())]);
    // A step to another resource starts with fresh options.
    assert_eq!(b.nav("manager").options(), &Default::default());
    assert_eq!(b.key("x", true).options(), &Default::default());
    assert_eq!(
        b.compound_key(&[("a", &1i32)]).options(),
        &Default::default()
    );
}

#[tokio::test]
async fn a_function_puts_literals_inline_and_json_in_aliases() {
    let r = Recorder::answering(vec![(200, r#"{"value": [1, 2]}"#), (200, r#"{"n": 1}"#)]);
    let c = r.client();
    let b = Builder::root(&c, "users").key("u1", true);
    let args = [
        ("name", lit("a'b&c#d")),
        ("size", enum_lit("ns.Size", &Size::Small)),
        ("filter", json(&json!({"x": "&y"}))),
    ];
    let got: Option<Vec<i32>> = b.function_value("ns.f", &args).await.unwrap();
    assert_eq!(got, Some(vec![1, 2]));
    let got: Option<Value> = b.function("ns.g", &[]).await.unwrap();
    assert_eq!(got, Some(json!({"n": 1})));
    let sent = r.sent();
    assert_eq!(sent[0].method, Method::Get);
    assert_eq!(
        sent[0].url,
        "https://svc.example/v1/users/u1/ns.f(name='a''b%26c%23d',size=ns.Size'small',filter=@filter)\
         ?@filter=%7B%22x%22:%22%26y%22%7D"
    );
    assert_eq!(sent[1].url, "https://svc.example/v1/users/u1/ns.g()");
}

#[tokio::test]
async fn actions_post_their_parameters_bound_or_at_the_root() {
    let r = Recorder::answering(vec![
        (200, r#"{"id": "9"}"#),
        (204, ""),
        (200, r#"{"value": 5}"#),
    ]);
    let c = r.client();
    let item = Builder::root(&c, "users").key("u1", true);
    let got: Option<Value> = item
        .action(Some("ns.assign"), &json!({"to": "x"}))
        .await
        .unwrap();
    assert_eq!(got, Some(json!({"id": "9"})));
    Builder::root(&c, "reset")
        .action_unit(None, &no_params())
        .await
        .unwrap();
    let n: Option<i64> = item
        .action_value(Some("ns.count"), &no_params())
        .await
        .unwrap();
    assert_eq!(n, Some(5));
    let sent = r.sent();
    assert!(sent.iter().all(|s| s.method == Method::Post));
    assert_eq!(sent[0].url, "https://svc.example/v1/users/u1/ns.assign");
    assert_eq!(sent[0].body.as_deref(), Some(&br#"{"to":"x"}"#[..]));
    assert_eq!(sent[1].url, "https://svc.example/v1/reset");
    assert_eq!(sent[1].body.as_deref(), Some(&b"{}"[..]));
    assert_eq!(sent[2].url, "https://svc.example/v1/users/u1/ns.count");
}

#[tokio::test]
async fn create_update_delete() {
    let r = Recorder::answering(vec![(201, r#"{"id": "1"}"#), (204, ""), (204, "")]);
    let c = r.client();
    let users = Builder::root(&c, "users");
    let created: Option<Value> = users.create(&json!({"name": "a"})).await.unwrap();
    assert_eq!(created, Some(json!({"id": "1"})));
    let item = users.key("1", true).with_if_match("W/\"2\"");
    let updated: Option<Value> = item.update(&json!({"name": "b"})).await.unwrap();
    assert_eq!(updated, None);
    item.delete().await.unwrap();
    let sent = r.sent();
    let methods: Vec<Method> = sent.iter().map(|s| s.method).collect();
    assert_eq!(methods, [Method::Post, Method::Patch, Method::Delete]);
    assert_eq!(sent[0].url, "https://svc.example/v1/users");
    assert_eq!(sent[1].url, "https://svc.example/v1/users/1");
    assert_eq!(sent[1].header("If-Match"), Some("W/\"2\""));
    assert_eq!(sent[2].header("If-Match"), Some("W/\"2\""));
    assert_eq!(sent[0].header("If-Match"), None);
}

#[tokio::test]
async fn a_list_sends_its_query_options_encoded() {
    let r = Recorder::answering(vec![(
        200,
        r#"{"value": [{"id": "1"}], "@odata.count": 1}"#,
    )]);
    let c = r.client();
    let list: ListRequest<Value, UserField> = ListRequest::new(&Builder::root(&c, "users"))
        .select([UserField::DisplayName, UserField::Mail])
        .filter("name eq 'a&b#c'")
        .orderby(UserField::Mail)
        .orderby_desc(UserField::DisplayName)
        .top(5)
        .skip(1)
        .count(true)
        .custom("x&y", "1 2")
        .header("ConsistencyLevel", "eventual")
        .max_page_size(10);
    // Seven options, six separators: the `&` in the filter and the custom name are encoded.
    assert_eq!(list.query().encode().matches('&').count(), 6);
    let page: Page<Value> = list.await.unwrap();
    assert_eq!(page.items, [json!({"id": "1"})]);
    assert_eq!(page.count, Some(1));
    let sent = r.sent();
    assert_eq!(
        sent[0].url,
        "https://svc.example/v1/users?$select=displayName,mail\
         &$filter=name%20eq%20'a%26b%23c'&$orderby=mail,displayName%20desc\
         &$top=5&$skip=1&$count=true&x%26y=1%202"
    );
    assert_eq!(sent[0].header("ConsistencyLevel"), Some("eventual"));
    assert_eq!(sent[0].header("Prefer"), Some("odata.maxpagesize=10"));
}

#[tokio::test]
async fn a_list_follows_next_links_to_the_end() {
    let r = Recorder::answering(vec![
        (
            200,
            r#"{"value": [1], "@odata.nextLink": "https://svc.example/v1/users?$skiptoken=2"}"#,
        ),
        (200, r#"{"value": [2, 3]}"#),
    ]);
    let c = r.client();
    let all: Vec<i64> = ListRequest::<i64, NoField>::new(&Builder::root(&c, "users"))
        .search("\"a b\"")
        .all()
        .await
        .unwrap();
    assert_eq!(all, [1, 2, 3]);
    let sent = r.sent();
    assert_eq!(
        sent[0].url,
        "https://svc.example/v1/users?$search=%22a%20b%22"
    );
    assert_eq!(sent[1].url, "https://svc.example/v1/users?$skiptoken=2");
}

#[tokio::test]
async fn a_get_sends_select_expand_and_headers() {
    let r = Recorder::answering(vec![(200, r#"{"id": "1"}"#)]);
    let c = r.client();
    let get: GetRequest<Value, UserField> =
        GetRequest::new(&Builder::root(&c, "users").key("1", true))
            .select([UserField::Mail])
            .select_raw(["ns.Derived/prop"])
            .expand_raw(["manager($select=id)"])
            .custom("v", "1")
            .header("X-A", "b");
    let debug = format!("{get:?}");
    assert!(
        debug.starts_with("GetRequest") && debug.contains("users/1"),
        "{debug}"
    );
    let got = get.await.unwrap();
    assert_eq!(got, json!({"id": "1"}));
    let sent = r.sent();
    assert_eq!(
        sent[0].url,
        "https://svc.example/v1/users/1?$select=mail,ns.Derived/prop&$expand=manager($select=id)&v=1"
    );
    assert_eq!(sent[0].header("X-A"), Some("b"));
}

#[tokio::test]
async fn pagers_of_operations() {
    let r = Recorder::answering(vec![
        (200, r#"{"value": [1, 2]}"#),
        (200, r#"{"value": [3]}"#),
    ]);
    let c = r.client();
    let b = Builder::root(&c, "users");
    let mut pager = b.function_pager::<i64>("ns.recent", &[("n", lit(&2i32))]);
    let first = pager.next_page().await.unwrap().unwrap();
    assert_eq!(first.items, [1, 2]);
    assert!(pager.next_page().await.is_none());
    let mut pager = b.action_pager::<i64>(Some("ns.find"), &json!({"q": 1}));
    let first = pager.next_page().await.unwrap().unwrap();
    assert_eq!(first.items, [3]);
    let sent = r.sent();
    assert_eq!(sent[0].method, Method::Get);
    assert_eq!(sent[0].url, "https://svc.example/v1/users/ns.recent(n=2)");
    assert_eq!(sent[1].method, Method::Post);
    assert_eq!(sent[1].url, "https://svc.example/v1/users/ns.find");
}

#[test]
fn no_field_has_no_value() {
    fn takes<F: Field>() -> usize {
        std::mem::size_of::<F>()
    }
    assert_eq!(takes::<NoField>(), 0);
}

#[test]
fn a_reference_reads_odata_id_or_id_and_refuses_anything_else() {
    use odata_runtime::json::{FromJson, Path};
    let r = Reference::from_json(json!({"@odata.id": "directoryObjects/u1"}), &Path::ROOT);
    assert_eq!(r.unwrap().id, "directoryObjects/u1");
    let r = Reference::from_json(json!({"@id": "u2"}), &Path::ROOT);
    assert_eq!(r.unwrap().id, "u2");
    for hostile in [json!({"@odata.id": 5}), json!("u1"), json!(null), json!({})] {
        let e = Reference::from_json(hostile.clone(), &Path::ROOT).unwrap_err();
        assert!(e.message.contains("entity reference"), "{hostile}: {e}");
    }
}

#[tokio::test]
async fn a_count_that_is_not_a_number_is_a_decode_error() {
    for (body, expected) in [
        ("42", Some(42u64)),
        ("\u{feff} 7\n", Some(7)),
        ("-1", None),
        ("1e3", None),
        ("", None),
    ] {
        let rec = Recorder::answering(vec![(200, body)]);
        let n = Builder::root(&rec.client(), "users").count().await;
        match expected {
            Some(v) => assert_eq!(n.unwrap(), v, "{body:?}"),
            None => assert!(
                matches!(n, Err(odata_runtime::Error::Decode { status: 200, .. })),
                "{body:?}: {n:?}"
            ),
        }
    }
}

#[tokio::test]
async fn operation_futures_own_their_request_and_unit_results_are_still_checked() {
    let r = Recorder::answering(vec![
        (200, "<html>not json</html>"),
        (200, "<html>not json</html>"),
        (204, ""),
    ]);
    let c = r.client();
    // Built, then the builder, parameters and arguments dropped before polling: the
    // future holds the encoded request (it is `Send + 'static`).
    let (action, function, fine) = {
        let b = Builder::root(&c, "users").key("u1", true);
        let params = json!({"to": "x"});
        let name = String::from("ns.f");
        let args = [("n", lit(&3i32))];
        (
            b.action_unit(Some("ns.go"), &params),
            b.function_unit(&name, &args),
            b.action_unit(Some("ns.ok"), &no_params()),
        )
    };
    let spawned = tokio::spawn(action);
    // A unit result ignores the value, not a body that is not JSON.
    assert!(matches!(
        spawned.await.unwrap(),
        Err(odata_runtime::Error::Decode { .. })
    ));
    assert!(matches!(
        function.await,
        Err(odata_runtime::Error::Decode { .. })
    ));
    fine.await.unwrap();
    let sent = r.sent();
    assert_eq!(sent[0].body.as_deref(), Some(&br#"{"to":"x"}"#[..]));
    assert_eq!(sent[1].url, "https://svc.example/v1/users/u1/ns.f(n=3)");
    assert_eq!(sent[1].method, Method::Get);
}
