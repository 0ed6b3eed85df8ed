//! Prints the extractor's quality against a farm's truth, without profiles
//! rendered and extracted in process: `cargo run --release -p
//! cartograph-quality --example quality_report -- [SEED] [SITES] [DAY]
//! [PAGES_PER_SITE]`. For BENCHMARKS.md; the test asserts the bars on a
//! smaller farm, `cartograph bench quality` measures a real crawl.

use cartograph_quality as harness;

fn main() {
    let arguments: Vec<u64> = std::env::args()
        .skip(1)
        .map(|argument| argument.parse().expect("numeric arguments"))
        .collect();
    let argument = |index: usize, default: u64| arguments.get(index).copied().unwrap_or(default);
    let options = harness::QualityOptions {
        seed: argument(0, 20_251_128),
        sites: argument(1, 40) as usize,
        day: argument(2, 3) as u32,
        max_pages_per_site: argument(3, 6) as usize,
    };
    let started = std::time::Instant::now();
    let report = harness::evaluate_against_truth(options);
    println!("{options:?}");
    println!("{}", harness::render(&report));
    if std::env::var_os("QUALITY_PROBLEMS").is_some() {
        for problem in report.problems.iter().chain(&report.samples) {
            println!("{problem}");
        }
    }
    eprintln!("evaluated in {:?}", started.elapsed());
}
