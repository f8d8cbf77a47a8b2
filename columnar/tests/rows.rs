//! Rows of Arrow columns become the dossier JSON the decoder reads: dotted names and struct
//! columns merge, text cells are read as the field's type asks, a bad column type or a field
//! given twice is one error for the batch; decided rows carry typed values.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{ArrayRef, BinaryArray, Int64Array, RecordBatch, StringArray, StructArray};
use arrow_schema::{DataType, Field, Schema};
use serde_json::json;
use socle_columnar::{ColumnarError, DecideColumns, Decider, Rows};
use socle_runtime::Engine;

fn engine() -> Engine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rulesets/val-doise");
    let mut session = socle_compiler::Session::new();
    let ruleset = session.load_ruleset_dir(&dir).unwrap();
    Engine::new(session.program(ruleset).unwrap()).unwrap()
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap()
}

fn text(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(values.iter().copied().collect::<StringArray>())
}

#[test]
fn dotted_and_struct_columns_merge_and_text_is_read_by_type() {
    let engine = engine();
    let demandeur = StructArray::from(vec![(
        Arc::new(Field::new("gir", DataType::Int64, true)),
        Arc::new(Int64Array::from(vec![Some(3), None])) as ArrayRef,
    )]);
    let b = batch(vec![
        ("date_demande", text(&[Some("2024-11-19"), Some("")])),
        ("demandeur", Arc::new(demandeur)),
        (
            "demandeur.imposable",
            text(&[Some("vrai"), Some("peut-être")]),
        ),
        (
            "demandeur.taux_incapacite",
            text(&[Some("80"), Some("beaucoup")]),
        ),
        (
            "demandeur.prestations",
            text(&[Some("[\"pch\"]"), Some("pch")]),
        ),
        ("demandeur.departement_residence", text(&[Some(""), None])),
    ]);
    let rows = Rows::new(engine.program(), &b).unwrap();
    assert_eq!(
        rows.dossier(0),
        json!({"date_demande": "2024-11-19", "demandeur": {"gir": 3, "imposable": true,
               "taux_incapacite": 80, "prestations": ["pch"], "departement_residence": ""}})
    );
    // What cannot be read as the type asks goes on as text, for the decoder to refuse.
    assert_eq!(
        rows.dossier(1),
        json!({"demandeur": {"imposable": "peut-être", "taux_incapacite": "beaucoup",
               "prestations": "pch"}})
    );
}

#[test]
fn unreadable_types_and_fields_given_twice_fail_the_batch() {
    let engine = engine();
    let b = batch(vec![(
        "date_demande",
        Arc::new(BinaryArray::from_vec(vec![b"2024"])) as ArrayRef,
    )]);
    let error = Rows::new(engine.program(), &b).err().unwrap();
    assert!(
        matches!(error, ColumnarError::UnsupportedType { ref column, .. } if column == "date_demande")
    );
    let fields = vec![
        Field::new("date_demande", DataType::Utf8, true),
        Field::new("date_demande", DataType::Utf8, true),
    ];
    let b = RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        vec![text(&[Some("2024-01-01")]), text(&[Some("2024-01-01")])],
    )
    .unwrap();
    assert!(matches!(
        Rows::new(engine.program(), &b),
        Err(ColumnarError::DuplicateColumn(_))
    ));
}

#[test]
fn decided_rows_carry_typed_values_and_refused_rows_their_paths() {
    let engine = engine();
    let dossier: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/dossier-apa.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let decider = Decider::new(engine, None, &["apa_domicile"], false).unwrap();
    let published = decider.decide_json(&dossier).ok().unwrap().to_json();
    let montant = &published["dispositifs"]["apa_domicile"]["valeurs"]["montant"];
    let b = batch(vec![
        (
            "date_demande",
            text(&[Some("2024-11-19"), Some("2024-11-19")]),
        ),
        (
            "demandeur.date_naissance",
            text(&[Some("1938-04-12"), Some("1938-02-30")]),
        ),
        ("demandeur.gir", text(&[Some("3"), Some("3")])),
        (
            "demandeur.situation_familiale",
            text(&[Some("seul"), Some("seul")]),
        ),
        (
            "demandeur.ressources_mensuelles",
            text(&[Some("1450.00"), Some("1450.00")]),
        ),
        (
            "demandeur.lieu_de_vie",
            text(&[Some("domicile"), Some("domicile")]),
        ),
        (
            "demandeur.departement_residence",
            text(&[Some("95"), Some("95")]),
        ),
        (
            "demandeur.domicile_secours",
            text(&[Some("95"), Some("95")]),
        ),
        (
            "demandeur.nationalite",
            text(&[Some("francaise"), Some("francaise")]),
        ),
        ("demandeur.prestations", text(&[Some("[]"), Some("[]")])),
        (
            "plan_aide.montant_mensuel",
            text(&[Some("1200.00"), Some("1200.00")]),
        ),
    ]);
    let (out, incomplete) = decider.decide_batch(&b, 2, Some(1)).unwrap();
    assert_eq!(incomplete, 1);
    // One batch per thread's half, in row order.
    assert_eq!(out.len(), 2);
    let out = arrow_select::concat::concat_batches(&out[0].schema(), &out).unwrap();
    let montants = out.column_by_name("apa_domicile.montant").unwrap();
    assert_eq!(
        montants.as_primitive::<Decimal128Type>().value_as_string(0),
        montant.as_str().unwrap()
    );
    assert!(out.column_by_name("aide_menagere.eligible").is_none());
    let detail = out
        .column_by_name("erreur_detail")
        .unwrap()
        .as_string::<i32>()
        .value(1);
    let detail: serde_json::Value = serde_json::from_str(detail).unwrap();
    assert_eq!(detail["chemin"], "demandeur.date_naissance");
    let lines = out.column_by_name("ligne").unwrap();
    assert_eq!(
        lines
            .as_primitive::<arrow_array::types::Int64Type>()
            .values(),
        &[1, 2]
    );
}
