//! `socle explain [CODE]`: what a diagnostic code means and how to fix it, like
//! `rustc --explain`. Without a code, the list of every code with its title.

use socle_compiler::codes;
use socle_compiler::explain::explanation;

use crate::exit::{usage_error, Status};

pub fn run(code: Option<&str>) -> Status {
    let Some(code) = code else {
        for code in codes::ALL {
            outln!("{}  {}", code.id, code.title);
        }
        outln!("\nsocle explain CODE affiche l'explication d'un code, avec un exemple corrigé.");
        return Status::Ok;
    };
    let wanted = code.trim().to_uppercase();
    match explanation(&wanted) {
        Some(text) => {
            out!("{text}");
            Status::Ok
        }
        None => usage_error(format!(
            "le code « {code} » n'existe pas ; `socle explain` sans argument donne la liste des codes"
        )),
    }
}
