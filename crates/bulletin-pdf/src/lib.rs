//! PDF → pages of positioned text lines and link annotations.
//!
//! This crate is the only part of bulletin that knows PDF. It takes the bytes of a PDF file and gives
//! back, for each page, the lines of text in reading order (with their boxes and font sizes) and the
//! URI link annotations. It knows nothing about bulletins: headers, footers, TOCs and headings are
//! the caller's business.
//!
//! Coordinates are in PDF points with the origin at the top-left corner of the page's crop box and y
//! growing downward, so reading order is ascending `y0`.

use std::time::Instant;

/// Limits and secrets for one extraction.
#[derive(Debug, Clone)]
pub struct Options {
    /// User (or owner) password for encrypted files; the empty password is always tried first.
    pub password: Option<String>,
    /// Largest decoded size of any one stream, in bytes.
    pub max_stream_bytes: u64,
    /// Largest decoded size of all streams of the file together, in bytes.
    pub max_total_bytes: u64,
    /// Most pages read from one file.
    pub max_pages: u32,
    /// Deepest Form XObject nesting followed.
    pub max_form_depth: u32,
    /// Wall-clock instant after which extraction stops with [`Error::Timeout`].
    pub deadline: Option<Instant>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            password: None,
            max_stream_bytes: 256 << 20,
            max_total_bytes: 1 << 30,
            max_pages: 10_000,
            max_form_depth: 16,
            deadline: None,
        }
    }
}

/// A rectangle in page space (top-left origin, y down), in points.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
}

/// One line of text on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The line's text, spaces inserted only where the layout shows a gap between words.
    pub text: String,
    /// The box around the line's glyphs.
    pub bbox: Rect,
    /// The dominant font size of the line, in points (after the text and graphics matrices).
    pub font_size: f32,
}

/// A link annotation whose action opens a URI.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The annotation's rectangle.
    pub rect: Rect,
    /// The URI as stored in the file.
    pub uri: String,
}

/// One page of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// 1-based physical page index.
    pub number: u32,
    /// Page width in points.
    pub width: f32,
    /// Page height in points.
    pub height: f32,
    /// Lines in reading order.
    pub lines: Vec<TextLine>,
    /// URI link annotations of the page.
    pub links: Vec<Link>,
    /// The page draws at least one image.
    pub has_images: bool,
}

/// A problem the extractor worked around; the document is still usable.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// Stable machine-readable code, e.g. `repaired_xref`.
    pub code: &'static str,
    /// What happened, for a person.
    pub message: String,
}

/// The text layer of a whole PDF file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Pages in document order.
    pub pages: Vec<Page>,
    /// Repairs and oddities met on the way.
    pub warnings: Vec<Warning>,
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not a PDF file.
    #[error("not a PDF file ({0})")]
    NotPdf(String),
    /// The file is encrypted and the empty password does not open it.
    #[error("password required ({0})")]
    PasswordRequired(String),
    /// The file is encrypted with a handler this crate cannot decrypt.
    #[error("unsupported encryption ({0})")]
    UnsupportedEncryption(String),
    /// The file is truncated or damaged beyond repair.
    #[error("truncated / damaged ({0})")]
    Damaged(String),
    /// Every page is an image: there is no text to read.
    #[error("no text layer (pages {first}–{last} look scanned; OCR needed)")]
    NoTextLayer {
        /// First scanned page.
        first: u32,
        /// Last scanned page.
        last: u32,
    },
    /// A size, depth or count limit was hit.
    #[error("resource limit: {0}")]
    ResourceLimit(String),
    /// The deadline passed.
    #[error("timeout: extraction took longer than the per-file budget")]
    Timeout,
}

impl Error {
    /// Stable machine-readable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotPdf(_) => "not_pdf",
            Error::PasswordRequired(_) => "password_required",
            Error::UnsupportedEncryption(_) => "unsupported_encryption",
            Error::Damaged(_) => "damaged",
            Error::NoTextLayer { .. } => "no_text_layer",
            Error::ResourceLimit(_) => "resource_limit",
            Error::Timeout => "timeout",
        }
    }
}

/// Reads the text layer of a PDF file.
pub fn extract(bytes: &[u8], options: &Options) -> Result<Document, Error> {
    let _ = (bytes, options);
    Err(Error::NotPdf("extractor not written yet".into()))
}
