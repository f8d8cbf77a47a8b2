//! The compiled fast path of `Engine::decide` (the plan) against the reference evaluator
//! (`Engine::reference`), which stays the oracle: on every golden case of every shipped
//! ruleset, on 10 000 random dossiers per ruleset (complete and partial, several dates) and on
//! the bench workload, `decide`, `decide_into` (over a reused decision) and `decide_selected`
//! give the same dispositifs, the same `rules_computed` and the same published JSON. The
//! coverage tests make sure the plan, not its fall back, decides most complete dossiers, so
//! that a plan that always bailed would fail; the bail tests check the cases it must leave to
//! the reference.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::{json, Value as Json};
use socle_compiler::{Session, Severity};
use socle_golden::overrides::shift_dates;
use socle_golden::suite::{case_file_paths, load_case_files};
use socle_runtime::ir::{Expr, UnOp};
use socle_runtime::{DecideOptions, Decision, Dossier, Engine, Program};
use socle_tests::dossiers::{apa_dossiers, SplitMix64};
use socle_tests::{engine_for, workspace_root};

const RULESETS: [&str; 5] = ["val-doise", "bas-rhin", "charente", "crt", "oscar"];

fn same(expected: &Decision, got: &Decision, what: &str) {
    assert_eq!(expected.dispositifs, got.dispositifs, "{what}");
    assert_eq!(expected.rules_computed, got.rules_computed, "{what}");
    assert_eq!(expected.date, got.date, "{what}");
    assert_eq!(expected.to_json(), got.to_json(), "{what}");
}

/// One dossier through the three doors, plan against reference.
struct Compare {
    engine: Engine,
    reference: Engine,
    reused: Decision,
    by_plan: usize,
    compared: usize,
}

impl Compare {
    fn new(engine: Engine) -> Self {
        let reference = engine.reference();
        let reused = engine.empty_decision();
        Compare {
            engine,
            reference,
            reused,
            by_plan: 0,
            compared: 0,
        }
    }

    fn check(&mut self, dossier: &Dossier, options: &DecideOptions, what: &str) {
        let expected = self.reference.decide(dossier, options);
        let got = self.engine.decide(dossier, options);
        match (&expected, &got) {
            (Ok(e), Ok(g)) => same(e, g, what),
            _ => assert_eq!(expected.as_ref().err(), got.as_ref().err(), "{what}"),
        }
        let into = self.engine.decide_into(dossier, options, &mut self.reused);
        match &expected {
            Ok(e) => {
                assert!(into.is_ok(), "{what}");
                same(e, &self.reused, &format!("{what}, decide_into"));
            }
            Err(e) => assert_eq!(into.err().as_ref(), Some(e), "{what}"),
        }
        // Every other dispositif alone: what it reads is still evaluated, lazily.
        let names: Vec<String> = self
            .engine
            .program()
            .dispositifs
            .iter()
            .map(|d| d.name.clone())
            .collect();
        let picked: Vec<&String> = names.iter().step_by(2).collect();
        let selection = self.engine.selection(&picked).expect("known dispositifs");
        let expected = self.reference.decide_selected(dossier, options, &selection);
        let got = self.engine.decide_selected(dossier, options, &selection);
        match (&expected, &got) {
            (Ok(e), Ok(g)) => same(e, g, &format!("{what}, decide_selected")),
            _ => assert_eq!(expected.err(), got.err(), "{what}, decide_selected"),
        }
        assert!(!self.reference.decided_by_plan(dossier, options));
        if self.engine.decided_by_plan(dossier, options) {
            self.by_plan += 1;
        }
        self.compared += 1;
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

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

/// The share of a ruleset's population (`socle population`: every field it reads given) that
/// the plan decides alone, among the dossiers the reference decides without error: a little
/// below the share measured when it was written (1.000 for every shipped ruleset).
const FLOOR: f64 = 0.95;

/// The date a ruleset's population is decided at: its own (the year after its last dated
/// change) except for bas-rhin, whose 2004 texts leave some parameters without a version
/// later (every dossier would then carry a dispositif in error, which the plan leaves to the
/// reference).
fn population_date(ruleset: &str) -> Option<NaiveDate> {
    (ruleset == "bas-rhin").then(|| date("2004-07-01"))
}

/// Whether the reference decided every dispositif, without error nor missing fact: what the
/// plan must decide alone.
fn settled(decision: &Decision) -> bool {
    decision
        .dispositifs
        .iter()
        .all(|d| d.error.is_none() && d.eligible.is_some() && d.missing.is_empty())
}

#[test]
fn plan_agrees_with_the_reference_on_random_dossiers() {
    let dates = [None, Some(date("2023-06-30")), Some(date("2025-03-01"))];
    let mut report = Vec::new();
    for name in RULESETS {
        let engine = engine_for(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut compare = Compare::new(engine);
        let mut rng = SplitMix64::new(15);
        let (mut complete, mut complete_by_plan) = (0usize, 0usize);
        for (i, mut json) in apa_dossiers(10_000, 7).into_iter().enumerate() {
            let removed = if i % 2 == 0 { 0 } else { 1 + i % 3 };
            for _ in 0..removed {
                remove_one(&mut rng, &mut json);
            }
            let Ok(dossier) = compare.engine.decode_json(&json) else {
                continue;
            };
            let options = DecideOptions {
                date: dates[i % dates.len()],
                explain: false,
            };
            let before = compare.by_plan;
            compare.check(&dossier, &options, &format!("{name}, dossier {i}"));
            if removed == 0 {
                complete += 1;
                complete_by_plan += compare.by_plan - before;
            }
        }
        let apa_share = complete_by_plan as f64 / complete.max(1) as f64;
        // The APA dossiers lack the fields of the other aids of a ruleset: its population
        // (every field it reads, `socle population`) is what a complete dossier is.
        let population = socle_diff::population::generate(compare.engine.program(), 2_000, 15);
        let (before_plan, before_compared) = (compare.by_plan, compare.compared);
        let (mut settled_count, mut settled_by_plan) = (0usize, 0usize);
        for (i, line) in population.lines().enumerate() {
            let Ok(read) = compare
                .engine
                .read_str(line, &socle_runtime::DecodeOptions::default())
            else {
                continue;
            };
            let options = DecideOptions {
                date: population_date(name),
                explain: false,
            };
            let before = compare.by_plan;
            compare.check(&read.dossier, &options, &format!("{name}, population {i}"));
            let reference = compare.reference.decide(&read.dossier, &options);
            if reference.as_ref().is_ok_and(settled) {
                settled_count += 1;
                settled_by_plan += compare.by_plan - before;
            }
        }
        let compared = compare.compared - before_compared;
        let share = (compare.by_plan - before_plan) as f64 / compared.max(1) as f64;
        let settled_share = settled_by_plan as f64 / settled_count.max(1) as f64;
        report.push(format!(
            "{name}: the plan decides {share:.3} of its population ({settled_share:.3} of the \
             {settled_count} of {compared} dossiers settled without error), \
             {apa_share:.3} of {complete} complete APA dossiers"
        ));
        assert!(
            settled_count * 2 >= compared,
            "{name}: only {settled_count} of {compared} dossiers settled"
        );
        assert!(
            settled_share >= FLOOR,
            "{name}: the plan decides {settled_share:.3} of the settled dossiers, below {FLOOR}"
        );
    }
    eprintln!("{}", report.join("\n"));
}

/// Ruleset directories that have case files.
fn rulesets_with_cases() -> Vec<PathBuf> {
    let root = workspace_root().join("rulesets");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("rulesets")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !case_file_paths(p).is_empty())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn plan_agrees_with_the_reference_on_every_golden_case() {
    let mut cases = 0;
    for dir in rulesets_with_cases() {
        let mut session = Session::new();
        let ruleset = session.load_ruleset_dir(&dir).expect("ruleset");
        let (program, diagnostics) = session.compile(ruleset);
        assert!(diagnostics.iter().all(|d| d.severity != Severity::Error));
        let engine = Engine::new(program.expect("program")).expect("engine");
        let mut compare = Compare::new(engine);
        let (files, _) = load_case_files(&mut session, &dir);
        for case in files.iter().flat_map(|f| &f.cases) {
            for dated in &case.dates {
                let written = match case.dates.first() {
                    Some(first) if case.shift_dates => {
                        shift_dates(&case.dossier, first.date, dated.date)
                    }
                    _ => case.dossier.clone(),
                };
                let Ok(read) = compare
                    .engine
                    .read_json(&written, &socle_runtime::DecodeOptions::default())
                else {
                    continue;
                };
                for options in [
                    DecideOptions {
                        date: Some(dated.date),
                        explain: false,
                    },
                    DecideOptions::default(),
                ] {
                    let what = format!("{}: {} @ {}", dir.display(), case.id, dated.date);
                    compare.check(&read.dossier, &options, &what);
                    cases += 1;
                }
            }
        }
    }
    assert!(cases > 100, "{cases} golden runs compared");
}

#[test]
fn plan_decides_the_bench_workload() {
    let engine = socle_bench::engine().expect("the bench ruleset");
    let mut compare = Compare::new(engine);
    let options = DecideOptions {
        date: Some(socle_bench::decision_date()),
        explain: false,
    };
    let dossiers = socle_bench::data::dossiers(5_000);
    for (i, d) in dossiers.iter().enumerate() {
        let dossier = compare
            .engine
            .decode_str(&d.socle_json())
            .expect("a bench dossier");
        compare.check(&dossier, &options, &format!("bench dossier {i}"));
    }
    let share = compare.by_plan as f64 / compare.compared as f64;
    assert!(share >= 0.95, "the plan decides {share:.3} of the workload");
}

/// Compiles `source`, then lets `edit` change its IR (to build what the compiler refuses but
/// a precompiled program may hold).
fn bail_engine(source: &str, edit: impl FnOnce(&mut Program)) -> Engine {
    let dir = std::env::temp_dir().join(format!(
        "socle-plan-{}-{}",
        std::process::id(),
        source.len()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("regles.socle"), source).expect("write");
    let mut session = Session::new();
    let ruleset = session.load_ruleset_dir(&dir).expect("ruleset");
    let (program, diagnostics) = session.compile(ruleset);
    let errors: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{}", session.render(&errors, false));
    let _ = std::fs::remove_dir_all(&dir);
    let mut program = program.expect("program");
    edit(&mut program);
    Engine::new(program).expect("engine")
}

fn def_mut<'p>(program: &'p mut Program, name: &str) -> &'p mut Expr {
    &mut program
        .defs
        .iter_mut()
        .find(|d| d.name.ends_with(name))
        .unwrap_or_else(|| panic!("no def {name}"))
        .expr
}

/// Decides `json` with both engines; whether the plan alone decided it.
fn both(engine: &Engine, json: Json) -> (Decision, bool) {
    let dossier = engine.decode_json(&json).expect("dossier");
    let options = DecideOptions::default();
    let mut compare = Compare::new(engine.clone());
    compare.check(&dossier, &options, &json.to_string());
    (
        engine.decide(&dossier, &options).expect("decision"),
        engine.decided_by_plan(&dossier, &options),
    )
}

const BAIL_RULES: &str = r#"
entrée date_demande : date
entrée revenu : montant €
entrée parts : entier
entrée bonus : montant €?

dispositif aide "Aide"
  condition revenu_modeste : revenu <= 1000 €
    message "revenu {revenu}"
  valeur par_part : montant € = revenu / parts
  valeur avec_bonus : montant € = revenu + valeur_par_défaut(bonus, 0 €)
"#;

#[test]
fn the_plan_leaves_unknowns_faults_and_absent_values_to_the_reference() {
    // `revenu + bonus` with `bonus` optional: refused by the type checker, possible in a
    // precompiled program, a fault on an absent value.
    let engine = bail_engine(BAIL_RULES, |p| {
        let expr = def_mut(p, "avec_bonus");
        if let Expr::Binary(_, _, b) = expr {
            if let Expr::Call(_, args) = &mut **b {
                let first = args.remove(0);
                **b = first;
            }
        }
    });
    let complete =
        json!({"date_demande": "2024-01-01", "revenu": "500.00", "parts": 2, "bonus": "10.00"});
    let (decision, by_plan) = both(&engine, complete);
    assert!(by_plan, "a complete dossier is the plan's");
    assert_eq!(decision.dispositifs[0].eligible, Some(true));

    // Unknown input: undetermined, with its missing field.
    let (decision, by_plan) = both(
        &engine,
        json!({"date_demande": "2024-01-01", "parts": 2, "bonus": null}),
    );
    assert!(!by_plan);
    assert_eq!(decision.dispositifs[0].eligible, None);
    assert!(!decision.dispositifs[0].missing.is_empty());

    // Division by zero: the reference's error.
    let (decision, by_plan) = both(
        &engine,
        json!({"date_demande": "2024-01-01", "revenu": "500.00", "parts": 0, "bonus": "1.00"}),
    );
    assert!(!by_plan);
    assert!(
        decision.dispositifs[0].error.is_some(),
        "{:?}",
        decision.dispositifs[0]
    );

    // An optional value absent where a number is needed.
    let (decision, by_plan) = both(
        &engine,
        json!({"date_demande": "2024-01-01", "revenu": "500.00", "parts": 1, "bonus": null}),
    );
    assert!(!by_plan);
    assert!(
        decision.dispositifs[0].error.is_some(),
        "{:?}",
        decision.dispositifs[0]
    );
}

#[test]
fn the_plan_leaves_a_cycle_of_eligibility_to_the_reference() {
    // A cycle the compiler refuses (E0301), written into the IR.
    let engine = bail_engine(
        r#"
entrée date_demande : date
entrée age : entier

dispositif a "A"
  condition pas_b : age > 0
    message "pas B"

dispositif b "B"
  condition pas_a : age > 0
    message "pas A"
"#,
        |p| {
            *def_mut(p, "pas_b") = Expr::Unary(UnOp::Not, Box::new(Expr::Eligible(1)));
            *def_mut(p, "pas_a") = Expr::Unary(UnOp::Not, Box::new(Expr::Eligible(0)));
        },
    );
    let (decision, by_plan) = both(&engine, json!({"date_demande": "2024-01-01", "age": 70}));
    assert!(!by_plan);
    assert!(
        decision.dispositifs.iter().all(|d| d.error.is_some()),
        "{:?}",
        decision.dispositifs
    );
}
