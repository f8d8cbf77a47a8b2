//! `socle batch`: JSON Lines in, exactly one JSON line out per input line, in input order, each
//! with its `ligne` (the protocol is `socle_cli::lines`). Dossiers are decided on every core
//! (`--fils`); each answer is written as soon as the answers before it are.

use std::path::Path;

use socle_cli::lines::{stream_parallel, StreamError, MAX_DOSSIER_BYTES};

use crate::decide::{decider, DecideArgs};
use crate::exit::{stdout_failed, usage_error, Status};
use crate::input;

pub fn run(ruleset: &Path, dossiers: &Path, args: &DecideArgs, threads: Option<usize>) -> Status {
    let decider = match decider(ruleset, args) {
        Ok(d) => d,
        Err(status) => return status,
    };
    let reader = match input::open(dossiers) {
        Ok(r) => r,
        Err(status) => return status,
    };
    let threads = threads
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1);
    // Each worker decides over one decision of its own, reusing its buffers.
    let decider = &decider;
    let worker = || {
        let mut decision = decider.engine().empty_decision();
        move |text: &str, out: &mut Vec<u8>| decider.decide_text_into(text, &mut decision, out)
    };
    // Stdout is line-buffered: each line leaves as soon as it is written.
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match stream_parallel(reader, &mut out, MAX_DOSSIER_BYTES, threads, &worker) {
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
