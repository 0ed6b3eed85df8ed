//! The token stream that the date and price readers walk: words (folded with
//! `crate::fold`, so that "МАРТА", "марта" and "мaрта" with a Latin a are one
//! word), runs of ASCII digits, and single symbols, each with its byte span in
//! the original text and whether whitespace preceded it.
//!
//! Digits and letters are told apart on the *original* characters, before
//! folding: the fold maps Cyrillic з to the digit 3, and the Ukrainian word
//! "з" must stay a word. A letter run followed by digits is two tokens
//! ("29h" is 29 then h), so compact forms read like spaced ones.
//!
//! Apostrophes split Latin words ("un'ora" is un + ora, "aujourd'hui" is
//! aujourd + hui: elision in Italian and French) but join Cyrillic ones
//! ("п'ять" is one word: the Ukrainian apostrophe is a letter sign). Either
//! way no token is made for the apostrophe itself and no space is recorded,
//! so vocabulary written with any of the dozen apostrophe look-alikes sites
//! use matches the same tokens.

use crate::fold;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Letters (any script), folded.
    Word,
    /// ASCII digits only; its text is the digits.
    Number,
    /// One character that is neither a letter, a digit nor whitespace.
    Symbol,
}

/// One token of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    /// For a word its fold, for a number its digits, for a symbol the
    /// character itself.
    pub(crate) text: String,
    /// Byte offset of the first character in the original text.
    pub(crate) start: usize,
    /// Byte offset just past the last character in the original text.
    pub(crate) end: usize,
    /// Whether whitespace separates this token from the previous one.
    pub(crate) space_before: bool,
}

impl Token {
    pub(crate) fn is_word(&self, word: &str) -> bool {
        self.kind == TokenKind::Word && self.text == word
    }

    pub(crate) fn is_symbol(&self, symbol: char) -> bool {
        self.kind == TokenKind::Symbol && self.text.starts_with(symbol)
    }

    pub(crate) fn symbol(&self) -> Option<char> {
        match self.kind {
            TokenKind::Symbol => self.text.chars().next(),
            _ => None,
        }
    }

    /// The value of a number token of at most 18 digits (so it always fits
    /// a u64); None for longer runs and for words and symbols.
    pub(crate) fn number(&self) -> Option<u64> {
        if self.kind != TokenKind::Number || self.text.len() > 18 {
            return None;
        }
        self.text.parse().ok()
    }

    /// How many digits a number token has (0 for other tokens).
    pub(crate) fn digit_count(&self) -> usize {
        match self.kind {
            TokenKind::Number => self.text.len(),
            _ => 0,
        }
    }
}

/// Splits `text` into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = WordInProgress::default();
    let mut space_before = false;
    let mut characters = text.char_indices().peekable();
    while let Some((offset, character)) = characters.next() {
        // Before the letter test: some look-alikes (ʼ ʻ ꞌ ʹ) are modifier
        // letters, which Unicode counts as alphabetic.
        let apostrophe = is_apostrophe(character);
        if !apostrophe
            && (crate::fold::is_letter(character)
                || (word.is_open() && is_combining_mark(character)))
        {
            word.push(offset, character, &mut space_before);
            continue;
        }
        if apostrophe && word.is_open() {
            let next_is_letter = characters
                .peek()
                .is_some_and(|(_, next)| crate::fold::is_letter(*next) && !is_apostrophe(*next));
            if next_is_letter {
                if word.last_is_cyrillic {
                    // Part of the word, but never of its fold.
                    word.end = offset + character.len_utf8();
                } else {
                    word.finish(&mut tokens);
                }
                continue;
            }
        }
        word.finish(&mut tokens);
        if character.is_whitespace() {
            space_before = true;
            continue;
        }
        if apostrophe {
            continue;
        }
        if character.is_ascii_digit() {
            let start = offset;
            let mut end = offset + 1;
            while let Some(&(next_offset, next)) = characters.peek() {
                if !next.is_ascii_digit() {
                    break;
                }
                end = next_offset + 1;
                characters.next();
            }
            tokens.push(Token {
                kind: TokenKind::Number,
                text: text[start..end].to_string(),
                start,
                end,
                space_before,
            });
        } else {
            tokens.push(Token {
                kind: TokenKind::Symbol,
                text: character.to_string(),
                start: offset,
                end: offset + character.len_utf8(),
                space_before,
            });
        }
        space_before = false;
    }
    word.finish(&mut tokens);
    tokens
}

/// The folded words of a vocabulary entry, tokenized exactly as ad text is,
/// so that an entry written "aujourd'hui" or "Il y a" matches what the
/// tokenizer makes of the same words in an ad. Symbols and numbers in the
/// entry are dropped.
pub(crate) fn vocabulary_words(entry: &str) -> Vec<String> {
    tokenize(entry)
        .into_iter()
        .filter(|token| token.kind == TokenKind::Word)
        .map(|token| token.text)
        .collect()
}

/// Whether a character is one of the apostrophes and look-alikes that sites
/// put in "aujourd'hui" or "п'ять".
pub(crate) fn is_apostrophe(character: char) -> bool {
    matches!(
        character,
        '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | '՚' | 'ꞌ' | '＇' | '′' | '‵' | 'ʹ' | '`' | '´'
    )
}

#[derive(Default)]
struct WordInProgress {
    raw: String,
    start: usize,
    end: usize,
    space_before: bool,
    last_is_cyrillic: bool,
}

impl WordInProgress {
    fn is_open(&self) -> bool {
        !self.raw.is_empty()
    }

    fn push(&mut self, offset: usize, character: char, space_before: &mut bool) {
        if self.raw.is_empty() {
            self.start = offset;
            self.space_before = *space_before;
            *space_before = false;
        }
        self.raw.push(character);
        self.end = offset + character.len_utf8();
        if crate::fold::is_letter(character) {
            self.last_is_cyrillic = matches!(character as u32, 0x0400..=0x052F);
        }
    }

    fn finish(&mut self, tokens: &mut Vec<Token>) {
        if self.raw.is_empty() {
            return;
        }
        tokens.push(Token {
            kind: TokenKind::Word,
            text: fold(&self.raw),
            start: self.start,
            end: self.end,
            space_before: self.space_before,
        });
        self.raw.clear();
    }
}

fn is_combining_mark(character: char) -> bool {
    matches!(character as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &[&str]) {
        let tokens: Vec<String> = tokenize(input)
            .into_iter()
            .map(|token| {
                let space = if token.space_before { "_" } else { "" };
                match token.kind {
                    TokenKind::Word => format!("{space}w:{}", token.text),
                    TokenKind::Number => format!("{space}n:{}", token.text),
                    TokenKind::Symbol => format!("{space}s:{}", token.text),
                }
            })
            .collect();
        assert_eq!(tokens, expect, "tokenize({input:?})");
    }

    #[test]
    fn splits_words_numbers_and_symbols() {
        check("vor 29h", &["w:vor", "_n:29", "w:h"]);
        check("12.03.2024", &["n:12", "s:.", "n:03", "s:.", "n:2024"]);
        check("Aujourd’hui", &["w:aujourd", "w:hui"]);
        check("Aujourdʼhui", &["w:aujourd", "w:hui"]);
        check("un'ora fa", &["w:un", "w:ora", "_w:fa"]);
        check("п'ять", &["w:пяtь"]); // т folds to t
        check("150€/h", &["n:150", "s:€", "s:/", "w:h"]);
        check("  МАРТА ", &["_w:mapta"]);
        check("з 3", &["w:3", "_n:3"]);
        check("'quoted'", &["w:quoted"]);
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "Вчера, 14:30";
        let tokens = tokenize(text);
        assert_eq!(&text[tokens[0].start..tokens[0].end], "Вчера");
        assert_eq!(&text[tokens[2].start..tokens[2].end], "14");
    }
}
