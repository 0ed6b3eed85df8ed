//! Scope by URL: `normalise_url`, the one place that says what two equal URLs
//! look like, and `ListingPattern`, a whole URL in which `*` matches any run
//! of characters. Validation needs both (a seed must fall inside its own
//! site's patterns) and the fetch crate's scope guard uses them, so they live
//! here as pure functions with no I/O.

use std::fmt;

use serde::Serialize;
use url::Url;

/// The form every URL is compared in: scheme and host lower-cased, default
/// port dropped, dot segments resolved (the `url` crate does those while
/// parsing), fragment dropped, percent-encoding made canonical (hex digits
/// upper-cased, encoded unreserved characters such as `%7E` decoded, as
/// RFC 3986 §6.2.2 says), an empty path written as `/` and an empty query
/// (`?` with nothing after it) dropped.
///
/// Keep this the single function that decides equality of URLs: listing
/// patterns are normalised through it too, so whatever is added here applies
/// to both sides of every comparison. [`normalise_url_dropping`] also drops
/// the configured tracking parameters.
pub fn normalise_url(url: &Url) -> Url {
    normalise_url_dropping(url, &[])
}

/// [`normalise_url`], then every query parameter whose name is one of
/// `tracking_parameters` (ASCII case ignored) dropped, so that
/// `/list/?utm_source=x` and `/list/` are one page and fetched once.
pub fn normalise_url_dropping(url: &Url, tracking_parameters: &[String]) -> Url {
    let mut normalised = url.clone();
    normalised.set_fragment(None);
    if !normalised.cannot_be_a_base() {
        let path = canonical_percent_encoding(normalised.path());
        if path != normalised.path() {
            normalised.set_path(&path);
        }
    }
    if let Some(query) = normalised.query() {
        let canonical = canonical_percent_encoding(query);
        let kept: Vec<&str> = canonical
            .split('&')
            .filter(|pair| {
                let name = pair.split('=').next().unwrap_or_default();
                !tracking_parameters
                    .iter()
                    .any(|tracking| tracking.eq_ignore_ascii_case(name))
            })
            .collect();
        let joined = kept.join("&");
        if joined != query {
            normalised.set_query(Some(&joined));
        }
    }
    if normalised.port().is_some() && normalised.port() == default_port(normalised.scheme()) {
        // Setting the port can only fail for URLs that cannot have one, and
        // those have no port to drop in the first place.
        let _ = normalised.set_port(None);
    }
    if normalised.query() == Some("") {
        normalised.set_query(None);
    }
    if normalised.path().is_empty() && !normalised.cannot_be_a_base() {
        normalised.set_path("/");
    }
    normalised
}

/// One entry of a site's `listing`: a whole URL in which `*` matches zero or
/// more characters (`/` and `?` included) and nothing else is special.
///
/// The pattern is normalised when it is parsed, as far as a pattern can be:
/// scheme and host lower-cased, default port dropped, percent-encoding as the
/// `url` crate writes it. Matching is linear in the length of the URL plus the
/// pattern, however many `*` the pattern holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListingPattern {
    /// The normalised pattern text, `*` included; what is matched against and
    /// what `check-config` prints.
    normalised: String,
    /// The host when it is written without `*`, so the scope guard can index
    /// patterns by host and the limiter can know hosts before any fetch.
    host: Option<String>,
}

impl ListingPattern {
    /// Parses and normalises a pattern. The error says what is wrong in words
    /// fit for a diagnostic; the caller adds the place and the hint.
    pub fn parse(text: &str) -> Result<ListingPattern, ListingPatternError> {
        if text.contains('#') {
            return Err(ListingPatternError::HasFragment);
        }
        if text.contains(WILDCARD_PLACEHOLDER) {
            return Err(ListingPatternError::ContainsPlaceholder);
        }
        let scheme_end = text.find("://").ok_or(ListingPatternError::NotHttp)?;
        let scheme = text[..scheme_end].to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(ListingPatternError::NotHttp);
        }
        let with_placeholders = text.replace('*', WILDCARD_PLACEHOLDER);
        let parsed = Url::parse(&with_placeholders)
            .map_err(|parse_error| ListingPatternError::NotAUrl(parse_error.to_string()))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(ListingPatternError::HasCredentials);
        }
        let Some(host_with_placeholders) = parsed.host_str() else {
            return Err(ListingPatternError::NoHost);
        };
        let host_without_wildcards = host_with_placeholders.replace(WILDCARD_PLACEHOLDER, "");
        if !host_without_wildcards
            .chars()
            .any(|character| character.is_ascii_alphanumeric() || !character.is_ascii())
        {
            return Err(ListingPatternError::NoHost);
        }
        let host = if host_with_placeholders.contains(WILDCARD_PLACEHOLDER) {
            None
        } else {
            Some(host_with_placeholders.to_owned())
        };

        let mut normalised = normalise_url(&parsed)
            .as_str()
            .replace(WILDCARD_PLACEHOLDER, "*");
        while normalised.contains("**") {
            normalised = normalised.replace("**", "*");
        }
        // `http://h*` has no path, and the url crate writes one (`/`) after
        // the host; that would stop the final `*` from reaching into the path,
        // so the slash the writer added goes again.
        let after_scheme = &text[scheme_end + 3..];
        if !after_scheme.contains(['/', '?']) && text.ends_with('*') && normalised.ends_with("*/") {
            normalised.pop();
        }
        Ok(ListingPattern { normalised, host })
    }

    /// Whether `url`, once normalised, is matched by this pattern as a whole.
    pub fn matches(&self, url: &Url) -> bool {
        self.matches_normalised(normalise_url(url).as_str())
    }

    /// Whether an already normalised URL is matched; lets callers holding
    /// several patterns normalise the URL once.
    pub(crate) fn matches_normalised(&self, normalised_url: &str) -> bool {
        glob_matches(&self.normalised, normalised_url)
    }

    /// The normalised pattern text, `*` included.
    pub fn as_str(&self) -> &str {
        &self.normalised
    }

    /// The host part when it has no `*` in it.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }
}

impl fmt::Display for ListingPattern {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.normalised)
    }
}

impl Serialize for ListingPattern {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.normalised)
    }
}

/// Why a listing pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListingPatternError {
    /// The scheme is missing or is not http/https.
    #[error("does not start with http:// or https://")]
    NotHttp,
    /// The url crate could not parse it (with `*` standing in for text).
    #[error("is not a valid URL ({0})")]
    NotAUrl(String),
    /// No host, or a host made only of `*` and dots, which would match every site.
    #[error("does not name a host")]
    NoHost,
    /// A user name or password; cartograph never logs in.
    #[error("contains a user name or password")]
    HasCredentials,
    /// A `#`: normalised URLs have no fragment, so the pattern could never match.
    #[error("contains a fragment ('#'), which normalised URLs never have")]
    HasFragment,
    /// The text used internally to stand in for `*` while parsing.
    #[error("contains the reserved text '{WILDCARD_PLACEHOLDER}'")]
    ContainsPlaceholder,
}

/// Stands in for `*` while the url crate parses and normalises a pattern:
/// lower-case letters and a hyphen are left alone in a host, a path and a
/// query alike.
const WILDCARD_PLACEHOLDER: &str = "cartograph-wildcard";

/// `%xx` escapes with upper-case hex, and escapes of unreserved characters
/// (letters, digits, `-`, `.`, `_`, `~`) decoded; everything else unchanged.
fn canonical_percent_encoding(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut canonical = String::with_capacity(text.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = if bytes[index] == b'%' && index + 2 < bytes.len() {
            hex_value(bytes[index + 1])
                .zip(hex_value(bytes[index + 2]))
                .map(|(high, low)| (high << 4) | low)
        } else {
            None
        };
        match escaped {
            Some(value) if value.is_ascii_alphanumeric() || b"-._~".contains(&value) => {
                canonical.push(char::from(value));
                index += 3;
            }
            Some(value) => {
                canonical.push_str(&format!("%{value:02X}"));
                index += 3;
            }
            None => {
                // Copy one whole character (the text is valid UTF-8).
                let character_length = text[index..].chars().next().map_or(1, char::len_utf8);
                canonical.push_str(&text[index..index + character_length]);
                index += character_length;
            }
        }
    }
    canonical
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// Whole-string glob match where `*` is the only special character.
///
/// The literal pieces between stars must appear in order: the first as a
/// prefix, the last as a suffix, the ones between at their leftmost place
/// after the previous one. Taking the leftmost place is always safe when `*`
/// is the only wildcard, so there is no backtracking and the cost is linear
/// (`str::find` is the two-way algorithm).
fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut pieces = pattern.split('*');
    // `split` always yields at least one piece, even for an empty pattern.
    let first = pieces.next().unwrap_or("");
    let middle_and_last: Vec<&str> = pieces.collect();
    let Some((last, middle)) = middle_and_last.split_last() else {
        return pattern == text;
    };
    if text.len() < first.len() + last.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut remaining = &text[first.len()..text.len() - last.len()];
    for piece in middle {
        match remaining.find(piece) {
            Some(position) => remaining = &remaining[position + piece.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, url: &str, expected: bool) {
        let parsed_pattern = ListingPattern::parse(pattern)
            .unwrap_or_else(|error| panic!("pattern {pattern:?} {error}"));
        let parsed_url = Url::parse(url).unwrap_or_else(|error| panic!("url {url:?}: {error}"));
        assert_eq!(
            parsed_pattern.matches(&parsed_url),
            expected,
            "pattern {pattern:?} (normalised {:?}) against {url:?}",
            parsed_pattern.as_str()
        );
    }

    #[test]
    fn listing_pattern_matches() {
        let cases: &[(&str, &str, bool)] = &[
            ("http://h/listing/*", "http://h/listing/", true),
            (
                "http://h/listing/*",
                "http://h/listing/page/2/?sort=new",
                true,
            ),
            ("http://h/listing/*", "http://h/other/", false),
            ("http://h/listing/*", "http://h/listing", false),
            ("http://h/listing/*", "https://h/listing/", false),
            ("http://h/listing/*", "http://h2/listing/", false),
            ("http://h/listing/*", "http://h/listing/#top", true),
            ("http://h/listing/*", "http://H:80/listing/x", true),
            (
                "HTTP://H.Example.TEST:80/listing/*",
                "http://h.example.test/listing/x",
                true,
            ),
            ("https://h:443/*", "https://h/a", true),
            ("http://h:8080/*", "http://h:8080/a", true),
            ("http://h:8080/*", "http://h/a", false),
            ("http://h/a", "http://h/a", true),
            ("http://h/a", "http://h/a/", false),
            ("http://h/a", "http://h/a?x=1", false),
            ("http://h", "http://h/", true),
            ("http://h/ad-*.html", "http://h/ad-123.html", true),
            ("http://h/ad-*.html", "http://h/ad-.html", true),
            ("http://h/ad-*.html", "http://h/ad-1.htm", false),
            ("http://h/*?page=*", "http://h/wien/?page=3", true),
            ("http://h/*?page=*", "http://h/wien/", false),
            ("http://*.example.test/*", "http://ads.example.test/x", true),
            ("http://*.example.test/*", "http://example.test/x", false),
            (
                "http://ads.example.*",
                "http://ads.example.test/deep/path?q=1",
                true,
            ),
            ("http://h/a*a", "http://h/a", false),
            ("http://h/a*a", "http://h/aa", true),
            ("http://h/a*b*c", "http://h/abc", true),
            ("http://h/a*b*c", "http://h/acb", false),
            ("http://h/a*b*c", "http://h/aXbYbZc", true),
            ("http://h/**", "http://h/", true),
            ("http://h/wien/ä/*", "http://h/wien/%C3%A4/1", true),
            ("http://h/a/./b/../c/*", "http://h/a/c/1", true),
            ("http://h/x?*", "http://h/x?", false),
            ("http://h/x*", "http://h/x?", true),
        ];
        for &(pattern, url, expected) in cases {
            check(pattern, url, expected);
        }
    }

    #[test]
    fn many_stars_stay_linear() {
        let pattern = format!("http://h/{}b", "*a".repeat(200));
        let url = format!("http://h/{}", "a".repeat(100_000));
        check(&pattern, &url, false);
        let url_that_matches = format!("{url}b");
        check(&pattern, &url_that_matches, true);
    }

    #[test]
    fn listing_pattern_host_and_text() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "http://H.Example.test/wien/*",
                "http://h.example.test/wien/*",
                Some("h.example.test"),
            ),
            ("https://h:443/*", "https://h/*", Some("h")),
            ("http://*.example.test/*", "http://*.example.test/*", None),
            ("http://ads.example.*", "http://ads.example.*", None),
            ("http://h", "http://h/", Some("h")),
            ("http://h/a b/*", "http://h/a%20b/*", Some("h")),
        ];
        for &(pattern, expected_text, expected_host) in cases {
            let parsed = ListingPattern::parse(pattern).expect(pattern);
            assert_eq!(parsed.as_str(), expected_text, "{pattern}");
            assert_eq!(parsed.host(), expected_host, "{pattern}");
        }
    }

    #[test]
    fn listing_pattern_refusals() {
        let cases: &[(&str, ListingPatternError)] = &[
            ("ftp://h/*", ListingPatternError::NotHttp),
            ("h/*", ListingPatternError::NotHttp),
            ("*://h/*", ListingPatternError::NotHttp),
            ("http://*/*", ListingPatternError::NoHost),
            ("http://*.*/", ListingPatternError::NoHost),
            ("http://user:pw@h/*", ListingPatternError::HasCredentials),
            ("http://h/#*", ListingPatternError::HasFragment),
            (
                "http://h/cartograph-wildcard",
                ListingPatternError::ContainsPlaceholder,
            ),
        ];
        for (pattern, expected) in cases {
            assert_eq!(
                ListingPattern::parse(pattern).as_ref(),
                Err(expected),
                "{pattern}"
            );
        }
        assert!(matches!(
            ListingPattern::parse("http://h:*/"),
            Err(ListingPatternError::NotAUrl(_))
        ));
    }

    #[test]
    fn tracking_parameters_are_dropped() {
        let tracking = vec!["utm_source".to_owned(), "fbclid".to_owned()];
        let cases: &[(&str, &str)] = &[
            ("http://h/l/?utm_source=x", "http://h/l/"),
            (
                "http://h/l/?page=2&UTM_SOURCE=x&fbclid=1",
                "http://h/l/?page=2",
            ),
            ("http://h/l/?page=2", "http://h/l/?page=2"),
            ("http://h/l/?utm_sourcex=1", "http://h/l/?utm_sourcex=1"),
        ];
        for &(input, expected) in cases {
            let parsed = Url::parse(input).expect(input);
            assert_eq!(
                normalise_url_dropping(&parsed, &tracking).as_str(),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn normalise_url_table() {
        let cases: &[(&str, &str)] = &[
            (
                "HTTP://Ads.Example.TEST/Wien/",
                "http://ads.example.test/Wien/",
            ),
            ("http://h:80/a", "http://h/a"),
            ("https://h:443/a", "https://h/a"),
            ("http://h:443/a", "http://h:443/a"),
            ("https://h:8443/a", "https://h:8443/a"),
            ("http://h/a#section", "http://h/a"),
            ("http://h/a?#section", "http://h/a"),
            ("http://h/a?x=1#s", "http://h/a?x=1"),
            ("http://h", "http://h/"),
            ("http://h?x=1", "http://h/?x=1"),
            ("http://h/a/./b/../c", "http://h/a/c"),
            ("http://h/a/%7e", "http://h/a/~"),
            ("http://h/a/%c3%a4?q=%2f%41", "http://h/a/%C3%A4?q=%2FA"),
            ("http://h/a/%2", "http://h/a/%2"),
            ("http://h/a/../../b", "http://h/b"),
            ("http://h/%2e%2e/b", "http://h/b"),
        ];
        for &(input, expected) in cases {
            let parsed = Url::parse(input).expect(input);
            assert_eq!(normalise_url(&parsed).as_str(), expected, "{input}");
        }
    }
}
