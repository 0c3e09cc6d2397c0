//! The library's error: why one input file produced no document.

use std::path::PathBuf;

/// Why an input could not be turned into a document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
    /// The file has no content.
    #[error("empty file")]
    Empty,
    /// The file is neither a PDF nor text in a known encoding.
    #[error("not a text file ({0})")]
    NotText(String),
    /// The PDF could not be read.
    #[error(transparent)]
    Pdf(#[from] bulletin_pdf::Error),
    /// The document does not satisfy the output schema (a bug, or a bulletin we cannot read).
    #[error("document does not match the schema: {0}")]
    Schema(String),
    /// A bug: the pipeline panicked on this file.
    #[error("internal error: {0}")]
    Internal(String),
    /// Another error, with the file it concerns.
    #[error("{}: {err}", path.display())]
    WithPath {
        /// The input file.
        path: PathBuf,
        /// What went wrong.
        err: Box<Error>,
    },
}

impl Error {
    /// Stable machine-readable code, for reports and `--error-format json`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io(_) => "io",
            Error::Empty => "empty",
            Error::NotText(_) => "not_text",
            Error::Pdf(e) => e.code(),
            Error::Schema(_) => "schema",
            Error::Internal(_) => "internal_error",
            Error::WithPath { err, .. } => err.code(),
        }
    }

    /// The error without its path wrapper.
    pub fn reason(&self) -> &Error {
        match self {
            Error::WithPath { err, .. } => err.reason(),
            e => e,
        }
    }
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
