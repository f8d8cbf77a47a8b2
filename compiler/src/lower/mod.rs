//! Lowering a checked ruleset (and what it uses of its imports) to the runtime IR:
//! names become slots, functions are inlined with fresh local slots per call site.
//! Expressions are lowered in `expr`, the trace order of definitions is computed in `order`.

mod expr;
mod order;

use order::trace_order;

use std::collections::{HashMap, VecDeque};

use socle_grammar::ast::{self, Period};
use socle_runtime::ir::{
    self, Bareme, BaremeVersion, Condition, Cumul, Def, DefId, Dispositif, DurationFamily, EnumDef,
    ExceptionBranch, Expr, InputField, InputKind, LocalSlot, Output, Param, ParamVersion, Program,
    Ty,
};
use socle_runtime::value::Value;

use crate::codes;
use crate::db::{Db, Ruleset};
use crate::diagnostic::{Diagnostic, FileId};
use crate::message::{auto_message, Part};
use crate::typeck::MAX_DEPTH;
use crate::typed::{
    Const, ParamData, TExpr, TKind, TMessagePart, TypedRuleset, ValueKey, ValueKind,
};
use crate::types::{QName, Type};

/// Inlining copies a function's body at every call: a function calling the previous one twice,
/// sixty lines deep, would otherwise need terabytes. Past this many IR nodes the ruleset is
/// refused (the shipped rulesets need a few thousand).
pub const MAX_NODES: usize = 1_000_000;

enum Failure {
    TooDeep,
    /// More than [`MAX_NODES`] nodes after inlining.
    TooBig,
    /// A dossier path read with two different types (by rulesets that do not import each
    /// other, so E0108 could not see it).
    InputConflict(String),
    /// Something the checker should have rejected; reported rather than panicking.
    Internal(String),
}

type Lowered<T> = Result<T, Failure>;

struct Lowerer<'a> {
    all: HashMap<String, &'a TypedRuleset>,
    defs: Vec<Option<Def>>,
    def_ids: HashMap<ValueKey, DefId>,
    def_queue: VecDeque<ValueKey>,
    params: Vec<Param>,
    param_ids: HashMap<QName, u32>,
    baremes: Vec<Bareme>,
    bareme_ids: HashMap<QName, u32>,
    enums: Vec<EnumDef>,
    enum_ids: HashMap<QName, u32>,
    inputs: Vec<InputField>,
    input_paths: Vec<String>,
    input_docs: Vec<Option<String>>,
    /// Each dossier path read, its slot and the leaf type it was first read with.
    input_slots: HashMap<String, (u32, ir::Ty)>,
    locals: u32,
    /// Local slots bound to the elements of a dossier list (quantifiers): a required field
    /// left out of an element makes that list the missing fact.
    element_of: HashMap<LocalSlot, u32>,
    /// IR nodes built so far, checked against [`MAX_NODES`].
    nodes: usize,
    dispositifs: Vec<Option<Dispositif>>,
    dispositif_ids: HashMap<QName, u32>,
    dispositif_queue: VecDeque<QName>,
}

fn index(n: usize) -> Lowered<u32> {
    u32::try_from(n).map_err(|_| Failure::Internal("programme trop grand".to_owned()))
}

fn period(p: Period) -> ir::Period {
    match p {
        Period::Heure => ir::Period::Heure,
        Period::Jour => ir::Period::Jour,
        Period::Mois => ir::Period::Mois,
        Period::An => ir::Period::An,
    }
}

fn round_mode(m: ast::RoundMode) -> ir::RoundMode {
    match m {
        ast::RoundMode::CentimeNearest => ir::RoundMode::CentimeNearest,
        ast::RoundMode::CentimeDown => ir::RoundMode::CentimeDown,
        ast::RoundMode::CentimeUp => ir::RoundMode::CentimeUp,
        ast::RoundMode::EuroNearest => ir::RoundMode::EuroNearest,
        ast::RoundMode::EuroDown => ir::RoundMode::EuroDown,
        ast::RoundMode::EuroUp => ir::RoundMode::EuroUp,
    }
}

/// Lowers a checked ruleset; `deps` are its checked imports (transitively).
pub fn lower(
    db: &dyn Db,
    r: Ruleset,
    root: &TypedRuleset,
    deps: &[&TypedRuleset],
) -> Result<Program, Vec<Diagnostic>> {
    let mut all: HashMap<String, &TypedRuleset> = HashMap::new();
    for &c in deps {
        all.insert(c.ident.clone(), c);
    }
    all.insert(root.ident.clone(), root);
    let mut l = Lowerer {
        all,
        defs: Vec::new(),
        def_ids: HashMap::new(),
        def_queue: VecDeque::new(),
        params: Vec::new(),
        param_ids: HashMap::new(),
        baremes: Vec::new(),
        bareme_ids: HashMap::new(),
        enums: Vec::new(),
        enum_ids: HashMap::new(),
        inputs: Vec::new(),
        input_paths: Vec::new(),
        input_docs: Vec::new(),
        input_slots: HashMap::new(),
        locals: 0,
        element_of: HashMap::new(),
        nodes: 0,
        dispositifs: Vec::new(),
        dispositif_ids: HashMap::new(),
        dispositif_queue: VecDeque::new(),
    };
    let mut errors = Vec::new();
    match l.run(root, &mut errors) {
        Ok(program) if errors.is_empty() => Ok(Program {
            ruleset: r.name(db).clone(),
            ..program
        }),
        Ok(_) => Err(errors),
        Err(f) => {
            // Not tied to one definition: anchored at the start of the ruleset's first file.
            if let Some(&file) = r.files(db).first() {
                errors.push(failure_diagnostic(f, FileId(file), Default::default()));
            }
            Err(errors)
        }
    }
}

fn failure_diagnostic(f: Failure, file: FileId, span: socle_grammar::Span) -> Diagnostic {
    match f {
        Failure::TooDeep => Diagnostic::error(
            codes::TOO_DEEP,
            file,
            span,
            format!(
                "expression trop imbriquée après dépliage des fonctions (plus de {MAX_DEPTH} niveaux)"
            ),
        ),
        Failure::TooBig => Diagnostic::error(
            codes::TOO_BIG,
            file,
            span,
            format!(
                "programme trop grand après dépliage des fonctions (plus de {MAX_NODES} nœuds) : \
                 une fonction est sans doute appelée plusieurs fois par une autre, à plusieurs niveaux"
            ),
        ),
        Failure::InputConflict(path) => Diagnostic::error(
            codes::INPUT_CONFLICT,
            file,
            span,
            format!(
                "l'entrée `{path}` est déclarée avec des types différents par deux jeux de \
                 règles importés : un dossier n'a qu'un champ `{path}`"
            ),
        ),
        Failure::Internal(msg) => Diagnostic::error(
            codes::WRONG_KIND,
            file,
            span,
            format!("erreur interne du compilateur : {msg}"),
        ),
    }
}

impl<'a> Lowerer<'a> {
    /// Once the node budget is spent every later definition fails too: only the first is
    /// reported, at the definition that crossed it.
    fn report(
        &mut self,
        errors: &mut Vec<Diagnostic>,
        f: Failure,
        file: FileId,
        span: socle_grammar::Span,
    ) {
        if matches!(f, Failure::TooBig) {
            if self.nodes == usize::MAX {
                return;
            }
            self.nodes = usize::MAX;
        }
        errors.push(failure_diagnostic(f, file, span));
    }

    fn run(&mut self, root: &'a TypedRuleset, errors: &mut Vec<Diagnostic>) -> Lowered<Program> {
        for d in &root.dispositifs {
            self.dispositif_id(&QName::new(&root.ident, &d.name.name))?;
        }
        for v in root.values.values() {
            self.def_id(&v.key)?;
        }
        loop {
            if let Some(q) = self.dispositif_queue.pop_front() {
                self.lower_dispositif(&q, errors)?;
            } else if let Some(k) = self.def_queue.pop_front() {
                self.lower_def(&k, errors)?;
            } else {
                break;
            }
        }
        let mut decision_date_input = None;
        let date_declared = std::iter::once(root)
            .chain(self.all.values().copied())
            .any(|c| matches!(c.inputs.get("date_demande"), Some(Type::Date)));
        if date_declared {
            let seg = crate::typed::InputSegment {
                name: "date_demande".to_owned(),
                optional: false,
                ty: Type::Date,
            };
            decision_date_input = Some(self.input_slot(&[seg])?);
        }
        let defs: Vec<Def> = std::mem::take(&mut self.defs)
            .into_iter()
            .collect::<Option<Vec<Def>>>()
            .ok_or_else(|| Failure::Internal("définition non abaissée".to_owned()))?;
        let mut dispositifs: Vec<Dispositif> = std::mem::take(&mut self.dispositifs)
            .into_iter()
            .collect::<Option<Vec<Dispositif>>>()
            .ok_or_else(|| Failure::Internal("dispositif non abaissé".to_owned()))?;
        for d in &mut dispositifs {
            let roots: Vec<DefId> = d
                .conditions
                .iter()
                .map(|c| c.def)
                .chain(d.outputs.iter().map(|o| o.def))
                .chain(d.trace_defs.iter().copied())
                .collect();
            d.trace_defs = trace_order(&defs, &roots);
        }
        let mut cumuls = Vec::new();
        for c in &root.cumuls {
            let (winner, excluded) = match c.kind {
                ast::CumulKind::Exclut => (&c.left, &c.right),
                ast::CumulKind::Subsidiaire => (&c.right, &c.left),
                ast::CumulKind::Cumulable => continue,
            };
            cumuls.push(Cumul {
                winner: self.dispositif_id(winner)?,
                excluded: self.dispositif_id(excluded)?,
                when_paid: c.paid,
            });
        }
        Ok(Program {
            ruleset: String::new(),
            inputs: std::mem::take(&mut self.inputs),
            input_paths: std::mem::take(&mut self.input_paths),
            input_docs: std::mem::take(&mut self.input_docs),
            decision_date_input,
            enums: std::mem::take(&mut self.enums),
            params: std::mem::take(&mut self.params),
            baremes: std::mem::take(&mut self.baremes),
            defs,
            locals: self.locals,
            dispositifs,
            cumuls,
        })
    }

    fn checked(&self, ruleset: &str) -> Lowered<&'a TypedRuleset> {
        self.all
            .get(ruleset)
            .copied()
            .ok_or_else(|| Failure::Internal(format!("jeu de règles `{ruleset}` absent")))
    }

    fn def_id(&mut self, key: &ValueKey) -> Lowered<DefId> {
        if let Some(id) = self.def_ids.get(key) {
            return Ok(*id);
        }
        let id = index(self.defs.len())?;
        self.defs.push(None);
        self.def_ids.insert(key.clone(), id);
        self.def_queue.push_back(key.clone());
        Ok(id)
    }

    fn dispositif_id(&mut self, q: &QName) -> Lowered<u32> {
        if let Some(id) = self.dispositif_ids.get(q) {
            return Ok(*id);
        }
        let id = index(self.dispositifs.len())?;
        self.dispositifs.push(None);
        self.dispositif_ids.insert(q.clone(), id);
        self.dispositif_queue.push_back(q.clone());
        Ok(id)
    }

    fn lower_dispositif(&mut self, q: &QName, errors: &mut Vec<Diagnostic>) -> Lowered<()> {
        let c = self.checked(&q.ruleset)?;
        let d = c
            .dispositif(&q.name)
            .ok_or_else(|| Failure::Internal(format!("dispositif `{q}` absent")))?;
        let mut conditions = Vec::new();
        let mut outputs = Vec::new();
        let mut lets = Vec::new();
        for item in &d.items {
            let def = self.def_id(&item.key)?;
            match item.kind {
                ValueKind::Condition => {
                    let parts: Vec<Part<'_>> = match &item.message {
                        Some(parts) => parts
                            .iter()
                            .flat_map(|p| match p {
                                TMessagePart::Text(t) => vec![Part::Text(t.clone())],
                                TMessagePart::Value(e) => vec![Part::Value(e)],
                                TMessagePart::Shown(o) => vec![Part::Shown(*o)],
                                TMessagePart::Auto => auto_message(&item.name.name, &item.expr),
                            })
                            .collect(),
                        None => auto_message(&item.name.name, &item.expr),
                    };
                    let message = match self.message(parts) {
                        Ok(m) => m,
                        Err(f) => {
                            self.report(errors, f, item.file, item.name.span);
                            ir::Message { parts: Vec::new() }
                        }
                    };
                    conditions.push(Condition {
                        id: item.name.name.clone(),
                        def,
                        message,
                        payment: item.payment,
                    });
                }
                ValueKind::Value => outputs.push(Output {
                    name: item.name.name.clone(),
                    def,
                    ty: self.ty(&item.ty)?,
                    paid: item.payment,
                }),
                ValueKind::Let => lets.push(def),
            }
        }
        let id = self.dispositif_id(q)?;
        if let Some(slot) = usize::try_from(id)
            .ok()
            .and_then(|i| self.dispositifs.get_mut(i))
        {
            *slot = Some(Dispositif {
                name: q.name.clone(),
                title: d.title.clone(),
                conditions,
                outputs,
                // Filled with the full dependency order once every def is lowered.
                trace_defs: lets,
            });
        }
        Ok(())
    }

    fn message(&mut self, parts: Vec<Part<'_>>) -> Lowered<ir::Message> {
        let mut out = Vec::new();
        for p in parts {
            out.push(match p {
                Part::Text(t) => ir::MessagePart::Text(t),
                Part::Choice { satisfied, failed } => ir::MessagePart::Choice { satisfied, failed },
                Part::Shown(o) => ir::MessagePart::Shown(o),
                Part::Value(e) => {
                    let ty = self.ty(&e.ty)?;
                    ir::MessagePart::Value(self.expr(e, &[], 0)?, ty)
                }
            });
        }
        Ok(ir::Message { parts: out })
    }

    fn lower_def(&mut self, key: &ValueKey, errors: &mut Vec<Diagnostic>) -> Lowered<()> {
        let ruleset = match key {
            ValueKey::Top(q) => &q.ruleset,
            ValueKey::Item { dispositif, .. } => &dispositif.ruleset,
        };
        let c = self.checked(ruleset)?;
        let item = c.value(key).ok_or_else(|| {
            Failure::Internal(format!("définition `{}` absente", key.trace_name()))
        })?;
        let lowered = (|| -> Lowered<Def> {
            let expr = self.expr(&item.expr, &[], 0)?;
            let mut exceptions = Vec::new();
            for ex in &item.exceptions {
                exceptions.push(ExceptionBranch {
                    label: ex.label.clone(),
                    parent: ex.parent.and_then(|p| u32::try_from(p).ok()),
                    condition: self.expr(&ex.condition, &[], 0)?,
                    value: self.expr(&ex.value, &[], 0)?,
                });
            }
            Ok(Def {
                name: key.trace_name(),
                ty: self.ty(&item.ty)?,
                expr,
                exceptions,
            })
        })();
        let def = match lowered {
            Ok(d) => d,
            Err(f) => {
                self.report(errors, f, item.file, item.name.span);
                Def {
                    name: key.trace_name(),
                    ty: Ty::Bool,
                    expr: Expr::Const(Value::Bool(false)),
                    exceptions: Vec::new(),
                }
            }
        };
        let id = self.def_id(key)?;
        if let Some(slot) = usize::try_from(id).ok().and_then(|i| self.defs.get_mut(i)) {
            *slot = Some(def);
        }
        Ok(())
    }

    fn enum_id(&mut self, q: &QName) -> Lowered<u32> {
        if let Some(id) = self.enum_ids.get(q) {
            return Ok(*id);
        }
        let c = self.checked(&q.ruleset)?;
        let e = c
            .enums
            .get(&q.name)
            .ok_or_else(|| Failure::Internal(format!("énumération `{q}` absente")))?;
        let id = index(self.enums.len())?;
        self.enums.push(EnumDef {
            name: q.name.clone(),
            variants: e.variants.clone(),
        });
        self.enum_ids.insert(q.clone(), id);
        Ok(id)
    }

    fn ty(&mut self, t: &Type) -> Lowered<Ty> {
        self.ty_nested(t, 0)
    }

    /// A type; `depth` counts the structures it is inside (a structure may hold a list of
    /// itself: the limit ends the recursion).
    fn ty_nested(&mut self, t: &Type, depth: usize) -> Lowered<Ty> {
        const MAX_RECORD_DEPTH: usize = 16;
        Ok(match t {
            Type::Bool => Ty::Bool,
            Type::Int => Ty::Int,
            Type::Decimal => Ty::Decimal,
            Type::Money(p) => Ty::Money(p.map(period)),
            Type::Rate => Ty::Rate,
            Type::Date => Ty::Date,
            // A `durée` whose family nothing fixes is read in months (ages, years).
            Type::Duration(f) => Ty::Duration(f.unwrap_or(DurationFamily::Months)),
            Type::Text => Ty::Text,
            Type::Enum(q) => Ty::Enum(self.enum_id(q)?),
            Type::List(inner) => Ty::List(Box::new(self.ty_nested(inner, depth)?)),
            Type::Optional(inner) => Ty::Optional(Box::new(self.ty_nested(inner, depth)?)),
            // An element of a list of structures: one value holding its fields.
            Type::Struct(q) if depth < MAX_RECORD_DEPTH => {
                let fields = self
                    .checked(&q.ruleset)?
                    .structs
                    .get(&q.name)
                    .map(|s| s.fields.clone())
                    .ok_or_else(|| Failure::Internal(format!("structure `{q}` absente")))?;
                let mut out = Vec::with_capacity(fields.len());
                for (name, t) in &fields {
                    out.push((name.clone(), self.ty_nested(t, depth + 1)?));
                }
                Ty::Record(out)
            }
            Type::Struct(q) => {
                return Err(Failure::Internal(format!(
                    "structure `{q}` imbriquée trop profondément"
                )))
            }
            Type::Error => return Err(Failure::Internal("type en erreur".to_owned())),
        })
    }

    fn constant(&mut self, c: &Const) -> Lowered<Value> {
        Ok(match c {
            Const::Value(v) => v.clone(),
            Const::Variant(q, variant) => Value::Enum {
                ty: self.enum_id(q)?,
                variant: *variant,
            },
        })
    }

    fn param_id(&mut self, q: &QName) -> Lowered<u32> {
        if let Some(id) = self.param_ids.get(q) {
            return Ok(*id);
        }
        let c = self.checked(&q.ruleset)?;
        let p = c
            .params
            .get(&q.name)
            .ok_or_else(|| Failure::Internal(format!("paramètre `{q}` absent")))?;
        let mut versions = Vec::new();
        for v in &p.versions {
            let value = match &v.value {
                ParamData::Scalar(c) => ir::ParamValue::Scalar(self.constant(c)?),
                ParamData::Table(entries) => {
                    let mut out = Vec::new();
                    for (k, val) in entries {
                        out.push((self.constant(k)?, self.constant(val)?));
                    }
                    ir::ParamValue::Table(out)
                }
            };
            versions.push(ParamVersion {
                from: v.from,
                until: v.until,
                value,
            });
        }
        let param = Param {
            name: q.to_string(),
            ty: self.ty(&p.ty)?,
            key_ty: p.key_ty.as_ref().map(|k| self.ty(k)).transpose()?,
            versions,
        };
        let id = index(self.params.len())?;
        self.params.push(param);
        self.param_ids.insert(q.clone(), id);
        Ok(id)
    }

    fn bareme_id(&mut self, q: &QName) -> Lowered<u32> {
        if let Some(id) = self.bareme_ids.get(q) {
            return Ok(*id);
        }
        let c = self.checked(&q.ruleset)?;
        let b = c
            .baremes
            .get(&q.name)
            .ok_or_else(|| Failure::Internal(format!("barème `{q}` absent")))?;
        let mut versions = Vec::new();
        for v in &b.versions {
            let mut rows = Vec::new();
            for row in &v.value {
                rows.push(ir::BaremeRow {
                    number: row.number,
                    intervals: row.intervals.clone(),
                    value: self.constant(&row.value)?,
                });
            }
            versions.push(BaremeVersion {
                from: v.from,
                until: v.until,
                rows,
            });
        }
        let bareme = Bareme {
            name: q.to_string(),
            input_ty: self.ty(&b.input_ty)?,
            output_ty: self.ty(&b.output_ty)?,
            columns: b.columns.as_ref().map(|c| self.enum_id(c)).transpose()?,
            versions,
        };
        let id = index(self.baremes.len())?;
        self.baremes.push(bareme);
        self.bareme_ids.insert(q.clone(), id);
        Ok(id)
    }

    /// `entier dans MIN..MAX` on the field at the end of `path`: an `entrée`'s, or a field's of
    /// the structure the previous segment holds.
    fn input_bounds(&self, path: &[crate::typed::InputSegment]) -> Option<(i64, i64)> {
        let last = path.last()?;
        match path.len() {
            1 => self
                .all
                .values()
                .find_map(|c| c.input_bounds.get(&last.name).copied()),
            n => {
                let parent = path.get(n - 2)?;
                let Type::Struct(q) = parent.ty.strip_optional() else {
                    return None;
                };
                let item = self.all.get(&q.ruleset)?.structs.get(&q.name)?;
                item.bounds.get(&last.name).copied()
            }
        }
    }

    fn input_slot(&mut self, path: &[crate::typed::InputSegment]) -> Lowered<u32> {
        let key = path
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(".");
        let leaf_ty = match path.last() {
            Some(last) => self.ty(last.ty.strip_optional())?,
            None => return Err(Failure::Internal("chemin d'entrée vide".to_owned())),
        };
        if let Some((slot, first_ty)) = self.input_slots.get(&key) {
            // Two imported rulesets that do not import each other may declare the same
            // `entrée` with different types: the dossier has one field, read one way.
            if *first_ty != leaf_ty {
                return Err(Failure::InputConflict(key));
            }
            return Ok(*slot);
        }
        let slot = index(self.input_paths.len())?;
        let bounds = self.input_bounds(path);
        let mut fields = &mut self.inputs;
        let n = path.len();
        for (i, seg) in path.iter().enumerate() {
            let pos = match fields.iter().position(|f| f.name == seg.name) {
                Some(p) => p,
                None => {
                    let kind = if i + 1 == n {
                        InputKind::Leaf {
                            slot,
                            ty: leaf_ty.clone(),
                            bounds,
                        }
                    } else {
                        InputKind::Record(Vec::new())
                    };
                    fields.push(InputField {
                        name: seg.name.clone(),
                        optional: seg.optional,
                        kind,
                    });
                    fields.len() - 1
                }
            };
            if i + 1 == n {
                break;
            }
            match fields.get_mut(pos).map(|f| &mut f.kind) {
                Some(InputKind::Record(children)) => fields = children,
                _ => {
                    return Err(Failure::Internal(format!(
                        "entrée `{key}` à la fois champ et structure"
                    )))
                }
            }
        }
        self.input_paths.push(key.clone());
        self.input_docs.push(self.input_doc(path));
        self.input_slots.insert(key, (slot, leaf_ty));
        Ok(slot)
    }

    /// The `##` documentation of the field at the end of `path`: the `entrée` itself, or the
    /// field of the structure its parent segment is typed with.
    fn input_doc(&self, path: &[crate::typed::InputSegment]) -> Option<String> {
        match path {
            [] => None,
            [root] => self
                .all
                .values()
                .find_map(|c| c.input_docs.get(&root.name))
                .cloned(),
            [.., parent, leaf] => match parent.ty.strip_optional() {
                Type::Struct(q) => self
                    .all
                    .get(&q.ruleset)?
                    .structs
                    .get(&q.name)?
                    .docs
                    .get(&leaf.name)
                    .cloned(),
                _ => None,
            },
        }
    }
}
