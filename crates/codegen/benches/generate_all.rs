//! Benchmark: generate everything in `schemas/graph-v1.0.xml` (`--all`), in memory.
//!
//! ```text
//! cargo bench -p codegen --bench generate_all
//! ```
//!
//! Prints the median of several runs of reading the schema and of generating, so
//! a regression is visible. (The wall time a user sees is `cargo xtask codegen
//! --schema schemas/graph-v1.0.xml --out DIR --all`, which adds the file comparison.)

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

// The allocator `cargo xtask codegen` uses, so the figure is the one users see.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let runs = 7;
    let mut load = Vec::new();
    let mut generate = Vec::new();
    let mut files = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let r = root.clone();
        let model = match csdl::load_with(Path::new("schemas/graph-v1.0.xml"), &move |p: &Path| {
            std::fs::read_to_string(r.join(p)).ok()
        }) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        load.push(start.elapsed());
        let mut config = codegen::Config::new(
            "graph-all",
            "/tmp/graph-all",
            vec![PathBuf::from("schemas/graph-v1.0.xml")],
        );
        config.all();
        let start = Instant::now();
        match codegen::generate(&config, &model) {
            Ok(f) => files = f.len(),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        generate.push(start.elapsed());
    }
    println!(
        "graph-v1.0 --all: {files} files; median of {runs}: read {:.0} ms, generate {:.0} ms",
        median(load).as_secs_f64() * 1e3,
        median(generate).as_secs_f64() * 1e3
    );
}
