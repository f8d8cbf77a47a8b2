//! The result of deciding one dossier, and its JSON form (CONTRACT.md, « Decision »).

use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::{Map, Value as Json};

use crate::ir::{Program, Ty};
use crate::render::value_to_json;
use crate::trace::TraceEntry;
use crate::value::Value;

#[derive(Clone, Debug)]
pub struct Decision {
    pub ruleset: Arc<str>,
    /// The decision date every parameter version was selected at.
    pub date: NaiveDate,
    /// One per dispositif, in program order.
    pub dispositifs: Vec<DispositifDecision>,
    /// How many rules were computed (each at most once): a measure of the work done.
    pub rules_computed: u32,
    /// Needed to render enumeration values by name.
    program: Arc<Program>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DispositifDecision {
    pub id: Arc<str>,
    pub title: Option<Arc<str>>,
    pub eligible: bool,
    /// Named outputs, in order; empty when not eligible.
    pub valeurs: Vec<OutputValue>,
    /// Every condition that decided eligibility, in order, then the cumul exclusion if any.
    pub motifs: Vec<Motif>,
    /// Present when the decision was made with `explain`.
    pub trace: Option<Vec<TraceEntry>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutputValue {
    pub name: Arc<str>,
    pub value: Value,
    pub ty: Ty,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Motif {
    pub id: Arc<str>,
    pub satisfaite: bool,
    pub message: String,
}

impl Decision {
    pub(crate) fn new(
        program: Arc<Program>,
        ruleset: Arc<str>,
        date: NaiveDate,
        dispositifs: Vec<DispositifDecision>,
        rules_computed: u32,
    ) -> Self {
        Decision {
            ruleset,
            date,
            dispositifs,
            rules_computed,
            program,
        }
    }

    pub fn dispositif(&self, id: &str) -> Option<&DispositifDecision> {
        self.dispositifs.iter().find(|d| &*d.id == id)
    }

    /// A value of this decision in its JSON form (money with two decimals, enum names…).
    pub fn value_json(&self, value: &Value, ty: &Ty) -> Json {
        value_to_json(value, ty, &self.program.enums)
    }

    pub fn to_json(&self) -> Json {
        let mut dispositifs = Map::new();
        for d in &self.dispositifs {
            dispositifs.insert(d.id.to_string(), self.dispositif_json(d));
        }
        let mut root = Map::new();
        root.insert("ruleset".into(), Json::String(self.ruleset.to_string()));
        root.insert("date".into(), Json::String(self.date.to_string()));
        root.insert("dispositifs".into(), Json::Object(dispositifs));
        Json::Object(root)
    }

    fn dispositif_json(&self, d: &DispositifDecision) -> Json {
        let valeurs: Map<String, Json> = d
            .valeurs
            .iter()
            .map(|v| (v.name.to_string(), self.value_json(&v.value, &v.ty)))
            .collect();
        let motifs: Vec<Json> = d
            .motifs
            .iter()
            .map(|m| {
                serde_json::json!({
                    "id": &*m.id,
                    "satisfaite": m.satisfaite,
                    "message": m.message,
                })
            })
            .collect();
        let mut out = Map::new();
        out.insert("eligible".into(), Json::Bool(d.eligible));
        out.insert("valeurs".into(), Json::Object(valeurs));
        out.insert("motifs".into(), Json::Array(motifs));
        if let Some(trace) = &d.trace {
            let entries = trace.iter().map(|e| self.trace_json(e)).collect();
            out.insert("trace".into(), Json::Array(entries));
        }
        Json::Object(out)
    }

    fn trace_json(&self, e: &TraceEntry) -> Json {
        let parametres: Vec<Json> = e
            .parameters
            .iter()
            .map(|p| {
                let mut m = Map::new();
                m.insert("parametre".into(), Json::String(p.name.clone()));
                m.insert("version".into(), Json::String(p.from.to_string()));
                m.insert(
                    "jusqu_au".into(),
                    p.until.map_or(Json::Null, |u| Json::String(u.to_string())),
                );
                if let Some((key, ty)) = &p.key {
                    m.insert("cle".into(), self.value_json(key, ty));
                }
                if let Some(tranche) = p.tranche {
                    m.insert("tranche".into(), Json::from(tranche));
                }
                if let Some(column) = &p.column {
                    m.insert("colonne".into(), Json::String(column.clone()));
                }
                m.insert("valeur".into(), self.value_json(&p.value, &p.ty));
                Json::Object(m)
            })
            .collect();
        serde_json::json!({
            "regle": e.rule,
            "valeur": self.value_json(&e.value, &e.ty),
            "parametres": parametres,
            "entrees": e.inputs,
            "utilise": e.uses,
            "exception": e.exception,
        })
    }
}

impl DispositifDecision {
    /// The value of a named output, if the dispositif is eligible.
    pub fn valeur(&self, name: &str) -> Option<&Value> {
        self.valeurs
            .iter()
            .find(|v| &*v.name == name)
            .map(|v| &v.value)
    }

    pub fn motif(&self, id: &str) -> Option<&Motif> {
        self.motifs.iter().find(|m| &*m.id == id)
    }
}
