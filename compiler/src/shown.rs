//! Source text as quoted under a diagnostic. A generated file can hold an 800 KB line, and a
//! copied one NUL bytes, terminal escapes or bidirectional overrides; printed raw, the first
//! floods the terminal and the others corrupt it or disguise the code. Long lines are cut to a
//! window around the labels with « … », hidden characters are shown as `<U+XXXX>`, and every
//! offset is mapped both ways so labels still point at the right characters and the
//! `fichier:ligne:colonne` header still gives the column in the real file.

use std::ops::Range;

use codespan_reporting::files::{self, Error, Files};
use socle_grammar::Span;

/// Longest line quoted whole, in characters.
pub(crate) const MAX_LINE_CHARS: usize = 160;
/// Characters kept on each side of the labels in a cut line.
const CONTEXT_CHARS: usize = 60;
const ELLIPSIS: &str = "…";

/// Characters that would act on the terminal or reorder the text instead of showing.
fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t' && c != '\r')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn escaped(c: char) -> String {
    format!("<U+{:04X}>", u32::from(c))
}

/// `text` with its hidden characters escaped: for messages, which may quote source text.
pub(crate) fn escape_hidden(text: &str) -> String {
    if !text.chars().any(is_hidden) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if is_hidden(c) {
                escaped(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Whether `text` must be shown through [`Shown`] rather than as it is.
pub(crate) fn needs_care(text: &str) -> bool {
    text.split('\n')
        .any(|line| line.len() > MAX_LINE_CHARS && line.chars().count() > MAX_LINE_CHARS)
        || text.chars().any(is_hidden)
}

/// A run of the original text and what stands for it in the shown text.
#[derive(Debug)]
struct Segment {
    original: usize,
    shown: usize,
    shown_len: usize,
    /// Copied as is; otherwise replaced (an escape or an ellipsis).
    verbatim: bool,
}

/// The shown text of a file, for one diagnostic (the windows depend on its labels).
#[derive(Debug)]
pub(crate) struct Shown {
    pub text: String,
    segments: Vec<Segment>,
}

impl Shown {
    /// `points`: the byte offsets of the labels' starts and ends in `original`.
    pub(crate) fn new(original: &str, points: &[usize]) -> Shown {
        let mut shown = Shown {
            text: String::with_capacity(original.len().min(1 << 16)),
            segments: Vec::new(),
        };
        let mut line_start = 0;
        for line in original.split_inclusive('\n') {
            let content = line.strip_suffix('\n').unwrap_or(line);
            let window = window(content, line_start, points);
            if window.start > line_start {
                shown.replace(line_start, ELLIPSIS);
            }
            let mut run_start = window.start;
            for (i, c) in content
                .get(window.start - line_start..window.end - line_start)
                .unwrap_or_default()
                .char_indices()
            {
                if is_hidden(c) {
                    let at = window.start + i;
                    shown.copy(original, run_start..at);
                    shown.replace(at, &escaped(c));
                    run_start = at + c.len_utf8();
                }
            }
            shown.copy(original, run_start..window.end);
            let line_end = line_start + content.len();
            if window.end < line_end {
                shown.replace(window.end, ELLIPSIS);
            }
            shown.copy(original, line_end..line_start + line.len());
            line_start += line.len();
        }
        shown
    }

    fn copy(&mut self, original: &str, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let Some(piece) = original.get(range.clone()) else {
            return;
        };
        match self.segments.last() {
            // Contiguous with the previous verbatim run: one segment.
            Some(last) if last.verbatim && last.original + last.shown_len == range.start => {}
            _ => self.segments.push(Segment {
                original: range.start,
                shown: self.text.len(),
                shown_len: 0,
                verbatim: true,
            }),
        }
        self.text.push_str(piece);
        if let Some(last) = self.segments.last_mut() {
            last.shown_len += piece.len();
        }
    }

    fn replace(&mut self, original: usize, with: &str) {
        self.segments.push(Segment {
            original,
            shown: self.text.len(),
            shown_len: with.len(),
            verbatim: false,
        });
        self.text.push_str(with);
    }

    /// The shown offset of original offset `x`; a span end inside a replaced run takes it whole.
    pub(crate) fn to_shown(&self, x: usize, end: bool) -> usize {
        let i = self.segments.partition_point(|s| s.original <= x);
        let Some(s) = i.checked_sub(1).and_then(|i| self.segments.get(i)) else {
            return 0;
        };
        if s.verbatim {
            (s.shown + (x - s.original)).min(s.shown + s.shown_len)
        } else if end && x > s.original {
            s.shown + s.shown_len
        } else {
            s.shown
        }
    }

    /// The original offset of shown offset `y` (the start of a replaced run inside one).
    fn to_original(&self, y: usize) -> usize {
        let i = self.segments.partition_point(|s| s.shown <= y);
        match i.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(s) if s.verbatim => s.original + (y - s.shown),
            Some(s) => s.original,
            None => 0,
        }
    }
}

/// The byte range of `content` (a line at `line_start`) quoted: all of it when short enough,
/// otherwise a window around the points that fall in it (or its beginning).
fn window(content: &str, line_start: usize, points: &[usize]) -> Range<usize> {
    let line_end = line_start + content.len();
    if content.len() <= MAX_LINE_CHARS || content.chars().count() <= MAX_LINE_CHARS {
        return line_start..line_end;
    }
    let char_of = |byte: usize| {
        content
            .get(..byte - line_start)
            .map_or(0, |s| s.chars().count())
    };
    let inside: Vec<usize> = points
        .iter()
        .copied()
        .filter(|p| (line_start..=line_end).contains(p) && content.is_char_boundary(p - line_start))
        .collect();
    let (first, last) = match (inside.iter().min(), inside.iter().max()) {
        (Some(lo), Some(hi)) => (
            char_of(*lo).saturating_sub(CONTEXT_CHARS),
            char_of(*hi) + CONTEXT_CHARS,
        ),
        _ => (0, MAX_LINE_CHARS),
    };
    // Labels far apart: the window starts at the first one and stays bounded.
    let last = last.min(first + MAX_LINE_CHARS.max(2 * CONTEXT_CHARS));
    let byte_of = |ch: usize| {
        content
            .char_indices()
            .nth(ch)
            .map_or(line_end, |(i, _)| line_start + i)
    };
    byte_of(first)..byte_of(last)
}

/// One file of a diagnostic, shown as it is or through [`Shown`].
pub(crate) struct ShownFile<'a> {
    pub name: String,
    pub original: &'a str,
    pub shown: Option<Shown>,
    line_starts: Vec<usize>,
}

impl<'a> ShownFile<'a> {
    pub(crate) fn new(name: String, original: &'a str, shown: Option<Shown>) -> ShownFile<'a> {
        let text = shown.as_ref().map_or(original, |s| s.text.as_str());
        ShownFile {
            line_starts: files::line_starts(text).collect(),
            name,
            original,
            shown,
        }
    }

    fn text(&self) -> &str {
        self.shown
            .as_ref()
            .map_or(self.original, |s| s.text.as_str())
    }

    /// The range to give codespan for an original range.
    pub(crate) fn range(&self, range: Range<usize>) -> Range<usize> {
        match &self.shown {
            Some(s) => s.to_shown(range.start, false)..s.to_shown(range.end, true),
            None => range,
        }
    }
}

/// The files of one diagnostic, for codespan.
pub(crate) struct ShownFiles<'a>(pub Vec<ShownFile<'a>>);

impl ShownFiles<'_> {
    fn get(&self, id: usize) -> Result<&ShownFile<'_>, Error> {
        self.0.get(id).ok_or(Error::FileMissing)
    }
}

impl<'f> Files<'f> for ShownFiles<'_> {
    type FileId = usize;
    type Name = &'f str;
    type Source = &'f str;

    fn name(&'f self, id: usize) -> Result<&'f str, Error> {
        Ok(self.get(id)?.name.as_str())
    }

    fn source(&'f self, id: usize) -> Result<&'f str, Error> {
        Ok(self.get(id)?.text())
    }

    fn line_index(&'f self, id: usize, byte_index: usize) -> Result<usize, Error> {
        let starts = &self.get(id)?.line_starts;
        Ok(starts
            .binary_search(&byte_index)
            .unwrap_or_else(|next| next.saturating_sub(1)))
    }

    fn line_range(&'f self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        let file = self.get(id)?;
        let start = |i: usize| match file.line_starts.get(i) {
            Some(s) => Ok(*s),
            None if i == file.line_starts.len() => Ok(file.text().len()),
            None => Err(Error::LineTooLarge {
                given: i,
                max: file.line_starts.len().saturating_sub(1),
            }),
        };
        Ok(start(line_index)?..start(line_index + 1)?)
    }

    /// The column in the real file, not in the shown text.
    fn column_number(
        &'f self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, Error> {
        let file = self.get(id)?;
        match &file.shown {
            Some(s) => Ok(line_col(file.original, s.to_original(byte_index)).1),
            None => {
                let range = self.line_range(id, line_index)?;
                Ok(files::column_index(file.original, range, byte_index) + 1)
            }
        }
    }
}

/// A span clamped into the text and onto character boundaries, so that rendering never
/// fails on a bad span.
pub(crate) fn clamp(text: &str, span: Span) -> std::ops::Range<usize> {
    let fix = |mut i: usize| {
        i = i.min(text.len());
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = fix(span.start as usize);
    let end = fix(span.end as usize).max(start);
    start..end
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = clamp(text, Span::new(offset, offset)).start;
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_and_hidden_characters() {
        let long = format!("a = {}x{}\nfin\n", "1".repeat(1000), "2".repeat(1000));
        let x = long.find('x').unwrap_or_default();
        let shown = Shown::new(&long, &[x, x + 1]);
        let first = shown.text.lines().next().unwrap_or_default();
        assert!(first.starts_with('…') && first.ends_with('…'), "{first}");
        assert!(first.chars().count() < 2 * CONTEXT_CHARS + 4, "{first}");
        let at = shown.to_shown(x, false);
        assert_eq!(shown.text.get(at..at + 1), Some("x"));
        assert_eq!(shown.to_original(at), x);
        assert!(shown.text.ends_with("\nfin\n"));

        let nul = "a\0b\u{1b}[2Jc\u{202E}d\n";
        let shown = Shown::new(nul, &[1, 2]);
        assert_eq!(shown.text, "a<U+0000>b<U+001B>[2Jc<U+202E>d\n");
        assert_eq!(
            shown.to_shown(1, false)..shown.to_shown(2, true),
            1..9,
            "the label covers the whole escape"
        );
        assert_eq!(
            shown.to_original(shown.text.find('[').unwrap_or_default()),
            4
        );
        assert_eq!(escape_hidden("« a\0 »"), "« a<U+0000> »");
        assert!(!needs_care("valeur a : entier = 1\n\tsource \"x\"\r\n"));
    }
}
