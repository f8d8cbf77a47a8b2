//! `socle check`: every diagnostic of the named rulesets; exit 1 when one is an error.

use std::path::{Path, PathBuf};

use socle_compiler::{Diagnostic, Session, Severity};

use serde_json::{json, Value as Json};

use crate::discover;
use crate::exit::{usage_error, Status};
use crate::test_cmd::shown;

/// The output formats of `socle check`: for people, for programs, and for CI systems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::message`).
    Github,
    /// SARIF 2.1.0 (GitHub code scanning, GitLab, Azure DevOps…).
    Sarif,
}

pub fn run(paths: &[PathBuf], format: CheckFormat) -> Status {
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
    let list: Vec<Json> = diagnostics
        .iter()
        .map(|d| relative_json(session.diagnostic_json(d)))
        .collect();
    match format {
        CheckFormat::Human => {
            let color = crate::help::colour_on_stderr();
            eprint!("{}", relative_text(&session.render(&diagnostics, color)));
            let names: Vec<String> = rulesets.iter().map(|r| session.ruleset_name(*r)).collect();
            eprintln!(
                "{} : {}, {}",
                names.join(", "),
                plural(errors, "erreur", "erreurs"),
                plural(warnings, "avertissement", "avertissements")
            );
        }
        CheckFormat::Github => out!("{}", github(&list)),
        CheckFormat::Sarif => outln!(
            "{}",
            serde_json::to_string_pretty(&sarif(&list)).unwrap_or_default()
        ),
        CheckFormat::Json => {
            let names: Vec<String> = rulesets.iter().map(|r| session.ruleset_name(*r)).collect();
            let out = json!({
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

/// Every `fichier` of a diagnostic's JSON (its labels' too) relative to the current directory.
fn relative_json(mut value: Json) -> Json {
    fn fix(object: &mut Json) {
        if let Some(Json::String(path)) = object.get_mut("fichier") {
            *path = shown(Path::new(path.as_str()));
        }
    }
    fix(&mut value);
    if let Some(Json::Array(labels)) = value.get_mut("etiquettes") {
        labels.iter_mut().for_each(fix);
    }
    value
}

/// The rendered diagnostics with the current directory's prefix removed from their paths.
pub fn relative_text(text: &str) -> String {
    match std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok())
    {
        Some(cwd) => text.replace(&format!("{}/", cwd.display()), ""),
        None => text.to_owned(),
    }
}

fn text(value: &Json, key: &str) -> String {
    value
        .get(key)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn number(value: &Json, key: &str) -> u64 {
    value.get(key).and_then(Json::as_u64).unwrap_or(1).max(1)
}

/// A workflow command's message: `%`, CR and LF escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property: also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions annotations, one line per diagnostic.
fn github(diagnostics: &[Json]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let level = if text(d, "severite") == "avertissement" {
            "warning"
        } else {
            "error"
        };
        let mut message = text(d, "message");
        for label in d
            .get("etiquettes")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let label_text = text(label, "message");
            if !label_text.is_empty() {
                message.push_str(&format!(
                    "\n{}:{}:{} : {label_text}",
                    text(label, "fichier"),
                    number(label, "ligne"),
                    number(label, "colonne")
                ));
            }
        }
        for note in d
            .get("notes")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(note) = note.as_str() {
                message.push_str(&format!("\n{note}"));
            }
        }
        out.push_str(&format!(
            "::{level} file={},line={},endLine={},col={},endColumn={},title={}::{}\n",
            escape_property(&text(d, "fichier")),
            number(d, "ligne"),
            number(d, "fin_ligne"),
            number(d, "colonne"),
            number(d, "fin_colonne"),
            escape_property(&text(d, "code")),
            escape_data(&message)
        ));
    }
    out
}

fn sarif_region(d: &Json) -> Json {
    json!({
        "startLine": number(d, "ligne"),
        "startColumn": number(d, "colonne"),
        "endLine": number(d, "fin_ligne"),
        "endColumn": number(d, "fin_colonne"),
    })
}

fn sarif_location(d: &Json, message: Option<String>) -> Json {
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": text(d, "fichier").replace('\\', "/") },
            "region": sarif_region(d),
        }
    });
    if let (Some(message), Some(object)) = (message, location.as_object_mut()) {
        object.insert("message".into(), json!({ "text": message }));
    }
    location
}

/// A SARIF 2.1.0 log: one run, every diagnostic code as a rule, one result per diagnostic.
fn sarif(diagnostics: &[Json]) -> Json {
    let codes = socle_compiler::codes::ALL;
    let level = |severity: Severity| match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let rules: Vec<Json> = codes
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.id,
                "shortDescription": { "text": c.title },
                "fullDescription": { "text": c.explanation },
                "help": { "text": format!("socle explain {}", c.id) },
                "defaultConfiguration": { "level": level(c.severity) },
            })
        })
        .collect();
    let results: Vec<Json> = diagnostics
        .iter()
        .map(|d| {
            let code = text(d, "code");
            let related: Vec<Json> = d
                .get("etiquettes")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, l)| {
                    let mut location = sarif_location(l, Some(text(l, "message")));
                    if let Some(object) = location.as_object_mut() {
                        object.insert("id".into(), json!(i));
                    }
                    location
                })
                .collect();
            let mut message = text(d, "message");
            for note in d
                .get("notes")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(note) = note.as_str() {
                    message.push_str(&format!("\n{note}"));
                }
            }
            let mut result = json!({
                "ruleId": code,
                "level": if text(d, "severite") == "avertissement" { "warning" } else { "error" },
                "message": { "text": message },
                "locations": [sarif_location(d, None)],
            });
            if let Some(index) = codes.iter().position(|c| c.id == code) {
                if let Some(object) = result.as_object_mut() {
                    object.insert("ruleIndex".into(), json!(index));
                }
            }
            if !related.is_empty() {
                if let Some(object) = result.as_object_mut() {
                    object.insert("relatedLocations".into(), json!(related));
                }
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "socle",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    })
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
    match session.program(ruleset) {
        Ok(program) => socle_runtime::Engine::new(program)
            .map_err(|e| usage_error(format!("programme compilé invalide : {e}"))),
        Err(errors) => {
            let color = crate::help::colour_on_stderr();
            eprint!("{}", relative_text(&session.render(&errors, color)));
            Err(usage_error(format!(
                "le jeu de règles {} ne compile pas ({})",
                path.display(),
                plural(errors.len(), "erreur", "erreurs")
            )))
        }
    }
}
