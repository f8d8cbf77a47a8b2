//! `socle schema`: the JSON Schema of the dossier a ruleset reads, or of the fields some of
//! its dispositifs may read.

use std::path::Path;

use crate::check::compile_single;
use crate::exit::{usage_error, Status};

/// The whole dossier, or (with `dispositifs`) the fields deciding them may read.
pub fn run(ruleset: &Path, dispositifs: &[String]) -> Status {
    match compile_single(ruleset) {
        Ok(engine) => {
            let schema = if dispositifs.is_empty() {
                engine.json_schema()
            } else {
                match engine.selection(dispositifs) {
                    Ok(selection) => engine.json_schema_for(&selection),
                    Err(e) => return usage_error(e),
                }
            };
            outln!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_else(|_| schema.to_string())
            );
            Status::Ok
        }
        Err(status) => status,
    }
}
