//! The committed populations (`rulesets/*/population.jsonl`) are what `socle population RULESET
//! --n 200 --graine 1` writes today: regenerating them gives the same bytes, and every dossier
//! is valid for its ruleset, with every enumeration value and GIR present.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::PathBuf;

use common::rulesets;
use socle_diff::compile_dir;
use socle_runtime::DecodeOptions;

/// The size and seed of the committed populations (README, « Populations de référence »).
const SIZE: usize = 200;
const SEED: u64 = 1;

fn committed() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(rulesets())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("population.jsonl").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_ruleset_with_dispositifs_has_a_population() {
    let names: Vec<String> = committed()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["bas-rhin", "charente", "crt", "oscar", "val-doise"]);
}

#[test]
fn committed_populations_regenerate_identically_and_are_valid() {
    for dir in committed() {
        let engine = compile_dir(&dir, "").unwrap();
        let text = socle_diff::population::generate(engine.program(), SIZE, SEED);
        let file = std::fs::read_to_string(dir.join("population.jsonl")).unwrap();
        assert!(
            text == file,
            "{} : la population ne se régénère pas à l'identique (socle population {} --n {SIZE} --graine {SEED})",
            dir.display(),
            dir.display()
        );
        let strict = DecodeOptions { strict: true };
        for (i, line) in file.lines().enumerate() {
            let read = engine.read_str(line, &strict);
            assert!(read.is_ok(), "{} ligne {} : {read:?}", dir.display(), i + 1);
        }
    }
}

#[test]
fn the_val_doise_population_covers_every_gir_and_enumeration_value() {
    let dir = rulesets().join("val-doise");
    let file = std::fs::read_to_string(dir.join("population.jsonl")).unwrap();
    let dossiers: Vec<serde_json::Value> = file
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let seen = |path: &[&str]| -> Vec<String> {
        let mut values: Vec<String> = dossiers
            .iter()
            .filter_map(|d| path.iter().try_fold(d, |v, k| v.get(k)))
            .map(|v| v.to_string().trim_matches('"').to_owned())
            .collect();
        values.sort();
        values.dedup();
        values
    };
    assert_eq!(seen(&["demandeur", "gir"]), ["1", "2", "3", "4", "5", "6"]);
    assert_eq!(
        seen(&["demandeur", "situation_familiale"]),
        ["couple", "seul"]
    );
    assert_eq!(
        seen(&["demandeur", "lieu_de_vie"]),
        [
            "accueil_familial",
            "domicile",
            "ehpad",
            "residence_autonomie",
            "usld"
        ]
    );
    assert_eq!(
        seen(&["demandeur", "nationalite"]),
        ["francaise", "hors_ue", "ue"]
    );
    let ages: Vec<i64> = dossiers
        .iter()
        .map(|d| {
            let year = |s: &serde_json::Value| s.as_str().unwrap()[..4].parse::<i64>().unwrap();
            year(&d["date_demande"]) - year(&d["demandeur"]["date_naissance"])
        })
        .collect();
    assert!(ages.iter().all(|a| (55..=101).contains(a)), "{ages:?}");
}

#[test]
fn another_seed_gives_other_dossiers() {
    let engine = compile_dir(&rulesets().join("crt"), "").unwrap();
    let a = socle_diff::population::generate(engine.program(), 5, 1);
    let b = socle_diff::population::generate(engine.program(), 5, 2);
    assert_ne!(a, b);
    assert_eq!(a, socle_diff::population::generate(engine.program(), 5, 1));
    assert_eq!(a.lines().count(), 5);
}
