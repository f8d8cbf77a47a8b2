//! The intermediate representation a ruleset compiles to.
//!
//! Everything is resolved to indices: inputs to slots, named values to `defs` slots,
//! parameters, barèmes and dispositifs to their position in the program. Evaluation touches
//! arrays only; names are kept solely to render decisions, traces and errors. The IR holds no
//! source positions: the compiler maps these names back to their declarations
//! (`socle_compiler::Session::locate`, from its typed rulesets).
//!
//! A `Program` is plain serialisable data, so an application can ship a precompiled ruleset
//! and depend on this crate alone: [`Program::to_json`] writes it with its
//! [`FORMAT_VERSION`], [`Program::from_json`] refuses a file of another format with a typed
//! error, and [`crate::Engine::new`] then validates every index before any decision.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use crate::builtin::{Arity, Builtin};
use crate::value::Value;

/// A dossier field's slot in a decoded [`crate::Dossier`].
pub type InputSlot = u32;
/// A memoised named value: an index into [`Program::defs`].
pub type DefId = u32;
/// A function parameter or local `soit`: an index into the evaluation's local slots.
pub type LocalSlot = u32;
/// An index into [`Program::params`].
pub type ParamId = u32;
/// An index into [`Program::baremes`].
pub type BaremeId = u32;
/// An index into [`Program::dispositifs`].
pub type DispositifId = u32;
/// An index into [`Program::enums`].
pub type EnumId = u32;

/// The format of a precompiled program file ([`Program::to_json`]). It changes whenever the
/// IR changes shape, so an application never decides with a program it would misread.
pub const FORMAT_VERSION: u32 = 2;

/// Why a precompiled program file cannot be loaded. Messages are in French: the operator who
/// deploys the file reads them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProgramLoadError {
    /// The text is not JSON.
    #[error("programme précompilé illisible : JSON invalide ({0})")]
    Json(String),
    /// The file has no `format_version`: written by another tool or an older Socle.
    #[error("programme précompilé sans numéro de format (`format_version`) : recompilez le jeu de règles avec cette version de Socle (format {expected})")]
    MissingVersion {
        /// The format this runtime reads.
        expected: u32,
    },
    /// The file was written in another format.
    #[error("programme précompilé au format {found}, cette version de Socle lit le format {expected} : recompilez le jeu de règles")]
    UnsupportedVersion {
        /// The `format_version` found, as written.
        found: String,
        /// The format this runtime reads.
        expected: u32,
    },
    /// The version is right but the content does not have the shape of a program.
    #[error("programme précompilé invalide : {0}")]
    Shape(String),
}

/// The file form of a program: its format version first, then its fields.
#[derive(Serialize)]
struct Versioned<'a> {
    format_version: u32,
    #[serde(flatten)]
    program: &'a Program,
}

impl Program {
    /// The program as a precompiled file: JSON with `format_version` ([`FORMAT_VERSION`]).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(&Versioned {
            format_version: FORMAT_VERSION,
            program: self,
        })
    }

    /// Reads a precompiled file written by [`Program::to_json`]. A missing or different
    /// `format_version` is refused before anything else is read; pass the program to
    /// [`crate::Engine::new`], which checks its indices.
    pub fn from_json(text: &str) -> Result<Program, ProgramLoadError> {
        let mut value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ProgramLoadError::Json(e.to_string()))?;
        let Some(object) = value.as_object_mut() else {
            return Err(ProgramLoadError::Shape("un objet JSON est attendu".into()));
        };
        match object.remove("format_version") {
            None => {
                return Err(ProgramLoadError::MissingVersion {
                    expected: FORMAT_VERSION,
                })
            }
            Some(found) if found.as_u64() == Some(u64::from(FORMAT_VERSION)) => {}
            Some(found) => {
                return Err(ProgramLoadError::UnsupportedVersion {
                    found: found.to_string(),
                    expected: FORMAT_VERSION,
                })
            }
        }
        serde_json::from_value(value).map_err(|e| ProgramLoadError::Shape(e.to_string()))
    }
}

/// A compiled ruleset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Program {
    /// The ruleset's name (`val-doise`).
    pub ruleset: String,
    /// The dossier fields the ruleset reads, as a tree (only those it reads).
    pub inputs: Vec<InputField>,
    /// Dotted JSON path of each input slot (`demandeur.gir`), indexed by slot.
    pub input_paths: Vec<String>,
    /// The documentation of each input slot's field (its `##` comment), indexed by slot:
    /// the `description` of a missing field, the question a form asks.
    #[serde(default)]
    pub input_docs: Vec<Option<String>>,
    /// The input slot holding the default decision date (`date_demande`), if declared.
    pub decision_date_input: Option<InputSlot>,
    /// Enumerations, by [`EnumId`].
    pub enums: Vec<EnumDef>,
    /// Dated parameters, by [`ParamId`].
    pub params: Vec<Param>,
    /// Barèmes (tranche tables), by [`BaremeId`].
    pub baremes: Vec<Bareme>,
    /// Memoised named values: top-level `valeur`/`condition`, dispositif values, `soit`s and
    /// conditions. Each is computed at most once per dossier.
    pub defs: Vec<Def>,
    /// Number of local slots (function parameters and function `soit`s, inlined per call).
    pub locals: u32,
    /// In declaration order; the decision lists them in this order.
    pub dispositifs: Vec<Dispositif>,
    /// Cumul rules between dispositifs.
    pub cumuls: Vec<Cumul>,
}

/// A type, as far as the runtime needs it: decoding dossiers, rendering values.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Ty {
    /// `booléen`.
    Bool,
    /// `entier`.
    Int,
    /// `décimal`.
    Decimal,
    /// `montant`, per period (`€/mois`) or not (`€`).
    Money(Option<Period>),
    /// `taux` (`25 %` is `0.25`).
    Rate,
    /// `date`.
    Date,
    /// `durée`, in days or in months.
    Duration(DurationFamily),
    /// `texte`.
    Text,
    /// A value of an enumeration.
    Enum(EnumId),
    /// `liste de …`.
    List(Box<Ty>),
    /// A dossier field that may be absent (`date?`).
    Optional(Box<Ty>),
    /// A structure as one value (an element of a `liste de` structures): its fields in
    /// declaration order, held as a [`crate::value::Value::List`] of their values.
    Record(Vec<(String, Ty)>),
}

/// The period of an amount of money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Period {
    /// Per hour (`€/heure`).
    Heure,
    /// Per day (`€/jour`).
    Jour,
    /// Per month (`€/mois`).
    Mois,
    /// Per year (`€/an`).
    An,
}

/// Durations in days cannot be compared with durations in months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DurationFamily {
    /// `jours`.
    Days,
    /// `mois` and `ans` (a year is 12 months).
    Months,
    /// `heures`: hours of help (a plan, a monthly cap); not added to dates.
    Hours,
}

/// An enumeration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumDef {
    /// Its qualified name.
    pub name: String,
    /// Its variants, in declaration order.
    pub variants: Vec<String>,
}

/// One field of the dossier JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputField {
    /// The JSON key.
    pub name: String,
    /// An optional field may be absent or `null`; its leaves then read as `Value::Absent`.
    pub optional: bool,
    /// A leaf value or a nested record.
    pub kind: InputKind,
}

/// What a dossier field holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InputKind {
    /// A value, decoded into its slot.
    Leaf {
        /// The slot it fills.
        slot: InputSlot,
        /// Its type.
        ty: Ty,
        /// `entier dans MIN..MAX`: the values an integer field may take, both included; a
        /// dossier giving another one is refused when read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bounds: Option<(i64, i64)>,
    },
    /// A JSON object, with its fields.
    Record(Vec<InputField>),
}

/// A dated parameter. Versions are sorted by `from` and do not overlap (checked by the compiler).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The parameter's qualified name (`national.mtp`).
    pub name: String,
    /// The type of its values.
    pub ty: Ty,
    /// `Some` for a table parameter.
    pub key_ty: Option<Ty>,
    /// Its dated versions.
    pub versions: Vec<ParamVersion>,
}

/// One dated value (or table) of a parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamVersion {
    /// The first day it is in force.
    pub from: NaiveDate,
    /// Inclusive last day; `None` = open-ended. The compiler fills it from `jusqu'au` or
    /// from the day before the next version.
    pub until: Option<NaiveDate>,
    /// The value in force.
    pub value: ParamValue,
}

/// What a parameter version holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ParamValue {
    /// A single value.
    Scalar(Value),
    /// Key → value, looked up by equality.
    Table(Vec<(Value, Value)>),
}

/// A tranche table. Rows of a version are sorted by lower bound and leave no gap nor overlap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bareme {
    /// The barème's qualified name.
    pub name: String,
    /// The type of the value looked up.
    pub input_ty: Ty,
    /// The type of the tranche values.
    pub output_ty: Ty,
    /// The enumeration whose variants are the columns, if any.
    pub columns: Option<EnumId>,
    /// Its dated versions.
    pub versions: Vec<BaremeVersion>,
}

/// One dated version of a barème.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaremeVersion {
    /// The first day it is in force.
    pub from: NaiveDate,
    /// Inclusive last day; `None` = open-ended.
    pub until: Option<NaiveDate>,
    /// Its tranches, sorted.
    pub rows: Vec<BaremeRow>,
}

/// One tranche.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaremeRow {
    /// The tranche number as written (`tranche 3`).
    pub number: u32,
    /// One interval, or one per column in the enumeration's variant order.
    pub intervals: Vec<Interval>,
    /// The tranche's value.
    pub value: Value,
}

/// A numeric interval of a tranche.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    /// The lower bound.
    pub lower: Decimal,
    /// Whether the lower bound belongs to the interval (`[`).
    pub lower_inclusive: bool,
    /// `None` = `∞`. Otherwise the bound and whether it is inclusive.
    pub upper: Option<(Decimal, bool)>,
}

/// A memoised named value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Def {
    /// Qualified rule identifier for traces and errors: `apa_domicile.plafond`,
    /// `national.plafond_apa_gir`.
    pub name: String,
    /// Its type.
    pub ty: Ty,
    /// The value when no exception applies.
    pub expr: Expr,
    /// `sauf si` branches: when one holds, its value replaces `expr`. A branch with a
    /// `parent` refines that (earlier) branch: it is considered only when its parent holds,
    /// and wins over it.
    pub exceptions: Vec<ExceptionBranch>,
}

/// One `sauf si` branch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExceptionBranch {
    /// A readable label for traces and coverage (the condition as written).
    pub label: String,
    /// When it applies.
    pub condition: Expr,
    /// The value it gives.
    pub value: Expr,
    /// The index of the branch this one refines (always smaller than its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<u32>,
}

/// A dispositif: conditions and named outputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dispositif {
    /// The identifier (`apa_domicile`).
    pub name: String,
    /// The title as declared.
    pub title: Option<String>,
    /// Eligibility conditions, in order; each is a boolean def.
    pub conditions: Vec<Condition>,
    /// Named outputs, in order; computed only when eligible.
    pub outputs: Vec<Output>,
    /// Every def this dispositif's conditions and outputs depend on (transitively), in
    /// dependency order: what `--explain` shows for it.
    pub trace_defs: Vec<DefId>,
}

/// An eligibility condition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// Its identifier (`age_minimum`).
    pub id: String,
    /// The boolean def that decides it.
    pub def: DefId,
    /// The motif shown to the applicant.
    pub message: Message,
    /// A condition of payment (`condition de versement`), not of eligibility: when it fails
    /// the dispositif stays eligible and its `paid` outputs are paid as zero.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub payment: bool,
}

/// A named output of a dispositif.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Output {
    /// Its name (`montant`).
    pub name: String,
    /// The def that computes it.
    pub def: DefId,
    /// Its type.
    pub ty: Ty,
    /// A `valeur versée`: zero when a payment condition fails.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub paid: bool,
}

/// A motif's message: text and values rendered at decision time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Text and values, in order.
    pub parts: Vec<MessagePart>,
}

/// One piece of a motif's message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MessagePart {
    /// Literal text.
    Text(String),
    /// A value rendered for a person (`86 ans`, `1 143,09 €`, `domicile`).
    Value(Expr, Ty),
    /// Text depending on the condition's outcome: `≥` when satisfied, `<` when not.
    Choice {
        /// Shown when the condition holds.
        satisfied: String,
        /// Shown when it does not.
        failed: String,
    },
    /// The parts that follow, up to the next `Shown`, are shown only for these outcomes
    /// (`message si satisfaite`, `message si non satisfaite`). Their values are still
    /// computed, in order.
    Shown(Outcomes),
}

/// What a quantifier computes over the elements of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Quantifier {
    /// `tous les … vérifient`: every element satisfies the body (`vrai` for an empty list).
    All,
    /// `au moins un … vérifie`.
    Some,
    /// `aucun … ne vérifie`.
    None,
    /// `nombre de … tels que`: how many elements satisfy the body.
    Count,
    /// `somme de … pour chaque …`: the sum of the body over the elements.
    Sum,
}

/// The outcomes of a condition for which a part of its message is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcomes {
    /// When the condition holds.
    pub satisfied: bool,
    /// When it does not.
    pub failed: bool,
    /// When it cannot be decided (missing facts).
    pub unknown: bool,
}

impl Outcomes {
    /// Whether the outcome `held` (`None`: unknown) is one of these.
    pub fn contains(self, held: Option<bool>) -> bool {
        match held {
            Some(true) => self.satisfied,
            Some(false) => self.failed,
            None => self.unknown,
        }
    }
}

/// When `winner` is eligible, `excluded` is not (a motif names the winner).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cumul {
    /// The dispositif that wins.
    pub winner: DispositifId,
    /// The dispositif it excludes.
    pub excluded: DispositifId,
    /// It excludes only when the winner is paid (`cumul A versée exclut B`), not as soon as
    /// its right is open.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub when_paid: bool,
}

/// An expression, resolved to indices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Expr {
    /// A constant.
    Const(Value),
    /// A dossier field.
    Input(InputSlot),
    /// A memoised named value.
    Def(DefId),
    /// A local slot.
    Local(LocalSlot),
    /// Evaluate `value` into `slot`, then `body` (function parameters and `soit`s).
    Let {
        /// The slot written.
        slot: LocalSlot,
        /// The value stored.
        value: Box<Expr>,
        /// The expression evaluated with it.
        body: Box<Expr>,
    },
    /// The decision date.
    DecisionDate,
    /// A scalar parameter, at the decision date or at `at`.
    Param {
        /// The parameter.
        param: ParamId,
        /// The date to read it at, instead of the decision date.
        at: Option<Box<Expr>>,
    },
    /// A table parameter looked up by key.
    TableGet {
        /// The table parameter.
        param: ParamId,
        /// The key.
        key: Box<Expr>,
        /// The date to read it at, instead of the decision date.
        at: Option<Box<Expr>>,
    },
    /// A barème lookup.
    Bareme {
        /// The barème.
        bareme: BaremeId,
        /// The value looked up.
        x: Box<Expr>,
        /// The column (an enumeration value), for a barème with columns.
        column: Option<Box<Expr>>,
        /// The date to read it at, instead of the decision date.
        at: Option<Box<Expr>>,
        /// The tranche's value or its number.
        want: BaremeWant,
    },
    /// Negation.
    Unary(UnOp, Box<Expr>),
    /// Arithmetic and comparisons; operand kinds are guaranteed by the compiler.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// Short-circuit.
    And(Box<Expr>, Box<Expr>),
    /// Short-circuit.
    Or(Box<Expr>, Box<Expr>),
    /// `si … alors … sinon …`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `x dans lo..hi` (bounds included).
    InRange {
        /// The value tested.
        x: Box<Expr>,
        /// The lower bound.
        lo: Box<Expr>,
        /// The upper bound.
        hi: Box<Expr>,
    },
    /// `x dans (a, b, …)`.
    InSet {
        /// The value tested.
        x: Box<Expr>,
        /// The allowed values.
        set: Vec<Expr>,
    },
    /// `liste contient x`.
    Contains {
        /// The list.
        list: Box<Expr>,
        /// The element looked for.
        x: Box<Expr>,
    },
    /// `liste contient un de (a, b, …)`.
    ContainsAny {
        /// The list.
        list: Box<Expr>,
        /// The elements looked for.
        set: Vec<Expr>,
    },
    /// A built-in function call.
    Call(Builtin, Vec<Expr>),
    /// `arrondi(x, …)`.
    Round(Box<Expr>, RoundMode),
    /// `expr au date`: `expr` evaluated as of `date`: the versions of parameters and barèmes
    /// and the decision date are those of `date`, and the rules it reads are computed afresh
    /// for that date.
    AsOf {
        /// What is evaluated.
        expr: Box<Expr>,
        /// The date it is evaluated at.
        date: Box<Expr>,
    },
    /// Final eligibility of a dispositif (conditions and cumul rules).
    Eligible(DispositifId),
    /// An output of another dispositif; an error if it is not eligible.
    DispositifOutput {
        /// The other dispositif.
        dispositif: DispositifId,
        /// The def of its output.
        def: DefId,
    },
    /// `[a, b, c]`.
    List(Vec<Expr>),
    /// A quantifier over a list: `slot` holds each element while `body` is evaluated.
    Quantified {
        /// What is computed.
        quantifier: Quantifier,
        /// The local bound to each element.
        slot: LocalSlot,
        /// The list.
        list: Box<Expr>,
        /// Evaluated for each element.
        body: Box<Expr>,
        /// For a sum: the sum of an empty list (`0`, `0 €/mois`, `0 jours`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zero: Option<Value>,
    },
    /// A field of a record (an element of a list of structures), by position. A required
    /// field the dossier left out is unknown: `unknown` names the dossier field that holds
    /// the list, when the list is one.
    Field {
        /// The record.
        record: Box<Expr>,
        /// The field's position.
        index: u32,
        /// The input slot of the list the record comes from.
        unknown: Option<InputSlot>,
        /// Whether the field is optional (`T?`): left out, it is absent, not unknown.
        optional: bool,
    },
}

/// What a barème lookup gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BaremeWant {
    /// The tranche's value.
    Value,
    /// The tranche's number.
    TrancheNumber,
}

/// A unary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnOp {
    /// `-x`.
    Neg,
    /// `non x`.
    Not,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `×`.
    Mul,
    /// Always a decimal result (or money / money → decimal, money / number → money).
    Div,
    /// `=`.
    Eq,
    /// `≠`.
    Ne,
    /// `<`.
    Lt,
    /// `≤`.
    Le,
    /// `>`.
    Gt,
    /// `≥`.
    Ge,
}

/// How `arrondi` rounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoundMode {
    /// To the nearest centime (half away from zero).
    CentimeNearest,
    /// Down to the centime.
    CentimeDown,
    /// Up to the centime.
    CentimeUp,
    /// To the nearest euro (half away from zero).
    EuroNearest,
    /// Down to the euro.
    EuroDown,
    /// Up to the euro.
    EuroUp,
}
