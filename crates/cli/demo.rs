//! `cartograph demo`: no config, no network. Starts the synthetic farm on a
//! free loopback port, writes a config for it in a fresh directory, crawls
//! it with a short interval, and prints the per-site table next to the
//! farm's ground truth, exports the evidence as a signed WACZ package, and
//! says where the store, config and package were left.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use cartograph_crawl::CrawlPlan;
use cartograph_farm::{ConfigOptions, Farm, FarmSpec};
use cartograph_store::{RunTrigger, Store};

use crate::check_config::{load, today};
use crate::crawl::{run_plan, state_word, status_word};
use crate::{exit, export};

/// The demo farm: a handful of sites, fixed seed, so every demo is alike.
const DEMO_SPEC: FarmSpec = FarmSpec {
    seed: 2026,
    sites: 8,
    day: 0,
};

/// Fast enough for a demo, still one request at a time per host.
const DEMO_INTERVAL: Duration = Duration::from_millis(50);

pub(crate) async fn run() -> anyhow::Result<u8> {
    let farm = Arc::new(Farm::new(DEMO_SPEC));
    let running = cartograph_farm::spawn(farm.clone())
        .await
        .context("failed to start the synthetic farm on loopback")?;
    let directory = tempfile::Builder::new()
        .prefix("cartograph-demo-")
        .tempdir()
        .context("failed to create the demo directory")?
        .keep();
    let config_path = directory.join("cartograph.toml");
    let config_text = farm.crawler_config(
        running.address,
        &ConfigOptions {
            min_interval: DEMO_INTERVAL,
            store_path: "data".to_owned(),
            user_agent: "cartograph".to_owned(),
            contact: "mailto:demo@example.org".to_owned(),
        },
    );
    std::fs::write(&config_path, config_text)
        .with_context(|| format!("failed to write {}", config_path.display()))?;
    let Some(config) = load(&config_path)? else {
        anyhow::bail!(
            "the farm wrote a config that does not validate: {}",
            config_path.display()
        );
    };
    let store_path = config.store.path.clone();
    eprintln!(
        "demo: farm of {} sites on {}, crawling at one request per {:?} per host",
        farm.sites().len(),
        running.address,
        DEMO_INTERVAL
    );
    let (plan, _) = CrawlPlan::sites(&config, &[], RunTrigger::Manual, None, today());
    let config_for_export = config.clone();
    let report = run_plan(config, plan).await?;
    running
        .shutdown()
        .await
        .context("failed to stop the synthetic farm")?;

    println!("run {} {}", report.run_id, state_word(report.state));
    println!(
        "{:<24} {:<18} {:>8} {:>7} {:>5} {:>11}",
        "site", "category", "status", "pages", "ads", "farm truth"
    );
    for site in &report.sites {
        let farm_site = farm
            .sites()
            .iter()
            .find(|candidate| candidate.id == site.site_id);
        let truth = farm
            .truth()
            .sites
            .iter()
            .find(|truth| truth.site_id == site.site_id)
            .map(|truth| truth.ads_total.to_string())
            .unwrap_or_default();
        println!(
            "{:<24} {:<18} {:>8} {:>7} {:>5} {:>11}",
            site.site_id,
            farm_site.map(|site| site.category.as_str()).unwrap_or(""),
            status_word(site.status),
            site.pages_fetched,
            site.ads_seen,
            truth
        );
    }
    // The evidence of the demo crawl, as an investigator would export it.
    let store = Store::open(&store_path)?;
    let captures = store.captures().count();
    let package = directory.join("demo.wacz");
    let exported = export::render(
        &store,
        &config_for_export,
        &export::ExportArgs::everything("demo", package.clone()),
    )?;
    crate::notice::say(&exported.stderr);
    println!("store: {} ({captures} captures)", store_path.display());
    println!(
        "evidence: {} ({})",
        package.display(),
        exported
            .stdout
            .lines()
            .find(|line| line.starts_with("sha256 "))
            .unwrap_or("sha256 unknown")
    );
    println!("config: {}", config_path.display());
    println!(
        "next: cartograph indicators --config {0}\n      cartograph verify {1}",
        config_path.display(),
        package.display()
    );
    Ok(exit::SUCCESS)
}
