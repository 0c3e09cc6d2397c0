//! Dates in entry text: "2021年10月29日" as printed, "10月29日" resolved to the year that puts it
//! nearest the bulletin's own date (so a January issue's "12月28日" is last December).
//!
//! Spaces inside a date ("10 月 18 日") and full-width digits ("１０月２９日") are accepted.

use regex::Regex;
use std::sync::LazyLock;

use crate::model::DateMention;
use crate::text::halfwidth;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
    /// Day 1–31.
    pub day: u32,
}

impl Date {
    /// The date if it exists in the calendar.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// ISO 8601 form.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

const D: &str = "[0-9０-９]";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:({D}{{4}})\s*年\s*)?({D}{{1,2}})\s*月\s*({D}{{1,2}})\s*[日号]"
    ))
    .expect("date pattern compiles")
});

static FULL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*({D}{{4}})\s*年\s*({D}{{1,2}})\s*月\s*({D}{{1,2}})\s*日\s*$"
    ))
    .expect("full date pattern compiles")
});

/// Compiles this module's patterns now (see [`crate::warm_up`]).
pub(crate) fn warm_up() {
    LazyLock::force(&DATE);
    LazyLock::force(&FULL_DATE);
}

fn number(s: &str) -> Option<u32> {
    halfwidth(s).parse().ok()
}

/// Parses a line that is nothing but a full date ("2021 年 11 月 01 日").
pub fn parse_full_line(line: &str) -> Option<Date> {
    if !line.contains('年') {
        return None;
    }
    let c = FULL_DATE.captures(line)?;
    Date::new(number(&c[1])? as i32, number(&c[2])?, number(&c[3])?)
}

/// The year that puts month/day nearest `reference`.
pub fn resolve(month: u32, day: u32, reference: Date) -> Option<Date> {
    (reference.year - 1..=reference.year + 1)
        .filter_map(|y| Date::new(y, month, day))
        .min_by_key(|d| (d.days() - reference.days()).abs())
}

/// Every full calendar date in `text`, in order. Dates without a year need `reference` (the
/// bulletin's date, or 1 July of its year when only the year is known); without one they are
/// skipped.
pub fn find(text: &str, reference: Option<Date>) -> Vec<DateMention> {
    let mut out = Vec::new();
    // Every date the pattern accepts has a 月; most paragraphs have none.
    if !text.contains('月') {
        return out;
    }
    for c in DATE.captures_iter(text) {
        // A digit right before the match means we caught the tail of a longer number.
        let start = c.get(0).map_or(0, |m| m.start());
        if text[..start]
            .chars()
            .next_back()
            .is_some_and(|p| p.is_ascii_digit() || ('０'..='９').contains(&p))
        {
            continue;
        }
        let (Some(month), Some(day)) = (number(&c[2]), number(&c[3])) else {
            continue;
        };
        let date = match c.get(1) {
            Some(y) => number(y.as_str()).and_then(|y| Date::new(y as i32, month, day)),
            None => reference.and_then(|r| resolve(month, day, r)),
        };
        if let Some(date) = date {
            out.push(DateMention {
                text: c[0].trim().to_string(),
                value: date.iso(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn values(text: &str, reference: Date) -> Vec<String> {
        find(text, Some(reference))
            .into_iter()
            .map(|m| m.value)
            .collect()
    }

    #[test]
    fn month_day_takes_the_bulletins_year() {
        assert_eq!(
            values("10月29日，国家网信办", d(2021, 11, 1)),
            ["2021-10-29"]
        );
    }

    #[test]
    fn december_in_a_january_bulletin_is_last_year() {
        assert_eq!(values("12月28日，", d(2022, 1, 5)), ["2021-12-28"]);
        assert_eq!(values("1月3日，", d(2021, 12, 30)), ["2022-01-03"]);
    }

    #[test]
    fn spaces_and_full_width_digits() {
        let m = find("10 月 18 日，海南省", Some(d(2021, 11, 1)));
        assert_eq!(m[0].text, "10 月 18 日");
        assert_eq!(m[0].value, "2021-10-18");
        assert_eq!(values("１０月２９日", d(2021, 11, 1)), ["2021-10-29"]);
    }

    #[test]
    fn full_dates_keep_their_year_and_order() {
        assert_eq!(
            values("10月26日发布，对2015年3月1日正式施行的", d(2021, 11, 1)),
            ["2021-10-26", "2015-03-01"]
        );
        assert_eq!(
            values("于 2020 年 9 月 28 日正式成立", d(2021, 11, 1)),
            ["2020-09-28"]
        );
    }

    #[test]
    fn impossible_dates_and_partial_numbers_are_ignored() {
        assert!(values("2月30日", d(2021, 11, 1)).is_empty());
        assert!(values("第112月3日", d(2021, 11, 1)).is_empty());
        assert!(values("2021年10月", d(2021, 11, 1)).is_empty());
        assert!(find("10月29日", None).is_empty());
    }

    #[test]
    fn leap_years() {
        assert!(Date::new(2020, 2, 29).is_some());
        assert!(Date::new(2021, 2, 29).is_none());
        assert_eq!(d(1970, 1, 1).days(), 0);
        assert_eq!(d(2000, 3, 1).days() - d(2000, 2, 28).days(), 2);
    }

    #[test]
    fn full_line() {
        assert_eq!(parse_full_line("2021 年 11 月 01 日"), Some(d(2021, 11, 1)));
        assert_eq!(
            parse_full_line("２０２１年１１月１日"),
            Some(d(2021, 11, 1))
        );
        assert_eq!(parse_full_line("2021年11月1日发布"), None);
    }
}
