//! A run from its start (or its resumption after a crash) to its end.
//!
//! [`Crawler::begin`] writes the run record and every site's first frontier
//! before anything is fetched, so a run killed at any later point can be
//! resumed: [`Crawler::resume`] notes the resumption (time, config digest)
//! and carries on with every site that had not finished, each from its own
//! stored frontier. Sites no longer whitelisted, or whose authorization
//! expired meanwhile, are skipped with the reason. A shutdown stops every
//! site before its next page, lets pages in flight finish for up to
//! [`STOP_GRACE`], and leaves the run `Interrupted`, ready to resume.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cartograph_config::Config;
use cartograph_fetch::{Clock, FetchSettings, Fetcher, ScopeGuard};
use cartograph_store::{
    Resumption, RunId, RunRecord, RunState, RunTrigger, SiteRunRecord, SiteRunStatus, Store,
    StoreError,
};
use tokio::task::JoinSet;
use tracing::{info, warn};

use crate::evidence::{StoreHostJournal, StoreRobotsCache};
use crate::extraction::ExtractionSetup;
use crate::site::{SiteCrawl, SiteEnd};
use crate::{blocking, CrawlError, CrawlPlan, Progress, RunReport, SiteReport};

/// How long pages in flight may take to finish after a shutdown before
/// their tasks are dropped (the whole stop stays under ten seconds).
pub const STOP_GRACE: Duration = Duration::from_secs(8);

/// Starts and resumes runs over one store with one fetcher.
pub struct Crawler {
    config: Arc<Config>,
    store: Arc<Store>,
    clock: Arc<dyn Clock>,
    fetcher: Arc<Fetcher>,
    robots_cache: Arc<StoreRobotsCache>,
    scope: Arc<ScopeGuard>,
    extraction: Arc<ExtractionSetup>,
}

impl Crawler {
    /// A crawler whose fetcher keeps robots.txt and host pacing in `store`,
    /// extracting with the lexicons and linkage key the config names (the
    /// key file is created on first use).
    pub fn new(
        config: Arc<Config>,
        store: Arc<Store>,
        clock: Arc<dyn Clock>,
    ) -> Result<Crawler, CrawlError> {
        let robots_cache = Arc::new(StoreRobotsCache::deferred(store.clone()));
        let fetcher = Arc::new(
            Fetcher::new(FetchSettings::from_config(&config), clock.clone())?
                .with_robots_cache(robots_cache.clone())
                .with_host_journal(Arc::new(StoreHostJournal(store.clone()))),
        );
        let extraction = Arc::new(ExtractionSetup::load(&config.extract)?);
        if extraction.key_created {
            info!(path = %config.extract.linkage_key.display(), "created the contact linkage key");
        }
        Ok(Crawler {
            scope: Arc::new(ScopeGuard::new(&config)),
            extraction,
            config,
            store,
            clock,
            fetcher,
            robots_cache,
        })
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Begins a run for `plan` and carries it out.
    pub async fn start(
        &self,
        plan: &CrawlPlan,
        progress: Arc<dyn Progress>,
        shutdown: impl Future<Output = ()>,
    ) -> Result<RunReport, CrawlError> {
        let run_id = self.begin(plan).await?;
        self.carry_out(run_id, progress, shutdown).await
    }

    /// Writes the run record (skipped sites with their reason) and every
    /// planned site's first frontier; fetches nothing.
    pub async fn begin(&self, plan: &CrawlPlan) -> Result<RunId, CrawlError> {
        let store = self.store.clone();
        let config_digest = self.config.digest.clone();
        let case_label = plan.case_label.clone();
        let site_ids: Vec<String> = plan.sites.iter().map(|site| site.site_id.clone()).collect();
        let skipped = plan.skipped.clone();
        let trigger = plan.trigger;
        let started_at = self.clock.utc_now();
        let run = blocking(move || {
            let mut run = store.begin_run(
                trigger,
                &config_digest,
                case_label.as_deref(),
                site_ids,
                started_at,
            )?;
            for refusal in skipped {
                let mut record = SiteRunRecord::pending();
                record.status = SiteRunStatus::Skipped;
                record.reason = Some(refusal.reason);
                run.sites.insert(refusal.requested, record);
            }
            store.put_run(&run)?;
            Ok(run)
        })
        .await?;
        for site_plan in &plan.sites {
            if let Some(crawl) = self.site_crawl(&run, &site_plan.site_id, Arc::new(NoProgressSink))
            {
                crawl.initialise(&site_plan.start).await?;
            }
        }
        let store = self.store.clone();
        blocking(move || store.flush()).await?;
        info!(run = run.id, sites = plan.sites.len(), "run started");
        Ok(run.id)
    }

    /// Takes up run `run_id` where it stood (after a crash or a shutdown)
    /// and carries it out.
    pub async fn resume(
        &self,
        run_id: RunId,
        progress: Arc<dyn Progress>,
        shutdown: impl Future<Output = ()>,
    ) -> Result<RunReport, CrawlError> {
        let store = self.store.clone();
        let resumption = Resumption {
            at: self.clock.utc_now(),
            config_digest: self.config.digest.clone(),
        };
        blocking(move || {
            let mut run = store.run(run_id)?.ok_or(StoreError::NoSuchRun(run_id))?;
            run.resumptions.push(resumption);
            run.state = RunState::Running;
            store.put_run(&run)?;
            store.flush()
        })
        .await?;
        info!(run = run_id, "run resumed");
        self.carry_out(run_id, progress, shutdown).await
    }

    /// Crawls every site of run `run_id` that has not finished (a run just
    /// begun by [`Crawler::begin`]; [`Crawler::resume`] for one taken up
    /// after a crash).
    pub async fn carry_out(
        &self,
        run_id: RunId,
        progress: Arc<dyn Progress>,
        shutdown: impl Future<Output = ()>,
    ) -> Result<RunReport, CrawlError> {
        let store = self.store.clone();
        let mut run =
            blocking(move || store.run(run_id)?.ok_or(StoreError::NoSuchRun(run_id))).await?;
        let today = self.clock.utc_now().date_naive();
        let mut reports: Vec<SiteReport> = Vec::new();
        let mut to_crawl = Vec::new();
        let site_ids: Vec<String> = run.sites.keys().cloned().collect();
        for site_id in site_ids {
            let record = run.sites[&site_id].clone();
            match record.status {
                SiteRunStatus::Completed | SiteRunStatus::Failed | SiteRunStatus::Skipped => {
                    reports.push(self.finished_report(run_id, &site_id, &record).await?);
                }
                SiteRunStatus::Pending | SiteRunStatus::Running => {
                    let skip = match self.config.site(&site_id) {
                        None => Some("no longer in the whitelist".to_owned()),
                        Some(site) if !site.is_authorized_on(today) => Some(format!(
                            "authorization expired on {}",
                            site.authorized_until
                                .map(|date| date.to_string())
                                .unwrap_or_default()
                        )),
                        Some(_) => None,
                    };
                    match skip {
                        Some(reason) => {
                            let entry = run.sites.entry(site_id.clone()).or_insert(record);
                            entry.status = SiteRunStatus::Skipped;
                            entry.reason = Some(reason);
                            let entry = entry.clone();
                            reports.push(self.finished_report(run_id, &site_id, &entry).await?);
                        }
                        None => to_crawl.push(site_id),
                    }
                }
            }
        }
        progress.run_started(run_id, run.sites.len(), run.sites.len() - to_crawl.len());
        let run = Arc::new(Mutex::new(run));
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = JoinSet::new();
        for site_id in to_crawl {
            let snapshot = lock(&run).clone();
            let Some(crawl) = self.site_crawl(&snapshot, &site_id, progress.clone()) else {
                continue;
            };
            let (run, store, progress, stop) = (
                run.clone(),
                self.store.clone(),
                progress.clone(),
                stop.clone(),
            );
            tasks.spawn(async move {
                progress.site_started(&site_id);
                let end = crawl.crawl(stop).await?;
                let SiteEnd::Finished(record, report) = end else {
                    return Ok(None);
                };
                let snapshot = {
                    let mut run = lock(&run);
                    run.sites.insert(report.site_id.clone(), record);
                    run.clone()
                };
                blocking(move || store.put_run(&snapshot)).await?;
                progress.site_finished(&report);
                Ok::<Option<SiteReport>, CrawlError>(Some(report))
            });
        }

        let mut interrupted = false;
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                joined = tasks.join_next() => match joined {
                    None => break,
                    Some(Ok(Ok(Some(report)))) => reports.push(report),
                    Some(Ok(Ok(None))) => interrupted = true,
                    Some(Ok(Err(error))) => {
                        tasks.abort_all();
                        self.finish(&run, RunState::Interrupted).await?;
                        return Err(error);
                    }
                    Some(Err(join_error)) => {
                        tasks.abort_all();
                        self.finish(&run, RunState::Interrupted).await?;
                        return Err(CrawlError::Task(join_error));
                    }
                },
                () = &mut shutdown, if !interrupted => {
                    warn!(run = run_id, "shutdown requested; finishing requests in flight");
                    interrupted = true;
                    stop.store(true, Ordering::SeqCst);
                    reports.extend(drain(&mut tasks).await?);
                    break;
                }
            }
        }
        let state = if interrupted {
            RunState::Interrupted
        } else {
            RunState::Completed
        };
        let finished = self.finish(&run, state).await?;
        for (site_id, record) in &finished.sites {
            if !reports.iter().any(|report| &report.site_id == site_id) {
                reports.push(SiteReport {
                    site_id: site_id.clone(),
                    status: record.status,
                    reason: Some("interrupted; resumes where it stood".to_owned()),
                    pages_fetched: record.pages_fetched,
                    ads_seen: 0,
                    outcomes: record.outcomes.clone(),
                    faults: Vec::new(),
                });
            }
        }
        reports.sort_by(|left, right| left.site_id.cmp(&right.site_id));
        info!(run = run_id, state = ?state, "run finished");
        let report = RunReport {
            run_id,
            state,
            sites: reports,
        };
        progress.run_finished(&report);
        Ok(report)
    }

    /// The crawl of `site_id` in `run`, if the site is whitelisted.
    fn site_crawl(
        &self,
        run: &RunRecord,
        site_id: &str,
        progress: Arc<dyn Progress>,
    ) -> Option<SiteCrawl> {
        let site = self.config.site(site_id)?.clone();
        Some(SiteCrawl {
            run_id: run.id,
            case_label: run.case_label.clone(),
            site,
            politeness: self.config.politeness.clone(),
            max_redirects: self.config.network.max_redirects,
            max_decompressed_bytes: self.config.network.max_decompressed_bytes,
            urgent: run.trigger == RunTrigger::Recrawl,
            fetcher: self.fetcher.clone(),
            robots_cache: self.robots_cache.clone(),
            scope: self.scope.clone(),
            store: self.store.clone(),
            clock: self.clock.clone(),
            extraction: self.extraction.clone(),
            progress,
        })
    }

    /// The report of a site that finished in an earlier process.
    async fn finished_report(
        &self,
        run_id: RunId,
        site_id: &str,
        record: &SiteRunRecord,
    ) -> Result<SiteReport, CrawlError> {
        let store = self.store.clone();
        let id = site_id.to_owned();
        let ads_seen = blocking(move || {
            Ok(store
                .site_history(&id)?
                .into_iter()
                .find(|row| row.run_id == run_id)
                .map_or(0, |row| row.indicators.ads_seen))
        })
        .await?;
        Ok(SiteReport {
            site_id: site_id.to_owned(),
            status: record.status,
            reason: record.reason.clone(),
            pages_fetched: record.pages_fetched,
            ads_seen,
            outcomes: record.outcomes.clone(),
            faults: Vec::new(),
        })
    }

    async fn finish(
        &self,
        run: &Mutex<RunRecord>,
        state: RunState,
    ) -> Result<RunRecord, CrawlError> {
        let snapshot = {
            let mut run = lock(run);
            run.state = state;
            run.finished_at = Some(self.clock.utc_now());
            run.clone()
        };
        let store = self.store.clone();
        let stored = snapshot.clone();
        // The run record and its run-end custody entry, in one transaction.
        blocking(move || store.finish_run(&stored).map(|_| ())).await?;
        Ok(snapshot)
    }
}

/// Waits up to [`STOP_GRACE`] for the sites to stop after their page in
/// flight, then drops what is left (a request cut off there is asked again
/// on resumption, a full interval after the restart).
async fn drain(
    tasks: &mut JoinSet<Result<Option<SiteReport>, CrawlError>>,
) -> Result<Vec<SiteReport>, CrawlError> {
    let mut reports = Vec::new();
    let deadline = tokio::time::Instant::now() + STOP_GRACE;
    loop {
        match tokio::time::timeout_at(deadline, tasks.join_next()).await {
            Ok(None) => return Ok(reports),
            Ok(Some(Ok(Ok(Some(report))))) => reports.push(report),
            Ok(Some(Ok(Ok(None)))) => {}
            Ok(Some(Ok(Err(error)))) => {
                tasks.abort_all();
                return Err(error);
            }
            Ok(Some(Err(join_error))) => {
                tasks.abort_all();
                return Err(CrawlError::Task(join_error));
            }
            Err(_) => {
                warn!("pages still in flight after the grace period; cut off");
                tasks.abort_all();
                while tasks.join_next().await.is_some() {}
                return Ok(reports);
            }
        }
    }
}

fn lock(run: &Mutex<RunRecord>) -> std::sync::MutexGuard<'_, RunRecord> {
    // Invariant: the run lock is only held for plain updates.
    run.lock().expect("run lock not poisoned")
}

/// Progress that goes nowhere (initialising frontiers).
struct NoProgressSink;

impl Progress for NoProgressSink {}
