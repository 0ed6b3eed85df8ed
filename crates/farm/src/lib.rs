//! cartograph-farm: a synthetic web of advertising sites served on loopback,
//! the yardstick for every test, benchmark and the demo. A [`FarmSpec`]
//! (seed, number of sites, day) determines every byte of every page. Eight
//! templates, one per kind of platform the OSCE methodology analyses, in ten
//! languages and three encodings, with realistic clutter (banners, promoted
//! repeats, nested navigation, link-farm footers, counters that disagree,
//! non-ad list items). Pages are drawn from compact per-site plans on every
//! request and never stored, so 10,000 sites start in well under a second.
//! The [`Truth`] says what each site contains (pages a polite crawler
//! fetches, every ad's date, price, place, contacts, lexicon hits and
//! connections, what changed since yesterday), and the server records every
//! request it receives so that [`Farm::audit_report`] can judge a crawler's
//! politeness. Hosts are `{site_id}.farm.test`, routed by the `Host` header
//! alone, so one listener serves the whole farm. The farm depends on no
//! other cartograph crate.
//!
//! Text is neutral and non-explicit and phone numbers are fictional: the
//! farm must be safe to show, log and commit.

mod ads;
mod audit;
mod crawler_config;
mod dates;
mod encoding;
mod farm;
pub mod hostile;
mod pagination;
mod phones;
mod plan;
mod population;
mod prices;
mod robots;
mod seeded;
mod server;
mod site;
mod site_truth;
mod templates;
mod truth;
mod vocabulary;
mod wildcard;

pub use audit::{interval_floor, AuditExpectations, AuditReport, HostAudit, RequestRecord};
pub use crawler_config::{ConfigOptions, CONFIG_MAX_CONCURRENT_HOSTS, CONFIG_MAX_PAGES_PER_SITE};
pub use dates::{DateShownKind, DateStyle};
pub use encoding::{CharsetDeclaration, PageEncoding};
pub use farm::{Farm, FarmResponse, FarmSpec};
pub use pagination::PaginationStyle;
pub use phones::PhoneFormat;
pub use plan::{ContactMix, LexiconRates, MAX_LISTING_PAGES, SHOWCASE_SITES};
pub use prices::PriceUnit;
pub use robots::{RobotsVariant, ROBOTS_TOKEN};
pub use server::{
    app, serve, spawn, RunningFarm, AUDIT_PATH, AUDIT_REQUESTS_PATH, CONTROL_HOST,
    MAX_SITES_FOR_WHOLE_TRUTH, SITES_PATH, TRUTH_PATH,
};
pub use site::{FarmSite, Profile, ELSEWHERE_HOST, FARM_DOMAIN};
pub use templates::TemplateKind;
pub use truth::{
    AdConnections, AdSource, AdTruth, AggregatorTruth, ChangeTruth, ConnectionsTruth, GroupOfSites,
    LexiconHit, LinkTruth, LocationTruth, PageTruth, PhoneTruth, PriceTruth, RobotsTruth,
    SharedContact, SiteTruth, Truth, TRUTH_FORMAT_VERSION,
};
pub use vocabulary::digit_words;
