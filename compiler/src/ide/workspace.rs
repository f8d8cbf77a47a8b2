//! The workspace an editor works in: every ruleset under the repository is loaded, so that
//! references, rename and diagnostics reach every importer, and disk changes made outside the
//! editor (a `git checkout`, another tool) are read back.

use std::path::{Path, PathBuf};

use super::{canonical, Host};
use crate::db::{Ruleset, SourceFile};
use crate::{read, syntax};

impl Host {
    /// The nearest folder at or above `start` that holds a `rulesets/` directory.
    pub fn find_root(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .find(|a| a.join("rulesets").is_dir())
            .map(Path::to_path_buf)
    }

    /// Loads every ruleset directory of `root/rulesets`; returns the directories loaded.
    /// A directory that cannot be read is skipped: its files are loaded when opened.
    pub fn load_workspace(&mut self, root: &Path) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(root.join("rulesets")) else {
            return Vec::new();
        };
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        let loaded = dirs
            .into_iter()
            .filter(|d| self.session.load_ruleset_dir(d).is_ok())
            .map(|d| canonical(&d))
            .collect();
        self.index = None;
        loaded
    }

    /// The session and the loaded ruleset of directory `dir` (loaded now if needed), for the
    /// checks that live outside the compiler (the golden harness's test-case files).
    pub fn ruleset_session(
        &mut self,
        dir: &Path,
    ) -> Option<(&mut crate::Session, crate::RulesetId)> {
        let dir = canonical(dir);
        let loaded = self
            .session
            .rulesets()
            .into_iter()
            .find(|r| !r.single_file(&self.session.db) && *r.dir(&self.session.db) == dir);
        let id = match loaded {
            Some(r) => crate::RulesetId(r),
            None => self.session.load_ruleset_dir(&dir).ok()?,
        };
        self.index = None;
        Some((&mut self.session, id))
    }

    /// A compiler diagnostic as the editor shows it.
    pub fn file_diagnostic_of(&self, d: &crate::Diagnostic) -> super::FileDiagnostic {
        self.file_diagnostic(d)
    }

    /// Every `.socle` file of the analysis.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self.session.files.keys().cloned().collect();
        out.sort();
        out
    }

    /// A file changed on disk (created, saved by another tool, deleted): its text is read
    /// again, or it leaves its ruleset. Returns the files whose diagnostics may have changed
    /// (the deleted file itself included, to clear its diagnostics).
    pub fn reload_from_disk(&mut self, path: &Path) -> Vec<PathBuf> {
        let path = canonical_even_if_gone(path);
        if path.is_file() {
            let Ok(text) = read::read_source(&path) else {
                return Vec::new();
            };
            if self.set_file(&path, text).is_err() {
                return Vec::new();
            }
            return vec![path];
        }
        let Some(f) = self.source(&path) else {
            return Vec::new();
        };
        let mut out: Vec<PathBuf> = self
            .affected(f)
            .into_iter()
            .flat_map(|r| r.files(&self.session.db).clone())
            .map(|f| f.path(&self.session.db).clone())
            .filter(|p| *p != path)
            .collect();
        self.session.remove_file(&path);
        self.index = None;
        self.last_good.remove(&path);
        out.push(path);
        out
    }

    /// The rulesets holding `f` and every ruleset importing them, directly or not: those
    /// whose diagnostics an edit of `f` can change.
    pub(super) fn affected(&self, f: SourceFile) -> Vec<Ruleset> {
        let mut out = self.rulesets_of(f);
        let all = self.session.rulesets();
        loop {
            let before = out.len();
            for &r in &all {
                if out.contains(&r) {
                    continue;
                }
                let imports_affected = syntax::ruleset_imports(&self.session.db, r)
                    .iter()
                    .any(|i| i.target.is_some_and(|t| out.contains(&t)));
                if imports_affected {
                    out.push(r);
                }
            }
            if out.len() == before {
                return out;
            }
        }
    }
}

/// The canonical path of a file that may no longer exist (its folder is canonicalised).
fn canonical_even_if_gone(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !path.exists() => canonical(dir).join(name),
        _ => canonical(path),
    }
}
