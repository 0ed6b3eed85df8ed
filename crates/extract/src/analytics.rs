//! Analytics and ad-network ids in a page's HTML: the ids a site owner
//! pastes into every page they run, so two sites that share one are likely
//! run by the same people (mapping field i, "connections between sites").
//!
//! Recognised: Google Analytics (Universal `UA-<account>-<property>` and
//! GA4 `G-<10 alphanumerics>`), Google Tag Manager (`GTM-…`), AdSense
//! (`ca-pub-<digits>`), Google Ads (`AW-<digits>`), Yandex Metrika counters
//! (`ym(<id>, "init"…)`, `mc.yandex.ru/watch/<id>`, `yaCounter<id>`,
//! `new Ya.Metrika({id: <id>…`) and Facebook pixels (`fbq('init',
//! '<id>')`, `facebook.com/tr?id=<id>`).
//!
//! One pass of an Aho-Corasick automaton finds the prefixes (the page is
//! scanned whole, scripts included, at memory speed); each hit is then
//! checked by hand: word-bounded, the exact character classes and lengths
//! of the id, so "G-Class", "LAW-2023" or "UA-2" are not ids. Ids that
//! need context (Metrika, pixels: bare digit strings) are taken only from
//! their call or URL, never from loose digits.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};

/// Which service an id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrackingNetwork {
    /// Universal Analytics, `UA-12345678-1`.
    GoogleAnalytics,
    /// GA4 measurement id, `G-ABCDEF1234`.
    GoogleAnalytics4,
    GoogleTagManager,
    /// `ca-pub-` publisher id.
    AdSense,
    /// `AW-` conversion id.
    GoogleAds,
    YandexMetrika,
    FacebookPixel,
}

/// One analytics or ad-network id, in its canonical written form
/// (`UA-1234567-1`, `G-ABCDEF1234`, `GTM-ABC123`, `ca-pub-…`, `AW-…`, and
/// the bare counter or pixel number for Metrika and Facebook).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TrackingId {
    pub network: TrackingNetwork,
    pub id: String,
}

impl std::fmt::Display for TrackingId {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}", self.id)
    }
}

/// Every analytics and ad-network id in `html`.
pub fn find_tracking_ids(html: &str) -> BTreeSet<TrackingId> {
    let bytes = html.as_bytes();
    let mut found = BTreeSet::new();
    for hit in automaton().find_iter(bytes) {
        let (marker, network) = MARKERS[hit.pattern().as_usize()];
        let before = bytes[..hit.start()].last().copied();
        let after = &bytes[hit.end()..];
        let id = match marker {
            "UA-" if !is_id_character(before) => universal_analytics(after),
            "G-" if !is_id_character(before) => {
                upper_alphanumeric(after, 8, 12).map(|id| format!("G-{id}"))
            }
            "GTM-" if !is_id_character(before) => {
                upper_alphanumeric(after, 4, 10).map(|id| format!("GTM-{id}"))
            }
            "AW-" if !is_id_character(before) => digits(after, 6, 12, |next| {
                next != b'-' && !next.is_ascii_alphanumeric()
            })
            .map(|id| format!("AW-{id}")),
            "ca-pub-" if !is_id_character(before) => {
                digits(after, 10, 20, |next| !next.is_ascii_alphanumeric())
                    .map(|id| format!("ca-pub-{id}"))
            }
            "mc.yandex.ru/watch/" | "mc.yandex.com/watch/" | "yaCounter" => {
                digits(after, 4, 12, |next| !next.is_ascii_alphanumeric()).map(str::to_owned)
            }
            "ym(" if !is_id_character(before) => yandex_init_call(after),
            "Ya.Metrika" => yandex_constructor(after),
            "fbq(" if !is_id_character(before) => facebook_init_call(after),
            "facebook.com/tr?id=" | "facebook.com/tr/?id=" => {
                digits(after, 10, 20, |next| !next.is_ascii_alphanumeric()).map(str::to_owned)
            }
            _ => None,
        };
        if let Some(id) = id {
            found.insert(TrackingId { network, id });
        }
    }
    found
}

/// Builds the automaton now, so the first page is not slower than the rest.
pub(crate) fn warm_up() {
    let _ = automaton();
}

/// The prefixes the scan looks for, and whose id follows each.
const MARKERS: &[(&str, TrackingNetwork)] = &[
    ("UA-", TrackingNetwork::GoogleAnalytics),
    ("G-", TrackingNetwork::GoogleAnalytics4),
    ("GTM-", TrackingNetwork::GoogleTagManager),
    ("ca-pub-", TrackingNetwork::AdSense),
    ("AW-", TrackingNetwork::GoogleAds),
    ("mc.yandex.ru/watch/", TrackingNetwork::YandexMetrika),
    ("mc.yandex.com/watch/", TrackingNetwork::YandexMetrika),
    ("yaCounter", TrackingNetwork::YandexMetrika),
    ("ym(", TrackingNetwork::YandexMetrika),
    ("Ya.Metrika", TrackingNetwork::YandexMetrika),
    ("fbq(", TrackingNetwork::FacebookPixel),
    ("facebook.com/tr?id=", TrackingNetwork::FacebookPixel),
    ("facebook.com/tr/?id=", TrackingNetwork::FacebookPixel),
];

fn automaton() -> &'static AhoCorasick {
    static AUTOMATON: OnceLock<AhoCorasick> = OnceLock::new();
    AUTOMATON.get_or_init(|| {
        // A dozen short literal patterns: building cannot fail.
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(MARKERS.iter().map(|(marker, _)| marker))
            .expect("tracking id automaton builds")
    })
}

/// Whether `byte` would make the marker part of a longer token ("LAW-",
/// "XG-", "my_UA-").
fn is_id_character(byte: Option<u8>) -> bool {
    byte.is_some_and(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-')
}

/// `UA-<4–10 digits>-<1–4 digits>`; `after` starts after "UA-".
fn universal_analytics(after: &[u8]) -> Option<String> {
    let account = digits(after, 4, 10, |next| next == b'-')?;
    // `digits` also accepts the end of the page after the account; the
    // dash must really be there.
    let rest = after[account.len()..].strip_prefix(b"-")?;
    let property = digits(rest, 1, 4, |next| !next.is_ascii_alphanumeric())?;
    Some(format!("UA-{account}-{property}"))
}

/// A run of `min..=max` ASCII digits at the start of `bytes`, followed by
/// the end or a byte `ends` accepts.
fn digits(bytes: &[u8], min: usize, max: usize, ends: impl Fn(u8) -> bool) -> Option<&str> {
    let length = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    let followed_well = bytes.get(length).is_none_or(|next| ends(*next));
    if (min..=max).contains(&length) && followed_well {
        // ASCII digits are valid UTF-8.
        std::str::from_utf8(&bytes[..length]).ok()
    } else {
        None
    }
}

/// `min..=max` of `[A-Z0-9]` with at least one digit, not followed by
/// another letter, digit, `_` or `-` (a GA4 or GTM id).
fn upper_alphanumeric(bytes: &[u8], min: usize, max: usize) -> Option<String> {
    let length = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit())
        .count();
    let followed_well = bytes
        .get(length)
        .is_none_or(|next| !(next.is_ascii_alphanumeric() || *next == b'_' || *next == b'-'));
    let id = &bytes[..length];
    let has_digit = id.iter().any(u8::is_ascii_digit);
    ((min..=max).contains(&length) && followed_well && has_digit)
        .then(|| String::from_utf8_lossy(id).into_owned())
}

/// `ym(12345678, "init", …)`: the counter id is the first argument of an
/// `init` call.
fn yandex_init_call(after: &[u8]) -> Option<String> {
    let after = skip_spaces(after);
    let id = digits(after, 4, 12, |next| next == b',' || next == b' ')?;
    let rest = skip_spaces(&after[id.len()..]);
    let rest = skip_spaces(rest.strip_prefix(b",")?);
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))?;
    rest.starts_with(b"init").then(|| id.to_owned())
}

/// `new Ya.Metrika({id: 12345678, …})` and `Ya.Metrika2({ id:12345678 })`.
fn yandex_constructor(after: &[u8]) -> Option<String> {
    let after = after.strip_prefix(b"2").unwrap_or(after);
    let after = skip_spaces(after.strip_prefix(b"(")?);
    let after = skip_spaces(after.strip_prefix(b"{")?);
    let after = after
        .strip_prefix(b"id")
        .or_else(|| after.strip_prefix(b"\"id\""))
        .or_else(|| after.strip_prefix(b"'id'"))?;
    let after = skip_spaces(skip_spaces(after).strip_prefix(b":")?);
    digits(after, 4, 12, |next| !next.is_ascii_alphanumeric()).map(str::to_owned)
}

/// `fbq('init', '123456789012345')`: the pixel id is the quoted second
/// argument of an `init` call.
fn facebook_init_call(after: &[u8]) -> Option<String> {
    let after = skip_spaces(after);
    let after = after
        .strip_prefix(b"'")
        .or_else(|| after.strip_prefix(b"\""))?;
    let after = after.strip_prefix(b"init")?;
    let after = after
        .strip_prefix(b"'")
        .or_else(|| after.strip_prefix(b"\""))?;
    let after = skip_spaces(skip_spaces(after).strip_prefix(b",")?);
    let after = after
        .strip_prefix(b"'")
        .or_else(|| after.strip_prefix(b"\""))?;
    digits(after, 10, 20, |next| next == b'\'' || next == b'"').map(str::to_owned)
}

fn skip_spaces(bytes: &[u8]) -> &[u8] {
    let spaces = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_whitespace())
        .count();
    &bytes[spaces..]
}
