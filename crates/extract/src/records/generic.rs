//! Ad cards without a profile: the page's repeated record structure, in the
//! MDR / DEPTA family of data-record methods (Liu, Grossman & Zhai 2003;
//! Zhai & Liu 2005). Those find "data regions" — runs of similar sibling
//! subtrees under one parent — by tree edit distance; this compares
//! siblings by the Jaccard similarity of their tag-path sets (a pq-gram-like
//! approximation that is linear in the subtree), which is fast enough for
//! every page of a crawl.
//!
//! Steps:
//! 1. **Sibling groups.** Under every parent that is not page furniture
//!    (navigation, header, footer, breadcrumbs, pagination: see
//!    `outline.rs`), children of one tag that each carry a usable link and
//!    some text form a group. A record is never a bare link (an anchor with
//!    nothing inside: link lists and links in prose look like that) nor a
//!    paragraph, heading or inline element. The group's *consensus* is the set of tag
//!    paths (five levels deep, tag plus digit-free class names) found in
//!    most members; members less than [`MIN_SIMILARITY`] similar to it (a
//!    banner between cards, a "see all" item after them) are dropped.
//! 2. **One record type, many parents.** Groups whose consensus is similar
//!    and that do not nest are merged: cards split over day sections, or a
//!    promoted block above the list, are one record type.
//! 3. **Scoring.** A record weighs its visible text, capped at
//!    [`TEXT_CAP`] characters so that a wrapper holding many cards does not
//!    outweigh the cards; a record with a single text node (a menu item, a
//!    link-farm entry) weighs [`SINGLE_TEXT_WEIGHT`] as much. Group score is
//!    the sum times the mean similarity, times `0.5 + 0.5 × link
//!    consistency` (the share of records whose ad link has the group's
//!    dominant URL shape), times [`LINK_LIST_PENALTY`] when records link to
//!    more than [`MAX_TARGETS_PER_CARD`] distinct pages (link lists, not ads).
//!    The finest level wins when records nest: if another record type lies
//!    inside the winner's records, with at least 1.5 times as many records
//!    and half the score, it is taken instead (cards inside day sections or
//!    grid rows; see `finest_level`).
//! 4. **Completion.** Elements elsewhere on the page with the winning tag,
//!    similar to its consensus, of comparable size and text volume and
//!    carrying a link and text (a lone card in a day section) join it.
//! 5. **Clean-up.** When at least four records exist and one URL shape
//!    covers [`DOMINANT_SHAPE_SHARE`] of their ad links, records linking
//!    elsewhere (a "post your ad" tile styled like a card) are dropped.
//!
//! Confidence is `0.3 × structure + 0.3 × links + 0.2 × count + 0.2 ×
//! margin`: structure is the mean similarity of records to the consensus,
//! links the dominant-shape share, count `min(1, (records − 1) / 4)` (two
//! look-alike items could be anything; five are a list), margin `1 −
//! runner-up score / winner score` (how clearly one structure dominates).

use std::collections::HashMap;

use url::Url;

use crate::records::link_shapes::{record_targets, shape_targets, ResolvedLinks};
use crate::records::outline::{jaccard, Outline};

/// Minimum Jaccard similarity of a record to its group's consensus.
pub(crate) const MIN_SIMILARITY: f32 = 0.5;
/// Tag-path depth below a record that its structure is compared on.
const FEATURE_DEPTH: u32 = 5;
/// Visible characters a record needs to count as having text.
const MIN_RECORD_TEXT: u32 = 4;
/// Characters of text that count towards a record's weight.
pub(crate) const TEXT_CAP: u32 = 200;
/// Weight factor of a record whose text is one text node.
pub(crate) const SINGLE_TEXT_WEIGHT: f32 = 0.4;
/// Above this median number of distinct link targets a group is a link list.
pub(crate) const MAX_TARGETS_PER_CARD: usize = 6;
/// Score factor for link lists.
pub(crate) const LINK_LIST_PENALTY: f32 = 0.25;
/// Share of ad links one URL shape must cover before odd links are dropped.
pub(crate) const DOMINANT_SHAPE_SHARE: f32 = 0.6;
/// How many of the best-scoring merged groups get the (costlier) link analysis.
const LINK_ANALYSED_GROUPS: usize = 8;
/// How many sibling groups are considered for merging, best first.
const MERGED_GROUPS: usize = 64;

/// The records found, with their ad links, and the confidence.
#[derive(Debug)]
pub(crate) struct DetectedRecords {
    /// In document order.
    pub(crate) records: Vec<DetectedRecord>,
    pub(crate) confidence: f32,
}

#[derive(Debug)]
pub(crate) struct DetectedRecord {
    /// Index in the outline.
    pub(crate) index: usize,
    /// The link to the ad's own page.
    pub(crate) link: Option<Url>,
    /// Every link in the record, resolved, without repeats, in order.
    pub(crate) hrefs: Vec<Url>,
}

/// Finds the page's data records, or `None` when nothing repeats.
pub(crate) fn find_records(
    outline: &Outline<'_>,
    links: &ResolvedLinks,
) -> Option<DetectedRecords> {
    let mut groups = sibling_groups(outline);
    if groups.is_empty() {
        return None;
    }
    groups.sort_by(|first, second| second.score.total_cmp(&first.score));
    groups.truncate(MERGED_GROUPS);
    let mut clusters = merge_groups(outline, groups);
    clusters.sort_by(|first, second| second.score.total_cmp(&first.score));
    clusters.truncate(LINK_ANALYSED_GROUPS);
    for cluster in &mut clusters {
        cluster.analyse_links(outline, links);
    }
    clusters.sort_by(|first, second| second.score.total_cmp(&first.score));
    if clusters.is_empty() {
        return None;
    }
    let best_index = finest_level(outline, &clusters);
    let runner_up_score = clusters
        .iter()
        .enumerate()
        .filter(|&(index, cluster)| {
            index != best_index
                && nested_share(outline, cluster, &clusters[best_index]) < 0.5
                && nested_share(outline, &clusters[best_index], cluster) < 0.5
        })
        .map(|(_, cluster)| cluster.score)
        .fold(0.0f32, f32::max);
    let mut best = clusters.swap_remove(best_index);
    if best.score <= 0.0 {
        return None;
    }
    let margin = (1.0 - runner_up_score / best.score).clamp(0.0, 1.0);

    complete(outline, &mut best);
    best.analyse_links(outline, links);
    let consistency = best.link_consistency;
    let mut records: Vec<DetectedRecord> = Vec::with_capacity(best.records.len());
    let drop_odd_links = best.records.len() >= 4 && consistency >= DOMINANT_SHAPE_SHARE;
    for (record, link) in best.records.iter().zip(&best.links) {
        if drop_odd_links && link.shape.as_ref() != best.dominant_shape.as_ref() {
            continue;
        }
        records.push(DetectedRecord {
            index: record.index,
            link: link.url.clone(),
            hrefs: links.inside(outline, record.index),
        });
    }
    let structure = best
        .records
        .iter()
        .map(|record| record.similarity)
        .sum::<f32>()
        / best.records.len().max(1) as f32;
    let count = ((records.len() as f32 - 1.0) / 4.0).clamp(0.0, 1.0);
    let confidence = 0.3 * structure + 0.3 * consistency + 0.2 * count + 0.2 * margin;
    Some(DetectedRecords {
        records,
        confidence,
    })
}

/// The cluster to use, starting from the best-scoring one: as long as
/// another cluster lies inside its records (≥ 80 % of its records do), has
/// at least 1.5 times as many records and half its score, that finer one is
/// taken. Day sections holding cards, or grid rows holding tiles, outweigh
/// their cards on text; the cards are the ads. Tag links inside cards do
/// not qualify: they weigh far less than half.
fn finest_level(outline: &Outline<'_>, clusters: &[Cluster]) -> usize {
    let mut chosen = 0;
    for _ in 0..clusters.len() {
        let outer = &clusters[chosen];
        let finer = clusters
            .iter()
            .enumerate()
            .filter(|&(index, inner)| {
                index != chosen
                    && inner.records.len() * 2 >= outer.records.len() * 3
                    && inner.score * 2.0 >= outer.score
                    && nested_share(outline, inner, outer) >= 0.8
            })
            .max_by(|first, second| first.1.score.total_cmp(&second.1.score));
        match finer {
            Some((index, _)) => chosen = index,
            None => break,
        }
    }
    chosen
}

/// The share of `inner`'s records that lie inside one of `outer`'s records.
fn nested_share(outline: &Outline<'_>, inner: &Cluster, outer: &Cluster) -> f32 {
    if inner.records.is_empty() {
        return 0.0;
    }
    let inside = inner
        .records
        .iter()
        .filter(|record| {
            let position = outer
                .records
                .partition_point(|outer_record| outer_record.index <= record.index);
            position > 0
                && outer.records[position - 1].index != record.index
                && outline.contains(outer.records[position - 1].index, record.index)
        })
        .count();
    inside as f32 / inner.records.len() as f32
}

/// One candidate record.
#[derive(Debug, Clone)]
struct Record {
    index: usize,
    /// Jaccard similarity to its group's consensus.
    similarity: f32,
    weight: f32,
}

/// Similar siblings under one parent.
#[derive(Debug)]
struct SiblingGroup {
    parent: usize,
    tag: u64,
    /// Median visible characters per record.
    median_text: u32,
    consensus: Vec<u64>,
    records: Vec<Record>,
    score: f32,
}

/// A record type: one or more sibling groups, merged.
#[derive(Debug)]
struct Cluster {
    parents: Vec<usize>,
    tag: u64,
    /// Median visible characters per record of the cluster's first group.
    median_text: u32,
    consensus: Vec<u64>,
    /// In document order once complete.
    records: Vec<Record>,
    /// Score from structure and text alone.
    base_score: f32,
    score: f32,
    /// Parallel to `records` after `analyse_links`.
    links: Vec<RecordLink>,
    dominant_shape: Option<u64>,
    link_consistency: f32,
}

#[derive(Debug, Clone, Default)]
struct RecordLink {
    url: Option<Url>,
    shape: Option<u64>,
}

fn sibling_groups(outline: &Outline<'_>) -> Vec<SiblingGroup> {
    let mut groups = Vec::new();
    // Children grouped by tag, in order of first appearance; the map keeps
    // a page of thousands of distinct custom tags linear.
    let mut by_tag: Vec<(u64, Vec<usize>)> = Vec::new();
    let mut tag_positions: HashMap<u64, usize> = HashMap::new();
    for parent in 0..outline.nodes.len() {
        let parent_node = &outline.nodes[parent];
        if parent_node.furniture || parent_node.links < 2 || parent_node.elements < 3 {
            continue;
        }
        by_tag.clear();
        tag_positions.clear();
        for child in outline.children(parent) {
            let node = &outline.nodes[child];
            if node.furniture
                || node.links == 0
                || node.elements < 2
                || node.text_chars < MIN_RECORD_TEXT
                || !can_be_record(node.element.value().name())
            {
                continue;
            }
            match tag_positions.get(&node.tag) {
                Some(&position) => by_tag[position].1.push(child),
                None => {
                    tag_positions.insert(node.tag, by_tag.len());
                    by_tag.push((node.tag, vec![child]));
                }
            }
        }
        for (tag, members) in &by_tag {
            if members.len() >= 2 {
                if let Some(group) = sibling_group(outline, parent, *tag, members) {
                    groups.push(group);
                }
            }
        }
    }
    groups
}

fn sibling_group(
    outline: &Outline<'_>,
    parent: usize,
    tag: u64,
    members: &[usize],
) -> Option<SiblingGroup> {
    let features: Vec<Vec<u64>> = members
        .iter()
        .map(|&member| outline.path_features(member, FEATURE_DEPTH))
        .collect();
    let weights: Vec<f32> = members
        .iter()
        .map(|&member| record_weight(outline, member).max(f32::EPSILON))
        .collect();
    let consensus = consensus(&features, &weights);
    let mut records = Vec::with_capacity(members.len());
    for (&member, member_features) in members.iter().zip(&features) {
        let similarity = record_similarity(member_features, &consensus);

        if similarity >= MIN_SIMILARITY {
            records.push(Record {
                index: member,
                similarity,
                weight: record_weight(outline, member),
            });
        }
    }
    if records.len() < 2 {
        return None;
    }
    let score = base_score(&records);
    let mut text_lengths: Vec<u32> = records
        .iter()
        .map(|record| outline.nodes[record.index].text_chars)
        .collect();
    text_lengths.sort_unstable();
    Some(SiblingGroup {
        parent,
        tag,
        median_text: text_lengths[text_lengths.len() / 2],
        consensus,
        records,
        score,
    })
}

/// Whether an element of this tag can hold a whole ad card. Paragraphs,
/// headings and inline text elements hold prose or parts of a card; three
/// paragraphs with a link each are an "about" page, not three ads.
fn can_be_record(tag_name: &str) -> bool {
    !matches!(
        tag_name,
        "p" | "span"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "strong"
            | "b"
            | "em"
            | "i"
            | "u"
            | "small"
            | "label"
            | "option"
            | "button"
            | "img"
            | "br"
            | "font"
            | "code"
            | "pre"
    )
}

/// Features held by members carrying more than half of the group's
/// weight (its text, see [`record_weight`]): with as many sticky one-link
/// items as threads on a board's last page, the threads, which carry the
/// text, set the structure. With equal weights this is a strict majority
/// of the members (both of two).
fn consensus(features: &[Vec<u64>], weights: &[f32]) -> Vec<u64> {
    let total: f32 = weights.iter().sum();
    let mut all: Vec<(u64, f32)> = features
        .iter()
        .zip(weights)
        .flat_map(|(member, &weight)| member.iter().map(move |&feature| (feature, weight)))
        .collect();
    all.sort_unstable_by_key(|&(feature, _)| feature);
    let mut consensus = Vec::new();
    let mut index = 0;
    while index < all.len() {
        let value = all[index].0;
        let run = all[index..]
            .iter()
            .take_while(|(other, _)| *other == value)
            .count();
        let weight: f32 = all[index..index + run]
            .iter()
            .map(|(_, weight)| weight)
            .sum();
        if weight * 2.0 > total {
            consensus.push(value);
        }
        index += run;
    }
    consensus
}

/// How well a record's structure fits its group's consensus: their
/// Jaccard similarity, or, for a record whose structure lies almost wholly
/// inside the consensus and covers a good part of it, at least
/// [`MIN_SIMILARITY`] — a card without the price table or phone the
/// others carry is still a card, while a "see all" item (one link) covers
/// too little of a card.
fn record_similarity(features: &[u64], consensus: &[u64]) -> f32 {
    let similarity = jaccard(features, consensus);
    if similarity >= MIN_SIMILARITY || features.is_empty() || consensus.is_empty() {
        return similarity;
    }
    let shared = crate::records::outline::intersection_size(features, consensus) as f32;
    let inside = shared / features.len() as f32;
    let coverage = shared / consensus.len() as f32;
    if inside >= MIN_INSIDE && coverage >= MIN_COVERAGE {
        coverage.max(MIN_SIMILARITY)
    } else {
        similarity
    }
}

/// Share of a slimmer record's structure that must lie in the consensus.
const MIN_INSIDE: f32 = 0.9;
/// Share of the consensus a slimmer record must cover.
const MIN_COVERAGE: f32 = 0.35;

fn record_weight(outline: &Outline<'_>, index: usize) -> f32 {
    let node = &outline.nodes[index];
    let text = node.text_chars.min(TEXT_CAP) as f32 / TEXT_CAP as f32;
    if node.text_nodes >= 2 {
        text
    } else {
        text * SINGLE_TEXT_WEIGHT
    }
}

fn base_score(records: &[Record]) -> f32 {
    let weights: f32 = records.iter().map(|record| record.weight).sum();
    let similarity: f32 =
        records.iter().map(|record| record.similarity).sum::<f32>() / records.len() as f32;
    weights * similarity
}

/// Merges groups of one record type found under different parents. Groups
/// arrive best first; each joins the first cluster it fits.
fn merge_groups(outline: &Outline<'_>, groups: Vec<SiblingGroup>) -> Vec<Cluster> {
    let mut clusters: Vec<Cluster> = Vec::new();
    for group in groups {
        let fitting = clusters.iter_mut().find(|cluster| {
            cluster.tag == group.tag
                && jaccard(&cluster.consensus, &group.consensus) >= MIN_SIMILARITY
                && similar_text_volume(cluster.median_text, group.median_text)
                && cluster.parents.iter().all(|&parent| {
                    !outline.contains(parent, group.parent)
                        && !outline.contains(group.parent, parent)
                })
        });
        match fitting {
            Some(cluster) => {
                cluster.parents.push(group.parent);
                // The first (best) group's median stands for the cluster.
                cluster.records.extend(group.records);
                cluster.base_score += group.score;
                cluster.score = cluster.base_score;
            }
            None => clusters.push(Cluster {
                parents: vec![group.parent],
                tag: group.tag,
                median_text: group.median_text,
                consensus: group.consensus,
                records: group.records,
                base_score: group.score,
                score: group.score,
                links: Vec::new(),
                dominant_shape: None,
                link_consistency: 0.0,
            }),
        }
    }
    for cluster in &mut clusters {
        cluster.records.sort_by_key(|record| record.index);
    }
    clusters
}

/// Whether two record types carry comparable amounts of text (within a
/// factor of three): a category menu and the ads below it share the
/// `li > a` structure but not the volume.
fn similar_text_volume(first: u32, second: u32) -> bool {
    let (smaller, larger) = (first.min(second), first.max(second));
    larger <= smaller.saturating_mul(3)
}

/// Adds elements elsewhere on the page that look like the cluster's records.
fn complete(outline: &Outline<'_>, cluster: &mut Cluster) {
    let mut element_counts: Vec<u32> = cluster
        .records
        .iter()
        .map(|record| outline.nodes[record.index].elements)
        .collect();
    element_counts.sort_unstable();
    let median_elements = element_counts[element_counts.len() / 2];
    let mut added = Vec::new();
    let mut candidate = 0;
    while candidate < outline.nodes.len() {
        let node = &outline.nodes[candidate];
        let eligible = node.tag == cluster.tag
            && !node.furniture
            && can_be_record(node.element.value().name())
            && node.links > 0
            && node.elements >= 2
            && node.text_chars >= MIN_RECORD_TEXT
            && node.elements * 3 >= median_elements
            && node.elements <= median_elements.saturating_mul(3)
            && similar_text_volume(node.text_chars, cluster.median_text);
        if !eligible {
            candidate += 1;
            continue;
        }
        let position = cluster
            .records
            .partition_point(|record| record.index < candidate);
        let is_record = cluster
            .records
            .get(position)
            .is_some_and(|record| record.index == candidate);
        let inside_record =
            position > 0 && outline.contains(cluster.records[position - 1].index, candidate);
        let holds_record = cluster
            .records
            .get(position)
            .is_some_and(|record| outline.contains(candidate, record.index));
        if is_record {
            candidate = node.subtree_end;
            continue;
        }
        if inside_record {
            // Records do not nest: skip the rest of the enclosing record.
            candidate = outline.nodes[cluster.records[position - 1].index].subtree_end;
            continue;
        }
        if holds_record {
            candidate += 1;
            continue;
        }
        let features = outline.path_features(candidate, FEATURE_DEPTH);
        let similarity = record_similarity(&features, &cluster.consensus);
        if similarity >= MIN_SIMILARITY {
            added.push(Record {
                index: candidate,
                similarity,
                weight: record_weight(outline, candidate),
            });
            candidate = node.subtree_end;
        } else {
            candidate += 1;
        }
    }
    if !added.is_empty() {
        cluster.records.extend(added);
        cluster.records.sort_by_key(|record| record.index);
    }
}

impl Cluster {
    /// Finds each record's ad link and the cluster's link consistency, and
    /// folds both into the score.
    fn analyse_links(&mut self, outline: &Outline<'_>, links: &ResolvedLinks) {
        let targets: Vec<Vec<(&Url, u32)>> = self
            .records
            .iter()
            .map(|record| record_targets(outline, links, record.index))
            .collect();
        let shapes: Vec<Vec<u64>> = shape_targets(&targets);
        // An ad link is the ad's own: a URL in many records (a "watch",
        // "contact" or same-page link) is one only when nothing else is. A
        // promoted copy of an ad puts its link in two records, so the bar is
        // above two.
        let mut url_counts: HashMap<&str, usize> = HashMap::new();
        for record_targets in &targets {
            for (url, _) in record_targets {
                *url_counts.entry(url.as_str()).or_insert(0) += 1;
            }
        }
        let shared_above = (self.records.len() / 4).max(2);
        let mut shape_counts: HashMap<u64, usize> = HashMap::new();
        for record_shapes in &shapes {
            let mut seen: Vec<u64> = Vec::new();
            for &shape in record_shapes {
                if !seen.contains(&shape) {
                    seen.push(shape);
                    *shape_counts.entry(shape).or_insert(0) += 1;
                }
            }
        }
        self.links = targets
            .iter()
            .zip(&shapes)
            .map(|(record_targets, record_shapes)| {
                record_targets
                    .iter()
                    .zip(record_shapes)
                    .enumerate()
                    .max_by_key(|(order, ((url, text_chars), shape))| {
                        (
                            url_counts.get(url.as_str()).copied().unwrap_or(0) <= shared_above,
                            shape_counts.get(shape).copied().unwrap_or(0),
                            *text_chars,
                            std::cmp::Reverse(*order),
                        )
                    })
                    .map(|(_, ((url, _), shape))| RecordLink {
                        url: Some((*url).clone()),
                        shape: Some(*shape),
                    })
                    .unwrap_or_default()
            })
            .collect();
        let mut primary_counts: HashMap<u64, usize> = HashMap::new();
        for link in &self.links {
            if let Some(shape) = link.shape {
                *primary_counts.entry(shape).or_insert(0) += 1;
            }
        }
        let dominant = primary_counts
            .iter()
            .max_by_key(|(shape, count)| (**count, std::cmp::Reverse(**shape)))
            .map(|(shape, count)| (*shape, *count));
        self.link_consistency = dominant.as_ref().map_or(0.0, |(_, count)| {
            *count as f32 / self.records.len().max(1) as f32
        });
        self.dominant_shape = dominant.map(|(shape, _)| shape);

        let mut distinct_targets: Vec<usize> = targets.iter().map(Vec::len).collect();
        distinct_targets.sort_unstable();
        let median_targets = distinct_targets
            .get(distinct_targets.len() / 2)
            .copied()
            .unwrap_or(0);
        let link_list_factor = if median_targets > MAX_TARGETS_PER_CARD {
            LINK_LIST_PENALTY
        } else {
            1.0
        };
        self.score = self.base_score * (0.5 + 0.5 * self.link_consistency) * link_list_factor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::outline::intersection_size;

    #[test]
    fn consensus_is_the_majority_and_jaccard_is_symmetric() {
        let features = vec![vec![1, 2, 3], vec![1, 2, 4], vec![1, 5, 6]];
        assert_eq!(consensus(&features, &[1.0, 1.0, 1.0]), vec![1, 2]);
        assert_eq!(consensus(&[vec![1, 2], vec![2, 3]], &[1.0, 1.0]), vec![2]);
        // The heavier members decide.
        assert_eq!(consensus(&features, &[1.0, 0.2, 3.0]), vec![1, 5, 6]);
        assert_eq!(jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard(&[2, 3, 4], &[1, 2, 3]), 0.5);
        assert_eq!(intersection_size(&[1, 2, 3], &[3]), 1);
        assert_eq!(jaccard(&[], &[]), 1.0);
        // A slim card inside the consensus fits; one link does not.
        let consensus: Vec<u64> = (1..=10).collect();
        assert_eq!(record_similarity(&[1, 2, 3, 4], &consensus), MIN_SIMILARITY);
        assert!(record_similarity(&[1, 2], &consensus) < MIN_SIMILARITY);
        assert!(record_similarity(&[1, 2, 3, 4, 11, 12], &consensus) < MIN_SIMILARITY);
    }
}
