//! Locals bound to a missing fact (`soit`, a function's parameters): binding one does not stop
//! the expression, only reading it does. A result that never reads it is decided; one that
//! reads several names every fact it waits for. Each expectation is worked out in comments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use serde_json::{json, Value};
use socle_runtime::{DecideOptions, Engine};

const RULES: &str = r#"structure personne
  gir : entier
  a_domicile : booléen
  tarif : montant €/mois
  tarif_bas : montant €/mois

entrée date_demande : date
entrée demandeur : personne

fonction reste_a_payer(tarif : montant €/mois, bas : montant €/mois, domicile : booléen) : montant €/mois
  soit ecart = tarif - bas
  résultat si domicile alors 0 €/mois sinon ecart

dispositif aide "Aide au tarif"
  condition gir_1_a_4 : demandeur.gir <= 4

  valeur reste : montant €/mois =
      reste_a_payer(demandeur.tarif, demandeur.tarif_bas, demandeur.a_domicile)
"#;

/// The published `aide`: its values and the paths of its `manquants`.
fn decide(demandeur: Value) -> (Value, Vec<String>) {
    let engine = Engine::new(common::compile(RULES)).unwrap();
    let dossier = json!({"date_demande": "2024-11-19", "demandeur": demandeur}).to_string();
    let dossier = engine.decode_str(&dossier).unwrap();
    let decision = engine.decide(&dossier, &DecideOptions::default()).unwrap();
    let aide = decision.to_json()["dispositifs"]["aide"].clone();
    let missing = aide["manquants"]
        .as_array()
        .map(|m| {
            m.iter()
                .map(|m| m["chemin"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (aide["valeurs"].clone(), missing)
}

#[test]
fn a_parameter_never_read_does_not_wait_for_its_fact() {
    // À domicile, le reste à payer est 0 quels que soient les tarifs, qui manquent.
    let (values, missing) = decide(json!({"gir": 2, "a_domicile": true}));
    assert_eq!(values, json!({"reste": "0.00"}));
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn a_result_names_every_missing_fact_it_reads() {
    // En établissement, reste = tarif − tarif bas : les deux tarifs manquent, tous deux nommés.
    let (values, missing) = decide(json!({"gir": 2, "a_domicile": false}));
    assert_eq!(values, json!({}));
    assert_eq!(missing, ["demandeur.tarif", "demandeur.tarif_bas"]);
    // Un seul tarif donné : seul l'autre est demandé.
    let (_, missing) = decide(json!({"gir": 2, "a_domicile": false, "tarif": "600"}));
    assert_eq!(missing, ["demandeur.tarif_bas"]);
    // Le lieu de vie manque aussi : les trois sont nommés.
    let (_, mut missing) = decide(json!({"gir": 2}));
    missing.sort();
    assert_eq!(
        missing,
        [
            "demandeur.a_domicile",
            "demandeur.tarif",
            "demandeur.tarif_bas"
        ]
    );
}

#[test]
fn given_facts_still_decide_through_the_same_locals() {
    // 600 − 150 = 450 en établissement ; 0 à domicile.
    let (values, missing) =
        decide(json!({"gir": 2, "a_domicile": false, "tarif": "600.00", "tarif_bas": "150.00"}));
    assert_eq!(values, json!({"reste": "450.00"}));
    assert!(missing.is_empty());
}
