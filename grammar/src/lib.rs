//! Socle grammar: turns the text of one `.socle` file into an [`ast::File`].
//!
//! Parsing never fails: [`parse`] returns the declarations it could read and one
//! [`ParseError`] per declaration it could not (recovery at declaration boundaries, i.e.
//! at every line starting in column 0).

pub mod ast;

pub use ast::Span;

/// A syntax error, worded for a policy officer (no grammar rule names).
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// French message, e.g. « une expression était attendue après `=` ».
    pub message: String,
    pub span: Span,
}

/// Parses one file. Never panics, whatever the input.
pub fn parse(_text: &str) -> (ast::File, Vec<ParseError>) {
    todo!("grammar helper")
}
