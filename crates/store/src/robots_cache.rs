//! The persisted robots.txt cache: one record per host (`host:port`), the
//! latest readable response, so a scheduled run within 24 hours of the last
//! does not fetch every host's robots.txt again. Kept in its own sled tree;
//! the fetch crate sees it only through its `RobotsCache` trait, which the
//! crawl crate implements over these methods.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Store, StoreError};

/// The sled tree of robots records.
const ROBOTS_TREE: &str = "robots";

/// One host's latest readable robots.txt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RobotsCacheRecord {
    /// `host:port`, the unit of politeness.
    pub host_key: String,
    /// The URL finally read (after same-host redirects).
    pub url: String,
    pub fetched_at: DateTime<Utc>,
    pub status: u16,
    /// The body as decoded for parsing (at most 500 KiB).
    pub body: Vec<u8>,
}

impl Store {
    /// Stores `record` as the latest robots.txt of its host.
    pub fn put_robots(&self, record: &RobotsCacheRecord) -> Result<(), StoreError> {
        let tree = self.robots_tree()?;
        let bytes = serde_json::to_vec(record).map_err(|source| StoreError::Corrupt {
            path: self.root().to_path_buf(),
            what: "robots",
            source,
        })?;
        tree.insert(record.host_key.as_bytes(), bytes)
            .map(|_| ())
            .map_err(|source| self.database_error(source))
    }

    /// The latest robots.txt of `host_key`, if one was stored.
    pub fn robots(&self, host_key: &str) -> Result<Option<RobotsCacheRecord>, StoreError> {
        let tree = self.robots_tree()?;
        match tree
            .get(host_key.as_bytes())
            .map_err(|source| self.database_error(source))?
        {
            Some(bytes) => self.decode(&bytes, "robots").map(Some),
            None => Ok(None),
        }
    }

    fn robots_tree(&self) -> Result<sled::Tree, StoreError> {
        // sled keeps opened trees, so opening on each call is a map lookup.
        self.db
            .open_tree(ROBOTS_TREE)
            .map_err(|source| self.database_error(source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_records_round_trip_and_survive_reopening() {
        let directory = tempfile::tempdir().unwrap();
        let record = RobotsCacheRecord {
            host_key: "a.example.test:80".to_owned(),
            url: "http://a.example.test/robots.txt".to_owned(),
            fetched_at: Utc::now(),
            status: 200,
            body: b"User-agent: *\nDisallow: /x\n".to_vec(),
        };
        {
            let store = Store::open(directory.path()).unwrap();
            assert_eq!(store.robots("a.example.test:80").unwrap(), None);
            store.put_robots(&record).unwrap();
            store.flush().unwrap();
        }
        let store = Store::open(directory.path()).unwrap();
        assert_eq!(store.robots("a.example.test:80").unwrap(), Some(record));
        assert_eq!(store.robots("b.example.test:80").unwrap(), None);
    }
}
