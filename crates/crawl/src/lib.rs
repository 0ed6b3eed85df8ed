//! Runs: drives fetch → store → extract → store for every site of a plan,
//! and takes a run up again after a crash where it stood.
//!
//! A [`Crawler`] owns one fetcher (so every run of a process shares the
//! host gates: never two requests at once to a host, whatever runs are
//! going) and starts or resumes runs. A run record and every site's first
//! frontier are written before anything is fetched; then the planned sites
//! are crawled concurrently (the fetcher keeps one request in flight per
//! host and paces each host), every capture is stored as evidence before
//! anything is extracted from it, page indicators name their capture, and
//! each page done is one frontier batch. A site's bad pages are counted
//! outcomes, not errors; only a store failure ends a run early. A shutdown
//! lets requests in flight finish and leaves the run resumable.
//!
//! Code map: `run.rs` a run from start or resumption to end; `site.rs` one
//! site's walk; `walk.rs` its frontier state; `evidence.rs` where fetch meets
//! the store; `plan.rs` what a run covers; `schedule.rs` the daemon's
//! decisions, pure.

pub mod derive;
mod evidence;
pub mod extraction;
mod plan;
pub mod reextract;
mod run;
mod schedule;
mod site;
mod walk;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use cartograph_config::Config;
use cartograph_fetch::{Clock, FetchError};
use cartograph_store::{RunId, RunState, SiteRunStatus, Store, StoreError};

pub use extraction::ExtractionSetup;
pub use plan::{CrawlPlan, Refusal, SitePlan};
pub use run::{Crawler, STOP_GRACE};
pub use schedule::{Firing, ScheduleEntry, Scheduler};

/// The fetch layer's robots cache over `store`, for commands that fetch
/// outside a run (`explain`).
pub fn robots_cache(store: Arc<Store>) -> Arc<dyn cartograph_fetch::RobotsCache> {
    Arc::new(evidence::StoreRobotsCache::immediate(store))
}

/// The fetch layer's host journal over `store`, for commands that fetch
/// outside a run (`explain`), so they keep the pace of the runs.
pub fn host_journal(store: Arc<Store>) -> Arc<dyn cartograph_fetch::HostJournal> {
    Arc::new(evidence::StoreHostJournal(store))
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
    #[error("lexicons in {directory}: {reason}")]
    Lexicons {
        directory: std::path::PathBuf,
        reason: String,
    },
    #[error("linkage key {path}: {reason}")]
    LinkageKey {
        path: std::path::PathBuf,
        reason: String,
    },
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
    /// A run starts (or resumes) with `sites` sites to crawl, `done` of
    /// them already finished by an earlier process.
    fn run_started(&self, _run_id: RunId, _sites: usize, _done: usize) {}
    fn run_finished(&self, _report: &RunReport) {}
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

/// Carries out `plan` as a new run. Returns when every site is done or
/// `shutdown` completes (the run is then left `Interrupted`, resumable).
pub async fn run(
    context: RunContext,
    plan: CrawlPlan,
    shutdown: impl Future<Output = ()>,
) -> Result<RunReport, CrawlError> {
    let crawler = Crawler::new(context.config, context.store, context.clock)?;
    crawler.start(&plan, context.progress, shutdown).await
}

/// Runs a blocking store call off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, CrawlError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(CrawlError::Task)?
        .map_err(CrawlError::Store)
}
