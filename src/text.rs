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
    // Most text is already in NFKC (plain ideographs and punctuation); the quick check is a table
    // lookup per character, far cheaper than running the normaliser.
    if unicode_normalization::is_nfkc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        return s.chars().filter(|c| !c.is_whitespace()).collect();
    }
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
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
