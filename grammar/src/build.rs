//! Turns pest pairs of one declaration into AST nodes.
//!
//! Everything the grammar cannot check (dates that do not exist, numbers that overflow,
//! string escapes, message interpolations, nesting depth) is checked here, with French
//! messages.

use std::str::FromStr;

use chrono::NaiveDate;
use pest::iterators::Pair;
use pest::Parser as _;
use rust_decimal::Decimal;

use crate::ast::*;
use crate::lexer::{lex, Tok, TokKind};
use crate::parser::{Rule, SocleParser};
use crate::{diagnose, ParseError};

pub(crate) type Res<T> = Result<T, ParseError>;

/// Deepest expression nesting the builder accepts (its recursion follows this nesting).
pub(crate) const MAX_NESTING: u32 = 64;

/// Deepest expression tree accepted: long operator chains nest in the AST even though they
/// do not nest in the text, and every later pass (and `Drop`) recurses over the tree.
const MAX_TREE_DEPTH: u32 = 256;

pub(crate) fn nesting_error(span: Span) -> ParseError {
    ParseError {
        message: format!(
            "imbrication trop profonde : au plus {MAX_NESTING} niveaux de parenthèses, \
             crochets, accolades ou `si` imbriqués ; découpez l'expression avec des `soit`"
        ),
        span,
    }
}

/// An expression with the depth of its tree.
struct Node {
    expr: Expr,
    depth: u32,
}

pub(crate) struct Builder<'t> {
    /// The whole file (doc comments and line structure are looked up there).
    file: &'t str,
    /// Offset, in the file, of the text pest parsed.
    base: usize,
    /// Current expression nesting.
    nesting: u32,
    /// Sorted end offsets (in the file) of the code tokens of the parsed text.
    token_ends: Vec<usize>,
}

/// Whether a rule is a bare token (keyword or punctuation) that carries no AST information.
fn is_token(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_importe
            | Rule::kw_enumeration
            | Rule::kw_structure
            | Rule::kw_entree
            | Rule::kw_parametre
            | Rule::kw_bareme
            | Rule::kw_valeur
            | Rule::kw_condition
            | Rule::kw_fonction
            | Rule::kw_dispositif
            | Rule::kw_cumul
            | Rule::kw_exclut
            | Rule::kw_subsidiaire
            | Rule::kw_cumulable
            | Rule::kw_source
            | Rule::kw_sauf
            | Rule::kw_si
            | Rule::kw_alors
            | Rule::kw_sinon
            | Rule::kw_soit
            | Rule::kw_resultat
            | Rule::kw_message
            | Rule::kw_et
            | Rule::kw_ou
            | Rule::kw_non
            | Rule::kw_dans
            | Rule::kw_contient
            | Rule::kw_au
            | Rule::kw_vrai
            | Rule::kw_faux
            | Rule::kw_arrondi
            | Rule::kw_infini
            | Rule::kw_a_accent
            | Rule::kw_a
            | Rule::kw_avec
            | Rule::kw_un
            | Rule::kw_de
            | Rule::kw_table
            | Rule::kw_tranches
            | Rule::kw_tranche
            | Rule::kw_sur
            | Rule::kw_colonnes
            | Rule::kw_liste
            | Rule::kw_montant
            | Rule::kw_centime
            | Rule::kw_inferieur
            | Rule::kw_superieur
            | Rule::kw_le_plus_proche
            | Rule::kw_a_l_euro
            | Rule::kw_a_partir_du
            | Rule::kw_jusqu_au
            | Rule::p_colon
            | Rule::p_eq
            | Rule::p_fatarrow
            | Rule::p_arrow
            | Rule::p_lparen
            | Rule::p_rparen
            | Rule::p_lbracket
            | Rule::p_rbracket
            | Rule::p_lbrace
            | Rule::p_rbrace
            | Rule::p_comma
            | Rule::p_semicolon
            | Rule::p_pipe
            | Rule::p_dotdot
            | Rule::p_dot
            | Rule::EOI
    )
}

/// The children of `pair` that carry information, in order.
fn children(pair: Pair<'_, Rule>) -> std::vec::IntoIter<Pair<'_, Rule>> {
    pair.into_inner()
        .filter(|p| !is_token(p.as_rule()))
        .collect::<Vec<_>>()
        .into_iter()
}

impl<'t> Builder<'t> {
    /// `tokens` are the lexer's tokens of the parsed text, with file offsets.
    pub(crate) fn new(file: &'t str, base: usize, tokens: &[Tok]) -> Self {
        Builder {
            file,
            base,
            nesting: 0,
            token_ends: tokens
                .iter()
                .filter(|t| !matches!(t.kind, TokKind::Comment { .. }))
                .map(|t| t.end)
                .collect(),
        }
    }

    /// The span of a pair, ending at its last token: pest spans of rules ending with a
    /// repetition (`source*`) also cover the whitespace and comments that follow.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let start = self.base + s.start();
        let end = self.base + s.end();
        let last = self.token_ends.partition_point(|&e| e <= end);
        let trimmed = last
            .checked_sub(1)
            .and_then(|i| self.token_ends.get(i))
            .copied()
            .filter(|&e| e > start)
            .unwrap_or(end);
        Span::new(start, trimmed)
    }

    /// An error for a tree shape the grammar does not produce; reaching it is a bug, but a
    /// bug must still not panic on a user's file.
    fn internal(&self, span: Span, what: &str) -> ParseError {
        ParseError {
            message: format!("erreur interne de l'analyseur ({what}) : merci de la signaler"),
            span,
        }
    }

    fn next<'i>(
        &self,
        it: &mut impl Iterator<Item = Pair<'i, Rule>>,
        span: Span,
        what: &str,
    ) -> Res<Pair<'i, Rule>> {
        it.next().ok_or_else(|| self.internal(span, what))
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_owned(),
            span: self.span(pair),
        }
    }

    fn meta(&self, start: u32) -> Meta {
        Meta {
            doc: doc_above(self.file, start as usize),
            sources: Vec::new(),
        }
    }

    // ------------------------------------------------------------------ declarations

    pub(crate) fn decl(&mut self, pair: Pair<'_, Rule>) -> Res<Decl> {
        let span = self.span(&pair);
        let mut meta = self.meta(span.start);
        let rule = pair.as_rule();
        let kind = match rule {
            Rule::import_decl => {
                let mut name = None;
                for p in children(pair) {
                    match p.as_rule() {
                        Rule::ident => name = Some(self.ident(&p)),
                        _ => meta.sources.push(self.source(p)?),
                    }
                }
                DeclKind::Import(name.ok_or_else(|| self.internal(span, "importe"))?)
            }
            Rule::enum_decl => {
                let mut idents = Vec::new();
                for p in children(pair) {
                    match p.as_rule() {
                        Rule::ident => idents.push(self.ident(&p)),
                        _ => meta.sources.push(self.source(p)?),
                    }
                }
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
                let name = self.ident(&self.next(&mut it, span, "entrée")?);
                let ty = self.type_expr(self.next(&mut it, span, "entrée")?)?;
                for p in it {
                    meta.sources.push(self.source(p)?);
                }
                DeclKind::Input(InputDecl { name, ty })
            }
            Rule::param_decl => DeclKind::Param(self.param_decl(pair, span, &mut meta)?),
            Rule::bareme_decl => DeclKind::Bareme(self.bareme_decl(pair, span, &mut meta)?),
            Rule::value_decl => {
                let (value, sources) = self.value_decl(pair, span)?;
                meta.sources.extend(sources);
                DeclKind::Value(value)
            }
            Rule::condition_decl => {
                let (cond, sources) = self.condition_decl(pair, span)?;
                meta.sources.extend(sources);
                DeclKind::Condition(cond)
            }
            Rule::function_decl => DeclKind::Function(self.function_decl(pair, span, &mut meta)?),
            Rule::dispositif_decl => {
                DeclKind::Dispositif(self.dispositif_decl(pair, span, &mut meta)?)
            }
            Rule::cumul_decl => {
                let mut it = children(pair);
                let left = self.ident(&self.next(&mut it, span, "cumul")?);
                let kind = match self.next(&mut it, span, "cumul")?.as_rule() {
                    Rule::cumul_exclut => CumulKind::Exclut,
                    Rule::cumul_subsidiaire => CumulKind::Subsidiaire,
                    _ => CumulKind::Cumulable,
                };
                let right = self.ident(&self.next(&mut it, span, "cumul")?);
                for p in it {
                    meta.sources.push(self.source(p)?);
                }
                DeclKind::Cumul(CumulDecl { left, kind, right })
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
        let name = self.ident(&self.next(&mut it, span, "structure")?);
        let mut fields: Vec<Field> = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::field_decl => {
                    let fspan = self.span(&p);
                    let mut f = children(p);
                    let fname = self.ident(&self.next(&mut f, fspan, "champ")?);
                    let ty = self.type_expr(self.next(&mut f, fspan, "champ")?)?;
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

    fn newline_between(&self, from: u32, to: u32) -> bool {
        self.file
            .get(from as usize..to as usize)
            .is_some_and(|s| s.contains('\n'))
    }

    fn param_decl(&mut self, pair: Pair<'_, Rule>, span: Span, meta: &mut Meta) -> Res<ParamDecl> {
        let mut it = children(pair);
        let name = self.ident(&self.next(&mut it, span, "paramètre")?);
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
        let mut versions = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::source => meta.sources.push(self.source(p)?),
                _ => versions.push(self.param_version(p)?),
            }
        }
        Ok(ParamDecl {
            name,
            key,
            ty,
            versions,
        })
    }

    fn param_version(&mut self, pair: Pair<'_, Rule>) -> Res<ParamVersion> {
        let span = self.span(&pair);
        let mut meta = self.meta(span.start);
        let mut it = children(pair);
        let validity = self.validity(self.next(&mut it, span, "version")?)?;
        let value_pair = self.next(&mut it, span, "version")?;
        let value = if value_pair.as_rule() == Rule::table_entries {
            let mut entries = Vec::new();
            for entry in children(value_pair) {
                let espan = self.span(&entry);
                let mut e = children(entry);
                let key_pair = self.next(&mut e, espan, "entrée de table")?;
                let key = if key_pair.as_rule() == Rule::ident {
                    let ident = self.ident(&key_pair);
                    Expr {
                        span: ident.span,
                        kind: ExprKind::Name(ident),
                    }
                } else {
                    self.signed_literal(key_pair)?
                };
                let value = self.top_expr(self.next(&mut e, espan, "entrée de table")?)?;
                entries.push(TableEntry {
                    key,
                    value,
                    span: espan,
                });
            }
            ParamValue::Table(entries)
        } else {
            ParamValue::Scalar(self.top_expr(value_pair)?)
        };
        for p in it {
            meta.sources.push(self.source(p)?);
        }
        Ok(ParamVersion {
            validity,
            value,
            meta,
            span,
        })
    }

    fn validity(&self, pair: Pair<'_, Rule>) -> Res<Validity> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let from_pair = self.next(&mut it, span, "validité")?;
        let from_span = self.span(&from_pair);
        let from = self.date(&from_pair)?;
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
        let name = self.ident(&self.next(&mut it, span, "barème")?);
        let input_ty = self.type_expr(self.next(&mut it, span, "barème")?)?;
        let output_ty = self.type_expr(self.next(&mut it, span, "barème")?)?;
        let mut columns = None;
        let mut versions = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::source => meta.sources.push(self.source(p)?),
                Rule::columns => {
                    let cspan = self.span(&p);
                    let mut c = children(p);
                    columns = Some(self.ident(&self.next(&mut c, cspan, "colonnes")?));
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
        let span = self.span(&pair);
        let mut meta = self.meta(span.start);
        let mut it = children(pair);
        let validity = self.validity(self.next(&mut it, span, "version")?)?;
        let mut rows = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::source => meta.sources.push(self.source(p)?),
                _ => rows.push(self.tranche_row(p)?),
            }
        }
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

    /// `valeur`/`soit` with exceptions; returns the sources separately since they belong to
    /// the declaration or to the dispositif item.
    fn value_decl(&mut self, pair: Pair<'_, Rule>, span: Span) -> Res<(ValueDecl, Vec<Source>)> {
        let mut it = children(pair);
        let name = self.ident(&self.next(&mut it, span, "valeur")?);
        let mut next = self.next(&mut it, span, "valeur")?;
        let ty = if next.as_rule() == Rule::type_expr {
            let ty = self.type_expr(next)?;
            next = self.next(&mut it, span, "valeur")?;
            Some(ty)
        } else {
            None
        };
        let expr = self.top_expr(next)?;
        let mut exceptions = Vec::new();
        let mut sources = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::exception => {
                    let espan = self.span(&p);
                    let mut e = children(p);
                    let condition = self.top_expr(self.next(&mut e, espan, "exception")?)?;
                    let value = self.top_expr(self.next(&mut e, espan, "exception")?)?;
                    exceptions.push(Exception {
                        condition,
                        value,
                        span: espan,
                    });
                }
                _ => sources.push(self.source(p)?),
            }
        }
        Ok((
            ValueDecl {
                name,
                ty,
                expr,
                exceptions,
            },
            sources,
        ))
    }

    fn condition_decl(
        &mut self,
        pair: Pair<'_, Rule>,
        span: Span,
    ) -> Res<(ConditionDecl, Vec<Source>)> {
        let mut it = children(pair);
        let name = self.ident(&self.next(&mut it, span, "condition")?);
        let expr = self.top_expr(self.next(&mut it, span, "condition")?)?;
        let mut message: Option<Message> = None;
        let mut sources = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::message => {
                    let mspan = self.span(&p);
                    if message.is_some() {
                        return Err(ParseError {
                            message: format!(
                                "la condition `{}` a déjà un message : un seul `message` par condition",
                                name.name
                            ),
                            span: mspan,
                        });
                    }
                    let mut m = children(p);
                    let string = self.next(&mut m, mspan, "message")?;
                    message = Some(self.message(&string, mspan)?);
                }
                _ => sources.push(self.source(p)?),
            }
        }
        Ok((
            ConditionDecl {
                name,
                expr,
                message,
            },
            sources,
        ))
    }

    fn function_decl(
        &mut self,
        pair: Pair<'_, Rule>,
        span: Span,
        meta: &mut Meta,
    ) -> Res<FunctionDecl> {
        let mut it = children(pair);
        let name = self.ident(&self.next(&mut it, span, "fonction")?);
        let mut params = Vec::new();
        let mut ret = None;
        let mut lets = Vec::new();
        let mut result = None;
        for p in it {
            match p.as_rule() {
                Rule::fn_param => {
                    let pspan = self.span(&p);
                    let mut q = children(p);
                    let pname = self.ident(&self.next(&mut q, pspan, "paramètre de fonction")?);
                    let ty =
                        self.type_expr(self.next(&mut q, pspan, "paramètre de fonction")?)?;
                    params.push(FunctionParam {
                        name: pname,
                        ty,
                        span: pspan,
                    });
                }
                Rule::type_expr => ret = Some(self.type_expr(p)?),
                Rule::source => meta.sources.push(self.source(p)?),
                Rule::fn_let => {
                    let lspan = self.span(&p);
                    let mut lmeta = self.meta(lspan.start);
                    let mut q = children(p);
                    let lname = self.ident(&self.next(&mut q, lspan, "soit")?);
                    let mut next = self.next(&mut q, lspan, "soit")?;
                    let ty = if next.as_rule() == Rule::type_expr {
                        let ty = self.type_expr(next)?;
                        next = self.next(&mut q, lspan, "soit")?;
                        Some(ty)
                    } else {
                        None
                    };
                    let expr = self.top_expr(next)?;
                    for s in q {
                        lmeta.sources.push(self.source(s)?);
                    }
                    lets.push(LetItem {
                        name: lname,
                        ty,
                        expr,
                        meta: lmeta,
                        span: lspan,
                    });
                }
                _ => {
                    let rspan = self.span(&p);
                    let mut q = children(p);
                    result = Some(self.top_expr(self.next(&mut q, rspan, "résultat")?)?);
                    for s in q {
                        meta.sources.push(self.source(s)?);
                    }
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
        let name = self.ident(&self.next(&mut it, span, "dispositif")?);
        let mut title = None;
        let mut items = Vec::new();
        for p in it {
            let ispan = self.span(&p);
            match p.as_rule() {
                Rule::lit_string => title = Some(self.string(&p)?),
                Rule::source => meta.sources.push(self.source(p)?),
                Rule::condition_decl => {
                    let (cond, sources) = self.condition_decl(p, ispan)?;
                    items.push(self.item(DispositifItemKind::Condition(cond), sources, ispan));
                }
                Rule::value_decl => {
                    let (value, sources) = self.value_decl(p, ispan)?;
                    items.push(self.item(DispositifItemKind::Value(value), sources, ispan));
                }
                _ => {
                    let (value, sources) = self.value_decl(p, ispan)?;
                    items.push(self.item(DispositifItemKind::Let(value), sources, ispan));
                }
            }
        }
        Ok(DispositifDecl { name, title, items })
    }

    fn item(&self, kind: DispositifItemKind, sources: Vec<Source>, span: Span) -> DispositifItem {
        let mut meta = self.meta(span.start);
        meta.sources = sources;
        DispositifItem { kind, meta, span }
    }

    // ------------------------------------------------------------------ clauses

    fn source(&self, pair: Pair<'_, Rule>) -> Res<Source> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let string = self.next(&mut it, span, "source")?;
        let text = self.string(&string)?;
        let refs = it.next().map(|refs| {
            let raw = refs.as_str();
            let inner = raw
                .strip_prefix('(')
                .and_then(|s| s.strip_suffix(')'))
                .unwrap_or(raw);
            inner.trim().to_owned()
        });
        Ok(Source { text, refs, span })
    }

    /// The value of a string literal (`lit_string` pair), escapes resolved.
    fn string(&self, pair: &Pair<'_, Rule>) -> Res<String> {
        let raw = pair.as_str();
        let inner = raw
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(raw);
        let inner_start = self.span(pair).start as usize + 1;
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => out.push(e),
                    Some((j, e)) => {
                        return Err(ParseError {
                            message: format!(
                                "séquence d'échappement inconnue `\\{e}` : seules `\\\"` et `\\\\` sont permises"
                            ),
                            span: Span::new(inner_start + i, inner_start + j + e.len_utf8()),
                        })
                    }
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Splits `message "GIR {demandeur.gir}"` into text and expressions.
    fn message(&mut self, pair: &Pair<'_, Rule>, mspan: Span) -> Res<Message> {
        let raw = pair.as_str();
        let inner = raw
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(raw);
        let inner_start = self.span(pair).start as usize + 1;
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => text.push(e),
                    Some((j, e)) => {
                        return Err(ParseError {
                            message: format!(
                                "séquence d'échappement inconnue `\\{e}` : seules `\\\"` et `\\\\` sont permises"
                            ),
                            span: Span::new(inner_start + i, inner_start + j + e.len_utf8()),
                        })
                    }
                    None => text.push('\\'),
                },
                '{' => {
                    let open = inner_start + i;
                    let Some(len) = inner.get(i + 1..).and_then(|rest| rest.find('}')) else {
                        return Err(ParseError {
                            message: "`}` manquant : une insertion `{…}` du message n'est pas fermée"
                                .to_owned(),
                            span: Span::new(open, open + 1),
                        });
                    };
                    let expr_text = inner.get(i + 1..i + 1 + len).unwrap_or("");
                    if expr_text.trim().is_empty() {
                        return Err(ParseError {
                            message: "insertion vide dans le message : écrivez un nom entre `{` et `}`, par exemple `{demandeur.gir}`".to_owned(),
                            span: Span::new(open, open + len + 2),
                        });
                    }
                    if !text.is_empty() {
                        parts.push(MessagePart::Text(std::mem::take(&mut text)));
                    }
                    parts.push(MessagePart::Expr(self.message_expr(expr_text, open + 1)?));
                    // Skip the expression and its closing brace.
                    for _ in 0..=expr_text.chars().count() {
                        chars.next();
                    }
                }
                _ => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(MessagePart::Text(text));
        }
        Ok(Message { parts, span: mspan })
    }

    fn message_expr(&mut self, text: &str, base: usize) -> Res<Expr> {
        let pairs = SocleParser::parse(Rule::message_expr, text)
            .map_err(|e| diagnose::pest_error(base, text, &e, diagnose::Context::Message))?;
        let mut sub = Builder::new(self.file, base, &lex_at(text, base));
        sub.nesting = self.nesting;
        let span = Span::new(base, base + text.len());
        let outer = pairs
            .into_iter()
            .next()
            .ok_or_else(|| self.internal(span, "message"))?;
        let mut it = children(outer);
        sub.top_expr(self.next(&mut it, span, "message")?)
    }

    // ------------------------------------------------------------------ types

    fn type_expr(&self, pair: Pair<'_, Rule>) -> Res<TypeExpr> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let atom = self.next(&mut it, span, "type")?;
        let aspan = self.span(&atom);
        let kind = match atom.as_rule() {
            Rule::ty_list => {
                let mut l = children(atom);
                TypeExprKind::List(Box::new(
                    self.type_expr(self.next(&mut l, aspan, "liste")?)?,
                ))
            }
            Rule::ty_money => {
                let period = match atom.into_inner().find(|p| p.as_rule() == Rule::money_unit) {
                    Some(unit) => self.period_of(unit),
                    None => None,
                };
                TypeExprKind::Montant(period)
            }
            Rule::ty_simple => match atom.as_str() {
                "booléen" | "booleen" => TypeExprKind::Booleen,
                "entier" => TypeExprKind::Entier,
                "décimal" | "decimal" => TypeExprKind::Decimal,
                "taux" => TypeExprKind::Taux,
                "date" => TypeExprKind::Date,
                "durée" | "duree" => TypeExprKind::Duree,
                _ => TypeExprKind::Texte,
            },
            _ => TypeExprKind::Named(self.ident(&atom)),
        };
        let optional = it.next().is_some();
        let inner = TypeExpr {
            kind,
            span: if optional { aspan } else { span },
        };
        Ok(if optional {
            TypeExpr {
                kind: TypeExprKind::Optional(Box::new(inner)),
                span,
            }
        } else {
            inner
        })
    }

    fn period_of(&self, unit: Pair<'_, Rule>) -> Option<Period> {
        unit.into_inner()
            .find(|p| p.as_rule() == Rule::period)
            .map(|p| match p.as_str() {
                "heure" => Period::Heure,
                "jour" => Period::Jour,
                "mois" => Period::Mois,
                _ => Period::An,
            })
    }

    // ------------------------------------------------------------------ expressions

    /// An expression in a position where no enclosing expression exists.
    fn top_expr(&mut self, pair: Pair<'_, Rule>) -> Res<Expr> {
        Ok(self.expr(pair)?.expr)
    }

    fn node(&self, kind: ExprKind, span: Span, child_depth: u32) -> Res<Node> {
        let depth = child_depth.saturating_add(1);
        if depth > MAX_TREE_DEPTH {
            return Err(ParseError {
                message: format!(
                    "expression trop longue : plus de {MAX_TREE_DEPTH} opérations enchaînées ; \
                     découpez-la avec des `soit`"
                ),
                span,
            });
        }
        Ok(Node {
            expr: Expr { kind, span },
            depth,
        })
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Res<Node> {
        let span = self.span(&pair);
        // Only full expressions count: they are what brackets, `si` branches and arguments
        // contain, so the counter follows the nesting a reader sees.
        if pair.as_rule() != Rule::expr {
            return self.expr_inner(pair, span);
        }
        self.nesting += 1;
        // The outermost expression is level 1: 64 brackets inside it are still accepted.
        if self.nesting > MAX_NESTING + 1 {
            return Err(nesting_error(span));
        }
        let result = self.expr_inner(pair, span);
        self.nesting -= 1;
        result
    }

    fn expr_inner(&mut self, pair: Pair<'_, Rule>, span: Span) -> Res<Node> {
        // Precedence levels with a single child (an `ou` chain without `ou`…) are skipped in
        // a loop: recursing through every level would cost stack at every bracket.
        let mut pair = pair;
        while matches!(
            pair.as_rule(),
            Rule::expr
                | Rule::or_expr
                | Rule::and_expr
                | Rule::not_expr
                | Rule::cmp_expr
                | Rule::add_expr
                | Rule::mul_expr
                | Rule::unary
                | Rule::postfix
                | Rule::postfix_no_at
        ) {
            let mut inner = pair.clone().into_inner();
            match (inner.next(), inner.next()) {
                (Some(only), None) => pair = only,
                _ => break,
            }
        }
        match pair.as_rule() {
            Rule::postfix_no_at => self.postfix(pair),
            Rule::if_expr => self.if_expr(pair, span),
            Rule::or_expr | Rule::and_expr | Rule::add_expr | Rule::mul_expr => {
                self.binary_chain(pair, span)
            }
            Rule::not_expr | Rule::unary => self.prefix(pair, span),
            Rule::cmp_expr => self.comparison(pair, span),
            Rule::postfix => self.postfix(pair),
            _ => self.primary(pair),
        }
    }

    fn if_expr(&mut self, pair: Pair<'_, Rule>, span: Span) -> Res<Node> {
        // Children: (kw_si cond then)+ else; `kw_si` is kept to know where each `si` starts.
        let mut branches = Vec::new();
        let mut pending_start = None;
        let mut pending_cond = None;
        let mut last = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_si => pending_start = Some(self.span(&p).start),
                Rule::expr | Rule::or_expr => {
                    let node = self.expr(p)?;
                    match (pending_start, pending_cond.take()) {
                        (Some(start), None) => pending_cond = Some((start, node)),
                        (Some(start), Some((_, cond))) => {
                            branches.push((start, cond, node));
                            pending_start = None;
                        }
                        (None, _) => last = Some(node),
                    }
                }
                _ => {}
            }
        }
        let mut acc = last.ok_or_else(|| self.internal(span, "si"))?;
        while let Some((start, cond, then)) = branches.pop() {
            let end = acc.expr.span.end;
            let depth = cond.depth.max(then.depth).max(acc.depth);
            acc = self.node(
                ExprKind::If(Box::new(cond.expr), Box::new(then.expr), Box::new(acc.expr)),
                Span { start, end },
                depth,
            )?;
        }
        Ok(acc)
    }

    fn binary_chain(&mut self, pair: Pair<'_, Rule>, span: Span) -> Res<Node> {
        let mut it = pair.into_inner();
        let first = self.next(&mut it, span, "opérande")?;
        let mut acc = self.expr(first)?;
        while let Some(op_pair) = it.next() {
            let op = match op_pair.as_rule() {
                Rule::kw_ou => BinaryOp::Or,
                Rule::kw_et => BinaryOp::And,
                Rule::op_add => BinaryOp::Add,
                Rule::op_sub => BinaryOp::Sub,
                Rule::op_mul => BinaryOp::Mul,
                _ => BinaryOp::Div,
            };
            let rhs_pair = self.next(&mut it, span, "opérande")?;
            let rhs = self.expr(rhs_pair)?;
            let s = acc.expr.span.to(rhs.expr.span);
            let depth = acc.depth.max(rhs.depth);
            acc = self.node(
                ExprKind::Binary(op, Box::new(acc.expr), Box::new(rhs.expr)),
                s,
                depth,
            )?;
        }
        Ok(acc)
    }

    fn prefix(&mut self, pair: Pair<'_, Rule>, span: Span) -> Res<Node> {
        let mut ops = Vec::new();
        let mut operand = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::op_not => ops.push((UnaryOp::Not, self.span(&p).start)),
                Rule::op_neg => ops.push((UnaryOp::Neg, self.span(&p).start)),
                _ => operand = Some(p),
            }
        }
        let operand = operand.ok_or_else(|| self.internal(span, "opérande"))?;
        let mut acc = self.expr(operand)?;
        while let Some((op, start)) = ops.pop() {
            let s = Span {
                start,
                end: acc.expr.span.end,
            };
            let depth = acc.depth;
            acc = self.node(ExprKind::Unary(op, Box::new(acc.expr)), s, depth)?;
        }
        Ok(acc)
    }

    fn comparison(&mut self, pair: Pair<'_, Rule>, span: Span) -> Res<Node> {
        let mut it = children(pair);
        let lhs = self.expr(self.next(&mut it, span, "comparaison")?)?;
        let Some(tail) = it.next() else {
            return Ok(lhs);
        };
        let tspan = self.span(&tail);
        let s = lhs.expr.span.to(tspan);
        let rule = tail.as_rule();
        let mut t = tail.into_inner().filter(|p| !is_token(p.as_rule()));
        match rule {
            Rule::cmp_binary => {
                let op = match self.next(&mut t, tspan, "comparaison")?.as_rule() {
                    Rule::op_ne => BinaryOp::Ne,
                    Rule::op_le => BinaryOp::Le,
                    Rule::op_ge => BinaryOp::Ge,
                    Rule::op_eq => BinaryOp::Eq,
                    Rule::op_lt => BinaryOp::Lt,
                    _ => BinaryOp::Gt,
                };
                let rhs = self.expr(self.next(&mut t, tspan, "comparaison")?)?;
                let depth = lhs.depth.max(rhs.depth);
                self.node(
                    ExprKind::Binary(op, Box::new(lhs.expr), Box::new(rhs.expr)),
                    s,
                    depth,
                )
            }
            Rule::in_range => {
                let low = self.expr(self.next(&mut t, tspan, "intervalle")?)?;
                let high = self.expr(self.next(&mut t, tspan, "intervalle")?)?;
                let depth = lhs.depth.max(low.depth).max(high.depth);
                self.node(
                    ExprKind::InRange(Box::new(lhs.expr), Box::new(low.expr), Box::new(high.expr)),
                    s,
                    depth,
                )
            }
            Rule::in_set | Rule::contains_any => {
                let set = self.next(&mut t, tspan, "ensemble")?;
                let (items, depth) = self.expr_list(set)?;
                let depth = depth.max(lhs.depth);
                let kind = if rule == Rule::in_set {
                    ExprKind::InSet(Box::new(lhs.expr), items)
                } else {
                    ExprKind::ContainsAny(Box::new(lhs.expr), items)
                };
                self.node(kind, s, depth)
            }
            _ => {
                let item = self.expr(self.next(&mut t, tspan, "contient")?)?;
                let depth = lhs.depth.max(item.depth);
                self.node(
                    ExprKind::Contains(Box::new(lhs.expr), Box::new(item.expr)),
                    s,
                    depth,
                )
            }
        }
    }

    /// The expressions of a `{…}` set or of call arguments, with their deepest depth.
    fn expr_list(&mut self, pair: Pair<'_, Rule>) -> Res<(Vec<Expr>, u32)> {
        let mut items = Vec::new();
        let mut depth = 0;
        for p in children(pair) {
            let node = self.expr(p)?;
            depth = depth.max(node.depth);
            items.push(node.expr);
        }
        Ok((items, depth))
    }

    fn postfix(&mut self, pair: Pair<'_, Rule>) -> Res<Node> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let mut acc = self.primary(self.next(&mut it, span, "expression")?)?;
        for op in it {
            let ospan = self.span(&op);
            let s = acc.expr.span.to(ospan);
            match op.as_rule() {
                Rule::field_access => {
                    let mut f = children(op);
                    let field = self.ident(&self.next(&mut f, ospan, "champ")?);
                    let depth = acc.depth;
                    acc = self.node(ExprKind::Field(Box::new(acc.expr), field), s, depth)?;
                }
                Rule::call_args => {
                    let (args, depth) = self.expr_list(op)?;
                    let depth = depth.max(acc.depth);
                    acc = self.node(ExprKind::Call(Box::new(acc.expr), args), s, depth)?;
                }
                Rule::index => {
                    let mut k = children(op);
                    let key = self.expr(self.next(&mut k, ospan, "indice")?)?;
                    let depth = key.depth.max(acc.depth);
                    acc = self.node(
                        ExprKind::Index(Box::new(acc.expr), Box::new(key.expr)),
                        s,
                        depth,
                    )?;
                }
                _ => {
                    let mut d = children(op);
                    let date = self.expr(self.next(&mut d, ospan, "au")?)?;
                    let depth = date.depth.max(acc.depth);
                    acc = self.node(
                        ExprKind::At(Box::new(acc.expr), Box::new(date.expr)),
                        s,
                        depth,
                    )?;
                }
            }
        }
        Ok(acc)
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> Res<Node> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::ident => {
                let ident = self.ident(&pair);
                self.node(ExprKind::Name(ident), span, 0)
            }
            Rule::paren => {
                let mut it = children(pair);
                let mut inner = self.expr(self.next(&mut it, span, "parenthèses")?)?;
                // The parentheses belong to the expression: errors then underline them too.
                inner.expr.span = span;
                Ok(inner)
            }
            Rule::round => {
                let mut it = children(pair);
                let value = self.expr(self.next(&mut it, span, "arrondi")?)?;
                let mode = match self.next(&mut it, span, "arrondi")?.as_rule() {
                    Rule::mode_centime_down => RoundMode::CentimeDown,
                    Rule::mode_centime_up => RoundMode::CentimeUp,
                    Rule::mode_centime_nearest => RoundMode::CentimeNearest,
                    Rule::mode_euro_down => RoundMode::EuroDown,
                    Rule::mode_euro_up => RoundMode::EuroUp,
                    _ => RoundMode::EuroNearest,
                };
                let depth = value.depth;
                self.node(ExprKind::Round(Box::new(value.expr), mode), span, depth)
            }
            _ => {
                let lit = self.literal(&pair)?;
                self.node(ExprKind::Lit(lit), span, 0)
            }
        }
    }

    // ------------------------------------------------------------------ literals

    /// A literal optionally preceded by `-`, folded into one literal (interval bounds and
    /// table keys are plain values, not expressions).
    fn signed_literal(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let mut negative = false;
        let mut lit = None;
        for p in pair.into_inner() {
            if p.as_rule() == Rule::op_neg {
                negative = true;
            } else {
                lit = Some(self.literal(&p)?);
            }
        }
        let lit = lit.ok_or_else(|| self.internal(span, "littéral"))?;
        let lit = if negative {
            self.negate(lit, span)?
        } else {
            lit
        };
        Ok(Expr {
            kind: ExprKind::Lit(lit),
            span,
        })
    }

    fn negate(&self, lit: Literal, span: Span) -> Res<Literal> {
        let overflow = || ParseError {
            message: "nombre trop grand".to_owned(),
            span,
        };
        Ok(match lit {
            Literal::Int(i) => Literal::Int(i.checked_neg().ok_or_else(overflow)?),
            Literal::Decimal(d) => Literal::Decimal(-d),
            Literal::Money(d, p) => Literal::Money(-d, p),
            Literal::Rate(d) => Literal::Rate(-d),
            Literal::Duration(i, u) => Literal::Duration(i.checked_neg().ok_or_else(overflow)?, u),
            Literal::Bool(_) | Literal::Date(_) | Literal::Text(_) => {
                return Err(ParseError {
                    message: "seul un nombre peut être précédé de `-`".to_owned(),
                    span,
                })
            }
        })
    }

    fn literal(&self, pair: &Pair<'_, Rule>) -> Res<Literal> {
        let span = self.span(pair);
        match pair.as_rule() {
            Rule::lit_true => Ok(Literal::Bool(true)),
            Rule::lit_false => Ok(Literal::Bool(false)),
            Rule::lit_string => Ok(Literal::Text(self.string(pair)?)),
            Rule::lit_date => Ok(Literal::Date(self.date(pair)?)),
            Rule::lit_number => self.number(pair.clone(), span),
            _ => Err(self.internal(span, "littéral")),
        }
    }

    fn date(&self, pair: &Pair<'_, Rule>) -> Res<NaiveDate> {
        let text = pair.as_str();
        let span = self.span(pair);
        let field =
            |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u32>().ok());
        let date = match (field(0..4), field(5..7), field(8..10)) {
            (Some(y), Some(m), Some(d)) => i32::try_from(y)
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
            _ => None,
        };
        date.ok_or_else(|| ParseError {
            message: format!("date invalide : `{text}` n'existe pas (format AAAA-MM-JJ)"),
            span,
        })
    }

    fn number(&self, pair: Pair<'_, Rule>, span: Span) -> Res<Literal> {
        let mut digits = "";
        let mut unit: Option<Pair<'_, Rule>> = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::number => digits = p.as_str(),
                _ => unit = Some(p),
            }
        }
        let normalized: String = digits
            .chars()
            .filter(|c| !matches!(c, '_' | '\u{A0}' | '\u{202F}'))
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        let is_integer = !normalized.contains('.');
        let too_big = || ParseError {
            message: format!("nombre trop grand ou trop précis : `{digits}`"),
            span,
        };
        let decimal = || Decimal::from_str(&normalized).map_err(|_| too_big());
        let integer = || normalized.parse::<i64>().map_err(|_| too_big());
        let Some(unit) = unit else {
            return if is_integer {
                Ok(Literal::Int(integer()?))
            } else {
                Ok(Literal::Decimal(decimal()?))
            };
        };
        match unit.as_rule() {
            Rule::unit_money => Ok(Literal::Money(decimal()?, self.period_of(unit))),
            Rule::unit_rate => {
                let d = decimal()?;
                // Exact division by 100: shift the scale instead of dividing.
                let rate = Decimal::try_from_i128_with_scale(d.mantissa(), d.scale() + 2)
                    .map_err(|_| too_big())?;
                Ok(Literal::Rate(rate))
            }
            _ => {
                let word = unit.as_str();
                if !is_integer {
                    return Err(ParseError {
                        message: format!(
                            "une durée s'écrit avec un nombre entier : `{digits} {word}` ; \
                             écrivez par exemple `18 mois` plutôt que `1,5 an`"
                        ),
                        span,
                    });
                }
                let duration_unit = match word {
                    "ans" | "an" => DurationUnit::Ans,
                    "mois" => DurationUnit::Mois,
                    _ => DurationUnit::Jours,
                };
                Ok(Literal::Duration(integer()?, duration_unit))
            }
        }
    }
}

/// The tokens of `text`, which starts at `base` in the file, with file offsets.
fn lex_at(text: &str, base: usize) -> Vec<Tok> {
    lex(text, 0)
        .into_iter()
        .map(|t| Tok {
            start: t.start + base,
            end: t.end + base,
            ..t
        })
        .collect()
}

/// The `##` lines directly above the line containing `offset`, joined with `\n`.
pub(crate) fn doc_above(file: &str, offset: usize) -> Option<String> {
    let before = file.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    // The item must start its line (only indentation before it).
    if !before
        .get(line_start..)?
        .chars()
        .all(|c| c == ' ' || c == '\t' || c == '\u{FEFF}')
    {
        return None;
    }
    let mut lines = Vec::new();
    let mut above = before.get(..line_start.checked_sub(1)?)?;
    loop {
        let start = above.rfind('\n').map_or(0, |i| i + 1);
        let line = above.get(start..)?.trim_start_matches('\u{FEFF}').trim();
        let Some(doc) = line.strip_prefix("##") else {
            break;
        };
        lines.push(doc.strip_prefix(' ').unwrap_or(doc).trim_end().to_owned());
        if start == 0 {
            break;
        }
        above = above.get(..start - 1)?;
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}
