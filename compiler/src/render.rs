//! Diagnostics at the edge: codespan-reporting text and the JSON form. Line and column
//! numbers are computed only here.

use std::collections::HashMap;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, termcolor};
use serde_json::json;
use socle_grammar::Span;

use crate::db::Db;
use crate::diagnostic::{Diagnostic, FileId, Label, Severity};
use crate::shown::{self, clamp, line_col, Shown, ShownFile, ShownFiles};

pub fn render(db: &dyn Db, diagnostics: &[Diagnostic], color: bool) -> String {
    // Files whose text must be cut or escaped (rare): checked once each.
    let mut care: HashMap<FileId, bool> = HashMap::new();
    let config = term::Config::default();
    let mut out = String::new();
    for d in diagnostics {
        // The files of this diagnostic, each with the label offsets that fall in it.
        let mut order: Vec<(FileId, Vec<usize>)> = Vec::new();
        for (file, span) in std::iter::once((d.primary.file, d.primary.span))
            .chain(d.labels.iter().map(|l| (l.file, l.span)))
        {
            let range = clamp(file.0.text(db), span);
            match order.iter_mut().find(|(f, _)| *f == file) {
                Some((_, points)) => points.extend([range.start, range.end]),
                None => order.push((file, vec![range.start, range.end])),
            }
        }
        let files = ShownFiles(
            order
                .iter()
                .map(|(file, points)| {
                    let text = file.0.text(db).as_str();
                    let shown = care
                        .entry(*file)
                        .or_insert_with(|| shown::needs_care(text))
                        .then(|| Shown::new(text, points));
                    ShownFile::new(file.0.path(db).display().to_string(), text, shown)
                })
                .collect(),
        );
        let id_of = |f: FileId| order.iter().position(|(g, _)| *g == f).unwrap_or_default();
        let label = |file: FileId, span: Span| {
            let id = id_of(file);
            let range = clamp(file.0.text(db), span);
            let range = files.0.get(id).map_or(range.clone(), |f| f.range(range));
            (id, range)
        };
        let (primary_file, primary_range) = label(d.primary.file, d.primary.span);
        let mut labels = vec![cs::Label::primary(primary_file, primary_range)
            .with_message(shown::escape_hidden(&d.primary.message))];
        for l in &d.labels {
            let (fid, range) = label(l.file, l.span);
            labels.push(
                cs::Label::secondary(fid, range).with_message(shown::escape_hidden(&l.message)),
            );
        }
        let severity = match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let diag = cs::Diagnostic::new(severity)
            .with_code(d.code)
            .with_message(shown::escape_hidden(&d.message))
            .with_labels(labels)
            .with_notes(d.notes.iter().map(|n| shown::escape_hidden(n)).collect());
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
                    shown::escape_hidden(&d.message),
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
