//! Run-time values. Money, rates and decimals are all exact `Decimal`s: the static type
//! (kept by the compiler in `Ty`) says how to render them.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ir::{DurationFamily, EnumId};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Bool(bool),
    Int(i64),
    /// `décimal`, `montant` and `taux` (`25 %` is `0.25`).
    Dec(Decimal),
    Date(NaiveDate),
    /// A count of days or of months (years are 12 months).
    Duration(i64, DurationFamily),
    Text(Arc<str>),
    Enum {
        ty: EnumId,
        variant: u32,
    },
    List(Arc<[Value]>),
    /// An optional dossier field that was absent or `null`.
    Absent,
}
