//! Structure: paragraphs become an [`Outline`]: cover metadata, the table of contents, the body
//! as a sequence of headings and paragraphs, and the trailing colophon.
//!
//! The rules are those of this family of bulletins, not of one issue: the cover's issue line
//! "YYYY 年 第 N 期" (title before it, date after it), an optional 目录 with leaders and page
//! numbers, level-1 headings "一、" and level-2 headings "（一）", and a key：value colophon at
//! the end. When a TOC is there it says which numbered lines are headings and where a wrapped
//! heading ends; without one, the numbering sequence and the shape of the line decide.

use crate::dates::{self, Date};
use crate::model::{Bulletin, Paragraph, TocEntry, Warning};
use crate::scan::{self, HeadingLine};
use crate::text::{char_len, ends_sentence, fold};

/// A heading found in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// 1 for "一、", 2 for "（一）".
    pub level: u8,
    /// Value of the numeral.
    pub ordinal: u32,
    /// The numeral as printed.
    pub label: String,
    /// The heading's title, wrapped lines joined.
    pub title: String,
    /// The paragraph(s) the heading was read from, for pages and positions.
    pub source: Paragraph,
}

/// One element of the body, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A numbered heading.
    Heading(Heading),
    /// Anything else.
    Paragraph(Paragraph),
}

/// The bulletin's structure, before it is split into entries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outline {
    /// Cover metadata (publisher is filled from the colophon).
    pub bulletin: Bulletin,
    /// The bulletin's date, when the cover has one.
    pub date: Option<Date>,
    /// Table of contents as printed.
    pub toc: Vec<TocEntry>,
    /// Headings and paragraphs between the TOC (or cover) and the colophon.
    pub body: Vec<Block>,
    /// The colophon's key：value pairs, in printed order.
    pub colophon: Vec<(String, String)>,
    /// Structural problems noticed on the way.
    pub warnings: Vec<Warning>,
}

/// Reads the structure of a bulletin from its paragraphs.
pub fn outline(paragraphs: &[Paragraph]) -> Outline {
    let mut out = Outline::default();
    let (cover_end, toc_start) = read_cover(paragraphs, &mut out);
    let colophon_start = find_colophon(paragraphs, cover_end, &mut out);
    let body_start = match toc_start {
        Some(start) => read_toc(paragraphs, start, colophon_start, &mut out),
        None => cover_end,
    };
    out.body = read_body(&paragraphs[body_start..colophon_start], &out.toc);
    out
}

/// Finds the issue line, the title before it and the date after it. Returns the index where the
/// cover ends and, when a 目录 (or a first line that looks like a TOC line) follows, where the TOC
/// starts.
fn read_cover(paragraphs: &[Paragraph], out: &mut Outline) -> (usize, Option<usize>) {
    // The cover is short: look in the first lines, before the first heading or TOC.
    let window = paragraphs.len().min(40);
    let issue_at = paragraphs[..window]
        .iter()
        .position(|p| scan::scan_issue_line(&p.text).is_some());
    let mut cover_end = 0;
    if let Some(i) = issue_at {
        let (year, issue, consumed) =
            scan::scan_issue_line(&paragraphs[i].text).unwrap_or_default();
        out.bulletin.issue = Some(issue);
        out.bulletin.year = year;
        let title: String = paragraphs[..i]
            .iter()
            .map(|p| p.text.trim())
            .filter(|t| t.chars().any(char::is_alphanumeric) && !is_cover_marking(t))
            .collect::<Vec<_>>()
            .join("");
        out.bulletin.title = (!title.is_empty()).then_some(title);
        cover_end = i + 1;
        // The date: on the issue line after the issue, or on one of the next lines.
        let rest: String = paragraphs[i].text.chars().skip(consumed).collect();
        let mut date = dates::parse_full_line(&rest);
        for (k, p) in paragraphs.iter().enumerate().skip(i + 1).take(3) {
            if date.is_some() {
                break;
            }
            if let Some(d) = dates::parse_full_line(&p.text) {
                date = Some(d);
                cover_end = k + 1;
            }
        }
        if let Some(d) = date {
            out.bulletin.date = Some(d.iso());
            out.bulletin.year = out.bulletin.year.or(Some(d.year));
            out.date = Some(d);
        }
    } else {
        out.warnings.push(Warning::new(
            "no_cover",
            "no issue line (\"YYYY 年 第 N 期\") near the start: title, year, issue and date unknown",
        ));
    }
    // Decorations between the cover and what follows (★, rules) belong to the cover.
    while cover_end < paragraphs.len()
        && !paragraphs[cover_end]
            .text
            .chars()
            .any(char::is_alphanumeric)
    {
        cover_end += 1;
    }
    let toc_start = find_toc_start(&paragraphs[cover_end..]).map(|k| cover_end + k);
    (cover_end, toc_start)
}

/// Distribution and secrecy marks printed on covers ("内部资料 注意保存", "秘密★"), which are not
/// part of the bulletin's name.
fn is_cover_marking(line: &str) -> bool {
    const MARKS: &[&str] = &[
        "内部资料",
        "注意保存",
        "内部刊物",
        "内部参考",
        "仅供参考",
        "请勿外传",
        "不得外传",
        "注意保密",
        "秘密",
        "机密",
        "绝密",
        "内部发行",
        "内部交流",
    ];
    MARKS.iter().any(|m| line.contains(m))
}

/// Where the TOC's first line is, relative to `after_cover`: after a 目录 heading (also when it is
/// letter-spaced over two lines, "目" / "录"), or, without a heading, at a first numbered line that
/// carries a page number.
fn find_toc_start(after_cover: &[Paragraph]) -> Option<usize> {
    let window = &after_cover[..after_cover.len().min(10)];
    for (k, p) in window.iter().enumerate() {
        if scan::scan_toc_marker(&p.text) {
            return Some(k + 1);
        }
        if let Some(next) = window.get(k + 1) {
            let pair = format!("{}{}", p.text.trim(), next.text.trim());
            if char_len(p.text.trim()) == 1 && scan::scan_toc_marker(&pair) {
                return Some(k + 2);
            }
        }
        if scan::scan_heading(&p.text).is_some() {
            let toc_like = scan::scan_toc_line(&p.text).is_some_and(|t| t.page.is_some());
            return toc_like.then_some(k);
        }
    }
    None
}

/// Reads TOC lines from `start`; returns the index of the first paragraph after the TOC.
fn read_toc(paragraphs: &[Paragraph], start: usize, end: usize, out: &mut Outline) -> usize {
    let mut i = start;
    while i < end {
        let Some(line) = scan::scan_toc_line(&paragraphs[i].text) else {
            break;
        };
        let Some(heading) = line.heading else {
            break;
        };
        let mut title = line.title;
        let mut page = line.page;
        let mut next = i + 1;
        // A title wrapped over two lines: the label on the first, the page on the second.
        if page.is_none() {
            match paragraphs[..end]
                .get(i + 1)
                .and_then(|p| scan::scan_toc_line(&p.text))
            {
                Some(tail) if tail.heading.is_none() && tail.page.is_some() => {
                    title = crate::text::join_wrapped(&title, &tail.title);
                    page = tail.page;
                    next = i + 2;
                }
                // A numbered line without a page that does not continue: the body has begun.
                _ => break,
            }
        }
        out.toc.push(TocEntry {
            level: heading.level,
            ordinal: heading.ordinal,
            label: heading.label,
            title: title.trim().to_string(),
            page,
        });
        i = next;
    }
    if out.toc.is_empty() {
        out.warnings.push(Warning::new(
            "toc_empty",
            "a 目录 heading is followed by no table-of-contents lines",
        ));
    }
    i
}

/// Finds the trailing key：value block; returns the index where it starts (the body's end).
fn find_colophon(paragraphs: &[Paragraph], body_start: usize, out: &mut Outline) -> usize {
    let mut start = paragraphs.len();
    while start > body_start {
        let p = &paragraphs[start - 1];
        if scan::scan_colophon_line(&p.text).is_some() {
            start -= 1;
        } else {
            break;
        }
    }
    let pairs: Vec<(String, String)> = paragraphs[start..]
        .iter()
        .filter_map(|p| scan::scan_colophon_line(&p.text))
        .collect();
    // Two unknown keys in a row could be the end of an entry; one well-known key makes it a colophon.
    if pairs.iter().any(|(k, _)| scan::is_known_colophon_key(k)) {
        out.colophon = pairs;
        start
    } else {
        paragraphs.len()
    }
}

/// Splits the body into headings and paragraphs.
fn read_body(paragraphs: &[Paragraph], toc: &[TocEntry]) -> Vec<Block> {
    let mut blocks = Vec::with_capacity(paragraphs.len());
    let mut state = Numbering::default();
    let mut i = 0;
    while i < paragraphs.len() {
        let p = &paragraphs[i];
        let candidate = scan::scan_heading(&p.text)
            .filter(|h| !h.title.is_empty() || next_is_title(paragraphs, i));
        let Some(candidate) = candidate else {
            blocks.push(Block::Paragraph(p.clone()));
            i += 1;
            continue;
        };
        let toc_match = find_in_toc(toc, &candidate, &state);
        let accepted = match toc_match {
            Some(_) => true,
            None => state.fits(&candidate) && looks_like_heading(&candidate.title),
        };
        if !accepted {
            blocks.push(Block::Paragraph(p.clone()));
            i += 1;
            continue;
        }
        let (title, source, used) = join_heading(paragraphs, i, &candidate, toc_match);
        state.record(&candidate);
        blocks.push(Block::Heading(Heading {
            level: candidate.level,
            ordinal: candidate.ordinal,
            label: candidate.label,
            title,
            source,
        }));
        i += used;
    }
    blocks
}

/// A heading label with nothing after it, its title on the next line.
fn next_is_title(paragraphs: &[Paragraph], i: usize) -> bool {
    paragraphs
        .get(i + 1)
        .is_some_and(|p| looks_like_heading(&p.text) && scan::scan_heading(&p.text).is_none())
}

/// Where the numbering stands, to tell headings from numbered items in the text.
#[derive(Debug, Default)]
struct Numbering {
    level1: u32,
    level2: u32,
    seen_level1: bool,
}

impl Numbering {
    /// A heading that continues the numbering: the next number, or a restart at 1 for level 2
    /// after a level-1 heading. Gaps of one are tolerated (the warning stage reports them).
    fn fits(&self, h: &HeadingLine) -> bool {
        match h.level {
            1 => h.ordinal > self.level1 && h.ordinal <= self.level1 + 2,
            _ => h.ordinal > self.level2 && h.ordinal <= self.level2 + 2,
        }
    }

    fn record(&mut self, h: &HeadingLine) {
        if h.level == 1 {
            self.level1 = h.ordinal;
            self.level2 = 0;
            self.seen_level1 = true;
        } else {
            self.level2 = h.ordinal;
        }
    }
}

/// A heading's title is a phrase, not a sentence: it does not end with 。；： and is not long.
fn looks_like_heading(title: &str) -> bool {
    let t = title.trim();
    !t.is_empty() && !ends_sentence(t) && !t.ends_with('，') && char_len(t) <= 80
}

/// The TOC entry this candidate heading corresponds to: same level and number, in the part of
/// the TOC that belongs to the current level-1 section, and a title that agrees (the candidate
/// may be only the first line of a wrapped title).
fn find_in_toc<'a>(
    toc: &'a [TocEntry],
    h: &HeadingLine,
    state: &Numbering,
) -> Option<&'a TocEntry> {
    let mut section = 0;
    let title = fold(&h.title);
    for entry in toc {
        if entry.level == 1 {
            section = entry.ordinal;
        }
        let same_place = entry.level == h.level
            && entry.ordinal == h.ordinal
            && (h.level == 1 || section == state.level1 || !state.seen_level1);
        if !same_place {
            continue;
        }
        let toc_title = fold(&entry.title);
        if title.is_empty() || toc_title.starts_with(&title) || title.starts_with(&toc_title) {
            return Some(entry);
        }
    }
    None
}

/// Joins the heading's title with the lines it wrapped onto. Returns the title, the paragraph it
/// came from (merged) and how many paragraphs it used.
fn join_heading(
    paragraphs: &[Paragraph],
    i: usize,
    h: &HeadingLine,
    toc: Option<&TocEntry>,
) -> (String, Paragraph, usize) {
    let mut title = h.title.clone();
    let mut source = paragraphs[i].clone();
    let mut used = 1;
    while let Some(next) = paragraphs.get(i + used) {
        let joined = crate::text::join_wrapped(&title, &next.text);
        let take = match toc {
            Some(entry) => {
                let want = fold(&entry.title);
                let have = fold(&title);
                have.len() < want.len() && want.starts_with(&fold(&joined))
            }
            // A title wraps over a few lines at most; more is body text.
            None => used <= 3 && (title.is_empty() || wraps_without_toc(&title, &next.text)),
        };
        if !take {
            break;
        }
        title = joined;
        source.text = crate::text::join_wrapped(&source.text, &next.text);
        source.absorb_provenance(next);
        used += 1;
    }
    (title.trim().to_string(), source, used)
}

/// Without a TOC: the heading continues on the next line when its brackets are still open, or
/// when the next line is a short fragment that is neither a sentence nor a numbered line.
fn wraps_without_toc(title: &str, next: &str) -> bool {
    if scan::scan_heading(next).is_some() || ends_sentence(title) {
        return false;
    }
    let open = |o: char, c: char| {
        title.chars().filter(|&x| x == o).count() > title.chars().filter(|&x| x == c).count()
    };
    let unbalanced = open('《', '》') || open('（', '）') || open('(', ')') || open('“', '”');
    let fragment = char_len(next.trim()) <= 12
        && !ends_sentence(next)
        && !next.contains(['，', '。'])
        && char_len(title) >= 15;
    unbalanced && char_len(next.trim()) <= 40 || fragment
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(lines: &[&str]) -> Vec<Paragraph> {
        lines
            .iter()
            .map(|t| Paragraph {
                text: t.to_string(),
                ..Paragraph::default()
            })
            .collect()
    }

    fn headings(o: &Outline) -> Vec<(u8, u32, String)> {
        o.body
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some((h.level, h.ordinal, h.title.clone())),
                Block::Paragraph(_) => None,
            })
            .collect()
    }

    #[test]
    fn cover_with_and_without_spaces() {
        for (issue, date) in [
            ("2021 年 第 13 期", "2021 年 11 月 01 日"),
            ("2021年第13期", "2021年11月1日"),
            ("２０２１年第１３期", "２０２１年１１月１日"),
        ] {
            let o = outline(&paras(&[
                "数据治理与流通",
                "动态监测报告",
                issue,
                date,
                "一、政策法规",
            ]));
            assert_eq!(
                o.bulletin.title.as_deref(),
                Some("数据治理与流通动态监测报告")
            );
            assert_eq!(o.bulletin.year, Some(2021));
            assert_eq!(o.bulletin.issue, Some(13));
            assert_eq!(o.bulletin.date.as_deref(), Some("2021-11-01"));
        }
    }

    #[test]
    fn toc_with_wrapped_title_and_body_headings() {
        let o = outline(&paras(&[
            "简报",
            "2021年第1期",
            "2021年1月5日",
            "目 录",
            "一、 政策法规.....3",
            "(一) 国务院办公厅印发《关于做好规章集中公开并",
            "动态更新工作的通知》........3",
            "(二) 短标题……3",
            "一、政策法规",
            "（一）国务院办公厅印发《关于做好规章集中公开并动态",
            "更新工作的通知》",
            "正文。",
            "（二）短标题",
            "正文二。",
        ]));
        assert_eq!(o.toc.len(), 3);
        assert_eq!(
            o.toc[1].title,
            "国务院办公厅印发《关于做好规章集中公开并动态更新工作的通知》"
        );
        assert_eq!(o.toc[1].page, Some(3));
        assert_eq!(
            headings(&o),
            vec![
                (1, 1, "政策法规".to_string()),
                (
                    2,
                    1,
                    "国务院办公厅印发《关于做好规章集中公开并动态更新工作的通知》".to_string()
                ),
                (2, 2, "短标题".to_string()),
            ]
        );
    }

    #[test]
    fn numbered_items_in_text_are_not_headings() {
        let o = outline(&paras(&[
            "简报",
            "2021年第1期",
            "一、政策法规",
            "（一）第一条新闻",
            "要求如下：",
            "（一）加强组织领导；",
            "（二）完善制度建设；",
            "一是加强监管，二是完善制度。",
            "1. 总体要求",
            "（二）第二条新闻",
            "正文。",
        ]));
        assert_eq!(
            headings(&o),
            vec![
                (1, 1, "政策法规".to_string()),
                (2, 1, "第一条新闻".to_string()),
                (2, 2, "第二条新闻".to_string()),
            ]
        );
    }

    #[test]
    fn heading_wrap_without_toc() {
        let o = outline(&paras(&[
            "简报",
            "2021年第1期",
            "一、政策法规",
            "（一）国家网信办发布《互联网用户账号名称信息管理规定（征求意见",
            "稿）》",
            "10月26日，国家网信办发布。",
        ]));
        assert_eq!(
            headings(&o)[1].2,
            "国家网信办发布《互联网用户账号名称信息管理规定（征求意见稿）》"
        );
    }

    #[test]
    fn colophon_at_the_end() {
        let o = outline(&paras(&[
            "简报",
            "2021年第1期",
            "一、政策法规",
            "（一）标题",
            "正文。",
            "主办单位：某某联盟",
            "网 址：<https://a.cn/>",
            "邮政编码：100846",
        ]));
        assert_eq!(
            o.colophon,
            vec![
                ("主办单位".to_string(), "某某联盟".to_string()),
                ("网址".to_string(), "<https://a.cn/>".to_string()),
                ("邮政编码".to_string(), "100846".to_string()),
            ]
        );
        assert_eq!(o.body.len(), 3);
    }

    #[test]
    fn cover_markings_are_not_the_title() {
        let o = outline(&paras(&[
            "内部资料　注意保存",
            "数字政府建设动态",
            "2023年第4期",
            "一、动态",
        ]));
        assert_eq!(o.bulletin.title.as_deref(), Some("数字政府建设动态"));
    }

    #[test]
    fn no_colophon_no_toc() {
        let o = outline(&paras(&[
            "简报",
            "2021年第1期",
            "一、动态",
            "（一）标题",
            "正文。",
        ]));
        assert!(o.colophon.is_empty());
        assert!(o.toc.is_empty());
        assert_eq!(headings(&o).len(), 2);
    }
}
