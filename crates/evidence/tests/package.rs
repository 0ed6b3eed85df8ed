//! Export and verify against a store built through its API: every kind of
//! capture (page, robots.txt, redirect hop, 304 revisit, transport failure)
//! round-trips, and a changed byte in any file of the package, in the
//! custody segment or in the signature is found and named. The full export
//! is left at `target/ci-artifacts/sample.wacz` for `.ci/run`'s outside
//! checks.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use cartograph_evidence::{
    export, load_or_create_signing_key, public_key_text, verify_package, ExportRequest,
    PackageVerification,
};
use cartograph_store::{
    CaptureKind, CaptureSelection, CustodyEvent, NewCapture, NewResponse, PolitenessRecord,
    RequestRecord, RunState, RunTrigger, Store,
};
use chrono::{DateTime, TimeZone, Utc};

fn time(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, minute, 0).unwrap() + chrono::Duration::milliseconds(250)
}

fn capture(
    run_id: u64,
    site: &str,
    url: &str,
    minute: u32,
    status: Option<u16>,
    body: &[u8],
) -> NewCapture {
    NewCapture {
        run_id,
        site_id: site.to_owned(),
        kind: if url.ends_with("robots.txt") {
            CaptureKind::Robots
        } else {
            CaptureKind::Page
        },
        url: url.to_owned(),
        request: RequestRecord {
            method: "GET".to_owned(),
            url: url.to_owned(),
            http_version: "HTTP/1.1".to_owned(),
            headers: vec![
                ("Host".to_owned(), "a.example.test".to_owned()),
                (
                    "User-Agent".to_owned(),
                    "cartograph/0.1.0 (+mailto:unit@example.org)".to_owned(),
                ),
            ],
        },
        response: status.map(|status| NewResponse {
            status,
            reason: (status == 200).then(|| "Fine".to_owned()),
            version: "HTTP/1.1".to_owned(),
            headers: vec![
                (
                    "content-type".to_owned(),
                    "text/html; charset=utf-8".to_owned(),
                ),
                ("content-length".to_owned(), body.len().to_string()),
            ],
            body: body.to_vec(),
            truncated: false,
            remote_ip: Some("127.0.0.1".to_owned()),
        }),
        error: status
            .is_none()
            .then(|| "connection failed: refused".to_owned()),
        fetched_at: time(minute),
        duration_ms: 4,
        tool_version: "0.1.0".to_owned(),
        politeness: PolitenessRecord {
            robots: "allowed: no matching rule".to_owned(),
            interval_ms: 5000,
            waited_ms: 12,
            retry_after_ms: None,
            retries: 0,
        },
        outcome: "fetched".to_owned(),
        case_label: Some("case 12".to_owned()),
        revisit_of: None,
        redirected_from: None,
    }
}

/// A store with two runs over two sites; returns it and the store root.
fn sample_store(directory: &Path) -> Store {
    let store = Store::open(&directory.join("data")).unwrap();
    let mut run = store
        .begin_run(
            RunTrigger::Manual,
            "digest-1",
            Some("case 12"),
            ["a".to_owned(), "b".to_owned()],
            time(0),
        )
        .unwrap();
    store
        .put_capture(capture(
            run.id,
            "a",
            "http://a.example.test/robots.txt",
            1,
            Some(200),
            b"User-agent: *\nAllow: /\n",
        ))
        .unwrap();
    let page = store
        .put_capture(capture(
            run.id,
            "a",
            "http://a.example.test/list/",
            2,
            Some(200),
            b"<html><body>ads</body></html>",
        ))
        .unwrap();
    let hop = store
        .put_capture(capture(
            run.id,
            "a",
            "http://a.example.test/old/",
            3,
            Some(301),
            b"",
        ))
        .unwrap();
    let mut target = capture(
        run.id,
        "a",
        "http://a.example.test/list/?page=2",
        4,
        Some(200),
        b"<html>page 2</html>",
    );
    target.redirected_from = Some(hop.id);
    store.put_capture(target).unwrap();
    store
        .put_capture(capture(
            run.id,
            "b",
            "http://b.example.test/list/",
            5,
            None,
            b"",
        ))
        .unwrap();
    run.state = RunState::Completed;
    run.finished_at = Some(time(6));
    store.finish_run(&run).unwrap();

    let mut second = store
        .begin_run(
            RunTrigger::Manual,
            "digest-1",
            None,
            ["a".to_owned()],
            time(10),
        )
        .unwrap();
    let mut revisit = capture(
        second.id,
        "a",
        "http://a.example.test/list/",
        11,
        Some(304),
        b"",
    );
    revisit.revisit_of = Some(page.id);
    store.put_capture(revisit).unwrap();
    second.state = RunState::Completed;
    store.finish_run(&second).unwrap();
    store
}

struct Exported {
    _directory: tempfile::TempDir,
    store: Store,
    package: PathBuf,
    public_key: String,
}

fn exported(selection: CaptureSelection) -> Exported {
    let directory = tempfile::tempdir().unwrap();
    let store = sample_store(directory.path());
    let key = load_or_create_signing_key(&directory.path().join("keys/signing.key")).unwrap();
    let package = directory.path().join("out/evidence.wacz");
    let report = export(
        &store,
        &ExportRequest {
            selection,
            operator: "analyst 7".to_owned(),
            output: package.clone(),
            signing_key: &key.key,
            user_agent: Some("cartograph/0.1.0 (+mailto:unit@example.org)".to_owned()),
            robots_product_token: Some("cartograph".to_owned()),
        },
    )
    .unwrap();
    assert_eq!(report.public_key, public_key_text(&key.key.verifying_key()));
    Exported {
        _directory: directory,
        store,
        package,
        public_key: report.public_key,
    }
}

fn failures(verification: &PackageVerification) -> Vec<String> {
    verification
        .verdicts
        .iter()
        .filter(|verdict| !verdict.passed)
        .map(ToString::to_string)
        .collect()
}

#[test]
fn an_export_verifies_and_is_recorded_in_the_custody_log() {
    let exported = exported(CaptureSelection::default());
    let verification = verify_package(&exported.package, Some(&exported.public_key));
    assert!(verification.passed(), "{:#?}", verification.verdicts);
    assert_eq!(verification.capture_ids.len(), 6);
    // `.ci/run` hands this package (revisit, redirect hop and transport
    // failure included) to warcio and py-wacz too.
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/ci-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::copy(&exported.package, artifacts.join("sample.wacz")).unwrap();
    for subject in [
        "file archive/data.warc.gz",
        "file indexes/index.cdxj",
        "file pages/pages.jsonl",
        "file custody/custody.jsonl",
        "file datapackage.json",
        "warc records of archive/data.warc.gz",
        "cdxj index indexes/index.cdxj",
        "custody segment custody/custody.jsonl",
        "signature",
    ] {
        assert!(
            verification
                .verdicts
                .iter()
                .any(|verdict| verdict.subject == subject && verdict.passed),
            "no passing verdict for {subject}: {:#?}",
            verification.verdicts
        );
    }
    let last = exported
        .store
        .custody_entries(1..=u64::MAX)
        .last()
        .unwrap()
        .unwrap();
    match last.event {
        CustodyEvent::Export {
            operator,
            output_sha256,
            captures,
            ..
        } => {
            assert_eq!(operator, "analyst 7");
            assert_eq!(captures, 6);
            let bytes = std::fs::read(&exported.package).unwrap();
            assert_eq!(output_sha256, cartograph_store::sha256_hex(&bytes));
        }
        other => panic!("{other:?}"),
    }
    assert!(exported.store.verify().unwrap().passed());
}

#[test]
fn a_selection_exports_exactly_its_captures() {
    let by_site = exported(CaptureSelection {
        sites: vec!["b".to_owned()],
        ..CaptureSelection::default()
    });
    let verification = verify_package(&by_site.package, None);
    assert!(verification.passed(), "{:#?}", verification.verdicts);
    let expected: Vec<u64> = by_site
        .store
        .captures()
        .map(Result::unwrap)
        .filter(|capture| capture.site_id == "b")
        .map(|capture| capture.id)
        .collect();
    assert_eq!(
        verification.capture_ids.iter().copied().collect::<Vec<_>>(),
        expected
    );

    let by_time = exported(CaptureSelection {
        since: Some(time(2)),
        until: Some(time(4)),
        ..CaptureSelection::default()
    });
    let verification = verify_package(&by_time.package, None);
    assert!(verification.passed(), "{:#?}", verification.verdicts);
    assert_eq!(
        verification.capture_ids.len(),
        2,
        "{:?}",
        verification.capture_ids
    );
}

#[test]
fn an_empty_selection_writes_nothing() {
    let directory = tempfile::tempdir().unwrap();
    let store = sample_store(directory.path());
    let key = load_or_create_signing_key(&directory.path().join("signing.key")).unwrap();
    let package = directory.path().join("none.wacz");
    let error = export(
        &store,
        &ExportRequest {
            selection: CaptureSelection {
                sites: vec!["nobody".to_owned()],
                ..CaptureSelection::default()
            },
            operator: "analyst".to_owned(),
            output: package.clone(),
            signing_key: &key.key,
            user_agent: None,
            robots_product_token: None,
        },
    )
    .unwrap_err();
    assert!(error.to_string().contains("no capture matches"), "{error}");
    assert!(!package.exists());
    assert_eq!(
        std::fs::read_dir(directory.path()).unwrap().count(),
        2,
        "scratch files left behind"
    );
}

/// Where each entry's bytes start in the zip, and how long they are.
fn entry_spans(package: &Path) -> Vec<(String, u64, u64)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(package).unwrap()).unwrap();
    (0..archive.len())
        .map(|index| {
            let file = archive.by_index_raw(index).unwrap();
            (
                file.name().to_owned(),
                file.data_start().unwrap(),
                file.compressed_size(),
            )
        })
        .collect()
}

fn flip_byte(path: &Path, offset: u64) {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap();
    let mut byte = [0_u8];
    file.seek(SeekFrom::Start(offset)).unwrap();
    file.read_exact(&mut byte).unwrap();
    byte[0] ^= 0x20;
    file.seek(SeekFrom::Start(offset)).unwrap();
    file.write_all(&byte).unwrap();
}

#[test]
fn a_changed_byte_in_any_file_of_the_package_is_found_and_named() {
    let exported = exported(CaptureSelection::default());
    let pristine = std::fs::read(&exported.package).unwrap();
    for (name, start, length) in entry_spans(&exported.package) {
        // Every ninth byte of the small signed digest file (each of its
        // fields); five spread over each other file.
        let positions: Vec<u64> = if name == "datapackage-digest.json" {
            (0..length).step_by(9).collect()
        } else {
            vec![0, length / 4, length / 2, length * 3 / 4, length - 1]
        };
        for position in positions {
            std::fs::write(&exported.package, &pristine).unwrap();
            flip_byte(&exported.package, start + position);
            let verification = verify_package(&exported.package, Some(&exported.public_key));
            let found = failures(&verification);
            assert!(
                !verification.passed(),
                "{name} byte {position}: nothing failed"
            );
            assert!(
                found.iter().any(|line| line.contains(&name)),
                "{name} byte {position}: no failure names it: {found:#?}"
            );
        }
    }
}

#[test]
fn another_signers_key_or_a_forged_digest_fails_the_signature() {
    let exported = exported(CaptureSelection::default());
    let directory = tempfile::tempdir().unwrap();
    let other = load_or_create_signing_key(&directory.path().join("other.key")).unwrap();
    let verification = verify_package(
        &exported.package,
        Some(&public_key_text(&other.key.verifying_key())),
    );
    let found = failures(&verification);
    assert!(
        found
            .iter()
            .any(|line| line.starts_with("FAIL signature")
                && line.contains("not by the trusted key")),
        "{found:#?}"
    );
}
