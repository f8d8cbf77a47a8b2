//! Static types with units (docs/REFERENCE.md §4–5) and the unit rules of every operation.

use std::fmt;

use socle_grammar::ast::{BinaryOp, Period};
use socle_runtime::ir::DurationFamily;

/// A declaration of some ruleset: `national.lieu_de_vie`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    /// The ruleset identifier as written in expressions (`val_doise`).
    pub ruleset: String,
    pub name: String,
}

impl QName {
    pub fn new(ruleset: &str, name: &str) -> Self {
        QName {
            ruleset: ruleset.to_owned(),
            name: name.to_owned(),
        }
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.ruleset, self.name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int,
    Decimal,
    Money(Option<Period>),
    Rate,
    Date,
    /// `None`: a declared `durée` of either family.
    Duration(Option<DurationFamily>),
    Text,
    Enum(QName),
    Struct(QName),
    List(Box<Type>),
    Optional(Box<Type>),
    /// Already reported: accepted everywhere so that one mistake gives one diagnostic.
    Error,
}

pub fn period_text(p: Period) -> &'static str {
    match p {
        Period::Heure => "€/heure",
        Period::Jour => "€/jour",
        Period::Mois => "€/mois",
        Period::An => "€/an",
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("booléen"),
            Type::Int => f.write_str("entier"),
            Type::Decimal => f.write_str("décimal"),
            Type::Money(None) => f.write_str("montant"),
            Type::Money(Some(p)) => write!(f, "montant {}", period_text(*p)),
            Type::Rate => f.write_str("taux"),
            Type::Date => f.write_str("date"),
            Type::Duration(None) => f.write_str("durée"),
            Type::Duration(Some(DurationFamily::Days)) => f.write_str("durée en jours"),
            Type::Duration(Some(DurationFamily::Months)) => f.write_str("durée en mois"),
            Type::Duration(Some(DurationFamily::Hours)) => f.write_str("durée en heures"),
            Type::Text => f.write_str("texte"),
            Type::Enum(q) | Type::Struct(q) => f.write_str(&q.name),
            Type::List(t) => write!(f, "liste de {t}"),
            Type::Optional(t) => write!(f, "{t}?"),
            Type::Error => f.write_str("?"),
        }
    }
}

impl Type {
    /// The type with an indefinite article, for messages: « un montant €/mois ».
    pub fn with_article(&self) -> String {
        match self {
            Type::Date | Type::Duration(_) => format!("une {self}"),
            Type::Enum(q) => format!("une valeur de l'énumération {}", q.name),
            Type::Struct(q) => format!("une structure {}", q.name),
            Type::List(_) => format!("une {self}"),
            Type::Optional(t) => format!(
                "{} optionnel (utilisez valeur_par_défaut)",
                t.with_article()
            ),
            _ => format!("un {self}"),
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error)
    }

    fn is_number(&self) -> bool {
        matches!(self, Type::Int | Type::Decimal)
    }

    /// The type without its optional marker.
    pub fn strip_optional(&self) -> &Type {
        match self {
            Type::Optional(t) => t,
            t => t,
        }
    }
}

fn periods_agree(a: Option<Period>, b: Option<Period>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// The period of a price per unit of this duration (`€/heure` for hours).
fn period_of(f: DurationFamily) -> Option<Period> {
    match f {
        DurationFamily::Hours => Some(Period::Heure),
        DurationFamily::Days => Some(Period::Jour),
        DurationFamily::Months => Some(Period::Mois),
    }
}

fn families_agree(a: Option<DurationFamily>, b: Option<DurationFamily>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// The common type of two branches / comparison operands, if they are compatible.
pub fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Error, t) | (t, Type::Error) => Some(t.clone()),
        (Type::Int, Type::Decimal) | (Type::Decimal, Type::Int) => Some(Type::Decimal),
        (Type::Money(p), Type::Money(q)) if periods_agree(*p, *q) => Some(Type::Money(p.or(*q))),
        (Type::Duration(x), Type::Duration(y)) if families_agree(*x, *y) => {
            Some(Type::Duration(x.or(*y)))
        }
        (Type::Optional(x), Type::Optional(y)) => unify(x, y).map(|t| Type::Optional(Box::new(t))),
        (Type::Optional(x), y) | (y, Type::Optional(x)) => {
            unify(x, y).map(|t| Type::Optional(Box::new(t)))
        }
        (Type::List(x), Type::List(y)) => unify(x, y).map(|t| Type::List(Box::new(t))),
        (x, y) if x == y => Some(x.clone()),
        _ => None,
    }
}

/// Whether a value of type `actual` may be stored where `declared` is written.
pub fn assignable(actual: &Type, declared: &Type) -> bool {
    match (actual, declared) {
        (Type::Error, _) | (_, Type::Error) => true,
        (Type::Int, Type::Decimal) => true,
        (Type::Money(a), Type::Money(d)) => periods_agree(*a, *d),
        (Type::Duration(a), Type::Duration(d)) => families_agree(*a, *d),
        (Type::Optional(a), Type::Optional(d)) => assignable(a, d),
        (a, Type::Optional(d)) => assignable(a, d),
        (Type::List(a), Type::List(d)) => assignable(a, d),
        (a, d) => a == d,
    }
}

/// The precise type to record for a value declared `declared` and computed as `actual`:
/// a declared `durée` takes the family of its expression.
pub fn refine(declared: &Type, actual: &Type) -> Type {
    match (declared, actual) {
        (Type::Duration(None), Type::Duration(f)) => Type::Duration(*f),
        (Type::Money(None), Type::Money(p)) => Type::Money(*p),
        _ => declared.clone(),
    }
}

/// The result type of an arithmetic or comparison operator, or the French reason it is refused.
pub fn binary(op: BinaryOp, l: &Type, r: &Type) -> Result<Type, String> {
    if l.is_error() || r.is_error() {
        return Ok(match op {
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                if l.is_error() {
                    r.clone()
                } else {
                    l.clone()
                }
            }
            _ => Type::Bool,
        });
    }
    let refused = || {
        let (a, b) = (l.with_article(), r.with_article());
        Err(match op {
            BinaryOp::Add => format!("impossible d'additionner {a} et {b}"),
            BinaryOp::Sub => format!("impossible de soustraire {b} à {a}"),
            BinaryOp::Mul => format!("impossible de multiplier {a} par {b}"),
            BinaryOp::Div => format!("impossible de diviser {a} par {b}"),
            BinaryOp::And | BinaryOp::Or => {
                format!("`et` et `ou` s'appliquent à des booléens, pas à {a} et {b}")
            }
            _ => format!("impossible de comparer {a} et {b}"),
        })
    };
    use Type as T;
    let result = match op {
        BinaryOp::Add | BinaryOp::Sub => match (l, r) {
            (T::Int, T::Int) => Some(T::Int),
            (a, b) if a.is_number() && b.is_number() => Some(T::Decimal),
            (T::Money(p), T::Money(q)) if periods_agree(*p, *q) => Some(T::Money(p.or(*q))),
            (T::Rate, T::Rate) => Some(T::Rate),
            // A date has no hours: `date + 3 heures` is refused.
            (T::Date, T::Duration(f)) if *f != Some(DurationFamily::Hours) => Some(T::Date),
            (T::Date, T::Date) if op == BinaryOp::Sub => {
                Some(T::Duration(Some(DurationFamily::Days)))
            }
            (T::Duration(x), T::Duration(y)) if families_agree(*x, *y) => {
                Some(T::Duration(x.or(*y)))
            }
            _ => None,
        },
        BinaryOp::Mul => match (l, r) {
            (T::Int, T::Int) => Some(T::Int),
            (a, b) if a.is_number() && b.is_number() => Some(T::Decimal),
            (T::Money(p), b) | (b, T::Money(p)) if b.is_number() || *b == T::Rate => {
                Some(T::Money(*p))
            }
            (T::Rate, T::Rate) => Some(T::Rate),
            (T::Rate, b) | (b, T::Rate) if b.is_number() => Some(T::Rate),
            (T::Duration(f), T::Int) | (T::Int, T::Duration(f)) => Some(T::Duration(*f)),
            // `€/heure × heures`, `€/jour × jours`, `€/mois × mois`: an amount without period.
            (T::Money(Some(p)), T::Duration(Some(f)))
            | (T::Duration(Some(f)), T::Money(Some(p)))
                if period_of(*f) == Some(*p) =>
            {
                Some(T::Money(None))
            }
            _ => None,
        },
        BinaryOp::Div => match (l, r) {
            (a, b) if a.is_number() && b.is_number() => Some(T::Decimal),
            (T::Money(p), b) if b.is_number() => Some(T::Money(*p)),
            (T::Money(p), T::Money(q)) if periods_agree(*p, *q) => Some(T::Decimal),
            // `jours / jours`: a number (how many times one holds the other).
            (T::Duration(Some(x)), T::Duration(Some(y))) if x == y => Some(T::Decimal),
            _ => None,
        },
        BinaryOp::And | BinaryOp::Or => match (l, r) {
            (T::Bool, T::Bool) => Some(T::Bool),
            _ => None,
        },
        BinaryOp::Eq | BinaryOp::Ne => comparable(l, r, true).then_some(T::Bool),
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            comparable(l, r, false).then_some(T::Bool)
        }
    };
    result.map_or_else(refused, Ok)
}

/// Whether two operands may be compared; `equality` also allows booleans, texts,
/// enumerations and an optional value against a value.
pub fn comparable(l: &Type, r: &Type, equality: bool) -> bool {
    use Type as T;
    match (l, r) {
        (T::Error, _) | (_, T::Error) => true,
        (a, b) if a.is_number() && b.is_number() => true,
        (T::Money(p), T::Money(q)) => periods_agree(*p, *q),
        (T::Rate, T::Rate) | (T::Date, T::Date) => true,
        (T::Duration(x), T::Duration(y)) => families_agree(*x, *y),
        (T::Bool, T::Bool) | (T::Text, T::Text) => equality,
        (T::Enum(a), T::Enum(b)) => equality && a == b,
        (T::Optional(a), b) | (b, T::Optional(a)) if equality => comparable(a, b, true),
        _ => false,
    }
}
