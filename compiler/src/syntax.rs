//! The syntactic queries: each file's syntax tree, assembled from per-declaration parses
//! (an edit re-parses only the declarations it touches, see [`parse_chunk`]), and imports.
//! Every query returns plain data with its diagnostics.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use socle_grammar::ast::{self, DeclKind};
use socle_grammar::{Shift as _, Span};

use crate::codes;
use crate::db::{Db, Ruleset, SourceFile};
use crate::diagnostic::{Diagnostic, FileId};

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
    let mut diagnostics: Vec<Diagnostic> = errors
        .into_iter()
        .map(|e| Diagnostic::error(codes::SYNTAX, FileId(file), e.span, e.message))
        .collect();
    diagnostics.extend(suspicious_characters(text, FileId(file)));
    Parsed { ast, diagnostics }
}

/// Bidirectional controls anywhere (errors) and names with a look-alike or invisible
/// character (warnings): what a reviewer reads must be what the compiler reads.
fn suspicious_characters(text: &str, file: FileId) -> Vec<Diagnostic> {
    use socle_grammar::names;
    let code_point = |c: char| format!("U+{:04X}", u32::from(c));
    let mut out: Vec<Diagnostic> = names::bidi_controls(text)
        .into_iter()
        .map(|s| {
            Diagnostic::error(
                codes::BIDI_CONTROL,
                file,
                s.span,
                format!(
                    "caractère de contrôle bidirectionnel {} ({}) : le texte affiché peut \
                     différer de ce que lit le compilateur ; supprimez-le",
                    code_point(s.ch),
                    s.what
                ),
            )
        })
        .collect();
    out.extend(names::lint(text).into_iter().map(|s| {
        let message = match s.looks_like {
            Some(latin) => format!(
                "le nom `{}` contient `{}` ({}, {}) qui ressemble à `{latin}`",
                s.name,
                s.ch,
                code_point(s.ch),
                s.what
            ),
            None => format!(
                "le nom `{}` contient un caractère invisible ({}, {})",
                s.name,
                code_point(s.ch),
                s.what
            ),
        };
        Diagnostic::warning(codes::LOOKALIKE_NAME, file, s.span, message).with_note(
            "retapez le nom au clavier : deux noms qui s'affichent pareil doivent être le même nom",
        )
    }));
    out
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use salsa::Setter as _;

    use super::*;
    use crate::db::Database;

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
