//! Embeds the runtime's sources (`crates/runtime/src/**/*.rs`) and its Cargo.toml, which
//! the generator copies into every generated crate as `src/runtime/`.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, base, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel = p
                .strip_prefix(base)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, p.canonicalize().unwrap_or(p.clone())));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let runtime = manifest.join("../runtime");
    let src = runtime.join("src");
    println!("cargo:rerun-if-changed={}", src.display());
    println!(
        "cargo:rerun-if-changed={}",
        runtime.join("Cargo.toml").display()
    );
    let mut files = Vec::new();
    collect(&src, &src, &mut files);
    let mut code = String::from(
        "/// The runtime's source files: (path under `src/`, text).\npub const RUNTIME_FILES: &[(&str, &str)] = &[\n",
    );
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={}", abs.display());
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    let cargo = runtime
        .join("Cargo.toml")
        .canonicalize()
        .unwrap_or(runtime.join("Cargo.toml"));
    code.push_str(&format!(
        "/// The runtime's Cargo.toml.\npub const RUNTIME_MANIFEST: &str = include_str!({:?});\n",
        cargo.display().to_string()
    ));
    // The workspace's `rust-version`, which the runtime inherits: generated crates declare it
    // too, so their lints match the runtime's (clippy suggests newer APIs otherwise).
    let root = manifest.join("../../Cargo.toml");
    println!("cargo:rerun-if-changed={}", root.display());
    let text = std::fs::read_to_string(&root).unwrap_or_default();
    let version = text
        .lines()
        .find_map(|l| {
            l.trim().strip_prefix("rust-version").map(|v| {
                v.trim_start_matches([' ', '='])
                    .trim()
                    .trim_matches('"')
                    .to_string()
            })
        })
        .unwrap_or_else(|| "1.85".to_string());
    code.push_str(&format!("/// The workspace's minimum supported Rust version.\npub const RUST_VERSION: &str = {version:?};\n"));
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("runtime_files.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
