//! `socle lsp`: the language server on stdio (the server itself lives in `socle-lsp`).

use crate::exit::{usage_error, Status};

pub fn run() -> Status {
    match socle_lsp::run_stdio() {
        Ok(()) => Status::Ok,
        Err(e) => usage_error(format!("serveur de langage : {e}")),
    }
}
