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

use crate::objects::Objects;

mod cid_tables;
mod cmap;
mod content;
mod document;
mod encodings;
mod filters;
mod fonts;
mod layout;
mod lexer;
mod links;
mod lopdf_load;
mod objects;
mod syntax;

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
    /// Most interpreter work for one page: one unit per content-stream token, eight per glyph,
    /// plus a fee per Form XObject call (a dense text page needs 20,000 to 150,000). A page that
    /// needs more keeps what was read so far and the document gets a `content_limit` warning.
    pub max_page_work: u64,
    /// Most interpreter work for the whole file (all pages); beyond it extraction fails with
    /// [`Error::ResourceLimit`].
    pub max_total_work: u64,
    /// Wall-clock instant after which extraction stops with [`Error::Timeout`].
    pub deadline: Option<Instant>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            password: None,
            max_stream_bytes: 64 << 20,
            max_total_bytes: 256 << 20,
            max_pages: 10_000,
            max_form_depth: 16,
            max_page_work: 5_000_000,
            max_total_work: 50_000_000,
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
    /// How many pages the file has: more than `pages` holds when [`Options::max_pages`] cut the
    /// rest (a `page_limit` warning says so).
    pub page_count: u32,
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
///
/// Never panics on bad input and never runs past `options.deadline` by more than one content
/// operator batch; see [`Error`] for what can go wrong.
pub fn extract(bytes: &[u8], options: &Options) -> Result<Document, Error> {
    let budget = new_budget(options);
    let loaded = document::load(bytes, options, &budget)?;
    let result = extract_pages(&loaded, options, &budget);
    if loaded.doc.over_budget() {
        return Err(Error::ResourceLimit(format!(
            "object streams decode to more than {} bytes in total",
            options.max_total_bytes
        )));
    }
    if !loaded.doc.needs_lopdf() {
        return result;
    }
    // An object the lazy reader met needs lopdf's reading: start again, as if lopdf had loaded
    // the file from the start (with a fresh budget, so the file is charged once).
    drop(loaded);
    let budget = new_budget(options);
    let loaded = document::load_eagerly(bytes, options, &budget)?;
    extract_pages(&loaded, options, &budget)
}

/// For the fuzz target `lazy`: compares the lazy object reader with lopdf on `bytes` (see
/// `objects::compare_with_lopdf`). Not part of the API.
#[cfg(feature = "oracle")]
#[doc(hidden)]
pub fn compare_lazy_with_lopdf(bytes: &[u8]) -> Result<usize, String> {
    objects::compare_with_lopdf(bytes)
}

fn new_budget(options: &Options) -> filters::Budget {
    let mut budget = filters::Budget::new(options.max_stream_bytes, options.max_total_bytes);
    budget.deadline = options.deadline;
    budget
}

/// The pages of a loaded file.
fn extract_pages(
    loaded: &document::Loaded<'_>,
    options: &Options,
    budget: &filters::Budget,
) -> Result<Document, Error> {
    let doc = &loaded.doc;
    let mut warnings = loaded.warnings.clone();
    let (page_refs, page_count) = document::pages(doc, options.max_pages, &mut warnings)?;
    if page_refs.is_empty() {
        return Err(Error::Damaged("the file has no readable pages".into()));
    }
    let mut cache = content::FontCache::default();
    let mut pages = Vec::with_capacity(page_refs.len());
    let (mut known, mut unknown, mut unmapped, mut forms_cut) = (0u64, 0u64, 0u64, 0u32);
    let mut unreadable = 0u32;
    let mut work_left = options.max_total_work;
    let mut pages_cut: Vec<u32> = Vec::new();
    let mut columns: Option<f32> = None;
    let mut layout = layout::Layout::default();
    // The glyph and text buffers of the page before, reused for the next.
    let mut spare = content::PageContent::default();
    for (i, p) in page_refs.iter().enumerate() {
        if let Some(d) = options.deadline
            && Instant::now() > d
        {
            return Err(Error::Timeout);
        }
        let [x0, y0, x1, y1] = p.crop;
        let (w, h) = (x1 - x0, y1 - y0);
        let to_page = match p.rotate {
            90 => content::Matrix([0.0, 1.0, 1.0, 0.0, -y0, -x0]),
            180 => content::Matrix([-1.0, 0.0, 0.0, 1.0, x1, -y0]),
            270 => content::Matrix([0.0, -1.0, -1.0, 0.0, y1, x1]),
            _ => content::Matrix([1.0, 0.0, 0.0, -1.0, -x0, y1]),
        };
        let (width, height) = if p.rotate % 180 == 90 { (h, w) } else { (w, h) };
        let mut it = content::Interp::new(
            doc,
            budget,
            &mut cache,
            options.deadline,
            options.max_form_depth,
        );
        it.out = content::PageContent::reusing(std::mem::take(&mut spare));
        let page_limit = options.max_page_work.min(work_left);
        it.max_work = page_limit;
        let mut frame = content::Interp::begin(to_page);
        // The content streams' data is decoded and done with once the page is read.
        let scratch = doc.scratch();
        for part in page_contents(&scratch, p.dict, &mut unreadable) {
            match filters::decode_shared(&scratch, part.0, part.1, budget)? {
                Some(data) => it.run_part(&data, p.resources, &mut frame)?,
                None => unreadable += 1,
            }
            if it.out.work_cut {
                break;
            }
        }
        let out = it.out;
        work_left = work_left.saturating_sub(out.work);
        if out.work_cut {
            if page_limit < options.max_page_work {
                return Err(Error::ResourceLimit(format!(
                    "the content streams need more than {} operations in total",
                    options.max_total_work
                )));
            }
            pages_cut.push(i as u32 + 1);
        }
        known += out.known_ops;
        unknown += out.unknown_ops;
        unmapped += out.unmapped;
        forms_cut += out.forms_cut;
        let lines = layout.lines(&out, width, &mut columns);
        pages.push(Page {
            number: i as u32 + 1,
            width,
            height,
            lines,
            links: links::links(doc, p.dict, &to_page),
            has_images: out.has_images,
        });
        spare = out;
    }
    if loaded.encrypted.is_some()
        && ((unknown > 20 && unknown > known) || (budget.broken_flate.get() > 0 && known == 0))
    {
        return Err(Error::UnsupportedEncryption(
            "the file decrypts to garbage: its security handler variant is not supported".into(),
        ));
    }
    if pages.iter().all(|p| p.lines.is_empty())
        && let Some(first) = pages.iter().find(|p| p.has_images)
    {
        let last = pages
            .iter()
            .rev()
            .find(|p| p.has_images)
            .map_or(first.number, |p| p.number);
        return Err(Error::NoTextLayer {
            first: first.number,
            last,
        });
    }
    if unmapped > 0 {
        warnings.push(Warning {
            code: "unmapped_glyphs",
            message: format!("{unmapped} glyphs have no Unicode mapping and were dropped"),
        });
    }
    if forms_cut > 0 {
        warnings.push(Warning {
            code: "form_recursion",
            message: format!("{forms_cut} form XObject calls were cut (cycle or nesting limit)"),
        });
    }
    if !pages_cut.is_empty() {
        let list: Vec<String> = pages_cut.iter().take(10).map(u32::to_string).collect();
        let more = if pages_cut.len() > 10 { ", …" } else { "" };
        warnings.push(Warning {
            code: "content_limit",
            message: format!(
                "{} page(s) exceed the content limits ({} operations or {} glyphs a page) and were read only in part (pages {}{more})",
                pages_cut.len(),
                options.max_page_work,
                content::MAX_GLYPHS_PER_PAGE,
                list.join(", ")
            ),
        });
    }
    if unreadable > 0 {
        warnings.push(Warning {
            code: "unreadable_content",
            message: format!("{unreadable} content streams could not be read and were skipped"),
        });
    }
    // One warning per code (each says how many times its problem occurred): a damaged file
    // must not bury its document under thousands of them.
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.code));
    Ok(Document {
        pages,
        page_count,
        warnings,
    })
}

/// The page's content streams (object number, if any, and stream), in order; entries that are not
/// streams are counted in `unreadable`.
fn page_contents<'a>(
    doc: &'a Objects<'a>,
    page: &'a lopdf::Dictionary,
    unreadable: &mut u32,
) -> Vec<(Option<lopdf::ObjectId>, &'a lopdf::Stream)> {
    fn deref<'a>(
        doc: &'a Objects<'a>,
        o: &'a lopdf::Object,
    ) -> Option<(Option<lopdf::ObjectId>, &'a lopdf::Object)> {
        match o {
            lopdf::Object::Reference(id) => doc.get_object(*id).ok().map(|o| (Some(*id), o)),
            other => Some((None, other)),
        }
    }
    let mut streams = Vec::new();
    match page.get(b"Contents").ok().and_then(|o| deref(doc, o)) {
        Some((_, lopdf::Object::Array(a))) => {
            for o in a.iter().take(10_000) {
                if let Some((id, lopdf::Object::Stream(s))) = deref(doc, o) {
                    streams.push((id, s));
                } else {
                    *unreadable += 1;
                }
            }
        }
        Some((id, lopdf::Object::Stream(s))) => streams.push((id, s)),
        None | Some((_, lopdf::Object::Null)) => {}
        Some(_) => *unreadable += 1,
    }
    streams
}
