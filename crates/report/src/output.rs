//! Writing a report file: to a temporary file beside the target, synced,
//! then renamed into place, so a reader never sees half a report and a
//! failed write leaves the previous file as it was.

use std::io::Write as _;
use std::path::Path;

use crate::ReportError;

/// Writes `bytes` to `path` atomically (same directory, rename).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let io_error = |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".to_owned());
    let temporary = directory.join(format!(".{file_name}.{}.partial", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map_err(io_error)
}
