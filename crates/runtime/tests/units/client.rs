//! Unit tests of `client` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::client::*;
use odata_runtime::url::Query;

#[test]
fn log_paths() {
    assert_eq!(
        log_path("https://graph.microsoft.com/v1.0/users?$filter=x"),
        "/v1.0/users"
    );
    assert_eq!(log_path("https://h"), "/");
    assert_eq!(log_path("users/x#f"), "users/x");
    // A huge link (the service's choice) is cut, on a character boundary.
    let long = format!("https://h/{}?q", "é".repeat(1 << 20));
    let p = log_path(&long);
    assert!(
        p.len() <= MAX_LOG_PATH && p.len() > MAX_LOG_PATH - 4,
        "{}",
        p.len()
    );
    assert!(p.starts_with("/é"));
}

#[test]
fn headers_replace_case_insensitively() {
    let mut h = vec![("Accept".to_owned(), "a".to_owned())];
    set_header(&mut h, "accept", "b".to_owned());
    assert_eq!(h, vec![("accept".to_owned(), "b".to_owned())]);
}

#[test]
fn options_builders() {
    let o = RequestOptions::new()
        .if_match("W/\"1\"")
        .return_minimal()
        .max_page_size(50)
        .header("ConsistencyLevel", "eventual")
        .query(Query::new().top(3));
    assert_eq!(o.prefer, vec!["return=minimal", "odata.maxpagesize=50"]);
    assert_eq!(o.if_match.as_deref(), Some("W/\"1\""));
    assert_eq!(o.query.encode(), "$top=3");
}

#[test]
fn builder_debug_shows_no_userinfo_query_or_token() {
    // The builder has not validated its root yet: it may hold a password or a key.
    let b = Client::builder("https://user:pa55w0rd@example.test/svc?api-key=s3cr3t")
        .bearer_token("t0ken")
        .allow_origin("https://other.example/x?sig=s3cr3t")
        .allow_origin("https://u:pa55w0rd@third.example");
    let d = format!("{b:?}");
    // Before: the root and origins were shown as given.
    for secret in ["pa55w0rd", "s3cr3t", "t0ken", "api-key", "sig="] {
        assert!(!d.contains(secret), "{secret}: {d}");
    }
    assert!(d.contains("https://other.example/x"), "{d}");
    struct Never;
    impl odata_runtime::Transport for Never {
        fn send(
            &self,
            _: odata_runtime::Request,
        ) -> odata_runtime::BoxFuture<
            '_,
            Result<odata_runtime::Response, odata_runtime::TransportError>,
        > {
            Box::pin(std::future::pending())
        }
    }
    let c = Client::builder("https://example.test/svc/")
        .bearer_token("t0ken")
        .transport(Never)
        .build()
        .unwrap();
    let d = format!("{:?} {:?}", c, Client::builder("https://example.test/svc"));
    assert!(
        d.contains("https://example.test/svc") && !d.contains("t0ken"),
        "{d}"
    );
}
