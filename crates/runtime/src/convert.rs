//! Conversions between the Edm types of [`edm`](super::edm) and the crates a program
//! already uses, each behind a cargo feature of the generated crate (all off by default,
//! so the default dependency set stays small):
//!
//! | feature | conversions (both directions) |
//! |---|---|
//! | `chrono` | `DateTimeOffset` ⇄ `DateTime<FixedOffset>`, `DateTime<Utc>`; `Date` ⇄ `NaiveDate`; `TimeOfDay` ⇄ `NaiveTime`; `Duration` ⇄ `TimeDelta` |
//! | `time` | `DateTimeOffset` ⇄ `OffsetDateTime`; `Date` ⇄ `time::Date`; `TimeOfDay` ⇄ `time::Time`; `Duration` ⇄ `time::Duration` |
//! | `jiff` | `DateTimeOffset` ⇄ `Zoned` (fixed offset), `Timestamp`; `Date` ⇄ `civil::Date`; `TimeOfDay` ⇄ `civil::Time`; `Duration` ⇄ `SignedDuration` |
//! | `uuid` | `Guid` ⇄ `Uuid` |
//! | `rust_decimal` | `Decimal` ⇄ `rust_decimal::Decimal` |
//!
//! `Binary` ⇄ `bytes::Bytes` needs no feature (the runtime depends on `bytes`).
//!
//! A conversion that cannot lose anything is `From`; one the target may not hold is
//! `TryFrom` with [`ConvertError`]: a year outside the target's range, a fraction with
//! a non-zero digit beyond the ninth (the Edm types keep up to 12), an offset that is
//! not a whole number of minutes or beyond ±23:59, a leap second, a decimal with more
//! than 28 fraction digits or outside ±7.9e28, `INF`/`NaN`. Offsets are kept: a
//! `DateTimeOffset` at `-08:00` becomes a `DateTime<FixedOffset>` at `-08:00` and back.
//! Values made from a UTC type (`DateTime<Utc>`, `Timestamp`) are written with `Z`.

use std::fmt;

#[allow(unused_imports)]
use super::edm::{Binary, Date, DateTimeOffset, Decimal, Duration, Guid, TimeOfDay, UtcOffset};

/// A value that the target type cannot hold (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvertError {
    from: &'static str,
    to: &'static str,
}

impl ConvertError {
    #[allow(dead_code)]
    fn new(from: &'static str, to: &'static str) -> ConvertError {
        ConvertError { from, to }
    }
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "this {} value does not fit {}", self.from, self.to)
    }
}

impl std::error::Error for ConvertError {}

// ---- shared parts -----------------------------------------------------------------

/// A date as (year, month, day).
type DateParts = (i32, u8, u8);
/// A time as (hour, minute, second, nanosecond).
type TimeParts = (u8, u8, u8, u32);

/// An offset of `seconds` east of UTC, if it is whole minutes within ±23:59.
#[allow(dead_code)]
fn offset_of(seconds: i32) -> Option<UtcOffset> {
    let abs = seconds.unsigned_abs();
    if abs % 60 != 0 || abs >= 24 * 3600 {
        return None;
    }
    Some(UtcOffset::Fixed {
        negative: seconds < 0,
        hours: (abs / 3600) as u8,
        minutes: (abs / 60 % 60) as u8,
    })
}

/// Hour, minute, second and nanosecond of a time whose fraction fits nanoseconds.
#[allow(dead_code)]
fn time_parts(t: &TimeOfDay, to: &'static str) -> Result<TimeParts, ConvertError> {
    if !t.is_nanosecond_exact() {
        return Err(ConvertError::new("Edm.TimeOfDay", to));
    }
    Ok((t.hour(), t.minute(), t.second(), t.nanosecond()))
}

/// The signed length of a duration in nanoseconds, if exact.
#[allow(dead_code)]
fn duration_nanos(d: &Duration, to: &'static str) -> Result<i128, ConvertError> {
    match d.total_nanos() {
        Some(n) if d.is_nanosecond_exact() => Ok(n),
        _ => Err(ConvertError::new("Edm.Duration", to)),
    }
}

/// A duration of `nanos` (signed), in normalised form.
#[allow(dead_code)]
fn duration_of(nanos: i128) -> Option<Duration> {
    let abs = nanos.unsigned_abs();
    let secs = u64::try_from(abs / 1_000_000_000).ok()?;
    let d = Duration::from_std(std::time::Duration::new(secs, (abs % 1_000_000_000) as u32));
    Some(if nanos < 0 { d.negated() } else { d })
}

/// A date-time from its local parts and offset.
#[allow(dead_code)]
fn date_time_of(
    (year, month, day): DateParts,
    (hour, minute, second, nanos): TimeParts,
    offset: Option<UtcOffset>,
    from: &'static str,
) -> Result<DateTimeOffset, ConvertError> {
    let err = || ConvertError::new(from, "Edm.DateTimeOffset");
    let date = Date::new(year, month, day).ok_or_else(err)?;
    let time = TimeOfDay::with_nanos(hour, minute, second, nanos).ok_or_else(err)?;
    Ok(DateTimeOffset::new(date, time, offset.ok_or_else(err)?))
}

// ---- chrono -------------------------------------------------------------------------

#[cfg(feature = "chrono")]
mod chrono_impls {
    use chrono::{Datelike, Timelike};

    use super::*;

    const DT: &str = "chrono::DateTime";

    impl TryFrom<Date> for chrono::NaiveDate {
        type Error = ConvertError;
        fn try_from(d: Date) -> Result<Self, ConvertError> {
            chrono::NaiveDate::from_ymd_opt(d.year(), u32::from(d.month()), u32::from(d.day()))
                .ok_or(ConvertError::new("Edm.Date", "chrono::NaiveDate"))
        }
    }

    impl TryFrom<chrono::NaiveDate> for Date {
        type Error = ConvertError;
        fn try_from(d: chrono::NaiveDate) -> Result<Self, ConvertError> {
            Date::new(d.year(), d.month() as u8, d.day() as u8)
                .ok_or(ConvertError::new("chrono::NaiveDate", "Edm.Date"))
        }
    }

    impl TryFrom<TimeOfDay> for chrono::NaiveTime {
        type Error = ConvertError;
        fn try_from(t: TimeOfDay) -> Result<Self, ConvertError> {
            let (h, m, s, n) = time_parts(&t, "chrono::NaiveTime")?;
            chrono::NaiveTime::from_hms_nano_opt(u32::from(h), u32::from(m), u32::from(s), n)
                .ok_or(ConvertError::new("Edm.TimeOfDay", "chrono::NaiveTime"))
        }
    }

    impl TryFrom<chrono::NaiveTime> for TimeOfDay {
        type Error = ConvertError;
        fn try_from(t: chrono::NaiveTime) -> Result<Self, ConvertError> {
            // A leap second (nanosecond ≥ 10⁹) has no Edm form.
            TimeOfDay::with_nanos(
                t.hour() as u8,
                t.minute() as u8,
                t.second() as u8,
                t.nanosecond(),
            )
            .ok_or(ConvertError::new("chrono::NaiveTime", "Edm.TimeOfDay"))
        }
    }

    fn local_parts(d: chrono::NaiveDateTime) -> Result<(DateParts, TimeParts), ConvertError> {
        let t: TimeOfDay = d.time().try_into()?;
        Ok((
            (d.year(), d.month() as u8, d.day() as u8),
            (t.hour(), t.minute(), t.second(), t.nanosecond()),
        ))
    }

    impl TryFrom<DateTimeOffset> for chrono::DateTime<chrono::FixedOffset> {
        type Error = ConvertError;
        fn try_from(v: DateTimeOffset) -> Result<Self, ConvertError> {
            let err = ConvertError::new("Edm.DateTimeOffset", DT);
            let date: chrono::NaiveDate = v.date().try_into().map_err(|_| err)?;
            let time: chrono::NaiveTime = v.time().try_into().map_err(|_| err)?;
            let offset = chrono::FixedOffset::east_opt(v.offset().seconds()).ok_or(err)?;
            chrono::NaiveDateTime::new(date, time)
                .and_local_timezone(offset)
                .single()
                .ok_or(err)
        }
    }

    impl TryFrom<chrono::DateTime<chrono::FixedOffset>> for DateTimeOffset {
        type Error = ConvertError;
        fn try_from(v: chrono::DateTime<chrono::FixedOffset>) -> Result<Self, ConvertError> {
            let (date, time) = local_parts(v.naive_local())?;
            let offset = offset_of(v.offset().local_minus_utc());
            date_time_of(date, time, offset, DT)
        }
    }

    impl TryFrom<DateTimeOffset> for chrono::DateTime<chrono::Utc> {
        type Error = ConvertError;
        fn try_from(v: DateTimeOffset) -> Result<Self, ConvertError> {
            let fixed: chrono::DateTime<chrono::FixedOffset> = v.try_into()?;
            Ok(fixed.with_timezone(&chrono::Utc))
        }
    }

    impl TryFrom<chrono::DateTime<chrono::Utc>> for DateTimeOffset {
        type Error = ConvertError;
        fn try_from(v: chrono::DateTime<chrono::Utc>) -> Result<Self, ConvertError> {
            let (date, time) = local_parts(v.naive_utc())?;
            date_time_of(date, time, Some(UtcOffset::Z), DT)
        }
    }

    impl TryFrom<Duration> for chrono::TimeDelta {
        type Error = ConvertError;
        fn try_from(d: Duration) -> Result<Self, ConvertError> {
            let err = ConvertError::new("Edm.Duration", "chrono::TimeDelta");
            let n = duration_nanos(&d, "chrono::TimeDelta")?;
            let secs = i64::try_from(n.div_euclid(1_000_000_000)).map_err(|_| err)?;
            chrono::TimeDelta::new(secs, n.rem_euclid(1_000_000_000) as u32).ok_or(err)
        }
    }

    impl TryFrom<chrono::TimeDelta> for Duration {
        type Error = ConvertError;
        fn try_from(d: chrono::TimeDelta) -> Result<Self, ConvertError> {
            let n = i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos());
            duration_of(n).ok_or(ConvertError::new("chrono::TimeDelta", "Edm.Duration"))
        }
    }
}

// ---- time ---------------------------------------------------------------------------

#[cfg(feature = "time")]
mod time_impls {
    use super::*;

    const ODT: &str = "time::OffsetDateTime";

    impl TryFrom<Date> for time::Date {
        type Error = ConvertError;
        fn try_from(d: Date) -> Result<Self, ConvertError> {
            let err = ConvertError::new("Edm.Date", "time::Date");
            let month = time::Month::try_from(d.month()).map_err(|_| err)?;
            time::Date::from_calendar_date(d.year(), month, d.day()).map_err(|_| err)
        }
    }

    impl TryFrom<time::Date> for Date {
        type Error = ConvertError;
        fn try_from(d: time::Date) -> Result<Self, ConvertError> {
            Date::new(d.year(), u8::from(d.month()), d.day())
                .ok_or(ConvertError::new("time::Date", "Edm.Date"))
        }
    }

    impl TryFrom<TimeOfDay> for time::Time {
        type Error = ConvertError;
        fn try_from(t: TimeOfDay) -> Result<Self, ConvertError> {
            let (h, m, s, n) = time_parts(&t, "time::Time")?;
            time::Time::from_hms_nano(h, m, s, n)
                .map_err(|_| ConvertError::new("Edm.TimeOfDay", "time::Time"))
        }
    }

    impl TryFrom<time::Time> for TimeOfDay {
        type Error = ConvertError;
        fn try_from(t: time::Time) -> Result<Self, ConvertError> {
            TimeOfDay::with_nanos(t.hour(), t.minute(), t.second(), t.nanosecond())
                .ok_or(ConvertError::new("time::Time", "Edm.TimeOfDay"))
        }
    }

    impl TryFrom<DateTimeOffset> for time::OffsetDateTime {
        type Error = ConvertError;
        fn try_from(v: DateTimeOffset) -> Result<Self, ConvertError> {
            let err = ConvertError::new("Edm.DateTimeOffset", ODT);
            let date: time::Date = v.date().try_into().map_err(|_| err)?;
            let t: time::Time = v.time().try_into().map_err(|_| err)?;
            let offset =
                time::UtcOffset::from_whole_seconds(v.offset().seconds()).map_err(|_| err)?;
            Ok(time::PrimitiveDateTime::new(date, t).assume_offset(offset))
        }
    }

    impl TryFrom<time::OffsetDateTime> for DateTimeOffset {
        type Error = ConvertError;
        fn try_from(v: time::OffsetDateTime) -> Result<Self, ConvertError> {
            let t = v.time();
            let offset = if v.offset().is_utc() {
                Some(UtcOffset::Z)
            } else {
                offset_of(v.offset().whole_seconds())
            };
            date_time_of(
                (v.year(), u8::from(v.month()), v.day()),
                (t.hour(), t.minute(), t.second(), t.nanosecond()),
                offset,
                ODT,
            )
        }
    }

    impl TryFrom<Duration> for time::Duration {
        type Error = ConvertError;
        fn try_from(d: Duration) -> Result<Self, ConvertError> {
            let err = ConvertError::new("Edm.Duration", "time::Duration");
            let n = duration_nanos(&d, "time::Duration")?;
            let secs = i64::try_from(n / 1_000_000_000).map_err(|_| err)?;
            Ok(time::Duration::new(secs, (n % 1_000_000_000) as i32))
        }
    }

    impl TryFrom<time::Duration> for Duration {
        type Error = ConvertError;
        fn try_from(d: time::Duration) -> Result<Self, ConvertError> {
            duration_of(d.whole_nanoseconds())
                .ok_or(ConvertError::new("time::Duration", "Edm.Duration"))
        }
    }
}

// ---- jiff ---------------------------------------------------------------------------

#[cfg(feature = "jiff")]
mod jiff_impls {
    use super::*;

    impl TryFrom<Date> for jiff::civil::Date {
        type Error = ConvertError;
        fn try_from(d: Date) -> Result<Self, ConvertError> {
            let err = ConvertError::new("Edm.Date", "jiff::civil::Date");
            let year = i16::try_from(d.year()).map_err(|_| err)?;
            jiff::civil::Date::new(year, d.month() as i8, d.day() as i8).map_err(|_| err)
        }
    }

    impl TryFrom<jiff::civil::Date> for Date {
        type Error = ConvertError;
        fn try_from(d: jiff::civil::Date) -> Result<Self, ConvertError> {
            Date::new(i32::from(d.year()), d.month() as u8, d.day() as u8)
                .ok_or(ConvertError::new("jiff::civil::Date", "Edm.Date"))
        }
    }

    impl TryFrom<TimeOfDay> for jiff::civil::Time {
        type Error = ConvertError;
        fn try_from(t: TimeOfDay) -> Result<Self, ConvertError> {
            let (h, m, s, n) = time_parts(&t, "jiff::civil::Time")?;
            jiff::civil::Time::new(h as i8, m as i8, s as i8, n as i32)
                .map_err(|_| ConvertError::new("Edm.TimeOfDay", "jiff::civil::Time"))
        }
    }

    impl TryFrom<jiff::civil::Time> for TimeOfDay {
        type Error = ConvertError;
        fn try_from(t: jiff::civil::Time) -> Result<Self, ConvertError> {
            TimeOfDay::with_nanos(
                t.hour() as u8,
                t.minute() as u8,
                t.second() as u8,
                t.subsec_nanosecond() as u32,
            )
            .ok_or(ConvertError::new("jiff::civil::Time", "Edm.TimeOfDay"))
        }
    }

    /// A `Zoned` in a fixed-offset time zone: the offset is kept.
    impl TryFrom<DateTimeOffset> for jiff::Zoned {
        type Error = ConvertError;
        fn try_from(v: DateTimeOffset) -> Result<Self, ConvertError> {
            let err = ConvertError::new("Edm.DateTimeOffset", "jiff::Zoned");
            let date: jiff::civil::Date = v.date().try_into().map_err(|_| err)?;
            let time: jiff::civil::Time = v.time().try_into().map_err(|_| err)?;
            let offset = jiff::tz::Offset::from_seconds(v.offset().seconds()).map_err(|_| err)?;
            jiff::civil::DateTime::from_parts(date, time)
                .to_zoned(jiff::tz::TimeZone::fixed(offset))
                .map_err(|_| err)
        }
    }

    /// The local date and time of the `Zoned` with its offset at that instant.
    impl TryFrom<jiff::Zoned> for DateTimeOffset {
        type Error = ConvertError;
        fn try_from(v: jiff::Zoned) -> Result<Self, ConvertError> {
            let (d, t) = (v.date(), v.time());
            date_time_of(
                (i32::from(d.year()), d.month() as u8, d.day() as u8),
                (
                    t.hour() as u8,
                    t.minute() as u8,
                    t.second() as u8,
                    t.subsec_nanosecond() as u32,
                ),
                offset_of(v.offset().seconds()),
                "jiff::Zoned",
            )
        }
    }

    impl TryFrom<DateTimeOffset> for jiff::Timestamp {
        type Error = ConvertError;
        fn try_from(v: DateTimeOffset) -> Result<Self, ConvertError> {
            let err = ConvertError::new("Edm.DateTimeOffset", "jiff::Timestamp");
            if !v.time().is_nanosecond_exact() {
                return Err(err);
            }
            jiff::Timestamp::from_nanosecond(v.unix_nanos()).map_err(|_| err)
        }
    }

    impl TryFrom<jiff::Timestamp> for DateTimeOffset {
        type Error = ConvertError;
        fn try_from(v: jiff::Timestamp) -> Result<Self, ConvertError> {
            DateTimeOffset::from_unix_nanos(v.as_nanosecond())
                .ok_or(ConvertError::new("jiff::Timestamp", "Edm.DateTimeOffset"))
        }
    }

    impl TryFrom<Duration> for jiff::SignedDuration {
        type Error = ConvertError;
        fn try_from(d: Duration) -> Result<Self, ConvertError> {
            let err = ConvertError::new("Edm.Duration", "jiff::SignedDuration");
            let n = duration_nanos(&d, "jiff::SignedDuration")?;
            let secs = i64::try_from(n / 1_000_000_000).map_err(|_| err)?;
            Ok(jiff::SignedDuration::new(secs, (n % 1_000_000_000) as i32))
        }
    }

    impl TryFrom<jiff::SignedDuration> for Duration {
        type Error = ConvertError;
        fn try_from(d: jiff::SignedDuration) -> Result<Self, ConvertError> {
            duration_of(d.as_nanos())
                .ok_or(ConvertError::new("jiff::SignedDuration", "Edm.Duration"))
        }
    }
}

// ---- uuid, rust_decimal; bytes ----------------------------------------------------------

#[cfg(feature = "uuid")]
mod uuid_impls {
    use super::*;

    impl From<Guid> for uuid::Uuid {
        fn from(g: Guid) -> Self {
            uuid::Uuid::from_bytes(*g.as_bytes())
        }
    }

    impl From<uuid::Uuid> for Guid {
        fn from(u: uuid::Uuid) -> Self {
            Guid::from_bytes(*u.as_bytes())
        }
    }
}

#[cfg(feature = "rust_decimal")]
mod rust_decimal_impls {
    use super::*;

    /// Exact: the decimal text is parsed (`1.50` keeps its scale; an exponent is
    /// applied); refused beyond 28 fraction digits or ±7.9e28, and for `INF`/`NaN`.
    impl TryFrom<&Decimal> for rust_decimal::Decimal {
        type Error = ConvertError;
        fn try_from(d: &Decimal) -> Result<Self, ConvertError> {
            let err = ConvertError::new("Edm.Decimal", "rust_decimal::Decimal");
            let text = d.as_str();
            if text.contains(['e', 'E']) {
                rust_decimal::Decimal::from_scientific(text).map_err(|_| err)
            } else {
                rust_decimal::Decimal::from_str_exact(text).map_err(|_| err)
            }
        }
    }

    impl TryFrom<Decimal> for rust_decimal::Decimal {
        type Error = ConvertError;
        fn try_from(d: Decimal) -> Result<Self, ConvertError> {
            rust_decimal::Decimal::try_from(&d)
        }
    }

    impl From<rust_decimal::Decimal> for Decimal {
        fn from(d: rust_decimal::Decimal) -> Self {
            // `Display` of rust_decimal is plain decimal notation, which Edm.Decimal
            // always accepts.
            Decimal::from_number_text(d.to_string())
        }
    }
}

mod bytes_impls {
    use super::*;

    impl From<Binary> for bytes::Bytes {
        fn from(b: Binary) -> Self {
            bytes::Bytes::from(b.0)
        }
    }

    impl From<bytes::Bytes> for Binary {
        fn from(b: bytes::Bytes) -> Self {
            Binary(b.to_vec())
        }
    }
}
