//! What a run will crawl: which sites, from which start URLs. Plans are
//! made before anything is fetched, so a seed outside the whitelist is
//! refused (with the reason) without a single request.

use cartograph_config::Config;
use cartograph_fetch::ScopeGuard;
use cartograph_store::{RunRecord, RunTrigger};
use chrono::NaiveDate;
use url::Url;

/// A run to make.
#[derive(Debug, Clone, PartialEq)]
pub struct CrawlPlan {
    pub trigger: RunTrigger,
    /// The case the run is for, if an investigator named one.
    pub case_label: Option<String>,
    pub sites: Vec<SitePlan>,
    /// Whitelisted sites left out of a whole-whitelist run, with the
    /// reason (authorization expired); recorded in the run as skipped.
    pub skipped: Vec<Refusal>,
}

/// One site of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct SitePlan {
    pub site_id: String,
    /// Where to start: the site's configured seeds when empty.
    pub start: Vec<Url>,
}

/// A requested site or seed that will not be crawled, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What was asked for (a site id or URL, or a seeds-file line).
    pub requested: String,
    pub reason: String,
}

impl CrawlPlan {
    /// Whether `run` is this plan begun earlier (same trigger, case label
    /// and sites): an unfinished run that matches is resumed instead of a
    /// new run being begun.
    pub fn matches(&self, run: &RunRecord) -> bool {
        let planned: std::collections::BTreeSet<&str> = self
            .sites
            .iter()
            .map(|site| site.site_id.as_str())
            .chain(
                self.skipped
                    .iter()
                    .map(|refusal| refusal.requested.as_str()),
            )
            .collect();
        let recorded: std::collections::BTreeSet<&str> =
            run.sites.keys().map(String::as_str).collect();
        run.trigger == self.trigger && run.case_label == self.case_label && planned == recorded
    }

    /// Plans a run over `selected` site ids (all sites when empty). A site
    /// whose authorization has expired on `today` is refused when it was
    /// named, and skipped (recorded, not an error) when all were asked for.
    pub fn sites(
        config: &Config,
        selected: &[String],
        trigger: RunTrigger,
        case_label: Option<String>,
        today: NaiveDate,
    ) -> (CrawlPlan, Vec<Refusal>) {
        let mut refusals = Vec::new();
        let mut skipped = Vec::new();
        let mut sites = Vec::new();
        let wanted: Vec<&str> = if selected.is_empty() {
            config.sites.iter().map(|site| site.id.as_str()).collect()
        } else {
            selected.iter().map(String::as_str).collect()
        };
        for site_id in wanted {
            match authorized(config, site_id, today) {
                Ok(()) => push_site(&mut sites, site_id, None),
                Err(reason) => {
                    let refusal = Refusal {
                        requested: site_id.to_owned(),
                        reason,
                    };
                    if selected.is_empty() {
                        skipped.push(refusal);
                    } else {
                        refusals.push(refusal);
                    }
                }
            }
        }
        (
            CrawlPlan {
                trigger,
                case_label,
                sites,
                skipped,
            },
            refusals,
        )
    }

    /// Plans an on-demand recrawl from a seeds file: one site id or listing
    /// URL per line; blank lines and `#` comments are skipped. A URL goes to
    /// the first whitelisted site whose listing patterns allow it; a URL no
    /// site allows is refused and nothing is fetched for it.
    pub fn recrawl(
        config: &Config,
        seeds_file: &str,
        case_label: Option<String>,
        today: NaiveDate,
    ) -> (CrawlPlan, Vec<Refusal>) {
        let guard = ScopeGuard::new(config);
        let mut refusals = Vec::new();
        let mut sites: Vec<SitePlan> = Vec::new();
        for (line_index, line) in seeds_file.lines().enumerate() {
            let entry = line.trim();
            if entry.is_empty() || entry.starts_with('#') {
                continue;
            }
            let refuse = |reason: String| Refusal {
                requested: format!("line {}: {entry}", line_index + 1),
                reason,
            };
            if entry.contains("://") {
                let url = match Url::parse(entry) {
                    Ok(url) => url,
                    Err(error) => {
                        refusals.push(refuse(format!("not a valid url: {error}")));
                        continue;
                    }
                };
                match guard.site_for(&url) {
                    Ok(allowed) => match authorized(config, allowed.site_id(), today) {
                        Ok(()) => {
                            push_site(&mut sites, allowed.site_id(), Some(allowed.url().clone()))
                        }
                        Err(reason) => refusals.push(refuse(reason)),
                    },
                    Err(out_of_scope) => {
                        refusals.push(refuse(format!("out of scope: {out_of_scope}")))
                    }
                }
            } else {
                match authorized(config, entry, today) {
                    Ok(()) => push_site(&mut sites, entry, None),
                    Err(reason) => refusals.push(refuse(reason)),
                }
            }
        }
        (
            CrawlPlan {
                trigger: RunTrigger::Recrawl,
                case_label,
                sites,
                skipped: Vec::new(),
            },
            refusals,
        )
    }
}

/// Adds `site_id` (with a start URL, or its configured seeds when `None`)
/// to the plan, merging with an earlier entry of the same site.
fn push_site(sites: &mut Vec<SitePlan>, site_id: &str, start: Option<Url>) {
    let position = match sites.iter().position(|site| site.site_id == site_id) {
        Some(position) => position,
        None => {
            sites.push(SitePlan {
                site_id: site_id.to_owned(),
                start: Vec::new(),
            });
            sites.len() - 1
        }
    };
    if let Some(url) = start {
        if !sites[position].start.contains(&url) {
            sites[position].start.push(url);
        }
    }
}

fn authorized(config: &Config, site_id: &str, today: NaiveDate) -> Result<(), String> {
    let site = config
        .site(site_id)
        .ok_or_else(|| format!("no whitelisted site has id {site_id:?}"))?;
    if site.is_authorized_on(today) {
        Ok(())
    } else {
        let until = site
            .authorized_until
            .map(|date| date.to_string())
            .unwrap_or_default();
        Err(format!(
            "authorization of site {site_id:?} expired on {until}"
        ))
    }
}
