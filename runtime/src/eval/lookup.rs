//! Dated lookups: scalar parameters, parameter tables and barèmes at a date.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::unknown::fail;
use super::{Eval, R};
use crate::error::EvalError;
use crate::ir::{Bareme, BaremeWant, DefId, Interval, ParamId, ParamValue, Program};
use crate::ops::{self, Fault};
use crate::render::write_human;
use crate::trace::{ParamRead, Tracer};
use crate::value::Value;

impl<T: Tracer> Eval<'_, T> {
    pub(super) fn param(&mut self, id: ParamId, date: NaiveDate) -> R<Value> {
        let Some(param) = self.p.params.get(id as usize) else {
            return Err(self.internal("paramètre inconnu"));
        };
        let Some(version) = find_version(param.versions.iter().map(|v| (v.from, v.until)), date)
        else {
            return Err(fail(EvalError::NoParamVersion {
                param: param.name.clone(),
                date,
            }));
        };
        match param.versions.get(version).map(|v| &v.value) {
            Some(ParamValue::Scalar(value)) => {
                self.tracer
                    .read_param(ParamRead::Scalar { param: id, version });
                Ok(value.clone())
            }
            _ => Err(self.internal("table lue sans clé")),
        }
    }

    pub(super) fn table_get(&mut self, id: ParamId, key: &Value, date: NaiveDate) -> R<Value> {
        let Some(param) = self.p.params.get(id as usize) else {
            return Err(self.internal("paramètre inconnu"));
        };
        let Some(version) = find_version(param.versions.iter().map(|v| (v.from, v.until)), date)
        else {
            return Err(fail(EvalError::NoParamVersion {
                param: param.name.clone(),
                date,
            }));
        };
        let Some(ParamValue::Table(entries)) = param.versions.get(version).map(|v| &v.value) else {
            return Err(self.internal("paramètre simple lu comme une table"));
        };
        match entries.iter().position(|(k, _)| ops::equal(k, key)) {
            Some(entry) => {
                self.tracer.read_param(ParamRead::Table {
                    param: id,
                    version,
                    entry,
                });
                entries
                    .get(entry)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| self.internal("entrée de table"))
            }
            None => {
                let key_ty = param.key_ty.clone().unwrap_or(crate::ir::Ty::Text);
                let mut rendered = String::from("la clé ");
                write_human(&mut rendered, key, &key_ty, &self.p.enums);
                Err(fail(EvalError::MissingTableKey {
                    param: param.name.clone(),
                    key: rendered,
                    date,
                }))
            }
        }
    }

    pub(super) fn bareme(
        &mut self,
        id: u32,
        x: &Value,
        column: Option<&Value>,
        date: NaiveDate,
        want: BaremeWant,
    ) -> R<Value> {
        let p = self.p;
        let Some(bareme) = p.baremes.get(id as usize) else {
            return Err(self.internal("barème inconnu"));
        };
        let x_dec = match x {
            Value::Int(i) => Decimal::from(*i),
            Value::Dec(d) => *d,
            Value::Absent => return Err(self.fault(Fault::Absent)),
            _ => return Err(self.internal("nombre attendu pour le barème")),
        };
        let column = match (bareme.columns, column) {
            (None, None) => None,
            (Some(e), Some(Value::Enum { ty, variant })) if *ty == e => Some(*variant),
            (Some(_), Some(Value::Absent)) => return Err(self.fault(Fault::Absent)),
            _ => return Err(self.internal("colonne du barème incohérente")),
        };
        let Some(version) = find_version(bareme.versions.iter().map(|v| (v.from, v.until)), date)
        else {
            return Err(fail(EvalError::NoParamVersion {
                param: bareme.name.clone(),
                date,
            }));
        };
        let rows = bareme.versions.get(version).map_or(&[][..], |v| &v.rows);
        let column_index = column.unwrap_or(0) as usize;
        let found = rows.iter().position(|row| {
            row.intervals
                .get(column_index)
                .is_some_and(|interval| contains(interval, x_dec))
        });
        let Some((row_index, row)) = found.and_then(|i| rows.get(i).map(|r| (i, r))) else {
            return Err(fail(no_tranche(bareme, x, date, &p.enums)));
        };
        self.tracer.read_param(ParamRead::Bareme {
            bareme: id,
            version,
            row: row_index,
            column,
        });
        Ok(match want {
            BaremeWant::Value => row.value.clone(),
            BaremeWant::TrancheNumber => Value::Int(i64::from(row.number)),
        })
    }
}

pub(super) fn def_name(p: &Program, id: DefId) -> String {
    p.defs
        .get(id as usize)
        .map_or_else(String::new, |d| d.name.clone())
}

fn no_tranche(
    bareme: &Bareme,
    x: &Value,
    date: NaiveDate,
    enums: &[crate::ir::EnumDef],
) -> EvalError {
    let mut rendered = String::new();
    write_human(&mut rendered, x, &bareme.input_ty, enums);
    EvalError::NoTranche {
        bareme: bareme.name.clone(),
        x: rendered,
        date,
    }
}

pub(crate) fn contains(interval: &Interval, x: Decimal) -> bool {
    let above = if interval.lower_inclusive {
        x >= interval.lower
    } else {
        x > interval.lower
    };
    let below = match interval.upper {
        None => true,
        Some((upper, true)) => x <= upper,
        Some((upper, false)) => x < upper,
    };
    above && below
}

/// The version in force at `date`; versions are sorted by start date (checked by the engine).
pub(crate) fn find_version(
    versions: impl DoubleEndedIterator<Item = (NaiveDate, Option<NaiveDate>)> + ExactSizeIterator,
    date: NaiveDate,
) -> Option<usize> {
    let count = versions.len();
    let (back, (_, until)) = versions
        .rev()
        .enumerate()
        .find(|(_, (from, _))| *from <= date)?;
    if until.is_some_and(|u| date > u) {
        return None;
    }
    Some(count - 1 - back)
}
