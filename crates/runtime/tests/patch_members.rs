//! `Patch<T>` as a member of a JSON object, through the public reader and writer methods
//! (`ObjectReader::take_patch`, `ObjectWriter::patch`, which live in `patch.rs`).

use odata_runtime::json::{ObjectReader, ObjectWriter, Path};
use odata_runtime::patch::Patch;
use serde_json::json;

#[test]
fn take_patch_tells_absent_null_and_set_apart_and_locates_errors() {
    let value = json!({"n": null, "s": 7, "bad": "seven", "keep": true});
    let mut r = ObjectReader::new(value, &Path::ROOT, "ns.T").unwrap();
    assert_eq!(r.take_patch::<i32>("absent").unwrap(), Patch::Unchanged);
    assert_eq!(r.take_patch::<i32>("n").unwrap(), Patch::Null);
    assert_eq!(r.take_patch::<i32>("s").unwrap(), Patch::Set(7));
    let e = r.take_patch::<i32>("bad").unwrap_err();
    assert!(e.to_string().starts_with("at $.bad: "), "{e}");
    // Each taken member is removed; the others stay for `rest`.
    assert_eq!(r.take_patch::<i32>("s").unwrap(), Patch::Unchanged);
    let rest = r.rest();
    assert_eq!(rest.keys().collect::<Vec<_>>(), ["keep"]);
}

#[test]
fn writer_skips_unchanged_writes_null_and_values() {
    let mut w = ObjectWriter::new();
    w.patch("u", &Patch::<i32>::Unchanged)
        .patch("n", &Patch::<String>::Null)
        .patch("s", &Patch::<String>::set("x"))
        .patch("v", &Patch::Set(vec![1, 2]));
    assert_eq!(w.finish(), json!({"n": null, "s": "x", "v": [1, 2]}));
}
