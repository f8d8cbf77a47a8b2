//! Why a dispositif's decision changed: from the condition or output that differs, down the
//! rules it used (the traces' `utilise`) to the first one whose inputs are the same but whose
//! result is not. There the cause is the parameter version or barème tranche it read that
//! differs, else the exception branch it took, else the rule itself (its formula or value
//! was rewritten). Following only differing rules keeps the cause on the path that produced
//! the change, never an unrelated difference elsewhere in the trace.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use socle_runtime::ir::Program;
use socle_runtime::render::render_human;
use socle_runtime::{Decision, DispositifDecision, ParamTrace, TraceEntry};

/// The cause of one change, published in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// `parametre`, `bareme`, `condition`, `exception`, `regle`, `cumul`, `dispositif` or
    /// `erreur`.
    pub nature: &'static str,
    /// The parameter, barème, condition or rule named (`national.coefficient_gir`).
    pub element: String,
    /// The version in force (its first day), for a parameter or a barème.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<NaiveDate>,
    /// The key looked up in a table parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cle: Option<String>,
    /// The result before, as a person reads it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avant: Option<String>,
    /// The result after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apres: Option<String>,
    /// The group this cause counts in: the same for every dossier changed by the same element
    /// (`paramètre national.coefficient_gir, version du 2024-01-01, clé 1`).
    pub resume: String,
    /// The whole sentence, with this dossier's values.
    pub texte: String,
}

impl Cause {
    fn new(nature: &'static str, element: &str, resume: String) -> Cause {
        Cause {
            nature,
            element: element.to_owned(),
            version: None,
            cle: None,
            avant: None,
            apres: None,
            texte: resume.clone(),
            resume,
        }
    }

    fn values(mut self, before: Option<String>, after: Option<String>) -> Cause {
        let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
        self.texte = format!("{} : {} → {}", self.resume, shown(&before), shown(&after));
        self.avant = before;
        self.apres = after;
        self
    }
}

/// The two decisions of one dossier, decided with traces.
pub struct Traced<'a> {
    pub before: &'a Decision,
    pub after: &'a Decision,
}

type Index<'a> = HashMap<&'a str, &'a TraceEntry>;

fn index(d: Option<&DispositifDecision>) -> Index<'_> {
    d.and_then(|d| d.trace.as_ref())
        .map(|t| t.iter().map(|e| (e.rule.as_str(), e)).collect())
        .unwrap_or_default()
}

/// The def name of a dispositif's condition or output, from the program.
fn def_name(
    program: &Program,
    dispositif: &str,
    condition: Option<&str>,
    output: Option<&str>,
) -> Option<String> {
    let d = program.dispositifs.iter().find(|d| d.name == dispositif)?;
    let def = match (condition, output) {
        (Some(c), _) => d.conditions.iter().find(|x| x.id == c)?.def,
        (_, Some(o)) => d.outputs.iter().find(|x| x.name == o)?.def,
        _ => return None,
    };
    program.defs.get(def as usize).map(|d| d.name.clone())
}

impl Traced<'_> {
    /// The cause of the change of dispositif `id`, whose amount output is `amount` (looked at
    /// first when the eligibility did not change).
    pub fn cause(&self, id: &str, amount: Option<&str>) -> Cause {
        let before = self.before.dispositif(id);
        let after = self.after.dispositif(id);
        let (Some(b), Some(a)) = (before, after) else {
            let resume = match after {
                Some(_) => format!("dispositif {id} ajouté"),
                None => format!("dispositif {id} supprimé"),
            };
            return Cause::new("dispositif", id, resume);
        };
        if let Some(error) = a.error.as_ref().or(b.error.as_ref()) {
            return Cause::new("erreur", id, format!("{id} non décidé : {error}"));
        }
        let mut walk = Walk {
            before: index(before),
            after: index(after),
            before_program: self.before.program(),
            after_program: self.after.program(),
            visited: HashSet::new(),
        };
        if a.eligible != b.eligible {
            return walk.eligibility(id, b, a);
        }
        // Same right, payment withheld or restored: the paid values (`valeur versée`) differ
        // while the rules computing them do not, so the cause is the payment condition.
        if a.payment != b.payment {
            if let Some(cause) = walk.payment(id, b, a) {
                return cause;
            }
        }
        // Same eligibility: the first output that differs, the amount first.
        let mut names: Vec<&str> = amount.into_iter().collect();
        names.extend(a.values.iter().map(|v| &*v.name));
        for name in names {
            if a.valeur(name) != b.valeur(name) {
                if let Some(rule) = def_name(self.after.program(), id, None, Some(name)) {
                    return walk.root(&rule);
                }
            }
        }
        Cause::new("regle", id, format!("décision de {id} modifiée"))
    }
}

struct Walk<'a> {
    before: Index<'a>,
    after: Index<'a>,
    before_program: &'a Program,
    after_program: &'a Program,
    visited: HashSet<String>,
}

fn satisfied(s: Option<bool>) -> String {
    match s {
        Some(true) => "satisfaite",
        Some(false) => "non satisfaite",
        None => "indéterminée",
    }
    .to_owned()
}

impl Walk<'_> {
    fn eligibility(mut self, id: &str, b: &DispositifDecision, a: &DispositifDecision) -> Cause {
        for motif in &a.motifs {
            let old = b.motif(motif.id());
            if old.map(|m| m.satisfied) == Some(motif.satisfied) {
                continue;
            }
            let condition = motif.id().to_owned();
            let Some(old) = old else {
                let resume = format!("condition {id}.{condition} ajoutée");
                return Cause::new("condition", &condition, resume)
                    .values(None, Some(satisfied(motif.satisfied)));
            };
            if condition.starts_with("cumul_") {
                let resume = format!("règle de cumul {condition}");
                return Cause::new("cumul", &condition, resume).values(
                    Some(satisfied(old.satisfied)),
                    Some(satisfied(motif.satisfied)),
                );
            }
            if let Some(rule) = def_name(self.after_program, id, Some(&condition), None) {
                return self.root(&rule);
            }
        }
        // A condition or exclusion that only the version before had.
        for motif in &b.motifs {
            if a.motif(motif.id()).is_none() {
                let resume = format!("condition {id}.{} supprimée", motif.id());
                return Cause::new("condition", motif.id(), resume)
                    .values(Some(satisfied(motif.satisfied)), None);
            }
        }
        Cause::new("condition", id, format!("éligibilité à {id} modifiée"))
            .values(Some(satisfied(b.eligible)), Some(satisfied(a.eligible)))
    }

    /// The cause of a payment condition (`condition de versement`) whose outcome differs.
    fn payment(
        &mut self,
        id: &str,
        b: &DispositifDecision,
        a: &DispositifDecision,
    ) -> Option<Cause> {
        let motif = a
            .motifs
            .iter()
            .find(|m| m.payment && b.motif(m.id()).map(|old| old.satisfied) != Some(m.satisfied))?;
        let rule = def_name(self.after_program, id, Some(motif.id()), None)?;
        Some(self.root(&rule))
    }

    /// The first rule under `rule` whose result differs with the same inputs.
    fn root(&mut self, rule: &str) -> Cause {
        self.visited.insert(rule.to_owned());
        let (Some(a), Some(b)) = (
            self.after.get(rule).copied(),
            self.before.get(rule).copied(),
        ) else {
            return self.rule_cause(rule, None, None);
        };
        for used in &a.uses {
            let (Some(ua), Some(ub)) = (
                self.after.get(used.as_str()),
                self.before.get(used.as_str()),
            ) else {
                continue;
            };
            if ua.value != ub.value && !self.visited.contains(used) {
                let used = used.clone();
                return self.root(&used);
            }
        }
        if let Some(cause) = self.parameter(a, b) {
            return cause;
        }
        if a.exception != b.exception {
            let label = |e: &Option<String>| e.clone().unwrap_or_else(|| "aucune".to_owned());
            return Cause::new("exception", rule, format!("exception de {rule}"))
                .values(Some(label(&b.exception)), Some(label(&a.exception)));
        }
        self.rule_cause(rule, Some(b), Some(a))
    }

    fn rule_cause(&self, rule: &str, b: Option<&TraceEntry>, a: Option<&TraceEntry>) -> Cause {
        let condition = self.after_program.dispositifs.iter().find_map(|d| {
            d.conditions.iter().find_map(|c| {
                let name = self.after_program.defs.get(c.def as usize)?;
                (name.name == rule).then(|| format!("{}.{}", d.name, c.id))
            })
        });
        let before = b.map(|e| render_human(&e.value, &e.ty, &self.before_program.enums));
        let after = a.map(|e| render_human(&e.value, &e.ty, &self.after_program.enums));
        match condition {
            Some(condition) => {
                let yes_no = |v: Option<String>| {
                    v.map(|v| match v.as_str() {
                        "oui" => "satisfaite".to_owned(),
                        "non" => "non satisfaite".to_owned(),
                        _ => v,
                    })
                };
                Cause::new("condition", &condition, format!("condition {condition}"))
                    .values(yes_no(before), yes_no(after))
            }
            None => Cause::new("regle", rule, format!("règle {rule}")).values(before, after),
        }
    }

    /// The first parameter or barème read whose version, tranche or value differs.
    fn parameter(&self, a: &TraceEntry, b: &TraceEntry) -> Option<Cause> {
        for p in &a.parameters {
            let same_key = b
                .parameters
                .iter()
                .find(|q| q.name == p.name && q.key == p.key);
            let q = same_key.or_else(|| b.parameters.iter().find(|q| q.name == p.name));
            match q {
                Some(q) if same_read(p, q) => continue,
                Some(q) => return Some(self.read_cause(Some(q), Some(p))),
                None => return Some(self.read_cause(None, Some(p))),
            }
        }
        b.parameters
            .iter()
            .find(|q| !a.parameters.iter().any(|p| p.name == q.name))
            .map(|q| self.read_cause(Some(q), None))
    }

    fn read_cause(&self, before: Option<&ParamTrace>, after: Option<&ParamTrace>) -> Cause {
        let Some(shown) = after.or(before) else {
            return Cause::new("regle", "", String::new());
        };
        let name = shown.name.as_str();
        let render = |p: Option<&ParamTrace>, program: &Program| {
            p.map(|p| {
                let value = render_human(&p.value, &p.ty, &program.enums);
                match (p.tranche, &p.column) {
                    (Some(t), Some(c)) => format!("tranche {t} ({c}) : {value}"),
                    (Some(t), None) => format!("tranche {t} : {value}"),
                    _ => value,
                }
            })
        };
        let old = render(before, self.before_program);
        let new = render(after, self.after_program);
        let key = shown
            .key
            .as_ref()
            .map(|(k, ty)| render_human(k, ty, &self.after_program.enums));
        let is_bareme = shown.tranche.is_some();
        let from = |p: &ParamTrace| p.from.format("%Y-%m-%d").to_string();
        let versions = match (before, after) {
            (Some(b), Some(a)) if b.from != a.from => {
                format!("version du {} → version du {}", from(b), from(a))
            }
            (None, Some(a)) => format!("version du {} (lue seulement après)", from(a)),
            (Some(b), None) => format!("version du {} (lue seulement avant)", from(b)),
            _ => format!("version du {}", from(shown)),
        };
        let mut resume = format!(
            "{} {name}, {versions}",
            if is_bareme { "barème" } else { "paramètre" }
        );
        if let Some(key) = &key {
            resume.push_str(&format!(", clé {key}"));
        }
        let mut cause = Cause::new(if is_bareme { "bareme" } else { "parametre" }, name, resume);
        cause.version = Some(shown.from);
        cause.cle = key;
        cause.values(old, new)
    }
}

fn same_read(a: &ParamTrace, b: &ParamTrace) -> bool {
    // `until` is left out: a later version added after the date changes no result.
    a.from == b.from
        && a.key == b.key
        && a.tranche == b.tranche
        && a.column == b.column
        && a.value == b.value
}
