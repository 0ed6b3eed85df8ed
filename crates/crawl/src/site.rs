//! One site in one run: a breadth-first walk of its listing pages, resumable
//! after a crash.
//!
//! Start URLs, links and redirect targets all pass the scope guard; what it
//! refuses is counted, never requested. Redirects are followed by hand, one
//! capture per hop, each hop checked for scope (an out-of-scope hop is kept
//! as a capture with its `Location` and not followed), at most
//! `max_redirects` hops and never round a loop. Traps are bounded: pages per
//! site, query variants per path, URL length (in the guard), and a page
//! whose set of ads repeats the page that linked to it ends that pagination.
//! A page captured in an earlier run is asked for conditionally; a 304 is
//! stored as a capture pointing at the earlier body, which is parsed again.
//!
//! Resuming: the walk (frontier, seen URLs, progress) is loaded from the
//! store and written back as one batch per page done. Before a URL is
//! fetched, the store is asked whether this run already holds a committed,
//! definitive capture of it (a process killed after storing it but before
//! marking the page done); if so that capture is parsed again instead of
//! asking the site a second time. A capture that is a retryable failure
//! (429, 5xx gateway, timeout, connection error) is not definitive: the URL
//! is asked again, as a retry would have.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use cartograph_config::{PolitenessSettings, SiteSpec};
use cartograph_extract::{extract_page, AdKey, PageExtraction, EXTRACTOR_VERSION};
use cartograph_fetch::{
    host_key, AllowedUrl, CaptureKind, Clock, CrawlOutcome, FetchOptions, FetchReport, Fetcher,
    ScopeGuard, UrgentHold, Validators,
};
use cartograph_store::{
    CaptureId, CaptureRecord, FrontierState, PageIndicatorsRecord, RunId, SiteRunRecord,
    SiteRunStatus, Store,
};
use chrono::{DateTime, Utc};
use tracing::{debug, info, instrument};
use url::Url;

use crate::evidence::{self, CaptureLinks, StoreRobotsCache};
use crate::extraction::ExtractionSetup;
use crate::walk::{commit, Walk};
use crate::{blocking, CrawlError, Progress, SiteReport};

/// Outcome labels of captures that do not settle a URL: the URL is asked
/// again when a resumed run finds one of these as its last capture.
const RETRYABLE_OUTCOMES: &[&str] = &[
    "http-429",
    "http-502",
    "http-503",
    "http-504",
    "timed-out",
    "transport-error",
];

pub(crate) struct SiteCrawl {
    pub(crate) run_id: RunId,
    pub(crate) case_label: Option<String>,
    pub(crate) site: SiteSpec,
    pub(crate) politeness: PolitenessSettings,
    pub(crate) max_redirects: u32,
    pub(crate) max_decompressed_bytes: u64,
    /// Recrawl work: ahead of scheduled work at every host it touches.
    pub(crate) urgent: bool,
    pub(crate) fetcher: Arc<Fetcher>,
    pub(crate) robots_cache: Arc<StoreRobotsCache>,
    pub(crate) scope: Arc<ScopeGuard>,
    pub(crate) store: Arc<Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) extraction: Arc<ExtractionSetup>,
    pub(crate) progress: Arc<dyn Progress>,
}

/// How a site's part of a run ended.
pub(crate) enum SiteEnd {
    Finished(SiteRunRecord, SiteReport),
    /// Stopped between pages by a shutdown; resumable.
    Stopped,
}

/// A stored page capture as extraction reads it.
struct PageCapture {
    id: CaptureId,
    /// When it was fetched: "now" for the page's relative dates.
    fetched_at: DateTime<Utc>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// One hop's result, from a fresh fetch or from a committed capture.
enum Hop {
    Page(PageCapture),
    NotModified {
        capture_id: CaptureId,
        fetched_at: DateTime<Utc>,
        earlier: Option<Box<CaptureRecord>>,
    },
    Redirect {
        capture_id: Option<CaptureId>,
        location: Option<String>,
    },
    Other,
}

impl SiteCrawl {
    /// Writes the site's first frontier (its start URLs, or its configured
    /// seeds when `start` is empty) unless the site was started before.
    pub(crate) async fn initialise(&self, start: &[Url]) -> Result<(), CrawlError> {
        let store = self.store.clone();
        let (run_id, site_id) = (self.run_id, self.site.id.clone());
        let snapshot = blocking(move || store.frontier(run_id, &site_id)).await?;
        let mut walk = Walk::from_snapshot(snapshot);
        if walk.started {
            return Ok(());
        }
        let start = if start.is_empty() {
            self.site.seeds.clone()
        } else {
            start.to_vec()
        };
        for url in &start {
            walk.enqueue(
                &self.scope,
                &self.site,
                self.politeness.max_query_variants,
                url,
                None,
            );
        }
        commit(&self.store, self.run_id, &self.site.id, walk.take_update()).await
    }

    #[instrument(skip_all, fields(site = %self.site.id))]
    pub(crate) async fn crawl(self, stop: Arc<AtomicBool>) -> Result<SiteEnd, CrawlError> {
        let store = self.store.clone();
        let (run_id, site_id) = (self.run_id, self.site.id.clone());
        let snapshot = blocking(move || store.frontier(run_id, &site_id)).await?;
        let mut walk = Walk::from_snapshot(snapshot);
        if !walk.started && self.urgent {
            // Cut off inside `begin`: a recrawl's own start URLs were not
            // stored, and its site's configured seeds are not what was asked.
            let mut record = SiteRunRecord::pending();
            record.status = SiteRunStatus::Skipped;
            record.reason = Some(
                "the recrawl was cut off before its start URLs were stored; run it again"
                    .to_owned(),
            );
            let report = SiteReport {
                site_id: self.site.id.clone(),
                status: record.status,
                reason: record.reason.clone(),
                pages_fetched: 0,
                ads_seen: 0,
                outcomes: Default::default(),
                faults: Vec::new(),
            };
            return Ok(SiteEnd::Finished(record, report));
        }
        if !walk.started {
            self.initialise(&[]).await?;
            let store = self.store.clone();
            let site_id = self.site.id.clone();
            walk = Walk::from_snapshot(blocking(move || store.frontier(run_id, &site_id)).await?);
        }
        walk.progress.record.status = SiteRunStatus::Running;
        let max_pages = u64::from(self.site.max_pages(&self.politeness));
        let mut holds: HashMap<String, UrgentHold> = HashMap::new();
        while let Some(entry) = walk.next() {
            if stop.load(Ordering::SeqCst) {
                return Ok(SiteEnd::Stopped);
            }
            if walk.progress.requests >= max_pages {
                info!(max_pages, "page cap reached");
                *walk
                    .progress
                    .record
                    .outcomes
                    .entry("not-fetched-page-cap".to_owned())
                    .or_default() += walk.pending_count();
                break;
            }
            if entry.state == FrontierState::InFlight {
                debug!(url = %entry.url, "in flight when the last process stopped");
            }
            let store = self.store.clone();
            let (site_id, marked) = (self.site.id.clone(), entry.clone());
            blocking(move || store.mark_in_flight(run_id, &site_id, &marked)).await?;
            match Url::parse(&entry.url)
                .ok()
                .and_then(|url| self.scope.check(&self.site.id, &url).ok())
            {
                Some(target) => {
                    if self.urgent {
                        holds
                            .entry(target.host_key())
                            .or_insert_with(|| self.fetcher.hold_urgent(&target.host_key()));
                    }
                    self.fetch_following_redirects(target, &entry.parent_ads, &mut walk)
                        .await?
                }
                // The whitelist changed since the URL was queued.
                None => walk.count("out-of-scope-after-resume"),
            }
            walk.done();
            commit(&self.store, self.run_id, &self.site.id, walk.take_update()).await?;
        }
        drop(holds);
        self.finish(walk)
            .await
            .map(|(record, report)| SiteEnd::Finished(record, report))
    }

    /// Site indicators and ads across runs from every page of the site in
    /// the run (those of earlier processes included), then the final state.
    async fn finish(&self, mut walk: Walk) -> Result<(SiteRunRecord, SiteReport), CrawlError> {
        let store = self.store.clone();
        let (run_id, site_id) = (self.run_id, self.site.id.clone());
        let site = self.site.clone();
        let lexicon_version = self.extraction.lexicon_version.clone();
        let pages_fetched = walk.progress.record.pages_fetched;
        let (site_record, ads) = blocking(move || {
            let pages = store.page_indicators_of_site(run_id, &site_id)?;
            let row = crate::derive::site_row(
                &store,
                &site,
                run_id,
                &pages,
                &lexicon_version,
                pages_fetched,
            )?;
            let ads: BTreeSet<AdKey> = pages
                .iter()
                .flat_map(|page| page.indicators.ad_keys().cloned())
                .collect();
            Ok((row, ads))
        })
        .await?;
        let indicators = site_record.indicators.clone();
        let store = self.store.clone();
        let site_id = self.site.id.clone();
        let seen_at = self.clock.utc_now();
        blocking(move || {
            store.put_site_indicators(&site_record)?;
            store.record_ads_seen(&site_id, run_id, seen_at, &ads)
        })
        .await?;

        let record = &mut walk.progress.record;
        if record.pages_fetched == 0 {
            record.status = SiteRunStatus::Failed;
            record.reason = Some(
                walk.progress
                    .last_failure
                    .clone()
                    .unwrap_or_else(|| "no listing page could be fetched".to_owned()),
            );
        } else {
            record.status = SiteRunStatus::Completed;
        }
        let record = record.clone();
        let report = SiteReport {
            site_id: self.site.id.clone(),
            status: record.status,
            reason: record.reason.clone(),
            pages_fetched: record.pages_fetched,
            ads_seen: indicators.ads_seen,
            outcomes: record.outcomes.clone(),
            faults: walk.progress.faults.clone(),
        };
        commit(&self.store, self.run_id, &self.site.id, walk.take_update()).await?;
        let store = self.store.clone();
        let site_id = self.site.id.clone();
        blocking(move || store.forget_seen(run_id, &site_id)).await?;
        info!(pages = record.pages_fetched, ads = indicators.ads_seen, status = ?record.status, "site done");
        Ok((record, report))
    }

    /// Fetches one queued page (or takes its committed capture), and each
    /// redirect hop after it that the scope guard allows.
    async fn fetch_following_redirects(
        &self,
        mut target: AllowedUrl,
        parent_ads: &Option<BTreeSet<AdKey>>,
        walk: &mut Walk,
    ) -> Result<(), CrawlError> {
        let mut redirected_from: Option<CaptureId> = None;
        let mut chain: HashSet<String> = HashSet::from([target.url().to_string()]);
        let mut hops = 0;
        loop {
            let hop = match self.committed_capture(target.url()).await? {
                Some(committed) => self.hop_from_record(committed, walk).await?,
                None => self.fetch_hop(&target, redirected_from, walk).await?,
            };
            match hop {
                Hop::Page(page) => return self.parse(&target, page, parent_ads, walk).await,
                Hop::NotModified {
                    capture_id,
                    fetched_at,
                    earlier: Some(earlier),
                } => {
                    let (headers, body) = self.stored_body(&earlier).await?;
                    let page = PageCapture {
                        id: capture_id,
                        fetched_at,
                        headers,
                        body,
                    };
                    return self.parse(&target, page, parent_ads, walk).await;
                }
                Hop::Redirect {
                    capture_id,
                    location: Some(location),
                } => {
                    let Some(next) = target.url().join(&location).ok() else {
                        walk.count("redirect-unusable");
                        return Ok(());
                    };
                    hops += 1;
                    if hops > self.max_redirects {
                        walk.count("redirect-limit");
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
                            walk.count("redirect-out-of-scope");
                            walk.fault(format!(
                                "{}: redirect to {next} not followed: {out_of_scope}",
                                target.host_key()
                            ));
                            return Ok(());
                        }
                        Ok(allowed) => {
                            if !chain.insert(allowed.url().to_string()) {
                                walk.count("redirect-loop");
                                walk.fault(format!(
                                    "{}: redirect loop at {}",
                                    target.host_key(),
                                    allowed
                                ));
                                return Ok(());
                            }
                            let newly_seen = walk.mark_seen(
                                allowed.url().as_str(),
                                cartograph_store::SeenKind::InScope,
                            );
                            if !newly_seen && hops == 1 && allowed.url() != target.url() {
                                // Already queued or fetched on its own.
                                walk.count("redirect-to-known-page");
                                return Ok(());
                            }
                            redirected_from = capture_id;
                            target = allowed;
                            continue;
                        }
                    }
                }
                Hop::NotModified { earlier: None, .. }
                | Hop::Redirect { location: None, .. }
                | Hop::Other => return Ok(()),
            }
        }
    }

    /// Fetches `target`, stores every capture, counts and notes what
    /// happened.
    async fn fetch_hop(
        &self,
        target: &AllowedUrl,
        redirected_from: Option<CaptureId>,
        walk: &mut Walk,
    ) -> Result<Hop, CrawlError> {
        let earlier = self.earlier_capture(target.url()).await?;
        let options = FetchOptions {
            interval: self.site.min_interval(&self.politeness),
            validators: earlier
                .as_ref()
                .and_then(|(_, validators)| validators.clone()),
            urgent: self.urgent,
        };
        let report = self.fetcher.fetch(target, &options).await;
        let outcome = report.outcome.clone();
        walk.count(&outcome.label());
        for event in &report.events {
            walk.count(event.label());
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
            )
            .await?;
        self.progress
            .page_done(&self.site.id, walk.progress.requests, &outcome.label());
        Ok(match outcome {
            CrawlOutcome::Fetched { .. } => match stored {
                Some(page) => Hop::Page(page),
                None => Hop::Other,
            },
            CrawlOutcome::NotModified => match stored {
                Some(page) => Hop::NotModified {
                    capture_id: page.id,
                    fetched_at: page.fetched_at,
                    earlier: earlier.map(|(record, _)| Box::new(record)),
                },
                None => Hop::Other,
            },
            CrawlOutcome::Redirect { location, .. } => Hop::Redirect {
                capture_id: stored.map(|page| page.id),
                location,
            },
            CrawlOutcome::RobotsUnavailable(reason)
            | CrawlOutcome::TransportError(reason)
            | CrawlOutcome::HostPaused(reason)
            | CrawlOutcome::AddressRefused(reason) => {
                walk.progress.last_failure = Some(reason);
                Hop::Other
            }
            CrawlOutcome::Incomplete { reason, .. } => {
                walk.fault(format!("{}: {target}: {reason}", target.host_key()));
                walk.progress.last_failure = Some(reason);
                Hop::Other
            }
            CrawlOutcome::NotHtml(content_type) => {
                walk.fault(format!(
                    "{}: {target} is {content_type}, not html; body not read",
                    target.host_key()
                ));
                Hop::Other
            }
            CrawlOutcome::TimedOut => {
                walk.progress.last_failure = Some("timed out".to_owned());
                Hop::Other
            }
            CrawlOutcome::HttpStatus(_) | CrawlOutcome::DisallowedByRobots(_) => Hop::Other,
        })
    }

    /// The hop a committed capture of this run stands for.
    async fn hop_from_record(
        &self,
        committed: CaptureRecord,
        walk: &mut Walk,
    ) -> Result<Hop, CrawlError> {
        debug!(url = %committed.url, capture = committed.id, "capture committed before a restart; not fetched again");
        walk.count(&committed.outcome);
        walk.count("resumed-from-committed-capture");
        walk.progress.requests += 1;
        walk.progress.record.captures += 1;
        let location = committed.response.as_ref().and_then(|response| {
            response
                .headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("location"))
                .map(|(_, value)| value.clone())
        });
        Ok(match committed.outcome.as_str() {
            "fetched" | "fetched-truncated" => {
                let (headers, body) = self.stored_body(&committed).await?;
                Hop::Page(PageCapture {
                    id: committed.id,
                    fetched_at: committed.fetched_at,
                    headers,
                    body,
                })
            }
            "not-modified" => {
                let earlier = match committed.revisit_of {
                    Some(id) => {
                        let store = self.store.clone();
                        blocking(move || store.capture(id)).await?
                    }
                    None => None,
                };
                Hop::NotModified {
                    capture_id: committed.id,
                    fetched_at: committed.fetched_at,
                    earlier: earlier.map(Box::new),
                }
            }
            "redirect" => Hop::Redirect {
                capture_id: Some(committed.id),
                location,
            },
            _ => Hop::Other,
        })
    }

    /// This run's committed capture of `url`, if it settles the URL.
    async fn committed_capture(&self, url: &Url) -> Result<Option<CaptureRecord>, CrawlError> {
        let store = self.store.clone();
        let url = url.to_string();
        let run_id = self.run_id;
        let last = blocking(move || store.last_capture_for_url(&url)).await?;
        Ok(last.filter(|capture| {
            capture.run_id == run_id
                && capture.kind == cartograph_store::CaptureKind::Page
                && !RETRYABLE_OUTCOMES.contains(&capture.outcome.as_str())
        }))
    }

    /// The headers and body of a stored capture as extraction reads them
    /// (`Store::page_body`: content-encoding undone, capped).
    async fn stored_body(
        &self,
        capture: &CaptureRecord,
    ) -> Result<(Vec<(String, String)>, Vec<u8>), CrawlError> {
        let store = self.store.clone();
        let capture = capture.clone();
        let cap = self.max_decompressed_bytes;
        let page = blocking(move || store.page_body(&capture, cap)).await?;
        Ok(page.map_or_else(Default::default, |page| (page.headers, page.bytes)))
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

    /// Stores every capture of `report` (a robots.txt capture first, then
    /// the cache record it justifies); returns the page capture's id,
    /// headers and body for extraction.
    async fn store_captures(
        &self,
        report: FetchReport,
        links: CaptureLinks,
        walk: &mut Walk,
    ) -> Result<Option<PageCapture>, CrawlError> {
        let mut page = None;
        for capture in report.captures {
            let is_page = capture.kind == CaptureKind::Page;
            if is_page {
                walk.progress.requests += 1;
            }
            let headers = capture
                .response
                .as_ref()
                .map(|response| response.headers.clone())
                .unwrap_or_default();
            let body = capture.body_for_extraction().to_vec();
            let robots_host = (!is_page).then(|| host_key(&capture.request.url));
            let links = if is_page {
                links
            } else {
                CaptureLinks::default()
            };
            let new_capture =
                evidence::new_capture(self.run_id, self.case_label.clone(), capture, links);
            let store = self.store.clone();
            let robots_cache = self.robots_cache.clone();
            let stored = blocking(move || {
                let stored = store.put_capture(new_capture)?;
                if let Some(host) = robots_host {
                    robots_cache.commit(&host)?;
                }
                Ok(stored)
            })
            .await?;
            walk.progress.record.captures += 1;
            if is_page {
                page = Some(PageCapture {
                    id: stored.id,
                    fetched_at: stored.fetched_at,
                    headers,
                    body,
                });
            }
        }
        Ok(page)
    }

    /// Extracts a page, stores its indicators and queues its links, unless
    /// its ads repeat the page that linked to it (a pagination trap).
    async fn parse(
        &self,
        target: &AllowedUrl,
        page: PageCapture,
        parent_ads: &Option<BTreeSet<AdKey>>,
        walk: &mut Walk,
    ) -> Result<(), CrawlError> {
        walk.progress.record.pages_fetched += 1;
        let site = self.site.clone();
        let page_url = target.url().clone();
        let PageCapture {
            id: capture_id,
            fetched_at: captured_at,
            headers,
            body,
        } = page;
        let setup = self.extraction.clone();
        let extraction: PageExtraction = tokio::task::spawn_blocking(move || {
            extract_page(
                &site,
                &page_url,
                &headers,
                &body,
                &setup.context(captured_at),
            )
        })
        .await
        .map_err(CrawlError::Task)?;
        for warning in &extraction.indicators.warnings {
            debug!(url = %target, warning, "extraction warning");
        }
        let ads: BTreeSet<AdKey> = extraction.indicators.ad_keys().cloned().collect();
        let repeats_parent = self.site.profile.is_some() && parent_ads.as_ref() == Some(&ads);
        if repeats_parent {
            walk.count("pagination-repeat");
            walk.fault(format!(
                "{}: {target} lists the same ads as the page before it; pagination stopped",
                target.host_key()
            ));
        } else {
            for link in &extraction.links.all {
                walk.enqueue(
                    &self.scope,
                    &self.site,
                    self.politeness.max_query_variants,
                    link,
                    Some(ads.clone()),
                );
            }
        }
        let page_record = PageIndicatorsRecord {
            run_id: self.run_id,
            site_id: self.site.id.clone(),
            capture_id,
            url: target.url().to_string(),
            extractor_version: EXTRACTOR_VERSION.to_owned(),
            lexicon_version: self.extraction.lexicon_version.clone(),
            captured_at: Some(captured_at),
            indicators: extraction.indicators,
        };
        let store = self.store.clone();
        blocking(move || store.put_page_indicators(&page_record)).await
    }
}
