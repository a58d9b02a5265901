//! The runtime reaches generated crates by one path, and it is complete: the explicit
//! file list (`codegen::emit::runtime::FILES`) is the runtime's `src/` folder, the
//! manifest sections and `rust-version` generated crates get are the runtime's, and every
//! committed crate under `generated/` carries exactly these files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::emit::runtime::{FILES, MANIFEST_SECTIONS, RUST_VERSION, vendored_path};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir`, by its path relative to `dir` (`/`-separated).
fn walk(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn go(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                go(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    go(dir, dir, &mut out);
    out
}

/// The names and texts of `FILES` against the files of a runtime `src/` folder: `Err`
/// names every file missing from the list, listed but absent, or different.
fn compare_list(listed: &[(&str, &str)], folder: &BTreeMap<String, Vec<u8>>) -> Result<(), String> {
    let mut problems = Vec::new();
    for name in folder.keys() {
        if !listed.iter().any(|(n, _)| n == name) {
            problems.push(format!(
                "crates/runtime/src/{name} is not in codegen's runtime::FILES, so generated crates would not get it"
            ));
        }
    }
    for (name, text) in listed {
        match folder.get(*name) {
            None => problems.push(format!(
                "runtime::FILES lists {name}, which crates/runtime/src does not have"
            )),
            Some(bytes) if bytes != text.as_bytes() => {
                problems.push(format!("runtime::FILES holds another text for {name}"))
            }
            Some(_) => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn the_file_list_is_the_runtime_folder() {
    let folder = walk(&workspace().join("crates/runtime/src"));
    assert!(folder.contains_key("lib.rs") && folder.contains_key("request.rs"));
    assert_eq!(compare_list(FILES, &folder), Ok(()));
    // The list is sorted and has no duplicate, so it reads like the folder.
    assert!(FILES.windows(2).all(|w| w[0].0 < w[1].0));
}

/// The check above fails, naming the file, when a runtime file is not delivered or the
/// list names a file that is gone.
#[test]
fn a_runtime_file_left_out_of_the_list_is_named() {
    let folder = walk(&workspace().join("crates/runtime/src"));
    let without: Vec<(&str, &str)> = FILES
        .iter()
        .copied()
        .filter(|(n, _)| *n != "request.rs")
        .collect();
    let err = compare_list(&without, &folder).unwrap_err();
    assert!(
        err.contains("crates/runtime/src/request.rs is not in"),
        "{err}"
    );
    let mut extra = FILES.to_vec();
    extra.push(("gone.rs", ""));
    let err = compare_list(&extra, &folder).unwrap_err();
    assert!(err.contains("lists gone.rs"), "{err}");
    let mut changed = FILES.to_vec();
    changed[0].1 = "// edited\n";
    let err = compare_list(&changed, &folder).unwrap_err();
    assert!(
        err.contains(&format!("another text for {}", FILES[0].0)),
        "{err}"
    );
}

/// Every committed crate's `src/runtime/` is the runtime, file for file: each vendored
/// file is one `// @generated …` line followed by the runtime file byte for byte, and
/// there is no other file.
#[test]
fn committed_crates_carry_the_runtime_unchanged() {
    let root = workspace();
    let runtime = walk(&root.join("crates/runtime/src"));
    let mut crates = 0;
    for e in std::fs::read_dir(root.join("generated")).unwrap() {
        let krate = e.unwrap().path();
        if !krate.join("Cargo.toml").is_file() {
            continue;
        }
        crates += 1;
        let vendored = walk(&krate.join("src/runtime"));
        let expected: BTreeMap<String, &Vec<u8>> = runtime
            .iter()
            .map(|(name, bytes)| {
                let path = vendored_path(name);
                let rel = path
                    .strip_prefix("src/runtime")
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                (rel, bytes)
            })
            .collect();
        let name = krate.display();
        assert_eq!(
            vendored.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{name}: the files of src/runtime"
        );
        for (rel, want) in &expected {
            let got = &vendored[rel];
            let newline = got.iter().position(|b| *b == b'\n').unwrap_or(got.len());
            let (header, body) = got.split_at((newline + 1).min(got.len()));
            assert!(
                header.starts_with(b"// @generated by `cargo xtask codegen` from "),
                "{name}/src/runtime/{rel}: no @generated header line"
            );
            assert!(
                body == want.as_slice(),
                "{name}/src/runtime/{rel} differs from the runtime's file"
            );
        }
    }
    assert!(crates >= 4, "found {crates} generated crates");
}

/// A generation writes the same: the vendored files of a fresh crate are the header
/// followed by the runtime file.
#[test]
fn generation_vendors_every_listed_file() {
    let mut files = codegen::Files::new();
    codegen::emit::runtime::emit("// @generated by test\n", &mut files);
    assert_eq!(files.len(), FILES.len());
    for (name, text) in FILES {
        assert_eq!(
            files[&vendored_path(name)],
            format!("// @generated by test\n{text}")
        );
    }
    assert!(files.contains_key(Path::new("src/runtime/mod.rs")));
    assert!(!files.contains_key(Path::new("src/runtime/lib.rs")));
}

/// The `[dependencies]` and `[features]` generated crates get are the runtime's, and
/// their `rust-version` is the workspace's (which the runtime inherits).
#[test]
fn generated_manifests_declare_the_runtime_dependencies() {
    let root = workspace();
    let read = |p: &Path| -> toml::Table { std::fs::read_to_string(p).unwrap().parse().unwrap() };
    let runtime = read(&root.join("crates/runtime/Cargo.toml"));
    let ours: toml::Table = MANIFEST_SECTIONS.parse().unwrap();
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        ["dependencies", "features"]
    );
    assert_eq!(
        ours["dependencies"], runtime["dependencies"],
        "[dependencies]"
    );
    assert_eq!(ours["features"], runtime["features"], "[features]");
    let workspace = read(&root.join("Cargo.toml"));
    assert_eq!(
        workspace["workspace"]["package"]["rust-version"].as_str(),
        Some(RUST_VERSION)
    );
    assert_eq!(
        runtime["package"]["rust-version"]["workspace"].as_bool(),
        Some(true),
        "the runtime inherits the workspace's rust-version"
    );
}
