//! `Store::prune`: retention. Removes the captures fetched before a cutoff
//! and the blobs no capture names any more, and records the prune in the
//! custody log.
//!
//! The capture records, their by-URL index entries and the `prune` custody
//! entry go in one sled transaction; the blob files are deleted after it
//! commits, so a crash in between leaves orphan blobs (which the next prune
//! removes), never a record without its blob. Custody entries are never
//! removed: the log keeps saying that a capture existed, and the prune entry
//! says why it is gone, so the chain still verifies afterwards. Indicator
//! rows are aggregates without personal data and are kept, so trends across
//! runs survive retention.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::custody::{ids_digest, CustodyEntry, CustodyEvent};
use crate::records::{CaptureId, CaptureRecord};
use crate::{Store, StoreError};
use sled::Transactional;

/// What a prune removed.
#[derive(Debug, Clone, PartialEq)]
pub struct PruneReport {
    pub cutoff: DateTime<Utc>,
    pub captures_removed: u64,
    pub blobs_removed: u64,
    /// The prune's custody entry.
    pub entry: CustodyEntry,
}

impl Store {
    /// Removes every capture fetched before `cutoff` and every blob no
    /// remaining capture names. `older_than` is the retention as the user
    /// wrote it, recorded in the custody entry.
    pub fn prune(
        &self,
        older_than: &str,
        cutoff: DateTime<Utc>,
    ) -> Result<PruneReport, StoreError> {
        let mut removed: Vec<(CaptureId, String)> = Vec::new();
        let mut referenced: HashSet<String> = HashSet::new();
        for capture in self.captures() {
            let capture: CaptureRecord = capture?;
            if capture.fetched_at < cutoff {
                removed.push((capture.id, capture.url));
            } else if let Some(body) = capture.response.and_then(|response| response.body) {
                referenced.insert(body.sha256);
            }
        }
        let files = self.blobs.files().map_err(|source| StoreError::Io {
            path: self.root.join("blobs"),
            source,
        })?;
        let unreferenced: Vec<(Option<String>, std::path::PathBuf)> = files
            .into_iter()
            .filter(|(digest, _)| {
                digest
                    .as_ref()
                    .is_none_or(|digest| !referenced.contains(digest))
            })
            .collect();
        let removed_ids: Vec<CaptureId> = removed.iter().map(|(id, _)| *id).collect();
        let event = CustodyEvent::Prune {
            older_than: older_than.to_owned(),
            cutoff,
            captures_removed: removed.len() as u64,
            removed_ids_sha256: ids_digest(&removed_ids),
            blobs_removed: unreferenced.len() as u64,
        };
        let entry = {
            let _writer = self.lock_custody();
            (
                &self.captures,
                &self.captures_by_url,
                &self.custody,
                &self.meta,
            )
                .transaction(|(captures, by_url, custody, meta)| {
                    for (id, url) in &removed {
                        let key = id.to_be_bytes();
                        captures.remove(&key)?;
                        if by_url.get(url.as_bytes())?.as_deref() == Some(&key[..]) {
                            by_url.remove(url.as_bytes())?;
                        }
                    }
                    self.append_custody(custody, meta, event.clone())
                })
                .map_err(|error| self.transaction_error(error))?
        };
        self.flush()?;
        for (digest, path) in &unreferenced {
            match digest {
                Some(digest) => self.blobs.remove(digest)?,
                None => std::fs::remove_file(path).or_else(|source| {
                    if source.kind() == std::io::ErrorKind::NotFound {
                        Ok(())
                    } else {
                        Err(StoreError::Io {
                            path: path.clone(),
                            source,
                        })
                    }
                })?,
            }
        }
        Ok(PruneReport {
            cutoff,
            captures_removed: removed.len() as u64,
            blobs_removed: unreferenced.len() as u64,
            entry,
        })
    }
}
