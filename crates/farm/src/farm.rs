//! The farm itself: [`Farm::new`] draws every site's plan from a
//! [`FarmSpec`] (fast and compact: 10,000 sites in well under a second), and
//! [`Farm::render`] turns a host and path into the exact bytes to serve,
//! drawing the page from the plan on every call. Truth is worked out on
//! request, per site or for the whole farm, and the farm owns the audit
//! recorder the server writes into.

use std::collections::HashMap;
use std::io::Write;
use std::sync::OnceLock;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::ads::{date_of, AdContext};
use crate::audit::{AuditExpectations, AuditRecorder, AuditReport, RequestRecord};
use crate::crawler_config::ConfigOptions;
use crate::encoding::html_content_type;
use crate::plan::{draw_plan, SitePlan};
use crate::population::{
    is_alive, listing, listing_page, page_count, parse_ad_id, private_page, ListedAd,
};
use crate::robots::{RobotsPolicy, ROBOTS_REDIRECT_TARGET, ROBOTS_TOKEN};
use crate::site::FarmSite;
use crate::site_truth::{farm_now, site_truth, ConnectionsBuilder};
use crate::templates::chrome::{ad_page, plain_page, Frame};
use crate::templates::ListingView;
use crate::truth::{SiteTruth, Truth, TRUTH_FORMAT_VERSION};

/// What to build: the same spec always yields the same bytes for every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarmSpec {
    /// Every choice the farm makes derives from this.
    pub seed: u64,
    /// How many sites; site `i` is the same whatever the count.
    pub sites: usize,
    /// Simulation day: today is 2025-01-01 plus `day`; ads appear and
    /// disappear from one day to the next at each site's rates.
    pub day: u32,
}

/// A synthetic web of sites with ground truth and an audit of what it was asked.
/// `Send + Sync`: share it as `Arc<Farm>` between the server and the test.
#[derive(Debug)]
pub struct Farm {
    spec: FarmSpec,
    plans: Vec<SitePlan>,
    sites: Vec<FarmSite>,
    site_index_by_host: HashMap<String, usize>,
    truth: OnceLock<Truth>,
    pub(crate) audit_recorder: AuditRecorder,
}

/// One response as the farm would serve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FarmResponse {
    pub status: u16,
    /// `Content-Type` and, for redirects, `Location`.
    pub headers: Vec<(&'static str, String)>,
    /// The bytes on the wire (windows-1251 or ISO-8859-2 on some sites).
    pub body: Vec<u8>,
}

impl FarmResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header_name, _)| header_name.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn text(status: u16, content_type: &str, body: String) -> FarmResponse {
        FarmResponse {
            status,
            headers: vec![("content-type", content_type.to_owned())],
            body: body.into_bytes(),
        }
    }
}

const PLAIN_TEXT: &str = "text/plain; charset=utf-8";

/// What a path on a site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resource {
    Robots,
    RobotsRedirectTarget,
    Listing(usize),
    Private,
    Rules,
    Ad(ListedAd),
    Plain(PlainKind),
    NotFound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PlainKind {
    Home,
    About,
    PostAd,
    Other,
}

impl Farm {
    pub fn new(spec: FarmSpec) -> Farm {
        let plans: Vec<SitePlan> = (0..spec.sites)
            .map(|index| draw_plan(spec.seed, index))
            .collect();
        let sites: Vec<FarmSite> = plans.iter().map(|plan| plan.site.clone()).collect();
        let site_index_by_host = sites
            .iter()
            .enumerate()
            .map(|(index, site)| (site.host.clone(), index))
            .collect();
        Farm {
            spec,
            plans,
            sites,
            site_index_by_host,
            truth: OnceLock::new(),
            audit_recorder: AuditRecorder::new(),
        }
    }

    pub fn spec(&self) -> FarmSpec {
        self.spec
    }

    pub fn sites(&self) -> &[FarmSite] {
        &self.sites
    }

    fn day(&self) -> i64 {
        i64::from(self.spec.day)
    }

    /// The whole farm's truth, worked out on first use. For large farms
    /// prefer [`Farm::site_truth`] or [`Farm::write_truth`].
    pub fn truth(&self) -> &Truth {
        self.truth.get_or_init(|| {
            let mut connections = ConnectionsBuilder::default();
            let sites: Vec<SiteTruth> = (0..self.plans.len())
                .map(|index| {
                    let site = self.site_truth(index);
                    connections.add(&self.plans, index, &site);
                    site
                })
                .collect();
            Truth {
                format_version: TRUTH_FORMAT_VERSION,
                seed: self.spec.seed,
                day: self.spec.day,
                today: date_of(self.day()),
                now: farm_now(self.day()),
                robots_token: ROBOTS_TOKEN.to_owned(),
                sites,
                connections: connections.finish(),
            }
        })
    }

    /// The truth of site number `index` (panics past the last site).
    pub fn site_truth(&self, index: usize) -> SiteTruth {
        site_truth(self.spec.seed, &self.plans, index, self.day())
    }

    /// Writes the whole truth as JSON, one site at a time, so that the
    /// memory needed stays that of one site plus the connections.
    pub fn write_truth(&self, writer: &mut impl Write) -> std::io::Result<()> {
        let header = serde_json::json!({
            "format_version": TRUTH_FORMAT_VERSION,
            "seed": self.spec.seed,
            "day": self.spec.day,
            "today": date_of(self.day()),
            "now": farm_now(self.day()),
            "robots_token": ROBOTS_TOKEN,
        });
        let header_text = header.to_string();
        // The header is an object; reopen it to append the sites.
        writer.write_all(header_text.trim_end_matches('}').as_bytes())?;
        writer.write_all(b",\"sites\":[")?;
        let mut connections = ConnectionsBuilder::default();
        for index in 0..self.plans.len() {
            let site = self.site_truth(index);
            if index > 0 {
                writer.write_all(b",\n")?;
            }
            serde_json::to_writer(&mut *writer, &site)?;
            connections.add(&self.plans, index, &site);
        }
        writer.write_all(b"],\"connections\":")?;
        serde_json::to_writer(&mut *writer, &connections.finish())?;
        writer.write_all(b"}\n")
    }

    /// Every recorded request so far, in arrival order.
    pub fn audit(&self) -> Vec<RequestRecord> {
        self.audit_recorder.snapshot()
    }

    /// Judges the recorded requests against what a polite crawler would do.
    pub fn audit_report(&self, expectations: &AuditExpectations) -> AuditReport {
        let mut policies: HashMap<String, Option<RobotsPolicy>> = HashMap::new();
        crate::audit::report(
            &self.audit_recorder.snapshot(),
            expectations,
            |host, path| self.is_robots_file(host, path),
            |host, path| {
                let policy = policies
                    .entry(host.to_owned())
                    .or_insert_with(|| self.robots_policy(host));
                policy
                    .as_ref()
                    .is_none_or(|policy| policy.is_allowed(&expectations.user_agent_token, path))
            },
        )
    }

    /// A cartograph TOML config that crawls this farm served at `address`.
    pub fn crawler_config(&self, address: std::net::SocketAddr, options: &ConfigOptions) -> String {
        crate::crawler_config::crawler_config(self, address, options, true)
    }

    /// The same config with no `[site.profile]` tables: what a unit has
    /// for sites nobody wrote selectors for (the quality benchmark).
    pub fn crawler_config_without_profiles(
        &self,
        address: std::net::SocketAddr,
        options: &ConfigOptions,
    ) -> String {
        crate::crawler_config::crawler_config(self, address, options, false)
    }

    /// Expectations for a crawler with `user_agent_token` that was given
    /// every site's listing patterns and `min_interval` for every host,
    /// raised by each site's Crawl-delay.
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
                .plans
                .iter()
                .map(|plan| {
                    let crawl_delay = std::time::Duration::from_millis(
                        plan.robots.crawl_delay_millis().unwrap_or(0),
                    );
                    (plan.site.host.clone(), min_interval.max(crawl_delay))
                })
                .collect(),
        }
    }

    /// Whether the farm's own robots.txt for `host` lets `token` fetch
    /// `path_and_query`, as DESIGN.md's crawler must read it; hosts the farm
    /// does not serve have no rules.
    pub fn robots_allows(&self, host: &str, token: &str, path_and_query: &str) -> bool {
        self.robots_policy(host)
            .is_none_or(|policy| policy.is_allowed(token, path_and_query))
    }

    fn robots_policy(&self, host: &str) -> Option<RobotsPolicy> {
        let index = self.site_index(host)?;
        let plan = &self.plans[index];
        Some(plan.robots.policy(plan.robots_paths()))
    }

    /// Whether `path_and_query` on `host` is a robots.txt file (the file
    /// itself or where it redirects), which crawlers may always fetch.
    pub fn is_robots_file(&self, host: &str, path_and_query: &str) -> bool {
        path_and_query == "/robots.txt"
            || (path_and_query == ROBOTS_REDIRECT_TARGET
                && self.site_index(host).is_some_and(|index| {
                    self.plans[index].robots == crate::robots::RobotsVariant::Redirect
                }))
    }

    /// The site serving `host` (any port, any case), if any.
    pub(crate) fn site_index(&self, host: &str) -> Option<usize> {
        self.site_index_by_host.get(&normalise_host(host)).copied()
    }

    /// The response for `path_and_query` on `host` (any port, any case):
    /// the same bytes every time for the same spec.
    pub fn render(&self, host: &str, path_and_query: &str) -> FarmResponse {
        let Some(index) = self.site_index(host) else {
            return FarmResponse::text(404, PLAIN_TEXT, format!("no farm site at {host}\n"));
        };
        let plan = &self.plans[index];
        let seed = self.spec.seed;
        let day = self.day();
        let live = listing(seed, &self.plans, index, day);
        let frame = self.frame(index);
        let resource = self.resolve(plan, path_and_query, live.len());
        let html = |status: u16, text: String| FarmResponse {
            status,
            headers: vec![(
                "content-type",
                html_content_type(plan.encoding, plan.charset_declaration),
            )],
            body: plan.encoding.encode(&text),
        };
        let labels = &plan.language.labels;
        let context = AdContext {
            seed,
            plans: &self.plans,
            day,
        };
        match resource {
            Resource::Robots => {
                let response = plan.robots.response(plan.robots_paths());
                let mut headers = vec![("content-type", PLAIN_TEXT.to_owned())];
                if let Some(location) = response.location {
                    headers.push(("location", location));
                }
                FarmResponse {
                    status: response.status,
                    headers,
                    body: response.body.into_bytes(),
                }
            }
            Resource::RobotsRedirectTarget => {
                let body = plan
                    .robots
                    .redirect_target_response(plan.robots_paths())
                    .map(|response| response.body)
                    .unwrap_or_default();
                FarmResponse::text(200, PLAIN_TEXT, body)
            }
            Resource::Listing(page_number) => {
                let page = listing_page(seed, plan, day, &live, page_number);
                let view = ListingView {
                    frame: &frame,
                    ads: page
                        .ads
                        .iter()
                        .map(|ad| context.ad(index, *ad, false))
                        .collect(),
                    promoted: page
                        .promoted
                        .iter()
                        .map(|ad| context.ad(index, *ad, false))
                        .collect(),
                    page: &page,
                    private: false,
                };
                html(200, plan.template.render_listing(&view))
            }
            Resource::Private => {
                let page = private_page(plan);
                let view = ListingView {
                    frame: &frame,
                    ads: page
                        .ads
                        .iter()
                        .map(|ad| context.ad(index, *ad, true))
                        .collect(),
                    promoted: Vec::new(),
                    page: &page,
                    private: true,
                };
                html(200, plan.template.render_listing(&view))
            }
            Resource::Rules => html(200, plain_page(&frame, labels.rules, labels.rules_text)),
            Resource::Ad(listed) => html(200, ad_page(&frame, &context.ad(index, listed, false))),
            Resource::Plain(kind) => {
                let (heading, text) = match kind {
                    PlainKind::Home => (plan.site.name.as_str(), labels.about_text),
                    PlainKind::About => (labels.about, labels.about_text),
                    PlainKind::PostAd => (labels.post_ad, labels.post_ad_text),
                    PlainKind::Other => (labels.search, labels.about_text),
                };
                html(200, plain_page(&frame, heading, text))
            }
            Resource::NotFound => html(404, plain_page(&frame, labels.not_found, labels.not_found)),
        }
    }

    /// The one place a site's paths are routed.
    fn resolve(&self, plan: &SitePlan, path_and_query: &str, live_ads: usize) -> Resource {
        let pages = page_count(live_ads, plan.ads_per_page);
        if path_and_query == "/robots.txt" {
            return Resource::Robots;
        }
        if path_and_query == ROBOTS_REDIRECT_TARGET
            && plan.robots == crate::robots::RobotsVariant::Redirect
        {
            return Resource::RobotsRedirectTarget;
        }
        if let Some(page_number) = plan.template.pagination().parse(
            &plan.listing_prefix,
            path_and_query,
            plan.ads_per_page,
            pages,
        ) {
            return Resource::Listing(page_number);
        }
        if path_and_query == plan.private_section {
            return Resource::Private;
        }
        if path_and_query == plan.rules_page() {
            return Resource::Rules;
        }
        if let Some(id) = plan
            .template
            .parse_ad_path(&plan.listing_prefix, path_and_query)
        {
            return match parse_ad_id(plan, id) {
                Some(listed) if self.is_listed(plan, listed) => Resource::Ad(listed),
                _ => Resource::NotFound,
            };
        }
        let path = path_and_query.split('?').next().unwrap_or(path_and_query);
        match path {
            "/" => Resource::Plain(PlainKind::Home),
            "/about" => Resource::Plain(PlainKind::About),
            "/post-ad" => Resource::Plain(PlainKind::PostAd),
            "/search" | "/advertise" | "/board/rules" => Resource::Plain(PlainKind::Other),
            _ if path.starts_with(&plan.listing_prefix) => Resource::NotFound,
            _ if path.len() > 1
                && path.ends_with('/')
                && path[1..path.len() - 1].split('/').all(|segment| {
                    !segment.is_empty()
                        && segment.bytes().all(|byte| {
                            byte.is_ascii_lowercase() || byte == b'-' || byte.is_ascii_digit()
                        })
                }) =>
            {
                // Other cities and other sections: real pages, out of scope.
                Resource::Plain(PlainKind::Other)
            }
            _ => Resource::NotFound,
        }
    }

    fn is_listed(&self, plan: &SitePlan, listed: ListedAd) -> bool {
        let seed = self.spec.seed;
        let day = self.day();
        match listed {
            ListedAd::Own { serial } => is_alive(seed, plan, serial, day),
            ListedAd::Private { number } => number < plan.private_ads,
            ListedAd::Copied { .. } => {
                listing(seed, &self.plans, plan.index, day).contains(&listed)
            }
        }
    }

    fn frame(&self, index: usize) -> Frame<'_> {
        // Earlier sites only, so that site `i` is the same in a farm of any size.
        let partner_hosts = [1, 5]
            .iter()
            .filter_map(|step| index.checked_sub(*step))
            .map(|partner| self.plans[partner].site.host.as_str())
            .collect();
        Frame {
            plan: &self.plans[index],
            partner_hosts,
            year: date_of(self.day()).year(),
        }
    }
}

/// Lower-cased host without port (`Rosa-Dir-0.farm.test:8080` → `rosa-dir-0.farm.test`).
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
