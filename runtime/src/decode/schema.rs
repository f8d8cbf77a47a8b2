//! The dossier described as a JSON Schema: for the whole ruleset, or for the fields some
//! dispositifs may read (walking the IR from their definitions).

use serde_json::{Map, Value as Json};

use crate::ir::{DurationFamily, EnumDef, InputField, InputKind, Period, Program, Ty};

/// The schema of every field the ruleset reads.
pub(crate) fn json_schema(p: &Program) -> Json {
    json_schema_for(p, None)
}

/// The schema of the fields for which `keep[slot]` holds (all when `None`). No field is
/// required but the decision date: any other may be left out, and deciding then says which
/// ones it needs.
pub(crate) fn json_schema_for(p: &Program, keep: Option<&[bool]>) -> Json {
    let mut schema = Map::new();
    schema.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    schema.insert(
        "title".into(),
        format!("Dossier lu par {}", p.ruleset).into(),
    );
    schema.insert(
        "description".into(),
        "Champs du dossier que ce jeu de règles lit ; les autres champs sont ignorés. Seule la date de décision est obligatoire : un champ absent est inconnu, et la décision nomme ceux dont elle a besoin.".into(),
    );
    let schema_of = Schema {
        enums: &p.enums,
        docs: &p.input_docs,
        keep,
        required: p.decision_date_input,
    };
    let object = schema_of.object(&p.inputs).unwrap_or_else(
        || serde_json::json!({ "type": "object", "properties": {}, "required": [] }),
    );
    if let Json::Object(body) = object {
        schema.extend(body);
    }
    Json::Object(schema)
}

struct Schema<'p> {
    enums: &'p [EnumDef],
    /// Each slot's `##` documentation: the field's `description`.
    docs: &'p [Option<String>],
    keep: Option<&'p [bool]>,
    /// The one required leaf: the decision date.
    required: Option<u32>,
}

impl Schema<'_> {
    fn holds_required(&self, kind: &InputKind) -> bool {
        match kind {
            InputKind::Leaf { slot, .. } => Some(*slot) == self.required,
            InputKind::Record(sub) => sub.iter().any(|f| self.holds_required(&f.kind)),
        }
    }

    fn kept(&self, slot: u32) -> bool {
        self.keep
            .is_none_or(|keep| keep.get(slot as usize).copied().unwrap_or(false))
            || Some(slot) == self.required
    }

    /// The field's documentation as its `description`, before what its type says (« montant
    /// en euros par mois »).
    fn documented(&self, slot: u32, mut schema: Json) -> Json {
        let Some(Some(doc)) = self.docs.get(slot as usize) else {
            return schema;
        };
        if let Json::Object(body) = &mut schema {
            let description = match body.get("description").and_then(Json::as_str) {
                Some(of_type) => format!("{doc} ({of_type})"),
                None => doc.clone(),
            };
            body.insert("description".into(), description.into());
        }
        schema
    }

    /// `None` when no field of this object is kept.
    fn object(&self, fields: &[InputField]) -> Option<Json> {
        let enums = self.enums;
        let mut properties = Map::new();
        let mut required = Vec::new();
        for field in fields {
            let (inner, optional) = match &field.kind {
                InputKind::Leaf { slot, .. } if !self.kept(*slot) => continue,
                InputKind::Leaf {
                    ty: Ty::Optional(inner),
                    slot,
                    bounds,
                } => (
                    self.documented(*slot, bounded(ty_schema(inner, enums), *bounds)),
                    true,
                ),
                InputKind::Leaf { ty, slot, bounds } => (
                    self.documented(*slot, bounded(ty_schema(ty, enums), *bounds)),
                    field.optional,
                ),
                InputKind::Record(sub) => match self.object(sub) {
                    Some(schema) => (schema, field.optional),
                    None => continue,
                },
            };
            if optional {
                properties.insert(field.name.clone(), nullable(inner));
            } else {
                if self.holds_required(&field.kind) {
                    required.push(Json::String(field.name.clone()));
                }
                properties.insert(field.name.clone(), inner);
            }
        }
        if properties.is_empty() {
            return None;
        }
        Some(serde_json::json!({
            "type": "object",
            "properties": properties,
            "required": required,
        }))
    }
}

/// `entier dans MIN..MAX`: the schema says the bounds too.
fn bounded(mut schema: Json, bounds: Option<(i64, i64)>) -> Json {
    if let (Some((lo, hi)), Some(object)) = (bounds, schema.as_object_mut()) {
        object.insert("minimum".to_owned(), Json::from(lo));
        object.insert("maximum".to_owned(), Json::from(hi));
    }
    schema
}

fn nullable(schema: Json) -> Json {
    serde_json::json!({ "anyOf": [schema, { "type": "null" }] })
}

fn ty_schema(ty: &Ty, enums: &[EnumDef]) -> Json {
    use serde_json::json;
    let decimal = |description: String| {
        json!({
            "anyOf": [
                { "type": "number" },
                { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$" }
            ],
            "description": description,
        })
    };
    // A dossier amount is non-negative with at most two decimals.
    let money = |description: String| {
        json!({
            "anyOf": [
                { "type": "number", "minimum": 0 },
                { "type": "string", "pattern": "^[0-9]+(\\.[0-9]{1,2})?$" }
            ],
            "description": description,
        })
    };
    match ty {
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Int => json!({ "type": "integer" }),
        Ty::Decimal => decimal("nombre décimal".to_owned()),
        Ty::Rate => decimal("taux : 0.25 pour 25 %".to_owned()),
        Ty::Money(period) => money(format!(
            "montant en euros{}",
            match period {
                None => "",
                Some(Period::Heure) => " par heure",
                Some(Period::Jour) => " par jour",
                Some(Period::Mois) => " par mois",
                Some(Period::An) => " par an",
            }
        )),
        Ty::Date => json!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        }),
        Ty::Duration(DurationFamily::Days) => {
            json!({ "type": "integer", "description": "durée en jours" })
        }
        Ty::Duration(DurationFamily::Months) => {
            json!({ "type": "integer", "description": "durée en mois" })
        }
        Ty::Duration(DurationFamily::Hours) => {
            json!({ "type": "integer", "description": "durée en heures" })
        }
        Ty::Text => json!({ "type": "string" }),
        Ty::Enum(id) => match enums.get(*id as usize) {
            Some(e) => json!({ "type": "string", "enum": e.variants, "title": e.name }),
            None => json!({ "type": "string" }),
        },
        Ty::List(inner) => json!({ "type": "array", "items": ty_schema(inner, enums) }),
        Ty::Record(fields) => {
            let properties: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .map(|(name, t)| (name.clone(), ty_schema(t, enums)))
                .collect();
            let required: Vec<&String> = fields
                .iter()
                .filter(|(_, t)| !matches!(t, Ty::Optional(_)))
                .map(|(n, _)| n)
                .collect();
            json!({ "type": "object", "properties": properties, "required": required })
        }
        Ty::Optional(inner) => nullable(ty_schema(inner, enums)),
    }
}
