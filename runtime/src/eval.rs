//! Evaluation of one dossier: memoised rules, dispositif eligibility with cumul rules, motifs
//! and outputs. Everything is reached by index; names are read only to build errors, motifs
//! and traces.

use std::cell::Cell;
use std::cmp::Ordering;
use std::mem;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::decision::{Decision, DispositifDecision, Motif, OutputValue, Shown};
use crate::error::EvalError;
use crate::ir::{
    Bareme, BaremeWant, BinOp, Builtin, DefId, DispositifId, DurationFamily, Expr, Interval,
    Message, MessagePart, ParamId, ParamValue, Program, UnOp,
};
use crate::ops::{self, Fault};
use crate::render::write_human;
use crate::trace::{ParamRead, Tracer};
use crate::validate::Layout;
use crate::value::Value;

mod as_of;
mod exceptions;

/// Errors are boxed so that evaluation results stay as small as a `Value`.
type R<T> = Result<T, Box<EvalError>>;

#[derive(Clone, Debug)]
enum Memo {
    Pending,
    InProgress,
    Done(Value),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Eligibility {
    Pending,
    InProgress,
    Done {
        eligible: bool,
        /// Index in `Layout::winners[d]` of the dispositif that excluded this one.
        excluded_by: Option<usize>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CondState {
    Pending,
    Held,
    Failed,
    /// Its evaluation failed after an earlier condition already failed: not a motif.
    Skipped,
}

pub(crate) struct Eval<'a, T: Tracer> {
    p: &'a Program,
    layout: &'a Layout,
    inputs: &'a [Value],
    date: NaiveDate,
    /// The decision date while an `au` expression is evaluated at `date`.
    decision_date: Option<NaiveDate>,
    memo: Vec<Memo>,
    locals: Vec<Value>,
    eligibility: Vec<Eligibility>,
    conditions: Vec<CondState>,
    /// The rule being computed, to name it in errors.
    current: Option<DefId>,
    /// The dispositif being decided, named in errors raised outside any rule.
    deciding: Option<DispositifId>,
    rules_computed: u32,
    tracer: T,
}

/// The per-decision state arrays, kept between the decisions of a thread: deciding then
/// allocates only what the decision returns.
#[derive(Default)]
struct Scratch {
    memo: Vec<Memo>,
    locals: Vec<Value>,
    eligibility: Vec<Eligibility>,
    conditions: Vec<CondState>,
}

thread_local! {
    static SCRATCH: Cell<Scratch> = Cell::new(Scratch::default());
}

impl<T: Tracer> Drop for Eval<'_, T> {
    fn drop(&mut self) {
        // Emptied now, so that no dossier value outlives its decision.
        let mut scratch = Scratch {
            memo: mem::take(&mut self.memo),
            locals: mem::take(&mut self.locals),
            eligibility: mem::take(&mut self.eligibility),
            conditions: mem::take(&mut self.conditions),
        };
        scratch.memo.clear();
        scratch.locals.clear();
        scratch.eligibility.clear();
        scratch.conditions.clear();
        // `try_with`: a decision made while the thread shuts down simply frees its arrays.
        let _ = SCRATCH.try_with(|cell| cell.set(scratch));
    }
}

impl<'a, T: Tracer> Eval<'a, T> {
    pub(crate) fn new(
        p: &'a Program,
        layout: &'a Layout,
        inputs: &'a [Value],
        date: NaiveDate,
        tracer: T,
    ) -> Self {
        let mut scratch = SCRATCH.with(Cell::take);
        scratch.memo.resize(p.defs.len(), Memo::Pending);
        scratch.locals.resize(layout.locals, Value::Absent);
        scratch
            .eligibility
            .resize(p.dispositifs.len(), Eligibility::Pending);
        scratch
            .conditions
            .resize(layout.condition_count, CondState::Pending);
        Eval {
            p,
            layout,
            inputs,
            date,
            decision_date: None,
            memo: scratch.memo,
            locals: scratch.locals,
            eligibility: scratch.eligibility,
            conditions: scratch.conditions,
            current: None,
            deciding: None,
            rules_computed: 0,
            tracer,
        }
    }

    /// Decides every dispositif, or those of `only`, in program order.
    pub(crate) fn decide(
        mut self,
        program: Arc<Program>,
        only: Option<&[DispositifId]>,
    ) -> Result<Decision, EvalError> {
        let p = self.p;
        let mut dispositifs = Vec::with_capacity(p.dispositifs.len());
        for index in 0..p.dispositifs.len() {
            let d = u32::try_from(index).unwrap_or(u32::MAX);
            if only.is_some_and(|only| !only.contains(&d)) {
                continue;
            }
            self.deciding = Some(d);
            // One dispositif that cannot be decided (a parameter without a version at this
            // date…) must not hide the decisions on the others.
            let decided = match self.dispositif(d) {
                Ok(decided) => decided,
                Err(e) => {
                    let names = self.layout.names.get(index);
                    DispositifDecision::undecided(
                        names.map_or_else(|| Arc::from(""), |n| n.id.clone()),
                        names.and_then(|n| n.title.clone()),
                        *e,
                    )
                }
            };
            dispositifs.push(decided);
        }
        Ok(Decision::new(
            program,
            self.layout.ruleset.clone(),
            self.date,
            dispositifs,
            self.rules_computed,
        ))
    }

    fn dispositif(&mut self, d: DispositifId) -> R<DispositifDecision> {
        let p = self.p;
        let (disp, names, offset) = match (
            p.dispositifs.get(d as usize),
            self.layout.names.get(d as usize),
            self.layout.condition_offsets.get(d as usize),
        ) {
            (Some(disp), Some(names), Some(offset)) => (disp, names, *offset),
            _ => return Err(self.internal("dispositif inconnu")),
        };
        let (eligible, excluded_by) = self.eligibility(d)?;

        let mut motifs = Vec::with_capacity(disp.conditions.len() + 1);
        for (i, (condition, template)) in disp.conditions.iter().zip(&names.conditions).enumerate()
        {
            let held = match self.conditions.get(offset + i) {
                Some(CondState::Held) => true,
                Some(CondState::Failed) => false,
                Some(CondState::Skipped) => continue,
                _ => return Err(self.internal("condition non évaluée")),
            };
            let values = self.message_values(&condition.message);
            motifs.push(Motif::condition(template.clone(), held, values));
        }
        if let Some(w) = excluded_by {
            let (Some(id), Some(message)) =
                (names.cumul_motifs.get(w), names.cumul_messages.get(w))
            else {
                return Err(self.internal("règle de cumul inconnue"));
            };
            motifs.push(Motif::cumul(id.clone(), message.clone()));
        }

        let mut valeurs = Vec::new();
        if eligible {
            valeurs.reserve_exact(disp.outputs.len());
            for (output, name) in disp.outputs.iter().zip(&names.outputs) {
                valeurs.push(OutputValue {
                    name: name.clone(),
                    value: self.def(output.def)?,
                    ty: output.ty.clone(),
                });
            }
        }

        Ok(DispositifDecision {
            id: names.id.clone(),
            title: names.title.clone(),
            eligible,
            valeurs,
            motifs,
            trace: self.tracer.entries(p, &disp.trace_defs),
            erreur: None,
        })
    }

    /// Eligibility of `d` (memoised): all conditions, evaluated in order, then the cumul rules.
    fn eligibility(&mut self, d: DispositifId) -> R<(bool, Option<usize>)> {
        match self.eligibility.get(d as usize) {
            Some(Eligibility::Done {
                eligible,
                excluded_by,
            }) => return Ok((*eligible, *excluded_by)),
            Some(Eligibility::InProgress) => {
                return Err(Box::new(EvalError::CumulCycle {
                    dispositif: self.dispositif_name(d).to_owned(),
                }))
            }
            Some(Eligibility::Pending) => {}
            None => return Err(self.internal("dispositif inconnu")),
        }
        self.set_eligibility(d, Eligibility::InProgress);
        let result = self.compute_eligibility(d);
        let state = match result {
            Ok((eligible, excluded_by)) => Eligibility::Done {
                eligible,
                excluded_by,
            },
            Err(_) => Eligibility::Pending,
        };
        self.set_eligibility(d, state);
        result
    }

    fn set_eligibility(&mut self, d: DispositifId, state: Eligibility) {
        if let Some(slot) = self.eligibility.get_mut(d as usize) {
            *slot = state;
        }
    }

    fn compute_eligibility(&mut self, d: DispositifId) -> R<(bool, Option<usize>)> {
        let p = self.p;
        let layout = self.layout;
        let (Some(disp), Some(offset)) = (
            p.dispositifs.get(d as usize),
            layout.condition_offsets.get(d as usize),
        ) else {
            return Err(self.internal("dispositif inconnu"));
        };
        let mut failed = false;
        for (i, condition) in disp.conditions.iter().enumerate() {
            let outcome = match self.def(condition.def) {
                Ok(Value::Bool(held)) => Ok(held),
                Ok(Value::Absent) => Err(Box::new(EvalError::AbsentValue {
                    def: def_name(p, condition.def),
                })),
                Ok(_) => Err(Box::new(EvalError::Internal {
                    def: def_name(p, condition.def),
                    detail: "condition non booléenne".to_owned(),
                })),
                Err(e) => Err(e),
            };
            let state = match outcome {
                Ok(true) => CondState::Held,
                Ok(false) => {
                    failed = true;
                    CondState::Failed
                }
                // The premises of this condition did not hold: it does not decide anything.
                Err(_) if failed => CondState::Skipped,
                Err(e) => return Err(e),
            };
            if let Some(slot) = self.conditions.get_mut(offset + i) {
                *slot = state;
            }
        }
        if failed {
            return Ok((false, None));
        }
        let winners = layout
            .winners
            .get(d as usize)
            .map_or(&[][..], Vec::as_slice);
        for (i, winner) in winners.iter().enumerate() {
            if self.eligibility(*winner)?.0 {
                return Ok((false, Some(i)));
            }
        }
        Ok((true, None))
    }

    /// The values a motif's message shows, rendered only when the message is read. A value that
    /// cannot be computed is kept as `None` (« non calculable ») rather than failing a decision
    /// that its conditions already settled. Constants were rendered with the template.
    fn message_values(&mut self, message: &Message) -> Shown {
        let mut values = Shown::default();
        for part in &message.parts {
            if let MessagePart::Value(expr, _) = part {
                if !matches!(expr, Expr::Const(_)) {
                    values.push(self.eval(expr).ok());
                }
            }
        }
        values
    }

    /// A rule's value, computed at most once per dossier. Most reads find it computed.
    #[inline]
    fn def(&mut self, id: DefId) -> R<Value> {
        self.tracer.used_def(id);
        match self.memo.get(id as usize) {
            Some(Memo::Done(v)) => Ok(v.clone()),
            _ => self.compute_def(id),
        }
    }

    #[inline(never)]
    fn compute_def(&mut self, id: DefId) -> R<Value> {
        let p = self.p;
        let Some(def) = p.defs.get(id as usize) else {
            return Err(self.internal("règle inconnue"));
        };
        match self.memo.get(id as usize) {
            Some(Memo::Done(v)) => return Ok(v.clone()),
            Some(Memo::InProgress) => {
                return Err(Box::new(EvalError::Cycle {
                    def: def.name.clone(),
                }))
            }
            Some(Memo::Pending) => {}
            None => return Err(self.internal("règle inconnue")),
        }
        self.set_memo(id, Memo::InProgress);
        let caller = self.current.replace(id);
        self.tracer.enter_def(id);
        let result = self.compute(def);
        self.current = caller;
        match result {
            Ok((value, exception)) => {
                self.rules_computed += 1;
                self.tracer.exit_def(id, &value, exception);
                self.set_memo(id, Memo::Done(value.clone()));
                Ok(value)
            }
            Err(e) => {
                self.tracer.abort_def();
                self.set_memo(id, Memo::Pending);
                Err(e)
            }
        }
    }

    #[inline]
    fn set_memo(&mut self, id: DefId, state: Memo) {
        if let Some(slot) = self.memo.get_mut(id as usize) {
            *slot = state;
        }
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

    fn fault(&self, fault: Fault) -> Box<EvalError> {
        let def = self.context_name();
        Box::new(match fault {
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

    fn internal(&self, detail: &str) -> Box<EvalError> {
        Box::new(EvalError::Internal {
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

    /// Leaves are read in place: about half the nodes of a rule are constants, inputs and
    /// locals, and reading one costs less than the call that `eval_node` would be.
    #[inline(always)]
    fn eval(&mut self, e: &Expr) -> R<Value> {
        match e {
            Expr::Const(v) => Ok(v.clone()),
            Expr::Local(slot) => match self.locals.get(*slot as usize) {
                Some(v) => Ok(v.clone()),
                None => Err(self.internal("variable locale inconnue")),
            },
            Expr::Input(slot) => {
                self.tracer.read_input(*slot);
                match self.inputs.get(*slot as usize) {
                    Some(v) => Ok(v.clone()),
                    None => Err(self.internal("donnée du dossier manquante")),
                }
            }
            _ => self.eval_node(e),
        }
    }

    fn eval_node(&mut self, e: &Expr) -> R<Value> {
        match e {
            Expr::Const(v) => Ok(v.clone()),
            Expr::Input(slot) => {
                self.tracer.read_input(*slot);
                match self.inputs.get(*slot as usize) {
                    Some(v) => Ok(v.clone()),
                    None => Err(self.internal("donnée du dossier manquante")),
                }
            }
            Expr::Def(id) => self.def(*id),
            Expr::Local(slot) => match self.locals.get(*slot as usize) {
                Some(v) => Ok(v.clone()),
                None => Err(self.internal("variable locale inconnue")),
            },
            Expr::Let { slot, value, body } => {
                let v = self.eval(value)?;
                // Saved and restored: a rule computed inside `body` may reuse the same slot.
                let saved = match self.locals.get_mut(*slot as usize) {
                    Some(target) => mem::replace(target, v),
                    None => return Err(self.internal("variable locale inconnue")),
                };
                let result = self.eval(body);
                if let Some(target) = self.locals.get_mut(*slot as usize) {
                    *target = saved;
                }
                result
            }
            Expr::DecisionDate => Ok(Value::Date(self.date)),
            Expr::Param { param, at } => {
                let date = self.at(at)?;
                self.param(*param, date)
            }
            Expr::TableGet { param, key, at } => {
                let key = self.eval(key)?;
                let date = self.at(at)?;
                self.table_get(*param, &key, date)
            }
            Expr::Bareme {
                bareme,
                x,
                column,
                at,
                want,
            } => {
                let x = self.eval(x)?;
                let column = match column {
                    Some(c) => Some(self.eval(c)?),
                    None => None,
                };
                let date = self.at(at)?;
                self.bareme(*bareme, &x, column.as_ref(), date, *want)
            }
            Expr::Unary(UnOp::Neg, a) => {
                let a = self.eval(a)?;
                self.check(ops::neg(&a))
            }
            Expr::Unary(UnOp::Not, a) => Ok(Value::Bool(!self.eval_bool(a)?)),
            Expr::Binary(op, a, b) => {
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                self.binary(*op, &a, &b)
            }
            Expr::And(a, b) => Ok(Value::Bool(self.eval_bool(a)? && self.eval_bool(b)?)),
            Expr::Or(a, b) => Ok(Value::Bool(self.eval_bool(a)? || self.eval_bool(b)?)),
            Expr::If(c, a, b) => {
                if self.eval_bool(c)? {
                    self.eval(a)
                } else {
                    self.eval(b)
                }
            }
            Expr::InRange { x, lo, hi } => {
                let x = self.eval(x)?;
                let lo = self.eval(lo)?;
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
                let list = self.eval_list(list)?;
                let x = self.eval(x)?;
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
            Expr::AsOf { expr, date } => {
                let date = self.eval_date(date)?;
                self.as_of(expr, date)
            }
            Expr::Eligible(d) => {
                self.decided_at_decision_date(*d)?;
                Ok(Value::Bool(self.eligibility(*d)?.0))
            }
            Expr::DispositifOutput { dispositif, def } => {
                self.decided_at_decision_date(*dispositif)?;
                if self.eligibility(*dispositif)?.0 {
                    self.def(*def)
                } else {
                    let output = self
                        .p
                        .dispositifs
                        .get(*dispositif as usize)
                        .and_then(|d| d.outputs.iter().find(|o| o.def == *def))
                        .map(|o| o.name.clone())
                        .or_else(|| self.p.defs.get(*def as usize).map(|d| d.name.clone()))
                        .unwrap_or_default();
                    Err(Box::new(EvalError::NotEligible {
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
                let mut best = self.eval(self.arg(args, 0)?)?;
                let mut any_decimal = matches!(best, Value::Dec(_));
                for arg in args.iter().skip(1) {
                    let v = self.eval(arg)?;
                    any_decimal |= matches!(v, Value::Dec(_));
                    if self.check_cmp(&v, &best)? == keep {
                        best = v;
                    }
                }
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
                let from = self.eval_date(self.arg(args, 0)?)?;
                let to = self.eval_date(self.arg(args, 1)?)?;
                let months = ops::complete_months(from, to);
                Ok(Value::Duration(
                    months - months.rem_euclid(12),
                    DurationFamily::Months,
                ))
            }
            Builtin::MonthsBetween => {
                let from = self.eval_date(self.arg(args, 0)?)?;
                let to = self.eval_date(self.arg(args, 1)?)?;
                Ok(Value::Duration(
                    ops::complete_months(from, to),
                    DurationFamily::Months,
                ))
            }
            Builtin::DaysBetween => {
                let from = self.eval(self.arg(args, 0)?)?;
                let to = self.eval(self.arg(args, 1)?)?;
                self.check(ops::sub(&to, &from))
            }
            Builtin::StartOfYear => {
                let d = self.eval_date(self.arg(args, 0)?)?;
                self.check(ops::start_of_year(d).map(Value::Date))
            }
            Builtin::Year => {
                let d = self.eval_date(self.arg(args, 0)?)?;
                Ok(Value::Int(i64::from(d.year())))
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

    fn param(&mut self, id: ParamId, date: NaiveDate) -> R<Value> {
        let Some(param) = self.p.params.get(id as usize) else {
            return Err(self.internal("paramètre inconnu"));
        };
        let Some(version) = find_version(param.versions.iter().map(|v| (v.from, v.until)), date)
        else {
            return Err(Box::new(EvalError::NoParamVersion {
                param: param.name.clone(),
                date,
            }));
        };
        match param.versions.get(version).map(|v| &v.value) {
            Some(ParamValue::Scalar(value)) => {
                self.tracer
                    .read_param(ParamRead::Scalar { param: id, version });
                Ok(value.clone())
            }
            _ => Err(self.internal("table lue sans clé")),
        }
    }

    fn table_get(&mut self, id: ParamId, key: &Value, date: NaiveDate) -> R<Value> {
        let Some(param) = self.p.params.get(id as usize) else {
            return Err(self.internal("paramètre inconnu"));
        };
        let Some(version) = find_version(param.versions.iter().map(|v| (v.from, v.until)), date)
        else {
            return Err(Box::new(EvalError::NoParamVersion {
                param: param.name.clone(),
                date,
            }));
        };
        let Some(ParamValue::Table(entries)) = param.versions.get(version).map(|v| &v.value) else {
            return Err(self.internal("paramètre simple lu comme une table"));
        };
        match entries.iter().position(|(k, _)| ops::equal(k, key)) {
            Some(entry) => {
                self.tracer.read_param(ParamRead::Table {
                    param: id,
                    version,
                    entry,
                });
                entries
                    .get(entry)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| self.internal("entrée de table"))
            }
            None => {
                let key_ty = param.key_ty.clone().unwrap_or(crate::ir::Ty::Text);
                let mut rendered = String::from("la clé ");
                write_human(&mut rendered, key, &key_ty, &self.p.enums);
                Err(Box::new(EvalError::MissingTableKey {
                    param: param.name.clone(),
                    key: rendered,
                    date,
                }))
            }
        }
    }

    fn bareme(
        &mut self,
        id: u32,
        x: &Value,
        column: Option<&Value>,
        date: NaiveDate,
        want: BaremeWant,
    ) -> R<Value> {
        let p = self.p;
        let Some(bareme) = p.baremes.get(id as usize) else {
            return Err(self.internal("barème inconnu"));
        };
        let x_dec = match x {
            Value::Int(i) => Decimal::from(*i),
            Value::Dec(d) => *d,
            Value::Absent => return Err(self.fault(Fault::Absent)),
            _ => return Err(self.internal("nombre attendu pour le barème")),
        };
        let column = match (bareme.columns, column) {
            (None, None) => None,
            (Some(e), Some(Value::Enum { ty, variant })) if *ty == e => Some(*variant),
            (Some(_), Some(Value::Absent)) => return Err(self.fault(Fault::Absent)),
            _ => return Err(self.internal("colonne du barème incohérente")),
        };
        let Some(version) = find_version(bareme.versions.iter().map(|v| (v.from, v.until)), date)
        else {
            return Err(Box::new(EvalError::NoParamVersion {
                param: bareme.name.clone(),
                date,
            }));
        };
        let rows = bareme.versions.get(version).map_or(&[][..], |v| &v.rows);
        let column_index = column.unwrap_or(0) as usize;
        let found = rows.iter().position(|row| {
            row.intervals
                .get(column_index)
                .is_some_and(|interval| contains(interval, x_dec))
        });
        let Some((row_index, row)) = found.and_then(|i| rows.get(i).map(|r| (i, r))) else {
            return Err(Box::new(no_tranche(bareme, x, date, &p.enums)));
        };
        self.tracer.read_param(ParamRead::Bareme {
            bareme: id,
            version,
            row: row_index,
            column,
        });
        Ok(match want {
            BaremeWant::Value => row.value.clone(),
            BaremeWant::TrancheNumber => Value::Int(i64::from(row.number)),
        })
    }
}

fn def_name(p: &Program, id: DefId) -> String {
    p.defs
        .get(id as usize)
        .map_or_else(String::new, |d| d.name.clone())
}

fn no_tranche(
    bareme: &Bareme,
    x: &Value,
    date: NaiveDate,
    enums: &[crate::ir::EnumDef],
) -> EvalError {
    let mut rendered = String::new();
    write_human(&mut rendered, x, &bareme.input_ty, enums);
    EvalError::NoTranche {
        bareme: bareme.name.clone(),
        x: rendered,
        date,
    }
}

fn contains(interval: &Interval, x: Decimal) -> bool {
    let above = if interval.lower_inclusive {
        x >= interval.lower
    } else {
        x > interval.lower
    };
    let below = match interval.upper {
        None => true,
        Some((upper, true)) => x <= upper,
        Some((upper, false)) => x < upper,
    };
    above && below
}

/// The version in force at `date`; versions are sorted by start date (checked by the engine).
fn find_version(
    versions: impl DoubleEndedIterator<Item = (NaiveDate, Option<NaiveDate>)> + ExactSizeIterator,
    date: NaiveDate,
) -> Option<usize> {
    let count = versions.len();
    let (back, (_, until)) = versions
        .rev()
        .enumerate()
        .find(|(_, (from, _))| *from <= date)?;
    if until.is_some_and(|u| date > u) {
        return None;
    }
    Some(count - 1 - back)
}
