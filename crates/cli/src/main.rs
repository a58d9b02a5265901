//! `odata-codegen`: `cargo xtask codegen` for any repository. Paths (the default
//! `codegen.toml`, and those inside it) are relative to the current directory.

use std::path::Path;
use std::process::ExitCode;

// Generation allocates millions of small token trees; glibc's allocator spends about a
// third of the run in malloc/free (perf), mimalloc roughly halves that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let usage = odata_codegen::usage("odata-codegen");
    match odata_codegen::parse_args(std::env::args().skip(1)) {
        Ok(args) => odata_codegen::exit(odata_codegen::run(&args, Path::new(".")), &usage),
        Err(f) => odata_codegen::exit(Err(f), &usage),
    }
}
