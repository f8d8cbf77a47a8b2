//! The plan's scalar value: `Copy`, no reference count. Operations take the frequent kinds
//! (two decimals, two integers) directly; every other combination goes through the reference's
//! `ops` on a `Value`, so that their semantics cannot drift apart. A fault is a bail.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Bail, R};
use crate::ir::{BinOp, DurationFamily, RoundMode};
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
        (V::Dec(x), V::Dec(y)) => cmp_dec(x, y).is_eq(),
        (V::Date(x), V::Date(y)) => x == y,
        (V::Duration(x, f), V::Duration(y, g)) => f == g && x == y,
        (V::Enum(t1, v1), V::Enum(t2, v2)) => t1 == t2 && v1 == v2,
        (V::Int(x), V::Dec(y)) => cmp_dec(Decimal::from(x), y).is_eq(),
        (V::Dec(x), V::Int(y)) => cmp_dec(x, Decimal::from(y)).is_eq(),
        _ => false,
    }
}

/// `ops::compare` on plan values; a fault (absent operand) bails.
#[inline]
pub(crate) fn compare(a: V, b: V) -> R<Ordering> {
    match (a, b) {
        (V::Int(x), V::Int(y)) => Ok(x.cmp(&y)),
        (V::Dec(x), V::Dec(y)) => Ok(cmp_dec(x, y)),
        (V::Date(x), V::Date(y)) => Ok(x.cmp(&y)),
        (V::Duration(x, f), V::Duration(y, g)) if f == g => Ok(x.cmp(&y)),
        (V::Int(x), V::Dec(y)) => Ok(cmp_dec(Decimal::from(x), y)),
        (V::Dec(x), V::Int(y)) => Ok(cmp_dec(x, Decimal::from(y))),
        _ => Err(Bail),
    }
}

/// Powers of ten that fit an `i128`, up to the largest scale a `Decimal` has. Built at compile
/// time, where an index out of range would fail the build, not a decision.
#[allow(clippy::indexing_slicing)]
const POW10: [i128; 29] = {
    let mut table = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// `Decimal::cmp` without its general rescaling: signs first, then the magnitudes (96-bit
/// mantissas in a `u128`), the one of smaller scale scaled up by a power of ten; a magnitude
/// below 2^64 times a power below 10^20 cannot overflow, so the frequent case (money read
/// with cents against a whole-euro constant) needs no checked 128-bit multiplication, and a
/// product that would overflow goes to `Decimal::cmp`. Both are comparisons of the numbers
/// themselves, so the ordering is the same (zero of either sign included: two zeros are equal
/// and a zero is compared by magnitude).
#[inline]
pub(crate) fn cmp_dec(x: Decimal, y: Decimal) -> Ordering {
    let (ax, ay) = (x.mantissa().unsigned_abs(), y.mantissa().unsigned_abs());
    let (nx, ny) = (
        x.is_sign_negative() && ax != 0,
        y.is_sign_negative() && ay != 0,
    );
    if nx != ny {
        return if nx {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    let (sx, sy) = (x.scale(), y.scale());
    let magnitudes = match sx.cmp(&sy) {
        Ordering::Equal => ax.cmp(&ay),
        Ordering::Less => match scale_up(ax, sy - sx) {
            Some(ax) => ax.cmp(&ay),
            None => return x.cmp(&y),
        },
        Ordering::Greater => match scale_up(ay, sx - sy) {
            Some(ay) => ax.cmp(&ay),
            None => return x.cmp(&y),
        },
    };
    if nx {
        magnitudes.reverse()
    } else {
        magnitudes
    }
}

/// `m × 10^d`, `None` when it overflows a `u128`.
#[inline(always)]
fn scale_up(m: u128, d: u32) -> Option<u128> {
    let p = POW10.get(d as usize)?.unsigned_abs();
    match (u64::try_from(m), u64::try_from(p)) {
        (Ok(m), Ok(p)) => Some(u128::from(m) * u128::from(p)),
        _ => m.checked_mul(p),
    }
}

/// `ops::round` on a decimal: `round_dp_with_strategy` computed on the 96-bit mantissa held in
/// a `u128`, with one division by a power of ten instead of its loops of 32-bit divisions,
/// multiplications and comparisons. The same `Decimal` comes out: a value of scale `dp` or less
/// unchanged (scale included), otherwise the quotient at scale `dp`, plus one when the strategy
/// says so, with the sign dropped on a result of zero as `Decimal::from_parts` drops it. A zero
/// operand (whose sign the reference keeps) goes to the reference.
#[inline]
pub(crate) fn round(d: Decimal, mode: RoundMode) -> Decimal {
    let (dp, strategy) = crate::ops::rounding(mode);
    let scale = d.scale();
    if scale <= dp {
        return d;
    }
    let negative = d.is_sign_negative();
    let m = d.mantissa().unsigned_abs();
    let Some(&p) = POW10.get((scale - dp) as usize) else {
        return d.round_dp_with_strategy(dp, strategy);
    };
    if m == 0 {
        return d.round_dp_with_strategy(dp, strategy);
    }
    // `scale - dp` is at least one: `p` is even and `p / 2` is the midpoint exactly.
    let p = p.unsigned_abs();
    let (q, r) = if let (Ok(m), Ok(p)) = (u64::try_from(m), u64::try_from(p)) {
        (u128::from(m / p), u128::from(m % p))
    } else {
        (m / p, m % p)
    };
    let up = match strategy {
        RoundingStrategy::MidpointAwayFromZero => r >= p / 2,
        RoundingStrategy::ToNegativeInfinity => negative && r != 0,
        RoundingStrategy::ToPositiveInfinity => !negative && r != 0,
        _ => return d.round_dp_with_strategy(dp, strategy),
    };
    // `q < 2^96 / 10`: one more still fits the mantissa's 96 bits.
    let q = q + u128::from(up);
    let lo = (q & 0xFFFF_FFFF) as u32;
    let mid = ((q >> 32) & 0xFFFF_FFFF) as u32;
    let hi = ((q >> 64) & 0xFFFF_FFFF) as u32;
    Decimal::from_parts(lo, mid, hi, negative, dp)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::{cmp_dec, round};
    use crate::ir::RoundMode;

    /// The fast comparison agrees with `Decimal::cmp` on every pair of a grid of scales,
    /// signs, zeros (negative zero too) and mantissas up to the largest.
    #[test]
    fn cmp_dec_is_decimal_cmp() {
        let mut values = Vec::new();
        for text in [
            "0",
            "-0",
            "0.00",
            "-0.000",
            "1",
            "-1",
            "865",
            "865.00",
            "865.01",
            "864.99",
            "0.9",
            "0.90",
            "1012.02",
            "1571.16",
            "-3186",
            "3186.000000001",
            "1e-28",
            "-1e-28",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7.9228162514264337593543950335",
            "0.0000000000000000000000000001",
            "123456789012345678.9012345678",
            "-123456789012345678.90123",
        ] {
            let d = Decimal::from_str(text)
                .or_else(|_| Decimal::from_scientific(text))
                .unwrap();
            values.push(d);
        }
        let mut negative_zero = Decimal::ZERO;
        negative_zero.set_sign_negative(true);
        values.push(negative_zero);
        for scale in 0..=28 {
            for m in [0i64, 1, -1, 7, 86_500, -86_500, i64::MAX, i64::MIN + 1] {
                values.push(Decimal::new(m, scale));
            }
        }
        for x in &values {
            for y in &values {
                assert_eq!(cmp_dec(*x, *y), x.cmp(y), "{x:?} {y:?}");
            }
        }
        // Random pairs of every width, scale and sign, neighbours of each other too.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let random = |next: &mut dyn FnMut() -> u64| {
            let bits = next() % 97;
            let m = (u128::from(next()) << 64 | u128::from(next())) & ((1u128 << bits) - 1);
            let m = m.min((1u128 << 96) - 1);
            let (lo, mid, hi) = (m as u32, (m >> 32) as u32, (m >> 64) as u32);
            Decimal::from_parts(lo, mid, hi, next() & 1 == 0, (next() % 29) as u32)
        };
        for _ in 0..20_000 {
            let x = random(&mut next);
            let y = random(&mut next);
            assert_eq!(cmp_dec(x, y), x.cmp(&y), "{x:?} {y:?}");
            // The same number, or a close one, at the other's scale.
            let mut z = x;
            z.rescale(y.scale());
            assert_eq!(cmp_dec(x, z), x.cmp(&z), "{x:?} {z:?}");
            assert_eq!(cmp_dec(z, y), z.cmp(&y), "{z:?} {y:?}");
        }
    }

    /// The fast rounding gives the reference's `Decimal` (bits compared: scale and sign of zero
    /// included) for every mode, on random mantissas of every width, scale and sign, on the
    /// ties of each scale and their neighbours, and on zeros.
    #[test]
    fn round_is_round_dp_with_strategy() {
        let modes = [
            RoundMode::CentimeNearest,
            RoundMode::CentimeDown,
            RoundMode::CentimeUp,
            RoundMode::EuroNearest,
            RoundMode::EuroDown,
            RoundMode::EuroUp,
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let max = (1u128 << 96) - 1;
        let mut values = Vec::new();
        for scale in 0..=28u32 {
            for negative in [false, true] {
                let mut push = |m: u128| {
                    let m = m.min(max);
                    let lo = (m & 0xFFFF_FFFF) as u32;
                    let mid = ((m >> 32) & 0xFFFF_FFFF) as u32;
                    let hi = ((m >> 64) & 0xFFFF_FFFF) as u32;
                    values.push(Decimal::from_parts(lo, mid, hi, negative, scale));
                };
                push(0);
                push(1);
                push(max);
                for _ in 0..300 {
                    let bits = next() % 97;
                    let m = (u128::from(next()) << 64 | u128::from(next())) & ((1u128 << bits) - 1);
                    push(m);
                }
                // The midpoints of rounding to 0 and 2 places, and one unit either side.
                for dp in [0u32, 2] {
                    if scale > dp {
                        let half = 5 * 10u128.pow(scale - dp - 1);
                        let unit = 10u128.pow(scale - dp);
                        for k in [0u128, 1, 7, 12_345, u128::from(next())] {
                            for m in [half - 1, half, half + 1] {
                                if let Some(m) = k.checked_mul(unit).and_then(|b| b.checked_add(m))
                                {
                                    push(m);
                                }
                            }
                        }
                    }
                }
            }
        }
        let mut negative_zero = Decimal::new(0, 5);
        negative_zero.set_sign_negative(true);
        values.push(negative_zero);
        for d in values {
            for mode in modes {
                let (dp, strategy) = crate::ops::rounding(mode);
                let expected = d.round_dp_with_strategy(dp, strategy);
                let ours = round(d, mode);
                assert_eq!(ours.serialize(), expected.serialize(), "{d:?} {mode:?}");
            }
        }
    }
}
