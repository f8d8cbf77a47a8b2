//! Compact JSON text written straight into a byte buffer, the same bytes serde_json writes:
//! strings escaped as serde_json escapes them, by a scanner that copies unescaped runs whole
//! (motif messages are mostly plain text), integers and dates without `fmt`. The decision's
//! text (`decision/json.rs`) is written with these; in a batch it cost more than deciding.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::render::HumanWrite;

/// `value` through serde_json: for the rare parts (questions, missing fields, traces, lists).
pub(crate) fn serde(out: &mut Vec<u8>, value: &impl Serialize) {
    // Writing into memory fails only on a map key that is not a string: the published form
    // has none.
    let _ = serde_json::to_writer(&mut *out, value);
}

pub(crate) fn flag(out: &mut Vec<u8>, value: Option<bool>) {
    out.extend_from_slice(match value {
        Some(true) => b"true",
        Some(false) => b"false",
        None => b"null",
    });
}

/// A JSON string, escaped exactly as serde_json escapes it (short escapes for `"`, `\`, and
/// the usual control characters, `\u00xx` in lower case for the others; nothing else).
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    escaped(out, s);
    out.push(b'"');
}

/// The inside of a JSON string: `s` escaped, without the quotes.
pub(crate) fn escaped(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
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
}

/// Whether `s` is written in a JSON string as it is.
pub(crate) fn is_plain(s: &str) -> bool {
    next_escape(s.as_bytes(), 0).is_none()
}

/// A writer whose text lands escaped in a JSON string (its quotes are the caller's); the
/// parts known plain are copied.
pub(crate) struct Escaped<'a>(pub(crate) &'a mut Vec<u8>);

impl fmt::Write for Escaped<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        escaped(self.0, s);
        Ok(())
    }
}

impl HumanWrite for Escaped<'_> {
    fn plain(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    fn ascii(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

/// A writer for text that needs no escaping (digits, signs, ASCII words).
pub(crate) struct Raw<'a>(pub(crate) &'a mut Vec<u8>);

impl fmt::Write for Raw<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

impl HumanWrite for Raw<'_> {
    fn ascii(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

/// `n` in decimal: four digits at a time, right to left, then copied in one piece (a batch
/// writes one per line, its `ligne`).
pub(crate) fn unsigned(out: &mut Vec<u8>, n: u64) {
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        let four = (rest % 10_000) as u16;
        rest /= 10_000;
        at = at.saturating_sub(4);
        if let Some(slot) = digits.get_mut(at..at + 4) {
            slot.copy_from_slice(&[
                b'0' + (four / 1000) as u8,
                b'0' + (four / 100 % 10) as u8,
                b'0' + (four / 10 % 10) as u8,
                b'0' + (four % 10) as u8,
            ]);
        }
        if rest == 0 {
            // The leading zeros of the last group are left out.
            at += match four {
                0..=9 => 3,
                10..=99 => 2,
                100..=999 => 1,
                _ => 0,
            };
            break;
        }
    }
    out.extend_from_slice(digits.get(at..).unwrap_or_default());
}

/// `n` in decimal, with its sign.
pub(crate) fn signed(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    unsigned(out, n.unsigned_abs());
}

/// A date as serde writes it (`"2026-01-01"`), quoted.
pub(crate) fn date(out: &mut Vec<u8>, date: NaiveDate) {
    let year = date.year();
    if (0..=9999).contains(&year) {
        let (year, month, day) = (year as u32, date.month(), date.day());
        let digit = |n: u32| b'0' + (n % 10) as u8;
        out.extend_from_slice(&[
            b'"',
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(month / 10),
            digit(month),
            b'-',
            digit(day / 10),
            digit(day),
            b'"',
        ]);
    } else {
        // A year with a sign or five digits: chrono's own form.
        serde(out, &date);
    }
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
    fn unsigned_is_the_display() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut cases: Vec<u64> = (0..20_000).collect();
        cases.extend([
            u64::MAX,
            u64::MAX - 1,
            10_000,
            99_999,
            100_000,
            1_000_000_000,
        ]);
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            cases.push(seed >> (seed % 64));
        }
        for n in cases {
            let mut out = b"x".to_vec();
            unsigned(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes());
        }
    }

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
