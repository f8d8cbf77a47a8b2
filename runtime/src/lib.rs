//! Socle runtime: owns the IR, decodes dossiers, evaluates decisions.
//!
//! ```text
//! let engine = Engine::new(program)?;          // once
//! let dossier = engine.decode_str(json)?;       // per dossier: typed, JSON-path errors
//! let decision = engine.decide(&dossier, &DecideOptions::default())?;
//! println!("{}", decision.to_json());
//! ```
//!
//! API agreed between crates:
//! - `Engine::new(Program) -> Result<Engine, ProgramError>` validates indices once
//!   (so evaluation never meets a dangling index; it still uses `.get()`).
//! - `Engine::program(&self) -> &Program`
//! - `Engine::decode_str(&self, &str) -> Result<Dossier, DossierError>` and
//!   `Engine::decode_json(&self, &serde_json::Value) -> Result<Dossier, DossierError>`
//! - `Engine::decide(&self, &Dossier, &DecideOptions) -> Result<Decision, EvalError>`
//! - `Decision::to_json(&self) -> serde_json::Value` in the CONTRACT.md shape, which is
//!   `Decision::published(&self) -> published::Decision` serialised.
//! - `Engine::json_schema(&self) -> serde_json::Value` (JSON Schema of the dossier).

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod builtin;
mod coverage;
mod decision;
mod decode;
mod error;
mod eval;
pub mod ir;
mod ops;
pub mod published;
pub mod render;
mod trace;
mod validate;
pub mod value;

use std::sync::Arc;

use chrono::NaiveDate;

pub use coverage::Coverage;
pub use decision::{Decision, DispositifDecision, Motif, OutputValue};
pub use decode::{
    Dossier, MAX_DEPTH as MAX_DOSSIER_DEPTH, MAX_LIST_LEN, MAX_TEXT_BYTES as MAX_DOSSIER_BYTES,
};
pub use error::{DossierError, DossierErrorKind, EvalError, ProgramError};
pub use ir::Program;
pub use trace::{ParamTrace, TraceEntry};
pub use validate::MAX_LOCALS;
pub use value::Value;

use eval::Eval;
use ir::DispositifId;
use trace::{NoTrace, Recorder};
use validate::Layout;

/// How to decide a dossier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecideOptions {
    /// The decision date; by default the dossier's `decision_date_input` field (`date_demande`).
    pub date: Option<NaiveDate>,
    /// Record how each value was obtained (`Decision` dispositifs get a `trace`).
    pub explain: bool,
}

/// Some dispositifs of a program, resolved once by [`Engine::selection`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection(Vec<DispositifId>);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("dispositif inconnu : `{name}` ; dispositifs de ce jeu de règles : {}", known.join(", "))]
pub struct UnknownDispositif {
    pub name: String,
    pub known: Vec<String>,
}

/// A validated program, ready to decide dossiers. Cheap to clone and to share between threads.
#[derive(Clone, Debug)]
pub struct Engine {
    program: Arc<Program>,
    layout: Arc<Layout>,
}

impl Engine {
    pub fn new(program: Program) -> Result<Engine, ProgramError> {
        Engine::from_arc(Arc::new(program))
    }

    pub fn from_arc(program: Arc<Program>) -> Result<Engine, ProgramError> {
        let layout = validate::validate(&program)?;
        Ok(Engine {
            program,
            layout: Arc::new(layout),
        })
    }

    pub fn program(&self) -> &Program {
        &self.program
    }

    pub fn decode_str(&self, text: &str) -> Result<Dossier, DossierError> {
        decode::decode_str(&self.program, text)
    }

    pub fn decode_json(&self, json: &serde_json::Value) -> Result<Dossier, DossierError> {
        decode::decode_json(&self.program, json)
    }

    /// JSON Schema (draft 2020-12) of the dossier fields this program reads.
    pub fn json_schema(&self) -> serde_json::Value {
        decode::json_schema(&self.program)
    }

    /// Decides every dispositif of the ruleset. A dispositif that cannot be decided (no
    /// parameter version at the date…) carries its error in the decision; `Err` is for what
    /// prevents any decision (no decision date).
    pub fn decide(
        &self,
        dossier: &Dossier,
        options: &DecideOptions,
    ) -> Result<Decision, EvalError> {
        self.decide_only(dossier, options, None)
    }

    /// Decides only the selected dispositifs (what they depend on, cumul rules included, is
    /// still evaluated): for an application that needs one aid of a larger ruleset.
    pub fn decide_selected(
        &self,
        dossier: &Dossier,
        options: &DecideOptions,
        selection: &Selection,
    ) -> Result<Decision, EvalError> {
        self.decide_only(dossier, options, Some(&selection.0))
    }

    /// The dispositifs named, for [`Engine::decide_selected`]; an unknown name is an error
    /// listing the known ones.
    pub fn selection<S: AsRef<str>>(&self, names: &[S]) -> Result<Selection, UnknownDispositif> {
        let mut ids = Vec::with_capacity(names.len());
        for name in names {
            let name = name.as_ref();
            let position = self.program.dispositifs.iter().position(|d| d.name == name);
            match position.and_then(|i| u32::try_from(i).ok()) {
                Some(id) => ids.push(id),
                None => {
                    return Err(UnknownDispositif {
                        name: name.to_owned(),
                        known: self
                            .program
                            .dispositifs
                            .iter()
                            .map(|d| d.name.clone())
                            .collect(),
                    })
                }
            }
        }
        Ok(Selection(ids))
    }

    fn decide_only(
        &self,
        dossier: &Dossier,
        options: &DecideOptions,
        only: Option<&[DispositifId]>,
    ) -> Result<Decision, EvalError> {
        let date = self.decision_date(dossier, options)?;
        let p = &*self.program;
        let inputs = dossier.values();
        if options.explain {
            let recorder = Recorder::new(p.defs.len());
            Eval::new(p, &self.layout, inputs, date, recorder).decide(self.program.clone(), only)
        } else {
            Eval::new(p, &self.layout, inputs, date, NoTrace).decide(self.program.clone(), only)
        }
    }

    fn decision_date(
        &self,
        dossier: &Dossier,
        options: &DecideOptions,
    ) -> Result<NaiveDate, EvalError> {
        if let Some(date) = options.date {
            return Ok(date);
        }
        let slot = self.program.decision_date_input;
        match slot.and_then(|s| dossier.get(s)) {
            Some(Value::Date(date)) => Ok(*date),
            _ => Err(EvalError::NoDecisionDate {
                input: slot.and_then(|s| self.program.input_paths.get(s as usize).cloned()),
            }),
        }
    }
}
