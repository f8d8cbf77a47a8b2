//! `socle test`: the golden tests of rulesets (docs/GUIDE-TESTS.md). The last line of the human
//! report is exactly `N passed, N failed`; with `--format json|junit` stdout holds only the
//! document and that line goes to stderr.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use socle_compiler::{RulesetId, Session};
use socle_golden::{report, suite, Options, RulesetOutcome};

use crate::check::relative_text;
use crate::discover::{self, Target};
use crate::exit::{usage_error, Status};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Human,
    Json,
    Junit,
}

pub struct TestArgs {
    pub paths: Vec<PathBuf>,
    pub filter: Option<String>,
    pub format: TestFormat,
    pub coverage: bool,
    pub bless: bool,
    /// Fail (exit 1) when a ruleset's coverage is under this percentage.
    pub threshold: Option<f64>,
    /// Write the coverage as an lcov tracefile here.
    pub lcov: Option<PathBuf>,
}

pub fn run(args: TestArgs) -> Status {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("rulesets")]
    } else {
        args.paths
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    for path in &paths {
        let targets = match discover::targets(path) {
            Ok(t) => t,
            Err(e) => return usage_error(e),
        };
        for target in targets {
            match target {
                Target::RulesetDir(dir) if !dirs.contains(&dir) => dirs.push(dir),
                Target::RulesetDir(_) => {}
                Target::File(file) => {
                    return usage_error(format!(
                        "{} : `socle test` attend un dossier de jeu de règles (ses cas sont dans tests/)",
                        file.display()
                    ))
                }
            }
        }
    }
    let options = Options {
        filter: args.filter,
        bless: args.bless,
        clock: Some(std::time::Instant::now),
    };
    let mut session = Session::new();
    let mut outcomes = Vec::new();
    let mut rulesets = Vec::new();
    for dir in &dirs {
        let ruleset = match discover::load(&mut session, &Target::RulesetDir(dir.clone())) {
            Ok(r) => r,
            Err(e) => return usage_error(e),
        };
        outcomes.push(suite::test_ruleset(&mut session, ruleset, dir, &options));
        rulesets.push(ruleset);
    }
    if let Some(path) = &args.lcov {
        let text = lcov(&session, &rulesets, &outcomes);
        if let Err(e) = std::fs::write(path, text) {
            return usage_error(format!("{} : écriture impossible ({e})", path.display()));
        }
    }
    for outcome in &mut outcomes {
        relativize(outcome);
    }
    match args.format {
        TestFormat::Human => out!("{}", report::human(&outcomes, args.coverage)),
        TestFormat::Json => {
            outln!("{}", report::json(&outcomes, args.coverage));
            eprintln!("{}", report::summary_line(&outcomes));
        }
        TestFormat::Junit => {
            out!("{}", report::junit(&outcomes));
            if args.coverage {
                for coverage in outcomes.iter().filter_map(|o| o.coverage.as_ref()) {
                    eprint!("{}", coverage.to_text());
                }
            }
            eprintln!("{}", report::summary_line(&outcomes));
        }
    }
    let (_, failed) = report::totals(&outcomes);
    let mut under = false;
    if let Some(threshold) = args.threshold {
        for coverage in outcomes.iter().filter_map(|o| o.coverage.as_ref()) {
            let percent = coverage.percent();
            if percent < threshold {
                under = true;
                eprintln!(
                    "erreur : couverture de {} : {} %, sous le seuil de {} % (--seuil)",
                    coverage.ruleset,
                    french_number(percent),
                    french_number(threshold)
                );
            }
        }
    }
    if failed > 0 || under {
        Status::Failure
    } else {
        Status::Ok
    }
}

/// `85,3`, `90`: one decimal at most, with a French decimal comma.
fn french_number(x: f64) -> String {
    let text = format!("{:.1}", (x * 10.0).floor() / 10.0);
    text.trim_end_matches(".0").replace('.', ",")
}

/// The rule coverage of every ruleset as one lcov tracefile, with paths as shown elsewhere.
fn lcov(session: &Session, rulesets: &[RulesetId], outcomes: &[RulesetOutcome]) -> String {
    let mut out = String::new();
    for (ruleset, outcome) in rulesets.iter().zip(outcomes) {
        let Some(coverage) = &outcome.coverage else {
            continue;
        };
        let locate = |name: &str| -> Option<(String, usize)> {
            let (path, span) = session.locate(*ruleset, name)?;
            let text = std::fs::read_to_string(&path).ok()?;
            let before = text.get(..(span.start as usize).min(text.len()))?;
            Some((shown(&path), before.matches('\n').count() + 1))
        };
        out.push_str(&coverage.to_lcov(&locate));
    }
    out
}

/// `path` relative to the current directory when it is under it, as every report shows it.
pub fn shown(path: &Path) -> String {
    let relative = std::env::current_dir().ok().and_then(|cwd| {
        let cwd = cwd.canonicalize().unwrap_or(cwd);
        let full = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        full.strip_prefix(&cwd).ok().map(Path::to_path_buf)
    });
    relative
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

fn relativize(outcome: &mut RulesetOutcome) {
    let fix = |p: &mut PathBuf| *p = PathBuf::from(shown(p));
    fix(&mut outcome.dir);
    if let Some(errors) = &mut outcome.compile_errors {
        *errors = relative_text(errors);
    }
    for (path, diagnostics) in &mut outcome.file_errors {
        fix(path);
        *diagnostics = relative_text(diagnostics);
    }
    for result in &mut outcome.results {
        fix(&mut result.path);
    }
    for orphan in &mut outcome.orphans {
        fix(orphan);
    }
}
