//! `Engine::decide_into` against `Engine::decide` (the oracle): one reused decision, written
//! over again and again by dossiers of different shapes (complete, with fields removed so that
//! dispositifs are undetermined, refused by a cumul rule, explained or not), must always read
//! exactly as the fresh decision: dispositifs, values, motifs and their messages, missing
//! fields, traces and the published JSON.

use serde_json::Value as Json;
use socle_runtime::{DecideOptions, Decision, Engine};
use socle_tests::dossiers::{apa_dossiers, SplitMix64};
use socle_tests::engine_for;

/// Removes one field of the dossier at random, descending into objects.
fn remove_one(rng: &mut SplitMix64, dossier: &mut Json) {
    let Json::Object(map) = dossier else { return };
    if map.is_empty() {
        return;
    }
    let i = rng.below(map.len() as u64) as usize;
    let key = map.keys().nth(i).cloned().expect("a key");
    match map.get_mut(&key) {
        Some(inner @ Json::Object(_)) if rng.below(2) == 0 => remove_one(rng, inner),
        _ => {
            map.remove(&key);
        }
    }
}

fn same(engine: &Engine, fresh: &Decision, reused: &Decision, what: &str) {
    assert_eq!(fresh.dispositifs, reused.dispositifs, "{what}");
    assert_eq!(fresh.rules_computed, reused.rules_computed, "{what}");
    assert_eq!(fresh.date, reused.date, "{what}");
    assert_eq!(fresh.to_json(), reused.to_json(), "{what}");
    assert!(std::ptr::eq(engine.program(), reused.program()), "{what}");
}

#[test]
fn decide_into_reads_as_a_fresh_decision_on_every_ruleset() {
    let mut decided = 0;
    for name in ["val-doise", "bas-rhin", "charente", "crt", "oscar"] {
        let engine = engine_for(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut reused = engine.empty_decision();
        let mut rng = SplitMix64::new(15);
        for (i, mut json) in apa_dossiers(400, 2).into_iter().enumerate() {
            for _ in 0..(i % 4) {
                remove_one(&mut rng, &mut json);
            }
            let Ok(dossier) = engine.decode_json(&json) else {
                continue;
            };
            let explain = i % 3 == 0;
            let options = DecideOptions {
                date: None,
                explain,
            };
            let what = format!("{name}, dossier {i}, explain {explain}");
            match engine.decide(&dossier, &options) {
                Ok(fresh) => {
                    engine
                        .decide_into(&dossier, &options, &mut reused)
                        .unwrap_or_else(|e| panic!("{what}: {e}"));
                    same(&engine, &fresh, &reused, &what);
                    decided += 1;
                }
                Err(e) => {
                    let before = reused.to_json();
                    let err = engine.decide_into(&dossier, &options, &mut reused);
                    assert_eq!(err.err(), Some(e), "{what}");
                    assert_eq!(before, reused.to_json(), "{what}: left as it was");
                }
            }
        }
    }
    assert!(decided > 1_000, "{decided} decisions compared");
}
