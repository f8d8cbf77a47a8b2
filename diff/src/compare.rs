//! One dossier decided by both versions: per dispositif, its status and amount on each side,
//! whether anything changed and, for what changed, the cause. Deciding with traces costs more
//! than deciding: a dossier is decided again with traces only when something changed.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use socle_runtime::{DecideOptions, Decision, DecodeOptions, DispositifDecision, Engine};

use crate::amount::{amount_output, money_value, AmountOutput};
use crate::cause::{Cause, Traced};

/// A dispositif's outcome on one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Granted.
    Eligible,
    /// Granted, but a payment condition withholds the payment (`verse: false`): the right is
    /// open, the amount paid is zero.
    NonVerse,
    /// Refused.
    NonEligible,
    /// The dossier lacks facts that could change the outcome.
    Indetermine,
    /// Could not be decided (no parameter version at the date…).
    Erreur,
    /// The version does not have this dispositif.
    Absent,
}

impl Status {
    fn of(d: Option<&DispositifDecision>) -> Status {
        match d {
            None => Status::Absent,
            Some(d) if d.error.is_some() => Status::Erreur,
            Some(d) => match d.eligible {
                Some(true) if d.payment == socle_runtime::Payment::Withheld => Status::NonVerse,
                Some(true) => Status::Eligible,
                Some(false) => Status::NonEligible,
                None => Status::Indetermine,
            },
        }
    }

    /// As a caseworker reads it.
    pub fn french(self) -> &'static str {
        match self {
            Status::Eligible => "éligible",
            Status::NonVerse => "éligible, non versé",
            Status::NonEligible => "non éligible",
            Status::Indetermine => "indéterminé",
            Status::Erreur => "en erreur",
            Status::Absent => "absent",
        }
    }
}

/// One dispositif of one dossier, on both sides.
#[derive(Clone, Debug)]
pub struct DispositifOutcome {
    pub before: Status,
    pub after: Status,
    /// The amount paid: the amount output when eligible, zero when refused or absent, unknown
    /// (`None`) when indéterminé, in error, or eligible without that value.
    pub before_amount: Option<Decimal>,
    pub after_amount: Option<Decimal>,
    /// Whether the status or any output differs.
    pub changed: bool,
    /// The outputs whose value differs (or that only one side has).
    pub outputs: Vec<String>,
    /// Present when `changed`.
    pub cause: Option<Cause>,
}

/// Every dispositif of one dossier, in [`Comparer::ids`] order.
pub struct Outcome {
    pub dispositifs: Vec<DispositifOutcome>,
}

/// What is fixed for a whole diff: the engines, the dispositifs and their amount outputs.
pub struct Comparer<'e> {
    pub before: &'e Engine,
    pub after: &'e Engine,
    date: Option<NaiveDate>,
    /// The dispositifs of the version after, then those only the version before has.
    pub ids: Vec<String>,
    /// The amount output of each dispositif (that of the version after when both have one).
    pub amounts: Vec<Option<AmountOutput>>,
}

fn amount(d: Option<&DispositifDecision>, output: Option<&AmountOutput>) -> Option<Decimal> {
    match (Status::of(d), d, output) {
        // Without an amount output there is nothing to count, eligible or not.
        (_, _, None) => None,
        (Status::NonEligible | Status::Absent, _, _) => Some(Decimal::ZERO),
        (Status::Eligible | Status::NonVerse, Some(d), Some(o)) => {
            d.valeur(&o.name).and_then(money_value)
        }
        _ => None,
    }
}

/// The outputs that differ, in the order of the version after, then those it lacks.
fn changed_outputs(a: Option<&DispositifDecision>, b: Option<&DispositifDecision>) -> Vec<String> {
    let (Some(a), Some(b)) = (a, b) else {
        return Vec::new();
    };
    let mut out: Vec<String> = a
        .values
        .iter()
        .filter(|v| b.valeur(&v.name) != Some(&v.value))
        .map(|v| v.name.to_string())
        .collect();
    out.extend(
        b.values
            .iter()
            .filter(|v| a.valeur(&v.name).is_none())
            .map(|v| v.name.to_string()),
    );
    out
}

impl<'e> Comparer<'e> {
    pub fn new(before: &'e Engine, after: &'e Engine, date: Option<NaiveDate>) -> Self {
        let mut ids: Vec<String> = after
            .program()
            .dispositifs
            .iter()
            .map(|d| d.name.clone())
            .collect();
        for d in &before.program().dispositifs {
            if !ids.contains(&d.name) {
                ids.push(d.name.clone());
            }
        }
        let amounts = ids
            .iter()
            .map(|id| {
                amount_output(after.program(), id).or_else(|| amount_output(before.program(), id))
            })
            .collect();
        Comparer {
            before,
            after,
            date,
            ids,
            amounts,
        }
    }

    fn decide(&self, engine: &Engine, text: &str, explain: bool) -> Result<Decision, String> {
        let read = engine
            .read_str(text, &DecodeOptions { strict: false })
            .map_err(|e| e.to_string().replace('\n', " ; "))?;
        let options = DecideOptions {
            date: self.date,
            explain,
        };
        engine
            .decide(&read.dossier, &options)
            .map_err(|e| e.to_string())
    }

    /// Both decisions of one dossier; `Err` is the French reason it cannot be compared.
    pub fn compare(&self, text: &str) -> Result<Outcome, String> {
        let before = self.decide(self.before, text, false)?;
        let after = self.decide(self.after, text, false)?;
        let mut dispositifs: Vec<DispositifOutcome> = self
            .ids
            .iter()
            .zip(&self.amounts)
            .map(|(id, output)| {
                let (b, a) = (before.dispositif(id), after.dispositif(id));
                let (before, after) = (Status::of(b), Status::of(a));
                let outputs = changed_outputs(a, b);
                let changed = before != after || !outputs.is_empty();
                DispositifOutcome {
                    before,
                    after,
                    before_amount: amount(b, output.as_ref()),
                    after_amount: amount(a, output.as_ref()),
                    changed,
                    outputs,
                    cause: None,
                }
            })
            .collect();
        if dispositifs.iter().any(|d| d.changed) {
            let before = self.decide(self.before, text, true)?;
            let after = self.decide(self.after, text, true)?;
            let traced = Traced {
                before: &before,
                after: &after,
            };
            for ((outcome, id), output) in dispositifs.iter_mut().zip(&self.ids).zip(&self.amounts)
            {
                if outcome.changed {
                    let name = output.as_ref().map(|o| o.name.as_str());
                    outcome.cause = Some(traced.cause(id, name));
                }
            }
        }
        Ok(Outcome { dispositifs })
    }
}
