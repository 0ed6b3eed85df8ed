//! Lexicon parsing, errors, versions and scanning, one table row per case.

use super::*;

const ENGLISH: &str = r#"language = "en"
version = 2

[[term]]
text = "new in town"
category = "movement"
note = "arrival"

[[term]]
text = "new"
category = "movement"
note = "short form, to test leftmost-longest"

[[term]]
text = "100% real"
category = "trust-building"
note = "assurance"

[[term]]
text = "escort"
category = "services"
note = "service word"

[[term]]
text = "agency"
category = "third-party"
note = "agency voice"
"#;

const GERMAN: &str = r#"language = "de"
version = 1

[[term]]
text = "neu in der Stadt"
category = "movement"
note = "new in town"

[[term]]
text = "Escort"
category = "services"
note = "same word as in English"

[[term]]
text = "Rumänin"
category = "nationality"
note = "Romanian (woman)"
"#;

const RUSSIAN: &str = r#"language = "ru"
version = 1

[[term]]
text = "новая в городе"
category = "movement"
note = "new in town"
"#;

fn set() -> LexiconSet {
    LexiconSet::from_sources(&[
        ("en.toml", ENGLISH),
        ("de.toml", GERMAN),
        ("ru.toml", RUSSIAN),
    ])
    .expect("the test lexicons are valid")
}

/// Expected hits: (category, hit count, term keys).
fn check(text: &str, expect: &[(RiskCategory, u32, &[&str])]) {
    let set = set();
    let hits = set.scan(text);
    let got: Vec<(RiskCategory, u32, Vec<String>)> = hits
        .hit_categories()
        .map(|(category, hits)| {
            let keys = hits
                .terms
                .iter()
                .map(|id| set.term(*id).expect("scan returns known ids").key())
                .collect();
            (category, hits.hits, keys)
        })
        .collect();
    let expect: Vec<(RiskCategory, u32, Vec<String>)> = expect
        .iter()
        .map(|(category, count, keys)| {
            (
                *category,
                *count,
                keys.iter().map(|key| key.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(got, expect, "scan({text:?})");
}

use RiskCategory::{Movement, Nationality, Services, ThirdParty, TrustBuilding};

#[test]
fn scans_whole_words_ignoring_case_marks_and_look_alikes() {
    check("", &[]);
    check(
        "Just arrived: NEW IN TOWN!",
        &[(Movement, 1, &["en:new in town"])],
    );
    // Cyrillic і and о in the Latin words.
    check("nеw іn tоwn", &[(Movement, 1, &["en:new in town"])]);
    // Latin а and о in the Russian words.
    check("Новaя в гoроде", &[(Movement, 1, &["ru:новая в городе"])]);
    check(
        "neu in der stadt, rumanin",
        &[
            (Movement, 1, &["de:neu in der Stadt"]),
            (Nationality, 1, &["de:Rumänin"]),
        ],
    );
    // Punctuation and spacing inside a term do not matter.
    check("100 % REAL", &[(TrustBuilding, 1, &["en:100% real"])]);
    check("new-in-town", &[(Movement, 1, &["en:new in town"])]);
    // Word-bounded: no match inside longer words.
    check("renew intown escorts agencyname", &[]);
    // Leftmost-longest: "new in town" wins over "new"; a separate "new"
    // still counts.
    check(
        "new in town, new",
        &[(Movement, 2, &["en:new in town", "en:new"])],
    );
    // Adjacent terms share the space between them.
    check(
        "escort agency",
        &[
            (ThirdParty, 1, &["en:agency"]),
            (Services, 1, &["en:escort", "de:Escort"]),
        ],
    );
    // Repeats count as hits; the term list stays distinct.
    check(
        "escort, escort",
        &[(Services, 2, &["en:escort", "de:Escort"])],
    );
}

#[test]
fn scanning_a_long_text_counts_every_repeat() {
    let set = set();
    let card = "Anna, new in town. 100% real. Escort agency. ";
    let repeats = 20_000; // about 0.9 MB
    let hits = set.scan(&card.repeat(repeats));
    assert_eq!(hits.category(Movement).hits, repeats as u32);
    assert_eq!(hits.category(TrustBuilding).hits, repeats as u32);
    assert_eq!(hits.category(Services).hits, repeats as u32);
    assert_eq!(hits.category(ThirdParty).hits, repeats as u32);
    assert_eq!(hits.total_hits(), 4 * repeats as u32);
}

#[test]
fn version_names_languages_and_changes_with_any_edit() {
    let version = set().version();
    assert!(version.starts_with("de:1,en:2,ru:1;sha256:"), "{version}");
    assert_eq!(version.len(), "de:1,en:2,ru:1;sha256:".len() + 12);
    let edited = ENGLISH.replace("arrival", "arrival, edited");
    let edited_version = LexiconSet::from_sources(&[
        ("en.toml", &edited),
        ("de.toml", GERMAN),
        ("ru.toml", RUSSIAN),
    ])
    .expect("still valid")
    .version();
    assert_ne!(version, edited_version);
    // The order the files come in does not matter.
    let reordered = LexiconSet::from_sources(&[
        ("ru.toml", RUSSIAN),
        ("en.toml", ENGLISH),
        ("de.toml", GERMAN),
    ])
    .expect("valid")
    .version();
    assert_eq!(version, reordered);
}

fn check_error(sources: &[(&str, &str)], expect: &[&str]) {
    let error = LexiconSet::from_sources(sources).expect_err("the sources are invalid");
    let got: Vec<String> = error
        .problems
        .iter()
        .map(|problem| format!("{}:{}: {}", problem.file, problem.line, problem.message))
        .collect();
    assert_eq!(got, expect, "{error}");
    assert!(error.problems.iter().all(|problem| !problem.fix.is_empty()));
}

#[test]
fn every_problem_names_file_line_and_fix() {
    let header = "language = \"en\"\nversion = 1\n";
    let term = |text: &str, category: &str, note: &str| {
        format!("\n[[term]]\ntext = \"{text}\"\ncategory = \"{category}\"\nnote = \"{note}\"\n")
    };
    let unknown_category = format!("{header}{}", term("new in town", "moving", "arrival"));
    check_error(
        &[("en.toml", &unknown_category)],
        &["en.toml:6: unknown category \"moving\""],
    );

    let duplicate = format!(
        "{header}{}{}",
        term("new in town", "movement", "arrival"),
        term("New In Town!", "services", "again")
    );
    check_error(
        &[("en.toml", &duplicate)],
        &["en.toml:10: duplicate term \"New In Town!\" (same words as line 5)"],
    );

    let empty = format!(
        "{header}{}{}",
        term("  ", "movement", "blank"),
        term("!!!", "movement", "symbols")
    );
    check_error(
        &[("en.toml", &empty)],
        &[
            "en.toml:5: empty term \"\": it has no letters or digits to match",
            "en.toml:10: empty term \"!!!\": it has no letters or digits to match",
        ],
    );

    let no_note = format!("{header}{}", term("agency", "third-party", " "));
    check_error(
        &[("en.toml", &no_note)],
        &["en.toml:7: term \"agency\" has an empty note"],
    );

    let misnamed = "language = \"de\"\nversion = 0\n";
    check_error(
        &[("lexicons/en.toml", misnamed)],
        &[
            "lexicons/en.toml:1: language \"de\" in a file named en.toml",
            "lexicons/en.toml:2: version 0 is not a positive whole number",
        ],
    );

    check_error(
        &[("en.toml", header), ("en.toml", header)],
        &["en.toml:1: language \"en\" is also defined in en.toml"],
    );

    let typo = "language = \"en\"\nversion = 1\n\n[[term]]\ntext = \"agency\"\ncategroy = \"third-party\"\nnote = \"x\"\n";
    let error = LexiconSet::from_sources(&[("en.toml", typo)]).expect_err("unknown key");
    assert_eq!(error.problems.len(), 1);
    assert_eq!(error.problems[0].line, 6, "{error}");
    assert!(error.problems[0].message.contains("categroy"), "{error}");

    // Problems in several files are all reported.
    let error = LexiconSet::from_sources(&[
        ("en.toml", &unknown_category),
        ("de.toml", "language = \"de\"\n"),
    ])
    .expect_err("two bad files");
    assert_eq!(error.problems.len(), 2, "{error}");
    assert!(error.to_string().contains("en.toml:6:") && error.to_string().contains("de.toml:"));
}

#[test]
fn categories_round_trip_their_names() {
    for category in RiskCategory::ALL {
        assert_eq!(RiskCategory::from_name(category.as_str()), Some(category));
    }
    assert_eq!(RiskCategory::from_name("Youth"), None);
}
