//! `socle batch`'s line protocol on arbitrary bytes: N input lines give N output lines, in
//! order, each a JSON object whose `ligne` is its number, whatever the lines hold (blank,
//! not UTF-8, over the limit, not JSON, or a real dossier decided by a shipped ruleset).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use socle_cli::lines::stream;
use socle_runtime::{DecideOptions, Engine};

fn engines() -> &'static [Engine] {
    static ENGINES: OnceLock<Vec<Engine>> = OnceLock::new();
    ENGINES.get_or_init(socle_fuzz::shipped_engines)
}

fuzz_target!(|data: &[u8]| {
    let Some((&limit, input)) = data.split_first() else {
        return;
    };
    // A small limit half of the time, so overlong lines are explored within -max_len.
    let max_line = if limit < 128 {
        u64::from(limit) + 1
    } else {
        1 << 20
    };
    let engine = engines().first();
    let mut decide = |text: &str, out: &mut Vec<u8>| -> bool {
        let Some(engine) = engine else {
            return serde_json::to_writer(out, &serde_json::json!({ "texte": text })).is_ok();
        };
        let decided = engine
            .decode_str(text)
            .map_err(|e| e.to_string())
            .and_then(|dossier| {
                engine
                    .decide(
                        &dossier,
                        &DecideOptions {
                            date: None,
                            explain: false,
                        },
                    )
                    .map_err(|e| e.to_string())
            });
        match decided {
            Ok(decision) => {
                decision.write_json(out);
                true
            }
            Err(e) => {
                let _ = serde_json::to_writer(out, &serde_json::json!({ "erreur": e }));
                false
            }
        }
    };
    let mut out = Vec::new();
    let (count, _) = stream(&mut &input[..], &mut out, max_line, &mut decide)
        .expect("reading and writing memory cannot fail");
    let expected = input.iter().filter(|b| **b == b'\n').count()
        + usize::from(!input.is_empty() && !input.ends_with(b"\n"));
    assert_eq!(count, expected);
    let text = String::from_utf8(out).expect("output is UTF-8");
    assert!(text.is_empty() || text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), expected, "{text}");
    for (i, line) in lines.iter().enumerate() {
        let value: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert_eq!(value["ligne"], i + 1, "{line}");
    }
});
