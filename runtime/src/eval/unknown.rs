//! Three-valued evaluation: why a computation stopped. Either it failed (an `EvalError`), or it
//! needs facts the dossier does not give (`Unknown`, with the input slots whose values could
//! change its result). Kleene's rules are applied by the evaluator: `faux et ?` is `faux`,
//! `vrai ou ?` is `vrai`, `si ? alors a sinon a` is `a`; everything else propagates.

use crate::error::EvalError;
use crate::ir::InputSlot;

/// The missing input slots a result depends on: sorted, without duplicates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Missing(Vec<InputSlot>);

impl Missing {
    pub(crate) fn one(slot: InputSlot) -> Self {
        Missing(vec![slot])
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn slots(&self) -> &[InputSlot] {
        &self.0
    }

    /// Adds every slot of `other`, keeping the set sorted.
    pub(crate) fn extend(&mut self, other: &Missing) {
        if other.0.is_empty() {
            return;
        }
        if self.0.is_empty() {
            self.0.clone_from(&other.0);
            return;
        }
        self.0.extend_from_slice(&other.0);
        self.0.sort_unstable();
        self.0.dedup();
    }
}

/// Why an evaluation produced no value.
#[derive(Clone, Debug)]
pub(crate) enum Stop {
    Failed(EvalError),
    Unknown(Missing),
}

pub(crate) fn fail(e: EvalError) -> Box<Stop> {
    Box::new(Stop::Failed(e))
}

pub(crate) fn unknown(missing: Missing) -> Box<Stop> {
    Box::new(Stop::Unknown(missing))
}

impl Stop {
    pub(crate) fn is_unknown(&self) -> bool {
        matches!(self, Stop::Unknown(_))
    }
}

/// Both stops of two operands evaluated independently: a failure wins (it does not depend on
/// the missing facts), otherwise the missing facts of both.
// Stops travel boxed through evaluation results; merging takes them as they come.
#[allow(clippy::boxed_local)]
pub(crate) fn merge(a: Box<Stop>, b: Box<Stop>) -> Box<Stop> {
    match (*a, *b) {
        (Stop::Unknown(mut x), Stop::Unknown(y)) => {
            x.extend(&y);
            unknown(x)
        }
        (Stop::Failed(e), _) | (_, Stop::Failed(e)) => fail(e),
    }
}

/// For a short-circuit operand evaluated only because the first one is unknown: its failure
/// might never have happened (the first operand may settle the result), so the unknown wins.
#[allow(clippy::boxed_local)]
pub(crate) fn merge_speculative(first: Box<Stop>, second: Box<Stop>) -> Box<Stop> {
    match (*first, *second) {
        (Stop::Unknown(mut x), Stop::Unknown(y)) => {
            x.extend(&y);
            unknown(x)
        }
        (first, _) => Box::new(first),
    }
}

/// Two independent results: both values, or why not. Inlined: it is on every binary operation.
#[inline(always)]
pub(crate) fn join<A, B>(
    a: Result<A, Box<Stop>>,
    b: Result<B, Box<Stop>>,
) -> Result<(A, B), Box<Stop>> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(x), Err(y)) => Err(merge(x, y)),
        (Err(x), Ok(_)) | (Ok(_), Err(x)) => Err(x),
    }
}
