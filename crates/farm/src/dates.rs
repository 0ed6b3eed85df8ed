//! Posting dates as listings print them: absolute in the site's locale
//! (`03.01.2025`, `3 января 2025`, `3 de enero de 2025`), relative to the
//! farm's "now" (`vor 2 Tagen`, `вчера`, `acum 3 ore`, `2 saat önce`), a
//! day word with a time (`heute 14:05`), or not at all. The truth keeps the
//! exact posting time and what the card showed.

use chrono::{Datelike, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::vocabulary::{Language, LongDateOrder};

/// How a site prints dates on its cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateStyle {
    /// `03.01.2025` / `03/01/2025`.
    Numeric,
    /// `03.01.2025 14:05`.
    NumericWithTime,
    /// `3 января 2025`.
    Long,
    /// `3 hours ago`, `yesterday`, `5 days ago`.
    Relative,
    /// `today 14:05`, `yesterday 09:30`, else numeric.
    DayWordOrNumeric,
    /// No date on the card.
    Absent,
}

/// What kind of date a card carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateShownKind {
    Absolute,
    Relative,
    Absent,
}

/// The date text of a card posted at `posted`, seen at `now`.
pub(crate) fn show_date(
    style: DateStyle,
    language: &Language,
    posted: NaiveDateTime,
    now: NaiveDateTime,
) -> (DateShownKind, Option<String>) {
    let days_ago = (now.date() - posted.date()).num_days().max(0) as u64;
    match style {
        DateStyle::Numeric => (DateShownKind::Absolute, Some(numeric(language, posted))),
        DateStyle::NumericWithTime => (
            DateShownKind::Absolute,
            Some(format!("{} {}", numeric(language, posted), clock(posted))),
        ),
        DateStyle::Long => (DateShownKind::Absolute, Some(long(language, posted))),
        DateStyle::Relative => (
            DateShownKind::Relative,
            Some(relative(language, posted, now, days_ago)),
        ),
        DateStyle::DayWordOrNumeric => match days_ago {
            0 => (
                DateShownKind::Relative,
                Some(format!("{} {}", language.relative.today, clock(posted))),
            ),
            1 => (
                DateShownKind::Relative,
                Some(format!("{} {}", language.relative.yesterday, clock(posted))),
            ),
            _ => (DateShownKind::Absolute, Some(numeric(language, posted))),
        },
        DateStyle::Absent => (DateShownKind::Absent, None),
    }
}

/// `2025-01-03T14:05`, for `<time datetime>`.
pub(crate) fn machine_readable(posted: NaiveDateTime) -> String {
    posted.format("%Y-%m-%dT%H:%M").to_string()
}

fn numeric(language: &Language, posted: NaiveDateTime) -> String {
    let separator = language.numeric_date_separator;
    format!(
        "{:02}{separator}{:02}{separator}{}",
        posted.day(),
        posted.month(),
        posted.year()
    )
}

fn clock(posted: NaiveDateTime) -> String {
    format!("{:02}:{:02}", posted.hour(), posted.minute())
}

fn long(language: &Language, posted: NaiveDateTime) -> String {
    let month = language.months[posted.month0() as usize];
    match language.long_date {
        LongDateOrder::Spaced => format!("{} {month} {}", posted.day(), posted.year()),
        LongDateOrder::SpanishDe => {
            format!("{} de {month} de {}", posted.day(), posted.year())
        }
        LongDateOrder::GermanDot => format!("{}. {month} {}", posted.day(), posted.year()),
    }
}

fn relative(
    language: &Language,
    posted: NaiveDateTime,
    now: NaiveDateTime,
    days_ago: u64,
) -> String {
    let words = &language.relative;
    match days_ago {
        0 => {
            let hours = (now - posted).num_hours().max(0) as u64;
            if hours == 0 {
                words.just_now.to_owned()
            } else {
                language.plural.phrase(&words.hours_ago, hours)
            }
        }
        1 => words.yesterday.to_owned(),
        days => language.plural.phrase(&words.days_ago, days),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::{show_date, DateShownKind, DateStyle};
    use crate::vocabulary::language;

    #[test]
    fn dates_in_each_style() {
        let now = NaiveDate::from_ymd_opt(2025, 1, 10)
            .and_then(|date| date.and_hms_opt(20, 0, 0))
            .expect("valid");
        let at = |day: u32, hour: u32| {
            NaiveDate::from_ymd_opt(2025, 1, day)
                .and_then(|date| date.and_hms_opt(hour, 5, 0))
                .expect("valid")
        };
        let check = |style: DateStyle, code: &str, day: u32, hour: u32, expected: &str| {
            let (_, text) = show_date(style, language(code), at(day, hour), now);
            assert_eq!(text.as_deref(), Some(expected), "{style:?} {code}");
        };
        check(DateStyle::Numeric, "de", 3, 9, "03.01.2025");
        check(DateStyle::Numeric, "en", 3, 9, "03/01/2025");
        check(DateStyle::NumericWithTime, "ru", 3, 14, "03.01.2025 14:05");
        check(DateStyle::Long, "ru", 3, 9, "3 января 2025");
        check(DateStyle::Long, "es", 3, 9, "3 de enero de 2025");
        check(DateStyle::Long, "de", 3, 9, "3. Januar 2025");
        check(DateStyle::Relative, "en", 10, 17, "2 hours ago");
        check(DateStyle::Relative, "ru", 9, 17, "вчера");
        check(DateStyle::Relative, "de", 8, 17, "vor 2 Tagen");
        check(DateStyle::Relative, "ro", 10, 16, "acum 3 ore");
        check(DateStyle::Relative, "tr", 10, 17, "2 saat önce");
        check(DateStyle::Relative, "fr", 7, 1, "il y a 3 jours");
        check(DateStyle::Relative, "uk", 5, 1, "5 днів тому");
        check(DateStyle::DayWordOrNumeric, "ro", 10, 14, "azi 14:05");
        check(DateStyle::DayWordOrNumeric, "ro", 9, 14, "ieri 14:05");
        let (kind, text) = show_date(DateStyle::Absent, language("en"), at(1, 1), now);
        assert_eq!((kind, text), (DateShownKind::Absent, None));
    }
}
