//! Type annotations (`montant par mois`, `liste de texte`, `date?`).

use pest::iterators::Pair;

use super::{children, Builder, Res};
use crate::ast::*;
use crate::parser::Rule;
use crate::ParseError;

impl Builder<'_> {
    pub(super) fn type_expr(&self, pair: Pair<'_, Rule>) -> Res<TypeExpr> {
        if pair.as_rule() == Rule::ty_bounded {
            return self.bounded(pair);
        }
        let span = self.span(&pair);
        let mut it = children(pair);
        let atom = self.next(&mut it, span, "type")?;
        let aspan = self.span(&atom);
        let kind = match atom.as_rule() {
            Rule::ty_list => {
                let mut l = children(atom);
                TypeExprKind::List(Box::new(
                    self.type_expr(self.next(&mut l, aspan, "liste")?)?,
                ))
            }
            Rule::ty_money => {
                let period = match atom.into_inner().find(|p| p.as_rule() == Rule::money_unit) {
                    Some(unit) => self.period_of(unit),
                    None => None,
                };
                TypeExprKind::Montant(period)
            }
            Rule::ty_duration => {
                let text = atom.as_str();
                TypeExprKind::DureeEn(if text.ends_with("heures") {
                    DurationUnit::Heures
                } else if text.ends_with("jours") {
                    DurationUnit::Jours
                } else {
                    DurationUnit::Mois
                })
            }
            Rule::ty_simple => match atom.as_str() {
                "booléen" | "booleen" => TypeExprKind::Booleen,
                "entier" => TypeExprKind::Entier,
                "décimal" | "decimal" => TypeExprKind::Decimal,
                "taux" => TypeExprKind::Taux,
                "date" => TypeExprKind::Date,
                "durée" | "duree" => TypeExprKind::Duree,
                _ => TypeExprKind::Texte,
            },
            _ => TypeExprKind::Named(self.ident(&atom)),
        };
        let optional = it.next().is_some();
        Ok(maybe_optional(kind, aspan, span, optional))
    }

    /// `entier dans 1..6`, optionally `?`.
    fn bounded(&self, pair: Pair<'_, Rule>) -> Res<TypeExpr> {
        let span = self.span(&pair);
        let mut bounds = Vec::new();
        let mut optional = false;
        let mut inner_end = span.end;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::int_bound => {
                    let bound = p.as_str().parse::<i64>().map_err(|_| ParseError {
                        message: format!("syntaxe : borne `{}` trop grande", p.as_str()),
                        span: self.span(&p),
                    })?;
                    bounds.push(bound);
                    inner_end = self.span(&p).end;
                }
                Rule::p_question => optional = true,
                _ => {}
            }
        }
        let (Some(&lo), Some(&hi)) = (bounds.first(), bounds.get(1)) else {
            return Err(self.internal(span, "bornes"));
        };
        let inner = Span {
            start: span.start,
            end: inner_end,
        };
        Ok(maybe_optional(
            TypeExprKind::EntierDans(lo, hi),
            inner,
            span,
            optional,
        ))
    }

    pub(super) fn period_of(&self, unit: Pair<'_, Rule>) -> Option<Period> {
        unit.into_inner()
            .find(|p| p.as_rule() == Rule::period)
            .map(|p| match p.as_str() {
                "heure" => Period::Heure,
                "jour" => Period::Jour,
                "mois" => Period::Mois,
                _ => Period::An,
            })
    }
}

/// `kind` (written over `inner`), wrapped in `Optional` over the whole `span` when a `?`
/// follows it.
fn maybe_optional(kind: TypeExprKind, inner: Span, span: Span, optional: bool) -> TypeExpr {
    if optional {
        TypeExpr {
            kind: TypeExprKind::Optional(Box::new(TypeExpr { kind, span: inner })),
            span,
        }
    } else {
        TypeExpr { kind, span }
    }
}
