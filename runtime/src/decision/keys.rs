//! The JSON of a decision's fixed parts, kept in a decision reused from dossier to dossier
//! (`Decision::write_json_reusing`): the start of the object (ruleset and date), each
//! dispositif's `"id":{"eligible":` and each output's `"name":` are escaped once, then copied.
//! An entry is used only for the very name it was made from (the same shared `Arc`, which the
//! engine hands to every decision), so a stale entry is never read: it is remade.

use std::sync::Arc;

use chrono::NaiveDate;

use super::json::CompiledMotif;
use super::MotifTemplate;
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
    /// `"id":{"eligible":…,"valeurs":{` for a dispositif without `verse`: granted, refused,
    /// undetermined.
    heads: [Box<[u8]>; 3],
    values: Vec<Key>,
    /// The JSON of its motifs' templates, in the order last met.
    motifs: Vec<CompiledMotif>,
    /// The JSON of its cumul motif: `{"id":…,"satisfaite":false,"message":"…"}`.
    cumul: Option<Cumul>,
}

#[derive(Clone)]
struct Cumul {
    id: Arc<str>,
    message: Arc<str>,
    json: Box<[u8]>,
}

impl DispositifKeys {
    fn new(id: &Arc<str>) -> Self {
        let id = Key::new(id, DISPOSITIF_TAIL);
        let head = |held: &[u8]| {
            let mut head = id.json.to_vec();
            head.extend_from_slice(held);
            head.extend_from_slice(VALUES);
            head.into_boxed_slice()
        };
        DispositifKeys {
            heads: [head(b"true"), head(b"false"), head(b"null")],
            id,
            values: Vec::new(),
            motifs: Vec::new(),
            cumul: None,
        }
    }
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

/// What follows the flags of a dispositif: its values.
pub(super) const VALUES: &[u8] = b",\"valeurs\":{";

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

    /// Writes `"id":{"eligible":` for the dispositif `i` of the decision; when `eligible` is
    /// given (a dispositif without `verse`), up to `,"valeurs":{` and says so.
    pub(super) fn dispositif(
        &mut self,
        out: &mut Vec<u8>,
        i: usize,
        id: &Arc<str>,
        eligible: Option<Option<bool>>,
    ) -> bool {
        // Dispositifs are written in order: `i` is an entry or the next one.
        if i == self.dispositifs.len() {
            self.dispositifs.push(DispositifKeys::new(id));
        }
        let Some(keys) = self.dispositifs.get_mut(i) else {
            string(out, id);
            out.extend_from_slice(DISPOSITIF_TAIL);
            return false;
        };
        if !Arc::ptr_eq(&keys.id.name, id) {
            *keys = DispositifKeys::new(id);
        }
        let held = match eligible {
            None => {
                out.extend_from_slice(&keys.id.json);
                return false;
            }
            Some(Some(true)) => 0,
            Some(Some(false)) => 1,
            Some(None) => 2,
        };
        match keys.heads.get(held) {
            Some(head) => {
                out.extend_from_slice(head);
                true
            }
            None => {
                out.extend_from_slice(&keys.id.json);
                false
            }
        }
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

/// Templates kept per dispositif at most: a dispositif's conditions and what a program
/// swapped under a reused decision might add.
const MOTIFS: usize = 64;

impl JsonKeys {
    /// The compiled JSON of `template`, the motif `j` of the dispositif `i`, after
    /// [`JsonKeys::dispositif`] for `i`: compiled the first time it is met.
    pub(super) fn motif(
        &mut self,
        i: usize,
        j: usize,
        template: &Arc<MotifTemplate>,
    ) -> Option<&CompiledMotif> {
        let motifs = &mut self.dispositifs.get_mut(i)?.motifs;
        // A dispositif's motifs mostly come in the same order from one dossier to the next.
        let at = match motifs.get(j) {
            Some(compiled) if compiled.is(template) => j,
            _ => match motifs.iter().position(|c| c.is(template)) {
                Some(at) => at,
                None => {
                    if motifs.len() >= MOTIFS {
                        motifs.clear();
                    }
                    motifs.push(CompiledMotif::new(template));
                    motifs.len() - 1
                }
            },
        };
        motifs.get(at)
    }

    /// `{"id":…,"satisfaite":false,"message":"…"}` for the cumul motif of the dispositif `i`
    /// (after [`JsonKeys::dispositif`] for `i`), made the first time it is met.
    pub(super) fn cumul(&mut self, i: usize, id: &Arc<str>, message: &Arc<str>) -> Option<&[u8]> {
        let cumul = &mut self.dispositifs.get_mut(i)?.cumul;
        let kept = cumul
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(&c.id, id) && Arc::ptr_eq(&c.message, message));
        if !kept {
            let mut json = b"{\"id\":".to_vec();
            string(&mut json, id);
            json.extend_from_slice(b",\"satisfaite\":false,\"message\":");
            string(&mut json, message);
            json.push(b'}');
            *cumul = Some(Cumul {
                id: Arc::clone(id),
                message: Arc::clone(message),
                json: json.into_boxed_slice(),
            });
        }
        cumul.as_ref().map(|c| &*c.json)
    }
}

impl std::fmt::Debug for JsonKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonKeys").finish_non_exhaustive()
    }
}
