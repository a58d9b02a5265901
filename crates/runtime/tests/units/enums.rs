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
    assert_eq!(enum_to_json(&u), json!("intuneAosp"));
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
