//! The order in which a decision's trace lists definitions: dependencies before dependents.

use super::*;

/// The defs an expression reads directly.
fn def_refs(e: &Expr, out: &mut Vec<DefId>) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Const(_)
            | Expr::Input(_)
            | Expr::Local(_)
            | Expr::DecisionDate
            | Expr::Eligible(_) => {}
            Expr::Def(id) => out.push(*id),
            Expr::DispositifOutput { def, .. } => out.push(*def),
            Expr::Let { value, body, .. } => {
                stack.push(value);
                stack.push(body);
            }
            Expr::Param { at, .. } => stack.extend(at.as_deref()),
            Expr::TableGet { key, at, .. } => {
                stack.push(key);
                stack.extend(at.as_deref());
            }
            Expr::Bareme { x, column, at, .. } => {
                stack.push(x);
                stack.extend(column.as_deref());
                stack.extend(at.as_deref());
            }
            Expr::Unary(_, a) | Expr::Round(a, _) => stack.push(a),
            Expr::Binary(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
                stack.push(a);
                stack.push(b);
            }
            Expr::If(a, b, c) => {
                stack.push(a);
                stack.push(b);
                stack.push(c);
            }
            Expr::InRange { x, lo, hi } => {
                stack.push(x);
                stack.push(lo);
                stack.push(hi);
            }
            Expr::InSet { x, set } => {
                stack.push(x);
                stack.extend(set.iter());
            }
            Expr::Contains { list, x } => {
                stack.push(list);
                stack.push(x);
            }
            Expr::AsOf { expr, date } => {
                stack.push(expr);
                stack.push(date);
            }
            Expr::ContainsAny { list, set } => {
                stack.push(list);
                stack.extend(set.iter());
            }
            Expr::Call(_, args) | Expr::List(args) => stack.extend(args.iter()),
            Expr::Quantified { list, body, .. } => {
                stack.push(list);
                stack.push(body);
            }
            Expr::Field { record, .. } => stack.push(record),
        }
    }
}

/// Every def reachable from `roots`, dependencies before their dependents.
pub(super) fn trace_order(defs: &[Def], roots: &[DefId]) -> Vec<DefId> {
    let deps = |id: DefId| -> Vec<DefId> {
        let mut out = Vec::new();
        if let Some(def) = usize::try_from(id).ok().and_then(|i| defs.get(i)) {
            def_refs(&def.expr, &mut out);
            for ex in &def.exceptions {
                def_refs(&ex.condition, &mut out);
                def_refs(&ex.value, &mut out);
            }
        }
        out
    };
    let mut visited = vec![false; defs.len()];
    let mut order = Vec::new();
    for &root in roots {
        let seen = |v: &mut Vec<bool>, id: DefId| -> bool {
            match usize::try_from(id).ok().and_then(|i| v.get_mut(i)) {
                Some(flag) if !*flag => {
                    *flag = true;
                    false
                }
                _ => true,
            }
        };
        if seen(&mut visited, root) {
            continue;
        }
        let mut stack: Vec<(DefId, Vec<DefId>)> = vec![(root, deps(root))];
        while let Some((id, pending)) = stack.last_mut() {
            match pending.pop() {
                Some(next) => {
                    if !seen(&mut visited, next) {
                        let d = deps(next);
                        stack.push((next, d));
                    }
                }
                None => {
                    order.push(*id);
                    stack.pop();
                }
            }
        }
    }
    order
}
