//! A decision written as its published JSON text straight from the [`Decision`]: the same
//! bytes as `serde_json::to_vec(&decision.published())` (`tests/tests/write_json.rs` compares
//! them on every golden case and on random dossiers), without building the published form:
//! names are escaped once into the buffer, values and motif messages rendered into it. The
//! rare parts (questions, described missing fields, errors, traces, lists) still go through
//! the published form, per dispositif.

mod message;

pub(super) use message::CompiledMotif;

use rust_decimal::Decimal;

use super::keys::{write_start, JsonKeys, DISPOSITIF_TAIL, VALUES};
use super::{Decision, DispositifDecision, Motif, MotifText, OutputValue};
use crate::ir::{EnumDef, Ty};
use crate::json_text::{date, escaped, flag, serde, signed, string, unsigned, Escaped, Raw};
use crate::render::{
    enum_variant_name, normalized, strip_optional_ty, value_to_json, write_decimal_bytes,
    write_duration, write_money_json, write_small_money,
};
use crate::value::Value;

impl Decision {
    /// The published JSON form ([`Decision::published`], CONTRACT.md) as compact text
    /// appended to `out`: the same bytes as serde_json writes for it, without building it.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.write_keyed(out, None);
    }

    /// [`Decision::write_json`], the same bytes, for a decision decided over again and again
    /// (`Engine::decide_into`): the JSON of its names is kept in it from one time to the next.
    pub fn write_json_reusing(&mut self, out: &mut Vec<u8>) {
        let mut keys = std::mem::take(&mut self.keys);
        self.write_keyed(out, Some(&mut keys));
        self.keys = keys;
    }

    fn write_keyed(&self, out: &mut Vec<u8>, mut keys: Option<&mut JsonKeys>) {
        if self.has_duplicate_names() {
            // The published form is keyed by name: a later entry replaces an earlier one in
            // place. A validated program has no such names; one written by hand might.
            serde(out, &self.published());
            return;
        }
        match keys.as_deref_mut() {
            Some(keys) => keys.start(out, &self.ruleset, self.date),
            None => write_start(out, &self.ruleset, self.date),
        }
        for (i, d) in self.dispositifs.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let plain = d.payment.verse().is_none().then_some(d.eligible);
            let head = match keys.as_deref_mut() {
                Some(keys) => keys.dispositif(out, i, &d.id, plain),
                None => {
                    string(out, &d.id);
                    out.extend_from_slice(DISPOSITIF_TAIL);
                    false
                }
            };
            if !head {
                flag(out, d.eligible);
                if let Some(verse) = d.payment.verse() {
                    out.extend_from_slice(b",\"verse\":");
                    flag(out, verse);
                }
                out.extend_from_slice(VALUES);
            }
            self.write_dispositif(d, out, keys.as_deref_mut().map(|k| (k, i)));
        }
        out.push(b'}');
        // Questions exist exactly when some dispositif misses facts.
        if self.dispositifs.iter().any(|d| !d.missing.is_empty()) {
            out.extend_from_slice(b",\"questions\":");
            serde(out, &self.questions());
        }
        out.push(b'}');
    }

    fn has_duplicate_names(&self) -> bool {
        // Each name against those after it; slices rather than skipping iterators, as this
        // runs for every decision written.
        let mut rest = self.dispositifs.as_slice();
        while let Some((d, later)) = rest.split_first() {
            if later.iter().any(|other| other.id == d.id) {
                return true;
            }
            let mut values = d.values.as_slice();
            while let Some((v, others)) = values.split_first() {
                if others.iter().any(|other| other.name == v.name) {
                    return true;
                }
                values = others;
            }
            rest = later;
        }
        false
    }

    /// The dispositif's object from its values on (after `,"valeurs":{`).
    fn write_dispositif(
        &self,
        d: &DispositifDecision,
        out: &mut Vec<u8>,
        mut keys: Option<(&mut JsonKeys, usize)>,
    ) {
        // Destructured whole: a field added to the decision does not compile until it is
        // written here too (or said not to be published).
        let DispositifDecision {
            id: _,
            title: _,
            // Written with the head.
            eligible: _,
            payment: _,
            values,
            motifs,
            missing,
            trace,
            error,
        } = d;
        for (i, OutputValue { name, value, ty }) in values.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match keys.as_mut() {
                Some((keys, d)) => keys.value(out, *d, i, name),
                None => {
                    string(out, name);
                    out.push(b':');
                }
            }
            self.write_value(value, ty, out);
        }
        out.extend_from_slice(b"},\"motifs\":[");
        for (i, m) in motifs.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match keys.as_mut() {
                Some((keys, d)) => self.write_motif_compiled(m, out, keys, *d, i),
                None => self.write_motif(m, out),
            }
        }
        out.push(b']');
        if !missing.is_empty() {
            out.extend_from_slice(b",\"manquants\":");
            let manquants: Vec<_> = missing.iter().map(|s| self.manquant(*s)).collect();
            serde(out, &manquants);
        }
        if let Some(error) = error {
            out.extend_from_slice(b",\"erreur\":");
            string(out, &error.to_string());
        }
        if let Some(trace) = trace {
            out.extend_from_slice(b",\"trace\":");
            let steps: Vec<_> = trace.iter().map(|e| self.published_step(e)).collect();
            serde(out, &steps);
        }
        out.push(b'}');
    }

    /// [`Decision::write_motif`] through the motif's template compiled once and kept in
    /// `keys` (the same bytes), for the conditions of eligibility.
    fn write_motif_compiled(
        &self,
        m: &Motif,
        out: &mut Vec<u8>,
        keys: &mut JsonKeys,
        d: usize,
        i: usize,
    ) {
        let (template, values) = match &m.text {
            MotifText::Condition { template, values } => (template, values),
            MotifText::Cumul { id, message } if !m.payment && m.satisfied == Some(false) => {
                let Some(json) = keys.cumul(d, id, message) else {
                    return self.write_motif(m, out);
                };
                if m.missing.is_empty() {
                    out.extend_from_slice(json);
                } else {
                    // Up to the message's closing quote.
                    out.extend_from_slice(json.get(..json.len() - 2).unwrap_or_default());
                    self.write_missing(m, out);
                }
                return;
            }
            MotifText::Cumul { .. } => return self.write_motif(m, out),
        };
        if m.payment {
            return self.write_motif(m, out);
        }
        let Some(compiled) = keys.motif(d, i, template) else {
            return self.write_motif(m, out);
        };
        compiled.write(m.satisfied, values, m.missing.is_empty(), out);
        if !m.missing.is_empty() {
            self.write_missing(m, out);
        }
    }

    fn write_motif(&self, m: &Motif, out: &mut Vec<u8>) {
        match &m.text {
            // Most motifs: the start up to the message in one piece.
            MotifText::Condition { template, .. } if !m.payment => {
                let held = match m.satisfied {
                    Some(true) => 0,
                    Some(false) => 1,
                    None => 2,
                };
                if let Some(head) = template.message_heads.get(held) {
                    out.extend_from_slice(head);
                }
            }
            _ => {
                match &m.text {
                    MotifText::Condition { template, .. } => {
                        out.extend_from_slice(&template.json_head)
                    }
                    MotifText::Cumul { id, .. } => {
                        out.extend_from_slice(b"{\"id\":");
                        string(out, id);
                        out.extend_from_slice(b",\"satisfaite\":");
                    }
                }
                flag(out, m.satisfied);
                if m.payment {
                    out.extend_from_slice(b",\"versement\":true");
                }
                out.extend_from_slice(b",\"message\":\"");
            }
        }
        match &m.text {
            MotifText::Condition { template, values } => {
                template.render_into(m.satisfied, values, &mut Escaped(out))
            }
            MotifText::Cumul { message, .. } => escaped(out, message),
        }
        if m.missing.is_empty() {
            out.extend_from_slice(b"\"}");
            return;
        }
        self.write_missing(m, out);
    }

    /// From the message's closing quote on, for a motif that misses facts.
    fn write_missing(&self, m: &Motif, out: &mut Vec<u8>) {
        out.extend_from_slice(b"\",\"manquants\":[");
        for (i, slot) in m.missing.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let path = self.program.input_paths.get(*slot as usize);
            string(out, path.map_or("", String::as_str));
        }
        out.extend_from_slice(b"]}");
    }

    /// A value in its JSON form, as [`value_to_json`] gives it.
    fn write_value(&self, value: &Value, ty: &Ty, out: &mut Vec<u8>) {
        write_value(value, ty, &self.program.enums, out);
    }
}

fn write_value(value: &Value, ty: &Ty, enums: &[EnumDef], out: &mut Vec<u8>) {
    let ty = strip_optional_ty(ty);
    match value {
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => match ty {
            Ty::Money(_) => money(out, Decimal::from(*i)),
            Ty::Rate | Ty::Decimal => {
                out.push(b'"');
                signed(out, *i);
                out.push(b'"');
            }
            _ => signed(out, *i),
        },
        Value::Dec(d) => match ty {
            Ty::Money(_) => money(out, *d),
            _ => {
                out.push(b'"');
                write_decimal_bytes(out, normalized(*d), b'.');
                out.push(b'"');
            }
        },
        Value::Date(d) => date(out, *d),
        Value::Duration(n, family) => {
            out.push(b'"');
            write_duration(&mut Raw(out), *n, *family);
            out.push(b'"');
        }
        Value::Text(t) => string(out, t),
        Value::Enum { ty: id, variant } => match enum_variant_name(enums, *id, *variant) {
            Some(name) => string(out, name),
            None => unsigned(out, u64::from(*variant)),
        },
        Value::List(_) => serde(out, &value_to_json(value, ty, enums)),
        Value::Absent => out.extend_from_slice(b"null"),
    }
}

fn money(out: &mut Vec<u8>, amount: Decimal) {
    out.push(b'"');
    if !write_small_money(out, amount, false, b'.') {
        write_money_json(&mut Raw(out), amount);
    }
    out.push(b'"');
}
