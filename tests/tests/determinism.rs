//! The embedding API is safe to share and a decision depends only on the program, the dossier
//! and the decision date: an `Engine` is `Send + Sync`, many threads deciding at once get the
//! decisions one thread gets, and the library crates read no clock, locale or environment.

use std::sync::Arc;

use serde_json::Value as Json;
use socle_runtime::{DecideOptions, Engine};
use socle_tests::{dossiers::apa_dossiers, engine_for, workspace_root};

fn assert_send_sync<T: Send + Sync + 'static>() {}

#[test]
fn engine_and_its_outputs_are_send_and_sync() {
    assert_send_sync::<Engine>();
    assert_send_sync::<socle_runtime::Dossier>();
    assert_send_sync::<socle_runtime::Decision>();
    assert_send_sync::<socle_runtime::DossierError>();
    assert_send_sync::<socle_runtime::EvalError>();
}

fn decide_all(engine: &Engine, dossiers: &[Json]) -> Vec<String> {
    dossiers
        .iter()
        .map(|d| {
            let dossier = engine.decode_json(d).expect("valid dossier");
            let options = DecideOptions {
                date: None,
                explain: true,
            };
            match engine.decide(&dossier, &options) {
                Ok(decision) => decision.to_json().to_string(),
                Err(e) => format!("erreur : {e}"),
            }
        })
        .collect()
}

#[test]
fn many_threads_sharing_one_engine_decide_as_one_thread() {
    let engine = Arc::new(engine_for("val-doise").expect("val-doise"));
    let dossiers = Arc::new(apa_dossiers(200, 5));
    let expected = decide_all(&engine, &dossiers);
    let threads: Vec<_> = (0..6)
        .map(|i| {
            let engine = Arc::clone(&engine);
            let dossiers = Arc::clone(&dossiers);
            std::thread::spawn(move || {
                // Each thread walks the dossiers from a different start, to interleave.
                let n = dossiers.len();
                let mut out = vec![String::new(); n];
                for k in 0..n {
                    let j = (k + i * 37) % n;
                    out[j] = decide_all(&engine, &dossiers[j..=j]).remove(0);
                }
                out
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().expect("thread"), expected);
    }
}

/// Library code that reads the clock, the environment or the locale would make a decision
/// depend on the machine. Only `cli`, `lsp` and tests may.
#[test]
fn library_crates_read_no_clock_locale_or_environment() {
    const FORBIDDEN: &[&str] = &[
        "SystemTime",
        "Instant::now",
        "Local::now",
        "Utc::now",
        "chrono::Local",
        "std::env::var",
        "env::var(",
        "env::vars",
        "setlocale",
        "rand::",
    ];
    let mut found = Vec::new();
    for krate in ["grammar/src", "compiler/src", "runtime/src"] {
        let mut stack = vec![workspace_root().join(krate)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("source");
                    // Unit tests may use the clock or the environment (temporary directories).
                    let code = text.split("#[cfg(test)]").next().unwrap_or("");
                    for word in FORBIDDEN {
                        if code.contains(word) {
                            found.push(format!("{} : {word}", path.display()));
                        }
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
