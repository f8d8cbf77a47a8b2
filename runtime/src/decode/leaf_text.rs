//! The texts of dossier leaves: JSON integers, plain decimal texts, a number's exact text as a
//! decimal, `AAAA-MM-JJ` dates. Both readers (the reference and the one-pass reader) read a
//! leaf with these same functions, so that they agree to the bit.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub(super) enum IntError {
    NotInteger,
    TooLarge,
}

/// A JSON integer: no fraction, no exponent (`3`, not `3.0` nor `3e0`).
pub(super) fn parse_int(text: &str) -> Result<i64, IntError> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IntError::NotInteger);
    }
    text.parse().map_err(|_| IntError::TooLarge)
}

/// `-12`, `1012.02`: the only textual money the dossier accepts (the schema's pattern).
pub(super) fn is_plain_decimal(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (whole, fraction) = match body.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// A JSON number's exact text as a decimal; `None` when it does not fit exactly.
pub(super) fn parse_decimal(text: &str) -> Option<Decimal> {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return Decimal::from_str_exact(text).ok();
    };
    let mut value = Decimal::from_str_exact(mantissa).ok()?;
    let exponent: i64 = exponent
        .strip_prefix('+')
        .unwrap_or(exponent)
        .parse()
        .ok()?;
    if exponent < 0 {
        let scale = i64::from(value.scale()).checked_sub(exponent)?;
        value.set_scale(u32::try_from(scale).ok()?).ok()?;
    } else {
        // A mantissa has at most 28 decimals and 29 digits: beyond 60 shifts nothing non-zero fits.
        const MAX_SHIFT: i64 = 60;
        for _ in 0..exponent.min(MAX_SHIFT) {
            value = value.checked_mul(Decimal::TEN)?;
        }
        if exponent > MAX_SHIFT && !value.is_zero() {
            return None;
        }
    }
    Some(value)
}

pub(super) enum DateError {
    Format,
    Impossible,
}

/// Strictly `AAAA-MM-JJ`, then checked against the calendar.
pub(super) fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(DateError::Format);
    }
    let number = |range: std::ops::Range<usize>| -> Result<u32, DateError> {
        s.get(range)
            .and_then(|t| u32::from_str(t).ok())
            .ok_or(DateError::Format)
    };
    let year = i32::try_from(number(0..4)?).map_err(|_| DateError::Format)?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?).ok_or(DateError::Impossible)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn decimals_from_json_text() {
        let cases = [
            ("0.1", Some("0.1")),
            ("1012.02", Some("1012.02")),
            ("-3", Some("-3")),
            ("1e3", Some("1000")),
            ("1.5E-2", Some("0.015")),
            ("2.5e+1", Some("25.0")),
            ("1e40", None),
            ("123456789012345678901234567890", None),
            ("0.12345678901234567890123456789", None),
            ("1e-40", None),
            ("0e99999999999", Some("0")),
        ];
        for (text, expected) in cases {
            assert_eq!(
                parse_decimal(text).map(|d| d.to_string()),
                expected.map(str::to_owned),
                "{text}"
            );
        }
    }

    #[test]
    fn plain_decimal_strings() {
        for ok in ["0", "-1", "1012.02", "007.50"] {
            assert!(is_plain_decimal(ok), "{ok}");
        }
        for bad in ["", "-", "1.", ".5", "1,5", "1 012", "1e3", "+1", "1.2.3"] {
            assert!(!is_plain_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(matches!(
            parse_date("2023-02-29"),
            Err(DateError::Impossible)
        ));
        assert!(matches!(
            parse_date("2024-13-01"),
            Err(DateError::Impossible)
        ));
        assert!(matches!(parse_date("2024-2-03"), Err(DateError::Format)));
        assert!(matches!(parse_date("03/02/2024"), Err(DateError::Format)));
        assert!(matches!(
            parse_date("2024-02-03T00:00"),
            Err(DateError::Format)
        ));
    }
}
