//! One line of a JSON Lines batch as it is published (`socle batch`, `POST /decider/…/lot`):
//! every input line gets exactly one output line carrying its `ligne` (1-based), so outputs can
//! be zipped with inputs. A blank, non-UTF-8 or overlong line gets an error line of its own
//! instead of disappearing. How the input is cut into lines (a blocking reader, an HTTP body in
//! chunks) is the caller's; what each line becomes is decided here once.

use serde_json::json;

use crate::{warning_json, Decision, DossierWarning};

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

/// Appends the output line for input line `number` (without its line ending) to `out`, and
/// says whether it was fully decided. `decide` appends the JSON object of a non-blank line (a
/// decision, or `erreur`/`detail`, without a `ligne` key) and says whether it was fully
/// decided; `ligne` is put first in that object here.
pub fn answer(
    number: usize,
    line: Line,
    max_line: u64,
    out: &mut Vec<u8>,
    decide: impl FnOnce(&str, &mut Vec<u8>) -> bool,
) -> bool {
    match line {
        Line::TooLong => answer_bytes(number, None, max_line, out, decide),
        Line::Text(bytes) => answer_bytes(number, Some(&bytes), max_line, out, decide),
    }
}

/// [`answer`] for a line borrowed where it was read (`None`: longer than the limit).
pub fn answer_bytes(
    number: usize,
    line: Option<&[u8]>,
    max_line: u64,
    out: &mut Vec<u8>,
    decide: impl FnOnce(&str, &mut Vec<u8>) -> bool,
) -> bool {
    let Some(bytes) = line else {
        let message = format!("ligne trop longue : {}", too_large_message(max_line));
        line_error(out, number, "ligne_trop_longue", message);
        return false;
    };
    // Validated in place: the line's bytes are not copied.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let message = not_utf8_message(e.valid_up_to());
            line_error(out, number, "encodage_invalide", message);
            return false;
        }
    };
    // A dossier starts with `{`: the blank test (Unicode whitespace) is rarely needed.
    let starts_plainly = text.bytes().next().is_some_and(|b| b.is_ascii_graphic());
    if !starts_plainly && text.trim().is_empty() {
        let message = "ligne vide : un dossier JSON est attendu sur chaque ligne".to_owned();
        line_error(out, number, "ligne_vide", message);
        return false;
    }
    let start = out.len();
    ligne(out, number);
    let object = out.len();
    let complete = decide(text, out);
    match out.get(object..) {
        // `{…}` joins the `ligne` object: its brace becomes the comma after `ligne`, or the
        // closing brace when it is empty. Nothing written is moved.
        Some([b'{', b'}']) => {
            out.truncate(object);
            out.push(b'}');
        }
        Some([b'{', ..]) => {
            if let Some(brace) = out.get_mut(object) {
                *brace = b',';
            }
        }
        // Not an object: kept whole under `decision`.
        _ => {
            let value = out.split_off(object);
            out.truncate(start);
            line_value(out, number, value);
        }
    }
    complete
}

/// `{"ligne":N`, the start of every answer.
fn ligne(out: &mut Vec<u8>, number: usize) {
    out.extend_from_slice(b"{\"ligne\":");
    crate::json_text::unsigned(out, u64::try_from(number).unwrap_or(u64::MAX));
}

/// Appends a decision's published JSON to `out`, with `avertissements` last when the dossier
/// had fields the ruleset does not read: the object `decide` and `batch` print, written
/// without building its JSON tree.
pub fn write_decision(decision: &Decision, warnings: &[DossierWarning], out: &mut Vec<u8>) {
    decision.write_json(out);
    write_warnings(warnings, out);
}

/// [`write_decision`] for a decision decided over in place, which keeps the JSON of its names
/// ([`Decision::write_json_reusing`]).
pub(crate) fn write_decision_reusing(
    decision: &mut Decision,
    warnings: &[DossierWarning],
    out: &mut Vec<u8>,
) {
    decision.write_json_reusing(out);
    write_warnings(warnings, out);
}

/// `avertissements` put last in the object just written, when there are any.
fn write_warnings(warnings: &[DossierWarning], out: &mut Vec<u8>) {
    if warnings.is_empty() || out.last() != Some(&b'}') {
        return;
    }
    out.pop();
    out.extend_from_slice(b",\"avertissements\":");
    let warnings: Vec<serde_json::Value> = warnings.iter().map(warning_json).collect();
    // Writing into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, &warnings);
    out.push(b'}');
}

fn line_value(out: &mut Vec<u8>, number: usize, value: Vec<u8>) {
    ligne(out, number);
    out.extend_from_slice(b",\"decision\":");
    out.extend_from_slice(&value);
    out.push(b'}');
}

/// The shape of every refused line: `ligne`, the French `erreur`, and a typed `detail`.
fn line_error(out: &mut Vec<u8>, number: usize, kind: &str, message: String) {
    let value = json!({
        "ligne": number,
        "erreur": message,
        "detail": { "type": kind, "message": message },
    });
    // Writing into memory cannot fail.
    let _ = serde_json::to_writer(out, &value);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn line(text: &str, decided: &str) -> String {
        let mut out = Vec::new();
        answer(7, Line::Text(text.into()), 100, &mut out, |_, out| {
            out.extend_from_slice(decided.as_bytes());
            true
        });
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ligne_comes_first_in_the_object_decided() {
        assert_eq!(
            line("x", r#"{"a":1,"b":{}}"#),
            r#"{"ligne":7,"a":1,"b":{}}"#
        );
        assert_eq!(line("x", "{}"), r#"{"ligne":7}"#);
        assert_eq!(line("x", "[1]"), r#"{"ligne":7,"decision":[1]}"#);
        let blank = line(" ", "{}");
        let blank: serde_json::Value = serde_json::from_str(&blank).unwrap();
        assert_eq!(blank["ligne"], 7);
        assert_eq!(blank["detail"]["type"], "ligne_vide");
    }
}
