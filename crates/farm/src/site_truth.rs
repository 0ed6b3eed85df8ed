//! Working out the truth of one site (and the farm's connections) from the
//! plans: the pages a polite crawler fetches are the listing pages, the
//! premium section and its rules page, kept or set aside by the policy the
//! site's robots.txt implies for [`ROBOTS_TOKEN`]; the ads are the cards on
//! them, drawn exactly as the pages draw them.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::ads::{now_of, AdContext};
use crate::plan::SitePlan;
use crate::population::{ad_id, listing, listing_page, private_page, ListedAd, ListingPage};
use crate::robots::{RobotsPolicy, ROBOTS_TOKEN};
use crate::templates::{ListingView, PromotedBlock};
use crate::truth::{
    AdTruth, AggregatorTruth, ChangeTruth, ConnectionsTruth, GroupOfSites, PageTruth, RobotsTruth,
    SharedContact, SiteTruth,
};

/// The truth of site `index` on `day`.
pub(crate) fn site_truth(seed: u64, plans: &[SitePlan], index: usize, day: i64) -> SiteTruth {
    let plan = &plans[index];
    let paths = plan.robots_paths();
    let policy = plan.robots.policy(paths);
    let context = AdContext { seed, plans, day };

    let live = listing(seed, plans, index, day);
    let first_page = listing_page(seed, plan, day, &live, 1);
    let mut candidates: Vec<(PageTruth, Vec<ListedAd>)> = Vec::new();
    for page_number in 1..=first_page.page_count {
        let page = listing_page(seed, plan, day, &live, page_number);
        let url_path =
            plan.template
                .pagination()
                .path(&plan.listing_prefix, page_number, plan.ads_per_page);
        candidates.push(page_truth(plan, url_path, &page));
    }
    candidates.push(page_truth(
        plan,
        plan.private_section.clone(),
        &private_page(plan),
    ));
    candidates.push((
        PageTruth {
            url_path: plan.rules_page(),
            ad_ids: Vec::new(),
            promoted_ad_ids: Vec::new(),
            counter_shown: None,
            banners: 0,
            non_ad_items: 0,
            json_ld: false,
        },
        Vec::new(),
    ));

    let mut pages = Vec::new();
    let mut disallowed_pages = Vec::new();
    let mut allowed_ads: Vec<ListedAd> = Vec::new();
    let mut blocked_ads: Vec<ListedAd> = Vec::new();
    for (page, listed) in candidates {
        if policy.is_allowed(ROBOTS_TOKEN, &page.url_path) {
            allowed_ads.extend(listed);
            pages.push(page);
        } else {
            blocked_ads.extend(listed);
            disallowed_pages.push(page);
        }
    }
    let mut seen = HashSet::new();
    let mut ads: Vec<AdTruth> = Vec::new();
    for listed in &allowed_ads {
        if seen.insert(*listed) {
            ads.push(context.ad(index, *listed, false));
        }
    }
    let ads_total = ads.len();
    for listed in &blocked_ads {
        if seen.insert(*listed) {
            ads.push(context.ad(index, *listed, true));
        }
    }

    let response = plan.robots.response(paths);
    let robots = RobotsTruth {
        variant: plan.robots,
        status: response.status,
        policy: policy.describe().to_owned(),
        crawl_delay_millis: plan.robots.crawl_delay_millis(),
        redirect_to: response.location.clone(),
        bytes: response.body.len(),
    };

    SiteTruth {
        site_id: plan.site.id.clone(),
        host: plan.site.host.clone(),
        name: plan.site.name.clone(),
        template: plan.template,
        template_group: plan.template_group(),
        category: plan.template.category().to_owned(),
        language: plan.language.code.to_owned(),
        country: plan.country.code.to_owned(),
        home_city: plan.home_city.display.to_owned(),
        operator: plan.operator.clone(),
        encoding: plan.encoding,
        charset_declaration: plan.charset_declaration,
        robots,
        pagination: plan.template.pagination(),
        ads_per_page: plan.ads_per_page,
        date_style: plan.date_style,
        profile_matches_promoted: plan.template.traits().promoted == PromotedBlock::SameMarkup,
        analytics_ids: plan.analytics_ids.clone(),
        site_counter: first_page.site_counter,
        ads_total,
        pages,
        disallowed_pages,
        lexicon_rates: plan.lexicon_rates,
        contact_mix: plan.contact_mix,
        change: change(seed, plans, index, day, &policy),
        ads,
    }
}

fn page_truth(plan: &SitePlan, url_path: String, page: &ListingPage) -> (PageTruth, Vec<ListedAd>) {
    let ids =
        |listed: &[ListedAd]| -> Vec<String> { listed.iter().map(|ad| ad_id(plan, *ad)).collect() };
    let truth = PageTruth {
        url_path,
        ad_ids: ids(&page.ads),
        promoted_ad_ids: ids(&page.promoted),
        counter_shown: page.counter_shown,
        banners: ListingView::banner_count(plan.template, page.ads.len()),
        non_ad_items: plan.template.traits().non_ad_items,
        json_ld: plan.json_ld,
    };
    let mut listed = page.ads.clone();
    listed.extend(page.promoted.iter().copied());
    (truth, listed)
}

/// New and disappeared ads among the ones a crawler counts, day over day.
fn change(
    seed: u64,
    plans: &[SitePlan],
    index: usize,
    day: i64,
    policy: &RobotsPolicy,
) -> ChangeTruth {
    let plan = &plans[index];
    let listing_allowed = policy.is_allowed(ROBOTS_TOKEN, &plan.listing_prefix);
    let counted = |on_day: i64| -> BTreeSet<String> {
        if !listing_allowed {
            return BTreeSet::new();
        }
        listing(seed, plans, index, on_day)
            .into_iter()
            .map(|listed| ad_id(plan, listed))
            .collect()
    };
    let today = counted(day);
    let yesterday = counted(day - 1);
    let new_ad_ids: Vec<String> = today.difference(&yesterday).cloned().collect();
    let disappeared_ad_ids: Vec<String> = yesterday.difference(&today).cloned().collect();
    let (births_per_day, mean_lifetime_days) = match plan.copies_from {
        // An aggregator posts about six in ten of its sources' new ads.
        Some(sources) => (
            sources
                .iter()
                .map(|&source| plans[source].births_per_day)
                .sum::<u64>()
                * 6
                / 10,
            (plans[sources[0]].mean_lifetime_days + plans[sources[1]].mean_lifetime_days) / 2,
        ),
        None => (plan.births_per_day, plan.mean_lifetime_days),
    };
    ChangeTruth {
        births_per_day,
        mean_lifetime_days,
        new_since_previous_day: new_ad_ids.len(),
        disappeared_since_previous_day: disappeared_ad_ids.len(),
        new_ad_ids,
        disappeared_ad_ids,
    }
}

/// Accumulates the farm's connections one site truth at a time, so that a
/// large farm's truth can be written without holding every site.
#[derive(Debug, Default)]
pub(crate) struct ConnectionsBuilder {
    template_groups: BTreeMap<String, Vec<String>>,
    analytics: BTreeMap<String, Vec<String>>,
    aggregators: Vec<AggregatorTruth>,
    contacts: BTreeMap<String, ContactSeen>,
}

#[derive(Debug, Default)]
struct ContactSeen {
    sites: BTreeSet<String>,
    cities: BTreeSet<String>,
    countries: BTreeSet<String>,
    ads: usize,
}

impl ConnectionsBuilder {
    /// Adds site `index`'s truth.
    pub(crate) fn add(&mut self, plans: &[SitePlan], index: usize, site: &SiteTruth) {
        self.template_groups
            .entry(site.template_group.clone())
            .or_default()
            .push(site.site_id.clone());
        for id in &site.analytics_ids {
            self.analytics
                .entry(id.clone())
                .or_default()
                .push(site.site_id.clone());
        }
        if let Some(sources) = plans[index].copies_from {
            self.aggregators.push(AggregatorTruth {
                site_id: site.site_id.clone(),
                copies_from: sources
                    .iter()
                    .map(|&source| plans[source].site.id.clone())
                    .collect(),
            });
        }
        for ad in site.ads.iter().filter(|ad| !ad.behind_robots) {
            for contact in &ad.contact_groups {
                let seen = self.contacts.entry(contact.clone()).or_default();
                seen.sites.insert(site.site_id.clone());
                seen.cities.insert(ad.location.city.clone());
                seen.countries.insert(ad.location.country.clone());
                seen.ads += 1;
            }
        }
    }

    pub(crate) fn finish(self) -> ConnectionsTruth {
        let groups = |map: BTreeMap<String, Vec<String>>| -> Vec<GroupOfSites> {
            map.into_iter()
                .filter(|(_, site_ids)| site_ids.len() > 1)
                .map(|(key, site_ids)| GroupOfSites { key, site_ids })
                .collect()
        };
        ConnectionsTruth {
            template_twins: groups(self.template_groups),
            shared_analytics: groups(self.analytics),
            aggregators: self.aggregators,
            shared_contacts: self
                .contacts
                .into_iter()
                .filter(|(_, seen)| seen.sites.len() > 1 || seen.countries.len() > 1)
                .map(|(contact, seen)| SharedContact {
                    contact,
                    site_ids: seen.sites.into_iter().collect(),
                    cities: seen.cities.into_iter().collect(),
                    countries: seen.countries.into_iter().collect(),
                    ads: seen.ads,
                })
                .collect(),
        }
    }
}

/// The farm's "now" on `day`, for the truth's header.
pub(crate) fn farm_now(day: i64) -> chrono::NaiveDateTime {
    now_of(day)
}
