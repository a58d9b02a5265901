//! Unit tests of `json` (outside the source file, which is vendored byte for byte into
//! every generated crate).

use odata_runtime::json::*;
use odata_runtime::patch::Patch;
use serde_json::json;
use std::fmt;

fn err<T: FromJson + std::fmt::Debug>(v: Value) -> String {
    T::from_json(v, &Path::ROOT.key("x"))
        .unwrap_err()
        .to_string()
}

#[test]
fn doubles_survive_a_round_trip() {
    // Found by the decode fuzz target: without serde_json's `float_roundtrip`, `1e-199`
    // reads as 9.999999999999999e-200, which writes back and reads as
    // 1.0000000000000001e-199, so a GET → PATCH of an unchanged Double changed it.
    for text in [
        "1e-199",
        "9.999999999999999e-200",
        "0.1",
        "5e-324",
        "1.7976931348623157e308",
    ] {
        let first: f64 = from_slice(text.as_bytes()).unwrap();
        let written = to_vec(&first);
        let second: f64 = from_slice(&written).unwrap();
        assert_eq!(first.to_bits(), second.to_bits(), "{text}");
    }
    let x: f64 = from_slice(b"1e-199").unwrap();
    assert_eq!(x, 1e-199);
}

#[test]
fn path_display() {
    let root = Path::ROOT;
    let a = root.key("a");
    let b = a.key("b");
    let i = b.index(0);
    let c = i.key("c");
    assert_eq!(c.to_string(), "$.a.b[0].c");
    let odd = root.key("@odata.type");
    assert_eq!(odd.to_string(), "$['@odata.type']");
    let q = root.key("it's");
    assert_eq!(q.to_string(), "$['it\\'s']");
    assert_eq!(root.key("request-id").to_string(), "$.request-id");
    assert_eq!(root.to_string(), "$");
}

#[test]
fn decode_error_messages() {
    let e = bool::from_json(json!("Boolean"), &Path::ROOT.key("androidOnboarded")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "at $.androidOnboarded: expected Boolean, found string \"Boolean\""
    );
    assert_eq!(e.path, "$.androidOnboarded");
    assert_eq!(
        err::<String>(json!(1)),
        "at $.x: expected String, found number 1"
    );
    assert_eq!(
        err::<i32>(json!(null)),
        "at $.x: expected Int32, found null"
    );
    assert_eq!(
        err::<i32>(json!(3000000000u64)),
        "at $.x: expected Int32, found number 3000000000 (out of range)"
    );
    assert_eq!(
        err::<u8>(json!(-1)),
        "at $.x: expected Byte, found number -1 (out of range)"
    );
    assert_eq!(
        err::<i64>(json!(1.5)),
        "at $.x: expected Int64, found number 1.5"
    );
    assert_eq!(
        err::<i64>(json!("12a")),
        "at $.x: expected Int64, found string \"12a\""
    );
    assert_eq!(
        err::<Vec<i32>>(json!({})),
        "at $.x: expected array, found object"
    );
    assert_eq!(
        err::<Vec<i32>>(json!([1, 2, "x"])),
        "at $.x[2]: expected Int32, found string \"x\""
    );
    let long = "a".repeat(100);
    assert!(err::<bool>(json!(long)).ends_with("…"));
}

#[test]
fn integers() {
    assert_eq!(
        i64::from_json(json!("9007199254740993"), &Path::ROOT).unwrap(),
        9007199254740993
    );
    assert_eq!(i64::from_json(json!(-5), &Path::ROOT).unwrap(), -5);
    assert_eq!(i8::from_json(json!(-128), &Path::ROOT).unwrap(), -128);
    assert!(i8::from_json(json!(128), &Path::ROOT).is_err());
    assert_eq!(i16::from_json(json!("+12"), &Path::ROOT).unwrap(), 12);
    assert!(i32::from_json(json!(" 1"), &Path::ROOT).is_err());
    assert!(i32::from_json(json!(""), &Path::ROOT).is_err());
    assert!(i32::from_json(json!(true), &Path::ROOT).is_err());
    assert_eq!(to_string(&7i64), "7");
}

#[test]
fn floats() {
    assert!(
        f64::from_json(json!("INF"), &Path::ROOT)
            .unwrap()
            .is_infinite()
    );
    assert_eq!(
        f64::from_json(json!("-INF"), &Path::ROOT).unwrap(),
        f64::NEG_INFINITY
    );
    assert!(f64::from_json(json!("NaN"), &Path::ROOT).unwrap().is_nan());
    assert_eq!(f64::from_json(json!(1.25), &Path::ROOT).unwrap(), 1.25);
    assert_eq!(f64::from_json(json!(3), &Path::ROOT).unwrap(), 3.0);
    assert_eq!(f64::from_json(json!("2.5e3"), &Path::ROOT).unwrap(), 2500.0);
    assert!(f64::from_json(json!("inf"), &Path::ROOT).is_err());
    assert!(f64::from_json(json!("infinity"), &Path::ROOT).is_err());
    assert!(f64::from_json(json!("1."), &Path::ROOT).is_err());
    assert!(f32::from_json(json!(1e300), &Path::ROOT).is_err());
    assert_eq!(to_string(&f64::INFINITY), "\"INF\"");
    assert_eq!(to_string(&f64::NEG_INFINITY), "\"-INF\"");
    assert_eq!(to_string(&f64::NAN), "\"NaN\"");
    assert_eq!(to_string(&0.1f32), "0.1");
    assert_eq!(to_string(&f32::INFINITY), "\"INF\"");
    assert_eq!(to_string(&1.5f64), "1.5");
}

#[test]
fn json_number_grammar() {
    for ok in ["0", "-0", "1", "10", "1.5", "1e5", "1E+5", "-1.5e-3"] {
        assert!(is_json_number(ok), "{ok}");
    }
    for bad in ["", "-", "01", "1.", ".5", "1e", "+1", "1e+", "0x1", "1 "] {
        assert!(!is_json_number(bad), "{bad}");
    }
}

#[test]
fn containers() {
    let v: Vec<Option<String>> = from_str(r#"["a", null]"#).unwrap();
    assert_eq!(v, vec![Some("a".to_owned()), None]);
    let b: Box<bool> = from_str("true").unwrap();
    assert!(*b);
    assert_eq!(to_string(&vec![Some(1i32), None]), "[1,null]");
    let o: Option<i32> = from_str("null").unwrap();
    assert_eq!(o, None);
    let w: ValueOf<Vec<i32>> = from_str(r#"{"@odata.context":"x","value":[1,2]}"#).unwrap();
    assert_eq!(w.into_inner(), vec![1, 2]);
    assert_eq!(
        from_str::<ValueOf<i32>>("{}").unwrap_err().to_string(),
        "at $: missing required property \"value\""
    );
    assert_eq!(to_string(&ValueOf(true)), r#"{"value":true}"#);
}

#[test]
fn invalid_json() {
    let e = from_slice::<Value>(b"{").unwrap_err();
    assert_eq!(e.path, "$");
    assert!(e.message.starts_with("invalid JSON"), "{}", e.message);
}

#[test]
fn reader_take_and_rest() {
    let v = json!({
        "id": "1",
        "name": null,
        "@odata.etag": "W/\"abc\"",
        "name@odata.type": "#String",
        "extra": 5,
        "#microsoft.graph.restore": {}
    });
    let root = Path::ROOT;
    let mut r = ObjectReader::new(v, &root, "ns.T").unwrap();
    assert_eq!(r.take::<String>("id").unwrap().as_deref(), Some("1"));
    assert_eq!(r.take::<String>("name").unwrap(), None);
    assert_eq!(r.take::<String>("absent").unwrap(), None);
    assert!(r.take_required::<String>("absent").is_err());
    let e = r.take::<bool>("extra").unwrap_err();
    assert_eq!(
        e.to_string(),
        "at $.extra: expected Boolean, found number 5"
    );
    let rest = r.rest();
    assert_eq!(etag(&rest), Some("W/\"abc\""));
    assert!(rest.contains_key("name@odata.type"));
    assert!(rest.contains_key("#microsoft.graph.restore"));
    assert!(!rest.contains_key("id"));
}

#[test]
fn reader_field_keeps_the_first_error_for_finish() {
    let root = Path::ROOT;
    let v = json!({"a": 1, "b": "x", "c": true, "d": null, "z": 0});
    let mut r = ObjectReader::new(v, &root, "ns.T").unwrap();
    let a: Option<i32> = r.field("a");
    let d: Option<i32> = r.field("d");
    let absent: Option<i32> = r.field("absent");
    assert_eq!((a, d, absent), (Some(1), None, None));
    assert_eq!(r.field::<i32>("b"), None, "a bad member reads as None");
    // After the first error nothing else is decoded: `c` is valid but not taken.
    assert_eq!(r.field::<bool>("c"), None);
    let rest = r.rest();
    assert!(rest.contains_key("c") && rest.contains_key("z") && !rest.contains_key("b"));
    assert!(r.rest().is_empty(), "rest leaves the reader empty");
    let e = r.finish(()).unwrap_err();
    assert_eq!(e.to_string(), "at $.b: expected Int32, found string \"x\"");

    let mut ok = ObjectReader::new(json!({"a": 2}), &root, "ns.T").unwrap();
    let a: Option<i32> = ok.field("a");
    assert_eq!(ok.finish(a).unwrap(), Some(2));
}

#[test]
fn debug_json_prints_name_and_json() {
    struct T;
    impl ToJson for T {
        fn encode(&self, w: &mut Encoder) {
            w.value(&json!({"a": 1}));
        }
    }
    impl fmt::Debug for T {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            debug_json("T", self, f)
        }
    }
    assert_eq!(format!("{T:?}"), r#"T {"a":1}"#);
}

#[test]
fn reader_rejects_non_object() {
    let e = ObjectReader::new(json!([1]), &Path::ROOT, "microsoft.graph.user")
        .err()
        .unwrap();
    assert_eq!(
        e.to_string(),
        "at $: expected object microsoft.graph.user, found array of 1 items"
    );
}

#[test]
fn reader_patch() {
    let v = json!({"a": null, "b": 1});
    let root = Path::ROOT;
    let mut r = ObjectReader::new(v, &root, "T").unwrap();
    assert_eq!(r.take_patch::<i32>("a").unwrap(), Patch::Null);
    assert_eq!(r.take_patch::<i32>("b").unwrap(), Patch::Set(1));
    assert_eq!(r.take_patch::<i32>("c").unwrap(), Patch::Unchanged);
}

#[test]
fn odata_type_forms() {
    assert_eq!(
        odata_type(&json!({"@odata.type": "#microsoft.graph.user"})),
        Some("microsoft.graph.user")
    );
    assert_eq!(
        odata_type(&json!({"@type": "Model.Manager"})),
        Some("Model.Manager")
    );
    assert_eq!(
        odata_type(&json!({"@odata.type": "http://host/svc/$metadata#Ns.T"})),
        Some("Ns.T")
    );
    assert_eq!(odata_type(&json!({"a": 1})), None);
    assert_eq!(odata_type(&json!("x")), None);
}

#[test]
fn writer() {
    let mut extra = Map::new();
    extra.insert("id".to_owned(), json!("from-rest"));
    extra.insert("custom".to_owned(), json!(1));
    let mut w = ObjectWriter::new();
    w.odata_type("#ns.T")
        .put("id", "x")
        .opt("a", &None::<i32>)
        .opt("b", &Some(2i32))
        .patch("c", &Patch::<i32>::Unchanged)
        .patch("d", &Patch::<i32>::Null)
        .patch("e", &Patch::Set(true))
        .extend(&extra);
    assert_eq!(
        w.finish(),
        json!({"@odata.type": "#ns.T", "id": "x", "b": 2, "d": null, "e": true, "custom": 1})
    );
}

struct Wrapper(i32);
impl serde::Serialize for Wrapper {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize(&self.0, s)
    }
}

#[test]
fn serde_bridge() {
    assert_eq!(serde_json::to_string(&Wrapper(5)).unwrap(), "5");
    let mut de = serde_json::Deserializer::from_str("\"x\"");
    let e = deserialize::<i32, _>(&mut de).unwrap_err();
    assert!(
        e.to_string().contains("expected Int32, found string \"x\""),
        "{e}"
    );
    let mut de = serde_json::Deserializer::from_str("\"12\"");
    assert_eq!(deserialize::<i64, _>(&mut de).unwrap(), 12);
}

/// A struct written as the generator writes one (shape, one-pass `decode`, `encode`,
/// serde through the runtime's bridge).
#[derive(Debug, Default, PartialEq)]
struct Person {
    name: Option<String>,
    born: Option<odata_runtime::edm::Date>,
    scores: Option<Vec<f64>>,
    friend: Option<Box<Person>>,
    additional: Map<String, Value>,
}

static PERSON: Shape = Shape::new("ns.person", &["name", "born", "scores", "friend"]);

impl FromJson for Person {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, DecodeError> {
        let mut v = Self::default();
        let mut o = MemberReader::new(d, path, &PERSON);
        while let Some(i) = o.next(&mut v.additional) {
            match i {
                0 => o.read(&mut v.name),
                1 => o.read(&mut v.born),
                2 => o.read(&mut v.scores),
                3 => o.read(&mut v.friend),
                _ => o.skip(),
            }
        }
        o.finish()?;
        Ok(v)
    }
}

impl ToJson for Person {
    fn encode(&self, w: &mut Encoder) {
        let mut o = w.members(&PERSON, &self.additional);
        while let Some(i) = o.next() {
            match i {
                0 => o.write(&self.name),
                1 => o.write(&self.born),
                2 => o.write(&self.scores),
                _ => o.write(&self.friend),
            }
        }
    }
}

impl serde::Serialize for Person {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize(self, s)
    }
}

impl<'de> serde::Deserialize<'de> for Person {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize(d)
    }
}

const PERSON_JSON: &str = r#"{"@odata.etag":"W/\"1\"","name":"Zoë \"Z\" \u00e9\n","born":"1990-02-28","scores":[1.5,-0.0,1e300,0.1,3],"friend":{"name":"Ann","friend":null,"x-extra":{"a":[1,2,{"b":null}]}},"zz":true}"#;

/// A caller's own derived types around the generated ones.
#[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
struct Outer {
    person: Person,
    people: Vec<Person>,
    maybe: Option<Person>,
    missing: Option<Person>,
}

#[test]
fn serde_json_reads_and_writes_what_the_codec_does() {
    let direct: Person = from_str(PERSON_JSON).unwrap();
    assert_eq!(direct.name.as_deref(), Some("Zoë \"Z\" é\n"));
    let written = to_string(&direct);

    // Every serde_json entry point gives the value the one-pass decoder gives.
    let via_str: Person = serde_json::from_str(PERSON_JSON).unwrap();
    let via_slice: Person = serde_json::from_slice(PERSON_JSON.as_bytes()).unwrap();
    let via_reader: Person = serde_json::from_reader(PERSON_JSON.as_bytes()).unwrap();
    let tree: Value = serde_json::from_str(PERSON_JSON).unwrap();
    let via_value: Person = serde_json::from_value(tree.clone()).unwrap();
    let via_value_ref: Person = serde::Deserialize::deserialize(&tree).unwrap();
    for p in [
        &via_str,
        &via_slice,
        &via_reader,
        &via_value,
        &via_value_ref,
    ] {
        assert_eq!(p, &direct);
    }

    // Writing through serde_json gives the codec's bytes, compact and pretty alike.
    assert_eq!(serde_json::to_string(&direct).unwrap(), written);
    let pretty = serde_json::to_string_pretty(&direct).unwrap();
    assert!(pretty.contains("\n  \"name\": "), "{pretty}");
    assert_eq!(
        serde_json::from_str::<Value>(&pretty).unwrap(),
        serde_json::from_str::<Value>(&written).unwrap()
    );
    assert_eq!(serde_json::to_value(&direct).unwrap(), tree_of(&written));

    // Nested in the caller's derived types.
    let outer_text = format!(
        r#"{{"person":{PERSON_JSON},"people":[{PERSON_JSON},{{}}],"maybe":{PERSON_JSON},"missing":null}}"#
    );
    let outer: Outer = serde_json::from_str(&outer_text).unwrap();
    assert_eq!(outer.person, direct);
    assert_eq!(outer.people[1], Person::default());
    assert_eq!(outer.maybe.as_ref(), Some(&direct));
    assert_eq!(outer.missing, None);
    let again: Outer = serde_json::from_str(&serde_json::to_string(&outer).unwrap()).unwrap();
    assert_eq!(again, outer);
}

fn tree_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn other_serde_formats_go_through_a_tree() {
    let direct: Person = from_str(PERSON_JSON).unwrap();

    // serde's buffered content (an untagged enum): the value arrives as serde events.
    #[derive(Debug, serde::Deserialize)]
    #[serde(untagged)]
    enum Either {
        Person(Person),
    }
    let Either::Person(p) = serde_json::from_str::<Either>(PERSON_JSON).unwrap();
    assert_eq!(p, direct);

    // A deserializer that gives every value as it is (serde's own value deserializers
    // forward a newtype struct to `deserialize_any`): maps, strings, numbers.
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, MapDeserializer};
    let map = MapDeserializer::<_, Error>::new(
        [("name", "Ann"), ("born", "2000-01-01"), ("other", "kept")].into_iter(),
    );
    let p: Person = serde::Deserialize::deserialize(map).unwrap();
    assert_eq!(p.name.as_deref(), Some("Ann"));
    assert_eq!(p.born, Some("2000-01-01".parse().unwrap()));
    assert_eq!(p.additional["other"], "kept");
    let d: odata_runtime::edm::Date = serde::Deserialize::deserialize(
        "1999-12-31".into_deserializer() as serde::de::value::StrDeserializer<'_, Error>,
    )
    .unwrap();
    assert_eq!(d, "1999-12-31".parse().unwrap());
    let n: i64 = deserialize(IntoDeserializer::<Error>::into_deserializer(7u64)).unwrap();
    assert_eq!(n, 7);

    // Writing into another serializer: a tree of the same members in the same order.
    assert_eq!(
        serde_json::to_value(&direct).unwrap(),
        tree_of(&to_string(&direct))
    );
}

#[test]
fn serde_errors_carry_the_json_path() {
    let bad = r#"{"person":{"name":"x","friend":{"born":"1990-13-01"}},"people":[],"maybe":null,"missing":null}"#;
    let e = serde_json::from_str::<Outer>(bad).unwrap_err().to_string();
    assert!(e.contains("$.friend.born"), "{e}");
    assert!(e.contains("line 1"), "serde_json locates it too: {e}");
    // Not JSON of the right shape at all.
    let e = serde_json::from_str::<Person>("[1]")
        .unwrap_err()
        .to_string();
    assert!(e.contains("object"), "{e}");
    // The raw-text marker as an ordinary member name is an ordinary member.
    let odd = r#"{"$serde_json::private::RawValue":"{\"name\":\"y\"}","name":"x"}"#;
    let p: Person = serde_json::from_str(odd).unwrap();
    assert_eq!(p.name.as_deref(), Some("x"));
    assert_eq!(p.additional.len(), 1);
}

/// Records the name a `Deserialize` impl asks a newtype struct by, then fails.
struct AskedName<'a>(&'a mut Option<&'static str>);

impl<'de> serde::Deserializer<'de> for AskedName<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a newtype struct"))
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(name);
        Err(serde::de::Error::custom("recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[test]
fn serde_json_hands_over_the_raw_text() {
    // The bridge asks serde_json for a value's text by the name serde_json's own
    // `RawValue` uses (a private name: if serde_json ever renames it, this fails and the
    // bridge still works, through a tree, only slower).
    let (mut ours, mut serde_json_s) = (None, None);
    let _ = <Person as serde::Deserialize>::deserialize(AskedName(&mut ours));
    let _ = <Box<serde_json::value::RawValue> as serde::Deserialize>::deserialize(AskedName(
        &mut serde_json_s,
    ));
    assert!(ours.is_some());
    assert_eq!(ours, serde_json_s);

    // Handed the text (as serde_json hands it: one member named so), the bridge decodes
    // the text itself.
    use serde::de::value::{Error, MapDeserializer};
    let raw = MapDeserializer::<_, Error>::new(
        [(ours.unwrap(), r#"{"name":"y","born":"2001-02-03"}"#)].into_iter(),
    );
    let p: Person = serde::Deserialize::deserialize(raw).unwrap();
    assert_eq!(p.name.as_deref(), Some("y"));
    assert_eq!(p.born, Some("2001-02-03".parse().unwrap()));
    assert!(p.additional.is_empty());
}

#[test]
fn hostile_nesting_through_serde_is_an_error() {
    // serde_json scans the raw text without recursing; the decoder's depth limit then
    // refuses it, as `from_str` does.
    let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    let e = serde_json::from_str::<Person>(&deep)
        .unwrap_err()
        .to_string();
    assert!(e.contains("recursion limit"), "{e}");
    assert!(from_str::<Person>(&deep).is_err());
    let deep_objects = format!(r#"{}1{}"#, r#"{"friend":"#.repeat(200), "}".repeat(200));
    assert!(serde_json::from_str::<Person>(&deep_objects).is_err());
}

#[test]
fn binary_serde_formats_round_trip() {
    // MessagePack: self-describing, not human-readable, maps and arrays with lengths.
    let direct: Person = from_str(PERSON_JSON).unwrap();
    let packed = rmp_serde::to_vec(&direct).unwrap();
    let back: Person = rmp_serde::from_slice(&packed).unwrap();
    assert_eq!(back, direct);
    let outer = Outer {
        person: direct,
        people: vec![Person::default()],
        maybe: None,
        missing: None,
    };
    let back: Outer = rmp_serde::from_slice(&rmp_serde::to_vec(&outer).unwrap()).unwrap();
    assert_eq!(back, outer);
}
