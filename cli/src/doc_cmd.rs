//! `socle doc RULESET --sortie DIR`: the ruleset's documentation site.

use std::path::Path;

use socle_doc::DocError;

use crate::exit::{usage_error, Status};

pub fn run(ruleset: &Path, out: &Path) -> Status {
    let site = match socle_doc::build(ruleset) {
        Ok(site) => site,
        Err(e) => {
            if let DocError::Compile { rendered, .. } = &e {
                eprint!("{rendered}");
            }
            return usage_error(e);
        }
    };
    if let Err(e) = site.write(out) {
        return usage_error(e);
    }
    eprintln!(
        "{} pages écrites dans {} : ouvrez {} dans un navigateur",
        site.files.len() - 1,
        out.display(),
        out.join("index.html").display()
    );
    Status::Ok
}
