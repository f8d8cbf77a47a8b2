//! Run-time values. Money, rates and decimals are all exact `Decimal`s: the static type
//! (kept by the compiler in `Ty`) says how to render them.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ir::{DurationFamily, EnumId};

/// A runtime value: what dossier fields, parameters and rules evaluate to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// `booléen`.
    Bool(bool),
    /// `entier`.
    Int(i64),
    /// `décimal`, `montant` and `taux` (`25 %` is `0.25`).
    Dec(Decimal),
    /// `date`.
    Date(NaiveDate),
    /// A count of days or of months (years are 12 months).
    Duration(i64, DurationFamily),
    /// `texte`.
    Text(Arc<str>),
    /// A variant of an enumeration.
    Enum {
        /// The enumeration (index into `Program::enums`).
        ty: EnumId,
        /// The variant, by position in its declaration.
        variant: u32,
    },
    /// `liste de …`.
    List(Arc<[Value]>),
    /// An optional dossier field that was absent or `null`.
    Absent,
}
