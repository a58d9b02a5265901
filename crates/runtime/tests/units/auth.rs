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
fn auth_error_source() {
    let e = AuthError::with_source("refresh failed", std::io::Error::other("boom"));
    assert_eq!(e.to_string(), "refresh failed");
    assert!(std::error::Error::source(&e).is_some());
}
