//! The example situation of a dispositif page: one of the ruleset's golden cases, decided with
//! the compiled program and its trace, so the page shows real values, not hand-copied ones.

use socle_golden::case::Case;
use socle_runtime::render::render_human;
use socle_runtime::{DecideOptions, DispositifDecision, Engine, ParamTrace, Value};

use crate::html::esc;
use crate::tables::date_fr;

pub struct Examples {
    engine: Engine,
    cases: Vec<Case>,
}

impl Examples {
    pub fn new(engine: Engine, cases: Vec<Case>) -> Examples {
        Examples { engine, cases }
    }

    /// The case to show for a dispositif: the first one that expects it granted, else the
    /// first one that mentions it; plain cases before date sweeps.
    fn pick(&self, dispositif: &str) -> Option<&Case> {
        let mentions = |c: &&Case, granted: bool| {
            c.attendu
                .iter()
                .any(|e| e.dispositif == dispositif && (!granted || e.eligible == Some(Some(true))))
        };
        // A case file named after the dispositif holds its own cases: those come first.
        let own_file = |c: &&Case| c.path.file_stem().is_some_and(|s| s == dispositif);
        let order = [(false, true), (true, true), (false, false), (true, false)];
        [true, false].iter().find_map(|&own| {
            order.iter().find_map(|&(sweep, granted)| {
                self.cases
                    .iter()
                    .filter(|c| c.sweep == sweep && own_file(c) == own)
                    .find(|c| mentions(c, granted))
            })
        })
    }

    fn human(&self, value: &Value, ty: &socle_runtime::ir::Ty) -> String {
        render_human(value, ty, &self.engine.program().enums)
    }

    /// The « Exemple » section of a dispositif page, or a sentence saying there is none.
    pub fn section(&self, dispositif: &str) -> String {
        let Some(case) = self.pick(dispositif) else {
            return "<p>Aucun cas de test de ce jeu de règles ne porte sur ce dispositif.</p>\n"
                .to_owned();
        };
        let Some(date) = case.dates.last().map(|d| d.date) else {
            return String::new();
        };
        let options = DecideOptions {
            date: Some(date),
            explain: true,
        };
        let decided = self
            .engine
            .decode_json(&case.dossier)
            .map_err(|e| e.to_string())
            .and_then(|d| self.engine.decide(&d, &options).map_err(|e| e.to_string()));
        let file = case
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut out = format!(
            "<p>Cas de test <code>{}</code> (fichier <code>tests/{}</code>), décidé au {}.</p>\n\
             <pre class=\"description\">{}</pre>\n",
            esc(&case.id),
            esc(&file),
            date_fr(date),
            esc(case.description.trim())
        );
        if !case.source.is_empty() {
            out.push_str(&format!(
                "<p class=\"source\">Source du cas : {}</p>\n",
                crate::legifrance::link_citation(&case.source)
            ));
        }
        out.push_str(&format!(
            "<details><summary>Dossier (JSON)</summary><pre>{}</pre></details>\n",
            esc(&serde_pretty(&case.dossier))
        ));
        let decision = match decided {
            Ok(d) => d,
            Err(e) => {
                return out + &format!("<p class=\"non\">Décision impossible : {}</p>\n", esc(&e))
            }
        };
        match decision.dispositif(dispositif) {
            Some(d) => out.push_str(&self.decision(d)),
            None => out.push_str("<p>Ce dispositif n'a pas été décidé pour ce cas.</p>\n"),
        }
        out
    }

    fn decision(&self, d: &DispositifDecision) -> String {
        let mut out = String::new();
        if let Some(e) = &d.error {
            out.push_str(&format!(
                "<p class=\"non\">Décision impossible : {}</p>\n",
                esc(&e.to_string())
            ));
            return out;
        }
        out.push_str(&format!(
            "<p>Décision : {}</p>\n",
            match d.eligible {
                Some(true) => "<span class=\"oui\">éligible</span>",
                Some(false) => "<span class=\"non\">non éligible</span>",
                None => "<span class=\"non\">indéterminé</span>",
            }
        ));
        if !d.values.is_empty() {
            out.push_str("<table class=\"valeurs\"><thead><tr><th>Valeur</th><th>Résultat</th></tr></thead><tbody>\n");
            for v in &d.values {
                out.push_str(&format!(
                    "<tr><td><code>{}</code></td><td class=\"nombre\">{}</td></tr>\n",
                    esc(&v.name),
                    esc(&self.human(&v.value, &v.ty))
                ));
            }
            out.push_str("</tbody></table>\n");
        }
        if !d.motifs.is_empty() {
            out.push_str("<h3>Motifs</h3>\n<table class=\"motifs\"><thead><tr><th>Condition</th><th>Remplie</th><th>Motif</th></tr></thead><tbody>\n");
            for m in &d.motifs {
                out.push_str(&format!(
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
                    esc(m.id()),
                    match m.satisfied {
                        Some(true) => "<span class=\"oui\">oui</span>",
                        Some(false) => "<span class=\"non\">non</span>",
                        None => "?",
                    },
                    esc(&m.message())
                ));
            }
            out.push_str("</tbody></table>\n");
        }
        if let Some(trace) = &d.trace {
            out.push_str(
                "<h3>Trace du calcul</h3>\n<table class=\"trace\"><thead><tr><th>Règle</th>\
                 <th>Valeur</th><th>Paramètres lus</th><th>Champs du dossier lus</th></tr></thead><tbody>\n",
            );
            for t in trace {
                let params: Vec<String> = t.parameters.iter().map(|p| self.param(p)).collect();
                out.push_str(&format!(
                    "<tr><td><code>{}</code></td><td class=\"nombre\">{}</td><td>{}</td><td>{}</td></tr>\n",
                    esc(&t.rule),
                    esc(&self.human(&t.value, &t.ty)),
                    params.join("<br>"),
                    esc(&t.inputs.join(", "))
                ));
            }
            out.push_str("</tbody></table>\n");
        }
        out
    }

    fn param(&self, p: &ParamTrace) -> String {
        let mut text = format!("{} (version du {})", p.name, date_fr(p.from));
        if let Some((key, ty)) = &p.key {
            text.push_str(&format!(" [{}]", self.human(key, ty)));
        }
        if let Some(t) = p.tranche {
            text.push_str(&format!(" tranche {t}"));
        }
        if let Some(c) = &p.column {
            text.push_str(&format!(", colonne {c}"));
        }
        text.push_str(&format!(" = {}", self.human(&p.value, &p.ty)));
        esc(&text)
    }
}

fn serde_pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
