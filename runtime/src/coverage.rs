//! Rule coverage: which parts of a program a set of decisions exercised. It is one more
//! `Tracer`, so it costs nothing to decisions made without it, and it reads only what the
//! evaluator already reports (rule outcomes, exception branches, parameter and barème reads).

use chrono::NaiveDate;

use crate::eval::Eval;
use crate::ir::{BaremeId, DefId, InputSlot, ParamId, Program};
use crate::trace::{NoTrace, ParamRead, Recorder, TraceEntry, Tracer};
use crate::value::Value;
use crate::{DecideOptions, Decision, Dossier, Engine, EvalError};

/// Hit counts accumulated over any number of decisions of one program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    decisions: u32,
    /// Per def: how many decisions saw it true, and false (booleans only).
    outcomes: Vec<[u32; 2]>,
    /// Per def: index 0 counts the base value, index `i + 1` the exception branch `i`.
    branches: Vec<Vec<u32>>,
    /// Per parameter, per version: how many reads.
    params: Vec<Vec<u32>>,
    /// Per barème, per version, per row: how many reads.
    baremes: Vec<Vec<Vec<u32>>>,
}

impl Coverage {
    /// Empty counts shaped after `program`.
    pub fn new(program: &Program) -> Coverage {
        Coverage {
            decisions: 0,
            outcomes: vec![[0, 0]; program.defs.len()],
            branches: program
                .defs
                .iter()
                .map(|d| vec![0; d.exceptions.len() + 1])
                .collect(),
            params: program
                .params
                .iter()
                .map(|p| vec![0; p.versions.len()])
                .collect(),
            baremes: program
                .baremes
                .iter()
                .map(|b| b.versions.iter().map(|v| vec![0; v.rows.len()]).collect())
                .collect(),
        }
    }

    /// Decisions recorded so far.
    pub fn decisions(&self) -> u32 {
        self.decisions
    }

    /// How many decisions computed this boolean rule as `(true, false)`.
    pub fn outcomes(&self, def: DefId) -> (u32, u32) {
        self.outcomes
            .get(def as usize)
            .map_or((0, 0), |[t, f]| (*t, *f))
    }

    /// Index 0: the base value was taken; index `i + 1`: the exception `i` applied.
    pub fn branches(&self, def: DefId) -> &[u32] {
        self.branches.get(def as usize).map_or(&[], Vec::as_slice)
    }

    /// Reads of each version of a parameter.
    pub fn param_versions(&self, param: ParamId) -> &[u32] {
        self.params.get(param as usize).map_or(&[], Vec::as_slice)
    }

    /// Reads of each row of one version of a barème.
    pub fn bareme_rows(&self, bareme: BaremeId, version: usize) -> &[u32] {
        self.baremes
            .get(bareme as usize)
            .and_then(|versions| versions.get(version))
            .map_or(&[], Vec::as_slice)
    }

    fn bump(count: Option<&mut u32>) {
        if let Some(c) = count {
            *c = c.saturating_add(1);
        }
    }
}

/// Feeds a [`Coverage`] while passing every event on to the tracer `T` (`--explain` or none).
struct Covering<'c, T: Tracer> {
    coverage: &'c mut Coverage,
    inner: T,
}

impl<T: Tracer> Tracer for Covering<'_, T> {
    fn enter_def(&mut self, def: DefId) {
        self.inner.enter_def(def);
    }

    fn exit_def(&mut self, def: DefId, value: &Value, exception: Option<usize>) {
        let c = &mut *self.coverage;
        if let Value::Bool(b) = value {
            let side = usize::from(!*b);
            Coverage::bump(
                c.outcomes
                    .get_mut(def as usize)
                    .and_then(|o| o.get_mut(side)),
            );
        }
        let branch = exception.map_or(0, |i| i + 1);
        Coverage::bump(
            c.branches
                .get_mut(def as usize)
                .and_then(|b| b.get_mut(branch)),
        );
        self.inner.exit_def(def, value, exception);
    }

    fn abort_def(&mut self) {
        self.inner.abort_def();
    }

    fn used_def(&mut self, def: DefId) {
        self.inner.used_def(def);
    }

    fn read_input(&mut self, slot: InputSlot) {
        self.inner.read_input(slot);
    }

    fn read_param(&mut self, read: ParamRead) {
        let c = &mut *self.coverage;
        let count = match read {
            ParamRead::Scalar { param, version } | ParamRead::Table { param, version, .. } => c
                .params
                .get_mut(param as usize)
                .and_then(|v| v.get_mut(version)),
            ParamRead::Bareme {
                bareme,
                version,
                row,
                ..
            } => c
                .baremes
                .get_mut(bareme as usize)
                .and_then(|v| v.get_mut(version))
                .and_then(|rows| rows.get_mut(row)),
        };
        Coverage::bump(count);
        self.inner.read_param(read);
    }

    fn entries(&self, p: &Program, trace_defs: &[DefId]) -> Option<Vec<TraceEntry>> {
        self.inner.entries(p, trace_defs)
    }
}

impl Engine {
    /// Decides like [`Engine::decide`] and adds to `coverage` what this decision exercised.
    /// `coverage` must have been made from this engine's program ([`Coverage::new`]); counts
    /// of another program's shape are ignored where they do not fit.
    pub fn decide_covered(
        &self,
        dossier: &Dossier,
        options: &DecideOptions,
        coverage: &mut Coverage,
    ) -> Result<Decision, EvalError> {
        let date: NaiveDate = self.decision_date(dossier, options)?;
        let p = &*self.program;
        let inputs = dossier.values();
        let decision = if options.explain {
            let tracer = Covering {
                coverage: &mut *coverage,
                inner: Recorder::new(p.defs.len()),
            };
            Eval::new(
                p,
                &self.layout,
                inputs,
                dossier.unknown_bits(),
                date,
                tracer,
            )
            .decide(self.program.clone(), None)
        } else {
            let tracer = Covering {
                coverage: &mut *coverage,
                inner: NoTrace,
            };
            Eval::new(
                p,
                &self.layout,
                inputs,
                dossier.unknown_bits(),
                date,
                tracer,
            )
            .decide(self.program.clone(), None)
        }?;
        coverage.decisions = coverage.decisions.saturating_add(1);
        Ok(decision)
    }
}
