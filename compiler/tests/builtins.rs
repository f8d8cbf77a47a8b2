//! The built-ins end to end: each case is compiled in a ruleset and decided, and the editor
//! offers and documents every built-in name.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use socle_compiler::ide::{DefKind, Host};

/// (declared type, expression): evaluated as an output of a dispositif.
const CASES: &[(&str, &str)] = &[
    ("durée", "jours_entre(2024-01-01, 2024-12-31)"),
    ("durée", "jours_entre(2024-03-01, 2024-02-28)"),
    ("durée", "jours_entre(date_demande, 2024-12-25)"),
    ("booléen", "jours_entre(2024-01-01, 2024-01-31) > 29 jours"),
    ("durée", "mois_entre(2024-01-31, 2024-02-29)"),
    ("durée", "âge(1938-04-12, 2024-04-11)"),
    ("entier", "min(3, 1, 2)"),
    ("montant €/mois", "plafond(120 €, 100 €)"),
    ("montant €/mois", "plancher(80 €, 100 €)"),
    ("montant €/mois", "mensuel(1200 €)"),
    ("entier", "année(date_decision)"),
    ("date", "début_année(date_décision)"),
];

#[test]
fn builtins_evaluate() {
    let mut src = String::from("entrée date_demande : date\n\ndispositif calcul\n");
    for (i, (ty, expr)) in CASES.iter().enumerate() {
        src.push_str(&format!("  valeur v{i} : {ty} = {expr}\n"));
    }
    let program = common::compile(&src);
    let engine = socle_runtime::Engine::new(program).unwrap();
    let dossier = engine
        .decode_str(r#"{"date_demande": "2024-11-19"}"#)
        .unwrap();
    let decision = engine
        .decide(&dossier, &socle_runtime::DecideOptions::default())
        .unwrap();
    let values = &decision.dispositifs[0].values;
    assert_eq!(values.len(), CASES.len());
    let mut out = String::new();
    for ((_, expr), v) in CASES.iter().zip(values) {
        out.push_str(&format!(
            "{expr} = {}\n",
            decision.value_json(&v.value, &v.ty)
        ));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn a_wrong_argument_count_is_a_compile_error() {
    insta::assert_snapshot!(common::check(
        "dispositif calcul\n  valeur n : durée = jours_entre(2024-01-01)\n"
    ));
}

#[test]
fn the_editor_offers_and_documents_builtins() {
    let mut host = Host::new();
    // Only in memory: the directory is never created.
    let path = std::env::temp_dir()
        .join(format!("socle-builtins-{}", std::process::id()))
        .join("calcul.socle");
    let text = "# jours_entre\ndispositif calcul\n  valeur n : durée = jours_entre(2024-01-01, 2024-02-01)\n";
    host.set_file(&path, text.to_owned()).unwrap();
    let offset = text.rfind("jours_entre").unwrap() + 3;
    let items = host.completion(&path, offset);
    let item = items.iter().find(|i| i.label == "jours_entre").unwrap();
    assert_eq!(item.kind, Some(DefKind::Function));
    let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let hover = host.hover(&path, offset, today).unwrap();
    assert_eq!(&text[hover.span.range()], "jours_entre");
    // In a comment, the word is not the built-in.
    assert!(host.hover(&path, 3, today).is_none());
    let date = items.iter().find(|i| i.label == "date_décision").unwrap();
    // The signature is the item's detail; what it is and does, its documentation.
    assert!(item.detail.starts_with("jours_entre("), "{}", item.detail);
    let documented = |i: &socle_compiler::ide::CompletionItem| {
        i.documentation.clone().unwrap_or_else(|| i.detail.clone())
    };
    insta::assert_snapshot!(format!(
        "{}\n{}\n---\n{}",
        documented(item),
        documented(date),
        hover.markdown
    ));
}
