//! Unit tests of `paging` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::json;
use odata_runtime::paging::*;
use serde_json::json;

#[test]
fn page_shapes() {
    let p: Page<i32> = json::from_str(
        r#"{"@odata.context":"c","@odata.count":"5","value":[1,null,3],"@odata.nextLink":"x?$skiptoken=1"}"#,
    )
    .unwrap();
    assert_eq!(p.items, vec![1, 3]);
    assert_eq!(p.count, Some(5));
    assert_eq!(p.next_link.as_deref(), Some("x?$skiptoken=1"));
    assert_eq!(p.extra.get("@odata.context"), Some(&json!("c")));
    let p: Page<i32> = json::from_str(r#"{"value":[],"@deltaLink":"d","@count":0}"#).unwrap();
    assert_eq!(p.delta_link.as_deref(), Some("d"));
    assert_eq!(p.count, Some(0));
    assert_eq!(
        json::from_str::<Page<i32>>(r#"{"value":[1,"a"]}"#)
            .unwrap_err()
            .to_string(),
        "at $.value[1]: expected Int32, found string \"a\""
    );
    assert!(json::from_str::<Page<i32>>(r#"{"items":[]}"#).is_err());
    assert!(json::from_str::<Page<i32>>(r#"{"value":{}}"#).is_err());
}
