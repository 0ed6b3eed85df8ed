//! Risk lexicons: per-language lists of neutral terms that ads use for the
//! methodology's risk signals (youth, trust-building, movement, third
//! parties, rental periods, auctions, several providers, nationality,
//! services), kept in `config/lexicons/<lang>.toml` so analysts can edit
//! them without a rebuild, and counted per category on card texts.
//!
//! `LexiconSet::from_sources` takes the file names and texts (the caller
//! reads the files; this crate does no I/O) and reports every problem at
//! once, each with file, line and fix (`LexiconError`). `version()` names
//! every language's version and a digest of the sources; it is stored with
//! every indicator so indicators can be derived again after an edit.
//!
//! Matching is case-, diacritics- and look-alike-insensitive and
//! word-bounded: term and text are both reduced to their "match form" —
//! `crate::fold`, then every run of non-word characters one space, then a
//! space at each end ("100% Real!" is " 100 real "). A term's form starts
//! and ends with a space, so it can only match whole words, and one
//! leftmost-longest Aho-Corasick automaton over every term of every
//! language scans a text once: after a match the scan resumes at its
//! trailing space, which the next term may begin with. The scan is linear
//! in the text's length (plus one step per match).

mod parse;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{fold, is_word_character};
pub use parse::{LexiconError, LexiconProblem};

/// A risk-signal category of the methodology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskCategory {
    /// Stated youth ("young", "student", "18 years").
    Youth,
    /// Assurances the ad is genuine ("100% real", "real photos").
    TrustBuilding,
    /// Arrival or touring ("new in town", "just arrived").
    Movement,
    /// An agency or manager speaks ("our girls", "call the manager").
    ThirdParty,
    /// A person offered for 7, 14 or 21 days.
    RentalPeriod,
    /// Bidding.
    Auction,
    /// Several people under one ad.
    MultipleProviders,
    /// National or ethnic origin ("from Romania", "Latina").
    Nationality,
    /// Neutral service words ("escort", "massage", "dinner date").
    Services,
}

impl RiskCategory {
    pub const ALL: [RiskCategory; 9] = [
        RiskCategory::Youth,
        RiskCategory::TrustBuilding,
        RiskCategory::Movement,
        RiskCategory::ThirdParty,
        RiskCategory::RentalPeriod,
        RiskCategory::Auction,
        RiskCategory::MultipleProviders,
        RiskCategory::Nationality,
        RiskCategory::Services,
    ];

    /// The kebab-case name used in lexicon files and indicators.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskCategory::Youth => "youth",
            RiskCategory::TrustBuilding => "trust-building",
            RiskCategory::Movement => "movement",
            RiskCategory::ThirdParty => "third-party",
            RiskCategory::RentalPeriod => "rental-period",
            RiskCategory::Auction => "auction",
            RiskCategory::MultipleProviders => "multiple-providers",
            RiskCategory::Nationality => "nationality",
            RiskCategory::Services => "services",
        }
    }

    /// The category of a kebab-case name.
    pub fn from_name(name: &str) -> Option<RiskCategory> {
        RiskCategory::ALL
            .into_iter()
            .find(|category| category.as_str() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One term of a lexicon, as the analyst wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconTerm {
    /// ISO 639-1 code of the term's file.
    pub language: String,
    pub text: String,
    pub category: RiskCategory,
    /// Why the term is in its category.
    pub note: String,
    /// The file and 1-based line of the entry, for reports.
    pub file: String,
    pub line: usize,
}

impl LexiconTerm {
    /// A stable, readable key: `en:new in town`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.language, self.text)
    }
}

/// The index of a term in its `LexiconSet`; stable for one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TermId(pub u32);

/// Every language's lexicon, compiled into one automaton.
#[derive(Debug, Clone)]
pub struct LexiconSet {
    terms: Vec<LexiconTerm>,
    /// Languages and versions, sorted by language.
    languages: Vec<(String, u32)>,
    digest: String,
    automaton: AhoCorasick,
    /// The terms of each automaton pattern (one form may be a term in
    /// several languages).
    pattern_terms: Vec<Vec<TermId>>,
}

/// Hits of one category in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryHits {
    /// Matches, repeats included.
    pub hits: u32,
    /// The distinct terms matched, sorted.
    pub terms: Vec<TermId>,
}

/// Hits of every category in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LexiconHits {
    categories: [CategoryHits; 9],
}

impl LexiconHits {
    pub fn category(&self, category: RiskCategory) -> &CategoryHits {
        &self.categories[category.index()]
    }

    /// Categories with at least one hit, in `RiskCategory::ALL` order.
    pub fn hit_categories(&self) -> impl Iterator<Item = (RiskCategory, &CategoryHits)> {
        RiskCategory::ALL
            .into_iter()
            .map(|category| (category, self.category(category)))
            .filter(|(_, hits)| hits.hits > 0)
    }

    pub fn total_hits(&self) -> u32 {
        self.categories.iter().map(|hits| hits.hits).sum()
    }
}

impl LexiconSet {
    /// Parses and checks lexicon files: `(file name, text)` pairs, one per
    /// language, the language named by the file ("en.toml"). Every problem
    /// of every file is reported at once.
    pub fn from_sources(sources: &[(&str, &str)]) -> Result<LexiconSet, LexiconError> {
        let parsed = parse::parse_sources(sources)?;
        let mut forms: Vec<String> = Vec::new();
        let mut pattern_terms: Vec<Vec<TermId>> = Vec::new();
        let mut form_index = std::collections::HashMap::new();
        for (index, term) in parsed.terms.iter().enumerate() {
            let form = match_form(&term.text);
            let id = TermId(u32::try_from(index).map_err(|_| parse::too_many_terms())?);
            match form_index.get(&form) {
                Some(&pattern) => {
                    let terms: &mut Vec<TermId> = &mut pattern_terms[pattern];
                    terms.push(id);
                }
                None => {
                    form_index.insert(form.clone(), forms.len());
                    forms.push(form);
                    pattern_terms.push(vec![id]);
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&forms)
            .map_err(parse::automaton_error)?;
        let mut digest = Sha256::new();
        let mut sorted_sources: Vec<&(&str, &str)> = sources.iter().collect();
        sorted_sources.sort_by_key(|(name, _)| *name);
        for (name, text) in sorted_sources {
            digest.update(name.as_bytes());
            digest.update([0]);
            digest.update(text.as_bytes());
            digest.update([0]);
        }
        let digest = hex::encode(digest.finalize());
        Ok(LexiconSet {
            terms: parsed.terms,
            languages: parsed.languages,
            digest: digest[..12].to_string(),
            automaton,
            pattern_terms,
        })
    }

    /// The lexicons shipped in `config/lexicons/`, as they were when this
    /// extractor was built: for tests, benchmarks and callers that have not
    /// loaded the analyst's files. A deployment loads the files instead
    /// (they may have been edited since); `version()` tells the two apart.
    pub fn built_in() -> LexiconSet {
        // Invariant: the shipped files pass `from_sources`; the lexicon
        // tests (`tests/lexicons.rs`) load the same files from disk.
        LexiconSet::from_sources(BUILT_IN_SOURCES).expect("shipped lexicons are valid")
    }

    /// Languages with their versions and a short digest of the sources:
    /// `de:1,en:3,...;sha256:0123456789ab`. Any edit changes it, a version
    /// bump or not, so indicators always name the exact lexicon.
    pub fn version(&self) -> String {
        let languages: Vec<String> = self
            .languages
            .iter()
            .map(|(language, version)| format!("{language}:{version}"))
            .collect();
        format!("{};sha256:{}", languages.join(","), self.digest)
    }

    /// The languages and their versions, sorted by language.
    pub fn languages(&self) -> &[(String, u32)] {
        &self.languages
    }

    pub fn terms(&self) -> &[LexiconTerm] {
        &self.terms
    }

    pub fn term(&self, id: TermId) -> Option<&LexiconTerm> {
        self.terms.get(id.0 as usize)
    }

    /// Counts the terms of every category in `text`.
    pub fn scan(&self, text: &str) -> LexiconHits {
        self.scan_folded(&fold(text))
    }

    /// [`LexiconSet::scan`] of a text already folded.
    pub(crate) fn scan_folded(&self, folded: &str) -> LexiconHits {
        let haystack = match_form_of_folded(folded);
        let mut hits = LexiconHits::default();
        let mut position = 0;
        while position < haystack.len() {
            let input = Input::new(&haystack).span(position..haystack.len());
            let Some(found) = self.automaton.find(input) else {
                break;
            };
            let mut counted = [false; 9];
            for &id in &self.pattern_terms[found.pattern().as_usize()] {
                let category = self.terms[id.0 as usize].category;
                let category_hits = &mut hits.categories[category.index()];
                if !counted[category.index()] {
                    counted[category.index()] = true;
                    category_hits.hits += 1;
                }
                if let Err(slot) = category_hits.terms.binary_search(&id) {
                    category_hits.terms.insert(slot, id);
                }
            }
            // Resume at the match's trailing space, which the next term may
            // start with; every pattern is at least three bytes (" x "), so
            // the scan always moves on.
            position = found.end() - 1;
        }
        hits
    }
}

/// The shipped lexicon files, compiled in for [`LexiconSet::built_in`].
const BUILT_IN_SOURCES: &[(&str, &str)] = &[
    ("de.toml", include_str!("../../../config/lexicons/de.toml")),
    ("en.toml", include_str!("../../../config/lexicons/en.toml")),
    ("es.toml", include_str!("../../../config/lexicons/es.toml")),
    ("fr.toml", include_str!("../../../config/lexicons/fr.toml")),
    ("it.toml", include_str!("../../../config/lexicons/it.toml")),
    ("pl.toml", include_str!("../../../config/lexicons/pl.toml")),
    ("ro.toml", include_str!("../../../config/lexicons/ro.toml")),
    ("ru.toml", include_str!("../../../config/lexicons/ru.toml")),
    ("tr.toml", include_str!("../../../config/lexicons/tr.toml")),
    ("uk.toml", include_str!("../../../config/lexicons/uk.toml")),
];

/// The match form of a text or term: folded, every run of non-word
/// characters one space, a space at each end.
pub(crate) fn match_form(text: &str) -> String {
    match_form_of_folded(&fold(text))
}

/// [`match_form`] of a text already folded.
pub(crate) fn match_form_of_folded(folded: &str) -> String {
    let mut form = String::with_capacity(folded.len() + 2);
    form.push(' ');
    for character in folded.chars() {
        if is_word_character(character) {
            form.push(character);
        } else if !form.ends_with(' ') {
            form.push(' ');
        }
    }
    if !form.ends_with(' ') {
        form.push(' ');
    }
    form
}

#[cfg(test)]
mod tests;
