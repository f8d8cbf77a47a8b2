//! Reading a dossier JSON into slot-indexed values, and describing it as a JSON Schema.
//!
//! Numbers are read from their exact JSON text (`arbitrary_precision`), never through `f64`.
//! JSON paths are built only when an error is reported.

use std::fmt::Write;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::{Map, Value as Json};

use crate::error::{DossierError, DossierErrorKind};
use crate::ir::{DurationFamily, EnumDef, InputField, InputKind, Program, Ty};
use crate::value::Value;

mod fast;
mod leaf_text;
mod record;
mod scan;
mod schema;
mod strict;

use leaf_text::{is_plain_decimal, parse_date, parse_decimal, parse_int, DateError, IntError};

pub(crate) use fast::supports as fast_supported;

pub(crate) use schema::{json_schema, json_schema_for};
pub use strict::{MAX_DEPTH, MAX_LIST_LEN, MAX_TEXT_BYTES};

/// A decoded dossier: one value per input slot of the program it was decoded for. A field the
/// dossier does not give is *unknown* (not the same as an optional field left empty, which is
/// known to be absent): deciding names it when it matters.
#[derive(Clone, Debug, PartialEq)]
pub struct Dossier {
    values: Vec<Value>,
    /// Bit `slot` set: the dossier does not give this input. Empty for a complete dossier.
    unknown: Vec<u64>,
}

/// How strictly a dossier is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecodeOptions {
    /// A field the ruleset does not know is an error instead of a warning.
    pub strict: bool,
}

/// A field of the dossier that the ruleset does not read: ignored, but reported, with the
/// known field it probably meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DossierWarning {
    /// Dotted JSON path of the unknown field.
    pub path: String,
    /// A known sibling field with a close name (`domicile_secours` for `domicile_secour`).
    pub suggestion: Option<String>,
}

impl std::fmt::Display for DossierWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` : champ inconnu de ce jeu de règles, ignoré",
            self.path
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, " ; vouliez-vous dire `{s}` ?")?;
        }
        Ok(())
    }
}

/// A dossier read, with the warnings about the fields it ignored.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// The dossier, ready to decide.
    pub dossier: Dossier,
    /// The fields it gave that the ruleset does not read (ignored).
    pub warnings: Vec<DossierWarning>,
}

/// Every error of a refused dossier at once (never empty), and its warnings.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct DossierErrors {
    /// Every error, in the ruleset's field order.
    pub errors: Vec<DossierError>,
    /// The fields it gave that the ruleset does not read.
    pub warnings: Vec<DossierWarning>,
}

impl DossierErrors {
    fn one(error: DossierError) -> Self {
        DossierErrors {
            errors: vec![error],
            warnings: Vec::new(),
        }
    }

    /// The first error (the dossier is refused for it and possibly others).
    pub fn first(&self) -> Option<&DossierError> {
        self.errors.first()
    }
}

impl Dossier {
    /// Its values, to be read over by the next dossier ([`read_str_reusing`]).
    pub(crate) fn into_values(self) -> Vec<Value> {
        self.values
    }

    /// A dossier built directly from slot values (tests, embedding applications). Slots the
    /// program reads but `values` lacks make `decide` fail rather than panic.
    pub fn from_values(values: Vec<Value>) -> Self {
        Dossier {
            values,
            unknown: Vec::new(),
        }
    }

    /// A dossier whose `unknown` slots are not given (their values are ignored).
    pub fn partial(mut values: Vec<Value>, unknown: &[u32]) -> Self {
        let mut bits = Vec::new();
        for slot in unknown {
            set_bit(&mut bits, *slot);
            if let Some(v) = values.get_mut(*slot as usize) {
                *v = Value::Absent;
            }
        }
        Dossier {
            values,
            unknown: bits,
        }
    }

    /// Whether the dossier does not give this input.
    pub fn is_unknown(&self, slot: u32) -> bool {
        self.unknown
            .get((slot / 64) as usize)
            .is_some_and(|word| word >> (slot % 64) & 1 == 1)
    }

    /// The inputs the dossier does not give, in slot order.
    pub fn unknown_slots(&self) -> Vec<u32> {
        (0..u32::try_from(self.values.len()).unwrap_or(u32::MAX))
            .filter(|s| self.is_unknown(*s))
            .collect()
    }

    pub(crate) fn unknown_bits(&self) -> &[u64] {
        &self.unknown
    }

    /// Every slot value, indexed by input slot.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The value of one input slot.
    pub fn get(&self, slot: u32) -> Option<&Value> {
        self.values.get(slot as usize)
    }
}

/// A JSON path kept on the stack while descending, rendered only for an error.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Field(parent, name) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Path::Index(parent, i) => {
                parent.write(out);
                let _ = write!(out, "[{i}]");
            }
        }
    }
}

/// What a field should hold, as a French noun phrase and its gender.
#[derive(Clone, Copy)]
enum Expected<'a> {
    Bool,
    Int,
    /// `entier dans MIN..MAX`.
    IntIn(i64, i64),
    Money,
    Decimal,
    Rate,
    Date,
    Duration(DurationFamily),
    Text,
    Enum(&'a EnumDef),
    List,
    Object,
}

impl Expected<'_> {
    fn noun(&self) -> String {
        match self {
            Expected::Bool => "booléen (true ou false)".to_owned(),
            Expected::Int => "entier".to_owned(),
            Expected::IntIn(lo, hi) => format!("entier de {lo} à {hi}"),
            Expected::Money => "montant (nombre ou texte comme \"1012.02\")".to_owned(),
            Expected::Decimal => "nombre décimal".to_owned(),
            Expected::Rate => "taux (nombre décimal, 0.25 pour 25 %)".to_owned(),
            Expected::Date => "date AAAA-MM-JJ".to_owned(),
            Expected::Duration(DurationFamily::Days) => "durée en jours (entier)".to_owned(),
            Expected::Duration(DurationFamily::Months) => "durée en mois (entier)".to_owned(),
            Expected::Duration(DurationFamily::Hours) => "durée en heures (entier)".to_owned(),
            Expected::Text => "texte".to_owned(),
            Expected::Enum(e) => format!("valeur parmi {}", e.variants.join(", ")),
            Expected::List => "liste".to_owned(),
            Expected::Object => "objet".to_owned(),
        }
    }

    fn feminine(&self) -> bool {
        matches!(
            self,
            Expected::Date | Expected::Duration(_) | Expected::Enum(_) | Expected::List
        )
    }
}

/// How a JSON value reads in an error message.
fn describe(v: &Json) -> String {
    match v {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => format!("le booléen {b}"),
        Json::Number(n) => format!("le nombre {}", n.as_str()),
        Json::String(s) => format!("le texte {}", quoted(s)),
        Json::Array(_) => "une liste".to_owned(),
        Json::Object(_) => "un objet".to_owned(),
    }
}

fn quoted(s: &str) -> String {
    // JSON quoting shows control characters and quotes unambiguously.
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn wrong_type(path: &Path, expected: Expected, found: &Json) -> DossierError {
    DossierError::new(
        DossierErrorKind::WrongType,
        path.render(),
        expected.noun(),
        expected.feminine(),
        describe(found),
    )
}

fn invalid(path: &Path, expected: Expected, found: String, detail: &str) -> DossierError {
    DossierError::new(
        DossierErrorKind::InvalidValue,
        path.render(),
        expected.noun(),
        expected.feminine(),
        found,
    )
    .with_detail(detail)
}

fn set_bit(bits: &mut Vec<u64>, slot: u32) {
    let word = (slot / 64) as usize;
    if bits.len() <= word {
        bits.resize(word + 1, 0);
    }
    if let Some(w) = bits.get_mut(word) {
        *w |= 1 << (slot % 64);
    }
}

/// What a slot should hold, in French (`entier`, `date AAAA-MM-JJ`).
pub(crate) fn expected_noun(p: &Program, slot: u32) -> String {
    fn find(fields: &[InputField], slot: u32) -> Option<(&Ty, Option<(i64, i64)>)> {
        fields.iter().find_map(|f| match &f.kind {
            InputKind::Leaf {
                slot: s,
                ty,
                bounds,
            } if *s == slot => Some((ty, *bounds)),
            InputKind::Leaf { .. } => None,
            InputKind::Record(sub) => find(sub, slot),
        })
    }
    let decoder = Decoder {
        enums: &p.enums,
        strict: false,
    };
    match find(&p.inputs, slot) {
        Some((_, Some((lo, hi)))) => Expected::IntIn(lo, hi).noun(),
        Some((ty, None)) => decoder.expected(ty).noun(),
        None => String::new(),
    }
}

pub(crate) fn decode_str(p: &Program, fast: bool, text: &str) -> Result<Dossier, DossierError> {
    read_str(p, fast, text, &DecodeOptions::default())
        .map(|d| d.dossier)
        .map_err(|mut e| e.errors.swap_remove(0))
}

pub(crate) fn decode_json(p: &Program, json: &Json) -> Result<Dossier, DossierError> {
    read_json(p, json, &DecodeOptions::default())
        .map(|d| d.dossier)
        .map_err(|mut e| e.errors.swap_remove(0))
}

/// The one-pass reader where it is sure (`fast`: the program is one it supports), else the
/// reference reader.
pub(crate) fn read_str(
    p: &Program,
    fast: bool,
    text: &str,
    options: &DecodeOptions,
) -> Result<Decoded, DossierErrors> {
    read_str_reusing(p, fast, text, options, &mut Spare::default())
}

/// What a read leaves for the next one on the same thread ([`read_str_reusing`]): the vector
/// of values to read over, and the order the keys came in.
#[derive(Default)]
pub(crate) struct Spare {
    pub(crate) values: Vec<Value>,
    pub(crate) trail: Vec<u32>,
}

/// [`read_str`], the one-pass reader writing into `spare`'s values (those of a dossier read
/// before, [`Dossier::into_values`]) rather than into a fresh vector, and trying the keys in
/// the order of that dossier: a batch reads a stream of dossiers without allocating for each.
pub(crate) fn read_str_reusing(
    p: &Program,
    fast: bool,
    text: &str,
    options: &DecodeOptions,
    spare: &mut Spare,
) -> Result<Decoded, DossierErrors> {
    match fast.then(|| fast::read(p, text, options, spare)).flatten() {
        Some(decoded) => Ok(decoded),
        None => read_str_reference(p, text, options),
    }
}

/// The one-pass reader alone: `None` where it gives up (the reference reader would then run).
pub(crate) fn read_str_fast(p: &Program, text: &str, options: &DecodeOptions) -> Option<Decoded> {
    fast::read(p, text, options, &mut Spare::default())
}

/// The reference reader: the text parsed into a `serde_json::Value` (strictly), then read.
pub(crate) fn read_str_reference(
    p: &Program,
    text: &str,
    options: &DecodeOptions,
) -> Result<Decoded, DossierErrors> {
    parse(text)
        .map_err(DossierErrors::one)
        .and_then(|json| read_json(p, &json, options))
}

fn parse(text: &str) -> Result<Json, DossierError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(limit(
            &Path::Root,
            format!("texte de {} octets", text.len()),
            format!("{MAX_TEXT_BYTES} octets au plus"),
        ));
    }
    // RFC 8259 lets a parser ignore a byte order mark; Windows tools often write one.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let parsed = strict::parse(text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "le texte s'arrête avant la fin du JSON",
            _ => "syntaxe incorrecte",
        };
        DossierError::new(
            DossierErrorKind::Syntax,
            String::new(),
            "objet JSON".to_owned(),
            false,
            format!("{what} (ligne {}, colonne {})", e.line(), e.column()),
        )
    })?;
    let json = parsed.map_err(|violation| match violation {
        strict::Violation::DuplicateKey { path } => DossierError::new(
            DossierErrorKind::DuplicateKey,
            path,
            "une seule fois chaque champ".to_owned(),
            false,
            "le même champ deux fois dans un objet".to_owned(),
        ),
        strict::Violation::TooDeep { path } => DossierError::new(
            DossierErrorKind::Limit,
            path,
            format!("{MAX_DEPTH} niveaux d'imbrication au plus"),
            false,
            "objets ou listes imbriqués trop profondément".to_owned(),
        ),
        strict::Violation::TooLong { path, len } => DossierError::new(
            DossierErrorKind::Limit,
            path,
            format!("{MAX_LIST_LEN} éléments au plus"),
            false,
            format!("liste de plus de {} éléments", len.saturating_sub(1)),
        ),
    })?;
    Ok(json)
}

fn limit(path: &Path, found: String, bound: String) -> DossierError {
    DossierError::new(DossierErrorKind::Limit, path.render(), bound, false, found)
}

pub(crate) fn read_json(
    p: &Program,
    json: &Json,
    options: &DecodeOptions,
) -> Result<Decoded, DossierErrors> {
    let Json::Object(root) = json else {
        return Err(DossierErrors::one(wrong_type(
            &Path::Root,
            Expected::Object,
            json,
        )));
    };
    let mut out = Out {
        values: vec![Value::Absent; p.input_paths.len()],
        unknown: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let decoder = Decoder {
        enums: &p.enums,
        strict: options.strict,
    };
    decoder.fields(&p.inputs, root, &Path::Root, &mut out);
    if out.errors.is_empty() {
        Ok(Decoded {
            dossier: Dossier {
                values: out.values,
                unknown: out.unknown,
            },
            warnings: out.warnings,
        })
    } else {
        Err(DossierErrors {
            errors: out.errors,
            warnings: out.warnings,
        })
    }
}

/// What reading a dossier produces: values, unknown slots, and every problem found.
struct Out {
    values: Vec<Value>,
    unknown: Vec<u64>,
    errors: Vec<DossierError>,
    warnings: Vec<DossierWarning>,
}

struct Decoder<'p> {
    enums: &'p [EnumDef],
    strict: bool,
}

/// Marks every leaf under `kind` unknown: the dossier does not give it.
fn mark_unknown(kind: &InputKind, bits: &mut Vec<u64>) {
    match kind {
        InputKind::Leaf { slot, .. } => set_bit(bits, *slot),
        InputKind::Record(sub) => {
            for field in sub {
                mark_unknown(&field.kind, bits);
            }
        }
    }
}

/// The known field closest to an unknown one, if it is close enough to be a typo.
fn suggestion<'f>(name: &str, fields: &'f [InputField]) -> Option<&'f str> {
    fields
        .iter()
        .map(|f| (strsim::damerau_levenshtein(name, &f.name), f.name.as_str()))
        .filter(|(distance, known)| *distance <= 2.max(known.len() / 5))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
}

impl Decoder<'_> {
    fn fields(&self, fields: &[InputField], obj: &Map<String, Json>, parent: &Path, out: &mut Out) {
        for key in obj.keys() {
            if fields.iter().any(|f| &f.name == key) {
                continue;
            }
            let path = Path::Field(parent, key).render();
            let suggestion = suggestion(key, fields).map(str::to_owned);
            if self.strict {
                let found = match &suggestion {
                    Some(s) => format!("champ inconnu ; vouliez-vous dire `{s}` ?"),
                    None => "champ inconnu".to_owned(),
                };
                out.errors.push(DossierError::new(
                    DossierErrorKind::UnknownField,
                    path,
                    "un champ lu par ce jeu de règles".to_owned(),
                    false,
                    found,
                ));
            } else {
                out.warnings.push(DossierWarning { path, suggestion });
            }
        }
        for field in fields {
            let path = Path::Field(parent, &field.name);
            let value = obj.get(&field.name);
            let optional = field.optional
                || matches!(
                    &field.kind,
                    InputKind::Leaf {
                        ty: Ty::Optional(_),
                        ..
                    }
                );
            let value = match value {
                None | Some(Json::Null) if optional => continue,
                // Not given: unknown. Deciding names it if a dispositif needs it.
                None | Some(Json::Null) => {
                    mark_unknown(&field.kind, &mut out.unknown);
                    continue;
                }
                Some(v) => v,
            };
            match &field.kind {
                InputKind::Leaf { slot, ty, bounds } => match self.leaf(ty, value, &path) {
                    Ok(Value::Int(n)) if bounds.is_some_and(|(lo, hi)| !(lo..=hi).contains(&n)) => {
                        let (lo, hi) = bounds.unwrap_or_default();
                        let expected = Expected::IntIn(lo, hi);
                        out.errors.push(DossierError::new(
                            DossierErrorKind::InvalidValue,
                            path.render(),
                            expected.noun(),
                            expected.feminine(),
                            describe(value),
                        ));
                    }
                    Ok(decoded) => {
                        if let Some(target) = out.values.get_mut(*slot as usize) {
                            *target = decoded;
                        }
                    }
                    Err(errors) => out.errors.extend(errors),
                },
                InputKind::Record(sub) => match value {
                    Json::Object(inner) => self.fields(sub, inner, &path, out),
                    other => out.errors.push(wrong_type(&path, Expected::Object, other)),
                },
            }
        }
    }

    fn expected<'a>(&'a self, ty: &Ty) -> Expected<'a> {
        match ty {
            Ty::Bool => Expected::Bool,
            Ty::Int => Expected::Int,
            Ty::Decimal => Expected::Decimal,
            Ty::Money(_) => Expected::Money,
            Ty::Rate => Expected::Rate,
            Ty::Date => Expected::Date,
            Ty::Duration(f) => Expected::Duration(*f),
            Ty::Text => Expected::Text,
            Ty::Enum(id) => match self.enums.get(*id as usize) {
                Some(e) => Expected::Enum(e),
                None => Expected::Text,
            },
            Ty::List(_) => Expected::List,
            Ty::Record(_) => Expected::Object,
            Ty::Optional(inner) => self.expected(inner),
        }
    }

    /// A leaf value; a list reports every wrong element.
    fn leaf(&self, ty: &Ty, v: &Json, path: &Path) -> Result<Value, Vec<DossierError>> {
        match (ty, v) {
            (Ty::Optional(inner), _) if !v.is_null() => self.leaf(inner, v, path),
            (Ty::List(inner), Json::Array(items)) if items.len() <= MAX_LIST_LEN => {
                let mut values = Vec::with_capacity(items.len());
                let mut errors = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match self.leaf(inner, item, &Path::Index(path, i)) {
                        Ok(v) => values.push(v),
                        Err(e) => errors.extend(e),
                    }
                }
                if errors.is_empty() {
                    Ok(Value::List(Arc::from(values)))
                } else {
                    Err(errors)
                }
            }
            (Ty::Record(fields), Json::Object(obj)) => self.record(fields, obj, path),
            (Ty::Money(_), _) => {
                let value = self.scalar(ty, v, path).map_err(|e| vec![e])?;
                match &value {
                    Value::Dec(d) if d.is_sign_negative() && !d.is_zero() => Err(vec![invalid(
                        path,
                        self.expected(ty),
                        describe(v),
                        "un montant ne peut pas être négatif",
                    )]),
                    Value::Dec(d) if d.normalize().scale() > 2 => Err(vec![invalid(
                        path,
                        self.expected(ty),
                        describe(v),
                        "un montant a au plus deux décimales",
                    )]),
                    _ => Ok(value),
                }
            }
            _ => self.scalar(ty, v, path).map_err(|e| vec![e]),
        }
    }

    fn scalar(&self, ty: &Ty, v: &Json, path: &Path) -> Result<Value, DossierError> {
        let expected = self.expected(ty);
        match (ty, v) {
            (Ty::Optional(_), Json::Null) => Ok(Value::Absent),
            (Ty::Optional(inner), _) => self.scalar(inner, v, path),
            (Ty::Bool, Json::Bool(b)) => Ok(Value::Bool(*b)),
            (Ty::Int, Json::Number(n)) => {
                parse_int(n.as_str())
                    .map(Value::Int)
                    .map_err(|why| match why {
                        IntError::NotInteger => wrong_type(path, expected, v),
                        IntError::TooLarge => invalid(path, expected, describe(v), "hors limites"),
                    })
            }
            (Ty::Duration(family), Json::Number(n)) => parse_int(n.as_str())
                .map(|n| Value::Duration(n, *family))
                .map_err(|why| match why {
                    IntError::NotInteger => wrong_type(path, expected, v),
                    IntError::TooLarge => invalid(path, expected, describe(v), "hors limites"),
                }),
            (Ty::Decimal | Ty::Money(_) | Ty::Rate, Json::Number(n)) => {
                parse_decimal(n.as_str()).map(Value::Dec).ok_or_else(|| {
                    invalid(
                        path,
                        expected,
                        describe(v),
                        "hors limites ou trop de décimales",
                    )
                })
            }
            (Ty::Decimal | Ty::Money(_) | Ty::Rate, Json::String(s)) => {
                if !is_plain_decimal(s) {
                    return Err(wrong_type(path, expected, v));
                }
                Decimal::from_str_exact(s).map(Value::Dec).map_err(|_| {
                    invalid(
                        path,
                        expected,
                        describe(v),
                        "hors limites ou trop de décimales",
                    )
                })
            }
            (Ty::Date, Json::String(s)) => parse_date(s).map(Value::Date).map_err(|why| {
                let detail = match why {
                    DateError::Format => "format incorrect",
                    DateError::Impossible => "date impossible",
                };
                invalid(path, expected, quoted(s), detail)
            }),
            (Ty::Text, Json::String(s)) => Ok(Value::Text(Arc::from(s.as_str()))),
            (Ty::Enum(id), Json::String(s)) => {
                let variants = self
                    .enums
                    .get(*id as usize)
                    .map_or(&[][..], |e| e.variants.as_slice());
                match variants.iter().position(|name| name == s) {
                    Some(i) => Ok(Value::Enum {
                        ty: *id,
                        variant: u32::try_from(i).unwrap_or(u32::MAX),
                    }),
                    None => Err(DossierError::new(
                        DossierErrorKind::UnknownValue,
                        path.render(),
                        variants.join(", "),
                        true,
                        quoted(s),
                    )),
                }
            }
            (Ty::List(inner), Json::Array(items)) => {
                if items.len() > MAX_LIST_LEN {
                    return Err(limit(
                        path,
                        format!("liste de {} éléments", items.len()),
                        format!("{MAX_LIST_LEN} éléments au plus"),
                    ));
                }
                let mut values = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    values.push(self.scalar(inner, item, &Path::Index(path, i))?);
                }
                Ok(Value::List(Arc::from(values)))
            }
            _ => Err(wrong_type(path, expected, v)),
        }
    }
}
