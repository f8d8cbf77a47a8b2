//! Checking a `Program` once, when the engine is built, and precomputing what evaluation needs
//! without string lookups: condition offsets, cumul winners, shared names.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::decision::MotifTemplate;
use crate::error::ProgramError;
use crate::ir::{
    Def, EnumDef, Expr, InputField, InputKind, Message, MessagePart, ParamValue, Program, Ty,
};
use crate::value::Value;

/// Deeper expressions are refused: evaluation recurses on the tree, and a precompiled program
/// read from a file must not be able to overflow the stack.
pub(crate) const MAX_DEPTH: u32 = 200;

/// More local slots are refused: `locals` is a bare number in a program read from a file, and
/// evaluation allocates one value per slot (the compiler's node budget keeps real programs far
/// below).
pub const MAX_LOCALS: u32 = 1 << 22;

/// Names shared by every decision (cloning an `Arc<str>` does not allocate).
#[derive(Debug)]
pub(crate) struct DispositifNames {
    pub id: Arc<str>,
    pub title: Option<Arc<str>>,
    /// Each condition's identifier and motif message, parallel to `Dispositif::conditions`.
    pub conditions: Vec<Arc<MotifTemplate>>,
    pub outputs: Vec<Arc<str>>,
    /// `cumul_<winner>` motif identifiers, parallel to `Layout::winners`.
    pub cumul_motifs: Vec<Arc<str>>,
    /// The exclusion message naming each winner, parallel to `Layout::winners`.
    pub cumul_messages: Vec<Arc<str>>,
    /// The message of each cumul rule whose winner is undetermined, in the same order.
    pub cumul_pending_messages: Vec<Arc<str>>,
}

/// A dispositif that excludes another: when it is eligible, or only when it is paid.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Winner {
    pub id: u32,
    pub when_paid: bool,
}

/// Facts derived from the program once.
#[derive(Debug)]
pub(crate) struct Layout {
    pub ruleset: Arc<str>,
    /// First index of each dispositif's conditions in the flat per-decision condition array.
    pub condition_offsets: Vec<usize>,
    pub condition_count: usize,
    /// Local slots evaluation allocates: one past the highest slot an expression names, so
    /// that a declared count larger than the program uses costs nothing.
    pub locals: usize,
    /// For each dispositif, the dispositifs that exclude it, in declaration order.
    pub winners: Vec<Vec<Winner>>,
    pub names: Vec<DispositifNames>,
}

pub(crate) fn validate(p: &Program) -> Result<Layout, ProgramError> {
    if p.locals > MAX_LOCALS {
        return Err(ProgramError::TooManyLocals {
            declared: p.locals,
            max: MAX_LOCALS,
        });
    }
    let checker = Checker {
        p,
        locals_used: std::cell::Cell::new(0),
    };
    checker.inputs()?;
    checker.enums_in_params()?;
    checker.baremes()?;
    for def in &p.defs {
        checker.def(def)?;
    }
    checker.dispositifs()?;

    let mut condition_offsets = Vec::with_capacity(p.dispositifs.len());
    let mut condition_count = 0usize;
    for d in &p.dispositifs {
        condition_offsets.push(condition_count);
        condition_count += d.conditions.len();
    }
    let mut winners = vec![Vec::new(); p.dispositifs.len()];
    for cumul in &p.cumuls {
        let context = || "une règle de cumul".to_owned();
        checker.index(cumul.winner, p.dispositifs.len(), "au dispositif", context)?;
        let excluded = checker.index(
            cumul.excluded,
            p.dispositifs.len(),
            "au dispositif",
            context,
        )?;
        if let Some(list) = winners.get_mut(excluded) {
            list.push(Winner {
                id: cumul.winner,
                when_paid: cumul.when_paid,
            });
        }
    }
    let enums: Arc<[EnumDef]> = Arc::from(p.enums.as_slice());
    let names = p
        .dispositifs
        .iter()
        .zip(&winners)
        .map(|(d, winners)| DispositifNames {
            id: Arc::from(d.name.as_str()),
            title: d.title.as_deref().map(Arc::from),
            conditions: d
                .conditions
                .iter()
                .map(|c| Arc::new(MotifTemplate::new(&c.id, &c.message, enums.clone())))
                .collect(),
            outputs: d
                .outputs
                .iter()
                .map(|o| Arc::from(o.name.as_str()))
                .collect(),
            cumul_motifs: winners
                .iter()
                .map(|w| {
                    let winner = p
                        .dispositifs
                        .get(w.id as usize)
                        .map_or("", |w| w.name.as_str());
                    Arc::from(format!("cumul_{winner}"))
                })
                .collect(),
            cumul_messages: cumul_texts(p, winners, |label, when_paid| {
                if when_paid {
                    format!("non cumulable avec {label}, versé à ce dossier")
                } else {
                    format!("non cumulable avec {label}, pour lequel le dossier est éligible")
                }
            }),
            cumul_pending_messages: cumul_texts(p, winners, |label, when_paid| {
                if when_paid {
                    format!("non cumulable avec {label} s'il est versé à ce dossier, ce qui reste à établir")
                } else {
                    format!("non cumulable avec {label} si le dossier y est éligible, ce qui reste à établir")
                }
            }),
        })
        .collect();
    Ok(Layout {
        ruleset: Arc::from(p.ruleset.as_str()),
        condition_offsets,
        condition_count,
        locals: checker.locals_used.get(),
        winners,
        names,
    })
}

struct Checker<'p> {
    p: &'p Program,
    /// One past the highest local slot seen so far.
    locals_used: std::cell::Cell<usize>,
}

impl Checker<'_> {
    fn local(&self, slot: u32, context: impl Fn() -> String) -> Result<(), ProgramError> {
        let i = self.index(
            slot,
            self.p.locals as usize,
            "à la variable locale",
            context,
        )?;
        self.locals_used
            .set(self.locals_used.get().max(i.saturating_add(1)));
        Ok(())
    }

    fn index(
        &self,
        index: u32,
        len: usize,
        what: &'static str,
        context: impl Fn() -> String,
    ) -> Result<usize, ProgramError> {
        let i = index as usize;
        if i < len {
            Ok(i)
        } else {
            Err(ProgramError::BadIndex {
                context: context(),
                what,
                index: u64::from(index),
            })
        }
    }

    fn inconsistent(context: String, detail: &str) -> ProgramError {
        ProgramError::Inconsistent {
            context,
            detail: detail.to_owned(),
        }
    }

    fn inputs(&self) -> Result<(), ProgramError> {
        let n = self.p.input_paths.len();
        let mut seen = vec![false; n];
        self.fields(&self.p.inputs, &mut seen)?;
        if let Some(slot) = seen.iter().position(|s| !s) {
            return Err(ProgramError::UnboundInputSlot {
                slot: u32::try_from(slot).unwrap_or(u32::MAX),
                path: self.p.input_paths.get(slot).cloned().unwrap_or_default(),
            });
        }
        if let Some(slot) = self.p.decision_date_input {
            let ty = self.leaf_ty(&self.p.inputs, slot);
            let is_date = match ty {
                Some(Ty::Date) => true,
                Some(Ty::Optional(inner)) => **inner == Ty::Date,
                _ => false,
            };
            if !is_date {
                return Err(Self::inconsistent(
                    "la date de décision".to_owned(),
                    "l'entrée désignée n'est pas une date du dossier",
                ));
            }
        }
        Ok(())
    }

    fn leaf_ty<'a>(&self, fields: &'a [InputField], slot: u32) -> Option<&'a Ty> {
        fields.iter().find_map(|f| match &f.kind {
            InputKind::Leaf { slot: s, ty, .. } if *s == slot => Some(ty),
            InputKind::Leaf { .. } => None,
            InputKind::Record(sub) => self.leaf_ty(sub, slot),
        })
    }

    fn fields(&self, fields: &[InputField], seen: &mut [bool]) -> Result<(), ProgramError> {
        for field in fields {
            match &field.kind {
                InputKind::Leaf { slot, ty, .. } => {
                    let context = || format!("le champ `{}`", field.name);
                    let i = self.index(*slot, seen.len(), "à l'emplacement d'entrée", context)?;
                    match seen.get_mut(i) {
                        Some(flag) if !*flag => *flag = true,
                        _ => return Err(ProgramError::DuplicateInputSlot { slot: *slot }),
                    }
                    self.ty(ty, context)?;
                }
                InputKind::Record(sub) => self.fields(sub, seen)?,
            }
        }
        Ok(())
    }

    fn ty(&self, ty: &Ty, context: impl Fn() -> String + Copy) -> Result<(), ProgramError> {
        match ty {
            Ty::Enum(id) => self
                .index(*id, self.p.enums.len(), "à l'énumération", context)
                .map(drop),
            Ty::List(inner) | Ty::Optional(inner) => self.ty(inner, context),
            Ty::Record(fields) => fields.iter().try_for_each(|(_, t)| self.ty(t, context)),
            _ => Ok(()),
        }
    }

    fn value(&self, v: &Value, context: impl Fn() -> String + Copy) -> Result<(), ProgramError> {
        match v {
            Value::Enum { ty, variant } => {
                let e = self.index(*ty, self.p.enums.len(), "à l'énumération", context)?;
                let variants = self.p.enums.get(e).map_or(0, |e| e.variants.len());
                self.index(*variant, variants, "à la variante", context)
                    .map(drop)
            }
            Value::List(items) => items.iter().try_for_each(|item| self.value(item, context)),
            _ => Ok(()),
        }
    }

    fn dated(
        dates: impl Iterator<Item = (NaiveDate, Option<NaiveDate>)>,
        context: impl Fn() -> String,
    ) -> Result<(), ProgramError> {
        let mut previous: Option<NaiveDate> = None;
        for (from, until) in dates {
            if previous.is_some_and(|p| p >= from) {
                return Err(Self::inconsistent(
                    context(),
                    "versions non triées par date de début",
                ));
            }
            if until.is_some_and(|u| u < from) {
                return Err(Self::inconsistent(
                    context(),
                    "version qui se termine avant de commencer",
                ));
            }
            previous = Some(from);
        }
        Ok(())
    }

    fn enums_in_params(&self) -> Result<(), ProgramError> {
        for param in &self.p.params {
            let context = || format!("le paramètre `{}`", param.name);
            self.ty(&param.ty, context)?;
            if let Some(key) = &param.key_ty {
                self.ty(key, context)?;
            }
            Self::dated(param.versions.iter().map(|v| (v.from, v.until)), context)?;
            for version in &param.versions {
                match (&version.value, &param.key_ty) {
                    (ParamValue::Scalar(v), None) => self.value(v, context)?,
                    (ParamValue::Table(entries), Some(_)) => {
                        for (k, v) in entries {
                            self.value(k, context)?;
                            self.value(v, context)?;
                        }
                    }
                    _ => {
                        return Err(Self::inconsistent(
                            context(),
                            "valeur simple et table mélangées",
                        ))
                    }
                }
            }
        }
        Ok(())
    }

    fn baremes(&self) -> Result<(), ProgramError> {
        for bareme in &self.p.baremes {
            let context = || format!("le barème `{}`", bareme.name);
            self.ty(&bareme.input_ty, context)?;
            self.ty(&bareme.output_ty, context)?;
            let expected = match bareme.columns {
                Some(id) => {
                    let e = self.index(id, self.p.enums.len(), "à l'énumération", context)?;
                    self.p.enums.get(e).map_or(0, |e| e.variants.len())
                }
                None => 1,
            };
            Self::dated(bareme.versions.iter().map(|v| (v.from, v.until)), context)?;
            for row in bareme.versions.iter().flat_map(|v| &v.rows) {
                if row.intervals.len() != expected {
                    return Err(ProgramError::ColumnCount {
                        bareme: bareme.name.clone(),
                        tranche: row.number,
                        expected,
                        found: row.intervals.len(),
                    });
                }
                self.value(&row.value, context)?;
            }
        }
        Ok(())
    }

    fn def(&self, def: &Def) -> Result<(), ProgramError> {
        let context = || format!("la règle `{}`", def.name);
        self.ty(&def.ty, context)?;
        self.expr(&def.expr, 0, &context)?;
        for (i, branch) in def.exceptions.iter().enumerate() {
            if branch.parent.is_some_and(|parent| parent as usize >= i) {
                return Err(ProgramError::Inconsistent {
                    context: context(),
                    detail: format!(
                        "l'exception n° {} précise une exception qui ne la précède pas",
                        i + 1
                    ),
                });
            }
            self.expr(&branch.condition, 0, &context)?;
            self.expr(&branch.value, 0, &context)?;
        }
        Ok(())
    }

    fn dispositifs(&self) -> Result<(), ProgramError> {
        let n_defs = self.p.defs.len();
        for d in &self.p.dispositifs {
            let context = || format!("le dispositif `{}`", d.name);
            for c in &d.conditions {
                self.index(c.def, n_defs, "à la règle", context)?;
                self.message(&c.message, &context)?;
            }
            for o in &d.outputs {
                self.index(o.def, n_defs, "à la règle", context)?;
                self.ty(&o.ty, context)?;
            }
            for t in &d.trace_defs {
                self.index(*t, n_defs, "à la règle", context)?;
            }
        }
        Ok(())
    }

    fn message(&self, m: &Message, context: &dyn Fn() -> String) -> Result<(), ProgramError> {
        for part in &m.parts {
            if let MessagePart::Value(e, ty) = part {
                self.expr(e, 0, context)?;
                self.ty(ty, context)?;
            }
        }
        Ok(())
    }

    fn opt(
        &self,
        e: &Option<Box<Expr>>,
        depth: u32,
        context: &dyn Fn() -> String,
    ) -> Result<(), ProgramError> {
        match e {
            Some(e) => self.expr(e, depth, context),
            None => Ok(()),
        }
    }

    fn expr(&self, e: &Expr, depth: u32, context: &dyn Fn() -> String) -> Result<(), ProgramError> {
        if depth > MAX_DEPTH {
            return Err(ProgramError::TooDeep { context: context() });
        }
        let p = self.p;
        let depth = depth + 1;
        let ctx = || context();
        match e {
            Expr::Const(v) => self.value(v, ctx),
            Expr::Input(slot) => self
                .index(*slot, p.input_paths.len(), "à l'emplacement d'entrée", ctx)
                .map(drop),
            Expr::Def(id) => self.index(*id, p.defs.len(), "à la règle", ctx).map(drop),
            Expr::Local(slot) => self.local(*slot, ctx),
            Expr::Let { slot, value, body } => {
                self.local(*slot, ctx)?;
                self.expr(value, depth, context)?;
                self.expr(body, depth, context)
            }
            Expr::DecisionDate => Ok(()),
            Expr::Param { param, at } => {
                let i = self.index(*param, p.params.len(), "au paramètre", ctx)?;
                if p.params.get(i).is_some_and(|p| p.key_ty.is_some()) {
                    return Err(Self::inconsistent(context(), "une table est lue sans clé"));
                }
                self.opt(at, depth, context)
            }
            Expr::TableGet { param, key, at } => {
                let i = self.index(*param, p.params.len(), "au paramètre", ctx)?;
                if p.params.get(i).is_some_and(|p| p.key_ty.is_none()) {
                    return Err(Self::inconsistent(
                        context(),
                        "un paramètre simple est lu comme une table",
                    ));
                }
                self.expr(key, depth, context)?;
                self.opt(at, depth, context)
            }
            Expr::Bareme {
                bareme,
                x,
                column,
                at,
                want: _,
            } => {
                let i = self.index(*bareme, p.baremes.len(), "au barème", ctx)?;
                let has_columns = p.baremes.get(i).is_some_and(|b| b.columns.is_some());
                if has_columns != column.is_some() {
                    return Err(Self::inconsistent(
                        context(),
                        "colonne du barème fournie à tort ou manquante",
                    ));
                }
                self.expr(x, depth, context)?;
                self.opt(column, depth, context)?;
                self.opt(at, depth, context)
            }
            Expr::Unary(_, a) | Expr::Round(a, _) => self.expr(a, depth, context),
            Expr::Binary(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
                self.expr(a, depth, context)?;
                self.expr(b, depth, context)
            }
            Expr::If(c, a, b) | Expr::InRange { x: c, lo: a, hi: b } => {
                self.expr(c, depth, context)?;
                self.expr(a, depth, context)?;
                self.expr(b, depth, context)
            }
            Expr::InSet { x, set } => {
                self.expr(x, depth, context)?;
                set.iter().try_for_each(|s| self.expr(s, depth, context))
            }
            Expr::Contains { list, x } => {
                self.expr(list, depth, context)?;
                self.expr(x, depth, context)
            }
            Expr::AsOf { expr, date } => {
                self.expr(expr, depth, context)?;
                self.expr(date, depth, context)
            }
            Expr::ContainsAny { list, set } => {
                self.expr(list, depth, context)?;
                set.iter().try_for_each(|s| self.expr(s, depth, context))
            }
            Expr::Call(builtin, args) => {
                if !builtin.arity().accepts(args.len()) {
                    return Err(ProgramError::Arity {
                        context: context(),
                        builtin: builtin.name().to_owned(),
                        found: args.len(),
                    });
                }
                args.iter().try_for_each(|a| self.expr(a, depth, context))
            }
            Expr::Eligible(d) => self
                .index(*d, p.dispositifs.len(), "au dispositif", ctx)
                .map(drop),
            Expr::DispositifOutput { dispositif, def } => {
                self.index(*dispositif, p.dispositifs.len(), "au dispositif", ctx)?;
                self.index(*def, p.defs.len(), "à la règle", ctx).map(drop)
            }
            Expr::List(items) => items.iter().try_for_each(|x| self.expr(x, depth, context)),
            Expr::Quantified {
                slot, list, body, ..
            } => {
                self.local(*slot, ctx)?;
                self.expr(list, depth, context)?;
                self.expr(body, depth, context)
            }
            Expr::Field {
                record, unknown, ..
            } => {
                if let Some(slot) = unknown {
                    self.index(*slot, p.input_paths.len(), "à l'emplacement d'entrée", ctx)?;
                }
                self.expr(record, depth, context)
            }
        }
    }
}

/// One message per cumul rule of a dispositif, naming its winner by title (or identifier).
fn cumul_texts(
    p: &Program,
    winners: &[Winner],
    text: impl Fn(&str, bool) -> String,
) -> Vec<Arc<str>> {
    winners
        .iter()
        .map(|w| {
            let label = p
                .dispositifs
                .get(w.id as usize)
                .map_or("", |w| w.title.as_deref().unwrap_or(&w.name));
            Arc::from(text(label, w.when_paid))
        })
        .collect()
}
