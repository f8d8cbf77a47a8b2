//! The published form of a decision (CONTRACT.md, « Decision »), as serde types.
//!
//! The JSON keys are a contract with the caseworkers' tools: they are French, and the fields
//! of these structs are named exactly as their keys (only `ruleset`, whose published key is
//! English, is renamed), so that each struct speaks one language and a renamed key is a
//! compile error for every reader. Readers (the CLI's human output, the golden harness)
//! deserialise this shape instead of indexing JSON by string.
//!
//! [`crate::Decision`] stays the engine's compact result: this view is built only when a
//! decision is published ([`crate::Decision::published`], [`crate::Decision::to_json`]), so
//! deciding alone never renders messages nor JSON values.

use chrono::NaiveDate;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// A decided dossier: one entry per dispositif, in program order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The ruleset that decided (`val-doise`).
    #[serde(rename = "ruleset")]
    pub jeu_de_regles: String,
    /// The decision date every parameter version was selected at.
    pub date: NaiveDate,
    /// Each dispositif's decision, by identifier, in program order.
    pub dispositifs: IndexMap<String, Dispositif>,
    /// The facts still to ask, across the undetermined dispositifs: the one that blocks the
    /// most dispositifs first. Absent when every dispositif is decided.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question>,
}

/// The decision on one dispositif.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dispositif {
    /// Whether the applicant is granted the dispositif; `null` when undetermined: the dossier
    /// lacks facts (`manquants`) that could change the outcome.
    pub eligible: Option<bool>,
    /// Whether the aid is paid, for a dispositif with payment conditions (`condition de
    /// versement`) whose right is open or may be: `false` when a payment condition fails (the
    /// right stays open, `eligible` is `true`, the paid values are zero); `null` when unknown.
    /// Absent for a dispositif without payment conditions, or not eligible.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "present_or_null"
    )]
    pub verse: Option<Option<bool>>,
    /// Named outputs in their JSON form (money as a string with two decimals, enumeration
    /// values by name…), in order; empty when not eligible.
    pub valeurs: IndexMap<String, Json>,
    /// Every condition that decided eligibility, in order, then the cumul exclusion if any.
    pub motifs: Vec<Motif>,
    /// Every missing dossier field whose value could change this decision (its eligibility,
    /// or a value of an eligible dispositif). Absent when the dispositif is fully decided.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manquants: Vec<Manquant>,
    /// Why the dispositif could not be decided; it is then not eligible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erreur: Option<String>,
    /// How each value was obtained, when decided with `explain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<TraceStep>>,
}

/// Why a dispositif is (not) granted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Motif {
    /// The condition identifier (`age_minimum`), or `cumul_<dispositif>` for an exclusion.
    pub id: String,
    /// Whether the condition holds; `null` when it depends on missing facts.
    pub satisfaite: Option<bool>,
    /// `true` for a condition of payment (`condition de versement`): failing, it withholds the
    /// payment, not the right. Absent for an eligibility condition.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub versement: bool,
    /// The sentence shown to the applicant (`âge 86 ans ≥ 60 ans`).
    pub message: String,
    /// The JSON paths of the missing fields the condition depends on (when `satisfaite` is
    /// `null`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manquants: Vec<String>,
}

/// A missing dossier field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manquant {
    /// Dotted JSON path (`demandeur.gir`).
    pub chemin: String,
    /// What the field should hold, in French (`entier`, `date AAAA-MM-JJ`).
    pub attendu: String,
    /// The field's documentation (its `##` comment in the ruleset), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A fact still to ask, with the undetermined dispositifs waiting for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Dotted JSON path (`demandeur.gir`).
    pub chemin: String,
    /// What the field should hold, in French.
    pub attendu: String,
    /// The field's documentation (its `##` comment in the ruleset), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The dispositifs this fact could decide, in program order.
    pub dispositifs: Vec<String>,
}

/// How one rule's value was obtained (one entry of a `trace`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceStep {
    /// Qualified rule identifier (`apa_domicile.plafond`).
    pub regle: String,
    /// The rule's value, in its JSON form.
    pub valeur: Json,
    /// The parameters and barèmes read, with the dated version used.
    pub parametres: Vec<ParameterRead>,
    /// Dossier paths read directly by this rule.
    pub entrees: Vec<String>,
    /// Rules whose values this rule used directly.
    pub utilise: Vec<String>,
    /// The label of the exception branch that applied, if any (published as `null` if none).
    pub exception: Option<String>,
    /// The dates at which parts of the rule were evaluated (`… au DATE`), absent if none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub au: Vec<NaiveDate>,
}

/// One parameter (or barème) read by a rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParameterRead {
    /// The parameter's qualified name.
    pub parametre: String,
    /// The first day of the version used.
    pub version: NaiveDate,
    /// The last day of the version used (published as `null` when open-ended).
    pub jusqu_au: Option<NaiveDate>,
    /// The key looked up in a table, in its JSON form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cle: Option<Json>,
    /// The barème tranche number that contained the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tranche: Option<u32>,
    /// The barème column (enumeration variant) used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colonne: Option<String>,
    /// The value read, in its JSON form.
    pub valeur: Json,
}

/// A key that is absent (`None`), `null` (`Some(None)`) or a value: serde's `Option` alone
/// cannot tell an absent key from `null`.
mod present_or_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}
