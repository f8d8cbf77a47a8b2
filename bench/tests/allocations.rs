//! `Engine::decide_into` allocates nothing per decision on the workload: after a first
//! decision has sized the reused buffers, deciding 10 000 decoded dossiers into the same
//! `Decision` makes no allocation at all (counted by a global allocator wrapper), and every
//! decision still agrees with the hand-written baseline.

use std::alloc::System;

use socle_bench::{baseline, data, decision_date, engine, outcome};
use socle_runtime::DecideOptions;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn decide_into_allocates_nothing_per_decision() {
    let engine = engine().unwrap_or_else(|e| panic!("the workload's ruleset:\n{e}"));
    let options = DecideOptions {
        date: Some(decision_date()),
        explain: false,
    };
    let dossiers = data::dossiers(10_000);
    let decoded: Vec<_> = dossiers
        .iter()
        .map(|d| {
            engine
                .decode_str(&d.socle_json())
                .expect("a workload dossier")
        })
        .collect();
    let expected: Vec<_> = dossiers
        .iter()
        .map(|d| Some(baseline::decide(&baseline::Plain::from(d))))
        .collect();
    let mut decision = engine.empty_decision();
    // The first decisions size the buffers (a refused and a granted shape).
    for d in decoded.iter().take(100) {
        engine
            .decide_into(d, &options, &mut decision)
            .expect("decided");
    }
    let mut outcomes = Vec::with_capacity(decoded.len());
    let region = Region::new(GLOBAL);
    for d in &decoded {
        engine
            .decide_into(d, &options, &mut decision)
            .expect("decided");
        outcomes.push(outcome(&decision.dispositifs));
    }
    let stats = region.change();
    assert_eq!(outcomes, expected);
    // What was measured is the compiled fast path, not its fall back.
    assert!(decoded
        .iter()
        .take(1_000)
        .all(|d| engine.decided_by_plan(d, &options)));
    assert_eq!(
        (stats.allocations, stats.reallocations),
        (0, 0),
        "allocations per decision: {}",
        stats.allocations as f64 / decoded.len() as f64
    );
    the_reference_evaluator_allocates_nothing_per_decision();
}

/// The reference evaluator (`Engine::reference`), which the plan falls back to, does not
/// allocate per decision either. Called from the one test: the counting allocator is global,
/// so two tests running at once would count each other's allocations.
fn the_reference_evaluator_allocates_nothing_per_decision() {
    let engine = engine()
        .unwrap_or_else(|e| panic!("the workload's ruleset:\n{e}"))
        .reference();
    let options = DecideOptions {
        date: Some(decision_date()),
        explain: false,
    };
    let decoded: Vec<_> = data::dossiers(2_000)
        .iter()
        .map(|d| {
            engine
                .decode_str(&d.socle_json())
                .expect("a workload dossier")
        })
        .collect();
    let mut decision = engine.empty_decision();
    for d in decoded.iter().take(100) {
        engine
            .decide_into(d, &options, &mut decision)
            .expect("decided");
    }
    let region = Region::new(GLOBAL);
    for d in &decoded {
        engine
            .decide_into(d, &options, &mut decision)
            .expect("decided");
    }
    let stats = region.change();
    assert!(!engine.decided_by_plan(&decoded[0], &options));
    assert_eq!((stats.allocations, stats.reallocations), (0, 0));
}
