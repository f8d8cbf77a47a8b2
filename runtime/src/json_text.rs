//! The published decision written as compact JSON text straight into a byte buffer: the same
//! bytes as serde_json's serialisation of [`published::Decision`] (tested on every golden
//! case by the contract tests and on the benchmark's dossiers), without serde's per-value
//! machinery, and with a string escaper that copies unescaped runs whole: in a batch, the
//! decision's text cost more than deciding it. The rare parts (questions, missing fields,
//! traces, numbers) go through serde.

use serde::Serialize;
use serde_json::Value as Json;

use crate::published::{Decision, Dispositif, Motif};

pub(crate) fn decision(d: &Decision, out: &mut Vec<u8>) {
    // Destructured whole: a field added to the published form does not compile until it is
    // written here too.
    let Decision {
        jeu_de_regles,
        date,
        dispositifs,
        questions,
    } = d;
    out.extend_from_slice(b"{\"ruleset\":");
    string(out, jeu_de_regles);
    out.extend_from_slice(b",\"date\":");
    serde(out, date);
    out.extend_from_slice(b",\"dispositifs\":{");
    separated(out, dispositifs, |out, (id, d)| {
        string(out, id);
        out.push(b':');
        dispositif(d, out);
    });
    out.push(b'}');
    unless_empty(out, b",\"questions\":", questions);
    out.push(b'}');
}

fn dispositif(d: &Dispositif, out: &mut Vec<u8>) {
    let Dispositif {
        eligible,
        verse,
        valeurs,
        motifs,
        manquants,
        erreur,
        trace,
    } = d;
    out.extend_from_slice(b"{\"eligible\":");
    flag(out, *eligible);
    if let Some(verse) = verse {
        out.extend_from_slice(b",\"verse\":");
        flag(out, *verse);
    }
    out.extend_from_slice(b",\"valeurs\":{");
    separated(out, valeurs, |out, (name, value)| {
        string(out, name);
        out.push(b':');
        match value {
            Json::String(s) => string(out, s),
            other => serde(out, other),
        }
    });
    out.extend_from_slice(b"},\"motifs\":[");
    separated(out, motifs, |out, m| motif(m, out));
    out.push(b']');
    unless_empty(out, b",\"manquants\":", manquants);
    if let Some(erreur) = erreur {
        out.extend_from_slice(b",\"erreur\":");
        string(out, erreur);
    }
    if let Some(trace) = trace {
        out.extend_from_slice(b",\"trace\":");
        serde(out, trace);
    }
    out.push(b'}');
}

fn motif(m: &Motif, out: &mut Vec<u8>) {
    let Motif {
        id,
        satisfaite,
        versement,
        message,
        manquants,
    } = m;
    out.extend_from_slice(b"{\"id\":");
    string(out, id);
    out.extend_from_slice(b",\"satisfaite\":");
    flag(out, *satisfaite);
    if *versement {
        out.extend_from_slice(b",\"versement\":true");
    }
    out.extend_from_slice(b",\"message\":");
    string(out, message);
    unless_empty(out, b",\"manquants\":", manquants);
    out.push(b'}');
}

/// Each item written by `write`, with commas between them.
fn separated<I: IntoIterator>(
    out: &mut Vec<u8>,
    items: I,
    mut write: impl FnMut(&mut Vec<u8>, I::Item),
) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
}

/// `key` and the list, left out when the list is empty (`skip_serializing_if`).
fn unless_empty(out: &mut Vec<u8>, key: &[u8], items: &[impl Serialize]) {
    if !items.is_empty() {
        out.extend_from_slice(key);
        serde(out, &items);
    }
}

fn flag(out: &mut Vec<u8>, value: Option<bool>) {
    out.extend_from_slice(match value {
        Some(true) => b"true",
        Some(false) => b"false",
        None => b"null",
    });
}

fn serde(out: &mut Vec<u8>, value: &impl Serialize) {
    // Writing into memory fails only on a map key that is not a string: the published form
    // has none.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// A JSON string, escaped exactly as serde_json escapes it (short escapes for `"`, `\`, and
/// the usual control characters, `\u00xx` in lower case for the others; nothing else).
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    while let Some(i) = next_escape(bytes, start) {
        let Some(&b) = bytes.get(i) else {
            break;
        };
        out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            _ => &[],
        };
        if short.is_empty() {
            let hex = |n: u8| HEX.get(usize::from(n)).copied().unwrap_or(b'0');
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex(b >> 4), hex(b & 0xF)]);
        } else {
            out.extend_from_slice(short);
        }
        start = i + 1;
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
    out.push(b'"');
}

fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// The position of the first byte from `from` on that must be escaped. Eight bytes are tested
/// at once (a byte below 0x20, or equal to `"` or `\`), since messages are mostly plain text.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut offset = from;
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        // Never misses a byte; may fire for a clean chunk (a borrow between bytes), which
        // the byte scan then passes over.
        let below = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
        let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
        let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
        if below | quote | backslash != 0 {
            if let Some(i) = chunk.iter().position(|&b| needs_escape(b)) {
                return Some(offset + i);
            }
        }
        offset += 8;
    }
    let tail = chunks.remainder();
    tail.iter()
        .position(|&b| needs_escape(b))
        .map(|i| offset + i)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut every_byte: String = (0u8..=0x7F).map(char::from).collect();
        every_byte.push_str("é ≥ « » \u{2028} 😀 \"quoted\" back\\slash");
        let long = format!("{every_byte}{}", "é plain text of some length ".repeat(5));
        for s in [
            "",
            "plain",
            "\"",
            "a\nb",
            "0123456\"89",
            every_byte.as_str(),
            &long,
        ] {
            let mut ours = Vec::new();
            string(&mut ours, s);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }

    #[test]
    fn every_position_of_an_escape_in_a_chunk_is_found() {
        let alphabet = [
            'a', 'é', '"', '\\', '\n', '\u{1}', '\u{1f}', ' ', '€', '\u{7f}',
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for len in 0..40 {
            for _ in 0..50 {
                let s: String = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        alphabet[(seed % alphabet.len() as u64) as usize]
                    })
                    .collect();
                let mut ours = Vec::new();
                string(&mut ours, &s);
                assert_eq!(
                    String::from_utf8(ours).unwrap(),
                    serde_json::to_string(&s).unwrap()
                );
            }
        }
    }
}
