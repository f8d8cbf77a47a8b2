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
    /// An index that points past the end of its table.
    #[error("programme invalide : {context} fait référence {what} n° {index}, qui n'existe pas")]
    BadIndex {
        /// Where the index was found (a rule, a dispositif…).
        context: String,
        /// What kind of thing it indexes (`au paramètre`, `à la définition`…).
        what: &'static str,
        /// The dangling index.
        index: u64,
    },
    #[error("programme invalide : l'emplacement d'entrée {slot} est attribué à plusieurs champs")]
    /// Two dossier fields share one input slot.
    DuplicateInputSlot {
        /// The slot.
        slot: u32,
    },
    #[error("programme invalide : l'emplacement d'entrée {slot} (`{path}`) n'est lu par aucun champ du dossier")]
    /// An input slot that no dossier field fills.
    UnboundInputSlot {
        /// The slot.
        slot: u32,
        /// Its dotted JSON path.
        path: String,
    },
    /// A barème tranche with a number of intervals other than its columns.
    #[error("programme invalide : la tranche {tranche} du barème `{bareme}` a {found} intervalle(s), {expected} attendu(s)")]
    ColumnCount {
        /// The barème.
        bareme: String,
        /// The tranche number.
        tranche: u32,
        /// The number of columns.
        expected: usize,
        /// The number of intervals found.
        found: usize,
    },
    /// A built-in called with a number of arguments it does not take.
    #[error("programme invalide : dans {context}, `{builtin}` reçoit {found} argument(s)")]
    Arity {
        /// Where the call is.
        context: String,
        /// The built-in's name.
        builtin: String,
        /// The number of arguments it receives.
        found: usize,
    },
    /// More local slots than evaluation accepts to allocate.
    #[error(
        "programme invalide : {declared} variables locales déclarées, au plus {max} acceptées"
    )]
    TooManyLocals {
        /// The number the program declares.
        declared: u32,
        /// The most accepted.
        max: u32,
    },
    #[error("programme invalide : expression trop profonde dans {context}")]
    /// An expression nested deeper than evaluation allows.
    TooDeep {
        /// Where it is.
        context: String,
    },
    #[error("programme invalide : {context} : {detail}")]
    /// Any other broken invariant.
    Inconsistent {
        /// Where it is.
        context: String,
        /// What is wrong, in French.
        detail: String,
    },
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
    /// A field the ruleset does not know (an error only when reading strictly).
    UnknownField,
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

    /// What kind of problem the field has.
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
            DossierErrorKind::UnknownField => write!(f, "{}", self.found)?,
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
    /// No `--date` and no decision date in the dossier.
    NoDecisionDate {
        /// The dossier field that gives the date by default, if the ruleset declares one.
        input: Option<String>,
    },
    #[error("dépassement de capacité arithmétique en calculant `{def}`")]
    /// An arithmetic overflow.
    Overflow {
        /// The rule being computed.
        def: String,
    },
    #[error("division par zéro en calculant `{def}`")]
    /// A division by zero.
    DivisionByZero {
        /// The rule being computed.
        def: String,
    },
    #[error(
        "date ± durée donne une date hors du calendrier (du 01/01/0000 au 31/12/9999) en calculant \
         `{def}`"
    )]
    /// Date arithmetic left the calendar.
    DateOutOfRange {
        /// The rule being computed.
        def: String,
    },
    #[error("une donnée non renseignée est utilisée en calculant `{def}`")]
    /// An absent optional field is used.
    AbsentValue {
        /// The rule being computed.
        def: String,
    },
    #[error("le paramètre `{param}` n'a aucune valeur en vigueur au {}", french_date(*.date))]
    /// A parameter without a version in force at the date.
    NoParamVersion {
        /// The parameter's qualified name.
        param: String,
        /// The date it was read at.
        date: NaiveDate,
    },
    /// A table parameter without a value for the key looked up.
    #[error("le paramètre `{param}` n'a pas de valeur pour {key} (version en vigueur au {})", french_date(*.date))]
    MissingTableKey {
        /// The parameter's qualified name.
        param: String,
        /// The key, as a person reads it.
        key: String,
        /// The decision date.
        date: NaiveDate,
    },
    /// A barème without a tranche for the value.
    #[error("aucune tranche du barème `{bareme}` ne contient {x} (version en vigueur au {})", french_date(*.date))]
    NoTranche {
        /// The barème's qualified name.
        bareme: String,
        /// The value looked up, as a person reads it.
        x: String,
        /// The decision date.
        date: NaiveDate,
    },
    /// Two exceptions apply with different values.
    #[error("exceptions contradictoires pour `{def}` : « {first} » et « {second} » s'appliquent avec des valeurs différentes")]
    ExceptionConflict {
        /// The rule being computed.
        def: String,
        /// The first exception that applies, as written.
        first: String,
        /// The second one.
        second: String,
    },
    /// A dispositif read inside `EXPR au DATE`: dispositifs are decided at the decision date only.
    #[error("`{def}` lit le dispositif `{dispositif}` au {date} : un dispositif n'est décidé qu'à la date de la décision")]
    DispositifAsOf {
        /// The rule being computed.
        def: String,
        /// The dispositif read.
        dispositif: String,
        /// The date of the `au`.
        date: NaiveDate,
    },
    /// A rule reads an output of a dispositif the dossier is not eligible to.
    #[error("`{def}` utilise `{dispositif}.{output}`, mais le dossier n'est pas éligible à `{dispositif}`")]
    NotEligible {
        /// The rule being computed.
        def: String,
        /// The dispositif whose output is read.
        dispositif: String,
        /// The output read.
        output: String,
    },
    #[error("dépendance circulaire : `{def}` dépend de sa propre valeur")]
    /// A rule depends on its own value.
    Cycle {
        /// The rule being computed.
        def: String,
    },
    #[error("règles de cumul circulaires autour du dispositif `{dispositif}`")]
    /// Cumul rules that depend on each other.
    CumulCycle {
        /// A dispositif on the cycle.
        dispositif: String,
    },
    #[error("incohérence interne du programme en calculant `{def}` : {detail}")]
    /// A broken invariant met while evaluating (a compiler bug).
    Internal {
        /// The rule being computed.
        def: String,
        /// What is wrong.
        detail: String,
    },
}

/// `12/04/1938`: how a date reads in French text.
pub(crate) fn french_date(date: NaiveDate) -> impl fmt::Display {
    date.format("%d/%m/%Y")
}
