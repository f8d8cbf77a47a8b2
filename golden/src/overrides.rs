//! Dossiers written once and varied per case: a case's `dossier` laid over the file's `[base]`
//! (or over the dossier of the case it `herite` from), and the dates of a dossier moved with
//! the decision date of a sweep (`decale_dates = true`).

use chrono::{Datelike, Months, NaiveDate};
use serde_json::Value as Json;

/// Lays `overrides` over `target`: tables merge key by key, anything else replaces; a key
/// with dots (`"demandeur.gir" = 2`) is a path into `target`.
pub(crate) fn apply(target: &mut Json, overrides: &Json) {
    let Json::Object(entries) = overrides else {
        *target = overrides.clone();
        return;
    };
    if !target.is_object() {
        *target = Json::Object(serde_json::Map::new());
    }
    for (key, value) in entries {
        let mut slot = &mut *target;
        for segment in key.split('.') {
            if !slot.is_object() {
                *slot = Json::Object(serde_json::Map::new());
            }
            let Json::Object(map) = slot else { return };
            slot = map.entry(segment.to_owned()).or_insert(Json::Null);
        }
        if value.is_object() && slot.is_object() {
            apply(slot, value);
        } else {
            *slot = value.clone();
        }
    }
}

/// How far the dates of a dossier move when a sweep goes from `from` to `to`: whole calendar
/// months when both fall on the same day of the month (a birth date keeps its day, so ages
/// move by whole years or months), days otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shift {
    Months(i64),
    Days(i64),
}

fn shift_between(from: NaiveDate, to: NaiveDate) -> Shift {
    if from.day() == to.day() {
        let months = (i64::from(to.year()) - i64::from(from.year())) * 12
            + (i64::from(to.month()) - i64::from(from.month()));
        Shift::Months(months)
    } else {
        Shift::Days((to - from).num_days())
    }
}

fn shift_date(d: NaiveDate, shift: Shift) -> Option<NaiveDate> {
    match shift {
        Shift::Months(m) if m >= 0 => d.checked_add_months(Months::new(u32::try_from(m).ok()?)),
        Shift::Months(m) => d.checked_sub_months(Months::new(u32::try_from(-m).ok()?)),
        Shift::Days(n) => d.checked_add_signed(chrono::Duration::try_days(n)?),
    }
}

/// `dossier` with every date (a text `AAAA-MM-JJ`) moved as the decision date moves from
/// `from` to `to`; a date that would leave the calendar is kept.
pub fn shift_dates(dossier: &Json, from: NaiveDate, to: NaiveDate) -> Json {
    let shift = shift_between(from, to);
    shift_json(dossier, shift)
}

fn shift_json(value: &Json, shift: Shift) -> Json {
    match value {
        Json::String(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if s.len() == 10 => Json::String(
                shift_date(d, shift).map_or_else(|| s.clone(), |shifted| shifted.to_string()),
            ),
            _ => value.clone(),
        },
        Json::Array(items) => Json::Array(items.iter().map(|i| shift_json(i, shift)).collect()),
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), shift_json(v, shift)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use serde_json::json;

    #[test]
    fn overrides_merge_tables_and_follow_dotted_paths() {
        let mut d = json!({"date_demande": "2024-01-01", "demandeur": {"gir": 4, "seul": true}});
        apply(
            &mut d,
            &json!({"demandeur.gir": 2, "demandeur": {"seul": false}, "plan_aide": {"montant": "1"}}),
        );
        assert_eq!(
            d,
            json!({"date_demande": "2024-01-01", "demandeur": {"gir": 2, "seul": false}, "plan_aide": {"montant": "1"}})
        );
    }

    #[test]
    fn dates_move_by_months_on_the_same_day_and_by_days_otherwise() {
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let d = json!({"date_demande": "2024-01-01", "demandeur": {"date_naissance": "1940-02-29", "gir": 2, "code": "95"}});
        // 2024-01-01 → 2025-01-01: twelve months; 29 February goes to the last day of February.
        assert_eq!(
            shift_dates(&d, date("2024-01-01"), date("2025-01-01")),
            json!({"date_demande": "2025-01-01", "demandeur": {"date_naissance": "1941-02-28", "gir": 2, "code": "95"}})
        );
        // 2024-01-01 → 2023-12-31: one day back.
        assert_eq!(
            shift_dates(&d, date("2024-01-01"), date("2023-12-31"))["demandeur"]["date_naissance"],
            json!("1940-02-28")
        );
    }
}
