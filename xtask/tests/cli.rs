//! The `cargo xtask codegen` command: exit codes, `--check`, safe writes.

use std::path::{Path, PathBuf};
use std::process::Command;

const GOOD: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="t.ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="thing">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
        <Property Name="name" Type="Edm.String" />
        <Property Name="state" Type="t.ns.state" />
      </EntityType>
      <EnumType Name="state"><Member Name="on" Value="0" /><Member Name="off" Value="1" /></EnumType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

/// A fresh folder under the system's temporary folder, removed when the test ends,
/// whether it passes or panics.
fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("xtask-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn xtask(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file under `dir` with its bytes, sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn write_config(dir: &Path, crates: &[(&str, &str, &str)]) -> PathBuf {
    let mut text = String::new();
    for (name, schema, roots) in crates {
        text.push_str(&format!(
            "[[crate]]\nname = \"{name}\"\nout = \"{}\"\nschemas = [\"{}\"]\nroots = [{roots}]\n\n",
            dir.join(name).display(),
            dir.join(schema).display()
        ));
    }
    let p = dir.join("codegen.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(xtask(&["codegen", "--bogus"]).0, 2);
    assert_eq!(xtask(&["codegen", "--schema", "x.xml"]).0, 2);
    assert_eq!(
        xtask(&[
            "codegen",
            "--schema",
            "x.xml",
            "--out",
            "o",
            "--all",
            "--include",
            "a.b"
        ])
        .0,
        2
    );
    assert_eq!(xtask(&["nope"]).0, 2);
}

/// `GOOD` after a schema change: `thing` gains a property, the enum `state` is gone.
fn good_v2() -> String {
    GOOD.replace(
        "<Property Name=\"state\" Type=\"t.ns.state\" />",
        "<Property Name=\"added\" Type=\"Edm.Int32\" />",
    )
    .replace(
        "<EnumType Name=\"state\"><Member Name=\"on\" Value=\"0\" /><Member Name=\"off\" Value=\"1\" /></EnumType>",
        "",
    )
}

/// `cargo xtask codegen --schema SCHEMA --out OUT --all`, with `--check` first if asked.
fn gen_all(schema: &Path, out: &Path, check: bool) -> (i32, String) {
    let mut args = vec!["codegen"];
    if check {
        args.push("--check");
    }
    args.extend([
        "--schema",
        schema.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--all",
    ]);
    xtask(&args)
}

#[test]
fn adhoc_generation_then_check_detects_stale_missing_and_extra() {
    let dir = temp_dir("adhoc");
    let schema = dir.join("s.xml");
    std::fs::write(&schema, GOOD).unwrap();
    let out = dir.join("out");
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("files: "), "{err}");
    assert!(out.join("src/models/t_ns/thing.rs").exists());
    let manifest = std::fs::read_to_string(out.join("GENERATED.txt")).unwrap();
    for listed in [
        "  src/lib.rs\n",
        "  src/models/t_ns/state.rs\n",
        "  Cargo.toml\n",
    ] {
        assert!(manifest.contains(listed), "{listed}: {manifest}");
    }
    // Unchanged regeneration writes nothing.
    let before = snapshot(&out);
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("files: 0 written"), "{err}");
    assert_eq!(snapshot(&out), before);

    // The schema changes (thing.rs stale, state.rs no longer generated), a generated file
    // is deleted (missing) and the user adds a file of their own (not reported).
    std::fs::write(&schema, good_v2()).unwrap();
    std::fs::remove_file(out.join("src/models/mod.rs")).unwrap();
    std::fs::write(out.join("src/models/t_ns/notes.md"), "mine\n").unwrap();
    let damaged = snapshot(&out);
    let (code, err) = gen_all(&schema, &out, true);
    assert_eq!(code, 3, "{err}");
    for line in [
        "stale: ",
        "src/models/t_ns/thing.rs",
        "missing: ",
        "src/models/mod.rs",
        "extra: ",
        "src/models/t_ns/state.rs",
        "GENERATED.txt",
    ] {
        assert!(err.contains(line), "{line}: {err}");
    }
    assert!(!err.contains("notes.md"), "{err}");
    assert_eq!(snapshot(&out), damaged, "--check wrote something");

    // Regeneration repairs both and removes the file no longer generated; the user's file stays.
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 removed"), "{err}");
    assert!(!out.join("src/models/t_ns/state.rs").exists());
    assert!(out.join("src/models/mod.rs").exists());
    assert_eq!(
        std::fs::read(out.join("src/models/t_ns/notes.md")).unwrap(),
        b"mine\n"
    );
    let manifest = std::fs::read_to_string(out.join("GENERATED.txt")).unwrap();
    assert!(
        !manifest.contains("state.rs") && !manifest.contains("notes.md"),
        "{manifest}"
    );
    let (code, err) = gen_all(&schema, &out, true);
    assert_eq!(code, 0, "{err}");
}

/// Writes `files` (path, content) under `dir`.
fn plant(dir: &Path, files: &[(&str, &str)]) {
    for (p, text) in files {
        let p = dir.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[test]
fn out_into_a_folder_that_is_not_a_generated_crate_is_refused() {
    let dir = temp_dir("foreign");
    let schema = dir.join("s.xml");
    std::fs::write(&schema, GOOD).unwrap();
    let cases: &[&[(&str, &str)]] = &[
        &[
            ("NOTES.md", "my notes\n"),
            ("src/main.rs", "fn main() {}\n"),
            ("deep/er/file.txt", "x"),
        ],
        // A project that happens to have the generator's paths.
        &[
            ("Cargo.toml", "[package]\nname = \"mine\"\n"),
            ("src/lib.rs", "//! mine\n"),
        ],
        // Only a dot file, or only a file named like a manifest.
        &[(".gitignore", "/target\n")],
        // Only a `.git` folder: someone's repository.
        &[(".git/HEAD", "ref: refs/heads/main\n")],
        &[("GENERATED.txt", "my list of generated things\n")],
    ];
    for (i, files) in cases.iter().enumerate() {
        let out = dir.join(format!("out{i}"));
        plant(&out, files);
        let before = snapshot(&out);
        for check in [false, true] {
            let (code, err) = gen_all(&schema, &out, check);
            assert_eq!(code, 1, "case {i}: {err}");
            assert!(err.contains("nothing was written"), "case {i}: {err}");
            assert!(!err.contains("panicked"), "{err}");
            assert_eq!(snapshot(&out), before, "case {i} (check: {check})");
        }
        let (_, err) = gen_all(&schema, &out, false);
        if i == 0 {
            assert!(
                err.contains("is not empty and is not a generated crate")
                    && err.contains("`NOTES.md`")
                    && err.contains("src/main.rs"),
                "{err}"
            );
        }
    }
    // `--out` naming a file: refused, the file unchanged.
    plant(&dir, &[("a-file", "mine\n")]);
    let (code, err) = gen_all(&schema, &dir.join("a-file"), false);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is not a folder"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("a-file")).unwrap(),
        "mine\n"
    );
    // `--out ""` is the current folder by accident: a usage error, nothing written there.
    plant(&dir.join("cwd"), &[("NOTES.md", "mine\n")]);
    let before = snapshot(&dir.join("cwd"));
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "codegen",
            "--schema",
            schema.to_str().unwrap(),
            "--out",
            "",
            "--all",
        ])
        .current_dir(dir.join("cwd"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(snapshot(&dir.join("cwd")), before);
    // A huge folder (`/`, a home folder) is refused on its first entries, as not a crate,
    // without walking the tree (which ended in "cannot read `/`: permission denied").
    let (code, err) = gen_all(&schema, Path::new("/"), false);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("`/` is not empty and is not a generated crate") && err.contains("more"),
        "{err}"
    );
    // A folder holding a package name that is a keyword gets a valid one (`odata-self`).
    let (code, err) = gen_all(&schema, &dir.join("self"), false);
    assert_eq!(code, 0, "{err}");
    let cargo = std::fs::read_to_string(dir.join("self/Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"odata-self\""), "{cargo}");
    // An empty folder, or one holding only empty folders, is fine; so is an absent one.
    let empty = dir.join("empty");
    std::fs::create_dir_all(empty.join("src")).unwrap();
    assert_eq!(gen_all(&schema, &empty, false).0, 0);
    assert_eq!(gen_all(&schema, &dir.join("absent/x"), false).0, 0);
}

#[test]
fn hand_written_files_in_a_generated_crate_are_never_removed_or_overwritten() {
    let dir = temp_dir("handwritten");
    let schema = dir.join("s.xml");
    std::fs::write(&schema, GOOD).unwrap();
    let out = dir.join("out");
    assert_eq!(gen_all(&schema, &out, false).0, 0);
    let mine: &[(&str, &str)] = &[
        ("README.md", "# my crate\n"),
        ("src/extra.rs", "pub fn mine() {}\n"),
        ("src/models/t_ns/helpers.rs", "// mine\n"),
        ("notes/a/b.txt", "deep\n"),
        ("Cargo.lock", "# cargo's\n"),
    ];
    plant(&out, mine);
    // A schema change regenerates around them.
    std::fs::write(&schema, good_v2()).unwrap();
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 0, "{err}");
    for (p, text) in mine {
        assert_eq!(std::fs::read_to_string(out.join(p)).unwrap(), *text, "{p}");
    }

    // The next schema adds a type whose file the user already has: refused, naming it,
    // and nothing at all is written.
    let v3 = good_v2().replace(
        "</Schema>",
        "<ComplexType Name=\"helpers\"><Property Name=\"x\" Type=\"Edm.String\" /></ComplexType></Schema>",
    );
    std::fs::write(&schema, v3).unwrap();
    let before = snapshot(&out);
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("src/models/t_ns/helpers.rs` was not written by the generator"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(snapshot(&out), before);
    let (code, err) = gen_all(&schema, &out, true);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("foreign: ") && err.contains("helpers.rs"),
        "{err}"
    );
    // Once the user moves it away, the type is generated.
    std::fs::remove_file(out.join("src/models/t_ns/helpers.rs")).unwrap();
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("src/models/t_ns/helpers.rs").exists());
}

#[test]
fn an_edited_generated_file_is_refused_not_lost() {
    let dir = temp_dir("edited");
    let schema = dir.join("s.xml");
    std::fs::write(&schema, GOOD).unwrap();
    let out = dir.join("out");
    assert_eq!(gen_all(&schema, &out, false).0, 0);
    // Edited: one file the output still wants, one it drops (state.rs, with v2).
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap() + "// my edit\n";
    std::fs::write(out.join("src/lib.rs"), &lib).unwrap();
    std::fs::write(out.join("src/models/t_ns/state.rs"), "// my edit\n").unwrap();
    std::fs::write(&schema, good_v2()).unwrap();
    let before = snapshot(&out);
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 1, "{err}");
    for p in ["src/lib.rs", "src/models/t_ns/state.rs"] {
        assert!(
            err.contains(&format!("{p}` was changed by hand since it was generated")),
            "{p}: {err}"
        );
    }
    assert_eq!(snapshot(&out), before, "an edited file was touched");
    let (code, err) = gen_all(&schema, &out, true);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("edited: ") && err.contains("src/lib.rs"),
        "{err}"
    );
    // Deleting (or restoring) the edited files lets the generator proceed.
    std::fs::remove_file(out.join("src/lib.rs")).unwrap();
    std::fs::remove_file(out.join("src/models/t_ns/state.rs")).unwrap();
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 0, "{err}");
    assert_eq!(gen_all(&schema, &out, true).0, 0);
}

#[test]
fn a_crate_from_before_manifests_is_adopted() {
    let dir = temp_dir("legacy");
    let schema = dir.join("s.xml");
    std::fs::write(&schema, GOOD).unwrap();
    let out = dir.join("out");
    assert_eq!(gen_all(&schema, &out, false).0, 0);
    std::fs::remove_file(out.join("GENERATED.txt")).unwrap();
    plant(&out, &[("NOTES.md", "mine\n")]);
    // --check reports the missing manifest; regeneration adopts the marked files,
    // removes the one no longer generated and leaves the user's file alone.
    let (code, err) = gen_all(&schema, &out, true);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("missing: ") && err.contains("GENERATED.txt"),
        "{err}"
    );
    std::fs::write(&schema, good_v2()).unwrap();
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 removed"), "{err}");
    assert!(!out.join("src/models/t_ns/state.rs").exists());
    assert_eq!(std::fs::read(out.join("NOTES.md")).unwrap(), b"mine\n");
    let manifest = std::fs::read_to_string(out.join("GENERATED.txt")).unwrap();
    assert!(
        manifest.contains("  src/lib.rs\n") && !manifest.contains("NOTES"),
        "{manifest}"
    );
}

#[test]
fn manifest_paths_outside_the_crate_are_never_removed() {
    let dir = temp_dir("escape");
    let schema = dir.join("s.xml");
    std::fs::write(&schema, GOOD).unwrap();
    let out = dir.join("out");
    assert_eq!(gen_all(&schema, &out, false).0, 0);
    // Victims outside the crate with the very content (and hash) of a listed file.
    let lib = std::fs::read(out.join("src/lib.rs")).unwrap();
    std::fs::write(dir.join("victim.rs"), &lib).unwrap();
    let manifest = std::fs::read_to_string(out.join("GENERATED.txt")).unwrap();
    let hash = manifest
        .lines()
        .find(|l| l.ends_with("  src/lib.rs"))
        .unwrap()
        .split("  ")
        .next()
        .unwrap()
        .to_string();
    let absolute = dir.join("victim.rs");
    for bad in [
        "../victim.rs".to_string(),
        "src/../../victim.rs".to_string(),
        absolute.display().to_string(),
    ] {
        std::fs::write(
            out.join("GENERATED.txt"),
            format!("{manifest}{hash}  {bad}\n"),
        )
        .unwrap();
        let before = snapshot(&out);
        let (code, err) = gen_all(&schema, &out, false);
        assert_eq!(code, 1, "{bad}: {err}");
        assert!(
            err.contains("GENERATED.txt:") && err.contains("is not a path inside the crate"),
            "{err}"
        );
        assert_eq!(std::fs::read(dir.join("victim.rs")).unwrap(), lib, "{bad}");
        assert_eq!(snapshot(&out), before);
    }
}

#[cfg(unix)]
#[test]
fn links_inside_the_crate_are_never_followed() {
    use std::os::unix::fs::symlink;
    let dir = temp_dir("links");
    let schema = dir.join("s.xml");
    std::fs::write(&schema, GOOD).unwrap();
    // The user's project elsewhere, holding files with the generated names.
    let project = dir.join("project");
    plant(
        &project,
        &[
            ("src/lib.rs", "// my project\n"),
            ("src/models/mod.rs", "// mine\n"),
        ],
    );
    let project_before = snapshot(&project);

    // A fresh --out folder holding only a link is not empty: refused.
    let out = dir.join("fresh");
    std::fs::create_dir_all(&out).unwrap();
    symlink(project.join("src"), out.join("src")).unwrap();
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 1, "{err}");
    assert_eq!(snapshot(&project), project_before);

    // A generated crate whose `src` became a link: nothing is written through it.
    let out = dir.join("out");
    assert_eq!(gen_all(&schema, &out, false).0, 0);
    std::fs::rename(out.join("src"), dir.join("src-moved")).unwrap();
    symlink(project.join("src"), out.join("src")).unwrap();
    std::fs::write(&schema, good_v2()).unwrap();
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(snapshot(&project), project_before);
    std::fs::remove_file(out.join("src")).unwrap();
    std::fs::rename(dir.join("src-moved"), out.join("src")).unwrap();

    // A listed file replaced by a link to a file with identical content, which the new
    // output drops (state.rs) or rewrites (thing.rs): neither the link nor its target is touched.
    for rel in ["src/models/t_ns/state.rs", "src/models/t_ns/thing.rs"] {
        let victim = dir.join(format!("victim-{}", rel.replace('/', "-")));
        std::fs::rename(out.join(rel), &victim).unwrap();
        symlink(&victim, out.join(rel)).unwrap();
        let victim_before = std::fs::read(&victim).unwrap();
        let (code, err) = gen_all(&schema, &out, false);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(rel) && err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read(&victim).unwrap(), victim_before);
        assert!(
            std::fs::symlink_metadata(out.join(rel))
                .unwrap()
                .is_symlink()
        );
        std::fs::remove_file(out.join(rel)).unwrap();
        std::fs::rename(&victim, out.join(rel)).unwrap();
    }
    // A link planted where a staged write's temporary file goes is not followed either.
    let target = dir.join("tmp-target");
    std::fs::write(&target, "keep\n").unwrap();
    symlink(&target, out.join("src/models/t_ns/.thing.rs.codegen-tmp")).unwrap();
    let (code, err) = gen_all(&schema, &out, false);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"keep\n");
    assert_eq!(snapshot(&project), project_before);

    // `API.txt` (read to report API changes) replaced by a FIFO: not opened (the open
    // blocked the run before any check), refused like any file that is not plain.
    std::fs::remove_file(out.join("API.txt")).unwrap();
    let made = Command::new("mkfifo").arg(out.join("API.txt")).status();
    if made.is_ok_and(|s| s.success()) {
        std::fs::write(&schema, GOOD).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["codegen", "--schema", schema.to_str().unwrap()])
            .args(["--out", out.to_str().unwrap(), "--all"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Not a speed check: a guard so that a blocked run fails instead of hanging.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("the run blocked on a FIFO named API.txt");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        assert_eq!(status.code(), Some(1));
    }
}

#[test]
fn a_late_failure_changes_nothing() {
    let dir = temp_dir("late");
    std::fs::write(dir.join("good.xml"), GOOD).unwrap();
    // Fails late: well-formed until the very end, then an unknown type reference.
    let bad = GOOD.replace("<EnumType Name=\"state\">", "<ComplexType Name=\"late\"><Property Name=\"x\" Type=\"t.ns.missing\" /></ComplexType><EnumType Name=\"state\">");
    std::fs::write(dir.join("bad.xml"), bad).unwrap();
    let ok = write_config(
        &dir,
        &[
            ("a", "good.xml", "\"t.ns.thing\""),
            ("b", "good.xml", "\"t.ns.thing\""),
        ],
    );
    let (code, err) = xtask(&["codegen", "--config", ok.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // Make crate a's folder differ from what generation would write, to see it untouched.
    std::fs::write(dir.join("a/src/lib.rs"), "// local state\n").unwrap();
    let before_a = snapshot(&dir.join("a"));
    let before_b = snapshot(&dir.join("b"));

    // The second crate's root does not exist: nothing is written for the first either.
    let cfg = write_config(
        &dir,
        &[
            ("a", "good.xml", "\"t.ns.thing\""),
            ("b", "good.xml", "\"t.ns.thing\", \"t.ns.nope\""),
        ],
    );
    let (code, err) = xtask(&["codegen", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error: root `t.ns.nope` does not exist"),
        "{err}"
    );
    assert!(
        err.contains(" --> ") && err.contains("codegen.toml:"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(snapshot(&dir.join("a")), before_a);
    assert_eq!(snapshot(&dir.join("b")), before_b);

    // The second crate's schema fails late.
    let cfg = write_config(
        &dir,
        &[
            ("a", "good.xml", "\"t.ns.thing\""),
            ("b", "bad.xml", "\"t.ns.thing\""),
        ],
    );
    let (code, err) = xtask(&["codegen", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error: ") && err.contains("bad.xml:"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(snapshot(&dir.join("a")), before_a);
    assert_eq!(snapshot(&dir.join("b")), before_b);
}

#[test]
fn api_changes_are_reported_in_changes_md() {
    let dir = temp_dir("changes");
    std::fs::write(dir.join("s.xml"), GOOD).unwrap();
    let cfg = write_config(&dir, &[("c", "s.xml", "\"t.ns.thing\"")]);
    assert_eq!(xtask(&["codegen", "--config", cfg.to_str().unwrap()]).0, 0);
    assert!(!dir.join("c/CHANGES.md").exists());
    let v2 = GOOD
        .replace("<Property Name=\"name\" Type=\"Edm.String\" />", "<Property Name=\"name\" Type=\"Edm.String\" Nullable=\"false\" /><Property Name=\"added\" Type=\"Edm.Int32\" />")
        .replace("<Member Name=\"off\" Value=\"1\" />", "<Member Name=\"off\" Value=\"1\" /><Member Name=\"standby\" Value=\"2\" />");
    std::fs::write(dir.join("s.xml"), v2).unwrap();
    let (code, err) = xtask(&["codegen", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("public API changed"), "{err}");
    let changes = std::fs::read_to_string(dir.join("c/CHANGES.md")).unwrap();
    assert!(
        changes.contains("- **breaking** changed: `field t_ns::Thing.name: String (nullable)"),
        "{changes}"
    );
    assert!(
        changes.contains("- added (new property): `field t_ns::Thing.added: i32 (nullable)"),
        "{changes}"
    );
    assert!(
        changes.contains("- added (new enum member): `member t_ns::State::Standby = standby`"),
        "{changes}"
    );
}

/// The multi-document model of the reader's tests (`crates/csdl/tests/multi`), copied.
fn multi_model(dir: &Path) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/csdl/tests/multi");
    std::fs::create_dir_all(dir.join("common")).unwrap();
    for f in ["fleet.xml", "gps-types.xml", "common/core.xml"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
}

const GPS_URI: &str = "http://fleet.example.com/odata/gps/$metadata";
const CORE_URI: &str = "http://common.example.org/v2/Common.Core.xml";

#[test]
fn reference_uris_map_to_local_files_on_the_command_line() {
    let dir = temp_dir("reference");
    multi_model(&dir);
    let fleet = dir.join("fleet.xml");
    let out = dir.join("out");
    let gps = format!("{GPS_URI}={}", dir.join("gps-types.xml").display());
    let core = format!("{CORE_URI}={}", dir.join("common/core.xml").display());
    let base = ["codegen", "--schema", fleet.to_str().unwrap()];
    let tail = ["--out", out.to_str().unwrap(), "--all"];
    // Without the mapping: a located error saying how to provide the namespace.
    let (code, err) = xtask(&[&base[..], &tail[..]].concat());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("from namespace `GPS`"), "{err}");
    assert!(err.contains("`--reference URI=FILE`"), "{err}");
    assert!(!out.exists());
    // With it: the three files are read and the crate is generated.
    let (code, err) = xtask(
        &[
            &base[..],
            &["--reference", &gps, "--reference", &core],
            &tail[..],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3 schema file(s) read"), "{err}");
    let models = std::fs::read_to_string(out.join("src/models/fleet/vehicle.rs")).unwrap();
    assert!(models.contains("pub struct Vehicle"), "{models}");
    // The same files given with --schema need no mapping: documents by namespace.
    let (code, err) = xtask(&[
        "codegen",
        "--check",
        "--schema",
        fleet.to_str().unwrap(),
        "--schema",
        dir.join("gps-types.xml").to_str().unwrap(),
        "--schema",
        dir.join("common/core.xml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--all",
    ]);
    assert_eq!(code, 3, "{err}"); // the header names the schemas given: stale, not failed
    assert!(err.contains("3 schema file(s) read"), "{err}");
    // A malformed mapping is a usage error.
    for bad in ["no-equals-sign", "=file.xml", "uri="] {
        let (code, err) = xtask(&[&base[..], &["--reference", bad], &tail[..]].concat());
        assert_eq!(code, 2, "{bad}: {err}");
    }
}

#[test]
fn references_and_strict_in_the_config() {
    let dir = temp_dir("config-references");
    multi_model(&dir);
    let config = dir.join("codegen.toml");
    let write = |strict: bool| {
        std::fs::write(
            &config,
            format!(
                "[[crate]]\nname = \"fleet\"\nout = \"{}\"\nschemas = [\"{}\"]\nall = true\nstrict = {strict}\n\n[crate.references]\n\"{GPS_URI}\" = \"{}\"\n\"{CORE_URI}\" = \"{}\"\n",
                dir.join("out").display(),
                dir.join("fleet.xml").display(),
                dir.join("gps-types.xml").display(),
                dir.join("common/core.xml").display(),
            ),
        )
        .unwrap()
    };
    write(false);
    let (code, err) = xtask(&["codegen", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("fleet: 3 schema file(s) read"), "{err}");
    // A reader warning (an unresolvable binding target): counted, listed with --verbose,
    // an error under `strict = true` or `--strict`.
    let fleet = std::fs::read_to_string(dir.join("fleet.xml")).unwrap();
    std::fs::write(
        dir.join("fleet.xml"),
        fleet.replace("Target=\"Parties\"", "Target=\"Nobody\""),
    )
    .unwrap();
    let (code, err) = xtask(&["codegen", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 reader warning(s) (--verbose lists them)"),
        "{err}"
    );
    assert!(!err.contains("Nobody"), "{err}");
    let (code, err) = xtask(&["codegen", "--verbose", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: navigation property binding target `Nobody`"),
        "{err}"
    );
    let (code, err) = xtask(&["codegen", "--strict", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error: navigation property binding target `Nobody`"),
        "{err}"
    );
    assert!(err.contains("(an error under `strict`)"), "{err}");
    write(true);
    let (code, err) = xtask(&["codegen", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("(an error under `strict`)"), "{err}");
}

/// The ad-hoc command line chooses the key style and the service root, like `codegen.toml`.
#[test]
fn key_as_segment_and_service_root_on_the_command_line() {
    let dir = temp_dir("key-as-segment");
    let schema = dir.join("s.xml");
    let set = GOOD.replace(
        "</Schema>",
        "<EntityContainer Name=\"Svc\"><EntitySet Name=\"things\" EntityType=\"t.ns.thing\"/></EntityContainer></Schema>",
    );
    std::fs::write(&schema, set).unwrap();
    let client = |flags: &[&str], out: &str| {
        let out = dir.join(out);
        let mut args = vec![
            "codegen",
            "--schema",
            schema.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--all",
        ];
        args.extend_from_slice(flags);
        let (code, err) = xtask(&args);
        assert_eq!(code, 0, "{err}");
        (
            std::fs::read_to_string(out.join("src/client/t_ns/thing.rs")).unwrap(),
            std::fs::read_to_string(out.join("src/lib.rs")).unwrap(),
        )
    };
    let (parens, lib) = client(&[], "a");
    assert!(parens.contains("self.inner.key(id, false)"), "{parens}");
    assert!(!lib.contains("SERVICE_ROOT"), "{lib}");
    let (segment, lib) = client(
        &[
            "--key-as-segment",
            "--service-root",
            "https://svc.example/odata",
        ],
        "b",
    );
    assert!(segment.contains("self.inner.key(id, true)"), "{segment}");
    assert!(
        lib.contains("pub const SERVICE_ROOT: &str = \"https://svc.example/odata\";"),
        "{lib}"
    );
    // `--area-features`: the set becomes a feature, its type a gate set by `build.rs`.
    let (_, lib) = client(&["--area-features"], "areas");
    assert!(lib.contains("| `things` | entity set `things` |"), "{lib}");
    let manifest = std::fs::read_to_string(dir.join("areas/Cargo.toml")).unwrap();
    assert!(manifest.contains("\nthings = []\n"), "{manifest}");
    let build = std::fs::read_to_string(dir.join("areas/build.rs")).unwrap();
    assert!(build.contains("(\"has_t_ns__thing\", 0),"), "{build}");
    assert!(!dir.join("a/build.rs").exists());
    // A root that is not an http(s) URL of printable ASCII is a usage error.
    let (code, err) = xtask(&[
        "codegen",
        "--schema",
        schema.to_str().unwrap(),
        "--out",
        dir.join("c").to_str().unwrap(),
        "--all",
        "--service-root",
        "javascript:\"alert\"",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a service root URL"), "{err}");
}

/// The config is read like a schema: a regular file only (a FIFO would block the open,
/// `/dev/zero` never end), named in the error.
#[cfg(unix)]
#[test]
fn a_config_that_is_not_a_regular_file_is_refused() {
    for path in ["/dev/null", "/dev/zero", "/"] {
        let (code, err) = xtask(&["codegen", "--config", path]);
        assert_eq!(code, 1, "{path}: {err}");
        assert!(err.contains("is not a regular file"), "{path}: {err}");
    }
}

/// `cargo xtask metadata` against the real SAP CAP server (e2e/cap): the served document is
/// stored and the crate generated from it; a second run leaves the file alone; an answer
/// that is not CSDL changes nothing; a token comes only from the environment.
#[test]
fn metadata_fetches_stores_only_csdl_and_regenerates() {
    let server = e2e::CapServer::start();
    let dir = temp_dir("metadata");
    let config = write_config(
        &dir,
        &[(
            "cap-fetched",
            "schemas/cap.xml",
            "\"PartnersService.deviceManagementPartners\"",
        )],
    );
    let schema = dir.join("schemas/cap.xml");
    let schema_arg = schema.to_str().unwrap();
    let config_arg = config.to_str().unwrap();
    let root = server.service_root.clone();

    let (code, err) = xtask(&[
        "metadata", &root, "--schema", schema_arg, "--config", config_arg,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("metadata: stored"), "{err}");
    let served = std::fs::read_to_string(e2e::repo_root().join("e2e/cap/metadata.xml")).unwrap();
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), served);
    let lib = std::fs::read_to_string(dir.join("cap-fetched/src/lib.rs")).unwrap();
    assert!(lib.contains("@generated"), "{lib}");

    // Unchanged: not rewritten, the crate neither.
    let before = snapshot(&dir);
    let (code, err) = xtask(&[
        "metadata",
        &format!("{root}$metadata"),
        "--schema",
        schema_arg,
        "--config",
        config_arg,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("is unchanged"), "{err}");
    assert_eq!(snapshot(&dir), before);

    // CSDL JSON, to another file (not in the config: only stored).
    let json = dir.join("cap.json");
    let (code, err) = xtask(&[
        "metadata",
        &root,
        "--json",
        "--schema",
        json.to_str().unwrap(),
        "--config",
        config_arg,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&json).unwrap().starts_with('{'));

    // An answer that is not CSDL (an entity collection) is refused; nothing changes.
    let before = snapshot(&dir);
    let (code, err) = xtask(&[
        "metadata",
        &format!("{root}partnerRegions?x=$metadata"),
        "--schema",
        schema_arg,
        "--config",
        config_arg,
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not read as CSDL"), "{err}");
    assert_eq!(snapshot(&dir), before);

    // The token: from a named environment variable only, and a missing one is an error.
    let (code, err) = xtask(&[
        "metadata",
        &root,
        "--schema",
        schema_arg,
        "--token-env",
        "XTASK_TEST_NO_SUCH_VARIABLE",
        "--config",
        config_arg,
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("holds no token"), "{err}");
    assert_eq!(xtask(&["metadata", "--schema", schema_arg]).0, 2);
    assert_eq!(xtask(&["metadata", &root]).0, 2);
    drop(server);
}

/// Runs the xtask with `dir` first on `PATH` (where a fake `az` is).
fn xtask_with_path(dir: &Path, args: &[&str]) -> (i32, String) {
    let path = format!("{}:/usr/bin:/bin", dir.display());
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("PATH", path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A fake Azure CLI: `az` runs `body` (a shell script).
fn fake_az(dir: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    let az = dir.join("az");
    std::fs::write(&az, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `cargo xtask metadata --azure` against a loopback server, with a fake `az` on `PATH`:
/// the developer-tools credential is asked for `{origin}/.default` of the URL, the token
/// goes in the request and is printed nowhere; without a login the error says what to
/// run and nothing is fetched or stored; `--azure` with `--token-env` is a usage error.
#[test]
fn metadata_azure_takes_the_token_from_the_developer_tools() {
    let dir = temp_dir("azure");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let schema = dir.join("schemas/azure.xml");
    let schema_arg = schema.to_str().unwrap().to_owned();
    let args_log = dir.join("az-args");
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let config = write_config(
        &dir,
        &[("azure-fetched", "schemas/azure.xml", "\"t.ns.thing\"")],
    );
    let config_arg = config.to_str().unwrap().to_owned();
    let (bin2, log2, schema2) = (bin.clone(), args_log.clone(), schema.clone());
    let (root, requests, outcomes) = rt.block_on(async move {
        let server = e2e::http::Server::start(std::sync::Arc::new(|_, _, _| e2e::http::Reply {
            status: 200,
            headers: vec![("Content-Type", "application/xml".to_owned())],
            body: GOOD.into(),
        }))
        .await;
        let root = format!("{}/odata/", server.base);
        let run = |args: Vec<String>| {
            let bin = bin2.clone();
            tokio::task::spawn_blocking(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                xtask_with_path(&bin, &args)
            })
        };
        let base = vec![
            "metadata".to_owned(),
            root.clone(),
            "--schema".to_owned(),
            schema_arg.clone(),
            "--config".to_owned(),
            config_arg,
        ];
        let mut outcomes = Vec::new();
        // Not logged in.
        fake_az(
            &bin2,
            "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1",
        );
        let mut args = base.clone();
        args.push("--azure".into());
        outcomes.push(run(args.clone()).await.unwrap());
        let before = server.requests().len();
        assert!(!schema2.exists(), "nothing is stored without a token");
        // Logged in.
        fake_az(
            &bin2,
            &format!(
                "echo \"$@\" >> '{}'\necho '{{\"accessToken\":\"fake-az-t0ken\",\"expires_on\":{expires},\"tokenType\":\"Bearer\"}}'",
                log2.display()
            ),
        );
        outcomes.push(run(args).await.unwrap());
        let mut both = base;
        both.extend(["--azure".into(), "--token-env".into(), "X".into()]);
        outcomes.push(run(both).await.unwrap());
        let requests = server.requests();
        assert_eq!(before, 0, "nothing is fetched without a token");
        (root, requests, outcomes)
    });

    let (code, out) = &outcomes[0];
    assert_eq!(*code, 1, "{out}");
    assert!(
        out.contains(
            "error: --azure: the Azure credential gave no token for scope `http://127.0.0.1:"
        ),
        "{out}"
    );
    assert!(out.contains("az login"), "{out}");

    let (code, out) = &outcomes[1];
    assert_eq!(*code, 0, "{out}");
    assert!(out.contains("metadata: stored"), "{out}");
    assert!(!out.contains("fake-az-t0ken"), "{out}");
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), GOOD);
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].target, "/odata/$metadata");
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer fake-az-t0ken")
    );
    let origin = root.trim_end_matches("/odata/");
    let asked = std::fs::read_to_string(&args_log).unwrap();
    assert_eq!(
        asked.trim(),
        format!("account get-access-token -o json --scope {origin}/.default"),
    );

    let (code, out) = &outcomes[2];
    assert_eq!(*code, 2, "{out}");
    assert!(out.contains("use one"), "{out}");
}
