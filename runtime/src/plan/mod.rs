//! The plan: a second, compiled evaluator for the common case (issue 15).
//!
//! Compiled once per `Engine` from the IR, it decides a complete dossier without tracing,
//! two-valued, over `Copy` scalar values (`V`), with a memo reset by bumping a generation
//! counter. It is only a fast path: whenever it meets anything the reference evaluator
//! (`eval/`) would answer with an unknown, an error, a « non calculable » value or a skipped
//! condition, or a construct it does not compile, it *bails* and the caller decides the same
//! dossier again with the reference, which stays the oracle (`Engine::reference`). So every
//! result the plan returns is one the reference would have returned, byte for byte; the tests
//! of `tests/tests/plan.rs` compare both on every shipped ruleset.

mod compile;
mod decide;
mod exec;
mod lookup;
mod value;

use std::sync::Arc;

use chrono::NaiveDate;

use crate::decision::MotifTemplate;
use crate::ir::{BaremeWant, BinOp, Builtin, RoundMode, Ty};

pub(crate) use compile::compile;
pub(crate) use decide::decide_into;
use value::V;

/// Why the plan gave up: the reference evaluator decides instead. Carries nothing: the
/// reference recomputes everything, including the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bail;

type R<T> = Result<T, Bail>;

/// A compiled program: one node tree per def, per exception branch and per message value.
#[derive(Debug)]
pub(crate) struct Plan {
    defs: Vec<PlanDef>,
    params: Vec<PlanParam>,
    /// Each dispositif as the plan decides and writes it.
    dispositifs: Vec<PlanDispositif>,
    /// The text constants `V::Text(Text::Const(i))` refers to.
    texts: Vec<Arc<str>>,
}

/// What deciding and writing one dispositif reads, gathered in one place when compiling: the
/// loops then walk one slice each instead of zipping the IR's and the layout's vectors.
#[derive(Debug)]
struct PlanDispositif {
    /// Its first index in the flat condition array (`Layout::condition_offsets`).
    offset: usize,
    /// Whether it has a payment condition (`condition de versement`).
    has_payment: bool,
    conditions: Box<[PlanCondition]>,
    outputs: Box<[PlanOutput]>,
}

#[derive(Debug)]
struct PlanCondition {
    def: u32,
    /// Its rule is read by this condition only: computed without the memo.
    once: bool,
    payment: bool,
    /// The motif's message (the very `Arc` of `DispositifNames::conditions`).
    template: Arc<MotifTemplate>,
    /// The non-constant values of its message, in message order.
    parts: Box<[Part]>,
}

/// A value shown in a motif message.
#[derive(Debug)]
enum Part {
    /// A dossier field, shown as given.
    Input(u32),
    /// A rule, read from the memo.
    Def(u32),
    Node(Node),
}

#[derive(Debug)]
struct PlanOutput {
    def: u32,
    /// Its rule is read by this output only: computed without the memo.
    once: bool,
    /// `valeur versée`: zero when the payment is withheld.
    paid: bool,
    /// The output's name (the very `Arc` of `DispositifNames::outputs`).
    name: Arc<str>,
    ty: Ty,
}

#[derive(Debug)]
struct PlanDef {
    expr: Node,
    exceptions: Vec<PlanBranch>,
}

#[derive(Debug)]
struct PlanBranch {
    parent: Option<u32>,
    condition: Node,
    value: Node,
}

#[derive(Debug)]
struct PlanParam {
    versions: Vec<(NaiveDate, Option<NaiveDate>, PlanParamValue)>,
}

#[derive(Debug)]
enum PlanParamValue {
    /// `None`: a value the plan does not hold (text, list): reading it bails.
    Scalar(Option<V>),
    /// `None`: a key or value the plan does not hold.
    Table(Option<Vec<(V, V)>>),
}

/// A compiled expression. Children are boxed; an operation with a constant operand keeps the
/// constant in place (`BinConst`), which saves a dispatch on the most frequent shape.
#[derive(Debug)]
enum Node {
    Const(V),
    Input(u32),
    Def(u32),
    /// A rule whose value is a constant: read, it is only counted as computed.
    ConstDef(u32, V),
    /// An operation on constant rules, folded: read, its rules (each with its value) are
    /// counted as computed, as `ConstDef` counts one.
    ConstRules(Box<[(u32, V)]>, V),
    Local(u32),
    Let(u32, Box<Node>, Box<Node>),
    DecisionDate,
    Param(u32, Option<Box<Node>>),
    TableGet(u32, Box<Node>, Option<Box<Node>>),
    Bareme {
        bareme: u32,
        x: Box<Node>,
        column: Option<Box<Node>>,
        at: Option<Box<Node>>,
        want: BaremeWant,
    },
    Neg(Box<Node>),
    Not(Box<Node>),
    Binary(BinOp, Box<Node>, Box<Node>),
    /// `a op k` with `k` a constant.
    BinConst(BinOp, Box<Node>, V),
    /// `champ op k`: a dossier field and a constant, the most frequent comparison.
    InputConst(BinOp, u32, V),
    /// `champ op n` comparing an integer field with an integer (`gir <= 4`): no dispatch on
    /// kinds when the field holds an integer.
    InputCmpInt(BinOp, u32, i64),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
    InRange(Box<Node>, Box<Node>, Box<Node>),
    InSet(Box<Node>, Vec<Node>),
    Call(Builtin, Vec<Node>),
    /// `champ contient x`, `champ contient un de (…)`, `nombre(champ)`,
    /// `nombre_distinct(champ)` on a list read from the dossier: its elements are compared
    /// in place, never copied.
    ContainsInput(u32, Box<Node>),
    ContainsAnyInput(u32, Vec<Node>),
    CountInput(u32),
    CountDistinctInput(u32),
    /// `renseigné(champ)`: whatever the field holds (text, list), only its presence is read.
    IsPresentInput(u32),
    Round(Box<Node>, RoundMode),
    /// `expr au date` where `expr` reads no rule nor dispositif: only the date its
    /// parameters and `date_décision` are read at changes, so no memo of its own is needed.
    AsOf(Box<Node>, Box<Node>),
    Eligible(u32),
    Output(u32, u32),
    /// A construct the plan does not compile: reaching it bails.
    Bail,
}
