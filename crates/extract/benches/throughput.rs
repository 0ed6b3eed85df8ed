//! Throughput of listing HTML → ad cards on one core: decode + parse +
//! `find_cards` (no profile), in MB/s of page bytes, on the hand-written
//! fixtures and on farm listing pages; plus each stage alone, to show where
//! the time goes. Run once: `cargo bench -p cartograph-extract --bench
//! throughput`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use cartograph_extract::{decode_html, find_cards, find_next_page, template_fingerprint};
use cartograph_farm::{Farm, FarmSpec};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
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
                body: farm.render(&site.host, &page.url_path).body.into_bytes(),
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

criterion_group!(benches, throughput);
criterion_main!(benches);
