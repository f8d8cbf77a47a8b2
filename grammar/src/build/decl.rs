//! Declarations, their dated versions and the items of dispositifs and functions.

use pest::iterators::Pair;

use super::{children, Builder, Res};
use crate::ast::*;
use crate::parser::Rule;
use crate::ParseError;

impl Builder<'_> {
    pub(crate) fn decl(&mut self, pair: Pair<'_, Rule>) -> Res<Decl> {
        let span = self.span(&pair);
        let mut meta = self.meta(span.start);
        let rule = pair.as_rule();
        let kind = match rule {
            Rule::import_decl => {
                let mut it = children(pair);
                let name = self.next_ident(&mut it, span, "importe")?;
                self.sources(it, &mut meta.sources)?;
                DeclKind::Import(name)
            }
            Rule::enum_decl => {
                let idents =
                    self.items_and_sources(children(pair), &mut meta.sources, |b, p| {
                        Ok(b.ident(&p))
                    })?;
                let mut idents = idents.into_iter();
                let name = idents
                    .next()
                    .ok_or_else(|| self.internal(span, "énumération"))?;
                DeclKind::Enum(EnumDecl {
                    name,
                    variants: idents.collect(),
                })
            }
            Rule::struct_decl => DeclKind::Struct(self.struct_decl(pair, span, &mut meta)?),
            Rule::input_decl => {
                let mut it = children(pair);
                let (name, ty) = self.name_and_type(&mut it, span, "entrée")?;
                self.sources(it, &mut meta.sources)?;
                DeclKind::Input(InputDecl { name, ty })
            }
            Rule::param_decl => DeclKind::Param(self.param_decl(pair, span, &mut meta)?),
            Rule::bareme_decl => DeclKind::Bareme(self.bareme_decl(pair, span, &mut meta)?),
            Rule::value_decl => {
                let value = self.value_decl(pair, span, &mut meta.sources)?;
                if value.paid {
                    return Err(outside_dispositif(span, "valeur versée"));
                }
                DeclKind::Value(value)
            }
            Rule::condition_decl => {
                let condition = self.condition_decl(pair, span, &mut meta.sources)?;
                if condition.payment {
                    return Err(outside_dispositif(span, "condition de versement"));
                }
                DeclKind::Condition(condition)
            }
            Rule::function_decl => DeclKind::Function(self.function_decl(pair, span, &mut meta)?),
            Rule::dispositif_decl => {
                DeclKind::Dispositif(self.dispositif_decl(pair, span, &mut meta)?)
            }
            Rule::group_decl => {
                let d = self.dispositif_decl(pair, span, &mut meta)?;
                DeclKind::Group(GroupDecl {
                    name: d.name,
                    title: d.title,
                    items: d.items,
                })
            }
            Rule::cumul_decl => {
                let mut it = children(pair);
                let left = self.next_ident(&mut it, span, "cumul")?;
                let left_paid = skip_marker(&mut it, Rule::paid_side);
                let kind = match self.next(&mut it, span, "cumul")?.as_rule() {
                    Rule::cumul_exclut => CumulKind::Exclut,
                    Rule::cumul_subsidiaire => CumulKind::Subsidiaire,
                    _ => CumulKind::Cumulable,
                };
                let right = self.next_ident(&mut it, span, "cumul")?;
                let right_paid = skip_marker(&mut it, Rule::paid_side);
                self.sources(it, &mut meta.sources)?;
                let paid = match (kind, left_paid, right_paid) {
                    (_, false, false) => false,
                    (CumulKind::Exclut, true, false) | (CumulKind::Subsidiaire, false, true) => true,
                    _ => {
                        return Err(ParseError {
                            message: "`versée` suit le dispositif qui l'emporte : `cumul A versée exclut B`, `cumul B subsidiaire à A versée`".to_owned(),
                            span,
                        })
                    }
                };
                DeclKind::Cumul(CumulDecl {
                    left,
                    kind,
                    right,
                    paid,
                })
            }
            _ => return Err(self.internal(span, "déclaration")),
        };
        Ok(Decl { kind, meta, span })
    }

    fn struct_decl(
        &mut self,
        pair: Pair<'_, Rule>,
        span: Span,
        meta: &mut Meta,
    ) -> Res<StructDecl> {
        let mut it = children(pair);
        let name = self.next_ident(&mut it, span, "structure")?;
        let mut fields: Vec<Field> = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::field_decl => {
                    let fspan = self.span(&p);
                    let (fname, ty) = self.name_and_type(&mut children(p), fspan, "champ")?;
                    fields.push(Field {
                        name: fname,
                        ty,
                        meta: self.meta(fspan.start),
                        span: fspan,
                    });
                }
                _ => {
                    let source = self.source(p)?;
                    // Fields are one-liners: a `source` on a field's line cites that field,
                    // a `source` on its own line cites the whole structure.
                    match fields.last_mut() {
                        Some(field) if !self.newline_between(field.span.end, source.span.start) => {
                            field.meta.sources.push(source);
                        }
                        _ => meta.sources.push(source),
                    }
                }
            }
        }
        Ok(StructDecl { name, fields })
    }

    /// The indentation width of the line at `offset` (a tab counts as four), when only
    /// indentation precedes `offset` on its line.
    fn line_indent(&self, offset: u32) -> Option<usize> {
        let before = self.file.get(..offset as usize)?;
        let line = before.get(before.rfind('\n').map_or(0, |i| i + 1)..)?;
        line.chars().try_fold(0, |width, c| match c {
            '\t' => Some(width + 4),
            ' ' | '\u{A0}' | '\u{202F}' | '\u{FEFF}' => Some(width + 1),
            _ => None,
        })
    }

    fn newline_between(&self, from: u32, to: u32) -> bool {
        self.file
            .get(from as usize..to as usize)
            .is_some_and(|s| s.contains('\n'))
    }

    fn param_decl(&mut self, pair: Pair<'_, Rule>, span: Span, meta: &mut Meta) -> Res<ParamDecl> {
        let mut it = children(pair);
        let name = self.next_ident(&mut it, span, "paramètre")?;
        let ty_pair = self.next(&mut it, span, "paramètre")?;
        let (key, ty) = if ty_pair.as_rule() == Rule::table_type {
            let tspan = self.span(&ty_pair);
            let mut t = children(ty_pair);
            let key = self.type_expr(self.next(&mut t, tspan, "table")?)?;
            let value = self.type_expr(self.next(&mut t, tspan, "table")?)?;
            (Some(key), value)
        } else {
            (None, self.type_expr(ty_pair)?)
        };
        let versions = self.items_and_sources(it, &mut meta.sources, Self::param_version)?;
        Ok(ParamDecl {
            name,
            key,
            ty,
            versions,
        })
    }

    fn param_version(&mut self, pair: Pair<'_, Rule>) -> Res<ParamVersion> {
        let (span, mut meta, validity, mut it) = self.version(pair)?;
        let value_pair = self.next(&mut it, span, "version")?;
        let value = if value_pair.as_rule() == Rule::table_entries {
            let mut entries = Vec::new();
            for entry in children(value_pair) {
                entries.push(self.table_entry(entry)?);
            }
            ParamValue::Table(entries)
        } else {
            ParamValue::Scalar(self.top_expr(value_pair)?)
        };
        self.sources(it, &mut meta.sources)?;
        Ok(ParamVersion {
            validity,
            value,
            meta,
            span,
        })
    }

    fn table_entry(&mut self, entry: Pair<'_, Rule>) -> Res<TableEntry> {
        let span = self.span(&entry);
        let mut e = children(entry);
        let key_pair = self.next(&mut e, span, "entrée de table")?;
        let key = if key_pair.as_rule() == Rule::ident {
            let ident = self.ident(&key_pair);
            Expr {
                span: ident.span,
                kind: ExprKind::Name(ident),
            }
        } else {
            self.signed_literal(key_pair)?
        };
        let value = self.next_expr(&mut e, span, "entrée de table")?;
        Ok(TableEntry { key, value, span })
    }

    /// The span, documentation and validity period of a dated version (of a parameter or a
    /// barème), and its children after the period.
    fn version<'i>(
        &self,
        pair: Pair<'i, Rule>,
    ) -> Res<(Span, Meta, Validity, std::vec::IntoIter<Pair<'i, Rule>>)> {
        let span = self.span(&pair);
        let meta = self.meta(span.start);
        let mut it = children(pair);
        let validity = self.validity(self.next(&mut it, span, "version")?)?;
        Ok((span, meta, validity, it))
    }

    fn validity(&self, pair: Pair<'_, Rule>) -> Res<Validity> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let from_pair = self.next(&mut it, span, "validité")?;
        let from_span = self.span(&from_pair);
        let always = from_pair.as_rule() == Rule::since_always;
        let from = if always {
            Validity::ALWAYS
        } else {
            self.date(&from_pair)?
        };
        let until = match it.next() {
            Some(p) => Some((self.date(&p)?, self.span(&p))),
            None => None,
        };
        if let Some((until_date, until_span)) = until {
            if until_date < from {
                return Err(ParseError {
                    message: format!(
                        "période vide : la date de fin {until_date} précède la date de début {from}"
                    ),
                    span: until_span,
                });
            }
        }
        Ok(Validity {
            from,
            always,
            from_span,
            until,
        })
    }

    fn bareme_decl(
        &mut self,
        pair: Pair<'_, Rule>,
        span: Span,
        meta: &mut Meta,
    ) -> Res<BaremeDecl> {
        let mut it = children(pair);
        let name = self.next_ident(&mut it, span, "barème")?;
        let input_ty = self.type_expr(self.next(&mut it, span, "barème")?)?;
        let output_ty = self.type_expr(self.next(&mut it, span, "barème")?)?;
        let mut columns = None;
        let mut versions = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::source => meta.sources.push(self.source(p)?),
                Rule::columns => {
                    let cspan = self.span(&p);
                    columns = Some(self.next_ident(&mut children(p), cspan, "colonnes")?);
                }
                _ => versions.push(self.bareme_version(p)?),
            }
        }
        Ok(BaremeDecl {
            name,
            input_ty,
            output_ty,
            columns,
            versions,
        })
    }

    fn bareme_version(&mut self, pair: Pair<'_, Rule>) -> Res<BaremeVersion> {
        let (span, mut meta, validity, it) = self.version(pair)?;
        let rows = self.items_and_sources(it, &mut meta.sources, Self::tranche_row)?;
        Ok(BaremeVersion {
            validity,
            rows,
            meta,
            span,
        })
    }

    fn tranche_row(&mut self, pair: Pair<'_, Rule>) -> Res<TrancheRow> {
        let span = self.span(&pair);
        let mut meta = self.meta(span.start);
        let mut it = children(pair);
        let number_pair = self.next(&mut it, span, "tranche")?;
        let number_span = self.span(&number_pair);
        let number = number_pair
            .as_str()
            .parse::<u32>()
            .map_err(|_| ParseError {
                message: format!("numéro de tranche trop grand : `{}`", number_pair.as_str()),
                span: number_span,
            })?;
        let mut intervals = Vec::new();
        let mut value = None;
        for p in it {
            match p.as_rule() {
                Rule::row_interval => {
                    let rspan = self.span(&p);
                    let mut column = None;
                    let mut interval = None;
                    for q in children(p) {
                        match q.as_rule() {
                            Rule::ident => column = Some(self.ident(&q)),
                            _ => interval = Some(self.interval(q)?),
                        }
                    }
                    let interval = interval.ok_or_else(|| self.internal(rspan, "intervalle"))?;
                    intervals.push((column, interval));
                }
                Rule::source => meta.sources.push(self.source(p)?),
                _ => value = Some(self.top_expr(p)?),
            }
        }
        let value = value.ok_or_else(|| self.internal(span, "tranche"))?;
        Ok(TrancheRow {
            number,
            number_span,
            intervals,
            value,
            meta,
            span,
        })
    }

    fn interval(&self, pair: Pair<'_, Rule>) -> Res<Interval> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let lower_inclusive = self.next(&mut it, span, "intervalle")?.as_rule() == Rule::lower_incl;
        let lower = Bound {
            value: self.signed_literal(self.next(&mut it, span, "intervalle")?)?,
            inclusive: lower_inclusive,
        };
        let upper_pair = self.next(&mut it, span, "intervalle")?;
        let upper_close = self.next(&mut it, span, "intervalle")?;
        let upper = if upper_pair.as_rule() == Rule::infinity {
            None
        } else {
            Some(Bound {
                value: self.signed_literal(upper_pair)?,
                inclusive: upper_close.as_rule() == Rule::upper_incl,
            })
        };
        Ok(Interval { lower, upper, span })
    }

    /// `valeur`/`soit` with exceptions. Its sources go to `sources`: they belong to the
    /// declaration or to the dispositif item.
    fn value_decl(
        &mut self,
        pair: Pair<'_, Rule>,
        span: Span,
        sources: &mut Vec<Source>,
    ) -> Res<ValueDecl> {
        let mut it = children(pair);
        let paid = skip_marker(&mut it, Rule::paid_marker);
        let name = self.next_ident(&mut it, span, "valeur")?;
        let (ty, expr) = self.typed_expr(&mut it, span, "valeur")?;
        // Open exceptions, innermost last, with the indentation of their `sauf`.
        let mut open: Vec<(usize, usize)> = Vec::new();
        let mut count = 0;
        let exceptions = self.items_and_sources(it, sources, |b, p| {
            let espan = b.span(&p);
            let mut e = children(p);
            let condition = b.next_expr(&mut e, espan, "exception")?;
            let value = b.next_expr(&mut e, espan, "exception")?;
            // A `sauf si` that starts its line deeper than an open one refines it.
            let parent = match b.line_indent(espan.start) {
                Some(indent) => {
                    while open.last().is_some_and(|&(_, w)| w >= indent) {
                        open.pop();
                    }
                    let parent = open.last().map(|&(i, _)| i);
                    open.push((count, indent));
                    parent
                }
                None => {
                    open.clear();
                    None
                }
            };
            count += 1;
            Ok(Exception {
                condition,
                value,
                parent,
                span: espan,
            })
        })?;
        Ok(ValueDecl {
            name,
            ty,
            expr,
            exceptions,
            paid,
        })
    }

    /// A condition; its sources go to `sources`, as for [`Builder::value_decl`].
    fn condition_decl(
        &mut self,
        pair: Pair<'_, Rule>,
        span: Span,
        sources: &mut Vec<Source>,
    ) -> Res<ConditionDecl> {
        let mut it = children(pair);
        let payment = skip_marker(&mut it, Rule::payment_marker);
        let name = self.next_ident(&mut it, span, "condition")?;
        let expr = self.next_expr(&mut it, span, "condition")?;
        // The neutral message, then one per outcome (satisfied, failed).
        let mut messages: [Option<Message>; 3] = [None, None, None];
        for p in it {
            match p.as_rule() {
                Rule::message => {
                    let mspan = self.span(&p);
                    let mut m = children(p);
                    let mut first = self.next(&mut m, mspan, "message")?;
                    let (slot, which) = if first.as_rule() == Rule::message_when {
                        let failed = children(first).next().is_some();
                        first = self.next(&mut m, mspan, "message")?;
                        if failed {
                            (2, "`message si non satisfaite`")
                        } else {
                            (1, "`message si satisfaite`")
                        }
                    } else {
                        (0, "`message`")
                    };
                    let message = self.message(&first, mspan)?;
                    let Some(place) = messages.get_mut(slot) else {
                        return Err(self.internal(mspan, "message"));
                    };
                    if place.is_some() {
                        return Err(ParseError {
                            message: format!(
                                "la condition `{}` a déjà un {which} : un seul par condition",
                                name.name
                            ),
                            span: mspan,
                        });
                    }
                    *place = Some(message);
                }
                _ => sources.push(self.source(p)?),
            }
        }
        let [message, if_satisfied, if_failed] = messages;
        Ok(ConditionDecl {
            name,
            expr,
            message,
            payment,
            if_satisfied,
            if_failed,
        })
    }

    fn function_decl(
        &mut self,
        pair: Pair<'_, Rule>,
        span: Span,
        meta: &mut Meta,
    ) -> Res<FunctionDecl> {
        let mut it = children(pair);
        let name = self.next_ident(&mut it, span, "fonction")?;
        let mut params = Vec::new();
        let mut ret = None;
        let mut lets = Vec::new();
        let mut result = None;
        for p in it {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::fn_param => {
                    let (pname, ty) =
                        self.name_and_type(&mut children(p), pspan, "paramètre de fonction")?;
                    params.push(FunctionParam {
                        name: pname,
                        ty,
                        span: pspan,
                    });
                }
                Rule::type_expr => ret = Some(self.type_expr(p)?),
                Rule::source => meta.sources.push(self.source(p)?),
                Rule::fn_let => {
                    let mut lmeta = self.meta(pspan.start);
                    let mut q = children(p);
                    let lname = self.next_ident(&mut q, pspan, "soit")?;
                    let (ty, expr) = self.typed_expr(&mut q, pspan, "soit")?;
                    self.sources(q, &mut lmeta.sources)?;
                    lets.push(LetItem {
                        name: lname,
                        ty,
                        expr,
                        meta: lmeta,
                        span: pspan,
                    });
                }
                _ => {
                    let mut q = children(p);
                    result = Some(self.next_expr(&mut q, pspan, "résultat")?);
                    self.sources(q, &mut meta.sources)?;
                }
            }
        }
        Ok(FunctionDecl {
            name,
            params,
            ret: ret.ok_or_else(|| self.internal(span, "fonction"))?,
            lets,
            result: result.ok_or_else(|| self.internal(span, "fonction"))?,
        })
    }

    fn dispositif_decl(
        &mut self,
        pair: Pair<'_, Rule>,
        span: Span,
        meta: &mut Meta,
    ) -> Res<DispositifDecl> {
        let mut it = children(pair);
        let name = self.next_ident(&mut it, span, "dispositif")?;
        let mut title = None;
        let mut items = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::lit_string => title = Some(self.string(&p)?),
                Rule::source => meta.sources.push(self.source(p)?),
                rule => {
                    let span = self.span(&p);
                    let mut item_meta = self.meta(span.start);
                    let sources = &mut item_meta.sources;
                    let kind = match rule {
                        Rule::condition_decl => {
                            DispositifItemKind::Condition(self.condition_decl(p, span, sources)?)
                        }
                        Rule::value_decl => {
                            DispositifItemKind::Value(self.value_decl(p, span, sources)?)
                        }
                        Rule::group_use => {
                            let mut g = children(p);
                            let group = self.next_ident(&mut g, span, "conditions")?;
                            self.sources(g, sources)?;
                            DispositifItemKind::UseGroup(group)
                        }
                        _ => DispositifItemKind::Let(self.value_decl(p, span, sources)?),
                    };
                    items.push(DispositifItem {
                        kind,
                        meta: item_meta,
                        span,
                    });
                }
            }
        }
        Ok(DispositifDecl { name, title, items })
    }
}

/// Consumes the optional marker `rule` at the head of a declaration's children.
fn skip_marker(it: &mut std::vec::IntoIter<Pair<'_, Rule>>, rule: Rule) -> bool {
    let present = it.as_slice().first().is_some_and(|p| p.as_rule() == rule);
    if present {
        it.next();
    }
    present
}

/// Payment belongs to a dispositif: at the top level there is nothing to pay.
fn outside_dispositif(span: Span, what: &str) -> ParseError {
    ParseError {
        message: format!(
            "une {what} n'a de sens que dans un dispositif : indentez-la sous `dispositif …`"
        ),
        span,
    }
}
