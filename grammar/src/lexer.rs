//! A rough tokenizer, independent of pest.
//!
//! pest only sees one declaration at a time and reports errors as rule names; this pass sees
//! the whole file and gives what pest cannot: comments (for `File::comments` and doc
//! comments), unterminated strings, nesting depth before pest recurses, and the tokens
//! around an error position so that messages can quote them.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokKind {
    Word,
    Number,
    Str { terminated: bool },
    Punct,
    Comment { doc: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub kind: TokKind,
    /// Byte offsets into the text given to [`lex`].
    pub start: usize,
    pub end: usize,
}

impl Tok {
    pub fn text(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_word_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\r' | '\n' | '\u{A0}' | '\u{202F}' | '\u{FEFF}'
    )
}

/// Multi-character operators, longest first.
const MULTI_PUNCT: &[&str] = &["=>", "->", "..", "!=", "<=", ">=", "=="];

/// The length of an ISO date (`AAAA-MM-JJ`) at the start of `s`, if there is one.
fn date_at(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let shape = b"0000-00-00";
    let matches = bytes.len() >= shape.len()
        && bytes.iter().zip(shape).all(|(b, p)| {
            if *p == b'-' {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let followed_by_digit = bytes.get(shape.len()).is_some_and(u8::is_ascii_digit);
    (matches && !followed_by_digit).then_some(shape.len())
}

/// Tokenizes `text` from byte offset `from` (which must be a char boundary).
pub(crate) fn lex(text: &str, from: usize) -> Vec<Tok> {
    let mut toks = Vec::new();
    let Some(rest) = text.get(from..) else {
        return toks;
    };
    let mut chars = rest.char_indices().map(|(i, c)| (i + from, c)).peekable();
    while let Some((start, c)) = chars.next() {
        let mut end = start + c.len_utf8();
        let kind = if is_space(c) {
            continue;
        } else if c == '#' {
            let doc = chars.peek().is_some_and(|&(_, n)| n == '#');
            while let Some(&(i, n)) = chars.peek() {
                if n == '\n' {
                    break;
                }
                chars.next();
                end = i + n.len_utf8();
            }
            // A comment does not include the `\r` of a CRLF line end.
            if text.get(start..end).is_some_and(|s| s.ends_with('\r')) {
                end -= 1;
            }
            TokKind::Comment { doc }
        } else if c == '"' {
            let mut terminated = false;
            let mut escaped = false;
            while let Some(&(i, n)) = chars.peek() {
                if n == '\n' {
                    break;
                }
                chars.next();
                end = i + n.len_utf8();
                if escaped {
                    escaped = false;
                } else if n == '\\' {
                    escaped = true;
                } else if n == '"' {
                    terminated = true;
                    break;
                }
            }
            TokKind::Str { terminated }
        } else if c.is_ascii_digit() {
            // A date is one token, so that messages quote `2024-02-30`, not `02`.
            if let Some(date_len) = date_at(text.get(start..).unwrap_or("")) {
                for _ in 1..date_len {
                    chars.next();
                }
                toks.push(Tok {
                    kind: TokKind::Number,
                    start,
                    end: start + date_len,
                });
                continue;
            }
            while let Some(&(i, n)) = chars.peek() {
                let continues = n.is_ascii_digit()
                    || (matches!(n, '_' | ',' | '.' | '\u{A0}' | '\u{202F}')
                        && text
                            .get(i + n.len_utf8()..)
                            .and_then(|s| s.chars().next())
                            .is_some_and(|d| d.is_ascii_digit()));
                if !continues {
                    break;
                }
                chars.next();
                end = i + n.len_utf8();
            }
            TokKind::Number
        } else if is_word_start(c) {
            while let Some(&(i, n)) = chars.peek() {
                if !is_word_continue(n) {
                    break;
                }
                chars.next();
                end = i + n.len_utf8();
            }
            TokKind::Word
        } else {
            let tail = text.get(start..).unwrap_or("");
            if let Some(op) = MULTI_PUNCT.iter().find(|op| tail.starts_with(**op)) {
                // Every multi-char operator is ASCII: one char per byte.
                for _ in 1..op.len() {
                    chars.next();
                }
                end = start + op.len();
            }
            TokKind::Punct
        };
        toks.push(Tok { kind, start, end });
    }
    toks
}

/// Deepest nesting of brackets and `si … sinon` in `toks`, with the token where the maximum
/// was first exceeded beyond `limit` (if it was).
///
/// Square brackets are left out: barème intervals (`[0 € ; 755 €[`) do not pair them. The
/// AST builder has its own depth counter for what this pass cannot see.
pub(crate) fn first_too_deep(text: &str, toks: &[Tok], limit: usize) -> Option<Tok> {
    let mut depth: usize = 0;
    let mut previous_word: Option<&str> = None;
    for tok in toks {
        let word = match tok.kind {
            TokKind::Word => Some(tok.text(text)),
            _ => None,
        };
        match (tok.kind, tok.text(text)) {
            (TokKind::Punct, "(" | "{") => depth += 1,
            (TokKind::Punct, ")" | "}") => depth = depth.saturating_sub(1),
            // `sauf si` introduces an exception, not a conditional expression.
            (TokKind::Word, "si") if previous_word != Some("sauf") => depth += 1,
            (TokKind::Word, "sinon") => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > limit {
            return Some(*tok);
        }
        if !matches!(tok.kind, TokKind::Comment { .. }) {
            previous_word = word;
        }
    }
    None
}
