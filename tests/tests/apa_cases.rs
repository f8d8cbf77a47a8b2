//! The hand-computed APA dossiers of `rulesets/val-doise/tests/apa_domicile/`: each expected value
//! was computed from LAW-APA.md by hand (the arithmetic is in each case's description), never
//! by Socle, so these tests can fail.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::Value as Json;
use socle_runtime::DecideOptions;
use socle_tests::{engine_for, workspace_root};

fn case_files() -> Vec<PathBuf> {
    let dir = workspace_root().join("rulesets/val-doise/tests/apa_domicile");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Compares one case; returns the differences in words.
fn differences(case: &Json, decision: &Json) -> Vec<String> {
    let mut diffs = Vec::new();
    let expected = case["attendu"].as_object().expect("attendu");
    for (dispositif, want) in expected {
        let got = &decision["dispositifs"][dispositif];
        if got.is_null() {
            diffs.push(format!("{dispositif}: absent de la décision"));
            continue;
        }
        if want["eligible"] != got["eligible"] {
            diffs.push(format!(
                "{dispositif}.eligible: attendu {}, obtenu {}",
                want["eligible"], got["eligible"]
            ));
        }
        let want_values = want["valeurs"].as_object().cloned().unwrap_or_default();
        let got_values = got["valeurs"].as_object().cloned().unwrap_or_default();
        if want_values.len() != got_values.len() {
            diffs.push(format!(
                "{dispositif}.valeurs: attendu {:?}, obtenu {:?}",
                want_values.keys().collect::<Vec<_>>(),
                got_values.keys().collect::<Vec<_>>()
            ));
        }
        for (name, value) in &want_values {
            if got_values.get(name) != Some(value) {
                diffs.push(format!(
                    "{dispositif}.{name}: attendu {value}, obtenu {}",
                    got_values.get(name).cloned().unwrap_or(Json::Null)
                ));
            }
        }
        let failed: Vec<&str> = got["motifs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["satisfaite"] == Json::Bool(false))
            .filter_map(|m| m["id"].as_str())
            .collect();
        let want_failed: Vec<&str> = want["motifs_non_satisfaits"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        if failed != want_failed {
            diffs.push(format!(
                "{dispositif}.motifs non satisfaits: attendu {want_failed:?}, obtenu {failed:?}"
            ));
        }
    }
    diffs
}

#[test]
fn hand_computed_apa_dossiers() {
    let engine = engine_for("val-doise").unwrap_or_else(|e| panic!("val-doise:\n{e}"));
    let files = case_files();
    assert!(
        files.len() >= 15,
        "at least 15 APA cases, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable case");
        let case: Json = serde_json::from_str(&text).expect("case is JSON");
        let date = case["date"]
            .as_str()
            .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("ISO date"));
        let dossier = engine
            .decode_json(&case["dossier"])
            .unwrap_or_else(|e| panic!("{}: dossier invalide: {e}", file.display()));
        let options = DecideOptions {
            date,
            explain: false,
        };
        let decision = match engine.decide(&dossier, &options) {
            Ok(d) => d.to_json(),
            Err(e) => {
                failures.push(format!("{}: {e}", file.display()));
                continue;
            }
        };
        for diff in differences(&case, &decision) {
            failures.push(format!(
                "{} ({}): {diff}",
                case["id"].as_str().unwrap_or("?"),
                file.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} écart(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
