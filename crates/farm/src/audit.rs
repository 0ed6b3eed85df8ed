//! The politeness auditor: a log of every request the farm received (when it
//! arrived, when its response body was fully handed over or dropped, who
//! asked, for what) and a report that judges that log per host against what
//! a polite crawler must do: robots.txt first and obeyed, nothing outside the
//! listing patterns, one request at a time, the minimum interval kept, the
//! product token in the User-Agent.
//!
//! Times come from `tokio::time::Instant`, which is the real monotonic clock
//! except under a paused tokio test clock, where it is the same virtual clock
//! the crawler sleeps on, so the audit agrees with a crawler tested that way.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::wildcard::wildcard_matches;

/// One request the farm received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// Lower-cased, without port.
    pub host: String,
    pub method: String,
    pub path_and_query: String,
    pub user_agent: Option<String>,
    /// Since the farm was built, on arrival (before any routing).
    pub started: Duration,
    /// Since the farm was built, when the response body was fully handed to
    /// the connection or dropped; `None` while the response is in flight.
    pub finished: Option<Duration>,
    /// `0` until the handler has answered.
    pub status: u16,
}

/// What the crawler under audit was told to do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditExpectations {
    /// The crawler's robots.txt product token (`cartograph`), which must also
    /// appear in its User-Agent.
    pub user_agent_token: String,
    /// Per host, the listing patterns it was given; a host missing here has
    /// none, so every request to it but robots.txt is outside.
    pub listing_patterns: BTreeMap<String, Vec<String>>,
    /// Per host, the interval it was configured to keep between requests.
    pub min_interval: BTreeMap<String, Duration>,
}

/// The audit of every host that received at least one request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    pub hosts: BTreeMap<String, HostAudit>,
}

/// How a crawler treated one host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostAudit {
    pub requests: usize,
    /// Smallest (start of request n+1) − (finish of request n), zero when a
    /// request started before the previous one finished.
    pub min_gap: Option<Duration>,
    /// Smallest (start of request n+1) − (start of request n).
    pub min_start_gap: Option<Duration>,
    /// Requests that started while another request to this host was unfinished.
    pub overlapping: usize,
    /// Requests the farm's own robots.txt disallows for the token.
    pub robots_disallowed_hits: usize,
    /// Requests outside the expected listing patterns, robots.txt excepted.
    pub outside_listing: usize,
    pub user_agents: BTreeSet<String>,
    /// Whether the first request to the host was `/robots.txt`.
    pub robots_first: bool,
    /// Start-to-start gaps shorter than the host's minimum interval, less a
    /// tenth of it for timer and scheduling jitter (see [`interval_floor`]).
    pub gaps_below_interval: usize,
    /// Requests whose User-Agent lacks the expected token (or is missing).
    pub missing_token: usize,
}

/// The shortest start-to-start gap that still keeps `min_interval`: the
/// interval less a tenth, because the farm sees arrivals, which scheduling
/// and connection set-up can bunch up by a little compared with the sends.
pub fn interval_floor(min_interval: Duration) -> Duration {
    min_interval - min_interval / 10
}

impl AuditReport {
    /// Human-readable politeness violations; empty when the crawler was polite.
    pub fn violations(&self) -> Vec<String> {
        let mut violations = Vec::new();
        for (host, audit) in &self.hosts {
            if !audit.robots_first {
                violations.push(format!("{host}: first request was not /robots.txt"));
            }
            if audit.overlapping > 0 {
                violations.push(format!(
                    "{host}: {} request(s) started while another to the host was in flight",
                    audit.overlapping
                ));
            }
            if audit.robots_disallowed_hits > 0 {
                violations.push(format!(
                    "{host}: {} request(s) to paths robots.txt disallows",
                    audit.robots_disallowed_hits
                ));
            }
            if audit.outside_listing > 0 {
                violations.push(format!(
                    "{host}: {} request(s) outside the listing patterns",
                    audit.outside_listing
                ));
            }
            if audit.gaps_below_interval > 0 {
                violations.push(format!(
                    "{host}: {} gap(s) between request starts below the minimum interval \
                     (smallest {:?})",
                    audit.gaps_below_interval,
                    audit.min_start_gap.unwrap_or_default()
                ));
            }
            if audit.missing_token > 0 {
                violations.push(format!(
                    "{host}: {} request(s) without the product token in the user agent",
                    audit.missing_token
                ));
            }
        }
        violations
    }
}

/// The farm's request log: every request to a site host, recorded by the
/// server's outermost middleware. Any server module (the site farm, a
/// hostile-server module) records through [`AuditRecorder::begin`] and
/// [`AuditRecorder::finish`], so one audit covers all of them.
#[derive(Debug)]
pub(crate) struct AuditRecorder {
    started_at: tokio::time::Instant,
    records: Mutex<Vec<RequestRecord>>,
}

impl AuditRecorder {
    pub(crate) fn new() -> AuditRecorder {
        AuditRecorder {
            started_at: tokio::time::Instant::now(),
            records: Mutex::new(Vec::new()),
        }
    }

    /// Records an arrival; returns its position for [`AuditRecorder::finish`].
    pub(crate) fn begin(
        &self,
        host: String,
        method: String,
        path_and_query: String,
        user_agent: Option<String>,
    ) -> usize {
        let mut records = self.lock();
        // Read the clock under the lock, so arrival order and `started` agree.
        let started = self.started_at.elapsed();
        records.push(RequestRecord {
            host,
            method,
            path_and_query,
            user_agent,
            started,
            finished: None,
            status: 0,
        });
        records.len() - 1
    }

    pub(crate) fn set_status(&self, record_index: usize, status: u16) {
        if let Some(record) = self.lock().get_mut(record_index) {
            record.status = status;
        }
    }

    /// Marks a response as done; later calls for the same record change nothing.
    pub(crate) fn finish(&self, record_index: usize) {
        let mut records = self.lock();
        let finished = self.started_at.elapsed();
        if let Some(record) = records.get_mut(record_index) {
            record.finished.get_or_insert(finished);
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<RequestRecord> {
        self.lock().clone()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<RequestRecord>> {
        // A panic while holding the lock cannot leave a half-written record
        // (each update is one assignment), so a poisoned log is still valid.
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Judges `records` (in arrival order). `is_robots_file(host, path)` says
/// which requests are robots.txt (the file or where it redirects);
/// `robots_allows(host, path)` is the farm's own robots.txt verdict for the
/// expected token.
pub(crate) fn report(
    records: &[RequestRecord],
    expectations: &AuditExpectations,
    is_robots_file: impl Fn(&str, &str) -> bool,
    mut robots_allows: impl FnMut(&str, &str) -> bool,
) -> AuditReport {
    let mut records_by_host: BTreeMap<&str, Vec<&RequestRecord>> = BTreeMap::new();
    for record in records {
        records_by_host
            .entry(record.host.as_str())
            .or_default()
            .push(record);
    }
    let token = expectations.user_agent_token.to_ascii_lowercase();
    let no_patterns = Vec::new();
    let hosts = records_by_host
        .into_iter()
        .map(|(host, host_records)| {
            let patterns = expectations
                .listing_patterns
                .get(host)
                .unwrap_or(&no_patterns);
            let min_interval = expectations.min_interval.get(host).copied();
            let audit = audit_host(
                host,
                &host_records,
                patterns,
                min_interval,
                &token,
                &is_robots_file,
                &mut robots_allows,
            );
            (host.to_owned(), audit)
        })
        .collect();
    AuditReport { hosts }
}

fn audit_host(
    host: &str,
    records: &[&RequestRecord],
    listing_patterns: &[String],
    min_interval: Option<Duration>,
    lowercase_token: &str,
    is_robots_file: &impl Fn(&str, &str) -> bool,
    robots_allows: &mut impl FnMut(&str, &str) -> bool,
) -> HostAudit {
    let mut audit = HostAudit {
        requests: records.len(),
        robots_first: records
            .first()
            .is_some_and(|first| first.path_and_query == "/robots.txt"),
        ..HostAudit::default()
    };
    // The latest finish among earlier requests; `None` inside means one of
    // them never finished, which overlaps everything after it.
    let mut latest_finish: Option<Option<Duration>> = None;
    let mut previous: Option<&RequestRecord> = None;
    for record in records {
        let is_robots = is_robots_file(host, &record.path_and_query);
        match &record.user_agent {
            Some(user_agent) => {
                if !user_agent.to_ascii_lowercase().contains(lowercase_token) {
                    audit.missing_token += 1;
                }
                audit.user_agents.insert(user_agent.clone());
            }
            None => audit.missing_token += 1,
        }
        if !is_robots {
            if !robots_allows(host, &record.path_and_query) {
                audit.robots_disallowed_hits += 1;
            }
            let url = format!("http://{host}{}", record.path_and_query);
            if !listing_patterns
                .iter()
                .any(|pattern| wildcard_matches(pattern, &url))
            {
                audit.outside_listing += 1;
            }
        }
        if let Some(latest) = latest_finish {
            if latest.is_none_or(|finished| finished > record.started) {
                audit.overlapping += 1;
            }
        }
        if let Some(previous) = previous {
            let start_gap = record.started.saturating_sub(previous.started);
            let gap = previous.finished.map_or(Duration::ZERO, |finished| {
                record.started.saturating_sub(finished)
            });
            audit.min_start_gap = Some(
                audit
                    .min_start_gap
                    .map_or(start_gap, |gap| gap.min(start_gap)),
            );
            audit.min_gap = Some(audit.min_gap.map_or(gap, |smallest| smallest.min(gap)));
            if min_interval.is_some_and(|interval| start_gap < interval_floor(interval)) {
                audit.gaps_below_interval += 1;
            }
        }
        latest_finish = Some(match (latest_finish, record.finished) {
            (Some(None), _) | (_, None) => None,
            (None, Some(finished)) => Some(finished),
            (Some(Some(latest)), Some(finished)) => Some(latest.max(finished)),
        });
        previous = Some(record);
    }
    audit
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{report, AuditExpectations, RequestRecord};

    fn record(path: &str, started_ms: u64, finished_ms: Option<u64>) -> RequestRecord {
        RequestRecord {
            host: "h.farm.test".to_owned(),
            method: "GET".to_owned(),
            path_and_query: path.to_owned(),
            user_agent: Some("cartograph/0.1 (+mailto:x@example.org)".to_owned()),
            started: Duration::from_millis(started_ms),
            finished: finished_ms.map(Duration::from_millis),
            status: 200,
        }
    }

    fn expectations() -> AuditExpectations {
        AuditExpectations {
            user_agent_token: "Cartograph".to_owned(),
            listing_patterns: [(
                "h.farm.test".to_owned(),
                vec!["http://h.farm.test/l/*".to_owned()],
            )]
            .into_iter()
            .collect(),
            min_interval: [("h.farm.test".to_owned(), Duration::from_millis(100))]
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn polite_timeline_has_no_violations() {
        let records = vec![
            record("/robots.txt", 0, Some(5)),
            record("/l/", 100, Some(110)),
            record("/l/?page=2", 200, Some(210)),
        ];
        let audit_report = report(
            &records,
            &expectations(),
            |_, path| path == "/robots.txt",
            |_, _| true,
        );
        let host = &audit_report.hosts["h.farm.test"];
        assert_eq!(host.requests, 3);
        assert!(host.robots_first);
        assert_eq!(host.min_gap, Some(Duration::from_millis(90)));
        assert_eq!(host.min_start_gap, Some(Duration::from_millis(100)));
        assert_eq!(host.overlapping, 0);
        assert_eq!(audit_report.violations(), Vec::<String>::new());
    }

    #[test]
    fn impolite_timeline_is_reported() {
        let mut records = vec![
            record("/l/", 0, Some(50)),
            record("/l/private/", 10, Some(20)),
            record("/ad/1", 30, None),
            record("/robots.txt", 40, Some(45)),
        ];
        records[1].user_agent = Some("curl/8".to_owned());
        let audit_report = report(
            &records,
            &expectations(),
            |_, path| path == "/robots.txt",
            |_, path| !path.contains("private"),
        );
        let host = &audit_report.hosts["h.farm.test"];
        assert!(!host.robots_first);
        assert_eq!(host.overlapping, 3);
        assert_eq!(host.robots_disallowed_hits, 1);
        assert_eq!(host.outside_listing, 1);
        assert_eq!(host.gaps_below_interval, 3);
        assert_eq!(host.missing_token, 1);
        assert_eq!(host.min_gap, Some(Duration::ZERO));
        assert_eq!(host.user_agents.len(), 2);
        assert_eq!(audit_report.violations().len(), 6);
    }
}
