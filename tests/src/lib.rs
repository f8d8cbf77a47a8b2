//! Shared helpers for the cross-crate tests and benchmarks.

use std::path::{Path, PathBuf};

use socle_compiler::{Session, Severity};
use socle_runtime::Engine;

/// The workspace root (the tests crate lives one level below it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Compiles `rulesets/<name>` and returns an engine, or the rendered diagnostics.
pub fn engine_for(name: &str) -> Result<Engine, String> {
    let dir = workspace_root().join("rulesets").join(name);
    let mut session = Session::new();
    let ruleset = session.load_ruleset_dir(&dir).map_err(|e| e.to_string())?;
    let (program, diagnostics) = session.compile(ruleset);
    let errors: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    match program {
        Some(p) if errors.is_empty() => Engine::new(p).map_err(|e| e.to_string()),
        _ => Err(session.render(&errors, false)),
    }
}

pub mod dossiers;
