//! `verify_package`: checks an evidence package offline, with nothing but
//! the file (and, to know who signed it, a trusted public key).
//!
//! Every file's SHA-256 and size against `datapackage.json`; the digest of
//! `datapackage.json` against `datapackage-digest.json`; every WARC record's
//! block and payload digests, gzip member by gzip member; every CDXJ line's
//! offset and length against the member it names; the custody segment's
//! hashes and links, and that every capture in the WARC has its custody
//! entry; the page list against the index; and the Ed25519 signature over
//! the package digest. Each check is one `Verdict`; a damaged byte
//! anywhere fails at least one and the verdict names the file, record,
//! line or entry. Entries are read without their zip CRC check, so a
//! changed byte is reported by our own digests, which say what it broke.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use cartograph_store::custody::ChainCheck;
use cartograph_store::{CaptureId, CustodyEntry, CustodyEvent, Verdict};
use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha256};

use crate::package::{
    DataPackage, DataPackageDigest, RedactedEntry, CUSTODY_PATH, DATAPACKAGE_PATH, DIGEST_PATH,
    INDEX_PATH, PAGES_PATH,
};
use crate::signing::{parse_public_key, public_key_text, signature_holds};
use crate::warc::{cdx_timestamp, CAPTURE_ID_FIELD};

/// Largest WARC record (decompressed) the verifier reads: bodies are capped
/// at 10 MiB by the crawler, so anything far larger is not ours.
const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;

/// Everything `verify_package` found.
#[derive(Debug, Clone, Default)]
pub struct PackageVerification {
    pub verdicts: Vec<Verdict>,
    /// The store capture ids the package's WARC records carry.
    pub capture_ids: BTreeSet<CaptureId>,
}

impl PackageVerification {
    /// True when no check failed.
    pub fn passed(&self) -> bool {
        !self.verdicts.is_empty() && self.verdicts.iter().all(|verdict| verdict.passed)
    }
}

/// One WARC record as found in the file.
#[derive(Debug, Clone)]
struct FoundRecord {
    length: u64,
    record_type: String,
    target_uri: String,
    date: String,
    payload_digest: Option<String>,
    capture_id: Option<CaptureId>,
}

/// Checks the package at `path`; `trusted_key` is the signer's public key
/// when the caller has it (`ed25519:BASE64`).
pub fn verify_package(path: &Path, trusted_key: Option<&str>) -> PackageVerification {
    let mut verification = PackageVerification::default();
    let verdicts = &mut verification.verdicts;
    let trusted = match trusted_key.map(parse_public_key).transpose() {
        Ok(trusted) => trusted,
        Err(error) => {
            verdicts.push(Verdict::failed("public key", error.to_string()));
            None
        }
    };
    let mut archive = match File::open(path)
        .map_err(|error| error.to_string())
        .and_then(|file| zip::ZipArchive::new(file).map_err(|error| error.to_string()))
    {
        Ok(archive) => archive,
        Err(error) => {
            verdicts.push(Verdict::failed(
                "package",
                format!("{} is not a readable zip file ({error})", path.display()),
            ));
            return verification;
        }
    };

    let datapackage_bytes = read_entry(&mut archive, DATAPACKAGE_PATH, 1 << 26);
    let digest_bytes = read_entry(&mut archive, DIGEST_PATH, 1 << 20);
    let datapackage: Option<DataPackage> = match &datapackage_bytes {
        Ok(bytes) => match serde_json::from_slice(bytes) {
            Ok(datapackage) => Some(datapackage),
            Err(error) => {
                verdicts.push(Verdict::failed(
                    format!("file {DATAPACKAGE_PATH}"),
                    format!("is not a readable data package ({error})"),
                ));
                None
            }
        },
        Err(error) => {
            verdicts.push(Verdict::failed(
                format!("file {DATAPACKAGE_PATH}"),
                error.clone(),
            ));
            None
        }
    };
    let digest: Option<DataPackageDigest> = match &digest_bytes {
        Ok(bytes) => match serde_json::from_slice(bytes) {
            Ok(digest) => Some(digest),
            Err(error) => {
                verdicts.push(Verdict::failed(
                    format!("file {DIGEST_PATH}"),
                    format!("is not readable ({error})"),
                ));
                None
            }
        },
        Err(error) => {
            verdicts.push(Verdict::failed(
                format!("file {DIGEST_PATH}"),
                error.clone(),
            ));
            None
        }
    };
    if let (Ok(bytes), Some(digest)) = (&datapackage_bytes, &digest) {
        let computed = format!("sha256:{}", hex::encode(Sha256::digest(bytes)));
        if computed == digest.hash && digest.path == DATAPACKAGE_PATH {
            verdicts.push(Verdict::ok(
                format!("file {DATAPACKAGE_PATH}"),
                format!("matches the package digest {computed}"),
            ));
        } else {
            verdicts.push(Verdict::failed(
                format!("file {DATAPACKAGE_PATH}"),
                format!(
                    "hashes to {computed}, but {DIGEST_PATH} records {} for {}",
                    digest.hash, digest.path
                ),
            ));
        }
    }

    let Some(datapackage) = datapackage else {
        if let Some(digest) = &digest {
            verdicts.push(check_signature(digest, trusted.as_ref()));
        }
        return verification;
    };
    check_files(&mut archive, &datapackage, verdicts);
    let records = check_warcs(&mut archive, &datapackage, &mut verification);
    let verdicts = &mut verification.verdicts;
    let indexed = check_index(&mut archive, &records, verdicts);
    check_pages(&mut archive, &indexed, verdicts);
    check_custody(&mut archive, &records, verdicts);
    match &digest {
        Some(digest) => verdicts.push(check_signature(digest, trusted.as_ref())),
        None => verdicts.push(Verdict::failed(
            "signature",
            format!("{DIGEST_PATH} is missing"),
        )),
    }
    verification
}

/// Opens entry `name` for reading its stored bytes as they are (no CRC
/// check: our own digests say what changed).
fn open_entry<'archive>(
    archive: &'archive mut zip::ZipArchive<File>,
    name: &str,
) -> Result<zip::read::ZipFile<'archive, File>, String> {
    let index = archive
        .index_for_name(name)
        .ok_or_else(|| "is missing from the package".to_owned())?;
    let stored = archive
        .by_index_raw(index)
        .map(|file| file.compression() == zip::CompressionMethod::Stored)
        .map_err(|error| format!("cannot be read ({error})"))?;
    let file = if stored {
        archive.by_index_raw(index)
    } else {
        archive.by_index(index)
    };
    file.map_err(|error| format!("cannot be read ({error})"))
}

fn read_entry(
    archive: &mut zip::ZipArchive<File>,
    name: &str,
    limit: u64,
) -> Result<Vec<u8>, String> {
    let file = open_entry(archive, name)?;
    let mut bytes = Vec::new();
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot be read ({error})"))?;
    Ok(bytes)
}

/// Every listed file's size and hash; every file in the zip is listed.
fn check_files(
    archive: &mut zip::ZipArchive<File>,
    datapackage: &DataPackage,
    verdicts: &mut Vec<Verdict>,
) {
    let listed: BTreeSet<&str> = datapackage
        .resources
        .iter()
        .map(|resource| resource.path.as_str())
        .collect();
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    for name in names {
        let is_manifest = name == DATAPACKAGE_PATH || name == DIGEST_PATH;
        if !is_manifest && !name.ends_with('/') && !listed.contains(name.as_str()) {
            verdicts.push(Verdict::failed(
                format!("file {name}"),
                format!("is in the package but not listed in {DATAPACKAGE_PATH}"),
            ));
        }
    }
    for resource in &datapackage.resources {
        let subject = format!("file {}", resource.path);
        let hashed = open_entry(archive, &resource.path).and_then(|mut file| {
            let mut hasher = Sha256::new();
            let mut buffer = vec![0_u8; 1 << 16];
            let mut bytes = 0_u64;
            loop {
                let read = file
                    .read(&mut buffer)
                    .map_err(|error| format!("cannot be read ({error})"))?;
                if read == 0 {
                    break;
                }
                hasher.update(&buffer[..read]);
                bytes += read as u64;
            }
            Ok((bytes, format!("sha256:{}", hex::encode(hasher.finalize()))))
        });
        match hashed {
            Ok((bytes, hash)) if hash == resource.hash && bytes == resource.bytes => {
                verdicts.push(Verdict::ok(subject, format!("{bytes} bytes, {hash}")));
            }
            Ok((bytes, hash)) => verdicts.push(Verdict::failed(
                subject,
                format!(
                    "{bytes} bytes hashing to {hash}; {DATAPACKAGE_PATH} lists {} bytes, {}",
                    resource.bytes, resource.hash
                ),
            )),
            Err(error) => verdicts.push(Verdict::failed(subject, error)),
        }
    }
}

/// A `BufRead` that counts what its consumer consumed: gzip member offsets.
struct CountingBufRead<R> {
    inner: R,
    consumed: u64,
}

impl<R: BufRead> Read for CountingBufRead<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let available = self.inner.fill_buf()?;
        let count = available.len().min(buffer.len());
        buffer[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

impl<R: BufRead> BufRead for CountingBufRead<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.consumed += amount as u64;
        self.inner.consume(amount);
    }
}

/// Every record of every WARC, member by member. Returns the records by
/// (file name, offset).
fn check_warcs(
    archive: &mut zip::ZipArchive<File>,
    datapackage: &DataPackage,
    verification: &mut PackageVerification,
) -> BTreeMap<(String, u64), FoundRecord> {
    let mut records = BTreeMap::new();
    let warcs: Vec<String> = datapackage
        .resources
        .iter()
        .map(|resource| resource.path.clone())
        .filter(|path| path.starts_with("archive/"))
        .collect();
    if warcs.is_empty() {
        verification.verdicts.push(Verdict::failed(
            "warc records",
            "the package lists no WARC file",
        ));
    }
    for warc_path in warcs {
        let file_name = warc_path.trim_start_matches("archive/").to_owned();
        let subject = format!("warc records of {warc_path}");
        let file = match open_entry(archive, &warc_path) {
            Ok(file) => file,
            Err(error) => {
                verification.verdicts.push(Verdict::failed(subject, error));
                continue;
            }
        };
        let mut reader = CountingBufRead {
            inner: BufReader::with_capacity(1 << 16, file),
            consumed: 0,
        };
        let mut count = 0_u64;
        let mut failures = 0_u64;
        loop {
            match reader.fill_buf() {
                Ok([]) => break,
                Ok(_) => {}
                Err(error) => {
                    failures += 1;
                    verification.verdicts.push(Verdict::failed(
                        subject.clone(),
                        format!("cannot be read after offset {} ({error})", reader.consumed),
                    ));
                    break;
                }
            }
            let offset = reader.consumed;
            let mut bytes = Vec::new();
            let read = flate2::bufread::GzDecoder::new(&mut reader)
                .take(MAX_RECORD_BYTES + 1)
                .read_to_end(&mut bytes);
            count += 1;
            let record_subject = format!("warc record at offset {offset} of {warc_path}");
            if let Err(error) = read {
                failures += 1;
                verification.verdicts.push(Verdict::failed(
                    record_subject,
                    format!("is not a readable gzip member ({error}); the rest of the file cannot be checked"),
                ));
                break;
            }
            if bytes.len() as u64 > MAX_RECORD_BYTES {
                failures += 1;
                verification.verdicts.push(Verdict::failed(
                    record_subject,
                    "is larger than any record cartograph writes",
                ));
                break;
            }
            match check_record(&bytes) {
                Ok(mut found) => {
                    found.length = reader.consumed - offset;
                    if let Some(capture_id) = found.capture_id {
                        verification.capture_ids.insert(capture_id);
                    }
                    records.insert((file_name.clone(), offset), found);
                }
                Err(problem) => {
                    failures += 1;
                    verification
                        .verdicts
                        .push(Verdict::failed(record_subject, problem));
                }
            }
        }
        if failures == 0 {
            verification.verdicts.push(Verdict::ok(
                subject,
                format!(
                    "{count} records, one gzip member each, every block and payload digest matches"
                ),
            ));
        }
    }
    records
}

/// Parses one decompressed record and checks its digests.
fn check_record(bytes: &[u8]) -> Result<FoundRecord, String> {
    let head_end = find(bytes, b"\r\n\r\n").ok_or("has no end of its WARC header")?;
    let head = std::str::from_utf8(&bytes[..head_end])
        .map_err(|_| "has a WARC header that is not UTF-8")?;
    let mut lines = head.split("\r\n");
    if lines.next() != Some("WARC/1.1") {
        return Err("does not start with WARC/1.1".to_owned());
    }
    let fields: Vec<(&str, &str)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim(), value.trim()))
        .collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(found, _)| found.eq_ignore_ascii_case(name))
            .map(|(_, value)| (*value).to_owned())
    };
    let record_type = field("WARC-Type").ok_or("has no WARC-Type")?;
    let id = field("WARC-Record-ID").unwrap_or_default();
    let named = |problem: String| format!("{record_type} record {id}: {problem}");
    let length: usize = field("Content-Length")
        .and_then(|length| length.parse().ok())
        .ok_or_else(|| named("has no valid Content-Length".to_owned()))?;
    let block_start = head_end + 4;
    let block = bytes
        .get(block_start..block_start + length)
        .ok_or_else(|| named("is shorter than its Content-Length".to_owned()))?;
    if &bytes[block_start + length..] != b"\r\n\r\n" {
        return Err(named(
            "does not end with CRLF CRLF right after its block".to_owned(),
        ));
    }
    let block_digest =
        field("WARC-Block-Digest").ok_or_else(|| named("has no WARC-Block-Digest".to_owned()))?;
    let computed = format!("sha256:{}", hex::encode(Sha256::digest(block)));
    if computed != block_digest {
        return Err(named(format!(
            "block digest is {computed}, the record says {block_digest}"
        )));
    }
    let payload_digest = field("WARC-Payload-Digest");
    if let (Some(recorded), "response" | "request") = (&payload_digest, record_type.as_str()) {
        let payload = find(block, b"\r\n\r\n")
            .map(|end| &block[end + 4..])
            .unwrap_or(&[]);
        let computed = format!("sha256:{}", hex::encode(Sha256::digest(payload)));
        if computed != *recorded {
            return Err(named(format!(
                "payload digest is {computed}, the record says {recorded}"
            )));
        }
    }
    Ok(FoundRecord {
        length: 0,
        record_type,
        target_uri: field("WARC-Target-URI").unwrap_or_default(),
        date: field("WARC-Date").unwrap_or_default(),
        payload_digest,
        capture_id: field(CAPTURE_ID_FIELD).and_then(|id| id.parse().ok()),
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Every CDXJ line against the record at its offset. Returns the indexed
/// (URL, timestamp) pairs.
fn check_index(
    archive: &mut zip::ZipArchive<File>,
    records: &BTreeMap<(String, u64), FoundRecord>,
    verdicts: &mut Vec<Verdict>,
) -> BTreeSet<(String, String)> {
    let mut indexed = BTreeSet::new();
    let file = match open_entry(archive, INDEX_PATH) {
        Ok(file) => file,
        Err(error) => {
            verdicts.push(Verdict::failed(format!("cdxj index {INDEX_PATH}"), error));
            return indexed;
        }
    };
    let mut failures = 0_u64;
    let mut count = 0_u64;
    let mut previous: Option<String> = None;
    for (number, line) in BufReader::new(file).split(b'\n').enumerate() {
        let subject = format!("cdxj line {} of {INDEX_PATH}", number + 1);
        let line = match line {
            Ok(line) => String::from_utf8_lossy(&line).into_owned(),
            Err(error) => {
                failures += 1;
                verdicts.push(Verdict::failed(
                    subject,
                    format!("cannot be read ({error})"),
                ));
                break;
            }
        };
        if line.is_empty() {
            continue;
        }
        count += 1;
        match check_index_line(&line, records) {
            Ok(key) => {
                indexed.insert(key);
            }
            Err(problem) => {
                failures += 1;
                verdicts.push(Verdict::failed(subject.clone(), problem));
            }
        }
        if previous.as_ref().is_some_and(|previous| *previous > line) {
            failures += 1;
            verdicts.push(Verdict::failed(subject, "is out of sorted order"));
        }
        previous = Some(line);
    }
    if failures == 0 {
        verdicts.push(Verdict::ok(
            format!("cdxj index {INDEX_PATH}"),
            format!("{count} lines, sorted, each offset and length is the record it names"),
        ));
    }
    indexed
}

fn check_index_line(
    line: &str,
    records: &BTreeMap<(String, u64), FoundRecord>,
) -> Result<(String, String), String> {
    let mut parts = line.splitn(3, ' ');
    let (Some(_key), Some(timestamp), Some(json)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err("is not `key timestamp {json}`".to_owned());
    };
    let fields: serde_json::Value =
        serde_json::from_str(json).map_err(|error| format!("has unreadable JSON ({error})"))?;
    let text = |name: &str| {
        fields
            .get(name)
            .and_then(|value| value.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let number = |name: &str| {
        text(name)
            .parse::<u64>()
            .map_err(|_| format!("has no valid {name}"))
    };
    let (offset, length, file_name, url) = (
        number("offset")?,
        number("length")?,
        text("filename"),
        text("url"),
    );
    let record = records.get(&(file_name.clone(), offset)).ok_or_else(|| {
        format!("points at offset {offset} of {file_name}, where no record starts")
    })?;
    if record.length != length {
        return Err(format!(
            "gives length {length} for the record at offset {offset}, which is {} bytes long",
            record.length
        ));
    }
    if record.target_uri != url {
        return Err(format!(
            "names {url}, the record at offset {offset} is for {}",
            record.target_uri
        ));
    }
    if !matches!(record.record_type.as_str(), "response" | "revisit") {
        return Err(format!("points at a {} record", record.record_type));
    }
    let record_time = chrono::DateTime::parse_from_rfc3339(&record.date)
        .map(|time| cdx_timestamp(&time.with_timezone(&chrono::Utc)))
        .unwrap_or_default();
    if record_time != timestamp {
        return Err(format!(
            "has time {timestamp}, the record is dated {}",
            record.date
        ));
    }
    let digest = text("digest");
    if !digest.is_empty() && record.payload_digest.as_deref() != Some(digest.as_str()) {
        return Err(format!(
            "has digest {digest}, the record has {:?}",
            record.payload_digest
        ));
    }
    Ok((url, timestamp.to_owned()))
}

/// Every listed page is in the index.
fn check_pages(
    archive: &mut zip::ZipArchive<File>,
    indexed: &BTreeSet<(String, String)>,
    verdicts: &mut Vec<Verdict>,
) {
    let subject = format!("page list {PAGES_PATH}");
    let bytes = match read_entry(archive, PAGES_PATH, 1 << 30) {
        Ok(bytes) => bytes,
        Err(error) => {
            verdicts.push(Verdict::failed(subject, error));
            return;
        }
    };
    let mut pages = 0_u64;
    for (number, line) in String::from_utf8_lossy(&bytes).lines().enumerate() {
        let Ok(page) = serde_json::from_str::<serde_json::Value>(line) else {
            verdicts.push(Verdict::failed(
                subject,
                format!("line {} is not JSON", number + 1),
            ));
            return;
        };
        if number == 0 {
            continue; // the header: {"format": "json-pages-1.0", …}
        }
        let url = page
            .get("url")
            .and_then(|value| value.as_str())
            .unwrap_or("");
        let time = page
            .get("ts")
            .and_then(|value| value.as_str())
            .and_then(|ts| chrono::DateTime::parse_from_rfc3339(ts).ok())
            .map(|time| cdx_timestamp(&time.with_timezone(&chrono::Utc)))
            .unwrap_or_default();
        if !indexed.contains(&(url.to_owned(), time)) {
            verdicts.push(Verdict::failed(
                subject,
                format!(
                    "line {} lists {url}, which the index does not hold at that time",
                    number + 1
                ),
            ));
            return;
        }
        pages += 1;
    }
    verdicts.push(Verdict::ok(
        subject,
        format!("{pages} listing pages, each in the index"),
    ));
}

/// The custody segment's chain, and every WARC capture against its entry.
fn check_custody(
    archive: &mut zip::ZipArchive<File>,
    records: &BTreeMap<(String, u64), FoundRecord>,
    verdicts: &mut Vec<Verdict>,
) {
    let subject = format!("custody segment {CUSTODY_PATH}");
    let file = match open_entry(archive, CUSTODY_PATH) {
        Ok(file) => file,
        Err(error) => {
            verdicts.push(Verdict::failed(subject, error));
            return;
        }
    };
    let mut chain = ChainCheck::default();
    let mut failures = 0_u64;
    let mut entries = 0_u64;
    let mut redacted = 0_u64;
    let mut first = None;
    let mut captures: HashMap<CaptureId, (String, Option<String>)> = HashMap::new();
    for (number, line) in BufReader::new(file).split(b'\n').enumerate() {
        let Ok(line) = line else {
            failures += 1;
            verdicts.push(Verdict::failed(
                subject.clone(),
                format!("line {} cannot be read", number + 1),
            ));
            break;
        };
        if line.is_empty() {
            continue;
        }
        entries += 1;
        if let Ok(hidden) = serde_json::from_slice::<RedactedEntry>(&line) {
            redacted += 1;
            first.get_or_insert(hidden.seq);
            chain.next(hidden.seq, &hidden.hash, &hidden.previous_hash);
            continue;
        }
        match CustodyEntry::from_bytes(&line) {
            Ok(entry) => {
                first.get_or_insert(entry.seq);
                chain.next(entry.seq, &entry.hash, &entry.previous_hash);
                if let CustodyEvent::Capture {
                    capture_id,
                    url,
                    body_sha256,
                    ..
                } = entry.event
                {
                    captures.insert(capture_id, (url, body_sha256));
                }
            }
            Err(fault) => {
                failures += 1;
                verdicts.push(Verdict::failed(
                    format!("custody entry on line {} of {CUSTODY_PATH}", number + 1),
                    fault.to_string(),
                ));
                let loose: Option<serde_json::Value> = serde_json::from_slice(&line).ok();
                let field = |name: &str| {
                    loose
                        .as_ref()
                        .and_then(|value| value.get(name))
                        .map(|value| value.to_string().trim_matches('"').to_owned())
                        .unwrap_or_else(|| "(unreadable)".to_owned())
                };
                let seq = field("seq").parse().unwrap_or(0);
                chain.next(seq, &field("hash"), &field("previous_hash"));
            }
        }
    }
    for broken in &chain.breaks {
        failures += 1;
        verdicts.push(Verdict::failed(subject.clone(), broken.clone()));
    }
    for ((file_name, offset), record) in records {
        let Some(capture_id) = record.capture_id else {
            continue;
        };
        let named = format!(
            "{} record at offset {offset} of archive/{file_name}",
            record.record_type
        );
        match captures.get(&capture_id) {
            None => {
                failures += 1;
                verdicts.push(Verdict::failed(
                    named,
                    format!("is capture {capture_id}, which has no custody entry in the segment"),
                ));
            }
            Some((url, body)) => {
                let body_matches = record.record_type != "response"
                    || record
                        .payload_digest
                        .as_deref()
                        .map(|digest| digest.trim_start_matches("sha256:"))
                        == Some(body.as_deref().unwrap_or(&hex::encode(Sha256::digest(b""))));
                if *url != record.target_uri || !body_matches {
                    failures += 1;
                    verdicts.push(Verdict::failed(
                        named,
                        format!("does not match the custody entry of capture {capture_id} (URL or body digest differ)"),
                    ));
                }
            }
        }
    }
    if failures == 0 {
        let (last, _) = chain.last().unwrap_or((0, ""));
        verdicts.push(Verdict::ok(
            subject,
            format!(
                "entries {}..={last} ({entries}, {redacted} redacted) chained, every capture in the WARC has its entry",
                first.unwrap_or(0)
            ),
        ));
    }
}

fn check_signature(digest: &DataPackageDigest, trusted: Option<&VerifyingKey>) -> Verdict {
    let Some(signature) = &digest.cartograph_signature else {
        return Verdict::failed("signature", format!("{DIGEST_PATH} carries no signature"));
    };
    let embedded = match parse_public_key(&signature.public_key) {
        Ok(key) => key,
        Err(error) => {
            return Verdict::failed("signature", format!("{DIGEST_PATH} names a {error}"))
        }
    };
    if let Some(trusted) = trusted {
        if trusted != &embedded {
            return Verdict::failed(
                "signature",
                format!(
                    "{DIGEST_PATH} says the package was signed by {}, not by the trusted key {}",
                    signature.public_key,
                    public_key_text(trusted)
                ),
            );
        }
    }
    if signature.algorithm != "ed25519"
        || !signature_holds(&embedded, digest.hash.as_bytes(), &signature.signature)
    {
        return Verdict::failed(
            "signature",
            format!(
                "the Ed25519 signature in {DIGEST_PATH} does not hold for package digest {}",
                digest.hash
            ),
        );
    }
    let whose = if trusted.is_some() {
        "the trusted key"
    } else {
        "the key embedded in the package (pass --pubkey to check it is the one you trust)"
    };
    Verdict::ok(
        "signature",
        format!(
            "Ed25519 over {} holds, by {} {whose}",
            digest.hash, signature.public_key
        ),
    )
}
