//! bulletin: Chinese bulletin PDFs and text files → validated, structured JSON.
//!
//! The pipeline is a chain of stages, one module each, every stage a function from the previous
//! stage's type to the next:
//!
//! | stage | module | takes → gives |
//! |---|---|---|
//! | read | [`input`] | path → [`input::Input`] (bytes, sha256, format, text decoding) |
//! | extract | [`extract`] | input → [`model::Extracted`] lines (PDF through `bulletin-pdf`) |
//! | clean | [`clean`] | lines → [`model::Paragraph`]s (furniture dropped, wraps joined) |
//! | structure | [`structure`] | paragraphs → [`structure::Outline`] (cover, TOC, headings, colophon) |
//! | entries | [`entries`], [`capture`] | outline → sections of [`model::Entry`] with dates, links, 《》 |
//! | check | [`checks`] | document → warnings |
//! | validate | [`validate`] | document → schema violations |
//! | emit | [`emit`] | document → JSON, atomically written |
//!
//! [`process`] runs them all for one file; [`batch`] runs files in parallel.
#![warn(missing_docs)]

pub mod batch;
pub mod capture;
pub mod checks;
pub mod clean;
pub mod config;
pub mod dates;
pub mod emit;
pub mod entries;
pub mod error;
pub mod extract;
pub mod input;
pub mod links;
pub mod model;
pub mod numerals;
pub mod progress;
pub mod report;
pub mod scan;
pub mod sinks;
pub mod structure;
pub mod text;
pub mod validate;

use std::path::Path;
use std::time::{Duration, Instant};

pub use config::Config;
pub use error::{Error, Result};
pub use model::Document;

/// Compiles the patterns and the schema validator the stages share (each is built once per
/// process, on first use). A thread with nothing else to do can call this while workers start on
/// their first files, which need none of them until extraction is done; otherwise the first worker
/// to need one builds it while the others wait for it.
pub fn warm_up() {
    clean::warm_up();
    scan::warm_up();
    dates::warm_up();
    links::warm_up();
    validate::warm_up();
}

/// Runs the whole pipeline on one file: the validated document, or why there is none.
pub fn process(path: &Path, config: &Config) -> Result<Document> {
    let input = input::Input::read(path)?;
    process_owned_timed(input, config, &mut StageTimes::default())
}

/// Runs the pipeline on an input already in memory.
pub fn process_input(input: &input::Input, config: &Config) -> Result<Document> {
    process_timed(input, config, &mut StageTimes::default())
}

/// Wall-clock time spent in each stage, summed over the files it is passed to.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    /// Reading the file (I/O, checksum).
    pub read: Duration,
    /// Extracting lines (PDF parsing, fonts, layout; text decoding).
    pub extract: Duration,
    /// Dropping furniture and joining lines into paragraphs.
    pub clean: Duration,
    /// Cover, TOC, headings, colophon.
    pub structure: Duration,
    /// Splitting entries, capturing fields, checks.
    pub entries: Duration,
    /// Schema validation.
    pub validate: Duration,
}

impl StageTimes {
    /// Adds another file's times to these.
    pub fn add(&mut self, other: &StageTimes) {
        self.read += other.read;
        self.extract += other.extract;
        self.clean += other.clean;
        self.structure += other.structure;
        self.entries += other.entries;
        self.validate += other.validate;
    }
}

/// Like [`process`], adding the time of each stage to `times`.
pub fn process_path_timed(
    path: &Path,
    config: &Config,
    times: &mut StageTimes,
) -> Result<Document> {
    let started = Instant::now();
    let input = input::Input::read(path)?;
    times.read += started.elapsed();
    process_owned_timed(input, config, times)
}

/// Like [`process_input`], adding the time of each stage to `times`.
pub fn process_timed(
    input: &input::Input,
    config: &Config,
    times: &mut StageTimes,
) -> Result<Document> {
    let mut laps = Laps(Instant::now());
    let extracted = extract::lines(input, config)?;
    laps.lap(&mut times.extract);
    let source = source_of(input, &extracted);
    build(source, &extracted, config, times, laps)
}

/// Like [`process_timed`], but takes the input and frees its bytes once the text is read: the
/// memory a large file held is then reused for the document built from it, instead of the
/// process touching as much again.
pub fn process_owned_timed(
    input: input::Input,
    config: &Config,
    times: &mut StageTimes,
) -> Result<Document> {
    let mut laps = Laps(Instant::now());
    let extracted = extract::lines(&input, config)?;
    laps.lap(&mut times.extract);
    let source = source_of(&input, &extracted);
    drop(input);
    build(source, &extracted, config, times, laps)
}

/// The clock between stages.
struct Laps(Instant);

impl Laps {
    fn lap(&mut self, slot: &mut Duration) {
        let now = Instant::now();
        *slot += now - self.0;
        self.0 = now;
    }
}

fn source_of(input: &input::Input, extracted: &model::Extracted) -> model::Source {
    model::Source {
        file: input.file_name.clone(),
        sha256: input.sha256.clone(),
        bytes: input.bytes.len() as u64,
        format: input.format.as_str().into(),
        pages: extracted.pages,
    }
}

/// The stages after extraction: clean, structure, entries, validation.
fn build(
    source: model::Source,
    extracted: &model::Extracted,
    config: &Config,
    times: &mut StageTimes,
    mut laps: Laps,
) -> Result<Document> {
    let paragraphs = clean::paragraphs(
        extracted,
        clean::CleanOptions {
            keep_furniture: config.keep_furniture,
        },
    );
    laps.lap(&mut times.clean);
    let outline = structure::outline(&paragraphs);
    laps.lap(&mut times.structure);
    let document = assemble(source, extracted, outline);
    laps.lap(&mut times.entries);
    let value = serde_json::to_value(&document).map_err(|e| Error::Internal(e.to_string()))?;
    let violations = validate::violations(&value);
    laps.lap(&mut times.validate);
    if !violations.is_empty() {
        return Err(Error::Schema(violations.join("; ")));
    }
    Ok(document)
}

/// Builds the output document from the outline: entries, colophon, publisher, warnings.
fn assemble(
    source: model::Source,
    extracted: &model::Extracted,
    outline: structure::Outline,
) -> Document {
    let mut warnings = extracted.warnings.clone();
    warnings.extend(outline.warnings.iter().cloned());
    let context = entries::Context {
        year: outline.bulletin.year,
        issue: outline.bulletin.issue,
        date: outline.date,
        paged: extracted.pages.is_some(),
        links: &extracted.links,
    };
    let sections = entries::split(&outline, context, &mut warnings);
    warnings.extend(checks::check(&outline.toc, &sections, outline.date));

    let mut colophon = serde_json::Map::new();
    for (key, value) in &outline.colophon {
        let value = if value.contains("://") || value.starts_with('<') {
            links::clean_url(value)
        } else {
            value.trim().to_string()
        };
        colophon
            .entry(key.clone())
            .or_insert(serde_json::Value::String(value));
    }
    let mut bulletin = outline.bulletin.clone();
    bulletin.publisher = colophon
        .get("主办单位")
        .or_else(|| colophon.get("主办"))
        .and_then(|v| v.as_str())
        .map(String::from);

    Document {
        schema_version: "1.0".into(),
        source,
        bulletin,
        toc: outline.toc,
        sections,
        colophon,
        warnings: checks::cap(warnings),
    }
}
