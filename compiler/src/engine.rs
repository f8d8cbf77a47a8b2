//! A ruleset on disk made into a ready `Engine`, with the message a service or a binding shows
//! when it cannot be: what `socle serve` and the Python module both need.

use std::path::{Path, PathBuf};

use socle_runtime::Engine;

use crate::{LoadError, RulesetId, Session};

/// Why a ruleset could not become an engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The ruleset has errors; `rendered` is their text, as `socle check` prints them.
    #[error("le jeu de règles {} ne compile pas ({count} erreur(s))\n{rendered}", .path.display())]
    Compile {
        path: PathBuf,
        count: usize,
        rendered: String,
    },
    /// The compiled program was refused by the runtime: a compiler bug, named as such.
    #[error("{} : programme compilé invalide : {detail}", .path.display())]
    Invalid { path: PathBuf, detail: String },
}

impl Session {
    /// Loads a ruleset directory, or a single `.socle` file as a ruleset of its own.
    pub fn load_path(&mut self, path: &Path) -> Result<RulesetId, LoadError> {
        if path.is_file() {
            self.load_file(path)
        } else {
            self.load_ruleset_dir(path)
        }
    }

    /// Loads and compiles the ruleset at `path` into an engine.
    pub fn engine(&mut self, path: &Path) -> Result<Engine, EngineError> {
        let ruleset = self.load_path(path)?;
        let program = self
            .program(ruleset)
            .map_err(|errors| EngineError::Compile {
                path: path.to_path_buf(),
                count: errors.len(),
                rendered: self.render(&errors, false),
            })?;
        Engine::new(program).map_err(|e| EngineError::Invalid {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })
    }
}
