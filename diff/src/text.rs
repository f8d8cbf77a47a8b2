//! The French summary of a diff: what a policy officer reads in a merge request.

use std::fmt::Write;

use rust_decimal::Decimal;

use crate::amount;
use crate::report::{DispositifReport, Report};

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// Money from the report's JSON form, as a signed French amount.
fn signed(json: &str, unit: &str) -> String {
    json.parse::<Decimal>()
        .map(|d| amount::human_signed(d, unit))
        .unwrap_or_else(|_| json.to_owned())
}

fn plain(json: &str, unit: &str) -> String {
    json.parse::<Decimal>()
        .map(|d| amount::human(d, unit))
        .unwrap_or_else(|_| json.to_owned())
}

/// The summary: totals, then each changed dispositif, then the unchanged ones in one line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Différences entre {} (avant) et {} (après)",
        report.avant, report.apres
    );
    if let Some(date) = report.date {
        let _ = writeln!(out, "Décisions au {}", date.format("%d/%m/%Y"));
    }
    let _ = writeln!(
        out,
        "{} lus, {} comparés, {} modifiés, {}.",
        plural(report.dossiers, "dossier", "dossiers"),
        report.compares,
        report.modifies,
        plural(report.invalides, "ligne invalide", "lignes invalides")
    );
    for line in &report.lignes_invalides {
        let _ = writeln!(out, "  ligne {} : {}", line.ligne, line.message);
    }
    let mut unchanged = Vec::new();
    for d in &report.dispositifs {
        if d.modifies == 0 {
            unchanged.push(d.id.as_str());
        } else {
            dispositif(&mut out, d);
        }
    }
    if !unchanged.is_empty() {
        let _ = writeln!(out, "\nSans changement : {}.", unchanged.join(", "));
    }
    out
}

fn dispositif(out: &mut String, d: &DispositifReport) {
    let _ = match &d.titre {
        Some(title) => writeln!(out, "\n{} — {title}", d.id),
        None => writeln!(out, "\n{}", d.id),
    };
    let _ = writeln!(
        out,
        "  {} modifiés ; éligibles : {} avant, {} après",
        plural(d.modifies, "dossier", "dossiers"),
        d.eligibles_avant,
        d.eligibles_apres
    );
    let _ = writeln!(
        out,
        "  deviennent éligibles : {}, non éligibles : {}, indéterminés : {}, non versés (droit ouvert) : {}",
        d.devenus_eligibles, d.devenus_non_eligibles, d.devenus_indetermines, d.devenus_non_verses
    );
    if let Some(m) = d.montant.as_ref().filter(|m| m.modifies > 0) {
        let unit = m.unite.as_str();
        let _ = writeln!(
            out,
            "  {} ({unit}) modifié pour {} ({} à la hausse, {} à la baisse)",
            m.valeur,
            plural(m.modifies, "dossier", "dossiers"),
            m.hausses,
            m.baisses
        );
        if let (Some(min), Some(median), Some(max)) = (&m.min, &m.mediane, &m.max) {
            let _ = writeln!(
                out,
                "  écart : min {}, médiane {}, max {}",
                signed(min, unit),
                signed(median, unit),
                signed(max, unit)
            );
        }
        let _ = match (&m.total_mensuel, &m.total_annuel) {
            (Some(month), Some(year)) => writeln!(
                out,
                "  coût : {} par mois, {} par an",
                signed(month, "€"),
                signed(year, "€")
            ),
            // An hourly rate or a one-off amount: the sum of the changes, not a budget.
            _ if unit == "€" => writeln!(
                out,
                "  coût : {} (montants ponctuels)",
                signed(&m.total, unit)
            ),
            _ => writeln!(
                out,
                "  somme des écarts : {} (pas de coût mensuel sans le nombre d'heures)",
                signed(&m.total, unit)
            ),
        };
    }
    if !d.causes.is_empty() {
        let _ = writeln!(out, "  causes :");
        for c in &d.causes {
            let _ = writeln!(
                out,
                "    {} : {}",
                plural(c.dossiers, "dossier", "dossiers"),
                c.cause
            );
        }
    }
    if !d.exemples.is_empty() {
        let _ = writeln!(
            out,
            "  dossiers modifiés ({} ; changements de statut ou de montant en priorité) :",
            d.exemples.len()
        );
        let unit = d.montant.as_ref().map(|m| m.unite.as_str()).unwrap_or("€");
        for e in &d.exemples {
            let side = |s: &crate::report::Side| match &s.montant {
                Some(m)
                    if matches!(
                        s.statut,
                        crate::compare::Status::Eligible | crate::compare::Status::NonVerse
                    ) =>
                {
                    format!("{} {}", s.statut.french(), plain(m, unit))
                }
                _ => s.statut.french().to_owned(),
            };
            let ecart = match (&e.ecart, e.valeurs_modifiees.is_empty()) {
                (Some(x), _) => format!(" ({})", signed(x, unit)),
                (None, false) => format!(" ({} modifié)", e.valeurs_modifiees.join(", ")),
                (None, true) => String::new(),
            };
            let _ = writeln!(
                out,
                "    ligne {} : {} → {}{ecart} ; {}",
                e.ligne,
                side(&e.avant),
                side(&e.apres),
                e.cause.texte
            );
        }
    }
}
