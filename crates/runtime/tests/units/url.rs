//! Unit tests of `url` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::edm::{Binary, Date, DateTimeOffset, Duration, Guid};
use odata_runtime::url::*;
use serde_json::json;

#[test]
fn literals() {
    assert_eq!("O'Neil".to_url_literal(), "'O''Neil'");
    assert_eq!(String::from("x").to_url_literal(), "'x'");
    assert_eq!("O'Neil".to_segment_value(), "O'Neil");
    assert_eq!(42i32.to_url_literal(), "42");
    assert_eq!((-5i8).to_url_literal(), "-5");
    assert_eq!(9007199254740993i64.to_url_literal(), "9007199254740993");
    assert_eq!(true.to_url_literal(), "true");
    assert_eq!(1.5f64.to_url_literal(), "1.5");
    assert_eq!(f64::NEG_INFINITY.to_url_literal(), "-INF");
    assert_eq!(f32::NAN.to_url_literal(), "NaN");
    assert_eq!(0.1f32.to_url_literal(), "0.1");
    assert_eq!(None::<i32>.to_url_literal(), "null");
    let g: Guid = "01234567-89ab-cdef-0123-456789abcdef".parse().unwrap();
    assert_eq!(g.to_url_literal(), "01234567-89ab-cdef-0123-456789abcdef");
    let d: Date = "2012-12-03".parse().unwrap();
    assert_eq!(d.to_url_literal(), "2012-12-03");
    let du: Duration = "P1D".parse().unwrap();
    assert_eq!(du.to_url_literal(), "duration'P1D'");
    assert_eq!(
        Binary(b"OData".to_vec()).to_url_literal(),
        "binary'T0RhdGE='"
    );
}

#[test]
fn parenthesized_keys() {
    let cases: &[(&str, &str)] = &[
        ("O'Neil", "People('O''Neil')"),
        ("Smartphone/Tablet", "People('Smartphone%2FTablet')"),
        ("a?b#c%d", "People('a%3Fb%23c%25d')"),
        ("two words", "People('two%20words')"),
        ("a)b(c", "People('a%29b%28c')"),
        ("x&y=z+1", "People('x%26y%3Dz%2B1')"),
        ("Zoë", "People('Zo%C3%AB')"),
        ("日本", "People('%E6%97%A5%E6%9C%AC')"),
    ];
    for (key, want) in cases {
        assert_eq!(Resource::new("People").key(*key).path(), *want, "{key}");
    }
    assert_eq!(Resource::new("Products").key(&1i32).path(), "Products(1)");
    let dto: DateTimeOffset = "2012-12-03T07:16:23+01:00".parse().unwrap();
    assert_eq!(
        Resource::new("Events").key(&dto).path(),
        "Events(2012-12-03T07%3A16%3A23%2B01%3A00)"
    );
}

#[test]
fn compound_keys() {
    let r = Resource::new("OrderItems").compound_key(&[("OrderID", &1i32), ("ItemNo", &"x'y")]);
    assert_eq!(r.path(), "OrderItems(OrderID=1,ItemNo='x''y')");
    let r = Resource::new("T").compound_key(&[("a", &"1,b=2"), ("b", &2i64)]);
    assert_eq!(r.path(), "T(a='1%2Cb%3D2',b=2)");
}

#[test]
fn key_as_segment() {
    let cases: &[(&str, &str)] = &[
        ("abc", "complianceManagementPartners/abc"),
        ("a/b", "complianceManagementPartners/a%2Fb"),
        ("a?b", "complianceManagementPartners/a%3Fb"),
        ("a#b", "complianceManagementPartners/a%23b"),
        ("100%", "complianceManagementPartners/100%25"),
        ("O'Neil", "complianceManagementPartners/O%27Neil"),
        ("two words", "complianceManagementPartners/two%20words"),
        ("ünï", "complianceManagementPartners/%C3%BCn%C3%AF"),
        ("..", "complianceManagementPartners('..')"),
        (".", "complianceManagementPartners('.')"),
        ("", "complianceManagementPartners('')"),
        ("...", "complianceManagementPartners/..."),
    ];
    for (key, want) in cases {
        let r = Resource::new("complianceManagementPartners").key_segment(*key);
        assert_eq!(r.path(), *want, "{key:?}");
        // The structure never changes: exactly one '/' from us, no '?' or '#'.
        assert!(!r.path().contains('?') && !r.path().contains('#'));
        assert!(r.path().matches('/').count() <= 1);
    }
    let g: Guid = "01234567-89ab-cdef-0123-456789abcdef".parse().unwrap();
    let r = Resource::new("users")
        .key_segment(&g)
        .segment("messages")
        .segment("$count");
    assert_eq!(
        r.path(),
        "users/01234567-89ab-cdef-0123-456789abcdef/messages/$count"
    );
}

#[test]
fn segments_and_functions() {
    let r = Resource::new("me").segment("microsoft.graph.getMemberGroups");
    assert_eq!(r.path(), "me/microsoft.graph.getMemberGroups");
    let r = Resource::new("reports").function(
        "microsoft.graph.getOffice365ActiveUserDetail",
        &[("period", &"D7")],
    );
    assert_eq!(
        r.path(),
        "reports/microsoft.graph.getOffice365ActiveUserDetail(period='D7')"
    );
    let r = Resource::new("me")
        .segment("drive")
        .function("microsoft.graph.recent", &[]);
    assert_eq!(r.path(), "me/drive/microsoft.graph.recent()");
    let r = Resource::new("a/b");
    assert_eq!(r.path(), "a%2Fb");
    let r = Resource::new("Products").function_params(
        "NS.Fn",
        &[
            ("n", Param::Literal(&5i32)),
            ("tags", Param::Json(&json!(["a b", "c&d"]))),
        ],
    );
    assert_eq!(r.path(), "Products/NS.Fn(n=5,tags=@tags)");
    assert_eq!(
        r.to_relative(&Query::new()),
        "Products/NS.Fn(n=5,tags=@tags)?@tags=%5B%22a%20b%22,%22c%26d%22%5D"
    );
    let r = Resource::new("F").function_alias("NS.G", &[("p", json!({"x": 1}))]);
    assert_eq!(
        r.to_relative(&Query::new().top(1)),
        "F/NS.G(p=@p)?$top=1&@p=%7B%22x%22:1%7D"
    );
}

#[test]
fn query_encoding() {
    let q = Query::new()
        .select(["id", "displayName"])
        .expand(["members($select=id;$top=5)"])
        .filter("displayName eq 'A&B #1 100% + more'")
        .search("\"foo bar\"")
        .orderby(["displayName desc", "id"])
        .top(10)
        .skip(20)
        .count(true)
        .custom("x y", "a=b");
    assert_eq!(
        q.encode(),
        "$select=id,displayName\
         &$expand=members($select=id;$top=5)\
         &$filter=displayName%20eq%20'A%26B%20%231%20100%25%20%2B%20more'\
         &$search=%22foo%20bar%22\
         &$orderby=displayName%20desc,id\
         &$top=10&$skip=20&$count=true\
         &x%20y=a=b"
    );
    assert!(Query::new().is_empty());
    assert_eq!(Query::new().encode(), "");
    assert_eq!(Query::new().custom("$evil", "1").encode(), "_%24evil=1");
    assert_eq!(Resource::new("users").to_relative(&Query::new()), "users");
    assert_eq!(
        Resource::new("users").to_relative(&Query::new().top(1)),
        "users?$top=1"
    );
    // A filter value built with a literal: quotes doubled, then encoded.
    let f = format!("mail eq {}", "o'hara@x.com".to_url_literal());
    assert_eq!(
        Query::new().filter(f).encode(),
        "$filter=mail%20eq%20'o''hara@x.com'"
    );
}

#[test]
fn resolve_links() {
    let base = "https://host/odata/v4/catalog/Books?$top=2";
    let cases: &[(&str, &str)] = &[
        (
            "https://other/x?$skiptoken=1",
            "https://other/x?$skiptoken=1",
        ),
        (
            "Books?$skiptoken=2",
            "https://host/odata/v4/catalog/Books?$skiptoken=2",
        ),
        ("/root?x=1", "https://host/root?x=1"),
        ("?$skip=2", "https://host/odata/v4/catalog/Books?$skip=2"),
        ("../other/Books?a", "https://host/odata/v4/other/Books?a"),
        ("./Books", "https://host/odata/v4/catalog/Books"),
        ("//cdn/x", "https://cdn/x"),
    ];
    for (link, want) in cases {
        assert_eq!(resolve(base, link), *want, "{link}");
    }
    assert_eq!(resolve("https://host", "a?b"), "https://host/a?b");
    assert!(is_absolute("http://x"));
    assert!(!is_absolute("Books?$skiptoken=1"));
    assert!(!is_absolute("/a:b"));
}
