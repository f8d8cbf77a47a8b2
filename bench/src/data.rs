//! A deterministic generator of the workload's dossiers. It follows the peers' published
//! description draw for draw (a splitmix64 stream from a fixed seed; ages 50–100, GIR 1–6,
//! money in whole cents; about 5 % of resources and plans forced onto the rule thresholds and
//! GIR ceilings and their ±1 cent neighbours, so that every `<=`/`>=` boundary is exercised),
//! so the same seed gives the same dossiers as the peers' data file.

use std::fmt::Write;

use rust_decimal::Decimal;

/// The peers' seed.
pub const SEED: u64 = 0x05EE_DA9A_2026;

/// Resources forced onto the participation thresholds (865, 3186) and the aide ménagère
/// ceilings (1012.02, 1571.16), with their neighbours, and zero.
const EDGE_RESOURCES: [u32; 13] = [
    86500, 86499, 86501, 318600, 318599, 318601, 101202, 101201, 101203, 157116, 157115, 157117, 0,
];

/// Plans forced onto the GIR 1–4 ceilings, and zero.
const EDGE_PLANS: [u32; 5] = [195560, 158144, 114309, 76287, 0];

/// One dossier of the workload; money in cents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dossier {
    pub id: u32,
    pub age: u32,
    pub gir: u8,
    pub resources_cents: u32,
    pub single: bool,
    pub plan_cents: u32,
    pub receives_pch: bool,
    pub inaptitude: bool,
}

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    fn pick(&mut self, from: &[u32]) -> u32 {
        let i = self.below(from.len() as u64) as usize;
        from.get(i).copied().unwrap_or_default()
    }
}

/// The first `n` dossiers of the workload.
pub fn dossiers(n: usize) -> Vec<Dossier> {
    let mut rng = SplitMix64(SEED);
    (0..n)
        .map(|i| {
            // The order of the draws is the peers': changing it changes every dossier.
            let age = 50 + rng.below(51) as u32;
            let gir = 1 + rng.below(6) as u8;
            let resources_cents = if rng.chance(50) {
                rng.pick(&EDGE_RESOURCES)
            } else {
                rng.below(400_001) as u32
            };
            let single = rng.below(2) == 0;
            let plan_cents = if rng.chance(50) {
                rng.pick(&EDGE_PLANS)
            } else {
                rng.below(250_001) as u32
            };
            let receives_pch = rng.chance(100);
            let inaptitude = rng.chance(250);
            Dossier {
                id: i as u32,
                age,
                gir,
                resources_cents,
                single,
                plan_cents,
                receives_pch,
                inaptitude,
            }
        })
        .collect()
}

fn cents(c: u32) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// Cents as an exact decimal with two places.
pub fn money(c: u32) -> Decimal {
    Decimal::new(i64::from(c), 2)
}

/// The ruleset's field names, in the order of [`Dossier::json`].
const SOCLE_FIELDS: [&str; 7] = [
    "age_annees",
    "gir",
    "ressources_mensuelles",
    "foyer",
    "plan_demande",
    "percoit_pch",
    "inaptitude",
];

/// The peers' field names, in the same order.
const PEER_FIELDS: [&str; 7] = [
    "age",
    "gir",
    "monthly_resources",
    "household",
    "plan_requested",
    "receives_pch",
    "inaptitude",
];

impl Dossier {
    /// The dossier as one line of Socle JSON (the ruleset's field names), money as numbers with
    /// two decimals, without a line ending.
    pub fn socle_json(&self) -> String {
        self.json(SOCLE_FIELDS, None)
    }

    /// The dossier as the peers write it (English field names, with its `id`), to check this
    /// generator against their data file.
    pub fn peer_json(&self) -> String {
        self.json(PEER_FIELDS, Some(self.id))
    }

    fn json(&self, names: [&str; 7], id: Option<u32>) -> String {
        let [age, gir, resources, household, plan, pch, inaptitude] = names;
        let mut line = String::with_capacity(192);
        line.push('{');
        if let Some(id) = id {
            let _ = write!(line, r#""id":{id},"#);
        }
        let _ = write!(
            line,
            r#""{age}":{},"{gir}":{},"{resources}":{},"{household}":"{}","{plan}":{},"{pch}":{},"{inaptitude}":{}}}"#,
            self.age,
            self.gir,
            cents(self.resources_cents),
            if self.single { "seul" } else { "couple" },
            cents(self.plan_cents),
            self.receives_pch,
            self.inaptitude
        );
        line
    }
}

/// The dossiers as JSON Lines, one `\n`-terminated line each.
pub fn jsonl(dossiers: &[Dossier]) -> String {
    let mut out = String::with_capacity(dossiers.len() * 160);
    for d in dossiers {
        out.push_str(&d.socle_json());
        out.push('\n');
    }
    out
}
