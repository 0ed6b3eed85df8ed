//! The command line, as clap sees it. Flags only: what they mean once
//! resolved against the config lives with each command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit;

/// Polite, evidence-keeping crawler that maps websites advertising
/// commercial sex, for counter-trafficking investigators.
#[derive(Debug, Parser)]
#[command(name = "cartograph", version, about, after_help = exit::HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// How log lines on stderr look: text for people, json (one object per
    /// line) for a unit's log stack.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
}

/// Format of the log lines on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Start the synthetic farm on loopback, crawl it, print the indicators
    /// (no config, no network).
    Demo,
    /// Crawl every whitelisted site, or the named ones.
    Crawl {
        #[command(flatten)]
        config: ConfigArg,
        /// Crawl only this site (repeatable).
        #[arg(long = "site", value_name = "ID")]
        sites: Vec<String>,
        /// Tag the run with the case it is for.
        #[arg(long = "case", value_name = "LABEL")]
        case_label: Option<String>,
    },
    /// Crawl on demand from a seeds file: one site id or listing URL per line.
    Recrawl {
        #[command(flatten)]
        config: ConfigArg,
        /// The seeds file.
        #[arg(long, value_name = "FILE")]
        seeds: PathBuf,
        /// Tag the run with the case it is for.
        #[arg(long = "case", value_name = "LABEL")]
        case_label: Option<String>,
    },
    /// Print the latest run's indicators per site, or one site's history.
    Indicators {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Only this site.
        #[arg(long = "site", value_name = "ID")]
        site: Option<String>,
        /// Across runs: ads first and last seen, new and disappeared ads,
        /// new ads per day, and every indicator's trend (needs --site).
        #[arg(long, requires = "site")]
        history: bool,
        /// How many of the latest runs --history shows.
        #[arg(long, value_name = "N", default_value_t = 10)]
        runs: usize,
    },
    /// Run scheduled crawls (per-site and group cron schedules) until
    /// SIGTERM or SIGINT; resumes interrupted runs first.
    Daemon {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Runs, per-site last success and failures, and the next scheduled time.
    Status {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// How many of the latest runs to list.
        #[arg(long, value_name = "N", default_value_t = 10)]
        runs: usize,
    },
    /// Explain whether a URL would be fetched: its site, scope, the
    /// robots.txt rule that decides it, and when its host may next be asked.
    Explain {
        /// The URL to explain.
        url: String,
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Check the config and report every problem at once.
    CheckConfig {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Write the selected captures as a signed WACZ evidence package.
    Export {
        #[command(flatten)]
        config: ConfigArg,
        /// The package to write (`.wacz`).
        #[arg(long, value_name = "FILE.wacz")]
        out: PathBuf,
        /// Only captures of this site (repeatable).
        #[arg(long = "site", value_name = "ID")]
        sites: Vec<String>,
        /// Only captures of this run.
        #[arg(long, value_name = "ID")]
        run: Option<u64>,
        /// Only captures fetched at or after this time (RFC 3339, or a UTC date).
        #[arg(long, value_name = "T")]
        since: Option<String>,
        /// Only captures fetched before this time (RFC 3339, or a UTC date).
        #[arg(long, value_name = "T")]
        until: Option<String>,
        /// Only captures whose URL starts with this text.
        #[arg(long, value_name = "P")]
        url_prefix: Option<String>,
        /// Only captures made for this case.
        #[arg(long = "case", value_name = "LABEL")]
        case_label: Option<String>,
        /// Who makes the export (default: the login name).
        #[arg(long, value_name = "NAME")]
        operator: Option<String>,
    },
    /// Check an evidence package offline, or with --store the whole store.
    Verify {
        /// The package to check.
        #[arg(
            value_name = "FILE.wacz",
            required_unless_present = "store",
            conflicts_with = "store"
        )]
        package: Option<PathBuf>,
        /// The signer's public key (`ed25519:BASE64`, or a file holding it).
        #[arg(long, value_name = "KEY", conflicts_with = "store")]
        pubkey: Option<String>,
        /// Re-hash every blob and walk the whole custody chain of the store.
        #[arg(long)]
        store: bool,
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Remove captures past retention and the blobs no longer referenced.
    Prune {
        #[command(flatten)]
        config: ConfigArg,
        /// Remove captures fetched longer ago than this (`365d`); default:
        /// `[evidence] retention` of the config.
        #[arg(long, value_name = "DURATION")]
        older_than: Option<String>,
    },
    /// Derive the indicators again from the stored captures (after a
    /// lexicon or extractor change), fetching nothing.
    Reextract {
        #[command(flatten)]
        config: ConfigArg,
        /// Only this run (default: every run).
        #[arg(long, value_name = "ID")]
        run: Option<u64>,
    },
    /// Write what analysts hand on: the OSCE mapping sheet, the connections
    /// between sites, or the self-contained HTML report (reads the store
    /// only; never the network).
    Report {
        #[command(subcommand)]
        report: ReportCommand,
    },
    /// Measure cartograph on the synthetic farm (loopback only).
    Bench {
        #[command(subcommand)]
        bench: BenchCommand,
    },
    /// Serve the synthetic farm for manual exploration and benchmarks.
    Farm {
        /// Number of synthetic sites (1–10000).
        #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        sites: u64,
        /// Seed of the synthetic web; the same seed serves the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Loopback port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Simulated day.
        #[arg(long, default_value_t = 0)]
        day: u32,
        /// Write a crawler config for the farm to this file.
        #[arg(long, value_name = "PATH")]
        write_config: Option<PathBuf>,
        /// Write the farm's ground truth (per site, page and ad) as JSON to this file.
        #[arg(long, value_name = "FILE")]
        truth: Option<PathBuf>,
    },
}

/// What `bench` measures.
#[derive(Debug, Subcommand)]
pub(crate) enum BenchCommand {
    /// Crawl the farm with no profiles and print, per indicator, the error
    /// or precision/recall against its ground truth, with the bars
    /// (exit 1 when one is missed).
    Quality {
        /// Seed of the synthetic web.
        #[arg(long, default_value_t = 20_251_128)]
        seed: u64,
        /// Number of farm sites (8 templates take turns: 40 is every
        /// template five times).
        #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u64).range(1..=2_000))]
        sites: u64,
        /// Simulated day.
        #[arg(long, default_value_t = 3)]
        day: u32,
        /// Per-host interval of the crawl (humantime).
        #[arg(long, default_value = "20ms")]
        interval: String,
    },
}

/// Where the config file is.
#[derive(Debug, Args)]
pub(crate) struct ConfigArg {
    /// The config file.
    #[arg(
        long = "config",
        value_name = "PATH",
        default_value = "config/cartograph.toml"
    )]
    pub(crate) path: PathBuf,
}

/// Output format of data commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

/// The reports of `cartograph report`.
#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// The OSCE mapping sheet: one row per whitelisted site, fields a–n
    /// (`.xlsx`, `.csv` or `.json`, by the extension of --out).
    Mapping {
        #[command(flatten)]
        options: ReportArgs,
        /// The sheet to write.
        #[arg(long, value_name = "FILE.{xlsx,csv,json}", value_parser = crate::report::sheet_path)]
        out: PathBuf,
    },
    /// Connections between sites as an evidence graph, with movement counts
    /// in JSON (`.json`, `.graphml` or `.dot`, by the extension of --out).
    Connections {
        #[command(flatten)]
        options: ReportArgs,
        /// The graph to write.
        #[arg(long, value_name = "FILE.{json,graphml,dot}", value_parser = crate::report::graph_path)]
        out: PathBuf,
    },
    /// One self-contained HTML report: sites, trends, connections, movement,
    /// methodology.
    Html {
        #[command(flatten)]
        options: ReportArgs,
        /// The page to write.
        #[arg(long, value_name = "FILE.html", value_parser = crate::report::html_path)]
        out: PathBuf,
    },
}

/// What every report reads.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    pub(crate) config: ConfigArg,
    /// Report this run instead of each site's latest.
    #[arg(long, value_name = "ID")]
    pub(crate) run: Option<u64>,
    /// Runs whose captured pages are read for connection evidence, the
    /// reported one included (earlier runs date who showed an ad first).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub(crate) evidence_runs: u64,
}
