//! `cartograph bench quality`: the extractor's quality as a crawl of the
//! synthetic farm sees it. Starts the farm on loopback, writes a config
//! for it WITHOUT profiles (sites nobody wrote selectors for), crawls it
//! as `crawl` does, checks the crawl against the farm's own politeness
//! audit, reads the page and site rows back from the store and compares
//! them with the farm's truth (`cartograph-quality`): per template the
//! ad-count error, dates on the right day, prices, places, languages,
//! reposts and categories, and contact linkage precision and recall across
//! all sites. Prints the table BENCHMARKS.md keeps, then each of the
//! issue's bars with PASS or FAIL; exits 1 when a bar is missed.
//!
//! The farm lives on a simulated day (January 2025) and dates its ads from
//! that day's clock, so the crawl stamps its captures in the farm's time
//! ([`FarmClock`]: the real clock shifted to the farm's "now" when the
//! crawl starts), as if it ran on that day; pacing uses the real monotonic
//! clock as always.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use cartograph_crawl::CrawlPlan;
use cartograph_farm::{ConfigOptions, Farm, FarmSpec};
use cartograph_fetch::SystemClock;
use cartograph_quality::{evaluate, render, ExtractedPage, ExtractedSite, QualityReport};
use cartograph_store::{RunTrigger, Store};
use url::Url;

use crate::check_config::{load, today};
use crate::crawl::run_plan_with_clock;
use crate::exit;

pub(crate) async fn quality(
    seed: u64,
    sites: usize,
    day: u32,
    interval: &str,
) -> anyhow::Result<u8> {
    let interval = humantime::parse_duration(interval)
        .with_context(|| format!("'{interval}' is not a duration: write e.g. 20ms or 1s"))?;
    let farm = Arc::new(Farm::new(FarmSpec { seed, sites, day }));
    let running = cartograph_farm::spawn(farm.clone())
        .await
        .context("failed to start the synthetic farm on loopback")?;
    let directory = tempfile::Builder::new()
        .prefix("cartograph-bench-quality-")
        .tempdir()
        .context("failed to create the benchmark directory")?;
    let config_path = directory.path().join("cartograph.toml");
    let config_text = farm.crawler_config_without_profiles(
        running.address,
        &ConfigOptions {
            min_interval: interval,
            store_path: "data".to_owned(),
            user_agent: "cartograph".to_owned(),
            contact: "mailto:bench@example.org".to_owned(),
        },
    );
    std::fs::write(&config_path, config_text)
        .with_context(|| format!("failed to write {}", config_path.display()))?;
    let Some(config) = load(&config_path)? else {
        anyhow::bail!("the farm wrote a config that does not validate");
    };
    let store_path = config.store.path.clone();
    eprintln!(
        "bench quality: farm seed {seed}, {sites} site(s), day {day}, on {}; crawling without profiles at one request per {interval:?} per host",
        running.address
    );
    let (plan, _) = CrawlPlan::sites(&config, &[], RunTrigger::Manual, None, today());
    let started = Instant::now();
    let clock = Arc::new(FarmClock {
        offset: farm.truth().now.and_utc() - chrono::Utc::now(),
    });
    let report = run_plan_with_clock(config, plan, clock).await?;
    let crawl_time = started.elapsed();
    running
        .shutdown()
        .await
        .context("failed to stop the synthetic farm")?;

    // The farm's own record of every request decides whether the crawl was
    // polite; a benchmark that broke a rule measured nothing worth keeping.
    let violations = farm
        .audit_report(&farm.audit_expectations("cartograph", interval))
        .violations();
    let requests = farm.audit().len();

    let store = Store::open(&store_path)?;
    let extracted = extracted_sites(&store, report.run_id)?;
    let started = Instant::now();
    let quality = evaluate(&farm, &extracted);
    let evaluation_time = started.elapsed();

    println!("{}", render(&quality));
    for problem in &quality.problems {
        eprintln!("bench quality: {problem}");
    }
    println!(
        "crawl: run {}, {requests} requests in {:.1} s; evaluation {:.0} ms",
        report.run_id,
        crawl_time.as_secs_f64(),
        evaluation_time.as_secs_f64() * 1000.0
    );
    if violations.is_empty() {
        println!("politeness (farm audit): PASS, no violation in {requests} requests");
    } else {
        println!("politeness (farm audit): FAIL");
        for violation in &violations {
            println!("  {violation}");
        }
    }
    let bars = bars(&quality);
    let mut all_met = violations.is_empty();
    for (bar, met) in &bars {
        println!("{} {bar}", if *met { "PASS" } else { "FAIL" });
        all_met &= met;
    }
    Ok(if all_met {
        exit::SUCCESS
    } else {
        exit::FAILURE
    })
}

/// The real clock with its wall time moved to the farm's day.
struct FarmClock {
    offset: chrono::TimeDelta,
}

impl cartograph_fetch::Clock for FarmClock {
    fn now(&self) -> tokio::time::Instant {
        SystemClock.now()
    }

    fn utc_now(&self) -> chrono::DateTime<chrono::Utc> {
        SystemClock.utc_now() + self.offset
    }

    fn sleep_until(
        &self,
        deadline: tokio::time::Instant,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        SystemClock.sleep_until(deadline)
    }
}

/// The page and site rows of run `run_id`, per site, as the evaluation
/// takes them.
fn extracted_sites(store: &Store, run_id: u64) -> anyhow::Result<Vec<ExtractedSite>> {
    let mut pages: BTreeMap<String, Vec<ExtractedPage>> = BTreeMap::new();
    for row in store.page_indicators(run_id)? {
        let url = Url::parse(&row.url).with_context(|| format!("stored URL {}", row.url))?;
        let url_path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let bytes = store
            .capture(row.capture_id)?
            .and_then(|capture| capture.response)
            .and_then(|response| response.body)
            .map_or(0, |body| body.length as usize);
        pages.entry(row.site_id).or_default().push(ExtractedPage {
            url_path,
            bytes,
            indicators: row.indicators,
        });
    }
    let mut sites = Vec::new();
    for row in store.latest_site_indicators()? {
        if row.run_id != run_id {
            continue;
        }
        sites.push(ExtractedSite {
            pages: pages.remove(&row.site_id).unwrap_or_default(),
            site_id: row.site_id,
            indicators: row.indicators,
        });
    }
    Ok(sites)
}

/// Issue 6's bars, worded with the figure measured.
fn bars(report: &QualityReport) -> Vec<(String, bool)> {
    let mut bars = Vec::new();
    for (template, tally) in &report.templates {
        bars.push((
            format!(
                "ad-count error ≤ 5 % on {template}: {:.2} %",
                100.0 * tally.count_error()
            ),
            tally.count_error() <= 0.05,
        ));
    }
    let overall = &report.overall;
    bars.push((
        format!(
            "dated cards with a date within the right day ≥ 95 %: {:.1} % ({}/{})",
            100.0 * overall.dates_right(),
            overall.dated_right_day,
            overall.dated_cards
        ),
        overall.dates_right() >= 0.95,
    ));
    bars.push((
        format!(
            "language right on ≥ 98 % of sites: {:.1} % ({}/{})",
            100.0 * overall.site_language_share(),
            overall.sites_language_right,
            overall.sites
        ),
        overall.site_language_share() >= 0.98,
    ));
    bars.push((
        format!(
            "contact linkage precision 1.0: {:.4}",
            report.linkage.precision()
        ),
        report.linkage.found_true_pairs == report.linkage.found_pairs,
    ));
    bars.push((
        format!(
            "contact linkage recall ≥ 0.95: {:.4}",
            report.linkage.recall()
        ),
        report.linkage.recall() >= 0.95,
    ));
    bars.push((
        format!(
            "reposts de-duplicated ≥ 90 %: {:.1} % ({}/{})",
            100.0 * overall.repost_rate(),
            overall.repost_pairs_merged,
            overall.repost_pairs
        ),
        overall.repost_rate() >= 0.90,
    ));
    bars
}
