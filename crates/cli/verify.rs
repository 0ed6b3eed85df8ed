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
use crate::reads::{read, ReadOutput, ReadRequest};

pub(crate) fn run(
    package: Option<&Path>,
    pubkey: Option<&str>,
    store: bool,
    config_path: &Path,
) -> anyhow::Result<u8> {
    if let (Some(package), false) = (package, store) {
        let trusted = pubkey.map(read_public_key).transpose()?;
        let output = report(&verify_package(package, trusted.as_deref()).verdicts);
        return Ok(output.print());
    }
    let Some(config) = load(config_path)? else {
        return Ok(exit::CONFIG_INVALID);
    };
    require_store(&config.store.path)?;
    // While a crawl holds the store, its writer re-hashes for us.
    let request = ReadRequest::new("verify-store", ());
    Ok(read(&config, &request)?.print())
}

/// `verify --store` against an open store (in this process or the writer).
pub(crate) fn render_store(store: &Store) -> anyhow::Result<ReadOutput> {
    Ok(report(&store.verify()?.verdicts))
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

fn report(verdicts: &[Verdict]) -> ReadOutput {
    let mut stdout = String::new();
    for verdict in verdicts {
        stdout.push_str(&format!("{verdict}\n"));
    }
    let failed = verdicts.iter().filter(|verdict| !verdict.passed).count();
    let exit_code = if failed == 0 && !verdicts.is_empty() {
        stdout.push_str(&format!("verified: all {} checks passed\n", verdicts.len()));
        exit::SUCCESS
    } else {
        stdout.push_str(&format!(
            "FAILED: {failed} of {} checks failed (see the FAIL lines)\n",
            verdicts.len()
        ));
        exit::VERIFY_FAILED
    };
    ReadOutput {
        stdout,
        stderr: String::new(),
        exit_code,
    }
}
