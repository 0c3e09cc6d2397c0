//! Chinese numerals as used in heading labels: 一 … 九十九.

/// The value of a Chinese numeral from 一 (1) to 九十九 (99), or None for anything else.
///
/// Accepts the forms headings use: 一…十, 十一…十九, 二十…九十九, and the spelled-out 〇/零 only
/// inside a number (二十〇 is not a numeral, so it is rejected).
pub fn parse(label: &str) -> Option<u32> {
    let chars: Vec<char> = label.chars().collect();
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '一' => 1,
            '二' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    match chars.as_slice() {
        [d] if *d == '十' => Some(10),
        [d] => digit(*d),
        ['十', u] => digit(*u).map(|u| 10 + u),
        [t, '十'] => digit(*t).filter(|&t| t >= 2).map(|t| t * 10),
        [t, '十', u] => {
            let t = digit(*t).filter(|&t| t >= 2)?;
            digit(*u).map(|u| t * 10 + u)
        }
        _ => None,
    }
}

/// Whether `c` can appear in a Chinese numeral label.
pub fn is_numeral_char(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// The Chinese numeral for 1..=99 (the inverse of [`parse`]).
pub fn format(n: u32) -> Option<String> {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    match n {
        1..=9 => Some(DIGITS[n as usize].to_string()),
        10 => Some("十".into()),
        11..=19 => Some(format!("十{}", DIGITS[(n - 10) as usize])),
        20..=99 => {
            let mut s = format!("{}十", DIGITS[(n / 10) as usize]);
            if n % 10 != 0 {
                s.push(DIGITS[(n % 10) as usize]);
            }
            Some(s)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_numeral_round_trips() {
        for n in 1..=99 {
            let s = format(n).unwrap();
            assert_eq!(parse(&s), Some(n), "{s}");
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(parse("一"), Some(1));
        assert_eq!(parse("十"), Some(10));
        assert_eq!(parse("十一"), Some(11));
        assert_eq!(parse("二十"), Some(20));
        assert_eq!(parse("三十四"), Some(34));
        assert_eq!(parse("九十九"), Some(99));
    }

    #[test]
    fn rejects_non_numerals() {
        for s in [
            "",
            "一十",
            "十十",
            "一二",
            "百",
            "九十九九",
            "a",
            "二十〇",
            "一是",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
