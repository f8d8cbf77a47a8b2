//! Payment conditions end to end: an open right below its payment threshold stays eligible
//! with its values and pays zero; a cumul rule reads the open right, unless it says `versée`;
//! unknown facts leave the payment undetermined, never decided the wrong way.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use socle_runtime::{DecideOptions, Engine, Payment};

const RULES: &str = r#"structure personne
  gir : entier
  plan : montant €/mois

entrée date_demande : date
entrée demandeur : personne

valeur seuil : montant €/mois = 35 €/mois

dispositif apa "APA"
  condition gir_eligible : demandeur.gir dans 1..4
  valeur plafond : montant €/mois = 700 €/mois
  valeur versée montant : montant €/mois = min(demandeur.plan, plafond)
  condition de versement versement_minimum : montant >= seuil
    message "montant {montant} ; pas de versement sous {seuil}"

dispositif menagere "Aide ménagère, si l'APA n'est pas accordée"
  condition toujours : vrai

dispositif portage "Portage, si l'APA n'est pas versée"
  condition toujours : vrai

cumul apa exclut menagere

cumul apa versée exclut portage
"#;

fn decide(json: &str) -> socle_runtime::Decision {
    let engine = Engine::new(common::compile(RULES)).unwrap();
    let dossier = engine.decode_str(json).unwrap();
    engine.decide(&dossier, &DecideOptions::default()).unwrap()
}

fn of<'d>(d: &'d socle_runtime::Decision, id: &str) -> &'d socle_runtime::DispositifDecision {
    d.dispositifs.iter().find(|x| &*x.id == id).unwrap()
}

#[test]
fn below_the_threshold_the_right_stays_open_and_nothing_is_paid() {
    let d = decide(r#"{"date_demande": "2024-01-10", "demandeur": {"gir": 2, "plan": "30.00"}}"#);
    let apa = of(&d, "apa");
    assert_eq!(apa.eligible, Some(true));
    assert_eq!(apa.payment, Payment::Withheld);
    assert!(apa.is_decided());
    let json = d.to_json();
    let published = &json["dispositifs"]["apa"];
    assert_eq!(published["verse"], false);
    assert_eq!(published["valeurs"]["plafond"], "700.00");
    assert_eq!(published["valeurs"]["montant"], "0.00");
    let motif = &published["motifs"][1];
    assert_eq!(motif["id"], "versement_minimum");
    assert_eq!(motif["versement"], true);
    assert_eq!(motif["satisfaite"], false);
    assert_eq!(
        motif["message"],
        "montant 30,00 €/mois ; pas de versement sous 35,00 €/mois"
    );
    // The eligibility motif carries no `versement` key.
    assert!(published["motifs"][0].get("versement").is_none());
    // `exclut` reads the open right; `versée exclut` the payment.
    assert_eq!(of(&d, "menagere").eligible, Some(false));
    assert_eq!(of(&d, "portage").eligible, Some(true));
}

#[test]
fn above_the_threshold_it_is_paid_and_excludes_both() {
    let d = decide(r#"{"date_demande": "2024-01-10", "demandeur": {"gir": 2, "plan": "300.00"}}"#);
    let apa = of(&d, "apa");
    assert_eq!(apa.payment, Payment::Paid);
    assert_eq!(d.to_json()["dispositifs"]["apa"]["verse"], true);
    assert_eq!(
        d.to_json()["dispositifs"]["apa"]["valeurs"]["montant"],
        "300.00"
    );
    assert_eq!(of(&d, "menagere").eligible, Some(false));
    assert_eq!(of(&d, "portage").eligible, Some(false));
    let cumul = &d.to_json()["dispositifs"]["portage"]["motifs"][1];
    assert_eq!(cumul["id"], "cumul_apa");
    assert_eq!(
        cumul["message"],
        "non cumulable avec APA, versé à ce dossier"
    );
}

#[test]
fn not_eligible_says_nothing_of_payment() {
    let d = decide(r#"{"date_demande": "2024-01-10", "demandeur": {"gir": 5, "plan": "30.00"}}"#);
    let apa = of(&d, "apa");
    assert_eq!(apa.eligible, Some(false));
    assert_eq!(apa.payment, Payment::NotApplicable);
    let json = d.to_json();
    assert!(json["dispositifs"]["apa"].get("verse").is_none());
    // Payment conditions of a closed right are not motifs.
    assert_eq!(
        json["dispositifs"]["apa"]["motifs"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(of(&d, "portage").eligible, Some(true));
}

#[test]
fn an_unknown_plan_leaves_payment_and_the_paid_cumul_undetermined() {
    let d = decide(r#"{"date_demande": "2024-01-10", "demandeur": {"gir": 2}}"#);
    let apa = of(&d, "apa");
    assert_eq!(apa.eligible, Some(true));
    assert_eq!(apa.payment, Payment::Unknown);
    let json = d.to_json();
    let published = &json["dispositifs"]["apa"];
    assert!(published["verse"].is_null() && published.get("verse").is_some());
    assert!(published["valeurs"].get("montant").is_none());
    assert_eq!(published["valeurs"]["plafond"], "700.00");
    assert_eq!(published["manquants"][0]["chemin"], "demandeur.plan");
    // The open right is known: `exclut` decides; `versée exclut` waits for the plan.
    assert_eq!(of(&d, "menagere").eligible, Some(false));
    assert_eq!(of(&d, "portage").eligible, None);
    assert_eq!(
        json["dispositifs"]["portage"]["manquants"][0]["chemin"],
        "demandeur.plan"
    );
    // And says why: the cumul rule's motif is unknown, waiting for the plan.
    let motifs = json["dispositifs"]["portage"]["motifs"].as_array().unwrap();
    let cumul = motifs.iter().find(|m| m["id"] == "cumul_apa").unwrap();
    assert!(cumul["satisfaite"].is_null());
    assert_eq!(cumul["manquants"][0], "demandeur.plan");
    assert_eq!(
        cumul["message"],
        "non cumulable avec APA s'il est versé à ce dossier, ce qui reste à établir"
    );
}

#[test]
fn an_unknown_winner_leaves_the_excluded_dispositif_undetermined_with_its_motif() {
    let d = decide(r#"{"date_demande": "2024-01-10", "demandeur": {"plan": "400.00"}}"#);
    assert_eq!(of(&d, "apa").eligible, None);
    let json = d.to_json();
    for (id, message) in [
        (
            "menagere",
            "non cumulable avec APA si le dossier y est éligible, ce qui reste à établir",
        ),
        (
            "portage",
            "non cumulable avec APA s'il est versé à ce dossier, ce qui reste à établir",
        ),
    ] {
        let published = &json["dispositifs"][id];
        assert!(published["eligible"].is_null(), "{id}");
        let cumul = &published["motifs"][1];
        assert_eq!(cumul["id"], "cumul_apa", "{id}");
        assert!(cumul["satisfaite"].is_null(), "{id}");
        assert_eq!(cumul["message"], message, "{id}");
        assert_eq!(cumul["manquants"][0], "demandeur.gir", "{id}");
    }
}
