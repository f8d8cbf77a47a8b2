//! The speed table of issue 15 on the workload « APA + aide ménagère »: every path of Socle
//! timed next to the hand-written rust_decimal function in the same process, as a ratio of
//! time per decision (the machine is shared: read the ratios, not the absolute speeds).
//!
//! `cargo bench -p socle-bench` (`SOCLE_BENCH_N` dossiers, 100 000 by default; `SOCLE_BENCH_RUNS`
//! timed runs per row, median kept). The `socle batch` row runs the release binary next to this
//! bench (`cargo build --release -p socle-cli` first, or `SOCLE_BIN`). With `SOCLE_PEERS_DIR`
//! pointing at the peers' material, the generator is checked against their data file and their
//! recorded results are printed below the table.

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use socle_bench::{baseline, data, decision_date, engine, outcome, ruleset_dir};
use socle_runtime::DecideOptions;

fn env_usize(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Seconds per decision: the median of `runs` timed runs of `pass` over `n` dossiers, each
/// run repeating the pass until it lasts at least 0.2 s, after one warm-up pass. With
/// `SOCLE_BENCH_COUNT` set, one untimed pass inside `counted_pass` instead, for
/// `bench/instructions` to count under callgrind.
fn per_decision(n: usize, runs: usize, mut pass: impl FnMut()) -> f64 {
    if std::env::var_os("SOCLE_BENCH_COUNT").is_some() {
        counted_pass(&mut pass);
        return f64::NAN;
    }
    pass();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let mut passes = 0u32;
            while passes == 0 || start.elapsed().as_secs_f64() < 0.2 {
                pass();
                passes += 1;
            }
            start.elapsed().as_secs_f64() / (f64::from(passes) * n as f64)
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The one pass that callgrind counts (`--toggle-collect=*counted_pass*`).
#[inline(never)]
fn counted_pass(pass: &mut impl FnMut()) {
    pass();
}

struct Table {
    unit: f64,
    rows: Vec<(String, f64, String)>,
    /// `SOCLE_BENCH_ONLY`: measure only the rows whose path contains it (to profile one path
    /// under callgrind).
    only: Option<String>,
    n: usize,
    runs: usize,
}

impl Table {
    fn wants(&self, path: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| path.contains(only.as_str()))
    }

    /// Measures `pass` (one pass over the dossiers) as the row `path`, if wanted.
    fn measure(&mut self, path: &str, pass: impl FnMut()) -> Option<f64> {
        if !self.wants(path) {
            return None;
        }
        let seconds = per_decision(self.n, self.runs, pass);
        self.row(path, seconds, "");
        Some(seconds)
    }

    fn row(&mut self, path: &str, seconds: f64, note: &str) {
        // Progress on stderr: a full run takes a minute or two.
        eprintln!(
            "{path}: {} /s, {:.1}×",
            rate(1.0 / seconds),
            seconds / self.unit
        );
        self.rows.push((path.to_owned(), seconds, note.to_owned()));
    }

    fn print(&self) {
        println!("| path | decisions/s | time vs hand-written rust_decimal | |");
        println!("|---|---|---|---|");
        for (path, seconds, note) in &self.rows {
            println!(
                "| {path} | {} | {:.1}× | {note} |",
                rate(1.0 / seconds),
                seconds / self.unit
            );
        }
    }
}

fn rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{:.2} M", per_second / 1e6)
    } else {
        format!("{:.0} k", per_second / 1e3)
    }
}

fn main() {
    let n = env_usize("SOCLE_BENCH_N", 100_000);
    let runs = env_usize("SOCLE_BENCH_RUNS", 5).max(1);
    let engine = engine().unwrap_or_else(|e| panic!("the workload's ruleset:\n{e}"));
    let dossiers = data::dossiers(n);
    let lines: Vec<String> = dossiers.iter().map(data::Dossier::socle_json).collect();
    let plains: Vec<baseline::Plain> = dossiers.iter().map(baseline::Plain::from).collect();
    let decoded: Vec<_> = lines
        .iter()
        .map(|l| engine.decode_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    let options = DecideOptions {
        date: Some(decision_date()),
        explain: false,
    };
    let explain = DecideOptions {
        explain: true,
        ..options
    };
    // The ratios mean something only if both sides compute the same thing.
    for (d, plain) in decoded.iter().zip(&plains) {
        let decision = engine.decide(d, &options).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            outcome(&decision.dispositifs),
            Some(baseline::decide(plain))
        );
    }

    let unit = per_decision(n, runs, || {
        for p in &plains {
            black_box(baseline::decide(black_box(p)));
        }
    });
    let mut table = Table {
        unit,
        rows: Vec::new(),
        only: std::env::var("SOCLE_BENCH_ONLY").ok(),
        n,
        runs,
    };
    table.row("hand-written rust_decimal", unit, "decoded dossier");
    let decide = |d: &socle_runtime::Dossier| engine.decide(black_box(d), &options).ok();
    table.measure(
        "Socle `Engine::decide`, decoded dossier, outputs read",
        || {
            for d in &decoded {
                black_box(decide(d).as_ref().map(|x| outcome(&x.dispositifs)));
            }
        },
    );
    let mut reused = engine.empty_decision();
    table.measure(
        "Socle `Engine::decide_into` (decision reused), outputs read",
        || {
            for d in &decoded {
                let decided = engine.decide_into(black_box(d), &options, &mut reused);
                black_box(decided.ok().map(|()| outcome(&reused.dispositifs)));
            }
        },
    );
    // The same decisions by the reference evaluator alone (`Engine::reference`), the
    // recursive three-valued walk that the compiled plan falls back to.
    let reference = engine.reference();
    let mut reused_by_reference = reference.empty_decision();
    table.measure(
        "reference evaluator, `Engine::decide_into` (decision reused)",
        || {
            for d in &decoded {
                let decided =
                    reference.decide_into(black_box(d), &options, &mut reused_by_reference);
                black_box(
                    decided
                        .ok()
                        .map(|()| outcome(&reused_by_reference.dispositifs)),
                );
            }
        },
    );
    table.measure("+ every motif rendered", || {
        for d in &decoded {
            if let Some(decision) = decide(d) {
                for motif in decision.dispositifs.iter().flat_map(|x| &x.motifs) {
                    black_box(motif.message());
                }
            }
        }
    });
    let mut text = Vec::with_capacity(4096);
    table.measure("+ decision JSON text (`write_json`)", || {
        for d in &decoded {
            if let Some(decision) = decide(d) {
                text.clear();
                decision.write_json(&mut text);
                black_box(&text);
            }
        }
    });
    table.measure("+ decision JSON text through the tree (`to_json`)", || {
        for d in &decoded {
            if let Some(decision) = decide(d) {
                text.clear();
                let _ = serde_json::to_writer(&mut text, &decision.to_json());
                black_box(&text);
            }
        }
    });
    table.measure("with trace (`--explain`)", || {
        for d in &decoded {
            black_box(engine.decide(black_box(d), &explain).ok());
        }
    });
    // Decoding alone: the text to the values a decision reads, without deciding.
    let hand_read = table.measure("hand-written `serde_json::Value` decode alone", || {
        for l in &lines {
            black_box(baseline::decode(black_box(l)));
        }
    });
    let socle_read = table.measure("`decode_str` alone", || {
        for l in &lines {
            black_box(engine.decode_str(black_box(l)).ok());
        }
    });
    if let (Some(hand), Some(socle), Some(last)) = (hand_read, socle_read, table.rows.last_mut()) {
        last.2 = format!("{:.2}× the hand-written decode", socle / hand);
    }
    let hand_decode = table.measure("hand-written `serde_json::Value` decode + decide", || {
        for l in &lines {
            black_box(baseline::decode(black_box(l)).map(|p| baseline::decide(&p)));
        }
    });
    let socle_decode = table.measure("`decode_str` + decide", || {
        for l in &lines {
            if let Ok(d) = engine.decode_str(black_box(l)) {
                black_box(decide(&d).as_ref().map(|x| outcome(&x.dispositifs)));
            }
        }
    });
    if let (Some(hand), Some(socle), Some(last)) =
        (hand_decode, socle_decode, table.rows.last_mut())
    {
        last.2 = format!("{:.2}× the hand-written decode + decide", socle / hand);
    }
    if table.wants("`socle batch`") {
        match batch(&dossiers, runs) {
            Ok((seconds, note)) => table.row("`socle batch` JSONL → JSONL", seconds, &note),
            Err(why) => eprintln!("`socle batch` row skipped: {why}"),
        }
    }
    println!();
    println!("{n} dossiers, median of {runs} runs, one process");
    table.print();
    peers(&dossiers);
}

/// The release `socle` binary: `SOCLE_BIN`, or next to this bench in the target directory.
fn socle_bin() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("SOCLE_BIN") {
        return Some(PathBuf::from(bin));
    }
    let exe = std::env::current_exe().ok()?;
    // target/release/deps/table-… → target/release/socle
    let bin = exe.parent()?.parent()?.join("socle");
    bin.exists().then_some(bin)
}

/// Seconds per dossier of `socle batch` on the workload's JSON Lines written to a file, as
/// `socle batch … > décisions.jsonl` runs, whole process included (start-up and compile of the
/// ruleset are a few milliseconds). The lines are counted after the clock stops: a pipe read by
/// this process would time this process too, on one of the same two cores.
fn batch(dossiers: &[data::Dossier], runs: usize) -> Result<(f64, String), String> {
    let bin = socle_bin().ok_or("no release `socle` binary: cargo build --release -p socle-cli")?;
    let input = std::env::temp_dir().join(format!("socle-bench-{}.jsonl", std::process::id()));
    let output = input.with_extension("out.jsonl");
    std::fs::write(&input, data::jsonl(dossiers)).map_err(|e| e.to_string())?;
    let run = |input: &Path| -> Result<(f64, usize), String> {
        let file = std::fs::File::create(&output).map_err(|e| e.to_string())?;
        let start = Instant::now();
        let status = Command::new(&bin)
            .arg("batch")
            .arg(ruleset_dir())
            .arg("--dossiers")
            .arg(input)
            .args(["--date", "2026-01-01"])
            .stdout(file)
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("{}: {e}", bin.display()))?;
        let seconds = start.elapsed().as_secs_f64();
        if !status.success() {
            return Err(format!("{}: {status}", bin.display()));
        }
        let written = std::fs::read(&output).map_err(|e| e.to_string())?;
        let lines = written.iter().filter(|b| **b == b'\n').count();
        Ok((seconds, lines))
    };
    let mut times = Vec::new();
    let mut last = 0;
    for _ in 0..runs.max(1) {
        let (seconds, lines) = run(&input)?;
        times.push(seconds / dossiers.len() as f64);
        last = lines;
    }
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    if last != dossiers.len() {
        return Err(format!(
            "{last} output lines for {} dossiers",
            dossiers.len()
        ));
    }
    times.sort_by(f64::total_cmp);
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    Ok((
        times[times.len() / 2],
        format!("whole process, {threads} cores, output to a file"),
    ))
}

/// With `SOCLE_PEERS_DIR`: the generator against the peers' data file, and their results.
fn peers(dossiers: &[data::Dossier]) {
    let Some(dir) = std::env::var_os("SOCLE_PEERS_DIR").map(PathBuf::from) else {
        println!("\nSOCLE_PEERS_DIR is not set: the peers' data and results are not compared.");
        return;
    };
    match std::fs::read_to_string(dir.join("data/dossiers.jsonl")) {
        Ok(text) => {
            let differ = text
                .lines()
                .zip(dossiers)
                .filter(|(line, d)| *line != d.peer_json())
                .count();
            let compared = text.lines().count().min(dossiers.len());
            println!("\ngenerator vs the peers' data file: {differ} of {compared} lines differ");
        }
        Err(e) => println!("\nno peers' data file ({e})"),
    }
    let Ok(entries) = std::fs::read_dir(dir.join("results")) else {
        // Their last published table: another run on another day, so only its ratios compare.
        match std::fs::read_to_string(dir.join("RESULTS.md")) {
            Ok(table) => println!("\nthe peers' recorded results (their own run):\n{table}"),
            Err(_) => println!("no peers' results (run their run_all.sh first)"),
        }
        return;
    };
    let mut found: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("bench_"))
        })
        .collect();
    found.sort();
    println!("\n| peer (their own run) | single/s | batch/s |\n|---|---|---|");
    for path in found {
        let Ok(json) = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).map_err(|e| e.to_string()))
        else {
            continue;
        };
        let speed = |k: &str| {
            json.get(k)
                .and_then(serde_json::Value::as_f64)
                .map_or("–".to_owned(), rate)
        };
        println!(
            "| {} | {} | {} |",
            json.get("engine").and_then(|v| v.as_str()).unwrap_or("?"),
            speed("single_per_s"),
            speed("batch_per_s")
        );
    }
    let _ = std::io::stdout().flush();
}
