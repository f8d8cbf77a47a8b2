//! `socle batch`: JSON Lines in, exactly one JSON line out per input line, in input order, each
//! with its `ligne` (the protocol is `socle_cli::lines`). Each decision is written as soon as
//! it is made.

use std::path::Path;

use socle_cli::lines::{stream, StreamError, MAX_DOSSIER_BYTES};

use crate::decide::{decider, DecideArgs};
use crate::exit::{stdout_failed, usage_error, Status};
use crate::input;

pub fn run(ruleset: &Path, dossiers: &Path, args: &DecideArgs) -> Status {
    let decider = match decider(ruleset, args) {
        Ok(d) => d,
        Err(status) => return status,
    };
    let mut reader = match input::open(dossiers) {
        Ok(r) => r,
        Err(status) => return status,
    };
    let mut decide = |text: &str| match decider.decide(text) {
        // Partly decided (a dispositif in error or undetermined): the decision is written,
        // and the run reports it in its status.
        Ok(decided) => (decided.to_json(), decided.is_complete()),
        Err(refusal) => (refusal.line_json(), false),
    };
    // Stdout is line-buffered: each line leaves as soon as it is written.
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match stream(&mut reader, &mut out, MAX_DOSSIER_BYTES, &mut decide) {
        Ok((_, 0)) => Status::Ok,
        Ok((_, invalid)) => {
            eprintln!("{invalid} dossier(s) invalide(s) ou incomplètement décidé(s)");
            Status::Failure
        }
        Err(StreamError::Write(e)) => stdout_failed(&e),
        Err(StreamError::Read { lines, error }) => usage_error(format!(
            "{} : lecture impossible après la ligne {lines} ({error})",
            dossiers.display()
        )),
    }
}
