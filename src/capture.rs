//! Capture: an entry's heading and paragraphs become the fields of the contract: text (without
//! 链接 lines), dates, links (printed and annotated), 《》 document titles, pages and id.

use crate::dates;
use crate::entries::{Context, RawEntry};
use crate::links;
use crate::model::{Entry, Paragraph, Rect};
use crate::text::join_wrapped;

/// Captures the fields of one entry of section `section`. `context.links` must be in page order
/// ([`crate::entries::split`] sees to it).
pub fn entry(raw: &RawEntry, section: u32, context: &Context<'_>) -> Entry {
    let mut paragraphs: Vec<&str> = Vec::new();
    let mut printed_links: Vec<String> = Vec::new();
    let mut pages: Vec<u32> = raw.heading.source.pages.clone();
    let mut boxes: Vec<(u32, Rect)> = raw.heading.source.boxes.clone();
    let mut i = 0;
    while i < raw.body.len() {
        let p: &Paragraph = &raw.body[i];
        pages.extend(&p.pages);
        boxes.extend(&p.boxes);
        if let Some(rest) = links::scan_link_line(&p.text) {
            // The URL may wrap onto the following line(s), or sit alone on the next line.
            let mut url = rest.to_string();
            while let Some(next) = raw.body.get(i + 1) {
                let continues = if url.is_empty() {
                    links::is_url_continuation(&next.text) || next.text.contains("://")
                } else {
                    links::is_url_continuation(&next.text) && !url.ends_with('>')
                };
                if !continues {
                    break;
                }
                url = join_wrapped(&url, next.text.trim());
                pages.extend(&next.pages);
                boxes.extend(&next.boxes);
                i += 1;
            }
            for part in url.split([' ', '\u{3000}']).filter(|s| !s.is_empty()) {
                printed_links.push(links::clean_url(part));
            }
        } else {
            paragraphs.push(p.text.trim());
        }
        i += 1;
    }
    let text = paragraphs.join("\n");
    let title = raw.heading.title.clone();

    let title_dates = dates::find(&title, context.date);
    let text_dates = dates::find(&text, context.date);
    let date = text_dates.first().map(|d| d.value.clone());
    let mut all_dates = title_dates;
    all_dates.extend(text_dates);

    let mut all_links = Vec::new();
    for url in printed_links
        .into_iter()
        .chain(annotated_links(&boxes, context))
    {
        if !url.is_empty() && !all_links.contains(&url) {
            all_links.push(url);
        }
    }

    pages.sort_unstable();
    pages.dedup();
    let id = format!(
        "{}-{}-{}-{}",
        context.year.unwrap_or(0),
        context.issue.unwrap_or(0),
        section,
        raw.heading.ordinal
    );
    Entry {
        id,
        ordinal: raw.heading.ordinal,
        label: raw.heading.label.clone(),
        documents: documents(&format!("{title}\n{text}")),
        title,
        date,
        text,
        dates: all_dates,
        links: all_links,
        pages: context.paged.then_some(pages),
    }
}

/// URIs of link annotations that sit on the entry's lines. Only the links of the pages the
/// entry spans are looked at (`context.links` is in page order), so a long document costs no more
/// per entry than a short one.
fn annotated_links(boxes: &[(u32, Rect)], context: &Context<'_>) -> Vec<String> {
    let pages = boxes.iter().map(|(page, _)| *page);
    let (Some(first), Some(last)) = (pages.clone().min(), pages.max()) else {
        return Vec::new();
    };
    let links = context.links;
    let start = links.partition_point(|link| link.page < first);
    let end = start + links[start..].partition_point(|link| link.page <= last);
    links[start..end]
        .iter()
        .filter(|link| {
            // The annotation's centre must sit on one of the entry's lines: same page, same
            // height, and (for multi-column pages) the same column.
            let cx = (link.rect.x0 + link.rect.x1) / 2.0;
            let cy = (link.rect.y0 + link.rect.y1) / 2.0;
            boxes.iter().any(|(page, b)| {
                *page == link.page
                    && (b.y0 - 1.0..=b.y1 + 1.0).contains(&cy)
                    && (b.x0 - 2.0..=b.x1 + 2.0).contains(&cx)
            })
        })
        .map(|link| link.uri.trim().to_string())
        .collect()
}

/// Titles inside 《》, brackets removed, first appearance order, no duplicates.
pub fn documents(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for inner in quoted(text) {
        let title = inner.trim();
        if !title.is_empty() && !out.iter().any(|t| t == title) {
            out.push(title.to_string());
        }
    }
    out
}

/// Longest title read between 《 and 》, in characters: a lone 《 must not swallow a paragraph.
const MAX_TITLE_CHARS: usize = 200;

/// What stands between each 《 and its 》: 1 to [`MAX_TITLE_CHARS`] characters on one line, none
/// of them a bracket (the pattern `《([^《》\n]{1,200})》`, read by hand: compiling that bounded
/// repetition of a Unicode class cost more than all the other patterns together).
fn quoted(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let open = rest.find('《')?;
            let after = &rest[open + '《'.len_utf8()..];
            let mut chars = 0;
            let stop = after.char_indices().find(|&(_, c)| {
                chars += 1;
                matches!(c, '《' | '》' | '\n')
            });
            match stop {
                Some((end, '》')) if (2..=MAX_TITLE_CHARS + 1).contains(&chars) => {
                    rest = &after[end + '》'.len_utf8()..];
                    return Some(&after[..end]);
                }
                // No title here; a 《 that stopped the run may open the next one.
                Some((end, _)) => rest = &after[end..],
                None => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::Heading;

    fn para(text: &str) -> Paragraph {
        Paragraph {
            text: text.into(),
            ..Paragraph::default()
        }
    }

    fn raw(title: &str, body: &[&str]) -> RawEntry {
        RawEntry {
            heading: Heading {
                level: 2,
                ordinal: 3,
                label: "三".into(),
                title: title.into(),
                source: para(title),
            },
            body: body.iter().map(|t| para(t)).collect(),
        }
    }

    fn context() -> Context<'static> {
        Context {
            year: Some(2021),
            issue: Some(13),
            date: dates::Date::new(2021, 11, 1),
            paged: false,
            links: &[],
        }
    }

    #[test]
    fn fields_of_an_entry() {
        let e = entry(
            &raw(
                "国家网信办发布《互联网用户账号名称信息管理规定（征求意见稿）》",
                &[
                    "10月26日，国家网信办发布《互联网用户账号名称信息管理规定（征求意见稿）》（以下简称《意见稿》），对2015年3月1日正式施行的规定进行了修订。",
                    "《意见稿》规定，……。",
                    "链接：<http://news.cyol.com/gb/articles/2021-10/26/content_AxZLZIz0o.html>",
                ],
            ),
            1,
            &context(),
        );
        assert_eq!(e.id, "2021-13-1-3");
        assert_eq!(e.date.as_deref(), Some("2021-10-26"));
        assert_eq!(
            e.dates.iter().map(|d| d.value.as_str()).collect::<Vec<_>>(),
            ["2021-10-26", "2015-03-01"]
        );
        assert_eq!(
            e.links,
            ["http://news.cyol.com/gb/articles/2021-10/26/content_AxZLZIz0o.html"]
        );
        assert_eq!(
            e.documents,
            ["互联网用户账号名称信息管理规定（征求意见稿）", "意见稿"]
        );
        assert!(!e.text.contains("链接"));
        assert_eq!(e.text.lines().count(), 2);
        assert_eq!(e.pages, None);
    }

    #[test]
    fn wrapped_and_separate_urls() {
        let e = entry(
            &raw(
                "标题",
                &[
                    "正文。",
                    "链接：http://www.shanxi.gov.cn/sxszfxxgk/sxsrmzfczm/",
                    "202110/t20211019_941227.shtml",
                ],
            ),
            2,
            &context(),
        );
        assert_eq!(
            e.links,
            ["http://www.shanxi.gov.cn/sxszfxxgk/sxsrmzfczm/202110/t20211019_941227.shtml"]
        );
        let e = entry(
            &raw("标题", &["正文。", "链接：", "https://a.cn/x"]),
            2,
            &context(),
        );
        assert_eq!(e.links, ["https://a.cn/x"]);
        assert_eq!(e.text, "正文。");
    }

    #[test]
    fn quoted_titles_agree_with_the_pattern() {
        let pattern = regex::Regex::new(r"《([^《》\n]{1,200})》").unwrap();
        // Mostly title characters, so that runs longer than the 200-character limit occur.
        let mut alphabet = vec!['《', '》', '\n'];
        alphabet.extend(std::iter::repeat_n(['文', 'a', ' '], 30).flatten());
        let mut lines = crate::scan::tests::random_lines(&alphabet, 20_000, 700);
        lines.extend(["《》", "《《a》", "a《b《c》》d", "《\n》", "《x"].map(String::from));
        lines.push(format!("《{}》《{}》", "文".repeat(200), "文".repeat(201)));
        for line in &lines {
            let expected: Vec<&str> = pattern
                .captures_iter(line)
                .map(|c| c.get(1).map_or("", |m| m.as_str()))
                .collect();
            assert_eq!(quoted(line).collect::<Vec<_>>(), expected, "{line:?}");
        }
    }

    #[test]
    fn documents_deduplicated_in_order() {
        assert_eq!(
            documents("《办法》称，《广东省公共数据管理办法》和《办法》"),
            ["办法", "广东省公共数据管理办法"]
        );
    }

    #[test]
    fn annotated_links_are_those_on_the_entry_lines() {
        use crate::model::PageLink;
        let rect = |x0: f32, y0: f32, x1: f32, y1: f32| Rect { x0, y0, x1, y1 };
        let link = |page: u32, r: Rect, uri: &str| PageLink {
            page,
            rect: r,
            uri: uri.into(),
        };
        // Pseudo-random links on 30 pages, in page order as extraction gives them, and entries
        // whose lines sit on a few pages: the links found must be the ones the plain scan of
        // every link finds, in the same order.
        let mut seed = 7u32;
        let mut next = move |m: u32| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % m
        };
        let mut links = Vec::new();
        for page in 1..=30 {
            for k in 0..next(4) {
                let y = (next(20) * 30) as f32;
                let x = (next(4) * 100) as f32;
                links.push(link(
                    page,
                    rect(x, y, x + 60.0, y + 10.0),
                    &format!("u{page}-{k}"),
                ));
            }
        }
        let context = Context {
            paged: true,
            links: &links,
            ..context()
        };
        let mut found = 0;
        for _ in 0..300 {
            let first = 1 + next(30);
            let boxes: Vec<(u32, Rect)> = (0..1 + next(6))
                .map(|_| {
                    let y = (next(20) * 30) as f32;
                    (
                        first + next(3),
                        rect(0.0, y, 200.0 + (next(3) * 100) as f32, y + 12.0),
                    )
                })
                .collect();
            let every: Vec<String> = links
                .iter()
                .filter(|l| {
                    let (cx, cy) = ((l.rect.x0 + l.rect.x1) / 2.0, (l.rect.y0 + l.rect.y1) / 2.0);
                    boxes.iter().any(|(p, b)| {
                        *p == l.page
                            && b.y0 - 1.0 <= cy
                            && cy <= b.y1 + 1.0
                            && b.x0 - 2.0 <= cx
                            && cx <= b.x1 + 2.0
                    })
                })
                .map(|l| l.uri.clone())
                .collect();
            found += every.len();
            assert_eq!(annotated_links(&boxes, &context), every, "{boxes:?}");
        }
        // The generated cases do find links, on one page and on several.
        assert!(found > 50, "{found}");
        assert!(annotated_links(&[], &context).is_empty());
    }
}
