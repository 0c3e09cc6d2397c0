//! Clean: extracted lines become paragraphs.
//!
//! For PDF input this drops page furniture (running headers and footers, recognised by
//! repeating at the same height on many pages, and bare page numbers near the top or bottom
//! edge), then joins wrapped lines into paragraphs using the page geometry: a paragraph starts
//! at an indented line, after a line that stops short of the right margin, after a larger
//! vertical gap or a change of font size. Paragraphs broken by a page break are joined when the
//! page's last line runs to the margin and the next page's first line is not indented.
//!
//! Text input has no geometry: each non-blank line is a paragraph, and a paragraph that does not
//! end a sentence is joined with the next one when neither looks like a heading, TOC line, link,
//! cover or colophon line (that is how a page break shows in a text extraction).

use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

use crate::links;
use crate::model::{Extracted, Line, Paragraph, Rect};
use crate::scan;
use crate::text::{append_wrapped, char_len, ends_sentence};

/// Options of the clean stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct CleanOptions {
    /// Keep running headers, footers and page numbers.
    pub keep_furniture: bool,
}

/// Turns extracted lines into paragraphs.
pub fn paragraphs(extracted: &Extracted, options: CleanOptions) -> Vec<Paragraph> {
    if extracted.pages.is_some() {
        let lines = if options.keep_furniture {
            extracted.lines.iter().collect()
        } else {
            drop_furniture(&extracted.lines, &extracted.page_heights)
        };
        join_page_breaks_pdf(pdf_paragraphs(&lines))
    } else {
        text_paragraphs(&extracted.lines)
    }
}

/// Whether a paragraph is a line with a role of its own (heading, TOC, link, cover, colophon),
/// which is never merged with its neighbours by the text heuristics.
fn is_structural(text: &str) -> bool {
    scan::scan_heading(text).is_some()
        || scan::scan_toc_marker(text)
        || scan::scan_toc_line(text).is_some_and(|t| t.page.is_some())
        || links::scan_link_line(text).is_some()
        || scan::scan_issue_line(text).is_some()
        || crate::dates::parse_full_line(text).is_some()
        || starts_colophon_item(text)
}

fn text_paragraphs(lines: &[Line]) -> Vec<Paragraph> {
    let texts: Vec<&str> = lines
        .iter()
        .map(|l| {
            l.text
                .trim_matches(|c: char| c.is_whitespace() || c == '\x0c')
        })
        .collect();
    let structural: Vec<bool> = texts
        .iter()
        .map(|t| !t.is_empty() && is_structural(t))
        .collect();
    let furniture = text_furniture(&texts, &structural);
    let mut out: Vec<Paragraph> = Vec::new();
    let mut open = false; // the last paragraph may continue on the next line
    for (i, &text) in texts.iter().enumerate() {
        if text.is_empty() || furniture.contains(&i) {
            continue;
        }
        if open && !structural[i] {
            if let Some(last) = out.last_mut() {
                append_wrapped(&mut last.text, text);
                open = !ends_sentence(&last.text);
                continue;
            }
        }
        // A colophon value may wrap like any paragraph; other structural lines never continue.
        let continuable = !structural[i] || starts_colophon_item(text);
        open = continuable && !ends_sentence(text) && char_len(text) >= 15;
        out.push(Paragraph {
            text: text.to_string(),
            ..Paragraph::default()
        });
    }
    out
}

/// Page furniture in a text extraction (pdftotext and the like keep it): bare page numbers, and
/// short lines that repeat on three or more pages (a running header), except their first
/// appearance when it is on the cover (the header usually repeats the bulletin's name). Returns
/// the indexes of the lines to drop.
fn text_furniture(texts: &[&str], structural: &[bool]) -> std::collections::HashSet<usize> {
    let shape = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace() && *c != '\x0c')
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let mut seen: HashMap<String, Vec<usize>> = HashMap::new();
    let mut drop = std::collections::HashSet::new();
    let mut non_blank = 0usize;
    let mut cover_end = 0usize;
    for (i, &t) in texts.iter().enumerate() {
        if t.is_empty() {
            continue;
        }
        non_blank += 1;
        if non_blank <= 6 {
            cover_end = i;
        }
        if is_page_number(t) {
            drop.insert(i);
        } else if char_len(t) <= 40 && (!structural[i] || scan::scan_issue_line(t).is_some()) {
            seen.entry(shape(t)).or_default().push(i);
        }
    }
    for indexes in seen.values().filter(|v| v.len() >= 3) {
        for &i in indexes {
            if i > cover_end || i != indexes[0] {
                drop.insert(i);
            }
        }
    }
    drop
}

/// Lines near the top or bottom edge that repeat on many pages at the same height (digits
/// ignored, so "第 3 页" and "第 4 页" count as the same), and bare page numbers there.
fn drop_furniture<'a>(lines: &'a [Line], page_heights: &[f32]) -> Vec<&'a Line> {
    let page_count = lines.iter().filter_map(|l| l.page).max().unwrap_or(0);
    let edge = |l: &Line| -> bool {
        let (Some(page), Some(b)) = (l.page, l.bbox) else {
            return false;
        };
        let h = page_heights
            .get(page.saturating_sub(1) as usize)
            .copied()
            .filter(|h| *h > 0.0)
            .unwrap_or(842.0);
        b.y0 < h * 0.12 || b.y1 > h * 0.88
    };
    let key = |l: &Line| -> (String, i32) {
        let shape: String = l
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        (shape, l.bbox.map_or(0, |b| (b.y0 / 6.0).round() as i32))
    };
    let mut pages_with: HashMap<(String, i32), Vec<u32>> = HashMap::new();
    for l in lines.iter().filter(|l| edge(l)) {
        let pages = pages_with.entry(key(l)).or_default();
        if let Some(p) = l.page {
            if !pages.contains(&p) {
                pages.push(p);
            }
        }
    }
    let threshold = (page_count as usize * 2).div_ceil(5).max(2);
    lines
        .iter()
        .filter(|l| {
            if !edge(l) {
                return true;
            }
            if is_page_number(&l.text) {
                return false;
            }
            // The cover may carry the bulletin's name where later pages have it as a header.
            let repeated = pages_with
                .get(&key(l))
                .is_some_and(|p| p.len() >= threshold);
            !(repeated && l.page != Some(1))
        })
        .collect()
}

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^[-—–·~]*
          (?: 第?[0-9]{1,4}页?(?:[/]?共?[0-9]{1,4}页?)?
            | (?i:page)[0-9]{1,4}(?:(?i:of)[0-9]{1,4})?
            | [ivxlc]{1,6} | [IVXLC]{1,6} )
          [-—–·~]*$",
    )
    .expect("page number pattern")
});

/// Compiles this stage's pattern now (see [`crate::warm_up`]).
pub(crate) fn warm_up() {
    LazyLock::force(&PAGE_NUMBER);
}

/// "3", "- 3 -", "第 3 页", "第3页 共10页", "3 / 10", "Page 3 of 10", "iv", full-width forms too.
fn is_page_number(text: &str) -> bool {
    let t: String = crate::text::halfwidth(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    !t.is_empty() && PAGE_NUMBER.is_match(&t)
}

/// Left and right margins of one kind of line (full-width, left column, right column).
#[derive(Debug, Clone, Copy, Default)]
struct Margins {
    left: f32,
    right: f32,
}

/// Margins and line pitch of the document's body text. Two-column layouts get margins per column,
/// so a column's lines are not all "short" against the page's right margin.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    full: Margins,
    columns: Option<(f32, Margins, Margins)>,
    pitch: f32,
}

impl Geometry {
    /// The margins that apply to a line with this box.
    fn margins_for(&self, b: &Rect) -> Margins {
        match self.columns {
            Some((mid, left, _)) if b.x1 <= mid + 2.0 => left,
            Some((mid, _, right)) if b.x0 >= mid - 2.0 => right,
            _ => self.full,
        }
    }
}

fn quantile(mut v: Vec<f32>, q: f32) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    let i = ((v.len() - 1) as f32 * q).round() as usize;
    v.get(i).copied()
}

fn margins(boxes: &[Rect], long_enough: f32) -> Option<Margins> {
    let long: Vec<&Rect> = boxes.iter().filter(|b| b.x1 - b.x0 > long_enough).collect();
    let pick = |f: fn(&Rect) -> f32, q: f32| {
        quantile(long.iter().map(|b| f(b)).collect(), q)
            .or_else(|| quantile(boxes.iter().map(f).collect(), q))
    };
    Some(Margins {
        left: pick(|b| b.x0, 0.1)?,
        right: pick(|b| b.x1, 0.9)?,
    })
}

fn geometry(lines: &[&Line]) -> Geometry {
    let boxes: Vec<Rect> = lines.iter().filter_map(|l| l.bbox).collect();
    let full = margins(&boxes, 150.0).unwrap_or_default();
    // Two columns: many lines entirely left of the middle of the text block and many entirely
    // right of it, together most of the lines.
    let mid = (full.left + full.right) / 2.0;
    let left_col: Vec<Rect> = boxes
        .iter()
        .copied()
        .filter(|b| b.x1 <= mid + 2.0)
        .collect();
    let right_col: Vec<Rect> = boxes
        .iter()
        .copied()
        .filter(|b| b.x0 >= mid - 2.0)
        .collect();
    let columns = (left_col.len() >= 5
        && right_col.len() >= 5
        && (left_col.len() + right_col.len()) * 2 >= boxes.len())
    .then(|| {
        let width = (mid - full.left) * 0.6;
        Some((mid, margins(&left_col, width)?, margins(&right_col, width)?))
    })
    .flatten();
    let full = if columns.is_some() {
        let spanning: Vec<Rect> = boxes
            .iter()
            .copied()
            .filter(|b| b.x0 < mid - 2.0 && b.x1 > mid + 2.0)
            .collect();
        margins(&spanning, 150.0).unwrap_or(full)
    } else {
        full
    };
    let mut pitches = Vec::new();
    for w in lines.windows(2) {
        if let ([a, b], (Some(ra), Some(rb))) = (w, (w[0].bbox, w[1].bbox)) {
            let d = rb.y1 - ra.y1;
            if a.page == b.page && d > 0.0 && d < 3.0 * a.font_size.unwrap_or(12.0) {
                pitches.push(d);
            }
        }
    }
    let pitch = quantile(pitches, 0.5).unwrap_or(18.0);
    Geometry {
        full,
        columns,
        pitch,
    }
}

/// Whether a paragraph is finished for certain: a full stop (not a semicolon, which ends items
/// of a list that goes on), or a 链接 line.
fn ends_for_certain(paragraph: &str) -> bool {
    let t = paragraph
        .trim_end()
        .trim_end_matches(['”', '’', '」', '』', '）', ')']);
    t.ends_with(['。', '！', '？', '!', '?']) || links::scan_link_line(paragraph).is_some()
}

fn pdf_paragraphs(lines: &[&Line]) -> Vec<Paragraph> {
    let g = geometry(lines);
    let mut out: Vec<Paragraph> = Vec::new();
    let mut prev: Option<&Line> = None;
    for &line in lines {
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        let (Some(page), Some(b)) = (line.page, line.bbox) else {
            continue;
        };
        let size = line.font_size.unwrap_or(12.0).max(1.0);
        let m = g.margins_for(&b);
        let indented = b.x0 > m.left + 0.8 * size;
        let ends_short = b.x1 < m.right - 1.5 * size;
        let starts_new = match (prev, out.last()) {
            (Some(p), Some(last)) => {
                let pb = p.bbox.unwrap_or_default();
                let psize = p.font_size.unwrap_or(12.0).max(1.0);
                p.page != line.page
                    || indented
                    || last.ends_short
                    || b.y1 - pb.y1 > 1.6 * g.pitch.max(psize)
                    || (size - psize).abs() > 0.15 * psize
                    || links::scan_link_line(text).is_some()
                    || starts_colophon_item(text)
                    || ends_with_page_number(&p.text)
                    // A numbered heading is not indented, so only what comes before it tells it
                    // from a list item that wraps to the margin: a finished sentence or a link
                    // line, or a larger font.
                    || (scan::scan_heading(text).is_some()
                        && (ends_for_certain(&last.text) || size > psize * 1.05))
            }
            _ => true,
        };
        if starts_new {
            out.push(Paragraph {
                text: text.to_string(),
                pages: vec![page],
                boxes: vec![(page, b)],
                ends_short,
                indented,
            });
        } else if let Some(last) = out.last_mut() {
            append_wrapped(&mut last.text, text);
            last.boxes.push((page, b));
            last.ends_short = ends_short;
        }
        prev = Some(line);
    }
    out
}

/// A line that opens a colophon item ("通讯地址：…") starts a paragraph even when the previous item
/// ran to the margin.
fn starts_colophon_item(line: &str) -> bool {
    scan::scan_colophon_line(line).is_some_and(|(key, _)| scan::is_known_colophon_key(&key))
}

/// A TOC line is complete once its leader and page number are printed, even when it runs to the
/// right margin and the next line is not indented.
fn ends_with_page_number(line: &str) -> bool {
    line.trim_end()
        .ends_with(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c))
        && scan::scan_toc_line(line).is_some_and(|t| t.page.is_some() && !t.title.is_empty())
}

/// Joins a paragraph cut by a page break with its continuation on the next page.
fn join_page_breaks_pdf(paragraphs: Vec<Paragraph>) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::with_capacity(paragraphs.len());
    for p in paragraphs {
        if let Some(last) = out.last_mut() {
            let crosses = last.pages.last() != p.pages.first();
            let stops = last.ends_short
                || p.indented
                || is_structural(&last.text)
                || (ends_sentence(&last.text) && scan::scan_heading(&p.text).is_some())
                || links::scan_link_line(&p.text).is_some();
            if crosses && !stops {
                append_wrapped(&mut last.text, &p.text);
                last.absorb_provenance(&p);
                continue;
            }
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_lines(lines: &[&str]) -> Extracted {
        Extracted {
            pages: None,
            lines: lines.iter().map(|l| Line::plain(*l)).collect(),
            ..Extracted::default()
        }
    }

    fn texts(p: &[Paragraph]) -> Vec<&str> {
        p.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn text_page_break_is_joined() {
        let p = paragraphs(
            &text_lines(&[
                "《意见》要求，利用三年左右时间，逐步建立治理机制健全、监管体系完善、算法",
                "",
                "生态规范的算法安全综合治理格局。",
                "",
                "链接：http://a.cn/",
            ]),
            CleanOptions::default(),
        );
        assert_eq!(
            texts(&p),
            vec![
                "《意见》要求，利用三年左右时间，逐步建立治理机制健全、监管体系完善、算法生态规范的算法安全综合治理格局。",
                "链接：http://a.cn/"
            ]
        );
    }

    #[test]
    fn text_extraction_furniture_is_dropped() {
        let p = paragraphs(
            &text_lines(&[
                "数据治理与流通动态监测报告",
                "2021 年 第 13 期",
                "\x0c数据治理与流通动态监测报告",
                "一、政策法规",
                "- 3 -",
                "\x0c数据治理与流通动态监测报告",
                "正文第一段。",
                "4",
                "\x0c数据治理与流通动态监测报告",
                "正文第二段。",
            ]),
            CleanOptions::default(),
        );
        assert_eq!(
            texts(&p),
            vec![
                "数据治理与流通动态监测报告",
                "2021 年 第 13 期",
                "一、政策法规",
                "正文第一段。",
                "正文第二段。"
            ]
        );
    }

    #[test]
    fn text_headings_and_short_lines_stay_apart() {
        let p = paragraphs(
            &text_lines(&[
                "数据治理与流通动态监测报告",
                "2021 年 第 13 期",
                "（三）国家网信办发布《互联网用户账号名称信息管理规定（征求意见",
                "稿）》",
                "10月26日，国家网信办发布。",
                "联系人：王晓方 玄卓",
                "联系电话：010-88559603",
            ]),
            CleanOptions::default(),
        );
        assert_eq!(p.len(), 7);
    }

    fn pdf_line(page: u32, x0: f32, y: f32, x1: f32, text: &str) -> Line {
        Line {
            text: text.into(),
            page: Some(page),
            bbox: Some(Rect {
                x0,
                y0: y - 12.0,
                x1,
                y1: y,
            }),
            font_size: Some(12.0),
        }
    }

    #[test]
    fn pdf_lines_become_paragraphs_across_pages() {
        let mut lines = Vec::new();
        for page in 1..=3 {
            lines.push(pdf_line(
                page,
                200.0,
                40.0,
                400.0,
                "数据治理与流通动态监测报告",
            ));
            lines.push(pdf_line(page, 290.0, 800.0, 300.0, &page.to_string()));
        }
        lines.extend([
            pdf_line(1, 124.0, 200.0, 500.0, "第一段第一行，很长很长很长"),
            pdf_line(1, 100.0, 220.0, 500.0, "第一段第二行，依然很长很长"),
            pdf_line(1, 100.0, 240.0, 300.0, "第一段结束。"),
            pdf_line(1, 124.0, 260.0, 500.0, "第二段第一行，很长很长很长"),
            pdf_line(1, 100.0, 280.0, 500.0, "第二段到页底还没有结束"),
            pdf_line(2, 100.0, 200.0, 300.0, "第二段在下一页结束。"),
            pdf_line(2, 124.0, 220.0, 500.0, "第三段，很长很长很长很长"),
            pdf_line(2, 100.0, 240.0, 200.0, "结束。"),
            pdf_line(3, 100.0, 200.0, 500.0, "一、第三页的标题"),
        ]);
        lines.sort_by(|a, b| {
            (a.page, a.bbox.unwrap().y1 as i32).cmp(&(b.page, b.bbox.unwrap().y1 as i32))
        });
        let extracted = Extracted {
            pages: Some(3),
            page_heights: vec![842.0; 3],
            lines,
            ..Extracted::default()
        };
        let p = paragraphs(&extracted, CleanOptions::default());
        assert_eq!(
            texts(&p),
            vec![
                "数据治理与流通动态监测报告",
                "第一段第一行，很长很长很长第一段第二行，依然很长很长第一段结束。",
                "第二段第一行，很长很长很长第二段到页底还没有结束第二段在下一页结束。",
                "第三段，很长很长很长很长结束。",
                "一、第三页的标题",
            ]
        );
        assert_eq!(p[2].pages, vec![1, 2]);
        let kept = paragraphs(
            &extracted,
            CleanOptions {
                keep_furniture: true,
            },
        );
        assert!(kept.iter().any(|p| p.text == "2"));
    }

    #[test]
    fn page_numbers() {
        for t in [
            "3",
            "- 3 -",
            "第 3 页",
            "3 / 10",
            "Page 3",
            "iv",
            "— 3 —",
            "－ ３ －",
            "第3页 共10页",
            "Page 3 of 10",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in [
            "一、政策法规",
            "数据治理",
            "2021 年 第 13 期",
            "第五条",
            "10月",
            // Digits of other scripts: ASCII and full-width digits only make a page number.
            "١٢",
            "३",
        ] {
            assert!(!is_page_number(t), "{t}");
        }
    }
}
