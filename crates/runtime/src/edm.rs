//! Edm primitive types that have no exact Rust equivalent.
//!
//! Every type parses strictly (`FromStr`), prints its canonical OData form
//! (`Display`), and reads/writes its JSON form (`FromJson`/`ToJson`). Temporal types keep
//! what they were given (fraction digits, offsets, omitted seconds) so values read from a
//! service are written back byte for byte. `UrlLiteral` gives the form used in keys,
//! function parameters and `$filter`.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::json::{
    DecodeError, Decoder, Encoder, FromJson, Map, Number, Path, ToJson, Value, is_json_number,
};
use super::url::UrlLiteral;

/// A value could not be parsed as an Edm primitive type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The Edm type name, e.g. `Edm.Date`.
    pub edm_type: &'static str,
    /// The rejected input (shortened when long).
    pub input: String,
}

impl ParseError {
    fn new(edm_type: &'static str, input: &str) -> Self {
        const MAX: usize = 60;
        let input = if input.chars().count() > MAX {
            let mut s: String = input.chars().take(MAX).collect();
            s.push('…');
            s
        } else {
            input.to_owned()
        };
        ParseError { edm_type, input }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {:?}", self.edm_type, self.input)
    }
}

impl std::error::Error for ParseError {}

/// FromJson for a type with a string wire form parsed by `FromStr<Err = ParseError>`.
fn decode_string<T: FromStr<Err = ParseError>>(
    d: &mut Decoder<'_>,
    path: &Path<'_>,
    edm: &str,
) -> Result<T, DecodeError> {
    d.string(path, edm)?
        .parse()
        .map_err(|e: ParseError| DecodeError::new(path, e.to_string()))
}

/// Types whose JSON string is written digit by digit, without `fmt` (dates and times
/// fill pages: Graph users carry several each). The text is the `Display` text.
trait WireText {
    fn write_text(&self, out: &mut Vec<u8>);
}

/// `v` in decimal, zero-padded to `width` digits.
fn push_digits(out: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut at = buf.len();
    while v > 0 {
        at -= 1;
        buf[at] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    let at = at.min(buf.len().saturating_sub(width));
    out.extend_from_slice(&buf[at..]);
}

macro_rules! string_wire {
    ($t:ty, $edm:literal) => {
        impl ToJson for $t {
            fn encode(&self, w: &mut Encoder) {
                w.display(self);
            }
        }
        string_wire!($t, $edm, decode);
    };
    ($t:ty, $edm:literal, fast) => {
        impl ToJson for $t {
            fn encode(&self, w: &mut Encoder) {
                let out = w.raw();
                out.push(b'"');
                WireText::write_text(self, out);
                out.push(b'"');
            }
        }
        string_wire!($t, $edm, decode);
    };
    ($t:ty, $edm:literal, decode) => {
        impl FromJson for $t {
            fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
                decode_string(d, path, $edm)
            }
        }
        serde_bridge!($t);
    };
}

macro_rules! serde_bridge {
    ($t:ty) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                super::json::serialize(self, s)
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                super::json::deserialize(d)
            }
        }
    };
}

// ---- small parsing helpers ------------------------------------------------------

/// Exactly `n` ASCII digits at the start of `s`.
fn digits(s: &[u8], n: usize) -> Option<u32> {
    if s.len() < n {
        return None;
    }
    let mut v = 0u32;
    for &b in &s[..n] {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(b - b'0');
    }
    Some(v)
}

/// A fractional-seconds part: the digits as an integer plus their count, so that
/// `.5` and `.500` stay distinct on output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct Fraction {
    value: u64,
    digits: u8,
}

impl Fraction {
    const MAX_DIGITS: usize = 18;

    fn parse(s: &[u8]) -> Option<Fraction> {
        if s.is_empty() || s.len() > Self::MAX_DIGITS || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut value = 0u64;
        for &b in s {
            value = value * 10 + u64::from(b - b'0');
        }
        Some(Fraction {
            value,
            digits: s.len() as u8,
        })
    }

    /// Nanoseconds, truncating digits beyond the ninth.
    fn nanos(self) -> u32 {
        let d = u32::from(self.digits);
        if d == 0 {
            0
        } else if d <= 9 {
            (self.value * 10u64.pow(9 - d)) as u32
        } else {
            (self.value / 10u64.pow(d - 9)) as u32
        }
    }

    /// Whether [`Fraction::nanos`] keeps every non-zero digit.
    fn nanos_exact(self) -> bool {
        self.digits <= 9 || self.value % 10u64.pow(u32::from(self.digits) - 9) == 0
    }

    /// The shortest fraction for `nanos` (none for 0).
    fn from_nanos(nanos: u32) -> Fraction {
        if nanos == 0 {
            return Fraction::default();
        }
        let mut value = u64::from(nanos);
        let mut digits = 9u8;
        while value % 10 == 0 {
            value /= 10;
            digits -= 1;
        }
        Fraction { value, digits }
    }

    fn write(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.digits > 0 {
            write!(
                f,
                ".{:0width$}",
                self.value,
                width = usize::from(self.digits)
            )?;
        }
        Ok(())
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
#[doc(hidden)]
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
#[doc(hidden)]
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

// ---- Decimal ------------------------------------------------------------------------

/// `Edm.Decimal`, kept as its decimal text so no precision is lost.
///
/// Read from a JSON number, kept as its exact text (`1.10` stays `1.10`, 30 digits stay
/// 30 digits), or (with `IEEE754Compatible=true`) a JSON string. Only a value built from
/// a [`Value`] tree ([`FromJson::from_json`], `serde_json::Value` in `additional`) is as
/// exact as serde_json keeps numbers: the shortest `f64` text for fractions. Written as a
/// JSON number when that is lossless, otherwise as a string. Equality compares the text
/// (`1.50 != 1.5`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// Validate `text` (JSON number syntax, or `INF`, `-INF`, `NaN`).
    pub fn new(text: impl Into<String>) -> Result<Self, ParseError> {
        let text = text.into();
        if is_json_number(&text) || matches!(text.as_str(), "INF" | "-INF" | "NaN") {
            Ok(Decimal(text))
        } else {
            Err(ParseError::new("Edm.Decimal", &text))
        }
    }

    /// A decimal from text the caller knows to be a JSON number (a decimal type's
    /// plain notation).
    #[allow(dead_code)]
    pub(super) fn from_number_text(text: String) -> Decimal {
        debug_assert!(is_json_number(&text), "{text}");
        Decimal(text)
    }

    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        match self.0.as_str() {
            "INF" => f64::INFINITY,
            "-INF" => f64::NEG_INFINITY,
            "NaN" => f64::NAN,
            t => t.parse().unwrap_or(f64::NAN),
        }
    }
}

impl From<i64> for Decimal {
    fn from(v: i64) -> Self {
        Decimal(v.to_string())
    }
}

impl From<i32> for Decimal {
    fn from(v: i32) -> Self {
        Decimal(v.to_string())
    }
}

impl FromStr for Decimal {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        Decimal::new(s)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `(negative, significant digits, exponent)` with value = digits × 10^exponent;
/// digits carry no leading or trailing zeros (empty for zero).
fn decimal_parts(s: &str) -> Option<(bool, String, i64)> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i64>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = format!("{int}{frac}");
    let mut exp = exp.checked_sub(frac.len() as i64)?;
    let trimmed = digits.trim_start_matches('0').to_owned();
    digits = trimmed;
    while digits.ends_with('0') {
        digits.pop();
        exp = exp.saturating_add(1);
    }
    if digits.is_empty() {
        return Some((false, String::new(), 0));
    }
    Some((neg, digits, exp))
}

impl FromJson for Decimal {
    /// A JSON number is kept as its exact text (`1.10`, 30 digits): no `f64` between.
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        match d.peek() {
            Some(b'"') => {
                let text = d.string(path, "Decimal")?;
                Decimal::new(text).map_err(|e| DecodeError::new(path, e.to_string()))
            }
            _ => Ok(Decimal(d.number(path, "Decimal")?.to_owned())),
        }
    }
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::Number(n) => Ok(Decimal(n.to_string())),
            Value::String(s) => Decimal::new(s).map_err(|e| DecodeError::new(path, e.to_string())),
            other => Err(DecodeError::expected(path, "Decimal", &other)),
        }
    }
}

impl ToJson for Decimal {
    fn encode(&self, w: &mut Encoder) {
        w.value(&self.to_json());
    }
    fn to_json(&self) -> Value {
        if let Ok(i) = self.0.parse::<i64>() {
            return Value::Number(Number::from(i));
        }
        let lossless = match self.0.parse::<f64>() {
            Ok(f) if f.is_finite() && is_json_number(&self.0) => {
                decimal_parts(&format!("{f}")) == decimal_parts(&self.0)
                    && Number::from_f64(f).is_some()
            }
            _ => false,
        };
        match self.0.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) if lossless => Value::Number(n),
            _ => Value::String(self.0.clone()),
        }
    }
}

serde_bridge!(Decimal);

impl UrlLiteral for Decimal {
    fn to_url_literal(&self) -> String {
        self.0.clone()
    }
}

// ---- Date -------------------------------------------------------------------------------

/// `Edm.Date`: a calendar date `YYYY-MM-DD` (year may be `0000` or negative).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// A validated date.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if (1..=12).contains(&month)
            && day >= 1
            && u32::from(day) <= days_in_month(i64::from(year), u32::from(month))
        {
            Some(Date { year, month, day })
        } else {
            None
        }
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }
    /// The month, 1–12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// The day of the month, 1–31.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(&self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        )
    }

    /// The date `days` after 1970-01-01, if its year fits.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let (y, m, d) = civil_from_days(days);
        Date::new(i32::try_from(y).ok()?, m as u8, d as u8)
    }

    /// Parse a date at the start of `s`; returns it and the bytes consumed.
    fn parse_prefix(s: &[u8]) -> Option<(Date, usize)> {
        let mut i = 0;
        let neg = s.first() == Some(&b'-');
        if neg {
            i += 1;
        }
        let start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        let ylen = i - start;
        // year = "0" 3DIGIT / oneToNine 3*DIGIT
        if ylen < 4 || (ylen > 4 && s[start] == b'0') || ylen > 9 {
            return None;
        }
        let mut year: i64 = 0;
        for &b in &s[start..i] {
            year = year * 10 + i64::from(b - b'0');
        }
        if neg {
            year = -year;
        }
        if s.get(i) != Some(&b'-') {
            return None;
        }
        let month = digits(&s[i + 1..], 2)?;
        if s.get(i + 3) != Some(&b'-') {
            return None;
        }
        let day = digits(&s[i + 4..], 2)?;
        let date = Date::new(i32::try_from(year).ok()?, month as u8, day as u8)?;
        Some((date, i + 6))
    }
}

impl FromStr for Date {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match Date::parse_prefix(s.as_bytes()) {
            Some((d, n)) if n == s.len() => Ok(d),
            _ => Err(ParseError::new("Edm.Date", s)),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.year < 0 {
            write!(f, "-{:04}", -i64::from(self.year))?;
        } else {
            write!(f, "{:04}", self.year)?;
        }
        write!(f, "-{:02}-{:02}", self.month, self.day)
    }
}

impl WireText for Date {
    fn write_text(&self, out: &mut Vec<u8>) {
        if self.year < 0 {
            out.push(b'-');
        }
        push_digits(out, u64::from(self.year.unsigned_abs()), 4);
        out.push(b'-');
        push_digits(out, u64::from(self.month), 2);
        out.push(b'-');
        push_digits(out, u64::from(self.day), 2);
    }
}

string_wire!(Date, "Date", fast);

impl UrlLiteral for Date {
    fn to_url_literal(&self) -> String {
        self.to_string()
    }
}

// ---- TimeOfDay ------------------------------------------------------------------------

/// `Edm.TimeOfDay`: `hh:mm[:ss[.fffffffffffff]]`, keeping whether seconds were written
/// and how many fraction digits (up to 12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeOfDay {
    hour: u8,
    minute: u8,
    second: Option<u8>,
    fraction: Fraction,
}

impl TimeOfDay {
    /// A time with whole seconds.
    pub fn new(hour: u8, minute: u8, second: u8) -> Option<TimeOfDay> {
        TimeOfDay::with_nanos(hour, minute, second, 0)
    }

    /// A time with nanoseconds (written with the fewest fraction digits).
    pub fn with_nanos(hour: u8, minute: u8, second: u8, nanos: u32) -> Option<TimeOfDay> {
        if hour > 23 || minute > 59 || second > 59 || nanos >= 1_000_000_000 {
            return None;
        }
        Some(TimeOfDay {
            hour,
            minute,
            second: Some(second),
            fraction: Fraction::from_nanos(nanos),
        })
    }

    /// The hour, 0–23.
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// The minute, 0–59.
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// The second, 0–59 (0 when omitted).
    pub fn second(&self) -> u8 {
        self.second.unwrap_or(0)
    }
    /// The fractional second in nanoseconds (digits beyond the ninth truncated).
    pub fn nanosecond(&self) -> u32 {
        self.fraction.nanos()
    }

    /// Whether [`TimeOfDay::nanosecond`] is the whole fraction (no non-zero digit
    /// beyond the ninth, which a nanosecond type cannot hold).
    pub fn is_nanosecond_exact(&self) -> bool {
        self.fraction.nanos_exact()
    }

    /// Nanoseconds since midnight.
    pub fn nanos_since_midnight(&self) -> u64 {
        (u64::from(self.hour) * 3600 + u64::from(self.minute) * 60 + u64::from(self.second()))
            * 1_000_000_000
            + u64::from(self.nanosecond())
    }

    /// Parse `hh:mm[:ss[.f…]]` at the start of `s`; returns it and the bytes consumed.
    fn parse_prefix(s: &[u8], max_fraction: usize) -> Option<(TimeOfDay, usize)> {
        let hour = digits(s, 2)?;
        if s.get(2) != Some(&b':') {
            return None;
        }
        let minute = digits(&s[3..], 2)?;
        if hour > 23 || minute > 59 {
            return None;
        }
        let mut i = 5;
        let mut second = None;
        let mut fraction = Fraction::default();
        if s.get(i) == Some(&b':') {
            let sec = digits(&s[i + 1..], 2)?;
            if sec > 59 {
                return None;
            }
            second = Some(sec as u8);
            i += 3;
            if s.get(i) == Some(&b'.') {
                let start = i + 1;
                let mut end = start;
                while end < s.len() && s[end].is_ascii_digit() {
                    end += 1;
                }
                if end - start > max_fraction {
                    return None;
                }
                fraction = Fraction::parse(&s[start..end])?;
                i = end;
            }
        }
        Some((
            TimeOfDay {
                hour: hour as u8,
                minute: minute as u8,
                second,
                fraction,
            },
            i,
        ))
    }
}

impl FromStr for TimeOfDay {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match TimeOfDay::parse_prefix(s.as_bytes(), 12) {
            Some((t, n)) if n == s.len() => Ok(t),
            _ => Err(ParseError::new("Edm.TimeOfDay", s)),
        }
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)?;
        if let Some(s) = self.second {
            write!(f, ":{s:02}")?;
            self.fraction.write(f)?;
        }
        Ok(())
    }
}

impl WireText for TimeOfDay {
    fn write_text(&self, out: &mut Vec<u8>) {
        push_digits(out, u64::from(self.hour), 2);
        out.push(b':');
        push_digits(out, u64::from(self.minute), 2);
        if let Some(s) = self.second {
            out.push(b':');
            push_digits(out, u64::from(s), 2);
            if self.fraction.digits > 0 {
                out.push(b'.');
                push_digits(out, self.fraction.value, usize::from(self.fraction.digits));
            }
        }
    }
}

string_wire!(TimeOfDay, "TimeOfDay", fast);

impl UrlLiteral for TimeOfDay {
    fn to_url_literal(&self) -> String {
        self.to_string()
    }
}

// ---- DateTimeOffset -------------------------------------------------------------------

/// The offset of a [`DateTimeOffset`], as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UtcOffset {
    /// `Z`.
    Z,
    /// `+hh:mm` or `-hh:mm` (`negative` keeps `-00:00` distinct from `+00:00`).
    Fixed {
        /// Whether the sign is `-`.
        negative: bool,
        /// Hours, 0–23.
        hours: u8,
        /// Minutes, 0–59.
        minutes: u8,
    },
}

impl UtcOffset {
    /// The offset east of UTC in seconds.
    pub fn seconds(&self) -> i32 {
        match *self {
            UtcOffset::Z => 0,
            UtcOffset::Fixed {
                negative,
                hours,
                minutes,
            } => {
                let s = i32::from(hours) * 3600 + i32::from(minutes) * 60;
                if negative { -s } else { s }
            }
        }
    }
}

/// `Edm.DateTimeOffset`: `YYYY-MM-DDThh:mm[:ss[.f…]](Z|±hh:mm)`.
///
/// Parsing is strict (upper-case `T` and `Z`, up to 12 fraction digits, seconds
/// optional). The value keeps the fraction digits, the offset and whether seconds were
/// written, so `2016-12-31T23:59:37.9174975-08:00` is written back byte for byte.
/// Equality compares that representation; compare instants with
/// [`DateTimeOffset::unix_nanos`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTimeOffset {
    date: Date,
    time: TimeOfDay,
    offset: UtcOffset,
}

impl DateTimeOffset {
    /// Combine a date, a time and an offset.
    pub fn new(date: Date, time: TimeOfDay, offset: UtcOffset) -> DateTimeOffset {
        DateTimeOffset { date, time, offset }
    }

    /// The local date.
    pub fn date(&self) -> Date {
        self.date
    }
    /// The local time of day.
    pub fn time(&self) -> TimeOfDay {
        self.time
    }
    /// The offset.
    pub fn offset(&self) -> UtcOffset {
        self.offset
    }

    /// Nanoseconds since 1970-01-01T00:00:00Z (fraction digits beyond the ninth truncated).
    pub fn unix_nanos(&self) -> i128 {
        let days = i128::from(self.date.days_since_epoch());
        let secs = days * 86_400
            + i128::from(self.time.hour) * 3600
            + i128::from(self.time.minute) * 60
            + i128::from(self.time.second())
            - i128::from(self.offset.seconds());
        secs * 1_000_000_000 + i128::from(self.time.nanosecond())
    }

    /// The UTC instant `nanos` after the Unix epoch, written with `Z`, seconds and the
    /// fewest fraction digits. `None` if the year does not fit.
    pub fn from_unix_nanos(nanos: i128) -> Option<DateTimeOffset> {
        let secs = nanos.div_euclid(1_000_000_000);
        let sub = nanos.rem_euclid(1_000_000_000) as u32;
        let days = i64::try_from(secs.div_euclid(86_400)).ok()?;
        let sod = secs.rem_euclid(86_400) as u32;
        let date = Date::from_days_since_epoch(days)?;
        let time = TimeOfDay::with_nanos(
            (sod / 3600) as u8,
            (sod / 60 % 60) as u8,
            (sod % 60) as u8,
            sub,
        )?;
        Some(DateTimeOffset {
            date,
            time,
            offset: UtcOffset::Z,
        })
    }

    /// As a `SystemTime` (fraction beyond nanoseconds truncated).
    pub fn to_system_time(&self) -> std::time::SystemTime {
        let n = self.unix_nanos();
        let epoch = std::time::UNIX_EPOCH;
        let abs = n.unsigned_abs();
        let d = std::time::Duration::new(
            u64::try_from(abs / 1_000_000_000).unwrap_or(u64::MAX),
            (abs % 1_000_000_000) as u32,
        );
        if n >= 0 {
            epoch.checked_add(d).unwrap_or(epoch)
        } else {
            epoch.checked_sub(d).unwrap_or(epoch)
        }
    }

    /// A UTC value from a `SystemTime`.
    pub fn from_system_time(t: std::time::SystemTime) -> Option<DateTimeOffset> {
        let nanos = match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i128::try_from(d.as_nanos()).ok()?,
            Err(e) => -i128::try_from(e.duration().as_nanos()).ok()?,
        };
        DateTimeOffset::from_unix_nanos(nanos)
    }

    /// The current time in UTC.
    pub fn now_utc() -> DateTimeOffset {
        DateTimeOffset::from_system_time(std::time::SystemTime::now()).unwrap_or(DateTimeOffset {
            date: Date {
                year: 1970,
                month: 1,
                day: 1,
            },
            time: TimeOfDay {
                hour: 0,
                minute: 0,
                second: Some(0),
                fraction: Fraction::default(),
            },
            offset: UtcOffset::Z,
        })
    }
}

impl FromStr for DateTimeOffset {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let err = || ParseError::new("Edm.DateTimeOffset", s);
        let b = s.as_bytes();
        let (date, i) = Date::parse_prefix(b).ok_or_else(err)?;
        if b.get(i) != Some(&b'T') {
            return Err(err());
        }
        let rest = &b[i + 1..];
        let (time, j) = TimeOfDay::parse_prefix(rest, 12).ok_or_else(err)?;
        let tz = &rest[j..];
        let offset = match tz {
            b"Z" => UtcOffset::Z,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let hours = digits(&[*h1, *h2], 2).ok_or_else(err)?;
                let minutes = digits(&[*m1, *m2], 2).ok_or_else(err)?;
                if hours > 23 || minutes > 59 {
                    return Err(err());
                }
                UtcOffset::Fixed {
                    negative: *sign == b'-',
                    hours: hours as u8,
                    minutes: minutes as u8,
                }
            }
            _ => return Err(err()),
        };
        Ok(DateTimeOffset { date, time, offset })
    }
}

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}", self.date, self.time)?;
        match self.offset {
            UtcOffset::Z => f.write_str("Z"),
            UtcOffset::Fixed {
                negative,
                hours,
                minutes,
            } => write!(
                f,
                "{}{hours:02}:{minutes:02}",
                if negative { '-' } else { '+' }
            ),
        }
    }
}

impl WireText for DateTimeOffset {
    fn write_text(&self, out: &mut Vec<u8>) {
        self.date.write_text(out);
        out.push(b'T');
        self.time.write_text(out);
        match self.offset {
            UtcOffset::Z => out.push(b'Z'),
            UtcOffset::Fixed {
                negative,
                hours,
                minutes,
            } => {
                out.push(if negative { b'-' } else { b'+' });
                push_digits(out, u64::from(hours), 2);
                out.push(b':');
                push_digits(out, u64::from(minutes), 2);
            }
        }
    }
}

string_wire!(DateTimeOffset, "DateTimeOffset", fast);

impl UrlLiteral for DateTimeOffset {
    fn to_url_literal(&self) -> String {
        self.to_string()
    }
}

// ---- Duration -------------------------------------------------------------------------

/// `Edm.Duration`: an `xs:dayTimeDuration` such as `P1DT2H3M4.5S` or `-PT30M`.
///
/// The components are kept as written (`PT36H` stays `PT36H`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Duration {
    negative: bool,
    days: Option<u64>,
    hours: Option<u64>,
    minutes: Option<u64>,
    seconds: Option<u64>,
    fraction: Fraction,
}

impl Duration {
    /// A non-negative duration in normalised form (`PT0S` for zero).
    pub fn from_std(d: std::time::Duration) -> Duration {
        let secs = d.as_secs();
        let (days, rem) = (secs / 86_400, secs % 86_400);
        let (hours, minutes, seconds) = (rem / 3600, rem / 60 % 60, rem % 60);
        let fraction = Fraction::from_nanos(d.subsec_nanos());
        let nz = |v: u64| (v != 0).then_some(v);
        let mut out = Duration {
            negative: false,
            days: nz(days),
            hours: nz(hours),
            minutes: nz(minutes),
            seconds: (seconds != 0 || fraction.digits > 0).then_some(seconds),
            fraction,
        };
        if out.days.is_none()
            && out.hours.is_none()
            && out.minutes.is_none()
            && out.seconds.is_none()
        {
            out.seconds = Some(0);
        }
        out
    }

    /// The same length with the opposite sign.
    pub fn negated(mut self) -> Duration {
        self.negative = !self.negative;
        self
    }

    /// Whether the duration is written with a leading `-`.
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// The signed length in nanoseconds (fraction beyond nanoseconds truncated), or
    /// `None` on overflow.
    pub fn total_nanos(&self) -> Option<i128> {
        let secs = i128::from(self.days.unwrap_or(0))
            .checked_mul(86_400)?
            .checked_add(i128::from(self.hours.unwrap_or(0)).checked_mul(3600)?)?
            .checked_add(i128::from(self.minutes.unwrap_or(0)).checked_mul(60)?)?
            .checked_add(i128::from(self.seconds.unwrap_or(0)))?;
        let n = secs
            .checked_mul(1_000_000_000)?
            .checked_add(i128::from(self.fraction.nanos()))?;
        Some(if self.negative { -n } else { n })
    }

    /// Whether [`Duration::total_nanos`] keeps the whole fraction (no non-zero digit
    /// beyond the ninth).
    pub fn is_nanosecond_exact(&self) -> bool {
        self.fraction.nanos_exact()
    }

    /// As a `std::time::Duration`; `None` when negative or too long.
    pub fn to_std(&self) -> Option<std::time::Duration> {
        let n = self.total_nanos()?;
        if n < 0 {
            return None;
        }
        let secs = u64::try_from(n / 1_000_000_000).ok()?;
        Some(std::time::Duration::new(secs, (n % 1_000_000_000) as u32))
    }
}

impl FromStr for Duration {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let err = || ParseError::new("Edm.Duration", s);
        let (negative, rest) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let rest = rest.strip_prefix('P').ok_or_else(err)?;
        let mut out = Duration {
            negative,
            days: None,
            hours: None,
            minutes: None,
            seconds: None,
            fraction: Fraction::default(),
        };
        let (date_part, time_part) = match rest.split_once('T') {
            Some((d, t)) => {
                if t.is_empty() {
                    return Err(err());
                }
                (d, Some(t))
            }
            None => (rest, None),
        };
        let num = |t: &str| -> Result<u64, ParseError> {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            t.parse().map_err(|_| err())
        };
        if !date_part.is_empty() {
            let d = date_part.strip_suffix('D').ok_or_else(err)?;
            out.days = Some(num(d)?);
        }
        if let Some(mut t) = time_part {
            if let Some(i) = t.find('H') {
                out.hours = Some(num(&t[..i])?);
                t = &t[i + 1..];
            }
            if let Some(i) = t.find('M') {
                out.minutes = Some(num(&t[..i])?);
                t = &t[i + 1..];
            }
            if let Some(i) = t.find('S') {
                if i + 1 != t.len() {
                    return Err(err());
                }
                let sec = &t[..i];
                let (whole, frac) = match sec.split_once('.') {
                    Some((w, f)) => (w, Some(f)),
                    None => (sec, None),
                };
                out.seconds = Some(num(whole)?);
                if let Some(f) = frac {
                    out.fraction = Fraction::parse(f.as_bytes()).ok_or_else(err)?;
                }
                t = "";
            }
            if !t.is_empty() {
                return Err(err());
            }
        }
        if out.days.is_none()
            && out.hours.is_none()
            && out.minutes.is_none()
            && out.seconds.is_none()
        {
            return Err(err());
        }
        Ok(out)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        f.write_str("P")?;
        if let Some(d) = self.days {
            write!(f, "{d}D")?;
        }
        if self.hours.is_some() || self.minutes.is_some() || self.seconds.is_some() {
            f.write_str("T")?;
            if let Some(h) = self.hours {
                write!(f, "{h}H")?;
            }
            if let Some(m) = self.minutes {
                write!(f, "{m}M")?;
            }
            if let Some(s) = self.seconds {
                write!(f, "{s}")?;
                self.fraction.write(f)?;
                f.write_str("S")?;
            }
        }
        Ok(())
    }
}

string_wire!(Duration, "Duration");

impl UrlLiteral for Duration {
    /// `duration'P1D'` (the 4.0 form, accepted by 4.01 services too).
    fn to_url_literal(&self) -> String {
        format!("duration'{self}'")
    }
}

// ---- Guid -----------------------------------------------------------------------------

/// `Edm.Guid`: 16 bytes, written lower-case hyphenated (`01234567-89ab-cdef-0123-456789abcdef`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Guid([u8; 16]);

impl Guid {
    /// The all-zero GUID.
    pub const NIL: Guid = Guid([0; 16]);

    /// From bytes in textual (big-endian) order.
    pub const fn from_bytes(bytes: [u8; 16]) -> Guid {
        Guid(bytes)
    }

    /// The bytes in textual order.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// A random (version 4) GUID from the runtime's small non-cryptographic PRNG.
    /// Good for correlation ids such as `client-request-id`; not for secrets.
    pub fn new_v4() -> Guid {
        let mut bytes = [0u8; 16];
        let a = random_u64().to_le_bytes();
        let b = random_u64().to_le_bytes();
        bytes[..8].copy_from_slice(&a);
        bytes[8..].copy_from_slice(&b);
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Guid(bytes)
    }
}

static PRNG_STATE: AtomicU64 = AtomicU64::new(0);

/// A small non-cryptographic PRNG (splitmix64) seeded from the clock; for jitter and
/// correlation ids only.
pub fn random_u64() -> u64 {
    let mut s = PRNG_STATE.load(Ordering::Relaxed);
    if s == 0 {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        let addr = &PRNG_STATE as *const AtomicU64 as u64;
        s = nanos ^ addr.rotate_left(32) ^ u64::from(std::process::id());
        let _ = PRNG_STATE.compare_exchange(0, s | 1, Ordering::Relaxed, Ordering::Relaxed);
    }
    let mut z = PRNG_STATE
        .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl FromStr for Guid {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let err = || ParseError::new("Edm.Guid", s);
        let b = s.as_bytes();
        if b.len() != 36 {
            return Err(err());
        }
        let mut out = [0u8; 16];
        let mut n = 0;
        let mut i = 0;
        while i < 36 {
            if matches!(i, 8 | 13 | 18 | 23) {
                if b[i] != b'-' {
                    return Err(err());
                }
                i += 1;
                continue;
            }
            let hi = (b[i] as char).to_digit(16).ok_or_else(err)?;
            let lo = (b[i + 1] as char).to_digit(16).ok_or_else(err)?;
            out[n] = (hi * 16 + lo) as u8;
            n += 1;
            i += 2;
        }
        Ok(Guid(out))
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl WireText for Guid {
    fn write_text(&self, out: &mut Vec<u8>) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push(b'-');
            }
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xf)]);
        }
    }
}

string_wire!(Guid, "Guid", fast);

impl UrlLiteral for Guid {
    fn to_url_literal(&self) -> String {
        self.to_string()
    }
}

// ---- Binary ---------------------------------------------------------------------------

/// `Edm.Binary`: bytes, written as padded base64url; read from base64url or standard
/// base64, with or without padding.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Binary(pub Vec<u8>);

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn b64_encode(bytes: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for k in 0..4 {
            if k < chars {
                out.push(alphabet[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let trimmed = s.trim_end_matches('=');
    let pad = s.len() - trimmed.len();
    if pad > 2 || (pad > 0 && s.len() % 4 != 0) || trimmed.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in trimmed.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

impl Binary {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Standard base64 (`+`, `/`, padded), for services that want it.
    pub fn to_base64_standard(&self) -> String {
        b64_encode(&self.0, B64STD)
    }
}

impl From<Vec<u8>> for Binary {
    fn from(v: Vec<u8>) -> Self {
        Binary(v)
    }
}

impl From<&[u8]> for Binary {
    fn from(v: &[u8]) -> Self {
        Binary(v.to_vec())
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

impl FromStr for Binary {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        b64_decode(s)
            .map(Binary)
            .ok_or_else(|| ParseError::new("Edm.Binary", s))
    }
}

impl fmt::Display for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&b64_encode(&self.0, B64URL))
    }
}

string_wire!(Binary, "Binary");

impl UrlLiteral for Binary {
    fn to_url_literal(&self) -> String {
        format!("binary'{self}'")
    }
}

// ---- Geo ------------------------------------------------------------------------------

/// The GeoJSON geometry types accepted by [`Geo`].
pub const GEO_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// `Edm.Geography*` / `Edm.Geometry*`: a GeoJSON geometry object (RFC 7946) whose
/// `type` member is one of [`GEO_TYPES`]. Other members are kept as they are.
#[derive(Clone, Debug, PartialEq)]
pub struct Geo(Map<String, Value>);

/// Whether a spatial literal is `geography'…'` or `geometry'…'`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeoKind {
    /// `Edm.Geography*` (default SRID 4326).
    Geography,
    /// `Edm.Geometry*` (default SRID 0).
    Geometry,
}

impl Geo {
    /// Check and wrap a GeoJSON object.
    pub fn new(map: Map<String, Value>) -> Result<Geo, String> {
        match map.get("type").and_then(Value::as_str) {
            Some(t) if GEO_TYPES.contains(&t) => Ok(Geo(map)),
            Some(t) => Err(format!("unknown GeoJSON type {t:?}")),
            None => Err("GeoJSON object without a string \"type\"".to_owned()),
        }
    }

    /// A point (longitude, latitude).
    pub fn point(lon: f64, lat: f64) -> Geo {
        let mut m = Map::new();
        m.insert("type".to_owned(), Value::String("Point".to_owned()));
        m.insert(
            "coordinates".to_owned(),
            Value::Array(vec![lon.to_json(), lat.to_json()]),
        );
        Geo(m)
    }

    /// The GeoJSON `type`.
    pub fn geo_type(&self) -> &str {
        self.0.get("type").and_then(Value::as_str).unwrap_or("")
    }

    /// The object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The object, consumed.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    /// The SRID from a `crs` member `{"type":"name","properties":{"name":"EPSG:n"}}`.
    pub fn srid(&self) -> Option<u32> {
        let name = self
            .0
            .get("crs")?
            .get("properties")?
            .get("name")?
            .as_str()?;
        name.strip_prefix("EPSG:")?.parse().ok()
    }

    /// The URL literal `geography'SRID=4326;Point(142.1 64.1)'`; `None` when the
    /// coordinates are malformed.
    pub fn to_url_literal(&self, kind: GeoKind) -> Option<String> {
        let (prefix, default_srid) = match kind {
            GeoKind::Geography => ("geography", 4326),
            GeoKind::Geometry => ("geometry", 0),
        };
        let srid = self.srid().unwrap_or(default_srid);
        let mut wkt = String::new();
        write_wkt(&Value::Object(self.0.clone()), &mut wkt)?;
        Some(format!("{prefix}'SRID={srid};{wkt}'"))
    }
}

fn wkt_position(v: &Value, out: &mut String) -> Option<()> {
    let a = v.as_array()?;
    if a.len() < 2 {
        return None;
    }
    for (i, c) in a.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let f = c.as_f64()?;
        out.push_str(&f.to_string());
    }
    Some(())
}

/// `depth` 0: a position; 1: a list of positions; 2: a list of lists …
fn wkt_list(v: &Value, depth: u8, out: &mut String) -> Option<()> {
    if depth == 0 {
        return wkt_position(v, out);
    }
    let a = v.as_array()?;
    out.push('(');
    for (i, item) in a.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if depth == 1 {
            wkt_position(item, out)?;
        } else {
            wkt_list(item, depth - 1, out)?;
        }
    }
    out.push(')');
    Some(())
}

fn write_wkt(v: &Value, out: &mut String) -> Option<()> {
    let t = v.get("type")?.as_str()?;
    if t == "GeometryCollection" {
        out.push_str("Collection(");
        for (i, g) in v.get("geometries")?.as_array()?.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_wkt(g, out)?;
        }
        out.push(')');
        return Some(());
    }
    let c = v.get("coordinates")?;
    out.push_str(t);
    match t {
        "Point" => {
            out.push('(');
            wkt_position(c, out)?;
            out.push(')');
        }
        "LineString" => wkt_list(c, 1, out)?,
        "Polygon" | "MultiLineString" => wkt_list(c, 2, out)?,
        "MultiPolygon" => wkt_list(c, 3, out)?,
        "MultiPoint" => {
            let a = c.as_array()?;
            out.push('(');
            for (i, p) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('(');
                wkt_position(p, out)?;
                out.push(')');
            }
            out.push(')');
        }
        _ => return None,
    }
    Some(())
}

impl FromStr for Geo {
    type Err = ParseError;
    /// Parse GeoJSON text.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => Geo::new(m).map_err(|_| ParseError::new("Edm.Geography", s)),
            _ => Err(ParseError::new("Edm.Geography", s)),
        }
    }
}

impl fmt::Display for Geo {
    /// GeoJSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Value::Object(self.0.clone()))
    }
}

impl FromJson for Geo {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let value = d.value(path)?;
        Self::from_json(value, path)
    }
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::Object(m) => Geo::new(m).map_err(|e| DecodeError::new(path, e)),
            other => Err(DecodeError::expected(path, "GeoJSON object", &other)),
        }
    }
}

impl ToJson for Geo {
    fn encode(&self, w: &mut Encoder) {
        w.value(&self.to_json());
    }
    fn to_json(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

serde_bridge!(Geo);
