//! Editing aids that read the source map without typing anything new: signature help inside a
//! call, the occurrences of the name under the cursor, and folding ranges.

use std::path::Path;

use socle_grammar::lexemes::{lexemes, LexemeKind};
use socle_grammar::Span;

use super::index::DefKind;
use super::Host;
use crate::diagnostic::FileId;
use crate::typeck::builtins::builtin_doc_named;

/// The signature of the function called around the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHelp {
    /// `plafond_apa(gir : entier) : montant €/mois`
    pub label: String,
    /// Markdown: the built-in's French documentation or the function's doc comment.
    pub documentation: Option<String>,
    /// Each parameter as a byte range of `label`.
    pub parameters: Vec<(usize, usize)>,
    /// The argument the cursor is in (0-based).
    pub active: usize,
}

/// What a folding range covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    Declaration,
    Comment,
}

impl Host {
    /// The signature of the built-in or user function whose call's parentheses hold `offset`.
    pub fn signature_help(&mut self, path: &Path, offset: usize) -> Option<SignatureHelp> {
        let text = self.text(path)?;
        let before = text.get(..offset)?;
        // The innermost `(` not closed before the cursor, and the commas at its depth.
        let (mut depth, mut commas, mut open) = (0usize, 0usize, None);
        for (i, c) in before.char_indices().rev() {
            match c {
                ')' | ']' | '}' => depth += 1,
                '(' | '[' | '{' if depth > 0 => depth -= 1,
                '(' => {
                    open = Some(i);
                    break;
                }
                '[' | '{' => return None,
                ',' if depth == 0 => commas += 1,
                '\n' if before.get(i + 1..).is_some_and(|l| !l.starts_with(' ')) => return None,
                _ => {}
            }
        }
        let open = open?;
        let head = before.get(..open)?;
        let name_start = head
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .last()
            .map(|(i, _)| i)?;
        let name = head.get(name_start..)?;
        if let Some(b) = builtin_doc_named(name).filter(|b| b.is_function) {
            return Some(SignatureHelp {
                label: b.signature.to_owned(),
                documentation: Some(b.doc.to_owned()),
                parameters: parameter_ranges(b.signature),
                active: commas,
            });
        }
        let (index, def, _) = self.lookup(path, name_start)?;
        let d = index
            .defs
            .get(def)
            .filter(|d| d.kind == DefKind::Function)?;
        let decl_text = self.text(&self.path_of(d.file))?;
        let first_line = decl_text
            .get(d.full_span.range())?
            .lines()
            .next()?
            .trim_start_matches("fonction")
            .trim();
        let label = first_line
            .split(" #")
            .next()
            .unwrap_or(first_line)
            .to_owned();
        Some(SignatureHelp {
            parameters: parameter_ranges(&label),
            label,
            documentation: None,
            active: commas,
        })
    }

    /// Inlay hints: after each use of a dated parameter in `span` of `path`, its value in
    /// force at `date` (the caller's today; the library has no clock), as (offset, label).
    pub fn inlay_hints(
        &mut self,
        path: &Path,
        span: Span,
        date: chrono::NaiveDate,
    ) -> Vec<(usize, String)> {
        let Some(f) = self.source(path) else {
            return Vec::new();
        };
        let index = self.index();
        index
            .refs
            .iter()
            .filter(|r| r.file == FileId(f) && span.start <= r.span.start && r.span.end <= span.end)
            .filter_map(|r| {
                let value = super::features::param_value_at(&self.session, &index, r.def, date)?;
                Some((r.span.end as usize, format!("= {value}")))
            })
            .collect()
    }

    /// « Ajouter une source » for a parameter, barème or dispositif under `offset` that
    /// cites none: a `source "…"` line under its first line.
    pub fn add_source(&mut self, path: &Path, offset: usize) -> Option<crate::Fix> {
        let f = self.source(path)?;
        let index = self.index();
        let (at, text) = super::features::missing_source(&self.session, &index, f, offset)?;
        Some(crate::Fix {
            span: Span::new(at, at),
            text,
            title: "Ajouter une source".to_owned(),
        })
    }

    /// Every occurrence, in `path`, of the name under `offset` (its declaration included).
    pub fn document_highlight(&mut self, path: &Path, offset: usize) -> Vec<Span> {
        let path = super::canonical(path);
        self.references(&path, offset, true)
            .into_iter()
            .filter(|l| l.path == path)
            .map(|l| l.span)
            .collect()
    }

    /// Folding ranges as (first line, last line, kind), 0-based: declarations and dispositif
    /// items of several lines, and runs of two or more comment lines.
    pub fn folding_ranges(&mut self, path: &Path) -> Vec<(u32, u32, FoldKind)> {
        let Some(f) = self.source(path) else {
            return Vec::new();
        };
        let text = f.text(&self.session.db).clone();
        let line_of = |offset: u32| {
            text.get(..offset as usize)
                .map_or(0, |b| b.matches('\n').count() as u32)
        };
        let index = self.index();
        let mut out: Vec<(u32, u32, FoldKind)> = index
            .defs
            .iter()
            .filter(|d| d.file == FileId(f) && d.kind != DefKind::Ruleset)
            .map(|d| {
                // A declaration's span may end after its last newline.
                let end = text
                    .get(..d.full_span.end as usize)
                    .map_or(d.full_span.end, |t| t.trim_end().len() as u32);
                (
                    line_of(d.full_span.start),
                    line_of(end),
                    FoldKind::Declaration,
                )
            })
            .filter(|(a, b, _)| b > a)
            .collect();
        let mut run: Option<(u32, u32)> = None;
        for (kind, span) in lexemes(&text) {
            if !matches!(kind, LexemeKind::Comment | LexemeKind::DocComment) {
                continue;
            }
            let line = line_of(span.start);
            run = match run {
                Some((start, last)) if line == last + 1 => Some((start, line)),
                Some((start, last)) => {
                    if last > start {
                        out.push((start, last, FoldKind::Comment));
                    }
                    Some((line, line))
                }
                None => Some((line, line)),
            };
        }
        if let Some((start, last)) = run.filter(|(s, l)| l > s) {
            out.push((start, last, FoldKind::Comment));
        }
        out.sort_unstable_by_key(|(a, b, _)| (*a, *b));
        out.dedup();
        out
    }
}

/// The byte ranges of the parameters between the first `(` and its `)` of a signature.
fn parameter_ranges(label: &str) -> Vec<(usize, usize)> {
    let Some(open) = label.find('(') else {
        return Vec::new();
    };
    let close = label.rfind(')').unwrap_or(label.len());
    let Some(inside) = label.get(open + 1..close) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start = open + 1;
    for part in inside.split(',') {
        let trimmed_start = start + (part.len() - part.trim_start().len());
        let end = start + part.trim_end().len();
        if end > trimmed_start {
            out.push((trimmed_start, end));
        }
        start += part.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parameter_ranges;

    #[test]
    fn parameters_are_the_comma_separated_parts_between_parentheses() {
        let label = "jours_entre(début : date, fin : date) : durée";
        let parts: Vec<&str> = parameter_ranges(label)
            .into_iter()
            .filter_map(|(a, b)| label.get(a..b))
            .collect();
        assert_eq!(parts, ["début : date", "fin : date"]);
        assert!(parameter_ranges("aujourd_hui : date").is_empty());
    }
}
