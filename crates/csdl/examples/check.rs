//! Loads CSDL files and prints their diagnostics, rustc-style; a folder stands for
//! every `.xml` and `.json` (CSDL JSON) file under it. The corpus-wide check:
//!
//! ```text
//! cargo run -p csdl --example check -- schemas/graph-v1.0.xml
//! cargo run -p csdl --example check -- ../shared/corpora     # every corpus document,
//!                                                           # the OASIS vocabularies included,
//!                                                           # in XML and in CSDL JSON
//! ```
//! Each file is loaded on its own (its references followed). Exits with status 1 when a
//! file has errors or a path does not exist (named, with what it should be), 2 on bad
//! usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: check <file.xml | folder>...");
        return ExitCode::from(2);
    }
    let mut files = Vec::new();
    for p in &paths {
        if !p.exists() {
            eprintln!(
                "error: `{}` does not exist (the shared corpora are the folder `shared/corpora` beside the repository: `../shared/corpora` from its root)",
                p.display()
            );
            return ExitCode::FAILURE;
        }
        collect(p, &mut files);
    }
    files.sort();
    let mut failed = 0;
    for path in &files {
        if !check(path) {
            failed += 1;
        }
    }
    if files.len() > 1 {
        println!("{} file(s) checked, {failed} with errors", files.len());
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `p` itself, or every `.xml` and `.json` file under it.
fn collect(p: &Path, out: &mut Vec<PathBuf>) {
    if !p.is_dir() {
        out.push(p.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(p) else {
        out.push(p.to_path_buf()); // reported by the load
        return;
    };
    for e in entries.flatten() {
        let q = e.path();
        if q.is_dir() || q.extension().is_some_and(|x| x == "xml" || x == "json") {
            collect(&q, out);
        }
    }
}

/// Loads one file and prints its diagnostics and a summary line; false on errors.
fn check(path: &Path) -> bool {
    match csdl::load(path) {
        Ok(model) => {
            for w in &model.warnings {
                eprintln!("{w}\n");
            }
            let entities = model
                .types
                .iter()
                .filter(|t| matches!(t.kind, csdl::model::TypeKind::Entity(_)))
                .count();
            println!(
                "{}: ok ({} types, {} entity types, {} operations, {} annotated targets, {} warnings)",
                path.display(),
                model.types.len(),
                entities,
                model.operations.len(),
                model.annotations.len(),
                model.warnings.len()
            );
            true
        }
        Err(errors) => {
            for w in &errors.warnings {
                eprintln!("{w}\n");
            }
            for e in &errors.errors {
                eprintln!("{e}\n");
            }
            eprintln!(
                "{}: {} errors, {} warnings",
                path.display(),
                errors.errors.len(),
                errors.warnings.len()
            );
            false
        }
    }
}
