//! Runs: drives fetch → store → extract → store for every site of a plan.
//!
//! [`run`] starts a run record, crawls the planned sites concurrently (the
//! fetcher keeps one request in flight per host and paces each host), stores
//! every capture as evidence before extracting anything from it, stores page
//! indicators that name their capture, then reduces them to site indicators.
//! A site's bad pages are counted outcomes, not errors; only a store failure
//! ends a run early.

mod evidence;
mod plan;
mod site;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use cartograph_config::Config;
use cartograph_fetch::{Clock, FetchError, FetchSettings, Fetcher, ScopeGuard};
use cartograph_store::{
    RunId, RunRecord, RunState, SiteRunRecord, SiteRunStatus, Store, StoreError,
};
use tokio::task::JoinSet;
use tracing::{info, warn};

pub use plan::{CrawlPlan, Refusal, SitePlan};

/// The fetch layer's robots cache over `store`, for commands that fetch
/// outside a run (`explain`).
pub fn robots_cache(store: Arc<Store>) -> Arc<dyn cartograph_fetch::RobotsCache> {
    Arc::new(evidence::StoreRobotsCache(store))
}

/// Stores `capture` as evidence of run `run_id` (for `explain`, which reads
/// robots.txt outside a crawl).
pub fn store_capture(
    store: &Store,
    run_id: RunId,
    capture: cartograph_fetch::Capture,
) -> Result<cartograph_store::CaptureRecord, StoreError> {
    store.put_capture(evidence::new_capture(
        run_id,
        None,
        capture,
        evidence::CaptureLinks::default(),
    ))
}

/// A run could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("a store task failed")]
    Task(#[source] tokio::task::JoinError),
}

/// How a run ended, per site.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    pub run_id: RunId,
    pub state: RunState,
    pub sites: Vec<SiteReport>,
}

/// How one site's part of a run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteReport {
    pub site_id: String,
    pub status: SiteRunStatus,
    pub reason: Option<String>,
    pub pages_fetched: u64,
    pub ads_seen: usize,
    /// Count of each page outcome and politeness event.
    pub outcomes: BTreeMap<String, u64>,
    /// Faults met on the site's hosts and what was done, in words, each
    /// once (paused host, Retry-After honoured, redirect not followed, …).
    pub faults: Vec<String>,
}

/// Receives progress as a run goes; the CLI draws it, tests ignore it.
pub trait Progress: Send + Sync {
    fn site_started(&self, _site_id: &str) {}
    fn page_done(&self, _site_id: &str, _pages_done: u64, _outcome: &str) {}
    fn site_finished(&self, _report: &SiteReport) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Everything a run needs from its caller.
pub struct RunContext {
    pub config: Arc<Config>,
    pub store: Arc<Store>,
    pub clock: Arc<dyn Clock>,
    pub progress: Arc<dyn Progress>,
}

/// Carries out `plan`. Returns when every site is done or `shutdown`
/// completes (the run is then left `Interrupted`).
pub async fn run(
    context: RunContext,
    plan: CrawlPlan,
    shutdown: impl Future<Output = ()>,
) -> Result<RunReport, CrawlError> {
    let RunContext {
        config,
        store,
        clock,
        progress,
    } = context;
    let fetcher = Arc::new(
        Fetcher::new(FetchSettings::from_config(&config), clock.clone())?
            .with_robots_cache(Arc::new(evidence::StoreRobotsCache(store.clone()))),
    );
    let scope = Arc::new(ScopeGuard::new(&config));
    let started_at = clock.utc_now();
    let run = {
        let store = store.clone();
        let config_digest = config.digest.clone();
        let case_label = plan.case_label.clone();
        let site_ids: Vec<String> = plan.sites.iter().map(|site| site.site_id.clone()).collect();
        let trigger = plan.trigger;
        blocking(move || {
            store.begin_run(
                trigger,
                &config_digest,
                case_label.as_deref(),
                site_ids,
                started_at,
            )
        })
        .await?
    };
    info!(run = run.id, sites = plan.sites.len(), "run started");
    let run_id = run.id;
    let run = Arc::new(Mutex::new(run));

    let mut tasks = JoinSet::new();
    for site_plan in plan.sites {
        let Some(site) = config.site(&site_plan.site_id).cloned() else {
            continue;
        };
        let crawl = site::SiteCrawl {
            run_id,
            case_label: plan.case_label.clone(),
            site,
            start: site_plan.start,
            politeness: config.politeness.clone(),
            max_redirects: config.network.max_redirects,
            fetcher: fetcher.clone(),
            scope: scope.clone(),
            store: store.clone(),
            progress: progress.clone(),
        };
        let run = run.clone();
        let store = store.clone();
        let progress = progress.clone();
        tasks.spawn(async move {
            progress.site_started(&crawl.site.id);
            mark_site(&run, &crawl.site.id, |record| {
                record.status = SiteRunStatus::Running
            });
            let (record, report) = crawl.crawl().await?;
            let snapshot = {
                // Invariant: the run lock is only held for plain updates.
                let mut run = run.lock().expect("run lock not poisoned");
                run.sites.insert(report.site_id.clone(), record);
                run.clone()
            };
            blocking(move || store.put_run(&snapshot)).await?;
            progress.site_finished(&report);
            Ok::<SiteReport, CrawlError>(report)
        });
    }

    let mut reports: Vec<SiteReport> = plan
        .skipped
        .iter()
        .map(|skipped| SiteReport {
            site_id: skipped.requested.clone(),
            status: SiteRunStatus::Skipped,
            reason: Some(skipped.reason.clone()),
            pages_fetched: 0,
            ads_seen: 0,
            outcomes: BTreeMap::new(),
            faults: Vec::new(),
        })
        .collect();
    let mut interrupted = false;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            joined = tasks.join_next() => match joined {
                None => break,
                Some(Ok(Ok(report))) => reports.push(report),
                Some(Ok(Err(error))) => {
                    tasks.abort_all();
                    finish(&store, &run, RunState::Interrupted, clock.as_ref()).await?;
                    return Err(error);
                }
                Some(Err(join_error)) => {
                    tasks.abort_all();
                    finish(&store, &run, RunState::Interrupted, clock.as_ref()).await?;
                    return Err(CrawlError::Task(join_error));
                }
            },
            () = &mut shutdown => {
                warn!(run = run_id, "shutdown requested; run left interrupted");
                tasks.abort_all();
                interrupted = true;
                break;
            }
        }
    }
    let state = if interrupted {
        RunState::Interrupted
    } else {
        RunState::Completed
    };
    finish(&store, &run, state, clock.as_ref()).await?;
    reports.sort_by(|left, right| left.site_id.cmp(&right.site_id));
    info!(run = run_id, state = ?state, "run finished");
    Ok(RunReport {
        run_id,
        state,
        sites: reports,
    })
}

fn mark_site(run: &Mutex<RunRecord>, site_id: &str, update: impl FnOnce(&mut SiteRunRecord)) {
    // Invariant: the run lock is only held for plain updates.
    let mut run = run.lock().expect("run lock not poisoned");
    update(
        run.sites
            .entry(site_id.to_owned())
            .or_insert_with(SiteRunRecord::pending),
    );
}

async fn finish(
    store: &Arc<Store>,
    run: &Mutex<RunRecord>,
    state: RunState,
    clock: &dyn Clock,
) -> Result<(), CrawlError> {
    let snapshot = {
        // Invariant: the run lock is only held for plain updates.
        let mut run = run.lock().expect("run lock not poisoned");
        run.state = state;
        run.finished_at = Some(clock.utc_now());
        run.clone()
    };
    let store = store.clone();
    // The final record and its run-finished custody entry, then a flush.
    blocking(move || store.finish_run(&snapshot).map(|_| ())).await
}

/// Runs a blocking store call off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, CrawlError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(CrawlError::Task)?
        .map_err(CrawlError::Store)
}
