//! Every dossier field a shipped ruleset reads is documented: `socle schema` gives each leaf
//! field a `description` taken from its doc comment (issue 10, « schema per dispositif »), so a
//! form or a caseworker asking for a missing fact can say what it means.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The JSON paths of the leaf fields under `schema` that have no `description`.
fn undocumented(schema: &Json, path: &str, out: &mut Vec<String>) {
    let Some(props) = schema.get("properties").and_then(Json::as_object) else {
        return;
    };
    for (key, prop) in props {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        // An optional field is `anyOf: [its schema, null]`.
        let inner = prop
            .get("anyOf")
            .and_then(|a| a.get(0))
            .filter(|first| first.get("properties").is_some() || first.get("type").is_some())
            .unwrap_or(prop);
        if inner.get("properties").is_some() {
            undocumented(inner, &here, out);
        } else if prop.get("description").is_none() && inner.get("description").is_none() {
            out.push(here);
        }
    }
}

#[test]
fn every_field_of_every_shipped_schema_has_a_description() {
    let mut missing = Vec::new();
    for ruleset in ["val-doise", "bas-rhin", "oscar", "crt", "charente"] {
        let out = Command::new(env!("CARGO_BIN_EXE_socle"))
            .args(["schema", &format!("rulesets/{ruleset}")])
            .current_dir(root())
            .output()
            .expect("socle runs");
        assert_eq!(out.status.code(), Some(0), "socle schema {ruleset}");
        let schema: Json = serde_json::from_slice(&out.stdout).expect("schema is JSON");
        let mut fields = Vec::new();
        undocumented(&schema, "", &mut fields);
        missing.extend(fields.into_iter().map(|f| format!("{ruleset}: {f}")));
    }
    assert!(
        missing.is_empty(),
        "fields without a doc comment:\n{}",
        missing.join("\n")
    );
}
