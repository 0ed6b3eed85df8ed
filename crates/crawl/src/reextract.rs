//! `cartograph reextract`: indicators derived again from stored captures,
//! after a lexicon or extractor change, without fetching anything.
//!
//! Every page row of a run names its capture; the capture's stored body
//! (or, for a `304 Not Modified`, the body of the capture it revisits) is
//! read back with `Store::page_body`, decoded as the crawl decoded it, and
//! extracted again with the lexicons
//! and linkage key loaded now. The page rows are overwritten in place, then
//! each site's row is derived again from them (`crate::derive`) with its
//! `reextracted_at` set; the crawl's own counts (pages fetched) are kept.
//! Runs are taken oldest first, so a run's turnover compares with its
//! previous run as re-derived. Captures and the custody log are only read.

use std::collections::BTreeMap;

use cartograph_config::Config;
use cartograph_extract::extract_page;
use cartograph_store::{PageIndicatorsRecord, RunId, Store, StoreError};
use chrono::{DateTime, Utc};
use url::Url;

use crate::derive::site_row;
use crate::extraction::ExtractionSetup;
use crate::CrawlError;

/// What re-deriving one run did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReextractedRun {
    pub run_id: RunId,
    /// Page rows extracted again.
    pub pages: usize,
    /// Per site: ads seen before and after.
    pub sites: BTreeMap<String, (usize, usize)>,
    /// Pages or sites left as they were, with the reason.
    pub skipped: Vec<String>,
}

/// Re-derives the page and site rows of `runs` (every run with page rows
/// when empty), oldest first.
pub fn reextract(
    store: &Store,
    config: &Config,
    setup: &ExtractionSetup,
    runs: &[RunId],
    now: DateTime<Utc>,
) -> Result<Vec<ReextractedRun>, CrawlError> {
    let mut run_ids: Vec<RunId> = if runs.is_empty() {
        store.runs()?.iter().map(|run| run.id).collect()
    } else {
        runs.to_vec()
    };
    run_ids.sort_unstable();
    run_ids.dedup();
    let mut done = Vec::with_capacity(run_ids.len());
    for run_id in run_ids {
        done.push(reextract_run(store, config, setup, run_id, now)?);
    }
    Ok(done)
}

fn reextract_run(
    store: &Store,
    config: &Config,
    setup: &ExtractionSetup,
    run_id: RunId,
    now: DateTime<Utc>,
) -> Result<ReextractedRun, CrawlError> {
    let lexicon_version = &setup.lexicon_version;
    let mut report = ReextractedRun {
        run_id,
        ..ReextractedRun::default()
    };
    let mut by_site: BTreeMap<String, Vec<PageIndicatorsRecord>> = BTreeMap::new();
    for mut page in store.page_indicators(run_id)? {
        let Some(site) = config.site(&page.site_id) else {
            report.skipped.push(format!(
                "{}: no longer in the whitelist; its rows are left as they were",
                page.site_id
            ));
            continue;
        };
        let stored = match store.capture(page.capture_id)? {
            Some(capture) => {
                match store.page_body(&capture, config.network.max_decompressed_bytes) {
                    Ok(body) => body.map(|body| (capture, body)),
                    // A pruned or missing blob: the row stays as the crawl made it.
                    Err(StoreError::Io { .. }) => None,
                    Err(error) => return Err(error.into()),
                }
            }
            None => None,
        };
        let Some((capture, body)) = stored else {
            report.skipped.push(format!(
                "capture {} of {}: its body is no longer stored (pruned?); its page row is kept",
                page.capture_id, page.site_id
            ));
            by_site.entry(page.site_id.clone()).or_default().push(page);
            continue;
        };
        let Ok(url) = Url::parse(&page.url) else {
            report.skipped.push(format!(
                "capture {}: its URL does not parse; its page row is kept",
                page.capture_id
            ));
            by_site.entry(page.site_id.clone()).or_default().push(page);
            continue;
        };
        let captured_at = page.captured_at.unwrap_or(capture.fetched_at);
        let extraction = extract_page(
            site,
            &url,
            &body.headers,
            &body.bytes,
            &setup.context(captured_at),
        );
        page.indicators = extraction.indicators;
        page.extractor_version = cartograph_extract::EXTRACTOR_VERSION.to_owned();
        page.lexicon_version = lexicon_version.clone();
        page.captured_at = Some(captured_at);
        store.put_page_indicators(&page)?;
        report.pages += 1;
        by_site.entry(page.site_id.clone()).or_default().push(page);
    }
    for (site_id, pages) in by_site {
        let Some(site) = config.site(&site_id) else {
            continue;
        };
        let earlier = store
            .site_history(&site_id)?
            .into_iter()
            .find(|row| row.run_id == run_id);
        let pages_fetched = earlier
            .as_ref()
            .map_or(pages.len() as u64, |row| row.pages_fetched);
        let mut row = site_row(store, site, run_id, &pages, lexicon_version, pages_fetched)?;
        row.reextracted_at = Some(now);
        let before = earlier.map_or(0, |row| row.indicators.ads_seen);
        report
            .sites
            .insert(site_id, (before, row.indicators.ads_seen));
        store.put_site_indicators(&row)?;
    }
    store.flush()?;
    Ok(report)
}
