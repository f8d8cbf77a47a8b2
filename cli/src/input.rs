//! Bounded reading of dossiers: every read of `decide` and `batch` stops at a documented limit,
//! so an endless or huge input (`yes | socle decide --dossier -`) is refused without filling
//! memory.

use std::io::{BufRead, Read};
use std::path::Path;

use socle_cli::lines::{not_utf8_message, too_large_message, MAX_DOSSIER_BYTES};

use crate::exit::{usage_error, Status};

/// Why a file could not be read, in French (the system's own text is English).
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "fichier introuvable".to_owned(),
        ErrorKind::PermissionDenied => "accès refusé".to_owned(),
        ErrorKind::IsADirectory => "c'est un répertoire, pas un fichier".to_owned(),
        _ => e.to_string(),
    }
}

/// The input named by `path` (`-`: standard input), buffered; `Send`, so that `batch` reads it
/// on a thread of its own.
pub fn open(path: &Path) -> Result<Box<dyn BufRead + Send>, Status> {
    if path == Path::new("-") {
        return Ok(Box::new(std::io::BufReader::new(std::io::stdin())));
    }
    std::fs::File::open(path)
        .map(|f| Box::new(std::io::BufReader::new(f)) as Box<dyn BufRead + Send>)
        .map_err(|e| {
            usage_error(format!(
                "{} : lecture impossible ({})",
                path.display(),
                io_reason(&e)
            ))
        })
}

/// A whole dossier, at most [`MAX_DOSSIER_BYTES`].
pub fn read_dossier(path: &Path) -> Result<String, Status> {
    let input = open(path)?;
    let mut bytes = Vec::new();
    // One byte past the limit tells an oversized input without reading all of it.
    input
        .take(MAX_DOSSIER_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            usage_error(format!(
                "{} : lecture impossible ({})",
                path.display(),
                io_reason(&e)
            ))
        })?;
    if bytes.len() as u64 > MAX_DOSSIER_BYTES {
        eprintln!(
            "erreur : dossier {} : {}",
            path.display(),
            too_large_message(MAX_DOSSIER_BYTES)
        );
        return Err(Status::Failure);
    }
    // Text that is not UTF-8 is an invalid dossier (exit 1), not an I/O failure.
    String::from_utf8(bytes).map_err(|e| {
        eprintln!(
            "erreur : dossier {} : {}",
            path.display(),
            not_utf8_message(e.utf8_error().valid_up_to())
        );
        Status::Failure
    })
}
