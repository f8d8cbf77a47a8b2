//! A strict JSON scanner over the dossier text, for the one-pass reader (`fast.rs`). It accepts
//! only what serde_json (and the strict pass of `strict.rs`) accepts, and gives up on anything
//! it is not sure of, so that the reference reader runs and says what is wrong: it never needs
//! an error message of its own.

use std::borrow::Cow;

use super::strict::{MAX_DEPTH, MAX_LIST_LEN};

/// The scanner stops here; the reference reader decides (and explains) instead.
#[derive(Debug)]
pub(super) struct GiveUp;

pub(super) type Scan<T> = Result<T, GiveUp>;

/// Beyond this many keys in an ignored object, the reference reader checks duplicates instead
/// (a linear scan of the keys seen stays cheap below it).
const FEW_KEYS: usize = 32;

/// A JSON number's text, as serde_json keeps it with `arbitrary_precision`.
pub(super) struct Number<'t> {
    pub text: &'t str,
    /// No fraction and no exponent (`12`, `-3`).
    pub integer: bool,
    /// An exponent (`1e3`) or a negative zero (`-0`, `-0.5`): the reader leaves these forms to
    /// the reference.
    pub unusual: bool,
    /// Its digits, when there are few enough to be read directly (and no exponent).
    pub digits: Option<Digits>,
}

/// A decimal written `-?[0-9]+(.[0-9]+)?` with at most [`MAX_DIGITS`] digits: its value is
/// `mantissa × 10^-scale`, read without going through text again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Digits {
    pub negative: bool,
    pub mantissa: u64,
    pub scale: u32,
}

/// At most this many digits fit a `u64` (and an `i64`) whatever they are.
const MAX_DIGITS: usize = 18;

/// The run of ASCII digits at `i`: where it ends, how many, and their value (wrapped beyond
/// [`MAX_DIGITS`] digits, where the value is not used).
fn digit_run(bytes: &[u8], mut i: usize, mut value: u64) -> (usize, usize, u64) {
    let start = i;
    while let Some(b) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
        value = value.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
        i += 1;
    }
    (i, i - start, value)
}

/// The optional `.digits` after a whole part ending at `i`: where it ends, the mantissa with its
/// digits, and their count (the scale); `None` for a point without digits.
fn fraction(bytes: &[u8], i: usize, mantissa: u64) -> Option<(usize, u64, usize)> {
    if bytes.get(i) != Some(&b'.') {
        return Some((i, mantissa, 0));
    }
    let (end, count, value) = digit_run(bytes, i + 1, mantissa);
    (count > 0).then_some((end, value, count))
}

/// `a == b`, eight bytes at a time for the short texts of keys and enumeration variants (no
/// call to `memcmp`).
#[inline(always)]
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 4 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    if n < 8 {
        let half = |s: &[u8], at: usize| {
            s.get(at..at + 4)
                .and_then(|w| <[u8; 4]>::try_from(w).ok())
                .map(u32::from_ne_bytes)
        };
        return half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4);
    }
    let word = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_ne_bytes)
    };
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

impl Digits {
    /// `-?[0-9]+(.[0-9]+)?` exactly, as `is_plain_decimal` accepts it; `None` for any other
    /// text or too many digits (the reference functions then read it).
    pub fn of_plain(s: &str) -> Option<Digits> {
        let bytes = s.as_bytes();
        let negative = bytes.first() == Some(&b'-');
        let (i, whole, mantissa) = digit_run(bytes, usize::from(negative), 0);
        let (i, mantissa, scale) = fraction(bytes, i, mantissa)?;
        let count = whole + scale;
        (whole > 0 && i == bytes.len() && count <= MAX_DIGITS).then_some(Digits {
            negative,
            mantissa,
            scale: u32::try_from(scale).ok()?,
        })
    }

    /// The decimal these digits write, as `Decimal::from_str_exact` reads their text; `None`
    /// for a negative zero, left to `from_str_exact` itself.
    pub fn decimal(self) -> Option<rust_decimal::Decimal> {
        if self.negative && self.mantissa == 0 {
            return None;
        }
        let magnitude = i64::try_from(self.mantissa).ok()?;
        let signed = if self.negative { -magnitude } else { magnitude };
        rust_decimal::Decimal::try_new(signed, self.scale).ok()
    }

    /// The integer these digits write, if they have no fraction.
    pub fn integer(self) -> Option<i64> {
        if self.scale != 0 {
            return None;
        }
        let magnitude = i64::try_from(self.mantissa).ok()?;
        Some(if self.negative { -magnitude } else { magnitude })
    }
}

pub(super) struct Scanner<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Scanner<'t> {
    pub fn new(text: &'t str) -> Self {
        Scanner { text, pos: 0 }
    }

    pub fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn bump(&mut self) {
        self.pos += 1;
    }

    /// JSON whitespace (RFC 8259: space, tab, line feed, carriage return).
    pub fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.bump();
        }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    pub fn eat(&mut self, byte: u8) -> Scan<()> {
        if self.eat_if(byte) {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    pub fn eat_if(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.bump();
        }
        found
    }

    fn literal(&mut self, word: &[u8]) -> Scan<()> {
        let end = self.pos + word.len();
        if self.text.as_bytes().get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// `null`, if it is next.
    pub fn null(&mut self) -> Scan<bool> {
        if self.peek() == Some(b'n') {
            self.literal(b"null").map(|()| true)
        } else {
            Ok(false)
        }
    }

    pub fn bool(&mut self) -> Scan<bool> {
        match self.peek() {
            Some(b't') => self.literal(b"true").map(|()| true),
            Some(b'f') => self.literal(b"false").map(|()| false),
            _ => Err(GiveUp),
        }
    }

    /// The bytes of a string up to its first quote, backslash or control character.
    fn plain_run(&mut self) -> Scan<(&'t str, u8)> {
        let start = self.pos;
        let rest = self.text.as_bytes().get(start..).ok_or(GiveUp)?;
        let len = rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .ok_or(GiveUp)?;
        let stop = *rest.get(len).ok_or(GiveUp)?;
        if stop < 0x20 {
            return Err(GiveUp);
        }
        let run = self.text.get(start..start + len).ok_or(GiveUp)?;
        self.pos = start + len + 1;
        Ok((run, stop))
    }

    /// The key `name` is next (a plain name: no quote, backslash, control character or
    /// leading `$`, see `fast::supports`): read it. Comparing the expected name costs less
    /// than scanning the key and looking it up.
    pub fn key_is(&mut self, name: &str) -> bool {
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let end = start + name.len();
        // The first byte rules most other names out before a comparison of bytes.
        let found = bytes.get(start) == name.as_bytes().first()
            && bytes.get(end) == Some(&b'"')
            && bytes.get(self.pos) == Some(&b'"')
            && bytes
                .get(start..end)
                .is_some_and(|key| same(key, name.as_bytes()));
        if found {
            self.pos = end + 1;
        }
        found
    }

    /// [`Scanner::key_is`] with the colon right after the key (`"name":`, the compact form
    /// of most dossiers), read with it; `false`, nothing read, for any other text (which
    /// `key_is` and the colon's own reading then take).
    pub fn key_colon_is(&mut self, name: &str) -> bool {
        let name = name.as_bytes();
        let end = self.pos + name.len() + 3;
        match self.text.as_bytes().get(self.pos..end) {
            Some([b'"', key @ .., b'"', b':']) if same(key, name) => {
                self.pos = end;
                true
            }
            _ => false,
        }
    }

    /// An object key without escapes. A key starting with `$` is left to the reference: serde_json
    /// hands exact numbers to the strict pass as an object with a `$serde_json::…` key.
    pub fn key(&mut self) -> Scan<&'t str> {
        self.eat(b'"')?;
        match self.plain_run()? {
            (run, b'"') if !run.starts_with('$') => Ok(run),
            _ => Err(GiveUp),
        }
    }

    /// A string, its escapes decoded (a lone surrogate is left to the reference).
    pub fn string(&mut self) -> Scan<Cow<'t, str>> {
        self.eat(b'"')?;
        let (run, end) = self.plain_run()?;
        if end == b'"' {
            return Ok(Cow::Borrowed(run));
        }
        let mut owned = String::from(run);
        loop {
            self.escape(&mut owned)?;
            let (run, end) = self.plain_run()?;
            owned.push_str(run);
            if end == b'"' {
                return Ok(Cow::Owned(owned));
            }
        }
    }

    /// One escape, its backslash already read.
    fn escape(&mut self, out: &mut String) -> Scan<()> {
        let c = self.peek().ok_or(GiveUp)?;
        self.bump();
        let decoded = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                let code = match high {
                    0xD800..=0xDBFF => {
                        self.literal(b"\\u")?;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(GiveUp);
                        }
                        0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(GiveUp),
                    _ => high,
                };
                char::from_u32(code).ok_or(GiveUp)?
            }
            _ => return Err(GiveUp),
        };
        out.push(decoded);
        Ok(())
    }

    fn hex4(&mut self) -> Scan<u32> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = char::from(self.peek().ok_or(GiveUp)?)
                .to_digit(16)
                .ok_or(GiveUp)?;
            code = code * 16 + digit;
            self.bump();
        }
        Ok(code)
    }

    /// The common number, `[0-9]+(.[0-9]+)?` with at most [`MAX_DIGITS`] digits, no sign, no
    /// exponent, no leading zero: its digits as [`Scanner::number`] reads them, without its
    /// text. `None`, nothing read, for any other form (which [`Scanner::number`] then reads).
    pub fn short_number(&mut self) -> Option<Digits> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let (i, whole, mantissa) = digit_run(bytes, start, 0);
        if whole == 0 || (whole > 1 && bytes.get(start) == Some(&b'0')) {
            return None;
        }
        let (i, mantissa, scale) = fraction(bytes, i, mantissa)?;
        let count = whole + scale;
        if count > MAX_DIGITS || matches!(bytes.get(i), Some(b'e' | b'E')) {
            return None;
        }
        let scale = u32::try_from(scale).ok()?;
        self.pos = i;
        Some(Digits {
            negative: false,
            mantissa,
            scale,
        })
    }

    /// A number, following the JSON grammar exactly (`007` and `1.` are not numbers).
    pub fn number(&mut self) -> Scan<Number<'t>> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let negative = bytes.get(start) == Some(&b'-');
        let first = start + usize::from(negative);
        let zero = bytes.get(first) == Some(&b'0');
        let (i, mantissa) = if zero {
            (first + 1, 0)
        } else {
            let (end, _, value) = digit_run(bytes, first, 0);
            if end == first {
                return Err(GiveUp);
            }
            (end, value)
        };
        let (mut i, mantissa, scale) = fraction(bytes, i, mantissa).ok_or(GiveUp)?;
        let exponent = matches!(bytes.get(i), Some(b'e' | b'E'));
        if exponent {
            i += 1;
            if let Some(b'+' | b'-') = bytes.get(i) {
                i += 1;
            }
            let (end, n, _) = digit_run(bytes, i, 0);
            if n == 0 {
                return Err(GiveUp);
            }
            i = end;
        }
        self.pos = i;
        // The digits counted from the first one (a leading `0` included).
        let count = i - first - usize::from(scale > 0);
        let digits = match u32::try_from(scale) {
            Ok(scale) if !exponent && count <= MAX_DIGITS => Some(Digits {
                negative,
                mantissa,
                scale,
            }),
            _ => None,
        };
        Ok(Number {
            text: self.text.get(start..i).ok_or(GiveUp)?,
            integer: scale == 0 && !exponent,
            unusual: exponent || (negative && zero),
            digits,
        })
    }

    /// Any JSON value at `depth` (the strict pass's depth: the root is 0), checked as the
    /// strict pass checks it (duplicate keys, depth, list length), and ignored.
    pub fn skip_value(&mut self, depth: usize) -> Scan<()> {
        match self.peek() {
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(GiveUp);
                }
                self.bump();
                let mut keys: Vec<&str> = Vec::new();
                self.ws();
                if self.eat_if(b'}') {
                    return Ok(());
                }
                loop {
                    self.ws();
                    let key = self.key()?;
                    if keys.len() >= FEW_KEYS || keys.contains(&key) {
                        return Err(GiveUp);
                    }
                    keys.push(key);
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    if !self.eat_if(b',') {
                        return self.eat(b'}');
                    }
                }
            }
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(GiveUp);
                }
                self.bump();
                self.ws();
                if self.eat_if(b']') {
                    return Ok(());
                }
                let mut len = 0;
                loop {
                    self.ws();
                    self.skip_value(depth + 1)?;
                    len += 1;
                    if len > MAX_LIST_LEN {
                        return Err(GiveUp);
                    }
                    self.ws();
                    if !self.eat_if(b',') {
                        return self.eat(b']');
                    }
                }
            }
            Some(b'"') => self.string().map(drop),
            Some(b't' | b'f') => self.bool().map(drop),
            Some(b'n') => self.literal(b"null"),
            _ => self.number().map(drop),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The word-wise comparison of keys is `==` on every pair of short texts.
    #[test]
    fn same_is_equality() {
        let mut next = crate::xorshift::xorshift(0x2545_F491_4F6C_DD1Du64);
        for _ in 0..100_000 {
            let len = (next() % 30) as usize;
            let a: Vec<u8> = (0..len).map(|_| b'a' + (next() % 3) as u8).collect();
            let mut b = a.clone();
            match next() % 3 {
                0 => {}
                1 => {
                    if let Some(byte) = b.get_mut((next() % 30) as usize) {
                        *byte ^= 1 << (next() % 8);
                    }
                }
                _ => b.truncate((next() % 30) as usize),
            }
            assert_eq!(same(&a, &b), a == b, "{a:?} {b:?}");
        }
    }

    fn skip(text: &str) -> bool {
        let mut s = Scanner::new(text);
        s.ws();
        s.skip_value(0).is_ok() && {
            s.ws();
            s.at_end()
        }
    }

    #[test]
    fn accepts_only_what_serde_json_accepts() {
        for text in [
            r#"{"a": [1, -2.5, 3e4, 1E-2, "x\u00e9\n\"\\\/", null, true, false, {}], "b": {}}"#,
            r#""\ud83d\ude00""#,
            "0",
            "-0.0",
            "[]",
        ] {
            assert!(skip(text), "{text}");
            assert!(serde_json::from_str::<serde_json::Value>(text).is_ok());
        }
        for text in [
            "007",
            "1.",
            ".5",
            "-",
            "+1",
            "1e",
            "tru",
            "nul",
            r#""\x""#,
            r#""\ud800""#,
            r#""\udc00""#,
            "\"a\u{1}\"",
            "[1,]",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            "[1 2]",
            "\"open",
        ] {
            assert!(!skip(text), "{text}");
        }
        // What serde_json accepts but the reader leaves to the reference.
        assert!(!skip(r#"{"a": 1, "a": 2}"#));
        assert!(!skip(r#"{"$serde_json::private::Number": "1"}"#));
        assert!(!skip(r#"{"\u0061": 1}"#));
    }

    #[test]
    fn strings_decode_escapes() {
        let mut s = Scanner::new(r#""d\u00e9but \"x\" \\ \ud83d\ude00 \t""#);
        assert_eq!(s.string().unwrap(), "début \"x\" \\ \u{1F600} \t");
        let mut s = Scanner::new(r#""plain""#);
        assert!(matches!(s.string().unwrap(), Cow::Borrowed("plain")));
    }

    /// Where it reads a number, `short_number` reads what `number` reads, and stops at the
    /// same place.
    #[test]
    fn short_numbers_are_numbers() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let alphabet = ["0", "1", "9", "5", ".", "-", "e", "E", "+", ",", "}", " "];
        let mut texts: Vec<String> = [
            "0", "01", "0.00", "1.", "12.30,", "007", "1e3", "-1", "0.5e1",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        for _ in 0..20_000 {
            // Mostly digits, so that most texts start with a number.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut text = String::new();
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let digit = b'0' + (seed % 10) as u8;
                text.push(if seed.is_multiple_of(11) {
                    '.'
                } else {
                    char::from(digit)
                });
            }
            for _ in 0..(seed % 5) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(
                    alphabet
                        .get((seed % alphabet.len() as u64) as usize)
                        .unwrap(),
                );
            }
            texts.push(text);
        }
        let mut read = 0;
        for text in texts {
            let mut short = Scanner::new(&text);
            let Some(digits) = short.short_number() else {
                assert_eq!(short.pos, 0, "{text}");
                continue;
            };
            read += 1;
            let mut long = Scanner::new(&text);
            let n = long.number().unwrap();
            assert_eq!((n.digits, n.unusual), (Some(digits), false), "{text}");
            assert_eq!(n.integer, digits.scale == 0, "{text}");
            assert_eq!(long.pos, short.pos, "{text}");
        }
        assert!(read > 1_000, "{read}");
    }

    #[test]
    fn numbers() {
        let n = |t: &str| {
            let mut s = Scanner::new(t);
            let n = s.number().unwrap();
            (n.text.to_owned(), n.integer, n.unusual, s.at_end())
        };
        assert_eq!(n("12"), ("12".to_owned(), true, false, true));
        assert_eq!(n("-1.50"), ("-1.50".to_owned(), false, false, true));
        assert_eq!(n("-0"), ("-0".to_owned(), true, true, true));
        assert_eq!(n("1e3"), ("1e3".to_owned(), false, true, true));
        assert_eq!(n("0.5"), ("0.5".to_owned(), false, false, true));
        assert!(!n("01").3);
    }

    /// Digits read directly give the very decimal (same bits, same scale) and integer that the
    /// reference functions read from the same text.
    #[test]
    fn digits_read_as_the_text() {
        use rust_decimal::Decimal;
        let mut texts: Vec<String> = [
            "0",
            "7",
            "-7",
            "0.0",
            "0.10",
            "1.50",
            "-1.50",
            "007.50",
            "-12",
            "999999999999999999",
            "-999999999999999999",
            "0.000000000000000001",
            "123456789.123456789",
            "1012.02",
        ]
        .map(str::to_owned)
        .to_vec();
        let mut x: u64 = 0x5eed;
        for _ in 0..5_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let whole = (x >> 20) % 10u64.pow(u32::try_from((x >> 8) % 10).unwrap());
            let places = usize::try_from((x >> 4) % 8).unwrap();
            let fraction = (x >> 40) % 10u64.pow(u32::try_from(places).unwrap());
            let sign = if x & 1 == 1 { "-" } else { "" };
            texts.push(match places {
                0 => format!("{sign}{whole}"),
                p => format!("{sign}{whole}.{fraction:0p$}"),
            });
        }
        for text in &texts {
            let exact = Decimal::from_str_exact(text).unwrap();
            if let Some(d) = Digits::of_plain(text).and_then(Digits::decimal) {
                assert_eq!(d.serialize(), exact.serialize(), "{text}");
            } else {
                let digits = text.bytes().filter(u8::is_ascii_digit).count();
                assert!(
                    (text.starts_with("-0") && exact.is_zero()) || digits > MAX_DIGITS,
                    "{text}"
                );
            }
            let mut s = Scanner::new(text);
            if let Ok(n) = s.number() {
                if let (true, false, Some(d)) =
                    (s.at_end(), n.unusual, n.digits.and_then(Digits::decimal))
                {
                    assert_eq!(d.serialize(), exact.serialize(), "{text}");
                    if n.integer {
                        let parsed: i64 = text.parse().unwrap();
                        assert_eq!(n.digits.and_then(Digits::integer), Some(parsed), "{text}");
                    }
                }
            }
        }
        for beyond in [
            "1234567890123456789",
            "1.",
            ".5",
            "1.2.3",
            "",
            "-",
            "+1",
            "1e3",
            "1 0",
        ] {
            assert_eq!(Digits::of_plain(beyond), None, "{beyond}");
        }
        let mut s = Scanner::new("1234567890123456789");
        assert!(s.number().unwrap().digits.is_none());
    }

    #[test]
    fn limits() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(skip(&deep));
        let deeper = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(!skip(&deeper));
        let fits = format!("[{}0]", "0,".repeat(MAX_LIST_LEN - 1));
        assert!(skip(&fits));
        let long = format!("[{}0]", "0,".repeat(MAX_LIST_LEN));
        assert!(!skip(&long));
    }
}
