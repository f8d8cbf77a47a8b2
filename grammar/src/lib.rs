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

mod parser {
    #[derive(pest_derive::Parser)]
    #[grammar = "socle.pest"]
    pub(crate) struct SocleParser;
}

use pest::Parser as _;

pub use ast::Span;

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
pub fn parse(text: &str) -> (ast::File, Vec<ParseError>) {
    let body_start = if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    let toks = lexer::lex(text, body_start);
    let mut file = ast::File {
        decls: Vec::new(),
        comments: toks.iter().filter_map(|tok| comment(text, *tok)).collect(),
    };
    let mut errors = Vec::new();

    let chunks = cut(text, body_start);
    let first_chunk = chunks.first().map_or(text.len(), |c| c.start);
    if let Some(stray) = toks
        .iter()
        .find(|t| t.start < first_chunk && !matches!(t.kind, TokKind::Comment { .. }))
    {
        errors.push(ParseError {
            message: "ce texte n'appartient à aucune déclaration : une déclaration commence \
                      au tout début d'une ligne (colonne 0), seules ses lignes suivantes sont \
                      indentées"
                .to_owned(),
            span: Span::new(stray.start, stray.end),
        });
    }

    for chunk in chunks {
        // Tokens are in text order and never cross a line start, hence never a chunk edge.
        let first = toks.partition_point(|t| t.start < chunk.start);
        let last = toks.partition_point(|t| t.start < chunk.end);
        let chunk_toks = toks.get(first..last).unwrap_or(&[]);
        match parse_chunk(text, chunk, chunk_toks) {
            Ok(decl) => file.decls.push(decl),
            Err(err) => errors.push(err),
        }
    }
    (file, errors)
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

/// Cuts the text into declarations: each starts at a line whose first character is neither
/// whitespace nor `#`, and runs until the next one.
fn cut(text: &str, body_start: usize) -> Vec<std::ops::Range<usize>> {
    let mut starts = Vec::new();
    let mut line_start = body_start;
    while line_start < text.len() {
        let rest = text.get(line_start..).unwrap_or("");
        let starts_decl = rest
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '#' && c != '\u{FEFF}');
        if starts_decl {
            starts.push(line_start);
        }
        line_start = rest.find('\n').map_or(text.len(), |i| line_start + i + 1);
    }
    let ends = starts
        .iter()
        .skip(1)
        .copied()
        .chain(std::iter::once(text.len()));
    starts.iter().zip(ends).map(|(&s, e)| s..e).collect()
}

fn parse_chunk(
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
