//! `--explain`: how each value was obtained. The evaluator is generic over a `Tracer`; with
//! `NoTrace` every hook is an empty inlined call, so deciding without `explain` records nothing
//! and allocates nothing for the trace.

use chrono::NaiveDate;

use crate::ir::{BaremeId, DefId, InputSlot, ParamId, ParamValue, Program, Ty};
use crate::value::Value;

/// How one rule's value was obtained.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEntry {
    /// Qualified rule identifier (`apa_domicile.plafond`).
    pub rule: String,
    /// The value obtained.
    pub value: Value,
    /// Its type.
    pub ty: Ty,
    /// The parameters and barèmes read, with the dated version used.
    pub parameters: Vec<ParamTrace>,
    /// Dossier paths read directly by this rule.
    pub inputs: Vec<String>,
    /// Rules whose values this rule used directly.
    pub uses: Vec<String>,
    /// The label of the exception branch that applied, if any.
    pub exception: Option<String>,
    /// The dates at which parts of this rule were evaluated (`… au DATE`); the parameters,
    /// dossier fields and rules read there are listed with the others.
    pub as_of: Vec<NaiveDate>,
}

/// One parameter (or barème) read, with the dated version used.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamTrace {
    /// The parameter's or barème's qualified name.
    pub name: String,
    /// The first day of the version used.
    pub from: NaiveDate,
    /// The last day of the version used; `None` when open-ended.
    pub until: Option<NaiveDate>,
    /// The key looked up in a table, with its type.
    pub key: Option<(Value, Ty)>,
    /// The barème tranche number that contained the input.
    pub tranche: Option<u32>,
    /// The barème column (enumeration variant) used.
    pub column: Option<String>,
    /// The value read.
    pub value: Value,
    /// Its type.
    pub ty: Ty,
}

/// What evaluation reports while it runs.
pub(crate) trait Tracer {
    fn enter_def(&mut self, def: DefId);
    fn exit_def(&mut self, def: DefId, value: &Value, exception: Option<usize>);
    fn abort_def(&mut self);
    fn used_def(&mut self, def: DefId);
    fn read_input(&mut self, slot: InputSlot);
    fn read_param(&mut self, read: ParamRead);
    /// An `au` expression starts being evaluated as of `date`: the rules computed until
    /// [`Tracer::exit_as_of`] are computed for that date, not for the decision.
    fn enter_as_of(&mut self, _date: NaiveDate) {}
    fn exit_as_of(&mut self) {}
    /// The entries of `trace_defs` that were computed, in that order; `None` when not tracing.
    fn entries(&self, p: &Program, trace_defs: &[DefId]) -> Option<Vec<TraceEntry>>;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamRead {
    Scalar {
        param: ParamId,
        version: usize,
    },
    Table {
        param: ParamId,
        version: usize,
        entry: usize,
    },
    Bareme {
        bareme: BaremeId,
        version: usize,
        row: usize,
        column: Option<u32>,
    },
}

pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn enter_def(&mut self, _: DefId) {}
    #[inline(always)]
    fn exit_def(&mut self, _: DefId, _: &Value, _: Option<usize>) {}
    #[inline(always)]
    fn abort_def(&mut self) {}
    #[inline(always)]
    fn used_def(&mut self, _: DefId) {}
    #[inline(always)]
    fn read_input(&mut self, _: InputSlot) {}
    #[inline(always)]
    fn read_param(&mut self, _: ParamRead) {}
    fn entries(&self, _: &Program, _: &[DefId]) -> Option<Vec<TraceEntry>> {
        None
    }
}

#[derive(Debug, Default)]
struct Frame {
    def: DefId,
    reads: Vec<ParamRead>,
    inputs: Vec<InputSlot>,
    uses: Vec<DefId>,
    value: Option<Value>,
    exception: Option<usize>,
    as_of: Vec<NaiveDate>,
}

/// Records one frame per rule being computed; a finished frame is kept by rule.
pub(crate) struct Recorder {
    stack: Vec<Frame>,
    done: Vec<Option<Frame>>,
    /// Nesting of `au` evaluations: inside one, rules get no frame of their own (their value
    /// at the decision date is the one traced); what they read goes to the rule with `au`.
    as_of_depth: u32,
}

impl Recorder {
    pub(crate) fn new(defs: usize) -> Self {
        Recorder {
            stack: Vec::new(),
            done: (0..defs).map(|_| None).collect(),
            as_of_depth: 0,
        }
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

impl Tracer for Recorder {
    fn enter_def(&mut self, def: DefId) {
        if self.as_of_depth > 0 {
            return;
        }
        self.stack.push(Frame {
            def,
            ..Frame::default()
        });
    }

    fn exit_def(&mut self, def: DefId, value: &Value, exception: Option<usize>) {
        if self.as_of_depth > 0 {
            return;
        }
        if let Some(mut frame) = self.stack.pop() {
            frame.value = Some(value.clone());
            frame.exception = exception;
            if let Some(slot) = self.done.get_mut(def as usize) {
                *slot = Some(frame);
            }
        }
    }

    fn abort_def(&mut self) {
        if self.as_of_depth == 0 {
            self.stack.pop();
        }
    }

    fn enter_as_of(&mut self, date: NaiveDate) {
        self.as_of_depth += 1;
        if let Some(frame) = self.stack.last_mut() {
            push_unique(&mut frame.as_of, date);
        }
    }

    fn exit_as_of(&mut self) {
        self.as_of_depth = self.as_of_depth.saturating_sub(1);
    }

    fn used_def(&mut self, def: DefId) {
        if let Some(frame) = self.stack.last_mut() {
            push_unique(&mut frame.uses, def);
        }
    }

    fn read_input(&mut self, slot: InputSlot) {
        if let Some(frame) = self.stack.last_mut() {
            push_unique(&mut frame.inputs, slot);
        }
    }

    fn read_param(&mut self, read: ParamRead) {
        if let Some(frame) = self.stack.last_mut() {
            push_unique(&mut frame.reads, read);
        }
    }

    fn entries(&self, p: &Program, trace_defs: &[DefId]) -> Option<Vec<TraceEntry>> {
        let entries = trace_defs
            .iter()
            .filter_map(|id| self.done.get(*id as usize)?.as_ref())
            .filter_map(|frame| entry(p, frame))
            .collect();
        Some(entries)
    }
}

fn entry(p: &Program, frame: &Frame) -> Option<TraceEntry> {
    let def = p.defs.get(frame.def as usize)?;
    Some(TraceEntry {
        rule: def.name.clone(),
        value: frame.value.clone()?,
        ty: def.ty.clone(),
        parameters: frame
            .reads
            .iter()
            .filter_map(|r| param_trace(p, r))
            .collect(),
        inputs: frame
            .inputs
            .iter()
            .filter_map(|slot| p.input_paths.get(*slot as usize).cloned())
            .collect(),
        uses: frame
            .uses
            .iter()
            .filter_map(|id| p.defs.get(*id as usize).map(|d| d.name.clone()))
            .collect(),
        exception: frame
            .exception
            .and_then(|i| def.exceptions.get(i))
            .map(|b| b.label.clone()),
        as_of: frame.as_of.clone(),
    })
}

fn param_trace(p: &Program, read: &ParamRead) -> Option<ParamTrace> {
    match read {
        ParamRead::Scalar { param, version } => {
            let param = p.params.get(*param as usize)?;
            let until = effective_until(param.versions.iter().map(|v| (v.from, v.until)), *version);
            let version = param.versions.get(*version)?;
            let ParamValue::Scalar(value) = &version.value else {
                return None;
            };
            Some(ParamTrace {
                name: param.name.clone(),
                from: version.from,
                until,
                key: None,
                tranche: None,
                column: None,
                value: value.clone(),
                ty: param.ty.clone(),
            })
        }
        ParamRead::Table {
            param,
            version,
            entry,
        } => {
            let param = p.params.get(*param as usize)?;
            let until = effective_until(param.versions.iter().map(|v| (v.from, v.until)), *version);
            let version = param.versions.get(*version)?;
            let ParamValue::Table(entries) = &version.value else {
                return None;
            };
            let (key, value) = entries.get(*entry)?;
            Some(ParamTrace {
                name: param.name.clone(),
                from: version.from,
                until,
                key: Some((key.clone(), param.key_ty.clone()?)),
                tranche: None,
                column: None,
                value: value.clone(),
                ty: param.ty.clone(),
            })
        }
        ParamRead::Bareme {
            bareme,
            version,
            row,
            column,
        } => {
            let bareme = p.baremes.get(*bareme as usize)?;
            let until =
                effective_until(bareme.versions.iter().map(|v| (v.from, v.until)), *version);
            let version = bareme.versions.get(*version)?;
            let row = version.rows.get(*row)?;
            let column = match (bareme.columns, column) {
                (Some(e), Some(c)) => p
                    .enums
                    .get(e as usize)
                    .and_then(|e| e.variants.get(*c as usize))
                    .cloned(),
                _ => None,
            };
            Some(ParamTrace {
                name: bareme.name.clone(),
                from: version.from,
                until,
                key: None,
                tranche: Some(row.number),
                column,
                value: row.value.clone(),
                ty: bareme.output_ty.clone(),
            })
        }
    }
}

/// The last day a version is in force: its `jusqu'au`, or else the day before the next version.
fn effective_until(
    mut versions: impl Iterator<Item = (NaiveDate, Option<NaiveDate>)>,
    index: usize,
) -> Option<NaiveDate> {
    let (_, until) = versions.nth(index)?;
    until.or_else(|| versions.next().and_then(|(next, _)| next.pred_opt()))
}
