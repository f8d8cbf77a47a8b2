//! The editor façade (DESIGN.md §3.4): plain data and byte offsets, on the same salsa
//! queries as `socle check`. The language server converts to LSP positions; nothing here
//! knows LSP.

mod assist;
mod features;
mod index;
mod keywords;
mod workspace;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use assist::{FoldKind, SignatureHelp};
pub use features::{CompletionItem, HighlightClass, HighlightToken, Hover, Symbol};
pub use index::DefKind;

use crate::db::{Ruleset, SourceFile};
use crate::diagnostic::{Diagnostic, FileId, Severity};
use crate::pipeline;
use crate::syntax;
use crate::{LoadError, Session};
use index::Index;
use socle_grammar::Span;

/// A place in a file: byte span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub span: Span,
}

/// A replacement of `span` in `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub path: PathBuf,
    pub span: Span,
    pub new_text: String,
}

/// A diagnostic located in one file, with its related locations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileDiagnostic {
    pub code: &'static str,
    pub error: bool,
    pub message: String,
    pub span: Span,
    /// The primary label's text, then the notes.
    pub details: Vec<String>,
    pub related: Vec<(Location, String)>,
    /// A mechanical fix in this file: the span to replace, its replacement, and its title.
    pub fix: Option<crate::Fix>,
}

/// The analysis of the files an editor has open, on top of the files on disk.
pub struct Host {
    session: Session,
    index: Option<Arc<Index>>,
    /// Per file, the text and the index of the last analysis where it parsed without error.
    last_good: HashMap<PathBuf, (String, Arc<Index>)>,
}

impl Default for Host {
    fn default() -> Self {
        Host::new()
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

impl Host {
    pub fn new() -> Host {
        Host {
            session: Session::new(),
            index: None,
            last_good: HashMap::new(),
        }
    }

    /// An editor opened (or changed) a file: its ruleset directory is loaded from disk the
    /// first time, then the editor's text replaces the file's.
    pub fn set_file(&mut self, path: &Path, text: String) -> Result<(), LoadError> {
        let path = canonical(path);
        let known = self
            .source(&path)
            .is_some_and(|f| !self.rulesets_of(f).is_empty());
        if !known && path.is_file() {
            if let Some(dir) = path.parent() {
                self.session.load_ruleset_dir(dir)?;
            }
        }
        self.session.set_file_text(&path, text);
        self.index = None;
        Ok(())
    }

    fn source(&self, path: &Path) -> Option<SourceFile> {
        self.session.files.get(&canonical(path)).copied()
    }

    fn rulesets_of(&self, f: SourceFile) -> Vec<Ruleset> {
        self.session
            .rulesets()
            .into_iter()
            .filter(|r| r.files(&self.session.db).contains(&f))
            .collect()
    }

    /// The current text of a loaded file.
    pub fn text(&self, path: &Path) -> Option<String> {
        self.source(path).map(|f| f.text(&self.session.db).clone())
    }

    fn path_of(&self, file: FileId) -> PathBuf {
        self.session.file_path(file)
    }

    /// The diagnostics of every file of the rulesets that hold `path` and of every ruleset
    /// importing them (an edit in one file can change another's), including files that now
    /// have none. A file outside the analysis (deleted, not a ruleset) has none.
    pub fn diagnostics(&self, path: &Path) -> Vec<(PathBuf, Vec<FileDiagnostic>)> {
        let Some(f) = self.source(path) else {
            return vec![(canonical(path), Vec::new())];
        };
        let mut out: Vec<(PathBuf, Vec<FileDiagnostic>)> = Vec::new();
        for r in self.affected(f) {
            let diags = pipeline::ruleset_diagnostics(&self.session.db, r);
            for &file in r.files(&self.session.db) {
                let path = file.path(&self.session.db).clone();
                if out.iter().any(|(p, _)| *p == path) {
                    continue;
                }
                let here: Vec<FileDiagnostic> = diags
                    .iter()
                    .filter(|d| d.primary.file == FileId(file))
                    .map(|d| self.file_diagnostic(d))
                    .collect();
                out.push((path, here));
            }
        }
        out
    }

    fn file_diagnostic(&self, d: &Diagnostic) -> FileDiagnostic {
        let mut details = Vec::new();
        if !d.primary.message.is_empty() {
            details.push(d.primary.message.clone());
        }
        details.extend(d.notes.iter().map(|n| format!("note : {n}")));
        let text = self.session.file_text(d.primary.file);
        let suggested = d.suggestion.as_ref().and_then(|(name, with)| {
            Some(crate::Fix {
                span: name_in(&text, d.primary.span, name)?,
                text: with.clone(),
                title: format!("Remplacer par « {with} »"),
            })
        });
        let fix = suggested
            .or_else(|| d.fix.clone())
            .or_else(|| tranche_gap_fix(&text, d));
        FileDiagnostic {
            fix,
            code: d.code,
            error: d.severity == Severity::Error,
            message: d.message.clone(),
            span: d.primary.span,
            details,
            related: d
                .labels
                .iter()
                .map(|l| {
                    (
                        Location {
                            path: self.path_of(l.file),
                            span: l.span,
                        },
                        l.message.clone(),
                    )
                })
                .collect(),
        }
    }

    /// The source map of every loaded ruleset, rebuilt after an edit.
    fn index(&mut self) -> Arc<Index> {
        if let Some(i) = &self.index {
            return Arc::clone(i);
        }
        let rulesets = self.session.rulesets();
        let index = Arc::new(Index::build(&self.session.db, &rulesets));
        for (path, &f) in &self.session.files {
            if syntax::parse_file(&self.session.db, f)
                .diagnostics
                .is_empty()
            {
                let text = f.text(&self.session.db).clone();
                self.last_good
                    .insert(path.clone(), (text, Arc::clone(&index)));
            }
        }
        self.index = Some(Arc::clone(&index));
        index
    }

    /// The definition under `offset` (a reference or a definition's own name), with the
    /// index it was found in and the offset shift from that index's text to the current one.
    fn lookup(&mut self, path: &Path, offset: usize) -> Option<(Arc<Index>, usize, Span)> {
        let f = self.source(path)?;
        let index = self.index();
        if let Some((def, span)) = find_at(&index, FileId(f), offset) {
            return Some((index, def, span));
        }
        // A half-typed declaration: answer from the last analysis where the file parsed, if
        // the position is outside the region edited since.
        let current = f.text(&self.session.db).clone();
        let (old_text, old_index) = self.last_good.get(&canonical(path))?.clone();
        let old_offset = map_offset(&current, &old_text, offset)?;
        let (def, span) = find_at(&old_index, FileId(f), old_offset)?;
        let start = map_offset(&old_text, &current, span.start as usize)?;
        let end = map_offset(&old_text, &current, span.end as usize)?;
        Some((old_index, def, Span::new(start, end)))
    }

    pub fn hover(&mut self, path: &Path, offset: usize, today: chrono::NaiveDate) -> Option<Hover> {
        let Some((index, def, span)) = self.lookup(path, offset) else {
            let f = self.source(path)?;
            let text = f.text(&self.session.db);
            return features::builtin_hover(text, offset).or_else(|| keyword_hover(text, offset));
        };
        features::hover(&self.session, &index, def, span, today)
    }

    pub fn definition(&mut self, path: &Path, offset: usize) -> Option<Location> {
        let (index, def, _) = self.lookup(path, offset)?;
        let d = index.defs.get(def)?;
        Some(Location {
            path: self.path_of(d.file),
            span: d.span,
        })
    }

    pub fn references(
        &mut self,
        path: &Path,
        offset: usize,
        include_declaration: bool,
    ) -> Vec<Location> {
        let Some((index, def, _)) = self.lookup(path, offset) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if include_declaration {
            if let Some(d) = index.defs.get(def).filter(|d| d.kind != DefKind::Ruleset) {
                out.push(Location {
                    path: self.path_of(d.file),
                    span: d.span,
                });
            }
        }
        for r in index.refs.iter().filter(|r| r.def == def) {
            out.push(Location {
                path: self.path_of(r.file),
                span: r.span,
            });
        }
        out
    }

    /// The edits that rename the definition under `offset` and all its uses; `Err` with a
    /// French reason when the new name cannot be used.
    pub fn rename(
        &mut self,
        path: &Path,
        offset: usize,
        new_name: &str,
    ) -> Result<Vec<TextEdit>, String> {
        let valid = new_name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && new_name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !valid {
            return Err(format!("« {new_name} » n'est pas un nom valide"));
        }
        if socle_grammar::is_keyword(new_name) {
            return Err(format!("« {new_name} » est un mot réservé du langage"));
        }
        let (index, def, _) = self.renamable(path, offset)?;
        if let Some(existing) = self.collision(&index, def, new_name) {
            return Err(existing);
        }
        Ok(self
            .references(path, offset, true)
            .into_iter()
            .map(|l| TextEdit {
                path: l.path,
                span: l.span,
                new_text: new_name.to_owned(),
            })
            .collect())
    }

    /// The span of the name a rename at `offset` would change; `Err` with a French reason
    /// when there is none (a keyword, a built-in, a ruleset, nothing).
    pub fn prepare_rename(&mut self, path: &Path, offset: usize) -> Result<Span, String> {
        self.renamable(path, offset).map(|(_, _, span)| span)
    }

    fn renamable(
        &mut self,
        path: &Path,
        offset: usize,
    ) -> Result<(Arc<Index>, usize, Span), String> {
        if let Some((index, def, span)) = self.lookup(path, offset) {
            if index
                .defs
                .get(def)
                .is_some_and(|d| d.kind == DefKind::Ruleset)
            {
                return Err("un jeu de règles se renomme en renommant son dossier".to_owned());
            }
            return Ok((index, def, span));
        }
        let text = self.text(path).unwrap_or_default();
        let word = socle_grammar::lexemes::lexemes(&text)
            .into_iter()
            .find(|(_, s)| (s.start as usize) <= offset && offset <= s.end as usize)
            .and_then(|(_, s)| text.get(s.range()).map(str::to_owned))
            .unwrap_or_default();
        if socle_grammar::is_keyword(&word) {
            Err(format!(
                "« {word} » est un mot réservé du langage : il ne se renomme pas"
            ))
        } else if crate::typeck::builtins::builtin_doc_named(&word).is_some() {
            Err(format!(
                "« {word} » est prédéfini par le langage : il ne se renomme pas"
            ))
        } else {
            Err("aucun nom à renommer à cet endroit".to_owned())
        }
    }

    /// A French error naming the declaration `new_name` would collide with: the same ruleset
    /// for a top-level name, the same parent for a member (field, variant, local name).
    fn collision(&self, index: &Index, def: usize, new_name: &str) -> Option<String> {
        let d = index.defs.get(def)?;
        let other = index.defs.iter().find(|o| {
            o.name == new_name
                && o.kind != DefKind::Ruleset
                && o.parent == d.parent
                && (d.parent.is_some() || o.ruleset == d.ruleset)
        })?;
        let path = self.path_of(other.file);
        let line = self.text(&path).map_or(0, |t| {
            t.get(..other.span.start as usize)
                .map_or(0, |b| b.matches('\n').count())
                + 1
        });
        let shown: Vec<String> = path
            .components()
            .rev()
            .take(2)
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        Some(format!(
            "« {new_name} » est déjà déclaré : {} {new_name} ({}, ligne {line})",
            other.kind.label(),
            shown.join("/")
        ))
    }

    pub fn completion(&mut self, path: &Path, offset: usize) -> Vec<CompletionItem> {
        let Some(f) = self.source(path) else {
            return Vec::new();
        };
        let index = self.index();
        let rulesets = self.rulesets_of(f);
        features::completion(&self.session, &index, f, &rulesets, offset)
    }

    /// The outline of a file.
    pub fn document_symbols(&mut self, path: &Path) -> Vec<Symbol> {
        let Some(f) = self.source(path) else {
            return Vec::new();
        };
        let index = self.index();
        features::document_symbols(&index, FileId(f))
    }

    /// Top-level definitions of every loaded ruleset whose name contains `query`.
    pub fn workspace_symbols(&mut self, query: &str) -> Vec<(Symbol, PathBuf)> {
        let index = self.index();
        let query = query.to_lowercase();
        index
            .defs
            .iter()
            .filter(|d| !matches!(d.kind, DefKind::Ruleset | DefKind::Element))
            .filter(|d| d.name.to_lowercase().contains(&query))
            .map(|d| {
                let container = d
                    .parent
                    .and_then(|p| index.defs.get(p))
                    .map(|p| p.name.clone());
                (
                    Symbol {
                        name: d.name.clone(),
                        kind: d.kind,
                        span: d.full_span,
                        name_span: d.span,
                        container,
                        children: Vec::new(),
                    },
                    self.path_of(d.file),
                )
            })
            .collect()
    }

    /// Colours: keywords, numbers, strings, comments, units and resolved names by kind.
    pub fn highlight(&mut self, path: &Path) -> Vec<HighlightToken> {
        let Some(f) = self.source(path) else {
            return Vec::new();
        };
        let index = self.index();
        features::highlight(&index, FileId(f), f.text(&self.session.db))
    }

    /// The canonical layout of the file; `Err` in French when it has a syntax error (the
    /// editor says so instead of silently leaving the file as is), `Ok(None)` for an unknown
    /// file.
    pub fn format(&self, path: &Path) -> Result<Option<String>, String> {
        let Some(text) = self.text(path) else {
            return Ok(None);
        };
        match socle_grammar::format::format(&text) {
            Ok(formatted) => Ok(Some(formatted)),
            Err(socle_grammar::format::FormatError::Syntax(errors)) => {
                let line = errors.first().map_or(1, |e| {
                    text.get(..e.span.start as usize)
                        .map_or(0, |b| b.matches('\n').count())
                        + 1
                });
                Err(format!(
                    "fichier non formaté : erreur de syntaxe ligne {line}"
                ))
            }
        }
    }
}

/// The hover of a keyword: what it introduces, in French.
fn keyword_hover(text: &str, offset: usize) -> Option<Hover> {
    use socle_grammar::lexemes::LexemeKind;
    let (kind, span) = socle_grammar::lexemes::lexemes(text)
        .into_iter()
        .find(|(kind, s)| {
            matches!(kind, LexemeKind::Keyword | LexemeKind::Word)
                && (s.start as usize) <= offset
                && offset <= s.end as usize
        })?;
    let word = text.get(span.range())?;
    let doc = match kind {
        LexemeKind::Keyword => keywords::keyword_doc(word)?,
        // A name that resolves to nothing: a contextual word (`tous`, `conditions`).
        _ => keywords::contextual_doc(word)?,
    };
    Some(Hover {
        span,
        markdown: format!("**mot-clé** `{word}`\n\n{doc}"),
    })
}

/// E0402 (a gap between two tranches): the later tranche's interval starts where the earlier
/// one ends (`[0 € ; 755 €[` then `[800 € ; …` → `[755 € ; …`), its bracket following from
/// the earlier bound's (excluded there, included here, and the reverse).
fn tranche_gap_fix(text: &str, d: &Diagnostic) -> Option<crate::Fix> {
    if d.code != crate::codes::TRANCHE_GAP {
        return None;
    }
    let earlier = d.labels.first().filter(|l| l.file == d.primary.file)?;
    let upper = text.get(earlier.span.range())?.rsplit(';').next()?.trim();
    let (bound, bracket) = if let Some(b) = upper.strip_suffix('[') {
        (b.trim(), '[')
    } else {
        (upper.strip_suffix(']')?.trim(), ']')
    };
    let later = text.get(d.primary.span.range())?;
    let lower_len = later.find(';')?;
    let lower = later.get(..lower_len)?.trim_end();
    let span = Span::new(
        d.primary.span.start as usize,
        d.primary.span.start as usize + lower.len(),
    );
    Some(crate::Fix {
        span,
        text: format!("{bracket}{bound}"),
        title: format!("Faire commencer la tranche à {bound}"),
    })
}

/// The span of the last whole-word occurrence of `name` inside `span` of `text`.
fn name_in(text: &str, span: Span, name: &str) -> Option<Span> {
    let inside = text.get(span.range())?;
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    inside
        .match_indices(name)
        .filter(|(i, _)| {
            let before = inside.get(..*i).and_then(|b| b.chars().next_back());
            let after = inside.get(i + name.len()..).and_then(|a| a.chars().next());
            !word(before) && !word(after)
        })
        .last()
        .map(|(i, _)| {
            let start = span.start as usize + i;
            Span::new(start, start + name.len())
        })
}

/// The definition whose name or reference covers `offset` in `file`.
fn find_at(index: &Index, file: FileId, offset: usize) -> Option<(usize, Span)> {
    let covers = |s: Span| (s.start as usize) <= offset && offset <= s.end as usize;
    if let Some(r) = index.refs.iter().find(|r| r.file == file && covers(r.span)) {
        return Some((r.def, r.span));
    }
    index
        .defs
        .iter()
        .enumerate()
        .find(|(_, d)| d.file == file && d.kind != DefKind::Ruleset && covers(d.span))
        .map(|(i, d)| (i, d.span))
}

/// Where `offset` of `from` is in `to`, when it lies in the common prefix or suffix of the
/// two texts (outside the edited region).
fn map_offset(from: &str, to: &str, offset: usize) -> Option<usize> {
    let prefix = from
        .bytes()
        .zip(to.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    if offset < prefix {
        return Some(offset);
    }
    let max_suffix = from.len().min(to.len()) - prefix;
    let suffix = from
        .bytes()
        .rev()
        .zip(to.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let from_suffix_start = from.len() - suffix;
    (offset >= from_suffix_start).then(|| offset - from_suffix_start + (to.len() - suffix))
}
