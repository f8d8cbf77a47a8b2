//! The abstract syntax tree of one `.socle` file.
//!
//! Every node carries a byte [`Span`] into its file; the grammar crate knows nothing of
//! files or line numbers (the compiler pairs spans with a file id). All nodes are plain
//! data with `Eq + Hash` so the compiler's salsa queries can compare and cache them.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A byte range `start..end` in the source text of one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// An identifier with its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A parsed file: the declarations that parsed, the syntax errors of those that did not,
/// and every comment (for the formatter).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct File {
    pub decls: Vec<Decl>,
    pub comments: Vec<Comment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Comment {
    /// The text after `#` (for doc comments, after `##`), without the line end.
    pub text: String,
    pub doc: bool,
    pub span: Span,
}

/// A citation: `source "004 · APA à domicile" (VO-APA-1..4)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Source {
    pub text: String,
    /// The raw text between the parentheses that may follow the string, trimmed.
    pub refs: Option<String>,
    pub span: Span,
}

/// What every declaration and item carries besides its own fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Meta {
    /// Doc comment lines (`##`) directly above, joined with `\n`.
    pub doc: Option<String>,
    pub sources: Vec<Source>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decl {
    pub kind: DeclKind,
    pub meta: Meta,
    /// The whole declaration, from its keyword to its last token.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DeclKind {
    /// `importe national`
    Import(Ident),
    /// `énumération lieu_de_vie : domicile | ehpad`
    Enum(EnumDecl),
    /// `structure personne` + fields
    Struct(StructDecl),
    /// `entrée demandeur : personne`
    Input(InputDecl),
    /// `paramètre mtp : montant €/mois` + versions
    Param(ParamDecl),
    /// `barème x : tranches sur … -> …` + versions of rows
    Bareme(BaremeDecl),
    /// Top-level `valeur`.
    Value(ValueDecl),
    /// Top-level `condition`.
    Condition(ConditionDecl),
    Function(FunctionDecl),
    Dispositif(DispositifDecl),
    Cumul(CumulDecl),
    /// `groupe de conditions NOM` + conditions shared by several dispositifs.
    Group(GroupDecl),
}

impl DeclKind {
    /// The declared name, if the declaration declares one (imports and cumul rules do not).
    pub fn name(&self) -> Option<&Ident> {
        match self {
            DeclKind::Import(_) | DeclKind::Cumul(_) => None,
            DeclKind::Enum(d) => Some(&d.name),
            DeclKind::Struct(d) => Some(&d.name),
            DeclKind::Input(d) => Some(&d.name),
            DeclKind::Param(d) => Some(&d.name),
            DeclKind::Bareme(d) => Some(&d.name),
            DeclKind::Value(d) => Some(&d.name),
            DeclKind::Condition(d) => Some(&d.name),
            DeclKind::Function(d) => Some(&d.name),
            DeclKind::Dispositif(d) => Some(&d.name),
            DeclKind::Group(d) => Some(&d.name),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumDecl {
    pub name: Ident,
    pub variants: Vec<Ident>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructDecl {
    pub name: Ident,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: Ident,
    pub ty: TypeExpr,
    pub meta: Meta,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InputDecl {
    pub name: Ident,
    pub ty: TypeExpr,
}

/// A type as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeExprKind {
    Booleen,
    Entier,
    Decimal,
    Montant(Option<Period>),
    Taux,
    Date,
    Duree,
    /// `durée en heures`, `durée en jours`, `durée en mois`.
    DureeEn(DurationUnit),
    /// `entier dans 1..6`: an integer dossier field and the values it may take, bounds
    /// included.
    EntierDans(i64, i64),
    Texte,
    /// An enumeration or structure name.
    Named(Ident),
    List(Box<TypeExpr>),
    Optional(Box<TypeExpr>),
}

/// The periodicity of a money amount: `€/mois`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Heure,
    Jour,
    Mois,
    An,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParamDecl {
    pub name: Ident,
    /// `Some(key type)` for `table K -> V`.
    pub key: Option<TypeExpr>,
    pub ty: TypeExpr,
    pub versions: Vec<ParamVersion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Validity {
    /// The first day; [`Validity::ALWAYS`] for `depuis toujours`.
    pub from: NaiveDate,
    /// `depuis toujours`: the text gives no start date.
    pub always: bool,
    pub from_span: Span,
    /// Inclusive end date (`jusqu'au`).
    pub until: Option<(NaiveDate, Span)>,
}

impl Validity {
    /// The start date a `depuis toujours` version gets: before every real date, and still
    /// written with four digits wherever a date is shown (`0001-01-01`).
    pub const ALWAYS: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
        Some(d) => d,
        None => NaiveDate::MIN,
    };
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParamVersion {
    pub validity: Validity,
    pub value: ParamValue,
    pub meta: Meta,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ParamValue {
    /// A scalar parameter: a constant expression (usually a literal).
    Scalar(Expr),
    /// A table: `KEY => VALUE` entries.
    Table(Vec<TableEntry>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableEntry {
    /// A literal or an enum variant name.
    pub key: Expr,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BaremeDecl {
    pub name: Ident,
    /// The type of the looked-up quantity (`tranches sur montant €/mois`).
    pub input_ty: TypeExpr,
    /// The type of each row's value.
    pub output_ty: TypeExpr,
    /// `colonnes ENUM`.
    pub columns: Option<Ident>,
    pub versions: Vec<BaremeVersion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BaremeVersion {
    pub validity: Validity,
    pub rows: Vec<TrancheRow>,
    pub meta: Meta,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TrancheRow {
    /// `tranche N`.
    pub number: u32,
    pub number_span: Span,
    /// One interval without a column name, or one per column, each with its variant name.
    pub intervals: Vec<(Option<Ident>, Interval)>,
    pub value: Expr,
    pub meta: Meta,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    pub lower: Bound,
    /// `None` for `∞`.
    pub upper: Option<Bound>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Bound {
    /// A literal (number or money).
    pub value: Expr,
    pub inclusive: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ValueDecl {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub expr: Expr,
    pub exceptions: Vec<Exception>,
    /// `valeur versée`: the amount a failed payment condition withholds (paid as zero).
    pub paid: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Exception {
    /// `sauf si CONDITION : VALUE`
    pub condition: Expr,
    pub value: Expr,
    /// The exception this one refines (an index into the value's `exceptions`, always
    /// smaller than its own): a `sauf si` indented under another. `None` for an exception to
    /// the base value.
    pub parent: Option<usize>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConditionDecl {
    pub name: Ident,
    pub expr: Expr,
    /// `message "…"`: shown whatever the outcome, unless the outcome has its own message.
    pub message: Option<Message>,
    /// `condition de versement`: it decides whether an eligible dispositif is paid, not
    /// whether it is open.
    pub payment: bool,
    /// `message si satisfaite "…"`.
    pub if_satisfied: Option<Message>,
    /// `message si non satisfaite "…"` (also shown when the outcome is unknown and there
    /// is no `message`).
    pub if_failed: Option<Message>,
}

/// `message "GIR {demandeur.gir}"`: literal parts and interpolated paths.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Message {
    pub parts: Vec<MessagePart>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MessagePart {
    Text(String),
    /// `{a.b.c}` parsed as an expression (a name or a field path).
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionDecl {
    pub name: Ident,
    pub params: Vec<FunctionParam>,
    pub ret: TypeExpr,
    /// `soit` items, in order.
    pub lets: Vec<LetItem>,
    /// `résultat EXPR`.
    pub result: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionParam {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

/// `soit NAME [: TYPE] = EXPR`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LetItem {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub expr: Expr,
    pub meta: Meta,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DispositifDecl {
    pub name: Ident,
    /// The human title: `dispositif apa_domicile "Allocation …"`.
    pub title: Option<String>,
    pub items: Vec<DispositifItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DispositifItem {
    pub kind: DispositifItemKind,
    pub meta: Meta,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DispositifItemKind {
    Condition(ConditionDecl),
    /// A named output.
    Value(ValueDecl),
    /// An internal value (`soit`), traced but not an output.
    Let(ValueDecl),
    /// `conditions NOM`: the conditions of a `groupe de conditions`, each its own motif.
    UseGroup(Ident),
}

/// `groupe de conditions NOM "Libellé"`: conditions (with their messages and sources)
/// written once and used by several dispositifs (`conditions NOM`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GroupDecl {
    pub name: Ident,
    pub title: Option<String>,
    /// Only [`DispositifItemKind::Condition`] items.
    pub items: Vec<DispositifItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CumulDecl {
    pub left: Ident,
    pub kind: CumulKind,
    pub right: Ident,
    /// `versée` after the winner: it excludes only when it is paid, not as soon as the right
    /// is open.
    pub paid: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CumulKind {
    /// `cumul A exclut B`
    Exclut,
    /// `cumul A subsidiaire à B`
    Subsidiaire,
    /// `cumul A cumulable avec B`
    Cumulable,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExprKind {
    Lit(Literal),
    /// A bare name (definition, input, variant, builtin, local).
    Name(Ident),
    /// `a.b`: a field of an input, a declaration of an imported ruleset, a dispositif output.
    Field(Box<Expr>, Ident),
    /// `f(a, b)`: a function, a builtin, a barème, or a table lookup.
    Call(Box<Expr>, Vec<Expr>),
    /// `table[key]`
    Index(Box<Expr>, Box<Expr>),
    /// `param au DATE`
    At(Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `x dans a..b` (inclusive)
    InRange(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `x dans {a, b}`
    InSet(Box<Expr>, Vec<Expr>),
    /// `liste contient x`
    Contains(Box<Expr>, Box<Expr>),
    /// `liste contient un de {a, b}`
    ContainsAny(Box<Expr>, Vec<Expr>),
    /// `arrondi(x, au centime inférieur)`: the mode is syntax, not an expression.
    Round(Box<Expr>, RoundMode),
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `tous les h dans L vérifient C`, `au moins un …`, `aucun …`, `nombre de h dans L tels
    /// que C`, `somme de X pour chaque h dans L`: the name is bound to each element of the
    /// list (the first expression) while the body (the second) is read.
    Quantified(Quantifier, Ident, Box<Expr>, Box<Expr>),
}

/// The word that opens a [`ExprKind::Quantified`], as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// `tous les`
    All,
    /// `au moins un`
    Some,
    /// `aucun`
    None,
    /// `nombre de … tels que`
    Count,
    /// `somme de … pour chaque`
    Sum,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Money(Decimal, Option<Period>),
    /// Already divided by 100: `25 %` is `0.25`.
    Rate(Decimal),
    Duration(i64, DurationUnit),
    Date(NaiveDate),
    Text(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DurationUnit {
    Jours,
    Mois,
    Ans,
    Heures,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoundMode {
    /// `au centime` / `au centime le plus proche`: half away from zero, 2 decimals.
    CentimeNearest,
    CentimeDown,
    CentimeUp,
    EuroNearest,
    EuroDown,
    EuroUp,
}
