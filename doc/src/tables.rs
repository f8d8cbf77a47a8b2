//! Parameter histories and barèmes: their tables and charts, shared by their own pages and by
//! the dispositif pages that use them.

use chrono::{Days, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use socle_grammar::ast::{
    BaremeDecl, Bound, DeclKind, Expr, ExprKind, Interval, Literal, ParamDecl, ParamValue, Validity,
};

use crate::html::esc;
use crate::model::Item;
use crate::sources::{citations, sources_list};
use crate::svg::{self, Chart, Segment};

/// A date as a caseworker writes it; a version the text does not date (`depuis toujours`)
/// starts on a sentinel day that must never be shown as a date.
pub fn date_fr(d: NaiveDate) -> String {
    if d == Validity::ALWAYS {
        return "depuis toujours".to_owned();
    }
    d.format("%d/%m/%Y").to_string()
}

/// The number a literal stands for on a chart (rates in percent, as written).
fn literal_number(expr: &Expr) -> Option<f64> {
    match &expr.kind {
        ExprKind::Lit(Literal::Int(i)) => Some(*i as f64),
        ExprKind::Lit(Literal::Decimal(d) | Literal::Money(d, _)) => d.to_f64(),
        ExprKind::Lit(Literal::Rate(d)) => d.to_f64().map(|v| v * 100.0),
        ExprKind::Unary(socle_grammar::ast::UnaryOp::Neg, e) => literal_number(e).map(|v| -v),
        _ => None,
    }
}

/// Rates are drawn in percent, as written (`25 %` at 25).
fn percent_note(ty: &socle_grammar::ast::TypeExpr) -> &'static str {
    if ty.kind == socle_grammar::ast::TypeExprKind::Taux {
        " en %"
    } else {
        ""
    }
}

/// The last day each version is in force: its `jusqu'au`, else the day before the next
/// version; `None` when it is still in force.
fn ends(validities: &[&Validity]) -> Vec<Option<NaiveDate>> {
    validities
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.until.as_ref().map(|(d, _)| *d).or_else(|| {
                validities
                    .get(i + 1)
                    .and_then(|next| next.from.checked_sub_days(Days::new(1)))
            })
        })
        .collect()
}

fn period_cells(from: NaiveDate, end: Option<NaiveDate>) -> String {
    format!(
        "<td class=\"nombre\">{}</td><td class=\"nombre\">{}</td>",
        date_fr(from),
        end.map_or_else(|| "en vigueur".to_owned(), date_fr)
    )
}

/// The history of a parameter: a table of periods and values, and its step chart.
pub fn param_history(item: Item<'_>, p: &ParamDecl) -> String {
    let validities: Vec<&Validity> = p.versions.iter().map(|v| &v.validity).collect();
    let ends = ends(&validities);
    let mut out = String::new();
    // A table parameter has one column per key, in the order the keys are first written.
    let mut keys: Vec<String> = Vec::new();
    for v in &p.versions {
        if let ParamValue::Table(entries) = &v.value {
            for e in entries {
                let k = item.text(e.key.span).to_owned();
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
    }
    out.push_str("<table class=\"historique\">\n<thead><tr><th>Du</th><th>Au</th>");
    if p.key.is_some() {
        for k in &keys {
            out.push_str(&format!("<th>{}</th>", esc(k)));
        }
    } else {
        out.push_str("<th>Valeur</th>");
    }
    out.push_str("<th>Source</th></tr></thead>\n<tbody>\n");
    let mut series: Vec<Vec<(NaiveDate, Option<NaiveDate>, f64)>> =
        vec![Vec::new(); keys.len().max(1)];
    let mut plottable = true;
    for (v, end) in p.versions.iter().zip(&ends) {
        out.push_str("<tr>");
        out.push_str(&period_cells(v.validity.from, *end));
        match &v.value {
            ParamValue::Scalar(e) => {
                out.push_str(&format!(
                    "<td class=\"nombre\">{}</td>",
                    esc(item.text(e.span))
                ));
                match (literal_number(e), series.first_mut()) {
                    (Some(n), Some(s)) => s.push((v.validity.from, *end, n)),
                    _ => plottable = false,
                }
            }
            ParamValue::Table(entries) => {
                for (i, k) in keys.iter().enumerate() {
                    let entry = entries.iter().find(|e| item.text(e.key.span) == k);
                    match entry {
                        Some(e) => {
                            out.push_str(&format!(
                                "<td class=\"nombre\">{}</td>",
                                esc(item.text(e.value.span))
                            ));
                            match (literal_number(&e.value), series.get_mut(i)) {
                                (Some(n), Some(s)) => s.push((v.validity.from, *end, n)),
                                _ => plottable = false,
                            }
                        }
                        None => out.push_str("<td>—</td>"),
                    }
                }
            }
        }
        out.push_str(&format!(
            "<td class=\"source\">{}</td></tr>\n",
            citations(&v.meta.sources)
        ));
    }
    out.push_str("</tbody>\n</table>\n");
    if plottable && !p.versions.is_empty() {
        let chart = history_chart(item.name(), &series, &keys);
        out.push_str(&format!(
            "<figure class=\"graphique\">{chart}<figcaption>Évolution de {} dans le temps{}, \
             en ordonnée : {}{}.</figcaption></figure>\n",
            esc(item.name()),
            if keys.is_empty() {
                ""
            } else {
                " (une ligne par clé)"
            },
            esc(item.text(p.ty.span)),
            percent_note(&p.ty)
        ));
    }
    out
}

fn history_chart(
    name: &str,
    series: &[Vec<(NaiveDate, Option<NaiveDate>, f64)>],
    keys: &[String],
) -> String {
    let last = series
        .iter()
        .flatten()
        .map(|s| s.1.unwrap_or(s.0).max(s.0))
        .max();
    // An undated first version (`depuis toujours`) is drawn from a year before the next date,
    // not from year 1.
    let dated_first = series
        .iter()
        .flatten()
        .flat_map(|s| [Some(s.0), s.1])
        .flatten()
        .filter(|d| *d != Validity::ALWAYS)
        .min();
    let undated_from = dated_first.and_then(|d| d.checked_sub_days(Days::new(365)));
    let series: Vec<Vec<(NaiveDate, Option<NaiveDate>, f64)>> = series
        .iter()
        .map(|s| {
            s.iter()
                .map(
                    |&(from, end, y)| match (from == Validity::ALWAYS, undated_from) {
                        (true, Some(start)) => (start, end, y),
                        _ => (from, end, y),
                    },
                )
                .collect()
        })
        .collect();
    let series = series.as_slice();
    let first = series.iter().flatten().map(|s| s.0).min();
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    // A version still in force is drawn for a year past the last date written.
    let horizon = last.checked_add_days(Days::new(365)).unwrap_or(last);
    let mut segments = Vec::new();
    for (n, s) in series.iter().enumerate() {
        for &(from, end, y) in s {
            let x1 = end
                .and_then(|e| e.checked_add_days(Days::new(1)))
                .unwrap_or(horizon);
            segments.push(Segment {
                x0: svg::day(from),
                x1: svg::day(x1),
                y,
                closed0: Some(true),
                closed1: None,
                series: n,
            });
        }
    }
    Chart {
        title: format!("Historique de {name}"),
        segments,
        x_ticks: svg::year_ticks(first, horizon),
        connect: true,
        legend: keys.to_vec(),
    }
    .render()
}

fn bound_text(item: Item<'_>, bound: Option<&Bound>) -> String {
    match bound {
        None => "sans limite".to_owned(),
        Some(b) => format!(
            "{} {}",
            item.text(b.value.span),
            if b.inclusive { "inclus" } else { "exclu" }
        ),
    }
}

fn interval_cell(item: Item<'_>, i: &Interval) -> String {
    let lower = bound_text(item, Some(&i.lower));
    let reading = match &i.upper {
        Some(upper) => format!("de {lower} à {}", bound_text(item, Some(upper))),
        None => format!("à partir de {lower}, sans limite"),
    };
    format!(
        "<td><code>{}</code><br>{}</td>",
        esc(item.text(i.span)),
        esc(&reading)
    )
}

/// A barème: per version, its table (rows × columns, bounds with inclusivity) and one chart
/// of the tranches per column.
pub fn bareme_tables(item: Item<'_>, b: &BaremeDecl, heading: &str) -> String {
    let validities: Vec<&Validity> = b.versions.iter().map(|v| &v.validity).collect();
    let ends = ends(&validities);
    let mut out = String::new();
    for (v, end) in b.versions.iter().zip(&ends) {
        out.push_str(&format!(
            "<{heading}>Version {} {}</{heading}>\n",
            if v.validity.from == Validity::ALWAYS {
                date_fr(v.validity.from)
            } else {
                format!("du {}", date_fr(v.validity.from))
            },
            end.map_or_else(
                || "(en vigueur)".to_owned(),
                |e| format!("au {}", date_fr(e))
            )
        ));
        out.push_str(&sources_list(&v.meta.sources));
        let columns: Vec<String> = v
            .rows
            .first()
            .map(|r| {
                r.intervals
                    .iter()
                    .map(|(c, _)| {
                        c.as_ref()
                            .map_or_else(|| "ressources".to_owned(), |c| c.name.clone())
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push_str("<table class=\"bareme\">\n<thead><tr><th>Tranche</th>");
        for c in &columns {
            out.push_str(&format!("<th>{}</th>", esc(c)));
        }
        out.push_str("<th>Valeur</th><th>Source</th></tr></thead>\n<tbody>\n");
        for row in &v.rows {
            out.push_str(&format!("<tr><td class=\"nombre\">{}</td>", row.number));
            for (_, interval) in &row.intervals {
                out.push_str(&interval_cell(item, interval));
            }
            out.push_str(&format!(
                "<td class=\"nombre\">{}</td><td class=\"source\">{}</td></tr>\n",
                esc(item.text(row.value.span)),
                citations(&row.meta.sources)
            ));
        }
        out.push_str("</tbody>\n</table>\n");
        for (n, column) in columns.iter().enumerate() {
            if let Some(chart) = column_chart(item, v, n, column) {
                out.push_str(&format!(
                    "<figure class=\"graphique\">{chart}<figcaption>Tranches de {} : colonne {} ; \
                     en abscisse : {}, en ordonnée : {}{} (point plein : borne incluse, point creux : \
                     borne exclue).</figcaption></figure>\n",
                    esc(item.name()),
                    esc(column),
                    esc(item.text(b.input_ty.span)),
                    esc(item.text(b.output_ty.span)),
                    percent_note(&b.output_ty)
                ));
            }
        }
    }
    out
}

fn column_chart(
    item: Item<'_>,
    v: &socle_grammar::ast::BaremeVersion,
    column: usize,
    label: &str,
) -> Option<String> {
    let mut rows = Vec::new();
    for row in &v.rows {
        let (_, interval) = row.intervals.get(column)?;
        let lower = literal_number(&interval.lower.value)?;
        let upper = match &interval.upper {
            Some(u) => Some((literal_number(&u.value)?, u.inclusive)),
            None => None,
        };
        rows.push((
            lower,
            interval.lower.inclusive,
            upper,
            literal_number(&row.value)?,
        ));
    }
    let finite: Vec<f64> = rows
        .iter()
        .flat_map(|r| [Some(r.0), r.2.map(|u| u.0)])
        .flatten()
        .collect();
    let lo = finite.iter().copied().reduce(f64::min)?;
    let hi = finite.iter().copied().reduce(f64::max)?;
    // An open last tranche is drawn a fifth of the table's width past its lower bound.
    let open_end = hi + ((hi - lo) * 0.2).max(1.0);
    let segments = rows
        .iter()
        .map(|&(x0, closed0, upper, y)| Segment {
            x0,
            x1: upper.map_or(open_end, |u| u.0),
            y,
            closed0: Some(closed0),
            closed1: upper.map(|u| u.1),
            series: column,
        })
        .collect();
    Some(
        Chart {
            title: format!("Tranches de {} ({label})", item.name()),
            segments,
            x_ticks: svg::amount_ticks(&finite),
            connect: false,
            legend: Vec::new(),
        }
        .render(),
    )
}

/// The first line of a declaration as written (`paramètre mtp : montant €/mois`).
pub fn header_line(item: Item<'_>) -> String {
    item.text(item.decl.span)
        .lines()
        .next()
        .unwrap_or("")
        .trim_end()
        .to_owned()
}

/// A parameter or barème section embedded in another page (a dispositif that reads it).
pub fn embedded(item: Item<'_>, link: &str) -> Option<String> {
    let body = match &item.decl.kind {
        DeclKind::Param(p) => param_history(item, p),
        DeclKind::Bareme(b) => bareme_tables(item, b, "h4"),
        _ => return None,
    };
    Some(format!(
        "<section class=\"regle\">\n<h3><a href=\"{}\">{}</a> <small>({})</small></h3>\n{}{}{}</section>\n",
        esc(link),
        esc(item.name()),
        esc(&item.ruleset.name),
        crate::sources::doc_comment(&item.decl.meta),
        crate::html::code_block(&header_line(item)),
        body
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undated_version_is_never_shown_as_year_1() {
        assert_eq!(date_fr(Validity::ALWAYS), "depuis toujours");
        let d = NaiveDate::from_ymd_opt(2004, 1, 1).unwrap_or(Validity::ALWAYS);
        assert_eq!(date_fr(d), "01/01/2004");
        let chart = history_chart(
            "x",
            &[vec![(Validity::ALWAYS, Some(d), 1.0), (d, None, 2.0)]],
            &[],
        );
        assert!(!chart.contains("0001"), "{chart}");
    }
}
