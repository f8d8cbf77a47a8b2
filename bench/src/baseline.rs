//! The workload written by hand in plain Rust with rust_decimal: the reference for the
//! agreement test and the unit of the speed table. Money is exact; the APA amount is rounded
//! half away from zero to the cent, like `arrondi(…, au centime)`.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::data::{self, Dossier};
use crate::Outcome;

/// A dossier decoded into native Rust values, as Socle's are decoded before deciding.
#[derive(Clone, Copy, Debug)]
pub struct Plain {
    pub age: u32,
    pub gir: u8,
    pub resources: Decimal,
    pub single: bool,
    pub plan: Decimal,
    pub receives_pch: bool,
    pub inaptitude: bool,
}

impl From<&Dossier> for Plain {
    fn from(d: &Dossier) -> Self {
        Plain {
            age: d.age,
            gir: d.gir,
            resources: data::money(d.resources_cents),
            single: d.single,
            plan: data::money(d.plan_cents),
            receives_pch: d.receives_pch,
            inaptitude: d.inaptitude,
        }
    }
}

/// The decision, computed directly.
#[inline(never)]
pub fn decide(d: &Plain) -> Outcome {
    let apa_eligible = d.age >= 60 && d.gir <= 4 && !d.receives_pch;
    let ceiling = match d.gir {
        1 => Decimal::new(195_560, 2),
        2 => Decimal::new(158_144, 2),
        3 => Decimal::new(114_309, 2),
        4 => Decimal::new(76_287, 2),
        _ => Decimal::ZERO,
    };
    let plan = d.plan.min(ceiling);
    let r = d.resources;
    let low = Decimal::from(865);
    let high = Decimal::from(3186);
    let most = Decimal::new(90, 2);
    let rate = if r <= low {
        Decimal::ZERO
    } else if r >= high {
        most
    } else {
        most * (r - low) / (high - low)
    };
    let apa_amount = if apa_eligible {
        (plan * (Decimal::ONE - rate))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    } else {
        Decimal::ZERO
    };
    let threshold = if d.single {
        Decimal::new(101_202, 2)
    } else {
        Decimal::new(157_116, 2)
    };
    let aide_menagere_eligible =
        (d.age >= 65 || (d.age >= 60 && d.inaptitude)) && !apa_eligible && r <= threshold;
    let aide_menagere_hours = if aide_menagere_eligible {
        Decimal::from(30)
    } else {
        Decimal::ZERO
    };
    Outcome {
        apa_eligible,
        apa_amount,
        aide_menagere_eligible,
        aide_menagere_hours,
    }
}

/// Reads one line of Socle JSON through a `serde_json::Value`, the way a hand-written
/// service would: the baseline of decoding. `None` when a field is missing or mistyped.
pub fn decode(line: &str) -> Option<Plain> {
    let json: serde_json::Value = serde_json::from_str(line).ok()?;
    let int = |key: &str| json.get(key)?.as_u64();
    let flag = |key: &str| json.get(key)?.as_bool();
    let money = |key: &str| match json.get(key)? {
        serde_json::Value::Number(n) => Decimal::from_str_exact(n.as_str()).ok(),
        _ => None,
    };
    Some(Plain {
        age: u32::try_from(int("age_annees")?).ok()?,
        gir: u8::try_from(int("gir")?).ok()?,
        resources: money("ressources_mensuelles")?,
        single: json.get("foyer")?.as_str()? == "seul",
        plan: money("plan_demande")?,
        receives_pch: flag("percoit_pch")?,
        inaptitude: flag("inaptitude")?,
    })
}
