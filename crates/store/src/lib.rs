//! The embedded store: runs, captures (evidence), page and site indicators,
//! in sled, with body blobs as digest-named files beside it.
//!
//! This is the only crate that knows sled (pinned to 0.34.7, whose on-disk
//! format later alphas change). Everything it stores is one of its own
//! record types, JSON-encoded, under big-endian integer keys so that sled's
//! byte order is numeric order. The layout version is `SCHEMA_VERSION`;
//! opening a store of another version is a clear error, never a panic.
//!
//! Layout of a store directory:
//! - `db/`: the sled database;
//! - `blobs/ab/cdef….zst`: bodies, once per SHA-256 (see `blobs`).
//!
//! Every capture, run start and end, export and prune is also an entry of
//! the hash-chained custody log (`custody`), written in the same sled
//! transaction as the record it speaks for. `verify.rs` checks a whole
//! store, `prune.rs` removes captures past retention, `selection.rs` says
//! which captures an export covers.
//! - `blobs/ab/cdef….zst`: bodies, once per SHA-256 (see `blobs`);
//! - `lock`: who holds the store (see `lock`); `reads.sock`: where the
//!   holder serves reads to other processes.
//!
//! Runs resume: the frontier (`frontier`), host pacing (`host_pacing`), ads
//! across runs (`ads`) and the daemon's schedules (`schedule_state`) each
//! live in a tree of their own.

mod ads;
mod blobs;
pub mod custody;
mod frontier;
mod host_pacing;
mod lock;
mod prune;
mod records;
mod robots_cache;
mod schedule_state;
pub mod secret_file;
mod selection;
#[cfg(feature = "tamper")]
pub mod tamper;
mod verify;

use std::path::{Path, PathBuf};

pub use blobs::sha256_hex;
pub use custody::{CustodyEntry, CustodyEvent, CustodySeq};
pub use prune::PruneReport;
pub use records::PageBody;
pub use records::{
    BodyRef, CaptureId, CaptureKind, CaptureRecord, NewCapture, NewResponse, PageIndicatorsRecord,
    PolitenessRecord, RequestRecord, ResponseRecord, RunId, RunRecord, RunState, RunTrigger,
    SiteIndicatorsRecord, SiteRunRecord, SiteRunStatus,
};
pub use robots_cache::RobotsCacheRecord;
pub use selection::CaptureSelection;
pub use verify::{StoreVerification, Verdict};

use std::sync::Mutex;

pub use ads::{AdRunSummary, AdSeenRecord};
pub use frontier::{
    FrontierCounts, FrontierEntry, FrontierSnapshot, FrontierState, FrontierUpdate, SeenKind,
    SiteProgress,
};
pub use host_pacing::HostPacingRecord;
pub use lock::{socket_path, LockHolder, LOCK_FILE, SOCKET_FILE};
pub use records::Resumption;
pub use schedule_state::ScheduleStateRecord;

use blobs::BlobStore;
use custody::{CustodyEntry as Entry, GENESIS_HASH};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sled::transaction::{
    ConflictableTransactionError, ConflictableTransactionResult, TransactionError,
    TransactionalTree,
};
use sled::Transactional;

/// Version of the store layout. Bump it when a record or key changes in a
/// way older code cannot read. 2: the custody log.
pub const SCHEMA_VERSION: u32 = 2;

const SCHEMA_KEY: &[u8] = b"schema_version";
/// In `meta`: the sequence number and hash of the last custody entry, so a
/// transaction can chain the next one (and a removed last entry is seen).
const CUSTODY_HEAD_KEY: &[u8] = b"custody_head";

/// Errors of the store. Every variant names the store or file involved.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "store at {path} has schema version {found}, this cartograph reads version {expected}"
    )]
    SchemaVersion {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("failed to open store at {path}")]
    Open {
        path: PathBuf,
        #[source]
        source: sled::Error,
    },
    #[error("store database error at {path}")]
    Database {
        path: PathBuf,
        #[source]
        source: sled::Error,
    },
    #[error("i/o error on {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("corrupt {what} record in store at {path}")]
    Corrupt {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("run {0} does not exist")]
    NoSuchRun(RunId),
    #[error("custody entry {seq} in store at {path} is damaged: {fault}")]
    CustodyEntry {
        path: PathBuf,
        seq: CustodySeq,
        fault: custody::EntryFault,
    },
    #[error("store at {} is in use by {}", path.display(), holder_words(holder))]
    Locked {
        path: PathBuf,
        holder: Option<LockHolder>,
    },
}

fn holder_words(holder: &Option<LockHolder>) -> String {
    match holder {
        Some(holder) => holder.to_string(),
        None => "another process (it has not written its pid yet)".to_owned(),
    }
}

/// An open store. Cheap to share behind an `Arc`; sled is thread-safe.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    db: sled::Db,
    meta: sled::Tree,
    runs: sled::Tree,
    captures: sled::Tree,
    /// URL → id of its latest capture.
    captures_by_url: sled::Tree,
    page_indicators: sled::Tree,
    site_indicators: sled::Tree,
    /// Custody entries under their big-endian sequence number.
    custody: sled::Tree,
    /// Capture id → sequence number of its custody entry.
    custody_by_capture: sled::Tree,
    blobs: BlobStore,
    /// Held while a custody entry is appended: sled would retry conflicting
    /// transactions anyway, this keeps the chain's head uncontended.
    custody_writer: Mutex<()>,
    /// Held for the store's life: one writer per store.
    _lock: lock::StoreLock,
}

impl Store {
    /// Opens (creating if needed) the store in directory `root`.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        let root = root.to_path_buf();
        std::fs::create_dir_all(&root).map_err(|source| StoreError::Io {
            path: root.clone(),
            source,
        })?;
        let store_lock = lock::StoreLock::acquire(&root)?;
        let db_path = root.join("db");
        let db = sled::open(&db_path).map_err(|source| StoreError::Open {
            path: db_path.clone(),
            source,
        })?;
        let database_error = |source| StoreError::Database {
            path: db_path.clone(),
            source,
        };
        let meta = db.open_tree("meta").map_err(database_error)?;
        match meta.get(SCHEMA_KEY).map_err(database_error)? {
            Some(bytes) => {
                let found = <[u8; 4]>::try_from(bytes.as_ref())
                    .map(u32::from_be_bytes)
                    .unwrap_or(0);
                if found != SCHEMA_VERSION {
                    return Err(StoreError::SchemaVersion {
                        path: root,
                        found,
                        expected: SCHEMA_VERSION,
                    });
                }
            }
            None => {
                meta.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
                    .map_err(database_error)?;
            }
        }
        let open_tree = |name: &str| db.open_tree(name).map_err(database_error);
        let store = Store {
            runs: open_tree("runs")?,
            captures: open_tree("captures")?,
            captures_by_url: open_tree("captures_by_url")?,
            page_indicators: open_tree("page_indicators")?,
            site_indicators: open_tree("site_indicators")?,
            custody: open_tree("custody")?,
            custody_by_capture: open_tree("custody_by_capture")?,
            blobs: BlobStore::open(root.join("blobs"))?,
            custody_writer: Mutex::new(()),
            meta,
            _lock: store_lock,
            db,
            root,
        };
        Ok(store)
    }

    /// The store's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Starts a run and returns its record (state `Running`); the run record
    /// and its `run-started` custody entry are written together, durable on
    /// return.
    pub fn begin_run(
        &self,
        trigger: RunTrigger,
        config_digest: &str,
        case_label: Option<&str>,
        sites: impl IntoIterator<Item = String>,
        started_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<RunRecord, StoreError> {
        let id = self.next_id()?;
        let run = RunRecord {
            id,
            trigger,
            config_digest: config_digest.to_owned(),
            case_label: case_label.map(str::to_owned),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            started_at,
            finished_at: None,
            state: RunState::Running,
            resumptions: Vec::new(),
            sites: sites
                .into_iter()
                .map(|site| (site, SiteRunRecord::pending()))
                .collect(),
        };
        let event = CustodyEvent::RunStarted {
            run_id: run.id,
            trigger: run.trigger,
            config_digest: run.config_digest.clone(),
            case_label: run.case_label.clone(),
            tool_version: run.tool_version.clone(),
        };
        self.write_run_with_custody(&run, event)?;
        Ok(run)
    }

    /// Ends a run: writes its final record (state and `finished_at` set by
    /// the caller) and its `run-finished` custody entry together; durable on
    /// return, as every custody entry is.
    pub fn finish_run(&self, run: &RunRecord) -> Result<CustodyEntry, StoreError> {
        let event = CustodyEvent::RunFinished {
            run_id: run.id,
            state: run.state,
            config_digest: run.config_digest.clone(),
            captures: run.sites.values().map(|site| site.captures).sum(),
        };
        self.write_run_with_custody(run, event)
    }

    fn write_run_with_custody(
        &self,
        run: &RunRecord,
        event: CustodyEvent,
    ) -> Result<CustodyEntry, StoreError> {
        let key = run.id.to_be_bytes();
        // Invariant: record types are plain data that always serializes.
        let bytes = serde_json::to_vec(run).expect("store records serialize");
        let entry = {
            let _writer = self.lock_custody();
            (&self.runs, &self.custody, &self.meta)
                .transaction(|(runs, custody, meta)| {
                    runs.insert(&key, bytes.as_slice())?;
                    self.append_custody(custody, meta, event.clone())
                })
                .map_err(|error| self.transaction_error(error))?
        };
        self.flush()?;
        Ok(entry)
    }

    /// Writes `run` over its earlier version.
    pub fn put_run(&self, run: &RunRecord) -> Result<(), StoreError> {
        self.put_json(&self.runs, &run.id.to_be_bytes(), run)
    }

    /// The run `id`, if it exists.
    pub fn run(&self, id: RunId) -> Result<Option<RunRecord>, StoreError> {
        self.get_json(&self.runs, &id.to_be_bytes(), "run")
    }

    /// Runs that neither completed nor were abandoned (cut off by a crash
    /// or a shutdown), oldest first: the next writer resumes them.
    pub fn unfinished_runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        Ok(self
            .runs()?
            .into_iter()
            .filter(|run| matches!(run.state, RunState::Running | RunState::Interrupted))
            .collect())
    }

    /// All runs, oldest first.
    pub fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        self.scan_json(&self.runs, &[], "run")
    }

    /// Stores a capture: its body blob first (durable), then, in one sled
    /// transaction, the record, its by-URL index entry and its custody
    /// entry; durable on return. A crash can leave an orphan blob, never a
    /// record without its blob or without its custody entry.
    pub fn put_capture(&self, capture: NewCapture) -> Result<CaptureRecord, StoreError> {
        let response = match capture.response {
            Some(response) => {
                let body = if response.body.is_empty() && !response.truncated {
                    None
                } else {
                    Some(BodyRef {
                        sha256: self.blobs.put(&response.body)?,
                        length: response.body.len() as u64,
                        truncated: response.truncated,
                    })
                };
                Some(ResponseRecord {
                    status: response.status,
                    reason: response.reason,
                    version: response.version,
                    headers: response.headers,
                    body,
                    remote_ip: response.remote_ip,
                })
            }
            None => None,
        };
        let record = CaptureRecord {
            id: self.next_id()?,
            run_id: capture.run_id,
            site_id: capture.site_id,
            kind: capture.kind,
            url: capture.url,
            request: capture.request,
            response,
            error: capture.error,
            fetched_at: capture.fetched_at,
            duration_ms: capture.duration_ms,
            tool_version: capture.tool_version,
            politeness: capture.politeness,
            outcome: capture.outcome,
            case_label: capture.case_label,
            revisit_of: capture.revisit_of,
            redirected_from: capture.redirected_from,
        };
        let key = record.id.to_be_bytes();
        // Invariant: record types are plain data that always serializes.
        let bytes = serde_json::to_vec(&record).expect("store records serialize");
        let event = CustodyEvent::Capture {
            capture_id: record.id,
            run_id: record.run_id,
            site_id: record.site_id.clone(),
            url: record.url.clone(),
            fetched_at: record.fetched_at,
            record_sha256: sha256_hex(&bytes),
            body_sha256: record
                .response
                .as_ref()
                .and_then(|response| response.body.as_ref())
                .map(|body| body.sha256.clone()),
        };
        {
            let _writer = self.lock_custody();
            (
                &self.captures,
                &self.captures_by_url,
                &self.custody,
                &self.custody_by_capture,
                &self.meta,
            )
                .transaction(|(captures, by_url, custody, by_capture, meta)| {
                    captures.insert(&key, bytes.as_slice())?;
                    by_url.insert(record.url.as_bytes(), &key)?;
                    let entry = self.append_custody(custody, meta, event.clone())?;
                    by_capture.insert(&key, &entry.seq.to_be_bytes())?;
                    Ok(())
                })
                .map_err(|error| self.transaction_error(error))?;
        }
        self.flush()?;
        Ok(record)
    }

    /// Records a finished export in the custody log.
    pub fn record_export(&self, event: CustodyEvent) -> Result<CustodyEntry, StoreError> {
        let _writer = self.lock_custody();
        let entry = (&self.custody, &self.meta)
            .transaction(|(custody, meta)| self.append_custody(custody, meta, event.clone()))
            .map_err(|error| self.transaction_error(error))?;
        self.flush()?;
        Ok(entry)
    }

    /// The custody entry `seq`, checked against itself.
    pub fn custody_entry(&self, seq: CustodySeq) -> Result<Option<CustodyEntry>, StoreError> {
        let bytes = self
            .custody
            .get(seq.to_be_bytes())
            .map_err(|source| self.database_error(source))?;
        bytes
            .map(|bytes| {
                Entry::from_bytes(&bytes).map_err(|fault| StoreError::CustodyEntry {
                    path: self.root.clone(),
                    seq,
                    fault,
                })
            })
            .transpose()
    }

    /// The sequence number of the custody entry of capture `id`.
    pub fn custody_seq_of_capture(&self, id: CaptureId) -> Result<Option<CustodySeq>, StoreError> {
        let seq = self
            .custody_by_capture
            .get(id.to_be_bytes())
            .map_err(|source| self.database_error(source))?;
        Ok(seq.and_then(|bytes| decode_u64(&bytes)))
    }

    /// Custody entries with sequence numbers in `range`, in order, each
    /// checked against itself (not against its neighbours).
    pub fn custody_entries(
        &self,
        range: std::ops::RangeInclusive<CustodySeq>,
    ) -> impl Iterator<Item = Result<CustodyEntry, StoreError>> + '_ {
        let (start, end) = range.into_inner();
        self.custody
            .range(start.to_be_bytes()..=end.to_be_bytes())
            .map(move |item| {
                let (key, bytes) = item.map_err(|source| self.database_error(source))?;
                let seq = decode_u64(&key).unwrap_or(0);
                Entry::from_bytes(&bytes).map_err(|fault| StoreError::CustodyEntry {
                    path: self.root.clone(),
                    seq,
                    fault,
                })
            })
    }

    fn lock_custody(&self) -> std::sync::MutexGuard<'_, ()> {
        // A panic while holding the guard cannot leave the chain half
        // written (the transaction either committed or not): go on.
        self.custody_writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends `event` after the current head, inside a transaction that
    /// includes `custody` and `meta`.
    fn append_custody(
        &self,
        custody: &TransactionalTree,
        meta: &TransactionalTree,
        event: CustodyEvent,
    ) -> ConflictableTransactionResult<CustodyEntry, StoreError> {
        let (last_seq, last_hash) = match meta.get(CUSTODY_HEAD_KEY)? {
            Some(bytes) => {
                let head: CustodyHead = serde_json::from_slice(&bytes).map_err(|source| {
                    ConflictableTransactionError::Abort(StoreError::Corrupt {
                        path: self.root.clone(),
                        what: "custody head",
                        source,
                    })
                })?;
                (head.seq, head.hash)
            }
            None => (0, GENESIS_HASH.to_owned()),
        };
        let entry = Entry::seal(last_seq + 1, &last_hash, chrono::Utc::now(), event);
        custody.insert(&entry.seq.to_be_bytes(), entry.to_bytes())?;
        let head = CustodyHead {
            seq: entry.seq,
            hash: entry.hash.clone(),
        };
        // Invariant: the head is plain data that always serializes.
        let head_bytes = serde_json::to_vec(&head).expect("custody head serializes");
        meta.insert(CUSTODY_HEAD_KEY, head_bytes)?;
        Ok(entry)
    }

    /// The last custody entry's sequence number and hash, as the store
    /// remembers it.
    fn custody_head(&self) -> Result<Option<CustodyHead>, StoreError> {
        self.get_json(&self.meta, CUSTODY_HEAD_KEY, "custody head")
    }

    fn transaction_error(&self, error: TransactionError<StoreError>) -> StoreError {
        match error {
            TransactionError::Abort(error) => error,
            TransactionError::Storage(source) => self.database_error(source),
        }
    }

    /// The latest capture of `url` (for conditional requests).
    pub fn last_capture_for_url(&self, url: &str) -> Result<Option<CaptureRecord>, StoreError> {
        let id = self
            .captures_by_url
            .get(url.as_bytes())
            .map_err(|source| self.database_error(source))?;
        match id.and_then(|bytes| <[u8; 8]>::try_from(bytes.as_ref()).ok()) {
            Some(id) => self.capture(u64::from_be_bytes(id)),
            None => Ok(None),
        }
    }

    /// The capture `id`, if it exists.
    pub fn capture(&self, id: CaptureId) -> Result<Option<CaptureRecord>, StoreError> {
        self.get_json(&self.captures, &id.to_be_bytes(), "capture")
    }

    /// All captures, in write order.
    pub fn captures(&self) -> impl Iterator<Item = Result<CaptureRecord, StoreError>> + '_ {
        self.captures.iter().map(move |entry| {
            let (_, value) = entry.map_err(|source| self.database_error(source))?;
            self.decode(&value, "capture")
        })
    }

    /// The body bytes of `body`, as received.
    pub fn read_body(&self, body: &BodyRef) -> Result<Vec<u8>, StoreError> {
        self.blobs.get(&body.sha256)
    }

    /// A page capture's headers and body as extraction reads them: the
    /// capture's own body, or for a `304 Not Modified` (no body) the body of
    /// the capture it revisits, with its content-coding undone up to
    /// `max_decoded_bytes` (a bomb is cut, as the crawler cut it). `None`
    /// when neither has a body. The crawl (a resumed run), `reextract` and
    /// the report all read stored pages through this.
    pub fn page_body(
        &self,
        capture: &CaptureRecord,
        max_decoded_bytes: u64,
    ) -> Result<Option<PageBody>, StoreError> {
        let revisited = match (&capture.response, capture.revisit_of) {
            (Some(response), Some(original)) if response.body.is_none() => {
                self.capture(original)?
            }
            _ => None,
        };
        let Some(response) = revisited
            .as_ref()
            .and_then(|original| original.response.as_ref())
            .or(capture.response.as_ref())
        else {
            return Ok(None);
        };
        let Some(body_ref) = &response.body else {
            return Ok(None);
        };
        let raw = self.read_body(body_ref)?;
        let (bytes, decode_error) =
            match cartograph_extract::decode_body(&response.headers, &raw, max_decoded_bytes) {
                Some(decoded) => (decoded.bytes, decoded.error),
                None => (raw, None),
            };
        Ok(Some(PageBody {
            headers: response.headers.clone(),
            bytes,
            decode_error,
        }))
    }

    /// Where the blob of `digest` lives (for verification and export).
    pub fn blob_path(&self, digest: &str) -> PathBuf {
        self.blobs.path_of(digest)
    }

    /// Stores the indicators of one page.
    pub fn put_page_indicators(&self, record: &PageIndicatorsRecord) -> Result<(), StoreError> {
        let mut key = record.run_id.to_be_bytes().to_vec();
        key.extend_from_slice(&record.capture_id.to_be_bytes());
        self.put_json(&self.page_indicators, &key, record)
    }

    /// The page indicators of run `run_id`, in capture order.
    pub fn page_indicators(&self, run_id: RunId) -> Result<Vec<PageIndicatorsRecord>, StoreError> {
        self.scan_json(
            &self.page_indicators,
            &run_id.to_be_bytes(),
            "page indicators",
        )
    }

    /// Stores the indicators of one site in one run.
    pub fn put_site_indicators(&self, record: &SiteIndicatorsRecord) -> Result<(), StoreError> {
        self.put_json(
            &self.site_indicators,
            &site_run_key(&record.site_id, record.run_id),
            record,
        )
    }

    /// Every run's indicators of `site_id`, oldest first.
    pub fn site_history(&self, site_id: &str) -> Result<Vec<SiteIndicatorsRecord>, StoreError> {
        let mut prefix = site_id.as_bytes().to_vec();
        prefix.push(0);
        self.scan_json(&self.site_indicators, &prefix, "site indicators")
    }

    /// The latest run's indicators of every site that has any, by site id.
    pub fn latest_site_indicators(&self) -> Result<Vec<SiteIndicatorsRecord>, StoreError> {
        let all: Vec<SiteIndicatorsRecord> =
            self.scan_json(&self.site_indicators, &[], "site indicators")?;
        let mut latest: Vec<SiteIndicatorsRecord> = Vec::new();
        for record in all {
            match latest.last_mut() {
                // Keys sort by site, then run: a later entry of the same site
                // is a later run.
                Some(last) if last.site_id == record.site_id => *last = record,
                _ => latest.push(record),
            }
        }
        Ok(latest)
    }

    /// Makes everything written so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db
            .flush()
            .map(|_| ())
            .map_err(|source| self.database_error(source))
    }

    fn next_id(&self) -> Result<u64, StoreError> {
        // sled's ids are unique and increasing across restarts (it reserves
        // a block and skips past it after a crash); ours start at 1.
        self.db
            .generate_id()
            .map(|id| id + 1)
            .map_err(|source| self.database_error(source))
    }

    fn put_json<T: Serialize>(
        &self,
        tree: &sled::Tree,
        key: &[u8],
        value: &T,
    ) -> Result<(), StoreError> {
        // Invariant: record types are plain data that always serializes.
        let bytes = serde_json::to_vec(value).expect("store records serialize");
        tree.insert(key, bytes)
            .map(|_| ())
            .map_err(|source| self.database_error(source))
    }

    fn get_json<T: DeserializeOwned>(
        &self,
        tree: &sled::Tree,
        key: &[u8],
        what: &'static str,
    ) -> Result<Option<T>, StoreError> {
        match tree
            .get(key)
            .map_err(|source| self.database_error(source))?
        {
            Some(bytes) => self.decode(&bytes, what).map(Some),
            None => Ok(None),
        }
    }

    fn scan_json<T: DeserializeOwned>(
        &self,
        tree: &sled::Tree,
        prefix: &[u8],
        what: &'static str,
    ) -> Result<Vec<T>, StoreError> {
        tree.scan_prefix(prefix)
            .map(|entry| {
                let (_, value) = entry.map_err(|source| self.database_error(source))?;
                self.decode(&value, what)
            })
            .collect()
    }

    fn decode<T: DeserializeOwned>(
        &self,
        bytes: &[u8],
        what: &'static str,
    ) -> Result<T, StoreError> {
        serde_json::from_slice(bytes).map_err(|source| StoreError::Corrupt {
            path: self.root.clone(),
            what,
            source,
        })
    }

    fn database_error(&self, source: sled::Error) -> StoreError {
        StoreError::Database {
            path: self.root.join("db"),
            source,
        }
    }
}

/// The chain's head as kept in `meta`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
struct CustodyHead {
    seq: CustodySeq,
    hash: String,
}

fn decode_u64(bytes: &[u8]) -> Option<u64> {
    <[u8; 8]>::try_from(bytes).ok().map(u64::from_be_bytes)
}

/// Key of a site's row for one run: the site id, a zero byte (ids never
/// contain one), then the run id big-endian, so a site's rows sort by run.
fn site_run_key(site_id: &str, run_id: RunId) -> Vec<u8> {
    let mut key = site_id.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(&run_id.to_be_bytes());
    key
}

#[cfg(test)]
mod tests;
