//! Quality against the farm's truth, without profiles (see `harness.rs`):
//! the bars of issue 6 must hold on every template.

mod harness;

use harness::{evaluate_against_truth, render, QualityOptions};

#[test]
fn scratch_report() {
    let report = evaluate_against_truth(QualityOptions {
        seed: 20_251_128,
        sites: 40,
        day: 3,
        max_pages_per_site: 6,
    });
    println!("{}", render(&report));
    for problem in report.problems.iter().chain(&report.samples) {
        println!("{problem}");
    }
}
