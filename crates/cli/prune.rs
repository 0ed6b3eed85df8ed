//! `cartograph prune`: retention. Removes captures fetched longer ago than
//! `--older-than` (default `[evidence] retention`) and the blobs no capture
//! names any more; the prune itself is recorded in the custody log.

use std::path::Path;

use anyhow::Context;
use cartograph_store::Store;

use crate::check_config::load;
use crate::exit;

pub(crate) fn run(config_path: &Path, older_than: Option<&str>) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let (written, duration) = match (older_than, config.evidence.retention) {
        (Some(text), _) => (
            text.to_owned(),
            humantime::parse_duration(text).with_context(|| {
                format!("'{text}' is not a duration: write e.g. 365d, 90days or 12weeks")
            })?,
        ),
        (None, Some(retention)) => (humantime::format_duration(retention).to_string(), retention),
        (None, None) => anyhow::bail!(
            "no retention given: pass --older-than DURATION or set [evidence] retention in {}",
            config_path.display()
        ),
    };
    let cutoff = chrono::Utc::now()
        - chrono::Duration::from_std(duration).context("the duration is too long")?;
    crate::verify::require_store(&config.store.path)?;
    let store = Store::open(&config.store.path).with_context(|| {
        format!(
            "failed to open the store at {}",
            config.store.path.display()
        )
    })?;
    let report = store.prune(&written, cutoff)?;
    println!(
        "pruned {} captures and {} blobs fetched before {} (older than {written}); custody entry {}",
        report.captures_removed,
        report.blobs_removed,
        report.cutoff.to_rfc3339(),
        report.entry.seq
    );
    Ok(exit::SUCCESS)
}
