//! `Store::verify`: checks a whole store against its own custody log.
//!
//! Walks the custody chain from the genesis hash to the head the store
//! remembers (every entry re-hashed, every link followed), checks every
//! capture record against the record digest in its custody entry and every
//! custody capture entry against a capture still there (or a later prune
//! that removed it), and re-hashes every blob a capture names. Each problem
//! becomes a failed `Verdict` naming what broke; orphan blobs (a crash
//! between a blob and its record) are reported but are not failures.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};

use crate::custody::{ChainCheck, CustodyEntry, CustodyEvent, CustodySeq};
use crate::records::{CaptureId, CaptureRecord, RunId};
use crate::{decode_u64, sha256_hex, Store, StoreError};

/// The verdict of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub passed: bool,
    /// What was checked: `custody chain`, `blob ab12…`, `capture 17`.
    pub subject: String,
    /// What was found, in words.
    pub detail: String,
}

impl Verdict {
    pub fn ok(subject: impl Into<String>, detail: impl Into<String>) -> Verdict {
        Verdict {
            passed: true,
            subject: subject.into(),
            detail: detail.into(),
        }
    }

    pub fn failed(subject: impl Into<String>, detail: impl Into<String>) -> Verdict {
        Verdict {
            passed: false,
            subject: subject.into(),
            detail: detail.into(),
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let word = if self.passed { "ok  " } else { "FAIL" };
        write!(formatter, "{word} {}: {}", self.subject, self.detail)
    }
}

/// Everything `Store::verify` found.
#[derive(Debug, Clone, Default)]
pub struct StoreVerification {
    pub verdicts: Vec<Verdict>,
}

impl StoreVerification {
    /// True when no check failed.
    pub fn passed(&self) -> bool {
        self.verdicts.iter().all(|verdict| verdict.passed)
    }
}

/// A prune as the chain records it.
struct PruneMark {
    seq: CustodySeq,
    cutoff: DateTime<Utc>,
}

impl Store {
    /// Checks the whole store; see the module documentation. Errors only
    /// when the store cannot be read at all; damage is reported as verdicts.
    pub fn verify(&self) -> Result<StoreVerification, StoreError> {
        let mut verdicts = Vec::new();
        let prunes = self.verify_chain(&mut verdicts)?;
        self.verify_capture_entries(&prunes, &mut verdicts)?;
        let referenced = self.verify_capture_records(&mut verdicts)?;
        self.verify_blobs(&referenced, &mut verdicts)?;
        Ok(StoreVerification { verdicts })
    }

    /// The chain, entry by entry, and the head. Returns the prunes seen.
    fn verify_chain(&self, verdicts: &mut Vec<Verdict>) -> Result<Vec<PruneMark>, StoreError> {
        let mut chain = ChainCheck::from_genesis();
        let mut prunes = Vec::new();
        let mut entries = 0_u64;
        let mut damaged = 0_u64;
        let mut runs_started: BTreeMap<RunId, bool> = BTreeMap::new();
        for item in self.custody.iter() {
            let (key, bytes) = item.map_err(|source| self.database_error(source))?;
            let seq = decode_u64(&key).unwrap_or(0);
            entries += 1;
            match CustodyEntry::from_bytes(&bytes) {
                Ok(entry) => {
                    if entry.seq != seq {
                        damaged += 1;
                        verdicts.push(Verdict::failed(
                            format!("custody entry {seq}"),
                            format!("is stored under {seq} but says it is entry {}", entry.seq),
                        ));
                    }
                    chain.next(seq, &entry.hash, &entry.previous_hash);
                    match &entry.event {
                        CustodyEvent::Prune { cutoff, .. } => prunes.push(PruneMark {
                            seq,
                            cutoff: *cutoff,
                        }),
                        CustodyEvent::RunStarted { run_id, .. } => {
                            runs_started.insert(*run_id, false);
                        }
                        CustodyEvent::RunFinished { run_id, .. } => {
                            runs_started.insert(*run_id, true);
                        }
                        _ => {}
                    }
                }
                Err(fault) => {
                    damaged += 1;
                    verdicts.push(Verdict::failed(
                        format!("custody entry {seq}"),
                        fault.to_string(),
                    ));
                    // Follow the chain through the damaged entry if its
                    // hashes can still be read, so one changed byte is
                    // reported once, not as a broken link too.
                    let loose: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
                    let field = |name: &str| {
                        loose
                            .as_ref()
                            .and_then(|value| value.get(name))
                            .and_then(|value| value.as_str())
                            .unwrap_or("(unreadable)")
                            .to_owned()
                    };
                    chain.next(seq, &field("hash"), &field("previous_hash"));
                }
            }
        }
        for broken in &chain.breaks {
            verdicts.push(Verdict::failed("custody chain", broken.clone()));
        }
        let head = self.custody_head()?;
        match (head, chain.last()) {
            (None, None) | (None, Some((0, _))) => {}
            (Some(head), Some((last_seq, last_hash))) if head.seq == last_seq => {
                if head.hash != last_hash {
                    verdicts.push(Verdict::failed(
                        "custody chain",
                        format!(
                            "the last entry {last_seq} has hash {last_hash}, the store recorded {}",
                            head.hash
                        ),
                    ));
                }
            }
            (Some(head), Some((last_seq, _))) if head.seq > last_seq => {
                verdicts.push(Verdict::failed(
                    "custody chain",
                    format!(
                        "custody entries {}..={} are missing: the log ends at entry {last_seq}, the store recorded entry {} as the last",
                        last_seq + 1,
                        head.seq,
                        head.seq
                    ),
                ));
            }
            (head, last) => {
                verdicts.push(Verdict::failed(
                    "custody chain",
                    format!(
                        "the log ends at entry {}, the store recorded entry {} as the last",
                        last.map(|(seq, _)| seq).unwrap_or(0),
                        head.map(|head| head.seq).unwrap_or(0)
                    ),
                ));
            }
        }
        if chain.breaks.is_empty() && damaged == 0 {
            verdicts.push(Verdict::ok(
                "custody chain",
                format!("{entries} entries, every hash and link holds"),
            ));
        }
        let unfinished: Vec<String> = runs_started
            .iter()
            .filter(|(_, finished)| !**finished)
            .map(|(run, _)| run.to_string())
            .collect();
        if !unfinished.is_empty() {
            verdicts.push(Verdict::ok(
                "runs",
                format!(
                    "run(s) {} have no end entry (still running, or stopped by a crash)",
                    unfinished.join(", ")
                ),
            ));
        }
        Ok(prunes)
    }

    /// Every custody capture entry against the capture it names.
    fn verify_capture_entries(
        &self,
        prunes: &[PruneMark],
        verdicts: &mut Vec<Verdict>,
    ) -> Result<(), StoreError> {
        let mut checked = 0_u64;
        let mut pruned = 0_u64;
        let mut failed = false;
        for item in self.custody.iter() {
            let (key, bytes) = item.map_err(|source| self.database_error(source))?;
            let seq = decode_u64(&key).unwrap_or(0);
            let Ok(entry) = CustodyEntry::from_bytes(&bytes) else {
                continue; // reported by the chain check
            };
            let CustodyEvent::Capture {
                capture_id,
                fetched_at,
                record_sha256,
                ..
            } = &entry.event
            else {
                continue;
            };
            checked += 1;
            let subject = format!("capture {capture_id}");
            match self
                .captures
                .get(capture_id.to_be_bytes())
                .map_err(|source| self.database_error(source))?
            {
                Some(record) => {
                    let computed = sha256_hex(&record);
                    if computed != *record_sha256 {
                        failed = true;
                        verdicts.push(Verdict::failed(
                            subject,
                            format!("its record no longer matches custody entry {seq} (record digest {computed}, entry says {record_sha256})"),
                        ));
                    }
                }
                None => {
                    let covered = prunes
                        .iter()
                        .any(|prune| prune.seq > seq && *fetched_at < prune.cutoff);
                    if covered {
                        pruned += 1;
                    } else {
                        failed = true;
                        verdicts.push(Verdict::failed(
                            subject,
                            format!("is named by custody entry {seq} but is gone, and no prune removed it"),
                        ));
                    }
                }
            }
            if self.custody_seq_of_capture(*capture_id)? != Some(seq) {
                failed = true;
                verdicts.push(Verdict::failed(
                    format!("capture {capture_id}"),
                    format!("the index of custody entries does not point at entry {seq}"),
                ));
            }
        }
        if !failed {
            verdicts.push(Verdict::ok(
                "custody capture entries",
                format!(
                    "{checked} entries, each matches its capture record ({pruned} removed by prunes)"
                ),
            ));
        }
        Ok(())
    }

    /// Every capture record has a custody entry; returns the body digests
    /// the records name.
    fn verify_capture_records(
        &self,
        verdicts: &mut Vec<Verdict>,
    ) -> Result<HashSet<String>, StoreError> {
        let mut referenced = HashSet::new();
        let mut captures = 0_u64;
        let mut failed = false;
        for item in self.captures.iter() {
            let (key, bytes) = item.map_err(|source| self.database_error(source))?;
            let id: CaptureId = decode_u64(&key).unwrap_or(0);
            captures += 1;
            let subject = format!("capture {id}");
            match self.custody_seq_of_capture(id)? {
                None => {
                    failed = true;
                    verdicts.push(Verdict::failed(subject.clone(), "has no custody entry"));
                }
                Some(seq) => {
                    let present = self
                        .custody
                        .contains_key(seq.to_be_bytes())
                        .map_err(|source| self.database_error(source))?;
                    if !present {
                        failed = true;
                        verdicts.push(Verdict::failed(
                            subject.clone(),
                            format!("its custody entry {seq} is missing"),
                        ));
                    }
                }
            }
            match serde_json::from_slice::<CaptureRecord>(&bytes) {
                Ok(record) => {
                    if let Some(body) = record.response.and_then(|response| response.body) {
                        referenced.insert(body.sha256);
                    }
                }
                Err(error) => {
                    failed = true;
                    verdicts.push(Verdict::failed(
                        subject,
                        format!("record is unreadable ({error})"),
                    ));
                }
            }
        }
        if !failed {
            verdicts.push(Verdict::ok(
                "capture records",
                format!("{captures} records, each has its custody entry"),
            ));
        }
        Ok(referenced)
    }

    /// Re-hashes every referenced blob; reports orphans.
    fn verify_blobs(
        &self,
        referenced: &HashSet<String>,
        verdicts: &mut Vec<Verdict>,
    ) -> Result<(), StoreError> {
        let mut failed = false;
        let mut sorted: Vec<&String> = referenced.iter().collect();
        sorted.sort();
        for digest in sorted {
            let path = self.blobs.path_of(digest);
            match self.blobs.rehash(digest) {
                Ok(computed) if computed == *digest => {}
                Ok(computed) => {
                    failed = true;
                    verdicts.push(Verdict::failed(
                        format!("blob {digest}"),
                        format!("{} holds bytes whose SHA-256 is {computed}", path.display()),
                    ));
                }
                Err(error) => {
                    failed = true;
                    verdicts.push(Verdict::failed(
                        format!("blob {digest}"),
                        format!("{} cannot be read ({error})", path.display()),
                    ));
                }
            }
        }
        if !failed {
            verdicts.push(Verdict::ok(
                "blobs",
                format!(
                    "{} blobs re-hashed, each matches its name",
                    referenced.len()
                ),
            ));
        }
        let files = self.blobs.files().map_err(|source| StoreError::Io {
            path: self.root.join("blobs"),
            source,
        })?;
        let orphans: Vec<String> = files
            .iter()
            .filter(|(digest, _)| {
                digest
                    .as_ref()
                    .is_none_or(|digest| !referenced.contains(digest))
            })
            .map(|(_, path)| path.display().to_string())
            .collect();
        if !orphans.is_empty() {
            verdicts.push(Verdict::ok(
                "orphan blobs",
                format!(
                    "{} file(s) no capture names (left by an interrupted write; `cartograph prune` removes them): {}",
                    orphans.len(),
                    orphans.join(", ")
                ),
            ));
        }
        Ok(())
    }
}
