//! URLs: the "链接：<url>" lines that close an entry, and checks that a URL is well formed.

use regex::Regex;
use std::sync::LazyLock;

use crate::text::halfwidth;

static LINK_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:原文|相关|详情|来源)?链接\s*[：:]\s*(.*)$").expect("link pattern compiles")
});

/// If `line` is a 链接 line, the URL text that follows the label (may be empty when the URL is on
/// the next line, or partial when it wraps).
pub fn scan_link_line(line: &str) -> Option<&str> {
    if !line.contains("链接") {
        return None;
    }
    LINK_LINE
        .captures(line)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim())
}

/// Whether `line` could continue a URL broken at the end of the previous line: no CJK, no inner
/// spaces, only characters that occur in URLs.
pub fn is_url_continuation(line: &str) -> bool {
    let half = halfwidth(line);
    let t = half.trim();
    !t.is_empty()
        && !t.contains(char::is_whitespace)
        && !t.contains("://")
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%<>".contains(c))
}

/// The URL in a piece of link text: angle brackets and full-width punctuation undone.
pub fn clean_url(raw: &str) -> String {
    let t = halfwidth(raw.trim());
    let t = t.trim_start_matches('<').trim_end_matches('>');
    let t = t.trim_end_matches(['。', '；', ';', '，', ',']);
    t.trim().to_string()
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:https?|ftp)://[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[/?#][\x21-\x7E]*)?$")
        .expect("url pattern compiles")
});

/// Compiles this module's patterns now (see [`crate::warm_up`]).
pub(crate) fn warm_up() {
    LazyLock::force(&LINK_LINE);
    LazyLock::force(&URL);
}

/// Whether `url` looks like a usable absolute http(s)/ftp URL.
pub fn is_well_formed(url: &str) -> bool {
    URL.is_match(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_lines() {
        assert_eq!(
            scan_link_line("链接：<https://mp.weixin.qq.com/s/66m8fj9LErCEnRggAsTChg>"),
            Some("<https://mp.weixin.qq.com/s/66m8fj9LErCEnRggAsTChg>")
        );
        assert_eq!(scan_link_line("链接: http://a.cn/x"), Some("http://a.cn/x"));
        assert_eq!(
            scan_link_line("原文链接：http://a.cn/x"),
            Some("http://a.cn/x")
        );
        assert_eq!(scan_link_line("链接："), Some(""));
        assert_eq!(scan_link_line("相关链接内容很多。"), None);
    }

    #[test]
    fn urls_are_cleaned() {
        assert_eq!(clean_url("<https://a.cn/x>"), "https://a.cn/x");
        assert_eq!(clean_url("ｈｔｔｐ：／／a.cn"), "http://a.cn");
        assert_eq!(clean_url(" http://a.cn/x。"), "http://a.cn/x");
    }

    #[test]
    fn continuation_lines() {
        assert!(is_url_continuation("202110/t20211019_941227.shtml"));
        assert!(is_url_continuation("４２９６４５６．ｈｔｍｌ"));
        assert!(!is_url_continuation("二、地方发展"));
        assert!(!is_url_continuation("see below"));
        assert!(!is_url_continuation("http://other.cn/"));
    }

    #[test]
    fn well_formed() {
        assert!(is_well_formed(
            "http://www.gov.cn/zhengce/content/2021-10/29/content_5647246.htm"
        ));
        assert!(is_well_formed("https://www.bdinchina.com/"));
        assert!(!is_well_formed("http//www.gov.cn"));
        assert!(!is_well_formed("https://"));
        assert!(!is_well_formed("http://www.gov.cn/a b"));
    }
}
