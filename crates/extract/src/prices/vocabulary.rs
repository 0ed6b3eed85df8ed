//! The words of prices: currency symbols, codes and names in our languages,
//! and the period phrases a price buys ("1h", "per hour", "Nacht",
//! "7 Tage", "2 weeks", "saatlik"). Words are folded once (`crate::fold`)
//! and compared with folded tokens.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::Currency;
use crate::signal_tokens::{vocabulary_words, Token, TokenKind};

/// A currency written at tokens `start..end`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CurrencyMark {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) currency: Currency,
    /// "Ft": forint, or feet in a height ("5 ft 7").
    pub(crate) is_forint_abbreviation: bool,
}

/// What a period phrase names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PeriodKind {
    Minute,
    Hour,
    Night,
    Day,
    Week,
}

/// A period phrase at tokens `start..end`: "2 hours" is (Hour, 2).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Period {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: PeriodKind,
    pub(crate) quantity: u32,
}

/// Symbols allowed between a period phrase and the price after it.
pub(crate) const PERIOD_GAP_SYMBOLS: [char; 6] = [':', '-', '–', '—', '=', '('];

const CURRENCY_SYMBOLS: [(char, Currency); 6] = [
    ('€', Currency::Eur),
    ('$', Currency::Usd),
    ('£', Currency::Gbp),
    ('₺', Currency::Try),
    ('₴', Currency::Uah),
    ('₽', Currency::Rub),
];

const CURRENCY_WORDS: [(Currency, &[&str]); 15] = [
    (
        Currency::Eur,
        &["eur", "euro", "euros", "евро", "євро", "evro"],
    ),
    (
        Currency::Usd,
        &[
            "usd",
            "dollar",
            "dollars",
            "доллар",
            "доллара",
            "долларов",
            "долл",
            "долар",
            "долара",
            "доларів",
            "дол",
        ],
    ),
    (Currency::Gbp, &["gbp"]),
    (Currency::Chf, &["chf", "sfr"]),
    (
        Currency::Pln,
        &["zł", "pln", "złotych", "złote", "złoty", "zlotych", "zloty"],
    ),
    (Currency::Ron, &["lei", "leu", "ron"]),
    (Currency::Try, &["tl", "try", "lira", "lirası"]),
    (
        Currency::Uah,
        &[
            "грн",
            "uah",
            "гривень",
            "гривні",
            "гривня",
            "гривен",
            "гривны",
            "hrn",
        ],
    ),
    (
        Currency::Rub,
        &["руб", "rub", "рублей", "рубля", "рубль", "rubles"],
    ),
    (Currency::Czk, &["kč", "czk", "korun", "koruna"]),
    (Currency::Huf, &["ft", "huf", "forint"]),
    (Currency::Bgn, &["лв", "bgn", "лева", "лев"]),
    (Currency::Sek, &["sek"]),
    (Currency::Nok, &["nok"]),
    (Currency::Dkk, &["dkk"]),
];

/// Codes that are also ordinary words ("try", "Ron", "body rub"): only
/// taken when written in capitals.
const CAPITALS_ONLY: [&str; 3] = ["try", "ron", "rub"];

/// Words between a price and its period: "/ h", "per hour", "pro Stunde",
/// "la heure", "за час", "pe oră", "za godzinę", "for 7 days", "на 14 дней".
const LINKER_WORDS: [&str; 26] = [
    "per", "pro", "je", "par", "la", "l", "a", "al", "el", "all", "alla", "for", "für", "pour",
    "por", "pentru", "za", "на", "за", "pe", "na", "de", "the", "each", "um", "o",
];

const PERIOD_WORDS: [(PeriodKind, &[&str]); 5] = [
    (
        PeriodKind::Minute,
        &[
            "min",
            "mins",
            "minute",
            "minutes",
            "minuten",
            "minuti",
            "minutos",
            "мин",
            "минут",
            "хв",
            "хвилин",
            "minut",
            "dakika",
            "dk",
        ],
    ),
    (
        PeriodKind::Hour,
        &[
            "h",
            "hr",
            "hrs",
            "hour",
            "hours",
            "std",
            "stunde",
            "stunden",
            "stundensatz",
            "heure",
            "heures",
            "hora",
            "horas",
            "ora",
            "ore",
            "oră",
            "час",
            "часа",
            "часов",
            "ч",
            "година",
            "годину",
            "години",
            "годин",
            "год",
            "godzina",
            "godzinę",
            "godziny",
            "godzin",
            "godz",
            "saat",
        ],
    ),
    (
        PeriodKind::Night,
        &[
            "night",
            "nights",
            "overnight",
            "nacht",
            "nächte",
            "übernachtung",
            "nuit",
            "nuits",
            "noche",
            "noches",
            "notte",
            "notti",
            "ночь",
            "ночи",
            "ніч",
            "ночі",
            "noapte",
            "nopți",
            "noc",
            "nocy",
            "gece",
        ],
    ),
    (
        PeriodKind::Day,
        &[
            "day",
            "days",
            "tag",
            "tage",
            "tagen",
            "jour",
            "jours",
            "journée",
            "journées",
            "doba",
            "dobę",
            "doby",
            "día",
            "días",
            "giorno",
            "giorni",
            "день",
            "дня",
            "дней",
            "сутки",
            "суток",
            "дні",
            "днів",
            "доба",
            "добу",
            "zi",
            "zile",
            "dzień",
            "dni",
            "gün",
        ],
    ),
    (
        PeriodKind::Week,
        &[
            "week",
            "weeks",
            "woche",
            "wochen",
            "semaine",
            "semaines",
            "semana",
            "semanas",
            "settimana",
            "settimane",
            "неделя",
            "неделю",
            "недели",
            "недель",
            "тиждень",
            "тижні",
            "тижнів",
            "săptămână",
            "săptămâni",
            "tydzień",
            "tygodnie",
            "tygodni",
            "hafta",
        ],
    ),
];

/// Words that name a single period by themselves and take no amount:
/// "hourly", "saatlik", "gecelik", "посуточно".
const PERIOD_ADJECTIVES: [(PeriodKind, &[&str]); 4] = [
    (
        PeriodKind::Hour,
        &[
            "hourly",
            "stündlich",
            "saatlik",
            "погодинно",
            "почасово",
            "почасовая",
        ],
    ),
    (PeriodKind::Night, &["nightly", "gecelik"]),
    (
        PeriodKind::Day,
        &["daily", "täglich", "günlük", "посуточно", "подобово"],
    ),
    (PeriodKind::Week, &["weekly", "wöchentlich", "haftalık"]),
];

const QUANTITY_WORDS: [(u32, &[&str]); 4] = [
    (
        1,
        &[
            "one", "a", "an", "ein", "eine", "einen", "einer", "un", "une", "una", "uno", "o",
            "один", "одна", "одну", "одни", "jeden", "jedna", "jedną", "bir",
        ],
    ),
    (
        2,
        &[
            "two", "zwei", "deux", "dos", "due", "doi", "două", "два", "две", "дві", "dwa", "dwie",
            "iki",
        ],
    ),
    (
        3,
        &[
            "three", "drei", "trois", "tres", "tre", "trei", "три", "trzy", "üç",
        ],
    ),
    (
        7,
        &[
            "seven", "sieben", "sept", "siete", "sette", "șapte", "семь", "сім", "siedem", "yedi",
        ],
    ),
];

struct Lookups {
    currencies: HashMap<String, Currency>,
    linkers: HashSet<String>,
    periods: HashMap<String, PeriodKind>,
    adjectives: HashMap<String, PeriodKind>,
    quantities: HashMap<String, u32>,
}

fn lookups() -> &'static Lookups {
    static LOOKUPS: OnceLock<Lookups> = OnceLock::new();
    LOOKUPS.get_or_init(|| {
        let word = |entry: &str| vocabulary_words(entry).join(" ");
        let mut currencies = HashMap::new();
        for (currency, names) in CURRENCY_WORDS {
            for name in names {
                currencies.insert(word(name), currency);
            }
        }
        let mut periods = HashMap::new();
        for (kind, names) in PERIOD_WORDS {
            for name in names {
                periods.insert(word(name), kind);
            }
        }
        let mut adjectives = HashMap::new();
        for (kind, names) in PERIOD_ADJECTIVES {
            for name in names {
                adjectives.insert(word(name), kind);
            }
        }
        let mut quantities = HashMap::new();
        for (value, names) in QUANTITY_WORDS {
            for name in names {
                quantities.insert(word(name), value);
            }
        }
        Lookups {
            currencies,
            linkers: LINKER_WORDS.iter().map(|entry| word(entry)).collect(),
            periods,
            adjectives,
            quantities,
        }
    })
}

/// A currency whose first token is at `index`; an abbreviation's dot
/// ("руб.", "грн.") belongs to it.
pub(crate) fn currency_at(text: &str, tokens: &[Token], index: usize) -> Option<CurrencyMark> {
    let token = tokens.get(index)?;
    let mut mark = single_token_currency(text, token, index)?;
    if token.kind == TokenKind::Word
        && tokens
            .get(index + 1)
            .is_some_and(|next| next.is_symbol('.') && !next.space_before)
    {
        mark.end += 1;
    }
    Some(mark)
}

/// A currency whose last token is at `index` (a currency before its
/// amount: "€150", "EUR 150").
pub(crate) fn currency_ending_at(
    text: &str,
    tokens: &[Token],
    index: usize,
) -> Option<CurrencyMark> {
    single_token_currency(text, tokens.get(index)?, index)
}

fn single_token_currency(text: &str, token: &Token, index: usize) -> Option<CurrencyMark> {
    let currency = match token.kind {
        TokenKind::Symbol => {
            let symbol = token.symbol()?;
            CURRENCY_SYMBOLS
                .iter()
                .find(|(candidate, _)| *candidate == symbol)
                .map(|(_, currency)| *currency)?
        }
        TokenKind::Word => {
            let currency = *lookups().currencies.get(&token.text)?;
            let original = &text[token.start..token.end];
            let capitals = original.chars().all(|character| character.is_uppercase());
            if CAPITALS_ONLY.contains(&token.text.as_str()) && !capitals {
                return None;
            }
            currency
        }
        TokenKind::Number => return None,
    };
    Some(CurrencyMark {
        start: index,
        end: index + 1,
        currency,
        is_forint_abbreviation: token.is_word("ft"),
    })
}

/// Words that open a relative date before its amount ("vor 2 Tagen", "il
/// y a 3 jours", "hace 2 días", "acum 5 ore"): a period after one is a
/// posting time, not what a price buys. (Not Portuguese "há": folded, it
/// is Russian "на", "for", which opens rental periods.)
const AGO_OPENERS: [&[&str]; 4] = [&["vor"], &["il", "y", "a"], &["hace"], &["acum"]];

/// Whether the words just before token `index` open a relative date.
pub(crate) fn follows_ago_opener(tokens: &[Token], index: usize) -> bool {
    AGO_OPENERS.iter().any(|opener| {
        index >= opener.len()
            && tokens[index - opener.len()..index]
                .iter()
                .zip(opener.iter())
                .all(|(token, word)| token.is_word(word))
    })
}

/// Whether a folded word links a price to its period ("per", "за").
pub(crate) fn is_linker(word: &str) -> bool {
    lookups().linkers.contains(word)
}

/// A period phrase starting at `index`: [amount] unit, or an adjective.
pub(crate) fn period_at(tokens: &[Token], index: usize) -> Option<Period> {
    let lookups = lookups();
    let token = tokens.get(index)?;
    if token.kind != TokenKind::Number && token.kind != TokenKind::Word {
        return None;
    }
    if let Some(&kind) = lookups.adjectives.get(&token.text) {
        return Some(Period {
            start: index,
            end: index + 1,
            kind,
            quantity: 1,
        });
    }
    if let Some(&kind) = lookups.periods.get(&token.text) {
        return Some(Period {
            start: index,
            end: index + 1,
            kind,
            quantity: 1,
        });
    }
    let quantity = match token.kind {
        TokenKind::Number if token.digit_count() <= 3 => u32::try_from(token.number()?).ok()?,
        TokenKind::Word => *lookups.quantities.get(&token.text)?,
        _ => return None,
    };
    // Romanian puts "de" between a number from 20 up and its noun ("21 de
    // zile").
    let unit_index = if tokens
        .get(index + 1)
        .is_some_and(|token| token.is_word("de"))
    {
        index + 2
    } else {
        index + 1
    };
    let unit = tokens.get(unit_index)?;
    let &kind = lookups
        .periods
        .get(&unit.text)
        .filter(|_| unit.kind == TokenKind::Word)?;
    // A dot after an abbreviation ("Std.", "godz.") is part of the phrase.
    let mut end = unit_index + 1;
    if tokens
        .get(end)
        .is_some_and(|next| next.is_symbol('.') && !next.space_before)
    {
        end += 1;
    }
    Some(Period {
        start: index,
        end,
        kind,
        quantity,
    })
}
