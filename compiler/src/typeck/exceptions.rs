//! The exceptions of one value checked against each other. Siblings (exceptions of the value,
//! or refinements of the same exception) are compared pairwise:
//! - the same condition with the same value: one is useless (W0702);
//! - the same condition with different values: contradictory whenever it holds (E0703);
//! - different conditions that may hold together, with different values: a decision where
//!   both hold fails (W0704). Two conditions are known apart only when a conjunct of one
//!   contradicts a conjunct of the other on the same expression (`x` and `non x`, `x = a` and
//!   `x = b`, disjoint `dans` sets or ranges, `x < 80` and `x >= 80`…).

use chrono::Datelike;
use rust_decimal::Decimal;
use socle_runtime::ir::UnOp;

use super::*;
use crate::typed::TException;

/// What one conjunct says of one expression (its subject).
enum Constraint {
    /// The subject is one of these constants (`=`, `dans {…}`, a boolean itself).
    OneOf(Vec<Const>),
    /// The subject is none of these constants (`≠`).
    NoneOf(Vec<Const>),
    /// The subject lies in this interval: bounds with their inclusiveness.
    Range(Option<(Decimal, bool)>, Option<(Decimal, bool)>),
}

fn constant(e: &TExpr) -> Option<Const> {
    match &e.kind {
        TKind::Const(c) => Some(c.clone()),
        _ => None,
    }
}

/// A constant as a number on one scale, for ranges: numbers, amounts, rates, durations, dates.
fn scalar(c: &Const) -> Option<Decimal> {
    match c {
        Const::Value(Value::Int(i)) | Const::Value(Value::Duration(i, _)) => {
            Some(Decimal::from(*i))
        }
        Const::Value(Value::Dec(d)) => Some(*d),
        Const::Value(Value::Date(d)) => Some(Decimal::from(d.num_days_from_ce())),
        _ => None,
    }
}

fn conjuncts<'e>(e: &'e TExpr, out: &mut Vec<&'e TExpr>) {
    match &e.kind {
        TKind::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        _ => out.push(e),
    }
}

fn in_range(x: Decimal, lo: Option<(Decimal, bool)>, hi: Option<(Decimal, bool)>) -> bool {
    let above = lo.is_none_or(|(l, incl)| if incl { x >= l } else { x > l });
    let below = hi.is_none_or(|(h, incl)| if incl { x <= h } else { x < h });
    above && below
}

/// The larger of two lower bounds (the stricter one on a tie).
fn max_lower(a: Option<(Decimal, bool)>, b: Option<(Decimal, bool)>) -> Option<(Decimal, bool)> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) if x.0 != y.0 => Some(if x.0 > y.0 { x } else { y }),
        (Some(x), Some(y)) => Some((x.0, x.1 && y.1)),
    }
}

fn min_upper(a: Option<(Decimal, bool)>, b: Option<(Decimal, bool)>) -> Option<(Decimal, bool)> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) if x.0 != y.0 => Some(if x.0 < y.0 { x } else { y }),
        (Some(x), Some(y)) => Some((x.0, x.1 && y.1)),
    }
}

fn disjoint(a: &Constraint, b: &Constraint) -> bool {
    use Constraint::*;
    match (a, b) {
        (OneOf(x), OneOf(y)) => !x.iter().any(|c| y.contains(c)),
        (OneOf(x), NoneOf(y)) | (NoneOf(y), OneOf(x)) => x.iter().all(|c| y.contains(c)),
        (OneOf(x), Range(lo, hi)) | (Range(lo, hi), OneOf(x)) => x
            .iter()
            .all(|c| scalar(c).is_some_and(|v| !in_range(v, *lo, *hi))),
        (Range(l1, h1), Range(l2, h2)) => match (max_lower(*l1, *l2), min_upper(*h1, *h2)) {
            (Some((l, li)), Some((h, hi))) => l > h || (l == h && !(li && hi)),
            _ => false,
        },
        (NoneOf(_), _) | (_, NoneOf(_)) => false,
    }
}

impl Ctx<'_> {
    /// The subject (as written) and constraint of a conjunct, when it has a simple shape.
    fn constraint(&self, file: FileId, e: &TExpr) -> Option<(String, Constraint)> {
        let subject = |s: &TExpr| self.text_of(file, s.span);
        match &e.kind {
            TKind::Binary(op, l, r) => {
                let (s, c, op) = match (constant(l), constant(r)) {
                    (None, Some(c)) => (l, c, *op),
                    (Some(c), None) => {
                        let flipped = match op {
                            BinOp::Lt => BinOp::Gt,
                            BinOp::Le => BinOp::Ge,
                            BinOp::Gt => BinOp::Lt,
                            BinOp::Ge => BinOp::Le,
                            other => *other,
                        };
                        (r, c, flipped)
                    }
                    _ => return None,
                };
                let constraint = match op {
                    BinOp::Eq => Constraint::OneOf(vec![c]),
                    BinOp::Ne => Constraint::NoneOf(vec![c]),
                    BinOp::Lt => Constraint::Range(None, Some((scalar(&c)?, false))),
                    BinOp::Le => Constraint::Range(None, Some((scalar(&c)?, true))),
                    BinOp::Gt => Constraint::Range(Some((scalar(&c)?, false)), None),
                    BinOp::Ge => Constraint::Range(Some((scalar(&c)?, true)), None),
                    _ => return None,
                };
                Some((subject(s), constraint))
            }
            TKind::InSet(s, set) => {
                let consts: Option<Vec<Const>> = set.iter().map(constant).collect();
                Some((subject(s), Constraint::OneOf(consts?)))
            }
            TKind::InRange(s, lo, hi) => {
                let lo = scalar(&constant(lo)?)?;
                let hi = scalar(&constant(hi)?)?;
                Some((
                    subject(s),
                    Constraint::Range(Some((lo, true)), Some((hi, true))),
                ))
            }
            TKind::Unary(UnOp::Not, inner) if inner.ty == Type::Bool => Some((
                subject(inner),
                Constraint::OneOf(vec![Const::Value(Value::Bool(false))]),
            )),
            _ if e.ty == Type::Bool => Some((
                subject(e),
                Constraint::OneOf(vec![Const::Value(Value::Bool(true))]),
            )),
            _ => None,
        }
    }

    /// Whether the two conditions can be shown never to hold together.
    fn exclusive(&self, file: FileId, a: &TExpr, b: &TExpr) -> bool {
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        conjuncts(a, &mut xs);
        conjuncts(b, &mut ys);
        let xs: Vec<_> = xs.iter().filter_map(|x| self.constraint(file, x)).collect();
        let ys: Vec<_> = ys.iter().filter_map(|y| self.constraint(file, y)).collect();
        xs.iter()
            .any(|(sx, cx)| ys.iter().any(|(sy, cy)| sx == sy && disjoint(cx, cy)))
    }

    /// Compares each exception with its earlier siblings; at most one diagnostic each.
    pub(super) fn check_exceptions(
        &mut self,
        file: FileId,
        value: &str,
        written: &[ast::Exception],
        typed: &[TException],
    ) {
        for (j, b) in typed.iter().enumerate() {
            if b.condition.ty.is_error() || b.value.ty.is_error() {
                continue;
            }
            let value_text = |k: usize| {
                written
                    .get(k)
                    .map(|w| self.text_of(file, w.value.span))
                    .unwrap_or_default()
            };
            for (i, a) in typed.iter().enumerate().take(j) {
                if a.parent != b.parent || a.condition.ty.is_error() || a.value.ty.is_error() {
                    continue;
                }
                let same_value = value_text(i) == value_text(j);
                let diag = if a.label == b.label && same_value {
                    Diagnostic::warning(
                        codes::SAME_EXCEPTION,
                        file,
                        b.span,
                        messages::same_exception(value, &b.label),
                    )
                    .with_label(file, a.span, messages::FIRST_EXCEPTION)
                } else if a.label == b.label {
                    Diagnostic::error(
                        codes::CONTRADICTORY_EXCEPTIONS,
                        file,
                        b.span,
                        messages::contradictory_exceptions(value, &b.label),
                    )
                    .with_label(file, a.span, messages::FIRST_EXCEPTION)
                } else if !same_value && !self.exclusive(file, &a.condition, &b.condition) {
                    Diagnostic::warning(
                        codes::OVERLAPPING_EXCEPTIONS,
                        file,
                        b.span,
                        messages::overlapping_exceptions(value, &a.label, &b.label),
                    )
                    .with_label(file, a.span, messages::OTHER_EXCEPTION)
                } else {
                    continue;
                };
                self.push(diag);
                break;
            }
        }
    }
}
