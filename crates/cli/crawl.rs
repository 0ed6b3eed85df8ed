//! `cartograph crawl` and `cartograph recrawl`: plan a run, carry it out
//! against the store named in the config, print a per-site summary.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use cartograph_config::Config;
use cartograph_crawl::{CrawlPlan, Refusal, RunContext, RunReport};
use cartograph_fetch::SystemClock;
use cartograph_store::{RunState, RunTrigger, SiteRunStatus, Store};

use crate::check_config::{load, today};
use crate::{exit, progress};

pub(crate) async fn crawl(
    config_path: &Path,
    sites: Vec<String>,
    case_label: Option<String>,
) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let (plan, refusals) =
        CrawlPlan::sites(&config, &sites, RunTrigger::Manual, case_label, today());
    execute(config, plan, refusals).await
}

pub(crate) async fn recrawl(
    config_path: &Path,
    seeds: &Path,
    case_label: Option<String>,
) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let seeds_text = std::fs::read_to_string(seeds)
        .with_context(|| format!("failed to read seeds file {}", seeds.display()))?;
    let (plan, refusals) = CrawlPlan::recrawl(&config, &seeds_text, case_label, today());
    execute(config, plan, refusals).await
}

/// Runs `plan`, reporting refusals first; the exit code says whether
/// anything was refused or the run was interrupted.
pub(crate) async fn execute(
    config: Config,
    plan: CrawlPlan,
    refusals: Vec<Refusal>,
) -> anyhow::Result<u8> {
    for refusal in &refusals {
        eprintln!("refused {}: {}", refusal.requested, refusal.reason);
    }
    if plan.sites.is_empty() {
        eprintln!("nothing to crawl");
        return Ok(if refusals.is_empty() {
            exit::SUCCESS
        } else {
            exit::REFUSED
        });
    }
    let report = run_plan(config, plan).await?;
    print_summary(&report);
    Ok(if report.state == RunState::Interrupted {
        exit::INTERRUPTED
    } else if refusals.is_empty() {
        exit::SUCCESS
    } else {
        exit::REFUSED
    })
}

/// Opens the store and carries out `plan`, stopping on Ctrl-C.
pub(crate) async fn run_plan(config: Config, plan: CrawlPlan) -> anyhow::Result<RunReport> {
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
        clock: Arc::new(SystemClock),
        progress: progress::for_terminal(),
    };
    let shutdown = async {
        // If the signal handler cannot be installed, run to the end.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    Ok(cartograph_crawl::run(context, plan, shutdown).await?)
}

fn print_summary(report: &RunReport) {
    println!("run {} {}", report.run_id, state_word(report.state));
    println!(
        "{:<28} {:>10} {:>7} {:>8}  note",
        "site", "status", "pages", "ads"
    );
    for site in &report.sites {
        let note = match (&site.reason, site.outcomes.len()) {
            (Some(reason), _) => reason.clone(),
            (None, _) => site
                .outcomes
                .iter()
                .filter(|(label, _)| label.as_str() != "fetched")
                .map(|(label, count)| format!("{label}: {count}"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        println!(
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
            println!("fault {}: {fault}", site.site_id);
        }
    }
    let failed: Vec<&str> = report
        .sites
        .iter()
        .filter(|site| site.status == SiteRunStatus::Failed)
        .map(|site| site.site_id.as_str())
        .collect();
    if !failed.is_empty() {
        println!("failed sites: {}", failed.join(", "));
    }
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
