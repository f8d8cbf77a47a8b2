//! Evaluating the plan's nodes for one dossier. Two-valued: a result is a value or a bail.
//! Short-circuits, the order of evaluation and what is memoised mirror `eval/mod.rs` on known
//! values, so that the same rules are computed (`rules_computed`) and the same values found.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::mem;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::value::{back, binary, cmp_dec, compare, equal, round, Text, V};
use super::{Bail, Node, Plan, PlanDef, R};
use crate::ir::{BinOp, Builtin, DurationFamily, Program};
use crate::ops;
use crate::validate::Layout;
use crate::value::Value;

/// A dispositif's eligibility, memoised for one decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Eligibility {
    Pending,
    InProgress,
    /// Eligible or not, and the index in `Layout::winners` of the winner that excluded it.
    Done(bool, Option<usize>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CondState {
    Pending,
    Held,
    Failed,
}

/// One rule's memo: computed in this decision when `done` is the decision's generation, in
/// progress when `busy` is.
#[derive(Clone, Copy, Debug)]
pub(super) struct Memo {
    done: u32,
    busy: u32,
    value: V,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            done: 0,
            busy: 0,
            value: V::Absent,
        }
    }
}

/// The per-decision arrays, kept per thread between decisions. A rule is computed in this
/// decision when its `done` stamp equals `generation`: starting a decision bumps the counter
/// instead of resetting the memo.
#[derive(Default)]
pub(super) struct Scratch {
    generation: u32,
    memo: Vec<Memo>,
    locals: Vec<V>,
    eligibility: Vec<Eligibility>,
    conditions: Vec<CondState>,
    /// Stacks of the exceptions being chosen (nested through the rules they read).
    held: Vec<bool>,
    resolved: Vec<Option<V>>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch, ready for a decision with `p`; with a scratch of its
/// own should the thread's be in use or gone. `None` only if `f` could not run at all.
pub(super) fn with_scratch<T>(
    p: &Program,
    layout: &Layout,
    f: impl FnOnce(&mut Scratch) -> T,
) -> Option<T> {
    let mut f = Some(f);
    let mut run = |s: &mut Scratch| {
        s.prepare(p, layout);
        f.take().map(|f| f(s))
    };
    let shared = SCRATCH.try_with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => run(&mut s),
        Err(_) => run(&mut Scratch::default()),
    });
    match shared {
        Ok(done) => done,
        Err(_) => run(&mut Scratch::default()),
    }
}

impl Scratch {
    /// Sized for `p`, every rule pending (a new generation), every state reset.
    fn prepare(&mut self, p: &Program, layout: &Layout) {
        let s = self;
        if s.memo.len() != p.defs.len() {
            s.memo.clear();
            s.memo.resize(p.defs.len(), Memo::default());
            s.generation = 0;
        }
        s.generation = match s.generation.checked_add(1) {
            Some(g) => g,
            None => {
                s.memo.fill(Memo::default());
                1
            }
        };
        if s.locals.len() != layout.locals {
            s.locals.clear();
            s.locals.resize(layout.locals, V::Absent);
        }
        if s.eligibility.len() == p.dispositifs.len() {
            s.eligibility.fill(Eligibility::Pending);
        } else {
            s.eligibility.clear();
            s.eligibility
                .resize(p.dispositifs.len(), Eligibility::Pending);
        }
        if s.conditions.len() == layout.condition_count {
            s.conditions.fill(CondState::Pending);
        } else {
            s.conditions.clear();
            s.conditions
                .resize(layout.condition_count, CondState::Pending);
        }
    }

    /// After a decision that bailed: no local may keep a value, no exception stack an entry.
    pub(super) fn after_bail(&mut self) {
        self.locals.fill(V::Absent);
        self.held.clear();
        self.resolved.clear();
    }
}

pub(super) struct Exec<'a> {
    pub(super) plan: &'a Plan,
    pub(super) p: &'a Program,
    pub(super) layout: &'a Layout,
    inputs: &'a [Value],
    unknown_inputs: &'a [u64],
    date: NaiveDate,
    /// The scratch's arrays, borrowed one by one: the memo is one load away.
    memo: &'a mut [Memo],
    generation: u32,
    locals: &'a mut [V],
    pub(super) eligibility: &'a mut [Eligibility],
    pub(super) conditions: &'a mut [CondState],
    held: &'a mut Vec<bool>,
    resolved: &'a mut Vec<Option<V>>,
    pub(super) rules_computed: u32,
}

impl<'a> Exec<'a> {
    pub(super) fn new(
        plan: &'a Plan,
        p: &'a Program,
        layout: &'a Layout,
        inputs: &'a [Value],
        unknown_inputs: &'a [u64],
        date: NaiveDate,
        s: &'a mut Scratch,
    ) -> Self {
        let Scratch {
            generation,
            memo,
            locals,
            eligibility,
            conditions,
            held,
            resolved,
        } = s;
        Exec {
            plan,
            p,
            layout,
            inputs,
            unknown_inputs,
            date,
            memo,
            generation: *generation,
            locals,
            eligibility,
            conditions,
            held,
            resolved,
            rules_computed: 0,
        }
    }

    #[inline]
    pub(super) fn def(&mut self, id: u32) -> R<V> {
        let i = id as usize;
        match self.memo.get(i) {
            Some(m) if m.done == self.generation => Ok(m.value),
            _ => self.compute_def(i),
        }
    }

    /// A constant rule: its first read in this decision counts it as computed, as
    /// `compute_def` would.
    #[inline]
    fn const_def(&mut self, id: u32, v: V) -> R<V> {
        let generation = self.generation;
        let m = self.memo.get_mut(id as usize).ok_or(Bail)?;
        if m.done != generation {
            m.done = generation;
            m.value = v;
            self.rules_computed += 1;
        }
        Ok(v)
    }

    #[inline(never)]
    fn compute_def(&mut self, i: usize) -> R<V> {
        let generation = self.generation;
        match self.memo.get_mut(i) {
            // A cycle: the reference names it.
            Some(m) if m.busy == generation => return Err(Bail),
            Some(m) => m.busy = generation,
            None => return Err(Bail),
        }
        let plan = self.plan;
        let def = plan.defs.get(i).ok_or(Bail)?;
        let value = if def.exceptions.is_empty() {
            self.eval(&def.expr)?
        } else {
            self.exceptions(def)?
        };
        self.rules_computed += 1;
        if let Some(m) = self.memo.get_mut(i) {
            m.done = generation;
            m.value = value;
        }
        Ok(value)
    }

    /// A rule without exceptions that only one place reads, once per decision: computed and
    /// counted as `compute_def` would, without checking nor filling its memo.
    #[inline]
    pub(super) fn compute_once(&mut self, id: u32) -> R<V> {
        let plan = self.plan;
        let def = plan.defs.get(id as usize).ok_or(Bail)?;
        let value = self.eval(&def.expr)?;
        self.rules_computed += 1;
        Ok(value)
    }

    /// `eval/exceptions.rs` on known values: a conflict between siblings bails. Kept out of
    /// `compute_def`, whose every call would otherwise save and restore the registers it uses.
    #[inline(never)]
    fn exceptions(&mut self, def: &PlanDef) -> R<V> {
        let branches = &def.exceptions;
        let n = branches.len();
        let held_base = self.held.len();
        for branch in branches {
            let parent_held = match branch.parent {
                None => true,
                Some(p) => self
                    .held
                    .get(held_base + p as usize)
                    .copied()
                    .unwrap_or(false),
            };
            let held = parent_held && self.eval_bool(&branch.condition)?;
            self.held.push(held);
        }
        let base = self.resolved.len();
        self.resolved.resize(base + n + 1, None);
        for (i, branch) in branches.iter().enumerate().rev() {
            if !self.held.get(held_base + i).copied().unwrap_or(false) {
                continue;
            }
            let own = self.resolved.get_mut(base + i).and_then(Option::take);
            let value = match own {
                Some(v) => v,
                None => self.eval(&branch.value)?,
            };
            let slot = branch.parent.map_or(n, |p| p as usize);
            if slot > n {
                return Err(Bail);
            }
            if let Some(other) = self.resolved.get(base + slot).copied().flatten() {
                if !(self.equal(other, value) || other == value) {
                    return Err(Bail);
                }
            }
            *self.resolved.get_mut(base + slot).ok_or(Bail)? = Some(value);
        }
        let chosen = self.resolved.get(base + n).copied().flatten();
        self.held.truncate(held_base);
        self.resolved.truncate(base);
        match chosen {
            Some(v) => Ok(v),
            None => self.eval(&def.expr),
        }
    }

    /// A dossier field: absent and unknown bails (the reference names the missing fact).
    #[inline(always)]
    fn input(&self, slot: u32) -> R<V> {
        match self.inputs.get(slot as usize) {
            Some(Value::Absent) if self.is_unknown_input(slot) => Err(Bail),
            Some(Value::Text(_)) => Ok(V::Text(Text::Input(slot))),
            Some(v) => V::of(v).ok_or(Bail),
            None => Err(Bail),
        }
    }

    /// A dossier field as the reference's value, read in place (a motif shows it as given).
    #[inline]
    pub(super) fn input_ref(&self, slot: u32) -> R<&'a Value> {
        match self.inputs.get(slot as usize) {
            Some(Value::Absent) if self.is_unknown_input(slot) => Err(Bail),
            Some(v) => Ok(v),
            None => Err(Bail),
        }
    }

    fn text(&self, t: Text) -> Option<&str> {
        match t {
            Text::Const(i) => self.plan.texts.get(i as usize).map(|s| &**s),
            Text::Input(slot) => match self.inputs.get(slot as usize) {
                Some(Value::Text(s)) => Some(s),
                _ => None,
            },
        }
    }

    /// `ops::equal`, texts included.
    #[inline]
    pub(super) fn equal(&self, a: V, b: V) -> bool {
        match (a, b) {
            (V::Text(x), V::Text(y)) => self.text(x).is_some_and(|x| self.text(y) == Some(x)),
            _ => equal(a, b),
        }
    }

    /// `ops::equal` between an element of a dossier list and a plan value.
    fn equal_item(&self, item: &Value, x: V) -> bool {
        match (item, x) {
            (Value::Text(s), V::Text(t)) => self.text(t) == Some(&**s),
            _ => V::of(item).is_some_and(|v| equal(v, x)),
        }
    }

    /// The reference's value of `v`: a text shares its allocation.
    pub(super) fn value(&self, v: V) -> R<Value> {
        match v {
            V::Text(Text::Const(i)) => self
                .plan
                .texts
                .get(i as usize)
                .cloned()
                .map(Value::Text)
                .ok_or(Bail),
            V::Text(Text::Input(slot)) => match self.inputs.get(slot as usize) {
                Some(text @ Value::Text(_)) => Ok(text.clone()),
                _ => Err(Bail),
            },
            other => plain(other),
        }
    }

    /// A binary operation; equality reads texts.
    #[inline]
    fn binary(&self, op: BinOp, a: V, b: V) -> R<V> {
        match (op, a) {
            (BinOp::Eq, V::Text(_)) => Ok(V::Bool(self.equal(a, b))),
            (BinOp::Ne, V::Text(_)) => Ok(V::Bool(!self.equal(a, b))),
            _ => binary(op, a, b),
        }
    }

    /// A list read from the dossier, in place; absent (unknown or not) bails.
    fn list_input(&self, slot: u32) -> R<&'a [Value]> {
        match self.inputs.get(slot as usize) {
            Some(Value::List(items)) => Ok(items),
            _ => Err(Bail),
        }
    }

    fn is_unknown_input(&self, slot: u32) -> bool {
        self.unknown_inputs
            .get((slot / 64) as usize)
            .is_some_and(|word| word >> (slot % 64) & 1 == 1)
    }

    #[inline]
    pub(super) fn eval_bool(&mut self, n: &Node) -> R<bool> {
        match self.eval(n)? {
            V::Bool(b) => Ok(b),
            _ => Err(Bail),
        }
    }

    fn eval_date(&mut self, n: &Node) -> R<NaiveDate> {
        match self.eval(n)? {
            V::Date(d) => Ok(d),
            _ => Err(Bail),
        }
    }

    fn at(&mut self, at: &Option<Box<Node>>) -> R<NaiveDate> {
        match at {
            Some(n) => self.eval_date(n),
            None => Ok(self.date),
        }
    }

    pub(super) fn eval(&mut self, n: &Node) -> R<V> {
        match n {
            Node::Const(v) => Ok(*v),
            Node::Input(slot) => self.input(*slot),
            Node::Def(id) => self.def(*id),
            Node::ConstDef(id, v) => self.const_def(*id, *v),
            Node::Local(slot) => self.locals.get(*slot as usize).copied().ok_or(Bail),
            Node::InputCmpInt(op, slot, k) => match self.input(*slot)? {
                V::Int(x) => Ok(V::Bool(holds(*op, x.cmp(k)))),
                a => self.binary(*op, a, V::Int(*k)),
            },
            Node::InputConst(op, slot, k) => {
                let a = self.input(*slot)?;
                self.binary(*op, a, *k)
            }
            Node::BinConst(op, a, k) => {
                let a = self.eval(a)?;
                self.binary(*op, a, *k)
            }
            Node::Binary(op, a, b) => {
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                self.binary(*op, a, b)
            }
            Node::And(a, b) => Ok(V::Bool(self.eval_bool(a)? && self.eval_bool(b)?)),
            Node::Or(a, b) => Ok(V::Bool(self.eval_bool(a)? || self.eval_bool(b)?)),
            Node::If(c, a, b) => {
                let taken = if self.eval_bool(c)? { a } else { b };
                match **taken {
                    // A constant branch (`si … alors 0`) needs no call.
                    Node::Const(v) => Ok(v),
                    _ => self.eval(taken),
                }
            }
            Node::Not(a) => Ok(V::Bool(!self.eval_bool(a)?)),
            _ => self.eval_rare(n),
        }
    }

    #[inline(never)]
    fn eval_rare(&mut self, n: &Node) -> R<V> {
        match n {
            Node::Let(slot, value, body) => {
                let v = self.eval(value)?;
                let target = self.locals.get_mut(*slot as usize).ok_or(Bail)?;
                let saved = mem::replace(target, v);
                let result = self.eval(body);
                if let Some(target) = self.locals.get_mut(*slot as usize) {
                    *target = saved;
                }
                result
            }
            Node::ConstRules(rules, v) => {
                for (id, value) in rules.iter() {
                    self.const_def(*id, *value)?;
                }
                Ok(*v)
            }
            Node::DecisionDate => Ok(V::Date(self.date)),
            Node::Param(id, at) => {
                let date = self.at(at)?;
                self.param(*id, date)
            }
            Node::TableGet(id, key, at) => {
                let key = self.eval(key)?;
                let date = self.at(at)?;
                self.table_get(*id, key, date)
            }
            Node::Bareme {
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
                self.bareme(*bareme, x, column, date, *want)
            }
            Node::Neg(a) => match self.eval(a)? {
                V::Dec(d) => Ok(V::Dec(-d)),
                other => back(ops::neg(&plain(other)?)),
            },
            Node::InRange(x, lo, hi) => {
                let x = self.eval(x)?;
                let lo = self.eval(lo)?;
                let hi = self.eval(hi)?;
                let above = compare(lo, x)? != Ordering::Greater;
                let below = compare(x, hi)? != Ordering::Greater;
                Ok(V::Bool(above && below))
            }
            Node::InSet(x, set) => {
                let x = self.eval(x)?;
                for candidate in set {
                    let c = self.eval(candidate)?;
                    if self.equal(x, c) {
                        return Ok(V::Bool(true));
                    }
                }
                Ok(V::Bool(false))
            }
            Node::Call(builtin, args) => self.call(*builtin, args),
            Node::IsPresentInput(slot) => match self.inputs.get(*slot as usize) {
                Some(Value::Absent) if self.is_unknown_input(*slot) => Err(Bail),
                Some(v) => Ok(V::Bool(!matches!(v, Value::Absent))),
                None => Err(Bail),
            },
            Node::ContainsInput(slot, x) => {
                let items = self.list_input(*slot)?;
                let x = self.eval(x)?;
                Ok(V::Bool(items.iter().any(|item| self.equal_item(item, x))))
            }
            Node::ContainsAnyInput(slot, set) => {
                let items = self.list_input(*slot)?;
                for candidate in set {
                    let c = self.eval(candidate)?;
                    if items.iter().any(|item| self.equal_item(item, c)) {
                        return Ok(V::Bool(true));
                    }
                }
                Ok(V::Bool(false))
            }
            Node::CountInput(slot) => {
                let items = self.list_input(*slot)?;
                Ok(V::Int(i64::try_from(items.len()).unwrap_or(i64::MAX)))
            }
            Node::CountDistinctInput(slot) => {
                let items = self.list_input(*slot)?;
                let distinct = items
                    .iter()
                    .enumerate()
                    .filter(|(i, item)| {
                        !items
                            .iter()
                            .take(*i)
                            .any(|earlier| ops::equal(earlier, item))
                    })
                    .count();
                Ok(V::Int(i64::try_from(distinct).unwrap_or(i64::MAX)))
            }
            Node::Round(x, mode) => match self.eval(x)? {
                // `ops::round` on a decimal, without going through a `Value`.
                V::Dec(d) => Ok(V::Dec(round(d, *mode))),
                x => back(ops::round(&plain(x)?, *mode)),
            },
            Node::AsOf(expr, date) => {
                let date = self.eval_date(date)?;
                let outer = mem::replace(&mut self.date, date);
                let result = self.eval(expr);
                self.date = outer;
                result
            }
            Node::Eligible(d) => Ok(V::Bool(self.eligibility(*d)?.0)),
            Node::Output(d, def) => {
                if self.eligibility(*d)?.0 {
                    self.def(*def)
                } else {
                    Err(Bail)
                }
            }
            Node::Bail => Err(Bail),
            // The frequent nodes, should they come here.
            Node::Const(_)
            | Node::Input(_)
            | Node::Def(_)
            | Node::ConstDef(..)
            | Node::Local(_)
            | Node::BinConst(..)
            | Node::InputConst(..)
            | Node::InputCmpInt(..)
            | Node::Binary(..)
            | Node::And(..)
            | Node::Or(..)
            | Node::If(..)
            | Node::Not(_) => self.eval(n),
        }
    }

    fn arg(args: &[Node], i: usize) -> R<&Node> {
        args.get(i).ok_or(Bail)
    }

    fn dates(&mut self, args: &[Node]) -> R<(NaiveDate, NaiveDate)> {
        let from = self.eval_date(Self::arg(args, 0)?)?;
        let to = self.eval_date(Self::arg(args, 1)?)?;
        Ok((from, to))
    }

    fn call(&mut self, builtin: Builtin, args: &[Node]) -> R<V> {
        let date = |d: Result<NaiveDate, ops::Fault>| d.map(V::Date).map_err(|_| Bail);
        match builtin {
            Builtin::Min | Builtin::Max | Builtin::Ceiling | Builtin::Floor => {
                let mut extreme = Extreme::new(builtin);
                // Two decimals (`min(plan_demande, plafond)`): `Extreme` without its state,
                // the second kept when it compares as the extreme wanted, as `add` keeps it.
                if let [a, b] = args {
                    let (x, y) = (self.eval(a)?, self.eval(b)?);
                    if let (V::Dec(x), V::Dec(y)) = (x, y) {
                        return Ok(V::Dec(if cmp_dec(y, x) == extreme.keep { y } else { x }));
                    }
                    extreme.add(x)?;
                    extreme.add(y)?;
                    return extreme.finish();
                }
                for arg in args {
                    let v = self.eval(arg)?;
                    extreme.add(v)?;
                }
                extreme.finish()
            }
            Builtin::Abs => {
                let v = self.eval(Self::arg(args, 0)?)?;
                back(ops::abs(&plain(v)?))
            }
            Builtin::Age => {
                let (from, to) = self.dates(args)?;
                let months = ops::complete_months(from, to);
                Ok(V::Duration(
                    months - months.rem_euclid(12),
                    DurationFamily::Months,
                ))
            }
            Builtin::MonthsBetween => {
                let (from, to) = self.dates(args)?;
                Ok(V::Duration(
                    ops::complete_months(from, to),
                    DurationFamily::Months,
                ))
            }
            Builtin::DaysBetween => {
                let from = self.eval(Self::arg(args, 0)?)?;
                let to = self.eval(Self::arg(args, 1)?)?;
                back(ops::sub(&plain(to)?, &plain(from)?))
            }
            Builtin::DaysBetweenInclusive => {
                let (from, to) = self.dates(args)?;
                let days = to.signed_duration_since(from).num_days().saturating_add(1);
                Ok(V::Duration(days, DurationFamily::Days))
            }
            Builtin::StartOfYear => {
                let d = self.eval_date(Self::arg(args, 0)?)?;
                date(ops::start_of_year(d))
            }
            Builtin::Year => {
                let d = self.eval_date(Self::arg(args, 0)?)?;
                Ok(V::Int(i64::from(d.year())))
            }
            Builtin::DayOfMonth => {
                let d = self.eval_date(Self::arg(args, 0)?)?;
                Ok(V::Int(i64::from(d.day())))
            }
            Builtin::DaysInMonth => {
                let d = self.eval_date(Self::arg(args, 0)?)?;
                let last = ops::end_of_month(d).map_err(|_| Bail)?;
                Ok(V::Duration(i64::from(last.day()), DurationFamily::Days))
            }
            Builtin::EndOfMonth => {
                let d = self.eval_date(Self::arg(args, 0)?)?;
                date(ops::end_of_month(d))
            }
            Builtin::StartOfNextMonth => {
                let d = self.eval_date(Self::arg(args, 0)?)?;
                date(ops::start_of_next_month(d))
            }
            Builtin::Monthly => {
                let v = self.eval(Self::arg(args, 0)?)?;
                back(ops::monthly(&plain(v)?))
            }
            Builtin::Yearly => {
                let v = self.eval(Self::arg(args, 0)?)?;
                back(ops::yearly(&plain(v)?))
            }
            Builtin::Count | Builtin::CountDistinct => Err(Bail),
            Builtin::IsPresent => {
                let v = self.eval(Self::arg(args, 0)?)?;
                Ok(V::Bool(!matches!(v, V::Absent)))
            }
            Builtin::OrDefault => match self.eval(Self::arg(args, 0)?)? {
                V::Absent => self.eval(Self::arg(args, 1)?),
                v => Ok(v),
            },
        }
    }
}

/// `min`, `max`, `plafond`, `plancher` over values given one by one: kept apart so that the
/// compiler folds them over constants with the very same code.
pub(super) struct Extreme {
    keep: Ordering,
    best: Option<V>,
    any_decimal: bool,
}

impl Extreme {
    pub(super) fn new(builtin: Builtin) -> Self {
        Extreme {
            keep: if matches!(builtin, Builtin::Min | Builtin::Ceiling) {
                Ordering::Less
            } else {
                Ordering::Greater
            },
            best: None,
            any_decimal: false,
        }
    }

    #[inline]
    pub(super) fn add(&mut self, v: V) -> R<()> {
        self.any_decimal |= matches!(v, V::Dec(_));
        self.best = match self.best {
            Some(b) if compare(v, b)? != self.keep => Some(b),
            _ => Some(v),
        };
        Ok(())
    }

    pub(super) fn finish(self) -> R<V> {
        match self.best {
            Some(V::Int(i)) if self.any_decimal => Ok(V::Dec(Decimal::from(i))),
            Some(other) => Ok(other),
            None => Err(Bail),
        }
    }
}

/// Whether the comparison `op` holds for operands ordered as `ordering`.
#[inline(always)]
fn holds(op: BinOp, ordering: Ordering) -> bool {
    match op {
        BinOp::Eq => ordering.is_eq(),
        BinOp::Ne => ordering.is_ne(),
        BinOp::Lt => ordering.is_lt(),
        BinOp::Le => ordering.is_le(),
        BinOp::Gt => ordering.is_gt(),
        BinOp::Ge => ordering.is_ge(),
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => false,
    }
}

/// `ops` needs the reference's values; no operation but equality takes a text.
#[inline]
fn plain(a: V) -> R<Value> {
    a.plain().ok_or(Bail)
}
