//! Decode and encode a 999-user Graph `/users` page (about 3 MB): the generated models
//! against the serde-derive baseline, in one process.
//!
//! `cargo bench -p bench --bench page` (the ratios: `--bench ratio`).

use std::hint::black_box;
use std::sync::LazyLock;

use bench::page::{DEFAULT_USERS, SEED, users_page};
use divan::Bencher;
use divan::counter::BytesCount;

static PAGE: LazyLock<Vec<u8>> = LazyLock::new(|| users_page(DEFAULT_USERS, SEED));

fn main() {
    divan::main();
}

#[divan::bench_group(sample_count = 40)]
mod decode {
    use super::*;

    /// `json::from_slice::<Page<User>>`, as the pager decodes a page.
    #[divan::bench]
    fn generated(b: Bencher) {
        b.counter(BytesCount::of_slice(&*PAGE))
            .bench(|| bench::decode_generated(black_box(&PAGE)));
    }

    /// `json::from_slice::<Page<AnyUser>>`: the item type `users().list()` returns.
    #[divan::bench]
    fn generated_any(b: Bencher) {
        b.counter(BytesCount::of_slice(&*PAGE))
            .bench(|| bench::decode_generated_any(black_box(&PAGE)));
    }

    /// `serde_json::from_slice::<UsersPage>` with the derive baseline.
    #[divan::bench]
    fn derive(b: Bencher) {
        b.counter(BytesCount::of_slice(&*PAGE))
            .bench(|| bench::decode_derive(black_box(&PAGE)));
    }
}

#[divan::bench_group(sample_count = 40)]
mod encode {
    use super::*;

    /// `json::to_vec` of the page's `Vec<User>`.
    #[divan::bench]
    fn generated(b: Bencher) {
        let users = bench::decode_generated(&PAGE).items;
        b.counter(BytesCount::of_slice(&*PAGE))
            .bench(|| bench::encode_generated(black_box(&users)));
    }

    /// `serde_json::to_vec` of the baseline's `Vec<User>`.
    #[divan::bench]
    fn derive(b: Bencher) {
        let users = bench::decode_derive(&PAGE).value;
        b.counter(BytesCount::of_slice(&*PAGE))
            .bench(|| bench::encode_derive(black_box(&users)));
    }
}
