//! Deciding dispositifs with the plan: `eval/dispositif.rs` on known values. Conditions are
//! evaluated in the same order, cumul rules and payment conditions read the same way, and the
//! decision is written over `out` exactly as the reference writes it (same motifs, values,
//! message values and `rules_computed`). Anything the reference would record as unknown or
//! as an error bails instead.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::exec::{with_scratch, CondState, Eligibility, Exec};
use super::{Bail, Part, Plan, PlanDispositif, R, V};
use crate::decision::reuse::SpareSlot;
use crate::decision::{reuse, Decision, DispositifDecision, Motif, Payment};
use crate::ir::{DispositifId, Program};
use crate::validate::{DispositifNames, Layout};
use crate::value::Value;

/// Decides `inputs` into `out` (already restarted), or bails, leaving `out` half written:
/// the caller then restarts it and decides with the reference evaluator.
#[allow(clippy::too_many_arguments)]
pub(crate) fn decide_into(
    plan: &Plan,
    p: &Program,
    layout: &Layout,
    inputs: &[Value],
    unknown_inputs: &[u64],
    date: NaiveDate,
    only: Option<&[DispositifId]>,
    out: &mut Decision,
) -> Result<(), Bail> {
    with_scratch(p, layout, |s| {
        let result = Exec::new(plan, p, layout, inputs, unknown_inputs, date, s).decide(only, out);
        if result.is_err() {
            s.after_bail();
        }
        result
    })
    .unwrap_or(Err(Bail))
}

/// `*slot = Some(value.clone())`; a scalar of the kind already there is written in place, without
/// the clone's and the drop's dispatch on kinds.
#[inline]
fn assign(slot: &mut Option<Value>, value: &Value) {
    match (&mut *slot, value) {
        (Some(Value::Int(old)), Value::Int(new)) => *old = *new,
        (Some(Value::Dec(old)), Value::Dec(new)) => *old = *new,
        (Some(Value::Bool(old)), Value::Bool(new)) => *old = *new,
        _ => *slot = Some(value.clone()),
    }
}

impl Exec<'_> {
    fn decide(&mut self, only: Option<&[DispositifId]>, out: &mut Decision) -> R<()> {
        let (plan, layout) = (self.plan, self.layout);
        let mut decided = 0;
        // `plan.dispositifs` and `layout.names` both follow the program's dispositifs.
        for (d, (disp, names)) in (0..).zip(plan.dispositifs.iter().zip(&layout.names)) {
            if only.is_some_and(|only| !only.contains(&d)) {
                continue;
            }
            let Some((target, spare)) =
                out.dispositif_slot(decided, || DispositifDecision::blank(&names.id))
            else {
                continue;
            };
            decided += 1;
            target.reset(&names.id, names.title.as_ref());
            self.dispositif(d, disp, names, target, spare)?;
        }
        out.finish(decided, self.rules_computed);
        Ok(())
    }

    fn dispositif(
        &mut self,
        d: DispositifId,
        disp: &PlanDispositif,
        names: &DispositifNames,
        out: &mut DispositifDecision,
        spare: SpareSlot<'_>,
    ) -> R<()> {
        let (eligible, excluded_by) = self.eligibility(d)?;
        let payment = if eligible {
            self.payment(d)?
        } else {
            Payment::NotApplicable
        };

        let conditions = &disp.conditions;
        reuse::room(&mut out.motifs, conditions.len() + 1);
        let mut motifs = 0;
        for (i, condition) in conditions.iter().enumerate() {
            let held = match self.conditions.get(disp.offset + i) {
                Some(CondState::Held) => true,
                Some(CondState::Failed) => false,
                Some(CondState::Pending) if condition.payment => continue,
                _ => return Err(Bail),
            };
            let template = &condition.template;
            let motif =
                reuse::slot(&mut out.motifs, motifs, || Motif::blank(template)).ok_or(Bail)?;
            motifs += 1;
            let Some(values) = motif.set_settled(template, held, condition.payment) else {
                continue;
            };
            for part in &condition.parts {
                let v = match part {
                    Part::Input(slot) => {
                        let value = self.input_ref(*slot)?;
                        assign(values.next_slot().ok_or(Bail)?, value);
                        continue;
                    }
                    Part::Def(id) => self.def(*id)?,
                    Part::Node(node) => self.eval(node)?,
                };
                let slot = values.next_slot().ok_or(Bail)?;
                match (&mut *slot, v) {
                    (Some(Value::Dec(old)), V::Dec(new)) => *old = new,
                    (Some(Value::Int(old)), V::Int(new)) => *old = new,
                    (Some(Value::Bool(old)), V::Bool(new)) => *old = new,
                    _ => *slot = Some(self.value(v)?),
                }
            }
        }
        if let Some(w) = excluded_by {
            let (Some(id), Some(message)) =
                (names.cumul_motifs.get(w), names.cumul_messages.get(w))
            else {
                return Err(Bail);
            };
            if let Some(motif) = reuse::slot(&mut out.motifs, motifs, || {
                Motif::cumul(id.clone(), message.clone())
            }) {
                motif.set_cumul(id, message);
                motifs += 1;
            }
        }

        let mut values = 0;
        out.park_values(spare, eligible);
        if eligible {
            reuse::room(&mut out.values, disp.outputs.len());
            for output in &disp.outputs {
                let v = if payment == Payment::Withheld && output.paid {
                    V::Dec(Decimal::ZERO)
                } else if output.once {
                    self.compute_once(output.def)?
                } else {
                    self.def(output.def)?
                };
                match (out.value_slot(values, &output.name, &output.ty), v) {
                    (Some(Value::Dec(old)), V::Dec(new)) => *old = new,
                    (Some(Value::Int(old)), V::Int(new)) => *old = new,
                    (Some(Value::Bool(old)), V::Bool(new)) => *old = new,
                    _ => {
                        let value = self.value(v)?;
                        out.put_value(values, &output.name, value, &output.ty);
                    }
                }
                values += 1;
            }
        }
        out.truncate(values, motifs);
        out.eligible = Some(eligible);
        out.payment = payment;
        out.missing.clear();
        if out.trace.is_some() {
            out.trace = None;
        }
        Ok(())
    }

    /// Eligibility of `d` (memoised): its conditions in order, then its cumul winners.
    pub(super) fn eligibility(&mut self, d: DispositifId) -> R<(bool, Option<usize>)> {
        match self.eligibility.get(d as usize) {
            Some(Eligibility::Done(eligible, excluded_by)) => return Ok((*eligible, *excluded_by)),
            Some(Eligibility::Pending) => {}
            // A cumul cycle, or no such dispositif: the reference names it.
            _ => return Err(Bail),
        }
        self.set_eligibility(d, Eligibility::InProgress);
        let (eligible, excluded_by) = self.compute_eligibility(d)?;
        self.set_eligibility(d, Eligibility::Done(eligible, excluded_by));
        Ok((eligible, excluded_by))
    }

    fn set_eligibility(&mut self, d: DispositifId, state: Eligibility) {
        if let Some(slot) = self.eligibility.get_mut(d as usize) {
            *slot = state;
        }
    }

    fn compute_eligibility(&mut self, d: DispositifId) -> R<(bool, Option<usize>)> {
        if self.conditions_of(d, false)? {
            return Ok((false, None));
        }
        let layout = self.layout;
        let winners = layout
            .winners
            .get(d as usize)
            .map_or(&[][..], Vec::as_slice);
        for (i, winner) in winners.iter().enumerate() {
            if !self.eligibility(winner.id)?.0 {
                continue;
            }
            // `cumul A versée exclut B`: an open right that is not paid leaves B open.
            if winner.when_paid && self.payment(winner.id)? == Payment::Withheld {
                continue;
            }
            return Ok((false, Some(i)));
        }
        Ok((true, None))
    }

    /// The payment of an eligible dispositif: withheld when a payment condition fails.
    fn payment(&mut self, d: DispositifId) -> R<Payment> {
        if !self
            .plan
            .dispositifs
            .get(d as usize)
            .is_some_and(|disp| disp.has_payment)
        {
            return Ok(Payment::NotApplicable);
        }
        Ok(if self.conditions_of(d, true)? {
            Payment::Withheld
        } else {
            Payment::Paid
        })
    }

    /// Evaluates, in order, the conditions of `d` of one kind (payment or eligibility) and
    /// records their states; whether one failed.
    fn conditions_of(&mut self, d: DispositifId, payment: bool) -> R<bool> {
        let plan = self.plan;
        let disp = plan.dispositifs.get(d as usize).ok_or(Bail)?;
        let mut failed = false;
        for (i, condition) in disp.conditions.iter().enumerate() {
            if condition.payment != payment {
                continue;
            }
            let v = if condition.once {
                self.compute_once(condition.def)?
            } else {
                self.def(condition.def)?
            };
            let held = match v {
                V::Bool(held) => held,
                _ => return Err(Bail),
            };
            failed |= !held;
            if let Some(slot) = self.conditions.get_mut(disp.offset + i) {
                *slot = if held {
                    CondState::Held
                } else {
                    CondState::Failed
                };
            }
        }
        Ok(failed)
    }
}
