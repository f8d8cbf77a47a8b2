//! Payment conditions (`condition de versement`) and the amounts they withhold (`valeur
//! versée`): E0602, E0603, W0604.
//!
//! A failed payment condition leaves the dispositif eligible and pays its `versée` values as
//! zero; without such a value the condition would withhold nothing, and only money can be paid.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::typed::{TypedRuleset, ValueKind};
use crate::types::Type;

pub(crate) fn check(out: &TypedRuleset) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for d in &out.dispositifs {
        let payments: Vec<_> = d
            .items
            .iter()
            .filter(|i| i.payment && i.kind == ValueKind::Condition)
            .collect();
        let paid: Vec<_> = d
            .items
            .iter()
            .filter(|i| i.payment && i.kind == ValueKind::Value)
            .collect();
        for value in &paid {
            if !matches!(value.ty, Type::Money(_) | Type::Error) {
                diags.push(Diagnostic::error(
                    codes::PAID_NOT_MONEY,
                    value.file,
                    value.name.span,
                    format!(
                        "`{}` est {} : seule une valeur de type montant peut être versée",
                        value.name.name,
                        value.ty.with_article()
                    ),
                ));
            }
        }
        match (payments.first(), paid.is_empty()) {
            (Some(condition), true) => diags.push(
                Diagnostic::error(
                    codes::PAYMENT_WITHOUT_AMOUNT,
                    condition.file,
                    condition.name.span,
                    format!(
                        "la condition de versement `{}` ne retient aucun montant : marquez le montant payé par `{}` avec `valeur versée`",
                        condition.name.name, d.name.name
                    ),
                )
                .with_note(
                    "quand une condition de versement n'est pas remplie, le dispositif reste éligible et ses valeurs versées valent zéro",
                ),
            ),
            (None, false) => {
                for value in &paid {
                    diags.push(Diagnostic::warning(
                        codes::PAID_WITHOUT_CONDITION,
                        value.file,
                        value.name.span,
                        format!(
                            "`{}` est marquée `versée` mais `{}` n'a aucune condition de versement : elle est toujours versée",
                            value.name.name, d.name.name
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    diags
}
