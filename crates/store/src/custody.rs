//! The custody log: an append-only, hash-chained record of everything that
//! happened to the evidence — runs started and finished (with the digest of
//! the config they ran under), every capture, every export and every prune.
//!
//! Each entry carries its sequence number, the hash of the entry before it
//! (`GENESIS_HASH` for the first) and the SHA-256 of its own canonical bytes:
//! the JSON of `{seq, previous_hash, recorded_at, event}` exactly as serde
//! writes these types (fields in declaration order, no whitespace). The
//! stored value is that JSON with `hash` added last, so a changed byte
//! anywhere shows up either as JSON that no longer parses, as a value that is
//! no longer canonical, or as a hash that no longer matches; a removed entry
//! breaks the next entry's link. The functions here are pure: the store
//! appends entries inside its sled transactions, the evidence crate checks
//! exported segments with the same code.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::blobs::sha256_hex;
use crate::records::{CaptureId, RunId, RunState, RunTrigger};
use crate::selection::CaptureSelection;

/// Sequence number of a custody entry; the first entry is 1.
pub type CustodySeq = u64;

/// The `previous_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the custody log, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustodyEntry {
    pub seq: CustodySeq,
    /// `hash` of the entry before this one, `GENESIS_HASH` for the first.
    pub previous_hash: String,
    /// When the entry was appended (UTC).
    pub recorded_at: DateTime<Utc>,
    pub event: CustodyEvent,
    /// Lowercase hex SHA-256 of the entry's canonical bytes (`canonical_bytes`).
    pub hash: String,
}

/// What a custody entry records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CustodyEvent {
    /// A crawl run began under the config whose SHA-256 is `config_digest`.
    RunStarted {
        run_id: RunId,
        trigger: RunTrigger,
        config_digest: String,
        case_label: Option<String>,
        tool_version: String,
    },
    /// A crawl run ended (completed or interrupted).
    RunFinished {
        run_id: RunId,
        state: RunState,
        config_digest: String,
        /// Captures stored in the run, robots.txt included.
        captures: u64,
    },
    /// A capture was stored. `record_sha256` is the SHA-256 of the capture
    /// record exactly as stored, so the record itself cannot change unseen.
    Capture {
        capture_id: CaptureId,
        run_id: RunId,
        site_id: String,
        url: String,
        fetched_at: DateTime<Utc>,
        record_sha256: String,
        /// SHA-256 of the body as received, when there was one.
        body_sha256: Option<String>,
    },
    /// An evidence package was written.
    Export {
        /// Who made the export (`--operator`, else the login name).
        operator: String,
        selection: CaptureSelection,
        /// The package's file name.
        output: String,
        /// SHA-256 of the whole package file.
        output_sha256: String,
        output_bytes: u64,
        captures: u64,
        /// The Ed25519 key the package was signed with (`ed25519:BASE64`).
        public_key: String,
    },
    /// Captures older than `cutoff` were removed, with the blobs no longer
    /// referenced.
    Prune {
        /// The retention asked for, as written (`365d`).
        older_than: String,
        /// Captures fetched before this instant were removed.
        cutoff: DateTime<Utc>,
        captures_removed: u64,
        /// SHA-256 of the removed capture ids, ascending, one decimal per
        /// line: lets anyone holding a list of ids check it is the one.
        removed_ids_sha256: String,
        blobs_removed: u64,
    },
}

impl CustodyEvent {
    /// The event's kind as written in the log (`capture`, `run-started`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            CustodyEvent::RunStarted { .. } => "run-started",
            CustodyEvent::RunFinished { .. } => "run-finished",
            CustodyEvent::Capture { .. } => "capture",
            CustodyEvent::Export { .. } => "export",
            CustodyEvent::Prune { .. } => "prune",
        }
    }
}

/// The part of an entry its hash covers, in canonical field order.
#[derive(Serialize)]
struct EntryBody<'a> {
    seq: CustodySeq,
    previous_hash: &'a str,
    recorded_at: &'a DateTime<Utc>,
    event: &'a CustodyEvent,
}

/// Why an entry does not check out on its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryFault {
    #[error("not a readable custody entry ({0})")]
    Unreadable(String),
    #[error("not in canonical form (its bytes were changed)")]
    NotCanonical,
    #[error("its hash does not match its contents (recorded {recorded}, computed {computed})")]
    HashMismatch { recorded: String, computed: String },
}

impl CustodyEntry {
    /// Seals `event` as entry `seq` following the entry whose hash is
    /// `previous_hash`.
    pub fn seal(
        seq: CustodySeq,
        previous_hash: &str,
        recorded_at: DateTime<Utc>,
        event: CustodyEvent,
    ) -> CustodyEntry {
        let hash = sha256_hex(&canonical_bytes(seq, previous_hash, &recorded_at, &event));
        CustodyEntry {
            seq,
            previous_hash: previous_hash.to_owned(),
            recorded_at,
            event,
            hash,
        }
    }

    /// The bytes stored for this entry.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Invariant: custody types are plain data that always serializes.
        serde_json::to_vec(self).expect("custody entries serialize")
    }

    /// Reads stored bytes and checks the entry against itself: canonical
    /// form and hash. Links to neighbours are checked by `ChainCheck`.
    pub fn from_bytes(bytes: &[u8]) -> Result<CustodyEntry, EntryFault> {
        let entry: CustodyEntry = serde_json::from_slice(bytes)
            .map_err(|error| EntryFault::Unreadable(error.to_string()))?;
        if entry.to_bytes() != bytes {
            return Err(EntryFault::NotCanonical);
        }
        let computed = sha256_hex(&canonical_bytes(
            entry.seq,
            &entry.previous_hash,
            &entry.recorded_at,
            &entry.event,
        ));
        if computed != entry.hash {
            return Err(EntryFault::HashMismatch {
                recorded: entry.hash,
                computed,
            });
        }
        Ok(entry)
    }
}

fn canonical_bytes(
    seq: CustodySeq,
    previous_hash: &str,
    recorded_at: &DateTime<Utc>,
    event: &CustodyEvent,
) -> Vec<u8> {
    let body = EntryBody {
        seq,
        previous_hash,
        recorded_at,
        event,
    };
    // Invariant: custody types are plain data that always serializes.
    serde_json::to_vec(&body).expect("custody entries serialize")
}

/// Walks a run of consecutive entries, one link at a time, and says where
/// the chain breaks. Feed it `(seq, hash, previous_hash)` in order; entries
/// whose contents are withheld (a redacted line of an exported segment)
/// still carry both hashes, so the chain can be followed through them.
#[derive(Debug, Default)]
pub struct ChainCheck {
    last: Option<(CustodySeq, String)>,
    /// Breaks found so far, in words.
    pub breaks: Vec<String>,
    /// Links followed.
    pub links: u64,
}

impl ChainCheck {
    /// A check that expects the very first entry of a log first (seq 1
    /// after the genesis hash).
    pub fn from_genesis() -> ChainCheck {
        ChainCheck {
            last: Some((0, GENESIS_HASH.to_owned())),
            ..ChainCheck::default()
        }
    }

    /// Takes the next entry.
    pub fn next(&mut self, seq: CustodySeq, hash: &str, previous_hash: &str) {
        if let Some((last_seq, last_hash)) = &self.last {
            if seq != last_seq + 1 {
                self.breaks.push(format!(
                    "custody entry {} is missing: entry {seq} follows entry {last_seq}",
                    if seq > last_seq + 1 {
                        format!("{}", last_seq + 1)
                    } else {
                        format!("{seq} (out of order)")
                    }
                ));
            } else if previous_hash != last_hash {
                self.breaks.push(format!(
                    "custody entry {seq} does not follow entry {last_seq}: it names previous hash {previous_hash}, entry {last_seq} has hash {last_hash}"
                ));
            } else {
                self.links += 1;
            }
        }
        self.last = Some((seq, hash.to_owned()));
    }

    /// The last entry taken: its sequence number and hash.
    pub fn last(&self) -> Option<(CustodySeq, &str)> {
        self.last.as_ref().map(|(seq, hash)| (*seq, hash.as_str()))
    }
}

/// SHA-256 of capture ids, ascending, one decimal per line (see
/// `CustodyEvent::Prune`).
pub fn ids_digest(ids: &[CaptureId]) -> String {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    let text: String = sorted.iter().map(|id| format!("{id}\n")).collect();
    sha256_hex(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event(run_id: RunId) -> CustodyEvent {
        CustodyEvent::RunStarted {
            run_id,
            trigger: RunTrigger::Manual,
            config_digest: "c0ffee".to_owned(),
            case_label: Some("case 7".to_owned()),
            tool_version: "0.1.0".to_owned(),
        }
    }

    fn time() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap() + chrono::Duration::milliseconds(123)
    }

    #[test]
    fn a_sealed_entry_reads_back_and_any_changed_byte_is_found() {
        let entry = CustodyEntry::seal(1, GENESIS_HASH, time(), event(4));
        let bytes = entry.to_bytes();
        assert_eq!(CustodyEntry::from_bytes(&bytes).unwrap(), entry);
        for index in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[index] ^= 0x01;
            assert!(
                CustodyEntry::from_bytes(&flipped).is_err(),
                "flipping byte {index} of {} went unnoticed",
                String::from_utf8_lossy(&bytes)
            );
        }
    }

    #[test]
    fn chain_check_names_the_missing_and_the_misplaced_entry() {
        let check = |entries: &[(u64, &str, &str)], expect: &[&str]| {
            let mut chain = ChainCheck::from_genesis();
            for (seq, hash, previous) in entries {
                chain.next(*seq, hash, previous);
            }
            assert_eq!(chain.breaks.len(), expect.len(), "{:?}", chain.breaks);
            for (found, expected) in chain.breaks.iter().zip(expect) {
                assert!(found.contains(expected), "{found} lacks {expected}");
            }
        };
        check(&[(1, "a", GENESIS_HASH), (2, "b", "a"), (3, "c", "b")], &[]);
        check(
            &[(1, "a", GENESIS_HASH), (3, "c", "b")],
            &["custody entry 2 is missing"],
        );
        check(
            &[(1, "a", GENESIS_HASH), (2, "b", "x")],
            &["custody entry 2 does not follow entry 1"],
        );
        check(&[(2, "b", "a")], &["custody entry 1 is missing"]);
    }
}
