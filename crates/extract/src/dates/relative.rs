//! Readers of times relative to `now`: amounts of units with an "ago"
//! marker ("vor 2 Stunden", "1 год, 2 месяца назад", "acum 56 de secunde"),
//! day words with an optional time ("вчера в 14:30", "Aujourd'hui"), and
//! "just now".
//!
//! A relative date is: [marker before] part+ [marker after], where a part is
//! an amount and a unit (a number, a decimal, a number word or article, or
//! "last"; or a unit that means one on its own, "час назад"), and hedges
//! ("about", "etwa") and joiners ("and", ",") may sit between parts.
//! Months and years are calendar steps (as dateparser counts them), the
//! other units exact durations.

use chrono::{Months, NaiveDateTime, TimeDelta};

use super::absolute::read_time;
use super::vocabulary::{DateLanguage, Unit};
use super::{longest_phrase, Context, PostedPrecision, PostedTime, Reading};
use crate::signal_tokens::TokenKind;

/// Larger amounts are not posting times and could overflow the arithmetic.
const LARGEST_AMOUNT: f64 = 10_000_000.0;

pub(crate) fn read_relative(
    context: &Context,
    start: usize,
    language: &DateLanguage,
) -> Option<Reading> {
    let tokens = context.tokens;
    let mut index = start;
    let mut marked = false;
    if let Some((_, end)) = longest_phrase(tokens, index, &language.ago_before) {
        index = end;
        marked = true;
    }
    let mut total = Span::default();
    let mut parts = 0;
    loop {
        let mut probe = index;
        while let Some(token) = context.token(probe) {
            let skippable = match token.kind {
                TokenKind::Word => {
                    language.fillers.contains(&token.text)
                        || (parts > 0 && language.connectors.contains(&token.text))
                }
                TokenKind::Symbol => parts > 0 && matches!(token.symbol(), Some(',' | '.' | '&')),
                TokenKind::Number => false,
            };
            if !skippable {
                break;
            }
            probe += 1;
        }
        let Some((amount, unit, end)) = read_part(context, probe, language) else {
            break;
        };
        total.add(amount, unit)?;
        parts += 1;
        index = end;
    }
    if parts == 0 {
        return None;
    }
    let mut probe = index;
    while let Some(token) = context.token(probe) {
        let skippable = token.is_symbol('.') || language.fillers.contains(&token.text);
        if !skippable {
            break;
        }
        probe += 1;
    }
    let after = longest_phrase(tokens, probe, &language.ago_after).or_else(|| {
        context
            .whole_text
            .then(|| longest_phrase(tokens, probe, &language.ago_after_whole_text_only))
            .flatten()
    });
    if let Some((_, end)) = after {
        index = end;
        marked = true;
    }
    if !marked && !context.whole_text {
        return None;
    }
    let at = context
        .now
        .checked_sub_months(Months::new(total.months))?
        .checked_sub_signed(TimeDelta::try_seconds(total.seconds)?)?;
    Some(Reading {
        end: index,
        posted: PostedTime {
            at,
            precision: total.finest?,
            relative: true,
        },
    })
}

pub(crate) fn read_day_word(
    context: &Context,
    start: usize,
    language: &DateLanguage,
) -> Option<Reading> {
    let tokens = context.tokens;
    let (which, end) = language
        .day_words
        .iter()
        .enumerate()
        .filter_map(|(which, (_, phrase))| {
            super::match_phrase(tokens, start, phrase).map(|end| (which, end))
        })
        .max_by_key(|&(_, end)| end)?;
    let (days_back, phrase) = &language.day_words[which];
    let ambiguous = language.day_words_ambiguous.contains(phrase);
    let mut probe = end;
    while let Some(token) = context.token(probe) {
        let skippable = matches!(token.symbol(), Some(',' | '-' | '–' | '|' | ':'))
            || (token.kind == TokenKind::Word && language.time_connectors.contains(&token.text));
        if !skippable {
            break;
        }
        probe += 1;
    }
    let day = context.now.date_naive() - TimeDelta::days(i64::from(*days_back));
    if let Some(time) = read_time(context, probe, language) {
        let at = NaiveDateTime::new(day, time.time).and_utc() - time.utc_offset;
        return Some(Reading {
            end: time.end,
            posted: PostedTime {
                at,
                precision: time.precision,
                relative: true,
            },
        });
    }
    if ambiguous && !context.language_is_known(language) {
        return None;
    }
    let at = context.now - TimeDelta::days(i64::from(*days_back));
    Some(Reading {
        // As a whole text, a dangling "в" or "at" belongs to the date.
        end: if context.whole_text { probe } else { end },
        posted: PostedTime {
            at,
            precision: PostedPrecision::Day,
            relative: true,
        },
    })
}

pub(crate) fn read_just_now(
    context: &Context,
    start: usize,
    language: &DateLanguage,
) -> Option<Reading> {
    let tokens = context.tokens;
    let strict = longest_phrase(tokens, start, &language.just_now);
    let loose = context
        .whole_text
        .then(|| longest_phrase(tokens, start, &language.now_whole_text_only))
        .flatten();
    let end = strict.into_iter().chain(loose).map(|(_, end)| end).max()?;
    // Inside a card the phrase must end its clause: "щойно приїхала",
    // "только что приехала", "soeben angekommen" are "just arrived".
    if !context.whole_text
        && tokens
            .get(end)
            .is_some_and(|next| next.kind == TokenKind::Word)
    {
        return None;
    }
    Some(Reading {
        end,
        posted: PostedTime {
            at: context.now,
            precision: PostedPrecision::Minute,
            relative: true,
        },
    })
}

/// One amount and unit at `start`: (amount, unit, end).
fn read_part(
    context: &Context,
    start: usize,
    language: &DateLanguage,
) -> Option<(f64, Unit, usize)> {
    let token = context.token(start)?;
    let (amount, mut index) = match token.kind {
        TokenKind::Number => read_amount(context, start)?,
        TokenKind::Word => {
            if let Some(&unit) = language
                .implicit_one_units
                .contains(&token.text)
                .then(|| language.units.get(&token.text))
                .flatten()
            {
                return Some((1.0, unit, start + 1));
            }
            let value = language
                .quantities
                .get(&token.text)
                .copied()
                .or_else(|| language.last_words.contains(&token.text).then_some(1))?;
            (f64::from(value), start + 1)
        }
        TokenKind::Symbol => return None,
    };
    while context
        .token(index)
        .is_some_and(|token| language.number_unit_links.contains(&token.text))
    {
        index += 1;
    }
    let unit_token = context.token(index)?;
    if unit_token.kind != TokenKind::Word {
        return None;
    }
    let unit = *language.units.get(&unit_token.text)?;
    Some((amount, unit, index + 1))
}

/// A number at `start`, with a decimal part written "2.5" or "2,5".
fn read_amount(context: &Context, start: usize) -> Option<(f64, usize)> {
    let whole = context.token(start)?;
    let whole_value = whole.number()? as f64;
    let separator = context.token(start + 1);
    let fraction = context.token(start + 2);
    if let (Some(separator), Some(fraction)) = (separator, fraction) {
        let is_decimal = matches!(separator.symbol(), Some('.' | ','))
            && !separator.space_before
            && fraction.kind == TokenKind::Number
            && !fraction.space_before
            && fraction.digit_count() <= 3;
        if is_decimal {
            let digits = fraction.digit_count() as i32;
            let value = whole_value + fraction.number()? as f64 / 10f64.powi(digits);
            return Some((value, start + 3));
        }
    }
    Some((whole_value, start + 1))
}

/// A sum of relative parts: calendar months and exact seconds.
#[derive(Default)]
struct Span {
    months: u32,
    seconds: i64,
    finest: Option<PostedPrecision>,
}

impl Span {
    fn add(&mut self, amount: f64, unit: Unit) -> Option<()> {
        if !(0.0..=LARGEST_AMOUNT).contains(&amount) {
            return None;
        }
        let (months_per_unit, seconds_per_unit, precision) = match unit {
            Unit::Second => (0, 1, PostedPrecision::Minute),
            Unit::Minute => (0, 60, PostedPrecision::Minute),
            Unit::Hour => (0, 3_600, PostedPrecision::Hour),
            Unit::Day => (0, 86_400, PostedPrecision::Day),
            Unit::Week => (0, 604_800, PostedPrecision::Day),
            Unit::Month => (1, 0, PostedPrecision::Month),
            Unit::Year => (12, 0, PostedPrecision::Month),
            Unit::Decade => (120, 0, PostedPrecision::Month),
        };
        if months_per_unit > 0 {
            if amount.fract() != 0.0 {
                return None;
            }
            let months = (amount as u64).checked_mul(months_per_unit)?;
            self.months = self.months.checked_add(u32::try_from(months).ok()?)?;
        } else {
            let seconds = (amount * seconds_per_unit as f64).round() as i64;
            self.seconds = self.seconds.checked_add(seconds)?;
        }
        self.finest = Some(match self.finest {
            Some(finest) => finest.min(precision),
            None => precision,
        });
        Some(())
    }
}
