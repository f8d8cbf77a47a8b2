//! The malformed-input corpus (`tests/corpus/malformed/cas.txt`) through the library API, as the
//! `socle` binary drives it: every case gives the exit code CONTRACT.md requires, its error
//! (or decision) is a snapshot, and nothing panics. A stack overflow would abort this test
//! binary, which fails the run as well. `cli/tests/malformed.rs` runs the same cases through the
//! real binary.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use serde_json::Value as Json;
use socle_compiler::{Session, Severity};
use socle_runtime::{published, DecideOptions, Engine};
use socle_tests::workspace_root;

/// One line of `cas.txt`: the expected exit code and the `socle` arguments.
struct Case {
    code: i32,
    args: Vec<String>,
}

fn cases() -> Vec<Case> {
    let manifest = workspace_root().join("tests/corpus/malformed/cas.txt");
    let text = std::fs::read_to_string(&manifest).expect("cas.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut words = l.split_whitespace().map(str::to_owned);
            let code = words.next().and_then(|c| c.parse().ok()).expect("code");
            Case {
                code,
                args: words.collect(),
            }
        })
        .collect()
}

/// What `socle` reports for a case, and its exit code.
struct Outcome {
    code: i32,
    report: String,
}

fn strip_root(text: &str) -> String {
    text.replace(&format!("{}/", workspace_root().display()), "")
}

fn check(path: &Path) -> Outcome {
    let mut session = Session::new();
    let loaded = if path.is_dir() {
        session.load_ruleset_dir(path)
    } else {
        session.load_file(path)
    };
    let ruleset = match loaded {
        Ok(r) => r,
        Err(e) => {
            return Outcome {
                code: 2,
                report: format!("erreur de chargement : {e}"),
            }
        }
    };
    let diagnostics = session.check(ruleset);
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    for d in &diagnostics {
        assert!(!d.message.is_empty(), "{}: message vide", path.display());
    }
    Outcome {
        code: i32::from(errors > 0),
        report: session.render(&diagnostics, false),
    }
}

fn compile(path: &Path) -> Result<Engine, String> {
    let mut session = Session::new();
    let ruleset = session.load_ruleset_dir(path).map_err(|e| e.to_string())?;
    match session.compile(ruleset) {
        (Some(program), d) if !d.iter().any(|d| d.severity == Severity::Error) => {
            Engine::new(program).map_err(|e| e.to_string())
        }
        (_, d) => Err(session.render(&d, false)),
    }
}

/// A decision reduced to what a reader checks: eligibility and values.
fn summary(decision: &published::Decision) -> String {
    let mut out = String::from("décidé\n");
    for (id, d) in &decision.dispositifs {
        let valeurs = serde_json::to_string(&d.valeurs).unwrap_or_default();
        out.push_str(&format!(
            "{id} : éligible={} valeurs={valeurs}\n",
            d.eligible
                .map_or_else(|| "indéterminé".to_owned(), |b| b.to_string())
        ));
    }
    out
}

fn decide(ruleset: &Path, dossier: &Path) -> Outcome {
    let engine = match compile(ruleset) {
        Ok(e) => e,
        Err(report) => return Outcome { code: 2, report },
    };
    let bytes = std::fs::read(dossier).expect("dossier file");
    let Ok(text) = String::from_utf8(bytes) else {
        return Outcome {
            code: 1,
            report: "dossier invalide : le texte n'est pas encodé en UTF-8".to_owned(),
        };
    };
    decide_text(&engine, &text)
}

fn decide_text(engine: &Engine, text: &str) -> Outcome {
    let dossier = match engine.decode_str(text) {
        Ok(d) => d,
        Err(e) => {
            assert!(
                !e.expected().is_empty() && !e.found().is_empty(),
                "erreur sans attendu/trouvé : {e}"
            );
            return Outcome {
                code: 1,
                report: format!("dossier invalide : {e}"),
            };
        }
    };
    match engine.decide(&dossier, &DecideOptions::default()) {
        // As `socle decide`: a dispositif that cannot be decided is reported in the decision,
        // next to the others, and the status says the dossier is not fully decided.
        Ok(decision) if decision.errors().next().is_some() => Outcome {
            code: 1,
            report: decision
                .errors()
                .map(|(id, e)| format!("{id} non décidé : {e}"))
                .collect::<Vec<_>>()
                .join("\n"),
        },
        // As `socle decide`: an undetermined dispositif (missing facts) exits 1.
        Ok(decision) => Outcome {
            code: if decision.is_decided() { 0 } else { 1 },
            report: summary(&decision.published()),
        },
        Err(e) => Outcome {
            code: 1,
            report: format!("évaluation impossible : {e}"),
        },
    }
}

fn run(case: &Case) -> Outcome {
    let root = workspace_root();
    match case.args.as_slice() {
        [command, path] if command == "check" => check(&root.join(path)),
        [command, ruleset, flag, dossier] if command == "decide" && flag == "--dossier" => {
            decide(&root.join(ruleset), &root.join(dossier))
        }
        other => panic!("cas.txt : commande inconnue {other:?}"),
    }
}

fn snapshot_name(case: &Case) -> String {
    let last = case.args.last().map(String::as_str).unwrap_or("");
    let name = last
        .trim_start_matches("tests/corpus/malformed/")
        .replace('/', "__");
    format!(
        "{}__{name}",
        case.args.first().map(String::as_str).unwrap_or("")
    )
}

#[test]
fn every_malformed_input_gives_its_exit_code_and_a_clear_error() {
    let cases = cases();
    assert!(cases.len() >= 40, "{}", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let name = snapshot_name(case);
        let outcome = match catch_unwind(AssertUnwindSafe(|| run(case))) {
            Ok(o) => o,
            Err(_) => {
                wrong.push(format!("{name} : panique"));
                continue;
            }
        };
        if outcome.code != case.code {
            wrong.push(format!(
                "{name} : code {} attendu, {} obtenu\n{}",
                case.code, outcome.code, outcome.report
            ));
        }
        let description = format!("socle {} → code {}", case.args.join(" "), case.code);
        insta::with_settings!({ description => description, omit_expression => true }, {
            insta::assert_snapshot!(name, strip_root(&outcome.report));
        });
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Inputs too big to commit: an oversized `.socle` file, an oversized dossier text, and a list
/// past the limit handed to the API as an already parsed JSON value.
#[test]
fn oversized_inputs_are_refused_with_a_limit_error() {
    let dir = std::env::temp_dir().join(format!("socle-malformed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let big = dir.join("enorme.socle");
    let mut text = "valeur a : entier = 1\n".repeat(10);
    text.push_str(&"#".repeat(5 * 1024 * 1024));
    std::fs::write(&big, text).expect("write");
    let outcome = check(&big);
    assert_eq!(outcome.code, 2, "{}", outcome.report);
    assert!(
        outcome.report.contains("taille maximale"),
        "{}",
        outcome.report
    );
    std::fs::remove_dir_all(&dir).ok();

    let engine = compile(&workspace_root().join("rulesets/val-doise")).expect("val-doise");
    let example =
        std::fs::read_to_string(workspace_root().join("examples/dossier-apa.json")).expect("ex");
    let padded = format!(
        "{}{}",
        example,
        " ".repeat(socle_runtime::MAX_DOSSIER_BYTES)
    );
    let outcome = decide_text(&engine, &padded);
    assert_eq!(outcome.code, 1);
    insta::assert_snapshot!("dossier_trop_volumineux", outcome.report);

    let mut json: Json = serde_json::from_str(&example).expect("example");
    json["demandeur"]["prestations"] =
        Json::Array(vec![Json::from("pch"); socle_runtime::MAX_LIST_LEN + 1]);
    let error = engine.decode_json(&json).expect_err("list too long");
    insta::assert_snapshot!("liste_trop_longue_api", error.to_string());
    json["demandeur"]["prestations"] =
        Json::Array(vec![Json::from("pch"); socle_runtime::MAX_LIST_LEN]);
    assert!(engine.decode_json(&json).is_ok());
}
