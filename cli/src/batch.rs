//! `socle batch`: JSON Lines in, one decision (or error) per line out, in input order.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::decide::{prepare, DecideArgs};
use crate::exit::{usage_error, Status};
use serde_json::json;

pub fn run(ruleset: &Path, dossiers: &Path, args: &DecideArgs) -> Status {
    let (decider, text) = match prepare(ruleset, dossiers, args) {
        Ok(prepared) => prepared,
        Err(status) => return status,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut invalid = 0usize;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value = match decider.decide(line) {
            Ok(decided) => {
                // Partly decided (a dispositif in error or undetermined): the decision is
                // written, and the run reports it in its status.
                if !decided.is_complete() {
                    invalid += 1;
                }
                decided.to_json()
            }
            Err(refusal) => {
                invalid += 1;
                json!({ "ligne": index + 1, "erreur": refusal.message(), "detail": refusal.to_json() })
            }
        };
        if let Err(e) = writeln!(out, "{value}") {
            return usage_error(format!("écriture impossible : {e}"));
        }
    }
    if let Err(e) = out.flush() {
        return usage_error(format!("écriture impossible : {e}"));
    }
    if invalid > 0 {
        eprintln!("{invalid} dossier(s) invalide(s) ou incomplètement décidé(s)");
        Status::Failure
    } else {
        Status::Ok
    }
}
