//! Byte offsets ↔ LSP positions (line, UTF-16 code unit), only at this edge.

use lsp_types::{Position, Range};
use socle_grammar::Span;

/// The start offset of every line of a text.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The byte offset of a position; positions past a line's end clamp to it.
    pub fn offset(&self, p: Position) -> usize {
        let Some(&start) = self.starts.get(p.line as usize) else {
            return self.text.len();
        };
        let line = self.text.get(start..).unwrap_or("");
        let line = line.split('\n').next().unwrap_or("");
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            if units >= p.character {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        start + line.trim_end_matches('\r').len()
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(|c| c.len_utf16() as u32).sum());
        Position::new(line as u32, character)
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(
            self.position(span.start as usize),
            self.position(span.end as usize),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_with_accents_and_emoji() {
        let text = "# é😀 à\nvaleur œ : entier = 1\n";
        let index = LineIndex::new(text);
        let at_a = text.find('à').unwrap_or(0);
        assert_eq!(index.position(at_a), Position::new(0, 6));
        assert_eq!(index.offset(Position::new(0, 6)), at_a);
        let at_oe = text.find('œ').unwrap_or(0);
        assert_eq!(index.position(at_oe), Position::new(1, 7));
        assert_eq!(index.offset(Position::new(1, 7)), at_oe);
        assert_eq!(index.offset(Position::new(1, 99)), text.len() - 1);
        assert_eq!(index.offset(Position::new(9, 0)), text.len());
    }
}
