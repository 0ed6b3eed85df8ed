//! `cartograph verify`: one verdict line per check, `ok` or `FAIL`, then a
//! summary; exit code 6 when anything failed. With a package it needs
//! nothing but the file (and, to know who signed it, `--pubkey`); with
//! `--store` it checks the store named in the config.

use std::path::Path;

use anyhow::Context;
use cartograph_evidence::verify_package;
use cartograph_store::{Store, Verdict};

use crate::check_config::load;
use crate::exit;

pub(crate) fn run(
    package: Option<&Path>,
    pubkey: Option<&str>,
    store: bool,
    config_path: &Path,
) -> anyhow::Result<u8> {
    let verdicts = match (package, store) {
        (Some(package), false) => {
            let trusted = pubkey.map(read_public_key).transpose()?;
            verify_package(package, trusted.as_deref()).verdicts
        }
        _ => {
            let Some(config) = load(config_path)? else {
                return Ok(exit::CONFIG_INVALID);
            };
            crate::verify::require_store(&config.store.path)?;
            let store = Store::open(&config.store.path).with_context(|| {
                format!(
                    "failed to open the store at {}",
                    config.store.path.display()
                )
            })?;
            store.verify()?.verdicts
        }
    };
    Ok(report(&verdicts))
}

/// Fails unless a store exists at `path`: commands that read evidence must
/// not quietly create an empty store (and report it intact) when the config
/// points elsewhere.
pub(crate) fn require_store(path: &Path) -> anyhow::Result<()> {
    if path.join("db").exists() {
        Ok(())
    } else {
        anyhow::bail!(
            "no store at {}: check [store] path in the config, or crawl first",
            path.display()
        )
    }
}

/// `--pubkey` is the key itself or a file holding it.
fn read_public_key(argument: &str) -> anyhow::Result<String> {
    let path = Path::new(argument);
    if !argument.trim_start().starts_with("ed25519:") && path.is_file() {
        return std::fs::read_to_string(path)
            .with_context(|| format!("failed to read public key file {}", path.display()));
    }
    Ok(argument.to_owned())
}

fn report(verdicts: &[Verdict]) -> u8 {
    for verdict in verdicts {
        println!("{verdict}");
    }
    let failed = verdicts.iter().filter(|verdict| !verdict.passed).count();
    if failed == 0 && !verdicts.is_empty() {
        println!("verified: all {} checks passed", verdicts.len());
        exit::SUCCESS
    } else {
        println!(
            "FAILED: {failed} of {} checks failed (see the FAIL lines)",
            verdicts.len()
        );
        exit::VERIFY_FAILED
    }
}
