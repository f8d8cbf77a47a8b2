//! Choosing among a rule's exceptions: an exception that holds replaces the base value,
//! a refinement (`sauf si` nested under another) that holds wins over its parent, and
//! siblings that hold with different values are a contradiction. An exception whose condition
//! is unknown makes the value unknown (it might replace it).

use super::unknown::{fail, merge, Stop};
use super::{Eval, R};
use crate::error::EvalError;
use crate::ir::Def;
use crate::ops;
use crate::trace::Tracer;
use crate::value::Value;

impl<T: Tracer> Eval<'_, T> {
    /// The base value, unless exceptions hold. Every exception whose parent holds (or that
    /// has none) is evaluated, so that contradictory siblings are reported; an exception that
    /// holds gives its own value unless one of its refinements holds, which wins over it.
    pub(super) fn compute(&mut self, def: &Def) -> R<(Value, Option<usize>)> {
        let branches = &def.exceptions;
        if branches.is_empty() {
            return Ok((self.eval(&def.expr)?, None));
        }
        // Parents come before their refinements: one pass settles which branches hold.
        let mut held = vec![false; branches.len()];
        let mut undecided: Option<Box<Stop>> = None;
        for (i, branch) in branches.iter().enumerate() {
            let parent_held = match branch.parent {
                None => true,
                Some(p) => held.get(p as usize).copied().unwrap_or(false),
            };
            if !parent_held {
                continue;
            }
            match self.eval_bool(&branch.condition) {
                Ok(true) => {
                    if let Some(h) = held.get_mut(i) {
                        *h = true;
                    }
                }
                Ok(false) => {}
                Err(e) if e.is_unknown() => {
                    undecided = Some(match undecided {
                        Some(u) => merge(u, e),
                        None => e,
                    });
                }
                Err(e) => return Err(e),
            }
        }
        if let Some(u) = undecided {
            return Err(u);
        }
        // Refinements before their parents: for each branch (the last slot is the base
        // value), the holding child it resolves to: (child, branch applied, value).
        let mut resolved: Vec<Option<(usize, usize, Value)>> = vec![None; branches.len() + 1];
        for (i, branch) in branches.iter().enumerate().rev() {
            if !held.get(i).copied().unwrap_or(false) {
                continue;
            }
            let (applied, value) = match resolved.get_mut(i).and_then(Option::take) {
                Some((_, applied, value)) => (applied, value),
                None => (i, self.eval(&branch.value)?),
            };
            let slot = branch.parent.map_or(branches.len(), |p| p as usize);
            let Some(slot) = resolved.get_mut(slot) else {
                return Err(self.internal("exception sans parent"));
            };
            if let Some((sibling, _, other)) = slot {
                if !(ops::equal(other, &value) || *other == value) {
                    let label = |k: usize| branches.get(k).map(|b| b.label.clone());
                    return Err(fail(EvalError::ExceptionConflict {
                        def: def.name.clone(),
                        first: label(i).unwrap_or_default(),
                        second: label(*sibling).unwrap_or_default(),
                    }));
                }
            }
            // With equal values the first in the text is the one the trace shows.
            *slot = Some((i, applied, value));
        }
        match resolved.pop().flatten() {
            Some((_, applied, value)) => Ok((value, Some(applied))),
            None => Ok((self.eval(&def.expr)?, None)),
        }
    }
}
