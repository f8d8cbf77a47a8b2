//! Lists end to end: list literals, lists of structures in the dossier (per-element JSON paths
//! in errors), quantifiers (`tous les`, `au moins un`, `aucun`, `nombre de … tels que`, `somme
//! de … pour chaque`) with three-valued results when an element's field is left out. Every
//! expectation is computed by hand in the comments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use socle_runtime::{DecideOptions, Engine};

const HERITIERS: &str = r#"énumération lien : conjoint | enfant | parent | autre

structure heritier
  lien : lien
  age : entier
  part : montant €

structure personne
  gir : entier
  heritiers : liste de heritier

entrée date_demande : date
entrée demandeur : personne

dispositif succession "Récupération sur succession"
  condition heritiers_connus : nombre(demandeur.heritiers) >= 1

  condition aucun_mineur : aucun h dans demandeur.heritiers ne vérifie h.age < 18

  valeur tous_proches : booléen =
      tous les h dans demandeur.heritiers vérifient h.lien dans {conjoint, enfant, parent}
  valeur un_enfant : booléen = au moins un h dans demandeur.heritiers vérifie h.lien = enfant
  valeur adultes : entier = nombre de h dans demandeur.heritiers tels que h.age >= 18
  valeur parts : montant € = somme de h.part pour chaque h dans demandeur.heritiers
  valeur parts_des_enfants : montant € =
      somme de (si h.lien = enfant alors h.part sinon 0 €) pour chaque h dans demandeur.heritiers
  valeur gir_5_ou_6 : booléen = [5, 6] contient demandeur.gir
  valeur tous_positifs : booléen = tous les x dans [1, 2,5, 3] vérifient x > 0
"#;

fn decide(engine: &Engine, dossier: &str) -> String {
    let dossier = engine.decode_str(dossier).unwrap();
    let decision = engine.decide(&dossier, &DecideOptions::default()).unwrap();
    let d = &decision.dispositifs[0];
    let mut out = format!("éligible : {:?}\n", d.eligible);
    for m in &d.motifs {
        out.push_str(&format!(
            "  {} {:?} manquants {:?}\n",
            m.id(),
            m.satisfied,
            m.missing
        ));
    }
    for v in &d.values {
        out.push_str(&format!(
            "  {} = {}\n",
            v.name,
            decision.value_json(&v.value, &v.ty)
        ));
    }
    out
}

#[test]
fn quantifiers_over_a_list_of_structures() {
    let engine = Engine::new(common::compile(HERITIERS)).unwrap();
    // Conjoint 80 ans 10 000 €, enfant 50 ans 2 500,50 €, enfant 45 ans 2 500,50 € :
    // tous proches, un enfant, 3 adultes, 15 001 € en tout, 5 001 € pour les enfants.
    let out = decide(
        &engine,
        r#"{"date_demande": "2024-11-19", "demandeur": {"gir": 5, "heritiers": [
            {"lien": "conjoint", "age": 80, "part": "10000"},
            {"lien": "enfant", "age": 50, "part": "2500.50"},
            {"lien": "enfant", "age": 45, "part": "2500.50"}]}}"#,
    );
    assert_eq!(
        out,
        r#"éligible : Some(true)
  heritiers_connus Some(true) manquants []
  aucun_mineur Some(true) manquants []
  tous_proches = true
  un_enfant = true
  adultes = 3
  parts = "15001.00"
  parts_des_enfants = "5001.00"
  gir_5_ou_6 = true
  tous_positifs = true
"#
    );
    // Un héritier « autre » de 17 ans : pas tous proches, un mineur, 0 adulte sur 1.
    let out = decide(
        &engine,
        r#"{"date_demande": "2024-11-19", "demandeur": {"gir": 3, "heritiers": [
            {"lien": "autre", "age": 17, "part": "1"}]}}"#,
    );
    assert!(out.starts_with("éligible : Some(false)\n  heritiers_connus Some(true) manquants []\n  aucun_mineur Some(false)"), "{out}");
}

#[test]
fn an_element_with_a_field_left_out_is_unknown_unless_another_settles_it() {
    let engine = Engine::new(common::compile(HERITIERS)).unwrap();
    // Le second héritier n'a pas d'âge : « aucun mineur » dépend de lui.
    let out = decide(
        &engine,
        r#"{"date_demande": "2024-11-19", "demandeur": {"gir": 5, "heritiers": [
            {"lien": "conjoint", "age": 80, "part": "1"},
            {"lien": "enfant", "part": "1"}]}}"#,
    );
    assert!(out.contains("aucun_mineur None manquants [0]"), "{out}");
    // Un mineur connu suffit : « aucun mineur » est faux quoi qu'il en soit de l'autre.
    let out = decide(
        &engine,
        r#"{"date_demande": "2024-11-19", "demandeur": {"gir": 5, "heritiers": [
            {"lien": "enfant", "part": "1"},
            {"lien": "enfant", "age": 12, "part": "1"}]}}"#,
    );
    assert!(
        out.contains("aucun_mineur Some(false) manquants []"),
        "{out}"
    );
    // Sans liste du tout, les deux conditions qui la lisent sont inconnues.
    let out = decide(
        &engine,
        r#"{"date_demande": "2024-11-19", "demandeur": {"gir": 5}}"#,
    );
    assert!(out.contains("heritiers_connus None"), "{out}");
    assert!(out.contains("aucun_mineur None"), "{out}");
}

#[test]
fn the_decoder_names_each_element_of_a_list() {
    let engine = Engine::new(common::compile(HERITIERS)).unwrap();
    let err = engine
        .read_str(
            r#"{"date_demande": "2024-11-19", "demandeur": {"gir": 5, "heritiers": [
                {"lien": "enfant", "age": 50, "part": "1"},
                {"lien": "cousin", "age": "vieux", "part": "1", "adresse": "ici"},
                "pas une structure"]}}"#,
            &socle_runtime::DecodeOptions::default(),
        )
        .unwrap_err();
    let paths: Vec<String> = err.errors.iter().map(|e| e.path().to_owned()).collect();
    assert_eq!(
        paths,
        [
            "demandeur.heritiers[1].lien",
            "demandeur.heritiers[1].age",
            "demandeur.heritiers[1].adresse",
            "demandeur.heritiers[2]",
        ]
    );
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn list_mistakes_are_compile_errors() {
    insta::assert_snapshot!(common::check(
        "structure heritier\n  age : entier\n\nentrée heritiers : liste de heritier\nentrée gir : entier\n\ndispositif d\n  valeur a : booléen = tous les h dans gir vérifient h > 0\n  valeur b : booléen = au moins un h dans heritiers vérifie h.age\n  valeur c = [1, \"deux\"]\n  valeur e : entier = somme de h pour chaque h dans heritiers\n  valeur f : booléen = aucun h dans heritiers ne vérifie h.taille > 1\n  valeur g : booléen = tous les h dans heritiers vérifient h\n"
    ));
}

#[test]
fn the_formatter_keeps_quantifiers_and_lists() {
    let messy = HERITIERS
        .replace("tous les h", "tous  les h")
        .replace("[5, 6]", "[5,  6]")
        .replace("au moins un h", "au   moins un h");
    let formatted = socle_grammar::format::format(&messy).unwrap();
    assert_eq!(
        socle_grammar::format::format(&formatted).unwrap(),
        formatted
    );
}

#[test]
fn the_editor_explains_and_offers_the_contextual_words() {
    let mut editor = common::Editor::open(HERITIERS);
    let today = chrono::NaiveDate::from_ymd_opt(2024, 11, 19).unwrap();
    let hover = |editor: &mut common::Editor, word: &str| {
        let offset = HERITIERS.find(word).unwrap() + 1;
        editor
            .host
            .hover(&editor.path, offset, today)
            .map(|h| h.markdown)
            .unwrap_or_default()
    };
    let tous = hover(&mut editor, "tous les h");
    let aucun = hover(&mut editor, "aucun h");
    let somme = hover(&mut editor, "somme de");
    assert!(tous.contains("vrai si chaque élément"), "{tous}");
    assert!(aucun.contains("aucun élément"), "{aucun}");
    assert!(somme.contains("la somme sur les éléments"), "{somme}");
    // The element's field is a field of the structure.
    let field = HERITIERS.find("h.part pour").unwrap() + 3;
    let field_hover = editor.host.hover(&editor.path, field, today).unwrap();
    assert!(
        field_hover.markdown.contains("part"),
        "{}",
        field_hover.markdown
    );
    let offset = HERITIERS.find("valeur adultes").unwrap();
    let labels: Vec<String> = editor
        .host
        .completion(&editor.path, offset)
        .into_iter()
        .map(|c| c.label)
        .collect();
    for word in [
        "tous les",
        "au moins un",
        "aucun",
        "nombre de",
        "somme de",
        "conditions",
    ] {
        assert!(labels.iter().any(|l| l == word), "{word} : {labels:?}");
    }
}

#[test]
fn the_editor_knows_a_quantifier_variable() {
    let mut editor = common::Editor::open(HERITIERS);
    let today = chrono::NaiveDate::from_ymd_opt(2024, 11, 19).unwrap();
    let binder = HERITIERS.find("aucun h").unwrap() + "aucun ".len();
    let used = HERITIERS.find("h.age < 18").unwrap();
    for offset in [binder, used] {
        let hover = editor.host.hover(&editor.path, offset, today).unwrap();
        assert!(
            hover.markdown.contains("élément de liste") && hover.markdown.contains("heritier"),
            "{}",
            hover.markdown
        );
    }
    let definition = editor.host.definition(&editor.path, used).unwrap();
    assert_eq!(definition.span.start as usize, binder);
    // Renaming it changes this quantifier only, not the `h` of the others.
    let edits = editor.host.rename(&editor.path, used, "heritier_").unwrap();
    let mut starts: Vec<usize> = edits.iter().map(|e| e.span.start as usize).collect();
    starts.sort_unstable();
    assert_eq!(starts, [binder, used]);
    // It is not an entry of the outline.
    let symbols = editor.host.document_symbols(&editor.path);
    assert!(symbols.iter().all(|s| s.name != "h"));
}
