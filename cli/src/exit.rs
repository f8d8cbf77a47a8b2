//! Exit statuses of CONTRACT.md.

use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Success.
    Ok,
    /// Errors in the rulesets (`check`), an invalid dossier (`decide`), failed tests.
    Failure,
    /// Usage, I/O, or (for `decide`) a ruleset that does not compile.
    Usage,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        match s {
            Status::Ok => ExitCode::SUCCESS,
            Status::Failure => ExitCode::from(1),
            Status::Usage => ExitCode::from(2),
        }
    }
}

/// Prints a French error on stderr for the usage/I-O cases.
pub fn usage_error(message: impl std::fmt::Display) -> Status {
    eprintln!("erreur : {message}");
    Status::Usage
}
