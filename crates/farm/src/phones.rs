//! Phone numbers on ads: a number is a position in its country's pool of
//! fictional-or-valid numbers (`vocabulary/places.rs`), printed the way ads
//! print them: national or international format, or obscured the way real
//! ads hide numbers from filters (digits as words in the site's language,
//! digits split by separators, look-alike letters, half words). Every shown
//! form recovers to the same E.164, which is what the truth records.

use serde::{Deserialize, Serialize};

use crate::vocabulary::{Country, Language};

/// How an ad prints its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhoneFormat {
    /// `0664 0123456`.
    National,
    /// `+43 664 0123456`.
    International,
    /// `null sechs sechs vier …`: every digit a word of the site's language.
    Words,
    /// `0.6.6.4 / 0.1.2.3.4.5.6`: digits split up.
    Separators,
    /// `O664 Ol23456`: `0` and `1` written as letters that look like them.
    LookAlike,
    /// `0664 null eins zwei …`: the first group in digits, the rest as words.
    Mixed,
}

impl PhoneFormat {
    /// Whether the form hides the number from a plain digit search.
    pub fn is_obscured(self) -> bool {
        !matches!(self, PhoneFormat::National | PhoneFormat::International)
    }
}

/// One number of a country's pool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PhoneNumber {
    pub(crate) country: &'static Country,
    block_index: usize,
    subscriber: u64,
}

/// How many numbers the country's pool holds.
pub(crate) fn pool_size(country: &Country) -> u64 {
    country
        .phone_plan
        .blocks
        .iter()
        .map(|block| 10u64.pow(block.free_digits))
        .sum()
}

/// Number `position` (taken modulo the pool) of `country`'s pool.
pub(crate) fn number_at(country: &'static Country, position: u64) -> PhoneNumber {
    let mut remaining = position % pool_size(country).max(1);
    for (block_index, block) in country.phone_plan.blocks.iter().enumerate() {
        let size = 10u64.pow(block.free_digits);
        if remaining < size {
            return PhoneNumber {
                country,
                block_index,
                subscriber: remaining,
            };
        }
        remaining -= size;
    }
    // Unreachable for a non-empty plan: `remaining` is below the pool size.
    PhoneNumber {
        country,
        block_index: 0,
        subscriber: 0,
    }
}

impl PhoneNumber {
    /// The national significant number: block prefix then subscriber digits.
    pub(crate) fn national_significant(&self) -> String {
        let block = &self.country.phone_plan.blocks[self.block_index];
        format!(
            "{}{:0width$}",
            block.prefix,
            self.subscriber,
            width = block.free_digits as usize
        )
    }

    /// `+4366401234567`.
    pub(crate) fn e164(&self) -> String {
        format!(
            "+{}{}",
            self.country.phone_plan.calling_code,
            self.national_significant()
        )
    }

    fn groups(&self) -> Vec<String> {
        let block = &self.country.phone_plan.blocks[self.block_index];
        let digits = self.national_significant();
        let mut groups = Vec::with_capacity(block.groups.len());
        let mut start = 0;
        for &length in block.groups {
            let end = (start + length).min(digits.len());
            groups.push(digits[start..end].to_owned());
            start = end;
        }
        if start < digits.len() {
            groups.push(digits[start..].to_owned());
        }
        groups
    }

    /// As dialled at home: trunk prefix and grouped digits (`0664 0123456`).
    pub(crate) fn national(&self) -> String {
        let mut groups = self.groups();
        let trunk = self.country.phone_plan.trunk_prefix;
        if trunk == "8" {
            // Russia writes the trunk prefix apart: `8 999 012 34 56`.
            groups.insert(0, trunk.to_owned());
        } else if let Some(first) = groups.first_mut() {
            first.insert_str(0, trunk);
        }
        groups.join(" ")
    }

    /// `+43 664 0123456`.
    pub(crate) fn international(&self) -> String {
        format!(
            "+{} {}",
            self.country.phone_plan.calling_code,
            self.groups().join(" ")
        )
    }

    /// The number printed in `format`; `variant` picks among equivalent
    /// spellings (which separator, which look-alike letters). Returns the
    /// format actually used: a number with no `0` or `1` cannot be written
    /// with look-alikes and falls back to separators.
    pub(crate) fn show(
        &self,
        format: PhoneFormat,
        language: &Language,
        variant: u64,
    ) -> (String, PhoneFormat) {
        let national = self.national();
        match format {
            PhoneFormat::National => (national, format),
            PhoneFormat::International => (self.international(), format),
            PhoneFormat::Words => (digits_as_words(&national, language, " "), format),
            PhoneFormat::Separators => (separated(&national, variant), format),
            PhoneFormat::LookAlike => {
                let cyrillic = matches!(language.code, "ru" | "uk");
                let one = if variant % 2 == 0 { 'l' } else { 'I' };
                let zero = if cyrillic { 'О' } else { 'O' };
                let replaced: String = national
                    .chars()
                    .map(|character| match character {
                        '0' => zero,
                        '1' => one,
                        other => other,
                    })
                    .collect();
                if replaced == national {
                    (separated(&national, variant), PhoneFormat::Separators)
                } else {
                    (replaced, format)
                }
            }
            PhoneFormat::Mixed => {
                let (first, rest) = national.split_once(' ').unwrap_or((national.as_str(), ""));
                let words = digits_as_words(rest, language, "-");
                (format!("{first} {words}"), format)
            }
        }
    }
}

/// Every digit of `text` as a word, joined by `joiner`; other characters dropped.
fn digits_as_words(text: &str, language: &Language, joiner: &str) -> String {
    text.chars()
        .filter_map(|character| character.to_digit(10))
        .map(|digit| language.digit_words[digit as usize])
        .collect::<Vec<_>>()
        .join(joiner)
}

/// Digits split by a separator, groups by a slash: `0.6.6.4 / 0.1.2`.
fn separated(national: &str, variant: u64) -> String {
    let separator = [".", "-", " ", "_"][(variant % 4) as usize];
    national
        .split(' ')
        .map(|group| {
            group
                .chars()
                .map(String::from)
                .collect::<Vec<_>>()
                .join(separator)
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

#[cfg(test)]
mod tests {
    use super::{number_at, pool_size, PhoneFormat};
    use crate::vocabulary::{country, language};

    #[test]
    fn formats_of_one_number() {
        let austria = country("AT");
        let number = number_at(austria, 123_456);
        assert_eq!(number.e164(), "+436640123456");
        assert_eq!(number.national(), "0664 0123456");
        assert_eq!(number.international(), "+43 664 0123456");
        let german = language("de");
        let check = |format: PhoneFormat, expected: &str| {
            assert_eq!(number.show(format, german, 0).0, expected, "{format:?}");
        };
        check(
            PhoneFormat::Words,
            "null sechs sechs vier null eins zwei drei vier fünf sechs",
        );
        check(PhoneFormat::Separators, "0.6.6.4 / 0.1.2.3.4.5.6");
        check(PhoneFormat::LookAlike, "O664 Ol23456");
        check(
            PhoneFormat::Mixed,
            "0664 null-eins-zwei-drei-vier-fünf-sechs",
        );
        let russia = number_at(country("RU"), 1234);
        assert_eq!(russia.national(), "8 999 000 12 34");
        assert_eq!(russia.e164(), "+79990001234");
        let britain = country("GB");
        assert_eq!(pool_size(britain), 14_000);
        assert_eq!(number_at(britain, 1_005).national(), "0113 496 0005");
        assert_eq!(number_at(britain, 14_005).e164(), "+442079460005");
    }
}
