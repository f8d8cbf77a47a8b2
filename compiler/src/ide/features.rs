//! Hover, completion, outline and colouring, on the source map of `index`.

use chrono::NaiveDate;
use socle_grammar::ast::{self, DeclKind, Meta, ParamValue};
use socle_grammar::lexemes::{lexemes, LexemeKind};
use socle_grammar::Span;

use super::index::{DefKind, Index};
use crate::db::{Ruleset, SourceFile};
use crate::diagnostic::FileId;
use crate::pipeline;
use crate::syntax;
use crate::typeck::builtins::{builtin_doc_named, builtin_docs, BuiltinDoc};
use crate::typed::ValueKey;
use crate::types::QName;
use crate::Session;

/// Markdown shown over a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    /// `None` for a keyword.
    pub kind: Option<DefKind>,
    pub detail: String,
    /// Markdown: a built-in's French documentation.
    pub documentation: Option<String>,
}

/// An outline entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: DefKind,
    pub span: Span,
    pub name_span: Span,
    pub container: Option<String>,
    pub children: Vec<Symbol>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightClass {
    Keyword,
    Number,
    Str,
    Comment,
    Unit,
    /// A resolved name, coloured by what it denotes.
    Name(DefKind),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HighlightToken {
    pub span: Span,
    pub class: HighlightClass,
}

/// The units a number may carry, with what they make of it (completion after a number).
const UNITS: &[(&str, &str)] = &[
    ("€", "montant sans période"),
    ("€/mois", "montant mensuel"),
    ("€/an", "montant annuel"),
    ("€/jour", "montant journalier"),
    ("€/heure", "montant horaire"),
    ("%", "taux"),
    ("ans", "durée en années"),
    ("mois", "durée en mois"),
    ("jours", "durée en jours"),
];

const UNIT_WORDS: &[&str] = &["mois", "an", "ans", "jour", "jours", "heure"];

fn slice(text: &str, span: Span) -> &str {
    text.get(span.range()).unwrap_or("")
}

/// The declaration (top level) or item whose span is `span`, with its metadata.
enum Found<'a> {
    Decl(&'a ast::Decl),
    Item(&'a ast::DispositifItem),
    Field(&'a ast::Field),
    None,
}

fn find<'a>(file: &'a ast::File, span: Span) -> Found<'a> {
    for decl in &file.decls {
        if decl.span == span {
            return Found::Decl(decl);
        }
        match &decl.kind {
            DeclKind::Dispositif(d) => {
                if let Some(item) = d.items.iter().find(|i| i.span == span) {
                    return Found::Item(item);
                }
            }
            DeclKind::Struct(s) => {
                if let Some(field) = s.fields.iter().find(|f| f.span == span) {
                    return Found::Field(field);
                }
            }
            _ => {}
        }
    }
    Found::None
}

fn push_meta(out: &mut String, meta: &Meta) {
    if let Some(doc) = &meta.doc {
        out.push_str("\n\n");
        out.push_str(doc);
    }
    for s in &meta.sources {
        out.push_str("\n\nSource : « ");
        out.push_str(&s.text);
        out.push_str(" »");
        if let Some(refs) = &s.refs {
            out.push_str(&format!(" ({refs})"));
        }
    }
}

fn period(from: NaiveDate, until: Option<NaiveDate>) -> String {
    let always = from == ast::Validity::ALWAYS;
    match until {
        Some(u) if always => format!("depuis toujours jusqu'au {u}"),
        Some(u) => format!("du {from} au {u}"),
        None if always => "depuis toujours".to_owned(),
        None => format!("à partir du {from}"),
    }
}

/// The versions of a dated parameter, sorted, with their inclusive end, as typing computed
/// them (the value is shown as written).
fn param_versions(
    session: &Session,
    r: Ruleset,
    text: &str,
    p: &ast::ParamDecl,
) -> Vec<(NaiveDate, Option<NaiveDate>, String)> {
    let typed = pipeline::checked_ruleset(&session.db, r);
    let Some(item) = typed.params.get(&p.name.name) else {
        return Vec::new();
    };
    item.versions
        .iter()
        .filter_map(|v| {
            let written = p.versions.iter().find(|w| w.span == v.span)?;
            let value = match &written.value {
                ParamValue::Scalar(e) => slice(text, e.span).to_owned(),
                ParamValue::Table(entries) => entries
                    .iter()
                    .map(|e| slice(text, e.span))
                    .collect::<Vec<_>>()
                    .join(" ; "),
            };
            Some((v.from, v.until, value))
        })
        .collect()
}

/// The value as written of parameter `def` in force at `date` (`None` for another kind of
/// definition, or a parameter without a version at that date).
pub(super) fn param_value_at(
    session: &Session,
    index: &Index,
    def: usize,
    date: NaiveDate,
) -> Option<String> {
    let d = index.defs.get(def).filter(|d| d.kind == DefKind::Param)?;
    let db = &session.db;
    let text = d.file.0.text(db);
    let parsed = syntax::parse_file(db, d.file.0);
    let Found::Decl(decl) = find(&parsed.ast, d.full_span) else {
        return None;
    };
    let DeclKind::Param(p) = &decl.kind else {
        return None;
    };
    param_versions(session, d.ruleset, text, p)
        .into_iter()
        .find(|v| v.0 <= date && v.1.is_none_or(|u| date <= u))
        .map(|v| v.2)
}

/// For a parameter, barème or dispositif under `offset` that cites no source: the offset at
/// the end of its first line and the line to insert there.
pub(super) fn missing_source(
    session: &Session,
    index: &Index,
    file: SourceFile,
    offset: usize,
) -> Option<(usize, String)> {
    let db = &session.db;
    let d = index.defs.iter().find(|d| {
        d.file.0 == file
            && matches!(
                d.kind,
                DefKind::Param | DefKind::Bareme | DefKind::Dispositif
            )
            && (d.full_span.start as usize) <= offset
            && offset <= d.full_span.end as usize
    })?;
    let parsed = syntax::parse_file(db, file);
    let Found::Decl(decl) = find(&parsed.ast, d.full_span) else {
        return None;
    };
    if !decl.meta.sources.is_empty() {
        return None;
    }
    let text = file.text(db);
    let start = d.full_span.start as usize;
    let line_end = text
        .get(start..)?
        .find('\n')
        .map_or(text.len(), |i| start + i);
    Some((line_end, "\n  source \"…\"".to_owned()))
}

fn type_of_value(session: &Session, r: Ruleset, index: &Index, def: usize) -> Option<String> {
    let d = index.defs.get(def)?;
    let checked = pipeline::checked_ruleset(&session.db, r);
    let key = match d.parent.and_then(|p| index.defs.get(p)) {
        Some(p) if p.kind == DefKind::Dispositif => ValueKey::Item {
            dispositif: QName::new(&checked.ident, &p.name),
            name: d.name.clone(),
        },
        _ => ValueKey::Top(QName::new(&checked.ident, &d.name)),
    };
    checked.value(&key).map(|v| v.ty.to_string())
}

pub(super) fn hover(
    session: &Session,
    index: &Index,
    def: usize,
    span: Span,
    today: NaiveDate,
) -> Option<Hover> {
    let d = index.defs.get(def)?;
    let db = &session.db;
    let mut md = format!("**{}** `{}`", d.kind.label(), d.name);
    if d.kind == DefKind::Ruleset {
        md.push_str(&format!("\n\n`{}`", d.ruleset.dir(db).display()));
        return Some(Hover { span, markdown: md });
    }
    if d.kind == DefKind::Element {
        if let Some(ty) = &d.type_name {
            md.push_str(&format!(
                " : `{ty}`\n\nChaque élément de la liste, tour à tour."
            ));
        }
        return Some(Hover { span, markdown: md });
    }
    let text = d.file.0.text(db);
    let parsed = syntax::parse_file(db, d.file.0);
    match find(&parsed.ast, d.full_span) {
        Found::Decl(decl) => {
            let ty = match &decl.kind {
                DeclKind::Input(i) => Some(slice(text, i.ty.span).to_owned()),
                DeclKind::Param(p) => Some(match &p.key {
                    Some(k) => format!(
                        "table {} -> {}",
                        slice(text, k.span),
                        slice(text, p.ty.span)
                    ),
                    None => slice(text, p.ty.span).to_owned(),
                }),
                DeclKind::Bareme(b) => Some(format!(
                    "tranches sur {} -> {}",
                    slice(text, b.input_ty.span),
                    slice(text, b.output_ty.span)
                )),
                DeclKind::Value(_) | DeclKind::Condition(_) => {
                    type_of_value(session, d.ruleset, index, def)
                }
                DeclKind::Function(f) => Some(format!(
                    "({}) : {}",
                    f.params
                        .iter()
                        .map(|p| slice(text, p.span).to_owned())
                        .collect::<Vec<_>>()
                        .join(", "),
                    slice(text, f.ret.span)
                )),
                DeclKind::Enum(e) => Some(
                    e.variants
                        .iter()
                        .map(|v| v.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" | "),
                ),
                DeclKind::Dispositif(dd) => dd.title.clone(),
                _ => None,
            };
            if let Some(ty) = ty {
                md.push_str(&format!(" : `{ty}`"));
            }
            push_meta(&mut md, &decl.meta);
            if let DeclKind::Param(p) = &decl.kind {
                let versions = param_versions(session, d.ruleset, text, p);
                let current = versions
                    .iter()
                    .find(|v| v.0 <= today && v.1.is_none_or(|u| today <= u));
                match current {
                    Some(v) => md.push_str(&format!(
                        "\n\n**Au {today}** : `{}` ({})",
                        v.2,
                        period(v.0, v.1)
                    )),
                    None => md.push_str(&format!("\n\n**Au {today}** : aucune valeur en vigueur")),
                }
                md.push_str("\n\nVersions :");
                for v in &versions {
                    md.push_str(&format!("\n- {} : `{}`", period(v.0, v.1), v.2));
                }
                if versions.iter().any(|v| v.0 == ast::Validity::ALWAYS) {
                    md.push_str(
                        "\n\n« depuis toujours » : le texte ne donne pas de date de début.",
                    );
                }
            }
        }
        Found::Item(item) => {
            if let Some(ty) = type_of_value(session, d.ruleset, index, def) {
                md.push_str(&format!(" : `{ty}`"));
            }
            push_meta(&mut md, &item.meta);
        }
        Found::Field(field) => {
            md.push_str(&format!(" : `{}`", slice(text, field.ty.span)));
            push_meta(&mut md, &field.meta);
        }
        Found::None => {
            let whole = slice(text, d.full_span).lines().next().unwrap_or("").trim();
            if !whole.is_empty() && whole != d.name {
                md.push_str(&format!("\n\n`{whole}`"));
            }
        }
    }
    if let Some(parent) = d.parent.and_then(|p| index.defs.get(p)) {
        md.push_str(&format!("\n\n({} `{}`)", parent.kind.label(), parent.name));
    }
    Some(Hover { span, markdown: md })
}

/// « fonction prédéfinie `jours_entre(…) : durée` : Le nombre de jours… »
fn builtin_detail(b: &BuiltinDoc) -> String {
    let what = if b.is_function {
        "fonction prédéfinie"
    } else {
        "valeur prédéfinie"
    };
    format!("{what} `{}` : {}", b.signature, b.doc)
}

/// The hover of a built-in name (which the index does not hold: nothing declares it); only
/// on a word, so that a comment or a text mentioning `nombre` shows nothing.
pub(super) fn builtin_hover(text: &str, offset: usize) -> Option<Hover> {
    let (_, span) = lexemes(text).into_iter().find(|(kind, span)| {
        *kind == LexemeKind::Word && (span.start as usize) <= offset && offset <= span.end as usize
    })?;
    let b = builtin_doc_named(slice(text, span))?;
    let what = if b.is_function {
        "fonction prédéfinie"
    } else {
        "valeur prédéfinie"
    };
    Some(Hover {
        span,
        markdown: format!("**{what}** `{}`\n\n{}", b.signature, b.doc),
    })
}

pub(super) fn completion(
    session: &Session,
    index: &Index,
    file: SourceFile,
    rulesets: &[Ruleset],
    offset: usize,
) -> Vec<CompletionItem> {
    let db = &session.db;
    let text = file.text(db);
    let before = text.get(..offset.min(text.len())).unwrap_or("");
    let prefix_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(before.len(), |(i, _)| i);
    let ahead = before.get(..prefix_start).unwrap_or("");
    let item = |id: usize| {
        index.defs.get(id).map(|d| CompletionItem {
            label: d.name.clone(),
            kind: Some(d.kind),
            detail: d.kind.label().to_owned(),
            documentation: None,
        })
    };
    // The definition a dotted path before the cursor names (`demandeur.lieu_de_vie`).
    let resolve = |base_text: &str| -> Option<usize> {
        let path: String = base_text
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let mut segments = path.split('.');
        let first = segments.next().unwrap_or("");
        let mut base = rulesets.iter().find_map(|&r| {
            index
                .visible(db, r)
                .into_iter()
                .find(|&id| index.defs.get(id).is_some_and(|d| d.name == first))
        });
        for seg in segments {
            base = base.and_then(|b| {
                if index
                    .defs
                    .get(b)
                    .is_some_and(|d| d.kind == DefKind::Ruleset)
                {
                    index
                        .members(b)
                        .into_iter()
                        .find(|&m| index.defs.get(m).is_some_and(|d| d.name == seg))
                } else {
                    index.member_of(b, seg)
                }
            });
        }
        base
    };
    if let Some(base_text) = ahead.strip_suffix('.') {
        // `demandeur.` / `national.` / `apa_domicile.`: members of the path before the dot.
        return resolve(base_text)
            .map(|b| index.members(b).into_iter().filter_map(item).collect())
            .unwrap_or_default();
    }
    // `1210,90 `: after a number (not a date), its unit.
    let number: String = ahead
        .strip_suffix(' ')
        .unwrap_or("")
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '_' | '-'))
        .collect();
    if number.starts_with(|c: char| c.is_ascii_digit()) && !number.contains('-') {
        return UNITS
            .iter()
            .map(|(unit, what)| CompletionItem {
                label: (*unit).to_owned(),
                kind: None,
                detail: (*what).to_owned(),
                documentation: None,
            })
            .collect();
    }
    // `demandeur.lieu_de_vie = `, `valeur l : lieu_de_vie = `: the expected type is an
    // enumeration, and only its variants fit.
    let line_ahead = ahead.rsplit('\n').next().unwrap_or("").trim_end();
    if let Some(left) = line_ahead
        .strip_suffix('=')
        .filter(|l| !l.ends_with(['<', '>', '!', '=']))
    {
        let enumeration = resolve(left.trim_end()).and_then(|id| {
            let d = index.defs.get(id)?;
            if d.kind == DefKind::Enum {
                return Some(id);
            }
            let ty = index.type_of(id)?;
            (index.defs.get(ty)?.kind == DefKind::Enum).then_some(ty)
        });
        if let Some(e) = enumeration {
            return index.members(e).into_iter().filter_map(item).collect();
        }
    }
    let mut out: Vec<CompletionItem> = socle_grammar::KEYWORDS
        .iter()
        .filter(|k| !is_unaccented_twin(k))
        .map(|k| CompletionItem {
            label: (*k).to_owned(),
            kind: None,
            detail: "mot-clé".to_owned(),
            documentation: None,
        })
        .chain(
            super::keywords::CONTEXTUAL
                .iter()
                .map(|(word, doc)| CompletionItem {
                    label: (*word).to_owned(),
                    kind: None,
                    detail: "mot-clé".to_owned(),
                    documentation: Some((*doc).to_owned()),
                }),
        )
        .collect();
    for &r in rulesets {
        out.extend(index.visible(db, r).into_iter().filter_map(item));
    }
    out.extend(builtin_docs().into_iter().map(|b| CompletionItem {
        label: b.name.to_owned(),
        kind: Some(if b.is_function {
            DefKind::Function
        } else {
            DefKind::Value
        }),
        detail: b.signature.to_owned(),
        documentation: Some(builtin_detail(&b)),
    }));
    // Locals and dispositif items of the declaration around the cursor.
    let enclosing = index.defs.iter().enumerate().find(|(_, d)| {
        d.file.0 == file
            && matches!(d.kind, DefKind::Function | DefKind::Dispositif)
            && (d.full_span.start as usize) <= offset
            && offset <= d.full_span.end as usize
    });
    if let Some((id, _)) = enclosing {
        out.extend(index.members(id).into_iter().filter_map(item));
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| seen.insert((c.label.clone(), c.kind)));
    out
}

/// Whether `keyword` is the unaccented spelling the language also accepts (`enumeration` for
/// `énumération`): completion offers each keyword once, accented.
fn is_unaccented_twin(keyword: &str) -> bool {
    keyword.is_ascii()
        && socle_grammar::KEYWORDS
            .iter()
            .any(|k| !k.is_ascii() && unaccented(k) == keyword)
}

fn unaccented(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' => 'a',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

pub(super) fn document_symbols(index: &Index, file: FileId) -> Vec<Symbol> {
    let symbol = |id: usize| {
        index.defs.get(id).map(|d| Symbol {
            name: d.name.clone(),
            kind: d.kind,
            span: d.full_span,
            name_span: d.span,
            container: None,
            children: Vec::new(),
        })
    };
    index
        .defs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.file == file && d.parent.is_none())
        .filter(|(_, d)| !matches!(d.kind, DefKind::Ruleset | DefKind::Element))
        .filter_map(|(id, _)| {
            let mut s = symbol(id)?;
            s.children = index.members(id).into_iter().filter_map(symbol).collect();
            for c in &mut s.children {
                c.container = Some(s.name.clone());
            }
            Some(s)
        })
        .collect()
}

pub(super) fn highlight(index: &Index, file: FileId, text: &str) -> Vec<HighlightToken> {
    let mut names: Vec<(Span, DefKind)> = index
        .refs
        .iter()
        .filter(|r| r.file == file)
        .filter_map(|r| index.defs.get(r.def).map(|d| (r.span, d.kind)))
        .chain(
            index
                .defs
                .iter()
                .filter(|d| d.file == file && d.kind != DefKind::Ruleset)
                .map(|d| (d.span, d.kind)),
        )
        .collect();
    names.sort_by_key(|(s, _)| s.start);
    let mut previous_punct: Option<&str> = None;
    let mut out = Vec::new();
    for (kind, span) in lexemes(text) {
        let word = slice(text, span);
        let class = match kind {
            LexemeKind::Keyword => Some(HighlightClass::Keyword),
            LexemeKind::Number => Some(HighlightClass::Number),
            LexemeKind::Str => Some(HighlightClass::Str),
            LexemeKind::Comment | LexemeKind::DocComment => Some(HighlightClass::Comment),
            LexemeKind::Punct if matches!(word, "€" | "%") => Some(HighlightClass::Unit),
            LexemeKind::Punct => None,
            LexemeKind::Word => {
                let at = names.binary_search_by_key(&span.start, |(s, _)| s.start);
                match at.ok().and_then(|i| names.get(i)) {
                    Some((_, k)) => Some(HighlightClass::Name(*k)),
                    None if previous_punct == Some("/") && UNIT_WORDS.contains(&word) => {
                        Some(HighlightClass::Unit)
                    }
                    None => None,
                }
            }
        };
        previous_punct = (kind == LexemeKind::Punct).then_some(word);
        if let Some(class) = class {
            out.push(HighlightToken { span, class });
        }
    }
    out
}
