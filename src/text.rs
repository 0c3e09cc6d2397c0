//! Small text predicates shared by the stages: CJK tests, punctuation, folding for comparison.

use unicode_normalization::UnicodeNormalization;

/// Whether `c` is a CJK ideograph or CJK punctuation/full-width form, i.e. a character that is
/// written without spaces around it.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // kana
        | 0x3400..=0x4DBF    // ext A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // compatibility forms
        | 0xFF00..=0xFFEF    // full-width forms
        | 0x20000..=0x3FFFF) // ext B and later
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

/// Whether a paragraph ending in `c` is finished (sentence-final punctuation, possibly followed by
/// a closing quote or bracket).
pub fn ends_sentence(s: &str) -> bool {
    let trimmed = s.trim_end();
    let mut chars = trimmed.chars().rev();
    let mut last = chars.next();
    // Look through closing quotes and brackets: “……。” ends a sentence.
    while let Some(c) = last {
        if matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '"' | '\'') {
            last = chars.next();
        } else {
            break;
        }
    }
    matches!(
        last,
        Some('。' | '！' | '？' | '；' | '!' | '?' | ';' | '：' | ':' | '…')
    )
}

/// NFKC, then every whitespace character removed: the form in which titles are compared.
pub fn fold(s: &str) -> String {
    // Bulletin text is almost all ideographs, ASCII and full-width punctuation, whose NFKC forms
    // are known one character at a time; the normaliser (far slower) runs only for the rest.
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match nfkc_simple(c) {
            Some(f) if !f.is_whitespace() => out.push(f),
            Some(_) => {}
            None => return s.nfkc().filter(|c| !c.is_whitespace()).collect(),
        }
    }
    out
}

/// The NFKC form of `c` when it is a single character that no neighbour can combine with: ASCII,
/// the unified ideographs, full-width ASCII and the ideographic space, and the CJK punctuation
/// and quotation marks that normalisation leaves alone. None for anything else.
fn nfkc_simple(c: char) -> Option<char> {
    match c as u32 {
        0x00..=0x7F | 0x4E00..=0x9FFF | 0x3001..=0x3035 | 0x303B..=0x303F => Some(c),
        0x2014 | 0x2018..=0x201D | 0xB7 => Some(c),
        0x3000 | 0xFF01..=0xFF5E => Some(halfwidth_char(c)),
        _ => None,
    }
}

/// `s` with full-width ASCII (digits, letters, punctuation) mapped to ASCII.
pub fn halfwidth(s: &str) -> String {
    s.chars().map(halfwidth_char).collect()
}

/// One full-width ASCII character mapped to ASCII; other characters unchanged.
pub fn halfwidth_char(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

/// Joins two pieces of a wrapped line: no space between CJK characters or inside a URL, one space
/// between Latin words.
pub fn join_wrapped(left: &str, right: &str) -> String {
    let left = left.trim_end();
    let right = right.trim_start();
    let mut out = String::with_capacity(left.len() + right.len() + 1);
    out.push_str(left);
    if needs_space(left, right) {
        out.push(' ');
    }
    out.push_str(right);
    out
}

/// Appends a wrapped line's continuation to `left` in place (see [`join_wrapped`]); amortised
/// linear, so a paragraph of many lines costs no more than its length.
pub fn append_wrapped(left: &mut String, right: &str) {
    let kept = left.trim_end().len();
    left.truncate(kept);
    let right = right.trim_start();
    if needs_space(left, right) {
        left.push(' ');
    }
    left.push_str(right);
}

fn needs_space(left: &str, right: &str) -> bool {
    let (Some(a), Some(b)) = (left.chars().next_back(), right.chars().next()) else {
        return false;
    };
    if is_cjk(a) || is_cjk(b) {
        return false;
    }
    // A URL broken at the margin continues without a space.
    let last_word = left.rsplit(char::is_whitespace).next().unwrap_or("");
    if last_word.contains("://") || last_word.starts_with("www.") {
        return false;
    }
    a.is_alphanumeric() && b.is_alphanumeric() || matches!(a, ',' | '.' | ';' | ':')
}

/// Number of characters (not bytes).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_nfkc_forms_are_the_normaliser_s() {
        let simple: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| nfkc_simple(c).is_some())
            .collect();
        assert!(simple.len() > 20_000);
        for &c in &simple {
            let normalised: String = c.to_string().nfkc().collect();
            assert_eq!(normalised, nfkc_simple(c).unwrap().to_string(), "{c:?}");
        }
        // Next to every kind of neighbour, simple or not, the fast path and the normaliser agree.
        let neighbours = [
            'a', '\u{301}', '\u{3099}', 'ｶ', '…', '⽬', '中', '（', '\u{1100}', '\u{1161}',
        ];
        for &c in simple.iter().step_by(37) {
            for &n in &neighbours {
                for s in [format!("{c}{n}"), format!("{n}{c}")] {
                    let slow: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
                    assert_eq!(fold(&s), slow, "{s:?}");
                }
            }
        }
    }

    #[test]
    fn sentence_endings() {
        assert!(ends_sentence("正式成立。"));
        assert!(ends_sentence("“零跑动为常态。”"));
        assert!(ends_sentence("包括：（一）；"));
        assert!(!ends_sentence("利用三年左右时间，算法"));
        assert!(!ends_sentence(
            "《互联网用户账号名称信息管理规定（征求意见稿）》"
        ));
        assert!(!ends_sentence(""));
    }

    #[test]
    fn folding_matches_toc_and_body_forms() {
        assert_eq!(fold("指南(试行)"), fold("指南（试行）"));
        assert_eq!(fold("规划 2.0 版"), fold("规划2.0版"));
        assert_ne!(fold("规划"), fold("规定"));
    }

    #[test]
    fn wrapped_lines_join() {
        assert_eq!(join_wrapped("安全", "风险"), "安全风险");
        assert_eq!(
            join_wrapped("the quick", "brown fox"),
            "the quick brown fox"
        );
        assert_eq!(
            join_wrapped("http://www.shanxi.gov.cn/sxszfxxgk/", "t2021.shtml"),
            "http://www.shanxi.gov.cn/sxszfxxgk/t2021.shtml"
        );
        assert_eq!(join_wrapped("2.0", "版"), "2.0版");
        let mut s = String::from("the quick ");
        append_wrapped(&mut s, " brown");
        assert_eq!(s, "the quick brown");
    }

    #[test]
    fn full_width_digits() {
        assert_eq!(halfwidth("１０月２９日"), "10月29日");
    }
}
