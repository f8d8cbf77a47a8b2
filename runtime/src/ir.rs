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

pub type InputSlot = u32;
pub type DefId = u32;
pub type LocalSlot = u32;
pub type ParamId = u32;
pub type BaremeId = u32;
pub type DispositifId = u32;
pub type EnumId = u32;

/// The format of a precompiled program file ([`Program::to_json`]). It changes whenever the
/// IR changes shape, so an application never decides with a program it would misread.
pub const FORMAT_VERSION: u32 = 1;

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
    /// The input slot holding the default decision date (`date_demande`), if declared.
    pub decision_date_input: Option<InputSlot>,
    pub enums: Vec<EnumDef>,
    pub params: Vec<Param>,
    pub baremes: Vec<Bareme>,
    /// Memoised named values: top-level `valeur`/`condition`, dispositif values, `soit`s and
    /// conditions. Each is computed at most once per dossier.
    pub defs: Vec<Def>,
    /// Number of local slots (function parameters and function `soit`s, inlined per call).
    pub locals: u32,
    /// In declaration order; the decision lists them in this order.
    pub dispositifs: Vec<Dispositif>,
    pub cumuls: Vec<Cumul>,
}

/// A type, as far as the runtime needs it: decoding dossiers, rendering values.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Ty {
    Bool,
    Int,
    Decimal,
    Money(Option<Period>),
    Rate,
    Date,
    Duration(DurationFamily),
    Text,
    Enum(EnumId),
    List(Box<Ty>),
    Optional(Box<Ty>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Period {
    Heure,
    Jour,
    Mois,
    An,
}

/// Durations in days cannot be compared with durations in months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DurationFamily {
    Days,
    Months,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumDef {
    pub name: String,
    pub variants: Vec<String>,
}

/// One field of the dossier JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputField {
    pub name: String,
    /// An optional field may be absent or `null`; its leaves then read as `Value::Absent`.
    pub optional: bool,
    pub kind: InputKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InputKind {
    Leaf { slot: InputSlot, ty: Ty },
    Record(Vec<InputField>),
}

/// A dated parameter. Versions are sorted by `from` and do not overlap (checked by the compiler).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    pub ty: Ty,
    /// `Some` for a table parameter.
    pub key_ty: Option<Ty>,
    pub versions: Vec<ParamVersion>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamVersion {
    pub from: NaiveDate,
    /// Inclusive last day; `None` = open-ended. The compiler fills it from `jusqu'au` or
    /// from the day before the next version.
    pub until: Option<NaiveDate>,
    pub value: ParamValue,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ParamValue {
    Scalar(Value),
    /// Key → value, looked up by equality.
    Table(Vec<(Value, Value)>),
}

/// A tranche table. Rows of a version are sorted by lower bound and leave no gap nor overlap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bareme {
    pub name: String,
    pub input_ty: Ty,
    pub output_ty: Ty,
    /// The enumeration whose variants are the columns, if any.
    pub columns: Option<EnumId>,
    pub versions: Vec<BaremeVersion>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaremeVersion {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub rows: Vec<BaremeRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaremeRow {
    /// The tranche number as written (`tranche 3`).
    pub number: u32,
    /// One interval, or one per column in the enumeration's variant order.
    pub intervals: Vec<Interval>,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    pub lower: Decimal,
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
    pub ty: Ty,
    pub expr: Expr,
    /// `sauf si` branches: when one holds, its value replaces `expr`.
    pub exceptions: Vec<ExceptionBranch>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExceptionBranch {
    /// A readable label for traces and coverage (the condition as written).
    pub label: String,
    pub condition: Expr,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dispositif {
    pub name: String,
    pub title: Option<String>,
    /// Eligibility conditions, in order; each is a boolean def.
    pub conditions: Vec<Condition>,
    /// Named outputs, in order; computed only when eligible.
    pub outputs: Vec<Output>,
    /// Every def this dispositif's conditions and outputs depend on (transitively), in
    /// dependency order: what `--explain` shows for it.
    pub trace_defs: Vec<DefId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub id: String,
    pub def: DefId,
    pub message: Message,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Output {
    pub name: String,
    pub def: DefId,
    pub ty: Ty,
}

/// A motif's message: text and values rendered at decision time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub parts: Vec<MessagePart>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MessagePart {
    Text(String),
    /// A value rendered for a person (`86 ans`, `1 143,09 €`, `domicile`).
    Value(Expr, Ty),
    /// Text depending on the condition's outcome: `≥` when satisfied, `<` when not.
    Choice {
        satisfied: String,
        failed: String,
    },
}

/// When `winner` is eligible, `excluded` is not (a motif names the winner).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cumul {
    pub winner: DispositifId,
    pub excluded: DispositifId,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Expr {
    Const(Value),
    Input(InputSlot),
    Def(DefId),
    Local(LocalSlot),
    /// Evaluate `value` into `slot`, then `body` (function parameters and `soit`s).
    Let {
        slot: LocalSlot,
        value: Box<Expr>,
        body: Box<Expr>,
    },
    /// The decision date.
    DecisionDate,
    /// A scalar parameter, at the decision date or at `at`.
    Param {
        param: ParamId,
        at: Option<Box<Expr>>,
    },
    TableGet {
        param: ParamId,
        key: Box<Expr>,
        at: Option<Box<Expr>>,
    },
    Bareme {
        bareme: BaremeId,
        x: Box<Expr>,
        column: Option<Box<Expr>>,
        at: Option<Box<Expr>>,
        want: BaremeWant,
    },
    Unary(UnOp, Box<Expr>),
    /// Arithmetic and comparisons; operand kinds are guaranteed by the compiler.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// Short-circuit.
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    InRange {
        x: Box<Expr>,
        lo: Box<Expr>,
        hi: Box<Expr>,
    },
    InSet {
        x: Box<Expr>,
        set: Vec<Expr>,
    },
    Contains {
        list: Box<Expr>,
        x: Box<Expr>,
    },
    ContainsAny {
        list: Box<Expr>,
        set: Vec<Expr>,
    },
    Call(Builtin, Vec<Expr>),
    Round(Box<Expr>, RoundMode),
    /// Final eligibility of a dispositif (conditions and cumul rules).
    Eligible(DispositifId),
    /// An output of another dispositif; an error if it is not eligible.
    DispositifOutput {
        dispositif: DispositifId,
        def: DefId,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BaremeWant {
    Value,
    TrancheNumber,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    /// Always a decimal result (or money / money → decimal, money / number → money).
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoundMode {
    CentimeNearest,
    CentimeDown,
    CentimeUp,
    EuroNearest,
    EuroDown,
    EuroUp,
}
