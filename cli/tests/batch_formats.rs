//! `socle batch --entree/--sortie csv|parquet`: the same generated val-doise dossiers decided
//! from JSON Lines, CSV and Parquet, written as JSON Lines, CSV and Parquet, all say the same
//! thing as `socle batch` in JSON Lines. Runs the real binary.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type};
use arrow_array::{Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use serde_json::{json, Map, Value as Json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// `socle batch rulesets/val-doise` with `args`, `input` on stdin; stdout and the exit code.
fn batch(args: &[&str], input: &[u8]) -> (Vec<u8>, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(["batch", "rulesets/val-doise"])
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("socle runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("socle ends");
    writer.join().expect("writer").expect("stdin written");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.stdout, out.status.code().unwrap_or(-1))
}

/// Varied val-doise dossiers as flat dotted columns (`None`: not given): decided ones,
/// undetermined ones (fields left out), invalid ones (JSON paths), unknown fields.
fn population(n: u64) -> Vec<Map<String, Json>> {
    let mut state = 0x5EED_u64;
    let mut below = |k: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % k
    };
    (0..n)
        .map(|i| {
            let lieu = ["domicile", "domicile", "ehpad", "residence_autonomie"][below(4) as usize];
            let cents = |c: u64| format!("{}.{:02}", c / 100, c % 100);
            let mut row = Map::new();
            let mut put = |k: &str, v: Json| {
                row.insert(k.to_owned(), v);
            };
            put(
                "date_demande",
                json!(format!("{}-{:02}-15", 2019 + below(7), 1 + below(12))),
            );
            put(
                "demandeur.date_naissance",
                json!(format!("{}-03-0{}", 1920 + below(50), 1 + below(9))),
            );
            put("demandeur.gir", json!(1 + below(6)));
            put(
                "demandeur.situation_familiale",
                json!(["seul", "couple"][below(2) as usize]),
            );
            put(
                "demandeur.ressources_mensuelles",
                json!(cents(below(450_000))),
            );
            put("demandeur.lieu_de_vie", json!(lieu));
            put(
                "demandeur.departement_residence",
                json!(["95", "75"][below(2) as usize]),
            );
            put(
                "demandeur.domicile_secours",
                json!(["95", "78"][below(2) as usize]),
            );
            put(
                "demandeur.nationalite",
                json!(["francaise", "ue", "hors_ue"][below(3) as usize]),
            );
            put("demandeur.titre_sejour_valide", json!(below(5) > 0));
            put(
                "demandeur.annees_residence_france_avant_70_ans",
                json!(below(50)),
            );
            put("demandeur.inaptitude_travail", json!(below(5) == 0));
            put(
                "demandeur.taux_incapacite",
                json!([0, 50, 80][below(3) as usize]),
            );
            put("demandeur.imposable", json!(below(3) == 0));
            put("demandeur.carte_invalidite", json!(below(10) == 0));
            put(
                "demandeur.prestations",
                json!(if below(6) == 0 { vec!["pch"] } else { vec![] }),
            );
            put("plan_aide.montant_mensuel", json!(cents(below(250_000))));
            if lieu != "domicile" {
                put("hebergement.etablissement_habilite", json!(below(5) > 0));
                put(
                    "hebergement.tarif_dependance_gir",
                    json!(cents(below(150_000))),
                );
                put(
                    "hebergement.tarif_dependance_gir_5_6",
                    json!(cents(below(30_000))),
                );
                put("hebergement.frais_mensuels", json!(cents(below(400_000))));
                put(
                    "hebergement.participation_obliges_alimentaires",
                    json!(cents(below(50_000))),
                );
            }
            match i % 10 {
                3 => {
                    row.remove("demandeur.gir");
                    row.remove("demandeur.situation_familiale");
                }
                5 => {
                    row.insert("demandeur.date_naissance".into(), json!("1938-02-30"));
                    row.insert("plan_aide.montant_mensuel".into(), json!("12.345"));
                }
                7 => {
                    row.insert("demandeur.domicile_secour".into(), json!("95"));
                }
                _ => {}
            }
            row
        })
        .collect()
}

fn nested(row: &Map<String, Json>) -> Json {
    let mut out = Json::Object(Map::new());
    for (path, value) in row {
        let mut node = &mut out;
        let parts: Vec<&str> = path.split('.').collect();
        let (last, parents) = parts.split_last().expect("a path");
        for p in parents {
            node = node
                .as_object_mut()
                .expect("object")
                .entry(*p)
                .or_insert_with(|| json!({}));
        }
        node.as_object_mut()
            .expect("object")
            .insert((*last).to_owned(), value.clone());
    }
    out
}

fn columns(rows: &[Map<String, Json>]) -> Vec<String> {
    let set: BTreeSet<&String> = rows.iter().flat_map(|r| r.keys()).collect();
    set.into_iter().cloned().collect()
}

fn cell_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn to_csv(rows: &[Map<String, Json>]) -> Vec<u8> {
    let names = columns(rows);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&names).expect("header");
    for row in rows {
        let cells: Vec<String> = names
            .iter()
            .map(|n| row.get(n).map(cell_text).unwrap_or_default())
            .collect();
        writer.write_record(&cells).expect("row");
    }
    writer.into_inner().expect("csv")
}

/// Typed Parquet: integers, booleans, text, and lists as JSON text.
fn to_parquet(rows: &[Map<String, Json>], path: &Path) {
    let names = columns(rows);
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for name in &names {
        let values: Vec<Option<&Json>> = rows.iter().map(|r| r.get(name)).collect();
        let (ty, array): (DataType, ArrayRef) = if values.iter().flatten().all(|v| v.is_u64()) {
            (
                DataType::Int64,
                Arc::new(
                    values
                        .iter()
                        .map(|v| v.and_then(Json::as_i64))
                        .collect::<Int64Array>(),
                ),
            )
        } else if values.iter().flatten().all(|v| v.is_boolean()) {
            (
                DataType::Boolean,
                Arc::new(
                    values
                        .iter()
                        .map(|v| v.and_then(Json::as_bool))
                        .collect::<BooleanArray>(),
                ),
            )
        } else {
            (
                DataType::Utf8,
                Arc::new(
                    values
                        .iter()
                        .map(|v| v.map(cell_text))
                        .collect::<StringArray>(),
                ),
            )
        };
        fields.push(Field::new(name, ty, true));
        arrays.push(array);
    }
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).expect("batch");
    let file = std::fs::File::create(path).expect("parquet file");
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");
}

fn json_lines(bytes: &[u8]) -> Vec<Json> {
    String::from_utf8(bytes.to_vec())
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn read_parquet(bytes: Vec<u8>) -> RecordBatch {
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        bytes::Bytes::from(bytes),
    )
    .expect("parquet")
    .build()
    .expect("reader");
    let batches: Vec<RecordBatch> = reader.map(|b| b.expect("batch")).collect();
    arrow_select::concat::concat_batches(&batches[0].schema(), &batches).expect("concat")
}

/// A cell of the columnar output in the published JSON form, by column name.
fn published(batch: &RecordBatch, name: &str, row: usize) -> Json {
    let column = batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("column {name}"));
    if column.is_null(row) {
        return Json::Null;
    }
    match column.data_type() {
        DataType::Boolean => json!(column.as_boolean().value(row)),
        DataType::Int64 => json!(column
            .as_primitive::<arrow_array::types::Int64Type>()
            .value(row)),
        DataType::Decimal128(_, _) => {
            json!(column.as_primitive::<Decimal128Type>().value_as_string(row))
        }
        DataType::Date32 => json!(column
            .as_primitive::<Date32Type>()
            .value_as_date(row)
            .expect("date")
            .to_string()),
        DataType::Utf8 => json!(column.as_string::<i32>().value(row)),
        DataType::List(_) => {
            let items = column.as_list::<i32>().value(row);
            let items = items.as_string::<i32>();
            Json::Array(items.iter().map(|s| json!(s.expect("text"))).collect())
        }
        other => panic!("type {other}"),
    }
}

/// Every row of `batch` says what the JSON Lines line says.
fn assert_agrees(batch: &RecordBatch, lines: &[Json]) {
    assert_eq!(batch.num_rows(), lines.len());
    for (row, line) in lines.iter().enumerate() {
        let at = format!("ligne {}", row + 1);
        assert_eq!(published(batch, "ligne", row), line["ligne"], "{at}");
        if let Some(error) = line.get("erreur") {
            assert_eq!(&published(batch, "erreur", row), error, "{at}");
            let detail: Json = serde_json::from_str(
                published(batch, "erreur_detail", row)
                    .as_str()
                    .expect("text"),
            )
            .expect("json");
            assert_eq!(detail, line["detail"], "{at}");
            continue;
        }
        assert_eq!(published(batch, "date", row), line["date"], "{at}");
        for (id, d) in line["dispositifs"].as_object().expect("dispositifs") {
            assert_eq!(
                published(batch, &format!("{id}.eligible"), row),
                d["eligible"],
                "{at} {id}"
            );
            // Only dispositifs with payment conditions have a `verse` column.
            if batch.schema().index_of(&format!("{id}.verse")).is_ok() {
                let verse = d.get("verse").cloned().unwrap_or(Json::Null);
                assert_eq!(
                    published(batch, &format!("{id}.verse"), row),
                    verse,
                    "{at} {id}"
                );
            }
            let failed: Vec<&Json> = d["motifs"]
                .as_array()
                .expect("motifs")
                .iter()
                .filter(|m| m["satisfaite"] == json!(false))
                .map(|m| &m["id"])
                .collect();
            assert_eq!(
                published(batch, &format!("{id}.motifs_echoues"), row),
                json!(failed),
                "{at} {id}"
            );
            for (name, value) in d["valeurs"].as_object().expect("valeurs") {
                assert_eq!(
                    &published(batch, &format!("{id}.{name}"), row),
                    value,
                    "{at} {id}.{name}"
                );
            }
        }
    }
}

#[test]
fn csv_and_parquet_in_and_out_agree_with_json_lines() {
    let rows = population(600);
    let jsonl: String = rows.iter().map(|r| format!("{}\n", nested(r))).collect();
    let (reference, code) = batch(&["--dossiers", "-"], jsonl.as_bytes());
    assert_eq!(
        code, 1,
        "the population has invalid and undetermined dossiers"
    );
    let reference = json_lines(&reference);
    assert_eq!(reference.len(), rows.len());
    assert!(reference.iter().any(|l| l.get("erreur").is_some()));
    assert!(reference.iter().any(|l| l.get("avertissements").is_some()));

    // In: CSV and Parquet, out: JSON Lines, line for line the same.
    let (from_csv, code) = batch(&["--dossiers", "-", "--entree", "csv"], &to_csv(&rows));
    assert_eq!(code, 1);
    assert_eq!(json_lines(&from_csv), reference);
    let dir = std::env::temp_dir().join(format!("socle-batch-formats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let parquet_in = dir.join("dossiers.parquet");
    to_parquet(&rows, &parquet_in);
    let (from_parquet, _) = batch(
        &[
            "--dossiers",
            parquet_in.to_str().expect("path"),
            "--entree",
            "parquet",
        ],
        b"",
    );
    assert_eq!(json_lines(&from_parquet), reference);

    // Out: Parquet (from JSON Lines and from CSV) and CSV, each row the JSON Lines line.
    let (parquet_out, _) = batch(
        &["--dossiers", "-", "--sortie", "parquet"],
        jsonl.as_bytes(),
    );
    let decided = read_parquet(parquet_out);
    assert_agrees(&decided, &reference);
    let (csv_to_parquet, _) = batch(
        &["--dossiers", "-", "--entree", "csv", "--sortie", "parquet"],
        &to_csv(&rows),
    );
    assert_eq!(read_parquet(csv_to_parquet), decided);
    let (csv_out, _) = batch(&["--dossiers", "-", "--sortie", "csv"], jsonl.as_bytes());
    let mut reader = csv::Reader::from_reader(&csv_out[..]);
    let header = reader.headers().expect("header").clone();
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(records.len(), rows.len());
    for (record, line) in records.iter().zip(&reference) {
        let cell = |name: &str| {
            record
                .get(header.iter().position(|h| h == name).expect(name))
                .expect("cell")
        };
        let Some(d) = line.get("dispositifs") else {
            assert_eq!(cell("erreur"), line["erreur"].as_str().expect("erreur"));
            continue;
        };
        let apa = &d["apa_domicile"];
        let eligible = match &apa["eligible"] {
            Json::Bool(b) => b.to_string(),
            _ => String::new(),
        };
        assert_eq!(cell("apa_domicile.eligible"), eligible);
        assert_eq!(
            cell("apa_domicile.montant"),
            apa["valeurs"]
                .get("montant")
                .and_then(Json::as_str)
                .unwrap_or("")
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_parquet_file_is_needed_and_bad_input_exits_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args([
            "batch",
            "rulesets/val-doise",
            "--dossiers",
            "-",
            "--entree",
            "parquet",
        ])
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("socle runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("parquet"));
    let out = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args([
            "batch",
            "rulesets/val-doise",
            "--dossiers",
            "Cargo.toml",
            "--entree",
            "parquet",
        ])
        .current_dir(root())
        .output()
        .expect("socle runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("erreur : "));
}

#[test]
fn an_empty_input_still_gets_its_header_and_exits_0() {
    let (out, code) = batch(
        &["--dossiers", "-", "--entree", "csv", "--sortie", "csv"],
        b"date_demande,demandeur.gir\n",
    );
    assert_eq!(code, 0);
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(text.lines().count(), 1);
    assert!(text.starts_with("ligne,date,erreur,erreur_detail,avertissements,"));
    let (out, code) = batch(&["--dossiers", "-", "--sortie", "parquet"], b"");
    assert_eq!(code, 0);
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        bytes::Bytes::from(out),
    )
    .expect("parquet");
    assert_eq!(reader.schema().field(0).name(), "ligne");
    assert_eq!(reader.metadata().file_metadata().num_rows(), 0);
}
