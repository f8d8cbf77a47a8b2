//! What a name denotes: locals, declarations of this ruleset or an imported one, enumeration
//! variants, fields and dispositif outputs.

use std::collections::BTreeMap;

use socle_grammar::ast::{self, DeclKind, ExprKind, Ident};
use socle_grammar::Span;

use super::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::{
    Const, EnumItem, InputSegment, TExpr, TKind, TypedRuleset, ValueKey, ValueKind,
};
use crate::types::{QName, Type};

impl<'a> Ctx<'a> {
    /// What a declaration of this ruleset (`None`) or of an imported one names.
    pub(super) fn target(&self, ruleset: Option<&str>, name: &str) -> Option<Target> {
        match ruleset {
            None => {
                let (_, decl) = self.decls.get(name).or_else(|| self.types.get(name))?;
                let q = self.qname(name);
                Some(match &decl.kind {
                    DeclKind::Enum(_) => Target::Enum(q),
                    DeclKind::Struct(_) => Target::Struct(q),
                    DeclKind::Input(_) => Target::Input(
                        name.to_owned(),
                        self.out.inputs.get(name).cloned().unwrap_or(Type::Error),
                    ),
                    DeclKind::Param(p) => Target::Param(q, p.key.is_some()),
                    DeclKind::Bareme(_) => Target::Bareme(q),
                    DeclKind::Value(_) | DeclKind::Condition(_) => {
                        let ty = self
                            .binding_types
                            .get(&Binding::Top(name.to_owned()))
                            .cloned()
                            .unwrap_or(Type::Error);
                        Target::Value(ValueKey::Top(q), ty)
                    }
                    DeclKind::Function(_) => Target::Function(q),
                    DeclKind::Dispositif(_) => Target::Dispositif(q),
                    DeclKind::Group(_) => Target::Group(q),
                    DeclKind::Import(_) | DeclKind::Cumul(_) => return None,
                })
            }
            Some(rs) => target_in(self.all.get(rs)?, name),
        }
    }

    pub(super) fn is_local_name(&self, name: &str, scope: &Scope) -> bool {
        scope.locals.iter().any(|(n, _, _)| n == name)
            || scope
                .dispositif
                .as_ref()
                .and_then(|d| self.local_dispositifs.get(d))
                .is_some_and(|items| items.contains_key(name))
    }

    pub(super) fn name_value(
        &mut self,
        file: FileId,
        id: &Ident,
        scope: &Scope,
        expected: Option<&Type>,
    ) -> TExpr {
        let span = id.span;
        let name = id.name.as_str();
        // Where an enumeration is expected, its variants win over homonyms:
        // `condition seul : demandeur.situation_familiale = seul`.
        if let Some(Type::Enum(q)) = expected {
            if let Some(i) = self
                .enum_variants(q)
                .and_then(|vs| vs.iter().position(|v| v == name))
            {
                self.record(file, span, Named::Member(q.clone(), name.to_owned()));
                return TExpr {
                    kind: TKind::Const(Const::Variant(
                        q.clone(),
                        u32::try_from(i).unwrap_or(u32::MAX),
                    )),
                    ty: Type::Enum(q.clone()),
                    span,
                };
            }
        }
        if let Some((_, idx, ty)) = scope.locals.iter().rev().find(|(n, _, _)| n == name) {
            if let Some((_, element)) = scope.elements.iter().rev().find(|(i, _)| i == idx) {
                self.record(file, span, element.clone());
            } else if let Some(f) = &scope.function {
                self.record(file, span, Named::Member(self.qname(f), name.to_owned()));
            }
            return TExpr {
                kind: TKind::Local(*idx),
                ty: ty.clone(),
                span,
            };
        }
        if let Some(d) = &scope.dispositif {
            if self
                .local_dispositifs
                .get(d)
                .is_some_and(|items| items.contains_key(name))
            {
                let ty = self
                    .binding_types
                    .get(&Binding::Item(d.clone(), name.to_owned()))
                    .cloned()
                    .unwrap_or(Type::Error);
                self.record(file, span, Named::Member(self.qname(d), name.to_owned()));
                return TExpr {
                    kind: TKind::Named(ValueKey::Item {
                        dispositif: self.qname(d),
                        name: name.to_owned(),
                    }),
                    ty,
                    span,
                };
            }
        }
        if let Some(t) = self.target(None, name) {
            self.record(file, span, target_named(&self.ident, &t));
            return self.target_value(file, t, id);
        }
        if is_decision_date(name) {
            return TExpr {
                kind: TKind::DecisionDate,
                ty: Type::Date,
                span,
            };
        }
        // Imported entrées, types and variants are visible unqualified.
        for imp in self.imports.clone() {
            if let Some(c) = self.all.get(imp.as_str()) {
                let t = if let Some(ty) = c.inputs.get(name) {
                    Target::Input(name.to_owned(), ty.clone())
                } else if c.enums.contains_key(name) {
                    Target::Enum(QName::new(&imp, name))
                } else if c.structs.contains_key(name) {
                    Target::Struct(QName::new(&imp, name))
                } else {
                    continue;
                };
                self.record(file, span, target_named(&imp, &t));
                return self.target_value(file, t, id);
            }
        }
        let found = self.variants_named(name);
        if let [(q, i)] = found.as_slice() {
            self.record(file, span, Named::Member(q.clone(), name.to_owned()));
            return TExpr {
                kind: TKind::Const(Const::Variant(q.clone(), *i)),
                ty: Type::Enum(q.clone()),
                span,
            };
        }
        if self.broken_imports.iter().any(|i| i == name) {
            return TExpr::error(span);
        }
        if self.imports.iter().any(|i| i == name) {
            self.err(
                codes::WRONG_KIND,
                file,
                span,
                messages::ruleset_as_value(name),
            );
            return TExpr::error(span);
        }
        let mut d = if found.len() > 1 {
            Diagnostic::error(
                codes::UNKNOWN_NAME,
                file,
                span,
                messages::ambiguous_variant(name),
            )
        } else if let Some(Type::Enum(q)) = expected {
            Diagnostic::error(
                codes::UNKNOWN_MEMBER,
                file,
                span,
                messages::not_a_variant_of_expected(name, &q.name),
            )
        } else {
            Diagnostic::error(
                codes::UNKNOWN_NAME,
                file,
                span,
                messages::unknown_name(name),
            )
        };
        if found.is_empty() {
            let candidates = self.names_in_scope(scope, expected);
            d = d.with_suggestion(name, candidates.iter().map(String::as_str));
        }
        self.push(d);
        TExpr::error(span)
    }

    pub(super) fn variants_named(&self, name: &str) -> Vec<(QName, u32)> {
        let mut found = Vec::new();
        let mut look = |rs: &str, enums: &BTreeMap<String, EnumItem>| {
            for (en, e) in enums {
                if let Some(i) = e.variants.iter().position(|v| v == name) {
                    found.push((QName::new(rs, en), u32::try_from(i).unwrap_or(u32::MAX)));
                }
            }
        };
        look(&self.ident, &self.out.enums);
        for imp in &self.imports {
            if let Some(c) = self.all.get(imp) {
                look(imp, &c.enums);
            }
        }
        found
    }

    pub(super) fn names_in_scope(&self, scope: &Scope, expected: Option<&Type>) -> Vec<String> {
        let mut out: Vec<String> = scope.locals.iter().map(|(n, _, _)| n.clone()).collect();
        if let Some(items) = scope
            .dispositif
            .as_ref()
            .and_then(|d| self.local_dispositifs.get(d))
        {
            out.extend(items.keys().cloned());
        }
        out.extend(self.decls.keys().cloned());
        out.extend(builtin_docs().iter().map(|d| d.name.to_owned()));
        out.extend(self.imports.iter().cloned());
        for imp in &self.imports {
            if let Some(c) = self.all.get(imp) {
                out.extend(c.inputs.keys().cloned());
            }
        }
        if let Some(Type::Enum(q)) = expected {
            if let Some(vs) = self.enum_variants(q) {
                out.extend(vs.iter().cloned());
            }
        }
        out
    }

    pub(super) fn target_value(&mut self, file: FileId, t: Target, id: &Ident) -> TExpr {
        let span = id.span;
        let name = &id.name;
        let msg = match t {
            Target::Value(key, ty) => {
                return TExpr {
                    kind: TKind::Named(key),
                    ty,
                    span,
                }
            }
            Target::Input(root, ty) => {
                return TExpr {
                    kind: TKind::Input(vec![InputSegment {
                        name: root,
                        optional: matches!(ty, Type::Optional(_)),
                        ty: ty.clone(),
                    }]),
                    ty,
                    span,
                }
            }
            Target::Param(q, false) => {
                let ty = self.param_type(&q).unwrap_or(Type::Error);
                return TExpr {
                    kind: TKind::Param { param: q, at: None },
                    ty,
                    span,
                };
            }
            Target::Param(_, true) => messages::table_as_value(name),
            Target::Bareme(_) => messages::bareme_as_value(name),
            Target::Function(_) => messages::function_as_value(name),
            Target::Dispositif(_) => messages::dispositif_as_value(name),
            Target::Group(_) => messages::group_as_value(name),
            Target::Enum(_) => messages::enum_as_value(name),
            Target::Struct(q) => messages::struct_type_as_value(&q.name),
        };
        self.err(codes::WRONG_KIND, file, span, msg);
        TExpr::error(span)
    }

    pub(super) fn param_type(&self, q: &QName) -> Option<Type> {
        let p = if q.ruleset == self.ident {
            self.out.params.get(&q.name)
        } else {
            self.all.get(&q.ruleset)?.params.get(&q.name)
        }?;
        Some(p.ty.clone())
    }

    pub(super) fn param_key_type(&self, q: &QName) -> Option<Type> {
        let p = if q.ruleset == self.ident {
            self.out.params.get(&q.name)
        } else {
            self.all.get(&q.ruleset)?.params.get(&q.name)
        }?;
        p.key_ty.clone()
    }

    pub(super) fn bareme_types(&self, q: &QName) -> Option<(Type, Type, Option<QName>)> {
        let b = if q.ruleset == self.ident {
            self.out.baremes.get(&q.name)
        } else {
            self.all.get(&q.ruleset)?.baremes.get(&q.name)
        }?;
        Some((b.input_ty.clone(), b.output_ty.clone(), b.columns.clone()))
    }

    pub(super) fn function_sig(&self, q: &QName) -> Option<(Vec<Type>, Type)> {
        let f = if q.ruleset == self.ident {
            self.out.functions.get(&q.name)
        } else {
            self.all.get(&q.ruleset)?.functions.get(&q.name)
        }?;
        Some((
            f.params.iter().map(|(_, t)| t.clone()).collect(),
            f.ret.clone(),
        ))
    }

    pub(super) fn dispositif_output(&self, q: &QName, item: &str) -> Result<Type, Vec<String>> {
        if q.ruleset == self.ident {
            let items = self.local_dispositifs.get(&q.name).ok_or_else(Vec::new)?;
            match items.get(item) {
                Some(ValueKind::Value) => Ok(self
                    .binding_types
                    .get(&Binding::Item(q.name.clone(), item.to_owned()))
                    .cloned()
                    .unwrap_or(Type::Error)),
                _ => Err(items
                    .iter()
                    .filter(|(_, k)| **k == ValueKind::Value)
                    .map(|(n, _)| n.clone())
                    .collect()),
            }
        } else {
            let d = self
                .all
                .get(&q.ruleset)
                .and_then(|c| c.dispositif(&q.name))
                .ok_or_else(Vec::new)?;
            match d.items.iter().find(|i| i.name.name == item) {
                Some(i) if i.kind == ValueKind::Value => Ok(i.ty.clone()),
                _ => Err(d
                    .items
                    .iter()
                    .filter(|i| i.kind == ValueKind::Value)
                    .map(|i| i.name.name.clone())
                    .collect()),
            }
        }
    }

    pub(super) fn field(
        &mut self,
        file: FileId,
        base: &ast::Expr,
        f: &Ident,
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        // `national.x`: a declaration of an imported ruleset.
        if let ExprKind::Name(q) = &base.kind {
            let shadowed = self.is_local_name(&q.name, scope) || self.decls.contains_key(&q.name);
            // `val_doise.x` in val-doise: its own declaration, named past a dispositif item
            // of the same name.
            if !shadowed && q.name == self.ident {
                if let Some(t) = self.target(None, &f.name) {
                    self.record(file, f.span, target_named(&self.ident, &t));
                    let mut e = self.target_value(file, t, f);
                    e.span = span;
                    return e;
                }
            }
            if !shadowed && self.imports.contains(&q.name) {
                return match self.target(Some(&q.name), &f.name) {
                    Some(t) => {
                        self.record(file, q.span, Named::Ruleset(q.name.clone()));
                        self.record(file, f.span, target_named(&q.name, &t));
                        let mut e = self.target_value(file, t, f);
                        e.span = span;
                        e
                    }
                    None => {
                        let mut d = Diagnostic::error(
                            codes::UNKNOWN_MEMBER,
                            file,
                            f.span,
                            messages::not_declared_in(&q.name, &f.name),
                        );
                        if let Some(c) = self.all.get(&q.name) {
                            let names = declared_names(c);
                            d = d.with_suggestion(&f.name, names.iter().map(String::as_str));
                        }
                        self.push(d);
                        TExpr::error(span)
                    }
                };
            }
        }
        // `apa_domicile.montant`, `national.apa.montant`, `lieu_de_vie.domicile`.
        match self.callee_target(file, base, scope) {
            Some(Callee::Target(Target::Dispositif(q))) => {
                if self.dispositif_output(&q, &f.name).is_ok() {
                    self.record(file, f.span, Named::Member(q.clone(), f.name.clone()));
                }
                if is_eligible(&f.name) {
                    return TExpr {
                        kind: TKind::Eligible(q),
                        ty: Type::Bool,
                        span,
                    };
                }
                return match self.dispositif_output(&q, &f.name) {
                    Ok(ty) => TExpr {
                        kind: TKind::DispositifOutput(q, f.name.clone()),
                        ty,
                        span,
                    },
                    Err(outputs) => {
                        let mut d = Diagnostic::error(
                            codes::UNKNOWN_MEMBER,
                            file,
                            f.span,
                            messages::unknown_output(&q.name, &f.name),
                        );
                        let mut candidates = outputs;
                        candidates.push("éligible".to_owned());
                        d = d.with_suggestion(&f.name, candidates.iter().map(String::as_str));
                        self.push(d);
                        TExpr::error(span)
                    }
                };
            }
            Some(Callee::Target(Target::Enum(q))) => {
                let idx = self
                    .enum_variants(&q)
                    .and_then(|vs| vs.iter().position(|v| *v == f.name));
                if idx.is_some() {
                    self.record(file, f.span, Named::Member(q.clone(), f.name.clone()));
                }
                return match idx {
                    Some(i) => TExpr {
                        kind: TKind::Const(Const::Variant(
                            q.clone(),
                            u32::try_from(i).unwrap_or(u32::MAX),
                        )),
                        ty: Type::Enum(q),
                        span,
                    },
                    None => {
                        self.err(
                            codes::UNKNOWN_MEMBER,
                            file,
                            f.span,
                            messages::not_a_variant_of(&f.name, &q.name),
                        );
                        TExpr::error(span)
                    }
                };
            }
            _ => {}
        }
        let b = self.expr_raw(file, base, scope, None);
        let (segments, struct_q, optional) = match (&b.kind, b.ty.strip_optional()) {
            (TKind::Input(segs), Type::Struct(q)) => {
                (segs.clone(), q.clone(), matches!(b.ty, Type::Optional(_)))
            }
            // An element of a list of structures.
            (_, Type::Struct(q)) => {
                let q = q.clone();
                return self.record_field(file, b, &q, f, span);
            }
            (_, Type::Error) => return TExpr::error(span),
            (_, other) => {
                let msg = messages::no_fields(&f.name, other.with_article());
                self.err(codes::WRONG_KIND, file, f.span, msg);
                return TExpr::error(span);
            }
        };
        let Some(fields) = self.struct_fields(&struct_q) else {
            return TExpr::error(span);
        };
        match fields.iter().find(|(n, _)| *n == f.name) {
            Some((_, fty)) => {
                let fty = fty.clone();
                self.record(
                    file,
                    f.span,
                    Named::Member(struct_q.clone(), f.name.clone()),
                );
                let mut segments = segments;
                segments.push(InputSegment {
                    name: f.name.clone(),
                    optional: matches!(fty, Type::Optional(_)),
                    ty: fty.clone(),
                });
                let ty = if optional && !matches!(fty, Type::Optional(_)) {
                    Type::Optional(Box::new(fty))
                } else {
                    fty
                };
                TExpr {
                    kind: TKind::Input(segments),
                    ty,
                    span,
                }
            }
            None => {
                let names: Vec<String> = fields.iter().map(|(n, _)| n.clone()).collect();
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_MEMBER,
                    file,
                    f.span,
                    messages::unknown_field(&struct_q.name, &f.name),
                );
                d = d.with_suggestion(&f.name, names.iter().map(String::as_str));
                self.push(d);
                TExpr::error(span)
            }
        }
    }
}

/// The declaration a target is, declared in `ruleset`.
pub(super) fn target_named(ruleset: &str, t: &Target) -> Named {
    match t {
        Target::Value(ValueKey::Top(q), _) => Named::Top(q.clone()),
        Target::Value(ValueKey::Item { dispositif, name }, _) => {
            Named::Member(dispositif.clone(), name.clone())
        }
        Target::Input(name, _) => Named::Top(QName::new(ruleset, name)),
        Target::Param(q, _)
        | Target::Bareme(q)
        | Target::Function(q)
        | Target::Dispositif(q)
        | Target::Group(q)
        | Target::Enum(q)
        | Target::Struct(q) => Named::Top(q.clone()),
    }
}

/// What a declaration name denotes.
#[derive(Clone, Debug)]
pub enum Target {
    Value(ValueKey, Type),
    /// An `entrée`: its dossier field name and declared type.
    Input(String, Type),
    /// A parameter; `true` for a table.
    Param(QName, bool),
    Bareme(QName),
    Function(QName),
    Dispositif(QName),
    /// A `groupe de conditions` (used only by `conditions NOM` in a dispositif).
    Group(QName),
    Enum(QName),
    Struct(QName),
}

/// A declaration of an already checked (imported) ruleset.
pub fn target_in(c: &TypedRuleset, name: &str) -> Option<Target> {
    let q = QName::new(&c.ident, name);
    if let Some(v) = c.values.get(name) {
        return Some(Target::Value(ValueKey::Top(q), v.ty.clone()));
    }
    if let Some(p) = c.params.get(name) {
        return Some(Target::Param(q, p.key_ty.is_some()));
    }
    if c.baremes.contains_key(name) {
        return Some(Target::Bareme(q));
    }
    if c.functions.contains_key(name) {
        return Some(Target::Function(q));
    }
    if c.dispositif(name).is_some() {
        return Some(Target::Dispositif(q));
    }
    if let Some(t) = c.inputs.get(name) {
        return Some(Target::Input(name.to_owned(), t.clone()));
    }
    if c.enums.contains_key(name) {
        return Some(Target::Enum(q));
    }
    if c.structs.contains_key(name) {
        return Some(Target::Struct(q));
    }
    None
}

/// Every name a ruleset declares (for suggestions).
pub fn declared_names(c: &TypedRuleset) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    out.extend(c.values.keys().cloned());
    out.extend(c.params.keys().cloned());
    out.extend(c.baremes.keys().cloned());
    out.extend(c.functions.keys().cloned());
    out.extend(c.dispositifs.iter().map(|d| d.name.name.clone()));
    out.extend(c.inputs.keys().cloned());
    out.extend(c.enums.keys().cloned());
    out.extend(c.structs.keys().cloned());
    out
}
