//! `decide` on arbitrary JSON against every shipped ruleset: decoding and deciding return
//! errors, never panic; a decision serialises. The one-pass dossier reader reads what it
//! accepts exactly as the reference reader does; the compiled plan decides exactly as the
//! reference evaluator; the JSON written straight from a decision is its published form.
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
            let reference = engine.reference();
            for explain in [false, true] {
                let options = DecideOptions {
                    date: None,
                    explain,
                };
                let decided = engine.decide(&dossier, &options);
                let oracle = reference.decide(&dossier, &options);
                match (&decided, &oracle) {
                    (Ok(d), Ok(o)) => {
                        assert_eq!(d.dispositifs, o.dispositifs);
                        assert_eq!(d.rules_computed, o.rules_computed);
                    }
                    (d, o) => assert_eq!(d.is_ok(), o.is_ok()),
                }
                if let Ok(decision) = decided {
                    let published = serde_json::to_vec(&decision.published()).unwrap_or_default();
                    let mut written = Vec::new();
                    decision.write_json(&mut written);
                    assert_eq!(written, published);
                }
            }
        }
    }
});
