//! The key of one ad: what makes two cards "the same ad", on one page (a
//! promoted copy above the list) and across pages and runs (the ad still
//! listed next week).
//!
//! Sites link the same ad under several URLs: with tracking parameters, from
//! a VIP block under another path, with a slug that changed when the title
//! was edited. The ad's own id survives all of that, so the key prefers it:
//! an `id`-like query parameter, else a numeric path segment, else a numeric
//! or `ID…` tail of the last segment, else a long digit run in it, else a
//! hyphenated slug; only when the URL carries none of these is the whole
//! normalised URL used, and a card without any link is keyed by its text.
//! The key is a digest, so the store never sees the URL or the id.

use cartograph_config::normalise_url;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

/// A pseudonymous, stable key for one ad: hex of the first 16 bytes of the
/// SHA-256 of the ad's id and host, of its normalised URL, or of its text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AdKey(String);

impl AdKey {
    /// Key of the ad whose own page is `url`: its id when the URL names
    /// one (see [`ad_id_in_url`]), else the normalised URL.
    pub fn from_url(url: &Url) -> AdKey {
        match ad_id_in_url(url) {
            Some(ad_id) => {
                let host = site_host(url);
                let mut material = Vec::with_capacity(host.len() + ad_id.len() + 1);
                material.extend_from_slice(host.as_bytes());
                material.push(0);
                material.extend_from_slice(ad_id.as_bytes());
                AdKey::digest(b"id\0", &material)
            }
            None => AdKey::digest(b"url\0", normalise_url(url).as_str().as_bytes()),
        }
    }

    /// Key of an ad that has no link, from its whitespace-collapsed text.
    pub fn from_text(text: &str) -> AdKey {
        let collapsed: Vec<&str> = text.split_whitespace().collect();
        AdKey::digest(b"text\0", collapsed.join(" ").as_bytes())
    }

    /// The key as lowercase hex.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digest(domain: &[u8], bytes: &[u8]) -> AdKey {
        let mut hasher = Sha256::new();
        hasher.update(domain);
        hasher.update(bytes);
        AdKey(hex::encode(&hasher.finalize()[..16]))
    }
}

/// Query parameters that name an ad on common classifieds engines. `p` and
/// `page` are deliberately absent: they number listing pages.
const ID_PARAMETERS: &[&str] = &[
    "id",
    "ad",
    "adid",
    "ad_id",
    "aid",
    "advert",
    "advertid",
    "advert_id",
    "item",
    "itemid",
    "item_id",
    "listing",
    "listingid",
    "listing_id",
    "offer",
    "offerid",
    "offer_id",
    "post",
    "postid",
    "post_id",
    "profile",
    "profileid",
];

/// Whether a query parameter name (lower case) names an ad.
pub(crate) fn is_id_parameter(name: &str) -> bool {
    ID_PARAMETERS
        .iter()
        .any(|id_name| name.eq_ignore_ascii_case(id_name))
}

/// File extensions stripped from the last path segment before looking for an id.
const PAGE_EXTENSIONS: &[&str] = &[".html", ".htm", ".php", ".aspx", ".asp", ".jsp", ".shtml"];

/// The ad's id as the URL spells it, if it spells one; rules in the module doc.
pub fn ad_id_in_url(url: &Url) -> Option<String> {
    for (name, value) in url.query_pairs() {
        if ID_PARAMETERS
            .iter()
            .any(|id_name| name.eq_ignore_ascii_case(id_name))
            && is_id_like(&value)
        {
            return Some(format!("{}={}", name.to_ascii_lowercase(), value));
        }
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|segments| segments.filter(|segment| !segment.is_empty()).collect())
        .unwrap_or_default();
    let (&last_raw, earlier) = segments.split_last()?;
    let last = strip_page_extension(last_raw);

    if !last.is_empty() && last.bytes().all(|byte| byte.is_ascii_digit()) {
        return Some(last.to_owned());
    }
    if let Some(numeric) = earlier
        .iter()
        .rev()
        .find(|segment| segment.len() >= 4 && segment.bytes().all(|byte| byte.is_ascii_digit()))
    {
        return Some((*numeric).to_owned());
    }
    if let Some(tail) = numeric_tail(last) {
        return Some(tail.to_owned());
    }
    if let Some(tail) = id_marker_tail(last) {
        return Some(tail.to_owned());
    }
    if let Some(run) = longest_digit_run(last).filter(|run| run.len() >= 5) {
        return Some(run.to_owned());
    }
    let is_slug = last.len() >= 6
        && (last.contains('-') || last.contains('_'))
        && last.bytes().any(|byte| byte.is_ascii_alphabetic());
    is_slug.then(|| last.to_ascii_lowercase())
}

/// The host an id is scoped to, without the `www.` and `m.` mirrors.
fn site_host(url: &Url) -> String {
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    host.strip_prefix("www.")
        .or_else(|| host.strip_prefix("m."))
        .unwrap_or(host)
        .to_owned()
}

fn is_id_like(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

fn strip_page_extension(segment: &str) -> &str {
    for extension in PAGE_EXTENSIONS {
        if segment.len() > extension.len() {
            let split = segment.len() - extension.len();
            if segment.is_char_boundary(split) && segment[split..].eq_ignore_ascii_case(extension) {
                return &segment[..split];
            }
        }
    }
    segment
}

/// `anna-25-vienna-48213` → `48213`: four or more digits after a `-` or `_`.
fn numeric_tail(segment: &str) -> Option<&str> {
    let separator = segment.rfind(['-', '_'])?;
    let tail = &segment[separator + 1..];
    (tail.len() >= 4 && tail.bytes().all(|byte| byte.is_ascii_digit())).then_some(tail)
}

/// `flat-in-the-centre-IDq7Xz2.html` → `IDq7Xz2`: an `-ID` marker followed
/// by letters and digits, a common classifieds engine's id spelling.
fn id_marker_tail(segment: &str) -> Option<&str> {
    let marker = segment.rfind("-ID")?;
    let tail = &segment[marker + 1..];
    let code = &tail[2..];
    (code.len() >= 3
        && code.bytes().all(|byte| byte.is_ascii_alphanumeric())
        && code.bytes().any(|byte| byte.is_ascii_digit()))
    .then_some(tail)
}

fn longest_digit_run(segment: &str) -> Option<&str> {
    let mut best: Option<&str> = None;
    let mut start = None;
    for (index, byte) in segment.bytes().enumerate().chain([(segment.len(), b'.')]) {
        match (byte.is_ascii_digit(), start) {
            (true, None) => start = Some(index),
            (false, Some(run_start)) => {
                let run = &segment[run_start..index];
                if best.is_none_or(|current| run.len() > current.len()) {
                    best = Some(run);
                }
                start = None;
            }
            _ => {}
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, expected_id: Option<&str>) {
        let parsed = Url::parse(url).unwrap();
        assert_eq!(ad_id_in_url(&parsed).as_deref(), expected_id, "{url}");
    }

    #[test]
    fn ids_are_found_where_sites_put_them() {
        check("http://a.example.test/wien/ad/48213", Some("48213"));
        check("http://a.example.test/ad/1", Some("1"));
        check(
            "http://a.example.test/view.php?id=77&ref=top",
            Some("id=77"),
        );
        check("http://a.example.test/show?AdId=x7Y9", Some("adid=x7Y9"));
        check("http://a.example.test/ads/48213/anna-vienna", Some("48213"));
        check(
            "http://a.example.test/ads/anna-25-vienna-48213",
            Some("48213"),
        );
        check(
            "http://a.example.test/o/flat-in-centre-IDq7Xz2.html",
            Some("IDq7Xz2"),
        );
        check(
            "http://a.example.test/cars/1424397699.htm?ca=22_s",
            Some("1424397699"),
        );
        check("http://a.example.test/x/abc123456def", Some("123456"));
        check(
            "http://a.example.test/girls/anna-from-vienna",
            Some("anna-from-vienna"),
        );
        check("http://a.example.test/about", None);
        check("http://a.example.test/", None);
        check("http://a.example.test/list/?page=2", None);
    }

    #[test]
    fn the_same_ad_under_other_urls_keeps_its_key() {
        let key = |url: &str| AdKey::from_url(&Url::parse(url).unwrap());
        let plain = key("http://a.example.test/wien/ad/48213");
        assert_eq!(
            plain,
            key("http://www.a.example.test/wien/ad/48213?ref=vip#photos")
        );
        assert_eq!(plain, key("http://a.example.test/vip/ad/48213"));
        assert_ne!(plain, key("http://a.example.test/wien/ad/48214"));
        assert_ne!(plain, key("http://b.example.test/wien/ad/48213"));
        // Without an id the normalised URL decides.
        assert_eq!(
            key("http://a.example.test/x/"),
            key("http://A.example.test:80/x/#top")
        );
        assert_eq!(plain.as_str().len(), 32);
    }
}
