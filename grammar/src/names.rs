//! Names that look alike but are not the same text.
//!
//! A name is stored in Unicode NFC: `é` typed as one character or as `e` followed by a
//! combining accent is one name. What NFC does not merge (a Cyrillic `о` in `mоntant`, a
//! zero-width joiner) is reported by [`lint`], and bidirectional control characters, which
//! can make a file display differently from what the compiler reads ("Trojan Source"), by
//! [`bidi_controls`]. Spans are byte offsets in the text as written.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::Span;

/// `name` in NFC; no allocation beyond the copy when it already is (the usual case).
pub fn nfc(name: &str) -> String {
    match is_nfc_quick(name.chars()) {
        IsNormalized::Yes => name.to_owned(),
        IsNormalized::No | IsNormalized::Maybe => name.nfc().collect(),
    }
}

/// The bidirectional formatting characters of Unicode (embeddings, overrides, isolates and
/// the implicit marks), with their French description.
fn bidi_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "début d'enchâssement gauche à droite",
        '\u{202B}' => "début d'enchâssement droite à gauche",
        '\u{202C}' => "fin de formatage directionnel",
        '\u{202D}' => "forçage gauche à droite",
        '\u{202E}' => "forçage droite à gauche",
        '\u{2066}' => "isolat gauche à droite",
        '\u{2067}' => "isolat droite à gauche",
        '\u{2068}' => "isolat à direction déterminée",
        '\u{2069}' => "fin d'isolat",
        '\u{200E}' => "marque gauche à droite",
        '\u{200F}' => "marque droite à gauche",
        '\u{061C}' => "marque de lettre arabe",
        _ => return None,
    })
}

/// A character that should not be in a source file or a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suspicious {
    /// The bytes of the character (for a bidi control) or of the whole name (for a lint).
    pub span: Span,
    /// The name as written, for a lint; empty for a bidi control.
    pub name: String,
    pub ch: char,
    /// French: what the character is (`cyrillique`, `espace sans chasse`…).
    pub what: &'static str,
    /// The Latin letter it looks like, if it imitates one.
    pub looks_like: Option<char>,
}

/// Every bidirectional control character of the file, comments and strings included: that is
/// where they hide code from a reviewer.
pub fn bidi_controls(text: &str) -> Vec<Suspicious> {
    text.char_indices()
        .filter_map(|(i, c)| {
            bidi_name(c).map(|what| Suspicious {
                span: Span::new(i, i + c.len_utf8()),
                name: String::new(),
                ch: c,
                what,
                looks_like: None,
            })
        })
        .collect()
}

/// Characters that are invisible in a name. The byte order mark is not one of them: the
/// lexer reads it as a space, so it never joins a name.
fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200B}' => "espace sans chasse",
        '\u{200C}' => "antiliant sans chasse",
        '\u{200D}' => "liant sans chasse",
        '\u{2060}' => "gluon de mots",
        '\u{00AD}' => "trait d'union conditionnel",
        '\u{034F}' => "graphème de liaison",
        '\u{180E}' => "séparateur de voyelles mongol",
        _ => return None,
    })
}

/// Letters of other scripts drawn like a Latin letter (the most frequent of Unicode's
/// confusables list: Cyrillic and Greek).
fn confusable(c: char) -> Option<(char, &'static str)> {
    const CYRILLIC: &[(char, char)] = &[
        ('а', 'a'),
        ('в', 'b'),
        ('е', 'e'),
        ('ё', 'ë'),
        ('һ', 'h'),
        ('і', 'i'),
        ('ї', 'ï'),
        ('ј', 'j'),
        ('к', 'k'),
        ('м', 'm'),
        ('н', 'h'),
        ('о', 'o'),
        ('р', 'p'),
        ('с', 'c'),
        ('т', 't'),
        ('у', 'y'),
        ('х', 'x'),
        ('ѕ', 's'),
        ('ԁ', 'd'),
        ('ԛ', 'q'),
        ('ԝ', 'w'),
        ('ӏ', 'l'),
        ('А', 'A'),
        ('В', 'B'),
        ('Е', 'E'),
        ('К', 'K'),
        ('М', 'M'),
        ('Н', 'H'),
        ('О', 'O'),
        ('Р', 'P'),
        ('С', 'C'),
        ('Т', 'T'),
        ('Х', 'X'),
        ('І', 'I'),
        ('Ј', 'J'),
        ('Ѕ', 'S'),
    ];
    const GREEK: &[(char, char)] = &[
        ('α', 'a'),
        ('ο', 'o'),
        ('ν', 'v'),
        ('ι', 'i'),
        ('κ', 'k'),
        ('ρ', 'p'),
        ('τ', 't'),
        ('υ', 'u'),
        ('χ', 'x'),
        ('ε', 'e'),
        ('Α', 'A'),
        ('Β', 'B'),
        ('Ε', 'E'),
        ('Ζ', 'Z'),
        ('Η', 'H'),
        ('Ι', 'I'),
        ('Κ', 'K'),
        ('Μ', 'M'),
        ('Ν', 'N'),
        ('Ο', 'O'),
        ('Ρ', 'P'),
        ('Τ', 'T'),
        ('Υ', 'Y'),
        ('Χ', 'X'),
    ];
    let find = |table: &[(char, char)]| {
        table
            .iter()
            .find(|(from, _)| *from == c)
            .map(|(_, latin)| *latin)
    };
    find(CYRILLIC)
        .map(|l| (l, "cyrillique"))
        .or_else(|| find(GREEK).map(|l| (l, "grec")))
}

fn in_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_combining_mark(c) || invisible(c).is_some()
}

/// The names of the file (words outside comments and strings) that contain an invisible
/// character or a letter imitating a Latin one: one finding per name occurrence, for its
/// first such character.
pub fn lint(text: &str) -> Vec<Suspicious> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => while chars.next_if(|(_, c)| *c != '\n').is_some() {},
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            c if in_word(c) => {
                let mut end = i + c.len_utf8();
                while let Some((j, d)) = chars.next_if(|(_, d)| in_word(*d)) {
                    end = j + d.len_utf8();
                }
                let word = text.get(i..end).unwrap_or("");
                if let Some(found) = word_finding(word) {
                    out.push(Suspicious {
                        span: Span::new(i, end),
                        name: word.to_owned(),
                        ..found
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn word_finding(word: &str) -> Option<Suspicious> {
    word.chars().find_map(|c| {
        let (what, looks_like) = match invisible(c) {
            Some(what) => (what, None),
            None => {
                let (latin, script) = confusable(c)?;
                (script, Some(latin))
            }
        };
        Some(Suspicious {
            span: Span::default(),
            name: String::new(),
            ch: c,
            what,
            looks_like,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings() {
        let text = "valeur m\u{43E}ntant = to\u{200D}tal # m\u{43E}ntant\n\"\u{43E}\" \u{202E}x";
        let lints: Vec<(String, char)> = lint(text).into_iter().map(|s| (s.name, s.ch)).collect();
        assert_eq!(
            lints,
            [
                ("m\u{43E}ntant".to_owned(), '\u{43E}'),
                ("to\u{200D}tal".to_owned(), '\u{200D}')
            ]
        );
        // A byte order mark opening the file is a space for the lexer, not part of a name.
        assert_eq!(lint("\u{FEFF}valeur a : entier = 1\n"), []);
        let bidi = bidi_controls(text);
        assert_eq!(bidi.len(), 1);
        assert_eq!(nfc("de\u{301}but"), "d\u{E9}but");
        assert_eq!(nfc("début"), "début");
    }
}
