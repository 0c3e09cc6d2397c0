//! Entries: the outline's body is split into sections (level-1 headings) and entries (level-2
//! headings with the paragraphs that follow them), and each entry's fields are captured.
//!
//! A section without level-2 headings becomes one entry titled like the section. Numbered items
//! inside an entry's text were already kept as text by the structure stage.

use crate::capture;
use crate::dates::Date;
use crate::model::{Entry, PageLink, Paragraph, Section, Warning};
use crate::structure::{Block, Heading, Outline};

/// An entry before its fields are captured: its heading and body paragraphs.
#[derive(Debug, Clone)]
pub struct RawEntry {
    /// The level-2 heading (or the section heading, for a section without entries).
    pub heading: Heading,
    /// The paragraphs after the heading, up to the next heading.
    pub body: Vec<Paragraph>,
}

/// Context for capturing fields.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// "<year>-<issue>" prefix of entry ids.
    pub year: Option<i32>,
    /// Issue number.
    pub issue: Option<u32>,
    /// The bulletin's date, to resolve dates without a year.
    pub date: Option<Date>,
    /// Whether the input has pages (PDF).
    pub paged: bool,
    /// Link annotations of the document, in page order as extraction gives them (`split` sorts
    /// a copy when they are not).
    pub links: &'a [PageLink],
}

/// Splits the outline's body into sections of entries and captures each entry's fields.
pub fn split(outline: &Outline, context: Context<'_>, warnings: &mut Vec<Warning>) -> Vec<Section> {
    let sorted_links: Vec<PageLink>;
    let context = if context.links.is_sorted_by_key(|link| link.page) {
        context
    } else {
        // Stable: links of one page keep their order.
        sorted_links = {
            let mut links = context.links.to_vec();
            links.sort_by_key(|link| link.page);
            links
        };
        Context {
            links: &sorted_links,
            ..context
        }
    };
    let mut sections: Vec<(Heading, Vec<RawEntry>, Vec<Paragraph>)> = Vec::new();
    let mut orphans = 0usize;
    for block in &outline.body {
        match block {
            Block::Heading(h) if h.level == 1 => sections.push((h.clone(), Vec::new(), Vec::new())),
            Block::Heading(h) => {
                if sections.is_empty() {
                    // Entries before any level-1 heading: give them an unnamed section.
                    sections.push((unnamed_section(h), Vec::new(), Vec::new()));
                }
                if let Some((_, entries, _)) = sections.last_mut() {
                    entries.push(RawEntry {
                        heading: h.clone(),
                        body: Vec::new(),
                    });
                }
            }
            Block::Paragraph(p) => match sections.last_mut() {
                Some((_, entries, intro)) => match entries.last_mut() {
                    Some(e) => e.body.push(p.clone()),
                    None => intro.push(p.clone()),
                },
                None => orphans += 1,
            },
        }
    }
    if orphans > 0 {
        warnings.push(Warning::new(
            "text_outside_sections",
            format!(
                "{orphans} paragraph(s) before the first heading were not assigned to any entry"
            ),
        ));
    }
    sections
        .into_iter()
        .map(|(heading, mut entries, intro)| {
            if entries.is_empty() && !intro.is_empty() {
                entries.push(RawEntry {
                    heading: Heading {
                        level: 2,
                        ..heading.clone()
                    },
                    body: intro,
                });
            } else if !intro.is_empty() {
                warnings.push(Warning::new(
                    "text_outside_entries",
                    format!(
                        "section {}、{}: {} paragraph(s) before its first entry were not assigned to an entry",
                        heading.label,
                        heading.title,
                        intro.len()
                    ),
                ));
            }
            let entries: Vec<Entry> = entries
                .iter()
                .map(|e| capture::entry(e, heading.ordinal, &context))
                .collect();
            Section {
                ordinal: heading.ordinal,
                label: heading.label.clone(),
                title: heading.title.clone(),
                page: if context.paged {
                    heading.source.pages.first().copied()
                } else {
                    None
                },
                entries,
            }
        })
        .collect()
}

fn unnamed_section(first_entry: &Heading) -> Heading {
    Heading {
        level: 1,
        ordinal: 1,
        label: String::new(),
        title: String::new(),
        source: first_entry.source.clone(),
    }
}
