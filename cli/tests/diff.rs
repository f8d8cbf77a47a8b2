//! `socle diff` and `socle population` from the command line: formats, `--sortie`, exit
//! statuses (0, 1 with `--echec-si-changement` when something changed, 2 for a ruleset or
//! usage error). What the diff finds is tested in the `socle-diff` crate.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn socle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn rulesets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rulesets")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn diff_formats_and_exit_statuses() {
    let dir = tempfile_dir("formats");
    let crt = rulesets().join("crt");
    let changed = dir.join("crt");
    std::fs::create_dir_all(&changed).unwrap();
    let text = std::fs::read_to_string(crt.join("crt.socle"))
        .unwrap()
        .replace("900 €/mois", "950 €/mois");
    std::fs::write(changed.join("crt.socle"), text).unwrap();
    // `importe national` resolves to a sibling directory.
    let national = dir.join("national");
    std::fs::create_dir_all(&national).unwrap();
    for entry in std::fs::read_dir(rulesets().join("national")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, national.join(p.file_name().unwrap())).unwrap();
    }
    let population = crt.join("population.jsonl");
    // `socle diff CRT CHANGED --dossiers POPULATION` and more options.
    let diff = |more: &[&str]| {
        let mut args = vec!["diff", s(&crt), s(&changed), "--dossiers", s(&population)];
        args.extend_from_slice(more);
        socle(&args)
    };

    let out = diff(&[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(summary.contains("accompagnement_renforce"), "{summary}");
    assert!(
        summary.contains("paramètre crt.financement_mensuel_volet_2, version du 2022-04-30"),
        "{summary}"
    );

    let out = diff(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let modified = json["modifies"].as_u64().unwrap();
    assert!(modified > 0, "{json}");
    let d = &json["dispositifs"][0];
    assert_eq!(d["montant"]["valeur"], "financement_mensuel");
    let per_month = modified * 50;
    assert_eq!(d["montant"]["total_mensuel"], format!("{per_month}.00"));
    assert_eq!(
        d["montant"]["total_annuel"],
        format!("{}.00", per_month * 12)
    );

    let html = dir.join("rapport.html");
    let out = diff(&[
        "--format",
        "html",
        "--sortie",
        s(&html),
        "--echec-si-changement",
    ]);
    assert_eq!(out.status.code(), Some(1), "something changed");
    assert!(out.stdout.is_empty());
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .contains("<table class=\"resume\">"));

    let same = socle(&[
        "diff",
        s(&crt),
        s(&crt),
        "--dossiers",
        s(&population),
        "--echec-si-changement",
    ]);
    assert_eq!(same.status.code(), Some(0));

    let missing = socle(&["diff", s(&crt), "/nulle/part", "--dossiers", s(&population)]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("introuvable"));
    let bad_date = socle(&[
        "diff",
        s(&crt),
        s(&crt),
        "--dossiers",
        s(&population),
        "--date",
        "2024-02-30",
    ]);
    assert_eq!(bad_date.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn population_prints_the_first_dossiers_of_the_committed_one() {
    let crt = rulesets().join("crt");
    let out = socle(&["population", s(&crt), "--n", "3", "--graine", "1"]);
    assert_eq!(out.status.code(), Some(0));
    let committed = std::fs::read_to_string(crt.join("population.jsonl")).unwrap();
    let first: Vec<&str> = committed.lines().take(3).collect();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        first.join("\n") + "\n"
    );
}

/// A fresh directory under the target's temporary directory.
fn tempfile_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("socle-diff-cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
