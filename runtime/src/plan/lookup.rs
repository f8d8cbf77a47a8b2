//! Dated lookups for the plan: `eval/lookup.rs` on plan values. Parameter values were
//! converted when the plan was compiled; a version missing at the date, a key missing from a
//! table or a value outside every tranche bails (the reference names the error).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::exec::Exec;
use super::value::V;
use super::{Bail, PlanParamValue, R};
use crate::eval::lookup::{contains, find_version};
use crate::ir::BaremeWant;

impl Exec<'_> {
    pub(super) fn param(&self, id: u32, date: NaiveDate) -> R<V> {
        let param = self.plan.params.get(id as usize).ok_or(Bail)?;
        let version = param
            .versions
            .get(find_version(param.versions.iter().map(|v| (v.0, v.1)), date).ok_or(Bail)?)
            .ok_or(Bail)?;
        match version.2 {
            PlanParamValue::Scalar(Some(v)) => Ok(v),
            _ => Err(Bail),
        }
    }

    pub(super) fn table_get(&self, id: u32, key: V, date: NaiveDate) -> R<V> {
        let param = self.plan.params.get(id as usize).ok_or(Bail)?;
        let version = param
            .versions
            .get(find_version(param.versions.iter().map(|v| (v.0, v.1)), date).ok_or(Bail)?)
            .ok_or(Bail)?;
        match &version.2 {
            PlanParamValue::Table(Some(entries)) => entries
                .iter()
                .find(|(k, _)| self.equal(*k, key))
                .map(|(_, v)| *v)
                .ok_or(Bail),
            _ => Err(Bail),
        }
    }

    pub(super) fn bareme(
        &self,
        id: u32,
        x: V,
        column: Option<V>,
        date: NaiveDate,
        want: BaremeWant,
    ) -> R<V> {
        let bareme = self.p.baremes.get(id as usize).ok_or(Bail)?;
        let x = match x {
            V::Int(i) => Decimal::from(i),
            V::Dec(d) => d,
            _ => return Err(Bail),
        };
        let column = match (bareme.columns, column) {
            (None, None) => 0,
            (Some(e), Some(V::Enum(ty, variant))) if ty == e => variant as usize,
            _ => return Err(Bail),
        };
        let version = bareme
            .versions
            .get(
                find_version(bareme.versions.iter().map(|v| (v.from, v.until)), date)
                    .ok_or(Bail)?,
            )
            .ok_or(Bail)?;
        let row = version
            .rows
            .iter()
            .find(|row| {
                row.intervals
                    .get(column)
                    .is_some_and(|interval| contains(interval, x))
            })
            .ok_or(Bail)?;
        match want {
            BaremeWant::Value => V::of(&row.value).ok_or(Bail),
            BaremeWant::TrancheNumber => Ok(V::Int(i64::from(row.number))),
        }
    }
}
