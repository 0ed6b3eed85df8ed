//! Bytes to text: which character encoding a fetched page is in, and the
//! page decoded with it.
//!
//! The order is the HTML standard's encoding sniffing, minus what only a
//! browser needs: a byte-order mark wins (the standard puts it above the
//! transport layer, because a BOM cannot be there by accident), then the
//! HTTP `Content-Type` charset, then a `<meta charset>` or `<meta
//! http-equiv="Content-Type">` found by a prescan of the first
//! [`PRESCAN_BYTES`] bytes, then a guess by `chardetng` (Firefox's
//! detector), and UTF-8 for a page that is pure ASCII.
//!
//! Unlike a browser, a declaration is checked against the bytes: servers
//! often send a default `charset=utf-8` for pages written in windows-1251,
//! and templates copy a `<meta charset>` that no longer matches. A page
//! declared UTF-8 whose non-ASCII bytes mostly fail to decode, or declared
//! in a legacy encoding while being valid UTF-8 with real multi-byte text,
//! is decoded by detection instead, and says so in [`CharsetSource`].

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};

/// How far into the body the `<meta>` prescan looks. The standard says 1024
/// bytes; real listing pages put long comments and scripts first (one saved
/// classifieds page opens with a 1.2 kB ASCII-art job advert), so this looks
/// further, as Chromium does.
pub const PRESCAN_BYTES: usize = 4096;

/// A page as text, and how its encoding was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The body decoded; undecodable bytes are U+FFFD.
    pub text: String,
    /// The WHATWG name of the encoding used (`UTF-8`, `windows-1251`, `KOI8-R`).
    pub encoding: &'static str,
    /// Where the encoding came from, so a wrong guess can be traced.
    pub source: CharsetSource,
    /// How many U+FFFD replacement characters decoding produced; a few mean
    /// a damaged page, many a wrong encoding.
    pub replacements: usize,
}

/// Where the encoding of a page came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CharsetSource {
    /// The HTTP `Content-Type` header's `charset` parameter.
    Header,
    /// A byte-order mark at the start of the body.
    Bom,
    /// A `<meta>` declaration in the first [`PRESCAN_BYTES`] bytes.
    Meta,
    /// Guessed from the bytes: nothing was declared, or the declaration did
    /// not fit the bytes.
    Detected,
    /// Nothing declared and nothing to detect (pure ASCII): UTF-8.
    Default,
}

/// Decodes an HTML body. `headers` are the response headers as received.
pub fn decode_html(headers: &[(String, String)], body: &[u8]) -> Decoded {
    decode_html_with_tld_hint(headers, body, None)
}

/// Decodes an HTML body, telling the detector the page's top-level domain
/// (`ua`, `pl`, as the URL spells it): it tips the balance between encodings
/// of one script (windows-1251 against KOI8-U on a `.ua` site). A TLD that is
/// not a plain lowercase ASCII label is ignored.
pub fn decode_html_with_tld_hint(
    headers: &[(String, String)],
    body: &[u8],
    top_level_domain: Option<&str>,
) -> Decoded {
    if let Some((encoding, bom_length)) = Encoding::for_bom(body) {
        return decode_with(encoding, &body[bom_length..], CharsetSource::Bom);
    }
    let declared = header_charset(headers)
        .map(|encoding| (encoding, CharsetSource::Header))
        .or_else(|| meta_charset(body).map(|encoding| (encoding, CharsetSource::Meta)));
    if let Some((encoding, source)) = declared {
        let decoded = decode_with(encoding, body, source);
        if !declaration_contradicted(&decoded, encoding, body) {
            return decoded;
        }
    }
    if body.is_ascii() {
        return decode_with(UTF_8, body, CharsetSource::Default);
    }
    decode_with(
        detect(body, top_level_domain),
        body,
        CharsetSource::Detected,
    )
}

/// The encoding named by a `Content-Type` header's `charset` parameter.
fn header_charset(headers: &[(String, String)]) -> Option<&'static Encoding> {
    let content_type = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.as_str())?;
    let label = charset_parameter(content_type.as_bytes())?;
    Encoding::for_label(label)
}

/// The value of `charset=` inside a `Content-Type` value (header or meta
/// `content`), quotes removed.
fn charset_parameter(value: &[u8]) -> Option<&[u8]> {
    let lower: Vec<u8> = value.to_ascii_lowercase();
    let mut search_from = 0;
    while let Some(found) = find(&lower[search_from..], b"charset") {
        let mut position = search_from + found + b"charset".len();
        search_from = position;
        while lower.get(position).is_some_and(u8::is_ascii_whitespace) {
            position += 1;
        }
        if lower.get(position) != Some(&b'=') {
            continue;
        }
        position += 1;
        while lower.get(position).is_some_and(u8::is_ascii_whitespace) {
            position += 1;
        }
        let quote = match value.get(position) {
            Some(&quote @ (b'"' | b'\'')) => {
                position += 1;
                Some(quote)
            }
            _ => None,
        };
        let start = position;
        while let Some(&byte) = value.get(position) {
            let ends = match quote {
                Some(quote) => byte == quote,
                None => byte == b';' || byte.is_ascii_whitespace(),
            };
            if ends {
                break;
            }
            position += 1;
        }
        return (position > start).then(|| &value[start..position]);
    }
    None
}

/// The encoding a `<meta>` in the first [`PRESCAN_BYTES`] declares: a
/// simplified form of the standard's prescan (comments and other tags are
/// skipped, attribute values may be quoted or bare).
fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let window = &body[..body.len().min(PRESCAN_BYTES)];
    let mut position = 0;
    while position < window.len() {
        if window[position..].starts_with(b"<!--") {
            position = match find(&window[position + 4..], b"-->") {
                Some(end) => position + 4 + end + 3,
                None => return None,
            };
            continue;
        }
        if window[position] != b'<' {
            position += 1;
            continue;
        }
        let tag_start = position + 1;
        let is_meta = window
            .get(tag_start..tag_start + 4)
            .is_some_and(|name| name.eq_ignore_ascii_case(b"meta"))
            && window
                .get(tag_start + 4)
                .is_some_and(|&byte| byte.is_ascii_whitespace() || byte == b'/');
        let (attributes, tag_end) = tag_attributes(window, tag_start);
        position = tag_end;
        if !is_meta {
            continue;
        }
        if let Some(encoding) = meta_declaration(&attributes) {
            return Some(meta_override(encoding));
        }
    }
    None
}

/// The standard replaces some labels found in `<meta>`: a UTF-16 label
/// cannot be right in a page the prescan could read as ASCII, and
/// x-user-defined means windows-1252.
fn meta_override(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == UTF_16BE || encoding == UTF_16LE {
        UTF_8
    } else if encoding == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        encoding
    }
}

/// The encoding one `<meta>` tag's attributes declare, if any.
fn meta_declaration(attributes: &[Attribute]) -> Option<&'static Encoding> {
    let attribute = |wanted: &[u8]| {
        attributes
            .iter()
            .find(|(name, _)| name.as_slice() == wanted)
            .map(|(_, value)| value.as_slice())
    };
    if let Some(label) = attribute(b"charset") {
        if let Some(encoding) = Encoding::for_label(label) {
            return Some(encoding);
        }
    }
    let is_content_type =
        attribute(b"http-equiv").is_some_and(|value| value.eq_ignore_ascii_case(b"content-type"));
    if is_content_type {
        let label = charset_parameter(attribute(b"content")?)?;
        return Encoding::for_label(label);
    }
    None
}

/// One attribute of a prescanned tag: lower-cased name, raw value.
type Attribute = (Vec<u8>, Vec<u8>);

/// Reads the attributes of the tag whose name starts at `start`, returning
/// them (names lower-cased) and the index just past the tag's `>`.
fn tag_attributes(window: &[u8], start: usize) -> (Vec<Attribute>, usize) {
    let mut attributes = Vec::new();
    let mut position = start;
    // Skip the tag name.
    while position < window.len()
        && !window[position].is_ascii_whitespace()
        && window[position] != b'>'
        && window[position] != b'/'
    {
        position += 1;
    }
    loop {
        while position < window.len()
            && (window[position].is_ascii_whitespace() || window[position] == b'/')
        {
            position += 1;
        }
        match window.get(position) {
            None => return (attributes, window.len()),
            Some(b'>') => return (attributes, position + 1),
            Some(_) => {}
        }
        let name_start = position;
        while position < window.len()
            && !window[position].is_ascii_whitespace()
            && !matches!(window[position], b'=' | b'>' | b'/')
        {
            position += 1;
        }
        let name = window[name_start..position].to_ascii_lowercase();
        while position < window.len() && window[position].is_ascii_whitespace() {
            position += 1;
        }
        let mut value = Vec::new();
        if window.get(position) == Some(&b'=') {
            position += 1;
            while position < window.len() && window[position].is_ascii_whitespace() {
                position += 1;
            }
            match window.get(position) {
                Some(&quote @ (b'"' | b'\'')) => {
                    position += 1;
                    let value_start = position;
                    while position < window.len() && window[position] != quote {
                        position += 1;
                    }
                    value = window[value_start..position].to_vec();
                    position = (position + 1).min(window.len());
                }
                _ => {
                    let value_start = position;
                    while position < window.len()
                        && !window[position].is_ascii_whitespace()
                        && window[position] != b'>'
                    {
                        position += 1;
                    }
                    value = window[value_start..position].to_vec();
                }
            }
        }
        if !name.is_empty() {
            attributes.push((name, value));
        }
    }
}

/// Whether the bytes say the declared encoding is wrong; rules in the module doc.
fn declaration_contradicted(decoded: &Decoded, declared: &'static Encoding, body: &[u8]) -> bool {
    let non_ascii_bytes = body.iter().filter(|byte| !byte.is_ascii()).count();
    if declared == UTF_8 {
        // In real UTF-8 a damaged byte is rare; read as UTF-8, legacy text
        // fails on almost every non-ASCII byte.
        return decoded.replacements >= 4 && decoded.replacements * 5 >= non_ascii_bytes;
    }
    if declared == UTF_16BE || declared == UTF_16LE {
        return false;
    }
    // Legacy text is valid UTF-8 only by accident, and then only briefly.
    non_ascii_bytes >= 8 && std::str::from_utf8(body).is_ok()
}

fn detect(body: &[u8], top_level_domain: Option<&str>) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(body, true);
    // chardetng panics on a TLD with upper case, dots or non-ASCII; only a
    // plain lowercase label is passed on.
    let hint = top_level_domain.filter(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
    });
    detector.guess(hint.map(str::as_bytes), Utf8Detection::Allow)
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8], source: CharsetSource) -> Decoded {
    let (text, _had_errors) = encoding.decode_without_bom_handling(bytes);
    let replacements = match &text {
        // Borrowed means the bytes were valid and unchanged.
        Cow::Borrowed(_) => 0,
        Cow::Owned(owned) => owned
            .chars()
            .filter(|&character| character == '\u{FFFD}')
            .count(),
    };
    Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        source,
        replacements,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: &str, expected: Option<&str>) {
        let found = charset_parameter(value.as_bytes()).map(|label| String::from_utf8_lossy(label));
        assert_eq!(found.as_deref(), expected, "{value}");
    }

    #[test]
    fn charset_parameters_are_read() {
        check("text/html; charset=windows-1251", Some("windows-1251"));
        check("text/html;charset=\"KOI8-R\"", Some("KOI8-R"));
        check("text/html; CHARSET = utf-8 ; x=y", Some("utf-8"));
        check("text/html", None);
        check("text/html; charset=", None);
        check("text/html; charsetx; charset=latin2", Some("latin2"));
    }

    #[test]
    fn meta_prescan_skips_comments_and_reads_both_forms() {
        let meta = |html: &str| meta_charset(html.as_bytes()).map(Encoding::name);
        assert_eq!(meta("<meta charset=koi8-r>"), Some("KOI8-R"));
        assert_eq!(
            meta("<!-- <meta charset=koi8-r> --><META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=windows-1251'>"),
            Some("windows-1251")
        );
        assert_eq!(meta("<metadata charset=koi8-r>"), None);
        assert_eq!(meta("<meta charset=\"utf-16le\">"), Some("UTF-8"));
        assert_eq!(meta("<title>x</title><meta charset"), None);
        assert_eq!(meta("<!-- unterminated <meta charset=koi8-r>"), None);
    }
}
