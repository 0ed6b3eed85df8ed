//! The files of a package besides the WARC: `datapackage.json` and
//! `datapackage-digest.json` (WACZ 1.1.1), the custody segment's lines, and
//! the package's fixed paths. Shared by export and verify so both read the
//! same shapes.

use serde::{Deserialize, Serialize};

use cartograph_store::{CaptureSelection, CustodySeq};

/// The WACZ version written and understood.
pub const WACZ_VERSION: &str = "1.1.1";

pub(crate) const WARC_NAME: &str = "data.warc.gz";
pub(crate) const WARC_PATH: &str = "archive/data.warc.gz";
pub(crate) const INDEX_PATH: &str = "indexes/index.cdxj";
pub(crate) const PAGES_PATH: &str = "pages/pages.jsonl";
/// The custody excerpt lives in its own directory: WACZ forbids extra files
/// in `archive/`, `indexes/` and `pages/`, and py-wacz's validator wants
/// every file one directory deep.
pub(crate) const CUSTODY_PATH: &str = "custody/custody.jsonl";
pub(crate) const DATAPACKAGE_PATH: &str = "datapackage.json";
pub(crate) const DIGEST_PATH: &str = "datapackage-digest.json";

/// `datapackage.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DataPackage {
    pub(crate) profile: String,
    pub(crate) wacz_version: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) created: String,
    pub(crate) software: String,
    pub(crate) resources: Vec<Resource>,
    /// What cartograph adds (WACZ allows custom properties).
    pub(crate) cartograph: PackageContext,
}

/// One file of the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Resource {
    pub(crate) name: String,
    pub(crate) path: String,
    /// `sha256:` and lowercase hex.
    pub(crate) hash: String,
    pub(crate) bytes: u64,
}

/// The export's context, for whoever opens the package.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PackageContext {
    pub(crate) operator: String,
    pub(crate) selection: CaptureSelection,
    pub(crate) captures: u64,
    /// The key that signed `datapackage-digest.json` (`ed25519:BASE64`).
    pub(crate) public_key: String,
    /// First and last sequence numbers of the custody segment.
    pub(crate) custody_first: CustodySeq,
    pub(crate) custody_last: CustodySeq,
}

/// `datapackage-digest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DataPackageDigest {
    pub(crate) path: String,
    /// `sha256:` of `datapackage.json`: the package digest.
    pub(crate) hash: String,
    pub(crate) cartograph_signature: Option<PackageSignature>,
}

/// Ed25519 over the UTF-8 text of `DataPackageDigest::hash`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PackageSignature {
    pub(crate) algorithm: String,
    pub(crate) public_key: String,
    /// Base64 of the 64 signature bytes.
    pub(crate) signature: String,
}

/// A custody entry of the segment whose contents are withheld (it is not
/// about the exported captures) but whose hashes keep the chain whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RedactedEntry {
    pub(crate) seq: CustodySeq,
    pub(crate) previous_hash: String,
    pub(crate) hash: String,
    pub(crate) redacted: bool,
}
