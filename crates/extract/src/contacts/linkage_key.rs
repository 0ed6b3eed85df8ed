//! The linkage key and the keyed pseudonyms made with it.
//!
//! A contact becomes HMAC-SHA256(key, identifier) so that the same phone
//! number or handle on two sites yields the same pseudonym while nobody
//! without the key can test a guessed number against the store. The caller
//! loads the 32 key bytes from the key file (extract does no I/O); this type
//! keeps them out of every `Debug` output and log line.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The secret that turns contact identifiers into pseudonyms.
///
/// Built from the 32 bytes of the key file. Its `Debug` prints no key
/// material, so it may sit inside structs that are logged.
#[derive(Clone)]
pub struct LinkageKey {
    /// The HMAC state after absorbing the key; cloned for every digest so
    /// the key schedule is paid once.
    keyed: Hmac<Sha256>,
}

impl LinkageKey {
    /// The key whose bytes are `key_bytes`.
    pub fn new(key_bytes: [u8; 32]) -> LinkageKey {
        // HMAC accepts keys of any length, so this cannot fail.
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(&key_bytes)
            .expect("hmac takes a key of any length");
        LinkageKey { keyed }
    }

    /// The key in `key_bytes`, which must be exactly 32 bytes long (the
    /// length of the key file).
    pub fn from_slice(key_bytes: &[u8]) -> Result<LinkageKey, LinkageKeyLengthError> {
        let bytes: [u8; 32] = key_bytes.try_into().map_err(|_| LinkageKeyLengthError {
            found: key_bytes.len(),
        })?;
        Ok(LinkageKey::new(bytes))
    }

    /// Lowercase hex of HMAC-SHA256(key, `identifier`).
    pub(crate) fn pseudonym_hex(&self, identifier: &str) -> String {
        let mut mac = self.keyed.clone();
        mac.update(identifier.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for LinkageKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("LinkageKey(<redacted>)")
    }
}

/// A key file whose content is not 32 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkageKeyLengthError {
    /// How many bytes were given.
    pub found: usize,
}

impl std::fmt::Display for LinkageKeyLengthError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "linkage key must be 32 bytes, found {} bytes",
            self.found
        )
    }
}

impl std::error::Error for LinkageKeyLengthError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonym_is_rfc_4231_hmac_sha256() {
        // RFC 4231 test case 2 uses a 4-byte key; HMAC pads keys, so a
        // 32-byte key of "Jefe" followed by zeros gives the same MAC.
        let mut key_bytes = [0u8; 32];
        key_bytes[..4].copy_from_slice(b"Jefe");
        let key = LinkageKey::new(key_bytes);
        assert_eq!(
            key.pseudonym_hex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn debug_never_shows_the_key_and_wrong_lengths_are_refused() {
        let key = LinkageKey::new([0xAB; 32]);
        let printed = format!("{key:?}");
        assert!(!printed.to_lowercase().contains("ab"), "{printed}");
        assert_eq!(
            LinkageKey::from_slice(&[1; 31]).unwrap_err(),
            LinkageKeyLengthError { found: 31 }
        );
        assert!(LinkageKey::from_slice(&[1; 32]).is_ok());
    }
}
