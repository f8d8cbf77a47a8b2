//! A first pass over the dossier text that refuses what `serde_json::Value` would hide or
//! what could exhaust the machine: a key given twice in one object (the `Value` keeps the last
//! one silently), nesting deeper than [`MAX_DEPTH`], a list longer than [`MAX_LIST_LEN`].
//! It allocates only the keys of the object being read, and stops at the first violation.

use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

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

/// `Ok(Err(_))`: valid JSON that breaks a rule; `Err(_)`: not JSON (reported by the caller
/// exactly as the main parse would report it).
pub fn check(text: &str) -> Result<Result<(), Violation>, serde_json::Error> {
    let mut found = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let outcome = Node {
        path: &Path::Root,
        depth: 0,
        found: &mut found,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match (outcome, found) {
        (_, Some(violation)) => Ok(Err(violation)),
        (Ok(()), None) => Ok(Ok(())),
        (Err(e), None) => Err(e),
    }
}

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
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("une valeur JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.depth >= MAX_DEPTH {
            let path = self.path.render();
            return Err(self.stop(Violation::TooDeep { path }));
        }
        let mut len = 0usize;
        loop {
            let item = Path::Index(self.path, len);
            let node = Node {
                path: &item,
                depth: self.depth + 1,
                found: &mut *self.found,
            };
            if seq.next_element_seed(node)?.is_none() {
                break;
            }
            len += 1;
            if len > MAX_LIST_LEN {
                let path = self.path.render();
                return Err(self.stop(Violation::TooLong { path, len }));
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.depth >= MAX_DEPTH {
            let path = self.path.render();
            return Err(self.stop(Violation::TooDeep { path }));
        }
        let mut seen = Keys::default();
        while let Some(key) = map.next_key::<String>()? {
            let field = Path::Field(self.path, &key);
            if seen.contains(&key) {
                let path = field.render();
                return Err(self.stop(Violation::DuplicateKey { path }));
            }
            map.next_value_seed(Node {
                path: &field,
                depth: self.depth + 1,
                found: &mut *self.found,
            })?;
            seen.insert(key);
        }
        Ok(())
    }
}

/// The keys of one object seen so far. A dossier's objects have a handful of keys: a linear
/// scan of a small vector costs less than hashing each key; a large object (hostile input)
/// moves to a hash set so that the check stays linear.
#[derive(Default)]
struct Keys {
    few: Vec<String>,
    many: HashSet<String>,
}

/// Beyond this many keys, the linear scan costs more than hashing.
const FEW_KEYS: usize = 16;

impl Keys {
    fn contains(&self, key: &str) -> bool {
        self.few.iter().any(|k| k == key) || self.many.contains(key)
    }

    fn insert(&mut self, key: String) {
        if self.few.len() < FEW_KEYS {
            self.few.push(key);
        } else {
            self.many.insert(key);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn violation(text: &str) -> Option<String> {
        match check(text).unwrap() {
            Ok(()) => None,
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
        assert!(check("{\"a\": ").is_err());
        assert!(check("{} {}").is_err());
    }
}
