//! Contact links: `tel:`, messenger deep links and social profile URLs,
//! whether they come from a card's hrefs or are written in its text.
//!
//! A link counts only when it names someone: a number or a handle. Share
//! buttons ("facebook.com/sharer.php?u=…"), a network's home page, or a
//! group invite say nothing about the advertiser and are ignored, so a
//! template's row of share icons does not make every card "social".

use super::phone::{self, RecoveredPhone, Region};
use super::ContactKind;

/// Who a contact link names.
pub(super) enum LinkTarget {
    /// A phone number, reached through `kind` (phone, WhatsApp, Viber, …).
    Phone(RecoveredPhone),
    /// A normalised handle (lower case, no "@") on the network `kind`.
    Handle(String),
}

/// A contact link: the channel and who it names.
pub(super) struct ContactLink {
    pub(super) kind: ContactKind,
    pub(super) target: LinkTarget,
}

/// Reads one link (an href, or a URL written in the text).
pub(super) fn classify_link(link: &str, region: &Region) -> Option<ContactLink> {
    let lowered = percent_decode_lowercase(link.trim());
    let link = lowered.as_str();

    for (scheme, kind) in [
        ("tel:", ContactKind::Phone),
        ("callto:", ContactKind::Phone),
        ("sms:", ContactKind::Phone),
    ] {
        if let Some(number) = link.strip_prefix(scheme) {
            let number = number.trim_start_matches('/');
            return phone_link(kind, number, false, region);
        }
    }
    if let Some(rest) = link.strip_prefix("whatsapp://") {
        return phone_link(
            ContactKind::WhatsApp,
            query_value(rest, "phone")?,
            true,
            region,
        );
    }
    if let Some(rest) = link.strip_prefix("viber://") {
        return phone_link(
            ContactKind::Viber,
            query_value(rest, "number")?,
            true,
            region,
        );
    }
    if let Some(rest) = link.strip_prefix("tg://") {
        if let Some(number) = query_value(rest, "phone") {
            return phone_link(ContactKind::Telegram, number, true, region);
        }
        return handle_link(ContactKind::Telegram, query_value(rest, "domain")?);
    }

    let without_scheme = link
        .strip_prefix("https://")
        .or_else(|| link.strip_prefix("http://"))
        .or_else(|| link.strip_prefix("//"))
        .unwrap_or(link);
    let host_end = without_scheme
        .find(['/', '?', '#'])
        .unwrap_or(without_scheme.len());
    let (host, rest) = without_scheme.split_at(host_end);
    let host = host.split(':').next().unwrap_or(host);
    let host = ["www.", "m.", "mobile.", "web.", "mbasic."]
        .iter()
        .find_map(|prefix| host.strip_prefix(prefix))
        .unwrap_or(host);
    let first_segment = rest
        .trim_start_matches('/')
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");

    match host {
        "wa.me" => phone_link(ContactKind::WhatsApp, first_segment, true, region),
        "api.whatsapp.com" | "whatsapp.com" => phone_link(
            ContactKind::WhatsApp,
            query_value(rest, "phone")?,
            true,
            region,
        ),
        "t.me" | "telegram.me" | "telegram.dog" => match first_segment.strip_prefix('+') {
            // "t.me/+43…" is a phone link; "t.me/+AbC…" an invite link.
            Some(number) if number.bytes().all(|byte| byte.is_ascii_digit()) => {
                phone_link(ContactKind::Telegram, number, true, region)
            }
            Some(_) => None,
            None => handle_link(ContactKind::Telegram, first_segment),
        },
        "signal.me" => {
            let number = rest.split_once("#p/").map(|(_, number)| number)?;
            phone_link(ContactKind::Signal, number, true, region)
        }
        "instagram.com" | "instagr.am" => handle_link(ContactKind::Instagram, first_segment),
        "onlyfans.com" => handle_link(ContactKind::OnlyFans, first_segment),
        "x.com" | "twitter.com" => handle_link(ContactKind::Twitter, first_segment),
        "tiktok.com" => handle_link(ContactKind::TikTok, first_segment.strip_prefix('@')?),
        "facebook.com" | "fb.com" | "fb.me" => {
            if first_segment == "profile.php" {
                return handle_link(ContactKind::Facebook, query_value(rest, "id")?);
            }
            handle_link(ContactKind::Facebook, first_segment)
        }
        "vk.com" | "vk.ru" | "vkontakte.ru" => handle_link(ContactKind::Vk, first_segment),
        "snapchat.com" => {
            let handle = rest
                .strip_prefix("/add/")
                .or_else(|| rest.strip_prefix("/@"))?;
            handle_link(ContactKind::Snapchat, handle.split(['/', '?', '#']).next()?)
        }
        _ => None,
    }
}

/// Whether `host` (lower case) is a messenger's or social network's, whose
/// links on a card are contacts rather than links to another site.
pub(crate) fn is_contact_host(host: &str) -> bool {
    let host = ["www.", "m.", "mobile.", "web.", "mbasic."]
        .iter()
        .find_map(|prefix| host.strip_prefix(prefix))
        .unwrap_or(host);
    matches!(
        host,
        "wa.me"
            | "api.whatsapp.com"
            | "whatsapp.com"
            | "t.me"
            | "telegram.me"
            | "telegram.dog"
            | "signal.me"
            | "instagram.com"
            | "instagr.am"
            | "onlyfans.com"
            | "x.com"
            | "twitter.com"
            | "tiktok.com"
            | "facebook.com"
            | "fb.com"
            | "fb.me"
            | "vk.com"
            | "vk.ru"
            | "vkontakte.ru"
            | "snapchat.com"
    )
}

/// Hosts and schemes whose URLs [`classify_link`] reads, as they are
/// written in text (folded, so lower case); the text scan looks for these.
pub(super) const LINK_MARKERS: &[&str] = &[
    "wa.me/",
    "api.whatsapp.com/",
    "whatsapp://",
    "viber://",
    "t.me/",
    "telegram.me/",
    "signal.me/",
    "instagram.com/",
    "onlyfans.com/",
    "x.com/",
    "twitter.com/",
    "tiktok.com/",
    "facebook.com/",
    "fb.com/",
    "vk.com/",
    "snapchat.com/",
];

fn phone_link(
    kind: ContactKind,
    number: &str,
    international: bool,
    region: &Region,
) -> Option<ContactLink> {
    let phone = phone::parse_link_number(number, international, region)?;
    Some(ContactLink {
        kind,
        target: LinkTarget::Phone(phone),
    })
}

/// First path segments that are pages of the network, not people.
const RESERVED_SEGMENTS: &[&str] = &[
    "",
    "share",
    "sharer",
    "sharer.php",
    "share.php",
    "intent",
    "home",
    "i",
    "search",
    "hashtag",
    "explore",
    "p",
    "reel",
    "reels",
    "tv",
    "stories",
    "accounts",
    "direct",
    "login",
    "signup",
    "joinchat",
    "addstickers",
    "s",
    "c",
    "iv",
    "proxy",
    "socks",
    "dialog",
    "plugins",
    "tr",
    "groups",
    "pages",
    "events",
    "watch",
    "away.php",
    "help",
    "about",
    "privacy",
    "legal",
    "settings",
    "my",
    "add",
];

/// A handle link, if `written` is a plausible handle: 2–64 of
/// `[a-z0-9_.]` with at least one letter or digit, "@" and dots at the ends
/// dropped.
fn handle_link(kind: ContactKind, written: &str) -> Option<ContactLink> {
    let handle = normalise_handle(written)?;
    if RESERVED_SEGMENTS.contains(&handle.as_str()) {
        return None;
    }
    Some(ContactLink {
        kind,
        target: LinkTarget::Handle(handle),
    })
}

/// The normalised form of a handle: lower case, without "@" and without
/// dots at either end.
pub(super) fn normalise_handle(written: &str) -> Option<String> {
    let handle = written.trim_start_matches('@').trim_matches('.');
    let plausible = (2..=64).contains(&handle.len())
        && handle
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'.')
        && handle.bytes().any(|byte| byte.is_ascii_alphanumeric());
    plausible.then(|| handle.to_ascii_lowercase())
}

/// The value of `name` in the query (or fragment) part of `rest`.
fn query_value<'l>(rest: &'l str, name: &str) -> Option<&'l str> {
    let (_, query) = rest.split_once('?')?;
    query
        .split(['&', '#'])
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Lower case, with the percent escapes a contact link uses ("%2b" for
/// "+", "%20" for a space, "%40" for "@") undone; other escapes are kept.
fn percent_decode_lowercase(link: &str) -> String {
    let lowered = link.to_ascii_lowercase();
    if !lowered.contains('%') {
        return lowered;
    }
    lowered
        .replace("%2b", "+")
        .replace("%20", " ")
        .replace("%40", "@")
}
