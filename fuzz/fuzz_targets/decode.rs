//! Arbitrary bytes decoded as a JSON response body into the obstacle course's generated
//! types. Decoding answers with a value or a `DecodeError` (never a panic, never a stack
//! overflow, bounded memory); a decoded value re-encodes to JSON that decodes again to a
//! value writing exactly the same JSON (floating-point numbers included: the runtime reads
//! them with serde_json's `float_roundtrip`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use obstacle_course::models::obstacle_course as oc;
use obstacle_course::models::obstacle_type_match as tm;
use obstacle_course::runtime::enums::Flags;
use obstacle_course::runtime::json::{self, FromJson, ToJson, Value};
use obstacle_course::runtime::{Change, ODataError, Page};

/// Decode `data` as a `T`; on success, encode, decode again and require the same JSON.
fn round_trip<T: FromJson + ToJson>(data: &[u8]) {
    let Ok(first) = json::from_slice::<T>(data) else {
        return;
    };
    let encoded = json::to_vec(&first);
    let second = match json::from_slice::<T>(&encoded) {
        Ok(v) => v,
        Err(e) => panic!(
            "{}: re-encoded value does not decode: {e}\n{}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(&encoded)
        ),
    };
    let (a, b) = (first.to_json(), second.to_json());
    assert!(
        a == b,
        "{}: round trip changed the value\n{a}\n{b}",
        std::any::type_name::<T>()
    );
}

/// `Page<T>` has no encoder: decode, then round-trip its items as a collection.
fn page<T: FromJson + ToJson>(data: &[u8]) {
    if let Ok(p) = json::from_slice::<Page<T>>(data) {
        let items = Value::Array(p.items.iter().map(ToJson::to_json).collect());
        round_trip::<Vec<T>>(items.to_string().as_bytes());
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the type, so each input exercises one decoder deeply and the
    // fuzzer can steer towards any of them; the rest is the body.
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 18 {
        // Polymorphic entity and complex types, chosen by `@odata.type`.
        0 => round_trip::<oc::AnyShape0>(body),
        1 => round_trip::<oc::AnyShape2>(body),
        2 => round_trip::<oc::AnyOpenBag>(body),
        // Entity types: every Edm primitive, open types, keys, nested complex values.
        3 => round_trip::<oc::PrimitiveZoo>(body),
        4 => round_trip::<oc::OpenThing>(body),
        5 => round_trip::<oc::OrderLine>(body),
        6 => round_trip::<tm::Widget>(body),
        // Complex types: recursive, deep and keyword-named.
        7 => round_trip::<oc::TreeNode>(body),
        8 => round_trip::<oc::Alpha>(body),
        9 => round_trip::<oc::Drawing>(body),
        // Enums, open and flags.
        10 => round_trip::<Vec<oc::Color>>(body),
        11 => round_trip::<Vec<Flags<oc::PermissionFlags>>>(body),
        // Collections and pages.
        12 => page::<oc::AnyShape0>(body),
        13 => page::<oc::PrimitiveZoo>(body),
        14 => round_trip::<Vec<Option<oc::Level6>>>(body),
        // A delta page: upserts, removals (`@removed`, `$deletedEntity`) and links.
        15 => {
            let _ = json::from_slice::<Page<Change<oc::AnyShape0>>>(body);
        }
        // The error body every failed request is decoded as.
        16 => {
            let _ = json::from_slice::<ODataError>(body);
        }
        // The one-pass reader against serde_json: the same inputs accepted, the same tree
        // read, the same bytes written.
        _ => {
            let ours = json::from_slice::<Value>(body);
            let theirs = serde_json::from_slice::<Value>(body);
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{ours:?} / {theirs:?}");
            if let (Ok(a), Ok(b)) = (ours, theirs) {
                assert_eq!(a, b);
                assert_eq!(json::to_vec(&a), serde_json::to_vec(&b).unwrap());
            }
        }
    }
});
