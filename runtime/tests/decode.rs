//! Dossier decoding: exact money, JSON-path errors for every wrong field, limits on size and depth.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use serde_json::json;
use socle_runtime::ir::{BinOp, DurationFamily, Ty};
use socle_runtime::{DecideOptions, DecodeOptions, DossierErrorKind, Engine, Value};

/// A program reading the contract's dossier fields; `total` adds resources and plan.
fn engine() -> Engine {
    let mut b = Builder::new("decodage");
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
    let prestation = b.enumeration("prestation", &["pch", "actp", "apa"]);
    b.decision_date("date_demande");
    b.input("demandeur.date_naissance", Ty::Date, false);
    b.input("demandeur.gir", Ty::Int, false);
    let resources = b.input("demandeur.ressources_mensuelles", monthly(), false);
    b.input("demandeur.lieu_de_vie", Ty::Enum(lieu), false);
    b.input("demandeur.domicile_secours", Ty::Text, true);
    b.input(
        "demandeur.prestations",
        Ty::List(Box::new(Ty::Enum(prestation))),
        false,
    );
    b.input(
        "demandeur.taux_incapacite",
        Ty::Optional(Box::new(Ty::Rate)),
        false,
    );
    b.input("demandeur.inaptitude_travail", Ty::Bool, true);
    b.input(
        "demandeur.anciennete",
        Ty::Duration(DurationFamily::Days),
        true,
    );
    let plan = b.input("plan_aide.montant_mensuel", monthly(), false);
    let total = b.def("total", monthly(), bin(BinOp::Add, resources, plan));
    b.dispositif("somme", None, vec![], vec![("total", total)], vec![total]);
    b.engine()
}

fn dossier() -> serde_json::Value {
    json!({
        "date_demande": "2024-11-19",
        "demandeur": {
            "date_naissance": "1938-04-12",
            "gir": 3,
            "ressources_mensuelles": "1450.00",
            "lieu_de_vie": "domicile",
            "domicile_secours": "95",
            "prestations": ["pch", "apa"],
            "taux_incapacite": 0.5,
            "nationalite": "francaise"
        },
        "plan_aide": { "montant_mensuel": 1200 },
        "champ_d_un_autre_departement": { "x": [1, 2] }
    })
}

/// The error message for the dossier after `edit`.
fn error_for(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut d = dossier();
    edit(&mut d);
    match engine().decode_json(&d) {
        Err(e) => e.to_string(),
        Ok(d) => format!("accepté ; emplacements inconnus : {:?}", d.unknown_slots()),
    }
}

#[test]
fn valid_dossier_decodes_every_slot() {
    let e = engine();
    let d = e.decode_json(&dossier()).unwrap();
    let values = d.values();
    assert_eq!(values[0], Value::Date(date("2024-11-19")));
    assert_eq!(values[2], Value::Int(3));
    assert_eq!(values[3], Value::Dec(dec("1450.00")));
    assert_eq!(values[4], Value::Enum { ty: 0, variant: 0 });
    assert_eq!(values[5], Value::Text("95".into()));
    assert_eq!(
        values[6],
        Value::List(
            vec![
                Value::Enum { ty: 1, variant: 0 },
                Value::Enum { ty: 1, variant: 2 }
            ]
            .into()
        )
    );
    assert_eq!(values[7], Value::Dec(dec("0.5")));
    // Optional fields left out read as absent.
    assert_eq!(values[8], Value::Absent);
    assert_eq!(values[9], Value::Absent);
    assert_eq!(values[10], Value::Dec(dec("1200")));
}

#[test]
fn decode_str_matches_decode_json() {
    let e = engine();
    let text = dossier().to_string();
    assert_eq!(
        e.decode_str(&text).unwrap(),
        e.decode_json(&dossier()).unwrap()
    );
}

#[test]
fn optional_fields_accept_null_and_absence() {
    let e = engine();
    let mut d = dossier();
    d["demandeur"]["domicile_secours"] = json!(null);
    d["demandeur"]["taux_incapacite"] = json!(null);
    d["demandeur"]["inaptitude_travail"] = json!(true);
    d["demandeur"]["anciennete"] = json!(400);
    let values = e.decode_json(&d).unwrap().values().to_vec();
    assert_eq!(values[5], Value::Absent);
    assert_eq!(values[7], Value::Absent);
    assert_eq!(values[8], Value::Bool(true));
    assert_eq!(values[9], Value::Duration(400, DurationFamily::Days));
}

#[test]
fn numbers_are_read_exactly() {
    // 0.1 + 0.2 is 0.3 exactly, whether money comes as a JSON number or a string.
    let e = engine();
    let mut d = dossier();
    d["demandeur"]["ressources_mensuelles"] = json!("0.1");
    d["plan_aide"]["montant_mensuel"] = serde_json::from_str("0.2").unwrap();
    let decision = e
        .decide(&e.decode_json(&d).unwrap(), &DecideOptions::default())
        .unwrap();
    assert_eq!(
        decision.dispositifs[0].valeur("total"),
        Some(&Value::Dec(dec("0.3")))
    );

    let text = r#"{"date_demande": "2024-01-01", "demandeur": {"date_naissance": "1938-04-12",
        "gir": 1, "ressources_mensuelles": 1012.00, "lieu_de_vie": "ehpad",
        "taux_incapacite": 0.0000000000000000000000000001,
        "prestations": []}, "plan_aide": {"montant_mensuel": 1e3}}"#;
    let values = e.decode_str(text).unwrap().values().to_vec();
    assert_eq!(values[3], Value::Dec(dec("1012.00")));
    assert_eq!(values[7], Value::Dec(dec("0.0000000000000000000000000001")));
    assert_eq!(values[10], Value::Dec(dec("1000")));
}

#[test]
fn brief_examples() {
    assert_eq!(
        error_for(|d| d["demandeur"]["gir"] = json!("trois")),
        "`demandeur.gir` : entier attendu, trouvé le texte \"trois\""
    );
    assert_eq!(
        error_for(|d| d["demandeur"]["date_naissance"] = json!("1938-02-30")),
        "`demandeur.date_naissance` : date AAAA-MM-JJ attendue, trouvé \"1938-02-30\" (date impossible)"
    );
    assert_eq!(
        error_for(|d| d["demandeur"]["lieu_de_vie"] = json!("maison")),
        "`demandeur.lieu_de_vie` : valeur inconnue \"maison\" ; valeurs possibles : domicile, ehpad, usld, residence_autonomie, accueil_familial"
    );
    // A field left out is unknown, not an error: deciding says whether it is needed.
    let mut d = dossier();
    d.as_object_mut().unwrap().remove("plan_aide");
    let decoded = engine().decode_json(&d).unwrap();
    assert!(decoded.is_unknown(10));
    assert_eq!(decoded.unknown_slots(), vec![10]);
}

/// Money is non-negative with at most two decimals (trailing zeros do not count).
#[test]
fn money_is_non_negative_with_two_decimals() {
    for (given, accepted) in [
        (json!("1450.00"), true),
        (json!("1450.500"), true),
        (json!(0), true),
        (json!("-0.00"), true),
        (json!("-1450.00"), false),
        (json!(-1), false),
        (json!("1450.005"), false),
        (serde_json::from_str("1450.001").unwrap(), false),
    ] {
        let mut d = dossier();
        d["demandeur"]["ressources_mensuelles"] = given.clone();
        let result = engine().decode_json(&d);
        assert_eq!(result.is_ok(), accepted, "{given}");
        if let Err(e) = result {
            assert_eq!(e.path(), "demandeur.ressources_mensuelles");
            assert_eq!(e.kind(), DossierErrorKind::InvalidValue);
        }
    }
}

/// Every error of a dossier is reported at once, each with its path, expected and found.
#[test]
fn every_error_at_once() {
    let mut d = dossier();
    d["demandeur"]["gir"] = json!("trois");
    d["demandeur"]["date_naissance"] = json!("1938-02-30");
    d["demandeur"]["lieu_de_vie"] = json!("maison");
    d["demandeur"]["prestations"] = json!(["pch", "rsa", 3]);
    let errors = engine()
        .read_json(&d, &DecodeOptions::default())
        .unwrap_err();
    let report: Vec<String> = errors.errors.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(report.join("\n"));
    assert_eq!(errors.errors.len(), 5);
}

/// Unknown fields are warnings naming the close field meant; errors when strict.
#[test]
fn unknown_fields_are_warned_with_a_suggestion() {
    let mut d = dossier();
    let demandeur = d["demandeur"].as_object_mut().unwrap();
    let secours = demandeur.remove("domicile_secours").unwrap();
    demandeur.insert("domicile_secour".into(), secours);
    let e = engine();
    let read = e.read_json(&d, &DecodeOptions::default()).unwrap();
    let warnings: Vec<String> = read.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(warnings.join("\n"));
    assert_eq!(
        read.warnings[2].suggestion.as_deref(),
        Some("domicile_secours")
    );
    let strict = e
        .read_json(&d, &DecodeOptions { strict: true })
        .unwrap_err();
    assert!(strict
        .errors
        .iter()
        .all(|e| e.kind() == DossierErrorKind::UnknownField));
    assert_eq!(strict.errors.len(), 3);
    assert!(strict.errors[2]
        .to_string()
        .contains("vouliez-vous dire `domicile_secours` ?"));
}

#[test]
fn error_accessors() {
    let mut d = dossier();
    d["demandeur"]["prestations"] = json!(["pch", "apa", "rsa"]);
    let err = engine().decode_json(&d).unwrap_err();
    assert_eq!(err.kind(), DossierErrorKind::UnknownValue);
    assert_eq!(err.path(), "demandeur.prestations[2]");
    assert_eq!(err.expected(), "pch, actp, apa");
    assert_eq!(err.found(), "\"rsa\"");

    let mut d = dossier();
    d["demandeur"]["gir"] = json!(3.5);
    let err = engine().decode_json(&d).unwrap_err();
    assert_eq!(err.kind(), DossierErrorKind::WrongType);
    assert_eq!(
        (err.path(), err.expected(), err.found()),
        ("demandeur.gir", "entier", "le nombre 3.5")
    );
    assert_eq!(err.detail(), None);
}

/// Every kind of error, input and message side by side.
#[test]
fn error_messages() {
    type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;
    let set = |path: &'static [&'static str], v: serde_json::Value| -> Edit {
        Box::new(move |d: &mut serde_json::Value| {
            let mut target = d;
            for p in path {
                target = &mut target[*p];
            }
            *target = v;
        })
    };
    let cases: Vec<(&str, Edit)> = vec![
        ("gir 3.5", set(&["demandeur", "gir"], json!(3.5))),
        ("gir \"3\"", set(&["demandeur", "gir"], json!("3"))),
        (
            "gir 3.0",
            set(&["demandeur", "gir"], serde_json::from_str("3.0").unwrap()),
        ),
        (
            "gir 1e1",
            set(&["demandeur", "gir"], serde_json::from_str("1e1").unwrap()),
        ),
        (
            "gir 99999999999999999999",
            set(
                &["demandeur", "gir"],
                serde_json::from_str("99999999999999999999").unwrap(),
            ),
        ),
        ("gir null", set(&["demandeur", "gir"], json!(null))),
        ("gir true", set(&["demandeur", "gir"], json!(true))),
        (
            "ressources \"1 012,02\"",
            set(&["demandeur", "ressources_mensuelles"], json!("1 012,02")),
        ),
        (
            "ressources 1e40",
            set(
                &["demandeur", "ressources_mensuelles"],
                serde_json::from_str("1e40").unwrap(),
            ),
        ),
        (
            "ressources 30 chiffres",
            set(
                &["demandeur", "ressources_mensuelles"],
                json!("123456789012345678901234567890"),
            ),
        ),
        (
            "ressources []",
            set(&["demandeur", "ressources_mensuelles"], json!([])),
        ),
        (
            "naissance 19/11/1938",
            set(&["demandeur", "date_naissance"], json!("19/11/1938")),
        ),
        (
            "naissance 1938-13-01",
            set(&["demandeur", "date_naissance"], json!("1938-13-01")),
        ),
        (
            "naissance 19381201",
            set(
                &["demandeur", "date_naissance"],
                serde_json::from_str("19381201").unwrap(),
            ),
        ),
        ("lieu 3", set(&["demandeur", "lieu_de_vie"], json!(3))),
        (
            "prestations \"pch\"",
            set(&["demandeur", "prestations"], json!("pch")),
        ),
        (
            "prestations [\"pch\", 2]",
            set(&["demandeur", "prestations"], json!(["pch", 2])),
        ),
        ("demandeur []", set(&["demandeur"], json!([]))),
        ("plan_aide null", set(&["plan_aide"], json!(null))),
        (
            "taux \"25 %\"",
            set(&["demandeur", "taux_incapacite"], json!("25 %")),
        ),
        (
            "inaptitude \"oui\"",
            set(&["demandeur", "inaptitude_travail"], json!("oui")),
        ),
        (
            "secours 95",
            set(&["demandeur", "domicile_secours"], json!(95)),
        ),
        (
            "anciennete 1.5",
            set(&["demandeur", "anciennete"], json!(1.5)),
        ),
    ];
    let mut report = String::new();
    for (label, edit) in cases {
        report.push_str(&format!("{label:<28} → {}\n", error_for(edit)));
    }
    let e = engine();
    for text in ["[1, 2]", "{\"date_demande\": ", "{,}", "\"dossier\""] {
        let message = e.decode_str(text).unwrap_err().to_string();
        report.push_str(&format!("{text:<28} → {message}\n"));
    }
    insta::assert_snapshot!(report);
}

#[test]
fn schema() {
    let schema = engine().json_schema();
    insta::assert_snapshot!(serde_json::to_string_pretty(&schema).unwrap());
}
