//! `cartograph indicators`: the latest run's indicators per site, as a
//! table or as JSON, or with `--site ID --history` one site across its last
//! runs: ads first and last seen, new and disappeared ads, new ads per day,
//! and every indicator's trend. The history is generic over the indicator
//! fields: every number in a site's indicator record (nested ones named by
//! their dotted path) is a row, so indicators added later show up without
//! a change here. The JSON keys are a contract: later versions add keys,
//! never rename them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use cartograph_extract::{link_contacts_across_sites, ContactPseudonym};
use cartograph_store::{SiteIndicatorsRecord, Store};
use serde::{Deserialize, Serialize};

use crate::args::Format;
use crate::check_config::load;
use crate::exit;
use crate::reads::{read, ReadOutput, ReadRequest};

/// One site's row of `indicators --format json`. The skeleton's keys come
/// first and stay; issue 6's headline keys follow; `indicators` holds every
/// site indicator of the row (pseudonym footprints left out: they are for
/// linking, and `contacts_on_2_plus_sites` is what they link to).
#[derive(Debug, Serialize)]
pub(crate) struct IndicatorRow {
    pub(crate) site: String,
    pub(crate) run: u64,
    pub(crate) pages_fetched: u64,
    pub(crate) ads_seen: usize,
    pub(crate) ad_cards: usize,
    pub(crate) extractor_version: String,
    pub(crate) captures: usize,
    /// Ads whose card gives a posting time.
    pub(crate) ads_with_date: usize,
    /// Ads posted at most 24 hours / 7 days before the run.
    pub(crate) ads_last_24h: usize,
    pub(crate) ads_last_7d: usize,
    /// Language code → share of the ads.
    pub(crate) languages: BTreeMap<String, f64>,
    /// The classifier's category (kebab-case), next to the analyst's hint.
    pub(crate) category_predicted: Option<String>,
    pub(crate) category_confidence: f32,
    pub(crate) category_hint: Option<String>,
    /// Distinct contact pseudonyms on the site's ads.
    pub(crate) distinct_contacts: usize,
    /// Of those, contacts also on another site's latest run.
    pub(crate) contacts_on_2_plus_sites: usize,
    /// The lexicons the row was matched with.
    pub(crate) lexicon_version: String,
    /// What recency counts back from: the run's latest capture.
    pub(crate) run_time: Option<chrono::DateTime<chrono::Utc>>,
    /// When `cartograph reextract` last derived the row again.
    pub(crate) reextracted_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Every site indicator of the row.
    pub(crate) indicators: serde_json::Value,
}

impl IndicatorRow {
    /// The row of `record`; `shared_contacts` are the pseudonyms seen on
    /// two sites or more (see [`shared_contacts`]).
    pub(crate) fn from_record(
        record: &SiteIndicatorsRecord,
        shared_contacts: &BTreeSet<ContactPseudonym>,
    ) -> IndicatorRow {
        let site = &record.indicators;
        let mut indicators = serde_json::to_value(site).unwrap_or_default();
        if let Some(object) = indicators.as_object_mut() {
            object.remove("contacts");
        }
        IndicatorRow {
            site: record.site_id.clone(),
            run: record.run_id,
            pages_fetched: record.pages_fetched,
            ads_seen: site.ads_seen,
            ad_cards: site.ad_cards,
            extractor_version: record.extractor_version.clone(),
            captures: record.capture_ids.len(),
            ads_with_date: site.ads_with_date,
            ads_last_24h: site.ads_last_24h,
            ads_last_7d: site.ads_last_7d,
            languages: site.languages.clone(),
            category_predicted: site
                .category_predicted
                .map(|category| category.as_str().to_owned()),
            category_confidence: site.category_confidence,
            category_hint: site
                .category_hint
                .map(|category| category.as_str().to_owned()),
            distinct_contacts: site.distinct_contacts,
            contacts_on_2_plus_sites: site
                .contacts
                .iter()
                .filter(|footprint| shared_contacts.contains(&footprint.contact))
                .count(),
            lexicon_version: record.lexicon_version.clone(),
            run_time: record.run_time,
            reextracted_at: record.reextracted_at,
            indicators,
        }
    }
}

/// Pseudonyms that the latest rows of two sites or more carry.
pub(crate) fn shared_contacts(latest: &[SiteIndicatorsRecord]) -> BTreeSet<ContactPseudonym> {
    link_contacts_across_sites(latest.iter().map(|record| {
        (
            record.site_id.as_str(),
            record.indicators.contacts.as_slice(),
        )
    }))
    .shared
    .into_iter()
    .filter(|contact| contact.site_ids.len() >= 2)
    .map(|contact| contact.contact)
    .collect()
}

/// The arguments of `indicators`, as sent to a writer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IndicatorArgs {
    pub(crate) json: bool,
    pub(crate) site: Option<String>,
    pub(crate) history: bool,
    pub(crate) runs: usize,
}

pub(crate) fn run(
    config_path: &Path,
    format: Format,
    site: Option<String>,
    history: bool,
    runs: usize,
) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let request = ReadRequest::new(
        "indicators",
        IndicatorArgs {
            json: format == Format::Json,
            site,
            history,
            runs,
        },
    );
    Ok(read(&config, &request)?.print())
}

/// `indicators` against an open store.
pub(crate) fn render(store: &Store, args: &IndicatorArgs) -> anyhow::Result<ReadOutput> {
    if args.history {
        let Some(site) = &args.site else {
            anyhow::bail!("--history needs --site ID");
        };
        return history(store, site, args.runs.max(1), args.json);
    }
    let latest = store.latest_site_indicators()?;
    let shared = shared_contacts(&latest);
    let rows: Vec<IndicatorRow> = latest
        .iter()
        .filter(|record| {
            args.site
                .as_ref()
                .is_none_or(|site| &record.site_id == site)
        })
        .map(|record| IndicatorRow::from_record(record, &shared))
        .collect();
    Ok(ReadOutput {
        stdout: rows_text(&rows, args.json)?,
        ..ReadOutput::default()
    })
}

pub(crate) fn rows_text(rows: &[IndicatorRow], json: bool) -> anyhow::Result<String> {
    let mut text = String::new();
    if json {
        writeln!(text, "{}", serde_json::to_string_pretty(rows)?)?;
    } else {
        writeln!(
            text,
            "{:<28} {:>5} {:>7} {:>8} {:>8} {:>7} {:>6} {:<12} {:<22} {:>8} {:>7}",
            "site",
            "run",
            "pages",
            "ads",
            "cards",
            "dated",
            "≤24h",
            "language",
            "category (predicted)",
            "contacts",
            "shared"
        )?;
        for row in rows {
            let language = row
                .languages
                .iter()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(code, share)| format!("{code} {:.0}%", share * 100.0))
                .unwrap_or_else(|| "-".to_owned());
            let category = row
                .category_predicted
                .as_ref()
                .map(|category| format!("{category} {:.2}", row.category_confidence))
                .unwrap_or_else(|| "-".to_owned());
            writeln!(
                text,
                "{:<28} {:>5} {:>7} {:>8} {:>8} {:>7} {:>6} {:<12} {:<22} {:>8} {:>7}",
                row.site,
                row.run,
                row.pages_fetched,
                row.ads_seen,
                row.ad_cards,
                row.ads_with_date,
                row.ads_last_24h,
                language,
                category,
                row.distinct_contacts,
                row.contacts_on_2_plus_sites
            )?;
        }
    }
    Ok(text)
}

/// One run of a site's history.
#[derive(Debug, Serialize)]
struct HistoryRun {
    run: u64,
    at: Option<chrono::DateTime<chrono::Utc>>,
    /// Every numeric indicator by dotted path.
    indicators: BTreeMap<String, f64>,
    new_ads: Option<u64>,
    disappeared_ads: Option<u64>,
    new_ads_per_day: Option<f64>,
}

fn history(store: &Store, site: &str, runs: usize, json: bool) -> anyhow::Result<ReadOutput> {
    let rows = store.site_history(site)?;
    if rows.is_empty() {
        return Ok(ReadOutput {
            stderr: format!("no run has indicators of site {site:?}\n"),
            exit_code: exit::FAILURE,
            ..ReadOutput::default()
        });
    }
    let ad_runs: BTreeMap<u64, cartograph_store::AdRunSummary> = store
        .ad_history(site)?
        .into_iter()
        .map(|summary| (summary.run_id, summary))
        .collect();
    let latest = &rows[rows.len().saturating_sub(runs)..];
    let history: Vec<HistoryRun> = latest
        .iter()
        .map(|record| {
            let mut indicators = BTreeMap::new();
            indicators.insert("pages_fetched".to_owned(), record.pages_fetched as f64);
            flatten_numbers(
                "",
                &serde_json::to_value(&record.indicators).unwrap_or_default(),
                &mut indicators,
            );
            let ads = ad_runs.get(&record.run_id);
            HistoryRun {
                run: record.run_id,
                at: ads.map(|ads| ads.at),
                indicators,
                new_ads: ads.map(|ads| ads.new_ads),
                disappeared_ads: ads.map(|ads| ads.disappeared_ads),
                new_ads_per_day: ads.and_then(|ads| ads.new_ads_per_day),
            }
        })
        .collect();
    let ads = store.ads_of_site(site)?;
    let mut text = String::new();
    if json {
        let document = serde_json::json!({
            "site": site,
            "runs": history,
            "ads": ads,
        });
        writeln!(text, "{}", serde_json::to_string_pretty(&document)?)?;
        return Ok(ReadOutput {
            stdout: text,
            ..ReadOutput::default()
        });
    }
    writeln!(text, "site {site}: last {} run(s)", history.len())?;
    let mut header = format!("{:<28}", "run");
    for run in &history {
        write!(header, " {:>12}", run.run)?;
    }
    writeln!(text, "{header} {:>9}", "trend")?;
    let mut dates = format!("{:<28}", "day");
    for run in &history {
        let day = run
            .at
            .map(|at| at.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "-".to_owned());
        write!(dates, " {day:>12}")?;
    }
    writeln!(text, "{dates}")?;
    let mut names: Vec<String> = history
        .iter()
        .flat_map(|run| run.indicators.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    let mut lines: Vec<(String, Vec<Option<f64>>)> = names
        .iter()
        .map(|name| {
            let values = history
                .iter()
                .map(|run| run.indicators.get(name).copied())
                .collect();
            (name.clone(), values)
        })
        .collect();
    lines.push((
        "new_ads".to_owned(),
        history
            .iter()
            .map(|run| run.new_ads.map(|n| n as f64))
            .collect(),
    ));
    lines.push((
        "disappeared_ads".to_owned(),
        history
            .iter()
            .map(|run| run.disappeared_ads.map(|n| n as f64))
            .collect(),
    ));
    lines.push((
        "new_ads_per_day".to_owned(),
        history.iter().map(|run| run.new_ads_per_day).collect(),
    ));
    for (name, values) in lines {
        let mut line = format!("{name:<28}");
        for value in &values {
            write!(line, " {:>12}", number(*value))?;
        }
        writeln!(text, "{line} {:>9}", trend(&values))?;
    }
    let first_seen = ads.iter().map(|ad| ad.first_seen_at).min();
    writeln!(
        text,
        "ads ever seen: {} (first on {}); seen in the latest run: {}",
        ads.len(),
        first_seen
            .map(|at| at.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "-".to_owned()),
        ads.iter()
            .filter(|ad| Some(ad.last_seen_run) == history.last().map(|run| run.run))
            .count()
    )?;
    Ok(ReadOutput {
        stdout: text,
        ..ReadOutput::default()
    })
}

/// Every number in `value`, by dotted path (arrays by index).
fn flatten_numbers(prefix: &str, value: &serde_json::Value, into: &mut BTreeMap<String, f64>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        serde_json::Value::Number(number) => {
            if let Some(number) = number.as_f64() {
                into.insert(prefix.to_owned(), number);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                flatten_numbers(&join(key), value, into);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten_numbers(&join(&index.to_string()), item, into);
            }
        }
        _ => {}
    }
}

fn number(value: Option<f64>) -> String {
    match value {
        None => "-".to_owned(),
        Some(value) if value.fract() == 0.0 => format!("{value:.0}"),
        Some(value) => format!("{value:.2}"),
    }
}

/// The change from the first to the last known value.
fn trend(values: &[Option<f64>]) -> String {
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    match (known.first(), known.last()) {
        (Some(first), Some(last)) if known.len() > 1 => {
            let change = last - first;
            if change == 0.0 {
                "=".to_owned()
            } else if change > 0.0 {
                format!("+{}", number(Some(change)))
            } else {
                number(Some(change))
            }
        }
        _ => "-".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_flattened_by_path_whatever_the_fields() {
        let value = serde_json::json!({
            "ads_seen": 3,
            "prices": {"median": 120.5, "currency": "EUR"},
            "languages": [{"share": 0.5}],
            "name": "x"
        });
        let mut numbers = BTreeMap::new();
        flatten_numbers("", &value, &mut numbers);
        assert_eq!(
            numbers,
            BTreeMap::from([
                ("ads_seen".to_owned(), 3.0),
                ("languages.0.share".to_owned(), 0.5),
                ("prices.median".to_owned(), 120.5),
            ])
        );
    }

    #[test]
    fn trends_compare_the_first_and_last_known_values() {
        let check = |values: &[Option<f64>], expected: &str| {
            assert_eq!(trend(values), expected, "{values:?}");
        };
        check(&[Some(3.0), None, Some(5.0)], "+2");
        check(&[Some(3.0), Some(1.5)], "-1.50");
        check(&[Some(3.0), Some(3.0)], "=");
        check(&[None, Some(3.0)], "-");
    }
}
