//! Filling a previous [`Decision`] in place (`Engine::decide_into`): every vector keeps its
//! capacity and every shared name or template already in place is kept, so that deciding the
//! next dossier of a stream allocates nothing and touches no reference count when the shape of
//! the decision does not change.

use std::fmt;
use std::mem;
use std::sync::Arc;

use chrono::NaiveDate;

use super::{
    Decision, DispositifDecision, Motif, MotifTemplate, MotifText, OutputValue, Payment, Shown,
};
use crate::ir::{InputSlot, Program, Ty};
use crate::value::Value;

/// The outputs of the dispositif decided at each position, set aside while it is not eligible:
/// a dispositif that is eligible in one decision and not in the next keeps its outputs (names,
/// types, values) to overwrite, instead of dropping them and building them again. A cache,
/// not a part of the decision: its `Debug` shows nothing.
#[derive(Clone, Default)]
pub(crate) struct Spare(Vec<Vec<OutputValue>>);

impl fmt::Debug for Spare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("_")
    }
}

/// Where the outputs of the dispositif at position `i` are set aside.
pub(crate) struct SpareSlot<'a> {
    spare: &'a mut Vec<Vec<OutputValue>>,
    i: usize,
}

/// `a == b`, the frequent scalar types compared without the derived comparison's dispatch.
#[inline]
fn same_ty(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Money(x), Ty::Money(y)) => x == y,
        (Ty::Decimal, Ty::Decimal) | (Ty::Int, Ty::Int) | (Ty::Bool, Ty::Bool) => true,
        _ => a == b,
    }
}

/// The element `i` of `items`, appended with `make` when `items` has exactly `i` elements.
#[inline]
pub(crate) fn slot<T>(items: &mut Vec<T>, i: usize, make: impl FnOnce() -> T) -> Option<&mut T> {
    if i == items.len() {
        items.push(make());
    }
    items.get_mut(i)
}

/// Makes room for `n` elements in all: allocated once, exactly, for a fresh vector (`reserve`
/// on an empty one goes through the amortised growth path); a no-op once a reused vector is
/// large enough.
#[inline]
pub(crate) fn room<T>(items: &mut Vec<T>, n: usize) {
    if items.capacity() == 0 {
        *items = Vec::with_capacity(n);
    } else if items.capacity() < n {
        items.reserve_exact(n.saturating_sub(items.len()));
    }
}

/// Replaces `target` by a clone of `source` unless both already share the same allocation.
#[inline]
fn share<T: ?Sized>(target: &mut Arc<T>, source: &Arc<T>) {
    if !Arc::ptr_eq(target, source) {
        *target = Arc::clone(source);
    }
}

impl Decision {
    /// Starts refilling this decision for `program` at `date`: its dispositifs are overwritten
    /// one by one, then the surplus is dropped by [`Decision::finish`].
    pub(crate) fn restart(&mut self, program: &Arc<Program>, ruleset: &Arc<str>, date: NaiveDate) {
        share(&mut self.program, program);
        share(&mut self.ruleset, ruleset);
        self.date = date;
        self.rules_computed = 0;
    }

    /// The dispositif at position `i`, appended with `make` when `i` is the number of
    /// dispositifs, and its set-aside outputs.
    #[inline]
    pub(crate) fn dispositif_slot(
        &mut self,
        i: usize,
        make: impl FnOnce() -> DispositifDecision,
    ) -> Option<(&mut DispositifDecision, SpareSlot<'_>)> {
        let target = slot(&mut self.dispositifs, i, make)?;
        Some((
            target,
            SpareSlot {
                spare: &mut self.spare.0,
                i,
            },
        ))
    }

    /// Keeps the first `decided` dispositifs.
    pub(crate) fn finish(&mut self, decided: usize, rules_computed: u32) {
        self.dispositifs.truncate(decided);
        self.rules_computed = rules_computed;
    }
}

impl DispositifDecision {
    /// An empty decision, to be overwritten.
    pub(crate) fn blank(id: &Arc<str>) -> Self {
        DispositifDecision {
            id: Arc::clone(id),
            title: None,
            eligible: None,
            payment: Payment::NotApplicable,
            values: Vec::new(),
            motifs: Vec::new(),
            missing: Vec::new(),
            trace: None,
            error: None,
        }
    }

    /// Sets the identity of the dispositif and empties nothing yet: the caller overwrites the
    /// motifs and values in order, then [`DispositifDecision::truncate`]s them.
    #[inline]
    pub(crate) fn reset(&mut self, id: &Arc<str>, title: Option<&Arc<str>>) {
        share(&mut self.id, id);
        match (&mut self.title, title) {
            (Some(target), Some(source)) => share(target, source),
            (target, source) => *target = source.cloned(),
        }
        // Guarded: assigning drops the old value, a call even when it is `None`.
        if self.error.is_some() {
            self.error = None;
        }
    }

    /// Before the outputs are written: an eligible dispositif takes back its outputs set
    /// aside, one that is not sets them aside (it shows none).
    /// A fresh decision has nothing to set aside: the spare vectors are made only when needed.
    #[inline]
    pub(crate) fn park_values(&mut self, spare: SpareSlot<'_>, eligible: bool) {
        let SpareSlot { spare, i } = spare;
        if eligible {
            if self.values.is_empty() {
                if let Some(kept) = spare.get_mut(i) {
                    mem::swap(&mut self.values, kept);
                }
            }
        } else if !self.values.is_empty() {
            if spare.len() <= i {
                spare.resize_with(i + 1, Vec::new);
            }
            if let Some(kept) = spare.get_mut(i) {
                if kept.is_empty() {
                    mem::swap(&mut self.values, kept);
                }
            }
        }
    }

    /// Writes the output `i`.
    #[inline]
    pub(crate) fn put_value(&mut self, i: usize, name: &Arc<str>, value: Value, ty: &Ty) {
        if let Some(output) = self.values.get_mut(i) {
            share(&mut output.name, name);
            output.value = value;
            if !same_ty(&output.ty, ty) {
                output.ty = ty.clone();
            }
        } else {
            self.values.push(OutputValue {
                name: Arc::clone(name),
                value,
                ty: ty.clone(),
            });
        }
    }

    /// The value of output `i` when it is already there with this very name and the same scalar
    /// type, to be overwritten in place.
    #[inline]
    pub(crate) fn value_slot(&mut self, i: usize, name: &Arc<str>, ty: &Ty) -> Option<&mut Value> {
        let output = self.values.get_mut(i)?;
        let same = match (&output.ty, ty) {
            (Ty::Money(x), Ty::Money(y)) => x == y,
            (Ty::Decimal, Ty::Decimal)
            | (Ty::Rate, Ty::Rate)
            | (Ty::Int, Ty::Int)
            | (Ty::Bool, Ty::Bool) => true,
            // Any other type: written by `put_value`.
            _ => false,
        };
        (same && Arc::ptr_eq(&output.name, name)).then_some(&mut output.value)
    }

    /// Keeps the first `values` outputs and `motifs` motifs.
    #[inline]
    pub(crate) fn truncate(&mut self, values: usize, motifs: usize) {
        // Guarded: most decisions keep the same shape, and an empty truncation still costs.
        if self.values.len() > values {
            self.values.truncate(values);
        }
        if self.motifs.len() > motifs {
            self.motifs.truncate(motifs);
        }
    }
}

impl Motif {
    /// A blank motif, to be overwritten.
    pub(crate) fn blank(template: &Arc<MotifTemplate>) -> Self {
        Motif::condition(Arc::clone(template), None, Shown::default())
    }

    /// Overwrites this motif with a condition's state; returns its values, emptied, to be
    /// filled in message order (always `Some`).
    #[inline]
    pub(crate) fn set_condition(
        &mut self,
        template: &Arc<MotifTemplate>,
        satisfied: Option<bool>,
        payment: bool,
        missing: &[InputSlot],
    ) -> Option<&mut Shown> {
        self.satisfied = satisfied;
        self.payment = payment;
        if !(self.missing.is_empty() && missing.is_empty()) {
            self.missing.clear();
            self.missing.extend_from_slice(missing);
        }
        let same = matches!(
            &self.text,
            MotifText::Condition { template: current, .. } if Arc::ptr_eq(current, template)
        );
        if !same {
            self.text = MotifText::Condition {
                template: Arc::clone(template),
                values: Shown::default(),
            };
        }
        match &mut self.text {
            MotifText::Condition { values, .. } => {
                values.clear();
                Some(values)
            }
            MotifText::Cumul { .. } => None,
        }
    }

    /// [`Motif::set_condition`] for a settled condition (no missing fact): its values, emptied
    /// (always `Some`).
    #[inline]
    pub(crate) fn set_settled(
        &mut self,
        template: &Arc<MotifTemplate>,
        held: bool,
        payment: bool,
    ) -> Option<&mut Shown> {
        self.satisfied = Some(held);
        self.payment = payment;
        if !self.missing.is_empty() {
            self.missing.clear();
        }
        match &mut self.text {
            MotifText::Condition {
                template: current,
                values,
            } if Arc::ptr_eq(current, template) => values.clear(),
            text => {
                *text = MotifText::Condition {
                    template: Arc::clone(template),
                    values: Shown::default(),
                }
            }
        }
        match &mut self.text {
            MotifText::Condition { values, .. } => Some(values),
            MotifText::Cumul { .. } => None,
        }
    }

    /// Overwrites this motif with a cumul rule whose winner is undetermined: unknown, waiting
    /// for the winner's `missing` facts.
    pub(crate) fn set_cumul_pending(
        &mut self,
        id: &Arc<str>,
        message: &Arc<str>,
        missing: &[InputSlot],
    ) {
        self.set_cumul(id, message);
        self.satisfied = None;
        self.missing.extend_from_slice(missing);
    }

    /// Overwrites this motif with a cumul rule's exclusion.
    #[inline]
    pub(crate) fn set_cumul(&mut self, id: &Arc<str>, message: &Arc<str>) {
        self.satisfied = Some(false);
        self.payment = false;
        self.missing.clear();
        match &mut self.text {
            MotifText::Cumul {
                id: current_id,
                message: current_message,
            } => {
                share(current_id, id);
                share(current_message, message);
            }
            text => {
                *text = MotifText::Cumul {
                    id: Arc::clone(id),
                    message: Arc::clone(message),
                }
            }
        }
    }
}
