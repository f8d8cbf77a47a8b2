//! Cumul rules that contradict each other (E0601): `A exclut B` with `B exclut A`, or with
//! `A cumulable avec B`.

use socle_grammar::ast::CumulKind;
use socle_grammar::Span;

use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::TypedRuleset;

/// One rule as (winner, excluded) or a cumulable pair, with where it is written.
struct Rule<'a> {
    exclusion: Option<(&'a str, &'a str)>,
    pair: (&'a str, &'a str),
    file: FileId,
    span: Span,
}

fn describe(kind: CumulKind, a: &str, b: &str) -> String {
    match kind {
        CumulKind::Exclut => format!("`{a}` exclut `{b}`"),
        CumulKind::Subsidiaire => format!("`{a}` est subsidiaire à `{b}`"),
        CumulKind::Cumulable => format!("`{a}` est cumulable avec `{b}`"),
    }
}

/// Cumul rules name dispositifs of their own ruleset (typing reported the others).
pub(crate) fn check(out: &TypedRuleset) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut rules: Vec<(Rule<'_>, String)> = Vec::new();
    for c in &out.cumuls {
        let (a, b) = (c.left.name.as_str(), c.right.name.as_str());
        if a == b {
            diags.push(Diagnostic::error(
                codes::CUMUL_CONTRADICTION,
                c.file,
                c.span,
                format!(
                    "une règle de cumul relie deux dispositifs différents, pas `{a}` à lui-même"
                ),
            ));
            continue;
        }
        let exclusion = match c.kind {
            CumulKind::Exclut => Some((a, b)),
            CumulKind::Subsidiaire => Some((b, a)),
            CumulKind::Cumulable => None,
        };
        rules.push((
            Rule {
                exclusion,
                pair: (a, b),
                file: c.file,
                span: c.span,
            },
            describe(c.kind, a, b),
        ));
    }
    let same_pair = |x: (&str, &str), y: (&str, &str)| x == y || (x.0 == y.1 && x.1 == y.0);
    for (i, (r1, t1)) in rules.iter().enumerate() {
        for (r2, t2) in rules.iter().skip(i + 1) {
            if !same_pair(r1.pair, r2.pair) {
                continue;
            }
            let contradiction = match (r1.exclusion, r2.exclusion) {
                (Some((w1, _)), Some((w2, _))) => w1 != w2,
                (Some(_), None) | (None, Some(_)) => true,
                (None, None) => false,
            };
            if contradiction {
                let d = Diagnostic::error(
                    codes::CUMUL_CONTRADICTION,
                    r2.file,
                    r2.span,
                    format!("règles de cumul contradictoires : {t1} et {t2}"),
                )
                .with_primary_message(t2.clone())
                .with_label(r1.file, r1.span, t1.clone());
                diags.push(d);
            }
        }
    }
    diags
}
