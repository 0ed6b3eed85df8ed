//! One writer per store: an exclusive advisory lock (`flock`) on the file
//! `lock` in the store directory, taken before sled opens its database and
//! held for as long as the [`Store`](crate::Store) lives. The file says who
//! holds it (pid, start time, command line), so a second process is told
//! whose it is instead of sled's bare "could not acquire lock".
//!
//! The kernel drops an flock when its holder dies however it dies, so a
//! lock file left by a dead process is stale by construction: the next
//! process takes the lock and writes itself into the file. Nothing has to
//! guess from a pid whether its holder still lives.
//!
//! The writer also serves reads for other processes on the Unix socket
//! [`socket_path`] beside the lock (the binary owns that protocol); a stale
//! socket is removed by the next writer before it binds its own.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use fs2::FileExt;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// The lock file's name in the store directory.
pub const LOCK_FILE: &str = "lock";
/// The read socket's name in the store directory.
pub const SOCKET_FILE: &str = "reads.sock";

/// Who holds a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    pub pid: u32,
    pub started_at: DateTime<Utc>,
    /// The holder's command line, as it was started.
    pub command: String,
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "pid {} ({}, since {})",
            self.pid,
            self.command,
            self.started_at.format("%Y-%m-%d %H:%M:%S UTC")
        )
    }
}

/// The held lock; released when dropped (and by the kernel if the process
/// dies first).
#[derive(Debug)]
pub(crate) struct StoreLock {
    _file: File,
}

/// Where the writer of the store at `root` serves reads.
pub fn socket_path(root: &Path) -> PathBuf {
    root.join(SOCKET_FILE)
}

impl StoreLock {
    /// Takes the lock on the store at `root` or says who holds it.
    pub(crate) fn acquire(root: &Path) -> Result<StoreLock, StoreError> {
        let path = root.join(LOCK_FILE);
        let io_error = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_error)?;
        if file.try_lock_exclusive().is_err() {
            return Err(StoreError::Locked {
                path: root.to_path_buf(),
                holder: read_holder(&path),
            });
        }
        let holder = LockHolder {
            pid: std::process::id(),
            started_at: Utc::now(),
            command: std::env::args().collect::<Vec<_>>().join(" "),
        };
        // Invariant: a plain record always serializes.
        let text = serde_json::to_string(&holder).expect("lock holder serializes");
        file.set_len(0).map_err(io_error)?;
        file.seek(SeekFrom::Start(0)).map_err(io_error)?;
        file.write_all(text.as_bytes()).map_err(io_error)?;
        file.sync_all().map_err(io_error)?;
        Ok(StoreLock { _file: file })
    }
}

fn read_holder(path: &Path) -> Option<LockHolder> {
    let mut text = String::new();
    File::open(path).ok()?.read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn a_second_writer_is_told_the_holders_pid_and_a_dropped_lock_is_free() {
        let directory = tempfile::tempdir().unwrap();
        let store = Store::open(directory.path()).unwrap();
        match Store::open(directory.path()) {
            Err(StoreError::Locked {
                holder: Some(holder),
                ..
            }) => {
                assert_eq!(holder.pid, std::process::id());
                let message = StoreError::Locked {
                    path: directory.path().to_path_buf(),
                    holder: Some(holder),
                }
                .to_string();
                assert!(
                    message.contains(&format!("pid {}", std::process::id())),
                    "{message}"
                );
            }
            other => panic!("expected a lock error, got {other:?}"),
        }
        drop(store);
        Store::open(directory.path()).expect("free again");
    }

    #[test]
    fn a_lock_file_left_by_a_dead_process_is_taken_over() {
        let directory = tempfile::tempdir().unwrap();
        std::fs::write(
            directory.path().join(LOCK_FILE),
            r#"{"pid":999999,"started_at":"2025-01-01T00:00:00Z","command":"cartograph crawl"}"#,
        )
        .unwrap();
        let _store = Store::open(directory.path()).unwrap();
        let holder = read_holder(&directory.path().join(LOCK_FILE)).unwrap();
        assert_eq!(holder.pid, std::process::id());
    }
}
