//! The built-ins as the language sees them: each one's signature and French documentation
//! (for the editor) and its typing. The names and arities are the runtime's
//! [`Builtin`] table; every match here is exhaustive, so a new built-in cannot be forgotten.

use socle_grammar::ast::{self, Period};
use socle_grammar::Span;
use socle_runtime::ir::{Builtin, DurationFamily};

use super::messages;
use super::{Ctx, Scope};
use crate::diagnostic::FileId;
use crate::typed::{TExpr, TKind};
use crate::types::{self, Type};

/// `tranche(barème, x)`: a barème's row number. Typed as a barème call, not an IR built-in.
pub(crate) const TRANCHE: &str = "tranche";
/// The decision date, a built-in name rather than a function.
pub(crate) const DECISION_DATE: &str = "date_décision";

pub(crate) fn is_decision_date(name: &str) -> bool {
    name == DECISION_DATE || name == "date_decision"
}

/// What the editor shows of a built-in name.
pub struct BuiltinDoc {
    pub name: &'static str,
    /// `jours_entre(début : date, fin : date) : durée`
    pub signature: &'static str,
    /// One French sentence.
    pub doc: &'static str,
    /// Whether the name is called with arguments.
    pub is_function: bool,
}

/// The arguments a built-in expects, in its arity error (« `abs` attend un argument »).
fn expects(b: Builtin) -> &'static str {
    match b {
        Builtin::Min | Builtin::Max => "au moins deux arguments",
        Builtin::Ceiling | Builtin::Floor | Builtin::OrDefault => "deux arguments",
        Builtin::Abs | Builtin::IsPresent => "un argument",
        Builtin::Age
        | Builtin::MonthsBetween
        | Builtin::DaysBetween
        | Builtin::DaysBetweenInclusive => "deux dates",
        Builtin::StartOfYear
        | Builtin::Year
        | Builtin::DayOfMonth
        | Builtin::DaysInMonth
        | Builtin::EndOfMonth
        | Builtin::StartOfNextMonth => "une date",
        Builtin::Monthly | Builtin::Yearly => "un montant",
        Builtin::Count | Builtin::CountDistinct => "une liste",
    }
}

/// Signature and documentation of a built-in function.
pub(crate) fn builtin_doc(b: Builtin) -> BuiltinDoc {
    let (signature, doc) = match b {
        Builtin::Min => (
            "min(a, b, …) : même type",
            "La plus petite des valeurs (nombres, montants, taux, dates ou durées).",
        ),
        Builtin::Max => (
            "max(a, b, …) : même type",
            "La plus grande des valeurs (nombres, montants, taux, dates ou durées).",
        ),
        Builtin::Ceiling => (
            "plafond(x, plafond) : même type",
            "x limité à un plafond : la plus petite des deux valeurs.",
        ),
        Builtin::Floor => (
            "plancher(x, plancher) : même type",
            "x porté au moins à un plancher : la plus grande des deux valeurs.",
        ),
        Builtin::Abs => ("abs(x) : même type", "La valeur absolue de x."),
        Builtin::Age => (
            "âge(naissance : date, date : date) : durée",
            "L'âge révolu à une date, en années complètes.",
        ),
        Builtin::MonthsBetween => (
            "mois_entre(début : date, fin : date) : durée",
            "Le nombre de mois complets entre deux dates.",
        ),
        Builtin::DaysBetween => (
            "jours_entre(début : date, fin : date) : durée",
            "Le nombre de jours entre deux dates (fin − début), en jours.",
        ),
        Builtin::DaysBetweenInclusive => (
            "jours_entre_inclus(début : date, fin : date) : durée",
            "Le nombre de jours du début à la fin, les deux comptés (« du 1er au 31 mars inclus » : 31 jours).",
        ),
        Builtin::StartOfYear => (
            "début_année(d : date) : date",
            "Le 1er janvier de l'année de la date.",
        ),
        Builtin::Year => ("année(d : date) : entier", "L'année de la date."),
        Builtin::DayOfMonth => (
            "jour(d : date) : entier",
            "Le jour du mois de la date (1 à 31).",
        ),
        Builtin::DaysInMonth => (
            "jours_du_mois(d : date) : durée",
            "Le nombre de jours du mois de la date (28 à 31), en jours.",
        ),
        Builtin::EndOfMonth => (
            "fin_de_mois(d : date) : date",
            "Le dernier jour du mois de la date.",
        ),
        Builtin::StartOfNextMonth => (
            "début_mois_suivant(d : date) : date",
            "Le premier jour du mois qui suit celui de la date.",
        ),
        Builtin::Monthly => (
            "mensuel(x : montant €/an) : montant €/mois",
            "Un montant annuel ramené au mois (÷ 12, exact : arrondir explicitement).",
        ),
        Builtin::Yearly => (
            "annuel(x : montant €/mois) : montant €/an",
            "Un montant mensuel porté à l'année (× 12).",
        ),
        Builtin::Count => (
            "nombre(liste) : entier",
            "Le nombre d'éléments de la liste.",
        ),
        Builtin::CountDistinct => (
            "nombre_distincts(liste) : entier",
            "Le nombre d'éléments différents de la liste.",
        ),
        Builtin::IsPresent => (
            "renseigné(x : T?) : booléen",
            "Vrai si la valeur optionnelle est renseignée dans le dossier.",
        ),
        Builtin::OrDefault => (
            "valeur_par_défaut(x : T?, défaut : T) : T",
            "La valeur optionnelle si elle est renseignée, sinon la valeur par défaut.",
        ),
    };
    BuiltinDoc {
        name: b.name(),
        signature,
        doc,
        is_function: true,
    }
}

/// Every built-in name with its documentation: the functions, `tranche` and `date_décision`.
pub fn builtin_docs() -> Vec<BuiltinDoc> {
    let mut out: Vec<BuiltinDoc> = Builtin::ALL.iter().map(|&b| builtin_doc(b)).collect();
    out.push(BuiltinDoc {
        name: TRANCHE,
        signature: "tranche(barème, x) : entier",
        doc: "Le numéro de la tranche du barème qui contient x.",
        is_function: true,
    });
    out.push(BuiltinDoc {
        name: DECISION_DATE,
        signature: "date_décision : date",
        doc: "La date de la décision (par défaut la date de la demande du dossier).",
        is_function: false,
    });
    out
}

/// The documentation of a built-in name, in any accepted spelling.
pub fn builtin_doc_named(name: &str) -> Option<BuiltinDoc> {
    if let Some(b) = Builtin::from_name(name) {
        return Some(builtin_doc(b));
    }
    let canonical = if is_decision_date(name) {
        DECISION_DATE
    } else {
        name
    };
    builtin_docs().into_iter().find(|d| d.name == canonical)
}

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

/// Type-checks a call of a built-in function.
pub(crate) fn builtin_call(
    ctx: &mut Ctx<'_>,
    file: FileId,
    b: Builtin,
    args: &[ast::Expr],
    scope: &Scope,
    span: Span,
) -> TExpr {
    let name = b.name();
    if !b.arity().accepts(args.len()) {
        return ctx.bad_args(file, span, messages::builtin_arity(name, expects(b)));
    }
    let call = |args: Vec<TExpr>, ty: Type| TExpr {
        kind: TKind::Call(b, args),
        ty,
        span,
    };
    // The arity is checked: the first argument exists.
    let Some(first) = args.first() else {
        return TExpr::error(span);
    };
    match b {
        Builtin::Min | Builtin::Max | Builtin::Ceiling | Builtin::Floor => {
            let mut targs = Vec::new();
            let mut ty = Type::Error;
            for a in args {
                let t = ctx.expr(file, a, scope, None);
                if !is_orderable(&t.ty) {
                    return ctx.bad_args(
                        file,
                        t.span,
                        messages::not_orderable(name, t.ty.with_article()),
                    );
                }
                match types::unify(&ty, &t.ty) {
                    Some(u) => ty = u,
                    None => {
                        return ctx.bad_args(
                            file,
                            t.span,
                            messages::arguments_differ(name, &ty, &t.ty),
                        )
                    }
                }
                targs.push(t);
            }
            let targs = targs.into_iter().map(|t| super::coerce(t, &ty)).collect();
            call(targs, ty)
        }
        Builtin::Abs => {
            let t = ctx.expr(file, first, scope, None);
            if !matches!(
                t.ty,
                Type::Int
                    | Type::Decimal
                    | Type::Money(_)
                    | Type::Rate
                    | Type::Duration(_)
                    | Type::Error
            ) {
                return ctx.bad_args(file, t.span, messages::abs_not_numeric(t.ty.with_article()));
            }
            let ty = t.ty.clone();
            call(vec![t], ty)
        }
        Builtin::Age
        | Builtin::MonthsBetween
        | Builtin::DaysBetween
        | Builtin::DaysBetweenInclusive => {
            let mut targs = Vec::new();
            for a in args {
                let t = ctx.expr(file, a, scope, Some(&Type::Date));
                if !matches!(t.ty, Type::Date | Type::Error) {
                    return ctx.bad_args(
                        file,
                        t.span,
                        messages::expects_dates(name, t.ty.with_article()),
                    );
                }
                targs.push(t);
            }
            let family = if matches!(b, Builtin::DaysBetween | Builtin::DaysBetweenInclusive) {
                DurationFamily::Days
            } else {
                DurationFamily::Months
            };
            call(targs, Type::Duration(Some(family)))
        }
        Builtin::StartOfYear
        | Builtin::Year
        | Builtin::DayOfMonth
        | Builtin::DaysInMonth
        | Builtin::EndOfMonth
        | Builtin::StartOfNextMonth => {
            let t = ctx.expr(file, first, scope, Some(&Type::Date));
            if !matches!(t.ty, Type::Date | Type::Error) {
                return ctx.bad_args(
                    file,
                    t.span,
                    messages::expects_date(name, t.ty.with_article()),
                );
            }
            let ty = match b {
                Builtin::Year | Builtin::DayOfMonth => Type::Int,
                Builtin::DaysInMonth => Type::Duration(Some(DurationFamily::Days)),
                _ => Type::Date,
            };
            call(vec![t], ty)
        }
        Builtin::Monthly | Builtin::Yearly => {
            let t = ctx.expr(file, first, scope, None);
            let (from, to) = if b == Builtin::Monthly {
                (Period::An, Period::Mois)
            } else {
                (Period::Mois, Period::An)
            };
            match t.ty {
                Type::Money(p) if p.is_none() || p == Some(from) => {
                    call(vec![t], Type::Money(Some(to)))
                }
                Type::Error => call(vec![t], Type::Money(Some(to))),
                _ => ctx.bad_args(
                    file,
                    t.span,
                    messages::expects_money(name, types::period_text(from), t.ty.with_article()),
                ),
            }
        }
        Builtin::Count | Builtin::CountDistinct => {
            let t = ctx.expr(file, first, scope, None);
            if !matches!(t.ty.strip_optional(), Type::List(_) | Type::Error) {
                return ctx.bad_args(
                    file,
                    t.span,
                    messages::expects_list(name, t.ty.with_article()),
                );
            }
            call(vec![t], Type::Int)
        }
        Builtin::IsPresent => {
            let t = ctx.expr(file, first, scope, None);
            if !matches!(t.ty, Type::Optional(_) | Type::Error) {
                return ctx.bad_args(
                    file,
                    t.span,
                    messages::is_present_not_optional(t.ty.with_article()),
                );
            }
            call(vec![t], Type::Bool)
        }
        Builtin::OrDefault => {
            let Some(d) = args.get(1) else {
                return TExpr::error(span);
            };
            let t = ctx.expr(file, first, scope, None);
            let inner = match &t.ty {
                Type::Optional(inner) => (**inner).clone(),
                Type::Error => Type::Error,
                other => {
                    let msg = messages::or_default_not_optional(other.with_article());
                    return ctx.bad_args(file, t.span, msg);
                }
            };
            let dv = ctx.expr(file, d, scope, Some(&inner));
            let Some(ty) = types::unify(&inner, &dv.ty).filter(|u| !matches!(u, Type::Optional(_)))
            else {
                return ctx.bad_args(
                    file,
                    dv.span,
                    messages::default_type_differs(dv.ty.with_article(), inner.with_article()),
                );
            };
            let dv = super::coerce(dv, &ty);
            call(vec![t, dv], ty)
        }
    }
}
