//! Benchmark of `socle diff` on many val-doise dossiers: the GIR 1 coefficient of 2024 raised
//! in a copy of `national`, on a synthetic population written to a file and streamed back.
//! Prints dossiers per second and the peak resident memory of the process (`VmHWM`), which
//! stays flat when the number of dossiers grows (run it with two sizes to see it).
//!
//! `cargo bench -p socle-diff --bench diff` (1 000 000 dossiers);
//! `SOCLE_BENCH_DOSSIERS=100000 SOCLE_BENCH_FILS=1 cargo bench -p socle-diff --bench diff`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{BufReader, Write};
use std::time::Instant;

use common::{copy_changed, rulesets, GIR_1_RAISED};
use socle_diff::{compile_dir, diff, Options};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let dossiers = env("SOCLE_BENCH_DOSSIERS", 1_000_000);
    let threads = env(
        "SOCLE_BENCH_FILS",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    let dir = tempfile::tempdir().unwrap();
    copy_changed(dir.path(), &["val-doise", "national"], &[GIR_1_RAISED]);
    let before = compile_dir(&rulesets().join("val-doise"), "avant").unwrap();
    let after = compile_dir(&dir.path().join("val-doise"), "après").unwrap();

    // Written in chunks so that generating does not raise the peak either.
    let file = dir.path().join("population.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    let chunk = 10_000;
    let mut written = 0;
    let mut seed = 1;
    while written < dossiers {
        let n = chunk.min(dossiers - written);
        let text = socle_diff::population::generate(before.program(), n, seed);
        out.write_all(text.as_bytes()).unwrap();
        written += n;
        seed += 1;
    }
    out.flush().unwrap();
    drop(out);
    let size = std::fs::metadata(&file).unwrap().len();

    let options = Options {
        threads,
        ..Options::default()
    };
    let mut input = BufReader::new(std::fs::File::open(&file).unwrap());
    let start = Instant::now();
    let report = diff(&before, &after, &mut input, &options).unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "socle diff val-doise : {dossiers} dossiers ({:.0} Mo), {threads} fil(s), {:.1} s, \
         {:.0} dossiers/s, {} modifiés, pic mémoire {} Mio",
        size as f64 / 1e6,
        elapsed,
        dossiers as f64 / elapsed,
        report.modifies,
        peak_memory_kib().map_or("?".to_owned(), |k| (k / 1024).to_string())
    );
}
