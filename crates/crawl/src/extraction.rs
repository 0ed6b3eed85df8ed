//! What extraction reads besides the page, loaded once per process from
//! the `[extract]` table: the analysts' lexicons and the unit's linkage key.
//!
//! Extract does no I/O; this is where its inputs come from disk. The
//! linkage key file is created on first use and refused when others can
//! read it (`cartograph_store::secret_file`). Its bytes are never
//! logged: [`LinkageKey`]'s `Debug` prints nothing of them and no message
//! here quotes the file.

use std::fs;
use std::path::Path;

use cartograph_config::ExtractSettings;
use cartograph_extract::{LexiconSet, LinkageKey};
use cartograph_store::secret_file::{create_secret_file, read_secret_file};
use chrono::{DateTime, Utc};

use crate::CrawlError;

/// The first line of a linkage key file, before the 64 hex digits.
const KEY_PREFIX: &str = "cartograph-linkage-key:";

/// The lexicons and linkage key every page of a process is extracted with.
pub struct ExtractionSetup {
    pub lexicons: LexiconSet,
    /// `lexicons.version()`, worked out once: every row stores it.
    pub lexicon_version: String,
    pub linkage_key: LinkageKey,
    /// Where the lexicons came from, for messages ("built in" or the
    /// directory).
    pub lexicon_source: String,
    /// Whether the linkage key file was created by this load.
    pub key_created: bool,
}

impl std::fmt::Debug for ExtractionSetup {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ExtractionSetup")
            .field("lexicons", &self.lexicon_version)
            .field("lexicon_source", &self.lexicon_source)
            .field("key_created", &self.key_created)
            .finish_non_exhaustive()
    }
}

impl ExtractionSetup {
    /// Loads the lexicons and the linkage key that `settings` name,
    /// creating the key file when there is none.
    pub fn load(settings: &ExtractSettings) -> Result<ExtractionSetup, CrawlError> {
        let (lexicons, lexicon_source) = match &settings.lexicons {
            Some(directory) => (load_lexicons(directory)?, directory.display().to_string()),
            None => (LexiconSet::built_in(), "built in".to_owned()),
        };
        let (linkage_key, key_created) = load_or_create_linkage_key(&settings.linkage_key)?;
        Ok(ExtractionSetup {
            lexicon_version: lexicons.version(),
            lexicons,
            linkage_key,
            lexicon_source,
            key_created,
        })
    }

    /// The context of one page captured at `captured_at`.
    pub fn context(&self, captured_at: DateTime<Utc>) -> cartograph_extract::ExtractionContext<'_> {
        cartograph_extract::ExtractionContext {
            lexicons: &self.lexicons,
            linkage_key: &self.linkage_key,
            captured_at,
        }
    }
}

/// Every `<lang>.toml` in `directory`, checked together.
pub fn load_lexicons(directory: &Path) -> Result<LexiconSet, CrawlError> {
    let problem = |reason: String| CrawlError::Lexicons {
        directory: directory.to_path_buf(),
        reason,
    };
    let entries = fs::read_dir(directory).map_err(|error| {
        problem(format!(
            "cannot read the directory ({error}); point [extract] lexicons at the directory of <lang>.toml files, or remove the key to use the built-in lexicons"
        ))
    })?;
    let mut files: Vec<(String, String)> = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|error| problem(format!("cannot list the directory: {error}")))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".toml") {
            continue;
        }
        let text = fs::read_to_string(entry.path())
            .map_err(|error| problem(format!("cannot read {name}: {error}")))?;
        files.push((name, text));
    }
    if files.is_empty() {
        return Err(problem(
            "holds no <lang>.toml lexicon; copy config/lexicons/ there or remove [extract] lexicons"
                .to_owned(),
        ));
    }
    files.sort();
    let sources: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    LexiconSet::from_sources(&sources).map_err(|error| problem(error.to_string()))
}

/// Reads the linkage key at `path`, or creates one there when there is no
/// file (the store's `secret_file` keeps it private). Returns the key and
/// whether it was created.
pub fn load_or_create_linkage_key(path: &Path) -> Result<(LinkageKey, bool), CrawlError> {
    let problem = |reason: String| CrawlError::LinkageKey {
        path: path.to_path_buf(),
        reason,
    };
    match read_secret_file(path).map_err(|error| problem(error.to_string()))? {
        Some(text) => {
            let bytes = text
                .trim()
                .strip_prefix(KEY_PREFIX)
                .and_then(|digits| hex::decode(digits).ok())
                .ok_or_else(|| {
                    problem(format!(
                        "not a cartograph linkage key (expected one line starting {KEY_PREFIX} and 64 hex digits); restore the unit's key file, or move this file away to start new pseudonyms that will not link to earlier runs"
                    ))
                })?;
            let key = LinkageKey::from_slice(&bytes).map_err(|error| problem(error.to_string()))?;
            Ok((key, false))
        }
        None => {
            let bytes: [u8; 32] = rand::random();
            create_secret_file(path, &format!("{KEY_PREFIX}{}\n", hex::encode(bytes)))
                .map_err(|error| problem(format!("cannot create it: {error}")))?;
            Ok((LinkageKey::new(bytes), true))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_created_once_private_and_read_back() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("keys/linkage.key");
        let (first, created) = load_or_create_linkage_key(&path).unwrap();
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (second, created) = load_or_create_linkage_key(&path).unwrap();
        assert!(!created);
        // Same key: the same number gets the same pseudonym.
        let pseudonyms = |key: &LinkageKey| {
            cartograph_extract::find_contacts("Tel. +43 660 1234567", &[], "AT", key).pseudonyms
        };
        assert!(!pseudonyms(&first).is_empty());
        assert_eq!(pseudonyms(&first), pseudonyms(&second));
        let (other, _) = load_or_create_linkage_key(&directory.path().join("other.key")).unwrap();
        assert_ne!(pseudonyms(&first), pseudonyms(&other));
        let debug = format!("{first:?} {second:?}");
        let text = fs::read_to_string(&path).unwrap();
        let digits = text.trim().strip_prefix(KEY_PREFIX).unwrap();
        assert!(!debug.contains(digits), "Debug shows no key material");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("linkage.key");
        load_or_create_linkage_key(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let error = load_or_create_linkage_key(&path).unwrap_err().to_string();
        assert!(error.contains("chmod 600"), "{error}");
    }

    #[test]
    fn a_damaged_key_names_the_file_and_the_fix() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("linkage.key");
        create_secret_file(&path, "not a key\n").unwrap();
        let error = load_or_create_linkage_key(&path).unwrap_err().to_string();
        assert!(error.contains("linkage.key"), "{error}");
        assert!(error.contains("restore the unit's key file"), "{error}");
    }

    #[test]
    fn the_shipped_lexicon_directory_is_the_built_in_version() {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/lexicons");
        let loaded = load_lexicons(&shipped).unwrap();
        assert_eq!(loaded.version(), LexiconSet::built_in().version());
    }

    #[test]
    fn a_bad_lexicon_names_the_directory_file_and_line() {
        let directory = tempfile::tempdir().unwrap();
        fs::write(
            directory.path().join("en.toml"),
            "language = \"en\"\nversion = 1\n[[term]]\ntext = \"new in town\"\ncategory = \"no-such-category\"\nnote = \"x\"\n",
        )
        .unwrap();
        let error = load_lexicons(directory.path()).unwrap_err().to_string();
        assert!(error.contains("en.toml:5"), "{error}");
        assert!(
            error.contains(&directory.path().display().to_string()),
            "{error}"
        );
    }
}
