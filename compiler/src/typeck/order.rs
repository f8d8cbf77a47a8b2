//! Values, conditions and dispositif items, typed in the order of their dependencies.

use std::collections::{HashMap, HashSet, VecDeque};

use socle_grammar::ast::{self, Decl, DeclKind, DispositifItemKind, Ident};
use socle_grammar::Span;

use super::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::{DispositifItem, TException, ValueItem, ValueKey, ValueKind};
use crate::types::{self, Type};

impl<'a> Ctx<'a> {
    pub(super) fn type_values(&mut self, decls: &[(FileId, &'a Decl)]) {
        // Bindings and their declarations, in source order.
        struct BindingDecl<'d> {
            binding: Binding,
            file: FileId,
            kind: ValueKind,
            value: Option<&'d ast::ValueDecl>,
            condition: Option<&'d ast::ConditionDecl>,
            span: Span,
            /// The `groupe de conditions` this condition comes from.
            group: Option<String>,
        }
        let mut bindings: Vec<BindingDecl<'a>> = Vec::new();
        let mut used_groups: HashSet<String> = HashSet::new();
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
                DeclKind::Value(v) => bindings.push(BindingDecl {
                    binding: Binding::Top(v.name.name.clone()),
                    file: *file,
                    kind: ValueKind::Value,
                    value: Some(v),
                    condition: None,
                    span: decl.span,
                    group: None,
                }),
                DeclKind::Condition(c) => bindings.push(BindingDecl {
                    binding: Binding::Top(c.name.name.clone()),
                    file: *file,
                    kind: ValueKind::Condition,
                    value: None,
                    condition: Some(c),
                    span: decl.span,
                    group: None,
                }),
                DeclKind::Dispositif(d) => {
                    let mut seen: Vec<&Ident> = Vec::new();
                    for item in &d.items {
                        if let DispositifItemKind::UseGroup(g) = &item.kind {
                            used_groups.insert(g.name.clone());
                            for (gfile, gitem, c) in self.use_group(*file, g) {
                                if seen.iter().any(|n| n.name == c.name.name) {
                                    let msg = messages::group_condition_clash(
                                        &c.name.name,
                                        &g.name,
                                        &d.name.name,
                                    );
                                    self.err(codes::DUPLICATE, *file, g.span, msg);
                                    continue;
                                }
                                seen.push(&c.name);
                                bindings.push(BindingDecl {
                                    binding: Binding::Item(
                                        d.name.name.clone(),
                                        c.name.name.clone(),
                                    ),
                                    file: gfile,
                                    kind: ValueKind::Condition,
                                    value: None,
                                    condition: Some(c),
                                    span: gitem.span,
                                    group: Some(g.name.clone()),
                                });
                            }
                            continue;
                        }
                        let (kind, value, condition, name) = match &item.kind {
                            DispositifItemKind::Condition(c) => {
                                (ValueKind::Condition, None, Some(c), &c.name)
                            }
                            DispositifItemKind::Value(v) => {
                                (ValueKind::Value, Some(v), None, &v.name)
                            }
                            DispositifItemKind::Let(v) => (ValueKind::Let, Some(v), None, &v.name),
                            DispositifItemKind::UseGroup(_) => continue,
                        };
                        if let Some(first) = seen.iter().find(|n| n.name == name.name) {
                            let diag = Diagnostic::error(
                                codes::DUPLICATE,
                                *file,
                                name.span,
                                messages::already_defined_in(&name.name, &d.name.name),
                            )
                            .with_primary_message(messages::SECOND_DEFINITION)
                            .with_label(
                                *file,
                                first.span,
                                messages::FIRST_DEFINITION,
                            );
                            self.push(diag);
                            continue;
                        }
                        seen.push(name);
                        bindings.push(BindingDecl {
                            binding: Binding::Item(d.name.name.clone(), name.name.clone()),
                            file: *file,
                            kind,
                            value,
                            condition,
                            span: item.span,
                            group: None,
                        });
                    }
                }
                _ => {}
            }
        }
        // Declared types are known up front; conditions are booleans.
        let mut declared: HashMap<Binding, Option<Type>> = HashMap::new();
        for u in &bindings {
            let ty = match (u.kind, u.value) {
                (ValueKind::Condition, _) => Some(Type::Bool),
                (_, Some(v)) => v.ty.as_ref().map(|t| self.resolve_type(u.file, t)),
                (_, None) => None,
            };
            if let Some(t) = &ty {
                self.binding_types.insert(u.binding.clone(), t.clone());
            }
            declared.insert(u.binding.clone(), ty);
        }
        // Typing order: a binding without declared type after the bindings it mentions.
        let index: HashMap<Binding, usize> = bindings
            .iter()
            .enumerate()
            .map(|(i, u)| (u.binding.clone(), i))
            .collect();
        let mut indegree = vec![0usize; bindings.len()];
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); bindings.len()];
        for (i, u) in bindings.iter().enumerate() {
            let mut names = Vec::new();
            // Everything typed with this binding: an untyped `soit` written after a condition
            // that reads it must still be typed first.
            if let Some(v) = u.value {
                mentioned(&v.expr, &mut names, MAX_DEPTH);
                for ex in &v.exceptions {
                    mentioned(&ex.condition, &mut names, MAX_DEPTH);
                    mentioned(&ex.value, &mut names, MAX_DEPTH);
                }
            }
            if let Some(c) = u.condition {
                mentioned(&c.expr, &mut names, MAX_DEPTH);
                for part in c.message.iter().flat_map(|m| &m.parts) {
                    if let ast::MessagePart::Expr(x) = part {
                        mentioned(x, &mut names, MAX_DEPTH);
                    }
                }
            }
            let disp = match &u.binding {
                Binding::Item(d, _) => Some(d.clone()),
                Binding::Top(_) => None,
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
                        Binding::Item(d.clone(), name)
                    }
                    (None, _) => Binding::Top(name),
                    (Some(q), _) if *q == self.ident => Binding::Top(name),
                    (Some(q), _) if self.local_dispositifs.contains_key(q) => {
                        Binding::Item(q.clone(), name)
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
        let mut done = vec![false; bindings.len()];
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
        // Bindings in a cycle: typed last, their cyclic references read as errors.
        order.extend((0..bindings.len()).filter(|i| !done.get(*i).copied().unwrap_or(true)));

        let mut items: HashMap<Binding, ValueItem> = HashMap::new();
        let mut group_items: HashMap<(String, String), ValueItem> = HashMap::new();
        for i in order {
            let Some(u) = bindings.get(i) else { continue };
            let scope = Scope {
                locals: Vec::new(),
                elements: Vec::new(),
                function: None,
                dispositif: match &u.binding {
                    Binding::Item(d, _) => Some(d.clone()),
                    Binding::Top(_) => None,
                },
            };
            let key = match &u.binding {
                Binding::Top(n) => ValueKey::Top(self.qname(n)),
                Binding::Item(d, n) => ValueKey::Item {
                    dispositif: self.qname(d),
                    name: n.clone(),
                },
            };
            let item = if let Some(c) = u.condition {
                let cached = u
                    .group
                    .as_ref()
                    .and_then(|g| group_items.get(&(g.clone(), c.name.name.clone())));
                if let Some(typed) = cached {
                    // A group's condition is typed once; each dispositif gets a copy.
                    ValueItem {
                        key,
                        ..typed.clone()
                    }
                } else {
                    let scope = if u.group.is_some() {
                        Scope::default()
                    } else {
                        scope
                    };
                    let item = self.type_condition(u.file, c, key, &scope, u.span);
                    if let Some(g) = &u.group {
                        group_items.insert((g.clone(), c.name.name.clone()), item.clone());
                    }
                    item
                }
            } else if let Some(v) = u.value {
                let declared_ty = declared.get(&u.binding).cloned().flatten();
                let e = self.root_expr(u.file, &v.expr, &scope, declared_ty.as_ref());
                let e = self.check_declared(u.file, e, declared_ty.as_ref(), &v.name);
                let ty = e.ty.clone();
                let mut exceptions = Vec::new();
                for ex in &v.exceptions {
                    let cond = self.root_expr(u.file, &ex.condition, &scope, Some(&Type::Bool));
                    self.expect_bool(u.file, &cond, messages::WHAT_EXCEPTION_CONDITION);
                    let value = self.root_expr(u.file, &ex.value, &scope, Some(&ty));
                    let value = if types::assignable(&value.ty, &ty) {
                        coerce(value, &ty)
                    } else {
                        let d = Diagnostic::error(
                            codes::DECLARED_TYPE,
                            u.file,
                            value.span,
                            messages::exception_type(value.ty.with_article(), &v.name.name, &ty),
                        );
                        self.push(d);
                        value
                    };
                    let label = self.text_of(u.file, ex.condition.span);
                    exceptions.push(TException {
                        condition: cond,
                        value,
                        label,
                        parent: ex.parent,
                        span: ex.span,
                    });
                }
                self.check_exceptions(u.file, &v.name.name, &v.exceptions, &exceptions);
                ValueItem {
                    key,
                    name: v.name.clone(),
                    file: u.file,
                    kind: u.kind,
                    ty,
                    expr: e,
                    exceptions,
                    message: None,
                    payment: v.paid,
                    span: u.span,
                }
            } else {
                continue;
            };
            self.binding_types
                .insert(u.binding.clone(), item.ty.clone());
            items.insert(u.binding.clone(), item);
        }
        // Groups no dispositif uses: their conditions are checked all the same.
        for (file, item, c) in self.unused_groups(decls, &used_groups) {
            let key = ValueKey::Top(self.qname(&c.name.name));
            self.type_condition(file, c, key, &Scope::default(), item.span);
        }
        // Store in declaration order.
        for u in &bindings {
            let Some(item) = items.remove(&u.binding) else {
                continue;
            };
            match &u.binding {
                Binding::Top(n) => {
                    self.out.values.insert(n.clone(), item);
                }
                Binding::Item(d, _) => {
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

    /// A condition typed in `scope`, with its message.
    fn type_condition(
        &mut self,
        file: FileId,
        c: &ast::ConditionDecl,
        key: ValueKey,
        scope: &Scope,
        span: Span,
    ) -> ValueItem {
        let e = self.root_expr(file, &c.expr, scope, Some(&Type::Bool));
        self.expect_bool(file, &e, messages::WHAT_CONDITION);
        let message = self.condition_message(file, c, scope);
        ValueItem {
            key,
            name: c.name.clone(),
            file,
            kind: ValueKind::Condition,
            ty: Type::Bool,
            expr: e,
            exceptions: Vec::new(),
            message,
            payment: c.payment,
            span,
        }
    }
}
