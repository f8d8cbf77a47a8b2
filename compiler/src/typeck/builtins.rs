//! Typing of the built-in functions.

use socle_grammar::ast::{self, Period};
use socle_grammar::Span;
use socle_runtime::ir::{Builtin, DurationFamily};

use super::{Ctx, Scope};
use crate::diagnostic::FileId;
use crate::typed::{TExpr, TKind};
use crate::types::{self, Type};

fn is_orderable(t: &Type) -> bool {
    matches!(
        t,
        Type::Int
            | Type::Decimal
            | Type::Money(_)
            | Type::Rate
            | Type::Date
            | Type::Duration(_)
            | Type::Error
    )
}

/// Type-checks a call of a built-in function (`tranche` aside).
pub(crate) fn builtin_call(
    ctx: &mut Ctx<'_>,
    file: FileId,
    name: &'static str,
    args: &[ast::Expr],
    scope: &Scope,
    span: Span,
) -> TExpr {
    let arity = |n: usize| args.len() == n;
    let call = |b: Builtin, args: Vec<TExpr>, ty: Type| TExpr {
        kind: TKind::Call(b, args),
        ty,
        span,
    };
    match name {
        "min" | "max" | "plafond" | "plancher" => {
            let two_only = matches!(name, "plafond" | "plancher");
            if (two_only && !arity(2)) || args.len() < 2 {
                let n = if two_only { "deux" } else { "au moins deux" };
                return ctx.bad_args(file, span, format!("`{name}` attend {n} arguments"));
            }
            let mut targs = Vec::new();
            let mut ty = Type::Error;
            for a in args {
                let t = ctx.arg(file, a, scope, None);
                if !is_orderable(&t.ty) {
                    return ctx.bad_args(
                        file,
                        t.span,
                        format!(
                            "`{name}` compare des nombres, montants, taux, dates ou durées, pas {}",
                            t.ty.with_article()
                        ),
                    );
                }
                match types::unify(&ty, &t.ty) {
                    Some(u) => ty = u,
                    None => {
                        return ctx.bad_args(
                            file,
                            t.span,
                            format!(
                                "les arguments de `{name}` doivent avoir le même type : {ty} et {}",
                                t.ty
                            ),
                        )
                    }
                }
                targs.push(t);
            }
            let targs = targs.into_iter().map(|t| super::coerce(t, &ty)).collect();
            let b = if matches!(name, "min" | "plafond") {
                Builtin::Min
            } else {
                Builtin::Max
            };
            call(b, targs, ty)
        }
        "abs" => {
            let [a] = args else {
                return ctx.bad_args(file, span, "`abs` attend un argument".to_owned());
            };
            let t = ctx.arg(file, a, scope, None);
            if !matches!(
                t.ty,
                Type::Int
                    | Type::Decimal
                    | Type::Money(_)
                    | Type::Rate
                    | Type::Duration(_)
                    | Type::Error
            ) {
                return ctx.bad_args(
                    file,
                    t.span,
                    format!("`abs` ne s'applique pas à {}", t.ty.with_article()),
                );
            }
            let ty = t.ty.clone();
            call(Builtin::Abs, vec![t], ty)
        }
        "âge" | "mois_entre" | "jours_entre" => {
            if !arity(2) {
                return ctx.bad_args(file, span, format!("`{name}` attend deux dates"));
            }
            let mut targs = Vec::new();
            for a in args {
                let t = ctx.arg(file, a, scope, Some(&Type::Date));
                if !matches!(t.ty, Type::Date | Type::Error) {
                    return ctx.bad_args(
                        file,
                        t.span,
                        format!("`{name}` attend des dates, pas {}", t.ty.with_article()),
                    );
                }
                targs.push(t);
            }
            let (b, family) = match name {
                "âge" => (Builtin::Age, DurationFamily::Months),
                "mois_entre" => (Builtin::MonthsBetween, DurationFamily::Months),
                _ => (Builtin::DaysBetween, DurationFamily::Days),
            };
            call(b, targs, Type::Duration(Some(family)))
        }
        "début_année" | "année" => {
            let [a] = args else {
                return ctx.bad_args(file, span, format!("`{name}` attend une date"));
            };
            let t = ctx.arg(file, a, scope, Some(&Type::Date));
            if !matches!(t.ty, Type::Date | Type::Error) {
                return ctx.bad_args(
                    file,
                    t.span,
                    format!("`{name}` attend une date, pas {}", t.ty.with_article()),
                );
            }
            if name == "année" {
                call(Builtin::Year, vec![t], Type::Int)
            } else {
                call(Builtin::StartOfYear, vec![t], Type::Date)
            }
        }
        "mensuel" | "annuel" => {
            let [a] = args else {
                return ctx.bad_args(file, span, format!("`{name}` attend un montant"));
            };
            let t = ctx.arg(file, a, scope, None);
            let (from, to, b) = if name == "mensuel" {
                (Period::An, Period::Mois, Builtin::Monthly)
            } else {
                (Period::Mois, Period::An, Builtin::Yearly)
            };
            match t.ty {
                Type::Money(p) if p.is_none() || p == Some(from) => {
                    call(b, vec![t], Type::Money(Some(to)))
                }
                Type::Error => call(b, vec![t], Type::Money(Some(to))),
                _ => ctx.bad_args(
                    file,
                    t.span,
                    format!(
                        "`{name}` attend un montant {}, pas {}",
                        types::period_text(from),
                        t.ty.with_article()
                    ),
                ),
            }
        }
        "nombre" | "nombre_distincts" => {
            let [a] = args else {
                return ctx.bad_args(file, span, format!("`{name}` attend une liste"));
            };
            let t = ctx.arg(file, a, scope, None);
            if !matches!(t.ty.strip_optional(), Type::List(_) | Type::Error) {
                return ctx.bad_args(
                    file,
                    t.span,
                    format!("`{name}` attend une liste, pas {}", t.ty.with_article()),
                );
            }
            let b = if name == "nombre" {
                Builtin::Count
            } else {
                Builtin::CountDistinct
            };
            call(b, vec![t], Type::Int)
        }
        "renseigné" => {
            let [a] = args else {
                return ctx.bad_args(file, span, "`renseigné` attend un argument".to_owned());
            };
            let t = ctx.arg(file, a, scope, None);
            if !matches!(t.ty, Type::Optional(_) | Type::Error) {
                return ctx.bad_args(
                    file,
                    t.span,
                    format!(
                        "`renseigné` s'applique à une valeur optionnelle (`T?`), pas à {}",
                        t.ty.with_article()
                    ),
                );
            }
            call(Builtin::IsPresent, vec![t], Type::Bool)
        }
        "valeur_par_défaut" => {
            let [a, d] = args else {
                return ctx.bad_args(
                    file,
                    span,
                    "`valeur_par_défaut` attend deux arguments".to_owned(),
                );
            };
            let t = ctx.arg(file, a, scope, None);
            let inner = match &t.ty {
                Type::Optional(inner) => (**inner).clone(),
                Type::Error => Type::Error,
                other => {
                    let msg = format!(
                        "`valeur_par_défaut` s'applique à une valeur optionnelle (`T?`), pas à {}",
                        other.with_article()
                    );
                    return ctx.bad_args(file, t.span, msg);
                }
            };
            let dv = ctx.arg(file, d, scope, Some(&inner));
            let Some(ty) = types::unify(&inner, &dv.ty).filter(|u| !matches!(u, Type::Optional(_)))
            else {
                return ctx.bad_args(
                    file,
                    dv.span,
                    format!(
                        "la valeur par défaut est {} alors que la valeur est {}",
                        dv.ty.with_article(),
                        inner.with_article()
                    ),
                );
            };
            let dv = super::coerce(dv, &ty);
            call(Builtin::OrDefault, vec![t, dv], ty)
        }
        _ => ctx.bad_args(file, span, format!("fonction inconnue : `{name}`")),
    }
}
