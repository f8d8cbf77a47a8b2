//! Values, conditions and dispositif items, typed in the order of their dependencies.

use std::collections::{HashMap, HashSet, VecDeque};

use socle_grammar::ast::{self, Decl, DeclKind, DispositifItemKind, Ident};
use socle_grammar::Span;

use super::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::hir::{DefKey, DispositifItem, TException, TMessagePart, ValueItem, ValueKind};
use crate::types::{self, Type};

impl<'a> Ctx<'a> {
    pub(super) fn type_values(&mut self, decls: &[(FileId, &'a Decl)]) {
        // Units and their declarations, in source order.
        struct UnitDecl<'d> {
            unit: Unit,
            file: FileId,
            kind: ValueKind,
            value: Option<&'d ast::ValueDecl>,
            condition: Option<&'d ast::ConditionDecl>,
            span: Span,
        }
        let mut units: Vec<UnitDecl<'a>> = Vec::new();
        for (file, decl) in decls {
            // Duplicates are reported already; only the first declaration is checked.
            let is_first = decl
                .kind
                .name()
                .and_then(|n| self.decls.get(&n.name))
                .is_some_and(|(_, d)| std::ptr::eq(*d, *decl));
            if !is_first {
                continue;
            }
            match &decl.kind {
                DeclKind::Value(v) => units.push(UnitDecl {
                    unit: Unit::Top(v.name.name.clone()),
                    file: *file,
                    kind: ValueKind::Value,
                    value: Some(v),
                    condition: None,
                    span: decl.span,
                }),
                DeclKind::Condition(c) => units.push(UnitDecl {
                    unit: Unit::Top(c.name.name.clone()),
                    file: *file,
                    kind: ValueKind::Condition,
                    value: None,
                    condition: Some(c),
                    span: decl.span,
                }),
                DeclKind::Dispositif(d) => {
                    let mut seen: Vec<&Ident> = Vec::new();
                    for item in &d.items {
                        let (kind, value, condition, name) = match &item.kind {
                            DispositifItemKind::Condition(c) => {
                                (ValueKind::Condition, None, Some(c), &c.name)
                            }
                            DispositifItemKind::Value(v) => {
                                (ValueKind::Value, Some(v), None, &v.name)
                            }
                            DispositifItemKind::Let(v) => (ValueKind::Let, Some(v), None, &v.name),
                        };
                        if let Some(first) = seen.iter().find(|n| n.name == name.name) {
                            let diag = Diagnostic::error(
                                codes::DUPLICATE,
                                *file,
                                name.span,
                                format!("`{}` est déjà défini dans `{}`", name.name, d.name.name),
                            )
                            .with_primary_message("seconde définition")
                            .with_label(
                                *file,
                                first.span,
                                "première définition",
                            );
                            self.push(diag);
                            continue;
                        }
                        seen.push(name);
                        units.push(UnitDecl {
                            unit: Unit::Item(d.name.name.clone(), name.name.clone()),
                            file: *file,
                            kind,
                            value,
                            condition,
                            span: item.span,
                        });
                    }
                }
                _ => {}
            }
        }
        // Declared types are known up front; conditions are booleans.
        let mut declared: HashMap<Unit, Option<Type>> = HashMap::new();
        for u in &units {
            let ty = match (u.kind, u.value) {
                (ValueKind::Condition, _) => Some(Type::Bool),
                (_, Some(v)) => v.ty.as_ref().map(|t| self.resolve_type(u.file, t)),
                (_, None) => None,
            };
            if let Some(t) = &ty {
                self.unit_types.insert(u.unit.clone(), t.clone());
            }
            declared.insert(u.unit.clone(), ty);
        }
        // Typing order: a unit without declared type after the units it mentions.
        let index: HashMap<Unit, usize> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.unit.clone(), i))
            .collect();
        let mut indegree = vec![0usize; units.len()];
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
        for (i, u) in units.iter().enumerate() {
            let mut names = Vec::new();
            if let Some(v) = u.value {
                mentioned(&v.expr, &mut names, MAX_DEPTH);
                for ex in &v.exceptions {
                    mentioned(&ex.value, &mut names, MAX_DEPTH);
                }
            }
            let disp = match &u.unit {
                Unit::Item(d, _) => Some(d.clone()),
                Unit::Top(_) => None,
            };
            let mut deps: HashSet<usize> = HashSet::new();
            for (qual, name) in names {
                let target = match (&qual, &disp) {
                    (None, Some(d))
                        if self
                            .local_dispositifs
                            .get(d)
                            .is_some_and(|m| m.contains_key(&name)) =>
                    {
                        Unit::Item(d.clone(), name)
                    }
                    (None, _) => Unit::Top(name),
                    (Some(q), _) if self.local_dispositifs.contains_key(q) => {
                        Unit::Item(q.clone(), name)
                    }
                    (Some(_), _) => continue,
                };
                if let Some(&j) = index.get(&target) {
                    if j != i
                        && declared.get(&target).is_some_and(Option::is_none)
                        && deps.insert(j)
                    {
                        if let (Some(deg), Some(list)) =
                            (indegree.get_mut(i), dependents.get_mut(j))
                        {
                            *deg += 1;
                            list.push(i);
                        }
                    }
                }
            }
        }
        let mut queue: VecDeque<usize> = indegree
            .iter()
            .enumerate()
            .filter(|(_, d)| **d == 0)
            .map(|(i, _)| i)
            .collect();
        let mut order: Vec<usize> = Vec::new();
        let mut done = vec![false; units.len()];
        while let Some(i) = queue.pop_front() {
            order.push(i);
            if let Some(d) = done.get_mut(i) {
                *d = true;
            }
            for &j in dependents.get(i).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(deg) = indegree.get_mut(j) {
                    *deg = deg.saturating_sub(1);
                    if *deg == 0 {
                        queue.push_back(j);
                    }
                }
            }
        }
        // Units in a cycle: typed last, their cyclic references read as errors.
        order.extend((0..units.len()).filter(|i| !done.get(*i).copied().unwrap_or(true)));

        let mut items: HashMap<Unit, ValueItem> = HashMap::new();
        for i in order {
            let Some(u) = units.get(i) else { continue };
            let scope = Scope {
                locals: Vec::new(),
                dispositif: match &u.unit {
                    Unit::Item(d, _) => Some(d.clone()),
                    Unit::Top(_) => None,
                },
            };
            let key = match &u.unit {
                Unit::Top(n) => DefKey::Top(self.qname(n)),
                Unit::Item(d, n) => DefKey::Item {
                    dispositif: self.qname(d),
                    name: n.clone(),
                },
            };
            let item = if let Some(c) = u.condition {
                let e = self.root_expr(u.file, &c.expr, &scope, Some(&Type::Bool));
                self.expect_bool(u.file, &e, "une condition");
                let message = c.message.as_ref().map(|m| {
                    m.parts
                        .iter()
                        .map(|p| match p {
                            ast::MessagePart::Text(t) => TMessagePart::Text(t.clone()),
                            ast::MessagePart::Expr(x) => {
                                TMessagePart::Value(self.root_expr(u.file, x, &scope, None))
                            }
                        })
                        .collect()
                });
                ValueItem {
                    key,
                    name: c.name.clone(),
                    file: u.file,
                    kind: ValueKind::Condition,
                    ty: Type::Bool,
                    expr: e,
                    exceptions: Vec::new(),
                    message,
                    span: u.span,
                }
            } else if let Some(v) = u.value {
                let declared_ty = declared.get(&u.unit).cloned().flatten();
                let e = self.root_expr(u.file, &v.expr, &scope, declared_ty.as_ref());
                let e = self.check_declared(u.file, e, declared_ty.as_ref(), &v.name);
                let ty = e.ty.clone();
                let mut exceptions = Vec::new();
                for ex in &v.exceptions {
                    let cond = self.root_expr(u.file, &ex.condition, &scope, Some(&Type::Bool));
                    self.expect_bool(u.file, &cond, "la condition d'une exception");
                    let value = self.root_expr(u.file, &ex.value, &scope, Some(&ty));
                    let value = if types::assignable(&value.ty, &ty) {
                        coerce(value, &ty)
                    } else {
                        let d = Diagnostic::error(
                            codes::DECLARED_TYPE,
                            u.file,
                            value.span,
                            format!(
                                "l'exception donne {} alors que `{}` est {ty}",
                                value.ty.with_article(),
                                v.name.name
                            ),
                        );
                        self.push(d);
                        value
                    };
                    let label = self.text_of(u.file, ex.condition.span);
                    exceptions.push(TException {
                        condition: cond,
                        value,
                        label,
                        span: ex.span,
                    });
                }
                ValueItem {
                    key,
                    name: v.name.clone(),
                    file: u.file,
                    kind: u.kind,
                    ty,
                    expr: e,
                    exceptions,
                    message: None,
                    span: u.span,
                }
            } else {
                continue;
            };
            self.unit_types.insert(u.unit.clone(), item.ty.clone());
            items.insert(u.unit.clone(), item);
        }
        // Store in declaration order.
        for u in &units {
            let Some(item) = items.remove(&u.unit) else {
                continue;
            };
            match &u.unit {
                Unit::Top(n) => {
                    self.out.values.insert(n.clone(), item);
                }
                Unit::Item(d, _) => {
                    if let Some(disp) = self.out.dispositifs.iter_mut().find(|x| x.name.name == *d)
                    {
                        disp.items.push(item);
                    } else if let Some((file, decl)) = self.decls.get(d) {
                        let (title, name) = match &decl.kind {
                            DeclKind::Dispositif(dd) => (dd.title.clone(), dd.name.clone()),
                            _ => continue,
                        };
                        self.out.dispositifs.push(DispositifItem {
                            name,
                            file: *file,
                            title,
                            items: vec![item],
                            span: decl.span,
                        });
                    }
                }
            }
        }
        // Dispositifs without items, in declaration order.
        for (file, decl) in decls {
            if let DeclKind::Dispositif(d) = &decl.kind {
                let is_first = self
                    .decls
                    .get(&d.name.name)
                    .is_some_and(|(_, x)| std::ptr::eq(*x, *decl));
                if is_first && self.out.dispositif(&d.name.name).is_none() {
                    self.out.dispositifs.push(DispositifItem {
                        name: d.name.clone(),
                        file: *file,
                        title: d.title.clone(),
                        items: Vec::new(),
                        span: decl.span,
                    });
                }
            }
        }
        let order: HashMap<String, usize> = decls
            .iter()
            .enumerate()
            .filter_map(|(i, (_, d))| match &d.kind {
                DeclKind::Dispositif(x) => Some((x.name.name.clone(), i)),
                _ => None,
            })
            .collect();
        self.out
            .dispositifs
            .sort_by_key(|d| order.get(&d.name.name).copied().unwrap_or(usize::MAX));
    }
}
