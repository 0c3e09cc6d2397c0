//! Options that shape one run of the pipeline, passed explicitly to every stage that needs them.

use std::time::Duration;

use crate::input::Encoding;

/// Settings for processing one file.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Config {
    /// Encoding of text inputs.
    pub encoding: Encoding,
    /// Password for encrypted PDFs.
    pub password: Option<String>,
    /// Keep running headers, footers and page numbers in the text (for debugging).
    pub keep_furniture: bool,
    /// Per-file wall-clock budget.
    pub timeout: Option<Duration>,
    /// Largest decoded size of one PDF stream, in bytes (None: the extractor's default, 64 MiB).
    pub max_stream_bytes: Option<u64>,
    /// Largest decoded size of all streams of one PDF, in bytes (None: the default, 256 MiB).
    pub max_file_bytes: Option<u64>,
    /// Most pages read from one PDF (None: the default, 10,000).
    pub max_pages: Option<u32>,
}
