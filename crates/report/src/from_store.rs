//! The adapter from the store to [`ReportData`]: the one place that knows
//! how indicators are stored.
//!
//! For every whitelisted site: the run it is reported from (its latest run
//! with indicators, or the run asked for), the stored site indicators of
//! that run and of every earlier run (trends), the run record (captures,
//! pages), the page indicators' ad keys (new ads between runs), the
//! whitelist entry (fields a, b, h, k and l hints), and what the captured
//! pages of the last few runs say (`page_evidence`: title, company, ad
//! space, connection evidence).
//!
//! Which mapping fields the stored indicators fill depends on the
//! extractor that made them (`stored_fields.rs` decides, per row, from its
//! extractor version); a field they do not carry stays `None` ("not
//! measured") rather than being guessed here.
//!
//! New ads per day: rows of the full extractor store the count of ads new
//! since the site's previous run that parsed a page; the rate is taken from
//! there, with runs less than a day apart counted as one day. Older rows get
//! it worked out here from the page indicators' ad keys of consecutive runs,
//! the same way.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use cartograph_config::SiteSpec;
use cartograph_extract::{AdKey, LinkageKey};
use cartograph_store::{RunId, RunRecord, SiteIndicatorsRecord, Store};

use crate::model::{
    CategoryField, ConnectionEvidence, LanguageField, MappingFields, ReportData, RunSummary,
    SiteInput, TrendPoint, TrendSeries, TrendUnit,
};
use crate::page_evidence::{read_page_evidence, PageRef};
use crate::stored_fields::{carries_full_indicators, fill_from_record, lexicon_version};
use crate::ReportError;

/// Which run a report describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportScope {
    /// Each site's latest run with indicators.
    Latest,
    /// This run; sites it did not cover get empty rows.
    Run(RunId),
}

/// How the adapter reads the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreReadOptions {
    pub scope: ReportScope,
    /// Runs whose pages are read for connection evidence, the reported one
    /// included (earlier runs date first sightings: who copied whom, who
    /// moved where first). At least 1.
    pub evidence_runs: usize,
    /// Cap on a page's decoded size when a body is content-encoded (the
    /// config's `max_decompressed_bytes`).
    pub max_decoded_bytes: u64,
    /// The report's time.
    pub generated_at: DateTime<Utc>,
}

/// Builds the report's data for the whitelisted `sites` (in their order),
/// and notes about pages that could not be read back.
pub fn report_data_from_store(
    store: &Store,
    sites: &[SiteSpec],
    options: &StoreReadOptions,
) -> Result<(ReportData, Vec<String>), ReportError> {
    let runs: BTreeMap<RunId, RunRecord> =
        store.runs()?.into_iter().map(|run| (run.id, run)).collect();
    if let ReportScope::Run(run_id) = options.scope {
        if !runs.contains_key(&run_id) {
            return Err(ReportError::NoSuchRun(run_id));
        }
    }
    // A key for this report only: pseudonyms link contacts inside it and
    // are never written, so they need not match any other key.
    let key = LinkageKey::new(rand::random());
    let mut ad_keys = AdKeysByRun::default();
    let mut notes = Vec::new();
    let mut runs_read: BTreeSet<RunId> = BTreeSet::new();
    let mut inputs = Vec::with_capacity(sites.len());
    for site in sites {
        let history = store.site_history(&site.id)?;
        let reported = match options.scope {
            ReportScope::Latest => history.last(),
            ReportScope::Run(run_id) => history.iter().find(|record| record.run_id == run_id),
        };
        let Some(reported) = reported else {
            inputs.push(uncrawled_site(site));
            continue;
        };
        let history: Vec<&SiteIndicatorsRecord> = history
            .iter()
            .filter(|record| record.run_id <= reported.run_id)
            .collect();
        runs_read.extend(history.iter().map(|record| record.run_id));
        let mut input = crawled_site(site, reported, &runs);
        input.trends = trends(site, &history, &runs, store, &mut ad_keys)?;
        input.fields.size.new_ads_per_day = input
            .trends
            .iter()
            .find(|series| series.indicator == "new_ads_per_day")
            .and_then(|series| series.points.last())
            .filter(|point| point.run_id == reported.run_id)
            .map(|point| point.value);

        let evidence_records =
            &history[history.len().saturating_sub(options.evidence_runs.max(1))..];
        let pages: Vec<PageRef> = evidence_records
            .iter()
            .flat_map(|record| {
                record.capture_ids.iter().map(|capture_id| PageRef {
                    run_id: record.run_id,
                    capture_id: *capture_id,
                })
            })
            .collect();
        let read = read_page_evidence(
            store,
            site,
            &pages,
            reported.run_id,
            &key,
            options.max_decoded_bytes,
        )?;
        if !read.unreadable.is_empty() {
            notes.push(format!(
                "{}: {} page(s) could not be read back ({})",
                site.id,
                read.unreadable.len(),
                read.unreadable
                    .first()
                    .map(String::as_str)
                    .unwrap_or_default()
            ));
        }
        input.fields.page_title = read.page_title;
        input.fields.company = read
            .evidence
            .company
            .as_ref()
            .map(|company| company.name.clone());
        input.fields.ad_space.post_ad_page_linked = read.post_ad_page_linked;
        input.evidence = read.evidence;
        inputs.push(input);
    }
    let runs = runs_read
        .iter()
        .filter_map(|run_id| runs.get(run_id))
        .map(run_summary)
        .collect();
    Ok((
        ReportData {
            generated_at: options.generated_at,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            runs,
            sites: inputs,
        },
        notes,
    ))
}

fn run_summary(run: &RunRecord) -> RunSummary {
    RunSummary {
        id: run.id,
        started_at: run.started_at,
        finished_at: run.finished_at,
        state: serialized_name(&run.state),
        trigger: serialized_name(&run.trigger),
        case_label: run.case_label.clone(),
    }
}

/// The whitelist's part of a site's fields.
fn whitelist_fields(site: &SiteSpec) -> MappingFields {
    MappingFields {
        name: site.name.clone(),
        urls: site.seeds.iter().map(|seed| seed.to_string()).collect(),
        notes: site.notes.clone(),
        language: LanguageField {
            hint: site.language_hint.clone(),
            shares: Vec::new(),
        },
        category: CategoryField {
            hint: site
                .category_hint
                .map(|category| category.as_str().to_owned()),
            predicted: None,
            predicted_confidence: None,
        },
        ..MappingFields::default()
    }
}

fn uncrawled_site(site: &SiteSpec) -> SiteInput {
    SiteInput {
        site_id: site.id.clone(),
        country: site.country.as_str().to_owned(),
        run_id: None,
        run_started_at: None,
        capture_count: 0,
        pages_fetched: 0,
        extractor_version: None,
        lexicon_version: None,
        fields: whitelist_fields(site),
        trends: Vec::new(),
        evidence: ConnectionEvidence::default(),
    }
}

/// The fields the stored indicator row of `record` fills.
fn crawled_site(
    site: &SiteSpec,
    record: &SiteIndicatorsRecord,
    runs: &BTreeMap<RunId, RunRecord>,
) -> SiteInput {
    let run = runs.get(&record.run_id);
    let site_run = run.and_then(|run| run.sites.get(&site.id));
    let mut fields = whitelist_fields(site);
    fill_from_record(&mut fields, record);
    SiteInput {
        site_id: site.id.clone(),
        country: site.country.as_str().to_owned(),
        run_id: Some(record.run_id),
        run_started_at: run.map(|run| run.started_at),
        capture_count: site_run.map_or(0, |site_run| site_run.captures),
        pages_fetched: record.pages_fetched,
        extractor_version: Some(record.extractor_version.clone()),
        lexicon_version: lexicon_version(record),
        fields,
        trends: Vec::new(),
        evidence: ConnectionEvidence::default(),
    }
}

/// Distinct ad keys per (run, site), read once per run from its page
/// indicators.
#[derive(Default)]
struct AdKeysByRun {
    runs: BTreeMap<RunId, BTreeMap<String, BTreeSet<AdKey>>>,
}

impl AdKeysByRun {
    fn of(
        &mut self,
        store: &Store,
        run_id: RunId,
        site_id: &str,
    ) -> Result<&BTreeSet<AdKey>, ReportError> {
        if let std::collections::btree_map::Entry::Vacant(entry) = self.runs.entry(run_id) {
            let mut by_site: BTreeMap<String, BTreeSet<AdKey>> = BTreeMap::new();
            for page in store.page_indicators(run_id)? {
                by_site
                    .entry(page.site_id)
                    .or_default()
                    .extend(page.indicators.ad_keys().cloned());
            }
            entry.insert(by_site);
        }
        static EMPTY: BTreeSet<AdKey> = BTreeSet::new();
        Ok(self
            .runs
            .get(&run_id)
            .and_then(|by_site| by_site.get(site_id))
            .unwrap_or(&EMPTY))
    }
}

fn trends(
    site: &SiteSpec,
    history: &[&SiteIndicatorsRecord],
    runs: &BTreeMap<RunId, RunRecord>,
    store: &Store,
    ad_keys: &mut AdKeysByRun,
) -> Result<Vec<TrendSeries>, ReportError> {
    let started = |run_id: RunId| runs.get(&run_id).map(|run| run.started_at);
    let series = |indicator: &str, label: &str, unit, values: Vec<(RunId, f64)>| TrendSeries {
        indicator: indicator.to_owned(),
        label: label.to_owned(),
        unit,
        points: values
            .into_iter()
            .filter_map(|(run_id, value)| {
                Some(TrendPoint {
                    run_id,
                    at: started(run_id)?,
                    value,
                })
            })
            .collect(),
    };
    // When a row's indicators were taken: its pages' latest capture, or
    // (rows from before that was stored) its run's start.
    let taken_at =
        |record: &SiteIndicatorsRecord| record.run_time.or_else(|| started(record.run_id));
    let mut new_ads = Vec::new();
    for (index, current) in history.iter().enumerate().skip(1) {
        if carries_full_indicators(&current.extractor_version) {
            if let Some(rate) = stored_new_ads_per_day(&history[..=index], taken_at) {
                new_ads.push((current.run_id, rate));
            }
            continue;
        }
        let previous = history[index - 1];
        let before = ad_keys.of(store, previous.run_id, &site.id)?.clone();
        let now = ad_keys.of(store, current.run_id, &site.id)?;
        let appeared = now.difference(&before).count() as f64;
        let (Some(previous_start), Some(current_start)) =
            (started(previous.run_id), started(current.run_id))
        else {
            continue;
        };
        // Runs less than a day apart count as one day, so a same-day
        // recrawl does not multiply the rate.
        let days = ((current_start - previous_start).num_seconds() as f64 / 86_400.0).max(1.0);
        new_ads.push((current.run_id, appeared / days));
    }
    let mut trends = vec![
        series(
            "ads_seen",
            "distinct ads",
            TrendUnit::Count,
            history
                .iter()
                .map(|record| (record.run_id, record.indicators.ads_seen as f64))
                .collect(),
        ),
        series(
            "ad_cards",
            "ad cards incl. repeats",
            TrendUnit::Count,
            history
                .iter()
                .map(|record| (record.run_id, record.indicators.ad_cards as f64))
                .collect(),
        ),
        series(
            "pages_fetched",
            "listing pages fetched",
            TrendUnit::Count,
            history
                .iter()
                .map(|record| (record.run_id, record.pages_fetched as f64))
                .collect(),
        ),
    ];
    if !new_ads.is_empty() {
        trends.push(series(
            "new_ads_per_day",
            "new ads per day",
            TrendUnit::Count,
            new_ads,
        ));
    }
    // Per-run indicators only the full extractor records: points of its
    // rows that parsed a page alone, so an older or unread row is a gap
    // rather than a zero.
    let full_rows: Vec<&SiteIndicatorsRecord> = history
        .iter()
        .copied()
        .filter(|record| {
            carries_full_indicators(&record.extractor_version) && record.indicators.pages_parsed > 0
        })
        .collect();
    if !full_rows.is_empty() {
        trends.push(series(
            "ads_last_24h",
            "ads posted in the last 24 hours",
            TrendUnit::Count,
            full_rows
                .iter()
                .map(|record| (record.run_id, record.indicators.ads_last_24h as f64))
                .collect(),
        ));
        trends.push(series(
            "distinct_contacts",
            "distinct contacts",
            TrendUnit::Count,
            full_rows
                .iter()
                .map(|record| (record.run_id, record.indicators.distinct_contacts as f64))
                .collect(),
        ));
    }
    Ok(trends)
}

/// New ads per day of the last row of `history` (a full-extractor row), from
/// its stored count of ads new since the site's previous run that parsed a
/// page (the run the crawl compared with). The stored rate is used as it
/// is when the runs are a day or more apart; closer runs count as one day,
/// so a same-day recrawl does not multiply the rate. `None` without a
/// previous run.
fn stored_new_ads_per_day(
    history: &[&SiteIndicatorsRecord],
    taken_at: impl Fn(&SiteIndicatorsRecord) -> Option<DateTime<Utc>>,
) -> Option<f64> {
    let (current, earlier) = history.split_last()?;
    let new_ads = current.indicators.new_ads? as f64;
    let previous = earlier
        .iter()
        .rev()
        .find(|record| record.indicators.pages_parsed > 0);
    let days = previous
        .and_then(|previous| Some((taken_at(current)? - taken_at(previous)?).num_seconds()))
        .map(|seconds| seconds as f64 / 86_400.0);
    match (days, current.indicators.new_ads_per_day) {
        (Some(days), Some(stored)) if days >= 1.0 => Some(stored),
        (Some(days), _) => Some(new_ads / days.max(1.0)),
        (None, stored) => stored,
    }
}

/// The name a unit enum serializes to (`completed`, `google-analytics`).
pub(crate) fn serialized_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
#[path = "from_store_tests.rs"]
mod tests;
