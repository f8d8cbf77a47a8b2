//! A small APA ruleset written as the compiler would lower it, decided on the contract's
//! example dossier: the decision JSON with and without trace.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use socle_runtime::ir::{BinOp, Builtin, Expr, MessagePart, RoundMode, Ty};
use socle_runtime::{DecideOptions, Engine, Value};

fn engine() -> Engine {
    let mut b = Builder::new("val-doise");
    let lieu = b.enumeration(
        "lieu_de_vie",
        &[
            "domicile",
            "ehpad",
            "usld",
            "residence_autonomie",
            "accueil_familial",
        ],
    );
    b.decision_date("date_demande");
    let naissance = b.input("demandeur.date_naissance", Ty::Date, false);
    let gir = b.input("demandeur.gir", Ty::Int, false);
    let ressources = b.input("demandeur.ressources_mensuelles", monthly(), false);
    let lieu_de_vie = b.input("demandeur.lieu_de_vie", Ty::Enum(lieu), false);
    let inaptitude = b.input("demandeur.inaptitude_travail", Ty::Bool, false);
    let plan = b.input("plan_aide.montant_mensuel", monthly(), false);

    let mtp = b.param(
        "national.mtp",
        monthly(),
        &[
            ("2023-04-01", None, Value::Dec(dec("1210.90"))),
            ("2024-04-01", None, Value::Dec(dec("1266.60"))),
        ],
    );
    let coefficient = b.table(
        "national.coefficient_gir",
        Ty::Int,
        Ty::Decimal,
        &[(
            "2024-01-01",
            None,
            (1..=4)
                .zip(["1.615", "1.306", "0.944", "0.630"])
                .map(|(g, c)| (Value::Int(g), Value::Dec(dec(c))))
                .collect(),
        )],
    );
    let aspa = b.param(
        "national.plafond_aspa",
        Ty::Money(Some(socle_runtime::ir::Period::An)),
        &[(
            "2024-01-01",
            Some("2024-12-31"),
            Value::Dec(dec("12144.27")),
        )],
    );
    let mtp_annee = || param_at(mtp, call(Builtin::StartOfYear, vec![Expr::DecisionDate]));

    let age = b.def(
        "national.age",
        months(),
        call(Builtin::Age, vec![naissance, Expr::DecisionDate]),
    );
    let age_ok = b.def(
        "apa_domicile.age_minimum",
        Ty::Bool,
        bin(BinOp::Ge, def(age), years(60)),
    );
    let gir_ok = b.def(
        "apa_domicile.gir_eligible",
        Ty::Bool,
        Expr::InRange {
            x: Box::new(gir.clone()),
            lo: Box::new(int(1)),
            hi: Box::new(int(4)),
        },
    );
    let domicile = b.def(
        "apa_domicile.a_domicile",
        Ty::Bool,
        bin(BinOp::Eq, lieu_de_vie.clone(), variant(lieu, 0)),
    );
    let plafond = b.def(
        "apa_domicile.plafond",
        monthly(),
        round(
            bin(BinOp::Mul, table_get(coefficient, gir.clone()), mtp_annee()),
            RoundMode::CentimeNearest,
        ),
    );
    let plan_retenu = b.def(
        "apa_domicile.plan_retenu",
        monthly(),
        call(Builtin::Min, vec![plan, def(plafond)]),
    );
    // participation_apa(plan, ressources), inlined: soit s1 = 0,725 × mtp ; soit x = …
    let s1 = b.local();
    let x = b.local();
    let participation = b.def(
        "apa_domicile.participation",
        monthly(),
        Expr::Let {
            slot: s1,
            value: Box::new(bin(BinOp::Mul, num("0.725"), mtp_annee())),
            body: Box::new(Expr::Let {
                slot: x,
                value: Box::new(bin(
                    BinOp::Div,
                    bin(BinOp::Sub, ressources.clone(), Expr::Local(s1)),
                    bin(
                        BinOp::Sub,
                        bin(BinOp::Mul, num("2.67"), mtp_annee()),
                        Expr::Local(s1),
                    ),
                )),
                body: Box::new(Expr::If(
                    Box::new(bin(BinOp::Le, ressources.clone(), Expr::Local(s1))),
                    Box::new(num("0")),
                    Box::new(round(
                        bin(
                            BinOp::Mul,
                            bin(BinOp::Mul, def(plan_retenu), num("0.9")),
                            Expr::Local(x),
                        ),
                        RoundMode::CentimeNearest,
                    )),
                )),
            }),
        },
    );
    let montant = b.def(
        "apa_domicile.montant",
        monthly(),
        bin(BinOp::Sub, def(plan_retenu), def(participation)),
    );
    let taux = b.def(
        "apa_domicile.taux_participation",
        Ty::Rate,
        round(
            bin(BinOp::Div, def(participation), def(plan_retenu)),
            RoundMode::CentimeNearest,
        ),
    );
    let lieu_out = b.def("apa_domicile.lieu", Ty::Enum(lieu), lieu_de_vie);
    let apa = b.dispositif(
        "apa_domicile",
        Some("Allocation personnalisée d'autonomie à domicile"),
        vec![
            (
                "age_minimum",
                age_ok,
                msg(vec![
                    t("âge "),
                    MessagePart::Value(def(age), months()),
                    MessagePart::Choice {
                        satisfied: " ≥ ".into(),
                        failed: " < ".into(),
                    },
                    t("60 ans"),
                ]),
            ),
            (
                "gir_eligible",
                gir_ok,
                msg(vec![t("GIR "), MessagePart::Value(gir, Ty::Int)]),
            ),
            ("a_domicile", domicile, no_message()),
        ],
        vec![
            ("plafond", plafond),
            ("plan_retenu", plan_retenu),
            ("participation", participation),
            ("montant", montant),
            ("taux_participation", taux),
            ("lieu", lieu_out),
        ],
        vec![
            age,
            age_ok,
            gir_ok,
            domicile,
            plafond,
            plan_retenu,
            participation,
            montant,
            taux,
            lieu_out,
        ],
    );

    let age_minimum = b.def_with(
        "aide_menagere.age_minimum",
        months(),
        years(65),
        vec![exception(
            "demandeur.inaptitude_travail",
            inaptitude,
            years(60),
        )],
    );
    let age_am = b.def(
        "aide_menagere.age",
        Ty::Bool,
        bin(BinOp::Ge, def(age), def(age_minimum)),
    );
    let plafond_mensuel = b.def(
        "aide_menagere.plafond_ressources",
        monthly(),
        round(
            call(Builtin::Monthly, vec![param(aspa)]),
            RoundMode::CentimeDown,
        ),
    );
    let ressources_ok = b.def(
        "aide_menagere.ressources",
        Ty::Bool,
        bin(BinOp::Le, ressources.clone(), def(plafond_mensuel)),
    );
    b.dispositif(
        "aide_menagere",
        Some("Aide ménagère"),
        vec![
            (
                "age",
                age_am,
                msg(vec![
                    t("âge "),
                    MessagePart::Value(def(age), months()),
                    MessagePart::Choice {
                        satisfied: " ≥ ".into(),
                        failed: " < ".into(),
                    },
                    MessagePart::Value(def(age_minimum), months()),
                ]),
            ),
            (
                "ressources",
                ressources_ok,
                msg(vec![
                    t("ressources "),
                    MessagePart::Value(ressources, monthly()),
                    MessagePart::Choice {
                        satisfied: " ≤ ".into(),
                        failed: " > ".into(),
                    },
                    t("plafond "),
                    MessagePart::Value(def(plafond_mensuel), monthly()),
                ]),
            ),
        ],
        vec![],
        vec![age, age_minimum, age_am, plafond_mensuel, ressources_ok],
    );

    let tele_age = b.def(
        "teleassistance.age",
        Ty::Bool,
        bin(BinOp::Ge, def(age), years(60)),
    );
    let forfait = b.def("teleassistance.forfait", monthly(), num("25"));
    let tele = b.dispositif(
        "teleassistance",
        None,
        vec![("age", tele_age, no_message())],
        vec![("forfait", forfait)],
        vec![age, tele_age, forfait],
    );
    b.cumul(apa, tele);
    b.engine()
}

/// The contract's example dossier.
const DOSSIER: &str = r#"{
  "date_demande": "2024-11-19",
  "demandeur": {
    "date_naissance": "1938-04-12",
    "gir": 3,
    "situation_familiale": "seul",
    "ressources_mensuelles": "1450.00",
    "lieu_de_vie": "domicile",
    "departement_residence": "95",
    "domicile_secours": "95",
    "nationalite": "francaise",
    "titre_sejour_valide": true,
    "annees_residence_france_avant_70_ans": 20,
    "inaptitude_travail": false,
    "taux_incapacite": 0,
    "imposable": false,
    "carte_invalidite": false,
    "prestations": []
  },
  "plan_aide": { "montant_mensuel": "1200.00" }
}"#;

#[test]
fn decision_json() {
    let engine = engine();
    let dossier = engine.decode_str(DOSSIER).unwrap();
    let decision = engine.decide(&dossier, &DecideOptions::default()).unwrap();
    let apa = decision.dispositif("apa_domicile").unwrap();
    // 0,944 × 1 210,90 = 1 143,0896 → 1 143,09 (seed 004, GIR 3, 2024).
    assert_eq!(apa.valeur("plafond"), Some(&Value::Dec(dec("1143.09"))));
    // x = (1450 − 877,9025) / (3233,103 − 877,9025); 0,9 × 1143,09 × x = 249,89…
    assert_eq!(
        apa.valeur("participation"),
        Some(&Value::Dec(dec("249.90")))
    );
    insta::assert_snapshot!(serde_json::to_string_pretty(&decision.to_json()).unwrap());
}

#[test]
fn decision_json_with_trace() {
    let engine = engine();
    let dossier = engine.decode_str(DOSSIER).unwrap();
    let options = DecideOptions {
        date: None,
        explain: true,
    };
    let decision = engine.decide(&dossier, &options).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&decision.to_json()).unwrap());
}

#[test]
fn trace_and_plain_decisions_agree() {
    let engine = engine();
    let dossier = engine.decode_str(DOSSIER).unwrap();
    let plain = engine.decide(&dossier, &DecideOptions::default()).unwrap();
    let explained = engine
        .decide(
            &dossier,
            &DecideOptions {
                date: None,
                explain: true,
            },
        )
        .unwrap();
    let mut without_trace = explained.to_json();
    for (_, d) in without_trace["dispositifs"].as_object_mut().unwrap() {
        d.as_object_mut().unwrap().remove("trace");
    }
    assert_eq!(plain.to_json(), without_trace);
}

#[test]
fn decisions_in_parallel_threads() {
    let engine = engine();
    let dossier = engine.decode_str(DOSSIER).unwrap();
    let expected = engine
        .decide(&dossier, &DecideOptions::default())
        .unwrap()
        .to_json();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                let decision = engine.decide(&dossier, &DecideOptions::default()).unwrap();
                assert_eq!(decision.to_json(), expected);
            });
        }
    });
}

/// Readers deserialise the published JSON into the typed form: it must read back every field
/// it was written from, trace included (a field the serde attributes drop would be lost here).
#[test]
fn published_decision_reads_back_what_it_wrote() {
    let engine = engine();
    let dossier = engine.decode_str(DOSSIER).unwrap();
    let options = DecideOptions {
        date: None,
        explain: true,
    };
    let decision = engine.decide(&dossier, &options).unwrap();
    let json = decision.to_json();
    let read: socle_runtime::published::Decision = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(read, decision.published());
    assert!(read.dispositifs.values().any(|d| d.trace.is_some()));
    assert_eq!(serde_json::to_value(&read).unwrap(), json);
}
