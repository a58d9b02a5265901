//! Unit tests of `origin` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::origin::*;

fn o(url: &str) -> Origin {
    Origin::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"))
}

#[test]
fn accepted_forms() {
    let g = o("https://graph.microsoft.com/v1.0/users?$filter=a@b");
    assert_eq!(
        (g.scheme(), g.host(), g.port()),
        ("https", "graph.microsoft.com", 443)
    );
    assert_eq!(g.to_string(), "https://graph.microsoft.com");
    assert_eq!(o("HTTPS://GRAPH.Microsoft.COM"), g);
    assert_eq!(o("https://graph.microsoft.com:443/x"), g);
    assert_eq!(o("https://graph.microsoft.com#frag@evil"), g);
    assert_eq!(o("https://graph.microsoft.com?@evil.example"), g);
    assert_eq!(o("http://h").port(), 80);
    assert_eq!(o("http://h:8080/").to_string(), "http://h:8080");
    assert_eq!(o("http://127.0.0.1:3000/x").host(), "127.0.0.1");
    assert_eq!(o("http://[::1]:8080/").host(), "[::1]");
    assert_eq!(o("http://[0:0:0:0:0:0:0:1]/"), o("http://[::1]:80"));
    assert_eq!(o("http://[::FFFF:127.0.0.1]/").host(), "[::ffff:7f00:1]");
    assert_eq!(o("https://h:0443").port(), 443);
}

#[test]
fn different_origins() {
    let g = o("https://graph.microsoft.com/v1.0");
    for other in [
        "http://graph.microsoft.com/v1.0",   // downgrade
        "https://graph.microsoft.com:8443/", // port
        "https://graph.microsoft.com./v1.0", // trailing dot
        "https://graph.microsoft.com.evil.example/",
        "https://evil.example/graph.microsoft.com",
        "http://graph.microsoft.com:443/", // http on 443
    ] {
        assert_ne!(o(other), g, "{other}");
    }
}

#[test]
fn refused_forms() {
    for bad in [
        "https://graph.microsoft.com@evil.example/",
        "https://user:pass@graph.microsoft.com/",
        "https://graph.microsoft.com:443@evil.example/",
        "https://evil.example\\@graph.microsoft.com/",
        "https://evil.example\\graph.microsoft.com/",
        "//graph.microsoft.com/v1.0",
        "https:/graph.microsoft.com/",
        "https:graph.microsoft.com/",
        "https:///graph.microsoft.com/",
        " https://graph.microsoft.com/",
        "https://graph.microsoft.com /",
        "https://gra\tph.microsoft.com/",
        "https://graph.microsoft.com\n.evil/",
        "https://graph.microsoft.com/\r\nX: y",
        "https://%67raph.microsoft.com/",
        "https://graph%2emicrosoft.com/",
        "https://[::1%25eth0]/",
        "https://[::1/",
        "https://[::1]x/",
        "https://[nope]/",
        "https://gräph.microsoft.com/",
        "https://graph.microsoft.com:/",
        "https://graph.microsoft.com:0/",
        "https://graph.microsoft.com:65536/",
        "https://graph.microsoft.com:44x/",
        "https://graph.microsoft.com:+443/",
        "https://:443/",
        "https://",
        "ftp://graph.microsoft.com/",
        "javascript:alert(1)",
        "users?$top=1",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://127.1/",
        "http://0177.0.0.1/",
        "http://127.0.0.1.1/",
        "https://a,b/",
        "https://a;b/",
    ] {
        assert!(Origin::parse(bad).is_err(), "{bad:?} was accepted");
    }
    let e = Origin::parse("https://s3cr3t@h/").unwrap_err();
    assert!(!e.to_string().contains("s3cr3t"), "{e}");
}
