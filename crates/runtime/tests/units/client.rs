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
