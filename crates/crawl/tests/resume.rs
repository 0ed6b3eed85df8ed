//! Resuming in process, against the farm: the window a SIGKILL rarely hits
//! (captures committed, the frontier batch that marks their pages done
//! lost) is made by hand, and the resumed run must take every page from
//! its committed capture — the farm is asked for nothing again — and end
//! with the same indicators.

use std::sync::Arc;
use std::time::Duration;

use cartograph_crawl::{CrawlPlan, Crawler, NoProgress};
use cartograph_farm::{ConfigOptions, Farm, FarmSpec};
use cartograph_fetch::SystemClock;
use cartograph_store::{
    FrontierState, FrontierUpdate, RunState, RunTrigger, SeenKind, SiteProgress, SiteRunRecord,
    SiteRunStatus, Store,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_whose_captures_were_committed_are_never_asked_for_again() {
    let farm = Arc::new(Farm::new(FarmSpec {
        seed: 4,
        sites: 2,
        day: 0,
    }));
    let running = cartograph_farm::spawn(farm.clone()).await.unwrap();
    let directory = tempfile::tempdir().unwrap();
    let config_path = directory.path().join("cartograph.toml");
    let text = farm.crawler_config(
        running.address,
        &ConfigOptions {
            min_interval: Duration::from_millis(20),
            store_path: "data".to_owned(),
            user_agent: "cartograph".to_owned(),
            contact: "mailto:test@example.org".to_owned(),
        },
    );
    let today = chrono::Utc::now().date_naive();
    let config = Arc::new(
        cartograph_config::parse(&text, &config_path, today)
            .unwrap()
            .config,
    );
    let store = Arc::new(Store::open(&directory.path().join("data")).unwrap());
    let crawler = Crawler::new(config.clone(), store.clone(), Arc::new(SystemClock)).unwrap();
    let (plan, _) = CrawlPlan::sites(&config, &[], RunTrigger::Manual, None, today);
    let first = crawler
        .start(&plan, Arc::new(NoProgress), std::future::pending())
        .await
        .unwrap();
    assert_eq!(first.state, RunState::Completed);
    let requests_before = farm.audit().len();

    // Undo the frontier and the site records as if every page-done batch
    // had been lost, captures and page indicators kept.
    let run_id = first.run_id;
    let mut run = store.run(run_id).unwrap().unwrap();
    run.state = RunState::Interrupted;
    for record in run.sites.values_mut() {
        *record = SiteRunRecord::pending();
        record.status = SiteRunStatus::Running;
    }
    store.put_run(&run).unwrap();
    for site in farm.sites() {
        let snapshot = store.frontier(run_id, &site.id).unwrap();
        // A finished site forgets its seen URLs; a crash before the end
        // would have left them, so they are put back.
        let seen = snapshot
            .entries
            .iter()
            .map(|entry| (entry.url.clone(), SeenKind::InScope))
            .collect();
        let entries = snapshot
            .entries
            .into_iter()
            .map(|mut entry| {
                entry.state = FrontierState::Queued;
                entry
            })
            .collect();
        let progress = snapshot.progress.unwrap();
        store
            .commit_frontier(
                run_id,
                &site.id,
                &FrontierUpdate {
                    entries,
                    seen,
                    progress: SiteProgress {
                        record: SiteRunRecord::pending(),
                        requests: 0,
                        faults: Vec::new(),
                        last_failure: None,
                        next_seq: progress.next_seq,
                    },
                },
            )
            .unwrap();
    }

    let resumed = crawler
        .resume(run_id, Arc::new(NoProgress), std::future::pending())
        .await
        .unwrap();
    assert_eq!(resumed.state, RunState::Completed);
    assert_eq!(
        farm.audit().len(),
        requests_before,
        "the farm was asked again: {:#?}",
        &farm.audit()[requests_before..]
    );
    for (before, after) in first.sites.iter().zip(&resumed.sites) {
        assert_eq!(before.site_id, after.site_id);
        assert_eq!(before.ads_seen, after.ads_seen, "{}", after.site_id);
        assert_eq!(
            before.pages_fetched, after.pages_fetched,
            "{}",
            after.site_id
        );
        assert!(
            after.outcomes["resumed-from-committed-capture"] > 0,
            "{:?}",
            after.outcomes
        );
    }
    let run = store.run(run_id).unwrap().unwrap();
    assert_eq!(run.resumptions.len(), 1);
    for site in &farm.truth().sites {
        let history = store.site_history(&site.site_id).unwrap();
        assert_eq!(history.len(), 1, "one row per site and run");
        assert_eq!(history[0].indicators.ads_seen, site.ads_total);
        let ads = store.ad_history(&site.site_id).unwrap();
        assert_eq!(ads.len(), 1);
        assert_eq!(ads[0].new_ads, site.ads_total as u64, "counted once");
    }
    running.shutdown().await.unwrap();
}
