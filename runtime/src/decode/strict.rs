//! The dossier text parsed into a `serde_json::Value` in one pass that refuses what the
//! `Value` would hide or what could exhaust the machine: a key given twice in one object (the
//! `Value` keeps the last one silently), nesting deeper than [`MAX_DEPTH`], a list longer than
//! [`MAX_LIST_LEN`]. It stops at the first violation, before serde_json's own recursion limit.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value as Json};

use super::Path;

/// Deepest nesting of objects and lists a dossier may have (real dossiers have 3 or 4 levels).
pub const MAX_DEPTH: usize = 64;
/// Longest list a dossier may hold (a list of benefits or services has a handful of elements).
pub const MAX_LIST_LEN: usize = 10_000;
/// Largest dossier text, in bytes.
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// What the first pass refused, with the JSON path where it happened.
pub enum Violation {
    DuplicateKey { path: String },
    TooDeep { path: String },
    TooLong { path: String, len: usize },
}

/// `Ok(Err(_))`: valid JSON that breaks a rule; `Err(_)`: not JSON (serde_json's error, with
/// its line and column).
pub fn parse(text: &str) -> Result<Result<Json, Violation>, serde_json::Error> {
    let mut found = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let outcome = Node {
        path: &Path::Root,
        depth: 0,
        found: &mut found,
    }
    .deserialize(&mut de)
    .and_then(|json| de.end().map(|()| json));
    match (outcome, found) {
        (_, Some(violation)) => Ok(Err(violation)),
        (Ok(json), None) => Ok(Ok(json)),
        (Err(e), None) => Err(e),
    }
}

/// How serde_json (with exact numbers) hands a number to a visitor: a one-entry map with this
/// key and the number's text, as `serde_json::Value` itself reads it.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// One JSON value at `path`. A violation is stored in `found` and the parse is aborted with
/// a placeholder serde error that `check` discards.
struct Node<'a, 'p> {
    path: &'a Path<'p>,
    depth: usize,
    found: &'a mut Option<Violation>,
}

impl Node<'_, '_> {
    fn stop<E: serde::de::Error>(self, violation: Violation) -> E {
        *self.found = Some(violation);
        E::custom("limite du dossier")
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("une valeur JSON")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::from(n))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
        Ok(Json::from(n))
    }

    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(s))
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        if self.depth >= MAX_DEPTH {
            let path = self.path.render();
            return Err(self.stop(Violation::TooDeep { path }));
        }
        let mut items = Vec::new();
        loop {
            let item = Path::Index(self.path, items.len());
            let node = Node {
                path: &item,
                depth: self.depth + 1,
                found: &mut *self.found,
            };
            match seq.next_element_seed(node)? {
                Some(value) => items.push(value),
                None => break,
            }
            if items.len() > MAX_LIST_LEN {
                let path = self.path.render();
                let len = items.len();
                return Err(self.stop(Violation::TooLong { path, len }));
            }
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        if self.depth >= MAX_DEPTH {
            let path = self.path.render();
            return Err(self.stop(Violation::TooDeep { path }));
        }
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let field = Path::Field(self.path, &key);
            if object.is_empty() && key == NUMBER_TOKEN {
                let text: String = map.next_value()?;
                return text
                    .parse::<Number>()
                    .map(Json::Number)
                    .map_err(serde::de::Error::custom);
            }
            if has_key(&object, &key) {
                let path = field.render();
                return Err(self.stop(Violation::DuplicateKey { path }));
            }
            let value = map.next_value_seed(Node {
                path: &field,
                depth: self.depth + 1,
                found: &mut *self.found,
            })?;
            object.insert(key, value);
        }
        Ok(Json::Object(object))
    }
}

/// Beyond this many keys, hashing the key costs less than comparing it with each of them.
const FEW_KEYS: usize = 16;

/// A dossier's objects have a handful of keys: a scan of the keys in order costs less than
/// hashing; a large object (hostile input) is looked up by hash so the check stays linear.
fn has_key(object: &Map<String, Json>, key: &str) -> bool {
    if object.len() < FEW_KEYS {
        object.keys().any(|k| k == key)
    } else {
        object.contains_key(key)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn violation(text: &str) -> Option<String> {
        match parse(text).unwrap() {
            Ok(_) => None,
            Err(Violation::DuplicateKey { path }) => Some(format!("double {path}")),
            Err(Violation::TooDeep { path }) => Some(format!("profond {path}")),
            Err(Violation::TooLong { path, len }) => Some(format!("long {path} {len}")),
        }
    }

    #[test]
    fn rules() {
        assert_eq!(
            violation(r#"{"a": 1, "b": {"c": [1, 2.5e3, "x", null, true]}}"#),
            None
        );
        assert_eq!(
            violation(r#"{"a": {"b": 1, "b": 2}}"#).as_deref(),
            Some("double a.b")
        );
        assert_eq!(
            violation(r#"{"l": [{"x": 1}, {"x": 1, "x": 1}]}"#).as_deref(),
            Some("double l[1].x")
        );
        // Past the small-object scan, duplicates are still found.
        let keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let late = format!("{{{}, \"k30\": 0}}", keys.join(", "));
        assert_eq!(violation(&late).as_deref(), Some("double k30"));
        let early = format!("{{{}, \"k3\": 0}}", keys.join(", "));
        assert_eq!(violation(&early).as_deref(), Some("double k3"));
        assert_eq!(violation(&format!("{{{}}}", keys.join(", "))), None);
        // The same key in two different objects is not a duplicate.
        assert_eq!(violation(r#"[{"x": 1}, {"x": 2}]"#), None);
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(violation(&deep).unwrap().starts_with("profond [0][0]"));
        let ok_depth = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(violation(&ok_depth), None);
        let long = format!("{{\"l\": [{}0]}}", "0,".repeat(MAX_LIST_LEN));
        assert_eq!(
            violation(&long).as_deref(),
            Some(format!("long l {}", MAX_LIST_LEN + 1).as_str())
        );
        let fits = format!("[{}0]", "0,".repeat(MAX_LIST_LEN - 1));
        assert_eq!(violation(&fits), None);
    }

    #[test]
    fn syntax_errors_pass_through() {
        assert!(parse("{\"a\": ").is_err());
        assert!(parse("{} {}").is_err());
    }

    #[test]
    fn the_value_is_serde_json_s() {
        for text in [
            r#"{"a": 1, "b": {"c": [1, 2.5e3, -0.10, "x\u00e9\n", null, true, false]}}"#,
            r#"[1e400, 123456789012345678901234567890, 0.1, -7]"#,
            r#"{"z": 1, "a": 2, "m": {"$serde_json::private::Number": "12.50"}}"#,
            r#""texte""#,
            "  {}  ",
        ] {
            let ours = parse(text).unwrap().ok().unwrap();
            let theirs: Json = serde_json::from_str(text).unwrap();
            assert_eq!(ours, theirs, "{text}");
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        }
    }
}
