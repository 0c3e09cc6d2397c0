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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rect;

    fn line(page: u32, y: f32, text: &str) -> Paragraph {
        Paragraph {
            text: text.into(),
            pages: vec![page],
            boxes: vec![(
                page,
                Rect {
                    x0: 50.0,
                    y0: y,
                    x1: 500.0,
                    y1: y + 12.0,
                },
            )],
            ..Paragraph::default()
        }
    }

    fn heading(level: u8, ordinal: u32, label: &str, source: Paragraph) -> Block {
        Block::Heading(Heading {
            level,
            ordinal,
            label: label.into(),
            title: source.text.clone(),
            source,
        })
    }

    fn link(page: u32, y: f32, uri: &str) -> PageLink {
        PageLink {
            page,
            rect: Rect {
                x0: 100.0,
                y0: y,
                x1: 200.0,
                y1: y + 10.0,
            },
            uri: uri.into(),
        }
    }

    #[test]
    fn links_out_of_page_order_are_found_as_in_order() {
        // Two entries, the first spanning pages 1 and 3; a link on each of their lines and one
        // on a line of no entry. Given in reverse, they must be found as in page order.
        let outline = Outline {
            body: vec![
                heading(1, 1, "一", line(1, 50.0, "监管动态")),
                heading(2, 1, "（一）", line(1, 100.0, "第一条")),
                Block::Paragraph(line(3, 200.0, "正文续")),
                heading(2, 2, "（二）", line(4, 300.0, "第二条")),
            ],
            ..Outline::default()
        };
        let in_order = [
            link(1, 101.0, "https://a.example/1"),
            link(2, 101.0, "https://nowhere.example"),
            link(3, 201.0, "https://a.example/3"),
            link(4, 301.0, "https://b.example/4"),
        ];
        let reversed: Vec<PageLink> = in_order.iter().rev().cloned().collect();
        let links_of = |links: &[PageLink]| {
            let context = Context {
                year: Some(2021),
                issue: Some(13),
                date: None,
                paged: true,
                links,
            };
            let sections = split(&outline, context, &mut Vec::new());
            sections[0]
                .entries
                .iter()
                .map(|e| e.links.clone())
                .collect::<Vec<_>>()
        };
        let expected = [
            vec![
                "https://a.example/1".to_string(),
                "https://a.example/3".into(),
            ],
            vec!["https://b.example/4".to_string()],
        ];
        assert_eq!(links_of(&in_order), expected);
        assert_eq!(links_of(&reversed), expected);
    }
}
