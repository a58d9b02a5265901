//! Unit tests of `transport` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::transport::*;

#[test]
fn request_debug_redacts_credentials() {
    let r = Request {
        method: Method::Get,
        url: "https://x/y?$skiptoken=tok3n".to_owned(),
        headers: vec![
            ("Authorization".to_owned(), "Bearer s3cr3t".to_owned()),
            ("Accept".to_owned(), "application/json".to_owned()),
            // Before: shown in full.
            ("cookie".to_owned(), "session=s3cr3t".to_owned()),
            ("Proxy-Authorization".to_owned(), "Basic s3cr3t".to_owned()),
        ],
        body: None,
        max_response_size: 10,
        timeout: None,
    };
    let d = format!("{r:?}");
    assert!(!d.contains("s3cr3t"), "{d}");
    assert!(d.contains("application/json"));
    assert!(!d.contains("tok3n") && d.contains("https://x/y"), "{d}");
    assert_eq!(r.header("accept"), Some("application/json"));
}

#[cfg(feature = "reqwest")]
#[test]
fn reqwest_errors_without_url_and_builder_errors_not_retried() {
    // Installs the crypto provider reqwest needs.
    ReqwestTransport::new().unwrap();
    let client = reqwest::Client::new();
    let e = client
        .get("http://[::1/x?$skiptoken=tok3n")
        .build()
        .unwrap_err();
    let t = convert_reqwest_error(e);
    assert_eq!(t.kind(), TransportErrorKind::InvalidRequest);
    let text = format!("{t} {t:?}");
    assert!(!text.contains("tok3n"), "{text}");
    let e = client
        .get("http://h/x?$skiptoken=tok3n")
        .header("X", "a\r\nb")
        .build()
        .unwrap_err();
    let t = convert_reqwest_error(e);
    assert_eq!(t.kind(), TransportErrorKind::InvalidRequest);
    assert!(!format!("{t} {t:?}").contains("tok3n"));
}

#[test]
fn methods() {
    assert!(Method::Get.is_idempotent());
    assert!(Method::Put.is_idempotent());
    assert!(Method::Delete.is_idempotent());
    assert!(!Method::Post.is_idempotent());
    assert!(!Method::Patch.is_idempotent());
    assert_eq!(Method::Patch.to_string(), "PATCH");
}
