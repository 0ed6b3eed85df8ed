//! Text folding for matching: one canonical "skeleton" of a text, so that
//! a lexicon term matches whatever case, diacritics or look-alike letters an
//! ad uses to dodge filters ("NEW іn tоwn" with Cyrillic і and о).
//!
//! The skeleton is lower case, without combining marks (é → e, ș → s,
//! й → и), with every Cyrillic or Greek letter that looks like a Latin one
//! replaced by that Latin letter (а → a, о → o, р → p, с → c, …), and every
//! run of whitespace collapsed to one space. Lexicon terms and ad text are
//! folded the same way, so Russian words still match Russian terms: both
//! sides become the same mix of letters. A fold never changes the number of
//! words, so word boundaries survive it.

/// The matching skeleton of `text`.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    fold_into(text, &mut folded);
    folded
}

/// [`fold`], appended to `folded` (which callers reuse across texts).
pub(crate) fn fold_into(text: &str, folded: &mut String) {
    let mut pending_space = false;
    let mut push = |character: char, folded: &mut String| {
        if character.is_whitespace() {
            pending_space = !folded.is_empty();
            return;
        }
        if pending_space {
            folded.push(' ');
            pending_space = false;
        }
        if character.is_ascii() {
            folded.push(character.to_ascii_lowercase());
        } else if let Some(lower) = simple_lowercase(character) {
            folded.push(look_alike(lower));
        } else {
            for lower in character.to_lowercase() {
                folded.push(look_alike(lower));
            }
        }
    };
    for character in text.chars() {
        // ASCII, and the Cyrillic letters without marks, have no
        // decomposition: the fast paths for most of a page.
        if character.is_ascii() || has_no_decomposition(character) {
            push(character, folded);
            continue;
        }
        unicode_normalization::char::decompose_canonical(character, |part| {
            if !is_combining_mark(part) {
                push(part, folded);
            }
        });
    }
}

/// Whether a non-ASCII character is known to have no canonical
/// decomposition without looking it up: the basic Cyrillic letters, except
/// й, ё, ї and their capitals (and ѐ ѝ, Ѐ Ѝ), which carry marks.
fn has_no_decomposition(character: char) -> bool {
    matches!(character, '\u{0410}'..='\u{044F}') && !matches!(character, 'Й' | 'й')
}

/// The lower case of letters whose lower case is one character at a fixed
/// offset (basic Cyrillic, Latin-1 capitals), without the general lookup;
/// None for everything else.
fn simple_lowercase(character: char) -> Option<char> {
    let code = character as u32;
    let lower = match code {
        0x0410..=0x042F => code + 0x20,
        0x0430..=0x044F => code,
        0x00C0..=0x00DE if code != 0x00D7 => code + 0x20,
        0x00DF..=0x00FF if code != 0x00F7 => code,
        _ => return None,
    };
    char::from_u32(lower)
}

/// The lower case of a letter whose lower case is one character (every
/// letter of the crawl's scripts); the letter itself otherwise.
pub(crate) fn lowercase_letter(character: char) -> char {
    if character.is_ascii() {
        return character.to_ascii_lowercase();
    }
    if let Some(lower) = simple_lowercase(character) {
        return lower;
    }
    let mut lower = character.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(single), None) => single,
        _ => character,
    }
}

/// Whether `character` is a word character for word-bounded matching on a
/// folded text: letters and digits of any script.
pub fn is_word_character(character: char) -> bool {
    if character.is_ascii() {
        return character.is_ascii_alphanumeric();
    }
    is_letter(character) || character.is_alphanumeric()
}

/// `char::is_alphabetic`, answered without the general table for the
/// scripts of the crawl's languages (Latin-1, Latin Extended-A, Cyrillic),
/// where it is a hot path.
pub(crate) fn is_letter(character: char) -> bool {
    match character as u32 {
        0x00..=0x7F => character.is_ascii_alphabetic(),
        0xC0..=0xFF => !matches!(character as u32, 0xD7 | 0xF7),
        0x0100..=0x017F => true,
        0x0400..=0x0481 | 0x048A..=0x04FF => true,
        _ => character.is_alphabetic(),
    }
}

/// The Latin letter a lower-case Cyrillic or Greek letter is mistaken for,
/// or the letter itself. Only shapes that are truly confusable in common
/// fonts are mapped; the rest keep their script.
fn look_alike(character: char) -> char {
    match character {
        // Cyrillic.
        'а' => 'a',
        'в' => 'b',
        'е' | 'ё' | 'є' => 'e',
        'з' => '3',
        'і' | 'ї' => 'i',
        'ј' => 'j',
        'к' => 'k',
        'м' => 'm',
        'н' => 'h',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'т' => 't',
        'у' => 'y',
        'х' => 'x',
        'ѕ' => 's',
        'ԁ' => 'd',
        'һ' => 'h',
        'ԛ' => 'q',
        'ԝ' => 'w',
        // Greek.
        'α' => 'a',
        'β' => 'b',
        'ε' => 'e',
        'ι' => 'i',
        'κ' => 'k',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        // Latin letters without a decomposition that still carry a mark.
        'ł' => 'l',
        'ø' => 'o',
        'đ' | 'ð' => 'd',
        'ı' => 'i',
        'ß' => 's',
        other => other,
    }
}

/// Combining marks removed by the fold (after canonical decomposition).
fn is_combining_mark(character: char) -> bool {
    matches!(character as u32,
        0x0300..=0x036F // combining diacritical marks
        | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF
        | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(fold(input), expected, "fold({input:?})");
    }

    #[test]
    fn folds_case_marks_spaces_and_look_alikes() {
        for (input, expected) in [
            ("New in Town", "new in town"),
            ("  new\t\nin   town ", "new in town"),
            ("NEW іn tоwn", "new in town"), // Cyrillic і, о
            ("Café Crème", "cafe creme"),
            ("Dziewczyna z Łodzi", "dziewczyna z lodzi"),
            ("Bucureşti și Iași", "bucuresti si iasi"),
            ("Straße", "strase"),
            ("İstanbul'da yeni", "istanbul'da yeni"),
        ] {
            check(input, expected);
        }
    }

    #[test]
    fn mixed_script_spellings_share_a_skeleton() {
        // All-Cyrillic and the same word with Latin o and a typed in.
        assert_eq!(fold("новая"), fold("нoвaя"));
        assert_eq!(fold("Новенькая"), fold("новенькая"));
        // й loses its breve like any other mark, on both sides alike.
        assert_eq!(fold("новый"), fold("новыи"));
    }

    #[test]
    fn fast_paths_agree_with_the_general_tables() {
        for code in (0u32..0x0600).chain(0x1E00..0x2000) {
            let Some(character) = char::from_u32(code) else {
                continue;
            };
            assert_eq!(
                is_letter(character),
                character.is_alphabetic(),
                "{character:?}"
            );
            assert_eq!(
                is_word_character(character),
                character.is_alphanumeric(),
                "{character:?}"
            );
            if let Some(lower) = simple_lowercase(character) {
                assert_eq!(
                    character.to_lowercase().collect::<String>(),
                    lower.to_string(),
                    "{character:?}"
                );
            }
            if has_no_decomposition(character) {
                let mut parts = Vec::new();
                unicode_normalization::char::decompose_canonical(character, |part| {
                    parts.push(part)
                });
                assert_eq!(parts, [character], "{character:?}");
            }
        }
    }

    #[test]
    fn word_count_is_kept() {
        for text in ["Ab, cd-ef  gh", "Нова дівчина у місті", "yeni   kız"] {
            let words_before = text.split_whitespace().count();
            assert_eq!(fold(text).split(' ').count(), words_before, "{text}");
        }
    }
}
