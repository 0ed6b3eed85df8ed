//! Readers of absolute dates and of times of day: numeric dates
//! ("03.03.2024", "3/3/24", "2024-03-03T14:30:00Z"), dates with a month
//! name in either order ("3 марта 2024 г.", "3. März", "3 de marzo de
//! 2024", "March 3rd, 2024"), a month and year ("März 2024"), each with an
//! optional weekday before and an optional time after ("в 14:30",
//! "à 14h30", "2:30 pm", "14.30 Uhr").
//!
//! Numeric dates are day first; a slash date whose first number cannot be
//! a day-first month is read month first (US style). Two-digit years are
//! this century unless that puts them more than a year ahead. A date
//! without a year takes the latest year that does not put it in the future.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use super::vocabulary::DateLanguage;
use super::{Context, PostedPrecision, PostedTime, Reading};
use crate::signal_tokens::{Token, TokenKind};

/// Earliest year taken for a posting date; older years are something else.
const EARLIEST_YEAR: i32 = 1990;

/// A time of day read from the text.
pub(crate) struct TimeOfDay {
    pub(crate) time: NaiveTime,
    pub(crate) precision: PostedPrecision,
    /// Index past the time and its suffixes.
    pub(crate) end: usize,
    /// An explicit offset east of UTC ("+02:00"), zero otherwise.
    pub(crate) utc_offset: TimeDelta,
}

/// The date part of an absolute date.
struct DatePart {
    year: Option<i32>,
    month: u32,
    /// None for a month and year alone.
    day: Option<u32>,
    end: usize,
    /// Set for forms too weak to stand alone inside a card text.
    needs_time_in_text: bool,
}

pub(crate) fn read_absolute(
    context: &Context,
    start: usize,
    language: &DateLanguage,
) -> Option<Reading> {
    let mut index = start;
    let first = context.token(index)?;
    if first.kind == TokenKind::Word && language.weekdays.contains(&first.text) {
        index += 1;
        if context
            .token(index)
            .is_some_and(|token| matches!(token.symbol(), Some(',' | '.')))
        {
            index += 1;
        }
    }
    let date = read_numeric_date(context, index)
        .or_else(|| read_day_month(context, index, language))
        .or_else(|| read_month_day(context, index, language))
        .or_else(|| read_month_year(context, index, language))?;

    let mut probe = date.end;
    while let Some(token) = context.token(probe) {
        let skippable = matches!(
            token.symbol(),
            Some(',' | '-' | '–' | '|' | '/' | '@' | '(')
        ) || (token.kind == TokenKind::Word
            && (language.time_connectors.contains(&token.text)
                || (token.text == "t" && !token.space_before)));
        if !skippable {
            break;
        }
        probe += 1;
    }
    let time = read_time(context, probe, language);
    if time.is_none() && date.needs_time_in_text && !context.whole_text {
        return None;
    }
    let (time_of_day, utc_offset) = match &time {
        Some(time) => (time.time, time.utc_offset),
        None => (NaiveTime::MIN, TimeDelta::zero()),
    };
    let day = date.day.unwrap_or(1);
    let year = match date.year {
        Some(year) => year,
        None => {
            let this_year = context.now.year();
            let candidate = NaiveDate::from_ymd_opt(this_year, date.month, day)
                .map(|candidate| NaiveDateTime::new(candidate, time_of_day).and_utc());
            match candidate {
                Some(at) if context.is_not_future(at) => this_year,
                _ => this_year - 1,
            }
        }
    };
    if year < EARLIEST_YEAR {
        return None;
    }
    let calendar_date = NaiveDate::from_ymd_opt(year, date.month, day)?;
    let at = NaiveDateTime::new(calendar_date, time_of_day).and_utc() - utc_offset;
    let precision = match (&time, date.day) {
        (Some(time), _) => time.precision,
        (None, Some(_)) => PostedPrecision::Day,
        (None, None) => PostedPrecision::Month,
    };
    Some(Reading {
        end: time.as_ref().map_or(date.end, |time| time.end),
        posted: PostedTime {
            at,
            precision,
            relative: date.year.is_none(),
        },
    })
}

/// A time alone, "14:30", as listings print today's ads: today at that
/// time, or yesterday when that is more than `BARE_TIME_AHEAD` ahead of
/// `now` (the site's clock may run ahead of UTC, but not by that much).
/// Only ever a whole text: inside a card, "10:00-22:00" is opening hours.
pub(crate) fn read_bare_time(
    context: &Context,
    start: usize,
    language: &DateLanguage,
) -> Option<Reading> {
    if !context.whole_text {
        return None;
    }
    let time = read_time(context, start, language)?;
    let today = NaiveDateTime::new(context.now.date_naive(), time.time).and_utc() - time.utc_offset;
    let at = if today > context.now + BARE_TIME_AHEAD {
        today - TimeDelta::days(1)
    } else {
        today
    };
    Some(Reading {
        end: time.end,
        posted: PostedTime {
            at,
            precision: time.precision,
            relative: true,
        },
    })
}

/// How far ahead of `now` a bare time may be and still be today.
const BARE_TIME_AHEAD: TimeDelta = TimeDelta::hours(3);

/// A time of day at `start`: "14:30", "14:30:05", "2:30 pm", "2 pm",
/// "14h30", "14h", "14.30 Uhr", "14 Uhr", with a zone "Z", "UTC" or
/// "+02:00" honoured.
pub(crate) fn read_time(
    context: &Context,
    start: usize,
    language: &DateLanguage,
) -> Option<TimeOfDay> {
    let hour_token = context.token(start)?;
    if hour_token.kind != TokenKind::Number || hour_token.digit_count() > 2 {
        return None;
    }
    let mut hour = u32::try_from(hour_token.number()?).ok()?;
    let mut index = start + 1;
    let mut minute = None;
    let mut second = 0;
    let is_suffix = |token: &Token| {
        token.kind == TokenKind::Word && language.time_suffixes.contains(&token.text)
    };
    if let Some(value) = adjacent_two_digits(context, index, &[':']) {
        minute = Some(value);
        index += 2;
        if let Some(value) = adjacent_two_digits(context, index, &[':']) {
            second = value;
            index += 2;
            // Fractions of a second in ISO stamps.
            if adjacent_symbol(context, index, '.')
                && context
                    .token(index + 1)
                    .is_some_and(|token| token.kind == TokenKind::Number && !token.space_before)
            {
                index += 2;
            }
        }
    } else if context
        .token(index)
        .is_some_and(|token| token.is_word("h") && !token.space_before)
    {
        index += 1;
        if let Some(token) = adjacent_number(context, index) {
            let value = u32::try_from(token.number()?).ok()?;
            if token.digit_count() == 2 && value < 60 {
                minute = Some(value);
                index += 1;
            }
        }
        return finish_time(context, index, hour, minute, second, language, true);
    } else if let Some(value) = adjacent_two_digits(context, index, &['.']) {
        // "14.30" is a time only with "Uhr" after it; bare it is a price.
        if context.token(index + 2).is_some_and(is_suffix) {
            minute = Some(value);
            index += 2;
        } else {
            return None;
        }
    }
    let meridiem = read_meridiem(context, index);
    if let Some((is_afternoon, end)) = meridiem {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (is_afternoon, hour) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, hour) => hour + 12,
            (false, hour) => hour,
        };
        index = end;
    }
    let has_suffix = context.token(index).is_some_and(is_suffix);
    if minute.is_none() && meridiem.is_none() && !has_suffix {
        return None;
    }
    finish_time(context, index, hour, minute, second, language, false)
}

fn finish_time(
    context: &Context,
    mut index: usize,
    hour: u32,
    minute: Option<u32>,
    second: u32,
    language: &DateLanguage,
    suffix_read: bool,
) -> Option<TimeOfDay> {
    let time = NaiveTime::from_hms_opt(hour, minute.unwrap_or(0), second)?;
    if !suffix_read {
        while context.token(index).is_some_and(|token| {
            token.kind == TokenKind::Word && language.time_suffixes.contains(&token.text)
        }) {
            index += 1;
        }
    }
    let mut utc_offset = TimeDelta::zero();
    if let Some(token) = context.token(index) {
        if token.is_word("z") && !token.space_before || token.is_word("utc") || token.is_word("gmt")
        {
            index += 1;
        } else if let Some((offset, end)) = read_utc_offset(context, index) {
            utc_offset = offset;
            index = end;
        }
    }
    Some(TimeOfDay {
        time,
        precision: if minute.is_some() {
            PostedPrecision::Minute
        } else {
            PostedPrecision::Hour
        },
        end: index,
        utc_offset,
    })
}

/// "+02:00", "-0530", "+02" directly after a time.
fn read_utc_offset(context: &Context, index: usize) -> Option<(TimeDelta, usize)> {
    let sign = context.token(index)?;
    if sign.space_before {
        return None;
    }
    let direction = match sign.symbol()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let hours_token = context.token(index + 1)?;
    if hours_token.kind != TokenKind::Number || hours_token.space_before {
        return None;
    }
    let (hours, mut minutes, mut end) = match hours_token.digit_count() {
        2 => (hours_token.number()?, 0, index + 2),
        4 => (
            hours_token.number()? / 100,
            hours_token.number()? % 100,
            index + 2,
        ),
        _ => return None,
    };
    if let Some(value) = adjacent_two_digits(context, end, &[':']) {
        minutes = u64::from(value);
        end += 2;
    }
    if hours > 14 || minutes > 59 {
        return None;
    }
    let seconds = i64::try_from(hours * 3_600 + minutes * 60).ok()? * direction;
    Some((TimeDelta::seconds(seconds), end))
}

/// "am", "pm", "a.m.", "p.m." at `index`: (is afternoon, end).
fn read_meridiem(context: &Context, index: usize) -> Option<(bool, usize)> {
    let token = context.token(index)?;
    if token.is_word("am") || token.is_word("pm") {
        return Some((token.is_word("pm"), index + 1));
    }
    let letter_a_or_p = token.is_word("a") || token.is_word("p");
    let dotted = letter_a_or_p
        && adjacent_symbol(context, index + 1, '.')
        && context
            .token(index + 2)
            .is_some_and(|token| token.is_word("m") && !token.space_before);
    if dotted {
        let mut end = index + 3;
        if adjacent_symbol(context, end, '.') {
            end += 1;
        }
        return Some((token.is_word("p"), end));
    }
    None
}

/// Numeric dates: d.m.y, d/m/y, d-m-y, y-m-d (ISO), and d.m without a year.
fn read_numeric_date(context: &Context, start: usize) -> Option<DatePart> {
    let first = context.token(start)?;
    if first.kind != TokenKind::Number || !starts_cleanly(context, start) {
        return None;
    }
    let separator_token = context.token(start + 1)?;
    let separator = separator_token.symbol()?;
    if !matches!(separator, '.' | '/' | '-') || separator_token.space_before {
        return None;
    }
    let second = adjacent_number(context, start + 2)?;
    let third = adjacent_symbol(context, start + 3, separator)
        .then(|| adjacent_number(context, start + 4))
        .flatten();
    let Some(third) = third else {
        // Day and month alone, "03.03.": too weak inside a text without a
        // time, and never with a slash or hyphen ("24/7", "3-4").
        if separator != '.' || first.digit_count() > 2 || second.digit_count() > 2 {
            return None;
        }
        let mut end = start + 3;
        if separator == '.' && adjacent_symbol(context, end, '.') {
            end += 1;
        }
        if !ends_cleanly(context, end) {
            return None;
        }
        let day = first.number()? as u32;
        let month = second.number()? as u32;
        valid_day_month(day, month)?;
        return Some(DatePart {
            year: None,
            month,
            day: Some(day),
            end,
            needs_time_in_text: true,
        });
    };
    let end = start + 5;
    if !ends_cleanly(context, end) {
        return None;
    }
    let part = |year: i32, month: u64, day: u64| -> Option<DatePart> {
        let (month, day) = (u32::try_from(month).ok()?, u32::try_from(day).ok()?);
        valid_day_month(day, month)?;
        Some(DatePart {
            year: Some(year),
            month,
            day: Some(day),
            end,
            needs_time_in_text: false,
        })
    };
    if first.digit_count() == 4 {
        if second.digit_count() > 2 || third.digit_count() > 2 {
            return None;
        }
        return part(first.number()? as i32, second.number()?, third.number()?);
    }
    if first.digit_count() > 2 || second.digit_count() > 2 {
        return None;
    }
    let year = match third.digit_count() {
        4 => third.number()? as i32,
        2 => expand_two_digit_year(third.number()? as i32, context),
        _ => return None,
    };
    let (first_value, second_value) = (first.number()?, second.number()?);
    part(year, second_value, first_value).or_else(|| {
        // Month first, as US sites write it, when day first is impossible.
        (separator == '/')
            .then(|| part(year, first_value, second_value))
            .flatten()
    })
}

/// "3 марта", "3. März 2024", "3rd of March, 2024", "3 de marzo de 2024".
fn read_day_month(context: &Context, start: usize, language: &DateLanguage) -> Option<DatePart> {
    let day_token = context.token(start)?;
    if day_token.kind != TokenKind::Number
        || day_token.digit_count() > 2
        || !starts_cleanly(context, start)
    {
        return None;
    }
    let day = u32::try_from(day_token.number()?).ok()?;
    let mut index = start + 1;
    let ordinal = context.token(index).is_some_and(|token| {
        !token.space_before && language.ordinal_suffixes.contains(&token.text)
    });
    // "3." (German, Polish) or "3rd" / "1er".
    if adjacent_symbol(context, index, '.') || ordinal {
        index += 1;
    }
    if context
        .token(index)
        .is_some_and(|token| language.date_links.contains(&token.text))
    {
        index += 1;
    }
    let (month, abbreviated, end) = read_month(context, index, language)?;
    valid_day_month(day, month)?;
    let (year, end) = read_year_after(context, end, language);
    Some(DatePart {
        year,
        month,
        day: Some(day),
        end,
        needs_time_in_text: year.is_none() && abbreviated,
    })
}

/// "March 3, 2024", "Mar 3rd 2024".
fn read_month_day(context: &Context, start: usize, language: &DateLanguage) -> Option<DatePart> {
    let (month, _, mut index) = read_month(context, start, language)?;
    let day_token = context.token(index)?;
    if day_token.kind != TokenKind::Number || day_token.digit_count() > 2 {
        return None;
    }
    let day = u32::try_from(day_token.number()?).ok()?;
    valid_day_month(day, month)?;
    index += 1;
    if context
        .token(index)
        .is_some_and(|token| !token.space_before && language.ordinal_suffixes.contains(&token.text))
    {
        index += 1;
    }
    let (year, end) = read_year_after(context, index, language);
    Some(DatePart {
        year,
        month,
        day: Some(day),
        end,
        needs_time_in_text: year.is_none(),
    })
}

/// "März 2024": month precision.
fn read_month_year(context: &Context, start: usize, language: &DateLanguage) -> Option<DatePart> {
    let (month, _, index) = read_month(context, start, language)?;
    let (year, end) = read_year_after(context, index, language);
    Some(DatePart {
        year: Some(year?),
        month,
        day: None,
        end,
        needs_time_in_text: false,
    })
}

/// A month name at `index`: (month, whether abbreviated, end past an
/// abbreviation's dot).
fn read_month(
    context: &Context,
    index: usize,
    language: &DateLanguage,
) -> Option<(u32, bool, usize)> {
    let token = context.token(index)?;
    if token.kind != TokenKind::Word {
        return None;
    }
    let month = *language.months.get(&token.text)?;
    let abbreviated = token.text.chars().count() <= 4;
    let mut end = index + 1;
    if adjacent_symbol(context, end, '.') {
        end += 1;
    }
    Some((month, abbreviated, end))
}

/// An optional four-digit year after a month ("2024", ", 2024",
/// "de 2024", "2024 г.", "2024 року"): the year and the end.
fn read_year_after(
    context: &Context,
    start: usize,
    language: &DateLanguage,
) -> (Option<i32>, usize) {
    let mut index = start;
    if context
        .token(index)
        .is_some_and(|token| token.is_symbol(','))
    {
        index += 1;
    }
    if context
        .token(index)
        .is_some_and(|token| language.date_links.contains(&token.text))
    {
        index += 1;
    }
    let Some(token) = context.token(index) else {
        return (None, start);
    };
    if token.kind != TokenKind::Number || token.digit_count() != 4 {
        return (None, start);
    }
    let Some(year) = token.number().and_then(|year| i32::try_from(year).ok()) else {
        return (None, start);
    };
    if !(EARLIEST_YEAR..=2100).contains(&year) {
        return (None, start);
    }
    index += 1;
    if context
        .token(index)
        .is_some_and(|token| language.after_year.contains(&token.text))
    {
        index += 1;
        if adjacent_symbol(context, index, '.') {
            index += 1;
        }
    }
    (Some(year), index)
}

fn expand_two_digit_year(two_digits: i32, context: &Context) -> i32 {
    let this_century = 2000 + two_digits;
    if this_century <= context.now.year() + 1 {
        this_century
    } else {
        1900 + two_digits
    }
}

fn valid_day_month(day: u32, month: u32) -> Option<()> {
    // 2000 is a leap year, so 29 February passes here and the real year
    // decides later.
    NaiveDate::from_ymd_opt(2000, month, day).map(|_| ())
}

/// Inside a text, a date must not continue a digit chain on its left
/// ("0171-12-03-24" is a phone number, not "12-03-24").
fn starts_cleanly(context: &Context, start: usize) -> bool {
    if context.whole_text || start == 0 {
        return true;
    }
    let Some(token) = context.token(start) else {
        return true;
    };
    if token.space_before {
        return true;
    }
    let previous = &context.tokens[start - 1];
    previous.kind != TokenKind::Number
        && !matches!(previous.symbol(), Some('.' | '/' | '-' | '+' | ',' | ':'))
}

/// Inside a text, a date must not run on into more digit groups on its
/// right ("06.12.34.56.78" is a phone number).
fn ends_cleanly(context: &Context, end: usize) -> bool {
    if context.whole_text {
        return true;
    }
    let Some(next) = context.token(end) else {
        return true;
    };
    if next.space_before {
        return true;
    }
    let continues_chain = matches!(next.symbol(), Some('.' | '/' | '-' | ':' | ','))
        && context
            .token(end + 1)
            .is_some_and(|after| after.kind == TokenKind::Number && !after.space_before);
    !continues_chain
}

fn adjacent_symbol(context: &Context, index: usize, symbol: char) -> bool {
    context
        .token(index)
        .is_some_and(|token| token.is_symbol(symbol) && !token.space_before)
}

fn adjacent_number<'context>(context: &'context Context, index: usize) -> Option<&'context Token> {
    context
        .token(index)
        .filter(|token| token.kind == TokenKind::Number && !token.space_before)
}

/// A separator from `separators` and two digits after it, all adjacent, with
/// the value below 60.
fn adjacent_two_digits(context: &Context, index: usize, separators: &[char]) -> Option<u32> {
    let separator = context.token(index)?;
    if separator.space_before || !separators.iter().any(|symbol| separator.is_symbol(*symbol)) {
        return None;
    }
    let digits = adjacent_number(context, index + 1)?;
    if digits.digit_count() != 2 {
        return None;
    }
    let value = u32::try_from(digits.number()?).ok()?;
    (value < 60).then_some(value)
}
