//! Rendering values: for a person reading a motif (`1 143,09 €/mois`, `86 ans`, `12/04/1938`)
//! and for the decision JSON (`"1143.09"`, `"86 ans"`, `"1938-04-12"`). The static type says how a
//! decimal reads: money, rate or plain number.

mod digits;

use std::fmt::Write;

use rust_decimal::{Decimal, RoundingStrategy};

use digits::Digits;

use crate::ir::{DurationFamily, EnumDef, Period, Ty};
use crate::value::Value;

/// A writer of human text that takes unchecked the parts that need no escaping in a JSON
/// string (digits, units, a message's own checked texts): a `String` takes everything alike;
/// the decision's JSON writer escapes only the rest.
pub trait HumanWrite: Write {
    /// Text without `"`, `\\` nor control characters.
    fn plain(&mut self, s: &str) {
        // Writing into memory cannot fail.
        let _ = self.write_str(s);
    }

    /// ASCII digits and signs.
    fn ascii(&mut self, bytes: &[u8]) {
        if let Ok(text) = std::str::from_utf8(bytes) {
            self.plain(text);
        }
    }
}

impl HumanWrite for String {}

/// The value as a caseworker reads it to the applicant.
pub fn render_human(value: &Value, ty: &Ty, enums: &[EnumDef]) -> String {
    let mut out = String::new();
    write_human(&mut out, value, ty, enums);
    out
}

/// Appends the human rendering to `out` (no intermediate allocation): a `String`, or any
/// other writer (the decision's JSON text writes motif messages straight into its buffer).
pub fn write_human<W: HumanWrite + ?Sized>(out: &mut W, value: &Value, ty: &Ty, enums: &[EnumDef]) {
    // Every writer used here writes into memory: it cannot fail.
    let ty = strip_optional(ty);
    match value {
        Value::Bool(b) => out.plain(if *b { "oui" } else { "non" }),
        Value::Int(i) => match ty {
            Ty::Money(period) => write_money_human(out, Decimal::from(*i), *period),
            Ty::Rate => write_rate_human(out, Decimal::from(*i)),
            _ => digits::write_int(out, *i),
        },
        Value::Dec(d) => match ty {
            Ty::Money(period) => write_money_human(out, *d, *period),
            Ty::Rate => write_rate_human(out, *d),
            _ => write_decimal(out, d.normalize(), b','),
        },
        Value::Date(date) => push_display(out, &date.format("%d/%m/%Y")),
        Value::Duration(n, family) => write_duration(out, *n, *family),
        Value::Text(t) => {
            let _ = out.write_str(t);
        }
        Value::Enum { ty: id, variant } => match variant_name(enums, *id, *variant) {
            Some(name) => {
                // Variant names are written with spaces for underscores, in runs.
                for (i, part) in name.split('_').enumerate() {
                    if i > 0 {
                        out.plain(" ");
                    }
                    let _ = out.write_str(part);
                }
            }
            None => push_display(out, variant),
        },
        Value::List(items) if matches!(ty, Ty::Record(_)) => {
            // A structure: `(lien : enfant, age : 40)`.
            let fields: &[(String, Ty)] = match ty {
                Ty::Record(fields) => fields,
                _ => &[],
            };
            out.plain("(");
            for (i, (item, (name, t))) in items.iter().zip(fields).enumerate() {
                if i > 0 {
                    out.plain(", ");
                }
                let _ = out.write_str(name);
                out.plain(" : ");
                write_human(out, item, t, enums);
            }
            out.plain(")");
        }
        Value::List(items) => {
            if items.is_empty() {
                out.plain("aucun");
            }
            let item_ty = match ty {
                Ty::List(inner) => inner.as_ref(),
                other => other,
            };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.plain(", ");
                }
                write_human(out, item, item_ty, enums);
            }
        }
        Value::Absent => out.plain("non renseigné"),
    }
}

/// The value in the decision JSON (docs/REFERENCE.md §13).
pub fn value_to_json(value: &Value, ty: &Ty, enums: &[EnumDef]) -> serde_json::Value {
    use serde_json::Value as J;
    let ty = strip_optional(ty);
    match value {
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => match ty {
            Ty::Money(_) => J::String(money_json(Decimal::from(*i))),
            Ty::Rate | Ty::Decimal => J::String(i.to_string()),
            _ => J::Number((*i).into()),
        },
        Value::Dec(d) => match ty {
            Ty::Money(_) => J::String(money_json(*d)),
            _ => J::String(d.normalize().to_string()),
        },
        Value::Date(date) => J::String(date.to_string()),
        Value::Duration(n, family) => {
            let mut out = String::new();
            write_duration(&mut out, *n, *family);
            J::String(out)
        }
        Value::Text(t) => J::String(t.to_string()),
        Value::Enum { ty: id, variant } => match variant_name(enums, *id, *variant) {
            Some(name) => J::String(name.to_owned()),
            None => J::Number((*variant).into()),
        },
        Value::List(items) if matches!(ty, Ty::Record(_)) => {
            let fields: &[(String, Ty)] = match ty {
                Ty::Record(fields) => fields,
                _ => &[],
            };
            J::Object(
                items
                    .iter()
                    .zip(fields)
                    .map(|(item, (name, t))| (name.clone(), value_to_json(item, t, enums)))
                    .collect(),
            )
        }
        Value::List(items) => {
            let item_ty = match ty {
                Ty::List(inner) => inner.as_ref(),
                other => other,
            };
            J::Array(
                items
                    .iter()
                    .map(|item| value_to_json(item, item_ty, enums))
                    .collect(),
            )
        }
        Value::Absent => J::Null,
    }
}

/// Money in JSON: exactly two decimals, half away from zero (display only).
pub fn money_json(amount: Decimal) -> String {
    let mut out = String::new();
    write_money_json(&mut out, amount);
    out
}

/// [`money_json`] appended to `out`.
pub fn write_money_json<W: HumanWrite + ?Sized>(out: &mut W, amount: Decimal) {
    digits::write_money(out, cents(amount), false, b'.');
}

fn strip_optional(ty: &Ty) -> &Ty {
    match ty {
        Ty::Optional(inner) => strip_optional(inner),
        other => other,
    }
}

fn variant_name(enums: &[EnumDef], id: u32, variant: u32) -> Option<&str> {
    enums
        .get(usize::try_from(id).ok()?)?
        .variants
        .get(usize::try_from(variant).ok()?)
        .map(String::as_str)
}

pub(crate) fn strip_optional_ty(ty: &Ty) -> &Ty {
    strip_optional(ty)
}

pub(crate) fn enum_variant_name(enums: &[EnumDef], id: u32, variant: u32) -> Option<&str> {
    variant_name(enums, id, variant)
}

fn push_display<W: Write + ?Sized>(out: &mut W, value: &dyn std::fmt::Display) {
    // Writing into memory cannot fail.
    let _ = write!(out, "{value}");
}

/// Sign, whole units and cents of an amount rounded to the cent. Not through `rescale(2)`: an
/// amount near `Decimal::MAX` cannot carry two decimals in 96 bits, yet prints with two.
fn cents(amount: Decimal) -> (bool, u128, u128) {
    // Most amounts have two decimals or fewer already: nothing to round.
    let rounded = if amount.scale() <= 2 {
        amount
    } else {
        amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    };
    // Rounding to 2 places leaves at most 2.
    let scale = rounded.scale().min(2);
    let mantissa = rounded.mantissa().unsigned_abs();
    let negative = rounded.is_sign_negative() && mantissa != 0;
    // 128-bit division is a library call: real amounts fit in 64 bits.
    if let Ok(small) = u64::try_from(mantissa) {
        // Amounts mostly carry two decimals: constant divisors, no power computed.
        if scale == 2 {
            return (negative, u128::from(small / 100), u128::from(small % 100));
        }
        let unit = 10u64.pow(scale);
        let cents = (small % unit) * 10u64.pow(2 - scale);
        return (negative, u128::from(small / unit), u128::from(cents));
    }
    let unit = 10u128.pow(scale);
    (
        negative,
        mantissa / unit,
        (mantissa % unit) * 10u128.pow(2 - scale),
    )
}

/// An amount of two decimals or fewer whose mantissa fits 64 bits (almost every amount) as
/// [`digits::write_money`] writes it after [`cents`], straight into a byte buffer: the sign,
/// the units (grouped by three with a plain space when `grouped`), `mark`, two digits of
/// cents. `false`, having written nothing, for any other amount: the caller takes the
/// reference path. The tests compare the two on every scale, sign and size.
pub(crate) fn write_small_money(
    out: &mut Vec<u8>,
    amount: Decimal,
    grouped: bool,
    mark: u8,
) -> bool {
    let scale = amount.scale();
    if scale > 2 {
        return false;
    }
    let Ok(mantissa) = u64::try_from(amount.mantissa().unsigned_abs()) else {
        return false;
    };
    let (units, cents) = match scale {
        0 => (mantissa, 0),
        1 => (mantissa / 10, (mantissa % 10) * 10),
        _ => (mantissa / 100, mantissa % 100),
    };
    let negative = amount.is_sign_negative() && mantissa != 0;
    // Below 100.
    digits::write_small_money(out, negative, units, cents as u8, grouped, mark);
    true
}

/// [`write_money_human`] into a JSON string's buffer (it needs no escaping), `unit` being
/// what follows the digits (` €/mois`).
pub(crate) fn write_money_human_bytes(out: &mut Vec<u8>, amount: Decimal, unit: &[u8]) {
    if !write_small_money(out, amount, true, b',') {
        digits::write_money(&mut crate::json_text::Raw(out), cents(amount), true, b',');
    }
    out.extend_from_slice(unit);
}

/// An integer as [`write_human`] writes it outside amounts and rates, into a byte buffer.
pub(crate) fn write_count(out: &mut Vec<u8>, n: i64) {
    // Ages, levels, counts: mostly below a thousand.
    match u16::try_from(n) {
        Ok(n) if n < 10 => out.push(b'0' + n as u8),
        Ok(n) if n < 100 => out.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]),
        _ => digits::write_int(&mut crate::json_text::Raw(out), n),
    }
}

/// `1 143,09 €/mois`: French grouping with a plain space, decimal comma.
fn write_money_human<W: HumanWrite + ?Sized>(out: &mut W, amount: Decimal, period: Option<Period>) {
    digits::write_money(out, cents(amount), true, b',');
    out.plain(match period {
        None => " €",
        Some(Period::Heure) => " €/heure",
        Some(Period::Jour) => " €/jour",
        Some(Period::Mois) => " €/mois",
        Some(Period::An) => " €/an",
    });
}

/// `25 %`, `0,5 %`.
fn write_rate_human<W: HumanWrite + ?Sized>(out: &mut W, rate: Decimal) {
    match rate.checked_mul(Decimal::ONE_HUNDRED) {
        Some(percent) => write_decimal(out, percent.normalize(), b','),
        None => out.plain(&rate.to_string().replace('.', ",")),
    }
    out.plain(" %");
}

/// `d` as its `Display` writes it, with `mark` for the decimal point.
pub(crate) fn write_decimal<W: HumanWrite + ?Sized>(out: &mut W, d: Decimal, mark: u8) {
    let mut digits = Digits::new();
    digits.decimal(d, mark);
    digits.write_to(out);
}

/// [`write_decimal`] into a byte buffer (its text needs no escaping).
pub(crate) fn write_decimal_bytes(out: &mut Vec<u8>, d: Decimal, mark: u8) {
    digits::write_decimal_bytes(out, d, mark);
}

/// `d.normalize()`, cheaper when there is nothing to strip.
pub(crate) fn normalized(d: Decimal) -> Decimal {
    digits::normalized(d)
}

/// `86 ans`, `86 ans et 3 mois`, `3 mois`, `12 jours`.
pub(crate) fn write_duration<W: HumanWrite + ?Sized>(out: &mut W, n: i64, family: DurationFamily) {
    if n < 0 {
        out.plain("-");
    }
    let n = n.unsigned_abs();
    let count = |k: u64, unit: &str, out: &mut W| {
        match i64::try_from(k) {
            Ok(small) => digits::write_int(out, small),
            Err(_) => {
                let mut digits = Digits::new();
                digits.number(u128::from(k), false);
                digits.write_to(out);
            }
        }
        out.plain(unit);
    };
    let plural = |k: u64, one: &str, many: &str, out: &mut W| {
        count(k, if k == 1 { one } else { many }, out);
    };
    match family {
        DurationFamily::Days => plural(n, " jour", " jours", out),
        DurationFamily::Hours => plural(n, " heure", " heures", out),
        DurationFamily::Months => {
            let (years, months) = (n / 12, n % 12);
            if years == 0 {
                count(months, " mois", out);
            } else {
                plural(years, " an", " ans", out);
                if months != 0 {
                    out.plain(" et ");
                    count(months, " mois", out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::str::FromStr;
    use std::sync::Arc;

    use chrono::NaiveDate;

    use super::*;

    fn dec(s: &str) -> Value {
        Value::Dec(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn human_rendering() {
        let enums = vec![EnumDef {
            name: "lieu_de_vie".into(),
            variants: vec!["domicile".into(), "residence_autonomie".into()],
        }];
        let month = Ty::Money(Some(Period::Mois));
        let cases: Vec<(Value, Ty, &str)> = vec![
            (dec("1143.09"), Ty::Money(None), "1 143,09 €"),
            (dec("1143.09"), month.clone(), "1 143,09 €/mois"),
            (dec("26.3"), Ty::Money(Some(Period::Heure)), "26,30 €/heure"),
            (dec("1234567.005"), Ty::Money(None), "1 234 567,01 €"),
            (dec("-0.004"), Ty::Money(None), "0,00 €"),
            (dec("-12.5"), Ty::Money(None), "-12,50 €"),
            (dec("999"), Ty::Money(None), "999,00 €"),
            (
                dec("7922816251426433759354395033.5"),
                Ty::Money(None),
                "7 922 816 251 426 433 759 354 395 033,50 €",
            ),
            (dec("0.25"), Ty::Rate, "25 %"),
            (dec("0.005"), Ty::Rate, "0,5 %"),
            (dec("1.700"), Ty::Decimal, "1,7"),
            (Value::Int(3), Ty::Int, "3"),
            (
                Value::Date(NaiveDate::from_ymd_opt(1938, 4, 12).unwrap()),
                Ty::Date,
                "12/04/1938",
            ),
            (
                Value::Duration(86 * 12, DurationFamily::Months),
                Ty::Duration(DurationFamily::Months),
                "86 ans",
            ),
            (
                Value::Duration(12, DurationFamily::Months),
                Ty::Duration(DurationFamily::Months),
                "1 an",
            ),
            (
                Value::Duration(86 * 12 + 3, DurationFamily::Months),
                Ty::Duration(DurationFamily::Months),
                "86 ans et 3 mois",
            ),
            (
                Value::Duration(3, DurationFamily::Months),
                Ty::Duration(DurationFamily::Months),
                "3 mois",
            ),
            (
                Value::Duration(12, DurationFamily::Days),
                Ty::Duration(DurationFamily::Days),
                "12 jours",
            ),
            (
                Value::Duration(1, DurationFamily::Days),
                Ty::Duration(DurationFamily::Days),
                "1 jour",
            ),
            (
                Value::Enum { ty: 0, variant: 1 },
                Ty::Enum(0),
                "residence autonomie",
            ),
            (Value::Bool(true), Ty::Bool, "oui"),
            (Value::Bool(false), Ty::Bool, "non"),
            (
                Value::Absent,
                Ty::Optional(Box::new(Ty::Text)),
                "non renseigné",
            ),
            (Value::Text(Arc::from("95")), Ty::Text, "95"),
            (
                Value::List(Arc::from(vec![
                    Value::Enum { ty: 0, variant: 0 },
                    Value::Enum { ty: 0, variant: 1 },
                ])),
                Ty::List(Box::new(Ty::Enum(0))),
                "domicile, residence autonomie",
            ),
        ];
        for (value, ty, expected) in cases {
            assert_eq!(render_human(&value, &ty, &enums), expected, "{value:?}");
        }
    }

    #[test]
    fn json_rendering() {
        let cases: Vec<(Value, Ty, serde_json::Value)> = vec![
            (dec("1143.09"), Ty::Money(None), "1143.09".into()),
            (dec("0"), Ty::Money(None), "0.00".into()),
            (dec("1143.085"), Ty::Money(None), "1143.09".into()),
            (dec("-1143.085"), Ty::Money(None), "-1143.09".into()),
            (dec("12"), Ty::Money(Some(Period::An)), "12.00".into()),
            // Too large for two decimals in 96 bits: still printed with two.
            (
                dec("79228162514264337593543950335"),
                Ty::Money(None),
                "79228162514264337593543950335.00".into(),
            ),
            (
                crate::ops::monthly(&dec("79228162514264337593543950335")).unwrap(),
                Ty::Money(Some(Period::Mois)),
                "6602346876188694799461995861.20".into(),
            ),
            (
                dec("-7922816251426433759354395033.5"),
                Ty::Money(None),
                "-7922816251426433759354395033.50".into(),
            ),
            (dec("0.250"), Ty::Rate, "0.25".into()),
            (dec("1.5"), Ty::Decimal, "1.5".into()),
            (Value::Int(3), Ty::Int, 3.into()),
            (
                Value::Duration(86 * 12, DurationFamily::Months),
                Ty::Duration(DurationFamily::Months),
                "86 ans".into(),
            ),
            (
                Value::Absent,
                Ty::Optional(Box::new(Ty::Int)),
                serde_json::Value::Null,
            ),
        ];
        for (value, ty, expected) in cases {
            assert_eq!(value_to_json(&value, &ty, &[]), expected, "{value:?}");
        }
    }

    #[test]
    fn counts_are_the_human_integers() {
        let mut cases: Vec<i64> = (-1_100..1_100).collect();
        cases.extend([i64::MIN, i64::MAX, 65_535, 65_536, -65_536, 1_000_000]);
        for n in cases {
            let mut bytes = Vec::new();
            write_count(&mut bytes, n);
            assert_eq!(
                bytes,
                render_human(&Value::Int(n), &Ty::Int, &[]).into_bytes(),
                "{n}"
            );
        }
    }

    /// Every amount the fast path takes is written as the reference writes it, and it takes
    /// every amount of two decimals or fewer that fits 64 bits.
    #[test]
    fn small_money_is_the_reference() {
        let mut next = crate::xorshift::xorshift(0x9E37_79B9_7F4A_7C15u64);
        let mut cases: Vec<Decimal> = [
            "0",
            "0.0",
            "0.00",
            "-0.00",
            "0.01",
            "-0.01",
            "0.1",
            "-0.5",
            "1",
            "9.99",
            "999.99",
            "1000",
            "1571.16",
            "-2655.91",
            "12345678.9",
            "18446744073709551615",
            "184467440737095516.15",
            "-18446744073709551615",
            "18446744073709551616",
            "0.004",
            "0.005",
            "-1143.085",
            "79228162514264337593543950335",
        ]
        .iter()
        .map(|s| Decimal::from_str(s).unwrap())
        .collect();
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        cases.push(negative_zero);
        for _ in 0..20_000 {
            let mantissa = i64::try_from(next() >> (next() % 64)).unwrap_or(7);
            let m = if next().is_multiple_of(2) {
                -mantissa
            } else {
                mantissa
            };
            let scale = (next() % 6) as u32;
            cases.push(Decimal::new(m, scale));
            let wide = i128::from(m) << (next() % 33);
            cases.push(Decimal::from_i128_with_scale(wide, (next() % 4) as u32));
        }
        let mut taken = 0;
        for amount in cases {
            for (grouped, mark) in [(false, b'.'), (true, b',')] {
                let mut reference = String::new();
                digits::write_money(&mut reference, cents(amount), grouped, mark);
                let mut fast = b"x".to_vec();
                let small =
                    amount.scale() <= 2 && amount.mantissa().unsigned_abs() <= u128::from(u64::MAX);
                assert_eq!(
                    write_small_money(&mut fast, amount, grouped, mark),
                    small,
                    "{amount:?}"
                );
                if small {
                    taken += 1;
                    assert_eq!(fast, format!("x{reference}").into_bytes(), "{amount:?}");
                } else {
                    assert_eq!(fast, b"x", "{amount:?}");
                }
            }
            let mut human = String::new();
            write_money_human(&mut human, amount, Some(Period::Mois));
            let mut bytes = Vec::new();
            write_money_human_bytes(&mut bytes, amount, " €/mois".as_bytes());
            assert_eq!(String::from_utf8(bytes).unwrap(), human, "{amount:?}");
        }
        assert!(taken > 20_000);
    }

    #[test]
    fn money_digits_whether_they_fit_in_64_bits_or_not() {
        for text in [
            "0",
            "0.00",
            "1571.16",
            "-0.05",
            "12.30",
            "-1143.09",
            "184467440737095516.15",
            "0.004",
            "0.005",
            "7",
            "-1143.085",
            "1000000",
            "123456789.125",
            "18446744073709551615.99",
            "18446744073709551616",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
        ] {
            let amount = Decimal::from_str(text).unwrap();
            // Most amounts have two decimals or fewer already: nothing to round.
            let rounded = if amount.scale() <= 2 {
                amount
            } else {
                amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            };
            let expected = format!("{rounded:.2}");
            assert_eq!(money_json(amount), expected, "{text}");
            // The same digits, grouped by three with a decimal comma.
            let (int, frac) = expected.split_once('.').unwrap();
            let (sign, int) = int.strip_prefix('-').map_or(("", int), |i| ("-", i));
            let mut grouped = String::new();
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 {
                    grouped.push(' ');
                }
                grouped.push(c);
            }
            let mut human = String::new();
            write_money_human(&mut human, amount, None);
            assert_eq!(human, format!("{sign}{grouped},{frac} €"), "{text}");
        }
    }
}
