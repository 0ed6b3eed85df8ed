//! Site indicators from stored page indicators: the one place that turns a
//! site's page rows of a run into its site row, used by the crawl when a
//! site finishes and by `cartograph reextract` after a lexicon change.

use cartograph_config::SiteSpec;
use cartograph_extract::{aggregate_site, PreviousRun, EXTRACTOR_VERSION};
use cartograph_store::{PageIndicatorsRecord, RunId, SiteIndicatorsRecord, Store, StoreError};
use chrono::{DateTime, Utc};

/// The site row of `site` in run `run_id` from its page rows `pages`,
/// compared with the site's latest earlier run that parsed any page.
/// `pages_fetched` is the crawl's count of 2xx listing pages.
pub fn site_row(
    store: &Store,
    site: &SiteSpec,
    run_id: RunId,
    pages: &[PageIndicatorsRecord],
    lexicon_version: &str,
    pages_fetched: u64,
) -> Result<SiteIndicatorsRecord, StoreError> {
    let run_time = match pages.iter().filter_map(|page| page.captured_at).max() {
        Some(latest) => Some(latest),
        None => store.run(run_id)?.map(|run| run.started_at),
    };
    let previous = previous_run(store, &site.id, run_id)?;
    let indicators = aggregate_site(
        site,
        pages.iter().map(|page| &page.indicators),
        previous.as_ref(),
        run_time.unwrap_or_default(),
    );
    Ok(SiteIndicatorsRecord {
        run_id,
        site_id: site.id.clone(),
        capture_ids: pages.iter().map(|page| page.capture_id).collect(),
        extractor_version: EXTRACTOR_VERSION.to_owned(),
        lexicon_version: lexicon_version.to_owned(),
        run_time,
        reextracted_at: None,
        pages_fetched,
        indicators,
    })
}

/// The site's latest run before `run_id` whose row parsed a page: a run in
/// which the site could not be fetched says nothing about its ads.
fn previous_run(
    store: &Store,
    site_id: &str,
    run_id: RunId,
) -> Result<Option<PreviousRun>, StoreError> {
    let history = store.site_history(site_id)?;
    let Some(previous) = history
        .iter()
        .filter(|row| row.run_id < run_id && row.indicators.pages_parsed > 0)
        .max_by_key(|row| row.run_id)
    else {
        return Ok(None);
    };
    let run_time: Option<DateTime<Utc>> = match previous.run_time {
        Some(time) => Some(time),
        None => store.run(previous.run_id)?.map(|run| run.started_at),
    };
    let Some(run_time) = run_time else {
        return Ok(None);
    };
    let pages = store.page_indicators_of_site(previous.run_id, site_id)?;
    Ok(Some(PreviousRun::from_pages(
        pages.iter().map(|page| &page.indicators),
        run_time,
    )))
}
