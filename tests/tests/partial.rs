//! The guarantee of deciding with missing facts, on every shipped ruleset: for random complete
//! dossiers (generated from the program's input tree), removing any set of fields leaves each
//! dispositif either with the same outcome and values, or undetermined naming only removed
//! fields; and supplying what it names, round after round, always decides it the way the
//! complete dossier does (so every removed field it needed was named). Every decision made
//! here also checks that `Decision::write_json` writes the bytes of `to_json`.

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rust_decimal::Decimal;
use socle_runtime::ir::{InputField, InputKind, Program, Ty};
use socle_runtime::{DecideOptions, Decision, DispositifDecision, Dossier, Engine, Payment, Value};
use socle_tests::dossiers::SplitMix64;
use socle_tests::engine_for;

fn shipped_rulesets() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(socle_tests::workspace_root().join("rulesets"))
        .expect("rulesets/")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "national")
        .collect();
    names.sort();
    names
}

/// Texts the rulesets compare against (département codes), so that eligible paths are reached.
const TEXTS: &[&str] = &["95", "67", "16", "75", "2A", "13"];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// A realistic value of type `ty`; `name` is the field name (birth dates are older).
fn value(rng: &mut SplitMix64, ty: &Ty, name: &str, p: &Program) -> Value {
    match ty {
        Ty::Bool => Value::Bool(rng.below(2) == 1),
        Ty::Int => Value::Int(rng.below(8) as i64),
        Ty::Decimal => Value::Dec(Decimal::new(rng.below(100_000) as i64, 2)),
        Ty::Money(_) => Value::Dec(Decimal::new(rng.below(400_000) as i64, 2)),
        Ty::Rate => Value::Dec(Decimal::new(rng.below(101) as i64, 2)),
        Ty::Date if name.contains("naissance") => {
            Value::Date(date(1915, 1, 1) + chrono::Duration::days(rng.below(75 * 365) as i64))
        }
        Ty::Date => {
            Value::Date(date(2015, 1, 1) + chrono::Duration::days(rng.below(10 * 365) as i64))
        }
        Ty::Duration(f) => Value::Duration(rng.below(600) as i64, *f),
        Ty::Text => Value::Text(TEXTS[rng.below(TEXTS.len() as u64) as usize].into()),
        Ty::Enum(id) => {
            let n = p.enums[*id as usize].variants.len() as u64;
            Value::Enum {
                ty: *id,
                variant: rng.below(n) as u32,
            }
        }
        Ty::List(inner) => {
            let n = rng.below(3);
            Value::List((0..n).map(|_| value(rng, inner, name, p)).collect())
        }
        Ty::Optional(inner) => {
            if rng.below(5) == 0 {
                Value::Absent
            } else {
                value(rng, inner, name, p)
            }
        }
        Ty::Record(fields) => Value::List(
            fields
                .iter()
                .map(|(field, t)| value(rng, t, field, p))
                .collect(),
        ),
    }
}

fn fill(rng: &mut SplitMix64, fields: &[InputField], p: &Program, out: &mut [Value]) {
    for field in fields {
        let absent = field.optional && rng.below(5) == 0;
        match &field.kind {
            InputKind::Leaf { slot, ty, bounds } => {
                out[*slot as usize] = match (absent, value(rng, ty, &field.name, p), bounds) {
                    (true, _, _) => Value::Absent,
                    // A dossier outside `entier dans MIN..MAX` is refused when read.
                    (false, Value::Int(n), Some((lo, hi))) => Value::Int(n.clamp(*lo, *hi)),
                    (false, v, _) => v,
                };
            }
            InputKind::Record(sub) if !absent => fill(rng, sub, p, out),
            InputKind::Record(_) => {}
        }
    }
}

fn complete(p: &Program, seed: u64) -> Vec<Value> {
    let mut rng = SplitMix64::new(seed);
    let mut values = vec![Value::Absent; p.input_paths.len()];
    fill(&mut rng, &p.inputs, p, &mut values);
    values
}

fn decide(engine: &Engine, values: &[Value], unknown: &[u32]) -> Decision {
    let options = DecideOptions {
        date: Some(date(2024, 6, 1)),
        explain: false,
    };
    let dossier = Dossier::partial(values.to_vec(), unknown);
    let decision = engine
        .decide(&dossier, &options)
        .expect("a decision date is given");
    // These decisions have every part of the published form (questions, missing fields,
    // errors; traces when explained): each also checks the JSON text written directly.
    let explained = engine
        .decide(
            &dossier,
            &DecideOptions {
                explain: true,
                ..options
            },
        )
        .expect("a decision date is given");
    for d in [&decision, &explained] {
        let mut text = Vec::new();
        d.write_json(&mut text);
        assert_eq!(
            String::from_utf8(text).expect("UTF-8"),
            d.to_json().to_string()
        );
    }
    decision
}

/// Same outcome and values, or undetermined naming only removed fields; shown values agree.
fn check(
    full: &DispositifDecision,
    part: &DispositifDecision,
    removed: &[u32],
) -> Result<(), String> {
    let id = &full.id;
    for m in &part.missing {
        if !removed.contains(m) {
            return Err(format!("{id} : {m} nommé manquant mais donné"));
        }
    }
    // Values shown are those of the complete dossier (an undetermined dispositif may show
    // values that a refused one does not have).
    for v in &part.values {
        if full.eligible == Some(true) && full.valeur(&v.name) != Some(&v.value) {
            return Err(format!(
                "{id}.{} : {:?} au lieu de {:?}",
                v.name,
                v.value,
                full.valeur(&v.name)
            ));
        }
    }
    // Paid or withheld is never said on partial facts unless the complete dossier says it.
    if matches!(part.payment, Payment::Paid | Payment::Withheld) && part.payment != full.payment {
        return Err(format!(
            "{id} : versement {:?} au lieu de {:?}",
            part.payment, full.payment
        ));
    }
    match part.eligible {
        None if part.missing.is_empty() => Err(format!("{id} indéterminé sans manquants")),
        None => Ok(()),
        Some(e) if Some(e) != full.eligible => Err(format!(
            "{id} : {e} au lieu de {:?} ({:?} retirés)",
            full.eligible, removed
        )),
        Some(_) if part.missing.is_empty() && part.values != full.values => {
            Err(format!("{id} décidé avec d'autres valeurs"))
        }
        Some(_) => Ok(()),
    }
}

fn guarantee(engine: &Engine, seed: u64, mask: u64) -> Result<(), String> {
    let p = engine.program();
    let values = complete(p, seed);
    let full = decide(engine, &values, &[]);
    let slots = p.input_paths.len() as u32;
    let mut rng = SplitMix64::new(mask);
    // Remove each field with a probability chosen per case, from a few fields to nearly all.
    let keep_one_in = 1 + rng.below(6);
    let removed: Vec<u32> = (0..slots)
        .filter(|_| rng.below(keep_one_in + 1) != 0)
        .collect();
    let part = decide(engine, &values, &removed);
    for (f, d) in full.dispositifs.iter().zip(&part.dispositifs) {
        if f.error.is_some() {
            continue;
        }
        if let Some(e) = &d.error {
            return Err(format!(
                "{} : erreur avec des champs retirés seulement : {e}",
                d.id
            ));
        }
        check(f, d, &removed)?;
        // Supply what it names, round after round: it must end decided as the full dossier.
        let mut still: Vec<u32> = removed.clone();
        let mut current = d.clone();
        let index = full
            .dispositifs
            .iter()
            .position(|x| x.id == f.id)
            .expect("same order");
        let mut rounds = 0;
        while !current.missing.is_empty() || current.eligible.is_none() {
            rounds += 1;
            if rounds > slots + 1 {
                return Err(format!("{} : jamais décidé", f.id));
            }
            still.retain(|s| !current.missing.contains(s));
            let next = decide(engine, &values, &still);
            current = next.dispositifs[index].clone();
            if let Some(e) = &current.error {
                return Err(format!("{} : erreur après avoir complété : {e}", f.id));
            }
            check(f, &current, &still)?;
        }
        if current.eligible != f.eligible
            || current.values != f.values
            || current.payment != f.payment
        {
            return Err(format!("{} : décidé autrement une fois complété", f.id));
        }
    }
    Ok(())
}

#[test]
fn removing_fields_never_changes_a_decision_only_makes_it_undetermined() {
    for ruleset in shipped_rulesets() {
        let engine = engine_for(&ruleset).expect("shipped ruleset compiles");
        let mut runner = TestRunner::new(Config {
            cases: 64,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&(any::<u64>(), any::<u64>()), |(seed, mask)| {
            guarantee(&engine, seed, mask).map_err(TestCaseError::fail)
        });
        if let Err(e) = result {
            panic!("{ruleset} : {e}");
        }
    }
}

/// The scenarios of the issue: an APA dossier with only the APA facts is decided without any
/// funeral field; a dossier with only a birth date 50 years ago refuses every aid with an age
/// condition and asks its questions for the others.
#[test]
fn real_partial_dossiers() {
    let bas_rhin = engine_for("bas-rhin").expect("bas-rhin");
    let apa = bas_rhin
        .decide_selected(
            &bas_rhin
                .decode_json(&serde_json::json!({
                    "date_demande": "2024-11-19",
                    "demandeur": {
                        "date_naissance": "1938-04-12",
                        "gir": 3,
                        "situation_familiale": "seul",
                        "ressources_mensuelles": "1450.00",
                        "lieu_de_vie": "domicile",
                        "nationalite": "francaise",
                        "prestations": []
                    },
                    "plan_aide": { "montant_mensuel": "1200.00" }
                }))
                .expect("valid"),
            &DecideOptions::default(),
            &bas_rhin.selection(&["apa_domicile"]).expect("apa_domicile"),
        )
        .expect("decided")
        .published();
    insta::assert_snapshot!(
        "bas_rhin_apa_only",
        serde_json::to_string_pretty(&apa).expect("json")
    );

    let only_birth = serde_json::json!({
        "date_demande": "2024-11-19",
        "demandeur": { "date_naissance": "1974-11-19" }
    });
    let mut report = String::new();
    for ruleset in shipped_rulesets() {
        let engine = engine_for(&ruleset).expect("ruleset");
        let decision = engine
            .decide(
                &engine.decode_json(&only_birth).expect("valid"),
                &DecideOptions::default(),
            )
            .expect("decided")
            .published();
        report.push_str(&format!("{ruleset}\n"));
        for (id, d) in &decision.dispositifs {
            let outcome = match d.eligible {
                Some(true) => "éligible".to_owned(),
                Some(false) => {
                    let failed: Vec<&str> = d
                        .motifs
                        .iter()
                        .filter(|m| m.satisfaite == Some(false))
                        .map(|m| m.id.as_str())
                        .collect();
                    format!("non éligible ({})", failed.join(", "))
                }
                None => "indéterminé".to_owned(),
            };
            report.push_str(&format!("  {id} : {outcome}\n"));
        }
        for q in decision.questions.iter().take(5) {
            report.push_str(&format!(
                "  ? {} ({})\n",
                q.chemin,
                q.dispositifs.join(", ")
            ));
        }
    }
    insta::assert_snapshot!("birth_date_only", report);
}
