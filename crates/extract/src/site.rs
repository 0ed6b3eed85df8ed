//! One site in one run: the page indicators of its listing pages reduced to
//! site indicators. Ads are de-duplicated by key before anything is counted,
//! because the same ad shows up on several pages (promoted blocks, reposts).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::page::{AdKey, PageIndicators};

/// Aggregate indicators of one site in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteIndicators {
    /// Listing pages whose indicators went into this row.
    pub pages_parsed: usize,
    /// Distinct ads seen across those pages.
    pub ads_seen: usize,
    /// Ad cards seen, repeats included; `ad_cards / ads_seen` shows how much
    /// a site repeats its ads.
    pub ad_cards: usize,
}

/// Reduces the page indicators of one site and run.
pub fn aggregate_site<'a>(pages: impl IntoIterator<Item = &'a PageIndicators>) -> SiteIndicators {
    let mut distinct: BTreeSet<&AdKey> = BTreeSet::new();
    let mut pages_parsed = 0;
    let mut ad_cards = 0;
    for page in pages {
        pages_parsed += 1;
        ad_cards += page.ad_cards;
        distinct.extend(page.ad_keys.iter());
    }
    SiteIndicators {
        pages_parsed,
        ads_seen: distinct.len(),
        ad_cards,
    }
}
