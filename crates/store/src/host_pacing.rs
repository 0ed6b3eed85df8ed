//! Per host (`host:port`), the pacing of its last request in wall-clock
//! time: whether one is in flight and since when, when the last one ended,
//! how long it took and any `Retry-After` or backoff deadline. The fetch
//! layer restores a host from it when a new process first uses the host, so
//! the interval counts from the last request before a crash. Every write is
//! flushed before it returns: the "in flight" mark must be on disk before
//! the request it announces is sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Store, StoreError};

const HOST_PACING_TREE: &str = "host_pacing";

/// One host's pacing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostPacingRecord {
    pub host_key: String,
    /// Set while a request is in flight: when it was sent.
    pub in_flight_since: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
    pub last_response_ms: Option<u64>,
    pub not_before: Option<DateTime<Utc>>,
}

impl Store {
    /// Stores `record` durably (flushed before returning).
    pub fn put_host_pacing(&self, record: &HostPacingRecord) -> Result<(), StoreError> {
        let tree = self.host_pacing_tree()?;
        // Invariant: a plain record always serializes.
        let bytes = serde_json::to_vec(record).expect("store records serialize");
        tree.insert(record.host_key.as_bytes(), bytes)
            .map_err(|source| self.database_error(source))?;
        self.flush()
    }

    /// The pacing of `host_key`, if any request to it was recorded.
    pub fn host_pacing(&self, host_key: &str) -> Result<Option<HostPacingRecord>, StoreError> {
        let tree = self.host_pacing_tree()?;
        match tree
            .get(host_key.as_bytes())
            .map_err(|source| self.database_error(source))?
        {
            Some(bytes) => self.decode(&bytes, "host pacing").map(Some),
            None => Ok(None),
        }
    }

    fn host_pacing_tree(&self) -> Result<sled::Tree, StoreError> {
        self.db
            .open_tree(HOST_PACING_TREE)
            .map_err(|source| self.database_error(source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_pacing_is_durable_across_reopening() {
        let directory = tempfile::tempdir().unwrap();
        let record = HostPacingRecord {
            host_key: "a.example.test:80".to_owned(),
            in_flight_since: Some(Utc::now()),
            last_finished_at: None,
            last_response_ms: Some(12),
            not_before: None,
        };
        {
            let store = Store::open(directory.path()).unwrap();
            store.put_host_pacing(&record).unwrap();
        }
        let store = Store::open(directory.path()).unwrap();
        assert_eq!(
            store.host_pacing("a.example.test:80").unwrap(),
            Some(record)
        );
        assert_eq!(store.host_pacing("b.example.test:80").unwrap(), None);
    }
}
