//! Ads across runs, per site: when each ad (by its pseudonymous key) was
//! first and last seen, and per run how many ads were new, how many that
//! the site's previous run saw have disappeared, and new ads per day since
//! that run (field c of the mapping sheet: evidence of use). Only keys and
//! counts are kept: no ad text, no contact detail.
//!
//! [`Store::record_ads_seen`] is idempotent for a run (a site finished
//! twice after a crash counts the same), so it needs no transaction with
//! the run record: "new" means first seen in this run, and "disappeared"
//! compares with the site's previous run, whose ads this run never touches.
//!
//! Keys: `ads` tree: site id, zero byte, ad key; `ad_runs` tree: site id,
//! zero byte, run id big-endian.

use std::collections::BTreeSet;

use cartograph_extract::AdKey;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{RunId, Store, StoreError};

const ADS_TREE: &str = "ads";
const AD_RUNS_TREE: &str = "ad_runs";

/// One ad of one site across runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdSeenRecord {
    pub site_id: String,
    pub ad_key: AdKey,
    pub first_seen_run: RunId,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_run: RunId,
    pub last_seen_at: DateTime<Utc>,
    /// Runs in which the ad was seen.
    pub runs_seen: u64,
}

/// One site's ads in one run compared with its previous run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdRunSummary {
    pub site_id: String,
    pub run_id: RunId,
    pub at: DateTime<Utc>,
    pub ads_seen: u64,
    /// Ads first seen in this run.
    pub new_ads: u64,
    /// Ads the previous run saw that this one did not.
    pub disappeared_ads: u64,
    /// The site's previous run with ads recorded, if any.
    pub previous_run: Option<RunId>,
    /// Days between that run and this one.
    pub days_since_previous: Option<f64>,
    /// `new_ads / days_since_previous`, when there was a previous run.
    pub new_ads_per_day: Option<f64>,
}

impl Store {
    /// Records that run `run_id` saw `ads` on `site_id` at `at`, and
    /// returns the comparison with the site's previous run.
    pub fn record_ads_seen(
        &self,
        site_id: &str,
        run_id: RunId,
        at: DateTime<Utc>,
        ads: &BTreeSet<AdKey>,
    ) -> Result<AdRunSummary, StoreError> {
        let ads_tree = self.named_tree(ADS_TREE)?;
        let runs_tree = self.named_tree(AD_RUNS_TREE)?;
        let previous: Option<AdRunSummary> = self
            .ad_history(site_id)?
            .into_iter()
            .rfind(|summary| summary.run_id < run_id);
        let previous_run = previous.as_ref().map(|summary| summary.run_id);
        let mut disappeared_ads = 0;
        if let Some(previous_run) = previous_run {
            for record in self.ads_of_site(site_id)? {
                if record.last_seen_run == previous_run && !ads.contains(&record.ad_key) {
                    disappeared_ads += 1;
                }
            }
        }
        let mut new_ads = 0;
        let mut batch = sled::Batch::default();
        for ad_key in ads {
            let key = ad_tree_key(site_id, ad_key);
            let existing: Option<AdSeenRecord> = match ads_tree
                .get(&key)
                .map_err(|source| self.database_error(source))?
            {
                Some(bytes) => Some(self.decode(&bytes, "ad")?),
                None => None,
            };
            let record = match existing {
                None => AdSeenRecord {
                    site_id: site_id.to_owned(),
                    ad_key: ad_key.clone(),
                    first_seen_run: run_id,
                    first_seen_at: at,
                    last_seen_run: run_id,
                    last_seen_at: at,
                    runs_seen: 1,
                },
                Some(record) if record.last_seen_run >= run_id => record,
                Some(record) => AdSeenRecord {
                    last_seen_run: run_id,
                    last_seen_at: at,
                    runs_seen: record.runs_seen + 1,
                    ..record
                },
            };
            if record.first_seen_run == run_id {
                new_ads += 1;
            }
            batch.insert(key, json(&record));
        }
        ads_tree
            .apply_batch(batch)
            .map_err(|source| self.database_error(source))?;
        let days_since_previous = previous
            .as_ref()
            .map(|previous| (at - previous.at).num_seconds() as f64 / 86_400.0);
        let summary = AdRunSummary {
            site_id: site_id.to_owned(),
            run_id,
            at,
            ads_seen: ads.len() as u64,
            new_ads,
            disappeared_ads,
            previous_run,
            days_since_previous,
            new_ads_per_day: days_since_previous
                .filter(|days| *days > 0.0)
                .map(|days| new_ads as f64 / days),
        };
        runs_tree
            .insert(site_run_key(site_id, run_id), json(&summary))
            .map_err(|source| self.database_error(source))?;
        Ok(summary)
    }

    /// Every run's ad summary of `site_id`, oldest first.
    pub fn ad_history(&self, site_id: &str) -> Result<Vec<AdRunSummary>, StoreError> {
        let tree = self.named_tree(AD_RUNS_TREE)?;
        self.scan_json(&tree, &site_prefix(site_id), "ad run")
    }

    /// Every ad ever seen on `site_id`, by key.
    pub fn ads_of_site(&self, site_id: &str) -> Result<Vec<AdSeenRecord>, StoreError> {
        let tree = self.named_tree(ADS_TREE)?;
        self.scan_json(&tree, &site_prefix(site_id), "ad")
    }

    fn named_tree(&self, name: &str) -> Result<sled::Tree, StoreError> {
        self.db
            .open_tree(name)
            .map_err(|source| self.database_error(source))
    }
}

fn site_prefix(site_id: &str) -> Vec<u8> {
    let mut key = site_id.as_bytes().to_vec();
    key.push(0);
    key
}

fn ad_tree_key(site_id: &str, ad_key: &AdKey) -> Vec<u8> {
    let mut key = site_prefix(site_id);
    key.extend_from_slice(ad_key.as_str().as_bytes());
    key
}

fn site_run_key(site_id: &str, run_id: RunId) -> Vec<u8> {
    let mut key = site_prefix(site_id);
    key.extend_from_slice(&run_id.to_be_bytes());
    key
}

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    // Invariant: record types are plain data that always serializes.
    serde_json::to_vec(value).expect("store records serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn keys(names: &[&str]) -> BTreeSet<AdKey> {
        names.iter().map(|name| AdKey::from_text(name)).collect()
    }

    #[test]
    fn new_and_disappeared_ads_and_new_ads_per_day_across_runs() {
        let directory = tempfile::tempdir().unwrap();
        let store = Store::open(directory.path()).unwrap();
        let day = |day: u32| Utc.with_ymd_and_hms(2025, 1, day, 3, 0, 0).unwrap();
        let first = store
            .record_ads_seen("a", 10, day(1), &keys(&["x", "y", "z"]))
            .unwrap();
        assert_eq!((first.new_ads, first.disappeared_ads), (3, 0));
        assert_eq!(first.new_ads_per_day, None);
        // Two days later: y gone, v and w new.
        let second = store
            .record_ads_seen("a", 12, day(3), &keys(&["x", "z", "v", "w"]))
            .unwrap();
        assert_eq!(second.previous_run, Some(10));
        assert_eq!((second.new_ads, second.disappeared_ads), (2, 1));
        assert_eq!(second.new_ads_per_day, Some(1.0));
        // Recording the same run again (a resumed finish) changes nothing.
        let again = store
            .record_ads_seen("a", 12, day(3), &keys(&["x", "z", "v", "w"]))
            .unwrap();
        assert_eq!(again, second);
        // Another site is apart.
        store
            .record_ads_seen("ab", 12, day(3), &keys(&["x"]))
            .unwrap();
        let ads = store.ads_of_site("a").unwrap();
        assert_eq!(ads.len(), 5);
        let x = ads
            .iter()
            .find(|ad| ad.ad_key == AdKey::from_text("x"))
            .unwrap();
        assert_eq!(
            (x.first_seen_run, x.last_seen_run, x.runs_seen),
            (10, 12, 2)
        );
        let y = ads
            .iter()
            .find(|ad| ad.ad_key == AdKey::from_text("y"))
            .unwrap();
        assert_eq!(y.last_seen_run, 10);
        assert_eq!(store.ad_history("a").unwrap().len(), 2);
    }
}
