//! `cartograph indicators`: the latest run's indicators per site, as a
//! table or as JSON. The JSON keys are a contract: later versions add keys,
//! never rename them.

use std::path::Path;

use anyhow::Context;
use cartograph_store::{SiteIndicatorsRecord, Store};
use serde::Serialize;

use crate::args::Format;
use crate::check_config::load;
use crate::exit;

/// One site's row of `indicators --format json`.
#[derive(Debug, Serialize)]
pub(crate) struct IndicatorRow {
    pub(crate) site: String,
    pub(crate) run: u64,
    pub(crate) pages_fetched: u64,
    pub(crate) ads_seen: usize,
    pub(crate) ad_cards: usize,
    pub(crate) extractor_version: String,
    pub(crate) captures: usize,
}

impl IndicatorRow {
    pub(crate) fn from_record(record: &SiteIndicatorsRecord) -> IndicatorRow {
        IndicatorRow {
            site: record.site_id.clone(),
            run: record.run_id,
            pages_fetched: record.pages_fetched,
            ads_seen: record.indicators.ads_seen,
            ad_cards: record.indicators.ad_cards,
            extractor_version: record.extractor_version.clone(),
            captures: record.capture_ids.len(),
        }
    }
}

pub(crate) fn run(config_path: &Path, format: Format) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let store = Store::open(&config.store.path).with_context(|| {
        format!(
            "failed to open the store at {}",
            config.store.path.display()
        )
    })?;
    let rows: Vec<IndicatorRow> = store
        .latest_site_indicators()?
        .iter()
        .map(IndicatorRow::from_record)
        .collect();
    print_rows(&rows, format)?;
    Ok(exit::SUCCESS)
}

pub(crate) fn print_rows(rows: &[IndicatorRow], format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(rows)?),
        Format::Table => {
            println!(
                "{:<28} {:>5} {:>7} {:>8} {:>8}",
                "site", "run", "pages", "ads", "cards"
            );
            for row in rows {
                println!(
                    "{:<28} {:>5} {:>7} {:>8} {:>8}",
                    row.site, row.run, row.pages_fetched, row.ads_seen, row.ad_cards
                );
            }
        }
    }
    Ok(())
}
