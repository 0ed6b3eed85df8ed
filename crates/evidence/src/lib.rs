//! Evidence packages: the store's captures exported as a signed WACZ 1.1.1
//! file that standard web-archive tools open, and checked again offline.
//!
//! `export` writes the package (WARC/1.1 records one gzip member each, a
//! CDXJ index, the listing pages, `datapackage.json` with the SHA-256 of
//! every file, `datapackage-digest.json` signed with the unit's Ed25519
//! key, and the custody segment covering the exported captures) and records
//! the export in the store's custody log. `verify_package` checks every
//! part of a package with nothing but the file. This crate reads the store
//! through its API only; it never sees sled.
//!
//! Code map: `warc.rs` writes records and rebuilds HTTP heads; `export.rs`
//! drives an export; `package.rs` holds the manifest shapes; `verify.rs`
//! checks a package; `signing.rs` keeps the key.

mod export;
mod package;
mod signing;
mod verify;
mod warc;

use std::path::PathBuf;

use cartograph_store::{CaptureId, CustodySeq, StoreError};

pub use export::{export, ExportReport, ExportRequest};
pub use package::WACZ_VERSION;
pub use signing::{load_or_create_signing_key, parse_public_key, public_key_text, LoadedKey};
pub use verify::{verify_package, PackageVerification};

/// An export could not be made. A package that fails verification is not
/// an error: it is a `PackageVerification` with failed verdicts.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("i/o error on {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("failed to write the package {path}")]
    Zip {
        path: PathBuf,
        #[source]
        source: zip::result::ZipError,
    },
    #[error("no capture matches the selection ({0}); nothing was written")]
    NothingSelected(String),
    #[error("the body of capture {capture_id} does not hash to {digest}; run `cartograph verify --store`")]
    CorruptBody {
        capture_id: CaptureId,
        digest: String,
    },
    #[error("capture {0} has no custody entry; run `cartograph verify --store`")]
    NoCustodyEntry(CaptureId),
    #[error("custody entry {missing} is missing from the log; run `cartograph verify --store`")]
    CustodyGap { missing: CustodySeq },
    #[error("signing key {path}: {reason}")]
    SigningKey { path: PathBuf, reason: String },
    #[error("bad public key {0}")]
    PublicKey(String),
}
