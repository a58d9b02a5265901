//! Feeds arbitrary bytes to the CSDL reader, XML and JSON: it must return a model or
//! located errors, never panic. Besides the main file the input may hold referenced
//! documents: the bytes are split at `\0` into `main.xml`, `r1.xml`, `r2.xml`, ... so
//! that references, reference cycles and missing references are exercised too. Input
//! starting with `{` is CSDL JSON, and its files are named `main.json`, `r1.json`, ...
//! (documents are told apart by content first, by name second, so mixed inputs happen).
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parts: Vec<&str> = text.split('\0').collect();
    let ext = if text.starts_with('{') { "json" } else { "xml" };
    let files: Vec<(PathBuf, &str)> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let name = if i == 0 { format!("main.{ext}") } else { format!("r{i}.{ext}") };
            (PathBuf::from("fuzz").join(name), *p)
        })
        .collect();
    let read = |p: &Path| files.iter().find(|(n, _)| n == p).map(|(_, t)| t.to_string());
    let main = PathBuf::from("fuzz").join(format!("main.{ext}"));
    match csdl::load_with(&main, &read) {
        Ok(model) => {
            // Exercise the accessors later stages use.
            for i in 0..model.types.len() {
                let id = csdl::model::TypeId(i as u32);
                let _ = model.all_properties(id);
                let _ = model.all_derived(id);
            }
            for i in 0..model.operations.len() {
                let _ = model.operation_annotations(csdl::model::OperationId(i as u32));
            }
            for w in &model.warnings {
                let _ = w.to_string();
            }
        }
        Err(e) => {
            assert!(!e.errors.is_empty());
            let _ = e.to_string();
        }
    }
});
