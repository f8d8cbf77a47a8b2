//! Local variables (`soit`, a function's parameters, a quantifier's element) under
//! three-valued evaluation. A local bound to an unknown value does not stop the expression
//! that binds it: the body may never read it (`si c alors 0 sinon x`), or read it beside
//! other unknowns that the dossier must also give. Only reading it stops, with its missing
//! facts. So a result is decided whenever its facts allow, and `manquants` lists every fact a
//! result waits for, not just the first one met.

use std::mem;

use super::unknown::{unknown, Stop};
use super::{Eval, R};
use crate::ir::LocalSlot;
use crate::trace::Tracer;
use crate::value::Value;

/// What a slot held before a binding, put back when the binding's scope ends.
pub(super) struct Saved {
    value: Value,
    unknown: Option<u32>,
}

impl<T: Tracer> Eval<'_, T> {
    /// A local's value; a local bound to an unknown value stops with its missing facts.
    #[inline]
    pub(super) fn local(&self, slot: LocalSlot) -> R<Value> {
        match self.locals.get(slot as usize) {
            Some(Value::Absent) => match self.local_unknowns.get(slot as usize) {
                Some(Some(index)) => Err(unknown(self.unknown_set(*index))),
                _ => Ok(Value::Absent),
            },
            Some(v) => Ok(v.clone()),
            None => Err(self.internal("variable locale inconnue")),
        }
    }

    /// Binds `slot` to `value` (or to the unknown `value` stopped with) for a scope.
    /// A failure is not bound: it stops the binding expression, as it would any other.
    pub(super) fn bind(&mut self, slot: LocalSlot, value: R<Value>) -> R<Saved> {
        let (value, index) = match value {
            Ok(v) => (v, None),
            Err(stop) => match *stop {
                Stop::Unknown(missing) => (Value::Absent, Some(self.remember(missing))),
                failed @ Stop::Failed(_) => return Err(Box::new(failed)),
            },
        };
        let saved_value = match self.locals.get_mut(slot as usize) {
            Some(target) => mem::replace(target, value),
            None => return Err(self.internal("variable locale inconnue")),
        };
        // Allocated at the first unknown binding only: a complete dossier never gets here.
        if index.is_some() && self.local_unknowns.len() != self.locals.len() {
            self.local_unknowns.resize(self.locals.len(), None);
        }
        let saved_unknown = match self.local_unknowns.get_mut(slot as usize) {
            Some(target) => mem::replace(target, index),
            None => None,
        };
        Ok(Saved {
            value: saved_value,
            unknown: saved_unknown,
        })
    }

    /// Ends a binding's scope: the slot holds again what it held before.
    pub(super) fn unbind(&mut self, slot: LocalSlot, saved: Saved) {
        if let Some(target) = self.locals.get_mut(slot as usize) {
            *target = saved.value;
        }
        if let Some(target) = self.local_unknowns.get_mut(slot as usize) {
            *target = saved.unknown;
        }
    }
}
