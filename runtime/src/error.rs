//! The three error families of the runtime: a malformed program (a compiler bug or a tampered
//! precompiled file), an invalid dossier (the applicant's data), and a failed evaluation.
//! Every message is in French: policy officers read them.

use std::fmt;

use chrono::NaiveDate;
use thiserror::Error;

/// A `Program` that breaks an invariant evaluation relies on. `Engine::new` reports it once, so
/// that deciding never meets a dangling index.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ProgramError {
    #[error("programme invalide : {context} fait référence {what} n° {index}, qui n'existe pas")]
    BadIndex {
        context: String,
        what: &'static str,
        index: u64,
    },
    #[error("programme invalide : l'emplacement d'entrée {slot} est attribué à plusieurs champs")]
    DuplicateInputSlot { slot: u32 },
    #[error("programme invalide : l'emplacement d'entrée {slot} (`{path}`) n'est lu par aucun champ du dossier")]
    UnboundInputSlot { slot: u32, path: String },
    #[error("programme invalide : la tranche {tranche} du barème `{bareme}` a {found} intervalle(s), {expected} attendu(s)")]
    ColumnCount {
        bareme: String,
        tranche: u32,
        expected: usize,
        found: usize,
    },
    #[error("programme invalide : dans {context}, `{builtin}` reçoit {found} argument(s)")]
    Arity {
        context: String,
        builtin: String,
        found: usize,
    },
    #[error(
        "programme invalide : {declared} variables locales déclarées, au plus {max} acceptées"
    )]
    TooManyLocals { declared: u32, max: u32 },
    #[error("programme invalide : expression trop profonde dans {context}")]
    TooDeep { context: String },
    #[error("programme invalide : {context} : {detail}")]
    Inconsistent { context: String, detail: String },
}

/// What kind of problem a dossier field has; lets a caller react without parsing messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DossierErrorKind {
    /// The text is not JSON at all.
    Syntax,
    /// A required field is absent or `null`.
    Missing,
    /// The JSON type is wrong (`"trois"` for an `entier`).
    WrongType,
    /// The JSON type is right but the value is not acceptable (impossible date, out of range).
    InvalidValue,
    /// An enumeration value that is not one of the variants.
    UnknownValue,
    /// A key given twice in one JSON object: which value was meant is unknowable.
    DuplicateKey,
    /// The dossier exceeds a size limit (text size, nesting depth, list length).
    Limit,
}

/// An invalid dossier: the JSON path of the field, what was expected and what was found.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub struct DossierError {
    kind: DossierErrorKind,
    path: String,
    expected: String,
    found: String,
    detail: Option<String>,
    /// Whether `expected` is a feminine noun (`date attendue`, `entier attendu`).
    feminine: bool,
}

impl DossierError {
    pub(crate) fn new(
        kind: DossierErrorKind,
        path: String,
        expected: String,
        feminine: bool,
        found: String,
    ) -> Self {
        DossierError {
            kind,
            path,
            expected,
            found,
            detail: None,
            feminine,
        }
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn kind(&self) -> DossierErrorKind {
        self.kind
    }

    /// Dotted JSON path (`demandeur.prestations[2]`); empty for the dossier itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What the ruleset expects there, in French (`entier`, `date AAAA-MM-JJ`).
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// What the dossier holds there, in French (`le texte "trois"`, `champ absent`).
    pub fn found(&self) -> &str {
        &self.found
    }

    /// Why a well-typed value is refused (`date impossible`, `hors limites`), if that is the case.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
}

impl fmt::Display for DossierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str("dossier : ")?;
        } else {
            write!(f, "`{}` : ", self.path)?;
        }
        let agreed = if self.feminine { "attendue" } else { "attendu" };
        match self.kind {
            DossierErrorKind::Syntax => write!(f, "JSON invalide, {}", self.found)?,
            DossierErrorKind::Missing => {
                f.write_str("champ obligatoire manquant")?;
                if self.found == "null" {
                    f.write_str(" (null)")?;
                }
            }
            DossierErrorKind::UnknownValue => write!(
                f,
                "valeur inconnue {} ; valeurs possibles : {}",
                self.found, self.expected
            )?,
            DossierErrorKind::DuplicateKey => f.write_str(
                "champ donné deux fois dans le même objet : impossible de savoir quelle valeur retenir",
            )?,
            DossierErrorKind::Limit => {
                write!(f, "limite dépassée : {} ({})", self.found, self.expected)?
            }
            DossierErrorKind::WrongType | DossierErrorKind::InvalidValue => {
                write!(f, "{} {agreed}, trouvé {}", self.expected, self.found)?
            }
        }
        if let Some(detail) = &self.detail {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

/// A decision that cannot be made. Errors raised while computing a value name it (`def`).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum EvalError {
    #[error("aucune date de décision : indiquez --date{}", match .input {
        Some(path) => format!(" ou renseignez `{path}` dans le dossier"),
        None => String::new(),
    })]
    NoDecisionDate { input: Option<String> },
    #[error("dépassement de capacité arithmétique en calculant `{def}`")]
    Overflow { def: String },
    #[error("division par zéro en calculant `{def}`")]
    DivisionByZero { def: String },
    #[error(
        "date ± durée donne une date hors du calendrier (du 01/01/0000 au 31/12/9999) en calculant \
         `{def}`"
    )]
    DateOutOfRange { def: String },
    #[error("une donnée non renseignée est utilisée en calculant `{def}`")]
    AbsentValue { def: String },
    #[error("le paramètre `{param}` n'a aucune valeur en vigueur au {}", french_date(*.date))]
    NoParamVersion { param: String, date: NaiveDate },
    #[error("le paramètre `{param}` n'a pas de valeur pour {key} (version en vigueur au {})", french_date(*.date))]
    MissingTableKey {
        param: String,
        key: String,
        date: NaiveDate,
    },
    #[error("aucune tranche du barème `{bareme}` ne contient {x} (version en vigueur au {})", french_date(*.date))]
    NoTranche {
        bareme: String,
        x: String,
        date: NaiveDate,
    },
    #[error("exceptions contradictoires pour `{def}` : « {first} » et « {second} » s'appliquent avec des valeurs différentes")]
    ExceptionConflict {
        def: String,
        first: String,
        second: String,
    },
    #[error("`{def}` lit le dispositif `{dispositif}` au {date} : un dispositif n'est décidé qu'à la date de la décision")]
    DispositifAsOf {
        def: String,
        dispositif: String,
        date: NaiveDate,
    },
    #[error("`{def}` utilise `{dispositif}.{output}`, mais le dossier n'est pas éligible à `{dispositif}`")]
    NotEligible {
        def: String,
        dispositif: String,
        output: String,
    },
    #[error("dépendance circulaire : `{def}` dépend de sa propre valeur")]
    Cycle { def: String },
    #[error("règles de cumul circulaires autour du dispositif `{dispositif}`")]
    CumulCycle { dispositif: String },
    #[error("incohérence interne du programme en calculant `{def}` : {detail}")]
    Internal { def: String, detail: String },
}

/// `12/04/1938`: how a date reads in French text.
pub(crate) fn french_date(date: NaiveDate) -> impl fmt::Display {
    date.format("%d/%m/%Y")
}
