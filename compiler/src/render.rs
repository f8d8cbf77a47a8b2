//! Diagnostics at the edge: codespan-reporting text and the JSON form. Line and column
//! numbers are computed only here.

use std::collections::HashMap;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use serde_json::json;
use socle_grammar::Span;

use crate::db::Db;
use crate::diagnostic::{Diagnostic, FileId, Label, Severity};

/// A span clamped into the text and onto character boundaries, so that rendering never
/// fails on a bad span.
fn clamp(text: &str, span: Span) -> std::ops::Range<usize> {
    let fix = |mut i: usize| {
        i = i.min(text.len());
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = fix(span.start as usize);
    let end = fix(span.end as usize).max(start);
    start..end
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = clamp(text, Span::new(offset, offset)).start;
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

pub fn render(db: &dyn Db, diagnostics: &[Diagnostic], color: bool) -> String {
    let mut files = SimpleFiles::new();
    let mut ids: HashMap<FileId, usize> = HashMap::new();
    let mut id_of = |f: FileId, files: &mut SimpleFiles<String, String>| -> usize {
        *ids.entry(f)
            .or_insert_with(|| files.add(f.0.path(db).display().to_string(), f.0.text(db).clone()))
    };
    let config = term::Config::default();
    let mut out = String::new();
    for d in diagnostics {
        let primary_file = id_of(d.primary.file, &mut files);
        let mut labels = vec![cs::Label::primary(
            primary_file,
            clamp(d.primary.file.0.text(db), d.primary.span),
        )
        .with_message(d.primary.message.clone())];
        for l in &d.labels {
            let fid = id_of(l.file, &mut files);
            labels.push(
                cs::Label::secondary(fid, clamp(l.file.0.text(db), l.span))
                    .with_message(l.message.clone()),
            );
        }
        let severity = match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let diag = cs::Diagnostic::new(severity)
            .with_code(d.code)
            .with_message(d.message.clone())
            .with_labels(labels)
            .with_notes(d.notes.clone());
        let rendered = if color {
            let mut buffer = termcolor::Buffer::ansi();
            let styles = term::Styles::default();
            let mut writer = term::StylesWriter::new(&mut buffer, &styles);
            term::emit_to_write_style(&mut writer, &config, &files, &diag)
                .ok()
                .and_then(|()| String::from_utf8(buffer.into_inner()).ok())
        } else {
            term::emit_into_string(&config, &files, &diag).ok()
        };
        match rendered {
            Some(text) => out.push_str(&text),
            None => {
                let (line, col) =
                    line_col(d.primary.file.0.text(db), d.primary.span.start as usize);
                let kind = if d.is_error() {
                    "erreur"
                } else {
                    "avertissement"
                };
                out.push_str(&format!(
                    "{kind}[{}]: {}\n  --> {}:{line}:{col}\n",
                    d.code,
                    d.message,
                    d.primary.file.0.path(db).display()
                ));
            }
        }
    }
    out
}

fn position(db: &dyn Db, l: &Label) -> serde_json::Map<String, serde_json::Value> {
    let text = l.file.0.text(db);
    let range = clamp(text, l.span);
    let (line, col) = line_col(text, range.start);
    let (end_line, end_col) = line_col(text, range.end);
    let mut m = serde_json::Map::new();
    m.insert(
        "fichier".into(),
        json!(l.file.0.path(db).display().to_string()),
    );
    m.insert("ligne".into(), json!(line));
    m.insert("colonne".into(), json!(col));
    m.insert("fin_ligne".into(), json!(end_line));
    m.insert("fin_colonne".into(), json!(end_col));
    m
}

pub fn diagnostic_json(db: &dyn Db, d: &Diagnostic) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("code".into(), json!(d.code));
    m.insert(
        "severite".into(),
        json!(match d.severity {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
        }),
    );
    m.insert("message".into(), json!(d.message));
    m.extend(position(db, &d.primary));
    let labels: Vec<serde_json::Value> = d
        .labels
        .iter()
        .map(|l| {
            let mut p = position(db, l);
            p.insert("message".into(), json!(l.message));
            serde_json::Value::Object(p)
        })
        .collect();
    m.insert("etiquettes".into(), json!(labels));
    m.insert("notes".into(), json!(d.notes));
    serde_json::Value::Object(m)
}
