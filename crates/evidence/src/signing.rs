//! The unit's Ed25519 signing key: created on first use in the file the
//! config names (mode 0600, its directory 0700), read on every later export,
//! refused when others can read it. Public keys travel as `ed25519:BASE64`
//! (the 32 key bytes, standard base64), the form `export` prints, packages
//! embed and `verify --pubkey` takes.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use cartograph_store::secret_file::{create_secret_file, read_secret_file, SecretFileError};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use crate::EvidenceError;

/// How a secret key file starts; the base64 seed follows.
const SECRET_PREFIX: &str = "cartograph-ed25519-secret-key:";
/// How a public key is written.
const PUBLIC_PREFIX: &str = "ed25519:";

/// A signing key and where it came from.
pub struct LoadedKey {
    pub key: SigningKey,
    pub path: PathBuf,
    /// True when this call created the key file.
    pub created: bool,
}

impl std::fmt::Debug for LoadedKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        formatter
            .debug_struct("LoadedKey")
            .field("public_key", &public_key_text(&self.key.verifying_key()))
            .field("path", &self.path)
            .field("created", &self.created)
            .finish()
    }
}

/// Reads the key at `path`, or creates one there if there is no file
/// (the store's `secret_file` keeps it private).
pub fn load_or_create_signing_key(path: &Path) -> Result<LoadedKey, EvidenceError> {
    let key_error = |reason: String| EvidenceError::SigningKey {
        path: path.to_path_buf(),
        reason,
    };
    let secret_error = |error: SecretFileError| match error {
        SecretFileError::Io { path, source } => EvidenceError::Io { path, source },
        shared @ SecretFileError::Shared { .. } => key_error(shared.to_string()),
    };
    let (seed, created) = match read_secret_file(path).map_err(secret_error)? {
        Some(text) => {
            let seed = text
                .trim()
                .strip_prefix(SECRET_PREFIX)
                .and_then(|encoded| BASE64.decode(encoded).ok())
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .ok_or_else(|| {
                    key_error(format!(
                        "not a cartograph signing key (expected one line starting {SECRET_PREFIX})"
                    ))
                })?;
            (seed, false)
        }
        None => {
            let seed: [u8; 32] = rand::random();
            create_secret_file(path, &format!("{SECRET_PREFIX}{}\n", BASE64.encode(seed)))
                .map_err(secret_error)?;
            (seed, true)
        }
    };
    Ok(LoadedKey {
        key: SigningKey::from_bytes(&seed),
        path: path.to_path_buf(),
        created,
    })
}

/// `ed25519:BASE64` of a public key.
pub fn public_key_text(key: &VerifyingKey) -> String {
    format!("{PUBLIC_PREFIX}{}", BASE64.encode(key.as_bytes()))
}

/// Reads `ed25519:BASE64` (surrounding whitespace allowed).
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, EvidenceError> {
    let bad = |why: &str| EvidenceError::PublicKey(format!("'{}': {why}", text.trim()));
    let encoded = text
        .trim()
        .strip_prefix(PUBLIC_PREFIX)
        .ok_or_else(|| bad("expected ed25519: followed by base64"))?;
    let bytes = BASE64
        .decode(encoded)
        .map_err(|_| bad("the part after ed25519: is not base64"))?;
    let bytes = <[u8; 32]>::try_from(bytes).map_err(|_| bad("an Ed25519 key has 32 bytes"))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| bad("not a valid Ed25519 public key"))
}

/// Base64 of the Ed25519 signature of `message`.
pub(crate) fn sign(key: &SigningKey, message: &[u8]) -> String {
    BASE64.encode(key.sign(message).to_bytes())
}

/// Whether `signature` (base64) is `key`'s signature of `message`.
pub(crate) fn signature_holds(key: &VerifyingKey, message: &[u8], signature: &str) -> bool {
    let Ok(bytes) = BASE64.decode(signature.trim()) else {
        return false;
    };
    let Ok(bytes) = <[u8; 64]>::try_from(bytes) else {
        return false;
    };
    key.verify(message, &Signature::from_bytes(&bytes)).is_ok()
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn a_key_is_created_once_private_and_read_back_the_same() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("keys/signing.key");
        let first = load_or_create_signing_key(&path).unwrap();
        assert!(first.created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let second = load_or_create_signing_key(&path).unwrap();
        assert!(!second.created);
        assert_eq!(
            public_key_text(&first.key.verifying_key()),
            public_key_text(&second.key.verifying_key())
        );
        let text = public_key_text(&second.key.verifying_key());
        let parsed = parse_public_key(&format!(" {text}\n")).unwrap();
        let signature = sign(&second.key, b"sha256:abc");
        assert!(signature_holds(&parsed, b"sha256:abc", &signature));
        assert!(!signature_holds(&parsed, b"sha256:abd", &signature));
        assert!(!format!("{second:?}").contains(SECRET_PREFIX));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("signing.key");
        load_or_create_signing_key(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let error = load_or_create_signing_key(&path).unwrap_err();
        assert!(error.to_string().contains("chmod 600"), "{error}");
    }
}
