//! Citations of articles of a code (« CASF L232-5 », « art. R231-6 du CASF », « CSS L355-1 »)
//! turned into Légifrance search links. Nothing is fetched: the link is built from the text.

use crate::html::esc;

/// Abbreviations and names of the codes a citation may name, with the code's full title.
const CODES: &[(&str, &str)] = &[
    ("CASF", "Code de l'action sociale et des familles"),
    (
        "code de l'action sociale et des familles",
        "Code de l'action sociale et des familles",
    ),
    ("CSS", "Code de la sécurité sociale"),
    ("code de la sécurité sociale", "Code de la sécurité sociale"),
    ("CSP", "Code de la santé publique"),
    ("code de la santé publique", "Code de la santé publique"),
    ("CGI", "Code général des impôts"),
    ("code général des impôts", "Code général des impôts"),
    ("code civil", "Code civil"),
];

/// The code named in a piece of citation, if any (whole words only: `CSS` inside `CSSX` is not).
fn code_in(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    CODES
        .iter()
        .filter_map(|(needle, title)| {
            let needle_lower = needle.to_lowercase();
            let mut from = 0;
            while let Some(pos) = lower.get(from..).and_then(|s| s.find(&needle_lower)) {
                let start = from + pos;
                let end = start + needle_lower.len();
                let before = lower.get(..start).and_then(|s| s.chars().next_back());
                let after = lower.get(end..).and_then(|s| s.chars().next());
                let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
                if boundary(before) && boundary(after) {
                    return Some((start, *title));
                }
                from = end;
            }
            None
        })
        .min_by_key(|(start, _)| *start)
        .map(|(_, title)| title)
}

/// Byte ranges of article numbers in `text`: a capital L, R, D or A directly followed by digits
/// and at least one `-digits` group (`L232-5`, `D232-31`, `R314-10-1`).
fn articles(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !bytes.get(i - 1).is_some_and(|b| b.is_ascii_alphanumeric());
        let letter = bytes
            .get(i)
            .is_some_and(|b| matches!(b, b'L' | b'R' | b'D' | b'A'));
        if starts_word && letter {
            let mut j = i + 1;
            let digits = |j: usize| {
                let mut k = j;
                while bytes.get(k).is_some_and(u8::is_ascii_digit) {
                    k += 1;
                }
                k
            };
            let after_number = digits(j);
            if after_number > j {
                j = after_number;
                let mut groups = 0;
                while bytes.get(j) == Some(&b'-') && digits(j + 1) > j + 1 {
                    j = digits(j + 1);
                    groups += 1;
                }
                let ends_word = !bytes.get(j).is_some_and(|b| b.is_ascii_alphanumeric());
                if groups > 0 && ends_word {
                    out.push((i, j));
                    i = j;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// Percent-encoding of a URL query value.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The Légifrance search link of an article of a code.
pub fn search_url(code: &str, article: &str) -> String {
    format!(
        "https://www.legifrance.gouv.fr/search/code?tab_selection=code&query={}",
        encode(&format!("article {article} {code}"))
    )
}

/// A citation as HTML: escaped, with every article of a named code linked. The code is looked
/// for in the same `;`-separated part of the citation first, then in the whole citation.
pub fn link_citation(text: &str) -> String {
    let whole = code_in(text);
    let mut out = String::new();
    for (n, part) in text.split(';').enumerate() {
        if n > 0 {
            out.push(';');
        }
        let code = code_in(part).or(whole);
        let mut last = 0;
        for (start, end) in articles(part) {
            let (Some(before), Some(article), Some(code)) =
                (part.get(last..start), part.get(start..end), code)
            else {
                continue;
            };
            out.push_str(&esc(before));
            out.push_str(&format!(
                "<a href=\"{}\" title=\"Rechercher l'article {} ({}) sur Légifrance\">{}</a>",
                esc(&search_url(code, article)),
                esc(article),
                esc(code),
                esc(article)
            ));
            last = end;
        }
        out.push_str(&esc(part.get(last..).unwrap_or("")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_of_named_codes_are_linked() {
        for (citation, links) in [
            ("CASF L232-5", vec!["L232-5"]),
            ("art. R231-6 du CASF", vec!["R231-6"]),
            ("CSS L355-1 ; circulaires Cnav", vec!["L355-1"]),
            (
                "CASF R232-10 et R232-11 dans leur rédaction",
                vec!["R232-10", "R232-11"],
            ),
            ("décret 2016-210", vec![]),
            ("seed 004 VO-APA-1..4", vec![]),
            ("R232-10 sans code nommé", vec![]),
        ] {
            let html = link_citation(citation);
            let found: Vec<&str> = html
                .split("\">")
                .skip(1)
                .filter_map(|s| s.split("</a>").next())
                .filter(|s| !s.contains('<') && html.contains(&format!(">{s}</a>")))
                .collect();
            assert_eq!(found, links, "{citation} → {html}");
        }
    }

    #[test]
    fn the_link_names_the_article_and_the_code() {
        assert_eq!(
            search_url("Code de la sécurité sociale", "L355-1"),
            "https://www.legifrance.gouv.fr/search/code?tab_selection=code&query=article%20L355-1%20Code%20de%20la%20s%C3%A9curit%C3%A9%20sociale"
        );
    }

    #[test]
    fn citations_are_escaped() {
        assert_eq!(
            link_citation("<b> & \"x\""),
            "&lt;b&gt; &amp; &quot;x&quot;"
        );
    }
}
