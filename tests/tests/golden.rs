//! Every ruleset's golden cases (docs/GUIDE-TESTS.md) under `cargo test`: first the hand-written
//! expectation of each case at each date — computed from the texts, never by Socle, so these
//! tests can fail — then the decision with its trace against the insta snapshot of
//! `rulesets/<r>/tests/snapshots/`, the same files `socle test` reads.
//! `INSTA_UPDATE=always cargo test -p socle-tests --test golden` (or `cargo insta review`)
//! accepts changed snapshots.

use std::path::PathBuf;

use socle_compiler::{Session, Severity};
use socle_golden::run::run_date;
use socle_golden::snapshot::{snapshot_contents, snapshot_dir};
use socle_golden::suite::{case_file_paths, load_case_files};
use socle_golden::validate::case_diagnostics;
use socle_runtime::{Coverage, Engine};
use socle_tests::workspace_root;

/// Ruleset directories that have case files, sorted.
fn rulesets_with_cases() -> Vec<PathBuf> {
    let root = workspace_root().join("rulesets");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !case_file_paths(p).is_empty())
        .collect();
    dirs.sort();
    dirs
}

struct Snapshot {
    dir: PathBuf,
    name: String,
    contents: String,
}

#[test]
fn golden_cases_of_every_ruleset() {
    let mut failures: Vec<String> = Vec::new();
    let mut snapshots: Vec<Snapshot> = Vec::new();
    let mut val_doise_runs = 0;
    for dir in rulesets_with_cases() {
        let mut session = Session::new();
        let ruleset = session
            .load_ruleset_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let (program, diagnostics) = session.compile(ruleset);
        let errors: Vec<_> = diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let engine = match program.map(Engine::new) {
            Some(Ok(engine)) if errors.is_empty() => engine,
            _ => {
                failures.push(format!(
                    "{} ne compile pas :\n{}",
                    dir.display(),
                    session.render(&errors, false)
                ));
                continue;
            }
        };
        let (files, problems) = load_case_files(&mut session, &dir);
        for (path, diagnostics) in &problems {
            failures.push(format!(
                "{} :\n{}",
                path.display(),
                session.render(diagnostics, false)
            ));
        }
        let mut coverage = Coverage::new(engine.program());
        let cases = files.iter().flat_map(|f| &f.cases);
        for (case, diagnostics) in cases.zip(case_diagnostics(&engine, &files)) {
            if !diagnostics.is_empty() {
                failures.push(session.render(&diagnostics, false));
                continue;
            }
            for dated in &case.dates {
                let (result, decision) = run_date(&engine, case, dated.date, &mut coverage);
                if dir.ends_with("val-doise") {
                    val_doise_runs += 1;
                }
                for f in &result.failures {
                    failures.push(format!(
                        "{} ({}) :\n{}",
                        result.name,
                        case.path.display(),
                        f.details("  ")
                    ));
                }
                if let Some(decision) = decision {
                    snapshots.push(Snapshot {
                        dir: snapshot_dir(&dir),
                        name: result.name,
                        contents: snapshot_contents(&decision),
                    });
                }
            }
        }
    }
    assert!(
        val_doise_runs >= 30,
        "au moins les 30 dossiers APA calculés à la main, {val_doise_runs} trouvés"
    );
    assert!(
        failures.is_empty(),
        "{} écart(s) avec les valeurs attendues :\n{}",
        failures.len(),
        failures.join("\n")
    );
    for s in snapshots {
        insta::with_settings!({
            snapshot_path => s.dir,
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(s.name, s.contents);
        });
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("temp dir");
    for entry in std::fs::read_dir(from).expect("readable").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// The golden tests bite on a shipped ruleset: one cent more on the 2023 MTP of
/// `rulesets/national` makes val-doise's hand-computed cases fail.
#[test]
fn a_changed_number_in_a_shipped_ruleset_fails_the_golden_tests() {
    let root = std::env::temp_dir().join(format!("socle-golden-mutation-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for name in ["national", "val-doise"] {
        copy_dir(
            &workspace_root().join("rulesets").join(name),
            &root.join(name),
        );
    }
    let mtp = root.join("national/mtp.socle");
    let text = std::fs::read_to_string(&mtp).expect("mtp.socle");
    let original = "à partir du 2023-04-01 : 1210,90 €/mois";
    assert!(
        text.contains(original),
        "the mutated line moved: update this test"
    );
    std::fs::write(
        &mtp,
        text.replace(original, "à partir du 2023-04-01 : 1210,91 €/mois"),
    )
    .expect("write");

    let dir = root.join("val-doise");
    let mut session = Session::new();
    let ruleset = session.load_ruleset_dir(&dir).expect("val-doise");
    let outcome = socle_golden::test_ruleset(&mut session, ruleset, &dir, &Default::default());
    let _ = std::fs::remove_dir_all(&root);
    let value_failures = outcome
        .results
        .iter()
        .flat_map(|r| &r.failures)
        .filter(|f| matches!(f, socle_golden::Failure::Value { .. }))
        .count();
    assert!(
        value_failures >= 5,
        "a 1-cent change of the MTP must break hand-computed values, {value_failures} did"
    );
}
