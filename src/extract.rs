//! Extract: an [`Input`] becomes [`Extracted`] lines in reading order.
//!
//! Text input is split into lines as it is; PDF input goes through the `bulletin-pdf` crate, which
//! gives positioned lines and link annotations per page. This is the only module that calls it.

use std::time::Instant;

use crate::config::Config;
use crate::error::Result;
use crate::input::{Format, Input, decode_text};
use crate::model::{Extracted, Line, PageLink, Warning};

/// Reads the lines of an input file.
pub fn lines(input: &Input, config: &Config) -> Result<Extracted> {
    match input.format {
        Format::Text => text_lines(input, config),
        Format::Pdf => pdf_lines(input, config),
    }
}

fn text_lines(input: &Input, config: &Config) -> Result<Extracted> {
    let text = decode_text(&input.bytes, config.encoding)?;
    let lines = text
        .lines()
        .map(|l| Line::plain(l.trim_end_matches(['\r', '\x0c'])))
        .collect();
    Ok(Extracted {
        lines,
        ..Extracted::default()
    })
}

fn pdf_lines(input: &Input, config: &Config) -> Result<Extracted> {
    let defaults = bulletin_pdf::Options::default();
    let options = bulletin_pdf::Options {
        password: config.password.clone(),
        deadline: config.timeout.map(|t| Instant::now() + t),
        max_stream_bytes: config.max_stream_bytes.unwrap_or(defaults.max_stream_bytes),
        max_total_bytes: config.max_file_bytes.unwrap_or(defaults.max_total_bytes),
        max_pages: config.max_pages.unwrap_or(defaults.max_pages),
        ..defaults
    };
    let document = bulletin_pdf::extract(&input.bytes, &options)?;
    let mut out = Extracted {
        pages: Some(document.page_count),
        ..Extracted::default()
    };
    for page in document.pages {
        out.page_heights.push(page.height);
        for line in page.lines {
            out.lines.push(Line {
                text: line.text,
                page: Some(page.number),
                bbox: Some(line.bbox),
                font_size: Some(line.font_size),
            });
        }
        for link in page.links {
            out.links.push(PageLink {
                page: page.number,
                rect: link.rect,
                uri: link.uri,
            });
        }
    }
    out.warnings = document
        .warnings
        .into_iter()
        .map(|w| Warning::new(w.code, w.message))
        .collect();
    Ok(out)
}
