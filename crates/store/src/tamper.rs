//! Deliberate damage, for tests that prove `verify` notices it. Compiled
//! only with the `tamper` feature, which only test builds enable: nothing
//! in cartograph itself ever rewrites or removes a custody entry.

use crate::custody::CustodySeq;
use crate::{Store, StoreError};

/// The stored bytes of custody entry `seq`.
pub fn custody_entry_bytes(store: &Store, seq: CustodySeq) -> Result<Option<Vec<u8>>, StoreError> {
    store
        .custody
        .get(seq.to_be_bytes())
        .map(|bytes| bytes.map(|bytes| bytes.to_vec()))
        .map_err(|source| store.database_error(source))
}

/// Overwrites custody entry `seq` with `bytes`.
pub fn overwrite_custody_entry(
    store: &Store,
    seq: CustodySeq,
    bytes: &[u8],
) -> Result<(), StoreError> {
    store
        .custody
        .insert(seq.to_be_bytes(), bytes)
        .map_err(|source| store.database_error(source))?;
    store.flush()
}

/// Removes custody entry `seq`.
pub fn remove_custody_entry(store: &Store, seq: CustodySeq) -> Result<(), StoreError> {
    store
        .custody
        .remove(seq.to_be_bytes())
        .map_err(|source| store.database_error(source))?;
    store.flush()
}
