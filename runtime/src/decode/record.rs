//! Elements of a list of structures in a dossier (`heritiers[2]`): one value per element,
//! holding its fields in declaration order.

use std::sync::Arc;

use serde_json::{Map, Value as Json};

use super::{Decoder, Path};
use crate::error::{DossierError, DossierErrorKind};
use crate::ir::Ty;
use crate::value::Value;

impl Decoder<'_> {
    /// An element of a list of structures: its fields in order. A field left out is absent
    /// (for a required field, unknown: reading it names the list as missing); a field the
    /// structure does not have is an error, with its path (`heritiers[2].lien`).
    pub(super) fn record(
        &self,
        fields: &[(String, Ty)],
        obj: &Map<String, Json>,
        path: &Path,
    ) -> Result<Value, Vec<DossierError>> {
        let mut values = Vec::with_capacity(fields.len());
        let mut errors = Vec::new();
        for (name, ty) in fields {
            let field_path = Path::Field(path, name);
            match obj.get(name) {
                None => values.push(Value::Absent),
                Some(v) => match self.leaf(ty, v, &field_path) {
                    Ok(value) => values.push(value),
                    Err(e) => errors.extend(e),
                },
            }
        }
        for key in obj.keys() {
            if !fields.iter().any(|(n, _)| n == key) {
                let key_path = Path::Field(path, key);
                errors.push(DossierError::new(
                    DossierErrorKind::UnknownField,
                    key_path.render(),
                    format!(
                        "un des champs {}",
                        fields
                            .iter()
                            .map(|(n, _)| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    false,
                    "un champ inconnu".to_owned(),
                ));
            }
        }
        if errors.is_empty() {
            Ok(Value::List(Arc::from(values)))
        } else {
            Err(errors)
        }
    }
}
