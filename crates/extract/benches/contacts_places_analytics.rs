//! Throughput of the per-card contact and place scans and of the per-page
//! analytics id scan, on synthetic neutral text (fictional numbers).
//!
//! Run: `cargo bench -p cartograph-extract --bench contacts_places_analytics`
//! Prints MB/s per function on one core: of card text for the card scans,
//! of page HTML for the page scan and for all three together. A plain timing loop (no criterion)
//! because only the order of magnitude against the ≥ 50 MB/s page budget
//! matters here; the page-level criterion benchmark owns the real figure.

use std::hint::black_box;
use std::time::Instant;

use cartograph_extract::{find_contacts, find_place, find_tracking_ids, warm_up, LinkageKey};

/// Card texts as a listing shows them: some with plain numbers, some with
/// obscured ones, some with messengers, many with no contact at all.
const CARDS: &[&str] = &[
    "Neu in Wien! Anna, 23 Jahre, 170 cm. Termine ab 10:00 Uhr, 1 Std. 150 €. Tel. 0664 123 45 67 WhatsApp",
    "Sympathische Begleitung für Abendessen und Theater, diskret und freundlich. Nur Termine nach Vereinbarung.",
    "Новенькая в Москве, 24 года. Звоните: 8 (912) 345-67-89, Телеграм @example_name",
    "null sechs sechs vier eins zwei drei vier fünf sechs sieben — bitte nur SMS",
    "Nouvelle à Paris, 25 ans, disponible en soirée. Contact 06 99 12 34 56",
    "Elegant companion in London for dinner dates. Rates: 1h 200, 2h 350, overnight 1000.",
    "Nowa w Warszawie, 22 lata. Zadzwoń: 512 345 678 lub napisz na WhatsApp.",
    "Yeni İstanbul'da, 26 yaşında. Telegram: @example_tr",
    "Online seit 12.03.2024 · Anzeige ID 48213377 · 1010 Wien",
    "Disponibile a Milano, 28 anni, solo appuntamenti. tre quattro sette uno due tre quattro cinque sei sette",
];

const PAGE_SCRIPTS: &str = r#"<script async src="/tag/gtag/js?id=G-AB12CD34EF"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());gtag('config','G-AB12CD34EF');</script>
<script>ym(87654321, "init", {clickmap:true});</script>"#;

fn measure(name: &str, bytes_per_round: usize, mut round: impl FnMut()) {
    // Warm caches, then time enough rounds to pass half a second.
    round();
    let started = Instant::now();
    let mut rounds = 0usize;
    while started.elapsed().as_secs_f64() < 0.5 {
        round();
        rounds += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let megabytes = (bytes_per_round * rounds) as f64 / 1_000_000.0;
    println!(
        "{name:<24} {:>8.1} MB/s ({rounds} rounds)",
        megabytes / seconds
    );
}

fn main() {
    warm_up();
    let key = LinkageKey::new([9; 32]);
    let card_bytes: usize = CARDS.iter().map(|card| card.len()).sum();
    measure("find_contacts", card_bytes, || {
        for card in CARDS {
            black_box(find_contacts(black_box(card), &[], "AT", &key));
        }
    });
    measure("find_place", card_bytes, || {
        for card in CARDS {
            black_box(find_place(black_box(card)));
        }
    });

    // A page: 40 cards of markup around the texts, the scripts once.
    let mut page = String::from("<!doctype html><html><head><title>Listing</title>");
    page.push_str(PAGE_SCRIPTS);
    page.push_str("</head><body><main>");
    for index in 0..40 {
        page.push_str(&format!(
            r#"<article class="card"><a href="/ad/{index}"><h2>Ad {index}</h2></a><p class="text">{}</p><span class="meta">online</span></article>"#,
            CARDS[index % CARDS.len()]
        ));
    }
    page.push_str("</main></body></html>");
    measure("find_tracking_ids", page.len(), || {
        black_box(find_tracking_ids(black_box(&page)));
    });
    // The share of the page budget: contacts and place of every card plus
    // the page's ids, per byte of the page's HTML.
    let card_texts: Vec<&str> = (0..40).map(|index| CARDS[index % CARDS.len()]).collect();
    measure("all three, per page HTML", page.len(), || {
        for text in &card_texts {
            black_box(find_contacts(black_box(text), &[], "AT", &key));
            black_box(find_place(black_box(text)));
        }
        black_box(find_tracking_ids(black_box(&page)));
    });
}
