//! Socle grammar: turns the text of one `.socle` file into an [`ast::File`].
//!
//! Parsing never fails: [`parse`] returns the declarations it could read and one
//! [`ParseError`] per declaration it could not (recovery at declaration boundaries, i.e.
//! at every line starting in column 0).

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod ast;
mod build;
mod diagnose;
pub mod format;
pub mod lexemes;
mod lexer;
pub mod names;
mod shift;

mod parser {
    #[derive(pest_derive::Parser)]
    #[grammar = "socle.pest"]
    pub(crate) struct SocleParser;
}

use pest::Parser as _;

pub use ast::Span;
pub use shift::Shift;

use lexer::{Tok, TokKind};
use parser::{Rule, SocleParser};

/// A syntax error, worded for a policy officer (no grammar rule names).
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// French message, e.g. « syntaxe : `:` attendu après le nom de la condition, trouvé
    /// `>=` ».
    pub message: String,
    pub span: Span,
}

/// The reserved words: none of them can name a declaration, a field or a variant.
///
/// Words that only mean something at one place (`table`, `tranche`, `colonnes`, `liste`,
/// `montant`, type names, units…) are not reserved: `valeur montant : montant €/mois = …`
/// is valid.
pub const KEYWORDS: &[&str] = &[
    "importe",
    "énumération",
    "enumeration",
    "structure",
    "entrée",
    "entree",
    "paramètre",
    "parametre",
    "barème",
    "bareme",
    "valeur",
    "condition",
    "fonction",
    "dispositif",
    "cumul",
    "exclut",
    "subsidiaire",
    "cumulable",
    "source",
    "sauf",
    "si",
    "alors",
    "sinon",
    "soit",
    "résultat",
    "resultat",
    "message",
    "et",
    "ou",
    "non",
    "dans",
    "contient",
    "au",
    "vrai",
    "faux",
    "arrondi",
    "infini",
    "à",
];

/// Whether `word` is reserved (see [`KEYWORDS`]).
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Parses one file. Never panics, whatever the input.
///
/// The same as parsing each of [`chunks`] with [`parse_chunk`], shifting it by its
/// [`Chunk::context_start`], after the [`parse_preamble`]: callers that cache chunk parses
/// (the compiler's database) assemble a file from those pieces.
pub fn parse(text: &str) -> (ast::File, Vec<ParseError>) {
    let chunks = chunks(text);
    let (comments, mut errors) = parse_preamble(text, &chunks);
    let mut file = ast::File {
        decls: Vec::new(),
        comments,
    };
    for chunk in &chunks {
        let mut parsed = parse_chunk(chunk.context(text));
        parsed.shift(chunk.context_start_u32());
        parsed.append_to(&mut file, &mut errors);
    }
    (file, errors)
}

/// The comments before the first declaration, and an error if anything else is there.
pub fn parse_preamble(text: &str, chunks: &[Chunk]) -> (Vec<ast::Comment>, Vec<ParseError>) {
    let body_start = if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    let first_chunk = chunks.first().map_or(text.len(), |c| c.start);
    let preamble = text.get(..first_chunk).unwrap_or("");
    let toks = lexer::lex(preamble, body_start);
    let comments = toks
        .iter()
        .filter_map(|tok| comment(preamble, *tok))
        .collect();
    let errors = toks
        .iter()
        .find(|t| !matches!(t.kind, TokKind::Comment { .. }))
        .map(|stray| ParseError {
            message: "ce texte n'appartient à aucune déclaration : une déclaration commence \
                      au tout début d'une ligne (colonne 0), seules ses lignes suivantes sont \
                      indentées"
                .to_owned(),
            span: Span::new(stray.start, stray.end),
        })
        .into_iter()
        .collect();
    (comments, errors)
}

/// One declaration's place in a file: it starts at a line whose first character is neither
/// whitespace nor `#`, and runs until the next such line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// Where the `##` lines directly above start: they document this declaration, so its
    /// parse depends on them although they end the previous chunk.
    pub context_start: usize,
    pub start: usize,
    pub end: usize,
}

impl Chunk {
    /// The text a chunk's parse depends on: its doc comment lines, then the declaration.
    pub fn context<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.context_start..self.end).unwrap_or("")
    }

    /// The shift from a [`parse_chunk`] of [`Chunk::context`] to the file.
    pub fn context_start_u32(&self) -> u32 {
        u32::try_from(self.context_start).unwrap_or(u32::MAX)
    }
}

/// A declaration parsed on its own, with spans relative to the text given to [`parse_chunk`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParsedChunk {
    pub decl: Result<ast::Decl, ParseError>,
    /// The comments of the declaration's own lines (not of the doc lines above it).
    pub comments: Vec<ast::Comment>,
}

impl ParsedChunk {
    /// Adds this chunk's declaration (or error) and comments to a file being assembled.
    pub fn append_to(self, file: &mut ast::File, errors: &mut Vec<ParseError>) {
        match self.decl {
            Ok(decl) => file.decls.push(decl),
            Err(err) => errors.push(err),
        }
        file.comments.extend(self.comments);
    }
}

impl Shift for ParsedChunk {
    fn shift(&mut self, by: u32) {
        match &mut self.decl {
            Ok(decl) => decl.shift(by),
            Err(err) => err.shift(by),
        }
        self.comments.shift(by);
    }
}

/// Parses one declaration given as its [`Chunk::context`]: its doc comment lines, then
/// the declaration itself. Never panics, whatever the input.
pub fn parse_chunk(context: &str) -> ParsedChunk {
    let start = line_starts(context, 0)
        .find(|&at| starts_decl(context, at))
        .unwrap_or(context.len());
    // Tokens never cross a line start: lexing the chunk alone gives the file's tokens.
    let toks = lexer::lex(context, 0);
    let first = toks.partition_point(|t| t.start < start);
    let toks = toks.get(first..).unwrap_or(&[]);
    ParsedChunk {
        decl: parse_decl(context, start..context.len(), toks),
        comments: toks
            .iter()
            .filter_map(|tok| comment(context, *tok))
            .collect(),
    }
}

fn comment(text: &str, tok: Tok) -> Option<ast::Comment> {
    let TokKind::Comment { doc } = tok.kind else {
        return None;
    };
    let body = tok.text(text);
    let body = if doc {
        body.strip_prefix("##")
    } else {
        body.strip_prefix('#')
    };
    Some(ast::Comment {
        text: body.unwrap_or("").to_owned(),
        doc,
        span: Span::new(tok.start, tok.end),
    })
}

/// Cuts the text into declarations (see [`Chunk`]).
pub fn chunks(text: &str) -> Vec<Chunk> {
    let body_start = if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    let starts: Vec<usize> = line_starts(text, body_start)
        .filter(|&at| starts_decl(text, at))
        .collect();
    let ends = starts
        .iter()
        .skip(1)
        .copied()
        .chain(std::iter::once(text.len()));
    starts
        .iter()
        .zip(ends)
        .map(|(&start, end)| Chunk {
            context_start: doc_lines_start(text, start),
            start,
            end,
        })
        .collect()
}

/// The offsets of the lines of `text` from `from` on.
fn line_starts(text: &str, from: usize) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(Some(from), move |&at| {
        let next = text.get(at..)?.find('\n')? + at + 1;
        (next < text.len()).then_some(next)
    })
    .filter(move |&at| at < text.len())
}

fn starts_decl(text: &str, line_start: usize) -> bool {
    text.get(line_start..)
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| !c.is_whitespace() && c != '#' && c != '\u{FEFF}')
}

/// Where the run of `##` lines directly above the line at `line_start` begins (the lines
/// [`build::doc_above`] reads), or `line_start` if there is none.
fn doc_lines_start(text: &str, line_start: usize) -> usize {
    let mut start = line_start;
    while let Some(above) = start.checked_sub(1).and_then(|end| text.get(..end)) {
        let line_begin = above.rfind('\n').map_or(0, |i| i + 1);
        let line = above.get(line_begin..).unwrap_or("");
        if !line.trim_start_matches('\u{FEFF}').trim().starts_with("##") {
            break;
        }
        start = line_begin;
    }
    start
}

fn parse_decl(
    text: &str,
    chunk: std::ops::Range<usize>,
    toks: &[Tok],
) -> Result<ast::Decl, ParseError> {
    if let Some(open) = toks
        .iter()
        .find(|t| t.kind == TokKind::Str { terminated: false })
    {
        return Err(ParseError {
            message: "texte non terminé : le `\"` fermant manque sur cette ligne".to_owned(),
            span: Span::new(open.start, open.end),
        });
    }
    // pest recurses once per nesting level: refuse deep nesting before it starts.
    if let Some(deep) = lexer::first_too_deep(text, toks, build::MAX_NESTING as usize) {
        return Err(build::nesting_error(Span::new(deep.start, deep.end)));
    }
    let input = text.get(chunk.clone()).unwrap_or("");
    let pairs = SocleParser::parse(Rule::chunk, input)
        .map_err(|e| diagnose::pest_error(chunk.start, input, &e, diagnose::Context::Decl))?;
    let span = Span::new(chunk.start, chunk.end);
    let decl = pairs
        .into_iter()
        .next()
        .and_then(|chunk_pair| chunk_pair.into_inner().find(|p| p.as_rule() != Rule::EOI))
        .ok_or_else(|| ParseError {
            message: "erreur interne de l'analyseur (déclaration vide) : merci de la signaler"
                .to_owned(),
            span,
        })?;
    build::Builder::new(text, chunk.start, toks).decl(decl)
}
