//! Expression typing.

use socle_grammar::ast::{self, BinaryOp, ExprKind, UnaryOp};
use socle_runtime::ir::{BinOp, UnOp};

use super::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::{Const, TExpr, TKind};
use crate::types::{self, Type};

impl<'a> Ctx<'a> {
    pub(super) fn expect_bool(&mut self, file: FileId, e: &TExpr, what: &str) {
        if !matches!(e.ty, Type::Bool | Type::Error) {
            self.err(
                codes::NOT_BOOLEAN,
                file,
                e.span,
                messages::not_boolean(what, e.ty.with_article()),
            );
        }
    }

    /// A root expression: checked for depth first so that no recursion below goes deeper
    /// than [`MAX_DEPTH`].
    pub(super) fn root_expr(
        &mut self,
        file: FileId,
        e: &ast::Expr,
        scope: &Scope,
        expected: Option<&Type>,
    ) -> TExpr {
        if too_deep(e, MAX_DEPTH) {
            self.err(codes::TOO_DEEP, file, e.span, messages::too_deep(MAX_DEPTH));
            return TExpr::error(e.span);
        }
        self.expr(file, e, scope, expected)
    }

    // ----- expressions -----

    /// An expression used as a value: a whole structure is not one.
    pub(super) fn expr(
        &mut self,
        file: FileId,
        e: &ast::Expr,
        scope: &Scope,
        expected: Option<&Type>,
    ) -> TExpr {
        let t = self.expr_raw(file, e, scope, expected);
        if let Type::Struct(q) = t.ty.strip_optional() {
            let name = q.name.clone();
            self.err(
                codes::WRONG_KIND,
                file,
                e.span,
                messages::struct_as_value(&name),
            );
            return TExpr::error(e.span);
        }
        t
    }

    pub(super) fn expr_raw(
        &mut self,
        file: FileId,
        e: &ast::Expr,
        scope: &Scope,
        expected: Option<&Type>,
    ) -> TExpr {
        let span = e.span;
        let mk = |kind: TKind, ty: Type| TExpr { kind, ty, span };
        match &e.kind {
            ExprKind::List(items) => self.list_literal(file, items, scope, expected, span),
            ExprKind::Quantified(..) => self.quantified(file, e, scope),
            ExprKind::Lit(lit) => {
                let (ty, value) = lit_type(lit);
                match value {
                    Some(v) => mk(TKind::Const(Const::Value(v)), ty),
                    None => {
                        self.err(
                            codes::TYPE_MISMATCH,
                            file,
                            span,
                            messages::DURATION_TOO_LARGE,
                        );
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::Name(id) => self.name_value(file, id, scope, expected),
            ExprKind::Field(base, f) => self.field(file, base, f, scope, span),
            ExprKind::Call(callee, args) => self.call(file, callee, args, scope, span),
            ExprKind::Index(base, key) => match self.callee_target(file, base, scope) {
                Some(Callee::Target(Target::Param(q, true))) => {
                    self.table_get(file, q, key, scope, span)
                }
                Some(Callee::Error) => TExpr::error(span),
                Some(Callee::Target(other)) => {
                    let msg = messages::only_tables_indexed(describe(&other));
                    self.err(codes::WRONG_KIND, file, base.span, msg);
                    TExpr::error(span)
                }
                None => {
                    self.err(
                        codes::WRONG_KIND,
                        file,
                        base.span,
                        messages::ONLY_TABLES_INDEXED,
                    );
                    TExpr::error(span)
                }
            },
            ExprKind::At(inner, date) => {
                let mut t = self.expr(file, inner, scope, expected);
                let d = self.expr(file, date, scope, Some(&Type::Date));
                if !matches!(d.ty, Type::Date | Type::Error) {
                    self.err(
                        codes::TYPE_MISMATCH,
                        file,
                        date.span,
                        messages::at_expects_date(d.ty.with_article()),
                    );
                }
                let slot = match &mut t.kind {
                    TKind::Param { at, .. }
                    | TKind::TableGet { at, .. }
                    | TKind::Bareme { at, .. } => Some(at),
                    _ => None,
                };
                match slot {
                    Some(at) if at.is_none() => {
                        *at = Some(Box::new(d));
                        t.span = span;
                        t
                    }
                    _ if t.ty.is_error() => TExpr::error(span),
                    _ => {
                        // Any other expression is evaluated as of the date; dispositifs are
                        // decided at the decision date only.
                        if let Some(read) = dispositif_read(&t) {
                            self.err(codes::WRONG_KIND, file, read, messages::AT_DISPOSITIF);
                            return TExpr::error(span);
                        }
                        let ty = t.ty.clone();
                        mk(TKind::AsOf(Box::new(t), Box::new(d)), ty)
                    }
                }
            }
            ExprKind::Unary(UnaryOp::Neg, a) => {
                let a = self.expr(file, a, scope, expected);
                match a.ty {
                    Type::Int
                    | Type::Decimal
                    | Type::Money(_)
                    | Type::Rate
                    | Type::Duration(_)
                    | Type::Error => {
                        let ty = a.ty.clone();
                        mk(TKind::Unary(UnOp::Neg, Box::new(a)), ty)
                    }
                    _ => {
                        self.err(
                            codes::TYPE_MISMATCH,
                            file,
                            span,
                            messages::negation_type(a.ty.with_article()),
                        );
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::Unary(UnaryOp::Not, a) => {
                let a = self.expr(file, a, scope, Some(&Type::Bool));
                self.expect_bool(file, &a, messages::WHAT_NOT_ARGUMENT);
                mk(TKind::Unary(UnOp::Not, Box::new(a)), Type::Bool)
            }
            ExprKind::Binary(op, l, r) => {
                let l = self.expr(file, l, scope, None);
                let hint = match op {
                    BinaryOp::Eq
                    | BinaryOp::Ne
                    | BinaryOp::Lt
                    | BinaryOp::Le
                    | BinaryOp::Gt
                    | BinaryOp::Ge => Some(l.ty.strip_optional().clone()),
                    _ => None,
                };
                let r = self.expr(file, r, scope, hint.as_ref());
                match types::binary(*op, &l.ty, &r.ty) {
                    Ok(ty) => {
                        let (l, r) = (Box::new(l), Box::new(r));
                        let kind = match op {
                            BinaryOp::And => TKind::And(l, r),
                            BinaryOp::Or => TKind::Or(l, r),
                            BinaryOp::Add => TKind::Binary(BinOp::Add, l, r),
                            BinaryOp::Sub => TKind::Binary(BinOp::Sub, l, r),
                            BinaryOp::Mul => TKind::Binary(BinOp::Mul, l, r),
                            BinaryOp::Div => TKind::Binary(BinOp::Div, l, r),
                            BinaryOp::Eq => TKind::Binary(BinOp::Eq, l, r),
                            BinaryOp::Ne => TKind::Binary(BinOp::Ne, l, r),
                            BinaryOp::Lt => TKind::Binary(BinOp::Lt, l, r),
                            BinaryOp::Le => TKind::Binary(BinOp::Le, l, r),
                            BinaryOp::Gt => TKind::Binary(BinOp::Gt, l, r),
                            BinaryOp::Ge => TKind::Binary(BinOp::Ge, l, r),
                        };
                        mk(kind, ty)
                    }
                    Err(msg) => {
                        let mut d = Diagnostic::error(codes::TYPE_MISMATCH, file, span, msg)
                            .with_label(file, l.span, l.ty.to_string())
                            .with_label(file, r.span, r.ty.to_string());
                        if let Some(note) = messages::duration_families(&l.ty, &r.ty) {
                            d = d.with_note(note);
                        }
                        self.push(d);
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::If(c, a, b) => {
                let c = self.expr(file, c, scope, Some(&Type::Bool));
                self.expect_bool(file, &c, messages::WHAT_IF_CONDITION);
                let a = self.expr(file, a, scope, expected);
                let b = self.expr(file, b, scope, Some(expected.unwrap_or(&a.ty)));
                match types::unify(&a.ty, &b.ty) {
                    Some(ty) => mk(TKind::If(Box::new(c), Box::new(a), Box::new(b)), ty),
                    None => {
                        let d = Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            file,
                            span,
                            messages::if_branches_differ(&a.ty, &b.ty),
                        )
                        .with_label(file, a.span, a.ty.to_string())
                        .with_label(file, b.span, b.ty.to_string());
                        self.push(d);
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::InRange(x, lo, hi) => {
                let x = self.expr(file, x, scope, None);
                let lo = self.expr(file, lo, scope, Some(&x.ty));
                let hi = self.expr(file, hi, scope, Some(&x.ty));
                for b in [&lo, &hi] {
                    if !types::comparable(&x.ty, &b.ty, false) {
                        self.err(
                            codes::TYPE_MISMATCH,
                            file,
                            b.span,
                            messages::not_comparable(x.ty.with_article(), b.ty.with_article()),
                        );
                    }
                }
                mk(
                    TKind::InRange(Box::new(x), Box::new(lo), Box::new(hi)),
                    Type::Bool,
                )
            }
            ExprKind::InSet(x, set) => {
                let x = self.expr(file, x, scope, None);
                let hint = x.ty.strip_optional().clone();
                let set = self.set_elements(file, set, scope, &hint);
                mk(TKind::InSet(Box::new(x), set), Type::Bool)
            }
            ExprKind::Contains(list, x) => {
                let list = self.expr(file, list, scope, None);
                let elem = self.list_element(file, &list);
                let x = self.expr(file, x, scope, Some(&elem));
                if !types::comparable(&elem, &x.ty, true) {
                    self.err(
                        codes::TYPE_MISMATCH,
                        file,
                        x.span,
                        messages::list_element_type(&elem, x.ty.with_article()),
                    );
                }
                mk(TKind::Contains(Box::new(list), Box::new(x)), Type::Bool)
            }
            ExprKind::ContainsAny(list, set) => {
                let list = self.expr(file, list, scope, None);
                let elem = self.list_element(file, &list);
                let set = self.set_elements(file, set, scope, &elem);
                mk(TKind::ContainsAny(Box::new(list), set), Type::Bool)
            }
            ExprKind::Round(x, mode) => {
                let x = self.expr(file, x, scope, expected);
                match x.ty {
                    Type::Money(_) | Type::Decimal | Type::Rate | Type::Error => {
                        let ty = x.ty.clone();
                        mk(TKind::Round(Box::new(x), *mode), ty)
                    }
                    _ => {
                        self.err(
                            codes::BAD_ARGUMENTS,
                            file,
                            x.span,
                            messages::round_type(x.ty.with_article()),
                        );
                        TExpr::error(span)
                    }
                }
            }
        }
    }

    pub(super) fn list_element(&mut self, file: FileId, list: &TExpr) -> Type {
        match list.ty.strip_optional() {
            Type::List(t) => (**t).clone(),
            Type::Error => Type::Error,
            other => {
                let msg = messages::contains_not_list(other.with_article());
                self.err(codes::TYPE_MISMATCH, file, list.span, msg);
                Type::Error
            }
        }
    }

    pub(super) fn set_elements(
        &mut self,
        file: FileId,
        set: &[ast::Expr],
        scope: &Scope,
        elem: &Type,
    ) -> Vec<TExpr> {
        set.iter()
            .map(|s| {
                let t = self.expr(file, s, scope, Some(elem));
                if !types::comparable(elem, &t.ty, true) {
                    self.err(
                        codes::TYPE_MISMATCH,
                        file,
                        t.span,
                        messages::not_comparable(elem.with_article(), t.ty.with_article()),
                    );
                }
                t
            })
            .collect()
    }
}

/// The span of the first read of a dispositif (eligibility or output) written in `e`.
fn dispositif_read(e: &TExpr) -> Option<Span> {
    if matches!(e.kind, TKind::Eligible(_) | TKind::DispositifOutput(..)) {
        return Some(e.span);
    }
    let mut found = None;
    e.for_each_child(|c| {
        if found.is_none() {
            found = dispositif_read(c);
        }
    });
    found
}
