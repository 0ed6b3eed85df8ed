//! One site in one run: a breadth-first walk of its listing pages.
//!
//! Start URLs, links and redirect targets all pass the scope guard; what it
//! refuses is counted, never requested. Redirects are followed by hand, one
//! capture per hop, each hop checked for scope (an out-of-scope hop is kept
//! as a capture with its `Location` and not followed), at most
//! `max_redirects` hops and never round a loop. Traps are bounded: pages per
//! site, query variants per path, URL length (in the guard), and a page
//! whose set of ads repeats the page that linked to it ends that pagination.
//! A page captured before is asked for conditionally; a 304 is stored as a
//! capture pointing at the earlier body, which is parsed again (listing
//! pages are parsed every run). Each capture is stored before it is parsed;
//! parsing runs on a blocking thread (scraper's `Html` is not `Send`).

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use cartograph_config::{PolitenessSettings, SiteSpec};
use cartograph_extract::{
    aggregate_site, extract_page, AdKey, ExtractionContext, LexiconSet, LinkageKey, PageExtraction,
    PageIndicators, EXTRACTOR_VERSION,
};
use cartograph_fetch::{
    AllowedUrl, CaptureKind, CrawlOutcome, FetchOptions, FetchReport, Fetcher, ScopeGuard,
    Validators,
};
use cartograph_store::{
    CaptureId, CaptureRecord, PageIndicatorsRecord, RunId, SiteIndicatorsRecord, SiteRunRecord,
    SiteRunStatus, Store,
};
use chrono::{DateTime, Utc};
use tracing::{debug, info, instrument};
use url::Url;

use crate::evidence::{self, CaptureLinks};
use crate::{blocking, CrawlError, Progress, SiteReport};

pub(crate) struct SiteCrawl {
    pub(crate) run_id: RunId,
    pub(crate) case_label: Option<String>,
    pub(crate) site: SiteSpec,
    pub(crate) start: Vec<Url>,
    pub(crate) politeness: PolitenessSettings,
    pub(crate) max_redirects: u32,
    pub(crate) fetcher: Arc<Fetcher>,
    pub(crate) scope: Arc<ScopeGuard>,
    pub(crate) store: Arc<Store>,
    pub(crate) progress: Arc<dyn Progress>,
}

/// A page waiting to be fetched, with the ads of the page that linked to it.
struct Queued {
    target: AllowedUrl,
    parent_ads: Option<BTreeSet<AdKey>>,
}

/// What the walk has seen so far.
#[derive(Default)]
struct Walk {
    frontier: VecDeque<Queued>,
    seen: HashSet<String>,
    /// Distinct queries queued per URL without its query.
    query_variants: HashMap<String, HashSet<String>>,
    pages: Vec<(CaptureId, PageIndicators)>,
    requests: u64,
    last_failure: Option<String>,
    /// Faults in words, for the run summary; each said once.
    faults: Vec<String>,
    /// The latest capture time of a parsed page: the run's "now" for recency.
    run_time: Option<DateTime<Utc>>,
}

/// What extraction reads besides the page. Interim, until the lexicon
/// files and the linkage key file are loaded from the config: the lexicons
/// shipped at build time and a linkage key made for this process only, so
/// pseudonyms link ads within one process and never across runs, and no
/// fixed key makes them reversible.
fn extraction_defaults() -> &'static (LexiconSet, LinkageKey) {
    static DEFAULTS: std::sync::OnceLock<(LexiconSet, LinkageKey)> = std::sync::OnceLock::new();
    DEFAULTS.get_or_init(|| (LexiconSet::built_in(), LinkageKey::new(rand::random())))
}

impl Walk {
    fn fault(&mut self, fault: String) {
        if !self.faults.contains(&fault) {
            self.faults.push(fault);
        }
    }
}

fn count(record: &mut SiteRunRecord, label: &str) {
    *record.outcomes.entry(label.to_owned()).or_default() += 1;
}

impl SiteCrawl {
    #[instrument(skip_all, fields(site = %self.site.id))]
    pub(crate) async fn crawl(self) -> Result<(SiteRunRecord, SiteReport), CrawlError> {
        let mut record = SiteRunRecord::pending();
        record.status = SiteRunStatus::Running;
        let max_pages = u64::from(self.site.max_pages(&self.politeness));
        let mut walk = Walk::default();
        let start = if self.start.is_empty() {
            self.site.seeds.clone()
        } else {
            self.start.clone()
        };
        for url in &start {
            self.enqueue(url, None, &mut walk, &mut record);
        }
        while let Some(queued) = walk.frontier.pop_front() {
            if walk.requests >= max_pages {
                info!(max_pages, "page cap reached");
                *record
                    .outcomes
                    .entry("not-fetched-page-cap".to_owned())
                    .or_default() += walk.frontier.len() as u64 + 1;
                break;
            }
            self.fetch_following_redirects(queued, &mut walk, &mut record)
                .await?;
        }

        let indicators = aggregate_site(
            &self.site,
            walk.pages.iter().map(|(_, page)| page),
            None,
            walk.run_time.unwrap_or_default(),
        );
        let site_record = SiteIndicatorsRecord {
            run_id: self.run_id,
            site_id: self.site.id.clone(),
            capture_ids: walk
                .pages
                .iter()
                .map(|(capture_id, _)| *capture_id)
                .collect(),
            extractor_version: EXTRACTOR_VERSION.to_owned(),
            pages_fetched: record.pages_fetched,
            indicators: indicators.clone(),
        };
        let store = self.store.clone();
        blocking(move || store.put_site_indicators(&site_record)).await?;

        if record.pages_fetched == 0 {
            record.status = SiteRunStatus::Failed;
            record.reason = Some(
                walk.last_failure
                    .unwrap_or_else(|| "no listing page could be fetched".to_owned()),
            );
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
            faults: walk.faults,
        };
        info!(pages = record.pages_fetched, ads = indicators.ads_seen, status = ?record.status, "site done");
        Ok((record, report))
    }

    /// Fetches one queued page, and each redirect hop after it that the
    /// scope guard allows.
    async fn fetch_following_redirects(
        &self,
        queued: Queued,
        walk: &mut Walk,
        record: &mut SiteRunRecord,
    ) -> Result<(), CrawlError> {
        let mut target = queued.target;
        let mut redirected_from: Option<CaptureId> = None;
        let mut chain: HashSet<String> = HashSet::from([target.url().to_string()]);
        let mut hops = 0;
        loop {
            let earlier = self.earlier_capture(target.url()).await?;
            let options = FetchOptions {
                interval: self.site.min_interval(&self.politeness),
                validators: earlier
                    .as_ref()
                    .and_then(|(_, validators)| validators.clone()),
            };
            let report = self.fetcher.fetch(&target, &options).await;
            let outcome = report.outcome.clone();
            count(record, &outcome.label());
            for event in &report.events {
                count(record, event.label());
                walk.fault(format!("{}: {event}", target.host_key()));
            }
            let revisit_of = match outcome {
                CrawlOutcome::NotModified => earlier.as_ref().map(|(record, _)| record.id),
                _ => None,
            };
            let stored = self
                .store_captures(
                    report,
                    CaptureLinks {
                        redirected_from,
                        revisit_of,
                    },
                    walk,
                    record,
                )
                .await?;
            self.progress
                .page_done(&self.site.id, walk.requests, &outcome.label());
            match &outcome {
                CrawlOutcome::Fetched { .. } => {
                    if let Some((capture_id, headers, body, captured_at)) = stored {
                        self.parse(
                            &target,
                            (capture_id, captured_at),
                            &headers,
                            body,
                            &queued.parent_ads,
                            walk,
                            record,
                        )
                        .await?;
                    }
                }
                CrawlOutcome::NotModified => {
                    if let (Some((capture_id, captured_at)), Some((earlier, _))) =
                        (stored.as_ref().map(|(id, _, _, at)| (*id, *at)), &earlier)
                    {
                        let body = match earlier.response.as_ref().and_then(|r| r.body.clone()) {
                            Some(body) => {
                                let store = self.store.clone();
                                blocking(move || store.read_body(&body)).await?
                            }
                            None => Vec::new(),
                        };
                        let headers = earlier
                            .response
                            .as_ref()
                            .map(|response| response.headers.clone())
                            .unwrap_or_default();
                        self.parse(
                            &target,
                            (capture_id, captured_at),
                            &headers,
                            body,
                            &queued.parent_ads,
                            walk,
                            record,
                        )
                        .await?;
                    }
                }
                CrawlOutcome::Redirect {
                    location: Some(location),
                    ..
                } => {
                    let Some(next) = target.url().join(location).ok() else {
                        count(record, "redirect-unusable");
                        return Ok(());
                    };
                    hops += 1;
                    if hops > self.max_redirects {
                        count(record, "redirect-limit");
                        walk.fault(format!(
                            "{}: more than {} redirects from {}",
                            target.host_key(),
                            self.max_redirects,
                            target
                        ));
                        return Ok(());
                    }
                    match self.scope.check(&self.site.id, &next) {
                        Err(out_of_scope) => {
                            count(record, "redirect-out-of-scope");
                            walk.fault(format!(
                                "{}: redirect to {next} not followed: {out_of_scope}",
                                target.host_key()
                            ));
                            return Ok(());
                        }
                        Ok(allowed) => {
                            if !chain.insert(allowed.url().to_string()) {
                                count(record, "redirect-loop");
                                walk.fault(format!(
                                    "{}: redirect loop at {}",
                                    target.host_key(),
                                    allowed
                                ));
                                return Ok(());
                            }
                            if !walk.seen.insert(allowed.url().to_string())
                                && hops == 1
                                && allowed.url() != target.url()
                            {
                                // Already queued or fetched on its own.
                                count(record, "redirect-to-known-page");
                                return Ok(());
                            }
                            redirected_from = stored.map(|(id, _, _, _)| id);
                            target = allowed;
                            continue;
                        }
                    }
                }
                CrawlOutcome::RobotsUnavailable(reason)
                | CrawlOutcome::TransportError(reason)
                | CrawlOutcome::HostPaused(reason)
                | CrawlOutcome::AddressRefused(reason) => walk.last_failure = Some(reason.clone()),
                CrawlOutcome::Incomplete { reason, .. } => {
                    walk.fault(format!("{}: {target}: {reason}", target.host_key()));
                    walk.last_failure = Some(reason.clone());
                }
                CrawlOutcome::NotHtml(content_type) => {
                    walk.fault(format!(
                        "{}: {target} is {content_type}, not html; body not read",
                        target.host_key()
                    ));
                }
                CrawlOutcome::TimedOut => walk.last_failure = Some("timed out".to_owned()),
                _ => {}
            }
            return Ok(());
        }
    }

    /// The last capture of `url` whose body could stand for a 304, with the
    /// validators to send; `None` when there is none.
    async fn earlier_capture(
        &self,
        url: &Url,
    ) -> Result<Option<(CaptureRecord, Option<Validators>)>, CrawlError> {
        let store = self.store.clone();
        let url = url.to_string();
        blocking(move || {
            let Some(last) = store.last_capture_for_url(&url)? else {
                return Ok(None);
            };
            let base = match last.revisit_of {
                Some(id) => store.capture(id)?,
                None => Some(last),
            };
            Ok(base.and_then(|base| {
                let response = base.response.as_ref()?;
                let complete = response.status == 200
                    && response.body.as_ref().is_some_and(|body| !body.truncated)
                    && base.error.is_none();
                if !complete {
                    return None;
                }
                let validators = Validators::from_headers(&response.headers);
                Some((base, validators))
            }))
        })
        .await
    }

    /// Stores every capture of `report`; returns the page capture's id,
    /// headers and body for extraction.
    async fn store_captures(
        &self,
        report: FetchReport,
        links: CaptureLinks,
        walk: &mut Walk,
        record: &mut SiteRunRecord,
    ) -> Result<Option<(CaptureId, Vec<(String, String)>, Vec<u8>, DateTime<Utc>)>, CrawlError>
    {
        let mut page = None;
        for capture in report.captures {
            let is_page = capture.kind == CaptureKind::Page;
            if is_page {
                walk.requests += 1;
            }
            let headers = capture
                .response
                .as_ref()
                .map(|response| response.headers.clone())
                .unwrap_or_default();
            let body = capture.body_for_extraction().to_vec();
            let links = if is_page {
                links
            } else {
                CaptureLinks::default()
            };
            let new_capture =
                evidence::new_capture(self.run_id, self.case_label.clone(), capture, links);
            let store = self.store.clone();
            let stored = blocking(move || store.put_capture(new_capture)).await?;
            record.captures += 1;
            if is_page {
                page = Some((stored.id, headers, body, stored.fetched_at));
            }
        }
        Ok(page)
    }

    /// Extracts a page, stores its indicators and queues its links, unless
    /// its ads repeat the page that linked to it (a pagination trap).
    #[expect(
        clippy::too_many_arguments,
        reason = "two call sites; a struct would only rename the arguments"
    )]
    async fn parse(
        &self,
        target: &AllowedUrl,
        (capture_id, captured_at): (CaptureId, DateTime<Utc>),
        headers: &[(String, String)],
        body: Vec<u8>,
        parent_ads: &Option<BTreeSet<AdKey>>,
        walk: &mut Walk,
        record: &mut SiteRunRecord,
    ) -> Result<(), CrawlError> {
        record.pages_fetched += 1;
        let site = self.site.clone();
        let page_url = target.url().clone();
        let headers = headers.to_vec();
        let extraction: PageExtraction = tokio::task::spawn_blocking(move || {
            let (lexicons, linkage_key) = extraction_defaults();
            let context = ExtractionContext {
                lexicons,
                linkage_key,
                captured_at,
            };
            extract_page(&site, &page_url, &headers, &body, &context)
        })
        .await
        .map_err(CrawlError::Task)?;
        walk.run_time = walk.run_time.max(Some(captured_at));
        for warning in &extraction.indicators.warnings {
            debug!(url = %target, warning, "extraction warning");
        }
        let ads: BTreeSet<AdKey> = extraction.indicators.ad_keys().cloned().collect();
        let repeats_parent = self.site.profile.is_some() && parent_ads.as_ref() == Some(&ads);
        if repeats_parent {
            count(record, "pagination-repeat");
            walk.fault(format!(
                "{}: {target} lists the same ads as the page before it; pagination stopped",
                target.host_key()
            ));
        } else {
            for link in &extraction.links.all {
                self.enqueue(link, Some(ads.clone()), walk, record);
            }
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
        walk.pages.push((capture_id, extraction.indicators));
        Ok(())
    }

    /// Queues `url` if the scope guard allows it for this site, it was not
    /// queued before and its path has query variants left; counts it
    /// otherwise.
    fn enqueue(
        &self,
        url: &Url,
        parent_ads: Option<BTreeSet<AdKey>>,
        walk: &mut Walk,
        record: &mut SiteRunRecord,
    ) {
        match self.scope.check(&self.site.id, url) {
            Ok(allowed) => {
                if !walk.seen.insert(allowed.url().as_str().to_owned()) {
                    return;
                }
                if let Some(query) = allowed.url().query() {
                    let mut without_query = allowed.url().clone();
                    without_query.set_query(None);
                    let variants = walk
                        .query_variants
                        .entry(without_query.to_string())
                        .or_default();
                    variants.insert(query.to_owned());
                    if variants.len() > self.politeness.max_query_variants as usize {
                        count(record, "not-fetched-query-variants");
                        return;
                    }
                }
                walk.frontier.push_back(Queued {
                    target: allowed,
                    parent_ads,
                });
            }
            Err(_) => {
                if walk.seen.insert(url.as_str().to_owned()) {
                    record.out_of_scope_links += 1;
                }
            }
        }
    }
}
