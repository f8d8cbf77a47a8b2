//! Cycles between definitions (E0301): values, conditions, dispositif items, functions,
//! dispositif eligibility and cumul rules. Evaluation could never finish one.

use std::collections::HashMap;

use socle_grammar::ast::CumulKind;
use socle_grammar::Span;

use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::{
    references, Reference, TMessagePart, TypedRuleset, ValueItem, ValueKey, ValueKind,
};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Node {
    Value(ValueKey),
    Function(String),
    Dispositif(String),
}

fn item_refs(item: &ValueItem) -> Vec<Reference> {
    let mut refs = Vec::new();
    references(&item.expr, &mut refs);
    for ex in &item.exceptions {
        references(&ex.condition, &mut refs);
        references(&ex.value, &mut refs);
    }
    for part in item.message.iter().flatten() {
        if let TMessagePart::Value(e) = part {
            references(e, &mut refs);
        }
    }
    refs
}

pub(crate) fn check(out: &TypedRuleset) -> Vec<Diagnostic> {
    let ident = out.ident.clone();
    let mut nodes: Vec<(Node, String, FileId, Span)> = Vec::new();
    let mut edges: Vec<Vec<Node>> = Vec::new();
    let local = |r: Reference| -> Option<Node> {
        match r {
            Reference::Value(k) => {
                let rs = match &k {
                    ValueKey::Top(q) => &q.ruleset,
                    ValueKey::Item { dispositif, .. } => &dispositif.ruleset,
                };
                (*rs == ident).then_some(Node::Value(k))
            }
            Reference::Function(q) => (q.ruleset == ident).then_some(Node::Function(q.name)),
            Reference::Dispositif(q) => (q.ruleset == ident).then_some(Node::Dispositif(q.name)),
            _ => None,
        }
    };
    for item in out.values.values() {
        nodes.push((
            Node::Value(item.key.clone()),
            item.name.name.clone(),
            item.file,
            item.name.span,
        ));
        edges.push(item_refs(item).into_iter().filter_map(local).collect());
    }
    for f in out.functions.values() {
        let mut refs = Vec::new();
        for (_, _, e) in &f.lets {
            references(e, &mut refs);
        }
        references(&f.result, &mut refs);
        nodes.push((
            Node::Function(f.name.name.clone()),
            f.name.name.clone(),
            f.file,
            f.name.span,
        ));
        edges.push(refs.into_iter().filter_map(local).collect());
    }
    for d in &out.dispositifs {
        let mut deps: Vec<Node> = d
            .items
            .iter()
            .filter(|i| i.kind == ValueKind::Condition)
            .map(|i| Node::Value(i.key.clone()))
            .collect();
        for c in &out.cumuls {
            let (winner, excluded) = match c.kind {
                CumulKind::Exclut => (&c.left, &c.right),
                CumulKind::Subsidiaire => (&c.right, &c.left),
                CumulKind::Cumulable => continue,
            };
            // A mutual exclusion is reported as contradictory cumul rules (E0601), not as a cycle.
            let mutual = out.cumuls.iter().any(|o| {
                let reverse = match o.kind {
                    CumulKind::Exclut => (&o.left, &o.right),
                    CumulKind::Subsidiaire => (&o.right, &o.left),
                    CumulKind::Cumulable => return false,
                };
                reverse == (excluded, winner)
            });
            if excluded.name == d.name.name && !mutual {
                deps.push(Node::Dispositif(winner.name.clone()));
            }
        }
        nodes.push((
            Node::Dispositif(d.name.name.clone()),
            d.name.name.clone(),
            d.file,
            d.name.span,
        ));
        edges.push(deps);
        for item in &d.items {
            nodes.push((
                Node::Value(item.key.clone()),
                format!("{}.{}", d.name.name, item.name.name),
                item.file,
                item.name.span,
            ));
            edges.push(item_refs(item).into_iter().filter_map(local).collect());
        }
    }
    let index: HashMap<Node, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, (n, ..))| (n.clone(), i))
        .collect();
    let adj: Vec<Vec<usize>> = edges
        .iter()
        .map(|es| es.iter().filter_map(|n| index.get(n).copied()).collect())
        .collect();

    // Iterative depth-first search: definition chains may be long.
    #[derive(Clone, Copy, PartialEq)]
    enum Color {
        White,
        Grey,
        Black,
    }
    let mut color = vec![Color::White; nodes.len()];
    let mut in_reported = vec![false; nodes.len()];
    let mut diags = Vec::new();
    for start in 0..nodes.len() {
        if color.get(start) != Some(&Color::White) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        if let Some(c) = color.get_mut(start) {
            *c = Color::Grey;
        }
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let succ = adj.get(node).and_then(|a| a.get(*next)).copied();
            *next += 1;
            match succ {
                None => {
                    if let Some(c) = color.get_mut(node) {
                        *c = Color::Black;
                    }
                    stack.pop();
                }
                Some(s) => match color.get(s) {
                    Some(Color::White) => {
                        if let Some(c) = color.get_mut(s) {
                            *c = Color::Grey;
                        }
                        stack.push((s, 0));
                    }
                    Some(Color::Grey) => {
                        let Some(from) = stack.iter().position(|(n, _)| *n == s) else {
                            continue;
                        };
                        let cycle: Vec<usize> = stack.iter().skip(from).map(|(n, _)| *n).collect();
                        if cycle
                            .iter()
                            .any(|n| in_reported.get(*n).copied().unwrap_or(true))
                        {
                            continue;
                        }
                        for n in &cycle {
                            if let Some(r) = in_reported.get_mut(*n) {
                                *r = true;
                            }
                        }
                        if let Some(d) = cycle_diagnostic(&nodes, &cycle) {
                            diags.push(d);
                        }
                    }
                    _ => {}
                },
            }
        }
    }
    diags
}

fn cycle_diagnostic(nodes: &[(Node, String, FileId, Span)], cycle: &[usize]) -> Option<Diagnostic> {
    let names: Vec<&str> = cycle
        .iter()
        .filter_map(|i| nodes.get(*i).map(|(_, n, ..)| n.as_str()))
        .collect();
    let first = nodes.get(*cycle.first()?)?;
    let mut chain = names.join(" → ");
    chain.push_str(" → ");
    chain.push_str(&first.1);
    let mut d = Diagnostic::error(
        codes::DEFINITION_CYCLE,
        first.2,
        first.3,
        format!("cycle entre définitions : {chain}"),
    )
    .with_primary_message(format!("`{}` fait partie du cycle", first.1))
    .with_note("une définition ne peut pas dépendre d'elle-même, même indirectement");
    for i in cycle.iter().skip(1) {
        if let Some((_, name, file, span)) = nodes.get(*i) {
            d = d.with_label(*file, *span, format!("`{name}` fait partie du cycle"));
        }
    }
    Some(d)
}
