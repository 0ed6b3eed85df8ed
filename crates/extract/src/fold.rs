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
        } else {
            for lower in character.to_lowercase() {
                folded.push(look_alike(lower));
            }
        }
    };
    for character in text.chars() {
        // ASCII has no decomposition: the fast path for most of a page.
        if character.is_ascii() {
            push(character, &mut folded);
            continue;
        }
        unicode_normalization::char::decompose_canonical(character, |part| {
            if !is_combining_mark(part) {
                push(part, &mut folded);
            }
        });
    }
    folded
}

/// Whether `character` is a word character for word-bounded matching on a
/// folded text: letters and digits of any script.
pub fn is_word_character(character: char) -> bool {
    character.is_alphanumeric()
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
    fn word_count_is_kept() {
        for text in ["Ab, cd-ef  gh", "Нова дівчина у місті", "yeni   kız"] {
            let words_before = text.split_whitespace().count();
            assert_eq!(fold(text).split(' ').count(), words_before, "{text}");
        }
    }
}
