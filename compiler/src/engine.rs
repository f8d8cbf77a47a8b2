//! Why a ruleset on disk could not be made into a ready `Engine` (`Session::engine`), with the
//! message a service or a binding shows: what `socle serve` and the Python module both need.

use std::path::PathBuf;

use crate::read::LoadError;

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
