//! Why a dossier could not be decided, as the published JSON error of `docs/CONTRACT.md`.
//! Every door (the CLI's `decide` and `batch`, the HTTP service) reports it the same way.

use serde_json::{json, Value as Json};

use crate::{DossierError, DossierErrors, DossierWarning, EvalError};

/// Why a dossier could not be decided.
pub enum Refusal {
    /// Every error of the dossier (never empty), and its warnings.
    Invalid(DossierErrors),
    /// A dispositif could not be evaluated.
    Evaluation(EvalError),
}

fn error_json(e: &DossierError) -> Json {
    json!({
        "chemin": e.path(),
        "attendu": e.expected(),
        "trouve": e.found(),
        "message": e.to_string(),
    })
}

/// An unknown field of the dossier, as `socle decide` publishes it.
pub fn warning_json(w: &DossierWarning) -> Json {
    let mut value = json!({ "chemin": w.path, "message": w.to_string() });
    if let (Some(s), Json::Object(map)) = (&w.suggestion, &mut value) {
        map.insert("suggestion".into(), Json::String(s.clone()));
    }
    value
}

impl Refusal {
    /// Every error in one French line, for stderr and logs.
    pub fn message(&self) -> String {
        match self {
            Refusal::Invalid(e) => e
                .errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ; "),
            Refusal::Evaluation(e) => e.to_string(),
        }
    }

    /// The object a batch line carries for it: the French `erreur` and the typed `detail`.
    pub fn line_json(&self) -> Json {
        json!({ "erreur": self.message(), "detail": self.to_json() })
    }

    /// The `erreur` object: the first error's fields, then `erreurs` (all of them) and
    /// `avertissements` (unknown fields), if any.
    pub fn to_json(&self) -> Json {
        match self {
            // The first error's fields stay at the top (CONTRACT.md), `erreurs` lists them all.
            Refusal::Invalid(e) => {
                let mut value = e.first().map_or_else(|| json!({}), error_json);
                if let Json::Object(map) = &mut value {
                    map.insert("type".into(), "dossier_invalide".into());
                    map.insert(
                        "erreurs".into(),
                        e.errors.iter().map(error_json).collect::<Vec<_>>().into(),
                    );
                    if !e.warnings.is_empty() {
                        map.insert(
                            "avertissements".into(),
                            e.warnings
                                .iter()
                                .map(warning_json)
                                .collect::<Vec<_>>()
                                .into(),
                        );
                    }
                }
                value
            }
            Refusal::Evaluation(e) => json!({
                "type": "evaluation_impossible",
                "message": e.to_string(),
            }),
        }
    }
}
