//! Unit tests of `patch` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::json::{FromJson, ObjectWriter, Path, ToJson};
use odata_runtime::patch::*;
use serde_json::json;

#[test]
fn constructors_and_accessors() {
    let p: Patch<String> = Patch::set("x");
    assert_eq!(p, Patch::Set("x".to_owned()));
    assert_eq!(p.as_set().map(String::as_str), Some("x"));
    assert_eq!(Patch::<i32>::default(), Patch::Unchanged);
    assert!(Patch::<i32>::default().is_unchanged());
    assert!(Patch::<i32>::null().is_null());
    assert_eq!(Patch::from(3), Patch::Set(3));
    assert_eq!(Patch::<i32>::from(None), Patch::Null);
    assert_eq!(Patch::from(Some(4)), Patch::Set(4));
    assert_eq!(Patch::Set(2).map(|v| v * 2), Patch::Set(4));
    assert_eq!(Patch::Set(1).into_option(), Some(Some(1)));
    assert_eq!(Patch::<i32>::Null.into_option(), Some(None));
    assert_eq!(Patch::<i32>::Unchanged.into_option(), None);
    assert_eq!(Patch::Set(1).as_ref(), Patch::Set(&1));
}

#[test]
fn wire_forms() {
    let mut w = ObjectWriter::new();
    w.patch("a", &Patch::<i32>::Unchanged)
        .patch("b", &Patch::<i32>::Null)
        .patch("c", &Patch::<i32>::set(5));
    assert_eq!(w.finish(), json!({"b": null, "c": 5}));
    assert_eq!(
        Patch::<i32>::from_json(json!(null), &Path::ROOT).unwrap(),
        Patch::Null
    );
    assert_eq!(
        Patch::<i32>::from_json(json!(1), &Path::ROOT).unwrap(),
        Patch::Set(1)
    );
    assert!(Patch::<i32>::from_json(json!("1x"), &Path::ROOT).is_err());
    assert_eq!(
        Patch::<bool>::set(true).as_set().unwrap().to_json(),
        json!(true)
    );
}
