//! A site's walk as the crawler holds it between pages: the frontier still
//! to fetch (in discovery order), every URL seen, the query variants per
//! path, and the site's progress, loaded from the store when a run resumes
//! and handed back to it as one [`FrontierUpdate`] per page done.
//!
//! Scope and trap rules live here because they decide what is queued: a
//! URL the scope guard refuses is counted (once) as an out-of-scope link,
//! never queued; a path past `max_query_variants` distinct queries is
//! counted as `not-fetched-query-variants`.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use cartograph_config::SiteSpec;
use cartograph_extract::AdKey;
use cartograph_fetch::ScopeGuard;
use cartograph_store::{
    FrontierEntry, FrontierSnapshot, FrontierState, FrontierUpdate, RunId, SeenKind, SiteProgress,
    SiteRunRecord,
};
use url::Url;

/// What the walk of one site has seen so far.
pub(crate) struct Walk {
    /// Entries not done yet, in discovery order.
    pending: VecDeque<FrontierEntry>,
    seen: HashMap<String, SeenKind>,
    /// Distinct queries seen per URL without its query.
    query_variants: HashMap<String, HashSet<String>>,
    pub(crate) progress: SiteProgress,
    /// Whether the frontier was ever written (the site was started).
    pub(crate) started: bool,
    changed_entries: Vec<FrontierEntry>,
    changed_seen: Vec<(String, SeenKind)>,
}

impl Walk {
    /// The walk as stored for a site of a run (empty when never started).
    pub(crate) fn from_snapshot(snapshot: FrontierSnapshot) -> Walk {
        let mut query_variants: HashMap<String, HashSet<String>> = HashMap::new();
        for (url, kind) in &snapshot.seen {
            if *kind != SeenKind::InScope {
                continue;
            }
            if let Ok(url) = Url::parse(url) {
                if let Some(query) = url.query() {
                    let mut without_query = url.clone();
                    without_query.set_query(None);
                    query_variants
                        .entry(without_query.to_string())
                        .or_default()
                        .insert(query.to_owned());
                }
            }
        }
        let started = snapshot.progress.is_some();
        Walk {
            pending: snapshot
                .entries
                .into_iter()
                .filter(|entry| entry.state != FrontierState::Done)
                .collect(),
            seen: snapshot.seen.into_iter().collect(),
            query_variants,
            progress: snapshot.progress.unwrap_or_else(|| SiteProgress {
                record: SiteRunRecord::pending(),
                requests: 0,
                faults: Vec::new(),
                last_failure: None,
                next_seq: 0,
            }),
            started,
            changed_entries: Vec::new(),
            changed_seen: Vec::new(),
        }
    }

    /// The next entry to fetch, if any.
    pub(crate) fn next(&self) -> Option<FrontierEntry> {
        self.pending.front().cloned()
    }

    /// Entries still waiting.
    pub(crate) fn pending_count(&self) -> u64 {
        self.pending.len() as u64
    }

    /// Marks the front entry done (its parent's ads are no longer needed).
    pub(crate) fn done(&mut self) {
        if let Some(mut entry) = self.pending.pop_front() {
            entry.state = FrontierState::Done;
            entry.parent_ads = None;
            self.changed_entries.push(entry);
        }
    }

    /// Records `url` as seen; false if it was seen before.
    pub(crate) fn mark_seen(&mut self, url: &str, kind: SeenKind) -> bool {
        if self.seen.contains_key(url) {
            return false;
        }
        self.seen.insert(url.to_owned(), kind);
        self.changed_seen.push((url.to_owned(), kind));
        true
    }

    pub(crate) fn count(&mut self, label: &str) {
        *self
            .progress
            .record
            .outcomes
            .entry(label.to_owned())
            .or_default() += 1;
    }

    /// Notes a fault in words, each once.
    pub(crate) fn fault(&mut self, fault: String) {
        if !self.progress.faults.contains(&fault) {
            self.progress.faults.push(fault);
        }
    }

    /// Queues `url` if the scope guard allows it for `site`, it was not
    /// seen before and its path has query variants left; counts it
    /// otherwise.
    pub(crate) fn enqueue(
        &mut self,
        scope: &ScopeGuard,
        site: &SiteSpec,
        max_query_variants: u32,
        url: &Url,
        parent_ads: Option<BTreeSet<AdKey>>,
    ) {
        match scope.check(&site.id, url) {
            Ok(allowed) => {
                if !self.mark_seen(allowed.url().as_str(), SeenKind::InScope) {
                    return;
                }
                if let Some(query) = allowed.url().query() {
                    let mut without_query = allowed.url().clone();
                    without_query.set_query(None);
                    let variants = self
                        .query_variants
                        .entry(without_query.to_string())
                        .or_default();
                    variants.insert(query.to_owned());
                    if variants.len() > max_query_variants as usize {
                        self.count("not-fetched-query-variants");
                        return;
                    }
                }
                let entry = FrontierEntry {
                    seq: self.progress.next_seq,
                    url: allowed.url().to_string(),
                    state: FrontierState::Queued,
                    parent_ads,
                };
                self.progress.next_seq += 1;
                self.pending.push_back(entry.clone());
                self.changed_entries.push(entry);
            }
            Err(_) => {
                if self.mark_seen(url.as_str(), SeenKind::OutOfScope) {
                    self.progress.record.out_of_scope_links += 1;
                }
            }
        }
    }

    /// What changed since the last update, with the progress as it is now.
    pub(crate) fn take_update(&mut self) -> FrontierUpdate {
        self.started = true;
        FrontierUpdate {
            entries: std::mem::take(&mut self.changed_entries),
            seen: std::mem::take(&mut self.changed_seen),
            progress: self.progress.clone(),
        }
    }
}

/// Commits `update` for `site_id` of `run_id` (on a blocking thread).
pub(crate) async fn commit(
    store: &std::sync::Arc<cartograph_store::Store>,
    run_id: RunId,
    site_id: &str,
    update: FrontierUpdate,
) -> Result<(), crate::CrawlError> {
    let store = store.clone();
    let site_id = site_id.to_owned();
    crate::blocking(move || store.commit_frontier(run_id, &site_id, &update)).await
}
