//! Numbers written as ASCII on the stack and handed to the writer in one piece, as plain text
//! (no JSON escaping needed): `fmt` costs more than the digits themselves, and motif messages
//! show a few numbers each.

use rust_decimal::Decimal;

use super::HumanWrite;

/// Room for the sign, 39 digits with their group separators, a decimal mark and 28 decimals.
const ROOM: usize = 96;

pub(super) struct Digits {
    bytes: [u8; ROOM],
    len: usize,
}

impl Digits {
    pub(super) fn new() -> Self {
        Digits {
            bytes: [0; ROOM],
            len: 0,
        }
    }

    pub(super) fn push(&mut self, b: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// Two digits: the cents `cents(…)` gives (below 100).
    pub(super) fn cents(&mut self, cents: u128) {
        // Below 100: divided as a byte, not as 128 bits (a library call).
        let cents = u8::try_from(cents % 100).unwrap_or_default();
        self.push(b'0' + cents / 10);
        self.push(b'0' + cents % 10);
    }

    /// `n` with its sign: the reference of [`write_int`].
    #[cfg(test)]
    fn int(&mut self, n: i64) {
        if n < 0 {
            self.push(b'-');
        }
        self.number(u128::from(n.unsigned_abs()), false);
    }

    /// `n` in decimal, with a plain space between groups of three digits when `grouped`.
    pub(super) fn number(&mut self, n: u128, grouped: bool) {
        // u128::MAX has 39 digits; digits are produced right to left into a stack buffer, in
        // 128 bits only while the rest does not fit in 64 (a library call per division).
        let mut digits = [0u8; 40];
        let mut len = 0;
        let mut push = |d: u8| {
            if let Some(slot) = digits.get_mut(len) {
                *slot = b'0' + d;
            }
            len += 1;
        };
        let mut rest = n;
        while u64::try_from(rest).is_err() {
            push((rest % 10) as u8);
            rest /= 10;
        }
        let mut small = u64::try_from(rest).unwrap_or_default();
        loop {
            push((small % 10) as u8);
            small /= 10;
            if small == 0 {
                break;
            }
        }
        for i in (0..len).rev() {
            if let Some(d) = digits.get(i) {
                self.push(*d);
            }
            if grouped && i > 0 && i % 3 == 0 {
                self.push(b' ');
            }
        }
    }

    /// `d` as rust_decimal's `Display` writes it (its sign, every digit of its scale, `0.`
    /// before a fraction below one), with `mark` for the point. A mantissa has 96 bits at
    /// most (29 digits).
    pub(super) fn decimal(&mut self, d: Decimal, mark: u8) {
        const TEN_19: u128 = 10_000_000_000_000_000_000;
        let scale = d.scale() as usize;
        let mantissa = d.mantissa().unsigned_abs();
        // Digits right to left, in 64 bits: one 128-bit division splits a long mantissa.
        let (high, low, padded) = match u64::try_from(mantissa) {
            Ok(small) => (0, small, false),
            Err(_) => (
                u64::try_from(mantissa / TEN_19).unwrap_or(u64::MAX),
                u64::try_from(mantissa % TEN_19).unwrap_or_default(),
                true,
            ),
        };
        let mut digits = [0u8; 40];
        let mut len = 0;
        let mut push = |d: u64| {
            if let Some(slot) = digits.get_mut(len) {
                *slot = b'0' + (d % 10) as u8;
            }
            len += 1;
        };
        let mut rest = low;
        if padded {
            for _ in 0..19 {
                push(rest);
                rest /= 10;
            }
            rest = high;
        }
        while rest > 0 {
            push(rest);
            rest /= 10;
        }
        if d.is_sign_negative() {
            self.push(b'-');
        }
        if len == 0 && scale == 0 {
            self.push(b'0');
            return;
        }
        if scale >= len {
            self.push(b'0');
            self.push(mark);
            for _ in len..scale {
                self.push(b'0');
            }
        }
        for i in (0..len).rev() {
            if i + 1 == scale && scale < len {
                self.push(mark);
            }
            if let Some(d) = digits.get(i) {
                self.push(*d);
            }
        }
    }

    /// An amount rounded to the cent (see `render::cents`): `-`, the units (grouped by three
    /// with a plain space when `grouped`), `mark`, two digits of cents.
    pub(super) fn money(
        &mut self,
        negative: bool,
        units: u128,
        cents: u128,
        grouped: bool,
        mark: u8,
    ) {
        if negative {
            self.push(b'-');
        }
        self.number(units, grouped);
        self.push(mark);
        self.cents(cents);
    }

    pub(super) fn write_to<W: HumanWrite + ?Sized>(&self, out: &mut W) {
        out.ascii(self.bytes.get(..self.len).unwrap_or_default());
    }
}

/// [`Digits::money`] written right to left into a stack buffer then handed over in one
/// piece: amounts are written several times per decision, and most fit in 64 bits (the others
/// take [`Digits::money`]).
pub(super) fn write_money<W: HumanWrite + ?Sized>(
    out: &mut W,
    (negative, units, cents): (bool, u128, u128),
    grouped: bool,
    mark: u8,
) {
    let Ok(mut rest) = u64::try_from(units) else {
        let mut digits = Digits::new();
        digits.money(negative, units, cents, grouped, mark);
        digits.write_to(out);
        return;
    };
    // 20 digits, 6 group separators, the sign, the mark and two cents.
    let mut bytes = [0u8; 32];
    let mut at = bytes.len();
    let mut put = |b: u8| {
        at = at.saturating_sub(1);
        if let Some(slot) = bytes.get_mut(at) {
            *slot = b;
        }
    };
    // Below 100: divided in 64 bits, not 128 (a library call).
    let cents = match u64::try_from(cents) {
        Ok(small) => small % 100,
        Err(_) => u64::try_from(cents % 100).unwrap_or_default(),
    };
    put(b'0' + (cents % 10) as u8);
    put(b'0' + (cents / 10) as u8);
    put(mark);
    let mut left = 3;
    loop {
        if left == 0 {
            if grouped {
                put(b' ');
            }
            left = 3;
        }
        put(b'0' + (rest % 10) as u8);
        rest /= 10;
        left -= 1;
        if rest == 0 {
            break;
        }
    }
    if negative {
        put(b'-');
    }
    out.ascii(bytes.get(at..).unwrap_or_default());
}

/// An amount's sign, units (grouped by three with a plain space when `grouped`), `mark` and
/// two digits of cents, as [`write_money`] writes them for units that fit 64 bits: right to
/// left into a stack buffer three digits at a time, then copied in one piece.
pub(super) fn write_small_money(
    out: &mut Vec<u8>,
    negative: bool,
    units: u64,
    cents: u8,
    grouped: bool,
    mark: u8,
) {
    // Below a million (most amounts): pushed in place, in at most four fixed-size pieces.
    if units < 1_000_000 {
        if negative {
            out.push(b'-');
        }
        let units = units as u32;
        if units < 1000 {
            lead(out, units);
        } else {
            lead(out, units / 1000);
            let group = units % 1000;
            let digits = [
                b'0' + (group / 100) as u8,
                b'0' + (group / 10 % 10) as u8,
                b'0' + (group % 10) as u8,
            ];
            if grouped {
                out.push(b' ');
            }
            out.extend_from_slice(&digits);
        }
        out.extend_from_slice(&[mark, b'0' + cents / 10 % 10, b'0' + cents % 10]);
        return;
    }
    // 20 digits, 6 separators, the sign, the mark and two cents; a group is written as four
    // bytes whose first is overwritten when not grouped.
    let mut bytes = [0u8; 36];
    let mut at = bytes.len() - 3;
    put(
        &mut bytes,
        at,
        [mark, b'0' + cents / 10 % 10, b'0' + cents % 10],
    );
    let mut rest = units;
    while rest >= 1000 {
        let group = (rest % 1000) as u32;
        rest /= 1000;
        at -= 4;
        put(
            &mut bytes,
            at,
            [
                b' ',
                b'0' + (group / 100) as u8,
                b'0' + (group / 10 % 10) as u8,
                b'0' + (group % 10) as u8,
            ],
        );
        at += usize::from(!grouped);
    }
    let lead = rest as u32;
    put(
        &mut bytes,
        at - 3,
        [
            b'0' + (lead / 100) as u8,
            b'0' + (lead / 10 % 10) as u8,
            b'0' + (lead % 10) as u8,
        ],
    );
    at -= if lead >= 100 {
        3
    } else if lead >= 10 {
        2
    } else {
        1
    };
    if negative {
        at -= 1;
        put(&mut bytes, at, [b'-']);
    }
    out.extend_from_slice(bytes.get(at..).unwrap_or_default());
}

/// [`Digits::decimal`] straight into a byte buffer: the digits right to left four at a time
/// into a stack buffer (a 96-bit mantissa split once in two 64-bit halves), then copied in at
/// most two pieces around the mark. The tests compare the two.
pub(super) fn write_decimal_bytes(out: &mut Vec<u8>, d: Decimal, mark: u8) {
    const TEN_19: u128 = 10_000_000_000_000_000_000;
    let scale = d.scale() as usize;
    let mantissa = d.mantissa().unsigned_abs();
    let mut bytes = [b'0'; 48];
    let end = bytes.len();
    let at = match u64::try_from(mantissa) {
        Ok(small) => fours(&mut bytes, end, small, false),
        Err(_) => {
            let high = u64::try_from(mantissa / TEN_19).unwrap_or(u64::MAX);
            let low = u64::try_from(mantissa % TEN_19).unwrap_or_default();
            // The low half has exactly 19 digits, its leading zeros included.
            fours(&mut bytes, end, low, true);
            fours(&mut bytes, end - 19, high, false)
        }
    };
    let len = end - at;
    if d.is_sign_negative() {
        out.push(b'-');
    }
    if len == 0 && scale == 0 {
        out.push(b'0');
        return;
    }
    let digits = bytes.get(at..).unwrap_or_default();
    if scale >= len {
        out.push(b'0');
        out.push(mark);
        out.resize(out.len() + (scale - len), b'0');
        out.extend_from_slice(digits);
        return;
    }
    let (whole, fraction) = digits.split_at(len - scale);
    out.extend_from_slice(whole);
    if scale > 0 {
        out.push(mark);
        out.extend_from_slice(fraction);
    }
}

/// `n` right-aligned to end at `end`, four digits at a time: where its digits start (none for
/// zero), or exactly 19 digits with their leading zeros when `padded`.
fn fours(bytes: &mut [u8], end: usize, n: u64, padded: bool) -> usize {
    let mut at = end;
    let mut rest = n;
    loop {
        let four = (rest % 10_000) as u16;
        rest /= 10_000;
        at = at.saturating_sub(4);
        put(
            bytes,
            at,
            [
                b'0' + (four / 1000) as u8,
                b'0' + (four / 100 % 10) as u8,
                b'0' + (four / 10 % 10) as u8,
                b'0' + (four % 10) as u8,
            ],
        );
        if rest == 0 && (!padded || end - at >= 19) {
            break;
        }
    }
    if padded {
        return end.saturating_sub(19);
    }
    while at < end && bytes.get(at) == Some(&b'0') {
        at += 1;
    }
    at
}

/// `d.normalize()`, without its division by ten when the mantissa ends in another digit
/// (a computed rate mostly does: nothing to strip). The mantissa modulo 10 from its three
/// 32-bit words: odd, or not a multiple of five (2^32 is 1 modulo 5).
pub(super) fn normalized(d: Decimal) -> Decimal {
    let bytes = d.serialize();
    let word = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map_or(0, u32::from_le_bytes)
    };
    let (lo, mid, hi) = (word(4), word(8), word(12));
    let ends_in_other_digit =
        lo & 1 == 1 || (u64::from(lo) + u64::from(mid) + u64::from(hi)) % 5 != 0;
    if ends_in_other_digit {
        return d;
    }
    d.normalize()
}

/// `n` (below a thousand) without leading zeros.
fn lead(out: &mut Vec<u8>, n: u32) {
    if n >= 100 {
        out.extend_from_slice(&[
            b'0' + (n / 100) as u8,
            b'0' + (n / 10 % 10) as u8,
            b'0' + (n % 10) as u8,
        ]);
    } else if n >= 10 {
        out.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
    } else {
        out.push(b'0' + n as u8);
    }
}

/// `part` into `bytes` at `at` (always in bounds: the callers' buffers have room).
#[inline(always)]
fn put<const N: usize>(bytes: &mut [u8], at: usize, part: [u8; N]) {
    if let Some(slot) = bytes.get_mut(at..at + N) {
        slot.copy_from_slice(&part);
    }
}

/// [`Digits::int`] written right to left into a stack buffer, as [`write_money`].
pub(super) fn write_int<W: HumanWrite + ?Sized>(out: &mut W, n: i64) {
    // 19 digits and the sign.
    let mut bytes = [0u8; 24];
    let mut at = bytes.len();
    let mut put = |b: u8| {
        at = at.saturating_sub(1);
        if let Some(slot) = bytes.get_mut(at) {
            *slot = b;
        }
    };
    let mut rest = n.unsigned_abs();
    loop {
        put(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        put(b'-');
    }
    out.ascii(bytes.get(at..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::str::FromStr;

    use super::*;

    fn decimal(d: Decimal) -> String {
        let mut digits = Digits::new();
        let mut out = String::new();
        digits.decimal(d, b'.');
        digits.write_to(&mut out);
        out
    }

    #[test]
    fn decimals_read_as_their_display() {
        let mut next = crate::xorshift::xorshift(0x9E37_79B9_7F4A_7C15u64);
        let mut cases: Vec<Decimal> = [
            "1",
            "30",
            "1.5",
            "0.05",
            "0.5",
            "-0.05",
            "-12.340",
            "100",
            "0.001",
            "123.456",
            "18446744073709551615",
            "0.18446744073709551615",
            "-1844674407370955.1615",
        ]
        .iter()
        .map(|s| Decimal::from_str(s).unwrap())
        .collect();
        for _ in 0..5_000 {
            let mantissa = i64::try_from(next() >> (next() % 64)).unwrap_or(7);
            let negative = next().is_multiple_of(2);
            let scale = (next() % 29) as u32;
            let m = if negative { -mantissa } else { mantissa };
            cases.push(Decimal::new(m, scale.min(28)));
            cases.push(Decimal::new(m, scale.min(28)).normalize());
        }
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        cases.extend([
            Decimal::ZERO,
            Decimal::new(0, 3),
            negative_zero,
            Decimal::MAX,
        ]);
        for _ in 0..2_000 {
            let wide = (u128::from(next()) << 32 | u128::from(next() >> 32)) >> (next() % 40);
            let wide = i128::try_from(wide % (1 << 96)).unwrap();
            let scale = (next() % 29) as u32;
            cases.push(Decimal::from_i128_with_scale(wide, scale));
            cases.push(Decimal::from_i128_with_scale(-wide, scale).normalize());
        }
        let third = Decimal::ONE / Decimal::from(3);
        cases.extend([
            third,
            -third,
            Decimal::from_str("0.2738194743644980611805256355").unwrap(),
        ]);
        for d in cases {
            assert_eq!(decimal(d), d.to_string(), "{d:?}");
            assert_eq!(
                normalized(d).serialize(),
                d.normalize().serialize(),
                "{d:?}"
            );
            for mark in [b'.', b','] {
                let mut reference = String::new();
                let mut digits = Digits::new();
                digits.decimal(d, mark);
                digits.write_to(&mut reference);
                let mut bytes = b"x".to_vec();
                write_decimal_bytes(&mut bytes, d, mark);
                assert_eq!(bytes, format!("x{reference}").into_bytes(), "{d:?}");
            }
        }
    }

    #[test]
    fn integers_written_right_to_left_are_the_digits_int() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut cases = vec![
            0,
            1,
            -1,
            9,
            10,
            -10,
            99,
            100,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ];
        for _ in 0..5_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed >> (seed % 64)) as i64;
            cases.extend([n, -n]);
        }
        for n in cases {
            let mut reference = String::new();
            let mut digits = Digits::new();
            digits.int(n);
            digits.write_to(&mut reference);
            let mut fast = String::new();
            write_int(&mut fast, n);
            assert_eq!(fast, reference);
        }
    }

    #[test]
    fn money_written_right_to_left_is_the_digits_money() {
        let mut next = crate::xorshift::xorshift(0x2545_F491_4F6C_DD1Du64);
        let mut cases: Vec<(bool, u128, u128)> = vec![
            (false, 0, 0),
            (true, 0, 5),
            (false, 999, 99),
            (false, 1000, 0),
            (false, 1_571, 16),
            (true, 123_456, 7),
            (false, u128::from(u64::MAX), 99),
            (false, u128::from(u64::MAX) + 1, 1),
            (true, u128::MAX, 42),
        ];
        for _ in 0..5_000 {
            let units = u128::from(next() >> (next() % 64));
            let wide = units << (next() % 40);
            cases.push((next().is_multiple_of(2), units, u128::from(next() % 100)));
            cases.push((next().is_multiple_of(2), wide, u128::from(next() % 100)));
        }
        for (negative, units, cents) in cases {
            for (grouped, mark) in [(false, b'.'), (true, b',')] {
                let mut reference = String::new();
                let mut digits = Digits::new();
                digits.money(negative, units, cents, grouped, mark);
                digits.write_to(&mut reference);
                let mut fast = String::new();
                write_money(&mut fast, (negative, units, cents), grouped, mark);
                assert_eq!(fast, reference, "{negative} {units} {cents}");
            }
        }
    }
}
