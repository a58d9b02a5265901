//! Every Edm primitive exactly as OData JSON carries it, through the generated
//! obstacle-course crate (`PrimitiveZoo` declares one property per primitive).

use obstacle_course::models::obstacle_course::{Color, PermissionFlags, PrimitiveZoo, Resolution};
use obstacle_course::runtime::json::{FromJson, Path, ToJson};
use serde_json::json;

fn zoo(v: serde_json::Value) -> Result<PrimitiveZoo, String> {
    PrimitiveZoo::from_json(v, &Path::ROOT).map_err(|e| e.to_string())
}

#[test]
fn primitives_round_trip_in_their_wire_forms() {
    let input = json!({
        "guidKey": "01234567-89ab-cdef-0123-456789abcdef",
        "binary": "T0RhdGE",
        "boolean": true,
        "byte": 255,
        "date": "2024-02-29",
        "dateTimeOffset": "2016-12-31T23:59:37.9174975-08:00",
        "decimal": "12345678901234567890.123456789",
        "double": "INF",
        "duration": "P1DT2H3M4.5S",
        "guid": "01234567-89ab-cdef-0123-456789abcdef",
        "int16": -32768,
        "int32": 2147483647,
        "int64": "9007199254740993",
        "sByte": -128,
        "single": 1.5,
        "string": "text",
        "timeOfDay": "23:59:59.1234567",
        "geographyPoint": {"type": "Point", "coordinates": [1.0, 2.0]},
        "untyped": {"anything": [1, "two", null]},
        "amount": "19.9900",
        "favoriteColor": "blue",
        "resolution": "somethingNew",
        "flagsList": ["read,write", "execute,brandNew"]
    });
    let v = zoo(input.clone()).unwrap();
    assert_eq!(v.double, Some(f64::INFINITY));
    assert_eq!(v.int64, Some(9_007_199_254_740_993));
    assert_eq!(v.favorite_color, Some(Color::from("blue")));
    assert!(matches!(v.resolution, Some(Resolution::Unknown(_))));
    assert_eq!(
        v.resolution.as_ref().map(Resolution::as_str),
        Some("somethingNew")
    );
    let flags = v.flags_list.as_ref().unwrap();
    assert!(flags[0].contains(&PermissionFlags::from("write")));
    assert!(flags[1].contains(&PermissionFlags::from("brandNew")));
    assert!(matches!(
        flags[1].as_slice()[1],
        PermissionFlags::Unknown(_)
    ));
    assert_eq!(v.additional.len(), 0, "{:?}", v.additional);
    let back = v.to_json();
    for key in [
        "guidKey",
        "boolean",
        "byte",
        "date",
        "dateTimeOffset",
        "decimal",
        "double",
        "duration",
        "guid",
        "int16",
        "int32",
        "sByte",
        "single",
        "string",
        "timeOfDay",
        "geographyPoint",
        "untyped",
        "favoriteColor",
        "resolution",
        "flagsList",
    ] {
        assert_eq!(back[key], input[key], "{key}");
    }
    // Binary is written as base64url (padding is the runtime's choice); the bytes are kept.
    let again = zoo(back.clone()).unwrap();
    assert_eq!(again.binary, v.binary);
    // Decimal: the value is kept (the runtime may normalise trailing zeros).
    assert!(
        back["amount"] == json!(19.99) || back["amount"] == json!("19.9900"),
        "{}",
        back["amount"]
    );
    // Int64 may come as a string (IEEE754Compatible) or a number; the value is what counts.
    assert!(
        back["int64"] == json!(9_007_199_254_740_993_i64)
            || back["int64"] == json!("9007199254740993")
    );
}

#[test]
fn numbers_in_number_form_and_special_doubles() {
    let v = zoo(json!({"int64": 42, "decimal": 1.25, "double": "-INF", "single": "NaN"})).unwrap();
    assert_eq!(v.int64, Some(42));
    assert_eq!(v.double, Some(f64::NEG_INFINITY));
    assert!(v.single.unwrap().is_nan());
    assert_eq!(v.to_json()["double"], json!("-INF"));
}

#[test]
fn wrong_primitive_forms_fail_with_the_path() {
    for (body, path) in [
        (json!({"boolean": "true"}), "$.boolean"),
        (json!({"byte": 256}), "$.byte"),
        (json!({"date": "2024-13-01"}), "$.date"),
        (json!({"guid": "not-a-guid"}), "$.guid"),
        (json!({"int32": 1.5}), "$.int32"),
        (json!({"flagsList": [true, "read"]}), "$.flagsList[0]"),
    ] {
        let err = zoo(body.clone()).unwrap_err();
        assert!(err.starts_with(&format!("at {path}:")), "{body}: {err}");
    }
}
