//! Calls: functions, tables, barèmes, `tranche` and the built-ins.

use socle_grammar::ast::{self, ExprKind};
use socle_grammar::Span;
use socle_runtime::ir::{BaremeWant, Builtin};

use super::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::{TExpr, TKind};
use crate::types::{self, QName, Type};

impl<'a> Ctx<'a> {
    /// The declaration named by a callee (`f`, `national.f`), if it is one.
    pub(super) fn callee_target(
        &mut self,
        file: FileId,
        callee: &ast::Expr,
        scope: &Scope,
    ) -> Option<Callee> {
        match &callee.kind {
            ExprKind::Name(n) => {
                if self.is_local_name(&n.name, scope) {
                    return None;
                }
                if let Some(t) = self.target(None, &n.name) {
                    self.record(file, n.span, target_named(&self.ident, &t));
                    return Some(Callee::Target(t));
                }
                let imported = self.imports.iter().find(|imp| {
                    self.all
                        .get(imp.as_str())
                        .is_some_and(|c| c.enums.contains_key(&n.name))
                });
                let q = QName::new(imported?, &n.name);
                self.record(file, n.span, Named::Top(q.clone()));
                Some(Callee::Target(Target::Enum(q)))
            }
            ExprKind::Field(base, f) => {
                let ExprKind::Name(q) = &base.kind else {
                    return None;
                };
                let shadowed =
                    self.is_local_name(&q.name, scope) || self.decls.contains_key(&q.name);
                if shadowed || !self.imports.contains(&q.name) {
                    return None;
                }
                match self.target(Some(&q.name), &f.name) {
                    Some(t) => {
                        self.record(file, q.span, Named::Ruleset(q.name.clone()));
                        self.record(file, f.span, target_named(&q.name, &t));
                        Some(Callee::Target(t))
                    }
                    None => {
                        self.err(
                            codes::UNKNOWN_MEMBER,
                            file,
                            f.span,
                            messages::not_declared_in(&q.name, &f.name),
                        );
                        Some(Callee::Error)
                    }
                }
            }
            _ => None,
        }
    }

    pub(super) fn table_get(
        &mut self,
        file: FileId,
        q: QName,
        key: &ast::Expr,
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        let key_ty = self.param_key_type(&q).unwrap_or(Type::Error);
        let k = self.expr(file, key, scope, Some(&key_ty));
        if !types::comparable(&key_ty, &k.ty, true) {
            self.err(
                codes::BAD_ARGUMENTS,
                file,
                k.span,
                messages::table_key_type(&q.name, &key_ty, k.ty.with_article()),
            );
        }
        let ty = self.param_type(&q).unwrap_or(Type::Error);
        TExpr {
            kind: TKind::TableGet {
                param: q,
                key: Box::new(k),
                at: None,
            },
            ty,
            span,
        }
    }

    pub(super) fn bareme_call(
        &mut self,
        file: FileId,
        q: QName,
        args: &[ast::Expr],
        scope: &Scope,
        span: Span,
        want: BaremeWant,
    ) -> TExpr {
        let Some((input_ty, output_ty, columns)) = self.bareme_types(&q) else {
            return TExpr::error(span);
        };
        let expected_args = if columns.is_some() { 2 } else { 1 };
        if args.len() != expected_args {
            let msg = if columns.is_some() {
                messages::bareme_wants_value_and_column(&q.name)
            } else {
                messages::bareme_wants_one_value(&q.name)
            };
            self.err(codes::BAD_ARGUMENTS, file, span, msg);
            return TExpr::error(span);
        }
        let mut it = args.iter();
        let x = match it.next() {
            Some(a) => self.expr(file, a, scope, Some(&input_ty)),
            None => return TExpr::error(span),
        };
        if !types::comparable(&input_ty, &x.ty, false) {
            self.err(
                codes::BAD_ARGUMENTS,
                file,
                x.span,
                messages::bareme_input_type(&q.name, input_ty.with_article(), x.ty.with_article()),
            );
        }
        let column = match (it.next(), &columns) {
            (Some(a), Some(cq)) => {
                let cty = Type::Enum(cq.clone());
                let c = self.expr(file, a, scope, Some(&cty));
                if !types::comparable(&cty, &c.ty, true) {
                    self.err(
                        codes::BAD_ARGUMENTS,
                        file,
                        c.span,
                        messages::bareme_column_type(&q.name, &cq.name, c.ty.with_article()),
                    );
                }
                Some(Box::new(c))
            }
            _ => None,
        };
        let ty = match want {
            BaremeWant::Value => output_ty,
            BaremeWant::TrancheNumber => Type::Int,
        };
        TExpr {
            kind: TKind::Bareme {
                bareme: q,
                x: Box::new(x),
                column,
                at: None,
                want,
            },
            ty,
            span,
        }
    }

    pub(super) fn call(
        &mut self,
        file: FileId,
        callee: &ast::Expr,
        args: &[ast::Expr],
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        match self.callee_target(file, callee, scope) {
            Some(Callee::Error) => return TExpr::error(span),
            Some(Callee::Target(t)) => {
                return match t {
                    Target::Function(q) => self.function_call(file, q, args, scope, span),
                    Target::Param(q, true) => {
                        if let [key] = args {
                            self.table_get(file, q, key, scope, span)
                        } else {
                            self.err(
                                codes::BAD_ARGUMENTS,
                                file,
                                span,
                                messages::table_one_key(&q.name),
                            );
                            TExpr::error(span)
                        }
                    }
                    Target::Bareme(q) => {
                        self.bareme_call(file, q, args, scope, span, BaremeWant::Value)
                    }
                    other => {
                        let msg = not_callable(&other);
                        self.err(codes::WRONG_KIND, file, callee.span, msg);
                        TExpr::error(span)
                    }
                };
            }
            None => {}
        }
        let ExprKind::Name(n) = &callee.kind else {
            self.err(
                codes::WRONG_KIND,
                file,
                callee.span,
                messages::NOT_CALLABLE_EXPR,
            );
            return TExpr::error(span);
        };
        if self.is_local_name(&n.name, scope) {
            self.err(
                codes::WRONG_KIND,
                file,
                callee.span,
                messages::value_not_function(&n.name),
            );
            return TExpr::error(span);
        }
        if n.name == TRANCHE {
            return self.tranche_call(file, args, scope, span);
        }
        let Some(b) = Builtin::from_name(&n.name) else {
            let mut candidates: Vec<String> =
                builtin_docs().iter().map(|d| d.name.to_owned()).collect();
            candidates.extend(self.decls.keys().cloned());
            let mut d = Diagnostic::error(
                codes::UNKNOWN_NAME,
                file,
                n.span,
                messages::unknown_function(&n.name),
            );
            d = d.with_suggestion(&n.name, candidates.iter().map(String::as_str));
            self.push(d);
            return TExpr::error(span);
        };
        super::builtins::builtin_call(self, file, b, args, scope, span)
    }

    /// `tranche(barème, x)`: the number of the barème row containing x.
    fn tranche_call(
        &mut self,
        file: FileId,
        args: &[ast::Expr],
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        let Some((first, rest)) = args.split_first() else {
            self.err(
                codes::BAD_ARGUMENTS,
                file,
                span,
                messages::TRANCHE_ARGUMENTS,
            );
            return TExpr::error(span);
        };
        match self.callee_target(file, first, scope) {
            Some(Callee::Target(Target::Bareme(q))) => {
                self.bareme_call(file, q, rest, scope, span, BaremeWant::TrancheNumber)
            }
            Some(Callee::Error) => TExpr::error(span),
            _ => {
                self.err(
                    codes::BAD_ARGUMENTS,
                    file,
                    first.span,
                    messages::TRANCHE_NOT_BAREME,
                );
                TExpr::error(span)
            }
        }
    }

    pub(crate) fn bad_args(&mut self, file: FileId, span: Span, msg: String) -> TExpr {
        self.err(codes::BAD_ARGUMENTS, file, span, msg);
        TExpr::error(span)
    }

    pub(super) fn function_call(
        &mut self,
        file: FileId,
        q: QName,
        args: &[ast::Expr],
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        let Some((params, ret)) = self.function_sig(&q) else {
            return TExpr::error(span);
        };
        if params.len() != args.len() {
            return self.bad_args(
                file,
                span,
                messages::function_arity(&q.name, params.len(), args.len()),
            );
        }
        let mut targs = Vec::new();
        for (a, p) in args.iter().zip(&params) {
            let t = self.expr(file, a, scope, Some(p));
            if !types::assignable(&t.ty, p) {
                self.err(
                    codes::BAD_ARGUMENTS,
                    file,
                    t.span,
                    messages::argument_type(&t.ty, &q.name, p.with_article()),
                );
            }
            targs.push(coerce(t, p));
        }
        TExpr {
            kind: TKind::FnCall(q, targs),
            ty: ret,
            span,
        }
    }
}

pub(super) enum Callee {
    Target(Target),
    /// Already reported.
    Error,
}

/// « `mtp` est un paramètre » — what a name denotes, for messages.
pub(super) fn describe(t: &Target) -> String {
    match t {
        Target::Value(k, _) => messages::is_value(k.short_name()),
        Target::Input(n, _) => messages::is_input(n),
        Target::Param(q, true) => messages::is_table(&q.name),
        Target::Param(q, false) => messages::is_param(&q.name),
        Target::Bareme(q) => messages::is_bareme(&q.name),
        Target::Function(q) => messages::is_function(&q.name),
        Target::Dispositif(q) => messages::is_dispositif(&q.name),
        Target::Group(q) => messages::is_group(&q.name),
        Target::Enum(q) => messages::is_enum(&q.name),
        Target::Struct(q) => messages::is_struct(&q.name),
    }
}

pub(super) fn not_callable(t: &Target) -> String {
    messages::not_callable(describe(t))
}
