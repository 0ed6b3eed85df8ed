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

    /// Decompresses the blob of `digest` and returns the SHA-256 of what
    /// comes out, streaming: the blob is never held whole in memory.
    pub(crate) fn rehash(&self, digest: &str) -> io::Result<String> {
        let file = fs::File::open(self.path_of(digest))?;
        let mut decoder = zstd::Decoder::new(file)?;
        let mut hasher = HashingWriter(Sha256::new());
        io::copy(&mut decoder, &mut hasher)?;
        Ok(hex::encode(hasher.0.finalize()))
    }

    /// Every file under the blob directory: `(digest, path)` for blob files
    /// (`None` as digest for stray temporary files).
    pub(crate) fn files(&self) -> io::Result<Vec<(Option<String>, PathBuf)>> {
        let mut found = Vec::new();
        for prefix in fs::read_dir(&self.root)? {
            let prefix = prefix?;
            if !prefix.file_type()?.is_dir() {
                found.push((None, prefix.path()));
                continue;
            }
            let prefix_name = prefix.file_name().to_string_lossy().into_owned();
            for file in fs::read_dir(prefix.path())? {
                let path = file?.path();
                let name = path
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let digest = name
                    .strip_suffix(".zst")
                    .filter(|rest| !rest.starts_with('.'))
                    .map(|rest| format!("{prefix_name}{rest}"));
                found.push((digest, path));
            }
        }
        Ok(found)
    }

    /// Removes the blob of `digest`; a blob already gone is not an error.
    pub(crate) fn remove(&self, digest: &str) -> Result<(), StoreError> {
        let path = self.path_of(digest);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(source) if source.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(StoreError::Io { path, source }),
        }
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

/// An `io::Write` that only hashes.
struct HashingWriter(Sha256);

impl Write for HashingWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
