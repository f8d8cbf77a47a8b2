//! A `Program` read as data (a precompiled file, possibly tampered with): whatever the JSON,
//! `Engine::new` either refuses it with a `ProgramError` or returns an engine that decides a
//! small dossier without panicking and without absurd allocations (`-rss_limit_mb` and
//! `-malloc_limit_mb` in `run-ci` turn those into failures). A program declaring four billion
//! local slots once passed `Engine::new` and made `decide` allocate 103 GB.
#![no_main]

use libfuzzer_sys::fuzz_target;
use socle_runtime::ir::Program;
use socle_runtime::{DecideOptions, Engine};

/// Dossiers shaped like the seed program's inputs, and ones that are not.
const DOSSIERS: &[&str] = &[
    r#"{"demandeur": {"gir": 2, "ressources": "800"}}"#,
    r#"{"demandeur": {"gir": 7, "ressources": "5000.5"}, "date_demande": "2024-03-01"}"#,
    "{}",
];

fuzz_target!(|data: &[u8]| {
    let Ok(program) = serde_json::from_slice::<Program>(data) else {
        return;
    };
    let Ok(engine) = Engine::new(program) else {
        return;
    };
    let _ = engine.json_schema();
    for text in DOSSIERS {
        if let Ok(dossier) = engine.decode_str(text) {
            for explain in [false, true] {
                let options = DecideOptions {
                    date: chrono::NaiveDate::from_ymd_opt(2024, 6, 1),
                    explain,
                };
                if let Ok(decision) = engine.decide(&dossier, &options) {
                    let _ = decision.to_json().to_string();
                }
            }
        }
    }
});
