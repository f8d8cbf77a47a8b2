//! The typed representation of a checked ruleset: every name resolved, every expression
//! typed. Lowering turns it into the runtime IR; the checks walk it for references.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use socle_grammar::ast::{CumulKind, Ident, RoundMode};
use socle_grammar::Span;
use socle_runtime::ir::{BaremeWant, BinOp, Builtin, Interval, UnOp};
use socle_runtime::value::Value;

use crate::diagnostic::{Diagnostic, FileId};
use crate::types::{QName, Type};

/// A memoised named value: a top-level `valeur`/`condition` or a dispositif item.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueKey {
    Top(QName),
    Item { dispositif: QName, name: String },
}

impl ValueKey {
    /// The rule identifier shown in traces: `national.plafond_apa`, `apa_domicile.montant`.
    pub fn trace_name(&self) -> String {
        match self {
            ValueKey::Top(q) => q.to_string(),
            ValueKey::Item { dispositif, name } => format!("{}.{name}", dispositif.name),
        }
    }

    /// The name as a policy officer wrote it, for cycle messages.
    pub fn short_name(&self) -> String {
        match self {
            ValueKey::Top(q) => q.name.clone(),
            ValueKey::Item { dispositif, name } => format!("{}.{name}", dispositif.name),
        }
    }
}

/// A constant: a run-time value, or an enumeration variant (its enum id is known only
/// when lowering).
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    Value(Value),
    Variant(QName, u32),
}

#[derive(Clone, Debug, PartialEq)]
pub struct TExpr {
    pub kind: TKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InputSegment {
    pub name: String,
    /// The field is declared `T?`.
    pub optional: bool,
    /// The declared type of the field.
    pub ty: Type,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TKind {
    Const(Const),
    /// A dossier field: the `entrée` then nested structure fields.
    Input(Vec<InputSegment>),
    Named(ValueKey),
    /// A function parameter or function `soit`, numbered within its function.
    Local(u32),
    DecisionDate,
    Param {
        param: QName,
        at: Option<Box<TExpr>>,
    },
    TableGet {
        param: QName,
        key: Box<TExpr>,
        at: Option<Box<TExpr>>,
    },
    Bareme {
        bareme: QName,
        x: Box<TExpr>,
        column: Option<Box<TExpr>>,
        at: Option<Box<TExpr>>,
        want: BaremeWant,
    },
    Call(Builtin, Vec<TExpr>),
    FnCall(QName, Vec<TExpr>),
    Unary(UnOp, Box<TExpr>),
    Binary(BinOp, Box<TExpr>, Box<TExpr>),
    And(Box<TExpr>, Box<TExpr>),
    Or(Box<TExpr>, Box<TExpr>),
    If(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    InRange(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    InSet(Box<TExpr>, Vec<TExpr>),
    Contains(Box<TExpr>, Box<TExpr>),
    ContainsAny(Box<TExpr>, Vec<TExpr>),
    Round(Box<TExpr>, RoundMode),
    /// `expr au date` for an expression other than a parameter, a table or a barème.
    AsOf(Box<TExpr>, Box<TExpr>),
    Eligible(QName),
    DispositifOutput(QName, String),
    /// `[a, b, c]`
    List(Vec<TExpr>),
    /// A quantifier over a list; the local (numbered like a function's) is bound to each
    /// element while the body is read.
    Quantified(socle_runtime::ir::Quantifier, u32, Box<TExpr>, Box<TExpr>),
    /// A field of a structure value (an element of a list of structures), by position.
    RecordField(Box<TExpr>, u32),
    /// Already reported.
    Error,
}

impl TExpr {
    pub fn error(span: Span) -> TExpr {
        TExpr {
            kind: TKind::Error,
            ty: Type::Error,
            span,
        }
    }

    /// Calls `f` on every direct sub-expression.
    pub fn for_each_child(&self, mut f: impl FnMut(&TExpr)) {
        let opt = |e: &Option<Box<TExpr>>, f: &mut dyn FnMut(&TExpr)| {
            if let Some(e) = e {
                f(e);
            }
        };
        match &self.kind {
            TKind::Const(_)
            | TKind::Input(_)
            | TKind::Named(_)
            | TKind::Local(_)
            | TKind::DecisionDate
            | TKind::Eligible(_)
            | TKind::DispositifOutput(..)
            | TKind::Error => {}
            TKind::Param { at, .. } => opt(at, &mut f),
            TKind::TableGet { key, at, .. } => {
                f(key);
                opt(at, &mut f);
            }
            TKind::Bareme { x, column, at, .. } => {
                f(x);
                opt(column, &mut f);
                opt(at, &mut f);
            }
            TKind::Call(_, args) | TKind::FnCall(_, args) => args.iter().for_each(f),
            TKind::Unary(_, a) | TKind::Round(a, _) | TKind::RecordField(a, _) => f(a),
            TKind::List(items) => items.iter().for_each(f),
            TKind::Quantified(_, _, list, body) => {
                f(list);
                f(body);
            }
            TKind::Binary(_, a, b)
            | TKind::And(a, b)
            | TKind::Or(a, b)
            | TKind::Contains(a, b)
            | TKind::AsOf(a, b) => {
                f(a);
                f(b);
            }
            TKind::If(a, b, c) | TKind::InRange(a, b, c) => {
                f(a);
                f(b);
                f(c);
            }
            TKind::InSet(a, set) | TKind::ContainsAny(a, set) => {
                f(a);
                set.iter().for_each(f);
            }
        }
    }
}

/// What an expression refers to, for dependency graphs and unused-definition warnings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reference {
    Value(ValueKey),
    Function(QName),
    Param(QName),
    Bareme(QName),
    Dispositif(QName),
    Local(u32),
}

/// Every reference made by an expression (its whole tree).
pub fn references(e: &TExpr, out: &mut Vec<Reference>) {
    match &e.kind {
        TKind::Named(k) => out.push(Reference::Value(k.clone())),
        TKind::Local(i) => out.push(Reference::Local(*i)),
        TKind::Param { param, .. } | TKind::TableGet { param, .. } => {
            out.push(Reference::Param(param.clone()));
        }
        TKind::Bareme { bareme, .. } => out.push(Reference::Bareme(bareme.clone())),
        TKind::FnCall(f, _) => out.push(Reference::Function(f.clone())),
        TKind::Eligible(d) => out.push(Reference::Dispositif(d.clone())),
        TKind::DispositifOutput(d, name) => {
            out.push(Reference::Dispositif(d.clone()));
            out.push(Reference::Value(ValueKey::Item {
                dispositif: d.clone(),
                name: name.clone(),
            }));
        }
        _ => {}
    }
    e.for_each_child(|c| references(c, out));
}

#[derive(Clone, Debug, PartialEq)]
pub struct TException {
    pub condition: TExpr,
    pub value: TExpr,
    /// The condition as written, whitespace collapsed.
    pub label: String,
    /// The exception this one refines: an index into the same list, smaller than its own.
    pub parent: Option<usize>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TMessagePart {
    Text(String),
    Value(TExpr),
    /// The parts that follow are shown only for these outcomes (messages per outcome).
    Shown(socle_runtime::ir::Outcomes),
    /// The message Socle writes from the condition's expression.
    Auto,
}

/// A top-level `valeur`/`condition` or a dispositif item.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueItem {
    pub key: ValueKey,
    pub name: Ident,
    pub file: FileId,
    pub kind: ValueKind,
    pub ty: Type,
    pub expr: TExpr,
    pub exceptions: Vec<TException>,
    /// For conditions with a `message`.
    pub message: Option<Vec<TMessagePart>>,
    /// A `condition de versement` (payment, not eligibility), or a `valeur versée` (the
    /// amount a failed payment condition withholds).
    pub payment: bool,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Value,
    Condition,
    Let,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionItem {
    pub name: Ident,
    pub file: FileId,
    pub params: Vec<(Ident, Type)>,
    pub ret: Type,
    /// `soit`s: local numbers continue after the parameters.
    pub lets: Vec<(Ident, Type, TExpr)>,
    pub result: TExpr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DispositifItem {
    pub name: Ident,
    pub file: FileId,
    pub title: Option<String>,
    /// Conditions, values and `soit`s in order.
    pub items: Vec<ValueItem>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Version<T> {
    pub from: NaiveDate,
    /// Inclusive: from `jusqu'au` or the day before the next version.
    pub until: Option<NaiveDate>,
    pub value: T,
    /// The whole version as written (in the declaration's file).
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ParamData {
    Scalar(Const),
    Table(Vec<(Const, Const)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParamItem {
    pub name: Ident,
    pub file: FileId,
    pub ty: Type,
    pub key_ty: Option<Type>,
    pub versions: Vec<Version<ParamData>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BaremeRowData {
    pub number: u32,
    /// In the column enumeration's variant order.
    pub intervals: Vec<Interval>,
    pub value: Const,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BaremeItem {
    pub name: Ident,
    pub file: FileId,
    pub input_ty: Type,
    pub output_ty: Type,
    pub columns: Option<QName>,
    pub versions: Vec<Version<Vec<BaremeRowData>>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumItem {
    pub name: Ident,
    pub variants: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StructItem {
    pub name: Ident,
    pub fields: Vec<(String, Type)>,
    /// `entier dans MIN..MAX`: the bounds of the fields that have some.
    pub bounds: BTreeMap<String, (i64, i64)>,
    /// The `##` documentation of the fields that have one: what a form asks the caseworker.
    pub docs: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CumulItem {
    /// Where the rule is written.
    pub file: FileId,
    pub span: Span,
    pub kind: CumulKind,
    pub left: QName,
    pub right: QName,
    /// The winner excludes only when it is paid (`versée`).
    pub paid: bool,
}

/// What a name written in a ruleset denotes: an imported ruleset, a declaration, or a member
/// of one (field, variant, dispositif item, function parameter or `soit`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Named {
    Ruleset(String),
    Top(QName),
    Member(QName, String),
    /// The variable of a quantifier (`h` in `tous les h dans demandeur.heritiers vérifient …`),
    /// known by where it is bound (the binder's span), with the elements' type.
    Element {
        name: String,
        binder: Span,
        ty: String,
    },
}

/// One name as written and what typing resolved it to: the source map the editor reads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Resolution {
    pub file: FileId,
    pub span: Span,
    pub target: Named,
}

/// A ruleset after resolution, typing and checks.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TypedRuleset {
    /// The identifier written in expressions (`val_doise`).
    pub ident: String,
    pub enums: BTreeMap<String, EnumItem>,
    pub structs: BTreeMap<String, StructItem>,
    pub inputs: BTreeMap<String, Type>,
    /// The `##` documentation of the `entrée`s that have one.
    pub input_docs: BTreeMap<String, String>,
    /// `entrée NOM : entier dans MIN..MAX`: the bounds of the `entrée`s that have some.
    pub input_bounds: BTreeMap<String, (i64, i64)>,
    pub params: BTreeMap<String, ParamItem>,
    pub baremes: BTreeMap<String, BaremeItem>,
    pub values: BTreeMap<String, ValueItem>,
    pub functions: BTreeMap<String, FunctionItem>,
    /// In declaration order.
    pub dispositifs: Vec<DispositifItem>,
    pub cumuls: Vec<CumulItem>,
    /// Every name resolved, in typing order (a name typed twice appears twice).
    pub resolutions: Vec<Resolution>,
    /// Every diagnostic located in this ruleset's files, except parse errors.
    pub diagnostics: Vec<Diagnostic>,
}

impl TypedRuleset {
    pub fn dispositif(&self, name: &str) -> Option<&DispositifItem> {
        self.dispositifs.iter().find(|d| d.name.name == name)
    }

    pub fn value(&self, key: &ValueKey) -> Option<&ValueItem> {
        match key {
            ValueKey::Top(q) => self.values.get(&q.name),
            ValueKey::Item { dispositif, name } => self
                .dispositif(&dispositif.name)?
                .items
                .iter()
                .find(|i| i.name.name == *name),
        }
    }
}

/// A decimal bound of a barème interval, for messages: `754 €`.
pub fn bound_text(d: Decimal, money: bool) -> String {
    let s = d.normalize().to_string().replace('.', ",");
    if money {
        format!("{s} €")
    } else {
        s
    }
}
