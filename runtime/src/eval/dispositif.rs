//! Deciding dispositifs: conditions (three-valued), cumul rules, motifs and outputs.
//!
//! A dispositif with one failed condition is not eligible whatever else is missing; one whose
//! conditions hold is excluded by a cumul winner that is eligible. Otherwise, if a condition or
//! a winner is unknown, the dispositif is undetermined (`eligible: None`) and names the missing
//! facts that could change its outcome.
//!
//! Payment conditions (`condition de versement`) are evaluated only once the right is open:
//! one that fails leaves the dispositif eligible, with its values shown and its paid values
//! (`valeur versée`) at zero; cumul rules keep reading eligibility, the open right.

use std::sync::Arc;

use super::unknown::{fail, Missing, Stop};
use super::{Eval, R};
use rust_decimal::Decimal;

use crate::decision::{reuse, Decision, DispositifDecision, Motif, Payment, Shown};
use crate::error::EvalError;
use crate::ir::{DefId, DispositifId, Expr, Message, MessagePart, Program};
use crate::trace::Tracer;
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Eligibility {
    Pending,
    InProgress,
    Done {
        /// `None`: undetermined, for want of the facts in `Eval::unknowns[missing]`.
        eligible: Option<bool>,
        /// Index in `Layout::winners[d]` of the dispositif that excluded this one.
        excluded_by: Option<usize>,
        missing: Option<u32>,
        /// Bit `i`: winner `Layout::winners[d][i]` may exclude this dispositif, but its
        /// eligibility (or payment, for `versée`) waits for missing facts.
        pending: u64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CondState {
    Pending,
    Held,
    Failed,
    /// Its evaluation failed after an earlier condition already failed: not a motif.
    Skipped,
    /// It depends on facts the dossier does not give (`Eval::unknowns[i]`).
    Unknown(u32),
}

impl<'a, T: Tracer> Eval<'a, T> {
    /// Decides every dispositif, or those of `only`, in program order.
    pub(crate) fn decide(
        self,
        program: Arc<Program>,
        only: Option<&[DispositifId]>,
    ) -> Result<Decision, EvalError> {
        let ruleset = self.layout.ruleset.clone();
        let mut decision = Decision::new(
            program,
            ruleset,
            self.date,
            Vec::with_capacity(self.p.dispositifs.len()),
            0,
        );
        self.decide_into(only, &mut decision);
        Ok(decision)
    }

    /// [`Eval::decide`] written over `out` (restarted with [`Decision::restart`]): its vectors
    /// and shared names are reused.
    pub(crate) fn decide_into(mut self, only: Option<&[DispositifId]>, out: &mut Decision) {
        let p = self.p;
        let mut decided = 0;
        for index in 0..p.dispositifs.len() {
            let d = u32::try_from(index).unwrap_or(u32::MAX);
            if only.is_some_and(|only| !only.contains(&d)) {
                continue;
            }
            let Some(names) = self.layout.names.get(index) else {
                continue;
            };
            let Some(target) = reuse::slot(&mut out.dispositifs, decided, || {
                DispositifDecision::blank(&names.id)
            }) else {
                continue;
            };
            decided += 1;
            self.deciding = Some(d);
            target.reset(&names.id, names.title.as_ref());
            // One dispositif that cannot be decided (a parameter without a version at this
            // date…) must not hide the decisions on the others.
            if let Err(e) = self.dispositif(d, target) {
                let error = match *e {
                    Stop::Failed(e) => e,
                    Stop::Unknown(_) => EvalError::Internal {
                        def: self.dispositif_name(d).to_owned(),
                        detail: "inconnu non traité".to_owned(),
                    },
                };
                *target =
                    DispositifDecision::undecided(names.id.clone(), names.title.clone(), error);
            }
        }
        out.finish(decided, self.rules_computed);
    }

    /// Decides `d` into `out` (whose identity is already set).
    fn dispositif(&mut self, d: DispositifId, out: &mut DispositifDecision) -> R<()> {
        let p = self.p;
        let (disp, names, offset) = match (
            p.dispositifs.get(d as usize),
            self.layout.names.get(d as usize),
            self.layout.condition_offsets.get(d as usize),
        ) {
            (Some(disp), Some(names), Some(offset)) => (disp, names, *offset),
            _ => return Err(self.internal("dispositif inconnu")),
        };
        let (eligible, excluded_by) = self.eligibility(d)?;
        // An undetermined dispositif still shows what it would pay: its payment conditions are
        // evaluated too, but it is not paid until the right is open.
        let mut payment_missing = Missing::default();
        let (payment, paid_values) = match eligible {
            Some(true) => {
                let payment = self.payment(d, &mut payment_missing)?;
                (payment, payment)
            }
            None if disp.conditions.iter().any(|c| c.payment) => {
                // Premises not met (an unknown GIR…): nothing to show, nothing to fail.
                let shown = self
                    .payment(d, &mut payment_missing)
                    .unwrap_or(Payment::Unknown);
                (Payment::Unknown, shown)
            }
            _ => (Payment::NotApplicable, Payment::NotApplicable),
        };

        // Sized once: a no-op for a reused decision, one allocation for a fresh one.
        reuse::room(&mut out.motifs, disp.conditions.len() + 1);
        let mut motifs = 0;
        for (i, (condition, template)) in disp.conditions.iter().zip(&names.conditions).enumerate()
        {
            let (held, missing) = match self.conditions.get(offset + i) {
                Some(CondState::Held) => (Some(true), Missing::default()),
                Some(CondState::Failed) => (Some(false), Missing::default()),
                Some(CondState::Unknown(i)) => (None, self.unknown_set(*i)),
                Some(CondState::Skipped) => continue,
                // A payment condition of a dispositif whose right is not open.
                Some(CondState::Pending) if condition.payment => continue,
                _ => return Err(self.internal("condition non évaluée")),
            };
            let Some(motif) = reuse::slot(&mut out.motifs, motifs, || Motif::blank(template))
            else {
                return Err(self.internal("motif"));
            };
            motifs += 1;
            if let Some(values) =
                motif.set_condition(template, held, condition.payment, missing.slots())
            {
                self.message_values(&condition.message, values);
            }
        }
        if let Some(w) = excluded_by {
            let (Some(id), Some(message)) =
                (names.cumul_motifs.get(w), names.cumul_messages.get(w))
            else {
                return Err(self.internal("règle de cumul inconnue"));
            };
            if let Some(motif) = reuse::slot(&mut out.motifs, motifs, || {
                Motif::cumul(id.clone(), message.clone())
            }) {
                motif.set_cumul(id, message);
                motifs += 1;
            }
        }
        // An undetermined winner says why this dispositif is undetermined too: a motif of
        // its own, unknown, waiting for the winner's facts.
        let pending = self.pending_winners(d);
        for (w, winner) in self.winners_of(d).iter().enumerate() {
            if w >= 64 || pending >> w & 1 == 0 {
                continue;
            }
            let (Some(id), Some(message)) = (
                names.cumul_motifs.get(w),
                names.cumul_pending_messages.get(w),
            ) else {
                return Err(self.internal("règle de cumul inconnue"));
            };
            let waits = self.winner_waits(winner.id, winner.when_paid)?;
            if let Some(motif) = reuse::slot(&mut out.motifs, motifs, || {
                Motif::cumul(id.clone(), message.clone())
            }) {
                motif.set_cumul_pending(id, message, waits.slots());
                motifs += 1;
            }
        }

        let mut manquants = match eligible {
            None => self.eligibility_missing(d),
            Some(_) => Missing::default(),
        };
        manquants.extend(&payment_missing);
        let mut values = 0;
        if eligible != Some(false) {
            reuse::room(&mut out.values, disp.outputs.len());
            for (output, name) in disp.outputs.iter().zip(&names.outputs) {
                match paid_values {
                    // Withheld: the right is open, nothing of it is paid.
                    Payment::Withheld if output.paid => {
                        out.put_value(values, name, Value::Dec(Decimal::ZERO), &output.ty);
                        values += 1;
                        continue;
                    }
                    // What is paid depends on the facts the payment conditions wait for.
                    Payment::Unknown if output.paid => continue,
                    _ => {}
                }
                match self.def(output.def) {
                    Ok(value) => {
                        out.put_value(values, name, value, &output.ty);
                        values += 1;
                    }
                    Err(e) => match *e {
                        Stop::Unknown(missing) => manquants.extend(&missing),
                        // An undetermined dispositif shows the values it can compute.
                        Stop::Failed(_) if eligible.is_none() => {}
                        Stop::Failed(e) => return Err(fail(e)),
                    },
                }
            }
        }
        out.truncate(values, motifs);
        out.eligible = eligible;
        out.payment = payment;
        out.missing.clear();
        out.missing.extend_from_slice(manquants.slots());
        out.trace = self.tracer.entries(p, &disp.trace_defs);
        Ok(())
    }

    /// Eligibility of `d` (memoised): all conditions, evaluated in order, then the cumul rules.
    pub(super) fn eligibility(&mut self, d: DispositifId) -> R<(Option<bool>, Option<usize>)> {
        match self.eligibility.get(d as usize) {
            Some(Eligibility::Done {
                eligible,
                excluded_by,
                ..
            }) => return Ok((*eligible, *excluded_by)),
            Some(Eligibility::InProgress) => {
                return Err(fail(EvalError::CumulCycle {
                    dispositif: self.dispositif_name(d).to_owned(),
                }))
            }
            Some(Eligibility::Pending) => {}
            None => return Err(self.internal("dispositif inconnu")),
        }
        self.set_eligibility(d, Eligibility::InProgress);
        let result = self.compute_eligibility(d);
        let (state, result) = match result {
            Ok((eligible, excluded_by, missing, pending)) => (
                Eligibility::Done {
                    eligible,
                    excluded_by,
                    missing: (!missing.is_empty()).then(|| self.remember(missing)),
                    pending,
                },
                Ok((eligible, excluded_by)),
            ),
            Err(e) => (Eligibility::Pending, Err(e)),
        };
        self.set_eligibility(d, state);
        result
    }

    /// The facts an undetermined dispositif waits for (empty once decided).
    pub(super) fn eligibility_missing(&self, d: DispositifId) -> Missing {
        match self.eligibility.get(d as usize) {
            Some(Eligibility::Done {
                missing: Some(i), ..
            }) => self.unknown_set(*i),
            _ => Missing::default(),
        }
    }

    /// The winners of `d` left undetermined when `d` itself was left undetermined (bits of
    /// `Layout::winners[d]`).
    fn pending_winners(&self, d: DispositifId) -> u64 {
        match self.eligibility.get(d as usize) {
            Some(Eligibility::Done {
                eligible: None,
                pending,
                ..
            }) => *pending,
            _ => 0,
        }
    }

    fn winners_of(&self, d: DispositifId) -> &'a [crate::validate::Winner] {
        let layout = self.layout;
        layout
            .winners
            .get(d as usize)
            .map_or(&[][..], Vec::as_slice)
    }

    /// The facts an undetermined winner waits for: those of its eligibility, or of its
    /// payment for a `versée` rule whose winner is eligible.
    fn winner_waits(&mut self, winner: DispositifId, when_paid: bool) -> R<Missing> {
        let mut waits = self.eligibility_missing(winner);
        if waits.is_empty() && when_paid {
            self.payment(winner, &mut waits)?;
        }
        Ok(waits)
    }

    fn set_eligibility(&mut self, d: DispositifId, state: Eligibility) {
        if let Some(slot) = self.eligibility.get_mut(d as usize) {
            *slot = state;
        }
    }

    /// Eligibility, the winner that excluded `d`, the facts it waits for, and the winners
    /// left undetermined (bits of `Layout::winners[d]`).
    #[allow(clippy::type_complexity)]
    fn compute_eligibility(
        &mut self,
        d: DispositifId,
    ) -> R<(Option<bool>, Option<usize>, Missing, u64)> {
        let (failed, mut missing) = self.conditions_of(d, false)?;
        if failed {
            return Ok((Some(false), None, Missing::default(), 0));
        }
        let mut pending = 0u64;
        for (i, winner) in self.winners_of(d).iter().enumerate() {
            let bit = if i < 64 { 1 << i } else { 0 };
            match self.eligibility(winner.id)?.0 {
                // `cumul A versée exclut B`: an open right that is not paid leaves B open.
                Some(true) if winner.when_paid => {
                    let mut waits = Missing::default();
                    match self.payment(winner.id, &mut waits)? {
                        Payment::Paid | Payment::NotApplicable => {
                            return Ok((Some(false), Some(i), Missing::default(), 0))
                        }
                        Payment::Withheld => {}
                        Payment::Unknown => {
                            missing.extend(&waits);
                            pending |= bit;
                        }
                    }
                }
                Some(true) => return Ok((Some(false), Some(i), Missing::default(), 0)),
                Some(false) => {}
                None => {
                    missing.extend(&self.eligibility_missing(winner.id));
                    pending |= bit;
                }
            }
        }
        if missing.is_empty() {
            Ok((Some(true), None, missing, 0))
        } else {
            Ok((None, None, missing, pending))
        }
    }

    /// Evaluates one condition (three-valued). `settled` says an earlier condition already
    /// failed or is unknown: this one's evaluation error then decides nothing (`Skipped`).
    /// An unknown condition also gives the facts it waits for.
    fn condition_state(&mut self, def: DefId, settled: bool) -> R<(CondState, Option<Missing>)> {
        let p = self.p;
        let outcome = match self.def(def) {
            Ok(Value::Bool(held)) => Ok(held),
            Ok(Value::Absent) => Err(fail(EvalError::AbsentValue {
                def: super::lookup::def_name(p, def),
            })),
            Ok(_) => Err(fail(EvalError::Internal {
                def: super::lookup::def_name(p, def),
                detail: "condition non booléenne".to_owned(),
            })),
            Err(e) => Err(e),
        };
        Ok(match outcome {
            Ok(true) => (CondState::Held, None),
            Ok(false) => (CondState::Failed, None),
            Err(e) => match *e {
                Stop::Unknown(m) => match self.split_condition(def, &m) {
                    Some(true) => (CondState::Held, None),
                    Some(false) => (CondState::Failed, None),
                    None => (CondState::Unknown(self.remember(m.clone())), Some(m)),
                },
                // The premises of this condition did not hold (or are unknown): it does
                // not decide anything.
                Stop::Failed(_) if settled => (CondState::Skipped, None),
                Stop::Failed(e) => return Err(fail(e)),
            },
        })
    }

    /// Evaluates the payment conditions of an eligible dispositif: withheld when one fails,
    /// unknown (with the facts it waits for) when none fails and one is unknown.
    fn payment(&mut self, d: DispositifId, missing: &mut Missing) -> R<Payment> {
        let has_payment = self
            .p
            .dispositifs
            .get(d as usize)
            .is_some_and(|disp| disp.conditions.iter().any(|c| c.payment));
        if !has_payment {
            return Ok(Payment::NotApplicable);
        }
        let (failed, unknown) = self.conditions_of(d, true)?;
        Ok(if failed {
            Payment::Withheld
        } else if unknown.is_empty() {
            Payment::Paid
        } else {
            missing.extend(&unknown);
            Payment::Unknown
        })
    }

    /// Evaluates, in order, the conditions of `d` that decide its payment (`payment`) or its
    /// eligibility, and records their states: whether one failed, and the facts the unknown
    /// ones wait for.
    fn conditions_of(&mut self, d: DispositifId, payment: bool) -> R<(bool, Missing)> {
        let p = self.p;
        let (Some(disp), Some(offset)) = (
            p.dispositifs.get(d as usize),
            self.layout.condition_offsets.get(d as usize).copied(),
        ) else {
            return Err(self.internal("dispositif inconnu"));
        };
        let mut failed = false;
        let mut missing = Missing::default();
        for (i, condition) in disp.conditions.iter().enumerate() {
            if condition.payment != payment {
                continue;
            }
            let (state, unknown) =
                self.condition_state(condition.def, failed || !missing.is_empty())?;
            failed |= state == CondState::Failed;
            if let Some(m) = unknown {
                missing.extend(&m);
            }
            if let Some(slot) = self.conditions.get_mut(offset + i) {
                *slot = state;
            }
        }
        Ok((failed, missing))
    }

    /// The values a motif's message shows, rendered only when the message is read. A value that
    /// cannot be computed is kept as `None` (« non calculable ») rather than failing a decision
    /// that its conditions already settled. Constants were rendered with the template.
    fn message_values(&mut self, message: &Message, values: &mut Shown) {
        for part in &message.parts {
            if let MessagePart::Value(expr, _) = part {
                if !matches!(expr, Expr::Const(_)) {
                    values.push(self.eval(expr).ok());
                }
            }
        }
    }
}
