//! `cartograph export`: the selected captures as a signed WACZ evidence
//! package. Resolves the selection flags against the config, loads (or on
//! first use creates) the signing key named in `[evidence] signing_key`,
//! prints the public key, and reports the package's digest.

use std::path::{Path, PathBuf};

use anyhow::Context;
use cartograph_config::Config;
use cartograph_evidence::{export, load_or_create_signing_key, public_key_text, ExportRequest};
use cartograph_store::{CaptureSelection, Store};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::check_config::load;
use crate::exit;
use crate::reads::{read, ReadOutput, ReadRequest};

/// The selection flags as typed.
pub(crate) struct SelectionArgs {
    pub(crate) sites: Vec<String>,
    pub(crate) run: Option<u64>,
    pub(crate) since: Option<String>,
    pub(crate) until: Option<String>,
    pub(crate) url_prefix: Option<String>,
    pub(crate) case_label: Option<String>,
}

/// An export as it travels to whoever holds the store (this process, or a
/// running crawl over the read socket): everything resolved, the output
/// path absolute.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ExportArgs {
    sites: Vec<String>,
    run: Option<u64>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    url_prefix: Option<String>,
    case_label: Option<String>,
    operator: String,
    out: PathBuf,
}

impl ExportArgs {
    /// Every capture in the store, by `operator`, to `out` (absolute).
    pub(crate) fn everything(operator: &str, out: PathBuf) -> ExportArgs {
        ExportArgs {
            sites: Vec::new(),
            run: None,
            since: None,
            until: None,
            url_prefix: None,
            case_label: None,
            operator: operator.to_owned(),
            out,
        }
    }
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
    let operator = operator
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    let args = ExportArgs {
        sites: selection.sites,
        run: selection.run,
        since: selection.since.as_deref().map(parse_time).transpose()?,
        until: selection.until.as_deref().map(parse_time).transpose()?,
        url_prefix: selection.url_prefix,
        case_label: selection.case_label,
        operator,
        out: std::path::absolute(out)
            .with_context(|| format!("cannot resolve output path {}", out.display()))?,
    };
    crate::verify::require_store(&config.store.path)?;
    let request = ReadRequest::new("export", &args);
    Ok(read(&config, &request)?.print())
}

/// `export` against an open store (in this process or in the writer).
pub(crate) fn render(
    store: &Store,
    config: &Config,
    args: &ExportArgs,
) -> anyhow::Result<ReadOutput> {
    let mut stderr = String::new();
    let key = load_or_create_signing_key(&config.evidence.signing_key)?;
    if key.created {
        stderr.push_str(&format!(
            "created signing key {} (mode 0600); keep it safe, packages are signed with it\n",
            key.path.display()
        ));
    }
    let report = export(
        store,
        &ExportRequest {
            selection: CaptureSelection {
                sites: args.sites.clone(),
                run: args.run,
                since: args.since,
                until: args.until,
                url_prefix: args.url_prefix.clone(),
                case_label: args.case_label.clone(),
            },
            operator: args.operator.clone(),
            output: args.out.clone(),
            signing_key: &key.key,
            user_agent: Some(config.user_agent_header()),
            robots_product_token: Some(config.crawler.user_agent.clone()),
        },
    )?;
    let stdout = format!(
        "wrote {} ({} captures, {} WARC records, {} bytes)\nsha256 {}\npublic key {}\ncustody entry {}\n",
        report.output.display(),
        report.captures,
        report.warc_records,
        report.bytes,
        report.sha256,
        public_key_text(&key.key.verifying_key()),
        report.custody_entry.seq
    );
    Ok(ReadOutput {
        stdout,
        stderr,
        exit_code: exit::SUCCESS,
    })
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
