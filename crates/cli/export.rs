//! `cartograph export`: the selected captures as a signed WACZ evidence
//! package. Resolves the selection flags against the config, loads (or on
//! first use creates) the signing key named in `[evidence] signing_key`,
//! prints the public key, and reports the package's digest.

use std::path::Path;

use anyhow::Context;
use cartograph_evidence::{export, load_or_create_signing_key, public_key_text, ExportRequest};
use cartograph_store::{CaptureSelection, Store};
use chrono::{DateTime, NaiveDate, Utc};

use crate::check_config::load;
use crate::exit;

/// The selection flags as typed.
pub(crate) struct SelectionArgs {
    pub(crate) sites: Vec<String>,
    pub(crate) run: Option<u64>,
    pub(crate) since: Option<String>,
    pub(crate) until: Option<String>,
    pub(crate) url_prefix: Option<String>,
    pub(crate) case_label: Option<String>,
}

pub(crate) fn run(
    config_path: &Path,
    out: &Path,
    selection: SelectionArgs,
    operator: Option<String>,
) -> anyhow::Result<u8> {
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let selection = CaptureSelection {
        sites: selection.sites,
        run: selection.run,
        since: selection.since.as_deref().map(parse_time).transpose()?,
        until: selection.until.as_deref().map(parse_time).transpose()?,
        url_prefix: selection.url_prefix,
        case_label: selection.case_label,
    };
    let operator = operator
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    let key = load_or_create_signing_key(&config.evidence.signing_key)?;
    if key.created {
        eprintln!(
            "created signing key {} (mode 0600); keep it safe, packages are signed with it",
            key.path.display()
        );
    }
    crate::verify::require_store(&config.store.path)?;
    let store = Store::open(&config.store.path).with_context(|| {
        format!(
            "failed to open the store at {}",
            config.store.path.display()
        )
    })?;
    let report = export(
        &store,
        &ExportRequest {
            selection,
            operator,
            output: out.to_path_buf(),
            signing_key: &key.key,
            user_agent: Some(config.user_agent_header()),
            robots_product_token: Some(config.crawler.user_agent.clone()),
        },
    )?;
    println!(
        "wrote {} ({} captures, {} WARC records, {} bytes)",
        report.output.display(),
        report.captures,
        report.warc_records,
        report.bytes
    );
    println!("sha256 {}", report.sha256);
    println!("public key {}", public_key_text(&key.key.verifying_key()));
    println!("custody entry {}", report.custody_entry.seq);
    Ok(exit::SUCCESS)
}

/// RFC 3339 (`2026-11-28T12:00:00Z`) or a date (`2026-11-28`, midnight UTC).
pub(crate) fn parse_time(text: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date
            .and_hms_opt(0, 0, 0)
            .context("midnight exists")?
            .and_utc());
    }
    anyhow::bail!(
        "'{text}' is not a time: write an RFC 3339 time such as 2026-11-28T12:00:00Z or a date such as 2026-11-28"
    )
}
