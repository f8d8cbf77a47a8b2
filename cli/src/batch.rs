//! `socle batch`: JSON Lines in, exactly one JSON line out per input line, in input order, each
//! with its `ligne` (1-based). The input is streamed: each line is read (up to
//! [`MAX_DOSSIER_BYTES`]), decided and written before the next is read.

use std::io::Write;
use std::path::Path;

use serde_json::{json, Value as Json};

use crate::decide::{decider, DecideArgs, Decider};
use crate::exit::{stdout_failed, usage_error, Status};
use crate::input::{self, Line, MAX_DOSSIER_BYTES};

pub fn run(ruleset: &Path, dossiers: &Path, args: &DecideArgs) -> Status {
    let decider = match decider(ruleset, args) {
        Ok(d) => d,
        Err(status) => return status,
    };
    let mut reader = match input::open(dossiers) {
        Ok(r) => r,
        Err(status) => return status,
    };
    // Stdout is line-buffered: each decision leaves as soon as it is made.
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut invalid = 0usize;
    let mut buf = Vec::new();
    let mut number = 0usize;
    loop {
        let line = match input::next_line(&mut reader, &mut buf) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                return usage_error(format!(
                    "{} : lecture impossible après la ligne {number} ({e})",
                    dossiers.display()
                ))
            }
        };
        number += 1;
        let (value, ok) = decide_line(&decider, number, line);
        if !ok {
            invalid += 1;
        }
        if let Err(e) = writeln!(out, "{value}") {
            stdout_failed(&e);
        }
    }
    if let Err(e) = out.flush() {
        stdout_failed(&e);
    }
    if invalid > 0 {
        eprintln!("{invalid} dossier(s) invalide(s) ou incomplètement décidé(s)");
        Status::Failure
    } else {
        Status::Ok
    }
}

/// The output line for input line `number`, and whether it was fully decided.
fn decide_line(decider: &Decider, number: usize, line: Line) -> (Json, bool) {
    let text = match line {
        Line::TooLong => {
            let message = format!(
                "ligne de plus de {MAX_DOSSIER_BYTES} octets : {}",
                input::too_large_message()
            );
            return (line_error(number, "ligne_trop_longue", message), false);
        }
        Line::Text(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let message = input::not_utf8_message(e.utf8_error().valid_up_to());
                return (line_error(number, "encodage_invalide", message), false);
            }
        },
    };
    if text.trim().is_empty() {
        let message = "ligne vide : un dossier JSON est attendu sur chaque ligne".to_owned();
        return (line_error(number, "ligne_vide", message), false);
    }
    match decider.decide(&text) {
        Ok(decision) => {
            // Partly decided: the decision is written, and the run reports it in its status.
            let complete = decision.errors().next().is_none();
            let mut value = serde_json::Map::new();
            value.insert("ligne".to_owned(), json!(number));
            match decision.to_json() {
                Json::Object(fields) => value.extend(fields),
                other => {
                    value.insert("decision".to_owned(), other);
                }
            }
            (Json::Object(value), complete)
        }
        Err(refusal) => (
            json!({ "ligne": number, "erreur": refusal.message(), "detail": refusal.to_json() }),
            false,
        ),
    }
}

/// The shape of every refused line: `ligne`, the French `erreur`, and a typed `detail`.
fn line_error(number: usize, kind: &str, message: String) -> Json {
    json!({
        "ligne": number,
        "erreur": message,
        "detail": { "type": kind, "message": message },
    })
}
