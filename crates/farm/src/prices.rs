//! Prices on ads: an amount drawn in euros for a unit (hour, night, day, a
//! rental of 7, 14 or 21 days, a month), scaled to the site's currency,
//! rounded the way price lists round, and printed in the site's locale
//! (`150 €`, `£120`, `8 000 ₽ за час`, `3.000 TL / saat`).

use serde::{Deserialize, Serialize};

use crate::seeded::SeededRandom;
use crate::vocabulary::{Currency, Language};

/// What a price pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PriceUnit {
    #[serde(rename = "hour")]
    Hour,
    #[serde(rename = "night")]
    Night,
    #[serde(rename = "day")]
    Day,
    #[serde(rename = "7-days")]
    SevenDays,
    #[serde(rename = "14-days")]
    FourteenDays,
    #[serde(rename = "21-days")]
    TwentyOneDays,
    #[serde(rename = "month")]
    Month,
}

impl PriceUnit {
    /// Range of the amount in euros.
    fn euro_range(self) -> (u64, u64) {
        match self {
            PriceUnit::Hour => (80, 300),
            PriceUnit::Night => (400, 1_500),
            PriceUnit::Day => (600, 2_000),
            PriceUnit::SevenDays => (2_000, 6_000),
            PriceUnit::FourteenDays => (3_500, 10_000),
            PriceUnit::TwentyOneDays => (5_000, 14_000),
            PriceUnit::Month => (1_000, 4_000),
        }
    }

    fn words(self, language: &Language) -> String {
        let units = &language.units;
        match self {
            PriceUnit::Hour => units.hour.to_owned(),
            PriceUnit::Night => units.night.to_owned(),
            PriceUnit::Day => units.day.to_owned(),
            PriceUnit::SevenDays => language.plural.phrase(&units.days, 7),
            PriceUnit::FourteenDays => language.plural.phrase(&units.days, 14),
            PriceUnit::TwentyOneDays => language.plural.phrase(&units.days, 21),
            PriceUnit::Month => units.month.to_owned(),
        }
    }
}

/// An amount in `currency` for `unit`, rounded to a price-list step.
pub(crate) fn draw_amount(random: &mut SeededRandom, unit: PriceUnit, currency: Currency) -> u64 {
    let (low, high) = unit.euro_range();
    let euros = random.between(low, high) as f64;
    let local = euros * currency.per_euro();
    let step = match local as u64 {
        0..=99 => 5,
        100..=999 => 10,
        1_000..=9_999 => 50,
        10_000..=99_999 => 500,
        _ => 5_000,
    };
    ((local / step as f64).round() as u64).max(1) * step
}

/// `150 € pro Stunde`, `ab £120 per hour`.
pub(crate) fn price_text(
    amount: u64,
    currency: Currency,
    unit: PriceUnit,
    starting_from: bool,
    language: &Language,
) -> String {
    let grouped = group_thousands(amount, language.thousands_separator);
    let money = currency.attach(&grouped, language.code);
    let unit_words = unit.words(language);
    if starting_from {
        format!("{} {money} {unit_words}", language.units.from)
    } else {
        format!("{money} {unit_words}")
    }
}

/// `8000` → `8 000` with `separator` between groups of three digits.
pub(crate) fn group_thousands(amount: u64, separator: &str) -> String {
    let digits = amount.to_string();
    let mut grouped = String::with_capacity(digits.len() + 4);
    for (position, character) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position) % 3 == 0 {
            grouped.push_str(separator);
        }
        grouped.push(character);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::{group_thousands, price_text, PriceUnit};
    use crate::vocabulary::{language, Currency};

    #[test]
    fn prices_in_locales() {
        assert_eq!(group_thousands(8000, " "), "8 000");
        assert_eq!(group_thousands(1234567, "."), "1.234.567");
        assert_eq!(group_thousands(999, ","), "999");
        let check = |amount, currency, unit, from, code: &str, expected: &str| {
            assert_eq!(
                price_text(amount, currency, unit, from, language(code)),
                expected
            );
        };
        check(
            150,
            Currency::Euro,
            PriceUnit::Hour,
            false,
            "de",
            "150 € pro Stunde",
        );
        check(
            120,
            Currency::PoundSterling,
            PriceUnit::Night,
            true,
            "en",
            "from £120 per night",
        );
        check(
            8000,
            Currency::Rouble,
            PriceUnit::Hour,
            false,
            "ru",
            "8 000 ₽ за час",
        );
        check(
            90000,
            Currency::Rouble,
            PriceUnit::TwentyOneDays,
            false,
            "ru",
            "90 000 ₽ за 21 день",
        );
        check(
            3000,
            Currency::Lira,
            PriceUnit::Hour,
            false,
            "tr",
            "3.000 TL / saat",
        );
        check(
            1500,
            Currency::Euro,
            PriceUnit::SevenDays,
            false,
            "en",
            "€1,500 for 7 days",
        );
    }
}
