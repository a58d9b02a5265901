//! Unit tests of `error` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::error::*;
use odata_runtime::json::{DecodeError, FromJson, Path};
use serde_json::json;

#[test]
fn graph_error_body() {
    let body = json!({"error": {
        "code": "Request_ResourceNotFound",
        "message": "Resource 'x' does not exist.",
        "target": null,
        "details": [{"code": "a", "message": "b", "target": "c", "more": 1}],
        "innererror": {
            "date": "2024-01-01T00:00:00",
            "request-id": "rid-1",
            "client-request-id": "cid-1",
            "innererror": {"code": "deep"}
        },
        "@vendor.note": "kept"
    }});
    let e = ODataError::from_json(body, &Path::ROOT).unwrap();
    assert_eq!(e.code, "Request_ResourceNotFound");
    assert_eq!(e.target, None);
    assert_eq!(e.details.len(), 1);
    assert_eq!(e.details[0].target.as_deref(), Some("c"));
    assert_eq!(e.details[0].extra.get("more"), Some(&json!(1)));
    let ie = e.inner_error.as_ref().unwrap();
    assert_eq!(ie.request_id.as_deref(), Some("rid-1"));
    assert_eq!(ie.client_request_id.as_deref(), Some("cid-1"));
    assert_eq!(ie.date.as_deref(), Some("2024-01-01T00:00:00"));
    assert!(ie.extra.contains_key("innererror"));
    assert_eq!(e.extra.get("@vendor.note"), Some(&json!("kept")));
    let err = Error::Service {
        status: 404,
        error: Box::new(e),
    };
    assert_eq!(
        err.to_string(),
        "HTTP 404: Request_ResourceNotFound: Resource 'x' does not exist. [request-id rid-1]"
    );
    assert!(err.is_not_found());
    assert_eq!(err.request_id(), Some("rid-1"));
}

#[test]
fn graph_spells_inner_error_in_camel_case() {
    // As Microsoft Graph actually answers (the spec's spelling is `innererror`).
    let body = json!({"error": {
        "code": "BadRequest",
        "message": "Invalid request.",
        "innerError": {"date": "2024-05-01T10:00:00", "request-id": "rid-g", "client-request-id": "cid-g"}
    }});
    let e = ODataError::from_json(body, &Path::ROOT).unwrap();
    let ie = e.inner_error.as_ref().expect("innerError is read");
    assert_eq!(ie.request_id.as_deref(), Some("rid-g"));
    assert_eq!(ie.client_request_id.as_deref(), Some("cid-g"));
    assert!(!e.extra.contains_key("innerError"));
}

#[test]
fn lenient_shapes() {
    let v3 = json!({"error": {"code": 42, "message": {"lang": "en-US", "value": "old style"}}});
    let e = ODataError::from_json(v3, &Path::ROOT).unwrap();
    assert_eq!(e.code, "42");
    assert_eq!(e.message, "old style");
    assert!(ODataError::from_json(json!({"message": "x"}), &Path::ROOT).is_err());
    assert!(ODataError::from_json(json!({"error": "x"}), &Path::ROOT).is_err());
    assert!(ODataError::from_json(json!([1]), &Path::ROOT).is_err());
}

#[test]
fn other_displays() {
    let e = Error::UnexpectedStatus {
        status: 502,
        body: "<html>bad gateway</html>".to_owned(),
    };
    assert_eq!(
        e.to_string(),
        "HTTP 502 without an OData error body: <html>bad gateway</html>"
    );
    assert_eq!(e.status(), Some(502));
    let d = Error::Decode {
        status: 200,
        error: DecodeError {
            path: "$.a".to_owned(),
            message: "expected Boolean, found null".to_owned(),
        },
    };
    assert_eq!(
        d.to_string(),
        "cannot decode the HTTP 200 response at $.a: expected Boolean, found null"
    );
}

#[test]
fn service_text_is_displayed_inert() {
    // A hostile service forging log lines, clearing the terminal, reversing text.
    let body = json!({"error": {
        "code": "X\u{1b}[31m",
        "message": "line1\n2026-12-04 INFO token=abc\r\u{202e}gnp.exe\u{200b}",
        "target": "t\n",
        "innererror": {"request-id": "r\u{2028}id"}
    }});
    let e = ODataError::from_json(body, &Path::ROOT).unwrap();
    // The fields keep the text as received.
    assert!(e.message.contains('\n'));
    let err = Error::Service {
        status: 400,
        error: Box::new(e.clone()),
    };
    let shown = err.to_string();
    assert_eq!(
        shown,
        "HTTP 400: X\\u{1b}[31m: line1\\n2026-12-04 INFO token=abc\\r\\u{202e}gnp.exe\\u{200b} \
         (target t\\n) [request-id r\\u{2028}id]"
    );
    assert_eq!(
        e.to_string(),
        "X\\u{1b}[31m: line1\\n2026-12-04 INFO token=abc\\r\\u{202e}gnp.exe\\u{200b}"
    );
    // Ordinary text of any script, quotes and backslashes are shown as they are.
    let plain = "Le nom « O'Neil » est déjà pris: \"C:\\x\" — ที่นี่ 名前 مرحبا";
    assert_eq!(Inert(plain).to_string(), plain);
    // Long text is cut.
    let long = "é".repeat(5000);
    let cut = Inert(&long).to_string();
    assert_eq!(cut.chars().count(), Inert::MAX_CHARS + 1);
    assert!(cut.ends_with('…'));
    let err = Error::UnexpectedStatus {
        status: 502,
        body: "<html>\u{1b}[2J\n</html>".to_owned(),
    };
    assert_eq!(
        err.to_string(),
        "HTTP 502 without an OData error body: <html>\\u{1b}[2J\\n</html>"
    );
}
