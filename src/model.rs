//! The types that flow between stages, and the output document of the contract.
//!
//! Stage types ([`Line`], [`Paragraph`], [`PageLink`]) carry provenance: the page each piece of text
//! came from (None for text input) and, for PDF input, its box on the page. The output types
//! ([`Document`] and its parts) are exactly the JSON contract (tools/CONTRACT.md): field names and
//! order here are the wire format.

use serde::{Deserialize, Serialize};

pub use bulletin_pdf::Rect;

/// One line of text as the extract stage gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The line's text.
    pub text: String,
    /// 1-based physical page (None for text input).
    pub page: Option<u32>,
    /// Box on the page (PDF input only).
    pub bbox: Option<Rect>,
    /// Font size in points (PDF input only).
    pub font_size: Option<f32>,
}

impl Line {
    /// A line of plain-text input, which has no page or position.
    pub fn plain(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            page: None,
            bbox: None,
            font_size: None,
        }
    }
}

/// A link annotation on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLink {
    /// 1-based physical page.
    pub page: u32,
    /// The annotation's rectangle.
    pub rect: Rect,
    /// The target URI.
    pub uri: String,
}

/// A paragraph (or a heading, TOC line, link line…): wrapped lines joined back together.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Paragraph {
    /// The joined text.
    pub text: String,
    /// Physical pages the paragraph spans, ascending, without duplicates (empty for text input).
    pub pages: Vec<u32>,
    /// The boxes of the lines it was made of, with their pages (PDF input only).
    pub boxes: Vec<(u32, Rect)>,
    /// The paragraph's last line ends well before the right margin (PDF input only).
    pub ends_short: bool,
    /// The paragraph's first line is indented from the left margin (PDF input only).
    pub indented: bool,
}

impl Paragraph {
    /// Adds the pages and boxes of `other`, a paragraph joined onto this one.
    pub fn absorb_provenance(&mut self, other: &Paragraph) {
        for &p in &other.pages {
            if !self.pages.contains(&p) {
                self.pages.push(p);
            }
        }
        self.pages.sort_unstable();
        self.boxes.extend(other.boxes.iter().copied());
        self.ends_short = other.ends_short;
    }
}

/// What the extract stage hands on: every line of the file, in reading order.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// Page count (PDF input) or None (text input).
    pub pages: Option<u32>,
    /// Height of each page in points, index 0 for page 1 (PDF input only).
    pub page_heights: Vec<f32>,
    /// Lines in reading order across pages.
    pub lines: Vec<Line>,
    /// Link annotations.
    pub links: Vec<PageLink>,
    /// Problems the extractor worked around.
    pub warnings: Vec<Warning>,
}

/// Top-level output document (contract v1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Always "1.0".
    pub schema_version: String,
    /// Where the document came from.
    pub source: Source,
    /// Cover metadata.
    pub bulletin: Bulletin,
    /// Table of contents as printed.
    pub toc: Vec<TocEntry>,
    /// Level-1 sections with their entries.
    pub sections: Vec<Section>,
    /// The trailing key：value block, keys in printed order, values strings.
    pub colophon: serde_json::Map<String, serde_json::Value>,
    /// What a CI job should look at.
    pub warnings: Vec<Warning>,
}

/// The input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// File name (no directory).
    pub file: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// File size in bytes.
    pub bytes: u64,
    /// "pdf" or "text".
    pub format: String,
    /// Page count for PDF, null for text.
    pub pages: Option<u32>,
}

/// Cover metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Bulletin {
    /// The bulletin's name, the text before the issue line.
    pub title: Option<String>,
    /// Year of the issue line.
    pub year: Option<i32>,
    /// Issue number.
    pub issue: Option<u32>,
    /// Publication date, ISO 8601.
    pub date: Option<String>,
    /// 主办单位 from the colophon.
    pub publisher: Option<String>,
}

/// One line of the table of contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TocEntry {
    /// 1 for 一、, 2 for （一）.
    pub level: u8,
    /// Numeric value of the label.
    pub ordinal: u32,
    /// The numeral as printed, without punctuation.
    pub label: String,
    /// Title as printed in the TOC.
    pub title: String,
    /// Printed page number.
    pub page: Option<u32>,
}

/// A level-1 section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Numeric value of the label.
    pub ordinal: u32,
    /// The numeral as printed.
    pub label: String,
    /// Heading text.
    pub title: String,
    /// Physical page of the heading (null for text input).
    pub page: Option<u32>,
    /// The section's entries.
    pub entries: Vec<Entry>,
}

/// One news item: a level-2 heading and its body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// "<year>-<issue>-<section ordinal>-<entry ordinal>".
    pub id: String,
    /// Numeric value of the label.
    pub ordinal: u32,
    /// The numeral as printed.
    pub label: String,
    /// Heading text after the label.
    pub title: String,
    /// First date found in the text, ISO 8601.
    pub date: Option<String>,
    /// Body paragraphs joined by "\n", without 链接 lines.
    pub text: String,
    /// Every full calendar date in title and text.
    pub dates: Vec<DateMention>,
    /// URLs of 链接 lines and link annotations.
    pub links: Vec<String>,
    /// Titles inside 《》.
    pub documents: Vec<String>,
    /// Physical pages the entry spans (null for text input).
    pub pages: Option<Vec<u32>>,
}

/// A date as written and as resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateMention {
    /// The date as printed.
    pub text: String,
    /// ISO 8601 value.
    pub value: String,
}

/// Something a CI job on a new issue should catch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    /// Stable machine-readable code.
    pub code: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl Warning {
    /// A warning with the given code and message.
    pub fn new(code: &str, message: impl Into<String>) -> Warning {
        Warning {
            code: code.to_string(),
            message: message.into(),
        }
    }
}
