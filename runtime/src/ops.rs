//! Pure operations on values: checked arithmetic, comparisons, calendar computations and
//! rounding. They report a `Fault` without context; the evaluator names the rule being computed.

use std::cmp::Ordering;

use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::ir::{DurationFamily, RoundMode};
use crate::value::Value;

/// Why an operation failed, before the evaluator attaches the rule's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    Overflow,
    DivisionByZero,
    DateOutOfRange,
    Absent,
    /// Operand kinds the compiler should have rejected.
    Mismatch(&'static str),
}

pub(crate) type Outcome = Result<Value, Fault>;

fn as_decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Int(i) => Some(Decimal::from(*i)),
        Value::Dec(d) => Some(*d),
        _ => None,
    }
}

/// Both operands as decimals when at least one is a decimal and the other a number.
fn mixed(a: &Value, b: &Value) -> Option<(Decimal, Decimal)> {
    Some((as_decimal(a)?, as_decimal(b)?))
}

fn absent_or(a: &Value, b: &Value, what: &'static str) -> Fault {
    if matches!(a, Value::Absent) || matches!(b, Value::Absent) {
        Fault::Absent
    } else {
        Fault::Mismatch(what)
    }
}

pub(crate) fn add(a: &Value, b: &Value) -> Outcome {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.checked_add(*y).map(Value::Int).ok_or(Fault::Overflow),
        (Value::Date(d), Value::Duration(n, f)) | (Value::Duration(n, f), Value::Date(d)) => {
            shift(*d, *n, *f).map(Value::Date)
        }
        (Value::Duration(x, f), Value::Duration(y, g)) if f == g => x
            .checked_add(*y)
            .map(|n| Value::Duration(n, *f))
            .ok_or(Fault::Overflow),
        _ => match mixed(a, b) {
            Some((x, y)) => x.checked_add(y).map(Value::Dec).ok_or(Fault::Overflow),
            None => Err(absent_or(a, b, "addition")),
        },
    }
}

pub(crate) fn sub(a: &Value, b: &Value) -> Outcome {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.checked_sub(*y).map(Value::Int).ok_or(Fault::Overflow),
        (Value::Date(d), Value::Duration(n, f)) => {
            let n = n.checked_neg().ok_or(Fault::Overflow)?;
            shift(*d, n, *f).map(Value::Date)
        }
        (Value::Date(x), Value::Date(y)) => Ok(Value::Duration(
            x.signed_duration_since(*y).num_days(),
            DurationFamily::Days,
        )),
        (Value::Duration(x, f), Value::Duration(y, g)) if f == g => x
            .checked_sub(*y)
            .map(|n| Value::Duration(n, *f))
            .ok_or(Fault::Overflow),
        _ => match mixed(a, b) {
            Some((x, y)) => x.checked_sub(y).map(Value::Dec).ok_or(Fault::Overflow),
            None => Err(absent_or(a, b, "soustraction")),
        },
    }
}

pub(crate) fn mul(a: &Value, b: &Value) -> Outcome {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.checked_mul(*y).map(Value::Int).ok_or(Fault::Overflow),
        (Value::Duration(n, f), Value::Int(k)) | (Value::Int(k), Value::Duration(n, f)) => n
            .checked_mul(*k)
            .map(|n| Value::Duration(n, *f))
            .ok_or(Fault::Overflow),
        // `26,30 €/heure × 12 heures`: a price per unit of time times a duration in that unit.
        (Value::Dec(d), Value::Duration(n, _)) | (Value::Duration(n, _), Value::Dec(d)) => d
            .checked_mul(Decimal::from(*n))
            .map(Value::Dec)
            .ok_or(Fault::Overflow),
        _ => match mixed(a, b) {
            Some((x, y)) => x.checked_mul(y).map(Value::Dec).ok_or(Fault::Overflow),
            None => Err(absent_or(a, b, "multiplication")),
        },
    }
}

/// Always a decimal, `entier / entier` included.
pub(crate) fn div(a: &Value, b: &Value) -> Outcome {
    // `jours / jours`: how many times one duration holds the other.
    let (x, y) = match (a, b) {
        (Value::Duration(n, f), Value::Duration(m, g)) if f == g => {
            (Decimal::from(*n), Decimal::from(*m))
        }
        _ => mixed(a, b).ok_or_else(|| absent_or(a, b, "division"))?,
    };
    if y.is_zero() {
        return Err(Fault::DivisionByZero);
    }
    x.checked_div(y).map(Value::Dec).ok_or(Fault::Overflow)
}

pub(crate) fn neg(a: &Value) -> Outcome {
    match a {
        Value::Int(x) => x.checked_neg().map(Value::Int).ok_or(Fault::Overflow),
        Value::Dec(d) => Ok(Value::Dec(-*d)),
        Value::Duration(n, f) => n
            .checked_neg()
            .map(|n| Value::Duration(n, *f))
            .ok_or(Fault::Overflow),
        Value::Absent => Err(Fault::Absent),
        _ => Err(Fault::Mismatch("négation")),
    }
}

pub(crate) fn abs(a: &Value) -> Outcome {
    match a {
        Value::Int(x) => x.checked_abs().map(Value::Int).ok_or(Fault::Overflow),
        Value::Dec(d) => Ok(Value::Dec(d.abs())),
        Value::Duration(n, f) => n
            .checked_abs()
            .map(|n| Value::Duration(n, *f))
            .ok_or(Fault::Overflow),
        Value::Absent => Err(Fault::Absent),
        _ => Err(Fault::Mismatch("valeur absolue")),
    }
}

/// Equality as the language defines it: numbers compare by value whatever their kind, and an
/// absent value equals nothing, not even another absent value.
pub(crate) fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Absent, _) | (_, Value::Absent) => false,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::Duration(x, f), Value::Duration(y, g)) => f == g && x == y,
        (Value::Text(x), Value::Text(y)) => x == y,
        (
            Value::Enum {
                ty: t1,
                variant: v1,
            },
            Value::Enum {
                ty: t2,
                variant: v2,
            },
        ) => t1 == t2 && v1 == v2,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equal(p, q))
        }
        _ => match mixed(a, b) {
            Some((x, y)) => x == y,
            None => false,
        },
    }
}

/// Ordering of numbers (kinds mixed), dates, and durations of one family.
pub(crate) fn compare(a: &Value, b: &Value) -> Result<Ordering, Fault> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Ok(x.cmp(y)),
        (Value::Duration(x, f), Value::Duration(y, g)) if f == g => Ok(x.cmp(y)),
        _ => match mixed(a, b) {
            Some((x, y)) => Ok(x.cmp(&y)),
            None => Err(absent_or(a, b, "comparaison")),
        },
    }
}

/// Years a date can have: the four digits of `AAAA-MM-JJ`, all a dossier can hold and all a
/// decision can print. chrono goes further (`+10000-12-31`), which nobody could read back.
const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// `date ± durée`: months are added from the anchor date, clamping to the month's end.
pub(crate) fn shift(date: NaiveDate, n: i64, family: DurationFamily) -> Result<NaiveDate, Fault> {
    let magnitude = n.unsigned_abs();
    let shifted = match family {
        DurationFamily::Days => {
            if n >= 0 {
                date.checked_add_days(Days::new(magnitude))
            } else {
                date.checked_sub_days(Days::new(magnitude))
            }
        }
        DurationFamily::Months => {
            let months = Months::new(u32::try_from(magnitude).map_err(|_| Fault::DateOutOfRange)?);
            if n >= 0 {
                date.checked_add_months(months)
            } else {
                date.checked_sub_months(months)
            }
        }
        // The type checker refuses `date + heures`: a date has no hours.
        DurationFamily::Hours => return Err(Fault::Mismatch("date + heures")),
    };
    shifted
        .filter(|d| YEARS.contains(&d.year()))
        .ok_or(Fault::DateOutOfRange)
}

/// Complete months from `from` to `to`: the largest `n` with `from + n mois ≤ to`, using the
/// same month-end clamping as `date + durée`. So `âge(naissance, d) >= 60 ans` holds exactly when
/// `naissance + 60 ans <= d`; someone born on 29 February turns a year older on 28 February in
/// common years. Negative when `to` precedes `from`.
pub(crate) fn complete_months(from: NaiveDate, to: NaiveDate) -> i64 {
    if to < from {
        return -complete_months(to, from);
    }
    let years = i64::from(to.year()) - i64::from(from.year());
    let months = years * 12 + i64::from(to.month()) - i64::from(from.month());
    // `from + months` lands in `to`'s month, so it exists; past `to` means one month short.
    match shift(from, months, DurationFamily::Months) {
        Ok(anniversary) if anniversary <= to => months,
        _ => months - 1,
    }
}

pub(crate) fn start_of_year(date: NaiveDate) -> Result<NaiveDate, Fault> {
    NaiveDate::from_ymd_opt(date.year(), 1, 1).ok_or(Fault::DateOutOfRange)
}

/// The first day of the month after `date`'s.
pub(crate) fn start_of_next_month(date: NaiveDate) -> Result<NaiveDate, Fault> {
    date.with_day(1)
        .and_then(|first| first.checked_add_months(Months::new(1)))
        .filter(|d| YEARS.contains(&d.year()))
        .ok_or(Fault::DateOutOfRange)
}

/// The last day of `date`'s month.
pub(crate) fn end_of_month(date: NaiveDate) -> Result<NaiveDate, Fault> {
    match start_of_next_month(date) {
        Ok(next) => next.pred_opt().ok_or(Fault::DateOutOfRange),
        // December 9999: its last day is the 31st.
        Err(_) => NaiveDate::from_ymd_opt(date.year(), 12, 31).ok_or(Fault::DateOutOfRange),
    }
}

/// The decimal places and the strategy of a rounding mode.
#[inline]
pub(crate) fn rounding(mode: RoundMode) -> (u32, RoundingStrategy) {
    match mode {
        RoundMode::CentimeNearest => (2, RoundingStrategy::MidpointAwayFromZero),
        RoundMode::CentimeDown => (2, RoundingStrategy::ToNegativeInfinity),
        RoundMode::CentimeUp => (2, RoundingStrategy::ToPositiveInfinity),
        RoundMode::EuroNearest => (0, RoundingStrategy::MidpointAwayFromZero),
        RoundMode::EuroDown => (0, RoundingStrategy::ToNegativeInfinity),
        RoundMode::EuroUp => (0, RoundingStrategy::ToPositiveInfinity),
    }
}

pub(crate) fn round(v: &Value, mode: RoundMode) -> Outcome {
    let (dp, strategy) = rounding(mode);
    match v {
        Value::Dec(d) => Ok(Value::Dec(d.round_dp_with_strategy(dp, strategy))),
        Value::Int(_) => Ok(v.clone()),
        Value::Absent => Err(Fault::Absent),
        _ => Err(Fault::Mismatch("arrondi")),
    }
}

pub(crate) fn monthly(v: &Value) -> Outcome {
    div(v, &Value::Int(12))
}

pub(crate) fn yearly(v: &Value) -> Outcome {
    mul(v, &Value::Int(12))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn complete_months_edges() {
        let cases = [
            ("1938-04-12", "2024-04-11", 85 * 12 + 11),
            ("1938-04-12", "2024-04-12", 86 * 12),
            ("1938-04-12", "2024-04-13", 86 * 12),
            // Born on 29 February: one year older on 28 February of a common year.
            ("1940-02-29", "2023-02-27", 82 * 12 + 11),
            ("1940-02-29", "2023-02-28", 83 * 12),
            ("1940-02-29", "2024-02-28", 83 * 12 + 11),
            ("1940-02-29", "2024-02-29", 84 * 12),
            // Month ends clamp like `date + 1 mois`.
            ("2024-01-31", "2024-02-28", 0),
            ("2024-01-31", "2024-02-29", 1),
            ("2024-01-31", "2024-03-30", 1),
            ("2024-01-31", "2024-03-31", 2),
            ("2024-05-10", "2024-05-10", 0),
            ("2024-05-10", "2024-03-10", -2),
        ];
        for (from, to, expected) in cases {
            assert_eq!(complete_months(d(from), d(to)), expected, "{from} → {to}");
        }
    }

    #[test]
    fn age_agrees_with_date_plus_duration() {
        let birth = d("1940-02-29");
        let mut day = d("2023-01-01");
        while day < d("2025-12-31") {
            let sixty_years_later = shift(birth, 84 * 12, DurationFamily::Months).unwrap();
            assert_eq!(
                complete_months(birth, day) >= 84 * 12,
                sixty_years_later <= day,
                "{day}"
            );
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn shifting_dates() {
        let m = DurationFamily::Months;
        assert_eq!(shift(d("2024-01-31"), 1, m), Ok(d("2024-02-29")));
        assert_eq!(shift(d("2024-03-31"), -1, m), Ok(d("2024-02-29")));
        assert_eq!(
            shift(d("2024-03-01"), -1, DurationFamily::Days),
            Ok(d("2024-02-29"))
        );
        assert_eq!(
            shift(d("2024-03-01"), i64::MAX, DurationFamily::Days),
            Err(Fault::DateOutOfRange)
        );
        assert_eq!(
            shift(d("2024-03-01"), i64::MIN, m),
            Err(Fault::DateOutOfRange)
        );
        // Inside chrono's calendar, outside `AAAA-MM-JJ`.
        assert_eq!(shift(d("9999-12-31"), 12, m), Err(Fault::DateOutOfRange));
        assert_eq!(
            shift(d("9999-12-31"), 1, DurationFamily::Days),
            Err(Fault::DateOutOfRange)
        );
        assert_eq!(shift(d("0000-01-01"), -1, m), Err(Fault::DateOutOfRange));
        assert_eq!(shift(d("9999-11-30"), 1, m), Ok(d("9999-12-30")));
    }
}
