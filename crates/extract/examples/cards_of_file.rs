//! Runs the profile-less card finder and the whole `extract_page` on a
//! saved page and prints what they found: `cargo run --release -p
//! cartograph-extract --example cards_of_file -- PAGE [URL] [--country=XX]
//! [--links]`. For judging the extractor on pages nobody here wrote (a
//! saved listing page); it prints counts and, with `--links`, the ad links,
//! never card text or contact details.

use std::process::ExitCode;

use cartograph_extract::{
    aggregate_site, decode_html, extract_page, find_cards, find_next_page, template_fingerprint,
    warm_up, ExtractionContext, LexiconSet, LinkageKey,
};
use url::Url;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let show_links = arguments.iter().any(|argument| argument == "--links");
    let country = arguments
        .iter()
        .find_map(|argument| argument.strip_prefix("--country="))
        .unwrap_or("FR")
        .to_owned();
    let positional: Vec<&String> = arguments.iter().filter(|a| !a.starts_with("--")).collect();
    let Some(path) = positional.first() else {
        eprintln!("usage: cards_of_file PAGE [URL] [--links]");
        return ExitCode::from(2);
    };
    let page_url = match positional.get(1).map(|url| Url::parse(url)) {
        Some(Ok(url)) => url,
        Some(Err(error)) => {
            eprintln!("bad URL: {error}");
            return ExitCode::from(2);
        }
        None => Url::parse("http://saved.example.test/").expect("constant URL parses"),
    };
    let body = match std::fs::read(path) {
        Ok(body) => body,
        Err(error) => {
            eprintln!("cannot read {path}: {error}");
            return ExitCode::from(1);
        }
    };
    let started = std::time::Instant::now();
    let decoded = decode_html(&[], &body);
    let document = scraper::Html::parse_document(&decoded.text);
    let parsed = started.elapsed();
    let card_set = find_cards(&document, &page_url, None);
    let found = started.elapsed();
    let next = find_next_page(&document, &page_url);
    let fingerprint = template_fingerprint(&document);
    println!("file: {path} ({} bytes)", body.len());
    println!("encoding: {} ({:?})", decoded.encoding, decoded.source);
    println!(
        "method: {:?}  confidence: {:.2}  cards: {}  repeated: {}",
        card_set.method,
        card_set.confidence,
        card_set.cards.len(),
        card_set.repeated_cards
    );
    println!("next page: {}", next.as_ref().map_or("none", Url::as_str));
    println!("template fingerprint slots: {}", fingerprint.minima.len());
    println!("time: decode+parse {parsed:?}, +cards {found:?}");

    // The whole extractor, timed over repeated runs, and its signals.
    let site = site_entry(&page_url, &country);
    let lexicons = LexiconSet::built_in();
    let key = LinkageKey::new([1; 32]);
    let context = ExtractionContext {
        lexicons: &lexicons,
        linkage_key: &key,
        captured_at: chrono::Utc::now(),
    };
    warm_up();
    let headers = Vec::new();
    let started = std::time::Instant::now();
    let rounds = 20;
    let mut extraction = extract_page(&site, &page_url, &headers, &body, &context);
    for _ in 1..rounds {
        extraction = extract_page(&site, &page_url, &headers, &body, &context);
    }
    let per_page = started.elapsed() / rounds;
    let page = &extraction.indicators;
    let count = |test: &dyn Fn(&cartograph_extract::AdSignals) -> bool| {
        page.ads.iter().filter(|ad| test(ad)).count()
    };
    println!(
        "extract_page: {:?} per page ({:.1} MB/s wall clock); method {:?}, {} ads, counter {:?}, page language {:?}, charset {:?} ({:?})",
        per_page,
        body.len() as f64 / per_page.as_secs_f64() / 1e6,
        page.method,
        page.ads.len(),
        page.ad_counter,
        page.language.as_ref().map(|language| language.code.as_str()),
        page.charset,
        page.charset_source,
    );
    println!(
        "ads with a date {}, a price {}, a place {}, a language {}, a contact {}, a lexicon hit {}; tracking ids {}; warnings {:?}",
        count(&|ad| ad.posted.is_some()),
        count(&|ad| !ad.prices.is_empty()),
        count(&|ad| ad.place.is_some()),
        count(&|ad| ad.language.is_some()),
        count(&|ad| !ad.contact_kinds.is_empty()),
        count(&|ad| !ad.lexicon.is_empty()),
        page.tracking_ids.len(),
        page.warnings,
    );
    let indicators = aggregate_site(&site, [page], None, context.captured_at);
    println!(
        "site: ads seen {} ({} with reposts merged), distinct locations {}, scope {:?}, languages {:?}, category {:?} ({:.2})",
        indicators.ads_seen,
        indicators.ads_deduplicated,
        indicators.distinct_locations,
        indicators.scope,
        indicators.languages,
        indicators.category_predicted,
        indicators.category_confidence,
    );
    if show_links {
        for card in &card_set.cards {
            println!(
                "  {} ({} chars)",
                card.link.as_ref().map_or("-", Url::as_str),
                card.text.chars().count()
            );
        }
    }
    ExitCode::SUCCESS
}

/// A whitelist entry for the page's host, without a profile.
fn site_entry(page_url: &Url, country: &str) -> cartograph_config::SiteSpec {
    let host = page_url.host_str().unwrap_or("saved.example.test");
    let text = format!(
        "[crawler]\nuser_agent = \"cartograph-example\"\ncontact = \"mailto:unit@example.org\"\n\
         [[site]]\nid = \"saved\"\nname = \"saved\"\ncountry = \"{country}\"\nseeds = [\"{page_url}\"]\n\
         listing = [\"{}://{host}/*\"]\n",
        page_url.scheme()
    );
    let today = chrono::Utc::now().date_naive();
    match cartograph_config::parse(&text, std::path::Path::new("saved.toml"), today) {
        Ok(loaded) => loaded.config.sites[0].clone(),
        Err(error) => panic!("site entry for {page_url}: {error}"),
    }
}
