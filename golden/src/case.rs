//! A test case as read from its TOML file (docs/GUIDE-TESTS.md §2), with the spans `socle check`
//! points at.

use std::path::PathBuf;

use chrono::NaiveDate;
use socle_compiler::{FileId, Span};

/// One case file: every case it holds, in file order.
#[derive(Clone, Debug)]
pub struct CaseFile {
    pub path: PathBuf,
    pub file: FileId,
    pub cases: Vec<Case>,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub id: String,
    pub id_span: Span,
    pub description: String,
    pub source: String,
    /// The decision dates: one for a plain case, several for a sweep.
    pub dates: Vec<Dated>,
    /// Written with `dates = [...]`: each date is reported as `id@date`.
    pub sweep: bool,
    /// The dossier as the JSON the runtime decodes.
    pub dossier: serde_json::Value,
    pub dossier_span: Span,
    /// Span of each dossier path (`demandeur.gir`, `demandeur.prestations[1]`), for errors.
    pub dossier_spans: Vec<(String, Span)>,
    /// `decale_dates = true`: the dossier's dates move with each date of the sweep, from the
    /// first one (the dossier is written for the first date).
    pub shift_dates: bool,
    /// Checked at every date.
    pub attendu: Vec<DispositifExpectation>,
    /// Checked at one date of a sweep, in addition.
    pub par_date: Vec<DateExpectation>,
    pub file: FileId,
    pub path: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dated {
    pub date: NaiveDate,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct DateExpectation {
    pub date: Dated,
    pub attendu: Vec<DispositifExpectation>,
}

/// `[cas.attendu.<dispositif>]`: every part is optional.
#[derive(Clone, Debug)]
pub struct DispositifExpectation {
    pub dispositif: String,
    pub span: Span,
    /// `eligible = true | false | "indetermine"`: `Some(None)` expects an undetermined
    /// dispositif (`eligible: null`); `None` does not check eligibility.
    pub eligible: Option<Option<bool>>,
    /// `verse = true | false | "indetermine"`, for a dispositif with payment conditions:
    /// `Some(None)` expects `verse: null`; `None` does not check payment.
    pub verse: Option<Option<bool>>,
    pub valeurs: Vec<ExpectedValue>,
    /// The ids of the failed conditions, in order.
    pub motifs_non_satisfaits: Option<Vec<Named>>,
    /// The JSON paths of the missing fields the dispositif names (`manquants`), in order.
    pub manquants: Option<Vec<Named>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ExpectedValue {
    pub name: Named,
    pub literal: Literal,
    /// Span of the value.
    pub span: Span,
}

/// An expected value as written, before it meets the output's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Literal {
    Text(String),
    /// Decimal digits, as written (without `_`).
    Integer(String),
    /// As written (without `_`), read exactly later.
    Float(String),
    Bool(bool),
    Date(NaiveDate),
    /// An array, a table or a date-time: never a valid output value.
    Other(&'static str),
}

impl Literal {
    /// How a policy officer would name what they wrote.
    pub fn describe(&self) -> String {
        match self {
            Literal::Text(t) => format!("le texte \"{t}\""),
            Literal::Integer(i) => format!("l'entier {i}"),
            Literal::Float(f) => format!("le nombre {f}"),
            Literal::Bool(b) => format!("le booléen {b}"),
            Literal::Date(d) => format!("la date {d}"),
            Literal::Other(what) => (*what).to_owned(),
        }
    }
}

/// What one date of a case must show, once the common and per-date expectations are merged.
#[derive(Clone, Debug)]
pub struct Expected<'c> {
    pub dispositif: &'c str,
    pub eligible: Option<Option<bool>>,
    pub verse: Option<Option<bool>>,
    pub valeurs: Vec<&'c ExpectedValue>,
    pub motifs_non_satisfaits: Option<&'c [Named]>,
    pub manquants: Option<&'c [Named]>,
}

impl Case {
    /// The name a run of this case at `date` is reported under (`id`, or `id@date` in a sweep).
    pub fn run_name(&self, date: NaiveDate) -> String {
        if self.sweep {
            format!("{}@{date}", self.id)
        } else {
            self.id.clone()
        }
    }

    /// The expectations in force at `date`: per-date `valeurs` add to (and override) the common
    /// ones; a per-date `eligible` or `motifs_non_satisfaits` replaces the common one.
    pub fn expected_at(&self, date: NaiveDate) -> Vec<Expected<'_>> {
        let mut merged: Vec<Expected<'_>> = self
            .attendu
            .iter()
            .map(|e| Expected {
                dispositif: &e.dispositif,
                eligible: e.eligible,
                verse: e.verse,
                valeurs: e.valeurs.iter().collect(),
                motifs_non_satisfaits: e.motifs_non_satisfaits.as_deref(),
                manquants: e.manquants.as_deref(),
            })
            .collect();
        let specific = self
            .par_date
            .iter()
            .filter(|p| p.date.date == date)
            .flat_map(|p| &p.attendu);
        for e in specific {
            let index = match merged.iter().position(|m| m.dispositif == e.dispositif) {
                Some(i) => i,
                None => {
                    merged.push(Expected {
                        dispositif: &e.dispositif,
                        eligible: None,
                        verse: None,
                        valeurs: Vec::new(),
                        motifs_non_satisfaits: None,
                        manquants: None,
                    });
                    merged.len() - 1
                }
            };
            let Some(m) = merged.get_mut(index) else {
                continue;
            };
            if e.eligible.is_some() {
                m.eligible = e.eligible;
            }
            if e.verse.is_some() {
                m.verse = e.verse;
            }
            if let Some(motifs) = &e.motifs_non_satisfaits {
                m.motifs_non_satisfaits = Some(motifs);
            }
            if let Some(manquants) = &e.manquants {
                m.manquants = Some(manquants);
            }
            for v in &e.valeurs {
                m.valeurs.retain(|old| old.name.name != v.name.name);
                m.valeurs.push(v);
            }
        }
        merged
    }

    /// The span to point at for a dossier path, or its closest ancestor.
    pub fn dossier_span_of(&self, path: &str) -> Span {
        let mut path = path;
        loop {
            if let Some((_, span)) = self.dossier_spans.iter().find(|(p, _)| p == path) {
                return *span;
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path = path.get(..cut).unwrap_or_default(),
                None => return self.dossier_span,
            }
        }
    }
}
