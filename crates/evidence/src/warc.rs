//! WARC/1.1 records as cartograph writes them: one gzip member per record
//! (written with flate2, so a CDXJ offset points at a member anyone can
//! decompress on its own), `sha256:` block and payload digests in lowercase
//! hex, and record ids derived from the capture's custody entry so the same
//! capture always gets the same ids, across exports.
//!
//! Also the HTTP heads rebuilt from a capture's request and response fields
//! (see ARCHITECTURE.md for what they cannot reproduce byte for byte), and
//! the SURT keys of the CDXJ index.

use std::io::{self, Write};

use cartograph_store::{CaptureRecord, RequestRecord, ResponseRecord};
use chrono::{DateTime, Utc};
use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};

/// WARC-Type values cartograph writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecordType {
    Warcinfo,
    Request,
    Response,
    Revisit,
    Metadata,
}

impl RecordType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RecordType::Warcinfo => "warcinfo",
            RecordType::Request => "request",
            RecordType::Response => "response",
            RecordType::Revisit => "revisit",
            RecordType::Metadata => "metadata",
        }
    }
}

/// The extension field naming the store's capture behind a record, so a
/// verifier can match records with custody entries.
pub(crate) const CAPTURE_ID_FIELD: &str = "WARC-Cartograph-Capture-Id";

/// The WARC/1.1 revisit profile for a `304 Not Modified`. Not an address:
/// the standard (ISO 28500:2017, section 6.7.3) defines this URI as the
/// profile's name, and WARC readers (warcio, pywb) compare it verbatim;
/// nothing ever fetches it.
pub(crate) const SERVER_NOT_MODIFIED_PROFILE: &str =
    "http://netpreserve.org/warc/1.1/revisit/server-not-modified";

/// Where a record landed in the WARC file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Placement {
    pub(crate) offset: u64,
    pub(crate) length: u64,
}

/// A writer that counts and hashes what passes through it: the WARC file's
/// offsets and the package's file digests come from it.
pub(crate) struct CountingWriter<W: Write> {
    inner: W,
    written: u64,
    hasher: Sha256,
}

impl<W: Write> CountingWriter<W> {
    pub(crate) fn new(inner: W) -> CountingWriter<W> {
        CountingWriter {
            inner,
            written: 0,
            hasher: Sha256::new(),
        }
    }

    pub(crate) fn written(&self) -> u64 {
        self.written
    }

    /// Flushes and returns the inner writer, the byte count and the
    /// lowercase hex SHA-256 of everything written.
    pub(crate) fn finish(mut self) -> io::Result<(W, u64, String)> {
        self.inner.flush()?;
        Ok((
            self.inner,
            self.written,
            hex::encode(self.hasher.finalize()),
        ))
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        self.written += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes one record as its own gzip member. `fields` are the named
/// fields after WARC-Type (WARC-Record-ID, WARC-Date, …); Content-Type,
/// the block digest, the payload digest (when `payload_digest` is given)
/// and Content-Length are added here. The block is `block_parts`
/// concatenated.
pub(crate) fn write_record<W: Write>(
    out: &mut CountingWriter<W>,
    record_type: RecordType,
    fields: &[(&str, String)],
    content_type: &str,
    payload_digest: Option<&str>,
    block_parts: &[&[u8]],
) -> io::Result<Placement> {
    let mut block_hasher = Sha256::new();
    let mut block_length = 0_u64;
    for part in block_parts {
        block_hasher.update(part);
        block_length += part.len() as u64;
    }
    let mut head = format!("WARC/1.1\r\nWARC-Type: {}\r\n", record_type.as_str());
    for (name, value) in fields {
        head.push_str(&format!("{name}: {}\r\n", field_value(value)));
    }
    head.push_str(&format!("Content-Type: {content_type}\r\n"));
    head.push_str(&format!(
        "WARC-Block-Digest: sha256:{}\r\n",
        hex::encode(block_hasher.finalize())
    ));
    if let Some(payload_digest) = payload_digest {
        head.push_str(&format!("WARC-Payload-Digest: sha256:{payload_digest}\r\n"));
    }
    head.push_str(&format!("Content-Length: {block_length}\r\n\r\n"));

    let offset = out.written();
    let mut member = GzEncoder::new(&mut *out, Compression::new(6));
    member.write_all(head.as_bytes())?;
    for part in block_parts {
        member.write_all(part)?;
    }
    member.write_all(b"\r\n\r\n")?;
    member.finish()?;
    Ok(Placement {
        offset,
        length: out.written() - offset,
    })
}

/// A field value on one line: line breaks cannot appear in a WARC field.
fn field_value(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

/// `<urn:uuid:…>` derived from `seed` (SHA-256, then the version 8 and
/// variant bits of RFC 9562): stable for a given capture and role.
pub(crate) fn record_id(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// WARC-Date with milliseconds, UTC.
pub(crate) fn warc_date(time: &DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The 14-digit timestamp of CDXJ lines.
pub(crate) fn cdx_timestamp(time: &DateTime<Utc>) -> String {
    time.format("%Y%m%d%H%M%S").to_string()
}

/// The version written on HTTP heads: what was received when it is
/// HTTP/1.0 or HTTP/1.1, else HTTP/1.1 (a WARC `response` holds an HTTP/1
/// message; the version received is kept in the metadata record).
pub(crate) fn head_version(version: &str) -> &str {
    match version {
        "HTTP/1.0" | "HTTP/1.1" => version,
        _ => "HTTP/1.1",
    }
}

/// The request line and headers as sent.
pub(crate) fn request_head(request: &RequestRecord) -> Vec<u8> {
    let target = url::Url::parse(&request.url)
        .map(|url| {
            let mut target = url.path().to_owned();
            if let Some(query) = url.query() {
                target.push('?');
                target.push_str(query);
            }
            target
        })
        .unwrap_or_else(|_| request.url.clone());
    let mut head = format!(
        "{} {target} {}\r\n",
        request.method,
        head_version(&request.http_version)
    );
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// The status line and headers as received. hyper has already removed
/// chunked framing from the body, so a `Transfer-Encoding: chunked` header
/// is written as `X-Orig-Transfer-Encoding` (the convention of other
/// archiving tools) or readers would try to de-chunk the stored body.
pub(crate) fn response_head(response: &ResponseRecord) -> Vec<u8> {
    let reason = response.reason.clone().unwrap_or_else(|| {
        http::StatusCode::from_u16(response.status)
            .ok()
            .and_then(|status| status.canonical_reason())
            .unwrap_or("")
            .to_owned()
    });
    let mut head = format!(
        "{} {} {reason}\r\n",
        head_version(&response.version),
        response.status
    );
    for (name, value) in &response.headers {
        let name = if name.eq_ignore_ascii_case("transfer-encoding") {
            "X-Orig-Transfer-Encoding"
        } else {
            name.as_str()
        };
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// The media type of a response, parameters dropped, for the CDXJ `mime`.
pub(crate) fn media_type(response: &ResponseRecord) -> String {
    response
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| {
            value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|media_type| !media_type.is_empty())
        .unwrap_or_else(|| "unk".to_owned())
}

/// The metadata record's fields for a capture: the politeness decision
/// behind the request and what became of it.
pub(crate) fn metadata_block(capture: &CaptureRecord) -> Vec<u8> {
    let politeness = &capture.politeness;
    let mut fields: Vec<(&str, String)> = vec![
        ("capture-id", capture.id.to_string()),
        ("run", capture.run_id.to_string()),
        ("site", capture.site_id.clone()),
        ("outcome", capture.outcome.clone()),
        ("tool-version", capture.tool_version.clone()),
        ("robots", politeness.robots.clone()),
        ("interval-ms", politeness.interval_ms.to_string()),
        ("waited-ms", politeness.waited_ms.to_string()),
        ("retries", politeness.retries.to_string()),
        ("duration-ms", capture.duration_ms.to_string()),
    ];
    if let Some(retry_after) = politeness.retry_after_ms {
        fields.push(("retry-after-ms", retry_after.to_string()));
    }
    if let Some(case_label) = &capture.case_label {
        fields.push(("case", case_label.clone()));
    }
    if let Some(response) = &capture.response {
        fields.push(("http-version-received", response.version.clone()));
        if let Some(body) = &response.body {
            if body.truncated {
                fields.push(("body-truncated-at", body.length.to_string()));
            }
        }
    }
    if let Some(original) = capture.revisit_of {
        fields.push(("revisit-of-capture", original.to_string()));
    }
    if let Some(previous) = capture.redirected_from {
        fields.push(("redirected-from-capture", previous.to_string()));
    }
    if let Some(error) = &capture.error {
        fields.push(("error", error.clone()));
    }
    warc_fields(&fields)
}

/// `name: value` lines, CRLF-terminated (application/warc-fields).
pub(crate) fn warc_fields(fields: &[(&str, String)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(name, value)| format!("{name}: {}\r\n", field_value(value)))
        .collect::<String>()
        .into_bytes()
}

/// The SURT form of `url` used as the CDXJ key: host labels reversed and
/// comma-joined (`www.` dropped), the port when not the default, `)`, then
/// path (trailing slash dropped) and query, query arguments sorted, all
/// lower-cased: the keys the Python `surt` library makes for these URLs.
pub(crate) fn surt(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return url.to_ascii_lowercase();
    };
    let host = parsed.host_str().unwrap_or("").to_ascii_lowercase();
    let host = match parsed.host() {
        Some(url::Host::Domain(_)) => host.strip_prefix("www.").unwrap_or(&host).to_owned(),
        _ => host,
    };
    let mut key = host.split('.').rev().collect::<Vec<_>>().join(",");
    if let Some(port) = parsed.port() {
        key.push_str(&format!(":{port}"));
    }
    key.push(')');
    let path = parsed.path().to_ascii_lowercase();
    // As the reference `surt` library: a trailing slash is dropped, except
    // from the root path.
    let path = match path.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed.to_owned(),
        _ => path,
    };
    key.push_str(&path);
    if let Some(query) = parsed.query() {
        let mut arguments: Vec<String> = query
            .split('&')
            .filter(|argument| !argument.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        arguments.sort();
        key.push('?');
        key.push_str(&arguments.join("&"));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surt_keys_match_the_usual_form() {
        let check = |url: &str, expect: &str| assert_eq!(surt(url), expect, "{url}");
        check("http://www.Example.org/", "org,example)/");
        check(
            "http://ads.example.test/wien/page/2/?sort=new&a=1",
            "test,example,ads)/wien/page/2?a=1&sort=new",
        );
        check("http://127.0.0.1:8080/x", "1,0,0,127:8080)/x");
        check("https://a.example.org:443/Path", "org,example,a)/path");
    }

    #[test]
    fn record_ids_are_stable_uuids() {
        let id = record_id("abc/response");
        assert_eq!(id, record_id("abc/response"));
        assert_ne!(id, record_id("abc/request"));
        assert!(id.starts_with("<urn:uuid:") && id.ends_with('>'), "{id}");
        let uuid = &id[10..id.len() - 1];
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "8");
    }
}
