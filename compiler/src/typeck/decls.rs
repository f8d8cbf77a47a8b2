//! Declarations with a declared type: constants, parameters, barèmes, function signatures
//! and bodies, cumul rules.

use rust_decimal::Decimal;
use socle_grammar::ast::{self, ExprKind, Ident, UnaryOp};
use socle_grammar::Span;
use socle_runtime::value::Value;

use super::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::{Const, CumulItem, FunctionItem, TExpr};
use crate::types::{self, Type};

impl<'a> Ctx<'a> {
    /// A constant of the expected type (E0205 otherwise).
    pub(crate) fn constant(
        &mut self,
        file: FileId,
        e: &ast::Expr,
        expected: &Type,
    ) -> Option<Const> {
        let found = match &e.kind {
            ExprKind::Lit(lit) => {
                let (ty, value) = lit_type(lit);
                value.map(|v| (ty, Const::Value(v)))
            }
            ExprKind::Unary(UnaryOp::Neg, inner) => match &inner.kind {
                ExprKind::Lit(lit) => {
                    let (ty, value) = lit_type(lit);
                    match value {
                        Some(Value::Int(i)) => {
                            i.checked_neg().map(|n| (ty, Const::Value(Value::Int(n))))
                        }
                        Some(Value::Dec(d)) => Some((ty, Const::Value(Value::Dec(-d)))),
                        Some(Value::Duration(n, f)) => n
                            .checked_neg()
                            .map(|n| (ty, Const::Value(Value::Duration(n, f)))),
                        _ => None,
                    }
                }
                _ => None,
            },
            ExprKind::Name(n) => {
                if let Type::Enum(q) = expected {
                    let idx = self
                        .enum_variants(q)
                        .and_then(|vs| vs.iter().position(|v| *v == n.name));
                    match idx.and_then(|i| u32::try_from(i).ok()) {
                        Some(i) => {
                            self.record(file, n.span, Named::Member(q.clone(), n.name.clone()));
                            Some((expected.clone(), Const::Variant(q.clone(), i)))
                        }
                        None => {
                            let mut d = Diagnostic::error(
                                codes::UNKNOWN_MEMBER,
                                file,
                                n.span,
                                messages::not_a_variant_of(&n.name, &q.name),
                            );
                            if let Some(vs) = self.enum_variants(q) {
                                d = d.with_suggestion(&n.name, vs.iter().map(String::as_str));
                            }
                            self.push(d);
                            return None;
                        }
                    }
                } else {
                    None
                }
            }
            _ => None,
        };
        let Some((ty, c)) = found else {
            self.err(
                codes::BAD_CONSTANT,
                file,
                e.span,
                messages::constant_expected(expected),
            );
            return None;
        };
        if !types::assignable(&ty, expected) {
            self.err(
                codes::BAD_CONSTANT,
                file,
                e.span,
                messages::constant_type(&ty, expected),
            );
            return None;
        }
        Some(match c {
            Const::Value(Value::Int(i)) if *expected == Type::Decimal => {
                Const::Value(Value::Dec(Decimal::from(i)))
            }
            c => c,
        })
    }

    pub(super) fn declare_param(&mut self, file: FileId, p: &ast::ParamDecl) {
        let ty = self.resolve_type(file, &p.ty);
        let key_ty = p.key.as_ref().map(|k| self.resolve_type(file, k));
        if let Some(k) = &key_ty {
            if !matches!(k, Type::Int | Type::Text | Type::Enum(_) | Type::Error) {
                if let Some(kt) = &p.key {
                    self.err(
                        codes::BAD_CONSTANT,
                        file,
                        kt.span,
                        messages::table_key_kind(k.with_article()),
                    );
                }
            }
        }
        let versions = super::periods::versions(
            self,
            file,
            &p.name,
            p.versions.iter().map(|v| (&v.validity, v.span)).collect(),
            |ctx, i| {
                let v = p.versions.get(i)?;
                ctx.param_value(file, p, &ty, key_ty.as_ref(), v)
            },
        );
        self.out.params.insert(
            p.name.name.clone(),
            crate::typed::ParamItem {
                name: p.name.clone(),
                file,
                ty,
                key_ty,
                versions,
            },
        );
    }

    pub(super) fn param_value(
        &mut self,
        file: FileId,
        p: &ast::ParamDecl,
        ty: &Type,
        key_ty: Option<&Type>,
        v: &ast::ParamVersion,
    ) -> Option<crate::typed::ParamData> {
        use crate::typed::ParamData;
        match (&v.value, key_ty) {
            (ast::ParamValue::Scalar(e), None) => self.constant(file, e, ty).map(ParamData::Scalar),
            (ast::ParamValue::Table(entries), Some(kt)) => {
                let mut out: Vec<(Const, Const)> = Vec::new();
                // Keys are integers, texts or variants, whose debug forms are equal exactly
                // when they are: a map keeps the duplicate check linear in the table's size.
                let mut first_span: std::collections::HashMap<String, Span> =
                    std::collections::HashMap::with_capacity(entries.len());
                for entry in entries {
                    let k = self.constant(file, &entry.key, kt);
                    let val = self.constant(file, &entry.value, ty);
                    let (Some(k), Some(val)) = (k, val) else {
                        continue;
                    };
                    let id = format!("{k:?}");
                    if let Some(&first) = first_span.get(&id) {
                        let d = Diagnostic::error(
                            codes::DUPLICATE_KEY,
                            file,
                            entry.key.span,
                            messages::duplicate_table_key(&p.name.name),
                        )
                        .with_primary_message(messages::SECOND_ENTRY)
                        .with_label(file, first, messages::FIRST_ENTRY);
                        self.push(d);
                        continue;
                    }
                    first_span.insert(id, entry.key.span);
                    out.push((k, val));
                }
                if let Type::Enum(q) = kt {
                    if let Some(vs) = self.enum_variants(q) {
                        let present: std::collections::HashSet<usize> = out
                            .iter()
                            .filter_map(|(k, _)| match k {
                                Const::Variant(_, j) => usize::try_from(*j).ok(),
                                Const::Value(_) => None,
                            })
                            .collect();
                        let missing: Vec<String> = vs
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| !present.contains(i))
                            .map(|(_, v)| format!("`{v}`"))
                            .collect();
                        if !missing.is_empty() {
                            let d = Diagnostic::warning(
                                codes::MISSING_VARIANTS,
                                file,
                                v.validity.from_span,
                                messages::table_missing_key(&p.name.name, missing.join(", ")),
                            );
                            self.push(d);
                        }
                    }
                }
                Some(ParamData::Table(out))
            }
            (ast::ParamValue::Scalar(e), Some(_)) => {
                self.err(
                    codes::BAD_CONSTANT,
                    file,
                    e.span,
                    messages::table_versions_give_entries(&p.name.name),
                );
                None
            }
            (ast::ParamValue::Table(_), None) => {
                self.err(
                    codes::BAD_CONSTANT,
                    file,
                    v.span,
                    messages::param_versions_give_one_value(&p.name.name),
                );
                None
            }
        }
    }

    pub(super) fn declare_bareme(&mut self, file: FileId, b: &ast::BaremeDecl) {
        let input_ty = self.resolve_type(file, &b.input_ty);
        let output_ty = self.resolve_type(file, &b.output_ty);
        if !matches!(
            input_ty,
            Type::Int | Type::Decimal | Type::Money(_) | Type::Rate | Type::Error
        ) {
            self.err(
                codes::MALFORMED_BAREME,
                file,
                b.input_ty.span,
                messages::bareme_input_kind(input_ty.with_article()),
            );
        }
        let columns = match &b.columns {
            None => None,
            Some(id) if BUILTIN_TYPES.contains(&id.name.as_str()) => {
                self.err(
                    codes::MALFORMED_BAREME,
                    file,
                    id.span,
                    messages::columns_not_enum(&id.name),
                );
                None
            }
            Some(id) => match self.named_type(file, id) {
                Type::Enum(q) => Some(q),
                Type::Error => None,
                _ => {
                    self.err(
                        codes::MALFORMED_BAREME,
                        file,
                        id.span,
                        messages::columns_not_enum(&id.name),
                    );
                    None
                }
            },
        };
        let column_names: Option<Vec<String>> = columns
            .as_ref()
            .and_then(|q| self.enum_variants(q).cloned());
        if let (Some(q), Some(names)) = (&columns, &column_names) {
            let written = b.versions.iter().flat_map(|v| &v.rows);
            for (col, _) in written.flat_map(|r| &r.intervals) {
                if let Some(col) = col.as_ref().filter(|c| names.contains(&c.name)) {
                    self.record(file, col.span, Named::Member(q.clone(), col.name.clone()));
                }
            }
        }
        let versions = super::periods::versions(
            self,
            file,
            &b.name,
            b.versions.iter().map(|v| (&v.validity, v.span)).collect(),
            |ctx, i| {
                let v = b.versions.get(i)?;
                super::baremes::rows(
                    ctx,
                    file,
                    b,
                    v,
                    &input_ty,
                    &output_ty,
                    b.columns.is_some(),
                    column_names.as_deref(),
                )
            },
        );
        self.out.baremes.insert(
            b.name.name.clone(),
            crate::typed::BaremeItem {
                name: b.name.clone(),
                file,
                input_ty,
                output_ty,
                columns,
                versions,
            },
        );
    }

    pub(super) fn declare_function_signature(&mut self, file: FileId, f: &ast::FunctionDecl) {
        let params: Vec<(Ident, Type)> = f
            .params
            .iter()
            .map(|p| (p.name.clone(), self.resolve_type(file, &p.ty)))
            .collect();
        self.check_duplicate_members(
            file,
            f.params.iter().map(|p| &p.name),
            messages::WHAT_PARAMETER,
        );
        let ret = self.resolve_type(file, &f.ret);
        self.out.functions.insert(
            f.name.name.clone(),
            FunctionItem {
                name: f.name.clone(),
                file,
                params,
                ret,
                lets: Vec::new(),
                result: TExpr::error(f.result.span),
                span: f.name.span,
            },
        );
    }

    pub(super) fn check_function_body(&mut self, file: FileId, f: &ast::FunctionDecl, _span: Span) {
        let Some(sig) = self.out.functions.get(&f.name.name) else {
            return;
        };
        // The declaration may be a duplicate: only the first one is checked.
        if sig.name.span != f.name.span {
            return;
        }
        let mut scope = Scope {
            function: Some(f.name.name.clone()),
            ..Scope::default()
        };
        for (i, (p, ty)) in sig.params.iter().enumerate() {
            scope.locals.push((
                p.name.clone(),
                u32::try_from(i).unwrap_or(u32::MAX),
                ty.clone(),
            ));
        }
        let ret = sig.ret.clone();
        let mut lets = Vec::new();
        for l in &f.lets {
            let declared = l.ty.as_ref().map(|t| self.resolve_type(file, t));
            let e = self.root_expr(file, &l.expr, &scope, declared.as_ref());
            let e = self.check_declared(file, e, declared.as_ref(), &l.name);
            let idx = u32::try_from(scope.locals.len()).unwrap_or(u32::MAX);
            scope.locals.push((l.name.name.clone(), idx, e.ty.clone()));
            lets.push((l.name.clone(), e.ty.clone(), e));
        }
        let result = self.root_expr(file, &f.result, &scope, Some(&ret));
        let result = self.check_declared(file, result, Some(&ret), &f.name);
        if let Some(sig) = self.out.functions.get_mut(&f.name.name) {
            sig.lets = lets;
            sig.result = result;
        }
    }

    /// Checks an expression against an optional declared type (E0202) and gives it that type.
    pub(super) fn check_declared(
        &mut self,
        file: FileId,
        e: TExpr,
        declared: Option<&Type>,
        name: &Ident,
    ) -> TExpr {
        let Some(declared) = declared else {
            return e;
        };
        if !types::assignable(&e.ty, declared) {
            let d = Diagnostic::error(
                codes::DECLARED_TYPE,
                file,
                e.span,
                messages::declared_type_differs(&name.name, declared, e.ty.with_article()),
            )
            .with_label(file, name.span, messages::declared_here(declared));
            self.push(d);
            return TExpr {
                ty: declared.clone(),
                ..e
            };
        }
        let refined = types::refine(declared, &e.ty);
        let mut e = coerce(e, declared);
        e.ty = refined;
        e
    }

    pub(super) fn declare_cumul(&mut self, file: FileId, c: &ast::CumulDecl, span: Span) {
        let mut ok = true;
        for id in [&c.left, &c.right] {
            if self.local_dispositifs.contains_key(&id.name) {
                self.record(file, id.span, Named::Top(self.qname(&id.name)));
            } else {
                ok = false;
                let d = Diagnostic::error(
                    codes::UNKNOWN_NAME,
                    file,
                    id.span,
                    messages::unknown_dispositif(&id.name),
                )
                .with_suggestion(&id.name, self.local_dispositifs.keys().map(String::as_str));
                self.push(d);
            }
        }
        if ok {
            self.out.cumuls.push(CumulItem {
                file,
                span,
                kind: c.kind,
                left: self.qname(&c.left.name),
                right: self.qname(&c.right.name),
                paid: c.paid,
            });
        }
    }

    // ----- values, conditions, dispositifs -----
}
