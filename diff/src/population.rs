//! Synthetic dossiers from a ruleset's input schema, so that any version can be diffed without
//! personal data. Deterministic: the same program, count and seed give the same bytes (a
//! SplitMix64 generator of our own, no dependency whose stream could change).
//!
//! What makes them realistic enough to exercise the rules: ages 55 to 100, GIR 1 to 6 in
//! proportions close to the APA's, amounts drawn half the time around the ruleset's own money
//! parameters and barème bounds in force (ceilings, thresholds: the values where decisions
//! flip), couples and every enumeration value, decision dates in the year after the
//! dated change of the ruleset, optional fields sometimes left out.

use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::Decimal;
use serde_json::{Map, Value as Json};
use socle_runtime::ir::{DurationFamily, InputField, InputKind, ParamValue, Period, Program, Ty};
use socle_runtime::Value;

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and fixed forever here.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`0` when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    fn range(&mut self, low: i64, high: i64) -> i64 {
        let span = u64::try_from(high.saturating_sub(low)).unwrap_or(0);
        low.saturating_add(i64::try_from(self.below(span.saturating_add(1))).unwrap_or(0))
    }

    /// True with probability `percent` %.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let n = u64::try_from(items.len()).unwrap_or(0);
        items.get(usize::try_from(self.below(n)).unwrap_or(0))
    }
}

/// GIR 1 to 6, weighted like the APA population (GIR 4 the most frequent), with 5 and 6 for
/// the dossiers the APA refuses.
const GIR_WEIGHTS: [(i64, u64); 6] = [(1, 6), (2, 16), (3, 16), (4, 32), (5, 12), (6, 18)];

/// Values the ruleset compares dossiers with, fixed for a whole population.
struct Landmarks {
    /// The first decision date, and how many days from it dossiers are decided.
    start: NaiveDate,
    days: u64,
    /// Texts the ruleset compares fields with (département codes…).
    texts: Vec<String>,
}

/// `n` dossiers, one JSON object per line, each line ending with a newline.
pub fn generate(program: &Program, n: usize, seed: u64) -> String {
    let (start, days) = decision_dates(program);
    let landmarks = Landmarks {
        start,
        days,
        texts: texts(program),
    };
    let mut rng = Rng(seed);
    let mut out = String::new();
    for _ in 0..n {
        let date = landmarks
            .start
            .checked_add_days(Days::new(rng.below(landmarks.days)))
            .unwrap_or(landmarks.start);
        let mut dossier = Dossier {
            program,
            landmarks: &landmarks,
            rng: &mut rng,
            date,
        };
        let object = dossier.record(&program.inputs);
        out.push_str(&Json::Object(object).to_string());
        out.push('\n');
    }
    out
}

/// The decision dates of a population: from the version date where the most parameters and
/// barèmes are in force (the latest on a tie), for a year or until one of them ends.
fn decision_dates(program: &Program) -> (NaiveDate, u64) {
    let versions: Vec<Vec<(NaiveDate, Option<NaiveDate>)>> = program
        .params
        .iter()
        .map(|p| p.versions.iter().map(|v| (v.from, v.until)).collect())
        .chain(
            program
                .baremes
                .iter()
                .map(|b| b.versions.iter().map(|v| (v.from, v.until)).collect()),
        )
        .collect();
    let in_force = |date: NaiveDate| {
        versions
            .iter()
            .filter(|vs| {
                vs.iter()
                    .any(|(f, u)| *f <= date && u.is_none_or(|u| date <= u))
            })
            .count()
    };
    let start = versions
        .iter()
        .flatten()
        .map(|(from, _)| *from)
        .max_by_key(|d| (in_force(*d), *d))
        .or_else(|| NaiveDate::from_ymd_opt(2024, 1, 1))
        .unwrap_or_default();
    let end = versions
        .iter()
        .flatten()
        .filter_map(|(f, u)| u.filter(|u| *f <= start && start <= *u))
        .min();
    let days = end
        .map(|end| (end - start).num_days() + 1)
        .unwrap_or(365)
        .clamp(1, 365);
    (start, u64::try_from(days).unwrap_or(365))
}

/// Text constants the program compares with (département codes…): the `Const` and
/// `Scalar` texts of its serialised form, which reaches every expression without walking
/// each kind of expression here (message texts are `MessagePart::Text`, left out).
fn texts(program: &Program) -> Vec<String> {
    fn walk(value: &Json, parent: Option<&str>, out: &mut Vec<String>) {
        match value {
            Json::Object(map) => {
                for (key, inner) in map {
                    if let (Some("Const" | "Scalar"), "Text", Json::String(t)) =
                        (parent, key.as_str(), inner)
                    {
                        if !out.contains(t) {
                            out.push(t.clone());
                        }
                    }
                    walk(inner, Some(key), out);
                }
            }
            Json::Array(items) => items.iter().for_each(|i| walk(i, parent, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(json) = serde_json::to_value(program) {
        walk(&json, None, &mut out);
    }
    out
}

struct Dossier<'a> {
    program: &'a Program,
    landmarks: &'a Landmarks,
    rng: &'a mut Rng,
    date: NaiveDate,
}

impl Dossier<'_> {
    fn record(&mut self, fields: &[InputField]) -> Map<String, Json> {
        let mut object = Map::new();
        for field in fields {
            if field.optional && self.rng.chance(10) {
                object.insert(field.name.clone(), Json::Null);
                continue;
            }
            let value = match &field.kind {
                InputKind::Record(sub) => Json::Object(self.record(sub)),
                InputKind::Leaf { slot, ty, bounds } => {
                    let value = self.leaf(*slot, &field.name, ty);
                    // Drawn as before, then kept within `entier dans MIN..MAX`: the same
                    // draws, so the same populations, for every field in its bounds.
                    match (bounds, value.as_i64()) {
                        (Some((lo, hi)), Some(n)) if lo <= hi => Json::from(n.clamp(*lo, *hi)),
                        _ => value,
                    }
                }
            };
            object.insert(field.name.clone(), value);
        }
        object
    }

    fn leaf(&mut self, slot: u32, name: &str, ty: &Ty) -> Json {
        match ty {
            Ty::Optional(inner) => {
                if self.rng.chance(10) {
                    Json::Null
                } else {
                    self.leaf(slot, name, inner)
                }
            }
            Ty::Bool => Json::Bool(
                self.rng
                    .chance(if name.contains("valide") { 90 } else { 50 }),
            ),
            Ty::Int => Json::from(self.int(name)),
            Ty::Rate => Json::String(cents(self.rng.range(0, 100)).to_string()),
            Ty::Decimal if name.contains("heure") => Json::from(self.rng.range(0, 300)),
            Ty::Decimal => Json::String(cents(self.rng.range(0, 10_000)).to_string()),
            Ty::Money(period) => Json::String(self.money(*period).to_string()),
            Ty::Date => Json::String(self.date_for(slot, name).to_string()),
            Ty::Duration(DurationFamily::Days) => Json::from(self.rng.range(0, 120)),
            Ty::Duration(DurationFamily::Months) => Json::from(self.rng.range(0, 60)),
            Ty::Duration(DurationFamily::Hours) => Json::from(self.rng.range(0, 200)),
            Ty::Text => {
                let texts = &self.landmarks.texts;
                match self.rng.chance(75).then(|| self.rng.pick(texts)).flatten() {
                    Some(t) => Json::String(t.clone()),
                    None => Json::String("75".to_owned()),
                }
            }
            Ty::Enum(e) => self.variant(*e, true).map_or(Json::Null, Json::String),
            Ty::List(inner) => match inner.as_ref() {
                Ty::Enum(e) => {
                    let variants = self
                        .program
                        .enums
                        .get(*e as usize)
                        .map(|e| e.variants.clone())
                        .unwrap_or_default();
                    let chosen = variants.into_iter().filter(|_| self.rng.chance(12));
                    Json::Array(chosen.map(Json::String).collect())
                }
                // A list of records (`heritiers`): up to three of them.
                Ty::Record(_) => {
                    let n = self.rng.range(0, 3);
                    Json::Array((0..n).map(|_| self.leaf(slot, name, inner)).collect())
                }
                _ => Json::Array(Vec::new()),
            },
            Ty::Record(fields) => Json::Object(
                fields
                    .iter()
                    .map(|(field, ty)| (field.clone(), self.leaf(slot, field, ty)))
                    .collect(),
            ),
        }
    }

    /// Half the time the enumeration's first variant (the usual case: `seul`, `domicile`,
    /// `francaise`), otherwise any variant, so every one appears.
    fn variant(&mut self, e: u32, usual_first: bool) -> Option<String> {
        let variants = &self.program.enums.get(e as usize)?.variants;
        if usual_first && self.rng.chance(50) {
            return variants.first().cloned();
        }
        self.rng.pick(variants).cloned()
    }

    fn int(&mut self, name: &str) -> i64 {
        if name == "gir" {
            let total: u64 = GIR_WEIGHTS.iter().map(|(_, w)| w).sum();
            let mut draw = self.rng.below(total);
            for (gir, weight) in GIR_WEIGHTS {
                if draw < weight {
                    return gir;
                }
                draw -= weight;
            }
            return 6;
        }
        if name.contains("taux") {
            return *self.rng.pick(&[0, 0, 50, 80, 100]).unwrap_or(&0);
        }
        if name.contains("annee") {
            return self.rng.range(0, 60);
        }
        if name.contains("taille") || name.contains("nombre") {
            return self.rng.range(1, 4);
        }
        self.rng.range(0, 10)
    }

    /// Around a landmark of the same period half the time (±15 %), otherwise anywhere in a
    /// plausible range for the period.
    fn money(&mut self, period: Option<Period>) -> Decimal {
        let landmarks = self.money_landmarks(period);
        if let Some(mark) = self
            .rng
            .chance(50)
            .then(|| self.rng.pick(&landmarks))
            .flatten()
        {
            let factor = Decimal::new(self.rng.range(85, 115), 2);
            let value = mark.checked_mul(factor).unwrap_or(*mark);
            return value.round_dp(2).max(Decimal::ZERO);
        }
        let high = match period {
            Some(Period::Heure) => 40,
            Some(Period::Jour) => 200,
            Some(Period::Mois) => 3_000,
            Some(Period::An) => 36_000,
            None => 20_000,
        };
        cents(self.rng.range(0, high * 100))
    }

    /// Money parameters and barème bounds of this period in force at the dossier's date.
    fn money_landmarks(&self, period: Option<Period>) -> Vec<Decimal> {
        let in_force = |from: NaiveDate, until: Option<NaiveDate>| {
            from <= self.date && until.is_none_or(|u| self.date <= u)
        };
        let mut out = Vec::new();
        for param in &self.program.params {
            if param.ty != Ty::Money(period) {
                continue;
            }
            for version in param.versions.iter().filter(|v| in_force(v.from, v.until)) {
                if let ParamValue::Scalar(Value::Dec(d)) = &version.value {
                    out.push(*d);
                }
            }
        }
        for bareme in &self.program.baremes {
            if bareme.input_ty != Ty::Money(period) {
                continue;
            }
            for version in bareme.versions.iter().filter(|v| in_force(v.from, v.until)) {
                let bounds = version.rows.iter().flat_map(|r| &r.intervals);
                out.extend(bounds.map(|i| i.lower).filter(|l| !l.is_zero()));
            }
        }
        out
    }

    fn date_for(&mut self, slot: u32, name: &str) -> NaiveDate {
        if Some(slot) == self.program.decision_date_input {
            return self.date;
        }
        if name.contains("naissance") {
            // Ages 55 to 100, most between 75 and 90 like the applicants of these aids.
            let age = if self.rng.chance(60) {
                self.rng.range(75, 90)
            } else {
                self.rng.range(55, 100)
            };
            let months = u32::try_from(age * 12 + self.rng.range(0, 11)).unwrap_or(0);
            let born = self.date.checked_sub_months(Months::new(months));
            let day = u32::try_from(self.rng.range(1, 28)).unwrap_or(1);
            return born.and_then(|d| d.with_day(day)).unwrap_or(self.date);
        }
        // Events mostly recent (a hospitalisation, an entry), some older.
        let back = if self.rng.chance(70) { 90 } else { 365 };
        let days = u64::try_from(self.rng.range(0, back)).unwrap_or(0);
        self.date
            .checked_sub_days(Days::new(days))
            .unwrap_or(self.date)
    }
}

fn cents(n: i64) -> Decimal {
    Decimal::new(n, 2)
}
