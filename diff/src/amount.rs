//! The amount of a dispositif, the one number whose changes a budget reads: the amount it
//! declares paid (`valeur versée`, zero when a payment condition withholds it), else its
//! `montant` output when it has one, else its first money output named like an aid (`aide…`,
//! `prise_en_charge…`), else its first money output. Its period says how a total converts:
//! monthly and yearly for €/mois, €/an and €/jour (365 days a year); an hourly rate or a
//! one-off amount has no monthly total without knowing the hours or the frequency.

use rust_decimal::Decimal;
use socle_runtime::ir::{Period, Program, Ty};
use socle_runtime::render::money_json;
use socle_runtime::Value;

/// The output that is a dispositif's amount, and its period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmountOutput {
    /// The output's name (`montant`).
    pub name: String,
    /// `None` for a one-off amount (`€`).
    pub period: Option<Period>,
}

/// The amount output of dispositif `id` in `program`, if it has a money output.
pub fn amount_output(program: &Program, id: &str) -> Option<AmountOutput> {
    let dispositif = program.dispositifs.iter().find(|d| d.name == id)?;
    let money = |ty: &Ty| match ty {
        Ty::Money(period) => Some(*period),
        Ty::Optional(inner) => match inner.as_ref() {
            Ty::Money(period) => Some(*period),
            _ => None,
        },
        _ => None,
    };
    let outputs: Vec<(&str, Option<Period>, bool)> = dispositif
        .outputs
        .iter()
        .filter_map(|o| money(&o.ty).map(|p| (o.name.as_str(), p, o.paid)))
        .collect();
    let chosen = outputs
        .iter()
        .find(|(_, _, paid)| *paid)
        .or_else(|| outputs.iter().find(|(name, _, _)| *name == "montant"))
        .or_else(|| {
            outputs.iter().find(|(name, _, _)| {
                name.starts_with("aide") || name.starts_with("prise_en_charge")
            })
        })
        .or_else(|| outputs.first())?;
    Some(AmountOutput {
        name: chosen.0.to_owned(),
        period: chosen.1,
    })
}

/// A money value as a decimal.
pub fn money_value(value: &Value) -> Option<Decimal> {
    match value {
        Value::Dec(d) => Some(*d),
        Value::Int(i) => Some(Decimal::from(*i)),
        _ => None,
    }
}

/// The unit as written in the rulesets (`€/mois`).
pub fn unit(period: Option<Period>) -> &'static str {
    match period {
        None => "€",
        Some(Period::Heure) => "€/heure",
        Some(Period::Jour) => "€/jour",
        Some(Period::Mois) => "€/mois",
        Some(Period::An) => "€/an",
    }
}

/// A total in the amount's period as (monthly, yearly), when the period converts.
pub fn monthly_yearly(total: Decimal, period: Option<Period>) -> Option<(Decimal, Decimal)> {
    let twelve = Decimal::from(12);
    match period {
        Some(Period::Mois) => Some((total, total.checked_mul(twelve)?)),
        Some(Period::An) => Some((total.checked_div(twelve)?, total)),
        Some(Period::Jour) => {
            let yearly = total.checked_mul(Decimal::from(365))?;
            Some((yearly.checked_div(twelve)?, yearly))
        }
        Some(Period::Heure) | None => None,
    }
}

/// Money for JSON: two decimals, as the decisions publish it.
pub fn json(amount: Decimal) -> String {
    money_json(amount)
}

/// Money for a person: `+1 234,56 €` (the sign always shown for a change).
pub fn human_signed(amount: Decimal, unit: &str) -> String {
    let sign = if amount.is_sign_negative() && !amount.is_zero() {
        "−"
    } else if amount.is_zero() {
        ""
    } else {
        "+"
    };
    format!("{sign}{}", human(amount.abs(), unit))
}

/// Money for a person: `1 234,56 €/mois`.
pub fn human(amount: Decimal, unit: &str) -> String {
    let plain = money_json(amount);
    let (units, cents) = plain.split_once('.').unwrap_or((plain.as_str(), "00"));
    let (negative, digits) = match units.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, units),
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    let sign = if negative { "−" } else { "" };
    format!("{sign}{grouped},{cents} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_in_french_with_its_sign() {
        assert_eq!(
            human_signed(Decimal::new(-123456, 2), "€/mois"),
            "−1\u{202f}234,56 €/mois"
        );
        assert_eq!(human_signed(Decimal::new(5, 1), "€"), "+0,50 €");
        assert_eq!(
            human(Decimal::new(100000000, 2), "€"),
            "1\u{202f}000\u{202f}000,00 €"
        );
    }

    #[test]
    fn totals_convert_by_period() {
        let d = Decimal::new(1000, 0);
        assert_eq!(
            monthly_yearly(d, Some(Period::Mois)),
            Some((d, Decimal::new(12000, 0)))
        );
        assert_eq!(
            monthly_yearly(Decimal::new(1200, 0), Some(Period::An)),
            Some((Decimal::new(100, 0), Decimal::new(1200, 0)))
        );
        assert_eq!(monthly_yearly(d, Some(Period::Heure)), None);
    }
}
