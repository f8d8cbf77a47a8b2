//! The peer workload « APA + aide ménagère » (issue 15) inside the repository: the ruleset
//! (`regles/apa-menagere`), a deterministic generator of its dossiers ([`data`]), the
//! hand-written rust_decimal function every speed is compared with ([`baseline`]), and how a
//! Socle decision is read back into the same [`Outcome`]. `benches/table.rs` prints the speed
//! table; `tests/agreement.rs` checks that Socle and the baseline agree.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod baseline;
pub mod data;

use std::path::PathBuf;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use socle_compiler::Session;
use socle_runtime::{DispositifDecision, Engine, Value};

/// What both implementations decide for one dossier, in the baseline's terms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub apa_eligible: bool,
    /// Zero when the APA is refused.
    pub apa_amount: Decimal,
    pub aide_menagere_eligible: bool,
    /// Zero when the aide ménagère is refused.
    pub aide_menagere_hours: Decimal,
}

/// The ruleset's directory.
pub fn ruleset_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("regles/apa-menagere")
}

/// The workload's rules do not depend on the date: any date decides the same way.
pub fn decision_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
}

/// Compiles the ruleset, or returns its rendered diagnostics.
pub fn engine() -> Result<Engine, String> {
    let mut session = Session::new();
    let ruleset = session
        .load_ruleset_dir(&ruleset_dir())
        .map_err(|e| e.to_string())?;
    let program = session
        .program(ruleset)
        .map_err(|errors| session.render(&errors, false))?;
    Engine::new(program).map_err(|e| e.to_string())
}

/// The decision's eligibilities and outputs, or `None` when it is not what the workload
/// decides (a dispositif missing, undetermined or in error).
pub fn outcome(dispositifs: &[DispositifDecision]) -> Option<Outcome> {
    let [apa, menagere] = dispositifs else {
        return None;
    };
    let amount = |d: &DispositifDecision, name: &str| -> Option<Decimal> {
        if d.eligible? {
            match d.valeur(name)? {
                Value::Dec(x) => Some(*x),
                _ => None,
            }
        } else {
            Some(Decimal::ZERO)
        }
    };
    Some(Outcome {
        apa_eligible: apa.eligible?,
        apa_amount: amount(apa, "montant")?,
        aide_menagere_eligible: menagere.eligible?,
        aide_menagere_hours: amount(menagere, "heures_mensuelles")?,
    })
}
