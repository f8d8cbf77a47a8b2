//! The one diagnostic type of the compiler. Positions are byte spans in a file; line and
//! column are computed only at the edges (rendering, JSON).

use socle_grammar::Span;

use crate::db::SourceFile;

/// A source file known to a [`crate::Session`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId(pub(crate) SourceFile);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// A stable code from [`crate::codes`].
    pub code: &'static str,
    pub severity: Severity,
    /// French, read by a policy officer.
    pub message: String,
    pub primary: Label,
    /// Secondary labels (e.g. the first definition of a duplicate).
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    /// A « vouliez-vous dire » fix: the unknown name (inside the primary span) and the name
    /// to put instead; editors offer it as a quick fix.
    pub suggestion: Option<(String, String)>,
    /// A mechanical fix in the primary file that an editor offers as a quick fix.
    pub fix: Option<Fix>,
}

/// Replace `span` (in the diagnostic's primary file) with `text`; `title` says it in French.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    pub span: Span,
    pub text: String,
    pub title: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Label {
                file,
                span,
                message: String::new(),
            },
            labels: Vec::new(),
            notes: Vec::new(),
            suggestion: None,
            fix: None,
        }
    }

    pub fn warning(
        code: &'static str,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    /// Sets the text under the primary span.
    pub fn with_primary_message(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    pub fn with_label(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_fix(
        mut self,
        span: Span,
        text: impl Into<String>,
        title: impl Into<String>,
    ) -> Self {
        self.fix = Some(Fix {
            span,
            text: text.into(),
            title: title.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Adds « vouliez-vous dire `x` ? » when one of `candidates` is a likely typo of `name`.
    pub fn with_suggestion<'c>(
        self,
        name: &str,
        candidates: impl Iterator<Item = &'c str>,
    ) -> Self {
        match crate::suggest::suggest(name, candidates) {
            Some(s) => {
                let mut d = self.with_note(format!("vouliez-vous dire `{s}` ?"));
                d.suggestion = Some((name.to_owned(), s));
                d
            }
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
