//! `socle check`: every diagnostic of the named rulesets; exit 1 when one is an error.

use std::path::{Path, PathBuf};

use socle_compiler::{Diagnostic, Session, Severity};

use crate::discover;
use crate::exit::{usage_error, Status};
use crate::Format;

pub fn run(paths: &[PathBuf], format: Format) -> Status {
    let default = [PathBuf::from("rulesets")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut session = Session::new();
    let mut rulesets = Vec::new();
    let mut case_dirs = Vec::new();
    for path in paths {
        let targets = match discover::targets(path) {
            Ok(t) => t,
            Err(e) => return usage_error(e),
        };
        for target in targets {
            match discover::load(&mut session, &target) {
                Ok(r) if !rulesets.contains(&r) => {
                    if let discover::Target::RulesetDir(dir) = &target {
                        case_dirs.push((r, dir.clone()));
                    }
                    rulesets.push(r);
                }
                Ok(_) => {}
                Err(e) => return usage_error(e),
            }
        }
    }
    let mut diagnostics: Vec<Diagnostic> =
        rulesets.iter().flat_map(|r| session.check(*r)).collect();
    // A ruleset's test cases (docs/GUIDE-TESTS.md) are checked with it.
    for (r, dir) in &case_dirs {
        diagnostics.extend(socle_golden::check_cases(&mut session, *r, dir));
    }
    let errors = count(&diagnostics, Severity::Error);
    let warnings = count(&diagnostics, Severity::Warning);
    match format {
        Format::Human => {
            let color = crate::help::colour_on_stderr();
            eprint!("{}", session.render(&diagnostics, color));
            let names: Vec<String> = rulesets.iter().map(|r| session.ruleset_name(*r)).collect();
            eprintln!(
                "{} : {}, {}",
                names.join(", "),
                plural(errors, "erreur", "erreurs"),
                plural(warnings, "avertissement", "avertissements")
            );
        }
        Format::Json => {
            let list: Vec<serde_json::Value> = diagnostics
                .iter()
                .map(|d| session.diagnostic_json(d))
                .collect();
            let names: Vec<String> = rulesets.iter().map(|r| session.ruleset_name(*r)).collect();
            let out = serde_json::json!({
                "jeux_de_regles": names,
                "erreurs": errors,
                "avertissements": warnings,
                "diagnostics": list,
            });
            outln!("{out}");
        }
    }
    if errors > 0 {
        Status::Failure
    } else {
        Status::Ok
    }
}

fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// Compiles one ruleset for `decide`, `batch`, `schema`: diagnostics go to stderr; a ruleset
/// with errors is a usage-level failure (exit 2) per CONTRACT.md.
pub fn compile_single(path: &Path) -> Result<socle_runtime::Engine, Status> {
    let mut session = Session::new();
    let ruleset = discover::load_single(&mut session, path).map_err(usage_error)?;
    let (program, diagnostics) = session.compile(ruleset);
    let errors: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    match program {
        Some(program) if errors.is_empty() => socle_runtime::Engine::new(program)
            .map_err(|e| usage_error(format!("programme compilé invalide : {e}"))),
        _ => {
            let color = crate::help::colour_on_stderr();
            eprint!("{}", session.render(&errors, color));
            Err(usage_error(format!(
                "le jeu de règles {} ne compile pas ({})",
                path.display(),
                plural(errors.len(), "erreur", "erreurs")
            )))
        }
    }
}
