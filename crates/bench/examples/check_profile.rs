//! Where a crate's `cargo check` time goes, by query and by kind of item: a summary of a
//! rustc self-profile, used for the compile figures in `crates/codegen/README.md`.
//!
//! ```sh
//! # in the generated crate (dependencies built):
//! touch src/lib.rs && CARGO_INCREMENTAL=0 RUSTC_BOOTSTRAP=1 cargo rustc --profile check -- \
//!     -Zself-profile=/tmp/prof -Zself-profile-events=default,query-keys
//! # here:
//! cargo run --release -p bench --example check_profile -- /tmp/prof/<crate>-<pid>
//! ```
//!
//! It prints the self time (time not spent in nested queries) of each query, then the
//! self time of every query whose key is an item of the crate, grouped by the item's
//! area (`models`, `client`, `runtime`) and its last path segment (`decode`, `clone`,
//! `fmt`, a method name): what each kind of generated item costs in all. With `TOP=QUERY`
//! (e.g. `TOP=mir_borrowck`) it first lists the 40 items with the most self time in that
//! query: a single item that costs far more than its kind would show there.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use analyzeme::ProfilingData;
use decodeme::event_payload::{EventPayload, Timestamp};

struct Span {
    thread: u32,
    start: SystemTime,
    end: SystemTime,
    label: String,
    key: String,
}

/// `area kind` of a query key such as `krate::models::ns::user::{impl#3}::decode`.
fn kind(key: &str) -> String {
    let area = ["client", "models", "runtime"]
        .into_iter()
        .find(|a| key.contains(&format!("::{a}::")))
        .unwrap_or("other");
    // The last `::` segment outside `<…>`.
    let (mut depth, mut last) = (0i32, 0);
    let b = key.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' => depth += 1,
            b'>' => depth -= 1,
            b':' if depth == 0 && b.get(i + 1) == Some(&b':') => {
                last = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    let seg = &key[last..];
    let seg = if seg.starts_with('{') { "{item}" } else { seg };
    format!("{area} {}", seg.chars().take(40).collect::<String>())
}

fn main() {
    let Some(stem) = std::env::args().nth(1) else {
        eprintln!("usage: check_profile PROFILE_STEM (the .mm_profdata path without extension)");
        std::process::exit(2);
    };
    let data = match ProfilingData::new(Path::new(&stem)) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{stem}: {e}");
            std::process::exit(1);
        }
    };
    let mut spans: Vec<Span> = data
        .iter_full()
        .filter_map(|e| match e.payload {
            EventPayload::Timestamp(Timestamp::Interval { start, end }) => Some(Span {
                thread: e.thread_id,
                start,
                end,
                label: e.label.to_string(),
                key: e
                    .additional_data
                    .first()
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
            }),
            _ => None,
        })
        .collect();
    // Parents before children: by thread, start, then the longer first.
    spans.sort_by(|a, b| (a.thread, a.start, b.end).cmp(&(b.thread, b.start, a.end)));

    let mut by_label: HashMap<String, Duration> = HashMap::new();
    let mut by_kind: HashMap<String, (Duration, usize)> = HashMap::new();
    let top_label = std::env::var("TOP").ok();
    let mut top: Vec<(Duration, String)> = Vec::new();
    let mut close = |s: &Span, children: Duration| -> Duration {
        let total = s.end.duration_since(s.start).unwrap_or_default();
        let own = total.saturating_sub(children);
        if top_label.as_deref() == Some(s.label.as_str()) {
            top.push((own, s.key.clone()));
        }
        *by_label.entry(s.label.clone()).or_default() += own;
        if !s.key.is_empty() {
            let k = by_kind.entry(kind(&s.key)).or_default();
            k.0 += own;
            k.1 += 1;
        }
        total
    };
    // A stack of open spans with the time of their children so far.
    let mut stack: Vec<(usize, Duration)> = Vec::new();
    for i in 0..spans.len() {
        while let Some(&(j, children)) = stack.last() {
            let same_thread = spans[j].thread == spans[i].thread;
            if same_thread && spans[j].end > spans[i].start {
                break;
            }
            stack.pop();
            let t = close(&spans[j], children);
            if let Some(parent) = stack.last_mut() {
                parent.1 += t;
            }
        }
        stack.push((i, Duration::ZERO));
    }
    while let Some((j, children)) = stack.pop() {
        let t = close(&spans[j], children);
        if let Some(parent) = stack.last_mut() {
            parent.1 += t;
        }
    }

    top.sort_by_key(|t| std::cmp::Reverse(t.0));
    if let Some(label) = top_label.as_deref().filter(|_| !top.is_empty()) {
        println!("items with the most self time in {label}:");
    }
    for (d, k) in top.iter().take(40) {
        println!("{:9.4} s  {k}", d.as_secs_f64());
    }
    let total: Duration = by_label.values().sum();
    println!("self time in all: {:.2} s", total.as_secs_f64());
    let mut labels: Vec<_> = by_label.into_iter().collect();
    labels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("\nby query:");
    for (label, d) in labels.iter().take(25) {
        println!("{:9.3} s  {label}", d.as_secs_f64());
    }
    let mut areas: HashMap<&str, Duration> = HashMap::new();
    for (k, (d, _)) in &by_kind {
        *areas.entry(k.split(' ').next().unwrap_or("")).or_default() += *d;
    }
    let mut areas: Vec<_> = areas.into_iter().collect();
    areas.sort_by_key(|a| std::cmp::Reverse(a.1));
    println!("\nby area (queries keyed by an item):");
    for (a, d) in areas {
        println!("{:9.3} s  {a}", d.as_secs_f64());
    }
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    println!("\nby kind of item (area, last path segment; queries summed):");
    for (k, (d, n)) in kinds.iter().take(60) {
        println!("{:9.3} s  {n:8} queries  {k}", d.as_secs_f64());
    }
}
