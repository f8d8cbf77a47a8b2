//! HTML building blocks: escaping, file names, the page shell and the one stylesheet. Every
//! text that comes from a ruleset or a case file goes through [`esc`].

use std::fmt::Write;

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The kinds of pages, and the prefix of their file names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Dispositif,
    Parametre,
    Bareme,
    Fonction,
    Regle,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Dispositif => "dispositif",
            Kind::Parametre => "parametre",
            Kind::Bareme => "bareme",
            Kind::Fonction => "fonction",
            Kind::Regle => "regle",
        }
    }
}

/// The file name of an item's page: ASCII only, so links work from any file system and
/// browser without percent-encoding (`date_décision` → `date_d_u00e9cision`).
pub fn page_name(kind: Kind, ruleset: &str, name: &str) -> String {
    let mut out = format!("{}-", kind.prefix());
    for (i, part) in [ruleset, name].iter().enumerate() {
        if i > 0 {
            out.push_str("--");
        }
        for c in part.chars() {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                out.push(c);
            } else {
                let _ = write!(out, "_u{:04x}", u32::from(c));
            }
        }
    }
    out.push_str(".html");
    out
}

/// A whole page: the title, a breadcrumb back to the index, and the body (already HTML).
pub fn page(ruleset: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · {ruleset}</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n\
         </head>\n<body>\n<nav><a href=\"index.html\">Jeu de règles {ruleset}</a></nav>\n\
         <main>\n<h1>{title}</h1>\n{body}</main>\n<footer>Page générée par <code>socle doc</code> \
         à partir des fichiers .socle : elle ne fait pas foi, seuls les textes cités font foi.\
         </footer>\n</body>\n</html>\n",
        title = esc(title),
        ruleset = esc(ruleset),
    )
}

/// A block of source text, as written in the .socle file.
pub fn code_block(text: &str) -> String {
    format!("<pre class=\"formule\"><code>{}</code></pre>\n", esc(text))
}

/// The stylesheet shared by every page.
pub const CSS: &str = r#"/* socle doc: one stylesheet for every page, no external resource. */
:root { --encre: #1d2430; --bleu: #000091; --gris: #f3f4f7; --trait: #c9ccd6; --vert: #18753c; --rouge: #b34000; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Marianne", Arial, sans-serif; color: var(--encre); background: #fff; line-height: 1.45; }
nav { background: var(--bleu); padding: .6rem 1.5rem; }
nav a { color: #fff; font-weight: bold; text-decoration: none; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 2rem; }
h1 { font-size: 1.7rem; margin: .8rem 0; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 2px solid var(--bleu); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
a { color: var(--bleu); }
code, pre { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .9rem; }
pre.formule { background: var(--gris); border-left: 4px solid var(--bleu); padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid var(--trait); padding: .3rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--gris); }
td.nombre { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.doc { font-style: italic; }
.source { color: #3a3a3a; font-size: .9rem; }
.oui { color: var(--vert); font-weight: bold; }
.non { color: var(--rouge); font-weight: bold; }
.regle { border: 1px solid var(--trait); border-radius: 4px; padding: .2rem 1rem .6rem; margin: 1rem 0; }
.regle h3 { margin-top: .6rem; }
figure { margin: .8rem 0 1.2rem; }
figcaption { font-size: .85rem; color: #555; }
svg { max-width: 100%; height: auto; background: #fff; }
svg text { font-family: Arial, sans-serif; font-size: 11px; fill: var(--encre); }
svg .axe { stroke: #777; stroke-width: 1; }
svg .grille { stroke: #e1e3ea; stroke-width: 1; }
svg .marche { stroke: var(--bleu); stroke-width: 2.5; fill: none; }
svg .point { fill: var(--bleu); }
ul.index { columns: 2; }
nav.sommaire { background: none; padding: 0; margin: .4rem 0 1rem; font-size: .92rem; }
nav.sommaire a { color: var(--bleu); font-weight: normal; text-decoration: underline; }
footer { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 2rem; font-size: .8rem; color: #666; }
"#;
