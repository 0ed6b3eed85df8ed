//! `cartograph explain URL`: why cartograph would or would not fetch a URL.
//! Which whitelisted site it belongs to (or why none takes it), the
//! robots.txt rule that decides it (from the store's robots cache, or read
//! politely now — that read is kept as evidence in a run of its own), and
//! when the next request to its host may go, from the host's last capture
//! and the interval in force.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use cartograph_fetch::{host_key, FetchSettings, Fetcher, RobotsSource, ScopeGuard, SystemClock};
use cartograph_store::{RunState, RunTrigger, Store};
use chrono::Utc;
use url::Url;

use crate::check_config::load;
use crate::exit;

pub(crate) async fn run(config_path: &Path, url_text: &str) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let url = Url::parse(url_text).with_context(|| format!("{url_text:?} is not a URL"))?;
    let scope = ScopeGuard::new(&config);
    println!("url: {}", scope.normalise(&url));
    let verdicts = scope.verdicts(&url);
    let Some(allowed) = verdicts
        .iter()
        .find_map(|(_, verdict)| verdict.as_ref().ok())
    else {
        let reason = match scope.site_for(&url) {
            Err(reason) => reason.to_string(),
            Ok(_) => "no site allows it".to_owned(),
        };
        println!("scope: out of scope: {reason}");
        for (site_id, verdict) in &verdicts {
            if let Err(why) = verdict {
                println!("  site {site_id}: {why}");
            }
        }
        return Ok(exit::REFUSED);
    };
    let Some(site) = config.site(allowed.site_id()) else {
        anyhow::bail!("site {} vanished from the config", allowed.site_id());
    };
    let pattern = site
        .listing
        .iter()
        .find(|pattern| pattern.matches(allowed.url()))
        .map(ToString::to_string)
        .unwrap_or_default();
    println!(
        "site: {} ({}) — in scope, listing pattern {pattern}",
        site.id, site.name
    );
    if !site.is_authorized_on(crate::check_config::today()) {
        println!("authorization: expired; a crawl skips this site");
    }

    let store_path = config.store.path.clone();
    let store = Arc::new(
        tokio::task::spawn_blocking(move || Store::open(&store_path))
            .await?
            .with_context(|| {
                format!(
                    "failed to open the store at {}",
                    config.store.path.display()
                )
            })?,
    );
    let interval = site.min_interval(&config.politeness);
    let host = host_key(allowed.url());
    let last_request = last_request_to(&store, &host).await?;
    // Be polite across processes too: no sooner than the interval after the
    // host's last recorded request.
    if let Some(last) = last_request {
        let ready = last + chrono::Duration::from_std(interval).unwrap_or_default();
        if let Ok(wait) = (ready - Utc::now()).to_std() {
            tokio::time::sleep(wait).await;
        }
    }
    let fetcher = Fetcher::new(FetchSettings::from_config(&config), Arc::new(SystemClock))?
        .with_robots_cache(cartograph_crawl::robots_cache(store.clone()))
        .with_host_journal(cartograph_crawl::host_journal(store.clone()));
    let lookup = fetcher.robots(allowed, interval).await;
    if !lookup.captures.is_empty() {
        let captures = lookup.captures.clone();
        let digest = config.digest.clone();
        let store = store.clone();
        let run_id = tokio::task::spawn_blocking(move || -> anyhow::Result<u64> {
            let mut run = store.begin_run(
                RunTrigger::Manual,
                &digest,
                Some("explain"),
                Vec::<String>::new(),
                Utc::now(),
            )?;
            for capture in captures {
                cartograph_crawl::store_capture(&store, run.id, capture)?;
            }
            run.state = RunState::Completed;
            run.finished_at = Some(Utc::now());
            store.put_run(&run)?;
            store.flush()?;
            Ok(run.id)
        })
        .await??;
        println!("robots.txt: read now (kept as evidence in run {run_id})");
    } else {
        let source = match lookup.source {
            RobotsSource::Cache => "from the store's robots cache (read within 24 h)",
            RobotsSource::Memory | RobotsSource::Fetched => "known",
        };
        println!("robots.txt: {source}");
    }
    for event in &lookup.events {
        println!("  {event}");
    }
    let verdict = lookup
        .policy
        .verdict(&config.crawler.user_agent, allowed.url());
    println!(
        "robots verdict: {} — {}",
        if verdict.is_allowed() && lookup.policy.is_available() {
            "allowed"
        } else {
            "not allowed"
        },
        verdict.reason()
    );
    let crawl_delay = lookup.policy.crawl_delay();
    let in_force = interval.max(
        crawl_delay
            .unwrap_or_default()
            .min(config.politeness.max_crawl_delay),
    );
    println!(
        "interval: {} (configured {}{})",
        humantime::format_duration(in_force),
        humantime::format_duration(interval),
        crawl_delay
            .map(|delay| format!(", Crawl-delay {}", humantime::format_duration(delay)))
            .unwrap_or_default()
    );
    let last_request = last_request_to(&store, &host).await?;
    match last_request {
        Some(last) => {
            let next = last + chrono::Duration::from_std(in_force).unwrap_or_default();
            let now = Utc::now();
            if next <= now {
                println!("next request to {host}: now (last one at {last})");
            } else {
                let wait = (next - now).to_std().unwrap_or(Duration::ZERO);
                println!(
                    "next request to {host}: at {next} (in {})",
                    humantime::format_duration(Duration::from_millis(wait.as_millis() as u64))
                );
            }
        }
        None => println!("next request to {host}: now (no request recorded)"),
    }
    Ok(if verdict.is_allowed() && lookup.policy.is_available() {
        exit::SUCCESS
    } else {
        exit::REFUSED
    })
}

/// When the last recorded request to `host` (`host:port`) ended.
async fn last_request_to(
    store: &Arc<Store>,
    host: &str,
) -> anyhow::Result<Option<chrono::DateTime<Utc>>> {
    let store = store.clone();
    let host = host.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut latest = None;
        for capture in store.captures() {
            let capture = capture?;
            let Ok(url) = Url::parse(&capture.url) else {
                continue;
            };
            if host_key(&url) != host {
                continue;
            }
            let ended =
                capture.fetched_at + chrono::Duration::milliseconds(capture.duration_ms as i64);
            if latest.is_none_or(|latest| ended > latest) {
                latest = Some(ended);
            }
        }
        Ok(latest)
    })
    .await?
}
