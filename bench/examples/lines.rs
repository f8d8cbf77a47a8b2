//! Prints the workload's first N dossiers as JSON Lines (`socle batch` input): used by
//! `bench/instructions` to count the instructions of a batch line.

use std::io::Write;

fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let text = socle_bench::data::jsonl(&socle_bench::data::dossiers(n));
    let _ = std::io::stdout().write_all(text.as_bytes());
}
