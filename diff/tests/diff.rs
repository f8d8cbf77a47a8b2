//! Two versions of a small ruleset that differ by one ceiling: exactly the changed dossiers,
//! the cost computed by hand, and the parameter version named as the cause; the same diff
//! with the version before read from a git revision of a temporary repository.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::Command;

mod common;

use common::{copy_changed, rulesets, GIR_1_RAISED};
use socle_diff::{compile_dir, diff, Options, Report, Source, Status};

/// A ruleset `aide` whose ceiling and amount come from the ruleset it imports, `commun`.
const AIDE: &str = r#"importe commun

structure personne
  ressources_mensuelles : montant €/mois

## Date de la demande ; c'est aussi la date de décision.
entrée date_demande : date
  source "essai"

entrée demandeur : personne
  source "essai"

dispositif aide "Aide d'essai"
  source "essai"

  condition ressources_sous_plafond : demandeur.ressources_mensuelles <= commun.plafond_ressources
    message "ressources {demandeur.ressources_mensuelles} ; plafond {commun.plafond_ressources}"
    source "essai"

  valeur montant : montant €/mois = commun.plafond_ressources - demandeur.ressources_mensuelles
    source "essai"
"#;

fn commun(ceiling: &str) -> String {
    format!(
        r#"## Plafond de ressources de l'aide.
paramètre plafond_ressources : montant €/mois
  à partir du 2024-01-01 : {ceiling} €/mois
    source "essai"
"#
    )
}

fn write_version(root: &Path, ceiling: &str) {
    std::fs::create_dir_all(root.join("aide")).unwrap();
    std::fs::create_dir_all(root.join("commun")).unwrap();
    std::fs::write(root.join("aide/aide.socle"), AIDE).unwrap();
    std::fs::write(root.join("commun/commun.socle"), commun(ceiling)).unwrap();
}

/// Resources 500, 1 050, 1 200, 900, 1 000, then a line that is not a dossier.
const DOSSIERS: &str = r#"{"date_demande": "2024-06-01", "demandeur": {"ressources_mensuelles": "500"}}
{"date_demande": "2024-06-01", "demandeur": {"ressources_mensuelles": "1050"}}
{"date_demande": "2024-06-01", "demandeur": {"ressources_mensuelles": "1200"}}
{"date_demande": "2024-06-01", "demandeur": {"ressources_mensuelles": "900"}}

{"date_demande": "2024-06-01", "demandeur": {"ressources_mensuelles": "1000"}}
pas du JSON
"#;

fn run(before: &Source, after: &Source) -> Report {
    let options = Options {
        examples: 100,
        before_label: "avant".into(),
        after_label: "après".into(),
        ..Options::default()
    };
    diff(
        &before.compile().unwrap(),
        &after.compile().unwrap(),
        &mut DOSSIERS.as_bytes(),
        &options,
    )
    .unwrap()
}

/// The ceiling goes from 1 000 to 1 100 €/mois.
fn check_ceiling_report(report: &Report) {
    assert_eq!(report.dossiers, 6);
    assert_eq!(report.compares, 5);
    assert_eq!(report.invalides, 1);
    assert_eq!(report.lignes_invalides[0].ligne, 7);
    assert_eq!(report.modifies, 4);
    let aide = &report.dispositifs[0];
    assert_eq!(aide.id, "aide");
    assert_eq!((aide.eligibles_avant, aide.eligibles_apres), (3, 4));
    assert_eq!(aide.devenus_eligibles, 1);
    assert_eq!(aide.devenus_non_eligibles, 0);
    // Lines 1, 2, 4 and 6: the dossier at 1 200 stays refused; line 5 is blank.
    let lines: Vec<u64> = aide.exemples.iter().map(|e| e.ligne).collect();
    assert_eq!(lines, [1, 2, 4, 6]);
    assert_eq!(aide.exemples[1].avant.statut, Status::NonEligible);
    assert_eq!(aide.exemples[1].apres.statut, Status::Eligible);
    // By hand: +100 (500), +50 (0 → 1 100 − 1 050), +100 (900), +100 (1 000: 0 → 100).
    let montant = aide.montant.as_ref().unwrap();
    assert_eq!(montant.unite, "€/mois");
    assert_eq!(montant.modifies, 4);
    assert_eq!((montant.hausses, montant.baisses), (4, 0));
    assert_eq!(montant.min.as_deref(), Some("50.00"));
    assert_eq!(montant.mediane.as_deref(), Some("100.00"));
    assert_eq!(montant.max.as_deref(), Some("100.00"));
    assert_eq!(montant.total_mensuel.as_deref(), Some("350.00"));
    assert_eq!(montant.total_annuel.as_deref(), Some("4200.00"));
    let ecarts: Vec<&str> = aide
        .exemples
        .iter()
        .map(|e| e.ecart.as_deref().unwrap())
        .collect();
    assert_eq!(ecarts, ["100.00", "50.00", "100.00", "100.00"]);
    // One cause for all four: the parameter version that changed.
    assert_eq!(aide.causes.len(), 1);
    assert_eq!(aide.causes[0].dossiers, 4);
    assert_eq!(
        aide.causes[0].cause,
        "paramètre commun.plafond_ressources, version du 2024-01-01"
    );
    for e in &aide.exemples {
        assert_eq!(e.cause.nature, "parametre");
        assert_eq!(e.cause.element, "commun.plafond_ressources");
        assert_eq!(e.cause.version.unwrap().to_string(), "2024-01-01");
        assert_eq!(e.cause.avant.as_deref(), Some("1 000,00 €/mois"));
        assert_eq!(e.cause.apres.as_deref(), Some("1 100,00 €/mois"));
    }
}

#[test]
fn one_ceiling_changes_exactly_the_dossiers_it_should_and_names_itself() {
    let dir = tempfile::tempdir().unwrap();
    write_version(&dir.path().join("avant"), "1000");
    write_version(&dir.path().join("apres"), "1100");
    let before = Source::Dir(dir.path().join("avant/aide"));
    let after = Source::Dir(dir.path().join("apres/aide"));
    let report = run(&before, &after);
    check_ceiling_report(&report);
    insta::assert_snapshot!("texte", socle_diff::text::render(&report));
    insta::assert_json_snapshot!("json", report);

    // `--date`: before the only version of the ceiling, neither version can decide.
    let options = Options {
        date: chrono::NaiveDate::from_ymd_opt(2023, 6, 1),
        ..Options::default()
    };
    let (b, a) = (before.compile().unwrap(), after.compile().unwrap());
    let early = diff(&b, &a, &mut DOSSIERS.as_bytes(), &options).unwrap();
    assert_eq!((early.compares, early.modifies), (5, 0));
    assert_eq!(early.dispositifs[0].eligibles_avant, 0);

    // Nothing changes between a version and itself.
    let same = run(&before, &before);
    assert_eq!(same.modifies, 0);
    assert!(same.dispositifs.iter().all(|d| d.exemples.is_empty()));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Essai",
            "-c",
            "user.email=essai@example.org",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn the_version_before_is_read_from_a_git_revision_with_its_imports() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    write_version(&repo.join("regles"), "1000");
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "plafond 1000"]);
    // Only the imported ruleset changes: reading `aide` at HEAD~1 must read `commun` there too.
    write_version(&repo.join("regles"), "1100");
    git(repo, &["commit", "-q", "-am", "plafond 1100"]);
    // The work tree moves on afterwards: a revision is read from git, not from the disk.
    write_version(&repo.join("regles"), "5000");

    let aide = repo.join("regles/aide");
    let before = Source::parse(&format!("{}@HEAD~1", aide.display()));
    let after = Source::parse(&format!("{}@HEAD", aide.display()));
    assert!(matches!(before, Source::Git { .. }));
    let report = run(&before, &after);
    check_ceiling_report(&report);

    let unknown = Source::parse(&format!("{}@pas-une-revision", aide.display()));
    let error = unknown.compile().err().unwrap().to_string();
    assert!(error.contains("révision inconnue"), "{error}");
    let outside = tempfile::tempdir().unwrap();
    write_version(outside.path(), "1000");
    let not_git = Source::parse(&format!("{}@HEAD", outside.path().join("aide").display()));
    let error = not_git.compile().err().unwrap().to_string();
    assert!(error.contains("n'est pas dans un dépôt git"), "{error}");
}

#[test]
fn a_ruleset_that_does_not_compile_is_an_error_not_a_report() {
    let dir = tempfile::tempdir().unwrap();
    write_version(dir.path(), "mille");
    let error = compile_dir(&dir.path().join("aide"), "cassé")
        .err()
        .unwrap();
    assert!(error.to_string().contains("ne compile pas"), "{error}");
}

#[test]
fn the_report_is_the_same_whatever_the_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    // Two changes, so that several causes and dispositifs are involved.
    copy_changed(
        dir.path(),
        &["val-doise", "national"],
        &[GIR_1_RAISED, ("4 => 0,630", "4 => 0,6")],
    );
    let before = compile_dir(&rulesets().join("val-doise"), "avant").unwrap();
    let after = compile_dir(&dir.path().join("val-doise"), "après").unwrap();
    // More than one batch, with a few invalid lines in the middle.
    let mut population = socle_diff::population::generate(before.program(), 5000, 11);
    population.push_str("{\"date_demande\": 3}\n\n");
    population.push_str(&socle_diff::population::generate(before.program(), 500, 12));
    let run = |threads: usize| {
        let options = Options {
            threads,
            examples: 50,
            ..Options::default()
        };
        diff(&before, &after, &mut population.as_bytes(), &options).unwrap()
    };
    let one = run(1);
    assert!(
        one.modifies > 100 && one.invalides == 1,
        "{} {}",
        one.modifies,
        one.invalides
    );
    for threads in [2, 3, 8] {
        assert_eq!(run(threads), one, "{threads} threads");
    }
}

/// A ruleset whose amount comes from a barème on resources.
fn bareme_ruleset(second_bound: &str) -> String {
    format!(
        r#"structure personne
  ressources_mensuelles : montant €/mois

## Date de la demande.
entrée date_demande : date
  source "essai"

entrée demandeur : personne
  source "essai"

## Aide mensuelle par tranche de ressources.
barème aide_par_tranche : tranches sur montant €/mois -> montant €/mois
  source "essai"
  à partir du 2024-01-01 :
    tranche 1 : [0 € ; {second_bound} €[ => 300 €/mois
    tranche 2 : [{second_bound} € ; ∞[ => 100 €/mois

dispositif aide "Aide d'essai"
  source "essai"

  valeur montant : montant €/mois = aide_par_tranche(demandeur.ressources_mensuelles)
    source "essai"
"#
    )
}

#[test]
fn a_moved_tranche_bound_is_named_with_the_tranches_before_and_after() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bound) in [("avant", "800"), ("apres", "900")] {
        let path = dir.path().join(name).join("aide");
        std::fs::create_dir_all(&path).unwrap();
        std::fs::write(path.join("aide.socle"), bareme_ruleset(bound)).unwrap();
    }
    let before = Source::Dir(dir.path().join("avant/aide"));
    let after = Source::Dir(dir.path().join("apres/aide"));
    let report = run(&before, &after);
    let aide = &report.dispositifs[0];
    // Only resources in [800, 900[ change tranche: none of 500, 900, 1 000, 1 050, 1 200.
    assert_eq!(aide.modifies, 0);

    // 850 €/mois moves from tranche 2 to tranche 1.

    let dossiers =
        "{\"date_demande\": \"2024-06-01\", \"demandeur\": {\"ressources_mensuelles\": \"850\"}}\n";
    let report = diff(
        &before.compile().unwrap(),
        &after.compile().unwrap(),
        &mut dossiers.as_bytes(),
        &Options::default(),
    )
    .unwrap();
    let change = &report.dispositifs[0].exemples[0];
    assert_eq!(change.ecart.as_deref(), Some("200.00"));
    assert_eq!(change.cause.nature, "bareme");
    assert_eq!(change.cause.element, "aide.aide_par_tranche");
    assert_eq!(
        change.cause.avant.as_deref(),
        Some("tranche 2 : 100,00 €/mois")
    );
    assert_eq!(
        change.cause.apres.as_deref(),
        Some("tranche 1 : 300,00 €/mois")
    );
    assert_eq!(
        report.dispositifs[0].causes[0].cause,
        "barème aide.aide_par_tranche, version du 2024-01-01"
    );
}
