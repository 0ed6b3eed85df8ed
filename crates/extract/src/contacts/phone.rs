//! Phone numbers in ad text, including the obscured ones.
//!
//! Ads hide numbers from filters by spelling digits as words ("null sechs
//! sechs vier"), spreading them out ("0 6 6 4 - 1 2 3"), swapping in
//! look-alike letters ("O664 l23 4567") or spelling the plus ("plus 43").
//! The scan here is cheap and runs on every card: it walks the folded text
//! once (`crate::fold`, line by line: case, marks and Cyrillic look-alikes
//! are gone, so "О664", "O664" and "o664" are one form and a number word
//! is looked up without folding it again),
//! turning it into *runs* of digit-bearing atoms (digit groups, number
//! words, look-alike letters, a leading plus) joined by short separators.
//! Only runs with at least [`MIN_DIGITS`] digits reach the `phonenumber`
//! crate, which parses them with the site's country as default region and
//! keeps only numbers valid for their region.
//!
//! What keeps prices, dates, ages, ad ids and postcodes out:
//! - they are short (a run needs seven digits), or
//! - they are glued to a letter or an id sign ("ID123456789", "#4821337",
//!   "/ad/48213377"): such a group ends the run and is dropped, or
//! - they have the shape of a date (d.m.y or y-m-d), or
//! - in a region with a national trunk prefix (0 in AT, DE, FR, GB, …; 8 in
//!   RU) a number without "+", "00" or that prefix is refused, however
//!   valid its digits look; this is what stops "23 170 55" in Austria.
//!
//! A run longer than any number, or one that fails as a whole (two fields
//! that ended up on one line), is searched for its longest valid stretch of
//! atoms, with a budget of parse attempts so hostile text stays cheap.
//!
//! The recovered numbers never leave the `contacts` module: the caller turns
//! them into keyed pseudonyms at once.

use std::sync::OnceLock;

use super::number_words::{self, WordMeaning, LONGEST_NUMBER_WORD_BYTES};

/// Fewest digits a run needs before it is parsed (the shortest national
/// numbers in the OSCE region, with trunk prefix, have seven).
pub(super) const MIN_DIGITS: usize = 7;

/// Most digits a candidate may have: 15 for E.164, plus "00" and a "(0)".
const MAX_DIGITS: usize = 18;

/// Parse attempts allowed per run when searching inside it.
const PARSE_ATTEMPTS_PER_RUN: usize = 16;

/// Parse attempts allowed per card text: a card of digit soup costs a
/// bounded number of parser calls (about 12 µs each), whatever its length.
const PARSE_ATTEMPTS_PER_TEXT: usize = 64;

/// Most separator characters between two atoms of one number.
const MAX_GAP_CHARACTERS: usize = 4;

/// Most characters in one look-alike word ("lOO").
const MAX_LOOK_ALIKE_CHARACTERS: usize = 4;

/// A phone number recovered from text or a link, in E.164. Deliberately not
/// `Debug`: it holds the raw number.
pub(super) struct RecoveredPhone {
    pub(super) e164: String,
    /// Whether any step beyond plain formatting was needed to read it.
    pub(super) obscured: bool,
}

/// The region metadata a scan parses against, looked up once per call.
pub(super) struct Region {
    id: Option<phonenumber::country::Id>,
    /// The national trunk prefix ("0", "8"), when the region has one.
    trunk_prefix: Option<&'static str>,
}

impl Region {
    /// The region for an ISO 3166 alpha-2 code; an unknown code parses only
    /// numbers written in international form.
    pub(super) fn new(alpha2: &str) -> Region {
        let id: Option<phonenumber::country::Id> = alpha2.trim().to_ascii_uppercase().parse().ok();
        let trunk_prefix = id.and_then(|id| {
            phonenumber::metadata::DATABASE
                .by_id(id.as_ref())
                .and_then(|metadata| metadata.national_prefix())
        });
        Region { id, trunk_prefix }
    }
}

/// Every valid phone number in `folded_text` (the card text after
/// `crate::fold`, line by line so newlines still end a number), in text
/// order, repeats included.
pub(super) fn find_phones_in_text(folded_text: &str, region: &Region) -> Vec<RecoveredPhone> {
    let mut found = Vec::new();
    let mut attempts_left_in_text = PARSE_ATTEMPTS_PER_TEXT;
    for run in scan_runs(folded_text) {
        let mut attempts_left = PARSE_ATTEMPTS_PER_RUN.min(attempts_left_in_text);
        let budget = attempts_left;
        search_range(
            &run.atoms,
            0,
            run.atoms.len(),
            region,
            &mut attempts_left,
            &mut found,
        );
        attempts_left_in_text -= budget - attempts_left;
        if attempts_left_in_text == 0 {
            break;
        }
    }
    found
}

/// Parses a number written in a link (`tel:`, `wa.me/…`): separators are
/// dropped, `international` says the digits carry their country code even
/// without a "+".
pub(super) fn parse_link_number(
    written: &str,
    international: bool,
    region: &Region,
) -> Option<RecoveredPhone> {
    let mut digits = String::new();
    let mut plus = international;
    for character in written.chars() {
        match character {
            '0'..='9' => digits.push(character),
            '+' if digits.is_empty() => plus = true,
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            // An extension, a parameter or anything else ends the number.
            _ => break,
        }
    }
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) {
        return None;
    }
    let e164 = parse_valid(&digits, plus, region)?;
    Some(RecoveredPhone {
        e164,
        obscured: false,
    })
}

/// Pays phonenumber's slow first use (its metadata and regex caches).
pub(super) fn warm_up() {
    let region = Region::new("AT");
    let _ = parse_valid("06641234567", false, &region);
}

/// What one atom of a run contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AtomKind {
    Numeral,
    NumberWord,
    LookAlike,
    /// A "+"; only ever the first atom.
    Plus,
    /// "plus", "плюс", "artı"; only ever the first atom.
    SpelledPlus,
}

/// Deliberately not `Debug`: it holds digits of a contact.
#[derive(Clone)]
struct Atom {
    kind: AtomKind,
    digits: String,
    /// The separator characters between the previous atom and this one.
    gap_before: Gap,
}

#[derive(Debug, Clone, Default)]
struct Gap {
    characters: usize,
    /// Punctuation characters (not spaces) in the gap.
    punctuation: usize,
    /// A separator that plain formatting never uses (`*`, `_`, `~`, `,`).
    unusual: bool,
    comma: bool,
    opens_parenthesis: bool,
    closes_parenthesis: bool,
}

struct Run {
    atoms: Vec<Atom>,
}

/// One token of the folded card text.
/// Deliberately not `Debug`: a token may be part of a contact.
#[derive(Clone, Copy)]
enum Token<'t> {
    Digits(&'t str),
    Word(&'t str),
    Plus,
    Separator(char),
    /// Anything that cannot be inside a phone number (a newline, a colon,
    /// an id sign, a currency symbol).
    Breaker(char),
}

fn tokens(text: &str) -> impl Iterator<Item = Token<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let token_length = if first.is_ascii_digit() {
            rest.find(|character: char| !character.is_ascii_digit())
                .unwrap_or(rest.len())
        } else if is_word_letter(first) {
            word_length(rest)
        } else {
            first.len_utf8()
        };
        let (token_text, remainder) = rest.split_at(token_length);
        rest = remainder;
        Some(if first.is_ascii_digit() {
            Token::Digits(token_text)
        } else if is_word_letter(first) {
            Token::Word(token_text)
        } else if first == '+' {
            Token::Plus
        } else if is_separator(first) {
            Token::Separator(first)
        } else {
            Token::Breaker(first)
        })
    })
}

/// Letters (and non-ASCII digits) make words; ASCII digits are their own
/// tokens so that "O664" splits into a look-alike and a digit group.
fn is_word_letter(character: char) -> bool {
    crate::is_word_character(character) && !character.is_ascii_digit()
}

/// Length in bytes of the word at the start of `text`; an apostrophe
/// between letters belongs to the word (Ukrainian "п'ять").
fn word_length(text: &str) -> usize {
    let mut end = 0;
    let mut characters = text.char_indices().peekable();
    while let Some((index, character)) = characters.next() {
        if is_word_letter(character) {
            end = index + character.len_utf8();
        } else if matches!(character, '\'' | '’' | 'ʼ')
            && characters
                .peek()
                .is_some_and(|(_, next)| is_word_letter(*next))
        {
            continue;
        } else {
            break;
        }
    }
    end
}

fn is_separator(character: char) -> bool {
    matches!(
        character,
        ' ' | '\u{a0}' | '\u{202f}' | '-' | '.' | '/' | '(' | ')' | '\u{2010}'
            ..='\u{2015}' | '_' | '*' | '~' | ','
    )
}

/// What came just before the current gap, for telling ids from numbers.
/// Deliberately not `Debug`: a word may be part of a contact.
#[derive(Clone, Copy)]
enum Preceding<'t> {
    Nothing,
    /// An ordinary word: digits glued to it ("ID123", "Nr1234") or after
    /// a slash ("ad/48213377") are an identifier. Whether it announces an
    /// identifier ("ID", "Ref") is only asked when digits follow, because
    /// most words are followed by more words.
    PlainWord(&'t str),
    /// A word that announces an identifier ("ID", "Ref", "Code").
    IdWord,
    /// A sign that announces an identifier ("#", "№", "=", "?", "&", "@").
    IdSign,
}

/// Most atoms in one run; a longer stretch of digits and separators is no
/// longer text anyone reads a number from, and bounding it keeps the
/// search inside a run linear in the text.
const MAX_ATOMS_PER_RUN: usize = 48;

/// Builds the runs of `text`.
fn scan_runs(text: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut atoms: Vec<Atom> = Vec::new();
    let mut gap = Gap::default();
    let mut gap_is_one_slash = false;
    let mut preceding = Preceding::Nothing;
    let mut token_stream = tokens(text).peekable();

    while let Some(token) = token_stream.next() {
        match token {
            Token::Digits(digits) => {
                let names_an_identifier = match preceding {
                    Preceding::PlainWord(word) => {
                        gap.characters == 0
                            || gap_is_one_slash
                            || (gap.characters <= 2 && is_identifier_word(word))
                    }
                    Preceding::IdWord | Preceding::IdSign => gap.characters <= 2,
                    Preceding::Nothing => false,
                };
                let glued_to_next_word = matches!(
                    token_stream.peek(),
                    Some(Token::Word(word)) if !is_digit_bearing_word(word)
                );
                if names_an_identifier || glued_to_next_word {
                    // "ID123456", "#4821", "24h", "1234567px": not a number.
                    finish_run(&mut atoms, &mut runs);
                } else {
                    push_atom(
                        &mut atoms,
                        &mut runs,
                        AtomKind::Numeral,
                        digits.to_owned(),
                        &gap,
                    );
                }
                preceding = Preceding::Nothing;
            }
            Token::Word(word) => match classify_word(word) {
                Some((kind, digits)) => {
                    if kind == AtomKind::SpelledPlus {
                        finish_run(&mut atoms, &mut runs);
                    }
                    push_atom(&mut atoms, &mut runs, kind, digits, &gap);
                    preceding = Preceding::Nothing;
                }
                None => {
                    finish_run(&mut atoms, &mut runs);
                    preceding = Preceding::PlainWord(word);
                }
            },
            Token::Plus => {
                finish_run(&mut atoms, &mut runs);
                push_atom(&mut atoms, &mut runs, AtomKind::Plus, String::new(), &gap);
                preceding = Preceding::Nothing;
            }
            Token::Separator(separator) => {
                gap_is_one_slash = gap.characters == 0 && separator == '/';
                gap.characters += 1;
                if !matches!(separator, ' ' | '\u{a0}' | '\u{202f}') {
                    gap.punctuation += 1;
                }
                match separator {
                    '(' => gap.opens_parenthesis = true,
                    ')' => gap.closes_parenthesis = true,
                    ',' => {
                        gap.comma = true;
                        gap.unusual = true;
                    }
                    '_' | '*' | '~' => gap.unusual = true,
                    _ => {}
                }
                if gap.characters > MAX_GAP_CHARACTERS {
                    finish_run(&mut atoms, &mut runs);
                }
                continue;
            }
            Token::Breaker(breaker) => {
                let glued_pipe = breaker == '|'
                    && gap.characters == 0
                    && ends_with_digits(&atoms)
                    && matches!(token_stream.peek(), Some(Token::Digits(_)));
                if glued_pipe {
                    // "06|9": a pipe for a one.
                    push_atom(
                        &mut atoms,
                        &mut runs,
                        AtomKind::LookAlike,
                        "1".to_owned(),
                        &gap,
                    );
                } else {
                    finish_run(&mut atoms, &mut runs);
                    preceding = match breaker {
                        '#' | '№' | '=' | '?' | '&' | '@' => Preceding::IdSign,
                        // "ID: 4821337", "Ref.-Nr.: …" keep announcing an id.
                        ':' => match preceding {
                            Preceding::IdWord => Preceding::IdWord,
                            Preceding::PlainWord(word) if is_identifier_word(word) => {
                                Preceding::IdWord
                            }
                            _ => Preceding::Nothing,
                        },
                        _ => Preceding::Nothing,
                    };
                }
            }
        }
        gap = Gap::default();
        gap_is_one_slash = false;
        if atoms.len() >= MAX_ATOMS_PER_RUN {
            finish_run(&mut atoms, &mut runs);
        }
    }
    finish_run(&mut atoms, &mut runs);
    runs
}

/// Words after which a number is an identifier, not a phone number.
const IDENTIFIER_WORDS: &[&str] = &[
    "id",
    "ref",
    "ad",
    "anzeige",
    "annonce",
    "anuncio",
    "annuncio",
    "code",
    "kod",
    "код",
    "nummer",
    "inserat",
    "объявление",
    "оголошення",
    "ilan",
];

/// Whether the folded `word` announces an identifier.
fn is_identifier_word(word: &str) -> bool {
    static FOLDED: OnceLock<Vec<String>> = OnceLock::new();
    FOLDED
        .get_or_init(|| {
            IDENTIFIER_WORDS
                .iter()
                .map(|word| crate::fold(word))
                .collect()
        })
        .iter()
        .any(|identifier| identifier == word)
}

fn ends_with_digits(atoms: &[Atom]) -> bool {
    atoms.last().is_some_and(|atom| !atom.kind.is_plus())
}

impl AtomKind {
    fn is_plus(self) -> bool {
        matches!(self, AtomKind::Plus | AtomKind::SpelledPlus)
    }
}

/// Appends an atom to the open run, or closes the run first when the gap
/// before the atom is not one a number would have.
fn push_atom(
    atoms: &mut Vec<Atom>,
    runs: &mut Vec<Run>,
    kind: AtomKind,
    digits: String,
    gap: &Gap,
) {
    let previous = atoms.last().map(|atom| atom.kind);
    // Commas separate spelled digits ("zero, six, nine") but also prices
    // ("50, 100"): only words may be joined over a comma.
    let comma_between_numerals =
        gap.comma && (previous == Some(AtomKind::Numeral) || kind == AtomKind::Numeral);
    if comma_between_numerals || gap.characters > MAX_GAP_CHARACTERS {
        finish_run(atoms, runs);
    }
    let gap_before = if atoms.is_empty() {
        Gap::default()
    } else {
        gap.clone()
    };
    atoms.push(Atom {
        kind,
        digits,
        gap_before,
    });
}

fn finish_run(atoms: &mut Vec<Atom>, runs: &mut Vec<Run>) {
    if atoms.is_empty() {
        return;
    }
    let mut run_atoms = std::mem::take(atoms);
    // A full date inside a longer run ("01/01/2025 04", a view count
    // before a date) is no part of a number: the run is cut around it.
    if run_atoms.len() > 3 {
        if let Some(start) =
            (0..run_atoms.len() - 2).find(|&start| is_full_date(&run_atoms[start..start + 3]))
        {
            let mut after = run_atoms.split_off(start + 3);
            run_atoms.truncate(start);
            if let Some(first) = after.first_mut() {
                first.gap_before = Gap::default();
            }
            finish_run(&mut run_atoms, runs);
            finish_run(&mut after, runs);
            return;
        }
    }
    resolve_look_alikes(&mut run_atoms);
    let digit_count: usize = run_atoms.iter().map(|atom| atom.digits.len()).sum();
    if digit_count >= MIN_DIGITS && !looks_like_a_date(&run_atoms) {
        runs.push(Run { atoms: run_atoms });
    }
}

/// Look-alike letters count as digits only where they sit between digits,
/// or are glued to one: "O664" and "06 O 9" yes, "Size S 36" no.
fn resolve_look_alikes(atoms: &mut Vec<Atom>) {
    loop {
        let is_digit_atom =
            |atom: &Atom| matches!(atom.kind, AtomKind::Numeral | AtomKind::NumberWord);
        let first_look_alike = atoms.iter().position(|atom| !atom.kind.is_plus());
        let mut changed = false;
        if let Some(first) = first_look_alike {
            if atoms[first].kind == AtomKind::LookAlike {
                let glued_to_next = atoms
                    .get(first + 1)
                    .is_some_and(|next| next.gap_before.characters == 0 && is_digit_atom(next));
                // Two or more look-alike letters before digits are digits
                // ("Ol 99 OO 28 85").
                let group_before_digits =
                    atoms[first].digits.len() >= 2 && atoms[first + 1..].iter().any(is_digit_atom);
                if !glued_to_next && !group_before_digits {
                    atoms.remove(first);
                    if let Some(next) = atoms.get_mut(first) {
                        if first == 0 {
                            next.gap_before = Gap::default();
                        }
                    }
                    changed = true;
                }
            }
        }
        if let Some(last) = atoms.last() {
            if last.kind == AtomKind::LookAlike {
                let glued_to_previous = last.gap_before.characters == 0
                    && atoms.len() >= 2
                    && is_digit_atom(&atoms[atoms.len() - 2]);
                // A group of two or more look-alike letters after digits
                // is digits ("83 OO", "49 lO"); a lone letter may be a
                // size or a grade.
                let group_after_digits =
                    last.digits.len() >= 2 && atoms[..atoms.len() - 1].iter().any(is_digit_atom);
                if !glued_to_previous && !group_after_digits {
                    atoms.pop();
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    // A lone plus left without digits is no number.
    if atoms.len() == 1 && atoms[0].kind.is_plus() {
        atoms.clear();
    }
}

/// "12.03.2024", "2024-03-12", "1/2/24": three numerals joined by dots,
/// slashes or dashes in a day-month-year or year-month-day shape.
fn looks_like_a_date(atoms: &[Atom]) -> bool {
    let numerals: Vec<&Atom> = atoms
        .iter()
        .filter(|atom| atom.kind == AtomKind::Numeral)
        .collect();
    if numerals.len() != 3 || atoms.len() != 3 {
        return false;
    }
    let lengths: Vec<usize> = numerals.iter().map(|atom| atom.digits.len()).collect();
    let joined_by_date_signs = atoms[1..]
        .iter()
        .all(|atom| atom.gap_before.punctuation == 1 && atom.gap_before.characters <= 3);
    let day_month_year = lengths[0] <= 2 && lengths[1] <= 2 && matches!(lengths[2], 2 | 4);
    let year_month_day = lengths[0] == 4 && lengths[1] <= 2 && lengths[2] <= 2;
    joined_by_date_signs && (day_month_year || year_month_day)
}

/// Three numerals that can only be a date: joined by one date sign each
/// (`.`, `/`, `-`), with a four-digit year of this or the last century
/// and a real day and month ("01/01/2025", "2025-01-03"). Two-digit years
/// are left alone here: "06.12.34" may be the start of a number.
fn is_full_date(atoms: &[Atom]) -> bool {
    if atoms.len() != 3 || atoms.iter().any(|atom| atom.kind != AtomKind::Numeral) {
        return false;
    }
    let joined = atoms[1..].iter().all(|atom| {
        atom.gap_before.punctuation == 1
            && atom.gap_before.characters <= 3
            && !atom.gap_before.comma
    });
    let value = |atom: &Atom| atom.digits.parse::<u32>().unwrap_or(0);
    let lengths: Vec<usize> = atoms.iter().map(|atom| atom.digits.len()).collect();
    let is_year = |atom: &Atom| atom.digits.len() == 4 && (1900..=2099).contains(&value(atom));
    let is_day = |atom: &Atom| atom.digits.len() <= 2 && (1..=31).contains(&value(atom));
    let is_month = |atom: &Atom| atom.digits.len() <= 2 && (1..=12).contains(&value(atom));
    let day_month_year = lengths[2] == 4
        && is_year(&atoms[2])
        && ((is_day(&atoms[0]) && is_month(&atoms[1]))
            || (is_month(&atoms[0]) && is_day(&atoms[1])));
    let year_month_day = is_year(&atoms[0]) && is_month(&atoms[1]) && is_day(&atoms[2]);
    joined && (day_month_year || year_month_day)
}

/// Classifies a folded word token: a number word, a spelled plus, a
/// look-alike letter group, or nothing.
fn classify_word(word: &str) -> Option<(AtomKind, String)> {
    if let Some(digits) = look_alike_digits(word) {
        return Some((AtomKind::LookAlike, digits));
    }
    match number_word_meaning(word)? {
        WordMeaning::Digit(digit) => {
            Some((AtomKind::NumberWord, char::from(b'0' + digit).to_string()))
        }
        WordMeaning::Plus => Some((AtomKind::SpelledPlus, String::new())),
    }
}

fn is_digit_bearing_word(word: &str) -> bool {
    look_alike_digits(word).is_some() || number_word_meaning(word).is_some()
}

fn number_word_meaning(word: &str) -> Option<WordMeaning> {
    if word.len() > LONGEST_NUMBER_WORD_BYTES || word.len() < 2 {
        return None;
    }
    number_words::meaning_of(word)
}

/// The digits a group of look-alike letters stands for, on folded text
/// (where O, o, О and ο are all "o"): o → 0, l and i → 1, s → 5, b → 8.
/// Only groups glued to or enclosed by digits count (see
/// `resolve_look_alikes`), so "Size S 36" stays a size.
fn look_alike_digits(word: &str) -> Option<String> {
    if word.len() > MAX_LOOK_ALIKE_CHARACTERS {
        return None;
    }
    word.chars()
        .map(|character| match character {
            'o' => Some('0'),
            'l' | 'i' => Some('1'),
            's' => Some('5'),
            'b' => Some('8'),
            _ => None,
        })
        .collect()
}

/// Finds valid numbers in atoms `start..end` of a run: the longest valid
/// stretch first, then the same search left and right of it, while
/// `attempts_left` lasts.
fn search_range(
    atoms: &[Atom],
    start: usize,
    end: usize,
    region: &Region,
    attempts_left: &mut usize,
    found: &mut Vec<RecoveredPhone>,
) {
    if start >= end {
        return;
    }
    // Stretches of 7–18 digits, longest first, leftmost first among equals.
    // A stretch never starts or ends on a single look-alike letter that is
    // not glued to its digits, nor starts on a plus inside the range.
    let mut stretches: Vec<(usize, usize, usize)> = Vec::new();
    for from in start..end {
        if atoms[from].kind.is_plus() && from != 0 {
            continue;
        }
        if atoms[from].kind == AtomKind::LookAlike
            && atoms[from].digits.len() < 2
            && atoms
                .get(from + 1)
                .is_none_or(|next| next.gap_before.characters != 0)
        {
            continue;
        }
        let mut digits = 0;
        for to in (from + 1)..=end {
            digits += atoms[to - 1].digits.len();
            if digits > MAX_DIGITS {
                break;
            }
            let last = &atoms[to - 1];
            let loose_last = last.kind == AtomKind::LookAlike
                && last.gap_before.characters != 0
                && last.digits.len() < 2;
            if digits >= MIN_DIGITS && !loose_last {
                stretches.push((from, to, digits));
            }
        }
    }
    stretches.sort_by_key(|&(from, _, digits)| (std::cmp::Reverse(digits), from));
    for (from, to, _) in stretches {
        if *attempts_left == 0 {
            return;
        }
        *attempts_left -= 1;
        if let Some(phone) = parse_atoms(&atoms[from..to], region) {
            found.push(phone);
            search_range(atoms, start, from, region, attempts_left, found);
            search_range(atoms, to, end, region, attempts_left, found);
            return;
        }
    }
}

/// Parses one stretch of atoms as a number.
fn parse_atoms(atoms: &[Atom], region: &Region) -> Option<RecoveredPhone> {
    let international = atoms.first().is_some_and(|atom| atom.kind.is_plus());
    let mut digits = String::with_capacity(MAX_DIGITS);
    for (index, atom) in atoms.iter().enumerate() {
        // "+43 (0) 664 …": the bracketed trunk zero is dropped.
        let bracketed_trunk_zero = international
            && atom.digits == "0"
            && atom.gap_before.opens_parenthesis
            && atoms
                .get(index + 1)
                .is_some_and(|next| next.gap_before.closes_parenthesis);
        if !bracketed_trunk_zero {
            digits.push_str(&atom.digits);
        }
    }
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) {
        return None;
    }
    let e164 = parse_valid(&digits, international, region)?;
    Some(RecoveredPhone {
        e164,
        obscured: is_obscured(atoms),
    })
}

/// Whether reading the stretch took more than plain formatting: words,
/// look-alikes, a spelled plus, digits spread out one by one, or separators
/// that plain formatting does not use.
fn is_obscured(atoms: &[Atom]) -> bool {
    let digit_atoms: Vec<&Atom> = atoms.iter().filter(|atom| !atom.kind.is_plus()).collect();
    let words_or_look_alikes = digit_atoms
        .iter()
        .any(|atom| matches!(atom.kind, AtomKind::NumberWord | AtomKind::LookAlike));
    let spelled_plus = atoms
        .first()
        .is_some_and(|atom| atom.kind == AtomKind::SpelledPlus);
    let single_digits = digit_atoms
        .iter()
        .filter(|atom| atom.kind == AtomKind::Numeral && atom.digits.len() == 1)
        .count();
    let spread_out = single_digits >= 4 && single_digits * 2 > digit_atoms.len();
    let odd_separators = atoms.iter().skip(1).any(|atom| {
        let gap = &atom.gap_before;
        gap.unusual || (gap.punctuation >= 2 && !(gap.opens_parenthesis || gap.closes_parenthesis))
    });
    words_or_look_alikes || spelled_plus || spread_out || odd_separators
}

/// Parses `digits` (with a leading "+" when `international`) in `region`
/// and returns its E.164 form when it is a valid number.
fn parse_valid(digits: &str, international: bool, region: &Region) -> Option<String> {
    let dialled_abroad = digits.starts_with("00");
    if !international && !dialled_abroad {
        region.id?;
        if let Some(trunk_prefix) = region.trunk_prefix {
            if !digits.starts_with(trunk_prefix) {
                return None;
            }
        }
    }
    let written = if international {
        format!("+{digits}")
    } else {
        digits.to_owned()
    };
    let number = phonenumber::parse(region.id, written).ok()?;
    super::validity::valid_e164(&number)
}
