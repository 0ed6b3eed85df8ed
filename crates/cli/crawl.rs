//! `cartograph crawl` and `cartograph recrawl`: plan a run and carry it out
//! as the store's writer, after resuming any run a crash or a stop left
//! unfinished; print a summary table per run.
//!
//! `crawl` resumes every unfinished run first; it begins a new run only
//! when none of them is the same plan (same trigger, case label and
//! sites), so after a crash the next `crawl` finishes the interrupted run
//! instead of starting over. `recrawl` against a store that another
//! process writes (a crawl or the daemon) hands its seeds to that process,
//! which runs them ahead of its scheduled work and answers when done.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use cartograph_config::Config;
use cartograph_crawl::{CrawlPlan, Refusal, RunContext, RunReport};
use cartograph_fetch::SystemClock;
use cartograph_store::{socket_path, RunState, RunTrigger, SiteRunStatus, Store};

use crate::args::LogFormat;
use crate::check_config::{load, today};
use crate::progress::ProgressFactory;
use crate::reads::{ask_writer, ReadRequest};
use crate::writer::{exit_code, refusal_lines, Event, Opened, RecrawlArgs, Writer};
use crate::{exit, notice};

pub(crate) async fn crawl(
    config_path: &Path,
    sites: Vec<String>,
    case_label: Option<String>,
    log_format: LogFormat,
) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let (plan, refusals) =
        CrawlPlan::sites(&config, &sites, RunTrigger::Manual, case_label, today());
    execute(config, plan, refusals, "crawl", log_format).await
}

pub(crate) async fn recrawl(
    config_path: &Path,
    seeds: &Path,
    case_label: Option<String>,
    log_format: LogFormat,
) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let seeds_text = std::fs::read_to_string(seeds)
        .with_context(|| format!("failed to read seeds file {}", seeds.display()))?;
    let (plan, refusals) = CrawlPlan::recrawl(&config, &seeds_text, case_label.clone(), today());
    if plan.sites.is_empty() {
        notice::say(&refusal_lines(&refusals));
        notice::say("nothing to crawl");
        return Ok(if refusals.is_empty() {
            exit::SUCCESS
        } else {
            exit::REFUSED
        });
    }
    let store_path = config.store.path.clone();
    let digest = config.digest.clone();
    match Writer::open(config, "recrawl", ProgressFactory::for_stderr(log_format)).await? {
        Opened::Writer(writer) => carry_out(*writer, Some(plan), refusals).await,
        Opened::Busy(holder) => {
            notice::say(&format!("{holder}; handing the recrawl to it"));
            let request = ReadRequest::new(
                "recrawl",
                RecrawlArgs {
                    seeds: seeds_text,
                    case_label,
                    config_digest: digest,
                },
            );
            let output = tokio::task::spawn_blocking(move || {
                ask_writer(&store_path, &request, None).with_context(|| {
                    format!(
                        "{holder}, and it did not take the recrawl on {}",
                        socket_path(&store_path).display()
                    )
                })
            })
            .await??;
            Ok(output.print())
        }
    }
}

/// Runs `plan` as the store's writer, reporting refusals first.
pub(crate) async fn execute(
    config: Config,
    plan: CrawlPlan,
    refusals: Vec<Refusal>,
    kind: &str,
    log_format: LogFormat,
) -> anyhow::Result<u8> {
    match Writer::open(config, kind, ProgressFactory::for_stderr(log_format)).await? {
        Opened::Writer(writer) => carry_out(*writer, Some(plan), refusals).await,
        Opened::Busy(holder) => {
            notice::error(&format!(
                "{holder}; wait for it to end (or stop it) and run this again"
            ));
            Ok(exit::BUSY)
        }
    }
}

/// Resumes unfinished runs, begins `plan` unless one of them is the same
/// plan, and serves recrawl submissions until every run has ended.
async fn carry_out(
    mut writer: Writer,
    plan: Option<CrawlPlan>,
    refusals: Vec<Refusal>,
) -> anyhow::Result<u8> {
    notice::say(&refusal_lines(&refusals));
    let store = writer.store().clone();
    let unfinished = tokio::task::spawn_blocking(move || store.unfinished_runs()).await??;
    let mut plan_resumed = false;
    for run in unfinished {
        if plan.as_ref().is_some_and(|plan| plan.matches(&run)) {
            plan_resumed = true;
        }
        notice::say(&format!(
            "resuming run {} ({}, started {}), cut off before it finished",
            run.id,
            trigger_word(run.trigger),
            run.started_at.format("%Y-%m-%d %H:%M:%S UTC")
        ));
        writer.resume(run);
    }
    // Never two runs of one site at once: a site that a resumed run
    // crawls is left to it (a recrawl is urgent work and goes beside it).
    let plan = plan.map(|mut plan| {
        if !plan_resumed && plan.trigger != RunTrigger::Recrawl {
            plan.sites.retain(|site| {
                let busy = writer.busy.contains(&site.site_id);
                if busy {
                    notice::say(&format!("{}: crawled by the resumed run", site.site_id));
                }
                !busy
            });
        }
        plan
    });
    match plan {
        Some(plan) if !plan_resumed && !plan.sites.is_empty() => writer.start(plan, None),
        Some(plan) if plan.sites.is_empty() && !writer.has_runs() => {
            notice::say("nothing to crawl");
            writer.close();
            return Ok(if refusals.is_empty() {
                exit::SUCCESS
            } else {
                exit::REFUSED
            });
        }
        _ => {}
    }
    let mut code = exit::SUCCESS;
    let mut failure = None;
    while writer.has_runs() {
        match writer.next_event().await {
            Event::RunDone(mut done) => {
                Writer::reply(&mut done);
                match &done.result {
                    Ok(report) => {
                        print!("{}", summary_text(report));
                        code = code.max(exit_code(report, &refusals));
                    }
                    Err(error) => failure = Some(format!("{error:#}")),
                }
            }
            Event::Submission(submission) => writer.accept(submission),
            Event::Stop => writer.stop(),
        }
    }
    writer.close();
    if let Some(failure) = failure {
        anyhow::bail!(failure);
    }
    Ok(code)
}

/// Opens the store and carries out `plan` in this process, stopping on
/// Ctrl-C (the demo, which needs the report itself).
pub(crate) async fn run_plan(config: Config, plan: CrawlPlan) -> anyhow::Result<RunReport> {
    run_plan_with_clock(config, plan, Arc::new(SystemClock)).await
}

/// [`run_plan`] with captures stamped by `clock` (the quality benchmark
/// stamps them in the farm's simulated time).
pub(crate) async fn run_plan_with_clock(
    config: Config,
    plan: CrawlPlan,
    clock: Arc<dyn cartograph_fetch::Clock>,
) -> anyhow::Result<RunReport> {
    let store_path = config.store.path.clone();
    let store = tokio::task::spawn_blocking(move || Store::open(&store_path))
        .await?
        .with_context(|| {
            format!(
                "failed to open the store at {}",
                config.store.path.display()
            )
        })?;
    let context = RunContext {
        config: Arc::new(config),
        store: Arc::new(store),
        clock,
        progress: ProgressFactory::for_stderr(LogFormat::Text).new_run(),
    };
    let shutdown = async {
        // If the signal handler cannot be installed, run to the end.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    Ok(cartograph_crawl::run(context, plan, shutdown).await?)
}

/// The summary table of one run: per site its status, pages, ads and why;
/// then faults, and a count of sites ok / failed / skipped.
pub(crate) fn summary_text(report: &RunReport) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    // Writing to a String cannot fail; the results are ignored throughout.
    let _ = writeln!(text, "run {} {}", report.run_id, state_word(report.state));
    let _ = writeln!(
        text,
        "{:<28} {:>10} {:>7} {:>8}  note",
        "site", "status", "pages", "ads"
    );
    for site in &report.sites {
        let note = match &site.reason {
            Some(reason) => reason.clone(),
            None => site
                .outcomes
                .iter()
                .filter(|(label, _)| label.as_str() != "fetched")
                .map(|(label, count)| format!("{label}: {count}"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let _ = writeln!(
            text,
            "{:<28} {:>10} {:>7} {:>8}  {}",
            site.site_id,
            status_word(site.status),
            site.pages_fetched,
            site.ads_seen,
            note
        );
    }
    for site in &report.sites {
        for fault in &site.faults {
            let _ = writeln!(text, "fault {}: {fault}", site.site_id);
        }
    }
    let count = |status: SiteRunStatus| {
        report
            .sites
            .iter()
            .filter(|site| site.status == status)
            .count()
    };
    let unfinished = count(SiteRunStatus::Pending) + count(SiteRunStatus::Running);
    let _ = writeln!(
        text,
        "sites: {} ok, {} failed, {} skipped{}",
        count(SiteRunStatus::Completed),
        count(SiteRunStatus::Failed),
        count(SiteRunStatus::Skipped),
        if unfinished > 0 {
            format!(", {unfinished} unfinished (resumed by the next crawl or the daemon)")
        } else {
            String::new()
        }
    );
    let failed: Vec<&str> = report
        .sites
        .iter()
        .filter(|site| site.status == SiteRunStatus::Failed)
        .map(|site| site.site_id.as_str())
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(text, "failed sites: {}", failed.join(", "));
    }
    text
}

pub(crate) fn state_word(state: RunState) -> &'static str {
    match state {
        RunState::Running => "running",
        RunState::Completed => "completed",
        RunState::Interrupted => "interrupted",
    }
}

pub(crate) fn status_word(status: SiteRunStatus) -> &'static str {
    match status {
        SiteRunStatus::Pending => "pending",
        SiteRunStatus::Running => "running",
        SiteRunStatus::Completed => "ok",
        SiteRunStatus::Failed => "failed",
        SiteRunStatus::Skipped => "skipped",
    }
}

pub(crate) fn trigger_word(trigger: RunTrigger) -> &'static str {
    match trigger {
        RunTrigger::Manual => "manual",
        RunTrigger::Scheduled => "scheduled",
        RunTrigger::Recrawl => "recrawl",
    }
}
