//! Time as a quantity: hours (`heures`), prices per unit of time times a duration in that unit
//! (`€/heure × heures → €`, `€/jour × jours → €`, `€/mois × mois → €`), the ratio of two
//! durations (`jours / jours → décimal`), calendar functions, and the diagnostics that keep
//! days, months and hours apart. Each expectation is computed by hand in the comments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use socle_runtime::{DecideOptions, Engine};

/// (declared type, expression, expected JSON value).
const CASES: &[(&str, &str, &str)] = &[
    // 26,30 × 12 = 315,60
    ("montant", "26,30 €/heure × 12 heures", r#""315.60""#),
    // 72 heures d'aide au plus par mois, 3 semaines de 20 heures = 60 heures.
    ("durée", "min(3 × 20 heures, 72 heures)", r#""60 heures""#),
    ("booléen", "3 × 20 heures <= 72 heures", "true"),
    // 31 jours de janvier × 35 € = 1 085 €
    (
        "montant",
        "35 €/jour × jours_du_mois(2024-01-10)",
        r#""1085.00""#,
    ),
    // du 1er au 31 janvier : 30 jours × 35 € = 1 050 €
    (
        "montant",
        "35 €/jour × jours_entre(2024-01-01, 2024-01-31)",
        r#""1050.00""#,
    ),
    // 3 mois × 100 € = 300 €
    ("montant", "100 €/mois × 3 mois", r#""300.00""#),
    // 45 jours / 30 jours = 1,5
    ("décimal", "45 jours / 30 jours", r#""1.5""#),
    ("entier", "jour(2024-02-29)", "29"),
    ("durée", "jours_du_mois(2024-02-10)", r#""29 jours""#),
    ("durée", "jours_du_mois(2023-02-10)", r#""28 jours""#),
    ("date", "fin_de_mois(2024-04-10)", r#""2024-04-30""#),
    ("date", "début_mois_suivant(2024-12-15)", r#""2025-01-01""#),
    ("date", "debut_mois_suivant(2024-01-31)", r#""2024-02-01""#),
];

#[test]
fn time_quantities_evaluate() {
    let mut src = String::from("entrée date_demande : date\n\ndispositif calcul\n");
    for (i, (ty, expr, _)) in CASES.iter().enumerate() {
        src.push_str(&format!("  valeur v{i} : {ty} = {expr}\n"));
    }
    let engine = Engine::new(common::compile(&src)).unwrap();
    let dossier = engine
        .decode_str(r#"{"date_demande": "2024-11-19"}"#)
        .unwrap();
    let decision = engine.decide(&dossier, &DecideOptions::default()).unwrap();
    let values = &decision.dispositifs[0].values;
    for ((_, expr, want), v) in CASES.iter().zip(values) {
        assert_eq!(
            decision.value_json(&v.value, &v.ty).to_string(),
            *want,
            "{expr}"
        );
    }
}

#[test]
fn days_months_and_hours_do_not_mix() {
    insta::assert_snapshot!(common::check(
        "entrée date_demande : date\n\ndispositif calcul\n  valeur a = 26,30 €/heure × 3 jours\n  valeur b = date_demande + 3 heures\n  valeur c = 3 mois > 90 jours\n  valeur d = 10 heures / 2 jours\n  valeur e = 72 heures > 3 jours\n"
    ));
}

#[test]
fn a_dossier_field_may_be_a_duration_in_hours() {
    let src = "structure plan\n  heures_mensuelles : durée en heures\n  jours_accueil : durée en jours\n\nentrée date_demande : date\nentrée plan_aide : plan\n\ndispositif aide\n  valeur heures : durée = min(plan_aide.heures_mensuelles, 30 heures)\n  valeur montant : montant = 26,30 €/heure × heures\n  valeur accueil : montant = 35 €/jour × plan_aide.jours_accueil\n";
    let engine = Engine::new(common::compile(src)).unwrap();
    // min(40 h, 30 h) = 30 h ; 30 × 26,30 = 789 ; 10 × 35 = 350.
    let dossier = engine
        .decode_str(r#"{"date_demande": "2024-11-19", "plan_aide": {"heures_mensuelles": 40, "jours_accueil": 10}}"#)
        .unwrap();
    let decision = engine.decide(&dossier, &DecideOptions::default()).unwrap();
    let values: Vec<String> = decision.dispositifs[0]
        .values
        .iter()
        .map(|v| format!("{} = {}", v.name, decision.value_json(&v.value, &v.ty)))
        .collect();
    assert_eq!(
        values,
        [
            r#"heures = "30 heures""#,
            r#"montant = "789.00""#,
            r#"accueil = "350.00""#
        ]
    );
    let schema = engine.json_schema().to_string();
    assert!(schema.contains("durée en heures"), "{schema}");
    let formatted = socle_grammar::format::format(src).unwrap();
    assert_eq!(formatted, src);
}
