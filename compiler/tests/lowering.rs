//! Lowering to the runtime IR: the program of a small ruleset (function inlining, automatic
//! motif messages, inputs, versions, cumul rules), and an end-to-end decision.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use socle_runtime::ir::{Expr, MessagePart};

const SMALL: &str = r#"énumération situation : seul | couple

structure personne
  date_naissance : date
  gir : entier
  situation_familiale : situation
  ressources : montant €/mois
  non_lu : texte

entrée date_demande : date
entrée demandeur : personne

paramètre plafond : montant €/mois
  à partir du 2023-01-01 : 100 €
  à partir du 2024-01-01 jusqu'au 2024-12-31 : 120 €

fonction moitie(x : montant €/mois) : montant €/mois
  soit m = x / 2
  résultat arrondi(m, au centime)

dispositif aide "Aide"
  condition age : âge(demandeur.date_naissance, date_décision) >= 60 ans
  condition gir : demandeur.gir dans 1..4
  condition seul : demandeur.situation_familiale dans {seul}
  condition ressources_ok : non (demandeur.ressources > plafond)
  valeur montant : montant €/mois = moitie(plafond) + moitie(demandeur.ressources)

dispositif secours "Secours"
  condition sans_aide : non aide.éligible
  valeur montant : montant €/mois = plafond

cumul secours subsidiaire à aide
"#;

#[test]
fn program_of_a_small_ruleset() {
    let program = common::compile(SMALL);
    insta::assert_snapshot!(format!("{program:#?}"));
}

#[test]
fn functions_are_inlined_with_fresh_slots_per_call() {
    let program = common::compile(SMALL);
    let montant = program
        .defs
        .iter()
        .find(|d| d.name == "aide.montant")
        .unwrap();
    let Expr::Binary(_, left, right) = &montant.expr else {
        panic!("{:?}", montant.expr)
    };
    let slots = |e: &Expr| match e {
        Expr::Let { slot, body, .. } => match &**body {
            Expr::Let { slot: inner, .. } => (*slot, *inner),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    assert_eq!(slots(left), (0, 1));
    assert_eq!(slots(right), (2, 3));
    assert_eq!(program.locals, 4);
}

#[test]
fn only_read_inputs_are_in_the_program() {
    let program = common::compile(SMALL);
    assert!(!program.input_paths.iter().any(|p| p.contains("non_lu")));
    assert_eq!(
        program.decision_date_input,
        Some(
            program
                .input_paths
                .iter()
                .position(|p| p == "date_demande")
                .unwrap() as u32
        )
    );
}

#[test]
fn automatic_messages() {
    let program = common::compile(SMALL);
    let aide = &program.dispositifs[0];
    let texts: Vec<String> = aide
        .conditions
        .iter()
        .map(|c| {
            c.message
                .parts
                .iter()
                .map(|p| match p {
                    MessagePart::Text(t) => t.clone(),
                    MessagePart::Value(..) => "<valeur>".to_owned(),
                    MessagePart::Choice { satisfied, failed } => format!("[{satisfied}|{failed}]"),
                    MessagePart::Shown(o) => format!("<{o:?}>"),
                })
                .collect::<String>()
        })
        .collect();
    insta::assert_snapshot!(texts.join("\n"));
}

#[test]
fn decides_a_dossier_end_to_end() {
    let program = common::compile(SMALL);
    let engine = socle_runtime::Engine::new(program).unwrap();
    let dossier = engine
        .decode_str(
            r#"{"date_demande": "2024-11-19",
                "demandeur": {"date_naissance": "1938-11-19", "gir": 3, "situation_familiale": "seul",
                              "ressources": "50.00"}}"#,
        )
        .unwrap();
    let decision = engine
        .decide(&dossier, &socle_runtime::DecideOptions::default())
        .unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&decision.to_json()).unwrap());
}

#[test]
fn imported_declarations_are_lowered_only_when_reached() {
    let program = common::compile_files(
        &[
            (
                "national/lib.socle",
                "entrée age : entier\n\nvaleur utile : entier = age + 1\n\nvaleur inutile : entier = age + 2\n",
            ),
            ("dept/main.socle", "importe national\n\ndispositif d \"D\"\n  valeur v : entier = national.utile\n"),
        ],
        "dept",
    );
    let names: Vec<&str> = program.defs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["d.v", "national.utile"]);
    assert_eq!(program.dispositifs[0].trace_defs, [1, 0]);
    assert_eq!(program.ruleset, "dept");
}

#[test]
fn every_program_name_locates_its_declaration() {
    let mut ws = common::Workspace::new(&[("regles/main.socle", SMALL)]);
    let r = ws.load("regles");
    let (program, _) = ws.session.compile(r);
    let program = program.unwrap();
    let names = program
        .defs
        .iter()
        .map(|d| d.name.clone())
        .chain(program.params.iter().map(|p| p.name.clone()))
        .chain(program.dispositifs.iter().map(|d| d.name.clone()));
    let mut located = 0;
    for name in names {
        let (path, span) = ws
            .session
            .locate(r, &name)
            .unwrap_or_else(|| panic!("{name}"));
        let text = std::fs::read_to_string(path).unwrap();
        let last = name.rsplit('.').next().unwrap();
        assert_eq!(&text[span.range()], last, "{name}");
        located += 1;
    }
    assert!(located > 5);
}
