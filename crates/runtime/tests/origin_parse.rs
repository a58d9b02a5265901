//! `Origin::parse` against the URL parser reqwest uses (the `url` crate, WHATWG rules):
//! whenever the client accepts a URL, both read the same scheme, host and port, so the
//! origin the token rule checks is the server the request reaches. Tricky forms are
//! generated from pieces (userinfo, case, dots, ports, IPv6, backslashes, slashes,
//! whitespace, percent-encoding, numeric hosts).

use odata_runtime::Origin;

fn forms() -> Vec<String> {
    let schemes = [
        "http://",
        "https://",
        "HTTPS://",
        "https:/",
        "https:",
        "//",
        "https:\\\\",
    ];
    let hosts = [
        "graph.microsoft.com",
        "GRAPH.Microsoft.com",
        "graph.microsoft.com.",
        "graph.microsoft.com@evil.example",
        "graph.microsoft.com:443@evil.example",
        "user:pw@graph.microsoft.com",
        "evil.example\\@graph.microsoft.com",
        "evil.example\\.graph.microsoft.com",
        "%67raph.microsoft.com",
        "graph.microsoft.com%00.evil",
        "gra ph.microsoft.com",
        "gra\tph.microsoft.com",
        "graph.microsoft.com\n",
        "xn--grph-koa.example",
        "gräph.example",
        "127.0.0.1",
        "127.1",
        "2130706433",
        "0x7f.0.0.1",
        "0177.0.0.1",
        "[::1]",
        "[::FFFF:127.0.0.1]",
        "[0:0:0:0:0:0:0:1]",
        "[::1%25lo]",
        "a_b.example",
        "a..b.example",
        "",
    ];
    let ports = [
        "", ":443", ":80", ":0443", ":8443", ":", ":0", ":65536", ":x",
    ];
    let tails = [
        "",
        "/",
        "/v1.0/users?$filter=a@b.c",
        "?x=@evil",
        "#@evil",
        "\\x",
    ];
    let mut out = Vec::new();
    for s in schemes {
        for h in hosts {
            for p in ports {
                for t in tails {
                    out.push(format!("{s}{h}{p}{t}"));
                }
            }
        }
    }
    out
}

#[test]
fn whenever_an_origin_is_accepted_the_url_parser_agrees() {
    let mut accepted = 0;
    for form in forms() {
        let Ok(origin) = Origin::parse(&form) else {
            continue;
        };
        accepted += 1;
        let url = url::Url::parse(&form).unwrap_or_else(|e| panic!("{form:?}: {e}"));
        assert_eq!(url.scheme(), origin.scheme(), "{form:?}");
        assert_eq!(url.host_str(), Some(origin.host()), "{form:?}");
        assert_eq!(url.port_or_known_default(), Some(origin.port()), "{form:?}");
        assert!(
            url.username().is_empty() && url.password().is_none(),
            "{form:?}"
        );
    }
    // The test means something: plain forms are accepted.
    assert!(accepted > 100, "{accepted}");
}

#[test]
fn userinfo_never_impersonates_the_service() {
    let graph = Origin::parse("https://graph.microsoft.com").unwrap();
    for form in forms() {
        let Ok(url) = url::Url::parse(&form) else {
            continue;
        };
        // Wherever the URL really goes, the client either refuses it or sees that place.
        if let Ok(origin) = Origin::parse(&form) {
            if origin == graph {
                assert_eq!(url.host_str(), Some("graph.microsoft.com"), "{form:?}");
            }
        }
    }
}
