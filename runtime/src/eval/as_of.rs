//! `EXPR au DATE`: an expression evaluated as if the decision were made at another date.
//! Parameter and barème versions and `date_décision` follow that date; the rules the
//! expression reads are computed afresh for it, in a memo of their own, so that their values
//! at the decision date stay untouched.

use std::mem;

use chrono::NaiveDate;

use super::unknown::fail;
use super::{Eval, Memo, R};
use crate::error::EvalError;
use crate::ir::{DispositifId, Expr};
use crate::trace::Tracer;
use crate::value::Value;

impl<T: Tracer> Eval<'_, T> {
    pub(super) fn as_of(&mut self, e: &Expr, date: NaiveDate) -> R<Value> {
        if date == self.date {
            return self.eval(e);
        }
        let memo = mem::replace(&mut self.memo, Memo::new(self.p.defs.len()));
        let outer = mem::replace(&mut self.date, date);
        let saved = self.decision_date;
        self.decision_date = Some(saved.unwrap_or(outer));
        self.tracer.enter_as_of(date);
        let result = self.eval(e);
        self.tracer.exit_as_of();
        self.decision_date = saved;
        self.date = outer;
        self.memo = memo;
        result
    }

    /// Dispositifs are decided at the decision date only: reading one inside `au` is an error.
    pub(super) fn decided_at_decision_date(&self, d: DispositifId) -> R<()> {
        match self.decision_date {
            Some(_) => Err(fail(EvalError::DispositifAsOf {
                def: self.context_name(),
                dispositif: self.dispositif_name(d).to_owned(),
                date: self.date,
            })),
            None => Ok(()),
        }
    }
}
