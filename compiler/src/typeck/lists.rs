//! Lists written in the text (`[a, b, c]`), quantifiers over a list (`tous les h dans L
//! vérifient C`, `au moins un`, `aucun`, `nombre de … tels que`, `somme de … pour chaque`) and
//! the fields of an element of a list of structures (`h.lien`).

use socle_grammar::ast::{self, Ident, Quantifier};
use socle_runtime::ir;

use super::*;
use crate::codes;
use crate::diagnostic::FileId;
use crate::typed::{Named, TExpr, TKind};
use crate::types::{self, Type};

/// The quantifier of the IR for the one written.
fn ir_quantifier(q: Quantifier) -> ir::Quantifier {
    match q {
        Quantifier::All => ir::Quantifier::All,
        Quantifier::Some => ir::Quantifier::Some,
        Quantifier::None => ir::Quantifier::None,
        Quantifier::Count => ir::Quantifier::Count,
        Quantifier::Sum => ir::Quantifier::Sum,
    }
}

/// How a quantifier is named in messages.
fn written(q: Quantifier) -> &'static str {
    match q {
        Quantifier::All => "tous les",
        Quantifier::Some => "au moins un",
        Quantifier::None => "aucun",
        Quantifier::Count => "nombre de",
        Quantifier::Sum => "somme de",
    }
}

impl Ctx<'_> {
    /// `[a, b, c]`: every element of one type.
    pub(super) fn list_literal(
        &mut self,
        file: FileId,
        items: &[ast::Expr],
        scope: &Scope,
        expected: Option<&Type>,
        span: Span,
    ) -> TExpr {
        let mut elem = match expected.map(Type::strip_optional) {
            Some(Type::List(t)) => Some((**t).clone()),
            _ => None,
        };
        let mut typed = Vec::with_capacity(items.len());
        for item in items {
            let t = self.expr(file, item, scope, elem.as_ref());
            match &elem {
                _ if t.ty.is_error() => {}
                None => elem = Some(t.ty.clone()),
                Some(e) => match types::unify(e, &t.ty) {
                    Some(u) => elem = Some(u),
                    None => {
                        let msg = messages::list_items(e.with_article(), t.ty.with_article());
                        self.err(codes::TYPE_MISMATCH, file, t.span, msg);
                    }
                },
            }
            typed.push(t);
        }
        let elem = elem.unwrap_or(Type::Error);
        // `[1, 2,5]`: the integers become decimals, like a declared `décimal`.
        let typed = typed.into_iter().map(|t| coerce(t, &elem)).collect();
        TExpr {
            kind: TKind::List(typed),
            ty: Type::List(Box::new(elem)),
            span,
        }
    }

    /// A quantifier: the name is bound to each element of the list while the body is typed.
    pub(super) fn quantified(&mut self, file: FileId, e: &ast::Expr, scope: &Scope) -> TExpr {
        let span = e.span;
        let ast::ExprKind::Quantified(q, var, list, body) = &e.kind else {
            return TExpr::error(span);
        };
        let q = *q;
        let l = self.expr(file, list, scope, None);
        let elem = match &l.ty {
            Type::List(t) => (**t).clone(),
            Type::Error => Type::Error,
            other => {
                let msg = messages::quantifier_needs_list(written(q), other.with_article());
                self.err(codes::TYPE_MISMATCH, file, list.span, msg);
                Type::Error
            }
        };
        let index = u32::try_from(scope.locals.len()).unwrap_or(u32::MAX);
        let element = Named::Element {
            name: var.name.clone(),
            binder: var.span,
            ty: elem.to_string(),
        };
        self.record(file, var.span, element.clone());
        let mut inner = Scope {
            locals: scope.locals.clone(),
            dispositif: scope.dispositif.clone(),
            function: scope.function.clone(),
            elements: scope.elements.clone(),
        };
        inner.locals.push((var.name.clone(), index, elem));
        inner.elements.push((index, element));
        let (b, ty) = if q == Quantifier::Sum {
            let b = self.expr(file, body, &inner, None);
            let summable = matches!(
                b.ty,
                Type::Int | Type::Decimal | Type::Money(_) | Type::Duration(_) | Type::Error
            );
            if !summable {
                let msg = messages::sum_of(b.ty.with_article());
                self.err(codes::TYPE_MISMATCH, file, body.span, msg);
            }
            let ty = b.ty.clone();
            (b, ty)
        } else {
            let b = self.expr(file, body, &inner, Some(&Type::Bool));
            self.expect_bool(file, &b, &messages::quantifier_body(written(q)));
            let ty = if q == Quantifier::Count {
                Type::Int
            } else {
                Type::Bool
            };
            (b, ty)
        };
        TExpr {
            kind: TKind::Quantified(ir_quantifier(q), index, Box::new(l), Box::new(b)),
            ty,
            span,
        }
    }

    /// `h.lien` where `h` is an element of a list of structures.
    pub(super) fn record_field(
        &mut self,
        file: FileId,
        record: TExpr,
        structure: &QName,
        f: &Ident,
        span: Span,
    ) -> TExpr {
        let Some(fields) = self.struct_fields(structure).cloned() else {
            return TExpr::error(span);
        };
        let Some(index) = fields.iter().position(|(n, _)| *n == f.name) else {
            let names: Vec<String> = fields.iter().map(|(n, _)| n.clone()).collect();
            let d = crate::diagnostic::Diagnostic::error(
                codes::UNKNOWN_MEMBER,
                file,
                f.span,
                messages::unknown_field(&structure.name, &f.name),
            )
            .with_suggestion(&f.name, names.iter().map(String::as_str));
            self.push(d);
            return TExpr::error(span);
        };
        let ty = fields.get(index).map_or(Type::Error, |(_, t)| t.clone());
        self.record(
            file,
            f.span,
            Named::Member(structure.clone(), f.name.clone()),
        );
        TExpr {
            kind: TKind::RecordField(Box::new(record), u32::try_from(index).unwrap_or(u32::MAX)),
            ty,
            span,
        }
    }
}
