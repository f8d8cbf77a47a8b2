//! The malformed-input corpus (`tests/corpus/malformed/cas.txt`) through the real binary: each
//! case exits with the code CONTRACT.md requires, by a normal exit (no signal, so no abort and
//! no stack overflow), and never prints a Rust panic. `tests/tests/malformed.rs` snapshots the
//! errors through the library API.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

#[test]
fn every_malformed_input_exits_with_its_contract_code() {
    let manifest =
        std::fs::read_to_string(root().join("tests/corpus/malformed/cas.txt")).expect("cas.txt");
    let mut wrong = Vec::new();
    let mut count = 0;
    for line in manifest.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let expected: i32 = words.next().and_then(|c| c.parse().ok()).expect("code");
        let args: Vec<&str> = words.collect();
        let out = Command::new(env!("CARGO_BIN_EXE_socle"))
            .args(&args)
            .current_dir(root())
            .output()
            .expect("socle runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            None => wrong.push(format!("{line} : tué par un signal ({:?})", out.status)),
            Some(code) if code != expected => wrong.push(format!("{line} : code {code}\n{stderr}")),
            Some(_) => {}
        }
        if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
            wrong.push(format!("{line} : panique\n{stderr}"));
        }
        if expected != 0 && stderr.trim().is_empty() {
            wrong.push(format!("{line} : échec sans message"));
        }
        count += 1;
    }
    assert!(count >= 40, "{count}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn explain_knows_every_code() {
    for code in socle_compiler::codes::ALL {
        let (code, title) = (code.id, code.title);
        let out = Command::new(env!("CARGO_BIN_EXE_socle"))
            .args(["explain", &code.to_lowercase()])
            .output()
            .expect("socle runs");
        assert_eq!(out.status.code(), Some(0), "{code}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with(&format!("# {code} — {title}")),
            "{code}: {text}"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(["explain", "E9999"])
        .output()
        .expect("socle runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E9999"));
}
