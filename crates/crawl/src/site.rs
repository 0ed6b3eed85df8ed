//! One site in one run: a breadth-first walk of its listing pages.
//!
//! Start URLs and every link found pass the scope guard; what it refuses is
//! counted, never requested. Each fetched page is stored as a capture before
//! it is parsed; parsing runs on a blocking thread (scraper's `Html` is not
//! `Send`). At the end the page indicators are reduced to site indicators.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use cartograph_config::{PolitenessSettings, SiteSpec};
use cartograph_extract::{aggregate_site, extract_page, PageIndicators, EXTRACTOR_VERSION};
use cartograph_fetch::{AllowedUrl, CrawlOutcome, Fetcher, ScopeGuard};
use cartograph_store::{
    CaptureId, PageIndicatorsRecord, RunId, SiteIndicatorsRecord, SiteRunRecord, SiteRunStatus,
    Store,
};
use tracing::{debug, info, instrument};
use url::Url;

use crate::{blocking, evidence, CrawlError, Progress, SiteReport};

pub(crate) struct SiteCrawl {
    pub(crate) run_id: RunId,
    pub(crate) case_label: Option<String>,
    pub(crate) site: SiteSpec,
    pub(crate) start: Vec<Url>,
    pub(crate) politeness: PolitenessSettings,
    pub(crate) fetcher: Arc<Fetcher>,
    pub(crate) scope: Arc<ScopeGuard>,
    pub(crate) store: Arc<Store>,
    pub(crate) progress: Arc<dyn Progress>,
}

impl SiteCrawl {
    #[instrument(skip_all, fields(site = %self.site.id))]
    pub(crate) async fn crawl(self) -> Result<(SiteRunRecord, SiteReport), CrawlError> {
        let mut record = SiteRunRecord::pending();
        record.status = SiteRunStatus::Running;
        let interval = self.site.min_interval(&self.politeness);
        let max_pages = u64::from(self.site.max_pages(&self.politeness));
        let mut frontier: VecDeque<AllowedUrl> = VecDeque::new();
        let mut seen: HashSet<String> = HashSet::new();
        let start = if self.start.is_empty() {
            self.site.seeds.clone()
        } else {
            self.start.clone()
        };
        for url in &start {
            self.enqueue(url, &mut frontier, &mut seen, &mut record);
        }

        let mut pages: Vec<(CaptureId, PageIndicators)> = Vec::new();
        let mut requests: u64 = 0;
        let mut last_failure: Option<String> = None;
        while let Some(target) = frontier.pop_front() {
            if requests >= max_pages {
                info!(max_pages, "page cap reached");
                *record
                    .outcomes
                    .entry("not-fetched-page-cap".to_owned())
                    .or_default() += frontier.len() as u64 + 1;
                break;
            }
            let report = self.fetcher.fetch(&target, interval).await;
            let outcome = report.outcome.clone();
            *record.outcomes.entry(outcome.label()).or_default() += 1;
            let mut page_capture = None;
            for capture in report.captures {
                let is_page = capture.kind == cartograph_fetch::CaptureKind::Page;
                if is_page {
                    requests += 1;
                }
                let headers = capture
                    .response
                    .as_ref()
                    .map(|response| response.headers.clone())
                    .ok();
                let new_capture =
                    evidence::new_capture(self.run_id, self.case_label.clone(), capture);
                let body = new_capture
                    .response
                    .as_ref()
                    .map(|response| response.body.clone());
                let store = self.store.clone();
                let stored = blocking(move || store.put_capture(new_capture)).await?;
                record.captures += 1;
                if is_page {
                    page_capture = Some((
                        stored.id,
                        headers.unwrap_or_default(),
                        body.unwrap_or_default(),
                    ));
                }
            }
            self.progress
                .page_done(&self.site.id, requests, &outcome.label());
            match &outcome {
                CrawlOutcome::Fetched { .. } => {
                    let Some((capture_id, headers, body)) = page_capture else {
                        continue;
                    };
                    record.pages_fetched += 1;
                    let site = self.site.clone();
                    let page_url = target.url().clone();
                    let extraction = tokio::task::spawn_blocking(move || {
                        extract_page(&site, &page_url, &headers, &body)
                    })
                    .await
                    .map_err(CrawlError::Task)?;
                    for warning in &extraction.warnings {
                        debug!(url = %target, warning, "extraction warning");
                    }
                    for link in &extraction.links.all {
                        self.enqueue(link, &mut frontier, &mut seen, &mut record);
                    }
                    let page_record = PageIndicatorsRecord {
                        run_id: self.run_id,
                        site_id: self.site.id.clone(),
                        capture_id,
                        url: target.url().to_string(),
                        extractor_version: EXTRACTOR_VERSION.to_owned(),
                        indicators: extraction.indicators.clone(),
                    };
                    let store = self.store.clone();
                    blocking(move || store.put_page_indicators(&page_record)).await?;
                    pages.push((capture_id, extraction.indicators));
                }
                CrawlOutcome::Redirect {
                    location: Some(location),
                    ..
                } => {
                    // Redirects are followed by hand: the target goes through
                    // the scope guard like any link.
                    if let Ok(next) = target.url().join(location) {
                        self.enqueue(&next, &mut frontier, &mut seen, &mut record);
                    }
                }
                CrawlOutcome::RobotsUnavailable(reason)
                | CrawlOutcome::TransportError(reason)
                | CrawlOutcome::AddressRefused(reason) => last_failure = Some(reason.clone()),
                CrawlOutcome::TimedOut => last_failure = Some("timed out".to_owned()),
                _ => {}
            }
        }

        let indicators = aggregate_site(pages.iter().map(|(_, page)| page));
        let site_record = SiteIndicatorsRecord {
            run_id: self.run_id,
            site_id: self.site.id.clone(),
            capture_ids: pages.iter().map(|(capture_id, _)| *capture_id).collect(),
            extractor_version: EXTRACTOR_VERSION.to_owned(),
            pages_fetched: record.pages_fetched,
            indicators: indicators.clone(),
        };
        let store = self.store.clone();
        blocking(move || store.put_site_indicators(&site_record)).await?;

        if record.pages_fetched == 0 {
            record.status = SiteRunStatus::Failed;
            record.reason =
                Some(last_failure.unwrap_or_else(|| "no listing page could be fetched".to_owned()));
        } else {
            record.status = SiteRunStatus::Completed;
        }
        let report = SiteReport {
            site_id: self.site.id.clone(),
            status: record.status,
            reason: record.reason.clone(),
            pages_fetched: record.pages_fetched,
            ads_seen: indicators.ads_seen,
            outcomes: record.outcomes.clone(),
        };
        info!(pages = record.pages_fetched, ads = indicators.ads_seen, status = ?record.status, "site done");
        Ok((record, report))
    }

    /// Queues `url` if the scope guard allows it for this site and it was
    /// not queued before; counts it as out of scope otherwise.
    fn enqueue(
        &self,
        url: &Url,
        frontier: &mut VecDeque<AllowedUrl>,
        seen: &mut HashSet<String>,
        record: &mut SiteRunRecord,
    ) {
        match self.scope.check(&self.site.id, url) {
            Ok(allowed) => {
                if seen.insert(allowed.url().as_str().to_owned()) {
                    frontier.push_back(allowed);
                }
            }
            Err(_) => {
                if seen.insert(url.as_str().to_owned()) {
                    record.out_of_scope_links += 1;
                }
            }
        }
    }
}
