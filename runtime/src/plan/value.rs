//! The plan's scalar value: `Copy`, no reference count. Operations take the frequent kinds
//! (two decimals, two integers) directly; every other combination goes through the reference's
//! `ops` on a `Value`, so that their semantics cannot drift apart. A fault is a bail.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Bail, R};
use crate::ir::{BinOp, DurationFamily};
use crate::ops::{self, Outcome};
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum V {
    Bool(bool),
    Int(i64),
    Dec(Decimal),
    Date(NaiveDate),
    Duration(i64, DurationFamily),
    Enum(u32, u32),
    /// A text, by where it is held: no reference count is touched until it is output.
    Text(Text),
    Absent,
}

/// Where a text value is: the plan's table of constant texts, or a dossier field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Text {
    Const(u32),
    Input(u32),
}

impl V {
    /// The plan's form of a value; `None` for texts (which need a place, see `Text`) and
    /// lists, which it does not hold.
    #[inline]
    pub(crate) fn of(v: &Value) -> Option<V> {
        Some(match v {
            Value::Bool(b) => V::Bool(*b),
            Value::Int(i) => V::Int(*i),
            Value::Dec(d) => V::Dec(*d),
            Value::Date(d) => V::Date(*d),
            Value::Duration(n, f) => V::Duration(*n, *f),
            Value::Enum { ty, variant } => V::Enum(*ty, *variant),
            Value::Absent => V::Absent,
            Value::Text(_) | Value::List(_) => return None,
        })
    }

    /// The reference's value; a text needs its place (`Exec::value`): `None`.
    #[inline]
    pub(crate) fn plain(self) -> Option<Value> {
        Some(match self {
            V::Bool(b) => Value::Bool(b),
            V::Int(i) => Value::Int(i),
            V::Dec(d) => Value::Dec(d),
            V::Date(d) => Value::Date(d),
            V::Duration(n, f) => Value::Duration(n, f),
            V::Enum(ty, variant) => Value::Enum { ty, variant },
            V::Absent => Value::Absent,
            V::Text(_) => return None,
        })
    }
}

/// `ops` needs the reference's values; no operation but equality takes a text.
#[inline]
fn plain(a: V) -> R<Value> {
    a.plain().ok_or(Bail)
}

/// A reference operation's outcome, as the plan's value.
#[inline]
pub(crate) fn back(outcome: Outcome) -> R<V> {
    outcome.ok().as_ref().and_then(V::of).ok_or(Bail)
}

/// `ops::equal` on plan values, texts aside (`Exec::equal` reads them).
#[inline]
pub(crate) fn equal(a: V, b: V) -> bool {
    match (a, b) {
        (V::Absent, _) | (_, V::Absent) => false,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Int(x), V::Int(y)) => x == y,
        (V::Dec(x), V::Dec(y)) => x == y,
        (V::Date(x), V::Date(y)) => x == y,
        (V::Duration(x, f), V::Duration(y, g)) => f == g && x == y,
        (V::Enum(t1, v1), V::Enum(t2, v2)) => t1 == t2 && v1 == v2,
        (V::Int(x), V::Dec(y)) => Decimal::from(x) == y,
        (V::Dec(x), V::Int(y)) => x == Decimal::from(y),
        _ => false,
    }
}

/// `ops::compare` on plan values; a fault (absent operand) bails.
#[inline]
pub(crate) fn compare(a: V, b: V) -> R<Ordering> {
    match (a, b) {
        (V::Int(x), V::Int(y)) => Ok(x.cmp(&y)),
        (V::Dec(x), V::Dec(y)) => Ok(x.cmp(&y)),
        (V::Date(x), V::Date(y)) => Ok(x.cmp(&y)),
        (V::Duration(x, f), V::Duration(y, g)) if f == g => Ok(x.cmp(&y)),
        (V::Int(x), V::Dec(y)) => Ok(Decimal::from(x).cmp(&y)),
        (V::Dec(x), V::Int(y)) => Ok(x.cmp(&Decimal::from(y))),
        _ => Err(Bail),
    }
}

/// A binary operation, as `Eval::binary` computes it.
#[inline]
pub(crate) fn binary(op: BinOp, a: V, b: V) -> R<V> {
    match op {
        BinOp::Eq => Ok(V::Bool(equal(a, b))),
        BinOp::Ne => Ok(V::Bool(!equal(a, b))),
        BinOp::Lt => Ok(V::Bool(compare(a, b)?.is_lt())),
        BinOp::Le => Ok(V::Bool(compare(a, b)?.is_le())),
        BinOp::Gt => Ok(V::Bool(compare(a, b)?.is_gt())),
        BinOp::Ge => Ok(V::Bool(compare(a, b)?.is_ge())),
        BinOp::Add => match (a, b) {
            (V::Dec(x), V::Dec(y)) => x.checked_add(y).map(V::Dec).ok_or(Bail),
            (V::Int(x), V::Int(y)) => x.checked_add(y).map(V::Int).ok_or(Bail),
            (V::Int(x), V::Dec(y)) => Decimal::from(x).checked_add(y).map(V::Dec).ok_or(Bail),
            (V::Dec(x), V::Int(y)) => x.checked_add(Decimal::from(y)).map(V::Dec).ok_or(Bail),
            _ => back(ops::add(&plain(a)?, &plain(b)?)),
        },
        BinOp::Sub => match (a, b) {
            (V::Dec(x), V::Dec(y)) => x.checked_sub(y).map(V::Dec).ok_or(Bail),
            (V::Int(x), V::Int(y)) => x.checked_sub(y).map(V::Int).ok_or(Bail),
            (V::Int(x), V::Dec(y)) => Decimal::from(x).checked_sub(y).map(V::Dec).ok_or(Bail),
            (V::Dec(x), V::Int(y)) => x.checked_sub(Decimal::from(y)).map(V::Dec).ok_or(Bail),
            _ => back(ops::sub(&plain(a)?, &plain(b)?)),
        },
        BinOp::Mul => match (a, b) {
            (V::Dec(x), V::Dec(y)) => x.checked_mul(y).map(V::Dec).ok_or(Bail),
            (V::Int(x), V::Int(y)) => x.checked_mul(y).map(V::Int).ok_or(Bail),
            (V::Int(x), V::Dec(y)) => Decimal::from(x).checked_mul(y).map(V::Dec).ok_or(Bail),
            (V::Dec(x), V::Int(y)) => x.checked_mul(Decimal::from(y)).map(V::Dec).ok_or(Bail),
            _ => back(ops::mul(&plain(a)?, &plain(b)?)),
        },
        BinOp::Div => match (a, b) {
            (V::Dec(x), V::Dec(y)) if !y.is_zero() => x.checked_div(y).map(V::Dec).ok_or(Bail),
            _ => back(ops::div(&plain(a)?, &plain(b)?)),
        },
    }
}
