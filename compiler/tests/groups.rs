//! Named groups of conditions (`groupe de conditions`, `conditions NOM`) end to end: each
//! condition of a group is a motif of every dispositif that uses it, with its own id and
//! message; the editor knows the group; the formatter keeps the layout.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use socle_runtime::{DecideOptions, Engine};

const GROUPS: &str = r#"structure personne
  age : entier
  ressources : montant €/mois
  lieu : texte

entrée date_demande : date
entrée demandeur : personne

valeur plafond : montant €/mois = 1000 €/mois

## Le public commun des aides à domicile.
groupe de conditions public_domicile "Public des aides à domicile"
  source "004 · fiches repères"

  condition age_minimum : demandeur.age >= 65
    message "65 ans au moins ({demandeur.age} ans)"
    source "004 · « 65 ans et plus »" (VO-AM-1)

  condition ressources_plafond : demandeur.ressources <= plafond
    source "004 · « ressources inférieures ou égales à l'ASPA »" (VO-AM-4)

dispositif aide_menagere "Aide-ménagère"
  conditions public_domicile
    source "004" (VO-AM-1..4)

  valeur taux : montant €/heure = 26,30 €/heure

dispositif portage_repas "Portage de repas"
  condition a_domicile : demandeur.lieu = "domicile"

  conditions public_domicile
"#;

/// Every motif of every dispositif: `dispositif/id satisfaite : message`.
fn motifs(engine: &Engine, dossier: &str) -> String {
    let dossier = engine.decode_str(dossier).unwrap();
    let decision = engine.decide(&dossier, &DecideOptions::default()).unwrap();
    let mut out = String::new();
    for d in &decision.dispositifs {
        out.push_str(&format!("{} éligible : {:?}\n", d.id, d.eligible));
        for m in &d.motifs {
            out.push_str(&format!(
                "  {} {:?} : {}\n",
                m.id(),
                m.satisfied,
                m.message()
            ));
        }
    }
    out
}

#[test]
fn each_condition_of_a_group_is_a_motif_of_every_dispositif_that_uses_it() {
    let engine = Engine::new(common::compile(GROUPS)).unwrap();
    // 70 ≥ 65 and 1 200 € > 1 000 €: the age holds, the resources fail, in both dispositifs.
    let out = motifs(
        &engine,
        r#"{"date_demande": "2024-11-19",
            "demandeur": {"age": 70, "ressources": "1200.00", "lieu": "domicile"}}"#,
    );
    assert_eq!(
        out,
        "aide_menagere éligible : Some(false)
  age_minimum Some(true) : 65 ans au moins (70 ans)
  ressources_plafond Some(false) : ressources 1 200,00 €/mois > 1 000,00 €/mois
portage_repas éligible : Some(false)
  a_domicile Some(true) : lieu domicile = domicile
  age_minimum Some(true) : 65 ans au moins (70 ans)
  ressources_plafond Some(false) : ressources 1 200,00 €/mois > 1 000,00 €/mois
"
    );
    // 64 < 65 and 900 € ≤ 1 000 €.
    let out = motifs(
        &engine,
        r#"{"date_demande": "2024-11-19",
            "demandeur": {"age": 64, "ressources": "900.00", "lieu": "ehpad"}}"#,
    );
    assert!(out.contains("aide_menagere éligible : Some(false)\n  age_minimum Some(false) : 65 ans au moins (64 ans)\n  ressources_plafond Some(true)"), "{out}");
    assert!(out.contains("  a_domicile Some(false)"), "{out}");
}

#[test]
fn a_group_condition_is_named_like_an_item_of_each_dispositif() {
    let src = format!(
        "{GROUPS}\ndispositif suite \"Suite\"\n  condition apres : aide_menagere.éligible et portage_repas.éligible\n"
    );
    let program = common::compile(&src);
    let names: Vec<&str> = program
        .dispositifs
        .iter()
        .flat_map(|d| d.conditions.iter().map(|c| c.id.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            "age_minimum",
            "ressources_plafond",
            "a_domicile",
            "age_minimum",
            "ressources_plafond",
            "apres"
        ]
    );
}

#[test]
fn errors_in_a_group_are_reported_once() {
    insta::assert_snapshot!(common::check(
        "entrée age : entier\n\ngroupe de conditions public\n  condition c : age + 1\n\ndispositif a\n  conditions public\n\ndispositif b\n  conditions public\n\ngroupe de conditions jamais_utilise\n  condition d : inconnu\n"
    ));
}

#[test]
fn the_editor_hovers_and_jumps_to_a_group_and_the_formatter_keeps_it() {
    let mut editor = common::Editor::open(GROUPS);
    let use_site = GROUPS.rfind("conditions public_domicile").unwrap() + "conditions ".len() + 2;
    let today = chrono::NaiveDate::from_ymd_opt(2024, 11, 19).unwrap();
    let hover = editor.host.hover(&editor.path, use_site, today).unwrap();
    let definition = editor.host.definition(&editor.path, use_site).unwrap();
    let labels: Vec<String> = editor
        .host
        .completion(&editor.path, use_site)
        .into_iter()
        .map(|c| c.label)
        .collect();
    insta::assert_snapshot!(hover.markdown);
    assert_eq!(
        &GROUPS[definition.span.range()],
        "public_domicile",
        "{definition:?}"
    );
    assert!(
        definition.span.start < GROUPS.find("dispositif").unwrap() as u32,
        "{definition:?}"
    );
    assert!(labels.iter().any(|l| l == "public_domicile"), "{labels:?}");
    let messy = GROUPS
        .replace(
            "\n  conditions public_domicile\n    source",
            "\n      conditions public_domicile\n          source",
        )
        .replace("groupe de conditions", "groupe  de   conditions");
    let formatted = socle_grammar::format::format(&messy).unwrap();
    assert_eq!(formatted, GROUPS);
    assert_eq!(
        socle_grammar::format::format(&formatted).unwrap(),
        formatted
    );
}
