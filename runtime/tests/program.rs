//! `Engine::new` refuses programs that break the invariants evaluation relies on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use socle_runtime::ir::{BaremeWant, BinOp, Builtin, Expr, Program, Ty};
use socle_runtime::{Engine, ProgramError, Value};

fn base() -> Builder {
    let mut b = Builder::new("essai");
    let gir = b.input("demandeur.gir", Ty::Int, false);
    let v = b.def("v", Ty::Int, gir);
    b.dispositif(
        "t",
        None,
        vec![("c", v, no_message())],
        vec![("v", v)],
        vec![v],
    );
    b
}

fn refused(edit: impl FnOnce(&mut Program)) -> String {
    let mut p = base().p;
    edit(&mut p);
    Engine::new(p).unwrap_err().to_string()
}

#[test]
fn valid_program_is_accepted_and_serialisable() {
    let p = base().p;
    let engine = Engine::new(p.clone()).unwrap();
    assert_eq!(engine.program(), &p);
    // A precompiled program round-trips through JSON.
    let json = serde_json::to_string(&p).unwrap();
    let back: Program = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
}

#[test]
fn broken_programs() {
    type Edit = Box<dyn FnOnce(&mut Program)>;
    let cases: Vec<(&str, Edit)> = vec![
        ("def index", Box::new(|p| p.defs[0].expr = Expr::Def(7))),
        ("input slot", Box::new(|p| p.defs[0].expr = Expr::Input(3))),
        ("local slot", Box::new(|p| p.defs[0].expr = Expr::Local(0))),
        ("param", Box::new(|p| p.defs[0].expr = param(0))),
        (
            "enum constant",
            Box::new(|p| p.defs[0].expr = Expr::Const(Value::Enum { ty: 0, variant: 0 })),
        ),
        (
            "condition def",
            Box::new(|p| p.dispositifs[0].conditions[0].def = 9),
        ),
        (
            "trace def",
            Box::new(|p| p.dispositifs[0].trace_defs.push(4)),
        ),
        (
            "cumul",
            Box::new(|p| {
                p.cumuls.push(socle_runtime::ir::Cumul {
                    winner: 0,
                    excluded: 2,
                    when_paid: false,
                })
            }),
        ),
        ("eligible", Box::new(|p| p.defs[0].expr = Expr::Eligible(1))),
        (
            "unbound slot",
            Box::new(|p| p.input_paths.push("demandeur.age".into())),
        ),
        (
            "duplicate slot",
            Box::new(|p| {
                let field = p.inputs[0].clone();
                p.inputs.push(field);
            }),
        ),
        (
            "arity",
            Box::new(|p| p.defs[0].expr = call(Builtin::Age, vec![int(1)])),
        ),
        (
            "empty min",
            Box::new(|p| p.defs[0].expr = call(Builtin::Min, vec![])),
        ),
        (
            "too deep",
            Box::new(|p| {
                let mut e = int(0);
                for _ in 0..300 {
                    e = bin(BinOp::Add, e, int(1));
                }
                p.defs[0].expr = e;
            }),
        ),
        (
            "decision date",
            Box::new(|p| p.decision_date_input = Some(0)),
        ),
        // Accepted once, this made `decide` allocate 103 GB and abort the host.
        ("locals count", Box::new(|p| p.locals = u32::MAX)),
        (
            "exception parent",
            Box::new(|p| {
                let mut branch = exception("a", Expr::Const(Value::Bool(true)), int(1));
                branch.parent = Some(0);
                p.defs[0].exceptions.push(branch);
            }),
        ),
    ];
    let mut report = String::new();
    for (label, edit) in cases {
        report.push_str(&format!("{label:<16} → {}\n", refused(edit)));
    }
    insta::assert_snapshot!(report);
}

#[test]
fn broken_parameters_and_baremes() {
    let mut b = base();
    b.param(
        "p",
        Ty::Int,
        &[
            ("2024-01-01", None, Value::Int(1)),
            ("2023-01-01", None, Value::Int(2)),
        ],
    );
    assert_eq!(
        Engine::new(b.p).unwrap_err().to_string(),
        "programme invalide : le paramètre `p` : versions non triées par date de début"
    );

    let mut b = base();
    let situation = b.enumeration("situation", &["seul", "couple"]);
    b.bareme(
        "amc",
        money(),
        money(),
        Some(situation),
        vec![(
            "2004-01-01",
            vec![row(3, vec![iv("0", true, None)], Value::Int(1))],
        )],
    );
    assert_eq!(
        Engine::new(b.p).unwrap_err(),
        ProgramError::ColumnCount {
            bareme: "amc".into(),
            tranche: 3,
            expected: 2,
            found: 1
        }
    );

    // A column given to a barème without columns.
    let mut b = base();
    let scale = b.bareme(
        "echelle",
        money(),
        money(),
        None,
        vec![(
            "2004-01-01",
            vec![row(1, vec![iv("0", true, None)], Value::Int(1))],
        )],
    );
    b.p.defs[0].expr = Expr::Bareme {
        bareme: scale,
        x: Box::new(int(1)),
        column: Some(Box::new(int(0))),
        at: None,
        want: BaremeWant::Value,
    };
    assert_eq!(
        Engine::new(b.p).unwrap_err().to_string(),
        "programme invalide : la règle `v` : colonne du barème fournie à tort ou manquante"
    );

    // A table read as a scalar.
    let mut b = base();
    let table = b.table("t", Ty::Int, Ty::Int, &[("2024-01-01", None, vec![])]);
    b.p.defs[0].expr = param(table);
    assert_eq!(
        Engine::new(b.p).unwrap_err().to_string(),
        "programme invalide : la règle `v` : une table est lue sans clé"
    );
}

/// A declared local count above what the expressions name is harmless: evaluation allocates
/// only the slots in use.
#[test]
fn unused_locals_are_not_allocated() {
    let mut p = base().p;
    p.locals = socle_runtime::MAX_LOCALS;
    let engine = Engine::new(p).unwrap();
    let dossier = engine.decode_str(r#"{"demandeur": {"gir": 2}}"#).unwrap();
    let options = socle_runtime::DecideOptions {
        date: chrono::NaiveDate::from_ymd_opt(2024, 1, 1),
        ..Default::default()
    };
    assert!(engine.decide(&dossier, &options).is_ok());
}
