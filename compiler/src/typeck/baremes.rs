//! Barèmes: every row has one interval per column, bounds are constants in order, and the
//! rows of each column cover the axis without gap (E0402) nor overlap (E0403).

use rust_decimal::Decimal;
use socle_grammar::ast::{BaremeDecl, BaremeVersion};
use socle_grammar::Span;
use socle_runtime::ir::Interval;
use socle_runtime::value::Value;

use super::messages;
use super::Ctx;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::{bound_text, BaremeRowData, Const};
use crate::types::Type;

fn bound(
    ctx: &mut Ctx<'_>,
    file: FileId,
    e: &socle_grammar::ast::Expr,
    ty: &Type,
) -> Option<Decimal> {
    match ctx.constant(file, e, ty)? {
        Const::Value(Value::Dec(d)) => Some(d),
        Const::Value(Value::Int(i)) => Some(Decimal::from(i)),
        _ => None,
    }
}

/// Checks the rows of one version and returns them (intervals in column order), or `None`
/// when something is malformed (reported).
#[allow(clippy::too_many_arguments)]
pub(crate) fn rows(
    ctx: &mut Ctx<'_>,
    file: FileId,
    b: &BaremeDecl,
    v: &BaremeVersion,
    input_ty: &Type,
    output_ty: &Type,
    has_columns: bool,
    columns: Option<&[String]>,
) -> Option<Vec<BaremeRowData>> {
    if has_columns && columns.is_none() {
        return None;
    }
    if v.rows.is_empty() {
        // A version without a row has no value for any input: every decision would fail.
        ctx.push(Diagnostic::error(
            codes::MALFORMED_BAREME,
            file,
            v.span,
            format!(
                "cette version du barème `{}` n'a aucune tranche : ajoutez au moins une ligne \
                 `tranche 1 : [0 ; ∞[ => VALEUR`",
                b.name.name
            ),
        ));
        return None;
    }
    let money = matches!(input_ty, Type::Money(_));
    let mut ok = true;
    let mut out: Vec<(BaremeRowData, Span, Vec<Span>)> = Vec::new();
    let mut numbers: Vec<(u32, Span)> = Vec::new();
    for row in &v.rows {
        if let Some((_, first)) = numbers.iter().find(|(n, _)| *n == row.number) {
            let d = Diagnostic::error(
                codes::MALFORMED_BAREME,
                file,
                row.number_span,
                messages::row_twice(row.number),
            )
            .with_label(file, *first, messages::FIRST_ROW_WITH_NUMBER);
            ctx.push(d);
            ok = false;
            continue;
        }
        numbers.push((row.number, row.number_span));
        let ncols = columns.map_or(1, <[String]>::len);
        let mut slots: Vec<Option<(Interval, Span)>> = vec![None; ncols];
        let mut row_ok = true;
        for (name, iv) in &row.intervals {
            let idx = match (name, columns) {
                (Some(n), Some(cols)) => match cols.iter().position(|c| *c == n.name) {
                    Some(i) => i,
                    None => {
                        ctx.err(
                            codes::MALFORMED_BAREME,
                            file,
                            n.span,
                            messages::unknown_column(&n.name, cols.join(", ")),
                        );
                        row_ok = false;
                        continue;
                    }
                },
                (None, None) => 0,
                (Some(n), None) => {
                    ctx.err(
                        codes::MALFORMED_BAREME,
                        file,
                        n.span,
                        messages::bareme_without_columns(&n.name, &b.name.name),
                    );
                    row_ok = false;
                    continue;
                }
                (None, Some(_)) => {
                    ctx.err(
                        codes::MALFORMED_BAREME,
                        file,
                        iv.span,
                        messages::COLUMN_NAME_MISSING,
                    );
                    row_ok = false;
                    continue;
                }
            };
            let lower = bound(ctx, file, &iv.lower.value, input_ty);
            let upper = match &iv.upper {
                Some(u) => bound(ctx, file, &u.value, input_ty).map(|d| Some((d, u.inclusive))),
                None => Some(None),
            };
            let (Some(lower), Some(upper)) = (lower, upper) else {
                row_ok = false;
                continue;
            };
            let interval = Interval {
                lower,
                lower_inclusive: iv.lower.inclusive,
                upper,
            };
            if let Some((u, ui)) = upper {
                if lower > u || (lower == u && !(iv.lower.inclusive && ui)) {
                    ctx.err(
                        codes::MALFORMED_BAREME,
                        file,
                        iv.span,
                        messages::empty_interval(bound_text(lower, money), bound_text(u, money)),
                    );
                    row_ok = false;
                    continue;
                }
            }
            match slots.get_mut(idx) {
                Some(slot @ None) => *slot = Some((interval, iv.span)),
                _ => {
                    ctx.err(
                        codes::MALFORMED_BAREME,
                        file,
                        iv.span,
                        messages::row_column_twice(row.number),
                    );
                    row_ok = false;
                }
            }
        }
        if row_ok {
            let missing: Vec<String> = slots
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_none())
                .map(|(i, _)| {
                    columns
                        .and_then(|c| c.get(i))
                        .map_or_else(String::new, |c| format!("`{c}`"))
                })
                .collect();
            if !missing.is_empty() {
                let what = if has_columns {
                    messages::row_missing_column(row.number, missing.join(", "))
                } else {
                    messages::row_without_interval(row.number)
                };
                ctx.err(codes::MALFORMED_BAREME, file, row.number_span, what);
                row_ok = false;
            }
        }
        let value = ctx.constant(file, &row.value, output_ty);
        match (row_ok, value) {
            (true, Some(value)) => {
                let (intervals, spans): (Vec<Interval>, Vec<Span>) =
                    slots.into_iter().flatten().unzip();
                out.push((
                    BaremeRowData {
                        number: row.number,
                        intervals,
                        value,
                    },
                    row.number_span,
                    spans,
                ));
            }
            _ => ok = false,
        }
    }
    if !ok {
        return None;
    }
    let ncols = columns.map_or(1, <[String]>::len);
    for col in 0..ncols {
        let col_text = columns
            .and_then(|c| c.get(col))
            .map_or_else(String::new, messages::in_column);
        let mut entries: Vec<(&Interval, Span, u32)> = out
            .iter()
            .filter_map(|(r, _, spans)| Some((r.intervals.get(col)?, *spans.get(col)?, r.number)))
            .collect();
        entries.sort_by(|a, b| {
            (a.0.lower, !a.0.lower_inclusive).cmp(&(b.0.lower, !b.0.lower_inclusive))
        });
        for pair in entries.windows(2) {
            let [(a, sa, na), (b, sb, nb)] = pair else {
                continue;
            };
            let overlap = |ctx: &mut Ctx<'_>| {
                let d = Diagnostic::error(
                    codes::TRANCHE_OVERLAP,
                    file,
                    *sb,
                    messages::rows_overlap(na, nb, &col_text),
                )
                .with_primary_message(format!("tranche {nb}"))
                .with_label(file, *sa, format!("tranche {na}"));
                ctx.push(d);
            };
            let Some((u, ui)) = a.upper else {
                overlap(ctx);
                continue;
            };
            let (l, li) = (b.lower, b.lower_inclusive);
            let gap = if u < l || (u == l && !ui && !li) {
                Some(if u == l {
                    bound_text(u, money)
                } else {
                    messages::joined_bounds(
                        if ui { "]" } else { "[" },
                        bound_text(u, money),
                        bound_text(l, money),
                        if li { "[" } else { "]" },
                    )
                })
            } else {
                None
            };
            if let Some(hole) = gap {
                let d = Diagnostic::error(
                    codes::TRANCHE_GAP,
                    file,
                    *sb,
                    messages::gap_between_rows(&hole, &col_text),
                )
                .with_primary_message(format!("tranche {nb}"))
                .with_label(file, *sa, format!("tranche {na}"));
                ctx.push(d);
            } else if u > l || (u == l && ui && li) {
                overlap(ctx);
            }
        }
    }
    Some(out.into_iter().map(|(r, _, _)| r).collect())
}
