//! The farm itself: [`Farm::new`] draws every site and its ground truth from
//! a [`FarmSpec`], builds a route table per host, and [`Farm::render`] turns a
//! host and path into the exact bytes to serve, rendering from the truth on
//! every call. The farm also owns the audit log the server writes into.

use std::collections::HashMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::audit::{AuditExpectations, AuditLog, AuditReport, RequestRecord};
use crate::crawler_config::ConfigOptions;
use crate::robots::{robots_txt, RobotsRules};
use crate::seeded::SeededRandom;
use crate::site::{draw_site, FarmSite, SiteShape, ELSEWHERE_HOST};
use crate::templates::{AdView, Frame, ListingView, NavigationLink, PlainKind, PlainView};
use crate::truth::{farm_today, generate_site_truth, SiteTruth, Truth, TRUTH_FORMAT_VERSION};

/// What to build: the same spec always yields the same bytes for every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarmSpec {
    /// Every choice the farm makes derives from this.
    pub seed: u64,
    /// How many sites; site `i` is the same whatever the count.
    pub sites: usize,
    /// Simulation day: moves the farm's "today" (2025-01-01 plus `day`) and so
    /// the posting dates. Content does not yet change between days.
    pub day: u32,
}

/// A synthetic web of sites with ground truth and an audit of what it was asked.
/// `Send + Sync`: share it as `Arc<Farm>` between the server and the test.
#[derive(Debug)]
pub struct Farm {
    spec: FarmSpec,
    sites: Vec<FarmSite>,
    truth: Truth,
    /// Parallel to `sites`.
    entries: Vec<SiteEntry>,
    site_index_by_host: HashMap<String, usize>,
    pub(crate) audit_log: AuditLog,
}

/// One response as the farm would serve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FarmResponse {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

const HTML: &str = "text/html; charset=utf-8";
const PLAIN_TEXT: &str = "text/plain; charset=utf-8";

/// What a path on a site is; the table is built once, pages never are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resource {
    Home,
    Robots,
    Listing(usize),
    Disallowed(usize),
    Ad(usize),
    About,
    PostAd,
}

#[derive(Debug)]
struct SiteEntry {
    shape: SiteShape,
    routes: HashMap<String, Resource>,
    robots_text: String,
    robots_rules: RobotsRules,
    listing_page_paths: Vec<String>,
    disallowed_page_paths: Vec<String>,
}

impl Farm {
    pub fn new(spec: FarmSpec) -> Farm {
        let today = farm_today(spec.day);
        let mut sites = Vec::with_capacity(spec.sites);
        let mut site_truths = Vec::with_capacity(spec.sites);
        let mut entries = Vec::with_capacity(spec.sites);
        for index in 0..spec.sites {
            let mut random = SeededRandom::derive(spec.seed, "site", index as u64);
            let (site, shape) = draw_site(&mut random, index);
            let definition = shape.template.definition();
            let robots_text = robots_txt(
                &site.name,
                &definition.disallowed_section(&shape.listing_prefix),
            );
            let robots_rules = RobotsRules::parse(&robots_text);
            let site_truth = generate_site_truth(
                &mut random,
                &site,
                &shape,
                index,
                today,
                robots_rules.disallowed_patterns("*"),
            );
            entries.push(build_entry(shape, &site_truth, robots_text, robots_rules));
            sites.push(site);
            site_truths.push(site_truth);
        }
        let site_index_by_host = sites
            .iter()
            .enumerate()
            .map(|(index, site)| (site.host.clone(), index))
            .collect();
        Farm {
            spec,
            sites,
            truth: Truth {
                format_version: TRUTH_FORMAT_VERSION,
                seed: spec.seed,
                day: spec.day,
                today,
                sites: site_truths,
            },
            entries,
            site_index_by_host,
            audit_log: AuditLog::new(),
        }
    }

    pub fn spec(&self) -> FarmSpec {
        self.spec
    }

    pub fn sites(&self) -> &[FarmSite] {
        &self.sites
    }

    pub fn truth(&self) -> &Truth {
        &self.truth
    }

    /// Every recorded request so far, in arrival order.
    pub fn audit(&self) -> Vec<RequestRecord> {
        self.audit_log.snapshot()
    }

    /// Judges the recorded requests against what a polite crawler would do.
    pub fn audit_report(&self, expectations: &AuditExpectations) -> AuditReport {
        crate::audit::report(&self.audit_log.snapshot(), expectations, |host, path| {
            self.robots_allows(host, &expectations.user_agent_token, path)
        })
    }

    /// A cartograph TOML config that crawls this farm served at `address`.
    pub fn crawler_config(&self, address: std::net::SocketAddr, options: &ConfigOptions) -> String {
        crate::crawler_config::crawler_config(self, address, options)
    }

    /// Expectations for a crawler with `user_agent_token` that was given
    /// every site's listing patterns and `min_interval` for every host.
    pub fn audit_expectations(
        &self,
        user_agent_token: &str,
        min_interval: std::time::Duration,
    ) -> AuditExpectations {
        AuditExpectations {
            user_agent_token: user_agent_token.to_owned(),
            listing_patterns: self
                .sites
                .iter()
                .map(|site| (site.host.clone(), site.listing_patterns.clone()))
                .collect(),
            min_interval: self
                .sites
                .iter()
                .map(|site| (site.host.clone(), min_interval))
                .collect(),
        }
    }

    /// Whether the farm's own robots.txt for `host` lets `token` fetch
    /// `path_and_query`; hosts the farm does not serve have no rules.
    pub fn robots_allows(&self, host: &str, token: &str, path_and_query: &str) -> bool {
        match self.site_index_by_host.get(&normalise_host(host)) {
            Some(&index) => self.entries[index]
                .robots_rules
                .is_allowed(token, path_and_query),
            None => true,
        }
    }

    /// The response for `path_and_query` on `host` (any port, any case):
    /// the same bytes every time for the same spec.
    pub fn render(&self, host: &str, path_and_query: &str) -> FarmResponse {
        let Some(&index) = self.site_index_by_host.get(&normalise_host(host)) else {
            return FarmResponse {
                status: 404,
                content_type: PLAIN_TEXT,
                body: format!("no farm site at {host}\n"),
            };
        };
        let site = &self.sites[index];
        let entry = &self.entries[index];
        let site_truth = &self.truth.sites[index];
        let definition = entry.shape.template.definition();
        let frame = self.frame(site, entry);
        let listing_href = site_truth.pages[0].url_path.as_str();
        let plain = |kind: PlainKind| {
            definition.render_plain(&PlainView {
                frame: &frame,
                kind,
                listing_href,
            })
        };
        let Some(&resource) = entry.routes.get(path_and_query) else {
            return FarmResponse {
                status: 404,
                content_type: HTML,
                body: plain(PlainKind::NotFound),
            };
        };
        let body = match resource {
            Resource::Robots => {
                return FarmResponse {
                    status: 200,
                    content_type: PLAIN_TEXT,
                    body: entry.robots_text.clone(),
                }
            }
            Resource::Home => plain(PlainKind::Home),
            Resource::About => plain(PlainKind::About),
            Resource::PostAd => plain(PlainKind::PostAd),
            Resource::Listing(page_index) => definition.render_listing(&ListingView {
                frame: &frame,
                heading: format!("{} – {}", site.name, entry.shape.home_city.display),
                ads: ads_of(site_truth, &site_truth.pages[page_index].ad_ids),
                page_number: page_index + 1,
                page_paths: &entry.listing_page_paths,
            }),
            Resource::Disallowed(page_index) => definition.render_listing(&ListingView {
                frame: &frame,
                heading: format!(
                    "{} – {}",
                    entry.shape.language.labels.vip_offers, entry.shape.language.labels.vip_text
                ),
                ads: ads_of(site_truth, &site_truth.disallowed_pages[page_index].ad_ids),
                page_number: page_index + 1,
                page_paths: &entry.disallowed_page_paths,
            }),
            Resource::Ad(ad_index) => definition.render_ad(&AdView {
                frame: &frame,
                ad: &site_truth.ads[ad_index],
                listing_href,
            }),
        };
        FarmResponse {
            status: 200,
            content_type: HTML,
            body,
        }
    }

    fn frame<'site>(&self, site: &'site FarmSite, entry: &SiteEntry) -> Frame<'site> {
        let labels = &entry.shape.language.labels;
        let link = |href: &str, label: &str| NavigationLink {
            href: href.to_owned(),
            label: label.to_owned(),
        };
        let mut navigation = vec![
            link("/", labels.home),
            link(&entry.listing_page_paths[0], entry.shape.home_city.display),
        ];
        for path in &entry.disallowed_page_paths {
            navigation.push(link(path, labels.vip_offers));
        }
        navigation.push(link("/about", labels.about));
        navigation.push(link("/post-ad", labels.post_ad));
        navigation.push(link(&format!("http://{ELSEWHERE_HOST}/"), labels.partners));
        Frame {
            site,
            language: entry.shape.language,
            navigation,
            year: self.truth.today.year(),
        }
    }
}

fn build_entry(
    shape: SiteShape,
    site_truth: &SiteTruth,
    robots_text: String,
    robots_rules: RobotsRules,
) -> SiteEntry {
    let mut routes = HashMap::new();
    routes.insert("/".to_owned(), Resource::Home);
    routes.insert("/robots.txt".to_owned(), Resource::Robots);
    routes.insert("/about".to_owned(), Resource::About);
    routes.insert("/post-ad".to_owned(), Resource::PostAd);
    for (page_index, page) in site_truth.pages.iter().enumerate() {
        routes.insert(page.url_path.clone(), Resource::Listing(page_index));
    }
    for (page_index, page) in site_truth.disallowed_pages.iter().enumerate() {
        routes.insert(page.url_path.clone(), Resource::Disallowed(page_index));
    }
    for (ad_index, ad) in site_truth.ads.iter().enumerate() {
        routes.insert(ad.url_path.clone(), Resource::Ad(ad_index));
    }
    SiteEntry {
        shape,
        routes,
        robots_text,
        robots_rules,
        listing_page_paths: site_truth
            .pages
            .iter()
            .map(|page| page.url_path.clone())
            .collect(),
        disallowed_page_paths: site_truth
            .disallowed_pages
            .iter()
            .map(|page| page.url_path.clone())
            .collect(),
    }
}

fn ads_of<'site>(
    site_truth: &'site SiteTruth,
    ad_ids: &[String],
) -> Vec<&'site crate::truth::AdTruth> {
    ad_ids
        .iter()
        .filter_map(|ad_id| site_truth.ads.iter().find(|ad| ad.ad_id == *ad_id))
        .collect()
}

/// Lower-cased host without port (`Anna-Dir-0.farm.test:8080` → `anna-dir-0.farm.test`).
pub(crate) fn normalise_host(host: &str) -> String {
    let without_port = if let Some(bracketed) = host.strip_prefix('[') {
        // An IPv6 literal: keep the brackets, drop what follows `]`.
        match bracketed.split_once(']') {
            Some((address, _)) => return format!("[{}]", address.to_ascii_lowercase()),
            None => host,
        }
    } else {
        host.rsplit_once(':').map_or(host, |(name, _port)| name)
    };
    without_port.trim_end_matches('.').to_ascii_lowercase()
}
