//! The source map of the workspace: every definition (with the span of its name) and every
//! reference to it, read from the syntax trees of the salsa `parse_file` query and the
//! import graph of `import_check`, the same queries `socle check` runs.
//!
//! Name lookup follows the compiler's order (typeck): locals of a function, items of the
//! dispositif, the ruleset's own declarations, the entrées, types and variants of directly
//! imported rulesets, `ruleset.nom` for any declaration of an imported ruleset.

use std::collections::HashMap;

use socle_grammar::ast::{
    self, DeclKind, DispositifItemKind, Expr, ExprKind, Ident, MessagePart, ParamValue, TypeExpr,
    TypeExprKind,
};
use socle_grammar::Span;

use crate::db::{Database, Ruleset};
use crate::diagnostic::FileId;
use crate::syntax;

/// What a definition is, for hover, symbols and colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefKind {
    Ruleset,
    Enum,
    Variant,
    Struct,
    Field,
    Input,
    Param,
    Bareme,
    Value,
    Condition,
    Function,
    FunctionParam,
    Local,
    Dispositif,
    DispositifValue,
    DispositifCondition,
    DispositifLet,
}

impl DefKind {
    /// The word a policy officer reads in hovers and outlines.
    pub fn label(self) -> &'static str {
        match self {
            DefKind::Ruleset => "jeu de règles",
            DefKind::Enum => "énumération",
            DefKind::Variant => "valeur d'énumération",
            DefKind::Struct => "structure",
            DefKind::Field => "champ",
            DefKind::Input => "entrée",
            DefKind::Param => "paramètre",
            DefKind::Bareme => "barème",
            DefKind::Value => "valeur",
            DefKind::Condition => "condition",
            DefKind::Function => "fonction",
            DefKind::FunctionParam => "paramètre de fonction",
            DefKind::Local => "valeur locale (soit)",
            DefKind::Dispositif => "dispositif",
            DefKind::DispositifValue => "valeur du dispositif",
            DefKind::DispositifCondition => "condition du dispositif",
            DefKind::DispositifLet => "valeur intermédiaire (soit)",
        }
    }
}

/// One definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Def {
    pub name: String,
    pub kind: DefKind,
    pub file: FileId,
    /// The span of the name.
    pub span: Span,
    /// The whole declaration or item.
    pub full_span: Span,
    /// The enclosing definition (struct of a field, dispositif of an item…).
    pub parent: Option<usize>,
    pub(crate) ruleset: Ruleset,
    /// For fields and entrées: the structure name their type names, if any.
    pub(crate) type_name: Option<String>,
}

/// A use of a definition's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ref {
    pub file: FileId,
    pub span: Span,
    pub def: usize,
}

/// Every definition and reference of the loaded rulesets.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub defs: Vec<Def>,
    pub refs: Vec<Ref>,
    /// Per ruleset: top-level name → definition.
    top: HashMap<(Ruleset, String), usize>,
    /// Per parent definition: member name → definition (fields, variants, items).
    members: HashMap<(usize, String), usize>,
    /// The ruleset definition for each ruleset's identifier (`national`), per importer.
    ruleset_defs: HashMap<Ruleset, usize>,
}

impl Index {
    pub fn build(db: &Database, rulesets: &[Ruleset]) -> Index {
        let mut index = Index::default();
        for &r in rulesets {
            index.collect_defs(db, r);
        }
        for &r in rulesets {
            index.collect_refs(db, r);
        }
        index
    }

    fn add(&mut self, def: Def) -> usize {
        self.defs.push(def);
        self.defs.len() - 1
    }

    fn collect_defs(&mut self, db: &Database, r: Ruleset) {
        let first_file = r.files(db).first().copied();
        if let Some(f) = first_file {
            let id = self.add(Def {
                name: syntax::ruleset_ident(r.name(db)),
                kind: DefKind::Ruleset,
                file: FileId(f),
                span: Span::default(),
                full_span: Span::default(),
                parent: None,
                ruleset: r,
                type_name: None,
            });
            self.ruleset_defs.insert(r, id);
        }
        for &f in r.files(db) {
            let file = FileId(f);
            for decl in &syntax::parse_file(db, f).ast.decls {
                let Some(name) = decl.kind.name() else {
                    continue;
                };
                let kind = match &decl.kind {
                    DeclKind::Enum(_) => DefKind::Enum,
                    DeclKind::Struct(_) => DefKind::Struct,
                    DeclKind::Input(_) => DefKind::Input,
                    DeclKind::Param(_) => DefKind::Param,
                    DeclKind::Bareme(_) => DefKind::Bareme,
                    DeclKind::Value(_) => DefKind::Value,
                    DeclKind::Condition(_) => DefKind::Condition,
                    DeclKind::Function(_) => DefKind::Function,
                    DeclKind::Dispositif(_) => DefKind::Dispositif,
                    DeclKind::Import(_) | DeclKind::Cumul(_) => continue,
                };
                let type_name = match &decl.kind {
                    DeclKind::Input(i) => named_type(&i.ty),
                    _ => None,
                };
                let id = self.add(Def {
                    name: name.name.clone(),
                    kind,
                    file,
                    span: name.span,
                    full_span: decl.span,
                    parent: None,
                    ruleset: r,
                    type_name,
                });
                self.top.entry((r, name.name.clone())).or_insert(id);
                match &decl.kind {
                    DeclKind::Enum(e) => {
                        for v in &e.variants {
                            self.member(id, v, v.span, DefKind::Variant, None);
                        }
                    }
                    DeclKind::Struct(s) => {
                        for field in &s.fields {
                            self.member(
                                id,
                                &field.name,
                                field.span,
                                DefKind::Field,
                                named_type(&field.ty),
                            );
                        }
                    }
                    DeclKind::Function(f) => {
                        for p in &f.params {
                            self.member(id, &p.name, p.span, DefKind::FunctionParam, None);
                        }
                        for l in &f.lets {
                            self.member(id, &l.name, l.span, DefKind::Local, None);
                        }
                    }
                    DeclKind::Dispositif(d) => {
                        for item in &d.items {
                            let (name, kind) = match &item.kind {
                                DispositifItemKind::Condition(c) => {
                                    (&c.name, DefKind::DispositifCondition)
                                }
                                DispositifItemKind::Value(v) => (&v.name, DefKind::DispositifValue),
                                DispositifItemKind::Let(v) => (&v.name, DefKind::DispositifLet),
                            };
                            self.member(id, name, item.span, kind, None);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn member(
        &mut self,
        parent: usize,
        name: &Ident,
        full_span: Span,
        kind: DefKind,
        type_name: Option<String>,
    ) {
        let Some(p) = self.defs.get(parent) else {
            return;
        };
        let def = Def {
            name: name.name.clone(),
            kind,
            file: p.file,
            span: name.span,
            full_span,
            parent: Some(parent),
            ruleset: p.ruleset,
            type_name,
        };
        let id = self.add(def);
        self.members
            .entry((parent, name.name.clone()))
            .or_insert(id);
    }

    /// The member `name` of definition `parent`, following an entrée or field to its structure.
    pub fn member_of(&self, parent: usize, name: &str) -> Option<usize> {
        if let Some(&m) = self.members.get(&(parent, name.to_owned())) {
            return Some(m);
        }
        let def = self.defs.get(parent)?;
        let ty = def.type_name.as_deref()?;
        let structure = self.find_type(def.ruleset, ty)?;
        self.members.get(&(structure, name.to_owned())).copied()
    }

    /// Members of a definition (for completion after `x.`).
    pub fn members(&self, parent: usize) -> Vec<usize> {
        let target = match self.defs.get(parent) {
            Some(d) if d.kind == DefKind::Ruleset => {
                let r = d.ruleset;
                let mut out: Vec<usize> = self
                    .top
                    .iter()
                    .filter(|((owner, _), _)| *owner == r)
                    .map(|(_, &id)| id)
                    .collect();
                out.sort_unstable();
                return out;
            }
            Some(d) => match d.type_name.as_deref() {
                Some(ty) => self.find_type(d.ruleset, ty).unwrap_or(parent),
                None => parent,
            },
            None => return Vec::new(),
        };
        let mut out: Vec<usize> = self
            .members
            .iter()
            .filter(|((p, _), _)| *p == target)
            .map(|(_, &id)| id)
            .collect();
        out.sort_unstable();
        out
    }

    /// A type name as seen from ruleset `r` (own, then direct imports).
    fn find_type(&self, r: Ruleset, name: &str) -> Option<usize> {
        let own = self.top.get(&(r, name.to_owned())).copied();
        own.or_else(|| {
            self.top
                .iter()
                .find(|((_, n), id)| {
                    n == name
                        && self
                            .defs
                            .get(**id)
                            .is_some_and(|d| matches!(d.kind, DefKind::Struct | DefKind::Enum))
                })
                .map(|(_, &id)| id)
        })
    }

    fn collect_refs(&mut self, db: &Database, r: Ruleset) {
        let imports: Vec<(String, Ruleset)> = syntax::import_check(db, r).usable.clone();
        for &f in r.files(db) {
            let file = FileId(f);
            let mut walker = Walker {
                index: self,
                ruleset: r,
                imports: &imports,
                file,
                function: None,
                dispositif: None,
                refs: Vec::new(),
            };
            for decl in &syntax::parse_file(db, f).ast.decls {
                walker.decl(decl);
            }
            let refs = walker.refs;
            self.refs.extend(refs);
        }
    }

    /// Every name a bare identifier may denote in ruleset `r` (for completion).
    pub fn visible(&self, db: &Database, r: Ruleset) -> Vec<usize> {
        let imports = syntax::import_check(db, r).usable.clone();
        let mut out: Vec<usize> = self
            .top
            .iter()
            .filter(|((owner, _), _)| *owner == r)
            .map(|(_, &id)| id)
            .collect();
        for (_, dep) in &imports {
            if let Some(&id) = self.ruleset_defs.get(dep) {
                out.push(id);
            }
            out.extend(
                self.top
                    .iter()
                    .filter(|((owner, _), id)| {
                        owner == dep
                            && self.defs.get(**id).is_some_and(|d| {
                                matches!(d.kind, DefKind::Input | DefKind::Enum | DefKind::Struct)
                            })
                    })
                    .map(|(_, &id)| id),
            );
        }
        let enums: Vec<usize> = out
            .iter()
            .copied()
            .filter(|&id| self.defs.get(id).is_some_and(|d| d.kind == DefKind::Enum))
            .collect();
        for e in enums {
            out.extend(self.members(e));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    pub(crate) fn ruleset_def(&self, r: Ruleset) -> Option<usize> {
        self.ruleset_defs.get(&r).copied()
    }
}

fn named_type(ty: &TypeExpr) -> Option<String> {
    match &ty.kind {
        TypeExprKind::Named(id) => Some(id.name.clone()),
        TypeExprKind::List(t) | TypeExprKind::Optional(t) => named_type(t),
        _ => None,
    }
}

/// Walks one file's declarations and records the references it can resolve.
struct Walker<'a> {
    index: &'a Index,
    ruleset: Ruleset,
    imports: &'a [(String, Ruleset)],
    file: FileId,
    /// Function parameters and `soit`s: name → definition.
    function: Option<usize>,
    dispositif: Option<usize>,
    refs: Vec<Ref>,
}

impl Walker<'_> {
    fn record(&mut self, span: Span, def: usize) {
        self.refs.push(Ref {
            file: self.file,
            span,
            def,
        });
    }

    fn decl(&mut self, decl: &ast::Decl) {
        self.function = None;
        self.dispositif = None;
        match &decl.kind {
            DeclKind::Import(name) => {
                let dep = self.imports.iter().find(|(n, _)| *n == name.name);
                if let Some(id) = dep.and_then(|(_, d)| self.index.ruleset_def(*d)) {
                    self.record(name.span, id);
                }
            }
            DeclKind::Enum(_) => {}
            DeclKind::Struct(s) => {
                for field in &s.fields {
                    self.ty(&field.ty);
                }
            }
            DeclKind::Input(i) => self.ty(&i.ty),
            DeclKind::Param(p) => {
                if let Some(k) = &p.key {
                    self.ty(k);
                }
                self.ty(&p.ty);
                for v in &p.versions {
                    match &v.value {
                        ParamValue::Scalar(e) => self.expr(e),
                        ParamValue::Table(entries) => {
                            for entry in entries {
                                self.expr(&entry.key);
                                self.expr(&entry.value);
                            }
                        }
                    }
                }
            }
            DeclKind::Bareme(b) => {
                self.ty(&b.input_ty);
                self.ty(&b.output_ty);
                if let Some(c) = &b.columns {
                    self.type_name(c);
                }
                let columns = b.columns.as_ref().and_then(|c| self.type_def(&c.name));
                for v in &b.versions {
                    for row in &v.rows {
                        for (column, interval) in &row.intervals {
                            if let (Some(col), Some(e)) = (column, columns) {
                                if let Some(m) = self.index.member_of(e, &col.name) {
                                    self.record(col.span, m);
                                }
                            }
                            self.expr(&interval.lower.value);
                            if let Some(u) = &interval.upper {
                                self.expr(&u.value);
                            }
                        }
                        self.expr(&row.value);
                    }
                }
            }
            DeclKind::Value(v) => self.value(v),
            DeclKind::Condition(c) => self.condition(c),
            DeclKind::Function(f) => {
                self.function = self
                    .index
                    .top
                    .get(&(self.ruleset, f.name.name.clone()))
                    .copied();
                for p in &f.params {
                    self.ty(&p.ty);
                }
                self.ty(&f.ret);
                for l in &f.lets {
                    if let Some(t) = &l.ty {
                        self.ty(t);
                    }
                    self.expr(&l.expr);
                }
                self.expr(&f.result);
            }
            DeclKind::Dispositif(d) => {
                self.dispositif = self
                    .index
                    .top
                    .get(&(self.ruleset, d.name.name.clone()))
                    .copied();
                for item in &d.items {
                    match &item.kind {
                        DispositifItemKind::Condition(c) => self.condition(c),
                        DispositifItemKind::Value(v) | DispositifItemKind::Let(v) => self.value(v),
                    }
                }
            }
            DeclKind::Cumul(c) => {
                for side in [&c.left, &c.right] {
                    if let Some(id) = self.top_level(&side.name) {
                        self.record(side.span, id);
                    }
                }
            }
        }
    }

    fn value(&mut self, v: &ast::ValueDecl) {
        if let Some(t) = &v.ty {
            self.ty(t);
        }
        self.expr(&v.expr);
        for e in &v.exceptions {
            self.expr(&e.condition);
            self.expr(&e.value);
        }
    }

    fn condition(&mut self, c: &ast::ConditionDecl) {
        self.expr(&c.expr);
        if let Some(m) = &c.message {
            for part in &m.parts {
                if let MessagePart::Expr(e) = part {
                    self.expr(e);
                }
            }
        }
    }

    fn ty(&mut self, t: &TypeExpr) {
        match &t.kind {
            TypeExprKind::Named(id) => self.type_name(id),
            TypeExprKind::List(inner) | TypeExprKind::Optional(inner) => self.ty(inner),
            _ => {}
        }
    }

    fn type_name(&mut self, id: &Ident) {
        if let Some(def) = self.type_def(&id.name) {
            self.record(id.span, def);
        }
    }

    fn type_def(&self, name: &str) -> Option<usize> {
        self.index.find_type(self.ruleset, name)
    }

    /// A declaration of this ruleset, or an entrée, type or variant of a direct import.
    fn top_level(&self, name: &str) -> Option<usize> {
        if let Some(&id) = self.index.top.get(&(self.ruleset, name.to_owned())) {
            return Some(id);
        }
        for (_, dep) in self.imports {
            if let Some(&id) = self.index.top.get(&(*dep, name.to_owned())) {
                let visible = self.index.defs.get(id).is_some_and(|d| {
                    matches!(d.kind, DefKind::Input | DefKind::Enum | DefKind::Struct)
                });
                if visible {
                    return Some(id);
                }
            }
        }
        None
    }

    fn variant(&self, name: &str) -> Option<usize> {
        let own = std::iter::once(self.ruleset).chain(self.imports.iter().map(|(_, r)| *r));
        for r in own {
            for ((owner, _), &e) in &self.index.top {
                if *owner != r
                    || self
                        .index
                        .defs
                        .get(e)
                        .is_none_or(|d| d.kind != DefKind::Enum)
                {
                    continue;
                }
                if let Some(&v) = self.index.members.get(&(e, name.to_owned())) {
                    return Some(v);
                }
            }
        }
        None
    }

    /// What a bare name denotes here.
    fn name(&self, name: &str) -> Option<usize> {
        let scopes = [self.function, self.dispositif];
        for scope in scopes.into_iter().flatten() {
            if let Some(&id) = self.index.members.get(&(scope, name.to_owned())) {
                return Some(id);
            }
        }
        if let Some(id) = self.top_level(name) {
            return Some(id);
        }
        if let Some((_, dep)) = self.imports.iter().find(|(n, _)| n == name) {
            return self.index.ruleset_def(*dep);
        }
        self.variant(name)
    }

    /// Records the references of an expression; returns what it denotes when it is a name
    /// or a path (so that `a.b` can look `b` up in `a`).
    fn resolve(&mut self, e: &Expr) -> Option<usize> {
        match &e.kind {
            ExprKind::Name(id) => {
                let def = self.name(&id.name)?;
                self.record(id.span, def);
                Some(def)
            }
            ExprKind::Field(base, id) => {
                let parent = self.resolve(base)?;
                let parent_def = self.index.defs.get(parent)?;
                let def = if parent_def.kind == DefKind::Ruleset {
                    self.index
                        .top
                        .get(&(parent_def.ruleset, id.name.clone()))
                        .copied()
                } else {
                    self.index.member_of(parent, &id.name)
                }?;
                self.record(id.span, def);
                Some(def)
            }
            _ => {
                self.expr(e);
                None
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Lit(_) => {}
            ExprKind::Name(_) | ExprKind::Field(..) => {
                self.resolve(e);
            }
            ExprKind::Call(callee, args) => {
                self.resolve(callee);
                args.iter().for_each(|a| self.expr(a));
            }
            ExprKind::Index(a, b) | ExprKind::At(a, b) | ExprKind::Contains(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Unary(_, a) | ExprKind::Round(a, _) => self.expr(a),
            ExprKind::If(a, b, c) | ExprKind::InRange(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
            ExprKind::InSet(a, set) | ExprKind::ContainsAny(a, set) => {
                self.expr(a);
                set.iter().for_each(|x| self.expr(x));
            }
        }
    }
}
