//! The salsa database: inputs (source files, rulesets, the registry of loaded rulesets) and
//! the tracked queries. salsa stays in this module; every query returns plain data with its
//! diagnostics, so an edit re-parses only the declarations it touches (parses are cached per
//! declaration text, see [`parse_chunk`]).

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
#[cfg(test)]
use std::sync::{Arc, Mutex};

use socle_grammar::ast::{self, DeclKind};
use socle_grammar::{Shift as _, Span};
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

/// The text of one declaration with the doc comment lines above it. Equal texts parse
/// equally wherever they sit in a file, so keying parses by text lets an edit re-parse only
/// the declaration it touches (and moving a declaration re-parses nothing).
#[salsa::interned(debug)]
pub struct ChunkText<'db> {
    #[returns(ref)]
    pub text: String,
}

/// One declaration parsed on its own, spans relative to its [`ChunkText`].
#[salsa::tracked(returns(ref))]
pub fn parse_chunk<'db>(db: &'db dyn Db, chunk: ChunkText<'db>) -> socle_grammar::ParsedChunk {
    socle_grammar::parse_chunk(chunk.text(db))
}

/// A file's syntax tree, assembled from its declarations' cached parses: the same result as
/// [`socle_grammar::parse`] on the whole text.
#[salsa::tracked(returns(ref))]
pub fn parse_file(db: &dyn Db, file: SourceFile) -> Parsed {
    let text = file.text(db);
    let chunks = socle_grammar::chunks(text);
    let (comments, mut errors) = socle_grammar::parse_preamble(text, &chunks);
    let mut ast = ast::File {
        decls: Vec::with_capacity(chunks.len()),
        comments,
    };
    for chunk in &chunks {
        let mut parsed = parse_chunk(db, ChunkText::new(db, chunk.context(text))).clone();
        parsed.shift(chunk.context_start_u32());
        parsed.append_to(&mut ast, &mut errors);
    }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use salsa::Setter as _;

    use super::*;

    const TEXT: &str = "# en-tête\n## Le premier.\nvaleur a : entier = 1\n\n\
                        ## Le deuxième,\n  ## sur deux lignes.\nvaleur b : entier = a + 1\n  \
                        sauf si a > 3 : 2 # trop\n\nvaleur c : entier = b +\n\
                        valeur d : entier = c\n";

    fn chunk_parses(db: &Database) -> usize {
        let log = db.executed.as_ref().unwrap().lock().unwrap();
        log.iter().filter(|e| e.starts_with("parse_chunk")).count()
    }

    /// Each edit re-parses only the declaration it touches (and for a doc comment, the
    /// declaration above, whose text ends with it); the assembled tree is the whole-file
    /// parse, spans included.
    #[test]
    fn an_edit_reparses_only_its_declaration() {
        let mut db = Database::with_log();
        let file = SourceFile::new(&db, PathBuf::from("a.socle"), TEXT.to_owned());
        let whole = |text: &str| {
            let (ast, errors) = socle_grammar::parse(text);
            let spans: Vec<Span> = errors.iter().map(|e| e.span).collect();
            (ast, spans)
        };
        let assembled = |db: &Database| {
            let parsed = parse_file(db, file);
            let spans: Vec<Span> = parsed.diagnostics.iter().map(|d| d.primary.span).collect();
            (parsed.ast.clone(), spans)
        };
        assert_eq!(assembled(&db), whole(TEXT));
        assert_eq!(chunk_parses(&db), 4);

        let edits = [
            // Same length, in `b`'s exception.
            (TEXT.replace("a > 3", "a > 4"), 1),
            // Longer: every later span moves, but only `a` is parsed again.
            (TEXT.replace("= 1\n", "= 100\n"), 1),
            // `b`'s doc comment, also the last lines of `a`'s text.
            (TEXT.replace("sur deux", "sur 2"), 2),
            // Repairing `c`, and inserting a declaration.
            (TEXT.replace("b +\n", "b + 1\nvaleur e : entier = 5\n"), 2),
        ];
        for (text, reparsed) in edits {
            db.executed.as_ref().unwrap().lock().unwrap().clear();
            file.set_text(&mut db).to(text.clone());
            assert_eq!(assembled(&db), whole(&text), "{text}");
            assert_eq!(chunk_parses(&db), reparsed, "{text}");
            file.set_text(&mut db).to(TEXT.to_owned());
            assert_eq!(assembled(&db), whole(TEXT));
        }
    }
}
