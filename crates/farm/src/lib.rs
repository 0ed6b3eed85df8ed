//! cartograph-farm: a synthetic web of advertising sites served on loopback,
//! the yardstick for every test, benchmark and the demo. A [`FarmSpec`]
//! (seed, number of sites, day) determines every byte of every page; the
//! [`Truth`] says what each site contains (pages, ads, robots-disallowed
//! parts), and the server records every request it receives so that
//! [`Farm::audit_report`] can judge a crawler's politeness. Hosts are
//! `{site_id}.farm.test`, routed by the `Host` header alone, so one listener
//! serves the whole farm. The farm depends on no other cartograph crate.
//!
//! Text is neutral and non-explicit and phone numbers are in fictional
//! ranges: the farm must be safe to show, log and commit.

mod audit;
mod crawler_config;
mod farm;
pub mod hostile;
mod robots;
mod seeded;
mod server;
mod site;
mod templates;
mod truth;
mod vocabulary;
mod wildcard;

pub use audit::{interval_floor, AuditExpectations, AuditReport, HostAudit, RequestRecord};
pub use crawler_config::{ConfigOptions, CONFIG_MAX_CONCURRENT_HOSTS, CONFIG_MAX_PAGES_PER_SITE};
pub use farm::{Farm, FarmResponse, FarmSpec};
pub use server::{app, serve, spawn, RunningFarm, AUDIT_PATH, CONTROL_HOST, TRUTH_PATH};
pub use site::{FarmSite, Profile, ELSEWHERE_HOST, FARM_DOMAIN};
pub use templates::TemplateKind;
pub use truth::{AdTruth, PageTruth, PriceTruth, SiteTruth, Truth, TRUTH_FORMAT_VERSION};
