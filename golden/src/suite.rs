//! A ruleset's whole test suite: find its case files, check them, run the cases, collect
//! coverage and stale snapshots.

use std::path::{Path, PathBuf};

use socle_compiler::{Diagnostic, RulesetId, Session, Severity};
use socle_runtime::{Coverage, Engine};

use crate::case::CaseFile;
use crate::coverage::CoverageReport;
use crate::load::parse_case_file;
use crate::run::{run_case, Failure, RunResult};
use crate::snapshot;
use crate::validate::case_diagnostics;

/// What `socle test` was asked to do.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Run only the cases whose name (`id` or `id@date`) contains this text.
    pub filter: Option<String>,
    /// Rewrite the snapshots of the cases run (and delete stale ones on a full run).
    pub bless: bool,
    /// Measures each case (`RunResult::elapsed`) with this clock; the library reads none.
    pub clock: Option<fn() -> std::time::Instant>,
}

/// Everything `socle test` reports for one ruleset.
#[derive(Clone, Debug)]
pub struct RulesetOutcome {
    pub name: String,
    pub dir: PathBuf,
    /// Rendered compiler errors, when the ruleset does not compile: no case runs.
    pub compile_errors: Option<String>,
    /// Case files that could not be read entirely, with their rendered diagnostics.
    pub file_errors: Vec<(PathBuf, String)>,
    pub results: Vec<RunResult>,
    /// Snapshots no case claims any more (deleted by a full `--bless`).
    pub orphans: Vec<PathBuf>,
    pub coverage: Option<CoverageReport>,
}

impl RulesetOutcome {
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }

    /// Failed cases, plus one per unreadable case file, plus one if the ruleset does not compile.
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| !r.passed()).count()
            + self.file_errors.len()
            + usize::from(self.compile_errors.is_some())
    }
}

/// Every case file of a ruleset: `*.toml` under `tests/` (recursively, not `tests/snapshots/`),
/// sorted by path.
pub fn case_file_paths(ruleset_dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![ruleset_dir.join("tests")];
    let snapshots = snapshot::snapshot_dir(ruleset_dir);
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() && path != snapshots {
                pending.push(path);
            } else if path.is_file() && path.extension().is_some_and(|x| x == "toml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Reads and parses a ruleset's case files; the files join the session so that diagnostics
/// about them render like the compiler's.
pub fn load_case_files(
    session: &mut Session,
    ruleset_dir: &Path,
) -> (Vec<CaseFile>, Vec<(PathBuf, Vec<Diagnostic>)>) {
    load_case_files_with(session, ruleset_dir, &[])
}

/// [`load_case_files`], with the text of some case files given (an editor's unsaved
/// buffers) instead of read from disk.
pub fn load_case_files_with(
    session: &mut Session,
    ruleset_dir: &Path,
    texts: &[(PathBuf, String)],
) -> (Vec<CaseFile>, Vec<(PathBuf, Vec<Diagnostic>)>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in case_file_paths(ruleset_dir) {
        let given = texts
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, t)| t.clone());
        let text = match given.map_or_else(|| std::fs::read_to_string(&path), Ok) {
            Ok(t) => t,
            Err(e) => {
                let file = session.add_data_file(&path, String::new());
                let d = Diagnostic::error(
                    socle_compiler::codes::CASE_TOML,
                    file,
                    socle_compiler::Span::new(0, 0),
                    format!("impossible de lire ce fichier de cas : {e}"),
                );
                problems.push((path, vec![d]));
                continue;
            }
        };
        let file = session.add_data_file(&path, text.clone());
        let (case_file, diagnostics) = parse_case_file(&path, file, &text);
        if !diagnostics.is_empty() {
            problems.push((path, diagnostics));
        }
        files.push(case_file);
    }
    (files, problems)
}

/// What `socle check` adds for a ruleset directory: every diagnostic of its case files. The
/// checks that need the compiled ruleset are skipped when it does not compile (its own errors
/// are reported anyway).
pub fn check_cases(session: &mut Session, ruleset: RulesetId, dir: &Path) -> Vec<Diagnostic> {
    let (files, problems) = load_case_files(session, dir);
    let mut out: Vec<Diagnostic> = problems.into_iter().flat_map(|(_, d)| d).collect();
    if let Some(engine) = engine(session, ruleset).ok().flatten() {
        out.extend(case_diagnostics(&engine, &files).into_iter().flatten());
    }
    out
}

/// The engine, `Ok(None)` when the ruleset compiles to nothing usable, `Err` with its errors.
fn engine(session: &Session, ruleset: RulesetId) -> Result<Option<Engine>, Vec<Diagnostic>> {
    let (program, diagnostics) = session.compile(ruleset);
    let errors: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(program.and_then(|p| Engine::new(p).ok()))
}

/// Loads, checks and runs every case of a ruleset directory.
pub fn test_ruleset(
    session: &mut Session,
    ruleset: RulesetId,
    dir: &Path,
    options: &Options,
) -> RulesetOutcome {
    test_ruleset_with(session, ruleset, dir, options, &[])
}

/// [`test_ruleset`], with the text of some case files given (an editor's unsaved buffers)
/// instead of read from disk.
pub fn test_ruleset_with(
    session: &mut Session,
    ruleset: RulesetId,
    dir: &Path,
    options: &Options,
    texts: &[(PathBuf, String)],
) -> RulesetOutcome {
    let mut outcome = RulesetOutcome {
        name: session.ruleset_name(ruleset),
        dir: dir.to_path_buf(),
        compile_errors: None,
        file_errors: Vec::new(),
        results: Vec::new(),
        orphans: Vec::new(),
        coverage: None,
    };
    let engine = match engine(session, ruleset) {
        Ok(Some(engine)) => engine,
        Ok(None) => {
            outcome.compile_errors = Some("le programme compilé est invalide".into());
            return outcome;
        }
        Err(errors) => {
            outcome.compile_errors = Some(session.render(&errors, false));
            return outcome;
        }
    };
    let (files, problems) = load_case_files_with(session, dir, texts);
    outcome.file_errors = problems
        .iter()
        .map(|(path, diags)| (path.clone(), session.render(diags, false)))
        .collect();
    let per_case = case_diagnostics(&engine, &files);
    let mut coverage = Coverage::new(engine.program());
    let mut all_names = Vec::new();
    let cases = files.iter().flat_map(|f| &f.cases);
    for (case, diagnostics) in cases.zip(per_case) {
        let names: Vec<String> = case.dates.iter().map(|d| case.run_name(d.date)).collect();
        all_names.extend(names.iter().cloned());
        let selected = match &options.filter {
            Some(f) => names.iter().any(|n| n.contains(f.as_str())),
            None => true,
        };
        if !selected {
            continue;
        }
        let line = {
            let text = session.file_text(case.file);
            let start = (case.id_span.start as usize).min(text.len());
            text.get(..start)
                .map(|before| before.matches('\n').count() + 1)
        };
        if diagnostics.is_empty() {
            let start = options.clock.map(|now| now());
            let mut results = run_case(&engine, case, dir, &mut coverage, options.bless);
            // A sweep's dates are decided together: each gets its share of the time.
            let share = start.zip(options.clock).map(|(start, now)| {
                (now() - start) / u32::try_from(results.len().max(1)).unwrap_or(u32::MAX)
            });
            for r in &mut results {
                r.line = line;
                r.elapsed = share;
            }
            if let Some(f) = &options.filter {
                results.retain(|r| r.name.contains(f.as_str()));
            }
            outcome.results.extend(results);
        } else {
            outcome.results.push(RunResult {
                name: case.id.clone(),
                case_id: case.id.clone(),
                source: case.source.clone(),
                path: case.path.clone(),
                date: None,
                failures: vec![Failure::Invalid {
                    diagnostics: session.render(&diagnostics, false),
                }],
                snapshot: None,
                line,
                elapsed: None,
            });
        }
    }
    // Cases of an unreadable file are unknown: their snapshots are not stale.
    if outcome.file_errors.is_empty() {
        outcome.orphans = snapshot::orphans(dir, &all_names);
        if options.bless && options.filter.is_none() {
            outcome.orphans.retain(|p| std::fs::remove_file(p).is_err());
        }
    }
    outcome.coverage = Some(CoverageReport::new(engine.program(), &coverage));
    outcome
}
