//! Bounded reading of dossiers: every read of `decide` and `batch` stops at a documented limit,
//! so an endless or huge input (`yes | socle decide --dossier -`) is refused without filling
//! memory.

use std::io::{BufRead, Read};
use std::path::Path;

use crate::exit::{usage_error, Status};

/// Largest dossier accepted, for `decide` (file or standard input) and for each line of
/// `batch`. A real dossier is a few kilobytes; 1 Mio leaves room for long histories.
pub const MAX_DOSSIER_BYTES: u64 = 1024 * 1024;

pub fn too_large_message() -> String {
    format!("le dossier dépasse la taille maximale de {MAX_DOSSIER_BYTES} octets (1 Mio)")
}

/// The input named by `path` (`-`: standard input), buffered.
pub fn open(path: &Path) -> Result<Box<dyn BufRead>, Status> {
    if path == Path::new("-") {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    std::fs::File::open(path)
        .map(|f| Box::new(std::io::BufReader::new(f)) as Box<dyn BufRead>)
        .map_err(|e| usage_error(format!("{} : lecture impossible ({e})", path.display())))
}

/// A whole dossier, at most [`MAX_DOSSIER_BYTES`].
pub fn read_dossier(path: &Path) -> Result<String, Status> {
    let input = open(path)?;
    let mut bytes = Vec::new();
    // One byte past the limit tells an oversized input without reading all of it.
    input
        .take(MAX_DOSSIER_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| usage_error(format!("{} : lecture impossible ({e})", path.display())))?;
    if bytes.len() as u64 > MAX_DOSSIER_BYTES {
        eprintln!(
            "erreur : dossier {} : {}",
            path.display(),
            too_large_message()
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

pub fn not_utf8_message(valid_up_to: usize) -> String {
    format!(
        "le texte n'est pas encodé en UTF-8 (octet n° {} illisible)",
        valid_up_to + 1
    )
}

/// One line of a JSON Lines input, without its line ending.
pub enum Line {
    Text(Vec<u8>),
    /// Longer than [`MAX_DOSSIER_BYTES`]: the rest of it was read and dropped.
    TooLong,
}

/// Reads the next line, holding at most [`MAX_DOSSIER_BYTES`] + 1 bytes of it in `buf`;
/// `None` at the end of the input. A last line without `\n` is still a line.
pub fn next_line(input: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<Line>> {
    buf.clear();
    let read = (&mut *input)
        .take(MAX_DOSSIER_BYTES + 1)
        .read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        return Ok(Some(Line::Text(std::mem::take(buf))));
    }
    if (buf.len() as u64) <= MAX_DOSSIER_BYTES {
        // The end of the input, without a final newline.
        return Ok(Some(Line::Text(std::mem::take(buf))));
    }
    // Skip to the end of the oversized line without keeping it.
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        if let Some(i) = chunk.iter().position(|b| *b == b'\n') {
            input.consume(i + 1);
            break;
        }
        let n = chunk.len();
        input.consume(n);
    }
    Ok(Some(Line::TooLong))
}
