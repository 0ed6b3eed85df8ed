//! `cartograph check-config`, and the config loading every command shares:
//! problems are printed as `PATH:LINE:COL: what — fix`, all at once.

use std::path::Path;

use cartograph_config::{Config, LoadError};

use crate::exit;

/// Loads the config at `path`, printing warnings. `Ok(None)` when it is
/// invalid (its diagnostics printed to stderr).
pub(crate) fn load(path: &Path) -> anyhow::Result<Option<Config>> {
    match cartograph_config::load(path, today()) {
        Ok(loaded) => {
            for warning in &loaded.warnings {
                eprintln!("{warning}");
            }
            Ok(Some(loaded.config))
        }
        Err(LoadError::Invalid { diagnostics, .. }) => {
            for diagnostic in &diagnostics {
                eprintln!("{diagnostic}");
            }
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

/// Today in UTC: expiry dates of whitelist entries are judged against it.
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

pub(crate) fn run(path: &Path) -> anyhow::Result<u8> {
    let Some(config) = load(path)? else {
        eprintln!("{}: config is invalid", path.display());
        return Ok(exit::CONFIG_INVALID);
    };
    let today = today();
    let skipped = config
        .sites
        .iter()
        .filter(|site| !site.is_authorized_on(today))
        .count();
    println!(
        "{}: ok, {} sites ({} skipped: authorization expired), store at {}",
        path.display(),
        config.sites.len(),
        skipped,
        config.store.path.display()
    );
    Ok(exit::SUCCESS)
}
