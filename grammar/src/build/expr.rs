//! Expressions, with the nesting and tree-depth limits every later pass relies on.

use pest::iterators::Pair;

use super::{children, is_token, nesting_error, Builder, Node, Res, MAX_NESTING, MAX_TREE_DEPTH};
use crate::ast::*;
use crate::parser::Rule;
use crate::ParseError;

impl Builder<'_> {
    /// An expression in a position where no enclosing expression exists.
    pub(super) fn top_expr(&mut self, pair: Pair<'_, Rule>) -> Res<Expr> {
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

    /// A node over one operand, as deep as it.
    fn unary_node(
        &self,
        operand: Node,
        span: Span,
        kind: impl FnOnce(Box<Expr>) -> ExprKind,
    ) -> Res<Node> {
        self.node(kind(Box::new(operand.expr)), span, operand.depth)
    }

    /// A node over two operands, as deep as the deeper.
    fn binary_node(
        &self,
        lhs: Node,
        rhs: Node,
        span: Span,
        kind: impl FnOnce(Box<Expr>, Box<Expr>) -> ExprKind,
    ) -> Res<Node> {
        let depth = lhs.depth.max(rhs.depth);
        self.node(kind(Box::new(lhs.expr), Box::new(rhs.expr)), span, depth)
    }

    /// The expression that is the first child of `pair` (brackets, index, `au`).
    fn only_expr(&mut self, pair: Pair<'_, Rule>, span: Span, what: &str) -> Res<Node> {
        let first = self.next(&mut children(pair), span, what)?;
        self.expr(first)
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
            acc = self.binary_node(acc, rhs, s, |a, b| ExprKind::Binary(op, a, b))?;
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
            acc = self.unary_node(acc, s, |a| ExprKind::Unary(op, a))?;
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
                self.binary_node(lhs, rhs, s, |a, b| ExprKind::Binary(op, a, b))
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
                self.binary_node(lhs, item, s, ExprKind::Contains)
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
                    let field = self.next_ident(&mut children(op), ospan, "champ")?;
                    acc = self.unary_node(acc, s, |a| ExprKind::Field(a, field))?;
                }
                Rule::call_args => {
                    let (args, depth) = self.expr_list(op)?;
                    let depth = depth.max(acc.depth);
                    acc = self.node(ExprKind::Call(Box::new(acc.expr), args), s, depth)?;
                }
                Rule::index => {
                    let key = self.only_expr(op, ospan, "indice")?;
                    acc = self.binary_node(acc, key, s, ExprKind::Index)?;
                }
                _ => {
                    let date = self.only_expr(op, ospan, "au")?;
                    acc = self.binary_node(acc, date, s, ExprKind::At)?;
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
                let mut inner = self.only_expr(pair, span, "parenthèses")?;
                // The parentheses belong to the expression: errors then underline them too.
                inner.expr.span = span;
                Ok(inner)
            }
            Rule::list_lit => {
                let (items, depth) = self.expr_list(pair)?;
                self.node(ExprKind::List(items), span, depth)
            }
            Rule::quantified | Rule::count_of | Rule::sum_of => self.quantified(pair, span),
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
                self.unary_node(value, span, |a| ExprKind::Round(a, mode))
            }
            _ => {
                let lit = self.literal(&pair)?;
                self.node(ExprKind::Lit(lit), span, 0)
            }
        }
    }

    /// `tous les h dans L vérifient C` and its siblings.
    fn quantified(&mut self, pair: Pair<'_, Rule>, span: Span) -> Res<Node> {
        let rule = pair.as_rule();
        let mut it = children(pair);
        let (quantifier, var, list, body) = if rule == Rule::sum_of {
            let body = self.expr(self.next(&mut it, span, "somme de")?)?;
            let var = self.next_ident(&mut it, span, "pour chaque")?;
            let list = self.expr(self.next(&mut it, span, "pour chaque")?)?;
            (Quantifier::Sum, var, list, body)
        } else {
            let quantifier = if rule == Rule::count_of {
                Quantifier::Count
            } else {
                let q = self.next(&mut it, span, "quantificateur")?;
                match children(q).next().map(|p| p.as_rule()) {
                    Some(Rule::q_all) => Quantifier::All,
                    Some(Rule::q_some) => Quantifier::Some,
                    _ => Quantifier::None,
                }
            };
            let var = self.next_ident(&mut it, span, "quantificateur")?;
            let list = self.expr(self.next(&mut it, span, "quantificateur")?)?;
            let body = self.expr(self.next(&mut it, span, "quantificateur")?)?;
            (quantifier, var, list, body)
        };
        let depth = list.depth.max(body.depth);
        let kind = ExprKind::Quantified(quantifier, var, Box::new(list.expr), Box::new(body.expr));
        self.node(kind, span, depth)
    }
}
