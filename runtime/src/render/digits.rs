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

    /// `n` with its sign.
    pub(super) fn int(&mut self, n: i64) {
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

    pub(super) fn write_to<W: HumanWrite + ?Sized>(&self, out: &mut W) {
        out.ascii(self.bytes.get(..self.len).unwrap_or_default());
    }
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
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
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
            let negative = next() % 2 == 0;
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
        }
    }
}
