//! OData v4 CSDL → Rust code generator.
//!
//! The pipeline, each stage a named type:
//!
//! ```text
//! csdl::model::Model ──closure──▶ Closure ──ir::build──▶ CrateIr ──emit──▶ Files
//! ```
//!
//! - [`naming`]: every Rust name (casing, keywords, prelude names, collisions);
//! - [`closure`]: which types a crate contains, and why;
//! - [`ir`]: names, shapes and `Box` decisions settled;
//! - [`emit`]: rendering: model files as text in prettyplease's layout (`emit::models`,
//!   checked by `tests/layout.rs`), the client and scaffolding with quote + prettyplease.
//!
//! [`generate`] is a pure function: no I/O. [`Config::generate_into`] reads the schemas
//! and writes the crate with the rules of [`owned`] ([`output`]); the `odata-codegen`
//! command and `cargo xtask codegen` use the same functions.
//!
//! ```no_run
//! // In your own repository's `xtask` (or `build.rs`-free generation step):
//! codegen::Config::for_crate("my-service")
//!     .schema("schemas/my-service.xml")
//!     .roots(["My.Service.Customer", "Orders"])
//!     .service_root("https://example.com/odata")
//!     .generate_into("generated/my-service")?;
//! # Ok::<(), codegen::Error>(())
//! ```

pub mod closure;
pub mod config;
pub mod emit;
pub mod error;
pub mod ir;
pub mod manifest;
pub mod naming;
pub mod output;
pub mod owned;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use config::{Config, ConfigFile, Root, Selection};
pub use error::{Diagnostic, Error, Warning};

/// Generated files: path relative to the crate folder → contents.
pub type Files = BTreeMap<PathBuf, String>;

/// Everything one generation produced.
#[derive(Debug, Clone)]
pub struct Generation {
    /// The files.
    pub files: Files,
    /// Warnings (name collisions resolved with a suffix, …), in a stable order.
    pub warnings: Vec<Warning>,
    /// The closure report (`--explain`).
    pub explain: String,
    /// Counts for the summary.
    pub stats: Stats,
}

/// Counts for the per-crate summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Entity and complex types selected.
    pub structured: usize,
    /// Enumerations selected.
    pub enums: usize,
    /// Type definitions selected.
    pub definitions: usize,
    /// Operations the client offers (bound and imports, each overload once).
    pub operations: usize,
    /// Operations and navigation properties the client leaves out ([`Generation::explain`]
    /// lists each with the reason).
    pub left_out: usize,
}

/// Generates a crate: the closure of `config`'s roots in `model`, rendered.
pub fn generate(config: &Config, model: &csdl::model::Model) -> Result<Files, Error> {
    generate_full(config, model).map(|g| g.files)
}

/// A worker's result, its panic passed on.
fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Like [`generate`], with warnings, the closure report and counts.
pub fn generate_full(config: &Config, model: &csdl::model::Model) -> Result<Generation, Error> {
    // The name lands in Cargo.toml, the crate docs and its example: checked whatever
    // built the config (`ConfigFile::parse` already located the error).
    config::check_package_name(&config.name).map_err(|e| Error::new(e, None))?;
    // Likewise the service roots (a string constant and docs), when built in code.
    for url in config
        .service_root
        .iter()
        .chain(config.service_roots.iter().map(|(_, u)| u))
    {
        config::check_service_root(url).map_err(|e| Error::new(e, None))?;
    }
    let closure = closure::closure(config, model)?;
    let mut ir = ir::build_models(config, model, &closure);
    // The model files render while the client IR is built (it needs the model half
    // only), then `API.txt` while the client renders. Every file lands in a map: the
    // order of the work never shows.
    let (models, client) = std::thread::scope(|s| {
        let models = s.spawn(|| emit::models::emit_all(&ir));
        let client = ir::client::build(&ir, config, model);
        (join(models), client)
    });
    ir::add_client(&mut ir, client);
    let (mut files, api) = std::thread::scope(|s| {
        let api = s.spawn(|| manifest::api_txt(&ir));
        let files = emit::emit_with_models(&ir, models);
        (files, join(api))
    });
    files.insert(PathBuf::from("API.txt"), api);
    let mut stats = Stats::default();
    for id in &closure.types {
        match model.ty(*id).kind {
            csdl::model::TypeKind::Entity(_) | csdl::model::TypeKind::Complex(_) => {
                stats.structured += 1
            }
            csdl::model::TypeKind::Enum(_) => stats.enums += 1,
            csdl::model::TypeKind::Definition(_) => stats.definitions += 1,
        }
    }
    let client = &ir.client;
    let mut ops: std::collections::BTreeSet<(&str, Option<&str>, Vec<&str>)> = Default::default();
    let builders = client
        .modules
        .values()
        .flat_map(|m| m.files.values())
        .flat_map(|f| &f.builders);
    for op in builders
        .flat_map(|b| &b.operations)
        .chain(&client.root.operations)
    {
        let params = op.params.iter().map(|p| p.wire.as_str()).collect();
        ops.insert((&op.qualified, op.import.as_deref(), params));
    }
    stats.operations = ops.len();
    stats.left_out = client.left_out.len();
    let mut explain = closure.explain(model);
    if !client.left_out.is_empty() {
        explain.push_str(&format!(
            "left out of the client ({}):\n",
            client.left_out.len()
        ));
        for l in &client.left_out {
            explain.push_str(&format!("  {}: {}\n", l.what, l.reason));
        }
    }
    let warnings = std::mem::take(&mut ir.warnings);
    // Freeing the IR (~5 ms for whole Graph, measured by leaking it instead) is left to a
    // thread of its own: the caller goes on with the files meanwhile. (Should no thread
    // start, the closure, and the IR with it, is dropped here.)
    let _ = std::thread::Builder::new().spawn(move || drop(ir));
    Ok(Generation {
        files,
        warnings,
        explain,
        stats,
    })
}
