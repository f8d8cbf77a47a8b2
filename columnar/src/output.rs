//! Decisions to typed Arrow columns (the output schema is described in the crate's doc).
//! Values go through the runtime's published JSON form (`Decision::value_json`), so a column
//! holds exactly what `socle batch` writes: money rounded to the cent the same way.

use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Int64Builder, ListBuilder,
    StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use chrono::{Datelike, NaiveDate};
use serde_json::Value as Json;
use socle_runtime::ir::{Program, Ty};
use socle_runtime::{Refusal, Value};

use crate::{Decided, Outcome};

/// Precision and scale of money columns: cents, exactly.
const MONEY: (u8, i8) = (38, 2);

/// Names of the per-dispositif columns that are not values; a value with one of these names
/// is published as `D.valeurs.NAME` instead.
const RESERVED: &[&str] = &["eligible", "verse", "motifs_echoues", "manquants", "erreur"];

/// How a value of type `ty` is stored.
#[derive(Clone, Copy)]
enum Kind {
    Bool,
    Int,
    Money,
    Date,
    /// The published JSON: a string as it is, anything else as JSON text.
    Json,
}

fn kind(ty: &Ty) -> Kind {
    match ty {
        Ty::Optional(inner) => kind(inner),
        Ty::Bool => Kind::Bool,
        Ty::Int => Kind::Int,
        Ty::Money(_) => Kind::Money,
        Ty::Date => Kind::Date,
        _ => Kind::Json,
    }
}

fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Bool => DataType::Boolean,
        Kind::Int => DataType::Int64,
        Kind::Money => DataType::Decimal128(MONEY.0, MONEY.1),
        Kind::Date => DataType::Date32,
        Kind::Json => DataType::Utf8,
    }
}

fn text_list() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

/// The output schema for `program`, its dispositifs at `positions` (in that order); with
/// `line_numbers`, a first column `ligne`.
pub fn output_schema(program: &Program, positions: &[usize], line_numbers: bool) -> SchemaRef {
    let mut fields = Vec::new();
    if line_numbers {
        fields.push(Field::new("ligne", DataType::Int64, false));
    }
    fields.push(Field::new("date", DataType::Date32, true));
    fields.push(Field::new("erreur", DataType::Utf8, true));
    fields.push(Field::new("erreur_detail", DataType::Utf8, true));
    fields.push(Field::new("avertissements", text_list(), true));
    for d in positions.iter().filter_map(|p| program.dispositifs.get(*p)) {
        let id = &d.name;
        fields.push(Field::new(
            format!("{id}.eligible"),
            DataType::Boolean,
            true,
        ));
        if has_payment(d) {
            fields.push(Field::new(format!("{id}.verse"), DataType::Boolean, true));
        }
        for output in &d.outputs {
            let name = value_column(id, &output.name);
            fields.push(Field::new(name, data_type(kind(&output.ty)), true));
        }
        fields.push(Field::new(
            format!("{id}.motifs_echoues"),
            text_list(),
            true,
        ));
        fields.push(Field::new(format!("{id}.manquants"), text_list(), true));
        fields.push(Field::new(format!("{id}.erreur"), DataType::Utf8, true));
    }
    Arc::new(Schema::new(fields))
}

/// A dispositif with payment conditions has a `verse` column: `false` when the right is open but
/// the payment withheld, null when unknown or when the right is not open.
fn has_payment(d: &socle_runtime::ir::Dispositif) -> bool {
    d.conditions.iter().any(|c| c.payment)
}

fn value_column(dispositif: &str, name: &str) -> String {
    if RESERVED.contains(&name) {
        format!("{dispositif}.valeurs.{name}")
    } else {
        format!("{dispositif}.{name}")
    }
}

/// One value column being built.
enum ValueBuilder {
    Bool(BooleanBuilder),
    Int(Int64Builder),
    Money(Decimal128Builder),
    Date(Date32Builder),
    Json(StringBuilder),
}

fn days(date: NaiveDate) -> i32 {
    // Days since 1970-01-01 (0001-01-01 is day 1 of the Common Era).
    date.num_days_from_ce() - 719_163
}

/// Cents of a published money string (`"986.47"`, `"-3.10"`).
fn cents(text: &str) -> Option<i128> {
    let (units, cents) = text.split_once('.').unwrap_or((text, "00"));
    let negative = units.starts_with('-');
    let units: i128 = units.trim_start_matches('-').parse().ok()?;
    let cents: i128 = cents.parse().ok()?;
    let total = units.checked_mul(100)?.checked_add(cents)?;
    Some(if negative { -total } else { total })
}

impl ValueBuilder {
    fn new(kind: Kind) -> ValueBuilder {
        match kind {
            Kind::Bool => ValueBuilder::Bool(BooleanBuilder::new()),
            Kind::Int => ValueBuilder::Int(Int64Builder::new()),
            Kind::Money => {
                ValueBuilder::Money(Decimal128Builder::new().with_data_type(data_type(Kind::Money)))
            }
            Kind::Date => ValueBuilder::Date(Date32Builder::new()),
            Kind::Json => ValueBuilder::Json(StringBuilder::new()),
        }
    }

    /// Appends a value given by its runtime form and its published JSON.
    fn push(&mut self, value: Option<(&Value, Json)>) {
        match (self, value) {
            (ValueBuilder::Bool(b), Some((_, Json::Bool(v)))) => b.append_value(v),
            (ValueBuilder::Int(b), Some((_, Json::Number(n)))) => b.append_option(n.as_i64()),
            (ValueBuilder::Money(b), Some((_, Json::String(s)))) => b.append_option(cents(&s)),
            (ValueBuilder::Date(b), Some((Value::Date(d), _))) => b.append_value(days(*d)),
            (ValueBuilder::Json(b), Some((_, Json::String(s)))) => b.append_value(s),
            (ValueBuilder::Json(b), Some((_, json))) if !json.is_null() => {
                b.append_value(json.to_string())
            }
            (ValueBuilder::Bool(b), _) => b.append_null(),
            (ValueBuilder::Int(b), _) => b.append_null(),
            (ValueBuilder::Money(b), _) => b.append_null(),
            (ValueBuilder::Date(b), _) => b.append_null(),
            (ValueBuilder::Json(b), _) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ValueBuilder::Bool(b) => Arc::new(b.finish()),
            ValueBuilder::Int(b) => Arc::new(b.finish()),
            ValueBuilder::Money(b) => Arc::new(b.finish()),
            ValueBuilder::Date(b) => Arc::new(b.finish()),
            ValueBuilder::Json(b) => Arc::new(b.finish()),
        }
    }
}

/// The columns of one dispositif being built.
struct DispositifColumns {
    id: String,
    eligible: BooleanBuilder,
    /// `Some` for a dispositif with payment conditions.
    paid: Option<BooleanBuilder>,
    /// Output name and its column.
    values: Vec<(String, ValueBuilder)>,
    failed: ListBuilder<StringBuilder>,
    missing: ListBuilder<StringBuilder>,
    error: StringBuilder,
}

impl DispositifColumns {
    /// A row where the dispositif was not decided (the dossier was refused).
    fn push_null(&mut self) {
        self.eligible.append_null();
        if let Some(paid) = &mut self.paid {
            paid.append_null();
        }
        for (_, v) in &mut self.values {
            v.push(None);
        }
        self.failed.append(false);
        self.missing.append(false);
        self.error.append_null();
    }
}

/// Output columns being built, one row per decided (or refused) dossier.
pub struct OutputColumns {
    schema: SchemaRef,
    line: Option<Int64Builder>,
    date: Date32Builder,
    error: StringBuilder,
    detail: StringBuilder,
    warnings: ListBuilder<StringBuilder>,
    dispositifs: Vec<DispositifColumns>,
}

impl OutputColumns {
    /// Empty columns for `program`'s dispositifs at `positions`.
    pub fn new(program: &Program, positions: &[usize], line_numbers: bool) -> OutputColumns {
        let dispositifs = positions
            .iter()
            .filter_map(|p| program.dispositifs.get(*p))
            .map(|d| DispositifColumns {
                id: d.name.clone(),
                eligible: BooleanBuilder::new(),
                paid: has_payment(d).then(BooleanBuilder::new),
                values: d
                    .outputs
                    .iter()
                    .map(|o| (o.name.clone(), ValueBuilder::new(kind(&o.ty))))
                    .collect(),
                failed: ListBuilder::new(StringBuilder::new()),
                missing: ListBuilder::new(StringBuilder::new()),
                error: StringBuilder::new(),
            })
            .collect();
        OutputColumns {
            schema: output_schema(program, positions, line_numbers),
            line: line_numbers.then(Int64Builder::new),
            date: Date32Builder::new(),
            error: StringBuilder::new(),
            detail: StringBuilder::new(),
            warnings: ListBuilder::new(StringBuilder::new()),
            dispositifs,
        }
    }

    /// The number of rows appended since the last [`OutputColumns::finish`].
    pub fn len(&self) -> usize {
        self.date.len()
    }

    /// Whether no row was appended since the last [`OutputColumns::finish`].
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends the row of one dossier, numbered `line` when the columns have `ligne`.
    pub fn push(&mut self, line: Option<usize>, outcome: &Outcome) {
        match outcome {
            Ok(decided) => self.push_decided(line, decided),
            Err(refusal) => {
                self.push_error(line, &refusal.message(), &refusal.to_json());
                self.push_warnings(match refusal {
                    Refusal::Invalid(e) => &e.warnings,
                    Refusal::Evaluation(_) => &[],
                });
            }
        }
    }

    /// Appends a row that is no dossier at all (a blank or unreadable JSON Lines line):
    /// its French message and its typed `detail`.
    pub fn push_line_error(&mut self, line: Option<usize>, message: &str, detail: &Json) {
        self.push_error(line, message, detail);
        self.warnings.append(false);
    }

    fn push_line(&mut self, line: Option<usize>) {
        if let Some(b) = &mut self.line {
            b.append_value(line.and_then(|l| i64::try_from(l).ok()).unwrap_or(0));
        }
    }

    fn push_error(&mut self, line: Option<usize>, message: &str, detail: &Json) {
        self.push_line(line);
        self.date.append_null();
        self.error.append_value(message);
        self.detail.append_value(detail.to_string());
        for d in &mut self.dispositifs {
            d.push_null();
        }
    }

    fn push_warnings(&mut self, warnings: &[socle_runtime::DossierWarning]) {
        if warnings.is_empty() {
            self.warnings.append(false);
        } else {
            for w in warnings {
                self.warnings.values().append_value(w.to_string());
            }
            self.warnings.append(true);
        }
    }

    fn push_decided(&mut self, line: Option<usize>, decided: &Decided) {
        let decision = &decided.decision;
        let program = decision.program();
        self.push_line(line);
        self.date.append_value(days(decision.date));
        self.error.append_null();
        self.detail.append_null();
        self.push_warnings(&decided.warnings);
        for d in &mut self.dispositifs {
            let Some(made) = decision.dispositif(&d.id) else {
                d.push_null();
                continue;
            };
            d.eligible.append_option(made.eligible);
            if let Some(paid) = &mut d.paid {
                paid.append_option(made.payment.verse().flatten());
            }
            for (name, column) in &mut d.values {
                let value = made.values.iter().find(|v| &*v.name == name.as_str());
                column.push(value.map(|v| (&v.value, decision.value_json(&v.value, &v.ty))));
            }
            for m in made.motifs.iter().filter(|m| m.satisfied == Some(false)) {
                d.failed.values().append_value(m.id());
            }
            d.failed.append(true);
            for slot in &made.missing {
                let path = program.input_paths.get(*slot as usize);
                d.missing.values().append_option(path);
            }
            d.missing.append(true);
            d.error
                .append_option(made.error.as_ref().map(ToString::to_string));
        }
    }

    /// The rows appended so far, as one record batch; the columns start empty again.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(self.schema.fields().len());
        if let Some(b) = &mut self.line {
            columns.push(Arc::new(b.finish()));
        }
        columns.push(Arc::new(self.date.finish()));
        columns.push(Arc::new(self.error.finish()));
        columns.push(Arc::new(self.detail.finish()));
        columns.push(Arc::new(self.warnings.finish()));
        for d in &mut self.dispositifs {
            columns.push(Arc::new(d.eligible.finish()));
            if let Some(paid) = &mut d.paid {
                columns.push(Arc::new(paid.finish()));
            }
            for (_, v) in &mut d.values {
                columns.push(v.finish());
            }
            columns.push(Arc::new(d.failed.finish()));
            columns.push(Arc::new(d.missing.finish()));
            columns.push(Arc::new(d.error.finish()));
        }
        RecordBatch::try_new(self.schema.clone(), columns)
    }
}
