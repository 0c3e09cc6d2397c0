//! The `--entries` format: takes a document and gives one flat JSON object per entry, carrying its
//! bulletin's fields (title, year, issue, date, publisher), its section and its source (path, file
//! name, SHA-256), so a bulk loader (`COPY`, `jq`, a dataframe reader) needs no joins.
//!
//! Every line is checked against `schemas/entry.schema.json` before it is written, as documents are
//! against theirs.

use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

use crate::model::{DateMention, Document};

/// The JSON Schema of one `--entries` line, as shipped in `schemas/`.
pub const SCHEMA: &str = include_str!("../../schemas/entry.schema.json");

/// One entry flattened with its bulletin's fields. Field order is the wire order.
#[derive(Debug, Serialize)]
pub struct FlatEntry<'a> {
    /// The entry's id in the document, `<year>-<issue>-<section>-<entry>`.
    pub id: &'a str,
    /// The input's path relative to its folder (`documents.path` in the database).
    pub path: &'a str,
    /// `source.file`.
    pub source_file: &'a str,
    /// `source.sha256`.
    pub sha256: &'a str,
    /// `bulletin.title`.
    pub bulletin_title: Option<&'a str>,
    /// `bulletin.year`.
    pub year: Option<i32>,
    /// `bulletin.issue`.
    pub issue: Option<u32>,
    /// `bulletin.date`.
    pub bulletin_date: Option<&'a str>,
    /// `bulletin.publisher`.
    pub publisher: Option<&'a str>,
    /// The section's ordinal.
    pub section_ordinal: u32,
    /// The section's label as printed.
    pub section_label: &'a str,
    /// The section's title.
    pub section_title: &'a str,
    /// The entry's ordinal in its section.
    pub ordinal: u32,
    /// The entry's label as printed.
    pub label: &'a str,
    /// The entry's title.
    pub title: &'a str,
    /// The entry's date.
    pub date: Option<&'a str>,
    /// The entry's text.
    pub text: &'a str,
    /// Dates in title and text.
    pub dates: &'a [DateMention],
    /// Links.
    pub links: &'a [String],
    /// Titles inside 《》.
    pub documents: &'a [String],
    /// Physical pages, null for text input.
    pub pages: Option<&'a [u32]>,
}

/// The entries of `doc` (found at `path`), flattened, in document order.
pub fn flatten<'a>(path: &'a str, doc: &'a Document) -> impl Iterator<Item = FlatEntry<'a>> + 'a {
    doc.sections.iter().flat_map(move |section| {
        section.entries.iter().map(move |e| FlatEntry {
            id: &e.id,
            path,
            source_file: &doc.source.file,
            sha256: &doc.source.sha256,
            bulletin_title: doc.bulletin.title.as_deref(),
            year: doc.bulletin.year,
            issue: doc.bulletin.issue,
            bulletin_date: doc.bulletin.date.as_deref(),
            publisher: doc.bulletin.publisher.as_deref(),
            section_ordinal: section.ordinal,
            section_label: &section.label,
            section_title: &section.title,
            ordinal: e.ordinal,
            label: &e.label,
            title: &e.title,
            date: e.date.as_deref(),
            text: &e.text,
            dates: &e.dates,
            links: &e.links,
            documents: &e.documents,
            pages: e.pages.as_deref(),
        })
    })
}

fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema: Value = serde_json::from_str(SCHEMA).ok()?;
            jsonschema::validator_for(&schema).ok()
        })
        .as_ref()
}

/// Serialises one flat entry as a JSON line (without the newline), or says why it does not match
/// the entry schema.
pub fn to_line(entry: &FlatEntry<'_>) -> Result<String, String> {
    let value = serde_json::to_value(entry).map_err(|e| e.to_string())?;
    let Some(validator) = validator() else {
        return Err("the bundled entry schema does not compile".into());
    };
    let problems: Vec<String> = validator
        .iter_errors(&value)
        .take(5)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    if !problems.is_empty() {
        return Err(format!(
            "entry {} does not match the entry schema: {}",
            entry.id,
            problems.join("; ")
        ));
    }
    serde_json::to_string(&value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_compiles() {
        assert!(validator().is_some());
    }
}
