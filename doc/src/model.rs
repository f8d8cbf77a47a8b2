//! The rulesets as written: every `.socle` file of the documented ruleset and of the rulesets it
//! imports, parsed to ASTs and kept with their text, so pages can quote formulas and sources
//! exactly as the policy officer wrote them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use socle_grammar::ast::{self, Decl, DeclKind, Expr, ExprKind, MessagePart};
use socle_grammar::Span;

use crate::DocError;

/// One parsed `.socle` file.
pub struct SourceFile {
    pub text: String,
    pub ast: ast::File,
}

impl SourceFile {
    /// The source text of a span, or nothing when the span does not fit the text.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// One ruleset: its name (directory name) and files.
pub struct Ruleset {
    pub name: String,
    pub dir: PathBuf,
    pub files: Vec<SourceFile>,
}

/// A declaration, located: which ruleset and file it comes from.
#[derive(Clone, Copy)]
pub struct Item<'a> {
    pub ruleset: &'a Ruleset,
    pub file: &'a SourceFile,
    pub decl: &'a Decl,
}

impl<'a> Item<'a> {
    pub fn name(&self) -> &'a str {
        self.decl.kind.name().map_or("", |i| i.name.as_str())
    }

    /// The source text of a span of this item's file.
    pub fn text(&self, span: Span) -> &'a str {
        self.file.slice(span)
    }
}

/// The documented ruleset first, then the rulesets it imports (transitively).
pub struct Catalog {
    pub rulesets: Vec<Ruleset>,
}

fn read_ruleset(dir: &Path) -> Result<Ruleset, DocError> {
    let io = |e: std::io::Error| DocError::Io {
        path: dir.to_path_buf(),
        source: e,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "socle"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| DocError::Io {
            path: path.clone(),
            source: e,
        })?;
        let (ast, _errors) = socle_grammar::parse(&text);
        files.push(SourceFile { text, ast });
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Ruleset {
        name,
        dir: dir.to_path_buf(),
        files,
    })
}

impl Catalog {
    /// Reads a ruleset directory and, like the compiler, the sibling directories its
    /// `importe` lines name. The caller has already checked that the ruleset compiles.
    pub fn load(dir: &Path) -> Result<Catalog, DocError> {
        let mut rulesets = vec![read_ruleset(dir)?];
        let mut next = 0;
        while let Some(r) = rulesets.get(next) {
            let imports = r.imports();
            let parent = r.dir.parent().map(Path::to_path_buf).unwrap_or_default();
            next += 1;
            for name in imports {
                if rulesets.iter().any(|r| r.name == name) {
                    continue;
                }
                let candidates = [parent.join(&name), parent.join(name.replace('_', "-"))];
                if let Some(found) = candidates.iter().find(|c| c.is_dir()) {
                    let mut imported = read_ruleset(found)?;
                    imported.name = name;
                    rulesets.push(imported);
                }
            }
        }
        Ok(Catalog { rulesets })
    }

    pub fn main(&self) -> Option<&Ruleset> {
        self.rulesets.first()
    }

    /// Every named declaration of every ruleset, documented ruleset first, in file order.
    pub fn items(&self) -> impl Iterator<Item = Item<'_>> {
        self.rulesets.iter().flat_map(|r| r.items())
    }

    /// Resolves a name used in `from`'s ruleset: its own declarations first, then those of the
    /// rulesets it imports (entries and types are used unqualified).
    pub fn resolve(&self, from: &Ruleset, name: &str) -> Option<Item<'_>> {
        let own = self
            .rulesets
            .iter()
            .find(|r| r.name == from.name)
            .and_then(|r| r.find(name));
        own.or_else(|| {
            let imports = from.imports();
            self.rulesets
                .iter()
                .filter(|r| imports.contains(&r.name))
                .find_map(|r| r.find(name))
        })
    }

    pub fn ruleset(&self, name: &str) -> Option<&Ruleset> {
        self.rulesets.iter().find(|r| r.name == name)
    }
}

impl Ruleset {
    pub fn imports(&self) -> Vec<String> {
        self.files
            .iter()
            .flat_map(|f| &f.ast.decls)
            .filter_map(|d| match &d.kind {
                DeclKind::Import(i) => Some(i.name.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn items(&self) -> impl Iterator<Item = Item<'_>> {
        self.files.iter().flat_map(move |file| {
            file.ast
                .decls
                .iter()
                .filter(|d| d.kind.name().is_some())
                .map(move |decl| Item {
                    ruleset: self,
                    file,
                    decl,
                })
        })
    }

    pub fn find(&self, name: &str) -> Option<Item<'_>> {
        self.items().find(|i| i.name() == name)
    }
}

/// What an item's formulas read: other declarations (with the ruleset that declares them) and
/// dossier fields (dotted paths rooted at an `entrée`).
#[derive(Default)]
pub struct Reads {
    /// `(ruleset, name)` of each declaration read.
    pub decls: BTreeSet<(String, String)>,
    pub fields: BTreeSet<String>,
}

/// The expressions of a declaration, with the names local to it (function parameters, `soit`
/// of a function) that must not be resolved as declarations.
fn exprs_of(decl: &Decl) -> (Vec<&Expr>, Vec<&str>) {
    let mut out: Vec<&Expr> = Vec::new();
    let mut locals: Vec<&str> = Vec::new();
    match &decl.kind {
        DeclKind::Value(v) => push_value(v, &mut out),
        DeclKind::Condition(c) => push_condition(c, &mut out),
        DeclKind::Function(f) => {
            locals.extend(f.params.iter().map(|p| p.name.name.as_str()));
            for l in &f.lets {
                locals.push(l.name.name.as_str());
                out.push(&l.expr);
            }
            out.push(&f.result);
        }
        DeclKind::Dispositif(d) => {
            for item in &d.items {
                match &item.kind {
                    ast::DispositifItemKind::Condition(c) => push_condition(c, &mut out),
                    ast::DispositifItemKind::Value(v) | ast::DispositifItemKind::Let(v) => {
                        locals.push(v.name.name.as_str());
                        push_value(v, &mut out);
                    }
                    ast::DispositifItemKind::UseGroup(_) => {}
                }
                if let ast::DispositifItemKind::Condition(c) = &item.kind {
                    locals.push(c.name.name.as_str());
                }
            }
        }
        DeclKind::Group(g) => {
            for item in &g.items {
                if let ast::DispositifItemKind::Condition(c) = &item.kind {
                    push_condition(c, &mut out);
                }
            }
        }
        DeclKind::Param(p) => {
            for v in &p.versions {
                if let ast::ParamValue::Scalar(e) = &v.value {
                    out.push(e);
                }
            }
        }
        _ => {}
    }
    (out, locals)
}

fn push_value<'a>(v: &'a ast::ValueDecl, out: &mut Vec<&'a Expr>) {
    out.push(&v.expr);
    for e in &v.exceptions {
        out.push(&e.condition);
        out.push(&e.value);
    }
}

fn push_condition<'a>(c: &'a ast::ConditionDecl, out: &mut Vec<&'a Expr>) {
    out.push(&c.expr);
    if let Some(m) = &c.message {
        for part in &m.parts {
            if let MessagePart::Expr(e) = part {
                out.push(e);
            }
        }
    }
}

/// A field chain rooted at a name, as its parts: `demandeur.gir` → `["demandeur", "gir"]`.
fn path_of(expr: &Expr) -> Option<Vec<&str>> {
    match &expr.kind {
        ExprKind::Name(i) => Some(vec![i.name.as_str()]),
        ExprKind::Field(base, field) => {
            let mut parts = path_of(base)?;
            parts.push(field.name.as_str());
            Some(parts)
        }
        _ => None,
    }
}

fn children(expr: &Expr) -> Vec<&Expr> {
    match &expr.kind {
        ExprKind::Lit(_) | ExprKind::Name(_) => Vec::new(),
        ExprKind::Field(b, _) | ExprKind::Unary(_, b) | ExprKind::Round(b, _) => vec![b],
        ExprKind::Call(f, args) | ExprKind::InSet(f, args) | ExprKind::ContainsAny(f, args) => {
            std::iter::once(f.as_ref()).chain(args).collect()
        }
        ExprKind::Index(a, b)
        | ExprKind::At(a, b)
        | ExprKind::Binary(_, a, b)
        | ExprKind::Contains(a, b) => vec![a, b],
        ExprKind::If(a, b, c) | ExprKind::InRange(a, b, c) => vec![a, b, c],
        ExprKind::List(items) => items.iter().collect(),
        ExprKind::Quantified(_, _, list, body) => vec![list, body],
    }
}

impl Catalog {
    /// What one item reads directly.
    pub fn direct_reads(&self, item: Item<'_>) -> Reads {
        let mut reads = Reads::default();
        let (exprs, locals) = exprs_of(item.decl);
        let mut pending = exprs;
        while let Some(expr) = pending.pop() {
            if let Some(parts) = path_of(expr) {
                if self.record_path(item.ruleset, &parts, &locals, &mut reads) {
                    continue;
                }
            }
            pending.extend(children(expr));
        }
        reads
    }

    /// Records a name or field chain; false when it is neither a declaration nor a dossier
    /// field (a builtin, an enumeration variant…), so its sub-expressions are looked at.
    fn record_path(
        &self,
        from: &Ruleset,
        parts: &[&str],
        locals: &[&str],
        reads: &mut Reads,
    ) -> bool {
        let Some((&head, rest)) = parts.split_first() else {
            return false;
        };
        if locals.contains(&head) {
            return true;
        }
        if let (Some(r), Some(&name)) = (self.ruleset(head), rest.first()) {
            if from.imports().iter().any(|i| i == head) {
                if let Some(target) = r.find(name) {
                    self.record_item(target, rest, reads);
                    return true;
                }
            }
        }
        match self.resolve(from, head) {
            Some(target) => {
                self.record_item(target, parts, reads);
                true
            }
            None => false,
        }
    }

    fn record_item(&self, target: Item<'_>, parts: &[&str], reads: &mut Reads) {
        match &target.decl.kind {
            DeclKind::Input(_) => {
                reads.fields.insert(parts.join("."));
            }
            DeclKind::Enum(_) | DeclKind::Struct(_) => {}
            _ => {
                reads
                    .decls
                    .insert((target.ruleset.name.clone(), target.name().to_owned()));
            }
        }
    }

    /// What an item reads, directly or through the declarations it reads, in the order met.
    pub fn transitive_reads(&self, item: Item<'_>) -> Reads {
        let mut all = Reads::default();
        let mut pending = vec![item];
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        while let Some(current) = pending.pop() {
            let reads = self.direct_reads(current);
            all.fields.extend(reads.fields);
            for key in reads.decls {
                if seen.insert(key.clone()) {
                    if let Some(target) = self.ruleset(&key.0).and_then(|r| r.find(&key.1)) {
                        pending.push(target);
                    }
                    all.decls.insert(key);
                }
            }
        }
        all
    }
}

/// Removes the common indentation of the continuation lines of a quoted formula, so it reads
/// as in the file whatever the depth of its declaration.
pub fn dedent(text: &str, first_column: usize) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("").trim_end().to_owned();
    let rest: Vec<&str> = lines.collect();
    let indent = rest
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0)
        .min(first_column + 4);
    let shift = indent.min(first_column);
    let mut out = first;
    for line in rest {
        out.push('\n');
        out.push_str(line.get(shift..).unwrap_or(line.trim_start()).trim_end());
    }
    out
}

/// The column (in bytes) where a span starts in its file.
pub fn column_of(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or("");
    before.len() - before.rfind('\n').map_or(0, |i| i + 1)
}
