//! When and how long to wait before trying a request again.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::edm::{Date, random_u64};
use super::transport::{Method, TransportErrorKind};

/// Retry configuration: bounded exponential backoff with jitter, `Retry-After` honoured.
///
/// Retried: 429 and 503 for every method (the service did not apply the request),
/// 504, timeouts and other I/O failures only for idempotent methods (GET, PUT, DELETE),
/// connection failures for every method (nothing was sent). Never retried: a request
/// the transport refused ([`TransportErrorKind::InvalidRequest`]) and a response over
/// the size limit.
///
/// `max_total` caps the whole request: attempts, waits and the time the client itself
/// spends. No retry starts when its wait would reach the cap, and every attempt is cut
/// off at the cap (its timeout is the client's request timeout or the time left,
/// whichever is shorter).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first one included (1 = never retry).
    pub max_attempts: u32,
    /// Backoff before the first retry; doubled for each further retry.
    pub base_delay: Duration,
    /// Upper bound of one computed backoff.
    pub max_delay: Duration,
    /// Upper bound of the time spent on one request, attempts and waits included: no
    /// retry is started when its wait would end at or after this, and each attempt is
    /// bounded by the time left. `ClientBuilder::total_timeout` overrides it.
    pub max_total: Duration,
    /// Longest `Retry-After` that is honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_total: Duration::from_secs(120),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// What an attempt ended with, as far as retrying is concerned.
#[derive(Clone, Copy, Debug)]
pub enum Outcome<'a> {
    /// An HTTP status with the `Retry-After` header, if any.
    Status {
        /// The status code.
        status: u16,
        /// The raw `Retry-After` value.
        retry_after: Option<&'a str>,
    },
    /// A transport failure.
    Transport(TransportErrorKind),
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Whether `outcome` of a `method` request may be retried at all.
    pub fn is_retryable(method: Method, outcome: &Outcome<'_>) -> bool {
        match outcome {
            Outcome::Status { status, .. } => match status {
                429 | 503 => true,
                504 => method.is_idempotent(),
                _ => false,
            },
            Outcome::Transport(TransportErrorKind::Connect) => true,
            Outcome::Transport(TransportErrorKind::Timeout) => method.is_idempotent(),
            Outcome::Transport(TransportErrorKind::Other) => method.is_idempotent(),
            Outcome::Transport(_) => false,
        }
    }

    /// How long to wait before the next attempt, or `None` to stop. `attempts` is the
    /// number of attempts made so far (≥ 1), `elapsed` the time since the first one.
    pub fn next_delay(
        &self,
        method: Method,
        outcome: &Outcome<'_>,
        attempts: u32,
        elapsed: Duration,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts || !Self::is_retryable(method, outcome) {
            return None;
        }
        let from_header = match outcome {
            Outcome::Status {
                retry_after: Some(v),
                ..
            } => parse_retry_after(v, SystemTime::now()),
            _ => None,
        };
        let delay = match from_header {
            Some(d) if d > self.max_retry_after => return None,
            Some(d) => d,
            None => self.backoff(attempts),
        };
        // The next attempt needs time too: a wait that uses up the budget is pointless.
        if elapsed.saturating_add(delay) >= self.max_total {
            return None;
        }
        Some(delay)
    }

    /// The jittered exponential backoff after `attempts` attempts: a random value in
    /// `[b/2, b)` with `b = min(max_delay, base_delay · 2^(attempts-1))`.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let b = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        let half = b / 2;
        let half_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        if half_nanos == 0 {
            return b;
        }
        half + Duration::from_nanos(random_u64() % half_nanos)
    }
}

/// Parse `Retry-After`: delay-seconds or an HTTP-date (IMF-fixdate,
/// `Sun, 06 Nov 1994 08:49:37 GMT`). A date in the past gives zero; a number of seconds
/// too large for a `u64` gives `Duration::MAX` (longer than any cap, so it ends the
/// retries rather than being ignored).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = parse_http_date(v)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parse an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn parse_http_date(s: &str) -> Option<SystemTime> {
    let rest = s.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, mon, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: u32 = day.parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == mon)? as u8
        + 1;
    let year: i32 = year.parse().ok()?;
    let date = Date::new(year, month, u8::try_from(day).ok()?)?;
    let t: Vec<u64> = time
        .split(':')
        .map(|x| x.parse::<u64>().ok())
        .collect::<Option<Vec<_>>>()?;
    let [h, m, sec] = t.as_slice() else {
        return None;
    };
    if *h > 23 || *m > 59 || *sec > 60 {
        return None;
    }
    let days = u64::try_from(date.days_since_epoch()).ok()?;
    let secs = days * 86_400 + h * 3600 + m * 60 + sec;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}
