//! The process that holds the store: `crawl`, `recrawl` and `daemon` all
//! run as a [`Writer`]. It takes the store's lock (a second writer is told
//! the holder's pid), owns one crawler (one fetcher, so runs share the host
//! gates), serves reads and recrawl submissions on the store's socket, runs
//! any number of runs at once, and turns SIGTERM / SIGINT into a graceful
//! stop: every run stops before its next page, pages in flight finish, and
//! the runs are left resumable.
//!
//! Never two runs of one site at once: `busy` holds the sites of the
//! scheduled and manual runs going. A recrawl is urgent work and may run
//! beside a run of the same site: both go through the same host gates, the
//! recrawl's requests first, so politeness holds for the host as a whole.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use cartograph_config::Config;
use cartograph_crawl::{CrawlError, CrawlPlan, Crawler, Refusal, RunReport};
use cartograph_fetch::SystemClock;
use cartograph_store::{LockHolder, RunId, RunRecord, RunTrigger, Store, StoreError};
use serde::{Deserialize, Serialize};
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tracing::{info, warn};

use crate::check_config::today;
use crate::crawl::summary_text;
use crate::exit;
use crate::progress::ProgressFactory;
use crate::reads::{self, LiveState, ReadOutput, Submission};

/// How often, and how far apart, a writer tries a store held by another
/// process before saying who holds it (two seconds: longer than a read).
const LOCK_ATTEMPTS: u32 = 20;
const LOCK_RETRY: std::time::Duration = std::time::Duration::from_millis(100);

/// A recrawl handed to a writer over the socket.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RecrawlArgs {
    pub(crate) seeds: String,
    pub(crate) case_label: Option<String>,
    /// The digest of the client's config: the writer refuses a recrawl made
    /// against another whitelist than its own.
    pub(crate) config_digest: String,
}

/// A run that ended, and who is waiting for it.
pub(crate) struct RunDone {
    pub(crate) sites: Vec<String>,
    pub(crate) trigger: RunTrigger,
    pub(crate) result: Result<RunReport, CrawlError>,
    reply: Option<(oneshot::Sender<ReadOutput>, Vec<Refusal>)>,
}

/// What woke the writer.
pub(crate) enum Event {
    RunDone(RunDone),
    Submission(Submission),
    /// SIGTERM or SIGINT.
    Stop,
}

/// Either a writer, or who holds the store.
pub(crate) enum Opened {
    Writer(Box<Writer>),
    Busy(String),
}

pub(crate) struct Writer {
    pub(crate) crawler: Arc<Crawler>,
    progress: ProgressFactory,
    live: Arc<Mutex<LiveState>>,
    server: Option<tokio::task::JoinHandle<()>>,
    submissions: mpsc::Receiver<Submission>,
    stop: watch::Sender<bool>,
    stopping: bool,
    runs: JoinSet<RunDone>,
    /// Sites of the scheduled and manual runs going.
    pub(crate) busy: BTreeSet<String>,
    terminate: Signal,
    interrupt: Signal,
}

impl Writer {
    /// Opens the store of `config` as its writer (`kind` names it in
    /// `status`), or says who holds it.
    pub(crate) async fn open(
        config: Config,
        kind: &str,
        progress: ProgressFactory,
    ) -> anyhow::Result<Opened> {
        // A read command (`status`, `indicators`) holds a free store for a
        // moment: wait that out before calling the store busy. Another
        // writer is reported at once.
        let mut attempts = 0;
        let opened = loop {
            let store_path = config.store.path.clone();
            let opened = tokio::task::spawn_blocking(move || Store::open(&store_path)).await?;
            attempts += 1;
            match opened {
                Err(StoreError::Locked { holder, .. })
                    if attempts < LOCK_ATTEMPTS && holder.as_ref().is_none_or(is_reader) =>
                {
                    tokio::time::sleep(LOCK_RETRY).await;
                }
                opened => break opened,
            }
        };
        let store = match opened {
            Ok(store) => Arc::new(store),
            Err(StoreError::Locked { path, holder }) => {
                return Ok(Opened::Busy(
                    StoreError::Locked { path, holder }.to_string(),
                ))
            }
            Err(error) => {
                return Err(error).with_context(|| {
                    format!(
                        "failed to open the store at {}",
                        config.store.path.display()
                    )
                })
            }
        };
        let config = Arc::new(config);
        let crawler = Arc::new(Crawler::new(
            config.clone(),
            store.clone(),
            Arc::new(SystemClock),
        )?);
        let live = Arc::new(Mutex::new(LiveState {
            writer: kind.to_owned(),
            pid: std::process::id(),
            active_runs: Vec::new(),
        }));
        let (submit, submissions) = mpsc::channel(16);
        let server = reads::serve(store, config, live.clone(), submit);
        let (stop, _) = watch::channel(false);
        Ok(Opened::Writer(Box::new(Writer {
            crawler,
            progress,
            live,
            server,
            submissions,
            stop,
            stopping: false,
            runs: JoinSet::new(),
            busy: BTreeSet::new(),
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })))
    }

    pub(crate) fn store(&self) -> &Arc<Store> {
        self.crawler.store()
    }

    pub(crate) fn config(&self) -> &Arc<Config> {
        self.crawler.config()
    }

    pub(crate) fn has_runs(&self) -> bool {
        !self.runs.is_empty()
    }

    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping
    }

    /// Resumes `run` where it stood.
    pub(crate) fn resume(&mut self, run: RunRecord) {
        let sites: Vec<String> = run.sites.keys().cloned().collect();
        self.claim(run.trigger, &sites);
        let (crawler, progress, shutdown) = (
            self.crawler.clone(),
            self.progress.new_run(),
            self.shutdown(),
        );
        let (trigger, live) = (run.trigger, self.live.clone());
        self.runs.spawn(async move {
            let run_id = run.id;
            set_active(&live, run_id, true);
            let result = crawler.resume(run_id, progress, shutdown).await;
            set_active(&live, run_id, false);
            RunDone {
                sites,
                trigger,
                result,
                reply: None,
            }
        });
    }

    /// Begins and carries out `plan`.
    pub(crate) fn start(
        &mut self,
        plan: CrawlPlan,
        reply: Option<(oneshot::Sender<ReadOutput>, Vec<Refusal>)>,
    ) {
        let sites: Vec<String> = plan.sites.iter().map(|site| site.site_id.clone()).collect();
        self.claim(plan.trigger, &sites);
        let (crawler, progress, shutdown) = (
            self.crawler.clone(),
            self.progress.new_run(),
            self.shutdown(),
        );
        let live = self.live.clone();
        self.runs.spawn(async move {
            let trigger = plan.trigger;
            let result = match crawler.begin(&plan).await {
                Ok(run_id) => {
                    set_active(&live, run_id, true);
                    let result = crawler.carry_out(run_id, progress, shutdown).await;
                    set_active(&live, run_id, false);
                    result
                }
                Err(error) => Err(error),
            };
            RunDone {
                sites,
                trigger,
                result,
                reply,
            }
        });
    }

    /// Plans a recrawl handed over the socket and starts it, or answers at
    /// once why not.
    pub(crate) fn accept(&mut self, submission: Submission) {
        let Submission { request, reply } = submission;
        if self.stopping {
            let _ = reply.send(ReadOutput::failure(
                "the writer is stopping; run the recrawl again".to_owned(),
            ));
            return;
        }
        let args: RecrawlArgs = match serde_json::from_value(request.args) {
            Ok(args) => args,
            Err(error) => {
                let _ = reply.send(ReadOutput::failure(format!("bad recrawl request: {error}")));
                return;
            }
        };
        if args.config_digest != self.config().digest {
            let _ = reply.send(ReadOutput::failure(format!(
                "the store's writer (pid {}) runs another config ({}); \
                 recrawl with that config file",
                std::process::id(),
                self.config().source.display()
            )));
            return;
        }
        let (plan, refusals) =
            CrawlPlan::recrawl(self.config(), &args.seeds, args.case_label, today());
        if plan.sites.is_empty() {
            let mut output = ReadOutput {
                stderr: refusal_lines(&refusals),
                exit_code: if refusals.is_empty() {
                    exit::SUCCESS
                } else {
                    exit::REFUSED
                },
                ..ReadOutput::default()
            };
            output.stderr.push_str("nothing to crawl\n");
            let _ = reply.send(output);
            return;
        }
        info!(
            sites = plan.sites.len(),
            "recrawl accepted from another process"
        );
        self.start(plan, Some((reply, refusals)));
    }

    /// Waits for the next run to end, a submission or a signal.
    pub(crate) async fn next_event(&mut self) -> Event {
        tokio::select! {
            Some(joined) = self.runs.join_next(), if !self.runs.is_empty() => match joined {
                Ok(done) => {
                    self.release(&done);
                    Event::RunDone(done)
                }
                Err(join_error) => Event::RunDone(RunDone {
                    sites: Vec::new(),
                    trigger: RunTrigger::Manual,
                    result: Err(CrawlError::Task(join_error)),
                    reply: None,
                }),
            },
            Some(submission) = self.submissions.recv() => Event::Submission(submission),
            _ = self.terminate.recv() => Event::Stop,
            _ = self.interrupt.recv() => Event::Stop,
        }
    }

    /// Answers whoever waits for `done` (a recrawl client).
    pub(crate) fn reply(done: &mut RunDone) {
        let Some((reply, refusals)) = done.reply.take() else {
            return;
        };
        let output = match &done.result {
            Ok(report) => ReadOutput {
                stdout: summary_text(report),
                stderr: refusal_lines(&refusals),
                exit_code: exit_code(report, &refusals),
            },
            Err(error) => ReadOutput::failure(format!("{error:#}")),
        };
        let _ = reply.send(output);
    }

    /// Stops every run before its next page (they end `Interrupted`).
    pub(crate) fn stop(&mut self) {
        if self.stopping {
            // A second signal: the operator will not wait. Every write is
            // crash-safe, so leaving now loses nothing; runs resume.
            warn!("second stop signal: exiting now; runs resume on the next start");
            std::process::exit(i32::from(exit::INTERRUPTED));
        }
        warn!("stop requested: finishing requests in flight, leaving runs resumable");
        self.stopping = true;
        self.submissions.close();
        let _ = self.stop.send(true);
    }

    /// Stops serving reads and removes the socket.
    pub(crate) fn close(self) {
        if let Some(server) = &self.server {
            server.abort();
        }
        reads::remove_socket(self.store());
    }

    fn shutdown(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut receiver = self.stop.subscribe();
        async move {
            let _ = receiver.wait_for(|stop| *stop).await;
        }
    }

    fn claim(&mut self, trigger: RunTrigger, sites: &[String]) {
        if trigger != RunTrigger::Recrawl {
            self.busy.extend(sites.iter().cloned());
        }
    }

    fn release(&mut self, done: &RunDone) {
        if done.trigger != RunTrigger::Recrawl {
            for site in &done.sites {
                self.busy.remove(site);
            }
        }
    }
}

/// `refused …` lines for stderr.
pub(crate) fn refusal_lines(refusals: &[Refusal]) -> String {
    refusals
        .iter()
        .map(|refusal| format!("refused {}: {}\n", refusal.requested, refusal.reason))
        .collect()
}

/// The exit code of a command that ran `report` after `refusals`.
pub(crate) fn exit_code(report: &RunReport, refusals: &[Refusal]) -> u8 {
    if report.state == cartograph_store::RunState::Interrupted {
        exit::INTERRUPTED
    } else if refusals.is_empty() {
        exit::SUCCESS
    } else {
        exit::REFUSED
    }
}

/// Whether the holder of a lock runs a read command (it lets go soon).
fn is_reader(holder: &LockHolder) -> bool {
    holder
        .command
        .split_whitespace()
        .any(|word| matches!(word, "status" | "indicators" | "export" | "verify"))
}

fn set_active(live: &Mutex<LiveState>, run_id: RunId, active: bool) {
    // Invariant: the live state lock is only held for plain updates.
    let mut live = live.lock().expect("live state not poisoned");
    live.active_runs.retain(|run| *run != run_id);
    if active {
        live.active_runs.push(run_id);
    }
}
