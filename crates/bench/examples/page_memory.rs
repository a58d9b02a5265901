//! Peak memory of decoding a 30 MB `/users` page, with the generated models or the
//! serde-derive baseline, for `/usr/bin/time -v` (its "Maximum resident set size"):
//!
//! ```text
//! cargo build --release -p bench --example page_memory
//! /usr/bin/time -v target/release/examples/page_memory generated
//! /usr/bin/time -v target/release/examples/page_memory derive
//! /usr/bin/time -v target/release/examples/page_memory none   # the page alone
//! ```
//!
//! An optional second argument is the page size in MB (default 30). The page is
//! generated first (its bytes stay alive throughout, as a response body does), then
//! decoded once; `none` only generates it, the floor both others share.

use std::hint::black_box;
use std::process::ExitCode;

use bench::page::{SEED, users_page_of_size};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_default();
    let mb = match args.next().map(|a| a.parse::<usize>()) {
        None => 30,
        Some(Ok(mb)) if mb > 0 => mb,
        Some(_) => {
            eprintln!("the page size is a whole number of MB");
            return ExitCode::FAILURE;
        }
    };
    let page = users_page_of_size(mb * 1_000_000, SEED).into_boxed_slice();
    let users = match which.as_str() {
        "generated" => black_box(bench::decode_generated(&page)).items.len(),
        "derive" => black_box(bench::decode_derive(&page)).value.len(),
        "none" => 0,
        _ => {
            eprintln!("usage: page_memory generated|derive|none [MB]");
            return ExitCode::FAILURE;
        }
    };
    println!("{which}: {} bytes, {users} users decoded", page.len());
    ExitCode::SUCCESS
}
