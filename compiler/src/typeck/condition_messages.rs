//! The messages of a condition: `message "…"` (shown whatever the outcome), `message si
//! satisfaite "…"` and `message si non satisfaite "…"`, typed and composed into one message
//! whose parts are shown per outcome; and W0901, a message that writes out a number equal to
//! the value of a parameter (or constant `valeur`) the condition reads, instead of citing it.
//!
//! Which message each outcome shows: satisfied → `si satisfaite`, else `message`, else the
//! message Socle writes from the expression; failed → `si non satisfaite`, else `message`,
//! else the written one; unknown → `message`, else `si non satisfaite` (which says what is
//! required), else the written one.

use std::collections::HashSet;

use rust_decimal::Decimal;
use socle_grammar::ast::{self, DeclKind, ExprKind, Literal, ParamValue};
use socle_runtime::ir::{DurationFamily, Outcomes};

use super::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::{ParamData, TMessagePart};

/// Names followed from a condition to the constants it reads.
const MAX_FOLLOWED: usize = 1_000;

/// A constant the condition reads: how a message cites it, and the numbers it is written as.
struct Cited {
    name: String,
    numbers: Vec<Decimal>,
}

impl Ctx<'_> {
    /// The message of a condition as typed parts (`None`: Socle writes it).
    pub(super) fn condition_message(
        &mut self,
        file: FileId,
        c: &ast::ConditionDecl,
        scope: &Scope,
    ) -> Option<Vec<TMessagePart>> {
        let written: Vec<&ast::Message> = [&c.message, &c.if_satisfied, &c.if_failed]
            .into_iter()
            .flatten()
            .collect();
        if !written.is_empty() {
            let cited = self.constants_read(&c.expr);
            for m in written {
                self.repeated_numbers(file, m, &cited, scope);
            }
        }
        let mut typed = |m: &Option<ast::Message>| {
            m.as_ref().map(|m| {
                m.parts
                    .iter()
                    .map(|p| match p {
                        ast::MessagePart::Text(t) => TMessagePart::Text(t.clone()),
                        ast::MessagePart::Expr(x) => {
                            TMessagePart::Value(self.root_expr(file, x, scope, None))
                        }
                    })
                    .collect::<Vec<_>>()
            })
        };
        let neutral = typed(&c.message);
        let satisfied = typed(&c.if_satisfied);
        let failed = typed(&c.if_failed);
        if satisfied.is_none() && failed.is_none() {
            return neutral;
        }
        // Sources, by index: satisfied, failed, neutral, written by Socle.
        let pick = |own: usize, has_own: bool| {
            if has_own {
                own
            } else if neutral.is_some() {
                2
            } else {
                3
            }
        };
        let on_satisfied = pick(0, satisfied.is_some());
        let on_failed = pick(1, failed.is_some());
        let on_unknown = match (&neutral, &failed) {
            (Some(_), _) => 2,
            (None, Some(_)) => 1,
            (None, None) => 3,
        };
        let bodies = [satisfied, failed, neutral, Some(vec![TMessagePart::Auto])];
        let mut out = Vec::new();
        for (i, body) in bodies.into_iter().enumerate() {
            let outcomes = Outcomes {
                satisfied: on_satisfied == i,
                failed: on_failed == i,
                unknown: on_unknown == i,
            };
            if !(outcomes.satisfied || outcomes.failed || outcomes.unknown) {
                continue;
            }
            if let Some(parts) = body {
                out.push(TMessagePart::Shown(outcomes));
                out.extend(parts);
            }
        }
        Some(out)
    }

    /// The constants an expression reads, following the values and conditions of this
    /// ruleset it names: constant `valeur`s without exception and scalar parameters.
    fn constants_read(&self, e: &ast::Expr) -> Vec<Cited> {
        let mut names = Vec::new();
        mentioned(e, &mut names, MAX_DEPTH);
        let mut seen: HashSet<(Option<String>, String)> = HashSet::new();
        let mut out = Vec::new();
        while let Some((qual, name)) = names.pop() {
            if seen.len() >= MAX_FOLLOWED || !seen.insert((qual.clone(), name.clone())) {
                continue;
            }
            match qual {
                None => {
                    let Some((_, decl)) = self.decls.get(&name) else {
                        continue;
                    };
                    match &decl.kind {
                        DeclKind::Value(v) => match literal(&v.expr) {
                            Some(lit) if v.exceptions.is_empty() => out.push(Cited {
                                numbers: literal_numbers(lit),
                                name,
                            }),
                            _ => mentioned(&v.expr, &mut names, MAX_DEPTH),
                        },
                        DeclKind::Condition(c) => mentioned(&c.expr, &mut names, MAX_DEPTH),
                        DeclKind::Param(p) if p.key.is_none() => {
                            let numbers = p
                                .versions
                                .iter()
                                .filter_map(|v| match &v.value {
                                    ParamValue::Scalar(x) => literal(x),
                                    ParamValue::Table(_) => None,
                                })
                                .flat_map(literal_numbers)
                                .collect();
                            out.push(Cited { name, numbers });
                        }
                        _ => {}
                    }
                }
                Some(rs) => {
                    let Some(checked) = self.all.get(&rs) else {
                        continue;
                    };
                    let numbers: Vec<Decimal> = if let Some(v) = checked.values.get(&name) {
                        match &v.expr.kind {
                            TKind::Const(Const::Value(value)) if v.exceptions.is_empty() => {
                                value_numbers(value, &v.ty)
                            }
                            _ => continue,
                        }
                    } else if let Some(p) = checked.params.get(&name) {
                        p.versions
                            .iter()
                            .filter_map(|v| match &v.value {
                                ParamData::Scalar(Const::Value(value)) => Some(value),
                                _ => None,
                            })
                            .flat_map(|value| value_numbers(value, &p.ty))
                            .collect()
                    } else {
                        continue;
                    };
                    out.push(Cited {
                        name: format!("{rs}.{name}"),
                        numbers,
                    });
                }
            }
        }
        out
    }

    /// W0901 for each number written in the text of `m` that equals a constant in `cited`.
    fn repeated_numbers(&mut self, file: FileId, m: &ast::Message, cited: &[Cited], scope: &Scope) {
        let Some(raw) = self.texts.get(&file).and_then(|t| t.get(m.span.range())) else {
            return;
        };
        let Some(open) = raw.find('"') else {
            return;
        };
        let mut found = Vec::new();
        for (start, end, number) in numbers_in(raw, open + 1) {
            if number == Decimal::ZERO || number == Decimal::ONE {
                continue;
            }
            if let Some(c) = cited.iter().find(|c| c.numbers.contains(&number)) {
                let span = Span::new(m.span.start as usize + start, m.span.start as usize + end);
                let written = raw.get(start..end).unwrap_or_default();
                // A dispositif item of the same name hides the declaration: qualify it.
                let name = if !c.name.contains('.') && self.is_local_name(&c.name, scope) {
                    format!("{}.{}", self.ident, c.name)
                } else {
                    c.name.clone()
                };
                found.push(
                    Diagnostic::warning(
                        codes::REPEATED_NUMBER,
                        file,
                        span,
                        messages::repeated_number(written, &name),
                    )
                    .with_primary_message(messages::CITE_INSTEAD),
                );
            }
        }
        for d in found {
            self.push(d);
        }
    }
}

/// The literal an expression is, if it is one (`15`, `-3`, `7,39 €/mois`).
fn literal(e: &ast::Expr) -> Option<&Literal> {
    match &e.kind {
        ExprKind::Lit(l) => Some(l),
        _ => None,
    }
}

/// The numbers a literal is written with (`65 ans` → 65, `25 %` → 25).
fn literal_numbers(lit: &Literal) -> Vec<Decimal> {
    match lit {
        Literal::Int(i) | Literal::Duration(i, _) => vec![Decimal::from(*i)],
        Literal::Decimal(d) | Literal::Money(d, _) => vec![*d],
        Literal::Rate(d) => d.checked_mul(Decimal::ONE_HUNDRED).into_iter().collect(),
        Literal::Bool(_) | Literal::Date(_) | Literal::Text(_) => Vec::new(),
    }
}

/// The numbers a value is shown with (`780` months → 65 years and 780).
fn value_numbers(value: &Value, ty: &Type) -> Vec<Decimal> {
    match value {
        Value::Int(i) => vec![Decimal::from(*i)],
        Value::Dec(d) if *ty == Type::Rate => {
            d.checked_mul(Decimal::ONE_HUNDRED).into_iter().collect()
        }
        Value::Dec(d) => vec![*d],
        Value::Duration(n, DurationFamily::Months) if n % 12 == 0 => {
            vec![Decimal::from(n / 12), Decimal::from(*n)]
        }
        Value::Duration(n, _) => vec![Decimal::from(*n)],
        _ => Vec::new(),
    }
}

/// The numbers written in a message's text from byte `from` (insertions `{…}` skipped):
/// (start, end, value), French style (`1 012,02`, thousands separated by a space).
fn numbers_in(raw: &str, from: usize) -> Vec<(usize, usize, Decimal)> {
    let bytes = raw.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let mut out = Vec::new();
    let mut i = from;
    let mut depth = 0usize;
    while i < bytes.len() {
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let after_word = i > 0
            && raw
                .get(..i)
                .and_then(|s| s.chars().next_back())
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.');
        if depth > 0 || !b.is_ascii_digit() || after_word {
            i += 1;
            continue;
        }
        let start = i;
        while digit(i) {
            i += 1;
        }
        // Thousands: a space (or a narrow space) then exactly three digits.
        loop {
            let sep = [" ", "\u{A0}", "\u{202F}"]
                .iter()
                .find(|s| raw.get(i..).is_some_and(|r| r.starts_with(**s)))
                .map_or(0, |s| s.len());
            let j = i + sep;
            if sep > 0 && digit(j) && digit(j + 1) && digit(j + 2) && !digit(j + 3) {
                i = j + 3;
            } else {
                break;
            }
        }
        if matches!(bytes.get(i), Some(b',' | b'.')) && digit(i + 1) {
            i += 1;
            while digit(i) {
                i += 1;
            }
        }
        let written = raw.get(start..i).unwrap_or_default();
        let normalized: String = written
            .chars()
            .filter_map(|c| match c {
                '0'..='9' => Some(c),
                ',' | '.' => Some('.'),
                _ => None,
            })
            .collect();
        // `2A` (a département code) is a word, not a number.
        let glued = raw
            .get(i..)
            .and_then(|s| s.chars().next())
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if glued {
            continue;
        }
        if let Ok(n) = normalized.parse::<Decimal>() {
            out.push((start, i, n.normalize()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn numbers(raw: &str) -> Vec<String> {
        numbers_in(raw, 0)
            .into_iter()
            .map(|(s, e, n)| format!("{}={n}", &raw[s..e]))
            .collect()
    }

    #[test]
    fn numbers_are_read_the_french_way() {
        assert_eq!(
            numbers("15 ans, 1 012,02 €/mois, 80 %, 0.5, VO-AM-3, {x} 2A {demandeur.gir1}"),
            ["15=15", "1 012,02=1012.02", "80=80", "0.5=0.5"]
        );
        assert_eq!(
            numbers("12 345 678 et 12 3456"),
            ["12 345 678=12345678", "12=12", "3456=3456"]
        );
    }
}
