//! Checks: what a CI job on a new issue should catch, as warnings with stable codes.
//!
//! Codes: `toc_entry_missing` (a TOC line with no heading in the body), `heading_not_in_toc`,
//! `toc_title_mismatch`, `toc_page_mismatch` (PDF: a heading on another page than the TOC says,
//! after allowing for the offset between printed and physical page numbers that most entries
//! share), `numbering_gap`, `numbering_duplicate`, `date_after_bulletin`, `malformed_url`,
//! `empty_entry`. Titles are compared after NFKC and whitespace folding.

use std::collections::HashMap;

use crate::dates::Date;
use crate::links;
use crate::model::{Section, TocEntry, Warning};
use crate::text::fold;

/// Most warnings of one code kept per document; a damaged file must not produce thousands.
const MAX_PER_CODE: usize = 20;

/// Checks a document's sections against its TOC and itself.
pub fn check(toc: &[TocEntry], sections: &[Section], bulletin_date: Option<Date>) -> Vec<Warning> {
    let mut out = Vec::new();
    check_toc(toc, sections, &mut out);
    check_numbering(sections, &mut out);
    check_entries(sections, bulletin_date, &mut out);
    out
}

/// Keeps at most [`MAX_PER_CODE`] warnings of each code, and says how many were dropped.
pub fn cap(warnings: Vec<Warning>) -> Vec<Warning> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for w in warnings {
        let n = counts.entry(w.code.clone()).or_default();
        *n += 1;
        if *n <= MAX_PER_CODE && !out.contains(&w) {
            out.push(w);
        }
    }
    let mut dropped: Vec<(String, usize)> = counts
        .into_iter()
        .filter(|(_, n)| *n > MAX_PER_CODE)
        .collect();
    dropped.sort();
    for (code, n) in dropped {
        out.push(Warning::new(
            "warnings_truncated",
            format!("{} more `{code}` warnings not shown", n - MAX_PER_CODE),
        ));
    }
    out
}

/// A heading of the body, for comparison with the TOC.
struct BodyHeading<'a> {
    level: u8,
    section: u32,
    ordinal: u32,
    title: &'a str,
    page: Option<u32>,
}

fn body_headings(sections: &[Section]) -> Vec<BodyHeading<'_>> {
    let mut out = Vec::new();
    for s in sections {
        out.push(BodyHeading {
            level: 1,
            section: s.ordinal,
            ordinal: s.ordinal,
            title: &s.title,
            page: s.page,
        });
        for e in &s.entries {
            out.push(BodyHeading {
                level: 2,
                section: s.ordinal,
                ordinal: e.ordinal,
                title: &e.title,
                page: e.pages.as_ref().and_then(|p| p.first().copied()),
            });
        }
    }
    out
}

fn check_toc(toc: &[TocEntry], sections: &[Section], out: &mut Vec<Warning>) {
    if toc.is_empty() {
        return;
    }
    let body = body_headings(sections);
    let mut section = 0;
    let mut matched = vec![false; body.len()];
    let mut offsets: Vec<(i64, &TocEntry, &BodyHeading)> = Vec::new();
    for t in toc {
        if t.level == 1 {
            section = t.ordinal;
        }
        let found = body.iter().position(|b| {
            b.level == t.level && b.ordinal == t.ordinal && (t.level == 1 || b.section == section)
        });
        let Some(k) = found else {
            out.push(Warning::new(
                "toc_entry_missing",
                format!(
                    "TOC entry {} \"{}\" has no heading in the body",
                    label(t),
                    t.title
                ),
            ));
            continue;
        };
        matched[k] = true;
        let b = &body[k];
        if fold(&t.title) != fold(b.title) {
            out.push(Warning::new(
                "toc_title_mismatch",
                format!(
                    "TOC entry {} reads \"{}\" but the heading reads \"{}\"",
                    label(t),
                    t.title,
                    b.title
                ),
            ));
        }
        if let (Some(printed), Some(physical)) = (t.page, b.page) {
            offsets.push((i64::from(physical) - i64::from(printed), t, b));
        }
    }
    for (k, b) in body.iter().enumerate() {
        if !matched[k] && !b.title.is_empty() {
            out.push(Warning::new(
                "heading_not_in_toc",
                format!("heading \"{}\" is not in the table of contents", b.title),
            ));
        }
    }
    // Printed page numbers may not count the cover: the usual offset is not a mismatch.
    let mut tally: HashMap<i64, usize> = HashMap::new();
    for (d, _, _) in &offsets {
        *tally.entry(*d).or_default() += 1;
    }
    let usual = tally
        .iter()
        .max_by_key(|(d, n)| (**n, -d.abs()))
        .map(|(d, _)| *d);
    for (d, t, b) in &offsets {
        if Some(*d) != usual {
            out.push(Warning::new(
                "toc_page_mismatch",
                format!(
                    "TOC entry {} \"{}\" says page {} but the heading is on physical page {}",
                    label(t),
                    t.title,
                    t.page.unwrap_or(0),
                    b.page.unwrap_or(0)
                ),
            ));
        }
    }
}

fn label(t: &TocEntry) -> String {
    if t.level == 1 {
        format!("{}、", t.label)
    } else {
        format!("（{}）", t.label)
    }
}

fn check_numbering(sections: &[Section], out: &mut Vec<Warning>) {
    let mut check = |what: &str, ordinals: Vec<u32>| {
        let mut expected = 1;
        for n in ordinals {
            if n < expected {
                out.push(Warning::new(
                    "numbering_duplicate",
                    format!("{what}: number {n} comes again after {}", expected - 1),
                ));
            } else if n > expected {
                out.push(Warning::new(
                    "numbering_gap",
                    format!(
                        "{what}: number {n} follows {} (expected {expected})",
                        expected - 1
                    ),
                ));
            }
            expected = n.max(expected - 1) + 1;
        }
    };
    check("sections", sections.iter().map(|s| s.ordinal).collect());
    for s in sections {
        check(
            &format!("section {}、{}", s.label, s.title),
            s.entries.iter().map(|e| e.ordinal).collect(),
        );
    }
}

fn check_entries(sections: &[Section], bulletin_date: Option<Date>, out: &mut Vec<Warning>) {
    let bulletin_iso = bulletin_date.map(|d| d.iso());
    for e in sections.iter().flat_map(|s| &s.entries) {
        if e.text.trim().is_empty() {
            out.push(Warning::new(
                "empty_entry",
                format!("entry {} \"{}\" has no text", e.id, e.title),
            ));
        }
        if let (Some(date), Some(bulletin)) = (&e.date, &bulletin_iso) {
            // ISO dates compare correctly as strings.
            if date > bulletin {
                out.push(Warning::new(
                    "date_after_bulletin",
                    format!(
                        "entry {} is dated {date}, after the bulletin's date {bulletin}",
                        e.id
                    ),
                ));
            }
        }
        for url in &e.links {
            if !links::is_well_formed(url) {
                out.push(Warning::new(
                    "malformed_url",
                    format!("entry {} links to a malformed URL \"{url}\"", e.id),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Entry;

    fn entry(ordinal: u32, title: &str, date: Option<&str>, links: &[&str]) -> Entry {
        Entry {
            id: format!("2021-13-1-{ordinal}"),
            ordinal,
            label: crate::numerals::format(ordinal).unwrap(),
            title: title.into(),
            date: date.map(String::from),
            text: "正文。".into(),
            dates: vec![],
            links: links.iter().map(|s| s.to_string()).collect(),
            documents: vec![],
            pages: None,
        }
    }

    fn toc(level: u8, ordinal: u32, title: &str) -> TocEntry {
        TocEntry {
            level,
            ordinal,
            label: crate::numerals::format(ordinal).unwrap(),
            title: title.into(),
            page: Some(3),
        }
    }

    fn codes(w: &[Warning]) -> Vec<&str> {
        w.iter().map(|w| w.code.as_str()).collect()
    }

    fn section(entries: Vec<Entry>) -> Section {
        Section {
            ordinal: 1,
            label: "一".into(),
            title: "政策法规".into(),
            page: None,
            entries,
        }
    }

    #[test]
    fn clean_document_has_no_warnings() {
        let s = vec![section(vec![
            entry(
                1,
                "《重庆市公共数据分类分级指南（试行）》出台",
                Some("2021-10-14"),
                &["http://a.cn/x"],
            ),
            entry(2, "辽宁省发布数字辽宁发展规划2.0版", None, &[]),
        ])];
        let t = vec![
            toc(1, 1, "政策法规"),
            toc(2, 1, "《重庆市公共数据分类分级指南(试行)》出台"),
            toc(2, 2, "辽宁省发布数字辽宁发展规划 2.0 版"),
        ];
        assert_eq!(check(&t, &s, Date::new(2021, 11, 1)), vec![]);
    }

    #[test]
    fn every_problem_is_reported() {
        let s = vec![section(vec![
            entry(1, "甲", Some("2021-12-01"), &["http//bad"]),
            entry(3, "乙", None, &[]),
            entry(3, "丙", None, &[]),
        ])];
        let t = vec![toc(1, 1, "政策法规"), toc(2, 1, "甲乙"), toc(2, 2, "缺")];
        let w = check(&t, &s, Date::new(2021, 11, 1));
        let c = codes(&w);
        for code in [
            "toc_title_mismatch",
            "toc_entry_missing",
            "heading_not_in_toc",
            "numbering_gap",
            "numbering_duplicate",
            "date_after_bulletin",
            "malformed_url",
        ] {
            assert!(c.contains(&code), "{code} missing from {c:?}");
        }
    }

    #[test]
    fn page_offsets_and_mismatches() {
        let mut a = entry(1, "甲", None, &[]);
        a.pages = Some(vec![4]);
        let mut b = entry(2, "乙", None, &[]);
        b.pages = Some(vec![9]);
        let mut s = section(vec![a, b]);
        s.page = Some(4);
        let mut t = vec![toc(1, 1, "政策法规"), toc(2, 1, "甲"), toc(2, 2, "乙")];
        t[1].page = Some(3);
        t[2].page = Some(4);
        let w = check(&t, &[s], None);
        assert_eq!(codes(&w), ["toc_page_mismatch"]);
    }

    #[test]
    fn warnings_are_capped() {
        let w: Vec<Warning> = (0..100)
            .map(|i| Warning::new("malformed_url", format!("{i}")))
            .collect();
        let capped = cap(w);
        assert_eq!(capped.len(), MAX_PER_CODE + 1);
        assert_eq!(capped.last().unwrap().code, "warnings_truncated");
    }
}
