//! The delta parser (`Change<T>` from one item of a delta response, nested `nav@delta`
//! collections) and `DeltaLink` (parse, display, debug, serde), without a server; the
//! wire behaviour is in `e2e/tests/delta.rs`.

use odata_runtime::delta::{Change, DeltaLink, LinkChange, Removed, RemovedReason};
use odata_runtime::json::{self, Map, Value};
use serde_json::json;

fn change(item: Value) -> Result<Change<Map<String, Value>>, String> {
    json::from_str::<Change<Map<String, Value>>>(&item.to_string()).map_err(|e| e.to_string())
}

fn removed(item: Value) -> Removed {
    match change(item).unwrap() {
        Change::Removed(r) => r,
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_entity_without_removal_markers_is_an_upsert_with_every_member() {
    let item = json!({"id": "u1", "displayName": "Ada", "@odata.type": "#microsoft.graph.user",
                      "manager@delta": [{"id": "u2"}]});
    match change(item.clone()).unwrap() {
        Change::Upsert(map) => assert_eq!(Value::Object(map), item),
        other => panic!("{other:?}"),
    }
    // A context that names the set (not a deleted entity or link) changes nothing.
    let item = json!({"@odata.context": "#users/$entity", "id": "u1"});
    assert!(matches!(change(item).unwrap(), Change::Upsert(_)));
}

#[test]
fn graph_removals_keep_id_reason_and_other_members() {
    let r = removed(json!({"@odata.type": "#microsoft.graph.user", "id": "u1",
                           "@removed": {"reason": "changed"}}));
    assert_eq!(r.id.as_deref(), Some("u1"));
    assert_eq!(r.reason, Some(RemovedReason::Changed));
    assert_eq!(
        r.other.keys().collect::<Vec<_>>(),
        ["@odata.type"],
        "id and @removed are taken out"
    );
    let r = removed(json!({"id": "u1", "@removed": {"reason": "deleted"}}));
    assert_eq!(r.reason, Some(RemovedReason::Deleted));
    let r = removed(json!({"id": "u1", "@removed": {"reason": "archived"}}));
    assert_eq!(r.reason, Some(RemovedReason::Other("archived".into())));
    let r = removed(json!({"id": "u1", "@removed": {}}));
    assert_eq!(r.reason, None);
}

#[test]
fn odata_4_0_and_4_01_removal_forms() {
    // 4.01: `@id` wins over an `id` property, which stays among the other members.
    let r = removed(json!({"@removed": {"reason": "deleted"}, "@id": "Customers('A')", "id": 5}));
    assert_eq!(r.id.as_deref(), Some("Customers('A')"));
    assert_eq!(r.other["id"], json!(5));
    // 4.0 prefixed names.
    let r =
        removed(json!({"@odata.removed": {"reason": "changed"}, "@odata.id": "Customers('B')"}));
    assert_eq!(r.id.as_deref(), Some("Customers('B')"));
    assert_eq!(r.reason, Some(RemovedReason::Changed));
    // 4.0 deleted entity: context, `id` and `reason` side by side; the context is dropped.
    let r = removed(
        json!({"@odata.context": "http://h/svc/$metadata#Customers/$deletedEntity",
                           "id": "Customers('C')", "reason": "deleted"}),
    );
    assert_eq!(r.id.as_deref(), Some("Customers('C')"));
    assert_eq!(r.reason, Some(RemovedReason::Deleted));
    assert!(r.other.is_empty(), "{r:?}");
    // 4.01: key properties instead of an id.
    let r = removed(json!({"@removed": {}, "CustomerID": 7}));
    assert_eq!(r.id, None);
    assert_eq!(r.other["CustomerID"], json!(7));
}

#[test]
fn added_and_deleted_links() {
    let link = LinkChange {
        source: "Customers('A')".into(),
        relationship: "Orders".into(),
        target: "Orders(1)".into(),
    };
    let body = |ctx: &str, key: &str| json!({key: ctx, "source": "Customers('A')", "relationship": "Orders", "target": "Orders(1)"});
    assert_eq!(
        change(body("#Customers/$link", "@odata.context")).unwrap(),
        Change::Linked(link.clone())
    );
    assert_eq!(
        change(body(
            "http://h/$metadata#Customers/$deletedLink",
            "@odata.context"
        ))
        .unwrap(),
        Change::Unlinked(link.clone())
    );
    assert_eq!(
        change(body("#Customers/$deletedLink", "@context")).unwrap(),
        Change::Unlinked(link)
    );
}

#[test]
fn hostile_items_are_located_errors() {
    let cases = [
        (json!("u1"), "at $: expected a delta item (object)"),
        (json!({"@removed": {}}), "at $: a removed entity without"),
        (
            json!({"@removed": {}, "@odata.type": "#x"}),
            "at $: a removed entity without",
        ),
        (
            json!({"@removed": true, "id": "u"}),
            "at $.@removed: expected an object",
        ),
        (
            json!({"@removed": {"reason": 1}, "id": "u"}),
            "at $.@removed.reason: expected a string",
        ),
        (
            json!({"@removed": {}, "@id": ["x"]}),
            "at $.@id: expected a string",
        ),
        (
            json!({"@context": "#S/$link", "source": "a", "relationship": "r"}),
            "at $: a link change without `target`",
        ),
        (
            json!({"@context": "#S/$link", "source": 1, "relationship": "r", "target": "t"}),
            "at $.source: expected a string",
        ),
    ];
    for (item, want) in cases {
        let err = change(item.clone()).unwrap_err();
        assert!(err.starts_with(want), "{item}: {err}");
    }
}

#[test]
fn nested_delta_collections() {
    let mut members = Map::new();
    members.insert(
        "members@delta".into(),
        json!([{"id": "u1"}, null, {"id": "u2", "@removed": {"reason": "deleted"}}]),
    );
    members.insert("owners@odata.delta".into(), json!([{"id": "u3"}]));
    members.insert("bad@delta".into(), json!({"id": "u4"}));
    members.insert("worse@delta".into(), json!([{"@removed": {}}]));
    let m = Change::<Map<String, Value>>::nested(&members, "members")
        .unwrap()
        .unwrap();
    assert!(
        matches!(&m[..], [Change::Upsert(_), Change::Removed(r)] if r.id.as_deref() == Some("u2"))
    );
    let o = Change::<Map<String, Value>>::nested(&members, "owners")
        .unwrap()
        .unwrap();
    assert_eq!(o.len(), 1);
    assert_eq!(
        Change::<Map<String, Value>>::nested(&members, "none").unwrap(),
        None
    );
    let e = Change::<Map<String, Value>>::nested(&members, "bad").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("at $.bad@delta: expected an array"),
        "{e}"
    );
    let e = Change::<Map<String, Value>>::nested(&members, "worse").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("at $.worse@delta[0]: a removed entity"),
        "{e}"
    );
}

#[test]
fn delta_links_round_trip_as_text_and_never_debug_their_query() {
    let text = "https://graph.microsoft.com/v1.0/users/delta()?$deltatoken=SECRET";
    let link: DeltaLink = text.parse().unwrap();
    assert_eq!(link.to_string(), text);
    assert_eq!(link.as_str(), text);
    let debug = format!("{link:?}");
    assert_eq!(
        debug,
        "DeltaLink(https://graph.microsoft.com/v1.0/users/delta()?…)"
    );
    assert!(!debug.contains("SECRET"));
    for bad in [
        "delta()?$deltatoken=x",
        "ftp://host/x",
        "https://graph.microsoft.com@evil.example/x",
        "https://host/x y",
        "",
    ] {
        assert!(bad.parse::<DeltaLink>().is_err(), "{bad:?}");
    }
}

#[cfg(feature = "serde")]
#[test]
fn delta_links_serialize_as_their_text() {
    let link: DeltaLink = "https://h/d?$deltatoken=t".parse().unwrap();
    let s = serde_json::to_string(&link).unwrap();
    assert_eq!(s, "\"https://h/d?$deltatoken=t\"");
    assert_eq!(serde_json::from_str::<DeltaLink>(&s).unwrap(), link);
    assert!(serde_json::from_str::<DeltaLink>("\"javascript:x\"").is_err());
}
