//! Where a candidate record links to, and the URL *shape* of those links.
//! An ad card links to the ad's own page, and the ads of one site share a
//! URL shape (`/wien/ad/*`) while menus, banners and "post an ad" tiles link
//! elsewhere; `generic.rs` uses the shapes to pick each record's ad link and
//! to measure how consistent a candidate group is.

use std::collections::HashMap;

use url::Url;

use crate::records::ad_key::is_id_parameter;
use crate::records::outline::Outline;
use crate::records::resolve;
use crate::records::stable_hash::{combine, stable_hash};

/// The distinct pages a record links to, with the text of their anchors;
/// links back to the page itself (`#`-suffixed buttons) lead nowhere new.
pub(crate) fn record_targets<'links>(
    outline: &Outline<'_>,
    links: &'links ResolvedLinks,
    index: usize,
) -> Vec<(&'links Url, u32)> {
    let mut targets: Vec<(&Url, u32)> = Vec::new();
    let mut positions: HashMap<&str, usize> = HashMap::new();
    for inner in index..outline.nodes[index].subtree_end {
        let node = &outline.nodes[inner];
        if !node.is_link {
            continue;
        }
        let Some(url) = links.get(inner).filter(|url| **url != links.page) else {
            continue;
        };
        match positions.get(url.as_str()) {
            Some(&position) => targets[position].1 += node.text_chars,
            None => {
                positions.insert(url.as_str(), targets.len());
                targets.push((url, node.text_chars));
            }
        }
    }
    targets
}

/// Every link of the page resolved once, by outline index: the analysis
/// of several candidate groups and the cards share them.
pub(crate) struct ResolvedLinks {
    /// Sorted by outline index.
    by_index: Vec<(usize, Url)>,
    /// The page (its base), normalised.
    page: Url,
}

impl ResolvedLinks {
    /// Every link of the page, without repeats, in page order.
    pub(crate) fn distinct_in_order(&self) -> Vec<Url> {
        let mut seen = std::collections::HashSet::new();
        self.by_index
            .iter()
            .filter(|(_, url)| seen.insert(url.as_str()))
            .map(|(_, url)| url.clone())
            .collect()
    }

    pub(crate) fn new(outline: &Outline<'_>, base: &Url) -> ResolvedLinks {
        let by_index = outline
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.is_link)
            .filter_map(|(index, node)| {
                let href = node.element.value().attr("href")?;
                Some((index, resolve(base, href)?))
            })
            .collect();
        ResolvedLinks {
            by_index,
            page: cartograph_config::normalise_url(base),
        }
    }

    pub(crate) fn get(&self, index: usize) -> Option<&Url> {
        self.by_index
            .binary_search_by_key(&index, |(known, _)| *known)
            .ok()
            .map(|position| &self.by_index[position].1)
    }

    /// Every link inside the subtree of `index`, without repeats, in order.
    pub(crate) fn inside(&self, outline: &Outline<'_>, index: usize) -> Vec<Url> {
        let end = outline.nodes[index].subtree_end;
        let start = self.by_index.partition_point(|(known, _)| *known < index);
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        self.by_index[start..]
            .iter()
            .take_while(|(known, _)| *known < end)
            .filter(|(_, url)| seen.insert(url.as_str()))
            .map(|(_, url)| url.clone())
            .collect()
    }
}

/// Gives every target a URL shape: host, segment count, and per segment
/// its literal when it is a plain word that a third or more of the links
/// share at that position, else `*`;
/// then the sorted names of its id-like query parameters (`show.php?id`;
/// tracking parameters such as `src` or `ref` are left out, so a promoted
/// copy's link keeps the shape). Ads of one site share a shape
/// (`/wien/ad/*`, `/girls/*`), whatever their ids and slugs look like.
pub(crate) fn shape_targets(targets: &[Vec<(&Url, u32)>]) -> Vec<Vec<u64>> {
    // Keys are hashes of (host, segment count, position[, segment]).
    let position_key = |url: &Url, segment_count: usize, position: usize| {
        combine(
            combine(stable_hash(host(url).as_bytes()), segment_count as u64),
            position as u64,
        )
    };
    let mut literal_counts: HashMap<u64, usize> = HashMap::new();
    let mut position_counts: HashMap<u64, usize> = HashMap::new();
    for record_targets in targets {
        for (url, _) in record_targets {
            let segments = path_segments(url);
            for (position, segment) in segments.iter().enumerate() {
                let at = position_key(url, segments.len(), position);
                *literal_counts
                    .entry(combine(at, stable_hash(segment.as_bytes())))
                    .or_insert(0) += 1;
                *position_counts.entry(at).or_insert(0) += 1;
            }
        }
    }
    // A literal is kept when it is a word shared by a third or more of the
    // links at its position: `wien`, `ad`. Ids and slugs are wildcards even
    // when a promoted copy repeats one.
    let keeps_literal = |at: u64, segment: &str| {
        let looks_like_id =
            segment.bytes().any(|byte| byte.is_ascii_digit()) || segment.contains(['-', '_', '.']);
        if looks_like_id {
            return false;
        }
        let count = literal_counts
            .get(&combine(at, stable_hash(segment.as_bytes())))
            .copied()
            .unwrap_or(0);
        let occurrences = position_counts.get(&at).copied().unwrap_or(0);
        count >= 2 && count * 3 >= occurrences
    };
    const WILDCARD: u64 = 0x2a;
    targets
        .iter()
        .map(|record_targets| {
            record_targets
                .iter()
                .map(|(url, _)| {
                    let segments = path_segments(url);
                    let mut shape =
                        combine(stable_hash(host(url).as_bytes()), segments.len() as u64);
                    for (position, segment) in segments.iter().enumerate() {
                        let at = position_key(url, segments.len(), position);
                        let part = if keeps_literal(at, segment) {
                            stable_hash(segment.as_bytes())
                        } else {
                            WILDCARD
                        };
                        shape = combine(shape, part);
                    }
                    let mut parameters: Vec<String> = url
                        .query_pairs()
                        .map(|(name, _)| name.to_ascii_lowercase())
                        .filter(|name| is_id_parameter(name))
                        .collect();
                    parameters.sort_unstable();
                    parameters.dedup();
                    for parameter in parameters {
                        shape = combine(shape, stable_hash(parameter.as_bytes()));
                    }
                    shape
                })
                .collect()
        })
        .collect()
}

fn path_segments(url: &Url) -> Vec<&str> {
    url.path_segments()
        .map(|segments| segments.filter(|segment| !segment.is_empty()).collect())
        .unwrap_or_default()
}

fn host(url: &Url) -> &str {
    url.host_str().unwrap_or("")
}
