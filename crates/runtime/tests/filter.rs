//! Typed `$filter` expressions: literals by Edm type, operators and precedence, string and
//! date functions, enumerations and flags, lambdas.

use odata_runtime::filter::{
    CollectionOperand, EnumCollectionOperand, EnumOperand, Filter, FlagsOperand, Operand,
};
use odata_runtime::{Date, DateTimeOffset, Decimal, Duration, Flags, Guid, OpenEnum, Query};

#[derive(Clone, Debug, PartialEq)]
enum Color {
    Red,
    Other(String),
}

impl OpenEnum for Color {
    fn as_str(&self) -> &str {
        match self {
            Color::Red => "red",
            Color::Other(s) => s,
        }
    }
    fn from_wire(s: &str) -> Self {
        match s {
            "red" => Color::Red,
            s => Color::Other(s.to_owned()),
        }
    }
}

fn s(f: Filter) -> String {
    f.to_string()
}

#[test]
fn literals_by_edm_type() {
    let name: Operand<String> = Operand::property("displayName");
    assert_eq!(s(name.eq("O'Brien")), "displayName eq 'O''Brien'");
    assert_eq!(s(name.eq(String::from("a"))), "displayName eq 'a'");
    let n: Operand<i64> = Operand::property("n");
    assert_eq!(s(n.gt(9_007_199_254_740_993)), "n gt 9007199254740993");
    let b: Operand<bool> = Operand::property("on");
    assert_eq!(s(b.eq(true)), "on eq true");
    let d: Operand<Decimal> = Operand::property("price");
    assert_eq!(
        s(d.le("12.50".parse::<Decimal>().unwrap())),
        "price le 12.50"
    );
    let day: Operand<Date> = Operand::property("day");
    assert_eq!(
        s(day.eq("2024-02-29".parse::<Date>().unwrap())),
        "day eq 2024-02-29"
    );
    let at: Operand<DateTimeOffset> = Operand::property("at");
    let t: DateTimeOffset = "2024-01-02T03:04:05.1234567+14:00".parse().unwrap();
    assert_eq!(s(at.lt(t)), "at lt 2024-01-02T03:04:05.1234567+14:00");
    let g: Operand<Guid> = Operand::property("id");
    let id: Guid = "01234567-89ab-cdef-0123-456789abcdef".parse().unwrap();
    assert_eq!(s(g.eq(id)), "id eq 01234567-89ab-cdef-0123-456789abcdef");
    let dur: Operand<Duration> = Operand::property("d");
    let p: Duration = "PT1H".parse().unwrap();
    assert_eq!(s(dur.eq(p)), "d eq duration'PT1H'");
    let f: Operand<f64> = Operand::property("x");
    assert_eq!(s(f.ne(f64::INFINITY)), "x ne INF");
    assert_eq!(s(name.is_null()), "displayName eq null");
    assert_eq!(s(name.is_not_null()), "displayName ne null");
    // Two operands of the same type.
    let other: Operand<String> = Operand::property("mail");
    assert_eq!(s(name.eq(other)), "displayName eq mail");
}

#[test]
fn in_lists_and_the_empty_list() {
    let n: Operand<i32> = Operand::property("n");
    assert_eq!(s(n.is_in([1, 2, 3])), "n in (1,2,3)");
    assert_eq!(s(n.is_in(Vec::<i32>::new())), "false");
    let name: Operand<String> = Operand::property("displayName");
    assert_eq!(s(name.is_in(["a", "b'c"])), "displayName in ('a','b''c')");
}

#[test]
fn precedence_of_and_or_not() {
    let a: Operand<i32> = Operand::property("a");
    let f = a.eq(1) | a.eq(2);
    assert_eq!(s(f.clone()), "a eq 1 or a eq 2");
    assert_eq!(s(f.clone() & a.ne(3)), "(a eq 1 or a eq 2) and a ne 3");
    assert_eq!(s(a.ne(3) & f.clone()), "a ne 3 and (a eq 1 or a eq 2)");
    assert_eq!(s(!f), "not (a eq 1 or a eq 2)");
    assert_eq!(
        s(a.eq(1) & a.eq(2) | a.eq(3)),
        "a eq 1 and a eq 2 or a eq 3"
    );
    // Raw text is kept and parenthesized when combined.
    assert_eq!(
        s(Filter::raw("x eq 1 or y eq 2") & a.eq(1)),
        "(x eq 1 or y eq 2) and a eq 1"
    );
}

#[test]
fn string_and_date_functions() {
    let name: Operand<String> = Operand::property("displayName");
    assert_eq!(s(name.starts_with("A")), "startswith(displayName,'A')");
    assert_eq!(s(name.ends_with("z")), "endswith(displayName,'z')");
    assert_eq!(s(name.contains("%&")), "contains(displayName,'%&')");
    assert_eq!(
        s(name.to_lower().eq("ada")),
        "tolower(displayName) eq 'ada'"
    );
    assert_eq!(s(name.length().gt(3)), "length(displayName) gt 3");
    assert_eq!(s(name.index_of("x").eq(0)), "indexof(displayName,'x') eq 0");
    assert_eq!(
        s(name.trim().to_upper().concat("!").eq("A!")),
        "concat(toupper(trim(displayName)),'!') eq 'A!'"
    );
    let at: Operand<DateTimeOffset> = Operand::property("at");
    assert_eq!(
        s(at.year().eq(2024) & at.month().le(6)),
        "year(at) eq 2024 and month(at) le 6"
    );
    assert_eq!(
        s(at.date().eq("2024-02-29".parse::<Date>().unwrap())),
        "date(at) eq 2024-02-29"
    );
}

#[test]
fn enumerations_flags_and_lambdas() {
    let c: EnumOperand<Color> = EnumOperand::property("color", "ns.Color");
    assert_eq!(s(c.eq(Color::Red)), "color eq ns.Color'red'");
    assert_eq!(
        s(c.ne(Color::from_wire("it's"))),
        "color ne ns.Color'it''s'"
    );
    assert_eq!(s(c.is_in([Color::Red])), "color in (ns.Color'red')");
    let f: FlagsOperand<Color> = FlagsOperand::property("flags", "ns.Color");
    assert_eq!(s(f.has(Color::Red)), "flags has ns.Color'red'");
    let both: Flags<Color> = Flags::parse("red,blue");
    assert_eq!(s(f.eq(&both)), "flags eq ns.Color'red,blue'");
    let tags: CollectionOperand<String> = CollectionOperand::property("tags");
    assert_eq!(s(tags.any(|t| t.eq("x"))), "tags/any(x0:x0 eq 'x')");
    assert_eq!(
        s(tags.all(|t| t.starts_with("a"))),
        "tags/all(x0:startswith(x0,'a'))"
    );
    assert_eq!(s(tags.is_not_empty()), "tags/any()");
    assert_eq!(s(tags.count().gt(2)), "tags/$count gt 2");
    // Nested lambdas get distinct variables, and the depth is restored after.
    let nested = tags.any(|t| t.eq("a") & tags.all(|u| u.ne("b")));
    assert_eq!(
        s(nested),
        "tags/any(x0:x0 eq 'a' and tags/all(x1:x1 ne 'b'))"
    );
    assert_eq!(s(tags.any(|t| t.eq("c"))), "tags/any(x0:x0 eq 'c')");
    let colors: EnumCollectionOperand<Color> =
        EnumCollectionOperand::property("colors", "ns.Color");
    assert_eq!(
        s(colors.any(|c| c.eq(Color::Red))),
        "colors/any(x0:x0 eq ns.Color'red')"
    );
}

#[test]
fn a_hostile_value_stays_inside_the_filter_option() {
    let name: Operand<String> = Operand::property("displayName");
    let f = name.eq("x' or 1 eq 1&$top=1#");
    assert_eq!(s(f.clone()), "displayName eq 'x'' or 1 eq 1&$top=1#'");
    let q = Query::new().filter(f).encode();
    assert!(!q.contains("&$top"), "{q}");
    assert!(!q.contains('#'), "{q}");
    assert_eq!(q.matches('&').count(), 0, "{q}");
}
