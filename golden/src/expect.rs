//! Expected values meet the output's type (E0805), then the decision's JSON value.
//! Comparison is on the JSON of CONTRACT.md — what an integrating application reads —
//! with numbers compared as exact decimals (`"986.5"` equals `"986.50"`).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value as Json;
use socle_runtime::ir::{EnumDef, Ty};

use crate::case::Literal;

/// An expected value checked against its output's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed {
    Decimal(Decimal),
    Int(i64),
    Bool(bool),
    Date(NaiveDate),
    Text(String),
}

impl fmt::Display for Typed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Typed::Decimal(d) => write!(f, "{d}"),
            Typed::Int(i) => write!(f, "{i}"),
            Typed::Bool(b) => write!(f, "{b}"),
            Typed::Date(d) => write!(f, "{d}"),
            Typed::Text(t) => write!(f, "\"{t}\""),
        }
    }
}

fn strip_optional(ty: &Ty) -> &Ty {
    match ty {
        Ty::Optional(inner) => strip_optional(inner),
        other => other,
    }
}

/// The French name of a type, as a policy officer knows it.
pub fn type_name(ty: &Ty, enums: &[EnumDef]) -> String {
    match strip_optional(ty) {
        Ty::Bool => "booléen".into(),
        Ty::Int => "entier".into(),
        Ty::Decimal => "décimal".into(),
        Ty::Money(_) => "montant".into(),
        Ty::Rate => "taux".into(),
        Ty::Date => "date".into(),
        Ty::Duration(_) => "durée".into(),
        Ty::Text => "texte".into(),
        Ty::Enum(id) => enums.get(*id as usize).map_or_else(
            || "énumération".into(),
            |e| format!("énumération {}", e.name),
        ),
        Ty::List(inner) => format!("liste de {}", type_name(inner, enums)),
        Ty::Optional(inner) => type_name(inner, enums),
        Ty::Record(_) => "structure".into(),
    }
}

fn exact_decimal(text: &str) -> Option<Decimal> {
    let text = text.trim();
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

fn is_duration(text: &str) -> bool {
    let units = ["an", "ans", "mois", "jour", "jours", "heure", "heures"];
    let words: Vec<&str> = text.split(' ').collect();
    words.split(|w| *w == "et").all(|part| {
        matches!(part, [n, unit]
            if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && units.contains(unit))
    })
}

/// Checks a written value against the output type; the error says, in French, what to write.
pub fn type_expected(literal: &Literal, ty: &Ty, enums: &[EnumDef]) -> Result<Typed, String> {
    let wanted = type_name(ty, enums);
    let refuse = || format!("{wanted} attendu, {} trouvé", literal.describe());
    match (strip_optional(ty), literal) {
        (Ty::Money(_) | Ty::Rate | Ty::Decimal, Literal::Text(t)) => match exact_decimal(t) {
            Some(d) => Ok(Typed::Decimal(d)),
            None if t.contains(',') => Err(format!(
                "{wanted} attendu : écrivez les décimales avec un point, \"{}\"",
                t.replace(',', ".").replace([' ', '\u{a0}', '\u{202f}', '€'], "")
            )),
            None => Err(refuse()),
        },
        (Ty::Money(_) | Ty::Rate | Ty::Decimal, Literal::Integer(t) | Literal::Float(t)) => {
            exact_decimal(t).map(Typed::Decimal).ok_or_else(refuse)
        }
        (Ty::Int, Literal::Integer(t)) => t.parse().map(Typed::Int).map_err(|_| refuse()),
        (Ty::Bool, Literal::Bool(b)) => Ok(Typed::Bool(*b)),
        (Ty::Date, Literal::Date(d)) => Ok(Typed::Date(*d)),
        (Ty::Date, Literal::Text(t)) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Typed::Date)
            .map_err(|_| format!("date attendue (AAAA-MM-JJ), {} trouvé", literal.describe())),
        (Ty::Duration(_), Literal::Text(t)) if is_duration(t) => Ok(Typed::Text(t.clone())),
        (Ty::Duration(_), _) => Err(format!(
            "durée attendue, écrite comme la décision l'écrit (\"86 ans\", \"3 mois\", \"12 jours\"), {} trouvé",
            literal.describe()
        )),
        (Ty::Text, Literal::Text(t)) => Ok(Typed::Text(t.clone())),
        (Ty::Enum(id), Literal::Text(t)) => {
            let variants = enums.get(*id as usize).map(|e| &e.variants[..]).unwrap_or(&[]);
            if variants.iter().any(|v| v == t) {
                Ok(Typed::Text(t.clone()))
            } else {
                Err(format!(
                    "« {t} » n'est pas une valeur de {wanted} ; valeurs possibles : {}",
                    variants.join(", ")
                ))
            }
        }
        (Ty::List(_), _) => Err(format!(
            "les valeurs de type {wanted} ne se comparent pas dans un cas de test"
        )),
        _ => Err(refuse()),
    }
}

/// Whether the decision's JSON value is the expected one.
pub fn matches(expected: &Typed, actual: &Json) -> bool {
    match (expected, actual) {
        (Typed::Decimal(want), Json::String(s)) => exact_decimal(s) == Some(*want),
        (Typed::Decimal(want), Json::Number(n)) => exact_decimal(&n.to_string()) == Some(*want),
        (Typed::Int(want), Json::Number(n)) => n.as_i64() == Some(*want),
        (Typed::Bool(want), Json::Bool(b)) => want == b,
        (Typed::Date(want), Json::String(s)) => want.to_string() == *s,
        (Typed::Text(want), Json::String(s)) => want == s,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use socle_runtime::ir::Period;

    fn money() -> Ty {
        Ty::Money(Some(Period::Mois))
    }

    #[test]
    fn money_is_exact_whatever_the_spelling() {
        for written in [
            Literal::Text("986.5".into()),
            Literal::Float("986.50".into()),
        ] {
            let typed = type_expected(&written, &money(), &[]).unwrap();
            assert!(matches(&typed, &Json::String("986.50".into())));
            assert!(!matches(&typed, &Json::String("986.51".into())));
        }
        let err = type_expected(&Literal::Text("12,5".into()), &money(), &[]).unwrap_err();
        assert!(err.contains("\"12.5\""), "{err}");
    }

    #[test]
    fn integers_are_not_texts() {
        assert!(type_expected(&Literal::Text("3".into()), &Ty::Int, &[]).is_err());
        let typed = type_expected(&Literal::Integer("3".into()), &Ty::Int, &[]).unwrap();
        assert!(matches(&typed, &serde_json::json!(3)));
        assert!(!matches(&typed, &serde_json::json!(4)));
    }

    #[test]
    fn durations_are_written_like_the_decision() {
        let ty = Ty::Duration(socle_runtime::ir::DurationFamily::Months);
        for ok in ["86 ans", "1 an et 3 mois", "3 mois"] {
            assert!(
                type_expected(&Literal::Text(ok.into()), &ty, &[]).is_ok(),
                "{ok}"
            );
        }
        for bad in ["86", "ans 86", "86  ans", "86 ans et"] {
            assert!(
                type_expected(&Literal::Text(bad.into()), &ty, &[]).is_err(),
                "{bad}"
            );
        }
    }
}
