//! One function per kind of page. Formulas are quoted from the `.socle` text, so a page reads
//! exactly as the rule was written.

use socle_grammar::ast::{
    ConditionDecl, DeclKind, DispositifDecl, DispositifItem, DispositifItemKind, TypeExprKind,
    ValueDecl,
};

use crate::example::Examples;
use crate::html::{code_block, esc, page, page_name, Kind};
use crate::model::{column_of, dedent, Catalog, Item};
use crate::sources::{doc_comment, sources_list};
use crate::tables::{bareme_tables, embedded, header_line, param_history};

/// The documented ruleset's name, which every page's navigation leads back to.
fn site_name(catalog: &Catalog) -> String {
    catalog.main().map(|r| r.name.clone()).unwrap_or_default()
}

/// The page kind of a declaration, if it has a page.
pub fn kind_of(item: Item<'_>) -> Option<Kind> {
    match &item.decl.kind {
        DeclKind::Dispositif(_) => Some(Kind::Dispositif),
        DeclKind::Param(_) => Some(Kind::Parametre),
        DeclKind::Bareme(_) => Some(Kind::Bareme),
        DeclKind::Function(_) => Some(Kind::Fonction),
        DeclKind::Value(_) | DeclKind::Condition(_) => Some(Kind::Regle),
        _ => None,
    }
}

pub fn link_of(item: Item<'_>) -> Option<String> {
    kind_of(item).map(|k| page_name(k, &item.ruleset.name, item.name()))
}

/// The source text from `start` to `end` of the item's file, re-indented.
///
/// Comment lines (notes for rule writers, in English) and `source` lines (shown as citations
/// below the formula) are left out of the quote.
fn quote(item: Item<'_>, start: u32, end: u32) -> String {
    let span = socle_grammar::Span { start, end };
    let text = dedent(item.text(span), column_of(&item.file.text, start as usize));
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.starts_with('#') && !t.starts_with("source \"")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn value_end(v: &ValueDecl) -> u32 {
    v.exceptions
        .iter()
        .map(|e| e.span.end)
        .chain([v.expr.span.end])
        .max()
        .unwrap_or(v.expr.span.end)
}

fn link(catalog: &Catalog, ruleset: &str, name: &str) -> String {
    let target = catalog.ruleset(ruleset).and_then(|r| r.find(name));
    let label = if catalog.main().is_some_and(|m| m.name == ruleset) {
        name.to_owned()
    } else {
        format!("{ruleset}.{name}")
    };
    match target.and_then(link_of) {
        Some(href) => format!(
            "<a href=\"{}\"><code>{}</code></a>",
            esc(&href),
            esc(&label)
        ),
        None => format!("<code>{}</code>", esc(&label)),
    }
}

fn field_link(path: &str) -> String {
    format!(
        "<a href=\"champs.html#champ-{p}\"><code>{p}</code></a>",
        p = esc(path)
    )
}

/// The « Utilise » and « Champs du dossier lus » paragraphs of a rule.
fn reads_section(catalog: &Catalog, item: Item<'_>, transitive: bool) -> String {
    let reads = if transitive {
        catalog.transitive_reads(item)
    } else {
        catalog.direct_reads(item)
    };
    let mut out = String::new();
    if !reads.decls.is_empty() {
        let links: Vec<String> = reads
            .decls
            .iter()
            .map(|(r, n)| link(catalog, r, n))
            .collect();
        out.push_str(&format!(
            "<p>{} : {}</p>\n",
            if transitive {
                "Règles, paramètres et barèmes utilisés (directement ou non)"
            } else {
                "Utilise"
            },
            links.join(", ")
        ));
    }
    if !reads.fields.is_empty() {
        let links: Vec<String> = reads.fields.iter().map(|f| field_link(f)).collect();
        out.push_str(&format!(
            "<p>Champs du dossier lus : {}</p>\n",
            links.join(", ")
        ));
    }
    out
}

fn condition_block(item: Item<'_>, c: &ConditionDecl, start: u32) -> String {
    let mut out = code_block(&quote(item, start, c.expr.span.end));
    if c.message.is_none() && c.if_satisfied.is_none() && c.if_failed.is_none() {
        out.push_str(
            "<p>Motif affiché : la condition elle-même, avec les valeurs du dossier.</p>\n",
        );
    }
    let messages = [
        ("Motif affiché", &c.message),
        ("Motif affiché si elle est remplie", &c.if_satisfied),
        ("Motif affiché si elle ne l'est pas", &c.if_failed),
    ];
    for (label, m) in messages {
        let Some(m) = m else { continue };
        let text = item.text(m.span);
        let quoted = text.find('"').and_then(|i| text.get(i..)).unwrap_or(text);
        out.push_str(&format!(
            "<p>{label} : <q>{}</q></p>\n",
            esc(quoted.trim().trim_matches('"'))
        ));
    }
    out
}

fn dispositif_item(item: Item<'_>, di: &DispositifItem) -> String {
    let (name, body, label) = match &di.kind {
        DispositifItemKind::Condition(c) => (
            &c.name.name,
            condition_block(item, c, di.span.start),
            if c.payment {
                "condition de versement"
            } else {
                "condition"
            },
        ),
        DispositifItemKind::Value(v) => (
            &v.name.name,
            code_block(&quote(item, di.span.start, value_end(v))),
            if v.paid { "valeur versée" } else { "valeur" },
        ),
        DispositifItemKind::Let(v) => (
            &v.name.name,
            code_block(&quote(item, di.span.start, value_end(v))),
            "valeur intermédiaire",
        ),
        DispositifItemKind::UseGroup(g) => (
            &g.name,
            code_block(&quote(item, di.span.start, g.span.end)),
            "groupe de conditions",
        ),
    };
    format!(
        "<section class=\"regle\" id=\"{id}\">\n<h3><code>{id}</code> <small>({label})</small></h3>\n{}{}{}</section>\n",
        doc_comment(&di.meta),
        body,
        sources_list(&di.meta.sources),
        id = esc(name),
    )
}

/// The `cumul` rules of the documented ruleset that name this dispositif, as written.
fn cumuls(catalog: &Catalog, item: Item<'_>) -> String {
    let name = item.name();
    let rules: Vec<String> = catalog
        .main()
        .into_iter()
        .flat_map(|r| r.files.iter())
        .flat_map(|f| f.ast.decls.iter().map(move |d| (f, d)))
        .filter_map(|(f, d)| match &d.kind {
            DeclKind::Cumul(c) if c.left.name == name || c.right.name == name => Some(format!(
                "{}{}",
                code_block(f.slice(d.span).lines().next().unwrap_or("")),
                sources_list(&d.meta.sources)
            )),
            _ => None,
        })
        .collect();
    if rules.is_empty() {
        "<p>Aucune règle de cumul ne nomme ce dispositif.</p>\n".to_owned()
    } else {
        rules.concat()
    }
}

pub fn dispositif(
    catalog: &Catalog,
    item: Item<'_>,
    d: &DispositifDecl,
    examples: Option<&Examples>,
) -> String {
    let title = d.title.clone().unwrap_or_else(|| item.name().to_owned());
    let mut body = format!("<p>Identifiant : <code>{}</code></p>\n", esc(item.name()));
    body.push_str(&doc_comment(&item.decl.meta));
    body.push_str(&sources_list(&item.decl.meta.sources));
    let conditions: Vec<&DispositifItem> = d
        .items
        .iter()
        .filter(|i| matches!(&i.kind, DispositifItemKind::Condition(c) if !c.payment))
        .collect();
    let payments: Vec<&DispositifItem> = d
        .items
        .iter()
        .filter(|i| matches!(&i.kind, DispositifItemKind::Condition(c) if c.payment))
        .collect();
    let values: Vec<&DispositifItem> = d
        .items
        .iter()
        .filter(|i| !matches!(i.kind, DispositifItemKind::Condition(_)))
        .collect();
    body.push_str(
        "<nav class=\"sommaire\"><a href=\"#conditions\">Conditions</a> · <a href=\"#valeurs\">Valeurs</a> · \
         <a href=\"#cumuls\">Cumuls</a> · <a href=\"#lectures\">Ce que lit le dispositif</a> · \
         <a href=\"#parametres\">Paramètres et barèmes</a> · <a href=\"#exemple\">Exemple</a></nav>\n",
    );
    body.push_str("<h2 id=\"conditions\">Conditions</h2>\n");
    if conditions.is_empty() {
        body.push_str("<p>Aucune condition : le dispositif est toujours accordé.</p>\n");
    } else {
        body.push_str("<p>Le dispositif est accordé quand toutes ces conditions sont remplies ; chacune donne un motif.</p>\n");
    }
    for c in conditions {
        body.push_str(&dispositif_item(item, c));
    }
    if !payments.is_empty() {
        body.push_str("<h2 id=\"versement\">Conditions de versement</h2>\n");
        body.push_str("<p>Une fois le droit ouvert, l'aide n'est versée que si ces conditions sont remplies. Sinon le dossier reste éligible, ses valeurs sont montrées, et les valeurs versées valent zéro ; les règles de cumul voient le droit ouvert.</p>\n");
    }
    for c in payments {
        body.push_str(&dispositif_item(item, c));
    }
    body.push_str("<h2 id=\"valeurs\">Valeurs</h2>\n");
    if values.is_empty() {
        body.push_str("<p>Aucune valeur calculée.</p>\n");
    }
    for v in values {
        body.push_str(&dispositif_item(item, v));
    }
    body.push_str("<h2 id=\"cumuls\">Cumuls</h2>\n");
    body.push_str(&cumuls(catalog, item));
    body.push_str("<h2 id=\"lectures\">Ce que lit le dispositif</h2>\n");
    body.push_str(&reads_section(catalog, item, true));
    let reads = catalog.transitive_reads(item);
    let embedded_tables: Vec<String> = reads
        .decls
        .iter()
        .filter_map(|(r, n)| catalog.ruleset(r).and_then(|r| r.find(n)))
        .filter_map(|target| link_of(target).and_then(|href| embedded(target, &href)))
        .collect();
    body.push_str("<h2 id=\"parametres\">Paramètres et barèmes utilisés</h2>\n");
    if embedded_tables.is_empty() {
        body.push_str("<p>Aucun paramètre ni barème.</p>\n");
    } else {
        for t in embedded_tables {
            body.push_str(&t);
        }
    }
    body.push_str("<h2 id=\"exemple\">Exemple</h2>\n");
    match examples {
        Some(e) => body.push_str(&e.section(item.name())),
        None => body
            .push_str("<p>Pas d'exemple : ce jeu de règles importé n'est pas décidé seul.</p>\n"),
    }
    page(&site_name(catalog), &title, &body)
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Dispositif => "Dispositif",
        Kind::Parametre => "Paramètre",
        Kind::Bareme => "Barème",
        Kind::Fonction => "Fonction",
        Kind::Regle => "Règle",
    }
}

fn heading(catalog: &Catalog, item: Item<'_>, kind: Kind) -> (String, String) {
    let title = format!("{} {}", kind_label(kind), item.name());
    let mut body = String::new();
    if catalog.main().is_some_and(|m| m.name != item.ruleset.name) {
        body.push_str(&format!(
            "<p>Déclaré dans le jeu de règles importé <code>{}</code>.</p>\n",
            esc(&item.ruleset.name)
        ));
    }
    body.push_str(&doc_comment(&item.decl.meta));
    body.push_str(&sources_list(&item.decl.meta.sources));
    (title, body)
}

pub fn parameter(catalog: &Catalog, item: Item<'_>, p: &socle_grammar::ast::ParamDecl) -> String {
    let (title, mut body) = heading(catalog, item, Kind::Parametre);
    body.push_str(&code_block(&header_line(item)));
    body.push_str("<h2>Historique des valeurs</h2>\n");
    body.push_str(&param_history(item, p));
    page(&site_name(catalog), &title, &body)
}

pub fn bareme(catalog: &Catalog, item: Item<'_>, b: &socle_grammar::ast::BaremeDecl) -> String {
    let (title, mut body) = heading(catalog, item, Kind::Bareme);
    body.push_str(&code_block(&header_line(item)));
    body.push_str(&bareme_tables(item, b, "h2"));
    page(&site_name(catalog), &title, &body)
}

/// A top-level value, condition or function: its formula as written and what it reads.
pub fn rule(catalog: &Catalog, item: Item<'_>, kind: Kind) -> String {
    let (title, mut body) = heading(catalog, item, kind);
    let start = item.decl.span.start;
    let formula = match &item.decl.kind {
        DeclKind::Value(v) => quote(item, start, value_end(v)),
        DeclKind::Condition(c) => quote(item, start, c.expr.span.end),
        DeclKind::Function(f) => quote(item, start, f.result.span.end),
        _ => String::new(),
    };
    body.push_str(&code_block(&formula));
    if let DeclKind::Condition(ConditionDecl {
        message: Some(m), ..
    }) = &item.decl.kind
    {
        body.push_str(&format!(
            "<p>Motif affiché : <q>{}</q></p>\n",
            esc(item
                .text(m.span)
                .trim()
                .trim_start_matches("message")
                .trim()
                .trim_matches('"'))
        ));
    }
    body.push_str(&reads_section(catalog, item, false));
    page(&site_name(catalog), &title, &body)
}

fn type_text(item: Item<'_>, ty: &socle_grammar::ast::TypeExpr) -> String {
    item.text(ty.span).to_owned()
}

/// The dossier: every `entrée`, the fields of its structure (recursively), and the
/// enumerations a field may take.
pub fn fields(catalog: &Catalog) -> String {
    let ruleset = catalog.main().map(|r| r.name.clone()).unwrap_or_default();
    let readers: Vec<(String, Vec<String>)> = catalog
        .main()
        .into_iter()
        .flat_map(|r| r.items())
        .filter(|i| matches!(i.decl.kind, DeclKind::Dispositif(_)))
        .map(|i| {
            let fields = catalog.transitive_reads(i).fields.into_iter().collect();
            (i.name().to_owned(), fields)
        })
        .collect();
    let mut body = String::from(
        "<p>Les champs du dossier JSON déclarés par les règles, avec leur type, leur source et les \
         dispositifs de ce jeu de règles qui les lisent.</p>\n\
         <table class=\"champs\"><thead><tr><th>Champ</th><th>Type</th><th>Description</th>\
         <th>Lu par</th></tr></thead><tbody>\n",
    );
    for item in catalog.items() {
        if let DeclKind::Input(input) = &item.decl.kind {
            field_rows(
                catalog,
                &readers,
                item,
                item.name(),
                &input.ty,
                &item.decl.meta,
                &mut body,
                0,
            );
        }
    }
    body.push_str("</tbody></table>\n<h2>Énumérations</h2>\n<table><thead><tr><th>Énumération</th><th>Valeurs possibles</th></tr></thead><tbody>\n");
    for item in catalog.items() {
        if let DeclKind::Enum(e) = &item.decl.kind {
            let variants: Vec<String> = e
                .variants
                .iter()
                .map(|v| format!("<code>{}</code>", esc(&v.name)))
                .collect();
            body.push_str(&format!(
                "<tr><td id=\"enum-{n}\"><code>{n}</code></td><td>{}</td></tr>\n",
                variants.join(" | "),
                n = esc(item.name())
            ));
        }
    }
    body.push_str("</tbody></table>\n");
    page(&ruleset, "Champs du dossier", &body)
}

#[allow(clippy::too_many_arguments)]
fn field_rows(
    catalog: &Catalog,
    readers: &[(String, Vec<String>)],
    owner: Item<'_>,
    path: &str,
    ty: &socle_grammar::ast::TypeExpr,
    meta: &socle_grammar::ast::Meta,
    out: &mut String,
    depth: usize,
) {
    let mut description = meta.doc.as_deref().map(esc).unwrap_or_default();
    if !meta.sources.is_empty() {
        if !description.is_empty() {
            description.push_str("<br>");
        }
        description.push_str(&format!(
            "<span class=\"source\">Source : {}</span>",
            crate::sources::citations(&meta.sources)
        ));
    }
    // A field is read when a dispositif reads it, or reads a field inside it.
    let read_by: Vec<String> = readers
        .iter()
        .filter(|(_, fields)| {
            fields
                .iter()
                .any(|f| f == path || f.starts_with(&format!("{path}.")))
        })
        .map(|(d, _)| link(catalog, &site_name(catalog), d))
        .collect();
    out.push_str(&format!(
        "<tr id=\"champ-{p}\"><td><code>{p}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
        esc(&type_text(owner, ty)),
        description,
        read_by.join(", "),
        p = esc(path)
    ));
    let mut inner = ty;
    while let TypeExprKind::Optional(t) | TypeExprKind::List(t) = &inner.kind {
        inner = t;
    }
    if let (TypeExprKind::Named(name), true) = (&inner.kind, depth < 4) {
        if let Some(target) = catalog.resolve(owner.ruleset, &name.name) {
            if let DeclKind::Struct(s) = &target.decl.kind {
                for f in &s.fields {
                    let sub = format!("{path}.{}", f.name.name);
                    field_rows(
                        catalog,
                        readers,
                        target,
                        &sub,
                        &f.ty,
                        &f.meta,
                        out,
                        depth + 1,
                    );
                }
            }
        }
    }
}

/// The index: the documented ruleset's declarations by kind, then each imported ruleset's.
pub fn index(catalog: &Catalog) -> String {
    let ruleset = catalog.main().map(|r| r.name.clone()).unwrap_or_default();
    let mut body = String::from(
        "<p>Documentation générée à partir des fichiers <code>.socle</code> du jeu de règles : \
         chaque dispositif avec ses conditions, ses valeurs, ses sources et un exemple de décision ; \
         chaque paramètre avec l'historique de ses valeurs ; chaque barème avec ses tranches.</p>\n\
         <p><a href=\"champs.html\">Champs du dossier</a></p>\n",
    );
    for (n, r) in catalog.rulesets.iter().enumerate() {
        if n > 0 {
            body.push_str(&format!(
                "<h2 class=\"importe\">Jeu de règles importé <code>{}</code></h2>\n",
                esc(&r.name)
            ));
        }
        for (kind, label) in [
            (Kind::Dispositif, "Dispositifs"),
            (Kind::Parametre, "Paramètres"),
            (Kind::Bareme, "Barèmes"),
            (Kind::Fonction, "Fonctions"),
            (Kind::Regle, "Valeurs et conditions"),
        ] {
            let items: Vec<Item<'_>> = r.items().filter(|i| kind_of(*i) == Some(kind)).collect();
            if items.is_empty() {
                continue;
            }
            body.push_str(&format!(
                "<h{h}>{label}</h{h}>\n",
                h = if n > 0 { 3 } else { 2 }
            ));
            body.push_str(if kind == Kind::Dispositif {
                "<ul>\n"
            } else {
                "<ul class=\"index\">\n"
            });
            for item in items {
                let title = match &item.decl.kind {
                    DeclKind::Dispositif(d) => d
                        .title
                        .as_deref()
                        .map(|t| format!(" — {}", esc(t)))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                let href = link_of(item).unwrap_or_default();
                body.push_str(&format!(
                    "<li><a href=\"{}\"><code>{}</code></a>{}</li>\n",
                    esc(&href),
                    esc(item.name()),
                    title
                ));
            }
            body.push_str("</ul>\n");
        }
    }
    page(&ruleset, &format!("Jeu de règles {ruleset}"), &body)
}
