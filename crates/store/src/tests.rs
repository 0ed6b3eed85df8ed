//! Unit tests of the store: schema versions, blobs, records and key order.

use super::*;
use cartograph_extract::{ExtractionMethod, PageIndicators, SiteIndicators};
use chrono::{TimeZone, Utc};

fn time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

fn capture(run_id: RunId, body: &[u8]) -> NewCapture {
    NewCapture {
        run_id,
        site_id: "site-a".to_owned(),
        kind: CaptureKind::Page,
        url: "http://a.test/list/".to_owned(),
        request: RequestRecord {
            method: "GET".to_owned(),
            url: "http://a.test/list/".to_owned(),
            http_version: "HTTP/1.1".to_owned(),
            headers: vec![("user-agent".to_owned(), "cartograph/0.1.0".to_owned())],
        },
        response: Some(NewResponse {
            status: 200,
            reason: None,
            version: "HTTP/1.1".to_owned(),
            headers: vec![("Content-Type".to_owned(), "text/html".to_owned())],
            body: body.to_vec(),
            truncated: false,
            remote_ip: Some("127.0.0.1".to_owned()),
        }),
        error: None,
        fetched_at: time(),
        duration_ms: 3,
        tool_version: "0.1.0".to_owned(),
        politeness: PolitenessRecord {
            robots: "allowed: no matching rule".to_owned(),
            interval_ms: 5000,
            waited_ms: 0,
            retry_after_ms: None,
            retries: 0,
        },
        outcome: "fetched".to_owned(),
        case_label: None,
        revisit_of: None,
        redirected_from: None,
    }
}

#[test]
fn capture_round_trips_and_bodies_are_stored_once() {
    let directory = tempfile::tempdir().unwrap();
    let store = Store::open(directory.path()).unwrap();
    let run = store
        .begin_run(
            RunTrigger::Manual,
            "abc",
            None,
            ["site-a".to_owned()],
            time(),
        )
        .unwrap();
    let first = store
        .put_capture(capture(run.id, b"<html>same</html>"))
        .unwrap();
    let second = store
        .put_capture(capture(run.id, b"<html>same</html>"))
        .unwrap();
    assert!(second.id > first.id);
    let body = first.response.as_ref().unwrap().body.clone().unwrap();
    assert_eq!(
        body,
        second.response.as_ref().unwrap().body.clone().unwrap()
    );
    assert_eq!(store.read_body(&body).unwrap(), b"<html>same</html>");
    assert_eq!(body.sha256, sha256_hex(b"<html>same</html>"));
    let blob_files = walk_files(&directory.path().join("blobs"));
    assert_eq!(blob_files.len(), 1, "{blob_files:?}");
    assert_eq!(store.capture(first.id).unwrap().unwrap(), first);
    assert_eq!(store.captures().count(), 2);
    assert_eq!(
        store
            .last_capture_for_url("http://a.test/list/")
            .unwrap()
            .unwrap()
            .id,
        second.id
    );
    assert!(store
        .last_capture_for_url("http://a.test/other/")
        .unwrap()
        .is_none());
}

#[test]
fn reopening_keeps_records_and_another_schema_is_refused() {
    let directory = tempfile::tempdir().unwrap();
    {
        let store = Store::open(directory.path()).unwrap();
        store
            .begin_run(RunTrigger::Manual, "abc", Some("case 1"), [], time())
            .unwrap();
        store.flush().unwrap();
    }
    {
        let store = Store::open(directory.path()).unwrap();
        let runs = store.runs().unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].case_label.as_deref(), Some("case 1"));
        // Pretend a future cartograph wrote this store.
        let meta = store.db.open_tree("meta").unwrap();
        meta.insert(SCHEMA_KEY, &(SCHEMA_VERSION + 1).to_be_bytes())
            .unwrap();
        store.flush().unwrap();
    }
    let error = Store::open(directory.path()).unwrap_err();
    assert!(
        matches!(error, StoreError::SchemaVersion { found, expected, .. }
        if found == SCHEMA_VERSION + 1 && expected == SCHEMA_VERSION)
    );
    assert!(error.to_string().contains("schema version"), "{error}");
}

#[test]
fn latest_site_indicators_picks_each_sites_newest_run() {
    let directory = tempfile::tempdir().unwrap();
    let store = Store::open(directory.path()).unwrap();
    let row = |site: &str, run_id: RunId, ads: usize| SiteIndicatorsRecord {
        run_id,
        site_id: site.to_owned(),
        capture_ids: vec![1, 2],
        extractor_version: "0.1.0".to_owned(),
        pages_fetched: 2,
        indicators: SiteIndicators {
            pages_parsed: 2,
            ads_seen: ads,
            ad_cards: ads,
        },
    };
    // Run 300 > 2 numerically but not as a string: keys must sort by number.
    for record in [
        row("b", 2, 20),
        row("a", 300, 3),
        row("a", 2, 1),
        row("b", 1, 10),
    ] {
        store.put_site_indicators(&record).unwrap();
    }
    let latest = store.latest_site_indicators().unwrap();
    let summary: Vec<(String, RunId, usize)> = latest
        .iter()
        .map(|row| (row.site_id.clone(), row.run_id, row.indicators.ads_seen))
        .collect();
    assert_eq!(
        summary,
        vec![("a".to_owned(), 300, 3), ("b".to_owned(), 2, 20)]
    );
    assert_eq!(store.site_history("a").unwrap().len(), 2);
}

#[test]
fn page_indicators_are_kept_per_run() {
    let directory = tempfile::tempdir().unwrap();
    let store = Store::open(directory.path()).unwrap();
    let page = |run_id: RunId, capture_id: CaptureId| PageIndicatorsRecord {
        run_id,
        site_id: "a".to_owned(),
        capture_id,
        url: "http://a.test/".to_owned(),
        extractor_version: "0.1.0".to_owned(),
        indicators: PageIndicators {
            method: ExtractionMethod::Profile,
            confidence: 1.0,
            ad_cards: 0,
            ad_keys: Vec::new(),
            has_next_page: false,
        },
    };
    for (run_id, capture_id) in [(1, 5), (2, 6), (1, 7)] {
        store
            .put_page_indicators(&page(run_id, capture_id))
            .unwrap();
    }
    let run_one: Vec<CaptureId> = store
        .page_indicators(1)
        .unwrap()
        .iter()
        .map(|record| record.capture_id)
        .collect();
    assert_eq!(run_one, vec![5, 7]);
}

fn walk_files(directory: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk_files(&path));
        } else {
            files.push(path);
        }
    }
    files
}
