//! Lists written in the rules (`[a, b]`), quantifiers over a list (`tous les`, `au moins un`,
//! `aucun`, `nombre de … tels que`, `somme de … pour chaque`) and the fields of an element of
//! a list of structures.
//!
//! Three-valued like `et`/`ou`: `tous les` is `faux` as soon as one element is `faux`, even
//! when another is unknown; `au moins un` is `vrai` as soon as one is `vrai`; otherwise an
//! unknown element makes the result unknown, naming every missing fact. A count or a sum
//! needs every element.

use std::sync::Arc;

use super::unknown::{merge, merge_speculative, unknown, Missing, Stop};
use super::{Eval, R};
use crate::error::EvalError;
use crate::ir::{Expr, InputSlot, LocalSlot, Quantifier};
use crate::ops;
use crate::trace::Tracer;
use crate::value::Value;

impl<T: Tracer> Eval<'_, T> {
    pub(super) fn list_literal(&mut self, items: &[Expr]) -> R<Value> {
        let mut values = Vec::with_capacity(items.len());
        let mut stop: Option<Box<Stop>> = None;
        for item in items {
            match self.eval(item) {
                Ok(v) => values.push(v),
                Err(e) if e.is_unknown() => {
                    stop = Some(match stop {
                        Some(s) => merge(s, e),
                        None => e,
                    });
                }
                Err(e) => return Err(e),
            }
        }
        match stop {
            Some(s) => Err(s),
            None => Ok(Value::List(Arc::from(values))),
        }
    }

    /// `body` evaluated with `slot` bound to `item`; the slot's previous value is restored.
    fn with_element(&mut self, slot: LocalSlot, item: Value, body: &Expr) -> R<Value> {
        let saved = self.bind(slot, Ok(item))?;
        let result = self.eval(body);
        self.unbind(slot, saved);
        result
    }

    pub(super) fn quantified(
        &mut self,
        quantifier: Quantifier,
        slot: LocalSlot,
        list: &Expr,
        body: &Expr,
        zero: Option<&Value>,
    ) -> R<Value> {
        let items = self.eval_list(list)?;
        match quantifier {
            Quantifier::All | Quantifier::Some | Quantifier::None => {
                // `tous` stops at the first `faux`, `au moins un`/`aucun` at the first `vrai`.
                let absorbing = quantifier != Quantifier::All;
                let mut pending: Option<Box<Stop>> = None;
                for item in items.iter() {
                    match self.with_element(slot, item.clone(), body) {
                        Ok(Value::Bool(b)) if b == absorbing => {
                            return Ok(Value::Bool(absorbing != (quantifier == Quantifier::None)));
                        }
                        Ok(Value::Bool(_)) => {}
                        Ok(_) => return Err(self.internal("booléen attendu")),
                        Err(e) => match pending {
                            Some(p) => pending = Some(merge_speculative(p, e)),
                            None if e.is_unknown() => pending = Some(e),
                            None => return Err(e),
                        },
                    }
                }
                match pending {
                    Some(p) => Err(p),
                    None => Ok(Value::Bool(absorbing == (quantifier == Quantifier::None))),
                }
            }
            Quantifier::Count | Quantifier::Sum => {
                // A sum starts from its first element (a `durée` of either family).
                let mut total: Option<Value> = match quantifier {
                    Quantifier::Count => Some(Value::Int(0)),
                    _ => None,
                };
                let mut pending: Option<Box<Stop>> = None;
                for item in items.iter() {
                    let value = match self.with_element(slot, item.clone(), body) {
                        Ok(v) => v,
                        Err(e) if e.is_unknown() => {
                            pending = Some(match pending {
                                Some(p) => merge(p, e),
                                None => e,
                            });
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    total = match (quantifier, value, total) {
                        (Quantifier::Count, Value::Bool(false), t) => t,
                        (Quantifier::Count, Value::Bool(true), Some(t)) => {
                            Some(self.check(ops::add(&t, &Value::Int(1)))?)
                        }
                        (Quantifier::Count, _, _) => return Err(self.internal("booléen attendu")),
                        (_, v, None) => Some(v),
                        (_, v, Some(t)) => Some(self.check(ops::add(&t, &v))?),
                    };
                }
                match pending {
                    Some(p) => Err(p),
                    None => Ok(total.or_else(|| zero.cloned()).unwrap_or(Value::Int(0))),
                }
            }
        }
    }

    /// A field of a record. A required field the dossier left out is unknown: the list it
    /// comes from is then the missing fact.
    pub(super) fn record_field(
        &mut self,
        record: &Expr,
        index: u32,
        missing: Option<InputSlot>,
        optional: bool,
    ) -> R<Value> {
        let fields = match self.eval(record)? {
            Value::List(fields) => fields,
            _ => return Err(self.internal("structure attendue")),
        };
        match fields.get(index as usize) {
            Some(Value::Absent) if !optional => match missing {
                Some(slot) => Err(unknown(Missing::one(slot))),
                None => Err(super::unknown::fail(EvalError::AbsentValue {
                    def: self.context_name(),
                })),
            },
            Some(v) => Ok(v.clone()),
            None => Err(self.internal("champ de structure inconnu")),
        }
    }
}
