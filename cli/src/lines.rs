//! The JSON Lines protocol of `socle batch`: exactly one output line per input line, in order,
//! each carrying its `ligne` (1-based). A blank, non-UTF-8 or overlong line gets an error line
//! of its own instead of disappearing, so outputs can be zipped with inputs. The input is
//! streamed: each line is read (holding at most `max_line` + 2 bytes of it), decided and
//! written before the next one is read.

use std::io::{BufRead, Write};

use serde_json::{json, Map, Value as Json};

/// Largest dossier accepted, for `decide` (file or standard input) and for each line of
/// `batch`. A real dossier is a few kilobytes; 1 Mio leaves room for long histories.
pub const MAX_DOSSIER_BYTES: u64 = 1024 * 1024;

pub fn too_large_message(max: u64) -> String {
    format!("le dossier dépasse la taille maximale de {max} octets")
}

pub fn not_utf8_message(valid_up_to: usize) -> String {
    format!(
        "le texte n'est pas encodé en UTF-8 (octet n° {} illisible)",
        valid_up_to + 1
    )
}

/// One input line, without its line ending.
enum Line {
    Text(Vec<u8>),
    /// Longer than the limit: the rest of it was read and dropped.
    TooLong,
}

/// Reads the next line into `buf`; `None` at the end of the input. A last line without `\n`
/// is still a line.
fn next_line(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max_line: u64,
) -> std::io::Result<Option<Line>> {
    buf.clear();
    // Room for the limit and a `\r\n`, so the limit counts the line's content only.
    let room = max_line.saturating_add(2);
    let read = std::io::Read::take(&mut *input, room).read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(None);
    }
    let ended = buf.last() == Some(&b'\n');
    let whole = ended || (read as u64) < room;
    if ended {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    if whole {
        return Ok(Some(if buf.len() as u64 <= max_line {
            Line::Text(std::mem::take(buf))
        } else {
            Line::TooLong
        }));
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

/// Why streaming stopped before the end of the input.
#[derive(Debug)]
pub enum StreamError {
    /// Reading the input failed after `lines` lines.
    Read {
        lines: usize,
        error: std::io::Error,
    },
    Write(std::io::Error),
}

/// Reads `input` line by line and writes one JSON line per input line to `output`.
/// `decide` turns a non-blank line into its JSON and whether it was fully decided; the
/// `ligne` is added here. Returns the number of lines and of lines not fully decided.
pub fn stream(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    max_line: u64,
    decide: &mut dyn FnMut(&str) -> (Json, bool),
) -> Result<(usize, usize), StreamError> {
    let mut buf = Vec::new();
    let mut number = 0usize;
    let mut invalid = 0usize;
    loop {
        let line = match next_line(input, &mut buf, max_line) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(error) => {
                return Err(StreamError::Read {
                    lines: number,
                    error,
                })
            }
        };
        number += 1;
        let (value, complete) = answer(number, line, max_line, decide);
        if !complete {
            invalid += 1;
        }
        writeln!(output, "{value}").map_err(StreamError::Write)?;
    }
    output.flush().map_err(StreamError::Write)?;
    Ok((number, invalid))
}

fn answer(
    number: usize,
    line: Line,
    max_line: u64,
    decide: &mut dyn FnMut(&str) -> (Json, bool),
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
    // `ligne` first, then the decision or the error as `decide` made it.
    let mut value = Map::new();
    value.insert("ligne".to_owned(), json!(number));
    match decided {
        Json::Object(fields) => {
            for (key, field) in fields {
                if key != "ligne" {
                    value.insert(key, field);
                }
            }
        }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Lines in, the `ligne` and kind of each line out.
    fn run(input: &[u8], max_line: u64) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut decide = |text: &str| (json!({ "texte": text }), true);
        stream(&mut &input[..], &mut out, max_line, &mut decide).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| {
                let v: Json = serde_json::from_str(l).unwrap();
                let kind = v["detail"]["type"]
                    .as_str()
                    .map_or_else(|| v["texte"].as_str().unwrap().to_owned(), str::to_owned);
                (v["ligne"].as_u64().unwrap(), kind)
            })
            .collect()
    }

    #[test]
    fn one_line_out_per_line_in() {
        let cases: &[(&[u8], u64, &[&str])] = &[
            (b"", 10, &[]),
            (b"\n", 10, &["ligne_vide"]),
            (b"a", 10, &["a"]),
            (b"a\r\nb\n", 10, &["a", "b"]),
            (b"a\n\n \nb", 10, &["a", "ligne_vide", "ligne_vide", "b"]),
            (b"\xff\na", 10, &["encodage_invalide", "a"]),
            (b"0123456789\nabc", 10, &["0123456789", "abc"]),
            (b"0123456789x\nabc", 10, &["ligne_trop_longue", "abc"]),
            (b"0123456789xyz", 10, &["ligne_trop_longue"]),
            (b"0123456789\r\n", 10, &["0123456789"]),
            (b"0123456789x\n", 10, &["ligne_trop_longue"]),
            (b"0123456789xy\nz", 10, &["ligne_trop_longue", "z"]),
            (
                b"0123456789xyz\n\nz",
                10,
                &["ligne_trop_longue", "ligne_vide", "z"],
            ),
        ];
        for (input, max, expected) in cases {
            let got = run(input, *max);
            let numbers: Vec<u64> = (1..=expected.len() as u64).collect();
            assert_eq!(
                got.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
                numbers,
                "{input:?}"
            );
            assert_eq!(
                got.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(),
                *expected,
                "{input:?}"
            );
        }
    }
}
