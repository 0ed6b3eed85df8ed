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
    /// Print the latest run's indicators per site.
    Indicators {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Check the config and report every problem at once.
    CheckConfig {
        #[command(flatten)]
        config: ConfigArg,
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
