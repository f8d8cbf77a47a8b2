//! Golden tests from the editor: the code lenses « ▶ tester » on each case of a test-case file
//! and on each dispositif of a ruleset, and the `socle.tester` command they carry, which runs
//! the golden harness in the server on the texts as edited (open documents, the disk for the
//! others), then publishes each failing case as a diagnostic on its `id` line.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use lsp_types::{
    CodeLens, Command, Diagnostic, DiagnosticSeverity, MessageType, Position, Range, Url,
};
use serde_json::{json, Value};
use socle_compiler::ide::DefKind;
use socle_golden::load::parse_case_file;
use socle_golden::suite::{load_case_files_with, test_ruleset_with, Options};
use socle_golden::RunResult;

use crate::convert::LineIndex;
use crate::Server;

/// The command of every lens: arguments `[ruleset dir, case id or null, dispositif or null]`.
pub const COMMAND: &str = "socle.tester";

/// The source of the diagnostics of failing cases.
const SOURCE: &str = "socle test";

/// The failures of the last runs: case file → case run name (`id` or `id@date`) → diagnostic.
pub(crate) type Failures = BTreeMap<PathBuf, BTreeMap<String, Diagnostic>>;

fn lens(
    range: Range,
    title: String,
    dir: &Path,
    case: Option<&str>,
    dispositif: Option<&str>,
) -> CodeLens {
    CodeLens {
        range,
        command: Some(Command {
            title,
            command: COMMAND.to_owned(),
            arguments: Some(vec![
                json!(dir.to_string_lossy()),
                json!(case),
                json!(dispositif),
            ]),
        }),
        data: None,
    }
}

/// The lenses of a document: one per case of a case file, one per dispositif of a `.socle`
/// file.
pub(crate) fn lenses(server: &mut Server, uri: &Url) -> Vec<CodeLens> {
    let Ok(path) = uri.to_file_path() else {
        return Vec::new();
    };
    if crate::cases::is_case_file(&path) {
        let text = match server.cases.get(uri) {
            Some((text, _)) => text.clone(),
            None => std::fs::read_to_string(&path).unwrap_or_default(),
        };
        return case_lenses(server, &path, &text);
    }
    if path.extension().is_some_and(|e| e == "socle") {
        return dispositif_lenses(server, &path);
    }
    Vec::new()
}

fn case_lenses(server: &mut Server, path: &Path, text: &str) -> Vec<CodeLens> {
    let Some(dir) = path.parent().and_then(Path::parent) else {
        return Vec::new();
    };
    let Some((session, _)) = server.host.ruleset_session(dir) else {
        return Vec::new();
    };
    let file = session.add_data_file(path, text.to_owned());
    let (cases, _) = parse_case_file(path, file, text);
    let lines = LineIndex::new(text);
    cases
        .cases
        .iter()
        .map(|case| {
            let range = lines.range(case.id_span);
            let line = Range::new(Position::new(range.start.line, 0), range.start);
            lens(
                line,
                "▶ tester ce cas".to_owned(),
                dir,
                Some(&case.id),
                None,
            )
        })
        .collect()
}

fn dispositif_lenses(server: &mut Server, path: &Path) -> Vec<CodeLens> {
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    let text = server.host.text(path).unwrap_or_default();
    let mut pending = server.host.document_symbols(path);
    let mut found = Vec::new();
    while let Some(symbol) = pending.pop() {
        if symbol.kind == DefKind::Dispositif {
            found.push((symbol.name.clone(), symbol.name_span));
        }
        pending.extend(symbol.children);
    }
    if found.is_empty() {
        return Vec::new();
    }
    let texts = open_case_files(server);
    let counts = match server.host.ruleset_session(dir) {
        Some((session, _)) => {
            let (files, _) = load_case_files_with(session, dir, &texts);
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for case in files.iter().flat_map(|f| &f.cases) {
                for name in concerned(case) {
                    *counts.entry(name).or_default() += 1;
                }
            }
            counts
        }
        None => return Vec::new(),
    };
    let lines = LineIndex::new(&text);
    found.sort_by_key(|(_, span)| span.start);
    found
        .into_iter()
        .map(|(name, span)| {
            let n = counts.get(&name).copied().unwrap_or(0);
            lens(
                lines.range(span),
                format!("▶ tester ({n} cas)"),
                dir,
                None,
                Some(&name),
            )
        })
        .collect()
}

/// The editor's text of the open case files, which the runs use instead of the disk's.
fn open_case_files(server: &Server) -> Vec<(PathBuf, String)> {
    server
        .cases
        .iter()
        .filter_map(|(uri, (text, _))| Some((uri.to_file_path().ok()?, text.clone())))
        .collect()
}

/// The dispositifs a case checks.
fn concerned(case: &socle_golden::case::Case) -> HashSet<String> {
    case.attendu
        .iter()
        .chain(case.par_date.iter().flat_map(|d| &d.attendu))
        .map(|e| e.dispositif.clone())
        .collect()
}

/// What a run leaves to the message loop.
pub(crate) struct Ran {
    /// The summary, also the command's result: « 12 cas réussis, 1 échoué ».
    pub summary: String,
    pub failed: bool,
    /// Case files whose diagnostics changed.
    pub files: Vec<Url>,
}

/// Runs `socle.tester` with its arguments.
pub(crate) fn execute(server: &mut Server, arguments: &[Value]) -> Result<Ran, String> {
    let dir = arguments
        .first()
        .and_then(Value::as_str)
        .map(PathBuf::from)
        .ok_or("socle.tester attend le dossier du jeu de règles en premier argument")?;
    let case = arguments.get(1).and_then(Value::as_str).map(str::to_owned);
    let dispositif = arguments.get(2).and_then(Value::as_str).map(str::to_owned);
    let texts = open_case_files(server);
    let Some((session, ruleset)) = server.host.ruleset_session(&dir) else {
        return Err(format!("aucun jeu de règles chargé dans {}", dir.display()));
    };
    // Only the cases of that dispositif: their ids, from the case files.
    let wanted: Option<HashSet<String>> = dispositif.as_ref().map(|d| {
        let (files, _) = load_case_files_with(session, &dir, &texts);
        files
            .iter()
            .flat_map(|f| &f.cases)
            .filter(|c| concerned(c).contains(d))
            .map(|c| c.id.clone())
            .collect()
    });
    let options = Options {
        filter: case.clone(),
        ..Options::default()
    };
    let mut outcome = test_ruleset_with(session, ruleset, &dir, &options, &texts);
    outcome.results.retain(|r| {
        case.as_ref().is_none_or(|c| r.case_id == *c)
            && wanted.as_ref().is_none_or(|w| w.contains(&r.case_id))
    });
    let mut files = Vec::new();
    // A whole run also forgets the failures of cases that are gone.
    if case.is_none() && dispositif.is_none() && outcome.compile_errors.is_none() {
        for (path, entry) in server.failures.iter_mut() {
            if path.starts_with(&dir) && !entry.is_empty() {
                entry.retain(|name, _| outcome.results.iter().any(|r| r.name == *name));
                if let Ok(uri) = Url::from_file_path(path) {
                    files.push(uri);
                }
            }
        }
    }
    for r in &outcome.results {
        let entry = server.failures.entry(r.path.clone()).or_default();
        if r.passed() {
            entry.remove(&r.name);
        } else {
            let text = texts
                .iter()
                .find(|(p, _)| *p == r.path)
                .map(|(_, t)| t.clone())
                .or_else(|| std::fs::read_to_string(&r.path).ok())
                .unwrap_or_default();
            entry.insert(r.name.clone(), diagnostic(r, &text));
        }
        if let Ok(uri) = Url::from_file_path(&r.path) {
            if !files.contains(&uri) {
                files.push(uri);
            }
        }
    }
    let passed = outcome.passed();
    let failed = outcome.failed();
    let mut summary = format!(
        "{passed} cas réussi{}, {failed} échoué{}",
        if passed > 1 { "s" } else { "" },
        if failed > 1 { "s" } else { "" }
    );
    if outcome.compile_errors.is_some() {
        summary.push_str(" (le jeu de règles ne compile pas)");
    } else if !outcome.file_errors.is_empty() {
        summary.push_str(" (fichier de cas illisible : voir ses diagnostics)");
    }
    Ok(Ran {
        summary,
        failed: failed > 0,
        files,
    })
}

/// The diagnostic of a failing case, on its `id` line.
fn diagnostic(r: &RunResult, text: &str) -> Diagnostic {
    let index = r.line.unwrap_or(1).saturating_sub(1);
    let line = u32::try_from(index).unwrap_or(0);
    let width = text
        .lines()
        .nth(index)
        .map_or(0, |l| l.trim_end_matches('\r').encode_utf16().count());
    let end = u32::try_from(width).unwrap_or(0);
    let mut message = format!("cas {} en échec", r.name);
    for f in &r.failures {
        message.push('\n');
        message.push_str(&f.summary());
    }
    if let Some(status) = r.snapshot.as_ref().filter(|s| s.is_failure()) {
        message.push_str(match status {
            socle_golden::snapshot::SnapshotStatus::Missing => {
                "\ninstantané absent (relisez la décision puis `socle test --bless`)"
            }
            _ => "\ninstantané différent de la décision obtenue (`socle test` pour le détail)",
        });
    }
    Diagnostic {
        range: Range::new(Position::new(line, 0), Position::new(line, end)),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_owned()),
        message,
        ..Default::default()
    }
}

/// The message type of a run's summary.
pub(crate) fn message_type(ran: &Ran) -> MessageType {
    if ran.failed {
        MessageType::ERROR
    } else {
        MessageType::INFO
    }
}

/// The diagnostics of the last runs on a case file.
pub(crate) fn failures_of(server: &Server, path: &Path) -> Vec<Diagnostic> {
    server
        .failures
        .get(path)
        .map(|m| m.values().cloned().collect())
        .unwrap_or_default()
}
