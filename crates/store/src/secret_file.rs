//! The unit's secret key files (the evidence signing key, the contact
//! linkage key): created once, private to the account that runs cartograph
//! (file 0600 in a 0700 directory, written whole and synced, never
//! overwritten), and refused when others can read them, as ssh refuses a
//! shared private key. Callers choose the text inside; this module never
//! prints it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a secret file could not be read or created.
#[derive(Debug, thiserror::Error)]
pub enum SecretFileError {
    #[error("readable by others (mode {mode:o}); run `chmod 600 {}`", path.display())]
    Shared { path: PathBuf, mode: u32 },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The text of the secret file at `path`, or `None` when there is no file.
pub fn read_secret_file(path: &Path) -> Result<Option<String>, SecretFileError> {
    let io = |source| SecretFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    match fs::read_to_string(path) {
        Ok(text) => {
            refuse_if_shared(path).map_err(|error| match error {
                Refusal::Shared(mode) => SecretFileError::Shared {
                    path: path.to_path_buf(),
                    mode,
                },
                Refusal::Io(source) => io(source),
            })?;
            Ok(Some(text))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(io(error)),
    }
}

/// Creates the secret file at `path` holding `text`; fails if one exists.
pub fn create_secret_file(path: &Path, text: &str) -> Result<(), SecretFileError> {
    write_new(path, text).map_err(|source| SecretFileError::Io {
        path: path.to_path_buf(),
        source,
    })
}

enum Refusal {
    Shared(u32),
    Io(std::io::Error),
}

#[cfg(unix)]
fn refuse_if_shared(path: &Path) -> Result<(), Refusal> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map_err(Refusal::Io)?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(Refusal::Shared(mode & 0o777));
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_if_shared(_path: &Path) -> Result<(), Refusal> {
    Ok(())
}

#[cfg(unix)]
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(directory) = parent(path) {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(directory)?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(directory) = parent(path) {
        fs::create_dir_all(directory)?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

fn parent(path: &Path) -> Option<&Path> {
    path.parent()
        .filter(|parent| !parent.as_os_str().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_private_read_back_and_never_overwritten() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("keys/secret.key");
        assert!(read_secret_file(&path).unwrap().is_none());
        create_secret_file(&path, "one\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
        assert_eq!(read_secret_file(&path).unwrap().as_deref(), Some("one\n"));
        assert!(create_secret_file(&path, "two\n").is_err());
        assert_eq!(read_secret_file(&path).unwrap().as_deref(), Some("one\n"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("secret.key");
        create_secret_file(&path, "secret-text\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let error = read_secret_file(&path).unwrap_err().to_string();
        assert!(error.contains("chmod 600"), "{error}");
        assert!(error.contains("640"), "{error}");
        assert!(!error.contains("secret-text"), "{error}");
    }
}
