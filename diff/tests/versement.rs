//! A change that only withholds payment (`condition de versement`): raising the gross hourly
//! SMIC raises the APA non-payment threshold (CASF D232-31, 3 × SMIC). The dossiers whose paid
//! APA falls to 0 keep their open right; the cause named must be the SMIC version read by the
//! payment condition, not the amount rule (whose unpaid value did not change).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::val_doise_versions;
use socle_diff::{diff, Options};

/// The SMIC of 1 June 2026 raised from 12,31 € to 80,00 € an hour: the threshold becomes 240 €.
const SMIC_RAISED: (&str, &str) = (
    "à partir du 2026-06-01 : 12,31 €/heure",
    "à partir du 2026-06-01 : 80,00 €/heure",
);

#[test]
fn a_withheld_payment_is_caused_by_the_smic_version() {
    let (before, after, population) = val_doise_versions(&[SMIC_RAISED]);
    let options = Options {
        examples: 1000,
        ..Options::default()
    };
    let report = diff(&before, &after, &mut population.as_bytes(), &options).unwrap();
    let apa = report
        .dispositifs
        .iter()
        .find(|d| d.id == "apa_domicile")
        .unwrap();
    assert!(apa.modifies > 0, "some APA falls under 240 €");
    assert_eq!(apa.devenus_non_eligibles, 0, "the right stays open");
    assert_eq!(
        apa.eligibles_avant, apa.eligibles_apres,
        "open rights, paid or not"
    );
    assert!(apa.devenus_non_verses > 0);
    let unpaid: Vec<_> = apa
        .exemples
        .iter()
        .filter(|e| e.apres.statut == socle_diff::Status::NonVerse)
        .collect();
    assert_eq!(unpaid.len() as u64, apa.devenus_non_verses);
    for e in unpaid {
        assert_eq!(e.apres.montant.as_deref(), Some("0.00"), "nothing is paid");
    }
    for e in &apa.exemples {
        assert_eq!(e.cause.nature, "parametre", "{}", e.cause.texte);
        assert_eq!(e.cause.element, "national.smic_horaire_brut");
        assert_eq!(e.cause.version.unwrap().to_string(), "2026-06-01");
        assert_eq!(
            (e.cause.avant.as_deref(), e.cause.apres.as_deref()),
            (Some("12,31 €/heure"), Some("80,00 €/heure"))
        );
    }
}
