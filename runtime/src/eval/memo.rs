//! The memo of rule values for one decision: a state per rule (a small `Copy` enum) beside a
//! value per rule. Marking a rule in progress or computed writes one state and touches no
//! value; reading a computed rule checks its state and copies its value (a plain copy for
//! every scalar value). Reset in place between decisions: only the rules computed are visited.

use crate::ir::DefId;
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    Pending,
    InProgress,
    /// Its value is in `Memo::values`.
    Done,
    /// Depends on facts the dossier does not give: index in `Eval::unknowns` (kept aside so
    /// that the state stays small).
    Unknown(u32),
}

#[derive(Debug, Default)]
pub(super) struct Memo {
    states: Vec<State>,
    /// `Value::Absent` unless the state is `Done` (or was, until the next reset).
    values: Vec<Value>,
}

impl Memo {
    /// A memo of `rules` pending rules.
    pub(super) fn new(rules: usize) -> Self {
        let mut memo = Memo::default();
        memo.resize(rules);
        memo
    }

    pub(super) fn len(&self) -> usize {
        self.states.len()
    }

    /// Every rule pending, `rules` of them.
    pub(super) fn resize(&mut self, rules: usize) {
        self.states.clear();
        self.states.resize(rules, State::Pending);
        self.values.clear();
        // `resize_with`: writing the variant costs less than cloning a template `Value`.
        self.values.resize_with(rules, || Value::Absent);
    }

    /// The value of `id` if it is computed.
    #[inline]
    pub(super) fn done(&self, id: DefId) -> Option<&Value> {
        match self.states.get(id as usize) {
            Some(State::Done) => self.values.get(id as usize),
            _ => None,
        }
    }

    #[inline]
    pub(super) fn state(&self, id: DefId) -> Option<State> {
        self.states.get(id as usize).copied()
    }

    #[inline]
    pub(super) fn set(&mut self, id: DefId, state: State) {
        if let Some(slot) = self.states.get_mut(id as usize) {
            *slot = state;
        }
    }

    #[inline(always)]
    pub(super) fn set_done(&mut self, id: DefId, value: Value) {
        if let (Some(state), Some(slot)) = (
            self.states.get_mut(id as usize),
            self.values.get_mut(id as usize),
        ) {
            *slot = value;
            *state = State::Done;
        }
    }

    /// Every rule pending again, and no value of the last decision kept.
    pub(super) fn reset(&mut self) {
        for (state, value) in self.states.iter_mut().zip(&mut self.values) {
            if *state != State::Pending {
                *state = State::Pending;
                *value = Value::Absent;
            }
        }
    }
}
