//! `odata-codegen`: `cargo xtask codegen` for any repository. Paths (the default
//! `codegen.toml`, and those inside it) are relative to the current directory.

use std::path::Path;
use std::process::ExitCode;

// Generation allocates millions of small strings: against glibc's allocator mimalloc
// takes whole-Graph generation from ~318 to ~209 ms. Its v2 line (the `v2` feature)
// runs as fast as v3 and peaks a fifth lower (153 vs 192 MB RSS); fresh memory is
// expensive on the 2-core VM (`crates/codegen/README.md`, "Generation speed").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let usage = odata_codegen::usage("odata-codegen");
    match odata_codegen::parse_args(std::env::args().skip(1)) {
        Ok(args) => odata_codegen::exit(odata_codegen::run(&args, Path::new(".")), &usage),
        Err(f) => odata_codegen::exit(Err(f), &usage),
    }
}
