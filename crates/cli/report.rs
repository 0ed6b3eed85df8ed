//! `cartograph report mapping|connections|html`: reads the store named by
//! the config (never the network), builds the report's data once and writes
//! the one file asked for. Like the other reads, it opens the store itself
//! or, while a crawl holds it, has the crawling process run it (`reads.rs`),
//! so the output path is made absolute first. Notes about pages that could
//! not be read back go to stderr; a one-line summary of what was written
//! goes to stdout.

use std::path::{Path, PathBuf};

use anyhow::Context;
use cartograph_config::Config;
use cartograph_report::{
    build_graph, html_report, mapping_sheet, movement, report_data_from_store, write_atomically,
    write_connections, write_mapping_sheet, ConnectionsFormat, ReportData, ReportScope,
    SheetFormat, StoreReadOptions,
};
use cartograph_store::Store;
use serde::{Deserialize, Serialize};

use crate::args::{ReportArgs, ReportCommand};
use crate::check_config::load;
use crate::exit;
use crate::reads::{read, ReadOutput, ReadRequest};

/// clap's check of `report mapping --out`.
pub(crate) fn sheet_path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    SheetFormat::from_path(&path)
        .map(|_| path)
        .ok_or_else(|| "the mapping sheet is written as .xlsx, .csv or .json".to_owned())
}

/// clap's check of `report connections --out`.
pub(crate) fn graph_path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    ConnectionsFormat::from_path(&path)
        .map(|_| path)
        .ok_or_else(|| "the connections are written as .json, .graphml or .dot".to_owned())
}

/// clap's check of `report html --out`.
pub(crate) fn html_path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    let is_html = path
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            extension.eq_ignore_ascii_case("html") || extension.eq_ignore_ascii_case("htm")
        });
    if is_html {
        Ok(path)
    } else {
        Err("the report is written as .html".to_owned())
    }
}

/// Which report, as sent to a writer that serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ReportKind {
    Mapping,
    Connections,
    Html,
}

/// The arguments of a report read (serialized for the writer's socket).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ReportReadArgs {
    pub(crate) kind: ReportKind,
    /// Absolute, so a writer with another working directory writes the
    /// same file.
    pub(crate) out: PathBuf,
    pub(crate) run: Option<u64>,
    pub(crate) evidence_runs: u64,
}

pub(crate) fn run(command: ReportCommand) -> anyhow::Result<u8> {
    let (kind, options, out) = match &command {
        ReportCommand::Mapping { options, out } => (ReportKind::Mapping, options, out),
        ReportCommand::Connections { options, out } => (ReportKind::Connections, options, out),
        ReportCommand::Html { options, out } => (ReportKind::Html, options, out),
    };
    let ReportArgs {
        config,
        run,
        evidence_runs,
    } = options;
    let Some(config) = load(&config.path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let args = ReportReadArgs {
        kind,
        out: std::path::absolute(out)
            .with_context(|| format!("cannot resolve output path {}", out.display()))?,
        run: *run,
        evidence_runs: *evidence_runs,
    };
    crate::verify::require_store(&config.store.path)?;
    let request = ReadRequest::new("report", &args);
    Ok(read(&config, &request)?.print())
}

/// Builds and writes one report against an open store (in this process or
/// in the writer).
pub(crate) fn render(
    store: &Store,
    config: &Config,
    args: &ReportReadArgs,
) -> anyhow::Result<ReadOutput> {
    let read_options = StoreReadOptions {
        scope: args.run.map_or(ReportScope::Latest, ReportScope::Run),
        evidence_runs: usize::try_from(args.evidence_runs).unwrap_or(usize::MAX),
        max_decoded_bytes: config.network.max_decompressed_bytes,
        generated_at: chrono::Utc::now(),
    };
    let (data, notes) = report_data_from_store(store, &config.sites, &read_options)
        .context("failed to read the store for the report")?;
    let mut stderr = String::new();
    for note in notes {
        stderr.push_str(&format!("note: {note}\n"));
    }
    let stdout = write_report(&data, args.kind, &args.out)?;
    Ok(ReadOutput {
        stdout,
        stderr,
        exit_code: exit::SUCCESS,
    })
}

/// Writes the report of `kind` to `out`; returns the summary line.
fn write_report(data: &ReportData, kind: ReportKind, out: &Path) -> anyhow::Result<String> {
    let graph = build_graph(data);
    let movement = movement(data);
    let summary = match kind {
        ReportKind::Mapping => {
            let format = SheetFormat::from_path(out)
                .context("the mapping sheet is written as .xlsx, .csv or .json")?;
            let sheet = mapping_sheet(data, &graph, &movement);
            write_mapping_sheet(data, &sheet, format, out)?;
            format!(
                "wrote the mapping sheet {}: {} site(s), {} crawled, {} run(s) read\n",
                out.display(),
                data.sites.len(),
                data.sites
                    .iter()
                    .filter(|site| site.run_id.is_some())
                    .count(),
                data.runs.len()
            )
        }
        ReportKind::Connections => {
            let format = ConnectionsFormat::from_path(out)
                .context("the connections are written as .json, .graphml or .dot")?;
            write_connections(data, &graph, &movement, format, out)?;
            format!(
                "wrote the connections {}: {} site(s), {} edge(s), {} same-operator pair(s)\n",
                out.display(),
                graph.nodes.len(),
                graph.edges.len(),
                graph.same_operator.len()
            )
        }
        ReportKind::Html => {
            write_atomically(out, html_report(data, &graph, &movement).as_bytes())?;
            format!(
                "wrote the report {}: {} site(s), {} edge(s), {} run(s) read\n",
                out.display(),
                data.sites.len(),
                graph.edges.len(),
                data.runs.len()
            )
        }
    };
    Ok(summary)
}
