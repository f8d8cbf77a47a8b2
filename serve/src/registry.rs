//! The rulesets in service: compiled at start-up, recompiled on SIGHUP and swapped atomically,
//! so a request always decides with one whole set, old or new.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use socle_compiler::{has_socle_files, ruleset_dirs_in, Session};
use socle_runtime::Engine;

/// Compiled rulesets, by name (`val-doise`).
#[derive(Clone, Debug, Default)]
pub struct Rulesets {
    engines: BTreeMap<String, Engine>,
}

impl Rulesets {
    /// The engine of the ruleset named `name`.
    pub fn get(&self, name: &str) -> Option<&Engine> {
        self.engines.get(name)
    }

    /// The names in service, sorted.
    pub fn names(&self) -> Vec<String> {
        self.engines.keys().cloned().collect()
    }
}

/// The current [`Rulesets`] and where they were read from.
pub struct Registry {
    current: RwLock<Arc<Rulesets>>,
    paths: Vec<PathBuf>,
}

impl Registry {
    /// A registry serving `rulesets`, which were compiled from `paths`.
    pub fn new(rulesets: Rulesets, paths: Vec<PathBuf>) -> Registry {
        Registry {
            current: RwLock::new(Arc::new(rulesets)),
            paths,
        }
    }

    /// The set in service now; a request keeps it for its whole duration.
    pub fn current(&self) -> Arc<Rulesets> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Recompiles every ruleset from disk; on success the new set replaces the old one, on
    /// failure the old one stays and the French error is returned.
    pub fn reload(&self) -> Result<Vec<String>, String> {
        let fresh = compile(&self.paths)?;
        let names = fresh.names();
        let fresh = Arc::new(fresh);
        match self.current.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(names)
    }
}

/// Recompiles on each SIGHUP, off the request threads. Never returns.
pub(crate) async fn reload_on_sighup(registry: Arc<Registry>) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hangup) = signal(SignalKind::hangup()) else {
        eprintln!("socle serve : erreur : signal SIGHUP indisponible, pas de rechargement");
        return;
    };
    while hangup.recv().await.is_some() {
        eprintln!("socle serve : SIGHUP reçu, recompilation des jeux de règles");
        let registry = registry.clone();
        match tokio::task::spawn_blocking(move || registry.reload()).await {
            Ok(Ok(names)) => eprintln!(
                "socle serve : jeux de règles rechargés : {}",
                names.join(", ")
            ),
            Ok(Err(message)) => eprintln!(
                "socle serve : erreur : rechargement refusé, les règles précédentes restent en service : {message}"
            ),
            Err(e) => eprintln!(
                "socle serve : erreur : rechargement interrompu, les règles précédentes restent en service ({e})"
            ),
        }
    }
}

/// What one path names: a ruleset directory or `.socle` file, or a directory of rulesets.
fn targets(path: &Path) -> Result<Vec<PathBuf>, String> {
    if path.is_file() || has_socle_files(path) {
        return Ok(vec![path.to_path_buf()]);
    }
    if !path.is_dir() {
        return Err(format!(
            "{} : fichier ou dossier introuvable",
            path.display()
        ));
    }
    ruleset_dirs_in(path)
}

/// Compiles every ruleset `paths` name. The first one that does not compile makes the whole
/// set fail, with its diagnostics in the message.
pub fn compile(paths: &[PathBuf]) -> Result<Rulesets, String> {
    let mut session = Session::new();
    let mut engines = BTreeMap::new();
    for path in paths {
        for target in targets(path)? {
            let engine = session.engine(&target).map_err(|e| e.to_string())?;
            engines.insert(engine.program().ruleset.clone(), engine);
        }
    }
    Ok(Rulesets { engines })
}
