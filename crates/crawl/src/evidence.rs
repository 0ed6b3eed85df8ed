//! Turns the fetch layer's captures into the store's capture records.
//! The fetch crate does not know the store and the store does not know the
//! fetch crate; this is the one place where the two meet.

use cartograph_fetch::{Capture, CaptureKind};
use cartograph_store::{NewCapture, NewResponse, PolitenessRecord, RequestRecord, RunId};

/// The store record of `capture`, made in run `run_id`.
pub(crate) fn new_capture(
    run_id: RunId,
    case_label: Option<String>,
    capture: Capture,
) -> NewCapture {
    let (response, error) = match capture.response {
        Ok(response) => (
            Some(NewResponse {
                status: response.status,
                reason: response.reason,
                version: response.version,
                headers: response.headers,
                body: response.body,
                truncated: response.truncated,
                remote_ip: response.remote_addr.map(|address| address.ip().to_string()),
            }),
            None,
        ),
        Err(failure) => (None, Some(failure.to_string())),
    };
    NewCapture {
        run_id,
        site_id: capture.site_id,
        kind: match capture.kind {
            CaptureKind::Robots => cartograph_store::CaptureKind::Robots,
            CaptureKind::Page => cartograph_store::CaptureKind::Page,
        },
        url: capture.request.url.to_string(),
        request: RequestRecord {
            method: capture.request.method,
            url: capture.request.url.to_string(),
            http_version: capture.request.http_version,
            headers: capture.request.headers,
        },
        response,
        error,
        fetched_at: capture.started_at,
        duration_ms: millis(capture.duration),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        politeness: PolitenessRecord {
            robots: capture.politeness.robots,
            interval_ms: millis(capture.politeness.interval),
            waited_ms: millis(capture.politeness.waited),
            retry_after_ms: capture.politeness.retry_after.map(millis),
            retries: capture.politeness.retries,
        },
        outcome: capture.outcome.label(),
        case_label,
        revisit_of: None,
        redirected_from: None,
    }
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
