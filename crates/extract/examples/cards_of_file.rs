//! Runs the profile-less card finder on saved pages and prints what it
//! found: `cargo run -p cartograph-extract --example cards_of_file -- PAGE
//! [URL] [--links]`. For judging the generic finder on pages nobody here
//! wrote (a saved listing page); it prints counts and, with `--links`, the
//! ad links, never card text.

use std::process::ExitCode;

use cartograph_extract::{decode_html, find_cards, find_next_page, template_fingerprint};
use url::Url;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let show_links = arguments.iter().any(|argument| argument == "--links");
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
