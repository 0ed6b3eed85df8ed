//! The farm served on port 0: requests go through a raw TCP client and the
//! audit must account for every one of them, exactly.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use cartograph_farm::{
    serve, spawn, AuditReport, Farm, FarmSpec, RequestRecord, AUDIT_PATH, AUDIT_REQUESTS_PATH,
    CONTROL_HOST,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Barrier;
use tokio::task::JoinSet;

use crate::http_client::{get, request};

const USER_AGENT: &str = "cartograph/0.1 (+mailto:farm-test@example.org)";

fn farm(seed: u64, sites: usize) -> Arc<Farm> {
    Arc::new(Farm::new(FarmSpec {
        seed,
        sites,
        day: 0,
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_records_each_request_and_judges_it() {
    let farm = farm(7, 2);
    let running = spawn(farm.clone()).await.expect("farm starts");
    let site = farm.sites()[0].clone();
    let site_truth = farm.site_truth(0);
    let host_with_port = format!("{}:{}", site.host.to_uppercase(), running.address.port());
    let private_page = site_truth.disallowed_pages[0].url_path.clone();
    let rules_page = format!("{private_page}rules");
    assert!(site_truth
        .pages
        .iter()
        .any(|page| page.url_path == rules_page));

    let visits = [
        "/robots.txt".to_owned(),
        site_truth.pages[0].url_path.clone(),
        rules_page.clone(),
        private_page.clone(),
        site_truth.ads[0].url_path.clone(),
        site_truth.pages[0].url_path.clone(),
    ];
    for path in &visits {
        let response = get(running.address, &host_with_port, path).await;
        assert_eq!(response.status, 200, "{path}");
        assert!(
            response.header("content-length").is_some(),
            "bodies keep their length"
        );
    }
    let page = get(running.address, &site.host, &site_truth.pages[0].url_path).await;
    assert_eq!(
        page.body,
        farm.render(&site.host, &site_truth.pages[0].url_path).body
    );
    let unknown = get(running.address, "nowhere.farm.test", "/robots.txt").await;
    assert_eq!(unknown.status, 404);
    let posted = request(running.address, "POST", &site.host, "/about", None).await;
    assert_eq!(posted.status, 405);
    // Control paths are not served on site hosts (and are recorded there).
    let on_site = get(running.address, &site.host, AUDIT_PATH).await;
    assert_eq!(on_site.status, 404);

    // The control address answers by IP literal or by name, unrecorded.
    let by_address = running.address.to_string();
    let requests_over_http = get(running.address, &by_address, AUDIT_REQUESTS_PATH).await;
    assert_eq!(requests_over_http.status, 200);
    let served: Vec<RequestRecord> =
        serde_json::from_slice(&requests_over_http.body).expect("audit json");
    assert_eq!(served.len(), 10);
    let report_over_http = get(running.address, CONTROL_HOST, AUDIT_PATH).await;
    assert_eq!(report_over_http.status, 200);
    let served_report: AuditReport =
        serde_json::from_slice(&report_over_http.body).expect("report json");
    assert_eq!(get(running.address, CONTROL_HOST, "/").await.status, 404);

    let records = farm.audit();
    assert_eq!(records.len(), 10, "{records:#?}");
    for (record, path) in records.iter().zip(&visits) {
        assert_eq!(record.host, site.host);
        assert_eq!(record.method, "GET");
        assert_eq!(&record.path_and_query, path);
        assert_eq!(record.user_agent.as_deref(), Some(USER_AGENT));
        assert_eq!(record.status, 200);
        let finished = record.finished.expect("read to the end, so finished");
        assert!(finished >= record.started);
    }
    for pair in records.windows(2) {
        assert!(pair[1].started >= pair[0].started, "arrival order");
        assert!(
            pair[1].started >= pair[0].finished.expect("finished"),
            "sequential"
        );
    }
    assert_eq!(records[7].host, "nowhere.farm.test");
    assert_eq!(records[7].status, 404);
    assert_eq!(
        (records[8].method.as_str(), records[8].status),
        ("POST", 405)
    );
    assert_eq!(records[8].user_agent, None);

    let expectations = farm.audit_expectations("cartograph", Duration::ZERO);
    let report = farm.audit_report(&expectations);
    assert_eq!(report, served_report, "HTTP and in-process audits agree");
    let audit = &report.hosts[&site.host];
    assert_eq!(audit.requests, 10 - 1);
    assert!(audit.robots_first);
    assert_eq!(audit.overlapping, 0);
    // The premium page; the rules page inside it is allowed by a `$` rule.
    assert_eq!(audit.robots_disallowed_hits, 1);
    // The ad page, POST /about and the control path are outside.
    assert_eq!(audit.outside_listing, 3);
    assert_eq!(audit.missing_token, 1);
    assert_eq!(audit.user_agents, BTreeSet::from([USER_AGENT.to_owned()]));
    assert_eq!(audit.gaps_below_interval, 0);
    assert!(audit.min_gap.is_some() && audit.min_start_gap >= audit.min_gap);
    let unknown_audit = &report.hosts["nowhere.farm.test"];
    assert_eq!(
        (unknown_audit.requests, unknown_audit.robots_first),
        (1, true)
    );
    assert_eq!(unknown_audit.outside_listing, 0);

    let violations = report.violations();
    assert_eq!(violations.len(), 3, "{violations:#?}");
    assert!(violations
        .iter()
        .any(|line| line.contains("robots.txt disallows")));

    let strict =
        farm.audit_report(&farm.audit_expectations("cartograph", Duration::from_secs(3600)));
    assert_eq!(strict.hosts[&site.host].gaps_below_interval, 8);

    running.shutdown().await.expect("clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_not_first_is_reported() {
    let farm = farm(8, 1);
    let running = spawn(farm.clone()).await.expect("farm starts");
    let site = &farm.sites()[0];
    let first_page = &farm.site_truth(0).pages[0].url_path;
    get(running.address, &site.host, first_page).await;
    get(running.address, &site.host, "/robots.txt").await;
    let report = farm.audit_report(&farm.audit_expectations("cartograph", Duration::ZERO));
    let audit = &report.hosts[&site.host];
    assert!(!audit.robots_first);
    assert_eq!(
        (audit.outside_listing, audit.robots_disallowed_hits),
        (0, 0)
    );
    assert_eq!(
        report.violations(),
        vec![format!("{}: first request was not /robots.txt", site.host)]
    );
}

/// Fifty requests at once: every one is recorded exactly once, and requests
/// in flight together are seen as overlapping. Whether two requests are in
/// the handler at the same instant is up to the scheduler, so bursts repeat
/// (a bounded number of times) until one shows it; the counts are exact in
/// every burst.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_requests_are_counted_exactly_and_overlap() {
    const CONCURRENT: usize = 50;
    const MAX_BURSTS: usize = 20;
    let farm = farm(9, 1);
    let running = spawn(farm.clone()).await.expect("farm starts");
    let site = farm.sites()[0].clone();
    let pages: Vec<String> = farm
        .site_truth(0)
        .pages
        .iter()
        .map(|page| page.url_path.clone())
        .collect();

    let mut overlapping = 0;
    let mut bursts = 0;
    while overlapping == 0 && bursts < MAX_BURSTS {
        bursts += 1;
        let barrier = Arc::new(Barrier::new(CONCURRENT));
        let mut requests = JoinSet::new();
        for request_index in 0..CONCURRENT {
            let barrier = barrier.clone();
            let host = site.host.clone();
            let path = pages[request_index % pages.len()].clone();
            let address = running.address;
            requests.spawn(async move {
                barrier.wait().await;
                get(address, &host, &path).await.status
            });
        }
        while let Some(status) = requests.join_next().await {
            assert_eq!(status.expect("request task"), 200);
        }
        let records = farm.audit();
        assert_eq!(
            records.len(),
            bursts * CONCURRENT,
            "exactly one record per request"
        );
        assert!(records
            .iter()
            .all(|record| record.finished.is_some() && record.status == 200));
        let report = farm.audit_report(&farm.audit_expectations("cartograph", Duration::ZERO));
        let audit = &report.hosts[&site.host];
        assert_eq!(audit.requests, bursts * CONCURRENT);
        overlapping = audit.overlapping;
    }
    assert!(
        overlapping > 0,
        "no overlap seen in {bursts} bursts of {CONCURRENT}"
    );
    running.shutdown().await.expect("clean shutdown");
}

/// A HEAD response's body is never polled, only dropped: the drop must
/// still mark the request finished.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_request_finishes_when_its_body_is_dropped() {
    let farm = farm(10, 1);
    let running = spawn(farm.clone()).await.expect("farm starts");
    let site = &farm.sites()[0];
    let response = request(
        running.address,
        "HEAD",
        &site.host,
        "/robots.txt",
        Some(USER_AGENT),
    )
    .await;
    assert_eq!(response.status, 200);
    assert!(response.body.is_empty());
    let expected_length = farm
        .render(&site.host, "/robots.txt")
        .body
        .len()
        .to_string();
    assert_eq!(
        response.header("content-length"),
        Some(expected_length.as_str())
    );
    let records = farm.audit();
    assert_eq!(records.len(), 1);
    assert_eq!(
        (records[0].method.as_str(), records[0].status),
        ("HEAD", 200)
    );
    assert!(records[0].finished.is_some(), "{records:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_on_shutdown_and_dropping_a_running_farm_stops_it() {
    let farm = farm(11, 1);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, farm.clone(), async move {
        let _ = stopped.await;
    }));
    assert_eq!(
        get(address, &farm.sites()[0].host, "/robots.txt")
            .await
            .status,
        200
    );
    stop.send(()).expect("server still running");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("serve returns after shutdown")
        .expect("server task")
        .expect("serve result");

    let running = spawn(farm.clone()).await.expect("farm starts");
    let address = running.address;
    drop(running);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(address).await.is_ok() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "server still accepting after drop"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
