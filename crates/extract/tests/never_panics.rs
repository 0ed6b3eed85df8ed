//! Hostile input is survived: arbitrary bytes, mutated fixture and farm
//! pages, absurd nesting and width go through decoding, parsing, the card
//! finder (with and without a profile), next-page detection and both
//! fingerprints without a panic, and what comes out keeps its invariants.

use std::path::Path;
use std::sync::OnceLock;

use cartograph_config::ExtractionProfile;
use cartograph_extract::{
    decode_html, find_cards, find_next_page, template_fingerprint, text_fingerprint, CardSet,
    ExtractionMethod,
};
use cartograph_farm::{Farm, FarmSpec};
use proptest::prelude::*;
use url::Url;

fn page_url() -> Url {
    Url::parse("http://hostile.example.test/list/?page=3").unwrap()
}

fn profile() -> ExtractionProfile {
    ExtractionProfile {
        ad: "article, tr, li".to_owned(),
        link: Some("a".to_owned()),
        date: Some("time, .posted".to_owned()),
        price: Some(".price".to_owned()),
        location: Some(".city".to_owned()),
        next: Some("a[rel=next]".to_owned()),
    }
}

fn check_invariants(card_set: &CardSet) {
    assert!(
        (0.0..=1.0).contains(&card_set.confidence),
        "{}",
        card_set.confidence
    );
    if card_set.cards.is_empty() {
        assert_eq!(card_set.method, ExtractionMethod::None);
        assert_eq!(card_set.confidence, 0.0);
    }
    let mut keys: Vec<&str> = card_set
        .cards
        .iter()
        .map(|card| card.ad_key.as_str())
        .collect();
    keys.sort_unstable();
    let before = keys.len();
    keys.dedup();
    assert_eq!(before, keys.len(), "cards are distinct by key");
    for card in &card_set.cards {
        assert_eq!(card.ad_key.as_str().len(), 32);
        assert!(!card.text.contains("  "));
        assert_eq!(card.text_fingerprint, text_fingerprint(&card.text));
    }
}

/// Everything a page goes through.
fn run_everything(headers: &[(String, String)], body: &[u8]) {
    let decoded = decode_html(headers, body);
    let document = scraper::Html::parse_document(&decoded.text);
    let url = page_url();
    check_invariants(&find_cards(&document, &url, None));
    check_invariants(&find_cards(&document, &url, Some(&profile())));
    let _ = find_next_page(&document, &url);
    let print = template_fingerprint(&document);
    assert_eq!(cartograph_extract::similarity(&print, &print), 1.0);
}

/// The fixture pages and a few farm pages: the seeds of mutation.
fn seed_pages() -> &'static [Vec<u8>] {
    static PAGES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/extract");
        let mut pages: Vec<Vec<u8>> = std::fs::read_dir(directory)
            .unwrap()
            .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
            .collect();
        let farm = Farm::new(FarmSpec {
            seed: 11,
            sites: 4,
            day: 0,
        });
        for (site, truth) in farm.sites().iter().zip(&farm.truth().sites) {
            pages.push(farm.render(&site.host, &truth.pages[0].url_path).body);
        }
        pages
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, length: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Duplicate { at: usize, length: usize },
    Truncate { at: usize },
    Splice { at: usize, markup: &'static str },
}

const MARKUP: &[&str] = &[
    "<",
    ">",
    "</div>",
    "<div class=\"card\">",
    "<a href=\"/ad/9\">",
    "<tr>",
    "</table>",
    "<script>",
    "<!--",
    "-->",
    "\"",
    "<meta charset=koi8-r>",
    "<li><a href=x>y</a>",
    "<script type=\"application/ld+json\">{\"@type\":\"ItemList\",\"itemListElement\":[",
    "\u{FFFD}",
    "&#x0;",
    "<base href=\"javascript:x\">",
    "<a href=\"http://[::1\">",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..200).prop_map(|(at, length)| Mutation::Delete { at, length }),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..40)
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1usize..400).prop_map(|(at, length)| Mutation::Duplicate { at, length }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), proptest::sample::select(MARKUP))
            .prop_map(|(at, markup)| Mutation::Splice { at, markup }),
    ]
}

fn mutate(page: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = page.to_vec();
    for mutation in mutations {
        let length = bytes.len().max(1);
        match mutation {
            Mutation::Delete { at, length: cut } => {
                let start = at % length;
                let end = (start + cut).min(bytes.len());
                bytes.drain(start.min(end)..end);
            }
            Mutation::Insert {
                at,
                bytes: inserted,
            } => {
                let position = at % (bytes.len() + 1);
                bytes.splice(position..position, inserted.iter().copied());
            }
            Mutation::Duplicate { at, length: copied } => {
                let start = at % length;
                let end = (start + copied).min(bytes.len());
                let copy: Vec<u8> = bytes[start.min(end)..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Mutation::Truncate { at } => bytes.truncate(at % length),
            Mutation::Splice { at, markup } => {
                let position = at % (bytes.len() + 1);
                bytes.splice(position..position, markup.bytes());
            }
        }
    }
    bytes
}

fn content_type() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::sample::select(vec![
        "",
        "text/html",
        "text/html; charset=utf-8",
        "text/html; charset=windows-1251",
        "text/html; charset=\"koi8-r",
        "text/html; charset=utf-16le",
        "text/html; charset=x-user-defined",
        "text/html; charset=",
    ])
    .prop_map(|value| {
        if value.is_empty() {
            Vec::new()
        } else {
            vec![("Content-Type".to_owned(), value.to_owned())]
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_are_survived(
        headers in content_type(),
        body in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        run_everything(&headers, &body);
    }

    #[test]
    fn mutated_pages_are_survived(
        headers in content_type(),
        page_index in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..8),
    ) {
        let pages = seed_pages();
        let page = &pages[page_index % pages.len()];
        run_everything(&headers, &mutate(page, &mutations));
    }
}

#[test]
fn absurd_nesting_and_width_are_survived_quickly() {
    let started = std::time::Instant::now();
    // 3,000 open elements. Far deeper nesting is slow in html5ever itself
    // (20,000 levels took 108 s to parse in a debug build, quadratic in the
    // open-element stack), which a depth cap before parsing must handle;
    // this checks that nothing of ours recurses on depth.
    let deep = format!(
        "<html><body>{}<article><a href=/ad/1>deep card text</a></article>{}</body></html>",
        "<div><span>".repeat(1_500),
        "</span></div>".repeat(1_500)
    );
    run_everything(&[], deep.as_bytes());
    let wide: String = (0..10_000)
        .map(|index| {
            format!("<x-tag{index}><a href=/ad/{index}>card {index} text</a></x-tag{index}>")
        })
        .collect();
    run_everything(&[], format!("<body><div>{wide}</div></body>").as_bytes());
    let many_links: String = (0..5_000)
        .map(|index| format!("<a href=/l/{index}><b>link {index}</b></a>"))
        .collect();
    let two_link_walls =
        format!("<body><div><li>{many_links}</li><li>{many_links}</li></div></body>");
    run_everything(&[], two_link_walls.as_bytes());
    let nested_json = format!(
        "<script type=application/ld+json>{}{}</script>",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    run_everything(&[], nested_json.as_bytes());
    // Debug build, shared machine: generous, but catches quadratic blow-ups.
    assert!(started.elapsed().as_secs() < 40, "{:?}", started.elapsed());
}
