//! `cartograph farm`: serves the synthetic farm on loopback until Ctrl-C,
//! optionally writing a crawler config pointed at it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use cartograph_farm::{ConfigOptions, Farm, FarmSpec};

use crate::exit;

pub(crate) async fn run(
    sites: usize,
    seed: u64,
    port: u16,
    day: u32,
    write_config: Option<&Path>,
) -> anyhow::Result<u8> {
    let farm = Arc::new(Farm::new(FarmSpec { seed, sites, day }));
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .with_context(|| format!("failed to listen on 127.0.0.1:{port}"))?;
    let address = listener.local_addr()?;
    if let Some(path) = write_config {
        let text = farm.crawler_config(
            address,
            &ConfigOptions {
                min_interval: Duration::from_millis(200),
                store_path: "data".to_owned(),
                user_agent: "cartograph".to_owned(),
                contact: "mailto:farm@example.org".to_owned(),
            },
        );
        std::fs::write(path, text)
            .with_context(|| format!("failed to write {}", path.display()))?;
        eprintln!("wrote crawler config {}", path.display());
    }
    println!(
        "farm of {} sites (seed {seed}, day {day}) on http://{address}/",
        farm.sites().len()
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    cartograph_farm::serve(listener, farm, shutdown).await?;
    Ok(exit::SUCCESS)
}
