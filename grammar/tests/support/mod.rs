//! A compact printer for snapshots: one line per declaration, item, version or row, and
//! expressions fully parenthesised so that precedence is visible.

#![allow(dead_code, clippy::indexing_slicing)]

use std::fmt::Write;

use socle_grammar::ast::*;
use socle_grammar::ParseError;

/// Parses `text` and renders the input, the AST and the errors together.
pub fn check(text: &str) -> String {
    let (file, errors) = socle_grammar::parse(text);
    let mut out = String::new();
    writeln!(out, "--- input").ok();
    out.push_str(text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
    writeln!(out, "--- ast").ok();
    out.push_str(&print_file(&file));
    if !errors.is_empty() {
        writeln!(out, "--- errors").ok();
        out.push_str(&print_errors(text, &errors));
    }
    out
}

pub fn print_errors(text: &str, errors: &[ParseError]) -> String {
    let mut out = String::new();
    for e in errors {
        let quoted = text.get(e.span.range()).unwrap_or("<hors texte>");
        writeln!(
            out,
            "{}..{} {:?}: {}",
            e.span.start, e.span.end, quoted, e.message
        )
        .ok();
    }
    out
}

pub fn print_file(file: &File) -> String {
    let mut out = String::new();
    for decl in &file.decls {
        print_decl(&mut out, decl);
    }
    for c in &file.comments {
        writeln!(
            out,
            "comment{} {:?} @{}..{}",
            if c.doc { " (doc)" } else { "" },
            c.text,
            c.span.start,
            c.span.end
        )
        .ok();
    }
    out
}

fn meta(out: &mut String, meta: &Meta, indent: &str) {
    if let Some(doc) = &meta.doc {
        writeln!(out, "{indent}doc {doc:?}").ok();
    }
    for s in &meta.sources {
        match &s.refs {
            Some(r) => writeln!(out, "{indent}source {:?} ({r})", s.text),
            None => writeln!(out, "{indent}source {:?}", s.text),
        }
        .ok();
    }
}

fn span(s: Span) -> String {
    format!("@{}..{}", s.start, s.end)
}

fn print_decl(out: &mut String, decl: &Decl) {
    let sp = span(decl.span);
    match &decl.kind {
        DeclKind::Import(name) => {
            writeln!(out, "importe {} {sp}", name.name).ok();
        }
        DeclKind::Enum(e) => {
            let variants: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
            writeln!(
                out,
                "énumération {} = {} {sp}",
                e.name.name,
                variants.join(" | ")
            )
            .ok();
        }
        DeclKind::Struct(s) => {
            writeln!(out, "structure {} {sp}", s.name.name).ok();
            for f in &s.fields {
                writeln!(
                    out,
                    "  champ {} : {} {}",
                    f.name.name,
                    ty(&f.ty),
                    span(f.span)
                )
                .ok();
                meta(out, &f.meta, "    ");
            }
        }
        DeclKind::Input(i) => {
            writeln!(out, "entrée {} : {} {sp}", i.name.name, ty(&i.ty)).ok();
        }
        DeclKind::Param(p) => {
            match &p.key {
                Some(k) => writeln!(
                    out,
                    "paramètre {} : table {} -> {} {sp}",
                    p.name.name,
                    ty(k),
                    ty(&p.ty)
                ),
                None => writeln!(out, "paramètre {} : {} {sp}", p.name.name, ty(&p.ty)),
            }
            .ok();
            for v in &p.versions {
                write!(out, "  {}", validity(&v.validity)).ok();
                match &v.value {
                    ParamValue::Scalar(e) => {
                        writeln!(out, " = {} {}", expr(e), span(v.span)).ok();
                    }
                    ParamValue::Table(entries) => {
                        writeln!(out, " table {}", span(v.span)).ok();
                        for entry in entries {
                            writeln!(out, "    {} => {}", expr(&entry.key), expr(&entry.value))
                                .ok();
                        }
                    }
                }
                meta(out, &v.meta, "    ");
            }
        }
        DeclKind::Bareme(b) => {
            writeln!(
                out,
                "barème {} : {} -> {}{} {sp}",
                b.name.name,
                ty(&b.input_ty),
                ty(&b.output_ty),
                b.columns
                    .as_ref()
                    .map(|c| format!(" colonnes {}", c.name))
                    .unwrap_or_default()
            )
            .ok();
            for v in &b.versions {
                writeln!(out, "  {} {}", validity(&v.validity), span(v.span)).ok();
                meta(out, &v.meta, "    ");
                for row in &v.rows {
                    let intervals: Vec<String> = row
                        .intervals
                        .iter()
                        .map(|(col, i)| match col {
                            Some(c) => format!("{} {}", c.name, interval(i)),
                            None => interval(i),
                        })
                        .collect();
                    writeln!(
                        out,
                        "    tranche {} : {} => {} {}",
                        row.number,
                        intervals.join(" "),
                        expr(&row.value),
                        span(row.span)
                    )
                    .ok();
                    meta(out, &row.meta, "      ");
                }
            }
        }
        DeclKind::Value(v) => print_value(out, "valeur", v, &sp, ""),
        DeclKind::Condition(c) => print_condition(out, c, &sp, ""),
        DeclKind::Function(f) => {
            let params: Vec<String> = f
                .params
                .iter()
                .map(|p| format!("{} : {}", p.name.name, ty(&p.ty)))
                .collect();
            writeln!(
                out,
                "fonction {}({}) : {} {sp}",
                f.name.name,
                params.join(", "),
                ty(&f.ret)
            )
            .ok();
            for l in &f.lets {
                let t =
                    l.ty.as_ref()
                        .map(|t| format!(" : {}", ty(t)))
                        .unwrap_or_default();
                writeln!(
                    out,
                    "  soit {}{} = {} {}",
                    l.name.name,
                    t,
                    expr(&l.expr),
                    span(l.span)
                )
                .ok();
                meta(out, &l.meta, "    ");
            }
            writeln!(out, "  résultat {}", expr(&f.result)).ok();
        }
        DeclKind::Dispositif(d) => {
            writeln!(out, "dispositif {} {:?} {sp}", d.name.name, d.title).ok();
            for item in &d.items {
                let isp = span(item.span);
                match &item.kind {
                    DispositifItemKind::Condition(c) => print_condition(out, c, &isp, "  "),
                    DispositifItemKind::Value(v) => print_value(out, "valeur", v, &isp, "  "),
                    DispositifItemKind::Let(v) => print_value(out, "soit", v, &isp, "  "),
                    DispositifItemKind::UseGroup(g) => {
                        writeln!(out, "  conditions {} {isp}", g.name).ok();
                    }
                }
                meta(out, &item.meta, "    ");
            }
        }
        DeclKind::Group(d) => {
            writeln!(
                out,
                "groupe de conditions {} {:?} {sp}",
                d.name.name, d.title
            )
            .ok();
            for item in &d.items {
                let isp = span(item.span);
                if let DispositifItemKind::Condition(c) = &item.kind {
                    print_condition(out, c, &isp, "  ");
                }
                meta(out, &item.meta, "    ");
            }
        }
        DeclKind::Cumul(c) => {
            let kind = match c.kind {
                CumulKind::Exclut => "exclut",
                CumulKind::Subsidiaire => "subsidiaire à",
                CumulKind::Cumulable => "cumulable avec",
            };
            let paid = if c.paid { " (versée)" } else { "" };
            writeln!(
                out,
                "cumul {} {kind} {}{paid} {sp}",
                c.left.name, c.right.name
            )
            .ok();
        }
    }
    meta(out, &decl.meta, "  ");
}

fn print_value(out: &mut String, kw: &str, v: &ValueDecl, sp: &str, indent: &str) {
    let t =
        v.ty.as_ref()
            .map(|t| format!(" : {}", ty(t)))
            .unwrap_or_default();
    let paid = if v.paid { "versée " } else { "" };
    writeln!(
        out,
        "{indent}{kw} {paid}{}{t} = {} {sp}",
        v.name.name,
        expr(&v.expr)
    )
    .ok();
    for (i, e) in v.exceptions.iter().enumerate() {
        // Nested exceptions are printed one level deeper per ancestor.
        let mut deeper = String::new();
        let mut parent = e.parent;
        while let Some(p) = parent.filter(|&p| p < i) {
            deeper.push_str("  ");
            parent = v.exceptions.get(p).and_then(|x| x.parent);
        }
        writeln!(
            out,
            "{indent}  {deeper}sauf si {} : {} {}",
            expr(&e.condition),
            expr(&e.value),
            span(e.span)
        )
        .ok();
    }
}

fn print_condition(out: &mut String, c: &ConditionDecl, sp: &str, indent: &str) {
    writeln!(
        out,
        "{indent}condition {}{} : {} {sp}",
        if c.payment { "de versement " } else { "" },
        c.name.name,
        expr(&c.expr)
    )
    .ok();
    let messages = [
        ("message", &c.message),
        ("message si satisfaite", &c.if_satisfied),
        ("message si non satisfaite", &c.if_failed),
    ];
    for (kw, m) in messages {
        let Some(m) = m else { continue };
        let parts: Vec<String> = m
            .parts
            .iter()
            .map(|p| match p {
                MessagePart::Text(t) => format!("{t:?}"),
                MessagePart::Expr(e) => format!("{{{}}} {}", expr(e), span(e.span)),
            })
            .collect();
        writeln!(
            out,
            "{indent}  {kw} [{}] {}",
            parts.join(", "),
            span(m.span)
        )
        .ok();
    }
}

fn validity(v: &Validity) -> String {
    match &v.until {
        Some((until, _)) if v.always => format!("depuis toujours jusqu'au {until}"),
        None if v.always => "depuis toujours".to_owned(),
        Some((until, _)) => format!("à partir du {} jusqu'au {}", v.from, until),
        None => format!("à partir du {}", v.from),
    }
}

fn interval(i: &Interval) -> String {
    let open = if i.lower.inclusive { "[" } else { "]" };
    match &i.upper {
        Some(u) => format!(
            "{open}{} ; {}{}",
            expr(&i.lower.value),
            expr(&u.value),
            if u.inclusive { "]" } else { "[" }
        ),
        None => format!("{open}{} ; ∞[", expr(&i.lower.value)),
    }
}

pub fn ty(t: &TypeExpr) -> String {
    match &t.kind {
        TypeExprKind::Booleen => "booléen".into(),
        TypeExprKind::Entier => "entier".into(),
        TypeExprKind::Decimal => "décimal".into(),
        TypeExprKind::Montant(None) => "montant".into(),
        TypeExprKind::Montant(Some(p)) => format!("montant €/{}", period(*p)),
        TypeExprKind::Taux => "taux".into(),
        TypeExprKind::Date => "date".into(),
        TypeExprKind::Duree => "durée".into(),
        TypeExprKind::DureeEn(unit) => format!("durée en {unit:?}"),
        TypeExprKind::Texte => "texte".into(),
        TypeExprKind::EntierDans(lo, hi) => format!("entier dans {lo}..{hi}"),
        TypeExprKind::Named(n) => format!("<{}>", n.name),
        TypeExprKind::List(inner) => format!("liste de {}", ty(inner)),
        TypeExprKind::Optional(inner) => format!("({})?", ty(inner)),
    }
}

fn period(p: Period) -> &'static str {
    match p {
        Period::Heure => "heure",
        Period::Jour => "jour",
        Period::Mois => "mois",
        Period::An => "an",
    }
}

pub fn lit(l: &Literal) -> String {
    match l {
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => format!("{i}"),
        Literal::Decimal(d) => format!("{d}d"),
        Literal::Money(d, None) => format!("{d}€"),
        Literal::Money(d, Some(p)) => format!("{d}€/{}", period(*p)),
        Literal::Rate(d) => format!("taux:{d}"),
        Literal::Duration(n, u) => format!("{n}{u:?}"),
        Literal::Date(d) => format!("date:{d}"),
        Literal::Text(t) => format!("{t:?}"),
    }
}

fn list(items: &[Expr]) -> String {
    items.iter().map(expr).collect::<Vec<_>>().join(", ")
}

/// Fully parenthesised, with the operator names of the AST.
pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Lit(l) => lit(l),
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::Field(base, f) => format!("{}.{}", expr(base), f.name),
        ExprKind::Call(f, args) => format!("{}({})", expr(f), list(args)),
        ExprKind::Index(t, k) => format!("{}[{}]", expr(t), expr(k)),
        ExprKind::At(v, d) => format!("({} au {})", expr(v), expr(d)),
        ExprKind::Unary(op, x) => format!("({op:?} {})", expr(x)),
        ExprKind::Binary(op, a, b) => format!("({} {op:?} {})", expr(a), expr(b)),
        ExprKind::If(c, a, b) => format!("(si {} alors {} sinon {})", expr(c), expr(a), expr(b)),
        ExprKind::InRange(x, a, b) => format!("({} dans {}..{})", expr(x), expr(a), expr(b)),
        ExprKind::InSet(x, s) => format!("({} dans {{{}}})", expr(x), list(s)),
        ExprKind::Contains(l, x) => format!("({} contient {})", expr(l), expr(x)),
        ExprKind::ContainsAny(l, s) => format!("({} contient un de {{{}}})", expr(l), list(s)),
        ExprKind::Round(x, mode) => format!("arrondi({}, {mode:?})", expr(x)),
        ExprKind::List(xs) => format!("[{}]", list(xs)),
        ExprKind::Quantified(q, var, l, body) => {
            format!("({q:?} {} dans {} : {})", var.name, expr(l), expr(body))
        }
    }
}
