//! Deciding dispositifs: conditions (three-valued), cumul rules, motifs and outputs.
//!
//! A dispositif with one failed condition is not eligible whatever else is missing; one whose
//! conditions hold is excluded by a cumul winner that is eligible. Otherwise, if a condition or
//! a winner is unknown, the dispositif is undetermined (`eligible: None`) and names the missing
//! facts that could change its outcome.

use std::sync::Arc;

use super::unknown::{fail, Missing, Stop};
use super::{Eval, R};
use crate::decision::{Decision, DispositifDecision, Motif, OutputValue, Shown};
use crate::error::EvalError;
use crate::ir::{DispositifId, Expr, Message, MessagePart, Program};
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

impl<T: Tracer> Eval<'_, T> {
    /// Decides every dispositif, or those of `only`, in program order.
    pub(crate) fn decide(
        mut self,
        program: Arc<Program>,
        only: Option<&[DispositifId]>,
    ) -> Result<Decision, EvalError> {
        let p = self.p;
        let mut dispositifs = Vec::with_capacity(p.dispositifs.len());
        for index in 0..p.dispositifs.len() {
            let d = u32::try_from(index).unwrap_or(u32::MAX);
            if only.is_some_and(|only| !only.contains(&d)) {
                continue;
            }
            self.deciding = Some(d);
            // One dispositif that cannot be decided (a parameter without a version at this
            // date…) must not hide the decisions on the others.
            let decided = match self.dispositif(d) {
                Ok(decided) => decided,
                Err(e) => {
                    let names = self.layout.names.get(index);
                    let error = match *e {
                        Stop::Failed(e) => e,
                        Stop::Unknown(_) => EvalError::Internal {
                            def: self.dispositif_name(d).to_owned(),
                            detail: "inconnu non traité".to_owned(),
                        },
                    };
                    DispositifDecision::undecided(
                        names.map_or_else(|| Arc::from(""), |n| n.id.clone()),
                        names.and_then(|n| n.title.clone()),
                        error,
                    )
                }
            };
            dispositifs.push(decided);
        }
        Ok(Decision::new(
            program,
            self.layout.ruleset.clone(),
            self.date,
            dispositifs,
            self.rules_computed,
        ))
    }

    fn dispositif(&mut self, d: DispositifId) -> R<DispositifDecision> {
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

        let mut motifs = Vec::with_capacity(disp.conditions.len() + 1);
        for (i, (condition, template)) in disp.conditions.iter().zip(&names.conditions).enumerate()
        {
            let (held, missing) = match self.conditions.get(offset + i) {
                Some(CondState::Held) => (Some(true), Vec::new()),
                Some(CondState::Failed) => (Some(false), Vec::new()),
                Some(CondState::Unknown(i)) => (None, self.unknown_set(*i).into_slots()),
                Some(CondState::Skipped) => continue,
                _ => return Err(self.internal("condition non évaluée")),
            };
            let values = self.message_values(&condition.message);
            motifs.push(Motif::condition(template.clone(), held, values).missing(missing));
        }
        if let Some(w) = excluded_by {
            let (Some(id), Some(message)) =
                (names.cumul_motifs.get(w), names.cumul_messages.get(w))
            else {
                return Err(self.internal("règle de cumul inconnue"));
            };
            motifs.push(Motif::cumul(id.clone(), message.clone()));
        }

        let mut manquants = match eligible {
            None => self.eligibility_missing(d),
            Some(_) => Missing::default(),
        };
        let mut values = Vec::new();
        if eligible != Some(false) {
            values.reserve_exact(disp.outputs.len());
            for (output, name) in disp.outputs.iter().zip(&names.outputs) {
                match self.def(output.def) {
                    Ok(value) => values.push(OutputValue {
                        name: name.clone(),
                        value,
                        ty: output.ty.clone(),
                    }),
                    Err(e) => match *e {
                        Stop::Unknown(missing) => manquants.extend(&missing),
                        // An undetermined dispositif shows the values it can compute.
                        Stop::Failed(_) if eligible.is_none() => {}
                        Stop::Failed(e) => return Err(fail(e)),
                    },
                }
            }
        }

        Ok(DispositifDecision {
            id: names.id.clone(),
            title: names.title.clone(),
            eligible,
            values,
            motifs,
            missing: manquants.into_slots(),
            trace: self.tracer.entries(p, &disp.trace_defs),
            error: None,
        })
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
            Ok((eligible, excluded_by, missing)) => (
                Eligibility::Done {
                    eligible,
                    excluded_by,
                    missing: (!missing.is_empty()).then(|| self.remember(missing)),
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

    fn set_eligibility(&mut self, d: DispositifId, state: Eligibility) {
        if let Some(slot) = self.eligibility.get_mut(d as usize) {
            *slot = state;
        }
    }

    #[allow(clippy::type_complexity)]
    fn compute_eligibility(
        &mut self,
        d: DispositifId,
    ) -> R<(Option<bool>, Option<usize>, Missing)> {
        let p = self.p;
        let layout = self.layout;
        let (Some(disp), Some(offset)) = (
            p.dispositifs.get(d as usize),
            layout.condition_offsets.get(d as usize),
        ) else {
            return Err(self.internal("dispositif inconnu"));
        };
        let mut failed = false;
        let mut missing = Missing::default();
        for (i, condition) in disp.conditions.iter().enumerate() {
            let outcome = match self.def(condition.def) {
                Ok(Value::Bool(held)) => Ok(held),
                Ok(Value::Absent) => Err(fail(EvalError::AbsentValue {
                    def: super::lookup::def_name(p, condition.def),
                })),
                Ok(_) => Err(fail(EvalError::Internal {
                    def: super::lookup::def_name(p, condition.def),
                    detail: "condition non booléenne".to_owned(),
                })),
                Err(e) => Err(e),
            };
            let state = match outcome {
                Ok(true) => CondState::Held,
                Ok(false) => {
                    failed = true;
                    CondState::Failed
                }
                Err(e) => match *e {
                    Stop::Unknown(m) => match self.split_condition(condition.def, &m) {
                        Some(true) => CondState::Held,
                        Some(false) => {
                            failed = true;
                            CondState::Failed
                        }
                        None => {
                            missing.extend(&m);
                            CondState::Unknown(self.remember(m))
                        }
                    },
                    // The premises of this condition did not hold (or are unknown): it does
                    // not decide anything.
                    Stop::Failed(_) if failed || !missing.is_empty() => CondState::Skipped,
                    Stop::Failed(e) => return Err(fail(e)),
                },
            };
            if let Some(slot) = self.conditions.get_mut(offset + i) {
                *slot = state;
            }
        }
        if failed {
            return Ok((Some(false), None, Missing::default()));
        }
        let winners = layout
            .winners
            .get(d as usize)
            .map_or(&[][..], Vec::as_slice);
        for (i, winner) in winners.iter().enumerate() {
            match self.eligibility(*winner)?.0 {
                Some(true) => return Ok((Some(false), Some(i), Missing::default())),
                Some(false) => {}
                None => missing.extend(&self.eligibility_missing(*winner)),
            }
        }
        if missing.is_empty() {
            Ok((Some(true), None, missing))
        } else {
            Ok((None, None, missing))
        }
    }

    /// The values a motif's message shows, rendered only when the message is read. A value that
    /// cannot be computed is kept as `None` (« non calculable ») rather than failing a decision
    /// that its conditions already settled. Constants were rendered with the template.
    fn message_values(&mut self, message: &Message) -> Shown {
        let mut values = Shown::default();
        for part in &message.parts {
            if let MessagePart::Value(expr, _) = part {
                if !matches!(expr, Expr::Const(_)) {
                    values.push(self.eval(expr).ok());
                }
            }
        }
        values
    }
}
