//! `cartograph report mapping|connections|html`: reads the store named by
//! the config (never the network), builds the report's data once and writes
//! the one file asked for. Notes about pages that could not be read back go
//! to stderr; a one-line summary of what was written goes to stdout.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use cartograph_report::{
    build_graph, html_report, mapping_sheet, movement, report_data_from_store, write_atomically,
    write_connections, write_mapping_sheet, ConnectionsFormat, ReportData, ReportScope,
    SheetFormat, StoreReadOptions,
};
use cartograph_store::Store;

use crate::args::{ReportArgs, ReportCommand};
use crate::check_config::load;
use crate::exit;

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

pub(crate) fn run(command: ReportCommand) -> anyhow::Result<u8> {
    let (options, out) = match &command {
        ReportCommand::Mapping { options, out }
        | ReportCommand::Connections { options, out }
        | ReportCommand::Html { options, out } => (options, out),
    };
    let Some(data) = read(options)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    let graph = build_graph(&data);
    let movement = movement(&data);
    match &command {
        ReportCommand::Mapping { .. } => {
            // Invariant: clap's `sheet_path` accepted the extension.
            let format = SheetFormat::from_path(out).expect("checked by clap");
            let sheet = mapping_sheet(&data, &graph, &movement);
            write_mapping_sheet(&data, &sheet, format, out)?;
            println!(
                "wrote the mapping sheet {}: {} site(s), {} crawled, {} run(s) read",
                out.display(),
                data.sites.len(),
                crawled(&data),
                data.runs.len()
            );
        }
        ReportCommand::Connections { .. } => {
            // Invariant: clap's `graph_path` accepted the extension.
            let format = ConnectionsFormat::from_path(out).expect("checked by clap");
            write_connections(&data, &graph, &movement, format, out)?;
            println!(
                "wrote the connections {}: {} site(s), {} edge(s), {} same-operator pair(s)",
                out.display(),
                graph.nodes.len(),
                graph.edges.len(),
                graph.same_operator.len()
            );
        }
        ReportCommand::Html { .. } => {
            write_atomically(out, html_report(&data, &graph, &movement).as_bytes())?;
            println!(
                "wrote the report {}: {} site(s), {} edge(s), {} run(s) read",
                out.display(),
                data.sites.len(),
                graph.edges.len(),
                data.runs.len()
            );
        }
    }
    Ok(exit::SUCCESS)
}

fn crawled(data: &ReportData) -> usize {
    data.sites
        .iter()
        .filter(|site| site.run_id.is_some())
        .count()
}

/// The report's data from the config's store; `None` when the config is
/// invalid (its problems printed).
fn read(options: &ReportArgs) -> anyhow::Result<Option<ReportData>> {
    let Some(config) = load(&options.config.path)? else {
        return Ok(None);
    };
    let store_path: &Path = &config.store.path;
    if !store_path.join("db").exists() {
        bail!(
            "there is no store at {} yet: crawl first (cartograph crawl)",
            store_path.display()
        );
    }
    let store = Store::open(store_path)
        .with_context(|| format!("failed to open the store at {}", store_path.display()))?;
    let read_options = StoreReadOptions {
        scope: options.run.map_or(ReportScope::Latest, ReportScope::Run),
        evidence_runs: usize::try_from(options.evidence_runs).unwrap_or(usize::MAX),
        max_decoded_bytes: config.network.max_decompressed_bytes,
        generated_at: chrono::Utc::now(),
    };
    let (data, notes) = report_data_from_store(&store, &config.sites, &read_options)?;
    for note in notes {
        eprintln!("note: {note}");
    }
    Ok(Some(data))
}
