//! Prices on an ad card: amount, currency and the period it buys ("150 €/h",
//! "1 Stunde: 150 €", "Ночь — 10 000 руб.", "5000 € for 7 days",
//! "2000 TL saatlik").
//!
//! A price is a number written in one of the common ways (1.000,50 /
//! 1 000 / 1,000.50 / 1'000 / 150,-) with a currency right before or after
//! it (symbols, ISO codes and the currency's words in our languages). A
//! number with no currency is never a price: that is what keeps ages, phone
//! numbers and dates out. Numbers that start with 0, follow a "+", or sit in
//! a time ("14:30") are not amounts either, and a digit chain that does not
//! parse as one amount (a date, "12.03.2024") is skipped whole.
//!
//! The unit is a period phrase next to the price: before it ("1h 150€",
//! "Nacht: 800 €"), after it behind a linker ("/h", "per hour", "pro
//! Stunde", "за час", "pe oră", "za godzinę", "for 7 days"), or after it
//! plainly ("150 € 1h", "2000 TL saatlik"), tried in that order; a phrase
//! serves one price only, so lists like "1h 150€ 2h 280€" pair up right.
//! One hour is `Hour`, one night `Night`, one day or 24 hours `Day`, 7, 14
//! or 21 days (or 1, 2, 3 weeks) the rental periods, any other period
//! ("2 hours", "30 min") or none `Other`.

mod vocabulary;

use serde::{Deserialize, Serialize};

use crate::signal_tokens::{tokenize, Token, TokenKind};
use vocabulary::{
    currency_at, currency_ending_at, follows_ago_opener, is_linker, period_at, CurrencyMark,
    Period, PeriodKind, PERIOD_GAP_SYMBOLS,
};

/// One price found on a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    /// The amount in hundredths of the currency's main unit (cents), so
    /// that "1.000,50 €" is exact: 100050.
    pub amount_minor: u64,
    pub currency: Currency,
    pub unit: PriceUnit,
}

/// Currencies recognised on cards, serialised as their ISO 4217 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    Eur,
    Usd,
    Gbp,
    Chf,
    Pln,
    Ron,
    Try,
    Uah,
    Rub,
    Czk,
    Huf,
    Bgn,
    Sek,
    Nok,
    Dkk,
}

impl Currency {
    pub const ALL: [Currency; 15] = [
        Currency::Eur,
        Currency::Usd,
        Currency::Gbp,
        Currency::Chf,
        Currency::Pln,
        Currency::Ron,
        Currency::Try,
        Currency::Uah,
        Currency::Rub,
        Currency::Czk,
        Currency::Huf,
        Currency::Bgn,
        Currency::Sek,
        Currency::Nok,
        Currency::Dkk,
    ];

    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Usd => "USD",
            Currency::Gbp => "GBP",
            Currency::Chf => "CHF",
            Currency::Pln => "PLN",
            Currency::Ron => "RON",
            Currency::Try => "TRY",
            Currency::Uah => "UAH",
            Currency::Rub => "RUB",
            Currency::Czk => "CZK",
            Currency::Huf => "HUF",
            Currency::Bgn => "BGN",
            Currency::Sek => "SEK",
            Currency::Nok => "NOK",
            Currency::Dkk => "DKK",
        }
    }
}

/// The period a price buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PriceUnit {
    Hour,
    Night,
    Day,
    #[serde(rename = "7-days")]
    Days7,
    #[serde(rename = "14-days")]
    Days14,
    #[serde(rename = "21-days")]
    Days21,
    /// Another period ("2 hours", "30 min") or none stated.
    Other,
}

impl PriceUnit {
    pub const ALL: [PriceUnit; 7] = [
        PriceUnit::Hour,
        PriceUnit::Night,
        PriceUnit::Day,
        PriceUnit::Days7,
        PriceUnit::Days14,
        PriceUnit::Days21,
        PriceUnit::Other,
    ];

    /// The kebab-case name used in indicators.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceUnit::Hour => "hour",
            PriceUnit::Night => "night",
            PriceUnit::Day => "day",
            PriceUnit::Days7 => "7-days",
            PriceUnit::Days14 => "14-days",
            PriceUnit::Days21 => "21-days",
            PriceUnit::Other => "other",
        }
    }
}

/// Largest amount taken, in minor units (ten million of a main unit): a
/// longer digit run beside a currency is an account or phone number.
const LARGEST_AMOUNT_MINOR: u64 = 1_000_000_000;

/// Every price in `text`, in order. `language` (ISO 639-1) only loosens
/// the one ambiguous currency word, "Ft" (forint, or feet in a height),
/// which outside Hungarian needs an amount of at least 100.
pub fn find_prices(text: &str, language: Option<&str>) -> Vec<Price> {
    find_prices_in_tokens(text, &tokenize(text), language)
}

/// [`find_prices`] over `text`'s tokens, when the caller has them.
pub(crate) fn find_prices_in_tokens(
    text: &str,
    tokens: &[Token],
    language: Option<&str>,
) -> Vec<Price> {
    let amounts = read_amounts(tokens);
    let mut currency_used = vec![false; tokens.len()];
    let mut marks: Vec<Option<CurrencyMark>> = Vec::with_capacity(amounts.len());
    for amount in &amounts {
        let usable = |mark: &CurrencyMark| {
            !currency_used[mark.start] && accepts(mark, amount.minor, language)
        };
        // A currency set apart from this amount but touching the next
        // number is that number's: "01/01/2025 £1,300" is £1,300.
        let belongs_to_next = |mark: &CurrencyMark| {
            tokens
                .get(mark.start)
                .is_some_and(|token| token.space_before)
                && tokens
                    .get(mark.end)
                    .is_some_and(|next| next.kind == TokenKind::Number && !next.space_before)
        };
        let after = currency_at(text, tokens, amount.end)
            .filter(usable)
            .filter(|mark| !belongs_to_next(mark));
        let before = amount
            .start
            .checked_sub(1)
            .and_then(|index| currency_ending_at(text, tokens, index))
            .filter(usable);
        let chosen = match (after, before) {
            // The tighter one: "€150 €200" pairs each € with the number it
            // touches; on a tie the currency after.
            (Some(_), Some(before))
                if !tokens[amount.start].space_before
                    && tokens
                        .get(amount.end)
                        .is_some_and(|token| token.space_before) =>
            {
                Some(before)
            }
            (after, before) => after.or(before),
        };
        if let Some(mark) = chosen {
            currency_used[mark.start] = true;
        }
        marks.push(chosen);
    }
    // "150-200 €": the first number of a range shares the second's
    // currency and, later, its unit.
    let mut range_partner = vec![None; amounts.len()];
    for position in (0..amounts.len().saturating_sub(1)).rev() {
        let (first, second) = (&amounts[position], &amounts[position + 1]);
        let joined_by_dash = second.start == first.end + 1
            && matches!(tokens[first.end].symbol(), Some('-' | '–' | '—'));
        if marks[position].is_none() && joined_by_dash {
            if let Some(mark) = marks[position + 1] {
                marks[position] = Some(mark);
                range_partner[position] = Some(position + 1);
            }
        }
    }

    let periods = find_periods(tokens);
    let mut period_used = vec![false; periods.len()];
    let mut units: Vec<PriceUnit> = amounts
        .iter()
        .zip(&marks)
        .zip(&range_partner)
        .map(|((amount, mark), partner)| match mark {
            // The range's first number takes its partner's unit below.
            Some(_) if partner.is_some() => PriceUnit::Other,
            Some(mark) => {
                let (start, end) = (amount.start.min(mark.start), amount.end.max(mark.end));
                choose_period(tokens, &periods, &mut period_used, start, end)
            }
            None => PriceUnit::Other,
        })
        .collect();
    for position in (0..amounts.len()).rev() {
        if let Some(partner) = range_partner[position] {
            units[position] = units[partner];
        }
    }
    amounts
        .iter()
        .zip(&marks)
        .zip(units)
        .filter_map(|((amount, mark), unit)| {
            Some(Price {
                amount_minor: amount.minor,
                currency: mark.as_ref()?.currency,
                unit,
            })
        })
        .collect()
}

/// Whether a currency mark may stand beside this amount.
fn accepts(mark: &CurrencyMark, minor: u64, language: Option<&str>) -> bool {
    if mark.is_forint_abbreviation {
        return language.is_some_and(|code| code.trim().eq_ignore_ascii_case("hu"))
            || minor >= 100 * 100;
    }
    true
}

/// An amount: its tokens and value.
#[derive(Debug, Clone, Copy)]
struct Amount {
    start: usize,
    end: usize,
    minor: u64,
}

/// Every digit chain that reads as one amount.
fn read_amounts(tokens: &[Token]) -> Vec<Amount> {
    let mut amounts = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        if tokens[index].kind != TokenKind::Number {
            index += 1;
            continue;
        }
        let chain_end = chain_end(tokens, index);
        if starts_an_amount(tokens, index) {
            if let Some(minor) = chain_value(&tokens[index..chain_end]) {
                let mut end = chain_end;
                // "150,-" and "150.-": whole units.
                if tokens.get(end).is_some_and(|token| {
                    matches!(token.symbol(), Some(',' | '.')) && !token.space_before
                }) && tokens.get(end + 1).is_some_and(|token| {
                    matches!(token.symbol(), Some('-' | '–' | '—')) && !token.space_before
                }) {
                    end += 2;
                }
                amounts.push(Amount {
                    start: index,
                    end,
                    minor,
                });
                index = end;
                continue;
            }
        }
        // Not an amount: skip the chain's first number only, so that a
        // well-formed amount later in a spaced group is still seen.
        index = if chain_end > index + 1 && tokens[index + 1].space_before {
            index + 1
        } else {
            chain_end
        };
    }
    amounts
}

/// Where the digit chain starting at `start` ends: numbers joined by "."
/// "," or an apostrophe (dropped by the tokenizer) without spaces, or by
/// single spaces before groups of exactly three digits ("10 000").
fn chain_end(tokens: &[Token], start: usize) -> usize {
    let mut index = start + 1;
    while let Some(next) = tokens.get(index) {
        let joined_by_symbol = matches!(next.symbol(), Some('.' | ','))
            && !next.space_before
            && tokens
                .get(index + 1)
                .is_some_and(|after| after.kind == TokenKind::Number && !after.space_before);
        if joined_by_symbol {
            index += 2;
            continue;
        }
        let joined_by_apostrophe = next.kind == TokenKind::Number && !next.space_before;
        let joined_by_space = next.kind == TokenKind::Number
            && next.space_before
            && next.digit_count() == 3
            && tokens[start].digit_count() <= 3
            && tokens[start..index]
                .iter()
                .all(|token| token.kind == TokenKind::Number);
        if joined_by_apostrophe || joined_by_space {
            index += 1;
            continue;
        }
        break;
    }
    index
}

/// A number may start an amount unless it continues something else: a
/// time ("14:30"), a fraction or ratio ("24/7"), a phone ("+49"), a word
/// ("A4").
fn starts_an_amount(tokens: &[Token], start: usize) -> bool {
    let token = &tokens[start];
    if token.text.len() > 1 && token.text.starts_with('0') {
        return false;
    }
    let Some(previous) = start.checked_sub(1).map(|index| &tokens[index]) else {
        return true;
    };
    if previous.is_symbol('+') {
        return false;
    }
    if token.space_before {
        return true;
    }
    // A dash is allowed: "150-200 €" is a range (a phone's leading 0 or
    // its missing currency keeps "030-1234567" out).
    !(previous.kind == TokenKind::Word || matches!(previous.symbol(), Some(':' | '/' | '.' | ',')))
}

/// The value of a digit chain in minor units, or None when the chain is
/// not one amount ("12.03.2024", "1.00.0").
fn chain_value(chain: &[Token]) -> Option<u64> {
    // Groups and the separator before each (None for the first, ' ' for a
    // space or an apostrophe).
    let mut groups: Vec<(Option<char>, &str)> = Vec::new();
    let mut index = 0;
    while index < chain.len() {
        let token = &chain[index];
        if token.kind == TokenKind::Number {
            let separator = if groups.is_empty() { None } else { Some(' ') };
            groups.push((separator, token.text.as_str()));
            index += 1;
        } else {
            let separator = token.symbol();
            groups.push((separator, chain.get(index + 1)?.text.as_str()));
            index += 2;
        }
    }
    let (_, head) = groups[0];
    if groups.len() == 1 {
        return whole_units(head, "");
    }
    let (last_separator, last_digits) = *groups.last()?;
    let last_separator = last_separator?;
    let separators: Vec<char> = groups[1..]
        .iter()
        .filter_map(|(separator, _)| *separator)
        .collect();
    let decimal = match last_separator {
        ',' | '.' => {
            let same_kind_count = separators
                .iter()
                .filter(|&&separator| separator == last_separator)
                .count();
            let other_kinds = separators
                .iter()
                .any(|&separator| separator != last_separator);
            let looks_decimal = (1..=2).contains(&last_digits.len());
            looks_decimal && (same_kind_count == 1 || other_kinds)
        }
        _ => false,
    };
    let thousands = if decimal {
        &groups[..groups.len() - 1]
    } else {
        &groups[..]
    };
    let thousands_separators: Vec<char> = thousands[1..]
        .iter()
        .filter_map(|(separator, _)| *separator)
        .collect();
    let one_kind = thousands_separators
        .windows(2)
        .all(|pair| pair[0] == pair[1]);
    let grouped_in_threes = thousands[1..].iter().all(|(_, digits)| digits.len() == 3);
    if !one_kind || !grouped_in_threes || head.len() > 3 && thousands.len() > 1 {
        return None;
    }
    if decimal && thousands_separators.first() == Some(&last_separator) {
        return None;
    }
    let integer: String = thousands.iter().map(|(_, digits)| *digits).collect();
    whole_units(&integer, if decimal { last_digits } else { "" })
}

/// Minor units of an integer part and 0–2 decimal digits.
fn whole_units(integer: &str, decimals: &str) -> Option<u64> {
    if integer.len() > 12 || decimals.len() > 2 {
        return None;
    }
    let whole: u64 = integer.parse().ok()?;
    let cents: u64 = match decimals.len() {
        0 => 0,
        1 => decimals.parse::<u64>().ok()? * 10,
        _ => decimals.parse().ok()?,
    };
    let minor = whole.checked_mul(100)?.checked_add(cents)?;
    (minor > 0 && minor <= LARGEST_AMOUNT_MINOR).then_some(minor)
}

/// Every period phrase in the text, in order.
fn find_periods(tokens: &[Token]) -> Vec<Period> {
    let mut periods = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        match period_at(tokens, index) {
            Some(period) => {
                index = period.end;
                periods.push(period);
            }
            None => index += 1,
        }
    }
    periods
}

/// The unit of a price spanning tokens `start..end`; see the module doc for
/// the order of preference.
fn choose_period(
    tokens: &[Token],
    periods: &[Period],
    used: &mut [bool],
    start: usize,
    end: usize,
) -> PriceUnit {
    // Before: the phrase ends where the price starts, or only separators
    // ("1h: 150€", "Nacht - 800 €") lie between.
    let before = periods.iter().position(|period| {
        period.end <= start
            && !follows_ago_opener(tokens, period.start)
            && tokens[period.end..start].iter().all(|token| {
                token
                    .symbol()
                    .is_some_and(|symbol| PERIOD_GAP_SYMBOLS.contains(&symbol))
            })
    });
    // After, behind a linker: "/h", "per hour", "за час", "for 7 days".
    let mut after_start = end;
    // Abbreviated currencies end in a dot: "руб.", "грн.".
    if tokens
        .get(after_start)
        .is_some_and(|token| token.is_symbol('.') && !token.space_before)
    {
        after_start += 1;
    }
    let mut linked_start = after_start;
    while tokens.get(linked_start).is_some_and(|token| {
        token.is_symbol('/') || (token.kind == TokenKind::Word && is_linker(&token.text))
    }) {
        linked_start += 1;
    }
    // A period may begin inside the linker run: "for a night" is linked
    // by "for", and "a night" is the phrase.
    let linked = (linked_start > after_start)
        .then(|| {
            periods
                .iter()
                .position(|period| period.start > after_start && period.start <= linked_start)
        })
        .flatten();
    let plain = periods
        .iter()
        .position(|period| period.start == after_start);
    let candidates = [before, linked, plain];
    for candidate in candidates.into_iter().flatten() {
        if !used[candidate] {
            used[candidate] = true;
            return periods[candidate].unit();
        }
    }
    PriceUnit::Other
}

impl Period {
    fn unit(&self) -> PriceUnit {
        match (self.kind, self.quantity) {
            (PeriodKind::Hour, 1) | (PeriodKind::Minute, 60) => PriceUnit::Hour,
            (PeriodKind::Hour, 24) | (PeriodKind::Day, 1) => PriceUnit::Day,
            (PeriodKind::Night, 1) => PriceUnit::Night,
            (PeriodKind::Day, 7) | (PeriodKind::Week, 1) => PriceUnit::Days7,
            (PeriodKind::Day, 14) | (PeriodKind::Week, 2) => PriceUnit::Days14,
            (PeriodKind::Day, 21) | (PeriodKind::Week, 3) => PriceUnit::Days21,
            _ => PriceUnit::Other,
        }
    }
}

#[cfg(test)]
mod tests;
