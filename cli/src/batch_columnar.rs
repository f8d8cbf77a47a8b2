//! `socle batch --entree csv|jsonl|parquet --sortie csv|jsonl|parquet`: the columnar formats
//! of `socle batch` (JSON Lines in and out stays `batch.rs`). Columns are dotted dossier paths
//! in and the decision columns of `socle_columnar` out (shared with the Python package); a
//! JSON Lines side reads or writes exactly what `socle batch` does. One output row per input
//! row, in order, each with its `ligne`; the input is read and written batch by batch.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use clap::ValueEnum;
use serde_json::{Map, Value as Json};
use socle_cli::lines::{next_line, MAX_DOSSIER_BYTES};
use socle_columnar::{DecideColumns, Decider, Outcome, OutputColumns, Rows};
use socle_runtime::batch_line::answer;

use crate::decide::{decider, DecideArgs};
use crate::exit::{stdout_failed, usage_error, Status};

/// Rows per output batch (and per CSV input batch).
const BATCH_ROWS: usize = 8192;

/// A file format of `socle batch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    /// JSON Lines: one dossier (or result) per line.
    Jsonl,
    /// CSV with a header line of dotted paths (`demandeur.gir`).
    Csv,
    /// Apache Parquet.
    Parquet,
}

/// Why a run stopped before the end of its input.
enum Stop {
    Usage(String),
    Write(std::io::Error),
}

impl From<ArrowError> for Stop {
    fn from(e: ArrowError) -> Stop {
        match e {
            ArrowError::IoError(_, io) => Stop::Write(io),
            other => Stop::Usage(other.to_string()),
        }
    }
}

impl From<parquet::errors::ParquetError> for Stop {
    fn from(e: parquet::errors::ParquetError) -> Stop {
        Stop::Usage(format!("Parquet : {e}"))
    }
}

/// Where results go.
enum Writer {
    Jsonl(std::io::BufWriter<std::io::Stdout>),
    Csv(Box<arrow_csv::Writer<std::io::Stdout>>),
    Parquet(Box<parquet::arrow::ArrowWriter<std::io::Stdout>>),
}

/// The writer, and the rows decided one by one not yet written (columnar outputs).
struct Sink {
    writer: Writer,
    columns: OutputColumns,
    /// Whether a batch was written (an empty input still gets its CSV header).
    wrote: bool,
}

/// `ligne` first, then the fields of a decision or of a refusal, as `socle batch` writes it.
fn json_line(line: usize, outcome: &Outcome) -> Json {
    let body = match outcome {
        Ok(decided) => decided.to_json(),
        Err(refusal) => refusal.line_json(),
    };
    let mut value = Map::new();
    value.insert("ligne".to_owned(), line.into());
    if let Json::Object(fields) = body {
        value.extend(fields);
    }
    Json::Object(value)
}

/// List columns (motifs, missing fields, warnings) as JSON arrays in text, for CSV.
fn lists_as_json(batch: &RecordBatch) -> Result<RecordBatch, ArrowError> {
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (field, column) in batch.schema_ref().fields().iter().zip(batch.columns()) {
        let Some(list) = column.as_list_opt::<i32>() else {
            fields.push(field.as_ref().clone());
            columns.push(column.clone());
            continue;
        };
        let text: StringArray = (0..list.len())
            .map(|i| {
                (!list.is_null(i)).then(|| {
                    let items = list.value(i);
                    let items = items.as_string_opt::<i32>();
                    let texts: Vec<Json> = items
                        .map(|s| s.iter().map(|v| Json::from(v.unwrap_or(""))).collect())
                        .unwrap_or_default();
                    Json::Array(texts).to_string()
                })
            })
            .collect();
        fields.push(Field::new(field.name(), DataType::Utf8, true));
        columns.push(Arc::new(text));
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
}

impl Sink {
    fn open(format: BatchFormat, decider: &Decider) -> Result<Sink, Stop> {
        let stdout = std::io::stdout();
        let writer = match format {
            BatchFormat::Jsonl => Writer::Jsonl(std::io::BufWriter::new(stdout)),
            BatchFormat::Csv => Writer::Csv(Box::new(
                arrow_csv::WriterBuilder::new()
                    .with_header(true)
                    .build(stdout),
            )),
            BatchFormat::Parquet => {
                let properties = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::SNAPPY)
                    .build();
                Writer::Parquet(Box::new(parquet::arrow::ArrowWriter::try_new(
                    stdout,
                    decider.output_schema(true),
                    Some(properties),
                )?))
            }
        };
        Ok(Sink {
            writer,
            columns: decider.output_columns(true),
            wrote: false,
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<(), Stop> {
        self.wrote = true;
        match &mut self.writer {
            Writer::Jsonl(_) => Ok(()),
            Writer::Csv(writer) => Ok(writer.write(&lists_as_json(batch)?)?),
            Writer::Parquet(writer) => Ok(writer.write(batch)?),
        }
    }

    /// Writes the rows pushed so far, when there are enough of them (or `all`).
    fn flush_rows(&mut self, all: bool) -> Result<(), Stop> {
        if let Writer::Jsonl(out) = &mut self.writer {
            return out.flush().map_err(Stop::Write);
        }
        if self.columns.is_empty() || (!all && self.columns.len() < BATCH_ROWS) {
            return Ok(());
        }
        let batch = self.columns.finish()?;
        self.write(&batch)
    }

    /// One input row decided (or refused).
    fn push(&mut self, line: usize, outcome: &Outcome) -> Result<(), Stop> {
        match &mut self.writer {
            Writer::Jsonl(out) => {
                writeln!(out, "{}", json_line(line, outcome)).map_err(Stop::Write)?
            }
            _ => self.columns.push(Some(line), outcome),
        }
        self.flush_rows(false)
    }

    /// A JSON Lines line that holds no dossier (blank, not UTF-8, too long): `line_json` is
    /// what `socle batch` writes for it.
    fn push_line_error(&mut self, line: usize, line_json: &Json) -> Result<(), Stop> {
        match &mut self.writer {
            Writer::Jsonl(out) => writeln!(out, "{line_json}").map_err(Stop::Write)?,
            _ => {
                let message = line_json.get("erreur").and_then(Json::as_str);
                let detail = line_json.get("detail").unwrap_or(&Json::Null);
                self.columns
                    .push_line_error(Some(line), message.unwrap_or_default(), detail);
            }
        }
        self.flush_rows(false)
    }

    /// A batch of input rows starting at `first_line`; returns how many were not fully decided.
    fn push_batch(
        &mut self,
        decider: &Decider,
        batch: &RecordBatch,
        first_line: usize,
    ) -> Result<usize, Stop> {
        if let Writer::Jsonl(_) = self.writer {
            let rows = Rows::new(decider.engine().program(), batch)
                .map_err(|e| Stop::Usage(e.to_string()))?;
            let mut incomplete = 0;
            for row in 0..batch.num_rows() {
                let outcome = decider.decide_json(&rows.dossier(row));
                incomplete += usize::from(!outcome.as_ref().is_ok_and(|d| d.is_complete()));
                self.push(first_line + row, &outcome)?;
            }
            return Ok(incomplete);
        }
        self.flush_rows(true)?;
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let (batches, incomplete) = decider
            .decide_batch(batch, threads, Some(first_line))
            .map_err(|e| Stop::Usage(e.to_string()))?;
        for out in &batches {
            self.write(out)?;
        }
        Ok(incomplete)
    }

    fn close(mut self) -> Result<(), Stop> {
        self.flush_rows(true)?;
        if !self.wrote {
            let empty = self.columns.finish()?;
            self.write(&empty)?;
        }
        match self.writer {
            Writer::Jsonl(mut out) => out.flush().map_err(Stop::Write),
            Writer::Csv(writer) => writer.into_inner().flush().map_err(Stop::Write),
            Writer::Parquet(writer) => {
                writer.close()?;
                Ok(())
            }
        }
    }
}

/// JSON Lines in: each line as `socle batch` reads it.
fn from_lines(decider: &Decider, input: &mut dyn BufRead, sink: &mut Sink) -> Result<usize, Stop> {
    let mut buf = Vec::new();
    let mut number = 0usize;
    let mut incomplete = 0usize;
    while let Some(line) = next_line(input, &mut buf, MAX_DOSSIER_BYTES)
        .map_err(|e| Stop::Usage(format!("lecture impossible après la ligne {number} ({e})")))?
    {
        number += 1;
        let mut outcome = None;
        // A line that is not a dossier (blank, too long, not UTF-8) is written by `answer`
        // as `socle batch` writes it; its object becomes the row's error.
        let mut written = Vec::new();
        let complete = answer(number, line, MAX_DOSSIER_BYTES, &mut written, |text, _| {
            let decided = decider.decide(text);
            let complete = decided.as_ref().is_ok_and(|d| d.is_complete());
            outcome = Some(decided);
            complete
        });
        incomplete += usize::from(!complete);
        match outcome {
            Some(outcome) => sink.push(number, &outcome)?,
            None => {
                let value: Json = serde_json::from_slice(&written).unwrap_or(Json::Null);
                sink.push_line_error(number, &value)?
            }
        }
    }
    Ok(incomplete)
}

/// CSV in: the header names the columns, every cell is read as text (the columnar reader
/// reads it as the field's type asks).
fn csv_batches(
    mut input: Box<dyn BufRead>,
) -> Result<arrow_csv::reader::BufReader<Box<dyn BufRead>>, Stop> {
    let mut header = String::new();
    input
        .read_line(&mut header)
        .map_err(|e| Stop::Usage(format!("lecture impossible ({e})")))?;
    let names = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(header.as_bytes())
        .records()
        .next()
        .transpose()
        .map_err(|e| Stop::Usage(format!("ligne d'en-tête CSV illisible ({e})")))?
        .ok_or_else(|| Stop::Usage("fichier CSV vide : une ligne d'en-tête est attendue".into()))?;
    let schema = Schema::new(
        names
            .iter()
            .map(|n| Field::new(n, DataType::Utf8, true))
            .collect::<Vec<_>>(),
    );
    Ok(arrow_csv::ReaderBuilder::new(Arc::new(schema))
        .with_header(false)
        .with_batch_size(BATCH_ROWS)
        .build_buffered(input)?)
}

fn from_batches(
    decider: &Decider,
    batches: &mut dyn Iterator<Item = Result<RecordBatch, ArrowError>>,
    sink: &mut Sink,
) -> Result<usize, Stop> {
    let mut next_line = 1usize;
    let mut incomplete = 0usize;
    for batch in batches {
        let batch = batch.map_err(|e| Stop::Usage(format!("lecture impossible ({e})")))?;
        incomplete += sink.push_batch(decider, &batch, next_line)?;
        next_line += batch.num_rows();
    }
    Ok(incomplete)
}

fn decide_all(
    decider: &Decider,
    dossiers: &Path,
    input: BatchFormat,
    sink: &mut Sink,
) -> Result<usize, Stop> {
    match input {
        BatchFormat::Jsonl => {
            let mut reader =
                crate::input::open(dossiers).map_err(|_| Stop::Usage(String::new()))?;
            from_lines(decider, &mut reader, sink)
        }
        BatchFormat::Csv => {
            let reader = crate::input::open(dossiers).map_err(|_| Stop::Usage(String::new()))?;
            from_batches(decider, &mut csv_batches(reader)?, sink)
        }
        BatchFormat::Parquet => {
            if dossiers == Path::new("-") {
                return Err(Stop::Usage(
                    "--entree parquet lit un fichier, pas l'entrée standard".into(),
                ));
            }
            let file = std::fs::File::open(dossiers).map_err(|e| {
                Stop::Usage(format!("{} : lecture impossible ({e})", dossiers.display()))
            })?;
            let mut reader =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)?
                    .with_batch_size(BATCH_ROWS)
                    .build()?;
            from_batches(decider, &mut reader, sink)
        }
    }
}

pub fn run(
    ruleset: &Path,
    dossiers: &Path,
    args: &DecideArgs,
    input: BatchFormat,
    output: BatchFormat,
) -> Status {
    let decider = match decider(ruleset, args) {
        Ok(decider) => decider,
        Err(status) => return status,
    };
    let result = Sink::open(output, &decider).and_then(|mut sink| {
        let incomplete = decide_all(&decider, dossiers, input, &mut sink)?;
        sink.close()?;
        Ok(incomplete)
    });
    match result {
        Ok(0) => Status::Ok,
        Ok(incomplete) => {
            eprintln!("{incomplete} dossier(s) invalide(s) ou incomplètement décidé(s)");
            Status::Failure
        }
        // The message was already printed where it was found.
        Err(Stop::Usage(message)) if message.is_empty() => Status::Usage,
        Err(Stop::Usage(message)) => usage_error(format!("{} : {message}", dossiers.display())),
        Err(Stop::Write(e)) => stdout_failed(&e),
    }
}
