//! Golden tests of Socle rulesets (docs/GUIDE-TESTS.md): TOML case files with hand-written
//! expectations, checked by `socle check`; run by `socle test` and by `cargo test`, which also
//! compare each decision and its trace with an insta snapshot; rule coverage; human, JSON and
//! JUnit reports.
//!
//! ```text
//! let outcome = suite::test_ruleset(&mut session, ruleset, dir, &Options::default());
//! print!("{}", report::human(&[outcome], false));   // … « N passed, N failed »
//! ```

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod case;
pub mod coverage;
pub mod expect;
pub mod load;
pub mod overrides;
pub mod report;
pub mod run;
pub mod snapshot;
pub mod suite;
pub mod validate;

pub use coverage::CoverageReport;
pub use run::{Failure, RunResult};
pub use suite::{check_cases, test_ruleset, Options, RulesetOutcome};
