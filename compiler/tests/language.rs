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
    if let Some(e) = &d.error {
        return format!("erreur : {e}");
    }
    d.values
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

/// « le plafond de ressources apprécié au moment de la demande »: a value, a function call and
/// `date_décision` evaluated as of another date.
const AS_OF: &str = r#"entrée date_demande : date

structure personne
  date_naissance : date
  ressources : montant €/mois

entrée demandeur : personne

paramètre plafond_base : montant €/mois
  à partir du 2024-01-01 : 1000 €/mois
  à partir du 2025-01-01 : 1100 €/mois

valeur majoration : montant €/mois =
    si âge(demandeur.date_naissance, date_décision) >= 75 ans alors 100 €/mois sinon 0 €/mois

valeur plafond : montant €/mois = plafond_base + majoration

fonction ecart(r : montant €/mois) : montant €/mois
  résultat plafond - r

dispositif aide "Aide"
  valeur plafond_demande : montant €/mois = plafond au date_demande
  valeur plafond_decision : montant €/mois = plafond
  valeur ecart_demande : montant €/mois = ecart(demandeur.ressources) au date_demande
  valeur ecart_decision : montant €/mois = ecart(demandeur.ressources)
  valeur date_au : date = date_décision au 2024-06-30
  valeur meme_date : montant €/mois = plafond au date_décision
"#;

const AS_OF_DOSSIER: &str = r#"{"date_demande": "2024-12-15", "demandeur": {"date_naissance": "1950-01-10", "ressources": "900"}}"#;

#[test]
fn an_expression_au_a_date_is_evaluated_as_of_that_date() {
    let engine = Engine::new(common::compile(AS_OF)).unwrap();
    let options = DecideOptions {
        date: chrono::NaiveDate::from_ymd_opt(2025, 2, 1),
        ..DecideOptions::default()
    };
    // On 2024-12-15 (the request): born 1950-01-10, 74 years old, no majoration; plafond_base
    // 1000 → plafond 1000, écart 1000 − 900 = 100.
    // On 2025-02-01 (the decision): 75 years old, majoration 100; plafond_base 1100 →
    // plafond 1200, écart 1200 − 900 = 300 (untouched by the evaluation at the request date).
    assert_eq!(
        decide(&engine, AS_OF_DOSSIER, &options),
        r#"plafond_demande = "1000.00", plafond_decision = "1200.00", ecart_demande = "100.00", ecart_decision = "300.00", date_au = "2024-06-30", meme_date = "1200.00""#
    );
    // Decided at the request date, both readings agree.
    assert_eq!(
        decide(&engine, AS_OF_DOSSIER, &DecideOptions::default()),
        r#"plafond_demande = "1000.00", plafond_decision = "1000.00", ecart_demande = "100.00", ecart_decision = "100.00", date_au = "2024-06-30", meme_date = "1000.00""#
    );
}

#[test]
fn the_trace_names_the_date_of_au() {
    let engine = Engine::new(common::compile(AS_OF)).unwrap();
    let dossier = engine.decode_str(AS_OF_DOSSIER).unwrap();
    let options = DecideOptions {
        date: chrono::NaiveDate::from_ymd_opt(2025, 2, 1),
        explain: true,
    };
    let decision = engine.decide(&dossier, &options).unwrap();
    let trace = decision.dispositifs[0].trace.as_ref().unwrap();
    let step = |rule: &str| trace.iter().find(|e| e.rule == rule).unwrap();
    let demande = step("aide.plafond_demande");
    assert_eq!(
        demande.as_of,
        [chrono::NaiveDate::from_ymd_opt(2024, 12, 15).unwrap()]
    );
    // The parameter read at the request date is listed with the version in force then.
    let read = &demande.parameters[0];
    assert_eq!(
        (read.name.as_str(), read.from.to_string()),
        ("regles.plafond_base", "2024-01-01".to_owned())
    );
    // The rule itself is traced with its value at the decision date.
    assert_eq!(
        decision
            .value_json(&step("regles.plafond").value, &step("regles.plafond").ty)
            .to_string(),
        r#""1200.00""#
    );
    assert!(step("aide.plafond_decision").as_of.is_empty());
    let json = decision.to_json();
    let steps = json["dispositifs"]["aide"]["trace"].as_array().unwrap();
    let published = steps
        .iter()
        .find(|s| s["regle"] == "aide.plafond_demande")
        .unwrap();
    assert_eq!(published["au"], serde_json::json!(["2024-12-15"]));
}

/// `depuis toujours`: a version without start date, in force at any date, shown as such.
const ALWAYS: &str = "entrée date_demande : date\n\n## Part prise en charge par le Département.\nparamètre taux_aide : taux\n  depuis toujours jusqu'au 2009-12-31 : 25 %\n    source \"brochure de 2004, sans date d'effet\"\n  à partir du 2010-01-01 : 30 %\n\ndispositif aide \"Aide\"\n  valeur taux : taux = taux_aide\n";

#[test]
fn a_version_depuis_toujours_applies_at_any_date_before_the_next() {
    let engine = Engine::new(common::compile(ALWAYS)).unwrap();
    let at = |date: &str| {
        let options = DecideOptions {
            date: date.parse().ok(),
            ..DecideOptions::default()
        };
        decide(&engine, r#"{"date_demande": "2024-01-01"}"#, &options)
    };
    assert_eq!(at("1950-06-01"), r#"taux = "0.25""#);
    assert_eq!(at("2009-12-31"), r#"taux = "0.25""#);
    assert_eq!(at("2010-01-01"), r#"taux = "0.3""#);
}

#[test]
fn hover_says_depuis_toujours_and_the_formatter_keeps_it() {
    let mut editor = common::Editor::open(ALWAYS);
    let offset = ALWAYS.rfind("taux_aide").unwrap() + 2;
    let today = chrono::NaiveDate::from_ymd_opt(2005, 1, 1).unwrap();
    let hover = editor.host.hover(&editor.path, offset, today).unwrap();
    insta::assert_snapshot!(hover.markdown);
    let messy = ALWAYS.replace("depuis toujours", "depuis \u{A0}  toujours");
    let formatted = socle_grammar::format::format(&messy).unwrap();
    assert_eq!(formatted, ALWAYS);
    assert_eq!(
        socle_grammar::format::format(&formatted).unwrap(),
        formatted
    );
}
