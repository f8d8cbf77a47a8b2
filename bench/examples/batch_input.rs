//! Writes the workload's dossiers as `socle batch` reads them (JSON Lines) to stdout, the input
//! the bench's `socle batch` row times: `cargo run -p socle-bench --example batch_input -- N`
//! (10 000 by default), to profile the batch path under callgrind.

use std::io::Write;

fn main() -> std::io::Result<()> {
    let n = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let text = socle_bench::data::jsonl(&socle_bench::data::dossiers(n));
    std::io::stdout().lock().write_all(text.as_bytes())
}
