//! From the IR to the plan: each expression becomes a node tree; what the plan does not
//! evaluate (lists, quantifiers, records, `au`, text values) becomes a `Bail` node, so that
//! only the dossiers that reach it go to the reference evaluator.

use std::sync::Arc;

use super::exec::Extreme;
use super::value::{binary, Text, V};
use super::{
    Node, Part, Plan, PlanBranch, PlanCondition, PlanDef, PlanDispositif, PlanOutput, PlanParam,
    PlanParamValue,
};
use crate::ir::{BinOp, Builtin, Expr, MessagePart, ParamValue, Program, UnOp};
use crate::validate::Layout;
use crate::value::Value;

/// Compiles `p` (already validated into `layout`: every index is in range).
pub(crate) fn compile(p: &Program, layout: &Layout) -> Plan {
    let mut c = Compiler {
        texts: Vec::new(),
        const_defs: Vec::new(),
        reads: Vec::new(),
    };
    // A first pass finds the rules that fold to a constant: a read of one then needs no
    // call into the memo's computing path (`Node::ConstDef`).
    c.const_defs = p
        .defs
        .iter()
        .map(|def| match c.node(&def.expr) {
            Node::Const(v) if def.exceptions.is_empty() => Some(v),
            _ => None,
        })
        .collect();
    c.reads = vec![0; p.defs.len()];
    let defs = p
        .defs
        .iter()
        .map(|def| PlanDef {
            expr: c.node(&def.expr),
            exceptions: def
                .exceptions
                .iter()
                .map(|b| PlanBranch {
                    parent: b.parent,
                    condition: c.node(&b.condition),
                    value: c.node(&b.value),
                })
                .collect(),
        })
        .collect();
    let params = p
        .params
        .iter()
        .map(|param| PlanParam {
            versions: param
                .versions
                .iter()
                .map(|v| {
                    let value = match &v.value {
                        ParamValue::Scalar(x) => PlanParamValue::Scalar(c.constant(x)),
                        ParamValue::Table(entries) => PlanParamValue::Table(
                            entries
                                .iter()
                                .map(|(k, x)| Some((c.constant(k)?, c.constant(x)?)))
                                .collect(),
                        ),
                    };
                    (v.from, v.until, value)
                })
                .collect(),
        })
        .collect();
    let dispositifs = p
        .dispositifs
        .iter()
        .zip(&layout.names)
        .zip(&layout.condition_offsets)
        .map(|((d, names), &offset)| PlanDispositif {
            offset,
            has_payment: d.conditions.iter().any(|c| c.payment),
            conditions: d
                .conditions
                .iter()
                .zip(&names.conditions)
                .map(|(condition, template)| PlanCondition {
                    def: c.read(condition.def),
                    once: false,
                    payment: condition.payment,
                    template: Arc::clone(template),
                    parts: condition
                        .message
                        .parts
                        .iter()
                        .filter_map(|part| match part {
                            MessagePart::Value(Expr::Const(_), _) => None,
                            MessagePart::Value(Expr::Input(slot), _) => Some(Part::Input(*slot)),
                            MessagePart::Value(Expr::Def(id), _) => Some(Part::Def(c.read(*id))),
                            MessagePart::Value(e, _) => Some(Part::Node(c.node(e))),
                            _ => None,
                        })
                        .collect(),
                })
                .collect(),
            outputs: d
                .outputs
                .iter()
                .zip(&names.outputs)
                .map(|(output, name)| PlanOutput {
                    def: c.read(output.def),
                    once: false,
                    paid: output.paid,
                    name: Arc::clone(name),
                    ty: output.ty.clone(),
                })
                .collect(),
        })
        .collect();
    // Every read is counted now: an eligibility condition or an output is the only reader of
    // its rule when no rule, message, output nor other condition reads it. Such a rule is in no
    // cycle, and its reader reads it once per decision (eligibility is memoised, outputs are
    // written once): it is computed without a memo of its own.
    let once = |def: u32| {
        c.reads.get(def as usize) == Some(&1)
            && p.defs
                .get(def as usize)
                .is_some_and(|def| def.exceptions.is_empty())
    };
    let mut dispositifs: Vec<PlanDispositif> = dispositifs;
    for d in &mut dispositifs {
        for condition in d.conditions.iter_mut() {
            condition.once = !condition.payment && once(condition.def);
        }
        for output in d.outputs.iter_mut() {
            output.once = once(output.def);
        }
    }
    Plan {
        defs,
        params,
        dispositifs,
        texts: c.texts,
    }
}

struct Compiler {
    /// Every text constant, interned.
    texts: Vec<Arc<str>>,
    /// The value of each rule that is a constant (no exception), by def.
    const_defs: Vec<Option<V>>,
    /// How many places of the compiled plan read each rule.
    reads: Vec<u32>,
}

impl Compiler {
    /// Counts a read of rule `id`.
    fn read(&mut self, id: u32) -> u32 {
        if let Some(n) = self.reads.get_mut(id as usize) {
            *n += 1;
        }
        id
    }

    fn boxed(&mut self, e: &Expr) -> Box<Node> {
        Box::new(self.node(e))
    }

    fn at(&mut self, e: &Option<Box<Expr>>) -> Option<Box<Node>> {
        e.as_deref().map(|e| self.boxed(e))
    }

    fn node(&mut self, e: &Expr) -> Node {
        match e {
            Expr::Const(v) => self.constant(v).map_or(Node::Bail, Node::Const),
            Expr::Input(slot) => Node::Input(*slot),
            Expr::Def(id) => {
                let id = self.read(*id);
                match self.const_defs.get(id as usize).copied().flatten() {
                    Some(v) => Node::ConstDef(id, v),
                    None => Node::Def(id),
                }
            }
            Expr::Local(slot) => Node::Local(*slot),
            Expr::Let { slot, value, body } => {
                Node::Let(*slot, self.boxed(value), self.boxed(body))
            }
            Expr::DecisionDate => Node::DecisionDate,
            Expr::Param { param, at: date } => Node::Param(*param, self.at(date)),
            Expr::TableGet {
                param,
                key,
                at: date,
            } => Node::TableGet(*param, self.boxed(key), self.at(date)),
            Expr::Bareme {
                bareme,
                x,
                column,
                at: date,
                want,
            } => Node::Bareme {
                bareme: *bareme,
                x: self.boxed(x),
                column: self.at(column),
                at: self.at(date),
                want: *want,
            },
            Expr::Unary(UnOp::Neg, a) => Node::Neg(self.boxed(a)),
            Expr::Unary(UnOp::Not, a) => Node::Not(self.boxed(a)),
            Expr::Binary(op, a, b) => self.binary(*op, a, b),
            Expr::And(a, b) => Node::And(self.boxed(a), self.boxed(b)),
            Expr::Or(a, b) => Node::Or(self.boxed(a), self.boxed(b)),
            Expr::If(c, a, b) => Node::If(self.boxed(c), self.boxed(a), self.boxed(b)),
            Expr::InRange { x, lo, hi } => {
                Node::InRange(self.boxed(x), self.boxed(lo), self.boxed(hi))
            }
            Expr::InSet { x, set } => {
                Node::InSet(self.boxed(x), set.iter().map(|e| self.node(e)).collect())
            }
            Expr::Call(Builtin::IsPresent, args) => match args.as_slice() {
                [Expr::Input(slot)] => Node::IsPresentInput(*slot),
                _ => Node::Call(
                    Builtin::IsPresent,
                    args.iter().map(|e| self.node(e)).collect(),
                ),
            },
            Expr::Call(Builtin::Count, args) => match args.as_slice() {
                [Expr::Input(slot)] => Node::CountInput(*slot),
                _ => Node::Bail,
            },
            Expr::Call(Builtin::CountDistinct, args) => match args.as_slice() {
                [Expr::Input(slot)] => Node::CountDistinctInput(*slot),
                _ => Node::Bail,
            },
            Expr::Call(
                builtin @ (Builtin::Min | Builtin::Max | Builtin::Ceiling | Builtin::Floor),
                args,
            ) => {
                let args: Vec<Node> = args.iter().map(|e| self.node(e)).collect();
                fold_extreme(*builtin, &args)
                    .map_or_else(|| Node::Call(*builtin, args), Node::Const)
            }
            Expr::Call(builtin, args) => {
                Node::Call(*builtin, args.iter().map(|e| self.node(e)).collect())
            }
            Expr::Round(x, mode) => Node::Round(self.boxed(x), *mode),
            Expr::Eligible(d) => Node::Eligible(*d),
            Expr::DispositifOutput { dispositif, def } => {
                Node::Output(*dispositif, self.read(*def))
            }
            Expr::Contains { list, x } => match &**list {
                Expr::Input(slot) => Node::ContainsInput(*slot, self.boxed(x)),
                _ => Node::Bail,
            },
            Expr::ContainsAny { list, set } => match &**list {
                Expr::Input(slot) => {
                    Node::ContainsAnyInput(*slot, set.iter().map(|e| self.node(e)).collect())
                }
                _ => Node::Bail,
            },
            Expr::AsOf { expr, date } if reads_no_rule(expr) => {
                Node::AsOf(self.boxed(expr), self.boxed(date))
            }
            Expr::AsOf { .. } | Expr::List(_) | Expr::Quantified { .. } | Expr::Field { .. } => {
                Node::Bail
            }
        }
    }

    /// An operation on two constants is folded, by the function that would compute it (so the
    /// same `Decimal`, scale included); one with a constant on its right keeps the constant in
    /// the node.
    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr) -> Node {
        let (a, b) = (self.node(a), self.node(b));
        // Constant rules (`seuil_haut - seuil_bas`): the value is folded, and the rules are
        // still counted as computed when the operation is read.
        if let (Some((mut rules, x)), Some((more, y))) = (constant_reads(&a), constant_reads(&b)) {
            if !rules.is_empty() || !more.is_empty() {
                if let (false, false, Ok(v)) = (is_text(x), is_text(y), binary(op, x, y)) {
                    rules.extend(more);
                    return Node::ConstRules(rules.into_boxed_slice(), v);
                }
            }
        }
        match (a, b) {
            (Node::Const(x), Node::Const(y)) if !is_text(x) && !is_text(y) => {
                match binary(op, x, y) {
                    Ok(v) => Node::Const(v),
                    // A fault: left for the run, which bails to the reference.
                    Err(_) => Node::BinConst(op, Box::new(Node::Const(x)), y),
                }
            }
            (Node::Input(slot), Node::Const(k)) => match k {
                V::Int(n) if comparison(op) => Node::InputCmpInt(op, slot, n),
                _ => Node::InputConst(op, slot, k),
            },
            (a, Node::Const(k)) => Node::BinConst(op, Box::new(a), k),
            (a, b) => Node::Binary(op, Box::new(a), Box::new(b)),
        }
    }

    /// A constant as the plan holds it; texts are interned.
    fn constant(&mut self, v: &Value) -> Option<V> {
        let Value::Text(text) = v else {
            return V::of(v);
        };
        let index = match self.texts.iter().position(|t| t == text) {
            Some(i) => i,
            None => {
                self.texts.push(Arc::clone(text));
                self.texts.len() - 1
            }
        };
        u32::try_from(index).ok().map(|i| V::Text(Text::Const(i)))
    }
}

/// The constant rules a constant node reads (each with its value) and its value.
fn constant_reads(n: &Node) -> Option<(Vec<(u32, V)>, V)> {
    match n {
        Node::Const(v) => Some((Vec::new(), *v)),
        Node::ConstDef(id, v) => Some((vec![(*id, *v)], *v)),
        Node::ConstRules(rules, v) => Some((rules.to_vec(), *v)),
        _ => None,
    }
}

fn is_text(v: V) -> bool {
    matches!(v, V::Text(_))
}

/// `min`, `max`… over constants, folded as `Exec::call` computes them.
fn fold_extreme(builtin: Builtin, args: &[Node]) -> Option<V> {
    let mut extreme = Extreme::new(builtin);
    for arg in args {
        match arg {
            Node::Const(v) => extreme.add(*v).ok()?,
            _ => return None,
        }
    }
    extreme.finish().ok()
}

fn comparison(op: BinOp) -> bool {
    !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div)
}

/// Whether `e` reads no rule, no dispositif and no nested `au`: it can be evaluated at another
/// date without a memo of its own.
fn reads_no_rule(e: &Expr) -> bool {
    let all = |es: &[Expr]| es.iter().all(reads_no_rule);
    let opt = |e: &Option<Box<Expr>>| e.as_deref().is_none_or(reads_no_rule);
    match e {
        Expr::Def(_)
        | Expr::Eligible(_)
        | Expr::DispositifOutput { .. }
        | Expr::AsOf { .. }
        | Expr::List(_)
        | Expr::Quantified { .. }
        | Expr::Field { .. } => false,
        Expr::Const(_) | Expr::Input(_) | Expr::Local(_) | Expr::DecisionDate => true,
        Expr::Let { value, body, .. } => reads_no_rule(value) && reads_no_rule(body),
        Expr::Param { at, .. } => opt(at),
        Expr::TableGet { key, at, .. } => reads_no_rule(key) && opt(at),
        Expr::Bareme { x, column, at, .. } => reads_no_rule(x) && opt(column) && opt(at),
        Expr::Unary(_, a) | Expr::Round(a, _) => reads_no_rule(a),
        Expr::Binary(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
            reads_no_rule(a) && reads_no_rule(b)
        }
        Expr::If(c, a, b) => reads_no_rule(c) && reads_no_rule(a) && reads_no_rule(b),
        Expr::InRange { x, lo, hi } => reads_no_rule(x) && reads_no_rule(lo) && reads_no_rule(hi),
        Expr::InSet { x, set } => reads_no_rule(x) && all(set),
        Expr::Contains { list, x } => reads_no_rule(list) && reads_no_rule(x),
        Expr::ContainsAny { list, set } => reads_no_rule(list) && all(set),
        Expr::Call(_, args) => all(args),
    }
}
