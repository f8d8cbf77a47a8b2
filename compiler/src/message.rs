//! Motif messages written from a condition's expression when it has no `message`
//! (`âge 86 ans ≥ 60 ans`, `gir 3 dans 1..4`, `non cumul : non`).

use socle_runtime::ir::{BinOp, Builtin};

use crate::typed::{TExpr, TKind, ValueKey};

/// A message before lowering: values are still typed expressions.
pub(crate) enum Part<'a> {
    Text(String),
    Value(&'a TExpr),
    Choice {
        satisfied: String,
        failed: String,
    },
    /// What follows is shown only for these outcomes.
    Shown(socle_runtime::ir::Outcomes),
}

fn spaced(id: &str) -> String {
    id.replace('_', " ")
}

/// What the applicant reads for the left side of a comparison.
fn label(e: &TExpr) -> Option<String> {
    match &e.kind {
        TKind::Call(Builtin::Age, _) => Some(Builtin::Age.name().to_owned()),
        TKind::Input(path) => path.last().map(|s| spaced(&s.name)),
        TKind::Named(ValueKey::Top(q)) => Some(spaced(&q.name)),
        TKind::Named(ValueKey::Item { name, .. }) => Some(spaced(name)),
        TKind::Param { param, .. } | TKind::TableGet { param, .. } => Some(spaced(&param.name)),
        TKind::DispositifOutput(_, name) => Some(spaced(name)),
        _ => None,
    }
}

fn comparison(op: BinOp) -> Option<(&'static str, &'static str)> {
    Some(match op {
        BinOp::Ge => ("≥", "<"),
        BinOp::Gt => (">", "≤"),
        BinOp::Eq => ("=", "≠"),
        BinOp::Le => ("≤", ">"),
        BinOp::Lt => ("<", "≥"),
        BinOp::Ne => ("≠", "="),
        _ => return None,
    })
}

fn lead<'a>(parts: &mut Vec<Part<'a>>, x: &'a TExpr) {
    if let Some(l) = label(x) {
        parts.push(Part::Text(format!("{l} ")));
    }
    parts.push(Part::Value(x));
}

fn set<'a>(parts: &mut Vec<Part<'a>>, elems: &'a [TExpr]) {
    for (i, e) in elems.iter().enumerate() {
        if i > 0 {
            parts.push(Part::Text(", ".to_owned()));
        }
        parts.push(Part::Value(e));
    }
    parts.push(Part::Text("}".to_owned()));
}

pub(crate) fn auto_message<'a>(id: &str, e: &'a TExpr) -> Vec<Part<'a>> {
    let mut parts = Vec::new();
    match &e.kind {
        TKind::Binary(op, l, r) if comparison(*op).is_some() => {
            let (sat, fail) = comparison(*op).unwrap_or_default();
            lead(&mut parts, l);
            parts.push(Part::Choice {
                satisfied: format!(" {sat} "),
                failed: format!(" {fail} "),
            });
            parts.push(Part::Value(r));
        }
        TKind::InRange(x, lo, hi) => {
            lead(&mut parts, x);
            parts.push(Part::Choice {
                satisfied: " dans ".to_owned(),
                failed: " hors de ".to_owned(),
            });
            parts.push(Part::Value(lo));
            parts.push(Part::Text("..".to_owned()));
            parts.push(Part::Value(hi));
        }
        TKind::InSet(x, elems) => {
            lead(&mut parts, x);
            parts.push(Part::Choice {
                satisfied: " dans {".to_owned(),
                failed: " hors de {".to_owned(),
            });
            set(&mut parts, elems);
        }
        TKind::Contains(list, x) => {
            if let Some(l) = label(list) {
                parts.push(Part::Text(format!("{l} ")));
            }
            parts.push(Part::Choice {
                satisfied: "contient ".to_owned(),
                failed: "ne contient pas ".to_owned(),
            });
            parts.push(Part::Value(x));
        }
        TKind::ContainsAny(list, elems) => {
            if let Some(l) = label(list) {
                parts.push(Part::Text(format!("{l} ")));
            }
            parts.push(Part::Choice {
                satisfied: "contient un de {".to_owned(),
                failed: "ne contient aucun de {".to_owned(),
            });
            set(&mut parts, elems);
        }
        _ => {
            let id = spaced(id);
            parts.push(Part::Choice {
                satisfied: format!("{id} : oui"),
                failed: format!("{id} : non"),
            });
        }
    }
    parts
}
