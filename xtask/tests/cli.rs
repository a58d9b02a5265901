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

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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

#[test]
fn adhoc_generation_then_check_detects_stale_missing_and_extra() {
    let dir = temp_dir("adhoc");
    std::fs::write(dir.join("s.xml"), GOOD).unwrap();
    let out = dir.join("out");
    let schema = dir.join("s.xml");
    let (s, o, sc) = (out.to_str().unwrap(), "--out", schema.to_str().unwrap());
    let (code, err) = xtask(&["codegen", "--schema", sc, o, s, "--all"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("files: "), "{err}");
    assert!(out.join("src/models/t_ns/thing.rs").exists());
    // Unchanged regeneration writes nothing.
    let before = snapshot(&out);
    let (code, err) = xtask(&["codegen", "--schema", sc, o, s, "--all"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("files: 0 written"), "{err}");
    assert_eq!(snapshot(&out), before);

    // Damage: one stale, one missing, one extra.
    std::fs::write(out.join("src/lib.rs"), "// edited\n").unwrap();
    std::fs::remove_file(out.join("src/models/t_ns/state.rs")).unwrap();
    std::fs::write(out.join("src/models/t_ns/old.rs"), "// gone\n").unwrap();
    let damaged = snapshot(&out);
    let (code, err) = xtask(&["codegen", "--check", "--schema", sc, o, s, "--all"]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("stale: ") && err.contains("src/lib.rs"),
        "{err}"
    );
    assert!(
        err.contains("missing: ") && err.contains("src/models/t_ns/state.rs"),
        "{err}"
    );
    assert!(
        err.contains("extra: ") && err.contains("src/models/t_ns/old.rs"),
        "{err}"
    );
    assert_eq!(snapshot(&out), damaged, "--check wrote something");

    // Regeneration repairs all three and removes the extra file.
    let (code, err) = xtask(&["codegen", "--schema", sc, o, s, "--all"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 written") && err.contains("1 removed"),
        "{err}"
    );
    assert_eq!(snapshot(&out), before);
    let (code, _) = xtask(&["codegen", "--check", "--schema", sc, o, s, "--all"]);
    assert_eq!(code, 0);
    let _ = std::fs::remove_dir_all(&dir);
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
    let _ = std::fs::remove_dir_all(&dir);
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
    let _ = std::fs::remove_dir_all(&dir);
}
