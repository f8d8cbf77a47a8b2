//! From the names a program shows (its rules in traces, parameters, barèmes, dispositifs)
//! back to where the rulesets declare them. The IR holds no positions; the typed rulesets
//! do.

use socle_grammar::Span;

use crate::diagnostic::FileId;
use crate::typed::TypedRuleset;
use crate::types::QName;

/// Where `name` is declared: a rule's trace name (`national.plafond_apa`,
/// `apa_domicile.montant`), a parameter or barème (`national.mtp`) or a dispositif
/// (`apa_domicile`), in `rulesets` (the compiled one and its imports).
pub fn locate(rulesets: &[&TypedRuleset], name: &str) -> Option<(FileId, Span)> {
    for typed in rulesets {
        let items = typed
            .values
            .values()
            .chain(typed.dispositifs.iter().flat_map(|d| &d.items));
        for item in items {
            if item.key.trace_name() == name {
                return Some((item.file, item.name.span));
            }
        }
        let qualified = |n: &str| QName::new(&typed.ident, n).to_string() == name;
        if let Some(p) = typed.params.values().find(|p| qualified(&p.name.name)) {
            return Some((p.file, p.name.span));
        }
        if let Some(b) = typed.baremes.values().find(|b| qualified(&b.name.name)) {
            return Some((b.file, b.name.span));
        }
        if let Some(d) = typed.dispositifs.iter().find(|d| d.name.name == name) {
            return Some((d.file, d.name.span));
        }
    }
    None
}
