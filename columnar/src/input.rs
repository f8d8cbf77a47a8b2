//! Arrow columns to dossier JSON, row by row. The columns are planned once per batch (their
//! dossier path, the type the ruleset expects there, whether Arrow's type can be read); each
//! row then becomes the JSON object the runtime's decoder reads, so validation and its error
//! paths are the decoder's alone.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use serde_json::{Map, Number, Value as Json};
use socle_runtime::ir::{InputField, InputKind, Program, Ty};

use crate::ColumnarError;

/// What the ruleset expects at a dossier path.
#[derive(Clone, Copy)]
enum Expect<'p> {
    Leaf(&'p Ty),
    Record(&'p [InputField]),
    /// A path the ruleset does not read: passed on as it is (the decoder warns).
    Unknown,
}

impl<'p> Expect<'p> {
    fn field(self, name: &str) -> Expect<'p> {
        match self {
            Expect::Record(fields) => match fields.iter().find(|f| f.name == name) {
                Some(InputField {
                    kind: InputKind::Leaf { ty, .. },
                    ..
                }) => Expect::Leaf(ty),
                Some(InputField {
                    kind: InputKind::Record(inner),
                    ..
                }) => Expect::Record(inner),
                None => Expect::Unknown,
            },
            _ => Expect::Unknown,
        }
    }

    fn item(self) -> Expect<'p> {
        match self {
            Expect::Leaf(Ty::List(inner)) => Expect::Leaf(inner),
            Expect::Leaf(Ty::Optional(inner)) => Expect::Leaf(inner).item(),
            _ => Expect::Unknown,
        }
    }

    /// The type expected, optional or not.
    fn ty(self) -> Option<&'p Ty> {
        let mut ty = match self {
            Expect::Leaf(ty) => ty,
            _ => return None,
        };
        while let Ty::Optional(inner) = ty {
            ty = inner;
        }
        Some(ty)
    }
}

/// One input column, planned.
struct Column<'a, 'p> {
    path: Vec<&'a str>,
    expect: Expect<'p>,
    array: &'a ArrayRef,
}

/// The rows of one record batch, ready to be turned into dossiers.
pub struct Rows<'a, 'p> {
    columns: Vec<Column<'a, 'p>>,
}

impl<'a, 'p> Rows<'a, 'p> {
    /// Plans the columns of `batch` for `program`: a column of an unreadable type, or two
    /// columns for one field, is an error for the whole batch.
    pub fn new(
        program: &'p Program,
        batch: &'a RecordBatch,
    ) -> Result<Rows<'a, 'p>, ColumnarError> {
        let root = Expect::Record(&program.inputs);
        let mut columns = Vec::with_capacity(batch.num_columns());
        let mut seen = std::collections::HashSet::new();
        for (field, array) in batch.schema_ref().fields().iter().zip(batch.columns()) {
            check_type(field.name(), array.data_type())?;
            if !seen.insert(field.name().as_str()) {
                return Err(ColumnarError::DuplicateColumn(field.name().clone()));
            }
            let path: Vec<&str> = field.name().split('.').collect();
            let expect = path.iter().fold(root, |e, name| e.field(name));
            columns.push(Column {
                path,
                expect,
                array,
            });
        }
        Ok(Rows { columns })
    }

    /// Row `row` as a dossier JSON object. Null cells are left out.
    pub fn dossier(&self, row: usize) -> Json {
        let mut dossier = Map::new();
        for column in &self.columns {
            if let Some(value) = cell(column.array.as_ref(), row, column.expect) {
                insert(&mut dossier, &column.path, value);
            }
        }
        Json::Object(dossier)
    }
}

/// Puts `value` at `path` in `object`, creating the records on the way (a column
/// `demandeur.gir` beside a struct column `demandeur` merges into it).
fn insert(object: &mut Map<String, Json>, path: &[&str], value: Json) {
    match path {
        [] => {}
        [last] => match (object.get_mut(*last), value) {
            (Some(Json::Object(existing)), Json::Object(more)) => existing.extend(more),
            (_, value) => {
                object.insert((*last).to_owned(), value);
            }
        },
        [first, rest @ ..] => {
            let entry = object
                .entry((*first).to_owned())
                .or_insert_with(|| Json::Object(Map::new()));
            if !entry.is_object() {
                *entry = Json::Object(Map::new());
            }
            if let Json::Object(inner) = entry {
                insert(inner, rest, value);
            }
        }
    }
}

fn check_type(column: &str, data_type: &DataType) -> Result<(), ColumnarError> {
    let ok = match data_type {
        DataType::Null
        | DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal128(_, _)
        | DataType::Decimal256(_, _)
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Date32
        | DataType::Date64 => true,
        DataType::List(item) | DataType::LargeList(item) => {
            return check_type(column, item.data_type())
        }
        DataType::Struct(fields) => {
            for f in fields {
                check_type(&format!("{column}.{}", f.name()), f.data_type())?;
            }
            return Ok(());
        }
        DataType::Dictionary(_, values) => return check_type(column, values),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ColumnarError::UnsupportedType {
            column: column.to_owned(),
            data_type: data_type.to_string(),
        })
    }
}

fn int(n: impl Into<Number>) -> Json {
    Json::Number(n.into())
}

/// A float through its shortest decimal text, so `1450.5` stays `1450.5`.
fn float(f: f64) -> Json {
    if !f.is_finite() {
        return Json::String(f.to_string());
    }
    serde_json::from_str(&f.to_string()).unwrap_or_else(|_| Json::String(f.to_string()))
}

/// The JSON of one cell, `None` when it is null.
fn cell(array: &dyn Array, row: usize, expect: Expect) -> Option<Json> {
    if array.is_null(row) {
        return None;
    }
    let value = match array.data_type() {
        DataType::Boolean => Json::Bool(array.as_boolean().value(row)),
        DataType::Int8 => int(array.as_primitive::<Int8Type>().value(row)),
        DataType::Int16 => int(array.as_primitive::<Int16Type>().value(row)),
        DataType::Int32 => int(array.as_primitive::<Int32Type>().value(row)),
        DataType::Int64 => int(array.as_primitive::<Int64Type>().value(row)),
        DataType::UInt8 => int(array.as_primitive::<UInt8Type>().value(row)),
        DataType::UInt16 => int(array.as_primitive::<UInt16Type>().value(row)),
        DataType::UInt32 => int(array.as_primitive::<UInt32Type>().value(row)),
        DataType::UInt64 => int(array.as_primitive::<UInt64Type>().value(row)),
        DataType::Float32 => float(f64::from(array.as_primitive::<Float32Type>().value(row))),
        DataType::Float64 => float(array.as_primitive::<Float64Type>().value(row)),
        DataType::Decimal128(_, _) => Json::String(
            array
                .as_primitive::<arrow_array::types::Decimal128Type>()
                .value_as_string(row),
        ),
        DataType::Decimal256(_, _) => Json::String(
            array
                .as_primitive::<arrow_array::types::Decimal256Type>()
                .value_as_string(row),
        ),
        DataType::Date32 => date(array.as_primitive::<Date32Type>().value_as_date(row)),
        DataType::Date64 => date(array.as_primitive::<Date64Type>().value_as_date(row)),
        DataType::Utf8 => return text(array.as_string::<i32>().value(row), expect),
        DataType::LargeUtf8 => return text(array.as_string::<i64>().value(row), expect),
        DataType::Utf8View => return text(array.as_string_view().value(row), expect),
        DataType::List(_) => list(&array.as_list::<i32>().value(row), expect),
        DataType::LargeList(_) => list(&array.as_list::<i64>().value(row), expect),
        DataType::Struct(fields) => {
            let record = array.as_struct();
            let mut object = Map::new();
            for (field, child) in fields.iter().zip(record.columns()) {
                if let Some(v) = cell(child.as_ref(), row, expect.field(field.name())) {
                    insert(&mut object, &field.name().split('.').collect::<Vec<_>>(), v);
                }
            }
            Json::Object(object)
        }
        DataType::Dictionary(_, _) => {
            let dictionary = array.as_any_dictionary_opt()?;
            let key = dictionary.normalized_keys().get(row).copied()?;
            return cell(dictionary.values().as_ref(), key, expect);
        }
        _ => return None,
    };
    Some(value)
}

fn date(date: Option<chrono::NaiveDate>) -> Json {
    date.map_or(Json::Null, |d| Json::String(d.to_string()))
}

fn list(items: &ArrayRef, expect: Expect) -> Json {
    let item = expect.item();
    Json::Array(
        (0..items.len())
            .map(|i| cell(items.as_ref(), i, item).unwrap_or(Json::Null))
            .collect(),
    )
}

/// A text cell read as the field's type asks (CSV has nothing but text). What cannot be read
/// so is passed on as text, for the decoder to refuse with its path.
fn text(s: &str, expect: Expect) -> Option<Json> {
    let as_text = || Some(Json::String(s.to_owned()));
    let Some(ty) = expect.ty() else {
        return match expect {
            Expect::Record(_) if s.trim().is_empty() => None,
            Expect::Record(_) => serde_json::from_str(s).ok().or_else(as_text),
            _ => as_text(),
        };
    };
    if matches!(ty, Ty::Text) {
        return as_text();
    }
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return None;
    }
    match ty {
        Ty::Bool => match trimmed {
            "true" | "vrai" => Some(Json::Bool(true)),
            "false" | "faux" => Some(Json::Bool(false)),
            _ => as_text(),
        },
        Ty::Int | Ty::Duration(_) => trimmed.parse::<i64>().map(int).ok().or_else(as_text),
        Ty::List(_) if trimmed.starts_with('[') => match serde_json::from_str::<Json>(trimmed) {
            Ok(Json::Array(items)) => Some(Json::Array(items)),
            _ => as_text(),
        },
        _ => Some(Json::String(trimmed.to_owned())),
    }
}
