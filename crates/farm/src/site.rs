//! Who each farm site is, as a whitelist entry would say it: id, name, host,
//! template, country, language, category, seeds, listing patterns and the
//! CSS profile that extracts its cards. Everything else a site is (its
//! content, robots.txt, encoding, connections) is in its plan and its truth.

use serde::{Deserialize, Serialize};

use crate::templates::TemplateKind;

/// The suffix of every farm host name; `.test` is reserved (RFC 2606), so a
/// farm URL can never reach a real site even if resolution goes wrong.
pub const FARM_DOMAIN: &str = "farm.test";

/// Partner links in footers point here (`partner-3.example.org`); the farm
/// serves 404 for it and no whitelist names it.
pub const ELSEWHERE_HOST: &str = "elsewhere.farm.test";

/// A whitelist entry's view of one farm site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarmSite {
    /// Lowercase kebab-case, unique in the farm (`rosa-dir-0`).
    pub id: String,
    /// Display name as the site's own pages title it.
    pub name: String,
    /// `{id}.farm.test`; the server routes on the `Host` header alone.
    pub host: String,
    pub template: TemplateKind,
    /// ISO 639-1 code of the ad text (`de`, `uk`).
    pub language: String,
    /// ISO 3166-1 alpha-2 code (`AT`, `UA`).
    pub country: String,
    /// Kebab-case site category from the design (`escort-directory`).
    pub category: String,
    /// Full URLs without port: the first listing page.
    pub seeds: Vec<String>,
    /// Whole-URL patterns where `*` matches any run of characters: the
    /// listing pages and the premium section, never ad pages.
    pub listing_patterns: Vec<String>,
    /// CSS selectors that extract the site's ad cards.
    pub profile: Profile,
}

/// CSS selectors for one site's listing pages. The first six are the
/// crawler config's `[site.profile]` keys; `phone` and `text` are farm-only
/// (the config has no key for them yet) and let tests read cards back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// One element per ad card (promoted repeats included where the site
    /// prints them in card markup; the truth says which).
    pub ad: String,
    /// Inside a card: the link to the ad (its `href` identifies the ad).
    pub link: String,
    /// Inside a card: when the ad was posted (absent on some sites).
    pub date: String,
    /// Inside a card: the price text.
    pub price: String,
    /// Inside a card: the place text.
    pub location: String,
    /// On the page: the link to the next listing page.
    pub next: String,
    /// Inside a card: the phone number as printed.
    pub phone: String,
    /// Inside a card: the description text.
    pub text: String,
}
