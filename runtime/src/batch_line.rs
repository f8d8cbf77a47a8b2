//! One line of a JSON Lines batch as it is published (`socle batch`, `POST /decider/…/lot`):
//! every input line gets exactly one output line carrying its `ligne` (1-based), so outputs can
//! be zipped with inputs. A blank, non-UTF-8 or overlong line gets an error line of its own
//! instead of disappearing. How the input is cut into lines (a blocking reader, an HTTP body in
//! chunks) is the caller's; what each line becomes is decided here once.

use serde_json::{json, Map, Value as Json};

/// Largest dossier accepted, whole (`socle decide`) or per batch line. A real dossier is a few
/// kilobytes; 1 Mio leaves room for long histories.
pub const MAX_DOSSIER_BYTES: u64 = 1024 * 1024;

/// One input line, without its line ending.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line's bytes (not yet known to be UTF-8).
    Text(Vec<u8>),
    /// Longer than the limit: its bytes were dropped.
    TooLong,
}

/// The French message for a dossier over `max` bytes.
pub fn too_large_message(max: u64) -> String {
    format!("le dossier dépasse la taille maximale de {max} octets")
}

/// The French message for text that stops being UTF-8 after `valid_up_to` bytes.
pub fn not_utf8_message(valid_up_to: usize) -> String {
    format!(
        "le texte n'est pas encodé en UTF-8 (octet n° {} illisible)",
        valid_up_to.saturating_add(1)
    )
}

/// The output line for input line `number`, and whether it was fully decided. `decide` turns a
/// non-blank line into its JSON object (a decision, or `erreur`/`detail`); `ligne` comes first.
pub fn answer(
    number: usize,
    line: Line,
    max_line: u64,
    decide: impl FnOnce(&str) -> (Json, bool),
) -> (Json, bool) {
    let text = match line {
        Line::TooLong => {
            let message = format!("ligne trop longue : {}", too_large_message(max_line));
            return (line_error(number, "ligne_trop_longue", message), false);
        }
        Line::Text(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let message = not_utf8_message(e.utf8_error().valid_up_to());
                return (line_error(number, "encodage_invalide", message), false);
            }
        },
    };
    if text.trim().is_empty() {
        let message = "ligne vide : un dossier JSON est attendu sur chaque ligne".to_owned();
        return (line_error(number, "ligne_vide", message), false);
    }
    let (decided, complete) = decide(&text);
    let mut value = Map::new();
    value.insert("ligne".to_owned(), json!(number));
    match decided {
        Json::Object(fields) => value.extend(fields.into_iter().filter(|(key, _)| key != "ligne")),
        other => {
            value.insert("decision".to_owned(), other);
        }
    }
    (Json::Object(value), complete)
}

/// The shape of every refused line: `ligne`, the French `erreur`, and a typed `detail`.
fn line_error(number: usize, kind: &str, message: String) -> Json {
    json!({
        "ligne": number,
        "erreur": message,
        "detail": { "type": kind, "message": message },
    })
}
