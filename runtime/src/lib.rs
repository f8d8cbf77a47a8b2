//! Socle runtime: owns the IR, decodes dossiers, evaluates decisions.
//!
//! An application decides dossiers with an [`Engine`], built once from a compiled
//! [`Program`] and shared between threads (`Send + Sync`, cheap to clone). The program comes
//! either from the compiler (`socle_compiler::Session::compile`, see `examples/embed.rs`) or,
//! for an application that depends on this crate alone, from a precompiled file: plain JSON
//! written by [`Program::to_json`] with its [`FORMAT_VERSION`], read back by
//! [`Program::from_json`], which refuses another format with a typed, French
//! [`ProgramLoadError`]. [`Engine::new`] then validates every index once.
//!
//! ```
//! use socle_runtime::{published, DecideOptions, Engine, Program};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Once, at start-up: the tutorial's ruleset (téléassistance), precompiled.
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/teleassistance.program.json");
//! let engine = Engine::new(Program::from_json(&std::fs::read_to_string(path)?)?)?;
//!
//! // Per dossier: decode (an error names the JSON path), decide, read typed values.
//! let dossier = engine.decode_str(
//!     r#"{"date_demande": "2004-06-15",
//!         "demandeur": {"date_naissance": "1930-03-02", "imposable": false, "prestations": []},
//!         "plan_aide": {"prix_appareil_teleassistance": "189.90"}}"#,
//! )?;
//! let decision: published::Decision =
//!     engine.decide(&dossier, &DecideOptions::default())?.published();
//! let aide = &decision.dispositifs["teleassistance"];
//! assert_eq!(aide.eligible, Some(true));
//! assert_eq!(aide.valeurs["aide_appareil"], "47.48"); // money: a string, two decimals
//! assert!(aide.motifs.iter().all(|m| m.satisfaite == Some(true)));
//!
//! // The published JSON of CONTRACT.md is the same value serialised.
//! assert_eq!(decision, serde_json::from_value(engine.decide(&dossier, &DecideOptions::default())?.to_json())?);
//!
//! // A field of the wrong type is refused with its path.
//! let error = engine.decode_str(r#"{"date_demande": "2004-06-15", "demandeur": {"date_naissance": 1930}}"#).unwrap_err();
//! assert_eq!(error.path(), "demandeur.date_naissance");
//! # Ok(())
//! # }
//! ```
//!
//! Deciding with missing facts: a field the dossier leaves out is *unknown*. Evaluation is
//! three-valued (Kleene: `faux et ?` is `faux`, `vrai ou ?` is `vrai`, `si ? alors a sinon a` is
//! `a`; an unknown condition is also decided by cases when the missing facts are booleans or
//! enumerations). Each [`DispositifDecision`] is granted or refused (`eligible: Some(_)`), or
//! undetermined (`None`) with `manquants`, the missing input slots that could change it;
//! [`Decision::questions`] ranks them across dispositifs. Guarantee (property-tested on every
//! shipped ruleset): more facts never change a decision, they only settle undetermined ones.
//!
//! ```text
//! let read = engine.read_str(json, &DecodeOptions { strict: false })?; // every error at once
//! for w in &read.warnings { eprintln!("{w}"); }                         // unknown fields
//! let decision = engine.decide(&read.dossier, &DecideOptions::default())?;
//! if !decision.is_decided() { ask(decision.questions()); }
//! ```
//!
//! API agreed between crates:
//! - `Engine::new(Program) -> Result<Engine, ProgramError>` validates indices once
//!   (so evaluation never meets a dangling index; it still uses `.get()`).
//! - `Program::from_json(&str) -> Result<Program, ProgramLoadError>` and
//!   `Program::to_json(&self)`: the versioned file form of a program.
//! - `Engine::program(&self) -> &Program`
//! - `Engine::decode_str(&self, &str) -> Result<Dossier, DossierError>` and
//!   `Engine::decode_json(&self, &serde_json::Value) -> Result<Dossier, DossierError>`
//! - `Engine::decide(&self, &Dossier, &DecideOptions) -> Result<Decision, EvalError>`
//! - `Decision::to_json(&self) -> serde_json::Value` in the CONTRACT.md shape, which is
//!   `Decision::published(&self) -> published::Decision` serialised.
//! - `Engine::json_schema(&self) -> serde_json::Value` (JSON Schema of the dossier).
//! - `Decider::new(Engine, date, dispositifs, strict)`, then `Decider::decide(&str)` or
//!   `Decider::decide_json(&Value)` -> `Result<Decided, Refusal>`: how every door (CLI, HTTP
//!   service, columnar formats, Python) decides one dossier with the options of its run.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![warn(missing_docs)]

pub mod batch_line;
mod builtin;
mod coverage;
mod decider;
mod decision;
mod decode;
mod error;
mod eval;
pub mod ir;
mod json_text;
mod ops;
mod plan;
pub mod published;
mod questions;
mod reads;
mod refusal;
pub mod render;
mod trace;
mod validate;
pub mod value;
#[cfg(test)]
mod xorshift;

use std::sync::Arc;

use chrono::NaiveDate;

pub use coverage::Coverage;
pub use decider::{Decided, Decider, Outcome};
pub use decision::{Decision, DispositifDecision, Motif, OutputValue, Payment};
pub use decode::{
    DecodeOptions, Decoded, Dossier, DossierErrors, DossierWarning, MAX_DEPTH as MAX_DOSSIER_DEPTH,
    MAX_LIST_LEN, MAX_TEXT_BYTES as MAX_DOSSIER_BYTES,
};
pub use error::{DossierError, DossierErrorKind, EvalError, ProgramError};
pub use ir::{Program, ProgramLoadError, FORMAT_VERSION};
pub use refusal::{warning_json, Refusal};
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

/// A dispositif name that the program does not declare.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("dispositif inconnu : `{name}` ; dispositifs de ce jeu de règles : {}", known.join(", "))]
pub struct UnknownDispositif {
    /// The name asked for.
    pub name: String,
    /// The dispositifs of the program, in order.
    pub known: Vec<String>,
}

/// A validated program, ready to decide dossiers. Cheap to clone and to share between threads.
#[derive(Clone, Debug)]
pub struct Engine {
    program: Arc<Program>,
    layout: Arc<Layout>,
    /// The one-pass dossier reader supports this program (checked once, here).
    fast_decode: bool,
    /// The compiled fast path (`plan/`), tried first when no trace is asked; `None` for
    /// [`Engine::reference`].
    plan: Option<Arc<plan::Plan>>,
}

impl Engine {
    /// Validates `program` once (every index, arity and depth) and makes it ready to decide.
    pub fn new(program: Program) -> Result<Engine, ProgramError> {
        Engine::from_arc(Arc::new(program))
    }

    /// Like [`Engine::new`], for a program already shared.
    pub fn from_arc(program: Arc<Program>) -> Result<Engine, ProgramError> {
        let layout = validate::validate(&program)?;
        let fast_decode = decode::fast_supported(&program);
        let plan = plan::compile(&program, &layout);
        Ok(Engine {
            program,
            layout: Arc::new(layout),
            fast_decode,
            plan: Some(Arc::new(plan)),
        })
    }

    /// The same engine deciding with the reference evaluator only: the recursive, three-valued
    /// walk over the IR that the compiled fast path falls back to, and that it must agree with
    /// byte for byte. For tests, benchmarks and diagnosing a suspected difference.
    pub fn reference(&self) -> Engine {
        Engine {
            plan: None,
            ..self.clone()
        }
    }

    /// Whether the compiled fast path alone decides `dossier` (no fall back to the reference
    /// evaluator). For the tests that measure its coverage.
    #[doc(hidden)]
    pub fn decided_by_plan(&self, dossier: &Dossier, options: &DecideOptions) -> bool {
        let Ok(date) = self.decision_date(dossier, options) else {
            return false;
        };
        let mut out = self.empty_decision();
        out.restart(&self.program, &self.layout.ruleset, date);
        !options.explain && self.plan_into(dossier, date, None, &mut out)
    }

    /// Tries the plan; `false` when it bailed (`out` is then half written).
    fn plan_into(
        &self,
        dossier: &Dossier,
        date: NaiveDate,
        only: Option<&[DispositifId]>,
        out: &mut Decision,
    ) -> bool {
        let Some(plan) = &self.plan else {
            return false;
        };
        plan::decide_into(
            plan,
            &self.program,
            &self.layout,
            dossier.values(),
            dossier.unknown_bits(),
            date,
            only,
            out,
        )
        .is_ok()
    }

    /// The program this engine decides with.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Reads a dossier from JSON text: strict (duplicate keys, size and depth limits), exact numbers; an error names the JSON path.
    pub fn decode_str(&self, text: &str) -> Result<Dossier, DossierError> {
        decode::decode_str(&self.program, self.fast_decode, text)
    }

    /// Reads a dossier already parsed as JSON.
    pub fn decode_json(&self, json: &serde_json::Value) -> Result<Dossier, DossierError> {
        decode::decode_json(&self.program, json)
    }

    /// Reads a dossier, reporting every error at once and the fields it ignores (warnings;
    /// errors with `strict`). A field the dossier leaves out is unknown, not an error.
    pub fn read_str(&self, text: &str, options: &DecodeOptions) -> Result<Decoded, DossierErrors> {
        decode::read_str(&self.program, self.fast_decode, text, options)
    }

    /// [`Engine::read_str`] by the one-pass reader alone: `None` where it gives up and the
    /// reference reader would run (tests assert how often it reads a dossier by itself).
    #[doc(hidden)]
    pub fn read_str_fast(&self, text: &str, options: &DecodeOptions) -> Option<Decoded> {
        self.fast_decode
            .then(|| decode::read_str_fast(&self.program, text, options))
            .flatten()
    }

    /// [`Engine::read_str`] by the reference reader alone (through a `serde_json::Value`): the
    /// one-pass reader is tested against it.
    #[doc(hidden)]
    pub fn read_str_reference(
        &self,
        text: &str,
        options: &DecodeOptions,
    ) -> Result<Decoded, DossierErrors> {
        decode::read_str_reference(&self.program, text, options)
    }

    /// [`Engine::read_str`] for an already parsed JSON value.
    pub fn read_json(
        &self,
        json: &serde_json::Value,
        options: &DecodeOptions,
    ) -> Result<Decoded, DossierErrors> {
        decode::read_json(&self.program, json, options)
    }

    /// JSON Schema (draft 2020-12) of the dossier fields this program reads.
    pub fn json_schema(&self) -> serde_json::Value {
        decode::json_schema(&self.program)
    }

    /// JSON Schema of the dossier fields deciding `selection` may read (the IR walked from
    /// its conditions, outputs and motifs, through rules, consulted dispositifs and cumul
    /// rules). Only the decision date is required.
    pub fn json_schema_for(&self, selection: &Selection) -> serde_json::Value {
        let keep = reads::reads(&self.program, &selection.0);
        decode::json_schema_for(&self.program, Some(&keep))
    }

    /// For each input slot, whether deciding `selection` may read it.
    pub fn reads(&self, selection: &Selection) -> Vec<bool> {
        reads::reads(&self.program, &selection.0)
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

    /// [`Engine::decide`] written over a previous decision of this engine (or of another one,
    /// or [`Engine::empty_decision`]): its vectors and names are reused, so that a stream of
    /// complete dossiers is decided without allocating. On error `out` is left as it was.
    pub fn decide_into(
        &self,
        dossier: &Dossier,
        options: &DecideOptions,
        out: &mut Decision,
    ) -> Result<(), EvalError> {
        let date = self.decision_date(dossier, options)?;
        let p = &*self.program;
        let inputs = dossier.values();
        let unknown = dossier.unknown_bits();
        out.restart(&self.program, &self.layout.ruleset, date);
        if !options.explain {
            if self.plan_into(dossier, date, None, out) {
                return Ok(());
            }
            out.restart(&self.program, &self.layout.ruleset, date);
        }
        if options.explain {
            let recorder = Recorder::new(p.defs.len());
            Eval::new(p, &self.layout, inputs, unknown, date, recorder).decide_into(None, out);
        } else {
            Eval::new(p, &self.layout, inputs, unknown, date, NoTrace).decide_into(None, out);
        }
        Ok(())
    }

    /// A decision with no dispositif, to be filled by [`Engine::decide_into`].
    pub fn empty_decision(&self) -> Decision {
        Decision::new(
            self.program.clone(),
            self.layout.ruleset.clone(),
            NaiveDate::MIN,
            Vec::new(),
            0,
        )
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
        let unknown = dossier.unknown_bits();
        if !options.explain && self.plan.is_some() {
            let mut out = Decision::new(
                self.program.clone(),
                self.layout.ruleset.clone(),
                date,
                Vec::with_capacity(p.dispositifs.len()),
                0,
            );
            if !self.plan_into(dossier, date, only, &mut out) {
                out.restart(&self.program, &self.layout.ruleset, date);
                Eval::new(p, &self.layout, inputs, unknown, date, NoTrace)
                    .decide_into(only, &mut out);
            }
            return Ok(out);
        }
        if options.explain {
            let recorder = Recorder::new(p.defs.len());
            Eval::new(p, &self.layout, inputs, unknown, date, recorder)
                .decide(self.program.clone(), only)
        } else {
            Eval::new(p, &self.layout, inputs, unknown, date, NoTrace)
                .decide(self.program.clone(), only)
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
