//! Socle's columnar door: dossiers as Arrow columns in, decisions as typed Arrow columns out.
//! One place for the conversion, used by `socle batch --entree/--sortie csv|parquet` and by the
//! Python package (`Engine.decide_batch`), so both read and write the same columns.
//!
//! **Input.** One column per dossier field, named by its dotted JSON path (`demandeur.gir`), or
//! a struct column per record (`demandeur` with a `gir` field); both may be mixed. Each row is
//! turned into the dossier JSON and read by the runtime's decoder, so a row is accepted or
//! refused exactly like the same dossier in JSON Lines, with the same JSON paths in its errors.
//! A null cell is a field left out (unknown, or absent when the field is optional). Text cells
//! are read as the field's type asks (`"3"` for an `entier`, `"true"`/`"vrai"` for a
//! `booléen`, a JSON array `["pch"]` for a list; an empty cell is null), so that CSV needs no
//! schema. Floats are read through their shortest decimal text (`1450.5`), decimals
//! (`Decimal128`) and dates (`Date32`) exactly.
//!
//! **Output** ([`output_schema`]): `date` (the decision date), `erreur` (the French message of
//! a row that could not be decided, null otherwise), `erreur_detail` (its typed `detail`, JSON
//! text, as `socle batch` writes it: `type`, `chemin`, `erreurs`…), `avertissements` (unknown
//! fields ignored), then per dispositif `D`: `D.eligible` (null when indéterminé), `D.verse`
//! when `D` has payment conditions (null when unknown or not eligible), one column per
//! named value `D.NAME` (money as `Decimal128(38, 2)`, integers `Int64`, flags `Boolean`,
//! dates `Date32`, everything else as the published JSON text: rates and decimal quantities
//! such as hours are exact strings), `D.motifs_echoues` (ids of the failed motifs),
//! `D.manquants` (missing fields' paths) and `D.erreur`.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod input;
mod output;

use arrow_array::RecordBatch;
use arrow_schema::ArrowError;
pub use socle_runtime::{Decided, Decider, Outcome};

pub use input::Rows;
pub use output::{output_schema, OutputColumns};

/// Why a batch of columns could not be read or written. A bad row is never one of these: it
/// gets its `erreur` in the output.
#[derive(Debug, thiserror::Error)]
pub enum ColumnarError {
    /// A column of a type no dossier field can be read from.
    #[error("colonne `{column}` : type {data_type} non pris en charge (attendu : booléen, entier, décimal, flottant, texte, date, liste ou structure)")]
    UnsupportedType {
        /// The column's name.
        column: String,
        /// Its Arrow type, as Arrow writes it.
        data_type: String,
    },
    /// Two columns give the same dossier field.
    #[error("colonne `{0}` : ce champ du dossier est donné par plusieurs colonnes")]
    DuplicateColumn(String),
    /// Building the output columns failed (a bug).
    #[error("construction des colonnes de résultat impossible : {0}")]
    Arrow(#[from] ArrowError),
}

/// The columnar side of a [`Decider`]: its output columns and whole record batches.
pub trait DecideColumns {
    /// The output columns for this ruleset and these dispositifs; with `line_numbers`, a
    /// first column `ligne` (1-based row number).
    fn output_schema(&self, line_numbers: bool) -> arrow_schema::SchemaRef;

    /// Empty output columns to append decisions to.
    fn output_columns(&self, line_numbers: bool) -> OutputColumns;

    /// Decides every row of `batch` on `threads` threads (at least one), in order. Returns
    /// one output batch per thread's share of rows, in row order, and the number of rows not
    /// fully decided. With `line_numbers`, the output starts with `ligne`, numbered from it.
    fn decide_batch(
        &self,
        batch: &RecordBatch,
        threads: usize,
        line_numbers: Option<usize>,
    ) -> Result<(Vec<RecordBatch>, usize), ColumnarError>;
}

impl DecideColumns for Decider {
    fn output_schema(&self, line_numbers: bool) -> arrow_schema::SchemaRef {
        output_schema(self.engine().program(), self.dispositifs(), line_numbers)
    }

    fn output_columns(&self, line_numbers: bool) -> OutputColumns {
        OutputColumns::new(self.engine().program(), self.dispositifs(), line_numbers)
    }

    fn decide_batch(
        &self,
        batch: &RecordBatch,
        threads: usize,
        line_numbers: Option<usize>,
    ) -> Result<(Vec<RecordBatch>, usize), ColumnarError> {
        let rows = Rows::new(self.engine().program(), batch)?;
        let n = batch.num_rows();
        let threads = threads.clamp(1, n.max(1));
        let share = n.div_ceil(threads).max(1);
        let decide_range = |start: usize| -> Result<(RecordBatch, usize), ColumnarError> {
            let end = start.saturating_add(share).min(n);
            let mut out = self.output_columns(line_numbers.is_some());
            let mut incomplete = 0;
            for row in start..end {
                let line = line_numbers.map(|first| first.saturating_add(row));
                let outcome = self.decide_json(&rows.dossier(row));
                if !outcome.as_ref().is_ok_and(Decided::is_complete) {
                    incomplete += 1;
                }
                out.push(line, &outcome);
            }
            Ok((out.finish()?, incomplete))
        };
        let starts: Vec<usize> = (0..n).step_by(share).collect();
        let results: Vec<Result<(RecordBatch, usize), ColumnarError>> = if starts.len() <= 1 {
            vec![decide_range(0)]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = starts
                    .iter()
                    .map(|start| scope.spawn(|| decide_range(*start)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(ColumnarError::Arrow(ArrowError::ComputeError(
                                "un fil de décision s'est arrêté".into(),
                            )))
                        })
                    })
                    .collect()
            })
        };
        let mut batches = Vec::with_capacity(results.len());
        let mut incomplete = 0;
        for result in results {
            let (batch, k) = result?;
            batches.push(batch);
            incomplete += k;
        }
        Ok((batches, incomplete))
    }
}
