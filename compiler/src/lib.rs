//! Socle compiler: turns rulesets (directories of `.socle` files) into the runtime's
//! [`socle_runtime::ir::Program`], with French diagnostics.
//!
//! [`Session`] is the whole public surface: load rulesets, edit files in memory, check,
//! compile, render diagnostics. Queries are incremental (salsa, in `db`): editing one file
//! re-parses that file only.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod check_cumuls;
mod check_cycles;
mod check_payment;
mod check_unused;
pub mod codes;
mod db;
mod diagnostic;
mod engine;
pub mod explain;
pub mod ide;
mod lower;
mod message;
mod pipeline;
mod read;
mod render;
mod shown;
mod source_map;
mod suggest;
mod syntax;
mod typeck;
mod typed;
mod types;
mod write;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use salsa::Setter;

pub use diagnostic::{Diagnostic, FileId, Fix, Label, Severity};
pub use engine::EngineError;
pub use read::{has_socle_files, read_source, ruleset_dirs_in, LoadError, MAX_SOURCE_BYTES};
pub use socle_grammar::Span;
pub use write::replace_file;

use db::{Database, Registry, Ruleset, SourceFile};

/// A loaded ruleset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RulesetId(Ruleset);

/// Owns the incremental database and the files and rulesets loaded into it.
pub struct Session {
    db: Database,
    files: HashMap<PathBuf, SourceFile>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> LoadError + '_ {
    move |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn is_socle(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "socle")
}

impl Session {
    pub fn new() -> Session {
        Session {
            db: Database::new(),
            files: HashMap::new(),
        }
    }

    fn registry(&self) -> Option<Registry> {
        db::Db::registry(&self.db)
    }

    fn rulesets(&self) -> Vec<Ruleset> {
        self.registry()
            .map(|r| r.rulesets(&self.db).clone())
            .unwrap_or_default()
    }

    fn file(&mut self, path: &Path, text: String) -> SourceFile {
        match self.files.get(path) {
            Some(&f) => {
                if *f.text(&self.db) != text {
                    f.set_text(&mut self.db).to(text);
                }
                f
            }
            None => {
                let f = SourceFile::new(&self.db, path.to_path_buf(), text);
                self.files.insert(path.to_path_buf(), f);
                f
            }
        }
    }

    fn register(&mut self, r: Ruleset) {
        if let Some(reg) = self.registry() {
            let mut list = reg.rulesets(&self.db).clone();
            list.push(r);
            reg.set_rulesets(&mut self.db).to(list);
        }
    }

    /// Loads the sibling directories that imports name and that are not loaded yet.
    fn load_imports(&mut self) {
        loop {
            let mut wanted: Vec<PathBuf> = Vec::new();
            for r in self.rulesets() {
                for import in syntax::ruleset_imports(&self.db, r) {
                    if import.target.is_some() {
                        continue;
                    }
                    let candidates = syntax::import_candidates(
                        r.dir(&self.db),
                        &import.name,
                        r.single_file(&self.db),
                    );
                    if let Some(dir) = candidates.into_iter().find(|c| c.is_dir()) {
                        if let Ok(dir) = dir.canonicalize() {
                            if !wanted.contains(&dir) {
                                wanted.push(dir);
                            }
                        }
                    }
                }
            }
            let before = self.rulesets().len();
            for dir in wanted {
                let loaded = self
                    .rulesets()
                    .into_iter()
                    .any(|r| !r.single_file(&self.db) && *r.dir(&self.db) == dir);
                if !loaded {
                    // An import that cannot be read stays unresolved: E0104 on the `importe` line.
                    let _ = self.add_dir(&dir);
                }
            }
            if self.rulesets().len() == before {
                break;
            }
        }
    }

    fn add_dir(&mut self, dir: &Path) -> Result<Ruleset, LoadError> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io_error(dir))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && is_socle(p))
            .collect();
        if paths.is_empty() {
            return Err(LoadError::NoSocleFiles(dir.to_path_buf()));
        }
        paths.sort();
        let mut files = Vec::new();
        for p in &paths {
            let text = read::read_source(p)?;
            files.push(self.file(p, text));
        }
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let existing = self
            .rulesets()
            .into_iter()
            .find(|r| !r.single_file(&self.db) && r.dir(&self.db) == dir);
        let r = match existing {
            Some(r) => {
                if *r.files(&self.db) != files {
                    r.set_files(&mut self.db).to(files);
                }
                r
            }
            None => {
                let r = Ruleset::new(&self.db, name, dir.to_path_buf(), files, false);
                self.register(r);
                r
            }
        };
        Ok(r)
    }

    /// Loads a ruleset directory, or a single `.socle` file as a ruleset of its own.
    pub fn load_path(&mut self, path: &Path) -> Result<RulesetId, LoadError> {
        if path.is_file() {
            self.load_file(path)
        } else {
            self.load_ruleset_dir(path)
        }
    }

    /// Loads and compiles the ruleset at `path` into an engine.
    pub fn engine(&mut self, path: &Path) -> Result<socle_runtime::Engine, EngineError> {
        let ruleset = self.load_path(path)?;
        let program = self
            .program(ruleset)
            .map_err(|errors| EngineError::Compile {
                path: path.to_path_buf(),
                count: errors.len(),
                rendered: self.render(&errors, false),
            })?;
        socle_runtime::Engine::new(program).map_err(|e| EngineError::Invalid {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })
    }

    /// Registers a ruleset directory read from disk (all `*.socle` files in it, sorted by
    /// name; not recursive). Imports are resolved to sibling directories and loaded on demand.
    pub fn load_ruleset_dir(&mut self, dir: &Path) -> Result<RulesetId, LoadError> {
        if !dir.is_dir() {
            return Err(LoadError::NotADirectory(dir.to_path_buf()));
        }
        let dir = dir.canonicalize().map_err(io_error(dir))?;
        let r = self.add_dir(&dir)?;
        self.load_imports();
        Ok(RulesetId(r))
    }

    /// A single `.socle` file checked as a ruleset of its own (named after the file stem).
    pub fn load_file(&mut self, path: &Path) -> Result<RulesetId, LoadError> {
        if !is_socle(path) {
            return Err(LoadError::NotASocleFile(path.to_path_buf()));
        }
        let path = path.canonicalize().map_err(io_error(path))?;
        let text = read::read_source(&path)?;
        let file = self.file(&path, text);
        let existing = self
            .rulesets()
            .into_iter()
            .find(|r| r.single_file(&self.db) && r.files(&self.db).first() == Some(&file));
        let r = match existing {
            Some(r) => r,
            None => {
                let name = path
                    .file_stem()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let r = Ruleset::new(&self.db, name, dir, vec![file], true);
                self.register(r);
                r
            }
        };
        self.load_imports();
        Ok(RulesetId(r))
    }

    /// Replaces a file's text in memory. A new `.socle` file in a loaded ruleset directory
    /// joins that ruleset. Only what depends on the file is recomputed.
    pub fn set_file_text(&mut self, path: &Path, text: String) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let known = self.files.contains_key(&path);
        let file = self.file(&path, text);
        if !known {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let owner = self
                .rulesets()
                .into_iter()
                .find(|r| !r.single_file(&self.db) && *r.dir(&self.db) == dir);
            if let Some(r) = owner {
                let mut files = r.files(&self.db).clone();
                files.push(file);
                files.sort_by(|a, b| a.path(&self.db).cmp(b.path(&self.db)));
                r.set_files(&mut self.db).to(files);
            }
        }
        self.load_imports();
    }

    /// Forgets a file deleted from disk: it leaves the ruleset that held it.
    pub fn remove_file(&mut self, path: &Path) {
        let Some(file) = self.files.remove(path) else {
            return;
        };
        for r in self.rulesets() {
            if r.files(&self.db).contains(&file) {
                let files: Vec<SourceFile> = r
                    .files(&self.db)
                    .iter()
                    .copied()
                    .filter(|&f| f != file)
                    .collect();
                r.set_files(&mut self.db).to(files);
            }
        }
    }

    pub fn ruleset_name(&self, r: RulesetId) -> String {
        r.0.name(&self.db).clone()
    }

    /// The path of a file, as loaded.
    pub fn file_path(&self, file: FileId) -> PathBuf {
        file.0.path(&self.db).clone()
    }

    /// The current text of a file.
    pub fn file_text(&self, file: FileId) -> String {
        file.0.text(&self.db).clone()
    }

    /// Registers a file that belongs to no ruleset (a ruleset's test cases), so that
    /// diagnostics about it render like the compiler's.
    pub fn add_data_file(&mut self, path: &Path, text: String) -> FileId {
        FileId(self.file(path, text))
    }

    /// Every diagnostic of this ruleset's own files, sorted by file then position, then
    /// what compiling it finds (a program too large or too deep once functions are inlined).
    pub fn check(&self, r: RulesetId) -> Vec<Diagnostic> {
        pipeline::checked_diagnostics(&self.db, r.0).clone()
    }

    /// The program, if this ruleset and its imports have no error (warnings allowed); plus
    /// the diagnostics (this ruleset's, and its imports' errors).
    pub fn compile(&self, r: RulesetId) -> (Option<socle_runtime::ir::Program>, Vec<Diagnostic>) {
        pipeline::compiled(&self.db, r.0).clone()
    }

    /// The program ready for an `Engine`, or the errors (not the warnings) that prevent it: what
    /// every command that needs a usable ruleset (decide, batch, serve, doc) asks.
    pub fn program(&self, r: RulesetId) -> Result<socle_runtime::ir::Program, Vec<Diagnostic>> {
        let (program, diagnostics) = self.compile(r);
        let errors: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        match program {
            Some(program) if errors.is_empty() => Ok(program),
            _ => Err(errors),
        }
    }

    /// Where a name of the compiled program (a rule's trace name, a parameter, a barème, a
    /// dispositif) is declared: its file and the span of its name.
    pub fn locate(&self, r: RulesetId, name: &str) -> Option<(PathBuf, Span)> {
        let mut typed = vec![pipeline::checked_ruleset(&self.db, r.0)];
        for &dep in syntax::import_closure(&self.db, r.0) {
            typed.push(pipeline::checked_ruleset(&self.db, dep));
        }
        let (file, span) = source_map::locate(&typed, name)?;
        Some((self.file_path(file), span))
    }

    /// codespan-reporting rendering; `color` adds ANSI colours for terminals.
    pub fn render(&self, diagnostics: &[Diagnostic], color: bool) -> String {
        render::render(&self.db, diagnostics, color)
    }

    /// `{ "code", "severite", "message", "fichier", "ligne", "colonne", "fin_ligne",
    /// "fin_colonne", "etiquettes": [...], "notes": [...] }` (1-based, columns in characters).
    pub fn diagnostic_json(&self, d: &Diagnostic) -> serde_json::Value {
        render::diagnostic_json(&self.db, d)
    }

    /// The syntax trees of the ruleset's files, for `socle debug ast`.
    pub fn debug_ast(&self, r: RulesetId) -> String {
        let mut out = String::new();
        for &f in r.0.files(&self.db) {
            out.push_str(&format!("# {}\n", f.path(&self.db).display()));
            out.push_str(&format!("{:#?}\n", syntax::parse_file(&self.db, f).ast));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;

    /// After an edit of one file of a two-file ruleset, the other file is not re-parsed.
    #[test]
    fn editing_one_file_does_not_reparse_the_other() {
        let dir = std::env::temp_dir().join(format!("socle-incr-{}", std::process::id()));
        let rs = dir.join("demo");
        std::fs::create_dir_all(&rs).unwrap();
        std::fs::write(rs.join("a.socle"), "valeur a : entier = 1\n").unwrap();
        std::fs::write(rs.join("b.socle"), "valeur b : entier = a + 1\n").unwrap();
        let mut session = Session {
            db: Database::with_log(),
            files: HashMap::new(),
        };
        let r = session.load_ruleset_dir(&rs).unwrap();
        assert!(session.check(r).is_empty());
        let log = session.db.executed.clone().unwrap();
        log.lock().unwrap().clear();
        let b_file = session.files[&rs.canonicalize().unwrap().join("b.socle")];
        session.set_file_text(&rs.join("a.socle"), "valeur a : entier = 2\n".to_owned());
        assert!(session.check(r).is_empty());
        let executed = log.lock().unwrap().clone();
        let b_id = format!("{:?}", salsa::plumbing::AsId::as_id(&b_file));
        let parses: Vec<&String> = executed
            .iter()
            .filter(|e| e.starts_with("parse_file"))
            .collect();
        assert_eq!(parses.len(), 1, "{executed:?}");
        assert!(!parses.iter().any(|p| p.contains(&b_id)), "{executed:?}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
