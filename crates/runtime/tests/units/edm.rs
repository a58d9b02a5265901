//! Unit tests of `edm` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::edm::*;
use odata_runtime::json::{FromJson, Path, ToJson};
use odata_runtime::url::UrlLiteral;
use serde_json::json;
use std::fmt;
use std::str::FromStr;

fn round_trip<T: FromStr<Err = ParseError> + fmt::Display>(cases: &[&str]) {
    for c in cases {
        let v: T = c.parse().unwrap_or_else(|e| panic!("{c}: {e}"));
        assert_eq!(v.to_string(), *c);
    }
}

fn rejects<T: FromStr<Err = ParseError> + fmt::Debug>(cases: &[&str]) {
    for c in cases {
        assert!(c.parse::<T>().is_err(), "accepted {c:?}");
    }
}

#[test]
fn decimal() {
    round_trip::<Decimal>(&[
        "0",
        "-1.50",
        "34.95",
        "1e-6",
        "12345678901234567890.123456789",
        "INF",
        "NaN",
    ]);
    rejects::<Decimal>(&["", "1.", ".5", "+1", "1,5", "0x10", "inf", "1 "]);
    // From JSON text a number keeps its exact text: no f64 between (money, 30 digits).
    for text in [
        "1.10",
        "12345678901234567890.123456789",
        "-0.000",
        "1E+2",
        "7",
    ] {
        let d: Decimal = odata_runtime::json::from_str(text).unwrap();
        assert_eq!(d.as_str(), text);
        let via_serde: Decimal = serde_json::from_str(text).unwrap();
        assert_eq!(via_serde.as_str(), text);
    }
    let d: Decimal =
        odata_runtime::json::from_str("\"0.1000000000000000055511151231257827\"").unwrap();
    assert_eq!(d.as_str(), "0.1000000000000000055511151231257827");
    let e = odata_runtime::json::from_str::<Decimal>("[1]")
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected Decimal"), "{e}");
    assert!(odata_runtime::json::from_str::<Decimal>("\"1.\"").is_err());
    assert!(odata_runtime::json::from_str::<Decimal>("01").is_err());
    let d = Decimal::from_json(json!("12345678901234567890.123456789"), &Path::ROOT).unwrap();
    assert_eq!(d.as_str(), "12345678901234567890.123456789");
    assert_eq!(d.to_json(), json!("12345678901234567890.123456789"));
    assert_eq!(
        Decimal::from_json(json!(34.95), &Path::ROOT)
            .unwrap()
            .as_str(),
        "34.95"
    );
    assert_eq!(
        Decimal::from_json(json!(7), &Path::ROOT).unwrap().as_str(),
        "7"
    );
    assert_eq!(Decimal::new("34.95").unwrap().to_json(), json!(34.95));
    assert_eq!(Decimal::new("1.50").unwrap().to_json(), json!(1.5));
    assert_eq!(Decimal::new("-12").unwrap().to_json(), json!(-12));
    assert_eq!(Decimal::new("1e-6").unwrap().to_json(), json!(0.000001));
    assert_eq!(
        Decimal::new("0.1000000000000000055511151231257827")
            .unwrap()
            .to_json(),
        json!("0.1000000000000000055511151231257827")
    );
    assert_eq!(Decimal::new("INF").unwrap().to_json(), json!("INF"));
    assert_eq!(
        Decimal::from_json(json!("abc"), &Path::ROOT.key("p"))
            .unwrap_err()
            .to_string(),
        "at $.p: invalid Edm.Decimal: \"abc\""
    );
    assert!(Decimal::from_json(json!(true), &Path::ROOT).is_err());
    assert_eq!(Decimal::new("2.5").unwrap().to_url_literal(), "2.5");
    assert_eq!(Decimal::from(5i64).to_f64(), 5.0);
    // Extreme exponents neither overflow nor panic.
    for t in ["10e9223372036854775807", "1e-9223372036854775808"] {
        let d = Decimal::new(t).unwrap();
        assert_eq!(d.to_json(), json!(t), "{t}");
    }
    assert_eq!(
        Decimal::new("0e9223372036854775807").unwrap().to_json(),
        json!(0.0)
    );
}

#[test]
fn date() {
    round_trip::<Date>(&[
        "2012-12-03",
        "0000-01-01",
        "-0044-03-15",
        "2000-02-29",
        "12345-01-01",
    ]);
    rejects::<Date>(&[
        "2012-13-01",
        "2012-00-10",
        "2012-02-30",
        "1900-02-29",
        "12-01-01",
        "2012-1-01",
        "2012-01-01T",
        "02012-01-01",
        "",
        "2012/01/01",
        " 2012-01-01",
    ]);
    let d: Date = "2024-02-29".parse().unwrap();
    assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
    assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
    assert_eq!(Date::from_days_since_epoch(-1), Date::new(1969, 12, 31));
    assert_eq!(d.to_json(), json!("2024-02-29"));
    assert_eq!(d.to_url_literal(), "2024-02-29");
    assert!(Date::new(2023, 2, 29).is_none());
    assert!(Date::new(2024, 1, 1) < Date::new(2024, 1, 2));
    assert_eq!(
        Date::from_json(json!(20240101), &Path::ROOT)
            .unwrap_err()
            .to_string(),
        "at $: expected Date, found number 20240101"
    );
}

#[test]
fn time_of_day() {
    round_trip::<TimeOfDay>(&[
        "07:59:59.999",
        "00:00",
        "23:59:59",
        "12:00:00.000000000001",
        "01:02:03.5000",
    ]);
    rejects::<TimeOfDay>(&[
        "24:00:00",
        "12:60",
        "12:00:60",
        "1:00",
        "12:00:00.",
        "12:00:00.1234567890123",
        "12:00.5",
        "12:00:00Z",
    ]);
    let t: TimeOfDay = "07:59:59.1234567891".parse().unwrap();
    assert_eq!(t.nanosecond(), 123_456_789);
    assert_eq!(
        TimeOfDay::with_nanos(1, 2, 3, 500_000_000)
            .unwrap()
            .to_string(),
        "01:02:03.5"
    );
    assert_eq!(
        "00:01:01"
            .parse::<TimeOfDay>()
            .unwrap()
            .nanos_since_midnight(),
        61_000_000_000
    );
}

#[test]
fn date_time_offset() {
    round_trip::<DateTimeOffset>(&[
        "2016-12-31T23:59:37.9174975-08:00",
        "2012-12-03T07:16:23Z",
        "2012-12-03T07:16Z",
        "2012-12-03T07:16:23.000Z",
        "2012-12-03T07:16:23+01:00",
        "2012-12-03T07:16:23-00:00",
        "0001-01-01T00:00:00Z",
        "2012-12-03T07:16:23.123456789012+05:30",
    ]);
    rejects::<DateTimeOffset>(&[
        "2012-12-03T07:16:23",
        "2012-12-03 07:16:23Z",
        "2012-12-03t07:16:23Z",
        "2012-12-03T07:16:23z",
        "2012-12-03T07:16:23+0100",
        "2012-12-03T07:16:23+24:00",
        "2012-12-03T25:16:23Z",
        "2012-12-03T07:16:23.Z",
        "2012-12-03",
        "2012-12-03T07:16:23Z ",
        "2012-12-03T07:16:23.1234567890123Z",
    ]);
    let a: DateTimeOffset = "2016-12-31T23:59:37.9174975-08:00".parse().unwrap();
    let b: DateTimeOffset = "2017-01-01T07:59:37.9174975Z".parse().unwrap();
    assert_ne!(a, b);
    assert_eq!(a.unix_nanos(), b.unix_nanos());
    assert_eq!(a.to_json(), json!("2016-12-31T23:59:37.9174975-08:00"));
    let epoch: DateTimeOffset = "1970-01-01T00:00:00Z".parse().unwrap();
    assert_eq!(epoch.unix_nanos(), 0);
    let back = DateTimeOffset::from_unix_nanos(b.unix_nanos()).unwrap();
    assert_eq!(back.to_string(), "2017-01-01T07:59:37.9174975Z");
    assert_eq!(
        DateTimeOffset::from_unix_nanos(-1).unwrap().to_string(),
        "1969-12-31T23:59:59.999999999Z"
    );
    let st = a.to_system_time();
    assert_eq!(
        DateTimeOffset::from_system_time(st).unwrap().unix_nanos(),
        a.unix_nanos()
    );
    assert_eq!(a.offset().seconds(), -8 * 3600);
    assert_eq!(a.to_url_literal(), "2016-12-31T23:59:37.9174975-08:00");
    assert!(DateTimeOffset::now_utc().unix_nanos() > 0);
    assert_eq!(
        DateTimeOffset::from_json(json!("yesterday"), &Path::ROOT.key("createdDateTime"))
            .unwrap_err()
            .to_string(),
        "at $.createdDateTime: invalid Edm.DateTimeOffset: \"yesterday\""
    );
}

#[test]
fn duration() {
    round_trip::<Duration>(&[
        "P1DT2H3M4.5S",
        "-PT30M",
        "P12DT23H59M59.999999999999S",
        "PT36H",
        "P0D",
        "PT0S",
        "P1D",
        "PT1.000S",
    ]);
    rejects::<Duration>(&[
        "P", "PT", "P1Y", "P1M", "1D", "P1DT", "PT1H2", "PT-1S", "P1.5D", "PT1.S", "PTS", "+P1D",
        "P1DT1S1M", "pt1s", "PT1S ",
    ]);
    let d: Duration = "P1DT2H3M4.5S".parse().unwrap();
    assert_eq!(
        d.total_nanos(),
        Some((86_400 + 7_200 + 180 + 4) * 1_000_000_000 + 500_000_000)
    );
    assert_eq!(
        d.to_std(),
        Some(std::time::Duration::new(93_784, 500_000_000))
    );
    let n: Duration = "-PT1S".parse().unwrap();
    assert!(n.is_negative());
    assert_eq!(n.to_std(), None);
    assert_eq!(
        Duration::from_std(std::time::Duration::new(93_784, 500_000_000)).to_string(),
        "P1DT2H3M4.5S"
    );
    assert_eq!(
        Duration::from_std(std::time::Duration::ZERO).to_string(),
        "PT0S"
    );
    assert_eq!(
        Duration::from_std(std::time::Duration::from_secs(60))
            .negated()
            .to_string(),
        "-PT1M"
    );
    assert_eq!(d.to_url_literal(), "duration'P1DT2H3M4.5S'");
    assert_eq!(d.to_json(), json!("P1DT2H3M4.5S"));
}

#[test]
fn guid() {
    round_trip::<Guid>(&[
        "01234567-89ab-cdef-0123-456789abcdef",
        "00000000-0000-0000-0000-000000000000",
    ]);
    rejects::<Guid>(&[
        "01234567-89ab-cdef-0123-456789abcde",
        "{01234567-89ab-cdef-0123-456789abcdef}",
        "0123456789abcdef0123456789abcdef",
        "01234567-89ab-cdef-0123-456789abcdeg",
        "01234567_89ab-cdef-0123-456789abcdef",
        "0123456-789ab-cdef-0123-456789abcdef",
    ]);
    let g: Guid = "01234567-89AB-CDEF-0123-456789ABCDEF".parse().unwrap();
    assert_eq!(g.to_string(), "01234567-89ab-cdef-0123-456789abcdef");
    assert_eq!(g.to_url_literal(), "01234567-89ab-cdef-0123-456789abcdef");
    assert_eq!(g.as_bytes()[0], 0x01);
    let r = Guid::new_v4();
    assert_eq!(r.to_string().as_bytes()[14], b'4');
    assert_ne!(r, Guid::new_v4());
    assert_eq!(
        Guid::NIL.to_string(),
        "00000000-0000-0000-0000-000000000000"
    );
}

#[test]
fn binary() {
    let cases: &[(&[u8], &str)] = &[
        (b"", ""),
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"OData", "T0RhdGE="),
        (&[0xfb, 0xff], "-_8="),
    ];
    for (bytes, text) in cases {
        assert_eq!(Binary(bytes.to_vec()).to_string(), *text);
        assert_eq!(text.parse::<Binary>().unwrap().0, *bytes);
    }
    assert_eq!("T0RhdGE".parse::<Binary>().unwrap().0, b"OData");
    assert_eq!("+/8=".parse::<Binary>().unwrap().0, vec![0xfb, 0xff]);
    assert_eq!("+/8".parse::<Binary>().unwrap().0, vec![0xfb, 0xff]);
    rejects::<Binary>(&["Z", "Zg===", "Z=g=", "Zg=", "Zm9v!", "Zm 9v"]);
    assert_eq!(
        Binary(b"OData".to_vec()).to_url_literal(),
        "binary'T0RhdGE='"
    );
    assert_eq!(Binary(vec![0xfb, 0xff]).to_base64_standard(), "+/8=");
    assert_eq!(format!("{:?}", Binary(vec![1, 2])), "Binary(2 bytes)");
    assert_eq!(
        Binary::from_json(json!("Zm9v"), &Path::ROOT).unwrap().0,
        b"foo"
    );
}

#[test]
fn geo() {
    let p = Geo::from_json(
        json!({"type": "Point", "coordinates": [142.1, 64.1]}),
        &Path::ROOT,
    )
    .unwrap();
    assert_eq!(p.geo_type(), "Point");
    assert_eq!(
        p.to_url_literal(GeoKind::Geography).unwrap(),
        "geography'SRID=4326;Point(142.1 64.1)'"
    );
    assert_eq!(p, Geo::point(142.1, 64.1));
    let poly = Geo::from_json(
        json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
               "crs": {"type": "name", "properties": {"name": "EPSG:4269"}}}),
        &Path::ROOT,
    )
    .unwrap();
    assert_eq!(poly.srid(), Some(4269));
    assert_eq!(
        poly.to_url_literal(GeoKind::Geometry).unwrap(),
        "geometry'SRID=4269;Polygon((0 0,1 0,1 1,0 0))'"
    );
    let mp: Geo = r#"{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}"#
        .parse()
        .unwrap();
    assert_eq!(
        mp.to_url_literal(GeoKind::Geometry).unwrap(),
        "geometry'SRID=0;MultiPoint((1 2),(3 4))'"
    );
    let coll: Geo =
        r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}"#
            .parse()
            .unwrap();
    assert_eq!(
        coll.to_url_literal(GeoKind::Geography).unwrap(),
        "geography'SRID=4326;Collection(Point(1 2))'"
    );
    let bad: Geo = r#"{"type":"Point","coordinates":"x"}"#.parse().unwrap();
    assert_eq!(bad.to_url_literal(GeoKind::Geography), None);
    assert_eq!(
        Geo::from_json(json!({"type": "Feature"}), &Path::ROOT.key("loc"))
            .unwrap_err()
            .to_string(),
        "at $.loc: unknown GeoJSON type \"Feature\""
    );
    assert!(Geo::from_json(json!({"coordinates": []}), &Path::ROOT).is_err());
    assert!(Geo::from_json(json!("POINT(1 2)"), &Path::ROOT).is_err());
    assert_eq!(
        p.to_json(),
        json!({"type": "Point", "coordinates": [142.1, 64.1]})
    );
}

#[test]
fn serde_impls() {
    let g: Guid = serde_json::from_str("\"01234567-89ab-cdef-0123-456789abcdef\"").unwrap();
    assert_eq!(
        serde_json::to_string(&g).unwrap(),
        "\"01234567-89ab-cdef-0123-456789abcdef\""
    );
    assert!(serde_json::from_str::<Date>("\"2020-13-01\"").is_err());
}

#[test]
fn civil_round_trip() {
    for days in [
        -1_000_000i64,
        -719_468,
        -1,
        0,
        1,
        59,
        365,
        10_957,
        2_932_896,
    ] {
        let (y, m, d) = civil_from_days(days);
        assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
    }
}
