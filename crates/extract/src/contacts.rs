//! Contacts on one ad card, reduced to signals: which kinds of contact the
//! card offers (phone, messengers, social networks), whether a number had
//! to be recovered from an obscured form, and keyed pseudonyms that link
//! the same contact across cards, cities and sites.
//!
//! The raw numbers and handles exist only inside [`find_contacts`]: each
//! is turned into HMAC-SHA256(linkage key, kind-prefixed identifier) before
//! the function returns, and no type here can hold, print or log one
//! (DESIGN.md, "Personal data"). A phone number is keyed as
//! `"tel:" + E.164` whether it came from a `tel:` link, a WhatsApp link or
//! the text, so one number links across channels; a handle is keyed as
//! `"<network>:" + lower-case handle`.
//!
//! Kinds come from three places: links (hrefs, and URLs written in the
//! text) that name a number or a handle; network names in the text
//! ("WhatsApp", "Телеграм", "Insta"), matched word-bounded on the folded
//! text; and phone numbers recovered from the text (see `phone`).

mod linkage_key;
mod links;
mod number_words;
mod phone;
mod validity;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::{Deserialize, Serialize};

pub use linkage_key::{LinkageKey, LinkageKeyLengthError};
pub(crate) use links::is_contact_host;

use links::{ContactLink, LinkTarget, LINK_MARKERS};
use phone::Region;

/// A channel through which an ad can be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ContactKind {
    /// A phone number (in the text, or a `tel:`/`sms:` link).
    #[serde(rename = "phone")]
    Phone,
    #[serde(rename = "whatsapp")]
    WhatsApp,
    #[serde(rename = "telegram")]
    Telegram,
    #[serde(rename = "viber")]
    Viber,
    #[serde(rename = "signal")]
    Signal,
    #[serde(rename = "instagram")]
    Instagram,
    #[serde(rename = "onlyfans")]
    OnlyFans,
    /// X, formerly Twitter (both hosts and names).
    #[serde(rename = "twitter")]
    Twitter,
    #[serde(rename = "tiktok")]
    TikTok,
    #[serde(rename = "facebook")]
    Facebook,
    #[serde(rename = "vk")]
    Vk,
    #[serde(rename = "snapchat")]
    Snapchat,
}

impl ContactKind {
    /// Whether this is a social network (a profile rather than a way to
    /// call or message).
    pub fn is_social_network(self) -> bool {
        matches!(
            self,
            ContactKind::Instagram
                | ContactKind::OnlyFans
                | ContactKind::Twitter
                | ContactKind::TikTok
                | ContactKind::Facebook
                | ContactKind::Vk
                | ContactKind::Snapchat
        )
    }

    /// The kebab-case name used in indicators and as the pseudonym prefix.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Phone => "phone",
            ContactKind::WhatsApp => "whatsapp",
            ContactKind::Telegram => "telegram",
            ContactKind::Viber => "viber",
            ContactKind::Signal => "signal",
            ContactKind::Instagram => "instagram",
            ContactKind::OnlyFans => "onlyfans",
            ContactKind::Twitter => "twitter",
            ContactKind::TikTok => "tiktok",
            ContactKind::Facebook => "facebook",
            ContactKind::Vk => "vk",
            ContactKind::Snapchat => "snapchat",
        }
    }
}

/// A keyed pseudonym of one contact.
///
/// `kind` is the namespace of the identifier, not the channel: every phone
/// number is [`ContactKind::Phone`] (reached by WhatsApp or not), a handle
/// is its network. Holds only the kind and the digest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ContactPseudonym {
    pub kind: ContactKind,
    /// Lowercase hex of HMAC-SHA256(linkage key, identifier).
    pub digest: String,
}

/// The contact signals of one ad card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSignals {
    /// Every channel the card offers.
    pub kinds: BTreeSet<ContactKind>,
    /// Whether some phone number could only be read by undoing an
    /// obscuring trick (digits as words, look-alike letters, a spelled
    /// plus, digits spread out one by one, odd separators). One of the
    /// four indicators that predicted trafficking in the research behind
    /// the methodology (DESIGN.md).
    pub obscured: bool,
    /// One pseudonym per distinct contact.
    pub pseudonyms: BTreeSet<ContactPseudonym>,
}

/// Finds the contacts of one ad card.
///
/// `text` is the card's text, `hrefs` its links as written, `default_region`
/// the site's country (ISO 3166 alpha-2) used for numbers written without
/// a country code, `key` the linkage key.
pub fn find_contacts(
    text: &str,
    hrefs: &[&str],
    default_region: &str,
    key: &LinkageKey,
) -> ContactSignals {
    find_contacts_folded(&fold_by_line(text), hrefs, default_region, key)
}

/// [`find_contacts`] of a text already folded (line by line when it has
/// several lines).
pub(crate) fn find_contacts_folded(
    folded: &str,
    hrefs: &[&str],
    default_region: &str,
    key: &LinkageKey,
) -> ContactSignals {
    let region = Region::new(default_region);
    let mut signals = ContactSignals::default();

    for href in hrefs {
        if let Some(link) = links::classify_link(href, &region) {
            record_link(link, key, &mut signals);
        }
    }

    let mut text_has_links = false;
    for found in text_markers().find_iter(folded) {
        if !starts_a_word(folded, found.start()) {
            continue;
        }
        match text_marker(found.pattern().as_usize()) {
            TextMarker::Link => {
                text_has_links = true;
                let link_text = url_at(&folded[found.start()..]);
                if let Some(link) = links::classify_link(link_text, &region) {
                    record_link(link, key, &mut signals);
                }
            }
            TextMarker::Name(kind) => {
                if !ends_a_word(folded, found.end()) {
                    continue;
                }
                signals.kinds.insert(kind);
                if let Some(handle) = handle_after_name(&folded[found.end()..]) {
                    if has_handles(kind) {
                        insert_handle(kind, &handle, key, &mut signals);
                    }
                }
            }
        }
    }

    // URLs in the text were read above; their digits are not phone
    // numbers written in the text.
    let text_for_phones = if text_has_links {
        std::borrow::Cow::Owned(blank_out_links(folded))
    } else {
        std::borrow::Cow::Borrowed(folded)
    };
    for phone in phone::find_phones_in_text(&text_for_phones, &region) {
        signals.kinds.insert(ContactKind::Phone);
        signals.obscured |= phone.obscured;
        insert_phone(&phone.e164, key, &mut signals);
    }
    signals
}

/// Pays the slow first use of the phone number parser (metadata and regex
/// caches) and builds the tables of contacts, places and analytics ids, so
/// the first page of a run is not slower than the rest. Call once at
/// start; calling again is cheap.
pub fn warm_up() {
    phone::warm_up();
    let _ = text_markers();
    let _ = number_words::meaning_of("zero");
    crate::analytics::warm_up();
    crate::category::warm_up();
    crate::places::warm_up();
}

fn record_link(link: ContactLink, key: &LinkageKey, signals: &mut ContactSignals) {
    signals.kinds.insert(link.kind);
    match link.target {
        LinkTarget::Phone(phone) => {
            signals.obscured |= phone.obscured;
            insert_phone(&phone.e164, key, signals);
        }
        LinkTarget::Handle(handle) => insert_handle(link.kind, &handle, key, signals),
    }
}

fn insert_phone(e164: &str, key: &LinkageKey, signals: &mut ContactSignals) {
    let digest = key.pseudonym_hex(&format!("tel:{e164}"));
    signals.pseudonyms.insert(ContactPseudonym {
        kind: ContactKind::Phone,
        digest,
    });
}

fn insert_handle(kind: ContactKind, handle: &str, key: &LinkageKey, signals: &mut ContactSignals) {
    let digest = key.pseudonym_hex(&format!("{}:{handle}", kind.as_str()));
    signals.pseudonyms.insert(ContactPseudonym { kind, digest });
}

/// Networks whose contacts are handles (the others are phone numbers).
fn has_handles(kind: ContactKind) -> bool {
    !matches!(
        kind,
        ContactKind::Phone | ContactKind::WhatsApp | ContactKind::Viber | ContactKind::Signal
    )
}

/// What a match of the text automaton means.
enum TextMarker {
    /// The start of a contact URL ("t.me/", "instagram.com/").
    Link,
    /// A network's name.
    Name(ContactKind),
}

/// Network names as ads write them, in the languages of the region.
const NETWORK_NAMES: &[(&str, ContactKind)] = &[
    ("whatsapp", ContactKind::WhatsApp),
    ("whats app", ContactKind::WhatsApp),
    ("whatsap", ContactKind::WhatsApp),
    ("watsapp", ContactKind::WhatsApp),
    ("watsap", ContactKind::WhatsApp),
    ("ватсап", ContactKind::WhatsApp),
    ("ватсапп", ContactKind::WhatsApp),
    ("вотсап", ContactKind::WhatsApp),
    ("вацап", ContactKind::WhatsApp),
    ("вотсапп", ContactKind::WhatsApp),
    ("telegram", ContactKind::Telegram),
    ("telegramm", ContactKind::Telegram),
    ("телеграм", ContactKind::Telegram),
    ("телеграмм", ContactKind::Telegram),
    ("viber", ContactKind::Viber),
    ("вайбер", ContactKind::Viber),
    ("вибер", ContactKind::Viber),
    ("signal", ContactKind::Signal),
    ("сигнал", ContactKind::Signal),
    ("instagram", ContactKind::Instagram),
    ("insta", ContactKind::Instagram),
    ("инстаграм", ContactKind::Instagram),
    ("інстаграм", ContactKind::Instagram),
    ("инста", ContactKind::Instagram),
    ("onlyfans", ContactKind::OnlyFans),
    ("only fans", ContactKind::OnlyFans),
    ("онлифанс", ContactKind::OnlyFans),
    ("twitter", ContactKind::Twitter),
    ("твиттер", ContactKind::Twitter),
    ("твітер", ContactKind::Twitter),
    ("tiktok", ContactKind::TikTok),
    ("tik tok", ContactKind::TikTok),
    ("тикток", ContactKind::TikTok),
    ("тік ток", ContactKind::TikTok),
    ("тiкток", ContactKind::TikTok),
    ("facebook", ContactKind::Facebook),
    ("фейсбук", ContactKind::Facebook),
    ("фэйсбук", ContactKind::Facebook),
    ("vk", ContactKind::Vk),
    ("vkontakte", ContactKind::Vk),
    ("вконтакте", ContactKind::Vk),
    ("вконтакті", ContactKind::Vk),
    ("вк", ContactKind::Vk),
    ("snapchat", ContactKind::Snapchat),
    ("snap chat", ContactKind::Snapchat),
    ("снапчат", ContactKind::Snapchat),
];

/// The meaning of pattern `index` of [`text_markers`].
fn text_marker(index: usize) -> TextMarker {
    match index.checked_sub(LINK_MARKERS.len()) {
        None => TextMarker::Link,
        Some(name_index) => TextMarker::Name(NETWORK_NAMES[name_index].1),
    }
}

/// One automaton for link markers and network names, over folded text.
fn text_markers() -> &'static AhoCorasick {
    static AUTOMATON: OnceLock<AhoCorasick> = OnceLock::new();
    AUTOMATON.get_or_init(|| {
        let patterns: Vec<String> = LINK_MARKERS
            .iter()
            .map(|marker| (*marker).to_owned())
            .chain(NETWORK_NAMES.iter().map(|(name, _)| crate::fold(name)))
            .collect();
        // The patterns are a few hundred bytes: building cannot hit the
        // automaton's size limits.
        // Two-letter names ("vk") make a literal prefilter fire on most
        // positions; a DFA without one scans at a steady byte a step.
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .prefilter(false)
            .build(patterns)
            .expect("contact marker automaton builds")
    })
}

fn starts_a_word(folded: &str, start: usize) -> bool {
    !folded[..start]
        .chars()
        .next_back()
        .is_some_and(crate::is_word_character)
}

fn ends_a_word(folded: &str, end: usize) -> bool {
    !folded[end..]
        .chars()
        .next()
        .is_some_and(crate::is_word_character)
}

/// The URL that starts at the beginning of `text`: up to white space or a
/// character that closes a URL in prose.
fn url_at(text: &str) -> &str {
    let end = text
        .find(|character: char| {
            character.is_whitespace()
                || matches!(
                    character,
                    ')' | ']' | '}' | '>' | '<' | ',' | ';' | '"' | '\'' | '|'
                )
        })
        .unwrap_or(text.len());
    &text[..end]
}

/// The handle written right after a network name: "Telegram: @anna_b",
/// "insta @anna.b", "OnlyFans - @anna". A bare word after the name counts
/// only after a colon ("Insta: anna_b"), so "Telegram me" is no handle.
fn handle_after_name(after: &str) -> Option<String> {
    let mut separators = 0;
    let mut saw_colon = false;
    let mut rest = after;
    while let Some(character) = rest.chars().next() {
        match character {
            ' ' | '-' | '–' | '—' | '=' => {}
            ':' => saw_colon = true,
            _ => break,
        }
        separators += 1;
        if separators > 4 {
            return None;
        }
        rest = &rest[character.len_utf8()..];
    }
    let (with_at, rest) = match rest.strip_prefix('@') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    if !(with_at || saw_colon) {
        return None;
    }
    let end = rest
        .find(|character: char| {
            !(character.is_ascii_alphanumeric() || character == '_' || character == '.')
        })
        .unwrap_or(rest.len());
    let handle = links::normalise_handle(&rest[..end])?;
    // A handle has a letter: "Telegram: 0664 …" is a number, read elsewhere.
    handle
        .bytes()
        .any(|byte| byte.is_ascii_alphabetic())
        .then_some(handle)
}

/// The fold of `text`, line by line: a fold turns newlines into spaces, but
/// a phone number never spans two lines, so the scan needs them.
fn fold_by_line(text: &str) -> String {
    if !text.contains('\n') {
        return crate::fold(text);
    }
    let lines: Vec<String> = text.split('\n').map(crate::fold).collect();
    lines.join("\n")
}

/// The folded `text` with every white-space-separated token that holds a
/// contact URL replaced by spaces.
fn blank_out_links(text: &str) -> String {
    let mut blanked = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let token_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (token, after) = rest.split_at(token_end);
        if LINK_MARKERS.iter().any(|marker| token.contains(marker)) {
            blanked.extend(std::iter::repeat_n(' ', token.len()));
        } else {
            blanked.push_str(token);
        }
        let space_end = after
            .find(|character: char| !character.is_whitespace())
            .unwrap_or(after.len());
        blanked.push_str(&after[..space_end]);
        rest = &after[space_end..];
    }
    blanked
}
