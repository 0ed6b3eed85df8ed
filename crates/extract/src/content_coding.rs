//! Undoing a response's `Content-Encoding` for extraction, capped: the step
//! before the charset (`decode.rs`). Pure, so the fetcher (bodies as they
//! arrive), the store (bodies read back for `reextract`, resumed runs and
//! reports) and the report all undo codings the same way.
//!
//! The capture keeps the body exactly as received (encoding not undone), so
//! evidence stays what the server sent; extraction needs the decoded bytes.
//! We ask for `identity`, but a hostile or careless server may compress
//! anyway, and a few kilobytes of gzip can decode to gigabytes (a "gzip
//! bomb"): decoding stops at `max_decompressed_bytes` and says so.

use std::io::Read;

/// The decoded body handed to extraction, and how decoding went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedBody {
    /// The decoded bytes, at most the cap.
    pub bytes: Vec<u8>,
    /// The content-coding that was undone (`gzip`, `deflate`, `br`).
    pub encoding: String,
    /// True when decoding stopped at the cap: a bomb, or just a huge page.
    pub cut_at_cap: bool,
    /// Why decoding failed part-way, if it did (the bytes up to there are kept).
    pub error: Option<String>,
}

/// Decodes `body` according to the `Content-Encoding` in `headers`, keeping
/// at most `max_decompressed_bytes`. `None` when the body is not encoded
/// (or `identity`); an unknown coding yields an error and no bytes.
pub fn decode_body(
    headers: &[(String, String)],
    body: &[u8],
    max_decompressed_bytes: u64,
) -> Option<DecodedBody> {
    let encoding = headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("content-encoding"))
        .map(|(_, value)| value.trim().to_ascii_lowercase())
        .find(|value| !value.is_empty() && value != "identity")?;
    let mut decoded = DecodedBody {
        bytes: Vec::new(),
        encoding: encoding.clone(),
        cut_at_cap: false,
        error: None,
    };
    let reader: Box<dyn Read + '_> = match encoding.as_str() {
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(body)),
        "deflate" => {
            // "deflate" means zlib-wrapped (RFC 9110), but servers send raw
            // deflate too: a zlib stream starts with a header whose first
            // byte is 0x?8 and whose first two bytes are a multiple of 31.
            let zlib_wrapped = body.len() >= 2
                && body[0] & 0x0f == 8
                && (u16::from(body[0]) << 8 | u16::from(body[1])) % 31 == 0;
            if zlib_wrapped {
                Box::new(flate2::read::ZlibDecoder::new(body))
            } else {
                Box::new(flate2::read::DeflateDecoder::new(body))
            }
        }
        "br" => Box::new(brotli_decompressor::Decompressor::new(body, 16 * 1024)),
        other => {
            decoded.error = Some(format!("unsupported content-encoding {other:?}"));
            return Some(decoded);
        }
    };
    // Read one byte past the cap to know whether there was more.
    let mut limited = reader.take(max_decompressed_bytes.saturating_add(1));
    if let Err(error) = limited.read_to_end(&mut decoded.bytes) {
        decoded.error = Some(format!("{encoding} body could not be decoded: {error}"));
    }
    let cap = usize::try_from(max_decompressed_bytes).unwrap_or(usize::MAX);
    if decoded.bytes.len() > cap {
        decoded.bytes.truncate(cap);
        decoded.cut_at_cap = true;
    }
    Some(decoded)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn headers(encoding: &str) -> Vec<(String, String)> {
        vec![("content-encoding".to_owned(), encoding.to_owned())]
    }

    #[test]
    fn identity_is_not_decoded() {
        assert_eq!(decode_body(&[], b"plain", 10), None);
        assert_eq!(decode_body(&headers("identity"), b"plain", 10), None);
    }

    #[test]
    fn gzip_and_deflate_decode() {
        let page = b"<html>hello</html>";
        let decoded = decode_body(&headers("gzip"), &gzip(page), 1024).unwrap();
        assert_eq!(decoded.bytes, page);
        assert!(!decoded.cut_at_cap && decoded.error.is_none());

        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        zlib.write_all(page).unwrap();
        let decoded = decode_body(&headers("deflate"), &zlib.finish().unwrap(), 1024).unwrap();
        assert_eq!(decoded.bytes, page);

        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        raw.write_all(page).unwrap();
        let decoded = decode_body(&headers("deflate"), &raw.finish().unwrap(), 1024).unwrap();
        assert_eq!(decoded.bytes, page);
    }

    #[test]
    fn a_gzip_bomb_is_cut_at_the_cap() {
        let bomb = gzip(&vec![0u8; 8 * 1024 * 1024]);
        assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
        let decoded = decode_body(&headers("gzip"), &bomb, 100_000).unwrap();
        assert_eq!(decoded.bytes.len(), 100_000);
        assert!(decoded.cut_at_cap);
    }

    #[test]
    fn broken_and_unknown_encodings_are_reported() {
        let decoded = decode_body(&headers("gzip"), b"not gzip at all", 1024).unwrap();
        assert!(decoded.error.is_some());
        let decoded = decode_body(&headers("compress"), b"x", 1024).unwrap();
        assert!(decoded.error.unwrap().contains("unsupported"));
        let mut truncated = gzip(b"<html>a longer page body here</html>");
        truncated.truncate(truncated.len() - 6);
        let decoded = decode_body(&headers("gzip"), &truncated, 1024).unwrap();
        assert!(decoded.error.is_some(), "{decoded:?}");
    }
}
