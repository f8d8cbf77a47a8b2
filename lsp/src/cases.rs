//! Diagnostics of a ruleset's test-case files (`<ruleset>/tests/*.toml`) as they are typed:
//! the golden harness's checks (E08xx: TOML, shape, dispositifs, outputs, motifs, dossiers,
//! duplicate ids), with the editor's text for the file being edited and the disk for the
//! others of the ruleset.

use std::path::Path;

use socle_compiler::ide::FileDiagnostic;
use socle_compiler::Severity;
use socle_golden::load::parse_case_file;
use socle_golden::suite::load_case_files;
use socle_golden::validate::case_diagnostics;

use crate::Server;

/// Whether `path` is a test-case file: `*.toml` in a `tests` folder.
pub(crate) fn is_case_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
        && path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "tests")
}

/// The diagnostics of case file `path` whose current text is `text`.
pub(crate) fn diagnostics(server: &mut Server, path: &Path, text: &str) -> Vec<FileDiagnostic> {
    let Some(ruleset_dir) = path.parent().and_then(Path::parent) else {
        return Vec::new();
    };
    let Some((session, ruleset)) = server.host.ruleset_session(ruleset_dir) else {
        return Vec::new();
    };
    let (mut files, _) = load_case_files(session, ruleset_dir);
    let file = session.add_data_file(path, text.to_owned());
    let (edited, mut out) = parse_case_file(path, file, text);
    files.retain(|f| f.path != path);
    files.push(edited);
    let (program, compiled) = session.compile(ruleset);
    // Checks against the ruleset need it to compile; its own errors show in its files.
    let compiles = !compiled.iter().any(|d| d.severity == Severity::Error);
    if let Some(engine) = program
        .filter(|_| compiles)
        .and_then(|p| socle_runtime::Engine::new(p).ok())
    {
        out.extend(case_diagnostics(&engine, &files).into_iter().flatten());
    }
    out.retain(|d| d.primary.file == file);
    out.iter()
        .map(|d| server.host.file_diagnostic_of(d))
        .collect()
}
