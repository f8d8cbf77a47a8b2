//! Name resolution and type checking of one ruleset, producing its [`TypedRuleset`]: every
//! expression typed, every written name recorded with what it denotes (the editor's source
//! map). One module per construct: `collect` (names, types), `decls` (declarations with a
//! declared type, with `periods` and `baremes`), `order` (values in dependency order),
//! `expr`, `nameres`, `call` and `builtins`; the French texts are in `messages`.
//!
//! Declarations are order-independent: values without a declared type are typed in the
//! order of their (syntactic) dependencies, so that no recursion follows definition chains.
//! A reference to a value caught in a cycle types as [`Type::Error`]; the cycle itself is
//! reported once by `check_cycles`.

mod baremes;
pub(crate) mod builtins;
mod call;
mod collect;
mod condition_messages;
mod decls;
mod exceptions;
mod expr;
mod groups;
mod lists;
mod messages;
mod nameres;
mod order;
mod periods;

use builtins::{builtin_docs, is_decision_date, TRANCHE};
use call::{describe, Callee};
use nameres::{target_named, Target};

use std::collections::HashMap;

use rust_decimal::Decimal;
use socle_grammar::ast::{self, Decl, DeclKind, DurationUnit, ExprKind, Literal};
use socle_grammar::Span;
use socle_runtime::ir::{BinOp, DurationFamily};
use socle_runtime::value::Value;

use crate::codes;
use crate::db::{Db, Ruleset};
use crate::diagnostic::{Diagnostic, FileId};
use crate::syntax::{self, ruleset_ident};
use crate::typed::{Const, Named, Resolution, StructItem, TExpr, TKind, TypedRuleset, ValueKind};
use crate::types::{QName, Type};

/// Nesting limit of an expression as written (lowering re-checks after inlining).
pub const MAX_DEPTH: usize = 256;
/// Declarations per ruleset.
pub const MAX_DECLS: usize = 10_000;

/// Types a ruleset; `deps` are its checked imports (transitively), the checks of
/// `pipeline` run afterwards.
pub fn check_ruleset<'a>(db: &'a dyn Db, r: Ruleset, deps: &[&'a TypedRuleset]) -> TypedRuleset {
    let mut decls: Vec<(FileId, &Decl)> = Vec::new();
    let mut texts: HashMap<FileId, &str> = HashMap::new();
    for &file in r.files(db) {
        let id = FileId(file);
        texts.insert(id, file.text(db).as_str());
        for decl in &syntax::parse_file(db, file).ast.decls {
            decls.push((id, decl));
        }
    }
    let ident = ruleset_ident(r.name(db));
    if let Some(d) = too_many_decls(&decls, MAX_DECLS) {
        let mut out = TypedRuleset {
            ident,
            ..TypedRuleset::default()
        };
        out.diagnostics.push(d);
        return out;
    }
    let mut all: HashMap<String, &TypedRuleset> = HashMap::new();
    for &checked in deps {
        all.insert(checked.ident.clone(), checked);
    }
    let imports: Vec<String> = syntax::import_check(db, r)
        .usable
        .iter()
        .map(|(_, t)| ruleset_ident(t.name(db)))
        .collect();
    // Imports already reported (missing, cyclic): names qualified by them are not reported
    // again as unknown, one error per cause.
    let broken_imports: Vec<String> = syntax::ruleset_imports(db, r)
        .iter()
        .map(|i| ruleset_ident(&i.name))
        .filter(|i| !imports.contains(i))
        .collect();
    let mut ctx = Ctx {
        ident: ident.clone(),
        decls: HashMap::new(),
        types: HashMap::new(),
        imports,
        broken_imports,
        all,
        texts,
        out: TypedRuleset {
            ident,
            ..TypedRuleset::default()
        },
        binding_types: HashMap::new(),
        local_dispositifs: HashMap::new(),
    };
    ctx.run(&decls);
    ctx.out
}

/// E0107 at the first declaration past the limit.
fn too_many_decls(decls: &[(FileId, &Decl)], limit: usize) -> Option<Diagnostic> {
    let (file, decl) = decls.get(limit)?;
    Some(Diagnostic::error(
        codes::TOO_MANY_DECLS,
        *file,
        decl.span,
        messages::too_many_decls(limit),
    ))
}

/// A binding typed as one: a top-level value/condition, or an item of a dispositif.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Binding {
    Top(String),
    Item(String, String),
}

/// The names visible in an expression besides the declarations.
#[derive(Default)]
pub(crate) struct Scope {
    /// Function parameters and `soit`s seen so far: (name, local number, type).
    locals: Vec<(String, u32, Type)>,
    /// The dispositif whose items are in scope.
    dispositif: Option<String>,
    /// The function whose parameters and `soit`s are the locals.
    function: Option<String>,
    /// The locals that are a quantifier's variable, by local number: what the editor shows.
    elements: Vec<(u32, Named)>,
}

pub(crate) struct Ctx<'a> {
    ident: String,
    /// The value namespace: every named declaration but enumerations and structures.
    decls: HashMap<String, (FileId, &'a Decl)>,
    /// The type namespace: enumerations and structures.
    types: HashMap<String, (FileId, &'a Decl)>,
    /// Identifiers of the directly imported rulesets.
    imports: Vec<String>,
    /// Imports that could not be used (already reported).
    broken_imports: Vec<String>,
    /// Every transitively imported ruleset, by identifier.
    all: HashMap<String, &'a TypedRuleset>,
    texts: HashMap<FileId, &'a str>,
    out: TypedRuleset,
    /// Known types of the bindings (declared, or inferred so far).
    binding_types: HashMap<Binding, Type>,
    /// Dispositif name → (item name → (kind, index)).
    local_dispositifs: HashMap<String, HashMap<String, ValueKind>>,
}

/// Type keywords, which a grammar may hand over as plain names in some positions.
const BUILTIN_TYPES: &[&str] = &[
    "booléen", "booleen", "entier", "décimal", "decimal", "montant", "taux", "date", "durée",
    "duree", "texte",
];

fn is_eligible(name: &str) -> bool {
    name == "éligible" || name == "eligible"
}

/// Whether an expression nests deeper than `limit` (bounded recursion: never deeper than
/// the limit itself).
fn too_deep(e: &ast::Expr, limit: usize) -> bool {
    if limit == 0 {
        return true;
    }
    let l = limit - 1;
    let all = |es: &[ast::Expr]| es.iter().any(|x| too_deep(x, l));
    match &e.kind {
        ExprKind::Lit(_) | ExprKind::Name(_) => false,
        ExprKind::Field(a, _) | ExprKind::Unary(_, a) | ExprKind::Round(a, _) => too_deep(a, l),
        ExprKind::Call(a, args) => too_deep(a, l) || all(args),
        ExprKind::Index(a, b)
        | ExprKind::At(a, b)
        | ExprKind::Binary(_, a, b)
        | ExprKind::Contains(a, b) => too_deep(a, l) || too_deep(b, l),
        ExprKind::If(a, b, c) | ExprKind::InRange(a, b, c) => {
            too_deep(a, l) || too_deep(b, l) || too_deep(c, l)
        }
        ExprKind::InSet(a, set) | ExprKind::ContainsAny(a, set) => too_deep(a, l) || all(set),
        ExprKind::List(items) => all(items),
        ExprKind::Quantified(_, _, a, b) => too_deep(a, l) || too_deep(b, l),
    }
}

/// Names an expression mentions syntactically (for the typing order).
fn mentioned(e: &ast::Expr, out: &mut Vec<(Option<String>, String)>, limit: usize) {
    if limit == 0 {
        return;
    }
    let l = limit - 1;
    match &e.kind {
        ExprKind::Lit(_) => {}
        ExprKind::Name(n) => out.push((None, n.name.clone())),
        ExprKind::Field(base, f) => {
            if let ExprKind::Name(n) = &base.kind {
                out.push((Some(n.name.clone()), f.name.clone()));
            }
            mentioned(base, out, l);
        }
        ExprKind::Unary(_, a) | ExprKind::Round(a, _) => mentioned(a, out, l),
        ExprKind::Call(a, args) => {
            mentioned(a, out, l);
            args.iter().for_each(|x| mentioned(x, out, l));
        }
        ExprKind::Index(a, b)
        | ExprKind::At(a, b)
        | ExprKind::Binary(_, a, b)
        | ExprKind::Contains(a, b) => {
            mentioned(a, out, l);
            mentioned(b, out, l);
        }
        ExprKind::If(a, b, c) | ExprKind::InRange(a, b, c) => {
            mentioned(a, out, l);
            mentioned(b, out, l);
            mentioned(c, out, l);
        }
        ExprKind::InSet(a, set) | ExprKind::ContainsAny(a, set) => {
            mentioned(a, out, l);
            set.iter().for_each(|x| mentioned(x, out, l));
        }
        ExprKind::List(items) => items.iter().for_each(|x| mentioned(x, out, l)),
        ExprKind::Quantified(_, _, a, b) => {
            mentioned(a, out, l);
            mentioned(b, out, l);
        }
    }
}

fn lit_type(lit: &Literal) -> (Type, Option<Value>) {
    match lit {
        Literal::Bool(b) => (Type::Bool, Some(Value::Bool(*b))),
        Literal::Int(i) => (Type::Int, Some(Value::Int(*i))),
        Literal::Decimal(d) => (Type::Decimal, Some(Value::Dec(*d))),
        Literal::Money(d, p) => (Type::Money(*p), Some(Value::Dec(*d))),
        Literal::Rate(d) => (Type::Rate, Some(Value::Dec(*d))),
        Literal::Duration(n, unit) => {
            let (family, count) = match unit {
                DurationUnit::Jours => (DurationFamily::Days, Some(*n)),
                DurationUnit::Mois => (DurationFamily::Months, Some(*n)),
                DurationUnit::Ans => (DurationFamily::Months, n.checked_mul(12)),
                DurationUnit::Heures => (DurationFamily::Hours, Some(*n)),
            };
            (
                Type::Duration(Some(family)),
                count.map(|c| Value::Duration(c, family)),
            )
        }
        Literal::Date(d) => (Type::Date, Some(Value::Date(*d))),
        Literal::Text(t) => (Type::Text, Some(Value::Text(t.as_str().into()))),
    }
}

/// An `entier` used where a `décimal` is declared becomes a decimal value at run time.
pub(crate) fn coerce(e: TExpr, declared: &Type) -> TExpr {
    if *declared != Type::Decimal || e.ty != Type::Int {
        return e;
    }
    match e.kind {
        TKind::Const(Const::Value(Value::Int(i))) => TExpr {
            kind: TKind::Const(Const::Value(Value::Dec(Decimal::from(i)))),
            ty: Type::Decimal,
            span: e.span,
        },
        kind => {
            // The IR has no conversion node; `× 1,0` yields a decimal with the same value.
            let span = e.span;
            let one = TExpr {
                kind: TKind::Const(Const::Value(Value::Dec(Decimal::ONE))),
                ty: Type::Decimal,
                span,
            };
            TExpr {
                kind: TKind::Binary(
                    BinOp::Mul,
                    Box::new(TExpr {
                        kind,
                        ty: Type::Int,
                        span,
                    }),
                    Box::new(one),
                ),
                ty: Type::Decimal,
                span,
            }
        }
    }
}

impl<'a> Ctx<'a> {
    pub(crate) fn err(
        &mut self,
        code: &'static str,
        file: FileId,
        span: Span,
        msg: impl Into<String>,
    ) {
        self.out
            .diagnostics
            .push(Diagnostic::error(code, file, span, msg));
    }

    /// Records what the name at `span` denotes, for the editor.
    pub(super) fn record(&mut self, file: FileId, span: Span, target: Named) {
        self.out.resolutions.push(Resolution { file, span, target });
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.out.diagnostics.push(d);
    }

    fn qname(&self, name: &str) -> QName {
        QName::new(&self.ident, name)
    }

    fn text_of(&self, file: FileId, span: Span) -> String {
        self.texts
            .get(&file)
            .and_then(|t| t.get(span.range()))
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    }

    fn run(&mut self, decls: &[(FileId, &'a Decl)]) {
        self.collect_names(decls);
        // Types first: every later step resolves type names.
        for (file, decl) in decls {
            if let DeclKind::Enum(e) = &decl.kind {
                self.declare_enum(*file, e);
            }
        }
        for (file, decl) in decls {
            if let DeclKind::Struct(s) = &decl.kind {
                let fields = s
                    .fields
                    .iter()
                    .map(|f| (f.name.name.clone(), self.resolve_type(*file, &f.ty)))
                    .collect();
                self.check_duplicate_members(
                    *file,
                    s.fields.iter().map(|f| &f.name),
                    messages::WHAT_FIELD,
                );
                let docs = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.name.name.clone(), f.meta.doc.clone()?)))
                    .collect();
                let bounds = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.name.name.clone(), bounds_of(&f.ty)?)))
                    .collect();
                self.out.structs.insert(
                    s.name.name.clone(),
                    StructItem {
                        name: s.name.clone(),
                        fields,
                        docs,
                        bounds,
                    },
                );
            }
        }
        for (file, decl) in decls {
            match &decl.kind {
                DeclKind::Input(i) => {
                    let ty = self.resolve_type(*file, &i.ty);
                    self.conflicting_input(*file, &i.name, &ty);
                    self.out.inputs.insert(i.name.name.clone(), ty);
                    if let Some(doc) = &decl.meta.doc {
                        self.out.input_docs.insert(i.name.name.clone(), doc.clone());
                    }
                    if let Some(bounds) = bounds_of(&i.ty) {
                        self.out.input_bounds.insert(i.name.name.clone(), bounds);
                    }
                }
                DeclKind::Param(p) => self.declare_param(*file, p),
                DeclKind::Bareme(b) => self.declare_bareme(*file, b),
                DeclKind::Function(f) => self.declare_function_signature(*file, f),
                _ => {}
            }
        }
        self.bounded_list_elements(decls);
        self.type_values(decls);
        for (file, decl) in decls {
            if let DeclKind::Function(f) = &decl.kind {
                self.check_function_body(*file, f, decl.span);
            }
        }
        for (file, decl) in decls {
            if let DeclKind::Cumul(c) = &decl.kind {
                self.declare_cumul(*file, c, decl.span);
            }
        }
    }
}

/// `entier dans MIN..MAX` (optional or not): its bounds.
fn bounds_of(t: &socle_grammar::ast::TypeExpr) -> Option<(i64, i64)> {
    use socle_grammar::ast::TypeExprKind;
    match &t.kind {
        TypeExprKind::EntierDans(lo, hi) => Some((*lo, *hi)),
        TypeExprKind::Optional(inner) => bounds_of(inner),
        _ => None,
    }
}

impl Ctx<'_> {
    /// A structure read as the element of a `liste de` is one value whose fields are not
    /// checked one by one when the dossier is read: bounds there would be silently ignored.
    fn bounded_list_elements(&mut self, decls: &[(FileId, &Decl)]) {
        let mut typed: Vec<(FileId, Span, Type)> = Vec::new();
        for (file, decl) in decls {
            match &decl.kind {
                DeclKind::Input(i) => {
                    if let Some(t) = self.out.inputs.get(&i.name.name) {
                        typed.push((*file, i.ty.span, t.clone()));
                    }
                }
                DeclKind::Struct(s) => {
                    let Some(item) = self.out.structs.get(&s.name.name) else {
                        continue;
                    };
                    for f in &s.fields {
                        if let Some((_, t)) = item.fields.iter().find(|(n, _)| *n == f.name.name) {
                            typed.push((*file, f.ty.span, t.clone()));
                        }
                    }
                }
                _ => {}
            }
        }
        for (file, span, ty) in typed {
            let Type::List(element) = ty.strip_optional() else {
                continue;
            };
            let Type::Struct(q) = element.strip_optional() else {
                continue;
            };
            let item = if q.ruleset == self.ident {
                self.out.structs.get(&q.name)
            } else {
                self.all
                    .get(&q.ruleset)
                    .and_then(|c| c.structs.get(&q.name))
            };
            if item.is_some_and(|s| !s.bounds.is_empty()) {
                let msg = format!(
                    "la structure `{}` a des champs bornés (`entier dans …`) : ses éléments dans \
                     une liste ne seraient pas vérifiés ; retirez les bornes de ses champs",
                    q.name
                );
                self.err(codes::BAD_BOUNDS, file, span, msg);
            }
        }
    }

    /// A dossier has one field per name: an `entrée` declared with another type by an
    /// imported ruleset would be read with one of the two types and fail at run time.
    fn conflicting_input(&mut self, file: FileId, name: &socle_grammar::ast::Ident, ty: &Type) {
        if matches!(ty, Type::Error) {
            return;
        }
        let mut imported: Vec<(&String, &Type)> = self
            .all
            .iter()
            .filter_map(|(ruleset, c)| c.inputs.get(&name.name).map(|t| (ruleset, t)))
            .filter(|(_, t)| !matches!(t, Type::Error) && *t != ty)
            .collect();
        imported.sort_by_key(|(ruleset, _)| *ruleset);
        if let Some((ruleset, other)) = imported.first() {
            let message = format!(
                "l'entrée `{}` est déclarée comme {} ici mais comme {} dans le jeu de règles importé \
                 `{ruleset}` : un dossier n'a qu'un champ `{}`",
                name.name,
                ty.with_article(),
                other.with_article(),
                name.name
            );
            self.err(codes::INPUT_CONFLICT, file, name.span, message);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::db::{Database, SourceFile};

    #[test]
    fn declaration_limit() {
        let db = Database::new();
        let text = "valeur a : entier = 1\nvaleur b : entier = 1\nvaleur c : entier = 1\n";
        let file = SourceFile::new(&db, "x.socle".into(), text.to_owned());
        let parsed = syntax::parse_file(&db, file);
        let decls: Vec<(FileId, &Decl)> =
            parsed.ast.decls.iter().map(|d| (FileId(file), d)).collect();
        assert!(too_many_decls(&decls, 3).is_none());
        let d = too_many_decls(&decls, 2).unwrap();
        assert_eq!(d.code, codes::TOO_MANY_DECLS);
        assert_eq!(&text[d.primary.span.range()], "valeur c : entier = 1");
    }
}
