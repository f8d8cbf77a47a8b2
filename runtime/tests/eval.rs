//! Evaluation of compiled programs: operators, built-ins, dated parameters, barèmes, exceptions, cumuls and traces.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use chrono::NaiveDate;
use common::*;
use socle_runtime::ir::{
    BaremeWant, BinOp, Builtin, DurationFamily, Expr, MessagePart, RoundMode, Ty, UnOp,
};
use socle_runtime::{DecideOptions, Decision, Engine, EvalError, Value};

/// These tests look at evaluation errors: a dispositif that cannot be decided fails the call
/// (`Engine::decide` itself reports it inside the decision, next to the other dispositifs).
trait DecideStrict {
    fn decide_strict(
        &self,
        dossier: &socle_runtime::Dossier,
        options: &DecideOptions,
    ) -> Result<socle_runtime::Decision, socle_runtime::EvalError>;
}

impl DecideStrict for socle_runtime::Engine {
    fn decide_strict(
        &self,
        dossier: &socle_runtime::Dossier,
        options: &DecideOptions,
    ) -> Result<socle_runtime::Decision, socle_runtime::EvalError> {
        self.decide(dossier, options)
            .and_then(socle_runtime::Decision::complete)
    }
}

fn on(day: &str) -> DecideOptions {
    DecideOptions {
        date: Some(date(day)),
        explain: false,
    }
}

/// Decides a program whose only dispositif `t` outputs rule `v` = `expr`, on 2024-11-19.
fn eval_in(
    mut b: Builder,
    ty: Ty,
    expr: Expr,
    dossier: serde_json::Value,
) -> Result<Value, EvalError> {
    let v = b.def("v", ty, expr);
    b.dispositif("t", None, vec![], vec![("v", v)], vec![v]);
    let engine = b.engine();
    let dossier = engine.decode_json(&dossier).unwrap();
    let decision = engine.decide_strict(&dossier, &on("2024-11-19"))?;
    Ok(decision.dispositifs[0].values[0].value.clone())
}

fn eval(ty: Ty, expr: Expr) -> Result<Value, EvalError> {
    eval_in(Builder::new("essai"), ty, expr, serde_json::json!({}))
}

fn d(s: &str) -> Value {
    Value::Dec(dec(s))
}

fn day(s: &str) -> Expr {
    Expr::Const(Value::Date(date(s)))
}

fn days(n: i64) -> Expr {
    Expr::Const(Value::Duration(n, DurationFamily::Days))
}

fn mois(n: i64) -> Expr {
    Expr::Const(Value::Duration(n, DurationFamily::Months))
}

fn v_error(make: fn(String) -> EvalError) -> EvalError {
    make("v".to_owned())
}

#[test]
fn engine_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Engine>();
    assert_send_sync::<Decision>();
}

#[test]
fn arithmetic() {
    use BinOp::*;
    let cases: Vec<(Expr, Value)> = vec![
        (bin(Add, int(2), int(3)), Value::Int(5)),
        (bin(Mul, int(4), int(3)), Value::Int(12)),
        (bin(Sub, int(2), int(3)), Value::Int(-1)),
        (bin(Add, int(2), num("0.5")), d("2.5")),
        (bin(Mul, num("1.615"), num("1210.90")), d("1955.60350")),
        (bin(Div, int(1), int(2)), d("0.5")),
        (bin(Div, int(7), int(2)), d("3.5")),
        (bin(Div, num("1143.09"), num("1143.09")), d("1")),
        (bin(Add, num("0.1"), num("0.2")), d("0.3")),
        (Expr::Unary(UnOp::Neg, Box::new(num("1.5"))), d("-1.5")),
        (Expr::Unary(UnOp::Neg, Box::new(int(3))), Value::Int(-3)),
        (
            bin(Add, day("2024-01-31"), mois(1)),
            Value::Date(date("2024-02-29")),
        ),
        (
            bin(Sub, day("2024-03-31"), mois(1)),
            Value::Date(date("2024-02-29")),
        ),
        (
            bin(Add, day("2024-02-28"), days(2)),
            Value::Date(date("2024-03-01")),
        ),
        (
            bin(Sub, day("2024-03-01"), day("2024-02-28")),
            Value::Duration(2, DurationFamily::Days),
        ),
        (
            bin(Add, years(60), mois(3)),
            Value::Duration(723, DurationFamily::Months),
        ),
        (
            bin(Mul, mois(3), int(4)),
            Value::Duration(12, DurationFamily::Months),
        ),
        (bin(Lt, int(2), num("2.5")), Value::Bool(true)),
        (bin(Ge, num("2.0"), int(2)), Value::Bool(true)),
        (bin(Eq, num("2.0"), int(2)), Value::Bool(true)),
        (bin(Ne, text("95"), text("95")), Value::Bool(false)),
        (
            bin(Lt, day("2024-01-01"), day("2024-01-02")),
            Value::Bool(true),
        ),
        (bin(Ge, years(86), years(60)), Value::Bool(true)),
    ];
    for (expr, expected) in cases {
        let shown = format!("{expr:?}");
        assert_eq!(eval(Ty::Decimal, expr).unwrap(), expected, "{shown}");
    }
}

#[test]
fn arithmetic_errors_name_the_rule() {
    use BinOp::*;
    let huge = Expr::Const(Value::Dec(rust_decimal::Decimal::MAX));
    let cases: Vec<(Expr, EvalError)> = vec![
        (
            bin(Add, int(i64::MAX), int(1)),
            v_error(|def| EvalError::Overflow { def }),
        ),
        (
            bin(Mul, int(i64::MIN), int(-1)),
            v_error(|def| EvalError::Overflow { def }),
        ),
        (
            Expr::Unary(UnOp::Neg, Box::new(int(i64::MIN))),
            v_error(|def| EvalError::Overflow { def }),
        ),
        (
            bin(Mul, huge.clone(), num("2")),
            v_error(|def| EvalError::Overflow { def }),
        ),
        (
            bin(Add, huge, num("1")),
            v_error(|def| EvalError::Overflow { def }),
        ),
        (
            bin(Div, num("1"), num("0.00")),
            v_error(|def| EvalError::DivisionByZero { def }),
        ),
        (
            bin(Div, int(1), int(0)),
            v_error(|def| EvalError::DivisionByZero { def }),
        ),
        (
            bin(Add, Expr::Const(Value::Date(NaiveDate::MAX)), days(1)),
            v_error(|def| EvalError::DateOutOfRange { def }),
        ),
        (
            bin(Add, day("2024-01-01"), mois(i64::MAX)),
            v_error(|def| EvalError::DateOutOfRange { def }),
        ),
        (
            bin(Mul, mois(i64::MAX), int(2)),
            v_error(|def| EvalError::Overflow { def }),
        ),
        (
            bin(Add, Expr::Const(Value::Absent), int(1)),
            v_error(|def| EvalError::AbsentValue { def }),
        ),
        (
            bin(Lt, Expr::Const(Value::Absent), int(1)),
            v_error(|def| EvalError::AbsentValue { def }),
        ),
    ];
    for (expr, expected) in cases {
        let shown = format!("{expr:?}");
        assert_eq!(eval(Ty::Decimal, expr).unwrap_err(), expected, "{shown}");
    }
    assert_eq!(
        eval(Ty::Decimal, bin(Div, int(1), int(0)))
            .unwrap_err()
            .to_string(),
        "division par zéro en calculant `v`"
    );
}

#[test]
fn rounding_modes() {
    use RoundMode::*;
    let modes = [
        CentimeNearest,
        CentimeDown,
        CentimeUp,
        EuroNearest,
        EuroDown,
        EuroUp,
    ];
    // value → centime (nearest, down, up), euro (nearest, down, up)
    let table = [
        ("2.345", ["2.35", "2.34", "2.35", "2", "2", "3"]),
        ("2.355", ["2.36", "2.35", "2.36", "2", "2", "3"]),
        ("-2.345", ["-2.35", "-2.35", "-2.34", "-2", "-3", "-2"]),
        ("2.5", ["2.50", "2.50", "2.50", "3", "2", "3"]),
        ("-2.5", ["-2.50", "-2.50", "-2.50", "-3", "-3", "-2"]),
        ("2.341", ["2.34", "2.34", "2.35", "2", "2", "3"]),
        (
            "1571.168333",
            ["1571.17", "1571.16", "1571.17", "1571", "1571", "1572"],
        ),
        ("7", ["7", "7", "7", "7", "7", "7"]),
    ];
    for (input, expected) in table {
        for (mode, want) in modes.iter().zip(expected) {
            let got = eval(Ty::Decimal, round(num(input), *mode)).unwrap();
            assert_eq!(got, d(want), "{input} {mode:?}");
        }
    }
    assert_eq!(
        eval(Ty::Int, round(int(7), EuroDown)).unwrap(),
        Value::Int(7)
    );
}

#[test]
fn builtins() {
    use Builtin::*;
    let list = |items: &[&str]| {
        Expr::Const(Value::List(
            items
                .iter()
                .map(|s| Value::Text((*s).into()))
                .collect::<Vec<_>>()
                .into(),
        ))
    };
    let absent = || Expr::Const(Value::Absent);
    let cases: Vec<(Expr, Value)> = vec![
        (call(Min, vec![int(3), num("2.5"), int(4)]), d("2.5")),
        (call(Min, vec![int(3), num("3.5")]), d("3")),
        (call(Max, vec![int(3), int(9), int(4)]), Value::Int(9)),
        (
            call(Max, vec![day("2024-01-01"), day("2023-01-01")]),
            Value::Date(date("2024-01-01")),
        ),
        (call(Abs, vec![num("-1.5")]), d("1.5")),
        (call(Abs, vec![int(-2)]), Value::Int(2)),
        (
            // Complete years only: 85 years and 11 months is 85 years.
            call(Age, vec![day("1938-04-12"), day("2024-04-11")]),
            Value::Duration(85 * 12, DurationFamily::Months),
        ),
        (
            call(Age, vec![day("1938-04-12"), day("2024-04-12")]),
            Value::Duration(86 * 12, DurationFamily::Months),
        ),
        (
            call(MonthsBetween, vec![day("1938-04-12"), day("2024-04-11")]),
            Value::Duration(85 * 12 + 11, DurationFamily::Months),
        ),
        (
            call(MonthsBetween, vec![day("2024-01-31"), day("2024-02-29")]),
            Value::Duration(1, DurationFamily::Months),
        ),
        (
            call(DaysBetween, vec![day("2024-01-01"), day("2024-12-31")]),
            Value::Duration(365, DurationFamily::Days),
        ),
        // « du 1er janvier au 31 décembre 2024 inclus »: the leap year's 366 days.
        (
            call(
                DaysBetweenInclusive,
                vec![day("2024-01-01"), day("2024-12-31")],
            ),
            Value::Duration(366, DurationFamily::Days),
        ),
        (
            call(
                DaysBetweenInclusive,
                vec![day("2024-03-01"), day("2024-03-01")],
            ),
            Value::Duration(1, DurationFamily::Days),
        ),
        (
            call(StartOfYear, vec![Expr::DecisionDate]),
            Value::Date(date("2024-01-01")),
        ),
        (call(Year, vec![Expr::DecisionDate]), Value::Int(2024)),
        (
            call(Monthly, vec![num("18854.02")]),
            d("1571.1683333333333333333333333"),
        ),
        (call(Monthly, vec![num("12")]), d("1")),
        (call(Yearly, vec![num("1012.02")]), d("12144.24")),
        (call(Count, vec![list(&["a", "b", "a"])]), Value::Int(3)),
        (
            call(CountDistinct, vec![list(&["a", "b", "a"])]),
            Value::Int(2),
        ),
        (call(CountDistinct, vec![list(&[])]), Value::Int(0)),
        (call(IsPresent, vec![absent()]), Value::Bool(false)),
        (call(IsPresent, vec![int(0)]), Value::Bool(true)),
        (call(OrDefault, vec![absent(), int(5)]), Value::Int(5)),
        // The default is not evaluated when the value is present.
        (
            call(OrDefault, vec![int(1), bin(BinOp::Div, int(1), int(0))]),
            Value::Int(1),
        ),
        (
            Expr::Contains {
                list: Box::new(list(&["pch", "apa"])),
                x: Box::new(text("apa")),
            },
            Value::Bool(true),
        ),
        (
            Expr::ContainsAny {
                list: Box::new(list(&["pch", "apa"])),
                set: vec![text("actp"), text("pch")],
            },
            Value::Bool(true),
        ),
        (
            Expr::ContainsAny {
                list: Box::new(list(&[])),
                set: vec![text("actp")],
            },
            Value::Bool(false),
        ),
        (
            Expr::InSet {
                x: Box::new(int(3)),
                set: vec![int(1), int(3)],
            },
            Value::Bool(true),
        ),
        (
            Expr::InRange {
                x: Box::new(int(4)),
                lo: Box::new(int(1)),
                hi: Box::new(int(4)),
            },
            Value::Bool(true),
        ),
        (
            Expr::InRange {
                x: Box::new(int(5)),
                lo: Box::new(int(1)),
                hi: Box::new(int(4)),
            },
            Value::Bool(false),
        ),
        // Absent equals nothing, not even absent.
        (bin(BinOp::Eq, absent(), absent()), Value::Bool(false)),
        (bin(BinOp::Ne, absent(), text("95")), Value::Bool(true)),
        // Short-circuits: the division by zero is never evaluated.
        (
            Expr::And(
                Box::new(boolean(false)),
                Box::new(bin(BinOp::Gt, bin(BinOp::Div, int(1), int(0)), int(0))),
            ),
            Value::Bool(false),
        ),
        (
            Expr::Or(
                Box::new(boolean(true)),
                Box::new(bin(BinOp::Gt, bin(BinOp::Div, int(1), int(0)), int(0))),
            ),
            Value::Bool(true),
        ),
        (
            Expr::If(
                Box::new(boolean(false)),
                Box::new(bin(BinOp::Div, int(1), int(0))),
                Box::new(int(2)),
            ),
            Value::Int(2),
        ),
        (
            Expr::Unary(UnOp::Not, Box::new(boolean(false))),
            Value::Bool(true),
        ),
    ];
    for (expr, expected) in cases {
        let shown = format!("{expr:?}");
        assert_eq!(eval(Ty::Decimal, expr).unwrap(), expected, "{shown}");
    }
}

#[test]
fn locals_are_scoped() {
    // `soit x = 2 ; résultat x + (rule using its own x = 10)` — the inner rule reuses slot 0.
    let mut b = Builder::new("essai");
    let x = b.local();
    let inner = b.def(
        "inner",
        Ty::Int,
        Expr::Let {
            slot: x,
            value: Box::new(int(10)),
            body: Box::new(Expr::Local(x)),
        },
    );
    let expr = Expr::Let {
        slot: x,
        value: Box::new(int(2)),
        body: Box::new(bin(
            BinOp::Add,
            def(inner),
            bin(BinOp::Mul, Expr::Local(x), int(100)),
        )),
    };
    assert_eq!(
        eval_in(b, Ty::Int, expr, serde_json::json!({})).unwrap(),
        Value::Int(210)
    );
}

#[test]
fn age_from_the_dossier() {
    let decide = |birth: &str, on_day: &str| {
        let mut b = Builder::new("essai");
        let naissance = b.input("demandeur.date_naissance", Ty::Date, false);
        let age = call(Builtin::Age, vec![naissance, Expr::DecisionDate]);
        let v = b.def("v", months(), age);
        b.dispositif("t", None, vec![], vec![("v", v)], vec![]);
        let engine = b.engine();
        let dossier = engine
            .decode_json(&serde_json::json!({"demandeur": {"date_naissance": birth}}))
            .unwrap();
        let decision = engine.decide_strict(&dossier, &on(on_day)).unwrap();
        decision.published().dispositifs["t"].valeurs["v"].clone()
    };
    // Complete years: the day before the birthday is still the previous age.
    assert_eq!(decide("1938-04-12", "2024-04-11"), "85 ans");
    assert_eq!(decide("1938-04-12", "2024-04-12"), "86 ans");
    assert_eq!(decide("1940-02-29", "2023-02-28"), "83 ans");
    assert_eq!(decide("1940-02-29", "2024-02-28"), "83 ans");
    assert_eq!(decide("1940-02-29", "2024-02-29"), "84 ans");
    assert_eq!(decide("2024-01-31", "2024-02-29"), "0 mois");
}

/// `mtp`: two versions; `gappy`: a hole in 2021 and an explicit end.
fn params() -> (Builder, u32, u32) {
    let mut b = Builder::new("essai");
    let mtp = b.param(
        "national.mtp",
        monthly(),
        &[
            ("2023-04-01", None, d("1210.90")),
            ("2024-04-01", None, d("1266.60")),
        ],
    );
    let gappy = b.param(
        "gappy",
        Ty::Int,
        &[
            ("2020-01-01", Some("2020-12-31"), Value::Int(1)),
            ("2022-01-01", Some("2022-12-31"), Value::Int(2)),
        ],
    );
    (b, mtp, gappy)
}

fn param_on(expr: impl Fn(u32, u32) -> Expr, on_day: &str) -> Result<Value, EvalError> {
    let (mut b, mtp, gappy) = params();
    let v = b.def("v", Ty::Decimal, expr(mtp, gappy));
    b.dispositif("t", None, vec![], vec![("v", v)], vec![]);
    let engine = b.engine();
    let dossier = engine.decode_json(&serde_json::json!({})).unwrap();
    engine
        .decide_strict(&dossier, &on(on_day))
        .map(|d| d.dispositifs[0].values[0].value.clone())
}

/// A dispositif that cannot be decided at this date says why, and the others are still decided.
#[test]
fn one_undecidable_dispositif_does_not_hide_the_others() {
    let (mut b, mtp, gappy) = params();
    let a = b.def("a", monthly(), param(mtp));
    let g = b.def("g", Ty::Int, param(gappy));
    b.dispositif("apa", None, vec![], vec![("a", a)], vec![]);
    b.dispositif("menage", None, vec![], vec![("g", g)], vec![]);
    let engine = b.engine();
    let dossier = engine.decode_json(&serde_json::json!({})).unwrap();
    let decision = engine.decide(&dossier, &on("2024-11-19")).unwrap();
    let json = decision.to_json();
    assert_eq!(json["dispositifs"]["apa"]["valeurs"]["a"], "1266.60");
    assert!(json["dispositifs"]["apa"].get("erreur").is_none());
    let menage = &json["dispositifs"]["menage"];
    assert_eq!(menage["eligible"], serde_json::Value::Null);
    assert_eq!(menage["valeurs"], serde_json::json!({}));
    assert!(
        menage["erreur"].as_str().unwrap().contains("gappy"),
        "{menage}"
    );
    let errors: Vec<&str> = decision.errors().map(|(id, _)| id).collect();
    assert_eq!(errors, ["menage"]);
    assert!(decision.complete().is_err());
}

/// A selection decides the named dispositifs only; an unknown name lists the known ones.
#[test]
fn selected_dispositifs_only() {
    let (mut b, mtp, gappy) = params();
    let a = b.def("a", monthly(), param(mtp));
    let g = b.def("g", Ty::Int, param(gappy));
    b.dispositif("apa", None, vec![], vec![("a", a)], vec![]);
    b.dispositif("menage", None, vec![], vec![("g", g)], vec![]);
    let engine = b.engine();
    let dossier = engine.decode_json(&serde_json::json!({})).unwrap();
    let only_apa = engine.selection(&["apa"]).unwrap();
    let decision = engine
        .decide_selected(&dossier, &on("2024-11-19"), &only_apa)
        .unwrap();
    let ids: Vec<&str> = decision.dispositifs.iter().map(|d| &*d.id).collect();
    assert_eq!(ids, ["apa"]);
    assert!(decision.complete().is_ok());
    let unknown = engine.selection(&["apa", "pch"]).unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "dispositif inconnu : `pch` ; dispositifs de ce jeu de règles : apa, menage"
    );
}

#[test]
fn parameter_versions() {
    let mtp = |m: u32, _| param(m);
    let gappy = |_, g: u32| param(g);
    assert_eq!(param_on(mtp, "2023-04-01"), Ok(d("1210.90")));
    assert_eq!(param_on(mtp, "2024-03-31"), Ok(d("1210.90")));
    assert_eq!(param_on(mtp, "2024-04-01"), Ok(d("1266.60")));
    assert_eq!(param_on(mtp, "2099-01-01"), Ok(d("1266.60")));
    assert_eq!(param_on(gappy, "2020-12-31"), Ok(Value::Int(1)));
    assert_eq!(param_on(gappy, "2022-01-01"), Ok(Value::Int(2)));

    let before = param_on(mtp, "2023-03-31").unwrap_err();
    assert_eq!(
        before,
        EvalError::NoParamVersion {
            param: "national.mtp".into(),
            date: date("2023-03-31")
        }
    );
    assert_eq!(
        before.to_string(),
        "le paramètre `national.mtp` n'a aucune valeur en vigueur au 31/03/2023"
    );
    for hole in ["2021-06-01", "2023-01-01", "2019-12-31"] {
        assert!(
            matches!(param_on(gappy, hole), Err(EvalError::NoParamVersion { .. })),
            "{hole}"
        );
    }

    // `au début_année(date_décision)`: APA 2024 uses the MTP in force on 1 January.
    let at_start = |m: u32, _| param_at(m, call(Builtin::StartOfYear, vec![Expr::DecisionDate]));
    assert_eq!(param_on(at_start, "2024-11-19"), Ok(d("1210.90")));
    assert_eq!(param_on(at_start, "2025-11-19"), Ok(d("1266.60")));
    assert_eq!(
        param_on(at_start, "2023-11-19").unwrap_err(),
        EvalError::NoParamVersion {
            param: "national.mtp".into(),
            date: date("2023-01-01")
        }
    );
}

#[test]
fn tables() {
    let run = |gir: i64| {
        let mut b = Builder::new("essai");
        let coefficient = b.table(
            "national.coefficient_gir",
            Ty::Int,
            Ty::Decimal,
            &[
                (
                    "2016-03-01",
                    None,
                    vec![(Value::Int(1), d("1.553")), (Value::Int(2), d("1.247"))],
                ),
                (
                    "2024-01-01",
                    None,
                    vec![(Value::Int(1), d("1.615")), (Value::Int(2), d("1.306"))],
                ),
            ],
        );
        eval_in(
            b,
            Ty::Decimal,
            table_get(coefficient, int(gir)),
            serde_json::json!({}),
        )
    };
    assert_eq!(run(1), Ok(d("1.615")));
    assert_eq!(run(2), Ok(d("1.306")));
    let missing = run(5).unwrap_err();
    assert_eq!(
        missing,
        EvalError::MissingTableKey {
            param: "national.coefficient_gir".into(),
            key: "la clé 5".into(),
            date: date("2024-11-19")
        }
    );
    assert_eq!(
        missing.to_string(),
        "le paramètre `national.coefficient_gir` n'a pas de valeur pour la clé 5 (version en vigueur au 19/11/2024)"
    );
}

#[test]
fn baremes() {
    let run = |x: Expr, couple: bool, want: BaremeWant| {
        let mut b = Builder::new("essai");
        let situation = b.enumeration("situation_familiale", &["seul", "couple"]);
        let amc = b.bareme(
            "participation_amc",
            monthly(),
            Ty::Money(Some(socle_runtime::ir::Period::Heure)),
            Some(situation),
            vec![(
                "2004-01-01",
                vec![
                    row(
                        1,
                        vec![
                            iv("0", true, Some(("755", false))),
                            iv("0", true, Some(("1311", false))),
                        ],
                        d("1.62"),
                    ),
                    row(
                        2,
                        vec![
                            iv("755", true, Some(("809", true))),
                            iv("1311", true, Some(("1399", true))),
                        ],
                        d("2.27"),
                    ),
                    row(
                        8,
                        vec![iv("809", false, None), iv("1399", false, None)],
                        d("10.56"),
                    ),
                ],
            )],
        );
        let expr = Expr::Bareme {
            bareme: amc,
            x: Box::new(x),
            column: Some(Box::new(variant(situation, u32::from(couple)))),
            at: None,
            want,
        };
        eval_in(b, Ty::Decimal, expr, serde_json::json!({}))
    };
    let value = BaremeWant::Value;
    assert_eq!(run(num("0"), false, value), Ok(d("1.62")));
    assert_eq!(run(num("754.99"), false, value), Ok(d("1.62")));
    assert_eq!(run(num("755"), false, value), Ok(d("2.27")));
    assert_eq!(run(num("809"), false, value), Ok(d("2.27")));
    assert_eq!(run(num("809.01"), false, value), Ok(d("10.56")));
    assert_eq!(run(int(800), false, value), Ok(d("2.27")));
    assert_eq!(run(num("809"), true, value), Ok(d("1.62")));
    assert_eq!(run(num("1399"), true, value), Ok(d("2.27")));
    assert_eq!(
        run(num("1400"), true, BaremeWant::TrancheNumber),
        Ok(Value::Int(8))
    );
    assert_eq!(
        run(num("800"), false, BaremeWant::TrancheNumber),
        Ok(Value::Int(2))
    );
    let below = run(num("-1"), false, value).unwrap_err();
    assert_eq!(
        below.to_string(),
        "aucune tranche du barème `participation_amc` ne contient -1,00 €/mois (version en vigueur au 19/11/2024)"
    );
}

#[test]
fn barème_without_columns_and_versions() {
    let mut b = Builder::new("essai");
    let scale = b.bareme(
        "echelle",
        Ty::Int,
        Ty::Rate,
        None,
        vec![
            (
                "2020-01-01",
                vec![row(1, vec![iv("0", true, None)], d("0.1"))],
            ),
            (
                "2024-01-01",
                vec![row(1, vec![iv("0", true, None)], d("0.2"))],
            ),
        ],
    );
    let expr = Expr::Bareme {
        bareme: scale,
        x: Box::new(int(3)),
        column: None,
        at: Some(Box::new(day("2023-06-01"))),
        want: BaremeWant::Value,
    };
    assert_eq!(
        eval_in(b, Ty::Rate, expr, serde_json::json!({})),
        Ok(d("0.1"))
    );
}

/// `age_minimum = 65 ans sauf si inaptitude : 60 ans sauf si taux >= 80 % : <second>`.
fn exceptions(second: i64, inapte: bool, taux: &str) -> Result<Decision, EvalError> {
    let mut b = Builder::new("essai");
    let inaptitude = b.input("demandeur.inaptitude_travail", Ty::Bool, false);
    let taux_incapacite = b.input("demandeur.taux_incapacite", Ty::Rate, false);
    let age_minimum = b.def_with(
        "age_minimum",
        months(),
        years(65),
        vec![
            exception("demandeur.inaptitude_travail", inaptitude, years(60)),
            exception(
                "demandeur.taux_incapacite >= 80 %",
                bin(BinOp::Ge, taux_incapacite, num("0.8")),
                years(second),
            ),
        ],
    );
    b.dispositif(
        "t",
        None,
        vec![],
        vec![("age_minimum", age_minimum)],
        vec![age_minimum],
    );
    let engine = b.engine();
    let dossier = engine
        .decode_json(&serde_json::json!({"demandeur": {
            "inaptitude_travail": inapte, "taux_incapacite": taux}}))
        .unwrap();
    engine.decide_strict(
        &dossier,
        &DecideOptions {
            date: Some(date("2024-11-19")),
            explain: true,
        },
    )
}

#[test]
fn exception_branches() {
    let outcome = |second, inapte, taux| {
        let decision = exceptions(second, inapte, taux).unwrap();
        let t = &decision.dispositifs[0];
        (
            t.values[0].value.clone(),
            t.trace.as_ref().unwrap()[0].exception.clone(),
        )
    };
    let sixty = Value::Duration(720, DurationFamily::Months);
    let sixty_five = Value::Duration(780, DurationFamily::Months);
    assert_eq!(outcome(60, false, "0.5"), (sixty_five, None));
    assert_eq!(
        outcome(60, true, "0.5"),
        (sixty.clone(), Some("demandeur.inaptitude_travail".into()))
    );
    assert_eq!(
        outcome(60, false, "0.8"),
        (
            sixty.clone(),
            Some("demandeur.taux_incapacite >= 80 %".into())
        )
    );
    // Both hold and agree: the first is reported.
    assert_eq!(
        outcome(60, true, "0.9"),
        (sixty, Some("demandeur.inaptitude_travail".into()))
    );
    // Both hold and disagree: a conflict naming both.
    let conflict = exceptions(62, true, "0.9").unwrap_err();
    assert_eq!(
        conflict,
        EvalError::ExceptionConflict {
            def: "age_minimum".into(),
            first: "demandeur.inaptitude_travail".into(),
            second: "demandeur.taux_incapacite >= 80 %".into(),
        }
    );
    assert_eq!(
        conflict.to_string(),
        "exceptions contradictoires pour `age_minimum` : « demandeur.inaptitude_travail » et « demandeur.taux_incapacite >= 80 % » s'appliquent avec des valeurs différentes"
    );
    assert!(exceptions(62, false, "0.9").is_ok());
}

/// `apa` (GIR 1–4) excludes `menage` (any GIR); `portage` (for APA beneficiaries) and `repas`
/// (for everyone) use `apa.montant`.
fn cumul_engine() -> Engine {
    let mut b = Builder::new("essai");
    let gir = b.input("demandeur.gir", Ty::Int, false);
    let gir_ok = b.def(
        "apa.gir_eligible",
        Ty::Bool,
        Expr::InRange {
            x: Box::new(gir.clone()),
            lo: Box::new(int(1)),
            hi: Box::new(int(4)),
        },
    );
    let montant = b.def("apa.montant", monthly(), num("500"));
    let apa = b.dispositif(
        "apa",
        Some("Allocation personnalisée d'autonomie"),
        vec![(
            "gir_eligible",
            gir_ok,
            msg(vec![t("GIR "), MessagePart::Value(gir.clone(), Ty::Int)]),
        )],
        vec![("montant", montant)],
        vec![gir_ok, montant],
    );
    let always = b.def("menage.toujours", Ty::Bool, boolean(true));
    let taux = b.def("menage.taux", monthly(), num("20"));
    let menage = b.dispositif(
        "menage",
        None,
        vec![("toujours", always, no_message())],
        vec![("taux", taux)],
        vec![always, taux],
    );
    b.cumul(apa, menage);
    let apa_ok = b.def("portage.apa", Ty::Bool, Expr::Eligible(apa));
    let quarter = b.def(
        "portage.quart",
        monthly(),
        bin(
            BinOp::Div,
            Expr::DispositifOutput {
                dispositif: apa,
                def: montant,
            },
            int(4),
        ),
    );
    b.dispositif(
        "portage",
        None,
        vec![(
            "beneficiaire_apa",
            apa_ok,
            msg(vec![MessagePart::Choice {
                satisfied: "bénéficiaire de l'APA".into(),
                failed: "non bénéficiaire de l'APA".into(),
            }]),
        )],
        vec![("quart", quarter)],
        vec![apa_ok, quarter],
    );
    // No condition: its output needs APA's amount whatever the dossier.
    let half = b.def(
        "repas.moitie",
        monthly(),
        bin(
            BinOp::Div,
            Expr::DispositifOutput {
                dispositif: apa,
                def: montant,
            },
            int(2),
        ),
    );
    b.dispositif("repas", None, vec![], vec![("moitie", half)], vec![half]);
    b.engine()
}

fn decide_gir(engine: &Engine, gir: i64) -> Result<Decision, EvalError> {
    let dossier = engine
        .decode_json(&serde_json::json!({"demandeur": {"gir": gir}}))
        .unwrap();
    engine.decide_strict(&dossier, &on("2024-11-19"))
}

#[test]
fn cumul_exclusion() {
    let engine = cumul_engine();
    let decision = decide_gir(&engine, 3).unwrap();
    let menage = decision.dispositif("menage").unwrap();
    assert_eq!(menage.eligible, Some(false));
    assert!(menage.values.is_empty());
    assert_eq!(menage.motifs.len(), 2);
    assert_eq!(menage.motifs[0].satisfied, Some(true));
    assert_eq!(menage.motifs[0].message(), "condition toujours satisfaite");
    let cumul = menage.motif("cumul_apa").unwrap();
    assert_eq!(cumul.satisfied, Some(false));
    assert_eq!(
        cumul.message(),
        "non cumulable avec Allocation personnalisée d'autonomie, pour lequel le dossier est éligible"
    );
    let portage = decision.dispositif("portage").unwrap();
    assert_eq!(portage.valeur("quart"), Some(&d("125")));
    assert_eq!(portage.motifs[0].message(), "bénéficiaire de l'APA");
    assert_eq!(
        decision.dispositif("repas").unwrap().valeur("moitie"),
        Some(&d("250"))
    );

    // GIR 5: APA refused, so household help is granted; using APA's amount is an error.
    let err = decide_gir(&engine, 5).unwrap_err();
    assert_eq!(
        err,
        EvalError::NotEligible {
            def: "repas.moitie".into(),
            dispositif: "apa".into(),
            output: "montant".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "`repas.moitie` utilise `apa.montant`, mais le dossier n'est pas éligible à `apa`"
    );
}

#[test]
fn cumul_winner_ineligible() {
    // Without `repas` (which always needs APA's amount), GIR 5 decides fine.
    let mut program = cumul_engine().program().clone();
    program.dispositifs.pop();
    let engine = Engine::new(program).unwrap();
    let decision = decide_gir(&engine, 5).unwrap();
    let apa = decision.dispositif("apa").unwrap();
    assert_eq!(apa.eligible, Some(false));
    assert_eq!(apa.motifs[0].message(), "GIR 5");
    let menage = decision.dispositif("menage").unwrap();
    assert_eq!(menage.eligible, Some(true));
    assert_eq!(menage.motifs.len(), 1);
    assert_eq!(menage.valeur("taux"), Some(&d("20")));
    let portage = decision.dispositif("portage").unwrap();
    assert_eq!(portage.eligible, Some(false));
    assert_eq!(portage.motifs[0].message(), "non bénéficiaire de l'APA");
}

#[test]
fn cumul_cycle_is_an_error() {
    let mut program = cumul_engine().program().clone();
    program.dispositifs.truncate(2);
    // The compiler rejects this; a tampered program must still not recurse forever.
    program.cumuls.push(socle_runtime::ir::Cumul {
        winner: 1,
        excluded: 0,
        when_paid: false,
    });
    let engine = Engine::new(program).unwrap();
    assert_eq!(
        decide_gir(&engine, 3).unwrap_err(),
        EvalError::CumulCycle {
            dispositif: "apa".into()
        }
    );
}

#[test]
fn each_rule_is_computed_once() {
    let mut b = Builder::new("essai");
    let x = b.input("x", Ty::Int, false);
    let base = b.def("base", Ty::Int, bin(BinOp::Mul, x, int(2)));
    let twice = b.def("twice", Ty::Int, bin(BinOp::Add, def(base), def(base)));
    let thrice = b.def("thrice", Ty::Int, bin(BinOp::Add, def(twice), def(base)));
    let cond = b.def("positive", Ty::Bool, bin(BinOp::Gt, def(base), int(0)));
    b.dispositif(
        "t",
        None,
        vec![("positive", cond, no_message())],
        vec![("thrice", thrice), ("twice", twice)],
        vec![base, cond, twice, thrice],
    );
    let engine = b.engine();
    let dossier = engine.decode_json(&serde_json::json!({"x": 5})).unwrap();
    let decision = engine
        .decide_strict(
            &dossier,
            &DecideOptions {
                date: Some(date("2024-01-01")),
                explain: true,
            },
        )
        .unwrap();
    assert_eq!(
        decision.dispositifs[0].valeur("thrice"),
        Some(&Value::Int(30))
    );
    // `base` is used four times and computed once: four rules, four computations.
    assert_eq!(decision.rules_computed, 4);
    let trace = decision.dispositifs[0].trace.as_ref().unwrap();
    let rules: Vec<&str> = trace.iter().map(|e| e.rule.as_str()).collect();
    assert_eq!(rules, ["base", "positive", "twice", "thrice"]);
    assert_eq!(trace[2].uses, ["base"]);
    assert_eq!(trace[3].uses, ["twice", "base"]);
    assert_eq!(trace[0].inputs, ["x"]);
}

/// Conditions: `gir_eligible` (GIR 1–4), then `plafond_positif` reading a table that has no
/// value for GIR 5.
fn addendum_engine(gir_first: bool) -> Engine {
    let mut b = Builder::new("essai");
    let gir = b.input("demandeur.gir", Ty::Int, false);
    let plafonds = b.table(
        "plafond_apa",
        Ty::Int,
        monthly(),
        &[(
            "2024-01-01",
            None,
            vec![(Value::Int(1), d("1955.60")), (Value::Int(4), d("762.87"))],
        )],
    );
    let gir_ok = b.def(
        "apa.gir_eligible",
        Ty::Bool,
        Expr::InRange {
            x: Box::new(gir.clone()),
            lo: Box::new(int(1)),
            hi: Box::new(int(4)),
        },
    );
    let positive = b.def(
        "apa.plafond_positif",
        Ty::Bool,
        bin(BinOp::Gt, table_get(plafonds, gir), num("0")),
    );
    let mut conditions = vec![
        ("gir_eligible", gir_ok, no_message()),
        ("plafond_positif", positive, no_message()),
    ];
    if !gir_first {
        conditions.reverse();
    }
    b.dispositif("apa", None, conditions, vec![], vec![gir_ok, positive]);
    b.engine()
}

#[test]
fn failing_condition_after_a_failed_one_is_left_out() {
    let engine = addendum_engine(true);
    let decision = decide_gir(&engine, 5).unwrap();
    let apa = &decision.dispositifs[0];
    assert_eq!(apa.eligible, Some(false));
    let ids: Vec<&str> = apa.motifs.iter().map(|m| m.id()).collect();
    assert_eq!(ids, ["gir_eligible"]);
    // Its premises held for GIR 4: both motifs are reported.
    let decision = decide_gir(&engine, 4).unwrap();
    assert_eq!(decision.dispositifs[0].eligible, Some(true));
    assert_eq!(decision.dispositifs[0].motifs.len(), 2);
    // An unanswered optional question after a failed condition is left out too.
    let mut b = Builder::new("essai");
    let gir = b.input("demandeur.gir", Ty::Int, false);
    let inapte = b.input("demandeur.inaptitude", Ty::Bool, true);
    let gir_ok = b.def("gir_ok", Ty::Bool, bin(BinOp::Le, gir, int(4)));
    let inapte_ok = b.def("inapte", Ty::Bool, inapte);
    b.dispositif(
        "d",
        None,
        vec![
            ("gir", gir_ok, no_message()),
            ("inapte", inapte_ok, no_message()),
        ],
        vec![],
        vec![],
    );
    let engine = b.engine();
    let decision = decide_gir(&engine, 5).unwrap();
    assert_eq!(decision.dispositifs[0].motifs.len(), 1);
    assert_eq!(
        decide_gir(&engine, 3).unwrap_err(),
        EvalError::AbsentValue {
            def: "inapte".into()
        }
    );
    // Not preceded by a failed condition: the error is the decision's.
    let err = decide_gir(&addendum_engine(false), 5).unwrap_err();
    assert!(matches!(err, EvalError::MissingTableKey { .. }), "{err:?}");
}

#[test]
fn decision_date_is_required() {
    let mut b = Builder::new("essai");
    b.decision_date("date_demande");
    let v = b.def("v", Ty::Date, Expr::DecisionDate);
    b.dispositif("t", None, vec![], vec![("v", v)], vec![]);
    let engine = b.engine();
    let none = engine.decode_json(&serde_json::json!({})).unwrap();
    let err = engine
        .decide_strict(&none, &DecideOptions::default())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "aucune date de décision : indiquez --date ou renseignez `date_demande` dans le dossier"
    );
    let given = engine
        .decode_json(&serde_json::json!({"date_demande": "2024-11-19"}))
        .unwrap();
    let decision = engine
        .decide_strict(&given, &DecideOptions::default())
        .unwrap();
    assert_eq!(decision.date, date("2024-11-19"));
    // `--date` wins over the dossier's date.
    let decision = engine.decide_strict(&given, &on("2025-01-01")).unwrap();
    assert_eq!(
        decision.dispositifs[0].valeur("v"),
        Some(&Value::Date(date("2025-01-01")))
    );
}

#[test]
fn short_dossier_is_an_error_not_a_panic() {
    let mut b = Builder::new("essai");
    let x = b.input("x", Ty::Int, false);
    let v = b.def("v", Ty::Int, x);
    b.dispositif("t", None, vec![], vec![("v", v)], vec![]);
    let engine = b.engine();
    let dossier = socle_runtime::Dossier::from_values(vec![]);
    assert!(matches!(
        engine.decide_strict(&dossier, &on("2024-01-01")),
        Err(EvalError::Internal { .. })
    ));
}

#[test]
fn rule_cycle_is_an_error() {
    let mut b = Builder::new("essai");
    let a = b.def("a", Ty::Int, def(1));
    b.def("b", Ty::Int, bin(BinOp::Add, def(a), int(1)));
    b.dispositif("t", None, vec![], vec![("a", a)], vec![]);
    let engine = b.engine();
    let dossier = engine.decode_json(&serde_json::json!({})).unwrap();
    assert_eq!(
        engine
            .decide_strict(&dossier, &on("2024-01-01"))
            .unwrap_err(),
        EvalError::Cycle { def: "a".into() }
    );
}
