//! Reading a case file: TOML with spans → [`Case`]s, and the diagnostics of its shape
//! (E0801 bad TOML, E0802 malformed case, E0808 dates). Checks that need the ruleset are in
//! `validate`.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::Value as Json;
use socle_compiler::{codes, Diagnostic, FileId, Span};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::case::{
    Case, CaseFile, DateExpectation, Dated, DispositifExpectation, ExpectedValue, Literal, Named,
};

const CASE_KEYS: &[&str] = &[
    "id",
    "description",
    "source",
    "date",
    "dates",
    "dossier",
    "attendu",
    "par_date",
    // Bare TOML keys have no accents.
    "herite",
    "decale_dates",
];
const EXPECTATION_KEYS: &[&str] = &[
    "eligible",
    "verse",
    "valeurs",
    "motifs_non_satisfaits",
    "manquants",
];
const PAR_DATE_KEYS: &[&str] = &["date", "attendu"];

/// Parses one case file. Never fails: what cannot be read becomes a diagnostic, and the cases
/// that could be read are returned.
pub fn parse_case_file(path: &Path, file: FileId, text: &str) -> (CaseFile, Vec<Diagnostic>) {
    let mut reader = Reader {
        file,
        path,
        diagnostics: Vec::new(),
        base: None,
        resolved: Vec::new(),
    };
    let (root, errors) = DeTable::parse_recoverable(text);
    let mut cases = Vec::new();
    if errors.is_empty() {
        cases = reader.root(&root);
    } else {
        for e in errors {
            let span = e
                .span()
                .map_or(Span::new(0, 0), |r| Span::new(r.start, r.end));
            reader.diagnostics.push(
                Diagnostic::error(
                    codes::CASE_TOML,
                    file,
                    span,
                    "ce fichier de cas n'est pas du TOML valide",
                )
                .with_primary_message("ici")
                .with_note(format!("analyseur TOML : {}", e.message().trim())),
            );
        }
    }
    let case_file = CaseFile {
        path: path.to_path_buf(),
        file,
        cases,
    };
    (case_file, reader.diagnostics)
}

fn span_of<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span::new(r.start, r.end)
}

fn kind_of(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "un texte",
        DeValue::Integer(_) => "un entier",
        DeValue::Float(_) => "un nombre décimal",
        DeValue::Boolean(_) => "un booléen",
        DeValue::Datetime(_) => "une date",
        DeValue::Array(_) => "une liste",
        DeValue::Table(_) => "une table",
    }
}

/// A dossier as JSON with the span of each of its paths.
type SpannedDossier = (Json, Vec<(String, Span)>);

/// A case's dossier, the span of its `dossier` table (or of the case) and of each path.
type CaseDossier = (Json, Span, Vec<(String, Span)>);

struct Reader<'p> {
    file: FileId,
    path: &'p Path,
    diagnostics: Vec<Diagnostic>,
    /// The file's `[base]` dossier, under every case's own.
    base: Option<SpannedDossier>,
    /// The dossier of each case read so far, by id, for `hérite`.
    resolved: Vec<(String, SpannedDossier)>,
}

impl Reader<'_> {
    fn error(&mut self, code: &'static str, span: Span, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(code, self.file, span, message));
    }

    fn malformed(&mut self, span: Span, message: impl Into<String>) {
        self.error(codes::CASE_MALFORMED, span, message);
    }

    fn unknown_keys(&mut self, table: &DeTable<'_>, allowed: &[&str], context: &str) {
        for key in table.keys() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let d = Diagnostic::error(
                    codes::CASE_MALFORMED,
                    self.file,
                    span_of(key),
                    format!("clé inconnue `{}` {context}", key.get_ref()),
                )
                .with_primary_message("clé inconnue")
                .with_note(format!("clés possibles : {}", allowed.join(", ")));
                self.diagnostics.push(d);
            }
        }
    }

    fn root(&mut self, root: &Spanned<DeTable<'_>>) -> Vec<Case> {
        self.unknown_keys(
            root.get_ref(),
            &["cas", "base"],
            "au premier niveau du fichier",
        );
        if let Some(base) = root.get_ref().get("base") {
            if let Some(t) = self.table(base, "`base`") {
                let mut spans = Vec::new();
                let json = self.dossier_table(t, "", &mut spans);
                self.base = Some((json, spans));
            }
        }
        let Some(list) = root.get_ref().get("cas") else {
            self.malformed(
                Span::new(0, 0),
                "ce fichier ne contient aucun cas : chaque cas commence par une ligne `[[cas]]`",
            );
            return Vec::new();
        };
        let DeValue::Array(items) = list.get_ref() else {
            self.malformed(
                span_of(list),
                "`cas` doit être une liste de tables : écrivez `[[cas]]` avant chaque cas",
            );
            return Vec::new();
        };
        items.iter().filter_map(|item| self.case(item)).collect()
    }

    fn table<'v, 'i>(
        &mut self,
        value: &'v Spanned<DeValue<'i>>,
        what: &str,
    ) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.malformed(
                    span_of(value),
                    format!("{what} doit être une table, pas {}", kind_of(other)),
                );
                None
            }
        }
    }

    fn text(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.malformed(
                    span_of(value),
                    format!(
                        "`{key}` doit être un texte entre guillemets, pas {}",
                        kind_of(other)
                    ),
                );
                None
            }
        }
    }

    fn date(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<Dated> {
        let span = span_of(value);
        let date = match value.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                }
                _ => None,
            },
            DeValue::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
            _ => None,
        };
        if date.is_none() {
            self.error(
                codes::CASE_DATES,
                span,
                format!(
                    "`{key}` doit être une date sans heure, écrite AAAA-MM-JJ (par exemple 2024-11-19), pas {}",
                    kind_of(value.get_ref())
                ),
            );
        }
        date.map(|date| Dated { date, span })
    }

    fn case(&mut self, item: &Spanned<DeValue<'_>>) -> Option<Case> {
        let table = self.table(item, "un cas")?;
        let case_span = span_of(item);
        self.unknown_keys(table, CASE_KEYS, "dans un cas");
        let before = self.diagnostics.len();

        let id = match table.get("id") {
            Some(v) => self.text(v, "id").map(|s| (s, span_of(v))),
            None => {
                self.malformed(case_span, "ce cas n'a pas d'`id`");
                None
            }
        };
        if let Some((id, span)) = &id {
            let valid = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !valid {
                self.malformed(
                    *span,
                    format!(
                        "identifiant de cas « {id} » invalide : lettres sans accent, chiffres, `-`, `_` et `.` seulement (il nomme le fichier d'instantané)"
                    ),
                );
            }
        }
        let required_text = |reader: &mut Self, key: &str| match table.get(key) {
            Some(v) => reader.text(v, key),
            None => {
                reader.malformed(
                    case_span,
                    format!("ce cas n'a pas de `{key}` (obligatoire : voir docs/GUIDE-TESTS.md)"),
                );
                None
            }
        };
        let description = required_text(self, "description");
        let source = required_text(self, "source");

        let (dates, sweep) = self.dates(table, case_span);
        let dossier = self.dossier(table, case_span);
        let shift_dates = match table.get("decale_dates") {
            Some(v) => match v.get_ref() {
                DeValue::Boolean(b) if *b && !sweep => {
                    self.error(
                        codes::CASE_DATES,
                        span_of(v),
                        "`decale_dates` n'a de sens que dans un balayage (`dates = [...]`)",
                    );
                    false
                }
                DeValue::Boolean(b) => *b,
                other => {
                    self.malformed(
                        span_of(v),
                        format!(
                            "`decale_dates` doit être `true` ou `false`, pas {}",
                            kind_of(other)
                        ),
                    );
                    false
                }
            },
            None => false,
        };
        let attendu = match table.get("attendu") {
            Some(v) => self.expectations(v),
            None => {
                let has_par_date = table.contains_key("par_date");
                if !(sweep && has_par_date) {
                    self.malformed(
                        case_span,
                        "ce cas n'a pas d'`attendu` : sans valeur attendue écrite à la main, il ne vérifierait rien",
                    );
                }
                Vec::new()
            }
        };
        let par_date = match table.get("par_date") {
            Some(v) => self.par_date(v, sweep, &dates),
            None => Vec::new(),
        };
        if self.diagnostics.len() > before {
            return None;
        }
        let ((id, id_span), description, source) = (id?, description?, source?);
        let (dossier, dossier_span, dossier_spans) = dossier?;
        self.resolved
            .push((id.clone(), (dossier.clone(), dossier_spans.clone())));
        Some(Case {
            id,
            id_span,
            description,
            source,
            dates,
            sweep,
            dossier,
            dossier_span,
            dossier_spans,
            shift_dates,
            attendu,
            par_date,
            file: self.file,
            path: self.path.to_path_buf(),
        })
    }

    fn dates(&mut self, table: &DeTable<'_>, case_span: Span) -> (Vec<Dated>, bool) {
        match (table.get("date"), table.get("dates")) {
            (Some(_), Some(both)) => {
                self.error(
                    codes::CASE_DATES,
                    span_of(both),
                    "un cas a soit `date` (une date de décision), soit `dates` (un balayage), pas les deux",
                );
                (Vec::new(), false)
            }
            (Some(d), None) => (self.date(d, "date").into_iter().collect(), false),
            (None, Some(list)) => {
                let DeValue::Array(items) = list.get_ref() else {
                    self.error(
                        codes::CASE_DATES,
                        span_of(list),
                        format!(
                            "`dates` doit être une liste de dates, par exemple [2024-01-01, 2025-01-01], pas {}",
                            kind_of(list.get_ref())
                        ),
                    );
                    return (Vec::new(), true);
                };
                if items.is_empty() {
                    self.error(
                        codes::CASE_DATES,
                        span_of(list),
                        "`dates` est vide : un balayage a au moins une date",
                    );
                }
                let mut dates: Vec<Dated> = Vec::new();
                for item in items.iter() {
                    if let Some(d) = self.date(item, "dates") {
                        if let Some(first) = dates.iter().find(|x| x.date == d.date) {
                            let first = first.span;
                            self.diagnostics.push(
                                Diagnostic::error(
                                    codes::CASE_DATES,
                                    self.file,
                                    d.span,
                                    format!("la date {} figure deux fois dans `dates`", d.date),
                                )
                                .with_label(
                                    self.file,
                                    first,
                                    "première fois ici",
                                ),
                            );
                        } else {
                            dates.push(d);
                        }
                    }
                }
                (dates, true)
            }
            (None, None) => {
                self.error(
                    codes::CASE_DATES,
                    case_span,
                    "ce cas n'a pas de date de décision : écrivez `date = AAAA-MM-JJ` (ou `dates = [...]` pour un balayage)",
                );
                (Vec::new(), false)
            }
        }
    }

    fn par_date(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        sweep: bool,
        dates: &[Dated],
    ) -> Vec<DateExpectation> {
        if !sweep {
            self.error(
                codes::CASE_DATES,
                span_of(value),
                "`par_date` n'a de sens que dans un balayage (`dates = [...]`)",
            );
            return Vec::new();
        }
        let DeValue::Array(items) = value.get_ref() else {
            self.malformed(
                span_of(value),
                "`par_date` doit être une liste de tables : écrivez `[[cas.par_date]]`",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let Some(table) = self.table(item, "une entrée de `par_date`") else {
                continue;
            };
            self.unknown_keys(table, PAR_DATE_KEYS, "dans `par_date`");
            let Some(date_value) = table.get("date") else {
                self.error(
                    codes::CASE_DATES,
                    span_of(item),
                    "cette entrée de `par_date` n'a pas de `date`",
                );
                continue;
            };
            let Some(date) = self.date(date_value, "date") else {
                continue;
            };
            if !dates.iter().any(|d| d.date == date.date) {
                self.error(
                    codes::CASE_DATES,
                    date.span,
                    format!(
                        "la date {} n'est pas dans les `dates` du balayage : elle ne serait jamais vérifiée",
                        date.date
                    ),
                );
                continue;
            }
            if out
                .iter()
                .any(|p: &DateExpectation| p.date.date == date.date)
            {
                self.error(
                    codes::CASE_DATES,
                    date.span,
                    format!("deux entrées de `par_date` pour la date {}", date.date),
                );
                continue;
            }
            let attendu = match table.get("attendu") {
                Some(v) => self.expectations(v),
                None => {
                    self.malformed(
                        span_of(item),
                        "cette entrée de `par_date` n'a pas d'`attendu`",
                    );
                    Vec::new()
                }
            };
            out.push(DateExpectation { date, attendu });
        }
        out
    }

    fn expectations(&mut self, value: &Spanned<DeValue<'_>>) -> Vec<DispositifExpectation> {
        let Some(table) = self.table(value, "`attendu`") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, item) in table {
            let Some(t) = self.table(item, &format!("`attendu.{}`", name.get_ref())) else {
                continue;
            };
            self.unknown_keys(
                t,
                EXPECTATION_KEYS,
                &format!("dans `attendu.{}`", name.get_ref()),
            );
            let eligible = t
                .get("eligible")
                .and_then(|v| self.three_valued(v, "eligible"));
            let verse = t.get("verse").and_then(|v| self.three_valued(v, "verse"));
            let manquants = t
                .get("manquants")
                .and_then(|v| self.names(v, "manquants", "chemin du dossier", "demandeur.gir"));
            let valeurs = match t.get("valeurs") {
                Some(v) => self.valeurs(v),
                None => Vec::new(),
            };
            let motifs = t.get("motifs_non_satisfaits").and_then(|v| self.motifs(v));
            out.push(DispositifExpectation {
                dispositif: name.get_ref().to_string(),
                span: span_of(name),
                eligible,
                verse,
                valeurs,
                motifs_non_satisfaits: motifs,
                manquants,
            });
        }
        out
    }

    /// `true`, `false` or `"indetermine"` (`Some(None)`).
    fn three_valued(&mut self, v: &Spanned<DeValue<'_>>, key: &str) -> Option<Option<bool>> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(Some(*b)),
            DeValue::String(s) if matches!(&**s, "indetermine" | "indéterminé") => Some(None),
            other => {
                self.malformed(
                    span_of(v),
                    format!(
                        "`{key}` vaut true, false ou \"indetermine\", pas {}",
                        kind_of(other)
                    ),
                );
                None
            }
        }
    }

    fn valeurs(&mut self, value: &Spanned<DeValue<'_>>) -> Vec<ExpectedValue> {
        let Some(table) = self.table(value, "`valeurs`") else {
            return Vec::new();
        };
        table
            .iter()
            .map(|(name, v)| ExpectedValue {
                name: Named {
                    name: name.get_ref().to_string(),
                    span: span_of(name),
                },
                literal: literal(v.get_ref()),
                span: span_of(v),
            })
            .collect()
    }

    fn motifs(&mut self, value: &Spanned<DeValue<'_>>) -> Option<Vec<Named>> {
        self.names(
            value,
            "motifs_non_satisfaits",
            "identifiants de conditions",
            "gir_eligible",
        )
    }

    /// A list of texts (`motifs_non_satisfaits`, `manquants`).
    fn names(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        what: &str,
        example: &str,
    ) -> Option<Vec<Named>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.malformed(
                span_of(value),
                format!(
                    "`{key}` est une liste d'{what}, par exemple [\"{example}\"], pas {}",
                    kind_of(value.get_ref())
                ),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Named {
                    name: s.to_string(),
                    span: span_of(item),
                }),
                other => self.malformed(
                    span_of(item),
                    format!(
                        "`{key}` : un élément s'écrit entre guillemets, pas {}",
                        kind_of(other)
                    ),
                ),
            }
        }
        Some(out)
    }

    /// The case's dossier: its `dossier` table laid over the dossier of the case it `herite`
    /// from, or over the file's `[base]`, or alone. Paths it writes point to it; the others
    /// to where they were written.
    fn dossier(&mut self, table: &DeTable<'_>, case_span: Span) -> Option<CaseDossier> {
        let under = match table.get("herite") {
            Some(v) => {
                let id = self.text(v, "herite")?;
                match self.resolved.iter().find(|(other, _)| *other == id) {
                    Some((_, d)) => Some(d.clone()),
                    None => {
                        self.malformed(
                            span_of(v),
                            format!("`herite` : aucun cas « {id} » plus haut dans ce fichier"),
                        );
                        return None;
                    }
                }
            }
            None => self.base.clone(),
        };
        let own = match table.get("dossier") {
            Some(v) => {
                let t = self.table(v, "`dossier`")?;
                let mut spans = Vec::new();
                let json = self.dossier_table(t, "", &mut spans);
                Some((json, span_of(v), spans))
            }
            None => None,
        };
        match (under, own) {
            (None, None) => {
                self.malformed(
                    case_span,
                    "ce cas n'a pas de `dossier` (ni `[base]` dans le fichier, ni `herite`)",
                );
                None
            }
            (None, Some(own)) => Some(own),
            (Some((json, spans)), None) => Some((json, case_span, spans)),
            (Some((mut json, under_spans)), Some((overrides, span, mut spans))) => {
                crate::overrides::apply(&mut json, &overrides);
                spans.extend(under_spans);
                Some((json, span, spans))
            }
        }
    }

    /// The dossier table as JSON; records the span of every path on the way.
    fn dossier_table(
        &mut self,
        table: &DeTable<'_>,
        prefix: &str,
        spans: &mut Vec<(String, Span)>,
    ) -> Json {
        let mut object = serde_json::Map::new();
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.get_ref().to_string()
            } else {
                format!("{prefix}.{}", key.get_ref())
            };
            spans.push((path.clone(), span_of(key).to(span_of(value))));
            let json = self.dossier_value(value, &path, spans);
            object.insert(key.get_ref().to_string(), json);
        }
        Json::Object(object)
    }

    fn dossier_value(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        path: &str,
        spans: &mut Vec<(String, Span)>,
    ) -> Json {
        match value.get_ref() {
            DeValue::String(s) => Json::String(s.to_string()),
            DeValue::Boolean(b) => Json::Bool(*b),
            DeValue::Integer(i) => {
                match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                    Ok(n) => Json::Number(n.into()),
                    Err(_) => {
                        self.malformed(span_of(value), "entier trop grand");
                        Json::Null
                    }
                }
            }
            DeValue::Float(f) => match exact_number(f.as_str()) {
                Some(n) => n,
                None => {
                    self.malformed(
                        span_of(value),
                        format!("nombre « {} » impossible dans un dossier", f.as_str()),
                    );
                    Json::Null
                }
            },
            DeValue::Datetime(_) => match self.date(value, path) {
                Some(d) => Json::String(d.date.to_string()),
                None => Json::Null,
            },
            DeValue::Array(items) => Json::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let item_path = format!("{path}[{i}]");
                        spans.push((item_path.clone(), span_of(item)));
                        self.dossier_value(item, &item_path, spans)
                    })
                    .collect(),
            ),
            DeValue::Table(t) => self.dossier_table(t, path, spans),
        }
    }
}

/// A TOML float's text as an exact JSON number (`serde_json` keeps the digits as written).
fn exact_number(text: &str) -> Option<Json> {
    let cleaned = text.replace('_', "");
    let cleaned = cleaned.strip_prefix('+').unwrap_or(&cleaned);
    if cleaned.contains("inf") || cleaned.contains("nan") {
        return None;
    }
    serde_json::from_str::<Json>(cleaned)
        .ok()
        .filter(Json::is_number)
}

fn literal(value: &DeValue<'_>) -> Literal {
    match value {
        DeValue::String(s) => Literal::Text(s.to_string()),
        DeValue::Integer(i) if i.radix() == 10 => Literal::Integer(i.as_str().replace('_', "")),
        DeValue::Integer(_) => Literal::Other("un entier non décimal"),
        DeValue::Float(f) => Literal::Float(f.as_str().replace('_', "")),
        DeValue::Boolean(b) => Literal::Bool(*b),
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                    .map_or(Literal::Other("une date impossible"), Literal::Date)
            }
            _ => Literal::Other("une date avec heure"),
        },
        DeValue::Array(_) => Literal::Other("une liste"),
        DeValue::Table(_) => Literal::Other("une table"),
    }
}
