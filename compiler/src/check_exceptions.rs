//! Two exceptions of one value with the same condition (W0702): the second can never
//! change anything the first does not.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::typed::{TypedRuleset, ValueItem};

fn check_item(item: &ValueItem, out: &mut Vec<Diagnostic>) {
    for (i, ex) in item.exceptions.iter().enumerate() {
        if let Some(first) = item.exceptions.iter().take(i).find(|e| e.label == ex.label) {
            out.push(
                Diagnostic::warning(
                    codes::SAME_EXCEPTION,
                    item.file,
                    ex.span,
                    format!(
                        "deux exceptions de `{}` ont la même condition : « {} »",
                        item.name.name, ex.label
                    ),
                )
                .with_label(item.file, first.span, "première exception"),
            );
        }
    }
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
