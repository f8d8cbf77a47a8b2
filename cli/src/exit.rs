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

/// Writes to standard output. A reader that went away (`socle decide … | head -c 10`) ends the
/// command quietly with the shell's code for a broken pipe (128 + SIGPIPE), never a panic.
pub fn print(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        stdout_failed(&e);
    }
}

/// Ends the process after a failed write to standard output.
pub fn stdout_failed(error: &std::io::Error) -> ! {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(141);
    }
    eprintln!("erreur : écriture sur la sortie standard impossible ({error})");
    std::process::exit(2);
}
