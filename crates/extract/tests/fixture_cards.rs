//! The card finder without a profile on hand-written pages, one per markup
//! style, under `fixtures/extract/`: each row names the page, the URL it is
//! read as, and what must come out. Every fixture file must have a row.

use std::path::PathBuf;

use cartograph_extract::{decode_html, find_cards, find_next_page, ExtractionMethod};
use url::Url;

struct Expect {
    /// Where the page is read as being served from.
    url: &'static str,
    method: ExtractionMethod,
    /// Distinct ads on the page.
    cards: usize,
    /// Copies of an ad already on the page, dropped.
    repeated: usize,
    next: Option<&'static str>,
    /// The charset the page must be decoded with.
    encoding: &'static str,
}

const UTF8: &str = "UTF-8";

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/extract")
}

fn check(fixture: &str, expect: Expect) {
    let path = fixtures_dir().join(fixture);
    let body = std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let decoded = decode_html(&[], &body);
    assert_eq!(decoded.encoding, expect.encoding, "{fixture}: encoding");
    assert_eq!(decoded.replacements, 0, "{fixture}: replacement characters");
    let document = scraper::Html::parse_document(&decoded.text);
    let page_url = Url::parse(expect.url).unwrap();
    let card_set = find_cards(&document, &page_url, None);
    let links: Vec<String> = card_set
        .cards
        .iter()
        .map(|card| card.link.as_ref().map_or("-".to_owned(), Url::to_string))
        .collect();
    assert_eq!(
        card_set.method, expect.method,
        "{fixture}: method; links {links:#?}"
    );
    assert_eq!(
        card_set.cards.len(),
        expect.cards,
        "{fixture}: cards; links {links:#?}"
    );
    assert_eq!(
        card_set.repeated_cards, expect.repeated,
        "{fixture}: repeated"
    );
    if expect.cards > 0 {
        assert!(
            card_set.confidence >= 0.6,
            "{fixture}: confidence {}",
            card_set.confidence
        );
        for card in &card_set.cards {
            assert!(card.link.is_some(), "{fixture}: a card without a link");
            assert!(
                card.text.split(' ').count() >= 3,
                "{fixture}: thin card {:?}",
                card.text
            );
            assert_ne!(card.text_fingerprint, 0, "{fixture}");
        }
    } else {
        assert_eq!(card_set.confidence, 0.0, "{fixture}");
    }
    let next = find_next_page(&document, &page_url);
    assert_eq!(
        next.as_ref().map(Url::as_str),
        expect.next,
        "{fixture}: next page"
    );
}

fn generic(url: &'static str, cards: usize, next: Option<&'static str>) -> Expect {
    Expect {
        url,
        method: ExtractionMethod::Generic,
        cards,
        repeated: 0,
        next,
        encoding: UTF8,
    }
}

#[test]
fn every_markup_style_yields_its_cards() {
    let rows: Vec<(&str, Expect)> = vec![
        (
            // Two banners between the cards and a "your advert here" tile
            // styled as a card but linking to the post-an-ad page.
            "div_cards_with_banners.html",
            generic(
                "http://seaside.example.test/brighton/",
                7,
                Some("http://seaside.example.test/brighton/?page=2"),
            ),
        ),
        (
            // Header row, a separator row and a partner row among the ads.
            "table_rows.html",
            generic(
                "http://graz.example.test/begleitung/?seite=2",
                7,
                Some("http://graz.example.test/begleitung/?seite=3"),
            ),
        ),
        (
            // A notice, an image banner and a "see all" item in the same list.
            "li_items_next_to_other_items.html",
            generic(
                "http://krakow.example.test/krakow/?strona=2",
                6,
                Some("http://krakow.example.test/krakow/?strona=3"),
            ),
        ),
        (
            // The page's own ItemList (next to a BreadcrumbList) wins.
            "json_ld_item_list.html",
            Expect {
                method: ExtractionMethod::JsonLd,
                ..generic(
                    "http://lyon.example.test/lyon/",
                    6,
                    Some("http://lyon.example.test/lyon/?page=2"),
                )
            },
        ),
        (
            // Three featured ads shown again in the list: counted once each.
            "promoted_duplicates.html",
            Expect {
                repeated: 3,
                ..generic(
                    "http://milano.example.test/milano/",
                    7,
                    Some("http://milano.example.test/milano/?pagina=2"),
                )
            },
        ),
        (
            // Nested menus with counts, breadcrumbs, an SEO link block and a
            // footer of 48 city links around seven tiles.
            "nested_nav_and_footer_link_farm.html",
            generic(
                "http://north.example.test/leeds/",
                7,
                Some("http://north.example.test/leeds/page/2/"),
            ),
        ),
        (
            // The header claims 1,482 ads; the page shows 8.
            "header_counter_disagrees.html",
            generic(
                "http://valencia.example.test/valencia/",
                8,
                Some("http://valencia.example.test/valencia/?pag=2"),
            ),
        ),
        (
            // Cards grouped in day sections, one section with a single card.
            "day_sections.html",
            generic(
                "http://bucuresti.example.test/bucuresti/",
                6,
                Some("http://bucuresti.example.test/bucuresti/?pagina=2"),
            ),
        ),
        (
            // Tiles in grid rows of three and two.
            "grid_rows.html",
            generic(
                "http://izmir.example.test/izmir/",
                5,
                Some("http://izmir.example.test/izmir/?sayfa=2"),
            ),
        ),
        (
            // Each ad is one link with all its text; a category menu of the
            // same markup sits above.
            "single_link_cards.html",
            generic(
                "http://linz.example.test/linz/",
                5,
                Some("http://linz.example.test/linz/?seite=2"),
            ),
        ),
        (
            // windows-1251 bytes, declared only in <meta http-equiv>.
            "windows_1251_table.html",
            Expect {
                encoding: "windows-1251",
                ..generic(
                    "http://odessa.example.test/odessa/",
                    5,
                    Some("http://odessa.example.test/odessa/?page=2"),
                )
            },
        ),
        (
            // Forum threads: each row links to the thread, its later pages,
            // the author and the last poster; the thread link is the ad's.
            "board_threads.html",
            generic(
                "http://board.example.test/board/adverts/",
                6,
                Some("http://board.example.test/board/adverts/?p=2"),
            ),
        ),
        (
            // Prose with links and a menu: no ads, no next page.
            "no_listing.html",
            Expect {
                method: ExtractionMethod::None,
                ..generic("http://site.example.test/about", 0, None)
            },
        ),
    ];

    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".html"))
        .collect();
    on_disk.sort();
    let mut in_table: Vec<String> = rows.iter().map(|(name, _)| (*name).to_owned()).collect();
    in_table.sort();
    assert_eq!(
        on_disk, in_table,
        "every fixture needs a row, every row a fixture"
    );

    for (fixture, expect) in rows {
        check(fixture, expect);
    }
}
