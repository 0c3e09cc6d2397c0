//! Reading an input file: its bytes, checksum and format, and for text files the decoding
//! (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK), detected or forced.

use sha2::{Digest, Sha256};
use std::path::Path;

use crate::error::{Error, Result};

/// The format of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A PDF file.
    Pdf,
    /// A plain-text extraction of a bulletin.
    Text,
}

impl Format {
    /// The contract's name for the format.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Text => "text",
        }
    }
}

/// Text encodings an input may be forced to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Detect: BOM, then UTF-8 validity, then GB18030.
    #[default]
    Auto,
    /// UTF-8 (a BOM is skipped).
    Utf8,
    /// GB18030, a superset of GBK and GB2312.
    Gb18030,
}

/// An input file read into memory.
#[derive(Debug, Clone)]
pub struct Input {
    /// File name without directories.
    pub file_name: String,
    /// The bytes of the file.
    pub bytes: Vec<u8>,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Detected format.
    pub format: Format,
}

impl Input {
    /// Reads `path` and detects its format.
    pub fn read(path: &Path) -> Result<Input> {
        let bytes = std::fs::read(path)?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Input::from_bytes(file_name, bytes, path))
    }

    /// Wraps bytes already in memory; `path` only informs the format guess by extension.
    pub fn from_bytes(file_name: String, bytes: Vec<u8>, path: &Path) -> Input {
        let sha256 = hex(&Sha256::digest(&bytes));
        let format = detect_format(&bytes, path);
        Input {
            file_name,
            bytes,
            sha256,
            format,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// PDF when the header is there (anywhere in the first KiB, as readers allow) or the name says so.
fn detect_format(bytes: &[u8], path: &Path) -> Format {
    let head = &bytes[..bytes.len().min(1024)];
    let has_header = head.windows(5).any(|w| w == b"%PDF-");
    let named_pdf = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if has_header || named_pdf {
        Format::Pdf
    } else {
        Format::Text
    }
}

/// Decodes the bytes of a text input.
pub fn decode_text(bytes: &[u8], encoding: Encoding) -> Result<String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty);
    }
    let text = match encoding {
        Encoding::Utf8 => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            String::from_utf8(body.to_vec()).map_err(|e| {
                Error::NotText(format!(
                    "invalid UTF-8 at byte {}",
                    e.utf8_error().valid_up_to()
                ))
            })?
        }
        Encoding::Gb18030 => decode_with(encoding_rs::GB18030, bytes)?,
        Encoding::Auto => {
            if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
                decode_with(enc, &bytes[bom_len..])?
            } else if let Ok(s) = std::str::from_utf8(bytes) {
                s.to_string()
            } else {
                decode_with(encoding_rs::GB18030, bytes)
                    .map_err(|_| Error::NotText("neither UTF-8 nor GB18030".into()))?
            }
        }
    };
    check_plausible_text(&text)?;
    Ok(text)
}

fn decode_with(enc: &'static encoding_rs::Encoding, bytes: &[u8]) -> Result<String> {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(Error::NotText(format!(
            "invalid {} byte sequences",
            enc.name()
        )));
    }
    Ok(text.into_owned())
}

/// Binary files decode "successfully" as GB18030 more often than one would like: reject text with
/// NULs or many control characters.
fn check_plausible_text(text: &str) -> Result<()> {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return Err(Error::NotText("contains NUL bytes: binary file?".into()));
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c') {
            control += 1;
        }
    }
    if control * 100 > total {
        return Err(Error::NotText(format!(
            "{control} control characters in {total}: binary file?"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode_text("目录".as_bytes(), Encoding::Auto).unwrap(),
            "目录"
        );
        assert_eq!(
            decode_text(b"\xEF\xBB\xBFabc", Encoding::Auto).unwrap(),
            "abc"
        );
        assert_eq!(
            decode_text(b"\xEF\xBB\xBFabc", Encoding::Utf8).unwrap(),
            "abc"
        );
    }

    #[test]
    fn gb18030_detected() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("数据治理与流通动态监测报告 2021 年");
        assert_eq!(
            decode_text(&bytes, Encoding::Auto).unwrap(),
            "数据治理与流通动态监测报告 2021 年"
        );
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "目录".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_text(&bytes, Encoding::Auto).unwrap(), "目录");
    }

    #[test]
    fn binary_and_empty_are_rejected() {
        assert!(matches!(
            decode_text(b"", Encoding::Auto),
            Err(Error::Empty)
        ));
        assert!(matches!(
            decode_text(b" \n\n", Encoding::Auto),
            Err(Error::Empty)
        ));
        assert!(matches!(
            decode_text(b"\x00\x01\x02\x03\xff\xfe\x00", Encoding::Auto),
            Err(Error::NotText(_))
        ));
        assert!(decode_text(b"\xb5\xda", Encoding::Utf8).is_err());
    }

    #[test]
    fn format_by_header_or_name() {
        assert_eq!(
            detect_format(b"%PDF-1.7\n", Path::new("a.txt")),
            Format::Pdf
        );
        assert_eq!(detect_format(b"hello", Path::new("a.PDF")), Format::Pdf);
        assert_eq!(detect_format(b"hello", Path::new("a.txt")), Format::Text);
    }
}
