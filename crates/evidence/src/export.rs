//! `export`: the selected captures of a store as a signed WACZ 1.1.1
//! package.
//!
//! Streams: captures are read from the store one at a time, each body is
//! held only while its records are written, and the WARC, page list and
//! custody segment go to scratch files beside the output, so memory stays
//! flat however many captures are exported (only the CDXJ lines, a few
//! hundred bytes per capture, are kept to be sorted). The scratch files
//! are then copied into the zip (STORE, as WACZ asks for WARCs), the zip is
//! written under a temporary name, fsynced and renamed, and only then is
//! the export recorded in the custody log with the package's digest.

use std::collections::{BTreeSet, HashSet};
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use cartograph_store::{
    sha256_hex, CaptureId, CaptureKind, CaptureRecord, CaptureSelection, CustodyEntry,
    CustodyEvent, CustodySeq, RunId, Store,
};
use chrono::{DateTime, Datelike, Timelike, Utc};
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

use crate::package::{
    DataPackage, DataPackageDigest, PackageContext, PackageSignature, RedactedEntry, Resource,
    CUSTODY_PATH, DATAPACKAGE_PATH, DIGEST_PATH, INDEX_PATH, PAGES_PATH, WACZ_VERSION, WARC_NAME,
    WARC_PATH,
};
use crate::signing::{public_key_text, sign};
use crate::warc::{
    cdx_timestamp, media_type, metadata_block, record_id, request_head, response_head, surt,
    warc_date, warc_fields, write_record, CountingWriter, RecordType, CAPTURE_ID_FIELD,
    SERVER_NOT_MODIFIED_PROFILE,
};
use crate::EvidenceError;

/// What to export and how to label it.
pub struct ExportRequest<'a> {
    pub selection: CaptureSelection,
    /// Who is making the export; recorded in the package and the custody log.
    pub operator: String,
    /// The `.wacz` file to write.
    pub output: PathBuf,
    pub signing_key: &'a SigningKey,
    /// The User-Agent the crawler sends, for the warcinfo record.
    pub user_agent: Option<String>,
    /// The robots.txt product token the crawler obeys, for the warcinfo record.
    pub robots_product_token: Option<String>,
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportReport {
    pub output: PathBuf,
    pub captures: u64,
    pub warc_records: u64,
    pub bytes: u64,
    /// Lowercase hex SHA-256 of the package file.
    pub sha256: String,
    /// `ed25519:BASE64` of the key that signed it.
    pub public_key: String,
    /// The export's own custody entry.
    pub custody_entry: CustodyEntry,
}

/// Writes the package; see the module documentation.
pub fn export(store: &Store, request: &ExportRequest<'_>) -> Result<ExportReport, EvidenceError> {
    let created = Utc::now();
    let public_key = public_key_text(&request.signing_key.verifying_key());
    let directory = match request.output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&directory).map_err(io_error(&directory))?;
    let scratch = tempfile::Builder::new()
        .prefix(".cartograph-export-")
        .tempdir_in(&directory)
        .map_err(io_error(&directory))?;

    let mut writer = PackageWriter::create(scratch.path(), store)?;
    writer.write_warcinfo(request, created)?;
    for capture in store.captures() {
        let capture = capture?;
        if request.selection.matches(&capture) {
            writer.write_capture(&capture)?;
        }
    }
    if writer.selected.is_empty() {
        return Err(EvidenceError::NothingSelected(request.selection.describe()));
    }
    let captures = writer.selected.len() as u64;
    let warc_records = writer.records;
    let mut resources = writer.finish()?;
    let (custody_first, custody_last, custody_resource) =
        write_custody_segment(store, &resources.selected, &resources.runs, scratch.path())?;
    resources.files.push(custody_resource);

    let datapackage = DataPackage {
        profile: "data-package".to_owned(),
        wacz_version: WACZ_VERSION.to_owned(),
        title: "cartograph evidence export".to_owned(),
        description: format!(
            "Captures made by cartograph, exported by {}: {}.",
            request.operator,
            request.selection.describe()
        ),
        created: created.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        software: format!("cartograph {}", env!("CARGO_PKG_VERSION")),
        resources: resources
            .files
            .iter()
            .map(|(resource, _)| resource.clone())
            .collect(),
        cartograph: PackageContext {
            operator: request.operator.clone(),
            selection: request.selection.clone(),
            captures,
            public_key: public_key.clone(),
            custody_first,
            custody_last,
        },
    };
    // Invariant: package types are plain data that always serializes.
    let datapackage_bytes =
        serde_json::to_vec_pretty(&datapackage).expect("datapackage serializes");
    let package_digest = format!("sha256:{}", sha256_hex(&datapackage_bytes));
    let digest = DataPackageDigest {
        path: DATAPACKAGE_PATH.to_owned(),
        hash: package_digest.clone(),
        cartograph_signature: Some(PackageSignature {
            algorithm: "ed25519".to_owned(),
            public_key: public_key.clone(),
            signature: sign(request.signing_key, package_digest.as_bytes()),
        }),
    };
    let digest_bytes = serde_json::to_vec_pretty(&digest).expect("digest serializes");

    let (bytes, sha256) = write_zip(
        &request.output,
        &directory,
        created,
        &resources.files,
        &datapackage_bytes,
        &digest_bytes,
    )?;
    drop(scratch);

    let output_name = request
        .output
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let custody_entry = store.record_export(CustodyEvent::Export {
        operator: request.operator.clone(),
        selection: request.selection.clone(),
        output: output_name,
        output_sha256: sha256.clone(),
        output_bytes: bytes,
        captures,
        public_key: public_key.clone(),
    })?;
    Ok(ExportReport {
        output: request.output.clone(),
        captures,
        warc_records,
        bytes,
        sha256,
        public_key,
        custody_entry,
    })
}

/// The scratch files being written and what has been selected so far.
struct PackageWriter<'store> {
    store: &'store Store,
    directory: PathBuf,
    warc: CountingWriter<BufWriter<File>>,
    pages: CountingWriter<BufWriter<File>>,
    cdxj_lines: Vec<String>,
    selected: HashSet<CaptureId>,
    runs: BTreeSet<RunId>,
    records: u64,
}

/// The finished scratch files, as package resources with their paths on
/// disk, and what they cover.
struct WrittenFiles {
    files: Vec<(Resource, PathBuf)>,
    selected: HashSet<CaptureId>,
    runs: BTreeSet<RunId>,
}

impl<'store> PackageWriter<'store> {
    fn create(
        directory: &Path,
        store: &'store Store,
    ) -> Result<PackageWriter<'store>, EvidenceError> {
        let open = |name: &str| -> Result<CountingWriter<BufWriter<File>>, EvidenceError> {
            let path = directory.join(name);
            let file = File::create(&path).map_err(io_error(&path))?;
            Ok(CountingWriter::new(BufWriter::with_capacity(1 << 16, file)))
        };
        let mut pages = open("pages.jsonl")?;
        pages
            .write_all(
                b"{\"format\":\"json-pages-1.0\",\"id\":\"pages\",\"title\":\"Listing pages\"}\n",
            )
            .map_err(io_error(&directory.join("pages.jsonl")))?;
        Ok(PackageWriter {
            store,
            directory: directory.to_path_buf(),
            warc: open(WARC_NAME)?,
            pages,
            cdxj_lines: Vec::new(),
            selected: HashSet::new(),
            runs: BTreeSet::new(),
            records: 0,
        })
    }

    fn warc_error(&self) -> impl Fn(io::Error) -> EvidenceError {
        io_error(&self.directory.join(WARC_NAME))
    }

    fn write_warcinfo(
        &mut self,
        request: &ExportRequest<'_>,
        created: DateTime<Utc>,
    ) -> Result<(), EvidenceError> {
        let robots = match &request.robots_product_token {
            Some(token) => format!(
                "obey: robots.txt (RFC 9309) as product token '{token}'; unreachable robots.txt means disallow all; only whitelisted listing pages requested"
            ),
            None => "obey: robots.txt (RFC 9309); only whitelisted listing pages requested"
                .to_owned(),
        };
        let mut fields =
            vec![
            ("software", format!("cartograph/{}", env!("CARGO_PKG_VERSION"))),
            ("format", "WARC File Format 1.1".to_owned()),
            (
                "conformsTo",
                "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
                    .to_owned(),
            ),
            ("operator", request.operator.clone()),
            ("robots", robots),
            ("description", request.selection.describe()),
        ];
        if let Some(user_agent) = &request.user_agent {
            fields.push(("http-header-user-agent", user_agent.clone()));
        }
        let block = warc_fields(&fields);
        let nonce: [u8; 16] = rand::random();
        let record_fields = [
            (
                "WARC-Record-ID",
                record_id(&format!("warcinfo/{}", hex::encode(nonce))),
            ),
            ("WARC-Date", warc_date(&created)),
            ("WARC-Filename", WARC_NAME.to_owned()),
        ];
        write_record(
            &mut self.warc,
            RecordType::Warcinfo,
            &record_fields,
            "application/warc-fields",
            None,
            &[&block],
        )
        .map_err(self.warc_error())?;
        self.records += 1;
        Ok(())
    }

    /// The request, response (or revisit) and metadata records of one
    /// capture, its CDXJ line and, for a listing page, its pages line.
    fn write_capture(&mut self, capture: &CaptureRecord) -> Result<(), EvidenceError> {
        let custody = self
            .store
            .custody_seq_of_capture(capture.id)?
            .and_then(|seq| self.store.custody_entry(seq).transpose())
            .transpose()?
            .ok_or(EvidenceError::NoCustodyEntry(capture.id))?;
        let seed = &custody.hash;
        let date = warc_date(&capture.fetched_at);
        let request_id = record_id(&format!("{seed}/request"));
        let response_id = record_id(&format!("{seed}/response"));
        let capture_field = (CAPTURE_ID_FIELD, capture.id.to_string());
        let warc_error = self.warc_error();

        if let Some(response) = &capture.response {
            let body = match &response.body {
                Some(body_ref) => {
                    let bytes = self.store.read_body(body_ref)?;
                    if sha256_hex(&bytes) != body_ref.sha256 {
                        return Err(EvidenceError::CorruptBody {
                            capture_id: capture.id,
                            digest: body_ref.sha256.clone(),
                        });
                    }
                    bytes
                }
                None => Vec::new(),
            };
            let payload_digest = sha256_hex(&body);
            let head = response_head(response);
            let mut fields = vec![
                ("WARC-Record-ID", response_id.clone()),
                ("WARC-Date", date.clone()),
                ("WARC-Target-URI", capture.url.clone()),
            ];
            if let Some(address) = &response.remote_ip {
                fields.push(("WARC-IP-Address", address.clone()));
            }
            fields.push(("WARC-Concurrent-To", request_id.clone()));
            if response.body.as_ref().is_some_and(|body| body.truncated) {
                fields.push(("WARC-Truncated", "length".to_owned()));
            }
            fields.push(capture_field.clone());
            let (record_type, mime, digest) = if response.status == 304 {
                let original = match capture.revisit_of {
                    Some(original_id) => self.store.capture(original_id)?,
                    None => None,
                };
                fields.push(("WARC-Profile", SERVER_NOT_MODIFIED_PROFILE.to_owned()));
                let mut original_digest = None;
                if let Some(original) = &original {
                    if let Some(original_seq) = self.store.custody_seq_of_capture(original.id)? {
                        if let Some(entry) = self.store.custody_entry(original_seq)? {
                            fields.push((
                                "WARC-Refers-To",
                                record_id(&format!("{}/response", entry.hash)),
                            ));
                        }
                    }
                    fields.push(("WARC-Refers-To-Target-URI", original.url.clone()));
                    fields.push(("WARC-Refers-To-Date", warc_date(&original.fetched_at)));
                    original_digest = original
                        .response
                        .as_ref()
                        .and_then(|response| response.body.as_ref())
                        .map(|body| body.sha256.clone());
                }
                (
                    RecordType::Revisit,
                    "warc/revisit".to_owned(),
                    original_digest,
                )
            } else {
                (
                    RecordType::Response,
                    media_type(response),
                    Some(payload_digest),
                )
            };
            let placement = write_record(
                &mut self.warc,
                record_type,
                &fields,
                "application/http; msgtype=response",
                digest.as_deref(),
                &[&head, &body],
            )
            .map_err(&warc_error)?;
            self.records += 1;
            let mut index = serde_json::json!({
                "url": capture.url,
                "mime": mime,
                "status": response.status.to_string(),
                "length": placement.length.to_string(),
                "offset": placement.offset.to_string(),
                "filename": WARC_NAME,
            });
            if let Some(digest) = &digest {
                index["digest"] = serde_json::Value::String(format!("sha256:{digest}"));
            }
            self.cdxj_lines.push(format!(
                "{} {} {}",
                surt(&capture.url),
                cdx_timestamp(&capture.fetched_at),
                index
            ));
            if capture.kind == CaptureKind::Page && (200..300).contains(&response.status) {
                let page = serde_json::json!({
                    "id": capture.id.to_string(),
                    "url": capture.url,
                    "ts": date,
                    "title": format!("{}: {}", capture.site_id, capture.url),
                    "site": capture.site_id,
                    "run": capture.run_id,
                });
                writeln!(self.pages, "{page}")
                    .map_err(io_error(&self.directory.join("pages.jsonl")))?;
            }
        }

        let mut fields = vec![
            ("WARC-Record-ID", request_id.clone()),
            ("WARC-Date", date.clone()),
            ("WARC-Target-URI", capture.url.clone()),
        ];
        if let Some(address) = capture
            .response
            .as_ref()
            .and_then(|response| response.remote_ip.as_ref())
        {
            // The address the request went to: the one that answered.
            fields.push(("WARC-IP-Address", address.clone()));
        }
        if capture.response.is_some() {
            fields.push(("WARC-Concurrent-To", response_id.clone()));
        }
        fields.push(capture_field.clone());
        write_record(
            &mut self.warc,
            RecordType::Request,
            &fields,
            "application/http; msgtype=request",
            Some(&sha256_hex(b"")),
            &[&request_head(&capture.request)],
        )
        .map_err(&warc_error)?;

        let about = if capture.response.is_some() {
            response_id
        } else {
            request_id
        };
        let fields = [
            ("WARC-Record-ID", record_id(&format!("{seed}/metadata"))),
            ("WARC-Date", date),
            ("WARC-Target-URI", capture.url.clone()),
            ("WARC-Refers-To", about.clone()),
            ("WARC-Concurrent-To", about),
            capture_field,
        ];
        write_record(
            &mut self.warc,
            RecordType::Metadata,
            &fields,
            "application/warc-fields",
            None,
            &[&metadata_block(capture)],
        )
        .map_err(&warc_error)?;
        self.records += 2;
        self.selected.insert(capture.id);
        self.runs.insert(capture.run_id);
        Ok(())
    }

    /// Closes the WARC and page list and writes the sorted index.
    fn finish(mut self) -> Result<WrittenFiles, EvidenceError> {
        let mut files = Vec::new();
        let warc_path = self.directory.join(WARC_NAME);
        files.push(close(self.warc, WARC_PATH, &warc_path)?);
        let index_path = self.directory.join("index.cdxj");
        let file = File::create(&index_path).map_err(io_error(&index_path))?;
        let mut index = CountingWriter::new(BufWriter::new(file));
        self.cdxj_lines.sort_unstable();
        for line in &self.cdxj_lines {
            writeln!(index, "{line}").map_err(io_error(&index_path))?;
        }
        files.push(close(index, INDEX_PATH, &index_path)?);
        let pages_path = self.directory.join("pages.jsonl");
        files.push(close(self.pages, PAGES_PATH, &pages_path)?);
        Ok(WrittenFiles {
            files,
            selected: self.selected,
            runs: self.runs,
        })
    }
}

/// Flushes and fsyncs a scratch file; returns it as a package resource.
fn close(
    writer: CountingWriter<BufWriter<File>>,
    package_path: &str,
    disk_path: &Path,
) -> Result<(Resource, PathBuf), EvidenceError> {
    let (buffered, bytes, sha256) = writer.finish().map_err(io_error(disk_path))?;
    let file = buffered
        .into_inner()
        .map_err(|error| io_error(disk_path)(error.into_error()))?;
    file.sync_all().map_err(io_error(disk_path))?;
    Ok((
        resource(package_path, bytes, &sha256),
        disk_path.to_path_buf(),
    ))
}

fn resource(package_path: &str, bytes: u64, sha256: &str) -> Resource {
    let name = package_path
        .rsplit('/')
        .next()
        .unwrap_or(package_path)
        .to_ascii_lowercase();
    Resource {
        name,
        path: package_path.to_owned(),
        hash: format!("sha256:{sha256}"),
        bytes,
    }
}

/// The custody entries from the first to the last one about the exported
/// captures or their runs; entries in between that are about anything else
/// are written as `RedactedEntry` lines, so the segment's chain can be
/// followed without disclosing other captures.
fn write_custody_segment(
    store: &Store,
    selected: &HashSet<CaptureId>,
    runs: &BTreeSet<RunId>,
    directory: &Path,
) -> Result<(CustodySeq, CustodySeq, (Resource, PathBuf)), EvidenceError> {
    let covers = |event: &CustodyEvent| match event {
        CustodyEvent::Capture { capture_id, .. } => selected.contains(capture_id),
        CustodyEvent::RunStarted { run_id, .. } | CustodyEvent::RunFinished { run_id, .. } => {
            runs.contains(run_id)
        }
        _ => false,
    };
    let mut first = None;
    let mut last = 0;
    for entry in store.custody_entries(1..=CustodySeq::MAX) {
        let entry = entry?;
        if covers(&entry.event) {
            first.get_or_insert(entry.seq);
            last = entry.seq;
        }
    }
    let first = first.ok_or_else(|| {
        EvidenceError::NoCustodyEntry(selected.iter().copied().min().unwrap_or(0))
    })?;
    let path = directory.join("custody.jsonl");
    let file = File::create(&path).map_err(io_error(&path))?;
    let mut writer = CountingWriter::new(BufWriter::new(file));
    for (expected, entry) in (first..).zip(store.custody_entries(first..=last)) {
        let entry = entry?;
        if entry.seq != expected {
            return Err(EvidenceError::CustodyGap { missing: expected });
        }
        let line = if covers(&entry.event) {
            entry.to_bytes()
        } else {
            serde_json::to_vec(&RedactedEntry {
                seq: entry.seq,
                previous_hash: entry.previous_hash.clone(),
                hash: entry.hash.clone(),
                redacted: true,
            })
            .expect("redacted entries serialize")
        };
        writer.write_all(&line).map_err(io_error(&path))?;
        writer.write_all(b"\n").map_err(io_error(&path))?;
    }
    let closed = close(writer, CUSTODY_PATH, &path)?;
    Ok((first, last, closed))
}

/// Writes the zip under a temporary name, fsyncs and renames it; returns
/// its size and SHA-256.
fn write_zip(
    output: &Path,
    directory: &Path,
    created: DateTime<Utc>,
    files: &[(Resource, PathBuf)],
    datapackage: &[u8],
    digest: &[u8],
) -> Result<(u64, String), EvidenceError> {
    let file_name = output
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export.wacz".to_owned());
    let partial = directory.join(format!(".{file_name}.partial"));
    let zip_error = |source| EvidenceError::Zip {
        path: output.to_path_buf(),
        source,
    };
    let modified = zip::DateTime::from_date_and_time(
        u16::try_from(created.year()).unwrap_or(1980),
        created.month() as u8,
        created.day() as u8,
        created.hour() as u8,
        created.minute() as u8,
        created.second() as u8,
    )
    .unwrap_or_default();
    let write = || -> Result<(), EvidenceError> {
        let file = File::create(&partial).map_err(io_error(&partial))?;
        let mut zip = zip::ZipWriter::new(BufWriter::with_capacity(1 << 16, file));
        let options = |bytes: u64| {
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored)
                .last_modified_time(modified)
                .large_file(bytes >= u64::from(u32::MAX))
        };
        for (resource, path) in files {
            zip.start_file(resource.path.as_str(), options(resource.bytes))
                .map_err(zip_error)?;
            let mut source = File::open(path).map_err(io_error(path))?;
            io::copy(&mut source, &mut zip).map_err(io_error(path))?;
        }
        for (name, bytes) in [(DATAPACKAGE_PATH, datapackage), (DIGEST_PATH, digest)] {
            zip.start_file(name, options(bytes.len() as u64))
                .map_err(zip_error)?;
            zip.write_all(bytes).map_err(io_error(&partial))?;
        }
        let buffered = zip.finish().map_err(zip_error)?;
        let file = buffered
            .into_inner()
            .map_err(|error| io_error(&partial)(error.into_error()))?;
        file.sync_all().map_err(io_error(&partial))?;
        fs::rename(&partial, output).map_err(io_error(output))?;
        File::open(directory)
            .and_then(|directory| directory.sync_all())
            .map_err(io_error(directory))
    };
    if let Err(error) = write() {
        let _ = fs::remove_file(&partial);
        return Err(error);
    }
    let mut file = File::open(output).map_err(io_error(output))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0_u8; 1 << 16];
    let mut bytes = 0_u64;
    loop {
        let read = file.read(&mut buffer).map_err(io_error(output))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        bytes += read as u64;
    }
    Ok((bytes, hex::encode(hasher.finalize())))
}

pub(crate) fn io_error(path: &Path) -> impl Fn(io::Error) -> EvidenceError {
    let path = path.to_path_buf();
    move |source| EvidenceError::Io {
        path: path.clone(),
        source,
    }
}
