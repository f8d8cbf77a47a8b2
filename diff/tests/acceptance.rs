//! The acceptance: raising the APA GIR 1 coefficient in a copy of `rulesets/national`
//! and diffing `val-doise` on its committed population names exactly the GIR 1 dossiers whose
//! amount changed, the parameter version as their cause, and the monthly and yearly cost.
//! The expected dossiers and amounts are computed here independently, by deciding each dossier
//! with both versions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{val_doise_versions, GIR_1_RAISED};
use rust_decimal::Decimal;
use socle_diff::{diff, Options};
use socle_runtime::{DecideOptions, Engine, Value};

fn montant(engine: &Engine, line: &str) -> Option<Decimal> {
    let dossier = engine.decode_str(line).unwrap();
    let decision = engine.decide(&dossier, &DecideOptions::default()).unwrap();
    match decision.dispositif("apa_domicile")?.valeur("montant") {
        Some(Value::Dec(d)) => Some(*d),
        _ => None,
    }
}

#[test]
fn raising_the_gir_1_coefficient_names_the_gir_1_dossiers_and_the_parameter_version() {
    let (before, after, population) = val_doise_versions(&[GIR_1_RAISED]);
    // The committed population has few GIR 1 dossiers above the ceiling, maybe none: the diff
    // must name exactly those; a larger population is sure to have some.
    check(&before, &after, &population, false);
    check(
        &before,
        &after,
        &socle_diff::population::generate(before.program(), 2000, 7),
        true,
    );
}

fn check(before: &Engine, after: &Engine, population: &str, some_change: bool) {
    // Expected, dossier by dossier.
    let mut expected = Vec::new();
    let mut total = Decimal::ZERO;
    for (i, line) in population.lines().enumerate() {
        let (b, a) = (montant(before, line), montant(after, line));
        if b != a {
            let gir: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(gir["demandeur"]["gir"], 1, "line {}", i + 1);
            let delta = a.unwrap_or_default() - b.unwrap_or_default();
            total += delta;
            expected.push((i as u64 + 1, delta));
        }
    }
    assert!(
        !some_change || !expected.is_empty(),
        "the population has GIR 1 dossiers whose amount changes"
    );

    let options = Options {
        examples: 1000,
        ..Options::default()
    };
    let report = diff(before, after, &mut population.as_bytes(), &options).unwrap();
    assert_eq!(report.invalides, 0);
    for d in &report.dispositifs {
        if d.id != "apa_domicile" {
            assert_eq!(d.modifies, 0, "{}", d.id);
        }
    }
    let apa = report
        .dispositifs
        .iter()
        .find(|d| d.id == "apa_domicile")
        .unwrap();
    let changed: Vec<(u64, Decimal)> = apa
        .exemples
        .iter()
        .filter_map(|e| Some((e.ligne, e.ecart.as_ref()?.parse().unwrap())))
        .collect();
    assert_eq!(changed, expected);
    for e in &apa.exemples {
        assert_eq!(e.cause.nature, "parametre");
        assert_eq!(e.cause.element, "national.coefficient_gir");
        assert_eq!(e.cause.version.unwrap().to_string(), "2024-01-01");
        assert_eq!(e.cause.cle.as_deref(), Some("1"));
        assert_eq!(
            (e.cause.avant.as_deref(), e.cause.apres.as_deref()),
            (Some("1,615"), Some("1,7"))
        );
    }
    let montant = apa.montant.as_ref().unwrap();
    assert_eq!(montant.modifies as usize, expected.len());
    let money = |d: Decimal| socle_runtime::render::money_json(d);
    assert_eq!(
        montant.total_mensuel.as_deref(),
        Some(money(total).as_str())
    );
    assert_eq!(
        montant.total_annuel.as_deref(),
        Some(money(total * Decimal::from(12)).as_str())
    );
}
