//! Which captures an export covers: by site, run, time range, URL prefix
//! and case label. The selection is recorded as written in the export's
//! custody entry, so the log says exactly what was handed over.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::records::{CaptureRecord, RunId};

/// A filter over captures; every field that is set must match. The empty
/// selection matches every capture.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureSelection {
    /// Whitelist entry ids; empty means every site.
    pub sites: Vec<String>,
    pub run: Option<RunId>,
    /// Captures fetched at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Captures fetched strictly before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Captures whose URL starts with this text.
    pub url_prefix: Option<String>,
    /// Captures made for this case.
    pub case_label: Option<String>,
}

impl CaptureSelection {
    /// Whether `capture` is selected.
    pub fn matches(&self, capture: &CaptureRecord) -> bool {
        (self.sites.is_empty() || self.sites.contains(&capture.site_id))
            && self.run.is_none_or(|run| run == capture.run_id)
            && self.since.is_none_or(|since| capture.fetched_at >= since)
            && self.until.is_none_or(|until| capture.fetched_at < until)
            && self
                .url_prefix
                .as_ref()
                .is_none_or(|prefix| capture.url.starts_with(prefix.as_str()))
            && self
                .case_label
                .as_ref()
                .is_none_or(|label| capture.case_label.as_deref() == Some(label.as_str()))
    }

    /// The selection in words, for the package's description.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.sites.is_empty() {
            parts.push(format!("sites {}", self.sites.join(", ")));
        }
        if let Some(run) = self.run {
            parts.push(format!("run {run}"));
        }
        if let Some(since) = self.since {
            parts.push(format!("fetched from {}", since.to_rfc3339()));
        }
        if let Some(until) = self.until {
            parts.push(format!("fetched before {}", until.to_rfc3339()));
        }
        if let Some(prefix) = &self.url_prefix {
            parts.push(format!("URLs starting {prefix}"));
        }
        if let Some(label) = &self.case_label {
            parts.push(format!("case {label}"));
        }
        if parts.is_empty() {
            "every capture in the store".to_owned()
        } else {
            parts.join("; ")
        }
    }
}
