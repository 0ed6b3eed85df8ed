//! cartograph's configuration: the whitelist of sites an investigator may
//! crawl, and the settings that keep the crawl polite. `parse` turns TOML
//! text into a `Config` that cannot be invalid, or into every problem at
//! once as `PATH:LINE:COL: what is wrong — how to fix it` diagnostics. The
//! URL scope rules (`normalise_url`, `ListingPattern`) live here too, because
//! validation needs them and the fetch crate's scope guard must agree with
//! validation exactly. This crate has no clock and depends on no other
//! cartograph crate: callers pass `today`.
//!
//! Code map: `schema.rs` lists the known keys of every table; `reader.rs`
//! reads one spanned TOML table with typed, reported access; `validate.rs`
//! reads the global tables and assembles the `Config`; `site.rs` reads one
//! `[[site]]`; `schedule.rs` the daemon's schedules (`schedule`,
//! `timezone`, `[[group]]`); `model.rs` holds the resolved types; `listing.rs` the scope
//! rules; `codes.rs` the closed vocabularies; `diagnostic.rs` the error types.

mod codes;
mod diagnostic;
mod listing;
mod model;
mod reader;
mod schedule;
mod schema;
mod site;
mod validate;

use std::path::Path;

use chrono::NaiveDate;

pub use crate::codes::{CountryCode, SiteCategory, UnknownSiteCategory};
pub use crate::diagnostic::{Diagnostic, LoadError, Severity};
pub use crate::listing::{
    normalise_url, normalise_url_dropping, ListingPattern, ListingPatternError,
};
pub use crate::model::{
    Config, CrawlerSettings, EvidenceSettings, ExtractSettings, ExtractionProfile, Loaded,
    NetworkSettings, PolitenessSettings, SiteSpec, StoreSettings,
};
pub use crate::schedule::{GroupSpec, Schedule, ScheduleError};

/// Parses and validates config text. `path` names the file in diagnostics
/// and anchors a relative `store.path`; it is not read. `today` decides
/// which authorisations have expired (a warning, not an error).
pub fn parse(text: &str, path: &Path, today: NaiveDate) -> Result<Loaded, LoadError> {
    validate::validate(text, path, today)
}

/// Reads the file at `path`, then `parse`s it.
pub fn load(path: &Path, today: NaiveDate) -> Result<Loaded, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path, today)
}
