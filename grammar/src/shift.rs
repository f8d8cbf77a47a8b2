//! Moving every span of a parsed declaration by a fixed number of bytes.
//!
//! A declaration parsed on its own (see [`crate::parse_chunk`]) has spans relative to its
//! chunk; the file's AST needs them relative to the file. Shifting is much cheaper than
//! parsing again, so an edit re-parses only the declaration it touches.

use crate::ast::*;
use crate::ParseError;

/// Adds `by` bytes to every span inside.
pub trait Shift {
    fn shift(&mut self, by: u32);
}

impl Shift for Span {
    fn shift(&mut self, by: u32) {
        self.start = self.start.saturating_add(by);
        self.end = self.end.saturating_add(by);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, by: u32) {
        if let Some(x) = self {
            x.shift(by);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, by: u32) {
        for x in self {
            x.shift(by);
        }
    }
}

impl<T: Shift> Shift for Box<T> {
    fn shift(&mut self, by: u32) {
        (**self).shift(by);
    }
}

impl<A: Shift, B: Shift> Shift for (A, B) {
    fn shift(&mut self, by: u32) {
        self.0.shift(by);
        self.1.shift(by);
    }
}

/// Dates carry no span (their spans sit beside them).
impl Shift for chrono::NaiveDate {
    fn shift(&mut self, _: u32) {}
}

/// Shifts the listed fields of a struct.
macro_rules! shift_fields {
    ($($ty:ty => $($field:ident),+;)+) => {
        $(impl Shift for $ty {
            fn shift(&mut self, by: u32) {
                $(self.$field.shift(by);)+
            }
        })+
    };
}

shift_fields! {
    ParseError => span;
    Ident => span;
    Comment => span;
    Source => span;
    Meta => sources;
    Decl => kind, meta, span;
    EnumDecl => name, variants;
    StructDecl => name, fields;
    Field => name, ty, meta, span;
    InputDecl => name, ty;
    TypeExpr => kind, span;
    ParamDecl => name, key, ty, versions;
    Validity => from_span, until;
    ParamVersion => validity, value, meta, span;
    TableEntry => key, value, span;
    BaremeDecl => name, input_ty, output_ty, columns, versions;
    BaremeVersion => validity, rows, meta, span;
    TrancheRow => number_span, intervals, value, meta, span;
    Interval => lower, upper, span;
    Bound => value;
    ValueDecl => name, ty, expr, exceptions;
    Exception => condition, value, span;
    ConditionDecl => name, expr, message, if_satisfied, if_failed;
    Message => parts, span;
    FunctionDecl => name, params, ret, lets, result;
    FunctionParam => name, ty, span;
    LetItem => name, ty, expr, meta, span;
    DispositifDecl => name, items;
    GroupDecl => name, items;
    DispositifItem => kind, meta, span;
    CumulDecl => left, right;
    Expr => kind, span;
}

impl Shift for DeclKind {
    fn shift(&mut self, by: u32) {
        match self {
            DeclKind::Import(x) => x.shift(by),
            DeclKind::Enum(x) => x.shift(by),
            DeclKind::Struct(x) => x.shift(by),
            DeclKind::Input(x) => x.shift(by),
            DeclKind::Param(x) => x.shift(by),
            DeclKind::Bareme(x) => x.shift(by),
            DeclKind::Value(x) => x.shift(by),
            DeclKind::Condition(x) => x.shift(by),
            DeclKind::Function(x) => x.shift(by),
            DeclKind::Dispositif(x) => x.shift(by),
            DeclKind::Cumul(x) => x.shift(by),
            DeclKind::Group(x) => x.shift(by),
        }
    }
}

impl Shift for TypeExprKind {
    fn shift(&mut self, by: u32) {
        match self {
            TypeExprKind::Booleen
            | TypeExprKind::Entier
            | TypeExprKind::Decimal
            | TypeExprKind::Montant(_)
            | TypeExprKind::Taux
            | TypeExprKind::Date
            | TypeExprKind::Duree
            | TypeExprKind::DureeEn(_)
            | TypeExprKind::EntierDans(..)
            | TypeExprKind::Texte => {}
            TypeExprKind::Named(x) => x.shift(by),
            TypeExprKind::List(x) | TypeExprKind::Optional(x) => x.shift(by),
        }
    }
}

impl Shift for ParamValue {
    fn shift(&mut self, by: u32) {
        match self {
            ParamValue::Scalar(x) => x.shift(by),
            ParamValue::Table(x) => x.shift(by),
        }
    }
}

impl Shift for MessagePart {
    fn shift(&mut self, by: u32) {
        match self {
            MessagePart::Text(_) => {}
            MessagePart::Expr(x) => x.shift(by),
        }
    }
}

impl Shift for DispositifItemKind {
    fn shift(&mut self, by: u32) {
        match self {
            DispositifItemKind::Condition(x) => x.shift(by),
            DispositifItemKind::Value(x) | DispositifItemKind::Let(x) => x.shift(by),
            DispositifItemKind::UseGroup(x) => x.shift(by),
        }
    }
}

impl Shift for ExprKind {
    fn shift(&mut self, by: u32) {
        match self {
            ExprKind::Lit(_) => {}
            ExprKind::Name(x) => x.shift(by),
            ExprKind::Field(e, name) => {
                e.shift(by);
                name.shift(by);
            }
            ExprKind::Call(f, args) => {
                f.shift(by);
                args.shift(by);
            }
            ExprKind::InSet(x, set) | ExprKind::ContainsAny(x, set) => {
                x.shift(by);
                set.shift(by);
            }
            ExprKind::Index(a, b)
            | ExprKind::At(a, b)
            | ExprKind::Binary(_, a, b)
            | ExprKind::Contains(a, b) => {
                a.shift(by);
                b.shift(by);
            }
            ExprKind::If(a, b, c) | ExprKind::InRange(a, b, c) => {
                a.shift(by);
                b.shift(by);
                c.shift(by);
            }
            ExprKind::Unary(_, x) | ExprKind::Round(x, _) => x.shift(by),
            ExprKind::List(xs) => xs.shift(by),
            ExprKind::Quantified(_, var, list, body) => {
                var.shift(by);
                list.shift(by);
                body.shift(by);
            }
        }
    }
}
