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
    /// How many threads decide dossiers (1: the calling thread only).
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            date: None,
            examples: 10,
            before_label: "avant".to_owned(),
            after_label: "après".to_owned(),
            threads: 1,
        }
    }
}

/// The longest dossier line read, like `socle batch` (1 MiB).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// How many dossiers are read before they are decided in parallel: enough to keep every
/// thread busy, few enough that memory stays flat whatever the size of the file.
const BATCH: usize = 4096;

/// A line read, before it is decided.
enum Line {
    Text(String),
    Invalid(String),
}

/// Decides every dossier of `dossiers` (JSON Lines) with both engines and reports what changed.
/// With several `threads`, each batch of lines is decided in parallel and added to the report
/// in line order, so the report is the same whatever the number of threads.
pub fn diff(
    before: &Engine,
    after: &Engine,
    dossiers: &mut dyn BufRead,
    options: &Options,
) -> Result<Report, DiffError> {
    let comparer = compare::Comparer::new(before, after, options.date);
    let mut report = report::Builder::new(&comparer, options);
    let threads = options.threads.max(1);
    let mut line = 0u64;
    let mut buffer = Vec::new();
    let mut batch: Vec<(u64, Line)> = Vec::with_capacity(BATCH);
    loop {
        buffer.clear();
        let read = read_line(dossiers, &mut buffer).map_err(|e| DiffError::Read {
            line,
            message: e.to_string(),
        })?;
        let Some(complete) = read else { break };
        line += 1;
        let entry = if !complete {
            Line::Invalid("ligne de plus de 1 Mio".to_owned())
        } else {
            match std::str::from_utf8(&buffer) {
                Ok(text) if text.trim().is_empty() => continue,
                Ok(text) => Line::Text(text.to_owned()),
                Err(_) => Line::Invalid("ligne qui n'est pas en UTF-8".to_owned()),
            }
        };
        batch.push((line, entry));
        if batch.len() == BATCH {
            decide_batch(&comparer, &mut report, &mut batch, threads);
        }
    }
    decide_batch(&comparer, &mut report, &mut batch, threads);
    Ok(report.finish())
}

type Decided = Result<compare::Outcome, String>;

fn decide_one(comparer: &compare::Comparer, entry: &Line) -> Decided {
    match entry {
        Line::Text(text) => comparer.compare(text),
        Line::Invalid(message) => Err(message.clone()),
    }
}

/// Decides a batch (in `threads` contiguous chunks) and adds it to the report in line order.
fn decide_batch(
    comparer: &compare::Comparer,
    report: &mut report::Builder,
    batch: &mut Vec<(u64, Line)>,
    threads: usize,
) {
    let outcomes: Vec<Decided> = if threads <= 1 || batch.len() < 2 {
        batch.iter().map(|(_, e)| decide_one(comparer, e)).collect()
    } else {
        let chunk = batch.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|(_, e)| decide_one(comparer, e))
                            .collect::<Vec<Decided>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                // A panic while deciding is a bug of ours: it goes on in the caller's thread.
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    for ((line, _), outcome) in batch.drain(..).zip(outcomes) {
        match outcome {
            Ok(outcome) => report.add(line, outcome),
            Err(message) => report.invalid(line, message),
        }
    }
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
