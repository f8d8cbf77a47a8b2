//! The JSON Lines protocol of `socle batch` over a blocking reader: exactly one output line per
//! input line, in order (what each line becomes is `socle_runtime::batch_line`, shared with the
//! HTTP service). The input is streamed: each line is read (holding at most `max_line` + 2 bytes
//! of it), decided and written before the next one is read.

use std::io::{BufRead, Write};

use serde_json::Value as Json;
use socle_runtime::batch_line::answer;

pub use socle_runtime::batch_line::{not_utf8_message, too_large_message, Line, MAX_DOSSIER_BYTES};

/// Reads the next line into `buf`; `None` at the end of the input. A last line without `\n`
/// is still a line.
pub fn next_line(
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
        let (value, complete) = answer(number, line, max_line, &mut *decide);
        if !complete {
            invalid += 1;
        }
        writeln!(output, "{value}").map_err(StreamError::Write)?;
    }
    output.flush().map_err(StreamError::Write)?;
    Ok((number, invalid))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use serde_json::json;

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
