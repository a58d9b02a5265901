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

/// A deterministic xorshift generator (no dependency, same inputs every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn random_urls_never_reach_another_origin_than_the_one_checked() {
    // An independent check: URLs assembled at random from the characters and pieces
    // that URL parsers treat specially. Whenever the client accepts one, the parser
    // reqwest uses must read the same origin and no userinfo.
    let starts = [
        "https://",
        "http://",
        "HtTpS://",
        "https:/",
        "//",
        "https:\\\\",
        "",
    ];
    let pieces = [
        "a",
        "b",
        "x",
        "evil",
        "root",
        "example",
        "com",
        "xn--",
        "-",
        "_",
        ".",
        "..",
        ":",
        ":443",
        ":80",
        ":0",
        ":08080",
        "@",
        "%2e",
        "%40",
        "%",
        "\\",
        "/",
        "//",
        "?",
        "#",
        ";",
        ",",
        "[",
        "]",
        "[::1]",
        "[::ffff:1.2.3.4]",
        "::",
        "1",
        "0x7f",
        "127",
        "255",
        "256",
        "0",
        "00",
        "4294967295",
        " ",
        "\t",
        "\n",
        "\u{0}",
        "é",
        "ß",
        "\u{ff0e}",
        "\u{3002}",
        "\u{200b}",
        "\u{ad}",
        "A",
        "Z",
        "!",
        "$",
        "&",
        "'",
        "(",
        "*",
        "+",
        "=",
        "~",
        "^",
        "|",
        "<",
        ">",
        "\"",
        "{",
        "`",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut accepted, mut tried) = (0, 0);
    while tried < 300_000 {
        tried += 1;
        let mut form = rng.pick(&starts).to_owned();
        for _ in 0..(rng.next() % 8) {
            form.push_str(rng.pick(&pieces));
        }
        let Ok(origin) = Origin::parse(&form) else {
            continue;
        };
        accepted += 1;
        // A URL reqwest cannot parse is refused there (never sent), so only a parse
        // that succeeds must agree.
        let Ok(url) = url::Url::parse(&form) else {
            continue;
        };
        assert_eq!(url.scheme(), origin.scheme(), "{form:?}");
        assert_eq!(url.host_str(), Some(origin.host()), "{form:?}");
        assert_eq!(url.port_or_known_default(), Some(origin.port()), "{form:?}");
        assert!(
            url.username().is_empty() && url.password().is_none(),
            "{form:?}"
        );
    }
    assert!(accepted > 1_000, "{accepted} of {tried}");
}
