//! The language of an ad's text, as an ISO 639-1 code with a confidence.
//!
//! Three witnesses, weakest first:
//!
//! 1. whatlang (trigram and alphabet statistics over 69 languages, Latin
//!    and Esperanto left out). Its confidence is the margin over the
//!    runner-up, which stays low on single sentences whose top guess is
//!    right, so every letter past `MIN_LETTERS` adds a hundredth to it.
//! 2. A vote of frequent short words (`language/words.rs`), each owned by
//!    one language, which carries short card texts where trigrams are
//!    noise. It wins when it is clear (two words or more, twice the
//!    runner-up) unless whatlang is sure and the vote thin.
//! 3. Letters that belong to one language only, which settle the pairs
//!    both confuse: Russian and Ukrainian (і ї є ґ are Ukrainian, ы э ё
//!    Russian, ў Belarusian; with Bulgarian also told apart by its "ъ" and
//!    by Russian's "-ся" and "-ие" endings), Romanian and the other Romance
//!    languages (ă ș ț and the cedilla forms ş ţ; ñ is Spanish), Polish and
//!    Czech or Slovak (ą ę ł ń ś ź ż; ř ě ů; ľ ĺ ŕ ô), Turkish (ğ ı).
//!    A letter decides only when it is frequent enough not to be a
//!    borrowed name ("Bucureşti" in a German sentence) and the other
//!    side's letters are absent.
//!
//! Texts under `MIN_LETTERS` letters, or guesses under `MIN_CONFIDENCE`,
//! give None: no language is better than a wrong one in a site's language
//! shares.

mod words;

use whatlang::{Detector, Lang};

/// A language guess for one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LanguageGuess {
    /// ISO 639-1 code, lower case.
    pub code: &'static str,
    /// 0 to 1; guesses below `MIN_CONFIDENCE` are never returned.
    pub confidence: f32,
}

/// Fewer letters than this is too little text to tell a language by.
pub const MIN_LETTERS: usize = 12;

/// Guesses less sure than this are dropped.
pub const MIN_CONFIDENCE: f32 = 0.5;

/// The language of `text`, or None when the text is too short or the guess
/// too weak.
pub fn detect_language(text: &str) -> Option<LanguageGuess> {
    let letters = LetterCounts::of(text);
    if letters.total < MIN_LETTERS {
        return None;
    }
    let vote = clear_vote(&words::word_votes(text));
    let base = match vote {
        // A vote this clear wins whatever the trigrams say (see below),
        // and they would only lift a confidence already at 0.95: whatlang,
        // the costliest step by far, is skipped.
        Some((code, strength)) if strength >= 0.95 => LanguageGuess {
            code,
            confidence: strength,
        },
        _ => whatlang_guess(text, &letters, vote)?,
    };
    let guess = match letters.decide(base.code, text) {
        Some((code, strength)) if code == base.code => LanguageGuess {
            code,
            confidence: base.confidence.max(strength),
        },
        Some((code, strength)) => LanguageGuess {
            code,
            confidence: strength,
        },
        None => base,
    };
    (guess.confidence >= MIN_CONFIDENCE).then_some(guess)
}

/// whatlang's guess, weighed against a word vote that is not decisive.
fn whatlang_guess(
    text: &str,
    letters: &LetterCounts,
    vote: Option<(&'static str, f32)>,
) -> Option<LanguageGuess> {
    let info = detector().detect(text)?;
    let whatlang_code = iso_639_1(info.lang())?;
    // whatlang's confidence is the margin over the runner-up, which stays
    // low on single sentences whose top guess is right; more text makes a
    // small margin trustworthy, so every letter past the minimum adds a
    // hundredth.
    let length_bonus = (letters.total - MIN_LETTERS) as f32 / 100.0;
    let whatlang_confidence = (info.confidence() as f32 + length_bonus).min(1.0);
    let whatlang_guess = LanguageGuess {
        code: whatlang_code,
        confidence: whatlang_confidence,
    };
    Some(match vote {
        Some((code, strength)) if code == whatlang_code => LanguageGuess {
            code,
            confidence: whatlang_confidence.max(strength),
        },
        // Trigrams that are sure of themselves outweigh a few words.
        Some((_, strength)) if whatlang_confidence >= 0.95 && strength < 0.95 => whatlang_guess,
        Some((code, strength)) => LanguageGuess {
            code,
            confidence: strength,
        },
        None => whatlang_guess,
    })
}

/// `code`, when `text` is plainly in it: its letters are mostly of
/// `code`'s script and its frequent words clearly elect `code` (the guess's
/// confidence is the vote's). A cheap check (no trigram statistics) that
/// spares the cards of a page a detection of their own; a text without
/// such words is not plain.
pub(crate) fn plainly_in(text: &str, code: &'static str) -> Option<LanguageGuess> {
    let (mut latin, mut cyrillic, mut other) = (0usize, 0usize, 0usize);
    for character in text.chars() {
        if !crate::fold::is_letter(character) {
            continue;
        }
        match character as u32 {
            0..=0x024F => latin += 1,
            0x0400..=0x04FF => cyrillic += 1,
            _ => other += 1,
        }
    }
    let cyrillic_language = matches!(code, "ru" | "uk" | "bg" | "be" | "mk" | "sr" | "kk");
    let script_fits = if cyrillic_language {
        cyrillic >= latin
    } else {
        latin >= cyrillic
    } && other <= latin + cyrillic;
    if !script_fits {
        return None;
    }
    let (voted, strength) = clear_vote(&words::word_votes(text))?;
    (voted == code && strength >= MIN_CONFIDENCE).then_some(LanguageGuess {
        code,
        confidence: strength,
    })
}

/// The language the word vote clearly elects (at least two words, twice
/// the runner-up) and how sure that makes it.
fn clear_vote(votes: &[(&'static str, usize)]) -> Option<(&'static str, f32)> {
    let &(code, count) = votes.first()?;
    let runner_up = votes.get(1).map_or(0, |&(_, count)| count);
    if count < 2 || count < 2 * runner_up {
        return None;
    }
    Some((code, (0.4 + 0.15 * count as f32).min(0.95)))
}

/// whatlang without the languages no ad is written in, whose trigrams
/// otherwise catch short Romance and Slavic texts.
fn detector() -> &'static Detector {
    static DETECTOR: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    DETECTOR.get_or_init(|| Detector::with_denylist(vec![Lang::Lat, Lang::Epo]))
}

/// Counts of the letters that tell confusable languages apart.
#[derive(Debug, Default)]
struct LetterCounts {
    total: usize,
    ukrainian: usize,
    russian: usize,
    belarusian: usize,
    romanian: usize,
    spanish: usize,
    polish: usize,
    czech: usize,
    slovak: usize,
    turkish: usize,
}

/// Clusters whatlang confuses, by ISO 639-1 code.
const EAST_SLAVIC: [&str; 4] = ["ru", "uk", "be", "bg"];
const ROMANCE: [&str; 6] = ["ro", "it", "es", "pt", "fr", "ca"];
const WEST_SLAVIC: [&str; 6] = ["pl", "cs", "sk", "sl", "hr", "sr"];
const TURKIC: [&str; 4] = ["tr", "az", "tk", "uz"];

impl LetterCounts {
    fn of(text: &str) -> LetterCounts {
        let mut counts = LetterCounts::default();
        for character in text.chars() {
            if !crate::fold::is_letter(character) {
                continue;
            }
            let character = crate::fold::lowercase_letter(character);
            counts.total += 1;
            match character {
                'і' | 'ї' | 'є' | 'ґ' => counts.ukrainian += 1,
                'ы' | 'э' | 'ё' => counts.russian += 1,
                'ў' => counts.belarusian += 1,
                'ă' | 'ș' | 'ş' | 'ț' | 'ţ' => counts.romanian += 1,
                'ñ' => counts.spanish += 1,
                'ą' | 'ę' | 'ł' | 'ń' | 'ś' | 'ź' | 'ż' => counts.polish += 1,
                'ř' | 'ě' | 'ů' => counts.czech += 1,
                'ľ' | 'ĺ' | 'ŕ' | 'ô' => counts.slovak += 1,
                'ğ' | 'ı' => counts.turkish += 1,
                _ => {}
            }
        }
        // ş is Turkish as well as (old-style) Romanian: with ğ or ı about,
        // it is Turkish.
        if counts.turkish > 0 {
            counts.romanian = 0;
        }
        counts
    }

    /// The language the letters decide within whatlang's cluster, with how
    /// sure they make it; None when they do not decide.
    fn decide(&self, whatlang_code: &str, text: &str) -> Option<(&'static str, f32)> {
        let in_cluster = |cluster: &[&str]| cluster.contains(&whatlang_code);
        if in_cluster(&EAST_SLAVIC) {
            if self.belarusian > 0 {
                return None;
            }
            return east_slavic(self, text);
        }
        if in_cluster(&ROMANCE) {
            return self.one_side("ro", self.romanian, "es", self.spanish);
        }
        if in_cluster(&WEST_SLAVIC) {
            let czech_or_slovak = self.czech + self.slovak;
            if let Some((code, strength)) = self.one_side("pl", self.polish, "cs", czech_or_slovak)
            {
                if code == "cs" && self.slovak > self.czech {
                    return Some(("sk", strength));
                }
                return Some((code, strength));
            }
            return None;
        }
        if in_cluster(&TURKIC) && self.strength(self.turkish) > 0.0 {
            return Some(("tr", self.strength(self.turkish)));
        }
        None
    }

    /// `first` when its letters are present and `second`'s absent (or far
    /// rarer), and the other way round.
    fn one_side(
        &self,
        first: &'static str,
        first_count: usize,
        second: &'static str,
        second_count: usize,
    ) -> Option<(&'static str, f32)> {
        if first_count > 3 * second_count && self.strength(first_count) > 0.0 {
            return Some((first, self.strength(first_count)));
        }
        if second_count > 3 * first_count && self.strength(second_count) > 0.0 {
            return Some((second, self.strength(second_count)));
        }
        None
    }

    /// How strongly `count` distinctive letters speak for a language: none
    /// below 2 letters or 1 % of all letters (a borrowed name), then from
    /// 0.7 up to 0.98.
    fn strength(&self, count: usize) -> f32 {
        if count < 2 || count * 100 < self.total {
            return 0.0;
        }
        (0.6 + 0.1 * count as f32).min(0.98)
    }
}

/// Russian, Ukrainian or Bulgarian, from letters (ы э ё; і ї є ґ) and
/// from short words only one of the three uses ("что", "що", "че"), which
/// whatlang's trigrams miss on single sentences without those letters.
fn east_slavic(letters: &LetterCounts, text: &str) -> Option<(&'static str, f32)> {
    let mut scores = [
        ("ru", 2 * letters.russian),
        ("uk", 2 * letters.ukrainian),
        ("bg", 0),
    ];
    for word in text
        .split(|character: char| !crate::fold::is_letter(character))
        .filter(|word| !word.is_empty())
    {
        let word = word.to_lowercase();
        for (slot, words) in [RUSSIAN_WORDS, UKRAINIAN_WORDS, BULGARIAN_WORDS]
            .iter()
            .enumerate()
        {
            if words.contains(&word.as_str()) {
                scores[slot].1 += 1;
            }
        }
        // Bulgarian has no reflexive "-ся" / "-сь", no adjective plurals
        // in "-ие" / "-ые", no long adjective endings "-ая", "-яя", "-ый"
        // and no infinitive in "-ть": such words are Russian (or
        // Ukrainian, whose letters decide below).
        let not_bulgarian = word.ends_with("ся")
            || word.ends_with("сь")
            || word.ends_with("ые")
            || (word.ends_with("ие") && !word.ends_with("ние"))
            || word.ends_with("ая")
            || word.ends_with("яя")
            || word.ends_with("ый")
            || (word.ends_with("ть") && word.chars().count() > 3);
        if not_bulgarian {
            scores[0].1 += 1;
        }
        // ъ before a consonant or at the end ("център", "входът") is
        // Bulgarian; before е ё ю я ("объявление") Russian.
        let mut characters = word.chars().peekable();
        while let Some(character) = characters.next() {
            if character == 'ъ' {
                match characters.peek() {
                    Some('е' | 'ё' | 'ю' | 'я') => scores[0].1 += 1,
                    _ => scores[2].1 += 1,
                }
            }
        }
    }
    // A Ukrainian sentence without і, ї, є or ґ is rare enough that their
    // absence rules Ukrainian out in any text of some length.
    if letters.ukrainian == 0 && letters.total >= 20 {
        scores[1].1 = 0;
    }
    scores.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
    let (best, best_score) = scores[0];
    let runner_up = scores[1].1;
    if best_score < 2 || best_score < 2 * runner_up {
        return None;
    }
    Some((best, (0.6 + 0.08 * best_score as f32).min(0.98)))
}

/// Frequent words of one of Russian, Ukrainian, Bulgarian and of neither
/// other (so "и", "на", "вас", "вечер", "може", "година" are left out).
const RUSSIAN_WORDS: &[&str] = &[
    "что",
    "это",
    "если",
    "есть",
    "очень",
    "только",
    "уже",
    "она",
    "мы",
    "вы",
    "все",
    "всё",
    "его",
    "её",
    "ее",
    "меня",
    "был",
    "была",
    "было",
    "были",
    "когда",
    "где",
    "который",
    "которая",
    "также",
    "тоже",
    "можно",
    "нужно",
    "сейчас",
    "здесь",
    "сегодня",
    "вечером",
    "утром",
    "всего",
    "каждый",
    "каждые",
    "лет",
    "году",
    "ещё",
    "еще",
    "после",
    "пожалуйста",
    "спасибо",
    "мне",
    "рядом",
];
const UKRAINIAN_WORDS: &[&str] = &[
    "що",
    "це",
    "якщо",
    "дуже",
    "лише",
    "тільки",
    "вже",
    "вона",
    "всі",
    "усі",
    "його",
    "її",
    "мене",
    "був",
    "була",
    "було",
    "були",
    "коли",
    "де",
    "який",
    "яка",
    "також",
    "теж",
    "можна",
    "потрібно",
    "зараз",
    "сьогодні",
    "ввечері",
    "вранці",
    "кожні",
    "кожен",
    "років",
    "рік",
    "році",
    "після",
    "будь",
    "ласка",
    "дякую",
    "та",
    "і",
    "й",
    "із",
    "зі",
    "від",
    "або",
    "мені",
    "поруч",
];
const BULGARIAN_WORDS: &[&str] = &[
    "че",
    "това",
    "ако",
    "много",
    "само",
    "вече",
    "тя",
    "ние",
    "вие",
    "всички",
    "него",
    "нея",
    "мен",
    "беше",
    "бяха",
    "когато",
    "къде",
    "който",
    "която",
    "също",
    "трябва",
    "сега",
    "днес",
    "сутрин",
    "всеки",
    "още",
    "през",
    "след",
    "преди",
    "моля",
    "благодаря",
    "се",
    "е",
    "са",
    "съм",
    "си",
];

/// whatlang's language as ISO 639-1.
fn iso_639_1(lang: Lang) -> Option<&'static str> {
    let code = match lang {
        Lang::Epo => "eo",
        Lang::Eng => "en",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ben => "bn",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ukr => "uk",
        Lang::Kat => "ka",
        Lang::Ara => "ar",
        Lang::Hin => "hi",
        Lang::Jpn => "ja",
        Lang::Heb => "he",
        Lang::Yid => "yi",
        Lang::Pol => "pl",
        Lang::Amh => "am",
        Lang::Jav => "jv",
        Lang::Kor => "ko",
        Lang::Nob => "nb",
        Lang::Dan => "da",
        Lang::Swe => "sv",
        Lang::Fin => "fi",
        Lang::Tur => "tr",
        Lang::Nld => "nl",
        Lang::Hun => "hu",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Bul => "bg",
        Lang::Bel => "be",
        Lang::Mar => "mr",
        Lang::Kan => "kn",
        Lang::Ron => "ro",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Mkd => "mk",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Tam => "ta",
        Lang::Vie => "vi",
        Lang::Urd => "ur",
        Lang::Tha => "th",
        Lang::Guj => "gu",
        Lang::Uzb => "uz",
        Lang::Pan => "pa",
        Lang::Aze => "az",
        Lang::Ind => "id",
        Lang::Tel => "te",
        Lang::Pes => "fa",
        Lang::Mal => "ml",
        Lang::Ori => "or",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Sin => "si",
        Lang::Khm => "km",
        Lang::Tuk => "tk",
        Lang::Aka => "ak",
        Lang::Zul => "zu",
        Lang::Sna => "sn",
        Lang::Afr => "af",
        Lang::Lat => "la",
        Lang::Slk => "sk",
        Lang::Cat => "ca",
        Lang::Tgl => "tl",
        Lang::Hye => "hy",
        Lang::Cym => "cy",
    };
    Some(code)
}
