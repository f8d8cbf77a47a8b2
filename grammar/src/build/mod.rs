//! Turns pest pairs of one declaration into AST nodes.
//!
//! Everything the grammar cannot check (dates that do not exist, numbers that overflow,
//! string escapes, message interpolations, nesting depth) is checked here, with French
//! messages.

mod decl;
mod expr;
mod literal;
mod text;
mod types;

use pest::iterators::Pair;

use crate::ast::*;
use crate::lexer::{lex, Tok, TokKind};
use crate::parser::Rule;
use crate::ParseError;

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
            | Rule::kw_de_versement
            | Rule::kw_versee
            | Rule::kw_verse_any
            | Rule::kw_a_partir_du
            | Rule::kw_jusqu_au
            | Rule::kw_groupe
            | Rule::kw_conditions
            | Rule::kw_satisfaite
            | Rule::kw_verifie
            | Rule::kw_nombre_de
            | Rule::kw_tels_que
            | Rule::kw_somme_de
            | Rule::kw_pour_chaque
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

    /// The name is stored in NFC so that `é` typed as one character or as `e` plus an accent
    /// is the same name; the span stays on the bytes of the file as written.
    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: crate::names::nfc(pair.as_str()),
            span: self.span(pair),
        }
    }

    fn meta(&self, start: u32) -> Meta {
        Meta {
            doc: doc_above(self.file, start as usize),
            sources: Vec::new(),
        }
    }

    /// The next child as an identifier.
    fn next_ident<'i>(
        &self,
        it: &mut impl Iterator<Item = Pair<'i, Rule>>,
        span: Span,
        what: &str,
    ) -> Res<Ident> {
        Ok(self.ident(&self.next(it, span, what)?))
    }

    /// The next child as a whole expression.
    fn next_expr<'i>(
        &mut self,
        it: &mut impl Iterator<Item = Pair<'i, Rule>>,
        span: Span,
        what: &str,
    ) -> Res<Expr> {
        let pair = self.next(it, span, what)?;
        self.top_expr(pair)
    }

    /// `nom : type`, the first two children of fields, inputs and function parameters.
    fn name_and_type<'i>(
        &self,
        it: &mut impl Iterator<Item = Pair<'i, Rule>>,
        span: Span,
        what: &str,
    ) -> Res<(Ident, TypeExpr)> {
        let name = self.next_ident(it, span, what)?;
        let ty = self.type_expr(self.next(it, span, what)?)?;
        Ok((name, ty))
    }

    /// An expression with its optional declared type (`soit x : montant = …`).
    fn typed_expr<'i>(
        &mut self,
        it: &mut impl Iterator<Item = Pair<'i, Rule>>,
        span: Span,
        what: &str,
    ) -> Res<(Option<TypeExpr>, Expr)> {
        let mut next = self.next(it, span, what)?;
        let ty = if next.as_rule() == Rule::type_expr {
            let ty = self.type_expr(next)?;
            next = self.next(it, span, what)?;
            Some(ty)
        } else {
            None
        };
        Ok((ty, self.top_expr(next)?))
    }

    /// The trailing `source` clauses of a declaration or an item.
    fn sources<'i>(
        &self,
        it: impl Iterator<Item = Pair<'i, Rule>>,
        out: &mut Vec<Source>,
    ) -> Res<()> {
        for p in it {
            out.push(self.source(p)?);
        }
        Ok(())
    }

    /// Children that are `source` clauses, added to `sources`, or items built by `item`:
    /// the body of most declarations and versions.
    fn items_and_sources<'i, T>(
        &mut self,
        it: impl Iterator<Item = Pair<'i, Rule>>,
        sources: &mut Vec<Source>,
        mut item: impl FnMut(&mut Self, Pair<'i, Rule>) -> Res<T>,
    ) -> Res<Vec<T>> {
        let mut items = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::source => sources.push(self.source(p)?),
                _ => items.push(item(self, p)?),
            }
        }
        Ok(items)
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
