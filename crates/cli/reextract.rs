//! `cartograph reextract [--run ID]`: the indicators derived again from
//! the stored captures with the lexicons and linkage key the config names
//! now (after an analyst edited a lexicon, or a new extractor), without a
//! single request. Needs the store to itself, like a crawl: a running
//! daemon or crawl is named and the command exits 7.

use std::path::Path;

use anyhow::Context;
use cartograph_crawl::reextract::reextract;
use cartograph_crawl::ExtractionSetup;
use cartograph_store::{Store, StoreError};

use crate::check_config::load;
use crate::{exit, notice};

pub(crate) fn run(config_path: &Path, run: Option<u64>) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let setup = ExtractionSetup::load(&config.extract)?;
    crate::verify::require_store(&config.store.path)?;
    let store = match Store::open(&config.store.path) {
        Ok(store) => store,
        Err(error @ StoreError::Locked { .. }) => {
            notice::error(&format!(
                "{error}; reextract when it has ended (or stop it)"
            ));
            return Ok(exit::BUSY);
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
    let runs: Vec<u64> = run.into_iter().collect();
    if let Some(run_id) = run {
        if store.run(run_id)?.is_none() {
            notice::error(&format!(
                "no run {run_id} in the store; `cartograph status` lists the runs"
            ));
            return Ok(exit::FAILURE);
        }
    }
    let done = reextract(&store, &config, &setup, &runs, chrono::Utc::now())?;
    println!(
        "lexicons {} ({}), extractor {}",
        setup.lexicon_version,
        setup.lexicon_source,
        cartograph_extract::EXTRACTOR_VERSION
    );
    for run in &done {
        println!(
            "run {}: {} page(s) extracted again from their captures, {} site(s) derived again",
            run.run_id,
            run.pages,
            run.sites.len()
        );
        for (site, (before, after)) in &run.sites {
            println!("  {site:<28} ads seen {before:>6} -> {after:>6}");
        }
        for skipped in &run.skipped {
            println!("  kept: {skipped}");
        }
    }
    if done.is_empty() {
        println!("no run in the store yet; nothing to derive");
    }
    Ok(exit::SUCCESS)
}
