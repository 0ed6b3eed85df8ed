//! Reading lexicon files: TOML with `language`, `version` and `[[term]]`
//! entries of `text`, `category` and `note`, checked so that an analyst's
//! slip is reported with its file, line and fix rather than silently
//! changing what is counted.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use super::{match_form, LexiconTerm, RiskCategory};

/// Every problem found in a set of lexicon files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    pub problems: Vec<LexiconProblem>,
}

// A hand-written Error: the message is the list of problems, one per line,
// which a thiserror attribute cannot express.
impl std::error::Error for LexiconError {}

impl fmt::Display for LexiconError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        write!(formatter, "{}", lines.join("\n"))
    }
}

/// One problem: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconProblem {
    /// The file as the caller named it.
    pub file: String,
    /// 1-based line; 0 when the problem is not in one file (too many
    /// terms overall).
    pub line: usize,
    /// What is wrong, a lowercase fragment.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl fmt::Display for LexiconProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}:{}: {} — {}",
            self.file, self.line, self.message, self.fix
        )
    }
}

/// The checked content of every file.
pub(super) struct Parsed {
    pub(super) terms: Vec<LexiconTerm>,
    pub(super) languages: Vec<(String, u32)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    language: Spanned<String>,
    version: Spanned<i64>,
    #[serde(default)]
    term: Vec<RawTerm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    text: Spanned<String>,
    category: Spanned<String>,
    note: Spanned<String>,
}

pub(super) fn parse_sources(sources: &[(&str, &str)]) -> Result<Parsed, LexiconError> {
    let mut problems = Vec::new();
    let mut terms = Vec::new();
    let mut languages: Vec<(String, u32)> = Vec::new();
    let mut language_files: HashMap<String, String> = HashMap::new();
    for (file, text) in sources {
        let lines = LineIndex::new(text);
        let problem = |offset: usize, message: String, fix: &str| LexiconProblem {
            file: file.to_string(),
            line: lines.line_of(offset),
            message,
            fix: fix.to_string(),
        };
        let raw: RawLexicon = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(error) => {
                let offset = error.span().map_or(0, |span| span.start);
                problems.push(problem(
                    offset,
                    error.message().trim().to_lowercase(),
                    "write `language = \"xx\"`, `version = N` and `[[term]]` tables with `text`, `category` and `note`",
                ));
                continue;
            }
        };

        let language = raw.language.get_ref().trim().to_string();
        let language_offset = raw.language.span().start;
        if language.len() != 2 || !language.bytes().all(|byte| byte.is_ascii_lowercase()) {
            problems.push(problem(
                language_offset,
                format!("language {language:?} is not an ISO 639-1 code"),
                "write the two lower-case letters of the language, e.g. \"en\"",
            ));
        }
        let stem = file_stem(file);
        if stem != language {
            problems.push(problem(
                language_offset,
                format!("language {language:?} in a file named {stem}.toml"),
                "name the file after its language, or correct `language`",
            ));
        }
        if let Some(first_file) = language_files.get(&language) {
            problems.push(problem(
                language_offset,
                format!("language {language:?} is also defined in {first_file}"),
                "keep one file per language and merge the terms into it",
            ));
        } else {
            language_files.insert(language.clone(), file.to_string());
        }
        let version = match u32::try_from(*raw.version.get_ref()) {
            Ok(version) if version >= 1 => version,
            _ => {
                problems.push(problem(
                    raw.version.span().start,
                    format!(
                        "version {} is not a positive whole number",
                        raw.version.get_ref()
                    ),
                    "write `version = 1` and raise it by one with every edit",
                ));
                0
            }
        };
        languages.push((language.clone(), version));

        let mut seen_forms: HashMap<String, usize> = HashMap::new();
        for raw_term in raw.term {
            let text_offset = raw_term.text.span().start;
            let line = lines.line_of(text_offset);
            let term_text = raw_term.text.get_ref().trim().to_string();
            let form = match_form(&term_text);
            if form.trim().is_empty() {
                problems.push(problem(
                    text_offset,
                    format!("empty term {term_text:?}: it has no letters or digits to match"),
                    "write the words to match in `text`, or remove the entry",
                ));
                continue;
            }
            let category = match RiskCategory::from_name(raw_term.category.get_ref().trim()) {
                Some(category) => category,
                None => {
                    let names: Vec<&str> = RiskCategory::ALL
                        .iter()
                        .map(|category| category.as_str())
                        .collect();
                    problems.push(problem(
                        raw_term.category.span().start,
                        format!("unknown category {:?}", raw_term.category.get_ref()),
                        &format!("use one of: {}", names.join(", ")),
                    ));
                    continue;
                }
            };
            let note = raw_term.note.get_ref().trim().to_string();
            if note.is_empty() {
                problems.push(problem(
                    raw_term.note.span().start,
                    format!("term {term_text:?} has an empty note"),
                    "say in `note` what the term means and why it is in its category",
                ));
            }
            if let Some(first_line) = seen_forms.get(&form) {
                problems.push(problem(
                    text_offset,
                    format!("duplicate term {term_text:?} (same words as line {first_line})"),
                    "remove one entry: a term is counted once, in one category",
                ));
                continue;
            }
            seen_forms.insert(form, line);
            terms.push(LexiconTerm {
                language: language.clone(),
                text: term_text,
                category,
                note,
                file: file.to_string(),
                line,
            });
        }
    }
    if !problems.is_empty() {
        return Err(LexiconError { problems });
    }
    languages.sort();
    Ok(Parsed { terms, languages })
}

pub(super) fn too_many_terms() -> LexiconError {
    LexiconError {
        problems: vec![LexiconProblem {
            file: String::new(),
            line: 0,
            message: "more than 4 294 967 295 terms".to_string(),
            fix: "the files hold far more terms than anyone writes: look for a generated mistake"
                .to_string(),
        }],
    }
}

pub(super) fn automaton_error(error: aho_corasick::BuildError) -> LexiconError {
    LexiconError {
        problems: vec![LexiconProblem {
            file: String::new(),
            line: 0,
            message: format!("the terms do not fit one automaton: {error}"),
            fix: "remove very long terms".to_string(),
        }],
    }
}

/// The file name without directories and extension: "config/en.toml" is
/// "en".
fn file_stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.strip_suffix(".toml").unwrap_or(name)
}

/// Byte offset to 1-based line.
struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(offset, _)| offset + 1))
            .collect();
        LineIndex { line_starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(index) => index + 1,
            Err(index) => index,
        }
    }
}
