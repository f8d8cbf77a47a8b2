//! `decide` on arbitrary JSON against every shipped ruleset: decoding and deciding return
//! errors, never panic; a decision serialises.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use socle_runtime::{DecideOptions, Engine};

fn engines() -> &'static [Engine] {
    static ENGINES: OnceLock<Vec<Engine>> = OnceLock::new();
    ENGINES.get_or_init(socle_fuzz::shipped_engines)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for engine in engines() {
        if let Ok(dossier) = engine.decode_str(text) {
            for explain in [false, true] {
                if let Ok(decision) = engine.decide(
                    &dossier,
                    &DecideOptions {
                        date: None,
                        explain,
                    },
                ) {
                    let _ = decision.to_json().to_string();
                }
            }
        }
    }
});
