//! The ratio generated / derive for decoding and encoding the 999-user page, measured
//! alternately in one process (each round runs every operation, in turn), so a noisy
//! machine slows both sides alike. Prints the median of each and the ratios.
//!
//! `cargo bench -p bench --bench ratio` (optional argument: rounds, default 41).

use std::hint::black_box;
use std::time::{Duration, Instant};

use bench::page::{DEFAULT_USERS, SEED, users_page};

/// Times the second of two calls of `f` (the first warms the caches the previous
/// operation evicted: each side is measured warm, as divan measures it), dropping the
/// result after the clock stops (as divan does).
fn time<T>(f: impl Fn() -> T) -> Duration {
    drop(black_box(f()));
    let start = Instant::now();
    let out = black_box(f());
    let elapsed = start.elapsed();
    drop(out);
    elapsed
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    // `cargo bench` passes `--bench`; a number among the arguments is the round count.
    let rounds = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(41);
    let page = users_page(DEFAULT_USERS, SEED);
    let generated_users = bench::decode_generated(&page).items;
    let derive_users = bench::decode_derive(&page).value;
    let encoded = bench::encode_generated(&generated_users).len();

    let names = [
        "decode generated (Page<User>)",
        "decode generated (Page<AnyUser>)",
        "decode derive",
        "decode generated through serde",
        "encode generated",
        "encode derive",
        "encode generated through serde",
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); names.len()];
    // One warm-up round, not counted.
    for round in 0..=rounds {
        let t = [
            time(|| bench::decode_generated(black_box(&page))),
            time(|| bench::decode_generated_any(black_box(&page))),
            time(|| bench::decode_derive(black_box(&page))),
            time(|| bench::decode_serde(black_box(&page))),
            time(|| bench::encode_generated(black_box(&generated_users))),
            time(|| bench::encode_derive(black_box(&derive_users))),
            time(|| bench::encode_serde(black_box(&generated_users))),
        ];
        if round > 0 {
            for (all, t) in times.iter_mut().zip(t) {
                all.push(t);
            }
        }
    }
    let m: Vec<Duration> = times.into_iter().map(median).collect();
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "page: {} users, {:.2} MB ({:.2} MB as the generated models write it); median of {rounds} alternating rounds",
        generated_users.len(),
        page.len() as f64 / 1e6,
        encoded as f64 / 1e6
    );
    for (name, d) in names.iter().zip(&m) {
        println!("  {name:<34} {:>10}", ms(*d));
    }
    println!(
        "ratio generated / derive: decode {:.2}x (Page<AnyUser>: {:.2}x), encode {:.2}x",
        ratio(m[0], m[2]),
        ratio(m[1], m[2]),
        ratio(m[4], m[5])
    );
    println!(
        "ratio generated through serde_json / derive: decode {:.2}x, encode {:.2}x",
        ratio(m[3], m[2]),
        ratio(m[6], m[5])
    );
}
