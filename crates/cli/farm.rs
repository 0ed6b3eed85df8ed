//! `cartograph farm`: serves the synthetic farm on loopback until Ctrl-C,
//! optionally writing a crawler config pointed at it and its ground truth.
//! Prints the address it listens on first thing (one line on stdout), so
//! scripts and tests can start it with `--port 0` and read the port.

use std::io::{BufWriter, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use cartograph_farm::{ConfigOptions, Farm, FarmSpec, AUDIT_PATH};

use crate::exit;

/// The interval written into `--write-config`: slow enough for a person to
/// watch, fast enough to crawl the showcase sites in seconds.
const CONFIG_INTERVAL: Duration = Duration::from_millis(200);

/// The flags of `cartograph farm`, resolved.
pub(crate) struct FarmArgs<'args> {
    pub(crate) sites: u64,
    pub(crate) seed: u64,
    pub(crate) port: u16,
    pub(crate) day: u32,
    pub(crate) write_config: Option<&'args Path>,
    pub(crate) truth: Option<&'args Path>,
}

pub(crate) async fn run(args: FarmArgs<'_>) -> anyhow::Result<u8> {
    let spec = FarmSpec {
        seed: args.seed,
        // clap limits the count to 1..=10,000.
        sites: args.sites as usize,
        day: args.day,
    };
    let farm = Arc::new(Farm::new(spec));
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)))
            .await
            .with_context(|| format!("failed to listen on 127.0.0.1:{}", args.port))?;
    let address = listener.local_addr()?;
    if let Some(path) = args.write_config {
        let text = farm.crawler_config(
            address,
            &ConfigOptions {
                min_interval: CONFIG_INTERVAL,
                store_path: "data".to_owned(),
                user_agent: "cartograph".to_owned(),
                contact: "mailto:farm@example.org".to_owned(),
            },
        );
        std::fs::write(path, text)
            .with_context(|| format!("failed to write {}", path.display()))?;
        eprintln!("wrote crawler config {}", path.display());
    }
    if let Some(path) = args.truth {
        let writing = farm.clone();
        let target = path.to_owned();
        tokio::task::spawn_blocking(move || write_truth(&writing, &target))
            .await
            .context("the truth writer stopped")??;
        eprintln!("wrote ground truth {}", path.display());
    }
    println!(
        "farm of {} sites (seed {}, day {}) on http://{address}/ — audit: http://{address}{AUDIT_PATH}",
        farm.sites().len(),
        args.seed,
        args.day
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    cartograph_farm::serve(listener, farm, shutdown).await?;
    Ok(exit::SUCCESS)
}

fn write_truth(farm: &Farm, path: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("failed to create {}", path.display()))?;
    let mut writer = BufWriter::new(file);
    farm.write_truth(&mut writer)
        .and_then(|()| writer.flush())
        .with_context(|| format!("failed to write {}", path.display()))
}
