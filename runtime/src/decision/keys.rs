//! The JSON of a decision's fixed parts, kept in a decision reused from dossier to dossier
//! (`Decision::write_json_reusing`): the start of the object (ruleset and date), each
//! dispositif's `"id":{"eligible":` and each output's `"name":` are escaped once, then copied.
//! An entry is used only for the very name it was made from (the same shared `Arc`, which the
//! engine hands to every decision), so a stale entry is never read: it is remade.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::json_text::{date, string};

#[derive(Clone, Default)]
pub(crate) struct JsonKeys {
    start: Option<Start>,
    dispositifs: Vec<DispositifKeys>,
}

#[derive(Clone)]
struct Start {
    ruleset: Arc<str>,
    date: NaiveDate,
    /// `{"ruleset":"…","date":"…","dispositifs":{`.
    json: Box<[u8]>,
}

#[derive(Clone)]
struct DispositifKeys {
    id: Key,
    values: Vec<Key>,
}

/// A name and its JSON: `"id":{"eligible":` for a dispositif, `"name":` for an output.
#[derive(Clone)]
struct Key {
    name: Arc<str>,
    json: Box<[u8]>,
}

impl Key {
    fn new(name: &Arc<str>, tail: &[u8]) -> Self {
        let mut json = Vec::with_capacity(name.len() + 2 + tail.len());
        string(&mut json, name);
        json.extend_from_slice(tail);
        Key {
            name: Arc::clone(name),
            json: json.into_boxed_slice(),
        }
    }
}

/// `{"ruleset":"…","date":"…","dispositifs":{`, written afresh.
pub(super) fn write_start(out: &mut Vec<u8>, ruleset: &str, at: NaiveDate) {
    out.extend_from_slice(b"{\"ruleset\":");
    string(out, ruleset);
    out.extend_from_slice(b",\"date\":");
    date(out, at);
    out.extend_from_slice(b",\"dispositifs\":{");
}

pub(super) const DISPOSITIF_TAIL: &[u8] = b":{\"eligible\":";

impl JsonKeys {
    pub(super) fn start(&mut self, out: &mut Vec<u8>, ruleset: &Arc<str>, at: NaiveDate) {
        let kept = self
            .start
            .as_ref()
            .filter(|s| Arc::ptr_eq(&s.ruleset, ruleset) && s.date == at);
        let start = match kept {
            Some(start) => start,
            None => {
                let mut json = Vec::new();
                write_start(&mut json, ruleset, at);
                self.start.insert(Start {
                    ruleset: Arc::clone(ruleset),
                    date: at,
                    json: json.into_boxed_slice(),
                })
            }
        };
        out.extend_from_slice(&start.json);
    }

    /// Writes `"id":{"eligible":` for the dispositif `i` of the decision.
    pub(super) fn dispositif(&mut self, out: &mut Vec<u8>, i: usize, id: &Arc<str>) {
        let json = match self.dispositifs.get_mut(i) {
            Some(keys) if Arc::ptr_eq(&keys.id.name, id) => &keys.id.json,
            Some(keys) => {
                keys.id = Key::new(id, DISPOSITIF_TAIL);
                keys.values.clear();
                &keys.id.json
            }
            None => {
                // Dispositifs are written in order: `i` is the next entry, unless a previous
                // decision had fewer (then the entry is made without being kept).
                if i != self.dispositifs.len() {
                    return out.extend_from_slice(&Key::new(id, DISPOSITIF_TAIL).json);
                }
                self.dispositifs.push(DispositifKeys {
                    id: Key::new(id, DISPOSITIF_TAIL),
                    values: Vec::new(),
                });
                match self.dispositifs.last() {
                    Some(keys) => &keys.id.json,
                    None => return,
                }
            }
        };
        out.extend_from_slice(json);
    }

    /// Writes `"name":` for the output `j` of the dispositif `i`, after
    /// [`JsonKeys::dispositif`] for `i`.
    pub(super) fn value(&mut self, out: &mut Vec<u8>, i: usize, j: usize, name: &Arc<str>) {
        let Some(values) = self.dispositifs.get_mut(i).map(|keys| &mut keys.values) else {
            string(out, name);
            out.push(b':');
            return;
        };
        if j == values.len() {
            values.push(Key::new(name, b":"));
        }
        let json = match values.get_mut(j) {
            Some(key) if Arc::ptr_eq(&key.name, name) => &key.json,
            Some(key) => {
                *key = Key::new(name, b":");
                &key.json
            }
            // Outputs are written in order: `j` is never past the next entry.
            None => return out.extend_from_slice(&Key::new(name, b":").json),
        };
        out.extend_from_slice(json);
    }
}

impl std::fmt::Debug for JsonKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonKeys").finish_non_exhaustive()
    }
}
