//! The `cartograph` binary: parses the command line, sets up logging, runs
//! one command and turns its result into an exit code. Logs go to stderr,
//! data to stdout.

mod args;
mod bench;
mod check_config;
mod crawl;
mod daemon;
mod demo;
mod exit;
mod explain;
mod export;
mod farm;
mod indicators;
mod notice;
mod progress;
mod prune;
mod reads;
mod reextract;
mod report;
mod status;
mod verify;
mod writer;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use args::{BenchCommand, Cli, Command, LogFormat};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A log stack wants the run lifecycle; a person at a terminal wants quiet.
    let default_level = match cli.log_format {
        LogFormat::Text => "warn",
        LogFormat::Json => "info",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => subscriber.init(),
        LogFormat::Json => subscriber.json().init(),
    }
    notice::use_json(cli.log_format == LogFormat::Json);
    let log_format = cli.log_format;
    let outcome = match cli.command {
        Command::CheckConfig { config } => check_config::run(&config.path),
        Command::Indicators {
            config,
            format,
            site,
            history,
            runs,
        } => indicators::run(&config.path, format, site, history, runs),
        Command::Status {
            config,
            format,
            runs,
        } => status::run(&config.path, format, runs),
        Command::Export {
            config,
            out,
            sites,
            run,
            since,
            until,
            url_prefix,
            case_label,
            operator,
        } => export::run(
            &config.path,
            &out,
            export::SelectionArgs {
                sites,
                run,
                since,
                until,
                url_prefix,
                case_label,
            },
            operator,
        ),
        Command::Verify {
            package,
            pubkey,
            store,
            config,
        } => verify::run(package.as_deref(), pubkey.as_deref(), store, &config.path),
        Command::Prune { config, older_than } => prune::run(&config.path, older_than.as_deref()),
        Command::Report { report } => report::run(report),
        Command::Reextract { config, run } => reextract::run(&config.path, run),
        command => runtime().and_then(|runtime| runtime.block_on(run_async(command, log_format))),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            notice::error(&format!("{error:#}"));
            ExitCode::from(exit::FAILURE)
        }
    }
}

async fn run_async(command: Command, log_format: LogFormat) -> anyhow::Result<u8> {
    match command {
        Command::Demo => demo::run().await,
        Command::Bench {
            bench:
                BenchCommand::Quality {
                    seed,
                    sites,
                    day,
                    interval,
                },
        } => bench::quality(seed, sites as usize, day, &interval).await,
        Command::Crawl {
            config,
            sites,
            case_label,
        } => crawl::crawl(&config.path, sites, case_label, log_format).await,
        Command::Recrawl {
            config,
            seeds,
            case_label,
        } => crawl::recrawl(&config.path, &seeds, case_label, log_format).await,
        Command::Daemon { config } => daemon::run(&config.path, log_format).await,
        Command::Explain { url, config } => explain::run(&config.path, &url).await,
        Command::Farm {
            sites,
            seed,
            port,
            day,
            write_config,
            truth,
        } => {
            farm::run(farm::FarmArgs {
                sites,
                seed,
                port,
                day,
                write_config: write_config.as_deref(),
                truth: truth.as_deref(),
            })
            .await
        }
        Command::CheckConfig { .. }
        | Command::Indicators { .. }
        | Command::Status { .. }
        | Command::Export { .. }
        | Command::Verify { .. }
        | Command::Prune { .. }
        | Command::Reextract { .. }
        | Command::Report { .. } => {
            unreachable!("synchronous commands are dispatched in main")
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
