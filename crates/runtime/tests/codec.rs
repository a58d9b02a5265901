//! The one-pass JSON reader and writer (`codec.rs`) against `serde_json`, which the
//! runtime used before: on random documents and on random corruptions of them, both
//! accept the same inputs, read the same values, and write the same bytes.

use odata_runtime::json::{self, Decoder, Encoder, Map, Number, Path, Value};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_string(r: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "0",
        " ",
        "\"",
        "\\",
        "/",
        "\n",
        "\r",
        "\t",
        "\u{8}",
        "\u{c}",
        "\u{0}",
        "\u{1f}",
        "\u{7f}",
        "é",
        "€",
        "𝄞",
        "\u{2028}",
        "\u{fffd}",
        "@odata.type",
        "id",
    ];
    let n = r.below(8);
    (0..n)
        .map(|_| PIECES[r.below(PIECES.len() as u64) as usize])
        .collect()
}

fn random_number(r: &mut Rng) -> Value {
    match r.below(8) {
        0 => Value::from(r.next() as i64),
        1 => Value::from(r.next()),
        2 => Value::from(r.below(100) as i64 - 50),
        3 => Number::from_f64(f64::from_bits(r.next()))
            .map(Value::Number)
            .unwrap_or(Value::Null),
        4 => Value::from(r.below(1000) as f64 / 8.0),
        5 => Value::from(1e-199),
        6 => Value::from(i64::MIN),
        _ => Value::from(u64::MAX),
    }
}

fn random_value(r: &mut Rng, depth: u32) -> Value {
    let leaf = depth >= 4 || r.below(3) == 0;
    match r.below(if leaf { 4 } else { 6 }) {
        0 => Value::Null,
        1 => Value::Bool(r.below(2) == 0),
        2 => random_number(r),
        3 => Value::String(random_string(r)),
        4 => Value::Array(
            (0..r.below(5))
                .map(|_| random_value(r, depth + 1))
                .collect(),
        ),
        _ => {
            let mut m = Map::new();
            for _ in 0..r.below(5) {
                m.insert(random_string(r), random_value(r, depth + 1));
            }
            Value::Object(m)
        }
    }
}

/// Pretty or compact text, with escapes written by serde_json, and some `\u` escapes of
/// our own (surrogate pairs included) that serde_json never writes.
fn text_of(r: &mut Rng, v: &Value) -> Vec<u8> {
    let mut text = if r.below(2) == 0 {
        serde_json::to_vec(v).unwrap()
    } else {
        serde_json::to_vec_pretty(v).unwrap()
    };
    if r.below(4) == 0 {
        let s = String::from_utf8(text).unwrap();
        text = s
            .replace('é', "\\u00e9")
            .replace('𝄞', "\\ud834\\udd1e")
            .into_bytes();
    }
    text
}

fn ours(bytes: &[u8]) -> Result<Value, String> {
    json::from_slice::<Value>(bytes).map_err(|e| e.to_string())
}

fn theirs(bytes: &[u8]) -> Result<Value, String> {
    serde_json::from_slice::<Value>(bytes).map_err(|e| e.to_string())
}

#[test]
fn random_documents_read_and_write_as_serde_json_does() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..20_000 {
        let v = random_value(&mut r, 0);
        let text = text_of(&mut r, &v);
        assert_eq!(
            ours(&text),
            Ok(v.clone()),
            "case {case}: {}",
            String::from_utf8_lossy(&text)
        );
        assert_eq!(
            json::to_vec(&v),
            serde_json::to_vec(&v).unwrap(),
            "case {case}: written differently"
        );
    }
}

#[test]
fn corrupted_documents_are_accepted_and_refused_as_serde_json_does() {
    const BYTES: &[u8] = b"{}[]\":,\\ntrue-0.5e+Eu\x00\x1f\xff\xc3 \t\r\n/";
    let mut r = Rng(0x1234_5678_9abc_def1);
    let mut refused = 0;
    for case in 0..40_000 {
        let v = random_value(&mut r, 0);
        let mut text = text_of(&mut r, &v);
        for _ in 0..=r.below(3) {
            let at = r.below(text.len() as u64 + 1) as usize;
            let b = BYTES[r.below(BYTES.len() as u64) as usize];
            match r.below(3) {
                0 if at < text.len() => text[at] = b,
                1 if at < text.len() => {
                    text.remove(at);
                }
                _ => text.insert(at, b),
            }
        }
        let (a, b) = (ours(&text), theirs(&text));
        assert_eq!(
            a.is_ok(),
            b.is_ok(),
            "case {case}: {}\nours: {a:?}\nserde_json: {b:?}",
            String::from_utf8_lossy(&text)
        );
        match (a, b) {
            (Ok(x), Ok(y)) => assert_eq!(x, y, "case {case}"),
            (Err(e), _) => {
                refused += 1;
                assert!(e.starts_with("at $"), "{e}");
            }
            _ => {}
        }
    }
    assert!(
        refused > 10_000,
        "the corruptions should break most documents: {refused}"
    );
}

#[test]
fn edge_inputs_agree_with_serde_json() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes();
    let cases: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b" ".to_vec(),
        b"\xef\xbb\xbf{}".to_vec(),
        b"{} x".to_vec(),
        b"{}\n".to_vec(),
        b"-0".to_vec(),
        b"-0.0".to_vec(),
        b"1e400".to_vec(),
        b"-1e400".to_vec(),
        b"1e-400".to_vec(),
        b"18446744073709551615".to_vec(),
        b"18446744073709551616".to_vec(),
        b"-9223372036854775808".to_vec(),
        b"-9223372036854775809".to_vec(),
        b"01".to_vec(),
        b"1.".to_vec(),
        b".5".to_vec(),
        b"+1".to_vec(),
        b"\"\\ud800\"".to_vec(),
        b"\"\\udc00\"".to_vec(),
        b"\"\\ud800\\u0041\"".to_vec(),
        b"\"\\u00e9\\uD834\\uDD1E\"".to_vec(),
        b"\"\\x\"".to_vec(),
        b"\"\t\"".to_vec(),
        b"\"\xff\"".to_vec(),
        b"{\"a\":1,}".to_vec(),
        b"[1,]".to_vec(),
        b"{\"a\" 1}".to_vec(),
        b"{\"a\":1 \"b\":2}".to_vec(),
        b"{1:2}".to_vec(),
        b"nul".to_vec(),
        b"truex".to_vec(),
        b"{\"a\":1,\"a\":2}".to_vec(),
        deep(127),
        deep(128),
        deep(129),
    ];
    for text in cases {
        let (a, b) = (ours(&text), theirs(&text));
        assert_eq!(
            a.is_ok(),
            b.is_ok(),
            "{:?}\nours: {a:?}\nserde_json: {b:?}",
            String::from_utf8_lossy(&text)
        );
        if let (Ok(x), Ok(y)) = (a, b) {
            assert_eq!(x, y, "{:?}", String::from_utf8_lossy(&text));
        }
    }
}

#[test]
fn syntax_errors_are_located_at_the_member_and_the_line() {
    let e = json::from_slice::<Value>(b"{\"value\": [1,\n {\"a\": tru}]}").unwrap_err();
    assert_eq!(e.path, "$.value[1].a");
    assert_eq!(e.message, "invalid JSON: expected value at line 2 column 8");
    let e = json::from_slice::<Value>(b"{\"a\": \"\xff\"}").unwrap_err();
    assert_eq!(e.message, "invalid JSON: invalid UTF-8 at line 1 column 8");
}

#[test]
fn look_ahead_leaves_the_decoder_where_it_was() {
    let text = br##" {"a": [1, {"b": 2}], "@odata.type": "#ns.T", "c": "x"} "##;
    let mut d = Decoder::new(text).unwrap();
    assert_eq!(d.peek(), Some(b'{'));
    let before = d.position();
    let t = json::peek_odata_type(&mut d, &Path::ROOT).unwrap();
    assert_eq!(t.as_deref(), Some("ns.T"));
    assert_eq!(d.position(), before);
    let v = d.value(&Path::ROOT).unwrap();
    assert_eq!(v["c"], "x");
    d.finish(&Path::ROOT).unwrap();
}

#[test]
fn the_encoder_escapes_what_serde_json_escapes() {
    let s: String = (0u8..=0x7f)
        .map(char::from)
        .chain("é€𝄞\u{2028}".chars())
        .collect();
    let mut w = Encoder::new();
    w.str(&s);
    assert_eq!(w.into_bytes(), serde_json::to_vec(&s).unwrap());
    let mut w = Encoder::new();
    w.display(&format_args!("a\"b\n{}", 'c'));
    assert_eq!(w.into_bytes(), br#""a\"b\nc""#);
    for i in [0i64, -1, 7, i64::MIN, i64::MAX, 1_000_000] {
        let mut w = Encoder::new();
        w.int(i);
        assert_eq!(w.into_bytes(), i.to_string().into_bytes());
    }
}

#[test]
fn dates_and_times_write_their_display_text() {
    use odata_runtime::edm::{Date, DateTimeOffset, TimeOfDay};
    let mut r = Rng(42);
    let texts = [
        "0001-01-01T00:00:00Z",
        "-0044-03-15T12:00:00+01:00",
        "12345-12-31T23:59:59.1234567-14:00",
        "2024-02-29T08:30:00.000000000001+14:00",
        "2024-01-15T08:30Z",
        "0000-06-01T00:00:00.5-00:00",
    ];
    for t in texts {
        let v: DateTimeOffset = t.parse().unwrap();
        assert_eq!(json::to_string(&v), format!("\"{v}\""), "{t}");
        assert_eq!(
            json::from_str::<DateTimeOffset>(&json::to_string(&v)).unwrap(),
            v
        );
    }
    for _ in 0..2_000 {
        let date = format!(
            "{:04}-{:02}-{:02}",
            r.below(10_000),
            1 + r.below(12),
            1 + r.below(28)
        );
        let digits = r.below(13) as usize;
        let fraction: String = (0..digits)
            .map(|_| char::from(b'0' + r.below(10) as u8))
            .collect();
        let time = format!(
            "{:02}:{:02}:{:02}{}{}",
            r.below(24),
            r.below(60),
            r.below(60),
            if digits > 0 { "." } else { "" },
            fraction
        );
        let d: Date = date.parse().unwrap();
        let t: TimeOfDay = time.parse().unwrap();
        assert_eq!(json::to_string(&d), format!("\"{d}\""));
        assert_eq!(json::to_string(&t), format!("\"{t}\""));
        let dt: DateTimeOffset = format!("{date}T{time}Z").parse().unwrap();
        assert_eq!(json::to_string(&dt), format!("\"{dt}\""));
    }
}

/// A struct written the way generated code is, with names that need escaping (the
/// generator never produces them from valid CSDL; the runtime must still write JSON).
#[derive(Default, Debug, PartialEq)]
struct Odd {
    quote: Option<String>,
    tab: Option<i32>,
    additional: Map<String, Value>,
}

static ODD: json::Shape = json::Shape::new("ns.odd", &["a\"b", "c\td"]);
static ODD_CREATE: json::Shape = json::Shape::tagged("ns.o\"dd", &["a\"b", "c\td"]);

impl json::FromJson for Odd {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, json::DecodeError> {
        let mut v = Self::default();
        let mut o = json::MemberReader::new(d, path, &ODD);
        while let Some(i) = o.next(&mut v.additional) {
            match i {
                0 => o.read(&mut v.quote),
                _ => o.read(&mut v.tab),
            }
        }
        o.finish()?;
        Ok(v)
    }
}

fn write_odd(v: &Odd, shape: &'static json::Shape) -> Vec<u8> {
    let mut w = Encoder::new();
    let mut o = w.members(shape, &v.additional);
    while let Some(i) = o.next() {
        match i {
            0 => o.write(&v.quote),
            _ => o.write(&v.tab),
        }
    }
    w.into_bytes()
}

#[test]
fn member_names_that_need_escaping_are_escaped_both_ways() {
    let mut v = Odd {
        quote: Some("x".into()),
        tab: Some(7),
        ..Odd::default()
    };
    v.additional.insert("z\"".into(), Value::Bool(true));
    let written = write_odd(&v, &ODD);
    let mut expected = Map::new();
    expected.insert("a\"b".into(), "x".into());
    expected.insert("c\td".into(), 7.into());
    expected.insert("z\"".into(), true.into());
    assert_eq!(written, serde_json::to_vec(&expected).unwrap());
    assert_eq!(json::from_slice::<Odd>(&written).unwrap(), v);

    let tagged = write_odd(&v, &ODD_CREATE);
    let back: Value = serde_json::from_slice(&tagged).unwrap();
    assert_eq!(back["@odata.type"], "#ns.o\"dd");
    assert_eq!(back["a\"b"], "x");
}

/// A struct written the way generated code with area features is when a field's type is
/// left out of the build (here `cfg(any())`, never set): the shape still declares
/// `manager`, but its field and arms are gone, so its member is kept in `additional`
/// (`o.keep`) and written from there.
#[derive(Default, Debug, PartialEq)]
struct Gated {
    id: Option<String>,
    #[cfg(any())]
    manager: Option<Value>,
    additional: Map<String, Value>,
}

static GATED: json::Shape = json::Shape::new("ns.gated", &["id", "manager", "zone"]);

impl json::FromJson for Gated {
    fn decode(d: &mut Decoder<'_>, path: &Path<'_>) -> Result<Self, json::DecodeError> {
        let mut v = Self::default();
        let mut o = json::MemberReader::new(d, path, &GATED);
        while let Some(i) = o.next(&mut v.additional) {
            match i {
                0 => o.read(&mut v.id),
                #[cfg(any())]
                1 => o.read(&mut v.manager),
                _ => o.keep(&mut v.additional),
            }
        }
        o.finish()?;
        Ok(v)
    }
}

impl json::ToJson for Gated {
    fn encode(&self, w: &mut Encoder) {
        let mut o = w.members(&GATED, &self.additional);
        while let Some(i) = o.next() {
            match i {
                0 => o.write(&self.id),
                #[cfg(any())]
                1 => o.write(&self.manager),
                _ => {}
            }
        }
    }
}

#[test]
fn a_member_whose_field_is_left_out_is_kept_and_written_back_in_order() {
    let text = br#"{"zone":1,"manager":{"id":"m","x":[1,{"y":null}]},"id":"a","other":true}"#;
    let v: Gated = json::from_slice(text).unwrap();
    assert_eq!(v.id.as_deref(), Some("a"));
    assert_eq!(v.additional["manager"]["x"][1]["y"], Value::Null);
    assert_eq!(v.additional["zone"], 1);
    assert_eq!(v.additional["other"], true);
    // Written in key order, each member once, whatever holds it.
    assert_eq!(
        String::from_utf8(json::to_vec(&v)).unwrap(),
        r#"{"id":"a","manager":{"id":"m","x":[1,{"y":null}]},"other":true,"zone":1}"#
    );
    // An error inside a kept member is located at its path.
    let err = json::from_slice::<Gated>(br#"{"manager":{"id":tru}}"#).unwrap_err();
    assert!(err.to_string().contains("$.manager.id"), "{err}");
}
