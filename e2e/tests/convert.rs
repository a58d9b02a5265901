//! The conversion features of a generated crate (`chrono`, `time`, `jiff`, `uuid`,
//! `rust_decimal`; `bytes` always), both ways, at the edges: offsets kept (±14:00, `Z`), 7- and
//! 9-digit fractions exact and 12-digit ones refused unless their tail is zero, leap
//! days, leap seconds, years a target cannot hold, signed durations, decimals beyond 28
//! digits.

use graph_directory::runtime::convert::ConvertError;
use graph_directory::runtime::{Binary, Date, DateTimeOffset, Decimal, Duration, Guid, TimeOfDay};

fn dto(s: &str) -> DateTimeOffset {
    s.parse().unwrap()
}

/// Through `T` and back, the text is unchanged.
fn round_trip<T>(s: &str)
where
    T: TryFrom<DateTimeOffset, Error = ConvertError>,
    DateTimeOffset: TryFrom<T, Error = ConvertError>,
{
    let there = T::try_from(dto(s)).unwrap_or_else(|e| panic!("{s}: {e}"));
    let back = DateTimeOffset::try_from(there).unwrap();
    assert_eq!(back.to_string(), s);
}

#[test]
fn date_time_offsets_keep_their_offset_and_fraction() {
    for s in [
        "2016-12-31T23:59:37.9174975-08:00",
        "2024-02-29T00:00:00+14:00",
        "2024-02-29T12:30:00.123456789-14:00",
        "1969-12-31T23:59:59.5+05:45",
    ] {
        round_trip::<chrono::DateTime<chrono::FixedOffset>>(s);
        round_trip::<time::OffsetDateTime>(s);
        round_trip::<jiff::Zoned>(s);
    }
    // UTC types give `Z`, and an instant in another offset becomes that instant in UTC.
    round_trip::<chrono::DateTime<chrono::Utc>>("2024-02-29T23:00:00Z");
    round_trip::<time::OffsetDateTime>("2024-02-29T23:00:00Z");
    let utc = chrono::DateTime::<chrono::Utc>::try_from(dto("2024-03-01T01:00:00+02:00")).unwrap();
    assert_eq!(utc.to_rfc3339(), "2024-02-29T23:00:00+00:00");
    let ts = jiff::Timestamp::try_from(dto("2024-03-01T01:00:00+02:00")).unwrap();
    assert_eq!(
        DateTimeOffset::try_from(ts).unwrap().to_string(),
        "2024-02-29T23:00:00Z"
    );
    // The offset reaches the target as an offset, not only as an instant.
    let fixed = chrono::DateTime::<chrono::FixedOffset>::try_from(dto("2020-01-01T00:00:00-08:00"))
        .unwrap();
    assert_eq!(fixed.offset().local_minus_utc(), -8 * 3600);
    let odt = time::OffsetDateTime::try_from(dto("2020-01-01T00:00:00+14:00")).unwrap();
    assert_eq!(odt.offset().whole_hours(), 14);
}

#[test]
fn what_a_target_cannot_hold_is_an_error() {
    // A twelfth-digit fraction: nanosecond types cannot hold it (a zero tail is fine).
    let twelve = dto("2024-01-01T00:00:00.123456789012Z");
    assert!(chrono::DateTime::<chrono::FixedOffset>::try_from(twelve).is_err());
    assert!(time::OffsetDateTime::try_from(twelve).is_err());
    assert!(jiff::Zoned::try_from(twelve).is_err());
    assert!(jiff::Timestamp::try_from(twelve).is_err());
    let zero_tail = dto("2024-01-01T00:00:00.123456789000Z");
    assert!(chrono::DateTime::<chrono::Utc>::try_from(zero_tail).is_ok());
    // Years beyond the target's range.
    let far = Date::new(300_000, 1, 1).unwrap();
    assert!(chrono::NaiveDate::try_from(far).is_err());
    assert!(time::Date::try_from(Date::new(10_000, 1, 1).unwrap()).is_err());
    assert!(jiff::civil::Date::try_from(Date::new(10_000, 1, 1).unwrap()).is_err());
    // Offsets with seconds have no Edm form.
    let odd = chrono::FixedOffset::east_opt(3601).unwrap();
    let v = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_local_timezone(odd)
        .unwrap();
    let e = DateTimeOffset::try_from(v).unwrap_err();
    assert_eq!(
        e.to_string(),
        "this chrono::DateTime value does not fit Edm.DateTimeOffset"
    );
    // A leap second.
    let leap = chrono::NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap();
    assert!(TimeOfDay::try_from(leap).is_err());
}

#[test]
fn dates_and_times_both_ways() {
    let leap_day = Date::new(2024, 2, 29).unwrap();
    let c = chrono::NaiveDate::try_from(leap_day).unwrap();
    assert_eq!(c, chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
    assert_eq!(Date::try_from(c).unwrap(), leap_day);
    let t = time::Date::try_from(leap_day).unwrap();
    assert_eq!(t, time::macros::date!(2024 - 02 - 29));
    assert_eq!(Date::try_from(t).unwrap(), leap_day);
    let j = jiff::civil::Date::try_from(leap_day).unwrap();
    assert_eq!(j, jiff::civil::date(2024, 2, 29));
    assert_eq!(Date::try_from(j).unwrap(), leap_day);
    let before_epoch = Date::new(-44, 3, 15).unwrap();
    assert_eq!(
        Date::try_from(chrono::NaiveDate::try_from(before_epoch).unwrap()).unwrap(),
        before_epoch
    );

    let tod: TimeOfDay = "23:59:59.9999999".parse().unwrap();
    let back = |t: TimeOfDay| t.to_string();
    assert_eq!(
        back(
            chrono::NaiveTime::try_from(tod)
                .unwrap()
                .try_into()
                .unwrap()
        ),
        "23:59:59.9999999"
    );
    assert_eq!(
        back(time::Time::try_from(tod).unwrap().try_into().unwrap()),
        "23:59:59.9999999"
    );
    assert_eq!(
        back(
            jiff::civil::Time::try_from(tod)
                .unwrap()
                .try_into()
                .unwrap()
        ),
        "23:59:59.9999999"
    );
}

#[test]
fn durations_keep_their_sign_and_fraction() {
    for (text, nanos) in [
        ("-P1DT2H3M4.5S", -(93_784_500_000_000i128)),
        ("PT0.000000001S", 1),
        ("P10675199DT2H48M5.477580999S", 922_337_203_685_477_580_999),
    ] {
        let d: Duration = text.parse().unwrap();
        let c = chrono::TimeDelta::try_from(d);
        let t = time::Duration::try_from(d).unwrap();
        let j = jiff::SignedDuration::try_from(d).unwrap();
        assert_eq!(t.whole_nanoseconds(), nanos, "{text}");
        assert_eq!(j.as_nanos(), nanos, "{text}");
        for back in [
            Duration::try_from(t).unwrap(),
            Duration::try_from(j).unwrap(),
        ] {
            assert_eq!(back.total_nanos(), Some(nanos), "{text}");
        }
        if let Ok(c) = c {
            assert_eq!(Duration::try_from(c).unwrap().total_nanos(), Some(nanos));
        }
    }
    // Beyond chrono's range (±i64::MAX milliseconds): an error, not a wrap.
    let long: Duration = "P200000000000DT0S".parse().unwrap();
    assert!(chrono::TimeDelta::try_from(long).is_err());
    // Normalised on the way back: 36 hours is written as a day and 12 hours.
    let back = Duration::try_from(chrono::TimeDelta::hours(36)).unwrap();
    assert_eq!(back.to_string(), "P1DT12H");
    let twelve: Duration = "PT1.000000000001S".parse().unwrap();
    assert!(time::Duration::try_from(twelve).is_err());
}

#[test]
fn guids_decimals_and_binary() {
    let g: Guid = "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9".parse().unwrap();
    let u = uuid::Uuid::from(g);
    assert_eq!(u.to_string(), "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
    assert_eq!(Guid::from(u), g);

    let exact = |s: &str| rust_decimal::Decimal::try_from(Decimal::new(s).unwrap());
    assert_eq!(exact("1.50").unwrap().to_string(), "1.50");
    assert_eq!(exact("-1e3").unwrap().to_string(), "-1000");
    assert_eq!(
        exact("79228162514264337593543950335").unwrap(),
        rust_decimal::Decimal::MAX
    );
    assert!(exact("79228162514264337593543950336").is_err());
    assert!(exact("0.12345678901234567890123456789").is_err());
    assert!(exact("INF").is_err() && exact("NaN").is_err());
    let d = Decimal::from(rust_decimal::Decimal::new(-1, 4));
    assert_eq!(d.as_str(), "-0.0001");

    let bin = Binary(vec![0, 255, 1]);
    let b = bytes::Bytes::from(bin.clone());
    assert_eq!(&b[..], [0, 255, 1]);
    assert_eq!(Binary::from(b), bin);
}
