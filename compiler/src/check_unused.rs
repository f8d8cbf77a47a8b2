//! Unused definitions (W0501): `soit` items, function parameters and `soit`s always; other
//! top-level declarations only in rulesets with a dispositif (the others are libraries).

use std::collections::HashSet;

use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::{
    references, Reference, TMessagePart, TypedRuleset, ValueItem, ValueKey, ValueKind,
};
use crate::types::QName;

fn item_refs(item: &ValueItem, refs: &mut Vec<Reference>) {
    references(&item.expr, refs);
    for ex in &item.exceptions {
        references(&ex.condition, refs);
        references(&ex.value, refs);
    }
    for part in item.message.iter().flatten() {
        if let TMessagePart::Value(e) = part {
            references(e, refs);
        }
    }
}

fn unused(file: FileId, span: socle_grammar::Span, what: &str, name: &str) -> Diagnostic {
    let agreement = if what.starts_with("la ") { "e" } else { "" };
    Diagnostic::warning(
        codes::UNUSED,
        file,
        span,
        format!("{what} `{name}` n'est jamais utilisé{agreement}"),
    )
}

pub(crate) fn check(out: &TypedRuleset) -> Vec<Diagnostic> {
    let mut refs: Vec<Reference> = Vec::new();
    for item in out.values.values() {
        item_refs(item, &mut refs);
    }
    for d in &out.dispositifs {
        for item in &d.items {
            item_refs(item, &mut refs);
        }
    }
    let mut diags = Vec::new();
    for f in out.functions.values() {
        let mut local_refs = Vec::new();
        for (_, _, e) in &f.lets {
            references(e, &mut local_refs);
        }
        references(&f.result, &mut local_refs);
        let used: HashSet<u32> = local_refs
            .iter()
            .filter_map(|r| match r {
                Reference::Local(i) => Some(*i),
                _ => None,
            })
            .collect();
        let names = f
            .params
            .iter()
            .map(|(n, _)| (n, "le paramètre"))
            .chain(f.lets.iter().map(|(n, _, _)| (n, "la valeur")));
        for (i, (name, what)) in names.enumerate() {
            let idx = u32::try_from(i).unwrap_or(u32::MAX);
            if !used.contains(&idx) {
                diags.push(unused(f.file, name.span, what, &name.name));
            }
        }
        refs.extend(local_refs);
    }
    let refs: HashSet<Reference> = refs.into_iter().collect();
    for d in &out.dispositifs {
        for item in d.items.iter().filter(|i| i.kind == ValueKind::Let) {
            if !refs.contains(&Reference::Value(item.key.clone())) {
                diags.push(unused(
                    item.file,
                    item.name.span,
                    "la valeur",
                    &item.name.name,
                ));
            }
        }
    }
    if !out.dispositifs.is_empty() {
        let q = |n: &str| QName::new(&out.ident, n);
        for item in out.values.values() {
            if !refs.contains(&Reference::Value(ValueKey::Top(q(&item.name.name)))) {
                let what = if item.kind == ValueKind::Condition {
                    "la condition"
                } else {
                    "la valeur"
                };
                diags.push(unused(item.file, item.name.span, what, &item.name.name));
            }
        }
        for f in out.functions.values() {
            if !refs.contains(&Reference::Function(q(&f.name.name))) {
                diags.push(unused(f.file, f.name.span, "la fonction", &f.name.name));
            }
        }
        for p in out.params.values() {
            if !refs.contains(&Reference::Param(q(&p.name.name))) {
                diags.push(unused(p.file, p.name.span, "le paramètre", &p.name.name));
            }
        }
        for b in out.baremes.values() {
            if !refs.contains(&Reference::Bareme(q(&b.name.name))) {
                diags.push(unused(b.file, b.name.span, "le barème", &b.name.name));
            }
        }
    }
    diags
}
