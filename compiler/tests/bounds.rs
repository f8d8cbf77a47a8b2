//! `entier dans MIN..MAX` on a dossier field: a dossier giving another value is refused when
//! read (every reader, with the field's path), the schema says the bounds, an unknown bounded
//! integer is decided by cases, and the bounds are checked where they are written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use socle_runtime::{DecideOptions, DecodeOptions, Engine};

const RULES: &str = r#"structure personne
  gir : entier dans 1..6
  enfants : entier dans 0..20?

entrée date_demande : date
entrée demandeur : personne

dispositif aide "Aide"
  condition gir_connu : demandeur.gir >= 1

  condition gir_1_a_4 : demandeur.gir <= 4

  valeur enfants : entier = valeur_par_défaut(demandeur.enfants, 0)
"#;

fn engine() -> Engine {
    Engine::new(common::compile(RULES)).unwrap()
}

fn dossier(gir: &str) -> String {
    format!(r#"{{"date_demande": "2024-11-19", "demandeur": {{"gir": {gir}}}}}"#)
}

#[test]
fn a_value_out_of_bounds_is_refused_by_every_reader_with_its_path() {
    let engine = engine();
    for gir in ["0", "7", "-1", "1000000"] {
        let text = dossier(gir);
        let options = DecodeOptions::default();
        let read = engine.read_str(&text, &options).unwrap_err();
        let reference = engine.read_str_reference(&text, &options).unwrap_err();
        assert_eq!(read.to_string(), reference.to_string());
        let message = read.to_string();
        assert!(
            message.contains(&format!(
                "`demandeur.gir` : entier de 1 à 6 attendu, trouvé le nombre {gir}"
            )),
            "{message}"
        );
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(engine.decode_json(&json).is_err(), "{gir}");
    }
    // The bounds themselves are accepted, and an optional bounded field may be left out.
    for gir in ["1", "6"] {
        assert!(engine.decode_str(&dossier(gir)).is_ok(), "{gir}");
    }
    let with_children = r#"{"date_demande": "2024-11-19", "demandeur": {"gir": 2, "enfants": 21}}"#;
    let message = engine.decode_str(with_children).unwrap_err().to_string();
    assert!(
        message.contains("`demandeur.enfants` : entier de 0 à 20 attendu"),
        "{message}"
    );
}

#[test]
fn the_schema_says_the_bounds() {
    let schema = engine().json_schema();
    let personne = &schema["properties"]["demandeur"]["properties"];
    assert_eq!(personne["gir"]["minimum"], 1);
    assert_eq!(personne["gir"]["maximum"], 6);
    assert_eq!(personne["enfants"]["anyOf"][0]["maximum"], 20, "{personne}");
}

#[test]
fn an_unknown_bounded_integer_is_decided_by_cases() {
    // GIR left out: `gir >= 1` holds for every GIR from 1 to 6, `gir <= 4` depends on it.
    let engine = engine();
    let dossier = engine
        .decode_str(r#"{"date_demande": "2024-11-19", "demandeur": {}}"#)
        .unwrap();
    let decision = engine.decide(&dossier, &DecideOptions::default()).unwrap();
    let aide = &decision.dispositifs[0];
    assert_eq!(aide.eligible, None);
    let held: Vec<(String, Option<bool>)> = aide
        .motifs
        .iter()
        .map(|m| (m.id().to_owned(), m.satisfied))
        .collect();
    assert_eq!(
        held,
        [
            ("gir_connu".to_owned(), Some(true)),
            ("gir_1_a_4".to_owned(), None)
        ]
    );
}

#[test]
fn bounds_are_checked_where_they_are_written() {
    let reversed = common::check("structure p\n  gir : entier dans 6..1\n\nentrée demandeur : p\n");
    assert!(
        reversed.contains("E0206") && reversed.contains("bornes inversées"),
        "{reversed}"
    );
    let in_a_list = common::check(
        "structure heritier\n  age : entier dans 0..130\n\nstructure p\n  heritiers : liste de heritier\n\nentrée demandeur : p\n",
    );
    assert!(
        in_a_list.contains("E0206") && in_a_list.contains("`heritier`"),
        "{in_a_list}"
    );
    // Only a dossier field is bounded: elsewhere it is a syntax error.
    let value = common::check("valeur x : entier dans 1..6 = 3\n");
    assert!(value.contains("E0001"), "{value}");
}

#[test]
fn the_formatter_keeps_the_bounds() {
    let formatted = socle_grammar::format::format(RULES).unwrap();
    assert!(
        formatted.contains("gir : entier dans 1..6\n"),
        "{formatted}"
    );
    assert!(
        formatted.contains("enfants : entier dans 0..20?\n"),
        "{formatted}"
    );
}
