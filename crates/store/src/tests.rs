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
fn page_body_undoes_the_coding_and_follows_a_revisit() {
    use std::io::Write as _;
    let directory = tempfile::tempdir().unwrap();
    let store = Store::open(directory.path()).unwrap();
    let page = b"<html><body>listing</body></html>".repeat(100);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&page).unwrap();
    let mut gzipped = capture(1, &encoder.finish().unwrap());
    if let Some(response) = gzipped.response.as_mut() {
        response
            .headers
            .push(("Content-Encoding".to_owned(), "gzip".to_owned()));
    }
    let original = store.put_capture(gzipped).unwrap();
    let body = store.page_body(&original, 1 << 20).unwrap().unwrap();
    assert_eq!(body.bytes, page);
    assert_eq!(body.decode_error, None);
    assert!(body
        .headers
        .iter()
        .any(|(name, value)| name == "Content-Encoding" && value == "gzip"));
    // Capped as the crawler caps it.
    let capped = store.page_body(&original, 100).unwrap().unwrap();
    assert_eq!(capped.bytes.len(), 100);

    let mut not_modified = capture(2, b"");
    not_modified.outcome = "not-modified".to_owned();
    not_modified.revisit_of = Some(original.id);
    if let Some(response) = not_modified.response.as_mut() {
        response.status = 304;
    }
    let revisit = store.put_capture(not_modified).unwrap();
    assert!(revisit.response.as_ref().unwrap().body.is_none());
    let body = store.page_body(&revisit, 1 << 20).unwrap().unwrap();
    assert_eq!(body.bytes, page, "a 304 reads the body it revisits");

    let mut unknown = capture(3, b"compressed somehow");
    if let Some(response) = unknown.response.as_mut() {
        response
            .headers
            .push(("Content-Encoding".to_owned(), "compress".to_owned()));
    }
    let unknown = store.put_capture(unknown).unwrap();
    let body = store.page_body(&unknown, 1 << 20).unwrap().unwrap();
    assert!(body.bytes.is_empty());
    assert!(body.decode_error.unwrap().contains("unsupported"));
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
        lexicon_version: String::new(),
        run_time: None,
        reextracted_at: None,
        pages_fetched: 2,
        indicators: SiteIndicators {
            pages_parsed: 2,
            ads_seen: ads,
            ad_cards: ads,
            ..SiteIndicators::default()
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
        lexicon_version: String::new(),
        captured_at: None,
        indicators: PageIndicators {
            method: ExtractionMethod::Profile,
            confidence: 1.0,
            ..PageIndicators::default()
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

/// A store with one finished run of `bodies.len()` captures.
fn store_with_captures(directory: &Path, bodies: &[&[u8]]) -> (Store, Vec<CaptureRecord>) {
    let store = Store::open(directory).unwrap();
    let mut run = store
        .begin_run(
            RunTrigger::Manual,
            "config-digest",
            None,
            ["site-a".to_owned()],
            time(),
        )
        .unwrap();
    let captures: Vec<CaptureRecord> = bodies
        .iter()
        .map(|body| store.put_capture(capture(run.id, body)).unwrap())
        .collect();
    run.state = RunState::Completed;
    run.finished_at = Some(time());
    store.finish_run(&run).unwrap();
    (store, captures)
}

fn failures(store: &Store) -> Vec<String> {
    store
        .verify()
        .unwrap()
        .verdicts
        .iter()
        .filter(|verdict| !verdict.passed)
        .map(ToString::to_string)
        .collect()
}

#[test]
fn every_capture_and_run_boundary_is_a_chained_custody_entry() {
    let directory = tempfile::tempdir().unwrap();
    let (store, captures) = store_with_captures(directory.path(), &[b"one", b"two"]);
    let entries: Vec<CustodyEntry> = store
        .custody_entries(1..=u64::MAX)
        .collect::<Result<_, _>>()
        .unwrap();
    let kinds: Vec<&str> = entries.iter().map(|entry| entry.event.kind()).collect();
    assert_eq!(kinds, ["run-started", "capture", "capture", "run-finished"]);
    assert_eq!(entries[0].previous_hash, custody::GENESIS_HASH);
    for pair in entries.windows(2) {
        assert_eq!(pair[1].previous_hash, pair[0].hash);
        assert_eq!(pair[1].seq, pair[0].seq + 1);
    }
    match &entries[1].event {
        CustodyEvent::Capture {
            capture_id,
            body_sha256,
            record_sha256,
            ..
        } => {
            assert_eq!(*capture_id, captures[0].id);
            assert_eq!(body_sha256.as_deref(), Some(sha256_hex(b"one").as_str()));
            let stored = store
                .captures
                .get(capture_id.to_be_bytes())
                .unwrap()
                .unwrap();
            assert_eq!(*record_sha256, sha256_hex(&stored));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store.custody_seq_of_capture(captures[1].id).unwrap(),
        Some(entries[2].seq)
    );
    match &entries[3].event {
        CustodyEvent::RunFinished {
            config_digest,
            state,
            ..
        } => {
            assert_eq!(config_digest, "config-digest");
            assert_eq!(*state, RunState::Completed);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(failures(&store), Vec::<String>::new());
}

#[test]
fn verify_names_a_changed_custody_entry_a_removed_one_and_a_changed_record() {
    let directory = tempfile::tempdir().unwrap();
    let (store, captures) = store_with_captures(directory.path(), &[b"one", b"two", b"three"]);

    let original = store.custody.get(2_u64.to_be_bytes()).unwrap().unwrap();
    let mut flipped = original.to_vec();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    store.custody.insert(2_u64.to_be_bytes(), flipped).unwrap();
    let found = failures(&store);
    assert!(
        found.iter().any(|line| line.contains("custody entry 2")),
        "{found:?}"
    );
    store.custody.insert(2_u64.to_be_bytes(), original).unwrap();
    assert_eq!(failures(&store), Vec::<String>::new());

    store.custody.remove(3_u64.to_be_bytes()).unwrap();
    let found = failures(&store);
    assert!(
        found
            .iter()
            .any(|line| line.contains("custody entry 3 is missing")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|line| line.contains(&format!("capture {}", captures[1].id))),
        "{found:?}"
    );

    // The last entry removed: only the head the store keeps can tell.
    let directory = tempfile::tempdir().unwrap();
    let (store, _) = store_with_captures(directory.path(), &[b"one"]);
    store.custody.remove(3_u64.to_be_bytes()).unwrap();
    let found = failures(&store);
    assert!(
        found.iter().any(|line| line.contains("missing")),
        "{found:?}"
    );

    // A capture record edited after the fact.
    let directory = tempfile::tempdir().unwrap();
    let (store, captures) = store_with_captures(directory.path(), &[b"one"]);
    let mut record = captures[0].clone();
    record.url = "http://a.test/elsewhere/".to_owned();
    store
        .captures
        .insert(
            record.id.to_be_bytes(),
            serde_json::to_vec(&record).unwrap(),
        )
        .unwrap();
    let found = failures(&store);
    assert!(
        found
            .iter()
            .any(|line| line.contains(&format!("capture {}", record.id))
                && line.contains("no longer matches")),
        "{found:?}"
    );
}

#[test]
fn verify_names_a_blob_with_a_changed_byte_and_reports_orphans_without_failing() {
    let directory = tempfile::tempdir().unwrap();
    let (store, captures) = store_with_captures(directory.path(), &[b"<html>evidence</html>"]);
    let digest = captures[0]
        .response
        .as_ref()
        .unwrap()
        .body
        .as_ref()
        .unwrap()
        .sha256
        .clone();
    // An orphan, as a crash between blob and record would leave.
    store.blobs.put(b"never referenced").unwrap();
    let verification = store.verify().unwrap();
    assert!(verification.passed(), "{:?}", verification.verdicts);
    assert!(verification
        .verdicts
        .iter()
        .any(|verdict| verdict.subject == "orphan blobs"));

    let path = store.blob_path(&digest);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 5;
    bytes[last] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    let found = failures(&store);
    assert!(
        found
            .iter()
            .any(|line| line.contains(&format!("blob {digest}"))),
        "{found:?}"
    );
}

#[test]
fn prune_removes_old_captures_and_unreferenced_blobs_and_the_chain_still_verifies() {
    let directory = tempfile::tempdir().unwrap();
    let store = Store::open(directory.path()).unwrap();
    let run = store
        .begin_run(RunTrigger::Manual, "c", None, [], time())
        .unwrap();
    let mut old = capture(run.id, b"old body");
    old.fetched_at = time() - chrono::Duration::days(400);
    let mut shared_old = capture(run.id, b"shared body");
    shared_old.fetched_at = time() - chrono::Duration::days(400);
    let old = store.put_capture(old).unwrap();
    store.put_capture(shared_old).unwrap();
    let recent = store.put_capture(capture(run.id, b"shared body")).unwrap();
    store.blobs.put(b"orphan").unwrap();

    let report = store
        .prune("365d", time() - chrono::Duration::days(365))
        .unwrap();
    assert_eq!(report.captures_removed, 2);
    // "old body" and the orphan; "shared body" is still named by `recent`.
    assert_eq!(report.blobs_removed, 2);
    assert!(store.capture(old.id).unwrap().is_none());
    assert!(store.capture(recent.id).unwrap().is_some());
    assert_eq!(
        store
            .read_body(recent.response.as_ref().unwrap().body.as_ref().unwrap())
            .unwrap(),
        b"shared body"
    );
    assert!(!store.blob_path(&sha256_hex(b"old body")).exists());
    assert_eq!(report.entry.event.kind(), "prune");
    assert_eq!(failures(&store), Vec::<String>::new());

    // A capture removed without a prune is not.
    store.captures.remove(recent.id.to_be_bytes()).unwrap();
    let found = failures(&store);
    assert!(
        found
            .iter()
            .any(|line| line.contains("no prune removed it")),
        "{found:?}"
    );
}

#[test]
fn captures_written_concurrently_keep_one_unbroken_chain() {
    let directory = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(Store::open(directory.path()).unwrap());
    let run = store
        .begin_run(RunTrigger::Manual, "c", None, [], time())
        .unwrap();
    let threads: Vec<_> = (0..4)
        .map(|thread| {
            let store = store.clone();
            std::thread::spawn(move || {
                for index in 0..10 {
                    let body = format!("body {thread} {index}");
                    store.put_capture(capture(run.id, body.as_bytes())).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(store.custody_entries(1..=u64::MAX).count(), 41);
    assert_eq!(failures(&store), Vec::<String>::new());
}
