//! Which dossier fields some dispositifs may read: the IR walked from their conditions,
//! outputs and motif messages, through the rules, the dispositifs they consult and the cumul
//! rules that may exclude them. Used for the schema of one dispositif.

use crate::ir::{DefId, DispositifId, Expr, MessagePart, Program};

struct Walk<'p> {
    p: &'p Program,
    slots: Vec<bool>,
    defs: Vec<bool>,
    dispositifs: Vec<bool>,
}

/// For each input slot, whether deciding `dispositifs` may read it.
pub(crate) fn reads(p: &Program, dispositifs: &[DispositifId]) -> Vec<bool> {
    let mut walk = Walk {
        p,
        slots: vec![false; p.input_paths.len()],
        defs: vec![false; p.defs.len()],
        dispositifs: vec![false; p.dispositifs.len()],
    };
    for d in dispositifs {
        walk.dispositif(*d, true);
    }
    walk.slots
}

impl Walk<'_> {
    fn dispositif(&mut self, d: DispositifId, with_outputs: bool) {
        let p = self.p;
        let Some(disp) = p.dispositifs.get(d as usize) else {
            return;
        };
        if with_outputs {
            for output in &disp.outputs {
                self.def(output.def);
            }
        }
        match self.dispositifs.get_mut(d as usize) {
            Some(seen) if !*seen => *seen = true,
            _ => return,
        }
        for condition in &disp.conditions {
            self.def(condition.def);
            for part in &condition.message.parts {
                if let MessagePart::Value(e, _) = part {
                    self.expr(e);
                }
            }
        }
        for cumul in &p.cumuls {
            if cumul.excluded == d {
                self.dispositif(cumul.winner, false);
            }
        }
    }

    fn def(&mut self, id: DefId) {
        match self.defs.get_mut(id as usize) {
            Some(seen) if !*seen => *seen = true,
            _ => return,
        }
        let p = self.p;
        if let Some(def) = p.defs.get(id as usize) {
            self.expr(&def.expr);
            for branch in &def.exceptions {
                self.expr(&branch.condition);
                self.expr(&branch.value);
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        let each = |this: &mut Self, list: &[&Expr]| {
            for e in list {
                this.expr(e);
            }
        };
        match e {
            Expr::Const(_) | Expr::Local(_) | Expr::DecisionDate => {}
            Expr::Input(slot) => {
                if let Some(read) = self.slots.get_mut(*slot as usize) {
                    *read = true;
                }
            }
            Expr::Def(id) => self.def(*id),
            Expr::Let { value, body, .. } => each(self, &[value, body]),
            Expr::Param { at, .. } => {
                if let Some(at) = at {
                    self.expr(at);
                }
            }
            Expr::TableGet { key, at, .. } => {
                self.expr(key);
                if let Some(at) = at {
                    self.expr(at);
                }
            }
            Expr::Bareme { x, column, at, .. } => {
                self.expr(x);
                for e in [column, at].into_iter().flatten() {
                    self.expr(e);
                }
            }
            Expr::Unary(_, a) | Expr::Round(a, _) => self.expr(a),
            Expr::AsOf { expr, date } => each(self, &[expr, date]),
            Expr::Binary(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => each(self, &[a, b]),
            Expr::If(c, a, b) => each(self, &[c, a, b]),
            Expr::InRange { x, lo, hi } => each(self, &[x, lo, hi]),
            Expr::InSet { x, set } | Expr::ContainsAny { list: x, set } => {
                self.expr(x);
                for e in set {
                    self.expr(e);
                }
            }
            Expr::Contains { list, x } => each(self, &[list, x]),
            Expr::Call(_, args) => {
                for e in args {
                    self.expr(e);
                }
            }
            Expr::Eligible(d) => self.dispositif(*d, false),
            Expr::DispositifOutput { dispositif, def } => {
                self.dispositif(*dispositif, false);
                self.def(*def);
            }
            Expr::List(items) => {
                for e in items {
                    self.expr(e);
                }
            }
            Expr::Quantified { list, body, .. } => each(self, &[list, body]),
            Expr::Field { record, .. } => self.expr(record),
        }
    }
}
