//! The missing facts of a decision: each described for a caseworker (path, expected type), and
//! ranked as the questions still to ask.

use crate::decision::Decision;
use crate::decode::expected_noun;
use crate::ir::InputSlot;
use crate::published;

impl Decision {
    /// The dotted JSON path of an input slot.
    pub fn input_path(&self, slot: InputSlot) -> String {
        self.program()
            .input_paths
            .get(slot as usize)
            .cloned()
            .unwrap_or_default()
    }

    /// A missing field, described: path, expected type and the field's documentation.
    pub fn manquant(&self, slot: InputSlot) -> published::Manquant {
        published::Manquant {
            chemin: self.input_path(slot),
            attendu: expected_noun(self.program(), slot),
            description: self
                .program()
                .input_docs
                .get(slot as usize)
                .cloned()
                .flatten(),
        }
    }

    /// The missing facts across the dispositifs not fully decided, the one that blocks the
    /// most dispositifs first (then in dossier order).
    pub fn questions(&self) -> Vec<published::Question> {
        let mut blocked: Vec<(InputSlot, Vec<String>)> = Vec::new();
        for d in &self.dispositifs {
            for slot in &d.missing {
                match blocked.iter_mut().find(|(s, _)| s == slot) {
                    Some((_, list)) => list.push(d.id.to_string()),
                    None => blocked.push((*slot, vec![d.id.to_string()])),
                }
            }
        }
        blocked.sort_by(|(a, x), (b, y)| y.len().cmp(&x.len()).then(a.cmp(b)));
        blocked
            .into_iter()
            .map(|(slot, dispositifs)| {
                let m = self.manquant(slot);
                published::Question {
                    chemin: m.chemin,
                    attendu: m.attendu,
                    description: m.description,
                    dispositifs,
                }
            })
            .collect()
    }
}
