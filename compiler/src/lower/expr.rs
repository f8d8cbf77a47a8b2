//! Lowering of typed expressions: operators, calls, tables and barèmes, and the inlining of
//! function bodies with fresh local slots per call site.

use super::*;
use socle_runtime::ir::Quantifier;

impl<'a> Lowerer<'a> {
    fn boxed(&mut self, e: &TExpr, env: &[LocalSlot], depth: usize) -> Lowered<Box<Expr>> {
        Ok(Box::new(self.expr(e, env, depth)?))
    }

    fn opt(
        &mut self,
        e: &Option<Box<TExpr>>,
        env: &[LocalSlot],
        depth: usize,
    ) -> Lowered<Option<Box<Expr>>> {
        e.as_ref().map(|x| self.boxed(x, env, depth)).transpose()
    }

    fn list(&mut self, es: &[TExpr], env: &[LocalSlot], depth: usize) -> Lowered<Vec<Expr>> {
        es.iter().map(|x| self.expr(x, env, depth)).collect()
    }

    /// `env` maps the current function's local numbers to slots; `depth` is the nesting of
    /// the expression being built, inlined calls included.
    pub(super) fn expr(&mut self, e: &TExpr, env: &[LocalSlot], depth: usize) -> Lowered<Expr> {
        if depth > MAX_DEPTH {
            return Err(Failure::TooDeep);
        }
        self.nodes = self.nodes.saturating_add(1);
        if self.nodes > MAX_NODES {
            return Err(Failure::TooBig);
        }
        let d = depth + 1;
        Ok(match &e.kind {
            TKind::Const(c) => Expr::Const(self.constant(c)?),
            TKind::Input(path) => Expr::Input(self.input_slot(path)?),
            TKind::Named(k) => Expr::Def(self.def_id(k)?),
            TKind::Local(i) => Expr::Local(
                usize::try_from(*i)
                    .ok()
                    .and_then(|i| env.get(i))
                    .copied()
                    .ok_or_else(|| {
                        Failure::Internal("variable locale hors de portée".to_owned())
                    })?,
            ),
            TKind::DecisionDate => Expr::DecisionDate,
            TKind::Param { param, at } => Expr::Param {
                param: self.param_id(param)?,
                at: self.opt(at, env, d)?,
            },
            TKind::TableGet { param, key, at } => Expr::TableGet {
                param: self.param_id(param)?,
                key: self.boxed(key, env, d)?,
                at: self.opt(at, env, d)?,
            },
            TKind::Bareme {
                bareme,
                x,
                column,
                at,
                want,
            } => Expr::Bareme {
                bareme: self.bareme_id(bareme)?,
                x: self.boxed(x, env, d)?,
                column: self.opt(column, env, d)?,
                at: self.opt(at, env, d)?,
                want: *want,
            },
            TKind::Call(b, args) => Expr::Call(*b, self.list(args, env, d)?),
            TKind::FnCall(q, args) => self.inline(q, args, env, depth)?,
            TKind::Unary(op, a) => Expr::Unary(*op, self.boxed(a, env, d)?),
            TKind::Binary(op, a, b) => {
                Expr::Binary(*op, self.boxed(a, env, d)?, self.boxed(b, env, d)?)
            }
            TKind::And(a, b) => Expr::And(self.boxed(a, env, d)?, self.boxed(b, env, d)?),
            TKind::Or(a, b) => Expr::Or(self.boxed(a, env, d)?, self.boxed(b, env, d)?),
            TKind::If(c, a, b) => Expr::If(
                self.boxed(c, env, d)?,
                self.boxed(a, env, d)?,
                self.boxed(b, env, d)?,
            ),
            TKind::InRange(x, lo, hi) => Expr::InRange {
                x: self.boxed(x, env, d)?,
                lo: self.boxed(lo, env, d)?,
                hi: self.boxed(hi, env, d)?,
            },
            TKind::InSet(x, set) => Expr::InSet {
                x: self.boxed(x, env, d)?,
                set: self.list(set, env, d)?,
            },
            TKind::Contains(list, x) => Expr::Contains {
                list: self.boxed(list, env, d)?,
                x: self.boxed(x, env, d)?,
            },
            TKind::ContainsAny(list, set) => Expr::ContainsAny {
                list: self.boxed(list, env, d)?,
                set: self.list(set, env, d)?,
            },
            TKind::Round(x, mode) => Expr::Round(self.boxed(x, env, d)?, round_mode(*mode)),
            TKind::AsOf(x, date) => Expr::AsOf {
                expr: self.boxed(x, env, d)?,
                date: self.boxed(date, env, d)?,
            },
            TKind::Eligible(q) => Expr::Eligible(self.dispositif_id(q)?),
            TKind::DispositifOutput(q, name) => Expr::DispositifOutput {
                dispositif: self.dispositif_id(q)?,
                def: self.def_id(&ValueKey::Item {
                    dispositif: q.clone(),
                    name: name.clone(),
                })?,
            },
            TKind::List(items) => Expr::List(self.list(items, env, d)?),
            TKind::Quantified(quantifier, var, list, body) => {
                let list = self.boxed(list, env, d)?;
                let slot = self.locals;
                self.locals = slot
                    .checked_add(1)
                    .ok_or_else(|| Failure::Internal("trop de variables locales".to_owned()))?;
                // The element is local number `var` of the body; the other numbers keep
                // their slots.
                let mut inner = env.to_vec();
                let i = usize::try_from(*var)
                    .map_err(|_| Failure::Internal("variable locale hors de portée".to_owned()))?;
                if inner.len() <= i {
                    inner.resize(i + 1, slot);
                }
                if let Some(s) = inner.get_mut(i) {
                    *s = slot;
                }
                if let Expr::Input(input) = &*list {
                    self.element_of.insert(slot, *input);
                }
                let body_ir = self.boxed(body, &inner, d)?;
                let zero = match (quantifier, &body.ty) {
                    (Quantifier::Sum, Type::Int) => Some(Value::Int(0)),
                    (Quantifier::Sum, Type::Decimal | Type::Money(_)) => {
                        Some(Value::Dec(rust_decimal::Decimal::ZERO))
                    }
                    (Quantifier::Sum, Type::Duration(Some(f))) => Some(Value::Duration(0, *f)),
                    _ => None,
                };
                Expr::Quantified {
                    quantifier: *quantifier,
                    slot,
                    list,
                    body: body_ir,
                    zero,
                }
            }
            TKind::RecordField(record, index) => {
                let record = self.boxed(record, env, d)?;
                let unknown = match &*record {
                    Expr::Local(s) => self.element_of.get(s).copied(),
                    _ => None,
                };
                Expr::Field {
                    record,
                    index: *index,
                    unknown,
                    optional: matches!(e.ty, Type::Optional(_)),
                }
            }
            TKind::Error => return Err(Failure::Internal("expression en erreur".to_owned())),
        })
    }

    /// `f(a, b)` becomes `let p1 = a in let p2 = b in let s1 = … in result`, with slots
    /// of its own so that nested and repeated calls never share a local.
    fn inline(
        &mut self,
        q: &QName,
        args: &[TExpr],
        env: &[LocalSlot],
        depth: usize,
    ) -> Lowered<Expr> {
        let c = self.checked(&q.ruleset)?;
        let f = c
            .functions
            .get(&q.name)
            .ok_or_else(|| Failure::Internal(format!("fonction `{q}` absente")))?;
        let n = f.params.len() + f.lets.len();
        let base = self.locals;
        self.locals = base
            .checked_add(index(n)?)
            .ok_or_else(|| Failure::Internal("trop de variables locales".to_owned()))?;
        let mut slots: Vec<LocalSlot> = (0..index(n)?).map(|i| base + i).collect();
        // A parameter or `soit` bound to another local is that local: reading it in place
        // saves a copy per call. The aliased slot is bound by an enclosing `Let` whose scope
        // covers this whole body, and slots are never shared between call sites.
        let mut values: Vec<Option<Expr>> = Vec::with_capacity(n);
        for (i, a) in args.iter().enumerate() {
            let value = self.expr(a, env, depth + 1 + i)?;
            values.push(alias(&mut slots, i, value));
        }
        let after_params = depth + 1 + args.len();
        for (j, (_, _, e)) in f.lets.iter().enumerate() {
            let value = self.expr(e, &slots, after_params + j)?;
            values.push(alias(&mut slots, args.len() + j, value));
        }
        let mut body = self.expr(&f.result, &slots, after_params + f.lets.len())?;
        for (slot, value) in slots.iter().zip(values).rev() {
            if let Some(value) = value {
                body = Expr::Let {
                    slot: *slot,
                    value: Box::new(value),
                    body: Box::new(body),
                };
            }
        }
        Ok(body)
    }
}

/// Points local `i` at `value`'s slot when `value` is a local (no `Let` needed, `None`);
/// otherwise returns the value to bind.
fn alias(slots: &mut [LocalSlot], i: usize, value: Expr) -> Option<Expr> {
    match (value, slots.get_mut(i)) {
        (Expr::Local(source), Some(slot)) => {
            *slot = source;
            None
        }
        (value, _) => Some(value),
    }
}
