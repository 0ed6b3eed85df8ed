//! Throughput of listing HTML → ad cards on one core: decode + parse +
//! `find_cards` (no profile), in MB/s of page bytes, on the hand-written
//! fixtures and on farm listing pages; plus each stage alone, to show where
//! the time goes. Run once: `cargo bench -p cartograph-extract --bench
//! throughput`.
//!
//! Criterion measures wall-clock time, which on a shared machine counts the
//! time other processes hold the core. After it, the bench prints the same
//! stages per second of this process's own CPU time (user + system, from
//! `/proc/self/stat`, over at least three CPU seconds per stage): the
//! figure for "MB/s per core". It is skipped where `/proc` is missing.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use cartograph_extract::{decode_html, find_cards, find_next_page, template_fingerprint};
use cartograph_farm::{Farm, FarmSpec};
use criterion::{criterion_group, Criterion, Throughput};
use url::Url;

struct Page {
    url: Url,
    body: Vec<u8>,
}

fn fixture_pages() -> Vec<Page> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/extract");
    let mut paths: Vec<_> = std::fs::read_dir(directory)
        .expect("fixtures/extract exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| Page {
            url: Url::parse("http://bench.example.test/list/").expect("constant URL parses"),
            body: std::fs::read(path).expect("readable fixture"),
        })
        .collect()
}

fn farm_pages() -> Vec<Page> {
    let farm = Farm::new(FarmSpec {
        seed: 1,
        sites: 8,
        day: 0,
    });
    let mut pages = Vec::new();
    for (site, truth) in farm.sites().iter().zip(&farm.truth().sites) {
        for page in truth.pages.iter().chain(&truth.disallowed_pages) {
            pages.push(Page {
                url: Url::parse(&format!("http://{}{}", site.host, page.url_path))
                    .expect("farm URLs parse"),
                body: farm.render(&site.host, &page.url_path).body,
            });
        }
    }
    pages
}

fn bench_corpus(criterion: &mut Criterion, name: &str, pages: &[Page]) {
    let bytes: usize = pages.iter().map(|page| page.body.len()).sum();
    let mut group = criterion.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(4));

    group.bench_function("decode+parse+find_cards", |bencher| {
        bencher.iter(|| {
            for page in pages {
                let decoded = decode_html(&[], &page.body);
                let document = scraper::Html::parse_document(&decoded.text);
                black_box(find_cards(&document, &page.url, None));
            }
        })
    });
    group.bench_function("decode", |bencher| {
        bencher.iter(|| {
            for page in pages {
                black_box(decode_html(&[], &page.body));
            }
        })
    });
    group.bench_function("decode+parse", |bencher| {
        bencher.iter(|| {
            for page in pages {
                let decoded = decode_html(&[], &page.body);
                black_box(scraper::Html::parse_document(&decoded.text));
            }
        })
    });
    // scraper's Html is built once per page here: only the finder is timed.
    let documents: Vec<scraper::Html> = pages
        .iter()
        .map(|page| scraper::Html::parse_document(&decode_html(&[], &page.body).text))
        .collect();
    group.bench_function("find_cards", |bencher| {
        bencher.iter(|| {
            for (page, document) in pages.iter().zip(&documents) {
                black_box(find_cards(document, &page.url, None));
            }
        })
    });
    group.bench_function("find_next_page", |bencher| {
        bencher.iter(|| {
            for (page, document) in pages.iter().zip(&documents) {
                black_box(find_next_page(document, &page.url));
            }
        })
    });
    group.bench_function("template_fingerprint", |bencher| {
        bencher.iter(|| {
            for document in &documents {
                black_box(template_fingerprint(document));
            }
        })
    });
    group.finish();
}

fn throughput(criterion: &mut Criterion) {
    bench_corpus(criterion, "fixtures", &fixture_pages());
    bench_corpus(criterion, "farm", &farm_pages());
}

/// One stage over a corpus, repeated until it used `CPU_SECONDS` of CPU.
const CPU_SECONDS: f64 = 3.0;

/// This process's user + system CPU time in seconds, if `/proc` says.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split(' ').collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    // Clock ticks; USER_HZ is 100 on every Linux this runs on.
    Some((user + system) / 100.0)
}

fn cpu_time_summary(name: &str, pages: &[Page]) {
    let bytes: usize = pages.iter().map(|page| page.body.len()).sum();
    let documents: Vec<scraper::Html> = pages
        .iter()
        .map(|page| scraper::Html::parse_document(&decode_html(&[], &page.body).text))
        .collect();
    let stages: [(&str, &dyn Fn()); 4] = [
        ("decode+parse+find_cards", &|| {
            for page in pages {
                let decoded = decode_html(&[], &page.body);
                let document = scraper::Html::parse_document(&decoded.text);
                black_box(find_cards(&document, &page.url, None));
            }
        }),
        ("decode+parse", &|| {
            for page in pages {
                black_box(scraper::Html::parse_document(
                    &decode_html(&[], &page.body).text,
                ));
            }
        }),
        ("find_cards", &|| {
            for (page, document) in pages.iter().zip(&documents) {
                black_box(find_cards(document, &page.url, None));
            }
        }),
        ("template_fingerprint", &|| {
            for document in &documents {
                black_box(template_fingerprint(document));
            }
        }),
    ];
    for (stage, run) in stages {
        let Some(start) = process_cpu_seconds() else {
            println!("cpu-time summary skipped: /proc/self/stat unreadable");
            return;
        };
        let mut rounds = 0usize;
        let mut used = 0.0;
        while used < CPU_SECONDS {
            run();
            rounds += 1;
            used = process_cpu_seconds().unwrap_or(start) - start;
        }
        println!(
            "cpu-time {name}/{stage}: {:.1} MB/s ({rounds} rounds of {bytes} bytes in {used:.2} s CPU)",
            (bytes * rounds) as f64 / used / 1e6
        );
    }
}

criterion_group!(benches, throughput);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    cpu_time_summary("fixtures", &fixture_pages());
    cpu_time_summary("farm", &farm_pages());
}
