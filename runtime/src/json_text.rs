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
    for (i, (id, d)) in dispositifs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, id);
        out.push(b':');
        dispositif(d, out);
    }
    out.push(b'}');
    if !questions.is_empty() {
        out.extend_from_slice(b",\"questions\":");
        serde(out, questions);
    }
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
        flag(out, Some(*verse));
    }
    out.extend_from_slice(b",\"valeurs\":{");
    for (i, (name, value)) in valeurs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, name);
        out.push(b':');
        match value {
            Json::String(s) => string(out, s),
            other => serde(out, other),
        }
    }
    out.extend_from_slice(b"},\"motifs\":[");
    for (i, m) in motifs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        motif(m, out);
    }
    out.push(b']');
    if !manquants.is_empty() {
        out.extend_from_slice(b",\"manquants\":");
        serde(out, manquants);
    }
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
        message,
        manquants,
    } = m;
    out.extend_from_slice(b"{\"id\":");
    string(out, id);
    out.extend_from_slice(b",\"satisfaite\":");
    flag(out, *satisfaite);
    out.extend_from_slice(b",\"message\":");
    string(out, message);
    if !manquants.is_empty() {
        out.extend_from_slice(b",\"manquants\":");
        serde(out, manquants);
    }
    out.push(b'}');
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
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0..=0x1F => &[],
            _ => continue,
        };
        out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut every_byte: String = (0u8..=0x7F).map(char::from).collect();
        every_byte.push_str("é ≥ « » \u{2028} 😀 \"quoted\" back\\slash");
        for s in ["", "plain", "\"", "a\nb", every_byte.as_str()] {
            let mut ours = Vec::new();
            string(&mut ours, s);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }
}
