//! Decisions per second of the Engine API on decoded val-doise APA dossiers (the APA à domicile
//! selected with `Engine::selection`, and the whole ruleset for information), against a
//! hand-written Rust function computing the same APA à domicile in the same process
//! (the ratio is what to read: absolute speeds move with the shared machine's load).
//!
//! Complete dossiers must not pay for deciding incomplete ones (three-valued evaluation, issue
//! 10): compare `apa_domicile/socle_engine` (and its ratio to the hand-written baseline) with the
//! same benchmark built before that change, e.g. `--save-baseline before` on the older commit
//! then `--baseline before` here. `apa_domicile_incomplete` decides the same dossiers without
//! their GIR (every one undetermined, naming `demandeur.gir`), for information.
//!
//! `cargo bench -p socle-tests --bench decide`

use std::hint::black_box;

use chrono::{Datelike, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value as Json;
use socle_runtime::DecideOptions;
use socle_tests::{dossiers::apa_dossiers, engine_for};

const N: usize = 2_000;

/// The same dossier as plain Rust data, decoded once before timing (as Socle's are).
struct Plain {
    date: NaiveDate,
    birth: NaiveDate,
    gir: i64,
    couple: bool,
    resources: Decimal,
    at_home: bool,
    ds_95: bool,
    pch: bool,
    plan: Decimal,
}

fn plain(d: &Json) -> Plain {
    let date =
        |v: &Json| NaiveDate::parse_from_str(v.as_str().expect("date"), "%Y-%m-%d").expect("date");
    let money = |v: &Json| {
        v.as_str()
            .expect("money")
            .parse::<Decimal>()
            .expect("money")
    };
    let p = &d["demandeur"];
    Plain {
        date: date(&d["date_demande"]),
        birth: date(&p["date_naissance"]),
        gir: p["gir"].as_i64().expect("gir"),
        couple: p["situation_familiale"] == "couple",
        resources: money(&p["ressources_mensuelles"]),
        at_home: p["lieu_de_vie"] == "domicile",
        ds_95: p["domicile_secours"] == "95",
        pch: p["prestations"].as_array().is_some_and(|l| !l.is_empty()),
        plan: money(&d["plan_aide"]["montant_mensuel"]),
    }
}

fn round2(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// APA à domicile in 2024 (CASF R232-10, R232-11, D232-31) written by hand: the baseline.
/// Returns the monthly amount when eligible.
fn apa_2024(d: &Plain) -> Option<Decimal> {
    let mut years = d.date.year() - d.birth.year();
    if (d.date.month(), d.date.day()) < (d.birth.month(), d.birth.day()) {
        years -= 1;
    }
    if years < 60 || !(1..=4).contains(&d.gir) || !d.at_home || !d.ds_95 || d.pch {
        return None;
    }
    let mtp = Decimal::new(121090, 2);
    let coefficient = match d.gir {
        1 => Decimal::new(1615, 3),
        2 => Decimal::new(1306, 3),
        3 => Decimal::new(944, 3),
        _ => Decimal::new(630, 3),
    };
    let ceiling = round2(coefficient * mtp);
    let a = d.plan.min(ceiling);
    let r = if d.couple {
        d.resources / Decimal::new(17, 1)
    } else {
        d.resources
    };
    let s1 = Decimal::new(725, 3) * mtp;
    let s2 = Decimal::new(267, 2) * mtp;
    let p = if r <= s1 {
        Decimal::ZERO
    } else if r > s2 {
        round2(Decimal::new(9, 1) * a)
    } else {
        let x = (r - s1) / (s2 - s1);
        let b1 = Decimal::new(317, 3) * mtp;
        let b2 = Decimal::new(498, 3) * mtp;
        let a1 = a.min(b1);
        let a2 = (a.min(b2) - b1).max(Decimal::ZERO);
        let a3 = (a - b2).max(Decimal::ZERO);
        let inner = a1
            + a2 * (Decimal::new(4, 1) + Decimal::new(6, 1) * x)
            + a3 * (Decimal::new(2, 1) + Decimal::new(8, 1) * x);
        round2(Decimal::new(9, 1) * x * inner)
    };
    let smic = if d.date >= NaiveDate::from_ymd_opt(2024, 11, 1).expect("date") {
        Decimal::new(1188, 2)
    } else {
        Decimal::new(1165, 2)
    };
    let amount = a - p;
    (amount >= Decimal::from(3) * smic).then_some(amount)
}

fn bench(c: &mut Criterion) {
    let engine = engine_for("val-doise").unwrap_or_else(|e| panic!("val-doise:\n{e}"));
    let raw = apa_dossiers(N, 0x5EED_2026);
    let decoded: Vec<_> = raw
        .iter()
        .map(|d| engine.decode_json(d).expect("valid dossier"))
        .collect();
    let plains: Vec<Plain> = raw.iter().map(plain).collect();
    let options = DecideOptions::default();
    // The baseline computes the APA à domicile only: so does the measured engine; the whole
    // val-doise ruleset (7 dispositifs) is measured next to it for information.
    let apa = engine.selection(&["apa_domicile"]).expect("apa_domicile");

    // The baseline must compute what Socle computes, or the ratio means nothing.
    for (i, (dossier, p)) in decoded.iter().zip(&plains).enumerate() {
        let decision = engine
            .decide_selected(dossier, &options, &apa)
            .expect("decided")
            .published();
        let apa = &decision.dispositifs["apa_domicile"];
        // The baseline returns the amount paid: an open right whose amount is under the
        // payment threshold (`verse: false`, issue 10) pays nothing.
        let paid = apa.eligible == Some(true) && apa.verse != Some(Some(false));
        let socle = paid.then(|| {
            apa.valeurs["montant"]
                .as_str()
                .expect("montant")
                .to_string()
        });
        let hand = apa_2024(p).map(|m| format!("{m:.2}"));
        assert_eq!(socle, hand, "dossier {i}: {}", raw[i]);
    }

    let mut group = c.benchmark_group("apa_domicile");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("socle_engine", |b| {
        b.iter(|| {
            for d in &decoded {
                black_box(engine.decide_selected(black_box(d), &options, &apa).ok());
            }
        })
    });
    group.bench_function("hand_written_rust", |b| {
        b.iter(|| {
            for p in &plains {
                black_box(apa_2024(black_box(p)));
            }
        })
    });
    group.finish();

    // The same dossiers without the GIR: the unknown path, for information.
    let incomplete: Vec<_> = raw
        .iter()
        .map(|d| {
            let mut d = d.clone();
            if let Some(p) = d["demandeur"].as_object_mut() {
                p.remove("gir");
            }
            engine.decode_json(&d).expect("valid dossier")
        })
        .collect();
    let mut group = c.benchmark_group("apa_domicile_incomplete");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("socle_engine", |b| {
        b.iter(|| {
            for d in &incomplete {
                black_box(engine.decide_selected(black_box(d), &options, &apa).ok());
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("val_doise_all_dispositifs");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("socle_engine", |b| {
        b.iter(|| {
            for d in &decoded {
                black_box(engine.decide(black_box(d), &options).ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
