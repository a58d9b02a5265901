//! Origins (scheme, host, port): which server a URL talks to, for deciding where the
//! bearer token may go.
//!
//! [`Origin::parse`] is deliberately strict. It accepts only URLs whose origin no HTTP
//! stack could read differently, and refuses everything else with an [`OriginError`]:
//!
//! - the scheme is `http` or `https` (any case) followed by exactly `://`
//!   (`https:/host` and `https:host`, which URL parsers "repair", are refused);
//! - no userinfo (`https://graph.microsoft.com@evil.example/` is refused, not read as
//!   either host);
//! - no whitespace, control character or backslash anywhere in the URL;
//! - the host is ASCII letters, digits, `-`, `.` and `_` (lower-cased; no percent-encoding,
//!   no non-ASCII: give internationalized names in their `xn--` form), a dotted-quad IPv4
//!   address (other numeric forms such as `0x7f.1` or `2130706433` are refused), or a
//!   bracketed IPv6 address (written canonically, no zone);
//! - the port, if given, is 1 to 65535; the defaults (80 for `http`, 443 for `https`) are
//!   made explicit, so `https://h:443/` and `https://h/` are the same origin.
//!
//! Hosts are compared exactly after lower-casing: `graph.microsoft.com.` (a trailing dot)
//! is another origin than `graph.microsoft.com`.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The origin of an absolute `http(s)` URL: scheme, lower-cased host and port (the
/// scheme's default port made explicit). Two URLs with equal origins reach the same
/// server over the same protocol.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    https: bool,
    host: String,
    port: u16,
}

/// Why a URL has no origin the client accepts. The message never quotes the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OriginError(&'static str);

impl OriginError {
    /// What is wrong with the URL.
    pub fn reason(&self) -> &'static str {
        self.0
    }
}

impl fmt::Display for OriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not an absolute http(s) URL the client accepts: {}",
            self.0
        )
    }
}

impl std::error::Error for OriginError {}

impl Origin {
    /// The origin of `url` (see the module docs for what is accepted).
    pub fn parse(url: &str) -> Result<Origin, OriginError> {
        if url.bytes().any(|b| b <= b' ' || b == 0x7f || b == b'\\') {
            return Err(OriginError(
                "it holds whitespace, a control character or a backslash",
            ));
        }
        let (https, rest) = if let Some(r) = strip_prefix_ci(url, "https://") {
            (true, r)
        } else if let Some(r) = strip_prefix_ci(url, "http://") {
            (false, r)
        } else {
            return Err(OriginError("it does not start with http:// or https://"));
        };
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        if authority.contains('@') {
            return Err(OriginError("it holds userinfo (`user@`)"));
        }
        if authority.contains('%') {
            return Err(OriginError("its host is percent-encoded"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let Some((addr, after)) = v6.split_once(']') else {
                return Err(OriginError("its IPv6 host has no closing `]`"));
            };
            let addr: Ipv6Addr = addr
                .parse()
                .map_err(|_| OriginError("its IPv6 host is not an IPv6 address"))?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or(OriginError("something follows its IPv6 host"))?,
                ),
            };
            (format!("[{}]", ipv6_text(addr)), port)
        } else {
            let (host, port) = match authority.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            (reg_name(host)?, port)
        };
        let port = match port {
            None => {
                if https {
                    443
                } else {
                    80
                }
            }
            Some(p) => parse_port(p)?,
        };
        Ok(Origin { https, host, port })
    }

    /// `"https"` or `"http"`.
    pub fn scheme(&self) -> &'static str {
        if self.https { "https" } else { "http" }
    }

    /// Whether the scheme is `https`.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The lower-cased host (an IPv6 address in brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, the scheme's default when the URL gives none.
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl fmt::Display for Origin {
    /// `scheme://host`, with `:port` unless it is the scheme's default.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme(), self.host)?;
        let default = if self.https { 443 } else { 80 };
        if self.port != default {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn parse_port(p: &str) -> Result<u16, OriginError> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OriginError("its port is not a number from 1 to 65535"));
    }
    match p.parse::<u16>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(OriginError("its port is not a number from 1 to 65535")),
    }
}

/// IPv6 text as URL parsers write it: an IPv4-mapped address in hex, like the rest.
fn ipv6_text(addr: Ipv6Addr) -> String {
    if addr.to_ipv4_mapped().is_some() {
        let s = addr.segments();
        format!("::ffff:{:x}:{:x}", s[6], s[7])
    } else {
        addr.to_string()
    }
}

/// A registered name or dotted-quad IPv4 host, lower-cased.
fn reg_name(host: &str) -> Result<String, OriginError> {
    if host.is_empty() {
        return Err(OriginError("it has no host"));
    }
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    {
        return Err(OriginError(
            "its host holds a character other than ASCII letters, digits, `-`, `.` and `_`",
        ));
    }
    let host = host.to_ascii_lowercase();
    // URL parsers read a host whose last label is numeric as an IPv4 address in any of
    // several notations; accept only the canonical dotted quad.
    let last = host
        .strip_suffix('.')
        .unwrap_or(&host)
        .rsplit('.')
        .next()
        .unwrap_or("");
    let numeric = !last.is_empty()
        && (last.bytes().all(|b| b.is_ascii_digit())
            || (last.starts_with("0x") && last[2..].bytes().all(|b| b.is_ascii_hexdigit())));
    if numeric {
        match host.parse::<Ipv4Addr>() {
            Ok(ip) if ip.to_string() == host => {}
            _ => {
                return Err(OriginError(
                    "its numeric host is not a dotted-quad IPv4 address",
                ));
            }
        }
    }
    Ok(host)
}
