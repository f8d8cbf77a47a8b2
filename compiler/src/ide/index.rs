//! The source map of the workspace: every definition (with the span of its name), read from
//! the syntax trees of the salsa `parse_file` query, and every reference to it, as typing
//! resolved it (`TypedRuleset::resolutions`, the query `socle check` runs).

use std::collections::HashMap;

use socle_grammar::ast::{DeclKind, DispositifItemKind, Ident, TypeExpr, TypeExprKind};
use socle_grammar::Span;

use crate::db::{Database, Ruleset};
use crate::diagnostic::FileId;
use crate::pipeline;
use crate::syntax;
use crate::typed::Named;

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
    /// A `groupe de conditions`.
    Group,
    /// A quantifier's variable, defined where it is bound.
    Element,
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
            DefKind::Group => "groupe de conditions",
            DefKind::DispositifLet => "valeur intermédiaire (soit)",
            DefKind::Element => "élément de liste",
        }
    }
}

/// One definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
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
    pub defs: Vec<Definition>,
    pub refs: Vec<Ref>,
    /// Per ruleset: top-level name → definition.
    top: HashMap<(Ruleset, String), usize>,
    /// Per parent definition: member name → definition (fields, variants, items).
    members: HashMap<(usize, String), usize>,
    /// The ruleset definition for each ruleset's identifier (`national`), per importer.
    ruleset_defs: HashMap<Ruleset, usize>,
    /// Quantifier variables, by the place they are bound.
    elements: HashMap<(FileId, Span), usize>,
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

    fn add(&mut self, def: Definition) -> usize {
        self.defs.push(def);
        self.defs.len() - 1
    }

    fn collect_defs(&mut self, db: &Database, r: Ruleset) {
        let first_file = r.files(db).first().copied();
        if let Some(f) = first_file {
            let id = self.add(Definition {
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
                    DeclKind::Group(_) => DefKind::Group,
                    DeclKind::Import(_) | DeclKind::Cumul(_) => continue,
                };
                let type_name = match &decl.kind {
                    DeclKind::Input(i) => named_type(&i.ty),
                    _ => None,
                };
                let id = self.add(Definition {
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
                                DispositifItemKind::UseGroup(_) => continue,
                            };
                            self.member(id, name, item.span, kind, None);
                        }
                    }
                    DeclKind::Group(g) => {
                        for item in &g.items {
                            if let DispositifItemKind::Condition(c) = &item.kind {
                                let kind = DefKind::DispositifCondition;
                                self.member(id, &c.name, item.span, kind, None);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// The definition of the quantifier variable bound at `binder`, made at its first mention:
    /// typing names it, the syntax tree alone does not.
    fn element(&mut self, r: Ruleset, file: FileId, name: &str, binder: Span, ty: &str) -> usize {
        if let Some(&id) = self.elements.get(&(file, binder)) {
            return id;
        }
        let id = self.add(Definition {
            name: name.to_owned(),
            kind: DefKind::Element,
            file,
            span: binder,
            full_span: binder,
            parent: None,
            ruleset: r,
            type_name: Some(ty.to_owned()),
        });
        self.elements.insert((file, binder), id);
        id
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
        let def = Definition {
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

    /// The type definition (structure or enumeration) a field or entrée is declared with.
    pub fn type_of(&self, def: usize) -> Option<usize> {
        let d = self.defs.get(def)?;
        self.find_type(d.ruleset, d.type_name.as_deref()?)
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

    /// The references of ruleset `r`'s files: its import declarations, then every name typing
    /// resolved (the compiler's own resolution, so the editor never disagrees with it).
    fn collect_refs(&mut self, db: &Database, r: Ruleset) {
        let usable = &syntax::import_check(db, r).usable;
        let mut refs: Vec<Ref> = Vec::new();
        for &f in r.files(db) {
            for decl in &syntax::parse_file(db, f).ast.decls {
                if let DeclKind::Import(name) = &decl.kind {
                    let dep = usable.iter().find(|(n, _)| *n == name.name);
                    if let Some(def) = dep.and_then(|(_, d)| self.ruleset_def(*d)) {
                        refs.push(Ref {
                            file: FileId(f),
                            span: name.span,
                            def,
                        });
                    }
                }
            }
        }
        let mut by_ident: HashMap<String, Ruleset> = HashMap::new();
        for &dep in syntax::import_closure(db, r) {
            by_ident.insert(syntax::ruleset_ident(dep.name(db)), dep);
        }
        by_ident.insert(syntax::ruleset_ident(r.name(db)), r);
        let typed = pipeline::checked_ruleset(db, r);
        for res in &typed.resolutions {
            let def = match &res.target {
                Named::Ruleset(ident) => usable
                    .iter()
                    .find(|(n, _)| n == ident)
                    .and_then(|(_, d)| self.ruleset_def(*d)),
                Named::Top(q) => by_ident
                    .get(&q.ruleset)
                    .and_then(|rs| self.top.get(&(*rs, q.name.clone())))
                    .copied(),
                Named::Member(q, member) => by_ident
                    .get(&q.ruleset)
                    .and_then(|rs| self.top.get(&(*rs, q.name.clone())))
                    .and_then(|parent| self.members.get(&(*parent, member.clone())))
                    .copied(),
                Named::Element { name, binder, ty } => {
                    let def = self.element(r, res.file, name, *binder, ty);
                    // The binder is the definition itself, not a use of it.
                    (res.span != *binder).then_some(def)
                }
            };
            if let Some(def) = def {
                refs.push(Ref {
                    file: res.file,
                    span: res.span,
                    def,
                });
            }
        }
        let files = r.files(db);
        let order = |f: FileId| files.iter().position(|x| *x == f.0).unwrap_or(usize::MAX);
        refs.sort_by_key(|x| (order(x.file), x.span.start, x.span.end, x.def));
        refs.dedup();
        self.refs.extend(refs);
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
