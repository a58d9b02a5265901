//! Unit tests of `auth` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::auth::*;

#[test]
fn token_is_redacted() {
    let s = StaticToken::new("s3cr3t-token");
    assert_eq!(format!("{s:?}"), "StaticToken(<redacted>)");
    let t = AccessToken::new("s3cr3t-token");
    assert!(!format!("{t:?} {t}").contains("s3cr3t"));
    assert_eq!(t.secret(), "s3cr3t-token");
}

#[test]
fn token_request_debug_leaves_the_query_out() {
    let origin = odata_runtime::Origin::parse("https://x.example").unwrap();
    let r = TokenRequest::new(&origin, "https://x.example/svc/items?$skiptoken=s3cr3t#f");
    let d = format!("{r:?}");
    // Before: the whole URL, query included.
    assert!(!d.contains("s3cr3t") && d.contains("/svc/items"), "{d}");
    assert_eq!(r.url(), "https://x.example/svc/items?$skiptoken=s3cr3t#f");
}

#[test]
fn auth_error_source() {
    let e = AuthError::with_source("refresh failed", std::io::Error::other("boom"));
    assert_eq!(e.to_string(), "refresh failed");
    assert!(std::error::Error::source(&e).is_some());
}
