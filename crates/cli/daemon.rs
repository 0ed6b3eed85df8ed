//! `cartograph daemon`: scheduled crawls until SIGTERM or SIGINT.
//!
//! On start it takes the store as its writer, resumes every unfinished
//! run, and loads each schedule's last fired slot from the store. Then it
//! sleeps until the next slot of any schedule (at most a minute, so a
//! changed wall clock is noticed), starts one run per due schedule with
//! the schedule's sites that are not already running (a site still running
//! from an earlier slot skips this one: never doubled), and records the
//! slot as fired. Recrawls handed over the socket run at once, ahead of
//! scheduled work. A stop signal stops every run before its next page,
//! lets requests in flight finish, and exits with the runs resumable.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use cartograph_crawl::{CrawlPlan, ScheduleEntry, Scheduler};
use cartograph_store::{RunTrigger, ScheduleStateRecord};
use chrono::{DateTime, Utc};
use tracing::{info, warn};

use crate::args::LogFormat;
use crate::check_config::{load, today};
use crate::crawl::{summary_text, trigger_word};
use crate::progress::ProgressFactory;
use crate::writer::{Event, Opened, Writer};
use crate::{exit, notice};

/// The longest the daemon sleeps between looks at the clock.
const MAX_SLEEP: Duration = Duration::from_secs(60);

pub(crate) async fn run(config_path: &Path, log_format: LogFormat) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let entries = ScheduleEntry::from_config(&config);
    let mut writer =
        match Writer::open(config, "daemon", ProgressFactory::for_stderr(log_format)).await? {
            Opened::Writer(writer) => *writer,
            Opened::Busy(holder) => {
                notice::error(&format!("{holder}; one daemon or crawl per store"));
                return Ok(exit::BUSY);
            }
        };
    let store = writer.store().clone();
    let (unfinished, states) = tokio::task::spawn_blocking(move || {
        Ok::<_, cartograph_store::StoreError>((store.unfinished_runs()?, store.schedule_states()?))
    })
    .await??;
    for run in unfinished {
        info!(
            run = run.id,
            trigger = trigger_word(run.trigger),
            "resuming run"
        );
        writer.resume(run);
    }
    if entries.is_empty() {
        warn!("no schedules in the config: the daemon only resumes runs and takes recrawls");
    }
    let last_fired: BTreeMap<String, DateTime<Utc>> = states
        .into_iter()
        .map(|state| (state.schedule_id, state.last_slot))
        .collect();
    let mut scheduler = Scheduler::new(entries, &last_fired, Utc::now());
    for (schedule, next) in scheduler.next_slots(Utc::now()) {
        info!(schedule = %schedule, next = ?next, "schedule");
    }
    notice::say(&format!(
        "daemon: pid {}, {} schedule(s); stop with SIGTERM or SIGINT",
        std::process::id(),
        scheduler.entries().len()
    ));

    loop {
        if !writer.is_stopping() {
            fire_due(&mut writer, &mut scheduler).await?;
        } else if !writer.has_runs() {
            break;
        }
        let now = Utc::now();
        let sleep = scheduler
            .next_wake(now)
            .and_then(|wake| (wake - now).to_std().ok())
            .unwrap_or(MAX_SLEEP)
            .min(MAX_SLEEP);
        tokio::select! {
            () = tokio::time::sleep(sleep), if !writer.is_stopping() => {}
            event = writer.next_event() => match event {
                Event::RunDone(mut done) => {
                    Writer::reply(&mut done);
                    match &done.result {
                        Ok(report) => print!("{}", summary_text(report)),
                        Err(error) => warn!(error = %format!("{error:#}"), "run failed"),
                    }
                }
                Event::Submission(submission) => writer.accept(submission),
                Event::Stop => writer.stop(),
            }
        }
    }
    writer.close();
    notice::say("daemon: stopped; unfinished runs resume on the next start");
    Ok(exit::SUCCESS)
}

/// Starts a run for every due schedule, with its sites not already running.
async fn fire_due(writer: &mut Writer, scheduler: &mut Scheduler) -> anyhow::Result<()> {
    let firings = scheduler.due(Utc::now(), &writer.busy);
    for firing in firings {
        if !firing.busy.is_empty() {
            warn!(
                schedule = %firing.schedule_id,
                slot = %firing.slot,
                sites = %firing.busy.join(","),
                "still running from an earlier slot; this slot is skipped for them"
            );
        }
        let (plan, refusals) = CrawlPlan::sites(
            writer.config(),
            &firing.sites,
            RunTrigger::Scheduled,
            None,
            today(),
        );
        for refusal in &refusals {
            warn!(site = %refusal.requested, reason = %refusal.reason, "scheduled site not crawled");
        }
        let record = ScheduleStateRecord {
            schedule_id: firing.schedule_id.clone(),
            last_slot: firing.slot,
        };
        let store = writer.store().clone();
        tokio::task::spawn_blocking(move || store.put_schedule_state(&record)).await??;
        if !plan.sites.is_empty() {
            info!(schedule = %firing.schedule_id, slot = %firing.slot, sites = plan.sites.len(), "slot due; run starts");
            writer.start(plan, None);
        }
    }
    Ok(())
}
