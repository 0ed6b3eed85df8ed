//! Throughput of the whole extractor on one core: `extract_page` (decode →
//! prepare → parse → cards → every signal), in MB/s of listing HTML, on
//! farm listing pages of every template (no profiles, the farm's own
//! headers) and on the hand-written fixtures; plus decode + parse alone,
//! the floor any extraction on a scraper DOM stands on. Run once: `cargo
//! bench -p cartograph-extract --bench throughput`.
//!
//! Criterion measures wall-clock time, which on a shared machine counts the
//! time other processes hold the core. After it, the bench prints the same
//! figures per second of this process's own CPU time (user + system, from
//! `/proc/self/stat`, over at least three CPU seconds each): the figure
//! for "MB/s per core". It is skipped where `/proc` is missing.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use cartograph_config::SiteSpec;
use cartograph_extract::{
    decode_html, extract_page, find_cards, warm_up, ExtractionContext, LexiconSet, LinkageKey,
};
use cartograph_farm::{Farm, FarmSpec};
use chrono::{DateTime, Utc};
use criterion::{criterion_group, Criterion, Throughput};
use url::Url;

struct Page {
    site: SiteSpec,
    url: Url,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn site_spec(id: &str, country: &str, seed_url: &str, host: &str) -> SiteSpec {
    let text = format!(
        "[crawler]\nuser_agent = \"cartograph-bench\"\ncontact = \"mailto:unit@example.org\"\n\
         [[site]]\nid = \"{id}\"\nname = \"{id}\"\ncountry = \"{country}\"\nseeds = [\"{seed_url}\"]\n\
         listing = [\"http://{host}/*\"]\n"
    );
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
    cartograph_config::parse(&text, Path::new("bench.toml"), today)
        .expect("bench site entry is valid")
        .config
        .sites
        .remove(0)
}

fn fixture_pages() -> Vec<Page> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/extract");
    let mut paths: Vec<_> = std::fs::read_dir(directory)
        .expect("fixtures/extract exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .collect();
    paths.sort();
    let site = site_spec(
        "fixtures",
        "AT",
        "http://bench.example.test/list/",
        "bench.example.test",
    );
    paths
        .into_iter()
        .map(|path| Page {
            site: site.clone(),
            url: Url::parse("http://bench.example.test/list/").expect("constant URL parses"),
            headers: Vec::new(),
            body: std::fs::read(path).expect("readable fixture"),
        })
        .collect()
}

/// Up to four listing pages of each of 40 farm sites (five per template),
/// by template, and the farm's "now".
fn farm_pages() -> (BTreeMap<String, Vec<Page>>, DateTime<Utc>) {
    let farm = Farm::new(FarmSpec {
        seed: 1,
        sites: 40,
        day: 0,
    });
    let mut by_template: BTreeMap<String, Vec<Page>> = BTreeMap::new();
    for (site, truth) in farm.sites().iter().zip(&farm.truth().sites) {
        let spec = site_spec(&site.id, &site.country, &site.seeds[0], &site.host);
        for page in truth.pages.iter().chain(&truth.disallowed_pages).take(4) {
            let response = farm.render(&site.host, &page.url_path);
            by_template
                .entry(format!("{:?}", site.template))
                .or_default()
                .push(Page {
                    site: spec.clone(),
                    url: Url::parse(&format!("http://{}{}", site.host, page.url_path))
                        .expect("farm URLs parse"),
                    headers: response
                        .headers
                        .iter()
                        .map(|(name, value)| ((*name).to_owned(), value.clone()))
                        .collect(),
                    body: response.body,
                });
        }
    }
    (by_template, farm.truth().now.and_utc())
}

fn run_extract(pages: &[Page], context: &ExtractionContext<'_>) {
    for page in pages {
        black_box(extract_page(
            &page.site,
            &page.url,
            &page.headers,
            &page.body,
            context,
        ));
    }
}

fn run_parse(pages: &[Page]) {
    for page in pages {
        let decoded = decode_html(&page.headers, &page.body);
        black_box(scraper::Html::parse_document(&decoded.text));
    }
}

fn run_cards(pages: &[Page]) {
    for page in pages {
        let decoded = decode_html(&page.headers, &page.body);
        let document = scraper::Html::parse_document(&decoded.text);
        black_box(find_cards(&document, &page.url, None));
    }
}

fn bytes_of(pages: &[&Page]) -> usize {
    pages.iter().map(|page| page.body.len()).sum()
}

fn throughput(criterion: &mut Criterion) {
    warm_up();
    let lexicons = LexiconSet::built_in();
    let key = LinkageKey::new([7; 32]);
    let (by_template, now) = farm_pages();
    let context = ExtractionContext {
        lexicons: &lexicons,
        linkage_key: &key,
        captured_at: now,
    };
    let mut group = criterion.benchmark_group("extract_page");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    for (template, pages) in &by_template {
        group.throughput(Throughput::Bytes(
            bytes_of(&pages.iter().collect::<Vec<_>>()) as u64,
        ));
        group.bench_function(template.as_str(), |bencher| {
            bencher.iter(|| run_extract(pages, &context))
        });
    }
    let all: Vec<Page> = by_template.into_values().flatten().collect();
    group.throughput(Throughput::Bytes(
        bytes_of(&all.iter().collect::<Vec<_>>()) as u64
    ));
    group.bench_function("farm, all templates", |bencher| {
        bencher.iter(|| run_extract(&all, &context))
    });
    group.bench_function("farm, decode+parse only", |bencher| {
        bencher.iter(|| run_parse(&all))
    });
    let fixtures = fixture_pages();
    group.throughput(Throughput::Bytes(
        bytes_of(&fixtures.iter().collect::<Vec<_>>()) as u64,
    ));
    group.bench_function("fixtures", |bencher| {
        bencher.iter(|| run_extract(&fixtures, &context))
    });
    group.finish();
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

fn cpu_time(label: &str, bytes: usize, run: &dyn Fn()) {
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
        "cpu-time {label}: {:.1} MB/s ({rounds} rounds of {bytes} bytes in {used:.2} s CPU)",
        (bytes * rounds) as f64 / used / 1e6
    );
}

fn cpu_time_summary() {
    let lexicons = LexiconSet::built_in();
    let key = LinkageKey::new([7; 32]);
    let (by_template, now) = farm_pages();
    let context = ExtractionContext {
        lexicons: &lexicons,
        linkage_key: &key,
        captured_at: now,
    };
    for (template, pages) in &by_template {
        let bytes = bytes_of(&pages.iter().collect::<Vec<_>>());
        cpu_time(
            &format!("extract_page/{template} ({} pages)", pages.len()),
            bytes,
            &|| run_extract(pages, &context),
        );
    }
    let all: Vec<Page> = by_template.into_values().flatten().collect();
    let bytes = bytes_of(&all.iter().collect::<Vec<_>>());
    cpu_time(
        &format!("extract_page/farm, all templates ({} pages)", all.len()),
        bytes,
        &|| run_extract(&all, &context),
    );
    cpu_time("decode+parse only/farm", bytes, &|| run_parse(&all));
    cpu_time("decode+parse+find_cards/farm", bytes, &|| run_cards(&all));
    let fixtures = fixture_pages();
    let bytes = bytes_of(&fixtures.iter().collect::<Vec<_>>());
    cpu_time(
        &format!("extract_page/fixtures ({} pages)", fixtures.len()),
        bytes,
        &|| run_extract(&fixtures, &context),
    );
}

criterion_group!(benches, throughput);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    cpu_time_summary();
}
