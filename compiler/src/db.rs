//! The salsa database: inputs (source files, rulesets, the registry of loaded rulesets) and
//! the tracked queries. salsa stays in this module; every query returns plain data with its
//! diagnostics, so one file's edit re-parses that file only.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
#[cfg(test)]
use std::sync::{Arc, Mutex};

use socle_grammar::ast::{self, DeclKind};
use socle_grammar::Span;
use socle_runtime::ir::Program;

use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::hir::Checked;

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

/// The identifier of a ruleset in expressions: `val-doise` is written `val_doise`.
pub fn ruleset_ident(name: &str) -> String {
    name.replace('-', "_")
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Parsed {
    pub ast: ast::File,
    pub diagnostics: Vec<Diagnostic>,
}

#[salsa::tracked(returns(ref))]
pub fn parse_file(db: &dyn Db, file: SourceFile) -> Parsed {
    let (ast, errors) = socle_grammar::parse(file.text(db));
    let diagnostics = errors
        .into_iter()
        .map(|e| Diagnostic::error(codes::SYNTAX, FileId(file), e.span, e.message))
        .collect();
    Parsed { ast, diagnostics }
}

/// An `importe NAME` line and the loaded ruleset it names, if any.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Import {
    pub name: String,
    pub file: FileId,
    pub span: Span,
    pub target: Option<Ruleset>,
}

/// The directories an import may name: `<dir>/../NAME` (also with `_` read as `-`), and for a
/// single file, `<dir>/NAME`.
pub fn import_candidates(dir: &Path, name: &str, single_file: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let dashed = name.replace('_', "-");
    if let Some(parent) = dir.parent() {
        out.push(parent.join(name));
        if dashed != name {
            out.push(parent.join(&dashed));
        }
    }
    if single_file {
        out.push(dir.join(name));
        if dashed != name {
            out.push(dir.join(&dashed));
        }
    }
    out
}

#[salsa::tracked(returns(ref))]
pub fn ruleset_imports(db: &dyn Db, r: Ruleset) -> Vec<Import> {
    let loaded: Vec<Ruleset> = db
        .registry()
        .map(|reg| reg.rulesets(db).clone())
        .unwrap_or_default();
    let mut out = Vec::new();
    for &file in r.files(db) {
        for decl in &parse_file(db, file).ast.decls {
            if let DeclKind::Import(name) = &decl.kind {
                let candidates = import_candidates(r.dir(db), &name.name, r.single_file(db));
                let target = candidates.iter().find_map(|c| {
                    loaded
                        .iter()
                        .copied()
                        .find(|l| !l.single_file(db) && l.dir(db) == c)
                });
                out.push(Import {
                    name: name.name.clone(),
                    file: FileId(file),
                    span: decl.span,
                    target,
                });
            }
        }
    }
    out
}

/// Direct imports that can be used (found, not part of a cycle), and the diagnostics of the others.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImportCheck {
    pub usable: Vec<(String, Ruleset)>,
    pub diagnostics: Vec<Diagnostic>,
}

#[salsa::tracked(returns(ref))]
pub fn import_check(db: &dyn Db, r: Ruleset) -> ImportCheck {
    let mut usable = Vec::new();
    let mut diagnostics = Vec::new();
    for import in ruleset_imports(db, r) {
        let Some(target) = import.target else {
            diagnostics.push(
                Diagnostic::error(
                    codes::IMPORT_NOT_FOUND,
                    import.file,
                    import.span,
                    format!("jeu de règles importé introuvable : `{}`", import.name),
                )
                .with_primary_message("aucun dossier de ce nom à côté de ce jeu de règles")
                .with_note(format!(
                    "un import désigne un dossier voisin : `../{}`",
                    import.name.replace('_', "-")
                )),
            );
            continue;
        };
        if let Some(path) = path_back(db, target, r) {
            let mut chain = vec![r.name(db).clone()];
            chain.extend(path.iter().map(|x| x.name(db).clone()));
            diagnostics.push(
                Diagnostic::error(
                    codes::IMPORT_CYCLE,
                    import.file,
                    import.span,
                    format!("cycle d'importations : {}", chain.join(" → ")),
                )
                .with_primary_message("cet import referme le cycle"),
            );
            continue;
        }
        if !usable.iter().any(|(n, _)| *n == import.name) {
            usable.push((import.name.clone(), target));
        }
    }
    ImportCheck {
        usable,
        diagnostics,
    }
}

/// A path of imports from `from` to `to` (both included), if there is one.
fn path_back(db: &dyn Db, from: Ruleset, to: Ruleset) -> Option<Vec<Ruleset>> {
    let mut parent: HashMap<Ruleset, Ruleset> = HashMap::new();
    let mut seen: HashSet<Ruleset> = HashSet::from([from]);
    let mut queue = VecDeque::from([from]);
    while let Some(cur) = queue.pop_front() {
        if cur == to {
            let mut path = vec![cur];
            let mut at = cur;
            while let Some(&p) = parent.get(&at) {
                path.push(p);
                at = p;
            }
            path.reverse();
            return Some(path);
        }
        for import in ruleset_imports(db, cur) {
            if let Some(t) = import.target {
                if seen.insert(t) {
                    parent.insert(t, cur);
                    queue.push_back(t);
                }
            }
        }
    }
    None
}

/// Every ruleset reachable through usable imports, dependencies first.
#[salsa::tracked(returns(ref))]
pub fn import_closure(db: &dyn Db, r: Ruleset) -> Vec<Ruleset> {
    let mut out: Vec<Ruleset> = Vec::new();
    for (_, dep) in &import_check(db, r).usable {
        for &t in import_closure(db, *dep) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
        if !out.contains(dep) {
            out.push(*dep);
        }
    }
    out
}

#[salsa::tracked(returns(ref))]
pub fn checked_ruleset(db: &dyn Db, r: Ruleset) -> Checked {
    crate::typeck::check_ruleset(db, r)
}

/// Every diagnostic of a ruleset's own files, sorted by file then position.
#[salsa::tracked(returns(ref))]
pub fn ruleset_diagnostics(db: &dyn Db, r: Ruleset) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &file in r.files(db) {
        out.extend(parse_file(db, file).diagnostics.iter().cloned());
    }
    out.extend(import_check(db, r).diagnostics.iter().cloned());
    out.extend(checked_ruleset(db, r).diagnostics.iter().cloned());
    sort_diagnostics(db, r, &mut out);
    out
}

pub fn sort_diagnostics(db: &dyn Db, r: Ruleset, diags: &mut [Diagnostic]) {
    let files = r.files(db);
    let order = |f: FileId| files.iter().position(|x| *x == f.0).unwrap_or(usize::MAX);
    diags.sort_by_key(|d| {
        (
            order(d.primary.file),
            d.primary.span.start,
            d.primary.span.end,
        )
    });
}

#[salsa::tracked(returns(ref))]
pub fn compiled(db: &dyn Db, r: Ruleset) -> (Option<Program>, Vec<Diagnostic>) {
    let mut diags = ruleset_diagnostics(db, r).clone();
    let mut failed = diags.iter().any(Diagnostic::is_error);
    for &dep in import_closure(db, r) {
        let dep_diags = ruleset_diagnostics(db, dep);
        if dep_diags.iter().any(Diagnostic::is_error) {
            failed = true;
            diags.extend(dep_diags.iter().filter(|d| d.is_error()).cloned());
        }
    }
    if failed {
        return (None, diags);
    }
    match crate::lower::lower(db, r) {
        Ok(program) => (Some(program), diags),
        Err(errors) => {
            diags.extend(errors);
            (None, diags)
        }
    }
}
