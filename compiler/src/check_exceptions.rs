//! Two exceptions of one value with the same condition: with the same value the second can
//! never change anything (W0702); with different values every decision where the condition
//! holds fails on contradictory exceptions, so the ruleset is refused (E0703).

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::typed::{TExpr, TypedRuleset, ValueItem};

fn check_item(item: &ValueItem, out: &mut Vec<Diagnostic>) {
    for (i, ex) in item.exceptions.iter().enumerate() {
        if let Some(first) = item.exceptions.iter().take(i).find(|e| e.label == ex.label) {
            let d = if shape(&first.value) == shape(&ex.value) {
                Diagnostic::warning(
                    codes::SAME_EXCEPTION,
                    item.file,
                    ex.span,
                    format!(
                        "deux exceptions de `{}` ont la même condition : « {} »",
                        item.name.name, ex.label
                    ),
                )
            } else {
                Diagnostic::error(
                    codes::CONTRADICTORY_EXCEPTIONS,
                    item.file,
                    ex.span,
                    format!(
                        "deux exceptions de `{}` ont la même condition « {} » et des valeurs \
                         différentes : toute décision où elle est vraie échouerait",
                        item.name.name, ex.label
                    ),
                )
            };
            out.push(d.with_label(item.file, first.span, "première exception"));
        }
    }
}

/// An expression as compared between exceptions: its debug form without positions, so that
/// `60 ans` here and `60 ans` there are the same value.
fn shape(e: &TExpr) -> String {
    const OPEN: &str = "span: Span {";
    let text = format!("{e:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find(OPEN) {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i..).unwrap_or("");
        rest = match after.find('}') {
            Some(j) => after.get(j + 1..).unwrap_or(""),
            None => "",
        };
    }
    out.push_str(rest);
    out
}

pub(crate) fn check(out: &TypedRuleset) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for item in out.values.values() {
        check_item(item, &mut diags);
    }
    for d in &out.dispositifs {
        for item in &d.items {
            check_item(item, &mut diags);
        }
    }
    diags
}
