//! Names of a ruleset (two namespaces, duplicates), enumerations, structures and type
//! expressions.

use std::collections::HashMap;

use socle_grammar::ast::{self, Decl, DeclKind, DispositifItemKind, Ident, TypeExprKind};
use socle_grammar::Span;

use super::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::{EnumItem, ValueKind};
use crate::types::{QName, Type};

impl<'a> Ctx<'a> {
    pub(super) fn collect_names(&mut self, decls: &[(FileId, &'a Decl)]) {
        for (file, decl) in decls {
            let Some(name) = decl.kind.name() else {
                continue;
            };
            // Types (enumerations, structures) and values have separate namespaces:
            // `entrée plan_aide : plan_aide` is the usual idiom.
            let is_type = matches!(decl.kind, DeclKind::Enum(_) | DeclKind::Struct(_));
            let namespace = if is_type { &self.types } else { &self.decls };
            if let Some((first_file, first)) = namespace.get(&name.name) {
                let first_span = first.kind.name().map_or(first.span, |n| n.span);
                let d = Diagnostic::error(
                    codes::DUPLICATE,
                    *file,
                    name.span,
                    messages::already_defined(&name.name),
                )
                .with_primary_message(messages::SECOND_DEFINITION)
                .with_label(*first_file, first_span, messages::FIRST_DEFINITION);
                self.push(d);
                continue;
            }
            if is_type {
                self.types.insert(name.name.clone(), (*file, decl));
                continue;
            }
            self.decls.insert(name.name.clone(), (*file, decl));
            if let DeclKind::Dispositif(d) = &decl.kind {
                let mut items = HashMap::new();
                for item in &d.items {
                    let (n, kind) = match &item.kind {
                        DispositifItemKind::Condition(c) => (&c.name, ValueKind::Condition),
                        DispositifItemKind::Value(v) => (&v.name, ValueKind::Value),
                        DispositifItemKind::Let(v) => (&v.name, ValueKind::Let),
                        DispositifItemKind::UseGroup(_) => continue,
                    };
                    items.entry(n.name.clone()).or_insert(kind);
                }
                self.local_dispositifs.insert(d.name.name.clone(), items);
            }
        }
        self.collect_group_conditions(decls);
    }

    pub(super) fn check_duplicate_members<'i>(
        &mut self,
        file: FileId,
        names: impl Iterator<Item = &'i Ident>,
        what: &str,
    ) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for n in names {
            if let Some(first) = seen.get(n.name.as_str()) {
                let d = Diagnostic::error(
                    codes::DUPLICATE,
                    file,
                    n.span,
                    messages::member_already_defined(what, &n.name),
                )
                .with_primary_message(messages::SECOND_DEFINITION)
                .with_label(file, *first, messages::FIRST_DEFINITION);
                self.push(d);
            } else {
                seen.insert(&n.name, n.span);
            }
        }
    }

    pub(super) fn declare_enum(&mut self, file: FileId, e: &ast::EnumDecl) {
        self.check_duplicate_members(file, e.variants.iter(), messages::WHAT_VARIANT);
        let mut variants: Vec<String> = Vec::new();
        for v in &e.variants {
            if !variants.contains(&v.name) {
                variants.push(v.name.clone());
            }
        }
        self.out.enums.insert(
            e.name.name.clone(),
            EnumItem {
                name: e.name.clone(),
                variants,
            },
        );
    }

    // ----- types -----

    pub(crate) fn resolve_type(&mut self, file: FileId, t: &ast::TypeExpr) -> Type {
        match &t.kind {
            TypeExprKind::Booleen => Type::Bool,
            TypeExprKind::Entier => Type::Int,
            TypeExprKind::EntierDans(lo, hi) => {
                if lo > hi {
                    let msg = format!(
                        "bornes inversées : `entier dans {lo}..{hi}` ne laisse aucune valeur \
                         (écrivez `entier dans {hi}..{lo}`)"
                    );
                    self.err(codes::BAD_BOUNDS, file, t.span, msg);
                }
                Type::Int
            }
            TypeExprKind::Decimal => Type::Decimal,
            TypeExprKind::Montant(p) => Type::Money(*p),
            TypeExprKind::Taux => Type::Rate,
            TypeExprKind::Date => Type::Date,
            TypeExprKind::Duree => Type::Duration(None),
            TypeExprKind::DureeEn(unit) => Type::Duration(Some(match unit {
                ast::DurationUnit::Heures => socle_runtime::ir::DurationFamily::Hours,
                ast::DurationUnit::Jours => socle_runtime::ir::DurationFamily::Days,
                ast::DurationUnit::Mois | ast::DurationUnit::Ans => {
                    socle_runtime::ir::DurationFamily::Months
                }
            })),
            TypeExprKind::Texte => Type::Text,
            TypeExprKind::Optional(inner) => {
                let inner = self.resolve_type(file, inner);
                match inner {
                    Type::Optional(_) | Type::Error => inner,
                    t => Type::Optional(Box::new(t)),
                }
            }
            TypeExprKind::List(inner) => {
                let inner = self.resolve_type(file, inner);
                Type::List(Box::new(inner))
            }
            TypeExprKind::Named(id) => self.named_type(file, id),
        }
    }

    pub(super) fn named_type(&mut self, file: FileId, id: &Ident) -> Type {
        if let Some((_, decl)) = self.types.get(&id.name) {
            let q = self.qname(&id.name);
            match decl.kind {
                DeclKind::Enum(_) => {
                    self.record(file, id.span, Named::Top(q.clone()));
                    return Type::Enum(q);
                }
                DeclKind::Struct(_) => {
                    self.record(file, id.span, Named::Top(q.clone()));
                    return Type::Struct(q);
                }
                _ => {
                    self.err(
                        codes::WRONG_KIND,
                        file,
                        id.span,
                        messages::not_a_type(&id.name),
                    );
                    return Type::Error;
                }
            }
        }
        for imp in &self.imports {
            if let Some(c) = self.all.get(imp) {
                let q = QName::new(imp, &id.name);
                if c.enums.contains_key(&id.name) {
                    self.record(file, id.span, Named::Top(q.clone()));
                    return Type::Enum(q);
                }
                if c.structs.contains_key(&id.name) {
                    self.record(file, id.span, Named::Top(q.clone()));
                    return Type::Struct(q);
                }
            }
        }
        if self.decls.contains_key(&id.name) {
            self.err(
                codes::WRONG_KIND,
                file,
                id.span,
                messages::not_a_type(&id.name),
            );
            return Type::Error;
        }
        let mut candidates: Vec<String> = self.types.keys().cloned().collect();
        for imp in &self.imports {
            if let Some(c) = self.all.get(imp) {
                candidates.extend(c.enums.keys().cloned());
                candidates.extend(c.structs.keys().cloned());
            }
        }
        candidates.extend(
            [
                "booléen", "entier", "décimal", "montant", "taux", "date", "durée", "texte",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        let mut d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            file,
            id.span,
            messages::unknown_type(&id.name),
        );
        d = d.with_suggestion(&id.name, candidates.iter().map(String::as_str));
        self.push(d);
        Type::Error
    }

    pub(super) fn enum_variants(&self, q: &QName) -> Option<&Vec<String>> {
        if q.ruleset == self.ident {
            self.out.enums.get(&q.name).map(|e| &e.variants)
        } else {
            self.all
                .get(&q.ruleset)
                .and_then(|c| c.enums.get(&q.name))
                .map(|e| &e.variants)
        }
    }

    pub(super) fn struct_fields(&self, q: &QName) -> Option<&Vec<(String, Type)>> {
        if q.ruleset == self.ident {
            self.out.structs.get(&q.name).map(|s| &s.fields)
        } else {
            self.all
                .get(&q.ruleset)
                .and_then(|c| c.structs.get(&q.name))
                .map(|s| &s.fields)
        }
    }

    // ----- parameters and barèmes -----
}
