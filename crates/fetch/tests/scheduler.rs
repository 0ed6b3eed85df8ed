//! The scheduler under paused tokio time, against a scripted transport: no
//! sockets, no sleeping. Each test scripts what hosts answer and asserts the
//! request timeline the transport saw (start and end of every exchange).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cartograph_fetch::{
    AllowedUrl, CaptureKind, Clock, CrawlOutcome, ExchangeLimits, ExchangeRequest, Exchanged,
    FetchOptions, FetchSettings, Fetcher, NoRobotsCache, PolitenessEvent, ReceivedResponse,
    RobotsCache, SentRequest, StoredRobots, Transport, TransportFailure,
};
use chrono::{DateTime, TimeZone, Utc};
use tokio::time::Instant;
use url::Url;

/// Status, headers and body of a scripted response.
type ScriptedResponse = (u16, Vec<(&'static str, String)>, &'static str);

/// One scripted answer: after `delay`, this response (or failure).
#[derive(Clone)]
struct Scripted {
    delay: Duration,
    response: Result<ScriptedResponse, TransportFailure>,
}

fn answer(status: u16, headers: &[(&'static str, &str)], body: &'static str) -> Scripted {
    Scripted {
        delay: Duration::from_millis(10),
        response: Ok((
            status,
            headers
                .iter()
                .map(|(name, value)| (*name, (*value).to_owned()))
                .collect(),
            body,
        )),
    }
}

/// Answers per URL path (`host/path`), in order; the last one repeats.
#[derive(Default)]
struct ScriptedTransport {
    scripts: Mutex<HashMap<String, VecDeque<Scripted>>>,
    log: Mutex<Vec<(String, Instant, Instant)>>,
}

impl ScriptedTransport {
    fn script(self, key: &str, answers: Vec<Scripted>) -> ScriptedTransport {
        self.scripts
            .lock()
            .unwrap()
            .insert(key.to_owned(), answers.into());
        self
    }

    fn log(&self) -> Vec<(String, Instant, Instant)> {
        self.log.lock().unwrap().clone()
    }

    fn requests_to(&self, host: &str) -> Vec<(String, Instant, Instant)> {
        self.log()
            .into_iter()
            .filter(|(key, _, _)| key.starts_with(host))
            .collect()
    }
}

impl Transport for ScriptedTransport {
    fn exchange<'a>(
        &'a self,
        request: &'a ExchangeRequest,
    ) -> Pin<Box<dyn Future<Output = Exchanged> + Send + 'a>> {
        Box::pin(async move {
            let key = format!(
                "{}{}",
                request.url.host_str().unwrap(),
                &request.url[url::Position::BeforePath..]
            );
            let scripted = {
                let mut scripts = self.scripts.lock().unwrap();
                match scripts.get_mut(&key) {
                    Some(queue) if queue.len() > 1 => queue.pop_front().unwrap(),
                    Some(queue) => queue.front().unwrap().clone(),
                    None => answer(404, &[], "not found"),
                }
            };
            let started = Instant::now();
            tokio::time::sleep(scripted.delay).await;
            let finished = Instant::now();
            self.log.lock().unwrap().push((key, started, finished));
            Exchanged {
                request: SentRequest {
                    method: "GET".to_owned(),
                    url: request.url.clone(),
                    http_version: "HTTP/1.1".to_owned(),
                    headers: Vec::new(),
                },
                response: scripted
                    .response
                    .map(|(status, headers, body)| ReceivedResponse {
                        status,
                        reason: None,
                        version: "HTTP/1.1".to_owned(),
                        headers: headers
                            .into_iter()
                            .map(|(name, value)| (name.to_owned(), value))
                            .collect(),
                        body: body.as_bytes().to_vec(),
                        truncated: false,
                        cut_short: None,
                        body_skipped: None,
                        remote_addr: None,
                    }),
            }
        })
    }
}

/// tokio's (paused) monotonic time, and a UTC clock that moves with it.
struct TestClock {
    epoch: Instant,
    utc_epoch: DateTime<Utc>,
}

impl Clock for TestClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn utc_now(&self) -> DateTime<Utc> {
        self.utc_epoch + chrono::Duration::from_std(self.epoch.elapsed()).unwrap()
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep_until(deadline))
    }
}

fn utc_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 12, 0, 0).unwrap()
}

fn settings() -> FetchSettings {
    FetchSettings {
        user_agent: "cartograph/0.1 (+mailto:test@example.org)".to_owned(),
        robots_token: "cartograph".to_owned(),
        limits: ExchangeLimits {
            max_body_bytes: 1024 * 1024,
            max_decompressed_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            first_byte_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
        },
        allow_private_addresses: false,
        resolve: BTreeMap::new(),
        max_concurrent_requests: 8,
        max_crawl_delay: Duration::from_secs(60),
        max_retries: 3,
        failures_before_pause: 5,
        jitter_seed: 7,
    }
}

fn fetcher(settings: FetchSettings, transport: &Arc<ScriptedTransport>) -> Fetcher {
    Fetcher::with_transport(
        settings,
        Arc::new(TestClock {
            epoch: Instant::now(),
            utc_epoch: utc_epoch(),
        }),
        transport.clone(),
    )
}

fn allowed(url: &str) -> AllowedUrl {
    let config = format!(
        "[crawler]\nuser_agent = \"cartograph\"\ncontact = \"mailto:t@example.org\"\n\
         [[site]]\nid = \"s\"\nname = \"S\"\ncountry = \"AT\"\nseeds = [\"{url}\"]\n\
         listing = [\"http://*.test/*\"]\n"
    );
    let loaded = cartograph_config::parse(
        &config,
        std::path::Path::new("t.toml"),
        chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
    )
    .unwrap();
    cartograph_fetch::ScopeGuard::new(&loaded.config)
        .check("s", &Url::parse(url).unwrap())
        .unwrap()
}

fn options(interval_ms: u64) -> FetchOptions {
    FetchOptions {
        interval: Duration::from_millis(interval_ms),
        validators: None,
        urgent: false,
    }
}

/// Start-to-start gaps must be at least `finish + interval` of the previous.
fn assert_spacing(requests: &[(String, Instant, Instant)], interval: Duration) {
    for pair in requests.windows(2) {
        assert!(
            pair[1].1 >= pair[0].2 + interval,
            "{} started {:?} after {} ended, interval {interval:?}",
            pair[1].0,
            pair[1].1 - pair[0].2,
            pair[0].0
        );
    }
}

#[tokio::test(start_paused = true)]
async fn robots_first_then_pages_at_the_interval_and_hosts_in_parallel() {
    let transport = Arc::new(
        ScriptedTransport::default()
            .script(
                "a.test/robots.txt",
                vec![answer(200, &[], "User-agent: *\nDisallow: /private/\n")],
            )
            .script("a.test/l/1", vec![answer(200, &[], "<p>1</p>")])
            .script("a.test/l/2", vec![answer(200, &[], "<p>2</p>")])
            .script(
                "b.test/l/1",
                vec![Scripted {
                    delay: Duration::from_secs(20),
                    ..answer(200, &[], "slow")
                }],
            ),
    );
    let fetcher = Arc::new(fetcher(settings(), &transport));
    let slow = {
        let fetcher = fetcher.clone();
        tokio::spawn(async move {
            fetcher
                .fetch(&allowed("http://b.test/l/1"), &options(1000))
                .await
        })
    };
    let started = Instant::now();
    let first = fetcher
        .fetch(&allowed("http://a.test/l/1"), &options(1000))
        .await;
    assert_eq!(first.captures.len(), 2);
    assert_eq!(first.captures[0].kind, CaptureKind::Robots);
    assert!(matches!(
        first.outcome,
        CrawlOutcome::Fetched { status: 200, .. }
    ));
    let second = fetcher
        .fetch(&allowed("http://a.test/l/2"), &options(1000))
        .await;
    assert_eq!(second.captures.len(), 1, "robots.txt is read once");
    let private = fetcher
        .fetch(&allowed("http://a.test/private/x"), &options(1000))
        .await;
    assert!(matches!(
        private.outcome,
        CrawlOutcome::DisallowedByRobots(_)
    ));
    assert!(private.captures.is_empty());
    // Host a finished while host b's 20 s request was still in flight.
    assert!(Instant::now() - started < Duration::from_secs(5));
    assert_spacing(&transport.requests_to("a.test"), Duration::from_secs(1));
    assert_eq!(
        second.captures[0].politeness.interval,
        Duration::from_secs(1)
    );
    slow.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn crawl_delay_raises_the_interval_up_to_the_cap() {
    let transport = Arc::new(
        ScriptedTransport::default()
            .script(
                "a.test/robots.txt",
                vec![answer(200, &[], "User-agent: *\nCrawl-delay: 3\n")],
            )
            .script(
                "b.test/robots.txt",
                vec![answer(
                    200,
                    &[],
                    "User-agent: cartograph\nCrawl-delay: 600\n",
                )],
            ),
    );
    let mut settings = settings();
    settings.max_crawl_delay = Duration::from_secs(10);
    let fetcher = fetcher(settings, &transport);
    for page in ["/1", "/2"] {
        let report = fetcher
            .fetch(&allowed(&format!("http://a.test{page}")), &options(1000))
            .await;
        assert_eq!(
            report.captures.last().unwrap().politeness.interval,
            Duration::from_secs(3)
        );
    }
    assert_spacing(&transport.requests_to("a.test"), Duration::from_secs(3));
    let capped = fetcher
        .fetch(&allowed("http://b.test/1"), &options(1000))
        .await;
    assert!(capped
        .events
        .iter()
        .any(|event| matches!(event, PolitenessEvent::CrawlDelayCapped { .. })));
    assert_eq!(
        capped.captures[1].politeness.interval,
        Duration::from_secs(10)
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_seconds_and_as_a_date_is_waited_for() {
    let date = httpdate::fmt_http_date(std::time::SystemTime::from(
        utc_epoch() + chrono::Duration::seconds(12),
    ));
    let transport = Arc::new(
        ScriptedTransport::default()
            .script("a.test/robots.txt", vec![answer(404, &[], "")])
            .script(
                "a.test/1",
                vec![
                    answer(429, &[("retry-after", "4")], ""),
                    answer(200, &[], "ok"),
                ],
            )
            .script("b.test/robots.txt", vec![answer(404, &[], "")])
            .script(
                "b.test/1",
                vec![
                    answer(503, &[("retry-after", &date)], ""),
                    answer(200, &[], "ok"),
                ],
            ),
    );
    let fetcher = fetcher(settings(), &transport);
    let report = fetcher
        .fetch(&allowed("http://a.test/1"), &options(100))
        .await;
    assert!(
        matches!(report.outcome, CrawlOutcome::Fetched { .. }),
        "{:?}",
        report.outcome
    );
    assert_eq!(report.captures.len(), 3);
    let retried = &report.captures[2].politeness;
    assert_eq!(
        (retried.retries, retried.retry_after),
        (1, Some(Duration::from_secs(4)))
    );
    let requests = transport.requests_to("a.test");
    assert!(requests[2].1 >= requests[1].2 + Duration::from_secs(4));

    let report = fetcher
        .fetch(&allowed("http://b.test/1"), &options(100))
        .await;
    assert!(matches!(report.outcome, CrawlOutcome::Fetched { .. }));
    let requests = transport.requests_to("b.test");
    let asked = report.captures[2].politeness.retry_after.unwrap();
    assert!(
        asked > Duration::from_secs(6) && asked <= Duration::from_secs(8),
        "{asked:?}"
    );
    assert!(requests[2].1 >= requests[1].2 + asked);
}

#[tokio::test(start_paused = true)]
async fn failures_back_off_exponentially_then_pause_the_host() {
    let transport = Arc::new(
        ScriptedTransport::default()
            .script("a.test/robots.txt", vec![answer(404, &[], "")])
            .script("a.test/1", vec![answer(503, &[], "busy")])
            .script(
                "a.test/2",
                vec![Scripted {
                    delay: Duration::from_millis(5),
                    response: Err(TransportFailure::Connection("reset".to_owned())),
                }],
            ),
    );
    let mut settings = settings();
    settings.max_retries = 2;
    settings.failures_before_pause = 4;
    let fetcher = fetcher(settings, &transport);
    let first = fetcher
        .fetch(&allowed("http://a.test/1"), &options(1000))
        .await;
    assert_eq!(first.outcome, CrawlOutcome::HttpStatus(503));
    assert_eq!(first.captures.len(), 4, "robots + 1 try + 2 retries");
    let requests = transport.requests_to("a.test/1");
    let gap_one = requests[1].1 - requests[0].2;
    let gap_two = requests[2].1 - requests[1].2;
    assert!(
        gap_one >= Duration::from_secs(1) && gap_one < Duration::from_millis(1600),
        "{gap_one:?}"
    );
    assert!(
        gap_two >= Duration::from_secs(2) && gap_two < Duration::from_millis(3100),
        "{gap_two:?}"
    );
    // One more failure reaches four in a row: the host is paused.
    let second = fetcher
        .fetch(&allowed("http://a.test/2"), &options(1000))
        .await;
    assert_eq!(second.captures.len(), 1);
    assert!(second
        .events
        .iter()
        .any(|event| matches!(event, PolitenessEvent::HostPaused(_))));
    let third = fetcher
        .fetch(&allowed("http://a.test/3"), &options(1000))
        .await;
    assert!(matches!(third.outcome, CrawlOutcome::HostPaused(_)));
    assert!(third.captures.is_empty());
    assert_eq!(transport.requests_to("a.test").len(), 5);
    assert!(fetcher.paused_hosts().contains_key("a.test:80"));
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_over_the_cap_pauses_the_host() {
    let transport = Arc::new(
        ScriptedTransport::default()
            .script("a.test/robots.txt", vec![answer(404, &[], "")])
            .script(
                "a.test/1",
                vec![answer(429, &[("retry-after", "86400")], "")],
            ),
    );
    let fetcher = fetcher(settings(), &transport);
    let report = fetcher
        .fetch(&allowed("http://a.test/1"), &options(100))
        .await;
    assert_eq!(report.outcome, CrawlOutcome::HttpStatus(429));
    assert!(fetcher.paused_hosts()["a.test:80"].contains("Retry-After"));
    assert_eq!(transport.log().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_slow_host_gets_a_longer_interval() {
    let transport = Arc::new(
        ScriptedTransport::default()
            .script("a.test/robots.txt", vec![answer(404, &[], "")])
            .script(
                "a.test/1",
                vec![Scripted {
                    delay: Duration::from_secs(2),
                    ..answer(200, &[], "slow")
                }],
            )
            .script("a.test/2", vec![answer(200, &[], "fast")]),
    );
    let fetcher = fetcher(settings(), &transport);
    fetcher
        .fetch(&allowed("http://a.test/1"), &options(1000))
        .await;
    let report = fetcher
        .fetch(&allowed("http://a.test/2"), &options(1000))
        .await;
    assert_eq!(
        report.captures[0].politeness.interval,
        Duration::from_secs(10)
    );
    let requests = transport.requests_to("a.test");
    assert!(requests[2].1 >= requests[1].2 + Duration::from_secs(10));
}

#[tokio::test(start_paused = true)]
async fn unreadable_robots_disallows_until_it_recovers() {
    let transport = Arc::new(
        ScriptedTransport::default()
            .script(
                "a.test/robots.txt",
                vec![
                    answer(500, &[], ""),
                    answer(200, &[], "User-agent: *\nAllow: /\n"),
                ],
            )
            .script("a.test/1", vec![answer(200, &[], "ok")])
            .script(
                "c.test/robots.txt",
                vec![answer(301, &[("location", "/robots-moved.txt")], "")],
            )
            .script(
                "c.test/robots-moved.txt",
                vec![answer(200, &[], "User-agent: *\nDisallow: /no/\n")],
            )
            .script(
                "d.test/robots.txt",
                vec![answer(
                    302,
                    &[("location", "http://other.test/robots.txt")],
                    "",
                )],
            ),
    );
    let fetcher = fetcher(settings(), &transport);
    let first = fetcher
        .fetch(&allowed("http://a.test/1"), &options(100))
        .await;
    assert!(
        matches!(first.outcome, CrawlOutcome::RobotsUnavailable(_)),
        "{:?}",
        first.outcome
    );
    let second = fetcher
        .fetch(&allowed("http://a.test/1"), &options(100))
        .await;
    assert!(
        matches!(second.outcome, CrawlOutcome::Fetched { .. }),
        "{:?}",
        second.outcome
    );
    assert_spacing(&transport.requests_to("a.test"), Duration::from_millis(100));

    let moved = fetcher
        .fetch(&allowed("http://c.test/no/1"), &options(100))
        .await;
    assert!(
        matches!(moved.outcome, CrawlOutcome::DisallowedByRobots(_)),
        "{:?}",
        moved.outcome
    );
    assert_eq!(moved.captures.len(), 2);
    let elsewhere = fetcher
        .fetch(&allowed("http://d.test/1"), &options(100))
        .await;
    assert!(matches!(
        elsewhere.outcome,
        CrawlOutcome::RobotsUnavailable(_)
    ));
    assert!(transport.requests_to("other.test").is_empty());
}

/// A robots cache in memory, as the store would keep it.
#[derive(Default)]
struct MemoryCache(Mutex<HashMap<String, StoredRobots>>);

impl RobotsCache for MemoryCache {
    fn load<'a>(
        &'a self,
        host_key: &'a str,
    ) -> Pin<Box<dyn Future<Output = Option<StoredRobots>> + Send + 'a>> {
        Box::pin(async move { self.0.lock().unwrap().get(host_key).cloned() })
    }

    fn save<'a>(
        &'a self,
        host_key: &'a str,
        robots: StoredRobots,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(async move {
            self.0.lock().unwrap().insert(host_key.to_owned(), robots);
        })
    }
}

#[tokio::test(start_paused = true)]
async fn the_persisted_robots_cache_spares_the_next_run_a_fetch() {
    let transport = Arc::new(
        ScriptedTransport::default()
            .script(
                "a.test/robots.txt",
                vec![answer(200, &[], "User-agent: *\nDisallow: /no/\n")],
            )
            .script("a.test/1", vec![answer(200, &[], "ok")]),
    );
    let cache = Arc::new(MemoryCache::default());
    let first_run = fetcher(settings(), &transport).with_robots_cache(cache.clone());
    first_run
        .fetch(&allowed("http://a.test/1"), &options(100))
        .await;
    let second_run = fetcher(settings(), &transport).with_robots_cache(cache.clone());
    let report = second_run
        .fetch(&allowed("http://a.test/no/x"), &options(100))
        .await;
    assert!(matches!(
        report.outcome,
        CrawlOutcome::DisallowedByRobots(_)
    ));
    assert!(report.events.contains(&PolitenessEvent::RobotsFromCache));
    assert_eq!(transport.requests_to("a.test/robots.txt").len(), 1);
    let without_cache = fetcher(settings(), &transport).with_robots_cache(Arc::new(NoRobotsCache));
    without_cache
        .fetch(&allowed("http://a.test/1"), &options(100))
        .await;
    assert_eq!(transport.requests_to("a.test/robots.txt").len(), 2);
}

#[tokio::test(start_paused = true)]
async fn the_global_cap_bounds_requests_in_flight() {
    let mut transport = ScriptedTransport::default();
    for host in ["a", "b", "c"] {
        transport = transport
            .script(
                &format!("{host}.test/robots.txt"),
                vec![answer(404, &[], "")],
            )
            .script(
                &format!("{host}.test/1"),
                vec![Scripted {
                    delay: Duration::from_secs(1),
                    ..answer(200, &[], "x")
                }],
            );
    }
    let transport = Arc::new(transport);
    let mut settings = settings();
    settings.max_concurrent_requests = 1;
    let fetcher = Arc::new(fetcher(settings, &transport));
    let mut tasks = Vec::new();
    for host in ["a", "b", "c"] {
        let fetcher = fetcher.clone();
        tasks.push(tokio::spawn(async move {
            fetcher
                .fetch(&allowed(&format!("http://{host}.test/1")), &options(10))
                .await
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut log = transport.log();
    log.sort_by_key(|(_, started, _)| *started);
    for pair in log.windows(2) {
        assert!(
            pair[1].1 >= pair[0].2,
            "{} overlaps {}",
            pair[1].0,
            pair[0].0
        );
    }
}

/// A host journal in memory, shared by the fetchers of a test as the store
/// is shared by successive processes.
#[derive(Default)]
struct MemoryJournal {
    hosts: Mutex<HashMap<String, cartograph_fetch::HostPacing>>,
}

impl cartograph_fetch::HostJournal for MemoryJournal {
    fn load<'a>(
        &'a self,
        host_key: &'a str,
    ) -> Pin<Box<dyn Future<Output = cartograph_fetch::PacingLookup> + Send + 'a>> {
        let stored = self.hosts.lock().unwrap().get(host_key).cloned();
        Box::pin(async move {
            match stored {
                Some(pacing) => cartograph_fetch::PacingLookup::Known(pacing),
                None => cartograph_fetch::PacingLookup::NeverSeen,
            }
        })
    }

    fn save<'a>(
        &'a self,
        host_key: &'a str,
        pacing: cartograph_fetch::HostPacing,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        self.hosts
            .lock()
            .unwrap()
            .insert(host_key.to_owned(), pacing);
        Box::pin(async {})
    }
}

fn journalled_fetcher(
    transport: &Arc<ScriptedTransport>,
    journal: &Arc<MemoryJournal>,
    epoch: Instant,
) -> Fetcher {
    Fetcher::with_transport(
        settings(),
        Arc::new(TestClock {
            epoch,
            utc_epoch: utc_epoch(),
        }),
        transport.clone(),
    )
    .with_host_journal(journal.clone())
}

#[tokio::test(start_paused = true)]
async fn a_new_fetcher_counts_the_interval_from_the_last_request_of_the_one_before() {
    let transport = Arc::new(
        ScriptedTransport::default()
            .script("a.test/robots.txt", vec![answer(200, &[], "")])
            .script("a.test/l/1", vec![answer(200, &[], "1")])
            .script("a.test/l/2", vec![answer(200, &[], "2")]),
    );
    let journal = Arc::new(MemoryJournal::default());
    let epoch = Instant::now();
    let first = journalled_fetcher(&transport, &journal, epoch);
    first
        .fetch(&allowed("http://a.test/l/1"), &options(1000))
        .await;
    drop(first);
    // A new process: no memory of the host but the journal's.
    let second = journalled_fetcher(&transport, &journal, epoch);
    second
        .fetch(&allowed("http://a.test/l/2"), &options(1000))
        .await;
    let requests = transport.requests_to("a.test");
    assert_eq!(requests.len(), 4, "robots.txt again (no cache) and l/2");
    assert_spacing(&requests, Duration::from_millis(1000));
}

#[tokio::test(start_paused = true)]
async fn a_request_cut_off_by_a_crash_makes_the_next_process_wait_a_full_interval() {
    let transport = Arc::new(
        ScriptedTransport::default()
            .script("a.test/robots.txt", vec![answer(200, &[], "")])
            .script("a.test/l/1", vec![answer(200, &[], "1")]),
    );
    let journal = Arc::new(MemoryJournal::default());
    let epoch = Instant::now();
    // The dead process had sent a request at the epoch and never finished.
    journal.hosts.lock().unwrap().insert(
        "a.test:80".to_owned(),
        cartograph_fetch::HostPacing {
            in_flight_since: Some(utc_epoch()),
            ..Default::default()
        },
    );
    tokio::time::advance(Duration::from_millis(300)).await;
    let restarted = Instant::now();
    let fetcher = journalled_fetcher(&transport, &journal, epoch);
    fetcher
        .fetch(&allowed("http://a.test/l/1"), &options(1000))
        .await;
    let requests = transport.requests_to("a.test");
    assert!(
        requests[0].1 >= restarted + Duration::from_millis(1000),
        "first request {:?} after the restart",
        requests[0].1 - restarted
    );
    let stored = journal.hosts.lock().unwrap()["a.test:80"].clone();
    assert_eq!(stored.in_flight_since, None, "{stored:?}");
    assert!(stored.last_finished_at.is_some());
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_outlives_the_process_that_was_told() {
    let transport = Arc::new(
        ScriptedTransport::default()
            .script("a.test/robots.txt", vec![answer(200, &[], "")])
            .script(
                "a.test/l/1",
                vec![answer(503, &[("retry-after", "20")], "busy")],
            )
            .script("a.test/l/2", vec![answer(200, &[], "2")]),
    );
    let journal = Arc::new(MemoryJournal::default());
    let epoch = Instant::now();
    let settings = FetchSettings {
        max_retries: 0,
        ..settings()
    };
    let first = Fetcher::with_transport(
        settings,
        Arc::new(TestClock {
            epoch,
            utc_epoch: utc_epoch(),
        }),
        transport.clone(),
    )
    .with_host_journal(journal.clone());
    first
        .fetch(&allowed("http://a.test/l/1"), &options(1000))
        .await;
    let told_at = transport.requests_to("a.test")[1].2;
    drop(first);
    let second = journalled_fetcher(&transport, &journal, epoch);
    second
        .fetch(&allowed("http://a.test/l/2"), &options(1000))
        .await;
    let requests = transport.requests_to("a.test");
    let next = requests.last().unwrap();
    assert!(
        next.1 >= told_at + Duration::from_secs(20),
        "{:?} after the 503",
        next.1 - told_at
    );
}

#[tokio::test(start_paused = true)]
async fn urgent_work_on_a_host_goes_before_waiting_scheduled_pages_at_the_same_pace() {
    let mut transport =
        ScriptedTransport::default().script("a.test/robots.txt", vec![answer(200, &[], "")]);
    for page in 1..=6 {
        transport = transport.script(&format!("a.test/l/{page}"), vec![answer(200, &[], "x")]);
    }
    let transport = Arc::new(transport);
    let fetcher = Arc::new(fetcher(settings(), &transport));
    // Robots and a first scheduled page, so the host is busy and paced.
    fetcher
        .fetch(&allowed("http://a.test/l/1"), &options(1000))
        .await;
    let scheduled = {
        let fetcher = fetcher.clone();
        tokio::spawn(async move {
            for page in 2..=3 {
                fetcher
                    .fetch(&allowed(&format!("http://a.test/l/{page}")), &options(1000))
                    .await;
            }
        })
    };
    tokio::task::yield_now().await;
    let hold = fetcher.hold_urgent("a.test:80");
    let urgent = FetchOptions {
        urgent: true,
        ..options(1000)
    };
    for page in 4..=6 {
        fetcher
            .fetch(&allowed(&format!("http://a.test/l/{page}")), &urgent)
            .await;
    }
    drop(hold);
    scheduled.await.unwrap();
    let order: Vec<String> = transport
        .requests_to("a.test")
        .into_iter()
        .map(|(key, _, _)| key)
        .collect();
    // l/2 was already waiting at the gate when the hold came; every page
    // after it waits for the urgent ones.
    assert_eq!(
        order,
        [
            "a.test/robots.txt",
            "a.test/l/1",
            "a.test/l/2",
            "a.test/l/4",
            "a.test/l/5",
            "a.test/l/6",
            "a.test/l/3"
        ]
    );
    assert_spacing(
        &transport.requests_to("a.test"),
        Duration::from_millis(1000),
    );
}
