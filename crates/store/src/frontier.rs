//! The frontier of each site in each run, persisted so that a run cut off
//! by a crash resumes where it stood: every URL queued with its discovery
//! order and state (queued, in flight, done), every URL the walk has seen
//! (so a link is never queued twice, and the query-variant cap and the
//! out-of-scope count are the same after a restart), and the site's
//! progress (counts, faults) as of the last page done.
//!
//! A page's completion is one sled batch on the `frontier` tree: the page
//! marked done, the links it queued, the URLs it made seen and the site's
//! new progress, so a restart never sees half of it. Captures and page
//! indicators are written before that batch; the crawler makes both
//! idempotent (a committed capture is reused, indicator rows are keyed by
//! capture), so a crash between them loses and doubles nothing.
//!
//! Keys: run id (8 bytes, big-endian), site id, a zero byte, then a tag:
//! `e` + sequence number (entries, in discovery order), `s` + URL (seen),
//! `p` (progress).

use std::collections::{BTreeMap, BTreeSet};

use cartograph_extract::AdKey;
use serde::{Deserialize, Serialize};

use crate::{PageIndicatorsRecord, RunId, SiteRunRecord, Store, StoreError};

const FRONTIER_TREE: &str = "frontier";
const ENTRY_TAG: u8 = b'e';
const SEEN_TAG: u8 = b's';
const PROGRESS_TAG: u8 = b'p';

/// One URL in a site's frontier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontierEntry {
    /// Discovery order within the site and run.
    pub seq: u64,
    pub url: String,
    pub state: FrontierState,
    /// The ads of the page that linked here, to stop pagination that
    /// repeats its parent; `None` for start URLs.
    pub parent_ads: Option<BTreeSet<AdKey>>,
}

/// Where a frontier URL stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FrontierState {
    Queued,
    /// Taken for fetching; a restart that finds it so fetches it again
    /// unless a committed capture of it in the run answers for it.
    InFlight,
    Done,
}

/// How a URL the walk has seen was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeenKind {
    /// Inside the site's scope (queued, or refused by the query cap).
    InScope,
    /// Outside every listing pattern of the site: counted, never fetched.
    OutOfScope,
}

/// A site's progress as of its last page done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteProgress {
    pub record: SiteRunRecord,
    /// Page requests made (the page cap counts these).
    pub requests: u64,
    /// Faults in words, each once.
    pub faults: Vec<String>,
    pub last_failure: Option<String>,
    /// The next entry's sequence number.
    pub next_seq: u64,
}

/// A site's frontier as stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontierSnapshot {
    /// Every entry, in discovery order.
    pub entries: Vec<FrontierEntry>,
    pub seen: BTreeMap<String, SeenKind>,
    /// `None` before the site's first page was done.
    pub progress: Option<SiteProgress>,
}

/// What one page's completion changes, applied as one batch.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierUpdate {
    /// Entries whose state changes (the page done, start URLs queued).
    pub entries: Vec<FrontierEntry>,
    pub seen: Vec<(String, SeenKind)>,
    pub progress: SiteProgress,
}

/// Frontier counts of one site, for `status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FrontierCounts {
    pub queued: u64,
    pub in_flight: u64,
    pub done: u64,
}

impl Store {
    /// The frontier of `site_id` in run `run_id` (empty if never started).
    pub fn frontier(&self, run_id: RunId, site_id: &str) -> Result<FrontierSnapshot, StoreError> {
        let tree = self.frontier_tree()?;
        let prefix = site_prefix(run_id, site_id);
        let mut snapshot = FrontierSnapshot::default();
        for item in tree.scan_prefix(&prefix) {
            let (key, value) = item.map_err(|source| self.database_error(source))?;
            match key.get(prefix.len()) {
                Some(&ENTRY_TAG) => snapshot
                    .entries
                    .push(self.decode(&value, "frontier entry")?),
                Some(&SEEN_TAG) => {
                    let url = String::from_utf8_lossy(&key[prefix.len() + 1..]).into_owned();
                    let kind = self.decode(&value, "frontier seen")?;
                    snapshot.seen.insert(url, kind);
                }
                Some(&PROGRESS_TAG) => {
                    snapshot.progress = Some(self.decode(&value, "frontier progress")?)
                }
                _ => {}
            }
        }
        Ok(snapshot)
    }

    /// Marks one entry in flight (a single write; made durable with the
    /// host journal's flush before the request goes out).
    pub fn mark_in_flight(
        &self,
        run_id: RunId,
        site_id: &str,
        entry: &FrontierEntry,
    ) -> Result<(), StoreError> {
        let entry = FrontierEntry {
            state: FrontierState::InFlight,
            ..entry.clone()
        };
        let tree = self.frontier_tree()?;
        tree.insert(entry_key(run_id, site_id, entry.seq), to_json(&entry))
            .map(|_| ())
            .map_err(|source| self.database_error(source))
    }

    /// Applies `update` to the frontier of `site_id` in `run_id` atomically.
    pub fn commit_frontier(
        &self,
        run_id: RunId,
        site_id: &str,
        update: &FrontierUpdate,
    ) -> Result<(), StoreError> {
        let tree = self.frontier_tree()?;
        let mut batch = sled::Batch::default();
        for entry in &update.entries {
            batch.insert(entry_key(run_id, site_id, entry.seq), to_json(entry));
        }
        for (url, kind) in &update.seen {
            let mut key = site_prefix(run_id, site_id);
            key.push(SEEN_TAG);
            key.extend_from_slice(url.as_bytes());
            batch.insert(key, to_json(kind));
        }
        let mut progress_key = site_prefix(run_id, site_id);
        progress_key.push(PROGRESS_TAG);
        batch.insert(progress_key, to_json(&update.progress));
        tree.apply_batch(batch)
            .map_err(|source| self.database_error(source))
    }

    /// Forgets the URLs the walk of a finished site had seen: they serve
    /// only a resumption (its entries, one per URL queued, stay).
    pub fn forget_seen(&self, run_id: RunId, site_id: &str) -> Result<(), StoreError> {
        let tree = self.frontier_tree()?;
        let mut prefix = site_prefix(run_id, site_id);
        prefix.push(SEEN_TAG);
        let mut batch = sled::Batch::default();
        for item in tree.scan_prefix(&prefix).keys() {
            batch.remove(item.map_err(|source| self.database_error(source))?);
        }
        tree.apply_batch(batch)
            .map_err(|source| self.database_error(source))
    }

    /// Entry counts per site of run `run_id`.
    pub fn frontier_counts(
        &self,
        run_id: RunId,
    ) -> Result<BTreeMap<String, FrontierCounts>, StoreError> {
        let tree = self.frontier_tree()?;
        let mut counts: BTreeMap<String, FrontierCounts> = BTreeMap::new();
        for item in tree.scan_prefix(run_id.to_be_bytes()) {
            let (key, value) = item.map_err(|source| self.database_error(source))?;
            let rest = &key[8..];
            let Some(zero) = rest.iter().position(|byte| *byte == 0) else {
                continue;
            };
            if rest.get(zero + 1) != Some(&ENTRY_TAG) {
                continue;
            }
            let site = String::from_utf8_lossy(&rest[..zero]).into_owned();
            let entry: FrontierEntry = self.decode(&value, "frontier entry")?;
            let site_counts = counts.entry(site).or_default();
            match entry.state {
                FrontierState::Queued => site_counts.queued += 1,
                FrontierState::InFlight => site_counts.in_flight += 1,
                FrontierState::Done => site_counts.done += 1,
            }
        }
        Ok(counts)
    }

    /// The page indicators of one site in one run, in capture order.
    pub fn page_indicators_of_site(
        &self,
        run_id: RunId,
        site_id: &str,
    ) -> Result<Vec<PageIndicatorsRecord>, StoreError> {
        Ok(self
            .page_indicators(run_id)?
            .into_iter()
            .filter(|record| record.site_id == site_id)
            .collect())
    }

    fn frontier_tree(&self) -> Result<sled::Tree, StoreError> {
        // sled keeps opened trees, so opening on each call is a map lookup.
        self.db
            .open_tree(FRONTIER_TREE)
            .map_err(|source| self.database_error(source))
    }
}

fn site_prefix(run_id: RunId, site_id: &str) -> Vec<u8> {
    let mut key = run_id.to_be_bytes().to_vec();
    key.extend_from_slice(site_id.as_bytes());
    key.push(0);
    key
}

fn entry_key(run_id: RunId, site_id: &str, seq: u64) -> Vec<u8> {
    let mut key = site_prefix(run_id, site_id);
    key.push(ENTRY_TAG);
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    // Invariant: record types are plain data that always serializes.
    serde_json::to_vec(value).expect("store records serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64, url: &str, state: FrontierState) -> FrontierEntry {
        FrontierEntry {
            seq,
            url: url.to_owned(),
            state,
            parent_ads: None,
        }
    }

    fn progress(requests: u64, next_seq: u64) -> SiteProgress {
        SiteProgress {
            record: SiteRunRecord::pending(),
            requests,
            faults: Vec::new(),
            last_failure: None,
            next_seq,
        }
    }

    #[test]
    fn a_committed_frontier_survives_reopening_in_discovery_order() {
        let directory = tempfile::tempdir().unwrap();
        {
            let store = Store::open(directory.path()).unwrap();
            store
                .commit_frontier(
                    7,
                    "a",
                    &FrontierUpdate {
                        entries: vec![entry(0, "http://a.test/1", FrontierState::Queued)],
                        seen: vec![("http://a.test/1".to_owned(), SeenKind::InScope)],
                        progress: progress(0, 1),
                    },
                )
                .unwrap();
            store
                .mark_in_flight(7, "a", &entry(0, "http://a.test/1", FrontierState::Queued))
                .unwrap();
            store
                .commit_frontier(
                    7,
                    "a",
                    &FrontierUpdate {
                        entries: vec![
                            entry(0, "http://a.test/1", FrontierState::Done),
                            entry(1, "http://a.test/2", FrontierState::Queued),
                            entry(2, "http://a.test/10", FrontierState::Queued),
                        ],
                        seen: vec![
                            ("http://a.test/2".to_owned(), SeenKind::InScope),
                            ("http://a.test/10".to_owned(), SeenKind::InScope),
                            ("http://elsewhere.test/".to_owned(), SeenKind::OutOfScope),
                        ],
                        progress: progress(1, 3),
                    },
                )
                .unwrap();
            // Another site and another run stay apart.
            store
                .commit_frontier(
                    7,
                    "ab",
                    &FrontierUpdate {
                        entries: vec![entry(0, "http://ab.test/", FrontierState::Queued)],
                        seen: Vec::new(),
                        progress: progress(0, 1),
                    },
                )
                .unwrap();
            store.flush().unwrap();
        }
        let store = Store::open(directory.path()).unwrap();
        let snapshot = store.frontier(7, "a").unwrap();
        let urls: Vec<(&str, FrontierState)> = snapshot
            .entries
            .iter()
            .map(|entry| (entry.url.as_str(), entry.state))
            .collect();
        assert_eq!(
            urls,
            [
                ("http://a.test/1", FrontierState::Done),
                ("http://a.test/2", FrontierState::Queued),
                ("http://a.test/10", FrontierState::Queued),
            ]
        );
        assert_eq!(snapshot.seen.len(), 4);
        assert_eq!(
            snapshot.seen["http://elsewhere.test/"],
            SeenKind::OutOfScope
        );
        assert_eq!(snapshot.progress.unwrap().next_seq, 3);
        assert!(store.frontier(8, "a").unwrap().entries.is_empty());
        let counts = store.frontier_counts(7).unwrap();
        assert_eq!(
            counts["a"],
            FrontierCounts {
                queued: 2,
                in_flight: 0,
                done: 1
            }
        );
        assert_eq!(counts["ab"].queued, 1);
        store.forget_seen(7, "a").unwrap();
        let snapshot = store.frontier(7, "a").unwrap();
        assert!(snapshot.seen.is_empty());
        assert_eq!(snapshot.entries.len(), 3);
        assert_eq!(store.frontier(7, "ab").unwrap().entries.len(), 1);
    }
}
