//! A condition's motif compiled once per template into its JSON text for each outcome
//! (held, failed, unknown): the object's start, the message's texts and choices already
//! escaped and merged, and holes where the values go. Writing a motif then copies a few
//! pre-escaped runs and renders each value straight into the buffer; only a text value is
//! escaped. The same bytes as `write_motif`'s piece-by-piece rendering, which stays the
//! reference (`tests/tests/write_json.rs` compares the two through `write_json_reusing`).

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::decision::{MotifTemplate, Piece, Shown};
use crate::ir::{Period, Ty};
use crate::json_text::{escaped, Escaped, Raw};
use crate::render::{
    strip_optional_ty, write_count, write_duration, write_human, write_money_human_bytes,
};
use crate::value::Value;

/// The JSON of one template's motifs, for a settled condition of eligibility (not payment).
#[derive(Clone)]
pub(crate) struct CompiledMotif {
    template: Arc<MotifTemplate>,
    /// Held, failed, unknown.
    outcomes: [Outcome; 3],
}

#[derive(Clone)]
struct Outcome {
    /// `{"id":…,"satisfaite":…,"message":"` then the message's escaped texts, then `"}`.
    bytes: Box<[u8]>,
    holes: Box<[Hole]>,
    /// What a value that could not be computed reads as.
    missing: &'static [u8],
}

/// A value's place: after `bytes[..at]` (from the previous hole), the `value`-th value.
#[derive(Clone)]
struct Hole {
    at: usize,
    value: usize,
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    /// Money: digits then ` €/mois` (its type for a value that is not an amount).
    Money(&'static [u8], Ty),
    /// A type whose integers read as their digits (not an amount nor a rate).
    Count(Ty),
    /// Anything else, through the human renderer.
    Other(Ty),
}

/// `"}`, the end of a motif without missing facts.
const CLOSE: &[u8] = b"\"}";

impl CompiledMotif {
    pub(crate) fn new(template: &Arc<MotifTemplate>) -> Self {
        CompiledMotif {
            outcomes: [
                Outcome::new(template, Some(true)),
                Outcome::new(template, Some(false)),
                Outcome::new(template, None),
            ],
            template: Arc::clone(template),
        }
    }

    /// Whether this was compiled from that very template.
    pub(crate) fn is(&self, template: &Arc<MotifTemplate>) -> bool {
        Arc::ptr_eq(&self.template, template)
    }

    /// The motif's JSON up to its message's closing quote, and the object's closing brace
    /// too when `closed` (the motif misses no facts).
    pub(crate) fn write(
        &self,
        held: Option<bool>,
        values: &Shown,
        closed: bool,
        out: &mut Vec<u8>,
    ) {
        let [satisfied, failed, unknown] = &self.outcomes;
        let outcome = match held {
            Some(true) => satisfied,
            Some(false) => failed,
            None => unknown,
        };
        let bytes = &*outcome.bytes;
        let mut from = 0;
        for hole in outcome.holes.iter() {
            out.extend_from_slice(bytes.get(from..hole.at).unwrap_or_default());
            from = hole.at;
            let value = shown(values, hole.value);
            match (value, &hole.kind) {
                (Some(Some(Value::Dec(amount))), Kind::Money(unit, _)) => {
                    write_money_human_bytes(out, *amount, unit)
                }
                (Some(Some(Value::Int(amount))), Kind::Money(unit, _)) => {
                    write_money_human_bytes(out, Decimal::from(*amount), unit)
                }
                (Some(Some(Value::Int(n))), Kind::Count(_)) => write_count(out, *n),
                (Some(Some(Value::Duration(n, family))), _) => {
                    write_duration(&mut Raw(out), *n, *family)
                }
                (Some(Some(value)), Kind::Money(_, ty) | Kind::Count(ty) | Kind::Other(ty)) => {
                    write_human(&mut Escaped(out), value, ty, &self.template.enums)
                }
                _ => out.extend_from_slice(outcome.missing),
            }
        }
        let end = if closed {
            bytes.len()
        } else {
            bytes.len().saturating_sub(CLOSE.len())
        };
        out.extend_from_slice(bytes.get(from..end).unwrap_or_default());
    }
}

/// The `i`-th of the values, as `values.iter().nth(i)` finds it (the tests of
/// `tests/tests/write_json.rs` compare the motifs written with those rendered through it).
fn shown(values: &Shown, i: usize) -> Option<&Option<Value>> {
    let kept = values.len.min(values.head.len());
    match i.checked_sub(kept) {
        None => values.head.get(i),
        Some(j) => values.more.get(j),
    }
}

impl Outcome {
    fn new(template: &MotifTemplate, held: Option<bool>) -> Self {
        let index = match held {
            Some(true) => 0,
            Some(false) => 1,
            None => 2,
        };
        let mut bytes = template
            .message_heads
            .get(index)
            .map(|head| head.to_vec())
            .unwrap_or_default();
        let mut holes = Vec::new();
        let mut value = 0;
        let mut shown = true;
        // The walk of `MotifTemplate::render_into`, for one outcome.
        for piece in &template.pieces {
            match piece {
                Piece::Shown(outcomes) => shown = outcomes.contains(held),
                Piece::Value(_) if !shown => value += 1,
                _ if !shown => {}
                Piece::Text(text) => escaped(&mut bytes, text),
                Piece::Choice {
                    satisfied,
                    failed,
                    unknown,
                } => escaped(
                    &mut bytes,
                    match held {
                        Some(true) => satisfied,
                        Some(false) => failed,
                        None => unknown,
                    },
                ),
                Piece::Value(ty) => {
                    let kind = match strip_optional_ty(ty) {
                        Ty::Money(period) => Kind::Money(unit(*period), ty.clone()),
                        Ty::Rate => Kind::Other(Ty::Rate),
                        other => Kind::Count(other.clone()),
                    };
                    holes.push(Hole {
                        at: bytes.len(),
                        value,
                        kind,
                    });
                    value += 1;
                }
            }
        }
        bytes.extend_from_slice(CLOSE);
        Outcome {
            bytes: bytes.into_boxed_slice(),
            holes: holes.into_boxed_slice(),
            missing: if held.is_none() {
                "(inconnu)".as_bytes()
            } else {
                "(non calculable)".as_bytes()
            },
        }
    }
}

/// What follows an amount in a message (`render::write_money_human`).
fn unit(period: Option<Period>) -> &'static [u8] {
    match period {
        None => " €".as_bytes(),
        Some(Period::Heure) => " €/heure".as_bytes(),
        Some(Period::Jour) => " €/jour".as_bytes(),
        Some(Period::Mois) => " €/mois".as_bytes(),
        Some(Period::An) => " €/an".as_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `shown` finds each value where the iterator of the values does, whatever their number,
    /// and also after the values were cleared and fewer pushed (stale ones stay in place).
    #[test]
    fn shown_is_the_iterators_nth() {
        let mut values = Shown::default();
        for round in 0..3 {
            values.clear();
            for n in 0..6 {
                for i in 0..n + 3 {
                    let nth = values.iter().nth(i);
                    assert_eq!(
                        format!("{:?}", shown(&values, i)),
                        format!("{nth:?}"),
                        "{round} {n} {i}"
                    );
                }
                let value = (n % 2 == 0).then_some(Value::Int(n as i64 + 10 * round));
                values.push(value);
            }
            values.clear();
            values.push(Some(Value::Bool(true)));
        }
    }
}
