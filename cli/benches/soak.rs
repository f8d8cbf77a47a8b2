//! Soak benchmark of `socle batch` (issue 13): the real binary decides 100 000 then 1 000 000
//! JSON lines of which 1 % are garbage (blank lines, broken JSON, invalid UTF-8, wrong types).
//! It checks that exactly one line comes out per line in, in order with its `ligne`, and that
//! peak memory (VmHWM, polled from /proc while the process runs) stays flat between the two
//! sizes: the input is streamed, never held. Run with `cargo bench -p socle-cli --bench soak`
//! (a benchmark, not a test: a million decisions take a while on a shared machine).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The example dossier on one line.
fn dossier_line() -> String {
    let text = std::fs::read_to_string(root().join("examples/dossier-apa.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    serde_json::to_string(&value).unwrap()
}

fn write_input(path: &Path, lines: usize) {
    let good = dossier_line();
    let mut out = BufWriter::new(File::create(path).unwrap());
    for i in 0..lines {
        // 1 % garbage, of four kinds in turn.
        match (i % 100 == 99, (i / 100) % 4) {
            (false, _) => out.write_all(good.as_bytes()).unwrap(),
            (true, 0) => {}
            (true, 1) => out.write_all(b"{\"date_demande\": ").unwrap(),
            (true, 2) => out
                .write_all(b"{\"date_demande\": \"2024-11-19\xff\"}")
                .unwrap(),
            (true, _) => out
                .write_all(good.replace("\"gir\":3", "\"gir\":\"trois\"").as_bytes())
                .unwrap(),
        }
        out.write_all(b"\n").unwrap();
    }
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Run {
    lines_out: usize,
    in_order: bool,
    peak_kib: u64,
    seconds: f64,
}

fn run(input: &Path) -> Run {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(["batch", "rulesets/val-doise", "--dossiers"])
        .arg(input)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut n = 0usize;
        let mut in_order = true;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            n += 1;
            let prefix = format!("{{\"ligne\":{n},");
            in_order &= line.starts_with(&prefix);
        }
        (n, in_order)
    });
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        peak = peak.max(peak_rss_kib(pid).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(20));
    }
    let (lines_out, in_order) = reader.join().unwrap();
    Run {
        lines_out,
        in_order,
        peak_kib: peak,
        seconds: start.elapsed().as_secs_f64(),
    }
}

fn main() {
    let dir = std::env::temp_dir().join(format!("socle-soak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut peaks = Vec::new();
    let mut ok = true;
    for lines in [100_000usize, 1_000_000] {
        let input = dir.join(format!("{lines}.jsonl"));
        write_input(&input, lines);
        let r = run(&input);
        println!(
            "socle batch, {lines} lignes (1 % invalides) : {} lignes en sortie, ordre {}, \
             pic mémoire {} Kio, {:.1} s ({:.0} dossiers/s)",
            r.lines_out,
            if r.in_order { "respecté" } else { "FAUX" },
            r.peak_kib,
            r.seconds,
            lines as f64 / r.seconds
        );
        ok &= r.lines_out == lines && r.in_order;
        peaks.push(r.peak_kib as f64);
        std::fs::remove_file(&input).ok();
    }
    std::fs::remove_dir_all(&dir).ok();
    let ratio = peaks[1] / peaks[0].max(1.0);
    println!("pic mémoire 1 000 000 / 100 000 lignes : {ratio:.2} (objectif : ≤ 1,10)");
    if !ok || ratio > 1.10 {
        eprintln!("échec : lignes perdues, décalées, ou mémoire qui croît avec l'entrée");
        std::process::exit(1);
    }
}
