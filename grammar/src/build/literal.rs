//! Literals: numbers with their units, dates, booleans and strings.

use std::str::FromStr;

use chrono::NaiveDate;
use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::{Builder, Res};
use crate::ast::*;
use crate::parser::Rule;
use crate::ParseError;

impl Builder<'_> {
    /// A literal optionally preceded by `-`, folded into one literal (interval bounds and
    /// table keys are plain values, not expressions).
    pub(super) fn signed_literal(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let mut negative = false;
        let mut lit = None;
        for p in pair.into_inner() {
            if p.as_rule() == Rule::op_neg {
                negative = true;
            } else {
                lit = Some(self.literal(&p)?);
            }
        }
        let lit = lit.ok_or_else(|| self.internal(span, "littéral"))?;
        let lit = if negative {
            self.negate(lit, span)?
        } else {
            lit
        };
        Ok(Expr {
            kind: ExprKind::Lit(lit),
            span,
        })
    }

    fn negate(&self, lit: Literal, span: Span) -> Res<Literal> {
        let overflow = || ParseError {
            message: "nombre trop grand".to_owned(),
            span,
        };
        Ok(match lit {
            Literal::Int(i) => Literal::Int(i.checked_neg().ok_or_else(overflow)?),
            Literal::Decimal(d) => Literal::Decimal(-d),
            Literal::Money(d, p) => Literal::Money(-d, p),
            Literal::Rate(d) => Literal::Rate(-d),
            Literal::Duration(i, u) => Literal::Duration(i.checked_neg().ok_or_else(overflow)?, u),
            Literal::Bool(_) | Literal::Date(_) | Literal::Text(_) => {
                return Err(ParseError {
                    message: "seul un nombre peut être précédé de `-`".to_owned(),
                    span,
                })
            }
        })
    }

    pub(super) fn literal(&self, pair: &Pair<'_, Rule>) -> Res<Literal> {
        let span = self.span(pair);
        match pair.as_rule() {
            Rule::lit_true => Ok(Literal::Bool(true)),
            Rule::lit_false => Ok(Literal::Bool(false)),
            Rule::lit_string => Ok(Literal::Text(self.string(pair)?)),
            Rule::lit_date => Ok(Literal::Date(self.date(pair)?)),
            Rule::lit_number => self.number(pair.clone(), span),
            _ => Err(self.internal(span, "littéral")),
        }
    }

    pub(super) fn date(&self, pair: &Pair<'_, Rule>) -> Res<NaiveDate> {
        let text = pair.as_str();
        let span = self.span(pair);
        let field =
            |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u32>().ok());
        let date = match (field(0..4), field(5..7), field(8..10)) {
            (Some(y), Some(m), Some(d)) => i32::try_from(y)
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
            _ => None,
        };
        date.ok_or_else(|| ParseError {
            message: format!("date invalide : `{text}` n'existe pas (format AAAA-MM-JJ)"),
            span,
        })
    }

    fn number(&self, pair: Pair<'_, Rule>, span: Span) -> Res<Literal> {
        let mut digits = "";
        let mut unit: Option<Pair<'_, Rule>> = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::number => digits = p.as_str(),
                _ => unit = Some(p),
            }
        }
        let normalized: String = digits
            .chars()
            .filter(|c| !matches!(c, '_' | '\u{A0}' | '\u{202F}'))
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        let is_integer = !normalized.contains('.');
        let too_big = || ParseError {
            message: format!("nombre trop grand ou trop précis : `{digits}`"),
            span,
        };
        // `from_str` rounds what is beyond 28 significant digits (0,000…01 became 0): a
        // literal must be read exactly or refused.
        let decimal = || {
            Decimal::from_str(&normalized)
                .ok()
                .filter(|d| d.normalize().to_string() == canonical(&normalized))
                .ok_or_else(too_big)
        };
        let integer = || normalized.parse::<i64>().map_err(|_| too_big());
        let Some(unit) = unit else {
            return if is_integer {
                Ok(Literal::Int(integer()?))
            } else {
                Ok(Literal::Decimal(decimal()?))
            };
        };
        match unit.as_rule() {
            Rule::unit_money => Ok(Literal::Money(decimal()?, self.period_of(unit))),
            Rule::unit_rate => {
                let d = decimal()?;
                // Exact division by 100: shift the scale instead of dividing.
                let rate = Decimal::try_from_i128_with_scale(d.mantissa(), d.scale() + 2)
                    .map_err(|_| too_big())?;
                Ok(Literal::Rate(rate))
            }
            _ => {
                let word = unit.as_str();
                if !is_integer {
                    return Err(ParseError {
                        message: format!(
                            "une durée s'écrit avec un nombre entier : `{digits} {word}` ; \
                             écrivez par exemple `18 mois` plutôt que `1,5 an`"
                        ),
                        span,
                    });
                }
                let duration_unit = match word {
                    "ans" | "an" => DurationUnit::Ans,
                    "mois" => DurationUnit::Mois,
                    "heures" | "heure" => DurationUnit::Heures,
                    _ => DurationUnit::Jours,
                };
                Ok(Literal::Duration(integer()?, duration_unit))
            }
        }
    }
}

/// A decimal numeral without leading zeros in its integer part nor trailing zeros in its
/// fraction: how `Decimal::normalize` displays the same number.
fn canonical(numeral: &str) -> String {
    let (sign, digits) = match numeral.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", numeral),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let sign = if int == "0" && frac.is_empty() {
        ""
    } else {
        sign
    };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}
