//! `decide` on arbitrary JSON against every shipped ruleset: decoding and deciding return
//! errors, never panic; a decision serialises. The one-pass dossier reader reads what it
//! accepts exactly as the reference reader does.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use socle_runtime::{DecideOptions, DecodeOptions, Engine};

fn engines() -> &'static [Engine] {
    static ENGINES: OnceLock<Vec<Engine>> = OnceLock::new();
    ENGINES.get_or_init(socle_fuzz::shipped_engines)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for engine in engines() {
        for strict in [false, true] {
            let options = DecodeOptions { strict };
            let reference = engine.read_str_reference(text, &options);
            let used = engine.read_str(text, &options);
            // Debug shows decimals with their scale (`1.50`), which `==` does not compare.
            assert_eq!(format!("{used:?}"), format!("{reference:?}"));
            if let Some(fast) = engine.read_str_fast(text, &options) {
                assert_eq!(
                    format!("{:?}", Ok::<_, ()>(fast)),
                    format!("{:?}", reference.map_err(|_| ()))
                );
            }
        }
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
