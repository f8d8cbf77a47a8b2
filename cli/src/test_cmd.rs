//! `socle test`: the golden tests of rulesets (docs/GUIDE-TESTS.md). The last line of the human
//! report is exactly `N passed, N failed`; with `--format json|junit` stdout holds only the
//! document and that line goes to stderr.

use std::path::PathBuf;

use clap::ValueEnum;
use socle_compiler::Session;
use socle_golden::{report, suite, Options};

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
    };
    let mut session = Session::new();
    let mut outcomes = Vec::new();
    for dir in &dirs {
        let ruleset = match discover::load(&mut session, &Target::RulesetDir(dir.clone())) {
            Ok(r) => r,
            Err(e) => return usage_error(e),
        };
        outcomes.push(suite::test_ruleset(&mut session, ruleset, dir, &options));
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
    if failed > 0 {
        Status::Failure
    } else {
        Status::Ok
    }
}
