//! Connections between sites (mapping field i) as a typed evidence graph.
//!
//! Five kinds of edge, each from its own evidence and each naming the
//! captures behind it:
//! - **same template**: the sites' listing pages have the same DOM
//!   structure (MinHash similarity of tag-path shingles, which already
//!   collapses repeated siblings, so a page dominated by one long list looks
//!   like the same page with a short one);
//! - **shared tracking ids**: the same analytics or ad-network account;
//! - **same company**: the same copyright holder named on the pages
//!   (mapping field j), as the sites claim it;
//! - **shared contacts**: the same keyed contact pseudonym on both sites,
//!   counted only where the ads carrying it are not copies of one another
//!   (a copied ad carries its contact along, which is the next kind's
//!   evidence, not a second one);
//! - **copied ads**: ad texts of one site found on another (the ads' own
//!   word pairs and numbers, compared on the features rare in the report,
//!   `ad_text`), directed from the site that showed them first when the
//!   runs read say so.
//!
//! "Same operator" is claimed only for a pair where at least two of these
//! kinds agree: one kind alone has innocent explanations (an off-the-shelf
//! theme, one advertiser on two platforms, an aggregator). A contacts edge
//! counts toward it only with [`MIN_OPERATOR_SHARED_CONTACTS`] contacts or
//! more, making up [`MIN_OPERATOR_CONTACT_SHARE`] of the smaller site's:
//! travelling people link two sites, not their operators.
//!
//! Candidate pairs come from indexes, not from comparing every pair:
//! MinHash bands for templates, an inverted index of rare text features,
//! and id and pseudonym maps.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use cartograph_extract::similarity;

use crate::ad_text::{
    containment, for_each_candidate_pair, rare_features, COPY_CONTAINMENT_THRESHOLD,
    COPY_CONTAINMENT_WITHOUT_CONTACT, MIN_SHARED_RARE_FEATURES,
};
use crate::model::{ReportData, SiteInput};

/// Least site-to-site template similarity for a same-template edge: one
/// template scores above 0.8, two below 0.5 (extract's fingerprint tests).
pub const TEMPLATE_SIMILARITY_THRESHOLD: f64 = 0.8;
/// Least number of one site's ads found on another for a copied-ads edge;
/// one or two matches can be a coincidence of short, formulaic texts.
pub const MIN_COPIED_ADS: u64 = 3;
/// Least rarity-weighted share of one ad's text found in another for the
/// pair to explain a contact both carry (a copy, perhaps edited).
pub(crate) const SIMILAR_ENOUGH_TO_EXPLAIN: f64 = 0.25;
/// Least number of shared contacts for a contacts edge to count toward a
/// same-operator claim.
pub const MIN_OPERATOR_SHARED_CONTACTS: u64 = 3;
/// Least share of the smaller site's contacts a contacts edge must cover to
/// count toward a same-operator claim.
pub const MIN_OPERATOR_CONTACT_SHARE: f64 = 0.25;
/// Listing pages per site whose fingerprints are compared.
pub const TEMPLATE_PAGES_PER_SITE: usize = 8;
/// MinHash slots per band of the template index (32 bands of 4 slots find
/// pairs at similarity 0.8 with probability above 0.999).
const SLOTS_PER_BAND: usize = 4;

/// The kind of evidence an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    SameTemplate,
    SharedTrackingIds,
    SameCompany,
    SharedContacts,
    CopiedAds,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 5] = [
        EdgeKind::SameTemplate,
        EdgeKind::SharedTrackingIds,
        EdgeKind::SameCompany,
        EdgeKind::SharedContacts,
        EdgeKind::CopiedAds,
    ];

    /// The kebab-case name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::SameTemplate => "same-template",
            EdgeKind::SharedTrackingIds => "shared-tracking-ids",
            EdgeKind::SameCompany => "same-company",
            EdgeKind::SharedContacts => "shared-contacts",
            EdgeKind::CopiedAds => "copied-ads",
        }
    }

    /// Words for an analyst.
    pub fn describe(self) -> &'static str {
        match self {
            EdgeKind::SameTemplate => "same page template",
            EdgeKind::SharedTrackingIds => "same analytics / ad-network account",
            EdgeKind::SameCompany => "same company named as copyright holder",
            EdgeKind::SharedContacts => "same contacts advertised",
            EdgeKind::CopiedAds => "ads copied from one to the other",
        }
    }
}

/// One site in the graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphNode {
    pub site_id: String,
    /// The whitelist name.
    pub name: String,
    pub country: String,
    /// The whitelist's category hint, if any.
    pub category: Option<String>,
}

/// One piece of evidence linking two sites.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edge {
    pub kind: EdgeKind,
    /// For a directed edge, the site the ads come from; otherwise the
    /// smaller site id.
    pub from: String,
    pub to: String,
    /// Only copied-ads edges may be directed (from the site that showed the
    /// ads first).
    pub directed: bool,
    /// 0.0–1.0; what it measures depends on the kind (see `basis`).
    pub strength: f64,
    /// Pages matched, ids shared, contacts shared or ads copied.
    pub count: u64,
    /// How the edge was found and how strength reads, in words.
    pub basis: String,
    /// The shared tracking ids (operator accounts, not personal data);
    /// empty for other kinds.
    pub shared_ids: Vec<String>,
    /// The captures the evidence was seen in, on both sites, ascending.
    pub capture_ids: Vec<u64>,
}

/// A pair of sites that at least two independent kinds of edge link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SameOperator {
    pub site_a: String,
    pub site_b: String,
    pub kinds: Vec<EdgeKind>,
}

/// The whole evidence graph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionGraph {
    pub nodes: Vec<GraphNode>,
    /// Sorted by (from, to, kind).
    pub edges: Vec<Edge>,
    /// Sorted by (site_a, site_b).
    pub same_operator: Vec<SameOperator>,
}

impl ConnectionGraph {
    /// Edges touching `site_id`.
    pub fn edges_of<'graph>(
        &'graph self,
        site_id: &'graph str,
    ) -> impl Iterator<Item = &'graph Edge> {
        self.edges
            .iter()
            .filter(move |edge| edge.from == site_id || edge.to == site_id)
    }

    /// Whether `site_id` is in a same-operator pair with `other`.
    pub fn same_operator_as(&self, site_id: &str, other: &str) -> bool {
        self.same_operator.iter().any(|pair| {
            (pair.site_a == site_id && pair.site_b == other)
                || (pair.site_a == other && pair.site_b == site_id)
        })
    }
}

/// Builds the evidence graph of the report's sites.
pub fn build_graph(data: &ReportData) -> ConnectionGraph {
    let sites = &data.sites;
    let mut edges = Vec::new();
    edges.extend(template_edges(sites));
    edges.extend(tracking_edges(sites));
    edges.extend(company_edges(sites));
    let copies = copied_ads(sites);
    edges.extend(copies.values().filter_map(|pair| pair.edge(sites)));
    edges.extend(contact_edges(sites, &copies));
    edges.sort_by(|left, right| {
        (&left.from, &left.to, left.kind).cmp(&(&right.from, &right.to, right.kind))
    });

    let mut kinds_by_pair: BTreeMap<(String, String), BTreeSet<EdgeKind>> = BTreeMap::new();
    for edge in edges
        .iter()
        .filter(|edge| counts_toward_same_operator(edge))
    {
        kinds_by_pair
            .entry(ordered(&edge.from, &edge.to))
            .or_default()
            .insert(edge.kind);
    }
    let same_operator = kinds_by_pair
        .into_iter()
        .filter(|(_, kinds)| kinds.len() >= 2)
        .map(|((site_a, site_b), kinds)| SameOperator {
            site_a,
            site_b,
            kinds: kinds.into_iter().collect(),
        })
        .collect();
    let nodes = sites
        .iter()
        .map(|site| GraphNode {
            site_id: site.site_id.clone(),
            name: site.fields.name.clone(),
            country: site.country.clone(),
            category: site.fields.category.hint.clone(),
        })
        .collect();
    ConnectionGraph {
        nodes,
        edges,
        same_operator,
    }
}

/// Whether an edge is strong enough to be one of the two kinds a
/// same-operator claim needs: every edge is, except a contacts edge of
/// fewer than [`MIN_OPERATOR_SHARED_CONTACTS`] contacts or under
/// [`MIN_OPERATOR_CONTACT_SHARE`] of the smaller site's contacts. People
/// who travel advertise on many sites, each a small share of a site's
/// contacts (at most 0.17 on a 100-site farm, BENCHMARKS.md); one operator
/// of two sites lists much of one roster on both.
fn counts_toward_same_operator(edge: &Edge) -> bool {
    edge.kind != EdgeKind::SharedContacts
        || (edge.count >= MIN_OPERATOR_SHARED_CONTACTS
            && edge.strength >= MIN_OPERATOR_CONTACT_SHARE)
}

fn ordered(first: &str, second: &str) -> (String, String) {
    if first <= second {
        (first.to_owned(), second.to_owned())
    } else {
        (second.to_owned(), first.to_owned())
    }
}

/// Site indexes `(low, high)` with `sites[low].site_id < sites[high].site_id`.
fn pair_key(sites: &[SiteInput], first: usize, second: usize) -> (usize, usize) {
    if sites[first].site_id <= sites[second].site_id {
        (first, second)
    } else {
        (second, first)
    }
}

fn sorted_captures(captures: impl IntoIterator<Item = u64>) -> Vec<u64> {
    let set: BTreeSet<u64> = captures.into_iter().collect();
    set.into_iter().collect()
}

fn template_edges(sites: &[SiteInput]) -> Vec<Edge> {
    // Band index: (band, band's minima) → sites with a page in that bucket.
    let mut buckets: HashMap<(usize, Vec<u32>), BTreeSet<usize>> = HashMap::new();
    for (index, site) in sites.iter().enumerate() {
        for page in site
            .evidence
            .template_pages
            .iter()
            .take(TEMPLATE_PAGES_PER_SITE)
        {
            for (band, minima) in page.fingerprint.minima.chunks(SLOTS_PER_BAND).enumerate() {
                buckets
                    .entry((band, minima.to_vec()))
                    .or_default()
                    .insert(index);
            }
        }
    }
    let mut candidates: BTreeSet<(usize, usize)> = BTreeSet::new();
    for members in buckets.values() {
        let members: Vec<usize> = members.iter().copied().collect();
        for (position, &first) in members.iter().enumerate() {
            for &second in &members[position + 1..] {
                candidates.insert(pair_key(sites, first, second));
            }
        }
    }
    candidates
        .into_iter()
        .filter_map(|(low, high)| template_edge(&sites[low], &sites[high]))
        .collect()
}

/// The symmetric mean of each page's best match on the other site.
fn template_edge(first: &SiteInput, second: &SiteInput) -> Option<Edge> {
    let first_pages: Vec<_> = first
        .evidence
        .template_pages
        .iter()
        .take(TEMPLATE_PAGES_PER_SITE)
        .collect();
    let second_pages: Vec<_> = second
        .evidence
        .template_pages
        .iter()
        .take(TEMPLATE_PAGES_PER_SITE)
        .collect();
    let mut captures = Vec::new();
    let mut best_means = [0.0_f64; 2];
    for (side, (pages, others)) in [(&first_pages, &second_pages), (&second_pages, &first_pages)]
        .into_iter()
        .enumerate()
    {
        let mut total = 0.0;
        for page in pages.iter() {
            let best = others
                .iter()
                .map(|other| {
                    (
                        f64::from(similarity(&page.fingerprint, &other.fingerprint)),
                        other,
                    )
                })
                .max_by(|left, right| left.0.total_cmp(&right.0));
            if let Some((score, other)) = best {
                total += score;
                if score >= TEMPLATE_SIMILARITY_THRESHOLD {
                    captures.push(page.capture_id);
                    captures.push(other.capture_id);
                }
            }
        }
        best_means[side] = if pages.is_empty() {
            0.0
        } else {
            total / pages.len() as f64
        };
    }
    let strength = (best_means[0] + best_means[1]) / 2.0;
    (strength >= TEMPLATE_SIMILARITY_THRESHOLD).then(|| Edge {
        kind: EdgeKind::SameTemplate,
        from: first.site_id.clone(),
        to: second.site_id.clone(),
        directed: false,
        strength,
        count: (first_pages.len() + second_pages.len()) as u64,
        basis: format!(
            "page structure similarity {strength:.2} (mean best match of {} and {} listing pages; \
             one template scores above {TEMPLATE_SIMILARITY_THRESHOLD}, two below 0.5)",
            first_pages.len(),
            second_pages.len()
        ),
        shared_ids: Vec::new(),
        capture_ids: sorted_captures(captures),
    })
}

fn tracking_edges(sites: &[SiteInput]) -> Vec<Edge> {
    let mut sites_by_id: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (index, site) in sites.iter().enumerate() {
        for observation in &site.evidence.tracking_ids {
            sites_by_id
                .entry(observation.id.as_str())
                .or_default()
                .insert(index);
        }
    }
    let mut shared_by_pair: BTreeMap<(usize, usize), BTreeSet<&str>> = BTreeMap::new();
    for (id, members) in &sites_by_id {
        let members: Vec<usize> = members.iter().copied().collect();
        for (position, &first) in members.iter().enumerate() {
            for &second in &members[position + 1..] {
                shared_by_pair
                    .entry(pair_key(sites, first, second))
                    .or_default()
                    .insert(id);
            }
        }
    }
    shared_by_pair
        .into_iter()
        .map(|((low, high), shared)| {
            let distinct = |site: &SiteInput| {
                site.evidence
                    .tracking_ids
                    .iter()
                    .map(|observation| observation.id.as_str())
                    .collect::<BTreeSet<_>>()
                    .len()
            };
            let smaller = distinct(&sites[low]).min(distinct(&sites[high])).max(1);
            let captures = [&sites[low], &sites[high]].into_iter().flat_map(|site| {
                site.evidence
                    .tracking_ids
                    .iter()
                    .filter(|observation| shared.contains(observation.id.as_str()))
                    .flat_map(|observation| observation.capture_ids.iter().copied())
            });
            Edge {
                kind: EdgeKind::SharedTrackingIds,
                from: sites[low].site_id.clone(),
                to: sites[high].site_id.clone(),
                directed: false,
                strength: shared.len() as f64 / smaller as f64,
                count: shared.len() as u64,
                basis: format!(
                    "{} analytics / ad-network id(s) on both sites; strength is the share of the \
                     smaller set of ids that is shared",
                    shared.len()
                ),
                shared_ids: shared.iter().map(|id| (*id).to_owned()).collect(),
                capture_ids: sorted_captures(captures),
            }
        })
        .collect()
}

/// Sites naming the same copyright holder (compared folded: case, marks
/// and spacing aside).
fn company_edges(sites: &[SiteInput]) -> Vec<Edge> {
    let mut sites_by_company: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, site) in sites.iter().enumerate() {
        if let Some(company) = &site.evidence.company {
            let key = cartograph_extract::fold(&company.name);
            if !key.is_empty() {
                sites_by_company.entry(key).or_default().push(index);
            }
        }
    }
    let mut edges = Vec::new();
    for members in sites_by_company.values() {
        for (position, &first) in members.iter().enumerate() {
            for &second in &members[position + 1..] {
                let (low, high) = pair_key(sites, first, second);
                let (Some(low_company), Some(high_company)) =
                    (&sites[low].evidence.company, &sites[high].evidence.company)
                else {
                    continue;
                };
                edges.push(Edge {
                    kind: EdgeKind::SameCompany,
                    from: sites[low].site_id.clone(),
                    to: sites[high].site_id.clone(),
                    directed: false,
                    strength: 1.0,
                    count: 1,
                    basis: format!(
                        "both pages name \"{}\" as copyright holder (as the sites claim; \
                         unverified)",
                        low_company.name
                    ),
                    shared_ids: Vec::new(),
                    capture_ids: sorted_captures([low_company.capture_id, high_company.capture_id]),
                });
            }
        }
    }
    edges
}

/// Ads of two sites whose texts match, per site pair `(low, high)`.
#[derive(Debug, Default)]
struct CopiedPair {
    low: usize,
    high: usize,
    /// Text ids of `low`'s ads with a match on `high`, and the reverse.
    low_matched: BTreeSet<u64>,
    high_matched: BTreeSet<u64>,
    /// Text ids of ads with a loosely similar ad on the other site (at
    /// least [`SIMILAR_ENOUGH_TO_EXPLAIN`]): enough to explain a shared
    /// contact by copying, not to count a copy.
    low_similar: BTreeSet<u64>,
    high_similar: BTreeSet<u64>,
    /// Matches where `low` showed the text in an earlier run, and the reverse.
    low_first: u64,
    high_first: u64,
    captures: BTreeSet<u64>,
}

impl CopiedPair {
    fn edge(&self, sites: &[SiteInput]) -> Option<Edge> {
        let (low, high) = (&sites[self.low], &sites[self.high]);
        let copied = self.low_matched.len().min(self.high_matched.len()) as u64;
        if copied < MIN_COPIED_ADS {
            return None;
        }
        let share = |matched: usize, site: &SiteInput| {
            matched as f64 / site.evidence.ad_texts.len().max(1) as f64
        };
        let low_share = share(self.low_matched.len(), low);
        let high_share = share(self.high_matched.len(), high);
        let decisive = self.low_first + self.high_first;
        // Directed only when the earlier run says so for at least two thirds
        // of the decisive matches.
        let direction = if decisive > 0 && self.low_first * 3 >= decisive * 2 {
            Some((low, high))
        } else if decisive > 0 && self.high_first * 3 >= decisive * 2 {
            Some((high, low))
        } else {
            None
        };
        let (from, to, directed, direction_words) = match direction {
            Some((source, copier)) => (
                source,
                copier,
                true,
                format!(
                    "{} of {decisive} matches were shown by {} in an earlier run",
                    self.low_first.max(self.high_first),
                    source.site_id
                ),
            ),
            // The shares cannot settle it: an aggregator copying from two
            // sites can show a smaller share of its ads from each than a
            // source has copied.
            None => (
                low,
                high,
                false,
                "direction unknown: both showed the texts first in the same run".to_owned(),
            ),
        };
        Some(Edge {
            kind: EdgeKind::CopiedAds,
            from: from.site_id.clone(),
            to: to.site_id.clone(),
            directed,
            strength: low_share.max(high_share),
            count: copied,
            basis: format!(
                "{copied} ad text(s) on both sites (at least {COPY_CONTAINMENT_THRESHOLD} of one \
                 text's rare word pairs and numbers in the other): {:.0}% of {}'s ads, {:.0}% of {}'s; {direction_words}",
                low_share * 100.0,
                low.site_id,
                high_share * 100.0,
                high.site_id
            ),
            shared_ids: Vec::new(),
            capture_ids: self.captures.iter().copied().collect(),
        })
    }
}

fn copied_ads(sites: &[SiteInput]) -> BTreeMap<(usize, usize), CopiedPair> {
    let all_texts = sites
        .iter()
        .flat_map(|site| site.evidence.ad_texts.iter().map(|ad| &ad.features));
    let rare = rare_features(all_texts);
    // (site, ad) of every ad text, and its rare features.
    let mut owners: Vec<(usize, usize)> = Vec::new();
    let mut ads: Vec<(usize, Vec<u64>)> = Vec::new();
    for (site_index, site) in sites.iter().enumerate() {
        for (ad_index, ad) in site.evidence.ad_texts.iter().enumerate() {
            let features: Vec<u64> = ad
                .features
                .shingles
                .iter()
                .copied()
                .filter(|feature| rare.contains_key(feature))
                .collect();
            if features.len() >= MIN_SHARED_RARE_FEATURES {
                owners.push((site_index, ad_index));
                ads.push((site_index, features));
            }
        }
    }
    // Per site: the contacts (pseudonyms) each ad text carries.
    let contacts_by_text: Vec<HashMap<u64, BTreeSet<&str>>> = sites
        .iter()
        .map(|site| {
            let mut by_text: HashMap<u64, BTreeSet<&str>> = HashMap::new();
            for observation in &site.evidence.contacts {
                for text_id in &observation.ad_text_ids {
                    by_text
                        .entry(*text_id)
                        .or_default()
                        .insert(observation.pseudonym.as_str());
                }
            }
            by_text
        })
        .collect();
    let mut pairs: BTreeMap<(usize, usize), CopiedPair> = BTreeMap::new();
    for_each_candidate_pair(&ads, |first_index, second_index| {
        let (share, shared) = containment(&ads[first_index].1, &ads[second_index].1, &rare);
        if share < SIMILAR_ENOUGH_TO_EXPLAIN {
            return;
        }
        let (first_site, first_ad) = owners[first_index];
        let (second_site, second_ad) = owners[second_index];
        let first = &sites[first_site].evidence.ad_texts[first_ad];
        let second = &sites[second_site].evidence.ad_texts[second_ad];
        // A copy keeps its contact: two ads naming different contacts are
        // two ads, however alike their words (stock phrases repeat across
        // thousands of ads); without a contact on one side, only a closer
        // likeness counts.
        let contacts_agree = match (
            contacts_by_text[first_site].get(&first.text_id),
            contacts_by_text[second_site].get(&second.text_id),
        ) {
            (Some(first_contacts), Some(second_contacts)) => {
                if first_contacts.is_disjoint(second_contacts) {
                    return;
                }
                true
            }
            _ => false,
        };
        let copy_threshold = if contacts_agree {
            COPY_CONTAINMENT_THRESHOLD
        } else {
            COPY_CONTAINMENT_WITHOUT_CONTACT
        };
        let (low, high) = pair_key(sites, first_site, second_site);
        let (low_ad, high_ad) = if low == first_site {
            (first, second)
        } else {
            (second, first)
        };
        let pair = pairs.entry((low, high)).or_insert_with(|| CopiedPair {
            low,
            high,
            ..CopiedPair::default()
        });
        pair.low_similar.insert(low_ad.text_id);
        pair.high_similar.insert(high_ad.text_id);
        if share < copy_threshold || shared < MIN_SHARED_RARE_FEATURES {
            return;
        }
        pair.low_matched.insert(low_ad.text_id);
        pair.high_matched.insert(high_ad.text_id);
        match low_ad.first_run.cmp(&high_ad.first_run) {
            std::cmp::Ordering::Less => pair.low_first += 1,
            std::cmp::Ordering::Greater => pair.high_first += 1,
            std::cmp::Ordering::Equal => {}
        }
        pair.captures.extend(low_ad.capture_ids.iter().copied());
        pair.captures.extend(high_ad.capture_ids.iter().copied());
    });
    pairs
}

fn contact_edges(sites: &[SiteInput], copies: &BTreeMap<(usize, usize), CopiedPair>) -> Vec<Edge> {
    let mut sites_by_contact: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (index, site) in sites.iter().enumerate() {
        for observation in &site.evidence.contacts {
            sites_by_contact
                .entry(observation.pseudonym.as_str())
                .or_default()
                .insert(index);
        }
    }
    // Per pair: contacts shared independently of copying, and only through it.
    let mut shared_by_pair: BTreeMap<(usize, usize), (BTreeSet<&str>, u64)> = BTreeMap::new();
    let empty = BTreeSet::new();
    for (pseudonym, members) in &sites_by_contact {
        let members: Vec<usize> = members.iter().copied().collect();
        for (position, &first) in members.iter().enumerate() {
            for &second in &members[position + 1..] {
                let (low, high) = pair_key(sites, first, second);
                let copy = copies.get(&(low, high));
                let copied_low = copy.map_or(&empty, |copy| &copy.low_similar);
                let copied_high = copy.map_or(&empty, |copy| &copy.high_similar);
                // Copying explains a shared contact when one of the two sites
                // shows it only on ads the other site also shows.
                let independent = carries_uncopied(&sites[low], pseudonym, copied_low)
                    && carries_uncopied(&sites[high], pseudonym, copied_high);
                let entry = shared_by_pair.entry((low, high)).or_default();
                if independent {
                    entry.0.insert(pseudonym);
                } else {
                    entry.1 += 1;
                }
            }
        }
    }
    shared_by_pair
        .into_iter()
        .filter(|(_, (independent, _))| !independent.is_empty())
        .map(|((low, high), (independent, only_copied))| {
            let distinct = |site: &SiteInput| {
                site.evidence
                    .contacts
                    .iter()
                    .map(|observation| observation.pseudonym.as_str())
                    .collect::<BTreeSet<_>>()
                    .len()
            };
            let smaller = distinct(&sites[low]).min(distinct(&sites[high])).max(1);
            let captures = [&sites[low], &sites[high]].into_iter().flat_map(|site| {
                site.evidence
                    .contacts
                    .iter()
                    .filter(|observation| independent.contains(observation.pseudonym.as_str()))
                    .flat_map(|observation| observation.capture_ids.iter().copied())
            });
            Edge {
                kind: EdgeKind::SharedContacts,
                from: sites[low].site_id.clone(),
                to: sites[high].site_id.clone(),
                directed: false,
                strength: independent.len() as f64 / smaller as f64,
                count: independent.len() as u64,
                basis: format!(
                    "{} contact(s) advertised on both sites on ads that are not copies of each \
                     other ({only_copied} more only on copied ads); strength is the share of the \
                     smaller site's distinct contacts",
                    independent.len()
                ),
                shared_ids: Vec::new(),
                capture_ids: sorted_captures(captures),
            }
        })
        .collect()
}

/// Whether `site` shows `pseudonym` on an ad whose text was not matched on
/// the other site of the pair.
fn carries_uncopied(site: &SiteInput, pseudonym: &str, copied: &BTreeSet<u64>) -> bool {
    site.evidence
        .contacts
        .iter()
        .filter(|observation| observation.pseudonym == pseudonym)
        .any(|observation| {
            observation.ad_text_ids.is_empty()
                || observation
                    .ad_text_ids
                    .iter()
                    .any(|text_id| !copied.contains(text_id))
        })
}

#[cfg(test)]
#[path = "connections_tests.rs"]
mod tests;
