//! Deterministic generator of varied val-doise APA dossiers for benchmarks and property checks.

use serde_json::{json, Value as Json};

/// splitmix64: a tiny deterministic PRNG, so every run decides the same dossiers.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

fn cents(c: u64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// `n` CONTRACT-shaped dossiers, requested in 2024, mostly eligible to the APA à domicile
/// (about one in six is not: GIR 5–6, an establishment, PCH…), so both paths are measured.
pub fn apa_dossiers(n: usize, seed: u64) -> Vec<Json> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let gir = 1 + rng.below(6);
            let couple = rng.below(3) == 0;
            let lieu = if rng.below(10) == 0 { "ehpad" } else { "domicile" };
            let prestations: Vec<&str> = if rng.below(20) == 0 { vec!["pch"] } else { vec![] };
            let month = 1 + rng.below(12);
            json!({
                "date_demande": format!("2024-{month:02}-15"),
                "demandeur": {
                    "date_naissance": format!("{}-{:02}-{:02}", 1925 + rng.below(40), 1 + rng.below(12), 1 + rng.below(28)),
                    "gir": gir,
                    "situation_familiale": if couple { "couple" } else { "seul" },
                    "ressources_mensuelles": cents(rng.below(450_000)),
                    "lieu_de_vie": lieu,
                    "departement_residence": "95",
                    "domicile_secours": "95",
                    "nationalite": "francaise",
                    "titre_sejour_valide": true,
                    "annees_residence_france_avant_70_ans": 40,
                    "inaptitude_travail": false,
                    "taux_incapacite": 0,
                    "imposable": false,
                    "carte_invalidite": false,
                    "prestations": prestations,
                },
                "plan_aide": { "montant_mensuel": cents(rng.below(250_000)) },
            })
        })
        .collect()
}
