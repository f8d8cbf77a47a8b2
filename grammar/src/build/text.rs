//! Strings, `source` clauses and condition messages with their `{…}` insertions.

use pest::iterators::Pair;
use pest::Parser as _;

use super::{children, lex_at, Builder, Res};
use crate::ast::*;
use crate::parser::{Rule, SocleParser};
use crate::{diagnose, ParseError};

impl Builder<'_> {
    pub(super) fn source(&self, pair: Pair<'_, Rule>) -> Res<Source> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let string = self.next(&mut it, span, "source")?;
        let text = self.string(&string)?;
        let refs = it.next().map(|refs| {
            let raw = refs.as_str();
            let inner = raw
                .strip_prefix('(')
                .and_then(|s| s.strip_suffix(')'))
                .unwrap_or(raw);
            inner.trim().to_owned()
        });
        Ok(Source { text, refs, span })
    }

    /// What is between the quotes of a string literal, and where it starts in the file.
    fn string_contents<'p>(&self, pair: &Pair<'p, Rule>) -> (&'p str, usize) {
        let raw = pair.as_str();
        let inner = raw
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(raw);
        (inner, self.span(pair).start as usize + 1)
    }

    /// The value of a string literal (`lit_string` pair), escapes resolved.
    pub(super) fn string(&self, pair: &Pair<'_, Rule>) -> Res<String> {
        let (inner, inner_start) = self.string_contents(pair);
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '\\' {
                out.push(unescape(&mut chars, inner_start + i, inner_start)?);
            } else {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Splits `message "GIR {demandeur.gir}"` into text and expressions.
    pub(super) fn message(&mut self, pair: &Pair<'_, Rule>, mspan: Span) -> Res<Message> {
        let (inner, inner_start) = self.string_contents(pair);
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => text.push(unescape(&mut chars, inner_start + i, inner_start)?),
                '{' => {
                    let open = inner_start + i;
                    let Some(len) = inner.get(i + 1..).and_then(|rest| rest.find('}')) else {
                        return Err(ParseError {
                            message:
                                "`}` manquant : une insertion `{…}` du message n'est pas fermée"
                                    .to_owned(),
                            span: Span::new(open, open + 1),
                        });
                    };
                    let expr_text = inner.get(i + 1..i + 1 + len).unwrap_or("");
                    if expr_text.trim().is_empty() {
                        return Err(ParseError {
                            message: "insertion vide dans le message : écrivez un nom entre `{` et `}`, par exemple `{demandeur.gir}`".to_owned(),
                            span: Span::new(open, open + len + 2),
                        });
                    }
                    if !text.is_empty() {
                        parts.push(MessagePart::Text(std::mem::take(&mut text)));
                    }
                    parts.push(MessagePart::Expr(self.message_expr(expr_text, open + 1)?));
                    // Skip the expression and its closing brace.
                    for _ in 0..=expr_text.chars().count() {
                        chars.next();
                    }
                }
                _ => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(MessagePart::Text(text));
        }
        Ok(Message { parts, span: mspan })
    }

    fn message_expr(&mut self, text: &str, base: usize) -> Res<Expr> {
        let pairs = SocleParser::parse(Rule::message_expr, text)
            .map_err(|e| diagnose::pest_error(base, text, &e, diagnose::Context::Message))?;
        let mut sub = Builder::new(self.file, base, &lex_at(text, base));
        sub.nesting = self.nesting;
        let span = Span::new(base, base + text.len());
        let outer = pairs
            .into_iter()
            .next()
            .ok_or_else(|| self.internal(span, "message"))?;
        let mut it = children(outer);
        sub.next_expr(&mut it, span, "message")
    }
}

/// The character that the `\` at file offset `at` stands for, its escape read from `chars`;
/// `inner_start` is the file offset of the string's contents, where `chars` counts from.
fn unescape(chars: &mut std::str::CharIndices<'_>, at: usize, inner_start: usize) -> Res<char> {
    match chars.next() {
        Some((_, e @ ('"' | '\\'))) => Ok(e),
        Some((j, e)) => Err(ParseError {
            message: format!(
                "séquence d'échappement inconnue `\\{e}` : seules `\\\"` et `\\\\` sont permises"
            ),
            span: Span::new(at, inner_start + j + e.len_utf8()),
        }),
        None => Ok('\\'),
    }
}
