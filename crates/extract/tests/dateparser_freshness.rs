//! dateparser's relative-date cases for our ten languages
//! (`fixtures/dates/dateparser_freshness.toml`, BSD-3-Clause data, see its
//! header): `parse_posted` must read at least 95 % of them to exactly the
//! instant dateparser expects. The failures are printed, so a change that
//! fixes or breaks one shows which.

use std::path::PathBuf;

use cartograph_extract::parse_posted;
use chrono::{DateTime, Months, TimeDelta, Utc};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    source: String,
    commit: String,
    licence: String,
    now: DateTime<Utc>,
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    text: String,
    language: String,
    ago: Ago,
    line: u32,
    /// Documents a case for readers of the fixture; not checked.
    #[serde(default, rename = "note")]
    _note: Option<String>,
}

/// dateparser's `ago`: calendar years and months, then a duration.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Ago {
    years: u32,
    months: u32,
    weeks: f64,
    days: f64,
    hours: f64,
    minutes: f64,
    seconds: f64,
}

impl Ago {
    fn before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let seconds = self.weeks * 604_800.0
            + self.days * 86_400.0
            + self.hours * 3_600.0
            + self.minutes * 60.0
            + self.seconds;
        now.checked_sub_months(Months::new(self.years * 12 + self.months))
            .expect("the fixture's offsets stay within chrono's range")
            - TimeDelta::seconds(seconds.round() as i64)
    }
}

fn fixture() -> Fixture {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/dates/dateparser_freshness.toml");
    let text = std::fs::read_to_string(&path).expect("the fixture is in the repository");
    toml::from_str(&text).expect("the fixture is valid TOML")
}

#[test]
fn reads_at_least_95_percent_of_dateparsers_relative_dates() {
    let fixture = fixture();
    assert!(fixture.source.contains("dateparser") && fixture.commit.len() == 40);
    assert!(fixture.licence.starts_with("BSD-3-Clause"));
    let languages: std::collections::BTreeSet<&str> = fixture
        .case
        .iter()
        .map(|case| case.language.as_str())
        .collect();
    assert_eq!(
        languages.len(),
        10,
        "every one of our languages has cases: {languages:?}"
    );

    let mut failures = Vec::new();
    for case in &fixture.case {
        let expected = case.ago.before(fixture.now);
        // Read with the case's language, as a site's language would be known.
        let got =
            parse_posted(&case.text, Some(&case.language), fixture.now).map(|posted| posted.at);
        if got != Some(expected) {
            failures.push(format!(
                "line {} [{}] {:?}: expected {expected}, got {got:?}",
                case.line, case.language, case.text
            ));
        }
    }
    let total = fixture.case.len();
    let passed = total - failures.len();
    let rate = passed as f64 / total as f64;
    println!(
        "dateparser freshness cases: {passed}/{total} = {:.1} %",
        rate * 100.0
    );
    for failure in &failures {
        println!("  failed: {failure}");
    }
    assert!(
        total >= 100,
        "the fixture keeps a useful number of cases ({total})"
    );
    assert!(
        rate >= 0.95,
        "{passed}/{total} = {:.1} % < 95 %; failures:\n{}",
        rate * 100.0,
        failures.join("\n")
    );
}

#[test]
fn reads_the_same_cases_without_a_language_hint() {
    // When the language is unknown every language is tried; the rate must
    // hold up (it may differ only where one language's word means another
    // thing in a second language).
    let fixture = fixture();
    let mut failures = Vec::new();
    for case in &fixture.case {
        let got = parse_posted(&case.text, None, fixture.now).map(|posted| posted.at);
        if got != Some(case.ago.before(fixture.now)) {
            failures.push(format!("line {} {:?}: got {got:?}", case.line, case.text));
        }
    }
    let total = fixture.case.len();
    let passed = total - failures.len();
    let rate = passed as f64 / total as f64;
    println!("without a hint: {passed}/{total} = {:.1} %", rate * 100.0);
    for failure in &failures {
        println!("  failed: {failure}");
    }
    assert!(
        rate >= 0.95,
        "{passed}/{total} without a hint:\n{}",
        failures.join("\n")
    );
}
