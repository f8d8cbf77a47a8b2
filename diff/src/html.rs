//! The report as one static HTML page, in French: the summary table, then per changed
//! dispositif a histogram of the amount changes (inline SVG), its causes and the changed
//! dossiers. No JavaScript, no external resource: the file can be attached to a merge request
//! and opened anywhere. Every text from a ruleset or a dossier goes through `esc`.

use std::fmt::Write;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use socle_doc::html::esc;

use crate::amount;
use crate::report::{AmountReport, DispositifReport, Report, Side};
use crate::Status;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:80rem;\
padding:0 1rem;color:#161616}h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd}\
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;\
padding:.25rem .45rem;text-align:left;vertical-align:top}td.nombre{white-space:nowrap}\
td.nombre,th.nombre{text-align:right;font-variant-numeric:tabular-nums}\
.hausse{color:#18753c}.baisse{color:#b34000}.note{color:#555}svg text{font-size:11px}";

const CHART_WIDTH: f64 = 640.0;
const CHART_HEIGHT: f64 = 200.0;
const MARGIN: f64 = 40.0;

fn money(json: &str, unit: &str, signed: bool) -> String {
    match json.parse::<Decimal>() {
        Ok(d) if signed => amount::human_signed(d, unit),
        Ok(d) => amount::human(d, unit),
        Err(_) => json.to_owned(),
    }
}

/// The whole page.
pub fn render(report: &Report) -> String {
    let title = format!("Différences entre {} et {}", report.avant, report.apres);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    let _ = writeln!(
        out,
        "<p>{} dossiers lus, {} comparés, <strong>{} modifiés</strong>, {} lignes invalides{}.</p>",
        report.dossiers,
        report.compares,
        report.modifies,
        report.invalides,
        report
            .date
            .map(|d| format!(" ; décisions au {}", d.format("%d/%m/%Y")))
            .unwrap_or_default()
    );
    summary(&mut out, report);
    if !report.lignes_invalides.is_empty() {
        out.push_str("<h2 id=\"invalides\">Lignes invalides</h2>\n<ul>\n");
        for line in &report.lignes_invalides {
            let _ = writeln!(
                out,
                "<li>ligne {} : {}</li>",
                line.ligne,
                esc(&line.message)
            );
        }
        out.push_str("</ul>\n");
    }
    for d in report.dispositifs.iter().filter(|d| d.modifies > 0) {
        dispositif(&mut out, d);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn summary(out: &mut String, report: &Report) {
    out.push_str(
        "<table class=\"resume\">\n<caption>Résumé par dispositif</caption>\n<thead><tr>\
         <th>Dispositif</th><th class=\"nombre\">Dossiers modifiés</th>\
         <th class=\"nombre\">Éligibles avant</th><th class=\"nombre\">Éligibles après</th>\
         <th class=\"nombre\">Deviennent éligibles</th><th class=\"nombre\">Deviennent non éligibles</th>\
         <th class=\"nombre\">Deviennent indéterminés</th><th class=\"nombre\">Deviennent non versés</th>\
         <th class=\"nombre\">Montants modifiés</th>\
         <th class=\"nombre\">Coût par mois</th><th class=\"nombre\">Coût par an</th></tr></thead>\n<tbody>\n",
    );
    for d in &report.dispositifs {
        let m = d.montant.as_ref();
        let cost =
            |v: Option<&String>| v.map(|v| money(v, "€", true)).unwrap_or_else(|| "—".into());
        let name = if d.modifies > 0 {
            format!("<a href=\"#{0}\">{0}</a>", esc(&d.id))
        } else {
            esc(&d.id)
        };
        let _ = writeln!(
            out,
            "<tr><td>{name}</td><td class=\"nombre\">{}</td><td class=\"nombre\">{}</td>\
             <td class=\"nombre\">{}</td><td class=\"nombre\">{}</td><td class=\"nombre\">{}</td>\
             <td class=\"nombre\">{}</td><td class=\"nombre\">{}</td><td class=\"nombre\">{}</td>\
             <td class=\"nombre\">{}</td><td class=\"nombre\">{}</td></tr>",
            d.modifies,
            d.eligibles_avant,
            d.eligibles_apres,
            d.devenus_eligibles,
            d.devenus_non_eligibles,
            d.devenus_indetermines,
            d.devenus_non_verses,
            m.map(|m| m.modifies).unwrap_or(0),
            cost(m.and_then(|m| m.total_mensuel.as_ref())),
            cost(m.and_then(|m| m.total_annuel.as_ref())),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn dispositif(out: &mut String, d: &DispositifReport) {
    let _ = writeln!(
        out,
        "<section id=\"{}\">\n<h2>{}{}</h2>",
        esc(&d.id),
        esc(&d.id),
        d.titre
            .as_ref()
            .map(|t| format!(" — {}", esc(t)))
            .unwrap_or_default()
    );
    if let Some(m) = d.montant.as_ref().filter(|m| m.modifies > 0) {
        let unit = m.unite.as_str();
        let stat = |v: &Option<String>| {
            v.as_deref()
                .map(|v| money(v, unit, true))
                .unwrap_or_default()
        };
        let _ = writeln!(
            out,
            "<p>{} ({}) modifié pour {} dossiers ({} à la hausse, {} à la baisse) : \
             min {}, médiane {}, max {} ; total {}.</p>",
            esc(&m.valeur),
            esc(unit),
            m.modifies,
            m.hausses,
            m.baisses,
            stat(&m.min),
            stat(&m.mediane),
            stat(&m.max),
            money(&m.total, unit, true)
        );
        histogram(out, &d.id, m);
    }
    if !d.causes.is_empty() {
        out.push_str("<h3>Causes</h3>\n<ul class=\"causes\">\n");
        for c in &d.causes {
            let _ = writeln!(
                out,
                "<li><strong>{} dossiers</strong> : {}</li>",
                c.dossiers,
                esc(&c.cause)
            );
        }
        out.push_str("</ul>\n");
    }
    if !d.exemples.is_empty() {
        let unit = d.montant.as_ref().map(|m| m.unite.as_str()).unwrap_or("€");
        let side = |s: &Side| {
            let status = s.statut.french();
            match &s.montant {
                Some(m) if matches!(s.statut, Status::Eligible | Status::NonVerse) => {
                    format!("{status}, {}", money(m, unit, false))
                }
                _ => status.to_owned(),
            }
        };
        let _ = writeln!(
            out,
            "<h3>Dossiers modifiés</h3>\n<p class=\"note\">{} dossiers, par ligne du fichier ; ceux dont le statut ou le montant change sont pris en priorité.</p>\n\
             <table class=\"dossiers\">\n<thead><tr><th class=\"nombre\">Ligne</th><th>Avant</th>\
             <th>Après</th><th class=\"nombre\">Écart</th><th>Cause</th></tr></thead>\n<tbody>",
            d.exemples.len()
        );
        for e in &d.exemples {
            let (class, gap) = match &e.ecart {
                Some(x) if x.starts_with('-') => ("baisse", money(x, unit, true)),
                Some(x) => ("hausse", money(x, unit, true)),
                None => ("", e.valeurs_modifiees.join(", ")),
            };
            let _ = writeln!(
                out,
                "<tr><td class=\"nombre\">{}</td><td>{}</td><td>{}</td><td class=\"nombre {class}\">{}</td><td>{}</td></tr>",
                e.ligne,
                esc(&side(&e.avant)),
                esc(&side(&e.apres)),
                esc(&gap),
                esc(&e.cause.texte)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

/// Bars of equal width, one per histogram bin, labelled with their lower bound and count.
fn histogram(out: &mut String, id: &str, m: &AmountReport) {
    let bins = &m.histogramme;
    let highest = bins.iter().map(|b| b.dossiers).max().unwrap_or(0).max(1);
    let count = bins.len().max(1) as f64;
    let plot_height = CHART_HEIGHT - 2.0 * MARGIN;
    let bar_width = (CHART_WIDTH - 2.0 * MARGIN) / count;
    let _ = writeln!(
        out,
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{CHART_WIDTH}\" \
         height=\"{CHART_HEIGHT}\" viewBox=\"0 0 {CHART_WIDTH} {CHART_HEIGHT}\" \
         aria-label=\"Écarts de montant de {}\">",
        esc(id)
    );
    let _ = writeln!(
        out,
        "<line x1=\"{MARGIN}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#666\"/>",
        CHART_HEIGHT - MARGIN,
        CHART_WIDTH - MARGIN
    );
    for (i, bin) in bins.iter().enumerate() {
        let ratio = bin.dossiers as f64 / highest as f64;
        let h = (plot_height * ratio * 100.0).round() / 100.0;
        let x = MARGIN + bar_width * i as f64;
        let y = CHART_HEIGHT - MARGIN - h;
        let lower = bin
            .de
            .parse::<Decimal>()
            .ok()
            .and_then(|d| d.to_f64())
            .unwrap_or(0.0);
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#000091\">\
             <title>{} à {} : {} dossiers</title></rect>",
            x + 1.0,
            (bar_width - 2.0).max(1.0),
            esc(&money(&bin.de, &m.unite, true)),
            esc(&money(&bin.a, &m.unite, true)),
            bin.dossiers
        );
        if bin.dossiers > 0 {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + bar_width / 2.0,
                y - 4.0,
                bin.dossiers
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"start\">{lower:+.0}</text>",
            x + 1.0,
            CHART_HEIGHT - MARGIN + 14.0
        );
    }
    let _ = writeln!(
        out,
        "</svg>\n<figcaption>Nombre de dossiers par écart de {} ({}).</figcaption>\n</figure>",
        esc(&m.valeur),
        esc(&m.unite)
    );
}
