//! `socle decide`: one dossier, one decision.

use std::io::Read;
use std::path::Path;

use chrono::NaiveDate;
use serde_json::{json, Value as Json};
use socle_runtime::{DecideOptions, Engine};

use crate::check::compile_single;
use crate::exit::{usage_error, Status};
use crate::Format;

pub fn parse_date(date: Option<&str>) -> Result<Option<NaiveDate>, Status> {
    date.map(|d| {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            usage_error(format!(
                "--date {d} : date AAAA-MM-JJ attendue (par exemple 2024-11-19)"
            ))
        })
    })
    .transpose()
}

pub fn read_input(path: &Path) -> Result<String, Status> {
    let mut bytes = Vec::new();
    let result = if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    result.map_err(|e| usage_error(format!("{} : lecture impossible ({e})", path.display())))?;
    // Text that is not UTF-8 is an invalid dossier (exit 1), not an I/O failure.
    String::from_utf8(bytes).map_err(|e| {
        eprintln!(
            "erreur : dossier {} : le texte n'est pas encodé en UTF-8 (octet n° {} illisible)",
            path.display(),
            e.utf8_error().valid_up_to() + 1
        );
        Status::Failure
    })
}

/// Why a dossier could not be decided, as CONTRACT.md's JSON error.
pub enum Refusal {
    Invalid(socle_runtime::DossierError),
    Evaluation(socle_runtime::EvalError),
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::Invalid(e) => e.to_string(),
            Refusal::Evaluation(e) => e.to_string(),
        }
    }

    pub fn to_json(&self) -> Json {
        match self {
            Refusal::Invalid(e) => json!({
                "type": "dossier_invalide",
                "chemin": e.path(),
                "attendu": e.expected(),
                "trouve": e.found(),
                "message": e.to_string(),
            }),
            Refusal::Evaluation(e) => json!({
                "type": "evaluation_impossible",
                "message": e.to_string(),
            }),
        }
    }
}

pub fn decide_text(
    engine: &Engine,
    text: &str,
    options: &DecideOptions,
) -> Result<socle_runtime::Decision, Refusal> {
    let dossier = engine.decode_str(text).map_err(Refusal::Invalid)?;
    engine
        .decide(&dossier, options)
        .map_err(Refusal::Evaluation)
}

/// What `decide` and `batch` both need before deciding: the options, the compiled ruleset and
/// the input text — in that order, so a bad `--date` is reported before any work.
pub fn prepare(
    ruleset: &Path,
    input: &Path,
    date: Option<&str>,
    explain: bool,
) -> Result<(Engine, String, DecideOptions), Status> {
    let date = parse_date(date)?;
    let engine = compile_single(ruleset)?;
    let text = read_input(input)?;
    Ok((engine, text, DecideOptions { date, explain }))
}

pub fn run(
    ruleset: &Path,
    dossier: &Path,
    date: Option<&str>,
    explain: bool,
    format: Format,
) -> Status {
    let (engine, text, options) = match prepare(ruleset, dossier, date, explain) {
        Ok(prepared) => prepared,
        Err(status) => return status,
    };
    match decide_text(&engine, &text, &options) {
        Ok(decision) => {
            let out = decision.to_json();
            match format {
                Format::Json => println!("{}", pretty(&out)),
                Format::Human => print!("{}", crate::decide::human(&out)),
            }
            Status::Ok
        }
        Err(refusal) => {
            eprintln!(
                "erreur : dossier {} : {}",
                dossier.display(),
                refusal.message()
            );
            if format == Format::Json {
                println!("{}", pretty(&json!({ "erreur": refusal.to_json() })));
            }
            Status::Failure
        }
    }
}

fn pretty(value: &Json) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// A decision as a caseworker reads it.
pub fn human(decision: &Json) -> String {
    let mut out = String::new();
    let ruleset = decision["ruleset"].as_str().unwrap_or("?");
    let date = decision["date"].as_str().unwrap_or("?");
    out.push_str(&format!("Jeu de règles {ruleset}, décision au {date}\n"));
    if let Some(dispositifs) = decision["dispositifs"].as_object() {
        for (id, d) in dispositifs {
            let eligible = d["eligible"].as_bool().unwrap_or(false);
            out.push_str(&format!(
                "\n{id} : {}\n",
                if eligible {
                    "éligible"
                } else {
                    "non éligible"
                }
            ));
            for motif in d["motifs"].as_array().into_iter().flatten() {
                let mark = if motif["satisfaite"].as_bool().unwrap_or(false) {
                    "✓"
                } else {
                    "✗"
                };
                out.push_str(&format!(
                    "  {mark} {} : {}\n",
                    motif["id"].as_str().unwrap_or("?"),
                    motif["message"].as_str().unwrap_or("")
                ));
            }
            for (name, value) in d["valeurs"].as_object().into_iter().flatten() {
                let shown = value
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| value.to_string());
                out.push_str(&format!("    {name} = {shown}\n"));
            }
        }
    }
    out
}
