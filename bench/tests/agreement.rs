//! Socle and the hand-written baseline decide the first 10 000 dossiers of the workload the
//! same way: eligibilities, APA amount and aide ménagère hours, through the whole text path
//! (`read_str` of the generated JSON line, `decide`, outputs read) and through the published
//! JSON. Without this, the speed table would compare two different computations.

use rust_decimal::Decimal;
use socle_bench::{baseline, data, decision_date, engine, outcome};
use socle_runtime::{DecideOptions, DecodeOptions};

const SLICE: usize = 10_000;

#[test]
fn socle_agrees_with_the_hand_written_baseline_on_a_10_000_dossier_slice() {
    let engine = engine().unwrap_or_else(|e| panic!("the workload's ruleset:\n{e}"));
    let options = DecideOptions {
        date: Some(decision_date()),
        explain: false,
    };
    let dossiers = data::dossiers(SLICE);
    let mut mismatches = Vec::new();
    let (mut apa, mut menagere) = (0, 0);
    for d in &dossiers {
        let line = d.socle_json();
        let read = engine
            .read_str(&line, &DecodeOptions { strict: true })
            .unwrap_or_else(|e| panic!("dossier {}: {e:?}", d.id));
        let decision = engine
            .decide(&read.dossier, &options)
            .unwrap_or_else(|e| panic!("dossier {}: {e}", d.id));
        let expected = baseline::decide(&baseline::Plain::from(d));
        let socle = outcome(&decision.dispositifs);
        if socle != Some(expected) {
            mismatches.push(format!("{line}\n  socle {socle:?}\n  hand  {expected:?}"));
        }
        // The JSON text written directly is the published tree's, byte for byte.
        let mut text = Vec::new();
        decision.write_json(&mut text);
        if text != decision.to_json().to_string().into_bytes() {
            mismatches.push(format!("{line}\n  write_json differs from to_json"));
        }
        // The published amount is the same number, written with two decimals.
        let published = decision.published();
        let shown = published
            .dispositifs
            .get("apa")
            .and_then(|a| a.valeurs.get("montant"))
            .and_then(|m| m.as_str());
        let want = expected
            .apa_eligible
            .then(|| format!("{:.2}", expected.apa_amount));
        if shown.map(str::to_owned) != want {
            mismatches.push(format!("{line}\n  published {shown:?}, hand {want:?}"));
        }
        apa += usize::from(expected.apa_eligible);
        menagere += usize::from(expected.aide_menagere_eligible);
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches, the first ones:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The slice exercises both aids, granted and refused, or the agreement proves little.
    assert!(apa > SLICE / 10 && apa < SLICE / 2, "{apa} APA granted");
    assert!(
        menagere > SLICE / 20 && menagere < SLICE / 2,
        "{menagere} aides ménagères granted"
    );
}

#[test]
fn the_hand_written_decoder_reads_what_the_generator_writes() {
    for d in data::dossiers(1_000) {
        let decoded = baseline::decode(&d.socle_json()).unwrap_or_else(|| panic!("{d:?}"));
        let direct = baseline::Plain::from(&d);
        assert_eq!(
            baseline::decide(&decoded),
            baseline::decide(&direct),
            "{d:?}"
        );
        assert_eq!(decoded.resources, direct.resources);
        assert_eq!(decoded.plan, direct.plan);
    }
}

#[test]
fn the_boundaries_of_the_rules_are_exercised() {
    let dossiers = data::dossiers(SLICE);
    for cents in [86_500, 318_600, 101_202, 157_116] {
        let at = dossiers
            .iter()
            .filter(|d| d.resources_cents == cents)
            .count();
        assert!(at > 5, "{at} dossiers with resources of {cents} cents");
    }
    let ceiling = dossiers.iter().filter(|d| d.plan_cents == 195_560).count();
    assert!(ceiling > 5, "{ceiling} plans on the GIR 1 ceiling");
    // Amounts really vary: not every granted APA is the same number.
    let amounts: std::collections::BTreeSet<Decimal> = dossiers
        .iter()
        .map(|d| baseline::decide(&baseline::Plain::from(d)).apa_amount)
        .collect();
    assert!(
        amounts.len() > SLICE / 10,
        "{} distinct amounts",
        amounts.len()
    );
}
