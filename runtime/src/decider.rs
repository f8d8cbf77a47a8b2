//! Deciding dossiers with the options of a run (decision date, dispositifs, strict reading):
//! the one place every door goes through (`socle decide` and `socle batch`, the HTTP service,
//! the columnar formats and the Python package), so that each decides a dossier the same way.

use std::cell::RefCell;
use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::Value as Json;

use crate::batch_line::{write_decision, write_decision_reusing};
use crate::decode::{read_str_reusing, Spare};
use crate::{
    warning_json, DecideOptions, Decision, DecodeOptions, Decoded, DossierWarning, Engine, Refusal,
    Selection, UnknownDispositif,
};

thread_local! {
    /// The values of the dossier this thread read last, read over by the next one, and the
    /// order of its keys ([`Decider::decide_text_into`]): a batch reads its lines without
    /// allocating for each.
    static SPARE: RefCell<Spare> = RefCell::new(Spare::default());
}

/// A refusal's line object; never fully decided.
fn refused(refusal: &Refusal, out: &mut Vec<u8>) -> bool {
    // Writing into memory cannot fail.
    let _ = serde_json::to_writer(out, &refusal.line_json());
    false
}

/// A decision and the warnings about the dossier it was made from.
pub struct Decided {
    /// The decision.
    pub decision: Decision,
    /// The fields the dossier gave that the ruleset does not read (ignored).
    pub warnings: Vec<DossierWarning>,
}

impl Decided {
    /// Every requested dispositif granted or refused with all its values.
    pub fn is_complete(&self) -> bool {
        self.decision.is_decided()
    }

    /// The published decision, with `avertissements` when the dossier had unknown fields.
    pub fn to_json(&self) -> Json {
        let mut value = self.decision.to_json();
        if let (false, Json::Object(map)) = (self.warnings.is_empty(), &mut value) {
            map.insert(
                "avertissements".into(),
                self.warnings
                    .iter()
                    .map(warning_json)
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        value
    }
}

/// What deciding one dossier gives: a decision, or why there is none.
pub type Outcome = Result<Decided, Refusal>;

/// A compiled ruleset with the options of a run (date, dispositifs, strictness): decides
/// dossiers one by one, each exactly as `socle decide` does.
#[derive(Clone)]
pub struct Decider {
    engine: Engine,
    options: DecideOptions,
    selection: Option<Selection>,
    decode: DecodeOptions,
    /// The dispositifs decided, by position in the program, in output order.
    dispositifs: Arc<[usize]>,
}

impl Decider {
    /// Decides with `engine`, at `date` (default: each dossier's `date_demande`), only the
    /// `dispositifs` named (all when empty), refusing unknown fields when `strict`.
    pub fn new<S: AsRef<str>>(
        engine: Engine,
        date: Option<NaiveDate>,
        dispositifs: &[S],
        strict: bool,
    ) -> Result<Decider, UnknownDispositif> {
        let program = engine.program();
        let (selection, positions) = if dispositifs.is_empty() {
            (None, (0..program.dispositifs.len()).collect())
        } else {
            let selection = engine.selection(dispositifs)?;
            let positions = dispositifs
                .iter()
                .filter_map(|name| {
                    program
                        .dispositifs
                        .iter()
                        .position(|d| d.name == name.as_ref())
                })
                .collect();
            (Some(selection), positions)
        };
        Ok(Decider {
            options: DecideOptions {
                date,
                explain: false,
            },
            selection,
            decode: DecodeOptions { strict },
            dispositifs: positions,
            engine,
        })
    }

    /// Adds the `trace` of each dispositif to the decisions (`--explain`).
    pub fn with_explain(mut self, explain: bool) -> Decider {
        self.options.explain = explain;
        self
    }

    /// The engine it decides with.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The dispositifs it decides, by position in the program, in the order asked for.
    pub fn dispositifs(&self) -> &[usize] {
        &self.dispositifs
    }

    /// Decides one dossier given as JSON text (strict reading: duplicate keys, limits).
    pub fn decide(&self, text: &str) -> Outcome {
        let read = self
            .engine
            .read_str(text, &self.decode)
            .map_err(Refusal::Invalid)?;
        self.decide_read(read)
    }

    /// Decides one dossier given as parsed JSON.
    pub fn decide_json(&self, json: &Json) -> Outcome {
        let read = self
            .engine
            .read_json(json, &self.decode)
            .map_err(Refusal::Invalid)?;
        self.decide_read(read)
    }

    /// Decides one dossier given as JSON text and appends its published object to `out`
    /// (`socle batch`, `POST /decider/…/lot`): the decision with its `avertissements`, or the
    /// refusal's `erreur` and `detail`; says whether every dispositif was fully decided. The
    /// same bytes as [`Decider::decide`] then [`write_decision`] or [`Refusal::line_json`],
    /// but `decision` is decided over in place: a worker keeps one (from
    /// [`Engine::empty_decision`]) for all its dossiers, so its buffers are reused.
    pub fn decide_text_into(&self, text: &str, decision: &mut Decision, out: &mut Vec<u8>) -> bool {
        SPARE.with(|kept| match kept.try_borrow_mut() {
            Ok(mut spare) => self.decide_text_with(text, decision, out, &mut spare),
            // A decision made while this thread's spare is in use (none is): without it.
            Err(_) => self.decide_text_with(text, decision, out, &mut Spare::default()),
        })
    }

    fn decide_text_with(
        &self,
        text: &str,
        decision: &mut Decision,
        out: &mut Vec<u8>,
        spare: &mut Spare,
    ) -> bool {
        let engine = &self.engine;
        let read = match read_str_reusing(
            &engine.program,
            engine.fast_decode,
            text,
            &self.decode,
            spare,
        ) {
            Ok(read) => read,
            Err(errors) => return refused(&Refusal::Invalid(errors), out),
        };
        if self.selection.is_some() {
            // Deciding over a previous decision decides every dispositif.
            return match self.decide_read(read) {
                Ok(decided) => {
                    write_decision(&decided.decision, &decided.warnings, out);
                    decided.is_complete()
                }
                Err(refusal) => refused(&refusal, out),
            };
        }
        let Decoded { dossier, warnings } = read;
        let decided = match self.engine.decide_into(&dossier, &self.options, decision) {
            Ok(()) => {
                write_decision_reusing(decision, &warnings, out);
                decision.is_decided()
            }
            Err(error) => refused(&Refusal::Evaluation(error), out),
        };
        spare.values = dossier.into_values();
        decided
    }

    fn decide_read(&self, read: Decoded) -> Outcome {
        let decision = match &self.selection {
            Some(selection) => self
                .engine
                .decide_selected(&read.dossier, &self.options, selection),
            None => self.engine.decide(&read.dossier, &self.options),
        }
        .map_err(Refusal::Evaluation)?;
        Ok(Decided {
            decision,
            warnings: read.warnings,
        })
    }
}
