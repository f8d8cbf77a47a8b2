//! `source` citations and `##` doc comments as HTML.

use socle_grammar::ast::{Meta, Source};

use crate::html::esc;

use crate::legifrance::link_citation;

fn citation(s: &Source) -> String {
    match &s.refs {
        Some(refs) => format!("{} ({})", link_citation(&s.text), link_citation(refs)),
        None => link_citation(&s.text),
    }
}

/// The citations inline, separated by « ; ».
pub fn citations(sources: &[Source]) -> String {
    sources.iter().map(citation).collect::<Vec<_>>().join(" ; ")
}

/// A « Source » paragraph, or nothing when no source is cited.
pub fn sources_list(sources: &[Source]) -> String {
    match sources {
        [] => String::new(),
        [one] => format!("<p class=\"source\">Source : {}</p>\n", citation(one)),
        many => {
            let items: String = many
                .iter()
                .map(|s| format!("<li>{}</li>", citation(s)))
                .collect();
            format!("<p class=\"source\">Sources :</p><ul class=\"source\">{items}</ul>\n")
        }
    }
}

/// The `##` comment above a declaration, as a paragraph.
pub fn doc_comment(meta: &Meta) -> String {
    match &meta.doc {
        Some(doc) => format!(
            "<p class=\"doc\">{}</p>\n",
            esc(&doc.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        ),
        None => String::new(),
    }
}
