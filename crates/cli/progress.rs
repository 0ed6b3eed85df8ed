//! Progress of runs for the operator. On a terminal: one indicatif bar per
//! run (sites done of sites to crawl, pages, errors, ETA), several runs at
//! once stacked. Not on a terminal: plain lines on stderr (run started, a
//! line per site done, a line every 50 pages). With `--log-format json`:
//! the same events as structured tracing events, for a unit's log stack.
//! Data (summaries) still goes to stdout.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cartograph_crawl::{Progress, RunReport, SiteReport};
use cartograph_store::RunId;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tracing::info;

use crate::args::LogFormat;

/// Pages between two plain progress lines.
const PAGES_PER_LINE: u64 = 50;

/// Makes one progress reporter per run.
#[derive(Clone)]
pub(crate) struct ProgressFactory {
    kind: Kind,
    bars: MultiProgress,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bars,
    Lines,
    Events,
}

impl ProgressFactory {
    /// Bars on a terminal, events with JSON logs, plain lines otherwise.
    pub(crate) fn for_stderr(log_format: LogFormat) -> ProgressFactory {
        let kind = match log_format {
            LogFormat::Json => Kind::Events,
            LogFormat::Text if std::io::stderr().is_terminal() => Kind::Bars,
            LogFormat::Text => Kind::Lines,
        };
        ProgressFactory {
            kind,
            bars: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
        }
    }

    /// A reporter for one run.
    pub(crate) fn new_run(&self) -> Arc<dyn Progress> {
        Arc::new(RunProgress {
            kind: self.kind,
            bars: self.bars.clone(),
            state: Mutex::new(None),
            pages: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        })
    }
}

struct RunProgress {
    kind: Kind,
    bars: MultiProgress,
    /// The run and its bar, once it started.
    state: Mutex<Option<(RunId, Option<ProgressBar>, u64)>>,
    pages: AtomicU64,
    errors: AtomicU64,
}

impl RunProgress {
    fn run_id(&self) -> RunId {
        self.state().map_or(0, |(run, _, _)| run)
    }

    fn state(&self) -> Option<(RunId, Option<ProgressBar>, u64)> {
        // Invariant: the state lock is only held for copies.
        self.state
            .lock()
            .expect("progress state not poisoned")
            .clone()
    }

    fn message(&self) -> String {
        format!(
            "{} pages, {} errors",
            self.pages.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed)
        )
    }
}

impl Progress for RunProgress {
    fn run_started(&self, run_id: RunId, sites: usize, done: usize) {
        let bar = (self.kind == Kind::Bars).then(|| {
            let bar = self.bars.add(ProgressBar::new(sites as u64));
            // Invariant: the template is a literal that parses.
            let style = ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} sites · {msg} · {elapsed} · ETA {eta}",
            )
            .expect("progress template parses")
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(format!("run {run_id}"));
            bar.set_position(done as u64);
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        {
            // Invariant: the state lock is only held for plain updates.
            let mut state = self.state.lock().expect("progress state not poisoned");
            *state = Some((run_id, bar, sites as u64));
        }
        match self.kind {
            Kind::Bars => {}
            Kind::Lines => eprintln!(
                "run {run_id}: {sites} sites{}",
                if done > 0 {
                    format!(", {done} finished before a restart")
                } else {
                    String::new()
                }
            ),
            Kind::Events => info!(run = run_id, sites, done, "run progress: started"),
        }
    }

    fn page_done(&self, _site_id: &str, _pages_done: u64, outcome: &str) {
        let is_page = matches!(outcome, "fetched" | "fetched-truncated" | "not-modified");
        let pages = if is_page {
            self.pages.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            self.pages.load(Ordering::Relaxed)
        };
        if is_error(outcome) {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        if !is_page {
            return;
        }
        match self.kind {
            Kind::Bars => {
                if let Some((_, Some(bar), _)) = self.state() {
                    bar.set_message(self.message());
                }
            }
            Kind::Lines if pages % PAGES_PER_LINE == 0 => {
                eprintln!("run {}: {}", self.run_id(), self.message())
            }
            Kind::Events if pages % PAGES_PER_LINE == 0 => info!(
                run = self.run_id(),
                pages,
                errors = self.errors.load(Ordering::Relaxed),
                "run progress: pages"
            ),
            _ => {}
        }
    }

    fn site_finished(&self, report: &SiteReport) {
        let status = crate::crawl::status_word(report.status);
        match self.kind {
            Kind::Bars => {
                if let Some((_, Some(bar), _)) = self.state() {
                    bar.inc(1);
                    bar.set_message(self.message());
                }
            }
            Kind::Lines => eprintln!(
                "run {}: site {} {status}: {} pages, {} ads{}",
                self.run_id(),
                report.site_id,
                report.pages_fetched,
                report.ads_seen,
                report
                    .reason
                    .as_ref()
                    .map(|reason| format!(" ({reason})"))
                    .unwrap_or_default()
            ),
            Kind::Events => info!(
                run = self.run_id(),
                site = %report.site_id,
                status,
                pages = report.pages_fetched,
                ads = report.ads_seen,
                reason = report.reason.as_deref().unwrap_or(""),
                "run progress: site finished"
            ),
        }
    }

    fn run_finished(&self, report: &RunReport) {
        let state = crate::crawl::state_word(report.state);
        match self.kind {
            Kind::Bars => {
                if let Some((_, Some(bar), _)) = self.state() {
                    bar.finish_with_message(format!("{} · {state}", self.message()));
                }
            }
            Kind::Lines => eprintln!("run {}: {state}, {}", report.run_id, self.message()),
            Kind::Events => info!(
                run = report.run_id,
                state,
                pages = self.pages.load(Ordering::Relaxed),
                errors = self.errors.load(Ordering::Relaxed),
                "run progress: finished"
            ),
        }
    }
}

/// Outcomes that count as errors in the progress line: the site failed to
/// give a page (robots.txt disallowing one, or a non-HTML link, is not an
/// error of the site).
fn is_error(outcome: &str) -> bool {
    outcome.starts_with("http-")
        || matches!(
            outcome,
            "timed-out"
                | "transport-error"
                | "incomplete-body"
                | "robots-unavailable"
                | "host-paused"
                | "address-refused"
        )
}
