//! The scope guard: the one place that decides whether a URL may be
//! requested, and the only maker of [`AllowedUrl`], the type the HTTP layer
//! takes. Seeds, links and redirect targets all pass through it.
//!
//! A URL is in scope for a site when, normalised (the config's
//! `normalise`: canonical form, tracking parameters dropped), it is no
//! longer than `max_url_length` and matches one of that site's `listing`
//! patterns. `/robots.txt` of a host that has a listing pattern is in scope
//! too, but only the fetcher itself makes that URL (and same-host robots.txt
//! redirect hops).

use std::collections::BTreeMap;
use std::fmt;

use cartograph_config::{normalise_url_dropping, Config, ListingPattern};
use url::Url;

/// A URL the scope guard allowed for one whitelisted site. Only
/// [`ScopeGuard::check`] (and the fetcher, for robots.txt) can make one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AllowedUrl {
    url: Url,
    site_id: String,
}

impl AllowedUrl {
    /// The normalised URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The whitelist entry it was allowed under.
    pub fn site_id(&self) -> &str {
        &self.site_id
    }

    /// `host:port` of the URL: the unit of politeness.
    pub fn host_key(&self) -> String {
        host_key(&self.url)
    }

    /// A same-host robots.txt redirect target, allowed under `site_id`;
    /// only the fetcher's robots reading makes these.
    pub(crate) fn robots_hop(url: Url, site_id: &str) -> AllowedUrl {
        AllowedUrl {
            url,
            site_id: site_id.to_owned(),
        }
    }

    /// The `/robots.txt` URL of this URL's origin, allowed under the same
    /// whitelist entry.
    pub(crate) fn robots_url(&self) -> AllowedUrl {
        let mut url = self.url.clone();
        url.set_path("/robots.txt");
        url.set_query(None);
        AllowedUrl {
            url,
            site_id: self.site_id.clone(),
        }
    }
}

impl fmt::Display for AllowedUrl {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.url.fmt(formatter)
    }
}

/// `host:port` of `url` (port explicit, default for the scheme if absent).
pub fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Why a URL was not allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutOfScope {
    /// Not http or https (mailto:, javascript:, ftp:, …).
    Scheme(String),
    /// Longer than the configured `max_url_length` (length, limit).
    TooLong(usize, usize),
    /// The site id is not in the whitelist.
    UnknownSite(String),
    /// No listing pattern of the site matches.
    NoMatchingPattern { site_id: String },
    /// No whitelisted site's listing pattern matches.
    NotWhitelisted,
}

impl fmt::Display for OutOfScope {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutOfScope::Scheme(scheme) => write!(formatter, "scheme {scheme:?} is never fetched"),
            OutOfScope::TooLong(length, limit) => {
                write!(
                    formatter,
                    "url is {length} characters, over the limit of {limit}"
                )
            }
            OutOfScope::UnknownSite(site) => {
                write!(formatter, "site {site:?} is not in the whitelist")
            }
            OutOfScope::NoMatchingPattern { site_id } => {
                write!(
                    formatter,
                    "matches none of the listing patterns of site {site_id:?}"
                )
            }
            OutOfScope::NotWhitelisted => {
                write!(
                    formatter,
                    "matches no listing pattern of any whitelisted site"
                )
            }
        }
    }
}

/// The whitelist's listing patterns, by site.
#[derive(Debug, Clone)]
pub struct ScopeGuard {
    sites: BTreeMap<String, Vec<ListingPattern>>,
    /// Site ids in config order, for [`ScopeGuard::site_for`].
    order: Vec<String>,
    max_url_length: usize,
    tracking_parameters: Vec<String>,
}

impl ScopeGuard {
    /// A guard for every site of `config`.
    pub fn new(config: &Config) -> ScopeGuard {
        ScopeGuard {
            sites: config
                .sites
                .iter()
                .map(|site| (site.id.clone(), site.listing.clone()))
                .collect(),
            order: config.sites.iter().map(|site| site.id.clone()).collect(),
            max_url_length: config.network.max_url_length,
            tracking_parameters: config.network.tracking_parameters.clone(),
        }
    }

    /// `url` as the guard compares it: normalised, tracking parameters
    /// dropped. Two spellings of one page normalise alike.
    pub fn normalise(&self, url: &Url) -> Url {
        normalise_url_dropping(url, &self.tracking_parameters)
    }

    /// Which site a URL belongs to and why not, for `explain`: every site's
    /// verdict, in config order.
    pub fn verdicts(&self, url: &Url) -> Vec<(String, Result<AllowedUrl, OutOfScope>)> {
        self.order
            .iter()
            .map(|site_id| (site_id.clone(), self.check(site_id, url)))
            .collect()
    }

    /// Whether `url` may be fetched for site `site_id`.
    pub fn check(&self, site_id: &str, url: &Url) -> Result<AllowedUrl, OutOfScope> {
        let url = self.pre_check(url)?;
        let patterns = self
            .sites
            .get(site_id)
            .ok_or_else(|| OutOfScope::UnknownSite(site_id.to_owned()))?;
        if patterns.iter().any(|pattern| pattern.matches(&url)) {
            Ok(AllowedUrl {
                url,
                site_id: site_id.to_owned(),
            })
        } else {
            Err(OutOfScope::NoMatchingPattern {
                site_id: site_id.to_owned(),
            })
        }
    }

    /// The first whitelisted site (in config order) whose listing patterns
    /// allow `url`, for seeds that are given as bare URLs.
    pub fn site_for(&self, url: &Url) -> Result<AllowedUrl, OutOfScope> {
        let normalised = self.pre_check(url)?;
        self.order
            .iter()
            .find_map(|site_id| self.check(site_id, &normalised).ok())
            .ok_or(OutOfScope::NotWhitelisted)
    }
}

impl ScopeGuard {
    fn pre_check(&self, url: &Url) -> Result<Url, OutOfScope> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(OutOfScope::Scheme(url.scheme().to_owned()));
        }
        // The raw length counts too: a URL that only fits once normalised
        // was written by a trap, not a person.
        let raw_length = url.as_str().len();
        if raw_length > self.max_url_length {
            return Err(OutOfScope::TooLong(raw_length, self.max_url_length));
        }
        Ok(self.normalise(url))
    }
}
