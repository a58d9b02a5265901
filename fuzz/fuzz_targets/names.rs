//! Arbitrary names and descriptions through the reader and the generator: the input is
//! split at NUL bytes into 12 names and 5 descriptions (missing names are plain ones),
//! placed in a small CSDL document, read and generated. The reader must answer with
//! located errors, or every generated file must parse with `syn` and hold no doctest,
//! no HTML and no foreign link (the check of `crates/codegen/tests/support/inert.rs`).
#![no_main]

#[path = "../../crates/codegen/tests/support/inert.rs"]
mod inert;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut fields = text.split('\0');
    let mut names: [String; 12] = Default::default();
    for (i, n) in names.iter_mut().enumerate() {
        // A missing field is a plain name (`entity_type`).
        *n = fields
            .next()
            .map_or_else(|| inert::NAMES[i].replace(' ', "_"), str::to_string);
    }
    let mut descriptions: [String; inert::DESCRIPTIONS] = Default::default();
    for d in descriptions.iter_mut() {
        *d = fields.next().unwrap_or_default().to_string();
    }
    let xml = inert::document(&names, &descriptions);
    if let Err(e) = inert::read_and_generate(&xml) {
        panic!("{e}");
    }
});
