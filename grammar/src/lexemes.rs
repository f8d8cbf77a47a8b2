//! The words, numbers, strings and comments of a file, for editors that colour them.

use crate::lexer::{self, TokKind};
use crate::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LexemeKind {
    /// A reserved word ([`crate::KEYWORDS`]).
    Keyword,
    /// Any other word (a name, a type, a unit word such as `mois`).
    Word,
    Number,
    Str,
    Comment,
    DocComment,
    /// `€`, `%` and operators.
    Punct,
}

/// Every lexeme of `text`, in order. Never panics.
pub fn lexemes(text: &str) -> Vec<(LexemeKind, Span)> {
    let body_start = if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    lexer::lex(text, body_start)
        .into_iter()
        .map(|t| {
            let kind = match t.kind {
                TokKind::Word if crate::is_keyword(t.text(text)) => LexemeKind::Keyword,
                TokKind::Word => LexemeKind::Word,
                TokKind::Number => LexemeKind::Number,
                TokKind::Str { .. } => LexemeKind::Str,
                TokKind::Comment { doc: true } => LexemeKind::DocComment,
                TokKind::Comment { doc: false } => LexemeKind::Comment,
                TokKind::Punct => LexemeKind::Punct,
            };
            (kind, Span::new(t.start, t.end))
        })
        .collect()
}
