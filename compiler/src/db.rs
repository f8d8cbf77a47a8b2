//! The salsa database and its inputs: source files, rulesets, the registry of loaded
//! rulesets. The queries live in `syntax` (parses, imports) and `pipeline` (typing, checks,
//! lowering); salsa stays in these three modules.

use std::path::PathBuf;
#[cfg(test)]
use std::sync::{Arc, Mutex};

#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: PathBuf,
    #[returns(ref)]
    pub text: String,
}

#[salsa::input(debug)]
pub struct Ruleset {
    /// Directory name, or file stem for a single file (`val-doise`).
    #[returns(ref)]
    pub name: String,
    /// Imports resolve to siblings of this directory.
    #[returns(ref)]
    pub dir: PathBuf,
    /// Sorted by file name.
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    /// A single file checked on its own: never the target of an import.
    #[returns(copy)]
    pub single_file: bool,
}

/// Every loaded ruleset: where imports are looked up.
#[salsa::input(debug)]
pub struct Registry {
    #[returns(ref)]
    pub rulesets: Vec<Ruleset>,
}

#[salsa::db]
pub trait Db: salsa::Database {
    fn registry(&self) -> Option<Registry>;
}

#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
    registry: Option<Registry>,
    /// Names of the queries executed, when a test asks for them.
    #[cfg(test)]
    pub(crate) executed: Option<Arc<Mutex<Vec<String>>>>,
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {
    fn registry(&self) -> Option<Registry> {
        self.registry
    }
}

impl Database {
    pub fn new() -> Self {
        let mut db = Database::default();
        db.registry = Some(Registry::new(&db, Vec::new()));
        db
    }

    /// A database that records every query execution (for incrementality tests).
    #[cfg(test)]
    pub(crate) fn with_log() -> Self {
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = Arc::clone(&log);
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                if let Ok(mut log) = sink.lock() {
                    log.push(format!("{database_key:?}"));
                }
            }
        })));
        let mut db = Database {
            storage,
            registry: None,
            executed: Some(log),
        };
        db.registry = Some(Registry::new(&db, Vec::new()));
        db
    }
}
