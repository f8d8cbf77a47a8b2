//! `Decision::write_json` writes the published JSON straight from the decision; the reference
//! is the published form serialised by serde (`serde_json::to_vec(&decision.published())`).
//! The bytes must be the same on every golden case of every shipped ruleset and on random
//! dossiers, complete and partial (questions, missing fields), explained (traces) or not, with
//! dispositifs that cannot be decided (errors), payment conditions (`verse`), texts that need
//! escaping, and decided afresh or over a reused decision. With warnings, the batch object
//! must be the `Decided::to_json` tree's text.

use chrono::NaiveDate;
use serde_json::Value as Json;
use socle_compiler::{Session, Severity};
use socle_golden::suite::{case_file_paths, load_case_files};
use socle_runtime::batch_line::write_decision;
use socle_runtime::{DecideOptions, Decider, Decision, Engine};
use socle_tests::dossiers::{apa_dossiers, SplitMix64};
use socle_tests::{engine_for, workspace_root};

/// What the decisions compared showed, so that each path is known to be exercised.
#[derive(Default, Debug)]
struct Seen {
    decisions: usize,
    verse: usize,
    errors: usize,
    questions: usize,
    motif_missing: usize,
    traces: usize,
    escaped: usize,
}

fn check(decision: &Decision, what: &str, seen: &mut Seen) {
    let published = decision.published();
    let reference = serde_json::to_vec(&published).expect("serialisable");
    // Appended after what the buffer already holds.
    let mut ours = b"prefix".to_vec();
    decision.write_json(&mut ours);
    if ours.get(6..) != Some(&reference[..]) {
        panic!(
            "{what}: write_json differs from the published form\n ours: {}\n serde: {}",
            String::from_utf8_lossy(&ours[6..]),
            String::from_utf8_lossy(&reference)
        );
    }
    seen.decisions += 1;
    let dispositifs = published.dispositifs.values();
    seen.verse += dispositifs.clone().filter(|d| d.verse.is_some()).count();
    seen.errors += dispositifs.clone().filter(|d| d.erreur.is_some()).count();
    seen.traces += dispositifs.clone().filter(|d| d.trace.is_some()).count();
    seen.questions += usize::from(!published.questions.is_empty());
    seen.motif_missing += dispositifs
        .clone()
        .flat_map(|d| &d.motifs)
        .filter(|m| !m.manquants.is_empty())
        .count();
    seen.escaped += usize::from(reference.windows(2).any(|w| w[0] == b'\\'));
}

/// `write_json_reusing`, over a decision decided again and again (its names' JSON kept from
/// one time to the next, maybe from another ruleset), writes the bytes of `write_json`.
fn check_reusing(decision: &mut Decision, what: &str) {
    let mut reference = Vec::new();
    decision.write_json(&mut reference);
    for time in 0..2 {
        let mut ours = b"prefix".to_vec();
        decision.write_json_reusing(&mut ours);
        assert!(
            ours.get(6..) == Some(&reference[..]),
            "{what}: write_json_reusing differs ({time})\n ours: {}\n  ref: {}",
            String::from_utf8_lossy(&ours[6..]),
            String::from_utf8_lossy(&reference)
        );
    }
}

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

/// Replaces the texts that are not dates by a text that JSON must escape (enumerations then
/// fail to decode: those dossiers are skipped).
fn escape_texts(dossier: &mut Json) {
    match dossier {
        Json::Object(map) => map.values_mut().for_each(escape_texts),
        Json::Array(items) => items.iter_mut().for_each(escape_texts),
        Json::String(s) if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err() => {
            *s = "« \"cité\" » \\ a\tb\u{1}".to_owned();
        }
        _ => {}
    }
}

#[test]
fn write_json_is_the_published_form_on_every_golden_case() {
    let mut seen = Seen::default();
    let root = workspace_root().join("rulesets");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("rulesets")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !case_file_paths(p).is_empty())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 4, "{dirs:?}");
    for dir in dirs {
        let mut session = Session::new();
        let ruleset = session.load_ruleset_dir(&dir).expect("ruleset");
        let (program, diagnostics) = session.compile(ruleset);
        assert!(
            diagnostics.iter().all(|d| d.severity != Severity::Error),
            "{}",
            dir.display()
        );
        let engine = Engine::new(program.expect("program")).expect("engine");
        let mut reused = engine.empty_decision();
        let (files, _) = load_case_files(&mut session, &dir);
        for case in files.iter().flat_map(|f| &f.cases) {
            let Ok(read) = engine.read_json(&case.dossier, &Default::default()) else {
                continue;
            };
            for dated in &case.dates {
                for explain in [false, true] {
                    let options = DecideOptions {
                        date: Some(dated.date),
                        explain,
                    };
                    let what = format!("{} {} {} {explain}", dir.display(), case.id, dated.date);
                    let Ok(fresh) = engine.decide(&read.dossier, &options) else {
                        continue;
                    };
                    check(&fresh, &what, &mut seen);
                    engine
                        .decide_into(&read.dossier, &options, &mut reused)
                        .expect("decided");
                    check(&reused, &what, &mut seen);
                    check_reusing(&mut fresh.clone(), &what);
                    check_reusing(&mut reused, &what);
                }
            }
        }
    }
    assert!(seen.decisions > 200, "{seen:?}");
    assert!(seen.traces > 100 && seen.verse > 0, "{seen:?}");
}

#[test]
fn write_json_is_the_published_form_on_random_dossiers() {
    let mut seen = Seen::default();
    // Before every parameter version: the dispositifs that read one cannot be decided.
    let long_ago = NaiveDate::from_ymd_opt(1990, 1, 1);
    // Decided over by every ruleset in turn: the names it keeps are another ruleset's.
    let mut shared: Option<Decision> = None;
    for name in ["val-doise", "bas-rhin", "charente", "crt", "oscar"] {
        let engine = engine_for(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut reused = engine.empty_decision();
        let mut rng = SplitMix64::new(15);
        for (i, mut json) in apa_dossiers(300, 7).into_iter().enumerate() {
            for _ in 0..(i % 4) {
                remove_one(&mut rng, &mut json);
            }
            if i % 5 == 4 {
                escape_texts(&mut json);
            }
            let Ok(dossier) = engine.decode_json(&json) else {
                continue;
            };
            let options = DecideOptions {
                date: if i % 7 == 3 { long_ago } else { None },
                explain: i % 3 == 0,
            };
            let what = format!("{name}, dossier {i}, {options:?}");
            if let Ok(fresh) = engine.decide(&dossier, &options) {
                check(&fresh, &what, &mut seen);
                engine
                    .decide_into(&dossier, &options, &mut reused)
                    .expect("decided");
                check(&reused, &what, &mut seen);
                check_reusing(&mut reused, &what);
                let shared = shared.get_or_insert_with(|| engine.empty_decision());
                engine
                    .decide_into(&dossier, &options, shared)
                    .expect("decided");
                check_reusing(shared, &what);
            }
        }
    }
    assert!(seen.decisions > 1_000, "{seen:?}");
    for (count, what) in [
        (seen.verse, "verse"),
        (seen.errors, "erreur"),
        (seen.questions, "questions"),
        (seen.motif_missing, "motif manquants"),
        (seen.traces, "trace"),
        (seen.escaped, "escaped text"),
    ] {
        assert!(count > 0, "no {what} compared: {seen:?}");
    }
}

/// The object a batch line carries: with `avertissements` last when the dossier has fields
/// the ruleset does not read, as the `Decided::to_json` tree writes it; a refusal's
/// `line_json` otherwise. `decide_text_into`, over one decision reused from line to line,
/// writes the same object, with every dispositif or a selection.
#[test]
fn the_batch_object_is_the_decided_tree() {
    let engine = engine_for("val-doise").expect("val-doise");
    for selection in [&[][..], &["apa_domicile", "ash"][..]] {
        let decider = Decider::new(engine.clone(), None, selection, false).expect("decider");
        let mut reused = decider.engine().empty_decision();
        let (mut warned, mut refused) = (0, 0);
        for (i, mut json) in apa_dossiers(100, 3).into_iter().enumerate() {
            if i % 2 == 0 {
                json["champ_inconnu"] = Json::from(i);
                json["demandeur"]["autre_champ"] = Json::from("x");
            }
            if i % 9 == 5 {
                json["demandeur"] = Json::from(3);
            }
            let text = json.to_string();
            let mut line = Vec::new();
            let complete = decider.decide_text_into(&text, &mut reused, &mut line);
            let (reference, expected_complete) = match decider.decide(&text) {
                Ok(decided) => {
                    warned += usize::from(!decided.warnings.is_empty());
                    let mut ours = Vec::new();
                    write_decision(&decided.decision, &decided.warnings, &mut ours);
                    let reference = serde_json::to_vec(&decided.to_json()).expect("json");
                    assert!(
                        ours == reference,
                        "dossier {i}\n ours: {}\n tree: {}",
                        String::from_utf8_lossy(&ours),
                        String::from_utf8_lossy(&reference)
                    );
                    (reference, decided.is_complete())
                }
                Err(refusal) => {
                    refused += 1;
                    (
                        serde_json::to_vec(&refusal.line_json()).expect("json"),
                        false,
                    )
                }
            };
            assert!(
                line == reference,
                "dossier {i}, {selection:?}: decide_text_into\n ours: {}\n tree: {}",
                String::from_utf8_lossy(&line),
                String::from_utf8_lossy(&reference)
            );
            assert_eq!(complete, expected_complete);
        }
        assert!(
            warned >= 40 && refused >= 5,
            "{warned} warned, {refused} refused"
        );
    }
}
