//! Evaluation of one dossier: memoised rules, dispositif eligibility with cumul rules, motifs
//! and outputs. Everything is reached by index; names are read only to build errors, motifs
//! and traces.
//!
//! Evaluation is three-valued: a fact the dossier does not give is unknown, and a result that
//! depends on it stops with the missing slots (`unknown.rs`). A complete dossier never meets
//! an unknown: the only extra cost is a bit test when an input reads as absent.

mod as_of;
mod dispositif;
mod exceptions;
mod lists;
mod locals;
pub(crate) mod lookup;
mod memo;
mod split;
mod unknown;

use std::cell::Cell;
use std::cmp::Ordering;
use std::mem;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::error::EvalError;
use crate::ir::{BinOp, Builtin, DefId, DispositifId, DurationFamily, Expr, Program, UnOp};
use crate::ops::{self, Fault};
use crate::trace::Tracer;
use crate::validate::Layout;
use crate::value::Value;

use dispositif::{CondState, Eligibility};
use memo::{Memo, State};
pub(crate) use unknown::Missing;
use unknown::{fail, join, merge_speculative, unknown, Stop};

/// Stops are boxed so that evaluation results stay as small as a `Value`.
type R<T> = Result<T, Box<Stop>>;

pub(crate) struct Eval<'a, T: Tracer> {
    p: &'a Program,
    layout: &'a Layout,
    inputs: &'a [Value],
    /// Bit `slot` set: the dossier does not give this input (empty for a complete dossier).
    unknown_inputs: &'a [u64],
    date: NaiveDate,
    /// The decision date while an `au` expression is evaluated at `date`.
    decision_date: Option<NaiveDate>,
    memo: Memo,
    locals: Vec<Value>,
    /// For each local bound to an unknown value, its missing facts (index into `unknowns`);
    /// empty until the first such binding (`locals.rs`).
    local_unknowns: Vec<Option<u32>>,
    eligibility: Vec<Eligibility>,
    conditions: Vec<CondState>,
    /// The rule being computed, to name it in errors.
    current: Option<DefId>,
    /// The dispositif being decided, named in errors raised outside any rule.
    deciding: Option<DispositifId>,
    rules_computed: u32,
    /// The missing-fact sets that memoised results, conditions and eligibilities refer to;
    /// empty (and never allocated) for a complete dossier.
    unknowns: Vec<Missing>,
    tracer: T,
}

/// The per-decision state arrays, kept between the decisions of a thread: deciding then
/// allocates only what the decision returns.
#[derive(Default)]
struct Scratch {
    memo: Memo,
    locals: Vec<Value>,
    eligibility: Vec<Eligibility>,
    conditions: Vec<CondState>,
}

thread_local! {
    static SCRATCH: Cell<Scratch> = Cell::new(Scratch::default());
}

impl<T: Tracer> Drop for Eval<'_, T> {
    fn drop(&mut self) {
        // Reset now, so that no dossier value outlives its decision; in place, so that the
        // next decision with the same program finds its arrays ready.
        let mut scratch = Scratch {
            memo: mem::take(&mut self.memo),
            locals: mem::take(&mut self.locals),
            eligibility: mem::take(&mut self.eligibility),
            conditions: mem::take(&mut self.conditions),
        };
        scratch.memo.reset();
        for local in &mut scratch.locals {
            if !matches!(local, Value::Absent) {
                *local = Value::Absent;
            }
        }
        scratch.eligibility.fill(Eligibility::Pending);
        scratch.conditions.fill(CondState::Pending);
        // `try_with`: a decision made while the thread shuts down simply frees its arrays.
        let _ = SCRATCH.try_with(|cell| cell.set(scratch));
    }
}

impl<'a, T: Tracer> Eval<'a, T> {
    pub(crate) fn new(
        p: &'a Program,
        layout: &'a Layout,
        inputs: &'a [Value],
        unknown_inputs: &'a [u64],
        date: NaiveDate,
        tracer: T,
    ) -> Self {
        let mut scratch = SCRATCH.with(Cell::take);
        // Every element is already reset (`Drop`): only a new program's sizes change them.
        // `resize_with`: writing the variant costs less than cloning a template `Value`.
        if scratch.memo.len() != p.defs.len() {
            scratch.memo.resize(p.defs.len());
        }
        if scratch.locals.len() != layout.locals {
            scratch.locals.clear();
            scratch.locals.resize_with(layout.locals, || Value::Absent);
        }
        if scratch.eligibility.len() != p.dispositifs.len() {
            scratch.eligibility.clear();
            scratch
                .eligibility
                .resize(p.dispositifs.len(), Eligibility::Pending);
        }
        if scratch.conditions.len() != layout.condition_count {
            scratch.conditions.clear();
            scratch
                .conditions
                .resize(layout.condition_count, CondState::Pending);
        }
        Eval {
            p,
            layout,
            inputs,
            unknown_inputs,
            date,
            decision_date: None,
            memo: scratch.memo,
            locals: scratch.locals,
            local_unknowns: Vec::new(),
            eligibility: scratch.eligibility,
            conditions: scratch.conditions,
            current: None,
            deciding: None,
            rules_computed: 0,
            unknowns: Vec::new(),
            tracer,
        }
    }

    #[inline]
    fn def(&mut self, id: DefId) -> R<Value> {
        self.tracer.used_def(id);
        match self.memo.done(id) {
            Some(v) => Ok(v.clone()),
            None => self.compute_def(id),
        }
    }

    #[inline(never)]
    fn compute_def(&mut self, id: DefId) -> R<Value> {
        let p = self.p;
        let Some(def) = p.defs.get(id as usize) else {
            return Err(self.internal("règle inconnue"));
        };
        match self.memo.state(id) {
            Some(State::Done) => {
                if let Some(v) = self.memo.done(id) {
                    return Ok(v.clone());
                }
            }
            Some(State::Unknown(i)) => return Err(unknown(self.unknown_set(i))),
            Some(State::InProgress) => {
                return Err(fail(EvalError::Cycle {
                    def: def.name.clone(),
                }))
            }
            Some(State::Pending) => {}
            None => return Err(self.internal("règle inconnue")),
        }
        self.memo.set(id, State::InProgress);
        let caller = self.current.replace(id);
        self.tracer.enter_def(id);
        let result = self.compute(def);
        self.current = caller;
        match result {
            Ok((value, exception)) => {
                self.rules_computed += 1;
                self.tracer.exit_def(id, &value, exception);
                self.memo.set_done(id, value.clone());
                Ok(value)
            }
            Err(e) => {
                self.tracer.abort_def();
                let state = match &*e {
                    Stop::Unknown(missing) => State::Unknown(self.remember(missing.clone())),
                    Stop::Failed(_) => State::Pending,
                };
                self.memo.set(id, state);
                Err(e)
            }
        }
    }

    /// Keeps a missing-fact set aside; its index goes in the memo or a condition's state.
    fn remember(&mut self, missing: Missing) -> u32 {
        self.unknowns.push(missing);
        u32::try_from(self.unknowns.len() - 1).unwrap_or(u32::MAX)
    }

    fn unknown_set(&self, index: u32) -> Missing {
        self.unknowns
            .get(index as usize)
            .cloned()
            .unwrap_or_default()
    }

    fn context_name(&self) -> String {
        if let Some(def) = self.current.and_then(|id| self.p.defs.get(id as usize)) {
            return def.name.clone();
        }
        match self.deciding {
            Some(d) => self.dispositif_name(d).to_owned(),
            None => self.p.ruleset.clone(),
        }
    }

    fn dispositif_name(&self, d: DispositifId) -> &str {
        self.p
            .dispositifs
            .get(d as usize)
            .map_or("?", |d| d.name.as_str())
    }

    fn fault(&self, fault: Fault) -> Box<Stop> {
        let def = self.context_name();
        fail(match fault {
            Fault::Overflow => EvalError::Overflow { def },
            Fault::DivisionByZero => EvalError::DivisionByZero { def },
            Fault::DateOutOfRange => EvalError::DateOutOfRange { def },
            Fault::Absent => EvalError::AbsentValue { def },
            Fault::Mismatch(op) => EvalError::Internal {
                def,
                detail: format!("opérandes incompatibles pour « {op} »"),
            },
        })
    }

    fn internal(&self, detail: &str) -> Box<Stop> {
        fail(EvalError::Internal {
            def: self.context_name(),
            detail: detail.to_owned(),
        })
    }

    fn check(&self, outcome: ops::Outcome) -> R<Value> {
        outcome.map_err(|f| self.fault(f))
    }

    fn eval_bool(&mut self, e: &Expr) -> R<bool> {
        match self.eval(e)? {
            Value::Bool(b) => Ok(b),
            Value::Absent => Err(self.fault(Fault::Absent)),
            _ => Err(self.internal("booléen attendu")),
        }
    }

    fn eval_date(&mut self, e: &Expr) -> R<NaiveDate> {
        match self.eval(e)? {
            Value::Date(d) => Ok(d),
            Value::Absent => Err(self.fault(Fault::Absent)),
            _ => Err(self.internal("date attendue")),
        }
    }

    fn eval_list(&mut self, e: &Expr) -> R<Arc<[Value]>> {
        match self.eval(e)? {
            Value::List(items) => Ok(items),
            Value::Absent => Err(self.fault(Fault::Absent)),
            _ => Err(self.internal("liste attendue")),
        }
    }

    fn at(&mut self, at: &Option<Box<Expr>>) -> R<NaiveDate> {
        match at {
            Some(e) => self.eval_date(e),
            None => Ok(self.date),
        }
    }

    /// A dossier field. The presence bitset is read only when the value is absent: a complete
    /// dossier pays one comparison per read.
    #[inline(always)]
    fn input(&mut self, slot: u32) -> R<Value> {
        self.tracer.read_input(slot);
        match self.inputs.get(slot as usize) {
            Some(Value::Absent) if self.is_unknown_input(slot) => Err(unknown(Missing::one(slot))),
            Some(v) => Ok(v.clone()),
            None => Err(self.internal("donnée du dossier manquante")),
        }
    }

    fn is_unknown_input(&self, slot: u32) -> bool {
        self.unknown_inputs
            .get((slot / 64) as usize)
            .is_some_and(|word| word >> (slot % 64) & 1 == 1)
    }

    /// Two operands evaluated independently (the second is skipped after a failure).
    #[inline(always)]
    fn eval2(&mut self, a: &Expr, b: &Expr) -> R<(Value, Value)> {
        let a = self.eval(a);
        if matches!(&a, Err(e) if !e.is_unknown()) {
            return a.map(|v| (v, Value::Absent));
        }
        join(a, self.eval(b))
    }

    #[inline(always)]
    fn eval_dates(&mut self, a: &Expr, b: &Expr) -> R<(NaiveDate, NaiveDate)> {
        let a = self.eval_date(a);
        if matches!(&a, Err(e) if !e.is_unknown()) {
            return a.map(|d| (d, d));
        }
        join(a, self.eval_date(b))
    }

    /// Kleene conjunction (`faux et ?` is `faux`); `or` is its dual (`vrai ou ?` is `vrai`).
    fn kleene(&mut self, a: &Expr, b: &Expr, absorbing: bool) -> R<Value> {
        match self.eval_bool(a) {
            Ok(x) if x == absorbing => Ok(Value::Bool(absorbing)),
            Ok(_) => self.eval_bool(b).map(Value::Bool),
            Err(e) if e.is_unknown() => match self.eval_bool(b) {
                Ok(y) if y == absorbing => Ok(Value::Bool(absorbing)),
                Ok(_) => Err(e),
                Err(f) => Err(merge_speculative(e, f)),
            },
            Err(e) => Err(e),
        }
    }

    /// `si ? alors a sinon b`: the common value of both branches, if they agree.
    fn unknown_branch(&mut self, condition: Box<Stop>, a: &Expr, b: &Expr) -> R<Value> {
        let x = self.eval(a);
        let y = self.eval(b);
        match (x, y) {
            (Ok(x), Ok(y)) if x == y => Ok(x),
            (Err(e), _) | (_, Err(e)) => Err(merge_speculative(condition, e)),
            _ => Err(condition),
        }
    }

    /// Leaves are read in place: about half the nodes of a rule are constants, inputs and
    /// locals, and reading one costs less than the call that `eval_node` would be.
    #[inline(always)]
    fn eval(&mut self, e: &Expr) -> R<Value> {
        match e {
            Expr::Const(v) => Ok(v.clone()),
            Expr::Local(slot) => self.local(*slot),
            Expr::Input(slot) => self.input(*slot),
            _ => self.eval_node(e),
        }
    }

    fn eval_node(&mut self, e: &Expr) -> R<Value> {
        match e {
            Expr::Const(v) => Ok(v.clone()),
            Expr::Input(slot) => self.input(*slot),
            Expr::Def(id) => self.def(*id),
            Expr::Local(slot) => self.local(*slot),
            Expr::Let { slot, value, body } => {
                let value = self.eval(value);
                // Saved and restored: a rule computed inside `body` may reuse the same slot.
                let saved = self.bind(*slot, value)?;
                let result = self.eval(body);
                self.unbind(*slot, saved);
                result
            }
            Expr::DecisionDate => Ok(Value::Date(self.date)),
            Expr::Param { param, at } => {
                let date = self.at(at)?;
                self.param(*param, date)
            }
            Expr::TableGet { param, key, at } => {
                let (key, date) = join(self.eval(key), self.at(at))?;
                self.table_get(*param, &key, date)
            }
            Expr::Bareme {
                bareme,
                x,
                column,
                at,
                want,
            } => {
                let x = self.eval(x);
                let column = match column {
                    Some(c) => self.eval(c).map(Some),
                    None => Ok(None),
                };
                let (x, column) = join(x, column)?;
                let date = self.at(at)?;
                self.bareme(*bareme, &x, column.as_ref(), date, *want)
            }
            Expr::Unary(UnOp::Neg, a) => {
                let a = self.eval(a)?;
                self.check(ops::neg(&a))
            }
            Expr::Unary(UnOp::Not, a) => Ok(Value::Bool(!self.eval_bool(a)?)),
            Expr::Binary(op, a, b) => {
                let (a, b) = self.eval2(a, b)?;
                self.binary(*op, &a, &b)
            }
            Expr::And(a, b) => self.kleene(a, b, false),
            Expr::Or(a, b) => self.kleene(a, b, true),
            Expr::If(c, a, b) => match self.eval_bool(c) {
                Ok(true) => self.eval(a),
                Ok(false) => self.eval(b),
                Err(e) if e.is_unknown() => self.unknown_branch(e, a, b),
                Err(e) => Err(e),
            },
            Expr::InRange { x, lo, hi } => {
                let (x, lo) = self.eval2(x, lo)?;
                let hi = self.eval(hi)?;
                let above = self.check_cmp(&lo, &x)? != Ordering::Greater;
                let below = self.check_cmp(&x, &hi)? != Ordering::Greater;
                Ok(Value::Bool(above && below))
            }
            Expr::InSet { x, set } => {
                let x = self.eval(x)?;
                for candidate in set {
                    if ops::equal(&x, &self.eval(candidate)?) {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(Value::Bool(false))
            }
            Expr::Contains { list, x } => {
                let (list, x) = join(self.eval_list(list), self.eval(x))?;
                Ok(Value::Bool(list.iter().any(|item| ops::equal(item, &x))))
            }
            Expr::ContainsAny { list, set } => {
                let list = self.eval_list(list)?;
                for candidate in set {
                    let candidate = self.eval(candidate)?;
                    if list.iter().any(|item| ops::equal(item, &candidate)) {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(Value::Bool(false))
            }
            Expr::Call(builtin, args) => self.call(*builtin, args),
            Expr::Round(x, mode) => {
                let x = self.eval(x)?;
                self.check(ops::round(&x, *mode))
            }
            Expr::List(items) => self.list_literal(items),
            Expr::Quantified {
                quantifier,
                slot,
                list,
                body,
                zero,
            } => self.quantified(*quantifier, *slot, list, body, zero.as_ref()),
            Expr::Field {
                record,
                index,
                unknown,
                optional,
            } => self.record_field(record, *index, *unknown, *optional),
            Expr::AsOf { expr, date } => {
                let date = self.eval_date(date)?;
                self.as_of(expr, date)
            }
            Expr::Eligible(d) => {
                self.decided_at_decision_date(*d)?;
                match self.eligibility(*d)?.0 {
                    Some(eligible) => Ok(Value::Bool(eligible)),
                    None => Err(unknown(self.eligibility_missing(*d))),
                }
            }
            Expr::DispositifOutput { dispositif, def } => {
                self.decided_at_decision_date(*dispositif)?;
                let eligible = self.eligibility(*dispositif)?.0;
                if eligible == Some(true) {
                    self.def(*def)
                } else if eligible.is_none() {
                    Err(unknown(self.eligibility_missing(*dispositif)))
                } else {
                    let output = self
                        .p
                        .dispositifs
                        .get(*dispositif as usize)
                        .and_then(|d| d.outputs.iter().find(|o| o.def == *def))
                        .map(|o| o.name.clone())
                        .or_else(|| self.p.defs.get(*def as usize).map(|d| d.name.clone()))
                        .unwrap_or_default();
                    Err(fail(EvalError::NotEligible {
                        def: self.context_name(),
                        dispositif: self.dispositif_name(*dispositif).to_owned(),
                        output,
                    }))
                }
            }
        }
    }

    fn check_cmp(&self, a: &Value, b: &Value) -> R<Ordering> {
        ops::compare(a, b).map_err(|f| self.fault(f))
    }

    fn binary(&self, op: BinOp, a: &Value, b: &Value) -> R<Value> {
        let ordered = |wanted: fn(Ordering) -> bool| -> R<Value> {
            Ok(Value::Bool(wanted(self.check_cmp(a, b)?)))
        };
        match op {
            BinOp::Add => self.check(ops::add(a, b)),
            BinOp::Sub => self.check(ops::sub(a, b)),
            BinOp::Mul => self.check(ops::mul(a, b)),
            BinOp::Div => self.check(ops::div(a, b)),
            BinOp::Eq => Ok(Value::Bool(ops::equal(a, b))),
            BinOp::Ne => Ok(Value::Bool(!ops::equal(a, b))),
            BinOp::Lt => ordered(Ordering::is_lt),
            BinOp::Le => ordered(Ordering::is_le),
            BinOp::Gt => ordered(Ordering::is_gt),
            BinOp::Ge => ordered(Ordering::is_ge),
        }
    }

    fn arg<'e>(&self, args: &'e [Expr], i: usize) -> R<&'e Expr> {
        args.get(i)
            .ok_or_else(|| self.internal("argument manquant"))
    }

    fn call(&mut self, builtin: Builtin, args: &[Expr]) -> R<Value> {
        match builtin {
            Builtin::Min | Builtin::Max | Builtin::Ceiling | Builtin::Floor => {
                let keep = if matches!(builtin, Builtin::Min | Builtin::Ceiling) {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                // Every argument is evaluated, so that all the missing facts are named; the
                // comparisons stop at the first unknown one. No allocation on the known path.
                let mut best: Option<Value> = None;
                let mut stop: Option<Box<Stop>> = None;
                let mut any_decimal = false;
                for arg in args {
                    match self.eval(arg) {
                        Ok(_) if stop.is_some() => {}
                        Ok(v) => {
                            any_decimal |= matches!(v, Value::Dec(_));
                            best = match best {
                                Some(b) if self.check_cmp(&v, &b)? != keep => Some(b),
                                _ => Some(v),
                            };
                        }
                        Err(e) if e.is_unknown() => {
                            stop = Some(match stop {
                                Some(s) => unknown::merge(s, e),
                                None => e,
                            })
                        }
                        Err(e) => return Err(e),
                    }
                }
                if let Some(stop) = stop {
                    return Err(stop);
                }
                let Some(best) = best else {
                    return Err(self.internal("argument manquant"));
                };
                match best {
                    Value::Int(i) if any_decimal => Ok(Value::Dec(Decimal::from(i))),
                    other => Ok(other),
                }
            }
            Builtin::Abs => {
                let v = self.eval(self.arg(args, 0)?)?;
                self.check(ops::abs(&v))
            }
            Builtin::Age => {
                // An age is counted in complete years (« âge révolu »): `âge > 60 ans` means
                // 61 or more, and a motif reads « 86 ans », not « 86 ans et 7 mois ».
                let (from, to) = self.eval_dates(self.arg(args, 0)?, self.arg(args, 1)?)?;
                let months = ops::complete_months(from, to);
                Ok(Value::Duration(
                    months - months.rem_euclid(12),
                    DurationFamily::Months,
                ))
            }
            Builtin::MonthsBetween => {
                let (from, to) = self.eval_dates(self.arg(args, 0)?, self.arg(args, 1)?)?;
                Ok(Value::Duration(
                    ops::complete_months(from, to),
                    DurationFamily::Months,
                ))
            }
            Builtin::DaysBetween => {
                let (from, to) = self.eval2(self.arg(args, 0)?, self.arg(args, 1)?)?;
                self.check(ops::sub(&to, &from))
            }
            Builtin::DaysBetweenInclusive => {
                let (from, to) = self.eval_dates(self.arg(args, 0)?, self.arg(args, 1)?)?;
                let days = to.signed_duration_since(from).num_days().saturating_add(1);
                Ok(Value::Duration(days, DurationFamily::Days))
            }
            Builtin::StartOfYear => {
                let d = self.eval_date(self.arg(args, 0)?)?;
                self.check(ops::start_of_year(d).map(Value::Date))
            }
            Builtin::Year => {
                let d = self.eval_date(self.arg(args, 0)?)?;
                Ok(Value::Int(i64::from(d.year())))
            }
            Builtin::DayOfMonth => {
                let d = self.eval_date(self.arg(args, 0)?)?;
                Ok(Value::Int(i64::from(d.day())))
            }
            Builtin::DaysInMonth => {
                let d = self.eval_date(self.arg(args, 0)?)?;
                let last = self.check(ops::end_of_month(d).map(Value::Date))?;
                match last {
                    Value::Date(l) => Ok(Value::Duration(i64::from(l.day()), DurationFamily::Days)),
                    _ => Err(self.internal("date attendue")),
                }
            }
            Builtin::EndOfMonth => {
                let d = self.eval_date(self.arg(args, 0)?)?;
                self.check(ops::end_of_month(d).map(Value::Date))
            }
            Builtin::StartOfNextMonth => {
                let d = self.eval_date(self.arg(args, 0)?)?;
                self.check(ops::start_of_next_month(d).map(Value::Date))
            }
            Builtin::Monthly => {
                let v = self.eval(self.arg(args, 0)?)?;
                self.check(ops::monthly(&v))
            }
            Builtin::Yearly => {
                let v = self.eval(self.arg(args, 0)?)?;
                self.check(ops::yearly(&v))
            }
            Builtin::Count => {
                let list = self.eval_list(self.arg(args, 0)?)?;
                Ok(Value::Int(i64::try_from(list.len()).unwrap_or(i64::MAX)))
            }
            Builtin::CountDistinct => {
                let list = self.eval_list(self.arg(args, 0)?)?;
                let distinct = list
                    .iter()
                    .enumerate()
                    .filter(|(i, item)| {
                        !list
                            .iter()
                            .take(*i)
                            .any(|earlier| ops::equal(earlier, item))
                    })
                    .count();
                Ok(Value::Int(i64::try_from(distinct).unwrap_or(i64::MAX)))
            }
            Builtin::IsPresent => {
                let v = self.eval(self.arg(args, 0)?)?;
                Ok(Value::Bool(!matches!(v, Value::Absent)))
            }
            Builtin::OrDefault => match self.eval(self.arg(args, 0)?)? {
                Value::Absent => self.eval(self.arg(args, 1)?),
                v => Ok(v),
            },
        }
    }
}
