//! The one-pass reader: dossier text straight into slots, guided by the program's input tree,
//! without building a `serde_json::Value`. At each object it knows the keys expected and marks
//! each one seen in a bitset (a key given twice is a duplicate).
//!
//! It is exact by giving up: on anything it is not sure of (any error, an unusual number form,
//! a lone surrogate, an escaped or `$` key, a strict unknown field, a very wide object) it
//! returns `None` and the reference reader (`super::read_str_reference`) runs instead, so that
//! every error and its path stay the reference's. What it accepts, it decodes exactly as the
//! reference does: the same functions read the same number and string texts.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::scan::{same, Digits, GiveUp, Scan, Scanner};
use super::{
    is_plain_decimal, mark_unknown, parse_date, parse_int, suggestion, DecodeOptions, Decoded,
    Dossier, DossierWarning, Path, Spare, MAX_DEPTH, MAX_LIST_LEN, MAX_TEXT_BYTES,
};
use crate::ir::{EnumDef, InputField, InputKind, Program, Ty};
use crate::value::Value;

/// The widest object the reader reads (its seen keys are one `u64`).
const MAX_FIELDS: usize = 64;

/// Keys whose order is kept from one dossier to the next (a hint, see `Reader::trail`).
const MAX_TRAIL: usize = 1024;

/// Whether the reader can read dossiers of `p`: every object has at most [`MAX_FIELDS`]
/// fields, with distinct names (the reference would read one key into two same-named fields),
/// each a plain JSON key (no quote, backslash or control character to escape, no leading `$`),
/// so that the text of an expected key can be compared with its name directly.
pub(crate) fn supports(p: &Program) -> bool {
    fn plain(name: &str) -> bool {
        !name.starts_with('$') && !name.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20)
    }
    fn distinct<'a>(names: impl ExactSizeIterator<Item = &'a str> + Clone) -> bool {
        let count = names.len();
        count <= MAX_FIELDS
            && names.clone().all(plain)
            && names
                .clone()
                .enumerate()
                .all(|(i, a)| names.clone().skip(i + 1).all(|b| a != b))
    }
    fn ty_ok(ty: &Ty) -> bool {
        match ty {
            Ty::List(inner) | Ty::Optional(inner) => ty_ok(inner),
            Ty::Record(fields) => {
                distinct(fields.iter().map(|(n, _)| n.as_str()))
                    && fields.iter().all(|(_, t)| ty_ok(t))
            }
            _ => true,
        }
    }
    fn fields_ok(fields: &[InputField]) -> bool {
        distinct(fields.iter().map(|f| f.name.as_str()))
            && fields.iter().all(|f| match &f.kind {
                InputKind::Leaf { ty, .. } => ty_ok(ty),
                InputKind::Record(sub) => fields_ok(sub),
            })
    }
    fields_ok(&p.inputs)
}

/// Reads `text` as [`super::read_str_reference`] would, or `None` where it gives up; the
/// values are written over `spare`'s (emptied first), keeping its room, and the order of the
/// keys met is left in it for the next dossier.
pub(crate) fn read(
    p: &Program,
    text: &str,
    options: &DecodeOptions,
    reuse: &mut Spare,
) -> Option<Decoded> {
    if text.len() > MAX_TEXT_BYTES {
        return None;
    }
    let mut spare = std::mem::take(&mut reuse.values);
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let slots = p.input_paths.len();
    if spare.len() == slots {
        // Mostly numbers and flags: each is overwritten where it lies, nothing moved.
        for value in &mut spare {
            if !matches!(value, Value::Absent) {
                *value = Value::Absent;
            }
        }
    } else {
        spare.clear();
        spare.resize(slots, Value::Absent);
    }
    let mut reader = Reader {
        scan: Scanner::new(text),
        enums: &p.enums,
        strict: options.strict,
        values: spare,
        unknown: Vec::new(),
        trail: &mut reuse.trail,
        step: 0,
    };
    reader.scan.ws();
    let warnings = reader.object(&p.inputs, &Path::Root, 0).ok()?;
    reader.scan.ws();
    if !reader.scan.at_end() {
        return None;
    }
    Some(Decoded {
        dossier: Dossier {
            values: reader.values,
            unknown: reader.unknown,
        },
        warnings,
    })
}

struct Reader<'t, 'p> {
    scan: Scanner<'t>,
    enums: &'p [EnumDef],
    strict: bool,
    values: Vec<Value>,
    unknown: Vec<u64>,
    /// The field read at each key of the previous dossier, in text order across its objects:
    /// the one tried first at the same key of this one (dossiers of a batch mostly share an
    /// order, rarely the program's). A hint only: a key is always compared with its name.
    trail: &'p mut Vec<u32>,
    /// Keys met so far.
    step: usize,
}

/// Which of the names of `fields` is the key at the cursor (read when found), trying first
/// the one expected after the previous key: a dossier written in the program's field order (a
/// form, `socle population`) matches at the first comparison.
fn known_key<'f, T>(
    scan: &mut Scanner,
    fields: &'f [T],
    name: impl Fn(&'f T) -> &'f str,
    hint: usize,
) -> Option<usize> {
    // Tried alone first: the search below costs more than one comparison.
    if fields.get(hint).is_some_and(|f| scan.key_is(name(f))) {
        return Some(hint);
    }
    let (before, after) = fields.split_at(hint.min(fields.len()));
    if let Some(i) = after.iter().position(|f| scan.key_is(name(f))) {
        return Some(i + hint);
    }
    before.iter().position(|f| scan.key_is(name(f)))
}

/// Bit `i` of a seen-keys set, or a give-up when it was already set (a duplicate key).
fn see(seen: &mut u64, i: usize) -> Scan<()> {
    let bit = 1u64
        .checked_shl(u32::try_from(i).map_err(|_| GiveUp)?)
        .ok_or(GiveUp)?;
    if *seen & bit != 0 {
        return Err(GiveUp);
    }
    *seen |= bit;
    Ok(())
}

impl<'t> Reader<'t, '_> {
    /// An object of the input tree at `depth`, into its slots; its warnings come back in the
    /// reference's order: its own unknown keys in text order, then those of its sub-objects in
    /// declaration order.
    fn object(
        &mut self,
        fields: &[InputField],
        path: &Path,
        depth: usize,
    ) -> Scan<Vec<DossierWarning>> {
        self.scan.eat(b'{')?;
        if depth >= MAX_DEPTH || fields.len() > MAX_FIELDS {
            return Err(GiveUp);
        }
        let mut seen = 0u64;
        let mut warnings = Vec::new();
        let mut nested: Vec<(usize, Vec<DossierWarning>)> = Vec::new();
        let mut unknown_keys: Vec<&str> = Vec::new();
        let mut hint = 0;
        self.scan.ws();
        if !self.scan.eat_if(b'}') {
            loop {
                self.scan.ws();
                let step = self.step;
                self.step += 1;
                let tried = self.trail.get(step).map_or(hint, |&h| h as usize);
                let (key, found) = match fields.get(tried) {
                    // The key expected, compact: one comparison reads it with its colon.
                    Some(f) if self.scan.key_colon_is(&f.name) => (f.name.as_str(), Some(tried)),
                    _ => {
                        let known = known_key(&mut self.scan, fields, |f| &f.name, hint);
                        let read = match known {
                            Some(i) => (fields.get(i).map_or("", |f| f.name.as_str()), Some(i)),
                            None => (self.scan.key()?, None),
                        };
                        self.scan.ws();
                        self.scan.eat(b':')?;
                        let met = read
                            .1
                            .and_then(|i| u32::try_from(i).ok())
                            .unwrap_or(u32::MAX);
                        if let Some(slot) = self.trail.get_mut(step) {
                            *slot = met;
                        } else if self.trail.len() < MAX_TRAIL {
                            self.trail.push(met);
                        }
                        read
                    }
                };
                self.scan.ws();
                let field_path = Path::Field(path, key);
                match found {
                    Some(i) => {
                        see(&mut seen, i)?;
                        hint = i + 1;
                        let field = fields.get(i).ok_or(GiveUp)?;
                        self.field((i, field), &field_path, depth + 1, &mut nested)?;
                    }
                    None => {
                        if self.strict || unknown_keys.contains(&key) {
                            return Err(GiveUp);
                        }
                        unknown_keys.push(key);
                        warnings.push(DossierWarning {
                            path: field_path.render(),
                            suggestion: suggestion(key, fields).map(str::to_owned),
                        });
                        self.scan.skip_value(depth + 1)?;
                    }
                }
                // Compact text first: the comma or the brace right after the value.
                if self.scan.eat_if(b',') {
                    continue;
                }
                if self.scan.eat_if(b'}') {
                    break;
                }
                self.scan.ws();
                if !self.scan.eat_if(b',') {
                    self.scan.eat(b'}')?;
                    break;
                }
            }
        }
        let unused = u32::try_from(MAX_FIELDS - fields.len()).unwrap_or(u32::MAX);
        let all = u64::MAX.checked_shr(unused).unwrap_or(0);
        if seen != all {
            self.missing(fields, seen);
        }
        if !nested.is_empty() {
            nested.sort_by_key(|(i, _)| *i);
            warnings.extend(nested.into_iter().flat_map(|(_, w)| w));
        }
        Ok(warnings)
    }

    /// Marks the fields not seen unknown, unless optional.
    fn missing(&mut self, fields: &[InputField], seen: u64) {
        for (i, field) in fields.iter().enumerate() {
            if seen >> i & 1 == 0 && !optional(field) {
                // Not given: unknown. Deciding names it if a dispositif needs it.
                mark_unknown(&field.kind, &mut self.unknown);
            }
        }
    }

    /// One known field's value (`null` is as if the field were left out); the warnings of a
    /// sub-object go to `nested`, under the field's index `i`.
    fn field(
        &mut self,
        (i, field): (usize, &InputField),
        path: &Path,
        depth: usize,
        nested: &mut Vec<(usize, Vec<DossierWarning>)>,
    ) -> Scan<()> {
        if self.scan.null()? {
            if !optional(field) {
                mark_unknown(&field.kind, &mut self.unknown);
            }
            return Ok(());
        }
        match &field.kind {
            InputKind::Leaf { slot, ty, bounds } => {
                let value = self.leaf(ty, depth)?;
                // Out of bounds: the reference reader names the field and its bounds.
                if let (Some(bounds), Value::Int(n)) = (bounds, &value) {
                    if !within(*n, *bounds) {
                        return Err(GiveUp);
                    }
                }
                if let Some(target) = self.values.get_mut(*slot as usize) {
                    *target = value;
                }
            }
            InputKind::Record(sub) => {
                let inner = self.object(sub, path, depth)?;
                if !inner.is_empty() {
                    nested.push((i, inner));
                }
            }
        }
        Ok(())
    }

    /// [`Reader::leaf`] called, not inlined: for the values inside other values.
    #[inline(never)]
    fn inner_leaf(&mut self, ty: &Ty, depth: usize) -> Scan<Value> {
        self.leaf(ty, depth)
    }

    /// A value of type `ty` at `depth`, as the reference's `Decoder::leaf` reads it. Inlined
    /// into the field's reading: a call per field, returning a value, cost as much as reading
    /// a number.
    #[inline(always)]
    fn leaf(&mut self, ty: &Ty, depth: usize) -> Scan<Value> {
        match ty {
            Ty::Optional(inner) => {
                if self.scan.null()? {
                    Ok(Value::Absent)
                } else {
                    self.inner_leaf(inner, depth)
                }
            }
            Ty::Bool => self.scan.bool().map(Value::Bool),
            Ty::Int => self.int().map(Value::Int),
            Ty::Duration(family) => self.int().map(|n| Value::Duration(n, *family)),
            Ty::Decimal | Ty::Rate => self.decimal().map(Value::Dec),
            Ty::Money(_) => {
                let d = self.decimal()?;
                // Normalising only lowers the scale: a scale of 2 or less needs no normalising.
                if (d.is_sign_negative() && !d.is_zero())
                    || (d.scale() > 2 && d.normalize().scale() > 2)
                {
                    return Err(GiveUp);
                }
                Ok(Value::Dec(d))
            }
            Ty::Date => {
                let s = self.expect_string()?;
                parse_date(&s).map(Value::Date).map_err(|_| GiveUp)
            }
            Ty::Text => {
                let s = self.expect_string()?;
                Ok(Value::Text(Arc::from(&*s)))
            }
            Ty::Enum(id) => {
                let s = self.expect_string()?;
                let variants = self.enums.get(*id as usize).ok_or(GiveUp)?;
                let i = variants
                    .variants
                    .iter()
                    .position(|v| same(v.as_bytes(), s.as_bytes()))
                    .ok_or(GiveUp)?;
                Ok(Value::Enum {
                    ty: *id,
                    variant: u32::try_from(i).map_err(|_| GiveUp)?,
                })
            }
            Ty::List(inner) => self.list(inner, depth),
            Ty::Record(fields) => self.record(fields, depth),
        }
    }

    fn expect_string(&mut self) -> Scan<std::borrow::Cow<'t, str>> {
        if self.scan.peek() != Some(b'"') {
            return Err(GiveUp);
        }
        self.scan.string()
    }

    /// A plain JSON integer that fits an `i64`.
    fn int(&mut self) -> Scan<i64> {
        if let Some(digits) = self.scan.short_number() {
            return digits.integer().ok_or(GiveUp);
        }
        let n = self.scan.number()?;
        if !n.integer || n.unusual {
            return Err(GiveUp);
        }
        match n.digits.and_then(Digits::integer) {
            Some(i) => Ok(i),
            None => parse_int(n.text).map_err(|_| GiveUp),
        }
    }

    /// A number without exponent, or a plain decimal text (`"1012.02"`), exactly.
    fn decimal(&mut self) -> Scan<Decimal> {
        if self.scan.peek() == Some(b'"') {
            let s = self.scan.string()?;
            if let Some(d) = Digits::of_plain(&s).and_then(Digits::decimal) {
                return Ok(d);
            }
            if !is_plain_decimal(&s) {
                return Err(GiveUp);
            }
            return Decimal::from_str_exact(&s).map_err(|_| GiveUp);
        }
        if let Some(digits) = self.scan.short_number() {
            return digits.decimal().ok_or(GiveUp);
        }
        let n = self.scan.number()?;
        if n.unusual {
            return Err(GiveUp);
        }
        match n.digits.and_then(Digits::decimal) {
            Some(d) => Ok(d),
            None => Decimal::from_str_exact(n.text).map_err(|_| GiveUp),
        }
    }

    fn list(&mut self, inner: &Ty, depth: usize) -> Scan<Value> {
        self.scan.eat(b'[')?;
        if depth >= MAX_DEPTH {
            return Err(GiveUp);
        }
        let mut items = Vec::new();
        self.scan.ws();
        if !self.scan.eat_if(b']') {
            loop {
                self.scan.ws();
                items.push(self.inner_leaf(inner, depth + 1)?);
                if items.len() > MAX_LIST_LEN {
                    return Err(GiveUp);
                }
                self.scan.ws();
                if !self.scan.eat_if(b',') {
                    self.scan.eat(b']')?;
                    break;
                }
            }
        }
        Ok(Value::List(Arc::from(items)))
    }

    /// An element of a list of structures: its fields in declaration order, absent when left
    /// out; an unknown key is an error of the reference's.
    fn record(&mut self, fields: &[(String, Ty)], depth: usize) -> Scan<Value> {
        self.scan.eat(b'{')?;
        if depth >= MAX_DEPTH || fields.len() > MAX_FIELDS {
            return Err(GiveUp);
        }
        let mut values = vec![Value::Absent; fields.len()];
        let mut seen = 0u64;
        let mut hint = 0;
        self.scan.ws();
        if !self.scan.eat_if(b'}') {
            loop {
                self.scan.ws();
                let i = known_key(&mut self.scan, fields, |(n, _)| n, hint).ok_or(GiveUp)?;
                self.scan.ws();
                self.scan.eat(b':')?;
                self.scan.ws();
                see(&mut seen, i)?;
                hint = i + 1;
                let (_, ty) = fields.get(i).ok_or(GiveUp)?;
                let value = self.inner_leaf(ty, depth + 1)?;
                if let Some(target) = values.get_mut(i) {
                    *target = value;
                }
                self.scan.ws();
                if !self.scan.eat_if(b',') {
                    self.scan.eat(b'}')?;
                    break;
                }
            }
        }
        Ok(Value::List(Arc::from(values)))
    }
}

fn within(n: i64, (lo, hi): (i64, i64)) -> bool {
    (lo..=hi).contains(&n)
}

/// An optional field may be left out or `null` without being unknown.
fn optional(field: &InputField) -> bool {
    field.optional
        || matches!(
            &field.kind,
            InputKind::Leaf {
                ty: Ty::Optional(_),
                ..
            }
        )
}
