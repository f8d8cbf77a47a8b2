//! The canonical layout of a `.socle` file (`socle fmt`, LSP formatting).
//!
//! The formatter re-lays the whitespace and nothing else: every token (literal, name,
//! string, comment, doc comment, `source` citation) is copied byte for byte, so formatting
//! cannot change what a ruleset decides. The layout it produces:
//! - declarations at column 0, their lines indented two spaces per nesting level (levels are
//!   read from the relative indentation of the original lines);
//! - a line that continues an expression (after `=`, an operator, an open bracket, or
//!   starting with `et`, `ou`, `sinon`…) two levels under the line where it started;
//! - between tokens on a line: none where there was none (`€/mois`, `demandeur.gir`), two
//!   spaces where there were several (table entries, barème columns), one otherwise;
//!   thousands separators `\u{A0}`/`\u{202F}` kept as written; two before a trailing comment;
//! - an indented comment takes the indentation of the line it precedes;
//! - one blank line between declarations (consecutive one-line declarations of the same
//!   kind, such as `importe` lines, may stay together), never two blank lines in a row,
//!   none at the start or the end of the file; `\n` line ends; no trailing spaces.
//!
//! A file with syntax errors is not formatted: the layout of a declaration the parser could
//! not read cannot be known.

use crate::lexer::{self, Tok, TokKind};
use crate::ParseError;

const INDENT: &str = "  ";
const TAB_WIDTH: usize = 4;

/// Why a file was not formatted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("le fichier contient {} erreur(s) de syntaxe : il n'est pas mis en forme", .0.len())]
    Syntax(Vec<ParseError>),
}

/// One line of the original text, with its tokens.
struct Line<'t> {
    /// Indentation width (a tab counts as four columns).
    width: usize,
    toks: &'t [Tok],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Blank,
    /// Only a comment.
    Comment,
    /// Starts a declaration (column 0, not a comment).
    DeclStart,
    Code,
}

impl Line<'_> {
    fn shape(&self) -> Shape {
        match self.toks.first() {
            None => Shape::Blank,
            Some(t) if matches!(t.kind, TokKind::Comment { .. }) => Shape::Comment,
            Some(_) if self.width == 0 => Shape::DeclStart,
            Some(_) => Shape::Code,
        }
    }
}

/// Formats one file; `Err` when it has syntax errors.
pub fn format(text: &str) -> Result<String, FormatError> {
    let (_, errors) = crate::parse(text);
    if !errors.is_empty() {
        return Err(FormatError::Syntax(errors));
    }
    let bom = text.starts_with('\u{FEFF}');
    let body_start = if bom { '\u{FEFF}'.len_utf8() } else { 0 };
    let toks = lexer::lex(text, body_start);
    let lines = split_lines(text, body_start, &toks);
    let levels = levels(text, &lines);
    let blank_before = blank_lines_before(text, &lines);

    let mut out = String::with_capacity(text.len());
    if bom {
        out.push('\u{FEFF}');
    }
    let mut pending_blank = false;
    for (i, line) in lines.iter().enumerate() {
        if line.shape() == Shape::Blank {
            pending_blank = !out.trim_start_matches('\u{FEFF}').is_empty();
            continue;
        }
        if pending_blank || blank_before.get(i).copied().unwrap_or(false) {
            if !out.trim_start_matches('\u{FEFF}').is_empty() {
                out.push('\n');
            }
            pending_blank = false;
        }
        for _ in 0..levels.get(i).copied().unwrap_or(0) {
            out.push_str(INDENT);
        }
        write_tokens(text, line.toks, &mut out);
        out.push('\n');
    }
    Ok(align_cells(&out))
}

/// Whether formatting would change the text (`None` when it cannot be formatted).
pub fn is_formatted(text: &str) -> Option<bool> {
    format(text).ok().map(|f| f == text)
}

fn split_lines<'t>(text: &str, body_start: usize, toks: &'t [Tok]) -> Vec<Line<'t>> {
    let mut lines = Vec::new();
    let mut start = body_start;
    while start < text.len() {
        let end = text
            .get(start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |i| start + i);
        let first = toks.partition_point(|t| t.start < start);
        let last = toks.partition_point(|t| t.start < end);
        let width = text
            .get(start..end)
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_whitespace())
            .map(|c| if c == '\t' { TAB_WIDTH } else { 1 })
            .sum();
        lines.push(Line {
            width,
            toks: toks.get(first..last).unwrap_or(&[]),
        });
        start = end + 1;
    }
    lines
}

/// Tokens that, ending a line, announce that the expression goes on below.
const CONTINUES_AFTER: &[&str] = &[
    "=",
    "(",
    ",",
    "{",
    "+",
    "-",
    "×",
    "*",
    "/",
    "et",
    "ou",
    "alors",
    "sinon",
    "non",
    "<",
    ">",
    "<=",
    ">=",
    "!=",
    "==",
    "dans",
    "contient",
    "résultat",
    "resultat",
];

/// Items whose expression may start on the next line after their `:`.
const EXPRESSION_ITEMS: &[&str] = &["condition", "valeur", "soit", "sauf"];

/// Tokens that, starting a line, mean it continues the expression above.
const CONTINUES_BEFORE: &[&str] = &[
    "et", "ou", "+", "-", "×", "*", "/", "alors", "sinon", ")", "}", "=",
];

/// Whether each line continues the expression of the code line above it.
fn continuations(text: &str, lines: &[Line<'_>]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut previous: Option<(&str, &str)> = None; // (first token, last token)
    for (i, line) in lines.iter().enumerate() {
        match line.shape() {
            Shape::DeclStart | Shape::Code => {
                let first = line.toks.first().map_or("", |t| t.text(text));
                let continues = line.shape() == Shape::Code
                    && (previous.is_some_and(|(head, end)| {
                        CONTINUES_AFTER.contains(&end)
                            || (end == ":" && EXPRESSION_ITEMS.contains(&head))
                    }) || CONTINUES_BEFORE.contains(&first));
                if let Some(flag) = out.get_mut(i) {
                    *flag = continues;
                }
                let last = line
                    .toks
                    .iter()
                    .rev()
                    .find(|t| !matches!(t.kind, TokKind::Comment { .. }))
                    .map_or("", |t| t.text(text));
                previous = Some((first, last));
            }
            Shape::Blank | Shape::Comment => {}
        }
    }
    out
}

/// The nesting level of every line. Item lines nest by a stack of indentation widths reset
/// at each declaration; a line that continues an expression sits two levels under the line
/// where the expression started; indented comments take the level of the next code line of
/// their declaration, comments at column 0 stay there.
fn levels(text: &str, lines: &[Line<'_>]) -> Vec<usize> {
    let continuation = continuations(text, lines);
    let mut levels = vec![0; lines.len()];
    let mut stack: Vec<usize> = vec![0];
    let mut head_level = 0;
    for (i, line) in lines.iter().enumerate() {
        let level = match line.shape() {
            Shape::DeclStart => {
                stack = vec![0];
                head_level = 0;
                0
            }
            Shape::Code if continuation.get(i).copied().unwrap_or(false) => head_level + 2,
            Shape::Code => {
                while stack.last().is_some_and(|&w| w > line.width) {
                    stack.pop();
                }
                if stack.last().is_none_or(|&w| w < line.width) {
                    stack.push(line.width);
                }
                head_level = stack.len().saturating_sub(1);
                head_level
            }
            Shape::Blank | Shape::Comment => 0,
        };
        if let Some(l) = levels.get_mut(i) {
            *l = level;
        }
    }
    let mut next_code_level = 0;
    for (i, line) in lines.iter().enumerate().rev() {
        match line.shape() {
            Shape::Code => next_code_level = levels.get(i).copied().unwrap_or(0),
            Shape::DeclStart => next_code_level = 0,
            Shape::Comment if line.width > 0 => {
                if let Some(level) = levels.get_mut(i) {
                    // Before the next declaration, an indented comment closes the body.
                    *level = next_code_level.max(1);
                }
            }
            Shape::Comment | Shape::Blank => {}
        }
    }
    levels
}

/// The lines that need a blank line inserted before them: the first line of a declaration
/// (with the comments directly above it) that follows another declaration without one.
fn blank_lines_before(text: &str, lines: &[Line<'_>]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut previous: Option<(usize, bool, &str)> = None; // (start line, one line, keyword)
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| lines.get(i).is_some_and(|l| l.shape() == Shape::DeclStart))
        .collect();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let code_lines = (start..end)
            .filter(|&i| {
                lines
                    .get(i)
                    .is_some_and(|l| matches!(l.shape(), Shape::DeclStart | Shape::Code))
            })
            .count();
        let keyword = lines
            .get(start)
            .and_then(|l| l.toks.first())
            .map_or("", |t| t.text(text));
        let mut block = start;
        while block > 0
            && lines
                .get(block - 1)
                .is_some_and(|l| l.shape() == Shape::Comment && l.width == 0)
        {
            block -= 1;
        }
        if let Some((_, prev_one_line, prev_keyword)) = previous {
            let grouped =
                block == start && prev_one_line && code_lines == 1 && prev_keyword == keyword;
            let has_blank = block > 0
                && lines
                    .get(block - 1)
                    .is_some_and(|l| l.shape() == Shape::Blank);
            if !grouped && !has_blank {
                if let Some(flag) = out.get_mut(block) {
                    *flag = true;
                }
            }
        }
        previous = Some((start, code_lines == 1, keyword));
    }
    out
}

fn write_tokens(text: &str, toks: &[Tok], out: &mut String) {
    let mut previous: Option<&Tok> = None;
    for (i, tok) in toks.iter().enumerate() {
        if let Some(prev) = previous {
            let gap = text.get(prev.end..tok.start).unwrap_or(" ");
            if matches!(tok.kind, TokKind::Comment { .. }) {
                out.push_str("  ");
            } else if prev.text(text) == "depuis" && tok.text(text) == "toujours" {
                // One phrase (`depuis toujours`), whatever the spaces written.
                out.push(' ');
            } else if gap.contains(['\u{A0}', '\u{202F}']) {
                out.push_str(gap);
            } else if !gap.is_empty() && starts_cell(text, prev, tok, toks.get(i + 1)) {
                // Table entries and barème columns are cells: a wide gap keeps them visible.
                out.push_str(CELL_GAP);
            } else if !gap.is_empty() {
                out.push(' ');
            }
        }
        out.push_str(tok.text(text).trim_end());
        previous = Some(tok);
    }
}

/// What separates the cells of a table version or a barème row.
const CELL_GAP: &str = "  ";

/// Whether `tok` starts a cell: a table entry (`2 => 25 %`), a barème column after an
/// interval (`couple [0 € ; 1311 €[`), or the `=>` of a barème row. Elsewhere a gap has no
/// meaning and becomes one space.
fn starts_cell(text: &str, prev: &Tok, tok: &Tok, next: Option<&Tok>) -> bool {
    let this = tok.text(text);
    let before = prev.text(text);
    if matches!(before, ":" | ";") {
        return false;
    }
    next.is_some_and(|n| n.text(text) == "=>")
        || (matches!(before, "[" | "]")
            && (this == "=>" || this.chars().next().is_some_and(char::is_alphabetic)))
}

/// Aligns the cells of consecutive barème rows (`tranche …`) and table versions (`à partir
/// du … : 1 => …  2 => …`) at the same indentation: each cell is padded to the widest of its
/// column, so that the columns read as a table.
fn align_cells(formatted: &str) -> String {
    let lines: Vec<&str> = formatted.split_inclusive('\n').collect();
    let is_row = |line: &str| {
        let body = line.trim_start();
        (body.starts_with("tranche ") || body.starts_with("à partir du "))
            && body.contains(CELL_GAP)
            && !body.contains('#')
            && !body.contains('"')
    };
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut out = String::with_capacity(formatted.len() + 64);
    let mut i = 0;
    while let Some(&first) = lines.get(i) {
        if !is_row(first) {
            out.push_str(first);
            i += 1;
            continue;
        }
        let cells_of = |line: &str| -> Vec<String> {
            line.trim().split(CELL_GAP).map(str::to_owned).collect()
        };
        let columns = cells_of(first).len();
        let mut group = vec![first];
        while let Some(&next) = lines.get(i + group.len()) {
            if is_row(next) && indent(next) == indent(first) && cells_of(next).len() == columns {
                group.push(next);
            } else {
                break;
            }
        }
        let rows: Vec<Vec<String>> = group.iter().map(|l| cells_of(l)).collect();
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                rows.iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| cell.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (line, row) in group.iter().zip(&rows) {
            let mut text = " ".repeat(indent(line));
            for (c, cell) in row.iter().enumerate() {
                text.push_str(cell);
                if c + 1 < row.len() {
                    let pad = widths
                        .get(c)
                        .copied()
                        .unwrap_or(0)
                        .saturating_sub(cell.chars().count());
                    text.push_str(&" ".repeat(pad));
                    text.push_str(CELL_GAP);
                }
            }
            out.push_str(&text);
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
        i += group.len();
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;

    fn check(input: &str, expected: &str) {
        let once = format(input).unwrap();
        assert_eq!(once, expected, "input:\n{input}");
        assert_eq!(format(&once).unwrap(), once, "not idempotent");
    }

    /// Found by the `format` fuzz target: a line holding only invisible characters (a stray
    /// U+FEFF, a narrow no-break space) is a blank line, and blank lines are normalised away.
    #[test]
    fn lines_of_invisible_characters_are_blank_lines() {
        check("#\n\u{202F}\n\u{FEFF}\n\n", "#\n");
    }

    #[test]
    fn one_space_where_the_layout_has_no_meaning() {
        check(
            "valeur   x : entier =   1   +  2\n",
            "valeur x : entier = 1 + 2\n",
        );
    }

    #[test]
    fn aligns_bareme_columns_and_table_entries() {
        check(
            concat!(
                "barème b : tranches sur montant €/mois -> montant €/heure\n",
                "  colonnes situation\n",
                "  à partir du 2004-01-01 :\n",
                "    tranche 1 : seul [0 € ; 755 €[ couple [0 € ; 1311 €[  => 1,62 €\n",
                "    tranche 2 : seul [755 € ; ∞[  couple [1311 € ; ∞[ => 2,27 €\n",
                "\n",
                "paramètre t : table entier -> décimal\n",
                "  à partir du 2002-01-01 : 1 => 1,19  2 => 1,02\n",
                "  à partir du 2016-03-01 : 1 => 1,553   2 => 1,247\n",
            ),
            concat!(
                "barème b : tranches sur montant €/mois -> montant €/heure\n",
                "  colonnes situation\n",
                "  à partir du 2004-01-01 :\n",
                "    tranche 1 : seul [0 € ; 755 €[  couple [0 € ; 1311 €[  => 1,62 €\n",
                "    tranche 2 : seul [755 € ; ∞[    couple [1311 € ; ∞[    => 2,27 €\n",
                "\n",
                "paramètre t : table entier -> décimal\n",
                "  à partir du 2002-01-01 : 1 => 1,19   2 => 1,02\n",
                "  à partir du 2016-03-01 : 1 => 1,553  2 => 1,247\n",
            ),
        );
    }

    #[test]
    fn reindents_by_nesting_level() {
        check(
            "paramètre p : montant €/mois\n    source \"a\"\n    à partir du 2024-01-01 : 1 €\n        source \"b\"\n",
            "paramètre p : montant €/mois\n  source \"a\"\n  à partir du 2024-01-01 : 1 €\n    source \"b\"\n",
        );
    }

    #[test]
    fn separates_declarations_and_keeps_doc_comments_attached() {
        check(
            "importe national\nimporte autre\nvaleur a : entier = 1\n## doc\nvaleur b : entier = 2   # fin\n\n\n\nvaleur c : entier = 3\n\n",
            "importe national\nimporte autre\n\nvaleur a : entier = 1\n\n## doc\nvaleur b : entier = 2  # fin\n\nvaleur c : entier = 3\n",
        );
    }

    #[test]
    fn indented_comments_follow_the_next_line() {
        check(
            "dispositif d\n      # pourquoi\n  condition c : vrai\n\t# fin\nvaleur x : entier = 1\n",
            "dispositif d\n  # pourquoi\n  condition c : vrai\n  # fin\n\nvaleur x : entier = 1\n",
        );
    }

    #[test]
    fn keeps_tokens_and_narrow_spaces() {
        check(
            "valeur a : montant €/mois = 1\u{202F}266,60 € + demandeur.x\r\n",
            "valeur a : montant €/mois = 1\u{202F}266,60 € + demandeur.x\n",
        );
    }

    #[test]
    fn table_entries_are_cells_two_spaces_apart() {
        check(
            "paramètre t : table entier -> décimal\n  à partir du 2024-01-01 : 1 => 1,5     2 => 2\t3 => 3 ; 4 => 4\n",
            "paramètre t : table entier -> décimal\n  à partir du 2024-01-01 : 1 => 1,5  2 => 2  3 => 3 ; 4 => 4\n",
        );
    }

    #[test]
    fn continuation_lines_sit_two_levels_under_their_item() {
        check(
            "valeur v : entier =\n 1 +\n        2\ndispositif d\n   condition c :\n    vrai\n         ou faux\n   valeur w : entier = 1\n",
            "valeur v : entier =\n    1 +\n    2\n\ndispositif d\n  condition c :\n      vrai\n      ou faux\n  valeur w : entier = 1\n",
        );
    }

    #[test]
    fn nested_exceptions_keep_their_nesting() {
        let input = "valeur a : booléen = vrai\n   sauf si b : faux\n\t  sauf si c : vrai\n   sauf si d : faux\n";
        check(
            input,
            "valeur a : booléen = vrai\n  sauf si b : faux\n    sauf si c : vrai\n  sauf si d : faux\n",
        );
        let parents = |text: &str| -> Vec<Option<usize>> {
            let (file, _) = crate::parse(text);
            match &file.decls[0].kind {
                crate::ast::DeclKind::Value(v) => v.exceptions.iter().map(|e| e.parent).collect(),
                _ => Vec::new(),
            }
        };
        assert_eq!(parents(input), [None, Some(0), None]);
        assert_eq!(parents(&format(input).unwrap()), parents(input));
    }

    #[test]
    fn refuses_files_with_syntax_errors() {
        assert!(matches!(
            format("valeur a : = \n"),
            Err(FormatError::Syntax(_))
        ));
    }
}
