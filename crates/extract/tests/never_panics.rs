//! Hostile input is survived: arbitrary bytes, mutated fixture and farm
//! pages (every template), absurd nesting, width, formatting and
//! attributes go through the whole `extract_page` (decoding, preparation,
//! parsing, cards, every signal) and the lower-level finders without a
//! panic, and what comes out keeps its invariants.
//!
//! The number of generated cases is `CARTOGRAPH_FUZZ_CASES` (default 64 per
//! property), so CI can run a longer, still bounded, campaign.

use std::path::Path;
use std::sync::OnceLock;

use cartograph_config::{ExtractionProfile, SiteSpec};
use cartograph_extract::{
    aggregate_site, decode_html, extract_page, find_cards, find_next_page, template_fingerprint,
    text_fingerprint, CardSet, ExtractionContext, ExtractionMethod, LexiconSet, LinkageKey,
    PageIndicators,
};
use cartograph_farm::{Farm, FarmSpec, SHOWCASE_SITES};
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

/// A whitelist entry, with or without a profile.
fn site(with_profile: bool) -> SiteSpec {
    let profile = if with_profile {
        "[site.profile]\nad = \"article, tr, li\"\nlink = \"a\"\ndate = \"time, .posted\"\nprice = \".price\"\nlocation = \".city\"\nnext = \"a[rel=next]\"\n"
    } else {
        ""
    };
    let text = format!(
        "[crawler]\nuser_agent = \"cartograph-test\"\ncontact = \"mailto:unit@example.org\"\n\
         [[site]]\nid = \"hostile\"\nname = \"Hostile\"\ncountry = \"AT\"\nlanguage_hint = \"de\"\n\
         seeds = [\"http://hostile.example.test/list/\"]\nlisting = [\"http://hostile.example.test/*\"]\n{profile}"
    );
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    cartograph_config::parse(&text, Path::new("hostile.toml"), today)
        .unwrap()
        .config
        .sites
        .remove(0)
}

fn lexicons() -> &'static LexiconSet {
    static LEXICONS: OnceLock<LexiconSet> = OnceLock::new();
    LEXICONS.get_or_init(LexiconSet::built_in)
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
    drop(document);
    run_extract_page(headers, body);
}

/// The whole extractor, with and without a profile, and the site
/// aggregation of what it gives. (Unlike the finders above, which parse
/// whatever they are given, `extract_page` caps hostile markup first.)
fn run_extract_page(headers: &[(String, String)], body: &[u8]) {
    let url = page_url();
    let key = LinkageKey::new([9; 32]);
    let context = ExtractionContext {
        lexicons: lexicons(),
        linkage_key: &key,
        captured_at: chrono::DateTime::from_timestamp(1_735_689_600, 0).unwrap(),
    };
    let mut pages: Vec<PageIndicators> = Vec::new();
    for with_profile in [false, true] {
        let site = site(with_profile);
        let extraction = extract_page(&site, &url, headers, body, &context);
        check_page(&extraction.indicators);
        // Stored as JSON and read back unchanged.
        let json = serde_json::to_string(&extraction.indicators).unwrap();
        let back: PageIndicators = serde_json::from_str(&json).unwrap();
        assert_eq!(back.ads.len(), extraction.indicators.ads.len());
        pages.push(extraction.indicators);
    }
    let indicators = aggregate_site(&site(false), &pages, None, context.captured_at);
    assert_eq!(indicators.pages_parsed, 2);
    assert!(indicators.ads_deduplicated <= indicators.ads_seen);
    assert_eq!(
        indicators.reposts_merged,
        indicators.ads_seen - indicators.ads_deduplicated
    );
    for share in indicators
        .languages
        .values()
        .chain(indicators.lexicon.values())
    {
        assert!((0.0..=1.0).contains(share), "{share}");
    }
}

fn check_page(page: &PageIndicators) {
    assert!(
        (0.0..=1.0).contains(&page.confidence),
        "{}",
        page.confidence
    );
    assert!(page.ads.len() <= page.ad_cards);
    if page.ads.is_empty() {
        assert_eq!(page.method, ExtractionMethod::None);
    }
    let keys: std::collections::BTreeSet<_> = page.ad_keys().collect();
    assert_eq!(keys.len(), page.ads.len(), "ads are distinct by key");
    for ad in &page.ads {
        for contact in &ad.contacts {
            assert_eq!(contact.digest.len(), 64);
        }
    }
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
        // The first listing page of every template, in every encoding.
        let farm = Farm::new(FarmSpec {
            seed: 11,
            sites: SHOWCASE_SITES,
            day: 0,
        });
        for (site, truth) in farm.sites().iter().zip(&farm.truth().sites) {
            if let Some(page) = truth.pages.iter().chain(&truth.disallowed_pages).next() {
                pages.push(farm.render(&site.host, &page.url_path).body);
            }
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

/// Cases per property: `CARTOGRAPH_FUZZ_CASES`, else a small default.
fn fuzz_cases() -> u32 {
    std::env::var("CARTOGRAPH_FUZZ_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: fuzz_cases(), ..ProptestConfig::default() })]

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
fn absurd_nesting_width_formatting_and_attributes_are_survived_quickly() {
    let started = std::time::Instant::now();
    // 100,000 nested elements: quadratic in html5ever (16,000 took 0.5 s
    // in a release build, so this would take minutes), capped before
    // parsing at MAX_OPEN_ELEMENTS, and nothing of ours recurses on depth.
    // These three go through `extract_page` only: the bare finders parse
    // what they are given, which is the quadratic part.
    let deep = format!(
        "<html><body>{}<article><a href=/ad/1>deep card text</a></article>{}</body></html>",
        "<div><span>".repeat(50_000),
        "</span></div>".repeat(50_000)
    );
    run_extract_page(&[], deep.as_bytes());
    // Formatting elements the parser would re-create after every paragraph.
    let formatting: String = (0..20_000)
        .map(|index| format!("<b class=c{index}>x<p>y"))
        .collect();
    run_extract_page(&[], formatting.as_bytes());
    // One tag with 100,000 attributes (quadratic duplicate checks).
    let attributes: String = (0..100_000).map(|index| format!(" a{index}=v")).collect();
    run_extract_page(&[], format!("<div{attributes}>x</div>").as_bytes());
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
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

#[test]
fn a_page_cut_before_parsing_says_so() {
    let key = LinkageKey::new([9; 32]);
    let context = ExtractionContext {
        lexicons: lexicons(),
        linkage_key: &key,
        captured_at: chrono::DateTime::from_timestamp(1_735_689_600, 0).unwrap(),
    };
    let deep = "<div>".repeat(2_000) + "text";
    let extraction = extract_page(&site(false), &page_url(), &[], deep.as_bytes(), &context);
    let warnings = &extraction.indicators.warnings;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("deeper than 512"), "{warnings:?}");
}
