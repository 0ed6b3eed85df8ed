//! `cartograph status`: who writes the store now, the latest runs (trigger,
//! state, case, sites ok / failed / skipped / unfinished, resumptions, and
//! for an unfinished run its frontier per site), then per whitelisted site
//! its last success, its last failure and why, and its next scheduled
//! time. Works while a crawl or the daemon runs (served by the writer).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use cartograph_config::Config;
use cartograph_crawl::{ScheduleEntry, Scheduler};
use cartograph_store::{RunRecord, RunState, SiteRunStatus, Store};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::args::Format;
use crate::check_config::load;
use crate::crawl::state_word;
use crate::exit;
use crate::reads::{read, LiveState, ReadOutput, ReadRequest};

/// The arguments of `status`, as sent to a writer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StatusArgs {
    pub(crate) json: bool,
    pub(crate) runs: usize,
}

pub(crate) fn run(config_path: &Path, format: Format, runs: usize) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let request = ReadRequest::new(
        "status",
        StatusArgs {
            json: format == Format::Json,
            runs,
        },
    );
    Ok(read(&config, &request)?.print())
}

/// One run as `status` shows it.
#[derive(Debug, Serialize)]
struct RunLine {
    run: u64,
    trigger: RunRecordTrigger,
    state: &'static str,
    case: Option<String>,
    started_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    resumptions: usize,
    sites: BTreeMap<&'static str, usize>,
    /// For an unfinished run: per site, URLs queued / in flight / done.
    frontier: BTreeMap<String, cartograph_store::FrontierCounts>,
}

type RunRecordTrigger = cartograph_store::RunTrigger;

/// One site as `status` shows it.
#[derive(Debug, Serialize)]
struct SiteLine {
    site: String,
    last_success: Option<(u64, DateTime<Utc>)>,
    last_failure: Option<(u64, String)>,
    next_scheduled: Option<DateTime<Utc>>,
    schedules: Vec<String>,
}

/// `status` against an open store.
pub(crate) fn render(
    store: &Store,
    config: &Config,
    live: Option<&LiveState>,
    args: &StatusArgs,
) -> anyhow::Result<ReadOutput> {
    let now = Utc::now();
    let runs = store.runs()?;
    let mut run_lines = Vec::new();
    for run in runs.iter().rev().take(args.runs.max(1)) {
        run_lines.push(run_line(store, run)?);
    }
    let last_fired: BTreeMap<String, DateTime<Utc>> = store
        .schedule_states()?
        .into_iter()
        .map(|state| (state.schedule_id, state.last_slot))
        .collect();
    let scheduler = Scheduler::new(ScheduleEntry::from_config(config), &last_fired, now);
    let site_lines: Vec<SiteLine> = config
        .sites
        .iter()
        .map(|site| site_line(&site.id, &runs, &scheduler, now))
        .collect();
    if args.json {
        let document = serde_json::json!({
            "store": config.store.path,
            "writer": live,
            "runs": run_lines,
            "sites": site_lines,
        });
        return Ok(ReadOutput {
            stdout: format!("{}\n", serde_json::to_string_pretty(&document)?),
            ..ReadOutput::default()
        });
    }
    let mut text = String::new();
    writeln!(text, "store: {}", config.store.path.display())?;
    match live {
        Some(live) => writeln!(
            text,
            "writer: pid {} ({}), runs going: {}",
            live.pid,
            live.writer,
            list(&live.active_runs)
        )?,
        None => writeln!(text, "writer: none (no crawl or daemon holds the store)")?,
    }
    writeln!(text, "\nruns (latest first):")?;
    writeln!(
        text,
        "{:>5}  {:<9} {:<11} {:<17} {:<17} {:>4} {:>6} {:>7} {:>10}  case",
        "run",
        "trigger",
        "state",
        "started (UTC)",
        "finished (UTC)",
        "ok",
        "failed",
        "skipped",
        "unfinished"
    )?;
    for line in &run_lines {
        writeln!(
            text,
            "{:>5}  {:<9} {:<11} {:<17} {:<17} {:>4} {:>6} {:>7} {:>10}  {}{}",
            line.run,
            trigger_word(line.trigger),
            line.state,
            line.started_at.format("%Y-%m-%d %H:%M"),
            line.finished_at
                .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| "-".to_owned()),
            line.sites.get("ok").copied().unwrap_or(0),
            line.sites.get("failed").copied().unwrap_or(0),
            line.sites.get("skipped").copied().unwrap_or(0),
            line.sites.get("unfinished").copied().unwrap_or(0),
            line.case.clone().unwrap_or_default(),
            if line.resumptions > 0 {
                format!(" (resumed {}×)", line.resumptions)
            } else {
                String::new()
            }
        )?;
        for (site, counts) in &line.frontier {
            writeln!(
                text,
                "       {site}: {} done, {} in flight, {} queued",
                counts.done, counts.in_flight, counts.queued
            )?;
        }
    }
    writeln!(text, "\nsites:")?;
    writeln!(
        text,
        "{:<28} {:<24} {:<24} {:<17}  last failure",
        "site", "last success", "next scheduled (UTC)", "schedules"
    )?;
    for line in &site_lines {
        writeln!(
            text,
            "{:<28} {:<24} {:<24} {:<17}  {}",
            line.site,
            line.last_success
                .map(|(run, at)| format!("run {run}, {}", at.format("%Y-%m-%d %H:%M")))
                .unwrap_or_else(|| "never".to_owned()),
            line.next_scheduled
                .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| "not scheduled".to_owned()),
            if line.schedules.is_empty() {
                "-".to_owned()
            } else {
                line.schedules.join(",")
            },
            line.last_failure
                .as_ref()
                .map(|(run, reason)| format!("run {run}: {reason}"))
                .unwrap_or_else(|| "-".to_owned())
        )?;
    }
    Ok(ReadOutput {
        stdout: text,
        ..ReadOutput::default()
    })
}

fn run_line(store: &Store, run: &RunRecord) -> anyhow::Result<RunLine> {
    let mut sites: BTreeMap<&'static str, usize> = BTreeMap::new();
    for record in run.sites.values() {
        let word = match record.status {
            SiteRunStatus::Completed => "ok",
            SiteRunStatus::Failed => "failed",
            SiteRunStatus::Skipped => "skipped",
            SiteRunStatus::Pending | SiteRunStatus::Running => "unfinished",
        };
        *sites.entry(word).or_default() += 1;
    }
    let frontier = if run.state == RunState::Completed {
        BTreeMap::new()
    } else {
        let unfinished: Vec<&String> = run
            .sites
            .iter()
            .filter(|(_, record)| {
                matches!(
                    record.status,
                    SiteRunStatus::Pending | SiteRunStatus::Running
                )
            })
            .map(|(site, _)| site)
            .collect();
        store
            .frontier_counts(run.id)?
            .into_iter()
            .filter(|(site, _)| unfinished.contains(&site))
            .collect()
    };
    Ok(RunLine {
        run: run.id,
        trigger: run.trigger,
        state: state_word(run.state),
        case: run.case_label.clone(),
        started_at: run.started_at,
        finished_at: run.finished_at,
        resumptions: run.resumptions.len(),
        sites,
        frontier,
    })
}

fn site_line(
    site: &str,
    runs: &[RunRecord],
    scheduler: &Scheduler,
    now: DateTime<Utc>,
) -> SiteLine {
    let mut last_success = None;
    let mut last_failure = None;
    for run in runs {
        let Some(record) = run.sites.get(site) else {
            continue;
        };
        match record.status {
            SiteRunStatus::Completed => {
                last_success = Some((run.id, run.finished_at.unwrap_or(run.started_at)))
            }
            SiteRunStatus::Failed => {
                last_failure = Some((
                    run.id,
                    record.reason.clone().unwrap_or_else(|| "failed".to_owned()),
                ))
            }
            _ => {}
        }
    }
    let schedules: Vec<&ScheduleEntry> = scheduler
        .entries()
        .iter()
        .filter(|entry| entry.sites.iter().any(|id| id == site))
        .collect();
    SiteLine {
        site: site.to_owned(),
        last_success,
        last_failure,
        next_scheduled: schedules
            .iter()
            .filter_map(|entry| entry.schedule.next_after(now))
            .min(),
        schedules: schedules.iter().map(|entry| entry.id.clone()).collect(),
    }
}

fn trigger_word(trigger: cartograph_store::RunTrigger) -> &'static str {
    match trigger {
        cartograph_store::RunTrigger::Manual => "manual",
        cartograph_store::RunTrigger::Scheduled => "scheduled",
        cartograph_store::RunTrigger::Recrawl => "recrawl",
    }
}

fn list(runs: &[u64]) -> String {
    if runs.is_empty() {
        "none".to_owned()
    } else {
        runs.iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
