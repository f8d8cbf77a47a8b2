//! `socle debug ast|ir`: dumps for people working on Socle itself.

use std::path::Path;

use clap::ValueEnum;
use socle_compiler::Session;

use crate::discover;
use crate::exit::{usage_error, Status};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum What {
    Ast,
    Ir,
}

pub fn run(what: What, path: &Path) -> Status {
    let mut session = Session::new();
    let ruleset = match discover::load_single(&mut session, path) {
        Ok(r) => r,
        Err(e) => return usage_error(e),
    };
    match what {
        What::Ast => {
            outln!("{}", session.debug_ast(ruleset));
            Status::Ok
        }
        What::Ir => {
            let (program, diagnostics) = session.compile(ruleset);
            match program {
                Some(p) => {
                    outln!("{p:#?}");
                    Status::Ok
                }
                None => {
                    eprint!("{}", session.render(&diagnostics, false));
                    Status::Usage
                }
            }
        }
    }
}
