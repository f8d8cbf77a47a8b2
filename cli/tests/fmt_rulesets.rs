//! `socle fmt` on copies of every shipped ruleset: formatting is idempotent, and the
//! formatted rulesets give the same diagnostics and pass the same golden tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

fn socle(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The `socle check --format json` diagnostics, without positions (formatting moves them).
fn diagnostic_codes(dir: &Path) -> Vec<String> {
    let out = socle(&["check", "rulesets", "--format", "json"], dir);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut codes: Vec<String> = text
        .match_indices("\"code\"")
        .map(|(i, _)| text[i..].split('"').nth(3).unwrap_or("").to_owned())
        .collect();
    codes.sort();
    codes
}

#[test]
fn formatting_the_shipped_rulesets_is_idempotent_and_changes_no_decision() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tmp = std::env::temp_dir().join(format!("socle-fmt-{}", std::process::id()));
    copy_dir(&root.join("rulesets"), &tmp.join("rulesets"));

    let before_check = diagnostic_codes(&tmp);
    let before_test = socle(&["test", "rulesets"], &tmp);

    let first = socle(&["fmt", "rulesets"], &tmp);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let snapshot: Vec<(std::path::PathBuf, String)> = socle_files(&tmp.join("rulesets"));
    let check = socle(&["fmt", "--check", "rulesets"], &tmp);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let second = socle(&["fmt", "rulesets"], &tmp);
    assert!(second.status.success());
    assert_eq!(
        socle_files(&tmp.join("rulesets")),
        snapshot,
        "format(format(x)) != format(x)"
    );

    assert_eq!(diagnostic_codes(&tmp), before_check);
    let after_test = socle(&["test", "rulesets"], &tmp);
    let last_line = |o: &Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .last()
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(after_test.status.code(), before_test.status.code());
    assert_eq!(last_line(&after_test), last_line(&before_test));
    // Every case, passed or not, reports the same decision differences as before.
    assert_eq!(
        String::from_utf8_lossy(&after_test.stdout),
        String::from_utf8_lossy(&before_test.stdout)
    );
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn check_reports_unformatted_and_unparsable_files() {
    let tmp = std::env::temp_dir().join(format!("socle-fmt-check-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("a.socle"), "valeur a : entier = 1   \n\n\n").unwrap();
    let out = socle(&["fmt", "--check", "a.socle"], &tmp);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("a.socle : mise en forme à refaire"));
    let out = socle(&["fmt", "a.socle"], &tmp);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(tmp.join("a.socle")).unwrap(),
        "valeur a : entier = 1\n"
    );
    std::fs::write(tmp.join("b.socle"), "valeur b : = 1\n").unwrap();
    let out = socle(&["fmt", "b.socle"], &tmp);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("b.socle:1:"));
    assert_eq!(socle(&["fmt", "absent"], &tmp).status.code(), Some(2));
    std::fs::remove_dir_all(&tmp).ok();
}

fn socle_files(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(socle_files(&path));
        } else if path.extension().is_some_and(|e| e == "socle") {
            out.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    out.sort();
    out
}
