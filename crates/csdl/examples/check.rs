//! Loads a CSDL file and prints its diagnostics, rustc-style.
//!
//! ```text
//! cargo run -p csdl --example check -- schemas/graph-v1.0.xml
//! ```
//! Exits with status 1 when the file has errors, 2 on bad usage.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: check <file.xml>");
        return ExitCode::from(2);
    };
    let path = PathBuf::from(path);
    match csdl::load(&path) {
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
            ExitCode::SUCCESS
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
            ExitCode::FAILURE
        }
    }
}
