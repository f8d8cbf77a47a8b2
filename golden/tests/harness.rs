//! The golden-test harness on the fixture ruleset of `tests/corpus/golden/fixture`: a passing
//! run, a failing case, a snapshot drift, malformed case files, coverage numbers, JUnit, and a
//! mutation of the barème that the cases must catch. Tests that change files work on a copy.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use socle_compiler::Session;
use socle_golden::report;
use socle_golden::snapshot::{snapshot_path, SnapshotStatus};
use socle_golden::suite::{check_cases, test_ruleset, Options, RulesetOutcome};
use socle_golden::Failure;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus/golden/fixture")
        .canonicalize()
        .unwrap()
}

/// A private copy of the fixture, removed when dropped.
struct Copy(PathBuf);

impl Copy {
    fn new(tag: &str) -> Copy {
        let dir = std::env::temp_dir()
            .join(format!("socle-golden-{tag}-{}", std::process::id()))
            .join("fixture");
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&fixture(), &dir);
        Copy(dir)
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.0.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} ne contient pas {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        if let Some(parent) = self.0.parent() {
            let _ = std::fs::remove_dir_all(parent);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn run(dir: &Path, options: &Options) -> RulesetOutcome {
    let mut session = Session::new();
    let ruleset = session.load_ruleset_dir(dir).unwrap();
    test_ruleset(&mut session, ruleset, dir, options)
}

/// Reports name files by path: the fixture's place differs between machines and copies.
fn redact(text: &str, dir: &Path) -> String {
    text.replace(&dir.display().to_string(), "<fixture>")
}

#[test]
fn the_fixture_passes() {
    let dir = fixture();
    let outcome = run(&dir, &Options::default());
    assert_eq!((outcome.passed(), outcome.failed()), (6, 0));
    let text = report::human(std::slice::from_ref(&outcome), false);
    assert!(text.ends_with("6 passed, 0 failed\n"), "{text}");
    insta::assert_snapshot!(redact(&text, &dir));
}

#[test]
fn a_wrong_expectation_fails_and_names_the_value_with_its_trace() {
    let copy = Copy::new("failing");
    copy.edit(
        "tests/cases.toml",
        "montant = \"120.00\" }",
        "montant = \"121.00\" }",
    );
    let outcome = run(&copy.0, &Options::default());
    assert_eq!((outcome.passed(), outcome.failed()), (5, 1));
    let failed = outcome.results.iter().find(|r| !r.passed()).unwrap();
    assert_eq!(failed.name, "seul-tranche-1-2024");
    let Failure::Value {
        dispositif,
        name,
        expected,
        actual,
        trace,
    } = &failed.failures[0]
    else {
        panic!("{:?}", failed.failures);
    };
    assert_eq!(
        (&dispositif[..], &name[..], &expected[..], &actual[..]),
        ("aide", "montant", "121.00", "\"120.00\"")
    );
    assert!(trace[0].starts_with("trace : aide.montant"), "{trace:?}");
    // The snapshot still matches: the hand-written expectation alone caught it.
    assert_eq!(failed.snapshot, Some(SnapshotStatus::Matches));
    let text = report::human(std::slice::from_ref(&outcome), false);
    insta::assert_snapshot!(redact(&text, &copy.0));

    let junit = report::junit(std::slice::from_ref(&outcome));
    assert!(junit
        .contains("<testsuites name=\"socle test\" tests=\"6\" failures=\"1\" time=\"0.000\">"));
    insta::assert_snapshot!("junit", redact(&junit, &copy.0));
}

#[test]
fn a_snapshot_drift_fails_until_blessed() {
    let copy = Copy::new("drift");
    let snap = snapshot_path(&copy.0, "seul-tranche-1-2024");
    let stored = std::fs::read_to_string(&snap).unwrap();
    // Same values, another way of obtaining them: only the snapshot can see it.
    let edited = stored.replacen(
        "\"version\": \"2024-01-01\"",
        "\"version\": \"2023-01-01\"",
        1,
    );
    assert_ne!(stored, edited);
    std::fs::write(&snap, edited).unwrap();

    let outcome = run(&copy.0, &Options::default());
    assert_eq!((outcome.passed(), outcome.failed()), (5, 1));
    let failed = outcome.results.iter().find(|r| !r.passed()).unwrap();
    assert!(failed.failures.is_empty());
    let Some(SnapshotStatus::Drift { diff }) = &failed.snapshot else {
        panic!("{:?}", failed.snapshot);
    };
    let changed: Vec<String> = diff
        .lines()
        .filter(|l| l.starts_with(['-', '+']))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        changed,
        [
            "-\"version\":\"2023-01-01\",",
            "+\"version\":\"2024-01-01\","
        ],
        "{diff}"
    );

    let bless = Options {
        bless: true,
        ..Options::default()
    };
    let blessed = run(&copy.0, &bless);
    assert_eq!(blessed.failed(), 0);
    assert_eq!(std::fs::read_to_string(&snap).unwrap(), stored);
    assert_eq!(run(&copy.0, &Options::default()).failed(), 0);
}

#[test]
fn malformed_case_files_are_diagnosed_with_spans() {
    let copy = Copy::new("malformed");
    let tests = copy.0.join("tests");
    std::fs::write(
        tests.join("broken.toml"),
        "[[cas]]\nid = \"casse\"\ndate = 2024-03-01\ndossier = { date_demande = 2024-03-01\n",
    )
    .unwrap();
    std::fs::write(
        tests.join("wrong.toml"),
        r#"[[cas]]
id = "seul-tranche-1-2024"
source = "fixture"
description = "identifiant déjà pris, dispositif inconnu"
date = 2024-03-01
dossier = { date_demande = 2024-03-01, demandeur = { date_naissance = 1954-01-10, ressources = "800", situation = "seul", inaptitude = false } }
attendu.aides.eligible = true

[[cas]]
id = "types"
source = "fixture"
description = "valeur inconnue, valeurs mal typées, motif inconnu, dossier invalide"
date = 2024-03-01
dossier = { date_demande = 2024-03-01, demandeur = { date_naissance = 1954-01-10, ressources = "800", situation = "veuf", inaptitude = false } }
attendu.aide.valeurs = { montnt = "1.00", montant = "12,50", taux_participation = true }
attendu.aide.motifs_non_satisfaits = ["agee"]
attendu.aide.manquants = ["demandeur.revenus"]

[[cas]]
id = "mal forme"
source = "fixture"
description = "clé inconnue, dates incohérentes"
dates = [2024-01-01, 2024-01-01]
dossier = {}
atendu.aide.eligible = true

[[cas.par_date]]
date = 2025-01-01
attendu.aide.eligible = true
"#,
    )
    .unwrap();
    let mut session = Session::new();
    let ruleset = session.load_ruleset_dir(&copy.0).unwrap();
    let diagnostics = check_cases(&mut session, ruleset, &copy.0);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
    for code in [
        "E0801", "E0802", "E0803", "E0804", "E0805", "E0806", "E0807", "E0808", "E0809",
    ] {
        assert!(codes.contains(&code), "{code} manque : {codes:?}");
    }
    let rendered = session.render(&diagnostics, false);
    insta::assert_snapshot!(redact(&rendered, &copy.0));

    let outcome = run(&copy.0, &Options::default());
    // broken.toml and wrong.toml cannot be read entirely ("mal forme" is dropped), and the two
    // readable cases of wrong.toml are invalid; the six good runs still pass.
    assert_eq!(outcome.file_errors.len(), 2);
    assert_eq!((outcome.passed(), outcome.failed()), (6, 4));
    assert!(report::human(&[outcome], false).ends_with("6 passed, 4 failed\n"));
}

#[test]
fn coverage_of_the_fixture() {
    let outcome = run(&fixture(), &Options::default());
    let coverage = outcome.coverage.unwrap();
    assert_eq!(coverage.decisions, 6);
    // conditions both ways, tranches reached, exception branches, versions used
    assert_eq!(coverage.totals(), [(1, 2), (2, 3), (2, 2), (3, 4)]);
    let text = coverage.to_text();
    assert!(text.contains(
        "barème fixture.participation, version du 2020-01-01 : tranche 3 jamais atteinte"
    ));
    insta::assert_snapshot!(text);
    let json = coverage.to_json();
    assert_eq!(json["totaux"]["tranches"]["couverts"], 2);
    assert_eq!(json["exceptions"][0]["branches"][0]["appliquee"], 1);
}

#[test]
fn a_changed_number_in_the_bareme_is_caught() {
    let copy = Copy::new("mutation");
    copy.edit("aide.socle", "=> 50 %", "=> 40 %");
    let outcome = run(&copy.0, &Options::default());
    assert!(
        outcome.failed() >= 2,
        "{}",
        report::human(&[outcome], false)
    );
    let names: Vec<(&str, String)> = outcome
        .results
        .iter()
        .flat_map(|r| {
            r.failures
                .iter()
                .map(move |f| (r.name.as_str(), f.summary()))
        })
        .collect();
    assert!(names.contains(&(
        "couple-tranche-2-2024",
        "aide.taux_participation : attendu 0.5, obtenu \"0.4\"".into()
    )));
    assert!(names.contains(&(
        "inapte-61-ans",
        "aide.montant : attendu 60.00, obtenu \"72.00\"".into()
    )));
}

/// A `[base]` dossier, per-case overrides, `herite` and `decale_dates`, each case computed by
/// hand from the fixture; then the mistakes these keys allow.
#[test]
fn base_dossier_overrides_herite_and_shifted_dates() {
    let copy = Copy::new("base");
    std::fs::write(
        copy.0.join("tests/base.toml"),
        r#"[base]
date_demande = 2024-03-01
demandeur = { date_naissance = 1954-01-10, ressources = "800.00", situation = "seul", inaptitude = false }

[[cas]]
id = "base-telle-quelle"
source = "fixture"
description = "Le dossier commun : 70 ans, seul, 800 € : tranche 1 (0 %) ; montant = 120,00."
date = 2024-03-01

[cas.attendu.aide]
eligible = true
valeurs = { montant = "120.00" }

[[cas]]
id = "couple-2000"
source = "fixture"
description = "Couple, 2000 € : tranche 2 (50 %) ; montant = 120 × 50 % = 60,00."
date = 2024-03-01

[cas.dossier]
"demandeur.situation" = "couple"
"demandeur.ressources" = "2000.00"

[cas.attendu.aide]
eligible = true
valeurs = { montant = "60.00" }

[[cas]]
id = "herite-inapte-61-ans"
herite = "couple-2000"
source = "fixture"
description = "Le couple à 2000 €, né en 1963 (61 ans) et inapte : âge minimum 60 ans ; montant 60,00."
date = 2024-03-01

[cas.dossier]
demandeur = { date_naissance = 1963-01-10, inaptitude = true }

[cas.attendu.aide]
eligible = true
valeurs = { montant = "60.00" }

[[cas]]
id = "veille-65-ans"
source = "fixture"
description = "Né le 1959-03-02 : 64 ans au 2024-03-01 ; dates décalées de 12 mois au 2025-03-01, toujours 64 ans."
dates = [2024-03-01, 2025-03-01]
decale_dates = true

[cas.dossier]
"demandeur.date_naissance" = 1959-03-02

[cas.attendu.aide]
eligible = false
motifs_non_satisfaits = ["age"]
"#,
    )
    .unwrap();
    let options = Options {
        bless: true,
        ..Options::default()
    };
    let outcome = run(&copy.0, &options);
    let failed: Vec<String> = outcome
        .results
        .iter()
        .filter(|r| !r.failures.is_empty())
        .map(|r| format!("{} : {:?}", r.name, r.failures))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(outcome.passed(), 6 + 5);

    std::fs::write(
        copy.0.join("tests/base.toml"),
        r#"[[cas]]
id = "herite-inconnu"
herite = "personne"
source = "fixture"
description = "aucun cas de ce nom"
date = 2024-03-01
[cas.attendu.aide]
eligible = true

[[cas]]
id = "sans-dossier"
source = "fixture"
description = "ni base ni herite ni dossier"
date = 2024-03-01
decale_dates = true
[cas.attendu.aide]
eligible = true
"#,
    )
    .unwrap();
    let mut session = Session::new();
    let ruleset = session.load_ruleset_dir(&copy.0).unwrap();
    let diagnostics = check_cases(&mut session, ruleset, &copy.0);
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(&"`herite` : aucun cas « personne » plus haut dans ce fichier"),
        "{messages:?}"
    );
    assert!(
        messages
            .contains(&"ce cas n'a pas de `dossier` (ni `[base]` dans le fichier, ni `herite`)"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"`decale_dates` n'a de sens que dans un balayage (`dates = [...]`)"),
        "{messages:?}"
    );
}
