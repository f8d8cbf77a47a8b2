//! Three-valued evaluation, data-driven: each row gives which of the two boolean facts `a`, `b`
//! and the amount `x` the dossier leaves out, and the expected outcome of a condition.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use socle_runtime::ir::{BinOp, Expr, Ty};
use socle_runtime::{DecideOptions, Dossier, Engine, Value};

/// One dispositif per condition shape, over inputs `a`, `b` (booleans) and `x` (an integer).
fn engine() -> (Engine, Vec<&'static str>) {
    let mut b = Builder::new("kleene");
    b.decision_date("date_demande");
    let a = b.input("a", Ty::Bool, false);
    let bb = b.input("b", Ty::Bool, false);
    let x = b.input("x", Ty::Int, false);
    let shapes: Vec<(&'static str, Expr)> = vec![
        (
            "a_et_b",
            Expr::And(Box::new(a.clone()), Box::new(bb.clone())),
        ),
        (
            "a_ou_b",
            Expr::Or(Box::new(a.clone()), Box::new(bb.clone())),
        ),
        (
            "si_a_alors_x_sinon_x",
            bin(
                BinOp::Ge,
                Expr::If(
                    Box::new(a.clone()),
                    Box::new(x.clone()),
                    Box::new(x.clone()),
                ),
                int(3),
            ),
        ),
        (
            "si_a_alors_1_sinon_2",
            bin(
                BinOp::Ge,
                Expr::If(Box::new(a.clone()), Box::new(int(1)), Box::new(int(2))),
                int(2),
            ),
        ),
        (
            "x_plus_1",
            bin(BinOp::Ge, bin(BinOp::Add, x, int(1)), int(4)),
        ),
        (
            "non_a",
            Expr::Unary(socle_runtime::ir::UnOp::Not, Box::new(a)),
        ),
    ];
    let mut names = Vec::new();
    for (name, expr) in shapes {
        let cond = b.def(name, Ty::Bool, expr);
        b.dispositif(
            name,
            None,
            vec![(name, cond, no_message())],
            vec![],
            vec![cond],
        );
        names.push(name);
    }
    (b.engine(), names)
}

/// `a`, `b`, `x` are slots 1, 2, 3 (slot 0 is the decision date); `None` leaves it out.
fn outcomes(a: Option<bool>, b: Option<bool>, x: Option<i64>) -> String {
    let (engine, names) = engine();
    let mut values = vec![
        Value::Date(date("2024-11-19")),
        Value::Bool(false),
        Value::Bool(false),
        Value::Int(0),
    ];
    let mut unknown = Vec::new();
    for (slot, v) in [
        (1, a.map(Value::Bool)),
        (2, b.map(Value::Bool)),
        (3, x.map(Value::Int)),
    ] {
        match v {
            Some(v) => values[slot as usize] = v,
            None => unknown.push(slot),
        }
    }
    let decision = engine
        .decide(
            &Dossier::partial(values, &unknown),
            &DecideOptions::default(),
        )
        .unwrap();
    names
        .iter()
        .zip(&decision.dispositifs)
        .map(|(name, d)| {
            let outcome = match d.eligible {
                Some(true) => "vrai".to_owned(),
                Some(false) => "faux".to_owned(),
                None => format!("? {:?}", d.missing),
            };
            format!("{name}={outcome}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn kleene_rules() {
    let rows = [
        (Some(false), None, Some(5)),
        (Some(true), None, Some(5)),
        (None, Some(false), Some(5)),
        (None, Some(true), None),
        (None, None, Some(1)),
    ];
    let mut report = String::new();
    for (a, b, x) in rows {
        report.push_str(&format!(
            "a={a:?} b={b:?} x={x:?}\n  {}\n",
            outcomes(a, b, x)
        ));
    }
    insta::assert_snapshot!(report);
}

/// A complete dossier decides exactly as before: nothing is unknown, nothing is missing.
#[test]
fn complete_dossiers_are_decided() {
    let report = outcomes(Some(true), Some(false), Some(3));
    assert!(!report.contains('?'), "{report}");
}
