//! The runtime (`crates/runtime`), as every generated crate gets it: its source files
//! vendored as `src/runtime/`, its dependencies and features, its minimum Rust version.
//!
//! Nothing here is found at build time. The files are one explicit list of
//! `include_str!`s, so a listed file that is missing does not compile; a file of
//! `crates/runtime/src` that is not listed, a dependency or feature that differs from
//! the runtime's `Cargo.toml`, or a `rust-version` that differs from the workspace's
//! fails `crates/codegen/tests/runtime.rs`, which also checks that the committed crates
//! under `generated/` carry exactly these files.

use std::path::PathBuf;

use crate::Files;

/// The runtime's source files, `(name in crates/runtime/src, text)`, in name order.
/// Every one is vendored unchanged (see [`emit`]); `lib.rs` becomes `runtime/mod.rs`.
pub const FILES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../../runtime/src/auth.rs")),
    ("azure.rs", include_str!("../../../runtime/src/azure.rs")),
    ("batch.rs", include_str!("../../../runtime/src/batch.rs")),
    ("client.rs", include_str!("../../../runtime/src/client.rs")),
    ("codec.rs", include_str!("../../../runtime/src/codec.rs")),
    (
        "convert.rs",
        include_str!("../../../runtime/src/convert.rs"),
    ),
    ("delta.rs", include_str!("../../../runtime/src/delta.rs")),
    ("edm.rs", include_str!("../../../runtime/src/edm.rs")),
    ("enums.rs", include_str!("../../../runtime/src/enums.rs")),
    ("error.rs", include_str!("../../../runtime/src/error.rs")),
    ("expand.rs", include_str!("../../../runtime/src/expand.rs")),
    ("filter.rs", include_str!("../../../runtime/src/filter.rs")),
    ("json.rs", include_str!("../../../runtime/src/json.rs")),
    ("lib.rs", include_str!("../../../runtime/src/lib.rs")),
    ("origin.rs", include_str!("../../../runtime/src/origin.rs")),
    ("paging.rs", include_str!("../../../runtime/src/paging.rs")),
    ("patch.rs", include_str!("../../../runtime/src/patch.rs")),
    (
        "request.rs",
        include_str!("../../../runtime/src/request.rs"),
    ),
    ("retry.rs", include_str!("../../../runtime/src/retry.rs")),
    ("stream.rs", include_str!("../../../runtime/src/stream.rs")),
    (
        "transport.rs",
        include_str!("../../../runtime/src/transport.rs"),
    ),
    ("url.rs", include_str!("../../../runtime/src/url.rs")),
];

/// The `[dependencies]` and `[features]` sections of every generated crate's
/// `Cargo.toml`: the runtime's own, which its vendored sources need (comments left out).
pub const MANIFEST_SECTIONS: &str = r#"[dependencies]
serde = { version = "1", default-features = false, features = ["std"] }
serde_json = { version = "1", default-features = false, features = ["std", "float_roundtrip"] }
futures-core = { version = "0.3", default-features = false, features = ["std"] }
bytes = { version = "1", default-features = false, features = ["std"] }
tokio = { version = "1", default-features = false, features = ["rt", "time", "fs", "io-util"] }
tracing = { version = "0.1", default-features = false, features = ["std"] }
reqwest = { version = "0.13", default-features = false, features = ["rustls-no-provider"], optional = true }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"], optional = true }
chrono = { version = "0.4", default-features = false, features = ["std"], optional = true }
time = { version = "0.3", default-features = false, features = ["std"], optional = true }
jiff = { version = "0.2", default-features = false, features = ["std"], optional = true }
uuid = { version = "1", default-features = false, features = ["std"], optional = true }
rust_decimal = { version = "1", default-features = false, features = ["std"], optional = true }
http-body = { version = "1", optional = true }
azure_core = { version = "1", default-features = false, optional = true }

[features]
default = ["reqwest"]
reqwest = ["dep:reqwest", "dep:rustls", "dep:http-body"]
serde = ["serde_json/raw_value"]
chrono = ["dep:chrono"]
time = ["dep:time"]
jiff = ["dep:jiff"]
uuid = ["dep:uuid"]
rust_decimal = ["dep:rust_decimal"]
azure-identity = ["dep:azure_core", "tokio/sync"]
"#;

/// The workspace's `rust-version`, which the runtime inherits. Generated crates declare
/// it too, so that clippy holds them to the same API level as the runtime.
pub const RUST_VERSION: &str = "1.85";

/// The path of a runtime file inside a generated crate: `src/runtime/<name>`, with
/// `lib.rs` as `mod.rs`.
pub fn vendored_path(name: &str) -> PathBuf {
    let name = if name == "lib.rs" { "mod.rs" } else { name };
    PathBuf::from("src/runtime").join(name)
}

/// Adds the vendored runtime: for each of [`FILES`], the file at [`vendored_path`] is the
/// `@generated` `header` line followed by the runtime file, byte for byte.
pub fn emit(header: &str, files: &mut Files) {
    for (name, text) in FILES {
        files.insert(vendored_path(name), format!("{header}{text}"));
    }
}
