//! Unit tests of `retry` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::edm::random_u64;
use odata_runtime::retry::*;
use odata_runtime::transport::{Method, TransportErrorKind};
use std::time::{Duration, UNIX_EPOCH};

fn status(s: u16) -> Outcome<'static> {
    Outcome::Status {
        status: s,
        retry_after: None,
    }
}

#[test]
fn retryable_table() {
    let cases = [
        (Method::Get, status(429), true),
        (Method::Post, status(429), true),
        (Method::Patch, status(503), true),
        (Method::Get, status(504), true),
        (Method::Delete, status(504), true),
        (Method::Post, status(504), false),
        (Method::Patch, status(504), false),
        (Method::Get, status(500), false),
        (Method::Get, status(404), false),
        (
            Method::Post,
            Outcome::Transport(TransportErrorKind::Connect),
            true,
        ),
        (
            Method::Post,
            Outcome::Transport(TransportErrorKind::Timeout),
            false,
        ),
        (
            Method::Get,
            Outcome::Transport(TransportErrorKind::Timeout),
            true,
        ),
        (
            Method::Get,
            Outcome::Transport(TransportErrorKind::InvalidRequest),
            false,
        ),
        (
            Method::Get,
            Outcome::Transport(TransportErrorKind::ResponseTooLarge),
            false,
        ),
    ];
    for (m, o, want) in cases {
        assert_eq!(RetryPolicy::is_retryable(m, &o), want, "{m} {o:?}");
    }
}

#[test]
fn retry_after_forms() {
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // 1994-11-06T08:49:37Z
    assert_eq!(
        parse_retry_after("120", now),
        Some(Duration::from_secs(120))
    );
    assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
        Some(Duration::from_secs(10))
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after("-1", now), None);
    assert_eq!(parse_retry_after("1.5", now), None);
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(
        parse_retry_after("Sun, 06 Foo 1994 08:49:47 GMT", now),
        None
    );
}

#[test]
fn hostile_retry_after_values_never_shorten_the_wait() {
    // A wait the service asks for that is longer than `max_retry_after` ends the
    // retries, however it is written; an unreadable value is ignored (backoff).
    let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let p = RetryPolicy::default();
    let delay = |v: &'static str| {
        p.next_delay(
            Method::Get,
            &Outcome::Status {
                status: 503,
                retry_after: Some(v),
            },
            1,
            Duration::ZERO,
        )
    };
    for v in [
        "121",
        "99999999999",
        // Before: too large for a u64, read as no header, retried after a backoff.
        "99999999999999999999999",
        "18446744073709551616",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        assert_eq!(delay(v), None, "{v}");
    }
    assert_eq!(
        parse_retry_after("99999999999999999999999", now),
        Some(Duration::MAX)
    );
    for v in ["-1", "+5", "0x10", "1e3", "", "soon"] {
        assert_eq!(parse_retry_after(v, now), None, "{v}");
        let d = delay(v).expect("backoff");
        assert!(d < p.base_delay, "{v}: {d:?}");
    }
}

#[test]
fn delays() {
    let p = RetryPolicy::default();
    let ra = Outcome::Status {
        status: 429,
        retry_after: Some("7"),
    };
    assert_eq!(
        p.next_delay(Method::Post, &ra, 1, Duration::ZERO),
        Some(Duration::from_secs(7))
    );
    // Attempt cap.
    assert_eq!(p.next_delay(Method::Get, &ra, 4, Duration::ZERO), None);
    // Total-time cap.
    assert_eq!(
        p.next_delay(Method::Get, &ra, 1, Duration::from_secs(118)),
        None
    );
    // A wait that ends exactly at the cap leaves no time for the attempt.
    assert_eq!(
        p.next_delay(Method::Get, &ra, 1, Duration::from_secs(113)),
        None
    );
    assert_eq!(
        p.next_delay(Method::Get, &ra, 1, Duration::from_secs(112)),
        Some(Duration::from_secs(7))
    );
    // Retry-After beyond what is honoured.
    let long = Outcome::Status {
        status: 503,
        retry_after: Some("3600"),
    };
    assert_eq!(p.next_delay(Method::Get, &long, 1, Duration::ZERO), None);
    // Not retryable.
    assert_eq!(
        p.next_delay(Method::Post, &status(504), 1, Duration::ZERO),
        None
    );
    assert_eq!(
        RetryPolicy::none().next_delay(Method::Get, &status(503), 1, Duration::ZERO),
        None
    );
}

#[test]
fn backoff_is_bounded_and_grows() {
    let p = RetryPolicy {
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(1000),
        ..RetryPolicy::default()
    };
    for _ in 0..200 {
        let d1 = p.backoff(1);
        assert!(
            d1 >= Duration::from_millis(50) && d1 < Duration::from_millis(100),
            "{d1:?}"
        );
        let d3 = p.backoff(3);
        assert!(
            d3 >= Duration::from_millis(200) && d3 < Duration::from_millis(400),
            "{d3:?}"
        );
        let d20 = p.backoff(20);
        assert!(
            d20 >= Duration::from_millis(500) && d20 < Duration::from_millis(1000),
            "{d20:?}"
        );
    }
    let zero = RetryPolicy {
        base_delay: Duration::ZERO,
        ..RetryPolicy::default()
    };
    assert_eq!(zero.backoff(2), Duration::ZERO);
}

#[test]
fn prng_varies() {
    let a = random_u64();
    let b = random_u64();
    assert_ne!(a, b);
}
