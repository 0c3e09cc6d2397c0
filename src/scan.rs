//! Line scanners: each `scan_*` function recognises one kind of bulletin line (a numbered
//! heading, a table-of-contents line, the cover's issue line, a colophon line) and returns what it
//! found, or None. They look at one line of text only; deciding what a line *is* in context is the
//! structure stage's job.

use regex::Regex;
use std::sync::LazyLock;

use crate::numerals;
use crate::text::{fold, halfwidth, halfwidth_char};

/// A numbered heading label and the text after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingLine {
    /// 1 for "一、", 2 for "（一）".
    pub level: u8,
    /// Value of the numeral.
    pub ordinal: u32,
    /// The numeral as printed.
    pub label: String,
    /// Text after the label, trimmed.
    pub title: String,
}

/// Where the parts of a numbered heading are in a line: its level, the numeral, and the title
/// (byte ranges into the line).
struct HeadingParts {
    level: u8,
    label: std::ops::Range<usize>,
    title: std::ops::Range<usize>,
}

/// Reads "一、标题" (level 1: numeral, then 、，or ．) or "（一）标题" / "(一). 标题" (level 2) by
/// hand: these run on every line, and a capturing regex costs far more than this walk.
fn heading_parts(line: &str) -> Option<HeadingParts> {
    // Offsets are taken from what remains, so `at` maps a remainder back to the line.
    let at = |rest: &str| line.len() - rest.len();
    let rest = line.trim_start();
    let (level, rest) = match rest.strip_prefix(['（', '(']) {
        Some(after_bracket) => (2, after_bracket.trim_start()),
        None => (1, rest),
    };
    let numeral_len: usize = rest
        .chars()
        .take_while(|&c| numerals::is_numeral_char(c))
        .map(char::len_utf8)
        .sum();
    let numeral_chars = rest[..numeral_len].chars().count();
    if !(1..=3).contains(&numeral_chars) {
        return None;
    }
    let label = at(rest)..at(rest) + numeral_len;
    let rest = rest[numeral_len..].trim_start();
    let rest = if level == 1 {
        rest.strip_prefix(['、', '，', '．'])?
    } else {
        let rest = rest.strip_prefix(['）', ')'])?.trim_start();
        rest.strip_prefix(['、', '．', '.']).unwrap_or(rest)
    };
    let title = rest.trim_start().trim_end();
    // The title is one line: a line break inside it means this is not a heading line.
    if title.contains('\n') {
        return None;
    }
    let start = at(rest.trim_start());
    Some(HeadingParts {
        level,
        label,
        title: start..start + title.len(),
    })
}

/// "一、政策法规" → level 1; "（一）……" or "(一) ……" → level 2.
pub fn scan_heading(line: &str) -> Option<HeadingLine> {
    heading_at(line).map(|(heading, _)| heading)
}

/// The heading of `line` and the byte offset where its title starts.
fn heading_at(line: &str) -> Option<(HeadingLine, usize)> {
    let parts = heading_parts(line)?;
    let label = &line[parts.label];
    let heading = HeadingLine {
        level: parts.level,
        ordinal: numerals::parse(label)?,
        label: label.to_string(),
        title: line[parts.title.clone()].to_string(),
    };
    Some((heading, parts.title.start))
}

/// Whether a (trimmed) heading can start with `c`: a numeral 一…十 or an opening bracket.
fn is_heading_start(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '（' | '('
    )
}

/// One line of a table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocLine {
    /// The numbered label, when the line starts with one.
    pub heading: Option<HeadingLine>,
    /// Title text (after the label, before the leader).
    pub title: String,
    /// The printed page number, when the line ends with one.
    pub page: Option<u32>,
}

static TOC_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    // Leaders of any kind (dots, middle dots, ellipses, dashes, a tab or a run of spaces), then
    // the page number. Full-width digits are folded before matching. `toc_tail` reads the same
    // shape without the regex engine; this pattern is its fallback for unusual lines and its
    // oracle in the tests.
    Regex::new(r"^(.*?)\s*(?:[.．。·•‧・⋯…‥_\-—]{2,}\s*|\t+\s*|\s{2,})([0-9]{1,4})\s*$")
        .expect("toc pattern")
});

fn is_leader(c: char) -> bool {
    matches!(
        c,
        '.' | '．' | '。' | '·' | '•' | '‧' | '・' | '⋯' | '…' | '‥' | '_' | '-' | '—'
    )
}

/// The page-number tail of a (half-width) TOC line, as `TOC_TAIL` reads it: the byte offset where
/// the title ends and the page. Reading backwards from the end costs one pass over the tail, where
/// the pattern's capture groups make the regex engine walk the whole line several times.
fn toc_tail(line: &str) -> Option<(usize, Option<u32>)> {
    let t = line.trim_end();
    let digits = t.bytes().rev().take_while(u8::is_ascii_digit).count();
    let before_digits = &t[..t.len() - digits];
    // Lines the simple reading does not cover go to the regex: a line break (the pattern's `.`
    // stops there) or a non-ASCII digit (the pattern's `\d` is every decimal digit).
    if line.contains('\n')
        || before_digits
            .chars()
            .next_back()
            .is_some_and(char::is_numeric)
    {
        return tail_by_regex(line);
    }
    if digits == 0 || digits > 4 {
        return None;
    }
    let page = t[before_digits.len()..].parse().ok();
    // Spaces between the leader and the number, the leader, and spaces before the leader.
    let spaces_start = before_digits.trim_end().len();
    let spaces = &before_digits[spaces_start..];
    let with_leader = &before_digits[..spaces_start];
    let leader_len: usize = with_leader
        .chars()
        .rev()
        .take_while(|&c| is_leader(c))
        .map(char::len_utf8)
        .sum();
    let leader_chars = with_leader[with_leader.len() - leader_len..]
        .chars()
        .count();
    if leader_chars >= 2 {
        let title_end = with_leader[..with_leader.len() - leader_len]
            .trim_end()
            .len();
        return Some((title_end, page));
    }
    if spaces.contains('\t') || spaces.chars().nth(1).is_some() {
        return Some((spaces_start, page));
    }
    None
}

fn tail_by_regex(line: &str) -> Option<(usize, Option<u32>)> {
    let c = TOC_TAIL.captures(line)?;
    Some((c.get(1).map_or(0, |m| m.end()), c[2].parse().ok()))
}

/// A TOC line: "一、 政策法规.....3", "(二) 标题……4", or a wrapped title's second half
/// "动态更新工作的通知》........4". Returns None for lines with neither a label nor a page.
pub fn scan_toc_line(line: &str) -> Option<TocLine> {
    // Matching runs on the half-width form (full-width leaders and digits); halfwidth maps
    // character to character, so character offsets carry back to the line as printed.
    // Without a page number at the end or a label at the start, it is no TOC line; checked on the
    // printed characters (half-width folding maps "（" to "(" and "１" to "1").
    let trimmed = line.trim();
    let ends_with_page = trimmed
        .chars()
        .next_back()
        .is_some_and(|c| halfwidth_char(c).is_numeric());
    let starts_with_label = trimmed
        .chars()
        .next()
        .is_some_and(|c| is_heading_start(halfwidth_char(c)));
    if !ends_with_page && !starts_with_label {
        return None;
    }
    let normalized = halfwidth(line);
    let tail = if ends_with_page {
        toc_tail(&normalized)
    } else {
        None
    };
    let (body_end, page) = tail.unwrap_or((normalized.len(), None));
    let body = &normalized[..body_end];
    let (heading, title_start) = match heading_at(body) {
        Some((heading, start)) => (Some(heading), start),
        None if page.is_some() => (None, 0),
        None => return None,
    };
    let from = normalized[..title_start].chars().count();
    let len = normalized[title_start..body_end].chars().count();
    let title: String = line.chars().skip(from).take(len).collect();
    Some(TocLine {
        heading,
        title: title.trim().to_string(),
        page,
    })
}

/// Whether the line is the 目录 heading of a table of contents.
pub fn scan_toc_marker(line: &str) -> bool {
    // The words are at most four characters; normalisation can at most halve a count (a base
    // and a combining mark), so a line of more than eight non-space characters is something else.
    if line.chars().filter(|c| !c.is_whitespace()).nth(8).is_some() {
        return false;
    }
    matches!(fold(line).as_str(), "目录" | "目次" | "本期目录")
}

static ISSUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:([0-9]{4})\s*年\s*)?第\s*([0-9]{1,4})\s*期(?:\s*[（(]?\s*总\s*第\s*[0-9]+\s*期\s*[）)]?)?",
    )
    .expect("issue pattern")
});

/// Compiles this module's patterns now (see [`crate::warm_up`]).
pub(crate) fn warm_up() {
    LazyLock::force(&TOC_TAIL);
    LazyLock::force(&ISSUE);
}

/// The cover's issue line: "2021 年 第 13 期" → (Some(2021), 13). What follows on the same line
/// (a date, say) is left for the caller.
pub fn scan_issue_line(line: &str) -> Option<(Option<i32>, u32, usize)> {
    if !line.contains('期') {
        return None;
    }
    let normalized = halfwidth(line);
    let c = ISSUE.captures(&normalized)?;
    let year = c.get(1).and_then(|y| y.as_str().parse().ok());
    let issue = c[2].parse().ok()?;
    let consumed = c.get(0).map_or(0, |m| m.as_str().chars().count());
    Some((year, issue, consumed))
}

const COLOPHON_KEYS: &[&str] = &[
    "主办单位",
    "主办",
    "承办单位",
    "承办",
    "协办单位",
    "编辑单位",
    "编印单位",
    "编印",
    "出版单位",
    "单位简介",
    "通讯地址",
    "地址",
    "邮政编码",
    "邮编",
    "联系人",
    "联系电话",
    "电话",
    "传真",
    "网址",
    "网站",
    "电子邮件",
    "电子邮箱",
    "邮箱",
    "Email",
    "E-mail",
    "主编",
    "副主编",
    "编辑",
    "责任编辑",
    "审核",
    "审校",
    "签发",
    "印发",
    "报送",
    "发送",
    "抄送",
    "微信公众号",
    "公众号",
];

/// A colophon line "主办单位：大数据产业生态联盟…" → ("主办单位", "大数据产业生态联盟…"), with the
/// key's inner whitespace removed ("网 址" → "网址"). Known keys always count; other short CJK
/// keys only with a short value that is not a sentence, so body text ("会议指出：……。") is not
/// mistaken for one.
pub fn scan_colophon_line(line: &str) -> Option<(String, String)> {
    let (raw_key, raw_value) = line.split_once(['：', ':'])?;
    // The key is at most 14 characters (a sentence with a colon is not a key: value pair) and the
    // value one line.
    let raw_key = raw_key.trim();
    let value = raw_value.trim();
    if raw_key.is_empty() || raw_key.chars().nth(14).is_some() || value.contains('\n') {
        return None;
    }
    colophon_pair(raw_key, value)
}

/// A key and value split at the colon become a colophon pair if the key is known, or plausible
/// with a short value that is not a sentence.
fn colophon_pair(raw_key: &str, value: &str) -> Option<(String, String)> {
    let key: String = raw_key.chars().filter(|c| !c.is_whitespace()).collect();
    if key == "链接" || key.ends_with("链接") || value.is_empty() {
        return None;
    }
    let known = is_known_colophon_key(&key);
    let plausible = (2..=6).contains(&key.chars().count())
        && key
            .chars()
            .all(|c| crate::text::is_cjk(c) && !"，。、；“”《》（）".contains(c))
        && value.chars().count() <= 40
        && !crate::text::ends_sentence(value);
    (known || plausible).then_some((key, value.to_string()))
}

/// Whether a colophon key is one of the well-known ones (as opposed to merely plausible).
pub fn is_known_colophon_key(key: &str) -> bool {
    COLOPHON_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn h(level: u8, ordinal: u32, label: &str, title: &str) -> Option<HeadingLine> {
        Some(HeadingLine {
            level,
            ordinal,
            label: label.into(),
            title: title.into(),
        })
    }

    #[test]
    fn headings() {
        assert_eq!(scan_heading("一、政策法规"), h(1, 1, "一", "政策法规"));
        assert_eq!(scan_heading("一、 政策法规"), h(1, 1, "一", "政策法规"));
        assert_eq!(scan_heading("十二、其他"), h(1, 12, "十二", "其他"));
        assert_eq!(scan_heading("九十九、末"), h(1, 99, "九十九", "末"));
        assert_eq!(
            scan_heading("（一）《办法》印发"),
            h(2, 1, "一", "《办法》印发")
        );
        assert_eq!(
            scan_heading("(二) 国家网信办发布"),
            h(2, 2, "二", "国家网信办发布")
        );
        assert_eq!(scan_heading("（ 三 ） 标题"), h(2, 3, "三", "标题"));
        assert_eq!(scan_heading("一是加强监管"), None);
        assert_eq!(scan_heading("1. 总体要求"), None);
        assert_eq!(scan_heading("（1）总体要求"), None);
        assert_eq!(scan_heading("十十、错"), None);
        assert_eq!(scan_heading("一百、错"), None);
    }

    /// The heading patterns `heading_parts` replaced, kept as its oracle.
    fn scan_heading_by_regex(line: &str) -> Option<HeadingLine> {
        static LEVEL1: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\s*([一二三四五六七八九十]{1,3})\s*[、，．]\s*(.*?)\s*$").unwrap()
        });
        static LEVEL2: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\s*[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*[、．.]?\s*(.*?)\s*$")
                .unwrap()
        });
        for (level, re) in [(1u8, &*LEVEL1), (2u8, &*LEVEL2)] {
            if let Some(c) = re.captures(line) {
                let label = c[1].to_string();
                let ordinal = numerals::parse(&label)?;
                return Some(HeadingLine {
                    level,
                    ordinal,
                    label,
                    title: c[2].to_string(),
                });
            }
        }
        None
    }

    /// A small xorshift generator: the same lines on every run.
    pub(crate) fn random_lines(alphabet: &[char], count: usize, max_len: usize) -> Vec<String> {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        (0..count)
            .map(|_| {
                let len = next(max_len);
                (0..len).map(|_| alphabet[next(alphabet.len())]).collect()
            })
            .collect()
    }

    #[test]
    fn colophon_lines_agree_with_the_pattern() {
        fn by_regex(line: &str) -> Option<(String, String)> {
            static KV: LazyLock<Regex> =
                LazyLock::new(|| Regex::new(r"^\s*([^：:]{1,14}?)\s*[：:]\s*(.*?)\s*$").unwrap());
            let c = KV.captures(line)?;
            colophon_pair(&c[1], &c[2])
        }
        let alphabet: Vec<char> = "主办单位编：: \t\n链接a。".chars().collect();
        for line in random_lines(&alphabet, 300_000, 20) {
            assert_eq!(scan_colophon_line(&line), by_regex(&line), "line {line:?}");
        }
    }

    #[test]
    fn heading_parts_agree_with_the_patterns() {
        let alphabet: Vec<char> = "一二十九、，．。（(）). \t\na标".chars().collect();
        for line in random_lines(&alphabet, 300_000, 10) {
            assert_eq!(
                scan_heading(&line),
                scan_heading_by_regex(&line),
                "line {line:?}"
            );
        }
    }

    /// `toc_tail` must read every line as the `TOC_TAIL` pattern does: compared on lines built
    /// from the characters that matter (leaders, spaces, tabs, digits of both kinds, text).
    #[test]
    fn toc_tail_agrees_with_the_pattern() {
        let alphabet: Vec<char> = "目a .．…—-·\t\n 1234５٣"
            .chars()
            .chain(['\u{3000}', '标'])
            .collect();
        for line in random_lines(&alphabet, 200_000, 14) {
            assert_eq!(toc_tail(&line), tail_by_regex(&line), "line {line:?}");
        }
    }

    #[test]
    fn toc_lines_with_every_leader() {
        for line in [
            "一、 政策法规.....\t3",
            "一、政策法规……………3",
            "一、政策法规·········3",
            "一、政策法规 ........ 3",
            "一、政策法规\t3",
            "一、政策法规．．．．３",
        ] {
            let t = scan_toc_line(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(t.heading.as_ref().map(|h| h.ordinal), Some(1), "{line}");
            assert_eq!(t.title, "政策法规", "{line}");
            assert_eq!(t.page, Some(3), "{line}");
        }
    }

    #[test]
    fn toc_line_keeps_full_width_title() {
        let t = scan_toc_line("(八) 《重庆市公共数据分类分级指南(试行)》出台.....\t8").unwrap();
        assert_eq!(t.title, "《重庆市公共数据分类分级指南(试行)》出台");
        let t = scan_toc_line("（四）辽宁省发布数字辽宁发展规划 2.0 版……6").unwrap();
        assert_eq!(t.title, "辽宁省发布数字辽宁发展规划 2.0 版");
        assert_eq!(t.page, Some(6));
    }

    #[test]
    fn toc_wrapped_halves() {
        let first = scan_toc_line("(二) 国务院办公厅印发《关于做好规章集中公开并").unwrap();
        assert_eq!(first.page, None);
        assert_eq!(first.heading.unwrap().ordinal, 2);
        let second = scan_toc_line("动态更新工作的通知》..........4").unwrap();
        assert!(second.heading.is_none());
        assert_eq!(second.title, "动态更新工作的通知》");
        assert_eq!(second.page, Some(4));
        assert_eq!(scan_toc_line("普通正文，没有页码。"), None);
    }

    #[test]
    fn toc_marker() {
        assert!(scan_toc_marker("目 录"));
        assert!(scan_toc_marker("目录"));
        assert!(!scan_toc_marker("目录如下"));
    }

    #[test]
    fn issue_lines() {
        assert_eq!(
            scan_issue_line("2021 年 第 13 期").map(|t| (t.0, t.1)),
            Some((Some(2021), 13))
        );
        assert_eq!(
            scan_issue_line("２０２１年第１３期").map(|t| (t.0, t.1)),
            Some((Some(2021), 13))
        );
        assert_eq!(
            scan_issue_line("2022年第1期（总第30期）").map(|t| (t.0, t.1)),
            Some((Some(2022), 1))
        );
        assert_eq!(
            scan_issue_line("第 5 期").map(|t| (t.0, t.1)),
            Some((None, 5))
        );
        assert_eq!(scan_issue_line("第五条指出"), None);
    }

    #[test]
    fn colophon_lines() {
        assert_eq!(
            scan_colophon_line("主办单位：大数据产业生态联盟"),
            Some(("主办单位".into(), "大数据产业生态联盟".into()))
        );
        assert_eq!(
            scan_colophon_line("网 址：<https://www.bdinchina.com/>"),
            Some(("网址".into(), "<https://www.bdinchina.com/>".into()))
        );
        assert_eq!(
            scan_colophon_line("邮政编码: 100846"),
            Some(("邮政编码".into(), "100846".into()))
        );
        assert_eq!(scan_colophon_line("链接：http://a.cn"), None);
        assert_eq!(scan_colophon_line("会议指出：要加强数据安全。"), None);
        assert_eq!(scan_colophon_line("普通的一句话"), None);
    }
}
