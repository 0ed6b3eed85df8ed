//! Body blobs: each distinct body stored once, zstd-compressed, in a file
//! named by the SHA-256 of the uncompressed bytes (`blobs/ab/cdef….zst`).
//!
//! A blob is written to a temporary name in its final directory, fsynced,
//! renamed into place and the directory fsynced, all before any sled record
//! names it: a crash can leave an orphan blob or a stray temporary file,
//! never a record whose blob is missing.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::StoreError;

/// zstd level for bodies: HTML compresses well already at low levels, and
/// crawls are paced by politeness, not by CPU.
const ZSTD_LEVEL: i32 = 3;

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The directory of digest-named body files.
#[derive(Debug)]
pub(crate) struct BlobStore {
    root: PathBuf,
    /// Distinguishes temporary files of concurrent writers in one process.
    next_temporary: AtomicU64,
}

impl BlobStore {
    pub(crate) fn open(root: PathBuf) -> Result<BlobStore, StoreError> {
        fs::create_dir_all(&root).map_err(|source| StoreError::Io {
            path: root.clone(),
            source,
        })?;
        Ok(BlobStore {
            root,
            next_temporary: AtomicU64::new(0),
        })
    }

    /// Where the blob of `digest` lives.
    pub(crate) fn path_of(&self, digest: &str) -> PathBuf {
        let (prefix, rest) = digest.split_at(2.min(digest.len()));
        self.root.join(prefix).join(format!("{rest}.zst"))
    }

    /// Stores `bytes` unless a blob of the same digest exists; returns the
    /// digest. Durable on return.
    pub(crate) fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let digest = sha256_hex(bytes);
        let path = self.path_of(&digest);
        if path.exists() {
            return Ok(digest);
        }
        let directory = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| StoreError::Io { path, source }
        };
        fs::create_dir_all(&directory).map_err(io_error(&directory))?;
        let temporary = directory.join(format!(
            ".tmp-{}-{}",
            std::process::id(),
            self.next_temporary.fetch_add(1, Ordering::Relaxed)
        ));
        let write = || -> io::Result<()> {
            let file = fs::File::create(&temporary)?;
            let mut encoder = zstd::Encoder::new(file, ZSTD_LEVEL)?;
            encoder.write_all(bytes)?;
            let file = encoder.finish()?;
            file.sync_all()?;
            fs::rename(&temporary, &path)?;
            // The rename is durable only once the directory entry is.
            fs::File::open(&directory)?.sync_all()
        };
        if let Err(source) = write() {
            let _ = fs::remove_file(&temporary);
            return Err(StoreError::Io { path, source });
        }
        Ok(digest)
    }

    /// Reads and decompresses the blob of `digest`.
    pub(crate) fn get(&self, digest: &str) -> Result<Vec<u8>, StoreError> {
        let path = self.path_of(digest);
        let read = || -> io::Result<Vec<u8>> {
            let file = fs::File::open(&path)?;
            let mut decoder = zstd::Decoder::new(file)?;
            let mut bytes = Vec::new();
            decoder.read_to_end(&mut bytes)?;
            Ok(bytes)
        };
        read().map_err(|source| StoreError::Io {
            path: path.clone(),
            source,
        })
    }
}
