//! `socle schema`: the JSON Schema of the dossier a ruleset reads.

use std::path::Path;

use crate::check::compile_single;
use crate::exit::Status;

pub fn run(ruleset: &Path) -> Status {
    match compile_single(ruleset) {
        Ok(engine) => {
            let schema = engine.json_schema();
            outln!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_else(|_| schema.to_string())
            );
            Status::Ok
        }
        Err(status) => status,
    }
}
