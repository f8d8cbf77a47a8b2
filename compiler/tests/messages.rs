//! Condition messages end to end: one message per outcome (`message si satisfaite`, `message si
//! non satisfaite`, the neutral `message` and the one Socle writes), placeholders rendered with
//! the decision's values, and W0901 on a message that copies a parameter's figure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use socle_runtime::{DecideOptions, Engine};

const MESSAGES: &str = r#"structure personne
  percoit_apa : booléen
  annees_residence : entier

entrée date_demande : date
entrée demandeur : personne

valeur annees_presence_minimum : entier = 15

dispositif aide "Aide"
  # Les deux issues, sans message neutre : l'issue inconnue montre ce qui est exigé.
  condition non_cumul_apa : non demandeur.percoit_apa
    message si satisfaite "la personne ne perçoit pas l'APA"
    message si non satisfaite "la personne perçoit l'APA, qui ne se cumule pas avec cette aide"

  # Un message neutre et un message d'échec : le neutre vaut pour la réussite et l'inconnu.
  condition presence : demandeur.annees_residence >= annees_presence_minimum
    message "présence en France : {demandeur.annees_residence} ans déclarés"
    message si non satisfaite "il faut {annees_presence_minimum} ans de présence en France ({demandeur.annees_residence} ans déclarés)"

  # Seulement le message de réussite : l'échec montre le message écrit par Socle.
  condition presence_longue : demandeur.annees_residence >= 30
    message si satisfaite "plus de trente ans de présence"
"#;

fn motifs(engine: &Engine, dossier: &str) -> Vec<String> {
    let dossier = engine.decode_str(dossier).unwrap();
    let decision = engine.decide(&dossier, &DecideOptions::default()).unwrap();
    decision.dispositifs[0]
        .motifs
        .iter()
        .map(|m| format!("{} {:?} : {}", m.id(), m.satisfied, m.message()))
        .collect()
}

#[test]
fn each_outcome_shows_its_own_message() {
    let engine = Engine::new(common::compile(MESSAGES)).unwrap();
    // 20 ≥ 15 ; 20 < 30.
    assert_eq!(
        motifs(
            &engine,
            r#"{"date_demande": "2024-11-19", "demandeur": {"percoit_apa": false, "annees_residence": 20}}"#
        ),
        [
            "non_cumul_apa Some(true) : la personne ne perçoit pas l'APA",
            "presence Some(true) : présence en France : 20 ans déclarés",
            "presence_longue Some(false) : annees residence 20 < 30",
        ]
    );
    // 14 < 15 ; 14 < 30.
    assert_eq!(
        motifs(
            &engine,
            r#"{"date_demande": "2024-11-19", "demandeur": {"percoit_apa": true, "annees_residence": 14}}"#
        ),
        [
            "non_cumul_apa Some(false) : la personne perçoit l'APA, qui ne se cumule pas avec cette aide",
            "presence Some(false) : il faut 15 ans de présence en France (14 ans déclarés)",
            "presence_longue Some(false) : annees residence 14 < 30",
        ]
    );
    // 31 ≥ 30.
    let out = motifs(
        &engine,
        r#"{"date_demande": "2024-11-19", "demandeur": {"percoit_apa": false, "annees_residence": 31}}"#,
    );
    assert_eq!(
        out[2],
        "presence_longue Some(true) : plus de trente ans de présence"
    );
}

#[test]
fn an_unknown_outcome_shows_the_neutral_message_else_the_failing_one() {
    let engine = Engine::new(common::compile(MESSAGES)).unwrap();
    let out = motifs(
        &engine,
        r#"{"date_demande": "2024-11-19", "demandeur": {}}"#,
    );
    assert_eq!(
        out,
        [
            "non_cumul_apa None : la personne perçoit l'APA, qui ne se cumule pas avec cette aide",
            "presence None : présence en France : (inconnu) ans déclarés",
            "presence_longue None : annees residence (inconnu) ? 30",
        ]
    );
}

#[test]
fn messages_per_outcome_are_checked_and_kept_by_the_formatter() {
    let bad = MESSAGES
        .replace(
            "{annees_presence_minimum} ans de présence",
            "{annees_presence_minimun} ans de présence",
        )
        .replace("plus de trente ans", "plus de 15 ans");
    insta::assert_snapshot!(common::check(&bad));
    let messy = MESSAGES.replace("message si non satisfaite", "message  si   non satisfaite");
    let formatted = socle_grammar::format::format(&messy).unwrap();
    assert_eq!(formatted, MESSAGES);
}

#[test]
fn the_editor_resolves_a_placeholder_of_an_outcome_message() {
    let mut editor = common::Editor::open(MESSAGES);
    let offset = MESSAGES.find("{annees_presence_minimum}").unwrap() + 3;
    let today = chrono::NaiveDate::from_ymd_opt(2024, 11, 19).unwrap();
    let hover = editor.host.hover(&editor.path, offset, today).unwrap();
    let definition = editor.host.definition(&editor.path, offset).unwrap();
    assert!(
        hover.markdown.contains("annees_presence_minimum"),
        "{}",
        hover.markdown
    );
    assert_eq!(
        &MESSAGES[definition.span.range()],
        "annees_presence_minimum"
    );
    assert!(definition.span.start < MESSAGES.find("dispositif").unwrap() as u32);
}
