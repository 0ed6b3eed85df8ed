//! Peak memory of an export: builds a synthetic store of many large
//! captures through the store's API (no network, no farm), resets the
//! process's peak-RSS mark, exports everything, and prints the peak RSS of
//! the export alone, then the same for verifying the package.
//!
//! Run (figures go in BENCHMARKS.md):
//!
//! ```sh
//! cargo bench -p cartograph-evidence --bench export_memory
//! ```
//!
//! `CARTOGRAPH_BENCH_CAPTURES` (default 10000) and
//! `CARTOGRAPH_BENCH_BODY_KIB` (default 200) size the store;
//! `CARTOGRAPH_BENCH_KEEP=DIR` builds it in DIR and leaves it there with a
//! `cartograph.toml`, so the CLI can be measured too:
//! `/usr/bin/time -v cartograph export --config DIR/cartograph.toml --out x.wacz`.
//! Linux only: peak RSS is read from /proc.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cartograph_evidence::{export, load_or_create_signing_key, verify_package, ExportRequest};
use cartograph_store::{
    CaptureKind, CaptureSelection, NewCapture, NewResponse, PolitenessRecord, RequestRecord,
    RunState, RunTrigger, Store,
};

fn main() {
    let captures: u64 = setting("CARTOGRAPH_BENCH_CAPTURES", 10_000);
    let body_kib: usize = setting("CARTOGRAPH_BENCH_BODY_KIB", 200);
    let kept = std::env::var_os("CARTOGRAPH_BENCH_KEEP").map(PathBuf::from);
    let temporary = tempfile::tempdir().expect("temporary directory");
    let root = kept
        .clone()
        .unwrap_or_else(|| temporary.path().to_path_buf());
    std::fs::create_dir_all(&root).expect("bench directory");

    let started = Instant::now();
    let store = build_store(&root.join("data"), captures, body_kib * 1024);
    println!(
        "built a store of {captures} captures of {body_kib} KiB in {:.1} s (peak RSS while building {} MiB)",
        started.elapsed().as_secs_f64(),
        peak_rss_kib() / 1024
    );
    if kept.is_some() {
        std::fs::write(
            root.join("cartograph.toml"),
            "[crawler]\nuser_agent = \"cartograph\"\ncontact = \"mailto:bench@example.org\"\n\n[store]\npath = \"data\"\n",
        )
        .expect("bench config");
    }
    let key = load_or_create_signing_key(&root.join("keys/signing.key")).expect("signing key");
    let package = root.join("bench.wacz");

    reset_peak_rss();
    let started = Instant::now();
    let report = export(
        &store,
        &ExportRequest {
            selection: CaptureSelection::default(),
            operator: "bench".to_owned(),
            output: package.clone(),
            signing_key: &key.key,
            user_agent: None,
            robots_product_token: None,
        },
    )
    .expect("export");
    println!(
        "export: {} captures, {} WARC records, package {} MiB, {:.1} s, peak RSS {} MiB",
        report.captures,
        report.warc_records,
        report.bytes / (1024 * 1024),
        started.elapsed().as_secs_f64(),
        peak_rss_kib() / 1024
    );

    reset_peak_rss();
    let started = Instant::now();
    let verification = verify_package(&package, None);
    assert!(verification.passed(), "{:#?}", verification.verdicts);
    println!(
        "verify: {} checks passed, {:.1} s, peak RSS {} MiB",
        verification.verdicts.len(),
        started.elapsed().as_secs_f64(),
        peak_rss_kib() / 1024
    );
    if kept.is_none() {
        std::fs::remove_file(&package).ok();
    }
}

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// `captures` distinct pages of `body_bytes` each: listing-like HTML of
/// words drawn by a small xorshift generator, so bodies differ (no blob is
/// shared) and compress about as real listing pages do.
fn build_store(path: &Path, captures: u64, body_bytes: usize) -> Store {
    const WORDS: &[&str] = &[
        "listing",
        "profile",
        "city",
        "centre",
        "available",
        "today",
        "new",
        "photos",
        "call",
        "message",
        "hour",
        "night",
        "price",
        "verified",
        "visit",
        "weekend",
        "district",
        "north",
        "south",
        "station",
        "apartment",
        "hotel",
        "private",
        "discreet",
        "languages",
        "english",
    ];
    let store = Store::open(path).expect("store opens");
    let mut run = store
        .begin_run(
            RunTrigger::Manual,
            "bench",
            None,
            ["bench-site".to_owned()],
            chrono::Utc::now(),
        )
        .expect("run begins");
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut body = String::with_capacity(body_bytes + 256);
    for index in 0..captures {
        body.clear();
        body.push_str(&format!(
            "<html><head><title>page {index}</title></head><body>\n"
        ));
        while body.len() < body_bytes - 16 {
            body.push_str("<article class=\"ad\"><p>");
            for _ in 0..12 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                body.push_str(WORDS[(state % WORDS.len() as u64) as usize]);
                body.push(' ');
            }
            body.push_str(&format!("{}</p></article>\n", state % 100_000));
        }
        body.truncate(body_bytes - 16);
        body.push_str("</body></html>\n");
        let url = format!("http://bench.example.test/list/page/{index}/");
        store
            .put_capture(NewCapture {
                run_id: run.id,
                site_id: "bench-site".to_owned(),
                kind: CaptureKind::Page,
                url: url.clone(),
                request: RequestRecord {
                    method: "GET".to_owned(),
                    url,
                    http_version: "HTTP/1.1".to_owned(),
                    headers: vec![("Host".to_owned(), "bench.example.test".to_owned())],
                },
                response: Some(NewResponse {
                    status: 200,
                    reason: None,
                    version: "HTTP/1.1".to_owned(),
                    headers: vec![("content-type".to_owned(), "text/html".to_owned())],
                    body: body.as_bytes().to_vec(),
                    truncated: false,
                    remote_ip: Some("127.0.0.1".to_owned()),
                }),
                error: None,
                fetched_at: chrono::Utc::now(),
                duration_ms: 1,
                tool_version: env!("CARGO_PKG_VERSION").to_owned(),
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
            })
            .expect("capture stored");
    }
    run.state = RunState::Completed;
    run.finished_at = Some(chrono::Utc::now());
    store.finish_run(&run).expect("run finishes");
    store
}

/// VmHWM of this process, in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Resets VmHWM to the current RSS (Linux: write 5 to clear_refs), so the
/// next reading is the peak of what follows.
fn reset_peak_rss() {
    if std::fs::write("/proc/self/clear_refs", "5").is_err() {
        eprintln!("could not reset the peak-RSS mark: figures include building the store");
    }
}
