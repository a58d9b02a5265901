//! Unit tests of `enums` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::enums::*;
use odata_runtime::json::{FromJson, Path, ToJson};
use serde_json::json;

#[derive(Debug, Clone, PartialEq)]
enum Color {
    Red,
    Blue,
    Unknown(String),
}

impl OpenEnum for Color {
    fn as_str(&self) -> &str {
        match self {
            Color::Red => "red",
            Color::Blue => "blue",
            Color::Unknown(s) => s,
        }
    }
    fn from_wire(s: &str) -> Self {
        match s {
            "red" => Color::Red,
            "blue" => Color::Blue,
            other => Color::Unknown(other.to_owned()),
        }
    }
}

#[test]
fn open_enum_json() {
    let c: Color = enum_from_json(json!("red"), &Path::ROOT).unwrap();
    assert_eq!(c, Color::Red);
    let u: Color = enum_from_json(json!("intuneAosp"), &Path::ROOT).unwrap();
    assert_eq!(u, Color::Unknown("intuneAosp".to_owned()));
    assert_eq!(u.as_str(), "intuneAosp");
    // The one-pass form reads the same.
    let mut d = odata_runtime::json::Decoder::new(br#" "blue" "#).unwrap();
    assert_eq!(
        enum_decode::<Color>(&mut d, &Path::ROOT).unwrap(),
        Color::Blue
    );
    let mut d = odata_runtime::json::Decoder::new(b"7").unwrap();
    assert_eq!(
        enum_decode::<Color>(&mut d, &Path::ROOT).unwrap().as_str(),
        "7"
    );
    let n: Color = enum_from_json(json!(5), &Path::ROOT).unwrap();
    assert_eq!(n.as_str(), "5");
    let e = enum_from_json::<Color>(json!(true), &Path::ROOT.key("c")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "at $.c: expected enumeration member, found boolean true"
    );
    assert_eq!(
        enum_url_literal("Sales.Pattern", "Yellow"),
        "Sales.Pattern'Yellow'"
    );
}

#[test]
fn flags_round_trip() {
    let f: Flags<Color> = Flags::parse("blue,red,green");
    assert_eq!(f.to_string(), "blue,red,green");
    assert_eq!(f.len(), 3);
    assert!(f.contains(&Color::Red));
    assert!(f.contains(&Color::Unknown("green".to_owned())));
    let spaced: Flags<Color> = Flags::parse(" red , blue ,");
    assert_eq!(spaced.as_slice(), &[Color::Red, Color::Blue]);
    assert_eq!(spaced.to_json(), json!("red,blue"));
    let empty: Flags<Color> = Flags::parse("");
    assert!(empty.is_empty());
    assert_eq!(empty.to_json(), json!(""));
    let j = Flags::<Color>::from_json(json!("red,blue"), &Path::ROOT).unwrap();
    assert_eq!(j, spaced);
    assert!(Flags::<Color>::from_json(json!(null), &Path::ROOT).is_err());
    assert_eq!(f.to_url_literal_for("ns.Color"), "ns.Color'blue,red,green'");
    assert_eq!(format!("{f:?}"), "Flags(\"blue,red,green\")");
}

#[test]
fn flags_edit() {
    let mut f: Flags<Color> = Flags::new();
    assert!(f.insert(Color::Blue));
    assert!(!f.insert(Color::Blue));
    assert!(f.insert(Color::Red));
    assert_eq!(f.to_string(), "blue,red");
    assert!(f.remove(&Color::Blue));
    assert!(!f.remove(&Color::Blue));
    assert_eq!(f.to_string(), "red");
    let collected: Flags<Color> = vec![Color::Red, Color::Blue].into_iter().collect();
    assert_eq!(collected.iter().count(), 2);
    assert_eq!(serde_json::to_string(&collected).unwrap(), "\"red,blue\"");
    let back: Flags<Color> = serde_json::from_str("\"blue\"").unwrap();
    assert_eq!(back.as_slice(), &[Color::Blue]);
}

/// Compiles `code` as a crate using this runtime (the rlib the test binary was built
/// against, found next to it); `Err` holds rustc's errors.
fn compile_against_runtime(name: &str, code: &str) -> Result<(), String> {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let rlib = std::fs::read_dir(&deps)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let f = p.file_name().unwrap().to_string_lossy();
            f.starts_with("libodata_runtime-") && f.ends_with(".rlib")
        })
        .max_by_key(|p| p.metadata().unwrap().modified().unwrap())
        .expect("the runtime's rlib next to the test binary");
    let dir = std::env::temp_dir().join(format!("unknown-member-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join(format!("{name}.rs"));
    std::fs::write(&src, code).unwrap();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = std::process::Command::new(rustc)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--emit",
            "metadata",
        ])
        .arg("--crate-name")
        .arg(name)
        .arg("--out-dir")
        .arg(&dir)
        .arg("--extern")
        .arg(format!("odata_runtime={}", rlib.display()))
        .arg("-L")
        .arg(format!("dependency={}", deps.display()))
        .arg(&src)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&src);
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// An open enum's unknown member cannot be built or read outside the crate (the
/// generated crate, for the vendored runtime), so no code can match `Unknown` against a
/// name that a later schema may turn into a member of its own.
#[test]
fn unknown_member_is_opaque_outside_the_crate() {
    // What may be done with one: clone, compare, hash, debug.
    compile_against_runtime(
        "allowed",
        "pub fn f(u: &odata_runtime::UnknownMember) -> bool {\n\
             let v = u.clone();\n\
             !format!(\"{v:?}\").is_empty() && v == *u\n\
         }\n",
    )
    .unwrap();
    for (name, body, error) in [
        (
            "call_new",
            "odata_runtime::UnknownMember::new(\"teal\")",
            "associated function `new` is private",
        ),
        (
            "tuple_ctor",
            "odata_runtime::UnknownMember(\"teal\".into())",
            "cannot initialize a tuple struct which contains private fields",
        ),
        ("from_str", "\"teal\".into()", "UnknownMember: From<&str>"),
        ("default", "Default::default()", "UnknownMember: Default"),
    ] {
        let code = format!("pub fn f() -> odata_runtime::UnknownMember {{ {body} }}\n");
        let err = compile_against_runtime(name, &code).expect_err(name);
        assert!(err.contains(error), "{name}: {err}");
    }
    for (name, body, error) in [
        (
            "as_str",
            "u.as_str() == \"teal\"",
            "method `as_str` is private",
        ),
        (
            "field",
            "&*u.0 == \"teal\"",
            "field `0` of struct `UnknownMember` is private",
        ),
        (
            "display",
            "u.to_string() == \"teal\"",
            "method `to_string` exists",
        ),
    ] {
        let code = format!("pub fn f(u: &odata_runtime::UnknownMember) -> bool {{ {body} }}\n");
        let err = compile_against_runtime(name, &code).expect_err(name);
        assert!(err.contains(error), "{name}: {err}");
    }
}
