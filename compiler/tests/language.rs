//! Language constructs end to end, compiled then decided, each expectation computed by hand:
//! nested exceptions (`sauf si` under `sauf si`) and `EXPR au DATE`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use socle_runtime::{DecideOptions, Engine};

/// Decides `dossier` and renders each output of the first dispositif (`nom = valeur`), or the
/// dispositif's error.
fn decide(engine: &Engine, dossier: &str, options: &DecideOptions) -> String {
    let dossier = engine.decode_str(dossier).unwrap();
    let decision = engine.decide(&dossier, options).unwrap();
    let d = &decision.dispositifs[0];
    if let Some(e) = &d.erreur {
        return format!("erreur : {e}");
    }
    d.valeurs
        .iter()
        .map(|v| format!("{} = {}", v.name, decision.value_json(&v.value, &v.ty)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// « Récupération sur la succession, sauf pour les anciens résidents d'établissements pour
/// personnes handicapées, sauf si un héritier n'est pas un proche » (CASF L344-5), with a
/// second, independent exception that may contradict the first.
const SUCCESSION: &str = r#"structure personne
  ancien_resident_handicap : booléen
  heritier_non_proche : booléen
  beneficiaire_decede_avant : booléen

entrée date_demande : date
entrée demandeur : personne

dispositif aide "Aide"
  valeur recuperation : booléen = vrai
    sauf si demandeur.ancien_resident_handicap : faux
      sauf si demandeur.heritier_non_proche : vrai
    sauf si demandeur.beneficiaire_decede_avant : faux
"#;

#[test]
fn a_nested_exception_wins_over_its_parent_and_only_under_it() {
    let engine = Engine::new(common::compile(SUCCESSION)).unwrap();
    let opts = DecideOptions::default();
    // (ancien résident, héritier non proche, décédé avant) → expected.
    let cases = [
        // No exception: the base value.
        ((false, false, false), "recuperation = true"),
        // The first exception alone.
        ((true, false, false), "recuperation = false"),
        // Its refinement holds: it wins over its parent.
        ((true, true, false), "recuperation = true"),
        // The refinement alone is not looked at: its parent does not hold.
        ((false, true, false), "recuperation = true"),
        // Siblings that agree (faux and faux).
        ((true, false, true), "recuperation = false"),
        // Siblings that disagree: the parent resolves to vrai (its refinement), the other
        // sibling gives faux; the error names both siblings.
        (
            (true, true, true),
            "erreur : exceptions contradictoires pour `aide.recuperation` : « demandeur.ancien_resident_handicap » et « demandeur.beneficiaire_decede_avant » s'appliquent avec des valeurs différentes",
        ),
    ];
    for ((a, h, d), expected) in cases {
        let dossier = format!(
            r#"{{"date_demande": "2025-01-01", "demandeur": {{"ancien_resident_handicap": {a}, "heritier_non_proche": {h}, "beneficiaire_decede_avant": {d}}}}}"#
        );
        assert_eq!(decide(&engine, &dossier, &opts), expected, "{a} {h} {d}");
    }
}

#[test]
fn the_trace_names_the_nested_exception_applied() {
    let engine = Engine::new(common::compile(SUCCESSION)).unwrap();
    let dossier = engine
        .decode_str(r#"{"date_demande": "2025-01-01", "demandeur": {"ancien_resident_handicap": true, "heritier_non_proche": true, "beneficiaire_decede_avant": false}}"#)
        .unwrap();
    let options = DecideOptions {
        explain: true,
        ..DecideOptions::default()
    };
    let decision = engine.decide(&dossier, &options).unwrap();
    let trace = decision.dispositifs[0].trace.as_ref().unwrap();
    let entry = trace
        .iter()
        .find(|e| e.rule == "aide.recuperation")
        .unwrap();
    assert_eq!(
        entry.exception.as_deref(),
        Some("demandeur.heritier_non_proche")
    );
}
