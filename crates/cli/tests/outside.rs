//! Use from another repository: a tiny workspace of its own (in a temp folder) generates
//! `graph-directory` from its own `xtask` calling the library, and with the
//! `odata-codegen` binary and its own `codegen.toml`; both outputs equal, byte for byte,
//! what this repository generates for the same config. Offline: path dependencies on this
//! repository's crates, its `Cargo.lock` copied in.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// How many files lie under `dir`.
fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { count_files(&p) } else { 1 })
        .sum()
}

/// Asserts that `dir` holds exactly the `expected` files, byte for byte.
fn assert_holds(dir: &Path, expected: &[(PathBuf, Vec<u8>)], who: &str) {
    for (p, bytes) in expected {
        let found = std::fs::read(dir.join(p)).unwrap_or_default();
        assert!(
            found == *bytes,
            "{who}: `{}` differs from this repository's generation",
            p.display()
        );
    }
    assert_eq!(count_files(dir), expected.len(), "{who}: other files");
}

/// What this repository generates for its `graph-directory` crate: the generated files
/// and the manifest a first run writes beside them.
fn expected() -> Vec<(PathBuf, Vec<u8>)> {
    let root = repo();
    let text = std::fs::read_to_string(root.join("codegen.toml")).unwrap();
    let file = codegen::ConfigFile::parse(&text, Path::new("codegen.toml")).unwrap();
    let config = file
        .crates
        .into_iter()
        .find(|c| c.name == "graph-directory")
        .expect("graph-directory in codegen.toml");
    let model = codegen::output::load(&config, &root).unwrap();
    let files = codegen::generate(&config, &model).unwrap();
    let hashes = files
        .iter()
        .map(|(p, t)| (p.clone(), codegen::owned::sha256_hex(t.as_bytes())))
        .collect();
    let manifest = codegen::owned::render(&hashes);
    let files = files.into_iter().map(|(p, t)| (p, t.into_bytes()));
    let manifest = (
        PathBuf::from(codegen::owned::MANIFEST),
        manifest.into_bytes(),
    );
    files.chain([manifest]).collect()
}

const XTASK_MAIN: &str = r#"fn main() {
    let report = codegen::Config::for_crate("graph-directory")
        .schema("schemas/graph-directory.xml")
        .all()
        .key_as_segment(true)
        .service_root("https://graph.microsoft.com/v1.0")
        .generate_into("generated/graph-directory")
        .unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1)
        });
    println!(
        "written {} unchanged {} removed {}",
        report.written.len(),
        report.unchanged,
        report.removed.len()
    );
}
"#;

const CONFIG: &str = r#"[[crate]]
name = "graph-directory"
out = "by-binary/graph-directory"
schemas = ["schemas/graph-directory.xml"]
key_as_segment = true
service_root = "https://graph.microsoft.com/v1.0"
all = true
"#;

/// Writes the outside workspace: its manifest, this repository's lock file, the schema,
/// an `xtask` depending on the generator by path, and a `codegen.toml`.
fn outside_workspace(dir: &Path) {
    let root = repo().canonicalize().unwrap();
    std::fs::create_dir_all(dir.join("xtask/src")).unwrap();
    std::fs::create_dir_all(dir.join("schemas")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"xtask\"]\n",
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::copy(
        root.join("schemas/graph-directory.xml"),
        dir.join("schemas/graph-directory.xml"),
    )
    .unwrap();
    let codegen = root.join("crates/codegen");
    std::fs::write(
        dir.join("xtask/Cargo.toml"),
        format!(
            "[package]\nname = \"xtask\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ncodegen = {{ path = {:?} }}\n",
            codegen.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("xtask/src/main.rs"), XTASK_MAIN).unwrap();
    std::fs::write(dir.join("codegen.toml"), CONFIG).unwrap();
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn another_repository_generates_the_same_crate_from_its_xtask_and_the_binary() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("outside-workspace-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    outside_workspace(&dir);
    let expected = expected();

    // Its own xtask, built offline into a target folder kept between runs (inside this
    // workspace's target dir: compiled once).
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = repo().join("target/outside-test");
    let xtask = || {
        let mut c = Command::new(&cargo);
        c.args(["run", "--offline", "--quiet", "-p", "xtask"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS");
        run(&mut c)
    };
    let (code, stdout, stderr) = xtask();
    assert_eq!(code, 0, "the outside xtask failed:\n{stderr}");
    assert_eq!(
        stdout.trim(),
        format!("written {} unchanged 0 removed 0", expected.len())
    );
    assert_holds(&dir.join("generated/graph-directory"), &expected, "library");
    // Again: nothing to write.
    let (code, stdout, stderr) = xtask();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        format!("written 0 unchanged {} removed 0", expected.len() - 1)
    );

    // The binary, with the outside workspace's codegen.toml found in the current folder.
    let bin = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_odata-codegen"));
        c.current_dir(&dir);
        c
    };
    let (code, _, stderr) = run(&mut bin());
    assert_eq!(code, 0, "odata-codegen failed:\n{stderr}");
    assert!(
        stderr.contains("graph-directory: 1 schema file(s) read"),
        "{stderr}"
    );
    assert_holds(&dir.join("by-binary/graph-directory"), &expected, "binary");
    let (code, _, stderr) = run(bin().arg("--check"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("all generated files are up to date"),
        "{stderr}"
    );

    // The same safety rules as `cargo xtask codegen`: an edited file is refused by both
    // front ends, and nothing is written.
    let lib_rs = dir.join("generated/graph-directory/src/lib.rs");
    let mut edited = std::fs::read_to_string(&lib_rs).unwrap();
    edited.push_str("// mine\n");
    std::fs::write(&lib_rs, &edited).unwrap();
    std::fs::write(dir.join("by-binary/graph-directory/src/lib.rs"), &edited).unwrap();
    let (code, _, stderr) = xtask();
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("was changed by hand"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&lib_rs).unwrap(), edited);
    let (code, _, stderr) = run(bin().arg("--check"));
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("edited: by-binary/graph-directory/src/lib.rs"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&mut bin());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("was changed by hand"), "{stderr}");

    let _ = std::fs::remove_dir_all(&dir);
}
