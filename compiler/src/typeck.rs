//! Name resolution and type/unit checking of one ruleset, producing its [`Checked`] form.
//!
//! Declarations are order-independent: values without a declared type are typed in the
//! order of their (syntactic) dependencies, so that no recursion follows definition chains.
//! A reference to a value caught in a cycle types as [`Type::Error`]; the cycle itself is
//! reported once by `check_cycles`.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use rust_decimal::Decimal;
use socle_grammar::ast::{
    self, BinaryOp, Decl, DeclKind, DispositifItemKind, DurationUnit, ExprKind, Ident, Literal,
    TypeExprKind, UnaryOp,
};
use socle_grammar::Span;
use socle_runtime::ir::{BaremeWant, BinOp, DurationFamily, UnOp};
use socle_runtime::value::Value;

use crate::codes;
use crate::db::{self, ruleset_ident, Db, Ruleset};
use crate::diagnostic::{Diagnostic, FileId};
use crate::hir::{
    Checked, Const, CumulItem, DefKey, DispositifItem, EnumItem, FunctionItem, InputSegment,
    StructItem, TException, TExpr, TKind, TMessagePart, ValueItem, ValueKind,
};
use crate::resolve::Target;
use crate::types::{self, QName, Type};

/// Nesting limit of an expression as written (lowering re-checks after inlining).
pub const MAX_DEPTH: usize = 256;
/// Declarations per ruleset.
pub const MAX_DECLS: usize = 10_000;

pub fn check_ruleset(db: &dyn Db, r: Ruleset) -> Checked {
    let mut decls: Vec<(FileId, &Decl)> = Vec::new();
    let mut texts: HashMap<FileId, &str> = HashMap::new();
    for &file in r.files(db) {
        let id = FileId(file);
        texts.insert(id, file.text(db).as_str());
        for decl in &db::parse_file(db, file).ast.decls {
            decls.push((id, decl));
        }
    }
    let ident = ruleset_ident(r.name(db));
    if let Some(d) = too_many_decls(&decls, MAX_DECLS) {
        let mut out = Checked {
            ident,
            ..Checked::default()
        };
        out.diagnostics.push(d);
        return out;
    }
    let mut all: HashMap<String, &Checked> = HashMap::new();
    for &dep in db::import_closure(db, r) {
        let checked = db::checked_ruleset(db, dep);
        all.insert(checked.ident.clone(), checked);
    }
    let imports: Vec<String> = db::import_check(db, r)
        .usable
        .iter()
        .map(|(_, t)| ruleset_ident(t.name(db)))
        .collect();
    // Imports already reported (missing, cyclic): names qualified by them are not reported
    // again as unknown, one error per cause.
    let broken_imports: Vec<String> = db::ruleset_imports(db, r)
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
        out: Checked {
            ident,
            ..Checked::default()
        },
        unit_types: HashMap::new(),
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
        format!("trop de déclarations : un jeu de règles en compte au plus {limit}"),
    ))
}

/// A typing unit: a top-level value/condition, or an item of a dispositif.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Unit {
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
    all: HashMap<String, &'a Checked>,
    texts: HashMap<FileId, &'a str>,
    out: Checked,
    /// Known types of the typing units (declared, or inferred so far).
    unit_types: HashMap<Unit, Type>,
    /// Dispositif name → (item name → (kind, index)).
    local_dispositifs: HashMap<String, HashMap<String, ValueKind>>,
}

fn builtin_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "min" => "min",
        "max" => "max",
        "plafond" => "plafond",
        "plancher" => "plancher",
        "abs" => "abs",
        "âge" | "age" => "âge",
        "mois_entre" => "mois_entre",
        "jours_entre" => "jours_entre",
        "début_année" | "debut_annee" => "début_année",
        "année" | "annee" => "année",
        "mensuel" => "mensuel",
        "annuel" => "annuel",
        "nombre" => "nombre",
        "nombre_distincts" => "nombre_distincts",
        "renseigné" | "renseigne" => "renseigné",
        "valeur_par_défaut" | "valeur_par_defaut" => "valeur_par_défaut",
        "tranche" => "tranche",
        _ => return None,
    })
}

const BUILTIN_NAMES: &[&str] = &[
    "min",
    "max",
    "plafond",
    "plancher",
    "abs",
    "âge",
    "mois_entre",
    "jours_entre",
    "début_année",
    "année",
    "mensuel",
    "annuel",
    "nombre",
    "nombre_distincts",
    "renseigné",
    "valeur_par_défaut",
    "tranche",
    "date_décision",
];

/// Type keywords, which a grammar may hand over as plain names in some positions.
const BUILTIN_TYPES: &[&str] = &[
    "booléen", "booleen", "entier", "décimal", "decimal", "montant", "taux", "date", "durée",
    "duree", "texte",
];

fn is_decision_date(name: &str) -> bool {
    name == "date_décision" || name == "date_decision"
}

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
                self.check_duplicate_members(*file, s.fields.iter().map(|f| &f.name), "le champ");
                self.out.structs.insert(
                    s.name.name.clone(),
                    StructItem {
                        name: s.name.clone(),
                        fields,
                    },
                );
            }
        }
        for (file, decl) in decls {
            match &decl.kind {
                DeclKind::Input(i) => {
                    let ty = self.resolve_type(*file, &i.ty);
                    self.out.inputs.insert(i.name.name.clone(), ty);
                }
                DeclKind::Param(p) => self.declare_param(*file, p),
                DeclKind::Bareme(b) => self.declare_bareme(*file, b),
                DeclKind::Function(f) => self.declare_function_signature(*file, f),
                _ => {}
            }
        }
        self.type_values(decls);
        for (file, decl) in decls {
            if let DeclKind::Function(f) = &decl.kind {
                self.check_function_body(*file, f, decl.span);
            }
        }
        for (file, decl) in decls {
            if let DeclKind::Cumul(c) = &decl.kind {
                self.declare_cumul(*file, c);
            }
        }
        crate::check_cumuls::check(self.ident.as_str(), decls, &mut self.out);
        crate::check_cycles::check(&mut self.out);
        crate::check_unused::check(&mut self.out);
    }

    fn collect_names(&mut self, decls: &[(FileId, &'a Decl)]) {
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
                    format!("`{}` est déjà défini", name.name),
                )
                .with_primary_message("seconde définition")
                .with_label(*first_file, first_span, "première définition");
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
                    };
                    items.entry(n.name.clone()).or_insert(kind);
                }
                self.local_dispositifs.insert(d.name.name.clone(), items);
            }
        }
    }

    fn check_duplicate_members<'i>(
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
                    format!("{what} `{}` est déjà défini", n.name),
                )
                .with_primary_message("seconde définition")
                .with_label(file, *first, "première définition");
                self.push(d);
            } else {
                seen.insert(&n.name, n.span);
            }
        }
    }

    fn declare_enum(&mut self, file: FileId, e: &ast::EnumDecl) {
        self.check_duplicate_members(file, e.variants.iter(), "la variante");
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
            TypeExprKind::Decimal => Type::Decimal,
            TypeExprKind::Montant(p) => Type::Money(*p),
            TypeExprKind::Taux => Type::Rate,
            TypeExprKind::Date => Type::Date,
            TypeExprKind::Duree => Type::Duration(None),
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
                if let Type::Struct(q) = &inner {
                    self.err(
                        codes::WRONG_KIND,
                        file,
                        t.span,
                        format!(
                            "les listes de structures ne sont pas prises en charge (`liste de {}`)",
                            q.name
                        ),
                    );
                    return Type::Error;
                }
                Type::List(Box::new(inner))
            }
            TypeExprKind::Named(id) => self.named_type(file, id),
        }
    }

    fn named_type(&mut self, file: FileId, id: &Ident) -> Type {
        if let Some((_, decl)) = self.types.get(&id.name) {
            match decl.kind {
                DeclKind::Enum(_) => return Type::Enum(self.qname(&id.name)),
                DeclKind::Struct(_) => return Type::Struct(self.qname(&id.name)),
                _ => {
                    self.err(
                        codes::WRONG_KIND,
                        file,
                        id.span,
                        format!("`{}` n'est pas un type (énumération ou structure)", id.name),
                    );
                    return Type::Error;
                }
            }
        }
        for imp in &self.imports {
            if let Some(c) = self.all.get(imp) {
                if c.enums.contains_key(&id.name) {
                    return Type::Enum(QName::new(imp, &id.name));
                }
                if c.structs.contains_key(&id.name) {
                    return Type::Struct(QName::new(imp, &id.name));
                }
            }
        }
        if self.decls.contains_key(&id.name) {
            self.err(
                codes::WRONG_KIND,
                file,
                id.span,
                format!("`{}` n'est pas un type (énumération ou structure)", id.name),
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
            format!("type inconnu : `{}`", id.name),
        );
        d = d.with_suggestion(&id.name, candidates.iter().map(String::as_str));
        self.push(d);
        Type::Error
    }

    fn enum_variants(&self, q: &QName) -> Option<&Vec<String>> {
        if q.ruleset == self.ident {
            self.out.enums.get(&q.name).map(|e| &e.variants)
        } else {
            self.all
                .get(&q.ruleset)
                .and_then(|c| c.enums.get(&q.name))
                .map(|e| &e.variants)
        }
    }

    fn struct_fields(&self, q: &QName) -> Option<&Vec<(String, Type)>> {
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
                        Some(i) => Some((expected.clone(), Const::Variant(q.clone(), i))),
                        None => {
                            let mut d = Diagnostic::error(
                                codes::UNKNOWN_MEMBER,
                                file,
                                n.span,
                                format!("`{}` n'est pas une variante de `{}`", n.name, q.name),
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
                format!("une constante de type {expected} était attendue (un littéral)"),
            );
            return None;
        };
        if !types::assignable(&ty, expected) {
            self.err(
                codes::BAD_CONSTANT,
                file,
                e.span,
                format!("constante de type {ty} alors que le type déclaré est {expected}"),
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

    fn declare_param(&mut self, file: FileId, p: &ast::ParamDecl) {
        let ty = self.resolve_type(file, &p.ty);
        let key_ty = p.key.as_ref().map(|k| self.resolve_type(file, k));
        if let Some(k) = &key_ty {
            if !matches!(k, Type::Int | Type::Text | Type::Enum(_) | Type::Error) {
                if let Some(kt) = &p.key {
                    self.err(
                        codes::BAD_CONSTANT,
                        file,
                        kt.span,
                        format!(
                            "une clé de table est un entier, un texte ou une énumération, pas {}",
                            k.with_article()
                        ),
                    );
                }
            }
        }
        let versions = crate::check_periods::versions(
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
            crate::hir::ParamItem {
                name: p.name.clone(),
                file,
                ty,
                key_ty,
                versions,
            },
        );
    }

    fn param_value(
        &mut self,
        file: FileId,
        p: &ast::ParamDecl,
        ty: &Type,
        key_ty: Option<&Type>,
        v: &ast::ParamVersion,
    ) -> Option<crate::hir::ParamData> {
        use crate::hir::ParamData;
        match (&v.value, key_ty) {
            (ast::ParamValue::Scalar(e), None) => self.constant(file, e, ty).map(ParamData::Scalar),
            (ast::ParamValue::Table(entries), Some(kt)) => {
                let mut out: Vec<(Const, Const)> = Vec::new();
                let mut spans: Vec<Span> = Vec::new();
                for entry in entries {
                    let k = self.constant(file, &entry.key, kt);
                    let val = self.constant(file, &entry.value, ty);
                    let (Some(k), Some(val)) = (k, val) else {
                        continue;
                    };
                    if let Some(i) = out.iter().position(|(x, _)| *x == k) {
                        let first = spans.get(i).copied().unwrap_or(entry.span);
                        let d = Diagnostic::error(
                            codes::DUPLICATE_KEY,
                            file,
                            entry.key.span,
                            format!("clé en double dans la table `{}`", p.name.name),
                        )
                        .with_primary_message("seconde entrée")
                        .with_label(file, first, "première entrée");
                        self.push(d);
                        continue;
                    }
                    out.push((k, val));
                    spans.push(entry.key.span);
                }
                if let Type::Enum(q) = kt {
                    if let Some(vs) = self.enum_variants(q) {
                        let missing: Vec<String> = vs
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| {
                                !out.iter().any(|(k, _)| {
                                    matches!(k, Const::Variant(_, j) if usize::try_from(*j).ok() == Some(*i))
                                })
                            })
                            .map(|(_, v)| format!("`{v}`"))
                            .collect();
                        if !missing.is_empty() {
                            let d = Diagnostic::warning(
                                codes::MISSING_VARIANTS,
                                file,
                                v.validity.from_span,
                                format!(
                                    "la table `{}` n'a pas de valeur pour {}",
                                    p.name.name,
                                    missing.join(", ")
                                ),
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
                    format!(
                        "`{}` est une table : chaque version donne des entrées `clé => valeur`",
                        p.name.name
                    ),
                );
                None
            }
            (ast::ParamValue::Table(_), None) => {
                self.err(
                    codes::BAD_CONSTANT,
                    file,
                    v.span,
                    format!(
                        "`{}` n'est pas une table : chaque version donne une seule valeur",
                        p.name.name
                    ),
                );
                None
            }
        }
    }

    fn declare_bareme(&mut self, file: FileId, b: &ast::BaremeDecl) {
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
                format!(
                    "un barème porte sur un nombre, un montant ou un taux, pas sur {}",
                    input_ty.with_article()
                ),
            );
        }
        let columns = match &b.columns {
            None => None,
            Some(id) if BUILTIN_TYPES.contains(&id.name.as_str()) => {
                self.err(
                    codes::MALFORMED_BAREME,
                    file,
                    id.span,
                    format!(
                        "`colonnes` attend une énumération ; `{}` n'en est pas une",
                        id.name
                    ),
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
                        format!(
                            "`colonnes` attend une énumération ; `{}` n'en est pas une",
                            id.name
                        ),
                    );
                    None
                }
            },
        };
        let column_names: Option<Vec<String>> = columns
            .as_ref()
            .and_then(|q| self.enum_variants(q).cloned());
        let versions = crate::check_periods::versions(
            self,
            file,
            &b.name,
            b.versions.iter().map(|v| (&v.validity, v.span)).collect(),
            |ctx, i| {
                let v = b.versions.get(i)?;
                crate::check_baremes::rows(
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
            crate::hir::BaremeItem {
                name: b.name.clone(),
                file,
                input_ty,
                output_ty,
                columns,
                versions,
            },
        );
    }

    fn declare_function_signature(&mut self, file: FileId, f: &ast::FunctionDecl) {
        let params: Vec<(Ident, Type)> = f
            .params
            .iter()
            .map(|p| (p.name.clone(), self.resolve_type(file, &p.ty)))
            .collect();
        self.check_duplicate_members(file, f.params.iter().map(|p| &p.name), "le paramètre");
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

    fn check_function_body(&mut self, file: FileId, f: &ast::FunctionDecl, _span: Span) {
        let Some(sig) = self.out.functions.get(&f.name.name) else {
            return;
        };
        // The declaration may be a duplicate: only the first one is checked.
        if sig.name.span != f.name.span {
            return;
        }
        let mut scope = Scope::default();
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
    fn check_declared(
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
                format!(
                    "`{}` est déclaré {declared} mais son expression est {}",
                    name.name,
                    e.ty.with_article()
                ),
            )
            .with_label(file, name.span, format!("déclaré {declared} ici"));
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

    fn declare_cumul(&mut self, file: FileId, c: &ast::CumulDecl) {
        let mut ok = true;
        for id in [&c.left, &c.right] {
            if !self.local_dispositifs.contains_key(&id.name) {
                ok = false;
                let d = Diagnostic::error(
                    codes::UNKNOWN_NAME,
                    file,
                    id.span,
                    format!("dispositif inconnu : `{}`", id.name),
                )
                .with_suggestion(&id.name, self.local_dispositifs.keys().map(String::as_str));
                self.push(d);
            }
        }
        if ok {
            self.out.cumuls.push(CumulItem {
                kind: c.kind,
                left: self.qname(&c.left.name),
                right: self.qname(&c.right.name),
            });
        }
    }

    // ----- values, conditions, dispositifs -----

    fn type_values(&mut self, decls: &[(FileId, &'a Decl)]) {
        // Units and their declarations, in source order.
        struct UnitDecl<'d> {
            unit: Unit,
            file: FileId,
            kind: ValueKind,
            value: Option<&'d ast::ValueDecl>,
            condition: Option<&'d ast::ConditionDecl>,
            span: Span,
        }
        let mut units: Vec<UnitDecl<'a>> = Vec::new();
        for (file, decl) in decls {
            // Duplicates are reported already; only the first declaration is checked.
            let is_first = decl
                .kind
                .name()
                .and_then(|n| self.decls.get(&n.name))
                .is_some_and(|(_, d)| std::ptr::eq(*d, *decl));
            if !is_first {
                continue;
            }
            match &decl.kind {
                DeclKind::Value(v) => units.push(UnitDecl {
                    unit: Unit::Top(v.name.name.clone()),
                    file: *file,
                    kind: ValueKind::Value,
                    value: Some(v),
                    condition: None,
                    span: decl.span,
                }),
                DeclKind::Condition(c) => units.push(UnitDecl {
                    unit: Unit::Top(c.name.name.clone()),
                    file: *file,
                    kind: ValueKind::Condition,
                    value: None,
                    condition: Some(c),
                    span: decl.span,
                }),
                DeclKind::Dispositif(d) => {
                    let mut seen: Vec<&Ident> = Vec::new();
                    for item in &d.items {
                        let (kind, value, condition, name) = match &item.kind {
                            DispositifItemKind::Condition(c) => {
                                (ValueKind::Condition, None, Some(c), &c.name)
                            }
                            DispositifItemKind::Value(v) => {
                                (ValueKind::Value, Some(v), None, &v.name)
                            }
                            DispositifItemKind::Let(v) => (ValueKind::Let, Some(v), None, &v.name),
                        };
                        if let Some(first) = seen.iter().find(|n| n.name == name.name) {
                            let diag = Diagnostic::error(
                                codes::DUPLICATE,
                                *file,
                                name.span,
                                format!("`{}` est déjà défini dans `{}`", name.name, d.name.name),
                            )
                            .with_primary_message("seconde définition")
                            .with_label(
                                *file,
                                first.span,
                                "première définition",
                            );
                            self.push(diag);
                            continue;
                        }
                        seen.push(name);
                        units.push(UnitDecl {
                            unit: Unit::Item(d.name.name.clone(), name.name.clone()),
                            file: *file,
                            kind,
                            value,
                            condition,
                            span: item.span,
                        });
                    }
                }
                _ => {}
            }
        }
        // Declared types are known up front; conditions are booleans.
        let mut declared: HashMap<Unit, Option<Type>> = HashMap::new();
        for u in &units {
            let ty = match (u.kind, u.value) {
                (ValueKind::Condition, _) => Some(Type::Bool),
                (_, Some(v)) => v.ty.as_ref().map(|t| self.resolve_type(u.file, t)),
                (_, None) => None,
            };
            if let Some(t) = &ty {
                self.unit_types.insert(u.unit.clone(), t.clone());
            }
            declared.insert(u.unit.clone(), ty);
        }
        // Typing order: a unit without declared type after the units it mentions.
        let index: HashMap<Unit, usize> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.unit.clone(), i))
            .collect();
        let mut indegree = vec![0usize; units.len()];
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
        for (i, u) in units.iter().enumerate() {
            let mut names = Vec::new();
            if let Some(v) = u.value {
                mentioned(&v.expr, &mut names, MAX_DEPTH);
                for ex in &v.exceptions {
                    mentioned(&ex.value, &mut names, MAX_DEPTH);
                }
            }
            let disp = match &u.unit {
                Unit::Item(d, _) => Some(d.clone()),
                Unit::Top(_) => None,
            };
            let mut deps: HashSet<usize> = HashSet::new();
            for (qual, name) in names {
                let target = match (&qual, &disp) {
                    (None, Some(d))
                        if self
                            .local_dispositifs
                            .get(d)
                            .is_some_and(|m| m.contains_key(&name)) =>
                    {
                        Unit::Item(d.clone(), name)
                    }
                    (None, _) => Unit::Top(name),
                    (Some(q), _) if self.local_dispositifs.contains_key(q) => {
                        Unit::Item(q.clone(), name)
                    }
                    (Some(_), _) => continue,
                };
                if let Some(&j) = index.get(&target) {
                    if j != i
                        && declared.get(&target).is_some_and(Option::is_none)
                        && deps.insert(j)
                    {
                        if let (Some(deg), Some(list)) =
                            (indegree.get_mut(i), dependents.get_mut(j))
                        {
                            *deg += 1;
                            list.push(i);
                        }
                    }
                }
            }
        }
        let mut queue: VecDeque<usize> = indegree
            .iter()
            .enumerate()
            .filter(|(_, d)| **d == 0)
            .map(|(i, _)| i)
            .collect();
        let mut order: Vec<usize> = Vec::new();
        let mut done = vec![false; units.len()];
        while let Some(i) = queue.pop_front() {
            order.push(i);
            if let Some(d) = done.get_mut(i) {
                *d = true;
            }
            for &j in dependents.get(i).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(deg) = indegree.get_mut(j) {
                    *deg = deg.saturating_sub(1);
                    if *deg == 0 {
                        queue.push_back(j);
                    }
                }
            }
        }
        // Units in a cycle: typed last, their cyclic references read as errors.
        order.extend((0..units.len()).filter(|i| !done.get(*i).copied().unwrap_or(true)));

        let mut items: HashMap<Unit, ValueItem> = HashMap::new();
        for i in order {
            let Some(u) = units.get(i) else { continue };
            let scope = Scope {
                locals: Vec::new(),
                dispositif: match &u.unit {
                    Unit::Item(d, _) => Some(d.clone()),
                    Unit::Top(_) => None,
                },
            };
            let key = match &u.unit {
                Unit::Top(n) => DefKey::Top(self.qname(n)),
                Unit::Item(d, n) => DefKey::Item {
                    dispositif: self.qname(d),
                    name: n.clone(),
                },
            };
            let item = if let Some(c) = u.condition {
                let e = self.root_expr(u.file, &c.expr, &scope, Some(&Type::Bool));
                self.expect_bool(u.file, &e, "une condition");
                let message = c.message.as_ref().map(|m| {
                    m.parts
                        .iter()
                        .map(|p| match p {
                            ast::MessagePart::Text(t) => TMessagePart::Text(t.clone()),
                            ast::MessagePart::Expr(x) => {
                                TMessagePart::Value(self.root_expr(u.file, x, &scope, None))
                            }
                        })
                        .collect()
                });
                ValueItem {
                    key,
                    name: c.name.clone(),
                    file: u.file,
                    kind: ValueKind::Condition,
                    ty: Type::Bool,
                    expr: e,
                    exceptions: Vec::new(),
                    message,
                    span: u.span,
                }
            } else if let Some(v) = u.value {
                let declared_ty = declared.get(&u.unit).cloned().flatten();
                let e = self.root_expr(u.file, &v.expr, &scope, declared_ty.as_ref());
                let e = self.check_declared(u.file, e, declared_ty.as_ref(), &v.name);
                let ty = e.ty.clone();
                let mut exceptions = Vec::new();
                for ex in &v.exceptions {
                    let cond = self.root_expr(u.file, &ex.condition, &scope, Some(&Type::Bool));
                    self.expect_bool(u.file, &cond, "la condition d'une exception");
                    let value = self.root_expr(u.file, &ex.value, &scope, Some(&ty));
                    let value = if types::assignable(&value.ty, &ty) {
                        coerce(value, &ty)
                    } else {
                        let d = Diagnostic::error(
                            codes::DECLARED_TYPE,
                            u.file,
                            value.span,
                            format!(
                                "l'exception donne {} alors que `{}` est {ty}",
                                value.ty.with_article(),
                                v.name.name
                            ),
                        );
                        self.push(d);
                        value
                    };
                    let label = self.text_of(u.file, ex.condition.span);
                    exceptions.push(TException {
                        condition: cond,
                        value,
                        label,
                        span: ex.span,
                    });
                }
                ValueItem {
                    key,
                    name: v.name.clone(),
                    file: u.file,
                    kind: u.kind,
                    ty,
                    expr: e,
                    exceptions,
                    message: None,
                    span: u.span,
                }
            } else {
                continue;
            };
            self.unit_types.insert(u.unit.clone(), item.ty.clone());
            items.insert(u.unit.clone(), item);
        }
        // Store in declaration order.
        for u in &units {
            let Some(item) = items.remove(&u.unit) else {
                continue;
            };
            match &u.unit {
                Unit::Top(n) => {
                    self.out.values.insert(n.clone(), item);
                }
                Unit::Item(d, _) => {
                    if let Some(disp) = self.out.dispositifs.iter_mut().find(|x| x.name.name == *d)
                    {
                        disp.items.push(item);
                    } else if let Some((file, decl)) = self.decls.get(d) {
                        let (title, name) = match &decl.kind {
                            DeclKind::Dispositif(dd) => (dd.title.clone(), dd.name.clone()),
                            _ => continue,
                        };
                        self.out.dispositifs.push(DispositifItem {
                            name,
                            file: *file,
                            title,
                            items: vec![item],
                            span: decl.span,
                        });
                    }
                }
            }
        }
        // Dispositifs without items, in declaration order.
        for (file, decl) in decls {
            if let DeclKind::Dispositif(d) = &decl.kind {
                let is_first = self
                    .decls
                    .get(&d.name.name)
                    .is_some_and(|(_, x)| std::ptr::eq(*x, *decl));
                if is_first && self.out.dispositif(&d.name.name).is_none() {
                    self.out.dispositifs.push(DispositifItem {
                        name: d.name.clone(),
                        file: *file,
                        title: d.title.clone(),
                        items: Vec::new(),
                        span: decl.span,
                    });
                }
            }
        }
        let order: HashMap<String, usize> = decls
            .iter()
            .enumerate()
            .filter_map(|(i, (_, d))| match &d.kind {
                DeclKind::Dispositif(x) => Some((x.name.name.clone(), i)),
                _ => None,
            })
            .collect();
        self.out
            .dispositifs
            .sort_by_key(|d| order.get(&d.name.name).copied().unwrap_or(usize::MAX));
        crate::check_exceptions::check(&mut self.out);
    }

    fn expect_bool(&mut self, file: FileId, e: &TExpr, what: &str) {
        if !matches!(e.ty, Type::Bool | Type::Error) {
            self.err(
                codes::NOT_BOOLEAN,
                file,
                e.span,
                format!("{what} doit être un booléen, pas {}", e.ty.with_article()),
            );
        }
    }

    /// A root expression: checked for depth first so that no recursion below goes deeper
    /// than [`MAX_DEPTH`].
    fn root_expr(
        &mut self,
        file: FileId,
        e: &ast::Expr,
        scope: &Scope,
        expected: Option<&Type>,
    ) -> TExpr {
        if too_deep(e, MAX_DEPTH) {
            self.err(
                codes::TOO_DEEP,
                file,
                e.span,
                format!("expression trop imbriquée (plus de {MAX_DEPTH} niveaux)"),
            );
            return TExpr::error(e.span);
        }
        self.expr(file, e, scope, expected)
    }

    // ----- expressions -----

    /// An expression used as a value: a whole structure is not one.
    fn expr(
        &mut self,
        file: FileId,
        e: &ast::Expr,
        scope: &Scope,
        expected: Option<&Type>,
    ) -> TExpr {
        let t = self.expr_raw(file, e, scope, expected);
        if let Type::Struct(q) = t.ty.strip_optional() {
            let name = q.name.clone();
            self.err(
                codes::WRONG_KIND,
                file,
                e.span,
                format!("cette expression est une structure {name} : utilisez un de ses champs"),
            );
            return TExpr::error(e.span);
        }
        t
    }

    fn expr_raw(
        &mut self,
        file: FileId,
        e: &ast::Expr,
        scope: &Scope,
        expected: Option<&Type>,
    ) -> TExpr {
        let span = e.span;
        let mk = |kind: TKind, ty: Type| TExpr { kind, ty, span };
        match &e.kind {
            ExprKind::Lit(lit) => {
                let (ty, value) = lit_type(lit);
                match value {
                    Some(v) => mk(TKind::Const(Const::Value(v)), ty),
                    None => {
                        self.err(codes::TYPE_MISMATCH, file, span, "durée trop grande");
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::Name(id) => self.name_value(file, id, scope, expected),
            ExprKind::Field(base, f) => self.field(file, base, f, scope, span),
            ExprKind::Call(callee, args) => self.call(file, callee, args, scope, span),
            ExprKind::Index(base, key) => match self.callee_target(file, base, scope) {
                Some(Callee::Target(Target::Param(q, true))) => {
                    self.table_get(file, q, key, scope, span)
                }
                Some(Callee::Error) => TExpr::error(span),
                Some(Callee::Target(other)) => {
                    let msg = format!(
                        "{} : seule une table se consulte avec `[clé]`",
                        describe(&other)
                    );
                    self.err(codes::WRONG_KIND, file, base.span, msg);
                    TExpr::error(span)
                }
                None => {
                    self.err(
                        codes::WRONG_KIND,
                        file,
                        base.span,
                        "seule une table se consulte avec `[clé]`",
                    );
                    TExpr::error(span)
                }
            },
            ExprKind::At(inner, date) => {
                let mut t = self.expr(file, inner, scope, expected);
                let d = self.expr(file, date, scope, Some(&Type::Date));
                if !matches!(d.ty, Type::Date | Type::Error) {
                    self.err(
                        codes::TYPE_MISMATCH,
                        file,
                        date.span,
                        format!("`au` attend une date, pas {}", d.ty.with_article()),
                    );
                }
                let slot = match &mut t.kind {
                    TKind::Param { at, .. }
                    | TKind::TableGet { at, .. }
                    | TKind::Bareme { at, .. } => Some(at),
                    _ => None,
                };
                match slot {
                    Some(at) if at.is_none() => {
                        *at = Some(Box::new(d));
                        t.span = span;
                        t
                    }
                    _ => {
                        if !t.ty.is_error() {
                            self.err(
                                codes::WRONG_KIND,
                                file,
                                inner.span,
                                "`au` s'applique à un paramètre, une table ou un barème",
                            );
                        }
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::Unary(UnaryOp::Neg, a) => {
                let a = self.expr(file, a, scope, expected);
                match a.ty {
                    Type::Int
                    | Type::Decimal
                    | Type::Money(_)
                    | Type::Rate
                    | Type::Duration(_)
                    | Type::Error => {
                        let ty = a.ty.clone();
                        mk(TKind::Unary(UnOp::Neg, Box::new(a)), ty)
                    }
                    _ => {
                        self.err(
                            codes::TYPE_MISMATCH,
                            file,
                            span,
                            format!("le signe `-` ne s'applique pas à {}", a.ty.with_article()),
                        );
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::Unary(UnaryOp::Not, a) => {
                let a = self.expr(file, a, scope, Some(&Type::Bool));
                self.expect_bool(file, &a, "l'argument de `non`");
                mk(TKind::Unary(UnOp::Not, Box::new(a)), Type::Bool)
            }
            ExprKind::Binary(op, l, r) => {
                let l = self.expr(file, l, scope, None);
                let hint = match op {
                    BinaryOp::Eq
                    | BinaryOp::Ne
                    | BinaryOp::Lt
                    | BinaryOp::Le
                    | BinaryOp::Gt
                    | BinaryOp::Ge => Some(l.ty.strip_optional().clone()),
                    _ => None,
                };
                let r = self.expr(file, r, scope, hint.as_ref());
                match types::binary(*op, &l.ty, &r.ty) {
                    Ok(ty) => {
                        let (l, r) = (Box::new(l), Box::new(r));
                        let kind = match op {
                            BinaryOp::And => TKind::And(l, r),
                            BinaryOp::Or => TKind::Or(l, r),
                            BinaryOp::Add => TKind::Binary(BinOp::Add, l, r),
                            BinaryOp::Sub => TKind::Binary(BinOp::Sub, l, r),
                            BinaryOp::Mul => TKind::Binary(BinOp::Mul, l, r),
                            BinaryOp::Div => TKind::Binary(BinOp::Div, l, r),
                            BinaryOp::Eq => TKind::Binary(BinOp::Eq, l, r),
                            BinaryOp::Ne => TKind::Binary(BinOp::Ne, l, r),
                            BinaryOp::Lt => TKind::Binary(BinOp::Lt, l, r),
                            BinaryOp::Le => TKind::Binary(BinOp::Le, l, r),
                            BinaryOp::Gt => TKind::Binary(BinOp::Gt, l, r),
                            BinaryOp::Ge => TKind::Binary(BinOp::Ge, l, r),
                        };
                        mk(kind, ty)
                    }
                    Err(msg) => {
                        let d = Diagnostic::error(codes::TYPE_MISMATCH, file, span, msg)
                            .with_label(file, l.span, l.ty.to_string())
                            .with_label(file, r.span, r.ty.to_string());
                        self.push(d);
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::If(c, a, b) => {
                let c = self.expr(file, c, scope, Some(&Type::Bool));
                self.expect_bool(file, &c, "la condition de `si`");
                let a = self.expr(file, a, scope, expected);
                let b = self.expr(file, b, scope, Some(expected.unwrap_or(&a.ty)));
                match types::unify(&a.ty, &b.ty) {
                    Some(ty) => mk(TKind::If(Box::new(c), Box::new(a), Box::new(b)), ty),
                    None => {
                        let d = Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            file,
                            span,
                            format!(
                                "les deux branches de `si` n'ont pas le même type : {} et {}",
                                a.ty, b.ty
                            ),
                        )
                        .with_label(file, a.span, a.ty.to_string())
                        .with_label(file, b.span, b.ty.to_string());
                        self.push(d);
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::InRange(x, lo, hi) => {
                let x = self.expr(file, x, scope, None);
                let lo = self.expr(file, lo, scope, Some(&x.ty));
                let hi = self.expr(file, hi, scope, Some(&x.ty));
                for b in [&lo, &hi] {
                    if !types::comparable(&x.ty, &b.ty, false) {
                        self.err(
                            codes::TYPE_MISMATCH,
                            file,
                            b.span,
                            format!(
                                "impossible de comparer {} et {}",
                                x.ty.with_article(),
                                b.ty.with_article()
                            ),
                        );
                    }
                }
                mk(
                    TKind::InRange(Box::new(x), Box::new(lo), Box::new(hi)),
                    Type::Bool,
                )
            }
            ExprKind::InSet(x, set) => {
                let x = self.expr(file, x, scope, None);
                let hint = x.ty.strip_optional().clone();
                let set = self.set_elements(file, set, scope, &hint);
                mk(TKind::InSet(Box::new(x), set), Type::Bool)
            }
            ExprKind::Contains(list, x) => {
                let list = self.expr(file, list, scope, None);
                let elem = self.list_element(file, &list);
                let x = self.expr(file, x, scope, Some(&elem));
                if !types::comparable(&elem, &x.ty, true) {
                    self.err(
                        codes::TYPE_MISMATCH,
                        file,
                        x.span,
                        format!("la liste contient des {elem}, pas {}", x.ty.with_article()),
                    );
                }
                mk(TKind::Contains(Box::new(list), Box::new(x)), Type::Bool)
            }
            ExprKind::ContainsAny(list, set) => {
                let list = self.expr(file, list, scope, None);
                let elem = self.list_element(file, &list);
                let set = self.set_elements(file, set, scope, &elem);
                mk(TKind::ContainsAny(Box::new(list), set), Type::Bool)
            }
            ExprKind::Round(x, mode) => {
                let x = self.expr(file, x, scope, expected);
                match x.ty {
                    Type::Money(_) | Type::Decimal | Type::Rate | Type::Error => {
                        let ty = x.ty.clone();
                        mk(TKind::Round(Box::new(x), *mode), ty)
                    }
                    _ => {
                        self.err(
                            codes::BAD_ARGUMENTS,
                            file,
                            x.span,
                            format!("`arrondi` s'applique à un montant, un décimal ou un taux, pas à {}", x.ty.with_article()),
                        );
                        TExpr::error(span)
                    }
                }
            }
        }
    }

    fn list_element(&mut self, file: FileId, list: &TExpr) -> Type {
        match list.ty.strip_optional() {
            Type::List(t) => (**t).clone(),
            Type::Error => Type::Error,
            other => {
                let msg = format!(
                    "`contient` s'applique à une liste, pas à {}",
                    other.with_article()
                );
                self.err(codes::TYPE_MISMATCH, file, list.span, msg);
                Type::Error
            }
        }
    }

    fn set_elements(
        &mut self,
        file: FileId,
        set: &[ast::Expr],
        scope: &Scope,
        elem: &Type,
    ) -> Vec<TExpr> {
        set.iter()
            .map(|s| {
                let t = self.expr(file, s, scope, Some(elem));
                if !types::comparable(elem, &t.ty, true) {
                    self.err(
                        codes::TYPE_MISMATCH,
                        file,
                        t.span,
                        format!(
                            "impossible de comparer {} et {}",
                            elem.with_article(),
                            t.ty.with_article()
                        ),
                    );
                }
                t
            })
            .collect()
    }

    /// What a declaration of this ruleset (`None`) or of an imported one names.
    fn target(&self, ruleset: Option<&str>, name: &str) -> Option<Target> {
        match ruleset {
            None => {
                let (_, decl) = self.decls.get(name).or_else(|| self.types.get(name))?;
                let q = self.qname(name);
                Some(match &decl.kind {
                    DeclKind::Enum(_) => Target::Enum(q),
                    DeclKind::Struct(_) => Target::Struct(q),
                    DeclKind::Input(_) => Target::Input(
                        name.to_owned(),
                        self.out.inputs.get(name).cloned().unwrap_or(Type::Error),
                    ),
                    DeclKind::Param(p) => Target::Param(q, p.key.is_some()),
                    DeclKind::Bareme(_) => Target::Bareme(q),
                    DeclKind::Value(_) | DeclKind::Condition(_) => {
                        let ty = self
                            .unit_types
                            .get(&Unit::Top(name.to_owned()))
                            .cloned()
                            .unwrap_or(Type::Error);
                        Target::Value(DefKey::Top(q), ty)
                    }
                    DeclKind::Function(_) => Target::Function(q),
                    DeclKind::Dispositif(_) => Target::Dispositif(q),
                    DeclKind::Import(_) | DeclKind::Cumul(_) => return None,
                })
            }
            Some(rs) => crate::resolve::target_in(self.all.get(rs)?, name),
        }
    }

    fn is_local_name(&self, name: &str, scope: &Scope) -> bool {
        scope.locals.iter().any(|(n, _, _)| n == name)
            || scope
                .dispositif
                .as_ref()
                .and_then(|d| self.local_dispositifs.get(d))
                .is_some_and(|items| items.contains_key(name))
    }

    fn name_value(
        &mut self,
        file: FileId,
        id: &Ident,
        scope: &Scope,
        expected: Option<&Type>,
    ) -> TExpr {
        let span = id.span;
        let name = id.name.as_str();
        // Where an enumeration is expected, its variants win over homonyms:
        // `condition seul : demandeur.situation_familiale = seul`.
        if let Some(Type::Enum(q)) = expected {
            if let Some(i) = self
                .enum_variants(q)
                .and_then(|vs| vs.iter().position(|v| v == name))
            {
                return TExpr {
                    kind: TKind::Const(Const::Variant(
                        q.clone(),
                        u32::try_from(i).unwrap_or(u32::MAX),
                    )),
                    ty: Type::Enum(q.clone()),
                    span,
                };
            }
        }
        if let Some((_, idx, ty)) = scope.locals.iter().rev().find(|(n, _, _)| n == name) {
            return TExpr {
                kind: TKind::Local(*idx),
                ty: ty.clone(),
                span,
            };
        }
        if let Some(d) = &scope.dispositif {
            if self
                .local_dispositifs
                .get(d)
                .is_some_and(|items| items.contains_key(name))
            {
                let ty = self
                    .unit_types
                    .get(&Unit::Item(d.clone(), name.to_owned()))
                    .cloned()
                    .unwrap_or(Type::Error);
                return TExpr {
                    kind: TKind::Def(DefKey::Item {
                        dispositif: self.qname(d),
                        name: name.to_owned(),
                    }),
                    ty,
                    span,
                };
            }
        }
        if let Some(t) = self.target(None, name) {
            return self.target_value(file, t, id);
        }
        if is_decision_date(name) {
            return TExpr {
                kind: TKind::DecisionDate,
                ty: Type::Date,
                span,
            };
        }
        // Imported entrées, types and variants are visible unqualified.
        for imp in self.imports.clone() {
            if let Some(c) = self.all.get(imp.as_str()) {
                if let Some(ty) = c.inputs.get(name) {
                    let t = Target::Input(name.to_owned(), ty.clone());
                    return self.target_value(file, t, id);
                }
                if c.enums.contains_key(name) {
                    return self.target_value(file, Target::Enum(QName::new(&imp, name)), id);
                }
                if c.structs.contains_key(name) {
                    return self.target_value(file, Target::Struct(QName::new(&imp, name)), id);
                }
            }
        }
        let found = self.variants_named(name);
        if let [(q, i)] = found.as_slice() {
            return TExpr {
                kind: TKind::Const(Const::Variant(q.clone(), *i)),
                ty: Type::Enum(q.clone()),
                span,
            };
        }
        if self.broken_imports.iter().any(|i| i == name) {
            return TExpr::error(span);
        }
        if self.imports.iter().any(|i| i == name) {
            self.err(
                codes::WRONG_KIND,
                file,
                span,
                format!("`{name}` est un jeu de règles importé : écrivez `{name}.nom`"),
            );
            return TExpr::error(span);
        }
        let mut d = if found.len() > 1 {
            Diagnostic::error(
                codes::UNKNOWN_NAME,
                file,
                span,
                format!("`{name}` est une variante de plusieurs énumérations : le contexte ne dit pas laquelle"),
            )
        } else if let Some(Type::Enum(q)) = expected {
            Diagnostic::error(
                codes::UNKNOWN_MEMBER,
                file,
                span,
                format!("`{name}` n'est pas une variante de `{}`", q.name),
            )
        } else {
            Diagnostic::error(
                codes::UNKNOWN_NAME,
                file,
                span,
                format!("nom inconnu : `{name}`"),
            )
        };
        if found.is_empty() {
            let candidates = self.names_in_scope(scope, expected);
            d = d.with_suggestion(name, candidates.iter().map(String::as_str));
        }
        self.push(d);
        TExpr::error(span)
    }

    fn variants_named(&self, name: &str) -> Vec<(QName, u32)> {
        let mut found = Vec::new();
        let mut look = |rs: &str, enums: &BTreeMap<String, EnumItem>| {
            for (en, e) in enums {
                if let Some(i) = e.variants.iter().position(|v| v == name) {
                    found.push((QName::new(rs, en), u32::try_from(i).unwrap_or(u32::MAX)));
                }
            }
        };
        look(&self.ident, &self.out.enums);
        for imp in &self.imports {
            if let Some(c) = self.all.get(imp) {
                look(imp, &c.enums);
            }
        }
        found
    }

    fn names_in_scope(&self, scope: &Scope, expected: Option<&Type>) -> Vec<String> {
        let mut out: Vec<String> = scope.locals.iter().map(|(n, _, _)| n.clone()).collect();
        if let Some(items) = scope
            .dispositif
            .as_ref()
            .and_then(|d| self.local_dispositifs.get(d))
        {
            out.extend(items.keys().cloned());
        }
        out.extend(self.decls.keys().cloned());
        out.extend(BUILTIN_NAMES.iter().map(|s| s.to_string()));
        out.extend(self.imports.iter().cloned());
        for imp in &self.imports {
            if let Some(c) = self.all.get(imp) {
                out.extend(c.inputs.keys().cloned());
            }
        }
        if let Some(Type::Enum(q)) = expected {
            if let Some(vs) = self.enum_variants(q) {
                out.extend(vs.iter().cloned());
            }
        }
        out
    }

    fn target_value(&mut self, file: FileId, t: Target, id: &Ident) -> TExpr {
        let span = id.span;
        let name = &id.name;
        let msg = match t {
            Target::Value(key, ty) => {
                return TExpr {
                    kind: TKind::Def(key),
                    ty,
                    span,
                }
            }
            Target::Input(root, ty) => {
                return TExpr {
                    kind: TKind::Input(vec![InputSegment {
                        name: root,
                        optional: matches!(ty, Type::Optional(_)),
                        ty: ty.clone(),
                    }]),
                    ty,
                    span,
                }
            }
            Target::Param(q, false) => {
                let ty = self.param_type(&q).unwrap_or(Type::Error);
                return TExpr {
                    kind: TKind::Param { param: q, at: None },
                    ty,
                    span,
                };
            }
            Target::Param(_, true) => {
                format!("`{name}` est une table : elle se consulte avec une clé, `{name}[clé]`")
            }
            Target::Bareme(_) => {
                format!("`{name}` est un barème : il s'applique à une valeur, `{name}(x)`")
            }
            Target::Function(_) => format!(
                "`{name}` est une fonction : elle s'appelle avec ses arguments, `{name}(…)`"
            ),
            Target::Dispositif(_) => {
                format!(
                    "`{name}` est un dispositif : écrivez `{name}.éligible` ou `{name}.<valeur>`"
                )
            }
            Target::Enum(_) => format!("`{name}` est une énumération, pas une valeur"),
            Target::Struct(q) => format!("`{}` est une structure, pas une valeur", q.name),
        };
        self.err(codes::WRONG_KIND, file, span, msg);
        TExpr::error(span)
    }

    fn param_type(&self, q: &QName) -> Option<Type> {
        let p = if q.ruleset == self.ident {
            self.out.params.get(&q.name)
        } else {
            self.all.get(&q.ruleset)?.params.get(&q.name)
        }?;
        Some(p.ty.clone())
    }

    fn param_key_type(&self, q: &QName) -> Option<Type> {
        let p = if q.ruleset == self.ident {
            self.out.params.get(&q.name)
        } else {
            self.all.get(&q.ruleset)?.params.get(&q.name)
        }?;
        p.key_ty.clone()
    }

    fn bareme_types(&self, q: &QName) -> Option<(Type, Type, Option<QName>)> {
        let b = if q.ruleset == self.ident {
            self.out.baremes.get(&q.name)
        } else {
            self.all.get(&q.ruleset)?.baremes.get(&q.name)
        }?;
        Some((b.input_ty.clone(), b.output_ty.clone(), b.columns.clone()))
    }

    fn function_sig(&self, q: &QName) -> Option<(Vec<Type>, Type)> {
        let f = if q.ruleset == self.ident {
            self.out.functions.get(&q.name)
        } else {
            self.all.get(&q.ruleset)?.functions.get(&q.name)
        }?;
        Some((
            f.params.iter().map(|(_, t)| t.clone()).collect(),
            f.ret.clone(),
        ))
    }

    fn dispositif_output(&self, q: &QName, item: &str) -> Result<Type, Vec<String>> {
        if q.ruleset == self.ident {
            let items = self.local_dispositifs.get(&q.name).ok_or_else(Vec::new)?;
            match items.get(item) {
                Some(ValueKind::Value) => Ok(self
                    .unit_types
                    .get(&Unit::Item(q.name.clone(), item.to_owned()))
                    .cloned()
                    .unwrap_or(Type::Error)),
                _ => Err(items
                    .iter()
                    .filter(|(_, k)| **k == ValueKind::Value)
                    .map(|(n, _)| n.clone())
                    .collect()),
            }
        } else {
            let d = self
                .all
                .get(&q.ruleset)
                .and_then(|c| c.dispositif(&q.name))
                .ok_or_else(Vec::new)?;
            match d.items.iter().find(|i| i.name.name == item) {
                Some(i) if i.kind == ValueKind::Value => Ok(i.ty.clone()),
                _ => Err(d
                    .items
                    .iter()
                    .filter(|i| i.kind == ValueKind::Value)
                    .map(|i| i.name.name.clone())
                    .collect()),
            }
        }
    }

    fn field(
        &mut self,
        file: FileId,
        base: &ast::Expr,
        f: &Ident,
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        // `national.x`: a declaration of an imported ruleset.
        if let ExprKind::Name(q) = &base.kind {
            let shadowed = self.is_local_name(&q.name, scope) || self.decls.contains_key(&q.name);
            if !shadowed && self.imports.contains(&q.name) {
                return match self.target(Some(&q.name), &f.name) {
                    Some(t) => {
                        let mut e = self.target_value(file, t, f);
                        e.span = span;
                        e
                    }
                    None => {
                        let mut d = Diagnostic::error(
                            codes::UNKNOWN_MEMBER,
                            file,
                            f.span,
                            format!("`{}` ne déclare pas `{}`", q.name, f.name),
                        );
                        if let Some(c) = self.all.get(&q.name) {
                            let names = crate::resolve::declared_names(c);
                            d = d.with_suggestion(&f.name, names.iter().map(String::as_str));
                        }
                        self.push(d);
                        TExpr::error(span)
                    }
                };
            }
        }
        // `apa_domicile.montant`, `national.apa.montant`, `lieu_de_vie.domicile`.
        match self.callee_target(file, base, scope) {
            Some(Callee::Target(Target::Dispositif(q))) => {
                if is_eligible(&f.name) {
                    return TExpr {
                        kind: TKind::Eligible(q),
                        ty: Type::Bool,
                        span,
                    };
                }
                return match self.dispositif_output(&q, &f.name) {
                    Ok(ty) => TExpr {
                        kind: TKind::DispositifOutput(q, f.name.clone()),
                        ty,
                        span,
                    },
                    Err(outputs) => {
                        let mut d = Diagnostic::error(
                            codes::UNKNOWN_MEMBER,
                            file,
                            f.span,
                            format!(
                                "le dispositif `{}` n'a pas de valeur de sortie `{}`",
                                q.name, f.name
                            ),
                        );
                        let mut candidates = outputs;
                        candidates.push("éligible".to_owned());
                        d = d.with_suggestion(&f.name, candidates.iter().map(String::as_str));
                        self.push(d);
                        TExpr::error(span)
                    }
                };
            }
            Some(Callee::Target(Target::Enum(q))) => {
                let idx = self
                    .enum_variants(&q)
                    .and_then(|vs| vs.iter().position(|v| *v == f.name));
                return match idx {
                    Some(i) => TExpr {
                        kind: TKind::Const(Const::Variant(
                            q.clone(),
                            u32::try_from(i).unwrap_or(u32::MAX),
                        )),
                        ty: Type::Enum(q),
                        span,
                    },
                    None => {
                        self.err(
                            codes::UNKNOWN_MEMBER,
                            file,
                            f.span,
                            format!("`{}` n'est pas une variante de `{}`", f.name, q.name),
                        );
                        TExpr::error(span)
                    }
                };
            }
            _ => {}
        }
        let b = self.expr_raw(file, base, scope, None);
        let (segments, struct_q, optional) = match (&b.kind, b.ty.strip_optional()) {
            (TKind::Input(segs), Type::Struct(q)) => {
                (segs.clone(), q.clone(), matches!(b.ty, Type::Optional(_)))
            }
            (_, Type::Error) => return TExpr::error(span),
            (_, other) => {
                let msg = format!("`.{}` : {} n'a pas de champs", f.name, other.with_article());
                self.err(codes::WRONG_KIND, file, f.span, msg);
                return TExpr::error(span);
            }
        };
        let Some(fields) = self.struct_fields(&struct_q) else {
            return TExpr::error(span);
        };
        match fields.iter().find(|(n, _)| *n == f.name) {
            Some((_, fty)) => {
                let fty = fty.clone();
                let mut segments = segments;
                segments.push(InputSegment {
                    name: f.name.clone(),
                    optional: matches!(fty, Type::Optional(_)),
                    ty: fty.clone(),
                });
                let ty = if optional && !matches!(fty, Type::Optional(_)) {
                    Type::Optional(Box::new(fty))
                } else {
                    fty
                };
                TExpr {
                    kind: TKind::Input(segments),
                    ty,
                    span,
                }
            }
            None => {
                let names: Vec<String> = fields.iter().map(|(n, _)| n.clone()).collect();
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_MEMBER,
                    file,
                    f.span,
                    format!(
                        "la structure `{}` n'a pas de champ `{}`",
                        struct_q.name, f.name
                    ),
                );
                d = d.with_suggestion(&f.name, names.iter().map(String::as_str));
                self.push(d);
                TExpr::error(span)
            }
        }
    }

    /// The declaration named by a callee (`f`, `national.f`), if it is one.
    fn callee_target(&mut self, file: FileId, callee: &ast::Expr, scope: &Scope) -> Option<Callee> {
        match &callee.kind {
            ExprKind::Name(n) => {
                if self.is_local_name(&n.name, scope) {
                    return None;
                }
                if let Some(t) = self.target(None, &n.name) {
                    return Some(Callee::Target(t));
                }
                for imp in &self.imports {
                    if let Some(c) = self.all.get(imp) {
                        if c.enums.contains_key(&n.name) {
                            return Some(Callee::Target(Target::Enum(QName::new(imp, &n.name))));
                        }
                    }
                }
                None
            }
            ExprKind::Field(base, f) => {
                let ExprKind::Name(q) = &base.kind else {
                    return None;
                };
                let shadowed =
                    self.is_local_name(&q.name, scope) || self.decls.contains_key(&q.name);
                if shadowed || !self.imports.contains(&q.name) {
                    return None;
                }
                match self.target(Some(&q.name), &f.name) {
                    Some(t) => Some(Callee::Target(t)),
                    None => {
                        self.err(
                            codes::UNKNOWN_MEMBER,
                            file,
                            f.span,
                            format!("`{}` ne déclare pas `{}`", q.name, f.name),
                        );
                        Some(Callee::Error)
                    }
                }
            }
            _ => None,
        }
    }

    fn table_get(
        &mut self,
        file: FileId,
        q: QName,
        key: &ast::Expr,
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        let key_ty = self.param_key_type(&q).unwrap_or(Type::Error);
        let k = self.expr(file, key, scope, Some(&key_ty));
        if !types::comparable(&key_ty, &k.ty, true) {
            self.err(
                codes::BAD_ARGUMENTS,
                file,
                k.span,
                format!(
                    "la table `{}` a des clés de type {key_ty}, pas {}",
                    q.name,
                    k.ty.with_article()
                ),
            );
        }
        let ty = self.param_type(&q).unwrap_or(Type::Error);
        TExpr {
            kind: TKind::TableGet {
                param: q,
                key: Box::new(k),
                at: None,
            },
            ty,
            span,
        }
    }

    fn bareme_call(
        &mut self,
        file: FileId,
        q: QName,
        args: &[ast::Expr],
        scope: &Scope,
        span: Span,
        want: BaremeWant,
    ) -> TExpr {
        let Some((input_ty, output_ty, columns)) = self.bareme_types(&q) else {
            return TExpr::error(span);
        };
        let expected_args = if columns.is_some() { 2 } else { 1 };
        if args.len() != expected_args {
            let msg = if columns.is_some() {
                format!("le barème `{}` attend une valeur et une colonne", q.name)
            } else {
                format!("le barème `{}` attend une seule valeur", q.name)
            };
            self.err(codes::BAD_ARGUMENTS, file, span, msg);
            return TExpr::error(span);
        }
        let mut it = args.iter();
        let x = match it.next() {
            Some(a) => self.expr(file, a, scope, Some(&input_ty)),
            None => return TExpr::error(span),
        };
        if !types::comparable(&input_ty, &x.ty, false) {
            self.err(
                codes::BAD_ARGUMENTS,
                file,
                x.span,
                format!(
                    "le barème `{}` porte sur {}, pas sur {}",
                    q.name,
                    input_ty.with_article(),
                    x.ty.with_article()
                ),
            );
        }
        let column = match (it.next(), &columns) {
            (Some(a), Some(cq)) => {
                let cty = Type::Enum(cq.clone());
                let c = self.expr(file, a, scope, Some(&cty));
                if !types::comparable(&cty, &c.ty, true) {
                    self.err(
                        codes::BAD_ARGUMENTS,
                        file,
                        c.span,
                        format!(
                            "la colonne du barème `{}` est une valeur de `{}`, pas {}",
                            q.name,
                            cq.name,
                            c.ty.with_article()
                        ),
                    );
                }
                Some(Box::new(c))
            }
            _ => None,
        };
        let ty = match want {
            BaremeWant::Value => output_ty,
            BaremeWant::TrancheNumber => Type::Int,
        };
        TExpr {
            kind: TKind::Bareme {
                bareme: q,
                x: Box::new(x),
                column,
                at: None,
                want,
            },
            ty,
            span,
        }
    }

    fn call(
        &mut self,
        file: FileId,
        callee: &ast::Expr,
        args: &[ast::Expr],
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        match self.callee_target(file, callee, scope) {
            Some(Callee::Error) => return TExpr::error(span),
            Some(Callee::Target(t)) => {
                return match t {
                    Target::Function(q) => self.function_call(file, q, args, scope, span),
                    Target::Param(q, true) => {
                        if let [key] = args {
                            self.table_get(file, q, key, scope, span)
                        } else {
                            self.err(
                                codes::BAD_ARGUMENTS,
                                file,
                                span,
                                format!("la table `{}` se consulte avec une seule clé", q.name),
                            );
                            TExpr::error(span)
                        }
                    }
                    Target::Bareme(q) => {
                        self.bareme_call(file, q, args, scope, span, BaremeWant::Value)
                    }
                    other => {
                        let msg = not_callable(&other);
                        self.err(codes::WRONG_KIND, file, callee.span, msg);
                        TExpr::error(span)
                    }
                };
            }
            None => {}
        }
        let ExprKind::Name(n) = &callee.kind else {
            self.err(
                codes::WRONG_KIND,
                file,
                callee.span,
                "cette expression n'est pas une fonction, une table ni un barème",
            );
            return TExpr::error(span);
        };
        if self.is_local_name(&n.name, scope) {
            self.err(
                codes::WRONG_KIND,
                file,
                callee.span,
                format!("`{}` est une valeur, pas une fonction", n.name),
            );
            return TExpr::error(span);
        }
        let Some(b) = builtin_name(&n.name) else {
            let mut candidates: Vec<String> = BUILTIN_NAMES.iter().map(|s| s.to_string()).collect();
            candidates.extend(self.decls.keys().cloned());
            let mut d = Diagnostic::error(
                codes::UNKNOWN_NAME,
                file,
                n.span,
                format!("fonction inconnue : `{}`", n.name),
            );
            d = d.with_suggestion(&n.name, candidates.iter().map(String::as_str));
            self.push(d);
            return TExpr::error(span);
        };
        if b == "tranche" {
            let Some((first, rest)) = args.split_first() else {
                self.err(
                    codes::BAD_ARGUMENTS,
                    file,
                    span,
                    "`tranche` attend un barème puis une valeur : `tranche(barème, x)`",
                );
                return TExpr::error(span);
            };
            return match self.callee_target(file, first, scope) {
                Some(Callee::Target(Target::Bareme(q))) => {
                    self.bareme_call(file, q, rest, scope, span, BaremeWant::TrancheNumber)
                }
                Some(Callee::Error) => TExpr::error(span),
                _ => {
                    self.err(
                        codes::BAD_ARGUMENTS,
                        file,
                        first.span,
                        "le premier argument de `tranche` doit être un barème",
                    );
                    TExpr::error(span)
                }
            };
        }
        crate::resolve::builtin_call(self, file, b, args, scope, span)
    }

    pub(crate) fn bad_args(&mut self, file: FileId, span: Span, msg: String) -> TExpr {
        self.err(codes::BAD_ARGUMENTS, file, span, msg);
        TExpr::error(span)
    }

    pub(crate) fn arg(
        &mut self,
        file: FileId,
        e: &ast::Expr,
        scope: &Scope,
        expected: Option<&Type>,
    ) -> TExpr {
        self.expr(file, e, scope, expected)
    }

    fn function_call(
        &mut self,
        file: FileId,
        q: QName,
        args: &[ast::Expr],
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        let Some((params, ret)) = self.function_sig(&q) else {
            return TExpr::error(span);
        };
        if params.len() != args.len() {
            return self.bad_args(
                file,
                span,
                format!(
                    "la fonction `{}` attend {} argument(s), {} donné(s)",
                    q.name,
                    params.len(),
                    args.len()
                ),
            );
        }
        let mut targs = Vec::new();
        for (a, p) in args.iter().zip(&params) {
            let t = self.expr(file, a, scope, Some(p));
            if !types::assignable(&t.ty, p) {
                self.err(
                    codes::BAD_ARGUMENTS,
                    file,
                    t.span,
                    format!(
                        "argument de type {} alors que `{}` attend {}",
                        t.ty,
                        q.name,
                        p.with_article()
                    ),
                );
            }
            targs.push(coerce(t, p));
        }
        TExpr {
            kind: TKind::FnCall(q, targs),
            ty: ret,
            span,
        }
    }
}

pub(crate) enum Callee {
    Target(Target),
    /// Already reported.
    Error,
}

/// « `mtp` est un paramètre » — what a name denotes, for messages.
fn describe(t: &Target) -> String {
    match t {
        Target::Value(k, _) => format!("`{}` est une valeur", k.short_name()),
        Target::Input(n, _) => format!("`{n}` est une entrée du dossier"),
        Target::Param(q, true) => format!("`{}` est une table", q.name),
        Target::Param(q, false) => format!("`{}` est un paramètre", q.name),
        Target::Bareme(q) => format!("`{}` est un barème", q.name),
        Target::Function(q) => format!("`{}` est une fonction", q.name),
        Target::Dispositif(q) => format!("`{}` est un dispositif", q.name),
        Target::Enum(q) => format!("`{}` est une énumération", q.name),
        Target::Struct(q) => format!("`{}` est une structure", q.name),
    }
}

fn not_callable(t: &Target) -> String {
    format!(
        "{} : seuls une fonction, une table ou un barème s'appellent avec des arguments",
        describe(t)
    )
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
        let parsed = db::parse_file(&db, file);
        let decls: Vec<(FileId, &Decl)> =
            parsed.ast.decls.iter().map(|d| (FileId(file), d)).collect();
        assert!(too_many_decls(&decls, 3).is_none());
        let d = too_many_decls(&decls, 2).unwrap();
        assert_eq!(d.code, codes::TOO_MANY_DECLS);
        assert_eq!(&text[d.primary.span.range()], "valeur c : entier = 1");
    }
}
