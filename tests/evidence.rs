//! End to end, the evidence side: crawl the farm with the `cartograph`
//! binary, export, verify; damage a package, a blob or the custody log and
//! watch verify name what broke; kill a crawl with SIGKILL and verify the
//! store it left; check that a selection exports exactly its captures; and
//! prune. Every test that crawls checks politeness from the farm's audit.
//!
//! `crawl_export_verify_round_trip` also leaves its package at
//! `target/ci-artifacts/export.wacz`, where `.ci/run` hands it to warcio
//! and py-wacz.

mod support;

use std::collections::BTreeSet;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use cartograph_farm::FarmSpec;
use cartograph_store::{CaptureRecord, RunRecord, Store};
use support::{assert_exit, assert_polite, cartograph, start_farm, text, FarmUnderTest};

const INTERVAL: Duration = Duration::from_millis(100);

async fn crawled(seed: u64, sites: usize) -> FarmUnderTest {
    let under_test = start_farm(
        FarmSpec {
            seed,
            sites,
            day: 0,
        },
        INTERVAL,
    )
    .await;
    let crawl = cartograph(&["crawl", "--config", under_test.config()]).await;
    assert_exit(&crawl, 0);
    under_test
}

async fn export(under_test: &FarmUnderTest, name: &str, selection: &[&str]) -> (PathBuf, String) {
    let out = under_test.directory.path().join(name);
    let mut arguments = vec![
        "export",
        "--config",
        under_test.config(),
        "--out",
        out.to_str().unwrap(),
        "--operator",
        "analyst 7",
    ];
    arguments.extend_from_slice(selection);
    let output = cartograph(&arguments).await;
    assert_exit(&output, 0);
    let stdout = text(&output.stdout);
    let public_key = stdout
        .lines()
        .find_map(|line| line.strip_prefix("public key "))
        .unwrap_or_else(|| panic!("no public key printed: {stdout}"))
        .to_owned();
    (out, public_key)
}

fn captures(store_path: &Path) -> Vec<CaptureRecord> {
    let store = Store::open(store_path).unwrap();
    store.captures().map(Result::unwrap).collect()
}

fn runs(store_path: &Path) -> Vec<RunRecord> {
    Store::open(store_path).unwrap().runs().unwrap()
}

fn exported_ids(package: &Path) -> BTreeSet<u64> {
    let verification = cartograph_evidence::verify_package(package, None);
    assert!(verification.passed(), "{:#?}", verification.verdicts);
    verification.capture_ids
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_export_verify_round_trip() {
    let under_test = crawled(7, 3).await;
    let (package, public_key) = export(&under_test, "evidence.wacz", &[]).await;
    let key_file = under_test.directory.path().join("keys/signing.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", key_file.display());
    }

    let verify = cartograph(&["verify", package.to_str().unwrap(), "--pubkey", &public_key]).await;
    assert_exit(&verify, 0);
    let stdout = text(&verify.stdout);
    for subject in [
        "ok   file archive/data.warc.gz:",
        "ok   file indexes/index.cdxj:",
        "ok   file pages/pages.jsonl:",
        "ok   file custody/custody.jsonl:",
        "ok   warc records of archive/data.warc.gz:",
        "ok   cdxj index indexes/index.cdxj:",
        "ok   custody segment custody/custody.jsonl:",
        "ok   signature:",
        "verified: all",
    ] {
        assert!(stdout.contains(subject), "no '{subject}' in:\n{stdout}");
    }

    // Every capture of the crawl is in the package, and every listing page
    // the farm served was captured.
    let stored: BTreeSet<u64> = captures(&under_test.store_path())
        .iter()
        .map(|capture| capture.id)
        .collect();
    assert_eq!(exported_ids(&package), stored);

    // Another key is not the signer.
    let other = under_test.directory.path().join("other.key");
    let other_key = cartograph_evidence::load_or_create_signing_key(&other).unwrap();
    let other_public = cartograph_evidence::public_key_text(&other_key.key.verifying_key());
    let wrong = cartograph(&[
        "verify",
        package.to_str().unwrap(),
        "--pubkey",
        &other_public,
    ])
    .await;
    assert_exit(&wrong, 6);
    assert!(
        text(&wrong.stdout).contains("FAIL signature"),
        "{}",
        text(&wrong.stdout)
    );

    let store = cartograph(&["verify", "--store", "--config", under_test.config()]).await;
    assert_exit(&store, 0);
    // A config pointing at no store is an error, not an empty store verified.
    let elsewhere = under_test.directory.path().join("elsewhere.toml");
    let config_text = std::fs::read_to_string(&under_test.config_path).unwrap();
    std::fs::write(
        &elsewhere,
        config_text.replace("\"data\"", "\"no-store-here\""),
    )
    .unwrap();
    let missing = cartograph(&["verify", "--store", "--config", elsewhere.to_str().unwrap()]).await;
    assert_exit(&missing, 1);
    assert!(
        text(&missing.stderr).contains("no store at"),
        "{}",
        text(&missing.stderr)
    );
    assert!(!under_test.directory.path().join("no-store-here").exists());

    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::copy(&package, artifacts.join("export.wacz")).unwrap();
    assert_polite(&under_test.farm, under_test.interval);
    under_test.running.shutdown().await.expect("farm stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_byte_in_the_package_a_blob_or_the_custody_log_is_named() {
    let under_test = crawled(3, 2).await;
    let (package, _) = export(&under_test, "evidence.wacz", &[]).await;
    let pristine = std::fs::read(&package).unwrap();
    let entries: Vec<(String, u64, u64)> = {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&package).unwrap()).unwrap();
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
    };
    assert_eq!(entries.len(), 6, "{entries:?}");
    for (name, start, length) in &entries {
        std::fs::write(&package, &pristine).unwrap();
        flip_byte(&package, start + length / 2);
        let verify = cartograph(&["verify", package.to_str().unwrap()]).await;
        assert_exit(&verify, 6);
        let stdout = text(&verify.stdout);
        assert!(
            stdout
                .lines()
                .any(|line| line.starts_with("FAIL") && line.contains(name.as_str())),
            "flipping a byte of {name}: no FAIL line names it:\n{stdout}"
        );
    }

    // A blob.
    let blob = walk_files(&under_test.store_path().join("blobs"))
        .into_iter()
        .find(|path| path.extension().is_some_and(|extension| extension == "zst"))
        .expect("the crawl stored blobs");
    let digest = format!(
        "{}{}",
        blob.parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy(),
        blob.file_stem().unwrap().to_string_lossy()
    );
    let original_blob = std::fs::read(&blob).unwrap();
    flip_byte(&blob, original_blob.len() as u64 / 2);
    let verify = cartograph(&["verify", "--store", "--config", under_test.config()]).await;
    assert_exit(&verify, 6);
    assert!(
        text(&verify.stdout).contains(&format!("FAIL blob {digest}")),
        "{}",
        text(&verify.stdout)
    );
    std::fs::write(&blob, &original_blob).unwrap();
    assert_exit(
        &cartograph(&["verify", "--store", "--config", under_test.config()]).await,
        0,
    );

    // A custody entry changed, then one removed.
    let original_entry = {
        let store = Store::open(&under_test.store_path()).unwrap();
        let bytes = cartograph_store::tamper::custody_entry_bytes(&store, 3)
            .unwrap()
            .unwrap();
        let mut changed = bytes.clone();
        let middle = changed.len() / 2;
        changed[middle] ^= 0x01;
        cartograph_store::tamper::overwrite_custody_entry(&store, 3, &changed).unwrap();
        bytes
    };
    let verify = cartograph(&["verify", "--store", "--config", under_test.config()]).await;
    assert_exit(&verify, 6);
    assert!(
        text(&verify.stdout).contains("FAIL custody entry 3:"),
        "{}",
        text(&verify.stdout)
    );
    {
        let store = Store::open(&under_test.store_path()).unwrap();
        cartograph_store::tamper::overwrite_custody_entry(&store, 3, &original_entry).unwrap();
        cartograph_store::tamper::remove_custody_entry(&store, 4).unwrap();
    }
    let verify = cartograph(&["verify", "--store", "--config", under_test.config()]).await;
    assert_exit(&verify, 6);
    assert!(
        text(&verify.stdout).contains("custody entry 4 is missing"),
        "{}",
        text(&verify.stdout)
    );
    assert_polite(&under_test.farm, under_test.interval);
    under_test.running.shutdown().await.expect("farm stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_killed_mid_run_leaves_a_store_that_verifies() {
    let slower = Duration::from_millis(300);
    let under_test = start_farm(
        FarmSpec {
            seed: 5,
            sites: 3,
            day: 0,
        },
        slower,
    )
    .await;
    let pages: usize = under_test
        .farm
        .truth()
        .sites
        .iter()
        .map(|site| site.pages.len())
        .sum();
    // Kill once a few bodies are on disk: their captures are being stored.
    let kill_after_blobs = 4;
    assert!(
        pages > kill_after_blobs + 3,
        "the farm is too small to kill mid-run"
    );
    let stored_blobs = || {
        walk_files(&under_test.store_path().join("blobs"))
            .iter()
            .filter(|path| {
                path.extension().is_some_and(|extension| extension == "zst")
                    && !path
                        .file_name()
                        .is_some_and(|name| name.to_string_lossy().starts_with('.'))
            })
            .count()
    };
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cartograph"))
        .args(["crawl", "--config", under_test.config()])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("cartograph starts");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while stored_blobs() < kill_after_blobs {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the crawl made no progress: {} blobs, {} requests, {pages} pages, exit {:?}, files {:?}",
            stored_blobs(),
            under_test.farm.audit().len(),
            child.try_wait(),
            walk_files(&under_test.store_path())
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.start_kill().expect("SIGKILL sent");
    let status = child.wait().await.unwrap();
    assert!(!status.success(), "the crawl finished before it was killed");
    let seen = under_test.farm.audit().len();
    assert!(
        seen < pages + 3,
        "the crawl finished before it was killed ({seen} requests)"
    );

    let verify = cartograph(&["verify", "--store", "--config", under_test.config()]).await;
    assert_exit(&verify, 0);
    let stdout = text(&verify.stdout);
    assert!(stdout.contains("have no end entry"), "{stdout}");
    assert!(!captures(&under_test.store_path()).is_empty());
    // The killed store still exports and verifies.
    let (package, _) = export(&under_test, "after-kill.wacz", &[]).await;
    assert!(!exported_ids(&package).is_empty());
    assert_polite(&under_test.farm, under_test.interval);
    under_test.running.shutdown().await.expect("farm stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_selection_contains_exactly_the_captures_it_should() {
    let under_test = crawled(11, 3).await;
    let second_site = under_test.farm.sites()[1].id.clone();
    let recrawl = cartograph(&[
        "crawl",
        "--config",
        under_test.config(),
        "--site",
        &second_site,
        "--case",
        "case 42",
    ])
    .await;
    assert_exit(&recrawl, 0);
    let all = captures(&under_test.store_path());
    let runs = runs(&under_test.store_path());
    assert_eq!(runs.len(), 2);
    let (first_run, second_run) = (&runs[0], &runs[1]);
    let ids = |keep: &dyn Fn(&CaptureRecord) -> bool| -> BTreeSet<u64> {
        all.iter()
            .filter(|capture| keep(capture))
            .map(|capture| capture.id)
            .collect()
    };

    let first_site = under_test.farm.sites()[0].id.clone();
    let (package, _) = export(&under_test, "site.wacz", &["--site", &first_site]).await;
    assert_eq!(
        exported_ids(&package),
        ids(&|capture| capture.site_id == first_site)
    );

    let run = second_run.id.to_string();
    let (package, _) = export(&under_test, "run.wacz", &["--run", &run]).await;
    let expected = ids(&|capture| capture.run_id == second_run.id);
    assert!(!expected.is_empty());
    assert_eq!(exported_ids(&package), expected);

    let boundary = second_run.started_at.to_rfc3339();
    let (package, _) = export(&under_test, "before.wacz", &["--until", &boundary]).await;
    assert_eq!(
        exported_ids(&package),
        ids(&|capture| capture.run_id == first_run.id)
    );
    let (package, _) = export(&under_test, "since.wacz", &["--since", &boundary]).await;
    assert_eq!(exported_ids(&package), expected);

    let (package, _) = export(&under_test, "case.wacz", &["--case", "case 42"]).await;
    assert_eq!(exported_ids(&package), expected);

    let prefix = format!("http://{}/", under_test.farm.sites()[2].host);
    let (package, _) = export(&under_test, "prefix.wacz", &["--url-prefix", &prefix]).await;
    assert_eq!(
        exported_ids(&package),
        ids(&|capture| capture.url.starts_with(&prefix))
    );

    let nothing = cartograph(&[
        "export",
        "--config",
        under_test.config(),
        "--out",
        under_test
            .directory
            .path()
            .join("none.wacz")
            .to_str()
            .unwrap(),
        "--site",
        "no-such-site",
    ])
    .await;
    assert_exit(&nothing, 1);
    assert!(
        text(&nothing.stderr).contains("no capture matches"),
        "{}",
        text(&nothing.stderr)
    );
    assert!(!under_test.directory.path().join("none.wacz").exists());
    assert_polite(&under_test.farm, under_test.interval);
    under_test.running.shutdown().await.expect("farm stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_removes_old_captures_records_itself_and_the_chain_still_verifies() {
    let under_test = crawled(13, 2).await;
    let before = captures(&under_test.store_path()).len();
    let keep = cartograph(&[
        "prune",
        "--config",
        under_test.config(),
        "--older-than",
        "1h",
    ])
    .await;
    assert_exit(&keep, 0);
    assert!(
        text(&keep.stdout).contains("pruned 0 captures"),
        "{}",
        text(&keep.stdout)
    );
    assert_eq!(captures(&under_test.store_path()).len(), before);

    let all = cartograph(&[
        "prune",
        "--config",
        under_test.config(),
        "--older-than",
        "0s",
    ])
    .await;
    assert_exit(&all, 0);
    assert!(
        text(&all.stdout).contains(&format!("pruned {before} captures")),
        "{}",
        text(&all.stdout)
    );
    assert!(captures(&under_test.store_path()).is_empty());
    let blobs = walk_files(&under_test.store_path().join("blobs"));
    assert!(blobs.is_empty(), "{blobs:?}");
    let verify = cartograph(&["verify", "--store", "--config", under_test.config()]).await;
    assert_exit(&verify, 0);
    assert!(
        text(&verify.stdout).contains(&format!("({before} removed by prunes)")),
        "{}",
        text(&verify.stdout)
    );
    let no_retention = cartograph(&["prune", "--config", under_test.config()]).await;
    assert_exit(&no_retention, 1);
    assert!(
        text(&no_retention.stderr).contains("--older-than"),
        "{}",
        text(&no_retention.stderr)
    );
    assert_polite(&under_test.farm, under_test.interval);
    under_test.running.shutdown().await.expect("farm stops");
}

fn walk_files(directory: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(directory) else {
        return files;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk_files(&path));
        } else {
            files.push(path);
        }
    }
    files
}
