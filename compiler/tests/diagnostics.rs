//! One case per diagnostic code: the input and the rendered diagnostics, snapshotted together.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{check, check_files};

/// Shared vocabulary for the cases below.
const DOSSIER: &str = r#"énumération lieu_de_vie : domicile | ehpad | usld
énumération situation : seul | couple
énumération prestation : pch | actp | apa

structure personne
  date_naissance : date
  gir : entier
  ressources_mensuelles : montant €/mois
  situation_familiale : situation
  lieu_de_vie : lieu_de_vie
  domicile_secours : texte?
  prestations : liste de prestation
  inaptitude_travail : booléen
  taux_incapacite : taux

entrée date_demande : date
entrée demandeur : personne
"#;

fn with_dossier(src: &str) -> String {
    check_files(
        &[
            ("regles/dossier.socle", DOSSIER),
            ("regles/main.socle", src),
        ],
        "regles",
    )
}

#[test]
fn ok_complete_program() {
    insta::assert_snapshot!(with_dossier(
        r#"paramètre mtp : montant €/mois
  source "CSS L355-1"
  à partir du 2023-04-01 : 1210,90 €
  à partir du 2024-04-01 : 1266,60 €

paramètre coefficient_gir : table entier -> décimal
  à partir du 2024-01-01 : 1 => 1,615  2 => 1,306  3 => 0,944  4 => 0,630

barème participation_amc : tranches sur montant €/mois -> montant €/heure
  colonnes situation
  à partir du 2004-01-01 :
    tranche 1 : seul [0 € ; 755 €[      couple [0 € ; 1311 €[     => 1,62 €
    tranche 2 : seul [755 € ; ∞[        couple [1311 € ; ∞[       => 2,27 €

fonction calcul_participation(plan : montant €/mois, ressources : montant €/mois) : montant €/mois
  soit s1 = 0,725 × mtp
  soit x = (ressources - s1) / (2,67 × mtp - s1)
  résultat si ressources <= s1 alors 0 € sinon arrondi(plan × 90 % × x, au centime)

valeur age_minimum : durée = 65 ans
  sauf si demandeur.inaptitude_travail : 60 ans
  sauf si demandeur.taux_incapacite >= 80 % : 60 ans

dispositif apa_domicile "Allocation personnalisée d'autonomie à domicile"
  condition age : âge(demandeur.date_naissance, date_décision) >= age_minimum
  condition gir_eligible : demandeur.gir dans 1..4
    message "GIR {demandeur.gir}"
  condition a_domicile : demandeur.lieu_de_vie = domicile
  condition non_cumul : non (demandeur.prestations contient un de {pch, actp})
  valeur plafond : montant €/mois = arrondi(coefficient_gir[demandeur.gir] × mtp, au centime)
  soit brut = min(1000 €, plafond)
  valeur participation : montant €/mois = calcul_participation(brut, demandeur.ressources_mensuelles)
  valeur montant : montant €/mois = brut - participation
  valeur participation_menage : montant €/heure =
      participation_amc(demandeur.ressources_mensuelles, demandeur.situation_familiale)
  valeur tranche_menage : entier =
      tranche(participation_amc, demandeur.ressources_mensuelles, demandeur.situation_familiale)

dispositif aide_menagere "Aide ménagère"
  condition pas_apa : non apa_domicile.éligible
  valeur reste : montant €/mois = si apa_domicile.éligible alors apa_domicile.montant sinon 0 €

cumul apa_domicile exclut aide_menagere
"#
    ));
}

#[test]
fn ok_imports_and_qualified_names() {
    insta::assert_snapshot!(check_files(
        &[
            (
                "national/lib.socle",
                "énumération gir_type : un | deux\n\nentrée beneficiaire : personne\n\nstructure personne\n  age : entier\n  niveau : gir_type\n\nparamètre seuil : entier\n  à partir du 2020-01-01 : 60\n\nfonction double(x : entier) : entier\n  résultat x * 2\n",
            ),
            (
                "val-doise/main.socle",
                "importe national\n\ndispositif aide \"Aide\"\n  condition age : beneficiaire.age >= national.seuil au 2021-01-01\n  condition niveau : beneficiaire.niveau = deux\n  valeur double : entier = national.double(beneficiaire.age)\n",
            ),
        ],
        "val-doise"
    ));
}

#[test]
fn e0001_syntax_error_keeps_other_declarations() {
    insta::assert_snapshot!(check(
        "valeur a : entier = (1 +\n\nvaleur b : entier = inconnu\n"
    ));
}

#[test]
fn e0101_unknown_name_with_suggestion() {
    insta::assert_snapshot!(with_dossier(
        "valeur plafond : montant €/mois = 100 €\n\nvaleur x : montant €/mois = plafnod + 1 €\n\nvaleur y : entier = demandeurr.gir\n"
    ));
}

#[test]
fn e0102_unknown_field_output_variant() {
    insta::assert_snapshot!(with_dossier(
        r#"dispositif apa "APA"
  condition gir : demandeur.gri dans 1..4
  condition lieu : demandeur.lieu_de_vie = domicle
  valeur montant : montant €/mois = 10 €

dispositif autre "Autre"
  valeur x : montant €/mois = apa.montnat
"#
    ));
}

#[test]
fn e0103_duplicate_definition() {
    insta::assert_snapshot!(check(
        "valeur a : entier = 1\n\nvaleur a : entier = 2\n\ndispositif d \"D\"\n  valeur x : entier = 1\n  valeur x : entier = 2\n"
    ));
}

#[test]
fn e0104_missing_import() {
    insta::assert_snapshot!(check("importe nationale\n\nvaleur a : entier = 1\n"));
}

#[test]
fn e0105_import_cycle() {
    insta::assert_snapshot!(check_files(
        &[
            ("a/main.socle", "importe b\n\nvaleur x : entier = 1\n"),
            ("b/main.socle", "importe a\n\nvaleur y : entier = 2\n"),
        ],
        "a"
    ));
}

#[test]
fn e0106_wrong_kind_of_name() {
    insta::assert_snapshot!(with_dossier(
        r#"paramètre mtp : montant €/mois
  à partir du 2024-01-01 : 1000 €

valeur a : entier = demandeur

valeur b : montant €/mois = mtp(3)

valeur c : montant €/mois = mtp[2]

valeur d : entier = personne
"#
    ));
}

/// `au` applies to any expression but a dispositif's eligibility or outputs, and wants a date.
#[test]
fn e0106_au_reads_a_dispositif() {
    insta::assert_snapshot!(with_dossier(
        r#"dispositif d "D"
  condition c : demandeur.gir dans 1..4
  valeur v : entier = demandeur.gir

valeur ok : entier = (demandeur.gir + 1) au date_demande

valeur a : booléen = d.éligible au date_demande

valeur b : entier = (d.v + 1) au date_demande

valeur e : entier = demandeur.gir au 3
"#
    ));
}

#[test]
fn e0201_unit_mismatch() {
    insta::assert_snapshot!(check(
        "valeur a : montant €/mois = 10 €/mois + 5 %\n\nvaleur b : booléen = 2024-01-01 < 10 €\n\nvaleur c : durée = 3 jours + 2 mois\n\nvaleur d : montant = 10 €/mois + 10 €/an\n"
    ));
}

#[test]
fn e0202_declared_type_differs() {
    insta::assert_snapshot!(check(
        "valeur a : montant €/mois = 10 %\n\nvaleur b : montant €/mois = 10 €/an\n\nvaleur ok : montant €/mois = 10 €\n"
    ));
}

#[test]
fn e0203_wrong_arguments() {
    insta::assert_snapshot!(check(
        "fonction f(x : entier) : entier\n  résultat x + 1\n\nvaleur a : entier = f(1, 2)\n\nvaleur b : entier = f(2 €)\n\nvaleur c : montant = min(1 €)\n\nvaleur d : montant €/mois = mensuel(10 €/mois)\n"
    ));
}

#[test]
fn e0204_condition_not_boolean() {
    insta::assert_snapshot!(check(
        "condition c : 1 + 2\n\nvaleur v : entier = si 3 alors 1 sinon 2\n\nvaleur w : entier = 1\n  sauf si 4 : 2\n"
    ));
}

#[test]
fn e0205_bad_constant() {
    insta::assert_snapshot!(check(
        "paramètre p : montant €/mois\n  à partir du 2024-01-01 : 10 %\n\nparamètre q : entier\n  à partir du 2024-01-01 : 1 + 1\n\nparamètre t : table entier -> décimal\n  à partir du 2024-01-01 : \"a\" => 1,5\n"
    ));
}

#[test]
fn e0301_definition_cycle() {
    insta::assert_snapshot!(check(
        "valeur a : entier = b + 1\n\nvaleur b : entier = c + 1\n\nvaleur c : entier = a + 1\n\nfonction f(x : entier) : entier\n  résultat g(x)\n\nfonction g(x : entier) : entier\n  résultat f(x)\n"
    ));
}

#[test]
fn e0301_cycle_through_cumul_rules() {
    insta::assert_snapshot!(check(
        "dispositif a \"A\"\n  condition c : vrai\n\ndispositif b \"B\"\n  condition c : vrai\n\ndispositif c \"C\"\n  condition c : vrai\n\ncumul a exclut b\n\ncumul b exclut c\n\ncumul c exclut a\n"
    ));
}

#[test]
fn e0401_overlapping_versions() {
    insta::assert_snapshot!(check(
        "paramètre p : entier\n  à partir du 2020-01-01 jusqu'au 2024-06-30 : 1\n  à partir du 2024-01-01 : 2\n\nparamètre q : entier\n  à partir du 2020-01-01 : 1\n  à partir du 2020-01-01 : 2\n"
    ));
}

#[test]
fn e0402_gap_between_tranches() {
    insta::assert_snapshot!(check(
        "énumération situation : seul | couple\n\nbarème b : tranches sur montant €/mois -> montant €/heure\n  colonnes situation\n  à partir du 2004-01-01 :\n    tranche 1 : seul [0 € ; 754 €]      couple [0 € ; 1311 €[  => 1,62 €\n    tranche 2 : seul [755 € ; ∞[        couple [1311 € ; ∞[    => 2,27 €\n"
    ));
}

#[test]
fn e0403_overlapping_tranches() {
    insta::assert_snapshot!(check(
        "barème b : tranches sur entier -> entier\n  à partir du 2004-01-01 :\n    tranche 1 : [0 ; 10]  => 1\n    tranche 2 : [10 ; 20[ => 2\n    tranche 3 : [20 ; ∞[  => 3\n"
    ));
}

#[test]
fn e0404_malformed_bareme() {
    insta::assert_snapshot!(check(
        "énumération situation : seul | couple\n\nbarème b : tranches sur entier -> entier\n  colonnes situation\n  à partir du 2004-01-01 :\n    tranche 1 : seul [0 ; 10[  => 1\n    tranche 1 : seul [10 ; 20[ couple [0 ; 5[ => 2\n    tranche 3 : seul [30 ; 20[ couple [5 ; 9[ => 3\n    tranche 4 : seul [30 ; 40[ trio [5 ; 9[ => 3\n\nbarème c : tranches sur entier -> entier\n  colonnes entier\n  à partir du 2004-01-01 :\n    tranche 1 : [0 ; ∞[ => 1\n"
    ));
}

#[test]
fn e0405_duplicate_table_key_and_w0406_missing_variants() {
    insta::assert_snapshot!(check(
        "énumération gir : un | deux | trois\n\nparamètre t : table entier -> entier\n  à partir du 2024-01-01 : 1 => 10  2 => 20  1 => 30\n\nparamètre u : table gir -> entier\n  à partir du 2024-01-01 : un => 1  deux => 2\n"
    ));
}

#[test]
fn e0601_contradictory_cumul_rules() {
    insta::assert_snapshot!(check(
        "dispositif a \"A\"\n  condition c : vrai\n\ndispositif b \"B\"\n  condition c : vrai\n\ncumul a exclut b\n\ncumul a cumulable avec b\n\ncumul b exclut a\n\ncumul a exclut a\n"
    ));
}

#[test]
fn e0602_e0603_w0604_payment_conditions() {
    insta::assert_snapshot!(check(
        "dispositif sans_montant \"A\"\n  condition c : vrai\n  valeur montant : montant €/mois = 30 €/mois\n  condition de versement seuil : montant >= 35 €/mois\n\ndispositif heures \"B\"\n  condition c : vrai\n  valeur versée heures : décimal = 12\n  condition de versement minimum : heures >= 2\n\ndispositif toujours_verse \"C\"\n  condition c : vrai\n  valeur versée montant : montant €/mois = 30 €/mois\n\ndispositif correct \"D\"\n  condition c : vrai\n  valeur versée montant : montant €/mois = 30 €/mois\n  condition de versement seuil : montant >= 35 €/mois\n"
    ));
}

/// Bug fixed: a condition, a message or an exception condition that reads an untyped `soit`
/// written after it was typed first, and failed with « erreur interne : type en erreur ».
#[test]
fn untyped_soit_after_the_conditions_that_read_it() {
    let out = check(
        "structure personne\n  gir : entier\n\nentrée demandeur : personne\n\ndispositif d \"D\"\n  condition gir_ok : demandeur.gir <= seuil\n    message \"seuil {autre}\"\n  valeur v : entier = 1\n    sauf si demandeur.gir > plus_tard : 2\n  soit seuil = 4\n  soit autre = seuil + 1\n  soit plus_tard = 5\n",
    );
    assert!(out.ends_with("=== diagnostics\n(aucun)\n"), "{out}");
}

#[test]
fn w0501_unused_definitions() {
    insta::assert_snapshot!(check(
        "valeur jamais : entier = 1\n\nfonction f(x : entier, y : entier) : entier\n  soit inutile = 3\n  résultat x\n\ndispositif d \"D\"\n  soit interne = 2\n  valeur v : entier = f(1, 2)\n"
    ));
}

#[test]
fn w0501_not_reported_in_libraries() {
    insta::assert_snapshot!(check("valeur bibliotheque : entier = 1\n"));
}

#[test]
fn w0702_same_exception_condition() {
    insta::assert_snapshot!(check(
        "valeur a : entier = 1\n  sauf si vrai   et faux : 2\n  sauf si vrai et faux : 2\n"
    ));
}

#[test]
fn e0703_same_condition_different_values() {
    insta::assert_snapshot!(check(
        "valeur a : entier = 1\n  sauf si vrai   et faux : 2\n  sauf si vrai et faux : 3\n"
    ));
}

/// Siblings are compared, at every level; an exception and its refinement are not siblings.
#[test]
fn w0704_siblings_that_may_both_apply() {
    insta::assert_snapshot!(with_dossier(
        r#"valeur recuperation : booléen = vrai
  sauf si demandeur.inaptitude_travail : faux
    sauf si demandeur.gir dans 1..2 : vrai
    sauf si demandeur.gir = 2 : faux
  sauf si demandeur.taux_incapacite >= 80 % : faux
  sauf si demandeur.situation_familiale = couple : vrai
"#
    ));
}

/// Nested exceptions, and siblings the checker knows to be exclusive: no diagnostic.
#[test]
fn ok_nested_and_exclusive_exceptions() {
    insta::assert_snapshot!(with_dossier(
        r#"valeur recuperation : booléen = vrai
  sauf si demandeur.inaptitude_travail : faux
    sauf si demandeur.gir dans 1..2 : vrai
    sauf si demandeur.gir dans {3, 4} : faux
    sauf si demandeur.gir >= 5 et demandeur.situation_familiale = seul : vrai
      sauf si demandeur.taux_incapacite < 50 % : faux
      sauf si demandeur.taux_incapacite >= 50 % : vrai
  sauf si non demandeur.inaptitude_travail et demandeur.situation_familiale = couple : vrai

valeur plafond : montant €/mois = 1000 €/mois
  sauf si demandeur.lieu_de_vie = domicile : 900 €/mois
  sauf si demandeur.lieu_de_vie ≠ domicile et demandeur.gir < 3 : 800 €/mois
  sauf si demandeur.lieu_de_vie = domicile et demandeur.date_naissance < 1950-01-01 : 900 €/mois
"#
    ));
}

#[test]
fn e0302_expression_too_deep_after_inlining() {
    // Each function nests its callee 40 levels deep; inlined, the chain exceeds 256 levels.
    let ones = " + 1".repeat(40);
    let mut src = format!("fonction f0(x : entier) : entier\n  résultat x{ones}\n\n");
    for k in 1..8 {
        src.push_str(&format!(
            "fonction f{k}(x : entier) : entier\n  résultat f{}(x){ones}\n\n",
            k - 1
        ));
    }
    src.push_str("dispositif d \"D\"\n  valeur v : entier = f7(1)\n");
    let mut ws = common::Workspace::new(&[("regles/main.socle", &src)]);
    let r = ws.load("regles");
    // `check` lowers too: a ruleset it accepts is one `decide` can use.
    let checked = ws.session.check(r);
    let (program, diags) = ws.session.compile(r);
    assert!(program.is_none());
    let codes = |ds: &[socle_compiler::Diagnostic]| ds.iter().map(|d| d.code).collect::<Vec<_>>();
    assert_eq!(codes(&checked), codes(&diags));
    let out = ws.strip(&ws.session.render(&diags, false));
    insta::assert_snapshot!(out);
}

#[test]
fn json_form_of_a_diagnostic() {
    let mut ws = common::Workspace::new(&[("regles/main.socle", "valeur é : entier = 1 + vrai\n")]);
    let r = ws.load("regles");
    let diags = ws.session.check(r);
    let json: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| ws.session.diagnostic_json(d))
        .collect();
    let text = ws.strip(&serde_json::to_string_pretty(&json).unwrap());
    insta::assert_snapshot!(text);
}

#[test]
fn never_panics_on_garbage() {
    for src in [
        "",
        "\u{0}\u{1}",
        "valeur",
        "valeur a : = ",
        "dispositif",
        "barème b : tranches sur entier -> entier\n  à partir du 2004-01-01 :\n    tranche 1 : [9999999999999999999999999999 ; 1] => 1\n",
        "valeur a : durée = 9223372036854775807 ans\n",
        "cumul a exclut a\n",
        "importe regles\n",
        "valeur a : entier = a\n",
    ] {
        let _ = check(src);
    }
}

#[test]
fn e0105_self_import() {
    insta::assert_snapshot!(check("importe regles\n\nvaleur a : entier = 1\n"));
}

#[test]
fn set_file_text_updates_diagnostics_and_adds_new_files() {
    let mut ws = common::Workspace::new(&[("regles/a.socle", "valeur a : entier = 1\n")]);
    let r = ws.load("regles");
    assert!(ws.session.check(r).is_empty());
    let a = ws.root.join("regles/a.socle");
    ws.session
        .set_file_text(&a, "valeur a : entier = b\n".to_owned());
    let codes: Vec<&str> = ws.session.check(r).iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0101"]);
    let b = ws.root.join("regles/b.socle");
    ws.session
        .set_file_text(&b, "valeur b : entier = 2\n".to_owned());
    assert!(ws.session.check(r).is_empty());
}

/// `é` and `â` typed decomposed (letter + combining accent, as some editors and PDF copies
/// produce) are the same names as typed precomposed: `début` resolves, and `âge` is the
/// built-in (it was « fonction inconnue »). Spans stay on the bytes as written.
#[test]
fn decomposed_accents_name_the_same_thing() {
    let src = "structure personne\n  date_naissance : date\n\nentrée demandeur : personne\n\n\
               valeur de\u{301}but : date = demandeur.date_naissance\n\
               valeur a : durée = a\u{302}ge(d\u{e9}but, 2024-01-01)\n\
               valeur b : durée = \u{e2}ge(de\u{301}but, 2024-01-01) + a\n";
    let mut ws = common::Workspace::new(&[("regles/main.socle", src)]);
    let r = ws.load("regles");
    let codes: Vec<&str> = ws.session.check(r).iter().map(|d| d.code).collect();
    assert_eq!(codes, Vec::<&str>::new());
}
