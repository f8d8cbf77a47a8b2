//! `socle lsp`: the language server on stdio (the server itself lives in `socle-lsp`).

use socle_lsp::Ending;

use crate::exit::{usage_error, Status};

/// LSP asks for exit code 0 after `shutdown` then `exit`, 1 otherwise.
pub fn run() -> Status {
    match socle_lsp::run_stdio() {
        Ok(Ending::Exit) => Status::Ok,
        Ok(Ending::ExitWithoutShutdown | Ending::Disconnected) => Status::Failure,
        Err(e) => usage_error(format!("serveur de langage : {e}")),
    }
}
