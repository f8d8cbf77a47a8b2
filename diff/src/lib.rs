//! `socle diff`: what a new version of a ruleset changes on a population of dossiers, and why.
//!
//! Every dossier of a JSON Lines file is decided with both versions (`AVANT`, `APRÈS`); per
//! dispositif the report counts the dossiers that become eligible, ineligible or
//! indéterminé, the changes of the dispositif's amount (count, min, median, max, monthly and
//! yearly totals, a histogram) and, for each changed dossier, the **cause**: walking the two
//! decisions' traces from the condition or value that differs down the rules it used, the
//! first parameter version, barème tranche, condition or rule whose result differs.
//!
//! The dossiers are streamed: memory holds the aggregates (one entry per distinct amount
//! change, per distinct cause, and the first examples), never the dossiers. A dossier is
//! decided without trace first; only the few that change are decided again with traces.
//!
//! [`population`] generates the synthetic dossiers such a diff runs on, from the ruleset's
//! input schema. Rendering: [`text`] (the French summary), [`html`] (a static report with SVG
//! histograms); the JSON form is [`Report`] serialised.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod amount;
mod cause;
mod compare;
pub mod html;
pub mod population;
mod report;
mod source;
pub mod text;

use std::io::BufRead;

use chrono::NaiveDate;
use socle_runtime::Engine;

pub use cause::Cause;
pub use compare::Status;
pub use report::{
    AmountReport, Bin, CauseCount, Change, DispositifReport, InvalidLine, Report, Side,
};
pub use source::{compile_dir, Source};

/// Why a diff cannot be made. Messages are French: the policy team reads them.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// A ruleset path that is not a directory.
    #[error("{0} : dossier de jeu de règles introuvable")]
    NotADirectory(String),
    /// A ruleset that cannot be read.
    #[error("{label} : lecture impossible ({message})")]
    Load {
        /// The version, as named on the command line.
        label: String,
        /// What went wrong.
        message: String,
    },
    /// A ruleset that does not compile.
    #[error("le jeu de règles {label} ne compile pas ({count} erreur(s))")]
    Compile {
        /// The version, as named on the command line.
        label: String,
        /// How many errors.
        count: usize,
        /// The diagnostics, rendered.
        rendered: String,
    },
    /// A git revision that cannot be read.
    #[error("git : {0}")]
    Git(String),
    /// The dossiers file cannot be read.
    #[error("lecture des dossiers impossible après la ligne {line} ({message})")]
    Read {
        /// The last line read.
        line: u64,
        /// What went wrong.
        message: String,
    },
}

/// How to compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Decide every dossier at this date instead of its own `date_demande`.
    pub date: Option<NaiveDate>,
    /// How many changed dossiers to list per dispositif.
    pub examples: usize,
    /// How the two versions are named in the report.
    pub before_label: String,
    /// See `before_label`.
    pub after_label: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            date: None,
            examples: 10,
            before_label: "avant".to_owned(),
            after_label: "après".to_owned(),
        }
    }
}

/// The longest dossier line read, like `socle batch` (1 MiB).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Decides every dossier of `dossiers` (JSON Lines) with both engines and reports what changed.
pub fn diff(
    before: &Engine,
    after: &Engine,
    dossiers: &mut dyn BufRead,
    options: &Options,
) -> Result<Report, DiffError> {
    let comparer = compare::Comparer::new(before, after, options.date);
    let mut report = report::Builder::new(&comparer, options);
    let mut line = 0u64;
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        let read = read_line(dossiers, &mut buffer).map_err(|e| DiffError::Read {
            line,
            message: e.to_string(),
        })?;
        let Some(complete) = read else { break };
        line += 1;
        if !complete {
            report.invalid(line, "ligne de plus de 1 Mio".to_owned());
            continue;
        }
        let Ok(text) = std::str::from_utf8(&buffer) else {
            report.invalid(line, "ligne qui n'est pas en UTF-8".to_owned());
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match comparer.compare(text) {
            Ok(outcome) => report.add(line, outcome),
            Err(message) => report.invalid(line, message),
        }
    }
    Ok(report.finish())
}

/// Reads one line into `buffer` (without its end of line), at most [`MAX_LINE_BYTES`]:
/// `Some(false)` for a longer line (the rest is skipped), `None` at the end of the input.
fn read_line(input: &mut dyn BufRead, buffer: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    use std::io::Read;
    let limit = MAX_LINE_BYTES as u64 + 1;
    let n = (&mut *input).take(limit).read_until(b'\n', buffer)?;
    if n == 0 {
        return Ok(None);
    }
    if buffer.last() == Some(&b'\n') {
        buffer.pop();
        if buffer.last() == Some(&b'\r') {
            buffer.pop();
        }
        return Ok(Some(true));
    }
    if buffer.len() > MAX_LINE_BYTES {
        let mut rest = Vec::new();
        while (&mut *input).take(limit).read_until(b'\n', &mut rest)? > 0 {
            if rest.last() == Some(&b'\n') {
                break;
            }
            rest.clear();
        }
        return Ok(Some(false));
    }
    Ok(Some(true))
}
